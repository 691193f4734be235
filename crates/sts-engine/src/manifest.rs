//! Manifest streams (what a user pipes into `kubectl apply -f -`) turned into typed API
//! objects, each tagged with the line where its document starts.
//!
//! The input is a multi-document YAML stream, a JSON object (or a stream of them), or a
//! JSON/YAML `kind: List`. Documents are split on `---` lines the way kubectl's YAML reader
//! does it, so one bad document yields one error while the good ones are still returned
//! (kubectl applies the others too). Every line number reported is absolute in the stream.
//!
//! Each document is read into a position-keeping tree ([`crate::yaml`]: anchors, aliases
//! and `<<` merge keys work, scalars are typed like kubectl's YAML library, duplicate
//! keys are warnings), turned into a `serde_json::Value`, cleaned (nulls dropped like
//! Go's decoder does, `status` and server-set metadata ignored so `kubectl get -o yaml`
//! output applies again), and only then converted into the typed structs of
//! [`crate::model`]. Every error can name the line and column of the field it is about.
//!
//! Hostile input is bounded cheaply: at most [`MAX_BYTES`] of text, [`MAX_DOCUMENTS`]
//! objects, [`MAX_DEPTH`] levels of nesting and [`yaml::MAX_ALIAS_NODES`] values made by
//! alias expansion; all are checked while reading, so a bomb stops early.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::yaml::{self, NodeValue};

use crate::model::{
    Deployment, ObjectMeta, PersistentVolume, PersistentVolumeClaim, Pod, ReplicaSet, Service,
    StatefulSet, StorageClass,
};

/// The largest manifest accepted, in bytes (the API server's request limit is 3 MiB).
pub const MAX_BYTES: usize = 3 * 1024 * 1024;
/// The largest number of objects accepted in one stream.
pub const MAX_DOCUMENTS: usize = 1000;
/// The deepest nesting of mappings and sequences accepted in one document.
pub const MAX_DEPTH: usize = yaml::MAX_DEPTH;

/// The source name kubectl prints for standard input.
const SOURCE: &str = "STDIN";

/// Kinds that are accepted and stored, but not interpreted by the simulator.
const GENERIC_KINDS: &[(&str, &str)] = &[
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Namespace"),
    ("v1", "ServiceAccount"),
    ("apps/v1", "DaemonSet"),
    ("policy/v1", "PodDisruptionBudget"),
];

/// One API object read from a manifest.
// The variants are kept unboxed so callers can move them out by pattern matching; a
// handful of objects per apply makes the size difference irrelevant.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    StatefulSet(StatefulSet),
    Deployment(Deployment),
    ReplicaSet(ReplicaSet),
    Service(Service),
    PersistentVolume(PersistentVolume),
    PersistentVolumeClaim(PersistentVolumeClaim),
    StorageClass(StorageClass),
    Pod(Pod),
    /// ConfigMap, Secret, DaemonSet…: kept generically. `body` holds every top-level
    /// field except `apiVersion`, `kind`, `metadata` and `status` (e.g. `data`, `spec`).
    Other {
        api_version: String,
        kind: String,
        metadata: ObjectMeta,
        body: Value,
    },
}

impl Object {
    /// The object's kind, e.g. `StatefulSet`.
    pub fn kind(&self) -> &str {
        match self {
            Object::StatefulSet(_) => "StatefulSet",
            Object::Deployment(_) => "Deployment",
            Object::ReplicaSet(_) => "ReplicaSet",
            Object::Service(_) => "Service",
            Object::PersistentVolume(_) => "PersistentVolume",
            Object::PersistentVolumeClaim(_) => "PersistentVolumeClaim",
            Object::StorageClass(_) => "StorageClass",
            Object::Pod(_) => "Pod",
            Object::Other { kind, .. } => kind,
        }
    }

    /// The object's `apiVersion`, e.g. `apps/v1`.
    pub fn api_version(&self) -> &str {
        match self {
            Object::StatefulSet(_) | Object::Deployment(_) | Object::ReplicaSet(_) => "apps/v1",
            Object::StorageClass(_) => "storage.k8s.io/v1",
            Object::Service(_)
            | Object::PersistentVolume(_)
            | Object::PersistentVolumeClaim(_)
            | Object::Pod(_) => "v1",
            Object::Other { api_version, .. } => api_version,
        }
    }

    /// The object's metadata.
    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Object::StatefulSet(o) => &o.metadata,
            Object::Deployment(o) => &o.metadata,
            Object::ReplicaSet(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::PersistentVolume(o) => &o.metadata,
            Object::PersistentVolumeClaim(o) => &o.metadata,
            Object::StorageClass(o) => &o.metadata,
            Object::Pod(o) => &o.metadata,
            Object::Other { metadata, .. } => metadata,
        }
    }

    /// The object's metadata, mutably (e.g. to fill in the namespace).
    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::StatefulSet(o) => &mut o.metadata,
            Object::Deployment(o) => &mut o.metadata,
            Object::ReplicaSet(o) => &mut o.metadata,
            Object::Service(o) => &mut o.metadata,
            Object::PersistentVolume(o) => &mut o.metadata,
            Object::PersistentVolumeClaim(o) => &mut o.metadata,
            Object::StorageClass(o) => &mut o.metadata,
            Object::Pod(o) => &mut o.metadata,
            Object::Other { metadata, .. } => metadata,
        }
    }
}

/// One object of a stream and the 1-based line where its document starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub object: Object,
    pub line: usize,
    /// The document as written, with positions (`None` when it could not be re-read,
    /// which only happens for exotic JSON).
    pub tree: Option<yaml::Node>,
}

impl Document {
    /// Line and column of a field path of this document (`spec.replicas`), or of its
    /// deepest existing parent; the document's first line when unknown.
    pub fn position_of(&self, path: &str) -> yaml::Pos {
        match &self.tree {
            Some(t) => t.position_of(path),
            None => yaml::Pos::new(self.line, 1),
        }
    }
}

/// Why one document of a stream was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    /// 1-based line in the whole stream.
    pub line: usize,
    /// 1-based column (1 when only the document is known).
    pub column: usize,
    pub message: String,
    /// The individual problems behind `message` with their own positions (e.g. each
    /// unknown field of a strict-decoding error), for the editor to underline.
    pub causes: Vec<Cause>,
    /// Who reports it, which decides how kubectl prints it.
    pub class: ErrorClass,
}

/// Where a manifest error arises in real kubectl, which decides its printed form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ErrorClass {
    /// kubectl could not parse the text: `error: error parsing STDIN: <message>`.
    Syntax,
    /// kubectl itself refuses (decoding the kind, REST mapping): `error: <message>`.
    #[default]
    Client,
    /// The API server refuses the create (strict decoding, wrong types):
    /// `Error from server (BadRequest): error when creating "STDIN": <message>`.
    Server,
    /// `message` is already kubectl's whole output for the error (naming `STDIN`).
    Verbatim,
    /// kubectl refuses on the client and stops reading the stream: `error: <message>`.
    StopsStream,
}

/// One located problem inside a [`ManifestError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    pub line: usize,
    pub column: usize,
    /// The field path, e.g. `spec.template.spec.containers[0].imagee`.
    pub field: String,
    pub message: String,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ManifestError {}

impl ManifestError {
    fn new(line: usize, column: usize, message: impl Into<String>) -> Self {
        ManifestError {
            line,
            column,
            message: message.into(),
            causes: Vec::new(),
            class: ErrorClass::Client,
        }
    }

    fn with_class(mut self, class: ErrorClass) -> Self {
        self.class = class;
        self
    }

    /// Whether kubectl meets this error while reading the stream (`GetObjects`), before
    /// anything is sent: syntax, client-side validation, kind mapping.
    pub fn is_read_error(&self) -> bool {
        matches!(
            self.class,
            ErrorClass::Syntax | ErrorClass::Client | ErrorClass::StopsStream
        )
    }

    /// The error as kubectl prints it among several (`MultipleErrors`: no `error: `).
    pub fn kubectl_multi_message(&self, source: &str) -> String {
        let single = self.kubectl_message(source);
        match single.strip_prefix("error: ") {
            Some(rest) => rest.to_string(),
            None => single,
        }
    }

    /// The error as `kubectl apply -f <source>` prints it.
    pub fn kubectl_message(&self, source: &str) -> String {
        match self.class {
            ErrorClass::Syntax => format!("error: error parsing {source}: {}", self.message),
            ErrorClass::Client | ErrorClass::StopsStream => format!("error: {}", self.message),
            ErrorClass::Verbatim => {
                self.message
                    .replacen(&format!("{SOURCE:?}"), &format!("{source:?}"), 1)
            }
            ErrorClass::Server => format!(
                "Error from server (BadRequest): error when creating {source:?}: {}",
                self.message
            ),
        }
    }
}

/// One document as read, before typed decoding.
struct RawDoc {
    value: Value,
    /// 1-based line where the document's content starts.
    line: usize,
    tree: Option<yaml::Node>,
}

/// Everything read from a stream.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub docs: Vec<Document>,
    /// One per rejected document.
    pub errors: Vec<ManifestError>,
    /// Accepted but suspicious (duplicate keys), with positions.
    pub warnings: Vec<yaml::Warning>,
}

/// Parses a multi-document YAML stream (or a JSON object / a JSON `kind: List`). Empty
/// documents are skipped. A UTF-8 BOM and CRLF are accepted.
/// One error per bad document; good documents are still returned (like kubectl, which
/// applies the others).
pub fn parse_stream(text: &str) -> (Vec<Document>, Vec<ManifestError>) {
    let p = parse(text);
    (p.docs, p.errors)
}

/// [`parse_stream`] with the warnings (duplicate keys) too.
pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    if text.len() > MAX_BYTES {
        parsed.errors.push(ManifestError::new(
            1,
            1,
            "manifest is larger than the 3 MiB limit",
        ));
        return parsed;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // CRLF is normalised once so that the `---` splitting and the columns agree.
    let owned;
    let text = if text.contains('\r') {
        owned = text.replace("\r\n", "\n");
        owned.as_str()
    } else {
        text
    };

    let raw = if text.trim_start().starts_with('{') {
        read_json_stream(text, &mut parsed.errors, &mut parsed.warnings)
    } else {
        read_yaml_stream(text, &mut parsed.errors, &mut parsed.warnings)
    };

    for doc in raw {
        let line = doc.line;
        for result in decode_document(doc.value, line, doc.tree) {
            match result {
                Ok((object, tree)) => {
                    if parsed.docs.len() >= MAX_DOCUMENTS {
                        let msg = format!("manifest has more than {MAX_DOCUMENTS} objects");
                        return Parsed {
                            errors: vec![ManifestError::new(line, 1, msg)],
                            ..Parsed::default()
                        };
                    }
                    parsed.docs.push(Document { object, line, tree });
                }
                Err(e) => {
                    let stop = e.class == ErrorClass::StopsStream;
                    parsed.errors.push(e);
                    if stop {
                        return parsed;
                    }
                }
            }
        }
    }
    parsed
}

/// Bytes (a file) into text, or kubectl-style error naming the first invalid byte.
pub fn text_of(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, ManifestError> {
    yaml::utf8(bytes).map_err(|e| {
        ManifestError::new(e.pos.line, e.pos.column, e.message).with_class(ErrorClass::Syntax)
    })
}

// ---------------------------------------------------------------------------------------
// Reading the stream

/// Splits the YAML stream on `---` lines (kubectl's rule: the line starts with `---` and
/// holds nothing else but whitespace, or here also a comment) and parses every chunk.
fn read_yaml_stream(
    text: &str,
    errors: &mut Vec<ManifestError>,
    warnings: &mut Vec<yaml::Warning>,
) -> Vec<RawDoc> {
    let mut out = Vec::new();
    let mut chunk_start = 0usize;
    let mut chunk_line = 1usize;
    let mut offset = 0usize;
    let mut chunks: Vec<(&str, usize)> = Vec::new();
    for (line_no, line) in (1usize..).zip(text.split_inclusive('\n')) {
        // A trailing comment (`--- # db`) is allowed too; a YAML parser would read it as
        // a document start anyway.
        let is_separator = line.strip_prefix("---").is_some_and(|rest| {
            let rest_trimmed = rest.trim_start_matches([' ', '\t']);
            rest_trimmed.trim_end_matches('\n').is_empty()
                || (rest_trimmed.len() < rest.len() && rest_trimmed.starts_with('#'))
        });
        if is_separator {
            chunks.push((&text[chunk_start..offset], chunk_line));
            chunk_start = offset + line.len();
            chunk_line = line_no + 1;
        }
        offset += line.len();
    }
    chunks.push((&text[chunk_start..], chunk_line));

    for (chunk, first_line) in chunks {
        // A chunk of blank lines and comments is an empty document: skipped.
        let Some(content_line) = first_content_line(chunk) else {
            continue;
        };
        let line = first_line + content_line;
        if out.len() > MAX_DOCUMENTS {
            errors.push(ManifestError::new(
                line,
                1,
                format!("manifest has more than {MAX_DOCUMENTS} objects"),
            ));
            return Vec::new();
        }
        let offset = yaml::Offset {
            lines: first_line - 1,
            columns: 0,
        };
        let nodes = match yaml::parse(chunk, offset, warnings) {
            Ok(nodes) => nodes,
            Err(e) => {
                // kubectl's stream reader stops at a syntax error: the documents before
                // it are applied, the ones after it are not even read.
                errors.push(yaml_error(&e, first_line, chunk));
                return out;
            }
        };
        for node in nodes {
            if node.value == NodeValue::Null {
                continue;
            }
            match node.to_json() {
                Ok(value) => out.push(RawDoc {
                    value,
                    line,
                    tree: Some(node),
                }),
                Err(e) => errors.push(yaml_error(&e, first_line, chunk)),
            }
        }
    }
    out
}

/// The 0-based index of the first line of `chunk` that is neither blank nor a comment.
fn first_content_line(chunk: &str) -> Option<usize> {
    chunk.lines().position(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

/// kubectl's wording for a YAML error: `sigs.k8s.io/yaml` wraps go-yaml v2's message
/// ([`yaml::YamlError::go_message`]); kubectl parses each `---` document on its own, so
/// lines count from the document's first line. The error's own position stays absolute,
/// for the editor.
fn yaml_error(e: &yaml::YamlError, first_line: usize, chunk: &str) -> ManifestError {
    ManifestError::new(
        e.pos.line,
        e.pos.column,
        format!(
            "error converting YAML to JSON: {}",
            e.go_message(chunk, first_line)
        ),
    )
    .with_class(ErrorClass::Syntax)
}

/// Reads a stream of JSON values (kubectl treats input starting with `{` as JSON).
fn read_json_stream(
    text: &str,
    errors: &mut Vec<ManifestError>,
    warnings: &mut Vec<yaml::Warning>,
) -> Vec<RawDoc> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    // Line and column bookkeeping is incremental so the whole pass stays linear.
    let mut counted_to = 0usize;
    let mut line = 1usize;
    let mut line_start = 0usize;
    loop {
        let before = stream.byte_offset();
        let start = before + text[before..].len() - text[before..].trim_start().len();
        for (i, b) in text.as_bytes()[counted_to..start].iter().enumerate() {
            if *b == b'\n' {
                line += 1;
                line_start = counted_to + i + 1;
            }
        }
        counted_to = start;
        let column = text[line_start..start].chars().count() + 1;
        match stream.next() {
            None => break,
            Some(Ok(value)) => {
                if out.len() > MAX_DOCUMENTS {
                    errors.push(ManifestError::new(
                        line,
                        column,
                        format!("manifest has more than {MAX_DOCUMENTS} objects"),
                    ));
                    return Vec::new();
                }
                let end = stream.byte_offset();
                // The same text read again as YAML (JSON is YAML's flow style) only to
                // learn where every field is; it also enforces the depth limit.
                let offset = yaml::Offset {
                    lines: line - 1,
                    columns: column - 1,
                };
                let tree = match yaml::parse(&text[start..end], offset, warnings) {
                    Ok(mut nodes) if nodes.len() == 1 => nodes.pop(),
                    Err(e) if e.message.contains("nested deeper") => {
                        errors.push(
                            ManifestError::new(e.pos.line, e.pos.column, e.message)
                                .with_class(ErrorClass::Syntax),
                        );
                        continue;
                    }
                    _ => None,
                };
                if tree.is_none() {
                    if let Some(msg) = too_deep(&value) {
                        errors.push(ManifestError::new(line, column, msg));
                        continue;
                    }
                }
                out.push(RawDoc { value, line, tree });
            }
            Some(Err(e)) => {
                let mut msg = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                if let Some(stripped) = msg.strip_suffix(&suffix) {
                    msg = stripped.to_string();
                }
                if msg.contains("recursion limit exceeded") {
                    msg = format!("document is nested deeper than {MAX_DEPTH} levels ({msg})");
                }
                errors.push(
                    ManifestError::new(e.line().max(1), e.column().max(1), msg)
                        .with_class(ErrorClass::Syntax),
                );
                // A JSON stream cannot be resynchronised after a syntax error.
                break;
            }
        }
    }
    out
}

/// Returns an error message when `value` nests deeper than [`MAX_DEPTH`] (iterative).
fn too_deep(value: &Value) -> Option<String> {
    let mut stack = vec![(value, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(a) => Box::new(a.iter()),
            Value::Object(o) => Box::new(o.values()),
            _ => continue,
        };
        if depth + 1 > MAX_DEPTH {
            return Some(format!("document is nested deeper than {MAX_DEPTH} levels"));
        }
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    None
}

// ---------------------------------------------------------------------------------------
// Decoding one document

/// Decodes one document; a `kind: List` yields one result per item.
fn decode_document(
    value: Value,
    line: usize,
    tree: Option<yaml::Node>,
) -> Vec<Result<(Object, Option<yaml::Node>), ManifestError>> {
    // kubectl validates every document on the client before decoding it
    // (`paramVerifyingSchema.ValidateBytes` → `GetObjectKind`), and a failure stops the
    // stream (`StreamVisitor.Visit` returns it).
    let Value::Object(map) = &value else {
        return vec![Err(validate_error(line, "invalid object to validate"))];
    };
    let missing: Vec<&str> = [
        ("apiVersion", "apiVersion not set"),
        ("kind", "kind not set"),
    ]
    .into_iter()
    .filter(|(k, _)| {
        map.get(*k)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
    })
    .map(|(_, m)| m)
    .collect();
    match missing.as_slice() {
        [] => {}
        [one] => return vec![Err(validate_error(line, one))],
        many => return vec![Err(validate_error(line, &format!("[{}]", many.join(", "))))],
    }
    if map.get("kind").and_then(Value::as_str) == Some("List") {
        let items = match map.get("items") {
            Some(Value::Array(items)) => items.clone(),
            None => Vec::new(),
            Some(_) => {
                return vec![Err(ManifestError::new(
                    line,
                    1,
                    "List: items must be an array",
                ))];
            }
        };
        return items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let item_tree = tree
                    .as_ref()
                    .and_then(|t| t.get(&format!("items[{i}]")))
                    .cloned();
                let item_line = item_tree.as_ref().map_or(line, |t| t.pos.line);
                if item.get("kind").and_then(Value::as_str) == Some("List") {
                    Err(ManifestError::new(
                        item_line,
                        1,
                        "a List inside a List is not supported",
                    ))
                } else {
                    decode_object(item, item_line, item_tree)
                }
            })
            .collect();
    }
    vec![decode_object(value, line, tree)]
}

/// kubectl's client-side validation error (`ValidateSchema`'s `stopValidateMessage`).
fn validate_error(line: usize, detail: &str) -> ManifestError {
    ManifestError::new(
        line,
        1,
        format!(
            "error validating {SOURCE:?}: error validating data: {detail}; if you choose to ignore these errors, turn validation off with --validate=false"
        ),
    )
    .with_class(ErrorClass::StopsStream)
}

/// Removes every `key: null` from every mapping, like Go's decoder leaves a zero value.
fn drop_nulls(value: &mut Value) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                map.retain(|_, v| !v.is_null());
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// Decodes one object (not a List) into its typed form.
fn decode_object(
    mut value: Value,
    line: usize,
    tree: Option<yaml::Node>,
) -> Result<(Object, Option<yaml::Node>), ManifestError> {
    drop_nulls(&mut value);
    let Value::Object(mut map) = value else {
        return Err(ManifestError::new(line, 1, "List item is not an object"));
    };
    let kind = map
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let api_version = map
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if kind.is_empty() {
        let json = abbreviated_json(&map);
        return Err(ManifestError::new(
            line,
            1,
            format!("unable to decode \"{SOURCE}\": Object 'Kind' is missing in '{json}'"),
        ));
    }
    if api_version.is_empty() {
        let json = abbreviated_json(&map);
        return Err(ManifestError::new(
            line,
            1,
            format!("unable to decode \"{SOURCE}\": Object 'apiVersion' is missing in '{json}'"),
        ));
    }

    // Strict field validation (kubectl's default `--validate=strict`): unknown fields and
    // wrong JSON types anywhere in the object, checked against the v1.32 schema
    // ([`crate::schema`]) before anything is decoded. Kinds outside the schema pass.
    if let Some(e) = strict_check(&map, &api_version, &kind, line, tree.as_ref()) {
        return Err(e);
    }

    // `status` is owned by the server and never read from input (F-1, F-2).
    map.remove("status");
    if !map.get("metadata").is_some_and(Value::is_object) {
        map.insert("metadata".into(), Value::Object(Map::new()));
    }

    let ctx = Ctx {
        kind: &kind,
        api_version: &api_version,
        line,
        tree: tree.as_ref(),
    };
    let mut object = match (api_version.as_str(), kind.as_str()) {
        ("apps/v1", "StatefulSet") => Object::StatefulSet(ctx.typed(with_spec(map))?),
        ("apps/v1", "Deployment") => Object::Deployment(ctx.typed(with_spec(map))?),
        ("apps/v1", "ReplicaSet") => Object::ReplicaSet(ctx.typed(with_spec(map))?),
        ("v1", "Service") => {
            let mut svc: Service = ctx.typed(with_spec(map))?;
            // model.rs spells the field `clusterIp` (serde camelCase) while manifests say
            // `clusterIP`, which therefore lands in `extra`: move it where it belongs.
            if let Some(Value::String(ip)) = svc.spec.extra.remove("clusterIP") {
                svc.spec.cluster_ip = Some(ip);
            }
            Object::Service(svc)
        }
        ("v1", "PersistentVolume") => Object::PersistentVolume(ctx.typed(with_spec(map))?),
        ("v1", "PersistentVolumeClaim") => {
            Object::PersistentVolumeClaim(ctx.typed(with_spec(map))?)
        }
        ("v1", "Pod") => Object::Pod(ctx.typed(with_spec(map))?),
        ("storage.k8s.io/v1", "StorageClass") => Object::StorageClass(ctx.typed(map)?),
        // A Node is kept generically here and registered by `World::try_apply` (a
        // node joining the cluster); see `World::apply_node`.
        (v, k) if GENERIC_KINDS.contains(&(v, k)) || (v, k) == ("v1", "Node") => {
            let metadata: ObjectMeta =
                ctx.typed(map.remove("metadata").unwrap_or(Value::Object(Map::new())))?;
            map.remove("apiVersion");
            map.remove("kind");
            Object::Other {
                api_version: api_version.clone(),
                kind: kind.clone(),
                metadata,
                body: Value::Object(map),
            }
        }
        _ => {
            let name = map
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let ns = map
                .get("metadata")
                .and_then(|m| m.get("namespace"))
                .and_then(Value::as_str)
                .unwrap_or("");
            return Err(ManifestError::new(
                line,
                1,
                format!(
                    "resource mapping not found for name: {name:?} namespace: {ns:?} from {SOURCE:?}: no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first"
                ),
            ));
        }
    };
    clear_server_fields(object.meta_mut());
    Ok((object, tree))
}

/// The API server's strict-decoding verdict on one object, with each reported field
/// located for the editor.
fn strict_check(
    map: &Map<String, Value>,
    api_version: &str,
    kind: &str,
    line: usize,
    tree: Option<&yaml::Node>,
) -> Option<ManifestError> {
    use crate::schema::{self, Problem, Verb};
    // The schema only knows the kinds the simulator reads; others are accepted as is.
    let value = Value::Object(map.clone());
    let issues = schema::check(api_version, kind, &value)?;
    let message = schema::strict_error_message(api_version, kind, SOURCE, Verb::Creating, &issues)?;
    let locate = |path: &str| match tree {
        Some(t) => t.position_of(path),
        None => yaml::Pos::new(line, 1),
    };
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    let reported = schema::reported_on_create(&issues);
    let causes: Vec<Cause> = reported
        .iter()
        .map(|i| {
            let pos = locate(&i.path);
            let message = match i.problem {
                Problem::Unknown => format!(
                    "{kind} in version {version:?} cannot be handled as a {kind}: strict decoding error: unknown field {:?}",
                    i.path
                ),
                // The editor shows the server's own text, without kubectl's
                // `Error from server (BadRequest): error when creating "STDIN": `.
                Problem::WrongType { .. } => message
                    .split_once(&format!("error when creating {SOURCE:?}: "))
                    .map_or(message.clone(), |(_, rest)| rest.to_string()),
            };
            Cause {
                line: pos.line,
                column: pos.column,
                field: i.path.clone(),
                message,
            }
        })
        .collect();
    let first = causes.first().map_or(yaml::Pos::new(line, 1), |c| {
        yaml::Pos::new(c.line, c.column)
    });
    let mut e =
        ManifestError::new(first.line, first.column, message).with_class(ErrorClass::Verbatim);
    e.causes = causes;
    Some(e)
}

/// Adds an empty `spec` when the document has none, so validation (not decoding)
/// reports what is missing.
fn with_spec(mut map: Map<String, Value>) -> Map<String, Value> {
    if !map.get("spec").is_some_and(Value::is_object) {
        map.insert("spec".into(), Value::Object(Map::new()));
    }
    map
}

/// Forgets server-set metadata found in the input (uid, resourceVersion, generation;
/// creationTimestamp, managedFields and selfLink are not even typed).
fn clear_server_fields(meta: &mut ObjectMeta) {
    meta.uid.clear();
    meta.resource_version.clear();
    meta.generation = 0;
}

/// The compact JSON of a document for an error message, cut after 500 characters.
fn abbreviated_json(map: &Map<String, Value>) -> String {
    let json = serde_json::to_string(map).unwrap_or_default();
    match json.char_indices().nth(500) {
        Some((i, _)) => format!("{}...", &json[..i]),
        None => json,
    }
}

/// What a typed conversion needs to report an error well.
struct Ctx<'a> {
    kind: &'a str,
    api_version: &'a str,
    line: usize,
    tree: Option<&'a yaml::Node>,
}

impl Ctx<'_> {
    /// Converts into `T`; on failure names the field path and its line and column.
    fn typed<T: DeserializeOwned>(&self, value: impl Into<Value>) -> Result<T, ManifestError> {
        let value: Value = value.into();
        let err = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        };
        let version = self
            .api_version
            .rsplit('/')
            .next()
            .unwrap_or(self.api_version);
        let path = err.path().to_string();
        let inner = err.inner().to_string();
        let path = if path == "." { String::new() } else { path };
        let pos = match (self.tree, path.is_empty()) {
            (Some(t), false) => t.position_of(&path),
            _ => yaml::Pos::new(self.line, 1),
        };
        let shown = if path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        Err(ManifestError::new(
            pos.line,
            pos.column,
            format!(
                "{} in version {version:?} cannot be handled as a {}: {shown}{inner}",
                self.kind, self.kind
            ),
        )
        .with_class(ErrorClass::Server))
    }
}

// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Quantity;

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
        image: registry.k8s.io/nginx-slim:0.24
";

    fn one(text: &str) -> Object {
        let (docs, errs) = parse_stream(text);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(docs.len(), 1);
        docs.into_iter()
            .next()
            .map(|d| d.object)
            .unwrap_or_else(|| unreachable!())
    }

    fn sts(o: Object) -> StatefulSet {
        match o {
            Object::StatefulSet(s) => s,
            other => panic!("not a StatefulSet: {other:?}"),
        }
    }

    #[test]
    fn parses_a_statefulset() {
        let s = sts(one(STS));
        assert_eq!(s.metadata.name, "web");
        assert_eq!(s.spec.replicas, Some(3));
        assert_eq!(
            s.spec.template.spec.containers[0].image,
            "registry.k8s.io/nginx-slim:0.24"
        );
    }

    #[test]
    fn multi_document_stream_with_empty_documents_and_lines() {
        let text = format!(
            "---\n# just a comment\n---\n\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  clusterIP: None\n---\n---\n{STS}---\n"
        );
        let (docs, errs) = parse_stream(&text);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].object.kind(), "Service");
        assert_eq!(docs[0].line, 6);
        assert_eq!(docs[1].object.kind(), "StatefulSet");
        assert_eq!(docs[1].line, 14);
    }

    #[test]
    fn headless_service_cluster_ip_is_typed() {
        let o = one("apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  clusterIP: None\n  selector:\n    app: nginx\n");
        match o {
            Object::Service(s) => {
                assert!(s.headless());
                assert!(!s.spec.extra.contains_key("clusterIP"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn brackets_in_scalars_are_not_nesting_but_real_nesting_is_bounded() {
        let text = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: echo {}\n  b: \"{}\"\n  c: '{}'\n",
            "[".repeat(500),
            "[".repeat(500),
            "]".repeat(500)
        );
        let (docs, errs) = parse_stream(&text);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(docs.len(), 1);
        // Closing brackets hidden in quotes do not hide real nesting.
        let sneaky = format!("a: {}\n", "[ \"]\", ".repeat(300));
        let (docs, errs) = parse_stream(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n{sneaky}"
        ));
        assert!(docs.is_empty());
        assert_eq!(errs[0].line, 5);
        assert!(errs[0].message.contains("nested deeper"), "{}", errs[0]);
    }

    #[test]
    fn separator_with_a_comment_splits() {
        let text = format!("--- # the set\n{STS}--- # again\n{STS}");
        let (docs, errs) = parse_stream(&text);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            docs.iter().map(|d| d.line).collect::<Vec<_>>(),
            [2, STS.lines().count() + 3]
        );
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let text = format!("\u{feff}{}", STS.replace('\n', "\r\n"));
        let s = sts(one(&text));
        assert_eq!(s.metadata.name, "web");
        assert_eq!(s.spec.service_name, "nginx");
    }

    #[test]
    fn anchors_and_merge_keys_work() {
        let text = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  labels: &labels
    app: web
spec:
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels:
        <<: *labels
        tier: db
    spec:
      containers:
      - &c
        name: a
        image: nginx
      - <<: *c
        name: b
";
        let s = sts(one(text));
        assert_eq!(
            s.spec.selector.as_ref().map(|s| s.match_labels.len()),
            Some(1)
        );
        assert_eq!(
            s.spec
                .template
                .metadata
                .labels
                .get("app")
                .map(String::as_str),
            Some("web")
        );
        assert_eq!(
            s.spec
                .template
                .metadata
                .labels
                .get("tier")
                .map(String::as_str),
            Some("db")
        );
        assert_eq!(s.spec.template.spec.containers[1].name, "b");
        assert_eq!(s.spec.template.spec.containers[1].image, "nginx");
    }

    #[test]
    fn kubectl_get_output_with_status_and_managed_fields_applies() {
        let text = r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"apps/v1","kind":"StatefulSet"}
  creationTimestamp: "2024-05-01T10:00:00Z"
  generation: 4
  managedFields:
  - apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:spec:
        f:replicas: {}
    manager: kubectl-client-side-apply
    operation: Update
    time: "2024-05-01T10:00:00Z"
  name: web
  namespace: default
  resourceVersion: "12345"
  selfLink: /apis/apps/v1/namespaces/default/statefulsets/web
  uid: 0b5c3c1e-4a8b-4f54-9d0b-3c6f1d9d1b11
spec:
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Retain
    whenScaled: Retain
  podManagementPolicy: OrderedReady
  replicas: 2
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: nginx
  serviceName: nginx
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: nginx
    spec:
      containers:
      - image: nginx:1.25
        imagePullPolicy: IfNotPresent
        name: nginx
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
  updateStrategy:
    rollingUpdate:
      partition: 0
    type: RollingUpdate
  volumeClaimTemplates:
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      creationTimestamp: null
      name: www
    spec:
      accessModes:
      - ReadWriteOnce
      resources:
        requests:
          storage: 1Gi
      volumeMode: Filesystem
    status:
      phase: Pending
status:
  availableReplicas: 2
  collisionCount: 0
  currentReplicas: 2
  currentRevision: web-6c5f8d9b7
  observedGeneration: 4
  readyReplicas: 2
  replicas: 2
  updateRevision: web-6c5f8d9b7
  updatedReplicas: 2
"#;
        let s = sts(one(text));
        assert_eq!(s.metadata.uid, "");
        assert_eq!(s.metadata.resource_version, "");
        assert_eq!(s.metadata.generation, 0);
        assert_eq!(s.status, Default::default());
        assert_eq!(s.metadata.namespace, "default");
        assert_eq!(
            s.spec.volume_claim_templates[0].spec.requested_bytes(),
            1 << 30
        );
    }

    #[test]
    fn numeric_quantity_is_accepted() {
        let text = STS.replace(
            "        image: registry.k8s.io/nginx-slim:0.24\n",
            "        image: nginx\n        resources:\n          requests:\n            cpu: 1\n            memory: 0.5\n",
        );
        let s = sts(one(&text));
        let r = s.spec.template.spec.containers[0]
            .resources
            .clone()
            .unwrap_or_default();
        assert_eq!(r.requests.get("cpu"), Some(&Quantity::Int(1)));
        assert_eq!(r.requests.get("memory"), Some(&Quantity::Float(0.5)));
    }

    #[test]
    fn unknown_kind_or_version_is_kubectls_mapping_error() {
        let text = STS.replace("apps/v1", "apps/v1beta3");
        let (docs, errs) = parse_stream(&text);
        assert!(docs.is_empty());
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].message,
            "resource mapping not found for name: \"web\" namespace: \"\" from \"STDIN\": no matches for kind \"StatefulSet\" in version \"apps/v1beta3\"\nensure CRDs are installed first"
        );
        assert_eq!(errs[0].line, 1);
    }

    #[test]
    fn good_documents_survive_a_bad_one() {
        let text = format!("apiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n---\n{STS}");
        let (docs, errs) = parse_stream(&text);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].line, 6);
        assert_eq!(errs.len(), 1);
        assert!(errs[0]
            .message
            .contains("no matches for kind \"Widget\" in version \"v1\""));
    }

    #[test]
    fn missing_kind_is_reported() {
        let (docs, errs) = parse_stream("apiVersion: v1\nmetadata:\n  name: x\n");
        assert!(docs.is_empty());
        assert_eq!(
            errs[0].message,
            "error validating \"STDIN\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false"
        );
    }

    #[test]
    fn syntax_error_line_is_absolute_in_the_stream() {
        // Line 25 of the stream (line 5 of the second document) is broken.
        let bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata: a: b\n";
        let text = format!("{STS}---\n{bad}");
        let (docs, errs) = parse_stream(&text);
        assert_eq!(docs.len(), 1);
        assert_eq!(errs.len(), 1);
        let first = STS.lines().count() + 2;
        assert_eq!(errs[0].line, first + 4, "{}", errs[0]);
        assert!(
            errs[0].message.contains("mapping values are not allowed"),
            "{}",
            errs[0]
        );
        assert!(
            !errs[0].message.contains(" at line 5 column"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn type_error_points_at_the_field() {
        let text = format!(
            "{}---\n{}",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
            STS.replace("replicas: 3", "replicas: three")
        );
        let (docs, errs) = parse_stream(&text);
        assert_eq!(docs.len(), 1);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 6 + 6, "{}", errs[0]);
        assert!(
            errs[0].message
                == "Error from server (BadRequest): error when creating \"STDIN\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32",
            "{}",
            errs[0]
        );
    }

    #[test]
    fn json_object_and_list() {
        let text = r#"{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}},
 {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"www-web-0"},
  "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}
]}
{"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx"},"spec":{"clusterIP":"None"}}"#;
        let (docs, errs) = parse_stream(text);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].object.kind(), "ConfigMap");
        match &docs[0].object {
            Object::Other { body, .. } => assert_eq!(body["data"]["k"], "v"),
            o => panic!("{o:?}"),
        }
        assert_eq!(docs[1].object.kind(), "PersistentVolumeClaim");
        assert_eq!(docs[2].object.kind(), "Service");
        assert_eq!(docs[2].line, 6);
    }

    #[test]
    fn yaml_list_from_kubectl_get() {
        let text = "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n  spec:\n    containers:\n    - name: c\n      image: busybox\n  status:\n    phase: Running\nkind: List\nmetadata:\n  resourceVersion: \"\"\n";
        let (docs, errs) = parse_stream(text);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(docs.len(), 1);
        match &docs[0].object {
            Object::Pod(p) => assert_eq!(p.status.phase, ""),
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn null_fields_are_like_missing_ones() {
        let text = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: x\n  labels:\nspec:\n  accessModes:\n  resources:\n";
        let o = one(text);
        assert_eq!(o.meta().name, "x");
    }

    #[test]
    fn oversized_input_is_rejected() {
        let text = "#".repeat(MAX_BYTES + 1);
        let (docs, errs) = parse_stream(&text);
        assert!(docs.is_empty());
        assert_eq!(errs[0].message, "manifest is larger than the 3 MiB limit");
    }

    #[test]
    fn too_many_documents_are_rejected() {
        let one_cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n";
        let (docs, errs) = parse_stream(&one_cm.repeat(MAX_DOCUMENTS + 1));
        assert!(docs.is_empty());
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("more than 1000"));
        let (docs, errs) = parse_stream(&one_cm.repeat(MAX_DOCUMENTS));
        assert_eq!((docs.len(), errs.len()), (MAX_DOCUMENTS, 0));
    }

    #[test]
    fn billion_laughs_fails_quickly() {
        let text = "apiVersion: v1
kind: ConfigMap
metadata:
  name: lol
data:
  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
";
        let (docs, errs) = parse_stream(text);
        assert!(docs.is_empty());
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].message.contains("excessive aliasing") && errs[0].line == 11,
            "{}",
            errs[0]
        );
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        // Flow style, far beyond any recursion limit.
        let flow = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (docs, errs) = parse_stream(&flow);
        assert!(docs.is_empty());
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("nested deeper"), "{}", errs[0]);
        // Block style, just past the limit of 100 (so below serde's 128).
        let mut block =
            String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n");
        for i in 0..110 {
            block.push_str(&" ".repeat(i + 1));
            block.push_str("k:\n");
        }
        block.push_str(&" ".repeat(112));
        block.push_str("v: 1\n");
        let (docs, errs) = parse_stream(&block);
        assert!(docs.is_empty());
        assert!(
            errs[0].message.contains("nested deeper than 100"),
            "{}",
            errs[0]
        );
        // JSON.
        let json = format!("{{\"a\":{}{}}}", "[".repeat(50_000), "]".repeat(50_000));
        let (docs, errs) = parse_stream(&json);
        assert!(docs.is_empty());
        assert!(errs[0].message.contains("nested deeper"), "{}", errs[0]);
        let json = format!(
            "{{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"a\":{}{}}}",
            "[".repeat(110),
            "]".repeat(110)
        );
        let (_, errs) = parse_stream(&json);
        assert!(
            errs[0].message.contains("nested deeper than 100"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn scalar_document_is_an_error() {
        let (docs, errs) = parse_stream("hello\n");
        assert!(docs.is_empty());
        assert!(
            errs[0].message.contains("invalid object to validate"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn separator_with_trailing_spaces_splits() {
        let text = format!("{STS}---   \n{STS}");
        let (docs, errs) = parse_stream(&text);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].line, STS.lines().count() + 2);
    }
}
