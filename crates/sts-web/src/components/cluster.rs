//! The cluster picture: node lanes crossed with the ordinal slots of each StatefulSet.
//!
//! One CSS grid: column 1 holds the lane headers, then each set has one column per
//! ordinal slot (a spacer column between sets). Row 1 names the sets, row 2 the
//! ordinals, then one row per node lane (`.lane`, a subgrid row) and the "not
//! scheduled" lane, and the last row holds the PersistentVolumeClaims, which stay in
//! their ordinal's column when the pod is gone. The partition is a vertical line
//! across the ordinal, lane and claim rows. Inline styles carry only grid numbers;
//! every text from the world is a text node (Yew escapes it).

use std::rc::Rc;

use sts_engine::timeline::Fault;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::picture::{
    ClaimCard, GroupKind, Lane, LegendEntry, Look, NodeState, Picture, Placement, RevisionRole,
    ServiceDns, SetView, Slot,
};

/// Properties of [`Cluster`].
#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    /// The picture to draw (shared, so an unchanged picture costs one pointer compare).
    pub picture: Rc<Picture>,
    /// UI language.
    pub lang: Lang,
    /// Fault buttons (node down/up, fail pod, readiness).
    pub on_fault: Callback<Fault>,
    /// Hide the fault buttons (embedded read-only mode).
    #[prop_or_default]
    pub readonly: bool,
}

/// A slot of a picture, for the components that draw it. Compared by value, not by
/// pointer: a step makes a new picture, and a slot equal to the one drawn before is not
/// drawn again (with 1,000 pods a step changes a few slots of about a hundred).
#[derive(Clone, Debug)]
pub struct SlotRef {
    /// The picture.
    pub picture: Rc<Picture>,
    /// Index into [`Picture::sets`].
    pub set: usize,
    /// Index into [`SetView::slots`].
    pub slot: usize,
}

impl SlotRef {
    fn set(&self) -> Option<&SetView> {
        self.picture.sets.get(self.set)
    }

    fn slot(&self) -> Option<&Slot> {
        self.set()?.slots.get(self.slot)
    }
}

impl PartialEq for SlotRef {
    fn eq(&self, o: &SlotRef) -> bool {
        (Rc::ptr_eq(&self.picture, &o.picture) && self.set == o.set && self.slot == o.slot)
            || (self.slot() == o.slot()
                && self.set().map(|s| (&s.name, s.kind)) == o.set().map(|s| (&s.name, s.kind)))
    }
}

/// Grid columns of each set: `(first column, slots)`.
fn columns(p: &Picture) -> (Vec<usize>, String, usize) {
    let mut starts = Vec::with_capacity(p.sets.len());
    let mut template = String::from("var(--lane-w)");
    let mut col = 2;
    for (i, s) in p.sets.iter().enumerate() {
        if i > 0 {
            template.push_str(" var(--gap-w)");
            col += 1;
        }
        starts.push(col);
        let n = s.slots.len().max(1);
        template.push_str(&format!(" repeat({n}, var(--slot-w))"));
        col += n;
    }
    (starts, template, col)
}

/// The cluster picture.
#[component]
pub fn Cluster(props: &ClusterProps) -> Html {
    let lang = props.lang;
    let p = &*props.picture;
    let (starts, template, _) = columns(p);
    let lanes = p.lanes.len();
    // Rows: 1 set names, 2 ordinals, 3.. lanes, then claims.
    let claims_row = 3 + lanes;
    let style = format!(
        "grid-template-columns: {template}; grid-template-rows: auto auto repeat({lanes}, auto) auto;"
    );
    let node_lanes = p.lanes.iter().filter(|l| l.node.is_some()).count().max(1);

    let mut cells: Vec<Html> = Vec::new();
    cells.push(html! {
        <div class="grid-corner" key="corner" style="grid-row: 1 / span 2; grid-column: 1;">
            <span>{ lang.pick("Nodes ↓ · ordinals →", "节点 ↓ · 序号 →") }</span>
        </div>
    });
    for (si, set) in p.sets.iter().enumerate() {
        let start = starts.get(si).copied().unwrap_or(2);
        let span = set.slots.len().max(1);
        let title = set_title(set, lang);
        let sk = format!("{si}:{}", set.name);
        cells.push(html! {
            <div class="set-head" key={format!("h/{sk}")} data-set={set.name.clone()}
                style={format!("grid-row: 1; grid-column: {start} / span {span};")}>
                { title }
            </div>
        });
        for (i, slot) in set.slots.iter().enumerate() {
            cells.push(html! {
                <SlotCells key={format!("slot/{sk}/{}", slot.key())}
                    slot={SlotRef { picture: props.picture.clone(), set: si, slot: i }}
                    sk={sk.clone()} col={start + i} claims_row={claims_row} node_lanes={node_lanes}
                    lang={lang} readonly={props.readonly} on_fault={props.on_fault.clone()} />
            });
        }
        if let (Some(ps), Some(partition)) = (set.partition_slot, set.partition) {
            let col = start + ps;
            let from = set.start.saturating_add(partition);
            let label = lang.pick_owned(
                format!("partition = {partition} (ordinals ≥ {from} update)"),
                format!("partition = {partition}（序号 ≥ {from} 的 Pod 更新）"),
            );
            cells.push(html! {
                <div class="partition-line" key={format!("p/{sk}")} data-partition={partition.to_string()}
                    data-set={set.name.clone()} role="note" aria-label={label.clone()}
                    style={format!("grid-row: 2 / {}; grid-column: {col};", claims_row + 1)}>
                    <span class="partition-label">{ label }</span>
                </div>
            });
        }
    }
    for (li, lane) in p.lanes.iter().enumerate() {
        cells.push(lane_row(props, lane, li, 3 + li, &starts));
    }
    cells.push(html! {
        <div class="claims-head" key="claims-head" style={format!("grid-row: {claims_row}; grid-column: 1;")}>
            <span class="pvc-icon" aria-hidden="true">{ "⛁" }</span>
            { lang.pick("Claims (PVC)", "存储卷声明（PVC）") }
        </div>
    });

    html! {
        <section id="cluster" class="cluster" aria-label={lang.pick("Cluster picture", "集群示意图")}>
            <div class="set-summaries">
                { for (0..p.sets.len()).map(|i| html! {
                    <SetSummary picture={props.picture.clone()} set={i} lang={lang} />
                }) }
            </div>
            if p.sets.is_empty() {
                <p class="cluster-empty">
                    { lang.pick("No StatefulSet yet: apply a manifest to see its pods here.",
                                "还没有 StatefulSet：应用一个清单后，这里会显示它的 Pod。") }
                </p>
            }
            <div class="cluster-scroll" tabindex="0" role="group"
                aria-label={lang.pick("Pods by node and ordinal", "按节点和序号排列的 Pod")}>
                <div class="cluster-grid" style={style}>
                    { for cells }
                </div>
            </div>
            <DnsView picture={props.picture.clone()} lang={lang} />
        </section>
    }
}

fn set_title(set: &SetView, lang: Lang) -> Html {
    if set.kind == GroupKind::Loose {
        return html! { <span class="set-name">{ lang.pick("Pods without a StatefulSet", "不属于任何 StatefulSet 的 Pod") }</span> };
    }
    html! {
        <>
            <span class="set-kind">{ if set.kind == GroupKind::Deployment { "Deployment " } else { "StatefulSet " } }</span>
            <span class="set-name">{ set.name.clone() }</span>
            if set.namespace != "default" {
                <span class="set-ns">{ format!(" ({})", set.namespace) }</span>
            }
        </>
    }
}

fn ordinal_head(sk: &str, slot: &Slot, owned: bool, col: usize, lang: Lang) -> Html {
    let label = match (slot.first, slot.last) {
        (Some(a), Some(b)) if slot.count > 1 => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => "·".to_string(),
    };
    let note = if slot.pods == 0 {
        if slot.in_range {
            Some(lang.pick("no pod", "无 Pod"))
        } else {
            Some(lang.pick("scaled away", "已缩容"))
        }
    } else if !slot.in_range && owned {
        Some(lang.pick("condemned", "待删除"))
    } else {
        None
    };
    html! {
        <div class={classes!("ordinal-head", (!slot.in_range).then_some("out-of-range"))}
            key={format!("o/{sk}/{}", slot.key())}
            style={format!("grid-row: 2; grid-column: {col};")}>
            <span class="ordinal-num">{ label }</span>
            if let Some(n) = note {
                <span class="ordinal-note">{ n }</span>
            }
        </div>
    }
}

fn lane_row(props: &ClusterProps, lane: &Lane, index: usize, row: usize, starts: &[usize]) -> Html {
    let lang = props.lang;
    let p = &*props.picture;
    let head = match &lane.node {
        Some(node) => {
            let down = lane.state == NodeState::NotReady;
            let fault = Fault::Node {
                node: node.clone(),
                down: !down,
            };
            let on_fault = props.on_fault.clone();
            let onclick = Callback::from(move |_: MouseEvent| on_fault.emit(fault.clone()));
            let (text, aria) = if down {
                (
                    lang.pick("Node up", "节点恢复"),
                    lang.pick_owned(
                        format!("Bring node {node} back"),
                        format!("恢复节点 {node}"),
                    ),
                )
            } else {
                (
                    lang.pick("Node down", "节点宕机"),
                    lang.pick_owned(
                        format!("Take node {node} down"),
                        format!("让节点 {node} 宕机"),
                    ),
                )
            };
            html! {
                <div class="lane-head" key="head" style="grid-column: 1;">
                    <span class="node-name">{ node.clone() }</span>
                    <span class={classes!("node-state", down.then_some("down"))}>
                        <span aria-hidden="true">{ if down { "✕ " } else { "● " } }</span>
                        { lane.state.word() }
                        if down {
                            { lang.pick(" (down)", "（已宕机）") }
                        }
                    </span>
                    if !lane.taints.is_empty() {
                        <span class="node-taints" title={lane.taints.join(", ")}>
                            { lang.pick("taints: ", "污点：") }{ lane.taints.join(", ") }
                        </span>
                    }
                    <span class="lane-count">
                        { lang.pick_owned(format!("{} pods", lane.pods), format!("{} 个 Pod", lane.pods)) }
                    </span>
                    if !props.readonly {
                        <button type="button" class="fault node-fault" aria-label={aria} onclick={onclick}>
                            { text }
                        </button>
                    }
                </div>
            }
        }
        None => html! {
            <div class="lane-head" key="head" style="grid-column: 1;">
                <span class="node-name">{ lang.pick("Not scheduled", "未调度") }</span>
                <span class="lane-count">
                    { lang.pick_owned(format!("{} pods", lane.pods), format!("{} 个 Pod", lane.pods)) }
                </span>
            </div>
        },
    };
    let cards = lane.cards.iter().filter_map(|r| {
        let set = p.sets.get(r.set)?;
        let slot = set.slots.get(r.slot)?;
        slot.pod.as_ref()?;
        let col = starts.get(r.set).copied().unwrap_or(2) + r.slot;
        Some(html! {
            <PodCard key={format!("{}:{}/{}", r.set, set.name, slot.key())}
                slot={SlotRef { picture: props.picture.clone(), set: r.set, slot: r.slot }}
                lang={lang} readonly={props.readonly} on_fault={props.on_fault.clone()}
                place={format!("grid-column: {col};")} />
        })
    });
    let (class, node_attr, lane_attr) = match &lane.node {
        Some(n) => (
            classes!(
                "lane",
                (lane.state == NodeState::NotReady).then_some("lane-down")
            ),
            Some(n.clone()),
            None,
        ),
        None => (
            classes!("lane", "lane-unscheduled"),
            None,
            Some("unscheduled"),
        ),
    };
    // Every child keyed: a list with one unkeyed child is diffed by position, so a card
    // added to a lane would rebuild every card after it.
    html! {
        <div class={class} key={format!("lane/{index}")} data-node={node_attr} data-lane={lane_attr}
            style={format!("grid-row: {row};")}>
            { head }
            { for cards }
        </div>
    }
}

fn range_of(slot: &Slot, spread: Option<usize>) -> Option<Range> {
    (slot.count > 1).then(|| Range {
        last_name: slot.last_name.clone(),
        count: slot.count,
        pods: slot.pods,
        mixed: slot.mixed,
        nodes: spread,
    })
}

fn claim(c: &ClaimCard, slot: &Slot, lang: Lang) -> Html {
    let status_class = format!("pvc-{}", c.status.to_ascii_lowercase());
    let name = if slot.count > 1 && c.last_name != c.name {
        format!("{} … {}", c.name, c.last_name)
    } else {
        c.name.clone()
    };
    let kept = c.status != "Missing" && !c.pod_present;
    html! {
        <div class={classes!("pvc", status_class, kept.then_some("pvc-kept"))}
            data-claim={c.name.clone()} data-status={c.status.clone()}>
            <span class="pvc-icon" aria-hidden="true">{ "⛁" }</span>
            <span class="pvc-name">{ name }</span>
            <span class="pvc-status">
                {
                    if c.status == "Missing" {
                        lang.pick("not created yet", "尚未创建").to_string()
                    } else {
                        c.status.clone()
                    }
                }
            </span>
            if !c.capacity.is_empty() {
                <span class="pvc-capacity">{ c.capacity.clone() }</span>
            }
            if slot.count > 1 {
                <span class="pvc-count">
                    { lang.pick_owned(format!("{} claims", c.count), format!("{} 个 PVC", c.count)) }
                </span>
            }
            if !c.volume.is_empty() {
                <span class="pvc-volume" title={c.volume.clone()}>{ c.volume.clone() }</span>
            }
            if kept {
                <span class="pvc-note">{ lang.pick("kept: the pod is gone", "保留：Pod 已不在") }</span>
            }
        </div>
    }
}

/// An aggregated range drawn as one card.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    /// Last pod name of the range.
    pub last_name: String,
    /// Ordinals in the range.
    pub count: usize,
    /// Pods in the range.
    pub pods: usize,
    /// Not all alike.
    pub mixed: bool,
    /// Spread over this many nodes.
    pub nodes: Option<usize>,
}

/// Properties of [`SlotCells`].
#[derive(Properties, PartialEq)]
pub struct SlotCellsProps {
    /// The slot.
    pub slot: SlotRef,
    /// The set's key prefix (`<index>:<name>`) of the cells' keys.
    pub sk: String,
    /// Grid column.
    pub col: usize,
    /// Grid row of the claims.
    pub claims_row: usize,
    /// Node lanes (rows) a card spread over several nodes spans.
    pub node_lanes: usize,
    /// UI language.
    pub lang: Lang,
    /// Hide fault buttons.
    pub readonly: bool,
    /// Fault buttons.
    pub on_fault: Callback<Fault>,
}

/// A slot's cells outside the lanes: the ordinal header, the claims, and the card of a
/// range whose pods run on several nodes.
#[component]
pub fn SlotCells(props: &SlotCellsProps) -> Html {
    let (Some(set), Some(slot)) = (props.slot.set(), props.slot.slot()) else {
        return Html::default();
    };
    let (sk, col, lang) = (&props.sk, props.col, props.lang);
    let claims_row = props.claims_row;
    // Every child keyed, as in the grid around them.
    let mut cells = vec![
        ordinal_head(sk, slot, set.owned(), col, lang),
        html! {
            <div class="slot-claims" key={format!("c/{sk}/{}", slot.key())}
                data-slot={slot.first_name.clone()}
                style={format!("grid-row: {claims_row}; grid-column: {col};")}>
                { for slot.claims.iter().map(|c| claim(c, slot, lang)) }
            </div>
        },
    ];
    if let (Placement::Spread { nodes }, Some(_)) = (slot.placement, &slot.pod) {
        cells.push(html! {
            <PodCard key={format!("s/{sk}/{}", slot.key())}
                slot={props.slot.clone()} spread={Some(nodes)}
                lang={lang} readonly={props.readonly} on_fault={props.on_fault.clone()}
                place={format!("grid-row: 3 / span {}; grid-column: {col};", props.node_lanes)} />
        });
    }
    html! { <>{ for cells }</> }
}

/// Properties of [`SetSummary`].
#[derive(Properties)]
pub struct SetSummaryProps {
    /// The picture.
    pub picture: Rc<Picture>,
    /// Index into [`Picture::sets`].
    pub set: usize,
    /// UI language.
    pub lang: Lang,
}

impl PartialEq for SetSummaryProps {
    /// Equal when what the summary shows is equal (not the slots).
    fn eq(&self, o: &SetSummaryProps) -> bool {
        fn shown(s: &SetView) -> impl PartialEq + '_ {
            (
                (
                    &s.name,
                    &s.namespace,
                    s.kind,
                    s.replicas,
                    s.ready,
                    s.current,
                ),
                (s.updated, s.available, &s.strategy, &s.policy, s.partition),
                (s.start, s.aggregated, &s.legend, &s.blocker),
                (&s.service, s.service_headless),
            )
        }
        self.lang == o.lang
            && self.picture.sets.get(self.set).map(shown) == o.picture.sets.get(o.set).map(shown)
    }
}

/// A set's summary above the grid: counts, strategy, legend, blocker.
#[component]
pub fn SetSummary(props: &SetSummaryProps) -> Html {
    match props.picture.sets.get(props.set) {
        Some(set) => set_summary(set, props.lang),
        None => Html::default(),
    }
}

/// Properties of [`DnsView`].
#[derive(Properties)]
pub struct DnsViewProps {
    /// The picture.
    pub picture: Rc<Picture>,
    /// UI language.
    pub lang: Lang,
}

impl PartialEq for DnsViewProps {
    fn eq(&self, o: &DnsViewProps) -> bool {
        self.lang == o.lang
            && (Rc::ptr_eq(&self.picture, &o.picture) || self.picture.dns == o.picture.dns)
    }
}

/// The headless Services' DNS records.
#[component]
pub fn DnsView(props: &DnsViewProps) -> Html {
    dns_view(&props.picture.dns, props.lang)
}

/// Properties of [`PodCard`].
#[derive(Properties, PartialEq)]
pub struct PodCardProps {
    /// The slot whose pod (the first pod of a range) the card shows.
    pub slot: SlotRef,
    /// A range whose pods run on this many nodes (drawn across the node lanes).
    #[prop_or_default]
    pub spread: Option<usize>,
    /// UI language.
    pub lang: Lang,
    /// Hide fault buttons.
    pub readonly: bool,
    /// Fault buttons.
    pub on_fault: Callback<Fault>,
    /// Grid placement (`grid-column: N;`…), numbers only.
    pub place: String,
}

fn look_label(look: Look, lang: Lang) -> (&'static str, &'static str) {
    // (icon, label): the icon and the label tell the states apart without colour.
    match look {
        Look::Ready => ("✔", lang.pick("Ready", "就绪")),
        Look::NotReady => ("◐", lang.pick("Not ready", "未就绪")),
        Look::Pending => ("◔", lang.pick("Pending", "等待中")),
        Look::Terminating => ("✕", lang.pick("Terminating", "终止中")),
        Look::Error => ("⚠", lang.pick("Failing", "失败")),
        Look::Succeeded => ("■", lang.pick("Completed", "已完成")),
    }
}

fn role_label(role: RevisionRole, lang: Lang) -> &'static str {
    match role {
        RevisionRole::Both => lang.pick("current = update", "当前 = 更新"),
        RevisionRole::Current => lang.pick("current", "当前"),
        RevisionRole::Update => lang.pick("update", "更新"),
        RevisionRole::Old => lang.pick("old", "旧"),
        RevisionRole::Unknown => lang.pick("unknown", "未知"),
    }
}

fn role_class(role: RevisionRole) -> &'static str {
    match role {
        RevisionRole::Both => "role-both",
        RevisionRole::Current => "role-current",
        RevisionRole::Update => "role-update",
        RevisionRole::Old => "role-old",
        RevisionRole::Unknown => "role-unknown",
    }
}

/// The short form of a revision name: its hash (`web-6c5f8d9b7` → `6c5f8d9b7`).
/// A ReplicaSet's pods (whose owner is the revision itself, `<deployment>-<hash>`)
/// show the pod-template-hash.
fn short_revision(rev: &str, set: Option<&str>) -> String {
    if set == Some(rev) {
        return rev.rsplit_once('-').map_or(rev, |(_, h)| h).to_string();
    }
    set.and_then(|s| rev.strip_prefix(s))
        .and_then(|r| r.strip_prefix('-'))
        .unwrap_or(rev)
        .to_string()
}

/// One pod card; re-rendered only when its props change.
#[component]
pub fn PodCard(props: &PodCardProps) -> Html {
    let Some((slot, c)) = props.slot.slot().and_then(|s| Some((s, s.pod.as_ref()?))) else {
        return Html::default();
    };
    let range = range_of(slot, props.spread);
    let lang = props.lang;
    let (icon, label) = look_label(c.look, lang);
    let rev_class = c.colour.map(|i| format!("rev-{i}"));
    let ordinal = c
        .ordinal
        .map(|o| o.to_string())
        .unwrap_or_else(|| "·".into());
    let fault_buttons = if props.readonly || range.is_some() {
        Html::default()
    } else {
        let pod = c.name.clone();
        let on_fault = props.on_fault.clone();
        let fail = {
            let pod = pod.clone();
            let on_fault = on_fault.clone();
            Callback::from(move |_: MouseEvent| on_fault.emit(Fault::FailPod { pod: pod.clone() }))
        };
        let never = !c.readiness_fault;
        let readiness = {
            let pod = pod.clone();
            Callback::from(move |_: MouseEvent| {
                on_fault.emit(Fault::Readiness {
                    pod: pod.clone(),
                    never,
                })
            })
        };
        let (r_text, r_aria) = if never {
            (
                lang.pick("Readiness never passes", "就绪探针永不通过"),
                lang.pick_owned(
                    format!("Readiness probe of {pod} never passes"),
                    format!("让 {pod} 的就绪探针永不通过"),
                ),
            )
        } else {
            (
                lang.pick("Readiness passes again", "就绪探针恢复通过"),
                lang.pick_owned(
                    format!("Readiness probe of {pod} passes again"),
                    format!("让 {pod} 的就绪探针恢复通过"),
                ),
            )
        };
        html! {
            <div class="pod-faults">
                <button type="button" class="fault" onclick={fail}
                    aria-label={lang.pick_owned(format!("Fail pod {pod}"), format!("使 Pod {pod} 失败"))}>
                    { lang.pick("Fail pod", "使 Pod 失败") }
                </button>
                <button type="button" class={classes!("fault", (!never).then_some("active"))}
                    aria-pressed={(!never).to_string()} onclick={readiness} aria-label={r_aria}>
                    { r_text }
                </button>
            </div>
        }
    };
    let aria = lang.pick_owned(
        format!(
            "Pod {}: {}, {} ready, {}",
            c.name,
            c.status,
            c.ready_text,
            c.node.as_deref().unwrap_or("no node")
        ),
        format!(
            "Pod {}：{}，就绪 {}，{}",
            c.name,
            c.status,
            c.ready_text,
            c.node.as_deref().unwrap_or("未调度")
        ),
    );
    html! {
        <article
            class={classes!("pod", c.look.class(), rev_class.clone(), role_class(c.role),
                c.waited_on.then_some("waited-on"), range.is_some().then_some("pod-range"))}
            style={props.place.clone()}
            data-pod={c.name.clone()} data-status={c.status.clone()} data-ready={c.ready.to_string()}
            data-revision={c.revision.clone().unwrap_or_default()} data-phase={c.phase.clone()}
            data-node={c.node.clone().unwrap_or_default()}
            data-terminating={c.terminating.to_string()} data-pending={c.pending.to_string()}
            aria-label={aria}>
            <header class="pod-top">
                <span class="ordinal" aria-hidden="true">{ ordinal }</span>
                <span class="pod-name">{ c.name.clone() }</span>
            </header>
            if let Some(r) = &range {
                <p class="pod-range-text">
                    { format!("… {}", r.last_name) }
                    <br />
                    { lang.pick_owned(format!("{} pods", r.pods), format!("{} 个 Pod", r.pods)) }
                    if r.mixed {
                        { lang.pick(" · mixed states", " · 状态不一") }
                    }
                    if let Some(n) = r.nodes {
                        { lang.pick_owned(format!(" · on {n} nodes"), format!(" · 分布在 {n} 个节点")) }
                    }
                </p>
            }
            <p class="pod-state">
                <span class="look-icon" aria-hidden="true">{ icon }</span>
                <span class="look-label">{ label }</span>
                <span class="kubectl-status" title="STATUS">{ c.status.clone() }</span>
                <span class="kubectl-ready" title="READY">{ c.ready_text.clone() }</span>
            </p>
            if let Some(rev) = &c.revision {
                <p class="pod-rev">
                    <span class={classes!("rev-chip", rev_class)} title={rev.clone()}>
                        <span class="rev-swatch" aria-hidden="true"></span>
                        { short_revision(rev, c.set.as_deref()) }
                        if let Some(n) = c.revision_number {
                            { format!(" · #{n}") }
                        }
                    </span>
                    <span class="rev-role">{ role_label(c.role, lang) }</span>
                </p>
            }
            <p class="pod-meta">
                <span class="pod-node">
                    { c.node.clone().unwrap_or_else(|| lang.pick("no node", "未调度").to_string()) }
                </span>
                if c.restarts > 0 {
                    <span class="pod-restarts">
                        { lang.pick_owned(format!("{} restarts", c.restarts), format!("重启 {} 次", c.restarts)) }
                    </span>
                }
                <span class="pod-image" title={c.image.clone()}>{ c.image.clone() }</span>
            </p>
            if c.waited_on {
                <p class="pod-waited">
                    <span aria-hidden="true">{ "‖ " }</span>
                    { lang.pick("the controller waits on this pod", "控制器正在等待此 Pod") }
                </p>
            }
            { fault_buttons }
        </article>
    }
}

fn set_summary(set: &SetView, lang: Lang) -> Html {
    if set.kind == GroupKind::Loose {
        return html! {
            <div class="set-summary set-others">
                <h3>{ lang.pick("Pods without a StatefulSet", "不属于任何 StatefulSet 的 Pod") }</h3>
                <p>{ lang.pick("No controller recreates these pods (orphaned, or created by hand).",
                               "没有控制器会重建这些 Pod（被孤立的，或手动创建的）。") }</p>
            </div>
        };
    }
    if set.kind == GroupKind::Deployment {
        let counts = lang.pick_owned(
            format!(
                "replicas {} · ready {} · up-to-date {} · available {}",
                set.replicas, set.ready, set.updated, set.available
            ),
            format!(
                "副本 {} · 就绪 {} · 最新 {} · 可用 {}",
                set.replicas, set.ready, set.updated, set.available
            ),
        );
        let strategy = if set.policy.is_empty() {
            set.strategy.clone()
        } else {
            format!("{} · {}", set.strategy, set.policy)
        };
        return html! {
            <div class="set-summary set-deployment" data-deployment={set.name.clone()}>
                <h3>{ set_title(set, lang) }</h3>
                <p class="set-counts">{ counts }</p>
                <p class="set-strategy">{ strategy }</p>
                <p class="set-note">{ lang.pick(
                    "Pod names are the ReplicaSet's hash plus a random suffix; pods are created together, not in order; a claim named in the template is shared by every pod — no ordinals, no per-pod storage.",
                    "Pod 名称是 ReplicaSet 的哈希加随机后缀；Pod 一起创建，没有顺序；模板中引用的 PVC 由所有 Pod 共用——没有序号，也没有每个 Pod 独有的存储。") }</p>
                <ul class="legend" aria-label={lang.pick("ReplicaSets", "ReplicaSet")}>
                    { for set.legend.iter().map(|l| legend_entry(l, set, lang)) }
                </ul>
            </div>
        };
    }
    let counts = lang.pick_owned(
        format!(
            "replicas {} · ready {} · current {} · updated {} · available {}",
            set.replicas, set.ready, set.current, set.updated, set.available
        ),
        format!(
            "副本 {} · 就绪 {} · 当前 {} · 已更新 {} · 可用 {}",
            set.replicas, set.ready, set.current, set.updated, set.available
        ),
    );
    let mut strategy = format!("{} · {}", set.strategy, set.policy);
    if let Some(p) = set.partition {
        strategy.push_str(&format!(" · partition {p}"));
    }
    if set.start != 0 {
        strategy.push_str(&format!(" · ordinals.start {}", set.start));
    }
    html! {
        <div class="set-summary" data-set={set.name.clone()}>
            <h3>{ set_title(set, lang) }</h3>
            <p class="set-counts">{ counts }</p>
            <p class="set-strategy">{ strategy }</p>
            if set.aggregated {
                <p class="set-aggregated">
                    { lang.pick("Many pods: identical neighbours are drawn as one range.",
                                "Pod 较多：相邻且状态相同的 Pod 合并为一个范围显示。") }
                </p>
            }
            <ul class="legend" aria-label={lang.pick("Revisions", "修订版本")}>
                { for set.legend.iter().map(|l| legend_entry(l, set, lang)) }
            </ul>
            if let Some(b) = &set.blocker {
                <p class="blocker" role="status" data-reason={b.reason.clone()}>
                    <span aria-hidden="true">{ "‖ " }</span>
                    { lang.pick_owned(b.en.clone(), b.zh.clone()) }
                </p>
            }
            if !set.service.is_empty() && !set.service_headless {
                <p class="set-warning">
                    { lang.pick_owned(
                        format!("No headless Service \"{}\" in {}: the pods get no DNS names (I-4).", set.service, set.namespace),
                        format!("命名空间 {} 中没有名为 \"{}\" 的 Headless Service：Pod 没有 DNS 名称（I-4）。", set.namespace, set.service),
                    ) }
                </p>
            }
        </div>
    }
}

fn legend_entry(l: &LegendEntry, set: &SetView, lang: Lang) -> Html {
    let marks = match l.role {
        RevisionRole::Update if set.kind == GroupKind::Deployment => {
            lang.pick("new ReplicaSet", "新 ReplicaSet")
        }
        RevisionRole::Old if set.kind == GroupKind::Deployment => {
            lang.pick("old ReplicaSet", "旧 ReplicaSet")
        }
        RevisionRole::Both => lang.pick("current · update", "当前 · 更新"),
        RevisionRole::Current => lang.pick("current", "当前"),
        RevisionRole::Update => lang.pick("update", "更新"),
        RevisionRole::Old | RevisionRole::Unknown => lang.pick("old", "旧"),
    };
    html! {
        <li class={classes!("legend-entry", format!("rev-{}", l.colour), role_class(l.role))}
            data-revision={l.name.clone()}>
            <span class="rev-swatch" aria-hidden="true"></span>
            <span class="legend-name" title={l.name.clone()}>{ short_revision(&l.name, Some(&set.name)) }</span>
            <span class="legend-number">{ format!("#{}", l.number) }</span>
            <span class="legend-role">{ marks }</span>
            <span class="legend-pods">
                { lang.pick_owned(format!("{} pods", l.pods), format!("{} 个 Pod", l.pods)) }
            </span>
        </li>
    }
}

fn dns_view(services: &[ServiceDns], lang: Lang) -> Html {
    html! {
        <div id="dns" class="dns" aria-label={lang.pick("DNS records", "DNS 记录")}>
            <h3>{ lang.pick("DNS records (headless Services)", "DNS 记录（Headless Service）") }</h3>
            if services.is_empty() {
                <p class="dns-empty">{ lang.pick("No headless Service.", "没有 Headless Service。") }</p>
            }
            { for services.iter().map(|s| html! {
                <div class="dns-service" data-service={s.name.clone()}>
                    <h4><code>{ s.fqdn.clone() }</code>
                        if s.publish_not_ready {
                            <span class="dns-note">{ " publishNotReadyAddresses" }</span>
                        }
                    </h4>
                    if s.records.is_empty() {
                        <p class="dns-empty">
                            { lang.pick("No records: no pod is Ready.", "没有记录：没有就绪的 Pod。") }
                        </p>
                    }
                    <ul>
                        { for s.records.iter().map(|r| html! {
                            <li class={classes!("dns-record", (!r.ready).then_some("not-ready"))}
                                key={r.name.clone()} data-record={r.name.clone()} data-pod={r.pod.clone()}>
                                <code>{ r.name.clone() }</code>
                                <span aria-hidden="true">{ " → " }</span>
                                <code>{ r.ip.clone() }</code>
                                if !r.ready {
                                    <span class="dns-note">{ lang.pick(" (not ready)", "（未就绪）") }</span>
                                }
                            </li>
                        }) }
                    </ul>
                    if s.more > 0 {
                        <p class="dns-more">
                            { lang.pick_owned(format!("… and {} more", s.more), format!("…… 另有 {} 条", s.more)) }
                        </p>
                    }
                    if !s.service_ips.is_empty() {
                        <p class="dns-service-record">
                            <code>{ s.fqdn.clone() }</code>
                            <span aria-hidden="true">{ " → " }</span>
                            <code>{ s.service_ips.join(", ") }</code>
                        </p>
                    }
                </div>
            }) }
        </div>
    }
}
