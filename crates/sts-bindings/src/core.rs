//! The playground behind the JavaScript API, in plain Rust: no JS type appears here, so
//! every rule (options, errors, what a call returns) is tested natively. Values cross
//! as `serde_json::Value` (options in, results out); `lib.rs` turns them into JS
//! objects. Everything is done with the engine's own APIs (`scenario`, `Timeline`,
//! `shell`, `trace`), the same calls the `sts` CLI makes, so the same scenario and
//! seed give the same trace (the headless contract of the scenario format).

use serde_json::{json, Map, Value};
use sts_engine::api::DEFAULT_NS;
use sts_engine::builtin;
use sts_engine::controller::Implementation;
use sts_engine::scenario::{self, ClusterSpec, FaultSpec, Nodes, Scenario, Settle, Text};
use sts_engine::timeline::{Fault, Input, Timeline};
use sts_engine::trace;
use sts_engine::world::World;

/// Nodes of a cluster made by `loadManifests` (and `new Playground()`) unless told.
pub const DEFAULT_NODES: u64 = 3;
/// Events one `runUntilSettled()` takes at most unless told: the web page's cap per
/// click, so a caller on the main thread stays responsive; call again to go on.
pub const DEFAULT_SETTLE_EVENTS: u64 = 200_000;
/// The most events one call may ask for (`step(n)`, `runUntilSettled({maxEvents})`):
/// the engine's cap for one wait.
pub const MAX_EVENTS: u64 = scenario::MAX_STEPS_PER_WAIT as u64;

/// A loaded scenario (or a cluster made from manifests) and its timeline.
pub struct Core {
    /// The scenario id (`custom` for manifests).
    id: String,
    /// How the CLI would name the input in its messages (`scenarios/ID.yaml` or `STDIN`).
    source: String,
    scenario: Scenario,
    tl: Timeline,
}

/// The scenario a cluster made from manifests is: `nodes` nodes, the default storage
/// class and timing, no steps.
fn custom(manifests: &str, nodes: u32, seed: u64) -> Scenario {
    Scenario {
        scenario: "custom".into(),
        title: Text {
            en: "Custom manifests".into(),
            zh: "自定义清单".into(),
        },
        summary: None,
        lesson: None,
        kubernetes: "1.32".into(),
        seed,
        cluster: ClusterSpec {
            nodes: Some(Nodes::Count(nodes)),
            ..ClusterSpec::default()
        },
        manifests: manifests.to_string(),
        files: Default::default(),
        steps: Vec::new(),
    }
}

/// The options object of `what`: `null`/`undefined` is no options; anything else must
/// be an object whose keys are all in `allowed` (strict, like the scenario format).
fn options<'a>(
    v: &'a Value,
    what: &str,
    allowed: &[&str],
) -> Result<Option<&'a Map<String, Value>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Object(m) => {
            if let Some(k) = m.keys().find(|k| !allowed.contains(&k.as_str())) {
                return Err(format!(
                    "{what}: unknown option {k:?} (expected {})",
                    allowed.join(", ")
                ));
            }
            Ok(Some(m))
        }
        other => Err(format!(
            "{what}: options must be an object like {{{}: …}}, not {other}",
            allowed.first().copied().unwrap_or("")
        )),
    }
}

/// An option that must be an integer from `min` to `max`; `None` when absent.
fn integer(
    m: Option<&Map<String, Value>>,
    key: &str,
    what: &str,
    min: u64,
    max: u64,
) -> Result<Option<u64>, String> {
    let Some(v) = m.and_then(|m| m.get(key)) else {
        return Ok(None);
    };
    if v.is_null() {
        return Ok(None);
    }
    match v.as_u64() {
        Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "{what}: {key} must be an integer from {min} to {max}, not {v}"
        )),
    }
}

/// A count argument (`step(n)`, `back(n)`): absent means 1.
pub fn count(v: &Value, what: &str, max: u64) -> Result<u64, String> {
    match v {
        Value::Null => Ok(1),
        v => match v.as_u64() {
            Some(n) if n <= max => Ok(n),
            _ => Err(format!(
                "{what}: expected an integer from 0 to {max}, not {v}"
            )),
        },
    }
}

/// `STDIN:LINE:COL: error: …` lines for every error the engine's editor diagnostics
/// find in `text` against `world` (kubectl's and the API server's words), or `Ok`.
fn refuse_manifests(world: &World, text: &str, prefix: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        // kubectl apply -f of an empty stream (`apply.go`, `o.objects` empty).
        return Err("error: no objects passed to apply".into());
    }
    let errors: Vec<String> = world
        .diagnose(text)
        .iter()
        .filter(|d| d.severity == sts_engine::diagnose::Severity::Error)
        .map(|d| format!("{prefix}{}", d.render()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

/// A timeline on the scenario's cluster with its manifests applied as the first input,
/// exactly as `sts run` starts one (`scenario::run_with`).
fn start(s: &Scenario) -> Timeline {
    let mut w = scenario::build_world(s);
    w.config.controller = Implementation::Fast;
    let mut tl = Timeline::new(w);
    if !s.manifests.trim().is_empty() {
        tl.input(Input::Apply(s.manifests.clone()));
    }
    tl
}

fn outcome(o: &sts_engine::api::Outcome) -> Value {
    let mut v = json!({"output": o.output, "exit": o.exit});
    if let Some(edit) = &o.edit {
        v["edit"] = json!(edit);
    }
    v
}

fn settle_word(s: &Settle) -> &'static str {
    match s {
        Settle::Settled => "settled",
        Settle::Stuck(_) => "stuck",
        Settle::Limit => "limit",
    }
}

impl Default for Core {
    fn default() -> Self {
        Core::new()
    }
}

impl Core {
    /// An empty cluster of [`DEFAULT_NODES`] nodes, nothing applied.
    pub fn new() -> Core {
        let s = custom("", DEFAULT_NODES as u32, 0);
        Core {
            id: s.scenario.clone(),
            source: "STDIN".into(),
            tl: start(&s),
            scenario: s,
        }
    }

    /// The built-in scenarios: `[{id, title: {en, zh}, summary, lesson}]`, by id.
    pub fn scenarios() -> Value {
        json!(builtin::catalog())
    }

    /// Loads a built-in scenario by id, or a scenario file's text. The cluster is built
    /// and the manifests applied (position 1, as `sts run` starts); the steps wait for
    /// [`Core::run_scenario`]. Options: `seed`.
    pub fn load_scenario(&mut self, source: &str, opts: &Value) -> Result<Value, String> {
        let o = options(opts, "loadScenario", &["seed"])?;
        let seed = integer(o, "seed", "loadScenario", 0, u64::MAX)?;
        let is_id = !source.is_empty()
            && source
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let (text, path) = if is_id {
            let Some(text) = builtin::scenario_source(source) else {
                let ids: Vec<&str> = builtin::SCENARIOS.iter().map(|(id, _)| *id).collect();
                return Err(format!(
                    "unknown scenario {source:?}: the built-in scenarios are {}",
                    ids.join(", ")
                ));
            };
            (text, format!("scenarios/{source}.yaml"))
        } else {
            (source, "STDIN".to_string())
        };
        // The CLI's form (`sts run FILE`): `FILE:LINE:COL: error: …`.
        let mut s = scenario::parse(text).map_err(|e| {
            if e.line > 0 {
                format!("{path}:{}:{}: error: {}", e.line, e.column, e.message)
            } else {
                format!("{path}: error: {}", e.message)
            }
        })?;
        if let Some(seed) = seed {
            s.seed = seed;
        }
        if !s.manifests.trim().is_empty() {
            // As `sts validate` reports a scenario's manifests.
            refuse_manifests(
                &scenario::build_world(&s),
                &s.manifests,
                &format!("{path}: manifests:"),
            )?;
        }
        self.tl = start(&s);
        self.id = s.scenario.clone();
        self.source = path;
        self.scenario = s;
        Ok(self.loaded())
    }

    /// A cluster of `nodes` nodes (default 3) with `yaml` applied like
    /// `kubectl apply -f -`. Options: `nodes`, `seed`. Any error in the stream refuses
    /// the whole load (nothing changes).
    pub fn load_manifests(&mut self, yaml: &str, opts: &Value) -> Result<Value, String> {
        let o = options(opts, "loadManifests", &["nodes", "seed"])?;
        let nodes = integer(
            o,
            "nodes",
            "loadManifests",
            1,
            u64::from(scenario::MAX_NODES),
        )?
        .unwrap_or(DEFAULT_NODES);
        let seed = integer(o, "seed", "loadManifests", 0, u64::MAX)?.unwrap_or(0);
        let s = custom(yaml, nodes as u32, seed);
        refuse_manifests(&scenario::build_world(&s), yaml, "STDIN:")?;
        let tl = start(&s);
        // Whatever the diagnostics did not foresee, the apply's own answer refuses.
        if let Some(sts_engine::trace::Record::Command(c)) = tl
            .world()
            .trace
            .iter()
            .map(|e| &e.record)
            .find(|r| matches!(r, sts_engine::trace::Record::Command(_)))
        {
            if c.exit != 0 {
                return Err(c.output.clone());
            }
        }
        self.tl = tl;
        self.id = s.scenario.clone();
        self.source = "STDIN".into();
        self.scenario = s;
        Ok(self.loaded())
    }

    fn loaded(&self) -> Value {
        json!({
            "scenario": self.id,
            "title": self.scenario.title,
            "seed": self.scenario.seed,
            "steps": self.scenario.steps.len(),
            "position": self.tl.position(),
        })
    }

    /// Processes up to `n` events; returns how many were processed (fewer when nothing
    /// is pending).
    pub fn step(&mut self, n: u64) -> u64 {
        let mut done = 0;
        while done < n && self.tl.step().is_some() {
            done += 1;
        }
        done
    }

    /// Steps until a StatefulSet sync issues API writes: `{acted, steps}`; `acted` is
    /// false when the cluster went quiet first.
    pub fn next_action(&mut self) -> Value {
        let before = self.tl.position();
        let acted = self.tl.step_to_controller_action().is_some();
        json!({"acted": acted, "steps": self.tl.position() - before})
    }

    /// Goes back `n` entries (steps or inputs); returns the new position.
    pub fn back(&mut self, n: u64) -> usize {
        let to = self
            .tl
            .position()
            .saturating_sub(usize::try_from(n).unwrap_or(usize::MAX));
        self.tl.seek(to);
        self.tl.position()
    }

    /// Moves to `position` (clamped to the recorded length); returns the position.
    pub fn seek(&mut self, position: u64) -> usize {
        self.tl
            .seek(usize::try_from(position).unwrap_or(usize::MAX));
        self.tl.position()
    }

    /// Runs until nothing but retry loops is pending, at most `maxEvents` events:
    /// `{result: "settled"|"stuck"|"limit", steps, reasons}`; `reasons` says, for
    /// `stuck`, why each StatefulSet or Deployment has not converged.
    pub fn run_until_settled(&mut self, opts: &Value) -> Result<Value, String> {
        let o = options(opts, "runUntilSettled", &["maxEvents"])?;
        let max = integer(o, "maxEvents", "runUntilSettled", 0, MAX_EVENTS)?
            .unwrap_or(DEFAULT_SETTLE_EVENTS);
        let (end, steps) = scenario::run_until_settled_within(&mut self.tl, max as usize);
        let reasons = match &end {
            Settle::Stuck(why) => why.clone(),
            _ => Vec::new(),
        };
        Ok(json!({"result": settle_word(&end), "steps": steps, "reasons": reasons}))
    }

    /// Runs a command line in the playground's shell (kubectl, pipes, loops, `kubectl
    /// exec`), as `sts shell` does: `{output, exit}` (plus `edit`, the buffer of a
    /// `kubectl edit`). A blocking command (`kubectl wait`, `rollout status`) runs the
    /// simulation until it ends. A line the shell would refuse (syntax, an unknown
    /// kubectl command) is an error and is not recorded.
    pub fn kubectl(&mut self, line: &str) -> Result<Value, String> {
        if let Some(why) = sts_engine::shell::refusal(self.tl.world(), line) {
            return Err(why);
        }
        Ok(outcome(&self.tl.input(Input::Kubectl(line.to_string()))))
    }

    /// `kubectl apply -f -` of `yaml`: `{output, exit}`. Errors the editor's diagnostics
    /// find (YAML, unknown fields, validation, against the live cluster) refuse the whole
    /// stream and nothing is applied.
    pub fn apply(&mut self, yaml: &str) -> Result<Value, String> {
        refuse_manifests(self.tl.world(), yaml, "STDIN:")?;
        Ok(outcome(&self.tl.input(Input::Apply(yaml.to_string()))))
    }

    /// Injects a fault, given in the scenario format's `fault:` shapes:
    /// `{pod, fail: true}`, `{pod, readiness: "never"|"ok"}`, `{node, down}`,
    /// `{image, pull: "fails"|"ok"}`.
    pub fn fault(&mut self, spec: &Value) -> Result<Value, String> {
        let f: FaultSpec =
            serde_json::from_value(spec.clone()).map_err(|e| format!("fault: {e}"))?;
        let fault = scenario::fault_input(&f)?;
        let w = self.tl.world();
        // The engine's answer for a missing object (`timeline.rs`, `inject`), given
        // before anything is recorded.
        let missing = match &fault {
            Fault::FailPod { pod } | Fault::Readiness { pod, .. } => {
                (!w.pods.contains_key(&(DEFAULT_NS.to_string(), pod.clone())))
                    .then(|| format!("pods \"{pod}\""))
            }
            Fault::Node { node, .. } => {
                (!w.nodes.contains_key(node)).then(|| format!("nodes \"{node}\""))
            }
            Fault::ImagePull { .. } => None,
        };
        if let Some(what) = missing {
            return Err(format!("Error from server (NotFound): {what} not found"));
        }
        Ok(outcome(&self.tl.input(Input::Fault(fault))))
    }

    /// Plays the loaded scenario's steps at the cursor (commands, waits, faults,
    /// checks, tasks with their solutions), as `sts run` does after the manifests:
    /// `{ok, failures: [{step, detail}]}`.
    pub fn run_scenario(&mut self) -> Value {
        let mut failures = Vec::new();
        let mut last = None;
        for (i, step) in self.scenario.steps.iter().enumerate() {
            scenario::run_step(&mut self.tl, step, i + 1, &mut failures, &mut last, true);
        }
        json!({"ok": failures.is_empty(), "failures": failure_list(&failures)})
    }

    /// What `sts check` says about the loaded scenario, from a fresh run (the
    /// playground is not changed): `{ok, checks, steps, failures, summary}`, `summary`
    /// being the CLI's line.
    pub fn check(&self) -> Value {
        let r = scenario::run_with(&self.scenario, Implementation::Fast);
        let w = r.timeline.world();
        let checks = w
            .trace
            .iter()
            .filter(|e| matches!(e.record, trace::Record::Expect(_)))
            .count();
        let file = &self.source;
        let summary = match r.failures.first() {
            Some((step, detail)) => format!("FAIL {file}: step {step}: {detail}"),
            None => format!(
                "ok   {file} ({checks} checks, {} steps of simulation)",
                w.steps
            ),
        };
        json!({
            "ok": r.failures.is_empty(),
            "checks": checks,
            "steps": w.steps,
            "failures": failure_list(&r.failures),
            "summary": summary,
        })
    }

    /// The trace from entry `since` on, as one JSON array: each element is the object
    /// `sts run --output json` prints as a line.
    pub fn trace_json(&self, since: u64) -> String {
        let t = &self.tl.world().trace;
        let from = usize::try_from(since).unwrap_or(usize::MAX).min(t.len());
        serde_json::to_string(&t[from..]).unwrap_or_else(|_| "[]".into())
    }

    /// The state at the cursor as plain data (see the README's JavaScript API).
    pub fn snapshot(&self) -> Value {
        Value::Object(trace::snapshot(&self.id, self.scenario.seed, &self.tl))
    }

    /// What a `change` subscriber receives after a mutating call named `action`.
    pub fn summary(&self, action: &str) -> Value {
        let w = self.tl.world();
        json!({
            "action": action,
            "time": w.now.0,
            "position": self.tl.position(),
            "length": self.tl.len(),
            "traceLength": w.trace.len(),
            "quiet": w.quiet(),
        })
    }

    /// The timeline (for tests and the wasm layer).
    pub fn timeline(&self) -> &Timeline {
        &self.tl
    }
}

fn failure_list(f: &[(usize, String)]) -> Value {
    json!(f
        .iter()
        .map(|(step, detail)| json!({"step": step, "detail": detail}))
        .collect::<Vec<_>>())
}

#[cfg(test)]
mod tests;
