//! Everything the panels show, computed from the session once per change and handed
//! down in `Rc`s: a panel whose data compares equal keeps its old `Rc` and is not
//! re-rendered.
//!
//! [`Derived::update`] does work in proportion to what changed. It first compares the
//! session's history (scenario and timeline entries) with the one it saw last time:
//! - the same history and position: the world is the same, only the lesson and the
//!   editor's problems can have changed;
//! - the same history extended (a step, a command at the end), or cut short by a step
//!   at an earlier position: each panel looks only at what is new (the pods and claims
//!   the engine logged as written, trace entries past the last length, entries past
//!   the last history length);
//! - anything else (a fork, another session or scenario): everything is recomputed,
//!   since a uid and resourceVersion can then stand for other contents.
//!
//! The result is always equal to [`Derived::of`] of the same session (tested below).

use std::collections::VecDeque;
use std::rc::Rc;

use sts_engine::diagnose::Diagnostic;
use sts_engine::model::StatefulSetSpec;
use sts_engine::scenario::Scenario;
use sts_engine::timeline::Input;
use sts_engine::trace::Record;
use sts_engine::world::Key;
use yew::AttrValue;

use crate::components::console::{Completions, ConsoleEntry};
use crate::lesson::LessonView;
use crate::panels::{self, EventRow, SetStatus, Why};
use crate::picture::{Picture, PictureCache};
use crate::session::Session;

/// Puts `new` in `old` only if the values differ, so a panel given the old `Rc` sees
/// equal props and is not re-rendered.
pub fn keep<T: PartialEq>(old: &mut Rc<T>, new: Rc<T>) {
    if **old != *new {
        *old = new;
    }
}

/// Console entries shown.
pub const TRANSCRIPT: usize = 200;

/// What the page's layout ([`crate::page`]) shows: the part of [`Derived`] that the
/// first stage ([`crate::lite`]) has too, without the session's caches (which would
/// bring the engine's types, and their drop code, into the first stage's module).
pub struct Panels {
    pub picture: Rc<Picture>,
    pub why: Rc<Why>,
    pub sets: Rc<Vec<SetStatus>>,
    pub watch: Rc<Vec<String>>,
    /// The absolute number of the first watch line (the log's blocks are keyed by it).
    pub watch_first: usize,
    pub events: Rc<Vec<EventRow>>,
    /// The index in the world's Events of the first row shown.
    pub events_first: usize,
    pub markers: Rc<Vec<(usize, String, bool)>>,
    pub lesson: Rc<LessonView>,
    pub prompt: AttrValue,
}

/// Everything the panels show, computed once per change. Reads as its [`Panels`]
/// (`d.picture`) through `Deref`.
pub struct Derived {
    pub panels: Panels,
    pub transcript: Rc<Vec<ConsoleEntry>>,
    pub completions: Rc<Completions>,
    pub diagnostics: Rc<Vec<Diagnostic>>,
    cache: Cache,
}

impl std::ops::Deref for Derived {
    type Target = Panels;
    fn deref(&self) -> &Panels {
        &self.panels
    }
}

impl std::ops::DerefMut for Derived {
    fn deref_mut(&mut self) -> &mut Panels {
        &mut self.panels
    }
}

/// What the last update saw, to tell what changed since.
#[derive(Default)]
struct Cache {
    /// The session's scenario (with its seed) and id: the world at position 0.
    scenario: Option<(String, Scenario)>,
    /// The timeline's entries seen, which the session's entries are a prefix of.
    history: Vec<Option<Input>>,
    /// How many of them the session has now.
    entries: usize,
    /// The number of entries the markers were made for.
    markers: usize,
    position: usize,
    picture: PictureCache,
    /// The trace length the watch log, transcript and markers were computed for.
    trace_len: usize,
    /// The last [`panels::WATCH_LINES`] pod rows.
    watch: VecDeque<String>,
    /// Pod rows in the trace up to `trace_len` (see [`panels::watch_total`]).
    watch_total: usize,
    /// A blocking command was running (its output grows in place).
    waiting: bool,
    /// `World::volume_name_changes` when the completions were computed.
    volume_names: u64,
    diagnostics: DiagnosticsKey,
}

/// How the session's history relates to the one seen last time.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Change {
    /// The same scenario and entries.
    Same,
    /// The same scenario; the entries seen before are a prefix of the new ones, which
    /// start at this index.
    Extended(usize),
    /// The same scenario; the new entries are a prefix of the ones seen (a step in the
    /// past dropped the later entries, and no other entry was recorded yet).
    Prefix,
    /// Anything else.
    Other,
}

impl Cache {
    fn observe(&mut self, s: &Session) -> Change {
        let same_scenario = self
            .scenario
            .as_ref()
            .is_some_and(|(id, sc)| *id == s.id && *sc == s.scenario);
        if !same_scenario {
            self.scenario = Some((s.id.clone(), s.scenario.clone()));
        }
        let entries = s.tl.entries();
        let common = self
            .history
            .iter()
            .zip(&entries)
            .take_while(|(a, b)| a.as_ref() == **b)
            .count();
        let change = if !same_scenario || (common < entries.len() && common < self.history.len()) {
            // Another session, or entries that differ from the ones seen.
            self.history.clear();
            Change::Other
        } else if entries.len() < self.history.len() {
            // A step at an earlier position dropped the later entries: the history is
            // still a part of the one seen, so every kept fact still holds (the seen
            // entries are kept until the new ones differ).
            Change::Prefix
        } else if entries.len() == common {
            Change::Same
        } else {
            Change::Extended(common)
        };
        let from = self.history.len().min(entries.len());
        if entries.len() > self.history.len() {
            self.history
                .extend(entries[from..].iter().map(|e| e.cloned()));
        }
        self.entries = entries.len();
        change
    }
}

impl Derived {
    pub fn of(s: &Session) -> Derived {
        let w = s.world();
        let mut cache = Cache::default();
        cache.observe(s);
        cache.markers = cache.entries;
        cache.position = s.tl.position();
        cache.trace_len = w.trace.len();
        cache.watch = panels::watch_lines(w, panels::WATCH_LINES).into();
        cache.watch_total = panels::watch_total(w);
        cache.waiting = w.pending_wait().is_some();
        cache.volume_names = w.volume_name_changes();
        let picture = cache.picture.picture(w);
        let diagnostics = cache.diagnostics.refresh(s, true);
        Derived {
            panels: Panels {
                picture: Rc::new(picture),
                why: Rc::new(Why::of(w)),
                sets: Rc::new(panels::set_statuses(w)),
                watch: Rc::new(cache.watch.iter().cloned().collect()),
                watch_first: cache.watch_total - cache.watch.len(),
                events: Rc::new(panels::event_rows(w, panels::EVENT_ROWS)),
                events_first: w.events.len().saturating_sub(panels::EVENT_ROWS),
                markers: Rc::new(s.markers()),
                lesson: Rc::new(LessonView::of(s)),
                prompt: AttrValue::from(sts_engine::shell::prompt(w)),
            },
            transcript: Rc::new(transcript(s)),
            completions: Rc::new(Completions::of(w)),
            diagnostics: Rc::new(diagnostics.unwrap_or_default()),
            cache,
        }
    }

    /// Brings every value up to date with `s`, recomputing only what can have changed
    /// and keeping the old `Rc`s of equal values, so the panels that show them skip
    /// re-rendering.
    pub fn update(&mut self, s: &Session) {
        fn keep<T: PartialEq>(old: &mut Rc<T>, new: T) {
            if **old != new {
                *old = Rc::new(new);
            }
        }
        let w = s.world();
        let change = self.cache.observe(s);
        let moved = self.cache.position != s.tl.position();
        self.cache.position = s.tl.position();
        if change == Change::Other {
            self.cache.picture.clear();
        }
        // The same history at the same position is the same world.
        let world_changed = change != Change::Same || moved;
        if world_changed {
            keep(&mut self.panels.picture, self.cache.picture.picture(w));
            keep(&mut self.panels.why, Why::of(w));
            keep(&mut self.panels.sets, panels::set_statuses(w));
            if !panels::event_rows_are(w, panels::EVENT_ROWS, &self.panels.events) {
                self.panels.events = Rc::new(panels::event_rows(w, panels::EVENT_ROWS));
            }
            self.panels.events_first = w.events.len().saturating_sub(panels::EVENT_ROWS);
            self.update_trace_panels(s, change);
            let names_same = change != Change::Other
                && self.cache.picture.same_pod_names
                && self.cache.picture.same_claim_names;
            let volumes_same =
                change != Change::Other && self.cache.volume_names == w.volume_name_changes();
            self.cache.volume_names = w.volume_name_changes();
            if let Some(c) = self.completions.refreshed(w, names_same, volumes_same) {
                self.completions = Rc::new(c);
            }
            let prompt = sts_engine::shell::prompt(w);
            if self.panels.prompt.as_str() != prompt {
                self.panels.prompt = AttrValue::from(prompt);
            }
        }
        match change {
            Change::Same if self.cache.markers == self.cache.entries => {}
            Change::Extended(from) if self.cache.markers == from => {
                let new = s.markers_from(from);
                if !new.is_empty() {
                    let mut all = (*self.panels.markers).clone();
                    all.extend(new);
                    self.panels.markers = Rc::new(all);
                }
            }
            _ => keep(&mut self.panels.markers, s.markers()),
        }
        self.cache.markers = self.cache.entries;
        keep(&mut self.panels.lesson, LessonView::of(s));
        let names_changed = change == Change::Other
            || (world_changed
                && !(self.cache.picture.same_pod_names && self.cache.picture.same_claim_names));
        if let Some(d) = self.cache.diagnostics.refresh(s, names_changed) {
            keep(&mut self.diagnostics, d);
        }
    }

    /// The watch log and the console transcript, from the trace entries past the last
    /// length (the trace only grows along one history; a Command record's output is
    /// rewritten in place only while a blocking command runs).
    fn update_trace_panels(&mut self, s: &Session, change: Change) {
        let w = s.world();
        let trace = &w.trace;
        let was_waiting = self.cache.waiting;
        self.cache.waiting = w.pending_wait().is_some();
        let grew = change != Change::Other && trace.len() >= self.cache.trace_len;
        let new = trace.get(self.cache.trace_len..).unwrap_or_default();
        if grew {
            let mut added = false;
            for e in new {
                if matches!(&e.record, Record::Object(o) if o.kind == "Pod") {
                    self.cache.watch.push_back(e.text());
                    self.cache.watch_total += 1;
                    added = true;
                }
            }
            while self.cache.watch.len() > panels::WATCH_LINES {
                self.cache.watch.pop_front();
            }
            if added {
                self.panels.watch = Rc::new(self.cache.watch.iter().cloned().collect());
            }
        } else {
            self.cache.watch = panels::watch_lines(w, panels::WATCH_LINES).into();
            self.cache.watch_total = panels::watch_total(w);
            let lines: Vec<String> = self.cache.watch.iter().cloned().collect();
            if *self.panels.watch != lines {
                self.panels.watch = Rc::new(lines);
            }
        }
        self.panels.watch_first = self.cache.watch_total - self.cache.watch.len();
        let new_command = new
            .iter()
            .any(|e| matches!(&e.record, Record::Command(c) if !c.command.starts_with("fault:")));
        if !grew || new_command || was_waiting || self.cache.waiting {
            let t = transcript(s);
            if *self.transcript != t {
                self.transcript = Rc::new(t);
            }
        }
        self.cache.trace_len = trace.len();
    }
}

fn transcript(s: &Session) -> Vec<ConsoleEntry> {
    s.transcript(TRANSCRIPT)
        .into_iter()
        .map(|(command, output, exit)| ConsoleEntry {
            command,
            output,
            exit,
        })
        .collect()
}

/// What `World::diagnose` read last time (`diagnose.rs`: the text; the feature gate;
/// namespaces and other objects; which Services, StorageClasses exist; the existing
/// StatefulSets' names, uids and specs, for the update rules; and, only when the text
/// holds such documents, which Pods, claims and volumes exist).
#[derive(Default)]
struct DiagnosticsKey {
    text: String,
    /// Kinds of the text's documents (set with `text`).
    kinds: Vec<String>,
    gate: bool,
    others: Vec<(String, String, String)>,
    services: Vec<Key>,
    classes: Vec<String>,
    sets: Vec<(Key, String, StatefulSetSpec)>,
    volumes: Vec<String>,
    valid: bool,
}

impl DiagnosticsKey {
    /// The editor's problems if they can have changed since the last call (`names`:
    /// the pods or claims may have been added or removed).
    fn refresh(&mut self, s: &Session, names: bool) -> Option<Vec<Diagnostic>> {
        let w = s.world();
        if self.text != s.manifest || !self.valid {
            self.text = s.manifest.clone();
            self.kinds = sts_engine::manifest::parse(&self.text)
                .docs
                .iter()
                .map(|d| d.object.kind().to_string())
                .collect();
            self.valid = false;
        }
        let has = |k: &str| self.kinds.iter().any(|x| x == k);
        let same = self.valid
            && self.gate == w.config.gates.max_unavailable_stateful_set
            && self.others.iter().eq(w.others.keys())
            && self.services.iter().eq(w.services.keys())
            && self.classes.iter().eq(w.classes.keys())
            && self
                .sets
                .iter()
                .map(|(k, uid, spec)| (k, uid, spec))
                .eq(w.sets.iter().map(|(k, s)| (k, &s.metadata.uid, &s.spec)))
            && (!has("PersistentVolume") || self.volumes.iter().eq(w.volumes.keys()))
            && (!names || !(has("Pod") || has("PersistentVolumeClaim")));
        if same {
            return None;
        }
        self.gate = w.config.gates.max_unavailable_stateful_set;
        self.others = w.others.keys().cloned().collect();
        self.services = w.services.keys().cloned().collect();
        self.classes = w.classes.keys().cloned().collect();
        self.sets = w
            .sets
            .iter()
            .map(|(k, s)| (k.clone(), s.metadata.uid.clone(), s.spec.clone()))
            .collect();
        self.volumes = if has("PersistentVolume") {
            w.volumes.keys().cloned().collect()
        } else {
            Vec::new()
        };
        self.valid = true;
        Some(s.diagnostics())
    }
}

/// Equal panel data (the caches are not compared).
impl PartialEq for Derived {
    fn eq(&self, o: &Derived) -> bool {
        *self.picture == *o.picture
            && *self.why == *o.why
            && *self.sets == *o.sets
            && *self.watch == *o.watch
            && self.watch_first == o.watch_first
            && *self.events == *o.events
            && self.events_first == o.events_first
            && *self.markers == *o.markers
            && *self.transcript == *o.transcript
            && *self.completions == *o.completions
            && *self.lesson == *o.lesson
            && *self.diagnostics == *o.diagnostics
            && self.prompt == o.prompt
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Derived")
            .field("picture", &self.picture)
            .field("why", &self.why)
            .field("sets", &self.sets)
            .field("watch", &self.watch)
            .field("watch_first", &self.watch_first)
            .field("events", &self.events)
            .field("events_first", &self.events_first)
            .field("markers", &self.markers)
            .field("transcript", &self.transcript)
            .field("completions", &self.completions)
            .field("lesson", &self.lesson)
            .field("diagnostics", &self.diagnostics)
            .field("prompt", &self.prompt)
            .finish()
    }
}

#[cfg(test)]
mod tests;
