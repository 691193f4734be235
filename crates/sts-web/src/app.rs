//! The page: one struct component owning the [`Session`], turning clicks, keys and
//! timer ticks into session actions, and handing each panel the data it shows. Derived
//! data is recomputed once per action and passed down in `Rc`s, so panels whose data
//! did not change are not re-rendered.

use std::rc::Rc;

use gloo::events::EventListener;
use gloo::storage::{LocalStorage, Storage};
use gloo::timers::callback::{Interval, Timeout};
use sts_engine::timeline::Fault;
use yew::prelude::*;

use crate::browser::{self, STORAGE_KEY, URL_KEY};
use crate::components::console::Console;
use crate::components::diffview::DiffView;
use crate::components::editor::Editor;
use crate::derived::Derived;
use crate::embed::Embed;
use crate::host::{self, Bridge, Command, Incoming, LessonAction, Outbox};
use crate::i18n::Lang;
use crate::lesson::Beat;
use crate::lite::Handoff;
use crate::page::{self, Catalog, Page, PageCallbacks, Stage};
use crate::session::{self, Notice, Session};
use crate::share;
use crate::timebar;

/// How long after an action the address is updated.
const URL_DELAY_MS: u32 = 300;

/// Messages: everything a user (or the playback timer) can do.
pub enum Msg {
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
    Edit(String),
    Apply,
    ResetManifest,
    Run(String),
    Interrupt,
    Fault(Fault),
    LessonNext,
    LessonHint,
    LessonSolve,
    LessonRestart,
    LessonReset,
    DismissError,
    Key(String),
    HashChanged,
    WriteUrl,
    /// A message from the page around an embedded playground ([`crate::host`]).
    Host(Incoming),
    /// `mode=autoplay`: go on to the lesson's next narration or task.
    AutoNext,
    // A scenario file out of and into the page.
    ExportScenario,
    ImportFile(web_sys::File),
    Imported(Result<String, session::Bilingual>),
}

/// `mode=autoplay`: how long a narration or a finished task stays on screen before the
/// lesson goes on (virtual time runs meanwhile only if something is pending).
const AUTOPLAY_PAUSE_MS: u32 = 3_000;

/// Options for mounting the app (tests mount it without touching the URL or storage).
#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    /// Open this scenario instead of reading the URL and saved state.
    #[prop_or_default]
    pub scenario: Option<AttrValue>,
    /// Read and write the URL fragment and localStorage.
    #[prop_or(true)]
    pub persist: bool,
    /// The language when nothing else decides it.
    #[prop_or_default]
    pub lang: Option<Lang>,
    /// Take over from the first-stage app: its scenario, position and choices.
    #[prop_or_default]
    pub handoff: Option<Rc<Handoff>>,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            scenario: None,
            persist: true,
            lang: None,
            handoff: None,
        }
    }
}

/// The page's callbacks, made once.
fn callbacks(link: &yew::html::Scope<App>) -> PageCallbacks {
    let unit = |m: fn() -> Msg| link.callback(move |_: ()| m());
    PageCallbacks {
        step: unit(|| Msg::Step),
        action: unit(|| Msg::Action),
        back: unit(|| Msg::Back),
        play: unit(|| Msg::Play),
        settle: unit(|| Msg::Settle),
        speed: link.callback(Msg::Speed),
        seek: link.callback(Msg::Seek),
        fault: link.callback(Msg::Fault),
        run: link.callback(Msg::Run),
        interrupt: unit(|| Msg::Interrupt),
        edit: link.callback(Msg::Edit),
        apply: unit(|| Msg::Apply),
        reset_manifest: unit(|| Msg::ResetManifest),
        lesson_next: unit(|| Msg::LessonNext),
        lesson_hint: unit(|| Msg::LessonHint),
        lesson_solve: unit(|| Msg::LessonSolve),
        lesson_restart: unit(|| Msg::LessonRestart),
        lesson_reset: unit(|| Msg::LessonReset),
        open: link.callback(Msg::Open),
        toggle_lang: unit(|| Msg::ToggleLang),
        help: link.callback(Msg::Help),
        dismiss_error: unit(|| Msg::DismissError),
        export_scenario: unit(|| Msg::ExportScenario),
        import_file: link.callback(Msg::ImportFile),
    }
}

pub struct App {
    s: Session,
    cb: PageCallbacks,
    lang: Lang,
    catalog: Catalog,
    /// Lessons completed in this browser (kept in localStorage).
    completed: Vec<String>,
    speed: u32,
    play: Option<Interval>,
    help: bool,
    /// The error banner: (English, Chinese).
    error: Option<(String, String)>,
    d: Derived,
    /// What the address asked for (`embed`, `mode`, `origin`); the default when the app
    /// does not read the address (tests).
    embed: Embed,
    /// Write the session to localStorage and the address: a page of its own, not an
    /// embed (embeds on one page would overwrite each other's saved session).
    store: bool,
    /// Talks to the page around an embed.
    bridge: Option<Bridge>,
    outbox: Outbox,
    /// An embed's "Open full playground" address ([`App::update_full_link`]).
    full_link: Option<AttrValue>,
    /// `mode=autoplay` drives the page until the viewer does something.
    autoplay: bool,
    auto_timer: Option<Timeout>,
    last_saved: String,
    url_timer: Option<Timeout>,
    link: yew::html::Scope<App>,
    _listeners: Vec<EventListener>,
}

/// A message in (English, Chinese).
type Bilingual = (String, String);

/// Restores a session from an encoded text; the error to show if it fails.
fn restore_text(text: &str) -> Result<(Session, Option<Bilingual>), Bilingual> {
    let saved = share::decode(text).map_err(|e| e.message())?;
    let (s, warning) = share::restore(&saved).map_err(|e| e.message())?;
    Ok((s, warning.map(|w| w.message())))
}

/// The default scenario (a test checks that every built-in scenario opens); an empty
/// cluster if it somehow did not, rather than a dead page.
fn default_session() -> Session {
    Session::open(session::DEFAULT_SCENARIO).unwrap_or_else(|_| {
        let empty = sts_engine::scenario::Scenario {
            scenario: "custom".into(),
            title: Default::default(),
            summary: None,
            lesson: None,
            kubernetes: "1.32".into(),
            seed: 0,
            cluster: Default::default(),
            manifests: String::new(),
            files: Default::default(),
            steps: Vec::new(),
        };
        Session::from_scenario("custom", empty, None)
    })
}

fn initial_session(props: &AppProps, store: bool) -> (Session, Option<(String, String)>) {
    if let Some(h) = &props.handoff {
        // The first stage showed frames of this scenario computed by stepping it from
        // the start: stepping the same number of times reaches the same world.
        return match Session::open(&h.scenario) {
            Ok(mut s) => {
                let start = s.tl.position();
                // The first stage never gets further than its frames.
                for _ in 0..h.reached.min(crate::frames::MAX_FRAMES) {
                    s.step();
                }
                s.seek(start + h.at);
                s.notice = None;
                (s, None)
            }
            Err(e) => (default_session(), Some((e.clone(), e))),
        };
    }
    if let Some(id) = &props.scenario {
        return match Session::open(id) {
            Ok(s) => (s, None),
            Err(e) => (default_session(), Some((e.clone(), e))),
        };
    }
    if !props.persist {
        return (default_session(), None);
    }
    if let Some(mut text) = browser::fragment_state() {
        // Our own address from before a reload: localStorage has the same session,
        // possibly a few actions newer (the address is written with a delay).
        if store && LocalStorage::get::<String>(URL_KEY).is_ok_and(|u| u == text) {
            if let Ok(latest) = LocalStorage::get::<String>(STORAGE_KEY) {
                text = latest;
            }
        }
        return match restore_text(&text) {
            Ok((s, warning)) => (s, warning),
            Err(e) => (default_session(), Some(e)),
        };
    }
    if let Some(id) = browser::query("scenario") {
        let seed = browser::query("seed").and_then(|v| v.parse::<u64>().ok());
        return match session::scenario_source(id.as_str())
            .and_then(|t| sts_engine::scenario::parse(t).ok())
        {
            Some(sc) => (Session::from_scenario(&id, sc, seed), None),
            None => (
                default_session(),
                Some((
                    format!("There is no built-in scenario {id:?}; opening the default one."),
                    format!("没有名为 {id:?} 的内置场景；已打开默认场景。"),
                )),
            ),
        };
    }
    if !store {
        return (default_session(), None);
    }
    if let Ok(text) = LocalStorage::get::<String>(STORAGE_KEY) {
        return match restore_text(&text) {
            Ok((s, warning)) => (s, warning),
            Err((en, zh)) => (
                default_session(),
                Some((
                    format!("Your saved session could not be restored. {en}"),
                    format!("无法恢复已保存的会话。{zh}"),
                )),
            ),
        };
    }
    (default_session(), None)
}

impl App {
    fn changed(&mut self) {
        self.d.update(&self.s);
        // A finished lesson is remembered in this browser (the picker marks it).
        // (An imported scenario's id may be a built-in's: it does not count.)
        if self.s.lesson_finished()
            && self.s.source.is_none()
            && !self.completed.contains(&self.s.id)
        {
            self.completed = if self.store {
                browser::store_completed(&self.s.id)
            } else {
                let mut c = self.completed.clone();
                c.push(self.s.id.clone());
                c
            };
        }
        if self.play.is_none() {
            self.save();
        }
        self.update_full_link();
        self.publish();
    }

    /// The state a host page is told about ([`host::state`]).
    fn host_state(&self) -> serde_json::Value {
        host::state(
            &self.s,
            &self.d.lesson,
            self.lang,
            self.play.is_some(),
            &self.embed,
        )
    }

    /// Posts what changed to the page around an embed.
    fn publish(&mut self) {
        let Some(bridge) = &self.bridge else { return };
        let state = self.host_state();
        for m in self.outbox.changes(&self.s, state) {
            bridge.post(&m);
        }
    }

    /// The viewer (or the host) took over: autoplay stops for good.
    fn take_over(&mut self) {
        self.autoplay = false;
        self.auto_timer = None;
    }

    /// `mode=autoplay`, once playback found nothing more to do: go on with the lesson
    /// after a pause, or stop when there is nothing to go on with.
    fn autoplay_later(&mut self) {
        let v = &self.d.lesson;
        if !self.autoplay || v.beats == 0 || v.finished {
            self.autoplay = false;
            return;
        }
        let link = self.link.clone();
        self.auto_timer = Some(Timeout::new(AUTOPLAY_PAUSE_MS, move || {
            link.send_message(Msg::AutoNext)
        }));
    }

    /// Carries out a host's command; the reply's fields, or why not.
    fn host_command(
        &mut self,
        ctx: &Context<Self>,
        cmd: Command,
    ) -> Result<serde_json::Value, host::Refusal> {
        use serde_json::json;
        if cmd.types() && !self.embed.can_type() {
            return Err(host::readonly_refusal());
        }
        if !matches!(cmd, Command::State | Command::Snapshot) {
            self.take_over();
        }
        match cmd {
            Command::Step(n) => {
                self.stop();
                let mut done = 0;
                for _ in 0..n {
                    if !self.s.step() {
                        break;
                    }
                    done += 1;
                }
                return Ok(json!({"steps": done}));
            }
            Command::Action => {
                self.stop();
                self.s.step_action();
            }
            Command::Back(n) => {
                self.stop();
                for _ in 0..n {
                    self.s.back();
                }
            }
            Command::Seek(p) => {
                self.stop();
                if p > self.s.tl.len() {
                    return Err((
                        format!(
                            "Position {p} is past the end of the timeline ({}).",
                            self.s.tl.len()
                        ),
                        format!("位置 {p} 超出了时间线的末尾（{}）。", self.s.tl.len()),
                    ));
                }
                self.s.seek(p);
            }
            Command::Settle => {
                self.stop();
                let steps = self.s.settle();
                return Ok(json!({"steps": steps}));
            }
            Command::Play => {
                if self.play.is_none() {
                    self.start(ctx);
                }
            }
            Command::Pause => self.stop(),
            Command::Run(line) => {
                self.stop();
                let out = self.s.run_command(&line);
                return Ok(json!({"output": out.output, "exit": out.exit}));
            }
            Command::Apply(text) => {
                self.stop();
                self.s.manifest = text;
                let out = self.s.apply();
                return Ok(json!({"output": out.output, "exit": out.exit}));
            }
            Command::Load(id) => {
                self.stop();
                if self.open(&id).is_err() {
                    return Err((
                        format!("There is no built-in scenario {id:?}."),
                        format!("没有名为 {id:?} 的内置场景。"),
                    ));
                }
            }
            Command::Lang(l) => self.set_lang(l),
            Command::Lesson(a) => {
                self.stop();
                match a {
                    LessonAction::Next => self.s.lesson_next(),
                    LessonAction::Hint => self.s.lesson_hint(),
                    LessonAction::Solve => self.s.lesson_solve(),
                    LessonAction::Reset => self.s.lesson_reset_task(),
                    LessonAction::Restart => self.s.lesson_restart(),
                }
            }
            Command::State => {}
            Command::Snapshot => return Ok(json!({"snapshot": host::snapshot(&self.s)})),
        }
        Ok(json!({}))
    }

    /// Switches the language (remembered when the page stores its choices).
    fn set_lang(&mut self, l: Lang) {
        self.lang = l;
        browser::set_document_lang(l);
        if self.store {
            browser::store_lang(l);
        }
        self.update_full_link();
    }

    /// Opens a built-in scenario (the picker, a host's `load`); the console history
    /// stays.
    fn open(&mut self, id: &str) -> Result<(), String> {
        let mut s = Session::open(id)?;
        s.typed = std::mem::take(&mut self.s.typed);
        self.s = s;
        Ok(())
    }

    /// Brings the embed's link to the same state in the full playground up to date
    /// (once per change, not per render: it encodes the whole session).
    fn update_full_link(&mut self) {
        self.full_link = self.link_to_full();
    }

    fn link_to_full(&self) -> Option<AttrValue> {
        if !self.embed.embed {
            return None;
        }
        let path = browser::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default();
        Some(AttrValue::from(format!(
            "{path}?lang={}#s={}",
            self.lang.code(),
            share::encode(&share::save(&self.s))
        )))
    }

    /// Writes the session to localStorage now, and to the address a moment later
    /// (`history.replaceState` with a long address costs about a millisecond and a
    /// half, too much for every step of a playback).
    fn save(&mut self) {
        if !self.store {
            return;
        }
        let text = share::encode(&share::save(&self.s));
        if text == self.last_saved {
            return;
        }
        let _ = LocalStorage::set(STORAGE_KEY, &text);
        self.last_saved = text;
        if self.url_timer.is_none() {
            let link = self.link.clone();
            self.url_timer = Some(Timeout::new(URL_DELAY_MS, move || {
                link.send_message(Msg::WriteUrl)
            }));
        }
    }

    /// Puts the last saved session in the address, and remembers that it did: on a
    /// reload, an address that still holds this text means localStorage has the newer
    /// state of the same session.
    fn write_url(&mut self) {
        self.url_timer = None;
        if let Some(w) = browser::window() {
            if let Ok(h) = w.history() {
                let url = format!(
                    "{}#s={}",
                    w.location().pathname().unwrap_or_default(),
                    self.last_saved
                );
                if h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
                    .is_ok()
                {
                    let _ = LocalStorage::set(URL_KEY, &self.last_saved);
                }
            }
        }
    }

    fn stop(&mut self) {
        if self.play.take().is_some() {
            self.save();
        }
    }

    fn start(&mut self, ctx: &Context<Self>) {
        self.play = Some(timebar::player(
            self.speed,
            ctx.link().callback(|_| Msg::Tick),
        ));
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let props = ctx.props();
        let (embed, warnings) = if props.persist {
            Embed::from_address()
        } else {
            (Embed::default(), Vec::new())
        };
        let store = props.persist && !embed.embed;
        let lang = match &props.handoff {
            Some(h) => h.lang,
            None => browser::initial_lang(store, props.lang),
        };
        browser::set_document_lang(lang);
        if store && browser::query("lang").is_some() {
            // The address loses its query once the session is written to it: keep the
            // language a link asked for.
            browser::store_lang(lang);
        }
        let (s, mut error) = initial_session(props, store);
        if error.is_none() {
            error = warnings.into_iter().next();
        }
        let bridge = if embed.embed {
            Bridge::new(&embed, ctx.link().callback(Msg::Host))
        } else {
            None
        };
        let mut listeners = Vec::new();
        listeners.extend(browser::key_listener(ctx.link().callback(Msg::Key)));
        if store {
            if let Some(w) = browser::window() {
                let link = ctx.link().clone();
                listeners.push(EventListener::new(&w, "hashchange", move |_| {
                    link.send_message(Msg::HashChanged)
                }));
            }
        }
        let d = Derived::of(&s);
        let outbox = Outbox::new(&s);
        let mut app = App {
            s,
            cb: callbacks(ctx.link()),
            lang,
            catalog: Rc::new(session::catalog()),
            completed: if store {
                browser::completed()
            } else {
                Vec::new()
            },
            speed: props
                .handoff
                .as_ref()
                .map_or(20, |h| h.speed.min(timebar::SPEED_MAX)),
            play: None,
            help: props.handoff.as_ref().is_some_and(|h| h.help),
            error,
            d,
            outbox,
            autoplay: embed.autoplay,
            auto_timer: None,
            bridge,
            full_link: None,
            embed,
            store,
            last_saved: String::new(),
            url_timer: None,
            link: ctx.link().clone(),
            _listeners: listeners,
        };
        app.save();
        app.update_full_link();
        if props.handoff.as_ref().is_some_and(|h| h.playing) || app.autoplay {
            app.start(ctx);
        }
        app
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first_render: bool) {
        if first_render {
            let state = self.host_state();
            if let Some(bridge) = &mut self.bridge {
                bridge.post(&host::message("ready", serde_json::json!({"state": state})));
                bridge.observe_size();
            }
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let viewer = !matches!(
            msg,
            Msg::Tick
                | Msg::WriteUrl
                | Msg::AutoNext
                | Msg::Host(_)
                | Msg::HashChanged
                | Msg::DismissError
                | Msg::Help(_)
                | Msg::ToggleLang
                | Msg::Speed(_)
        );
        if viewer && self.autoplay {
            self.take_over();
        }
        match msg {
            Msg::Step => {
                self.stop();
                self.s.step();
            }
            Msg::Action => {
                self.stop();
                self.s.step_action();
            }
            Msg::Back => {
                self.stop();
                self.s.back();
            }
            Msg::Settle => {
                self.stop();
                self.s.settle();
            }
            Msg::Seek(p) => {
                self.stop();
                self.s.seek(p);
            }
            Msg::Play => {
                if self.play.is_some() {
                    self.stop();
                } else {
                    self.start(ctx);
                }
                return true;
            }
            Msg::Tick => {
                let (_, n) = timebar::tick(self.speed);
                for _ in 0..n {
                    // Playing in the past replays the recorded future first.
                    if !self.s.tl.in_past() && self.s.world().quiet() {
                        self.s.notice = Some(if self.s.world().idle() {
                            Notice::Settled
                        } else {
                            Notice::Stuck
                        });
                        self.play = None;
                        self.autoplay_later();
                        break;
                    }
                    if self.s.tl.in_past() {
                        let p = self.s.tl.position() + 1;
                        self.s.seek(p);
                    } else {
                        self.s.step();
                    }
                }
                self.changed();
                return true;
            }
            Msg::Speed(v) => {
                self.speed = v.min(timebar::SPEED_MAX);
                if self.play.is_some() {
                    self.play = None;
                    self.start(ctx);
                }
                return true;
            }
            Msg::Open(id) => {
                self.stop();
                self.error = self.open(&id).err().map(|e| (e.clone(), e));
            }
            Msg::ToggleLang => {
                self.set_lang(self.lang.other());
                return true;
            }
            Msg::Help(open) => {
                self.help = open;
                return true;
            }
            Msg::Edit(text) => {
                self.s.manifest = text;
                self.d.diagnostics = Rc::new(self.s.diagnostics());
                self.save();
                self.update_full_link();
                return true;
            }
            Msg::Apply => {
                self.stop();
                self.s.apply();
            }
            Msg::ResetManifest => self.s.reset_manifest(),
            Msg::Run(line) => {
                self.stop();
                self.s.run_command(&line);
            }
            Msg::Interrupt => self.s.interrupt(),
            Msg::Fault(f) => {
                self.stop();
                self.s.fault(f);
            }
            Msg::LessonNext => {
                self.stop();
                self.s.lesson_next();
            }
            Msg::LessonHint => self.s.lesson_hint(),
            Msg::LessonSolve => {
                self.stop();
                self.s.lesson_solve();
            }
            Msg::LessonRestart => {
                self.stop();
                self.s.lesson_restart();
            }
            Msg::LessonReset => {
                self.stop();
                self.s.lesson_reset_task();
            }
            Msg::DismissError => {
                self.error = None;
                return true;
            }
            Msg::Key(k) => {
                page::key_action(&k, &self.cb, self.help);
                return false;
            }
            Msg::WriteUrl => {
                self.write_url();
                return false;
            }
            Msg::AutoNext => {
                self.auto_timer = None;
                if !self.autoplay {
                    return false;
                }
                let v = Rc::clone(&self.d.lesson);
                match &v.current {
                    Some(Beat::Task { done: false, .. }) => self.s.lesson_solve(),
                    _ if v.can_advance => self.s.lesson_next(),
                    _ => {
                        self.autoplay = false;
                        return false;
                    }
                }
                self.changed();
                self.start(ctx);
                return true;
            }
            Msg::Host(m) => {
                let reply = match m {
                    Incoming::Request(r) => {
                        let result = self.host_command(ctx, r.cmd);
                        self.changed();
                        let result = result.map(|mut v| {
                            v["state"] = self.host_state();
                            v
                        });
                        host::reply(&r.id, &r.name, result)
                    }
                    Incoming::Refused { id, name, why } => host::reply(&id, &name, Err(why)),
                    Incoming::NotOurs => return false,
                };
                if let Some(b) = &self.bridge {
                    b.post(&reply);
                }
                return true;
            }
            // ---- a scenario file out of and into the page --------------------------
            Msg::ExportScenario => {
                self.stop();
                let e = self.s.export_scenario();
                let name = format!("{}.yaml", e.id);
                self.error = if crate::files::download(&name, &e.yaml, "application/yaml") {
                    session::export_warning(&e)
                } else {
                    Some((
                        "The browser did not let the page start the download.".into(),
                        "浏览器不允许本页面开始下载。".into(),
                    ))
                };
                return true;
            }
            Msg::ImportFile(file) => {
                crate::files::read_text(&file, ctx.link().callback(Msg::Imported));
                return false;
            }
            Msg::Imported(read) => {
                self.stop();
                match read.and_then(|text| self.s.import(&text).map_err(|e| e.message())) {
                    Ok(()) => self.error = None,
                    // Nothing changed: only the banner.
                    Err(e) => {
                        self.error = Some(e);
                        return true;
                    }
                }
            }
            Msg::HashChanged => {
                let Some(text) = browser::fragment_state() else {
                    return false;
                };
                if text == self.last_saved {
                    return false;
                }
                self.stop();
                match restore_text(&text) {
                    Ok((s, warning)) => {
                        self.s = s;
                        self.error = warning;
                    }
                    Err(e) => self.error = Some(e),
                }
            }
        }
        self.changed();
        true
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let s = &self.s;
        let l = self.lang;
        // Settled and stuck are what the why banner says already; these add to it.
        let notice = s.notice.as_ref().and_then(|n| match n {
            Notice::Forked { at, dropped } => Some((l.pick_owned(
                format!("The timeline forked at position {at}: the {dropped} later entries were dropped."),
                format!("时间线已在位置 {at} 分叉：之后的 {dropped} 个条目已丢弃。"),
            ), true)),
            Notice::TaskReset { dropped } => Some((l.pick_owned(
                format!("The task starts over: the cluster is back where it began ({dropped} later entries dropped)."),
                format!("任务重新开始：集群已回到任务开始时的状态（之后的 {dropped} 个条目已丢弃）。"),
            ), true)),
            Notice::SettleLimit { steps } => Some((l.pick_owned(
                format!("Stopped after {steps} events so the page stays responsive; press again to continue."),
                format!("为保持页面响应，已在 {steps} 个事件后暂停；再按一次继续。"),
            ), false)),
            Notice::Settled | Notice::Stuck => None,
        });
        let manifest = AttrValue::from(s.manifest.clone());
        page::view(
            &Page {
                lang: l,
                stage: Stage::Full,
                catalog: &self.catalog,
                completed: &self.completed,
                scenario: &s.id,
                error: self.error.as_ref(),
                d: &self.d,
                position: s.tl.position(),
                len: s.tl.len(),
                time: AttrValue::from(s.world().now.to_string()),
                playing: self.play.is_some(),
                speed: self.speed,
                idle: s.world().idle(),
                notice,
                editing: s.editing.is_some(),
                console: html! {
                    <Console entries={self.d.transcript.clone()} completions={self.d.completions.clone()}
                        lang={l} on_run={self.cb.run.clone()} on_interrupt={self.cb.interrupt.clone()}
                        prompt={self.d.prompt.clone()} readonly={!self.embed.can_type()} />
                },
                editor: html! {
                    <Editor text={manifest.clone()} diagnostics={self.d.diagnostics.clone()}
                        lang={l} on_change={self.cb.edit.clone()} on_submit={self.cb.apply.clone()}
                        readonly={!self.embed.can_type()} label={AttrValue::from(l.pick("Manifest (YAML)", "清单（YAML）"))} />
                },
                diff: html! {
                    <DiffView old={AttrValue::from(s.applied.clone())} new={manifest} lang={l} />
                },
                apply_result: s.apply_result.as_ref(),
                help: self.help,
                embed: &self.embed,
                full_link: self.full_link.clone(),
            },
            &self.cb,
        )
    }
}
