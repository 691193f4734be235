//! Arithmetic and bookkeeping shared by the Deployment controller, mirroring upstream
//! `pkg/controller/deployment/util/deployment_util.go` (function names kept) and
//! apimachinery's `intstr.GetScaledValueFromIntOrPercent`.

use serde_json::Value;

use crate::model::*;
use crate::time::{SimDuration, SimTime};

/// Condition reasons of `deployment_util.go`.
pub const NEW_RS_AVAILABLE_REASON: &str = "NewReplicaSetAvailable";
pub const RS_UPDATED_REASON: &str = "ReplicaSetUpdated";
pub const NEW_RS_REASON: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS_REASON: &str = "FoundNewReplicaSet";
pub const TIMED_OUT_REASON: &str = "ProgressDeadlineExceeded";
pub const MIN_AVAILABLE_REASON: &str = "MinimumReplicasAvailable";
pub const MIN_UNAVAILABLE_REASON: &str = "MinimumReplicasUnavailable";
pub const PAUSED_REASON: &str = "DeploymentPaused";
pub const RESUMED_REASON: &str = "DeploymentResumed";

/// `intstr.GetScaledValueFromIntOrPercent`: an int as is; `"N%"` of `total`, rounded up
/// or down. `None` for a malformed value (validation refuses those).
pub fn scaled_value(v: Option<&Value>, total: i32, round_up: bool) -> Option<i32> {
    match v {
        None => Some(0),
        Some(Value::Number(n)) => n.as_i64().and_then(|i| i32::try_from(i).ok()),
        Some(Value::String(s)) => {
            let p: i64 = s.strip_suffix('%')?.parse().ok()?;
            let product = p * i64::from(total);
            let r = if round_up {
                (product + 99).div_euclid(100)
            } else {
                product.div_euclid(100)
            };
            i32::try_from(r).ok()
        }
        Some(_) => None,
    }
}

/// `ResolveFenceposts`: maxSurge rounded up, maxUnavailable rounded down; both zero
/// resolves maxUnavailable to 1 ("surge might not work due to quota").
pub fn resolve_fenceposts(
    max_surge: Option<&Value>,
    max_unavailable: Option<&Value>,
    desired: i32,
) -> (i32, i32) {
    let surge = scaled_value(max_surge, desired, true).unwrap_or(0);
    let mut unavailable = scaled_value(max_unavailable, desired, false).unwrap_or(0);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

fn fenceposts(d: &Deployment) -> (i32, i32) {
    let ru = d.rolling_update();
    resolve_fenceposts(
        ru.and_then(|r| r.max_surge.as_ref()),
        ru.and_then(|r| r.max_unavailable.as_ref()),
        d.replicas(),
    )
}

/// `MaxUnavailable(deployment)`: 0 for Recreate or zero replicas, at most `replicas`.
pub fn max_unavailable(d: &Deployment) -> i32 {
    if d.recreate() || d.replicas() == 0 {
        return 0;
    }
    fenceposts(d).1.min(d.replicas())
}

/// `MaxSurge(deployment)`: 0 for Recreate.
pub fn max_surge(d: &Deployment) -> i32 {
    if d.recreate() {
        return 0;
    }
    fenceposts(d).0
}

/// `GetReplicaCountForReplicaSets`: the sum of `spec.replicas`.
pub fn replica_count(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|r| r.replicas()).sum()
}

/// `GetActualReplicaCountForReplicaSets`: the sum of `status.replicas`.
pub fn actual_replica_count(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|r| r.status.replicas).sum()
}

/// `GetAvailableReplicaCountForReplicaSets`.
pub fn available_replica_count(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|r| r.status.available_replicas).sum()
}

/// `GetReadyReplicaCountForReplicaSets`.
pub fn ready_replica_count(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|r| r.status.ready_replicas).sum()
}

/// `NewRSNewReplicas`: how far the new ReplicaSet may grow now. RollingUpdate: up to
/// `replicas + maxSurge` pods in all, never more than `replicas` in the new set;
/// Recreate: all at once.
pub fn new_rs_new_replicas(d: &Deployment, all: &[&ReplicaSet], new_rs: &ReplicaSet) -> i32 {
    if d.recreate() {
        return d.replicas();
    }
    // Upstream scales maxSurge directly here (not through ResolveFenceposts).
    let surge = scaled_value(
        d.rolling_update().and_then(|r| r.max_surge.as_ref()),
        d.replicas(),
        true,
    )
    .unwrap_or(0);
    let current = replica_count(all);
    let max_total = d.replicas() + surge;
    if current >= max_total {
        return new_rs.replicas();
    }
    let scale_up = (max_total - current).min(d.replicas() - new_rs.replicas());
    new_rs.replicas() + scale_up
}

/// `EqualIgnoreHash`: templates equal once the `pod-template-hash` label is ignored.
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let strip = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata.labels.remove(POD_TEMPLATE_HASH);
        t
    };
    strip(a) == strip(b)
}

/// `ReplicaSetsByCreationTimestamp`: oldest first, then by name.
pub fn sort_by_creation(rss: &mut [ReplicaSet]) {
    rss.sort_by(|a, b| {
        a.metadata
            .creation
            .cmp(&b.metadata.creation)
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
}

/// `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's
/// (ignoring the hash label); its index in `rss`.
pub fn find_new_replica_set(d: &Deployment, rss: &[ReplicaSet]) -> Option<usize> {
    let mut idx: Vec<usize> = (0..rss.len()).collect();
    idx.sort_by(|&a, &b| {
        rss[a]
            .metadata
            .creation
            .cmp(&rss[b].metadata.creation)
            .then_with(|| rss[a].metadata.name.cmp(&rss[b].metadata.name))
    });
    idx.into_iter()
        .find(|&i| equal_ignore_hash(&rss[i].spec.template, &d.spec.template))
}

/// `DeploymentComplete`: every desired replica updated and available, nothing old
/// left, and the latest spec observed.
pub fn deployment_complete(d: &Deployment, s: &DeploymentStatus) -> bool {
    s.updated_replicas == d.replicas()
        && s.replicas == d.replicas()
        && s.available_replicas == d.replicas()
        && s.observed_generation.unwrap_or(0) >= d.metadata.generation
}

/// `DeploymentProgressing`: more updated, ready or available replicas, or fewer old
/// ones, than the stored status says.
pub fn deployment_progressing(d: &Deployment, new: &DeploymentStatus) -> bool {
    let old = &d.status;
    let old_old = old.replicas - old.updated_replicas;
    let new_old = new.replicas - new.updated_replicas;
    new.updated_replicas > old.updated_replicas
        || new_old < old_old
        || new.ready_replicas > old.ready_replicas
        || new.available_replicas > old.available_replicas
}

/// `HasProgressDeadline`: set and not `math.MaxInt32`.
pub fn has_progress_deadline(d: &Deployment) -> bool {
    d.spec
        .progress_deadline_seconds
        .is_some_and(|s| s != i32::MAX)
}

/// When the Progressing condition times out (`DeploymentTimedOut`): its last update
/// plus `progressDeadlineSeconds`.
pub fn progress_deadline(d: &Deployment, status: &DeploymentStatus) -> Option<SimTime> {
    if !has_progress_deadline(d) {
        return None;
    }
    let c = status
        .conditions
        .iter()
        .find(|c| c.type_ == "Progressing")?;
    // A completed or already failed rollout does not time out again.
    if c.reason == NEW_RS_AVAILABLE_REASON || c.reason == TIMED_OUT_REASON {
        return None;
    }
    let secs = d.spec.progress_deadline_seconds.unwrap_or(600).max(0) as u64;
    Some(c.last_update + SimDuration::from_secs(secs))
}

/// `NewDeploymentCondition`.
pub fn new_condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: SimTime,
) -> DeploymentCondition {
    DeploymentCondition {
        type_: type_.into(),
        status: status.into(),
        last_update: now,
        last_transition: now,
        reason: reason.into(),
        message,
    }
}

/// `SetDeploymentCondition`: an existing condition with the same status and reason is
/// kept as is; with the same status its transition time is kept; the condition then
/// goes last.
pub fn set_condition(status: &mut DeploymentStatus, mut c: DeploymentCondition) {
    if let Some(cur) = status.conditions.iter().find(|x| x.type_ == c.type_) {
        if cur.status == c.status && cur.reason == c.reason {
            return;
        }
        if cur.status == c.status {
            c.last_transition = cur.last_transition;
        }
    }
    status.conditions.retain(|x| x.type_ != c.type_);
    status.conditions.push(c);
}

/// `RemoveDeploymentCondition`.
pub fn remove_condition(status: &mut DeploymentStatus, type_: &str) {
    status.conditions.retain(|x| x.type_ != type_);
}

/// Annotations a Deployment does not copy to its ReplicaSets (`annotationsToSkip`).
pub fn skip_annotation(key: &str) -> bool {
    matches!(
        key,
        "kubectl.kubernetes.io/last-applied-configuration"
            | REVISION_ANNOTATION
            | "deployment.kubernetes.io/revision-history"
            | DESIRED_REPLICAS_ANNOTATION
            | MAX_REPLICAS_ANNOTATION
            | "deprecated.deployment.rollback.to"
    )
}

/// `SetReplicasAnnotations`: desired and max replicas on a ReplicaSet; true if changed.
pub fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i32, max: i32) -> bool {
    let mut changed = false;
    for (k, v) in [
        (DESIRED_REPLICAS_ANNOTATION, desired),
        (MAX_REPLICAS_ANNOTATION, max),
    ] {
        let v = v.to_string();
        if rs.metadata.annotations.get(k) != Some(&v) {
            rs.metadata.annotations.insert(k.into(), v);
            changed = true;
        }
    }
    changed
}

/// `ReplicasAnnotationsNeedUpdate`.
pub fn replicas_annotations_need_update(rs: &ReplicaSet, desired: i32, max: i32) -> bool {
    rs.metadata.annotations.get(DESIRED_REPLICAS_ANNOTATION) != Some(&desired.to_string())
        || rs.metadata.annotations.get(MAX_REPLICAS_ANNOTATION) != Some(&max.to_string())
}

/// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations (but
/// [`skip_annotation`]s), raises the revision to `new_revision` if it is lower, and on a
/// new set adds the replicas annotations. True if anything changed.
pub fn set_new_rs_annotations(
    d: &Deployment,
    rs: &mut ReplicaSet,
    new_revision: i64,
    exists: bool,
) -> bool {
    let mut changed = false;
    for (k, v) in &d.metadata.annotations {
        if skip_annotation(k) {
            continue;
        }
        if rs.metadata.annotations.get(k) != Some(v) {
            rs.metadata.annotations.insert(k.clone(), v.clone());
            changed = true;
        }
    }
    let old = rs.metadata.annotations.get(REVISION_ANNOTATION);
    let old_rev = match old {
        None => 0,
        // An unparsable revision is left alone (upstream returns early).
        Some(s) => match s.parse::<i64>() {
            Ok(n) => n,
            Err(_) => return changed,
        },
    };
    if old_rev < new_revision {
        rs.metadata
            .annotations
            .insert(REVISION_ANNOTATION.into(), new_revision.to_string());
        changed = true;
    }
    if !exists && set_replicas_annotations(rs, d.replicas(), d.replicas() + max_surge(d)) {
        changed = true;
    }
    changed
}

/// `IsSaturated`: the new set has every replica, per spec, annotation and availability.
pub fn is_saturated(d: &Deployment, rs: &ReplicaSet) -> bool {
    let desired = rs
        .metadata
        .annotations
        .get(DESIRED_REPLICAS_ANNOTATION)
        .and_then(|s| s.parse::<i32>().ok());
    desired.is_some_and(|n| n == d.replicas())
        && rs.replicas() == d.replicas()
        && rs.status.available_replicas == d.replicas()
}

/// `getReplicaSetFraction`: this set's share of a proportional scale.
fn replica_set_fraction(rs: &ReplicaSet, d: &Deployment) -> i32 {
    if d.replicas() == 0 {
        return -rs.replicas();
    }
    let max_now = d.replicas() + max_surge(d);
    let before = rs
        .metadata
        .annotations
        .get(MAX_REPLICAS_ANNOTATION)
        .and_then(|s| s.parse::<i32>().ok())
        .filter(|n| *n != 0)
        .unwrap_or(d.status.replicas);
    if before == 0 {
        return 0;
    }
    // `integer.RoundToInt32(float64(rs * max) / float64(before))`: round half away
    // from zero, done in integers.
    let num = i64::from(rs.replicas()) * i64::from(max_now);
    let den = i64::from(before);
    let rounded = (2 * num + den).div_euclid(2 * den);
    rounded as i32 - rs.replicas()
}

/// `GetReplicaSetProportion`.
pub fn replica_set_proportion(rs: &ReplicaSet, d: &Deployment, to_add: i32, added: i32) -> i32 {
    if rs.replicas() == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = replica_set_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deploy(replicas: i32, surge: Value, unavailable: Value) -> Deployment {
        let mut d = Deployment::default();
        d.spec.replicas = Some(replicas);
        d.spec.strategy = Some(DeploymentStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(RollingUpdateDeployment {
                max_surge: Some(surge),
                max_unavailable: Some(unavailable),
            }),
        });
        d
    }

    fn rs(replicas: i32) -> ReplicaSet {
        let mut r = ReplicaSet::default();
        r.spec.replicas = Some(replicas);
        r
    }

    #[test]
    fn percentages_round_up_for_surge_and_down_for_unavailable() {
        // The default 25%/25% on 3 replicas: surge 1, unavailable 0 (the classic
        // "one extra pod at a time" rollout).
        assert_eq!(
            resolve_fenceposts(Some(&json!("25%")), Some(&json!("25%")), 3),
            (1, 0)
        );
        assert_eq!(
            resolve_fenceposts(Some(&json!("25%")), Some(&json!("25%")), 10),
            (3, 2)
        );
        // Both resolving to zero: maxUnavailable becomes 1.
        assert_eq!(
            resolve_fenceposts(Some(&json!("0%")), Some(&json!("10%")), 5),
            (0, 1)
        );
        assert_eq!(
            resolve_fenceposts(Some(&json!(2)), Some(&json!(0)), 3),
            (2, 0)
        );
        assert_eq!(scaled_value(Some(&json!("bad")), 3, true), None);
    }

    #[test]
    fn max_unavailable_is_capped_at_replicas_and_zero_for_recreate() {
        assert_eq!(max_unavailable(&deploy(2, json!(0), json!(5))), 2);
        assert_eq!(max_unavailable(&deploy(0, json!(1), json!(1))), 0);
        let mut d = deploy(3, json!(1), json!(1));
        d.spec.strategy = Some(DeploymentStrategy {
            type_: Some("Recreate".into()),
            rolling_update: None,
        });
        assert_eq!(max_unavailable(&d), 0);
        assert_eq!(max_surge(&d), 0);
        assert_eq!(new_rs_new_replicas(&d, &[&rs(3)], &rs(0)), 3);
    }

    /// Upstream `TestNewRSNewReplicas` (`deployment_util_test.go`): `allRSs` is one
    /// other set of 5 replicas, maxUnavailable 1.
    #[test]
    fn new_rs_new_replicas_follows_upstream_cases() {
        // (name, recreate, deployment replicas, new rs replicas, maxSurge, want)
        let cases = [
            ("can not scale up - to newRSReplicas", false, 1, 5, 1, 5),
            ("scale up - to depReplicas", false, 6, 2, 10, 6),
            ("recreate - to depReplicas", true, 3, 1, 1, 3),
        ];
        let rs5 = rs(5);
        for (name, recreate, replicas, new_n, surge, want) in cases {
            let mut d = deploy(replicas, json!(surge), json!(1));
            if recreate {
                if let Some(s) = d.spec.strategy.as_mut() {
                    s.type_ = Some("Recreate".into());
                }
            }
            let new_rs = rs(new_n);
            assert_eq!(new_rs_new_replicas(&d, &[&rs5], &new_rs), want, "{name}");
        }
    }

    /// The steps of the default rollout of 3 replicas (25%/25%): the new set may only
    /// grow while the total stays at or below 4.
    #[test]
    fn default_surge_on_three_replicas_allows_one_extra_pod() {
        let d = deploy(3, json!("25%"), json!("25%"));
        // (new, old, want)
        for (new_n, old_n, want) in [(0, 3, 1), (1, 3, 1), (1, 2, 2), (2, 1, 3), (3, 0, 3)] {
            let (n, o) = (rs(new_n), rs(old_n));
            assert_eq!(
                new_rs_new_replicas(&d, &[&o, &n], &n),
                want,
                "{new_n}/{old_n}"
            );
        }
    }

    #[test]
    fn proportional_fraction_rounds_half_away_from_zero() {
        // A set of 3 from a 5+1 deployment scaled to 10+1: 3*11/6 = 5.5 → 6, so +3.
        let mut d = deploy(10, json!(1), json!(0));
        d.status.replicas = 6;
        let mut r = rs(3);
        r.metadata
            .annotations
            .insert(MAX_REPLICAS_ANNOTATION.into(), "6".into());
        assert_eq!(replica_set_proportion(&r, &d, 5, 0), 3);
        assert_eq!(replica_set_proportion(&r, &d, 5, 4), 1);
    }

    #[test]
    fn conditions_keep_transition_time_and_ignore_same_reason() {
        let mut s = DeploymentStatus::default();
        let t1 = SimTime::ZERO + SimDuration::from_secs(1);
        let t2 = SimTime::ZERO + SimDuration::from_secs(5);
        set_condition(
            &mut s,
            new_condition("Progressing", "True", NEW_RS_REASON, "a".into(), t1),
        );
        set_condition(
            &mut s,
            new_condition("Progressing", "True", NEW_RS_REASON, "b".into(), t2),
        );
        assert_eq!(s.conditions[0].message, "a");
        set_condition(
            &mut s,
            new_condition("Progressing", "True", RS_UPDATED_REASON, "c".into(), t2),
        );
        assert_eq!(s.conditions[0].last_transition, t1);
        assert_eq!(s.conditions[0].last_update, t2);
    }
}
