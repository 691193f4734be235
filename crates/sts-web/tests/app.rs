//! The whole app in headless Chromium (wasm-bindgen-test): mounted on a scenario, driven
//! by clicks and keys, checked on the DOM a learner sees.

use std::time::Duration;

use sts_web::app::{App, AppProps};
use sts_web::session::Session;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn mount(scenario: &str) -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let props = AppProps {
        scenario: Some(scenario.to_string().into()),
        persist: false,
        lang: None,
        handoff: None,
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

async fn settle() {
    wait_ms(30).await;
}

async fn wait_ms(ms: u64) {
    yew::platform::time::sleep(Duration::from_millis(ms)).await;
}

fn click(root: &Element, selector: &str) {
    let el: HtmlElement = root
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} exists"))
        .dyn_into()
        .unwrap();
    el.click();
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default())
        .unwrap_or_default()
}

fn pods(root: &Element) -> Vec<String> {
    let list = root.query_selector_all(".pod[data-pod]").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .filter_map(|e| e.get_attribute("data-pod"))
        .collect()
}

#[wasm_bindgen_test]
async fn stepping_shows_ordered_creation_and_back_restores_it() {
    let root = mount("ordered-creation").await;
    assert!(root
        .query_selector("#playground[data-ready=\"true\"]")
        .unwrap()
        .is_some());
    assert!(pods(&root).is_empty(), "nothing before the first step");
    let mut first_seen = None;
    for i in 0..300 {
        click(&root, "#step");
        settle().await;
        let p = pods(&root);
        if first_seen.is_none() && !p.is_empty() {
            assert_eq!(p, ["web-0"], "web-0 comes first");
            first_seen = Some(i);
        }
        if p.iter().any(|n| n == "web-1") {
            break;
        }
    }
    assert!(first_seen.is_some());
    let clock = text(&root, "#clock");
    let before = pods(&root);
    for _ in 0..3 {
        click(&root, "#step");
        settle().await;
    }
    for _ in 0..3 {
        click(&root, "#back");
        settle().await;
    }
    // Same position and simulated time; the recorded future is still there to replay.
    let after = text(&root, "#clock");
    assert_eq!(after.split(" / ").next(), clock.split(" / ").next());
    assert_eq!(after.rsplit('·').next(), clock.rsplit('·').next());
    assert_eq!(pods(&root), before);
    assert!(
        root.query_selector("#fork-notice").unwrap().is_some(),
        "in the past"
    );
}

#[wasm_bindgen_test]
async fn the_why_banner_and_settling() {
    let root = mount("ordered-creation").await;
    for _ in 0..40 {
        click(&root, "#step");
        settle().await;
        if text(&root, "#why").contains("not created yet") {
            break;
        }
    }
    assert!(
        text(&root, "#why").contains("not created yet"),
        "{}",
        text(&root, "#why")
    );
    click(&root, "#settle");
    settle().await;
    assert!(
        text(&root, "#why").contains("Settled"),
        "{}",
        text(&root, "#why")
    );
    assert_eq!(pods(&root).len(), 3);
}

#[wasm_bindgen_test]
async fn the_language_switch_translates_the_controls() {
    let root = mount("ordered-creation").await;
    assert!(text(&root, "#step").contains("Step"));
    click(&root, "#lang");
    settle().await;
    assert!(
        text(&root, "#step").contains("单步"),
        "{}",
        text(&root, "#step")
    );
    assert_eq!(
        root.query_selector("#playground")
            .unwrap()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("zh-CN")
    );
}

#[wasm_bindgen_test]
async fn the_console_runs_kubectl_and_a_bad_command_changes_nothing() {
    let root = mount("ordered-creation").await;
    click(&root, "#settle");
    settle().await;
    let doc = web_sys::window().unwrap().document().unwrap();
    let input: web_sys::HtmlInputElement = root
        .query_selector("#console-input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    for line in ["kubectl get pods", "kubectl scale sts web --replicas=-1"] {
        input.set_value(line);
        input
            .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
            .unwrap();
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Enter");
        init.set_bubbles(true);
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        input.dispatch_event(&ev).unwrap();
        settle().await;
    }
    let out = text(&root, "#console-output");
    assert!(out.contains("web-2"), "{out}");
    assert!(out.contains("--replicas=COUNT"), "{out}");
    assert_eq!(pods(&root).len(), 3);
    let _ = doc;
}

// ---- Export scenario and Import scenario: the buttons, a refused file (banner, nothing
// changed) and an exported file opened and replayed with the lesson's Start.

fn el<T: JsCast>(root: &Element, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} exists"))
        .dyn_into()
        .unwrap()
}

/// Picks a file in `#import-file` as a user would (the input's files, then `change`).
async fn pick(root: &Element, name: &str, text: &str) {
    let input: HtmlInputElement = el(root, "#import-file");
    let file = web_sys::File::new_with_str_sequence(
        &js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text)),
        name,
    )
    .unwrap();
    let dt = web_sys::DataTransfer::new().unwrap();
    dt.items().add_with_file(&file).unwrap();
    input.set_files(dt.files().as_ref());
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let change = web_sys::Event::new_with_event_init_dict("change", &init).unwrap();
    input.dispatch_event(&change).unwrap();
    // Reading a file is asynchronous.
    wait_ms(200).await;
}

#[wasm_bindgen_test]
async fn export_then_import_a_refused_file_and_an_exported_one() {
    let root = mount("ordered-creation").await;
    let export: HtmlElement = el(&root, "#export-scenario");
    assert_eq!(export.text_content().unwrap_or_default(), "Export scenario");
    assert!(export
        .get_attribute("aria-label")
        .unwrap_or_default()
        .starts_with("Export scenario"));
    assert_eq!(text(&root, "#import-scenario"), "Import scenario");
    let input: HtmlInputElement = el(&root, "#import-file");
    assert_eq!(input.type_(), "file");
    assert_eq!(input.accept(), ".yaml,.yml");
    assert!(input.hidden());
    for _ in 0..40 {
        el::<HtmlElement>(&root, "#step").click();
    }
    wait_ms(30).await;
    export.click();
    wait_ms(30).await;
    assert!(
        root.query_selector("#app-error").unwrap().is_none(),
        "the download started: {}",
        text(&root, "#app-error")
    );

    // A file the parser refuses: its message in the banner, nothing else changes.
    let before = (pods(&root), text(&root, "#clock"));
    pick(
        &root,
        "bad.yaml",
        "scenario: x\ntitle: {en: a, zh: b}\nsteps:\n  - jump: 3\n",
    )
    .await;
    let banner = text(&root, "#app-error");
    assert!(
        banner.contains("could not be imported (nothing was changed): line 4:5: steps[0].jump: unknown field `jump`"),
        "{banner}"
    );
    assert_eq!((pods(&root), text(&root, "#clock")), before);
    let select: HtmlSelectElement = el(&root, "#scenario");
    assert_eq!(select.value(), "ordered-creation");

    // An exported session opens under its own id, and Start replays it.
    let mut s = Session::open("partition-canary").unwrap();
    for _ in 0..60 {
        s.step();
    }
    s.run_command("kubectl scale sts web --replicas=2");
    for _ in 0..40 {
        s.step();
    }
    let e = s.export_scenario();
    pick(&root, "partition-canary-exported.yaml", &e.yaml).await;
    assert!(
        root.query_selector("#app-error").unwrap().is_none(),
        "{}",
        text(&root, "#app-error")
    );
    assert_eq!(select.value(), "partition-canary-exported");
    assert!(text(&root, "#scenario").contains("partition-canary-exported"));
    assert!(pods(&root).is_empty(), "at its start");
    el::<HtmlElement>(&root, "#lesson-next").click();
    wait_ms(60).await;
    let want: Vec<String> = s.world().pods.keys().map(|(_, n)| n.clone()).collect();
    let mut shown = pods(&root);
    shown.sort();
    assert_eq!(shown, want);
}
