//! Deletion and the garbage collector (X-1…X-3, P-6, P-9).
//!
//! Objects whose every owner is gone are deleted (background propagation); foreground
//! deletion keeps the owner, marked Terminating, until its blocking dependents are gone;
//! orphan deletion strips the owner references instead. A claim still mounted by a pod
//! stays Terminating (pvc-protection) until no pod uses it.

use crate::model::*;
use crate::world::{Key, Work, World};
use std::collections::BTreeMap;

/// How dependents of a deleted object are treated (`--cascade`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// Delete dependents after the owner is gone (the default, F-4).
    Background,
    /// Delete dependents first; the owner waits, Terminating.
    Foreground,
    /// Keep dependents, removing their owner references.
    Orphan,
}

impl World {
    /// Is the owner a reference points at still there (same name and uid)?
    fn owner_alive(&self, ns: &str, r: &OwnerReference) -> bool {
        let key = (ns.to_string(), r.name.clone());
        match r.kind.as_str() {
            "StatefulSet" => self.sets.get(&key).is_some_and(|s| s.metadata.uid == r.uid),
            "Deployment" => self
                .deployments
                .get(&key)
                .is_some_and(|d| d.metadata.uid == r.uid),
            "ReplicaSet" => self
                .replica_sets
                .get(&key)
                .is_some_and(|s| s.metadata.uid == r.uid),
            "Pod" => self.pods.get(&key).is_some_and(|p| p.metadata.uid == r.uid),
            _ => true,
        }
    }

    fn orphaned(&self, meta: &ObjectMeta) -> bool {
        !meta.owner_references.is_empty()
            && meta
                .owner_references
                .iter()
                .all(|r| !self.owner_alive(&meta.namespace, r))
    }

    /// After a pod is gone: its claims may now be garbage (P-6) or unprotected (P-9).
    pub(crate) fn collect_after_pod(&mut self, pod: &Pod) {
        for v in &pod.spec.volumes {
            let Some(src) = &v.persistent_volume_claim else {
                continue;
            };
            let key = (pod.metadata.namespace.clone(), src.claim_name.clone());
            let Some(claim) = self.claims.get(&key) else {
                continue;
            };
            if claim.metadata.terminating() {
                if !self.claim_in_use(&key) {
                    self.remove_claim(&key);
                }
            } else if self.orphaned(&claim.metadata) {
                self.delete_claim(&key);
            }
        }
    }

    fn claim_in_use(&self, key: &Key) -> bool {
        self.pods.iter().any(|((ns, _), p)| {
            *ns == key.0
                && p.spec.volumes.iter().any(|v| {
                    v.persistent_volume_claim
                        .as_ref()
                        .is_some_and(|c| c.claim_name == key.1)
                })
        })
    }

    /// Deletes a claim: at once if no pod uses it, else Terminating until then (P-9).
    pub(crate) fn delete_claim(&mut self, key: &Key) {
        if self.claim_in_use(key) {
            let now = self.now;
            let rv = self.next_rv();
            self.log_claim_change(key);
            if let Some(c) = self.claims.get_mut(key) {
                if c.metadata.deletion.is_none() {
                    c.metadata.deletion = Some(now);
                    c.metadata.finalizers = vec!["kubernetes.io/pvc-protection".into()];
                    c.metadata.resource_version = rv;
                    let c = c.clone();
                    self.claim_record("MODIFIED", &c);
                    self.claim_changed(key);
                }
            }
        } else {
            self.remove_claim(key);
        }
    }

    /// One pass of the garbage collector.
    pub(crate) fn collect_garbage(&mut self) {
        // Claims whose owners are all gone.
        let claims: Vec<Key> = self
            .claims
            .iter()
            .filter(|(_, c)| self.orphaned(&c.metadata) && !c.metadata.terminating())
            .map(|(k, _)| k.clone())
            .collect();
        for k in claims {
            self.delete_claim(&k);
        }
        // Protected claims no pod uses any more.
        let released: Vec<Key> = self
            .claims
            .iter()
            .filter(|(k, c)| c.metadata.terminating() && !self.claim_in_use(k))
            .map(|(k, _)| k.clone())
            .collect();
        for k in released {
            self.remove_claim(&k);
        }
        // ReplicaSets whose Deployment is gone (their pods follow in this same pass).
        let replica_sets: Vec<Key> = self
            .replica_sets
            .iter()
            .filter(|(_, r)| self.orphaned(&r.metadata))
            .map(|(k, _)| k.clone())
            .collect();
        for k in replica_sets {
            self.remove_replica_set(&k);
        }
        // Pods whose owner is gone.
        let pods: Vec<Key> = self
            .pods
            .iter()
            .filter(|(_, p)| self.orphaned(&p.metadata) && !p.metadata.terminating())
            .map(|(k, _)| k.clone())
            .collect();
        for k in pods {
            self.delete_pod(&k, None);
        }
        // Revisions whose owner is gone.
        let revs: Vec<Key> = self
            .revisions
            .iter()
            .filter(|(_, r)| self.orphaned(&r.metadata))
            .map(|(k, _)| k.clone())
            .collect();
        for k in revs {
            if let Some(r) = self.revisions.remove(&k) {
                self.revision_record("DELETED", &r);
            }
        }
        // Foreground deletions whose blocking dependents are gone.
        let done: Vec<Key> = self
            .sets
            .iter()
            .filter(|(_, s)| s.metadata.terminating())
            .filter(|(_, s)| {
                let uid = &s.metadata.uid;
                let blocks = |refs: &Vec<OwnerReference>| {
                    refs.iter().any(|r| r.uid == *uid && r.block_owner_deletion)
                };
                !self
                    .pods
                    .values()
                    .any(|p| blocks(&p.metadata.owner_references))
                    && !self
                        .claims
                        .values()
                        .any(|c| blocks(&c.metadata.owner_references))
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in done {
            self.remove_set(&k);
            self.schedule(self.now, Work::CollectGarbage);
        }
    }

    /// Deletes a StatefulSet with the given propagation (X-1…X-3).
    pub fn delete_set(&mut self, key: &Key, propagation: Propagation) -> bool {
        let Some(set) = self.sets.get(key).cloned() else {
            return false;
        };
        let uid = set.metadata.uid.clone();
        match propagation {
            Propagation::Background => {
                self.remove_set(key);
                self.schedule(self.now, Work::CollectGarbage);
            }
            Propagation::Foreground => {
                let now = self.now;
                let mut s = set;
                s.metadata.deletion = Some(now);
                s.metadata.finalizers = vec!["foregroundDeletion".into()];
                self.store_set(s, false);
                // Dependents go now; the set goes once they are gone.
                for k in owned_by(&self.pods, |p| &p.metadata, &uid) {
                    self.delete_pod(&k, None);
                }
                for k in owned_by(&self.claims, |c| &c.metadata, &uid) {
                    self.delete_claim(&k);
                }
                self.schedule(self.now, Work::CollectGarbage);
            }
            Propagation::Orphan => {
                // The GC strips the owner references, then the set goes.
                let pods = owned_by(&self.pods, |p| &p.metadata, &uid);
                self.remove_set(key);
                for k in pods {
                    let u = uid.clone();
                    self.write_pod(&k, |p| p.metadata.owner_references.retain(|r| r.uid != u));
                }
                for k in owned_by(&self.claims, |c| &c.metadata, &uid) {
                    let rv = self.next_rv();
                    self.log_claim_change(&k);
                    if let Some(c) = self.claims.get_mut(&k) {
                        c.metadata.owner_references.retain(|r| r.uid != uid);
                        c.metadata.resource_version = rv;
                        let c = c.clone();
                        self.claim_record("MODIFIED", &c);
                    }
                }
                for k in owned_by(&self.revisions, |r| &r.metadata, &uid) {
                    if let Some(r) = self.revisions.get_mut(&k) {
                        r.metadata.owner_references.retain(|o| o.uid != uid);
                    }
                }
            }
        }
        true
    }
}

/// Keys of the objects in `map` that carry an owner reference to `uid`.
fn owned_by<T>(map: &BTreeMap<Key, T>, meta: impl Fn(&T) -> &ObjectMeta, uid: &str) -> Vec<Key> {
    map.iter()
        .filter(|(_, o)| meta(o).owner_references.iter().any(|r| r.uid == uid))
        .map(|(k, _)| k.clone())
        .collect()
}
