//! Commands that block while the cluster changes: `kubectl wait` and (watching)
//! `kubectl rollout status`.
//!
//! `kubectl::run` cannot advance time, so such a command returns a [`WaitRequest`] in its
//! [`crate::api::Outcome`]. The world keeps it as a [`PendingWait`] (part of the state,
//! so replay reproduces it) and checks it after every step and clock advance, writing
//! what kubectl prints into the command's trace record as it goes. The
//! [`crate::timeline::Timeline`] (and so the scenario runner) drives the simulation
//! until the wait ends: the condition holds, `--timeout` passes, or (for `rollout status`
//! without a timeout) nothing more can happen by itself. A new input interrupts it like
//! Ctrl-C would.
//!
//! Messages: `kubectl/pkg/cmd/wait/wait.go` (`pod/web-0 condition met`, `timed out
//! waiting for the condition on pods/web-0` — `wait.ErrWaitTimeout` extended by
//! `extendErrWaitTimeout` —, `condition not met for pods/web-0` with `--timeout=0`,
//! `no matching resources found`, default timeout 30s, negative means a week) and K-10.

use serde_json::Value;

use super::args::{flag, val, Args, Flag};
use super::get::{self, Filters, Selection};
use super::jsonpath::{self, Template};
use super::output;
use super::resources::{self, Res, View};
use super::Out;
use crate::time::{SimDuration, SimTime};
use crate::trace::Record;
use crate::world::World;

pub const FLAGS: &[Flag] = &[
    val("for", None),
    val("timeout", None),
    val("selector", Some('l')),
    flag("all", None),
    flag("all-namespaces", Some('A')),
    val("filename", Some('f')),
    val("output", Some('o')),
];

#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    res: Res,
    ns: String,
    name: String,
    /// The uid seen when the wait started (`--for=delete` also ends when it changes).
    uid: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Cond {
    Delete,
    Condition {
        name: String,
        value: String,
    },
    JsonPath {
        expr: Template,
        value: Option<String>,
    },
    /// `rollout status`: one line per write of the set, until done (K-10).
    Rollout {
        last_rv: String,
    },
}

/// What a blocking command waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitRequest {
    targets: Vec<Target>,
    cond: Cond,
    /// `None`: no timeout.
    timeout: Option<SimDuration>,
}

impl WaitRequest {
    /// `rollout status` on a set that is not done yet.
    pub fn rollout(
        ns: &str,
        name: &str,
        set: &crate::model::StatefulSet,
        timeout: Option<i64>,
    ) -> WaitRequest {
        WaitRequest {
            targets: vec![Target {
                res: Res::StatefulSet,
                ns: ns.to_string(),
                name: name.to_string(),
                uid: Some(set.metadata.uid.clone()),
            }],
            cond: Cond::Rollout {
                last_rv: set.metadata.resource_version.clone(),
            },
            timeout: timeout
                .filter(|t| *t > 0)
                .map(|t| SimDuration::from_millis(t as u64)),
        }
    }
}

impl WaitRequest {
    /// `rollout status` on a Deployment that is not done yet.
    pub fn rollout_deployment(
        ns: &str,
        name: &str,
        d: &crate::model::Deployment,
        timeout: Option<i64>,
    ) -> WaitRequest {
        WaitRequest {
            targets: vec![Target {
                res: Res::Deployment,
                ns: ns.to_string(),
                name: name.to_string(),
                uid: Some(d.metadata.uid.clone()),
            }],
            cond: Cond::Rollout {
                last_rv: d.metadata.resource_version.clone(),
            },
            timeout: timeout
                .filter(|t| *t > 0)
                .map(|t| SimDuration::from_millis(t as u64)),
        }
    }
}

/// A blocking command in progress (held by the world).
#[derive(Clone, Debug, PartialEq)]
pub struct PendingWait {
    req: WaitRequest,
    /// Index of the command's trace record.
    record: usize,
    deadline: Option<SimTime>,
    next: usize,
    output: String,
}

impl PendingWait {
    /// When the wait gives up, if ever.
    pub fn deadline(&self) -> Option<SimTime> {
        self.deadline
    }
    /// The index of the command's record in the trace.
    pub fn record(&self) -> usize {
        self.record
    }
}

/// What `rollout status` says in the playground when the rollout cannot finish by itself
/// (kubectl would wait forever).
const STUCK_NOTE: &str = "note: nothing more will happen by itself (the cluster is settled or stuck), so this playground stops waiting here; kubectl would keep waiting until interrupted\n";

/// Go's `time.ParseDuration` for `--timeout`, in milliseconds (negative allowed).
pub fn go_duration(s: &str, flag: &str) -> Result<i64, String> {
    let err = |why: &str| {
        format!("error: invalid argument \"{s}\" for \"--{flag}\" flag: time: {why} \"{s}\"")
    };
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body == "0" {
        return Ok(0);
    }
    if body.is_empty() {
        return Err(err("invalid duration"));
    }
    let mut total = 0f64;
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
            i += 1;
        }
        if start == i {
            return Err(err("invalid duration"));
        }
        let num: f64 = chars[start..i]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| err("invalid duration"))?;
        let ustart = i;
        while i < chars.len() && !(chars[i].is_ascii_digit() || chars[i] == '.') {
            i += 1;
        }
        let unit: String = chars[ustart..i].iter().collect();
        let ms = match unit.as_str() {
            "" => return Err(err("missing unit in duration")),
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 6e4,
            "h" => 3.6e6,
            other => {
                return Err(format!(
                    "error: invalid argument \"{s}\" for \"--{flag}\" flag: time: unknown unit \"{other}\" in duration \"{s}\""
                ))
            }
        };
        total += num * ms;
    }
    let ms = total.round() as i64;
    Ok(if neg { -ms } else { ms })
}

/// `kubectl wait`.
pub(crate) fn wait(world: &World, a: &Args, ns: &str) -> Result<Out, String> {
    let for_ = a.get("for").unwrap_or("");
    let cond = if for_.eq_ignore_ascii_case("delete") {
        Cond::Delete
    } else if let Some(c) = for_.strip_prefix("condition=") {
        let (name, value) = c.split_once('=').unwrap_or((c, "true"));
        Cond::Condition {
            name: name.to_string(),
            value: value.to_string(),
        }
    } else if let Some(j) = for_.strip_prefix("jsonpath=") {
        let parts: Vec<&str> = j.split('=').collect();
        if parts.len() > 2 {
            return Err("error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'".into());
        }
        let relaxed = jsonpath::relaxed(parts[0]).map_err(|e| format!("error: {e}"))?;
        let expr = jsonpath::parse(&relaxed).map_err(|e| format!("error: {e}"))?;
        let value = match parts.get(1) {
            Some(&"") => return Err("error: jsonpath wait value cannot be empty".into()),
            Some(v) => Some(v.trim_matches(['\'', '"']).to_string()),
            None => None,
        };
        Cond::JsonPath { expr, value }
    } else {
        return Err(format!("error: unrecognized condition: \"{for_}\""));
    };
    let timeout_ms = match a.get("timeout") {
        Some(t) => go_duration(t, "timeout")?,
        None => 30_000,
    };
    let timeout = if timeout_ms < 0 {
        SimDuration::from_secs(168 * 3600)
    } else {
        SimDuration::from_millis(timeout_ms as u64)
    };
    let sel = get::select(&a.pos, "wait")?;
    let mut targets = Vec::new();
    match sel {
        Selection::Named(named) => {
            for (r, n) in named {
                match resources::find(world, r, ns, &n) {
                    Some(v) => targets.push(Target {
                        res: r,
                        ns: ns.to_string(),
                        name: n,
                        uid: v.meta().map(|m| m.uid.clone()),
                    }),
                    None if cond == Cond::Delete => {}
                    None => return Err(get::not_found(r, &n)),
                }
            }
        }
        Selection::Types(types) => {
            let filters = Filters::from_args(a, types.first().copied())?;
            if !a.on("all") && filters.selector.is_none() {
                return Err("error: resource(s) were provided, but no name was specified".into());
            }
            for r in types {
                for v in resources::list(world, r, Some(ns)) {
                    if filters.matches(&v) {
                        targets.push(Target {
                            res: r,
                            ns: v.namespace(),
                            name: v.name(),
                            uid: v.meta().map(|m| m.uid.clone()),
                        });
                    }
                }
            }
            if targets.is_empty() && cond != Cond::Delete {
                return Err("error: no matching resources found".into());
            }
        }
    }
    let mut out = Out::default();
    if targets.is_empty() {
        return Ok(out);
    }
    let req = WaitRequest {
        targets,
        cond,
        timeout: Some(timeout),
    };
    if timeout_ms == 0 {
        // `--timeout=0`: check once.
        for t in &req.targets {
            if met(world, &req.cond, t) {
                out.print(&format!(
                    "{}/{} condition met\n",
                    t.res.kind_group(),
                    t.name
                ));
            } else {
                out.eprint(&format!(
                    "error: condition not met for {}/{}\n",
                    t.res.plural_group(),
                    t.name
                ));
                out.exit = 1;
                return Ok(out);
            }
        }
        return Ok(out);
    }
    out.wait = Some(req);
    Ok(out)
}

fn met(world: &World, cond: &Cond, t: &Target) -> bool {
    let view = resources::find(world, t.res, &t.ns, &t.name);
    match cond {
        Cond::Delete => match &view {
            None => true,
            Some(v) => v
                .meta()
                .map(|m| Some(m.uid.clone()) != t.uid)
                .unwrap_or(false),
        },
        Cond::Condition { name, value } => view.is_some_and(|v| condition_holds(&v, name, value)),
        Cond::JsonPath { expr, value } => view.is_some_and(|v| {
            let obj = output::to_json(&v);
            match expr.first_values(&obj) {
                Ok(vals) if !vals.is_empty() => match value {
                    None => true,
                    Some(want) => {
                        let v = &vals[0];
                        !matches!(v, Value::Object(_) | Value::Array(_))
                            && jsonpath::print_value(v).trim() == want.trim()
                    }
                },
                _ => false,
            }
        }),
        Cond::Rollout { .. } => false,
    }
}

fn condition_holds(v: &View<'_>, name: &str, value: &str) -> bool {
    let obj = output::to_json(v);
    let Some(conds) = obj.pointer("/status/conditions").and_then(Value::as_array) else {
        return false;
    };
    for c in conds {
        let ty = c.get("type").and_then(Value::as_str).unwrap_or("");
        if !ty.eq_ignore_ascii_case(name) {
            continue;
        }
        let status = c.get("status").and_then(Value::as_str).unwrap_or("");
        return status.eq_ignore_ascii_case(value);
    }
    false
}

impl World {
    /// Starts a blocking command whose trace record is at `record`.
    pub(crate) fn start_wait(&mut self, req: WaitRequest, record: usize, output: String) {
        let deadline = req.timeout.map(|t| self.now + t);
        self.pending_wait = Some(PendingWait {
            req,
            record,
            deadline,
            next: 0,
            output,
        });
        self.poll_wait();
    }

    fn write_wait_record(&mut self, output: &str, exit: i32) {
        let Some(w) = &self.pending_wait else {
            return;
        };
        let idx = w.record;
        if let Some(Record::Command(c)) = self.trace.get_mut(idx).map(|e| &mut e.record) {
            c.output = output.strip_suffix('\n').unwrap_or(output).to_string();
            c.exit = exit;
        }
    }

    fn finish_wait(&mut self, extra: &str, exit: i32) {
        let Some(mut w) = self.pending_wait.clone() else {
            return;
        };
        w.output.push_str(extra);
        self.pending_wait = Some(w.clone());
        self.write_wait_record(&w.output, exit);
        self.pending_wait = None;
    }

    /// Re-checks the pending wait (after a step or a clock advance).
    pub(crate) fn poll_wait(&mut self) {
        let Some(mut w) = self.pending_wait.clone() else {
            return;
        };
        if let Cond::Rollout { last_rv } = &w.req.cond {
            let Some(t) = w.req.targets.first().cloned() else {
                self.pending_wait = None;
                return;
            };
            let key = (t.ns.clone(), t.name.clone());
            // (uid, resourceVersion, the status viewer's answer) of the watched object.
            let seen = match t.res {
                Res::Deployment => self.deployments.get(&key).map(|d| {
                    (
                        d.metadata.uid.clone(),
                        d.metadata.resource_version.clone(),
                        super::mutate::deployment_rollout_status(d),
                    )
                }),
                _ => self.sets.get(&key).map(|s| {
                    (
                        s.metadata.uid.clone(),
                        s.metadata.resource_version.clone(),
                        super::mutate::rollout_status(s),
                    )
                }),
            };
            let Some((_, rv, status)) = seen.filter(|(uid, _, _)| Some(uid) == t.uid.as_ref())
            else {
                self.pending_wait = Some(w);
                self.finish_wait("error: object has been deleted\n", 1);
                return;
            };
            if rv != *last_rv {
                w.req.cond = Cond::Rollout { last_rv: rv };
                match status {
                    Ok((line, done)) => {
                        w.output.push_str(&line);
                        self.pending_wait = Some(w.clone());
                        if done {
                            self.finish_wait("", 0);
                            return;
                        }
                        self.write_wait_record(&w.output, 0);
                    }
                    Err(e) => {
                        self.pending_wait = Some(w);
                        self.finish_wait(&format!("{e}\n"), 1);
                        return;
                    }
                }
            }
            if w.deadline.is_some_and(|d| self.now >= d) {
                self.pending_wait = Some(w);
                self.finish_wait("error: timed out waiting for the condition\n", 1);
                return;
            }
            let stuck = w.deadline.is_none() && self.quiet();
            self.pending_wait = Some(w);
            if stuck {
                self.finish_wait(STUCK_NOTE, 1);
            }
            return;
        }
        let mut changed = false;
        while let Some(t) = w.req.targets.get(w.next).cloned() {
            if !met(self, &w.req.cond, &t) {
                break;
            }
            w.output.push_str(&format!(
                "{}/{} condition met\n",
                t.res.kind_group(),
                t.name
            ));
            w.next += 1;
            changed = true;
        }
        self.pending_wait = Some(w.clone());
        if w.next >= w.req.targets.len() {
            self.finish_wait("", 0);
            return;
        }
        if w.deadline.is_some_and(|d| self.now >= d) {
            let t = &w.req.targets[w.next];
            let msg = format!(
                "error: timed out waiting for the condition on {}/{}\n",
                t.res.plural_group(),
                t.name
            );
            self.finish_wait(&msg, 1);
            return;
        }
        if changed {
            self.write_wait_record(&w.output, 0);
        }
    }

    /// Ends a pending wait as if interrupted (Ctrl-C) or abandoned.
    pub(crate) fn interrupt_wait(&mut self, note: &str) {
        if self.pending_wait.is_some() {
            self.finish_wait(note, 130);
        }
    }

    /// The pending wait, if a blocking command is running.
    pub fn pending_wait(&self) -> Option<&PendingWait> {
        self.pending_wait.as_ref()
    }

    /// Called before a step processes work due at `at`: a wait whose deadline passed
    /// before that times out first.
    pub(crate) fn wait_deadline_before(&mut self, at: SimTime) {
        let due = self
            .pending_wait
            .as_ref()
            .and_then(|w| w.deadline)
            .is_some_and(|d| d < at);
        if due {
            let now = self.now;
            if let Some(d) = self.pending_wait.as_ref().and_then(|w| w.deadline) {
                self.now = d.max(now);
            }
            self.poll_wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse_like_go_durations() {
        assert_eq!(go_duration("60s", "timeout"), Ok(60_000));
        assert_eq!(go_duration("1m30s", "timeout"), Ok(90_000));
        assert_eq!(go_duration("1.5s", "timeout"), Ok(1_500));
        assert_eq!(go_duration("0", "timeout"), Ok(0));
        assert_eq!(go_duration("-1s", "timeout"), Ok(-1_000));
        assert_eq!(
            go_duration("60", "timeout").unwrap_err(),
            "error: invalid argument \"60\" for \"--timeout\" flag: time: missing unit in duration \"60\""
        );
        assert!(go_duration("5x", "timeout").is_err());
        assert!(go_duration("", "timeout").is_err());
    }
}
