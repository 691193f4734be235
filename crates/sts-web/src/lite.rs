//! The first stage: a small app that draws the same page from build-time
//! [frames](crate::frames) while the full app (the engine, most of the download) loads.
//! Stepping, going back, the scrubber, play, "next action", "run until settled", the
//! scenario picker, the language and the help work at once; the console, the editor and
//! faults wait for the engine, and a scenario picked here opens when it arrives. When the engine is ready, [`stop`] unmounts this app and
//! returns a [`Handoff`] with which the full app continues from the same step.
//!
//! It serves a fresh visit only: a share link (`#s=`), a saved session or a `?seed=`
//! needs the engine to replay, so the page then loads the full app directly.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use yew::prelude::*;

pub use crate::frames::Handoff;

use crate::browser::{self, STORAGE_KEY};
use crate::derived::{keep, Panels};
use crate::embed::Embed;
use crate::frames::FrameSet;
use crate::i18n::Lang;
use crate::page::{self, Catalog, Page, PageCallbacks, Stage};
use crate::session::DEFAULT_SCENARIO;
use crate::timebar;

thread_local! {
    static HANDLE: RefCell<Option<yew::AppHandle<Lite>>> = const { RefCell::new(None) };
    /// The running app's state, as the full app would continue it.
    static STATE: RefCell<Option<Handoff>> = const { RefCell::new(None) };
}

/// The scenario the first stage can show for this address, if any.
fn scenario_for_address() -> Option<String> {
    if browser::fragment_state().is_some() || browser::query("seed").is_some() {
        return None;
    }
    if let Some(id) = browser::query("scenario") {
        return Some(id);
    }
    if browser::stored(STORAGE_KEY).is_some() {
        return None;
    }
    Some(DEFAULT_SCENARIO.to_string())
}

/// The scenario whose frames the first stage should show for this address
/// (`frames/<id>.bin` next to the page), or none when the address needs the engine.
pub fn scenario() -> Option<String> {
    scenario_for_address().filter(|id| {
        !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

/// Mounts the first stage into `#app`, showing `frames` (the file [`scenario`] named);
/// false (nothing mounted) when the file is not usable.
pub fn start(frames: &[u8]) -> bool {
    let Ok(set) = FrameSet::decode(frames) else {
        return false;
    };
    let Some(root) = browser::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    else {
        return false;
    };
    yew::set_custom_panic_hook(Box::new(crate::start::panic_hook));
    root.set_inner_html("");
    let handle = yew::Renderer::<Lite>::with_root_and_props(
        root,
        LiteProps {
            frames: Rc::new(set),
        },
    )
    .render();
    HANDLE.with(|h| *h.borrow_mut() = Some(handle));
    true
}

/// Unmounts the first stage and returns where it was, for the full app's `start`
/// ([`Handoff::encode`]).
pub fn stop() -> Option<Vec<u8>> {
    if let Some(handle) = HANDLE.with(|h| h.borrow_mut().take()) {
        handle.destroy();
    }
    STATE.with(|s| s.borrow_mut().take())?.encode()
}

#[derive(Properties, PartialEq)]
pub struct LiteProps {
    pub frames: Rc<FrameSet>,
}

pub enum LiteMsg {
    Step,
    Action,
    Back,
    Settle,
    Seek(usize),
    Play,
    Tick,
    Speed(u32),
    Open(String),
    ToggleLang,
    Help(bool),
    DismissError,
    Key(String),
    /// Asked of the engine, which is not here yet.
    Wait,
}

pub struct Lite {
    set: Rc<FrameSet>,
    /// Frame shown.
    at: usize,
    /// Frames reached (the end of the timeline).
    reached: usize,
    /// The scenario picked (its frames may still be loading).
    picked: String,
    lang: Lang,
    speed: u32,
    play: Option<Interval>,
    help: bool,
    error: Option<(String, String)>,
    catalog: Catalog,
    completed: Vec<String>,
    manifest: AttrValue,
    d: Panels,
    cb: PageCallbacks,
    embed: Embed,
    _keys: Option<EventListener>,
}

fn callbacks(link: &yew::html::Scope<Lite>) -> PageCallbacks {
    let unit = |m: fn() -> LiteMsg| link.callback(move |_: ()| m());
    PageCallbacks {
        step: unit(|| LiteMsg::Step),
        action: unit(|| LiteMsg::Action),
        back: unit(|| LiteMsg::Back),
        play: unit(|| LiteMsg::Play),
        settle: unit(|| LiteMsg::Settle),
        speed: link.callback(LiteMsg::Speed),
        seek: link.callback(LiteMsg::Seek),
        fault: link.callback(|_| LiteMsg::Wait),
        run: link.callback(|_| LiteMsg::Wait),
        interrupt: unit(|| LiteMsg::Wait),
        edit: link.callback(|_| LiteMsg::Wait),
        apply: unit(|| LiteMsg::Wait),
        reset_manifest: unit(|| LiteMsg::Wait),
        lesson_next: unit(|| LiteMsg::Wait),
        lesson_hint: unit(|| LiteMsg::Wait),
        lesson_solve: unit(|| LiteMsg::Wait),
        lesson_restart: unit(|| LiteMsg::Wait),
        lesson_reset: unit(|| LiteMsg::Wait),
        open: link.callback(LiteMsg::Open),
        toggle_lang: unit(|| LiteMsg::ToggleLang),
        help: link.callback(LiteMsg::Help),
        dismiss_error: unit(|| LiteMsg::DismissError),
        export_scenario: unit(|| LiteMsg::Wait),
        import_file: link.callback(|_| LiteMsg::Wait),
    }
}

/// The panels' data at frame `at` (no markers: they mark the user's own commands).
fn derive(set: &FrameSet, at: usize, lesson: &Rc<crate::lesson::LessonView>) -> Panels {
    // `FrameSet::decode` refuses a set without frames; the empty page is only a guard.
    let f = set.frames.get(at).or(set.frames.first());
    Panels {
        picture: f.map(|f| set.picture(f)).unwrap_or_default(),
        why: f.map_or_else(|| Rc::new(crate::panels::Why::Settled), |f| f.why.clone()),
        sets: f.map(|f| f.sets.clone()).unwrap_or_default(),
        watch: Rc::new(f.map(|f| set.watch_lines(f)).unwrap_or_default()),
        // The first stage draws each log as one text node (no blocks to key).
        watch_first: 0,
        events: Rc::new(f.map(|f| set.event_rows(f)).unwrap_or_default()),
        events_first: 0,
        markers: Rc::new(Vec::new()),
        lesson: lesson.clone(),
        prompt: AttrValue::from(set.prompt.clone()),
    }
}

impl Lite {
    fn last(&self) -> usize {
        self.set.frames.len().saturating_sub(1)
    }

    fn go(&mut self, at: usize) {
        self.at = at.min(self.last());
        self.reached = self.reached.max(self.at);
        let d = derive(&self.set, self.at, &self.d.lesson);
        keep(&mut self.d.picture, d.picture);
        keep(&mut self.d.why, d.why);
        keep(&mut self.d.sets, d.sets);
        keep(&mut self.d.watch, d.watch);
        keep(&mut self.d.events, d.events);
        self.record();
    }

    fn record(&self) {
        // A scenario picked here opens from its start in the full app.
        let same = self.picked == self.set.scenario;
        let state = Handoff {
            scenario: self.picked.clone(),
            reached: if same { self.reached } else { 0 },
            at: if same { self.at } else { 0 },
            lang: self.lang,
            playing: self.play.is_some(),
            speed: self.speed,
            help: self.help,
        };
        STATE.with(|s| *s.borrow_mut() = Some(state));
    }

    fn stop_play(&mut self) {
        self.play = None;
    }

    fn start_play(&mut self, ctx: &Context<Self>) {
        self.play = Some(timebar::player(
            self.speed,
            ctx.link().callback(|_| LiteMsg::Tick),
        ));
    }
}

impl Component for Lite {
    type Message = LiteMsg;
    type Properties = LiteProps;

    fn create(ctx: &Context<Self>) -> Self {
        let set = ctx.props().frames.clone();
        let embed = Embed::flags_from_address();
        let lang = browser::initial_lang(!embed.embed, None);
        browser::set_document_lang(lang);
        let lesson = Rc::new(set.lesson.clone());
        let d = derive(&set, 0, &lesson);
        let mut lite = Lite {
            catalog: Rc::new(set.catalog.clone()),
            completed: browser::completed(),
            manifest: AttrValue::from(set.manifest.clone()),
            picked: set.scenario.clone(),
            set,
            at: 0,
            reached: 0,
            lang,
            speed: 20,
            play: None,
            help: false,
            error: None,
            d,
            cb: callbacks(ctx.link()),
            embed,
            _keys: browser::key_listener(ctx.link().callback(LiteMsg::Key)),
        };
        if lite.embed.autoplay {
            lite.start_play(ctx);
        }
        lite.record();
        lite
    }

    fn update(&mut self, ctx: &Context<Self>, msg: LiteMsg) -> bool {
        match msg {
            LiteMsg::Step => {
                self.stop_play();
                self.go(self.at + 1);
            }
            LiteMsg::Action => {
                self.stop_play();
                let next = self.set.frames.get(self.at).and_then(|f| f.next_action);
                self.go(next.map_or(self.last(), |n| n as usize));
            }
            LiteMsg::Back => {
                self.stop_play();
                self.go(self.at.saturating_sub(1));
            }
            LiteMsg::Settle => {
                self.stop_play();
                self.go(self.last());
            }
            LiteMsg::Seek(p) => {
                self.stop_play();
                // The scrubber speaks in timeline positions.
                let p = p.saturating_sub(self.set.start).min(self.reached);
                self.go(p);
            }
            LiteMsg::Play => {
                if self.play.is_some() {
                    self.stop_play();
                } else {
                    self.start_play(ctx);
                }
                self.record();
            }
            LiteMsg::Tick => {
                let (_, n) = timebar::tick(self.speed);
                let to = (self.at + n).min(self.last());
                if to == self.at {
                    self.stop_play();
                }
                self.go(to);
            }
            LiteMsg::Speed(v) => {
                self.speed = v.min(timebar::SPEED_MAX);
                if self.play.is_some() {
                    self.start_play(ctx);
                }
                self.record();
            }
            LiteMsg::Open(id) => {
                // The engine opens it when it arrives (the hand-over names it).
                self.stop_play();
                self.picked = id;
                self.record();
            }
            LiteMsg::ToggleLang => {
                self.lang = self.lang.other();
                browser::set_document_lang(self.lang);
                browser::store_lang(self.lang);
                self.record();
            }
            LiteMsg::Help(open) => {
                self.help = open;
                self.record();
            }
            LiteMsg::DismissError => self.error = None,
            LiteMsg::Key(k) => {
                page::key_action(&k, &self.cb, self.help);
                return false;
            }
            LiteMsg::Wait => return false,
        }
        true
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let set = &self.set;
        let Some(f) = set.frames.get(self.at) else {
            return Html::default();
        };
        page::view(
            &Page {
                lang: self.lang,
                stage: Stage::Loading,
                catalog: &self.catalog,
                completed: &self.completed,
                scenario: &self.picked,
                error: self.error.as_ref(),
                d: &self.d,
                position: set.start + self.at,
                len: set.start + self.reached,
                time: AttrValue::from(f.time.clone()),
                playing: self.play.is_some(),
                speed: self.speed,
                idle: f.idle,
                notice: None,
                editing: false,
                console: page::still_console(self.lang, &self.d.prompt),
                editor: page::still_editor(self.lang, &self.manifest),
                diff: page::still_diff(self.lang),
                apply_result: None,
                help: self.help,
                embed: &self.embed,
                full_link: self
                    .embed
                    .embed
                    .then(|| AttrValue::from(Embed::full_link(&self.picked, self.lang))),
            },
            &self.cb,
        )
    }
}
