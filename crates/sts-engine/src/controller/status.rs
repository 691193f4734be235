//! Status computation (section 11) and the write rule.
//!
//! Models `computeReplicaStatus`, `completeRollingUpdate` and `inconsistentStatus`.

use super::available;
use crate::model::*;
use crate::time::SimTime;

/// Adds one claimed pod to the counters (S-2…S-6). Pods with an empty phase do not
/// exist yet and are not counted.
pub fn count_pod(status: &mut StatefulSetStatus, pod: &Pod, min_ready_seconds: i32, now: SimTime) {
    if pod.status.phase.is_empty() {
        return;
    }
    status.replicas += 1;
    if pod.running_and_ready() {
        status.ready_replicas += 1;
        let since = pod
            .ready_condition()
            .map(|c| c.last_transition)
            .unwrap_or_default();
        if available(true, since, min_ready_seconds, now) {
            status.available_replicas += 1;
        }
    }
    if !pod.metadata.terminating() {
        let rev = pod.revision().unwrap_or("");
        if rev == status.current_revision {
            status.current_replicas += 1;
        }
        if rev == status.update_revision {
            status.updated_replicas += 1;
        }
    }
}

/// a RollingUpdate set whose every replica is updated and ready has finished its
/// rollout: the update revision becomes the current one. Never under OnDelete.
pub fn complete_rolling_update(set: &StatefulSet, status: &mut StatefulSetStatus) {
    let n = set.replicas();
    if set.strategy() == UpdateStrategyType::RollingUpdate
        && status.updated_replicas == n
        && status.ready_replicas == n
        && status.replicas == n
    {
        status.current_revision = status.update_revision.clone();
        status.current_replicas = status.updated_replicas;
    }
}

/// does `new` differ from the stored status in a way that warrants a write?
pub fn inconsistent(stored: &StatefulSetStatus, new: &StatefulSetStatus) -> bool {
    new.observed_generation.unwrap_or(0) > stored.observed_generation.unwrap_or(0)
        || new.observed_generation.is_some() != stored.observed_generation.is_some()
        || new.replicas != stored.replicas
        || new.current_replicas != stored.current_replicas
        || new.ready_replicas != stored.ready_replicas
        || new.updated_replicas != stored.updated_replicas
        || new.available_replicas != stored.available_replicas
        || new.current_revision != stored.current_revision
        || new.update_revision != stored.update_revision
        || new.collision_count != stored.collision_count
}
