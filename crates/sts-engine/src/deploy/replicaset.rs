//! The ReplicaSet controller as a pure function: one sync of one ReplicaSet, upstream
//! `pkg/controller/replicaset/replica_set.go` (`syncReplicaSet`, `manageReplicas`,
//! `slowStartBatch`, `getPodsToDelete`), `replica_set_utils.go` (`calculateStatus`) and
//! `pkg/controller/controller_utils.go` (`ActivePodsWithRanks`, `GetPodFromTemplate`).
//!
//! Pods are created from the template with `generateName: <rs>-`; the world (the API
//! server) draws the five random characters from the seeded RNG when it applies the
//! create, and records `Created pod: NAME` then.

use std::cmp::Ordering;

use crate::model::*;
use crate::time::{SimDuration, SimTime};

/// `burstReplicas`: at most this many creates or deletes per sync.
pub const BURST_REPLICAS: usize = 500;

/// Everything one ReplicaSet sync reads.
pub struct ReplicaSetInput<'a> {
    pub rs: &'a ReplicaSet,
    /// The pods it controls (controllerRef uid), any order.
    pub pods: Vec<&'a Pod>,
    /// Pods of every ReplicaSet with the same owner (this one included), for the
    /// "doubled up on a node" rank (`getIndirectlyRelatedPods`).
    pub related: Vec<&'a Pod>,
    pub now: SimTime,
}

/// One API write, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplicaSetAction {
    /// Create a pod; its `generateName` is set, its name is not.
    CreatePod(Box<Pod>),
    /// Delete a pod (gracefully).
    DeletePod { name: String },
}

/// What one sync decided.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaSetDecision {
    pub actions: Vec<ReplicaSetAction>,
    /// The creates grouped as `slowStartBatch` issues them (1, 2, 4, …).
    pub batches: Vec<usize>,
    pub status: ReplicaSetStatus,
    /// Look again after this long (availability after `minReadySeconds`).
    pub requeue_after: Option<SimDuration>,
}

/// `controller.FilterActivePods`: not Succeeded, not Failed, not Terminating.
pub fn is_active(p: &Pod) -> bool {
    !matches!(p.status.phase.as_str(), "Succeeded" | "Failed") && !p.metadata.terminating()
}

/// `podutil.IsPodReady`: the Ready condition is True.
pub fn is_ready(p: &Pod) -> bool {
    p.ready_condition().is_some_and(|c| c.status == "True")
}

/// `podutil.IsPodAvailable`: Ready for more than `min_ready` seconds.
pub fn is_available(p: &Pod, min_ready: i32, now: SimTime) -> bool {
    let Some(c) = p.ready_condition().filter(|c| c.status == "True") else {
        return false;
    };
    crate::controller::available(true, c.last_transition, min_ready, now)
}

/// `slowStartBatch(count, SlowStartInitialBatchSize=1)`: batch sizes 1, 2, 4, … up to
/// `count` in all.
pub fn slow_start_batches(count: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut remaining = count;
    let mut batch = remaining.min(1);
    while batch > 0 {
        out.push(batch);
        remaining -= batch;
        batch = (2 * batch).min(remaining);
    }
    out
}

/// `metav1.NewControllerRef(rs, apps/v1 ReplicaSet)`.
pub fn owner_ref(rs: &ReplicaSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "ReplicaSet".into(),
        name: rs.metadata.name.clone(),
        uid: rs.metadata.uid.clone(),
        controller: true,
        block_owner_deletion: true,
    }
}

/// `GetPodFromTemplate`: labels, annotations and finalizers of the template,
/// `generateName: <rs>-`, the controller reference, the template's spec.
pub fn pod_from_template(rs: &ReplicaSet) -> Pod {
    let t = &rs.spec.template;
    Pod {
        metadata: ObjectMeta {
            generate_name: format!("{}-", rs.metadata.name),
            namespace: rs.metadata.namespace.clone(),
            labels: t.metadata.labels.clone(),
            annotations: t.metadata.annotations.clone(),
            finalizers: t.metadata.finalizers.clone(),
            owner_references: vec![owner_ref(rs)],
            ..ObjectMeta::default()
        },
        spec: t.spec.clone(),
        status: PodStatus::default(),
    }
}

/// `podPhaseToOrdinal`: Pending < Unknown < Running.
fn phase_ordinal(p: &Pod) -> i32 {
    match p.status.phase.as_str() {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    }
}

/// `controller.kubernetes.io/pod-deletion-cost` (PodDeletionCost, on by default).
fn deletion_cost(p: &Pod) -> i32 {
    p.metadata
        .annotations
        .get("controller.kubernetes.io/pod-deletion-cost")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn ready_time(p: &Pod) -> Option<SimTime> {
    p.ready_condition()
        .filter(|c| c.status == "True")
        .map(|c| c.last_transition)
}

fn max_restarts(p: &Pod) -> i64 {
    p.status
        .container_statuses
        .iter()
        .map(|c| c.restart_count)
        .max()
        .unwrap_or(0)
}

/// `logarithmicRankDiff` (LogarithmicScaleDown, GA): the difference of
/// `floor(log2(now - t))` in nanoseconds, computed exactly on integers.
fn log_rank_diff(t1: SimTime, t2: SimTime, now: SimTime) -> i64 {
    let rank = |t: SimTime| -> i64 {
        let d = u128::from(now.as_millis().saturating_sub(t.as_millis())) * 1_000_000;
        if d == 0 {
            -1
        } else {
            i64::from(127 - d.leading_zeros() as i32)
        }
    };
    rank(t1) - rank(t2)
}

/// `ActivePodsWithRanks.Less`: which pod goes first on scale-down. `rank` is how many
/// active related pods share the pod's node.
pub fn deletion_order(a: (&Pod, usize), b: (&Pod, usize), now: SimTime) -> Ordering {
    let (pa, ra) = a;
    let (pb, rb) = b;
    // 1. Unassigned < assigned.
    let (na, nb) = (pa.node().unwrap_or(""), pb.node().unwrap_or(""));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return if na.is_empty() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    // 2. Pending < Unknown < Running.
    let c = phase_ordinal(pa).cmp(&phase_ordinal(pb));
    if c != Ordering::Equal {
        return c;
    }
    // 3. Not ready < ready.
    let (ya, yb) = (is_ready(pa), is_ready(pb));
    if ya != yb {
        return if !ya {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    // 4. Lower pod-deletion-cost first.
    let c = deletion_cost(pa).cmp(&deletion_cost(pb));
    if c != Ordering::Equal {
        return c;
    }
    // 5. Doubled up (more colocated related pods) first.
    if ra != rb {
        return rb.cmp(&ra);
    }
    // 6. Ready for less time first (logarithmic buckets; equal buckets by uid).
    if ya && yb {
        let (ta, tb) = (ready_time(pa), ready_time(pb));
        if ta != tb {
            return match (ta, tb) {
                (Some(x), Some(y)) => match log_rank_diff(x, y, now) {
                    0 => pa.metadata.uid.cmp(&pb.metadata.uid),
                    d if d < 0 => Ordering::Less,
                    _ => Ordering::Greater,
                },
                // `afterOrZero`: a zero time sorts first.
                (None, _) => Ordering::Less,
                (_, None) => Ordering::Greater,
            };
        }
    }
    // 7. Higher restart count first.
    let c = max_restarts(pb).cmp(&max_restarts(pa));
    if c != Ordering::Equal {
        return c;
    }
    // 8. Newer first (logarithmic buckets; equal buckets by uid).
    let (ca, cb) = (pa.metadata.creation, pb.metadata.creation);
    if ca != cb {
        return match log_rank_diff(ca, cb, now) {
            0 => pa.metadata.uid.cmp(&pb.metadata.uid),
            d if d < 0 => Ordering::Less,
            _ => Ordering::Greater,
        };
    }
    Ordering::Equal
}

/// `getPodsToDelete`: the first `diff` pods by [`deletion_order`] (all of them without
/// sorting when every pod goes). Upstream's `sort.Sort` is not stable; pods that compare
/// equal keep name order here.
pub fn pods_to_delete<'a>(
    pods: &[&'a Pod],
    related: &[&Pod],
    diff: usize,
    now: SimTime,
) -> Vec<&'a Pod> {
    let mut sorted: Vec<&Pod> = pods.to_vec();
    sorted.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    if diff < sorted.len() {
        let mut on_node: std::collections::BTreeMap<&str, usize> = Default::default();
        for p in related.iter().filter(|p| is_active(p)) {
            *on_node.entry(p.node().unwrap_or("")).or_default() += 1;
        }
        let rank = |p: &Pod| on_node.get(p.node().unwrap_or("")).copied().unwrap_or(0);
        sorted.sort_by(|a, b| deletion_order((a, rank(a)), (b, rank(b)), now));
    }
    sorted.truncate(diff);
    sorted
}

/// One `syncReplicaSet`.
pub fn sync(input: &ReplicaSetInput<'_>) -> ReplicaSetDecision {
    let rs = input.rs;
    let active: Vec<&Pod> = input
        .pods
        .iter()
        .copied()
        .filter(|p| is_active(p))
        .collect();
    let mut actions = Vec::new();
    let mut batches = Vec::new();
    if !rs.metadata.terminating() {
        // `manageReplicas`.
        let want = rs.replicas().max(0) as usize;
        if active.len() < want {
            let diff = (want - active.len()).min(BURST_REPLICAS);
            batches = slow_start_batches(diff);
            for _ in 0..diff {
                actions.push(ReplicaSetAction::CreatePod(Box::new(pod_from_template(rs))));
            }
        } else if active.len() > want {
            let diff = (active.len() - want).min(BURST_REPLICAS);
            for p in pods_to_delete(&active, &input.related, diff, input.now) {
                actions.push(ReplicaSetAction::DeletePod {
                    name: p.metadata.name.clone(),
                });
            }
        }
    }
    // `calculateStatus` over the pods seen at the start of the sync.
    let template_labels = &rs.spec.template.metadata.labels;
    let min_ready = rs.min_ready_seconds();
    let mut status = ReplicaSetStatus {
        replicas: active.len() as i32,
        observed_generation: Some(rs.metadata.generation),
        ..ReplicaSetStatus::default()
    };
    for p in &active {
        if template_labels
            .iter()
            .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
        {
            status.fully_labeled_replicas += 1;
        }
        if is_ready(p) {
            status.ready_replicas += 1;
            if is_available(p, min_ready, input.now) {
                status.available_replicas += 1;
            }
        }
    }
    // "Resync the ReplicaSet after MinReadySeconds as a last line of defense".
    let requeue_after = (min_ready > 0
        && status.ready_replicas == rs.replicas()
        && status.available_replicas != rs.replicas())
    .then(|| SimDuration::from_secs(min_ready as u64));
    ReplicaSetDecision {
        actions,
        batches,
        status,
        requeue_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, node: Option<&str>, phase: &str, ready_at: Option<u64>) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = name.into();
        p.metadata.uid = format!("uid-{name}");
        p.spec.node_name = node.map(String::from);
        p.status.phase = phase.into();
        if let Some(t) = ready_at {
            p.status.conditions.push(PodCondition {
                type_: "Ready".into(),
                status: "True".into(),
                last_transition: SimTime::ZERO + SimDuration::from_secs(t),
                ..PodCondition::default()
            });
        }
        p
    }

    #[test]
    fn slow_start_doubles_the_batch() {
        assert_eq!(slow_start_batches(0), Vec::<usize>::new());
        assert_eq!(slow_start_batches(1), vec![1]);
        assert_eq!(slow_start_batches(5), vec![1, 2, 2]);
        assert_eq!(slow_start_batches(10), vec![1, 2, 4, 3]);
    }

    #[test]
    fn scale_down_deletes_unscheduled_then_pending_then_not_ready_then_newest_ready() {
        let now = SimTime::ZERO + SimDuration::from_secs(1000);
        let unscheduled = pod("a-unscheduled", None, "Pending", None);
        let pending = pod("b-pending", Some("n1"), "Pending", None);
        let not_ready = pod("c-not-ready", Some("n1"), "Running", None);
        let old_ready = pod("d-old-ready", Some("n2"), "Running", Some(10));
        let new_ready = pod("e-new-ready", Some("n3"), "Running", Some(990));
        let pods = vec![&old_ready, &new_ready, &not_ready, &pending, &unscheduled];
        let names = |n: usize| -> Vec<String> {
            pods_to_delete(&pods, &pods, n, now)
                .iter()
                .map(|p| p.metadata.name.clone())
                .collect()
        };
        assert_eq!(
            names(4),
            ["a-unscheduled", "b-pending", "c-not-ready", "e-new-ready"]
        );
    }

    #[test]
    fn scale_down_prefers_pods_doubled_up_on_a_node() {
        let now = SimTime::ZERO + SimDuration::from_secs(100);
        let a = pod("a", Some("n1"), "Running", Some(5));
        let b = pod("b", Some("n2"), "Running", Some(5));
        let c = pod("c", Some("n2"), "Running", Some(5));
        let pods = vec![&a, &b, &c];
        let first = pods_to_delete(&pods, &pods, 1, now);
        assert_eq!(first[0].node(), Some("n2"));
    }

    #[test]
    fn a_sync_creates_the_missing_pods_and_counts_ready_and_available() {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = "web-abc".into();
        rs.metadata.generation = 2;
        rs.spec.replicas = Some(3);
        rs.spec.min_ready_seconds = Some(10);
        rs.spec
            .template
            .metadata
            .labels
            .insert("app".into(), "web".into());
        let mut p = pod("web-abc-x", Some("n1"), "Running", Some(95));
        p.metadata.labels.insert("app".into(), "web".into());
        let now = SimTime::ZERO + SimDuration::from_secs(100);
        let d = sync(&ReplicaSetInput {
            rs: &rs,
            pods: vec![&p],
            related: vec![&p],
            now,
        });
        assert_eq!(d.batches, vec![1, 1]);
        assert_eq!(d.actions.len(), 2);
        match &d.actions[0] {
            ReplicaSetAction::CreatePod(p) => {
                assert_eq!(p.metadata.generate_name, "web-abc-");
                assert_eq!(p.metadata.owner_references[0].kind, "ReplicaSet");
                assert!(p.metadata.name.is_empty());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(d.status.replicas, 1);
        assert_eq!(d.status.fully_labeled_replicas, 1);
        assert_eq!(d.status.ready_replicas, 1);
        // Ready 5 s < minReadySeconds 10: not available yet.
        assert_eq!(d.status.available_replicas, 0);
        assert_eq!(d.status.observed_generation, Some(2));
    }
}
