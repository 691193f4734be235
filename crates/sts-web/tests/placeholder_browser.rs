//! PLACEHOLDER (replaced at merge by the app's own browser tests): proves the
//! wasm-bindgen-test-in-headless-Chromium path of `cargo xtask test` works.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn runs_in_a_browser_with_a_document() {
    let doc = web_sys::window().and_then(|w| w.document());
    assert!(doc.is_some_and(|d| d.body().is_some()));
}
