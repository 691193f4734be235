//! The read-only panels beside the picture, as plain data computed from the world
//! (natively tested) and small Yew views over that data: the "why" banner, the
//! StatefulSet status block, the watch log and the Events table.

use serde::{Deserialize, Serialize};
use std::rc::Rc;

use sts_engine::model::UpdateStrategyType;
use sts_engine::printers;
use sts_engine::trace::Record;
use sts_engine::world::World;
use yew::prelude::*;

use crate::i18n::Lang;

/// Lines kept in the watch log view.
pub const WATCH_LINES: usize = 300;
/// Events shown.
pub const EVENT_ROWS: usize = 100;
/// Lines per block of the watch log and the Events table in the full app: a step that
/// adds a line rewrites one block's text, so the browser lays out that block, not the
/// whole log (the first stage keeps one text node: smaller code).
pub const BLOCK_LINES: usize = 16;

/// What the "why" banner says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Why {
    /// The controller waits: (StatefulSet name, pod it waits on, English, Chinese).
    Blocked(Vec<(String, Option<String>, String, String)>),
    /// Nothing is blocked and work is pending (the next event's time).
    Working(String),
    /// Only retry loops are pending (crash loops, back-offs).
    Stuck,
    /// Nothing left to do.
    Settled,
}

impl Why {
    /// The banner's state for this world.
    pub fn of(w: &World) -> Why {
        let blocked: Vec<_> = w
            .blockers
            .iter()
            .map(|((_, set), b)| (set.clone(), b.pod.clone(), b.en.clone(), b.zh.clone()))
            .collect();
        if !blocked.is_empty() {
            return Why::Blocked(blocked);
        }
        if w.idle() {
            Why::Settled
        } else if w.quiet() {
            Why::Stuck
        } else {
            Why::Working(w.next_time().map(|t| t.to_string()).unwrap_or_default())
        }
    }
}

/// One StatefulSet's status block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetStatus {
    pub name: String,
    /// `kubectl get sts` READY column.
    pub ready: String,
    pub replicas: i32,
    pub spec_replicas: i32,
    pub ready_replicas: i32,
    pub current_replicas: i32,
    pub updated_replicas: i32,
    pub available_replicas: i32,
    pub current_revision: String,
    pub update_revision: String,
    pub observed_generation: String,
    pub generation: i64,
    pub strategy: String,
    pub partition: Option<i32>,
    pub policy: String,
    /// `kubectl rollout status` text (or its error).
    pub rollout: String,
    pub rolled_out: bool,
}

/// The status of every StatefulSet.
pub fn set_statuses(w: &World) -> Vec<SetStatus> {
    w.sets
        .iter()
        .map(|((_, name), set)| {
            let st = &set.status;
            let (rollout, rolled_out) = match sts_engine::kubectl::rollout_status(set) {
                Ok((text, done)) => (text, done),
                Err(e) => (e, false),
            };
            SetStatus {
                name: name.clone(),
                ready: printers::sts_ready(set),
                replicas: st.replicas,
                spec_replicas: set.spec.replicas.unwrap_or(1),
                ready_replicas: st.ready_replicas,
                current_replicas: st.current_replicas,
                updated_replicas: st.updated_replicas,
                available_replicas: st.available_replicas,
                current_revision: st.current_revision.clone(),
                update_revision: st.update_revision.clone(),
                observed_generation: st
                    .observed_generation
                    .map(|g| g.to_string())
                    .unwrap_or_else(|| "-".into()),
                generation: set.metadata.generation,
                strategy: set.strategy_name().to_string(),
                partition: (set.strategy() == UpdateStrategyType::RollingUpdate
                    && set.partition() > 0)
                    .then(|| set.partition()),
                policy: set.policy_name().to_string(),
                rollout: rollout.trim_end().to_string(),
                rolled_out,
            }
        })
        .collect()
}

/// The pod rows a `kubectl get pods -w` would have printed so far (newest last).
pub fn watch_lines(w: &World, limit: usize) -> Vec<String> {
    let mut out: Vec<String> = w
        .trace
        .iter()
        .rev()
        .filter(|e| matches!(&e.record, Record::Object(o) if o.kind == "Pod"))
        .take(limit)
        .map(|e| e.text())
        .collect();
    out.reverse();
    out
}

/// How many pod rows `kubectl get pods -w` would have printed so far: the absolute
/// number of the first of [`watch_lines`] is this minus their count.
pub fn watch_total(w: &World) -> usize {
    w.trace
        .iter()
        .filter(|e| matches!(&e.record, Record::Object(o) if o.kind == "Pod"))
        .count()
}

/// Cuts `lines`, the first of which is line `first` of the whole log, into blocks of
/// [`BLOCK_LINES`] by absolute line number: (block number, its lines, each ending in a
/// newline). A block keeps its number and text while the window grows at the end and
/// drops lines at the start, so only the blocks whose lines changed are redrawn.
pub fn blocks<'a>(first: usize, lines: impl IntoIterator<Item = &'a str>) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, line) in lines.into_iter().enumerate() {
        let block = (first + i) / BLOCK_LINES;
        match out.last_mut() {
            Some((b, text)) if *b == block => {
                text.push_str(line);
                text.push('\n');
            }
            _ => out.push((block, format!("{line}\n"))),
        }
    }
    out
}

/// One Events row: (type, reason, object, message, count).
pub type EventRow = (String, String, String, String, u32);

/// The latest Events (newest last).
pub fn event_rows(w: &World, limit: usize) -> Vec<EventRow> {
    let skip = w.events.len().saturating_sub(limit);
    w.events[skip..]
        .iter()
        .map(|e| {
            (
                e.type_.clone(),
                e.reason.clone(),
                e.object.clone(),
                e.message.clone(),
                e.count,
            )
        })
        .collect()
}

/// True if [`event_rows`]`(w, limit)` would be `rows` (compared in place, nothing
/// copied: most steps add no Event).
pub fn event_rows_are(w: &World, limit: usize, rows: &[EventRow]) -> bool {
    let skip = w.events.len().saturating_sub(limit);
    let events = w.events.get(skip..).unwrap_or_default();
    events.len() == rows.len()
        && events.iter().zip(rows).all(|(e, (t, r, o, m, c))| {
            e.count == *c && e.message == *m && e.reason == *r && e.object == *o && e.type_ == *t
        })
}

#[derive(Properties, PartialEq)]
pub struct WhyProps {
    pub why: Rc<Why>,
    pub lang: Lang,
}

/// The banner: what the controller waits for, in plain words.
#[function_component]
pub fn WhyBanner(p: &WhyProps) -> Html {
    let l = p.lang;
    let (class, body) = match &*p.why {
        Why::Blocked(list) => (
            "why blocked",
            html! { <ul>{ for list.iter().map(|(set, _pod, en, zh)| html! {
                <li key={set.clone()}><strong>{ format!("{set}: ") }</strong>{ if l == Lang::En { en.clone() } else { zh.clone() } }</li>
            }) }</ul> },
        ),
        Why::Working(t) => (
            "why working",
            html! { <p>{ l.pick_owned(
            format!("Nothing is blocked: the cluster is working (next event at t={t})."),
            format!("没有阻塞：集群正在运行（下一个事件在 t={t}）。")) }</p> },
        ),
        Why::Stuck => (
            "why stuck",
            html! { <p>{ l.pick(
            "Nothing will change by itself: only retry loops are left (crash loop, image pull back-off, a probe that keeps failing). Fix the cause, or delete the stuck pod.",
            "集群不会再自行变化：只剩下重试循环（崩溃重启、镜像拉取退避、持续失败的探针）。请修复原因，或删除卡住的 Pod。") }</p> },
        ),
        Why::Settled => (
            "why settled",
            html! { <p>{ l.pick(
            "Settled: the controller has nothing left to do.",
            "已稳定：控制器没有待处理的工作。") }</p> },
        ),
    };
    html! {
        <section id="why" class={class} role="status" aria-live="polite"
            aria-label={l.pick("Why the controller waits", "控制器为何等待")}>
            <span class="why-label" aria-hidden="true">{ l.pick("Why", "原因") }</span>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    pub sets: Rc<Vec<SetStatus>>,
    pub lang: Lang,
}

/// `kubectl get sts`, the status fields and `kubectl rollout status`.
#[function_component]
pub fn StatusBlock(p: &StatusProps) -> Html {
    let l = p.lang;
    if p.sets.is_empty() {
        return html! {
            <section id="sts-status" aria-label={l.pick("StatefulSet status", "StatefulSet 状态")}>
                <p class="quiet">{ l.pick("No StatefulSet yet: apply a manifest.", "还没有 StatefulSet：请应用一个清单。") }</p>
            </section>
        };
    }
    let mut table = vec![vec!["NAME".to_string(), "READY".to_string()]];
    for s in p.sets.iter() {
        table.push(vec![s.name.clone(), s.ready.clone()]);
    }
    html! {
        <section id="sts-status" aria-label={l.pick("StatefulSet status", "StatefulSet 状态")}>
            <pre class="kubectl" aria-label="kubectl get sts">{ printers::table(&table) }</pre>
            { for p.sets.iter().map(|s| html! {
                <div class="set-status" key={s.name.clone()} data-set={s.name.clone()}>
                    <dl>
                        <dt>{ "replicas" }</dt><dd>{ format!("{} / spec {}", s.replicas, s.spec_replicas) }</dd>
                        <dt>{ "readyReplicas" }</dt><dd>{ s.ready_replicas }</dd>
                        <dt>{ "currentReplicas" }</dt><dd>{ s.current_replicas }</dd>
                        <dt>{ "updatedReplicas" }</dt><dd>{ s.updated_replicas }</dd>
                        <dt>{ "availableReplicas" }</dt><dd>{ s.available_replicas }</dd>
                        <dt>{ "currentRevision" }</dt><dd class="rev current-revision">{ s.current_revision.clone() }</dd>
                        <dt>{ "updateRevision" }</dt><dd class="rev update-revision">{ s.update_revision.clone() }</dd>
                        <dt>{ "generation / observed" }</dt><dd>{ format!("{} / {}", s.generation, s.observed_generation) }</dd>
                        <dt>{ l.pick("strategy", "更新策略") }</dt>
                        <dd>{ match s.partition {
                            Some(p) => format!("{} (partition {p})", s.strategy),
                            None => s.strategy.clone(),
                        } }</dd>
                        <dt>{ "podManagementPolicy" }</dt><dd>{ s.policy.clone() }</dd>
                    </dl>
                    <pre class={classes!("kubectl", "rollout", s.rolled_out.then_some("done"))}
                        aria-label="kubectl rollout status">{ format!("$ kubectl rollout status sts/{}\n{}", s.name, s.rollout) }</pre>
                </div>
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct LogProps {
    pub lines: Rc<Vec<String>>,
    /// The absolute number of the first of `lines` (see [`watch_total`]).
    pub watch_first: usize,
    pub events: Rc<Vec<EventRow>>,
    /// The index in the world's Events of the first of `events`.
    pub events_first: usize,
    pub lang: Lang,
}

/// The watch log and the Events table, side by side (stacked when narrow). Each is its
/// own component, so a step that adds a watch line does not lay out the Events table
/// again (and the reverse).
#[function_component]
pub fn Logs(p: &LogProps) -> Html {
    html! {
        <div class="logs">
            <WatchLog lines={p.lines.clone()} first={p.watch_first} lang={p.lang} />
            <EventsTable events={p.events.clone()} first={p.events_first} lang={p.lang} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct WatchLogProps {
    pub lines: Rc<Vec<String>>,
    pub first: usize,
    pub lang: Lang,
}

/// The lines of the watch log: in the full app, blocks of [`BLOCK_LINES`] keyed by
/// their absolute number, so a new line touches one block (`display: block`, each laid
/// out by itself); in the first stage, one text node (less code to download).
#[cfg(feature = "app")]
fn watch_text(first: usize, lines: &[String]) -> Html {
    log_blocks(first, lines.iter().map(String::as_str))
}

#[cfg(not(feature = "app"))]
fn watch_text(_first: usize, lines: &[String]) -> Html {
    Html::from(lines.join("\n"))
}

/// The Events table's text (a header line, then one line per row, the first row being
/// Event number `first`), drawn as [`watch_text`] draws the watch log.
#[cfg(feature = "app")]
fn events_text(first: usize, table: String) -> Html {
    let mut lines = table.lines();
    let head = lines.next().unwrap_or_default();
    html! { <>
        <span class="log-block log-head">{ format!("{head}\n") }</span>
        { log_blocks(first, lines) }
    </> }
}

#[cfg(not(feature = "app"))]
fn events_text(_first: usize, table: String) -> Html {
    Html::from(table)
}

#[cfg(feature = "app")]
fn log_blocks<'a>(first: usize, lines: impl IntoIterator<Item = &'a str>) -> Html {
    blocks(first, lines)
        .into_iter()
        .map(|(b, text)| html! { <span class="log-block" key={b}>{ text }</span> })
        .collect()
}

/// Keeps a log scrolled to its newest line, as a terminal running `kubectl get pods -w`
/// does, while the reader has not scrolled up; `at` changes when lines are added or
/// replaced. Returns the log's ref and scroll listener.
#[cfg(feature = "app")]
#[hook]
fn use_follow_end(at: (usize, usize)) -> (NodeRef, Option<Callback<Event>>) {
    let node = use_node_ref();
    let at_end = use_mut_ref(|| true);
    {
        let (node, at_end) = (node.clone(), at_end.clone());
        use_effect_with(at, move |_| {
            if *at_end.borrow() {
                if let Some(el) = node.cast::<web_sys::Element>() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }
    let onscroll = Callback::from(move |e: Event| {
        if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
            *at_end.borrow_mut() = el.scroll_top() + el.client_height() >= el.scroll_height() - 4;
        }
    });
    (node, Some(onscroll))
}

/// The first stage's logs stay where they are (it is on screen for a few seconds).
#[cfg(not(feature = "app"))]
#[hook]
fn use_follow_end(_at: (usize, usize)) -> (NodeRef, Option<Callback<Event>>) {
    (NodeRef::default(), None)
}

/// `kubectl get pods -w`: the pod rows so far.
#[function_component]
pub fn WatchLog(p: &WatchLogProps) -> Html {
    let l = p.lang;
    let (node, onscroll) = use_follow_end((p.first, p.lines.len()));
    html! {
        <section aria-labelledby="watch-title">
            <h2 id="watch-title">{ "kubectl get pods -w" }</h2>
            <pre id="watch-log" role="log" aria-live="off" tabindex="0" ref={node} {onscroll}>{
                if p.lines.is_empty() {
                    Html::from(l.pick("(no pod changes yet)", "（还没有 Pod 变化）"))
                } else {
                    watch_text(p.first, &p.lines)
                }
            }</pre>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct EventsTableProps {
    pub events: Rc<Vec<EventRow>>,
    pub first: usize,
    pub lang: Lang,
}

/// `kubectl get events`: the latest Events.
#[function_component]
pub fn EventsTable(p: &EventsTableProps) -> Html {
    let l = p.lang;
    let (node, onscroll) = use_follow_end((p.first, p.events.len()));
    let mut rows = vec![vec![
        "TYPE".to_string(),
        "REASON".to_string(),
        "OBJECT".to_string(),
        "MESSAGE".to_string(),
    ]];
    for (t, r, o, m, c) in p.events.iter() {
        let m = if *c > 1 {
            format!("{m} (x{c})")
        } else {
            m.clone()
        };
        // `Kind/name` with the kind lower-cased; both are ASCII (kinds are the engine's,
        // names DNS-1123), and `to_lowercase` would link Unicode's case tables (~14 KB)
        // into the first stage.
        rows.push(vec![t.clone(), r.clone(), o.to_ascii_lowercase(), m]);
    }
    let body = if p.events.is_empty() {
        Html::from(l.pick("No events yet.", "还没有事件。"))
    } else {
        events_text(p.first, printers::table(&rows))
    };
    html! {
        <section aria-labelledby="events-title">
            <h2 id="events-title">{ "kubectl get events" }</h2>
            <pre id="events" role="log" aria-live="off" tabindex="0" ref={node} {onscroll}>{ body }</pre>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    #[test]
    fn the_banner_names_the_ordered_ready_wait_then_settles() {
        let mut s = Session::open("ordered-creation").expect("opens");
        let mut saw = None;
        for _ in 0..400 {
            s.step();
            if let Why::Blocked(list) = Why::of(s.world()) {
                saw = Some(list[0].clone());
                break;
            }
        }
        let (set, _, en, zh) = saw.expect("a blocker while web-0 starts");
        assert_eq!(set, "web");
        assert!(en.contains("not created yet"), "{en}");
        assert!(!zh.is_empty());
        s.settle();
        assert_eq!(Why::of(s.world()), Why::Settled);
    }

    #[test]
    fn log_blocks_keep_their_number_and_text_as_the_window_slides() {
        let log: Vec<String> = (0..100).map(|i| format!("line {i}")).collect();
        let lines = |from: usize, to: usize| log[from..to].iter().map(String::as_str);
        // Lines 5..40: a partial first block (5..16), one whole (16..32), a partial last.
        let a = blocks(5, lines(5, 40));
        assert_eq!(a.iter().map(|b| b.0).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(
            a[0].1,
            (5..16).map(|i| format!("line {i}\n")).collect::<String>()
        );
        assert_eq!(
            text(&a),
            (5..40).map(|i| format!("line {i}\n")).collect::<String>()
        );
        // One more line, one dropped at the start: the middle block is untouched.
        let b = blocks(6, lines(6, 41));
        assert_eq!(b[1], a[1]);
        assert_ne!(b[0], a[0]);
        assert_ne!(b[2], a[2]);
        // A new block starts at line 48 without touching the one before it.
        let c = blocks(6, lines(6, 48));
        let d = blocks(6, lines(6, 49));
        assert_eq!(d.len(), c.len() + 1);
        assert_eq!(d[..c.len()], c[..]);
        assert_eq!(d[c.len()], (3, "line 48\n".to_string()));
        assert!(blocks(0, lines(0, 0)).is_empty());
    }

    fn text(blocks: &[(usize, String)]) -> String {
        blocks.iter().map(|b| b.1.as_str()).collect()
    }

    #[test]
    fn the_watch_log_numbers_lines_from_the_start_of_the_trace() {
        let mut s = Session::open("ordered-creation").expect("opens");
        s.settle();
        let total = watch_total(s.world());
        let lines = watch_lines(s.world(), 5);
        assert_eq!(lines.len(), 5);
        assert_eq!(lines, watch_lines(s.world(), usize::MAX)[total - 5..]);
    }

    #[test]
    fn status_watch_and_events_follow_the_world() {
        let mut s = Session::open("on-delete").expect("opens");
        s.settle();
        let st = &set_statuses(s.world())[0];
        assert_eq!(st.ready_replicas, st.spec_replicas);
        assert_eq!(st.current_revision, st.update_revision);
        assert!(
            st.rollout.contains("rollout status is only available"),
            "{}",
            st.rollout
        );
        let lines = watch_lines(s.world(), WATCH_LINES);
        assert!(lines.iter().any(|l| l.contains("web-0")));
        assert!(lines.len() <= WATCH_LINES);
        let ev = event_rows(s.world(), EVENT_ROWS);
        assert!(ev.iter().any(|e| e.1 == "SuccessfulCreate"));
    }
}
