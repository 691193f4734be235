//! The manifest editor: a plain `<textarea>` (so typing, selection, undo, IME and
//! screen readers behave as the browser makes them) laid exactly over a `<pre>` that
//! shows the same text coloured, with each diagnostic underlined where it points.
//!
//! The `<pre>` and the textarea share font, padding and line height (`web/editor.css`)
//! and neither wraps, so character *n* of line *l* sits at the same place in both; the
//! textarea's text is transparent and its scroll is copied to the `<pre>` and the
//! line-number gutter. Hovering an underline shows its message: the textarea is on
//! top, so the pointer position is looked up among the marks below it.
//!
//! Cheap on long documents: the split into lines is memoised on the text, each line is
//! its own component memoising its colouring on the line's text, and Yew skips lines
//! whose props did not change.

use std::collections::BTreeMap;
use std::rc::Rc;

use sts_engine::diagnose::{Diagnostic, Severity};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::highlight::{self, LineState, Span};
use crate::i18n::Lang;

/// The editor's properties.
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The manifest text.
    pub text: AttrValue,
    /// What `diagnose` says about `text`.
    #[prop_or_default]
    pub diagnostics: Rc<Vec<Diagnostic>>,
    pub lang: Lang,
    /// Every edit, with the whole new text.
    pub on_change: Callback<String>,
    /// Ctrl+Enter / Cmd+Enter (apply).
    #[prop_or_default]
    pub on_submit: Callback<()>,
    #[prop_or_default]
    pub readonly: bool,
    /// The accessible name of the text field, in the current language.
    pub label: AttrValue,
}

/// One underline on one line, in characters of that line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// First character (0-based) and one past the last.
    pub start: usize,
    pub end: usize,
    pub severity: Severity,
    pub title: String,
}

impl Mark {
    fn class(&self) -> &'static str {
        match self.severity {
            Severity::Error => "err-mark",
            Severity::Warning => "warn-mark",
        }
    }
}

/// The underlines of one line: from the diagnostic's column to the end of the token
/// starting there (up to the next blank), or the whole line when the column is 0. A
/// column past the end of the line marks its end (an empty range, drawn as one space).
/// Overlapping marks are clipped so each character has at most one.
pub fn marks_for_line(line: &str, diags: &[&Diagnostic]) -> Vec<Mark> {
    let chars: Vec<char> = line.chars().collect();
    let len = chars.len();
    let mut out: Vec<Mark> = diags
        .iter()
        .map(|d| {
            let (start, end) = if d.column == 0 {
                let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
                (lead.min(len), len)
            } else {
                let start = (d.column - 1).min(len);
                let end = chars[start..]
                    .iter()
                    .position(|c| c.is_whitespace())
                    .map_or(len, |p| start + p);
                (start, end)
            };
            Mark {
                start,
                end,
                severity: d.severity,
                title: d.message.clone(),
            }
        })
        .collect();
    out.sort_by_key(|m| (m.start, m.severity));
    // Two problems at the same place share one underline; its title names both.
    let mut merged: Vec<Mark> = Vec::new();
    for m in out {
        match merged
            .iter_mut()
            .find(|x| x.start == m.start && x.end == m.end)
        {
            Some(same) => {
                same.title.push('\n');
                same.title.push_str(&m.title);
                same.severity = same.severity.min(m.severity);
            }
            None => merged.push(m),
        }
    }
    let mut at = 0;
    for m in &mut merged {
        m.start = m.start.max(at);
        m.end = m.end.max(m.start);
        at = m.end;
    }
    merged
}

/// A piece of a rendered line: a highlighted text, inside mark `mark` or none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub kind: highlight::Kind,
    pub text: String,
    pub mark: Option<usize>,
}

/// Splits a line's spans at the marks' boundaries.
pub fn pieces(spans: &[Span], marks: &[Mark]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut pos = 0; // in characters
    for s in spans {
        let mut text = String::new();
        let mut current: Option<Option<usize>> = None;
        for c in s.text.chars() {
            let mark = marks.iter().position(|m| m.start <= pos && pos < m.end);
            if current.is_some_and(|cur| cur != mark) {
                out.push(Piece {
                    kind: s.kind,
                    text: std::mem::take(&mut text),
                    mark: current.flatten(),
                });
            }
            current = Some(mark);
            text.push(c);
            pos += 1;
        }
        if !text.is_empty() {
            out.push(Piece {
                kind: s.kind,
                text,
                mark: current.flatten(),
            });
        }
    }
    out
}

/// The textarea offset (UTF-16 code units, what `setSelectionRange` takes) of 1-based
/// `line` and `column` (characters; 0 means the line's start). Past the end of a line
/// or of the text, the nearest end.
pub fn caret_offset(text: &str, line: usize, column: usize) -> u32 {
    let mut offset: usize = 0;
    let mut lines = text.split('\n');
    for _ in 1..line.max(1) {
        match lines.next() {
            Some(l) => offset += l.encode_utf16().count() + 1,
            None => break,
        }
    }
    let this = lines.next().unwrap_or("");
    offset += this
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf16)
        .sum::<usize>();
    let total = text.encode_utf16().count();
    u32::try_from(offset.min(total)).unwrap_or(u32::MAX)
}

#[derive(Properties, PartialEq)]
struct LineProps {
    number: usize,
    text: AttrValue,
    state: LineState,
    marks: Rc<Vec<Mark>>,
}

/// One line of the coloured `<pre>`; its colouring is memoised on its text.
#[function_component(HighlightedLine)]
fn highlighted_line(props: &LineProps) -> Html {
    let spans = use_memo((props.text.clone(), props.state), |(text, state)| {
        highlight::highlight_line(text, *state)
    });
    let parts = pieces(&spans, &props.marks);
    let mut children: Vec<Html> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let Some(m) = parts[i].mark else {
            children.push(piece_html(&parts[i]));
            i += 1;
            continue;
        };
        let mut inner = Vec::new();
        while i < parts.len() && parts[i].mark == Some(m) {
            inner.push(piece_html(&parts[i]));
            i += 1;
        }
        if let Some(mark) = props.marks.get(m) {
            children.push(
                html! { <span class={mark.class()} title={mark.title.clone()}>{ for inner }</span> },
            );
        }
    }
    // Marks with an empty range (past the end of the line): one space to underline.
    let line_len = props.text.chars().count();
    for mark in props.marks.iter().filter(|m| m.start == m.end) {
        if mark.start >= line_len {
            children.push(html! {
                <span class={classes!(mark.class(), "at-end")} title={mark.title.clone()}>{" "}</span>
            });
        }
    }
    html! {
        <span class="line" data-line={props.number.to_string()}>{ for children }{"\n"}</span>
    }
}

fn piece_html(p: &Piece) -> Html {
    html! { <span class={p.kind.class()}>{ p.text.clone() }</span> }
}

#[derive(Properties, PartialEq)]
struct GutterProps {
    number: usize,
    severity: Option<Severity>,
    title: Option<String>,
}

#[function_component(GutterLine)]
fn gutter_line(props: &GutterProps) -> Html {
    let class = match props.severity {
        Some(Severity::Error) => "gutter-line has-error",
        Some(Severity::Warning) => "gutter-line has-warning",
        None => "gutter-line",
    };
    // A block per line (see `.gutter-line` in editor.css): no newline text needed.
    html! { <span class={class} title={props.title.clone()}>{ props.number }</span> }
}

/// The manifest editor (see the module documentation).
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let lang = props.lang;
    let ta_ref = use_node_ref();
    let pre_ref = use_node_ref();
    let gutter_ref = use_node_ref();
    // Escape pressed: the next Tab leaves the field instead of indenting.
    let escaped = use_mut_ref(|| false);

    let lines = use_memo(props.text.clone(), |text| {
        highlight::lines(text)
            .zip(highlight::line_states(text))
            .map(|(l, s)| (AttrValue::from(l.to_string()), s))
            .collect::<Vec<_>>()
    });
    let by_line = use_memo(props.diagnostics.clone(), |diags| {
        let mut m: BTreeMap<usize, Vec<Diagnostic>> = BTreeMap::new();
        for d in diags.iter() {
            m.entry(d.line.max(1)).or_default().push(d.clone());
        }
        m
    });
    let marks = use_memo((lines.clone(), by_line.clone()), |(lines, by_line)| {
        let empty: Rc<Vec<Mark>> = Rc::new(Vec::new());
        let last = lines.len();
        lines
            .iter()
            .enumerate()
            .map(|(i, (text, _))| {
                let n = i + 1;
                // Diagnostics past the last line are drawn on the last line.
                let ds: Vec<&Diagnostic> = by_line
                    .range(n..)
                    .take_while(|(l, _)| **l == n || (n == last && **l > last))
                    .flat_map(|(_, v)| v.iter())
                    .collect();
                if ds.is_empty() {
                    empty.clone()
                } else {
                    Rc::new(marks_for_line(text, &ds))
                }
            })
            .collect::<Vec<_>>()
    });

    let sync_scroll = {
        let (ta_ref, pre_ref, gutter_ref) = (ta_ref.clone(), pre_ref.clone(), gutter_ref.clone());
        move || {
            let Some(ta) = ta_ref.cast::<HtmlElement>() else {
                return;
            };
            if let Some(pre) = pre_ref.cast::<HtmlElement>() {
                pre.set_scroll_top(ta.scroll_top());
                pre.set_scroll_left(ta.scroll_left());
            }
            if let Some(g) = gutter_ref.cast::<HtmlElement>() {
                g.set_scroll_top(ta.scroll_top());
            }
        }
    };
    let onscroll = {
        let sync = sync_scroll.clone();
        Callback::from(move |_: Event| sync())
    };
    // The text may change from outside (a lesson, a fork): keep the layers aligned.
    {
        let sync = sync_scroll.clone();
        use_effect_with(props.text.clone(), move |_| sync());
    }

    let oninput = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(ta) = e.target_dyn_into::<HtmlTextAreaElement>() {
                on_change.emit(ta.value());
            }
        })
    };

    let onkeydown = {
        let on_change = props.on_change.clone();
        let on_submit = props.on_submit.clone();
        let readonly = props.readonly;
        let escaped = escaped.clone();
        Callback::from(move |e: KeyboardEvent| {
            let was_escaped = std::mem::replace(&mut *escaped.borrow_mut(), false);
            match e.key().as_str() {
                "Escape" => *escaped.borrow_mut() = true,
                "Enter" if e.ctrl_key() || e.meta_key() => {
                    e.prevent_default();
                    on_submit.emit(());
                }
                "Tab"
                    if !was_escaped
                        && !readonly
                        && !e.shift_key()
                        && !e.ctrl_key()
                        && !e.alt_key()
                        && !e.meta_key() =>
                {
                    let Some(ta) = e.target_dyn_into::<HtmlTextAreaElement>() else {
                        return;
                    };
                    e.prevent_default();
                    let start = ta.selection_start().ok().flatten().unwrap_or(0);
                    let end = ta.selection_end().ok().flatten().unwrap_or(start);
                    if ta
                        .set_range_text_with_start_and_end_and_mode("  ", start, end, "end")
                        .is_ok()
                    {
                        on_change.emit(ta.value());
                    }
                }
                _ => {}
            }
        })
    };

    // Hover: find the mark under the pointer, beneath the textarea, and show its
    // message as the textarea's tooltip.
    let onmousemove = Callback::from(move |e: MouseEvent| {
        let Some(ta) = e.target_dyn_into::<HtmlTextAreaElement>() else {
            return;
        };
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let hits = doc.elements_from_point(e.client_x() as f32, e.client_y() as f32);
        let title = hits
            .iter()
            .filter_map(|v| v.dyn_into::<web_sys::Element>().ok())
            .find(|el| {
                let c = el.class_list();
                c.contains("err-mark") || c.contains("warn-mark")
            })
            .and_then(|el| el.get_attribute("title"));
        match title {
            Some(t) => {
                if ta.title() != t {
                    ta.set_title(&t);
                }
            }
            None => {
                if !ta.title().is_empty() {
                    ta.set_title("");
                }
            }
        }
    });

    let go_to = {
        let ta_ref = ta_ref.clone();
        let pre_ref = pre_ref.clone();
        let text = props.text.clone();
        let sync = sync_scroll.clone();
        Callback::from(move |(line, column): (usize, usize)| {
            let Some(ta) = ta_ref.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let at = caret_offset(&text, line, column);
            let _ = ta.focus();
            let _ = ta.set_selection_range(at, at);
            // Bring the line into view (a third from the top).
            if let Some(pre) = pre_ref.cast::<web_sys::Element>() {
                let sel = format!(".line[data-line=\"{line}\"]");
                if let Ok(Some(el)) = pre.query_selector(&sel) {
                    if let Ok(el) = el.dyn_into::<HtmlElement>() {
                        let top = el.offset_top() - ta.client_height() / 3;
                        ta.set_scroll_top(top.max(0));
                    }
                }
            }
            sync();
        })
    };

    let gutter: Html = lines
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let n = i + 1;
            let ds = marks.get(i).map(|m| m.as_slice()).unwrap_or(&[]);
            let severity = ds.iter().map(|m| m.severity).min();
            let title = if ds.is_empty() {
                None
            } else {
                Some(
                    ds.iter()
                        .map(|m| m.title.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            };
            html! { <GutterLine key={n} number={n} {severity} {title} /> }
        })
        .collect();
    let body: Html = lines
        .iter()
        .enumerate()
        .map(|(i, (text, state))| {
            let n = i + 1;
            let m = marks.get(i).cloned().unwrap_or_default();
            html! { <HighlightedLine key={n} number={n} text={text.clone()} state={*state} marks={m} /> }
        })
        .collect();

    let list: Html = if props.diagnostics.is_empty() {
        html! { <li class="diag-none">{ lang.pick("No problems found", "未发现问题") }</li> }
    } else {
        props
            .diagnostics
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let (class, word) = match d.severity {
                    Severity::Error => ("diag error", lang.pick("Error", "错误")),
                    Severity::Warning => ("diag warning", lang.pick("Warning", "警告")),
                };
                let target = (d.line, d.column);
                let onclick = go_to.reform(move |_: MouseEvent| target);
                html! {
                    <li key={i} class={class} data-line={d.line.to_string()} {onclick}>
                        <button type="button" class="diag-go">
                            <span class="sr-only">{ word }{ ": " }</span>
                            <span class="diag-pos">{ format!("{}:{}", d.line, d.column) }</span>
                            { " " }
                            <span class="diag-msg">{ d.message.clone() }</span>
                        </button>
                    </li>
                }
            })
            .collect()
    };

    let description = lang.pick(
        "YAML manifest. Tab inserts two spaces; press Escape, then Tab, to leave the editor. Ctrl+Enter (⌘+Enter) applies.",
        "YAML 清单。Tab 键插入两个空格；先按 Esc 再按 Tab 可离开编辑器。Ctrl+Enter（⌘+Enter）应用。",
    );
    let count = props.diagnostics.len();
    let has_error = props
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let list_label = lang.pick_owned(format!("Problems ({count})"), format!("问题（{count}）"));

    html! {
        <div class="editor">
            <div class="editor-body">
                <pre class="editor-gutter" aria-hidden="true" ref={gutter_ref}>{ gutter }</pre>
                <div class="editor-stack">
                    <pre class="editor-highlight" aria-hidden="true" ref={pre_ref}>{ body }</pre>
                    <textarea
                        id="editor"
                        ref={ta_ref}
                        class="editor-input"
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        wrap="off"
                        aria-label={props.label.clone()}
                        aria-description={description}
                        aria-invalid={if has_error { "true" } else { "false" }}
                        readonly={props.readonly}
                        value={props.text.clone()}
                        {oninput}
                        {onkeydown}
                        {onscroll}
                        {onmousemove}
                    />
                </div>
            </div>
            <ul id="diagnostics" role="list" aria-live="polite" aria-label={list_label}>{ list }</ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(line: usize, column: usize, severity: Severity, message: &str) -> Diagnostic {
        Diagnostic {
            line,
            column,
            severity,
            message: message.into(),
            field: None,
        }
    }

    #[test]
    fn a_mark_covers_the_token_at_its_column_or_the_whole_line() {
        let line = "  replicas: three  # x";
        let d = diag(1, 13, Severity::Error, "bad");
        let m = marks_for_line(line, &[&d]);
        assert_eq!((m[0].start, m[0].end), (12, 17));
        assert_eq!(&line[12..17], "three");
        let whole = diag(1, 0, Severity::Warning, "w");
        let m = marks_for_line(line, &[&whole]);
        assert_eq!((m[0].start, m[0].end), (2, line.len()));
        // Past the end: an empty mark at the end.
        let far = diag(1, 99, Severity::Error, "e");
        let m = marks_for_line("ab", &[&far]);
        assert_eq!((m[0].start, m[0].end), (2, 2));
    }

    #[test]
    fn marks_at_the_same_place_merge_and_overlaps_are_clipped() {
        let a = diag(1, 1, Severity::Warning, "first");
        let b = diag(1, 1, Severity::Error, "second");
        let m = marks_for_line("key: v", &[&a, &b]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].severity, Severity::Error);
        assert!(m[0].title.contains("first") && m[0].title.contains("second"));
        let whole = diag(1, 0, Severity::Error, "line");
        let inner = diag(1, 6, Severity::Error, "value");
        let m = marks_for_line("key: value", &[&whole, &inner]);
        for w in m.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
    }

    #[test]
    fn pieces_split_spans_at_marks_and_keep_the_text() {
        let line = "é: wörd x";
        let spans = highlight::highlight_line(line, LineState::Normal);
        let d = diag(1, 4, Severity::Error, "m");
        let marks = marks_for_line(line, &[&d]);
        let p = pieces(&spans, &marks);
        let joined: String = p.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(joined, line);
        let marked: String = p
            .iter()
            .filter(|x| x.mark.is_some())
            .map(|x| x.text.as_str())
            .collect();
        assert_eq!(marked, "wörd");
    }

    #[test]
    fn caret_offsets_count_utf16_units() {
        let text = "a: 1\n名前: 😀x\nlast";
        assert_eq!(caret_offset(text, 1, 1), 0);
        assert_eq!(caret_offset(text, 2, 1), 5);
        // 名 前 : space 😀 (two UTF-16 units) → column 6 is after them.
        assert_eq!(caret_offset(text, 2, 6), 5 + 4 + 2);
        assert_eq!(caret_offset(text, 3, 0), 5 + 7 + 1);
        // Out of range: clamped to the text.
        let total = text.encode_utf16().count() as u32;
        assert_eq!(caret_offset(text, 99, 99), total);
        assert_eq!(caret_offset(text, 3, 99), total);
    }
}
