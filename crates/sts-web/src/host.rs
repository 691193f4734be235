//! The postMessage protocol between an embedded playground and the page around it
//! (docs/embedding.md has the reference a docs author reads).
//!
//! Every message either way is an object with `sts: 1` (the protocol version).
//! The host sends commands: `{sts: 1, cmd: "step", id: 7}`; the playground answers each
//! with `{sts: 1, type: "reply", id: 7, cmd: "step", ok: true, state: {…}}` (or `ok: false`
//! and `error: {en, zh}`), and on its own posts `ready` (once, with the state), `state`
//! (after anything that changed what [`state`] reports), `event` (each new Kubernetes
//! Event) and `size` (the page's height, so the host can size the iframe).
//!
//! Only messages from the parent window, from an allowed origin (the playground's own
//! origin and those the address lists in `origin=`, see [`crate::embed`]), are read;
//! everything else is ignored without an answer, and nothing is ever posted to an origin
//! that is not allowed. This module's parsing and state are plain Rust, tested natively;
//! [`Bridge`] is the browser side.

use std::rc::Rc;

use serde_json::{json, Map, Value};
use sts_engine::trace;

use crate::embed::Embed;
use crate::i18n::Lang;
use crate::lesson::{Beat, LessonView};
use crate::session::Session;

/// The protocol's version: the `sts` field of every message.
pub const PROTOCOL: u64 = 1;
/// Most events one `step` command may run (a page must stay responsive).
pub const MAX_STEP_COUNT: u64 = 10_000;
/// Longest command line or manifest a message may carry (bytes).
pub const MAX_TEXT: usize = 256 * 1024;
/// Longest message read at all (bytes of JSON).
pub const MAX_MESSAGE: usize = 512 * 1024;
/// New events posted after one change; more are summed up in one `events-dropped`.
pub const MAX_EVENTS_PER_CHANGE: usize = 50;

/// What a lesson command asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LessonAction {
    Next,
    Hint,
    Solve,
    Reset,
    Restart,
}

/// A command from the host page.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `step` with optional `count` (1 by default).
    Step(u64),
    /// `action`: run to the controller's next action.
    Action,
    /// `back` with optional `count`.
    Back(u64),
    /// `seek` to `position`.
    Seek(usize),
    /// `settle`: run until settled.
    Settle,
    Play,
    Pause,
    /// `run` a console line (`command`).
    Run(String),
    /// `apply` a manifest (`manifest`), as the editor's Apply does.
    Apply(String),
    /// `load` a built-in `scenario`.
    Load(String),
    /// `lang`: `en` or `zh`.
    Lang(Lang),
    /// `lesson` with `action`: next, hint, solve, reset, restart.
    Lesson(LessonAction),
    /// `state`: reply with the state.
    State,
    /// `snapshot`: reply with every object (the JS API's snapshot shape).
    Snapshot,
}

/// A command and the id to answer it with.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub id: Value,
    pub cmd: Command,
    /// The command's name as sent (echoed in the reply).
    pub name: String,
}

/// Why a message was refused: (English, Chinese).
pub type Refusal = (String, String);

/// A message as the host sent it: a request, a refusal to answer, or not ours at all
/// (no `sts` field: other scripts use postMessage too).
#[derive(Debug, PartialEq)]
pub enum Incoming {
    Request(Request),
    Refused {
        id: Value,
        name: String,
        why: Refusal,
    },
    NotOurs,
}

fn refuse(id: &Value, name: &str, en: String, zh: String) -> Incoming {
    Incoming::Refused {
        id: id.clone(),
        name: name.to_string(),
        why: (en, zh),
    }
}

/// Reads one message (its JSON text).
pub fn parse(text: &str) -> Incoming {
    if text.len() > MAX_MESSAGE {
        return Incoming::NotOurs;
    }
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Incoming::NotOurs;
    };
    let Some(version) = v.get("sts") else {
        return Incoming::NotOurs;
    };
    let id = v.get("id").cloned().unwrap_or(Value::Null);
    let name = v
        .get("cmd")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if version.as_u64() != Some(PROTOCOL) {
        return refuse(
            &id,
            &name,
            format!(
                "Unsupported protocol version {version}: this playground speaks sts: {PROTOCOL}."
            ),
            format!("不支持的协议版本 {version}：本演练场使用 sts: {PROTOCOL}。"),
        );
    }
    let count = |key: &str| -> Result<u64, Incoming> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(1),
            Some(c) => match c.as_u64() {
                Some(n) if (1..=MAX_STEP_COUNT).contains(&n) => Ok(n),
                _ => Err(refuse(
                    &id,
                    &name,
                    format!("{key} must be a whole number from 1 to {MAX_STEP_COUNT}, not {c}."),
                    format!("{key} 必须是 1 到 {MAX_STEP_COUNT} 之间的整数，而不是 {c}。"),
                )),
            },
        }
    };
    let text = |key: &str| -> Result<String, Incoming> {
        match v.get(key).and_then(Value::as_str) {
            Some(t) if t.len() <= MAX_TEXT => Ok(t.to_string()),
            Some(_) => Err(refuse(
                &id,
                &name,
                format!("{key} is longer than {} KiB.", MAX_TEXT / 1024),
                format!("{key} 超过 {} KiB。", MAX_TEXT / 1024),
            )),
            None => Err(refuse(
                &id,
                &name,
                format!("The {name:?} command needs a string {key:?}."),
                format!("{name:?} 命令需要字符串参数 {key:?}。"),
            )),
        }
    };
    let cmd = match name.as_str() {
        "step" => count("count").map(Command::Step),
        "action" => Ok(Command::Action),
        "back" => count("count").map(Command::Back),
        "seek" => match v.get("position").and_then(Value::as_u64) {
            Some(p) => Ok(Command::Seek(usize::try_from(p).unwrap_or(usize::MAX))),
            None => Err(refuse(
                &id,
                &name,
                "The \"seek\" command needs a whole-number \"position\".".into(),
                "\"seek\" 命令需要整数参数 \"position\"。".into(),
            )),
        },
        "settle" => Ok(Command::Settle),
        "play" => Ok(Command::Play),
        "pause" => Ok(Command::Pause),
        "run" => text("command").map(Command::Run),
        "apply" => text("manifest").map(Command::Apply),
        "load" => text("scenario").map(Command::Load),
        "lang" => match v.get("lang").and_then(Value::as_str).and_then(Lang::from_code) {
            Some(l) => Ok(Command::Lang(l)),
            None => Err(refuse(
                &id,
                &name,
                "The \"lang\" command needs \"lang\": \"en\" or \"zh\".".into(),
                "\"lang\" 命令需要 \"lang\"：\"en\" 或 \"zh\"。".into(),
            )),
        },
        "lesson" => match v.get("action").and_then(Value::as_str) {
            Some("next") => Ok(Command::Lesson(LessonAction::Next)),
            Some("hint") => Ok(Command::Lesson(LessonAction::Hint)),
            Some("solve") => Ok(Command::Lesson(LessonAction::Solve)),
            Some("reset") => Ok(Command::Lesson(LessonAction::Reset)),
            Some("restart") => Ok(Command::Lesson(LessonAction::Restart)),
            _ => Err(refuse(
                &id,
                &name,
                "The \"lesson\" command needs \"action\": next, hint, solve, reset or restart.".into(),
                "\"lesson\" 命令需要 \"action\"：next、hint、solve、reset 或 restart。".into(),
            )),
        },
        "state" => Ok(Command::State),
        "snapshot" => Ok(Command::Snapshot),
        _ => Err(refuse(
            &id,
            &name,
            format!("Unknown command {name:?}: the commands are step, action, back, seek, settle, play, pause, run, apply, load, lang, lesson, state and snapshot."),
            format!("未知命令 {name:?}：可用命令为 step、action、back、seek、settle、play、pause、run、apply、load、lang、lesson、state 和 snapshot。"),
        )),
    };
    match cmd {
        Ok(cmd) => Incoming::Request(Request { id, cmd, name }),
        Err(refused) => refused,
    }
}

impl Command {
    /// Whether `mode=readonly` forbids it: what a viewer could not type either.
    pub fn types(&self) -> bool {
        matches!(self, Command::Run(_) | Command::Apply(_))
    }
}

/// The refusal of a typing command in `mode=readonly`.
pub fn readonly_refusal() -> Refusal {
    (
        "This playground is read-only (mode=readonly): commands and manifests cannot be run here."
            .into(),
        "此演练场为只读模式（mode=readonly）：不能在此运行命令或应用清单。".into(),
    )
}

/// What the host sees of the page: where it is, what it shows, what blocks the
/// controller, and the lesson's progress. Small on purpose (it is posted after every
/// change): the objects themselves come with `snapshot`.
pub fn state(s: &Session, lesson: &LessonView, lang: Lang, playing: bool, e: &Embed) -> Value {
    let w = s.world();
    let sets: Vec<Value> = w
        .sets
        .iter()
        .map(|(key, set)| {
            let mut status = Map::new();
            for (k, c) in trace::set_columns(set) {
                status.insert(k.to_string(), c);
            }
            json!({
                "name": set.metadata.name,
                "status": status,
                "blocker": w.blockers.get(key).map(|b| json!({"pod": b.pod, "en": b.en, "zh": b.zh})),
            })
        })
        .collect();
    let lesson = (lesson.beats > 0).then(|| {
        let task = match &lesson.current {
            Some(Beat::Task { done, .. }) => json!({"done": done}),
            _ => Value::Null,
        };
        json!({
            "reached": lesson.reached,
            "beats": lesson.beats,
            "task": task,
            "finished": lesson.finished,
        })
    });
    json!({
        "scenario": s.id,
        "lang": match lang { Lang::En => "en", Lang::Zh => "zh" },
        "mode": {"embed": e.embed, "readonly": e.readonly, "locked": e.locked, "autoplay": e.autoplay},
        "position": s.tl.position(),
        "length": s.tl.len(),
        "time": w.now.0,
        "clock": w.now.to_string(),
        "playing": playing,
        "quiet": w.quiet(),
        "settled": w.idle(),
        "pods": w.pods.len(),
        "statefulsets": sets,
        "lesson": lesson,
    })
}

/// The objects and the position, as the JS API's `snapshot()` gives them.
pub fn snapshot(s: &Session) -> Value {
    Value::Object(trace::snapshot(&s.id, s.scenario.seed, &s.tl))
}

/// A message from the playground: `{sts: 1, type, …fields}`.
pub fn message(kind: &str, fields: Value) -> Value {
    let mut m = Map::new();
    m.insert("sts".into(), json!(PROTOCOL));
    m.insert("type".into(), json!(kind));
    if let Value::Object(f) = fields {
        m.extend(f);
    }
    Value::Object(m)
}

/// The answer to a request: `ok` with `fields`, or the refusal.
pub fn reply(id: &Value, name: &str, result: Result<Value, Refusal>) -> Value {
    match result {
        Ok(fields) => {
            let mut m = json!({"id": id, "cmd": name, "ok": true});
            if let (Value::Object(m), Value::Object(f)) = (&mut m, fields) {
                m.extend(f);
            }
            message("reply", m)
        }
        Err((en, zh)) => message(
            "reply",
            json!({"id": id, "cmd": name, "ok": false, "error": {"en": en, "zh": zh}}),
        ),
    }
}

/// What changed since the last post: the messages to send now. Remembers the state
/// posted and the events seen; going back in time posts the new state but no events
/// (those happened already).
#[derive(Default)]
pub struct Outbox {
    last_state: String,
    events_seen: usize,
    /// The scenario the events belong to (another one starts the count over).
    scenario: String,
    position: usize,
}

impl Outbox {
    /// Starts counting from the session as it is (its events are not news).
    pub fn new(s: &Session) -> Outbox {
        Outbox {
            last_state: String::new(),
            events_seen: s.world().events.len(),
            scenario: s.id.clone(),
            position: s.tl.position(),
        }
    }

    /// The messages a change calls for: new events (oldest first) and the state, if it
    /// differs from the last one posted.
    pub fn changes(&mut self, s: &Session, state: Value) -> Vec<Value> {
        let mut out = Vec::new();
        let events = &s.world().events;
        let forward = s.id == self.scenario && s.tl.position() >= self.position;
        if forward && events.len() > self.events_seen {
            let new = &events[self.events_seen..];
            let shown = new.len().min(MAX_EVENTS_PER_CHANGE);
            let dropped = new.len() - shown;
            if dropped > 0 {
                out.push(message("events-dropped", json!({"count": dropped})));
            }
            for e in &new[dropped..] {
                out.push(message("event", json!({"event": trace::event_json(e)})));
            }
        }
        self.events_seen = events.len();
        self.scenario = s.id.clone();
        self.position = s.tl.position();
        let text = state.to_string();
        if text != self.last_state {
            self.last_state = text;
            out.push(message("state", json!({"state": state})));
        }
        out
    }
}

/// The browser side: listens for the host's messages and posts to the parent window.
pub struct Bridge {
    /// Origins that may send commands and receive messages.
    allowed: Rc<Vec<String>>,
    parent: web_sys::Window,
    /// Reports the page's size when it changes.
    observer: Option<(
        web_sys::ResizeObserver,
        wasm_bindgen::closure::Closure<dyn FnMut()>,
    )>,
    _listener: gloo::events::EventListener,
}

/// Posts to `parent` for each allowed origin (the browser delivers it only if the
/// parent's origin is that one; never `*`).
fn post_to(parent: &web_sys::Window, allowed: &[String], msg: &Value) {
    let Ok(data) = js_sys::JSON::parse(&msg.to_string()) else {
        return;
    };
    for o in allowed {
        let _ = parent.post_message(&data, o);
    }
}

/// The origin of the page around this one: `location.ancestorOrigins` where the browser
/// has it, else the referrer's origin (sent by default across origins).
fn parent_origin(w: &web_sys::Window) -> Option<String> {
    // Not in web-sys' bindings (Chromium and Safari have it, Firefox not): by name.
    let list = js_sys::Reflect::get(&w.location(), &"ancestorOrigins".into()).ok();
    if let Some(o) = list
        .filter(|l| l.is_object())
        .and_then(|l| js_sys::Reflect::get(&l, &"0".into()).ok())
        .and_then(|o| o.as_string())
    {
        return Some(o);
    }
    let referrer = w.document()?.referrer();
    let url = web_sys::Url::new(&referrer).ok()?;
    let o = url.origin();
    (o != "null" && !o.is_empty()).then_some(o)
}

/// The page's size: the width of `#app` and the height down to its bottom.
fn page_size() -> Option<(i32, i32)> {
    let w = web_sys::window()?;
    let app = w.document()?.get_element_by_id("app")?;
    let r = app.get_bounding_client_rect();
    let scroll = w.scroll_y().unwrap_or(0.0);
    Some((r.width().ceil() as i32, (r.bottom() + scroll).ceil() as i32))
}

impl Bridge {
    /// Listens when the page is framed (none otherwise: nobody to talk to). `on_message`
    /// gets each message that passed the checks, parsed.
    pub fn new(e: &Embed, on_message: yew::Callback<Incoming>) -> Option<Bridge> {
        use wasm_bindgen::JsCast;
        let w = web_sys::window()?;
        let parent = w.parent().ok()??;
        if parent == w {
            return None;
        }
        let own = w.location().origin().ok()?;
        let mut allowed = vec![own];
        allowed.extend(e.origins.iter().cloned());
        // Post only to the parent's origin when the browser tells it (posting to another
        // origin is dropped with a console error), and not at all if it is not allowed.
        if let Some(p) = parent_origin(&w) {
            if !allowed.contains(&p) {
                web_sys::console::warn_1(&wasm_bindgen::JsValue::from_str(&format!(
                    "StatefulSet Playground: the page around this one ({p}) is not allowed by the address's origin= parameter, so postMessage is off."
                )));
                return None;
            }
            allowed = vec![p];
        }
        let allowed = Rc::new(allowed);
        let (check, source) = (
            Rc::clone(&allowed),
            wasm_bindgen::JsValue::from(parent.clone()),
        );
        let listener = gloo::events::EventListener::new(&w, "message", move |ev| {
            let Some(ev) = ev.dyn_ref::<web_sys::MessageEvent>() else {
                return;
            };
            // From the parent window and an allowed origin, or not read at all.
            // Compared as values: the parent's window is not an `instanceof Window` of
            // this page's realm, so no cast.
            let from_parent = ev
                .source()
                .is_some_and(|s| wasm_bindgen::JsValue::from(s) == source);
            if !from_parent || !check.contains(&ev.origin()) {
                return;
            }
            let data = ev.data();
            let text = match data.as_string() {
                Some(t) => t,
                None => match js_sys::JSON::stringify(&data) {
                    Ok(t) => t.as_string().unwrap_or_default(),
                    Err(_) => return,
                },
            };
            let m = parse(&text);
            if m != Incoming::NotOurs {
                on_message.emit(m);
            }
        });
        Some(Bridge {
            allowed,
            parent,
            observer: None,
            _listener: listener,
        })
    }

    /// Posts a message to the page around this one.
    pub fn post(&self, msg: &Value) {
        post_to(&self.parent, &self.allowed, msg);
    }

    /// Starts reporting `size` whenever the page's size changes (once at first).
    pub fn observe_size(&mut self) {
        let Some(app) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("app"))
        else {
            return;
        };
        let (parent, allowed) = (self.parent.clone(), Rc::clone(&self.allowed));
        let last = std::cell::Cell::new((0, 0));
        let report = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let Some(size) = page_size() else { return };
            if size != last.get() {
                last.set(size);
                post_to(
                    &parent,
                    &allowed,
                    &message("size", json!({"width": size.0, "height": size.1})),
                );
            }
        });
        use wasm_bindgen::JsCast;
        if let Ok(observer) = web_sys::ResizeObserver::new(report.as_ref().unchecked_ref()) {
            observer.observe(&app);
            self.observer = Some((observer, report));
        }
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Some((o, _)) = &self.observer {
            o.disconnect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(text: &str) -> Request {
        match parse(text) {
            Incoming::Request(r) => r,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn refused(text: &str) -> Refusal {
        match parse(text) {
            Incoming::Refused { why, .. } => why,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn commands_parse_with_their_arguments() {
        assert_eq!(req(r#"{"sts":1,"cmd":"step"}"#).cmd, Command::Step(1));
        assert_eq!(
            req(r#"{"sts":1,"cmd":"step","count":25}"#).cmd,
            Command::Step(25)
        );
        assert_eq!(
            req(r#"{"sts":1,"cmd":"back","count":2}"#).cmd,
            Command::Back(2)
        );
        assert_eq!(
            req(r#"{"sts":1,"cmd":"seek","position":7}"#).cmd,
            Command::Seek(7)
        );
        let r = req(r#"{"sts":1,"cmd":"run","command":"kubectl get pods","id":"a1"}"#);
        assert_eq!(r.cmd, Command::Run("kubectl get pods".into()));
        assert_eq!(r.id, json!("a1"));
        assert_eq!(
            req(r#"{"sts":1,"cmd":"lang","lang":"zh-CN"}"#).cmd,
            Command::Lang(Lang::Zh)
        );
        assert_eq!(
            req(r#"{"sts":1,"cmd":"lesson","action":"solve"}"#).cmd,
            Command::Lesson(LessonAction::Solve)
        );
        assert!(Command::Run(String::new()).types());
        assert!(!Command::Step(1).types());
    }

    #[test]
    fn messages_that_are_not_ours_are_left_alone() {
        for text in ["", "hello", "[1,2]", r#"{"type":"resize"}"#, "null"] {
            assert_eq!(parse(text), Incoming::NotOurs, "{text}");
        }
        let huge = format!(
            r#"{{"sts":1,"cmd":"run","command":"{}"}}"#,
            "x".repeat(MAX_MESSAGE)
        );
        assert_eq!(parse(&huge), Incoming::NotOurs);
    }

    #[test]
    fn bad_commands_are_refused_with_a_reason() {
        assert!(refused(r#"{"sts":2,"cmd":"step"}"#).0.contains("version 2"));
        assert!(refused(r#"{"sts":1,"cmd":"fly"}"#)
            .0
            .contains("Unknown command \"fly\""));
        assert!(refused(r#"{"sts":1,"cmd":"step","count":0}"#)
            .0
            .contains("from 1 to 10000"));
        assert!(refused(r#"{"sts":1,"cmd":"step","count":1e9}"#)
            .0
            .contains("from 1 to"));
        assert!(refused(r#"{"sts":1,"cmd":"run"}"#)
            .1
            .contains("\"command\""));
        assert!(refused(r#"{"sts":1,"cmd":"seek","position":-1}"#)
            .0
            .contains("position"));
        assert!(refused(r#"{"sts":1,"cmd":"lang","lang":"fr"}"#)
            .0
            .contains("\"en\" or \"zh\""));
        let long = format!(
            r#"{{"sts":1,"cmd":"apply","manifest":"{}"}}"#,
            "x".repeat(MAX_TEXT + 1)
        );
        assert!(refused(&long).0.contains("longer than 256 KiB"));
        // The reply carries the id and the refusal in both languages.
        let Incoming::Refused { id, name, why } = parse(r#"{"sts":1,"cmd":"fly","id":9}"#) else {
            unreachable!()
        };
        let r = reply(&id, &name, Err(why));
        assert_eq!(r["type"], "reply");
        assert_eq!(r["id"], 9);
        assert_eq!(r["ok"], false);
        assert!(r["error"]["zh"]
            .as_str()
            .is_some_and(|z| z.contains("未知命令")));
    }

    #[test]
    fn the_outbox_posts_new_events_and_changed_state_only() {
        let mut s = Session::open("ordered-creation").expect("built-in");
        let e = Embed::default();
        let lesson = LessonView::default();
        let mut out = Outbox::new(&s);
        let first = out.changes(&s, state(&s, &lesson, Lang::En, false, &e));
        assert_eq!(first.len(), 1, "the state, no events: {first:?}");
        assert_eq!(first[0]["type"], "state");
        assert_eq!(first[0]["state"]["position"], 0);
        // Nothing changed: nothing to post.
        assert!(out
            .changes(&s, state(&s, &lesson, Lang::En, false, &e))
            .is_empty());
        s.settle();
        let msgs = out.changes(&s, state(&s, &lesson, Lang::En, false, &e));
        let events: Vec<_> = msgs.iter().filter(|m| m["type"] == "event").collect();
        assert!(
            events
                .iter()
                .any(|m| m["event"]["reason"] == "SuccessfulCreate"),
            "{msgs:?}"
        );
        assert_eq!(msgs.last().map(|m| m["type"].clone()), Some(json!("state")));
        // Going back posts the state but no events again.
        s.seek(1);
        let back = out.changes(&s, state(&s, &lesson, Lang::En, false, &e));
        assert_eq!(back.len(), 1);
        assert_eq!(back[0]["state"]["position"], 1);
    }

    #[test]
    fn a_flood_of_events_is_cut_and_counted() {
        let mut s = Session::open("parallel").expect("built-in");
        let mut out = Outbox::new(&s);
        let _ = out.changes(&s, json!({}));
        s.run_command("kubectl scale sts web --replicas=200");
        s.settle();
        let msgs = out.changes(&s, json!({}));
        let events = msgs.iter().filter(|m| m["type"] == "event").count();
        assert_eq!(events, MAX_EVENTS_PER_CHANGE);
        assert!(msgs[0]["type"] == "events-dropped" && msgs[0]["count"].as_u64() > Some(0));
    }

    #[test]
    fn the_state_names_the_blocker_and_the_lesson() {
        let mut s = Session::open("ordered-creation").expect("built-in");
        s.step_action();
        s.step_action();
        let lesson = LessonView {
            beats: 4,
            reached: 1,
            ..LessonView::default()
        };
        let v = state(&s, &lesson, Lang::Zh, true, &Embed::default());
        assert_eq!(v["lang"], "zh");
        assert_eq!(v["playing"], true);
        assert_eq!(v["lesson"]["beats"], 4);
        assert_eq!(v["statefulsets"][0]["name"], "web");
        let snap = snapshot(&s);
        assert_eq!(snap["position"], s.tl.position());
        assert!(snap["pods"].as_array().is_some_and(|p| !p.is_empty()));
    }
}
