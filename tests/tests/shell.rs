//! The playground's shell as a learner uses it: every command line of the source
//! tutorials that involves the shell (`| grep`, `for i in`, `kubectl exec`, `nslookup`,
//! `curl`, `hostname`, `echo`, `df`, here-documents), each supported form of the outer
//! shell and of the pod shell, the stable-storage demonstration (I-5, P-6, P-7), and the
//! replay-script export.
//!
//! Transcripts are golden files in `tests/golden/shell/`: a `$ ` (or pod-shell prompt)
//! line per command, then what the terminal shows, then `(exit N)` when non-zero. After
//! an intended change, regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p sts-tests --test shell` and read the diff. Behaviour
//! that matters most is also asserted directly, so it cannot be regenerated away.
//!
//! Some tutorial lines print what another part of kubectl provides (`-o yaml`,
//! `-o jsonpath`): their goldens record this playground's current kubectl, and the shell
//! around it (pipes, `grep -A`, `tr`, `sort`, loops) is what these tests pin.

use sts_engine::api::Outcome;
use sts_engine::scenario;
use sts_engine::timeline::{Fault, Input, Timeline};
use sts_engine::{export, shell};
use sts_tests::repo_root;

/// A console on a scenario's cluster, like `sts shell`: each line runs as a command
/// input, then the simulation runs until the cluster settles.
struct Console {
    tl: Timeline,
    transcript: String,
}

impl Console {
    /// A cluster (3 nodes, default class `standard`) with `manifests` applied and
    /// settled. `cluster` is extra scenario YAML under `cluster:` (may be empty).
    fn new(cluster: &str, manifests: &str) -> Console {
        let yaml = format!("scenario: t\ntitle: {{en: t, zh: t}}\nseed: 1\n{cluster}");
        let s = scenario::parse(&yaml).unwrap_or_else(|e| panic!("scenario: {e}\n{yaml}"));
        let mut tl = Timeline::new(scenario::build_world(&s));
        let o = tl.input(Input::Apply(manifests.to_string()));
        assert_eq!(o.exit, 0, "manifests apply: {}", o.output);
        scenario::run_until_settled(&mut tl);
        Console {
            tl,
            transcript: String::new(),
        }
    }

    /// Runs one line (several for a here-document), records it, settles.
    fn run(&mut self, line: &str) -> Outcome {
        let o = self.run_unsettled(line);
        scenario::run_until_settled(&mut self.tl);
        o
    }

    /// Runs one line without letting the simulation run afterwards.
    fn run_unsettled(&mut self, line: &str) -> Outcome {
        let prompt = shell::prompt(self.tl.world());
        self.transcript
            .push_str(&format!("{prompt}{}\n", line.replace('\n', "\n> ")));
        let o = self.tl.input(Input::Kubectl(line.to_string()));
        if !o.output.is_empty() {
            self.transcript.push_str(&o.output);
            self.transcript.push('\n');
        }
        if o.exit != 0 {
            self.transcript.push_str(&format!("(exit {})\n", o.exit));
        }
        o
    }

    /// Runs each line; returns the last outcome.
    fn script(&mut self, lines: &[&str]) -> Outcome {
        let mut last = Outcome::ok("");
        for l in lines {
            last = self.run(l);
        }
        last
    }

    /// Compares the transcript with `tests/golden/shell/<name>.txt`.
    fn golden(&self, name: &str) {
        golden(&format!("{name}.txt"), &self.transcript);
    }
}

fn golden(file: &str, actual: &str) {
    let path = repo_root().join("tests/golden/shell").join(file);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("golden dir")).expect("mkdir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    if expected != actual {
        let (n, (want, got)) = expected
            .lines()
            .chain(std::iter::repeat("<end>"))
            .zip(actual.lines().chain(std::iter::repeat("<end>")))
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap_or((0, ("?", "?")));
        panic!(
            "{} differs at line {}:\n  golden: {want}\n  actual: {got}\n(UPDATE_GOLDEN=1 regenerates it; read the diff)\n--- actual ---\n{actual}",
            path.display(),
            n + 1
        );
    }
}

// ----- the tutorials' clusters -----

/// The kubernetes.io StatefulSet Basics cluster: headless `nginx`, `web` with 3
/// replicas of nginx and a `www` volume per pod (1Gi, default class).
const WEB: &str = "apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: nginx
  replicas: 3
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ \"ReadWriteOnce\" ]
      resources:
        requests:
          storage: 1Gi
";

/// Tutorial 001: two static NFS PVs (Recycle), the `nginx` Service selecting
/// `app: nginx, role: stateful`, and `web` with 2 replicas of `nginx`.
const TUTORIAL_001: &str = "apiVersion: v1
kind: PersistentVolume
metadata:
  name: nginx-pv01
  labels:
    storage: pv
spec:
  accessModes:
    - ReadWriteOnce
  capacity:
    storage: 1Gi
  persistentVolumeReclaimPolicy: Recycle
  nfs:
    path: /data/k8s
    server: 192.168.205.128
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: nginx-pv02
  labels:
    storage: pv
spec:
  accessModes:
    - ReadWriteOnce
  capacity:
    storage: 1Gi
  persistentVolumeReclaimPolicy: Recycle
  nfs:
    path: /data/k8s
    server: 192.168.205.128
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  ports:
    - port: 80
      name: web
  clusterIP: None
  selector:
    app: nginx
    role: stateful
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: \"nginx\"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
        role: stateful
    spec:
      containers:
        - name: nginx
          image: nginx
          ports:
            - containerPort: 80
              name: web
          volumeMounts:
            - name: www
              mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
    - metadata:
        name: www
      spec:
        accessModes: [\"ReadWriteOnce\"]
        resources:
          requests:
            storage: 1Gi
";

/// Tutorial 001's debugging pod.
const DNSUTILS: &str = "cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: dnsutils
  namespace: default
spec:
  containers:
    - name: dnsutils
      image: lansible/dnstools
      command:
        - sleep
        - \"3600\"
      imagePullPolicy: IfNotPresent
  restartPolicy: Always
EOF";

/// Tutorial 002: `nginx-headless` and `web` (2 replicas of nginx:latest from a mirror,
/// no volumes).
const TUTORIAL_002: &str = "apiVersion: v1
kind: Service
metadata:
  name: nginx-headless
  labels:
    app: nginx-headless
spec:
  ports:
    - port: 80
      name: web
  clusterIP: None
  selector:
    app: nginx-sts
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: \"nginx-headless\"
  replicas: 2
  selector:
    matchLabels:
      app: nginx-sts
  template:
    metadata:
      labels:
        app: nginx-sts
    spec:
      containers:
        - name: nginx
          image: m.daocloud.io/docker.io/library/nginx:latest
          ports:
            - containerPort: 80
              name: web
";

// ----- the tutorials' lines -----

#[test]
fn tutorial_001_identity_and_dns_lines() {
    // No StorageClass: the claims bind the tutorial's static NFS volumes.
    let mut c = Console::new("cluster:\n  storageClasses: []\n", TUTORIAL_001);
    let o = c.run("kubectl get pod | grep web");
    assert_eq!(o.output.lines().count(), 2, "{}", o.output);
    assert!(o.output.lines().all(|l| l.starts_with("web-")));
    assert_eq!(
        c.run("kubectl exec web-0 -- sh -c 'hostname'").output,
        "web-0"
    );
    assert_eq!(
        c.run("kubectl exec web-1 -- sh -c 'hostname'").output,
        "web-1"
    );
    c.run(DNSUTILS);
    c.run("kubectl exec -it dnsutils -- /bin/sh");
    assert_eq!(shell::prompt(c.tl.world()), "/ # ");
    let o = c.run("nslookup web-0.nginx");
    let ip = pod_ip(&c, "web-0");
    assert_eq!(
        o.output,
        format!("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb-0.nginx.default.svc.cluster.local\nAddress: {ip}\n")
    );
    c.run("nslookup web-1.nginx");
    c.run("exit");
    assert_eq!(shell::prompt(c.tl.world()), "$ ");
    // The static volumes are NFS exports; df shows them with their capacity.
    let o = c.run("kubectl exec web-0 -- df -h /usr/share/nginx/html");
    assert!(
        o.output.contains("192.168.205.128:/data/k8s  1.0G"),
        "{}",
        o.output
    );
    c.run("kubectl set image statefulset/web nginx=nginx:1.8");
    c.run("kubectl get pods -l role=stateful");
    c.golden("tutorial-001");
}

#[test]
fn tutorial_002_curl_and_partition_lines() {
    let mut c = Console::new("", TUTORIAL_002);
    c.run("kubectl get svc");
    c.run("kubectl exec -it web-0 -- sh");
    let o = c.run("curl  -I web-1.nginx-headless");
    // The tutorial's transcript: nginx 1.27.4 serving its 615-byte default page.
    for want in [
        "HTTP/1.1 200 OK",
        "Server: nginx/1.27.4",
        "Content-Type: text/html",
        "Content-Length: 615",
        "Connection: keep-alive",
        "ETag: \"6774",
        "Accept-Ranges: bytes",
    ] {
        assert!(o.output.contains(want), "missing {want:?} in\n{}", o.output);
    }
    c.run("exit");
    c.run("kubectl get po -l app=nginx-sts");
    c.run("kubectl get sts web -o yaml | grep -A 3 \"updateStrategy\"");
    c.run("kubectl get po -o yaml |grep image:");
    c.run("kubectl get sts web -o yaml | grep -A 1 \"updateStrategy\"");
    let o = c.run("for i in 0 1 2 3; do   echo \"web-$i\"; kubectl get po web-$i -o jsonpath='{.spec.containers[*].image}';echo \"\"; done");
    let lines: Vec<&str> = o.output.lines().collect();
    assert_eq!(lines.first(), Some(&"web-0"), "{}", o.output);
    assert!(o
        .output
        .contains("Error from server (NotFound): pods \"web-2\" not found"));
    c.run("kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.containers[*].image}{\"\\n\"}{end}'");
    c.run("kubectl delete pod web-1");
    c.run("kubectl get pods");
    c.golden("tutorial-002");
}

#[test]
fn tutorial_003_operations_lines() {
    let mut c = Console::new("", WEB);
    // The troubleshooting list, with its placeholders filled in.
    let o = c.run("kubectl get pods -l app=nginx -n default -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\\n' | sort");
    assert_eq!(o.exit, 0);
    let o = c.run("kubectl exec -it web-0 -n default -- df -h /usr/share/nginx/html");
    assert_eq!(
        o.output,
        "Filesystem      Size  Used Avail Use% Mounted on\n/dev/sdb        1.0G     0  1.0G   0% /usr/share/nginx/html"
    );
    // The placeholders themselves are redirections, as in bash.
    let o = c.run("kubectl exec -it <pod-name> -n <namespace> -- df -h /var/lib/data");
    assert_eq!(o.output, "sh: pod-name: No such file or directory");
    // The data recovery script, line by line.
    c.script(&[
        "STATEFULSET_NAME=web",
        "NAMESPACE=${2:-default}",
        "echo \"开始恢复 StatefulSet $STATEFULSET_NAME 数据...\"",
    ]);
    c.run_unsettled("kubectl scale statefulset $STATEFULSET_NAME -n $NAMESPACE --replicas=0");
    let o = c.run_unsettled(
        "while [[ $(kubectl get pods -l app=nginx -n $NAMESPACE --no-headers | wc -l) -gt 0 ]]; do\n    echo \"等待 Pod 停止...\"\n    sleep 10\ndone",
    );
    assert!(o.output.contains("nothing changed"), "{}", o.output);
    scenario::run_until_settled(&mut c.tl);
    let o = c.run(
        "while [[ $(kubectl get pods -l app=nginx -n $NAMESPACE --no-headers | wc -l) -gt 0 ]]; do\n    echo \"等待 Pod 停止...\"\n    sleep 10\ndone",
    );
    assert_eq!(o.exit, 0, "all pods are gone now: {}", o.output);
    c.run(
        "cat <<EOF | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: ${STATEFULSET_NAME}-restore
  namespace: $NAMESPACE
spec:
  template:
    spec:
      containers:
      - name: restore
        image: postgres:14.6-alpine
        command:
        - sh
        - -c
        - |
          for i in \\$(seq 0 \\$((${STATEFULSET_NAME}-1))); do
            echo \"恢复到 ${STATEFULSET_NAME}-\\$i...\"
          done
      restartPolicy: Never
EOF",
    );
    // What that here-document expanded to (the Job kind itself is not simulated).
    let o = c.run(
        "cat <<EOF | grep seq\n          for i in \\$(seq 0 \\$((${STATEFULSET_NAME}-1))); do\nEOF",
    );
    assert_eq!(o.output, "          for i in $(seq 0 $((web-1))); do");
    c.run("kubectl wait --for=condition=complete job/${STATEFULSET_NAME}-restore -n $NAMESPACE --timeout=300s");
    let o = c.run("kubectl scale statefulset $STATEFULSET_NAME -n $NAMESPACE --replicas=3");
    assert_eq!(o.output, "statefulset.apps/web scaled");
    c.run("echo \"数据恢复完成！\"");
    c.golden("tutorial-003");
}

#[test]
fn tutorial_004_patch_lines() {
    let mut c = Console::new("", WEB);
    let o = c.run("kubectl patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":2}}}}'");
    assert_eq!(o.output, "statefulset.apps/web patched");
    let o = c.run("kubectl patch statefulset web --type='json' -p='[{\"op\": \"replace\", \"path\": \"/spec/template/spec/containers/0/image\", \"value\":\"nginx:1.22\"}]'");
    assert_eq!(o.output, "statefulset.apps/web patched");
    c.run("kubectl get pods -l app=nginx -o jsonpath='{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.containers[0].image}{\"\\n\"}{end}'");
    c.golden("tutorial-004");
}

// ----- the stable-storage demonstration -----

#[test]
fn stable_storage_survives_pod_deletion_and_scratch_files_do_not() {
    let mut c = Console::new("", WEB);
    // Before anything is written, nginx has an empty document root: 403.
    let o = c.run("kubectl exec web-1 -- curl -s web-0.nginx");
    assert!(
        o.output.contains("<title>403 Forbidden</title>"),
        "{}",
        o.output
    );
    c.run("for i in 0 1 2; do kubectl exec \"web-$i\" -- sh -c 'echo \"$(hostname)\" > /usr/share/nginx/html/index.html'; done");
    c.run("kubectl exec web-0 -- sh -c 'echo scratch > /tmp/note; cat /tmp/note'");
    let o =
        c.run("for i in 0 1 2; do kubectl exec -i -t \"web-$i\" -- curl http://localhost/; done");
    assert_eq!(o.output, "web-0\nweb-1\nweb-2");
    let uid_before = pod_uid(&c, "web-0");
    c.run("kubectl delete pod web-0");
    assert_ne!(pod_uid(&c, "web-0"), uid_before, "web-0 was recreated");
    // I-5: same name, same claim, same volume: the file is back in the new web-0.
    let o = c.run("kubectl exec web-0 -- cat /usr/share/nginx/html/index.html");
    assert_eq!(o.output, "web-0");
    let o = c.run("kubectl exec web-1 -- curl -s web-0.nginx");
    assert_eq!(o.output, "web-0");
    // The container's own filesystem went with the old pod.
    let o = c.run("kubectl exec web-0 -- cat /tmp/note");
    assert_eq!(
        (o.output.as_str(), o.exit),
        (
            "cat: /tmp/note: No such file or directory\ncommand terminated with exit code 1",
            1
        )
    );
    // P-6: scaling down keeps the claim (Retain), so scaling up finds the data again.
    c.run("kubectl scale statefulset web --replicas=2");
    c.run("kubectl scale statefulset web --replicas=3");
    assert_eq!(
        c.run("kubectl exec web-2 -- cat /usr/share/nginx/html/index.html")
            .output,
        "web-2"
    );
    // Deleting the claim deletes its dynamically provisioned volume (reclaim Delete):
    // the new claim gets a new, empty volume.
    c.run("kubectl scale statefulset web --replicas=2");
    c.run("kubectl delete pvc www-web-2");
    c.run("kubectl scale statefulset web --replicas=3");
    let o = c.run("kubectl exec web-2 -- ls -l /usr/share/nginx/html");
    assert_eq!(o.output, "total 0");
    // nginx has nothing to serve there: 403, which `curl -f` turns into exit code 22.
    let o = c.run("kubectl exec web-1 -- curl -sf web-2.nginx; echo \"curl said $?\"");
    assert_eq!(
        o.output,
        "command terminated with exit code 22\ncurl said 22"
    );
    c.golden("stable-storage");
}

/// A claim mounted with `subPath` (the tutorials' MySQL `data` volume at
/// `/var/lib/mysql`, subPath `mysql`): the kubelet creates the sub-directory, so writes
/// work, land in the volume under `mysql/`, and come back with the recreated pod.
#[test]
fn sub_path_mounts_of_a_claim_are_writable_and_persist() {
    let manifests = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: mysql}\nspec:\n  selector: {matchLabels: {app: mysql}}\n  serviceName: mysql\n  replicas: 1\n  template:\n    metadata: {labels: {app: mysql}}\n    spec:\n      containers:\n      - name: mysql\n        image: mysql:8.0\n        volumeMounts: [{name: data, mountPath: /var/lib/mysql, subPath: mysql}]\n      - name: side\n        image: busybox:1.36\n        command: [sleep, infinity]\n        volumeMounts: [{name: data, mountPath: /data}]\n  volumeClaimTemplates:\n  - metadata: {name: data}\n    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n";
    let mut c = Console::new("", manifests);
    let o = c.run("kubectl exec mysql-0 -c mysql -- sh -c 'echo hello > /var/lib/mysql/marker'");
    assert_eq!(o.exit, 0, "{}", o.output);
    // The whole volume, mounted without subPath, shows the sub-directory.
    let o = c.run("kubectl exec mysql-0 -c side -- cat /data/mysql/marker");
    assert_eq!(o.output, "hello");
    c.run("kubectl delete pod mysql-0");
    let o = c.run("kubectl exec mysql-0 -c mysql -- cat /var/lib/mysql/marker");
    assert_eq!(o.output, "hello");
}

#[test]
fn empty_dir_and_config_map_volumes() {
    let mut c = Console::new(
        "",
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  app.conf: |
    mode=demo
---
apiVersion: v1
kind: Pod
metadata:
  name: scratch
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sleep, '3600']
    env:
    - name: GREETING
      value: hello
    volumeMounts:
    - name: cache
      mountPath: /cache
    - name: config
      mountPath: /etc/app
  volumes:
  - name: cache
    emptyDir: {}
  - name: config
    configMap:
      name: app-config
",
    );
    c.run(
        "kubectl exec scratch -- sh -c 'echo kept-until-the-pod-goes > /cache/x && cat /cache/x'",
    );
    c.run("kubectl exec scratch -- cat /etc/app/app.conf");
    let o = c.run("kubectl exec scratch -- sh -c 'echo no > /etc/app/app.conf'");
    assert!(o.output.contains("Read-only file system"), "{}", o.output);
    c.run("kubectl exec scratch -- printenv GREETING");
    c.run("kubectl exec scratch -- df -h");
    c.run("kubectl delete pod scratch");
    c.run(
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: scratch
spec:
  containers:
  - name: app
    image: busybox:1.36
    volumeMounts:
    - name: cache
      mountPath: /cache
  volumes:
  - name: cache
    emptyDir: {}
EOF",
    );
    let o = c.run("kubectl exec scratch -- ls /cache");
    assert_eq!(o.output, "", "the emptyDir died with the old pod");
    c.golden("volumes");
}

// ----- the pod shell -----

#[test]
fn pod_shell_commands_and_errors() {
    let mut c = Console::new("", WEB);
    c.script(&[
        "kubectl exec web-0 -- hostname",
        "kubectl exec web-0 -- hostname -f",
        "kubectl exec web-0 -- hostname -i",
        "kubectl exec web-0 -- cat /etc/hosts",
        "kubectl exec web-0 -- nslookup web-1.nginx",
        "kubectl exec web-0 -- nslookup nginx",
        "kubectl exec web-0 -- nslookup web-9.nginx",
        "kubectl exec web-0 -- curl -sI web-1.nginx/missing.html",
        "kubectl exec web-0 -- curl -f web-1.nginx/missing.html",
        "kubectl exec web-0 -- curl web-9.nginx",
        "kubectl exec web-0 -- curl web-1.nginx:8080",
        "kubectl exec web-0 -- wget -qO- web-1.nginx",
        "kubectl exec web-0 -- sh -c 'mkdir -p /usr/share/nginx/html/a/b && echo one > /usr/share/nginx/html/a/b/f && echo two >> /usr/share/nginx/html/a/b/f && cat /usr/share/nginx/html/a/b/f'",
        "kubectl exec web-0 -- ls -l /usr/share/nginx/html/a",
        "kubectl exec web-0 -- ls /usr/share/nginx/html/a/b/nope",
        "kubectl exec web-0 -- rm /usr/share/nginx/html/a",
        "kubectl exec web-0 -- rm -r /usr/share/nginx/html/a",
        "kubectl exec web-0 -- ls -a /usr/share/nginx/html",
        "kubectl exec web-0 -- bash -c 'cd /usr/share/nginx && pwd && ls'",
        "kubectl exec web-0 -- sh -c 'echo $HOSTNAME; exit 3'",
        "kubectl exec web-0 -- sh -c 'frobnicate'",
        "kubectl exec web-0 -- frobnicate",
        "kubectl exec web-0 -- env",
        "kubectl exec web-0 -- df -h",
        "kubectl exec web-0 -- date",
        "kubectl exec web-9 -- hostname",
        "kubectl exec web-0 -c sidecar -- hostname",
        "kubectl exec web-0",
        "kubectl exec web-0 ls",
        "kubectl exec sts/web -- hostname",
        "kubectl exec web-0 -- cat /etc/resolv.conf",
        "kubectl exec web-0 -- rm /etc/hosts",
        "kubectl exec web-0 -- sh -c 'echo x > /usr/share/nginx/html/x; rm -rf /usr/share/nginx; ls -A /usr/share/nginx/html'",
    ]);
    // A pod that is not running yet (the kubelet has not started its container).
    c.run_unsettled("kubectl delete pod web-2");
    scenario::run_until(&mut c.tl, |w| {
        w.pods
            .get(&("default".to_string(), "web-2".to_string()))
            .is_some_and(|p| p.spec.node_name.is_some() && !p.running_and_ready())
    });
    let o = c.run_unsettled("kubectl exec web-2 -- hostname");
    assert_eq!(
        o.output,
        "error: unable to upgrade connection: container not found (\"nginx\")"
    );
    scenario::run_until_settled(&mut c.tl);
    // A failed pod.
    c.tl.input(Input::Fault(Fault::FailPod {
        pod: "web-1".into(),
    }));
    let o = c.run_unsettled("kubectl exec web-1 -- hostname");
    assert_eq!(
        o.output,
        "error: cannot exec into a container in a completed pod; current phase is Failed"
    );
    scenario::run_until_settled(&mut c.tl);
    // The busybox DNS test of the kubernetes.io tutorial, and newer busybox (no search
    // domains in its nslookup).
    c.script(&[
        "kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm -- nslookup web-0.nginx",
        "kubectl run -it --rm --restart=Never --image=busybox:1.36 dns-test -- nslookup web-0.nginx",
        "kubectl run -it --rm --restart=Never --image=busybox:1.36 dns-test -- nslookup web-0.nginx.default.svc.cluster.local",
        "kubectl run dns-test --image=busybox:1.28 --rm -- nslookup web-0.nginx",
        "kubectl run -i --tty --image busybox:1.28 web-0 --restart=Never --rm -- hostname",
    ]);
    c.golden("pod-shell");
}

#[test]
fn attached_pod_shell_sessions() {
    let mut c = Console::new("", WEB);
    c.run("kubectl exec -it web-0 -- sh");
    assert_eq!(shell::prompt(c.tl.world()), "# ");
    c.script(&[
        "hostname",
        "cd /usr/share/nginx/html",
        "echo \"$(hostname)\" > index.html",
        "GREETING=hello",
        "echo $GREETING from $(pwd)",
        "ls -l",
        "cat missing.txt",
        "echo $?",
        "exit",
        "echo $GREETING",
    ]);
    // bash: its own prompt, and `exit N` is the session's exit status.
    c.run("kubectl exec -it web-1 -- /bin/bash");
    assert_eq!(shell::prompt(c.tl.world()), "root@web-1:/# ");
    c.run("cd /tmp");
    assert_eq!(shell::prompt(c.tl.world()), "root@web-1:/tmp# ");
    let o = c.run("exit 3");
    assert_eq!(
        (o.output.as_str(), o.exit),
        ("exit\ncommand terminated with exit code 3", 3)
    );
    // The kubernetes.io tutorial's interactive DNS test.
    c.run("kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm");
    assert_eq!(shell::prompt(c.tl.world()), "/ # ");
    c.run("nslookup web-0.nginx");
    let o = c.run("exit");
    assert_eq!(o.output, "pod \"dns-test\" deleted");
    // A session whose container goes away under it ends (kubectl reports the kill);
    // the next line runs in the playground's shell.
    c.run("kubectl exec -it web-2 -- sh");
    c.tl.input(Input::Fault(Fault::FailPod {
        pod: "web-2".into(),
    }));
    let o = c.run_unsettled("echo where am I");
    assert_eq!(
        o.output,
        "command terminated with exit code 137\nwhere am I"
    );
    assert_eq!(shell::prompt(c.tl.world()), "$ ");
    scenario::run_until_settled(&mut c.tl);
    c.golden("sessions");
}

// ----- the outer shell -----

#[test]
fn outer_shell_forms() {
    let mut c = Console::new("", WEB);
    c.script(&[
        "echo 'single quoted $HOME' \"double quoted\" back\\ slash",
        "echo a; echo b && echo c || echo d",
        "false || echo recovered; false && echo never; echo $?",
        "for i in 0 1 2; do echo \"web-$i\"; done",
        "for i in $(seq 0 2); do echo ${i}; done",
        "N=2; echo $((N * 3 + 1))",
        "echo $(echo nested $(echo twice))",
        "sleep 10 && echo slept",
        "kubectl get pods | grep -c web",
        "kubectl get pods | grep -v NAME | wc -l",
        "kubectl get pods | grep -i RUNNING | head -n 1",
        "kubectl get pods | grep -E 'web-(0|2)'",
        "kubectl get pods | grep -A 1 web-0",
        "kubectl get pods | grep -B 1 web-0",
        "kubectl get pods | tail -n 2",
        "kubectl get pods | awk '{print $1}'",
        "kubectl get pods | cut -d ' ' -f 1",
        "kubectl get pods | sort -r | head -n 3",
        "seq 10 -3 1 | sort -n",
        "echo web-0 web-1 | tr ' ' '\\n'",
        "echo 'web-0' | tr -d -",
        "echo abc | tr a-z A-Z",
        "printf '%s=%d\\n' a 1 b 2",
        "scale statefulset web --replicas=3",
        "kubectl get pod web-0 # a comment is not an argument",
        "kubectl get pod web-9 | grep web; echo \"grep said $?\"",
        "if kubectl get pod web-0 > /dev/null; then echo found; fi",
        "kubectl get pods > pods.txt",
        "frobnicate --now",
        "hostname",
        "echo 'unterminated",
        "sleep 1 &",
        "export GREETING=hi",
        "echo $GREETING again",
        "exit",
    ]);
    c.golden("outer-shell");
}

#[test]
fn here_documents_apply_manifests() {
    let mut c = Console::new("", WEB);
    let o = c.run("NAME=extra\nkubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: $NAME\ndata:\n  a: \"1\"\nEOF");
    assert_eq!(o.output, "configmap/extra created");
    let o = c.run("cat <<'EOF' | kubectl apply -f -\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: $NAME\nEOF");
    assert!(
        o.exit != 0,
        "a quoted delimiter keeps $NAME literal: {}",
        o.output
    );
    let o = c.run("kubectl apply -f -");
    assert!(
        o.output.starts_with("error: no manifest on standard input"),
        "{}",
        o.output
    );
    let o = c.run(
        "echo 'kind: ConfigMap\napiVersion: v1\nmetadata: {name: piped}' | kubectl apply -f -",
    );
    assert_eq!(o.output, "configmap/piped created");
    assert!(shell::incomplete("cat <<EOF\nkind: x"));
    assert!(shell::incomplete("for i in 1 2; do"));
    assert!(shell::incomplete("echo 'open"));
    assert!(shell::incomplete("kubectl get pods |"));
    assert!(shell::incomplete("echo a \\"));
    assert!(!shell::incomplete("echo done"));
    c.golden("here-documents");
}

#[test]
fn limits_stop_a_line_with_a_message() {
    let mut c = Console::new("", WEB);
    let o = c.run("for i in $(seq 1 1001); do :; done");
    assert!(o.output.contains("at most 1000 times"), "{}", o.output);
    let o = c.run("seq 1 20000");
    assert!(o.output.contains("more than 10000 numbers"), "{}", o.output);
    let o = c.run("for i in $(seq 1 200); do seq 1 10000; done");
    assert!(o.output.len() <= shell::MAX_OUTPUT_BYTES + 200);
    assert!(o
        .output
        .ends_with("sh: stopped: more than 1048576 bytes of output (the playground's limit)"));
    let o = c.run(&vec!["echo x"; 40].join(" | "));
    assert!(
        o.output.contains("the playground runs at most 32"),
        "{}",
        o.output
    );
    let o = c.run("for i in $(seq 1 600); do kubectl get pod web-0 > /dev/null; done");
    assert!(
        o.output.contains("stopped after 500 kubectl commands"),
        "{}",
        o.output
    );
    let o = c.run("for i in $(seq 1 1000); do for j in $(seq 1 20); do :; done; done");
    assert!(
        o.output.contains("stopped after 10000 commands"),
        "{}",
        o.output
    );
    let o = c.run("i=0; while [ $i -lt 5000 ]; do i=$((i+1)); done; echo $i");
    assert!(
        o.output.contains("stopped after 1000 iterations"),
        "{}",
        o.output
    );
    let deep = format!("echo {}x{}", "$(echo ".repeat(20), ")".repeat(20));
    let o = c.run(&deep);
    assert!(
        o.output.contains("nested shells or substitutions"),
        "{}",
        o.output
    );
    let o = c.run(
        "kubectl exec web-0 -- sh -c 'i=0; while true; do i=$((i+1)); echo $i > /tmp/n; done'",
    );
    assert!(
        o.output.contains("stopped after 1000 iterations"),
        "{}",
        o.output
    );
    let o = c.run(
        "kubectl exec web-0 -- sh -c 'for i in $(seq 1 30); do seq 1 10000 >> /tmp/big; done'",
    );
    assert!(o.output.contains("No space left on device"), "{}", o.output);
    let huge = "x".repeat(shell::MAX_INPUT_BYTES + 1);
    assert_eq!(c.run(&huge).exit, 1);
}

#[test]
fn hostile_lines_get_an_answer_not_a_panic() {
    let mut c = Console::new("", WEB);
    let deep_minus = format!("echo $(({}1))", "-".repeat(100_000));
    let deep_default = format!("echo {}x{}", "${A:-".repeat(5_000), "}".repeat(5_000));
    let long_test = format!("[ {} ] && echo yes", vec!["x -o"; 50_000].join(" ") + " x");
    let many_bangs = format!("[ {} x ] && echo odd", vec!["!"; 50_001].join(" "));
    let big_printf = format!("printf '{}' x", "%1000s".repeat(100_000));
    let wide_tr = format!("echo a | tr '{}' b", "\\0-\\177".repeat(50_000));
    let lines = [
        deep_minus.as_str(),
        deep_default.as_str(),
        long_test.as_str(),
        many_bangs.as_str(),
        big_printf.as_str(),
        wide_tr.as_str(),
        "echo x | grep 'a**********'",
        "echo x | grep -E '((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))'",
        "seq 5 | tail -n -9223372036854775808",
        "seq 5 | tail -n +-9223372036854775808",
        "seq 5 | head -n -9223372036854775808",
        "kubectl exec web-0 -- curl -s 'web-1.nginx/%é%'",
        "kubectl exec web-0 -- ls -l /proc/../../..",
        "kubectl exec web-0 -- sh -c 'cd /usr/share/nginx/html; rm -rf *; ls'",
        "kubectl exec -it web-0 -- sh -c",
        "kubectl exec -c",
        "kubectl run -it --rm",
        "kubectl run x --image= -it --rm",
        "kubectl run 'Bad Name' --image=busybox -it --rm -- true",
        "echo $((1/0)) $((9223372036854775807+1))",
        "echo ${",
        "echo \\",
        "))))",
        "for",
        "if true; then",
        "cat <<",
        "echo $(",
    ];
    for line in lines {
        let o = c.run(line);
        // Every answer is bounded and ends a line; nothing hangs, nothing panics.
        assert!(
            o.output.len() <= shell::MAX_OUTPUT_BYTES + 300,
            "{} bytes",
            o.output.len()
        );
    }
    assert_eq!(shell::prompt(c.tl.world()), "$ ");
}

// ----- determinism and replay -----

#[test]
fn shell_inputs_replay_identically_after_going_back() {
    let mut c = Console::new("", WEB);
    c.script(&[
        "kubectl exec web-0 -- sh -c 'echo $(hostname) > /usr/share/nginx/html/index.html'",
        "X=1",
        "kubectl exec -it web-1 -- sh",
        "cd /usr/share/nginx/html && echo inside > f",
        "exit",
        "kubectl delete pod web-0",
    ]);
    let end = c.tl.position();
    let trace: Vec<String> = c.tl.world().trace.iter().map(|e| e.text()).collect();
    let files = c.tl.world().files.clone();
    let memory = c.tl.world().shell.clone();
    c.tl.seek(0);
    assert!(c.tl.world().files.is_empty());
    c.tl.seek(end);
    assert_eq!(
        c.tl.world()
            .trace
            .iter()
            .map(|e| e.text())
            .collect::<Vec<_>>(),
        trace
    );
    assert_eq!(c.tl.world().files, files);
    assert_eq!(c.tl.world().shell, memory);
    let o = c.run("kubectl exec web-0 -- cat /usr/share/nginx/html/index.html; echo $X");
    assert_eq!(o.output, "web-0\n1");
}

// ----- export -----

/// The commands of a replay script, in order: each line outside comments, blank lines
/// and the `settle` helper, with here-document bodies attached to their command.
fn commands_of(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = script.lines();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t == "set -uo pipefail" {
            continue;
        }
        if t == "settle() {" {
            for l in lines.by_ref() {
                if l == "}" {
                    break;
                }
            }
            continue;
        }
        if let Some(pos) = t.rfind("<<'") {
            let delim = t[pos + 3..].trim_end_matches('\'').to_string();
            let mut cmd = format!("{t}\n");
            for l in lines.by_ref() {
                if l == delim {
                    break;
                }
                cmd.push_str(l);
                cmd.push('\n');
            }
            out.push(cmd);
            continue;
        }
        out.push(t.to_string());
    }
    out
}

#[test]
fn export_round_trips_a_session() {
    let mut c = Console::new("", WEB);
    c.script(&[
        "scale statefulset web --replicas=2",
        "kubectl get pods | grep web",
        "kubectl exec -it web-0 -- sh",
        "hostname",
        "echo hi > /tmp/x",
        "exit",
        "for i in 0 1; do kubectl exec web-$i -- hostname; done",
    ]);
    c.tl.input(Input::Fault(Fault::Node {
        node: "node-2".into(),
        down: true,
    }));
    scenario::run_for(&mut c.tl, sts_engine::time::SimDuration::from_secs(30));
    c.run("kubectl get pods");
    let script = export::timeline_script(&c.tl, "round trip");
    let want = vec![
        format!("kubectl apply -f - <<'EOF'\n{WEB}"),
        "settle".to_string(),
        "kubectl scale statefulset web --replicas=2".into(),
        "settle".into(),
        "kubectl get pods | grep web".into(),
        "kubectl exec -i web-0 -- sh <<'EOF'\nhostname\necho hi > /tmp/x\n".into(),
        "for i in 0 1; do kubectl exec web-$i -- hostname; done".into(),
        "sleep 30".into(),
        "kubectl get pods".into(),
        "settle".into(),
    ];
    assert_eq!(commands_of(&script), want, "script:\n{script}");
    assert!(
        script.contains("# fault: node node-2 goes down"),
        "{script}"
    );
    assert!(script.contains("minikube node stop"), "{script}");
    // The script is valid shell for the playground's own parser too, and replaying its
    // commands here (settle: run until settled) leaves the same traces in the pods.
    assert!(!shell::incomplete(&script));
    let mut replay = Console::new(
        "",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: empty}\n",
    );
    for cmd in commands_of(&script) {
        if cmd == "settle" || cmd.starts_with("sleep ") {
            scenario::run_until_settled(&mut replay.tl);
        } else {
            replay.run(&cmd);
        }
    }
    assert_eq!(replay.run("kubectl exec web-0 -- cat /tmp/x").output, "hi");
}

/// What the script of a scenario must run, in order: its manifests, then each step
/// (task solutions included) as a command or a wait.
fn expected_commands(s: &scenario::Scenario) -> Vec<String> {
    use scenario::{Step, Wait};
    fn step(st: &Step, out: &mut Vec<String>) {
        match st {
            Step::Kubectl(l) if l.trim().starts_with("kubectl ") => out.push(l.trim().into()),
            Step::Kubectl(l) => out.push(format!("kubectl {}", l.trim())),
            Step::Apply(m) => out.push(format!(
                "kubectl apply -f - <<'EOF'\n{}",
                m.trim_end().to_string() + "\n"
            )),
            Step::Wait(Wait::Word(w)) if w == "settled" => out.push("settle".into()),
            Step::Wait(Wait::Word(w)) => out.push(format!(
                "sleep {}",
                sts_engine::time::SimDuration::parse(w).map_or(0, |d| d.as_millis().div_ceil(1000))
            )),
            Step::Wait(Wait::Until(u)) => out.push(match (&u.ready, &u.gone, &u.rollout) {
                (Some(p), _, _) => {
                    format!("kubectl wait --for=condition=Ready pod/{p} --timeout=300s")
                }
                (_, Some(p), _) => format!("kubectl wait --for=delete pod/{p} --timeout=300s"),
                (_, _, Some(s)) => format!("kubectl rollout status statefulset/{s} --timeout=300s"),
                _ => return,
            }),
            Step::Task(t) => {
                for s in &t.solution {
                    step(s, out);
                }
                out.push("settle".into());
            }
            Step::Say(_) | Step::Fault(_) | Step::Expect(_) => {}
        }
    }
    let mut out = vec![format!("kubectl apply -f - <<'EOF'\n{}", s.manifests)];
    for st in &s.steps {
        step(st, &mut out);
    }
    out
}

#[test]
fn export_round_trips_every_scenario() {
    for path in sts_tests::scenario_files() {
        let s = scenario::parse(&std::fs::read_to_string(&path).expect("scenario"))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let script = export::scenario_script(&s);
        assert_eq!(
            commands_of(&script),
            expected_commands(&s),
            "{}:\n{script}",
            path.display()
        );
        // Faults of task solutions are exported too (a task's solution runs there).
        let faults = s
            .steps
            .iter()
            .flat_map(|st| match st {
                scenario::Step::Task(t) => t.solution.iter().collect::<Vec<_>>(),
                other => vec![other],
            })
            .filter(|st| matches!(st, scenario::Step::Fault(_)))
            .count();
        assert_eq!(
            script.matches("\n# fault: ").count(),
            faults,
            "{}",
            path.display()
        );
    }
}

#[test]
fn export_of_a_scenario() {
    let path = repo_root().join("scenarios/ordered-creation.yaml");
    let s = scenario::parse(&std::fs::read_to_string(path).expect("scenario")).expect("parses");
    let script = export::scenario_script(&s);
    assert!(script.starts_with("#!/usr/bin/env bash\n"));
    assert!(script.contains("kubectl rollout status \"$s\" --timeout=300s"));
    let cmds = commands_of(&script);
    assert!(cmds[0].starts_with("kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Service"));
    golden("export-ordered-creation.sh", &script);
}

// ----- helpers -----

fn pod_ip(c: &Console, pod: &str) -> String {
    c.tl.world()
        .pods
        .get(&("default".to_string(), pod.to_string()))
        .and_then(|p| p.status.pod_ip.clone())
        .unwrap_or_default()
}

fn pod_uid(c: &Console, pod: &str) -> String {
    c.tl.world()
        .pods
        .get(&("default".to_string(), pod.to_string()))
        .map(|p| p.metadata.uid.clone())
        .unwrap_or_default()
}
