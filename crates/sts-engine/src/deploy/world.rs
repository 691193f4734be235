//! The Deployment and ReplicaSet controllers wired into the world: their objects in the
//! store, their syncs in the queue, their writes applied and traced.
//!
//! Triggers follow upstream's informer handlers: a pod add/update/delete queues the
//! ReplicaSet that controls it (`replica_set.go` `addPod`/`updatePod`/`deletePod`, plus
//! a look after `minReadySeconds` when a pod turns Ready); a ReplicaSet write queues that
//! ReplicaSet and the Deployment that controls it (`deployment_controller.go`
//! `addReplicaSet`/`updateReplicaSet`/`deleteReplicaSet`); a pod deletion also queues the
//! Deployment (`deletePod`, which Recreate waits on). Syncs of one object at one instant
//! coalesce like the StatefulSet's.

use std::collections::BTreeMap;

use serde_json::json;

use super::deployment::{self, DeploymentAction, DeploymentInput};
use super::replicaset::{self, ReplicaSetAction, ReplicaSetInput};
use crate::cluster::gc::Propagation;
use crate::model::*;
use crate::printers;
use crate::time::SimDuration;
use crate::trace::{ObjectRecord, Record};
use crate::world::{Key, Work, World};

/// Failing syncs are retried with 5 ms doubling back-off this many times.
const MAX_RETRIES: u32 = 10;

/// How many names `generateName` tries before giving up (the API server's
/// `RetryGenerateName`, on by default in 1.32, retries a taken name).
const NAME_ATTEMPTS: usize = 8;

impl World {
    // ------------------------------------------------------------------------------
    // Lookups

    /// The ReplicaSet that controls a pod, by ownerRef uid.
    pub fn owner_replica_set_of(&self, pod: &Pod) -> Option<Key> {
        let r = pod.metadata.controller_ref()?;
        if r.kind != "ReplicaSet" {
            return None;
        }
        let key = (pod.metadata.namespace.clone(), r.name.clone());
        self.replica_sets
            .get(&key)
            .filter(|s| s.metadata.uid == r.uid)
            .map(|_| key)
    }

    /// The Deployment that controls a ReplicaSet, by ownerRef uid.
    pub fn owner_deployment_of(&self, rs: &ReplicaSet) -> Option<Key> {
        let r = rs.metadata.controller_ref()?;
        if r.kind != "Deployment" {
            return None;
        }
        let key = (rs.metadata.namespace.clone(), r.name.clone());
        self.deployments
            .get(&key)
            .filter(|d| d.metadata.uid == r.uid)
            .map(|_| key)
    }

    /// The ReplicaSets a Deployment controls, oldest first.
    pub fn replica_sets_of(&self, d: &Deployment) -> Vec<&ReplicaSet> {
        let ns = &d.metadata.namespace;
        let mut v: Vec<&ReplicaSet> = self
            .replica_sets
            .range((ns.clone(), String::new())..)
            .take_while(|((n, _), _)| n == ns)
            .map(|(_, r)| r)
            .filter(|r| {
                r.metadata
                    .controller_ref()
                    .is_some_and(|o| o.uid == d.metadata.uid)
            })
            .collect();
        v.sort_by(|a, b| {
            a.metadata
                .creation
                .cmp(&b.metadata.creation)
                .then_with(|| a.metadata.name.cmp(&b.metadata.name))
        });
        v
    }

    /// The pods a ReplicaSet controls, by name.
    pub fn pods_of_replica_set(&self, rs: &ReplicaSet) -> Vec<&Pod> {
        let ns = &rs.metadata.namespace;
        self.pods
            .range((ns.clone(), String::new())..)
            .take_while(|((n, _), _)| n == ns)
            .map(|(_, p)| p)
            .filter(|p| {
                p.metadata
                    .controller_ref()
                    .is_some_and(|o| o.uid == rs.metadata.uid)
            })
            .collect()
    }

    // ------------------------------------------------------------------------------
    // Triggers

    /// A pod write: queue its ReplicaSet; when it just turned Ready and the set has
    /// `minReadySeconds`, look again once it can be available (`updatePod`).
    pub(crate) fn pod_changed_for_replica_set(&mut self, key: &Key, was_ready: bool) {
        let Some(pod) = self.pods.get(key) else {
            return;
        };
        let Some(rs_key) = self.owner_replica_set_of(pod) else {
            return;
        };
        let now_ready = replicaset::is_ready(pod);
        self.schedule(self.now, Work::SyncReplicaSet(rs_key.clone()));
        let min_ready = self
            .replica_sets
            .get(&rs_key)
            .map_or(0, ReplicaSet::min_ready_seconds);
        if min_ready > 0 && !was_ready && now_ready {
            self.schedule(
                self.now + SimDuration::from_secs(min_ready as u64 + 1),
                Work::SyncReplicaSet(rs_key),
            );
        }
    }

    /// A pod of this ReplicaSet is gone: queue the set and its Deployment.
    pub(crate) fn replica_set_pod_gone(&mut self, rs_key: &Key) {
        self.schedule(self.now, Work::SyncReplicaSet(rs_key.clone()));
        if let Some(d) = self
            .replica_sets
            .get(rs_key)
            .and_then(|rs| self.owner_deployment_of(rs))
        {
            self.schedule(self.now, Work::SyncDeployment(d));
        }
    }

    // ------------------------------------------------------------------------------
    // Store

    fn deployment_record(&mut self, verb: &'static str, d: &Deployment) {
        if !self.config.record_objects {
            return;
        }
        let s = &d.status;
        let mut c = BTreeMap::new();
        c.insert("ready", json!(printers::deploy_ready(d)));
        c.insert("replicas", json!(s.replicas));
        c.insert("updatedReplicas", json!(s.updated_replicas));
        c.insert("readyReplicas", json!(s.ready_replicas));
        c.insert("availableReplicas", json!(s.available_replicas));
        c.insert(
            "observedGeneration",
            json!(s.observed_generation.unwrap_or(0)),
        );
        c.insert("generation", json!(d.metadata.generation));
        c.insert(
            "revision",
            json!(d
                .metadata
                .annotations
                .get(REVISION_ANNOTATION)
                .cloned()
                .unwrap_or_default()),
        );
        self.push(Record::Object(ObjectRecord {
            verb,
            kind: "Deployment",
            name: d.metadata.name.clone(),
            columns: c,
        }));
    }

    fn replica_set_record(&mut self, verb: &'static str, rs: &ReplicaSet) {
        if !self.config.record_objects {
            return;
        }
        let s = &rs.status;
        let mut c = BTreeMap::new();
        c.insert("desired", json!(rs.replicas()));
        c.insert("current", json!(s.replicas));
        c.insert("ready", json!(s.ready_replicas));
        c.insert("available", json!(s.available_replicas));
        c.insert("revision", json!(rs.revision()));
        let owner = rs
            .metadata
            .controller_ref()
            .map(|r| format!("deployment.apps/{}", r.name))
            .unwrap_or_default();
        c.insert("controller", json!(owner));
        self.push(Record::Object(ObjectRecord {
            verb,
            kind: "ReplicaSet",
            name: rs.metadata.name.clone(),
            columns: c,
        }));
    }

    /// Creates or replaces a Deployment (defaulted and validated) and queues its sync.
    pub(crate) fn store_deployment(&mut self, mut d: Deployment, created: bool) {
        let key = (d.metadata.namespace.clone(), d.metadata.name.clone());
        d.metadata.resource_version = self.next_rv();
        self.deployment_record(if created { "ADDED" } else { "MODIFIED" }, &d);
        self.deployments.insert(key.clone(), d);
        self.schedule(self.now, Work::SyncDeployment(key));
    }

    /// Creates or replaces a ReplicaSet and queues its sync and its Deployment's.
    pub(crate) fn store_replica_set(&mut self, mut rs: ReplicaSet, created: bool) {
        let key = (rs.metadata.namespace.clone(), rs.metadata.name.clone());
        rs.metadata.resource_version = self.next_rv();
        self.replica_set_record(if created { "ADDED" } else { "MODIFIED" }, &rs);
        let owner = self.owner_deployment_of(&rs);
        self.replica_sets.insert(key.clone(), rs);
        self.schedule(self.now, Work::SyncReplicaSet(key));
        if let Some(d) = owner {
            self.schedule(self.now, Work::SyncDeployment(d));
        }
    }

    /// Removes a Deployment object, leaving its ReplicaSets to the garbage collector.
    pub(crate) fn remove_deployment(&mut self, key: &Key) {
        if let Some(d) = self.deployments.remove(key) {
            self.deployment_record("DELETED", &d);
        }
        self.deploy_retries
            .remove(&Work::SyncDeployment(key.clone()));
        self.schedule(self.now, Work::CollectGarbage);
    }

    /// Removes a ReplicaSet object, leaving its pods to the garbage collector.
    pub(crate) fn remove_replica_set(&mut self, key: &Key) {
        let Some(rs) = self.replica_sets.remove(key) else {
            return;
        };
        self.replica_set_record("DELETED", &rs);
        self.deploy_retries
            .remove(&Work::SyncReplicaSet(key.clone()));
        if let Some(d) = self.owner_deployment_of(&rs) {
            self.schedule(self.now, Work::SyncDeployment(d));
        }
        self.schedule(self.now, Work::CollectGarbage);
    }

    /// `kubectl delete deployment`: Background (the default) and Foreground remove the
    /// Deployment and let the garbage collector delete its ReplicaSets and their pods;
    /// Orphan strips the ReplicaSets' owner references first.
    pub fn delete_deployment(&mut self, key: &Key, propagation: Propagation) -> bool {
        let Some(d) = self.deployments.get(key) else {
            return false;
        };
        let uid = d.metadata.uid.clone();
        if propagation == Propagation::Orphan {
            let owned: Vec<Key> = self
                .replica_sets
                .iter()
                .filter(|(_, r)| r.metadata.owner_references.iter().any(|o| o.uid == uid))
                .map(|(k, _)| k.clone())
                .collect();
            for k in owned {
                if let Some(mut rs) = self.replica_sets.get(&k).cloned() {
                    rs.metadata.owner_references.retain(|o| o.uid != uid);
                    self.store_replica_set(rs, false);
                }
            }
        }
        self.remove_deployment(key);
        true
    }

    /// `kubectl delete replicaset`: like [`World::delete_deployment`] one level down.
    pub fn delete_replica_set(&mut self, key: &Key, propagation: Propagation) -> bool {
        let Some(rs) = self.replica_sets.get(key) else {
            return false;
        };
        let uid = rs.metadata.uid.clone();
        if propagation == Propagation::Orphan {
            let owned: Vec<Key> = self
                .pods
                .iter()
                .filter(|(_, p)| p.metadata.owner_references.iter().any(|o| o.uid == uid))
                .map(|(k, _)| k.clone())
                .collect();
            for k in owned {
                let u = uid.clone();
                self.write_pod(&k, |p| p.metadata.owner_references.retain(|o| o.uid != u));
            }
        }
        self.remove_replica_set(key);
        true
    }

    fn retry(&mut self, work: Work, error: bool) {
        if error {
            let n = self.deploy_retries.entry(work.clone()).or_default();
            *n += 1;
            if *n <= MAX_RETRIES {
                let delay = SimDuration::from_millis(5 << (*n - 1));
                self.schedule(self.now + delay, work);
            }
        } else {
            self.deploy_retries.remove(&work);
        }
    }

    // ------------------------------------------------------------------------------
    // Syncs

    /// One Deployment sync; true if it wrote a ReplicaSet.
    pub(crate) fn sync_deployment(&mut self, key: &Key) -> bool {
        let Some(d) = self.deployments.get(key) else {
            return false;
        };
        let decision = {
            let rss = self.replica_sets_of(d);
            let mut live_pods = BTreeMap::new();
            for rs in &rss {
                let n = self
                    .pods_of_replica_set(rs)
                    .iter()
                    .filter(|p| !matches!(p.status.phase.as_str(), "Succeeded" | "Failed"))
                    .count();
                live_pods.insert(rs.metadata.uid.clone(), n);
            }
            let all = &self.replica_sets;
            let ns = key.0.clone();
            let by_name = move |name: &str| all.get(&(ns.clone(), name.to_string()));
            deployment::sync(&DeploymentInput {
                deployment: d,
                replica_sets: rss,
                live_pods,
                rs_by_name: &by_name,
                now: self.now,
            })
        };
        let mut acted = false;
        let object = format!("Deployment/{}", key.1);
        for action in decision.actions {
            match action {
                DeploymentAction::CreateReplicaSet(mut rs) => {
                    self.stamp_new(&mut rs.metadata);
                    rs.metadata.generation = 1;
                    self.store_replica_set(rs, true);
                    acted = true;
                }
                DeploymentAction::UpdateReplicaSet(rs) => {
                    let rk = (rs.metadata.namespace.clone(), rs.metadata.name.clone());
                    let Some(old) = self.replica_sets.get(&rk).cloned() else {
                        continue;
                    };
                    let mut new = old.clone();
                    new.metadata.annotations = rs.metadata.annotations;
                    new.spec = rs.spec;
                    if new.spec != old.spec {
                        new.metadata.generation += 1;
                    }
                    self.store_replica_set(new, false);
                    acted = true;
                }
                DeploymentAction::DeleteReplicaSet { name } => {
                    self.delete_replica_set(&(key.0.clone(), name), Propagation::Background);
                    acted = true;
                }
                DeploymentAction::Event {
                    type_,
                    reason,
                    message,
                } => self.event(
                    object.clone(),
                    type_,
                    reason,
                    message,
                    "deployment-controller",
                ),
            }
        }
        let changed = self.deployments.get(key).is_some_and(|d| {
            d.status != decision.status || d.metadata.annotations != decision.annotations
        });
        if changed {
            let rv = self.next_rv();
            if let Some(d) = self.deployments.get_mut(key) {
                d.status = decision.status;
                d.metadata.annotations = decision.annotations;
                d.metadata.resource_version = rv;
                let d = d.clone();
                self.deployment_record("MODIFIED", &d);
            }
            // A status write is an update event: the Deployment is queued again.
            self.schedule(self.now, Work::SyncDeployment(key.clone()));
        }
        self.retry(Work::SyncDeployment(key.clone()), decision.error);
        match decision.requeue_at {
            Some(at) => self.schedule(at, Work::DeploymentDeadline(key.clone())),
            // Complete, or progressing again: an earlier deadline look is moot.
            None if !changed => self.unschedule(&Work::DeploymentDeadline(key.clone())),
            None => {}
        }
        acted
    }

    /// One ReplicaSet sync; true if it created or deleted pods.
    pub(crate) fn sync_replica_set(&mut self, key: &Key) -> bool {
        let Some(rs) = self.replica_sets.get(key) else {
            return false;
        };
        let decision = {
            let pods = self.pods_of_replica_set(rs);
            let related: Vec<&Pod> = match rs.metadata.controller_ref() {
                Some(owner) => self
                    .replica_sets
                    .range((key.0.clone(), String::new())..)
                    .take_while(|((n, _), _)| *n == key.0)
                    .map(|(_, r)| r)
                    .filter(|r| {
                        r.metadata
                            .controller_ref()
                            .is_some_and(|o| o.uid == owner.uid)
                    })
                    .flat_map(|r| self.pods_of_replica_set(r))
                    .collect(),
                None => pods.clone(),
            };
            replicaset::sync(&ReplicaSetInput {
                rs,
                pods,
                related,
                now: self.now,
            })
        };
        let object = format!("ReplicaSet/{}", key.1);
        let mut acted = false;
        for action in decision.actions {
            match action {
                ReplicaSetAction::CreatePod(mut pod) => {
                    // The API server names it from `generateName`.
                    let mut name = None;
                    for _ in 0..NAME_ATTEMPTS {
                        let candidate =
                            super::hash::generate_name(&pod.metadata.generate_name, &mut self.rng);
                        if !self.pods.contains_key(&(key.0.clone(), candidate.clone())) {
                            name = Some(candidate);
                            break;
                        }
                    }
                    let Some(name) = name else {
                        self.event(
                            object.clone(),
                            "Warning",
                            "FailedCreate",
                            format!(
                                "Error creating: pods {:?} already exists",
                                pod.metadata.generate_name
                            ),
                            "replicaset-controller",
                        );
                        break;
                    };
                    pod.metadata.name = name.clone();
                    crate::validation::default_pod_spec(&mut pod.spec);
                    self.create_pod(*pod);
                    self.event(
                        object.clone(),
                        "Normal",
                        "SuccessfulCreate",
                        format!("Created pod: {name}"),
                        "replicaset-controller",
                    );
                    acted = true;
                }
                ReplicaSetAction::DeletePod { name } => {
                    self.delete_pod(&(key.0.clone(), name.clone()), None);
                    self.event(
                        object.clone(),
                        "Normal",
                        "SuccessfulDelete",
                        format!("Deleted pod: {name}"),
                        "replicaset-controller",
                    );
                    acted = true;
                }
            }
        }
        let changed = self
            .replica_sets
            .get(key)
            .is_some_and(|r| r.status != decision.status);
        if changed {
            let rv = self.next_rv();
            let mut owner = None;
            if let Some(r) = self.replica_sets.get_mut(key) {
                r.status = decision.status;
                r.metadata.resource_version = rv;
                let r = r.clone();
                self.replica_set_record("MODIFIED", &r);
                owner = self.owner_deployment_of(&r);
            }
            // An update event queues the set again and its Deployment.
            self.schedule(self.now, Work::SyncReplicaSet(key.clone()));
            if let Some(d) = owner {
                self.schedule(self.now, Work::SyncDeployment(d));
            }
        }
        if let Some(after) = decision.requeue_after {
            self.schedule(self.now + after, Work::SyncReplicaSet(key.clone()));
        }
        acted
    }
}
