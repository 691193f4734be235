//! Export: a playground session (or a scenario run) as a bash script that replays the
//! lesson on a real cluster (kind or minikube).
//!
//! The script holds, in order: every command line as typed (a scenario's lines that
//! omit `kubectl` get it back), every manifest stream inlined as
//! `kubectl apply -f - <<'EOF'`, a wait wherever the simulation ran (`settle`: `kubectl
//! rollout status` of every StatefulSet, with a timeout; `sleep N` where the lesson let
//! N seconds of virtual time pass), narration and checks as comments, and faults as
//! comments with a manual recipe where one exists (they have no kubectl equivalent).
//! Lines typed inside an attached pod shell (`kubectl exec -it POD -- sh` … `exit`)
//! become one `kubectl exec -i POD -- sh <<'EOF'` here-document, since a script has no
//! terminal to type into.

use crate::podshell;
use crate::scenario::Scenario;
use crate::shell;
use crate::time::SimDuration;
use crate::timeline::{Fault, Input, Timeline};
use crate::trace::Record;

/// Where a command line ran relative to an attached pod shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// In the playground's own shell.
    Outer,
    /// In the outer shell, opening a pod shell (`kubectl exec -it POD -- sh`).
    Opens,
    /// Typed inside the pod shell.
    Inside,
    /// `exit` inside the pod shell.
    Closes,
}

/// One thing the replay script does.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A command line as typed.
    Command { line: String, mark: Mark },
    /// A manifest stream, applied with `kubectl apply -f -`.
    Apply(String),
    /// A fault: a comment, with a recipe where one exists.
    Fault(Fault),
    /// Wait until every StatefulSet has rolled out.
    Settle,
    /// Wait until a pod is Ready.
    WaitReady(String),
    /// Wait until a pod is gone.
    WaitGone(String),
    /// Wait until a StatefulSet's rollout is complete.
    WaitRollout(String),
    /// Let time pass.
    Sleep(SimDuration),
    /// Narration or a check.
    Comment(String),
}

/// How long each wait in the script may take before it gives up.
pub const WAIT_TIMEOUT: &str = "300s";

/// The replay script of a scenario: its manifests, then its steps in order (task
/// solutions included, as `sts check` runs them), each `wait` as the matching
/// `kubectl wait` / `kubectl rollout status`.
pub fn scenario_script(s: &Scenario) -> String {
    script(&s.title.en, &scenario_items(s))
}

/// The items of a scenario's steps.
pub fn scenario_items(s: &Scenario) -> Vec<Item> {
    // Fault steps are replayed from a run of the scenario: the k-th valid fault step is
    // the k-th fault input (an invalid one is a failed step and no input).
    let run = crate::scenario::run(s);
    let mut faults = run
        .timeline
        .inputs()
        .into_iter()
        .filter_map(|(_, i)| match i {
            Input::Fault(f) => Some(f.clone()),
            _ => None,
        });
    let failed: Vec<usize> = run
        .failures
        .iter()
        .filter(|(_, d)| d.starts_with("fault"))
        .map(|(n, _)| *n)
        .collect();
    let mut items = Vec::new();
    if !s.manifests.trim().is_empty() {
        items.push(Item::Apply(s.manifests.clone()));
    }
    let mut in_session = false;
    for (i, step) in s.steps.iter().enumerate() {
        step_items(
            step,
            i + 1,
            &failed,
            &mut faults,
            &mut in_session,
            &mut items,
        );
    }
    items
}

fn step_items(
    step: &crate::scenario::Step,
    n: usize,
    failed: &[usize],
    faults: &mut impl Iterator<Item = Fault>,
    in_session: &mut bool,
    items: &mut Vec<Item>,
) {
    use crate::scenario::{Step, Wait};
    match step {
        Step::Say(t) => items.push(Item::Comment(t.en.clone())),
        Step::Wait(Wait::Word(w)) if w == "settled" => items.push(Item::Settle),
        Step::Wait(Wait::Word(w)) => {
            if let Some(d) = SimDuration::parse(w) {
                items.push(Item::Sleep(d));
            }
        }
        Step::Wait(Wait::Until(u)) => {
            if let Some(p) = &u.ready {
                items.push(Item::WaitReady(p.clone()));
            } else if let Some(p) = &u.gone {
                items.push(Item::WaitGone(p.clone()));
            } else if let Some(s) = &u.rollout {
                items.push(Item::WaitRollout(s.clone()));
            } else if u.events.is_some() {
                // A number of simulation events (a written session) has no meaning on
                // a real cluster: wait as a session's steps are waited for.
                items.push(Item::Settle);
            }
        }
        Step::Kubectl(line) => {
            let mark = if *in_session {
                if is_exit(line) {
                    *in_session = false;
                    Mark::Closes
                } else {
                    Mark::Inside
                }
            } else {
                outer_mark(line, 0, in_session)
            };
            items.push(Item::Command {
                line: line.clone(),
                mark,
            });
        }
        Step::Apply(m) => items.push(Item::Apply(m.clone())),
        Step::Fault(_) => {
            if !failed.contains(&n) {
                if let Some(f) = faults.next() {
                    items.push(Item::Fault(f));
                }
            }
        }
        Step::Expect(_) => items.push(Item::Comment(format!(
            "step {n}: the lesson checks the cluster's state here"
        ))),
        Step::Task(t) => {
            items.push(Item::Comment(format!("task: {}", t.prompt.en)));
            if let Some(h) = &t.hint {
                items.push(Item::Comment(format!("hint: {}", h.en)));
            }
            for s in &t.solution {
                step_items(s, n, failed, faults, in_session, items);
            }
            items.push(Item::Settle);
        }
    }
}

/// The replay script of a session so far (up to the timeline's cursor).
pub fn timeline_script(tl: &Timeline, title: &str) -> String {
    script(title, &timeline_items(tl))
}

/// The items of a timeline up to its cursor: its inputs, waits where the simulation
/// ran, and the narration and checks recorded in its trace, in order.
pub fn timeline_items(tl: &Timeline) -> Vec<Item> {
    let inputs = tl.inputs();
    let trace = &tl.world().trace;
    let mut items = Vec::new();
    let mut next = 0; // next input
    let mut last_step = 0u64;
    let mut last_t = 0u64;
    let mut in_session = false;
    // Steps before the k-th input: its history index minus the inputs before it.
    let steps_before = |k: usize| (inputs[k].0 - k) as u64;
    let wait = |items: &mut Vec<Item>, step: u64, last_step: &mut u64| {
        if step > *last_step {
            items.push(Item::Settle);
        }
        *last_step = (*last_step).max(step);
    };
    // Clock advances have no trace record: they go in before anything recorded after
    // more steps than they saw.
    let clocks_before = |items: &mut Vec<Item>,
                         next: &mut usize,
                         step: Option<u64>,
                         last_step: &mut u64,
                         last_t: &mut u64| {
        while *next < inputs.len() {
            let Input::AdvanceClock(t) = inputs[*next].1 else {
                break;
            };
            let s = steps_before(*next);
            if step.is_some_and(|st| s > st) {
                break;
            }
            let secs = t.as_millis().saturating_sub(*last_t);
            if secs > 0 {
                items.push(Item::Sleep(SimDuration::from_millis(secs)));
            }
            *last_t = (*last_t).max(t.as_millis());
            *last_step = (*last_step).max(s);
            *next += 1;
        }
    };
    for entry in trace {
        match &entry.record {
            Record::Command(c) => {
                loop {
                    clocks_before(&mut items, &mut next, None, &mut last_step, &mut last_t);
                    // Inputs that leave no command record of their own.
                    match inputs.get(next).map(|(_, i)| i) {
                        Some(Input::File { name, text }) => {
                            items.push(file_item(name, text));
                            next += 1;
                        }
                        Some(Input::Interrupt) => {
                            items.push(Item::Comment(
                                "Ctrl-C: stop the `kubectl get -w` or `kubectl wait` above".into(),
                            ));
                            next += 1;
                        }
                        _ => break,
                    }
                }
                let Some((_, input)) = inputs.get(next) else {
                    break;
                };
                next += 1;
                wait(&mut items, entry.step, &mut last_step);
                last_t = entry.t;
                match input {
                    Input::Kubectl(line) => {
                        let mark = if in_session {
                            if c.output
                                .starts_with("command terminated with exit code 137")
                            {
                                // The pod went away under the session: this line ran
                                // in the outer shell.
                                in_session = false;
                                outer_mark(line, c.exit, &mut in_session)
                            } else if is_exit(line) {
                                in_session = false;
                                Mark::Closes
                            } else {
                                Mark::Inside
                            }
                        } else {
                            outer_mark(line, c.exit, &mut in_session)
                        };
                        items.push(Item::Command {
                            line: line.clone(),
                            mark,
                        });
                    }
                    Input::KubectlStdin { line, stdin } => {
                        if line.split_whitespace().any(|w| w == "apply") {
                            items.push(Item::Apply(stdin.clone()));
                        } else {
                            items.push(Item::Command {
                                line: format!("{line} <<'EOF'\n{}\nEOF", stdin.trim_end()),
                                mark: Mark::Outer,
                            });
                        }
                    }
                    Input::Edit(text) => {
                        items.push(Item::Comment(
                            "kubectl edit, saved in the playground's editor: the saved object, applied"
                                .into(),
                        ));
                        items.push(Item::Apply(text.clone()));
                    }
                    Input::Apply(m) => items.push(Item::Apply(m.clone())),
                    Input::Fault(f) => items.push(Item::Fault(f.clone())),
                    Input::File { .. } | Input::Interrupt | Input::AdvanceClock(_) => {}
                }
            }
            Record::Say(s) => {
                clocks_before(
                    &mut items,
                    &mut next,
                    Some(entry.step),
                    &mut last_step,
                    &mut last_t,
                );
                wait(&mut items, entry.step, &mut last_step);
                items.push(Item::Comment(s.en.clone()));
            }
            Record::Expect(e) => {
                clocks_before(
                    &mut items,
                    &mut next,
                    Some(entry.step),
                    &mut last_step,
                    &mut last_t,
                );
                wait(&mut items, entry.step, &mut last_step);
                let word = if e.ok {
                    "check"
                } else {
                    "check (failed in the playground)"
                };
                items.push(Item::Comment(format!("{word}: {}", e.detail)));
            }
            _ => {}
        }
    }
    clocks_before(&mut items, &mut next, None, &mut last_step, &mut last_t);
    // Steps after the last input.
    let last_index = inputs.last().map_or(0, |(i, _)| i + 1);
    if tl.position() > last_index && tl.world().steps > last_step {
        items.push(Item::Settle);
    }
    items
}

/// `Opens` if `line` opened a pod shell (and succeeded), else `Outer`.
/// A file of the session's virtual file set: written with a here-document, unless its
/// name is a URL (kubectl reads those from the network on a real cluster).
fn file_item(name: &str, text: &str) -> Item {
    if name.contains("://") {
        return Item::Comment(format!(
            "the session read {name} (kubectl fetches it itself)"
        ));
    }
    Item::Command {
        line: format!(
            "cat > {} <<'EOF'\n{}\nEOF",
            crate::shell::quote_argv(&[name.to_string()]),
            text.trim_end()
        ),
        mark: Mark::Outer,
    }
}

fn outer_mark(line: &str, exit: i32, in_session: &mut bool) -> Mark {
    if exit == 0 && session_opener(line).is_some() {
        *in_session = true;
        Mark::Opens
    } else {
        Mark::Outer
    }
}

fn is_exit(line: &str) -> bool {
    let t = line.trim();
    t == "exit"
        || t.strip_prefix("exit ")
            .is_some_and(|n| n.trim().parse::<i32>().is_ok())
}

/// For a line that opens an interactive pod shell, the non-interactive command that
/// runs a script in the same place (`kubectl exec -i POD -- sh`).
fn session_opener(line: &str) -> Option<String> {
    let argv = shell::plain_kubectl_line(line)?;
    let (ns, verb, args) = podshell::verb_of(&argv)?;
    let ns_flag = |ns: &str| {
        if ns == crate::api::DEFAULT_NS {
            String::new()
        } else {
            format!(" -n {}", shell::quote(ns))
        }
    };
    match verb {
        "exec" => {
            let a = podshell::parse_exec(args, ns).ok()?;
            if !podshell::is_interactive_shell(&a.command) {
                return None;
            }
            let container = a
                .container
                .as_ref()
                .map(|c| format!(" -c {}", shell::quote(c)))
                .unwrap_or_default();
            Some(format!(
                "kubectl exec -i{}{container} {} -- {}",
                ns_flag(&a.ns),
                shell::quote(&a.pod),
                shell::quote_argv(&a.command)
            ))
        }
        "run" => {
            let a = podshell::parse_run(args, ns).ok()?;
            if !a.rm {
                return None;
            }
            if !a.command.is_empty() && !podshell::is_interactive_shell(&a.command) {
                return None;
            }
            let cmd = if a.command.is_empty() {
                "sh".to_string()
            } else {
                shell::quote_argv(&a.command)
            };
            Some(format!(
                "kubectl run {} -i --rm --restart=Never --image={}{} -- {cmd}",
                shell::quote(&a.name),
                shell::quote(&a.image),
                ns_flag(&a.ns)
            ))
        }
        _ => None,
    }
}

/// The script for `items`.
pub fn script(title: &str, items: &[Item]) -> String {
    let mut out = String::new();
    out.push_str("#!/usr/bin/env bash\n");
    out.push_str(&format!(
        "# Replays \"{}\" from the StatefulSet Playground on a real cluster.\n",
        title.replace('\n', " ")
    ));
    out.push_str(HEADER);
    let mut session: Option<(String, Vec<String>)> = None;
    let flush = |out: &mut String, session: &mut Option<(String, Vec<String>)>, reopen: bool| {
        if let Some((opener, lines)) = session.as_mut() {
            if !lines.is_empty() {
                let body = lines.join("\n") + "\n";
                let delim = delimiter(&body);
                out.push_str(&format!("{opener} <<'{delim}'\n{body}{delim}\n"));
                lines.clear();
            }
        }
        if !reopen {
            *session = None;
        }
    };
    for item in items {
        match item {
            Item::Command { line, mark } => {
                match mark {
                    Mark::Opens => {
                        flush(&mut out, &mut session, false);
                        out.push_str(&format!("# {} (an interactive shell: the lines typed in it follow as a script)\n", line.trim()));
                        session = session_opener(line).map(|o| (o, Vec::new()));
                    }
                    Mark::Inside => match session.as_mut() {
                        Some((_, lines)) => lines.push(line.trim_end().to_string()),
                        None => out.push_str(&format!("{}\n", with_kubectl(line))),
                    },
                    Mark::Closes => flush(&mut out, &mut session, false),
                    Mark::Outer => {
                        flush(&mut out, &mut session, false);
                        out.push_str(&format!("{}\n", with_kubectl(line)));
                    }
                }
            }
            Item::Apply(m) => {
                flush(&mut out, &mut session, true);
                let body = if m.ends_with('\n') {
                    m.clone()
                } else {
                    format!("{m}\n")
                };
                let delim = delimiter(&body);
                out.push_str(&format!("kubectl apply -f - <<'{delim}'\n{body}{delim}\n"));
            }
            Item::Fault(f) => {
                flush(&mut out, &mut session, true);
                for line in fault_recipe(f) {
                    out.push_str(&format!("# {line}\n"));
                }
            }
            Item::Settle => {
                flush(&mut out, &mut session, true);
                out.push_str("settle\n");
            }
            Item::WaitReady(p) => {
                flush(&mut out, &mut session, true);
                out.push_str(&format!(
                    "kubectl wait --for=condition=Ready pod/{} --timeout={WAIT_TIMEOUT}\n",
                    shell::quote(p)
                ));
            }
            Item::WaitGone(p) => {
                flush(&mut out, &mut session, true);
                out.push_str(&format!(
                    "kubectl wait --for=delete pod/{} --timeout={WAIT_TIMEOUT}\n",
                    shell::quote(p)
                ));
            }
            Item::WaitRollout(s) => {
                flush(&mut out, &mut session, true);
                out.push_str(&format!(
                    "kubectl rollout status statefulset/{} --timeout={WAIT_TIMEOUT}\n",
                    shell::quote(s)
                ));
            }
            Item::Sleep(d) => {
                flush(&mut out, &mut session, true);
                out.push_str(&format!("sleep {}\n", d.as_millis().div_ceil(1000)));
            }
            Item::Comment(text) => {
                flush(&mut out, &mut session, true);
                for line in text.lines() {
                    out.push_str(&format!("# {line}\n"));
                }
            }
        }
    }
    flush(&mut out, &mut session, false);
    out
}

const HEADER: &str = "#
# You need kubectl and a test cluster you can throw away, for example:
#   kind create cluster --name sts-playground     # https://kind.sigs.k8s.io
#   minikube start -p sts-playground              # https://minikube.sigs.k8s.io
# Both come with a default StorageClass named \"standard\", as the playground does.
# Node names differ from the playground's (node-1, node-2...).
#
# Timing differs too: where the playground ran its simulation, this script waits with
# `kubectl rollout status` (see settle below), `kubectl wait` or `sleep`, with timeouts.
# Faults (a pod failing, a node going down, a readiness probe that never passes, an
# image that cannot be pulled) have no kubectl equivalent: they appear as comments,
# with a way to cause them by hand where there is one.
# Lines typed in an interactive pod shell are fed to `kubectl exec -i` as a script.
#
# Not `set -e`: a lesson may show a command failing on purpose.
set -uo pipefail

# Waits until every StatefulSet has rolled out (the playground's \"run until settled\").
settle() {
  local s
  for s in $(kubectl get statefulsets -o name); do
    kubectl rollout status \"$s\" --timeout=300s ||
      echo \"# $s has not finished rolling out (the lesson may expect that)\"
  done
}

";

/// A here-document delimiter that does not occur as a line of `body`.
pub(crate) fn delimiter(body: &str) -> String {
    let mut d = "EOF".to_string();
    let mut n = 0;
    while body.lines().any(|l| l == d) {
        n += 1;
        d = format!("EOF{n}");
    }
    d
}

/// A scenario line may omit `kubectl` (`scale sts web --replicas=3`); a script, or a
/// lesson showing the line to type, needs it.
pub fn with_kubectl(line: &str) -> String {
    let line = line.trim();
    let first: Vec<String> = line
        .split_whitespace()
        .take(2)
        .map(str::to_string)
        .collect();
    if shell::is_kubectl_verb(&first) {
        format!("kubectl {line}")
    } else {
        line.to_string()
    }
}

/// The comment lines for a fault.
fn fault_recipe(f: &Fault) -> Vec<String> {
    let mut lines = vec![f.describe()];
    lines.extend(
        match f {
            Fault::FailPod { pod } => vec![
                "No kubectl equivalent: a pod's phase turns Failed only when its node rejects or evicts it.".to_string(),
                format!("Closest by hand (the controller replaces the pod): kubectl delete pod {pod} --grace-period=0 --force"),
            ],
            Fault::Readiness { pod, never: true } => vec![
                "By hand: make the check its readinessProbe runs fail, e.g. for an nginx httpGet probe on /:".to_string(),
                format!("  kubectl exec {pod} -- rm /usr/share/nginx/html/index.html"),
            ],
            Fault::Readiness { never: false, .. } => {
                vec!["By hand: undo what made the readiness probe fail.".to_string()]
            }
            Fault::Node { node, down: true } => vec![
                format!("By hand: stop the node that plays {node}:"),
                "  kind:     docker stop <cluster>-worker2          (kubectl get nodes shows the names)".to_string(),
                "  minikube: minikube node stop <node> -p sts-playground".to_string(),
            ],
            Fault::Node { node, down: false } => vec![
                format!("By hand: start the node that plays {node} again:"),
                "  kind:     docker start <cluster>-worker2".to_string(),
                "  minikube: minikube node start <node> -p sts-playground".to_string(),
            ],
            Fault::ImagePull { image, fails: true } => vec![
                format!("No kubectl equivalent; by hand, refer to a tag that does not exist instead of {image}."),
            ],
            Fault::ImagePull { fails: false, .. } => {
                vec!["By hand: refer to the image's real tag again.".to_string()]
            }
        },
    );
    lines
}
