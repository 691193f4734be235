//! Frames: what the page shows at each step of a built-in scenario, computed at build
//! time by the real engine (`sts-frames`, run by `cargo xtask`), so the first-stage app
//! ([`crate::lite`]) can show a scenario and step it forward and back before the engine
//! (most of the download) has arrived.
//!
//! A [`FrameSet`] covers one scenario from its start until it settles (or
//! [`MAX_FRAMES`]): frame `i` is the page after `i` steps. Values that repeat from frame
//! to frame are stored once: pictures in a pool, watch lines as a prefix of one list,
//! Events rows in a pool. The file is a small hand-written binary format ([`wire`]),
//! whose decoder costs the first stage far less than serde's.

use serde::{Deserialize, Serialize};
use std::rc::Rc;

mod wire;
use wire::{Reader, Wire};

use crate::i18n::Lang;
use crate::lesson::LessonView;
use crate::panels::{self, EventRow, SetStatus, Why};
use crate::picture::{self, Picture};
use crate::session::{self, CatalogEntry, Session};

/// The frames file format; a file of another version is not used.
/// 2: the hand-written encoding ([`wire`]) instead of postcard.
pub const VERSION: u32 = 2;
/// At most this many steps are precomputed (the built-in scenarios settle well before).
pub const MAX_FRAMES: usize = 300;

/// One scenario's frames.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameSet {
    pub version: u32,
    pub scenario: String,
    /// The scenario picker's list.
    pub catalog: Vec<CatalogEntry>,
    pub manifest: String,
    pub lesson: LessonView,
    pub prompt: String,
    /// The timeline position of frame 0 (the scenario's own set-up entries come first).
    pub start: usize,
    /// The last frame is settled (else the scenario was cut at [`MAX_FRAMES`]).
    pub settled: bool,
    pub frames: Vec<Frame>,
    /// Shared (`Rc`): the first stage hands a picture to the page without copying it.
    pub pictures: Vec<Rc<Picture>>,
    /// Every `kubectl get pods -w` line of the last frame; frame `i` shows a prefix.
    pub watch: Vec<String>,
    pub events: Vec<EventRow>,
}

/// The page after some number of steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Simulated time, as the time bar shows it.
    pub time: String,
    pub idle: bool,
    /// Index into [`FrameSet::pictures`].
    pub picture: u32,
    pub why: Rc<Why>,
    pub sets: Rc<Vec<SetStatus>>,
    /// How many of [`FrameSet::watch`] are written by now.
    pub watch: u32,
    /// Indices into [`FrameSet::events`], oldest first.
    pub events: Vec<u32>,
    /// The frame "run to the controller's next action" goes to.
    pub next_action: Option<u32>,
}

impl FrameSet {
    /// The watch lines frame `f` shows (the last [`panels::WATCH_LINES`]).
    pub fn watch_lines(&self, f: &Frame) -> Vec<String> {
        let end = (f.watch as usize).min(self.watch.len());
        let start = end.saturating_sub(panels::WATCH_LINES);
        self.watch[start..end].to_vec()
    }

    /// The Events rows frame `f` shows.
    pub fn event_rows(&self, f: &Frame) -> Vec<EventRow> {
        f.events
            .iter()
            .filter_map(|&i| self.events.get(i as usize).cloned())
            .collect()
    }

    pub fn picture(&self, f: &Frame) -> Rc<Picture> {
        self.pictures
            .get(f.picture as usize)
            .cloned()
            .unwrap_or_default()
    }

    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.put(&mut out);
        out
    }

    /// Reads a frames file; a file of another version or a damaged one is an error
    /// (the page then waits for the engine instead).
    pub fn decode(bytes: &[u8]) -> Result<FrameSet, String> {
        // The version comes first, so a file of another version is named as such.
        let v = u32::get(&mut Reader::new(bytes));
        if v != VERSION {
            return Err(format!("frames version {v} (expected {VERSION})"));
        }
        let set: FrameSet = Reader::decode(bytes).ok_or("damaged frames file")?;
        if set.frames.is_empty() {
            return Err("no frames".into());
        }
        Ok(set)
    }
}

/// Computes the frames of built-in scenario `id` with the engine, exactly as the full
/// app would show them after 0, 1, 2… presses of Step.
pub fn build(id: &str) -> Result<FrameSet, String> {
    let mut s = Session::open(id)?;
    let start = s.tl.position();
    let lesson = crate::lesson::LessonView::of(&s);
    let mut frames = Vec::new();
    let mut pictures: Vec<Rc<Picture>> = Vec::new();
    let mut events: Vec<EventRow> = Vec::new();
    let mut watch: Vec<String> = Vec::new();
    loop {
        let w = s.world();
        let pic = picture::picture(w);
        if pictures.last().map(|p| &**p) != Some(&pic) {
            pictures.push(Rc::new(pic));
        }
        // Every line so far: earlier frames' lines must be a prefix of it.
        let lines = panels::watch_lines(w, usize::MAX);
        if !lines.starts_with(&watch) {
            return Err(format!(
                "{id}: the watch lines of step {} do not extend the earlier ones",
                frames.len()
            ));
        }
        watch = lines;
        let rows = panels::event_rows(w, panels::EVENT_ROWS)
            .into_iter()
            .map(|row| match events.iter().position(|e| *e == row) {
                Some(i) => i as u32,
                None => {
                    events.push(row);
                    (events.len() - 1) as u32
                }
            })
            .collect();
        frames.push(Frame {
            time: w.now.to_string(),
            idle: w.idle(),
            picture: (pictures.len() - 1) as u32,
            why: Rc::new(Why::of(w)),
            sets: Rc::new(panels::set_statuses(w)),
            watch: watch.len() as u32,
            events: rows,
            next_action: None,
        });
        if w.idle() || frames.len() >= MAX_FRAMES {
            break;
        }
        let before = s.tl.position();
        s.step();
        if s.tl.position() == before {
            break;
        }
    }
    // "Next action" from each frame, by replaying from it; only targets inside the frames.
    let last = frames.len() - 1;
    for (i, f) in frames.iter_mut().enumerate() {
        s.seek(start + i);
        if s.step_action() {
            let at = s.tl.position().saturating_sub(start);
            f.next_action = (at <= last).then_some(at as u32);
        }
    }
    let settled = frames.last().is_some_and(|f| f.idle);
    Ok(FrameSet {
        version: VERSION,
        scenario: id.to_string(),
        catalog: session::catalog(),
        manifest: s.manifest.clone(),
        lesson,
        prompt: sts_engine::shell::prompt(s.world()),
        start,
        settled,
        frames,
        pictures,
        watch,
        events,
    })
}

/// The handover from the first-stage app to the full one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    pub scenario: String,
    /// Steps taken (the timeline's length beyond the scenario's set-up).
    pub reached: usize,
    /// Steps at the cursor (≤ `reached`; less when looking at the past).
    pub at: usize,
    pub lang: Lang,
    pub playing: bool,
    pub speed: u32,
    pub help: bool,
}

impl Handoff {
    /// The bytes the first stage hands to the full app's `start`.
    pub fn encode(&self) -> Option<Vec<u8>> {
        postcard::to_allocvec(self).ok()
    }

    pub fn decode(bytes: &[u8]) -> Option<Handoff> {
        postcard::from_bytes(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derived::Derived;

    /// Every frame equals what the full app derives after the same number of steps,
    /// and survives the file format.
    #[test]
    fn frames_match_the_engine_and_round_trip() {
        for id in ["ordered-creation", "partition-canary", "parallel"] {
            let set = build(id).unwrap();
            assert!(set.settled, "{id} settles within {MAX_FRAMES} steps");
            let bytes = set.encode();
            assert_eq!(FrameSet::decode(&bytes).unwrap(), set);
            let mut s = Session::open(id).unwrap();
            for (i, f) in set.frames.iter().enumerate() {
                let d = Derived::of(&s);
                assert_eq!(set.picture(f), d.picture, "{id} picture at step {i}");
                assert_eq!(f.why, d.why, "{id} why at step {i}");
                assert_eq!(f.sets, d.sets, "{id} status at step {i}");
                assert_eq!(set.watch_lines(f), *d.watch, "{id} watch at step {i}");
                assert_eq!(set.event_rows(f), *d.events, "{id} events at step {i}");
                assert_eq!(s.tl.position(), set.start + i);
                s.step();
            }
        }
    }

    /// "Next action" from a frame lands where the full app's does.
    #[test]
    fn next_action_matches_the_engine() {
        let set = build("ordered-creation").unwrap();
        let mut s = Session::open("ordered-creation").unwrap();
        for _ in 1..set.frames.len() {
            s.step();
        }
        for i in 0..set.frames.len() {
            s.seek(set.start + i);
            let acted = s.step_action();
            let want = acted.then(|| s.tl.position() - set.start);
            if let Some(n) = set.frames[i].next_action {
                assert_eq!(Some(n as usize), want, "from step {i}");
            } else {
                assert!(
                    want.is_none_or(|w| w >= set.frames.len()),
                    "from step {i}: {want:?}"
                );
            }
        }
    }

    #[test]
    fn damaged_or_foreign_files_are_refused() {
        let set = build("ordered-creation").unwrap();
        let bytes = set.encode();
        assert!(FrameSet::decode(&bytes[..bytes.len() / 2]).is_err());
        assert!(FrameSet::decode(b"").is_err());
        // Any cut is refused (every field's bytes are needed), and so are extra bytes.
        for end in (0..bytes.len()).step_by(37) {
            assert!(FrameSet::decode(&bytes[..end]).is_err(), "cut at {end}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(FrameSet::decode(&longer).is_err());
        // Damaged bytes never panic (they may decode to other text).
        for at in (0..bytes.len()).step_by(53) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0xa5;
            let _ = FrameSet::decode(&damaged);
        }
        let mut other = set.clone();
        other.version = VERSION + 1;
        let err = FrameSet::decode(&other.encode()).unwrap_err();
        assert!(err.contains("version"), "{err}");
    }
}
