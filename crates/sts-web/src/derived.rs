//! Everything the panels show, computed from the session once per change and handed
//! down in `Rc`s: a panel whose data compares equal keeps its old `Rc` and is not
//! re-rendered.

use std::rc::Rc;

use sts_engine::diagnose::Diagnostic;
use yew::AttrValue;

use crate::components::console::{Completions, ConsoleEntry};
use crate::lesson::LessonView;
use crate::panels::{self, EventRow, SetStatus, Why};
use crate::picture::{self, Picture};
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

/// Everything the panels show, computed once per change.
pub struct Derived {
    pub picture: Rc<Picture>,
    pub why: Rc<Why>,
    pub sets: Rc<Vec<SetStatus>>,
    pub watch: Rc<Vec<String>>,
    pub events: Rc<Vec<EventRow>>,
    pub markers: Rc<Vec<(usize, String, bool)>>,
    pub transcript: Rc<Vec<ConsoleEntry>>,
    pub completions: Rc<Completions>,
    pub lesson: Rc<LessonView>,
    pub diagnostics: Rc<Vec<Diagnostic>>,
    pub prompt: AttrValue,
}

impl Derived {
    pub fn of(s: &Session) -> Derived {
        let w = s.world();
        Derived {
            picture: Rc::new(picture::picture(w)),
            why: Rc::new(Why::of(w)),
            sets: Rc::new(panels::set_statuses(w)),
            watch: Rc::new(panels::watch_lines(w, panels::WATCH_LINES)),
            events: Rc::new(panels::event_rows(w, panels::EVENT_ROWS)),
            markers: Rc::new(s.markers()),
            transcript: Rc::new(
                s.transcript(TRANSCRIPT)
                    .into_iter()
                    .map(|(command, output, exit)| ConsoleEntry {
                        command,
                        output,
                        exit,
                    })
                    .collect(),
            ),
            completions: Rc::new(Completions::of(w)),
            lesson: Rc::new(LessonView::of(s)),
            diagnostics: Rc::new(s.diagnostics()),
            prompt: AttrValue::from(sts_engine::shell::prompt(w)),
        }
    }

    /// Replaces the values that changed, keeping the old `Rc`s for equal ones so
    /// the panels that show them skip re-rendering.
    pub fn update(&mut self, s: &Session) {
        let new = Derived::of(s);
        keep(&mut self.picture, new.picture);
        keep(&mut self.why, new.why);
        keep(&mut self.sets, new.sets);
        keep(&mut self.watch, new.watch);
        keep(&mut self.events, new.events);
        keep(&mut self.markers, new.markers);
        keep(&mut self.transcript, new.transcript);
        keep(&mut self.completions, new.completions);
        keep(&mut self.lesson, new.lesson);
        keep(&mut self.diagnostics, new.diagnostics);
        self.prompt = new.prompt;
    }
}
