//! # schema-gen
//!
//! Writes `crates/sts-engine/data/k8s-v1.32.schema`, the compact field schema the engine
//! uses for `kubectl apply --validate=strict` (unknown fields and JSON type errors, see
//! `sts_engine::schema`). The source is the real Kubernetes v1.32 OpenAPI schema as
//! published by the `k8s-openapi` crate (feature `v1_32`, through its `schemars`
//! implementations), not a hand-typed copy.
//!
//! Regenerate after changing this generator or the `k8s-openapi` version:
//!
//! ```sh
//! cargo run -p schema-gen            # rewrites crates/sts-engine/data/k8s-v1.32.schema
//! cargo run -p schema-gen -- --check # exit 1 if the committed file is stale
//! ```
//!
//! `cargo test -p schema-gen` fails when the committed file differs from a fresh
//! generation, so the data cannot silently drift from its source.
//!
//! ## Format (one line per Go type, `#` lines are comments)
//!
//! ```text
//! +apps/v1 StatefulSet StatefulSet          root: apiVersion, kind, Go type
//! StatefulSetSpec minReadySeconds:i ordinals:StatefulSetOrdinals ... volumeClaimTemplates:[PersistentVolumeClaim
//! ```
//!
//! A type line is the Go struct name, optionally `@pkg` when its Go package is not `v1`,
//! then `field:type` pairs in alphabetical order. Type codes: `s` string, `i` int32,
//! `l` int64, `b` bool, `d` float64, `o` int-or-string, `q` Quantity (string or number),
//! `t` Time / MicroTime (an RFC 3339 string), `y` `[]byte` (a base64 string), `*` any
//! JSON (RawExtension, FieldsV1, free-form objects); `[T` is an array of `T`, `{T` a map
//! with string keys and values of `T`; any other code is the name of a type line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use k8s_openapi::Resource;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value};

/// The committed output, relative to this crate.
const OUTPUT: &str = "../sts-engine/data/k8s-v1.32.schema";

/// One root kind: apiVersion, kind and the schema name of its Go type.
struct Root {
    api_version: &'static str,
    kind: &'static str,
    schema: String,
}

fn root<T: Resource + JsonSchema>(gen: &mut SchemaGenerator) -> Root {
    // Registers T and everything reachable from it in the generator's definitions.
    let _ = gen.subschema_for::<T>();
    Root {
        api_version: T::API_VERSION,
        kind: T::KIND,
        schema: T::schema_name().into_owned(),
    }
}

/// The root kinds whose manifests the playground accepts (and what they reach).
fn roots(gen: &mut SchemaGenerator) -> Vec<Root> {
    use k8s_openapi::api::{apps, core, policy, storage};
    vec![
        root::<apps::v1::StatefulSet>(gen),
        root::<apps::v1::Deployment>(gen),
        root::<apps::v1::ReplicaSet>(gen),
        root::<apps::v1::DaemonSet>(gen),
        root::<core::v1::Pod>(gen),
        root::<core::v1::Service>(gen),
        root::<core::v1::PersistentVolume>(gen),
        root::<core::v1::PersistentVolumeClaim>(gen),
        root::<storage::v1::StorageClass>(gen),
        root::<core::v1::ConfigMap>(gen),
        root::<core::v1::Secret>(gen),
        root::<core::v1::Namespace>(gen),
        root::<core::v1::ServiceAccount>(gen),
        root::<policy::v1::PodDisruptionBudget>(gen),
        root::<apps::v1::ControllerRevision>(gen),
        root::<core::v1::Node>(gen),
    ]
}

/// Definitions that are not structs on the Go side: they have their own JSON
/// unmarshallers, so they become primitive codes instead of type lines.
fn special(schema_name: &str) -> Option<&'static str> {
    match schema_name {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => Some("o"),
        "io.k8s.apimachinery.pkg.api.resource.Quantity" => Some("q"),
        "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
        | "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime" => Some("t"),
        // Both accept any JSON value (their UnmarshalJSON keeps the raw bytes).
        "io.k8s.apimachinery.pkg.runtime.RawExtension"
        | "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1" => Some("*"),
        _ => None,
    }
}

/// `io.k8s.api.apps.v1.StatefulSetSpec` -> (`v1`, `StatefulSetSpec`).
fn go_name(schema_name: &str) -> Result<(&str, &str), String> {
    let mut parts = schema_name.rsplit('.');
    match (parts.next(), parts.next()) {
        (Some(name), Some(pkg)) if !name.is_empty() && !pkg.is_empty() => Ok((pkg, name)),
        _ => Err(format!("unexpected schema name {schema_name:?}")),
    }
}

struct Gen<'a> {
    defs: &'a Map<String, Value>,
    /// Go name -> schema name, to detect two Go types with one short name.
    names: BTreeMap<String, String>,
    /// Schema names still to emit.
    todo: Vec<String>,
    seen: BTreeSet<String>,
}

impl Gen<'_> {
    /// The type code of a property schema; queues referenced struct types.
    fn code(&mut self, schema: &Value, at: &str) -> Result<String, String> {
        let obj = schema
            .as_object()
            .ok_or_else(|| format!("{at}: schema is not an object"))?;
        if let Some(r) = obj.get("$ref") {
            let r = r
                .as_str()
                .ok_or_else(|| format!("{at}: $ref is not a string"))?;
            let name = r
                .strip_prefix("#/$defs/")
                .ok_or_else(|| format!("{at}: unexpected $ref {r:?}"))?;
            return self.reference(name, at);
        }
        if obj.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
            return Ok("o".into());
        }
        if obj.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)) {
            return Ok("*".into());
        }
        let ty = obj.get("type").and_then(Value::as_str);
        let format = obj.get("format").and_then(Value::as_str);
        Ok(match (ty, format) {
            (Some("string"), None) => "s".into(),
            (Some("string"), Some("byte")) => "y".into(),
            (Some("string"), Some("date-time")) => "t".into(),
            (Some("boolean"), None) => "b".into(),
            (Some("integer"), Some("int32")) => "i".into(),
            (Some("integer"), Some("int64")) => "l".into(),
            (Some("number"), Some("double")) => "d".into(),
            (Some("array"), None) => {
                let items = obj
                    .get("items")
                    .ok_or_else(|| format!("{at}: array without items"))?;
                format!("[{}", self.code(items, at)?)
            }
            (Some("object"), None) => match obj.get("additionalProperties") {
                Some(values) => format!("{{{}", self.code(values, at)?),
                None if obj.get("properties").is_none() => "*".into(),
                None => return Err(format!("{at}: inline struct schemas are not supported")),
            },
            _ => {
                return Err(format!(
                    "{at}: unsupported schema {}",
                    Value::Object(obj.clone())
                ))
            }
        })
    }

    fn reference(&mut self, schema_name: &str, at: &str) -> Result<String, String> {
        if let Some(code) = special(schema_name) {
            return Ok(code.into());
        }
        let def = self
            .defs
            .get(schema_name)
            .ok_or_else(|| format!("{at}: no definition for {schema_name}"))?;
        if def.get("properties").is_none() {
            return Err(format!(
                "{at}: {schema_name} has no properties and is not special-cased"
            ));
        }
        let (_, name) = go_name(schema_name)?;
        match self.names.get(name) {
            Some(other) if other != schema_name => {
                return Err(format!(
                    "Go name {name} is shared by {other} and {schema_name}"
                ))
            }
            _ => {}
        }
        self.names.insert(name.to_string(), schema_name.to_string());
        if self.seen.insert(schema_name.to_string()) {
            self.todo.push(schema_name.to_string());
        }
        Ok(name.to_string())
    }

    /// One type line.
    fn line(&mut self, schema_name: &str) -> Result<String, String> {
        let def = self
            .defs
            .get(schema_name)
            .ok_or_else(|| format!("no definition for {schema_name}"))?;
        let props = def
            .get("properties")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{schema_name}: no properties"))?;
        let (pkg, name) = go_name(schema_name)?;
        let mut line = name.to_string();
        if pkg != "v1" {
            line.push('@');
            line.push_str(pkg);
        }
        let sorted: BTreeMap<&String, &Value> = props.iter().collect();
        for (field, schema) in sorted {
            if field.is_empty() || field.contains([':', ' ', '\n', '\t', '#']) {
                return Err(format!(
                    "{schema_name}: field name {field:?} cannot be written"
                ));
            }
            let code = self.code(schema, &format!("{schema_name}.{field}"))?;
            line.push(' ');
            line.push_str(field);
            line.push(':');
            line.push_str(&code);
        }
        Ok(line)
    }
}

/// The whole file, deterministic for a given k8s-openapi version.
fn generate() -> Result<String, String> {
    let mut generator = SchemaGenerator::default();
    let roots = roots(&mut generator);
    let defs = generator.definitions().clone();
    let mut gen = Gen {
        defs: &defs,
        names: BTreeMap::new(),
        todo: Vec::new(),
        seen: BTreeSet::new(),
    };

    let mut out = String::new();
    out.push_str("# Kubernetes v1.32 field schema for strict decoding. Generated by `cargo run -p schema-gen`\n");
    out.push_str("# from the k8s-openapi crate (feature v1_32); do not edit. Format: crates/schema-gen/src/main.rs.\n");
    for r in &roots {
        let name = gen.reference(&r.schema, r.kind)?;
        out.push_str(&format!("+{} {} {}\n", r.api_version, r.kind, name));
    }
    let mut lines = Vec::new();
    while let Some(schema_name) = gen.todo.pop() {
        lines.push(gen.line(&schema_name)?);
    }
    lines.sort();
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    Ok(out)
}

fn output_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(OUTPUT)
}

fn main() {
    let check = std::env::args().any(|a| a == "--check");
    let text = match generate() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("schema-gen: {e}");
            std::process::exit(1);
        }
    };
    let path = output_path();
    if check {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != text {
            eprintln!(
                "schema-gen: {} is stale; run `cargo run -p schema-gen`",
                path.display()
            );
            std::process::exit(1);
        }
        return;
    }
    if let Err(e) = std::fs::write(&path, &text) {
        eprintln!("schema-gen: cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
    let types = text.lines().filter(|l| !l.starts_with(['#', '+'])).count();
    let fields: usize = text
        .lines()
        .filter(|l| !l.starts_with(['#', '+']))
        .map(|l| l.split(' ').count() - 1)
        .sum();
    println!(
        "wrote {} ({} bytes, {types} types, {fields} fields)",
        path.display(),
        text.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed data file is exactly what the generator produces from k8s-openapi.
    #[test]
    fn committed_schema_matches_fresh_generation() {
        let fresh = generate().expect("generation succeeds");
        let committed = std::fs::read_to_string(output_path()).expect("committed schema file");
        assert!(
            committed == fresh,
            "crates/sts-engine/data/k8s-v1.32.schema is stale: run `cargo run -p schema-gen`"
        );
    }

    #[test]
    fn every_root_kind_is_declared_once() {
        let text = generate().expect("generation succeeds");
        let roots: Vec<&str> = text.lines().filter(|l| l.starts_with('+')).collect();
        assert_eq!(roots.len(), 16);
        assert!(roots.contains(&"+apps/v1 StatefulSet StatefulSet"));
        assert!(roots.contains(&"+policy/v1 PodDisruptionBudget PodDisruptionBudget"));
        assert!(roots.contains(&"+storage.k8s.io/v1 StorageClass StorageClass"));
        assert!(roots.contains(&"+v1 Pod Pod"));
    }

    #[test]
    fn special_types_become_primitives() {
        let text = generate().expect("generation succeeds");
        let line = |name: &str| {
            text.lines()
                .find(|l| l.split(' ').next() == Some(name))
                .unwrap_or_else(|| panic!("no line for {name}"))
                .to_string()
        };
        assert!(line("RollingUpdateStatefulSetStrategy").contains(" maxUnavailable:o"));
        assert!(line("ResourceRequirements").contains(" limits:{q"));
        assert!(line("ObjectMeta").contains(" creationTimestamp:t"));
        assert!(line("ManagedFieldsEntry").contains(" fieldsV1:*"));
        assert!(line("ControllerRevision").contains(" data:*"));
        assert!(line("Secret").contains(" data:{y"));
        assert!(line("StatefulSetSpec").contains(" volumeClaimTemplates:[PersistentVolumeClaim"));
    }
}
