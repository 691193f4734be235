//! `kubectl describe` for StatefulSets, Pods, PersistentVolumeClaims, Services,
//! PersistentVolumes and StorageClasses, and kubectl's generic describer for the rest.
//!
//! Layouts follow `k8s.io/kubectl/pkg/describe/describe.go` (kubectl 1.32):
//! `describeStatefulSet`, `DescribePodTemplate`, `describeContainers`,
//! `describeVolumeClaimTemplates`, `describePod`, `describePersistentVolumeClaim`
//! (`printPersistentVolumeClaim`), `describeService`, `describePersistentVolume`,
//! `describeStorageClass`, `genericDescriber`, `DescribeEvents`,
//! `printLabelsMultiline`, `printAnnotationsMultiline`. Everything goes through one
//! tabwriter (`tabbedString`: minwidth 0, padding 2); `DescribeEvents` flushes it before
//! the events table, so the table is aligned on its own.

use serde_json::Value;

use super::args::{flag, val, Args, Flag};
use super::get::{self, Filters, Selection};
use super::output;
use super::resources::{self, View};
use super::Out;
use crate::model::*;
use crate::printers::TabWriter;
use crate::world::World;

pub const FLAGS: &[Flag] = &[
    val("selector", Some('l')),
    flag("all-namespaces", Some('A')),
    flag("show-events", None),
    val("chunk-size", None),
];

/// `metav1.LabelSelectorAsSelector(sel).String()`: requirements sorted by key.
pub fn format_selector(sel: &LabelSelector) -> String {
    let mut reqs: Vec<(String, String)> = Vec::new();
    for (k, v) in &sel.match_labels {
        reqs.push((k.clone(), format!("{k}={v}")));
    }
    for e in &sel.match_expressions {
        let mut values = e.values.clone();
        values.sort();
        let text = match e.operator.as_str() {
            "In" => format!("{} in ({})", e.key, values.join(",")),
            "NotIn" => format!("{} notin ({})", e.key, values.join(",")),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            other => format!("{} {other} ({})", e.key, values.join(",")),
        };
        reqs.push((e.key.clone(), text));
    }
    reqs.sort();
    if reqs.is_empty() {
        return "<none>".into();
    }
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// The text given to the tabwriter, written the way `PrefixWriter` writes it.
#[derive(Default)]
struct W {
    text: String,
}

impl W {
    fn w(&mut self, level: usize, s: &str) {
        self.text.push_str(&"  ".repeat(level));
        self.text.push_str(s);
    }
    /// `printLabelsMultilineWithIndent`.
    fn labels(&mut self, initial: &str, title: &str, labels: &Labels) {
        self.w(0, &format!("{initial}{title}:\t"));
        if labels.is_empty() {
            self.text.push_str("<none>\n");
            return;
        }
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                self.text.push_str(initial);
                self.text.push('\t');
            }
            self.text.push_str(&format!("{k}={v}\n"));
        }
    }
    /// `printAnnotationsMultiline` (`last-applied-configuration` is skipped).
    fn annotations(&mut self, title: &str, ann: &Labels) {
        self.w(0, &format!("{title}:\t"));
        let keys: Vec<(&String, &String)> = ann
            .iter()
            .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
            .collect();
        if keys.is_empty() {
            self.text.push_str("<none>\n");
            return;
        }
        for (i, (k, v)) in keys.iter().enumerate() {
            if i > 0 {
                self.text.push('\t');
            }
            let value = v.strip_suffix('\n').unwrap_or(v);
            if value.len() + k.len() + 2 > 140 || value.contains('\n') {
                self.text.push_str(&format!("{k}:\n"));
                for line in value.split('\n') {
                    let short = if line.len() > 138 {
                        let cut = (0..=138)
                            .rev()
                            .find(|i| line.is_char_boundary(*i))
                            .unwrap_or(0);
                        format!("{}...", &line[..cut])
                    } else {
                        line.to_string()
                    };
                    self.text.push_str(&format!("\t  {short}\n"));
                }
            } else {
                self.text.push_str(&format!("{k}: {value}\n"));
            }
        }
    }
}

fn ports_of(c: &Container) -> Vec<Value> {
    c.extra
        .get("ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(super::jsonpath::print_value).collect())
        .unwrap_or_default()
}

/// `DescribeProbe`: `http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3`.
fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    );
    if let Some(e) = p.extra.get("exec") {
        return format!("exec [{}] {attrs}", str_list(e.get("command")).join(" "));
    }
    if let Some(h) = p.extra.get("httpGet") {
        let scheme = h
            .get("scheme")
            .and_then(Value::as_str)
            .unwrap_or("HTTP")
            .to_lowercase();
        let host = h.get("host").and_then(Value::as_str).unwrap_or("");
        let port = h
            .get("port")
            .map(super::jsonpath::print_value)
            .unwrap_or_default();
        let path = h.get("path").and_then(Value::as_str).unwrap_or("");
        return format!("http-get {scheme}://{host}:{port}{path} {attrs}");
    }
    if let Some(t) = p.extra.get("tcpSocket") {
        let host = t.get("host").and_then(Value::as_str).unwrap_or("");
        let port = t
            .get("port")
            .map(super::jsonpath::print_value)
            .unwrap_or_default();
        return format!("tcp-socket {host}:{port} {attrs}");
    }
    if let Some(g) = p.extra.get("grpc") {
        let port = g
            .get("port")
            .map(super::jsonpath::print_value)
            .unwrap_or_default();
        return format!("grpc <pod>:{port}  {attrs}");
    }
    format!("unknown {attrs}")
}

/// `describeContainers` (with statuses for a pod, without for a template).
fn containers(
    w: &mut W,
    label: &str,
    cs: &[Container],
    statuses: Option<(&Pod, &[ContainerStatus])>,
    space: &str,
) {
    let none = if cs.is_empty() { " <none>" } else { "" };
    w.w(0, &format!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    let pod_json = statuses.map(|(pod, _)| output::to_json_pod_status(pod));
    for c in cs {
        let status = statuses.and_then(|(_, st)| st.iter().find(|s| s.name == c.name));
        w.w(1, &format!("{name_indent}{}:\n", c.name));
        let status_json = pod_json.as_ref().and_then(|j| {
            let key = if label == "Init Containers" {
                "initContainerStatuses"
            } else {
                "containerStatuses"
            };
            j.get(key)?
                .as_array()?
                .iter()
                .find(|s| s.get("name").and_then(Value::as_str) == Some(&c.name))
                .cloned()
        });
        if status.is_some() {
            let id = status_json
                .as_ref()
                .and_then(|s| s.get("containerID"))
                .and_then(Value::as_str)
                .unwrap_or("");
            w.w(2, &format!("Container ID:\t{id}\n"));
        }
        w.w(2, &format!("Image:\t{}\n", c.image));
        if status.is_some() {
            let id = status_json
                .as_ref()
                .and_then(|s| s.get("imageID"))
                .and_then(Value::as_str)
                .unwrap_or("");
            w.w(2, &format!("Image ID:\t{id}\n"));
        }
        let ports = ports_of(c);
        let port_str: Vec<String> = ports
            .iter()
            .map(|p| {
                format!(
                    "{}/{}",
                    p.get("containerPort")
                        .map(super::jsonpath::print_value)
                        .unwrap_or_default(),
                    p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
                )
            })
            .collect();
        let host_str: Vec<String> = ports
            .iter()
            .map(|p| {
                format!(
                    "{}/{}",
                    p.get("hostPort")
                        .map(super::jsonpath::print_value)
                        .unwrap_or_else(|| "0".into()),
                    p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
                )
            })
            .collect();
        let (ps, hs) = (port_str.join(", "), host_str.join(", "));
        let or_none = |s: &str| {
            if s.is_empty() {
                "<none>".to_string()
            } else {
                s.to_string()
            }
        };
        if ps.contains(',') {
            w.w(2, &format!("Ports:\t{ps}\n"));
        } else {
            w.w(2, &format!("Port:\t{}\n", or_none(&ps)));
        }
        if hs.contains(',') {
            w.w(2, &format!("Host Ports:\t{hs}\n"));
        } else {
            w.w(2, &format!("Host Port:\t{}\n", or_none(&hs)));
        }
        for (key, title) in [("command", "Command"), ("args", "Args")] {
            let items = str_list(c.extra.get(key));
            if !items.is_empty() {
                w.w(2, &format!("{title}:\n"));
                for item in items {
                    for line in item.split('\n') {
                        w.w(3, &format!("{line}\n"));
                    }
                }
            }
        }
        if let (Some(s), Some(j)) = (status, status_json.as_ref()) {
            describe_state(w, "State", &s.state, j.get("state"));
            if let Some(last) = j.get("lastState").and_then(|l| l.get("terminated")) {
                w.w(2, "Last State:\tTerminated\n");
                if let Some(r) = last.get("reason").and_then(Value::as_str) {
                    w.w(3, &format!("Reason:\t{r}\n"));
                }
                let code = last.get("exitCode").and_then(Value::as_i64).unwrap_or(0);
                w.w(3, &format!("Exit Code:\t{code}\n"));
                for (k, t) in [("startedAt", "Started"), ("finishedAt", "Finished")] {
                    w.w(3, &format!("{t}:\t{}\n", rfc1123_of(last.get(k))));
                }
            }
            w.w(
                2,
                &format!("Ready:\t{}\n", if s.ready { "True" } else { "False" }),
            );
            w.w(2, &format!("Restart Count:\t{}\n", s.restart_count));
        }
        if let Some(r) = &c.resources {
            for (title, m) in [("Limits", &r.limits), ("Requests", &r.requests)] {
                if !m.is_empty() {
                    w.w(2, &format!("{title}:\n"));
                    for (k, q) in m {
                        w.w(3, &format!("{k}:\t{}\n", q.text()));
                    }
                }
            }
        }
        if let Some(p) = &c.liveness_probe {
            w.w(2, &format!("Liveness:\t{}\n", describe_probe(p)));
        }
        if let Some(p) = &c.readiness_probe {
            w.w(2, &format!("Readiness:\t{}\n", describe_probe(p)));
        }
        if let Some(Value::Array(from)) = c.extra.get("envFrom") {
            w.w(2, "Environment Variables from:\n");
            for e in from {
                let (kind, r) = if let Some(r) = e.get("configMapRef") {
                    ("ConfigMap", r)
                } else if let Some(r) = e.get("secretRef") {
                    ("Secret", r)
                } else {
                    continue;
                };
                let name = r.get("name").and_then(Value::as_str).unwrap_or("");
                let optional = r.get("optional").and_then(Value::as_bool).unwrap_or(false);
                w.w(3, &format!("{name}\t{kind}\tOptional: {optional}\n"));
            }
        }
        let env = c
            .extra
            .get("env")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if env.is_empty() {
            w.w(2, "Environment:\t<none>\n");
        } else {
            w.w(2, "Environment:\n");
            for e in &env {
                let name = e.get("name").and_then(Value::as_str).unwrap_or("");
                if let Some(from) = e.get("valueFrom") {
                    if let Some(f) = from.get("fieldRef") {
                        let path = f.get("fieldPath").and_then(Value::as_str).unwrap_or("");
                        let api = f.get("apiVersion").and_then(Value::as_str).unwrap_or("v1");
                        w.w(3, &format!("{name}:\t ({api}:{path})\n"));
                    } else if let Some(r) = from.get("secretKeyRef") {
                        let k = r.get("key").and_then(Value::as_str).unwrap_or("");
                        let n = r.get("name").and_then(Value::as_str).unwrap_or("");
                        let o = r.get("optional").and_then(Value::as_bool).unwrap_or(false);
                        w.w(
                            3,
                            &format!(
                                "{name}:\t<set to the key '{k}' in secret '{n}'>\tOptional: {o}\n"
                            ),
                        );
                    } else if let Some(r) = from.get("configMapKeyRef") {
                        let k = r.get("key").and_then(Value::as_str).unwrap_or("");
                        let n = r.get("name").and_then(Value::as_str).unwrap_or("");
                        let o = r.get("optional").and_then(Value::as_bool).unwrap_or(false);
                        w.w(3, &format!("{name}:\t<set to the key '{k}' of config map '{n}'>\tOptional: {o}\n"));
                    }
                    continue;
                }
                let value = e
                    .get("value")
                    .map(super::jsonpath::print_value)
                    .unwrap_or_default();
                for (j, line) in value.split('\n').enumerate() {
                    if j == 0 {
                        w.w(3, &format!("{name}:\t{line}\n"));
                    } else {
                        w.w(3, &format!("\t{line}\n"));
                    }
                }
            }
        }
        if c.volume_mounts.is_empty() {
            w.w(2, "Mounts:\t<none>\n");
        } else {
            w.w(2, "Mounts:\n");
            let mut mounts = c.volume_mounts.clone();
            mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
            for m in mounts {
                let ro = m
                    .extra
                    .get("readOnly")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let mut flags = vec![if ro {
                    "ro".to_string()
                } else {
                    "rw".to_string()
                }];
                if let Some(sp) = m.extra.get("subPath").and_then(Value::as_str) {
                    if !sp.is_empty() {
                        flags.push(format!("path={sp:?}"));
                    }
                }
                w.w(
                    3,
                    &format!("{} from {} ({})\n", m.mount_path, m.name, flags.join(",")),
                );
            }
        }
    }
}

fn rfc1123_of(v: Option<&Value>) -> String {
    v.and_then(Value::as_str)
        .map(rfc3339_to_rfc1123)
        .unwrap_or_default()
}

/// Converts the playground's own RFC 3339 stamps back to `RFC1123Z`.
fn rfc3339_to_rfc1123(s: &str) -> String {
    // Stamps are produced by `SimTime::rfc3339`; recover the SimTime from the seconds.
    let parse = || -> Option<crate::time::SimTime> {
        let (date, time) = s.trim_end_matches('Z').split_once('T')?;
        let mut d = date.split('-').map(|x| x.parse::<i64>().ok());
        let (y, m, day) = (d.next()??, d.next()??, d.next()??);
        let mut t = time.split(':').map(|x| x.parse::<i64>().ok());
        let (hh, mm, ss) = (t.next()??, t.next()??, t.next()??);
        let days = days_from_civil(y, m, day);
        let secs = days * 86_400 + hh * 3600 + mm * 60 + ss - crate::time::EPOCH_UNIX_SECONDS;
        (secs >= 0).then(|| crate::time::SimTime(secs as u64 * 1000))
    };
    parse()
        .map(|t| t.rfc1123z())
        .unwrap_or_else(|| s.to_string())
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn describe_state(w: &mut W, name: &str, state: &ContainerState, j: Option<&Value>) {
    match state {
        ContainerState::Running { started_at } => {
            w.w(2, &format!("{name}:\tRunning\n"));
            w.w(3, &format!("Started:\t{}\n", started_at.rfc1123z()));
        }
        ContainerState::Waiting { reason, .. } => {
            w.w(2, &format!("{name}:\tWaiting\n"));
            if let Some(r) = reason.as_deref().filter(|r| !r.is_empty()) {
                w.w(3, &format!("Reason:\t{r}\n"));
            }
        }
        ContainerState::Terminated { exit_code, reason } => {
            w.w(2, &format!("{name}:\tTerminated\n"));
            if let Some(r) = reason.as_deref().filter(|r| !r.is_empty()) {
                w.w(3, &format!("Reason:\t{r}\n"));
            }
            w.w(3, &format!("Exit Code:\t{exit_code}\n"));
            let t = j.and_then(|j| j.get("terminated"));
            w.w(
                3,
                &format!(
                    "Started:\t{}\n",
                    rfc1123_of(t.and_then(|t| t.get("startedAt")))
                ),
            );
            w.w(
                3,
                &format!(
                    "Finished:\t{}\n",
                    rfc1123_of(t.and_then(|t| t.get("finishedAt")))
                ),
            );
        }
    }
}

/// `describeVolumes`.
fn volumes(w: &mut W, vols: &[Volume], space: &str) {
    if vols.is_empty() {
        w.w(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.w(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in vols {
        w.w(1, &format!("{name_indent}{}:\n", v.name));
        if let Some(c) = &v.persistent_volume_claim {
            w.w(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n");
            w.text.push_str(&format!(
                "    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                c.claim_name, c.read_only
            ));
        } else if let Some(e) = v.extra.get("emptyDir") {
            let medium = e.get("medium").and_then(Value::as_str).unwrap_or("");
            let limit = e
                .get("sizeLimit")
                .map(super::jsonpath::print_value)
                .unwrap_or_else(|| "<unset>".into());
            w.w(
                2,
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n",
            );
            w.text
                .push_str(&format!("    Medium:\t{medium}\n    SizeLimit:\t{limit}\n"));
        } else if let Some(c) = v.extra.get("configMap") {
            let name = c.get("name").and_then(Value::as_str).unwrap_or("");
            let optional = c.get("optional").and_then(Value::as_bool).unwrap_or(false);
            w.w(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n");
            w.text
                .push_str(&format!("    Name:\t{name}\n    Optional:\t{optional}\n"));
        } else if let Some(s) = v.extra.get("secret") {
            let name = s.get("secretName").and_then(Value::as_str).unwrap_or("");
            let optional = s.get("optional").and_then(Value::as_bool).unwrap_or(false);
            w.w(2, "Type:\tSecret (a volume populated by a Secret)\n");
            w.text.push_str(&format!(
                "    SecretName:\t{name}\n    Optional:\t{optional}\n"
            ));
        } else if let Some(h) = v.extra.get("hostPath") {
            let path = h.get("path").and_then(Value::as_str).unwrap_or("");
            let ty = h.get("type").and_then(Value::as_str).unwrap_or("<none>");
            w.w(2, "Type:\tHostPath (bare host directory volume)\n");
            w.text
                .push_str(&format!("    Path:\t{path}\n    HostPathType:\t{ty}\n"));
        } else {
            w.w(1, "<unknown>\n");
        }
    }
}

fn tolerations(w: &mut W, title: &str, ts: &[Toleration]) {
    w.w(0, &format!("{title}:\t"));
    if ts.is_empty() {
        w.text.push_str("<none>\n");
        return;
    }
    let mut ts = ts.to_vec();
    ts.sort_by(|a, b| a.key.cmp(&b.key));
    for (i, t) in ts.iter().enumerate() {
        if i > 0 {
            w.text.push('\t');
        }
        let mut s = t.key.clone().unwrap_or_default();
        let value = t.value.clone().unwrap_or_default();
        if !value.is_empty() {
            s.push_str(&format!("={value}"));
        }
        let effect = t.effect.clone().unwrap_or_default();
        if !effect.is_empty() {
            s.push_str(&format!(":{effect}"));
        }
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            if t.key.as_deref().is_some_and(|k| !k.is_empty()) || !effect.is_empty() {
                s.push_str(" op=Exists");
            } else {
                s.push_str("op=Exists");
            }
        }
        if let Some(secs) = t.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        w.text.push_str(&s);
        w.text.push('\n');
    }
}

/// `DescribePodTemplate`.
fn pod_template(w: &mut W, t: &PodTemplateSpec) {
    w.w(0, "Pod Template:\n");
    w.labels("", "  Labels", &t.metadata.labels);
    if !t.metadata.annotations.is_empty() {
        w.annotations("  Annotations", &t.metadata.annotations);
    }
    if let Some(sa) = t
        .spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.w(1, &format!("Service Account:\t{sa}\n"));
    }
    if !t.spec.init_containers.is_empty() {
        containers(w, "Init Containers", &t.spec.init_containers, None, "  ");
    }
    containers(w, "Containers", &t.spec.containers, None, "  ");
    volumes(w, &t.spec.volumes, "  ");
    if let Some(pc) = t
        .spec
        .extra
        .get("priorityClassName")
        .and_then(Value::as_str)
    {
        w.w(1, &format!("Priority Class Name:\t{pc}\n"));
    }
    w.labels("", "  Node-Selectors", &t.spec.node_selector);
    tolerations(w, "  Tolerations", &t.spec.tolerations);
}

/// `printTemplate` of `rollout history --revision=N`: `DescribePodTemplate` written to a
/// plain buffer, tabs left as they are.
pub fn pod_template_text(t: &PodTemplateSpec) -> String {
    let mut w = W::default();
    pod_template(&mut w, t);
    w.text
}

/// The events about one object, oldest first (`searchEvents` + `SortableEvents`).
fn events_for<'w>(
    world: &'w World,
    kind: &str,
    name: &str,
    since: crate::time::SimTime,
) -> Vec<&'w Event> {
    let object = format!("{kind}/{name}");
    let mut evs: Vec<&Event> = world
        .events
        .iter()
        .filter(|e| e.object == object && e.time >= since)
        .collect();
    evs.sort_by_key(|e| e.time);
    evs
}

/// What `DescribeEvents` writes.
enum Events {
    /// `Events:\t<none>`, written before any flush (aligned with the body).
    None,
    /// The table, after a flush (aligned on its own).
    Table(String),
}

/// `DescribeEvents`.
fn events_block(world: &World, evs: &[&Event]) -> Events {
    if evs.is_empty() {
        return Events::None;
    }
    let now = world.now;
    let mut t = String::from(
        "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n",
    );
    for e in evs {
        let first = get::age(now, e.first);
        let interval = if e.count > 1 {
            format!("{} (x{} over {first})", get::age(now, e.time), e.count)
        } else {
            first
        };
        t.push_str(&format!(
            "  {}\t{}\t{interval}\t{}\t{}\n",
            e.type_,
            e.reason,
            e.source,
            e.message.trim()
        ));
    }
    Events::Table(TabWriter::describe().format(&t))
}

/// Finishes a description: the body, then the events.
fn finish(mut w: W, events: Option<Events>) -> String {
    match events {
        Some(Events::None) => {
            w.text.push_str("Events:\t<none>\n");
            TabWriter::describe().format(&w.text)
        }
        Some(Events::Table(t)) => TabWriter::describe().format(&w.text) + &t,
        None => TabWriter::describe().format(&w.text),
    }
}

fn describe_statefulset(world: &World, s: &StatefulSet, show_events: bool) -> String {
    let mut w = W::default();
    let m = &s.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name));
    w.w(0, &format!("Namespace:\t{}\n", m.namespace));
    w.w(
        0,
        &format!("CreationTimestamp:\t{}\n", m.creation.rfc1123z()),
    );
    let sel = s
        .spec
        .selector
        .as_ref()
        .map(format_selector)
        .filter(|x| x != "<none>")
        .unwrap_or_default();
    w.w(0, &format!("Selector:\t{sel}\n"));
    w.labels("", "Labels", &m.labels);
    w.annotations("Annotations", &m.annotations);
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            s.replicas(),
            s.status.replicas
        ),
    );
    let ty = s
        .spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.type_.clone())
        .unwrap_or_default();
    w.w(0, &format!("Update Strategy:\t{ty}\n"));
    if let Some(ru) = s.rolling_update() {
        if let Some(p) = ru.partition {
            w.w(1, &format!("Partition:\t{p}\n"));
            if let Some(mu) = &ru.max_unavailable {
                w.w(
                    1,
                    &format!("MaxUnavailable:\t{}\n", super::jsonpath::print_value(mu)),
                );
            }
        }
    }
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in world.pods_of(&(m.namespace.clone(), m.name.clone())) {
        if !s.selects(&p.metadata.labels) {
            continue;
        }
        match p.status.phase.as_str() {
            "Running" => running += 1,
            "Pending" | "" => waiting += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => {}
        }
    }
    w.w(
        0,
        &format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"),
    );
    pod_template(&mut w, &s.spec.template);
    if s.spec.volume_claim_templates.is_empty() {
        w.w(0, "Volume Claims:\t<none>\n");
    } else {
        w.w(0, "Volume Claims:\n");
        for c in &s.spec.volume_claim_templates {
            w.w(1, &format!("Name:\t{}\n", c.metadata.name));
            w.w(
                1,
                &format!(
                    "StorageClass:\t{}\n",
                    c.spec.storage_class_name.clone().unwrap_or_default()
                ),
            );
            w.labels("  ", "Labels", &c.metadata.labels);
            w.labels("  ", "Annotations", &c.metadata.annotations);
            let cap = c
                .spec
                .resources
                .as_ref()
                .and_then(|r| r.requests.get("storage"))
                .map_or_else(|| "<default>".to_string(), Quantity::text);
            w.w(1, &format!("Capacity:\t{cap}\n"));
            w.w(
                1,
                &format!("Access Modes:\t[{}]\n", c.spec.access_modes.join(" ")),
            );
        }
    }
    let events = show_events.then(|| {
        events_block(
            world,
            &events_for(world, "StatefulSet", &m.name, m.creation),
        )
    });
    finish(w, events)
}

/// `intstr.IntOrString.String()`: an int as digits, a string as is.
fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".into(),
    }
}

/// `printReplicaSetsByLabels`: `name (current/desired replicas created)`, or `<none>`.
fn replica_sets_line(rss: &[&ReplicaSet]) -> String {
    if rss.is_empty() {
        return "<none>".into();
    }
    rss.iter()
        .map(|r| {
            format!(
                "{} ({}/{} replicas created)",
                r.metadata.name,
                r.status.replicas,
                r.replicas()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `DeploymentDescriber` (`describe.go` `describeDeployment`).
fn describe_deployment(world: &World, d: &Deployment, show_events: bool) -> String {
    let mut w = W::default();
    let m = &d.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name));
    w.w(0, &format!("Namespace:\t{}\n", m.namespace));
    w.w(
        0,
        &format!("CreationTimestamp:\t{}\n", m.creation.rfc1123z()),
    );
    w.labels("", "Labels", &m.labels);
    w.annotations("Annotations", &m.annotations);
    let sel = d
        .spec
        .selector
        .as_ref()
        .map(format_selector)
        .unwrap_or_else(|| "<none>".into());
    w.w(0, &format!("Selector:\t{sel}\n"));
    let st = &d.status;
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            d.replicas(),
            st.updated_replicas,
            st.replicas,
            st.available_replicas,
            st.unavailable_replicas
        ),
    );
    w.w(0, &format!("StrategyType:\t{}\n", d.strategy_name()));
    w.w(0, &format!("MinReadySeconds:\t{}\n", d.min_ready_seconds()));
    if let Some(ru) = d.rolling_update() {
        w.w(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                int_or_string(ru.max_unavailable.as_ref()),
                int_or_string(ru.max_surge.as_ref())
            ),
        );
    }
    pod_template(&mut w, &d.spec.template);
    if !st.conditions.is_empty() {
        w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.w(1, "----\t------\t------\n");
        for c in &st.conditions {
            w.w(1, &format!("{} \t{}\t{}\n", c.type_, c.status, c.reason));
        }
    }
    // `GetAllReplicaSets`: old sets that still have replicas, and the new one.
    let rss = world.replica_sets_of(d);
    let new = crate::deploy::util::find_new_replica_set(
        d,
        &rss.iter().map(|r| (*r).clone()).collect::<Vec<_>>(),
    );
    let old: Vec<&ReplicaSet> = rss
        .iter()
        .enumerate()
        .filter(|(i, r)| Some(*i) != new && r.replicas() != 0)
        .map(|(_, r)| *r)
        .collect();
    let new: Vec<&ReplicaSet> = new.and_then(|i| rss.get(i).copied()).into_iter().collect();
    w.w(
        0,
        &format!("OldReplicaSets:\t{}\n", replica_sets_line(&old)),
    );
    w.w(0, &format!("NewReplicaSet:\t{}\n", replica_sets_line(&new)));
    let events = show_events
        .then(|| events_block(world, &events_for(world, "Deployment", &m.name, m.creation)));
    finish(w, events)
}

/// `ReplicaSetDescriber` (`describe.go` `describeReplicaSet`).
fn describe_replica_set(world: &World, r: &ReplicaSet, show_events: bool) -> String {
    let mut w = W::default();
    let m = &r.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name));
    w.w(0, &format!("Namespace:\t{}\n", m.namespace));
    let sel = r
        .spec
        .selector
        .as_ref()
        .map(format_selector)
        .unwrap_or_else(|| "<none>".into());
    w.w(0, &format!("Selector:\t{sel}\n"));
    w.labels("", "Labels", &m.labels);
    w.annotations("Annotations", &m.annotations);
    if let Some(c) = m.controller_ref() {
        w.w(0, &format!("Controlled By:\t{}/{}\n", c.kind, c.name));
    }
    w.w(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            r.status.replicas,
            r.replicas()
        ),
    );
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in world.pods_of_replica_set(r) {
        match p.status.phase.as_str() {
            "Running" => running += 1,
            "Pending" | "" => waiting += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => {}
        }
    }
    w.w(
        0,
        &format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"),
    );
    pod_template(&mut w, &r.spec.template);
    let events = show_events
        .then(|| events_block(world, &events_for(world, "ReplicaSet", &m.name, m.creation)));
    finish(w, events)
}

fn describe_pod(world: &World, p: &Pod, show_events: bool) -> String {
    let mut w = W::default();
    let m = &p.metadata;
    let spec = output::effective_pod_spec(p);
    w.w(0, &format!("Name:\t{}\n", m.name));
    w.w(0, &format!("Namespace:\t{}\n", m.namespace));
    w.w(0, "Priority:\t0\n");
    w.w(
        0,
        &format!(
            "Service Account:\t{}\n",
            p.spec
                .service_account_name
                .clone()
                .unwrap_or_else(|| "default".into())
        ),
    );
    match &p.spec.node_name {
        Some(n) => w.w(
            0,
            &format!(
                "Node:\t{n}/{}\n",
                p.status.host_ip.clone().unwrap_or_default()
            ),
        ),
        None => w.w(0, "Node:\t<none>\n"),
    }
    if p.spec.node_name.is_some() {
        w.w(0, &format!("Start Time:\t{}\n", m.creation.rfc1123z()));
    }
    w.labels("", "Labels", &m.labels);
    w.annotations("Annotations", &m.annotations);
    if m.terminating() && p.status.phase != "Failed" && p.status.phase != "Succeeded" {
        let grace = m.deletion_grace_seconds.unwrap_or(0);
        let at = m.deletion.unwrap_or(m.creation)
            + crate::time::SimDuration::from_secs(grace.max(0) as u64);
        w.w(
            0,
            &format!("Status:\tTerminating (lasts {})\n", get::age(world.now, at)),
        );
        w.w(0, &format!("Termination Grace Period:\t{grace}s\n"));
    } else {
        let phase = if p.status.phase.is_empty() {
            "Pending"
        } else {
            &p.status.phase
        };
        w.w(0, &format!("Status:\t{phase}\n"));
    }
    if let Some(r) = p.status.reason.as_deref().filter(|r| !r.is_empty()) {
        w.w(0, &format!("Reason:\t{r}\n"));
    }
    if let Some(msg) = p.status.message.as_deref().filter(|r| !r.is_empty()) {
        w.w(0, &format!("Message:\t{msg}\n"));
    }
    w.w(
        0,
        &format!("IP:\t{}\n", p.status.pod_ip.clone().unwrap_or_default()),
    );
    match &p.status.pod_ip {
        Some(ip) => {
            w.w(0, "IPs:\n");
            w.w(1, &format!("IP:\t{ip}\n"));
        }
        None => w.w(0, "IPs:\t<none>\n"),
    }
    if let Some(r) = m.controller_ref() {
        w.w(0, &format!("Controlled By:\t{}/{}\n", r.kind, r.name));
    }
    if !p.spec.init_containers.is_empty() {
        containers(
            &mut w,
            "Init Containers",
            &p.spec.init_containers,
            Some((p, &p.status.init_container_statuses)),
            "",
        );
    }
    containers(
        &mut w,
        "Containers",
        &p.spec.containers,
        Some((p, &p.status.container_statuses)),
        "",
    );
    if !p.status.conditions.is_empty() {
        w.w(0, "Conditions:\n  Type\tStatus\n");
        for c in &p.status.conditions {
            w.w(1, &format!("{} \t{} \n", c.type_, c.status));
        }
    }
    volumes(&mut w, &p.spec.volumes, "");
    w.w(0, &format!("QoS Class:\t{}\n", output::qos_class(&p.spec)));
    w.labels("", "Node-Selectors", &p.spec.node_selector);
    tolerations(&mut w, "Tolerations", &spec.tolerations);
    let events =
        show_events.then(|| events_block(world, &events_for(world, "Pod", &m.name, m.creation)));
    finish(w, events)
}

/// `Status:` of a claim or volume: its phase, or how long it has been terminating.
fn status_line(w: &mut W, world: &World, m: &ObjectMeta, phase: &str) {
    if m.terminating() {
        let at = m.deletion.unwrap_or(m.creation);
        w.w(
            0,
            &format!("Status:\tTerminating (lasts {})\n", get::age(world.now, at)),
        );
    } else {
        w.w(0, &format!("Status:\t{phase}\n"));
    }
}

fn describe_claim(world: &World, c: &PersistentVolumeClaim, show_events: bool) -> String {
    let mut w = W::default();
    let m = &c.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name));
    w.w(0, &format!("Namespace:\t{}\n", m.namespace));
    w.w(
        0,
        &format!(
            "StorageClass:\t{}\n",
            c.spec.storage_class_name.clone().unwrap_or_default()
        ),
    );
    status_line(&mut w, world, m, &c.status.phase);
    let volume = c.spec.volume_name.clone().unwrap_or_default();
    w.w(0, &format!("Volume:\t{volume}\n"));
    w.labels("", "Labels", &m.labels);
    w.annotations("Annotations", &m.annotations);
    w.w(
        0,
        &format!("Finalizers:\t[{}]\n", output::claim_finalizers(c).join(" ")),
    );
    let (cap, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            c.status
                .capacity
                .get("storage")
                .map(Quantity::text)
                .unwrap_or_default(),
            c.status
                .access_modes
                .iter()
                .map(|m| match m.as_str() {
                    "ReadWriteOnce" => "RWO",
                    "ReadOnlyMany" => "ROX",
                    "ReadWriteMany" => "RWX",
                    "ReadWriteOncePod" => "RWOP",
                    o => o,
                })
                .collect::<Vec<_>>()
                .join(","),
        )
    };
    w.w(0, &format!("Capacity:\t{cap}\n"));
    w.w(0, &format!("Access Modes:\t{modes}\n"));
    w.w(
        0,
        &format!(
            "VolumeMode:\t{}\n",
            c.spec
                .volume_mode
                .clone()
                .unwrap_or_else(|| "Filesystem".into())
        ),
    );
    let mut users: Vec<String> = world
        .pods
        .iter()
        .filter(|((ns, _), p)| {
            *ns == m.namespace
                && p.spec.volumes.iter().any(|v| {
                    v.persistent_volume_claim
                        .as_ref()
                        .is_some_and(|x| x.claim_name == m.name)
                })
        })
        .map(|(_, p)| p.metadata.name.clone())
        .collect();
    users.sort();
    w.w(0, "Used By:\t");
    if users.is_empty() {
        w.text.push_str("<none>\n");
    } else {
        for (i, u) in users.iter().enumerate() {
            if i > 0 {
                w.text.push('\t');
            }
            w.text.push_str(u);
            w.text.push('\n');
        }
    }
    let events = show_events.then(|| {
        events_block(
            world,
            &events_for(world, "PersistentVolumeClaim", &m.name, m.creation),
        )
    });
    finish(w, events)
}

fn describe_service(world: &World, s: &Service, show_events: bool) -> String {
    let mut w = W::default();
    let m = &s.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name));
    w.w(0, &format!("Namespace:\t{}\n", m.namespace));
    w.labels("", "Labels", &m.labels);
    w.annotations("Annotations", &m.annotations);
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            get::format_labels(&s.spec.selector).replace("<none>", "")
        ),
    );
    w.w(
        0,
        &format!(
            "Type:\t{}\n",
            s.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into())
        ),
    );
    w.w(0, "IP Family Policy:\tSingleStack\n");
    w.w(0, "IP Families:\tIPv4\n");
    let ip = s.spec.cluster_ip.clone().unwrap_or_default();
    w.w(0, &format!("IP:\t{ip}\n"));
    w.w(
        0,
        &format!(
            "IPs:\t{}\n",
            if ip.is_empty() { "<none>".into() } else { ip }
        ),
    );
    let ports = s
        .spec
        .extra
        .get("ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // Ready pods behind the Service (its EndpointSlice).
    let ready: Vec<&Pod> = if s.spec.selector.is_empty() {
        Vec::new()
    } else {
        world
            .pods
            .iter()
            .filter(|((ns, _), p)| {
                *ns == m.namespace
                    && s.spec
                        .selector
                        .iter()
                        .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
                    && p.status.pod_ip.is_some()
                    && p.running_and_ready()
                    && !p.metadata.terminating()
            })
            .map(|(_, p)| p)
            .collect()
    };
    let endpoints = |port: Option<&Value>| -> String {
        if s.spec.selector.is_empty() && m.name != "kubernetes" {
            return "<none>".into();
        }
        if m.name == "kubernetes" {
            return "172.18.0.2:6443".into();
        }
        let list: Vec<String> = ready
            .iter()
            .map(|p| {
                let ip = p.status.pod_ip.clone().unwrap_or_default();
                match port {
                    Some(tp) => format!("{ip}:{}", super::jsonpath::print_value(tp)),
                    None => ip,
                }
            })
            .collect();
        if list.len() > 3 {
            format!("{} + {} more...", list[..3].join(","), list.len() - 3)
        } else {
            list.join(",")
        }
    };
    for p in &ports {
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or("<unset>");
        let port = p
            .get("port")
            .map(super::jsonpath::print_value)
            .unwrap_or_default();
        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
        w.w(0, &format!("Port:\t{name}\t{port}/{proto}\n"));
        let target = p.get("targetPort").or_else(|| p.get("port"));
        let tp = target.map(super::jsonpath::print_value).unwrap_or_default();
        w.w(0, &format!("TargetPort:\t{tp}/{proto}\n"));
        if let Some(np) = p.get("nodePort").and_then(Value::as_i64) {
            w.w(0, &format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        w.w(0, &format!("Endpoints:\t{}\n", endpoints(target)));
    }
    if ports.is_empty() && !s.spec.selector.is_empty() {
        // A headless Service without ports still lists its endpoints' addresses.
    }
    w.w(0, "Session Affinity:\tNone\n");
    w.w(0, "Internal Traffic Policy:\tCluster\n");
    let events = show_events
        .then(|| events_block(world, &events_for(world, "Service", &m.name, m.creation)));
    finish(w, events)
}

fn describe_volume(world: &World, pv: &PersistentVolume, show_events: bool) -> String {
    let mut w = W::default();
    let m = &pv.metadata;
    w.w(0, &format!("Name:\t{}\n", m.name));
    w.labels("", "Labels", &m.labels);
    w.annotations("Annotations", &m.annotations);
    w.w(
        0,
        &format!(
            "Finalizers:\t[{}]\n",
            output::volume_finalizers(pv).join(" ")
        ),
    );
    w.w(
        0,
        &format!(
            "StorageClass:\t{}\n",
            pv.spec.storage_class_name.clone().unwrap_or_default()
        ),
    );
    status_line(&mut w, world, m, &pv.status.phase);
    let claim = pv
        .spec
        .claim_ref
        .as_ref()
        .map(|r| format!("{}/{}", r.namespace, r.name))
        .unwrap_or_default();
    w.w(0, &format!("Claim:\t{claim}\n"));
    w.w(
        0,
        &format!(
            "Reclaim Policy:\t{}\n",
            pv.spec
                .persistent_volume_reclaim_policy
                .clone()
                .unwrap_or_else(|| "Retain".into())
        ),
    );
    let modes: Vec<&str> = pv
        .spec
        .access_modes
        .iter()
        .map(|m| match m.as_str() {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            o => o,
        })
        .collect();
    w.w(0, &format!("Access Modes:\t{}\n", modes.join(",")));
    w.w(0, "VolumeMode:\tFilesystem\n");
    w.w(
        0,
        &format!(
            "Capacity:\t{}\n",
            pv.spec
                .capacity
                .get("storage")
                .map(Quantity::text)
                .unwrap_or_default()
        ),
    );
    w.w(0, "Node Affinity:\t<none>\n");
    w.w(0, "Message:\t\n");
    w.w(0, "Source:\n");
    if let Some(h) = pv.spec.extra.get("hostPath") {
        let path = h.get("path").and_then(Value::as_str).unwrap_or("");
        let ty = h.get("type").and_then(Value::as_str).unwrap_or("<none>");
        w.w(2, "Type:\tHostPath (bare host directory volume)\n");
        w.text
            .push_str(&format!("    Path:\t{path}\n    HostPathType:\t{ty}\n"));
    } else if let Some(l) = pv.spec.extra.get("local") {
        let path = l.get("path").and_then(Value::as_str).unwrap_or("");
        w.w(
            2,
            "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n",
        );
        w.text.push_str(&format!("    Path:\t{path}\n"));
    } else {
        w.w(1, "<unknown>\n");
    }
    let events = show_events.then(|| {
        events_block(
            world,
            &events_for(world, "PersistentVolume", &m.name, m.creation),
        )
    });
    finish(w, events)
}

fn describe_class(world: &World, sc: &StorageClass, show_events: bool) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", sc.metadata.name));
    w.w(
        0,
        &format!(
            "IsDefaultClass:\t{}\n",
            if sc.is_default() { "Yes" } else { "No" }
        ),
    );
    w.w(
        0,
        &format!(
            "Annotations:\t{}\n",
            get::format_labels(&sc.metadata.annotations).replace("<none>", "")
        ),
    );
    w.w(0, &format!("Provisioner:\t{}\n", sc.provisioner));
    w.w(0, "Parameters:\t<none>\n");
    w.w(0, "AllowVolumeExpansion:\t<unset>\n");
    w.w(0, "MountOptions:\t<none>\n");
    if let Some(r) = &sc.reclaim_policy {
        w.w(0, &format!("ReclaimPolicy:\t{r}\n"));
    }
    if let Some(m) = &sc.volume_binding_mode {
        w.w(0, &format!("VolumeBindingMode:\t{m}\n"));
    }
    let events = show_events.then(|| {
        events_block(
            world,
            &events_for(
                world,
                "StorageClass",
                &sc.metadata.name,
                sc.metadata.creation,
            ),
        )
    });
    finish(w, events)
}

/// kubectl's `smartLabelFor`: `clusterIP` → `Cluster IP`, `uid` → `UID`.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = field.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let boundary = c.is_uppercase()
            && !cur.is_empty()
            && (cur.chars().last().is_some_and(char::is_lowercase)
                || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if boundary {
            parts.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
        .into_iter()
        .map(|p| {
            let up = p.to_uppercase();
            if ["API", "URL", "UID", "OSB", "GUID"].contains(&up.as_str()) {
                up
            } else {
                let mut cs = p.chars();
                cs.next()
                    .map(|f| f.to_uppercase().collect::<String>() + cs.as_str())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `printUnstructuredContent`.
fn unstructured(
    w: &mut W,
    level: usize,
    v: &serde_json::Map<String, Value>,
    prefix: &str,
    skip: &[&str],
) {
    for (k, val) in v {
        let path = format!("{prefix}.{k}");
        if skip.contains(&path.as_str()) {
            continue;
        }
        match val {
            Value::Object(m) => {
                w.w(level, &format!("{}:\n", smart_label(k)));
                unstructured(w, level + 1, m, &path, skip);
            }
            Value::Array(a) => {
                w.w(level, &format!("{}:\n", smart_label(k)));
                for item in a {
                    match item {
                        Value::Object(m) => unstructured(w, level + 1, m, &path, skip),
                        other => w.w(
                            level + 1,
                            &format!("{}\n", super::jsonpath::print_value(other)),
                        ),
                    }
                }
            }
            other => w.w(
                level,
                &format!(
                    "{}:\t{}\n",
                    smart_label(k),
                    super::jsonpath::print_value(other)
                ),
            ),
        }
    }
}

fn describe_generic(world: &World, v: &View<'_>, show_events: bool) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", v.name()));
    w.w(0, &format!("Namespace:\t{}\n", v.namespace()));
    let empty = ObjectMeta::default();
    let meta = v.meta().unwrap_or(&empty);
    w.labels("", "Labels", &meta.labels);
    w.annotations("Annotations", &meta.annotations);
    if let Value::Object(m) = output::to_json(v) {
        unstructured(
            &mut w,
            0,
            &m,
            "",
            &[
                ".metadata.managedFields",
                ".metadata.name",
                ".metadata.namespace",
                ".metadata.labels",
                ".metadata.annotations",
            ],
        );
    }
    let events = show_events.then(|| {
        let kind = v.res().info().kind;
        events_block(world, &events_for(world, kind, &v.name(), v.created()))
    });
    finish(w, events)
}

/// One object's description.
pub fn describe_one(world: &World, v: &View<'_>, show_events: bool) -> String {
    match v {
        View::StatefulSet(s) => describe_statefulset(world, s, show_events),
        View::Deployment(d) => describe_deployment(world, d, show_events),
        View::ReplicaSet(r) => describe_replica_set(world, r, show_events),
        View::Pod(p) => describe_pod(world, p, show_events),
        View::PersistentVolumeClaim(c) => describe_claim(world, c, show_events),
        View::Service(s) => describe_service(world, s, show_events),
        View::PersistentVolume(pv) => describe_volume(world, pv, show_events),
        View::StorageClass(sc) => describe_class(world, sc, show_events),
        other => describe_generic(world, other, show_events),
    }
}

/// `kubectl describe TYPE [NAME_PREFIX] [-l selector]`.
pub(crate) fn describe(world: &World, a: &Args, ns: &str) -> Result<Out, String> {
    let sel = get::select(&a.pos, "describe")?;
    let all_ns = a.on("all-namespaces");
    let show_events = a.get("show-events") != Some("false");
    let res_hint = match &sel {
        Selection::Types(t) => t.first().copied(),
        Selection::Named(n) => n.first().map(|(r, _)| *r),
    };
    let filters = Filters::from_args(a, res_hint)?;
    let list_ns = if all_ns { None } else { Some(ns) };
    let mut views: Vec<View<'_>> = Vec::new();
    let mut errors = Vec::new();
    match &sel {
        Selection::Types(types) => {
            for r in types {
                views.extend(
                    resources::list(world, *r, list_ns)
                        .into_iter()
                        .filter(|v| filters.matches(v)),
                );
            }
        }
        Selection::Named(named) => {
            for (r, n) in named {
                if let Some(v) = resources::find(world, *r, ns, n) {
                    views.push(v);
                    continue;
                }
                // kubectl describe falls back to a name prefix.
                let by_prefix: Vec<View<'_>> = resources::list(world, *r, Some(ns))
                    .into_iter()
                    .filter(|v| v.name().starts_with(n.as_str()))
                    .collect();
                if by_prefix.is_empty() {
                    errors.push(get::not_found(*r, n));
                } else {
                    views.extend(by_prefix);
                }
            }
        }
    }
    let mut out = Out::default();
    for (i, v) in views.iter().enumerate() {
        if i > 0 {
            out.print("\n\n");
        }
        out.print(&describe_one(world, v, show_events));
    }
    for e in &errors {
        out.eprint(&format!("{e}\n"));
        out.exit = 1;
    }
    if views.is_empty() && errors.is_empty() {
        let cluster = res_hint.is_some_and(|r| !r.info().namespaced);
        if all_ns || cluster {
            out.eprint("No resources found\n");
        } else {
            out.eprint(&format!("No resources found in {ns} namespace.\n"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_labels_split_camel_case() {
        assert_eq!(smart_label("clusterIP"), "Cluster IP");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("resourceVersion"), "Resource Version");
        assert_eq!(smart_label("apiVersion"), "API Version");
    }

    #[test]
    fn selectors_print_sorted_by_key() {
        let sel = LabelSelector {
            match_labels: [
                ("tier".to_string(), "web".to_string()),
                ("app".to_string(), "nginx".to_string()),
            ]
            .into_iter()
            .collect(),
            match_expressions: vec![LabelSelectorRequirement {
                key: "env".into(),
                operator: "In".into(),
                values: vec!["prod".into(), "dev".into()],
            }],
        };
        assert_eq!(
            format_selector(&sel),
            "app=nginx,env in (dev,prod),tier=web"
        );
    }

    #[test]
    fn rfc3339_stamps_convert_back() {
        let t = crate::time::SimTime(5_000);
        assert_eq!(rfc3339_to_rfc1123(&t.rfc3339()), t.rfc1123z());
        assert_eq!(t.rfc1123z(), "Wed, 01 Jan 2025 00:00:05 +0000");
    }
}
