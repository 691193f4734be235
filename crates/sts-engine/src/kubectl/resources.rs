//! Resource types as kubectl names them (`po`, `pods`, `statefulsets.apps`…) and a uniform
//! read-only view of the stored objects of each type.
//!
//! Names, short names and groups follow the API server's discovery documents of 1.32
//! (`kubectl api-resources`); `kind.group` is what kubectl prints before `/name`
//! (K-1), `resource.group` what `Error from server (NotFound)` names.

use std::borrow::Cow;

use crate::api::DEFAULT_NS;
use crate::manifest::Object;
use crate::model::*;
use crate::time::SimTime;
use crate::world::World;

/// A resource type the playground knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Res {
    Pod,
    Service,
    StatefulSet,
    Deployment,
    ReplicaSet,
    ControllerRevision,
    PersistentVolumeClaim,
    PersistentVolume,
    StorageClass,
    Event,
    Node,
    Namespace,
    /// Accepted and stored, not simulated (`Object::Other`).
    Generic(GenericKind),
}

/// Kinds that are stored verbatim (see `manifest::GENERIC_KINDS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GenericKind {
    DaemonSet,
    ConfigMap,
    Secret,
    ServiceAccount,
    PodDisruptionBudget,
}

/// Discovery data of one resource type.
pub struct Info {
    pub plural: &'static str,
    pub singular: &'static str,
    pub short: &'static [&'static str],
    pub kind: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
}

const ALL: &[Res] = &[
    Res::Pod,
    Res::Service,
    Res::StatefulSet,
    Res::ControllerRevision,
    Res::PersistentVolumeClaim,
    Res::PersistentVolume,
    Res::StorageClass,
    Res::Event,
    Res::Node,
    Res::Namespace,
    Res::Deployment,
    Res::ReplicaSet,
    Res::Generic(GenericKind::DaemonSet),
    Res::Generic(GenericKind::ConfigMap),
    Res::Generic(GenericKind::Secret),
    Res::Generic(GenericKind::ServiceAccount),
    Res::Generic(GenericKind::PodDisruptionBudget),
];

impl Res {
    /// Discovery data.
    pub fn info(self) -> Info {
        let i = |plural, singular, short, kind, group, version, namespaced| Info {
            plural,
            singular,
            short,
            kind,
            group,
            version,
            namespaced,
        };
        match self {
            Res::Pod => i("pods", "pod", &["po"], "Pod", "", "v1", true),
            Res::Service => i("services", "service", &["svc"], "Service", "", "v1", true),
            Res::StatefulSet => i(
                "statefulsets",
                "statefulset",
                &["sts"],
                "StatefulSet",
                "apps",
                "v1",
                true,
            ),
            Res::ControllerRevision => i(
                "controllerrevisions",
                "controllerrevision",
                &[],
                "ControllerRevision",
                "apps",
                "v1",
                true,
            ),
            Res::PersistentVolumeClaim => i(
                "persistentvolumeclaims",
                "persistentvolumeclaim",
                &["pvc"],
                "PersistentVolumeClaim",
                "",
                "v1",
                true,
            ),
            Res::PersistentVolume => i(
                "persistentvolumes",
                "persistentvolume",
                &["pv"],
                "PersistentVolume",
                "",
                "v1",
                false,
            ),
            Res::StorageClass => i(
                "storageclasses",
                "storageclass",
                &["sc"],
                "StorageClass",
                "storage.k8s.io",
                "v1",
                false,
            ),
            Res::Event => i("events", "event", &["ev"], "Event", "", "v1", true),
            Res::Node => i("nodes", "node", &["no"], "Node", "", "v1", false),
            Res::Namespace => i(
                "namespaces",
                "namespace",
                &["ns"],
                "Namespace",
                "",
                "v1",
                false,
            ),
            Res::Deployment => i(
                "deployments",
                "deployment",
                &["deploy"],
                "Deployment",
                "apps",
                "v1",
                true,
            ),
            Res::ReplicaSet => i(
                "replicasets",
                "replicaset",
                &["rs"],
                "ReplicaSet",
                "apps",
                "v1",
                true,
            ),
            Res::Generic(g) => match g {
                GenericKind::DaemonSet => i(
                    "daemonsets",
                    "daemonset",
                    &["ds"],
                    "DaemonSet",
                    "apps",
                    "v1",
                    true,
                ),
                GenericKind::ConfigMap => i(
                    "configmaps",
                    "configmap",
                    &["cm"],
                    "ConfigMap",
                    "",
                    "v1",
                    true,
                ),
                GenericKind::Secret => i("secrets", "secret", &[], "Secret", "", "v1", true),
                GenericKind::ServiceAccount => i(
                    "serviceaccounts",
                    "serviceaccount",
                    &["sa"],
                    "ServiceAccount",
                    "",
                    "v1",
                    true,
                ),
                GenericKind::PodDisruptionBudget => i(
                    "poddisruptionbudgets",
                    "poddisruptionbudget",
                    &["pdb"],
                    "PodDisruptionBudget",
                    "policy",
                    "v1",
                    true,
                ),
            },
        }
    }

    /// `statefulset.apps`, `pod`: what kubectl prints before `/name` (K-1).
    pub fn kind_group(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.singular.to_string()
        } else {
            format!("{}.{}", i.singular, i.group)
        }
    }

    /// `statefulsets.apps`, `pods`: the resource as API errors name it.
    pub fn plural_group(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.plural.to_string()
        } else {
            format!("{}.{}", i.plural, i.group)
        }
    }

    /// `apps/v1`, `v1`.
    pub fn api_version(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.version.to_string()
        } else {
            format!("{}/{}", i.group, i.version)
        }
    }

    /// The type for a kind (`StatefulSet`) as written in a manifest.
    pub fn from_kind(kind: &str) -> Option<Res> {
        ALL.iter().copied().find(|r| r.info().kind == kind)
    }

    /// Looks a resource word up the way kubectl's RESTMapper does: plural, singular,
    /// short name or kind, case-insensitive, optionally qualified by `.group` or
    /// `.version.group` (`statefulsets.apps`, `deployments.v1.apps`).
    pub fn lookup(word: &str) -> Option<Res> {
        let w = word.to_ascii_lowercase();
        if w.is_empty() {
            return None;
        }
        let (name, qualifier) = match w.split_once('.') {
            Some((n, q)) => (n.to_string(), Some(q.to_string())),
            None => (w.clone(), None),
        };
        ALL.iter().copied().find(|r| {
            let i = r.info();
            let name_ok = name == i.plural
                || name == i.singular
                || name == i.kind.to_ascii_lowercase()
                || (qualifier.is_none() && i.short.contains(&name.as_str()));
            let group_ok = match &qualifier {
                None => true,
                Some(q) => {
                    let group = if i.group.is_empty() { "" } else { i.group };
                    *q == group
                        || *q == format!("{}.{group}", i.version).trim_end_matches('.')
                        || (group.is_empty() && *q == i.version)
                }
            };
            name_ok && group_ok
        })
    }

    /// Every type, in `kubectl api-resources` order of this playground.
    pub fn all() -> &'static [Res] {
        ALL
    }
}

/// A read-only view of one stored object.
#[derive(Clone, Debug)]
pub enum View<'a> {
    Pod(&'a Pod),
    Service(Cow<'a, Service>),
    StatefulSet(&'a StatefulSet),
    Deployment(&'a Deployment),
    ReplicaSet(&'a ReplicaSet),
    ControllerRevision(&'a ControllerRevision),
    PersistentVolumeClaim(&'a PersistentVolumeClaim),
    PersistentVolume(&'a PersistentVolume),
    StorageClass(&'a StorageClass),
    Event(&'a Event),
    Node(&'a Node),
    Namespace(Cow<'a, ObjectMeta>),
    Other(&'a Object),
}

/// The namespaces every cluster has, shown by `kubectl get ns`.
pub const SYSTEM_NAMESPACES: &[&str] =
    &["default", "kube-node-lease", "kube-public", "kube-system"];

impl<'a> View<'a> {
    /// The object's type.
    pub fn res(&self) -> Res {
        match self {
            View::Pod(_) => Res::Pod,
            View::Service(_) => Res::Service,
            View::StatefulSet(_) => Res::StatefulSet,
            View::Deployment(_) => Res::Deployment,
            View::ReplicaSet(_) => Res::ReplicaSet,
            View::ControllerRevision(_) => Res::ControllerRevision,
            View::PersistentVolumeClaim(_) => Res::PersistentVolumeClaim,
            View::PersistentVolume(_) => Res::PersistentVolume,
            View::StorageClass(_) => Res::StorageClass,
            View::Event(_) => Res::Event,
            View::Node(_) => Res::Node,
            View::Namespace(_) => Res::Namespace,
            View::Other(o) => Res::from_kind(o.kind()).unwrap_or(Res::Event),
        }
    }

    /// The object's metadata (events have none of their own).
    pub fn meta(&self) -> Option<&ObjectMeta> {
        Some(match self {
            View::Pod(p) => &p.metadata,
            View::Service(s) => &s.metadata,
            View::StatefulSet(s) => &s.metadata,
            View::Deployment(d) => &d.metadata,
            View::ReplicaSet(r) => &r.metadata,
            View::ControllerRevision(r) => &r.metadata,
            View::PersistentVolumeClaim(c) => &c.metadata,
            View::PersistentVolume(v) => &v.metadata,
            View::StorageClass(c) => &c.metadata,
            View::Event(_) => return None,
            View::Node(n) => &n.metadata,
            View::Namespace(m) => m,
            View::Other(o) => o.meta(),
        })
    }

    /// Name (an event's is `<object>.<hex first-seen time>`, like the recorder's).
    pub fn name(&self) -> String {
        match self {
            View::Event(e) => event_name(e),
            v => v.meta().map(|m| m.name.clone()).unwrap_or_default(),
        }
    }

    /// Namespace (empty for cluster-scoped objects).
    pub fn namespace(&self) -> String {
        if !self.res().info().namespaced {
            return String::new();
        }
        match self.meta() {
            Some(m) if !m.namespace.is_empty() => m.namespace.clone(),
            _ => DEFAULT_NS.to_string(),
        }
    }

    /// Labels (none for events).
    pub fn labels(&self) -> Cow<'_, Labels> {
        match self.meta() {
            Some(m) => Cow::Borrowed(&m.labels),
            None => Cow::Owned(Labels::new()),
        }
    }

    /// Creation time.
    pub fn created(&self) -> SimTime {
        match self {
            View::Event(e) => e.first,
            v => v.meta().map(|m| m.creation).unwrap_or_default(),
        }
    }
}

/// The recorder's event name: `<involved object name>.<first timestamp in hex nanoseconds>`.
pub fn event_name(e: &Event) -> String {
    let object = e
        .object
        .split_once('/')
        .map_or(e.object.as_str(), |(_, n)| n);
    // Events first seen at the same millisecond differ in the sub-millisecond digits; a
    // hash of what the event says keeps the name stable and distinct.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in e.reason.bytes().chain(e.message.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let nanos = (crate::time::EPOCH_UNIX_SECONDS as u128 * 1000 + e.first.as_millis() as u128)
        * 1_000_000
        + u128::from(h % 1_000_000);
    format!("{object}.{nanos:x}")
}

/// The API server's `kubernetes` Service, which every cluster has in `default`.
pub fn kubernetes_service() -> Service {
    let mut labels = Labels::new();
    labels.insert("component".into(), "apiserver".into());
    labels.insert("provider".into(), "kubernetes".into());
    let mut extra = Extra::new();
    extra.insert(
        "ports".into(),
        serde_json::json!([{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]),
    );
    Service {
        metadata: ObjectMeta {
            name: "kubernetes".into(),
            namespace: DEFAULT_NS.into(),
            labels,
            uid: "0d4a6f5c-52b4-4a3e-8a0b-000000000001".into(),
            resource_version: "200".into(),
            creation: SimTime::ZERO,
            ..ObjectMeta::default()
        },
        spec: ServiceSpec {
            cluster_ip: Some("10.96.0.1".into()),
            type_: Some("ClusterIP".into()),
            extra,
            ..ServiceSpec::default()
        },
    }
}

/// Every object of type `res` in `ns` (`None`: all namespaces), in the API server's
/// list order (namespace, then name).
pub fn list<'w>(world: &'w World, res: Res, ns: Option<&str>) -> Vec<View<'w>> {
    let in_ns = |n: &str| ns.is_none_or(|want| want == n);
    let mut out: Vec<View<'w>> = match res {
        Res::Pod => world
            .pods
            .iter()
            .filter(|((n, _), _)| in_ns(n))
            .map(|(_, p)| View::Pod(p))
            .collect(),
        Res::Service => {
            let mut v: Vec<View<'w>> = world
                .services
                .iter()
                .filter(|((n, _), _)| in_ns(n))
                .map(|(_, s)| View::Service(Cow::Borrowed(s)))
                .collect();
            let has_own = world
                .services
                .contains_key(&(DEFAULT_NS.to_string(), "kubernetes".to_string()));
            if in_ns(DEFAULT_NS) && !has_own {
                v.push(View::Service(Cow::Owned(kubernetes_service())));
            }
            v
        }
        Res::StatefulSet => world
            .sets
            .iter()
            .filter(|((n, _), _)| in_ns(n))
            .map(|(_, s)| View::StatefulSet(s))
            .collect(),
        Res::Deployment => world
            .deployments
            .iter()
            .filter(|((n, _), _)| in_ns(n))
            .map(|(_, d)| View::Deployment(d))
            .collect(),
        Res::ReplicaSet => world
            .replica_sets
            .iter()
            .filter(|((n, _), _)| in_ns(n))
            .map(|(_, r)| View::ReplicaSet(r))
            .collect(),
        Res::ControllerRevision => world
            .revisions
            .iter()
            .filter(|((n, _), _)| in_ns(n))
            .map(|(_, r)| View::ControllerRevision(r))
            .collect(),
        Res::PersistentVolumeClaim => world
            .claims
            .iter()
            .filter(|((n, _), _)| in_ns(n))
            .map(|(_, c)| View::PersistentVolumeClaim(c))
            .collect(),
        Res::PersistentVolume => world.volumes.values().map(View::PersistentVolume).collect(),
        Res::StorageClass => world.classes.values().map(View::StorageClass).collect(),
        Res::Event => {
            if in_ns(DEFAULT_NS) {
                world.events.iter().map(View::Event).collect()
            } else {
                Vec::new()
            }
        }
        Res::Node => world.nodes.values().map(View::Node).collect(),
        Res::Namespace => {
            let mut names: std::collections::BTreeSet<String> =
                SYSTEM_NAMESPACES.iter().map(|s| s.to_string()).collect();
            for (n, _) in world
                .pods
                .keys()
                .chain(world.sets.keys())
                .chain(world.deployments.keys())
                .chain(world.replica_sets.keys())
                .chain(world.claims.keys())
            {
                names.insert(n.clone());
            }
            for (kind, _, name) in world.others.keys() {
                if kind == "Namespace" {
                    names.insert(name.clone());
                }
            }
            names
                .into_iter()
                .map(|n| {
                    let stored = world
                        .others
                        .iter()
                        .find(|((k, _, name), _)| k == "Namespace" && *name == n)
                        .map(|(_, o)| o.meta().clone());
                    View::Namespace(Cow::Owned(stored.unwrap_or_else(|| {
                        ObjectMeta {
                            name: n.clone(),
                            labels: [("kubernetes.io/metadata.name".to_string(), n.clone())]
                                .into_iter()
                                .collect(),
                            ..ObjectMeta::default()
                        }
                    })))
                })
                .collect()
        }
        Res::Generic(_) => {
            let kind = res.info().kind;
            world
                .others
                .iter()
                .filter(|((k, n, _), _)| {
                    k == kind && in_ns(if n.is_empty() { DEFAULT_NS } else { n })
                })
                .map(|(_, o)| View::Other(o))
                .collect()
        }
    };
    if res == Res::Service {
        out.sort_by_key(|v| (v.namespace(), v.name()));
    }
    if res == Res::Event {
        // Listed in name order like the API server returns them: by object, then time.
        out.sort_by_key(|v| match v {
            View::Event(e) => (
                e.object.split_once('/').map(|(_, n)| n.to_string()),
                e.first,
            ),
            _ => (None, SimTime::ZERO),
        });
    }
    out
}

/// One object by name (direct lookups for the simulated kinds).
pub fn find<'w>(world: &'w World, res: Res, ns: &str, name: &str) -> Option<View<'w>> {
    let key = (ns.to_string(), name.to_string());
    match res {
        Res::Pod => world.pods.get(&key).map(View::Pod),
        Res::StatefulSet => world.sets.get(&key).map(View::StatefulSet),
        Res::Deployment => world.deployments.get(&key).map(View::Deployment),
        Res::ReplicaSet => world.replica_sets.get(&key).map(View::ReplicaSet),
        Res::ControllerRevision => world.revisions.get(&key).map(View::ControllerRevision),
        Res::PersistentVolumeClaim => world.claims.get(&key).map(View::PersistentVolumeClaim),
        Res::PersistentVolume => world.volumes.get(name).map(View::PersistentVolume),
        Res::StorageClass => world.classes.get(name).map(View::StorageClass),
        Res::Node => world.nodes.get(name).map(View::Node),
        _ => list(world, res, Some(ns))
            .into_iter()
            .find(|v| v.name() == name),
    }
}

/// One object by name in whichever namespace has it first (`-A` watches).
pub fn find_any_namespace<'w>(world: &'w World, res: Res, name: &str) -> Option<View<'w>> {
    list(world, res, None)
        .into_iter()
        .find(|v| v.name() == name)
}
