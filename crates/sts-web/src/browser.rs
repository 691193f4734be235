//! The browser around the page: the address, stored choices, the document's language
//! and the page-wide keys. Shared by the full app and the first-stage app.

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::Callback;

use crate::i18n::Lang;

/// localStorage key of the saved session.
pub const STORAGE_KEY: &str = "sts-playground";
/// localStorage key of the session text last written to the address.
pub const URL_KEY: &str = "sts-playground-url";
/// localStorage key of the language choice.
pub const LANG_KEY: &str = "sts-playground-lang";
/// localStorage key of the lessons completed in this browser: ids separated by spaces.
pub const DONE_KEY: &str = "sts-playground-done";

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The URL's query parameter `name` (its first value).
pub fn query(name: &str) -> Option<String> {
    query_all(name).into_iter().next()
}

/// Every value of the URL's query parameter `name`, in order (`+` is a space, as in a
/// form's encoding).
pub fn query_all(name: &str) -> Vec<String> {
    let Some(search) = window().and_then(|w| w.location().search().ok()) else {
        return Vec::new();
    };
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| {
            js_sys::decode_uri_component(&v.replace('+', " "))
                .ok()
                .map(String::from)
                .unwrap_or_default()
        })
        .collect()
}

/// The fragment's `s=` value.
pub fn fragment_state() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("s="))
        .map(str::to_string)
}

fn local_storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok()?
}

/// A string stored under `key` (JSON-quoted, as gloo's `LocalStorage` writes strings; the
/// values kept here never need escapes). Read without gloo's JSON parser, so the
/// first-stage module does without one.
pub fn stored(key: &str) -> Option<String> {
    let v = local_storage()?.get_item(key).ok()??;
    Some(
        v.strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(&v)
            .to_string(),
    )
}

/// The language: the address's `?lang=`, then the stored choice (when `persist`), then
/// `fallback`, then the browser's.
pub fn initial_lang(persist: bool, fallback: Option<Lang>) -> Lang {
    if let Some(l) = query("lang").and_then(|v| Lang::from_code(&v)) {
        return l;
    }
    if persist {
        if let Some(v) = stored(LANG_KEY) {
            if let Some(l) = Lang::from_code(&v) {
                return l;
            }
        }
    }
    if let Some(l) = fallback {
        return l;
    }
    window()
        .and_then(|w| w.navigator().language())
        .and_then(|v| Lang::from_code(&v))
        .unwrap_or_default()
}

/// Remembers a language choice.
/// The lessons completed in this browser, by id (a scenario id has no spaces).
pub fn completed() -> Vec<String> {
    local_storage()
        .and_then(|s| s.get_item(DONE_KEY).ok().flatten())
        .map(|v| v.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Remembers that lesson `id` was completed; returns the new list.
pub fn store_completed(id: &str) -> Vec<String> {
    let mut done = completed();
    if !done.iter().any(|d| d == id) {
        done.push(id.to_string());
        if let Some(s) = local_storage() {
            let _ = s.set_item(DONE_KEY, &done.join(" "));
        }
    }
    done
}

pub fn store_lang(lang: Lang) {
    if let Some(s) = local_storage() {
        // JSON, as gloo's `LocalStorage` (which the rest of the app uses) writes strings.
        let _ = s.set_item(LANG_KEY, &format!("\"{}\"", lang.code()));
    }
}

pub fn set_document_lang(lang: Lang) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
    }
}

fn is_text_field(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    tag == "input" || tag == "textarea" || tag == "select" || el.has_attribute("contenteditable")
}

/// Listens for the page-wide keys (`s`, `a`, `b`, `p`, `r`, `?`, `Esc`) outside text
/// fields (Esc everywhere) and hands them to `on_key`.
pub fn key_listener(on_key: Callback<String>) -> Option<EventListener> {
    let doc = window()?.document()?;
    Some(EventListener::new(&doc, "keydown", move |e| {
        let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        if e.ctrl_key() || e.meta_key() || e.alt_key() || is_text_field(e.target()) {
            if e.key() == "Escape" {
                on_key.emit(e.key());
            }
            return;
        }
        let key = e.key();
        if matches!(key.as_str(), "s" | "a" | "b" | "p" | "r" | "?" | "Escape") {
            e.prevent_default();
            on_key.emit(key);
        }
    }))
}
