//! Going back in time: a [`Timeline`] records every step and every input (command,
//! manifest, fault, clock advance) applied to a world, keeps periodic checkpoints, and
//! can seek to any earlier position by restoring the nearest checkpoint and replaying.
//! Because the world is deterministic, replay reproduces exactly the same states.
//! Applying an input at an earlier position forks: the later history is dropped.

use crate::api::Outcome;
use crate::time::SimTime;
use crate::trace::{CommandRecord, Record};
use crate::world::{StepReport, World};

/// Something a user or scenario does to the world between steps.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A kubectl command line.
    Kubectl(String),
    /// A kubectl command line with standard input (`kubectl apply -f -` from the
    /// console, the editor's text as stdin).
    KubectlStdin { line: String, stdin: String },
    /// `kubectl apply -f -` of a manifest stream.
    Apply(String),
    /// The end of `kubectl edit`: the text saved in the playground's editor.
    Edit(String),
    /// Saves a file of the world's virtual file set (what `kubectl apply -f NAME` reads).
    File { name: String, text: String },
    /// Ctrl-C: stops the active `kubectl get -w` and a running `kubectl wait`.
    Interrupt,
    /// A fault.
    Fault(Fault),
    /// Move the clock forward to this time (nothing is due before it).
    AdvanceClock(SimTime),
}

/// Faults a scenario or the user can inject.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// The pod's phase becomes Failed.
    FailPod { pod: String },
    /// The pod's readiness probe never passes (`never: true`), or passes again.
    Readiness { pod: String, never: bool },
    /// The node goes down (`down: true`) or comes back.
    Node { node: String, down: bool },
    /// Pulling this image fails from now on (`fails: true`), or works again.
    ImagePull { image: String, fails: bool },
}

impl Fault {
    /// A kubectl-like description for the trace.
    pub fn describe(&self) -> String {
        match self {
            Fault::FailPod { pod } => format!("fault: pod {pod} fails"),
            Fault::Readiness { pod, never: true } => {
                format!("fault: readiness probe of {pod} never passes")
            }
            Fault::Readiness { pod, never: false } => {
                format!("fault: readiness probe of {pod} passes again")
            }
            Fault::Node { node, down: true } => format!("fault: node {node} goes down"),
            Fault::Node { node, down: false } => format!("fault: node {node} comes back"),
            Fault::ImagePull { image, fails: true } => {
                format!("fault: pulling image {image} fails")
            }
            Fault::ImagePull {
                image,
                fails: false,
            } => format!("fault: pulling image {image} works again"),
        }
    }
}

impl World {
    /// Applies one input now, records it in the trace, and returns what it printed.
    pub fn apply_input(&mut self, input: &Input) -> Outcome {
        // A new command interrupts a blocking one, as typing Ctrl-C first would.
        if !matches!(input, Input::AdvanceClock(_) | Input::File { .. }) {
            self.interrupt_wait("^C\n");
        }
        let command = match input {
            Input::Kubectl(line) => line.clone(),
            Input::KubectlStdin { line, .. } => line.clone(),
            Input::Apply(_) => "kubectl apply -f -".to_string(),
            Input::Edit(_) => "kubectl edit (saved in the editor)".to_string(),
            Input::Fault(f) => f.describe(),
            Input::File { name, text } => {
                self.files.insert(name.clone(), text.clone());
                return Outcome::ok("");
            }
            Input::Interrupt => {
                self.watch = None;
                return Outcome::ok("");
            }
            Input::AdvanceClock(t) => {
                self.advance_clock(*t);
                return Outcome::ok("");
            }
        };
        // The command line comes first in the trace, its effects after it; its output
        // is filled in once known.
        let at = self.trace.len();
        self.push(Record::Command(CommandRecord {
            command,
            output: String::new(),
            exit: 0,
        }));
        let mut outcome = match input {
            // A typed line goes through the playground's shell (pipes, loops, pod
            // shells), which calls kubectl for each kubectl command.
            Input::Kubectl(line) => crate::shell::run(self, line),
            Input::KubectlStdin { line, stdin } => {
                crate::kubectl::run_with_stdin(self, line, Some(stdin))
            }
            Input::Apply(text) => self.apply_manifests(text),
            Input::Edit(text) => crate::kubectl::apply_edited(self, text),
            Input::Fault(f) => self.inject(f),
            Input::File { .. } | Input::Interrupt | Input::AdvanceClock(_) => Outcome::ok(""),
        };
        if let Some(Record::Command(c)) = self.trace.get_mut(at).map(|e| &mut e.record) {
            c.output = outcome.output.clone();
            c.exit = outcome.exit;
        }
        // A blocking command keeps running as the simulation advances.
        if let Some(req) = outcome.wait.take() {
            let mut so_far = outcome.output.clone();
            if !so_far.is_empty() {
                so_far.push('\n');
            }
            self.start_wait(req.clone(), at, so_far);
            if let Some(Record::Command(c)) = self.trace.get(at).map(|e| &e.record) {
                outcome.output = c.output.clone();
                outcome.exit = c.exit;
            }
            if self.pending_wait().is_some() {
                outcome.wait = Some(req);
            }
        }
        outcome
    }

    fn inject(&mut self, fault: &Fault) -> Outcome {
        let ns = crate::api::DEFAULT_NS.to_string();
        let ok = match fault {
            Fault::FailPod { pod } => self.fail_pod(&(ns, pod.clone())),
            Fault::Readiness { pod, never } => self.set_never_ready(&(ns, pod.clone()), *never),
            Fault::Node { node, down } => self.set_node_up(node, !*down),
            Fault::ImagePull { image, fails } => {
                self.config
                    .images
                    .entry(image.clone())
                    .or_default()
                    .pull_fails = *fails;
                true
            }
        };
        if ok {
            Outcome::ok("")
        } else {
            let what = match fault {
                Fault::Node { node, .. } => format!("nodes \"{node}\""),
                Fault::FailPod { pod } | Fault::Readiness { pod, .. } => format!("pods \"{pod}\""),
                Fault::ImagePull { image, .. } => format!("image \"{image}\""),
            };
            Outcome::err(format!("Error from server (NotFound): {what} not found"))
        }
    }
}

/// One entry of the history.
#[derive(Clone, Debug, PartialEq)]
enum Entry {
    Step,
    Input(Input),
}

/// A world with its history, checkpoints and a cursor.
#[derive(Clone, Debug)]
pub struct Timeline {
    history: Vec<Entry>,
    /// `(position, world without its trace, trace length)`, ascending positions.
    checkpoints: Vec<(usize, World, usize)>,
    position: usize,
    world: World,
    every: usize,
}

impl Timeline {
    /// Starts a timeline at `world` (position 0).
    pub fn new(mut world: World) -> Timeline {
        let trace = std::mem::take(&mut world.trace);
        let base = world.clone();
        let len = trace.len();
        world.trace = trace;
        Timeline {
            history: Vec::new(),
            checkpoints: vec![(0, base, len)],
            position: 0,
            world,
            every: 64,
        }
    }

    /// The world at the cursor.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Where the cursor is (entries applied).
    pub fn position(&self) -> usize {
        self.position
    }

    /// Entries recorded (the cursor can go up to this).
    pub fn len(&self) -> usize {
        self.history.len()
    }

    /// True if nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.history.is_empty()
    }

    /// True if the cursor is before the end: the next input forks the timeline.
    pub fn in_past(&self) -> bool {
        self.position < self.history.len()
    }

    /// Forgets the entries after the cursor (as the next input would).
    pub fn drop_future(&mut self) {
        self.truncate_future();
    }

    fn truncate_future(&mut self) {
        self.history.truncate(self.position);
        self.checkpoints.retain(|(p, _, _)| *p <= self.position);
    }

    /// Takes a checkpoint when enough entries passed since the last one. The interval
    /// grows with the world (at least 64 entries, at least four per stored pod), so that
    /// copying checkpoints costs O(1) per entry on average and going back replays at
    /// most that many entries.
    fn checkpoint(&mut self) {
        let last = self.checkpoints.last().map_or(0, |(p, _, _)| *p);
        let interval = self.every.max(4 * self.world.pods.len());
        if self.position >= last + interval {
            // The trace is append-only: a checkpoint keeps its length, not a copy.
            let trace = std::mem::take(&mut self.world.trace);
            let w = self.world.clone();
            let len = trace.len();
            self.world.trace = trace;
            self.checkpoints.push((self.position, w, len));
        }
    }

    /// Processes one event (forking if in the past).
    pub fn step(&mut self) -> Option<StepReport> {
        self.truncate_future();
        let report = self.world.step()?;
        self.history.push(Entry::Step);
        self.position += 1;
        self.checkpoint();
        Some(report)
    }

    /// Applies an input at the cursor (forking if in the past). A blocking command
    /// (`kubectl wait`, `kubectl rollout status`) runs the simulation until it ends,
    /// and its final output is returned.
    pub fn input(&mut self, input: Input) -> Outcome {
        let out = self.input_now(input);
        if self.world.pending_wait().is_none() {
            return out;
        }
        self.run_wait()
    }

    fn input_now(&mut self, input: Input) -> Outcome {
        self.truncate_future();
        let out = self.world.apply_input(&input);
        self.history.push(Entry::Input(input));
        self.position += 1;
        self.checkpoint();
        out
    }

    /// Steps (or moves the clock to the deadline) until the pending wait ends; every
    /// step is history, so going back and replaying reproduces the wait exactly.
    fn run_wait(&mut self) -> Outcome {
        let Some(record) = self.world.pending_wait().map(|w| w.record()) else {
            return Outcome::ok("");
        };
        for _ in 0..crate::scenario::MAX_STEPS_PER_WAIT {
            let Some(deadline) = self.world.pending_wait().map(|w| w.deadline()) else {
                break;
            };
            match (self.world.next_time(), deadline) {
                (Some(t), Some(d)) if t > d => {
                    self.input_now(Input::AdvanceClock(d));
                }
                (None, Some(d)) => {
                    self.input_now(Input::AdvanceClock(d));
                }
                (Some(_), _) => {
                    self.step();
                }
                (None, None) => break,
            }
        }
        if self.world.pending_wait().is_some() {
            // Bounded: give up like Ctrl-C would.
            self.input_now(Input::Interrupt);
        }
        match self.world.trace.get(record).map(|e| &e.record) {
            Some(Record::Command(c)) => Outcome {
                output: c.output.clone(),
                exit: c.exit,
                ..Outcome::ok("")
            },
            _ => Outcome::ok(""),
        }
    }

    /// Moves the cursor to `position` (clamped), replaying from the nearest checkpoint.
    pub fn seek(&mut self, position: usize) {
        let position = position.min(self.history.len());
        if position == self.position {
            return;
        }
        if position > self.position {
            self.replay_to(position);
            return;
        }
        let Some((p, w, len)) = self
            .checkpoints
            .iter()
            .rev()
            .find(|(p, _, _)| *p <= position)
            .cloned()
        else {
            return;
        };
        let trace = std::mem::take(&mut self.world.trace);
        self.world = w;
        self.world.trace = trace;
        self.world.trace.truncate(len);
        self.position = p;
        self.replay_to(position);
    }

    fn replay_to(&mut self, position: usize) {
        while self.position < position {
            match &self.history[self.position] {
                Entry::Step => {
                    self.world.step();
                }
                Entry::Input(i) => {
                    let i = i.clone();
                    self.world.apply_input(&i);
                }
            }
            self.position += 1;
            self.checkpoint();
        }
    }

    /// Steps until a StatefulSet sync issues API writes ("step to the next controller
    /// action"); returns that step's report, or `None` if the world went quiet first.
    pub fn step_to_controller_action(&mut self) -> Option<StepReport> {
        for _ in 0..crate::scenario::MAX_STEPS_PER_WAIT {
            if self.world.quiet() {
                return None;
            }
            let r = self.step()?;
            if r.controller_acted {
                return Some(r);
            }
        }
        None
    }

    /// The inputs applied before the cursor, each with its index in the history (the
    /// entries between two inputs are simulation steps): what an export replays.
    pub fn inputs(&self) -> Vec<(usize, &Input)> {
        self.history[..self.position]
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Entry::Input(input) => Some((i, input)),
                Entry::Step => None,
            })
            .collect()
    }

    /// Goes back one entry.
    pub fn back(&mut self) {
        if self.position > 0 {
            self.seek(self.position - 1);
        }
    }
}

impl Timeline {
    /// The whole history as data, in order: `None` for a simulation step, `Some` for an
    /// input. With the starting world this is everything needed to rebuild the timeline
    /// ([`Timeline::from_entries`]): what a saved session or a share link stores.
    pub fn entries(&self) -> Vec<Option<&Input>> {
        self.history
            .iter()
            .map(|e| match e {
                Entry::Step => None,
                Entry::Input(i) => Some(i),
            })
            .collect()
    }

    /// History entry `i`: `Some(None)` for a simulation step, `Some(Some(input))` for an
    /// input, `None` past the end.
    pub fn entry(&self, i: usize) -> Option<Option<&Input>> {
        self.history.get(i).map(|e| match e {
            Entry::Step => None,
            Entry::Input(input) => Some(input),
        })
    }

    /// Rebuilds a timeline from its starting world and [`Timeline::entries`], then moves
    /// the cursor to `position`. Entries are replayed exactly as recorded (a blocking
    /// command's steps are entries of their own, so they are not run twice). Returns
    /// the timeline and how many entries were replayed: fewer than given when a step
    /// entry finds nothing left to do (a stored history that does not belong to this
    /// world), in which case the rest is dropped.
    pub fn from_entries(
        world: World,
        entries: &[Option<Input>],
        position: usize,
    ) -> (Timeline, usize) {
        let mut tl = Timeline::new(world);
        let mut replayed = 0;
        for e in entries {
            match e {
                None => {
                    if tl.world.step().is_none() {
                        break;
                    }
                    tl.history.push(Entry::Step);
                }
                Some(i) => {
                    tl.world.apply_input(i);
                    tl.history.push(Entry::Input(i.clone()));
                }
            }
            tl.position += 1;
            tl.checkpoint();
            replayed += 1;
        }
        tl.seek(position);
        (tl, replayed)
    }
}

impl Timeline {
    /// The world, for appending non-replayable trace records (narration, check
    /// results). These are not part of the history: going back drops them.
    pub fn world_mut_for_records(&mut self) -> &mut World {
        &mut self.world
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use crate::world::Key;

    fn timeline() -> Timeline {
        let s = scenario::parse(&crate::bench::scenario_yaml(3, 3)).expect("parses");
        let mut w = scenario::build_world(&s);
        w.apply_manifests(&s.manifests);
        Timeline::new(w)
    }

    fn fingerprint(w: &World) -> Vec<String> {
        w.trace.iter().map(|e| e.text()).collect()
    }

    #[test]
    fn the_change_logs_name_exactly_the_pods_and_claims_written() {
        use std::collections::BTreeSet;
        let mut tl = timeline();
        tl.every = 8;
        for _ in 0..200 {
            let w = tl.world();
            let (pods, claims) = (w.pods.clone(), w.claims.clone());
            let (pm, cm) = (w.pod_changes(), w.claim_changes());
            if tl.step().is_none() {
                break;
            }
            let w = tl.world();
            let logged: BTreeSet<&Key> = w.pods_changed_since(pm).expect("kept").collect();
            let keys: BTreeSet<&Key> = pods.keys().chain(w.pods.keys()).collect();
            let changed: BTreeSet<&Key> = keys
                .into_iter()
                .filter(|k| pods.get(*k) != w.pods.get(*k))
                .collect();
            assert_eq!(logged, changed);
            let logged: BTreeSet<&Key> = w.claims_changed_since(cm).expect("kept").collect();
            let keys: BTreeSet<&Key> = claims.keys().chain(w.claims.keys()).collect();
            for k in keys {
                if claims.get(k) != w.claims.get(k) {
                    assert!(logged.contains(k), "{k:?} changed but is not logged");
                }
            }
        }
        // A mark from a later state, or from before a copy, is not answered.
        let later = tl.world().pod_changes();
        tl.seek(tl.position() / 2);
        assert!(tl.world().pods_changed_since(later).is_none());
        let copy = tl.world().clone();
        assert!(copy.pods_changed_since(copy.pod_changes()).is_some());
        assert!(copy
            .pods_changed_since(copy.pod_changes().saturating_sub(1))
            .is_none());
        // A readiness fault is a change of the pod's picture.
        let key = tl.world().pods.keys().next().cloned().expect("a pod");
        let mark = tl.world().pod_changes();
        tl.input(Input::Fault(Fault::Readiness {
            pod: key.1.clone(),
            never: true,
        }));
        assert!(tl
            .world()
            .pods_changed_since(mark)
            .expect("kept")
            .any(|k| *k == key));
    }

    #[test]
    fn readiness_faults_lists_exactly_the_faulted_pods() {
        let mut tl = timeline();
        while !tl.world().quiet() && tl.step().is_some() {}
        let pods: Vec<_> = tl.world().pods.keys().cloned().collect();
        assert!(pods.len() >= 2);
        assert_eq!(tl.world().readiness_faults().count(), 0);
        let target = pods[1].clone();
        let out = tl.input(Input::Fault(Fault::Readiness {
            pod: target.1.clone(),
            never: true,
        }));
        assert_eq!(out.exit, 0);
        let faulted: Vec<_> = tl.world().readiness_faults().cloned().collect();
        assert_eq!(faulted, vec![target.clone()]);
        for k in &pods {
            assert_eq!(tl.world().readiness_fault(k), *k == target, "{k:?}");
        }
        tl.input(Input::Fault(Fault::Readiness {
            pod: target.1.clone(),
            never: false,
        }));
        assert_eq!(tl.world().readiness_faults().count(), 0);
    }

    #[test]
    fn going_back_restores_exactly_the_earlier_state() {
        let mut tl = timeline();
        tl.every = 8; // many checkpoints
        let mut seen = Vec::new();
        for _ in 0..60 {
            seen.push((
                tl.position(),
                fingerprint(tl.world()),
                tl.world().now,
                tl.world().pods.clone(),
            ));
            if tl.step().is_none() {
                break;
            }
        }
        for (pos, trace, now, pods) in seen.iter().rev() {
            tl.seek(*pos);
            assert_eq!(tl.position(), *pos);
            assert_eq!(&fingerprint(tl.world()), trace, "trace at position {pos}");
            assert_eq!(tl.world().now, *now);
            assert_eq!(&tl.world().pods, pods, "pods at position {pos}");
        }
        // And forward again, by replay.
        let (last_pos, last_trace, _, _) = seen.last().cloned().expect("steps ran");
        tl.seek(last_pos);
        assert_eq!(fingerprint(tl.world()), last_trace);
    }

    #[test]
    fn an_input_in_the_past_forks_the_timeline() {
        let mut tl = timeline();
        for _ in 0..30 {
            tl.step();
        }
        let end = tl.len();
        tl.seek(10);
        assert!(tl.in_past());
        let out = tl.input(Input::Kubectl(
            "kubectl scale statefulset web --replicas=1".into(),
        ));
        assert_eq!(out.output, "statefulset.apps/web scaled");
        assert_eq!(
            tl.len(),
            11,
            "the future after position 10 was dropped (was {end})"
        );
        assert!(!tl.in_past());
        scenario::run_until_settled(&mut tl);
        assert_eq!(
            tl.world().pods.len(),
            1,
            "the fork continued from the edited past"
        );
    }

    #[test]
    fn a_timeline_rebuilt_from_its_entries_is_the_same_timeline() {
        let mut tl = timeline();
        for _ in 0..20 {
            tl.step();
        }
        tl.input(Input::Kubectl("kubectl scale sts web --replicas=5".into()));
        tl.input(Input::Kubectl(
            "kubectl rollout status sts/web --timeout=30s".into(),
        ));
        for _ in 0..10 {
            tl.step();
        }
        tl.seek(25);
        let entries: Vec<Option<Input>> = tl.entries().into_iter().map(|e| e.cloned()).collect();
        let base = timeline();
        let (rebuilt, n) = Timeline::from_entries(base.world().clone(), &entries, 25);
        assert_eq!(n, entries.len());
        assert_eq!(rebuilt.len(), tl.len());
        assert_eq!(rebuilt.position(), 25);
        assert_eq!(fingerprint(rebuilt.world()), fingerprint(tl.world()));
        assert_eq!(rebuilt.world().pods, tl.world().pods);
        // A history that does not fit the world (more steps than it has work) is cut.
        let mut too_long = entries.clone();
        too_long.extend(std::iter::repeat_n(None, 100_000));
        let (cut, n) = Timeline::from_entries(base.world().clone(), &too_long, usize::MAX);
        assert!(n < too_long.len());
        assert_eq!(cut.position(), n);
    }

    #[test]
    fn step_to_controller_action_stops_at_a_sync_that_writes() {
        let mut tl = timeline();
        let r = tl.step_to_controller_action().expect("the controller acts");
        assert!(matches!(r.work, crate::world::Work::Sync(_)));
        assert!(
            !tl.world().pods.is_empty(),
            "the first action creates web-0"
        );
    }
}
