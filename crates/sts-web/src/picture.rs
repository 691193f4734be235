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
use std::rc::Rc;

use sts_engine::cluster::dns::CLUSTER_DOMAIN;
use sts_engine::controller::identity::{claim_name, parse_ordinal, pod_name};
use sts_engine::deploy::util as deploy_util;
use sts_engine::model::{
    Deployment, PersistentVolumeClaim, Pod, ReplicaSet, StatefulSet, UpdateStrategyType,
};
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
    /// A stable key for the slot's DOM elements: its first pod's name. A range that
    /// grows or shrinks at its end (pods of a rolling update leaving or joining it)
    /// keeps its elements and is updated in place rather than rebuilt.
    pub fn key(&self) -> String {
        self.first_name.clone()
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

/// A StatefulSet's row of slots, a Deployment's pods, or the pods that no
/// StatefulSet owns (orphaned by `--cascade=orphan`, or created by hand).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetView {
    /// Set name (empty for the group of pods without a StatefulSet).
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// What the group is: a StatefulSet, a Deployment (its pods through its
    /// ReplicaSets, drawn by name without ordinals), or the pods no controller keeps.
    pub kind: GroupKind,
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

impl SetView {
    /// True for a StatefulSet's group (ordinal slots that the controller keeps).
    pub fn owned(&self) -> bool {
        self.kind == GroupKind::StatefulSet
    }
}

/// What a group of pods in the picture is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupKind {
    /// A StatefulSet: ordinal slots with their claims.
    #[default]
    StatefulSet,
    /// A Deployment: its ReplicaSets' pods, by name (random suffixes, no ordinals);
    /// the colour is the ReplicaSet (`pod-template-hash`), numbered by its
    /// `deployment.kubernetes.io/revision`.
    Deployment,
    /// Pods that no StatefulSet or Deployment owns (orphaned, or created by hand).
    Loose,
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

/// Builds the picture of `world` from scratch.
pub fn picture(world: &World) -> Picture {
    PictureCache::default().picture(world)
}

/// What a pod's card and its grouping need, computed once per version of the pod: kept
/// by [`PictureCache`] while the pod's uid, resourceVersion and readiness fault stay the
/// same (every pod write bumps the resourceVersion: `World::write_pod`), so a step
/// formats only the pods it changed.
#[derive(Debug)]
struct PodFacts {
    uid: String,
    resource_version: String,
    readiness_fault: bool,
    name: String,
    /// `pod_card`'s ordinal: from the controller reference's name, else the name's tail.
    ordinal: Option<i32>,
    /// The controller reference: (name, uid, kind is StatefulSet).
    owner: Option<(String, String, bool)>,
    status: String,
    ready_text: String,
    phase: String,
    ready: bool,
    terminating: bool,
    pending: bool,
    look: Look,
    revision: Option<String>,
    node: Option<String>,
    restarts: i64,
    image: String,
    /// The trailing ordinal of the name (pods without a StatefulSet).
    trailing: Option<i32>,
    /// Claims named by the pod's volumes (pods without a StatefulSet).
    volume_claims: Vec<String>,
    /// DNS: the pod IP, Ready and not Terminating, labels, and the per-pod record name
    /// (`<hostname>.<subdomain>.<ns>.svc.cluster.local`) with its subdomain.
    ip: Option<String>,
    dns_ready: bool,
    labels: BTreeMap<String, String>,
    record: Option<(String, String)>,
    /// Interned status, READY, revision (`""` for none) and node (`""` for none): the
    /// grouping compares numbers, not strings.
    status_id: u32,
    ready_id: u32,
    rev_id: u32,
    node_id: u32,
}

impl PodFacts {
    fn of(key: &Key, pod: &Pod, readiness_fault: bool, ids: &mut Interner) -> PodFacts {
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
        let owner = pod.metadata.controller_ref();
        let trailing = trailing_ordinal(&pod.metadata.name);
        let ready_text = printers::pod_ready(pod);
        // A ReplicaSet's pods carry its pod-template-hash, not a ControllerRevision:
        // their "revision" is the ReplicaSet's name (`<deployment>-<hash>`).
        let revision = pod.revision().map(str::to_string).or_else(|| {
            owner
                .filter(|r| r.kind == "ReplicaSet")
                .map(|r| r.name.clone())
        });
        PodFacts {
            status_id: ids.id(&status),
            ready_id: ids.id(&ready_text),
            rev_id: ids.id(revision.as_deref().unwrap_or("")),
            node_id: ids.id(pod.node().unwrap_or("")),
            uid: pod.metadata.uid.clone(),
            resource_version: pod.metadata.resource_version.clone(),
            readiness_fault,
            name: pod.metadata.name.clone(),
            // A ReplicaSet's pod names end in a random suffix, never an ordinal.
            ordinal: if owner.is_some_and(|r| r.kind == "ReplicaSet") {
                None
            } else {
                owner
                    .and_then(|r| parse_ordinal(&r.name, &pod.metadata.name))
                    .or(trailing)
            },
            owner: owner.map(|r| (r.name.clone(), r.uid.clone(), r.kind == "StatefulSet")),
            ready_text,
            status,
            phase,
            ready,
            terminating,
            pending,
            look,
            revision,
            node: pod.node().map(str::to_string),
            restarts: pod
                .status
                .container_statuses
                .iter()
                .map(|c| c.restart_count)
                .sum(),
            image: pod.spec.first_image().to_string(),
            trailing,
            volume_claims: pod
                .spec
                .volumes
                .iter()
                .filter_map(|v| v.persistent_volume_claim.as_ref())
                .map(|c| c.claim_name.clone())
                .collect(),
            ip: pod.status.pod_ip.clone(),
            dns_ready: ready && !terminating,
            labels: pod.metadata.labels.clone(),
            record: match (&pod.spec.hostname, &pod.spec.subdomain) {
                (Some(h), Some(sub)) => Some((
                    sub.clone(),
                    format!("{h}.{sub}.{}.svc.{CLUSTER_DOMAIN}", key.0),
                )),
                _ => None,
            },
        }
    }

    /// True if the DNS records made from `self` and `o` are the same.
    fn same_dns(&self, o: &PodFacts) -> bool {
        self.ip == o.ip
            && self.dns_ready == o.dns_ready
            && self.record == o.record
            && self.labels == o.labels
            && self.name == o.name
    }

    fn current(&self, pod: &Pod, readiness_fault: bool) -> bool {
        self.resource_version == pod.metadata.resource_version
            && self.uid == pod.metadata.uid
            && self.readiness_fault == readiness_fault
    }
}

/// A claim's card facts, kept while its uid and resourceVersion stay the same (the
/// claim writes that change its phase, volume or capacity bump the resourceVersion:
/// `World::bind`).
#[derive(Debug)]
struct ClaimFacts {
    uid: String,
    resource_version: String,
    status: String,
    volume: String,
    capacity: String,
    /// Interned `status`.
    status_id: u32,
}

impl ClaimFacts {
    fn of(c: &PersistentVolumeClaim, ids: &mut Interner) -> ClaimFacts {
        let status = if c.status.phase.is_empty() {
            "Pending".to_string()
        } else {
            c.status.phase.clone()
        };
        ClaimFacts {
            uid: c.metadata.uid.clone(),
            resource_version: c.metadata.resource_version.clone(),
            status_id: ids.id(&status),
            status,
            volume: c.spec.volume_name.clone().unwrap_or_default(),
            capacity: c
                .status
                .capacity
                .get("storage")
                .map(|q| q.text())
                .unwrap_or_default(),
        }
    }

    fn current(&self, c: &PersistentVolumeClaim) -> bool {
        self.resource_version == c.metadata.resource_version && self.uid == c.metadata.uid
    }
}

/// Strings by number, so that grouping 1,000 pods compares integers.
#[derive(Debug, Default)]
struct Interner(BTreeMap<String, u32>);

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.0.get(s) {
            return i;
        }
        let i = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        self.0.insert(s.to_string(), i);
        i
    }
}

/// The per-object facts of the last picture, so that the next one formats only the pods
/// and claims that changed. Valid only for worlds of one history: a world from another
/// timeline (a fork, another session) can reuse a uid and resourceVersion for different
/// contents, so the owner clears it then (`derived.rs` does).
#[derive(Debug, Default)]
pub struct PictureCache {
    /// In `World::pods` order.
    pods: Vec<(Key, Rc<PodFacts>)>,
    /// In `World::claims` order.
    claims: Vec<(Key, Rc<ClaimFacts>)>,
    ids: Interner,
    /// The Services and DNS records of the last picture, and whether a pod's DNS facts
    /// changed since.
    services: BTreeMap<Key, sts_engine::model::Service>,
    dns: Option<Vec<ServiceDns>>,
    /// Pods whose facts were (re)computed by the last [`PictureCache::picture`].
    pub computed: usize,
    /// The last picture found the same pod keys (namespace, name) as the one before.
    pub same_pod_names: bool,
    /// The last picture found the same claim keys as the one before.
    pub same_claim_names: bool,
    /// `World::pod_changes` and `World::claim_changes` of the world last seen, if any.
    mark: Option<(u64, u64)>,
    /// Each set's pods and claims by ordinal, as indexes into `pods` and `claims`:
    /// valid while no pod or claim is added or removed and no pod changes owner.
    layouts: BTreeMap<Key, SetLayout>,
}

/// Which kept pods and claims are a set's, by ordinal (see [`set_view`]).
#[derive(Debug)]
struct SetLayout {
    uid: String,
    templates: Vec<String>,
    /// (ordinal, index into the kept pods), in pod key order.
    pods_at: Vec<(i32, usize)>,
    /// Per template: (ordinal, index into the kept claims).
    claims_at: Vec<Vec<(i32, usize)>>,
}

impl PictureCache {
    /// Forgets every kept fact.
    pub fn clear(&mut self) {
        *self = PictureCache::default();
    }

    /// Brings the kept facts in line with `world`: only the pods and claims the engine
    /// logged as changed since the last call (`World::pods_changed_since`), or, when
    /// that is not known (the first call, a seek back, many changes), one ordered pass
    /// over all of them; facts are computed only for objects that are new or changed.
    fn refresh(&mut self, world: &World) {
        self.computed = 0;
        fn sorted<'a>(keys: impl Iterator<Item = &'a Key>) -> Vec<&'a Key> {
            let mut keys: Vec<&Key> = keys.collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        }
        let (pods, claims) = match self.mark {
            Some((p, c)) => (
                world.pods_changed_since(p).map(sorted),
                world.claims_changed_since(c).map(sorted),
            ),
            None => (None, None),
        };
        match pods {
            Some(keys) => self.refresh_pods(world, &keys),
            None => self.refresh_all_pods(world),
        }
        match claims {
            Some(keys) => self.refresh_claims(world, &keys),
            None => self.refresh_all_claims(world),
        }
        self.mark = Some((world.pod_changes(), world.claim_changes()));
        if !self.same_pod_names || !self.same_claim_names {
            self.layouts.clear();
        }
        if !self.same_pod_names || self.services != world.services {
            self.dns = None;
            self.services.clone_from(&world.services);
        }
    }

    /// The claims `keys` changed (the engine's log says which): look at those only.
    fn refresh_claims(&mut self, world: &World, keys: &[&Key]) {
        self.same_claim_names = true;
        for &k in keys {
            let at = self.claims.binary_search_by(|(ok, _)| ok.cmp(k));
            match (at, world.claims.get(k)) {
                (Ok(i), Some(c)) => {
                    if let Some((_, old)) = self.claims.get_mut(i) {
                        if !old.current(c) {
                            *old = Rc::new(ClaimFacts::of(c, &mut self.ids));
                        }
                    }
                }
                (Ok(i), None) => {
                    self.claims.remove(i);
                    self.same_claim_names = false;
                }
                (Err(i), Some(c)) => {
                    let f = Rc::new(ClaimFacts::of(c, &mut self.ids));
                    self.claims.insert(i, (k.clone(), f));
                    self.same_claim_names = false;
                }
                (Err(_), None) => {}
            }
        }
    }

    /// The pods `keys` changed (the engine's log says which): look at those only.
    fn refresh_pods(&mut self, world: &World, keys: &[&Key]) {
        self.same_pod_names = true;
        for &k in keys {
            let at = self.pods.binary_search_by(|(ok, _)| ok.cmp(k));
            match (at, world.pods.get(k)) {
                (Ok(i), Some(p)) => {
                    let fault = world.readiness_fault(k);
                    if let Some((_, old)) = self.pods.get_mut(i) {
                        if !old.current(p, fault) {
                            self.computed += 1;
                            let f = Rc::new(PodFacts::of(k, p, fault, &mut self.ids));
                            if !old.same_dns(&f) {
                                self.dns = None;
                            }
                            if old.owner != f.owner {
                                self.layouts.clear();
                            }
                            *old = f;
                        }
                    }
                }
                (Ok(i), None) => {
                    self.pods.remove(i);
                    self.same_pod_names = false;
                }
                (Err(i), Some(p)) => {
                    self.computed += 1;
                    let f = Rc::new(PodFacts::of(k, p, world.readiness_fault(k), &mut self.ids));
                    self.pods.insert(i, (k.clone(), f));
                    self.same_pod_names = false;
                }
                (Err(_), None) => {}
            }
        }
    }

    /// One ordered pass over every pod.
    fn refresh_all_pods(&mut self, world: &World) {
        let mut faults = world.readiness_faults().peekable();
        let old_len = self.pods.len();
        let mut old = std::mem::take(&mut self.pods).into_iter().peekable();
        let mut pods = Vec::with_capacity(world.pods.len());
        let mut matched = 0;
        for (k, p) in &world.pods {
            while faults.next_if(|f| *f < k).is_some() {}
            let fault = faults.next_if(|f| *f == k).is_some();
            let kept = next_kept(&mut old, k);
            matched += usize::from(kept.is_some());
            pods.push(match kept {
                Some((ok, f)) if f.current(p, fault) => (ok, f),
                kept => {
                    self.computed += 1;
                    let f = Rc::new(PodFacts::of(k, p, fault, &mut self.ids));
                    match kept {
                        Some((ok, old)) => {
                            if !old.same_dns(&f) {
                                self.dns = None;
                            }
                            if old.owner != f.owner {
                                self.layouts.clear();
                            }
                            (ok, f)
                        }
                        None => (k.clone(), f),
                    }
                }
            });
        }
        self.same_pod_names = matched == old_len && matched == pods.len();
        self.pods = pods;
    }

    /// One ordered pass over every claim.
    fn refresh_all_claims(&mut self, world: &World) {
        let old_len = self.claims.len();
        let mut old = std::mem::take(&mut self.claims).into_iter().peekable();
        let mut claims = Vec::with_capacity(world.claims.len());
        let mut matched = 0;
        for (k, c) in &world.claims {
            let kept = next_kept(&mut old, k);
            matched += usize::from(kept.is_some());
            claims.push(match kept {
                Some((ok, f)) if f.current(c) => (ok, f),
                kept => {
                    let f = Rc::new(ClaimFacts::of(c, &mut self.ids));
                    (kept.map_or_else(|| k.clone(), |(ok, _)| ok), f)
                }
            });
        }
        self.same_claim_names = matched == old_len && matched == claims.len();
        self.claims = claims;
    }

    /// The picture of `world`, reusing the facts of pods and claims that did not change
    /// since the last call. Equal to [`picture`]`(world)`.
    pub fn picture(&mut self, world: &World) -> Picture {
        self.refresh(world);
        let missing = self.ids.id("Missing");
        let mut picture = build(
            world,
            &self.pods,
            &self.claims,
            &self.ids,
            missing,
            self.dns.is_none(),
            &mut self.layouts,
        );
        match &self.dns {
            Some(dns) => picture.dns.clone_from(dns),
            None => self.dns = Some(picture.dns.clone()),
        }
        picture
    }
}

/// The kept entry of `key` from an iterator in key order, dropping the keys before it
/// (one comparison per key when nothing was added or removed).
fn next_kept<T>(
    old: &mut std::iter::Peekable<std::vec::IntoIter<(Key, T)>>,
    key: &Key,
) -> Option<(Key, T)> {
    loop {
        match old.peek().map(|(k, _)| k.cmp(key)) {
            Some(Ordering::Less) => {
                old.next();
            }
            Some(Ordering::Equal) => return old.next(),
            Some(Ordering::Greater) | None => return None,
        }
    }
}

fn build(
    world: &World,
    pods: &[(Key, Rc<PodFacts>)],
    claims: &[(Key, Rc<ClaimFacts>)],
    ids: &Interner,
    missing: u32,
    with_dns: bool,
    layouts: &mut BTreeMap<Key, SetLayout>,
) -> Picture {
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
    // The lane of each interned node name.
    let mut lane_by_id = vec![None; ids.0.len()];
    for (name, &lane) in &lane_of {
        if let Some(slot) = ids
            .0
            .get(name)
            .and_then(|&i| lane_by_id.get_mut(i as usize))
        {
            *slot = Some(lane);
        }
    }
    let ctx = Ctx {
        world,
        pods,
        claims,
        ids,
        lane_by_id,
        unscheduled,
        missing,
    };

    let mut sets = Vec::new();
    let mut owned_pods = vec![false; pods.len()];
    for (key, set) in &world.sets {
        let (view, owned) = set_view(&ctx, key, set, layouts);
        for i in owned {
            if let Some(o) = owned_pods.get_mut(i) {
                *o = true;
            }
        }
        sets.push(view);
    }
    let others: Vec<usize> = (0..pods.len())
        .filter(|&i| !owned_pods.get(i).copied().unwrap_or(false))
        .collect();
    // A Deployment's pods (through its ReplicaSets) are drawn as the Deployment's group.
    let mut by_deployment: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    let mut loose = Vec::new();
    for i in others {
        match ctx
            .pods
            .get(i)
            .and_then(|(k, f)| deployment_of(world, k, f))
        {
            Some(d) => by_deployment.entry(d).or_default().push(i),
            None => loose.push(i),
        }
    }
    for (key, pods) in by_deployment {
        if let Some(d) = world.deployments.get(&key) {
            sets.push(deployment_view(&ctx, &key, d, pods));
        }
    }
    if !loose.is_empty() {
        sets.push(others_view(&ctx, loose, &Revisions::default(), false));
    }

    for (_, f) in pods {
        let lane = ctx.lane(f);
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
        dns: if with_dns { dns(&ctx) } else { Vec::new() },
        pods: world.pods.len(),
    }
}

struct Ctx<'a> {
    world: &'a World,
    pods: &'a [(Key, Rc<PodFacts>)],
    claims: &'a [(Key, Rc<ClaimFacts>)],
    ids: &'a Interner,
    lane_by_id: Vec<Option<usize>>,
    unscheduled: usize,
    /// The interned `Missing` (a claim that does not exist).
    missing: u32,
}

impl Ctx<'_> {
    /// The lane of a pod: its node's, else "not scheduled".
    fn lane(&self, f: &PodFacts) -> usize {
        self.lane_by_id
            .get(f.node_id as usize)
            .copied()
            .flatten()
            .unwrap_or(self.unscheduled)
    }
}

/// What one ordinal holds before aggregation (names are formatted only for the slots
/// drawn).
struct Entry<'a> {
    ordinal: Option<i32>,
    /// The pod's name for pods without a set; `None`: `<set>-<ordinal>`.
    name: Option<&'a str>,
    pod: Option<&'a PodFacts>,
    /// One per template (set) or per claim volume (pods without a set).
    claims: &'a [EntryClaim<'a>],
    in_range: bool,
}

/// A claim slot of an entry.
struct EntryClaim<'a> {
    /// The claim, if it exists.
    facts: Option<&'a ClaimFacts>,
    /// The template (sets) or the claim's own name (pods without a set).
    template: &'a str,
    /// The interned status (`Missing` when the claim does not exist).
    status: u32,
}

/// Revision facts of one set: name → (number, colour, role).
#[derive(Default)]
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

/// Where the set's entries come from: the set's name (for entry names) or none.
#[derive(Clone, Copy)]
struct Naming<'a> {
    /// `Some(set)`: entries are `<set>-<ordinal>` with claims `<template>-<set>-<ordinal>`.
    set: Option<&'a str>,
}

impl Naming<'_> {
    fn pod_name(&self, e: &Entry) -> String {
        match (self.set, e.name, e.ordinal) {
            (_, Some(n), _) => n.to_string(),
            (Some(set), None, Some(o)) => pod_name(set, o),
            _ => String::new(),
        }
    }

    fn claim_name(&self, e: &Entry, c: &EntryClaim) -> String {
        match (self.set, e.ordinal) {
            (Some(set), Some(o)) => claim_name(c.template, set, o),
            // Pods without a set: the claim's own name.
            _ => c.template.to_string(),
        }
    }

    fn template<'b>(&self, c: &EntryClaim<'b>) -> &'b str {
        if self.set.is_some() {
            c.template
        } else {
            ""
        }
    }
}

/// The first index of `key`'s range in a slice sorted by key.
fn lower_bound<T>(v: &[(Key, T)], ns: &str, name: &str) -> usize {
    v.partition_point(|(k, _)| (k.0.as_str(), k.1.as_str()) < (ns, name))
}

fn set_view(
    ctx: &Ctx,
    key: &Key,
    set: &StatefulSet,
    layouts: &mut BTreeMap<Key, SetLayout>,
) -> (SetView, Vec<usize>) {
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
    // template (sparse: a stray high ordinal does not make millions of slots). In-range
    // ordinals are a dense run; the others are collected, sorted and searched.
    let start = set.start_ordinal();
    let replicas = set.replicas().max(0);
    let end = start.saturating_add(replicas);
    let templates: Vec<String> = set
        .spec
        .volume_claim_templates
        .iter()
        .map(|t| t.metadata.name.clone())
        .collect();
    let mut fresh = None;
    let layout: &SetLayout = match layouts.get(key) {
        Some(l) if l.uid == set.metadata.uid && l.templates == templates => l,
        _ => fresh.insert(layout(ctx, key, set, &templates)),
    };
    let (pods_at, claims_at) = (&layout.pods_at, &layout.claims_at);
    let owned: Vec<usize> = pods_at.iter().map(|&(_, i)| i).collect();
    let in_range = |o: i32| o >= start && o < end;
    let mut extra: Vec<i32> = pods_at
        .iter()
        .chain(claims_at.iter().flatten())
        .map(|&(o, _)| o)
        .filter(|&o| !in_range(o))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    let below = extra.partition_point(|&o| o < start);
    let dense = usize::try_from(replicas).unwrap_or(0);
    let index_of = |o: i32| -> Option<usize> {
        if in_range(o) {
            usize::try_from(o.checked_sub(start)?)
                .ok()
                .map(|d| below + d)
        } else if o < start {
            extra.get(..below)?.binary_search(&o).ok()
        } else {
            extra
                .get(below..)?
                .binary_search(&o)
                .ok()
                .map(|i| below + dense + i)
        }
    };
    let ordinals = extra[..below]
        .iter()
        .copied()
        .chain(start..end)
        .chain(extra[below..].iter().copied());
    // Claims of all entries in one array (`per` a entry), so that entries need no
    // allocation of their own.
    let per = templates.len();
    let count = below + dense + (extra.len() - below);
    let mut flat: Vec<EntryClaim> = Vec::with_capacity(count * per);
    for _ in 0..count {
        flat.extend(templates.iter().map(|t| EntryClaim {
            facts: None,
            template: t,
            status: ctx.missing,
        }));
    }
    for (t, at) in claims_at.iter().enumerate() {
        for &(o, i) in at {
            let x = index_of(o).and_then(|x| x.checked_mul(per)?.checked_add(t));
            if let (Some(c), Some((_, f))) = (x.and_then(|x| flat.get_mut(x)), ctx.claims.get(i)) {
                c.facts = Some(f);
                c.status = f.status_id;
            }
        }
    }
    let mut pod_of: Vec<Option<&PodFacts>> = vec![None; count];
    for &(o, i) in pods_at {
        if let (Some(p), Some((_, f))) =
            (index_of(o).and_then(|x| pod_of.get_mut(x)), ctx.pods.get(i))
        {
            *p = Some(f);
        }
    }
    let entries: Vec<Entry> = ordinals
        .zip(pod_of)
        .zip(flat.chunks(per.max(1)).chain(std::iter::repeat(&[][..])))
        .map(|((o, pod), claims)| Entry {
            ordinal: Some(o),
            name: None,
            pod,
            claims: if per == 0 { &[] } else { claims },
            in_range: in_range(o),
        })
        .collect();

    let partition = match set.strategy() {
        UpdateStrategyType::RollingUpdate if set.partition() > 0 => Some(set.partition()),
        _ => None,
    };
    // The partition counts indexes: the boundary is ordinal S+P (O-3).
    let boundary = partition.map(|p| start.saturating_add(p));
    let breaks = [Some(start), Some(end), boundary];
    let naming = Naming { set: Some(name) };
    let (slots, aggregated) =
        build_slots(ctx, naming, &entries, &revs, waited_on.as_deref(), &breaks);
    let partition_slot = boundary.map(|b| {
        slots
            .iter()
            .position(|s| s.first.is_some_and(|f| f >= b))
            .unwrap_or(slots.len())
    });

    let mut pods_per_rev: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in &owned {
        if let Some(r) = ctx.pods.get(i).and_then(|(_, f)| f.revision.as_deref()) {
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
        kind: GroupKind::StatefulSet,
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
    if let Some(l) = fresh {
        layouts.insert(key.clone(), l);
    }
    (view, owned)
}

/// Which kept pods and claims are `set`'s, by ordinal: one pass over the namespace's
/// pods and one range scan per template over its claims.
fn layout(ctx: &Ctx, key: &Key, set: &StatefulSet, templates: &[String]) -> SetLayout {
    let (ns, name) = key;
    let mut pods_at: Vec<(i32, usize)> = Vec::new();
    let first = lower_bound(ctx.pods, ns, "");
    for (i, (k, f)) in ctx.pods.iter().enumerate().skip(first) {
        if k.0 != *ns {
            break;
        }
        let ours = f
            .owner
            .as_ref()
            .is_some_and(|(_, uid, sts)| *sts && *uid == set.metadata.uid);
        if !ours {
            continue;
        }
        // A pod whose name has no ordinal is ignored by the controller (section 1); it
        // is drawn with the pods without a set.
        if let Some(o) = parse_ordinal(name, &f.name) {
            pods_at.push((o, i));
        }
    }
    // Each template's claims by ordinal, read off one range scan (not one lookup per
    // ordinal).
    let mut claims_at: Vec<Vec<(i32, usize)>> = Vec::new();
    for t in templates {
        let prefix = format!("{t}-{name}-");
        let mut at = Vec::new();
        let first = lower_bound(ctx.claims, ns, &prefix);
        for (i, ((cns, cname), _)) in ctx.claims.iter().enumerate().skip(first) {
            if cns != ns || !cname.starts_with(&prefix) {
                break;
            }
            if let Some(o) = cname
                .strip_prefix(t.as_str())
                .and_then(|r| r.strip_prefix('-'))
                .and_then(|r| parse_ordinal(name, r))
            {
                at.push((o, i));
            }
        }
        claims_at.push(at);
    }
    SetLayout {
        uid: set.metadata.uid.clone(),
        templates: templates.to_vec(),
        pods_at,
        claims_at,
    }
}

/// The pods no StatefulSet owns, by natural name order; each pod's claims are the ones
/// its volumes reference.
fn others_view(ctx: &Ctx, mut pods: Vec<usize>, revs: &Revisions, by_name: bool) -> SetView {
    let key_of = |i: usize| ctx.pods.get(i).map(|(k, _)| k);
    pods.sort_by(|&a, &b| match (key_of(a), key_of(b)) {
        (Some(a), Some(b)) => a.0.cmp(&b.0).then(natural_cmp(&a.1, &b.1)),
        _ => Ordering::Equal,
    });
    // Claims named by these pods' volumes, looked up in the world (few pods).
    let mut local = Interner::default();
    let facts: Vec<Vec<Option<ClaimFacts>>> = pods
        .iter()
        .filter_map(|&i| ctx.pods.get(i))
        .map(|(k, f)| {
            f.volume_claims
                .iter()
                .map(|c| {
                    let claim = ctx.world.claims.get(&(k.0.clone(), c.clone()))?;
                    let mut f = ClaimFacts::of(claim, &mut Interner::default());
                    // The kept strings' numbers, or new ones past them (these few
                    // cards are not kept).
                    f.status_id = match ctx.ids.0.get(&f.status) {
                        Some(&i) => i,
                        None => {
                            let next =
                                u32::try_from(ctx.ids.0.len() + local.0.len()).unwrap_or(u32::MAX);
                            *local.0.entry(f.status.clone()).or_insert(next)
                        }
                    };
                    Some(f)
                })
                .collect()
        })
        .collect();
    let flat: Vec<Vec<EntryClaim>> = pods
        .iter()
        .filter_map(|&i| ctx.pods.get(i))
        .zip(&facts)
        .map(|((_, f), cf)| {
            f.volume_claims
                .iter()
                .zip(cf)
                .map(|(c, facts)| EntryClaim {
                    facts: facts.as_ref(),
                    template: c,
                    status: facts.as_ref().map_or(ctx.missing, |f| f.status_id),
                })
                .collect()
        })
        .collect();
    let entries: Vec<Entry> = pods
        .iter()
        .filter_map(|&i| ctx.pods.get(i))
        .zip(&flat)
        .map(|((_, f), claims)| Entry {
            ordinal: if by_name { None } else { f.trailing },
            name: Some(&f.name),
            pod: Some(f),
            claims,
            in_range: true,
        })
        .collect();
    let (slots, aggregated) = build_slots(ctx, Naming { set: None }, &entries, revs, None, &[]);
    SetView {
        name: String::new(),
        namespace: String::new(),
        kind: GroupKind::Loose,
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

/// The Deployment that owns the pod through its ReplicaSet (controller references
/// both ways), if any.
fn deployment_of(world: &World, key: &Key, f: &PodFacts) -> Option<Key> {
    let (rs_name, rs_uid, _) = f.owner.as_ref()?;
    let rs = world.replica_sets.get(&(key.0.clone(), rs_name.clone()))?;
    if rs.metadata.uid != *rs_uid {
        return None;
    }
    let d = rs
        .metadata
        .controller_ref()
        .filter(|r| r.kind == "Deployment")?;
    let dkey = (key.0.clone(), d.name.clone());
    world
        .deployments
        .get(&dkey)
        .is_some_and(|dep| dep.metadata.uid == d.uid)
        .then_some(dkey)
}

/// A Deployment's group: its pods by name, coloured by ReplicaSet; the legend lists
/// the Deployment's ReplicaSets by revision (the newest is the update).
fn deployment_view(ctx: &Ctx, key: &Key, d: &Deployment, pods: Vec<usize>) -> SetView {
    let mut rss: Vec<&ReplicaSet> = ctx
        .world
        .replica_sets
        .range((key.0.clone(), String::new())..)
        .take_while(|((ns, _), _)| *ns == key.0)
        .map(|(_, rs)| rs)
        .filter(|rs| {
            rs.metadata
                .controller_ref()
                .is_some_and(|r| r.kind == "Deployment" && r.uid == d.metadata.uid)
        })
        .collect();
    rss.sort_by_key(|rs| rs.revision());
    let newest = rss
        .last()
        .map(|rs| rs.metadata.name.clone())
        .unwrap_or_default();
    let revs = Revisions {
        by_name: rss
            .iter()
            .map(|rs| {
                (
                    rs.metadata.name.clone(),
                    (rs.revision(), colour_of(rs.revision())),
                )
            })
            .collect(),
        current: String::new(),
        update: newest,
    };
    let mut per_rs: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in &pods {
        if let Some(r) = ctx.pods.get(i).and_then(|(_, f)| f.revision.as_deref()) {
            *per_rs.entry(r).or_default() += 1;
        }
    }
    let mut view = others_view(ctx, pods, &revs, true);
    view.legend = rss
        .iter()
        .map(|rs| LegendEntry {
            name: rs.metadata.name.clone(),
            number: rs.revision(),
            colour: colour_of(rs.revision()),
            role: revs.role(Some(&rs.metadata.name)),
            pods: per_rs.get(rs.metadata.name.as_str()).copied().unwrap_or(0),
        })
        .collect();
    let st = &d.status;
    view.name = key.1.clone();
    view.namespace = key.0.clone();
    view.kind = GroupKind::Deployment;
    view.replicas = d.replicas();
    view.status_replicas = st.replicas;
    view.ready = st.ready_replicas;
    view.updated = st.updated_replicas;
    view.available = st.available_replicas;
    view.update_revision = revs.update.clone();
    view.strategy = if d.recreate() {
        "Recreate"
    } else {
        "RollingUpdate"
    }
    .into();
    if !d.recreate() {
        // The resolved numbers (percentages rounded as the controller does).
        view.policy = format!(
            "maxSurge {} · maxUnavailable {}",
            deploy_util::max_surge(d),
            deploy_util::max_unavailable(d)
        );
    }
    view
}

fn trailing_ordinal(name: &str) -> Option<i32> {
    let (_, digits) = name.rsplit_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn claim_card(
    claim: Option<&ClaimFacts>,
    name: String,
    template: &str,
    ordinal: Option<i32>,
    pod_present: bool,
) -> ClaimCard {
    let (status, volume, capacity, count) = match claim {
        Some(c) => (c.status.clone(), c.volume.clone(), c.capacity.clone(), 1),
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

fn pod_card(f: &PodFacts, revs: &Revisions, waited_on: Option<&str>) -> PodCard {
    let known = f.revision.as_deref().and_then(|r| revs.by_name.get(r));
    PodCard {
        name: f.name.clone(),
        ordinal: f.ordinal,
        set: f.owner.as_ref().map(|(n, _, _)| n.clone()),
        status: f.status.clone(),
        ready_text: f.ready_text.clone(),
        phase: f.phase.clone(),
        ready: f.ready,
        terminating: f.terminating,
        pending: f.pending,
        look: f.look,
        role: revs.role(f.revision.as_deref()),
        revision_number: known.map(|k| k.0),
        colour: known.map(|k| k.1),
        revision: f.revision.clone(),
        node: f.node.clone(),
        restarts: f.restarts,
        image: f.image.clone(),
        readiness_fault: f.readiness_fault,
        waited_on: waited_on == Some(f.name.as_str()),
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

/// True if two entries fall in one group at `level`.
fn same_group(a: &Entry, b: &Entry, level: Level) -> bool {
    let claims_equal = || {
        a.claims.len() == b.claims.len()
            && a.claims
                .iter()
                .zip(b.claims)
                .all(|(x, y)| x.status == y.status)
    };
    let (fa, fb) = match (a.pod, b.pod) {
        (Some(fa), Some(fb)) => (fa, fb),
        (None, None) => return level == Level::Coarse || claims_equal(),
        _ => return false,
    };
    match level {
        Level::Fine => {
            fa.status_id == fb.status_id
                && fa.ready_id == fb.ready_id
                && fa.terminating == fb.terminating
                && fa.rev_id == fb.rev_id
                && fa.node_id == fb.node_id
                && claims_equal()
        }
        Level::NoNode => {
            fa.status_id == fb.status_id
                && fa.ready_id == fb.ready_id
                && fa.terminating == fb.terminating
                && fa.rev_id == fb.rev_id
                && claims_equal()
        }
        Level::Coarse => {
            fa.ready == fb.ready && fa.terminating == fb.terminating && fa.rev_id == fb.rev_id
        }
    }
}

/// Cuts `entries` into runs: consecutive ordinals with equal keys, never across a
/// break ordinal (start, end of range, partition boundary).
fn runs(entries: &[Entry], level: Option<Level>, breaks: &[Option<i32>]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let joins = match (level, out.last(), i.checked_sub(1)) {
            (Some(level), Some(_), Some(j)) => match entries.get(j) {
                Some(prev) => {
                    let consecutive = match (prev.ordinal, e.ordinal) {
                        (Some(a), Some(b)) => a.checked_add(1) == Some(b),
                        _ => false,
                    };
                    let broken = e.ordinal.is_some_and(|o| breaks.contains(&Some(o)));
                    consecutive && !broken && same_group(prev, e, level)
                }
                None => false,
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
    naming: Naming,
    entries: &[Entry],
    revs: &Revisions,
    waited_on: Option<&str>,
    breaks: &[Option<i32>],
) -> (Vec<Slot>, bool) {
    let mut groups = runs(entries, None, breaks);
    let mut aggregated = false;
    if groups.len() > AGGREGATE_ABOVE {
        aggregated = true;
        for level in [Level::Fine, Level::NoNode, Level::Coarse] {
            groups = runs(entries, Some(level), breaks);
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
            Some(slot(ctx, naming, run, revs, waited_on))
        })
        .collect();
    (slots, aggregated)
}

fn slot(
    ctx: &Ctx,
    naming: Naming,
    run: &[Entry],
    revs: &Revisions,
    waited_on: Option<&str>,
) -> Slot {
    let first = run.first();
    let last = run.last();
    let pod = run
        .iter()
        .find_map(|e| e.pod)
        .map(|f| pod_card(f, revs, waited_on));
    let pods = run.iter().filter(|e| e.pod.is_some()).count();
    // The distinct nodes of the run's pods (few: a run rarely spans many nodes).
    let mut nodes: Vec<(u32, bool, &PodFacts)> = Vec::new();
    for f in run.iter().filter_map(|e| e.pod) {
        let n = (f.node_id, f.node.is_some());
        if !nodes.iter().any(|(i, some, _)| (*i, *some) == n) {
            nodes.push((n.0, n.1, f));
        }
    }
    let placement = match nodes.as_slice() {
        [] => Placement::Absent,
        [(_, _, f)] => Placement::Lane(ctx.lane(f)),
        many => Placement::Spread { nodes: many.len() },
    };
    let mixed = run.len() > 1
        && first.is_some_and(|f| run.iter().any(|e| !same_group(f, e, Level::Coarse)));
    let claims = first
        .map(|f| {
            f.claims
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let mut card = claim_card(
                        c.facts,
                        naming.claim_name(f, c),
                        naming.template(c),
                        f.ordinal,
                        f.pod.is_some(),
                    );
                    if run.len() > 1 {
                        card.count = run
                            .iter()
                            .filter(|e| e.claims.get(i).is_some_and(|c| c.facts.is_some()))
                            .count();
                        if let Some((l, lc)) = last.and_then(|l| Some((l, l.claims.get(i)?))) {
                            card.last_name = naming.claim_name(l, lc);
                        }
                        card.pod_present = pods > 0;
                    }
                    card
                })
                .collect()
        })
        .unwrap_or_default();
    Slot {
        first: first.and_then(|e| e.ordinal),
        last: last.and_then(|e| e.ordinal),
        count: run.len(),
        first_name: first.map(|e| naming.pod_name(e)).unwrap_or_default(),
        last_name: last.map(|e| naming.pod_name(e)).unwrap_or_default(),
        pods,
        pod,
        mixed,
        placement,
        in_range: run.iter().all(|e| e.in_range),
        claims,
    }
}

/// One DNS A record of a headless Service, by reference into the kept pod facts.
struct Record<'a> {
    name: &'a str,
    ip: &'a str,
    pod: &'a str,
    ready: bool,
}

/// DNS records of headless Services, as the engine's resolver makes them
/// (`World::dns_records`, `cluster/dns.rs`: a pod is listed when it has an IP and is
/// Ready and not Terminating, or always with publishNotReadyAddresses; I-4), read off
/// the kept pod facts; only the lines shown are copied.
fn dns(ctx: &Ctx) -> Vec<ServiceDns> {
    let world = ctx.world;
    // Every record, per-pod and per-Service, in `dns_records`' order (name, then IP),
    // except that names are not formatted for Service records (`svc` index instead).
    let mut per_pod: Vec<Record> = Vec::new();
    let mut service_ips: Vec<(usize, &str)> = Vec::new();
    let headless: Vec<(&Key, &sts_engine::model::Service)> = world
        .services
        .iter()
        .filter(|(_, s)| s.headless())
        .collect();
    for (si, ((ns, svc_name), svc)) in headless.iter().enumerate() {
        if svc.spec.selector.is_empty() {
            continue;
        }
        let first = lower_bound(ctx.pods, ns, "");
        for ((pns, _), f) in ctx.pods.iter().skip(first) {
            if pns != ns {
                break;
            }
            if !svc
                .spec
                .selector
                .iter()
                .all(|(k, v)| f.labels.get(k) == Some(v))
            {
                continue;
            }
            let Some(ip) = f.ip.as_deref() else {
                continue;
            };
            if !f.dns_ready && !svc.spec.publish_not_ready_addresses {
                continue;
            }
            if let Some((sub, name)) = &f.record {
                if sub == svc_name {
                    per_pod.push(Record {
                        name,
                        ip,
                        pod: &f.name,
                        ready: f.dns_ready,
                    });
                }
            }
            service_ips.push((si, ip));
        }
    }
    let mut out = Vec::new();
    for (si, ((ns, name), svc)) in headless.iter().enumerate() {
        let fqdn = format!("{name}.{ns}.svc.{CLUSTER_DOMAIN}");
        let suffix = format!(".{fqdn}");
        // The first MAX_DNS in natural order (ties as `dns_records` sorts: by name,
        // then IP), selected without sorting them all.
        let mut matching: Vec<&Record> = per_pod
            .iter()
            .filter(|r| r.name.ends_with(&suffix))
            .collect();
        let order = |a: &&Record, b: &&Record| {
            natural_cmp(a.name, b.name)
                .then_with(|| a.name.cmp(b.name))
                .then_with(|| a.ip.cmp(b.ip))
        };
        let more = matching.len().saturating_sub(MAX_DNS);
        if more > 0 {
            matching.select_nth_unstable_by(MAX_DNS, order);
            matching.truncate(MAX_DNS);
        }
        matching.sort_by(order);
        let records: Vec<DnsLine> = matching
            .into_iter()
            .map(|r| DnsLine {
                name: r.name.to_string(),
                ip: r.ip.to_string(),
                pod: r.pod.to_string(),
                ready: r.ready,
            })
            .collect();
        let mut ips: Vec<&str> = service_ips
            .iter()
            .filter(|(s, _)| *s == si)
            .map(|(_, ip)| *ip)
            .collect();
        if ips.len() > MAX_DNS {
            ips.select_nth_unstable(MAX_DNS);
            ips.truncate(MAX_DNS);
        }
        ips.sort_unstable();
        out.push(ServiceDns {
            name: name.clone(),
            namespace: ns.clone(),
            fqdn,
            publish_not_ready: svc.spec.publish_not_ready_addresses,
            records,
            more,
            service_ips: ips.into_iter().map(str::to_string).collect(),
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
