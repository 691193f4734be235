//! The page: one struct component owning the [`Session`], turning clicks, keys and
//! timer ticks into session actions, and handing each panel the data it shows. Derived
//! data is recomputed once per action and passed down in `Rc`s, so panels whose data
//! did not change are not re-rendered.

use std::rc::Rc;

use gloo::events::EventListener;
use gloo::storage::{LocalStorage, Storage};
use gloo::timers::callback::{Interval, Timeout};
use sts_engine::timeline::Fault;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::cluster::Cluster;
use crate::components::console::Console;
use crate::components::diffview::DiffView;
use crate::components::editor::Editor;
use crate::derived::Derived;
use crate::i18n::Lang;
use crate::lesson::LessonPanel;
use crate::panels::{Logs, StatusBlock, WhyBanner};
use crate::session::{self, CatalogEntry, Notice, Session};
use crate::share;
use crate::timebar::{self, Timebar};

/// localStorage key of the saved session.
pub const STORAGE_KEY: &str = "sts-playground";
/// localStorage key of the session text last written to the address.
pub const URL_KEY: &str = "sts-playground-url";
/// How long after an action the address is updated.
const URL_DELAY_MS: u32 = 300;
/// localStorage key of the language choice.
pub const LANG_KEY: &str = "sts-playground-lang";

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
    DismissError,
    Key(String),
    HashChanged,
    WriteUrl,
}

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
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            scenario: None,
            persist: true,
            lang: None,
        }
    }
}

/// Callbacks made once, so that a child's props compare equal from one frame to the
/// next and unchanged children (e.g. 1,000 pod cards) are not re-rendered.
struct Callbacks {
    step: Callback<()>,
    action: Callback<()>,
    back: Callback<()>,
    play: Callback<()>,
    settle: Callback<()>,
    speed: Callback<u32>,
    seek: Callback<usize>,
    fault: Callback<Fault>,
    run: Callback<String>,
    interrupt: Callback<()>,
    edit: Callback<String>,
    apply: Callback<()>,
    lesson_next: Callback<()>,
    lesson_hint: Callback<()>,
    lesson_solve: Callback<()>,
    lesson_restart: Callback<()>,
}

impl Callbacks {
    fn new(link: &yew::html::Scope<App>) -> Callbacks {
        let unit = |m: fn() -> Msg| link.callback(move |_: ()| m());
        Callbacks {
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
            lesson_next: unit(|| Msg::LessonNext),
            lesson_hint: unit(|| Msg::LessonHint),
            lesson_solve: unit(|| Msg::LessonSolve),
            lesson_restart: unit(|| Msg::LessonRestart),
        }
    }
}

pub struct App {
    s: Session,
    cb: Callbacks,
    lang: Lang,
    catalog: Rc<Vec<CatalogEntry>>,
    speed: u32,
    play: Option<Interval>,
    help: bool,
    /// The error banner: (English, Chinese).
    error: Option<(String, String)>,
    d: Derived,
    persist: bool,
    last_saved: String,
    url_timer: Option<Timeout>,
    link: yew::html::Scope<App>,
    _listeners: Vec<EventListener>,
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The URL's query parameter `name`.
fn query(name: &str) -> Option<String> {
    let search = window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| {
            js_sys::decode_uri_component(v)
                .ok()
                .map(String::from)
                .unwrap_or_default()
        })
}

/// The fragment's `s=` value.
fn fragment_state() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("s="))
        .map(str::to_string)
}

fn initial_lang(props: &AppProps) -> Lang {
    if let Some(l) = query("lang").and_then(|v| Lang::from_code(&v)) {
        return l;
    }
    if props.persist {
        if let Ok(v) = LocalStorage::get::<String>(LANG_KEY) {
            if let Some(l) = Lang::from_code(&v) {
                return l;
            }
        }
    }
    if let Some(l) = props.lang {
        return l;
    }
    window()
        .and_then(|w| w.navigator().language())
        .and_then(|v| Lang::from_code(&v))
        .unwrap_or_default()
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

fn initial_session(props: &AppProps) -> (Session, Option<(String, String)>) {
    if let Some(id) = &props.scenario {
        return match Session::open(id) {
            Ok(s) => (s, None),
            Err(e) => (default_session(), Some((e.clone(), e))),
        };
    }
    if !props.persist {
        return (default_session(), None);
    }
    if let Some(mut text) = fragment_state() {
        // Our own address from before a reload: localStorage has the same session,
        // possibly a few actions newer (the address is written with a delay).
        if LocalStorage::get::<String>(URL_KEY).is_ok_and(|u| u == text) {
            if let Ok(latest) = LocalStorage::get::<String>(STORAGE_KEY) {
                text = latest;
            }
        }
        return match restore_text(&text) {
            Ok((s, warning)) => (s, warning),
            Err(e) => (default_session(), Some(e)),
        };
    }
    if let Some(id) = query("scenario") {
        let seed = query("seed").and_then(|v| v.parse::<u64>().ok());
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

fn is_text_field(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    tag == "input" || tag == "textarea" || tag == "select" || el.has_attribute("contenteditable")
}

fn set_document_lang(lang: Lang) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
    }
}

impl App {
    fn changed(&mut self) {
        self.d.update(&self.s);
        if self.play.is_none() {
            self.save();
        }
    }

    /// Writes the session to localStorage now, and to the address a moment later
    /// (`history.replaceState` with a long address costs about a millisecond and a
    /// half, too much for every step of a playback).
    fn save(&mut self) {
        if !self.persist {
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
        if let Some(w) = window() {
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
        let (ms, _) = timebar::tick(self.speed);
        let link = ctx.link().clone();
        self.play = Some(Interval::new(ms, move || link.send_message(Msg::Tick)));
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let props = ctx.props();
        let lang = initial_lang(props);
        set_document_lang(lang);
        if props.persist && query("lang").is_some() {
            // The address loses its query once the session is written to it: keep the
            // language a link asked for.
            let _ = LocalStorage::set(LANG_KEY, lang.code());
        }
        let (s, error) = initial_session(props);
        let mut listeners = Vec::new();
        if let Some(doc) = window().and_then(|w| w.document()) {
            let link = ctx.link().clone();
            listeners.push(EventListener::new(&doc, "keydown", move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if e.ctrl_key() || e.meta_key() || e.alt_key() || is_text_field(e.target()) {
                    if e.key() == "Escape" {
                        link.send_message(Msg::Help(false));
                    }
                    return;
                }
                let key = e.key();
                if matches!(key.as_str(), "s" | "a" | "b" | "p" | "r" | "?" | "Escape") {
                    e.prevent_default();
                    link.send_message(Msg::Key(key));
                }
            }));
        }
        if props.persist {
            if let Some(w) = window() {
                let link = ctx.link().clone();
                listeners.push(EventListener::new(&w, "hashchange", move |_| {
                    link.send_message(Msg::HashChanged)
                }));
            }
        }
        let d = Derived::of(&s);
        let mut app = App {
            s,
            cb: Callbacks::new(ctx.link()),
            lang,
            catalog: Rc::new(session::catalog()),
            speed: 20,
            play: None,
            help: false,
            error,
            d,
            persist: props.persist,
            last_saved: String::new(),
            url_timer: None,
            link: ctx.link().clone(),
            _listeners: listeners,
        };
        app.save();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
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
                match Session::open(&id) {
                    Ok(mut s) => {
                        s.typed = std::mem::take(&mut self.s.typed);
                        self.s = s;
                        self.error = None;
                    }
                    Err(e) => self.error = Some((e.clone(), e)),
                }
            }
            Msg::ToggleLang => {
                self.lang = self.lang.other();
                set_document_lang(self.lang);
                if self.persist {
                    let _ = LocalStorage::set(LANG_KEY, self.lang.code());
                }
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
            Msg::DismissError => {
                self.error = None;
                return true;
            }
            Msg::Key(k) => {
                let msg = match k.as_str() {
                    "s" => Msg::Step,
                    "a" => Msg::Action,
                    "b" => Msg::Back,
                    "p" => Msg::Play,
                    "r" => Msg::Settle,
                    "?" => Msg::Help(!self.help),
                    _ => Msg::Help(false),
                };
                return <Self as Component>::update(self, ctx, msg);
            }
            Msg::WriteUrl => {
                self.write_url();
                return false;
            }
            Msg::HashChanged => {
                let Some(text) = fragment_state() else {
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

    fn view(&self, ctx: &Context<Self>) -> Html {
        let l = self.lang;
        let link = ctx.link();
        let s = &self.s;
        let readonly = false;
        let cb = &self.cb;
        let on_open = link.callback(|e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            Msg::Open(sel.value())
        });
        let options = self.catalog.iter().map(|c| {
            html! {
                <option key={c.id} value={c.id} selected={c.id == s.id}>
                    { format!("{}{}", l.text(&c.title), if c.lesson { "" } else { l.pick(" (demo)", "（演示）") }) }
                </option>
            }
        });
        let in_past = s.tl.in_past();
        // Settled and stuck are what the why banner says already; these add to it.
        let notice = s.notice.as_ref().and_then(|n| match n {
            Notice::Forked { at, dropped } => Some(l.pick_owned(
                format!("The timeline forked at position {at}: the {dropped} later entries were dropped."),
                format!("时间线已在位置 {at} 分叉：之后的 {dropped} 个条目已丢弃。"),
            )),
            Notice::SettleLimit { steps } => Some(l.pick_owned(
                format!("Stopped after {steps} events so the page stays responsive; press again to continue."),
                format!("为保持页面响应，已在 {steps} 个事件后暂停；再按一次继续。"),
            )),
            Notice::Settled | Notice::Stuck => None,
        });
        let has_lesson = self.d.lesson.beats > 0;
        let apply_label = if s.editing.is_some() {
            l.pick("Save edit", "保存编辑")
        } else {
            l.pick("Apply", "应用")
        };
        html! {
            <main id="playground" data-ready="true" lang={l.code()} class="playground">
                <header class="top">
                    <h1>{ "StatefulSet Playground" }<small lang="zh-CN">{ " · StatefulSet 演练场" }</small></h1>
                    <label class="picker">
                        <span>{ l.pick("Scenario", "场景") }</span>
                        <select id="scenario" onchange={on_open}>{ for options }</select>
                    </label>
                    <button id="lang" onclick={link.callback(|_| Msg::ToggleLang)}
                        aria-label={l.pick("切换到中文", "Switch to English")}>
                        { l.pick("中文", "English") }
                    </button>
                    <button id="help" onclick={link.callback(|_| Msg::Help(true))}
                        aria-label={l.pick("Keyboard shortcuts and help", "键盘快捷键与帮助")}>{ "?" }</button>
                </header>
                if let Some((en, zh)) = &self.error {
                    <div id="app-error" role="alert">
                        <p>{ if l == Lang::En { en.clone() } else { zh.clone() } }</p>
                        <button onclick={link.callback(|_| Msg::DismissError)}>{ l.pick("Dismiss", "关闭") }</button>
                    </div>
                }
                <WhyBanner why={self.d.why.clone()} lang={l} />
                <Timebar lang={l} position={s.tl.position()} len={s.tl.len()}
                    time={AttrValue::from(s.world().now.to_string())}
                    playing={self.play.is_some()} speed={self.speed} markers={self.d.markers.clone()}
                    idle={s.world().idle()} readonly={readonly}
                    on_step={cb.step.clone()} on_action={cb.action.clone()} on_back={cb.back.clone()}
                    on_play={cb.play.clone()} on_settle={cb.settle.clone()}
                    on_speed={cb.speed.clone()} on_seek={cb.seek.clone()} />
                if in_past {
                    <p id="fork-notice" role="status">{ l.pick_owned(
                        format!("You are looking at the past (position {} of {}). Stepping replays what was recorded; a command, an apply or a fault here forks the timeline and drops the {} later entries.",
                            s.tl.position(), s.tl.len(), s.tl.len() - s.tl.position()),
                        format!("你正在查看过去（位置 {} / {}）。单步会重放已记录的内容；在这里执行命令、应用清单或注入故障会使时间线分叉，并丢弃之后的 {} 个条目。",
                            s.tl.position(), s.tl.len(), s.tl.len() - s.tl.position())) }</p>
                }
                if let Some(n) = notice {
                    <p id="notice" role="status" class={classes!(matches!(s.notice, Some(Notice::Forked { .. })).then_some("forked"))}>{ n }</p>
                }
                <div class="columns">
                    <div class="col-main">
                        <Cluster picture={self.d.picture.clone()} lang={l}
                            on_fault={cb.fault.clone()} readonly={readonly} />
                        <StatusBlock sets={self.d.sets.clone()} lang={l} />
                    </div>
                    <div class="col-side">
                        if has_lesson {
                            <LessonPanel view={self.d.lesson.clone()} lang={l} readonly={readonly}
                                on_next={cb.lesson_next.clone()} on_hint={cb.lesson_hint.clone()}
                                on_solve={cb.lesson_solve.clone()} on_restart={cb.lesson_restart.clone()} />
                        }
                        <section class="console-panel" aria-labelledby="console-title">
                            <h2 id="console-title">{ l.pick("Console", "控制台") }</h2>
                            <Console entries={self.d.transcript.clone()} completions={self.d.completions.clone()}
                                lang={l} on_run={cb.run.clone()} on_interrupt={cb.interrupt.clone()}
                                prompt={self.d.prompt.clone()} readonly={readonly} />
                        </section>
                        <section class="editor-panel" aria-labelledby="editor-title">
                            <h2 id="editor-title">{
                                if s.editing.is_some() { l.pick("kubectl edit — save to apply", "kubectl edit —— 保存即应用") }
                                else { l.pick("Manifest", "清单") }
                            }</h2>
                            <Editor text={AttrValue::from(s.manifest.clone())} diagnostics={self.d.diagnostics.clone()}
                                lang={l} on_change={cb.edit.clone()} on_submit={cb.apply.clone()}
                                readonly={readonly} label={AttrValue::from(l.pick("Manifest (YAML)", "清单（YAML）"))} />
                            <div class="editor-buttons">
                                <button id="apply" class="primary" onclick={link.callback(|_| Msg::Apply)}
                                    title={l.pick("kubectl apply -f - (Ctrl+Enter)", "kubectl apply -f -（Ctrl+Enter）")}>{ apply_label }</button>
                                <button id="reset-manifest" onclick={link.callback(|_| Msg::ResetManifest)}>
                                    { l.pick("Reset to the scenario's manifest", "恢复为场景的清单") }</button>
                            </div>
                            if let Some((out, exit)) = &s.apply_result {
                                <pre id="apply-output" class={classes!((*exit != 0).then_some("error"))} role="status">{ out.clone() }</pre>
                            }
                            <DiffView old={AttrValue::from(s.applied.clone())} new={AttrValue::from(s.manifest.clone())} lang={l} />
                        </section>
                    </div>
                </div>
                <Logs lines={self.d.watch.clone()} events={self.d.events.clone()} lang={l} />
                <footer>
                    <p>{ l.pick(
                        "The Kubernetes v1.32 StatefulSet controller on a simulated cluster, running in your browser. Nothing leaves this page.",
                        "在浏览器中运行的 Kubernetes v1.32 StatefulSet 控制器与模拟集群。所有数据都留在本页面。") }</p>
                </footer>
                if self.help { { help_overlay(l, link) } }
            </main>
        }
    }
}

fn help_overlay(l: Lang, link: &yew::html::Scope<App>) -> Html {
    let keys: [(&str, &str, &str); 7] = [
        ("s", "Step: one event", "单步：一个事件"),
        (
            "a",
            "Run to the controller's next action",
            "运行到控制器的下一次操作",
        ),
        ("b", "Step back", "后退一步"),
        ("p", "Play / pause", "播放 / 暂停"),
        ("r", "Run until settled", "运行至稳定"),
        ("?", "This help", "本帮助"),
        ("Esc", "Close", "关闭"),
    ];
    html! {
        <div id="help-overlay" role="dialog" aria-modal="true" aria-labelledby="help-title" class="overlay">
            <div class="dialog">
                <h2 id="help-title">{ l.pick("Keyboard shortcuts", "键盘快捷键") }</h2>
                <dl>{ for keys.iter().map(|(k, en, zh)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ l.pick(en, zh) }</dd></> }) }</dl>
                <p>{ l.pick(
                    "Shortcuts work when the focus is not in a text field. In the console: Enter runs, ↑/↓ walk the history, Tab completes names, Ctrl+C stops a watch. In the editor: Ctrl+Enter applies; Esc then Tab leaves the field.",
                    "焦点不在文本框内时快捷键有效。控制台中：Enter 执行，↑/↓ 浏览历史，Tab 补全名称，Ctrl+C 停止 watch。编辑器中：Ctrl+Enter 应用；先按 Esc 再按 Tab 可离开编辑框。") }</p>
                <p>{ l.pick(
                    "Everything you do is kept in the page's address (share it to show the same point) and in this browser's storage.",
                    "你的所有操作都保存在页面地址中（分享它即可展示同一时刻）以及本浏览器的存储中。") }</p>
                <button onclick={link.callback(|_| Msg::Help(false))} autofocus=true>{ l.pick("Close", "关闭") }</button>
            </div>
        </div>
    }
}
