//! A session written as a scenario file (`sts_engine::scenario_writer`) and run again
//! reaches the session's state: the same pods, StatefulSets, revisions, claims, volumes,
//! Events, blockers and clock, and (where the session did nothing a scenario cannot
//! say) the same trace from the inputs on.

use sts_engine::scenario::{self, Scenario};
use sts_engine::scenario_writer::{self, Exported, Start};
use sts_engine::timeline::{Fault, Input, Timeline};
use sts_engine::trace::Record;
use sts_engine::world::World;
use sts_tests::{repo_root, scenario_files};

fn load(id: &str) -> Scenario {
    let path = repo_root().join("scenarios").join(format!("{id}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{id}: {e}"));
    scenario::parse(&text).unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// A timeline as the web session starts one: the scenario's cluster with its manifests
/// applied at position 0.
fn session(id: &str) -> (Scenario, Timeline) {
    let s = load(id);
    let mut w = scenario::build_world(&s);
    w.apply_manifests(&s.manifests);
    (s, Timeline::new(w))
}

fn steps(tl: &mut Timeline, n: usize) {
    for _ in 0..n {
        tl.step();
    }
}

/// What `kubectl get` shows of a world (a readable first comparison).
fn shown(w: &World) -> String {
    let mut w = w.clone();
    let out = sts_engine::kubectl::run(
        &mut w,
        "kubectl get pods,sts,pvc,pv,controllerrevisions -o wide",
    );
    format!("t={}\n{}", w.now, out.output)
}

/// The trace as text, without narration and checks (not part of the history) and
/// without the scenario's own `kubectl apply` of its manifests (a session applied them
/// before its position 0).
fn trace_text(w: &World, skip_manifest_apply: bool) -> Vec<String> {
    let mut skipped = !skip_manifest_apply;
    w.trace
        .iter()
        .filter(|e| !matches!(e.record, Record::Say(_) | Record::Expect(_)))
        .filter(|e| {
            if !skipped {
                if let Record::Command(c) = &e.record {
                    if c.command == "kubectl apply -f -" {
                        skipped = true;
                        return false;
                    }
                }
            }
            true
        })
        .map(|e| e.text())
        .collect()
}

/// Exports, parses, runs; asserts the run ends where the session is. Returns the export
/// and the run's world.
fn round_trip(s: &Scenario, tl: &Timeline, start: Start) -> (Exported, World) {
    let e = scenario_writer::export(s, tl, start);
    let parsed = scenario::parse(&e.yaml).unwrap_or_else(|err| panic!("{err}\n{}", e.yaml));
    assert_eq!(parsed.scenario, e.id);
    assert_eq!(parsed.seed, s.seed);
    assert_eq!(parsed.cluster, s.cluster);
    let run = scenario::run(&parsed);
    assert!(run.failures.is_empty(), "{:?}\n{}", run.failures, e.yaml);
    let (a, b) = (run.timeline.world(), tl.world());
    assert_eq!(shown(a), shown(b), "{}", e.yaml);
    assert_eq!(a.now, b.now);
    assert_eq!(a.pods, b.pods);
    assert_eq!(a.sets, b.sets);
    assert_eq!(a.revisions, b.revisions);
    assert_eq!(a.claims, b.claims);
    assert_eq!(a.volumes, b.volumes);
    assert_eq!(a.deployments, b.deployments);
    assert_eq!(a.replica_sets, b.replica_sets);
    assert_eq!(a.events, b.events);
    assert_eq!(a.blockers, b.blockers);
    assert!(e.exact, "the writer's own check agrees\n{}", e.yaml);
    assert!(!e.too_large);
    (e, run.timeline.world().clone())
}

fn assert_same_trace(run: &World, session: &World, start: Start) {
    let a = trace_text(run, start == Start::ManifestsApplied);
    let b = trace_text(session, false);
    if a != b {
        let at = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        panic!(
            "traces differ at entry {at} (run {} entries, session {}):\nrun:     {:?}\nsession: {:?}",
            a.len(),
            b.len(),
            a.get(at),
            b.get(at)
        );
    }
}

#[test]
fn commands_applies_faults_back_and_a_fork_replay_to_the_same_state() {
    let (s, mut tl) = session("partition-canary");
    steps(&mut tl, 40);
    tl.input(Input::Kubectl(
        r#"kubectl patch sts web -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}'"#.into(),
    ));
    steps(&mut tl, 25);
    tl.input(Input::Apply(
        s.manifests.replace("nginx:1.21", "nginx:1.22"),
    ));
    steps(&mut tl, 60);
    tl.input(Input::Fault(Fault::Readiness {
        pod: "web-3".into(),
        never: true,
    }));
    steps(&mut tl, 30);
    // Back a little, then a command in the past forks the timeline.
    for _ in 0..7 {
        tl.back();
    }
    assert!(tl.in_past());
    tl.input(Input::Kubectl("kubectl scale sts web --replicas=5".into()));
    steps(&mut tl, 120);
    let (e, run) = round_trip(&s, &tl, Start::ManifestsApplied);
    assert_same_trace(&run, tl.world(), Start::ManifestsApplied);
    assert!(e.yaml.contains("- wait: {events: 40}\n"), "{}", e.yaml);
    assert!(
        e.yaml.contains("- fault: {pod: web-3, readiness: never}\n"),
        "{}",
        e.yaml
    );
    assert!(
        e.yaml
            .contains("- kubectl: kubectl scale sts web --replicas=5\n"),
        "{}",
        e.yaml
    );
    assert!(
        e.yaml.contains("  - apply: |\n      apiVersion: v1\n"),
        "{}",
        e.yaml
    );
    assert!(
        e.yaml
            .contains("title:\n  en: Canary a new image with partition (exported)\n")
            || e.yaml.contains("(exported)")
    );
    // The steps after the cursor are not part of the export.
    tl.seek(tl.position() - 50);
    let (e2, _) = round_trip(&s, &tl, Start::ManifestsApplied);
    assert_ne!(e2.yaml, e.yaml);
}

#[test]
fn blocking_commands_pod_shells_watches_and_node_faults_replay() {
    let (s, mut tl) = session("ordered-creation");
    steps(&mut tl, 5);
    // A blocking command records its own steps: the export runs it again instead.
    tl.input(Input::Kubectl("kubectl rollout status sts/web".into()));
    tl.input(Input::Kubectl("kubectl get pods -w".into()));
    tl.input(Input::Kubectl("kubectl exec -it web-1 -- sh".into()));
    tl.input(Input::Kubectl(
        "echo hello > /usr/share/nginx/html/index.html".into(),
    ));
    tl.input(Input::Kubectl("exit".into()));
    tl.input(Input::Kubectl("kubectl delete pod web-1".into()));
    steps(&mut tl, 12);
    tl.input(Input::Kubectl(
        "kubectl wait --for=condition=Ready pod/web-1 --timeout=2s".into(),
    ));
    tl.input(Input::Fault(Fault::Node {
        node: "node-2".into(),
        down: true,
    }));
    tl.input(Input::Fault(Fault::FailPod {
        pod: "web-0".into(),
    }));
    steps(&mut tl, 200);
    let (e, run) = round_trip(&s, &tl, Start::ManifestsApplied);
    assert_same_trace(&run, tl.world(), Start::ManifestsApplied);
    assert!(
        e.yaml
            .contains("- kubectl: kubectl rollout status sts/web\n"),
        "{}",
        e.yaml
    );
    assert!(
        e.yaml.contains("- fault: {node: node-2, down: true}\n"),
        "{}",
        e.yaml
    );
}

#[test]
fn an_edit_a_ctrl_c_and_a_lesson_clock_wait_keep_the_cluster() {
    let (s, mut tl) = session("scale-up-down");
    steps(&mut tl, 30);
    tl.input(Input::Kubectl("kubectl get pods -w".into()));
    steps(&mut tl, 10);
    tl.input(Input::Interrupt);
    let out = tl.input(Input::Kubectl("kubectl edit sts web".into()));
    let buffer = out.edit.expect("kubectl edit opens the editor");
    let replicas = buffer
        .lines()
        .find(|l| l.trim_start().starts_with("replicas:"))
        .expect("a replicas line")
        .to_string();
    tl.input(Input::Edit(buffer.replacen(&replicas, "  replicas: 5", 1)));
    // A lesson's `wait: 30s` leaves a clock advance in the history.
    let mut failures = Vec::new();
    let mut settle = None;
    let wait = scenario::parse(
        "scenario: w\ntitle: {en: w, zh: w}\nsteps:\n  - wait: settled\n  - wait: 30s\n",
    )
    .expect("parses")
    .steps;
    for st in &wait {
        scenario::run_step(&mut tl, st, 1, &mut failures, &mut settle, true);
    }
    assert!(failures.is_empty());
    assert!(
        tl.entries()
            .iter()
            .any(|e| matches!(e, Some(Input::AdvanceClock(_)))),
        "the history has a clock advance"
    );
    steps(&mut tl, 3);
    let (e, _) = round_trip(&s, &tl, Start::ManifestsApplied);
    assert!(e.yaml.contains("# Ctrl-C"), "{}", e.yaml);
    assert!(e.yaml.contains("# kubectl edit, saved"), "{}", e.yaml);
    assert!(e.yaml.contains("- wait: 30000ms\n"), "{}", e.yaml);
    assert_eq!(
        tl.world().sets.values().next().map(|s| s.replicas()),
        Some(5),
        "the edit was saved"
    );
}

/// Every built-in scenario's own run (narration, checks and task solutions included),
/// written and run again: it parses, and reaches the same state with the same trace
/// (less the narration and checks, which are not written).
#[test]
fn every_built_in_scenario_run_writes_a_file_that_replays_it() {
    let files = scenario_files();
    assert!(files.len() >= 20);
    for path in files {
        let text = std::fs::read_to_string(&path).expect("reads");
        let s = scenario::parse(&text).expect("parses");
        let run = scenario::run(&s);
        let (e, replay) = round_trip(&s, &run.timeline, Start::ManifestsFirstInput);
        assert_same_trace(&replay, run.timeline.world(), Start::ManifestsFirstInput);
        assert!(e
            .yaml
            .starts_with("# Written by the StatefulSet Playground"));
        // A file written from a written file is the same file, but for its title line.
        let again = scenario_writer::export(
            &scenario::parse(&e.yaml).expect("parses"),
            &scenario::run(&scenario::parse(&e.yaml).expect("parses")).timeline,
            Start::ManifestsFirstInput,
        );
        let body = |y: &str| {
            y.lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(body(&again.yaml), body(&e.yaml), "{}", s.scenario);
    }
}

/// Going back into a blocking command's wait and going on from there cannot be
/// written exactly (the command would run to its end): the export says so, and still
/// parses.
#[test]
fn a_fork_inside_a_blocking_wait_is_reported_not_hidden() {
    let (s, mut tl) = session("ordered-creation");
    tl.input(Input::Kubectl("kubectl rollout status sts/web".into()));
    let end = tl.len();
    assert!(end > 20, "the rollout took steps");
    tl.seek(end - 10);
    tl.input(Input::Kubectl("kubectl scale sts web --replicas=1".into()));
    steps(&mut tl, 50);
    let e = scenario_writer::export(&s, &tl, Start::ManifestsApplied);
    assert!(!e.exact);
    assert!(
        e.yaml
            .contains("does not end exactly there (see the note below)"),
        "{}",
        e.yaml
    );
    assert!(
        !e.yaml.contains("reaches the same cluster state"),
        "{}",
        e.yaml
    );
    assert!(
        e.yaml.contains(
            "# Note: the session went back into the wait of `kubectl rollout status sts/web`"
        ),
        "{}",
        e.yaml
    );
    scenario::parse(&e.yaml).expect("still a valid scenario");
}
