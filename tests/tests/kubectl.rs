//! kubectl as learners type it: every command form the playground supports, including
//! each exact command line of the source tutorials, run against a simulated cluster and
//! compared with golden transcripts in `tests/golden/kubectl/<group>.txt` (regenerate
//! with `UPDATE_GOLDEN=1 cargo test -p sts-tests --test kubectl`, then read the diff).
//!
//! Rule IDs (K-1…K-13) refer to section 14 of `statefulset-semantics.md`; where it is
//! silent the expected shapes come from kubectl 1.32's sources (named in
//! `crates/sts-engine/src/kubectl/*.rs`).

use sts_engine::api::Outcome;
use sts_engine::scenario::{self, Settle};
use sts_engine::time::SimDuration;
use sts_engine::timeline::{Input, Timeline};
use sts_engine::trace::Record;
use sts_tests::repo_root;

/// A console session on the fixture cluster, with a transcript.
struct Session {
    tl: Timeline,
    log: String,
}

impl Session {
    fn new() -> Session {
        let path = repo_root().join("tests/fixtures/kubectl.yaml");
        let text = std::fs::read_to_string(&path).expect("fixture exists");
        let s = scenario::parse(&text).expect("fixture parses");
        let w = scenario::build_world(&s);
        Session {
            tl: Timeline::new(w),
            log: String::new(),
        }
    }

    /// The session after `kubectl apply -f FILE` and settling.
    fn with(file: &str) -> Session {
        let mut s = Session::new();
        let o = s.quiet(&format!("kubectl apply -f {file}"));
        assert_eq!(o.exit, 0, "{}", o.output);
        s.settle();
        s
    }

    fn record(&mut self, line: &str, o: &Outcome) {
        self.log.push_str(&format!("$ {line}\n"));
        if !o.output.is_empty() {
            self.log.push_str(&o.output);
            self.log.push('\n');
        }
        if o.exit != 0 {
            self.log.push_str(&format!("[exit {}]\n", o.exit));
        }
    }

    /// Runs a command line and logs it with its output.
    fn run(&mut self, line: &str) -> Outcome {
        let o = self.tl.input(Input::Kubectl(line.to_string()));
        self.record(line, &o);
        o
    }

    /// Runs a command line with standard input.
    fn run_stdin(&mut self, line: &str, stdin: &str) -> Outcome {
        let o = self.tl.input(Input::KubectlStdin {
            line: line.to_string(),
            stdin: stdin.to_string(),
        });
        self.record(&format!("{line}  # with stdin"), &o);
        o
    }

    /// Runs a command line without logging it.
    fn quiet(&mut self, line: &str) -> Outcome {
        self.tl.input(Input::Kubectl(line.to_string()))
    }

    fn settle(&mut self) {
        let r = scenario::run_until_settled(&mut self.tl);
        assert!(
            matches!(r, Settle::Settled | Settle::Stuck(_)),
            "did not settle: {r:?}"
        );
    }

    fn note(&mut self, text: &str) {
        self.log.push_str(&format!("# {text}\n"));
    }

    fn advance(&mut self, secs: u64) {
        scenario::run_for(&mut self.tl, SimDuration::from_secs(secs));
        self.note(&format!("({secs}s later)"));
    }

    /// The rows printed by watches since trace index `from`.
    fn watch_rows(&self, from: usize) -> String {
        self.tl.world().trace[from..]
            .iter()
            .filter_map(|e| match &e.record {
                Record::Watch(w) => Some(format!("{}\n", w.line)),
                _ => None,
            })
            .collect()
    }
}

/// Compares `text` with `tests/golden/kubectl/<name>.txt` (or writes it with
/// `UPDATE_GOLDEN=1`).
fn golden(name: &str, text: &str) {
    let path = repo_root().join(format!("tests/golden/kubectl/{name}.txt"));
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    if want != text {
        let (w, t): (Vec<&str>, Vec<&str>) = (want.lines().collect(), text.lines().collect());
        let line = w
            .iter()
            .zip(&t)
            .position(|(a, b)| a != b)
            .unwrap_or(w.len().min(t.len()));
        panic!(
            "{} differs at line {}:\n  golden: {}\n  actual: {}\n(rerun with UPDATE_GOLDEN=1 if the change is intended)",
            path.display(),
            line + 1,
            w.get(line).unwrap_or(&"<end>"),
            t.get(line).unwrap_or(&"<end>")
        );
    }
}

// ----- the tutorials' command lines -----

#[test]
fn tutorial_command_lines() {
    let mut s = Session::new();
    s.note("002: kubectl apply -f sts-web.yaml, then look around");
    let o = s.run("kubectl apply -f sts-web.yaml");
    assert_eq!(
        o.output,
        "service/nginx-headless created\nstatefulset.apps/web created"
    );
    s.settle();
    s.run("kubectl get sts");
    s.run("kubectl get svc");
    s.run("kubectl get po -l app=nginx-sts");
    s.run("kubectl exec -it web-0 -- sh");
    s.run("exit"); // the interactive pod shell stays open until exit
    s.note("001: a pipe into grep");
    s.run("kubectl get pod | grep web");
    s.note("002: scale up and down");
    assert_eq!(
        s.run("kubectl scale statefulset web --replicas=4").output,
        "statefulset.apps/web scaled"
    );
    s.settle();
    s.run("kubectl get po -l app=nginx-sts");
    s.run("kubectl get po -l app=nginx-sts -w");
    let from = s.tl.world().trace.len();
    s.run("kubectl scale statefulset web --replicas=2");
    s.settle();
    s.log.push_str(&s.watch_rows(from));
    s.run("kubectl get po -l app=nginx-sts");
    s.note("002: the update strategy, through grep");
    s.run(r#"kubectl get sts web -o yaml | grep -A 3 "updateStrategy""#);
    s.run(r#"kubectl get sts web -o yaml | grep -A 1 "updateStrategy""#);
    s.run("kubectl get po -o yaml |grep image:");
    let edit = s.run("kubectl edit sts web");
    assert!(edit.edit.is_some(), "the editor gets the object");
    s.note("004: patch the partition, then the image with a JSON patch");
    assert_eq!(
        s.run(r#"kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}'"#)
            .output,
        "statefulset.apps/web patched"
    );
    s.run("kubectl scale statefulset web --replicas=4");
    s.settle();
    s.run(r#"kubectl patch statefulset web --type='json' -p='[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"nginx:1.22"}]'"#);
    s.settle();
    s.run(r#"kubectl get pods -l app=nginx-sts -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.spec.containers[0].image}{"\n"}{end}'"#);
    s.note("002: the per-pod loop and the range template");
    s.run(r#"for i in 0 1 2 3; do   echo "web-$i"; kubectl get po web-$i -o jsonpath='{.spec.containers[*].image}';echo ""; done"#);
    s.run(r#"kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.spec.containers[*].image}{"\n"}{end}'"#);
    s.note("001: kubectl set image, then an OnDelete-style manual delete");
    assert_eq!(
        s.run("kubectl set image statefulset/web nginx=nginx:1.8")
            .output,
        "statefulset.apps/web image updated"
    );
    s.settle();
    s.run("kubectl delete pod web-2");
    s.settle();
    s.run("kubectl get pods ");
    s.note("003: troubleshooting commands with the placeholders filled in");
    s.run("kubectl get pods -l app=nginx-sts -n default -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\\n' | sort");
    s.run("kubectl get pvc -l app=nginx-sts -n default");
    s.run("kubectl scale statefulset web -n default --replicas=3");
    s.run("kubectl get pods -l app=nginx-sts -n default --no-headers | wc -l");
    s.run("kubectl delete pod web-1 -n default --force --grace-period=0");
    s.run("kubectl exec -it web-0 -n default -- df -h /var/lib/data");
    s.settle();
    s.note("001: exec hostname (answered by the pod shell)");
    s.run("kubectl exec web-0 -- sh -c 'hostname'");
    s.run("kubectl exec web-1 -- sh -c 'hostname'");
    s.run("kubectl exec -it dnsutils -- /bin/sh");
    s.note("002: delete with --cascade=orphan, then everything from the file");
    s.run("kubectl delete sts web --cascade=orphan");
    s.run("kubectl get po -l app=nginx-sts");
    s.run("kubectl apply -f sts-web.yaml");
    s.settle();
    s.run("kubectl delete sts web");
    s.run("kubectl apply -f sts-web.yaml");
    s.settle();
    s.run("kubectl delete -f  sts-web.yaml");
    s.settle();
    s.run("kubectl get po,svc，sts");
    s.run("kubectl get po,svc,sts");
    s.note("003: a here-document into kubectl apply -f -");
    s.run("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: restore\ndata:\n  a: b\nEOF");
    s.run("kubectl wait --for=condition=complete job/web-restore -n default --timeout=300s");
    s.note("the Kubernetes StatefulSet Basics manifest, by URL");
    s.run("kubectl apply -f https://k8s.io/examples/application/web/web.yaml");
    s.run("kubectl apply -f https://k8s.io/examples/application/web/missing.yaml");
    s.settle();
    s.note("004 on that manifest (app=nginx)");
    s.run(r#"kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}'"#);
    s.run(r#"kubectl patch statefulset web --type='json' -p='[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"nginx:1.22"}]'"#);
    s.settle();
    s.run(r#"kubectl get pods -l app=nginx -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.spec.containers[0].image}{"\n"}{end}'"#);
    golden("tutorials", &s.log);
}

// ----- get -----

#[test]
fn get_forms_and_output_formats() {
    let mut s = Session::with("https://k8s.io/examples/application/web/web.yaml");
    s.run("get pods");
    s.run("kubectl get pods -o wide");
    s.run("kubectl get pod web-0");
    s.run("kubectl get pod/web-0");
    s.run("kubectl get pods web-0 web-9");
    s.run("kubectl get statefulset web -o wide");
    s.run("kubectl get statefulsets.apps");
    s.run("kubectl get svc -o wide");
    s.run("kubectl get pvc");
    s.run("kubectl get pvc -o wide");
    s.run("kubectl get pv");
    s.run("kubectl get sc");
    s.run("kubectl get controllerrevisions");
    s.run("kubectl get controllerrevision.apps -o name");
    s.run("kubectl get nodes");
    s.run("kubectl get nodes -o wide");
    s.run("kubectl get ns");
    s.run("kubectl get events");
    s.run("kubectl get ev --field-selector involvedObject.name=web-0");
    s.run("kubectl get all");
    s.run("kubectl get pod/web-0 sts/web");
    s.run("kubectl get pods -A");
    s.run("kubectl get pods --all-namespaces --show-labels");
    s.run("kubectl get pods -L app -L apps.kubernetes.io/pod-index");
    s.run("kubectl get pods --no-headers");
    s.run("kubectl get pods -o name");
    s.run("kubectl get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP,NODE:spec.nodeName");
    s.run("kubectl get pods --sort-by=.metadata.name -o name");
    s.run("kubectl get pods -l 'app in (nginx, redis)' -o name");
    s.run("kubectl get pods -l 'app notin (nginx)'");
    s.run("kubectl get pods -l '!app'");
    s.run("kubectl get pods -l app!=nginx");
    s.run("kubectl get pods -l 'app in nginx'");
    s.run("kubectl get pods --field-selector status.phase=Running -o name");
    s.run("kubectl get pods -n kube-system");
    s.run("kubectl get deploy");
    s.run("kubectl get foo");
    s.run("kubectl get");
    s.run("kubectl get pods -o yml");
    s.run("kubectl get pods --wat");
    s.run("kubectl get pod web-0 -o jsonpath='{.status.podIP}'");
    s.run("kubectl get sts web -o jsonpath='{.spec.template.spec.containers[0].image}'");
    s.run("kubectl get pod web-0 -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'");
    s.run("kubectl get pod web-0 -o jsonpath='{.spec.containers[5].image}'");
    s.run("kubectl get pods -o jsonpath='{.items[*}'");
    s.run("kubectl get pods -o yaml | head -n 5");
    golden("get", &s.log);
}

#[test]
fn objects_print_as_the_api_server_returns_them() {
    let mut s = Session::with("https://k8s.io/examples/application/web/web.yaml");
    s.run("kubectl get sts web -o yaml");
    s.run("kubectl get pod web-0 -o json");
    s.run("kubectl get svc nginx -o yaml");
    s.run("kubectl get pvc www-web-0 -o yaml");
    s.run("kubectl get controllerrevisions -o yaml | grep -c revision:");
    s.run("kubectl get pods -l app=nope -o yaml");
    golden("objects", &s.log);
}

// ----- describe -----

#[test]
fn describe_layouts() {
    let mut s = Session::with("https://k8s.io/examples/application/web/web.yaml");
    s.run("kubectl describe statefulset web -n default");
    s.run("kubectl describe pod web-0");
    s.run("kubectl describe pvc www-web-1");
    s.run("kubectl describe svc nginx");
    s.run("kubectl describe svc kubernetes");
    s.run("kubectl describe pv");
    s.run("kubectl describe sc standard");
    s.run("kubectl describe pods web");
    s.run("kubectl describe pod web-9");
    s.run("kubectl describe node node-1");
    golden("describe", &s.log);
}

// ----- changing things -----

#[test]
fn scale_set_image_patch_and_rollout() {
    let mut s = Session::with("https://k8s.io/examples/application/web/web.yaml");
    s.run("kubectl scale sts web --replicas=-1");
    s.run("kubectl scale sts web --replicas=x");
    s.run("kubectl scale sts web");
    s.run("kubectl scale sts web --current-replicas=5 --replicas=3");
    s.run("kubectl scale sts/web --replicas=3");
    s.run("kubectl scale pod web-0 --replicas=3");
    s.settle();
    s.run("kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:0.24");
    s.run("kubectl set image sts/web nosuch=nginx:1.22");
    s.run("kubectl set image sts/web nginx");
    s.run("kubectl set env sts/web A=b");
    s.run("kubectl set image statefulset web nginx=registry.k8s.io/nginx-slim:0.25");
    s.run("kubectl rollout status sts/web --watch=false");
    s.run("kubectl rollout status statefulset/web");
    s.run("kubectl rollout history statefulset/web");
    s.run("kubectl rollout history statefulset/web --revision=1");
    s.run("kubectl rollout history statefulset/web --revision=7");
    s.run("kubectl rollout undo statefulset/web --to-revision=9");
    s.run("kubectl rollout undo statefulset/web --to-revision=2");
    s.run("kubectl rollout undo statefulset/web");
    s.run("kubectl rollout status statefulset/web");
    s.run("kubectl rollout history sts/web");
    s.run("kubectl rollout restart sts/web");
    s.run("kubectl rollout pause sts/web");
    s.run("kubectl rollout resume sts/web");
    s.run("kubectl rollout statsu sts/web");
    s.run(r#"kubectl patch sts web -p '{"spec":{"replicas":2}}'"#);
    s.run(r#"kubectl patch sts web -p '{"spec":{"replicas":2}}'"#);
    s.run(r#"kubectl patch sts web --type=merge -p '{"metadata":{"labels":{"tier":"web"}}}'"#);
    s.run(r#"kubectl patch sts web --type=json -p '[{"op":"remove","path":"/spec/nope"}]'"#);
    s.run(r#"kubectl patch sts web --type=bogus -p '{}'"#);
    s.run(r#"kubectl patch sts web -p '{not json'"#);
    s.run(r#"kubectl patch sts web --dry-run=client -p '{"spec":{"replicas":5}}'"#);
    s.run("kubectl get sts web");
    s.run(r#"kubectl patch sts web -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}'"#);
    s.run("kubectl rollout status sts/web");
    golden("rollout", &s.log);
}

#[test]
fn labels() {
    let mut s = Session::with("sts-web.yaml");
    s.run("kubectl label pod web-0 tier=frontend");
    s.run("kubectl label pod web-0 tier=backend");
    s.run("kubectl label pod web-0 tier=backend --overwrite");
    s.run("kubectl label pod web-0 tier=backend --overwrite");
    s.run("kubectl label pod web-0 tier=backend");
    s.run("kubectl label pod web-0 team=a tier-");
    s.run("kubectl label pod web-0 tier=backend team-");
    s.run("kubectl label pods web-0 tier-");
    s.run("kubectl label pods web-0 tier-");
    s.run("kubectl label pods --all env=lab");
    s.run("kubectl label pods -l env=lab zone=a");
    s.run("kubectl label pod web-0 a=b a-");
    s.run("kubectl label pod web-0 'bad=value with space'");
    s.run("kubectl label pod web-9 a=b");
    s.run("kubectl label pod web-0");
    s.run("kubectl label sts web team=x");
    s.run("kubectl label svc nginx-headless team=x");
    s.run("kubectl label node node-1 disk=ssd");
    s.run("kubectl get pods --show-labels");
    s.run("kubectl get pods -l zone=a,env=lab -L zone");
    s.run("kubectl label pods web-0 zone=b --dry-run=client --overwrite");
    s.run("kubectl get pod web-0 -L zone");
    s.run("kubectl label pod web-0 --list");
    s.run("kubectl label pods --all --list");
    golden("labels", &s.log);
}

#[test]
fn deletes() {
    let mut s = Session::with("https://k8s.io/examples/application/web/web.yaml");
    s.run("kubectl delete pod");
    s.run("kubectl delete pod web-9");
    s.run("kubectl delete pod web-9 --ignore-not-found");
    s.run("kubectl delete pod web-0 --grace-period=0");
    s.run("kubectl get pod web-0");
    s.settle();
    s.run("kubectl delete pod web-0 --now");
    s.settle();
    s.run("kubectl delete pod/web-1 --force");
    s.settle();
    s.run("kubectl delete pods -l app=nginx");
    s.run("kubectl delete pods -l app=nothing");
    s.settle();
    s.run("kubectl delete pods --all --dry-run=client");
    s.run("kubectl delete sts web --cascade=false");
    s.run("kubectl get pods");
    s.run("kubectl apply -f https://k8s.io/examples/application/web/web.yaml");
    s.settle();
    s.run("kubectl delete sts web --cascade=sideways");
    s.run("kubectl delete sts web --cascade=foreground");
    s.settle();
    s.run("kubectl get pvc");
    s.run("kubectl delete pvc -l app=nginx");
    s.settle();
    s.run("kubectl get pvc,pv");
    s.run("kubectl delete svc nginx");
    s.run("kubectl delete -f sts-web.yaml");
    s.run("kubectl delete -f missing.yaml");
    s.run("kubectl delete node node-1");
    golden("deletes", &s.log);
}

#[test]
fn apply_create_edit_and_stdin() {
    let mut s = Session::new();
    s.run("kubectl apply");
    s.run("kubectl apply -f nope.yaml");
    s.run("kubectl apply -f -");
    s.run("kubectl apply -f sts-web.yaml --dry-run=client");
    s.run("kubectl get sts");
    s.run("kubectl create -f sts-web.yaml");
    s.run("kubectl create -f sts-web.yaml");
    s.run("kubectl apply -f sts-web.yaml");
    s.run_stdin(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  k: v\n---\nkind: Nope\n",
    );
    s.run("cat sts-web.yaml | grep -c image");
    s.settle();
    let o = s.run("kubectl edit sts/web");
    let buffer = o.edit.expect("edit returns the editor buffer");
    assert!(buffer.starts_with(sts_engine::kubectl::EDIT_HEADER));
    s.note("saving the buffer unchanged, then with partition 1");
    let saved = s.tl.input(Input::Edit(buffer.clone()));
    s.record("(editor saved, unchanged)", &saved);
    let edited = buffer.replace("partition: 0", "partition: 1");
    let saved = s.tl.input(Input::Edit(edited));
    s.record("(editor saved, partition 1)", &saved);
    s.run("kubectl get sts web -o jsonpath='{.spec.updateStrategy.rollingUpdate.partition}'");
    let set = s.tl.world().sets.values().next().expect("the set exists");
    assert_eq!(
        s.tl.world().revisions_of(set).len(),
        1,
        "saving the shown defaults (protocol: TCP, resources: {{}}) is not a template change"
    );
    s.run("kubectl edit pod web-9");
    golden("apply", &s.log);
}

// ----- watching and waiting -----

#[test]
fn get_watch_prints_rows_as_the_cluster_changes() {
    let mut s = Session::with("web.yaml");
    s.note(
        "001: kubectl get pods -w -l role=stateful in one terminal, kubectl set image in another",
    );
    s.run("kubectl get pods -w -l app=none");
    let from = s.tl.world().trace.len();
    s.run("kubectl get pods -w -l role=stateful");
    let id = s.tl.world().watch.as_ref().map(|w| w.id);
    assert_eq!(id, Some(2), "the second watch replaced the first");
    s.run("kubectl set image statefulset/web nginx=nginx:1.8");
    s.settle();
    assert!(
        s.tl.world().watch.is_none(),
        "the watch ends when the cluster settles"
    );
    let rows = s.watch_rows(from);
    s.log.push_str("# the watch printed:\n");
    s.log.push_str(&rows);
    s.note("after settling, new changes are not watched any more");
    let from = s.tl.world().trace.len();
    s.run("kubectl delete pod web-0");
    s.settle();
    assert_eq!(s.watch_rows(from), "");
    s.note("watch errors");
    s.run("kubectl get pods,svc -w");
    s.run("kubectl get pod web-9 -w");
    s.run("kubectl get pods -w | grep web");
    s.note("001: the debug pod, then exec into it (answered by the pod shell)");
    s.run("kubectl apply -f dnsutils.yaml");
    s.settle();
    s.run("kubectl exec -it dnsutils -- /bin/sh");
    s.run("exit"); // the interactive pod shell stays open until exit
    s.note("-o name and a watch of one object");
    s.run("kubectl get pod web-1 -w -o name");
    let from = s.tl.world().trace.len();
    s.run("kubectl delete pod web-1");
    s.settle();
    s.log.push_str(&s.watch_rows(from));
    s.note("--watch-only, -o wide, and events");
    s.run("kubectl get pods --watch-only -o wide");
    let from = s.tl.world().trace.len();
    s.run("kubectl scale sts web --replicas=1");
    s.settle();
    s.log.push_str(&s.watch_rows(from));
    s.run("kubectl get events -w --field-selector reason=SuccessfulCreate");
    let from = s.tl.world().trace.len();
    s.run("kubectl scale sts web --replicas=2");
    s.settle();
    s.log.push_str(&s.watch_rows(from));
    s.note("Ctrl-C");
    s.run("kubectl get sts -w");
    s.tl.input(Input::Interrupt);
    assert!(s.tl.world().watch.is_none());
    golden("watch", &s.log);
}

#[test]
fn watch_rows_are_part_of_the_replayable_trace() {
    let mut s = Session::with("sts-web.yaml");
    s.quiet("kubectl get pods -w");
    s.quiet("kubectl scale sts web --replicas=3");
    s.settle();
    let end = s.tl.position();
    let trace: Vec<String> = s.tl.world().trace.iter().map(|e| e.text()).collect();
    assert!(
        trace.iter().any(|t| t.contains("watch:")),
        "rows were recorded"
    );
    s.tl.seek(end / 2);
    s.tl.seek(end);
    let again: Vec<String> = s.tl.world().trace.iter().map(|e| e.text()).collect();
    assert_eq!(trace, again, "replay reproduces the watch rows");
}

#[test]
fn wait_advances_the_simulation_until_the_condition_holds() {
    let mut s = Session::with("https://k8s.io/examples/application/web/web.yaml");
    s.run("kubectl wait --for=condition=Ready pod/web-0");
    s.run("kubectl delete pod web-0");
    let before = s.tl.world().now;
    s.run("kubectl wait --for=delete pod/web-0 --timeout=60s");
    assert!(
        s.tl.world().now > before,
        "waiting for the deletion took simulated time"
    );
    s.note("the pod is gone for the moment: kubectl answers NotFound");
    s.run("kubectl wait --for=condition=Ready pod/web-0 --timeout=60s");
    s.advance(1);
    let before = s.tl.world().now;
    s.run("kubectl wait --for=condition=Ready pod/web-0 --timeout=60s");
    assert!(
        s.tl.world().now > before,
        "waiting for readiness took simulated time"
    );
    let key = ("default".to_string(), "web-0".to_string());
    assert!(
        s.tl.world()
            .pods
            .get(&key)
            .is_some_and(|p| p.running_and_ready()),
        "the recreated web-0 is Ready"
    );
    s.run("kubectl wait --for=condition=Ready pods -l app=nginx");
    s.run("kubectl wait --for=jsonpath='{.status.readyReplicas}'=2 sts/web");
    s.run("kubectl wait --for=jsonpath='{.status.phase}'=Running pod/web-1 --timeout=0");
    s.run("kubectl wait --for=condition=Ready=false pod/web-1 --timeout=0");
    s.note("a condition that never comes: the timeout passes in simulated time");
    let t0 = s.tl.world().now;
    s.run("kubectl wait --for=condition=Ready=false pod/web-1 --timeout=30s");
    assert_eq!(
        s.tl.world().now.since(t0),
        SimDuration::from_secs(30),
        "the clock moved to the deadline"
    );
    s.run("kubectl wait --for=condition=Ready pod/web-9");
    s.run("kubectl wait --for=delete pod/web-9");
    s.run("kubectl wait --for=condition=Ready pods -l app=none");
    s.run("kubectl wait --for=bogus pod/web-0");
    s.run("kubectl wait --for=condition=Ready pod/web-0 --timeout=60");
    s.run("kubectl wait --for=condition=Ready pod/web-0 && echo ready");
    s.note("rollout status blocks until the rollout is done");
    s.run("kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:0.25");
    s.run("kubectl rollout status sts/web --timeout=5s");
    s.run("kubectl rollout status sts/web");
    golden("wait", &s.log);
}

#[test]
fn a_wait_is_replayed_exactly_when_going_back() {
    let mut s = Session::with("sts-web.yaml");
    s.quiet("kubectl delete pod web-1");
    let start = s.tl.position();
    let o = s.quiet("kubectl wait --for=delete pod/web-1");
    assert_eq!(o.output, "pod/web-1 condition met");
    let end = s.tl.position();
    assert!(end > start + 1, "the wait's steps are in the history");
    let trace: Vec<String> = s.tl.world().trace.iter().map(|e| e.text()).collect();
    s.tl.seek(start);
    assert!(s.tl.world().pending_wait().is_none());
    s.tl.seek(start + 1);
    assert!(
        s.tl.world().pending_wait().is_some(),
        "mid-wait, the wait is pending"
    );
    s.tl.seek(end);
    let again: Vec<String> = s.tl.world().trace.iter().map(|e| e.text()).collect();
    assert_eq!(trace, again);
    s.note("typing while going back mid-wait interrupts it");
    s.tl.seek(start + 1);
    let o = s.run("kubectl get pods");
    assert_eq!(o.exit, 0);
    let interrupted = s.tl.world().trace.iter().any(
        |e| matches!(&e.record, Record::Command(c) if c.command.contains("wait") && c.exit == 130),
    );
    assert!(interrupted, "the wait ended with ^C");
}

#[test]
fn a_stuck_rollout_does_not_hang_rollout_status() {
    let mut s = Session::with("sts-web.yaml");
    s.tl.input(Input::Fault(sts_engine::timeline::Fault::ImagePull {
        image: "nginx:broken".into(),
        fails: true,
    }));
    s.run("kubectl set image sts/web nginx=nginx:broken");
    let o = s.run("kubectl rollout status sts/web");
    assert_eq!(o.exit, 1);
    assert!(
        o.output.contains("Waiting for 1 pods to be ready..."),
        "{}",
        o.output
    );
    assert!(
        o.output
            .ends_with("kubectl would keep waiting until interrupted"),
        "{}",
        o.output
    );
}

#[test]
fn an_input_interrupts_a_running_wait() {
    let mut s = Session::with("sts-web.yaml");
    s.quiet("kubectl delete pod web-0");
    // Start a wait by hand (without the timeline driving it), then type another command.
    let o = s.tl.world().clone();
    let mut w = o;
    let out = w.apply_input(&Input::Kubectl(
        "kubectl wait --for=condition=Ready=false pod/web-1".into(),
    ));
    assert!(out.wait.is_some(), "the wait is still running");
    w.apply_input(&Input::Kubectl("kubectl get pods".into()));
    assert!(w.pending_wait().is_none());
    let wait_record = w
        .trace
        .iter()
        .rev()
        .find_map(|e| match &e.record {
            Record::Command(c) if c.command.contains("wait") => Some(c.clone()),
            _ => None,
        })
        .expect("the wait was recorded");
    assert_eq!((wait_record.output.as_str(), wait_record.exit), ("^C", 130));
}

// ----- mistakes -----

#[test]
fn mistakes_get_kubectls_errors_and_a_hint() {
    let mut s = Session::with("sts-web.yaml");
    s.run("kubectl scael sts web --replicas=3");
    s.run("kubectl gte pods");
    s.run("kubectl ps");
    s.run("kubectl frobnicate");
    s.run("kubectl logs web-0");
    s.run("kubectl get pods -n");
    s.run("kubectl get pods --watch=maybe");
    s.run("kubectl delete pod web-0 --grace-period=soon");
    s.run("kubectl get pods | head -n -9223372036854775808");
    s.run("kubectl get pods | tail -n -9223372036854775808");
    s.run("kubectl delete pod web-0 --grace-period=9223372036854775807");
    s.run("kubectl exec web-0 hostname");
    s.run("kubectl exec web-0");
    s.run("kubectl exec web-0 -c sidecar -- hostname");
    s.run("kubectl exec sts/web -- hostname");
    s.run("kubectl exec svc/nginx-headless -- hostname");
    s.run("kubectl get pods | awk '{print $1}'");
    s.run("kubectl get pods > pods.txt");
    s.run("kubectl get pods $(echo -l app=x)");
    s.run("while true; do kubectl get pods; done");
    s.run("kubectl get pods 'unterminated");
    s.run("sleep 10");
    s.run("kubectl version");
    s.run("kubectl api-resources | grep -i statefulset");
    s.run("kubectl get pods --help");
    s.run("kubectl");
    s.run("");
    golden("mistakes", &s.log);
}

// ----- Deployments and ReplicaSets -----

const WEB_DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-deploy
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web-deploy
  template:
    metadata:
      labels:
        app: web-deploy
    spec:
      containers:
      - name: nginx
        image: nginx:1.26
";

#[test]
fn deployments_and_replica_sets() {
    let mut s = Session::new();
    s.run_stdin("kubectl apply -f -", WEB_DEPLOY);
    s.run("kubectl rollout status deployment/web-deploy --watch=false");
    s.settle();
    s.run("kubectl get deploy");
    s.run("kubectl get rs");
    s.run("kubectl get deploy,rs -o wide");
    s.run("kubectl get pods -l app=web-deploy");
    s.run("kubectl describe deploy web-deploy");
    s.run("kubectl set image deployment/web-deploy nginx=nginx:1.27");
    s.run("kubectl rollout status deployment/web-deploy");
    s.run("kubectl get rs");
    s.run("kubectl rollout history deployment/web-deploy");
    s.run("kubectl rollout history deployment/web-deploy --revision=1");
    s.run("kubectl rollout undo deployment/web-deploy --to-revision=7");
    s.run("kubectl rollout undo deployment/web-deploy");
    s.run("kubectl rollout status deployment/web-deploy");
    s.run("kubectl rollout history deploy/web-deploy");
    s.run("kubectl scale deployment/web-deploy --replicas=5");
    s.settle();
    s.run(r#"kubectl patch deployment web-deploy -p '{"spec":{"strategy":{"type":"Recreate"}}}'"#);
    s.run(r#"kubectl patch deployment web-deploy -p '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'"#);
    s.run("kubectl get deploy web-deploy");
    s.run("kubectl describe rs");
    s.run("kubectl delete deployment web-deploy");
    s.settle();
    s.run("kubectl get deploy,rs,pods");
    golden("deployments", &s.log);
}

#[test]
fn deployment_validation_errors_are_kubectls() {
    let mut s = Session::new();
    let both_zero = WEB_DEPLOY.replace(
        "  replicas: 3\n",
        "  replicas: 3\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0\n",
    );
    s.run_stdin("kubectl apply -f -", &both_zero);
    let recreate_with_rolling = WEB_DEPLOY.replace(
        "  replicas: 3\n",
        "  replicas: 3\n  strategy:\n    type: Recreate\n    rollingUpdate:\n      maxSurge: 1\n",
    );
    s.run_stdin("kubectl apply -f -", &recreate_with_rolling);
    let mismatch = WEB_DEPLOY.replace(
        "        app: web-deploy\n    spec:",
        "        app: other\n    spec:",
    );
    s.run_stdin("kubectl apply -f -", &mismatch);
    let unknown = WEB_DEPLOY.replace("  replicas: 3\n", "  replica: 3\n");
    s.run_stdin("kubectl apply -f -", &unknown);
    s.run("kubectl get deploy");
    golden("deployment-errors", &s.log);
}
