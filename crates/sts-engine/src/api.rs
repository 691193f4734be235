//! The API server's front door: what users (manifests, kubectl, scenario faults) can do
//! to the world, with defaulting, validation and kubectl-shaped answers.
//!
//! Every function here either changes the world and returns what kubectl would print,
//! or changes nothing and returns the error kubectl would print. Nothing panics on user
//! input.

use crate::cluster::gc::Propagation;
use crate::manifest::{self, Object};
use crate::model::*;
use crate::validation;
use crate::world::{Key, Work, World};

/// What a command printed and its exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Output lines (stdout and stderr interleaved as a terminal shows them).
    pub output: String,
    /// 0 on success.
    pub exit: i32,
    /// `kubectl edit`: the buffer (header comment and the live object's YAML) for the
    /// playground's editor to open; saving it goes through
    /// [`crate::kubectl::apply_edited`].
    pub edit: Option<String>,
    /// A command that blocks while the cluster changes (`kubectl wait`, `kubectl
    /// rollout status`): what it waits for. The world and the timeline run it; see
    /// [`crate::kubectl::wait`].
    pub wait: Option<crate::kubectl::WaitRequest>,
}

impl Outcome {
    /// A successful outcome.
    pub fn ok(output: impl Into<String>) -> Self {
        Outcome {
            output: output.into(),
            exit: 0,
            edit: None,
            wait: None,
        }
    }
    /// A failed outcome.
    pub fn err(output: impl Into<String>) -> Self {
        Outcome {
            output: output.into(),
            exit: 1,
            edit: None,
            wait: None,
        }
    }
}

/// The most replicas one StatefulSet may have in the playground. A real API server
/// accepts more; a simulation that animates every pod cannot (a 20,000-replica rollout
/// already takes about two seconds natively), so larger values are refused with a
/// message instead of freezing the page.
pub const MAX_REPLICAS: i64 = 20_000;

/// The playground's refusal of a replica count above [`MAX_REPLICAS`].
fn too_many_replicas(name: &str, n: i64) -> ApplyError {
    ApplyError::Printed(format!(
        "error: StatefulSet \"{name}\": {n} replicas is more than this playground simulates \
         (at most {MAX_REPLICAS} per StatefulSet, so that every pod can still be stepped through)"
    ))
}

/// The same cap for a Deployment or ReplicaSet (their pods are animated just the same).
fn too_many_replicas_of(kind: &str, name: &str, n: i64) -> ApplyError {
    ApplyError::Printed(format!(
        "error: {kind} \"{name}\": {n} replicas is more than this playground simulates \
         (at most {MAX_REPLICAS} per {kind}, so that every pod can still be stepped through)"
    ))
}

/// Why applying one object failed, kept structured so that kubectl's two printed forms
/// (the error alone, or among several) come from the same facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyError {
    /// The API server's `Invalid` (validation) error.
    Invalid {
        kind: String,
        name: String,
        errors: Vec<crate::validation::FieldError>,
        /// A create (kubectl prints `error when creating`), not an update.
        creating: bool,
    },
    /// Anything else, already in kubectl's words for a lone error.
    Printed(String),
}

impl ApplyError {
    /// As kubectl prints it when it is the only error (V-14 for `Invalid`).
    pub fn alone(&self) -> String {
        match self {
            ApplyError::Invalid {
                kind, name, errors, ..
            } => validation::format_invalid(kind, name, errors),
            ApplyError::Printed(s) => s.clone(),
        }
    }

    /// As kubectl's `MultipleErrors` prints it among several (`StandardErrorMessage`):
    /// `Error from server (Invalid): error when creating "SOURCE": StatefulSet.apps "web"
    /// is invalid: [a, b]` (`NewInvalid`'s message); client errors lose `error: `. An
    /// invalid update keeps its lone form: kubectl would quote its merge patch there
    /// (ARCHITECTURE.md, latitude).
    pub fn among_several(&self, source: &str) -> String {
        match self {
            ApplyError::Invalid {
                kind,
                name,
                errors,
                creating: true,
            } => {
                let qualified = match resource_ref(kind, "").split_once('/') {
                    Some((r, _)) if r.contains('.') => {
                        format!("{kind}.{}", r.split_once('.').map_or("", |(_, g)| g))
                    }
                    _ => kind.clone(),
                };
                format!(
                    "Error from server (Invalid): error when creating {source:?}: {}",
                    validation::api_invalid_message(&qualified, name, errors)
                )
            }
            other => {
                let alone = other.alone();
                match alone.strip_prefix("error: ") {
                    Some(rest) => rest.to_string(),
                    None => alone,
                }
            }
        }
    }
}

impl From<ApplyError> for Outcome {
    fn from(e: ApplyError) -> Outcome {
        Outcome::err(e.alone())
    }
}

/// An `Invalid` error of a create or update.
fn invalid(
    kind: &str,
    name: &str,
    errors: Vec<crate::validation::FieldError>,
    creating: bool,
) -> ApplyError {
    ApplyError::Invalid {
        kind: kind.to_string(),
        name: name.to_string(),
        errors,
        creating,
    }
}

/// What one `kubectl apply -f` printed: applied objects on stdout, errors on stderr
/// (each entry may span several lines).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub applied: Vec<String>,
    pub errors: Vec<String>,
}

/// The default namespace.
pub const DEFAULT_NS: &str = "default";

/// The namespaces every cluster starts with.
pub const INITIAL_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

/// Whether objects of `kind` live in a namespace.
pub fn is_namespaced(kind: &str) -> bool {
    !matches!(
        kind,
        "PersistentVolume"
            | "StorageClass"
            | "Namespace"
            | "Node"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "PriorityClass"
    )
}

/// `group/version, Resource=plural` and `group/version, Kind=Kind` as client-go prints
/// them (core objects have an empty group: `/v1, Resource=services`).
fn gvr_gvk(api_version: &str, kind: &str) -> (String, String) {
    let gv = if api_version.contains('/') {
        api_version.to_string()
    } else {
        format!("/{api_version}")
    };
    let lower = kind.to_lowercase();
    let plural = if lower.ends_with('s') {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    };
    (
        format!("{gv}, Resource={plural}"),
        format!("{gv}, Kind={kind}"),
    )
}

/// kubectl apply's error for an object without a name (`error when retrieving current
/// configuration of:` with cli-runtime's `Info.String()`).
pub fn missing_name_message(obj: &Object, source: &str) -> String {
    let (gvr, gvk) = gvr_gvk(obj.api_version(), obj.kind());
    let ns = if is_namespaced(obj.kind()) && obj.meta().namespace.is_empty() {
        DEFAULT_NS
    } else {
        obj.meta().namespace.as_str()
    };
    format!(
        "error when retrieving current configuration of:\nResource: {gvr:?}, GroupVersionKind: {gvk:?}\nName: \"\", Namespace: {ns:?}\nfrom server for: {source:?}: resource name may not be empty"
    )
}

/// `<resource>.<group>/<name>` as kubectl prints it (K-1).
pub fn resource_ref(kind: &str, name: &str) -> String {
    let r = match kind {
        "StatefulSet" => "statefulset.apps",
        "Deployment" => "deployment.apps",
        "ReplicaSet" => "replicaset.apps",
        "DaemonSet" => "daemonset.apps",
        "StorageClass" => "storageclass.storage.k8s.io",
        "ControllerRevision" => "controllerrevision.apps",
        "PodDisruptionBudget" => "poddisruptionbudget.policy",
        other => return format!("{}/{name}", other.to_lowercase()),
    };
    format!("{r}/{name}")
}

impl World {
    /// `kubectl apply -f -` of a manifest stream: each document is created or updated;
    /// bad documents report errors while the others still apply.
    pub fn apply_manifests(&mut self, text: &str) -> Outcome {
        let report = self.apply_stream("STDIN", text);
        let failed = !report.errors.is_empty();
        let mut lines = report.applied;
        lines.extend(report.errors);
        Outcome {
            output: lines.join("\n"),
            exit: i32::from(failed),
            ..Outcome::ok("")
        }
    }

    /// `kubectl apply -f SOURCE` of `text`: what was applied (stdout) and the errors
    /// (stderr), in kubectl's order and words, with `SOURCE` (a file name or `STDIN`) in
    /// the messages that name it.
    pub fn apply_stream(&mut self, source: &str, text: &str) -> ApplyReport {
        let (docs, errors) = manifest::parse_stream(text);
        if docs.is_empty() && errors.is_empty() {
            return ApplyReport {
                applied: Vec::new(),
                errors: vec!["error: no objects passed to apply".into()],
            };
        }
        // kubectl (`apply.go` `Run`) prints each applied object as it goes; the errors
        // come last: first those of reading the stream (`GetObjects`: syntax, client-side
        // validation, unknown kinds), then those of applying each object, in stream order
        // (server-side decoding errors happen at apply time too).
        let mut applied = Vec::new();
        let mut read_errs: Vec<(String, String)> = Vec::new();
        let mut apply_errs: Vec<(usize, String, String)> = Vec::new();
        for e in &errors {
            let forms = (e.kubectl_message(source), e.kubectl_multi_message(source));
            if e.is_read_error() {
                read_errs.push(forms);
            } else {
                apply_errs.push((e.line, forms.0, forms.1));
            }
        }
        for d in docs {
            match self.try_apply(d.object, source) {
                Ok(line) => applied.push(line),
                Err(e) => apply_errs.push((d.line, e.alone(), e.among_several(source))),
            }
        }
        apply_errs.sort_by_key(|(line, _, _)| *line);
        let all: Vec<(String, String)> = read_errs
            .into_iter()
            .chain(apply_errs.into_iter().map(|(_, a, b)| (a, b)))
            .collect();
        // One error prints in its own form; several print as kubectl's `MultipleErrors`
        // (`cmdutil.checkErr`): each through `StandardErrorMessage`.
        let errors = if all.len() == 1 {
            all.into_iter().map(|(single, _)| single).collect()
        } else {
            all.into_iter().map(|(_, multi)| multi).collect()
        };
        ApplyReport { applied, errors }
    }

    /// Whether an object of this kind, namespace and name is stored.
    pub fn object_exists(&self, obj: &Object) -> bool {
        let m = obj.meta();
        let ns = if m.namespace.is_empty() && is_namespaced(obj.kind()) {
            DEFAULT_NS.to_string()
        } else {
            m.namespace.clone()
        };
        let key = (ns.clone(), m.name.clone());
        match obj {
            Object::StatefulSet(_) => self.sets.contains_key(&key),
            Object::Deployment(_) => self.deployments.contains_key(&key),
            Object::ReplicaSet(_) => self.replica_sets.contains_key(&key),
            Object::Service(_) => self.services.contains_key(&key),
            Object::PersistentVolumeClaim(_) => self.claims.contains_key(&key),
            Object::Pod(_) => self.pods.contains_key(&key),
            Object::PersistentVolume(_) => self.volumes.contains_key(&m.name),
            Object::StorageClass(_) => self.classes.contains_key(&m.name),
            Object::Other { kind, .. } if kind == "Node" => self.nodes.contains_key(&m.name),
            Object::Other { kind, .. } => {
                self.others
                    .contains_key(&(kind.clone(), ns, m.name.clone()))
            }
        }
    }

    /// Whether namespace `ns` exists: the four every cluster starts with, or one applied.
    pub fn namespace_exists(&self, ns: &str) -> bool {
        INITIAL_NAMESPACES.contains(&ns)
            || self
                .others
                .contains_key(&("Namespace".to_string(), String::new(), ns.to_string()))
    }

    /// Creates or updates one object (`kubectl apply -f -` of it).
    pub fn apply_object(&mut self, obj: Object) -> Outcome {
        match self.try_apply(obj, "STDIN") {
            Ok(line) => Outcome::ok(line),
            Err(e) => e.into(),
        }
    }

    /// Creates or updates one object read from `source`: the line kubectl prints
    /// (`statefulset.apps/web created`), or why not.
    pub fn try_apply(&mut self, mut obj: Object, source: &str) -> Result<String, ApplyError> {
        let namespaced = is_namespaced(obj.kind());
        if namespaced && obj.meta().namespace.is_empty() {
            obj.meta_mut().namespace = DEFAULT_NS.into();
        }
        let kind = obj.kind().to_string();
        let name = obj.meta().name.clone();
        if name.is_empty() {
            // kubectl apply first GETs the live object; a request for an empty name fails
            // on the client (`apply.go` `applyOneObject`, client-go `Request.Name`).
            return Err(ApplyError::Printed(format!(
                "error: {}",
                missing_name_message(&obj, source)
            )));
        }
        let errs = validation::validate_object(&obj);
        if !errs.is_empty()
            && !matches!(
                obj,
                Object::StatefulSet(_) | Object::Deployment(_) | Object::ReplicaSet(_)
            )
        {
            let creating = !self.object_exists(&obj);
            return Err(invalid(&kind, &name, errs, creating));
        }
        let ns = obj.meta().namespace.clone();
        if namespaced && !self.namespace_exists(&ns) && !self.object_exists(&obj) {
            // The NamespaceLifecycle admission plugin refuses creates in a namespace that
            // does not exist.
            return Err(ApplyError::Printed(format!(
                "Error from server (NotFound): error when creating {source:?}: namespaces {ns:?} not found"
            )));
        }
        let verb = match obj {
            Object::Other {
                kind,
                metadata,
                body,
                ..
            } if kind == "Node" => self.apply_node(metadata, &body)?,
            Object::StatefulSet(s) => return self.apply_set(s),
            Object::Deployment(d) => return self.apply_deployment(d),
            Object::ReplicaSet(r) => return self.apply_replica_set(r),
            Object::Service(mut svc) => {
                let key = (svc.metadata.namespace.clone(), name.clone());
                let existed = self.services.get(&key).cloned();
                if existed
                    .as_ref()
                    .is_some_and(|o| o.spec == svc.spec && o.metadata.labels == svc.metadata.labels)
                {
                    "unchanged"
                } else {
                    match existed {
                        Some(old) => {
                            svc.metadata.uid = old.metadata.uid;
                            svc.metadata.creation = old.metadata.creation;
                            svc.metadata.resource_version = self.next_rv();
                            self.services.insert(key, svc);
                            "configured"
                        }
                        None => {
                            if svc.spec.cluster_ip.is_none() {
                                let n = self.services.len() as u64 + 10;
                                svc.spec.cluster_ip =
                                    Some(format!("10.96.{}.{}", n / 250, n % 250 + 1));
                            }
                            self.stamp_new(&mut svc.metadata);
                            self.services.insert(key, svc);
                            "created"
                        }
                    }
                }
            }
            Object::PersistentVolume(pv) => {
                let existed = self.volumes.contains_key(&name);
                self.store_volume(pv);
                if existed {
                    "configured"
                } else {
                    "created"
                }
            }
            Object::PersistentVolumeClaim(pvc) => {
                let key = (pvc.metadata.namespace.clone(), name.clone());
                if self.claims.contains_key(&key) {
                    // Claims are mostly immutable; only labels/annotations change here.
                    let rv = self.next_rv();
                    self.log_claim_change(&key);
                    if let Some(c) = self.claims.get_mut(&key) {
                        c.metadata.labels = pvc.metadata.labels;
                        c.metadata.annotations = pvc.metadata.annotations;
                        c.metadata.resource_version = rv;
                    }
                    "configured"
                } else {
                    self.create_claim(pvc);
                    "created"
                }
            }
            Object::StorageClass(mut sc) => {
                let existed = self.classes.contains_key(&name);
                self.stamp_new(&mut sc.metadata);
                self.classes.insert(name.clone(), sc);
                self.retry_pending_claims();
                if existed {
                    "configured"
                } else {
                    "created"
                }
            }
            Object::Pod(mut pod) => {
                let key = (pod.metadata.namespace.clone(), name.clone());
                if self.pods.contains_key(&key) {
                    return Err(ApplyError::Printed(format!(
                        "The Pod \"{name}\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
                    )));
                }
                validation::default_pod_spec(&mut pod.spec);
                pod.status = PodStatus::default();
                let errs = validation::pod_errors(&pod);
                if !errs.is_empty() {
                    return Err(invalid("Pod", &name, errs, true));
                }
                self.create_pod(pod);
                "created"
            }
            Object::Other {
                api_version,
                kind,
                mut metadata,
                body,
            } => {
                let key = (kind.clone(), metadata.namespace.clone(), name.clone());
                let existed = self.others.contains_key(&key);
                if !existed {
                    self.stamp_new(&mut metadata);
                }
                self.others.insert(
                    key,
                    Object::Other {
                        api_version,
                        kind,
                        metadata,
                        body,
                    },
                );
                if existed {
                    "configured"
                } else {
                    "created"
                }
            }
        };
        Ok(format!("{} {verb}", resource_ref(&kind, &name)))
    }

    fn apply_set(&mut self, mut set: StatefulSet) -> Result<String, ApplyError> {
        let key = (set.metadata.namespace.clone(), set.metadata.name.clone());
        let gate = self.config.gates.max_unavailable_stateful_set;
        let old = self.sets.get(&key).cloned();
        set.status = StatefulSetStatus::default();
        validation::default_statefulset(&mut set, gate, old.as_ref());
        let n = i64::from(set.replicas());
        if n > MAX_REPLICAS {
            return Err(too_many_replicas(&set.metadata.name, n));
        }
        match old {
            None => {
                let errs = validation::validate_statefulset_create(&set);
                if !errs.is_empty() {
                    return Err(invalid("StatefulSet", &set.metadata.name, errs, true));
                }
                let name = set.metadata.name.clone();
                self.stamp_new(&mut set.metadata);
                set.metadata.generation = 1; // F-1
                self.store_set(set, true);
                Ok(format!("statefulset.apps/{name} created"))
            }
            Some(old) => self.update_set(old, set, "configured", "unchanged"),
        }
    }

    /// Validates and stores an update of a StatefulSet (F-2, V-11…V-13).
    fn update_set(
        &mut self,
        old: StatefulSet,
        mut new: StatefulSet,
        verb: &str,
        unchanged: &str,
    ) -> Result<String, ApplyError> {
        let name = old.metadata.name.clone();
        let n = i64::from(new.replicas());
        if n > MAX_REPLICAS {
            return Err(too_many_replicas(&name, n));
        }
        if old.metadata.terminating() {
            return Err(ApplyError::Printed(format!(
                "Error from server (Conflict): Operation cannot be fulfilled on statefulsets.apps \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            )));
        }
        let errs = validation::validate_statefulset_update(&old, &new);
        if !errs.is_empty() {
            return Err(invalid("StatefulSet", &name, errs, false));
        }
        let spec_changed = new.spec != old.spec;
        if !spec_changed
            && new.metadata.labels == old.metadata.labels
            && new.metadata.annotations == old.metadata.annotations
        {
            return Ok(format!("statefulset.apps/{name} {unchanged}"));
        }
        new.metadata.uid = old.metadata.uid.clone();
        new.metadata.creation = old.metadata.creation;
        new.metadata.owner_references = old.metadata.owner_references.clone();
        new.metadata.generation = old.metadata.generation + i64::from(spec_changed); // F-2
        new.status = old.status.clone();
        self.store_set(new, false);
        Ok(format!("statefulset.apps/{name} {verb}"))
    }

    fn apply_deployment(&mut self, mut d: Deployment) -> Result<String, ApplyError> {
        let key = (d.metadata.namespace.clone(), d.metadata.name.clone());
        d.status = DeploymentStatus::default();
        validation::default_deployment(&mut d);
        match self.deployments.get(&key).cloned() {
            None => {
                let n = i64::from(d.replicas());
                if n > MAX_REPLICAS {
                    return Err(too_many_replicas_of("Deployment", &d.metadata.name, n));
                }
                let errs = validation::validate_deployment(&d, None);
                if !errs.is_empty() {
                    return Err(invalid("Deployment", &d.metadata.name, errs, true));
                }
                let name = d.metadata.name.clone();
                self.stamp_new(&mut d.metadata);
                d.metadata.generation = 1;
                self.store_deployment(d, true);
                Ok(format!("deployment.apps/{name} created"))
            }
            Some(old) => self.update_deployment(old, d, "configured", "unchanged"),
        }
    }

    /// Validates and stores an update of a Deployment: generation +1 on a spec change;
    /// the controller's annotations (the revision) are kept, as apply's merge keeps them.
    fn update_deployment(
        &mut self,
        old: Deployment,
        mut new: Deployment,
        verb: &str,
        unchanged: &str,
    ) -> Result<String, ApplyError> {
        let name = old.metadata.name.clone();
        let n = i64::from(new.replicas());
        if n > MAX_REPLICAS {
            return Err(too_many_replicas_of("Deployment", &name, n));
        }
        let errs = validation::validate_deployment(&new, Some(&old));
        if !errs.is_empty() {
            return Err(invalid("Deployment", &name, errs, false));
        }
        for (k, v) in &old.metadata.annotations {
            if k == REVISION_ANNOTATION {
                new.metadata.annotations.insert(k.clone(), v.clone());
            }
        }
        let spec_changed = new.spec != old.spec;
        if !spec_changed
            && new.metadata.labels == old.metadata.labels
            && new.metadata.annotations == old.metadata.annotations
        {
            return Ok(format!("deployment.apps/{name} {unchanged}"));
        }
        new.metadata.uid = old.metadata.uid.clone();
        new.metadata.creation = old.metadata.creation;
        new.metadata.owner_references = old.metadata.owner_references.clone();
        new.metadata.generation = old.metadata.generation + i64::from(spec_changed);
        new.status = old.status.clone();
        self.store_deployment(new, false);
        Ok(format!("deployment.apps/{name} {verb}"))
    }

    /// Runs `f` on a copy of the stored Deployment and stores it as an update
    /// (`kubectl scale`, `set image`, `rollout undo`).
    pub fn mutate_deployment(
        &mut self,
        ns: &str,
        name: &str,
        verb: &str,
        unchanged: &str,
        f: impl FnOnce(&mut Deployment) -> Result<(), String>,
    ) -> Outcome {
        let key = (ns.to_string(), name.to_string());
        let Some(old) = self.deployments.get(&key).cloned() else {
            return Outcome::err(format!(
                "Error from server (NotFound): deployments.apps \"{name}\" not found"
            ));
        };
        let mut new = old.clone();
        if let Err(e) = f(&mut new) {
            return Outcome::err(e);
        }
        validation::default_deployment(&mut new);
        match self.update_deployment(old, new, verb, unchanged) {
            Ok(line) => Outcome::ok(line),
            Err(e) => e.into(),
        }
    }

    fn apply_replica_set(&mut self, mut r: ReplicaSet) -> Result<String, ApplyError> {
        let key = (r.metadata.namespace.clone(), r.metadata.name.clone());
        r.status = ReplicaSetStatus::default();
        validation::default_replicaset(&mut r);
        let name = r.metadata.name.clone();
        let n = i64::from(r.replicas());
        if n > MAX_REPLICAS {
            return Err(too_many_replicas_of("ReplicaSet", &name, n));
        }
        let old = self.replica_sets.get(&key).cloned();
        let errs = validation::validate_replicaset(&r, old.as_ref());
        if !errs.is_empty() {
            return Err(invalid("ReplicaSet", &name, errs, old.is_none()));
        }
        match old {
            None => {
                self.stamp_new(&mut r.metadata);
                r.metadata.generation = 1;
                self.store_replica_set(r, true);
                Ok(format!("replicaset.apps/{name} created"))
            }
            Some(old) => {
                if r.spec == old.spec
                    && r.metadata.labels == old.metadata.labels
                    && r.metadata.annotations == old.metadata.annotations
                {
                    return Ok(format!("replicaset.apps/{name} unchanged"));
                }
                let spec_changed = r.spec != old.spec;
                r.metadata.uid = old.metadata.uid.clone();
                r.metadata.creation = old.metadata.creation;
                r.metadata.owner_references = old.metadata.owner_references.clone();
                r.metadata.generation = old.metadata.generation + i64::from(spec_changed);
                r.status = old.status.clone();
                self.store_replica_set(r, false);
                Ok(format!("replicaset.apps/{name} configured"))
            }
        }
    }

    /// `kubectl scale deployment|replicaset NAME --replicas=N`.
    pub fn scale_workload(&mut self, kind: &str, ns: &str, name: &str, replicas: i64) -> Outcome {
        if replicas < 0 {
            return Outcome::err(
                "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
            );
        }
        let Ok(n) = i32::try_from(replicas) else {
            return Outcome::err(format!("error: invalid argument \"{replicas}\" for \"--replicas\" flag: value out of range"));
        };
        if kind == "ReplicaSet" {
            let key = (ns.to_string(), name.to_string());
            let Some(mut r) = self.replica_sets.get(&key).cloned() else {
                return Outcome::err(format!(
                    "Error from server (NotFound): replicasets.apps \"{name}\" not found"
                ));
            };
            if i64::from(n) > MAX_REPLICAS {
                return too_many_replicas_of("ReplicaSet", name, i64::from(n)).into();
            }
            if r.replicas() != n {
                r.spec.replicas = Some(n);
                r.metadata.generation += 1;
                self.store_replica_set(r, false);
            }
            return Outcome::ok(format!("replicaset.apps/{name} scaled"));
        }
        self.mutate_deployment(ns, name, "scaled", "scaled", |d| {
            d.spec.replicas = Some(n);
            Ok(())
        })
    }

    /// Runs `f` on a copy of the stored set and stores it as an update.
    pub fn mutate_set(
        &mut self,
        ns: &str,
        name: &str,
        verb: &str,
        unchanged: &str,
        f: impl FnOnce(&mut StatefulSet) -> Result<(), String>,
    ) -> Outcome {
        let key = (ns.to_string(), name.to_string());
        let Some(old) = self.sets.get(&key).cloned() else {
            return Outcome::err(format!(
                "Error from server (NotFound): statefulsets.apps \"{name}\" not found"
            ));
        };
        let mut new = old.clone();
        if let Err(e) = f(&mut new) {
            return Outcome::err(e);
        }
        let gate = self.config.gates.max_unavailable_stateful_set;
        validation::default_statefulset(&mut new, gate, Some(&old));
        match self.update_set(old, new, verb, unchanged) {
            Ok(line) => Outcome::ok(line),
            Err(e) => e.into(),
        }
    }

    /// `kubectl scale statefulset NAME --replicas=N`.
    pub fn scale_set(&mut self, ns: &str, name: &str, replicas: i64) -> Outcome {
        if replicas < 0 {
            return Outcome::err(
                "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
            );
        }
        let Ok(n) = i32::try_from(replicas) else {
            return Outcome::err(format!("error: invalid argument \"{replicas}\" for \"--replicas\" flag: value out of range"));
        };
        self.mutate_set(ns, name, "scaled", "scaled", |s| {
            s.spec.replicas = Some(n);
            Ok(())
        })
    }

    /// `kubectl delete pod NAME [--grace-period=0 --force]`.
    pub fn delete_pod_cmd(&mut self, ns: &str, name: &str, force: bool) -> Outcome {
        let key = (ns.to_string(), name.to_string());
        if !self.pods.contains_key(&key) {
            return Outcome::err(format!(
                "Error from server (NotFound): pods \"{name}\" not found"
            ));
        }
        if force {
            self.delete_pod(&key, Some(0));
            return Outcome::ok(format!(
                "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\npod \"{name}\" force deleted"
            ));
        }
        self.delete_pod(&key, None);
        Outcome::ok(format!("pod \"{name}\" deleted"))
    }

    /// `kubectl delete statefulset NAME [--cascade=...]`.
    pub fn delete_set_cmd(&mut self, ns: &str, name: &str, propagation: Propagation) -> Outcome {
        let key = (ns.to_string(), name.to_string());
        if self.delete_set(&key, propagation) {
            Outcome::ok(format!("statefulset.apps \"{name}\" deleted"))
        } else {
            Outcome::err(format!(
                "Error from server (NotFound): statefulsets.apps \"{name}\" not found"
            ))
        }
    }

    /// `kubectl delete pvc NAME`.
    pub fn delete_claim_cmd(&mut self, ns: &str, name: &str) -> Outcome {
        let key = (ns.to_string(), name.to_string());
        if !self.claims.contains_key(&key) {
            return Outcome::err(format!(
                "Error from server (NotFound): persistentvolumeclaims \"{name}\" not found"
            ));
        }
        self.delete_claim(&key);
        Outcome::ok(format!("persistentvolumeclaim \"{name}\" deleted"))
    }

    /// Adds a node to the cluster (scenario setup, or a lesson's "add a node").
    pub fn add_node(&mut self, mut node: Node) {
        let name = node.metadata.name.clone();
        self.stamp_new(&mut node.metadata);
        node.metadata
            .labels
            .entry("kubernetes.io/hostname".into())
            .or_insert_with(|| name.clone());
        node.metadata
            .labels
            .entry("kubernetes.io/os".into())
            .or_insert_with(|| "linux".into());
        if node.address.is_empty() {
            node.address = format!("10.0.0.{}", 10 + self.nodes.len());
        }
        node.ready = true;
        self.nodes.insert(name, node);
        self.retry_unschedulable();
    }

    /// `kubectl apply -f` of a `kind: Node`: a node joins the cluster (created) or its
    /// labels and taints change (configured).
    ///
    /// On a real cluster the kubelet of a new machine registers its own Node object
    /// through the API (`kubelet_node_status.go` `registerWithAPIServer`) and then
    /// reports it Ready; the playground has no machines, so applying the object stands in
    /// for the join and the playground plays the node's kubelet: the node is Ready at once
    /// with the default capacity of a scenario's nodes (`status` is never read from input,
    /// F-1). The node lifecycle controller records `RegisteredNode` (`Node NAME event:
    /// Registered Node NAME in Controller`: `node_lifecycle_controller.go` `monitorNodeHealth`
    /// with `RecordNodeEvent`, which formats `Node %s event: %s`), and the scheduler moves
    /// every unschedulable pod back to its active queue (`eventhandlers.go`
    /// `addNodeToCache` → `MoveAllToActiveOrBackoffQueue(NodeAdd)`; for an update,
    /// `updateNodeInCache`). Taints are validated like `ValidateNode`'s
    /// `validateNodeTaints` (key required, effect one of the three).
    pub(crate) fn apply_node(
        &mut self,
        metadata: ObjectMeta,
        body: &serde_json::Value,
    ) -> Result<&'static str, ApplyError> {
        let name = metadata.name.clone();
        // The strict schema check has already refused wrongly typed fields.
        let text = |t: &serde_json::Value, k: &str| {
            t.get(k)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let taints: Vec<crate::model::Taint> = body
            .pointer("/spec/taints")
            .and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|t| crate::model::Taint {
                        key: text(t, "key"),
                        value: text(t, "value"),
                        effect: text(t, "effect"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut errs = Vec::new();
        for (i, t) in taints.iter().enumerate() {
            if t.key.is_empty() {
                errs.push(validation::FieldError::required(
                    format!("spec.taints[{i}].key"),
                    "",
                ));
            }
            let effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
            if t.effect.is_empty() {
                errs.push(validation::FieldError::required(
                    format!("spec.taints[{i}].effect"),
                    "",
                ));
            } else if !effects.contains(&t.effect.as_str()) {
                errs.push(validation::FieldError::not_supported(
                    format!("spec.taints[{i}].effect"),
                    &t.effect,
                    &effects,
                ));
            }
        }
        if !errs.is_empty() {
            let creating = !self.nodes.contains_key(&name);
            return Err(invalid("Node", &name, errs, creating));
        }
        if let Some(node) = self.nodes.get_mut(&name) {
            let mut labels = metadata.labels;
            // The kubelet keeps its well-known labels (`kubernetes.io/hostname`…).
            for (k, v) in &node.metadata.labels {
                if k.starts_with("kubernetes.io/") {
                    labels.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            if node.metadata.labels == labels && node.taints == taints {
                return Ok("unchanged");
            }
            node.metadata.labels = labels;
            node.taints = taints;
            let rv = self.next_rv();
            if let Some(node) = self.nodes.get_mut(&name) {
                node.metadata.resource_version = rv;
            }
            self.retry_unschedulable();
            return Ok("configured");
        }
        self.add_node(Node {
            metadata: ObjectMeta {
                name: name.clone(),
                labels: metadata.labels,
                annotations: metadata.annotations,
                ..ObjectMeta::default()
            },
            taints,
            ..Node::default()
        });
        self.event(
            format!("Node/{name}"),
            "Normal",
            "RegisteredNode",
            format!("Node {name} event: Registered Node {name} in Controller"),
            "node-controller",
        );
        Ok("created")
    }

    /// The ControllerRevisions a StatefulSet controls, lowest revision number first.
    pub fn revisions_of(&self, set: &StatefulSet) -> Vec<&ControllerRevision> {
        let ns = &set.metadata.namespace;
        let mut revs: Vec<&ControllerRevision> = self
            .revisions
            .range((ns.clone(), String::new())..)
            .take_while(|((rns, _), _)| rns == ns)
            .map(|(_, r)| r)
            .filter(|r| {
                r.metadata
                    .controller_ref()
                    .is_some_and(|o| o.uid == set.metadata.uid)
            })
            .collect();
        revs.sort_by_key(|r| r.revision);
        revs
    }

    /// Pods of a StatefulSet's namespace that it owns, sorted by name.
    pub fn pods_of(&self, key: &Key) -> Vec<&Pod> {
        let Some(set) = self.sets.get(key) else {
            return Vec::new();
        };
        self.pods
            .range((key.0.clone(), String::new())..)
            .take_while(|((ns, _), _)| *ns == key.0)
            .map(|(_, p)| p)
            .filter(|p| {
                p.metadata
                    .controller_ref()
                    .is_some_and(|r| r.uid == set.metadata.uid)
            })
            .collect()
    }

    /// Queues a resync of every StatefulSet (what a periodic resync would do, N-5).
    pub fn resync_all(&mut self) {
        let keys: Vec<Key> = self.sets.keys().cloned().collect();
        for k in keys {
            self.schedule(self.now, Work::Sync(k));
        }
    }
}

/// Checks a manifest stream without applying it: the errors of
/// [`crate::diagnose::diagnose`] (what `kubectl apply` would refuse), as
/// `line:column: error: message` strings.
pub fn check_manifests(text: &str) -> Vec<String> {
    crate::diagnose::diagnose(text)
        .into_iter()
        .filter(|d| d.severity == crate::diagnose::Severity::Error)
        .map(|d| d.render())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;

    fn world() -> World {
        let s = scenario::parse(&crate::bench::scenario_yaml(2, 3)).expect("parses");
        let mut w = scenario::build_world(&s);
        w.apply_manifests(&s.manifests);
        w
    }

    #[test]
    fn a_released_pod_keeps_its_name_and_the_new_create_fails_with_already_exists() {
        let mut w = world();
        crate::bench::settle(&mut w);
        let out = crate::kubectl::run(&mut w, "kubectl label pod web-1 app=other --overwrite");
        assert_eq!(out.exit, 0, "{}", out.output);
        for _ in 0..200 {
            if w.step().is_none() {
                break;
            }
        }
        // E-3: the released pod is not replaced; the controller's create is refused.
        let pod = &w.pods[&(DEFAULT_NS.to_string(), "web-1".to_string())];
        assert_eq!(
            pod.metadata.labels.get("app").map(String::as_str),
            Some("other")
        );
        assert!(pod.metadata.controller_ref().is_none());
        assert!(
            w.events.iter().any(|e| e.reason == "FailedCreate"
                && e.message.contains("pods \"web-1\" already exists")),
            "{:?}",
            w.events.iter().map(|e| &e.message).collect::<Vec<_>>()
        );
    }

    #[test]
    fn replica_counts_beyond_the_playground_cap_are_refused_and_change_nothing() {
        let mut w = world();
        let before = w
            .sets
            .values()
            .next()
            .map(|s| (s.spec.clone(), s.metadata.generation));
        let out = crate::kubectl::run(&mut w, "kubectl scale statefulset web --replicas=20001");
        assert_eq!(out.exit, 1);
        assert!(out.output.contains("at most 20000"), "{}", out.output);
        let after = w
            .sets
            .values()
            .next()
            .map(|s| (s.spec.clone(), s.metadata.generation));
        assert_eq!(before, after);
        let ok = crate::kubectl::run(&mut w, "kubectl scale statefulset web --replicas=20000");
        assert_eq!(ok.output, "statefulset.apps/web scaled");
    }

    #[test]
    fn negative_replicas_get_kubectls_client_error() {
        let mut w = world();
        let out = crate::kubectl::run(&mut w, "kubectl scale sts web --replicas=-1");
        assert_eq!(
            out.output,
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        );
    }

    /// Two nodes and the tutorials' PostgreSQL anti-affinity: postgres-2 cannot run.
    fn anti_affinity_world() -> World {
        let s = scenario::parse(
            r#"
scenario: t
title: {en: t, zh: t}
cluster: {nodes: 2}
manifests: |
  apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: postgres}
  spec:
    selector: {matchLabels: {app: postgres}}
    serviceName: postgres
    replicas: 3
    template:
      metadata: {labels: {app: postgres}}
      spec:
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: postgres}}
              topologyKey: kubernetes.io/hostname
        containers: [{name: postgres, image: "postgres:15"}]
"#,
        )
        .expect("parses");
        let mut w = scenario::build_world(&s);
        w.apply_manifests(&s.manifests);
        crate::bench::settle(&mut w);
        w
    }

    fn pod_node(w: &World, name: &str) -> Option<String> {
        w.pods
            .get(&(DEFAULT_NS.to_string(), name.to_string()))
            .and_then(|p| p.spec.node_name.clone())
    }

    #[test]
    fn applying_a_node_registers_it_and_the_pending_pod_schedules_there() {
        let mut w = anti_affinity_world();
        assert_eq!(pod_node(&w, "postgres-2"), None, "no node fits yet");
        let out = w.apply_manifests("apiVersion: v1\nkind: Node\nmetadata: {name: node-3}\n");
        assert_eq!(out.output, "node/node-3 created");
        let node = &w.nodes["node-3"];
        assert!(node.ready);
        assert_eq!(
            node.metadata
                .labels
                .get("kubernetes.io/hostname")
                .map(String::as_str),
            Some("node-3")
        );
        assert!(w.events.iter().any(|e| e.reason == "RegisteredNode"
            && e.object == "Node/node-3"
            && e.message == "Node node-3 event: Registered Node node-3 in Controller"));
        crate::bench::settle(&mut w);
        assert_eq!(pod_node(&w, "postgres-2").as_deref(), Some("node-3"));
        // Applying the same object again changes nothing.
        let again = w.apply_manifests("apiVersion: v1\nkind: Node\nmetadata: {name: node-3}\n");
        assert_eq!(again.output, "node/node-3 unchanged");
    }

    #[test]
    fn a_tainted_node_does_not_take_the_pod_until_the_taint_is_removed() {
        let mut w = anti_affinity_world();
        let tainted = "apiVersion: v1\nkind: Node\nmetadata: {name: node-3}\nspec:\n  taints: [{key: dedicated, value: db, effect: NoSchedule}]\n";
        assert_eq!(w.apply_manifests(tainted).output, "node/node-3 created");
        crate::bench::settle(&mut w);
        assert_eq!(pod_node(&w, "postgres-2"), None);
        // Updating the node (taint removed) retries the unschedulable pod.
        let plain = "apiVersion: v1\nkind: Node\nmetadata: {name: node-3}\n";
        assert_eq!(w.apply_manifests(plain).output, "node/node-3 configured");
        assert!(w.nodes["node-3"].taints.is_empty());
        assert!(w.nodes["node-3"]
            .metadata
            .labels
            .contains_key("kubernetes.io/hostname"));
        crate::bench::settle(&mut w);
        assert_eq!(pod_node(&w, "postgres-2").as_deref(), Some("node-3"));
    }

    #[test]
    fn a_node_with_a_bad_taint_is_refused_and_nothing_changes() {
        let mut w = anti_affinity_world();
        let bad = "apiVersion: v1\nkind: Node\nmetadata: {name: node-3}\nspec:\n  taints: [{key: a, effect: Never}, {effect: NoSchedule}]\n";
        let out = w.apply_manifests(bad);
        assert_eq!(out.exit, 1);
        assert_eq!(
            out.output,
            "The Node \"node-3\" is invalid: \n* spec.taints[0].effect: Unsupported value: \"Never\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"\n* spec.taints[1].key: Required value"
        );
        assert!(!w.nodes.contains_key("node-3"));
        // A wrongly typed field is a strict-decoding error, before anything is stored.
        let typed = w.apply_manifests(
            "apiVersion: v1\nkind: Node\nmetadata: {name: node-3}\nspec: {taints: 3}\n",
        );
        assert_eq!(typed.exit, 1, "{}", typed.output);
        assert!(!w.nodes.contains_key("node-3"));
    }

    /// Parallel pods with WaitForFirstConsumer claims are scheduled one after another
    /// while their volumes are provisioned: each one chosen counts on its node at once
    /// (upstream assumes it in the scheduler cache), so required anti-affinity and
    /// spreading see it and three replicas land on three nodes, not all on one.
    #[test]
    fn pods_waiting_for_their_volumes_count_on_the_chosen_node() {
        for (anti_affinity, seed) in [true, false]
            .into_iter()
            .flat_map(|a| (0..8).map(move |s| (a, s)))
        {
            let affinity = if anti_affinity {
                "        affinity:\n          podAntiAffinity:\n            requiredDuringSchedulingIgnoredDuringExecution:\n            - labelSelector: {matchLabels: {app: db}}\n              topologyKey: kubernetes.io/hostname\n"
            } else {
                ""
            };
            let text = format!(
                "scenario: t\ntitle: {{en: t, zh: t}}\nseed: {seed}\ncluster: {{nodes: 3}}\nmanifests: |\n  apiVersion: apps/v1\n  kind: StatefulSet\n  metadata: {{name: db}}\n  spec:\n    selector: {{matchLabels: {{app: db}}}}\n    serviceName: db\n    replicas: 3\n    podManagementPolicy: Parallel\n    template:\n      metadata: {{labels: {{app: db}}}}\n      spec:\n{affinity}        containers: [{{name: db, image: \"postgres:15\"}}]\n    volumeClaimTemplates:\n    - metadata: {{name: data}}\n      spec:\n        accessModes: [ReadWriteOnce]\n        resources: {{requests: {{storage: 1Gi}}}}\n"
            );
            let s = scenario::parse(&text).expect("parses");
            let mut w = scenario::build_world(&s);
            w.apply_manifests(&s.manifests);
            crate::bench::settle(&mut w);
            let mut nodes: Vec<String> = (0..3)
                .filter_map(|i| pod_node(&w, &format!("db-{i}")))
                .collect();
            nodes.sort();
            assert_eq!(
                nodes,
                ["node-1", "node-2", "node-3"],
                "anti-affinity {anti_affinity}, seed {seed}"
            );
        }
    }
}
