//! Every scenario in `scenarios/` as a test: its checks pass, its trace matches the
//! golden file, it is deterministic, both controller implementations agree, and its
//! manifests validate. Plus the tutorial transcripts (kubernetes.io "StatefulSet
//! Basics"), asserted as exact orders of pod creations and deletions.
//!
//! Rule IDs (R-20, U-1…) refer to `statefulset-semantics.md`.
//!
//! Golden traces live in `tests/golden/<id>.trace`. After an intended behaviour change,
//! regenerate them with `UPDATE_GOLDEN=1 cargo test -p sts-tests --test scenarios`,
//! read the diff, and commit the new files only if every change is explained by the spec.
//! `STS_SCENARIO=<substring>` restricts the per-file tests to matching scenarios.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sts_engine::controller::Implementation;
use sts_engine::scenario::{self, RunResult, Scenario};
use sts_engine::trace::{Record, TraceEntry};
use sts_tests::{repo_root, scenario_files};

// ----- helpers -----

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn load(path: &Path) -> Scenario {
    scenario::parse(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A scenario of the repository by id (not subject to the `STS_SCENARIO` filter).
fn load_id(id: &str) -> Scenario {
    load(&repo_root().join("scenarios").join(format!("{id}.yaml")))
}

/// A scenario built from an existing one's manifests (edited by `edit`) and the given
/// steps, written as YAML.
fn variant(base: &str, edit: impl Fn(&str) -> String, steps_yaml: &str) -> Scenario {
    let mut s = load_id(base);
    let steps =
        format!("scenario: inline\ntitle: {{en: inline, zh: inline}}\nsteps:\n{steps_yaml}");
    let parsed = scenario::parse(&steps).unwrap_or_else(|e| panic!("inline steps: {e}\n{steps}"));
    s.manifests = edit(&s.manifests);
    s.steps = parsed.steps;
    s
}

fn trace(r: &RunResult) -> &[TraceEntry] {
    &r.timeline.world().trace
}

fn text_trace(r: &RunResult) -> String {
    trace(r)
        .iter()
        .map(TraceEntry::text)
        .collect::<Vec<_>>()
        .join("\n")
}

fn json_lines(r: &RunResult) -> Vec<String> {
    trace(r)
        .iter()
        .map(|e| serde_json::to_string(e).expect("trace entries serialize"))
        .collect()
}

/// Runs a scenario and insists that every check passed.
fn run_ok(s: &Scenario) -> RunResult {
    let r = scenario::run(s);
    assert!(
        r.failures.is_empty(),
        "scenario {} failed: {:?}",
        s.scenario,
        r.failures
    );
    r
}

/// The index of the first command record whose text contains `needle`.
fn command_index(t: &[TraceEntry], needle: &str) -> usize {
    t.iter()
        .position(|e| matches!(&e.record, Record::Command(c) if c.command.contains(needle)))
        .unwrap_or_else(|| panic!("no command containing {needle:?} in the trace"))
}

/// The controller's pod actions (from its `SuccessfulCreate`/`SuccessfulDelete` events
/// on `StatefulSet/<set>`), as `"create web-1"` / `"delete web-1"`, in trace order.
fn pod_actions(t: &[TraceEntry], set: &str) -> Vec<String> {
    let object = format!("StatefulSet/{set}");
    t.iter()
        .filter_map(|e| match &e.record {
            Record::Event(ev) if ev.object == object => {
                let w: Vec<&str> = ev.message.split_whitespace().collect();
                match w.as_slice() {
                    [verb @ ("create" | "delete"), "Pod", pod, ..] => Some(format!("{verb} {pod}")),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

/// Pods ADDED in `t`, with the revision label they were created with.
fn pods_added(t: &[TraceEntry]) -> Vec<(String, String)> {
    t.iter()
        .filter_map(|e| match &e.record {
            Record::Object(o) if o.kind == "Pod" && o.verb == "ADDED" => {
                let rev = o
                    .columns
                    .get("revision")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                Some((o.name.clone(), rev))
            }
            _ => None,
        })
        .collect()
}

/// The index of the `verb` record of pod `name` at or after `from`.
fn pod_record_index(t: &[TraceEntry], from: usize, name: &str, verb: &str) -> usize {
    t.iter()
        .enumerate()
        .skip(from)
        .find(|(_, e)| matches!(&e.record, Record::Object(o) if o.kind == "Pod" && o.name == name && o.verb == verb))
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no {verb} record of pod {name} after entry {from}"))
}

/// The index of the controller event whose message contains `needle`, at or after `from`.
fn event_index(t: &[TraceEntry], from: usize, needle: &str) -> usize {
    t.iter()
        .enumerate()
        .skip(from)
        .find(|(_, e)| matches!(&e.record, Record::Event(ev) if ev.message.contains(needle)))
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no event containing {needle:?} after entry {from}"))
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn files() -> Vec<PathBuf> {
    let f = scenario_files();
    if std::env::var("STS_SCENARIO").unwrap_or_default().is_empty() {
        assert!(
            !f.is_empty(),
            "no scenarios found in {}",
            repo_root().join("scenarios").display()
        );
    }
    f
}

fn first_difference(a: &[String], b: &[String]) -> Option<usize> {
    (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))
}

// ----- every scenario -----

#[test]
fn every_scenario_passes_check() {
    let mut problems = Vec::new();
    for path in files() {
        let s = load(&path);
        if stem(&path) != s.scenario {
            problems.push(format!(
                "{}: scenario id {:?} must equal the file stem {:?}",
                path.display(),
                s.scenario,
                stem(&path)
            ));
        }
        let r = scenario::run(&s);
        for (step, detail) in &r.failures {
            problems.push(format!("{}: step {step}: {detail}", path.display()));
        }
        let checks = trace(&r)
            .iter()
            .filter(|e| matches!(e.record, Record::Expect(_)))
            .count();
        if checks == 0 {
            problems.push(format!(
                "{}: has no expect or task, so it checks nothing",
                path.display()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "scenario failures:\n{}",
        problems.join("\n")
    );
}

/// A task must wait for the learner: its `until` may not already hold when the lesson
/// reaches it (otherwise the lesson would advance without the learner doing anything),
/// and every task has a hint in both languages.
#[test]
fn every_task_needs_the_learner() {
    let mut problems = Vec::new();
    for path in files() {
        let s = load(&path);
        let mut w = scenario::build_world(&s);
        w.config.controller = Implementation::Fast;
        let mut tl = sts_engine::timeline::Timeline::new(w);
        if !s.manifests.trim().is_empty() {
            tl.input(sts_engine::timeline::Input::Apply(s.manifests.clone()));
        }
        let mut failures = Vec::new();
        let mut last_settle = None;
        for (i, step) in s.steps.iter().enumerate() {
            if let scenario::Step::Task(t) = step {
                if scenario::check(&t.until, tl.world(), last_settle.as_ref()).is_empty() {
                    problems.push(format!(
                        "{}: step {}: task {:?} is already done before the learner acts",
                        path.display(),
                        i + 1,
                        t.prompt.en
                    ));
                }
                match &t.hint {
                    Some(h) if !h.en.trim().is_empty() && !h.zh.trim().is_empty() => {}
                    _ => problems.push(format!(
                        "{}: step {}: task {:?} has no hint in both languages",
                        path.display(),
                        i + 1,
                        t.prompt.en
                    )),
                }
            }
            scenario::run_step(&mut tl, step, i + 1, &mut failures, &mut last_settle, true);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_scenario_has_valid_manifests() {
    let mut problems = Vec::new();
    for path in files() {
        let s = load(&path);
        for e in sts_engine::api::check_manifests(&s.manifests) {
            problems.push(format!("{}: manifests: {e}", path.display()));
        }
        for (i, step) in s.steps.iter().enumerate() {
            if let scenario::Step::Apply(m) = step {
                for e in sts_engine::api::check_manifests(m) {
                    problems.push(format!("{}: step {}: apply: {e}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "invalid manifests:\n{}",
        problems.join("\n")
    );
}

#[test]
fn golden_traces() {
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let dir = repo_root().join("tests").join("golden");
    let mut problems = Vec::new();
    for path in files() {
        let s = load(&path);
        let actual = text_trace(&scenario::run(&s));
        let golden = dir.join(format!("{}.trace", s.scenario));
        if update {
            std::fs::create_dir_all(&dir).expect("create tests/golden");
            std::fs::write(&golden, format!("{actual}\n"))
                .unwrap_or_else(|e| panic!("write {}: {e}", golden.display()));
            continue;
        }
        let Ok(expected) = std::fs::read_to_string(&golden) else {
            problems.push(format!(
                "{}: missing golden file {}; run `UPDATE_GOLDEN=1 cargo test -p sts-tests --test scenarios` and review it",
                path.display(),
                golden.display()
            ));
            continue;
        };
        let exp: Vec<String> = expected
            .trim_end_matches('\n')
            .lines()
            .map(String::from)
            .collect();
        let act: Vec<String> = actual.lines().map(String::from).collect();
        if let Some(i) = first_difference(&exp, &act) {
            problems.push(format!(
                "{}: trace differs from {} at line {}:\n  golden: {}\n  actual: {}\n(rerun with UPDATE_GOLDEN=1 if the change is intended)",
                path.display(),
                golden.display(),
                i + 1,
                exp.get(i).map_or("<end of file>", String::as_str),
                act.get(i).map_or("<end of trace>", String::as_str),
            ));
        }
    }
    if !update && std::env::var("STS_SCENARIO").unwrap_or_default().is_empty() {
        // A golden file without a scenario is stale.
        let ids: Vec<String> = files().iter().map(|p| stem(p)).collect();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "trace") && !ids.contains(&stem(&p)) {
                    problems.push(format!(
                        "{}: golden file without a scenario (delete it)",
                        p.display()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn deterministic() {
    let mut problems = Vec::new();
    for path in files() {
        let s = load(&path);
        let a = json_lines(&scenario::run(&s));
        let b = json_lines(&scenario::run(&s));
        if let Some(i) = first_difference(&a, &b) {
            problems.push(format!(
                "{}: two runs differ at JSON line {i}:\n  first:  {}\n  second: {}",
                path.display(),
                a.get(i).map_or("<end>", String::as_str),
                b.get(i).map_or("<end>", String::as_str),
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn literal_and_incremental_agree() {
    let mut problems = Vec::new();
    for path in files() {
        let s = load(&path);
        let lit = scenario::run_with(&s, Implementation::Literal);
        let fast = scenario::run_with(&s, Implementation::Fast);
        let a: Vec<String> = text_trace(&lit).lines().map(String::from).collect();
        let b: Vec<String> = text_trace(&fast).lines().map(String::from).collect();
        if let Some(i) = first_difference(&a, &b) {
            problems.push(format!(
                "{}: Literal and Fast differ at line {}:\n  literal: {}\n  fast:    {}",
                path.display(),
                i + 1,
                a.get(i).map_or("<end>", String::as_str),
                b.get(i).map_or("<end>", String::as_str),
            ));
        }
        if lit.failures != fast.failures {
            problems.push(format!(
                "{}: failures differ: literal {:?}, fast {:?}",
                path.display(),
                lit.failures,
                fast.failures
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A kubectl command or fault that fails does not fail the scenario by itself (the
/// error is part of the trace, as in a terminal). In the repository's scenarios every
/// command is meant to succeed, so a non-zero exit is a typo or a fault aimed at a pod
/// that does not exist yet. Commands meant to fail go in `INTENDED_FAILURES`.
#[test]
fn no_scenario_command_fails_unexpectedly() {
    const INTENDED_FAILURES: &[(&str, &str)] = &[(
        "history-limit",
        "rollout undo statefulset/web --to-revision=1",
    )];
    let mut problems = Vec::new();
    for path in files() {
        let s = load(&path);
        let r = scenario::run(&s);
        for e in trace(&r) {
            if let Record::Command(c) = &e.record {
                if c.exit != 0
                    && !INTENDED_FAILURES.contains(&(s.scenario.as_str(), c.command.as_str()))
                {
                    problems.push(format!(
                        "{}: `{}` exited {}: {}",
                        path.display(),
                        c.command,
                        c.exit,
                        c.output
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ----- tutorial transcripts (kubernetes.io "StatefulSet Basics", checked against the spec) -----

/// `kubectl set image` on 2 replicas replaces web-1, then web-0, each deleted only
/// after the one above it is back and Ready; replacements come from the update revision.
#[test]
fn tutorial_set_image_on_two_replicas_updates_web_1_then_web_0() {
    let s = variant(
        "rolling-update",
        |m| m.replace("replicas: 3", "replicas: 2"),
        "  - wait: settled\n  - kubectl: set image statefulset/web nginx=nginx:1.22\n  - wait: settled\n  - expect:\n      state: settled\n      pods:\n        web-0: {image: \"nginx:1.22\", ready: true}\n        web-1: {image: \"nginx:1.22\", ready: true}\n      statefulsets:\n        web: {rolledOut: true, revisions: 2}\n",
    );
    let r = run_ok(&s);
    let t = trace(&r);
    let from = command_index(t, "set image");
    assert_eq!(
        pod_actions(&t[from..], "web"),
        strs(&[
            "delete web-1",
            "create web-1",
            "delete web-0",
            "create web-0"
        ]),
        "R-20: highest ordinal first, one at a time"
    );
    let old_rev = pods_added(&t[..from])
        .first()
        .map(|(_, r)| r.clone())
        .expect("pods before the update");
    for (pod, rev) in pods_added(&t[from..]) {
        assert_ne!(
            rev, old_rev,
            "{pod} must be recreated from the update revision (R-9)"
        );
    }
    // web-0 is deleted only after the new web-1 is Running and Ready.
    let web1_added = pod_record_index(t, from, "web-1", "ADDED");
    let web1_ready = t
        .iter()
        .enumerate()
        .skip(web1_added)
        .find(|(_, e)| matches!(&e.record, Record::Object(o) if o.kind == "Pod" && o.name == "web-1" && o.columns.get("ready").and_then(Value::as_str) == Some("1/1")))
        .map(|(i, _)| i)
        .expect("the new web-1 becomes Ready");
    let web0_delete = event_index(t, from, "delete Pod web-0");
    assert!(
        web1_ready < web0_delete,
        "R-20: web-0 is deleted only after the updated web-1 is Ready"
    );
}

/// in the rolling-update lesson the learner's `set image` replaces web-2,
/// web-1, web-0 in turn; meanwhile the blocker names the Terminating web-2, then the
/// not-yet-Ready new web-2. `rollout undo` (K-12) rolls back in the same order.
#[test]
fn rolling_update_lesson_replaces_from_the_top_and_undo_does_too() {
    let r = run_ok(&load_id("rolling-update"));
    let t = trace(&r);
    let set = command_index(t, "set image");
    let undo = command_index(t, "rollout undo");
    let order = strs(&[
        "delete web-2",
        "create web-2",
        "delete web-1",
        "create web-1",
        "delete web-0",
        "create web-0",
    ]);
    assert_eq!(pod_actions(&t[set..undo], "web"), order);
    assert_eq!(pod_actions(&t[undo..], "web"), order);
    for want in [
        "web-2 is terminating",
        "the rolling update of web-1 waits: web-2 is not Running and Ready",
    ] {
        assert!(
            t[set..undo]
                .iter()
                .any(|e| matches!(&e.record, Record::Blocked(b) if b.reason.contains(want))),
            "no blocker containing {want:?}"
        );
    }
}

/// scaling 4 → 2 deletes web-3, waits until it is gone, then deletes web-2.
#[test]
fn tutorial_scale_4_to_2_deletes_web_3_then_web_2() {
    let r = run_ok(&load_id("scale-up-down"));
    let t = trace(&r);
    // scaling 2 → 4 creates web-2, and web-3 only after web-2 is Ready; the
    // blocker says so meanwhile (the lesson's narration quotes it).
    let up = command_index(t, "--replicas=4");
    let from = command_index(t, "--replicas=2");
    assert_eq!(
        pod_actions(&t[up..from], "web"),
        strs(&["create web-2", "create web-3"])
    );
    assert!(
        t[up..from].iter().any(|e| matches!(&e.record, Record::Blocked(b) if b.reason == "web-3 is not created yet: web-2 is not Running and Ready (OrderedReady)")),
        "the blocker names web-3 and web-2"
    );
    let until = command_index(t, "--replicas=3");
    let window = &t[from..until];
    assert_eq!(
        pod_actions(window, "web"),
        strs(&["delete web-3", "delete web-2"]),
        "R-18: highest ordinal first"
    );
    let web3_gone = pod_record_index(t, from, "web-3", "DELETED");
    let web2_delete = event_index(t, from, "delete Pod web-2");
    assert!(
        web3_gone < web2_delete,
        "R-18: web-2 is deleted only once web-3 has fully disappeared"
    );
    // P-6 (Retain): scaling back up re-attaches www-web-2 without creating a claim.
    let after = &t[until..];
    assert_eq!(pod_actions(after, "web"), strs(&["create web-2"]));
    assert!(
        !after
            .iter()
            .any(|e| matches!(&e.record, Record::Event(ev) if ev.message.contains("create Claim"))),
        "P-6: the retained claim is reused, no claim is created"
    );
}

/// U-1/R-20: partition 2 on web-0..web-3 updates only web-3 and web-2 (an index
/// threshold, not a count); web-0 and web-1 are never touched.
#[test]
fn tutorial_partition_2_updates_only_web_3_and_web_2() {
    let r = run_ok(&load_id("partition-canary"));
    let t = trace(&r);
    let from = command_index(t, "set image");
    let until = command_index(t, "delete pod web-1");
    let window = &t[from..until];
    assert_eq!(
        pod_actions(window, "web"),
        strs(&[
            "delete web-3",
            "create web-3",
            "delete web-2",
            "create web-2"
        ]),
        "U-1: only indexes >= partition are updated, highest first"
    );
    let new_rev: Vec<String> = pods_added(window).into_iter().map(|(_, r)| r).collect();
    assert_eq!(new_rev.len(), 2);
    assert_eq!(new_rev[0], new_rev[1]);
    // R-9/U-1: web-1, deleted by hand below the partition, comes back at the old revision.
    let lowered = command_index(t, "partition\":1");
    let recreated = pods_added(&t[until..lowered]);
    assert_eq!(recreated.len(), 1);
    assert_eq!(recreated[0].0, "web-1");
    assert_ne!(
        recreated[0].1, new_rev[0],
        "U-1: below the partition a pod is recreated from currentRevision"
    );
    // Lowering the partition step by step exposes one more ordinal each time (U-2):
    // partition 1 updates web-1 only, partition 0 then web-0.
    let one = command_index(t, "partition\":1");
    let after = command_index(t, "partition\":0");
    assert_eq!(
        pod_actions(&t[one..after], "web"),
        strs(&["delete web-1", "create web-1"])
    );
    assert_eq!(
        pod_actions(&t[after..], "web"),
        strs(&["delete web-0", "create web-0"])
    );
}

/// U-4/R-9: under OnDelete, `set image` changes no pod; deleting web-2 recreates only
/// web-2, from the update revision.
#[test]
fn tutorial_on_delete_only_the_deleted_pod_gets_the_new_image() {
    let r = run_ok(&load_id("on-delete"));
    let t = trace(&r);
    let set_image = command_index(t, "set image");
    let delete_web2 = command_index(t, "delete pod web-2");
    let delete_web1 = command_index(t, "delete pod web-1");
    assert!(
        pod_actions(&t[set_image..delete_web2], "web").is_empty(),
        "R-19: OnDelete never deletes pods for an update"
    );
    assert_eq!(
        pod_actions(&t[delete_web2..delete_web1], "web"),
        strs(&["create web-2"])
    );
    let before: Vec<(String, String)> = pods_added(&t[..set_image]);
    let added = pods_added(&t[delete_web2..delete_web1]);
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].0, "web-2");
    assert_ne!(
        added[0].1, before[0].1,
        "U-4: the recreated pod comes from updateRevision"
    );
    // S-7: currentRevision never advances, even after every pod is replaced.
    let w = r.timeline.world();
    let set = w
        .sets
        .values()
        .find(|s| s.metadata.name == "web")
        .expect("set web");
    assert_ne!(
        set.status.current_revision, set.status.update_revision,
        "S-7/R-23: never completed under OnDelete"
    );
    assert_eq!(
        set.status.current_revision, before[0].1,
        "S-7: currentRevision stays at the first revision"
    );
}

/// R-15/R-12/E-4: a pod that is not Ready during scale-up blocks the next ordinal under
/// OrderedReady; once Ready, scale-up continues. A Failed pod is deleted and recreated
/// with plain SuccessfulDelete/SuccessfulCreate events (no RecreatingFailedPod).
#[test]
fn tutorial_unready_pod_during_scale_up_blocks_the_next_ordinal() {
    let r = run_ok(&load_id("failed-pod-blocks"));
    let t = trace(&r);
    let scale = command_index(t, "--replicas=3");
    let ok = command_index(t, "passes again");
    let fail = command_index(t, "web-1 fails");
    assert_eq!(
        pod_actions(&t[scale..ok], "web"),
        strs(&["create web-1"]),
        "R-15: web-2 is not created while web-1 is not Ready"
    );
    assert!(
        t[scale..ok].iter().any(|e| matches!(&e.record, Record::Blocked(b) if b.reason == "web-2 is not created yet: web-1 is not Running and Ready (OrderedReady)")),
        "the blocker names web-2 and web-1"
    );
    assert_eq!(pod_actions(&t[ok..fail], "web"), strs(&["create web-2"]));
    assert_eq!(
        pod_actions(&t[fail..], "web"),
        strs(&["delete web-1", "create web-1"]),
        "R-12: delete, then recreate"
    );
    let gone = pod_record_index(t, fail, "web-1", "DELETED");
    let created = event_index(t, fail, "create Pod web-1");
    assert!(
        gone < created,
        "R-12: the replacement is created only after the old object is gone"
    );
    assert!(
        !t.iter()
            .any(|e| matches!(&e.record, Record::Event(ev) if ev.reason.starts_with("Recreating"))),
        "E-4: RecreatingFailedPod/RecreatingTerminatedPod were removed in 1.31"
    );
}

/// §6: Parallel creates every pod in the same sync (same virtual time); OrderedReady
/// creates them at strictly increasing times.
#[test]
fn parallel_creates_all_pods_at_the_same_time_ordered_ready_does_not() {
    fn create_times(s: &Scenario) -> Vec<(String, u64)> {
        let r = run_ok(s);
        json_lines(&r)
            .iter()
            .map(|l| serde_json::from_str::<Value>(l).expect("JSON line"))
            .filter(|v| v["type"] == "event" && v["reason"] == "SuccessfulCreate")
            .filter_map(|v| {
                let msg = v["message"].as_str()?;
                let pod = msg
                    .strip_prefix("create Pod ")?
                    .split_whitespace()
                    .next()?
                    .to_string();
                Some((pod, v["t"].as_u64()?))
            })
            .collect()
    }
    let parallel = create_times(&load_id("parallel"));
    let first4: Vec<&(String, u64)> = parallel.iter().take(4).collect();
    assert_eq!(
        first4.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
        ["web-0", "web-1", "web-2", "web-3"]
    );
    assert!(
        first4.iter().all(|(_, t)| *t == first4[0].1),
        "Parallel: all creations at the same t, got {first4:?}"
    );

    // The lesson creates web-0..web-2, scales to 5 (web-3, web-4), then recreates web-1.
    let ordered = create_times(&load_id("ordered-creation"));
    assert_eq!(
        ordered.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
        ["web-0", "web-1", "web-2", "web-3", "web-4", "web-1"]
    );
    assert!(
        ordered.windows(2).all(|w| w[0].1 < w[1].1),
        "OrderedReady: each creation waits for the previous pod, got {ordered:?}"
    );
}

/// U-6: under OrderedReady, `rollout undo` alone leaves the broken pod; only deleting it
/// recovers. The pod deletion in the window between undo and the manual delete is none.
#[test]
fn broken_rollout_needs_a_manual_delete_after_undo() {
    let r = run_ok(&load_id("broken-rollout"));
    let t = trace(&r);
    let set_image = command_index(t, "set image");
    let undo = command_index(t, "rollout undo");
    let delete = command_index(t, "delete pod web-2");
    assert_eq!(
        pod_actions(&t[set_image..undo], "web"),
        strs(&["delete web-2", "create web-2"]),
        "R-20: web-2 first"
    );
    assert!(
        pod_actions(&t[undo..delete], "web").is_empty(),
        "U-6: the revert alone replaces nothing"
    );
    assert_eq!(pod_actions(&t[delete..], "web"), strs(&["create web-2"]));
    // R-4b/K-12: the undo reuses the first revision object and renumbers it 1 -> 3.
    let revisions: Vec<(&str, String, i64)> = t
        .iter()
        .filter_map(|e| match &e.record {
            Record::Object(o) if o.kind == "ControllerRevision" => Some((
                o.verb,
                o.name.clone(),
                o.columns
                    .get("revision")
                    .and_then(Value::as_i64)
                    .unwrap_or(-1),
            )),
            _ => None,
        })
        .collect();
    let first = revisions.first().expect("a revision").1.clone();
    assert_eq!(
        revisions.iter().filter(|(v, _, _)| *v == "ADDED").count(),
        2,
        "undo creates no third revision: {revisions:?}"
    );
    assert!(
        revisions[undo_pos(&revisions)..]
            .iter()
            .any(|(v, n, r)| *v == "MODIFIED" && *n == first && *r == 3),
        "R-4b: {first} is renumbered to 3: {revisions:?}"
    );
    fn undo_pos(r: &[(&str, String, i64)]) -> usize {
        r.iter()
            .position(|(v, _, n)| *v == "ADDED" && *n == 2)
            .expect("revision 2")
    }
}

/// P-5/P-6: whenScaled Delete removes the scaled-down claims; Retain keeps them.
/// whenDeleted Delete set later removes only the claim of the pod that still existed.
#[test]
fn pvc_retention_deletes_only_claims_of_whenscaled_delete() {
    let r = run_ok(&load_id("pvc-retention"));
    let t = trace(&r);
    let delete_web = command_index(t, "delete statefulset web");
    let claims_at = |upto: usize| -> Vec<String> {
        let mut live: Vec<String> = Vec::new();
        for e in &t[..upto] {
            if let Record::Object(o) = &e.record {
                if o.kind == "PersistentVolumeClaim" {
                    live.retain(|n| *n != o.name);
                    if o.verb != "DELETED" {
                        live.push(o.name.clone());
                    }
                }
            }
        }
        live.sort();
        live
    };
    assert_eq!(
        claims_at(delete_web),
        strs(&["data-db-0", "data-db-1", "data-db-2", "www-web-0"])
    );
    let w = r.timeline.world();
    let claims: Vec<&str> = w.claims.keys().map(|(_, n)| n.as_str()).collect();
    assert_eq!(claims, ["data-db-1", "data-db-2", "www-web-0"]);
}

/// `expect.statefulsets` reads the spec too (partition, template image, strategy), so a
/// lesson task can check what the learner changed however they changed it; a
/// difference names the field and both values.
#[test]
fn set_expectations_read_partition_image_and_strategy_from_the_spec() {
    let ok = variant(
        "partition-canary",
        |m| m.to_string(),
        "  - wait: settled\n  - kubectl: >-\n      patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":3}}}}'\n  - kubectl: set image statefulset/web nginx=nginx:1.22\n  - expect:\n      statefulsets:\n        web: {partition: 3, image: \"nginx:1.22\", strategy: RollingUpdate}\n",
    );
    run_ok(&ok);
    let wrong = variant(
        "partition-canary",
        |m| m.to_string(),
        "  - wait: settled\n  - expect:\n      statefulsets:\n        web: {partition: 2, image: \"nginx:1.22\", strategy: OnDelete}\n",
    );
    let r = scenario::run(&wrong);
    let detail = r
        .failures
        .iter()
        .map(|(_, d)| d.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for want in [
        "statefulset web: partition expected 2, found 0",
        "statefulset web: image expected nginx:1.22, found nginx:1.21",
        "statefulset web: strategy expected OnDelete, found RollingUpdate",
    ] {
        assert!(detail.contains(want), "missing {want:?} in {detail}");
    }
}

/// `expect.command.containsPodIp` looks for the pod's *current* IP: a lookup made before
/// the pod was recreated no longer matches (I-5), one made afterwards does.
#[test]
fn command_expectation_follows_the_current_pod_ip() {
    let lookup = "  - kubectl: run -it --rm --restart=Never --image=busybox:1.28 dns-test -- nslookup web-0.nginx\n";
    let recreate =
        "  - kubectl: delete pod web-0\n  - wait: {gone: web-0}\n  - wait: {ready: web-0}\n";
    let check = "  - expect:\n      command: {containsPodIp: web-0}\n";
    let stale = variant(
        "headless-dns",
        |m| m.to_string(),
        &format!("  - wait: settled\n{lookup}{recreate}{check}"),
    );
    let r = scenario::run(&stale);
    assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
    assert!(
        r.failures[0]
            .1
            .contains("output expected to contain the IP of pod web-0"),
        "{:?}",
        r.failures
    );
    let fresh = variant(
        "headless-dns",
        |m| m.to_string(),
        &format!("  - wait: settled\n{recreate}{lookup}{check}"),
    );
    run_ok(&fresh);
}

/// `expect.claims.<name>.files` reads what pods wrote on the claim's volume, and names
/// a missing file or different content.
#[test]
fn claim_file_expectations_read_the_volume() {
    let s = variant(
        "stable-storage",
        |m| m.to_string(),
        "  - wait: settled\n  - expect:\n      claims:\n        www-web-0: {files: {index.html: hello}}\n  - kubectl: exec web-0 -- sh -c 'echo bye > /usr/share/nginx/html/index.html'\n  - expect:\n      claims:\n        www-web-0: {files: {/index.html: hello}}\n        www-web-1: {files: {index.html: bye}}\n",
    );
    let r = scenario::run(&s);
    let detail = r
        .failures
        .iter()
        .map(|(_, d)| d.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for want in [
        "claim www-web-0: file index.html expected on its volume, but there is none",
        "claim www-web-0: file /index.html expected to contain \"hello\", found \"bye\\n\"",
        "claim www-web-1: file index.html expected on its volume, but there is none",
    ] {
        assert!(detail.contains(want), "missing {want:?} in {detail}");
    }
    assert_eq!(r.failures.len(), 2, "{detail}");
}
