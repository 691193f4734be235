//! The JavaScript API as JavaScript sees it, in node: arguments and results are JS
//! values, errors are thrown `Error`s, subscribers are JS functions. Runs with
//! `wasm-pack test --node crates/sts-bindings` and with
//! `cargo test -p sts-bindings --target wasm32-unknown-unknown` (the runner in
//! `.cargo/config.toml`); not configured for a browser.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Reflect, JSON};
use sts_bindings::Playground;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

/// `sts run scenarios/partition-canary.yaml --output json`, kept by the native test
/// `the_api_trace_is_the_cli_json_trace_and_the_golden_file`.
const CLI_TRACE: &str = include_str!("../../../tests/golden/bindings/partition-canary.jsonl");

const WEB: &str = "apiVersion: apps/v1
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

fn get(v: &JsValue, path: &str) -> JsValue {
    if path.is_empty() {
        return v.clone();
    }
    path.split('.').fold(v.clone(), |v, k| {
        let key = match k.parse::<u32>() {
            Ok(i) => JsValue::from(i),
            Err(_) => JsValue::from_str(k),
        };
        Reflect::get(&v, &key).unwrap_or(JsValue::UNDEFINED)
    })
}

fn s(v: &JsValue, path: &str) -> String {
    get(v, path).as_string().unwrap_or_default()
}

fn n(v: &JsValue, path: &str) -> f64 {
    get(v, path).as_f64().unwrap_or(f64::NAN)
}

fn len(v: &JsValue, path: &str) -> u32 {
    get(v, path)
        .dyn_into::<Array>()
        .map(|a| a.length())
        .unwrap_or(0)
}

fn obj(json: &str) -> JsValue {
    JSON::parse(json).expect("valid JSON")
}

/// The message of a thrown `Error` (and that it is one).
fn thrown(r: Result<JsValue, JsValue>) -> String {
    let e = r.expect_err("throws");
    let e = e.dyn_into::<js_sys::Error>().expect("an Error object");
    String::from(e.message())
}

fn loaded(id: &str) -> Playground {
    let pg = Playground::new();
    pg.load_scenario(id.into(), JsValue::UNDEFINED)
        .expect("loads");
    pg
}

#[wasm_bindgen_test]
fn scenarios_are_listed_with_english_and_chinese_titles() {
    let list: Array = Playground::scenarios()
        .expect("a list")
        .dyn_into()
        .expect("an array");
    assert!(list.length() >= 10);
    let canary = list
        .iter()
        .find(|e| s(e, "id") == "partition-canary")
        .expect("partition-canary is built in");
    assert!(!s(&canary, "title.en").is_empty());
    assert!(!s(&canary, "title.zh").is_empty());
}

#[wasm_bindgen_test]
fn the_trace_equals_the_cli_json_lines_for_a_built_in_scenario() {
    let pg = loaded("partition-canary");
    let r = pg.run_scenario().expect("runs");
    assert_eq!(get(&r, "ok"), JsValue::TRUE);
    let trace: Array = pg
        .trace(JsValue::UNDEFINED)
        .expect("a trace")
        .dyn_into()
        .expect("an array");
    let lines: Vec<String> = trace
        .iter()
        .map(|e| {
            JSON::stringify(&e)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        })
        .collect();
    let cli: Vec<&str> = CLI_TRACE.lines().collect();
    assert_eq!(lines.len(), cli.len());
    for (i, (ours, theirs)) in lines.iter().zip(&cli).enumerate() {
        assert_eq!(ours, theirs, "entry {i}");
    }
    // `since` returns the tail; a later load starts over.
    let tail = pg.trace(obj(r#"{"since": 200}"#)).expect("a tail");
    assert_eq!(len(&tail, ""), cli.len() as u32 - 200);
    assert_eq!(
        s(&tail, "0.type"),
        JSON::parse(cli[200])
            .map(|v| s(&v, "type"))
            .unwrap_or_default()
    );
}

#[wasm_bindgen_test]
fn step_back_and_seek_move_through_time() {
    let pg = loaded("ordered-creation");
    let start = pg.snapshot().expect("a snapshot");
    assert_eq!(n(&start, "position"), 1.0);
    assert_eq!(len(&start, "pods"), 0);
    assert_eq!(pg.step(JsValue::UNDEFINED).expect("steps"), 1.0);
    assert_eq!(pg.step(10.into()).expect("steps"), 10.0);
    let at = pg.snapshot().expect("a snapshot");
    assert_eq!(n(&at, "position"), 12.0);
    assert_eq!(s(&at, "pods.0.name"), "web-0");
    assert_eq!(pg.back(11.into()).expect("goes back"), 1.0);
    assert_eq!(len(&pg.snapshot().expect("a snapshot"), "pods"), 0);
    assert_eq!(pg.seek(12.into()).expect("seeks"), 12.0);
    let again = pg.snapshot().expect("a snapshot");
    assert_eq!(
        JSON::stringify(&again).ok().and_then(|s| s.as_string()),
        JSON::stringify(&at).ok().and_then(|s| s.as_string()),
        "replay gives the same state"
    );
    let a = pg.next_action().expect("acts");
    assert_eq!(get(&a, "acted"), JsValue::TRUE);
    let r = pg
        .run_until_settled(obj(r#"{"maxEvents": 2}"#))
        .expect("runs");
    assert_eq!(s(&r, "result"), "limit");
    assert_eq!(n(&r, "steps"), 2.0);
    let r = pg.run_until_settled(JsValue::UNDEFINED).expect("runs");
    assert_eq!(s(&r, "result"), "settled");
    let snap = pg.snapshot().expect("a snapshot");
    assert_eq!(len(&snap, "pods"), 3);
    assert_eq!(s(&snap, "pods.2.status"), "Running");
    assert_eq!(s(&snap, "pods.2.ready"), "1/1");
    assert_eq!(n(&snap, "statefulsets.0.status.readyReplicas"), 3.0);
    assert!(get(&snap, "statefulsets.0.blocker").is_null());
    assert_eq!(s(&snap, "claims.0.status"), "Bound");
    assert!(len(&snap, "events") > 3);
}

#[wasm_bindgen_test]
fn kubectl_apply_and_fault_answer_like_the_cli() {
    let pg = Playground::new();
    let l = pg
        .load_manifests(WEB.into(), obj(r#"{"nodes": 2, "seed": 5}"#))
        .expect("loads");
    assert_eq!(s(&l, "scenario"), "custom");
    pg.run_until_settled(JsValue::UNDEFINED).expect("runs");
    let out = pg.kubectl("kubectl get pods".into()).expect("runs");
    assert_eq!(n(&out, "exit"), 0.0);
    let table = s(&out, "output");
    assert!(table.starts_with("NAME    READY   STATUS"), "{table}");
    assert!(table.contains("\nweb-1   1/1     Running"), "{table}");
    let out = pg.kubectl("kubectl delete pod nope".into()).expect("runs");
    assert_eq!(n(&out, "exit"), 1.0);
    assert_eq!(
        s(&out, "output"),
        "Error from server (NotFound): pods \"nope\" not found"
    );

    let out = pg
        .apply(WEB.replace("replicas: 2", "replicas: 3").into())
        .expect("applies");
    assert_eq!(s(&out, "output"), "statefulset.apps/web configured");
    let out = pg
        .fault(obj(r#"{"node": "node-2", "down": true}"#))
        .expect("a fault");
    assert_eq!(n(&out, "exit"), 0.0);
    let snap = pg.snapshot().expect("a snapshot");
    assert_eq!(get(&snap, "nodes.1.ready"), JsValue::FALSE);
    let c = pg.check().expect("checks");
    assert_eq!(get(&c, "ok"), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn bad_input_throws_a_kubernetes_style_error_and_changes_nothing() {
    let pg = loaded("ordered-creation");
    pg.run_until_settled(JsValue::UNDEFINED).expect("runs");
    let before = pg.snapshot().expect("a snapshot");
    let before = JSON::stringify(&before).ok().and_then(|s| s.as_string());

    let e = thrown(pg.load_scenario("nope".into(), JsValue::UNDEFINED));
    assert!(e.starts_with("unknown scenario \"nope\""), "{e}");
    let e = thrown(pg.load_scenario(JsValue::from(3), JsValue::UNDEFINED));
    assert!(
        e.starts_with("loadScenario: expected a built-in scenario id"),
        "{e}"
    );
    let e = thrown(pg.load_manifests("kind: [".into(), JsValue::UNDEFINED));
    assert!(e.starts_with("STDIN:"), "{e}");
    let e = thrown(pg.apply(WEB.replace("replicas:", "replica:").into()));
    assert!(
        e.contains("strict decoding error: unknown field \"spec.replica\""),
        "{e}"
    );
    let e = thrown(pg.kubectl("kubectl frobnicate".into()));
    assert!(
        e.starts_with("error: unknown command \"frobnicate\" for \"kubectl\""),
        "{e}"
    );
    let e = thrown(pg.fault(obj(r#"{"pod": "web-7", "fail": true}"#)));
    assert_eq!(e, "Error from server (NotFound): pods \"web-7\" not found");
    let e = thrown(pg.step(JsValue::from(-1)).map(JsValue::from));
    assert!(e.starts_with("step: expected an integer"), "{e}");
    let e = thrown(pg.step(JsValue::from("3")).map(JsValue::from));
    assert!(e.starts_with("step: expected an integer"), "{e}");
    let e = thrown(pg.run_until_settled(obj(r#"{"max": 1}"#)));
    assert!(
        e.starts_with("runUntilSettled: unknown option \"max\""),
        "{e}"
    );
    let e = thrown(pg.trace(obj(r#"{"since": -2}"#)));
    assert!(e.starts_with("trace: since must be"), "{e}");
    let e = thrown(
        pg.on("changed".into(), JsValue::NULL)
            .map(|_| JsValue::UNDEFINED),
    );
    assert!(e.starts_with("on: unknown event"), "{e}");

    let after = pg.snapshot().expect("a snapshot");
    assert_eq!(
        JSON::stringify(&after).ok().and_then(|s| s.as_string()),
        before
    );
}

#[wasm_bindgen_test]
fn subscribers_hear_every_change_until_they_unsubscribe() {
    let pg = loaded("ordered-creation");
    let seen = Array::new();
    let sink = seen.clone();
    let listener = Closure::<dyn Fn(JsValue)>::new(move |summary: JsValue| {
        sink.push(&summary);
    });
    let f: Function = listener.as_ref().unchecked_ref::<Function>().clone();
    pg.on("change".into(), f.clone().into())
        .expect("subscribes");
    pg.step(3.into()).expect("steps");
    pg.kubectl("kubectl get sts".into()).expect("runs");
    pg.back(JsValue::UNDEFINED).expect("goes back");
    // A refused call is no change.
    let _ = pg.kubectl("kubectl frobnicate".into());
    // Reading is no change either.
    pg.snapshot().expect("a snapshot");
    assert_eq!(seen.length(), 3);
    let first = seen.get(0);
    assert_eq!(s(&first, "action"), "step");
    assert_eq!(n(&first, "position"), 4.0);
    assert_eq!(s(&seen.get(1), "action"), "kubectl");
    assert_eq!(s(&seen.get(2), "action"), "back");
    assert_eq!(n(&seen.get(2), "position"), 4.0);
    assert_eq!(n(&seen.get(2), "length"), 5.0);

    pg.off("change".into(), f.into()).expect("unsubscribes");
    pg.step(JsValue::UNDEFINED).expect("steps");
    assert_eq!(seen.length(), 3);
}

#[wasm_bindgen_test]
fn a_subscriber_may_call_back_into_the_playground_and_its_error_is_thrown() {
    let pg = std::rc::Rc::new(loaded("ordered-creation"));
    let inner = pg.clone();
    let positions = Array::new();
    let sink = positions.clone();
    let listener =
        Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(move |_summary: JsValue| {
            let snap = inner.snapshot()?;
            sink.push(&get(&snap, "position"));
            Err(js_sys::Error::new("listener failed").into())
        });
    let f: Function = listener.as_ref().unchecked_ref::<Function>().clone();
    pg.on("change".into(), f.into()).expect("subscribes");
    let e = thrown(pg.step(2.into()).map(JsValue::from));
    assert_eq!(e, "listener failed");
    assert_eq!(positions.length(), 1);
    assert_eq!(
        positions.get(0).as_f64(),
        Some(3.0),
        "the step happened first"
    );
    drop(listener);
}
