//! The kubectl console: the session's output as a log, one input line with history
//! (↑/↓), Ctrl+C, Ctrl+L and Tab completion of kubectl's words and the cluster's names.
//!
//! Completion is a pure function, [`complete`], over [`Completions`] (the names in the
//! world, collected once per world change by [`Completions::of`]). The verbs, resource
//! types, subcommands and flags it offers are the ones the engine's kubectl layer
//! accepts (`sts_engine::kubectl::dispatch`, the `FLAGS` lists of `kubectl/get.rs`,
//! `describe.rs`, `mutate.rs`, `wait.rs` and `podshell.rs`' `EXEC_FLAGS`/`RUN_FLAGS`),
//! so Tab never proposes a command the playground would refuse.

use std::ops::Range;
use std::rc::Rc;

use sts_engine::world::World;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::Lang;

/// One command and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleEntry {
    pub command: String,
    /// stdout and stderr, as the terminal shows them.
    pub output: String,
    pub exit: i32,
}

/// The names Tab can complete, per resource type (sorted, without duplicates).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    pub pods: Vec<String>,
    pub statefulsets: Vec<String>,
    pub services: Vec<String>,
    pub pvcs: Vec<String>,
    pub pvs: Vec<String>,
    pub nodes: Vec<String>,
    pub storageclasses: Vec<String>,
    pub controllerrevisions: Vec<String>,
}

impl Completions {
    /// The names of the objects in `world` (every namespace: the console's commands
    /// may carry `-n`).
    pub fn of(world: &World) -> Completions {
        fn names<'a>(it: impl Iterator<Item = &'a String>) -> Vec<String> {
            let mut v: Vec<String> = it.cloned().collect();
            v.sort();
            v.dedup();
            v
        }
        Completions {
            pods: names(world.pods.keys().map(|k| &k.1)),
            statefulsets: names(world.sets.keys().map(|k| &k.1)),
            services: names(world.services.keys().map(|k| &k.1)),
            pvcs: names(world.claims.keys().map(|k| &k.1)),
            pvs: names(world.volumes.keys()),
            nodes: names(world.nodes.keys()),
            storageclasses: names(world.classes.keys()),
            controllerrevisions: names(world.revisions.keys().map(|k| &k.1)),
        }
    }

    /// `Completions::of(world)` if it differs from `self`, else `None`. With
    /// `same_pods_and_claims` (the caller knows that no pod or claim was added or
    /// removed since `self` was computed) and `same_volumes` (likewise for
    /// PersistentVolumes) the longest lists are not looked at; the others are compared
    /// with the world's names before anything is copied.
    pub fn refreshed(
        &self,
        world: &World,
        same_pods_and_claims: bool,
        same_volumes: bool,
    ) -> Option<Completions> {
        /// True if the names `it` gives, sorted and without repeats, are `old`: one
        /// pass while they come sorted (one namespace, or a cluster-scoped kind); names
        /// out of order (several namespaces) count as changed, which only costs a
        /// recomputation.
        fn same<'a>(old: &[String], it: impl Iterator<Item = &'a String>) -> bool {
            let mut prev: Option<&String> = None;
            let mut old = old.iter();
            for n in it {
                if let Some(p) = prev {
                    if n == p {
                        continue;
                    }
                    if n < p {
                        return false;
                    }
                }
                prev = Some(n);
                if old.next() != Some(n) {
                    return false;
                }
            }
            old.next().is_none()
        }
        let unchanged = (same_pods_and_claims
            || (same(&self.pods, world.pods.keys().map(|k| &k.1))
                && same(&self.pvcs, world.claims.keys().map(|k| &k.1))))
            && same(&self.statefulsets, world.sets.keys().map(|k| &k.1))
            && same(&self.services, world.services.keys().map(|k| &k.1))
            && (same_volumes || same(&self.pvs, world.volumes.keys()))
            && same(&self.nodes, world.nodes.keys())
            && same(&self.storageclasses, world.classes.keys())
            && same(
                &self.controllerrevisions,
                world.revisions.keys().map(|k| &k.1),
            );
        (!unchanged).then(|| Completions::of(world))
    }

    fn names(&self, ty: Type) -> &[String] {
        match ty {
            Type::Pods => &self.pods,
            Type::StatefulSets => &self.statefulsets,
            Type::Services => &self.services,
            Type::Pvcs => &self.pvcs,
            Type::Pvs => &self.pvs,
            Type::Nodes => &self.nodes,
            Type::StorageClasses => &self.storageclasses,
            Type::ControllerRevisions => &self.controllerrevisions,
            Type::Events | Type::Namespaces => &[],
        }
    }
}

/// What Tab does to the line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// The bytes of the line that the replacement takes the place of (the word before
    /// the caret).
    pub range: Range<usize>,
    /// The new text for `range`, when Tab changes the line: the one candidate and a
    /// space, or the candidates' longest common prefix.
    pub replacement: Option<String>,
    /// Every matching candidate, shown when there is more than one.
    pub candidates: Vec<String>,
}

/// Resource types that have names to complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Pods,
    StatefulSets,
    Services,
    Pvcs,
    Pvs,
    Nodes,
    StorageClasses,
    ControllerRevisions,
    Events,
    Namespaces,
}

/// Type words as kubectl's RESTMapper accepts them (plural, singular, short name;
/// `sts_engine::kubectl::resources::Res::info`), the first of each the one offered.
const TYPES: &[(Type, &[&str])] = &[
    (Type::Pods, &["pods", "pod", "po"]),
    (Type::StatefulSets, &["statefulsets", "statefulset", "sts"]),
    (Type::Services, &["services", "service", "svc"]),
    (
        Type::Pvcs,
        &["persistentvolumeclaims", "persistentvolumeclaim", "pvc"],
    ),
    (Type::Pvs, &["persistentvolumes", "persistentvolume", "pv"]),
    (Type::Nodes, &["nodes", "node", "no"]),
    (
        Type::StorageClasses,
        &["storageclasses", "storageclass", "sc"],
    ),
    (
        Type::ControllerRevisions,
        &["controllerrevisions", "controllerrevision"],
    ),
    (Type::Events, &["events", "event", "ev"]),
    (Type::Namespaces, &["namespaces", "namespace", "ns"]),
];

fn type_of(word: &str) -> Option<Type> {
    let w = word.to_ascii_lowercase();
    // `statefulsets.apps`, `statefulsets.v1.apps`.
    let base = w.split('.').next().unwrap_or("");
    TYPES
        .iter()
        .find(|(_, words)| words.contains(&base))
        .map(|(t, _)| *t)
}

/// The verbs of the playground's kubectl (`kubectl::dispatch`).
const VERBS: &[&str] = &[
    "api-resources",
    "apply",
    "create",
    "delete",
    "describe",
    "edit",
    "exec",
    "get",
    "label",
    "patch",
    "rollout",
    "run",
    "scale",
    "set",
    "version",
    "wait",
];

/// Verbs followed by `TYPE [NAME…]` or `TYPE/NAME`.
const TYPE_VERBS: &[&str] = &[
    "get", "describe", "delete", "edit", "label", "patch", "scale", "wait",
];

/// `kubectl rollout` subcommands (`mutate::rollout`).
const ROLLOUT: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];

/// Formats of `-o` (`get::format`).
const OUTPUTS: &[&str] = &[
    "custom-columns=",
    "json",
    "jsonpath=",
    "name",
    "wide",
    "yaml",
];

const GLOBAL_FLAGS: &[&str] = &["--namespace=", "-n"];

/// Flags whose value is the next word when written without `=`.
fn takes_value(flag: &str) -> bool {
    matches!(
        flag,
        "-o" | "-l"
            | "-n"
            | "-f"
            | "-p"
            | "-L"
            | "-c"
            | "--output"
            | "--selector"
            | "--namespace"
            | "--filename"
            | "--patch"
            | "--for"
            | "--timeout"
            | "--replicas"
            | "--current-replicas"
            | "--type"
            | "--field-selector"
            | "--sort-by"
            | "--label-columns"
            | "--grace-period"
            | "--to-revision"
            | "--revision"
            | "--image"
            | "--restart"
            | "--container"
            | "--context"
            | "--kubeconfig"
            | "--field-manager"
            | "--patch-file"
            | "--subresource"
            | "--chunk-size"
    )
}

/// Completes the word that ends at `caret` (a byte offset into `line`; clamped and
/// moved back to a character boundary when it is not one).
pub fn complete(line: &str, caret: usize, c: &Completions) -> Completion {
    let mut caret = caret.min(line.len());
    while !line.is_char_boundary(caret) {
        caret -= 1;
    }
    let before = &line[..caret];
    // The command this word belongs to: after the last `|`, `;`, `&`, `(` or backquote.
    let cmd_start = before.rfind(['|', ';', '&', '(', '`']).map_or(0, |i| i + 1);
    let cmd = &before[cmd_start..];
    let word_start = cmd
        .rfind(char::is_whitespace)
        .map_or(0, |i| i + cmd[i..].chars().next().map_or(1, char::len_utf8));
    let word = &cmd[word_start..];
    let range = cmd_start + word_start..caret;
    let previous: Vec<&str> = cmd[..word_start].split_whitespace().collect();

    let (pool, prefix_len): (Vec<String>, usize) = candidates(&previous, word, c);
    let mut seen = std::collections::BTreeSet::new();
    let matching: Vec<String> = pool
        .into_iter()
        .filter(|p| p.starts_with(word) && seen.insert(p.clone()))
        .collect();
    let replacement = match matching.as_slice() {
        [] => None,
        [one] => {
            let sep = if one.ends_with('=') || one.ends_with('/') {
                ""
            } else {
                " "
            };
            Some(format!("{one}{sep}"))
        }
        many => {
            let p = common_prefix(many);
            (p.len() > word.len()).then_some(p)
        }
    };
    // The list shows names without the `type/` both share.
    let candidates = if matching.len() > 1 {
        matching
            .iter()
            .map(|m| m.get(prefix_len..).unwrap_or(m).to_string())
            .collect()
    } else {
        Vec::new()
    };
    Completion {
        range,
        replacement,
        candidates,
    }
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut end = first.len();
    for w in &words[1..] {
        end = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    first[..end].to_string()
}

/// The candidates for `word` after the words `previous`, and how many leading bytes
/// of them the list may leave out (a shared `type/`).
fn candidates(previous: &[&str], word: &str, c: &Completions) -> (Vec<String>, usize) {
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let Some((first, args)) = previous.split_first() else {
        return (vec!["kubectl".to_string()], 0);
    };
    if *first != "kubectl" {
        return (Vec::new(), 0);
    }
    // Positional arguments so far, skipping flags and their values.
    let mut pos: Vec<&str> = Vec::new();
    let mut skip_next = false;
    let mut after_dashdash = false;
    let mut value_of: Option<&str> = None;
    for a in args {
        if after_dashdash {
            pos.push(a);
            continue;
        }
        if skip_next {
            skip_next = false;
            continue;
        }
        if *a == "--" {
            after_dashdash = true;
            pos.push(a);
        } else if a.starts_with('-') && a.len() > 1 {
            if !a.contains('=') && takes_value(a) {
                skip_next = true;
            }
        } else {
            pos.push(a);
        }
    }
    if skip_next {
        value_of = args.last().copied();
    }
    if let Some(flag) = value_of {
        return match flag {
            "-o" | "--output" => (owned(OUTPUTS), 0),
            _ => (Vec::new(), 0),
        };
    }
    let verb = pos.first().copied();
    if let Some(rest) = word.strip_prefix("--output=").or(word.strip_prefix("-o=")) {
        let head = &word[..word.len() - rest.len()];
        return (OUTPUTS.iter().map(|o| format!("{head}{o}")).collect(), 0);
    }
    if word.starts_with('-') {
        let mut v = owned(GLOBAL_FLAGS);
        if let Some(verb) = verb {
            // The parser's own flag tables: completion offers exactly what it accepts.
            v.extend(sts_engine::kubectl::completion_flags(verb));
        }
        v.sort();
        return (v, 0);
    }
    let Some(verb) = verb else {
        return (owned(VERBS), 0);
    };
    let after = &pos[1..];
    if after.contains(&"--") {
        return (Vec::new(), 0);
    }
    // `TYPE/NAME` anywhere a resource is expected.
    let slash_names = |word: &str| -> Option<(Vec<String>, usize)> {
        let (ty, _) = word.split_once('/')?;
        let t = type_of(ty)?;
        let head = format!("{ty}/");
        Some((
            c.names(t).iter().map(|n| format!("{head}{n}")).collect(),
            head.len(),
        ))
    };
    let types = || -> Vec<String> { TYPES.iter().map(|(_, w)| w[0].to_string()).collect() };
    let with_alias = |mut v: Vec<String>| {
        // A short name typed in full (`sts`, `pvc`) completes to itself.
        if type_of(word).is_some() && !v.iter().any(|t| t.starts_with(word)) {
            v.push(word.to_string());
        }
        v
    };
    match verb {
        v if TYPE_VERBS.contains(&v) => {
            if let Some(r) = slash_names(word) {
                return r;
            }
            match after.first() {
                None => (with_alias(types()), 0),
                Some(ty) if !ty.contains('/') => match type_of(ty) {
                    Some(t) => (c.names(t).to_vec(), 0),
                    None => (Vec::new(), 0),
                },
                // After `type/name`, more `type/name`s.
                Some(_) => (Vec::new(), 0),
            }
        }
        "rollout" => match after {
            [] => (owned(ROLLOUT), 0),
            [_sub] => {
                slash_names(word).unwrap_or_else(|| (with_alias(vec!["statefulsets".into()]), 0))
            }
            [_sub, ty, ..] if !ty.contains('/') => match type_of(ty) {
                Some(t) => (c.names(t).to_vec(), 0),
                None => (Vec::new(), 0),
            },
            _ => (Vec::new(), 0),
        },
        "set" => match after {
            [] => (vec!["image".to_string()], 0),
            [_image] => slash_names(word).unwrap_or_else(|| (with_alias(types()), 0)),
            [_image, ty] if !ty.contains('/') => match type_of(ty) {
                Some(t) => (c.names(t).to_vec(), 0),
                None => (Vec::new(), 0),
            },
            _ => (Vec::new(), 0),
        },
        "exec" => match after {
            [] => slash_names(word).unwrap_or_else(|| (c.pods.clone(), 0)),
            _ => (Vec::new(), 0),
        },
        _ => (Vec::new(), 0),
    }
}

/// UTF-16 offset (the input's `selectionStart`) to a byte offset of `s`.
pub fn utf16_to_byte(s: &str, units: usize) -> usize {
    let mut seen = 0;
    for (i, ch) in s.char_indices() {
        if seen >= units {
            return i;
        }
        seen += ch.len_utf16();
    }
    s.len()
}

/// Byte offset of `s` to a UTF-16 offset.
pub fn byte_to_utf16(s: &str, byte: usize) -> u32 {
    let n: usize = s
        .char_indices()
        .take_while(|(i, _)| *i < byte)
        .map(|(_, c)| c.len_utf16())
        .sum();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The console's properties.
#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub entries: Rc<Vec<ConsoleEntry>>,
    #[prop_or_default]
    pub completions: Rc<Completions>,
    pub lang: Lang,
    /// Enter: the line to run.
    pub on_run: Callback<String>,
    /// Ctrl+C: stop a blocking command (`kubectl get -w`, `rollout status`, `wait`).
    #[prop_or_default]
    pub on_interrupt: Callback<()>,
    #[prop_or(AttrValue::Static("$"))]
    pub prompt: AttrValue,
    #[prop_or_default]
    pub readonly: bool,
}

#[derive(Properties)]
struct EntryProps {
    entries: Rc<Vec<ConsoleEntry>>,
    index: usize,
    prompt: AttrValue,
    lang: Lang,
}

/// Compares the one entry shown, not the whole list (nor a clone of the entry): a long
/// session re-renders only the entries that changed.
impl PartialEq for EntryProps {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
            && self.prompt == other.prompt
            && self.lang == other.lang
            && (Rc::ptr_eq(&self.entries, &other.entries)
                || self.entries.get(self.index) == other.entries.get(other.index))
    }
}

#[function_component(EntryView)]
fn entry_view(props: &EntryProps) -> Html {
    let Some(e) = props.entries.get(props.index) else {
        return Html::default();
    };
    let failed = e.exit != 0;
    html! {
        <div class={classes!("console-entry", failed.then_some("failed"))}>
            <div class="console-cmd">
                <span class="console-prompt" aria-hidden="true">{ props.prompt.clone() }{" "}</span>
                <span class="console-command">{ e.command.clone() }</span>
            </div>
            if !e.output.is_empty() {
                <pre class="console-out">{ e.output.clone() }</pre>
            }
            if failed {
                <div class="console-exit">
                    { props.lang.pick_owned(format!("exit code {}", e.exit), format!("退出码 {}", e.exit)) }
                </div>
            }
        </div>
    }
}

/// Where ↑/↓ are in the history.
#[derive(Clone, Debug, Default, PartialEq)]
struct HistoryPos {
    /// 0 = the newest command; `None` = the line being typed.
    at: Option<usize>,
    /// The line being typed when ↑ was first pressed.
    draft: String,
}

/// The kubectl console (see the module documentation).
#[function_component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let lang = props.lang;
    let input_ref = use_node_ref();
    let output_ref = use_node_ref();
    let line = use_state(String::new);
    let shown_from = use_state(|| 0usize); // Ctrl+L hides the entries before this one
    let listed = use_state(Vec::<String>::new);
    let history = use_mut_ref(HistoryPos::default);
    let escaped = use_mut_ref(|| false);

    // Keep the newest output in view: always after a new command, and while output
    // grows (a watch) as long as the reader has not scrolled up.
    let at_bottom = use_mut_ref(|| true);
    {
        let output_ref = output_ref.clone();
        let at_bottom = at_bottom.clone();
        let count = props.entries.len();
        let last_len = props.entries.last().map_or(0, |e| e.output.len());
        let last_count = use_mut_ref(|| 0usize);
        use_effect_with((count, last_len, *shown_from), move |_| {
            let new_command = std::mem::replace(&mut *last_count.borrow_mut(), count) != count;
            if new_command || *at_bottom.borrow() {
                if let Some(el) = output_ref.cast::<web_sys::Element>() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }
    let onscroll = {
        let at_bottom = at_bottom.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                *at_bottom.borrow_mut() =
                    el.scroll_top() + el.client_height() >= el.scroll_height() - 4;
            }
        })
    };

    let oninput = {
        let line = line.clone();
        let listed = listed.clone();
        let history = history.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                line.set(input.value());
                history.borrow_mut().at = None;
                if !listed.is_empty() {
                    listed.set(Vec::new());
                }
            }
        })
    };

    let onkeydown = {
        let line = line.clone();
        let listed = listed.clone();
        let history = history.clone();
        let escaped = escaped.clone();
        let shown_from = shown_from.clone();
        let entries = props.entries.clone();
        let completions = props.completions.clone();
        let on_run = props.on_run.clone();
        let on_interrupt = props.on_interrupt.clone();
        let readonly = props.readonly;
        Callback::from(move |e: KeyboardEvent| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let was_escaped = std::mem::replace(&mut *escaped.borrow_mut(), false);
            let value = input.value();
            let set_line = |text: String, caret: u32| {
                input.set_value(&text);
                let _ = input.set_selection_range(caret, caret);
                line.set(text);
            };
            let ctrl = e.ctrl_key() || e.meta_key();
            match e.key().as_str() {
                "Escape" => {
                    *escaped.borrow_mut() = true;
                    if !listed.is_empty() {
                        listed.set(Vec::new());
                    }
                }
                "Enter" if !ctrl && !e.shift_key() => {
                    e.prevent_default();
                    if readonly {
                        return;
                    }
                    *history.borrow_mut() = HistoryPos::default();
                    listed.set(Vec::new());
                    set_line(String::new(), 0);
                    on_run.emit(value);
                }
                "ArrowUp" | "ArrowDown" => {
                    // Newest first, skipping repeats of the same command.
                    let mut past: Vec<&str> = Vec::new();
                    for en in entries.iter().rev() {
                        if past.last() != Some(&en.command.as_str()) && !en.command.is_empty() {
                            past.push(&en.command);
                        }
                    }
                    let mut h = history.borrow_mut();
                    let up = e.key() == "ArrowUp";
                    let next = match (h.at, up) {
                        (None, true) if !past.is_empty() => {
                            h.draft = value.clone();
                            Some(Some(0))
                        }
                        (Some(i), true) if i + 1 < past.len() => Some(Some(i + 1)),
                        (Some(0), false) => Some(None),
                        (Some(i), false) => Some(Some(i - 1)),
                        _ => None,
                    };
                    if let Some(at) = next {
                        e.prevent_default();
                        h.at = at;
                        let text = match at {
                            Some(i) => past.get(i).map(|s| s.to_string()).unwrap_or_default(),
                            None => std::mem::take(&mut h.draft),
                        };
                        let end = byte_to_utf16(&text, text.len());
                        set_line(text, end);
                    }
                }
                "c" | "C" if e.ctrl_key() && !e.shift_key() => {
                    // With text selected, Ctrl+C copies, as everywhere else.
                    let selected = input.selection_start().ok().flatten()
                        != input.selection_end().ok().flatten();
                    if selected {
                        return;
                    }
                    e.prevent_default();
                    *history.borrow_mut() = HistoryPos::default();
                    listed.set(Vec::new());
                    set_line(String::new(), 0);
                    on_interrupt.emit(());
                }
                "l" | "L" if e.ctrl_key() && !e.shift_key() => {
                    e.prevent_default();
                    shown_from.set(entries.len());
                }
                "Tab" if !was_escaped && !e.shift_key() && !ctrl && !e.alt_key() => {
                    e.prevent_default();
                    if readonly {
                        return;
                    }
                    let caret16 = input.selection_start().ok().flatten().unwrap_or(0);
                    let caret = utf16_to_byte(&value, caret16 as usize);
                    let done = complete(&value, caret, &completions);
                    if let Some(rep) = &done.replacement {
                        let start = done.range.start.min(value.len());
                        let end = done.range.end.clamp(start, value.len());
                        if let (Some(head), Some(tail)) = (value.get(..start), value.get(end..)) {
                            let text = format!("{head}{rep}{tail}");
                            let at = byte_to_utf16(&text, start + rep.len());
                            set_line(text, at);
                        }
                    }
                    listed.set(done.candidates);
                }
                _ => {}
            }
        })
    };

    let shown = (*shown_from).min(props.entries.len())..props.entries.len();
    let focus_input = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            // A click in the log (not a text selection) puts the caret in the input.
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if !selecting {
                if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                }
            }
        })
    };
    let description = lang.pick(
        "Enter runs the command. Up and Down arrows walk the history, Tab completes, Ctrl+C interrupts, Ctrl+L clears the screen. Press Escape, then Tab, to leave the field.",
        "回车执行命令。上下方向键浏览历史命令，Tab 补全，Ctrl+C 中断，Ctrl+L 清屏。先按 Esc 再按 Tab 可离开输入框。",
    );

    html! {
        <div class="console">
            <div id="console-output" role="log" aria-live="polite"
                 aria-label={lang.pick("kubectl output", "kubectl 输出")}
                 ref={output_ref} onclick={focus_input} {onscroll}>
                { for shown.map(|i| html! {
                    <EntryView key={i} entries={props.entries.clone()} index={i}
                               prompt={props.prompt.clone()} {lang} />
                }) }
            </div>
            <div class="console-line">
                <label for="console-input" class="console-prompt">{ props.prompt.clone() }</label>
                <input
                    id="console-input"
                    ref={input_ref}
                    type="text"
                    aria-label={lang.pick("kubectl command", "kubectl 命令")}
                    aria-description={description}
                    aria-controls="completions"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    enterkeyhint="send"
                    readonly={props.readonly}
                    value={(*line).clone()}
                    {oninput}
                    {onkeydown}
                />
            </div>
            <ul id="completions" role="list"
                aria-label={lang.pick("Completions", "补全候选")}
                hidden={listed.is_empty()}>
                { for listed.iter().map(|c| html! { <li key={c.clone()}>{ c.clone() }</li> }) }
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Completions {
        Completions {
            pods: vec!["db-0".into(), "web-0".into(), "web-1".into()],
            statefulsets: vec!["db".into(), "web".into()],
            services: vec!["nginx".into()],
            pvcs: vec!["www-web-0".into(), "www-web-1".into()],
            pvs: vec!["pv-a".into()],
            nodes: vec!["node-1".into(), "node-2".into()],
            storageclasses: vec!["standard".into()],
            controllerrevisions: vec!["web-6c5d7f9b8".into()],
        }
    }

    /// The line after Tab with the caret at its end, and the listed candidates.
    fn tab(line: &str) -> (String, Vec<String>) {
        let c = complete(line, line.len(), &names());
        let text = match &c.replacement {
            Some(r) => format!("{}{r}{}", &line[..c.range.start], &line[c.range.end..]),
            None => line.to_string(),
        };
        (text, c.candidates)
    }

    #[test]
    fn the_brief_examples() {
        assert_eq!(tab("kubectl get po").0, "kubectl get pods ");
        let (t, list) = tab("kubectl describe pod we");
        assert_eq!(t, "kubectl describe pod web-");
        assert_eq!(list, vec!["web-0", "web-1"]);
        assert_eq!(tab("kubectl rollout st").0, "kubectl rollout status ");
        assert_eq!(tab("kubectl scale sts/w").0, "kubectl scale sts/web ");
    }

    #[test]
    fn first_word_then_verbs() {
        assert_eq!(tab("kub").0, "kubectl ");
        assert_eq!(tab("").0, "kubectl ");
        assert_eq!(tab("kubectl sc").0, "kubectl scale ");
        let (t, list) = tab("kubectl e");
        assert_eq!(t, "kubectl e");
        assert_eq!(list, vec!["edit", "exec"]);
        // `logs` is not a verb of the playground: nothing to offer.
        assert_eq!(tab("kubectl lo"), ("kubectl lo".to_string(), vec![]));
        // Something other than kubectl: no guesses.
        assert_eq!(tab("grep we").0, "grep we");
    }

    #[test]
    fn types_then_names_of_that_type() {
        let (t, list) = tab("kubectl get p");
        assert_eq!(t, "kubectl get p");
        assert_eq!(
            list,
            vec!["pods", "persistentvolumeclaims", "persistentvolumes"]
        );
        assert_eq!(
            tab("kubectl get persistentvolumec").0,
            "kubectl get persistentvolumeclaims "
        );
        // A short name typed in full stands.
        assert_eq!(tab("kubectl get sts").0, "kubectl get sts ");
        assert_eq!(tab("kubectl get pvc w").0, "kubectl get pvc www-web-");
        assert_eq!(
            tab("kubectl delete statefulsets.apps w").0,
            "kubectl delete statefulsets.apps web "
        );
        assert_eq!(tab("kubectl get nodes n").0, "kubectl get nodes node-");
        assert_eq!(tab("kubectl get sc s").0, "kubectl get sc standard ");
        assert_eq!(
            tab("kubectl get controllerrevisions w").0,
            "kubectl get controllerrevisions web-6c5d7f9b8 "
        );
        // Several names after one type (`kubectl delete pod web-0 web-1`).
        assert_eq!(
            tab("kubectl delete pod web-0 d").0,
            "kubectl delete pod web-0 db-0 "
        );
        // `type/name` lists the names without the shared `type/`.
        let (t, list) = tab("kubectl describe po/web");
        assert_eq!(t, "kubectl describe po/web-");
        assert_eq!(list, vec!["web-0", "web-1"]);
        // Flags and their values do not count as the type.
        assert_eq!(
            tab("kubectl get -n default pods w").0,
            "kubectl get -n default pods web-"
        );
        assert_eq!(
            tab("kubectl get -o wide pods d").0,
            "kubectl get -o wide pods db-0 "
        );
    }

    #[test]
    fn rollout_set_image_and_exec() {
        assert_eq!(tab("kubectl rollout status sts/").1, vec!["db", "web"]);
        assert_eq!(
            tab("kubectl rollout undo st").0,
            "kubectl rollout undo statefulsets "
        );
        assert_eq!(
            tab("kubectl rollout history statefulset w").0,
            "kubectl rollout history statefulset web "
        );
        assert_eq!(tab("kubectl set i").0, "kubectl set image ");
        assert_eq!(
            tab("kubectl set image sts/w").0,
            "kubectl set image sts/web "
        );
        assert_eq!(tab("kubectl exec -it w").0, "kubectl exec -it web-");
        assert_eq!(
            tab("kubectl exec web-0 -- ho").0,
            "kubectl exec web-0 -- ho"
        );
    }

    #[test]
    fn flags_per_verb_and_output_formats() {
        assert_eq!(
            tab("kubectl get pods --sh").1,
            vec!["--show-kind", "--show-labels"]
        );
        assert_eq!(
            tab("kubectl scale sts web --rep").0,
            "kubectl scale sts web --replicas="
        );
        assert_eq!(
            tab("kubectl delete sts web --cas").0,
            "kubectl delete sts web --cascade="
        );
        assert_eq!(tab("kubectl get pods -o y").0, "kubectl get pods -o yaml ");
        let (t, list) = tab("kubectl get pods --output=js");
        assert_eq!(t, "kubectl get pods --output=json");
        assert_eq!(list, vec!["--output=json", "--output=jsonpath="]);
        assert_eq!(
            tab("kubectl get pods --output=y").0,
            "kubectl get pods --output=yaml "
        );
        // A flag the verb does not have is not offered.
        assert_eq!(tab("kubectl describe pods --wat").1, Vec::<String>::new());
        assert_eq!(
            tab("kubectl describe pods --wat").0,
            "kubectl describe pods --wat"
        );
    }

    #[test]
    fn the_word_at_the_caret_in_a_pipe_or_mid_line() {
        assert_eq!(
            tab("kubectl get pods | grep w; kubectl get stat").0,
            "kubectl get pods | grep w; kubectl get statefulsets "
        );
        let line = "kubectl get po -o wide";
        let c = complete(line, "kubectl get po".len(), &names());
        assert_eq!(c.range, 12..14);
        assert_eq!(c.replacement.as_deref(), Some("pods "));
        // Odd carets and multi-byte text never panic.
        for line in [
            "",
            "é",
            "kubectl get pods é",
            "kubectl  ",
            "  kubectl get  ",
            "|||",
            "kubectl get 名/",
        ] {
            for caret in 0..=line.len() + 2 {
                let _ = complete(line, caret, &names());
            }
        }
    }

    #[test]
    fn offsets_convert_between_utf16_and_bytes() {
        let s = "a😀é b";
        assert_eq!(utf16_to_byte(s, 0), 0);
        assert_eq!(utf16_to_byte(s, 1), 1);
        assert_eq!(utf16_to_byte(s, 3), 5);
        assert_eq!(utf16_to_byte(s, 99), s.len());
        assert_eq!(byte_to_utf16(s, 5), 3);
        assert_eq!(byte_to_utf16(s, s.len()), 6);
    }

    #[test]
    fn completions_of_a_world_hold_its_names() {
        use sts_engine::world::{Config, World};
        let mut w = World::new(Config::default(), 1);
        let out = w.apply_manifests(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: nginx\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n",
        );
        assert_eq!(out.exit, 0, "{}", out.output);
        for _ in 0..200 {
            if w.step().is_none() {
                break;
            }
        }
        let c = Completions::of(&w);
        assert_eq!(c.statefulsets, vec!["web"]);
        assert!(c.pods.contains(&"web-0".to_string()), "{:?}", c.pods);
        assert_eq!(c.controllerrevisions.len(), 1);
        assert_eq!(tab_with("kubectl get sts w", &c), "kubectl get sts web ");
    }

    fn tab_with(line: &str, c: &Completions) -> String {
        let r = complete(line, line.len(), c);
        match r.replacement {
            Some(rep) => format!("{}{rep}", &line[..r.range.start]),
            None => line.to_string(),
        }
    }
}
