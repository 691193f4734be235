//! The playground's state as plain Rust (no DOM): the loaded scenario, its timeline, the
//! editor's text, the console's history and the lesson's progress, with every action a
//! user can take. The Yew app only renders a `Session` and sends it actions, so all of
//! this is tested natively.

use sts_engine::api::Outcome;
use sts_engine::diagnose::Diagnostic;
use sts_engine::scenario::{self, Scenario, Settle, Step};
use sts_engine::scenario_writer::{self, Exported, Start};
use sts_engine::timeline::{Fault, Input, Timeline};
use sts_engine::trace::Record;
use sts_engine::world::World;

pub use sts_engine::builtin::{catalog, scenario_source, CatalogEntry, SCENARIOS};

/// The scenario a first visit opens.
pub const DEFAULT_SCENARIO: &str = "ordered-creation";

/// Steps one "run until settled" click may take before it hands control back (the page
/// must stay responsive; clicking again continues).
pub const SETTLE_STEP_LIMIT: usize = 200_000;

/// Console lines kept for the up-arrow history.
pub const HISTORY_LIMIT: usize = 200;

/// The largest scenario file *Import scenario* reads: the parser's own limit.
pub const IMPORT_LIMIT: usize = scenario::MAX_SCENARIO_BYTES;

/// A message in (English, Chinese).
pub type Bilingual = (String, String);

/// The answer to a file over [`IMPORT_LIMIT`] (checked before it is read).
pub fn import_too_large(bytes: f64) -> Bilingual {
    let mib = bytes / (1024.0 * 1024.0);
    (
        format!("The file is {mib:.1} MiB; a scenario file may be at most 1 MiB (the playground replays it in this page, which must stay responsive). Nothing was changed."),
        format!("该文件大小为 {mib:.1} MiB；场景文件最大为 1 MiB（演练场要在本页面中重放它，页面需要保持响应）。未做任何更改。"),
    )
}

/// Why a scenario file was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Larger than [`IMPORT_LIMIT`] (its size in bytes).
    TooLarge(usize),
    /// The parser's error, with its line and column.
    Parse(scenario::ScenarioError),
}

impl ImportError {
    /// The message shown to the user: (English, Chinese). The parser's own message is
    /// English, as the CLI prints it.
    pub fn message(&self) -> Bilingual {
        match self {
            ImportError::TooLarge(bytes) => import_too_large(*bytes as f64),
            ImportError::Parse(e) => (
                format!("The scenario file could not be imported (nothing was changed): {e}"),
                format!("无法导入该场景文件（未做任何更改）：{e}"),
            ),
        }
    }
}

/// The answer to a file that could not be read as text.
pub fn import_unreadable() -> Bilingual {
    (
        "The file could not be read as text. Nothing was changed.".into(),
        "无法以文本方式读取该文件。未做任何更改。".into(),
    )
}

/// What the page says after an export that is not the whole truth, if anything.
pub fn export_warning(e: &Exported) -> Option<Bilingual> {
    if e.too_large {
        return Some((
            format!("Exported {}.yaml, but it is larger than 1 MiB, the most a scenario file may be: it cannot be imported again.", e.id),
            format!("已导出 {}.yaml，但它超过了场景文件 1 MiB 的上限，无法再次导入。", e.id),
        ));
    }
    (!e.exact).then(|| (
        format!("Exported {}.yaml, but running it will not end exactly here: you went back into a blocking command (kubectl wait or kubectl rollout status) and went on from there, and the file runs that command to its end (a note in the file says where).", e.id),
        format!("已导出 {}.yaml，但运行它不会恰好停在这里：你回到了一个阻塞命令（kubectl wait 或 kubectl rollout status）的等待过程中并从那里继续，而文件会把该命令运行到结束（文件中的注释说明了位置）。", e.id),
    ))
}

/// What the last timeline-changing action did that the user should be told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// An input at an earlier position dropped this many later entries.
    Forked { at: usize, dropped: usize },
    /// "Run until settled" stopped at its step limit.
    SettleLimit { steps: usize },
    /// Playback or settling reached a world with nothing left to do.
    Settled,
    /// The cluster only has retry loops left (crash loop, image pull back-off…).
    Stuck,
    /// "Reset this task" went back to the task's start, dropping this many entries.
    TaskReset { dropped: usize },
}

/// The lesson's progress through the scenario's steps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lesson {
    /// Index of the next step to run.
    pub next: usize,
    /// Tasks solved (by the learner or by "show solution"), by step index.
    pub solved: Vec<usize>,
    /// Tasks whose solution was revealed.
    pub revealed: Vec<usize>,
    /// Tasks whose hint was shown.
    pub hinted: Vec<usize>,
    /// The timeline position at which the current task began ("Reset this task" goes
    /// back there).
    pub task_at: Option<usize>,
}

/// Everything the page shows and changes.
#[derive(Clone, Debug)]
pub struct Session {
    /// The scenario id (a built-in file stem, or `custom`).
    pub id: String,
    pub scenario: Scenario,
    /// The world at position 0 (scenario cluster + manifests applied).
    base: World,
    pub tl: Timeline,
    /// The editor's text.
    pub manifest: String,
    /// The text last applied (the scenario's manifests at first): the diff's left side.
    pub applied: String,
    /// A `kubectl edit` buffer in the editor: saving applies it as the edit.
    pub editing: Option<String>,
    /// The last Apply's answer.
    pub apply_result: Option<(String, i32)>,
    /// Command lines typed into the console, oldest first (bounded).
    pub typed: Vec<String>,
    pub lesson: Lesson,
    pub notice: Option<Notice>,
    /// The seed given instead of the scenario's (URL `seed=`), if any.
    pub seed: Option<u64>,
    /// The text of an imported scenario file; `None` for a built-in scenario. A saved
    /// session or a link carries it, since the id names no built-in file.
    pub source: Option<String>,
    last_settle: Option<Settle>,
}

impl Session {
    /// Opens a built-in scenario.
    pub fn open(id: &str) -> Result<Session, String> {
        let text = scenario_source(id).ok_or_else(|| format!("no built-in scenario {id:?}"))?;
        let s = scenario::parse(text).map_err(|e| e.to_string())?;
        Ok(Session::from_scenario(id, s, None))
    }

    /// Starts a session on a parsed scenario, optionally with another seed.
    pub fn from_scenario(id: &str, mut s: Scenario, seed: Option<u64>) -> Session {
        if let Some(seed) = seed {
            s.seed = seed;
        }
        let mut w = scenario::build_world(&s);
        w.apply_manifests(&s.manifests);
        let base = w.clone();
        Session {
            id: id.to_string(),
            manifest: s.manifests.clone(),
            applied: s.manifests.clone(),
            base,
            tl: Timeline::new(w),
            scenario: s,
            editing: None,
            apply_result: None,
            typed: Vec::new(),
            lesson: Lesson::default(),
            notice: None,
            seed,
            source: None,
            last_settle: None,
        }
    }

    /// A session on a scenario file's text (an imported scenario), parsed by the
    /// engine's scenario parser.
    pub fn from_source(text: &str) -> Result<Session, ImportError> {
        if text.len() > IMPORT_LIMIT {
            return Err(ImportError::TooLarge(text.len()));
        }
        let s = scenario::parse(text).map_err(ImportError::Parse)?;
        let id = s.scenario.clone();
        let mut session = Session::from_scenario(&id, s, None);
        session.source = Some(text.to_string());
        Ok(session)
    }

    /// Opens a scenario file's text (*Import scenario*) as a built-in scenario is
    /// opened; the console history stays. On an error nothing changes.
    pub fn import(&mut self, text: &str) -> Result<(), ImportError> {
        let mut next = Session::from_source(text)?;
        next.typed = std::mem::take(&mut self.typed);
        *self = next;
        Ok(())
    }

    /// The session up to the cursor as a scenario file (*Export scenario*): the same
    /// cluster, seed and manifests, and what was done as steps
    /// ([`sts_engine::scenario_writer`]). Save it as `<id>.yaml`.
    pub fn export_scenario(&self) -> Exported {
        scenario_writer::export(&self.scenario, &self.tl, Start::ManifestsApplied)
    }

    /// The world at the cursor.
    pub fn world(&self) -> &World {
        self.tl.world()
    }

    /// The world at position 0 (for saving and restoring).
    pub fn base(&self) -> &World {
        &self.base
    }

    /// Rebuilds the timeline from recorded entries (a saved session or a link).
    /// Returns how many entries were replayed.
    pub fn replay(&mut self, entries: &[Option<Input>], position: usize) -> usize {
        let (tl, n) = Timeline::from_entries(self.base.clone(), entries, position);
        self.tl = tl;
        n
    }

    fn before_input(&mut self) {
        self.notice = if self.tl.in_past() {
            Some(Notice::Forked {
                at: self.tl.position(),
                dropped: self.tl.len() - self.tl.position(),
            })
        } else {
            None
        };
    }

    /// One event. Returns false if nothing was pending.
    pub fn step(&mut self) -> bool {
        self.notice = None;
        let stepped = self.tl.step().is_some();
        if !stepped {
            self.notice = Some(Notice::Settled);
        }
        stepped
    }

    /// Steps until the controller issues API writes.
    pub fn step_action(&mut self) -> bool {
        self.notice = None;
        let acted = self.tl.step_to_controller_action().is_some();
        if !acted {
            self.notice = Some(self.rest_notice());
        }
        acted
    }

    fn rest_notice(&self) -> Notice {
        if self.world().idle() {
            Notice::Settled
        } else {
            Notice::Stuck
        }
    }

    /// Goes back one entry.
    pub fn back(&mut self) {
        self.notice = None;
        self.tl.back();
    }

    /// Moves the cursor (clamped).
    pub fn seek(&mut self, position: usize) {
        self.notice = None;
        self.tl.seek(position);
    }

    /// Runs until nothing but retry loops is pending, at most [`SETTLE_STEP_LIMIT`]
    /// steps. Returns the steps taken.
    pub fn settle(&mut self) -> usize {
        self.notice = None;
        let mut n = 0;
        while n < SETTLE_STEP_LIMIT && !self.world().quiet() {
            if self.tl.step().is_none() {
                break;
            }
            n += 1;
        }
        self.notice = Some(if self.world().quiet() {
            self.rest_notice()
        } else {
            Notice::SettleLimit { steps: n }
        });
        self.last_settle = Some(if self.world().quiet() {
            Settle::Settled
        } else {
            Settle::Limit
        });
        n
    }

    /// Runs a console line (the playground's shell: kubectl, pipes, pod shells).
    pub fn run_command(&mut self, line: &str) -> Outcome {
        let line = line.trim_end_matches(['\n', '\r']);
        if !line.trim().is_empty() && self.typed.last().map(String::as_str) != Some(line) {
            self.typed.push(line.to_string());
            if self.typed.len() > HISTORY_LIMIT {
                self.typed.remove(0);
            }
        }
        self.before_input();
        let out = self.tl.input(Input::Kubectl(line.to_string()));
        if let Some(buffer) = &out.edit {
            self.editing = Some(buffer.clone());
            self.manifest = buffer.clone();
        }
        out
    }

    /// Ctrl-C in the console.
    pub fn interrupt(&mut self) {
        if self.world().watch.is_some() {
            self.before_input();
            self.tl.input(Input::Interrupt);
        }
    }

    /// Applies the editor's text (or saves a `kubectl edit` buffer).
    pub fn apply(&mut self) -> Outcome {
        self.before_input();
        let text = self.manifest.clone();
        let out = if self.editing.take().is_some() {
            self.tl.input(Input::Edit(text.clone()))
        } else {
            self.tl.input(Input::Apply(text.clone()))
        };
        if out.exit == 0 {
            self.applied = text;
        }
        self.apply_result = Some((out.output.clone(), out.exit));
        out
    }

    /// Puts the scenario's manifests back in the editor (nothing is applied).
    pub fn reset_manifest(&mut self) {
        self.editing = None;
        self.manifest = self.scenario.manifests.clone();
    }

    /// Injects a fault.
    pub fn fault(&mut self, f: Fault) -> Outcome {
        self.before_input();
        self.tl.input(Input::Fault(f))
    }

    /// The editor's problems, checked against the live cluster (update rules apply to
    /// objects that exist).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.world().diagnose(&self.manifest)
    }

    /// The commands run so far at the cursor, oldest first: the console's transcript.
    /// Going back in time takes later commands back too.
    pub fn transcript(&self, limit: usize) -> Vec<(String, String, i32)> {
        let mut out: Vec<(String, String, i32)> = self
            .world()
            .trace
            .iter()
            .rev()
            .filter_map(|e| match &e.record {
                Record::Command(c) if !c.command.starts_with("fault:") => {
                    Some((c.command.clone(), c.output.clone(), c.exit))
                }
                _ => None,
            })
            .take(limit)
            .collect();
        out.reverse();
        out
    }

    /// Positions of the inputs (markers on the scrubber): `(position, label, is_fault)`.
    pub fn markers(&self) -> Vec<(usize, String, bool)> {
        self.markers_from(0)
    }

    /// [`Session::markers`] of the history entries from index `from` on.
    pub fn markers_from(&self, from: usize) -> Vec<(usize, String, bool)> {
        self.tl
            .entries()
            .iter()
            .enumerate()
            .skip(from)
            .filter_map(|(i, e)| {
                let input = (*e)?;
                let (label, fault) = match input {
                    Input::Kubectl(l) | Input::KubectlStdin { line: l, .. } => (l.clone(), false),
                    Input::Apply(_) => ("kubectl apply -f -".to_string(), false),
                    Input::Edit(_) => ("kubectl edit".to_string(), false),
                    Input::Fault(f) => (f.describe(), true),
                    Input::File { .. } | Input::Interrupt | Input::AdvanceClock(_) => return None,
                };
                Some((i, label, fault))
            })
            .collect()
    }

    // ---- lessons -------------------------------------------------------------------

    /// The step the lesson shows now: the last narration or task reached, if any.
    pub fn lesson_current(&self) -> Option<(usize, &Step)> {
        self.scenario.steps[..self.lesson.next.min(self.scenario.steps.len())]
            .iter()
            .enumerate()
            .rev()
            .find(|(_, s)| matches!(s, Step::Say(_) | Step::Task(_)))
    }

    /// Narration and tasks in the scenario (the lesson's length).
    pub fn lesson_beats(&self) -> usize {
        self.scenario
            .steps
            .iter()
            .filter(|s| matches!(s, Step::Say(_) | Step::Task(_)))
            .count()
    }

    /// Narration and tasks reached so far.
    pub fn lesson_reached(&self) -> usize {
        self.scenario.steps[..self.lesson.next.min(self.scenario.steps.len())]
            .iter()
            .filter(|s| matches!(s, Step::Say(_) | Step::Task(_)))
            .count()
    }

    /// True when the current task (if the lesson stands at one) holds in the live state.
    pub fn task_done(&self) -> Option<bool> {
        let (i, step) = self.lesson_current()?;
        let Step::Task(t) = step else { return None };
        if self.lesson.solved.contains(&i) {
            return Some(true);
        }
        Some(scenario::check(&t.until, self.world(), self.last_settle.as_ref()).is_empty())
    }

    /// True if the lesson can go on (not at the end, and not at an unsolved task).
    pub fn lesson_can_advance(&self) -> bool {
        self.lesson.next < self.scenario.steps.len() && self.task_done() != Some(false)
    }

    /// Runs the scenario's steps up to and including the next narration or task:
    /// commands, waits, faults and checks in between run as the scenario says.
    pub fn lesson_next(&mut self) {
        if !self.lesson_can_advance() {
            return;
        }
        if let Some((i, Step::Task(_))) = self.lesson_current() {
            if !self.lesson.solved.contains(&i) {
                self.lesson.solved.push(i);
            }
        }
        self.before_input();
        let notice = self.notice.clone();
        let mut failures = Vec::new();
        while self.lesson.next < self.scenario.steps.len() {
            let i = self.lesson.next;
            let step = self.scenario.steps[i].clone();
            self.lesson.next += 1;
            // A task waits for the learner; narration is recorded, then waits too.
            if matches!(step, Step::Task(_)) {
                break;
            }
            scenario::run_step(
                &mut self.tl,
                &step,
                i + 1,
                &mut failures,
                &mut self.last_settle,
                false,
            );
            if matches!(step, Step::Say(_)) {
                break;
            }
        }
        self.lesson.task_at = match self.lesson_current() {
            Some((_, Step::Task(_))) => Some(self.tl.position()),
            _ => None,
        };
        self.notice = notice;
    }

    /// True when the lesson stands at a task whose start can be gone back to.
    pub fn lesson_can_reset_task(&self) -> bool {
        matches!(self.lesson_current(), Some((_, Step::Task(_))))
            && self
                .lesson
                .task_at
                .is_some_and(|at| at <= self.tl.len() && at != self.tl.position())
    }

    /// "Reset this task": the cluster goes back to where the current task began, the
    /// entries after it are dropped (the page says so), and the task counts as not
    /// solved again (its hint stays shown).
    pub fn lesson_reset_task(&mut self) {
        if !self.lesson_can_reset_task() {
            return;
        }
        let (Some((i, _)), Some(at)) = (self.lesson_current(), self.lesson.task_at) else {
            return;
        };
        let dropped = self.tl.len().saturating_sub(at);
        self.tl.seek(at);
        self.tl.drop_future();
        self.lesson.solved.retain(|&s| s != i);
        self.lesson.revealed.retain(|&s| s != i);
        self.last_settle = None;
        self.notice = Some(Notice::TaskReset { dropped });
    }

    /// True when the lesson reached its end (every task on the way was solved).
    pub fn lesson_finished(&self) -> bool {
        // The cheap comparison first: this runs after every step of a playback.
        self.lesson.next >= self.scenario.steps.len() && self.lesson_beats() > 0
    }

    /// Marks the hint of the current task as shown.
    pub fn lesson_hint(&mut self) {
        if let Some((i, Step::Task(_))) = self.lesson_current() {
            if !self.lesson.hinted.contains(&i) {
                self.lesson.hinted.push(i);
            }
        }
    }

    /// Runs the current task's solution and settles.
    pub fn lesson_solve(&mut self) {
        let Some((i, Step::Task(t))) = self.lesson_current() else {
            return;
        };
        let solution = t.solution.clone();
        if !self.lesson.revealed.contains(&i) {
            self.lesson.revealed.push(i);
        }
        self.before_input();
        let mut failures = Vec::new();
        for s in &solution {
            scenario::run_step(
                &mut self.tl,
                s,
                i + 1,
                &mut failures,
                &mut self.last_settle,
                true,
            );
        }
        self.settle();
    }

    /// Starts the lesson over (the scenario's initial state).
    pub fn lesson_restart(&mut self) {
        let typed = std::mem::take(&mut self.typed);
        let source = self.source.take();
        let (id, scenario, seed) = (self.id.clone(), self.scenario.clone(), self.seed);
        *self = Session::from_scenario(&id, scenario, seed);
        self.typed = typed;
        self.source = source;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod_names(s: &Session) -> Vec<String> {
        s.world().pods.keys().map(|(_, n)| n.clone()).collect()
    }

    #[test]
    fn every_built_in_scenario_is_in_the_catalog_and_opens() {
        let c = catalog();
        assert_eq!(
            c.len(),
            SCENARIOS.len(),
            "a built-in scenario fails to parse"
        );
        assert!(c.len() >= 10);
        for e in &c {
            let s = Session::open(&e.id).expect("opens");
            assert_eq!(s.tl.position(), 0);
            assert!(!e.title.en.is_empty() && !e.title.zh.is_empty(), "{}", e.id);
        }
        assert!(Session::open(DEFAULT_SCENARIO).is_ok());
        assert!(Session::open("nope").is_err());
    }

    #[test]
    fn stepping_creates_pods_in_order_and_back_undoes_it() {
        let mut s = Session::open("ordered-creation").expect("opens");
        let mut saw_web0_alone = false;
        for _ in 0..400 {
            s.step();
            let names = pod_names(&s);
            if names == ["web-0"] {
                saw_web0_alone = true;
            }
            if names.iter().any(|n| n == "web-1") {
                break;
            }
        }
        assert!(
            saw_web0_alone,
            "web-0 exists alone before web-1 (OrderedReady)"
        );
        let at = s.tl.position();
        let pods = pod_names(&s);
        for _ in 0..5 {
            s.step();
        }
        for _ in 0..5 {
            s.back();
        }
        assert_eq!(s.tl.position(), at);
        assert_eq!(pod_names(&s), pods);
    }

    #[test]
    fn a_command_in_the_past_forks_and_says_so() {
        let mut s = Session::open("ordered-creation").expect("opens");
        s.settle();
        let end = s.tl.len();
        s.seek(end / 2);
        let out = s.run_command("kubectl get sts");
        assert_eq!(out.exit, 0);
        assert_eq!(
            s.notice,
            Some(Notice::Forked {
                at: end / 2,
                dropped: end - end / 2
            })
        );
        assert_eq!(s.typed, ["kubectl get sts"]);
        assert!(s
            .transcript(10)
            .iter()
            .any(|(c, _, _)| c == "kubectl get sts"));
        // Going back before the command takes it out of the transcript.
        s.back();
        assert!(!s
            .transcript(10)
            .iter()
            .any(|(c, _, _)| c == "kubectl get sts"));
    }

    #[test]
    fn apply_reports_configured_and_a_typo_is_diagnosed_without_changing_anything() {
        let mut s = Session::open("ordered-creation").expect("opens");
        s.settle();
        s.manifest = s.manifest.replacen("replicas:", "replica:", 1);
        let d = s.diagnostics();
        assert!(
            d.iter()
                .any(|d| d.message.contains("unknown field \"spec.replica\"")),
            "{d:?}"
        );
        let before = s.world().sets.clone();
        let out = s.apply();
        assert_ne!(out.exit, 0);
        assert_eq!(s.world().sets, before, "a refused apply changes nothing");
        s.reset_manifest();
        s.manifest = s.manifest.replacen("replicas: 3", "replicas: 5", 1);
        let out = s.apply();
        assert!(
            out.output.contains("statefulset.apps/web configured"),
            "{}",
            out.output
        );
        s.settle();
        assert_eq!(s.world().pods.len(), 5);
    }

    #[test]
    fn the_partition_canary_lesson_runs_to_its_end() {
        let mut s = Session::open("partition-canary").expect("opens");
        let mut guard = 0;
        while s.lesson.next < s.scenario.steps.len() && guard < 100 {
            if s.task_done() == Some(false) {
                s.lesson_solve();
            }
            s.lesson_next();
            guard += 1;
        }
        assert_eq!(s.lesson.next, s.scenario.steps.len());
        assert_eq!(s.lesson_reached(), s.lesson_beats());
    }

    /// Advances the lesson to its first task.
    fn to_first_task(s: &mut Session) {
        for _ in 0..100 {
            if matches!(s.lesson_current(), Some((_, Step::Task(_)))) {
                return;
            }
            s.lesson_next();
        }
        panic!("no task in {}", s.id);
    }

    #[test]
    fn reset_task_goes_back_to_where_the_task_began_and_unsolves_it() {
        let mut s = Session::open("partition-canary").expect("opens");
        to_first_task(&mut s);
        assert_eq!(s.task_done(), Some(false));
        assert!(
            !s.lesson_can_reset_task(),
            "nothing done yet: nothing to reset"
        );
        let began = s.tl.position();
        let pods_before = pod_names(&s);
        s.lesson_solve();
        assert_eq!(s.task_done(), Some(true));
        assert!(s.tl.position() > began);
        assert!(s.lesson_can_reset_task());
        s.lesson_reset_task();
        assert_eq!(s.tl.position(), began);
        assert_eq!(
            s.tl.len(),
            began,
            "the entries after the task's start are dropped"
        );
        assert_eq!(s.task_done(), Some(false), "the task is open again");
        assert!(!s.lesson_can_advance());
        assert_eq!(pod_names(&s), pods_before);
        assert!(matches!(s.notice, Some(Notice::TaskReset { dropped }) if dropped > 0));
        // The learner's own command solves it again.
        s.lesson_solve();
        assert_eq!(s.task_done(), Some(true));
    }

    #[test]
    fn the_task_start_survives_a_share_link() {
        let mut s = Session::open("partition-canary").expect("opens");
        to_first_task(&mut s);
        let began = s.tl.position();
        s.lesson_solve();
        let text = crate::share::encode(&crate::share::save(&s));
        let saved = crate::share::decode(&text).expect("decodes");
        let (mut r, warning) = crate::share::restore(&saved).expect("restores");
        assert!(warning.is_none());
        assert_eq!(r.lesson.task_at, Some(began));
        r.lesson_reset_task();
        assert_eq!(r.tl.position(), began);
        assert_eq!(r.task_done(), Some(false));
    }

    #[test]
    fn a_lesson_is_finished_only_at_its_end() {
        let mut s = Session::open("partition-canary").expect("opens");
        assert!(!s.lesson_finished());
        for _ in 0..100 {
            if s.task_done() == Some(false) {
                s.lesson_solve();
            }
            if s.lesson_finished() {
                break;
            }
            assert!(s.lesson_can_advance());
            s.lesson_next();
        }
        assert!(s.lesson_finished());
        s.lesson_restart();
        assert!(!s.lesson_finished());
    }

    /// Every numbered lesson can be followed to its end in the web session: each task
    /// is open when reached, and solved by its solution in the live cluster.
    #[test]
    fn every_lesson_can_be_completed_in_the_page() {
        let lessons: Vec<String> = catalog()
            .into_iter()
            .filter(|c| c.number.is_some())
            .map(|c| c.id)
            .collect();
        assert!(lessons.len() >= 15, "{lessons:?}");
        for id in lessons {
            let mut s = Session::open(&id).expect("opens");
            let mut tasks = 0;
            for _ in 0..200 {
                if s.task_done() == Some(false) {
                    tasks += 1;
                    s.lesson_solve();
                    assert_eq!(
                        s.task_done(),
                        Some(true),
                        "{id}: a task's solution solves it"
                    );
                }
                if s.lesson_finished() {
                    break;
                }
                assert!(
                    s.lesson_can_advance(),
                    "{id}: stuck at step {}",
                    s.lesson.next
                );
                s.lesson_next();
            }
            assert!(s.lesson_finished(), "{id} reaches its end");
            assert!(tasks > 0, "{id} has tasks for the learner");
        }
    }

    #[test]
    fn the_catalog_lists_numbered_lessons_first_in_course_order() {
        let c = catalog();
        let numbers: Vec<u32> = c.iter().map_while(|e| e.number).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(numbers, sorted, "lesson numbers ascend and are unique");
        assert!(
            c.iter().skip(numbers.len()).all(|e| e.number.is_none()),
            "unnumbered scenarios come after the lessons"
        );
        let rest: Vec<&str> = c
            .iter()
            .skip(numbers.len())
            .map(|e| e.id.as_str())
            .collect();
        let mut by_id = rest.clone();
        by_id.sort_unstable();
        assert_eq!(rest, by_id);
    }

    /// A session with a bit of everything: steps, a command, an apply, a fault, and a
    /// fork after going back.
    fn busy_session() -> Session {
        let mut s = Session::open("partition-canary").expect("opens");
        for _ in 0..40 {
            s.step();
        }
        s.run_command("kubectl scale sts web --replicas=5");
        s.manifest = s.manifest.replace("nginx:1.21", "nginx:1.22");
        assert_eq!(s.apply().exit, 0);
        s.fault(Fault::Readiness {
            pod: "web-2".into(),
            never: true,
        });
        for _ in 0..50 {
            s.step();
        }
        for _ in 0..5 {
            s.back();
        }
        s.run_command("kubectl get pods");
        for _ in 0..20 {
            s.step();
        }
        s
    }

    #[test]
    fn an_exported_session_imported_replays_to_the_same_point() {
        let s = busy_session();
        let e = s.export_scenario();
        assert!(e.exact && !e.too_large);
        assert_eq!(e.id, "partition-canary-exported");
        assert_eq!(export_warning(&e), None);
        let mut t = Session::open("ordered-creation").expect("opens");
        t.run_command("kubectl get sts");
        t.import(&e.yaml).expect("imports");
        assert_eq!(t.id, "partition-canary-exported");
        assert_eq!(t.source.as_deref(), Some(e.yaml.as_str()));
        assert_eq!(t.typed, ["kubectl get sts"], "the console history stays");
        assert_eq!(t.tl.position(), 0);
        assert_eq!(t.manifest, s.scenario.manifests);
        // Start runs every step up to the closing narration: the same history and cluster.
        assert_eq!(t.lesson_beats(), 1);
        assert!(t.lesson_can_advance());
        t.lesson_next();
        assert!(t.lesson_finished());
        assert_eq!(t.tl.position(), s.tl.position());
        assert_eq!(t.world().now, s.world().now);
        assert_eq!(t.world().pods, s.world().pods);
        assert_eq!(t.world().sets, s.world().sets);
        assert_eq!(t.world().claims, s.world().claims);
        assert_eq!(t.markers().len(), s.markers().len());
        // Restarting starts the imported scenario over, not a built-in one.
        t.lesson_restart();
        assert_eq!(t.id, "partition-canary-exported");
        assert_eq!(t.source.as_deref(), Some(e.yaml.as_str()));
        assert_eq!(t.tl.position(), 0);
        assert!(!t.lesson_finished());
    }

    #[test]
    fn a_failed_import_changes_nothing_and_says_why_in_both_languages() {
        let mut s = busy_session();
        let before = (
            s.id.clone(),
            s.tl.position(),
            s.tl.len(),
            s.world().pods.clone(),
            s.typed.clone(),
            s.manifest.clone(),
        );
        let huge = format!("scenario: x\n#{}\n", "x".repeat(2 << 20));
        for (bad, en_says) in [
            ("steps: [unclosed\n", "line 2:"),
            ("- a\n- list\n", "line 1:1: a scenario file is a mapping"),
            (
                "scenario: x\ntitle: {en: a, zh: b}\nsteps:\n  - jump: 3\n",
                "line 4:5: steps[0].jump: unknown field `jump`",
            ),
            (
                huge.as_str(),
                "The file is 2.0 MiB; a scenario file may be at most 1 MiB",
            ),
        ] {
            let e = s.import(bad).expect_err("refused");
            let (en, zh) = e.message();
            assert!(en.contains(en_says), "{en}");
            assert!(
                zh.contains("未做任何更改")
                    && zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
            let after = (
                s.id.clone(),
                s.tl.position(),
                s.tl.len(),
                s.world().pods.clone(),
                s.typed.clone(),
                s.manifest.clone(),
            );
            assert_eq!(after, before, "{bad:.40}");
            assert_eq!(s.source, None);
        }
        assert!(matches!(s.import(&huge), Err(ImportError::TooLarge(n)) if n > 2 << 20));
    }

    #[test]
    fn kubectl_edit_opens_the_buffer_in_the_editor_and_apply_saves_it() {
        let mut s = Session::open("ordered-creation").expect("opens");
        s.settle();
        let out = s.run_command("kubectl edit sts web");
        assert!(out.edit.is_some());
        assert!(s.editing.is_some());
        s.manifest = s.manifest.replacen("replicas: 3", "replicas: 2", 1);
        let out = s.apply();
        assert_eq!(out.exit, 0, "{}", out.output);
        assert!(out.output.contains("edited"), "{}", out.output);
        assert!(s.editing.is_none());
    }
}
