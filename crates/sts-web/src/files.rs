//! Files in and out of the page: a download made from text (a `Blob` behind a temporary
//! `<a download>`), and the text of a file the user picked (`<input type="file">`).

use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

use crate::session::{self, Bilingual};

/// Offers `text` as a download named `name`; false when the browser refused.
pub fn download(name: &str, text: &str, mime: &str) -> bool {
    try_download(name, text, mime).is_some()
}

fn try_download(name: &str, text: &str, mime: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    // The download has started by the time the click returns in current browsers; the
    // URL is let go a moment later all the same (an object URL keeps the text alive).
    let revoke = url.clone();
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&revoke);
    })
    .forget();
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    body.append_child(&link).ok()?;
    link.click();
    link.remove();
    Some(())
}

/// Reads a picked file as UTF-8 text and hands the result to `done` (later: reading is
/// asynchronous). A file over [`session::IMPORT_LIMIT`] is refused without being read.
pub fn read_text(file: &web_sys::File, done: Callback<Result<String, Bilingual>>) {
    if file.size() > session::IMPORT_LIMIT as f64 {
        done.emit(Err(session::import_too_large(file.size())));
        return;
    }
    let promise = file.text();
    wasm_bindgen_futures::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(promise).await;
        done.emit(
            text.ok()
                .and_then(|v| v.as_string())
                .ok_or_else(session::import_unreadable),
        );
    });
}
