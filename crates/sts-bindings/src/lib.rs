//! # sts-bindings
//!
//! The StatefulSet Playground's JavaScript API: a `Playground` class over the engine,
//! built with wasm-bindgen into an npm-style package (`wasm-pack build`). The engine
//! stays free of JS; this crate only converts values. The rules live in [`core`]
//! (plain Rust, tested natively); this file maps JS arguments to it, JSON results back to
//! plain JS objects, errors to thrown `Error`s, and calls `change` subscribers.
//!
//! ```js
//! const { Playground } = require("sts-bindings");
//! const pg = new Playground();
//! pg.loadScenario("partition-canary");
//! pg.runUntilSettled();                        // {result: "settled", steps, reasons}
//! pg.kubectl("kubectl get pods").output;       // kubectl's table
//! pg.snapshot().statefulsets[0].status;        // the status block
//! ```

use std::cell::RefCell;

use js_sys::{Function, JSON};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub mod core;

use crate::core::{count, Core, MAX_EVENTS};

/// Makes a panic in the engine (a bug: it must never panic on input) a thrown JS
/// `Error` naming it, instead of an opaque `RuntimeError: unreachable`. The module
/// should be reloaded after one: the panicking call did not finish.
pub fn install_panic_hook() {
    #[cfg(target_arch = "wasm32")]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            std::panic::set_hook(Box::new(|info| {
                wasm_bindgen::throw_str(&format!(
                    "StatefulSet Playground: internal error (a bug, please report it): {info}"
                ))
            }));
        });
    }
}

fn error(msg: impl AsRef<str>) -> JsValue {
    js_sys::Error::new(msg.as_ref()).into()
}

/// A JSON value as a plain JS value (objects, arrays, numbers, strings).
fn to_js(v: &Value) -> Result<JsValue, JsValue> {
    JSON::parse(&v.to_string())
}

/// A JS argument as JSON: `undefined`/`null` become `Value::Null`; functions, symbols,
/// BigInts and cycles are refused with a message naming the call.
fn from_js(v: &JsValue, what: &str) -> Result<Value, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Null);
    }
    let text = JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            error(format!(
                "{what}: expected plain JSON data (an object, a number…)"
            ))
        })?;
    serde_json::from_str(&text).map_err(|e| error(format!("{what}: {e}")))
}

fn string_arg(v: &JsValue, what: &str, expected: &str) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| error(format!("{what}: expected {expected}")))
}

/// A StatefulSet Playground: a simulated cluster with its timeline. Every method runs
/// synchronously; see the README's "JavaScript API" for each call.
#[wasm_bindgen]
pub struct Playground {
    core: RefCell<Core>,
    listeners: RefCell<Vec<Function>>,
}

impl Playground {
    /// Runs `f` on the core (no JS is called meanwhile, so a subscriber may call back
    /// into the playground).
    fn with<T>(&self, f: impl FnOnce(&mut Core) -> Result<T, String>) -> Result<T, JsValue> {
        let mut core = self.core.try_borrow_mut().map_err(|_| {
            error(
                "StatefulSet Playground: unusable after an internal error; create a new Playground",
            )
        })?;
        f(&mut core).map_err(error)
    }

    fn read<T>(&self, f: impl FnOnce(&Core) -> T) -> Result<T, JsValue> {
        self.with(|c| Ok(f(c)))
    }

    /// Calls every `change` subscriber with the summary of `action`. A subscriber that
    /// throws does not stop the others; the first error is thrown afterwards.
    fn changed(&self, action: &str) -> Result<(), JsValue> {
        let listeners = self.listeners.borrow().clone();
        if listeners.is_empty() {
            return Ok(());
        }
        let summary = to_js(&self.read(|c| c.summary(action))?)?;
        let mut first = None;
        for f in &listeners {
            if let Err(e) = f.call1(&JsValue::NULL, &summary) {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(()), Err)
    }
}

#[wasm_bindgen]
impl Playground {
    /// An empty cluster of three nodes (`loadScenario` or `loadManifests` fill it).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Playground {
        install_panic_hook();
        Playground {
            core: RefCell::new(Core::new()),
            listeners: RefCell::new(Vec::new()),
        }
    }

    /// The built-in scenarios: `[{id, title: {en, zh}, summary, lesson}]`.
    pub fn scenarios() -> Result<JsValue, JsValue> {
        install_panic_hook();
        to_js(&Core::scenarios())
    }

    /// Loads a built-in scenario (by id) or a scenario file's text; `{seed}`.
    #[wasm_bindgen(js_name = loadScenario)]
    pub fn load_scenario(&self, source: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let source = string_arg(
            &source,
            "loadScenario",
            "a built-in scenario id or the text of a scenario file",
        )?;
        let opts = from_js(&options, "loadScenario")?;
        let r = self.with(|c| c.load_scenario(&source, &opts))?;
        self.changed("loadScenario")?;
        to_js(&r)
    }

    /// A cluster with these manifests applied; `{nodes, seed}`.
    #[wasm_bindgen(js_name = loadManifests)]
    pub fn load_manifests(&self, yaml: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let yaml = string_arg(&yaml, "loadManifests", "the text of a manifest stream")?;
        let opts = from_js(&options, "loadManifests")?;
        let r = self.with(|c| c.load_manifests(&yaml, &opts))?;
        self.changed("loadManifests")?;
        to_js(&r)
    }

    /// Processes `n` events (default 1); returns how many were processed.
    pub fn step(&self, n: JsValue) -> Result<f64, JsValue> {
        let n = from_js(&n, "step")?;
        let n = self.with(|c| Ok(c.step(count(&n, "step", MAX_EVENTS)?)))?;
        self.changed("step")?;
        Ok(n as f64)
    }

    /// Steps to the controller's next API write: `{acted, steps}`.
    #[wasm_bindgen(js_name = nextAction)]
    pub fn next_action(&self) -> Result<JsValue, JsValue> {
        let r = self.with(|c| Ok(c.next_action()))?;
        self.changed("nextAction")?;
        to_js(&r)
    }

    /// Goes back `n` entries (default 1); returns the new position.
    pub fn back(&self, n: JsValue) -> Result<f64, JsValue> {
        let n = from_js(&n, "back")?;
        let p = self.with(|c| Ok(c.back(count(&n, "back", u64::MAX)?)))?;
        self.changed("back")?;
        Ok(p as f64)
    }

    /// Moves to `position` (clamped to the length); returns the position.
    pub fn seek(&self, position: JsValue) -> Result<f64, JsValue> {
        let v = from_js(&position, "seek")?;
        let p = self.with(|c| match v.as_u64() {
            Some(p) => Ok(c.seek(p)),
            None => Err(format!(
                "seek: expected a position (an integer from 0), not {v}"
            )),
        })?;
        self.changed("seek")?;
        Ok(p as f64)
    }

    /// Runs until settled, stuck, or `maxEvents` (default 200,000):
    /// `{result: "settled"|"stuck"|"limit", steps, reasons}`.
    #[wasm_bindgen(js_name = runUntilSettled)]
    pub fn run_until_settled(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let opts = from_js(&options, "runUntilSettled")?;
        let r = self.with(|c| c.run_until_settled(&opts))?;
        self.changed("runUntilSettled")?;
        to_js(&r)
    }

    /// Plays the loaded scenario's steps (like `sts run`): `{ok, failures}`.
    #[wasm_bindgen(js_name = runScenario)]
    pub fn run_scenario(&self) -> Result<JsValue, JsValue> {
        let r = self.with(|c| Ok(c.run_scenario()))?;
        self.changed("runScenario")?;
        to_js(&r)
    }

    /// Runs a command line (kubectl and the playground's shell): `{output, exit}`.
    pub fn kubectl(&self, line: JsValue) -> Result<JsValue, JsValue> {
        let line = string_arg(&line, "kubectl", "a command line")?;
        let r = self.with(|c| c.kubectl(&line))?;
        self.changed("kubectl")?;
        to_js(&r)
    }

    /// `kubectl apply -f -` of a manifest stream: `{output, exit}`.
    pub fn apply(&self, yaml: JsValue) -> Result<JsValue, JsValue> {
        let yaml = string_arg(&yaml, "apply", "the text of a manifest stream")?;
        let r = self.with(|c| c.apply(&yaml))?;
        self.changed("apply")?;
        to_js(&r)
    }

    /// Injects a fault (`{pod, fail: true}`, `{pod, readiness}`, `{node, down}`,
    /// `{image, pull}`): `{output, exit}`.
    pub fn fault(&self, spec: JsValue) -> Result<JsValue, JsValue> {
        let spec = from_js(&spec, "fault")?;
        let r = self.with(|c| c.fault(&spec))?;
        self.changed("fault")?;
        to_js(&r)
    }

    /// What `sts check` says about the loaded scenario (a fresh run; nothing changes).
    pub fn check(&self) -> Result<JsValue, JsValue> {
        to_js(&self.read(|c| c.check())?)
    }

    /// The state at the cursor as a plain object.
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        to_js(&self.read(|c| c.snapshot())?)
    }

    /// The trace (from entry `since`, default 0): the objects of `sts run --output json`.
    pub fn trace(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let opts = from_js(&options, "trace")?;
        let since = match &opts {
            Value::Null => 0,
            Value::Object(m) => {
                if let Some(k) = m.keys().find(|k| *k != "since") {
                    return Err(error(format!(
                        "trace: unknown option {k:?} (expected since)"
                    )));
                }
                match m.get("since") {
                    None | Some(Value::Null) => 0,
                    Some(v) => v.as_u64().ok_or_else(|| {
                        error(format!("trace: since must be an integer from 0, not {v}"))
                    })?,
                }
            }
            other => {
                return Err(error(format!(
                    "trace: options must be an object like {{since: …}}, not {other}"
                )))
            }
        };
        JSON::parse(&self.read(|c| c.trace_json(since))?)
    }

    /// Subscribes `listener` to `"change"`: called after every call that changes the
    /// playground with `{action, time, position, length, traceLength, quiet}`.
    pub fn on(&self, event: JsValue, listener: JsValue) -> Result<(), JsValue> {
        let f = Self::listener(&event, listener, "on")?;
        self.listeners.borrow_mut().push(f);
        Ok(())
    }

    /// Removes a `"change"` subscriber given to `on`.
    pub fn off(&self, event: JsValue, listener: JsValue) -> Result<(), JsValue> {
        let f = Self::listener(&event, listener, "off")?;
        let target: &JsValue = f.as_ref();
        self.listeners.borrow_mut().retain(|l| {
            let l: &JsValue = l.as_ref();
            l != target
        });
        Ok(())
    }
}

impl Playground {
    fn listener(event: &JsValue, listener: JsValue, what: &str) -> Result<Function, JsValue> {
        match event.as_string().as_deref() {
            Some("change") => {}
            _ => {
                return Err(error(format!(
                    "{what}: unknown event {event:?} (the playground emits \"change\")"
                )))
            }
        }
        listener
            .dyn_into::<Function>()
            .map_err(|_| error(format!("{what}: the listener must be a function")))
    }
}

impl Default for Playground {
    fn default() -> Self {
        Playground::new()
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod panic_tests {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A panic (which only a bug can cause) reaches JS as a thrown Error naming it.
    #[wasm_bindgen_test]
    fn a_panic_becomes_a_thrown_error_with_its_message() {
        super::install_panic_hook();
        let boom = Closure::<dyn Fn()>::new(|| panic!("boom in the engine"));
        let f: &js_sys::Function = boom.as_ref().unchecked_ref();
        let err = f.call0(&JsValue::NULL).expect_err("the panic is thrown");
        let msg = err
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| err.as_string())
            .unwrap_or_default();
        assert!(msg.contains("internal error"), "{msg}");
        assert!(msg.contains("boom in the engine"), "{msg}");
    }
}
