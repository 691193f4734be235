//! The Deployment controller as a pure function: one sync of one Deployment, upstream
//! `pkg/controller/deployment/` (`deployment_controller.go` `syncDeployment`, `sync.go`,
//! `rolling.go`, `recreate.go`, `progress.go`), function by function.
//!
//! [`sync`] reads the Deployment, the ReplicaSets it owns and how many live pods each
//! has, and returns the API writes in the order upstream issues them, the annotations
//! and status to store, and when to look again (the progress deadline). Like upstream,
//! it works on in-memory copies of the ReplicaSets it has just written, so one sync can
//! create the new set and then decide on the old ones.

use std::collections::BTreeMap;

use super::hash::compute_hash;
use super::util::*;
use crate::model::*;
use crate::time::{SimDuration, SimTime};

/// Everything one Deployment sync reads (a snapshot at its start).
pub struct DeploymentInput<'a> {
    pub deployment: &'a Deployment,
    /// The ReplicaSets it controls (controllerRef uid), any order.
    pub replica_sets: Vec<&'a ReplicaSet>,
    /// Per controlled ReplicaSet uid, its pods not Succeeded/Failed (Terminating ones
    /// included): `getPodMapForDeployment`, read by Recreate's `oldPodsRunning`.
    pub live_pods: BTreeMap<String, usize>,
    /// Any ReplicaSet of the namespace by name (the API server's AlreadyExists).
    pub rs_by_name: &'a dyn Fn(&str) -> Option<&'a ReplicaSet>,
    pub now: SimTime,
}

/// One API write, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum DeploymentAction {
    CreateReplicaSet(ReplicaSet),
    /// Spec (replicas, minReadySeconds) and annotations of an existing set.
    UpdateReplicaSet(ReplicaSet),
    DeleteReplicaSet {
        name: String,
    },
    Event {
        type_: &'static str,
        reason: &'static str,
        message: String,
    },
}

/// What one sync decided.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentDecision {
    pub actions: Vec<DeploymentAction>,
    /// The Deployment's annotations after the sync (the revision annotation).
    pub annotations: Labels,
    /// The status after the sync; the world writes it if it differs.
    pub status: DeploymentStatus,
    /// Look again at this time (`requeueStuckDeployment`).
    pub requeue_at: Option<SimTime>,
    /// An API error (a hash collision): retried with back-off.
    pub error: bool,
}

struct Cx {
    d: Deployment,
    rss: Vec<ReplicaSet>,
    live_pods: BTreeMap<String, usize>,
    actions: Vec<DeploymentAction>,
    now: SimTime,
    requeue_at: Option<SimTime>,
    error: bool,
}

/// One `syncDeployment`.
pub fn sync(input: &DeploymentInput<'_>) -> DeploymentDecision {
    let mut rss: Vec<ReplicaSet> = input.replica_sets.iter().map(|r| (*r).clone()).collect();
    sort_by_creation(&mut rss);
    let mut cx = Cx {
        d: input.deployment.clone(),
        rss,
        live_pods: input.live_pods.clone(),
        actions: Vec::new(),
        now: input.now,
        requeue_at: None,
        error: false,
    };
    let status = cx.run(input);
    DeploymentDecision {
        actions: cx.actions,
        annotations: cx.d.metadata.annotations,
        status,
        requeue_at: cx.requeue_at,
        error: cx.error,
    }
}

impl Cx {
    fn run(&mut self, input: &DeploymentInput<'_>) -> DeploymentStatus {
        // `syncDeployment`: an empty selector selects everything; refuse to act.
        if self
            .d
            .spec
            .selector
            .as_ref()
            .is_none_or(LabelSelector::is_empty)
        {
            self.event(
                "Warning",
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.".into(),
            );
            let mut s = self.d.status.clone();
            s.observed_generation = Some(self.d.metadata.generation);
            return s;
        }
        if self.d.metadata.terminating() {
            // `syncStatusOnly`.
            let (new, old) = self.get_all_and_sync_revision(input, false);
            return self.calculate_status(&old, new);
        }
        self.check_paused_conditions();
        if self.d.spec.paused {
            return self.sync_scale(input);
        }
        if self.is_scaling_event(input) {
            return self.sync_scale(input);
        }
        if self.d.recreate() {
            self.rollout_recreate(input)
        } else {
            self.rollout_rolling(input)
        }
    }

    fn event(&mut self, type_: &'static str, reason: &'static str, message: String) {
        self.actions.push(DeploymentAction::Event {
            type_,
            reason,
            message,
        });
    }

    fn refs(&self, idx: &[usize]) -> Vec<&ReplicaSet> {
        idx.iter().filter_map(|&i| self.rss.get(i)).collect()
    }

    /// `checkPausedConditions`.
    fn check_paused_conditions(&mut self) {
        if !has_progress_deadline(&self.d) {
            return;
        }
        let cond = self.d.condition("Progressing").cloned();
        if cond.as_ref().is_some_and(|c| c.reason == TIMED_OUT_REASON) {
            return;
        }
        let paused_exists = cond.as_ref().is_some_and(|c| c.reason == PAUSED_REASON);
        if self.d.spec.paused && !paused_exists {
            let c = new_condition(
                "Progressing",
                "Unknown",
                PAUSED_REASON,
                "Deployment is paused".into(),
                self.now,
            );
            set_condition(&mut self.d.status, c);
        } else if !self.d.spec.paused && paused_exists {
            let c = new_condition(
                "Progressing",
                "Unknown",
                RESUMED_REASON,
                "Deployment is resumed".into(),
                self.now,
            );
            set_condition(&mut self.d.status, c);
        }
    }

    /// `getAllReplicaSetsAndSyncRevision` + `getNewReplicaSet`: the index of the new set
    /// (created if asked and missing) and of the old ones.
    fn get_all_and_sync_revision(
        &mut self,
        input: &DeploymentInput<'_>,
        create: bool,
    ) -> (Option<usize>, Vec<usize>) {
        let new_idx = find_new_replica_set(&self.d, &self.rss);
        let old: Vec<usize> = (0..self.rss.len())
            .filter(|&i| Some(i) != new_idx)
            .collect();
        let max_old = old
            .iter()
            .filter_map(|&i| self.rss.get(i))
            .map(ReplicaSet::revision)
            .max()
            .unwrap_or(0);
        let new_revision = max_old + 1;
        if let Some(i) = new_idx {
            let mut copy = self.rss[i].clone();
            let annotations_updated =
                set_new_rs_annotations(&self.d, &mut copy, new_revision, true);
            let min_ready_changed = copy.min_ready_seconds() != self.d.min_ready_seconds();
            if annotations_updated || min_ready_changed {
                copy.spec.min_ready_seconds = self.d.spec.min_ready_seconds;
                self.actions
                    .push(DeploymentAction::UpdateReplicaSet(copy.clone()));
                self.rss[i] = copy;
                return (Some(i), old);
            }
            let rev = copy
                .metadata
                .annotations
                .get(REVISION_ANNOTATION)
                .cloned()
                .unwrap_or_default();
            self.set_deployment_revision(&rev);
            if has_progress_deadline(&self.d) && self.d.condition("Progressing").is_none() {
                let c = new_condition(
                    "Progressing",
                    "True",
                    FOUND_NEW_RS_REASON,
                    format!("Found new replica set {:?}", copy.metadata.name),
                    self.now,
                );
                set_condition(&mut self.d.status, c);
            }
            return (Some(i), old);
        }
        if !create {
            return (None, old);
        }
        // A new ReplicaSet: `<deployment>-<pod-template-hash>`.
        let hash = compute_hash(&self.d.spec.template, self.d.status.collision_count);
        let mut template = self.d.spec.template.clone();
        template
            .metadata
            .labels
            .insert(POD_TEMPLATE_HASH.into(), hash.clone());
        let mut selector = self.d.spec.selector.clone().unwrap_or_default();
        selector
            .match_labels
            .insert(POD_TEMPLATE_HASH.into(), hash.clone());
        let name = format!("{}-{hash}", self.d.metadata.name);
        let mut rs = ReplicaSet {
            metadata: ObjectMeta {
                name: name.clone(),
                namespace: self.d.metadata.namespace.clone(),
                labels: template.metadata.labels.clone(),
                owner_references: vec![owner_ref(&self.d)],
                ..ObjectMeta::default()
            },
            spec: ReplicaSetSpec {
                replicas: Some(0),
                min_ready_seconds: self.d.spec.min_ready_seconds,
                selector: Some(selector),
                template,
            },
            status: ReplicaSetStatus::default(),
        };
        let count = {
            let mut all = self.refs(&old);
            all.push(&rs);
            new_rs_new_replicas(&self.d, &all, &rs)
        };
        rs.spec.replicas = Some(count);
        set_new_rs_annotations(&self.d, &mut rs, new_revision, false);
        if let Some(existing) = (input.rs_by_name)(&name) {
            // AlreadyExists: ours with an equal template would have been found above, so
            // this is a hash collision: bump collisionCount and retry (`getNewReplicaSet`).
            let ours = existing
                .metadata
                .controller_ref()
                .is_some_and(|r| r.uid == self.d.metadata.uid);
            if !(ours && equal_ignore_hash(&self.d.spec.template, &existing.spec.template)) {
                let c = self.d.status.collision_count.unwrap_or(0);
                self.d.status.collision_count = Some(c.saturating_add(1));
                self.error = true;
                return (None, old);
            }
        }
        self.actions
            .push(DeploymentAction::CreateReplicaSet(rs.clone()));
        if count > 0 {
            self.event(
                "Normal",
                "ScalingReplicaSet",
                format!("Scaled up replica set {name} from 0 to {count}"),
            );
        }
        self.set_deployment_revision(&new_revision.to_string());
        if has_progress_deadline(&self.d) {
            let c = new_condition(
                "Progressing",
                "True",
                NEW_RS_REASON,
                format!("Created new replica set {name:?}"),
                self.now,
            );
            set_condition(&mut self.d.status, c);
        }
        self.rss.push(rs);
        (Some(self.rss.len() - 1), old)
    }

    /// `SetDeploymentRevision`.
    fn set_deployment_revision(&mut self, revision: &str) {
        if self
            .d
            .metadata
            .annotations
            .get(REVISION_ANNOTATION)
            .map(String::as_str)
            != Some(revision)
        {
            self.d
                .metadata
                .annotations
                .insert(REVISION_ANNOTATION.into(), revision.to_string());
        }
    }

    /// `scaleReplicaSet`: writes the size and the replicas annotations; records
    /// `Scaled up|down replica set NAME from A to B` when the size changed.
    fn scale_replica_set(&mut self, i: usize, new_scale: i32) -> bool {
        let Some(rs) = self.rss.get(i) else {
            return false;
        };
        let desired = self.d.replicas();
        let max = desired + max_surge(&self.d);
        let size_changed = rs.replicas() != new_scale;
        if !size_changed && !replicas_annotations_need_update(rs, desired, max) {
            return false;
        }
        let old_scale = rs.replicas();
        let mut copy = rs.clone();
        copy.spec.replicas = Some(new_scale);
        set_replicas_annotations(&mut copy, desired, max);
        let name = copy.metadata.name.clone();
        self.actions
            .push(DeploymentAction::UpdateReplicaSet(copy.clone()));
        self.rss[i] = copy;
        if size_changed {
            let op = if old_scale < new_scale { "up" } else { "down" };
            self.event(
                "Normal",
                "ScalingReplicaSet",
                format!("Scaled {op} replica set {name} from {old_scale} to {new_scale}"),
            );
        }
        size_changed
    }

    /// `scaleReplicaSetAndRecordEvent`.
    fn scale_and_record(&mut self, i: usize, new_scale: i32) -> bool {
        if self.rss.get(i).is_none_or(|r| r.replicas() == new_scale) {
            return false;
        }
        self.scale_replica_set(i, new_scale)
    }

    /// `isScalingEvent`: an active set's desired-replicas annotation differs from
    /// `spec.replicas`.
    fn is_scaling_event(&mut self, input: &DeploymentInput<'_>) -> bool {
        let (new, old) = self.get_all_and_sync_revision(input, false);
        let want = self.d.replicas().to_string();
        old.iter()
            .copied()
            .chain(new)
            .filter_map(|i| self.rss.get(i))
            .filter(|r| r.replicas() > 0)
            .filter_map(|r| r.metadata.annotations.get(DESIRED_REPLICAS_ANNOTATION))
            .any(|d| *d != want)
    }

    /// `sync`: scale (proportionally when a rollout is under way), clean up when
    /// paused, write the status.
    fn sync_scale(&mut self, input: &DeploymentInput<'_>) -> DeploymentStatus {
        let (new, old) = self.get_all_and_sync_revision(input, false);
        self.scale(new, &old);
        if self.d.spec.paused {
            self.cleanup(&old);
        }
        self.calculate_status(&old, new)
    }

    /// `scale` (sync.go).
    fn scale(&mut self, new: Option<usize>, old: &[usize]) {
        let replicas = self.d.replicas();
        // `FindActiveOrLatest`.
        let mut old_desc: Vec<usize> = old.to_vec();
        old_desc.sort_by(|&a, &b| by_creation(&self.rss[b], &self.rss[a]));
        let active: Vec<usize> = old_desc
            .iter()
            .copied()
            .chain(new)
            .filter(|&i| self.rss[i].replicas() > 0)
            .collect();
        let active_or_latest = match active.len() {
            0 => new.or(old_desc.first().copied()),
            1 => Some(active[0]),
            _ => None,
        };
        if let Some(i) = active_or_latest {
            if self.rss[i].replicas() != replicas {
                self.scale_and_record(i, replicas);
            }
            return;
        }
        if new.is_some_and(|i| is_saturated(&self.d, &self.rss[i])) {
            for &i in old {
                if self.rss[i].replicas() > 0 {
                    self.scale_and_record(i, 0);
                }
            }
            return;
        }
        if self.d.recreate() {
            return;
        }
        let mut all: Vec<usize> = old
            .iter()
            .copied()
            .chain(new)
            .filter(|&i| self.rss[i].replicas() > 0)
            .collect();
        let total: i32 = all.iter().map(|&i| self.rss[i].replicas()).sum();
        let allowed = if replicas > 0 {
            replicas + max_surge(&self.d)
        } else {
            0
        };
        let to_add = allowed - total;
        if to_add > 0 {
            // `ReplicaSetsBySizeNewer`: larger first, newer first on ties.
            all.sort_by(|&a, &b| {
                self.rss[b]
                    .replicas()
                    .cmp(&self.rss[a].replicas())
                    .then_with(|| by_creation(&self.rss[b], &self.rss[a]))
            });
        } else if to_add < 0 {
            // `ReplicaSetsBySizeOlder`: larger first, older first on ties.
            all.sort_by(|&a, &b| {
                self.rss[b]
                    .replicas()
                    .cmp(&self.rss[a].replicas())
                    .then_with(|| by_creation(&self.rss[a], &self.rss[b]))
            });
        }
        let mut added = 0;
        let mut sizes: Vec<i32> = Vec::with_capacity(all.len());
        for &i in &all {
            let rs = &self.rss[i];
            if to_add != 0 {
                let p = replica_set_proportion(rs, &self.d, to_add, added);
                sizes.push(rs.replicas() + p);
                added += p;
            } else {
                sizes.push(rs.replicas());
            }
        }
        for (k, &i) in all.iter().enumerate() {
            if k == 0 && to_add != 0 {
                sizes[0] = (sizes[0] + to_add - added).max(0);
            }
            self.scale_replica_set(i, sizes[k]);
        }
    }

    /// `rolloutRolling`.
    fn rollout_rolling(&mut self, input: &DeploymentInput<'_>) -> DeploymentStatus {
        let (new, old) = self.get_all_and_sync_revision(input, true);
        let Some(new) = new else {
            // The create failed (a collision): the status carries the new count.
            return self.calculate_status(&old, None);
        };
        if self.reconcile_new_replica_set(&old, new) {
            return self.sync_rollout_status(&old, Some(new));
        }
        let active_old: Vec<usize> = old
            .iter()
            .copied()
            .filter(|&i| self.rss[i].replicas() > 0)
            .collect();
        if self.reconcile_old_replica_sets(&old, &active_old, new) {
            return self.sync_rollout_status(&old, Some(new));
        }
        if deployment_complete(&self.d, &self.d.status) {
            self.cleanup(&old);
        }
        self.sync_rollout_status(&old, Some(new))
    }

    /// `reconcileNewReplicaSet`.
    fn reconcile_new_replica_set(&mut self, old: &[usize], new: usize) -> bool {
        let want = self.d.replicas();
        let have = self.rss[new].replicas();
        if have == want {
            return false;
        }
        if have > want {
            return self.scale_and_record(new, want);
        }
        let count = {
            let mut all = self.refs(old);
            all.push(&self.rss[new]);
            new_rs_new_replicas(&self.d, &all, &self.rss[new])
        };
        self.scale_and_record(new, count)
    }

    /// `reconcileOldReplicaSets`: first `cleanupUnhealthyReplicas`, then
    /// `scaleDownOldReplicaSetsForRollingUpdate`, both bounded by minAvailable.
    fn reconcile_old_replica_sets(&mut self, all_old: &[usize], old: &[usize], new: usize) -> bool {
        let old_pods = replica_count(&self.refs(old));
        if old_pods == 0 {
            return false;
        }
        let mut all: Vec<usize> = all_old.to_vec();
        all.push(new);
        let all_pods = replica_count(&self.refs(&all));
        let min_available = self.d.replicas() - max_unavailable(&self.d);
        let new_unavailable = self.rss[new].replicas() - self.rss[new].status.available_replicas;
        let max_scaled_down = all_pods - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        let mut old_sorted = old.to_vec();
        old_sorted.sort_by(|&a, &b| by_creation(&self.rss[a], &self.rss[b]));
        // `cleanupUnhealthyReplicas`: unavailable old pods go first.
        let mut cleaned = 0;
        for &i in &old_sorted {
            if cleaned >= max_scaled_down {
                break;
            }
            let rs = &self.rss[i];
            if rs.replicas() == 0 || rs.replicas() == rs.status.available_replicas {
                continue;
            }
            let n = (max_scaled_down - cleaned).min(rs.replicas() - rs.status.available_replicas);
            let target = rs.replicas() - n;
            self.scale_and_record(i, target);
            cleaned += n;
        }
        // `scaleDownOldReplicaSetsForRollingUpdate`.
        let mut all_now: Vec<usize> = old_sorted.clone();
        all_now.push(new);
        let available = available_replica_count(&self.refs(&all_now));
        let mut scaled = 0;
        if available > min_available {
            let total = available - min_available;
            for &i in &old_sorted {
                if scaled >= total {
                    break;
                }
                let r = self.rss[i].replicas();
                if r == 0 {
                    continue;
                }
                let n = r.min(total - scaled);
                self.scale_and_record(i, r - n);
                scaled += n;
            }
        }
        cleaned + scaled > 0
    }

    /// `rolloutRecreate`: every old pod gone before the new set grows.
    fn rollout_recreate(&mut self, input: &DeploymentInput<'_>) -> DeploymentStatus {
        let (mut new, mut old) = self.get_all_and_sync_revision(input, false);
        // `scaleDownOldReplicaSetsForRecreate`.
        let mut scaled_down = false;
        for i in old.clone() {
            if self.rss[i].replicas() > 0 && self.scale_and_record(i, 0) {
                scaled_down = true;
            }
        }
        if scaled_down {
            return self.sync_rollout_status(&old, new);
        }
        if self.old_pods_running(new, &old) {
            return self.sync_rollout_status(&old, new);
        }
        if new.is_none() {
            (new, old) = self.get_all_and_sync_revision(input, true);
        }
        let Some(n) = new else {
            return self.calculate_status(&old, None);
        };
        // `scaleUpNewReplicaSetForRecreate`.
        let want = self.d.replicas();
        self.scale_and_record(n, want);
        if deployment_complete(&self.d, &self.d.status) {
            self.cleanup(&old);
        }
        self.sync_rollout_status(&old, new)
    }

    /// `oldPodsRunning`.
    fn old_pods_running(&self, new: Option<usize>, old: &[usize]) -> bool {
        if actual_replica_count(&self.refs(old)) > 0 {
            return true;
        }
        let new_uid = new.map(|i| self.rss[i].metadata.uid.as_str());
        self.live_pods
            .iter()
            .any(|(uid, n)| Some(uid.as_str()) != new_uid && *n > 0)
    }

    /// `cleanupDeployment`: old, empty sets beyond `revisionHistoryLimit`, lowest
    /// revision first.
    fn cleanup(&mut self, old: &[usize]) {
        let Some(limit) = self.d.spec.revision_history_limit else {
            return;
        };
        let mut cleanable: Vec<usize> = old
            .iter()
            .copied()
            .filter(|&i| !self.rss[i].metadata.terminating())
            .collect();
        let diff = cleanable.len() as i64 - i64::from(limit);
        if diff <= 0 {
            return;
        }
        cleanable.sort_by(|&a, &b| {
            let (x, y) = (&self.rss[a], &self.rss[b]);
            x.revision()
                .cmp(&y.revision())
                .then_with(|| by_creation(x, y))
        });
        for &i in cleanable.iter().take(diff as usize) {
            let rs = &self.rss[i];
            if rs.status.replicas != 0
                || rs.replicas() != 0
                || rs.metadata.generation > rs.status.observed_generation.unwrap_or(0)
            {
                continue;
            }
            let name = rs.metadata.name.clone();
            self.actions
                .push(DeploymentAction::DeleteReplicaSet { name });
        }
    }

    /// `calculateStatus`.
    fn calculate_status(&self, old: &[usize], new: Option<usize>) -> DeploymentStatus {
        let mut all_idx = old.to_vec();
        all_idx.extend(new);
        let all = self.refs(&all_idx);
        let available = available_replica_count(&all);
        let total = replica_count(&all);
        let mut s = DeploymentStatus {
            observed_generation: Some(self.d.metadata.generation),
            replicas: actual_replica_count(&all),
            updated_replicas: new
                .and_then(|i| self.rss.get(i))
                .map_or(0, |r| r.status.replicas),
            ready_replicas: ready_replica_count(&all),
            available_replicas: available,
            unavailable_replicas: (total - available).max(0),
            conditions: self.d.status.conditions.clone(),
            collision_count: self.d.status.collision_count,
        };
        let c = if available >= self.d.replicas() - max_unavailable(&self.d) {
            new_condition(
                "Available",
                "True",
                MIN_AVAILABLE_REASON,
                "Deployment has minimum availability.".into(),
                self.now,
            )
        } else {
            new_condition(
                "Available",
                "False",
                MIN_UNAVAILABLE_REASON,
                "Deployment does not have minimum availability.".into(),
                self.now,
            )
        };
        set_condition(&mut s, c);
        s
    }

    /// `syncRolloutStatus`: the status plus the Progressing condition.
    fn sync_rollout_status(&mut self, old: &[usize], new: Option<usize>) -> DeploymentStatus {
        let mut s = self.calculate_status(old, new);
        if !has_progress_deadline(&self.d) {
            remove_condition(&mut s, "Progressing");
        }
        let current = self.d.condition("Progressing").cloned();
        let complete_already = s.replicas == s.updated_replicas
            && current
                .as_ref()
                .is_some_and(|c| c.reason == NEW_RS_AVAILABLE_REASON);
        let new_name = new
            .and_then(|i| self.rss.get(i))
            .map(|r| r.metadata.name.clone());
        let d_name = self.d.metadata.name.clone();
        let subject = |n: &Option<String>| match n {
            Some(rs) => format!("ReplicaSet {rs:?}"),
            None => format!("Deployment {d_name:?}"),
        };
        if has_progress_deadline(&self.d) && !complete_already {
            if deployment_complete(&self.d, &s) {
                let c = new_condition(
                    "Progressing",
                    "True",
                    NEW_RS_AVAILABLE_REASON,
                    format!("{} has successfully progressed.", subject(&new_name)),
                    self.now,
                );
                set_condition(&mut s, c);
            } else if deployment_progressing(&self.d, &s) {
                let mut c = new_condition(
                    "Progressing",
                    "True",
                    RS_UPDATED_REASON,
                    format!("{} is progressing.", subject(&new_name)),
                    self.now,
                );
                if let Some(cur) = &current {
                    if cur.status == "True" {
                        c.last_transition = cur.last_transition;
                    }
                    remove_condition(&mut s, "Progressing");
                }
                set_condition(&mut s, c);
            } else if progress_deadline(&self.d, &s).is_some_and(|t| t < self.now) {
                let c = new_condition(
                    "Progressing",
                    "False",
                    TIMED_OUT_REASON,
                    format!("{} has timed out progressing.", subject(&new_name)),
                    self.now,
                );
                set_condition(&mut s, c);
            }
        }
        remove_condition(&mut s, "ReplicaFailure");
        if s == self.d.status {
            // `requeueStuckDeployment`: look again when the deadline passes.
            if !deployment_complete(&self.d, &s) {
                if let Some(t) = progress_deadline(&self.d, &s) {
                    self.requeue_at = Some(if t < self.now + SimDuration::from_secs(1) {
                        self.now + SimDuration::from_millis(5)
                    } else {
                        t + SimDuration::from_secs(1)
                    });
                }
            }
        }
        s
    }
}

fn by_creation(a: &ReplicaSet, b: &ReplicaSet) -> std::cmp::Ordering {
    a.metadata
        .creation
        .cmp(&b.metadata.creation)
        .then_with(|| a.metadata.name.cmp(&b.metadata.name))
}

/// `metav1.NewControllerRef(d, apps/v1 Deployment)`.
pub fn owner_ref(d: &Deployment) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        name: d.metadata.name.clone(),
        uid: d.metadata.uid.clone(),
        controller: true,
        block_owner_deletion: true,
    }
}
