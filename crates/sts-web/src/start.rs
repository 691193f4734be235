//! The wasm entry point: mount the app into `#app`, and make a panic readable.

use wasm_bindgen::prelude::*;

/// Installs the panic hook and mounts the app into `#app`, if the page has one (tests
/// mount their own). `handoff` is the first stage's state
/// ([`crate::frames::Handoff::encode`]) when the page showed it while this module loaded.
#[cfg(feature = "app")]
#[wasm_bindgen]
pub fn start(handoff: Option<Vec<u8>>) {
    // Through Yew, so that its renderer does not replace the hook with its default one.
    yew::set_custom_panic_hook(Box::new(panic_hook));
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    else {
        return;
    };
    root.set_inner_html("");
    let handoff = handoff
        .and_then(|h| crate::frames::Handoff::decode(&h))
        .map(std::rc::Rc::new);
    yew::Renderer::<crate::app::App>::with_root_and_props(
        root,
        crate::app::AppProps {
            handoff,
            ..Default::default()
        },
    )
    .render();
}

/// A panic stops the module for good (wasm aborts): say so in both languages instead of
/// leaving a dead page, and point at the saved state, which is written after every action.
pub fn panic_hook(info: &std::panic::PanicHookInfo<'_>) {
    let detail = info.to_string();
    web_sys::console::error_1(&JsValue::from_str(&format!("sts-web panic: {detail}")));
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let Ok(banner) = doc.create_element("div") else {
        return;
    };
    banner.set_id("app-error");
    banner.set_class_name("fatal");
    let _ = banner.set_attribute("role", "alert");
    // Text only (never HTML): the detail may quote user input.
    banner.set_text_content(Some(&format!(
        "The playground hit an internal error and stopped. Your session is saved up to your last action: reload the page to continue. \
         演练场遇到内部错误并已停止。你的会话已保存到最后一次操作：请刷新页面继续。 ({detail})"
    )));
    let _ = body.append_child(&banner);
}
