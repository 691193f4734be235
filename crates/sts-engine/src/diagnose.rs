//! What the manifest editor shows while someone types: every problem of a manifest
//! stream, each with the line and column of the field it is about.
//!
//! * **Errors** are what `kubectl apply` of this text would refuse, in kubectl's words:
//!   YAML syntax, unknown kinds, strict-decoding problems (unknown fields, wrong types),
//!   and API validation (create or, when the object exists, update rules V-1…V-13),
//!   one diagnostic per cause (V-14's `* field: body` lines), placed at that field.
//! * **Warnings** are what 1.32 accepts but a learner should know before pressing
//!   Apply: duplicate keys (kubectl silently keeps the last), a pod template or claim
//!   template the API server does not validate but that will fail at pod creation
//!   (V-10, E-3), names too long for their pods (I-6), `maxUnavailable` dropped with the
//!   gate off (F-3), checks that later versions add (L-1, L-5, labelled with their version).
//!
//! Nothing here changes the world.

use serde::Serialize;

use crate::controller::{identity, revision};
use crate::manifest::{self, Document, Object};
use crate::model::{ControllerRevision, ObjectMeta, StatefulSet};
use crate::validation::{self, FieldError};
use crate::world::World;

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, where it is, and what kubectl (or the playground) says about it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// 1-based line in the whole text.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub severity: Severity,
    /// The message in kubectl's words (errors) or the playground's (warnings).
    pub message: String,
    /// The field path the message is about, e.g. `spec.replicas`, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Diagnostic {
    /// `line:column: severity: message`, the CLI's form.
    pub fn render(&self) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!("{}:{}: {sev}: {}", self.line, self.column, self.message)
    }
}

/// Diagnoses `text` as if applied to an empty cluster (create rules only).
pub fn diagnose(text: &str) -> Vec<Diagnostic> {
    diagnose_with(text, None)
}

impl World {
    /// Diagnoses `text` as if applied to this world now: objects that exist are
    /// checked with the update rules, and the world's feature gates apply.
    pub fn diagnose(&self, text: &str) -> Vec<Diagnostic> {
        diagnose_with(text, Some(self))
    }
}

fn diagnose_with(text: &str, world: Option<&World>) -> Vec<Diagnostic> {
    let parsed = manifest::parse(text);
    let mut out = Vec::new();
    for e in &parsed.errors {
        if e.causes.is_empty() {
            out.push(Diagnostic {
                line: e.line,
                column: e.column,
                severity: Severity::Error,
                message: e.message.clone(),
                field: None,
            });
        }
        for c in &e.causes {
            out.push(Diagnostic {
                line: c.line,
                column: c.column,
                severity: Severity::Error,
                message: c.message.clone(),
                field: Some(c.field.clone()),
            });
        }
    }
    for w in &parsed.warnings {
        out.push(Diagnostic {
            line: w.pos.line,
            column: w.pos.column,
            severity: Severity::Warning,
            message: w.message.clone(),
            field: None,
        });
    }
    // Services of the same stream count as existing for the serviceName hint.
    let services: Vec<(String, String)> = parsed
        .docs
        .iter()
        .filter(|d| d.object.kind() == "Service")
        .map(|d| {
            let m = d.object.meta();
            let ns = if m.namespace.is_empty() {
                crate::api::DEFAULT_NS.to_string()
            } else {
                m.namespace.clone()
            };
            (ns, m.name.clone())
        })
        .collect();
    // Documents apply in order: a later document sees the objects and namespaces the
    // earlier ones create.
    let mut stream = Stream {
        services,
        ..Stream::default()
    };
    for doc in &parsed.docs {
        diagnose_document(doc, world, &mut stream, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// What the earlier documents of the stream create.
#[derive(Default)]
struct Stream {
    services: Vec<(String, String)>,
    namespaces: Vec<String>,
    sets: std::collections::BTreeMap<(String, String), StatefulSet>,
}

/// Where a validation field path is found in the manifest. Upstream reports template
/// labels as `spec.template.labels` (V-7), without `metadata`.
fn manifest_path(field: &str) -> String {
    for (from, to) in [
        ("spec.template.labels", "spec.template.metadata.labels"),
        (
            "spec.template.annotations",
            "spec.template.metadata.annotations",
        ),
    ] {
        if let Some(rest) = field.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    field.to_string()
}

fn error_at(doc: &Document, kind: &str, name: &str, e: &FieldError) -> Diagnostic {
    let pos = doc.position_of(&manifest_path(&e.field));
    Diagnostic {
        line: pos.line,
        column: pos.column,
        severity: Severity::Error,
        message: validation::format_invalid(kind, name, std::slice::from_ref(e)),
        field: Some(e.field.clone()),
    }
}

/// The NamespaceLifecycle admission plugin's refusal of a create.
fn namespace_error(doc: &Document, ns: &str) -> Diagnostic {
    let pos = doc.position_of("metadata.namespace");
    Diagnostic {
        line: pos.line,
        column: pos.column,
        severity: Severity::Error,
        message: format!("namespaces {ns:?} not found"),
        field: Some("metadata.namespace".into()),
    }
}

fn warning_at(doc: &Document, field: &str, message: String) -> Diagnostic {
    let pos = doc.position_of(field);
    Diagnostic {
        line: pos.line,
        column: pos.column,
        severity: Severity::Warning,
        message,
        field: Some(field.to_string()),
    }
}

fn diagnose_document(
    doc: &Document,
    world: Option<&World>,
    stream: &mut Stream,
    out: &mut Vec<Diagnostic>,
) {
    let kind = doc.object.kind().to_string();
    let name = doc.object.meta().name.clone();
    if name.is_empty() {
        let pos = doc.position_of("metadata.name");
        out.push(Diagnostic {
            line: pos.line,
            column: pos.column,
            severity: Severity::Error,
            message: crate::api::missing_name_message(&doc.object, "STDIN"),
            field: Some("metadata.name".into()),
        });
        return;
    }
    if kind == "Namespace" {
        stream.namespaces.push(name.clone());
    }
    let namespaced = crate::api::is_namespaced(&kind);
    let ns = match doc.object.meta().namespace.as_str() {
        "" if namespaced => crate::api::DEFAULT_NS.to_string(),
        other => other.to_string(),
    };
    let exists = world.is_some_and(|w| w.namespace_exists(&ns) || w.object_exists(&doc.object))
        || crate::api::INITIAL_NAMESPACES.contains(&ns.as_str());
    let namespace_missing = namespaced && !exists && !stream.namespaces.contains(&ns);
    let Object::StatefulSet(set) = &doc.object else {
        let errs = validation::validate_object(&doc.object);
        for e in &errs {
            out.push(error_at(doc, &kind, &name, e));
        }
        if errs.is_empty() && namespace_missing {
            out.push(namespace_error(doc, &ns));
        }
        return;
    };
    let mut set = set.clone();
    set.metadata.namespace = ns.clone();
    let gate = world.is_some_and(|w| w.config.gates.max_unavailable_stateful_set);
    let key = (set.metadata.namespace.clone(), set.metadata.name.clone());
    let old = stream
        .sets
        .get(&key)
        .cloned()
        .or_else(|| world.and_then(|w| w.sets.get(&key).cloned()));
    let had_max_unavailable = set
        .spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref())
        .is_some_and(|r| r.max_unavailable.is_some());
    validation::default_statefulset(&mut set, gate, old.as_ref());
    let errs = match &old {
        Some(old) => validation::validate_statefulset_update(old, &set),
        None => validation::validate_statefulset_create(&set),
    };
    for e in &errs {
        out.push(error_at(doc, &kind, &name, e));
    }
    let replicas = i64::from(set.replicas());
    if replicas > crate::api::MAX_REPLICAS {
        out.push(Diagnostic {
            severity: Severity::Error,
            ..warning_at(
                doc,
                "spec.replicas",
                format!(
                    "{replicas} replicas is more than this playground simulates (at most {} per StatefulSet, so that every pod can still be stepped through)",
                    crate::api::MAX_REPLICAS
                ),
            )
        });
    }
    if !errs.is_empty() {
        return;
    }
    if namespace_missing && old.is_none() {
        out.push(namespace_error(doc, &ns));
        return;
    }
    stream.sets.insert(key, set.clone());
    let still_has = set
        .spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref())
        .is_some_and(|r| r.max_unavailable.is_some());
    if had_max_unavailable && !still_has {
        out.push(warning_at(
            doc,
            "spec.updateStrategy.rollingUpdate.maxUnavailable",
            "maxUnavailable is ignored: the MaxUnavailableStatefulSet feature gate is off \
             (alpha in 1.32), so the API server drops the field before storing (F-3)"
                .into(),
        ));
    }
    template_warnings(doc, &set, out);
    if set.spec.revision_history_limit.is_some_and(|l| l < 0) {
        out.push(warning_at(
            doc,
            "spec.revisionHistoryLimit",
            "a negative revisionHistoryLimit is accepted by 1.32 and means \"keep every \
             revision\"; from 1.33 the API server warns about it (L-5)"
                .into(),
        ));
    }
    let svc = &set.spec.service_name;
    if !svc.is_empty() && !validation::is_dns1123_label(svc).is_empty() {
        out.push(warning_at(
            doc,
            "spec.serviceName",
            format!(
                "serviceName {svc:?} is not a DNS-1123 label: 1.32 accepts it but every pod \
                 creation fails; 1.33+ rejects it on create (L-1)"
            ),
        ));
    } else if svc.is_empty() {
        out.push(warning_at(
            doc,
            "spec",
            "no serviceName: the pods get no DNS subdomain, so names like web-0.nginx do \
             not resolve (I-3)"
                .into(),
        ));
    } else if let Some(w) = world {
        let ns = &set.metadata.namespace;
        let key = (ns.clone(), svc.clone());
        if !w.services.contains_key(&key) && !stream.services.contains(&key) {
            out.push(warning_at(
                doc,
                "spec.serviceName",
                format!(
                    "there is no Service {svc:?} in namespace {ns:?} yet: the pods start, \
                     but their DNS names resolve only once a headless Service with that \
                     name exists"
                ),
            ));
        }
    }
}

/// Pod and claim templates: 1.32 does not validate them (V-10); the controller's
/// creations fail later (E-3). Build the first pod and its claims the way the
/// controller would and report what the API server will refuse.
fn template_warnings(doc: &Document, set: &StatefulSet, out: &mut Vec<Diagnostic>) {
    let data = revision::revision_data(&set.spec.template);
    let rev = ControllerRevision {
        metadata: ObjectMeta {
            name: revision::revision_name(&set.metadata.name, &data, 0),
            ..ObjectMeta::default()
        },
        data,
        revision: 1,
        template: set.spec.template.clone(),
    };
    let first = set.spec.ordinals.as_ref().map_or(0, |o| o.start);
    let pod = identity::new_pod(set, &rev, first);
    let errs = validation::pod_errors(&pod);
    if !errs.is_empty() {
        let message = validation::api_invalid_message("Pod", &pod.metadata.name, &errs);
        for e in &errs {
            let field = pod_field_in_template(&e.field);
            out.push(warning_at(
                doc,
                &field,
                format!(
                    "1.32 accepts this StatefulSet without checking its pod template (V-10), \
                     but the controller cannot create its pods: FailedCreate: {message} (E-3)"
                ),
            ));
        }
    }
    for claim in identity::claims_for(set, first) {
        let errs = validation::pvc_errors(&claim);
        if errs.is_empty() {
            continue;
        }
        let index = set
            .spec
            .volume_claim_templates
            .iter()
            .position(|t| {
                claim
                    .metadata
                    .name
                    .starts_with(&format!("{}-", t.metadata.name))
            })
            .unwrap_or(0);
        let message =
            validation::api_invalid_message("PersistentVolumeClaim", &claim.metadata.name, &errs);
        for e in &errs {
            let field = match e.field.strip_prefix("spec") {
                Some(rest) => format!("spec.volumeClaimTemplates[{index}].spec{rest}"),
                None => format!("spec.volumeClaimTemplates[{index}]"),
            };
            out.push(warning_at(
                doc,
                &field,
                format!(
                    "1.32 does not validate claim templates (V-10): creating the claim will \
                     fail with FailedCreate: {message} (E-3)"
                ),
            ));
        }
    }
}

/// Where a pod's field comes from in the StatefulSet.
fn pod_field_in_template(field: &str) -> String {
    if field.starts_with("metadata.name") || field.starts_with("metadata.labels") {
        // Names and the labels the controller adds come from the set's name (I-6).
        return "metadata.name".into();
    }
    if field.starts_with("spec.subdomain") {
        return "spec.serviceName".into();
    }
    if field.starts_with("spec.hostname") {
        return "metadata.name".into();
    }
    match field.strip_prefix("spec") {
        Some(rest) => format!("spec.template.spec{rest}"),
        None => "spec.template".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
";

    fn errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
        d.iter().filter(|d| d.severity == Severity::Error).collect()
    }

    #[test]
    fn a_valid_set_has_no_diagnostics() {
        assert_eq!(diagnose(STS), []);
    }

    #[test]
    fn each_validation_cause_sits_on_its_field() {
        let text = STS.replace("replicas: 3", "replicas: -1").replace(
            "        app: nginx\n    spec:",
            "        app: web\n    spec:",
        );
        let d = diagnose(&text);
        let e = errors(&d);
        assert_eq!(e.len(), 2, "{d:#?}");
        assert_eq!((e[0].line, e[0].column), (7, 3));
        assert_eq!(
            e[0].message,
            "The StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        // V-7: the editor marks the template labels themselves.
        assert_eq!((e[1].line, e[1].column), (13, 7));
        assert_eq!(e[1].field.as_deref(), Some("spec.template.metadata.labels"));
    }

    #[test]
    fn an_unvalidated_pod_template_is_a_warning_at_the_field() {
        let text = STS.replace("        image: nginx:1.25\n", "        image: \"\"\n");
        let d = diagnose(&text);
        assert!(errors(&d).is_empty(), "{d:#?}");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].line, d[0].column), (18, 9));
        assert!(
            d[0].message
                .contains("Pod \"web-0\" is invalid: spec.containers[0].image: Required value"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn a_name_too_long_for_its_pods_is_flagged_on_the_name() {
        let long = "a".repeat(55);
        let d = diagnose(&STS.replace("name: web\n", &format!("name: {long}\n")));
        assert!(errors(&d).is_empty(), "{d:#?}");
        assert!(
            d.iter().any(|x| x.line == 4 && x.message.contains("63")),
            "{d:#?}"
        );
    }

    #[test]
    fn dropped_max_unavailable_and_later_version_checks_are_warnings() {
        let text = STS.replace(
            "  replicas: 3\n",
            "  replicas: 3\n  revisionHistoryLimit: -1\n  updateStrategy:\n    rollingUpdate:\n      maxUnavailable: 2\n",
        );
        let d = diagnose(&text);
        assert!(errors(&d).is_empty(), "{d:#?}");
        assert!(
            d.iter().any(|x| x.line == 11 && x.message.contains("F-3")),
            "{d:#?}"
        );
        assert!(
            d.iter().any(|x| x.line == 8 && x.message.contains("L-5")),
            "{d:#?}"
        );
    }

    #[test]
    fn updates_use_the_update_rules() {
        let s = crate::scenario::parse(&crate::bench::scenario_yaml(2, 3)).expect("parses");
        let mut w = crate::scenario::build_world(&s);
        w.apply_manifests(&s.manifests);
        let set = w.sets.values().next().cloned().expect("a set");
        let yaml = format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {}\nspec:\n  serviceName: other\n  selector:\n    matchLabels: {}\n  template:\n    metadata:\n      labels: {}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
            set.metadata.name,
            serde_json::to_string(&set.spec.template.metadata.labels).unwrap_or_default(),
            serde_json::to_string(&set.spec.template.metadata.labels).unwrap_or_default(),
        );
        let d = w.diagnose(&yaml);
        let e = errors(&d);
        assert_eq!(e.len(), 1, "{d:#?}");
        assert!(
            e[0].message
                .contains("spec: Forbidden: updates to statefulset spec"),
            "{}",
            e[0].message
        );
        // The same text against an empty cluster is a valid create.
        assert!(errors(&diagnose(&yaml)).is_empty());
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_have_positions() {
        let text = format!("{STS}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\nspec: {{clusterIP: None}}\n---\nkind: : x\n");
        let d = diagnose(&text);
        assert!(
            d.iter()
                .any(|x| x.severity == Severity::Warning && x.line == 24),
            "{d:#?}"
        );
        assert!(
            d.iter()
                .any(|x| x.severity == Severity::Error && x.line == 27),
            "{d:#?}"
        );
    }
}
