//! The editor and the console in a real browser (headless Chromium through
//! wasm-bindgen-test-runner): what a user sees and what Tab does.

#![cfg(target_arch = "wasm32")]

use std::rc::Rc;
use std::time::Duration;

use sts_engine::diagnose::{Diagnostic, Severity};
use sts_web::components::console::{Completions, Console, ConsoleEntry};
use sts_web::components::diffview::DiffView;
use sts_web::components::editor::Editor;
use sts_web::i18n::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const MANIFEST: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: nginx}\n";

const MESSAGE: &str = "The StatefulSet \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`";

fn mount() -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

#[derive(Properties, PartialEq)]
struct EditorHostProps {
    lang: Lang,
}

#[function_component(EditorHost)]
fn editor_host(props: &EditorHostProps) -> Html {
    let text = use_state(|| MANIFEST.to_string());
    // One diagnostic at 7:5: the key `matchLabels`.
    let diagnostics = Rc::new(vec![Diagnostic {
        line: 7,
        column: 5,
        severity: Severity::Error,
        message: MESSAGE.to_string(),
        field: Some("spec.selector.matchLabels".into()),
    }]);
    let on_change = {
        let text = text.clone();
        Callback::from(move |t: String| text.set(t))
    };
    html! {
        <Editor text={AttrValue::from((*text).clone())} {diagnostics} lang={props.lang}
                {on_change} readonly={false} label="Manifest" />
    }
}

#[wasm_bindgen_test]
async fn a_diagnostic_is_underlined_on_its_line_and_listed() {
    let root = mount();
    yew::Renderer::<EditorHost>::with_root_and_props(
        root.clone(),
        EditorHostProps { lang: Lang::En },
    )
    .render();
    settle().await;

    let mark = root
        .query_selector(".editor-highlight .line[data-line=\"7\"] .err-mark")
        .unwrap()
        .expect("an .err-mark on line 7");
    assert_eq!(mark.get_attribute("title").as_deref(), Some(MESSAGE));
    // The underline covers the token starting at column 5.
    assert_eq!(mark.text_content().as_deref(), Some("matchLabels:"));
    // No other line is marked.
    assert_eq!(root.query_selector_all(".err-mark").unwrap().length(), 1);
    // The gutter flags line 7.
    let gutter = root
        .query_selector(".editor-gutter .has-error")
        .unwrap()
        .unwrap();
    assert_eq!(gutter.text_content().as_deref().map(str::trim), Some("7"));

    let item = root
        .query_selector("#diagnostics li.diag.error")
        .unwrap()
        .expect("the diagnostic in the list");
    assert_eq!(item.get_attribute("data-line").as_deref(), Some("7"));
    let text = item.text_content().unwrap();
    assert!(text.contains("7:5 "), "{text}");
    assert!(text.contains(MESSAGE), "{text}");

    // The coloured layer holds exactly the textarea's text, line for line.
    let pre = root.query_selector(".editor-highlight").unwrap().unwrap();
    assert_eq!(pre.text_content().unwrap(), format!("{MANIFEST}\n"));

    // Clicking the problem puts the caret on it (line 7, column 5) and focuses the field.
    item.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
    settle().await;
    let ta: web_sys::HtmlTextAreaElement = root
        .query_selector("#editor")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let offset = MANIFEST
        .split('\n')
        .take(6)
        .map(|l| l.len() + 1)
        .sum::<usize>()
        + 4;
    assert_eq!(ta.selection_start().unwrap(), Some(offset as u32));
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element();
    assert_eq!(active.map(|e| e.id()), Some("editor".to_string()));

    // Tab indents by two spaces at the caret, and the colours follow the edit.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Tab");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    ta.dispatch_event(&ev).unwrap();
    settle().await;
    assert!(
        ta.value().contains("\n      matchLabels: {app: web}\n"),
        "{}",
        ta.value()
    );
    let line7 = root
        .query_selector(".editor-highlight .line[data-line=\"7\"]")
        .unwrap()
        .unwrap();
    assert_eq!(
        line7.text_content().as_deref(),
        Some("      matchLabels: {app: web}\n")
    );
    root.remove();
}

/// With the real stylesheet, the three layers line up: same box and text metrics for the
/// textarea and the coloured `<pre>`, gutter rows at the height of their lines, and the
/// `<pre>` and gutter follow the textarea's scroll.
#[wasm_bindgen_test]
async fn the_layers_line_up_and_scroll_together() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let style = doc.create_element("style").unwrap();
    style.set_text_content(Some(include_str!("../../../web/editor.css")));
    doc.head().unwrap().append_child(&style).unwrap();

    #[function_component(Long)]
    fn long() -> Html {
        let text: String = (0..200)
            .map(|i| format!("key{i}: value {i} # note\n"))
            .collect();
        let diagnostics = Rc::new(vec![Diagnostic {
            line: 20,
            column: 10,
            severity: Severity::Warning,
            message: "duplicate key".into(),
            field: None,
        }]);
        html! {
            <Editor text={text} {diagnostics} lang={Lang::En} on_change={Callback::noop()} label="m" />
        }
    }
    let root = mount();
    yew::Renderer::<Long>::with_root(root.clone()).render();
    settle().await;
    let el = |sel: &str| -> web_sys::HtmlElement {
        root.query_selector(sel)
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap()
    };
    let (ta, pre) = (el("#editor"), el(".editor-highlight"));
    let (a, b) = (
        ta.get_bounding_client_rect(),
        pre.get_bounding_client_rect(),
    );
    assert_eq!(
        (a.left(), a.top(), a.width()),
        (b.left(), b.top(), b.width())
    );
    let win = web_sys::window().unwrap();
    let (sa, sb) = (
        win.get_computed_style(&ta).unwrap().unwrap(),
        win.get_computed_style(&pre).unwrap().unwrap(),
    );
    for prop in [
        "font-family",
        "font-size",
        "line-height",
        "padding-left",
        "padding-top",
        "tab-size",
        "white-space",
        "letter-spacing",
    ] {
        assert_eq!(
            sa.get_property_value(prop).unwrap(),
            sb.get_property_value(prop).unwrap(),
            "{prop}"
        );
    }
    // An inline line's box is its font's height, a gutter row is a whole line box:
    // compare their middles.
    let mid = |e: &web_sys::HtmlElement| {
        let r = e.get_bounding_client_rect();
        r.top() + r.height() / 2.0
    };
    let line = el(".editor-highlight .line[data-line=\"40\"]");
    let row = el(".editor-gutter .gutter-line:nth-child(40)");
    let dy = mid(&line) - mid(&row);
    assert!(dy.abs() < 1.0, "line 40 is {dy}px away from its number");

    ta.set_scroll_top(300);
    let init = web_sys::EventInit::new();
    let ev = web_sys::Event::new_with_event_init_dict("scroll", &init).unwrap();
    ta.dispatch_event(&ev).unwrap();
    settle().await;
    assert!(ta.scroll_top() > 0);
    assert_eq!(pre.scroll_top(), ta.scroll_top());
    assert_eq!(el(".editor-gutter").scroll_top(), ta.scroll_top());
    let dy = mid(&line) - mid(&row);
    assert!(
        dy.abs() < 1.0,
        "after scrolling, line 40 is {dy}px away from its number"
    );

    // Hovering the underline (below the textarea) shows its message on the textarea.
    root.scroll_into_view();
    let mark = el(".warn-mark");
    let r = mark.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_client_x((r.left() + r.width() / 2.0) as i32);
    init.set_client_y((r.top() + r.height() / 2.0) as i32);
    init.set_bubbles(true);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("mousemove", &init).unwrap();
    ta.dispatch_event(&ev).unwrap();
    assert_eq!(ta.title(), "duplicate key");
    root.remove();
    style.remove();
}

#[wasm_bindgen_test]
async fn no_problems_is_said_in_the_current_language() {
    #[function_component(Quiet)]
    fn quiet() -> Html {
        html! { <Editor text="a: 1" lang={Lang::Zh} on_change={Callback::noop()} label="清单" /> }
    }
    let root = mount();
    yew::Renderer::<Quiet>::with_root(root.clone()).render();
    settle().await;
    let li = root.query_selector("#diagnostics li").unwrap().unwrap();
    assert_eq!(li.text_content().as_deref(), Some("未发现问题"));
    root.remove();
}

#[wasm_bindgen_test]
async fn the_diff_counts_added_and_removed_lines() {
    #[function_component(Diff)]
    fn diff() -> Html {
        html! { <DiffView old="a: 1\nb: 2\n" new="a: 1\nb: 3\nc: 4\n" lang={Lang::En} /> }
    }
    let root = mount();
    yew::Renderer::<Diff>::with_root(root.clone()).render();
    settle().await;
    let summary = root.query_selector("#diff summary").unwrap().unwrap();
    assert_eq!(
        summary.text_content().as_deref(),
        Some("Changes to apply (+2 −1)")
    );
    // The lines appear when the preview is opened.
    assert!(root.query_selector("#diff .diff-line").unwrap().is_none());
    summary.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(
        root.query_selector_all("#diff .diff-line.added")
            .unwrap()
            .length(),
        2
    );
    root.remove();
}

#[function_component(ConsoleHost)]
fn console_host() -> Html {
    let entries = use_state(|| {
        Rc::new(vec![ConsoleEntry {
            command: "kubectl get pods".into(),
            output: "No resources found in default namespace.\n".into(),
            exit: 0,
        }])
    });
    let completions = Rc::new(Completions {
        pods: vec!["web-0".into(), "web-1".into()],
        statefulsets: vec!["web".into()],
        ..Completions::default()
    });
    let on_run = {
        let entries = entries.clone();
        Callback::from(move |command: String| {
            let mut v = (**entries).clone();
            v.push(ConsoleEntry {
                command,
                output: "error: boom\n".into(),
                exit: 1,
            });
            entries.set(Rc::new(v));
        })
    };
    html! {
        <Console entries={(*entries).clone()} {completions} lang={Lang::En} {on_run}
                 on_interrupt={Callback::noop()} prompt="$" readonly={false} />
    }
}

fn key(input: &HtmlInputElement, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&ev).unwrap();
}

fn type_text(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let len = text.encode_utf16().count() as u32;
    input.set_selection_range(len, len).unwrap();
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn tab_completes_and_lists_candidates() {
    let root = mount();
    yew::Renderer::<ConsoleHost>::with_root(root.clone()).render();
    settle().await;
    let input: HtmlInputElement = root
        .query_selector("#console-input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();

    type_text(&input, "kubectl describe pod we");
    settle().await;
    key(&input, "Tab");
    settle().await;
    assert_eq!(input.value(), "kubectl describe pod web-");
    let items: Vec<String> = {
        let list = root.query_selector_all("#completions li").unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i).and_then(|n| n.text_content()))
            .collect()
    };
    assert_eq!(items, vec!["web-0", "web-1"]);

    type_text(&input, "kubectl scale sts/w");
    settle().await;
    key(&input, "Tab");
    settle().await;
    assert_eq!(input.value(), "kubectl scale sts/web ");
    assert!(root.query_selector("#completions li").unwrap().is_none());

    // Enter runs; the failed command is marked; ↑ brings it back, ↓ returns.
    key(&input, "Enter");
    settle().await;
    assert_eq!(input.value(), "");
    let out = root.query_selector("#console-output").unwrap().unwrap();
    assert!(out
        .text_content()
        .unwrap()
        .contains("kubectl scale sts/web"));
    assert_eq!(
        root.query_selector_all(".console-entry.failed")
            .unwrap()
            .length(),
        1
    );
    key(&input, "ArrowUp");
    settle().await;
    assert_eq!(input.value(), "kubectl scale sts/web ");
    key(&input, "ArrowUp");
    settle().await;
    assert_eq!(input.value(), "kubectl get pods");
    key(&input, "ArrowDown");
    key(&input, "ArrowDown");
    settle().await;
    assert_eq!(input.value(), "");

    // Ctrl+L clears the view, not the history.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("l");
    init.set_ctrl_key(true);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&ev).unwrap();
    settle().await;
    assert_eq!(
        out.query_selector_all(".console-entry").unwrap().length(),
        0
    );
    key(&input, "ArrowUp");
    settle().await;
    assert_eq!(input.value(), "kubectl scale sts/web ");
    root.remove();
}
