//! The "changes to apply" preview: what pressing Apply would change in the manifest
//! (the last applied text against the editor's), as a collapsible unified diff of the
//! changed hunks with two lines of context.

use yew::prelude::*;

use crate::diff::{self, DiffKind, DiffLine};
use crate::i18n::Lang;

/// The preview's properties.
#[derive(Properties, PartialEq)]
pub struct DiffViewProps {
    /// The text as last applied.
    pub old: AttrValue,
    /// The text in the editor.
    pub new: AttrValue,
    pub lang: Lang,
}

/// The preview (see the module documentation).
#[function_component(DiffView)]
pub fn diff_view(props: &DiffViewProps) -> Html {
    let lang = props.lang;
    let lines = use_memo((props.old.clone(), props.new.clone()), |(old, new)| {
        diff::diff(old, new)
    });
    // The hunks are rendered only while the preview is open: typing in a long manifest
    // then costs one diff and two counts, not thousands of DOM nodes.
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            if let Some(d) = e.target_dyn_into::<web_sys::HtmlDetailsElement>() {
                open.set(d.open());
            }
        })
    };
    let (added, removed) = diff::counts(&lines);
    if added + removed == 0 {
        return html! {
            <details id="diff" class="diff-none">
                <summary>{ lang.pick("No changes", "没有改动") }</summary>
            </details>
        };
    }
    let summary = lang.pick_owned(
        format!("Changes to apply (+{added} −{removed})"),
        format!("待应用的改动（+{added} −{removed}）"),
    );
    let label = lang.pick_owned(
        format!("{added} lines added, {removed} lines removed"),
        format!("新增 {added} 行，删除 {removed} 行"),
    );
    let body = if *open {
        let hunks = diff::changed_hunks(&lines);
        html! {
            <div class="diff-body">
                { for hunks.iter().enumerate().map(|(i, h)| hunk_html(i, h, lang)) }
            </div>
        }
    } else {
        Html::default()
    };
    html! {
        <details id="diff" open={*open} {ontoggle}>
            <summary aria-label={label.clone()} title={label}>{ summary }</summary>
            { body }
        </details>
    }
}

fn hunk_html(i: usize, hunk: &[DiffLine], lang: Lang) -> Html {
    // `@@ -a,n +b,m @@`, as `diff -u` and `kubectl diff` head a hunk.
    let old_start = hunk.iter().find_map(|l| l.old_line).unwrap_or(0);
    let new_start = hunk.iter().find_map(|l| l.new_line).unwrap_or(0);
    let old_n = hunk.iter().filter(|l| l.old_line.is_some()).count();
    let new_n = hunk.iter().filter(|l| l.new_line.is_some()).count();
    html! {
        <pre key={i} class="diff-hunk">
            <span class="diff-head">{ format!("@@ -{old_start},{old_n} +{new_start},{new_n} @@\n") }</span>
            { for hunk.iter().map(|l| line_html(l, lang)) }
        </pre>
    }
}

fn line_html(l: &DiffLine, lang: Lang) -> Html {
    let (class, sign, sr) = match l.kind {
        DiffKind::Same => ("diff-line same", " ", None),
        DiffKind::Added => ("diff-line added", "+", Some(lang.pick("added: ", "新增："))),
        DiffKind::Removed => (
            "diff-line removed",
            "-",
            Some(lang.pick("removed: ", "删除：")),
        ),
    };
    html! {
        <span class={class}>
            if let Some(sr) = sr { <span class="sr-only">{ sr }</span> }
            <span class="diff-sign" aria-hidden="true">{ sign }</span>
            { l.text.clone() }{ "\n" }
        </span>
    }
}
