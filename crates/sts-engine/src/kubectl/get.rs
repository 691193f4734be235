//! `kubectl get`: tables (K-2…K-6), `-o wide|name|yaml|json|jsonpath|custom-columns`,
//! label and field selectors, `-A`, `--show-labels`, `-L`, `--no-headers`,
//! `--sort-by`, several types at once, and `-w` (see `watch.rs`).
//!
//! Column sets and cell formats follow `k8s.io/kubernetes/pkg/printers/internalversion/
//! printers.go` (`printPod`, `printStatefulSet`, `printService`, `printPersistentVolume*`,
//! `printStorageClass`, `printControllerRevision`, `printEvent`, `printNode`…); the
//! multi-type layout (a `kind.group/name` NAME column, one table per type separated by a
//! blank line, widths reset per type) follows `kubectl/pkg/cmd/get/get.go`
//! (`printGeneric`, `MultipleTypesRequested`, the `separatorWriter`).

use serde_json::Value;

use super::args::{flag, val, Args, Flag};
use super::jsonpath::{self, Template};
use super::output;
use super::resources::{self, GenericKind, Res, View};
use super::{selector, Out};
use crate::model::*;
use crate::printers::{self, TabWriter};
use crate::time::SimTime;
use crate::world::World;

pub const FLAGS: &[Flag] = &[
    val("output", Some('o')),
    val("selector", Some('l')),
    val("field-selector", None),
    flag("all-namespaces", Some('A')),
    flag("watch", Some('w')),
    flag("watch-only", None),
    flag("no-headers", None),
    flag("show-labels", None),
    val("label-columns", Some('L')),
    val("sort-by", None),
    flag("show-kind", None),
    flag("ignore-not-found", None),
    val("chunk-size", None),
    flag("output-watch-events", None),
];

/// How objects are printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    Table { wide: bool },
    Name,
    Yaml,
    Json,
    JsonPath(Template, String),
    CustomColumns(Vec<(String, Template)>),
}

/// Parses `-o`.
pub fn format(o: Option<&str>) -> Result<Format, String> {
    let Some(o) = o else {
        return Ok(Format::Table { wide: false });
    };
    let (kind, arg) = match o.split_once('=') {
        Some((k, a)) => (k, Some(a)),
        None => (o, None),
    };
    Ok(match (kind, arg) {
        ("wide", None) => Format::Table { wide: true },
        ("name", None) => Format::Name,
        ("yaml", None) => Format::Yaml,
        ("json", None) => Format::Json,
        ("jsonpath", Some(t)) | ("jsonpath-as-json", Some(t)) => Format::JsonPath(
            jsonpath::parse(t).map_err(|e| format!("error: error parsing jsonpath {t}, {e}"))?,
            t.to_string(),
        ),
        ("custom-columns", Some(spec)) => {
            let mut cols = Vec::new();
            for part in spec.split(',') {
                let Some((h, e)) = part.split_once(':') else {
                    return Err(format!("error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"));
                };
                let relaxed = jsonpath::relaxed(e).map_err(|x| format!("error: {x}"))?;
                let t = jsonpath::parse(&relaxed)
                    .map_err(|x| format!("error: error parsing jsonpath {relaxed}, {x}"))?;
                cols.push((h.to_string(), t));
            }
            Format::CustomColumns(cols)
        }
        ("jsonpath" | "custom-columns" | "go-template" | "template", None) => {
            return Err("error: template format specified but no template given".to_string())
        }
        _ => {
            return Err(format!(
                "error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
            ))
        }
    })
}

/// What the user asked for: whole types, or named objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    Types(Vec<Res>),
    Named(Vec<(Res, String)>),
}

impl Selection {
    /// kubectl's `MultipleTypesRequested`: several types, or `all`.
    pub fn multiple_types(&self) -> bool {
        let mut types = match self {
            Selection::Types(t) => t.clone(),
            Selection::Named(n) => n.iter().map(|(r, _)| *r).collect(),
        };
        types.dedup();
        types.len() > 1
    }
}

/// The types `kubectl get all` lists (the `all` category).
const ALL_CATEGORY: &[Res] = &[
    Res::Pod,
    Res::Service,
    Res::Generic(GenericKind::DaemonSet),
    Res::Deployment,
    Res::ReplicaSet,
    Res::StatefulSet,
];

/// Resolves `TYPE [NAME…]`, `TYPE/NAME…` and `TYPE1,TYPE2 [NAME…]` (kubectl's resource
/// builder rules).
pub fn select(pos: &[String], verb: &str) -> Result<Selection, String> {
    let Some(first) = pos.first() else {
        return Err(format!(
            "error: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl {verb} -h' for help and examples"
        ));
    };
    let lookup = |t: &str| -> Result<Vec<Res>, String> {
        if t == "all" {
            return Ok(ALL_CATEGORY.to_vec());
        }
        match Res::lookup(t) {
            Some(r) => Ok(vec![r]),
            None => Err(unknown_type(t)),
        }
    };
    if first.contains('/') {
        let mut named = Vec::new();
        for p in pos {
            let Some((t, n)) = p.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            if t.is_empty() || n.is_empty() {
                return Err(
                    "error: arguments in resource/name form must have a single resource and name"
                        .into(),
                );
            }
            let r = lookup(t)?;
            named.push((r[0], n.to_string()));
        }
        return Ok(Selection::Named(named));
    }
    let mut types = Vec::new();
    for t in first.split(',').filter(|t| !t.is_empty()) {
        for r in lookup(t)? {
            if !types.contains(&r) {
                types.push(r);
            }
        }
    }
    if types.is_empty() {
        return Err(unknown_type(first));
    }
    if pos.len() == 1 {
        return Ok(Selection::Types(types));
    }
    if pos[1..].iter().any(|p| p.contains('/')) {
        return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
    }
    let mut named = Vec::new();
    for r in &types {
        for n in &pos[1..] {
            named.push((*r, n.clone()));
        }
    }
    Ok(Selection::Named(named))
}

/// `error: the server doesn't have a resource type "x"`, with a hint for a full-width
/// comma (`po,svc，sts`), which kubectl does not split on.
pub fn unknown_type(t: &str) -> String {
    let mut e = format!("error: the server doesn't have a resource type \"{t}\"");
    if t.contains('，') {
        e.push_str(
            "\n(note: \"，\" is a full-width comma; kubectl separates resource types with \",\")",
        );
    }
    e
}

/// `Error from server (NotFound): pods "web-9" not found`.
pub fn not_found(res: Res, name: &str) -> String {
    format!(
        "Error from server (NotFound): {} \"{name}\" not found",
        res.plural_group()
    )
}

/// Filters that apply to every listed object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {
    pub selector: Option<LabelSelector>,
    pub fields: Vec<(String, bool, String)>,
}

impl Filters {
    pub fn from_args(a: &Args, res_hint: Option<Res>) -> Result<Filters, String> {
        let selector = a
            .get("selector")
            .map(selector::parse)
            .transpose()
            .map_err(|e| format!("error: {e}"))?;
        let mut fields = Vec::new();
        if let Some(fs) = a.get("field-selector") {
            for part in fs.split(',').filter(|p| !p.is_empty()) {
                let (k, neg, v) = if let Some((k, v)) = part.split_once("!=") {
                    (k, true, v)
                } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('='))
                {
                    (k, false, v)
                } else {
                    return Err(format!(
                        "error: invalid selector: '{fs}'; can't understand '{part}'"
                    ));
                };
                let supported = ["metadata.name", "metadata.namespace"].contains(&k)
                    || (res_hint == Some(Res::Pod)
                        && ["status.phase", "spec.nodeName"].contains(&k))
                    || (res_hint == Some(Res::Event)
                        && [
                            "involvedObject.name",
                            "involvedObject.kind",
                            "type",
                            "reason",
                        ]
                        .contains(&k));
                if !supported {
                    let r = res_hint.unwrap_or(Res::Pod);
                    return Err(format!(
                        "Error from server (BadRequest): Unable to find \"{}/{}, Resource={}\" that match label selector \"{}\", field selector \"{fs}\": field label not supported: {k}",
                        r.info().group,
                        r.info().version,
                        r.info().plural,
                        a.get("selector").unwrap_or("")
                    ));
                }
                fields.push((k.to_string(), neg, v.to_string()));
            }
        }
        Ok(Filters { selector, fields })
    }

    pub fn matches(&self, v: &View<'_>) -> bool {
        if let Some(s) = &self.selector {
            if !s.matches(&v.labels()) {
                return false;
            }
        }
        self.fields.iter().all(|(k, neg, want)| {
            let is = match (k.as_str(), v) {
                ("metadata.name", _) => v.name(),
                ("metadata.namespace", _) => v.namespace(),
                ("status.phase", View::Pod(p)) => p.status.phase.clone(),
                ("spec.nodeName", View::Pod(p)) => p.spec.node_name.clone().unwrap_or_default(),
                ("involvedObject.name", View::Event(e)) => e
                    .object
                    .split_once('/')
                    .map_or(e.object.clone(), |(_, n)| n.to_string()),
                ("involvedObject.kind", View::Event(e)) => e
                    .object
                    .split_once('/')
                    .map_or(String::new(), |(k, _)| k.to_string()),
                ("type", View::Event(e)) => e.type_.clone(),
                ("reason", View::Event(e)) => e.reason.clone(),
                _ => String::new(),
            };
            (is == *want) != *neg
        })
    }
}

/// The printing options of one `get`.
#[derive(Clone, Debug, PartialEq)]
pub struct Print {
    pub format: Format,
    pub no_headers: bool,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
    pub with_namespace: bool,
    pub show_kind: bool,
}

/// kubectl's `translateTimestampSince`.
pub fn age(now: SimTime, t: SimTime) -> String {
    crate::time::human_duration(now.since(t))
}

fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

fn ports_of(extra: &Extra) -> Vec<Value> {
    extra
        .get("ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// `80/TCP,443:30443/TCP` (`makePortString`).
pub fn service_ports(svc: &Service) -> String {
    let ports: Vec<String> = ports_of(&svc.spec.extra)
        .iter()
        .map(|p| {
            let port = p.get("port").map(jsonpath::print_value).unwrap_or_default();
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            match p.get("nodePort").and_then(Value::as_i64) {
                Some(np) if np > 0 => format!("{port}:{np}/{proto}"),
                _ => format!("{port}/{proto}"),
            }
        })
        .collect();
    or_none(ports.join(","))
}

/// `app=nginx,tier=web` (`labels.FormatLabels`), `<none>` when empty.
pub fn format_labels(l: &Labels) -> String {
    or_none(
        l.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
    )
}

fn access_modes(modes: &[String]) -> String {
    modes
        .iter()
        .map(|m| match m.as_str() {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Column headers of a type.
pub fn headers(res: Res, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match res {
        Res::Pod => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        Res::StatefulSet => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        Res::Service => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        Res::PersistentVolumeClaim => (
            &[
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Res::PersistentVolume => (
            &[
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Res::StorageClass => (
            &[
                "NAME",
                "PROVISIONER",
                "RECLAIMPOLICY",
                "VOLUMEBINDINGMODE",
                "ALLOWVOLUMEEXPANSION",
                "AGE",
            ],
            &[],
        ),
        Res::ControllerRevision => (&["NAME", "CONTROLLER", "REVISION", "AGE"], &[]),
        Res::Event => {
            if wide {
                return vec![
                    "LAST SEEN",
                    "TYPE",
                    "REASON",
                    "OBJECT",
                    "SUBOBJECT",
                    "SOURCE",
                    "MESSAGE",
                    "FIRST SEEN",
                    "COUNT",
                    "NAME",
                ];
            }
            (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &[])
        }
        Res::Node => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        Res::Namespace => (&["NAME", "STATUS", "AGE"], &[]),
        // `printDeployment` / `printReplicaSet` (printers.go).
        Res::Deployment => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Res::ReplicaSet => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Res::Generic(g) => match g {
            GenericKind::DaemonSet => (
                &[
                    "NAME",
                    "DESIRED",
                    "CURRENT",
                    "READY",
                    "UP-TO-DATE",
                    "AVAILABLE",
                    "NODE SELECTOR",
                    "AGE",
                ],
                &["CONTAINERS", "IMAGES", "SELECTOR"],
            ),
            GenericKind::ConfigMap => (&["NAME", "DATA", "AGE"], &[]),
            GenericKind::Secret => (&["NAME", "TYPE", "DATA", "AGE"], &[]),
            GenericKind::ServiceAccount => (&["NAME", "SECRETS", "AGE"], &[]),
            GenericKind::PodDisruptionBudget => (
                &[
                    "NAME",
                    "MIN AVAILABLE",
                    "MAX UNAVAILABLE",
                    "ALLOWED DISRUPTIONS",
                    "AGE",
                ],
                &[],
            ),
        },
    };
    let mut h = base.to_vec();
    if wide {
        h.extend_from_slice(extra);
    }
    h
}

fn body_field<'v>(o: &'v crate::manifest::Object, path: &[&str]) -> Option<&'v Value> {
    let crate::manifest::Object::Other { body, .. } = o else {
        return None;
    };
    let mut v = body;
    for p in path {
        v = v.get(*p)?;
    }
    Some(v)
}

fn template_containers(o: &crate::manifest::Object) -> (String, String) {
    let cs = body_field(o, &["spec", "template", "spec", "containers"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names: Vec<String> = cs
        .iter()
        .map(|c| {
            c.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    let images: Vec<String> = cs
        .iter()
        .map(|c| {
            c.get("image")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    (names.join(","), images.join(","))
}

/// CONTAINERS, IMAGES, SELECTOR of `-o wide` for a workload (`printDeployment`,
/// `printReplicaSet`: `layoutContainerCells` and `metav1.FormatLabelSelector`).
fn template_columns(t: &PodTemplateSpec, selector: Option<&LabelSelector>) -> [String; 3] {
    let cs = &t.spec.containers;
    [
        cs.iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        cs.iter()
            .map(|c| c.image.as_str())
            .collect::<Vec<_>>()
            .join(","),
        selector.map_or_else(|| "<none>".into(), super::describe::format_selector),
    ]
}

fn selector_text(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "<none>".into();
    };
    let sel: LabelSelector = serde_json::from_value(v.clone()).unwrap_or_default();
    super::describe::format_selector(&sel)
}

/// The cells of one row (without NAMESPACE, label columns or LABELS).
pub fn row(world: &World, v: &View<'_>, wide: bool) -> Vec<String> {
    let now = world.now;
    let name = v.name();
    let created = v.created();
    match v {
        View::Pod(p) => {
            let mut r = vec![
                name,
                printers::pod_ready(p),
                printers::pod_status(p),
                printers::pod_restarts(p, now),
                age(now, created),
            ];
            if wide {
                r.push(p.status.pod_ip.clone().unwrap_or_else(|| "<none>".into()));
                r.push(p.spec.node_name.clone().unwrap_or_else(|| "<none>".into()));
                r.push("<none>".into());
                r.push("<none>".into());
            }
            r
        }
        View::StatefulSet(s) => {
            let mut r = vec![name, printers::sts_ready(s), age(now, created)];
            if wide {
                let cs = &s.spec.template.spec.containers;
                r.push(
                    cs.iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                );
                r.push(
                    cs.iter()
                        .map(|c| c.image.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                );
            }
            r
        }
        View::Deployment(d) => {
            let s = &d.status;
            let mut r = vec![
                name,
                printers::deploy_ready(d),
                s.updated_replicas.to_string(),
                s.available_replicas.to_string(),
                age(now, created),
            ];
            if wide {
                r.extend(template_columns(&d.spec.template, d.spec.selector.as_ref()));
            }
            r
        }
        View::ReplicaSet(rs) => {
            let s = &rs.status;
            let mut r = vec![
                name,
                rs.replicas().to_string(),
                s.replicas.to_string(),
                s.ready_replicas.to_string(),
                age(now, created),
            ];
            if wide {
                r.extend(template_columns(
                    &rs.spec.template,
                    rs.spec.selector.as_ref(),
                ));
            }
            r
        }
        View::Service(s) => {
            let ty = s.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
            let external = match ty.as_str() {
                "LoadBalancer" => "<pending>".to_string(),
                "ExternalName" => s
                    .spec
                    .extra
                    .get("externalName")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                _ => "<none>".to_string(),
            };
            let mut r = vec![
                name,
                ty,
                s.spec.cluster_ip.clone().unwrap_or_else(|| "<none>".into()),
                external,
                service_ports(s),
                age(now, created),
            ];
            if wide {
                r.push(format_labels(&s.spec.selector));
            }
            r
        }
        View::PersistentVolumeClaim(c) => {
            let status = if c.metadata.terminating() {
                "Terminating".to_string()
            } else {
                c.status.phase.clone()
            };
            // `printPersistentVolumeClaim`: capacity and modes only once a volume is named.
            let bound = c.spec.volume_name.as_deref().is_some_and(|v| !v.is_empty());
            let mut r = vec![
                name,
                status,
                c.spec.volume_name.clone().unwrap_or_default(),
                if bound {
                    c.status
                        .capacity
                        .get("storage")
                        .map(Quantity::text)
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                if bound {
                    access_modes(&c.status.access_modes)
                } else {
                    String::new()
                },
                c.spec.storage_class_name.clone().unwrap_or_default(),
                "<unset>".into(),
                age(now, created),
            ];
            if wide {
                r.push(
                    c.spec
                        .volume_mode
                        .clone()
                        .unwrap_or_else(|| "Filesystem".into()),
                );
            }
            r
        }
        View::PersistentVolume(pv) => {
            let status = if pv.metadata.terminating() {
                "Terminating".to_string()
            } else {
                pv.status.phase.clone()
            };
            let mut r = vec![
                name,
                pv.spec
                    .capacity
                    .get("storage")
                    .map(Quantity::text)
                    .unwrap_or_default(),
                access_modes(&pv.spec.access_modes),
                pv.spec
                    .persistent_volume_reclaim_policy
                    .clone()
                    .unwrap_or_else(|| "Retain".into()),
                status,
                pv.spec
                    .claim_ref
                    .as_ref()
                    .map(|r| format!("{}/{}", r.namespace, r.name))
                    .unwrap_or_default(),
                pv.spec.storage_class_name.clone().unwrap_or_default(),
                "<unset>".into(),
                String::new(),
                age(now, created),
            ];
            if wide {
                r.push("Filesystem".into());
            }
            r
        }
        View::StorageClass(sc) => vec![
            if sc.is_default() {
                format!("{name} (default)")
            } else {
                name
            },
            sc.provisioner.clone(),
            sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
            sc.volume_binding_mode
                .clone()
                .unwrap_or_else(|| "Immediate".into()),
            "false".into(),
            age(now, created),
        ],
        View::ControllerRevision(rev) => vec![
            name,
            rev.metadata
                .controller_ref()
                .map(|r| format!("{}/{}", controller_kind(&r.kind), r.name))
                .unwrap_or_else(|| "<none>".into()),
            rev.revision.to_string(),
            age(now, created),
        ],
        View::Event(e) => {
            let (kind, obj) = e.object.split_once('/').unwrap_or(("", e.object.as_str()));
            let target = format!("{}/{obj}", kind.to_lowercase());
            let last = age(now, e.time);
            let first = age(now, e.first);
            if wide {
                return vec![
                    last,
                    e.type_.clone(),
                    e.reason.clone(),
                    target,
                    String::new(),
                    e.source.clone(),
                    e.message.clone(),
                    first,
                    e.count.to_string(),
                    name,
                ];
            }
            let interval = if e.count > 1 {
                format!("{last} (x{} over {first})", e.count)
            } else {
                last
            };
            vec![
                interval,
                e.type_.clone(),
                e.reason.clone(),
                target,
                e.message.clone(),
            ]
        }
        View::Node(n) => {
            let mut r = vec![
                name.clone(),
                if n.ready { "Ready" } else { "NotReady" }.to_string(),
                "<none>".into(),
                age(now, created),
                "v1.32.0".into(),
            ];
            if wide {
                r.extend([
                    n.address.clone(),
                    "<none>".into(),
                    "Debian GNU/Linux 12 (bookworm)".into(),
                    "6.8.0".into(),
                    "containerd://1.7.24".into(),
                ]);
            }
            r
        }
        View::Namespace(_) => vec![name, "Active".into(), age(now, created)],
        View::Other(o) => {
            let res = v.res();
            let mut r = vec![name];
            match res {
                Res::Generic(GenericKind::DaemonSet) => r.extend([
                    "0".into(),
                    "0".into(),
                    "0".into(),
                    "0".into(),
                    "0".into(),
                    or_none(
                        body_field(o, &["spec", "template", "spec", "nodeSelector"])
                            .and_then(|v| serde_json::from_value::<Labels>(v.clone()).ok())
                            .map(|l| format_labels(&l))
                            .unwrap_or_default(),
                    ),
                ]),
                Res::Generic(GenericKind::ConfigMap) => {
                    let n = ["data", "binaryData"]
                        .iter()
                        .filter_map(|k| body_field(o, &[k]).and_then(Value::as_object))
                        .map(|m| m.len())
                        .sum::<usize>();
                    r.push(n.to_string());
                }
                Res::Generic(GenericKind::Secret) => {
                    r.push(
                        body_field(o, &["type"])
                            .and_then(Value::as_str)
                            .unwrap_or("Opaque")
                            .to_string(),
                    );
                    let n = ["data", "stringData"]
                        .iter()
                        .filter_map(|k| body_field(o, &[k]).and_then(Value::as_object))
                        .map(|m| m.len())
                        .sum::<usize>();
                    r.push(n.to_string());
                }
                Res::Generic(GenericKind::ServiceAccount) => r.push("0".into()),
                Res::Generic(GenericKind::PodDisruptionBudget) => {
                    let f = |k: &str| {
                        body_field(o, &["spec", k])
                            .map(jsonpath::print_value)
                            .unwrap_or_else(|| "N/A".into())
                    };
                    r.extend([f("minAvailable"), f("maxUnavailable"), "0".into()]);
                }
                _ => {}
            }
            r.push(age(now, created));
            if wide && matches!(res, Res::Generic(GenericKind::DaemonSet)) {
                let (names, images) = template_containers(o);
                r.extend([
                    names,
                    images,
                    selector_text(body_field(o, &["spec", "selector"])),
                ]);
            }
            r
        }
    }
}

fn controller_kind(kind: &str) -> String {
    Res::from_kind(kind).map_or_else(|| kind.to_lowercase(), Res::kind_group)
}

/// One table row with the decorations `get` adds.
pub fn decorated_row(world: &World, v: &View<'_>, p: &Print) -> Vec<String> {
    let wide = matches!(p.format, Format::Table { wide: true });
    let mut r = row(world, v, wide);
    if p.show_kind {
        if let Some(first) = r.first_mut() {
            if v.res() != Res::Event {
                *first = format!("{}/{}", v.res().kind_group(), first);
            }
        }
    }
    if p.with_namespace && v.res().info().namespaced {
        r.insert(0, v.namespace());
    }
    let labels = v.labels();
    for key in &p.label_columns {
        r.push(labels.get(key).cloned().unwrap_or_default());
    }
    if p.show_labels {
        r.push(format_labels(&labels));
    }
    r
}

/// The header row with the decorations `get` adds.
pub fn decorated_headers(res: Res, p: &Print) -> Vec<String> {
    let wide = matches!(p.format, Format::Table { wide: true });
    let mut h: Vec<String> = headers(res, wide).into_iter().map(String::from).collect();
    if p.with_namespace && res.info().namespaced {
        h.insert(0, "NAMESPACE".into());
    }
    for key in &p.label_columns {
        h.push(key.rsplit('/').next().unwrap_or(key).to_uppercase());
    }
    if p.show_labels {
        h.push("LABELS".into());
    }
    h
}

/// Cells to tab-separated text.
pub fn tab_line(cells: &[String]) -> String {
    let mut s = cells.join("\t");
    s.push('\n');
    s
}

/// Renders one object in a non-table format (name, yaml, json, jsonpath, columns).
pub fn render_one(v: &View<'_>, p: &Print) -> Result<String, String> {
    Ok(match &p.format {
        Format::Name => format!("{}/{}\n", v.res().kind_group(), v.name()),
        Format::Yaml => output::to_yaml(&output::to_json(v)),
        Format::Json => output::to_json_text(&output::to_json(v)),
        Format::JsonPath(t, raw) => t
            .execute(&output::to_json(v))
            .map_err(|e| jsonpath_exec_error(raw, &e))?,
        Format::CustomColumns(_) | Format::Table { .. } => String::new(),
    })
}

fn jsonpath_exec_error(raw: &str, e: &str) -> String {
    format!(
        "error: error executing jsonpath {raw:?}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{raw}\n"
    )
}

pub fn custom_columns_row(v: &View<'_>, cols: &[(String, Template)]) -> Vec<String> {
    let obj = output::to_json(v);
    cols.iter()
        .map(|(_, t)| {
            let vals = t.first_values(&obj).unwrap_or_default();
            if vals.is_empty() {
                "<none>".to_string()
            } else {
                vals.iter()
                    .map(jsonpath::print_value)
                    .collect::<Vec<_>>()
                    .join(",")
            }
        })
        .collect()
}

/// `kubectl get`.
pub fn get(world: &World, a: &Args, ns: &str) -> Result<Out, String> {
    let mut out = Out::default();
    let sel = select(&a.pos, "get")?;
    let all_ns = a.on("all-namespaces");
    let res_hint = match &sel {
        Selection::Types(t) => t.first().copied(),
        Selection::Named(n) => n.first().map(|(r, _)| *r),
    };
    let filters = Filters::from_args(a, res_hint)?;
    let format = format(a.get("output"))?;
    let print = Print {
        format: format.clone(),
        no_headers: a.on("no-headers"),
        show_labels: a.on("show-labels"),
        label_columns: a.all("label-columns"),
        with_namespace: all_ns,
        show_kind: a.on("show-kind") || sel.multiple_types(),
    };
    let watching = a.on("watch") || a.on("watch-only");
    let list_ns = if all_ns { None } else { Some(ns) };
    // Gather the objects, type by type.
    let mut groups: Vec<(Res, Vec<View<'_>>)> = Vec::new();
    let mut missing = Vec::new();
    let single_item = matches!(&sel, Selection::Named(n) if n.len() == 1);
    match &sel {
        Selection::Types(types) => {
            for r in types {
                let items: Vec<View<'_>> = resources::list(world, *r, list_ns)
                    .into_iter()
                    .filter(|v| filters.matches(v))
                    .collect();
                groups.push((*r, items));
            }
        }
        Selection::Named(named) => {
            for (r, n) in named {
                match resources::find(world, *r, ns, n) {
                    Some(v) => match groups.last_mut() {
                        Some((lr, items)) if lr == r => items.push(v),
                        _ => groups.push((*r, vec![v])),
                    },
                    None => missing.push((*r, n.clone())),
                }
            }
        }
    }
    if let Some(key) = a.get("sort-by") {
        let relaxed = jsonpath::relaxed(key).map_err(|e| format!("error: {e}"))?;
        let t = jsonpath::parse(&relaxed)
            .map_err(|e| format!("error: error parsing jsonpath {relaxed}, {e}"))?;
        for (_, items) in &mut groups {
            let mut keyed: Vec<(Value, View<'_>)> = items
                .drain(..)
                .map(|v| {
                    let k = t
                        .first_values(&output::to_json(&v))
                        .ok()
                        .and_then(|mut x| (!x.is_empty()).then(|| x.remove(0)))
                        .unwrap_or(Value::Null);
                    (k, v)
                })
                .collect();
            keyed.sort_by(|(a, _), (b, _)| compare_values(a, b));
            *items = keyed.into_iter().map(|(_, v)| v).collect();
        }
    }
    let ignore_missing = a.on("ignore-not-found");
    if watching {
        return super::watch::start(
            world,
            &sel,
            groups,
            &print,
            &filters,
            ns,
            all_ns,
            a.on("watch-only"),
            missing,
        );
    }
    let total: usize = groups.iter().map(|(_, i)| i.len()).sum();
    match &format {
        Format::Table { .. } | Format::CustomColumns(_) => {
            let mut wrote_any = false;
            for (res, items) in &groups {
                if items.is_empty() {
                    continue;
                }
                let mut text = String::new();
                if !print.no_headers {
                    let h: Vec<String> = match &format {
                        Format::CustomColumns(cols) => {
                            cols.iter().map(|(h, _)| h.clone()).collect()
                        }
                        _ => decorated_headers(*res, &print),
                    };
                    text.push_str(&tab_line(&h));
                }
                for v in items {
                    let cells = match &format {
                        Format::CustomColumns(cols) => custom_columns_row(v, cols),
                        _ => decorated_row(world, v, &print),
                    };
                    text.push_str(&tab_line(&cells));
                }
                if wrote_any && !print.no_headers {
                    out.print("\n");
                }
                out.print(&TabWriter::kubectl().format(&text));
                wrote_any = true;
            }
        }
        Format::Name => {
            for (_, items) in &groups {
                for v in items {
                    out.print(&render_one(v, &print)?);
                }
            }
        }
        Format::Yaml | Format::Json | Format::JsonPath(..) => {
            let objs: Vec<Value> = groups
                .iter()
                .flat_map(|(_, items)| items.iter().map(|v| output::to_json(v)))
                .collect();
            if !(objs.is_empty() && single_item && !missing.is_empty()) {
                let doc = if single_item && objs.len() == 1 {
                    objs.into_iter().next().unwrap_or(Value::Null)
                } else {
                    output::list_json(objs)
                };
                match &format {
                    Format::Yaml => out.print(&output::to_yaml(&doc)),
                    Format::Json => out.print(&output::to_json_text(&doc)),
                    Format::JsonPath(t, raw) => {
                        let s = t.execute(&doc).map_err(|e| jsonpath_exec_error(raw, &e))?;
                        out.print(&s);
                    }
                    _ => {}
                }
            }
        }
    }
    for (r, n) in &missing {
        if !ignore_missing {
            out.eprint(&format!("{}\n", not_found(*r, n)));
            out.exit = 1;
        }
    }
    if total == 0
        && missing.is_empty()
        && matches!(
            format,
            Format::Table { .. } | Format::Name | Format::CustomColumns(_)
        )
    {
        let cluster_scoped = groups.iter().all(|(r, _)| !r.info().namespaced);
        if all_ns || cluster_scoped {
            out.eprint("No resources found\n");
        } else {
            out.eprint(&format!("No resources found in {ns} namespace.\n"));
        }
    }
    Ok(out)
}

fn compare_values(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&y.as_f64().unwrap_or(0.0))
            .unwrap_or(std::cmp::Ordering::Equal),
        (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
        (Value::Null, _) => std::cmp::Ordering::Less,
        (_, Value::Null) => std::cmp::Ordering::Greater,
        _ => jsonpath::print_value(a).cmp(&jsonpath::print_value(b)),
    }
}
