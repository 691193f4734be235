//! The PV controller: binds claims to matching static volumes, provisions volumes from
//! StorageClasses (Immediate or WaitForFirstConsumer), and reclaims volumes whose claim
//! is gone (Retain → Released, Delete → deleted, Recycle → Available again).
//!
//! Matching follows the real binder: same class (no class only matches no class), at
//! least the requested size, every requested access mode, the claim's selector, and the
//! smallest such volume wins. PVC events do not trigger StatefulSet syncs (T-1); pods
//! waiting on a claim are rescheduled when it binds.

use crate::model::*;
use crate::quantity::parse_bytes;
use crate::world::{Key, Work, World};

pub(crate) const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";

impl World {
    /// The class a claim uses: its own, or none (`""`).
    fn class_of(claim: &PersistentVolumeClaim) -> String {
        claim.spec.storage_class_name.clone().unwrap_or_default()
    }

    /// True if the claim is unbound and waits for a pod to be scheduled before binding.
    pub(crate) fn claim_waits_for_consumer(&self, claim: &PersistentVolumeClaim) -> bool {
        let class = Self::class_of(claim);
        !class.is_empty()
            && self
                .classes
                .get(&class)
                .is_some_and(StorageClass::wait_for_first_consumer)
            && self.matching_volume(claim).is_none()
    }

    /// Creates a claim as the API server would: the DefaultStorageClass admission plugin
    /// fills in the default class, the status starts Pending.
    pub(crate) fn create_claim(&mut self, mut claim: PersistentVolumeClaim) {
        if claim.spec.storage_class_name.is_none() {
            if let Some(default) = self.classes.values().find(|c| c.is_default()) {
                claim.spec.storage_class_name = Some(default.metadata.name.clone());
            }
        }
        self.stamp_new(&mut claim.metadata);
        claim.status = PvcStatus {
            phase: "Pending".into(),
            ..PvcStatus::default()
        };
        let key = (
            claim.metadata.namespace.clone(),
            claim.metadata.name.clone(),
        );
        self.claim_record("ADDED", &claim);
        self.claims.insert(key.clone(), claim);
        self.log_claim_change(&key);
        self.claim_changed(&key);
        self.schedule(self.now, Work::BindClaim(key));
    }

    fn matching_volume(&self, claim: &PersistentVolumeClaim) -> Option<String> {
        let class = Self::class_of(claim);
        let want = claim.spec.requested_bytes();
        let mut best: Option<(i128, &String)> = None;
        for (name, pv) in &self.volumes {
            if pv.status.phase != "Available" && !(pv.status.phase.is_empty()) {
                continue;
            }
            if let Some(r) = &pv.spec.claim_ref {
                if r.name != claim.metadata.name || r.namespace != claim.metadata.namespace {
                    continue;
                }
            }
            if pv.spec.storage_class_name.clone().unwrap_or_default() != class {
                continue;
            }
            let size = pv
                .spec
                .capacity
                .get("storage")
                .and_then(|q| parse_bytes(&q.text()))
                .unwrap_or(0);
            if size < want {
                continue;
            }
            if !claim
                .spec
                .access_modes
                .iter()
                .all(|m| pv.spec.access_modes.contains(m))
            {
                continue;
            }
            if let Some(sel) = &claim.spec.selector {
                if !sel.matches(&pv.metadata.labels) {
                    continue;
                }
            }
            if best.is_none_or(|(s, _)| size < s) {
                best = Some((size, name));
            }
        }
        best.map(|(_, n)| n.clone())
    }

    /// The binder looks at one claim.
    pub(crate) fn bind_claim(&mut self, key: &Key) {
        let Some(claim) = self.claims.get(key) else {
            return;
        };
        if claim.status.phase == "Bound" || claim.metadata.terminating() {
            return;
        }
        let obj = format!("PersistentVolumeClaim/{}", key.1);
        if let Some(pv) = self.matching_volume(claim) {
            self.bind(key, &pv);
            return;
        }
        let class = Self::class_of(claim);
        if class.is_empty() {
            self.event(
                obj,
                "Warning",
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set".into(),
                "persistentvolume-controller",
            );
            return;
        }
        let Some(sc) = self.classes.get(&class).cloned() else {
            self.event(
                obj,
                "Warning",
                "ProvisioningFailed",
                format!("storageclass.storage.k8s.io \"{class}\" not found"),
                "persistentvolume-controller",
            );
            return;
        };
        if sc.wait_for_first_consumer() {
            if !claim.metadata.annotations.contains_key(SELECTED_NODE) {
                self.event(
                    obj,
                    "Normal",
                    "WaitForFirstConsumer",
                    "waiting for first consumer to be created before binding".into(),
                    "persistentvolume-controller",
                );
            }
            return;
        }
        if sc.provisioner == "kubernetes.io/no-provisioner" {
            // Static volumes only: the claim waits for a matching PV to appear.
            self.event(
                obj,
                "Warning",
                "ProvisioningFailed",
                "no volume plugin matched name: kubernetes.io/no-provisioner".into(),
                "persistentvolume-controller",
            );
            return;
        }
        self.start_provisioning(key, &sc);
    }

    fn start_provisioning(&mut self, key: &Key, sc: &StorageClass) {
        let obj = format!("PersistentVolumeClaim/{}", key.1);
        self.event(
            obj.clone(),
            "Normal",
            "ExternalProvisioning",
            format!(
                "Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
                sc.provisioner
            ),
            "persistentvolume-controller",
        );
        self.event(
            obj,
            "Normal",
            "Provisioning",
            format!(
                "External provisioner is provisioning volume for claim \"{}/{}\"",
                key.0, key.1
            ),
            sc.provisioner.as_str(),
        );
        let uid = self
            .claims
            .get(key)
            .map(|c| c.metadata.uid.clone())
            .unwrap_or_default();
        let at = self.now + self.config.timing.provision;
        self.schedule(
            at,
            Work::Provisioned {
                claim: key.clone(),
                uid,
            },
        );
    }

    /// WaitForFirstConsumer: the scheduler picked `node` for a pod using this claim.
    pub(crate) fn provision_for_node(&mut self, key: &Key, node: &str) {
        if !self.claims.contains_key(key) {
            return;
        }
        self.log_claim_change(key);
        let Some(claim) = self.claims.get_mut(key) else {
            return;
        };
        if claim.metadata.annotations.contains_key(SELECTED_NODE) {
            return;
        }
        claim
            .metadata
            .annotations
            .insert(SELECTED_NODE.into(), node.to_string());
        let class = Self::class_of(claim);
        if let Some(sc) = self.classes.get(&class).cloned() {
            self.start_provisioning(key, &sc);
        }
    }

    /// Provisioning finished: a new volume, bound to the claim.
    pub(crate) fn provisioned(&mut self, key: &Key, uid: &str) {
        let Some(claim) = self.claims.get(key) else {
            return;
        };
        if claim.metadata.uid != uid || claim.status.phase == "Bound" {
            return;
        }
        let class = Self::class_of(claim);
        let sc = self.classes.get(&class).cloned().unwrap_or_default();
        let name = format!("pvc-{uid}");
        let size = claim
            .spec
            .resources
            .as_ref()
            .and_then(|r| r.requests.get("storage").cloned())
            .unwrap_or(Quantity::Text("1Gi".into()));
        let mut pv = PersistentVolume {
            metadata: ObjectMeta {
                name: name.clone(),
                ..ObjectMeta::default()
            },
            spec: PvSpec {
                capacity: [("storage".to_string(), size)].into_iter().collect(),
                access_modes: claim.spec.access_modes.clone(),
                storage_class_name: Some(class),
                persistent_volume_reclaim_policy: Some(
                    sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
                ),
                claim_ref: Some(ClaimRef {
                    namespace: key.0.clone(),
                    name: key.1.clone(),
                    uid: uid.to_string(),
                }),
                ..PvSpec::default()
            },
            status: PvStatus {
                phase: "Available".into(),
            },
        };
        // A volume provisioned for a chosen node (WaitForFirstConsumer, local storage)
        // lives on that node: pods using it can only run there.
        if let Some(node) = claim.metadata.annotations.get(SELECTED_NODE) {
            pv.spec.extra.insert(
                "nodeAffinity".into(),
                serde_json::json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}
                ]}]}}),
            );
        }
        self.stamp_new(&mut pv.metadata);
        self.volume_record("ADDED", &pv);
        self.volumes.insert(name.clone(), pv);
        self.volume_names_changed();
        self.event(
            format!("PersistentVolumeClaim/{}", key.1),
            "Normal",
            "ProvisioningSucceeded",
            format!("Successfully provisioned volume {name}"),
            sc.provisioner.as_str(),
        );
        self.bind(key, &name);
    }

    fn bind(&mut self, key: &Key, pv_name: &str) {
        let rv1 = self.next_rv();
        let rv2 = self.next_rv();
        let Some(claim) = self.claims.get(key).cloned() else {
            return;
        };
        let Some(pv) = self.volumes.get_mut(pv_name) else {
            return;
        };
        pv.spec.claim_ref = Some(ClaimRef {
            namespace: key.0.clone(),
            name: key.1.clone(),
            uid: claim.metadata.uid.clone(),
        });
        pv.status.phase = "Bound".into();
        pv.metadata.resource_version = rv1;
        let capacity = pv.spec.capacity.clone();
        let modes = pv.spec.access_modes.clone();
        let pv = pv.clone();
        self.volume_record("MODIFIED", &pv);
        self.log_claim_change(key);
        if let Some(c) = self.claims.get_mut(key) {
            c.spec.volume_name = Some(pv_name.to_string());
            c.status.phase = "Bound".into();
            c.status.capacity = capacity;
            c.status.access_modes = modes;
            c.metadata.resource_version = rv2;
            let c = c.clone();
            self.claim_record("MODIFIED", &c);
        }
        self.bind_waiting_pods();
        self.retry_unschedulable();
    }

    /// Removes a claim for good and reclaims its volume.
    pub(crate) fn remove_claim(&mut self, key: &Key) {
        let Some(claim) = self.claims.remove(key) else {
            return;
        };
        self.log_claim_change(key);
        self.claim_record("DELETED", &claim);
        self.claim_changed(key);
        let Some(pv_name) = claim.spec.volume_name.clone() else {
            return;
        };
        let Some(pv) = self.volumes.get(&pv_name).cloned() else {
            return;
        };
        match pv
            .spec
            .persistent_volume_reclaim_policy
            .as_deref()
            .unwrap_or("Retain")
        {
            "Delete" => {
                self.volumes.remove(&pv_name);
                self.volume_names_changed();
                self.volume_record("DELETED", &pv);
            }
            "Recycle" => {
                let rv = self.next_rv();
                if let Some(v) = self.volumes.get_mut(&pv_name) {
                    v.spec.claim_ref = None;
                    v.status.phase = "Available".into();
                    v.metadata.resource_version = rv;
                    let v = v.clone();
                    self.volume_record("MODIFIED", &v);
                }
                self.retry_pending_claims();
            }
            _ => {
                let rv = self.next_rv();
                if let Some(v) = self.volumes.get_mut(&pv_name) {
                    v.status.phase = "Released".into();
                    v.metadata.resource_version = rv;
                    let v = v.clone();
                    self.volume_record("MODIFIED", &v);
                }
            }
        }
    }

    /// A new or freed volume: pending claims get another look.
    pub(crate) fn retry_pending_claims(&mut self) {
        let keys: Vec<Key> = self
            .claims
            .iter()
            .filter(|(_, c)| c.status.phase != "Bound")
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            self.schedule(self.now, Work::BindClaim(k));
        }
    }

    /// The hostnames a volume is pinned to by `spec.nodeAffinity` (empty: any node).
    pub(crate) fn volume_hosts(&self, pv_name: &str) -> Vec<String> {
        let Some(pv) = self.volumes.get(pv_name) else {
            return Vec::new();
        };
        let Some(aff) = pv.spec.extra.get("nodeAffinity") else {
            return Vec::new();
        };
        let terms = aff
            .pointer("/required/nodeSelectorTerms")
            .and_then(|t| t.as_array());
        let mut hosts = Vec::new();
        for t in terms.into_iter().flatten() {
            for e in t
                .get("matchExpressions")
                .and_then(|e| e.as_array())
                .into_iter()
                .flatten()
            {
                if e.get("key").and_then(|k| k.as_str()) == Some("kubernetes.io/hostname")
                    && e.get("operator").and_then(|o| o.as_str()) == Some("In")
                {
                    for v in e
                        .get("values")
                        .and_then(|v| v.as_array())
                        .into_iter()
                        .flatten()
                    {
                        if let Some(v) = v.as_str() {
                            hosts.push(v.to_string());
                        }
                    }
                }
            }
        }
        hosts
    }

    /// Stores a static PersistentVolume.
    pub(crate) fn store_volume(&mut self, mut pv: PersistentVolume) {
        let name = pv.metadata.name.clone();
        if let Some(old) = self.volumes.get(&name) {
            pv.status = old.status.clone();
            pv.metadata.uid = old.metadata.uid.clone();
            pv.metadata.creation = old.metadata.creation;
            pv.metadata.resource_version = self.next_rv();
            self.volume_record("MODIFIED", &pv);
        } else {
            self.stamp_new(&mut pv.metadata);
            pv.status.phase = "Available".into();
            self.volume_record("ADDED", &pv);
        }
        if self.volumes.insert(name, pv).is_none() {
            self.volume_names_changed();
        }
        self.retry_pending_claims();
    }
}
