//! Manifest streams (what a user pipes into `kubectl apply -f -`) turned into typed API
//! objects, each tagged with the line where its document starts.
//!
//! The input is a multi-document YAML stream, a JSON object (or a stream of them), or a
//! JSON/YAML `kind: List`. Documents are split on `---` lines the way kubectl's YAML reader
//! does it, so one bad document yields one error while the good ones are still returned
//! (kubectl applies the others too). Every line number reported is absolute in the stream.
//!
//! Each document is parsed into a `serde_json::Value` first (through `serde_yaml_ng`, so
//! anchors, aliases and `<<` merge keys work), cleaned (nulls dropped like Go's decoder
//! does, `status` and server-set metadata ignored so `kubectl get -o yaml` output applies
//! again), and only then converted into the typed structs of [`crate::model`].
//!
//! Hostile input is bounded cheaply: at most [`MAX_BYTES`] of text, [`MAX_DOCUMENTS`]
//! objects and [`MAX_DEPTH`] levels of nesting; alias expansion is bounded by
//! `serde_yaml_ng`'s repetition limit ("billion laughs" fails fast), and its recursion
//! limit (128) stops deep nesting before the stack is at risk.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::model::{
    ObjectMeta, PersistentVolume, PersistentVolumeClaim, Pod, Service, StatefulSet, StorageClass,
};

/// The largest manifest accepted, in bytes (the API server's request limit is 3 MiB).
pub const MAX_BYTES: usize = 3 * 1024 * 1024;
/// The largest number of objects accepted in one stream.
pub const MAX_DOCUMENTS: usize = 1000;
/// The deepest nesting of mappings and sequences accepted in one document.
pub const MAX_DEPTH: usize = 100;

/// The source name kubectl prints for standard input.
const SOURCE: &str = "STDIN";

/// Kinds that are accepted and stored, but not interpreted by the simulator.
const GENERIC_KINDS: &[(&str, &str)] = &[
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Namespace"),
    ("v1", "ServiceAccount"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
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
    Service(Service),
    PersistentVolume(PersistentVolume),
    PersistentVolumeClaim(PersistentVolumeClaim),
    StorageClass(StorageClass),
    Pod(Pod),
    /// ConfigMap, Secret, Deployment…: kept generically. `body` holds every top-level
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
            Object::StatefulSet(_) => "apps/v1",
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
}

/// Why one document of a stream was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    /// 1-based line in the whole stream.
    pub line: usize,
    /// 1-based column (1 when only the document is known).
    pub column: usize,
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
        }
    }
}

/// Where a parsed document came from, kept so a typed-conversion error can be located.
struct RawDoc<'a> {
    value: Value,
    /// 1-based line where the document's content starts.
    line: usize,
    /// The document's own text when it can be re-read alone to locate an error.
    source: Option<Source<'a>>,
}

/// The text of one document and how to map its positions back to the stream.
#[derive(Clone, Copy)]
enum Source<'a> {
    /// A YAML chunk holding exactly this one document; its first line is stream line
    /// `first_line`.
    Yaml { text: &'a str, first_line: usize },
    /// A JSON value starting at stream line `line`, column `column`.
    Json {
        text: &'a str,
        line: usize,
        column: usize,
    },
}

/// Parses a multi-document YAML stream (or a JSON object / a JSON `kind: List`). Empty
/// documents are skipped. A UTF-8 BOM and CRLF are accepted.
/// One error per bad document; good documents are still returned (like kubectl, which
/// applies the others).
pub fn parse_stream(text: &str) -> (Vec<Document>, Vec<ManifestError>) {
    if text.len() > MAX_BYTES {
        return (
            Vec::new(),
            vec![ManifestError::new(
                1,
                1,
                "manifest is larger than the 3 MiB limit",
            )],
        );
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

    let mut errors = Vec::new();
    let raw = if text.trim_start().starts_with('{') {
        read_json_stream(text, &mut errors)
    } else {
        read_yaml_stream(text, &mut errors)
    };

    let mut docs = Vec::new();
    for doc in raw {
        let line = doc.line;
        let source = doc.source;
        for result in decode_document(doc.value, line, source) {
            match result {
                Ok(object) => {
                    if docs.len() >= MAX_DOCUMENTS {
                        let msg = format!("manifest has more than {MAX_DOCUMENTS} objects");
                        return (Vec::new(), vec![ManifestError::new(line, 1, msg)]);
                    }
                    docs.push(Document { object, line });
                }
                Err(e) => errors.push(e),
            }
        }
    }
    (docs, errors)
}

// ---------------------------------------------------------------------------------------
// Reading the stream

/// Splits the YAML stream on `---` lines (kubectl's rule: the line starts with `---` and
/// holds nothing else but whitespace, or here also a comment) and parses every chunk.
fn read_yaml_stream<'a>(text: &'a str, errors: &mut Vec<ManifestError>) -> Vec<RawDoc<'a>> {
    let mut out = Vec::new();
    let mut chunk_start = 0usize;
    let mut chunk_line = 1usize;
    let mut offset = 0usize;
    let mut chunks: Vec<(&str, usize)> = Vec::new();
    for (line_no, line) in (1usize..).zip(text.split_inclusive('\n')) {
        // A trailing comment (`--- # db`) is allowed too; libyaml would read it as a
        // document start anyway.
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
        if out.len() > MAX_DOCUMENTS {
            errors.push(ManifestError::new(
                first_line + content_line,
                1,
                format!("manifest has more than {MAX_DOCUMENTS} objects"),
            ));
            return Vec::new();
        }
        // libyaml's cost grows with the square of the flow nesting depth: refuse
        // absurd depths before it sees them.
        if let Some(deep_line) = flow_depth_exceeds(chunk, FLOW_SCAN_LIMIT) {
            errors.push(ManifestError::new(
                first_line + deep_line,
                1,
                format!("document is nested deeper than {MAX_DEPTH} levels"),
            ));
            continue;
        }
        let mut parsed = Vec::new();
        for de in serde_yaml_ng::Deserializer::from_str(chunk) {
            match serde_yaml_ng::Value::deserialize(de) {
                Ok(v) => parsed.push(v),
                Err(e) => {
                    errors.push(yaml_error(&e, first_line, first_line + content_line));
                    break;
                }
            }
        }
        let single = parsed.len() == 1;
        for mut value in parsed {
            if value.is_null() {
                continue;
            }
            let line = first_line + content_line;
            if let Err(e) = value.apply_merge() {
                errors.push(ManifestError::new(
                    line,
                    1,
                    format!("error converting YAML to JSON: {e}"),
                ));
                continue;
            }
            match yaml_to_json(value, 0) {
                Ok(json) => out.push(RawDoc {
                    value: json,
                    line,
                    source: single.then_some(Source::Yaml {
                        text: chunk,
                        first_line,
                    }),
                }),
                Err(msg) => errors.push(ManifestError::new(line, 1, msg)),
            }
        }
    }
    out
}

/// The flow nesting depth at which the raw-text pre-scan rejects a chunk. It is above
/// [`MAX_DEPTH`] (the exact limit is enforced on the parsed tree) but low enough that
/// libyaml's quadratic cost stays around a millisecond per document.
const FLOW_SCAN_LIMIT: usize = 256;

/// A conservative scan of raw YAML for flow collections (`[`, `{`) nested deeper than
/// `limit`; returns the 0-based line where the limit is crossed.
///
/// Only brackets that YAML treats as flow indicators are counted: in block context,
/// one that starts a value (at the start of a line, or after `: `, `- `, `? `); in flow
/// context, every bracket outside quoted scalars. Quotes open a scalar only where a
/// scalar may start, so `it's` inside a plain scalar does not hide brackets.
fn flow_depth_exceeds(chunk: &str, limit: usize) -> Option<usize> {
    let bytes = chunk.as_bytes();
    let mut depth = 0usize;
    let mut line = 0usize;
    // True where a new scalar or collection may begin (only whitespace since the last
    // indicator).
    let mut at_start = true;
    let mut i = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        let prev_space = i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n');
        let next_space = matches!(bytes.get(i + 1), None | Some(b' ' | b'\t' | b'\n'));
        match c {
            b'\n' => {
                line += 1;
                if depth == 0 {
                    at_start = true;
                }
            }
            b' ' | b'\t' => {}
            b'#' if prev_space => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if at_start => {
                // Skip the quoted scalar, counting its newlines.
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' if c == b'"' => i += 1,
                        b'\'' if c == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
                        q if q == c => break,
                        b'\n' => line += 1,
                        _ => {}
                    }
                    i += 1;
                }
                at_start = false;
            }
            b'[' | b'{' if depth > 0 || at_start => {
                depth += 1;
                if depth > limit {
                    return Some(line);
                }
                at_start = true;
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                at_start = false;
            }
            b',' if depth > 0 => at_start = true,
            b':' if next_space || depth > 0 => at_start = true,
            b'-' | b'?' if next_space && depth == 0 => at_start = true,
            _ => at_start = false,
        }
        i += 1;
    }
    None
}

/// The 0-based index of the first line of `chunk` that is neither blank nor a comment.
fn first_content_line(chunk: &str) -> Option<usize> {
    chunk.lines().position(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

/// Turns a `serde_yaml_ng` error inside a chunk into a stream-absolute error.
fn yaml_error(e: &serde_yaml_ng::Error, first_line: usize, fallback_line: usize) -> ManifestError {
    let mut msg = e.to_string();
    let (line, column) = match e.location() {
        Some(loc) => {
            let primary = format!(" at line {} column {}", loc.line(), loc.column());
            msg = msg.replacen(&primary, "", 1);
            (first_line + loc.line() - 1, loc.column())
        }
        None => (fallback_line, 1),
    };
    // Secondary positions ("while parsing a block mapping at line 3 column 1") are
    // relative to the chunk too.
    let mut msg = shift_line_numbers(&msg, first_line - 1);
    if msg.contains("recursion limit exceeded") {
        msg = format!("document is nested deeper than {MAX_DEPTH} levels ({msg})");
    }
    ManifestError::new(line, column, msg)
}

/// Adds `offset` to every number that follows the word `line ` in `msg`.
fn shift_line_numbers(msg: &str, offset: usize) -> String {
    if offset == 0 {
        return msg.to_string();
    }
    let mut out = String::with_capacity(msg.len() + 8);
    let mut rest = msg;
    while let Some(i) = rest.find("line ") {
        let (head, tail) = rest.split_at(i + 5);
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        match tail[..digits].parse::<usize>() {
            Ok(n) if digits > 0 => out.push_str(&(n + offset).to_string()),
            _ => out.push_str(&tail[..digits]),
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// Reads a stream of JSON values (kubectl treats input starting with `{` as JSON).
fn read_json_stream<'a>(text: &'a str, errors: &mut Vec<ManifestError>) -> Vec<RawDoc<'a>> {
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
        let column = start - line_start + 1;
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
                if let Some(msg) = too_deep(&value) {
                    errors.push(ManifestError::new(line, column, msg));
                    continue;
                }
                let source = Source::Json {
                    text: &text[start..end],
                    line,
                    column,
                };
                out.push(RawDoc {
                    value,
                    line,
                    source: Some(source),
                });
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
                errors.push(ManifestError::new(e.line().max(1), e.column().max(1), msg));
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

/// Converts a YAML value into JSON the way sigs.k8s.io/yaml does: mapping keys become
/// strings, tags are dropped. Recursion is bounded by `serde_yaml_ng`'s own limit (128)
/// and by the explicit [`MAX_DEPTH`] check.
fn yaml_to_json(value: serde_yaml_ng::Value, depth: usize) -> Result<Value, String> {
    use serde_yaml_ng::Value as Y;
    let too_deep = || format!("document is nested deeper than {MAX_DEPTH} levels");
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        format!("error converting YAML to JSON: unsupported number {n}")
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(seq) => {
            if depth >= MAX_DEPTH {
                return Err(too_deep());
            }
            let mut out = Vec::with_capacity(seq.len());
            for v in seq {
                out.push(yaml_to_json(v, depth + 1)?);
            }
            Value::Array(out)
        }
        Y::Mapping(map) => {
            if depth >= MAX_DEPTH {
                return Err(too_deep());
            }
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    _ => {
                        return Err("error converting YAML to JSON: unsupported mapping key (a sequence or mapping)".to_string())
                    }
                };
                out.insert(key, yaml_to_json(v, depth + 1)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value, depth)?,
    })
}

// ---------------------------------------------------------------------------------------
// Decoding one document

/// Decodes one document; a `kind: List` yields one result per item.
fn decode_document(
    mut value: Value,
    line: usize,
    source: Option<Source<'_>>,
) -> Vec<Result<Object, ManifestError>> {
    drop_nulls(&mut value);
    let Value::Object(map) = &value else {
        let what = match value {
            Value::Array(_) => "array",
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Bool(_) => "bool",
            _ => "null",
        };
        return vec![Err(ManifestError::new(
            line,
            1,
            format!(
                "unable to decode \"{SOURCE}\": json: cannot unmarshal {what} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}"
            ),
        ))];
    };
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
            .map(|item| {
                if item.get("kind").and_then(Value::as_str) == Some("List") {
                    Err(ManifestError::new(
                        line,
                        1,
                        "a List inside a List is not supported",
                    ))
                } else {
                    decode_object(item, line, None)
                }
            })
            .collect();
    }
    vec![decode_object(value, line, source)]
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
    value: Value,
    line: usize,
    source: Option<Source<'_>>,
) -> Result<Object, ManifestError> {
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

    // `status` is owned by the server and never read from input (F-1, F-2).
    map.remove("status");
    if !map.get("metadata").is_some_and(Value::is_object) {
        map.insert("metadata".into(), Value::Object(Map::new()));
    }

    let ctx = Ctx {
        kind: &kind,
        api_version: &api_version,
        line,
        source,
    };
    let mut object = match (api_version.as_str(), kind.as_str()) {
        ("apps/v1", "StatefulSet") => Object::StatefulSet(ctx.typed(with_spec(map))?),
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
        (v, k) if GENERIC_KINDS.contains(&(v, k)) => {
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
    Ok(object)
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
struct Ctx<'a, 's> {
    kind: &'a str,
    api_version: &'a str,
    line: usize,
    source: Option<Source<'s>>,
}

impl Ctx<'_, '_> {
    /// Converts into `T`; on failure, re-reads the document's own text (when it is
    /// available) only to find the JSON path and the exact line of the bad field.
    fn typed<T: DeserializeOwned>(&self, value: impl Into<Value>) -> Result<T, ManifestError> {
        let err = match serde_json::from_value::<T>(value.into()) {
            Ok(t) => return Ok(t),
            Err(e) => e.to_string(),
        };
        let version = self
            .api_version
            .rsplit('/')
            .next()
            .unwrap_or(self.api_version);
        let prefix = format!(
            "{} in version {version:?} cannot be handled as a {}: ",
            self.kind, self.kind
        );
        if let Some((line, column, path)) = self.locate::<T>(&err) {
            let path = if path.is_empty() {
                String::new()
            } else {
                format!("{path}: ")
            };
            return Err(ManifestError::new(
                line,
                column,
                format!("{prefix}{path}{err}"),
            ));
        }
        Err(ManifestError::new(self.line, 1, format!("{prefix}{err}")))
    }

    /// Finds (line, column, path) of the error `err` by decoding the source text
    /// directly; gives up unless that decode fails with the very same message.
    fn locate<T: DeserializeOwned>(&self, err: &str) -> Option<(usize, usize, String)> {
        match self.source? {
            Source::Yaml { text, first_line } => {
                let e = serde_yaml_ng::from_str::<T>(text).err()?;
                let loc = e.location()?;
                let msg = e.to_string();
                let msg =
                    msg.strip_suffix(&format!(" at line {} column {}", loc.line(), loc.column()))?;
                let path = msg.strip_suffix(err)?.trim_end_matches(": ").to_string();
                Some((first_line + loc.line() - 1, loc.column(), path))
            }
            Source::Json { text, line, column } => {
                let e = serde_json::from_str::<T>(text).err()?;
                let msg = e.to_string();
                let msg =
                    msg.strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))?;
                if msg != err {
                    return None;
                }
                let col = if e.line() == 1 {
                    column + e.column() - 1
                } else {
                    e.column()
                };
                Some((line + e.line() - 1, col, String::new()))
            }
        }
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
    fn flow_scan_ignores_brackets_in_plain_and_quoted_scalars() {
        let text = format!(
            "a: echo {}\nb: \"{}\"\nc: ['{}', \"]]\"]\n",
            "[".repeat(500),
            "[".repeat(500),
            "[".repeat(500)
        );
        assert_eq!(flow_depth_exceeds(&text, 10), None);
        // Closing brackets hidden in quotes do not hide real nesting.
        let sneaky = format!("a: {}\n", "[ \"]\", ".repeat(300));
        assert_eq!(flow_depth_exceeds(&sneaky, 256), Some(0));
        let (docs, errs) = parse_stream(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n{sneaky}"
        ));
        assert!(docs.is_empty());
        assert_eq!(errs[0].line, 5);
        assert!(errs[0].message.contains("nested deeper"));
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
            "unable to decode \"STDIN\": Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}'"
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
            errs[0].message.starts_with("StatefulSet in version \"v1\" cannot be handled as a StatefulSet: spec.replicas: invalid type: string \"three\""),
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
            errs[0].message.contains("repetition limit exceeded"),
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
            errs[0].message.contains("cannot unmarshal string"),
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

    #[test]
    fn shift_line_numbers_rewrites_every_line() {
        assert_eq!(
            shift_line_numbers("x at line 2 column 3, while parsing at line 1 column 1", 10),
            "x at line 12 column 3, while parsing at line 11 column 1"
        );
    }
}
