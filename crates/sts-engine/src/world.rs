//! The world: one API object store, one event queue, one virtual clock.
//!
//! A [`World`] owns every object of the simulated cluster and the private state of its
//! components (scheduler retries, kubelet stages, the PV binder, the garbage
//! collector). Pending work is a queue ordered by `(SimTime, seq)`; [`World::step`]
//! pops exactly one item, applies it, and records what changed in the trace.
//! Components never call each other: they write objects, and writes queue the work
//! that reacts to them (a pod write queues its StatefulSet's sync, T-1).
//!
//! The world is `Clone`: a clone is a checkpoint (see `timeline.rs`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::controller::{
    self, index::SetIndex, Action, Blocker, ClaimLookup, Implementation, TemplateDigest,
};
use crate::model::*;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use crate::trace::*;

/// `(namespace, name)`.
pub type Key = (String, String);

/// Virtual-time defaults of the simulated components (N-3: the simulator chooses them).
#[derive(Clone, Debug, PartialEq)]
pub struct Timing {
    /// From pod creation to the scheduler's decision.
    pub schedule: SimDuration,
    /// Pulling an image that is not cached on the node.
    pub image_pull: SimDuration,
    /// From image ready to container running.
    pub container_start: SimDuration,
    /// From SIGTERM to the container exiting (capped by the grace period).
    pub terminate: SimDuration,
    /// Dynamic provisioning of a volume.
    pub provision: SimDuration,
    /// How long an init container runs before it completes.
    pub init_run: SimDuration,
    /// How long a crashing container runs before it exits.
    pub crash_after: SimDuration,
    /// `node-monitor-grace-period`: a silent node is marked NotReady after this.
    pub node_monitor_grace: SimDuration,
    /// Default `tolerationSeconds` for unreachable nodes: pods are evicted after this.
    pub eviction: SimDuration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            schedule: SimDuration::from_secs(1),
            image_pull: SimDuration::from_secs(3),
            container_start: SimDuration::from_secs(1),
            terminate: SimDuration::from_secs(2),
            provision: SimDuration::from_secs(1),
            init_run: SimDuration::from_secs(1),
            crash_after: SimDuration::from_secs(1),
            node_monitor_grace: SimDuration::from_secs(40),
            eviction: SimDuration::from_secs(300),
        }
    }
}

/// How a particular image behaves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImageBehaviour {
    /// Pulling it fails (ErrImagePull → ImagePullBackOff).
    pub pull_fails: bool,
    /// The container exits with an error after starting (CrashLoopBackOff).
    pub crashes: bool,
    /// The readiness probe never passes.
    pub never_ready: bool,
    /// Pull time for this image, overriding the default.
    pub pull: Option<SimDuration>,
}

/// Feature gates that change controller behaviour (section 0).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeatureGates {
    /// `MaxUnavailableStatefulSet` (alpha, off in 1.32).
    pub max_unavailable_stateful_set: bool,
}

/// Cluster-wide settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// Component timing.
    pub timing: Timing,
    /// Per-image behaviour.
    pub images: BTreeMap<String, ImageBehaviour>,
    /// Feature gates.
    pub gates: FeatureGates,
    /// Which controller implementation runs.
    pub controller: Implementation,
    /// Record pod/set/claim changes in the trace (benchmarks may turn it off).
    pub record_objects: bool,
}

/// Pending work in the queue.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Work {
    /// Sync one StatefulSet.
    Sync(Key),
    /// Sync one Deployment (`deploy/`).
    SyncDeployment(Key),
    /// Sync one ReplicaSet (`deploy/`).
    SyncReplicaSet(Key),
    /// Look at a Deployment again when its progress deadline passes
    /// (`requeueStuckDeployment`). Background work: a stuck rollout does not keep the
    /// cluster from settling; its deadline is seen once time runs that far.
    DeploymentDeadline(Key),
    /// Try to schedule a pod.
    Schedule { pod: Key, uid: String },
    /// A kubelet step for a pod.
    Kubelet {
        pod: Key,
        uid: String,
        step: KubeletStep,
    },
    /// The PV binder looks at a claim.
    BindClaim(Key),
    /// Dynamic provisioning of a claim finished.
    Provisioned { claim: Key, uid: String },
    /// The garbage collector looks at dependents of deleted owners.
    CollectGarbage,
    /// The node lifecycle controller notices a silent node.
    NodeNotReady { node: String, epoch: u64 },
    /// Pods on a NotReady node are evicted.
    EvictNode { node: String, epoch: u64 },
}

/// The steps of a pod's life on its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KubeletStep {
    /// Start working on the next container (init containers first).
    Next,
    /// An image pull finished.
    Pulled { init: bool, idx: usize },
    /// The pull failed earlier; show ImagePullBackOff.
    PullBackOff { init: bool, idx: usize },
    /// Retry a failed pull.
    RetryPull { init: bool, idx: usize },
    /// Containers are started (init container `idx`, or all app containers).
    Started { init: bool, idx: usize },
    /// An init container completed.
    InitDone { idx: usize },
    /// A readiness probe runs for app container `idx`; `retry` marks the periodic
    /// re-probe of a failing probe (background work).
    Probe { idx: usize, retry: bool },
    /// App container `idx` exits with an error.
    Crash { idx: usize },
    /// Show CrashLoopBackOff for container `idx`.
    CrashBackOff { idx: usize },
    /// Restart container `idx` after its back-off.
    Restart { idx: usize },
    /// Graceful termination finished: containers stopped.
    Stopped,
    /// The pod object is removed.
    Removed,
}

impl Work {
    /// A controller sync: queued after cluster events of the same instant and coalesced.
    pub fn is_controller_sync(&self) -> bool {
        matches!(
            self,
            Work::Sync(_)
                | Work::SyncDeployment(_)
                | Work::SyncReplicaSet(_)
                | Work::DeploymentDeadline(_)
        )
    }

    /// Background work (retry loops that never end by themselves) does not keep the
    /// world from being "settled".
    pub fn background(&self) -> bool {
        matches!(
            self,
            Work::DeploymentDeadline(_)
                | Work::Kubelet {
                    step: KubeletStep::RetryPull { .. }
                        | KubeletStep::PullBackOff { .. }
                        | KubeletStep::Probe { retry: true, .. }
                        | KubeletStep::Crash { .. }
                        | KubeletStep::CrashBackOff { .. }
                        | KubeletStep::Restart { .. },
                    ..
                }
        )
    }
}

/// What the kubelet remembers about a pod.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodRuntime {
    /// Back-off of image pulls, in seconds.
    pub pull_backoff: u64,
    /// Back-off of container restarts, in seconds.
    pub crash_backoff: u64,
    /// Consecutive readiness probe failures.
    pub probe_failures: i64,
    /// The readiness probe of this pod never passes (fault).
    pub never_ready: bool,
    /// The node a WaitForFirstConsumer claim is being provisioned for.
    pub pending_node: Option<String>,
    /// How many app container images are pulled so far.
    pub app_pulled: usize,
}

/// What one [`World::step`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct StepReport {
    /// Virtual time after the step.
    pub time: SimTime,
    /// The work item processed.
    pub work: Work,
    /// The number of trace entries the step added.
    pub entries: usize,
    /// True if the step was a StatefulSet sync that issued API writes.
    pub controller_acted: bool,
}

/// The simulated cluster.
#[derive(Clone, Debug)]
pub struct World {
    /// Virtual now.
    pub now: SimTime,
    /// Steps taken so far.
    pub steps: u64,
    seq: u64,
    /// Pending work by (time, class, sequence): at one instant, cluster events come
    /// before controller syncs, so a sync sees every change made at that instant at once
    /// (the controller's work queue coalesces a burst of events into one sync).
    queue: BTreeMap<(SimTime, u8, u64), Work>,
    /// How many queued items are not background work (so `quiet` is O(1)).
    foreground: usize,
    /// Controller syncs already queued, so that a burst of pod events at one instant
    /// coalesces into one sync (the controller's work queue).
    queued_syncs: BTreeSet<(SimTime, Work)>,
    /// Cluster settings.
    pub config: Config,
    pub(crate) rng: SimRng,
    next_uid: u64,
    resource_version: u64,
    /// Nodes by name.
    pub nodes: BTreeMap<String, Node>,
    node_epoch: BTreeMap<String, u64>,
    pod_ip_next: BTreeMap<String, u32>,
    /// Pods.
    pub pods: BTreeMap<Key, Pod>,
    /// StatefulSets.
    pub sets: BTreeMap<Key, StatefulSet>,
    /// ControllerRevisions.
    pub revisions: BTreeMap<Key, ControllerRevision>,
    /// PersistentVolumeClaims.
    pub claims: BTreeMap<Key, PersistentVolumeClaim>,
    /// PersistentVolumes (cluster-scoped).
    pub volumes: BTreeMap<String, PersistentVolume>,
    /// StorageClasses (cluster-scoped).
    pub classes: BTreeMap<String, StorageClass>,
    /// Services.
    pub services: BTreeMap<Key, Service>,
    /// Deployments (`deploy/`).
    pub deployments: BTreeMap<Key, Deployment>,
    /// ReplicaSets (`deploy/`).
    pub replica_sets: BTreeMap<Key, ReplicaSet>,
    /// Failed Deployment and ReplicaSet syncs per object, for their back-off.
    pub(crate) deploy_retries: BTreeMap<Work, u32>,
    /// Other objects applied (ConfigMaps, Secrets…), kept as-is.
    pub others: BTreeMap<(String, String, String), crate::manifest::Object>,
    /// Every Event, oldest first (repeats aggregated into `count`).
    pub events: Vec<Event>,
    event_index: BTreeMap<u64, usize>,
    pub(crate) runtime: BTreeMap<Key, PodRuntime>,
    /// Pods the scheduler could not place; retried when the cluster changes.
    pub(crate) unschedulable: BTreeSet<Key>,
    /// Kubelet work parked while its node is down.
    pub(crate) parked: BTreeMap<String, Vec<Work>>,
    index: BTreeMap<Key, SetIndex>,
    /// What placed pods add up to, per node (the scheduler's NodeResourcesFit input).
    pub(crate) node_usage: BTreeMap<String, crate::cluster::scheduler::NodeUsage>,
    /// Each counted pod's placement and contribution, so it can be taken back exactly.
    placement: BTreeMap<Key, Placement>,
    /// Non-terminating placed pods per default-spreading group, per node.
    pub(crate) spread: BTreeMap<(String, String), BTreeMap<String, i64>>,
    /// Placed pods with pod (anti-)affinity terms.
    pub(crate) affinity_pods: BTreeSet<Key>,
    /// Pods without a controller reference (candidates for adoption, T-5).
    orphans: BTreeSet<Key>,
    /// Owned pods whose labels changed since their owner's last sync (release, T-5).
    relabeled: BTreeSet<Key>,
    digests: BTreeMap<Key, TemplateDigest>,
    /// The current blocker of each StatefulSet.
    pub blockers: BTreeMap<Key, Blocker>,
    retries: BTreeMap<Key, u32>,
    /// The trace so far.
    pub trace: Vec<TraceEntry>,
    /// The virtual files `kubectl apply -f NAME` reads (a scenario's `files:`; names
    /// may be URLs such as `https://k8s.io/examples/...`).
    pub files: BTreeMap<String, String>,
    /// The active `kubectl get -w`, if any (see `kubectl/watch.rs`).
    pub watch: Option<crate::kubectl::Watch>,
    /// The number of the last watch started.
    pub next_watch_id: u64,
    /// A blocking command in progress (`kubectl wait`, `rollout status`).
    pub(crate) pending_wait: Option<crate::kubectl::PendingWait>,
    /// Files written inside pods, per PersistentVolume, emptyDir and container
    /// (`podshell`): PV files outlive the pod, the others go with it.
    pub pod_files: crate::podshell::Files,
    /// What the playground's shell remembers between command lines: variables, `$?`,
    /// and the pod shell a `kubectl exec -it POD -- sh` left open.
    pub shell: crate::shell::Memory,
    /// The pods written or given a readiness fault lately (see [`World::pods_changed_since`]).
    pod_log: ChangeLog,
    /// The claims written lately (see [`World::claims_changed_since`]).
    claim_log: ChangeLog,
    /// PersistentVolumes added or removed so far (see [`World::volume_name_changes`]).
    volume_names: u64,
}

/// The keys of the last [`ChangeLog::KEEP`] object changes (pods: created, modified,
/// deleted, readiness fault set or cleared; claims: any write) and how many were logged
/// in all, so that a reader
/// that has seen the pods at some count can look at only the pods changed since
/// (the web app's cluster picture). It does not take part in the simulation. A copy of
/// the world (a checkpoint) starts with an empty log at the same count: a reader whose
/// count is before that looks at every pod instead.
#[derive(Default)]
struct ChangeLog {
    keys: std::collections::VecDeque<Key>,
    count: u64,
}

impl ChangeLog {
    const KEEP: usize = 256;

    fn since(&self, mark: u64) -> Option<impl Iterator<Item = &Key> + '_> {
        let since = usize::try_from(self.count.checked_sub(mark)?).ok()?;
        let skip = self.keys.len().checked_sub(since)?;
        Some(self.keys.iter().skip(skip))
    }

    fn push(&mut self, key: &Key) {
        if self.keys.len() == Self::KEEP {
            self.keys.pop_front();
        }
        self.keys.push_back(key.clone());
        self.count += 1;
    }
}

impl Clone for ChangeLog {
    fn clone(&self) -> ChangeLog {
        ChangeLog {
            keys: Default::default(),
            count: self.count,
        }
    }
}

impl std::fmt::Debug for ChangeLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChangeLog({})", self.count)
    }
}

/// How a placed pod is counted by the scheduler's aggregates.
#[derive(Clone, Debug, PartialEq)]
struct Placement {
    node: String,
    usage: crate::cluster::scheduler::NodeUsage,
    spread: Option<(String, String)>,
    affinity: bool,
}

/// Error backoff of failing syncs (T-4): 5 ms doubling, given up after this many tries;
/// any new trigger syncs the set again.
const MAX_SYNC_RETRIES: u32 = 10;

impl World {
    /// An empty cluster with these settings and seed.
    pub fn new(config: Config, seed: u64) -> World {
        World {
            now: SimTime::ZERO,
            steps: 0,
            seq: 0,
            queue: BTreeMap::new(),
            queued_syncs: BTreeSet::new(),
            foreground: 0,
            config,
            rng: SimRng::new(seed),
            next_uid: 1,
            resource_version: 1000,
            nodes: BTreeMap::new(),
            node_epoch: BTreeMap::new(),
            pod_ip_next: BTreeMap::new(),
            pods: BTreeMap::new(),
            sets: BTreeMap::new(),
            revisions: BTreeMap::new(),
            claims: BTreeMap::new(),
            volumes: BTreeMap::new(),
            classes: BTreeMap::new(),
            services: BTreeMap::new(),
            deployments: BTreeMap::new(),
            replica_sets: BTreeMap::new(),
            deploy_retries: BTreeMap::new(),
            others: BTreeMap::new(),
            events: Vec::new(),
            event_index: BTreeMap::new(),
            runtime: BTreeMap::new(),
            unschedulable: BTreeSet::new(),
            parked: BTreeMap::new(),
            index: BTreeMap::new(),
            node_usage: BTreeMap::new(),
            placement: BTreeMap::new(),
            spread: BTreeMap::new(),
            affinity_pods: BTreeSet::new(),
            orphans: BTreeSet::new(),
            relabeled: BTreeSet::new(),
            digests: BTreeMap::new(),
            blockers: BTreeMap::new(),
            retries: BTreeMap::new(),
            trace: Vec::new(),
            files: BTreeMap::new(),
            watch: None,
            next_watch_id: 0,
            pending_wait: None,
            pod_files: crate::podshell::Files::default(),
            shell: crate::shell::Memory::default(),
            pod_log: ChangeLog::default(),
            claim_log: ChangeLog::default(),
            volume_names: 0,
        }
    }

    // ------------------------------------------------------------------------------
    // Queue

    /// Queues `work` at `at` (at most once per time and item).
    pub(crate) fn schedule(&mut self, at: SimTime, work: Work) {
        let at = at.max(self.now);
        let controller = work.is_controller_sync();
        if controller && !self.queued_syncs.insert((at, work.clone())) {
            return;
        }
        self.seq += 1;
        if !work.background() {
            self.foreground += 1;
        }
        let class = u8::from(controller);
        self.queue.insert((at, class, self.seq), work);
    }

    /// Drops every queued copy of `work` (a requeue that is no longer needed).
    pub(crate) fn unschedule(&mut self, work: &Work) {
        let keys: Vec<(SimTime, u8, u64)> = self
            .queue
            .iter()
            .filter(|(_, w)| *w == work)
            .map(|(k, _)| *k)
            .collect();
        for k in keys {
            self.queue.remove(&k);
            if !work.background() {
                self.foreground -= 1;
            }
            self.queued_syncs.remove(&(k.0, work.clone()));
        }
    }

    /// True if no work is pending at all.
    pub fn idle(&self) -> bool {
        self.queue.is_empty()
    }

    /// True if only background retry loops are pending (crash loops, pull back-offs,
    /// failing probes): nothing will change the cluster by itself any more.
    pub fn quiet(&self) -> bool {
        self.foreground == 0
    }

    /// The time of the next pending item.
    pub fn next_time(&self) -> Option<SimTime> {
        self.queue.keys().next().map(|(t, _, _)| *t)
    }

    /// Pending work items, in order (for the UI's "what happens next").
    pub fn pending(&self) -> impl Iterator<Item = (SimTime, &Work)> {
        self.queue.iter().map(|((t, _, _), w)| (*t, w))
    }

    /// Advances virtual time to the next pending item and processes it; returns what
    /// happened, or `None` if nothing is pending.
    pub fn step(&mut self) -> Option<StepReport> {
        let (&(at, class, seq), _) = self.queue.iter().next()?;
        if self.pending_wait.is_some() {
            // A wait whose deadline passes before this work times out first.
            self.wait_deadline_before(at);
        }
        let work = self.queue.remove(&(at, class, seq))?;
        if !work.background() {
            self.foreground -= 1;
        }
        if work.is_controller_sync() {
            self.queued_syncs.remove(&(at, work.clone()));
        }
        self.now = at;
        self.steps += 1;
        let before = self.trace.len();
        let acted = self.process(work.clone());
        if self.pending_wait.is_some() {
            self.poll_wait();
        }
        // A `get -w` ends once the cluster has settled (see `kubectl/watch.rs`).
        if self.watch.is_some() && self.quiet() {
            self.watch = None;
        }
        Some(StepReport {
            time: self.now,
            work,
            entries: self.trace.len() - before,
            controller_acted: acted,
        })
    }

    /// Moves the clock forward without processing anything (the caller checks that no
    /// work is due earlier).
    pub fn advance_clock(&mut self, to: SimTime) {
        if to > self.now {
            self.now = to;
        }
        if self.pending_wait.is_some() {
            self.poll_wait();
        }
    }

    fn process(&mut self, work: Work) -> bool {
        match work {
            Work::Sync(key) => return self.sync(&key),
            Work::SyncDeployment(key) => return self.sync_deployment(&key),
            Work::SyncReplicaSet(key) => return self.sync_replica_set(&key),
            Work::DeploymentDeadline(key) => return self.sync_deployment(&key),
            Work::Schedule { pod, uid } => self.try_schedule(&pod, &uid),
            Work::Kubelet { pod, uid, step } => self.kubelet(&pod, &uid, step),
            Work::BindClaim(key) => self.bind_claim(&key),
            Work::Provisioned { claim, uid } => self.provisioned(&claim, &uid),
            Work::CollectGarbage => self.collect_garbage(),
            Work::NodeNotReady { node, epoch } => self.node_not_ready(&node, epoch),
            Work::EvictNode { node, epoch } => self.evict_node(&node, epoch),
        }
        false
    }

    // ------------------------------------------------------------------------------
    // Store helpers

    pub(crate) fn new_uid(&mut self) -> String {
        let n = self.next_uid;
        self.next_uid += 1;
        // A UUID-shaped, deterministic uid.
        let r = self.rng.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (r >> 32) as u32,
            (r >> 16) as u16,
            (r & 0xfff) as u16,
            (n & 0xfff) as u16,
            n
        )
    }

    pub(crate) fn next_rv(&mut self) -> String {
        self.resource_version += 1;
        self.resource_version.to_string()
    }

    /// Fills server-owned metadata on create.
    pub(crate) fn stamp_new(&mut self, meta: &mut ObjectMeta) {
        meta.uid = self.new_uid();
        meta.resource_version = self.next_rv();
        meta.creation = self.now;
        meta.deletion = None;
    }

    pub(crate) fn push(&mut self, record: Record) {
        // An active `kubectl get -w` sees every object write and Event.
        let watched = (self.watch.is_some()
            && matches!(record, Record::Object(_) | Record::Event(_)))
        .then(|| record.clone());
        let entry = TraceEntry {
            t: self.now.as_millis(),
            step: self.steps,
            record,
        };
        self.trace.push(entry);
        if let Some(r) = watched {
            crate::kubectl::watch::on_record(self, &r);
        }
    }

    /// Records an Event (aggregating repeats like kubectl's `(xN over T)`, E-6).
    pub(crate) fn event(
        &mut self,
        object: String,
        type_: &str,
        reason: &str,
        message: String,
        source: &str,
    ) {
        self.push(Record::Event(EventRecord {
            reason: reason.to_string(),
            object: object.clone(),
            message: message.clone(),
            event_type: type_.to_string(),
        }));
        // Identical events are aggregated (the recorder's correlator): look the key up by
        // its hash, then confirm on the strings.
        let h = event_key_hash(&object, type_, reason, &message);
        if let Some(&i) = self.event_index.get(&h) {
            if let Some(e) = self.events.get_mut(i) {
                if e.object == object
                    && e.reason == reason
                    && e.message == message
                    && e.type_ == type_
                {
                    e.count += 1;
                    e.time = self.now;
                    return;
                }
            }
        }
        self.event_index.insert(h, self.events.len());
        self.events.push(Event {
            type_: type_.to_string(),
            reason: reason.to_string(),
            object,
            message,
            source: source.to_string(),
            time: self.now,
            first: self.now,
            count: 1,
        });
    }

    /// Trace record for a pod change (the columns of `kubectl get pods -o wide`).
    pub(crate) fn pod_record(&mut self, verb: &'static str, key: &Key) {
        if !self.config.record_objects {
            return;
        }
        let Some(pod) = self.pods.get(key) else {
            return;
        };
        let c = crate::trace::pod_columns(pod, self.now);
        let name = pod.metadata.name.clone();
        self.push(Record::Object(ObjectRecord {
            verb,
            kind: "Pod",
            name,
            columns: c,
        }));
    }

    fn set_record(&mut self, verb: &'static str, set: &StatefulSet) {
        let c = crate::trace::set_columns(set);
        let name = set.metadata.name.clone();
        self.push(Record::Object(ObjectRecord {
            verb,
            kind: "StatefulSet",
            name,
            columns: c,
        }));
    }

    pub(crate) fn claim_record(&mut self, verb: &'static str, claim: &PersistentVolumeClaim) {
        let c = crate::trace::claim_columns(claim);
        let name = claim.metadata.name.clone();
        self.push(Record::Object(ObjectRecord {
            verb,
            kind: "PersistentVolumeClaim",
            name,
            columns: c,
        }));
    }

    pub(crate) fn volume_record(&mut self, verb: &'static str, pv: &PersistentVolume) {
        let mut c = BTreeMap::new();
        c.insert("status", json!(pv.status.phase));
        let claim = pv
            .spec
            .claim_ref
            .as_ref()
            .map(|r| format!("{}/{}", r.namespace, r.name))
            .unwrap_or_default();
        c.insert("claim", json!(claim));
        c.insert(
            "reclaimPolicy",
            json!(pv
                .spec
                .persistent_volume_reclaim_policy
                .clone()
                .unwrap_or_else(|| "Retain".into())),
        );
        let name = pv.metadata.name.clone();
        self.push(Record::Object(ObjectRecord {
            verb,
            kind: "PersistentVolume",
            name,
            columns: c,
        }));
    }

    pub(crate) fn node_epoch_mut(&mut self, node: &str) -> &mut u64 {
        self.node_epoch.entry(node.to_string()).or_default()
    }

    pub(crate) fn pod_ip_next_for(&mut self, node: &str) -> u32 {
        let n = self.pod_ip_next.entry(node.to_string()).or_insert(1);
        *n += 1;
        *n
    }

    pub(crate) fn revision_record(&mut self, verb: &'static str, rev: &ControllerRevision) {
        let mut c = BTreeMap::new();
        c.insert("revision", json!(rev.revision));
        let owner = rev
            .metadata
            .controller_ref()
            .map(|r| format!("statefulset.apps/{}", r.name))
            .unwrap_or_default();
        c.insert("controller", json!(owner));
        let name = rev.metadata.name.clone();
        self.push(Record::Object(ObjectRecord {
            verb,
            kind: "ControllerRevision",
            name,
            columns: c,
        }));
    }

    // ------------------------------------------------------------------------------
    // Pods: writes, and what reacts to them

    /// The StatefulSet that controls a pod, by ownerRef uid.
    pub fn owner_set_of(&self, pod: &Pod) -> Option<Key> {
        let r = pod.metadata.controller_ref()?;
        if r.kind != "StatefulSet" {
            return None;
        }
        let key = (pod.metadata.namespace.clone(), r.name.clone());
        self.sets
            .get(&key)
            .filter(|s| s.metadata.uid == r.uid)
            .map(|_| key)
    }

    /// Called after every pod write (create, update, status change) or removal: keeps
    /// the owner's index current and queues its sync (T-1, T-2).
    pub(crate) fn pod_changed(&mut self, key: &Key, was_ready: bool) {
        self.pod_changed_for_replica_set(key, was_ready);
        let pod = self.pods.get(key);
        let owner = match pod {
            Some(p) => self.owner_set_of(p),
            None => None,
        };
        if let Some(set_key) = owner {
            self.refresh_pod_in_index(&set_key, key);
            self.schedule(self.now, Work::Sync(set_key.clone()));
            let now_ready = self.pods.get(key).is_some_and(Pod::running_and_ready);
            if let Some(set) = self.sets.get(&set_key) {
                let m = set.min_ready_seconds();
                if m > 0 && !was_ready && now_ready {
                    // T-2: look again once the pod can be available.
                    self.schedule(
                        self.now + SimDuration::from_secs(m as u64 + 1),
                        Work::Sync(set_key),
                    );
                }
            }
        } else if let Some(p) = pod {
            // An orphan that a set could adopt (T-1).
            if p.metadata.controller_ref().is_none() {
                let ns = p.metadata.namespace.clone();
                let labels = p.metadata.labels.clone();
                let candidates: Vec<Key> = self
                    .sets
                    .iter()
                    .filter(|((n, _), s)| *n == ns && s.selects(&labels))
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in candidates {
                    self.schedule(self.now, Work::Sync(k));
                }
            }
        }
    }

    fn refresh_pod_in_index(&mut self, set_key: &Key, pod_key: &Key) {
        let Some(set) = self.sets.get(set_key) else {
            return;
        };
        let Some(index) = self.index.get_mut(set_key) else {
            return;
        };
        let claims = NsClaims {
            claims: &self.claims,
            ns: &set_key.0,
        };
        match self.pods.get(pod_key) {
            Some(pod)
                if pod
                    .metadata
                    .controller_ref()
                    .is_some_and(|r| r.uid == set.metadata.uid) =>
            {
                index.upsert(set, pod, &claims)
            }
            _ => index.remove_name(&set.metadata.name, &pod_key.1),
        }
    }

    /// Rebuilds a set's index from the store (new set, spec change).
    pub(crate) fn rebuild_index(&mut self, set_key: &Key) {
        let Some(set) = self.sets.get(set_key) else {
            self.index.remove(set_key);
            return;
        };
        let claims = NsClaims {
            claims: &self.claims,
            ns: &set_key.0,
        };
        let uid = set.metadata.uid.clone();
        let pods = self
            .pods
            .range((set_key.0.clone(), String::new())..)
            .take_while(|((ns, _), _)| *ns == set_key.0)
            .map(|(_, p)| p)
            .filter(|p| p.metadata.controller_ref().is_some_and(|r| r.uid == uid));
        let index = SetIndex::build(set, pods, &claims);
        self.index.insert(set_key.clone(), index);
    }

    /// A claim's ownerRefs or existence changed: refresh the pod that mounts it.
    pub(crate) fn claim_changed(&mut self, claim_key: &Key) {
        let (ns, name) = claim_key;
        let mut hits = Vec::new();
        for ((sns, sname), set) in self.sets.range((ns.clone(), String::new())..) {
            if sns != ns {
                break;
            }
            for t in &set.spec.volume_claim_templates {
                let prefix = format!("{}-{}-", t.metadata.name, sname);
                if let Some(rest) = name.strip_prefix(&prefix) {
                    if let Ok(o) = rest.parse::<i32>() {
                        hits.push((
                            (sns.clone(), sname.clone()),
                            (ns.clone(), controller::identity::pod_name(sname, o)),
                        ));
                    }
                }
            }
        }
        for (set_key, pod_key) in hits {
            if self.pods.contains_key(&pod_key) {
                self.refresh_pod_in_index(&set_key, &pod_key);
            }
        }
    }

    /// How many pod changes were logged so far (a mark for [`World::pods_changed_since`]).
    pub fn pod_changes(&self) -> u64 {
        self.pod_log.count
    }

    /// The pods changed (created, modified, deleted, readiness fault set or cleared)
    /// since [`World::pod_changes`] returned `mark` on this world or an earlier state of
    /// it, oldest first and possibly repeated; `None` when that is not known (too many
    /// changes since, a mark from a later state, or a copy of the world made since).
    pub fn pods_changed_since(&self, mark: u64) -> Option<impl Iterator<Item = &Key> + '_> {
        self.pod_log.since(mark)
    }

    pub(crate) fn log_pod_change(&mut self, key: &Key) {
        self.pod_log.push(key);
    }

    /// How many claim writes were logged so far (a mark for
    /// [`World::claims_changed_since`]).
    pub fn claim_changes(&self) -> u64 {
        self.claim_log.count
    }

    /// The claims written (created, modified, deleted) since [`World::claim_changes`]
    /// returned `mark`, as [`World::pods_changed_since`] for pods.
    pub fn claims_changed_since(&self, mark: u64) -> Option<impl Iterator<Item = &Key> + '_> {
        self.claim_log.since(mark)
    }

    pub(crate) fn log_claim_change(&mut self, key: &Key) {
        self.claim_log.push(key);
    }

    /// How many PersistentVolumes were added or removed so far: along one history, the
    /// same count means the same volume names (the console's completion reads it).
    pub fn volume_name_changes(&self) -> u64 {
        self.volume_names
    }

    pub(crate) fn volume_names_changed(&mut self) {
        self.volume_names += 1;
    }

    /// Creates a pod as the API server would (phase Pending), queueing its scheduling.
    pub(crate) fn create_pod(&mut self, mut pod: Pod) {
        self.stamp_new(&mut pod.metadata);
        pod.status.phase = "Pending".into();
        let key = (pod.metadata.namespace.clone(), pod.metadata.name.clone());
        let uid = pod.metadata.uid.clone();
        if pod.metadata.controller_ref().is_none() {
            self.orphans.insert(key.clone());
        }
        self.pods.insert(key.clone(), pod);
        self.pod_log.push(&key);
        self.runtime.insert(key.clone(), PodRuntime::default());
        self.pod_record("ADDED", &key);
        self.schedule(
            self.now + self.config.timing.schedule,
            Work::Schedule {
                pod: key.clone(),
                uid,
            },
        );
        self.pod_changed(&key, false);
    }

    /// Writes a modified pod back, bumping its resourceVersion and recording the change.
    pub(crate) fn write_pod(&mut self, key: &Key, f: impl FnOnce(&mut Pod)) {
        let rv = self.next_rv();
        let Some(pod) = self.pods.get_mut(key) else {
            return;
        };
        let was_ready = pod.running_and_ready();
        // What a write can change: metadata, status, and of the spec only the node
        // (binding) and the volumes (storage repair). Copying just those keeps a write
        // cheap; a write that changes nothing is dropped (no resourceVersion bump).
        let before_meta = pod.metadata.clone();
        let before_status = pod.status.clone();
        let before_node = pod.spec.node_name.clone();
        let before_volumes = pod.spec.volumes.clone();
        f(pod);
        if pod.metadata == before_meta
            && pod.status == before_status
            && pod.spec.node_name == before_node
            && pod.spec.volumes == before_volumes
        {
            return;
        }
        pod.metadata.resource_version = rv;
        self.pod_log.push(key);
        let placement_changed = pod.spec.node_name != before_node
            || pod.status.phase != before_status.phase
            || pod.metadata.deletion != before_meta.deletion
            || pod.metadata.owner_references != before_meta.owner_references;
        if pod.metadata.controller_ref().is_none() {
            self.orphans.insert(key.clone());
        } else {
            self.orphans.remove(key);
            if pod.metadata.labels != before_meta.labels {
                self.relabeled.insert(key.clone());
            }
        }
        if placement_changed {
            self.refresh_placement(key);
        }
        self.pod_record("MODIFIED", key);
        self.pod_changed(key, was_ready);
    }

    /// Keeps the scheduler's aggregates in line with one pod (placed, assumed, finished,
    /// gone). A pod the scheduler has chosen a node for while its WaitForFirstConsumer
    /// volumes are provisioned counts on that node already: upstream assumes it in the
    /// scheduler cache at the end of the scheduling cycle, before the binding cycle
    /// whose VolumeBinding PreBind waits for the volumes (`schedule_one.go`
    /// `schedulingCycle` → `sched.assume`; `cache.go` `AssumePod` adds it to the node's
    /// `NodeInfo`), so the next pod sees its resources, spreading and affinity terms.
    pub(crate) fn refresh_placement(&mut self, key: &Key) {
        use crate::cluster::scheduler::{has_pod_affinity_terms, pod_usage, spread_group};
        if let Some(old) = self.placement.remove(key) {
            if let Some(u) = self.node_usage.get_mut(&old.node) {
                u.add(&old.usage, -1);
            }
            if let Some(g) = &old.spread {
                if let Some(m) = self.spread.get_mut(g) {
                    if let Some(c) = m.get_mut(&old.node) {
                        *c -= 1;
                        if *c == 0 {
                            m.remove(&old.node);
                        }
                    }
                    if m.is_empty() {
                        self.spread.remove(g);
                    }
                }
            }
            self.affinity_pods.remove(key);
        }
        let Some(pod) = self.pods.get(key) else {
            return;
        };
        let assumed = || self.runtime.get(key).and_then(|r| r.pending_node.clone());
        let Some(node) = pod.spec.node_name.clone().or_else(assumed) else {
            return;
        };
        if matches!(pod.status.phase.as_str(), "Succeeded" | "Failed") {
            return;
        }
        let placement = Placement {
            usage: pod_usage(pod),
            spread: if pod.metadata.terminating() {
                None
            } else {
                spread_group(pod)
            },
            affinity: has_pod_affinity_terms(pod),
            node,
        };
        self.node_usage
            .entry(placement.node.clone())
            .or_default()
            .add(&placement.usage, 1);
        if let Some(g) = &placement.spread {
            *self
                .spread
                .entry(g.clone())
                .or_default()
                .entry(placement.node.clone())
                .or_default() += 1;
        }
        if placement.affinity {
            self.affinity_pods.insert(key.clone());
        }
        self.placement.insert(key.clone(), placement);
    }

    /// Removes a pod object for good (its node confirmed termination, or force delete).
    pub(crate) fn remove_pod(&mut self, key: &Key) {
        let Some(pod) = self.pods.get(key) else {
            return;
        };
        let owner = self.owner_set_of(pod);
        let rs_owner = self.owner_replica_set_of(pod);
        self.pod_record("DELETED", key);
        let removed = self.pods.remove(key);
        self.pod_log.push(key);
        self.refresh_placement(key);
        self.runtime.remove(key);
        self.unschedulable.remove(key);
        self.orphans.remove(key);
        self.relabeled.remove(key);
        if let Some(set_key) = owner {
            if let Some(set) = self.sets.get(&set_key) {
                let name = set.metadata.name.clone();
                if let Some(ix) = self.index.get_mut(&set_key) {
                    ix.remove_name(&name, &key.1);
                }
            }
            self.schedule(self.now, Work::Sync(set_key));
        }
        if let Some(rs_key) = rs_owner {
            self.replica_set_pod_gone(&rs_key);
        }
        // Dependents (claims owned by this pod, P-6) and protected claims (P-9).
        if let Some(pod) = removed {
            self.collect_after_pod(&pod);
        }
        if self.sets.values().any(|s| s.metadata.terminating()) {
            self.schedule(self.now, Work::CollectGarbage);
        }
        self.retry_unschedulable();
    }

    // ------------------------------------------------------------------------------
    // StatefulSet sync (T-5, then the controller's decision, applied)

    fn digest(&mut self, key: &Key) -> Option<TemplateDigest> {
        let set = self.sets.get(key)?;
        let generation = set.metadata.generation;
        if let Some(d) = self.digests.get(key) {
            if d.generation == generation {
                return Some(d.clone());
            }
        }
        let d = TemplateDigest {
            data: controller::revision::revision_data(&set.spec.template),
            generation,
        };
        self.digests.insert(key.clone(), d.clone());
        Some(d)
    }

    /// T-5: adopt orphans and release pods whose labels stopped matching.
    fn claim_pods(&mut self, key: &Key) {
        let in_ns = |s: &BTreeSet<Key>| {
            s.range((key.0.clone(), String::new())..)
                .next()
                .is_some_and(|(ns, _)| *ns == key.0)
        };
        let orphan_revisions = self
            .revisions
            .iter()
            .any(|(_, r)| r.metadata.owner_references.is_empty());
        if !in_ns(&self.orphans) && !in_ns(&self.relabeled) && !orphan_revisions {
            return;
        }
        let Some(set) = self.sets.get(key).cloned() else {
            return;
        };
        if set
            .spec
            .selector
            .as_ref()
            .is_none_or(LabelSelector::is_empty)
        {
            return;
        }
        let owner = controller::identity::set_owner_ref(&set);
        let mut adopt = Vec::new();
        let mut release = Vec::new();
        let ns_range = (key.0.clone(), String::new())..;
        for (ns, name) in self.orphans.range(ns_range.clone()) {
            if *ns != key.0 {
                break;
            }
            let Some(pod) = self.pods.get(&(ns.clone(), name.clone())) else {
                continue;
            };
            if !set.metadata.terminating()
                && set.selects(&pod.metadata.labels)
                && controller::identity::is_member_name(&set.metadata.name, &pod.metadata.name)
                && !pod.metadata.terminating()
            {
                adopt.push(pod.metadata.name.clone());
            }
        }
        let relabeled: Vec<Key> = self
            .relabeled
            .range(ns_range)
            .take_while(|(ns, _)| *ns == key.0)
            .cloned()
            .collect();
        for k in relabeled {
            let Some(pod) = self.pods.get(&k) else {
                self.relabeled.remove(&k);
                continue;
            };
            if pod
                .metadata
                .controller_ref()
                .is_some_and(|r| r.uid == set.metadata.uid)
            {
                self.relabeled.remove(&k);
                if !set.selects(&pod.metadata.labels) {
                    release.push(pod.metadata.name.clone());
                }
            }
        }
        for name in adopt {
            let pk = (key.0.clone(), name);
            let o = owner.clone();
            self.write_pod(&pk, |p| p.metadata.owner_references.push(o));
        }
        for name in release {
            let pk = (key.0.clone(), name);
            let uid = set.metadata.uid.clone();
            self.write_pod(&pk, |p| {
                p.metadata.owner_references.retain(|r| r.uid != uid)
            });
            self.refresh_pod_in_index(key, &pk);
        }
        // Orphaned ControllerRevisions matching the selector are adopted too.
        let orphans: Vec<Key> = self
            .revisions
            .iter()
            .filter(|((ns, _), r)| {
                *ns == key.0
                    && r.metadata.owner_references.is_empty()
                    && set.selects(&r.metadata.labels)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for rk in orphans {
            let rv = self.next_rv();
            if let Some(r) = self.revisions.get_mut(&rk) {
                r.metadata.owner_references.push(owner.clone());
                r.metadata.resource_version = rv;
                let r = r.clone();
                self.revision_record("MODIFIED", &r);
            }
        }
    }

    /// One sync of a StatefulSet; returns true if it issued pod or claim writes.
    fn sync(&mut self, key: &Key) -> bool {
        if !self.sets.contains_key(key) {
            return false;
        }
        self.claim_pods(key);
        if !self.index.contains_key(key) {
            self.rebuild_index(key);
        }
        let Some(digest) = self.digest(key) else {
            return false;
        };
        let decision = {
            let set = &self.sets[key];
            let uid = set.metadata.uid.clone();
            let mut revisions: Vec<&ControllerRevision> = self
                .revisions
                .range((key.0.clone(), String::new())..)
                .take_while(|((ns, _), _)| *ns == key.0)
                .map(|(_, r)| r)
                .filter(|r| r.metadata.controller_ref().is_some_and(|o| o.uid == uid))
                .collect();
            controller::revision::sort_revisions(&mut revisions);
            let revs = &self.revisions;
            let ns = key.0.clone();
            let exists = move |name: &str| revs.get(&(ns.clone(), name.to_string()));
            let claims = NsClaims {
                claims: &self.claims,
                ns: &key.0,
            };
            let index = &self.index[key];
            let pods_map = &self.pods;
            let pod_ns = key.0.clone();
            let exists_ns = key.0.clone();
            let pod_exists =
                move |name: &str| pods_map.contains_key(&(exists_ns.clone(), name.to_string()));
            let pod_by_name = move |name: &str| pods_map.get(&(pod_ns.clone(), name.to_string()));
            let pods: Vec<&Pod> = match self.config.controller {
                Implementation::Literal => self
                    .pods
                    .range((key.0.clone(), String::new())..)
                    .take_while(|((ns, _), _)| *ns == key.0)
                    .map(|(_, p)| p)
                    .filter(|p| p.metadata.controller_ref().is_some_and(|o| o.uid == uid))
                    .collect(),
                Implementation::Fast => Vec::new(),
            };
            let input = controller::SyncInput {
                set,
                pods,
                revisions,
                revision_exists: &exists,
                pod_exists: &pod_exists,
                claims: &claims,
                digest: &digest,
                now: self.now,
                max_unavailable_gate: self.config.gates.max_unavailable_stateful_set,
            };
            match self.config.controller {
                Implementation::Literal => controller::control::reconcile_literal(&input),
                Implementation::Fast => {
                    let view = controller::fast::FastView {
                        index,
                        set_name: &set.metadata.name,
                        pod_by_name: &pod_by_name,
                    };
                    controller::fast::reconcile_fast(&input, &view)
                }
            }
        };
        let acted = decision.actions.iter().any(|a| {
            matches!(
                a,
                Action::CreatePod(_)
                    | Action::DeletePod { .. }
                    | Action::CreateClaim(_)
                    | Action::UpdatePod(_)
            )
        });
        for action in decision.actions {
            self.apply_action(key, action);
        }
        // the status is written only if it changed.
        if let Some(set) = self.sets.get_mut(key) {
            if controller::status::inconsistent(&set.status, &decision.status) {
                set.status = decision.status;
                set.metadata.resource_version = {
                    self.resource_version += 1;
                    self.resource_version.to_string()
                };
                if self.config.record_objects {
                    let set = set.clone();
                    self.set_record("MODIFIED", &set);
                }
                // A status write is an update of the StatefulSet: it queues another
                // sync (T-1), which e.g. truncates history with the new currentRevision.
                self.schedule(self.now, Work::Sync(key.clone()));
            }
        }
        self.set_blocker(key, decision.blocker);
        if decision.error {
            let n = self.retries.entry(key.clone()).or_default();
            *n += 1;
            if *n <= MAX_SYNC_RETRIES {
                let delay = SimDuration::from_millis(5 << (*n - 1));
                self.schedule(self.now + delay, Work::Sync(key.clone()));
            }
        } else {
            self.retries.remove(key);
        }
        if let Some(after) = decision.requeue_after {
            self.schedule(self.now + after, Work::Sync(key.clone()));
        }
        acted
    }

    fn set_blocker(&mut self, key: &Key, blocker: Option<Blocker>) {
        let old = self.blockers.get(key);
        if old == blocker.as_ref() {
            return;
        }
        let object = format!("StatefulSet/{}", key.1);
        let record = match &blocker {
            Some(b) => BlockedRecord {
                object,
                reason: b.en.clone(),
                zh: b.zh.clone(),
                code: b.reason.to_string(),
            },
            None => BlockedRecord {
                object,
                reason: String::new(),
                zh: String::new(),
                code: String::new(),
            },
        };
        self.push(Record::Blocked(record));
        match blocker {
            Some(b) => self.blockers.insert(key.clone(), b),
            None => self.blockers.remove(key),
        };
    }

    fn apply_action(&mut self, set_key: &Key, action: Action) {
        let ns = set_key.0.clone();
        match action {
            Action::CreateRevision(mut rev) => {
                self.stamp_new(&mut rev.metadata);
                let k = (ns, rev.metadata.name.clone());
                self.revision_record("ADDED", &rev);
                self.revisions.insert(k, rev);
            }
            Action::RenumberRevision { name, revision } => {
                let rv = self.next_rv();
                if let Some(r) = self.revisions.get_mut(&(ns, name)) {
                    r.revision = revision;
                    r.metadata.resource_version = rv;
                    let r = r.clone();
                    self.revision_record("MODIFIED", &r);
                }
            }
            Action::DeleteRevision { name } => {
                if let Some(r) = self.revisions.remove(&(ns, name)) {
                    self.revision_record("DELETED", &r);
                }
            }
            Action::CreateClaim(claim) => self.create_claim(claim),
            Action::CreatePod(pod) => self.create_pod(pod),
            Action::DeletePod { name } => self.delete_pod(&(ns, name), None),
            Action::UpdatePod(pod) => {
                let k = (ns, pod.metadata.name.clone());
                self.write_pod(&k, |p| {
                    p.metadata.labels = pod.metadata.labels.clone();
                    p.metadata.namespace = pod.metadata.namespace.clone();
                    p.spec.volumes = pod.spec.volumes.clone();
                });
            }
            Action::SetClaimOwners {
                claim,
                owner_references,
            } => {
                let k = (ns, claim);
                let rv = self.next_rv();
                self.claim_log.push(&k);
                if let Some(c) = self.claims.get_mut(&k) {
                    c.metadata.owner_references = owner_references;
                    c.metadata.resource_version = rv;
                    let c = c.clone();
                    self.claim_record("MODIFIED", &c);
                    self.claim_changed(&k);
                }
            }
            Action::Event {
                type_,
                reason,
                message,
            } => {
                self.event(
                    format!("StatefulSet/{}", set_key.1),
                    type_,
                    reason,
                    message,
                    "statefulset-controller",
                );
            }
        }
    }

    /// Creates or replaces the stored StatefulSet and queues its sync. `new` must be
    /// defaulted and validated.
    pub(crate) fn store_set(&mut self, mut set: StatefulSet, created: bool) {
        let key = (set.metadata.namespace.clone(), set.metadata.name.clone());
        set.metadata.resource_version = self.next_rv();
        if self.config.record_objects {
            self.set_record(if created { "ADDED" } else { "MODIFIED" }, &set);
        }
        self.sets.insert(key.clone(), set);
        self.rebuild_index(&key);
        self.schedule(self.now, Work::Sync(key));
    }

    /// Removes a StatefulSet object (after deletion), leaving dependents to the GC.
    pub(crate) fn remove_set(&mut self, key: &Key) {
        if let Some(set) = self.sets.remove(key) {
            if self.config.record_objects {
                self.set_record("DELETED", &set);
            }
        }
        self.index.remove(key);
        self.digests.remove(key);
        self.retries.remove(key);
        self.set_blocker(key, None);
    }
}

/// FNV-1a over an event's identity, for the aggregation index.
fn event_key_hash(object: &str, type_: &str, reason: &str, message: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [object, type_, reason, message] {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Claims of one namespace, as the controller sees them.
pub(crate) struct NsClaims<'a> {
    pub claims: &'a BTreeMap<Key, PersistentVolumeClaim>,
    pub ns: &'a str,
}

impl ClaimLookup for NsClaims<'_> {
    fn claim(&self, name: &str) -> Option<&PersistentVolumeClaim> {
        self.claims.get(&(self.ns.to_string(), name.to_string()))
    }
}
