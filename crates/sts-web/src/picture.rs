//! The cluster picture as data: what the `Cluster` component draws, computed from a
//! [`World`] in one pass and compared with `PartialEq`, so that a frame re-renders only
//! the cards that changed.
//!
//! The picture is a grid: one **lane** per node (plus a "not scheduled" lane for pending
//! pods with no node) crossed with the **ordinal slots** of each StatefulSet. A slot holds
//! the pod of that ordinal (if any) and its PersistentVolumeClaims, which stay in the slot
//! when the pod is gone (P-1: claims are named after the ordinal and outlive pods).
//! Large sets are aggregated into ranges of identical pods, so the picture stays bounded
//! (at most [`MAX_SLOTS`] slots per set, whatever the replica count).

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

use sts_engine::cluster::dns::CLUSTER_DOMAIN;
use sts_engine::controller::identity::{claim_name, parse_ordinal, pod_name};
use sts_engine::model::{PersistentVolumeClaim, Pod, StatefulSet, UpdateStrategyType};
use sts_engine::printers;
use sts_engine::world::{Key, World};

/// Sets with more slots than this are aggregated into ranges.
pub const AGGREGATE_ABOVE: usize = 60;
/// The most slots one set (or the group of pods without a StatefulSet) is drawn with,
/// give or take the three forced breaks (start, end of range, partition).
pub const MAX_SLOTS: usize = 96;
/// The most per-pod DNS records listed per Service (the rest are counted).
pub const MAX_DNS: usize = 64;
/// Revision colours in the palette (`rev-0` … `rev-7`).
pub const PALETTE: usize = 8;

/// The whole picture.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Picture {
    /// Node lanes in natural name order, then the "not scheduled" lane (always last).
    pub lanes: Vec<Lane>,
    /// One group per StatefulSet (namespace, name order), then, if any, the pods that no
    /// StatefulSet owns.
    pub sets: Vec<SetView>,
    /// Headless Services and their DNS records.
    pub dns: Vec<ServiceDns>,
    /// Pods in the cluster.
    pub pods: usize,
}

/// A node's state as `kubectl get nodes` shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeState {
    /// `Ready`.
    #[default]
    Ready,
    /// `NotReady`: the node is down (its kubelet is unreachable).
    NotReady,
}

impl NodeState {
    /// kubectl's STATUS word.
    pub fn word(self) -> &'static str {
        match self {
            NodeState::Ready => "Ready",
            NodeState::NotReady => "NotReady",
        }
    }
}

/// One lane: a node, or the pods no node has been chosen for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    /// The node; `None` for the "not scheduled" lane.
    pub node: Option<String>,
    /// The node's state (`Ready` for the "not scheduled" lane).
    pub state: NodeState,
    /// The node's internal IP.
    pub address: String,
    /// Taints as kubectl prints them: `key=value:Effect`.
    pub taints: Vec<String>,
    /// Pods on this lane (all of them, also those drawn inside aggregated ranges).
    pub pods: usize,
    /// The slots drawn in this lane, by set then ordinal.
    pub cards: Vec<CardRef>,
}

/// A slot drawn in a lane: `picture.sets[set].slots[slot]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRef {
    /// Index into [`Picture::sets`].
    pub set: usize,
    /// Index into [`SetView::slots`].
    pub slot: usize,
}

/// How a pod card looks: each look has its own text label and pattern, not only a colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Look {
    /// Running and Ready.
    Ready,
    /// Running but not Ready (readiness probe failing, node lost).
    NotReady,
    /// Pending: not scheduled, pulling images, starting.
    Pending,
    /// Terminating (deletionTimestamp set).
    Terminating,
    /// Failed phase, crash loop, image pull errors.
    Error,
    /// Succeeded phase (Completed).
    Succeeded,
}

impl Look {
    /// The CSS class suffix (`look-ready`…).
    pub fn class(self) -> &'static str {
        match self {
            Look::Ready => "look-ready",
            Look::NotReady => "look-notready",
            Look::Pending => "look-pending",
            Look::Terminating => "look-terminating",
            Look::Error => "look-error",
            Look::Succeeded => "look-succeeded",
        }
    }
}

/// Which revision a pod runs, relative to its set's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RevisionRole {
    /// `currentRevision` and `updateRevision` are the same and the pod has it.
    Both,
    /// `status.currentRevision` (not the update revision).
    Current,
    /// `status.updateRevision` (not the current revision).
    Update,
    /// An older revision, neither current nor update.
    Old,
    /// No revision label, or the set is gone.
    Unknown,
}

/// One pod card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PodCard {
    /// Pod name.
    pub name: String,
    /// Ordinal from the name (section 1), if the name has one.
    pub ordinal: Option<i32>,
    /// Owning StatefulSet.
    pub set: Option<String>,
    /// kubectl's STATUS column (K-3).
    pub status: String,
    /// kubectl's READY column (`1/1`).
    pub ready_text: String,
    /// `status.phase` (`Pending` when empty).
    pub phase: String,
    /// Running and Ready.
    pub ready: bool,
    /// Terminating.
    pub terminating: bool,
    /// Phase Pending.
    pub pending: bool,
    /// Visual class.
    pub look: Look,
    /// The `controller-revision-hash` label (a full revision name, section 1).
    pub revision: Option<String>,
    /// The ControllerRevision's `revision` number.
    pub revision_number: Option<i64>,
    /// Palette index (`rev-N`), from the revision number.
    pub colour: Option<usize>,
    /// Current / update / old.
    pub role: RevisionRole,
    /// The node it is bound to.
    pub node: Option<String>,
    /// Restarts of all containers.
    pub restarts: i64,
    /// The first container's image.
    pub image: String,
    /// The "readiness never passes" fault is set.
    pub readiness_fault: bool,
    /// The set's blocker names this pod: the controller waits on it.
    pub waited_on: bool,
}

/// Where a slot's card sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placement {
    /// In lane `n` of [`Picture::lanes`].
    Lane(usize),
    /// An aggregated range whose pods run on several nodes (spans all node lanes).
    Spread {
        /// How many nodes.
        nodes: usize,
    },
    /// No pod: only the slot's claims (and the ordinal header) are drawn.
    Absent,
}

/// One ordinal slot (or an aggregated range of ordinals) of a set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    /// First ordinal (for pods without a StatefulSet, parsed from the name if possible).
    pub first: Option<i32>,
    /// Last ordinal of a range (equal to `first` for a single slot).
    pub last: Option<i32>,
    /// Ordinals in this slot (1 unless aggregated).
    pub count: usize,
    /// The pod name of the first ordinal (also when there is no pod).
    pub first_name: String,
    /// The pod name of the last ordinal.
    pub last_name: String,
    /// Pods in this slot.
    pub pods: usize,
    /// The pod (the first pod of a range).
    pub pod: Option<PodCard>,
    /// A range whose ordinals do not all look the same (only for very large sets).
    pub mixed: bool,
    /// Where the card is drawn.
    pub placement: Placement,
    /// Ordinal in `S … S+N-1` (false: condemned by a scale-down, or a leftover claim).
    pub in_range: bool,
    /// The claims of this slot, one per volumeClaimTemplate (ranges: of the first
    /// ordinal, with `count`).
    pub claims: Vec<ClaimCard>,
}

impl Slot {
    /// A stable key for the slot's DOM element.
    pub fn key(&self) -> String {
        if self.count > 1 {
            format!("{}…{}", self.first_name, self.last_name)
        } else {
            self.first_name.clone()
        }
    }
}

/// A PersistentVolumeClaim in an ordinal slot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimCard {
    /// Claim name (`<template>-<set>-<ordinal>`, P-1).
    pub name: String,
    /// Last claim name of an aggregated range.
    pub last_name: String,
    /// The volumeClaimTemplate name.
    pub template: String,
    /// `Bound`, `Pending`, `Lost`; `Missing` when the claim does not exist (yet).
    pub status: String,
    /// `spec.volumeName`.
    pub volume: String,
    /// `status.capacity.storage`.
    pub capacity: String,
    /// The ordinal it belongs to.
    pub ordinal: Option<i32>,
    /// Claims in this range that exist.
    pub count: usize,
    /// Whether the slot's pod exists.
    pub pod_present: bool,
}

/// One revision in a set's legend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LegendEntry {
    /// ControllerRevision name.
    pub name: String,
    /// Its `revision` number.
    pub number: i64,
    /// Palette index.
    pub colour: usize,
    /// Current / update / old.
    pub role: RevisionRole,
    /// Pods labelled with it.
    pub pods: usize,
}

/// A blocker sentence in both languages (from the controller, `controller/blocker.rs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlockerText {
    /// The pod waited on.
    pub pod: Option<String>,
    /// Machine-readable reason.
    pub reason: String,
    /// English.
    pub en: String,
    /// Simplified Chinese.
    pub zh: String,
}

/// A StatefulSet's row of slots, or (with `owned == false`) the pods that no
/// StatefulSet owns (orphaned by `--cascade=orphan`, or created by hand).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetView {
    /// Set name (empty for the group of pods without a StatefulSet).
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// True for a StatefulSet, false for the group of pods without one.
    pub owned: bool,
    /// `spec.replicas`.
    pub replicas: i32,
    /// `status.replicas`.
    pub status_replicas: i32,
    /// `status.readyReplicas`.
    pub ready: i32,
    /// `status.currentReplicas`.
    pub current: i32,
    /// `status.updatedReplicas`.
    pub updated: i32,
    /// `status.availableReplicas`.
    pub available: i32,
    /// `status.currentRevision`.
    pub current_revision: String,
    /// `status.updateRevision`.
    pub update_revision: String,
    /// `RollingUpdate` or `OnDelete` (D-2).
    pub strategy: String,
    /// The partition, when RollingUpdate with partition > 0 (U-1).
    pub partition: Option<i32>,
    /// `OrderedReady` or `Parallel` (D-1).
    pub policy: String,
    /// The start ordinal S (section 8).
    pub start: i32,
    /// Ordinal slots, ascending.
    pub slots: Vec<Slot>,
    /// With a partition: the partition line is drawn before `slots[partition_slot]`
    /// (== `slots.len()`: after the last slot). Partition counts indexes, so the line
    /// sits before ordinal S+P (O-3).
    pub partition_slot: Option<usize>,
    /// Slots were aggregated into ranges.
    pub aggregated: bool,
    /// Revisions, oldest first.
    pub legend: Vec<LegendEntry>,
    /// Why the controller waits, if it does.
    pub blocker: Option<BlockerText>,
    /// `spec.serviceName`.
    pub service: String,
    /// Whether a headless Service of that name exists in the namespace (I-4).
    pub service_headless: bool,
    /// volumeClaimTemplates names.
    pub templates: Vec<String>,
}

/// A DNS A record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DnsLine {
    /// Fully qualified name.
    pub name: String,
    /// Pod IP.
    pub ip: String,
    /// The pod.
    pub pod: String,
    /// The pod is Ready (false only with publishNotReadyAddresses).
    pub ready: bool,
}

/// A headless Service and its records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceDns {
    /// Service name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// `<svc>.<ns>.svc.cluster.local`.
    pub fqdn: String,
    /// `publishNotReadyAddresses`.
    pub publish_not_ready: bool,
    /// Per-pod records (`web-0.nginx.default.svc.cluster.local`), natural order, at most
    /// [`MAX_DNS`].
    pub records: Vec<DnsLine>,
    /// Per-pod records not listed.
    pub more: usize,
    /// The IPs the Service name itself resolves to (at most [`MAX_DNS`]).
    pub service_ips: Vec<String>,
}

// ---------------------------------------------------------------------------------------

/// Builds the picture of `world`.
pub fn picture(world: &World) -> Picture {
    let mut lanes: Vec<Lane> = {
        let mut nodes: Vec<_> = world.nodes.values().collect();
        nodes.sort_by(|a, b| natural_cmp(&a.metadata.name, &b.metadata.name));
        nodes
            .into_iter()
            .map(|n| Lane {
                node: Some(n.metadata.name.clone()),
                state: if n.ready {
                    NodeState::Ready
                } else {
                    NodeState::NotReady
                },
                address: n.address.clone(),
                taints: n
                    .taints
                    .iter()
                    .map(|t| {
                        if t.value.is_empty() {
                            format!("{}:{}", t.key, t.effect)
                        } else {
                            format!("{}={}:{}", t.key, t.value, t.effect)
                        }
                    })
                    .collect(),
                ..Lane::default()
            })
            .collect()
    };
    lanes.push(Lane::default());
    let unscheduled = lanes.len() - 1;
    let lane_of: BTreeMap<String, usize> = lanes
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.node.clone().map(|n| (n, i)))
        .collect();
    let ctx = Ctx {
        world,
        lane_of,
        unscheduled,
    };

    let mut sets = Vec::new();
    // Owned pods by address: a set of integers, not of (namespace, name) strings (with
    // 1,000 pods the string comparisons showed up in profiles).
    let mut owned_pods: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    for (key, set) in &world.sets {
        let (view, owned) = set_view(&ctx, key, set);
        owned_pods.extend(
            owned
                .iter()
                .map(|(_, p)| std::ptr::from_ref::<Pod>(p) as usize),
        );
        sets.push(view);
    }
    let others: Vec<(&Key, &Pod)> = world
        .pods
        .iter()
        .filter(|(_, p)| !owned_pods.contains(&(std::ptr::from_ref::<Pod>(p) as usize)))
        .collect();
    if !others.is_empty() {
        sets.push(others_view(&ctx, others));
    }

    for p in world.pods.values() {
        let lane = match p.node().and_then(|n| ctx.lane_of.get(n)) {
            Some(&i) => i,
            None => unscheduled,
        };
        if let Some(l) = lanes.get_mut(lane) {
            l.pods += 1;
        }
    }
    for (si, s) in sets.iter().enumerate() {
        for (i, slot) in s.slots.iter().enumerate() {
            if let Placement::Lane(l) = slot.placement {
                if let Some(lane) = lanes.get_mut(l) {
                    lane.cards.push(CardRef { set: si, slot: i });
                }
            }
        }
    }

    Picture {
        lanes,
        sets,
        dns: dns(world),
        pods: world.pods.len(),
    }
}

struct Ctx<'a> {
    world: &'a World,
    lane_of: BTreeMap<String, usize>,
    unscheduled: usize,
}

/// What one ordinal holds before aggregation.
struct Entry<'a> {
    ordinal: Option<i32>,
    name: String,
    pod: Option<(&'a Key, &'a Pod)>,
    claims: Vec<ClaimCard>,
    in_range: bool,
}

/// Revision facts of one set: name → (number, colour, role).
struct Revisions {
    by_name: BTreeMap<String, (i64, usize)>,
    current: String,
    update: String,
}

impl Revisions {
    fn role(&self, rev: Option<&str>) -> RevisionRole {
        match rev {
            None => RevisionRole::Unknown,
            Some(r) if r == self.update && r == self.current => RevisionRole::Both,
            Some(r) if r == self.update => RevisionRole::Update,
            Some(r) if r == self.current => RevisionRole::Current,
            Some(r) if self.by_name.contains_key(r) => RevisionRole::Old,
            Some(_) => RevisionRole::Unknown,
        }
    }
}

/// The palette index of revision number `n`: consecutive revisions get different
/// colours, and a revision keeps its colour when older history is trimmed.
fn colour_of(n: i64) -> usize {
    // rem_euclid of a positive modulus is in 0..PALETTE.
    usize::try_from((n - 1).rem_euclid(PALETTE as i64)).unwrap_or(0)
}

fn set_view<'a>(
    ctx: &Ctx<'a>,
    key: &Key,
    set: &'a StatefulSet,
) -> (SetView, Vec<(&'a Key, &'a Pod)>) {
    let world = ctx.world;
    let (ns, name) = key;
    let st = &set.status;
    let revs = Revisions {
        by_name: world
            .revisions
            .iter()
            .filter(|((rns, _), r)| {
                rns == ns
                    && r.metadata
                        .controller_ref()
                        .is_some_and(|o| o.uid == set.metadata.uid)
            })
            .map(|((_, n), r)| (n.clone(), (r.revision, colour_of(r.revision))))
            .collect(),
        current: st.current_revision.clone(),
        update: st.update_revision.clone(),
    };
    let blocker = world.blockers.get(key).map(|b| BlockerText {
        pod: b.pod.clone(),
        reason: b.reason.to_string(),
        en: b.en.clone(),
        zh: b.zh.clone(),
    });
    let waited_on = blocker.as_ref().and_then(|b| b.pod.clone());

    // Ordinals to draw: the in-range ones, every existing member pod, every claim of a
    // template (sparse: a stray high ordinal does not make millions of slots).
    let start = set.start_ordinal();
    let replicas = set.replicas().max(0);
    let end = start.saturating_add(replicas);
    let mut ordinals: BTreeMap<i32, Option<(&Key, &Pod)>> = BTreeMap::new();
    for o in start..end {
        ordinals.insert(o, None);
    }
    let mut owned = Vec::new();
    for (k, p) in world.pods.range((ns.clone(), String::new())..) {
        if k.0 != *ns {
            break;
        }
        let ours = p
            .metadata
            .controller_ref()
            .is_some_and(|r| r.uid == set.metadata.uid && r.kind == "StatefulSet");
        if !ours {
            continue;
        }
        // A pod whose name has no ordinal is ignored by the controller (section 1); it
        // is drawn with the pods without a set.
        if let Some(o) = parse_ordinal(name, &p.metadata.name) {
            owned.push((k, p));
            ordinals.insert(o, Some((k, p)));
        }
    }
    let templates: Vec<String> = set
        .spec
        .volume_claim_templates
        .iter()
        .map(|t| t.metadata.name.clone())
        .collect();
    // Each template's claims by ordinal, read off one range scan (not one lookup per
    // ordinal).
    let mut claims_of: Vec<BTreeMap<i32, &PersistentVolumeClaim>> = Vec::new();
    for t in &templates {
        let prefix = format!("{t}-{name}-");
        let mut by_ordinal = BTreeMap::new();
        for ((cns, cname), c) in world.claims.range((ns.clone(), prefix.clone())..) {
            if cns != ns || !cname.starts_with(&prefix) {
                break;
            }
            if let Some(o) = cname
                .strip_prefix(t.as_str())
                .and_then(|r| r.strip_prefix('-'))
                .and_then(|r| parse_ordinal(name, r))
            {
                ordinals.entry(o).or_default();
                by_ordinal.insert(o, c);
            }
        }
        claims_of.push(by_ordinal);
    }
    let entries: Vec<Entry> = ordinals
        .into_iter()
        .map(|(o, pod)| {
            let claims = templates
                .iter()
                .zip(&claims_of)
                .map(|(t, by_ordinal)| {
                    claim_card(
                        by_ordinal.get(&o).copied(),
                        claim_name(t, name, o),
                        t,
                        Some(o),
                        pod.is_some(),
                    )
                })
                .collect();
            Entry {
                ordinal: Some(o),
                name: pod_name(name, o),
                pod,
                claims,
                in_range: o >= start && o < end,
            }
        })
        .collect();

    let partition = match set.strategy() {
        UpdateStrategyType::RollingUpdate if set.partition() > 0 => Some(set.partition()),
        _ => None,
    };
    // The partition counts indexes: the boundary is ordinal S+P (O-3).
    let boundary = partition.map(|p| start.saturating_add(p));
    let breaks = [Some(start), Some(end), boundary];
    let (slots, aggregated) = build_slots(ctx, &entries, &revs, waited_on.as_deref(), &breaks);
    let partition_slot = boundary.map(|b| {
        slots
            .iter()
            .position(|s| s.first.is_some_and(|f| f >= b))
            .unwrap_or(slots.len())
    });

    let mut pods_per_rev: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, p) in &owned {
        if let Some(r) = p.revision() {
            *pods_per_rev.entry(r).or_default() += 1;
        }
    }
    let mut legend: Vec<LegendEntry> = revs
        .by_name
        .iter()
        .map(|(n, &(number, colour))| LegendEntry {
            name: n.clone(),
            number,
            colour,
            role: revs.role(Some(n)),
            pods: pods_per_rev.get(n.as_str()).copied().unwrap_or(0),
        })
        .collect();
    legend.sort_by_key(|l| l.number);

    let service_headless = world
        .services
        .get(&(ns.clone(), set.spec.service_name.clone()))
        .is_some_and(|s| s.headless());
    let view = SetView {
        name: name.clone(),
        namespace: ns.clone(),
        owned: true,
        replicas: set.replicas(),
        status_replicas: st.replicas,
        ready: st.ready_replicas,
        current: st.current_replicas,
        updated: st.updated_replicas,
        available: st.available_replicas,
        current_revision: st.current_revision.clone(),
        update_revision: st.update_revision.clone(),
        strategy: set.strategy_name().into(),
        partition,
        policy: set.policy_name().into(),
        start,
        slots,
        partition_slot,
        aggregated,
        legend,
        blocker,
        service: set.spec.service_name.clone(),
        service_headless,
        templates,
    };
    (view, owned)
}

/// The pods no StatefulSet owns, by natural name order; each pod's claims are the ones
/// its volumes reference.
fn others_view(ctx: &Ctx, mut pods: Vec<(&Key, &Pod)>) -> SetView {
    pods.sort_by(|a, b| a.0 .0.cmp(&b.0 .0).then(natural_cmp(&a.0 .1, &b.0 .1)));
    let entries: Vec<Entry> = pods
        .into_iter()
        .map(|(k, p)| {
            let claims = p
                .spec
                .volumes
                .iter()
                .filter_map(|v| v.persistent_volume_claim.as_ref())
                .map(|c| {
                    claim_card(
                        ctx.world.claims.get(&(k.0.clone(), c.claim_name.clone())),
                        c.claim_name.clone(),
                        "",
                        trailing_ordinal(&p.metadata.name),
                        true,
                    )
                })
                .collect();
            Entry {
                ordinal: trailing_ordinal(&p.metadata.name),
                name: p.metadata.name.clone(),
                pod: Some((k, p)),
                claims,
                in_range: true,
            }
        })
        .collect();
    let revs = Revisions {
        by_name: BTreeMap::new(),
        current: String::new(),
        update: String::new(),
    };
    let (slots, aggregated) = build_slots(ctx, &entries, &revs, None, &[]);
    SetView {
        name: String::new(),
        namespace: String::new(),
        owned: false,
        replicas: 0,
        status_replicas: 0,
        ready: 0,
        current: 0,
        updated: 0,
        available: 0,
        current_revision: String::new(),
        update_revision: String::new(),
        strategy: String::new(),
        partition: None,
        policy: String::new(),
        start: 0,
        slots,
        partition_slot: None,
        aggregated,
        legend: Vec::new(),
        blocker: None,
        service: String::new(),
        service_headless: false,
        templates: Vec::new(),
    }
}

fn trailing_ordinal(name: &str) -> Option<i32> {
    let (_, digits) = name.rsplit_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn claim_card(
    claim: Option<&PersistentVolumeClaim>,
    name: String,
    template: &str,
    ordinal: Option<i32>,
    pod_present: bool,
) -> ClaimCard {
    let (status, volume, capacity, count) = match claim {
        Some(c) => (
            if c.status.phase.is_empty() {
                "Pending".to_string()
            } else {
                c.status.phase.clone()
            },
            c.spec.volume_name.clone().unwrap_or_default(),
            c.status
                .capacity
                .get("storage")
                .map(|q| q.text())
                .unwrap_or_default(),
            1,
        ),
        None => ("Missing".to_string(), String::new(), String::new(), 0),
    };
    ClaimCard {
        last_name: name.clone(),
        name,
        template: template.to_string(),
        status,
        volume,
        capacity,
        ordinal,
        count,
        pod_present,
    }
}

/// kubectl STATUS words that mean a container is failing (K-3): `Error`,
/// `CrashLoopBackOff`, `ErrImagePull`, `ImagePullBackOff`, `ExitCode:1`,
/// `Init:Error`, `CreateContainerConfigError`, `InvalidImageName`…
fn is_error_status(s: &str) -> bool {
    s.contains("Err") || s.contains("BackOff") || s.contains("ExitCode:") || s.contains("Invalid")
}

fn pod_card(ctx: &Ctx, key: &Key, pod: &Pod, revs: &Revisions, waited_on: Option<&str>) -> PodCard {
    let status = printers::pod_status(pod);
    let phase = if pod.status.phase.is_empty() {
        "Pending".to_string()
    } else {
        pod.status.phase.clone()
    };
    let ready = pod.running_and_ready();
    let terminating = pod.metadata.terminating();
    let pending = phase == "Pending";
    let look = if terminating {
        Look::Terminating
    } else if phase == "Failed" || is_error_status(&status) {
        Look::Error
    } else if phase == "Succeeded" {
        Look::Succeeded
    } else if pending {
        Look::Pending
    } else if ready {
        Look::Ready
    } else {
        Look::NotReady
    };
    let revision = pod.revision().map(str::to_string);
    let known = revision.as_deref().and_then(|r| revs.by_name.get(r));
    PodCard {
        name: pod.metadata.name.clone(),
        ordinal: pod
            .metadata
            .controller_ref()
            .and_then(|r| parse_ordinal(&r.name, &pod.metadata.name))
            .or_else(|| trailing_ordinal(&pod.metadata.name)),
        set: pod.metadata.controller_ref().map(|r| r.name.clone()),
        ready_text: printers::pod_ready(pod),
        status,
        phase,
        ready,
        terminating,
        pending,
        look,
        role: revs.role(revision.as_deref()),
        revision_number: known.map(|k| k.0),
        colour: known.map(|k| k.1),
        revision,
        node: pod.node().map(str::to_string),
        restarts: pod
            .status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .sum(),
        image: pod
            .spec
            .containers
            .first()
            .map(|c| c.image.clone())
            .unwrap_or_default(),
        readiness_fault: ctx.world.readiness_fault(key),
        waited_on: waited_on == Some(pod.metadata.name.as_str()),
    }
}

/// How finely consecutive ordinals must agree to share a range.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Status, READY, revision, node, claim statuses.
    Fine,
    /// The same without the node.
    NoNode,
    /// Look and revision only.
    Coarse,
}

/// The facts of one entry that decide whether it groups with its neighbour, computed
/// once per entry (the grouping runs up to three times over 10,000 entries).
#[derive(PartialEq)]
struct GroupFacts<'a> {
    pod: bool,
    status: String,
    ready: String,
    running_and_ready: bool,
    terminating: bool,
    rev: &'a str,
    node: &'a str,
}

fn group_facts<'a>(e: &Entry<'a>) -> GroupFacts<'a> {
    match e.pod {
        Some((_, p)) => GroupFacts {
            pod: true,
            status: printers::pod_status(p),
            ready: printers::pod_ready(p),
            running_and_ready: p.running_and_ready(),
            terminating: p.metadata.terminating(),
            rev: p.revision().unwrap_or(""),
            node: p.node().unwrap_or(""),
        },
        None => GroupFacts {
            pod: false,
            status: String::new(),
            ready: String::new(),
            running_and_ready: false,
            terminating: false,
            rev: "",
            node: "",
        },
    }
}

/// True if two entries fall in one group at `level`.
fn same_group(a: (&Entry, &GroupFacts), b: (&Entry, &GroupFacts), level: Level) -> bool {
    let (ea, fa) = a;
    let (eb, fb) = b;
    let claims_equal = || {
        ea.claims.len() == eb.claims.len()
            && ea
                .claims
                .iter()
                .zip(&eb.claims)
                .all(|(x, y)| x.status == y.status)
    };
    if fa.pod != fb.pod {
        return false;
    }
    if !fa.pod {
        return level == Level::Coarse || claims_equal();
    }
    match level {
        Level::Fine => {
            fa.status == fb.status
                && fa.ready == fb.ready
                && fa.terminating == fb.terminating
                && fa.rev == fb.rev
                && fa.node == fb.node
                && claims_equal()
        }
        Level::NoNode => {
            fa.status == fb.status
                && fa.ready == fb.ready
                && fa.terminating == fb.terminating
                && fa.rev == fb.rev
                && claims_equal()
        }
        Level::Coarse => {
            fa.running_and_ready == fb.running_and_ready
                && fa.terminating == fb.terminating
                && fa.rev == fb.rev
        }
    }
}

/// Cuts `entries` into runs: consecutive ordinals with equal keys, never across a
/// break ordinal (start, end of range, partition boundary).
fn runs(
    entries: &[Entry],
    facts: &[GroupFacts],
    level: Option<Level>,
    breaks: &[Option<i32>],
) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let joins = match (level, out.last(), i.checked_sub(1)) {
            (Some(level), Some(_), Some(j)) => match (entries.get(j), facts.get(j), facts.get(i)) {
                (Some(prev), Some(fp), Some(fe)) => {
                    let consecutive = match (prev.ordinal, e.ordinal) {
                        (Some(a), Some(b)) => a.checked_add(1) == Some(b),
                        _ => false,
                    };
                    let broken = e.ordinal.is_some_and(|o| breaks.contains(&Some(o)));
                    consecutive && !broken && same_group((prev, fp), (e, fe), level)
                }
                _ => false,
            },
            _ => false,
        };
        if joins {
            if let Some(last) = out.last_mut() {
                last.1 = i;
            }
        } else {
            out.push((i, i));
        }
    }
    out
}

fn build_slots(
    ctx: &Ctx,
    entries: &[Entry],
    revs: &Revisions,
    waited_on: Option<&str>,
    breaks: &[Option<i32>],
) -> (Vec<Slot>, bool) {
    let mut groups = runs(entries, &[], None, breaks);
    let mut aggregated = false;
    if groups.len() > AGGREGATE_ABOVE {
        aggregated = true;
        let facts: Vec<GroupFacts> = entries.iter().map(group_facts).collect();
        for level in [Level::Fine, Level::NoNode, Level::Coarse] {
            groups = runs(entries, &facts, Some(level), breaks);
            if groups.len() <= MAX_SLOTS {
                break;
            }
        }
        if groups.len() > MAX_SLOTS {
            // Still too many (e.g. alternating states): merge neighbouring runs into
            // equal windows, marked mixed. The bound holds whatever the input.
            // A window never crosses a break ordinal, so the partition line still sits
            // between two slots; breaks are at most three, so the bound grows by three.
            let per = groups.len().div_ceil(MAX_SLOTS);
            let mut windows: Vec<(usize, usize, usize)> = Vec::new();
            for (a, b) in groups {
                let at_break = entries
                    .get(a)
                    .and_then(|e| e.ordinal)
                    .is_some_and(|o| breaks.contains(&Some(o)));
                match windows.last_mut() {
                    Some(w) if w.2 < per && !at_break => {
                        w.1 = b;
                        w.2 += 1;
                    }
                    _ => windows.push((a, b, 1)),
                }
            }
            groups = windows.into_iter().map(|(a, b, _)| (a, b)).collect();
        }
    }
    let slots = groups
        .into_iter()
        .filter_map(|(a, b)| {
            let run = entries.get(a..=b)?;
            Some(slot(ctx, run, revs, waited_on))
        })
        .collect();
    (slots, aggregated)
}

fn slot(ctx: &Ctx, run: &[Entry], revs: &Revisions, waited_on: Option<&str>) -> Slot {
    let first = run.first();
    let last = run.last();
    let pod = run
        .iter()
        .find_map(|e| e.pod)
        .map(|(k, p)| pod_card(ctx, k, p, revs, waited_on));
    let pods = run.iter().filter(|e| e.pod.is_some()).count();
    let mut nodes: Vec<Option<&str>> = run
        .iter()
        .filter_map(|e| e.pod.map(|(_, p)| p.node()))
        .collect();
    nodes.sort_unstable();
    nodes.dedup();
    let placement = match nodes.as_slice() {
        [] => Placement::Absent,
        [one] => Placement::Lane(
            one.and_then(|n| ctx.lane_of.get(n).copied())
                .unwrap_or(ctx.unscheduled),
        ),
        many => Placement::Spread { nodes: many.len() },
    };
    let mixed = run.len() > 1
        && first.is_some_and(|f| {
            let f0 = group_facts(f);
            run.iter()
                .any(|e| !same_group((f, &f0), (e, &group_facts(e)), Level::Coarse))
        });
    let claims = first
        .map(|f| {
            f.claims
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let mut c = c.clone();
                    if run.len() > 1 {
                        c.count = run
                            .iter()
                            .filter(|e| e.claims.get(i).is_some_and(|c| c.count > 0))
                            .count();
                        if let Some(l) = last.and_then(|l| l.claims.get(i)) {
                            c.last_name = l.name.clone();
                        }
                        c.pod_present = pods > 0;
                    }
                    c
                })
                .collect()
        })
        .unwrap_or_default();
    Slot {
        first: first.and_then(|e| e.ordinal),
        last: last.and_then(|e| e.ordinal),
        count: run.len(),
        first_name: first.map(|e| e.name.clone()).unwrap_or_default(),
        last_name: last.map(|e| e.name.clone()).unwrap_or_default(),
        pods,
        pod,
        mixed,
        placement,
        in_range: run.iter().all(|e| e.in_range),
        claims,
    }
}

/// DNS records of headless Services, from the engine's own resolver data
/// (`World::dns_records`, `cluster/dns.rs`: a pod is listed when it has an IP and is
/// Ready and not Terminating, or always with publishNotReadyAddresses; I-4).
fn dns(world: &World) -> Vec<ServiceDns> {
    let records = world.dns_records();
    let mut out = Vec::new();
    for ((ns, name), svc) in &world.services {
        if !svc.headless() {
            continue;
        }
        let fqdn = format!("{name}.{ns}.svc.{CLUSTER_DOMAIN}");
        let suffix = format!(".{fqdn}");
        // Sorted and cut by reference; only the lines shown are copied.
        let mut matching: Vec<_> = records
            .iter()
            .filter(|r| r.name.ends_with(&suffix))
            .collect();
        matching.sort_by(|a, b| natural_cmp(&a.name, &b.name));
        let more = matching.len().saturating_sub(MAX_DNS);
        let per_pod: Vec<DnsLine> = matching
            .into_iter()
            .take(MAX_DNS)
            .map(|r| DnsLine {
                name: r.name.clone(),
                ip: r.ip.clone(),
                pod: r.pod.clone(),
                ready: r.ready,
            })
            .collect();
        let service_ips = records
            .iter()
            .filter(|r| r.name == fqdn)
            .map(|r| r.ip.clone())
            .take(MAX_DNS)
            .collect();
        out.push(ServiceDns {
            name: name.clone(),
            namespace: ns.clone(),
            fqdn,
            publish_not_ready: svc.spec.publish_not_ready_addresses,
            records: per_pod,
            more,
            service_ips,
        });
    }
    out
}

/// Natural order: `node-2` before `node-10`, `web-9` before `web-10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, ra) = a.split_at(da);
                let (nb, rb) = b.split_at(db);
                let ta = trim_zeros(na);
                let tb = trim_zeros(nb);
                let o = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if o != Ordering::Equal {
                    return o;
                }
                a = ra;
                b = rb;
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let n = d.iter().take_while(|c| **c == b'0').count();
    &d[n..]
}

#[cfg(test)]
mod tests;
