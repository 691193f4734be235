//! The trace: everything that happened, in order, one entry per change.
//!
//! It is what the CLI prints (as watch-style text or JSON lines), what golden tests
//! compare, and what the UI replays. Entries are plain data; rendering lives in
//! [`TraceEntry::text`] and the serde derive (JSON lines, see the scenario format doc).

use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use crate::model::{PersistentVolumeClaim, Pod, StatefulSet, POD_TEMPLATE_HASH};
use crate::printers;
use crate::time::SimTime;

/// The JS API's `snapshot()`, also the embedded page's `snapshot` reply: the scenario,
/// its seed and the timeline's position and length, then [`world_snapshot`] of the world
/// at that position.
pub fn snapshot(
    scenario: &str,
    seed: u64,
    tl: &crate::timeline::Timeline,
) -> serde_json::Map<String, Value> {
    let w = tl.world();
    let mut m = serde_json::Map::new();
    m.insert("scenario".into(), json!(scenario));
    m.insert("seed".into(), json!(seed));
    m.insert("time".into(), json!(w.now.0));
    m.insert("clock".into(), json!(w.now.to_string()));
    m.insert("position".into(), json!(tl.position()));
    m.insert("length".into(), json!(tl.len()));
    m.extend(world_snapshot(w));
    m
}

/// The world's objects as JSON: `nodes`, `pods`, `statefulsets` (spec, status and the
/// controller's blocker), `claims` and `events`, with `steps`, `traceLength` and `quiet`.
/// One shape for every reader: [`snapshot`] adds the position fields to it.
pub fn world_snapshot(w: &crate::world::World) -> serde_json::Map<String, Value> {
    let pods: Vec<Value> = w
        .pods
        .values()
        .map(|p| {
            let mut v = json!({"name": p.metadata.name, "namespace": p.metadata.namespace});
            for (k, c) in pod_columns(p, w.now) {
                v[k] = c;
            }
            v
        })
        .collect();
    let sets: Vec<Value> = w
        .sets
        .iter()
        .map(|(key, set)| {
            let blocker = w
                .blockers
                .get(key)
                .map(|b| json!({"reason": b.reason, "pod": b.pod, "en": b.en, "zh": b.zh}));
            let mut status = serde_json::Map::new();
            for (k, c) in set_columns(set) {
                if k != "ready" && k != "generation" {
                    status.insert(k.to_string(), c);
                }
            }
            json!({
                "name": set.metadata.name,
                "namespace": set.metadata.namespace,
                "ready": printers::sts_ready(set),
                "generation": set.metadata.generation,
                "spec": {
                    "replicas": set.replicas(),
                    "podManagementPolicy": set.policy_name(),
                    "updateStrategy": set.strategy_name(),
                    "partition": set.partition(),
                },
                "status": status,
                "blocker": blocker,
            })
        })
        .collect();
    let claims: Vec<Value> = w
        .claims
        .values()
        .map(|c| {
            let mut v = json!({"name": c.metadata.name, "namespace": c.metadata.namespace});
            for (k, col) in claim_columns(c) {
                v[k] = col;
            }
            v
        })
        .collect();
    let events: Vec<Value> = w.events.iter().map(event_json).collect();
    let nodes: Vec<Value> = w
        .nodes
        .values()
        .map(|n| json!({"name": n.metadata.name, "ready": n.ready}))
        .collect();
    let mut m = serde_json::Map::new();
    m.insert("steps".into(), json!(w.steps));
    m.insert("traceLength".into(), json!(w.trace.len()));
    m.insert("quiet".into(), json!(w.quiet()));
    m.insert("nodes".into(), Value::Array(nodes));
    m.insert("pods".into(), Value::Array(pods));
    m.insert("statefulsets".into(), Value::Array(sets));
    m.insert("claims".into(), Value::Array(claims));
    m.insert("events".into(), Value::Array(events));
    m
}

/// A Kubernetes Event as JSON: `t` (virtual ms), `type`, `reason`, `object`, `message`,
/// `count`.
pub fn event_json(e: &crate::model::Event) -> Value {
    json!({
        "t": e.time.0,
        "type": e.type_,
        "reason": e.reason,
        "object": e.object,
        "message": e.message,
        "count": e.count,
    })
}

/// The columns of a pod's `object` entry (`kubectl get pods -o wide`): `status`,
/// `ready`, `phase`, `restarts`, `revision` (a StatefulSet pod's
/// controller-revision-hash, or a ReplicaSet pod's pod-template-hash) and `node`. Also
/// what a state snapshot shows for a pod, so both use the same names.
pub fn pod_columns(pod: &Pod, now: SimTime) -> BTreeMap<&'static str, Value> {
    let mut c = BTreeMap::new();
    c.insert("status", json!(printers::pod_status(pod)));
    c.insert("ready", json!(printers::pod_ready(pod)));
    c.insert("phase", json!(pod.status.phase));
    c.insert("restarts", json!(printers::pod_restarts(pod, now)));
    let revision = pod
        .revision()
        .or_else(|| {
            pod.metadata
                .labels
                .get(POD_TEMPLATE_HASH)
                .map(String::as_str)
        })
        .unwrap_or("");
    c.insert("revision", json!(revision));
    c.insert("node", json!(pod.node().unwrap_or("")));
    c
}

/// The columns of a StatefulSet's `object` entry: its status block (`replicas`,
/// `readyReplicas`, `currentReplicas`, `updatedReplicas`, `availableReplicas`,
/// `currentRevision`, `updateRevision`, `observedGeneration`), `generation` and
/// kubectl's READY column.
pub fn set_columns(set: &StatefulSet) -> BTreeMap<&'static str, Value> {
    let s = &set.status;
    let mut c = BTreeMap::new();
    c.insert("ready", json!(printers::sts_ready(set)));
    c.insert("replicas", json!(s.replicas));
    c.insert("readyReplicas", json!(s.ready_replicas));
    c.insert("currentReplicas", json!(s.current_replicas));
    c.insert("updatedReplicas", json!(s.updated_replicas));
    c.insert("availableReplicas", json!(s.available_replicas));
    c.insert("currentRevision", json!(s.current_revision));
    c.insert("updateRevision", json!(s.update_revision));
    c.insert(
        "observedGeneration",
        json!(s.observed_generation.unwrap_or(0)),
    );
    c.insert("generation", json!(set.metadata.generation));
    c
}

/// The columns of a PersistentVolumeClaim's `object` entry: `status` (its phase, or
/// `Terminating`), `volume` and `owners` (`Kind/name`, comma-separated).
pub fn claim_columns(claim: &PersistentVolumeClaim) -> BTreeMap<&'static str, Value> {
    let mut c = BTreeMap::new();
    c.insert(
        "status",
        json!(if claim.metadata.terminating() {
            "Terminating".to_string()
        } else {
            claim.status.phase.clone()
        }),
    );
    c.insert(
        "volume",
        json!(claim.spec.volume_name.clone().unwrap_or_default()),
    );
    let owners: Vec<String> = claim
        .metadata
        .owner_references
        .iter()
        .map(|r| format!("{}/{}", r.kind, r.name))
        .collect();
    c.insert("owners", json!(owners.join(",")));
    c
}

/// One line of the trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEntry {
    /// Virtual time in milliseconds.
    pub t: u64,
    /// The world step that produced it (0 for changes made by inputs before any step).
    pub step: u64,
    /// What happened.
    #[serde(flatten)]
    pub record: Record,
}

/// The kinds of trace entries.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    /// An API object was added, modified or deleted.
    Object(ObjectRecord),
    /// An Event was recorded.
    Event(EventRecord),
    /// A command ran (kubectl, or a scenario input).
    Command(CommandRecord),
    /// The controller's blocker changed.
    Blocked(BlockedRecord),
    /// A scenario `expect` or task check.
    Expect(ExpectRecord),
    /// Lesson narration.
    Say(SayRecord),
    /// A row printed by an active `kubectl get -w`.
    Watch(WatchRecord),
}

/// One row (or, for `-o yaml`/`json`, one object) printed by a `kubectl get -w`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WatchRecord {
    /// Which watch printed it (the world numbers them from 1).
    pub id: u64,
    /// What it printed (several lines when the header comes first).
    pub line: String,
}

/// An object change, with the columns `kubectl get` shows for its kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectRecord {
    /// `ADDED`, `MODIFIED` or `DELETED` (watch verbs).
    pub verb: &'static str,
    /// `Pod`, `StatefulSet`, `PersistentVolumeClaim`…
    pub kind: &'static str,
    /// Object name.
    pub name: String,
    /// Kind-specific columns (`status`, `ready`, `phase`, `revision`, `node`…).
    #[serde(flatten)]
    pub columns: BTreeMap<&'static str, Value>,
}

/// An Event as recorded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventRecord {
    /// Reason (`SuccessfulCreate`…).
    pub reason: String,
    /// `Kind/name`.
    pub object: String,
    /// The message.
    pub message: String,
    /// `Normal` or `Warning`.
    #[serde(rename = "eventType")]
    pub event_type: String,
}

/// A command and its output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommandRecord {
    /// As typed.
    pub command: String,
    /// What it printed (stdout and stderr together, like a terminal).
    pub output: String,
    /// Exit code.
    pub exit: i32,
}

/// A change of the controller's blocker.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockedRecord {
    /// `StatefulSet/web`.
    pub object: String,
    /// The English sentence (empty when the blocker cleared).
    pub reason: String,
    /// The Chinese sentence.
    pub zh: String,
    /// Machine-readable reason, empty when cleared.
    pub code: String,
}

/// The result of a check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpectRecord {
    /// Passed?
    pub ok: bool,
    /// What was checked, and what differed.
    pub detail: String,
}

/// Narration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SayRecord {
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
}

fn col(c: &BTreeMap<&'static str, Value>, k: &str) -> String {
    match c.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

impl TraceEntry {
    /// The fixed-column, one-line text rendering:
    /// `t=MM:SS.mmm  <what>`; pods render like `kubectl get pods -w` rows.
    pub fn text(&self) -> String {
        let t = SimTime(self.t);
        match &self.record {
            Record::Object(o) => {
                let c = &o.columns;
                match o.kind {
                    "Pod" => format!(
                        "t={t}  pod/{:<10} {:<8} {:<5} {:<18} rev={} node={}",
                        o.name,
                        o.verb,
                        col(c, "ready"),
                        col(c, "status"),
                        col(c, "revision"),
                        col(c, "node")
                    ),
                    "StatefulSet" => format!(
                        "t={t}  sts/{} {} ready={} replicas={} current={} updated={} available={} currentRevision={} updateRevision={}",
                        o.name,
                        o.verb,
                        col(c, "ready"),
                        col(c, "replicas"),
                        col(c, "currentReplicas"),
                        col(c, "updatedReplicas"),
                        col(c, "availableReplicas"),
                        col(c, "currentRevision"),
                        col(c, "updateRevision")
                    ),
                    _ => {
                        let rest: Vec<String> = c.keys().map(|k| format!("{k}={}", col(c, k))).collect();
                        format!("t={t}  {}/{} {} {}", o.kind.to_lowercase(), o.name, o.verb, rest.join(" "))
                    }
                }
            }
            Record::Event(e) => format!(
                "t={t}  event {} {} {}: {}",
                e.event_type, e.object, e.reason, e.message
            ),
            Record::Command(c) => {
                let mut s = format!("t={t}  $ {}", c.command);
                // `split`, not `lines`: an output ending in an empty line (K-11) shows it.
                let lines = c.output.split('\n').filter(|_| !c.output.is_empty());
                for line in lines {
                    s.push_str("\n    ");
                    s.push_str(line);
                }
                if c.exit != 0 {
                    s.push_str(&format!("\n    (exit {})", c.exit));
                }
                s
            }
            Record::Blocked(b) => {
                if b.reason.is_empty() {
                    format!("t={t}  why {}: no longer waiting", b.object)
                } else {
                    format!("t={t}  why {}: {}", b.object, b.reason)
                }
            }
            Record::Expect(e) => {
                format!(
                    "t={t}  expect {}: {}",
                    if e.ok { "ok" } else { "FAILED" },
                    e.detail
                )
            }
            Record::Say(s) => format!("t={t}  say: {}", s.en),
            Record::Watch(w) => {
                let mut s = format!("t={t}  watch:");
                for line in w.line.lines() {
                    s.push_str("\n    ");
                    s.push_str(line);
                }
                s
            }
        }
    }
}
