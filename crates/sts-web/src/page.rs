//! The page's layout, drawn from plain data: the full app ([`crate::app::App`]) fills it
//! from its live session, the first-stage app ([`crate::lite::Lite`]) from frames computed
//! at build time. One layout for both, so the hand-over from one to the other changes
//! nothing on screen.

use std::rc::Rc;

use sts_engine::timeline::Fault;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::cluster::Cluster;
use crate::derived::Panels;
use crate::embed::Embed;
use crate::i18n::Lang;
use crate::lesson::LessonPanel;
use crate::panels::{Logs, StatusBlock, WhyBanner};
use crate::session::CatalogEntry;
use crate::timebar::Timebar;

/// What the page can ask for. Made once per app, so that children's props compare equal
/// from one frame to the next and unchanged children are not re-rendered.
#[derive(Clone, Default)]
pub struct PageCallbacks {
    pub step: Callback<()>,
    pub action: Callback<()>,
    pub back: Callback<()>,
    pub play: Callback<()>,
    pub settle: Callback<()>,
    pub speed: Callback<u32>,
    pub seek: Callback<usize>,
    pub fault: Callback<Fault>,
    pub run: Callback<String>,
    pub interrupt: Callback<()>,
    pub edit: Callback<String>,
    pub apply: Callback<()>,
    pub reset_manifest: Callback<()>,
    pub lesson_next: Callback<()>,
    pub lesson_hint: Callback<()>,
    pub lesson_solve: Callback<()>,
    pub lesson_restart: Callback<()>,
    pub lesson_reset: Callback<()>,
    pub open: Callback<String>,
    pub toggle_lang: Callback<()>,
    pub help: Callback<bool>,
    pub dismiss_error: Callback<()>,
    /// *Export scenario*: download the session as a scenario file.
    pub export_scenario: Callback<()>,
    /// *Import scenario*: the file the user picked.
    pub import_file: Callback<web_sys::File>,
}

/// Which app draws the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The full engine: everything works.
    Full,
    /// The first stage, before the engine has arrived: time controls, the scenario
    /// picker and the language work; the console, the editor and faults wait.
    Loading,
}

/// A notice under the time bar: (text, the timeline forked).
pub type NoticeText = (String, bool);

/// Everything the page shows.
pub struct Page<'a> {
    pub lang: Lang,
    pub stage: Stage,
    pub catalog: &'a [CatalogEntry],
    /// Lessons completed in this browser, by id.
    pub completed: &'a [String],
    pub scenario: &'a str,
    /// The error banner: (English, Chinese).
    pub error: Option<&'a (String, String)>,
    pub d: &'a Panels,
    pub position: usize,
    pub len: usize,
    pub time: AttrValue,
    pub playing: bool,
    pub speed: u32,
    pub idle: bool,
    pub notice: Option<NoticeText>,
    /// `kubectl edit` is open in the editor.
    pub editing: bool,
    /// The console, the editor and the "changes to apply" preview: the full app's live
    /// components, or the first stage's still copies of them ([`still_console`],
    /// [`still_editor`], [`still_diff`]).
    pub console: Html,
    pub editor: Html,
    pub diff: Html,
    /// The last apply's answer and exit code.
    pub apply_result: Option<&'a (String, i32)>,
    pub help: bool,
    /// How the address asked the page to appear (embedded, read-only, locked).
    pub embed: &'a Embed,
    /// An embed's link to the same state in the full playground.
    pub full_link: Option<AttrValue>,
}

/// The whole page.
pub fn view(p: &Page<'_>, cb: &PageCallbacks) -> Html {
    let l = p.lang;
    let d = p.d;
    let loading = p.stage == Stage::Loading;
    let on_open = cb.open.reform(|e: Event| {
        let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
        sel.value()
    });
    let option = |c: &CatalogEntry| {
        let done = if p.completed.contains(&c.id) {
            l.pick(" ✓ completed", " ✓ 已完成")
        } else {
            ""
        };
        let demo = if c.lesson {
            ""
        } else {
            l.pick(" (demo)", "（演示）")
        };
        let label = match c.number {
            Some(n) => format!("{n}. {}{done}", l.text(&c.title)),
            None => format!("{}{demo}{done}", l.text(&c.title)),
        };
        html! {
            <option key={c.id.clone()} value={c.id.clone()} selected={c.id == p.scenario}>
                { label }
            </option>
        }
    };
    // An imported scenario is none of the catalog's: the picker names it by its id.
    let imported = !p.catalog.iter().any(|c| c.id == p.scenario);
    let lessons = p.catalog.iter().filter(|c| c.number.is_some()).map(option);
    let more = p.catalog.iter().filter(|c| c.number.is_none()).map(option);
    let done_count = p
        .catalog
        .iter()
        .filter(|c| c.number.is_some() && p.completed.contains(&c.id))
        .count();
    let lesson_count = p.catalog.iter().filter(|c| c.number.is_some()).count();
    let lessons_label = l.pick_owned(
        format!("Lessons ({done_count} of {lesson_count} completed)"),
        format!("课程（已完成 {done_count} / {lesson_count}）"),
    );
    let in_past = p.position < p.len;
    let has_lesson = d.lesson.beats > 0;
    let apply_label = if p.editing {
        l.pick("Save edit", "保存编辑")
    } else {
        l.pick("Apply", "应用")
    };
    let unit = |c: &Callback<()>| c.reform(|_: MouseEvent| ());
    let readonly = loading || p.embed.readonly;
    let title = p
        .catalog
        .iter()
        .find(|c| c.id == p.scenario)
        .map_or(p.scenario, |c| l.text(&c.title));
    html! {
        <main id="playground" data-ready="true" data-stage={if loading { "loading" } else { "full" }}
            lang={l.code()} class={classes!("playground", p.embed.classes())}>
            <header class="top">
                <h1>{ "StatefulSet Playground" }<small lang="zh-CN">{ " · StatefulSet 演练场" }</small></h1>
                if p.embed.locked {
                    <span id="scenario-title" class="scenario-title">{ title.to_string() }</span>
                } else {
                    <label class="picker">
                        <span>{ l.pick("Scenario", "场景") }</span>
                        <select id="scenario" onchange={on_open}>
                            <optgroup label={lessons_label}>{ for lessons }</optgroup>
                            <optgroup label={l.pick("More scenarios", "更多场景")}>{ for more }</optgroup>
                            if imported {
                                <optgroup label={l.pick("Imported", "已导入")}>
                                    <option value={p.scenario.to_string()} selected=true disabled=true>{ p.scenario }</option>
                                </optgroup>
                            }
                        </select>
                    </label>
                }
                { scenario_file_buttons(l, loading, !p.embed.readonly && !p.embed.locked, cb) }
                if let Some(href) = &p.full_link {
                    <a id="open-full" href={href.clone()} target="_blank" rel="noopener"
                        title={l.pick("Open this point in the full playground, in a new tab", "在新标签页的完整演练场中打开当前时刻")}>
                        { l.pick("Open full playground ↗", "打开完整演练场 ↗") }</a>
                }
                <button id="lang" onclick={unit(&cb.toggle_lang)}
                    aria-label={l.pick("切换到中文", "Switch to English")}>
                    { l.pick("中文", "English") }
                </button>
                <button id="help" onclick={cb.help.reform(|_: MouseEvent| true)}
                    aria-label={l.pick("Keyboard shortcuts and help", "键盘快捷键与帮助")}>{ "?" }</button>
            </header>
            if let Some((en, zh)) = p.error {
                <div id="app-error" role="alert">
                    <p>{ if l == Lang::En { en.clone() } else { zh.clone() } }</p>
                    <button onclick={unit(&cb.dismiss_error)}>{ l.pick("Dismiss", "关闭") }</button>
                </div>
            }
            <WhyBanner why={d.why.clone()} lang={l} />
            <Timebar lang={l} position={p.position} len={p.len} time={p.time.clone()}
                playing={p.playing} speed={p.speed} markers={d.markers.clone()}
                idle={p.idle} readonly={false}
                on_step={cb.step.clone()} on_action={cb.action.clone()} on_back={cb.back.clone()}
                on_play={cb.play.clone()} on_settle={cb.settle.clone()}
                on_speed={cb.speed.clone()} on_seek={cb.seek.clone()} />
            if loading {
                <p id="loading-notice" role="status">{ l.pick(
                    "Loading the full engine: the time controls work now; the console, the editor and faults follow in a moment.",
                    "正在加载完整引擎：时间控制已可使用；控制台、编辑器和故障注入稍后即可使用。") }</p>
            }
            if in_past {
                <p id="fork-notice" role="status">{ l.pick_owned(
                    format!("You are looking at the past (position {} of {}). Stepping replays what was recorded; a command, an apply or a fault here forks the timeline and drops the {} later entries.",
                        p.position, p.len, p.len - p.position),
                    format!("你正在查看过去（位置 {} / {}）。单步会重放已记录的内容；在这里执行命令、应用清单或注入故障会使时间线分叉，并丢弃之后的 {} 个条目。",
                        p.position, p.len, p.len - p.position)) }</p>
            }
            if let Some((n, forked)) = &p.notice {
                <p id="notice" role="status" class={classes!(forked.then_some("forked"))}>{ n.clone() }</p>
            }
            <div class="columns">
                <div class="col-main">
                    <Cluster picture={d.picture.clone()} lang={l}
                        on_fault={cb.fault.clone()} readonly={readonly} />
                    <StatusBlock sets={d.sets.clone()} lang={l} />
                </div>
                <div class="col-side">
                    if has_lesson {
                        <LessonPanel view={d.lesson.clone()} lang={l} readonly={loading}
                            completed={p.completed.iter().any(|c| c == p.scenario)}
                            on_next={cb.lesson_next.clone()} on_hint={cb.lesson_hint.clone()}
                            on_solve={cb.lesson_solve.clone()} on_restart={cb.lesson_restart.clone()}
                            on_reset={cb.lesson_reset.clone()} />
                    }
                    <section class="console-panel" aria-labelledby="console-title">
                        <h2 id="console-title">{ l.pick("Console", "控制台") }</h2>
                        { p.console.clone() }
                    </section>
                    <section class="editor-panel" aria-labelledby="editor-title">
                        <h2 id="editor-title">{
                            if p.editing { l.pick("kubectl edit — save to apply", "kubectl edit —— 保存即应用") }
                            else { l.pick("Manifest", "清单") }
                        }</h2>
                        { p.editor.clone() }
                        <div class="editor-buttons">
                            <button id="apply" class="primary" onclick={unit(&cb.apply)} disabled={readonly}
                                title={l.pick("kubectl apply -f - (Ctrl+Enter)", "kubectl apply -f -（Ctrl+Enter）")}>{ apply_label }</button>
                            <button id="reset-manifest" onclick={unit(&cb.reset_manifest)} disabled={readonly}>
                                { l.pick("Reset to the scenario's manifest", "恢复为场景的清单") }</button>
                        </div>
                        if let Some((out, exit)) = p.apply_result {
                            <pre id="apply-output" class={classes!((*exit != 0).then_some("error"))} role="status">{ out.clone() }</pre>
                        }
                        { p.diff.clone() }
                    </section>
                </div>
            </div>
            <Logs lines={d.watch.clone()} watch_first={d.watch_first} events={d.events.clone()}
                events_first={d.events_first} lang={l} />
            <footer>
                <p>{ l.pick(
                    "The Kubernetes v1.32 StatefulSet controller on a simulated cluster, running in your browser. Nothing leaves this page.",
                    "在浏览器中运行的 Kubernetes v1.32 StatefulSet 控制器与模拟集群。所有数据都留在本页面。") }</p>
            </footer>
            if p.help { { help_overlay(l, &cb.help) } }
        </main>
    }
}

/// *Export scenario* and *Import scenario* (a button that opens the hidden file input).
/// Drawn in the first stage too, disabled, so the header does not move at the hand-over.
/// Export (always) and import (`import`: not in a read-only or locked page, which stay on
/// their scenario).
fn scenario_file_buttons(l: Lang, loading: bool, can_import: bool, cb: &PageCallbacks) -> Html {
    let export = cb.export_scenario.reform(|_: MouseEvent| ());
    let pick = Callback::from(|_: MouseEvent| {
        if let Some(input) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("import-file"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            input.click();
        }
    });
    let import = cb.import_file.clone();
    let picked = Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            import.emit(file);
        }
        // The same file picked again is a change too.
        input.set_value("");
    });
    html! {
        <>
            <button id="export-scenario" onclick={export} disabled={loading}
                aria-label={l.pick("Export scenario: download this session as a scenario file (.yaml)",
                    "导出场景：将当前会话下载为场景文件（.yaml）")}>
                { l.pick("Export scenario", "导出场景") }</button>
            if can_import {
                <button id="import-scenario" onclick={pick} disabled={loading}
                    aria-label={l.pick("Import scenario: open a scenario file (.yaml) from this computer",
                        "导入场景：从本机打开场景文件（.yaml）")}>
                    { l.pick("Import scenario", "导入场景") }</button>
                <input id="import-file" type="file" accept=".yaml,.yml" hidden=true tabindex="-1"
                    aria-label={l.pick("Scenario file to import", "要导入的场景文件")} onchange={picked} />
            }
        </>
    }
}

fn help_overlay(l: Lang, help: &Callback<bool>) -> Html {
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
                <button onclick={help.reform(|_: MouseEvent| false)} autofocus=true>{ l.pick("Close", "关闭") }</button>
            </div>
        </div>
    }
}

/// The page-wide keys (`s`, `a`, `b`, `p`, `r`, `?`, `Esc`) as what they ask for.
/// `help_open` toggles `?`.
pub fn key_action(key: &str, cb: &PageCallbacks, help_open: bool) {
    match key {
        "s" => cb.step.emit(()),
        "a" => cb.action.emit(()),
        "b" => cb.back.emit(()),
        "p" => cb.play.emit(()),
        "r" => cb.settle.emit(()),
        "?" => cb.help.emit(!help_open),
        _ => cb.help.emit(false),
    }
}

/// The console as it looks before the engine arrives: no entries, and an input that
/// takes no command yet (the same elements as [`crate::components::console::Console`]).
pub fn still_console(l: Lang, prompt: &AttrValue) -> Html {
    html! {
        <div class="console">
            <div id="console-output" role="log" aria-live="polite"
                 aria-label={l.pick("kubectl output", "kubectl 输出")}></div>
            <div class="console-line">
                <label for="console-input" class="console-prompt">{ prompt.clone() }</label>
                <input id="console-input" type="text" readonly=true
                    aria-label={l.pick("kubectl command", "kubectl 命令")} autocomplete="off" />
            </div>
        </div>
    }
}

/// The editor as it looks before the engine arrives: the manifest, uncoloured and
/// read-only (the same elements as [`crate::components::editor::Editor`]).
pub fn still_editor(l: Lang, text: &AttrValue) -> Html {
    let lines = text.lines().count().max(1);
    let gutter: String = (1..=lines).map(|n| format!("{n}\n")).collect();
    html! {
        <div class="editor">
            <div class="editor-body">
                <pre class="editor-gutter" aria-hidden="true">{ gutter }</pre>
                <div class="editor-stack">
                    <pre class="editor-highlight" aria-hidden="true">{ text.clone() }{ "\n" }</pre>
                    <textarea id="editor" class="editor-input" spellcheck="false" wrap="off"
                        readonly=true value={text.clone()}
                        aria-label={l.pick("Manifest (YAML)", "清单（YAML）")} />
                </div>
            </div>
            <ul id="diagnostics" role="list"></ul>
        </div>
    }
}

/// The "changes to apply" preview with nothing to apply.
pub fn still_diff(l: Lang) -> Html {
    html! {
        <details id="diff" class="diff-none">
            <summary>{ l.pick("No changes", "没有改动") }</summary>
        </details>
    }
}

/// Shared, cheap-to-compare handle on the catalog.
pub type Catalog = Rc<Vec<CatalogEntry>>;
