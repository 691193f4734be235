//! Objects as the API server returns them (`kubectl get -o yaml|json`), and the YAML and
//! JSON printers.
//!
//! kubectl decodes what the server sends into unstructured maps, so both printers emit
//! keys in sorted order: YAML through `sigs.k8s.io/yaml` (go-yaml v2: two-space indent,
//! list items not indented under their key, strings quoted only when they would read
//! as another type), JSON through `json.MarshalIndent(obj, "", "    ")` (which also
//! escapes `<`, `>` and `&`). Server-set fields the simulator does not model are filled
//! in the way a 1.32 API server fills them (`creationTimestamp`, `qosClass`, container
//! IDs…), derived deterministically from the object.

use serde_json::{json, Map, Value};

use super::resources::{event_name, View};
use crate::model::*;
use crate::time::SimTime;

fn ts(t: SimTime) -> Value {
    Value::String(t.rfc3339())
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn obj(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

/// `metadata` with the server-set timestamps.
pub fn metadata(meta: &ObjectMeta) -> Value {
    let mut m = to_value(meta);
    let o = obj(&mut m);
    o.insert("creationTimestamp".into(), ts(meta.creation));
    if let Some(d) = meta.deletion {
        let grace = meta.deletion_grace_seconds.unwrap_or(0).max(0) as u64;
        o.insert(
            "deletionTimestamp".into(),
            ts(d + crate::time::SimDuration::from_secs(grace)),
        );
        o.insert("deletionGracePeriodSeconds".into(), json!(grace));
    }
    m
}

/// An embedded template's metadata (`creationTimestamp: null`, as 1.32 prints it).
fn template_metadata(meta: &ObjectMeta) -> Value {
    let mut m = to_value(meta);
    obj(&mut m).insert("creationTimestamp".into(), Value::Null);
    m
}

/// Defaults the API server fills in a pod spec that the model keeps implicit.
fn pod_spec(spec: &PodSpec) -> Value {
    let mut v = to_value(spec);
    let o = obj(&mut v);
    for key in ["containers", "initContainers"] {
        if let Some(Value::Array(cs)) = o.get_mut(key) {
            for c in cs {
                let c = obj(c);
                c.entry("resources").or_insert_with(|| json!({}));
                if let Some(Value::Array(ports)) = c.get_mut("ports") {
                    for p in ports {
                        obj(p).entry("protocol").or_insert_with(|| json!("TCP"));
                    }
                }
            }
        }
    }
    v
}

fn pvc_template(c: &PersistentVolumeClaim) -> Value {
    let mut spec = to_value(&c.spec);
    obj(&mut spec)
        .entry("volumeMode")
        .or_insert_with(|| json!("Filesystem"));
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": template_metadata(&c.metadata),
        "spec": spec,
        "status": {"phase": "Pending"},
    })
}

/// A deterministic 64-hex-digit digest of `s` (container IDs, image IDs).
fn digest(s: &str) -> String {
    let mut out = String::new();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0..4u8 {
        for b in s.bytes().chain(std::iter::once(round)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// The image reference a container runtime reports: `nginx:1.21` →
/// `docker.io/library/nginx:1.21`.
pub fn full_image(image: &str) -> String {
    let (name, rest) = match image.find(['@']) {
        Some(i) => (&image[..i], &image[i..]),
        None => (image, ""),
    };
    let slash = name.rfind('/');
    let has_tag = name.rfind(':').is_some_and(|i| slash.is_none_or(|s| i > s));
    let mut full = match name.split_once('/') {
        Some((host, _)) if host.contains(['.', ':']) || host == "localhost" => name.to_string(),
        Some(_) => format!("docker.io/{name}"),
        None => format!("docker.io/library/{name}"),
    };
    if !has_tag && rest.is_empty() {
        full.push_str(":latest");
    }
    full.push_str(rest);
    full
}

/// `qos.GetPodQOS`.
pub fn qos_class(spec: &PodSpec) -> &'static str {
    let mut any = false;
    let mut guaranteed = !spec.containers.is_empty();
    for c in spec.containers.iter().chain(&spec.init_containers) {
        let r = c.resources.as_ref();
        let req = r.map(|r| &r.requests);
        let lim = r.map(|r| &r.limits);
        if req.is_some_and(|m| !m.is_empty()) || lim.is_some_and(|m| !m.is_empty()) {
            any = true;
        }
        let full = ["cpu", "memory"].iter().all(|k| {
            let l = lim.and_then(|m| m.get(*k)).map(Quantity::text);
            let q = req
                .and_then(|m| m.get(*k))
                .map(Quantity::text)
                .or(l.clone());
            l.is_some() && q == l
        });
        guaranteed &= full;
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn container_statuses(pod: &Pod, list: &[ContainerStatus], spec: &[Container]) -> Value {
    let mut out = Vec::new();
    for s in list {
        let mut v = to_value(s);
        let image = spec
            .iter()
            .find(|c| c.name == s.name)
            .map_or(s.image.clone(), |c| c.image.clone());
        let full = full_image(&image);
        let started_ever =
            !matches!(s.state, ContainerState::Waiting { .. }) || s.restart_count > 0;
        let o = obj(&mut v);
        o.insert("image".into(), json!(full));
        if started_ever {
            o.insert(
                "containerID".into(),
                json!(format!(
                    "containerd://{}",
                    digest(&format!(
                        "{}/{}/{}",
                        pod.metadata.uid, s.name, s.restart_count
                    ))
                )),
            );
            let repo = full.rsplit_once(':').map_or(full.as_str(), |(r, _)| r);
            o.insert(
                "imageID".into(),
                json!(format!("{repo}@sha256:{}", digest(&full))),
            );
        } else {
            o.insert("imageID".into(), json!(""));
        }
        o.insert("lastState".into(), json!({}));
        if let Some(Value::Object(state)) = o.get_mut("state") {
            if let Some(running) = state.get_mut("running") {
                if let ContainerState::Running { started_at } = &s.state {
                    obj(running).insert("startedAt".into(), ts(*started_at));
                }
            }
            if let Some(term) = state.get_mut("terminated") {
                let term = obj(term);
                let finished = s.last_terminated.unwrap_or(pod.metadata.creation);
                term.insert("finishedAt".into(), ts(finished));
                term.insert("startedAt".into(), ts(pod.metadata.creation));
            }
        }
        if let Some(t) = s.last_terminated {
            if !matches!(s.state, ContainerState::Terminated { .. }) && s.restart_count > 0 {
                o.insert(
                    "lastState".into(),
                    json!({"terminated": {
                        "exitCode": 1,
                        "reason": "Error",
                        "finishedAt": ts(t),
                        "startedAt": ts(pod.metadata.creation),
                    }}),
                );
            }
        }
        out.push(v);
    }
    Value::Array(out)
}

fn pod_status(pod: &Pod) -> Value {
    let mut v = to_value(&pod.status);
    let o = obj(&mut v);
    if let Some(Value::Array(conds)) = o.get_mut("conditions") {
        for (c, model) in conds.iter_mut().zip(&pod.status.conditions) {
            let c = obj(c);
            c.insert("lastProbeTime".into(), Value::Null);
            c.insert("lastTransitionTime".into(), ts(model.last_transition));
        }
    }
    if let Some(ip) = &pod.status.host_ip {
        o.insert("hostIPs".into(), json!([{ "ip": ip }]));
    }
    if let Some(ip) = &pod.status.pod_ip {
        o.insert("podIPs".into(), json!([{ "ip": ip }]));
    }
    if pod.spec.node_name.is_some() {
        o.insert("startTime".into(), ts(pod.metadata.creation));
    }
    o.insert("qosClass".into(), json!(qos_class(&pod.spec)));
    if !pod.status.container_statuses.is_empty() {
        o.insert(
            "containerStatuses".into(),
            container_statuses(pod, &pod.status.container_statuses, &pod.spec.containers),
        );
    }
    if !pod.status.init_container_statuses.is_empty() {
        o.insert(
            "initContainerStatuses".into(),
            container_statuses(
                pod,
                &pod.status.init_container_statuses,
                &pod.spec.init_containers,
            ),
        );
    }
    if pod.status.phase.is_empty() {
        o.insert("phase".into(), json!("Pending"));
    }
    v
}

/// A pod's status as the API returns it (for `describe`).
pub fn to_json_pod_status(pod: &Pod) -> Value {
    pod_status(pod)
}

/// The pod spec with what admission adds to every pod: the `default` service account
/// and the `DefaultTolerationSeconds` tolerations for not-ready and unreachable nodes.
pub fn effective_pod_spec(pod: &Pod) -> PodSpec {
    let mut spec = pod.spec.clone();
    if spec
        .service_account_name
        .as_deref()
        .unwrap_or("")
        .is_empty()
    {
        spec.service_account_name = Some("default".into());
    }
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let has = spec.tolerations.iter().any(|t| {
            t.key.as_deref() == Some(key)
                && t.effect
                    .as_deref()
                    .is_none_or(|e| e.is_empty() || e == "NoExecute")
        });
        if !has {
            spec.tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                value: None,
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
            });
        }
    }
    spec
}

/// A claim's finalizers (the `kubernetes.io/pvc-protection` admission adds to each).
pub fn claim_finalizers(c: &PersistentVolumeClaim) -> Vec<String> {
    with_finalizer(&c.metadata.finalizers, "kubernetes.io/pvc-protection")
}

/// A volume's finalizers (`kubernetes.io/pv-protection`).
pub fn volume_finalizers(pv: &PersistentVolume) -> Vec<String> {
    with_finalizer(&pv.metadata.finalizers, "kubernetes.io/pv-protection")
}

fn with_finalizer(existing: &[String], f: &str) -> Vec<String> {
    let mut v = existing.to_vec();
    if !v.iter().any(|x| x == f) {
        v.insert(0, f.to_string());
    }
    v
}

fn set_status(s: &StatefulSetStatus) -> Value {
    let mut v = to_value(s);
    let o = obj(&mut v);
    // `readyReplicas`, `currentReplicas` and `updatedReplicas` are `omitempty` in
    // apps/v1; `replicas` and `availableReplicas` are not.
    for k in ["readyReplicas", "currentReplicas", "updatedReplicas"] {
        if o.get(k).and_then(Value::as_i64) == Some(0) {
            o.remove(k);
        }
    }
    o.entry("collisionCount").or_insert(json!(0));
    v
}

fn service_spec(svc: &Service) -> Value {
    let mut v = to_value(&svc.spec);
    let o = obj(&mut v);
    o.entry("type").or_insert(json!("ClusterIP"));
    o.entry("sessionAffinity").or_insert(json!("None"));
    o.entry("ipFamilies").or_insert(json!(["IPv4"]));
    o.entry("ipFamilyPolicy").or_insert(json!("SingleStack"));
    o.entry("internalTrafficPolicy").or_insert(json!("Cluster"));
    if let Some(ip) = &svc.spec.cluster_ip {
        o.entry("clusterIPs").or_insert(json!([ip]));
    }
    if let Some(Value::Array(ports)) = o.get_mut("ports") {
        for p in ports {
            let p = obj(p);
            p.entry("protocol").or_insert(json!("TCP"));
            if let Some(port) = p.get("port").cloned() {
                p.entry("targetPort").or_insert(port);
            }
        }
    }
    v
}

/// A Deployment's or ReplicaSet's `spec.template` as the API server returns it.
fn workload_template(spec: &mut Value, t: &PodTemplateSpec) {
    if let Some(tv) = obj(spec).get_mut("template") {
        let tv = obj(tv);
        tv.insert("metadata".into(), template_metadata(&t.metadata));
        tv.insert("spec".into(), pod_spec(&t.spec));
    }
}

/// The object as the API server would return it.
pub fn to_json(v: &View<'_>) -> Value {
    let res = v.res();
    let mut out = match v {
        View::Pod(p) => {
            let mut spec = pod_spec(&effective_pod_spec(p));
            let o = obj(&mut spec);
            o.entry("priority").or_insert(json!(0));
            o.entry("enableServiceLinks").or_insert(json!(true));
            o.entry("preemptionPolicy")
                .or_insert(json!("PreemptLowerPriority"));
            if let Some(sa) = o.get("serviceAccountName").cloned() {
                o.entry("serviceAccount").or_insert(sa);
            }
            json!({"metadata": metadata(&p.metadata), "spec": spec, "status": pod_status(p)})
        }
        View::StatefulSet(s) => {
            let mut spec = to_value(&s.spec);
            let o = obj(&mut spec);
            if let Some(t) = o.get_mut("template") {
                let t = obj(t);
                t.insert(
                    "metadata".into(),
                    template_metadata(&s.spec.template.metadata),
                );
                t.insert("spec".into(), pod_spec(&s.spec.template.spec));
            }
            if !s.spec.volume_claim_templates.is_empty() {
                o.insert(
                    "volumeClaimTemplates".into(),
                    Value::Array(
                        s.spec
                            .volume_claim_templates
                            .iter()
                            .map(pvc_template)
                            .collect(),
                    ),
                );
            }
            json!({"metadata": metadata(&s.metadata), "spec": spec, "status": set_status(&s.status)})
        }
        View::Deployment(d) => {
            let mut spec = to_value(&d.spec);
            workload_template(&mut spec, &d.spec.template);
            let mut status = to_value(&d.status);
            if let Some(conds) = obj(&mut status).get_mut("conditions") {
                *conds = Value::Array(
                    d.status
                        .conditions
                        .iter()
                        .map(|c| {
                            json!({
                                "lastTransitionTime": c.last_transition.rfc3339(),
                                "lastUpdateTime": c.last_update.rfc3339(),
                                "message": c.message,
                                "reason": c.reason,
                                "status": c.status,
                                "type": c.type_,
                            })
                        })
                        .collect(),
                );
            }
            json!({"metadata": metadata(&d.metadata), "spec": spec, "status": status})
        }
        View::ReplicaSet(r) => {
            let mut spec = to_value(&r.spec);
            workload_template(&mut spec, &r.spec.template);
            json!({"metadata": metadata(&r.metadata), "spec": spec, "status": to_value(&r.status)})
        }
        View::Service(s) => json!({
            "metadata": metadata(&s.metadata),
            "spec": service_spec(s),
            "status": {"loadBalancer": {}},
        }),
        View::ControllerRevision(r) => {
            let data: Value = serde_json::from_str(&r.data).unwrap_or(Value::Null);
            json!({"metadata": metadata(&r.metadata), "data": data, "revision": r.revision})
        }
        View::PersistentVolumeClaim(c) => {
            let mut spec = to_value(&c.spec);
            obj(&mut spec)
                .entry("volumeMode")
                .or_insert(json!("Filesystem"));
            let mut meta = metadata(&c.metadata);
            obj(&mut meta).insert("finalizers".into(), json!(claim_finalizers(c)));
            json!({"metadata": meta, "spec": spec, "status": to_value(&c.status)})
        }
        View::PersistentVolume(pv) => {
            let mut spec = to_value(&pv.spec);
            obj(&mut spec)
                .entry("volumeMode")
                .or_insert(json!("Filesystem"));
            let mut meta = metadata(&pv.metadata);
            obj(&mut meta).insert("finalizers".into(), json!(volume_finalizers(pv)));
            json!({"metadata": meta, "spec": spec, "status": to_value(&pv.status)})
        }
        View::StorageClass(sc) => json!({
            "metadata": metadata(&sc.metadata),
            "provisioner": sc.provisioner,
            "reclaimPolicy": sc.reclaim_policy,
            "volumeBindingMode": sc.volume_binding_mode,
        }),
        View::Event(e) => {
            let (kind, name) = e.object.split_once('/').unwrap_or(("", e.object.as_str()));
            json!({
                "metadata": {
                    "name": event_name(e),
                    "namespace": "default",
                    "creationTimestamp": ts(e.first),
                },
                "involvedObject": {"kind": kind, "name": name, "namespace": "default"},
                "reason": e.reason,
                "message": e.message,
                "type": e.type_,
                "count": e.count,
                "firstTimestamp": ts(e.first),
                "lastTimestamp": ts(e.time),
                "source": {"component": e.source},
                "reportingComponent": e.source,
                "reportingInstance": "",
            })
        }
        View::Node(n) => {
            let ready = if n.ready { "True" } else { "Unknown" };
            let taints = to_value(&n.taints);
            let mut spec = json!({});
            if !n.taints.is_empty() {
                obj(&mut spec).insert("taints".into(), taints);
            }
            let alloc: Map<String, Value> = n
                .allocatable
                .to_map()
                .into_iter()
                .map(|(k, v)| {
                    let s = if k == "cpu" {
                        if v % 1000 == 0 {
                            (v / 1000).to_string()
                        } else {
                            format!("{v}m")
                        }
                    } else {
                        v.to_string()
                    };
                    (k, json!(s))
                })
                .collect();
            json!({
                "metadata": metadata(&n.metadata),
                "spec": spec,
                "status": {
                    "addresses": [
                        {"address": n.address, "type": "InternalIP"},
                        {"address": n.metadata.name, "type": "Hostname"},
                    ],
                    "allocatable": alloc.clone(),
                    "capacity": alloc,
                    "conditions": [{"type": "Ready", "status": ready}],
                    "nodeInfo": {
                        "architecture": "amd64",
                        "containerRuntimeVersion": "containerd://1.7.24",
                        "kernelVersion": "6.8.0",
                        "kubeProxyVersion": "v1.32.0",
                        "kubeletVersion": "v1.32.0",
                        "operatingSystem": "linux",
                        "osImage": "Debian GNU/Linux 12 (bookworm)",
                    },
                },
            })
        }
        View::Namespace(m) => {
            let mut meta = metadata(m);
            obj(&mut meta).remove("namespace");
            json!({"metadata": meta, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        }
        View::Other(o) => {
            let mut m = match o {
                crate::manifest::Object::Other { body, .. } => body.clone(),
                _ => json!({}),
            };
            obj(&mut m).insert("metadata".into(), metadata(o.meta()));
            m
        }
    };
    let o = obj(&mut out);
    o.insert("apiVersion".into(), json!(res.api_version()));
    o.insert("kind".into(), json!(res.info().kind));
    out
}

/// `kind: List` around several objects, as `kubectl get TYPE -o yaml` prints it.
pub fn list_json(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}

/// `json.MarshalIndent(v, "", "    ")` plus a newline, with Go's HTML escaping.
pub fn to_json_text(v: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if serde::Serialize::serialize(v, &mut ser).is_err() {
        return "{}\n".into();
    }
    let s = String::from_utf8(buf).unwrap_or_default();
    let mut out = s
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------
// YAML (go-yaml v2 style)

/// Renders a JSON value as go-yaml v2 (`sigs.k8s.io/yaml`) would.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => write_map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => write_seq(a, 0, &mut out),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn write_map(m: &Map<String, Value>, indent: usize, out: &mut String) {
    for (k, v) in m {
        out.push_str(&" ".repeat(indent));
        out.push_str(&yaml_string(k, indent));
        out.push(':');
        write_value_after_key(v, indent, out);
    }
}

fn write_value_after_key(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(m, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(a, indent, out);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent + 2));
            out.push('\n');
        }
    }
}

fn write_seq(a: &[Value], indent: usize, out: &mut String) {
    for item in a {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => {
                let mut first = true;
                for (k, v) in m {
                    if !first {
                        out.push_str(&" ".repeat(indent + 2));
                    }
                    first = false;
                    out.push_str(&yaml_string(k, indent + 2));
                    out.push(':');
                    write_value_after_key(v, indent + 2, out);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                // `- - a`: the nested sequence starts on the same line.
                let mut nested = String::new();
                write_seq(inner, indent + 2, &mut nested);
                out.push_str(nested.trim_start());
            }
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_string(s, indent),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// A string scalar: plain when it reads back as the same string, `"…"` when it would
/// read as another type (go-yaml's `resolve`), `'…'` when libyaml cannot emit it plain,
/// and a `|` block when it has line breaks.
fn yaml_string(s: &str, indent: usize) -> String {
    if s.contains('\n') {
        let chomp = if s.ends_with('\n') { "" } else { "-" };
        let pad = " ".repeat(indent.max(2));
        let mut out = format!("|{chomp}");
        let body = s.strip_suffix('\n').unwrap_or(s);
        // A leading space in the first line needs an explicit indentation indicator.
        if body.starts_with(' ') {
            out = format!("|2{chomp}");
        }
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
                out.push_str(line);
            }
        }
        return out;
    }
    if resolves_to_non_string(s) {
        return double_quoted(s);
    }
    if !plain_allowed(s) {
        if s.chars().any(|c| c.is_control()) {
            return double_quoted(s);
        }
        return format!("'{}'", s.replace('\'', "''"));
    }
    s.to_string()
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// go-yaml v2 `resolve` on a plain scalar: bools, nulls, numbers and timestamps.
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN", ".NAN", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if !(first.is_ascii_digit() || matches!(first, '-' | '+' | '.')) {
        return false;
    }
    if is_timestamp(s) {
        return true;
    }
    let plain = s.replace('_', "");
    let digits = plain.strip_prefix(['-', '+']).unwrap_or(plain.as_str());
    let int = if let Some(h) = digits.strip_prefix("0x") {
        !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit())
    } else if let Some(b) = digits.strip_prefix("0b") {
        !b.is_empty() && b.chars().all(|c| c == '0' || c == '1')
    } else if let Some(o) = digits.strip_prefix("0o") {
        !o.is_empty() && o.chars().all(|c| ('0'..='7').contains(&c))
    } else {
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    };
    int || is_yaml_float(&plain)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == f {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// `2006-1-2`, `2006-01-02T15:04:05Z`… (go-yaml v2 `parseTimestamp` formats).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| {
        b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    if !(digits(0, 4) && b.get(4) == Some(&b'-')) {
        return false;
    }
    let mut i = 5;
    let read = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < 2 {
            *i += 1;
        }
        *i > start
    };
    if !read(&mut i) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    if !read(&mut i) {
        return false;
    }
    i == b.len() || matches!(b.get(i), Some(b'T' | b't' | b' '))
}

/// libyaml's `yaml_emitter_analyze_scalar`, block context: may `s` be written plain?
fn plain_allowed(s: &str) -> bool {
    if s.is_empty() || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    if chars[0] == ' ' || chars[chars.len() - 1] == ' ' {
        return false;
    }
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_space = chars.get(i + 1).is_none_or(|n| *n == ' ' || *n == '\t');
        let preceded_by_space = i == 0 || chars[i - 1] == ' ' || chars[i - 1] == '\t';
        if c.is_control() && c != '\t' {
            return false;
        }
        if i == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(c) {
                return false;
            }
            if (c == '?' || c == ':' || c == '-') && followed_by_space {
                return false;
            }
        } else {
            if c == ':' && followed_by_space {
                return false;
            }
            if c == '#' && preceded_by_space {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_looks_like_kubectl_get_o_yaml() {
        let v = json!({
            "apiVersion": "apps/v1",
            "metadata": {"creationTimestamp": "2025-01-01T00:00:00Z", "generation": 1,
                          "annotations": {"is-default": "true", "x": "*"}},
            "spec": {"updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
                     "template": {"metadata": {"creationTimestamp": null},
                                  "spec": {"containers": [{"image": "nginx:1.21", "name": "nginx",
                                                           "ports": [{"containerPort": 80}]}]}},
                     "empty": {}, "none": [], "port": "80", "cmd": "a: b"},
        });
        let y = to_yaml(&v);
        assert_eq!(
            y,
            "apiVersion: apps/v1\nmetadata:\n  annotations:\n    is-default: \"true\"\n    x: '*'\n  creationTimestamp: \"2025-01-01T00:00:00Z\"\n  generation: 1\nspec:\n  cmd: 'a: b'\n  empty: {}\n  none: []\n  port: \"80\"\n  template:\n    metadata:\n      creationTimestamp: null\n    spec:\n      containers:\n      - image: nginx:1.21\n        name: nginx\n        ports:\n        - containerPort: 80\n  updateStrategy:\n    rollingUpdate:\n      partition: 0\n    type: RollingUpdate\n"
        );
    }

    #[test]
    fn multi_line_strings_become_literal_blocks() {
        let y = to_yaml(&json!({"a": {"script": "echo hi\nexit 0\n"}}));
        assert_eq!(y, "a:\n  script: |\n    echo hi\n    exit 0\n");
    }

    #[test]
    fn images_are_reported_fully_qualified() {
        assert_eq!(full_image("nginx:1.21"), "docker.io/library/nginx:1.21");
        assert_eq!(full_image("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(full_image("bitnami/redis:7"), "docker.io/bitnami/redis:7");
        assert_eq!(
            full_image("m.daocloud.io/docker.io/library/nginx:alpine"),
            "m.daocloud.io/docker.io/library/nginx:alpine"
        );
        assert_eq!(
            full_image("registry.k8s.io/nginx-slim:0.24"),
            "registry.k8s.io/nginx-slim:0.24"
        );
    }

    #[test]
    fn json_is_indented_with_four_spaces_and_html_escaped() {
        assert_eq!(
            to_json_text(&json!({"a": ["<x>"], "b": {}})),
            "{\n    \"a\": [\n        \"\\u003cx\\u003e\"\n    ],\n    \"b\": {}\n}\n"
        );
    }
}
