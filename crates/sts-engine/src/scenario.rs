//! Scenario files: the lesson, the docs embed and the headless test in one YAML file
//! (the format is documented in `docs/scenario-format.md`), and the runner that plays
//! one against a world.
//!
//! Parsing is strict: unknown keys are errors with their line and column. Running a
//! scenario never panics: bad steps become failed checks or command errors.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::api::DEFAULT_NS;
use crate::model::*;
use crate::time::SimDuration;
use crate::timeline::{Fault, Input, Timeline};
use crate::trace::{ExpectRecord, Record, SayRecord};
use crate::world::{Config, FeatureGates, ImageBehaviour, Timing, World};

/// Text in English and Simplified Chinese.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    pub zh: String,
}

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Scenario {
    /// Identifier; equals the file stem.
    pub scenario: String,
    /// Title.
    pub title: Text,
    /// One-paragraph summary.
    #[serde(default)]
    pub summary: Option<Text>,
    /// The scenario's place in the course of lessons (1, 2, …): the web app lists
    /// lessons in this order, then the scenarios without a number.
    #[serde(default)]
    pub lesson: Option<u32>,
    /// Behaviour baseline; only "1.32" is supported.
    #[serde(default = "default_version")]
    pub kubernetes: String,
    /// The only source of randomness.
    #[serde(default)]
    pub seed: u64,
    /// The simulated cluster.
    #[serde(default)]
    pub cluster: ClusterSpec,
    /// Manifests applied at t=0.
    #[serde(default)]
    pub manifests: String,
    /// Files `kubectl apply -f NAME` / `kubectl delete -f NAME` can read, by name (a
    /// name may be a URL, e.g. `https://k8s.io/examples/application/web/web.yaml`).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// What happens, in order.
    #[serde(default)]
    pub steps: Vec<Step>,
}

fn default_version() -> String {
    "1.32".into()
}

/// `cluster:`. Serializable (as the file would say it, defaults left out) so that a
/// session can be written back as a scenario file (`scenario_writer`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClusterSpec {
    /// A count (`node-1`…`node-N`) or a list of nodes; 3 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Nodes>,
    /// StorageClasses; by default one default class `standard` with Immediate binding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_classes: Option<Vec<ClassSpec>>,
    /// Component timing.
    #[serde(default, skip_serializing_if = "TimingSpec::is_unset")]
    pub timing: TimingSpec,
    /// Behaviour of particular images.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub images: BTreeMap<String, ImageSpec>,
    /// Feature gates (only `MaxUnavailableStatefulSet` changes anything).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub feature_gates: BTreeMap<String, bool>,
}

/// `nodes:` as a count or a list.
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum Nodes {
    /// `nodes: 3`.
    Count(u32),
    /// `nodes: [{name: …}]`.
    List(Vec<NodeSpec>),
}

/// One node.
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodeSpec {
    /// Node name.
    pub name: String,
    /// Labels (hostname is added).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: Labels,
    /// Taints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// Allocatable resources (`cpu`, `memory`, `pods`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub capacity: BTreeMap<String, Quantity>,
    /// Starts down.
    #[serde(default, skip_serializing_if = "is_false")]
    pub down: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One StorageClass.
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClassSpec {
    /// Name.
    pub name: String,
    /// The default class.
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
    /// `Immediate` (default) or `WaitForFirstConsumer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_mode: Option<String>,
    /// Provisioner; `kubernetes.io/no-provisioner` for static volumes only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioner: Option<String>,
    /// `Delete` (default) or `Retain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reclaim_policy: Option<String>,
}

/// `timing:` (durations like `3s`, `500ms`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TimingSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    schedule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image_pull: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    container_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    terminate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    init_run: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crash_after: Option<String>,
}

impl TimingSpec {
    /// True when no timing is given (every component at its default).
    pub fn is_unset(&self) -> bool {
        *self == TimingSpec::default()
    }
}

/// Behaviour of one image.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImageSpec {
    /// `fails` makes pulls fail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull: Option<String>,
    /// `crashes` makes the container exit with an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// `never` makes its readiness probe always fail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<String>,
    /// Pull time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_time: Option<String>,
}

/// One step: a map with exactly one of the keys below.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(try_from = "RawStep")]
pub enum Step {
    /// Narration.
    Say(Text),
    /// Run time forward.
    Wait(Wait),
    /// A kubectl command.
    Kubectl(String),
    /// Apply a manifest stream.
    Apply(String),
    /// Inject a fault.
    Fault(FaultSpec),
    /// Check the live state.
    Expect(Box<Expect>),
    /// A lesson task: the learner acts; `check` runs the solution.
    Task(Box<Task>),
}

/// A step as written, before checking it has exactly one key.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    #[serde(default)]
    say: Option<Text>,
    #[serde(default)]
    wait: Option<Wait>,
    #[serde(default)]
    kubectl: Option<String>,
    #[serde(default)]
    apply: Option<String>,
    #[serde(default)]
    fault: Option<FaultSpec>,
    #[serde(default)]
    expect: Option<Box<Expect>>,
    #[serde(default)]
    task: Option<Box<Task>>,
}

impl TryFrom<RawStep> for Step {
    type Error = String;
    fn try_from(r: RawStep) -> Result<Step, String> {
        let mut found: Vec<Step> = Vec::new();
        if let Some(v) = r.say {
            found.push(Step::Say(v));
        }
        if let Some(v) = r.wait {
            found.push(Step::Wait(v));
        }
        if let Some(v) = r.kubectl {
            found.push(Step::Kubectl(v));
        }
        if let Some(v) = r.apply {
            found.push(Step::Apply(v));
        }
        if let Some(v) = r.fault {
            found.push(Step::Fault(v));
        }
        if let Some(v) = r.expect {
            found.push(Step::Expect(v));
        }
        if let Some(v) = r.task {
            found.push(Step::Task(v));
        }
        if found.len() != 1 {
            return Err(format!(
                "a step needs exactly one of say, wait, kubectl, apply, fault, expect, task (found {})",
                found.len()
            ));
        }
        Ok(found.remove(0))
    }
}

/// `wait:`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Wait {
    /// `settled` or a duration (`30s`).
    Word(String),
    /// `{ready: web-2}`, `{rollout: web}` or `{gone: web-3}`.
    Until(WaitUntil),
}

/// Conditions to wait for.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WaitUntil {
    /// A pod is Running and Ready.
    #[serde(default)]
    pub ready: Option<String>,
    /// A StatefulSet's rollout status is done.
    #[serde(default)]
    pub rollout: Option<String>,
    /// A pod no longer exists.
    #[serde(default)]
    pub gone: Option<String>,
    /// Exactly this many events of the simulation (`wait: {events: 12}`), or fewer if
    /// the cluster runs out of work first (a failed check).
    ///
    /// Why this form exists: a scenario written from a playground session
    /// ([`crate::scenario_writer`]) must stop where the session stopped. The timeline
    /// records *events* (one `World::step` each), not virtual time, and several events
    /// happen at one virtual instant (a sync, then the pod writes it caused, all at
    /// t=0): a duration runs every event up to a time and `settled` runs to the end, so
    /// neither can stop between two events of one instant. Counting events can.
    #[serde(default)]
    pub events: Option<u64>,
}

/// `fault:`.
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FaultSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pod: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fail: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    readiness: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    down: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pull: Option<String>,
}

impl FaultSpec {
    /// The `fault:` step that injects `f` (the inverse of [`fault_input`]).
    pub fn of(f: &Fault) -> FaultSpec {
        let mut spec = FaultSpec {
            pod: None,
            fail: None,
            readiness: None,
            node: None,
            down: None,
            image: None,
            pull: None,
        };
        match f {
            Fault::FailPod { pod } => {
                spec.pod = Some(pod.clone());
                spec.fail = Some(true);
            }
            Fault::Readiness { pod, never } => {
                spec.pod = Some(pod.clone());
                spec.readiness = Some(if *never { "never" } else { "ok" }.into());
            }
            Fault::Node { node, down } => {
                spec.node = Some(node.clone());
                spec.down = Some(*down);
            }
            Fault::ImagePull { image, fails } => {
                spec.image = Some(image.clone());
                spec.pull = Some(if *fails { "fails" } else { "ok" }.into());
            }
        }
        spec
    }
}

/// `expect:` — every key present must hold.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Expect {
    /// Pods by name.
    #[serde(default)]
    pub pods: BTreeMap<String, PodExpect>,
    /// StatefulSets by name.
    #[serde(default)]
    pub statefulsets: BTreeMap<String, SetExpect>,
    /// Deployments by name.
    #[serde(default)]
    pub deployments: BTreeMap<String, DeployExpect>,
    /// PersistentVolumeClaims by name.
    #[serde(default)]
    pub claims: BTreeMap<String, ClaimExpect>,
    /// The exact `kubectl rollout status statefulset/<name>` line, by set.
    #[serde(default)]
    pub rollout_status: BTreeMap<String, String>,
    /// A substring of the set's current blocker (English), or "" for none.
    #[serde(default)]
    pub blocked: BTreeMap<String, String>,
    /// `settled` or `stuck`: the state after the last `wait: settled`.
    #[serde(default)]
    pub state: Option<String>,
    /// DNS names that must resolve (true) or not (false).
    #[serde(default)]
    pub dns: BTreeMap<String, bool>,
    /// Event messages (substrings) or reasons that must have been recorded, in order.
    #[serde(default)]
    pub events: Vec<String>,
    /// What the last command printed and its exit code.
    #[serde(default)]
    pub command: Option<CommandExpect>,
}

/// Expected result of the last command.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CommandExpect {
    /// Exit code.
    #[serde(default)]
    pub exit: Option<i32>,
    /// The exact output (trailing whitespace ignored).
    #[serde(default)]
    pub output: Option<String>,
    /// A substring of the output.
    #[serde(default)]
    pub contains: Option<String>,
    /// A pod whose *current* IP the output must contain (a lookup answered with the
    /// address of the pod that exists now, e.g. after the pod was recreated, I-5).
    #[serde(default)]
    pub contains_pod_ip: Option<String>,
}

/// Expected pod state.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodExpect {
    /// Exists (default true when any other key is given).
    #[serde(default)]
    pub exists: Option<bool>,
    /// Image of the first container.
    #[serde(default)]
    pub image: Option<String>,
    /// Running and Ready.
    #[serde(default)]
    pub ready: Option<bool>,
    /// kubectl STATUS column.
    #[serde(default)]
    pub status: Option<String>,
    /// `update` (at updateRevision), `current`, or `old` (not at updateRevision).
    #[serde(default)]
    pub revision: Option<String>,
    /// Node name.
    #[serde(default)]
    pub node: Option<String>,
    /// Claim mounted by the first claim volume.
    #[serde(default)]
    pub claim: Option<String>,
}

/// Expected StatefulSet state.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SetExpect {
    /// Exists.
    #[serde(default)]
    pub exists: Option<bool>,
    /// `status.replicas`.
    #[serde(default)]
    pub replicas: Option<i32>,
    /// `status.readyReplicas`.
    #[serde(default)]
    pub ready_replicas: Option<i32>,
    /// `status.currentReplicas`.
    #[serde(default)]
    pub current_replicas: Option<i32>,
    /// `status.updatedReplicas`.
    #[serde(default)]
    pub updated_replicas: Option<i32>,
    /// `status.availableReplicas`.
    #[serde(default)]
    pub available_replicas: Option<i32>,
    /// `currentRevision == updateRevision`.
    #[serde(default)]
    pub rolled_out: Option<bool>,
    /// Number of ControllerRevisions it owns.
    #[serde(default)]
    pub revisions: Option<usize>,
    /// `spec.updateStrategy.rollingUpdate.partition` (0 when unset, D-2/U-1), so a
    /// lesson task can check that the learner set it, however they did.
    #[serde(default)]
    pub partition: Option<i32>,
    /// Image of the template's first container (the spec, not the pods).
    #[serde(default)]
    pub image: Option<String>,
    /// `spec.updateStrategy.type`: `RollingUpdate` or `OnDelete` (D-2).
    #[serde(default)]
    pub strategy: Option<String>,
}

/// Expected Deployment state.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeployExpect {
    /// Exists.
    #[serde(default)]
    pub exists: Option<bool>,
    /// `status.replicas`.
    #[serde(default)]
    pub replicas: Option<i32>,
    /// `status.readyReplicas`.
    #[serde(default)]
    pub ready_replicas: Option<i32>,
    /// `status.updatedReplicas`.
    #[serde(default)]
    pub updated_replicas: Option<i32>,
    /// `status.availableReplicas`.
    #[serde(default)]
    pub available_replicas: Option<i32>,
    /// `kubectl rollout status deployment/<name>` reports success.
    #[serde(default)]
    pub rolled_out: Option<bool>,
    /// Image of the template's first container.
    #[serde(default)]
    pub image: Option<String>,
    /// Number of ReplicaSets it controls.
    #[serde(default)]
    pub replica_sets: Option<usize>,
}

/// Expected claim state.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClaimExpect {
    /// Exists.
    #[serde(default)]
    pub exists: Option<bool>,
    /// `Bound`, `Pending`, `Terminating`.
    #[serde(default)]
    pub status: Option<String>,
    /// Files on the claim's volume: path relative to the volume root → a substring the
    /// file must contain (what pods wrote under the claim's mount; it outlives them).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// A lesson task.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Task {
    /// What to do.
    pub prompt: Text,
    /// A hint.
    #[serde(default)]
    pub hint: Option<Text>,
    /// Done when this holds (checked after the world settles).
    pub until: Expect,
    /// Steps that solve it (`kubectl`, `apply`, `fault`, `wait`).
    pub solution: Vec<Step>,
}

/// A scenario file error with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// 1-based line (0 if unknown).
    pub line: usize,
    /// 1-based column (0 if unknown).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}:{}: {}", self.line, self.column, self.message)
        } else {
            write!(f, "{}", self.message)
        }
    }
}

/// The largest scenario file accepted.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;
/// The most nodes a scenario may declare.
pub const MAX_NODES: u32 = 200;

/// Reads YAML text into `T` with the manifest layer's reader (one YAML dialect for
/// everything), naming the line and column of a bad or unknown field.
fn read_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (crate::yaml::Pos, String)> {
    let mut warnings = Vec::new();
    let mut docs = crate::yaml::parse(text, crate::yaml::Offset::default(), &mut warnings)
        .map_err(|e| (e.pos, e.message))?;
    if let Some(w) = warnings.first() {
        // A scenario is our own format: a repeated key is a mistake, not a warning.
        return Err((
            w.pos,
            w.message.replace(": kubectl keeps only the last value", ""),
        ));
    }
    if docs.len() != 1 {
        return Err((
            crate::yaml::Pos::new(1, 1),
            format!(
                "a scenario file holds exactly one YAML document, not {}",
                docs.len()
            ),
        ));
    }
    let tree = docs.remove(0);
    let value = tree.to_json().map_err(|e| (e.pos, e.message))?;
    if !value.is_object() {
        // serde would read a list as the struct's fields in order, and complain about
        // the second item: say what the file is instead.
        let what = match &value {
            serde_json::Value::Array(_) => "a list",
            serde_json::Value::Null => "empty",
            _ => "a single value",
        };
        return Err((
            crate::yaml::Pos::new(1, 1),
            format!("a scenario file is a mapping (`scenario:`, `title:`, `steps:` …), but this one is {what}"),
        ));
    }
    serde_path_to_error::deserialize::<_, T>(&value).map_err(|e| {
        let path = e.path().to_string();
        let pos = tree.position_of(if path == "." { "" } else { &path });
        let msg = if path == "." {
            e.inner().to_string()
        } else {
            format!("{path}: {}", e.inner())
        };
        (pos, msg)
    })
}

/// Parses and checks a scenario file.
pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(ScenarioError {
            line: 0,
            column: 0,
            message: format!(
                "scenario is larger than the {} KiB limit",
                MAX_SCENARIO_BYTES / 1024
            ),
        });
    }
    parse_unbounded(text)
}

/// [`parse`] without the size limit (the scenario writer checks what it wrote, whatever
/// its size).
pub(crate) fn parse_unbounded(text: &str) -> Result<Scenario, ScenarioError> {
    let err = |line, column, message: String| ScenarioError {
        line,
        column,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let s: Scenario =
        read_yaml(text).map_err(|(pos, message)| err(pos.line, pos.column, message))?;
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(0, |i| i + 1)
    };
    if s.kubernetes != "1.32" {
        return Err(err(
            line_of("kubernetes:"),
            1,
            format!(
                "kubernetes: only \"1.32\" is simulated, not {:?}",
                s.kubernetes
            ),
        ));
    }
    if s.scenario.is_empty()
        || !s
            .scenario
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(err(
            line_of("scenario:"),
            1,
            "scenario: must be a lowercase id like `partition-canary`".into(),
        ));
    }
    if let Some(Nodes::Count(n)) = s.cluster.nodes {
        if n == 0 || n > MAX_NODES {
            return Err(err(
                line_of("nodes:"),
                1,
                format!("cluster.nodes: must be between 1 and {MAX_NODES}"),
            ));
        }
    }
    if let Some(Nodes::List(l)) = &s.cluster.nodes {
        if l.len() as u32 > MAX_NODES {
            return Err(err(
                line_of("nodes:"),
                1,
                format!("cluster.nodes: at most {MAX_NODES} nodes"),
            ));
        }
    }
    let t = &s.cluster.timing;
    for (name, v) in [
        ("schedule", &t.schedule),
        ("imagePull", &t.image_pull),
        ("containerStart", &t.container_start),
        ("terminate", &t.terminate),
        ("provision", &t.provision),
        ("initRun", &t.init_run),
        ("crashAfter", &t.crash_after),
    ] {
        if let Some(v) = v {
            if SimDuration::parse(v).is_none() {
                return Err(err(
                    line_of(&format!("{name}:")),
                    1,
                    format!(
                        "cluster.timing.{name}: invalid duration {v:?} (use e.g. 500ms, 3s, 1m)"
                    ),
                ));
            }
        }
    }
    for (image, spec) in &s.cluster.images {
        for (key, value, allowed) in [
            ("pull", &spec.pull, &["fails", "ok"][..]),
            ("start", &spec.start, &["crashes", "ok"][..]),
            ("ready", &spec.ready, &["never", "ok"][..]),
        ] {
            if let Some(v) = value {
                if !allowed.contains(&v.as_str()) {
                    return Err(err(line_of(image), 1, format!("cluster.images[{image:?}].{key}: expected one of {allowed:?}, not {v:?}")));
                }
            }
        }
        if let Some(t) = &spec.pull_time {
            if SimDuration::parse(t).is_none() {
                return Err(err(
                    line_of(image),
                    1,
                    format!("cluster.images[{image:?}].pullTime: invalid duration {t:?}"),
                ));
            }
        }
    }
    for c in s.cluster.storage_classes.iter().flatten() {
        if let Some(m) = &c.binding_mode {
            if m != "Immediate" && m != "WaitForFirstConsumer" {
                return Err(err(line_of(m), 1, format!("cluster.storageClasses[{}].bindingMode: expected Immediate or WaitForFirstConsumer, not {m:?}", c.name)));
            }
        }
        if let Some(r) = &c.reclaim_policy {
            if !["Delete", "Retain", "Recycle"].contains(&r.as_str()) {
                return Err(err(line_of(r), 1, format!("cluster.storageClasses[{}].reclaimPolicy: expected Delete, Retain or Recycle, not {r:?}", c.name)));
            }
        }
    }
    for gate in s.cluster.feature_gates.keys() {
        if gate != "MaxUnavailableStatefulSet" {
            return Err(err(line_of(gate), 1, format!("cluster.featureGates: unknown gate {gate:?} (only MaxUnavailableStatefulSet is simulated)")));
        }
    }
    check_steps(&s.steps, text)?;
    Ok(s)
}

fn check_steps(steps: &[Step], text: &str) -> Result<(), ScenarioError> {
    for st in steps {
        match st {
            Step::Wait(Wait::Word(w)) if w != "settled" && SimDuration::parse(w).is_none() => {
                let line = text
                    .lines()
                    .position(|l| l.contains("wait:") && l.contains(w.as_str()))
                    .map_or(0, |i| i + 1);
                return Err(ScenarioError { line, column: 1, message: format!("wait: expected `settled`, a duration like `30s`, {{ready|rollout|gone: NAME}} or {{events: N}}, not {w:?}") });
            }
            Step::Wait(Wait::Until(u)) => {
                if let Some(n) = u.events {
                    let line = text
                        .lines()
                        .position(|l| l.contains("events:") && l.contains(&n.to_string()))
                        .map_or(0, |i| i + 1);
                    let err = |message: String| ScenarioError {
                        line,
                        column: 1,
                        message,
                    };
                    if n == 0 || n > MAX_STEPS_PER_WAIT as u64 {
                        return Err(err(format!(
                            "wait.events: must be between 1 and {MAX_STEPS_PER_WAIT}, not {n}"
                        )));
                    }
                    if u.ready.is_some() || u.rollout.is_some() || u.gone.is_some() {
                        return Err(err(
                            "wait: {events: N} cannot be combined with ready, rollout or gone"
                                .into(),
                        ));
                    }
                }
            }
            Step::Fault(f) => {
                fault_input(f).map_err(|m| {
                    let needle = f
                        .pod
                        .as_deref()
                        .or(f.node.as_deref())
                        .or(f.image.as_deref())
                        .unwrap_or("fault:");
                    let line = text
                        .lines()
                        .position(|l| l.contains("fault:") && l.contains(needle))
                        .map_or(0, |i| i + 1);
                    ScenarioError {
                        line,
                        column: 1,
                        message: m,
                    }
                })?;
            }
            Step::Task(t) => check_steps(&t.solution, text)?,
            _ => {}
        }
    }
    Ok(())
}

/// The fault a scenario's `fault:` step (or the JavaScript API's `fault({...})`) means,
/// or the format's error for a shape it does not accept.
pub fn fault_input(f: &FaultSpec) -> Result<Fault, String> {
    match f {
        FaultSpec { pod: Some(p), fail: Some(true), readiness: None, node: None, image: None, .. } => Ok(Fault::FailPod { pod: p.clone() }),
        FaultSpec { pod: Some(p), readiness: Some(r), fail: None, node: None, image: None, .. } => match r.as_str() {
            "never" => Ok(Fault::Readiness { pod: p.clone(), never: true }),
            "ok" => Ok(Fault::Readiness { pod: p.clone(), never: false }),
            other => Err(format!("fault.readiness: expected `never` or `ok`, not {other:?}")),
        },
        FaultSpec { node: Some(n), down: Some(d), pod: None, image: None, .. } => Ok(Fault::Node { node: n.clone(), down: *d }),
        FaultSpec { image: Some(i), pull: Some(p), pod: None, node: None, .. } => match p.as_str() {
            "fails" => Ok(Fault::ImagePull { image: i.clone(), fails: true }),
            "ok" => Ok(Fault::ImagePull { image: i.clone(), fails: false }),
            other => Err(format!("fault.pull: expected `fails` or `ok`, not {other:?}")),
        },
        _ => Err("fault: expected one of {pod: X, fail: true}, {pod: X, readiness: never|ok}, {node: N, down: true|false}, {image: I, pull: fails|ok}".into()),
    }
}

/// Builds the world a scenario starts from (nodes, classes, settings), before manifests.
pub fn build_world(s: &Scenario) -> World {
    let t = &s.cluster.timing;
    let d = Timing::default();
    let dur = |v: &Option<String>, def: SimDuration| {
        v.as_deref().and_then(SimDuration::parse).unwrap_or(def)
    };
    let timing = Timing {
        schedule: dur(&t.schedule, d.schedule),
        image_pull: dur(&t.image_pull, d.image_pull),
        container_start: dur(&t.container_start, d.container_start),
        terminate: dur(&t.terminate, d.terminate),
        provision: dur(&t.provision, d.provision),
        init_run: dur(&t.init_run, d.init_run),
        crash_after: dur(&t.crash_after, d.crash_after),
        ..d
    };
    let images = s
        .cluster
        .images
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                ImageBehaviour {
                    pull_fails: v.pull.as_deref() == Some("fails"),
                    crashes: v.start.as_deref() == Some("crashes"),
                    never_ready: v.ready.as_deref() == Some("never"),
                    pull: v.pull_time.as_deref().and_then(SimDuration::parse),
                },
            )
        })
        .collect();
    let config = Config {
        timing,
        images,
        gates: FeatureGates {
            max_unavailable_stateful_set: s
                .cluster
                .feature_gates
                .get("MaxUnavailableStatefulSet")
                .copied()
                .unwrap_or(false),
        },
        record_objects: true,
        ..Config::default()
    };
    let mut w = World::new(config, s.seed);
    w.files = s.files.clone();
    let nodes = match &s.cluster.nodes {
        None => (1..=3)
            .map(|i| NodeSpec::named(format!("node-{i}")))
            .collect(),
        Some(Nodes::Count(n)) => (1..=*n)
            .map(|i| NodeSpec::named(format!("node-{i}")))
            .collect(),
        Some(Nodes::List(l)) => l.clone(),
    };
    for n in nodes {
        let allocatable = n
            .capacity
            .iter()
            .filter_map(|(k, q)| {
                let v = if k == "cpu" {
                    crate::quantity::parse_milli(&q.text())
                } else {
                    crate::quantity::parse_bytes(&q.text())
                };
                v.map(|v| (k.as_str(), v))
            })
            .collect::<crate::cluster::scheduler::Resources>();
        let down = n.down;
        let name = n.name.clone();
        w.add_node(Node {
            metadata: ObjectMeta {
                name: n.name,
                labels: n.labels,
                ..ObjectMeta::default()
            },
            taints: n.taints,
            allocatable,
            ready: true,
            ..Node::default()
        });
        if down {
            w.set_node_up(&name, false);
        }
    }
    let classes = s.cluster.storage_classes.clone().unwrap_or_else(|| {
        // Like kind's default class: local volumes, bound once a pod is scheduled.
        vec![ClassSpec {
            name: "standard".into(),
            default: true,
            binding_mode: Some("WaitForFirstConsumer".into()),
            provisioner: None,
            reclaim_policy: None,
        }]
    });
    for c in classes {
        let mut meta = ObjectMeta {
            name: c.name.clone(),
            ..ObjectMeta::default()
        };
        if c.default {
            meta.annotations.insert(
                "storageclass.kubernetes.io/is-default-class".into(),
                "true".into(),
            );
        }
        w.apply_object(crate::manifest::Object::StorageClass(StorageClass {
            metadata: meta,
            provisioner: c
                .provisioner
                .unwrap_or_else(|| "rancher.io/local-path".into()),
            reclaim_policy: Some(c.reclaim_policy.unwrap_or_else(|| "Delete".into())),
            volume_binding_mode: Some(c.binding_mode.unwrap_or_else(|| "Immediate".into())),
        }));
    }
    w
}

impl NodeSpec {
    fn named(name: String) -> NodeSpec {
        NodeSpec {
            name,
            labels: Labels::new(),
            taints: Vec::new(),
            capacity: BTreeMap::new(),
            down: false,
        }
    }
}

/// How a run until settled ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settle {
    /// Nothing pending, every StatefulSet converged.
    Settled,
    /// Nothing will happen by itself, but a StatefulSet has not converged: the reasons.
    Stuck(Vec<String>),
    /// The step limit was reached.
    Limit,
}

/// The most steps one `wait` may take.
pub const MAX_STEPS_PER_WAIT: usize = 2_000_000;

/// Why each StatefulSet has not converged (empty if all have).
pub fn unconverged(w: &World) -> Vec<String> {
    let mut out = Vec::new();
    for (key, set) in &w.sets {
        if set.metadata.terminating() {
            continue;
        }
        let n = set.replicas().max(0);
        let st = &set.status;
        let pods = w.pods_of(key);
        let start = set.start_ordinal();
        let in_range = |p: &Pod| {
            crate::controller::identity::parse_ordinal(&set.metadata.name, &p.metadata.name)
                .is_some_and(|o| o >= start && o < start + n)
        };
        let healthy = pods
            .iter()
            .filter(|p| in_range(p))
            .filter(|p| p.running_and_ready() && !p.metadata.terminating())
            .count() as i32;
        let extra = pods.iter().filter(|p| !in_range(p)).count();
        let partition = set.partition().max(0);
        let outdated = set.strategy() == UpdateStrategyType::RollingUpdate
            && pods.iter().filter(|p| in_range(p)).any(|p| {
                let idx = crate::controller::identity::parse_ordinal(
                    &set.metadata.name,
                    &p.metadata.name,
                )
                .unwrap_or(0)
                    - start;
                idx >= partition && p.revision() != Some(st.update_revision.as_str())
            });
        let observed = st.observed_generation == Some(set.metadata.generation);
        if healthy == n && extra == 0 && !outdated && observed {
            continue;
        }
        let why = w
            .blockers
            .get(key)
            .map(|b| b.en.clone())
            .or_else(|| first_unready_reason(w, &pods))
            .unwrap_or_else(|| format!("{healthy}/{n} pods are Running and Ready"));
        out.push(format!("StatefulSet/{}: {why}", set.metadata.name));
    }
    for d in w.deployments.values() {
        if d.metadata.terminating()
            || d.spec.paused
            || crate::deploy::util::deployment_complete(d, &d.status)
        {
            continue;
        }
        let pods: Vec<&Pod> = w
            .replica_sets_of(d)
            .into_iter()
            .flat_map(|rs| w.pods_of_replica_set(rs))
            .collect();
        let why = first_unready_reason(w, &pods).unwrap_or_else(|| {
            format!(
                "{} of {} replicas are updated and available",
                d.status.available_replicas.min(d.status.updated_replicas),
                d.replicas()
            )
        });
        out.push(format!("Deployment/{}: {why}", d.metadata.name));
    }
    out
}

fn first_unready_reason(w: &World, pods: &[&Pod]) -> Option<String> {
    let p = pods.iter().find(|p| !p.running_and_ready())?;
    let status = crate::printers::pod_status(p);
    let sched = p
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == "PodScheduled" && c.status == "False")
        .and_then(|c| c.message.clone());
    let _ = w;
    Some(match sched {
        Some(m) => format!("{} is Pending: {m}", p.metadata.name),
        None => format!("{} is {status}", p.metadata.name),
    })
}

/// Runs until nothing but background retry loops is pending.
pub fn run_until_settled(tl: &mut Timeline) -> Settle {
    run_until_settled_within(tl, MAX_STEPS_PER_WAIT).0
}

/// [`run_until_settled`] taking at most `max_steps` steps; also returns the steps taken.
/// `Settle::Limit` when the cap was reached first.
pub fn run_until_settled_within(tl: &mut Timeline, max_steps: usize) -> (Settle, usize) {
    let mut steps = 0;
    loop {
        if tl.world().quiet() {
            let why = unconverged(tl.world());
            let end = if why.is_empty() {
                Settle::Settled
            } else {
                Settle::Stuck(why)
            };
            return (end, steps);
        }
        if steps >= max_steps {
            return (Settle::Limit, steps);
        }
        tl.step();
        steps += 1;
    }
}

/// Runs for `d` of virtual time.
pub fn run_for(tl: &mut Timeline, d: SimDuration) {
    let until = tl.world().now + d;
    for _ in 0..MAX_STEPS_PER_WAIT {
        match tl.world().next_time() {
            Some(t) if t <= until => {
                tl.step();
            }
            _ => break,
        }
    }
    if tl.world().now < until {
        tl.input(Input::AdvanceClock(until));
    }
}

/// Runs until `cond` holds or nothing is pending; true if it holds.
pub fn run_until(tl: &mut Timeline, cond: impl Fn(&World) -> bool) -> bool {
    for _ in 0..MAX_STEPS_PER_WAIT {
        if cond(tl.world()) {
            return true;
        }
        if tl.world().quiet() || tl.step().is_none() {
            return cond(tl.world());
        }
    }
    false
}

/// Checks `e` against the world; returns the differences (empty if it holds).
pub fn check(e: &Expect, w: &World, last_settle: Option<&Settle>) -> Vec<String> {
    let mut diffs = Vec::new();
    let ns = DEFAULT_NS.to_string();
    for (name, pe) in &e.pods {
        let pod = w.pods.get(&(ns.clone(), name.clone()));
        let want_exists = pe.exists.unwrap_or(true);
        match (pod, want_exists) {
            (None, true) => {
                diffs.push(format!("pod {name}: expected to exist, but it does not"));
                continue;
            }
            (Some(_), false) => {
                diffs.push(format!("pod {name}: expected not to exist, but it does"));
                continue;
            }
            (None, false) => continue,
            (Some(_), true) => {}
        }
        let Some(pod) = pod else { continue };
        let image = pod.spec.first_image();
        if let Some(i) = &pe.image {
            if i != image {
                diffs.push(format!("pod {name}: image expected {i}, found {image}"));
            }
        }
        if let Some(r) = pe.ready {
            let is = pod.running_and_ready();
            if r != is {
                diffs.push(format!(
                    "pod {name}: ready expected {r}, found {is} (status {})",
                    crate::printers::pod_status(pod)
                ));
            }
        }
        if let Some(s) = &pe.status {
            let is = crate::printers::pod_status(pod);
            if *s != is {
                diffs.push(format!("pod {name}: status expected {s}, found {is}"));
            }
        }
        if let Some(n) = &pe.node {
            let is = pod.node().unwrap_or("<none>");
            if n != is {
                diffs.push(format!("pod {name}: node expected {n}, found {is}"));
            }
        }
        if let Some(c) = &pe.claim {
            let is = pod
                .spec
                .volumes
                .iter()
                .find_map(|v| v.persistent_volume_claim.as_ref())
                .map_or("<none>", |c| c.claim_name.as_str());
            if c != is {
                diffs.push(format!("pod {name}: claim expected {c}, found {is}"));
            }
        }
        if let Some(r) = &pe.revision {
            let owner = w.owner_set_of(pod).and_then(|k| w.sets.get(&k));
            let rev = pod.revision().unwrap_or("");
            let (cur, upd) = owner.map_or(("", ""), |s| {
                (
                    s.status.current_revision.as_str(),
                    s.status.update_revision.as_str(),
                )
            });
            let ok = match r.as_str() {
                "update" => rev == upd,
                "current" => rev == cur,
                "old" => rev != upd,
                lit => rev == lit,
            };
            if !ok {
                let which = if rev == upd {
                    "the update revision"
                } else if rev == cur {
                    "the current revision"
                } else {
                    "another revision"
                };
                diffs.push(format!(
                    "pod {name}: revision expected {r}, found {rev} ({which})"
                ));
            }
        }
    }
    for (name, se) in &e.statefulsets {
        let set = w.sets.get(&(ns.clone(), name.clone()));
        match (set, se.exists.unwrap_or(true)) {
            (None, true) => {
                diffs.push(format!(
                    "statefulset {name}: expected to exist, but it does not"
                ));
                continue;
            }
            (Some(_), false) => {
                diffs.push(format!(
                    "statefulset {name}: expected not to exist, but it does"
                ));
                continue;
            }
            _ => {}
        }
        let Some(set) = set else { continue };
        let st = &set.status;
        for (field, want, is) in [
            ("replicas", se.replicas, st.replicas),
            ("readyReplicas", se.ready_replicas, st.ready_replicas),
            ("currentReplicas", se.current_replicas, st.current_replicas),
            ("updatedReplicas", se.updated_replicas, st.updated_replicas),
            (
                "availableReplicas",
                se.available_replicas,
                st.available_replicas,
            ),
        ] {
            if let Some(want) = want {
                if want != is {
                    diffs.push(format!(
                        "statefulset {name}: status.{field} expected {want}, found {is}"
                    ));
                }
            }
        }
        if let Some(r) = se.rolled_out {
            let is = st.current_revision == st.update_revision;
            if r != is {
                diffs.push(format!(
                    "statefulset {name}: rolledOut expected {r}, found {is} (currentRevision {}, updateRevision {})",
                    st.current_revision, st.update_revision
                ));
            }
        }
        if let Some(n) = se.revisions {
            let is = w.revisions_of(set).len();
            if n != is {
                diffs.push(format!(
                    "statefulset {name}: revisions expected {n}, found {is}"
                ));
            }
        }
        if let Some(p) = se.partition {
            let is = set.partition();
            if p != is {
                diffs.push(format!(
                    "statefulset {name}: partition expected {p}, found {is}"
                ));
            }
        }
        if let Some(want) = &se.image {
            let is = set.spec.template.spec.first_image();
            if want != is {
                diffs.push(format!(
                    "statefulset {name}: image expected {want}, found {is}"
                ));
            }
        }
        if let Some(want) = &se.strategy {
            let is = set.strategy_name();
            if want != is {
                diffs.push(format!(
                    "statefulset {name}: strategy expected {want}, found {is}"
                ));
            }
        }
    }
    for (name, de) in &e.deployments {
        let d = w.deployments.get(&(ns.clone(), name.clone()));
        match (d, de.exists.unwrap_or(true)) {
            (None, true) => {
                diffs.push(format!(
                    "deployment {name}: expected to exist, but it does not"
                ));
                continue;
            }
            (Some(_), false) => {
                diffs.push(format!(
                    "deployment {name}: expected not to exist, but it does"
                ));
                continue;
            }
            _ => {}
        }
        let Some(d) = d else { continue };
        let st = &d.status;
        for (field, want, is) in [
            ("replicas", de.replicas, st.replicas),
            ("readyReplicas", de.ready_replicas, st.ready_replicas),
            ("updatedReplicas", de.updated_replicas, st.updated_replicas),
            (
                "availableReplicas",
                de.available_replicas,
                st.available_replicas,
            ),
        ] {
            if let Some(want) = want {
                if want != is {
                    diffs.push(format!(
                        "deployment {name}: status.{field} expected {want}, found {is}"
                    ));
                }
            }
        }
        if let Some(r) = de.rolled_out {
            let is = matches!(crate::kubectl::deployment_rollout_status(d), Ok((_, true)));
            if r != is {
                diffs.push(format!(
                    "deployment {name}: rolledOut expected {r}, found {is}"
                ));
            }
        }
        if let Some(want) = &de.image {
            let is = d.spec.template.spec.first_image();
            if want != is {
                diffs.push(format!(
                    "deployment {name}: image expected {want}, found {is}"
                ));
            }
        }
        if let Some(n) = de.replica_sets {
            let is = w.replica_sets_of(d).len();
            if n != is {
                diffs.push(format!(
                    "deployment {name}: replicaSets expected {n}, found {is}"
                ));
            }
        }
    }
    for (name, ce) in &e.claims {
        let claim = w.claims.get(&(ns.clone(), name.clone()));
        match (claim, ce.exists.unwrap_or(true)) {
            (None, true) => diffs.push(format!("claim {name}: expected to exist, but it does not")),
            (Some(_), false) => {
                diffs.push(format!("claim {name}: expected not to exist, but it does"))
            }
            (Some(c), true) => {
                if let Some(s) = &ce.status {
                    let is = if c.metadata.terminating() {
                        "Terminating"
                    } else {
                        c.status.phase.as_str()
                    };
                    if s != is {
                        diffs.push(format!("claim {name}: status expected {s}, found {is}"));
                    }
                }
                for (path, want) in &ce.files {
                    match crate::podshell::claim_file(w, &ns, name, path) {
                        None => diffs.push(format!(
                            "claim {name}: file {path} expected on its volume, but there is none"
                        )),
                        Some(text) if !text.contains(want.as_str()) => diffs.push(format!(
                            "claim {name}: file {path} expected to contain {want:?}, found {text:?}"
                        )),
                        Some(_) => {}
                    }
                }
            }
            (None, false) => {}
        }
    }
    for (name, want) in &e.rollout_status {
        match w.sets.get(&(ns.clone(), name.clone())) {
            None => diffs.push(format!("rolloutStatus {name}: statefulset not found")),
            Some(set) => {
                let is = match crate::kubectl::rollout_status(set) {
                    Ok((l, _)) => l,
                    Err(e) => e,
                };
                if want.trim_end() != is.trim_end() {
                    diffs.push(format!(
                        "rolloutStatus {name}: expected {:?}, found {:?}",
                        want.trim_end(),
                        is.trim_end()
                    ));
                }
            }
        }
    }
    for (name, want) in &e.blocked {
        let is = w
            .blockers
            .get(&(ns.clone(), name.clone()))
            .map(|b| b.en.clone())
            .unwrap_or_default();
        let ok = if want.is_empty() {
            is.is_empty()
        } else {
            is.contains(want.as_str())
        };
        if !ok {
            diffs.push(format!("blocked {name}: expected {want:?}, found {is:?}"));
        }
    }
    if let Some(state) = &e.state {
        let is = match last_settle {
            Some(Settle::Settled) => "settled",
            Some(Settle::Stuck(_)) => "stuck",
            Some(Settle::Limit) => "limit",
            None => "unknown (no `wait: settled` before this check)",
        };
        if state != is {
            diffs.push(format!("state: expected {state}, found {is}"));
        }
    }
    for (name, want) in &e.dns {
        let is = !w.resolve(name, &ns).is_empty();
        if *want != is {
            diffs.push(format!(
                "dns {name}: expected {}, found {}",
                if *want { "resolves" } else { "no record" },
                if is { "resolves" } else { "no record" }
            ));
        }
    }
    if let Some(ce) = &e.command {
        let last = w.trace.iter().rev().find_map(|t| match &t.record {
            Record::Command(c) => Some(c),
            _ => None,
        });
        match last {
            None => diffs.push("command: no command has run".into()),
            Some(c) => {
                if let Some(x) = ce.exit {
                    if x != c.exit {
                        diffs.push(format!(
                            "command `{}`: exit expected {x}, found {}",
                            c.command, c.exit
                        ));
                    }
                }
                if let Some(o) = &ce.output {
                    if o.trim_end() != c.output.trim_end() {
                        diffs.push(format!(
                            "command `{}`: output expected {:?}, found {:?}",
                            c.command,
                            o.trim_end(),
                            c.output.trim_end()
                        ));
                    }
                }
                if let Some(sub) = &ce.contains {
                    if !c.output.contains(sub.as_str()) {
                        diffs.push(format!(
                            "command `{}`: output expected to contain {sub:?}, found {:?}",
                            c.command, c.output
                        ));
                    }
                }
                if let Some(pod) = &ce.contains_pod_ip {
                    match w
                        .pods
                        .get(&(ns.clone(), pod.clone()))
                        .and_then(|p| p.status.pod_ip.as_deref())
                    {
                        None => diffs.push(format!(
                            "command `{}`: pod {pod} has no IP to look for",
                            c.command
                        )),
                        Some(ip) => {
                            // A whole-word match: 10.244.1.2 must not match 10.244.1.23.
                            let found = c.output.match_indices(ip).any(|(i, _)| {
                                let after = c.output[i + ip.len()..].chars().next();
                                let before = c.output[..i].chars().next_back();
                                !after.is_some_and(|ch| ch.is_ascii_digit() || ch == '.')
                                    && !before.is_some_and(|ch| ch.is_ascii_digit() || ch == '.')
                            });
                            if !found {
                                diffs.push(format!(
                                    "command `{}`: output expected to contain the IP of pod {pod} ({ip}), found {:?}",
                                    c.command, c.output
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    // Events are matched in the order they were recorded (the trace), so a repeated
    // message can be matched again.
    let recorded: Vec<(&str, &str)> = w
        .trace
        .iter()
        .filter_map(|t| match &t.record {
            Record::Event(ev) => Some((ev.reason.as_str(), ev.message.as_str())),
            _ => None,
        })
        .collect();
    let mut from = 0;
    for msg in &e.events {
        match recorded
            .iter()
            .skip(from)
            .position(|(reason, message)| message.contains(msg.as_str()) || *reason == msg)
        {
            Some(i) => from += i + 1,
            None => diffs.push(format!("events: no event matching {msg:?} (in order)")),
        }
    }
    diffs
}

/// The result of running a scenario.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// The timeline at the end.
    pub timeline: Timeline,
    /// Failed checks: (step number, description).
    pub failures: Vec<(usize, String)>,
}

/// Runs a scenario from the start: manifests, then every step, with task solutions.
/// The trace is in the returned timeline's world.
pub fn run(s: &Scenario) -> RunResult {
    run_with(s, crate::controller::Implementation::Fast)
}

/// [`run`] with a chosen controller implementation (the oracle tests use both).
pub fn run_with(s: &Scenario, implementation: crate::controller::Implementation) -> RunResult {
    let mut w = build_world(s);
    w.config.controller = implementation;
    let mut tl = Timeline::new(w);
    let mut failures = Vec::new();
    let mut last_settle = None;
    if !s.manifests.trim().is_empty() {
        tl.input(Input::Apply(s.manifests.clone()));
    }
    for (i, step) in s.steps.iter().enumerate() {
        run_step(&mut tl, step, i + 1, &mut failures, &mut last_settle, true);
    }
    RunResult {
        timeline: tl,
        failures,
    }
}

fn record(tl: &mut Timeline, ok: bool, detail: String) {
    // Checks are recorded in the trace as they happen (not replayable inputs).
    let w = tl.world_mut_for_records();
    w.push(Record::Expect(ExpectRecord { ok, detail }));
}

/// Runs one step against a timeline.
pub fn run_step(
    tl: &mut Timeline,
    step: &Step,
    n: usize,
    failures: &mut Vec<(usize, String)>,
    last_settle: &mut Option<Settle>,
    solve_tasks: bool,
) {
    match step {
        Step::Say(t) => tl.world_mut_for_records().push(Record::Say(SayRecord {
            en: t.en.clone(),
            zh: t.zh.clone(),
        })),
        Step::Wait(Wait::Word(w)) if w == "settled" => {
            let r = run_until_settled(tl);
            if r == Settle::Limit {
                failures.push((
                    n,
                    format!("wait: settled did not settle within {MAX_STEPS_PER_WAIT} steps"),
                ));
            }
            *last_settle = Some(r);
        }
        Step::Wait(Wait::Word(w)) => {
            if let Some(d) = SimDuration::parse(w) {
                run_for(tl, d);
            }
        }
        Step::Wait(Wait::Until(WaitUntil {
            events: Some(want), ..
        })) => {
            let mut done = 0;
            while done < *want && tl.step().is_some() {
                done += 1;
            }
            if done < *want {
                let detail = format!(
                    "step {n}: waited for {want} events, but the cluster ran out of work after {done}"
                );
                record(tl, false, detail.clone());
                failures.push((n, detail));
            }
        }
        Step::Wait(Wait::Until(u)) => {
            let ns = DEFAULT_NS.to_string();
            let (what, ok) = if let Some(p) = &u.ready {
                let k = (ns, p.clone());
                (
                    format!("pod {p} to be Ready"),
                    run_until(tl, |w| w.pods.get(&k).is_some_and(Pod::running_and_ready)),
                )
            } else if let Some(p) = &u.gone {
                let k = (ns, p.clone());
                (
                    format!("pod {p} to be gone"),
                    run_until(tl, |w| !w.pods.contains_key(&k)),
                )
            } else if let Some(s) = &u.rollout {
                let k = (ns, s.clone());
                (
                    format!("rollout of {s} to complete"),
                    run_until(tl, |w| {
                        w.sets.get(&k).is_some_and(|set| {
                            matches!(crate::kubectl::rollout_status(set), Ok((_, true)))
                        })
                    }),
                )
            } else {
                ("nothing".into(), true)
            };
            if !ok {
                let detail =
                    format!("step {n}: waited for {what}, but the cluster settled without it");
                record(tl, false, detail.clone());
                failures.push((n, detail));
            }
        }
        Step::Kubectl(c) => {
            tl.input(Input::Kubectl(c.clone()));
        }
        Step::Apply(m) => {
            tl.input(Input::Apply(m.clone()));
        }
        Step::Fault(f) => match fault_input(f) {
            Ok(fault) => {
                tl.input(Input::Fault(fault));
            }
            Err(e) => failures.push((n, e)),
        },
        Step::Expect(e) => {
            let diffs = check(e, tl.world(), last_settle.as_ref());
            let ok = diffs.is_empty();
            let detail = if ok {
                format!("step {n}: as expected")
            } else {
                format!("step {n}: {}", diffs.join("; "))
            };
            record(tl, ok, detail.clone());
            if !ok {
                failures.push((n, detail));
            }
        }
        Step::Task(t) => {
            if solve_tasks {
                for s in &t.solution {
                    run_step(tl, s, n, failures, last_settle, true);
                }
                let r = run_until_settled(tl);
                *last_settle = Some(r);
            }
            let diffs = check(&t.until, tl.world(), last_settle.as_ref());
            let ok = diffs.is_empty();
            let detail = if ok {
                format!("step {n}: task done: {}", t.prompt.en)
            } else {
                format!(
                    "step {n}: task not done ({}): {}",
                    t.prompt.en,
                    diffs.join("; ")
                )
            };
            record(tl, ok, detail.clone());
            if !ok {
                failures.push((n, detail));
            }
        }
    }
}
