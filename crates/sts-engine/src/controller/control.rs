//! The reconcile algorithm of `stateful_set_control.go` (section 4), one sync at a time.
//!
//! [`reconcile`] is written once, literally, against a [`PodsView`]: the view hands it
//! the slots to look at, and the algorithm judges each slot exactly as upstream does.
//! [`LiteralView`] hands it every slot, so one sync is O(N) like upstream: that is the
//! oracle. The incremental view in `fast.rs` hands it only the slots whose pods could
//! make it act or stop (missing, unhealthy, not yet available, failed, pending, needing
//! repair, outdated), which the property tests prove is enough: both give identical
//! traces.
//!
//! Ordering guarantees enforced here, in cluster terms:
//! * monotonic (OrderedReady): pods are created one per sync, lowest missing index first,
//!   and nothing past index i happens until pod i is Running, Ready, Available and not
//!   Terminating; scale-down deletes the highest ordinal first, one at a
//!   time, each fully gone before the next;
//! * burst (Parallel): every missing pod is created and every condemned pod deleted in
//!   one sync;
//! * rolling updates replace one pod at a time from the highest index down to the
//!   partition, waiting for each replaced pod to be healthy.

use super::blocker::{self, Blocker, Held};
use super::identity::{self, ClaimRefs};
use super::revision::{self, HASH_LABEL};
use super::status;
use super::{available, Action, ClaimLookup, Decision, SyncInput};
use crate::model::*;
use crate::time::{SimDuration, SimTime};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// The slots one sync visits. Every method returns ordinals (not indexes).
pub trait PodsView {
    /// The claimed pod with this ordinal, if any.
    fn pod(&self, ordinal: i32) -> Option<&Pod>;
    /// In-range ordinals to process, ascending: must include every missing ordinal and
    /// every pod that is not healthy, not available, Failed/Succeeded, Pending, or whose
    /// identity, storage or claim ownership needs repair.
    /// In burst mode only the slots that need an action are required.
    fn replica_slots(
        &self,
        start: i32,
        end: i32,
        min_ready: i32,
        burst: bool,
        now: SimTime,
    ) -> Vec<i32>;
    /// The first in-range ordinal ≥ `from` with no pod.
    fn next_missing(&self, from: i32, end: i32) -> Option<i32>;
    /// The lowest unhealthy ordinal in range (or missing), else the lowest unhealthy
    /// condemned ordinal.
    fn first_unhealthy(&self, start: i32, end: i32) -> Option<i32>;
    /// Condemned ordinals (outside `[start, end)`), descending, whose claims may need
    /// their ownerRefs fixed.
    fn condemned_for_claims(&self, start: i32, end: i32) -> Vec<i32>;
    /// Condemned ordinals, descending, that R-18 may act on: all of them in burst mode,
    /// at least the highest in monotonic mode.
    fn condemned_for_deletion(&self, start: i32, end: i32, burst: bool) -> Vec<i32>;
    /// In-range ordinals in `[lo, end)`, descending, that the update loop must look at:
    /// every missing or unhealthy slot and every non-terminating pod not at `update`.
    /// Views that skip healthy, updated pods may stop after `limit` such slots.
    fn update_slots(&self, lo: i32, end: i32, update: &str, limit: usize) -> Vec<i32>;
    /// The highest in-range ordinal in `[lo, hi)` of a non-terminating pod not at `update`.
    fn highest_outdated(&self, lo: i32, hi: i32, update: &str) -> Option<i32>;
    /// Up to `limit` in-range ordinals in `[lo, hi)`, ascending, of non-terminating pods
    /// whose revision is not `update`.
    fn outdated(&self, lo: i32, hi: i32, update: &str, limit: usize) -> Vec<i32>;
    /// The number of unhealthy or missing in-range slots.
    fn unhealthy_in_range(&self, start: i32, end: i32) -> i32;
    /// Status counters over all claimed pods (S-2…S-6) into `status`.
    fn count(&self, status: &mut StatefulSetStatus, min_ready: i32, now: SimTime);
    /// Every revision name carried by a claimed pod (R-6 live revisions).
    fn pod_revisions(&self) -> BTreeSet<String>;
}

/// The literal view: every claimed pod, every slot.
pub struct LiteralView<'a> {
    by_ordinal: std::collections::BTreeMap<i32, &'a Pod>,
    all: &'a [&'a Pod],
}

impl<'a> LiteralView<'a> {
    /// Sorts the claimed pods by ordinal (pods whose ordinal does not parse are only
    /// counted, never processed: section 1).
    pub fn new(set_name: &'a str, pods: &'a [&'a Pod]) -> Self {
        let by_ordinal = pods
            .iter()
            .filter_map(|p| identity::parse_ordinal(set_name, &p.metadata.name).map(|o| (o, *p)))
            .collect();
        LiteralView {
            by_ordinal,
            all: pods,
        }
    }
}

fn healthy(p: &Pod) -> bool {
    p.running_and_ready() && !p.metadata.terminating()
}

impl PodsView for LiteralView<'_> {
    fn pod(&self, ordinal: i32) -> Option<&Pod> {
        self.by_ordinal.get(&ordinal).copied()
    }
    fn replica_slots(
        &self,
        start: i32,
        end: i32,
        _min_ready: i32,
        _burst: bool,
        _now: SimTime,
    ) -> Vec<i32> {
        (start..end).collect()
    }
    fn next_missing(&self, from: i32, end: i32) -> Option<i32> {
        (from..end).find(|o| !self.by_ordinal.contains_key(o))
    }
    fn first_unhealthy(&self, start: i32, end: i32) -> Option<i32> {
        (start..end)
            .find(|o| self.pod(*o).is_none_or(|p| !healthy(p)))
            .or_else(|| {
                self.by_ordinal
                    .iter()
                    .filter(|(o, _)| **o < start || **o >= end)
                    .find(|(_, p)| !healthy(p))
                    .map(|(o, _)| *o)
            })
    }
    fn condemned_for_claims(&self, start: i32, end: i32) -> Vec<i32> {
        self.by_ordinal
            .keys()
            .rev()
            .copied()
            .filter(|o| *o < start || *o >= end)
            .collect()
    }
    fn condemned_for_deletion(&self, start: i32, end: i32, _burst: bool) -> Vec<i32> {
        self.condemned_for_claims(start, end)
    }
    fn update_slots(&self, lo: i32, end: i32, _update: &str, _limit: usize) -> Vec<i32> {
        (lo..end).rev().collect()
    }
    fn highest_outdated(&self, lo: i32, hi: i32, update: &str) -> Option<i32> {
        (lo..hi).rev().find(|o| {
            self.pod(*o)
                .is_some_and(|p| !p.metadata.terminating() && p.revision() != Some(update))
        })
    }
    fn outdated(&self, lo: i32, hi: i32, update: &str, limit: usize) -> Vec<i32> {
        (lo..hi)
            .filter(|o| {
                self.pod(*o)
                    .is_some_and(|p| !p.metadata.terminating() && p.revision() != Some(update))
            })
            .take(limit)
            .collect()
    }
    fn unhealthy_in_range(&self, start: i32, end: i32) -> i32 {
        (start..end)
            .filter(|o| self.pod(*o).is_none_or(|p| !healthy(p)))
            .count() as i32
    }
    fn count(&self, status: &mut StatefulSetStatus, min_ready: i32, now: SimTime) {
        for p in self.all {
            status::count_pod(status, p, min_ready, now);
        }
    }
    fn pod_revisions(&self) -> BTreeSet<String> {
        self.all
            .iter()
            .filter_map(|p| p.revision().map(str::to_string))
            .collect()
    }
}

/// The revisions one sync works with (R-1…R-5).
struct Revisions<'r> {
    current: Cow<'r, ControllerRevision>,
    update: Cow<'r, ControllerRevision>,
    collision_count: i32,
}

/// picks (and if needed creates or renumbers) the update revision, and finds
/// the current one.
fn choose_revisions<'r>(input: &SyncInput<'r>, actions: &mut Vec<Action>) -> Revisions<'r> {
    let set = input.set;
    let data = &input.digest.data;
    let revs = &input.revisions;
    let next_number = revs.last().map_or(1, |r| r.revision + 1);
    let mut collision_count = set.status.collision_count.unwrap_or(0);
    let equal: Vec<&&ControllerRevision> = revs.iter().filter(|r| r.data == *data).collect();
    let update: Cow<'r, ControllerRevision> = if let Some(most_recent_equal) = equal.last() {
        if revs.last().is_some_and(|newest| newest.data == *data) {
            // R-4a: the newest revision already holds this template.
            Cow::Borrowed(**most_recent_equal)
        } else {
            // R-4b: the template went back to an earlier revision; renumber it.
            let mut r = (**most_recent_equal).clone();
            r.revision = next_number;
            actions.push(Action::RenumberRevision {
                name: r.metadata.name.clone(),
                revision: next_number,
            });
            Cow::Owned(r)
        }
    } else {
        // R-4c: a new revision, resolving hash collisions by bumping collisionCount.
        loop {
            let name = revision::revision_name(&set.metadata.name, data, collision_count);
            match (input.revision_exists)(&name) {
                Some(existing) if existing.data == *data => break Cow::Borrowed(existing),
                Some(_) => collision_count += 1,
                None => {
                    let mut labels = set.spec.template.metadata.labels.clone();
                    labels.insert(
                        HASH_LABEL.into(),
                        revision::safe_encode(revision::hash(data, collision_count)),
                    );
                    let rev = ControllerRevision {
                        metadata: ObjectMeta {
                            name,
                            namespace: set.metadata.namespace.clone(),
                            labels,
                            annotations: set.metadata.annotations.clone(),
                            owner_references: vec![identity::set_owner_ref(set)],
                            ..ObjectMeta::default()
                        },
                        data: data.clone(),
                        revision: next_number,
                        template: set.spec.template.clone(),
                    };
                    actions.push(Action::CreateRevision(rev.clone()));
                    break Cow::Owned(rev);
                }
            }
        }
    };
    let current = match revs
        .iter()
        .find(|r| r.metadata.name == set.status.current_revision)
    {
        Some(r) => Cow::Borrowed(*r),
        None => update.clone(),
    };
    Revisions {
        current,
        update,
        collision_count,
    }
}

/// What one claim-creation pass produced.
struct ClaimsOutcome {
    errors: Vec<String>,
}

/// `createPersistentVolumeClaims`: creates each missing claim of pod `ordinal` (P-3),
/// recording claim events (E-1, E-2).
fn create_claims(
    set: &StatefulSet,
    pod_name: &str,
    ordinal: i32,
    claims: &dyn ClaimLookup,
    actions: &mut Vec<Action>,
) -> ClaimsOutcome {
    let mut errors = Vec::new();
    for claim in identity::claims_for(set, ordinal) {
        match claims.claim(&claim.metadata.name) {
            None => match crate::validation::validate_new_pvc(&claim) {
                Ok(()) => {
                    actions.push(Action::Event {
                        type_: "Normal",
                        reason: "SuccessfulCreate",
                        message: format!(
                            "create Claim {} Pod {pod_name} in StatefulSet {} success",
                            claim.metadata.name, set.metadata.name
                        ),
                    });
                    actions.push(Action::CreateClaim(claim));
                }
                Err(err) => {
                    actions.push(Action::Event {
                        type_: "Warning",
                        reason: "FailedCreate",
                        message: format!(
                            "create Claim {} for Pod {pod_name} in StatefulSet {} failed error: {err}",
                            claim.metadata.name, set.metadata.name
                        ),
                    });
                    errors.push(format!(
                        "failed to create PVC {}: {err}",
                        claim.metadata.name
                    ));
                }
            },
            Some(existing) if existing.metadata.terminating() => {
                errors.push(format!("pvc {} is being deleted", claim.metadata.name));
            }
            Some(_) => {}
        }
    }
    ClaimsOutcome { errors }
}

/// Go's `errors.NewAggregate(...).Error()`.
fn aggregate(errors: &[String]) -> String {
    if errors.len() == 1 {
        errors[0].clone()
    } else {
        format!("[{}]", errors.join(", "))
    }
}

/// `UpdatePodClaimForRetentionPolicy` (P-5): fixes the ownerRefs of `pod`'s claims,
/// warning about conflicting controllers.
fn fix_claim_refs(
    set: &StatefulSet,
    pod: &Pod,
    ordinal: i32,
    in_range: bool,
    claims: &dyn ClaimLookup,
    actions: &mut Vec<Action>,
) {
    for t in &set.spec.volume_claim_templates {
        let name = identity::claim_name(&t.metadata.name, &set.metadata.name, ordinal);
        let Some(claim) = claims.claim(&name) else {
            continue;
        };
        match identity::claim_refs(set, pod, claim, in_range) {
            ClaimRefs::UpToDate | ClaimRefs::Stale => {}
            ClaimRefs::Update(refs) => actions.push(Action::SetClaimOwners {
                claim: name,
                owner_references: refs,
            }),
            ClaimRefs::Conflict(fix) => {
                actions.push(Action::Event {
                    type_: "Warning",
                    reason: "ConflictingController",
                    message: format!(
                        "PersistentVolumeClaim {name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim"
                    ),
                });
                if let Some(refs) = fix {
                    actions.push(Action::SetClaimOwners {
                        claim: name,
                        owner_references: refs,
                    });
                }
            }
        }
    }
}

/// `ClaimsMatchRetentionPolicy`: missing claims count as matching.
fn claims_match(
    set: &StatefulSet,
    pod: &Pod,
    ordinal: i32,
    in_range: bool,
    claims: &dyn ClaimLookup,
) -> bool {
    set.spec.volume_claim_templates.iter().all(|t| {
        let name = identity::claim_name(&t.metadata.name, &set.metadata.name, ordinal);
        match claims.claim(&name) {
            None => true,
            Some(c) => matches!(
                identity::claim_refs(set, pod, c, in_range),
                ClaimRefs::UpToDate | ClaimRefs::Stale | ClaimRefs::Conflict(None)
            ),
        }
    })
}

/// True if pod `ordinal`'s repair is due: identity, storage or claim refs.
pub fn needs_repair(
    set: &StatefulSet,
    pod: &Pod,
    ordinal: i32,
    in_range: bool,
    claims: &dyn ClaimLookup,
) -> bool {
    !(identity::identity_matches(set, pod)
        && identity::storage_matches(set, pod)
        && claims_match(set, pod, ordinal, in_range, claims))
}

/// `PodClaimIsStale` (P-8): with whenScaled Delete, a claim still owned by an earlier pod
/// of the same name blocks creation.
fn stale_claim(
    set: &StatefulSet,
    pod_name: &str,
    ordinal: i32,
    claims: &dyn ClaimLookup,
) -> Option<String> {
    if set.when_scaled() == Retention::Retain {
        return None;
    }
    for t in &set.spec.volume_claim_templates {
        let name = identity::claim_name(&t.metadata.name, &set.metadata.name, ordinal);
        if let Some(c) = claims.claim(&name) {
            if c.metadata
                .owner_references
                .iter()
                .any(|r| r.kind == "Pod" && r.name == pod_name)
            {
                return Some(name);
            }
        }
    }
    None
}

/// Outcome of processing one slot.
enum Slot {
    Continue,
    Stop(Option<Blocker>),
    Error(Blocker),
}

/// The mutable state of one sync.
struct Sync<'s, 'i, 'v> {
    input: &'s SyncInput<'i>,
    view: &'v dyn PodsView,
    revs: Revisions<'i>,
    actions: Vec<Action>,
    start: i32,
    end: i32,
    burst: bool,
    min_ready: i32,
    /// The first wait met in burst mode (nothing stops there, but it explains).
    burst_blocker: Option<Blocker>,
}

impl Sync<'_, '_, '_> {
    fn set(&self) -> &StatefulSet {
        self.input.set
    }

    fn name(&self, ordinal: i32) -> String {
        identity::pod_name(&self.set().metadata.name, ordinal)
    }

    /// The condemned pod deleted after the current one (scale-down goes one by one).
    fn next_scale_down(&self) -> Held {
        match self
            .view
            .condemned_for_deletion(self.start, self.end, false)
            .get(1)
        {
            Some(next) => Held::ScaleDown(self.name(*next)),
            None => Held::Nothing,
        }
    }

    /// Running, Ready and Available (minReadySeconds) now.
    fn pod_available(&self, pod: &Pod) -> bool {
        let since = pod
            .ready_condition()
            .map(|c| c.last_transition)
            .unwrap_or_default();
        available(
            pod.running_and_ready(),
            since,
            self.min_ready,
            self.input.now,
        )
    }

    /// What a wait at `ordinal` holds back (for the blocker sentence).
    fn held_after(&self, ordinal: i32) -> Held {
        if let Some(o) = self.view.next_missing(ordinal + 1, self.end) {
            return Held::Create(self.name(o));
        }
        if let Some(o) = self
            .view
            .condemned_for_deletion(self.start, self.end, false)
            .first()
        {
            return Held::ScaleDown(self.name(*o));
        }
        if self.set().strategy() == UpdateStrategyType::RollingUpdate {
            let lo = self.start + self.set().partition().max(0);
            let upd = &self.revs.update.metadata.name;
            if let Some(o) = self.view.highest_outdated(lo, self.end, upd) {
                return Held::Update(self.name(o));
            }
        }
        Held::Nothing
    }

    /// The revision a new pod at `ordinal` is built from.
    fn revision_for(&self, ordinal: i32) -> &ControllerRevision {
        let set = self.set();
        let index = ordinal - self.start;
        let use_current = match (set.strategy(), set.rolling_update()) {
            (UpdateStrategyType::RollingUpdate, None) => index < set.status.current_replicas,
            (_, Some(ru)) => index < ru.partition.unwrap_or(0),
            (UpdateStrategyType::OnDelete, None) => false,
        };
        if use_current {
            &self.revs.current
        } else {
            &self.revs.update
        }
    }

    /// `processReplica` for one in-range slot (R-12…R-16).
    fn process_replica(&mut self, ordinal: i32) -> Slot {
        let input = self.input;
        let set = input.set;
        let monotonic = !self.burst;
        let pod_name = self.name(ordinal);
        let Some(pod) = self.view.pod(ordinal) else {
            // a missing pod.
            if let Some(claim) = stale_claim(set, &pod_name, ordinal, input.claims) {
                return Slot::Stop(Some(blocker::stale_claim(&pod_name, &claim)));
            }
            let new_pod = identity::new_pod(set, self.revision_for(ordinal), ordinal);
            let claims = create_claims(set, &pod_name, ordinal, input.claims, &mut self.actions);
            if !claims.errors.is_empty() {
                let err = aggregate(&claims.errors);
                self.pod_event("create", &pod_name, Some(&err));
                return Slot::Error(blocker::create_failed(&pod_name, &err));
            }
            // E-3: a pod of this name that is not the set's (released by a relabel, or
            // owned by someone else) makes the create fail with AlreadyExists; the
            // controller retries and the set waits.
            let created = if (input.pod_exists)(&pod_name) {
                Err(format!("pods \"{pod_name}\" already exists"))
            } else {
                crate::validation::validate_new_pod(&new_pod)
            };
            // Claims created in this sync are not visible to it (T-6), so only claims
            // that existed before get their ownerRefs fixed here.
            fix_claim_refs(
                set,
                &new_pod,
                ordinal,
                true,
                input.claims,
                &mut self.actions,
            );
            match created {
                Ok(()) => {
                    self.pod_event("create", &pod_name, None);
                    self.actions.push(Action::CreatePod(new_pod));
                }
                Err(err) => {
                    self.pod_event("create", &pod_name, Some(&err));
                    return Slot::Error(blocker::create_failed(&pod_name, &err));
                }
            }
            if monotonic {
                return Slot::Stop(blocker::not_ready(&self.held_after(ordinal), &pod_name));
            }
            // Burst: the placeholder just created is consistent by construction.
            return Slot::Continue;
        };
        // Failed or Succeeded pods are deleted, and recreated on a later sync.
        if pod.status.phase == "Failed" || pod.status.phase == "Succeeded" {
            if !pod.metadata.terminating() {
                self.delete_pod(&pod_name);
            }
            let phase = pod.status.phase.clone();
            return Slot::Stop(blocker::failed(
                &self.held_after(ordinal),
                &pod_name,
                &phase,
            ));
        }
        // a Pending pod gets its missing claims (P-4).
        if pod.status.phase == "Pending" {
            let claims = create_claims(set, &pod_name, ordinal, input.claims, &mut self.actions);
            if !claims.errors.is_empty() {
                return Slot::Error(blocker::create_failed(
                    &pod_name,
                    &aggregate(&claims.errors),
                ));
            }
            fix_claim_refs(set, pod, ordinal, true, input.claims, &mut self.actions);
        }
        // gates, monotonic only.
        if monotonic {
            if pod.metadata.terminating() {
                return Slot::Stop(blocker::terminating(&self.held_after(ordinal), &pod_name));
            }
            if !pod.running_and_ready() {
                let outdated = self.set().strategy() == UpdateStrategyType::RollingUpdate
                    && ordinal - self.start >= self.set().partition().max(0)
                    && pod.revision() != Some(self.revs.update.metadata.name.as_str());
                if outdated {
                    // U-6: the pod the rollout would replace blocks the rollout itself.
                    return Slot::Stop(Some(blocker::stuck_rollout(&pod_name)));
                }
                return Slot::Stop(blocker::not_ready(&self.held_after(ordinal), &pod_name));
            }
            if !self.pod_available(pod) {
                return Slot::Stop(blocker::not_available(
                    &self.held_after(ordinal),
                    &pod_name,
                    self.min_ready,
                ));
            }
        }
        // invariant repair.
        if needs_repair(set, pod, ordinal, true, input.claims) {
            let mut fixed = pod.clone();
            let mut dirty = false;
            if !identity::identity_matches(set, pod) || !identity::storage_matches(set, pod) {
                let storage_ok = identity::storage_matches(set, pod);
                identity::repair(set, &mut fixed);
                dirty = true;
                if !storage_ok {
                    let claims =
                        create_claims(set, &pod_name, ordinal, input.claims, &mut self.actions);
                    if !claims.errors.is_empty() {
                        let err = aggregate(&claims.errors);
                        self.pod_event("update", &pod_name, Some(&err));
                        return Slot::Error(blocker::create_failed(&pod_name, &err));
                    }
                }
            }
            if !claims_match(set, pod, ordinal, true, input.claims) {
                fix_claim_refs(set, pod, ordinal, true, input.claims, &mut self.actions);
                dirty = true;
            }
            if dirty {
                self.actions.push(Action::UpdatePod(fixed));
                self.pod_event("update", &pod_name, None);
            }
        }
        Slot::Continue
    }

    /// `recordPodEvent`: `<verb> Pod <pod> in StatefulSet <set> successful`, or
    /// `… failed error: <err>` (section 13).
    fn pod_event(&mut self, verb: &'static str, pod_name: &str, err: Option<&str>) {
        let set_name = &self.set().metadata.name;
        let (type_, reason, message) = match (verb, err) {
            (_, None) => (
                "Normal",
                match verb {
                    "create" => "SuccessfulCreate",
                    "delete" => "SuccessfulDelete",
                    _ => "SuccessfulUpdate",
                },
                format!("{verb} Pod {pod_name} in StatefulSet {set_name} successful"),
            ),
            (_, Some(e)) => (
                "Warning",
                match verb {
                    "create" => "FailedCreate",
                    "delete" => "FailedDelete",
                    _ => "FailedUpdate",
                },
                format!("{verb} Pod {pod_name} in StatefulSet {set_name} failed error: {e}"),
            ),
        };
        self.actions.push(Action::Event {
            type_,
            reason,
            message,
        });
    }

    fn delete_pod(&mut self, pod_name: &str) {
        self.pod_event("delete", pod_name, None);
        self.actions.push(Action::DeletePod {
            name: pod_name.to_string(),
        });
    }

    /// Runs the whole sync body (`updateStatefulSet`) and returns the blocker, whether
    /// an API error happened, and the status decrement of.
    fn run(&mut self, status: &mut StatefulSetStatus) -> (Option<Blocker>, bool) {
        let set = self.input.set;
        // a set being deleted only gets its status written.
        if set.metadata.terminating() {
            return (Some(blocker::set_deleting(&set.metadata.name)), false);
        }
        let monotonic = !self.burst;
        // R-12…R-16 over the replicas, ascending.
        let slots = self.view.replica_slots(
            self.start,
            self.end,
            self.min_ready,
            self.burst,
            self.input.now,
        );
        if monotonic {
            for o in slots {
                match self.process_replica(o) {
                    Slot::Continue => {}
                    Slot::Stop(b) => return (b, false),
                    Slot::Error(b) => return (Some(b), true),
                }
            }
        } else {
            // Burst: slow-start batches of 1, 2, 4… (at most 500) slots. Slots the view
            // leaves out do nothing, so only the batch number of each visited slot
            // matters: the first batch with an API error ends the pass.
            let mut failed: Option<(usize, Blocker)> = None;
            for o in slots {
                let batch = burst_batch((o - self.start) as usize);
                if failed.as_ref().is_some_and(|(b, _)| batch > *b) {
                    break;
                }
                match self.process_replica(o) {
                    Slot::Continue => {}
                    Slot::Stop(b) => {
                        if self.burst_blocker.is_none() {
                            self.burst_blocker = b;
                        }
                    }
                    Slot::Error(b) => {
                        if failed.is_none() {
                            failed = Some((batch, b));
                        }
                    }
                }
            }
            if let Some((_, b)) = failed {
                return (Some(b), true);
            }
        }
        // claim ownership for every condemned pod, before any is deleted.
        for o in self.view.condemned_for_claims(self.start, self.end) {
            let Some(pod) = self.view.pod(o) else {
                continue;
            };
            if !claims_match(set, pod, o, false, self.input.claims) {
                fix_claim_refs(set, pod, o, false, self.input.claims, &mut self.actions);
            }
        }
        // scale-down, highest ordinal first.
        let first_unhealthy = self.view.first_unhealthy(self.start, self.end);
        for o in self
            .view
            .condemned_for_deletion(self.start, self.end, self.burst)
        {
            let Some(pod) = self.view.pod(o) else {
                continue;
            };
            let name = self.name(o);
            if pod.metadata.terminating() {
                if monotonic {
                    return (blocker::terminating(&self.next_scale_down(), &name), false);
                }
                continue;
            }
            // an unhealthy condemned pod waits unless it is the first unhealthy.
            if monotonic && Some(o) != first_unhealthy && !self.pod_available(pod) {
                let first = first_unhealthy.map(|f| self.name(f)).unwrap_or_default();
                return (Some(blocker::condemned_unhealthy(&name, &first)), false);
            }
            self.delete_pod(&name);
            if monotonic {
                return (blocker::terminating(&self.next_scale_down(), &name), false);
            }
        }
        // OnDelete never updates pods by itself.
        let upd = self.revs.update.metadata.name.clone();
        if set.strategy() == UpdateStrategyType::OnDelete {
            let outdated = self.view.outdated(self.start, self.end, &upd, 4);
            return (
                self.note(outdated, |pods| blocker::on_delete(pods, &upd)),
                false,
            );
        }
        let partition = set.partition().max(0);
        let lo = self.start + partition;
        if self.input.max_unavailable_gate {
            // the maxUnavailable path.
            let m = max_unavailable(set);
            let u = self.view.unhealthy_in_range(self.start, self.end);
            if u >= m {
                return (None, false);
            }
            let mut deleted = 0;
            for o in self
                .view
                .update_slots(lo, self.end, &upd, 2 * m as usize + 2)
            {
                if deleted >= m - u {
                    break;
                }
                let Some(pod) = self.view.pod(o) else {
                    continue;
                };
                if pod.revision() != Some(upd.as_str()) && !pod.metadata.terminating() {
                    let name = self.name(o);
                    self.delete_pod(&name);
                    deleted += 1;
                    status.current_replicas -= 1;
                }
            }
            return (None, false);
        }
        // one pod at a time, from the highest index down to the partition.
        let slots = self.view.update_slots(lo, self.end, &upd, 2);
        for o in slots.iter() {
            let pod = self.view.pod(*o);
            let name = self.name(*o);
            if let Some(p) = pod {
                if p.revision() != Some(upd.as_str()) && !p.metadata.terminating() {
                    self.delete_pod(&name);
                    status.current_replicas -= 1;
                    return (None, false);
                }
            }
            if pod.is_none_or(|p| !healthy(p)) {
                let next = self
                    .view
                    .highest_outdated(lo, *o, &upd)
                    .map(|o| self.name(o));
                return (blocker::update_waits(next.as_deref(), &name), false);
            }
        }
        // U-1: pods below the partition keep the current revision.
        if partition > 0 {
            let below = self.view.outdated(self.start, lo.min(self.end), &upd, 4);
            return (
                self.note(below, |pods| blocker::partition(pods, partition)),
                false,
            );
        }
        (None, false)
    }

    /// An informational blocker listing up to three pods (and "…" past that).
    fn note(&self, ordinals: Vec<i32>, f: impl Fn(&[String]) -> Blocker) -> Option<Blocker> {
        if ordinals.is_empty() {
            return None;
        }
        let mut names: Vec<String> = ordinals.iter().take(3).map(|o| self.name(*o)).collect();
        if ordinals.len() > 3 {
            names.push("…".into());
        }
        Some(f(&names))
    }
}

/// `getStatefulSetMaxUnavailable`: an int, or a percentage of replicas rounded down;
/// at least 1.
/// The slow-start batch (0, 1, 2…) that slot `index` falls in: batches of 1, 2, 4…
/// slots, at most 500 each (`slowStartBatch`).
fn burst_batch(index: usize) -> usize {
    let (mut first, mut size, mut batch) = (0usize, 1usize, 0usize);
    loop {
        if index < first + size {
            return batch;
        }
        first += size;
        size = (size * 2).min(500);
        batch += 1;
    }
}

fn max_unavailable(set: &StatefulSet) -> i32 {
    let n = set.replicas();
    let v = set.rolling_update().and_then(|r| r.max_unavailable.clone());
    let m = match v {
        Some(serde_json::Value::Number(x)) => x.as_i64().unwrap_or(1) as i32,
        Some(serde_json::Value::String(s)) => {
            match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
                Some(pct) => ((pct * n as i64) / 100) as i32,
                None => s.parse().unwrap_or(1),
            }
        }
        _ => 1,
    };
    m.max(1)
}

/// One sync of `set` (`UpdateStatefulSet`): revisions, status, the ordered pod work,
/// the status write decision and history truncation.
pub fn reconcile(input: &SyncInput, view: &dyn PodsView) -> Decision {
    let set = input.set;
    let mut actions = Vec::new();
    let revs = choose_revisions(input, &mut actions);
    let start = set.start_ordinal();
    let n = set.replicas().max(0);
    let min_ready = set.min_ready_seconds();
    // the status skeleton, counters from the snapshot.
    let mut status = StatefulSetStatus {
        observed_generation: Some(set.metadata.generation),
        current_revision: revs.current.metadata.name.clone(),
        update_revision: revs.update.metadata.name.clone(),
        collision_count: Some(revs.collision_count),
        ..StatefulSetStatus::default()
    };
    view.count(&mut status, min_ready, input.now);
    let live_pod_revisions = view.pod_revisions();
    let current_name = revs.current.metadata.name.clone();
    let update_name = revs.update.metadata.name.clone();
    let mut sync = Sync {
        input,
        view,
        revs,
        actions,
        start,
        end: start.saturating_add(n),
        burst: set.burst(),
        min_ready,
        burst_blocker: None,
    };
    let (blocker, error) = sync.run(&mut status);
    let blocker = blocker.or(sync.burst_blocker.take());
    let mut actions = sync.actions;
    // completion, then the status is written only if it changed (R-24, world).
    status::complete_rolling_update(set, &mut status);
    // history truncation, at the end of every sync.
    let limit = set.revision_history_limit();
    if limit >= 0 {
        let history: Vec<&&ControllerRevision> = input
            .revisions
            .iter()
            .filter(|r| {
                let n = &r.metadata.name;
                *n != current_name && *n != update_name && !live_pod_revisions.contains(n)
            })
            .collect();
        let excess = history.len().saturating_sub(limit as usize);
        for r in history.iter().take(excess) {
            actions.push(Action::DeleteRevision {
                name: r.metadata.name.clone(),
            });
        }
    }
    // T-3: with minReadySeconds, look again once the window has passed.
    let requeue_after = (!error && min_ready > 0 && status.available_replicas != set.replicas())
        .then(|| SimDuration::from_secs(min_ready as u64));
    Decision {
        actions,
        status,
        blocker,
        requeue_after,
        error,
    }
}

/// The literal oracle: `reconcile` over a [`LiteralView`] of every claimed pod.
pub fn reconcile_literal(input: &SyncInput) -> Decision {
    let view = LiteralView::new(&input.set.metadata.name, &input.pods);
    reconcile(input, &view)
}
