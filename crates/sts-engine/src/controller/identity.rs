//! Pod identity and storage for one StatefulSet: names, ordinals, the pod a slot should
//! hold, the claims it mounts, and the checks the controller repairs.
//!
//! Models `stateful_set_utils.go`: `getParentNameAndOrdinal`, `getPodName`,
//! `getPersistentVolumeClaimName`, `identityMatches`, `storageMatches`,
//! `newVersionedStatefulSetPod`, `getPersistentVolumeClaims` and the PVC ownerRef helpers.

use crate::model::*;
use std::collections::BTreeMap;

/// The pod name for `ordinal` of set `set_name` (I-1).
pub fn pod_name(set_name: &str, ordinal: i32) -> String {
    format!("{set_name}-{ordinal}")
}

/// The claim name for template `template` of pod `set_name-ordinal` (P-1).
pub fn claim_name(template: &str, set_name: &str, ordinal: i32) -> String {
    format!("{template}-{set_name}-{ordinal}")
}

/// The ordinal of a pod named `<set>-<digits>`, or `None` if it is not a member-style
/// name or the digits do not fit in 32 bits (section 1: such pods are ignored).
pub fn parse_ordinal(set_name: &str, pod_name: &str) -> Option<i32> {
    let rest = pod_name.strip_prefix(set_name)?.strip_prefix('-')?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse::<i32>().ok()
}

/// True if the pod's name looks like a member of `set_name` (`isMemberOf`).
pub fn is_member_name(set_name: &str, pod_name: &str) -> bool {
    pod_name
        .strip_prefix(set_name)
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
}

/// The ownerReference that points at `set` (I-1).
pub fn set_owner_ref(set: &StatefulSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: set.metadata.name.clone(),
        uid: set.metadata.uid.clone(),
        controller: true,
        block_owner_deletion: true,
    }
}

/// The ownerReference that points at `pod` (P-5, whenScaled: Delete).
pub fn pod_owner_ref(pod: &Pod) -> OwnerReference {
    OwnerReference {
        api_version: "v1".into(),
        kind: "Pod".into(),
        name: pod.metadata.name.clone(),
        uid: pod.metadata.uid.clone(),
        controller: true,
        block_owner_deletion: true,
    }
}

/// `identityMatches`: name, namespace and the pod-name label are right. The
/// pod-index label is not checked, as upstream.
pub fn identity_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let Some(ord) = parse_ordinal(&set.metadata.name, &pod.metadata.name) else {
        return false;
    };
    pod.metadata.name == pod_name(&set.metadata.name, ord)
        && pod.metadata.namespace == set.metadata.namespace
        && pod.metadata.labels.get(POD_NAME_LABEL) == Some(&pod.metadata.name)
}

/// `storageMatches`: every claim template has a volume pointing at the right claim.
pub fn storage_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let Some(ord) = parse_ordinal(&set.metadata.name, &pod.metadata.name) else {
        return false;
    };
    set.spec.volume_claim_templates.iter().all(|t| {
        let want = claim_name(&t.metadata.name, &set.metadata.name, ord);
        pod.spec.volumes.iter().any(|v| {
            v.name == t.metadata.name
                && v.persistent_volume_claim
                    .as_ref()
                    .is_some_and(|c| c.claim_name == want)
        })
    })
}

/// Repairs identity and storage in place (`updateIdentity` + `updateStorage`).
pub fn repair(set: &StatefulSet, pod: &mut Pod) {
    let Some(ord) = parse_ordinal(&set.metadata.name, &pod.metadata.name) else {
        return;
    };
    pod.metadata.namespace = set.metadata.namespace.clone();
    pod.metadata
        .labels
        .insert(POD_NAME_LABEL.into(), pod.metadata.name.clone());
    set_claim_volumes(set, ord, &mut pod.spec);
}

/// Replaces (or adds) one volume per claim template (P-2).
fn set_claim_volumes(set: &StatefulSet, ordinal: i32, spec: &mut PodSpec) {
    for t in &set.spec.volume_claim_templates {
        let vol = Volume {
            name: t.metadata.name.clone(),
            persistent_volume_claim: Some(PvcVolumeSource {
                claim_name: claim_name(&t.metadata.name, &set.metadata.name, ordinal),
                read_only: false,
            }),
            extra: BTreeMap::new(),
        };
        match spec.volumes.iter_mut().find(|v| v.name == vol.name) {
            Some(v) => *v = vol,
            None => spec.volumes.push(vol),
        }
    }
}

/// Builds the pod for `ordinal` from `revision` (`newVersionedStatefulSetPod`, I-1…I-3).
pub fn new_pod(set: &StatefulSet, revision: &ControllerRevision, ordinal: i32) -> Pod {
    let template = &revision.template;
    let name = pod_name(&set.metadata.name, ordinal);
    let mut labels = template.metadata.labels.clone();
    labels.insert(POD_NAME_LABEL.into(), name.clone());
    labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
    labels.insert(
        CONTROLLER_REVISION_HASH.into(),
        revision.metadata.name.clone(),
    );
    let mut spec = template.spec.clone();
    spec.hostname = Some(name.clone());
    spec.subdomain = if set.spec.service_name.is_empty() {
        None
    } else {
        Some(set.spec.service_name.clone())
    };
    set_claim_volumes(set, ordinal, &mut spec);
    Pod {
        metadata: ObjectMeta {
            name,
            namespace: set.metadata.namespace.clone(),
            labels,
            annotations: template.metadata.annotations.clone(),
            finalizers: template.metadata.finalizers.clone(),
            owner_references: vec![set_owner_ref(set)],
            ..ObjectMeta::default()
        },
        spec,
        status: PodStatus::default(),
    }
}

/// The claims pod `ordinal` should have, keyed by claim name (`getPersistentVolumeClaims`):
/// the template's spec, labels merged with the selector's matchLabels (P-1).
pub fn claims_for(set: &StatefulSet, ordinal: i32) -> Vec<PersistentVolumeClaim> {
    let match_labels = set
        .spec
        .selector
        .as_ref()
        .map(|s| s.match_labels.clone())
        .unwrap_or_default();
    set.spec
        .volume_claim_templates
        .iter()
        .map(|t| {
            let mut labels = t.metadata.labels.clone();
            labels.extend(match_labels.iter().map(|(k, v)| (k.clone(), v.clone())));
            PersistentVolumeClaim {
                metadata: ObjectMeta {
                    name: claim_name(&t.metadata.name, &set.metadata.name, ordinal),
                    namespace: set.metadata.namespace.clone(),
                    labels,
                    annotations: t.metadata.annotations.clone(),
                    ..ObjectMeta::default()
                },
                spec: t.spec.clone(),
                status: PvcStatus::default(),
            }
        })
        .collect()
}

/// What the retention policy wants for one claim (P-5).
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimRefs {
    /// The claim already matches the policy.
    UpToDate,
    /// Replace the claim's ownerReferences with these.
    Update(Vec<OwnerReference>),
    /// Another controller owns the claim: the policy is ignored for it, our refs are
    /// removed if present (`Some`), and a `ConflictingController` warning is due.
    Conflict(Option<Vec<OwnerReference>>),
    /// A ref names this set or pod with another UID: leave the claim alone.
    Stale,
}

fn is_ref_to(r: &OwnerReference, kind: &str, name: &str) -> bool {
    r.kind == kind && r.name == name
}

/// `updateClaimOwnerRefForSetAndPod` and friends: how the claim's ownerReferences must
/// change so that `whenDeleted`/`whenScaled` hold for `pod` (P-5). `in_range` tells
/// whether the pod's ordinal is in range (not scaled down).
pub fn claim_refs(
    set: &StatefulSet,
    pod: &Pod,
    claim: &PersistentVolumeClaim,
    in_range: bool,
) -> ClaimRefs {
    let scaled = set.when_scaled();
    let deleted = set.when_deleted();
    let refs = &claim.metadata.owner_references;
    let set_ref = set_owner_ref(set);
    let ours = |r: &OwnerReference| {
        (is_ref_to(r, "StatefulSet", &set.metadata.name) && r.uid == set.metadata.uid)
            || (is_ref_to(r, "Pod", &pod.metadata.name) && r.uid == pod.metadata.uid)
    };
    if scaled == Retention::Retain && deleted == Retention::Retain {
        // Under Retain/Retain other owners are irrelevant; only our refs go away.
        let kept: Vec<OwnerReference> = refs.iter().filter(|r| !ours(r)).cloned().collect();
        return if kept.len() == refs.len() {
            ClaimRefs::UpToDate
        } else {
            ClaimRefs::Update(kept)
        };
    }
    // A controller that is neither this set nor this pod owns the claim.
    let foreign = refs.iter().any(|r| {
        r.controller
            && !(is_ref_to(r, "StatefulSet", &set.metadata.name)
                || is_ref_to(r, "Pod", &pod.metadata.name))
    });
    if foreign {
        let kept: Vec<OwnerReference> = refs.iter().filter(|r| !ours(r)).cloned().collect();
        return ClaimRefs::Conflict((kept.len() != refs.len()).then_some(kept));
    }
    // A ref to our set or pod name with an older UID: leave the claim completely alone.
    let stale = refs.iter().any(|r| {
        (is_ref_to(r, "StatefulSet", &set.metadata.name) && r.uid != set.metadata.uid)
            || (is_ref_to(r, "Pod", &pod.metadata.name)
                && !pod.metadata.uid.is_empty()
                && r.uid != pod.metadata.uid)
    });
    if stale {
        return ClaimRefs::Stale;
    }
    let want_set = match (scaled, deleted) {
        (_, Retention::Delete) => in_range || scaled == Retention::Retain,
        _ => false,
    };
    let want_pod = scaled == Retention::Delete && !in_range;
    let mut next: Vec<OwnerReference> = refs
        .iter()
        .filter(|r| {
            let is_set = is_ref_to(r, "StatefulSet", &set.metadata.name);
            let is_pod = is_ref_to(r, "Pod", &pod.metadata.name);
            (!is_set || want_set) && (!is_pod || want_pod)
        })
        .cloned()
        .collect();
    if want_set && !next.iter().any(|r| r.uid == set_ref.uid) {
        next.push(set_ref);
    }
    if want_pod && !next.iter().any(|r| r.uid == pod.metadata.uid) {
        next.push(pod_owner_ref(pod));
    }
    if next == *refs {
        ClaimRefs::UpToDate
    } else {
        ClaimRefs::Update(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_come_from_names_only() {
        assert_eq!(parse_ordinal("web", "web-0"), Some(0));
        assert_eq!(parse_ordinal("web", "web-12"), Some(12));
        assert_eq!(parse_ordinal("web", "web-x"), None);
        assert_eq!(parse_ordinal("web", "webx-1"), None);
        assert_eq!(parse_ordinal("web", "web-99999999999"), None);
        assert!(is_member_name("web", "web-99999999999"));
        assert_eq!(claim_name("www", "web", 2), "www-web-2");
    }
}
