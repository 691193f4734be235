//! Native tests of the JavaScript API's rules (the wasm suites in `tests/node.rs` check
//! the same calls through JS values).

use super::*;

const WEB: &str = "apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{port: 80, name: web}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  replicas: 2
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers: [{name: nginx, image: nginx:1.21}]
";

fn pod_names(c: &Core) -> Vec<String> {
    c.snapshot()["pods"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["name"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn scenarios_lists_every_built_in_with_both_titles() {
    let list = Core::scenarios();
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), builtin::SCENARIOS.len());
    assert!(list.len() >= 10);
    for e in list {
        assert!(e["id"].is_string(), "{e}");
        assert!(!e["title"]["en"].as_str().unwrap_or("").is_empty(), "{e}");
        assert!(!e["title"]["zh"].as_str().unwrap_or("").is_empty(), "{e}");
    }
    assert!(list.iter().any(|e| e["id"] == "partition-canary"));
}

/// The headless contract: a built-in scenario loaded and played through the API gives
/// the lines `sts run --output json` prints (the CLI serialises `scenario::run`'s trace
/// entry by entry), kept in a golden file that the wasm suite compares JS objects with.
#[test]
fn the_api_trace_is_the_cli_json_trace_and_the_golden_file() {
    let id = "partition-canary";
    let mut c = Core::new();
    c.load_scenario(id, &Value::Null).expect("loads");
    let run = c.run_scenario();
    assert_eq!(run["ok"], true, "{run}");
    let s = scenario::parse(builtin::scenario_source(id).expect("built in")).expect("parses");
    let cli: Vec<String> = scenario::run(&s)
        .timeline
        .world()
        .trace
        .iter()
        .map(|e| serde_json::to_string(e).expect("serialises"))
        .collect();
    // Byte for byte: the API's array is the CLI's lines joined.
    assert_eq!(c.trace_json(0), format!("[{}]", cli.join(",")));

    let golden = repo_root().join(format!("tests/golden/bindings/{id}.jsonl"));
    let text = format!("{}\n", cli.join("\n"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(&golden, &text).expect("writes the golden file");
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    assert!(
        expected == text,
        "{} differs from the CLI's trace (UPDATE_GOLDEN=1 regenerates it)",
        golden.display()
    );
}

#[test]
fn a_seed_changes_the_run_and_the_same_seed_repeats_it() {
    let trace_of = |seed: u64| {
        let mut c = Core::new();
        c.load_scenario("anti-affinity", &json!({"seed": seed}))
            .expect("loads");
        c.run_scenario();
        c.trace_json(0)
    };
    assert_eq!(trace_of(11), trace_of(11));
    let mut c = Core::new();
    let loaded = c
        .load_scenario("ordered-creation", &json!({"seed": 42}))
        .expect("loads");
    assert_eq!(loaded["seed"], 42);
    assert_eq!(c.snapshot()["seed"], 42);
}

#[test]
fn bad_scenario_input_is_refused_with_the_cli_words_and_changes_nothing() {
    let mut c = Core::new();
    c.load_scenario("ordered-creation", &Value::Null)
        .expect("loads");
    let before = c.trace_json(0);

    let e = c.load_scenario("no-such", &Value::Null).unwrap_err();
    assert!(
        e.starts_with("unknown scenario \"no-such\": the built-in scenarios are "),
        "{e}"
    );
    assert!(e.contains("partition-canary"), "{e}");

    let e = c
        .load_scenario(
            "scenario: x\ntitle: {en: a, zh: b}\nsteps: 3\n",
            &Value::Null,
        )
        .unwrap_err();
    assert!(e.starts_with("STDIN:3:"), "{e}");
    assert!(e.contains(": error: steps: "), "{e}");

    let e = c
        .load_scenario("ordered-creation", &json!({"seeds": 1}))
        .unwrap_err();
    assert_eq!(e, "loadScenario: unknown option \"seeds\" (expected seed)");
    let e = c
        .load_scenario("ordered-creation", &json!({"seed": -1}))
        .unwrap_err();
    assert!(
        e.starts_with("loadScenario: seed must be an integer"),
        "{e}"
    );
    let e = c.load_scenario("ordered-creation", &json!(7)).unwrap_err();
    assert!(e.contains("options must be an object"), "{e}");

    // A scenario whose manifests are invalid: `sts validate`'s form.
    let bad = format!(
        "scenario: bad\ntitle: {{en: a, zh: b}}\nmanifests: |\n{}",
        WEB.replace("replicas: 2", "replica: 2")
            .lines()
            .map(|l| format!("  {l}\n"))
            .collect::<String>()
    );
    let e = c.load_scenario(&bad, &Value::Null).unwrap_err();
    assert!(e.starts_with("STDIN: manifests:"), "{e}");
    assert!(e.contains("unknown field \"spec.replica\""), "{e}");

    assert_eq!(c.trace_json(0), before, "a refused load changes nothing");
    assert_eq!(c.snapshot()["scenario"], "ordered-creation");
}

#[test]
fn stepping_creates_pods_in_order_and_back_and_seek_return_to_the_same_state() {
    let mut c = Core::new();
    c.load_scenario("ordered-creation", &Value::Null)
        .expect("loads");
    assert_eq!(
        c.timeline().position(),
        1,
        "the manifests are the first input"
    );
    let mut saw_web0_alone = false;
    for _ in 0..400 {
        assert_eq!(c.step(1), 1);
        let names = pod_names(&c);
        saw_web0_alone |= names == ["web-0"];
        if names.len() > 1 {
            break;
        }
    }
    assert!(saw_web0_alone, "web-0 exists alone first (OrderedReady)");
    let at = c.timeline().position();
    let state = |c: &Core| {
        let mut s = c.snapshot();
        s.as_object_mut().map(|m| m.remove("length"));
        s
    };
    let snap = state(&c);
    assert_eq!(c.step(5), 5);
    assert_eq!(c.timeline().len(), at + 5);
    assert_eq!(c.back(5), at);
    assert_eq!(
        c.timeline().len(),
        at + 5,
        "going back keeps the later entries"
    );
    assert_eq!(state(&c), snap, "back gives the same state");
    assert_eq!(c.seek(0), 0);
    assert!(pod_names(&c).is_empty());
    assert_eq!(c.seek(u64::MAX), c.timeline().len(), "seek clamps");
    assert_eq!(c.back(u64::MAX), 0, "back stops at 0");
}

#[test]
fn next_action_and_run_until_settled_report_how_they_ended() {
    let mut c = Core::new();
    c.load_scenario("ordered-creation", &Value::Null)
        .expect("loads");
    let a = c.next_action();
    assert_eq!(a["acted"], true, "{a}");
    assert!(a["steps"].as_u64().unwrap_or(0) >= 1, "{a}");
    assert_eq!(pod_names(&c), ["web-0"], "the first action creates web-0");

    let r = c.run_until_settled(&json!({"maxEvents": 3})).expect("runs");
    assert_eq!(r, json!({"result": "limit", "steps": 3, "reasons": []}));
    let r = c.run_until_settled(&Value::Null).expect("runs");
    assert_eq!(r["result"], "settled", "{r}");
    assert_eq!(pod_names(&c), ["web-0", "web-1", "web-2"]);
    let a = c.next_action();
    assert_eq!(a, json!({"acted": false, "steps": 0}));

    // An image that cannot be pulled: only back-off retries remain, web is not done.
    let f = c
        .fault(&json!({"image": "nginx:9.9", "pull": "fails"}))
        .expect("a fault");
    assert_eq!(f["exit"], 0);
    c.kubectl("kubectl set image sts/web nginx=nginx:9.9")
        .expect("runs");
    let r = c.run_until_settled(&Value::Null).expect("runs");
    assert_eq!(r["result"], "stuck", "{r}");
    let why = r["reasons"][0].as_str().unwrap_or("");
    assert!(why.starts_with("StatefulSet/web: "), "{r}");

    let e = c
        .run_until_settled(&json!({"maxEvents": MAX_EVENTS + 1}))
        .unwrap_err();
    assert!(
        e.starts_with("runUntilSettled: maxEvents must be an integer from 0 to 2000000"),
        "{e}"
    );
}

#[test]
fn kubectl_answers_like_the_shell_and_refuses_unknown_commands_unrecorded() {
    let mut c = Core::new();
    c.load_scenario("ordered-creation", &Value::Null)
        .expect("loads");
    c.run_until_settled(&Value::Null).expect("runs");
    let out = c.kubectl("kubectl get sts web").expect("runs");
    assert_eq!(out["exit"], 0);
    assert!(
        out["output"]
            .as_str()
            .unwrap_or("")
            .starts_with("NAME   READY   AGE"),
        "{out}"
    );
    // A command that fails is still a command: kubectl's answer, exit 1, recorded.
    let len = c.timeline().len();
    let out = c.kubectl("kubectl get pod nope").expect("runs");
    assert_eq!(
        out,
        json!({"output": "Error from server (NotFound): pods \"nope\" not found", "exit": 1})
    );
    assert_eq!(c.timeline().len(), len + 1);
    // Pipes go through the playground's shell.
    let out = c.kubectl("kubectl get pods | grep -c web").expect("runs");
    assert_eq!(out["output"], "3");

    let (len, trace) = (c.timeline().len(), c.trace_json(0));
    let e = c.kubectl("kubectl scael sts web --replicas=1").unwrap_err();
    assert!(
        e.starts_with(
            "error: unknown command \"scael\" for \"kubectl\"\n\nDid you mean this?\n\tscale"
        ),
        "{e}"
    );
    assert!(c.kubectl("kubectl get pods 'unclosed").is_err());
    assert!(c.kubectl("").is_err());
    assert_eq!(c.timeline().len(), len, "a refused line is not recorded");
    assert_eq!(c.trace_json(0), trace);

    // A blocking command runs the simulation until it ends.
    c.kubectl("kubectl scale sts web --replicas=4")
        .expect("runs");
    let out = c.kubectl("kubectl rollout status sts/web").expect("runs");
    assert_eq!(out["exit"], 0);
    assert!(
        out["output"].as_str().unwrap_or("").contains("complete"),
        "{out}"
    );
    assert_eq!(pod_names(&c).len(), 4);
}

#[test]
fn apply_refuses_a_bad_stream_whole_and_configures_a_good_one() {
    let mut c = Core::new();
    c.load_manifests(WEB, &Value::Null).expect("loads");
    c.run_until_settled(&Value::Null).expect("runs");
    let (len, sets) = (c.timeline().len(), c.snapshot()["statefulsets"].clone());
    let e = c
        .apply(&WEB.replace("replicas: 2", "replica: 3"))
        .unwrap_err();
    assert!(e.starts_with("STDIN:14:3: error: "), "{e}");
    assert!(
        e.contains("strict decoding error: unknown field \"spec.replica\""),
        "{e}"
    );
    let e = c.apply("a: [").unwrap_err();
    assert!(
        e.starts_with("STDIN:2:1: error: error converting YAML to JSON: yaml: "),
        "{e}"
    );
    assert_eq!(c.timeline().len(), len);
    assert_eq!(c.snapshot()["statefulsets"], sets);

    let out = c
        .apply(&WEB.replace("replicas: 2", "replicas: 3"))
        .expect("applies");
    assert_eq!(
        out,
        json!({"output": "service/nginx unchanged\nstatefulset.apps/web configured", "exit": 0})
    );
    c.run_until_settled(&Value::Null).expect("runs");
    assert_eq!(pod_names(&c), ["web-0", "web-1", "web-2"]);
}

#[test]
fn load_manifests_builds_the_cluster_it_is_told_or_refuses() {
    let mut c = Core::new();
    let e = c.load_manifests(WEB, &json!({"nodes": 0})).unwrap_err();
    assert_eq!(
        e,
        "loadManifests: nodes must be an integer from 1 to 200, not 0"
    );
    assert_eq!(
        c.load_manifests("  \n", &Value::Null).unwrap_err(),
        "error: no objects passed to apply"
    );
    let e = c
        .load_manifests(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n",
            &Value::Null,
        )
        .unwrap_err();
    assert!(
        e.contains("no matches for kind \"Job\" in version \"batch/v1\""),
        "{e}"
    );

    let loaded = c
        .load_manifests(WEB, &json!({"nodes": 5, "seed": 3}))
        .expect("loads");
    assert_eq!(loaded["scenario"], "custom");
    assert_eq!(loaded["position"], 1);
    let snap = c.snapshot();
    assert_eq!(snap["nodes"].as_array().map(Vec::len), Some(5));
    assert_eq!(snap["statefulsets"][0]["spec"]["replicas"], 2);
    c.run_until_settled(&Value::Null).expect("runs");
    let snap = c.snapshot();
    assert_eq!(snap["pods"].as_array().map(Vec::len), Some(2));
    assert_eq!(snap["pods"][1]["status"], "Running");
    assert_eq!(snap["pods"][1]["ready"], "1/1");
}

#[test]
fn the_snapshot_shows_pods_sets_with_their_blocker_claims_and_events() {
    let mut c = Core::new();
    c.load_scenario("ordered-creation", &Value::Null)
        .expect("loads");
    // Until web-0 is Running and Ready, web waits with a blocker (OrderedReady).
    let mut blocked = None;
    for _ in 0..200 {
        c.step(1);
        let s = c.snapshot();
        if !s["statefulsets"][0]["blocker"].is_null() {
            blocked = Some(s);
            break;
        }
    }
    let s = blocked.expect("a blocker while web-0 starts");
    let b = &s["statefulsets"][0]["blocker"];
    assert!(b["en"].as_str().is_some_and(|t| !t.is_empty()), "{b}");
    assert!(b["zh"].as_str().is_some_and(|t| !t.is_empty()), "{b}");
    c.run_until_settled(&Value::Null).expect("runs");
    let s = c.snapshot();
    let set = &s["statefulsets"][0];
    assert!(set["blocker"].is_null(), "{set}");
    let rev = set["status"]["updateRevision"].as_str().unwrap_or("");
    assert!(rev.starts_with("web-"), "{set}");
    let pod = &s["pods"][0];
    for key in [
        "name", "status", "ready", "phase", "revision", "node", "restarts",
    ] {
        assert!(pod.get(key).is_some(), "pod lacks {key}: {pod}");
    }
    assert_eq!(
        pod["revision"].as_str(),
        Some(rev),
        "the controller-revision-hash label"
    );
    assert!(s["claims"]
        .as_array()
        .is_some_and(|c| !c.is_empty() && c.iter().all(|c| c["status"] == "Bound")));
    assert!(s["events"]
        .as_array()
        .is_some_and(|e| e.iter().any(|e| e["reason"] == "SuccessfulCreate")));
    assert_eq!(s["quiet"], true);
    assert_eq!(s["length"], s["position"]);
}

#[test]
fn fault_takes_the_scenario_format_shapes_and_refuses_the_rest() {
    let mut c = Core::new();
    c.load_scenario("ordered-creation", &Value::Null)
        .expect("loads");
    c.run_until_settled(&Value::Null).expect("runs");
    let len = c.timeline().len();
    let e = c.fault(&json!({"pod": "web-1"})).unwrap_err();
    assert!(
        e.starts_with("fault: expected one of {pod: X, fail: true}"),
        "{e}"
    );
    let e = c
        .fault(&json!({"pod": "web-1", "fail": true, "x": 1}))
        .unwrap_err();
    assert!(e.starts_with("fault: unknown field `x`"), "{e}");
    let e = c
        .fault(&json!({"node": "node-9", "down": true}))
        .unwrap_err();
    assert_eq!(
        e,
        "Error from server (NotFound): nodes \"node-9\" not found"
    );
    assert_eq!(c.timeline().len(), len);

    let out = c
        .fault(&json!({"pod": "web-1", "fail": true}))
        .expect("fails it");
    assert_eq!(out["exit"], 0);
    let t: Vec<Value> = serde_json::from_str(&c.trace_json(0)).expect("json");
    assert!(t.iter().any(|e| e["command"] == "fault: pod web-1 fails"));
}

#[test]
fn check_says_what_sts_check_says_and_changes_nothing() {
    let mut c = Core::new();
    c.load_scenario("partition-canary", &Value::Null)
        .expect("loads");
    let pos = c.timeline().position();
    let r = c.check();
    assert_eq!(r["ok"], true, "{r}");
    let summary = r["summary"].as_str().unwrap_or("");
    assert!(
        summary.starts_with("ok   scenarios/partition-canary.yaml (")
            && summary.ends_with(" steps of simulation)"),
        "{summary}"
    );
    assert!(r["checks"].as_u64().unwrap_or(0) >= 1, "{r}");
    assert_eq!(c.timeline().position(), pos);

    // A failing expect: the CLI's FAIL line.
    let text = builtin::scenario_source("ordered-creation")
        .expect("built in")
        .to_string()
        + "  - expect: {pods: {web-9: {ready: true}}}\n";
    c.load_scenario(&text, &Value::Null).expect("loads");
    let r = c.check();
    assert_eq!(r["ok"], false);
    let summary = r["summary"].as_str().unwrap_or("");
    assert!(summary.starts_with("FAIL STDIN: step "), "{summary}");
    assert!(
        summary.contains("pod web-9: expected to exist"),
        "{summary}"
    );
}

#[test]
fn counts_and_trace_ranges_are_checked() {
    assert_eq!(count(&Value::Null, "step", 10), Ok(1));
    assert_eq!(count(&json!(4), "step", 10), Ok(4));
    assert!(count(&json!(-1), "step", 10).is_err());
    assert!(count(&json!(1.5), "step", 10).is_err());
    assert!(count(&json!("3"), "step", 10).is_err());
    assert!(count(&json!(11), "step", 10).is_err());
    let c = Core::new();
    assert_eq!(c.trace_json(u64::MAX), "[]");
}
