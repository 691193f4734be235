//! Strict field validation of manifests against the real Kubernetes v1.32 schema, as
//! `kubectl apply` (default `--validate=strict`) gets it from the API server: unknown
//! fields anywhere in an object, and JSON values of the wrong type.
//!
//! The schema is `data/k8s-v1.32.schema`, generated from the `k8s-openapi` crate by
//! `cargo run -p schema-gen` (its format is documented there). It is parsed once.
//!
//! [`check`] lists every problem of one object; [`strict_error_message`] turns them into
//! what kubectl prints, choosing what upstream reports. The upstream behaviour, and where
//! it was read:
//!
//! * **Create** (`kubectl apply` of a new object, `kubectl create`). kubectl sends the
//!   object as JSON encoded from a `map[string]interface{}` (apimachinery
//!   `unstructured.go`, `unstructuredJSONScheme.doEncode` → `encoding/json`), so object
//!   keys reach the server **sorted**. The server decodes with `sigs.k8s.io/json`
//!   `UnmarshalStrict` (apimachinery `runtime/serializer/json/json.go`,
//!   `Serializer.unmarshal`), case-sensitively:
//!   - unknown fields are collected in document order (so: depth first, keys sorted) as
//!     `unknown field "<path>"`, deduplicated and capped at 100
//!     (`internal/golang/encoding/json/kubernetes_patch.go`, `saveStrictError`,
//!     `newFieldError`, `appendStrictFieldStackKey` / `…Index`: `a.b[0].c`, map keys as
//!     `.key`), and joined by `runtime.NewStrictDecodingError` as
//!     `strict decoding error: unknown field "a", unknown field "b"`;
//!   - a JSON type error is Go's `UnmarshalTypeError`: only the **first** one is kept
//!     (`decodeState.saveError`), and it **replaces** all strict errors
//!     (`json.go`: "fatal decoding error, not due to strictness"). Its text is
//!     `json: cannot unmarshal <string|number|bool|array|object> into Go struct field
//!     <Struct>.<json path without indices or map keys> of type <Go type>`, with
//!     `number <literal>` for a number an integer field cannot hold (`literalStore`);
//!   - errors returned by a type's own `UnmarshalJSON` abort decoding at once and win
//!     over an earlier saved type error (`decodeState.unmarshal`): `Quantity` gives
//!     `quantities must match the regular expression '…'`, `IntOrString` and `Time`
//!     give the inner `encoding/json` error with the field's context added
//!     (`addErrorContext`), e.g. `… of type int32`;
//!   - the API server wraps the error with `transformDecodeError` (apiserver
//!     `endpoints/handlers/rest.go`): `<Kind> in version "<version>" cannot be handled as
//!     a <Kind>: <error>`, a 400 BadRequest, and kubectl prints `Error from server
//!     (BadRequest): error when creating "<file>": …` (`cmdutil.AddSourceToErr`,
//!     `StandardErrorMessage`).
//! * **Patch** (`kubectl apply` of an existing object: a strategic merge patch). The
//!   server merges the patch into the live object and converts the map with
//!   `DefaultUnstructuredConverter.FromUnstructuredWithValidation` (apimachinery
//!   `runtime/converter.go`): unknown fields are **sorted by their message**, a type
//!   error (first one, in Go struct field order) trumps them, and the error is a 422
//!   `field.Invalid(field.NewPath("patch"), fmt.Sprintf("%+v", patchMap), msg)`
//!   (apiserver `endpoints/handlers/patch.go`, `applyPatchToObject`). kubectl's
//!   `checkErr` prints an Invalid status from its causes:
//!   `The request is invalid: patch: Invalid value: "map[…]": <msg>`; the file name is
//!   not shown. The converter's type errors read `unrecognized type: int32`,
//!   `cannot convert int64 to string`, `cannot restore struct from: string`…
//!
//! Known differences: Go named types (`v1.PullPolicy`, `v1.Protocol`…) are not in the
//! OpenAPI schema, so a type error on such a field says `of type string` where the real
//! server names the Go type; `[]byte` values (`Secret.data`) are not checked for valid
//! base64; quantity and time strings are not parsed here (validation does that); for a
//! patch with several type errors the first is taken in JSON key order, not Go field
//! order.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

/// The generated schema file.
const DATA: &str = include_str!("../data/k8s-v1.32.schema");

/// Upstream caps strict errors at 100 (`saveStrictError`).
const MAX_STRICT_ERRORS: usize = 100;
/// Recursion bound of [`check`], far above the schema's own nesting.
const MAX_DEPTH: usize = 256;
/// `resource.ErrFormatWrong` (apimachinery `api/resource/quantity.go`).
const QUANTITY_FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// One problem found in an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldIssue {
    /// The field in the API server's strict-error notation:
    /// `spec.template.spec.containers[0].imagePullPolicyy`, map entries as
    /// `metadata.labels.app`.
    pub path: String,
    pub problem: Problem,
}

/// What is wrong with a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The field does not exist in its Go struct.
    Unknown,
    /// The JSON value cannot be decoded into the field's Go type.
    WrongType {
        /// The Go struct holding the field, e.g. `StatefulSetSpec` (empty at the root).
        go_struct: String,
        /// JSON names from the root to the field without indices or map keys, e.g.
        /// `spec.template.spec.containers.image` (Go's `UnmarshalTypeError.Field`).
        go_field_path: String,
        /// The field's Go type as Go prints it: `int32`, `string`, `[]v1.Container`,
        /// `map[string]string`, `v1.PodTemplateSpec`, `intstr.IntOrString`,
        /// `resource.Quantity`, `v1.Time`…
        expected: String,
        /// The JSON kind found: `string`, `number`, `bool`, `array` or `object`.
        got: &'static str,
        /// For a number: its JSON text as kubectl sends it (`3.5`, `3000000000`).
        number: Option<String>,
    },
}

/// How the object reaches the API server, which decides the message.
#[derive(Clone, Copy, Debug)]
pub enum Verb<'a> {
    /// A create (`kubectl apply` of a new object): `error when creating "<file>"`.
    Creating,
    /// `kubectl apply` of an existing object: the strategic merge patch kubectl sends.
    ApplyingPatch { patch: &'a Value },
}

/// A field's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    Str,
    I32,
    I64,
    Bool,
    F64,
    IntOrString,
    Quantity,
    /// `metav1.Time` / `MicroTime`: an RFC 3339 string.
    Time,
    /// `[]byte`: a base64 string.
    Bytes,
    /// Any JSON value (RawExtension, FieldsV1, free-form objects).
    Any,
    /// A Go struct: an index into [`Schema::types`].
    Struct(usize),
    Array(Box<Ty>),
    Map(Box<Ty>),
}

/// One Go struct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeDef {
    /// The Go name, e.g. `StatefulSetSpec`.
    pub name: String,
    /// The Go package name, e.g. `v1`.
    pub pkg: String,
    pub fields: BTreeMap<String, Ty>,
    /// A top-level kind: `apiVersion` and `kind` come from its inlined `TypeMeta`.
    pub is_root: bool,
}

/// The parsed schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    pub types: Vec<TypeDef>,
    by_name: BTreeMap<String, usize>,
    /// (apiVersion, kind) → type.
    roots: BTreeMap<(String, String), usize>,
}

impl Schema {
    /// Parses the schema format written by `schema-gen`.
    pub fn parse(text: &str) -> Result<Schema, String> {
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
            .collect();
        // Pass 1: type names, so fields can refer to types defined later.
        let mut types = Vec::new();
        let mut by_name = BTreeMap::new();
        for &(n, line) in lines.iter().filter(|(_, l)| !l.starts_with('+')) {
            let head = line.split(' ').next().unwrap_or_default();
            let (name, pkg) = head.split_once('@').unwrap_or((head, "v1"));
            if name.is_empty()
                || pkg.is_empty()
                || !name.starts_with(|c: char| c.is_ascii_uppercase())
            {
                return Err(format!("line {n}: bad type name {head:?}"));
            }
            if by_name.insert(name.to_string(), types.len()).is_some() {
                return Err(format!("line {n}: type {name} is defined twice"));
            }
            types.push(TypeDef {
                name: name.to_string(),
                pkg: pkg.to_string(),
                fields: BTreeMap::new(),
                is_root: false,
            });
        }
        // Pass 2: fields and roots.
        let mut roots = BTreeMap::new();
        for &(n, line) in &lines {
            if let Some(root) = line.strip_prefix('+') {
                let parts: Vec<&str> = root.split(' ').collect();
                let [api_version, kind, go_type] = parts[..] else {
                    return Err(format!(
                        "line {n}: a root line is `+apiVersion Kind GoType`"
                    ));
                };
                let idx = *by_name
                    .get(go_type)
                    .ok_or_else(|| format!("line {n}: unknown type {go_type}"))?;
                types[idx].is_root = true;
                if roots
                    .insert((api_version.to_string(), kind.to_string()), idx)
                    .is_some()
                {
                    return Err(format!(
                        "line {n}: root {api_version} {kind} is declared twice"
                    ));
                }
                continue;
            }
            let mut parts = line.split(' ');
            let head = parts.next().unwrap_or_default();
            let name = head.split_once('@').map_or(head, |(name, _)| name);
            let idx = *by_name
                .get(name)
                .ok_or_else(|| format!("line {n}: unknown type {name}"))?;
            for pair in parts {
                let (field, code) = pair
                    .split_once(':')
                    .ok_or_else(|| format!("line {n}: {pair:?} is not field:type"))?;
                if field.is_empty() {
                    return Err(format!("line {n}: empty field name"));
                }
                let ty =
                    parse_code(code, &by_name).map_err(|e| format!("line {n}: {field}: {e}"))?;
                if types[idx].fields.insert(field.to_string(), ty).is_some() {
                    return Err(format!("line {n}: field {field} appears twice"));
                }
            }
        }
        if roots.is_empty() {
            return Err("the schema declares no root kinds".to_string());
        }
        Ok(Schema {
            types,
            by_name,
            roots,
        })
    }

    /// The Go struct of a root kind.
    pub fn root(&self, api_version: &str, kind: &str) -> Option<&TypeDef> {
        let idx = self
            .roots
            .get(&(api_version.to_string(), kind.to_string()))?;
        self.types.get(*idx)
    }

    /// Every root kind as (apiVersion, kind).
    pub fn root_kinds(&self) -> impl Iterator<Item = (&str, &str)> {
        self.roots.keys().map(|(a, k)| (a.as_str(), k.as_str()))
    }

    /// A Go struct by name.
    pub fn type_named(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(*self.by_name.get(name)?)
    }

    /// The type at a dotted field path of a root kind (`spec.template.spec.containers.image`),
    /// stepping through arrays and maps without naming indices or keys.
    pub fn field_type(&self, api_version: &str, kind: &str, path: &str) -> Option<&Ty> {
        let root = *self
            .roots
            .get(&(api_version.to_string(), kind.to_string()))?;
        let mut def = self.types.get(root)?;
        let mut found: Option<&Ty> = None;
        for part in path.split('.') {
            if let Some(ty) = found {
                def = self.types.get(struct_of(ty)?)?;
            }
            found = Some(def.fields.get(part)?);
        }
        found
    }

    /// Every problem of `value` as an object of this kind, in the order the API server
    /// meets them (keys sorted, depth first). `None` when the kind is not in the schema.
    pub fn check(&self, api_version: &str, kind: &str, value: &Value) -> Option<Vec<FieldIssue>> {
        let root = *self
            .roots
            .get(&(api_version.to_string(), kind.to_string()))?;
        let mut walk = Walk {
            schema: self,
            issues: Vec::new(),
            path: String::new(),
            go_path: Vec::new(),
            go_struct: String::new(),
        };
        walk.value(&Ty::Struct(root), value, 0);
        Some(walk.issues)
    }

    /// Go's name of a type, as `UnmarshalTypeError` prints it.
    pub fn go_type(&self, ty: &Ty) -> String {
        match ty {
            Ty::Str => "string".into(),
            Ty::I32 => "int32".into(),
            Ty::I64 => "int64".into(),
            Ty::Bool => "bool".into(),
            Ty::F64 => "float64".into(),
            Ty::IntOrString => "intstr.IntOrString".into(),
            Ty::Quantity => "resource.Quantity".into(),
            Ty::Time => "v1.Time".into(),
            Ty::Bytes => "[]uint8".into(),
            Ty::Any => "interface {}".into(),
            Ty::Struct(i) => match self.types.get(*i) {
                Some(t) => format!("{}.{}", t.pkg, t.name),
                None => "struct".into(),
            },
            Ty::Array(e) => format!("[]{}", self.go_type(e)),
            // Every map of quantities in these kinds is a `v1.ResourceList`
            // (`map[ResourceName]resource.Quantity`), a named type.
            Ty::Map(e) if **e == Ty::Quantity => "v1.ResourceList".into(),
            Ty::Map(e) => format!("map[string]{}", self.go_type(e)),
        }
    }
}

fn struct_of(ty: &Ty) -> Option<usize> {
    match ty {
        Ty::Struct(i) => Some(*i),
        Ty::Array(e) | Ty::Map(e) => struct_of(e),
        _ => None,
    }
}

fn parse_code(code: &str, by_name: &BTreeMap<String, usize>) -> Result<Ty, String> {
    if let Some(inner) = code.strip_prefix('[') {
        return Ok(Ty::Array(Box::new(parse_code(inner, by_name)?)));
    }
    if let Some(inner) = code.strip_prefix('{') {
        return Ok(Ty::Map(Box::new(parse_code(inner, by_name)?)));
    }
    Ok(match code {
        "s" => Ty::Str,
        "i" => Ty::I32,
        "l" => Ty::I64,
        "b" => Ty::Bool,
        "d" => Ty::F64,
        "o" => Ty::IntOrString,
        "q" => Ty::Quantity,
        "t" => Ty::Time,
        "y" => Ty::Bytes,
        "*" => Ty::Any,
        name => Ty::Struct(
            *by_name
                .get(name)
                .ok_or_else(|| format!("unknown type code {name:?}"))?,
        ),
    })
}

/// The embedded schema, parsed on first use.
pub fn schema() -> Result<&'static Schema, &'static str> {
    static SCHEMA: OnceLock<Result<Schema, String>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| Schema::parse(DATA))
        .as_ref()
        .map_err(String::as_str)
}

/// All problems of one object (`serde_json::Value` as decoded from YAML/JSON), for kind +
/// apiVersion. `None` when the kind/apiVersion is not in the schema.
pub fn check(api_version: &str, kind: &str, value: &serde_json::Value) -> Option<Vec<FieldIssue>> {
    schema().ok()?.check(api_version, kind, value)
}

struct Walk<'s> {
    schema: &'s Schema,
    issues: Vec<FieldIssue>,
    /// Strict-error path of the current value.
    path: String,
    /// Go `errorContext.FieldStack`: struct field names only.
    go_path: Vec<String>,
    /// Go `errorContext.Struct`: the struct holding the current field.
    go_struct: String,
}

impl Walk<'_> {
    fn value(&mut self, ty: &Ty, v: &Value, depth: usize) {
        // Go decoders accept null for every field.
        if v.is_null() || depth > MAX_DEPTH {
            return;
        }
        let ok = match ty {
            Ty::Any => true,
            Ty::Str => v.is_string(),
            Ty::Bool => v.is_boolean(),
            Ty::F64 => v.is_number(),
            // `Quantity.UnmarshalJSON` parses the string while the body is decoded, so a
            // malformed quantity is a decode error (BadRequest), not a validation error.
            Ty::Quantity => match v {
                Value::String(text) => quantity_syntax_ok(text),
                other => other.is_number(),
            },
            Ty::Time | Ty::Bytes => v.is_string(),
            Ty::I32 | Ty::I64 | Ty::IntOrString => {
                let bits = if *ty == Ty::I64 { 64 } else { 32 };
                match v {
                    Value::Number(n) if !fits_int(n, bits) => {
                        self.wrong(ty, "number", Some(go_number_text(n)));
                        return;
                    }
                    Value::Number(_) => true,
                    Value::String(_) => *ty == Ty::IntOrString,
                    _ => false,
                }
            }
            Ty::Array(elem) => match v {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let len = self.path.len();
                        self.path.push_str(&format!("[{i}]"));
                        self.value(elem, item, depth + 1);
                        self.path.truncate(len);
                    }
                    true
                }
                _ => false,
            },
            Ty::Map(elem) => match v {
                Value::Object(map) => {
                    for (key, item) in sorted(map) {
                        let len = self.push_key(key);
                        self.value(elem, item, depth + 1);
                        self.path.truncate(len);
                    }
                    true
                }
                _ => false,
            },
            Ty::Struct(idx) => match (v, self.schema.types.get(*idx)) {
                (Value::Object(map), Some(def)) => {
                    self.fields(def, map, depth);
                    true
                }
                _ => false,
            },
        };
        if !ok {
            let number = match v {
                Value::Number(n) => Some(go_number_text(n)),
                _ => None,
            };
            self.wrong(ty, json_kind(v), number);
        }
    }

    fn fields(&mut self, def: &TypeDef, map: &serde_json::Map<String, Value>, depth: usize) {
        for (key, item) in sorted(map) {
            let len = self.push_key(key);
            match def.fields.get(key) {
                None => self.issues.push(FieldIssue {
                    path: self.path.clone(),
                    problem: Problem::Unknown,
                }),
                Some(ty) => {
                    let saved_struct = std::mem::replace(&mut self.go_struct, def.name.clone());
                    let go_len = self.go_path.len();
                    if def.is_root && (key == "apiVersion" || key == "kind") {
                        // Inlined `metav1.TypeMeta`: Go names the embedded struct too.
                        self.go_path.push("TypeMeta".to_string());
                    }
                    self.go_path.push(key.clone());
                    self.value(ty, item, depth + 1);
                    self.go_path.truncate(go_len);
                    self.go_struct = saved_struct;
                }
            }
            self.path.truncate(len);
        }
    }

    /// Appends `.key` (or `key` at the root); returns the length to truncate back to.
    fn push_key(&mut self, key: &str) -> usize {
        let len = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(key);
        len
    }

    fn wrong(&mut self, ty: &Ty, got: &'static str, number: Option<String>) {
        self.issues.push(FieldIssue {
            path: self.path.clone(),
            problem: Problem::WrongType {
                go_struct: self.go_struct.clone(),
                go_field_path: self.go_path.join("."),
                expected: self.schema.go_type(ty),
                got,
                number,
            },
        });
    }
}

/// Object entries in the order kubectl's JSON encoding sends them (sorted by key).
fn sorted(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether Go's `strconv.ParseInt` of the number's JSON text fits `bits`.
fn fits_int(n: &serde_json::Number, bits: u32) -> bool {
    let (min, max) = if bits == 32 {
        (i64::from(i32::MIN), i64::from(i32::MAX))
    } else {
        (i64::MIN, i64::MAX)
    };
    if let Some(i) = n.as_i64() {
        return (min..=max).contains(&i);
    }
    if n.as_u64().is_some() {
        return false; // above i64::MAX
    }
    match n.as_f64() {
        // kubectl re-encodes an integral float without a fraction (`3.0` → `3`) below
        // 1e21; from there Go writes an exponent, which ParseInt rejects.
        // The cast is exact: `f` is integral and inside (-1e21, 1e21).
        Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => {
            (i128::from(min)..=i128::from(max)).contains(&(f as i128))
        }
        _ => false,
    }
}

/// A number's JSON text as Go's `encoding/json` writes it (kubectl re-encodes manifests).
fn go_number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        go_exponent(f, true)
    } else {
        format!("{f}")
    }
}

/// Go's `%e` exponent: `1e21` → `1e+21`, `1e-7` → `1e-07`; `encoding/json` then
/// shortens a one-digit negative exponent (`1e-7`), `fmt` does not.
fn go_exponent(f: f64, shorten_negative: bool) -> String {
    let s = format!("{f:e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    match exp.strip_prefix('-') {
        Some(d) if shorten_negative => format!("{mantissa}e-{d}"),
        Some(d) => format!("{mantissa}e-{d:0>2}"),
        None => format!("{mantissa}e+{exp:0>2}"),
    }
}

/// Go's `fmt` `%v` of a float64: `%g` with the shortest precision, which switches to an
/// exponent below 1e-4 and from 1e6 on (`strconv.FormatFloat`, `eprec = 6`).
fn go_fmt_float(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let s = format!("{f:e}");
    let exp: i32 = s
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if !(-4..6).contains(&exp) {
        go_exponent(f, false)
    } else {
        format!("{f}")
    }
}

/// Go's `strconv.Quote` (close enough: Rust's control characters plus the common
/// invisible format characters are escaped; other Unicode is printed as is).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control()
                || (c.is_whitespace() && c != ' ')
                || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}') =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `fmt` `%+v` of a decoded JSON value (`map[a:1 b:[x y]]`), as the API server prints
/// the patch in `patch: Invalid value`.
fn go_fmt_value(v: &Value, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("...");
        return;
    }
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            // Beyond int64 the patch JSON decodes to float64.
            (None, Some(u), _) => out.push_str(&go_fmt_float(u as f64)),
            (None, None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.2e18 => {
                out.push_str(&format!("{}", f as i64))
            }
            (None, None, Some(f)) => out.push_str(&go_fmt_float(f)),
            _ => out.push('0'),
        },
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                go_fmt_value(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("map[");
            for (i, (k, item)) in sorted(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                go_fmt_value(item, out, depth + 1);
            }
            out.push(']');
        }
    }
}

/// Whether a type's own `UnmarshalJSON` reports it, which aborts decoding at once.
fn is_fatal(expected: &str) -> bool {
    matches!(
        expected,
        "intstr.IntOrString" | "resource.Quantity" | "v1.Time"
    )
}

/// The `sigs.k8s.io/json` message of one type error (create path).
fn decode_error(problem: &Problem) -> Option<String> {
    let Problem::WrongType {
        go_struct,
        go_field_path,
        expected,
        got,
        number,
    } = problem
    else {
        return None;
    };
    // What Go prints for the JSON value, and the Go type it names.
    let (go_type, literal) = match expected.as_str() {
        "resource.Quantity" => return Some(QUANTITY_FORMAT.to_string()),
        // IntOrString decodes a non-string into its int32; Time decodes a string.
        "intstr.IntOrString" => ("int32", true),
        "v1.Time" => ("string", false),
        "int32" | "int64" => (expected.as_str(), true),
        other => (other, false),
    };
    let value = match (literal, number) {
        (true, Some(text)) => format!("number {text}"),
        _ => (*got).to_string(),
    };
    Some(if go_struct.is_empty() && go_field_path.is_empty() {
        format!("json: cannot unmarshal {value} into Go value of type {go_type}")
    } else {
        format!("json: cannot unmarshal {value} into Go struct field {go_struct}.{go_field_path} of type {go_type}")
    })
}

/// The unstructured converter's message of one type error (patch path), or `None` when
/// the converter accepts the value (it narrows any integer without a range check).
fn convert_error(problem: &Problem) -> Option<String> {
    let Problem::WrongType {
        expected,
        got,
        number,
        ..
    } = problem
    else {
        return None;
    };
    // The patched object is a map decoded with PreserveInts: integers are int64.
    let integral = number
        .as_deref()
        .is_some_and(|t| !t.contains(['.', 'e', 'E']) && t.parse::<i64>().is_ok());
    let source = match *got {
        "number" if integral => "int64",
        "number" => "float64",
        "object" => "map",
        "array" => "slice",
        other => other,
    };
    let json_error = |go_type: &str| {
        let value = match (got, number) {
            (&"number", Some(text)) if go_type == "int32" => format!("number {text}"),
            _ => (*got).to_string(),
        };
        format!("json: cannot unmarshal {value} into Go value of type {go_type}")
    };
    Some(match expected.as_str() {
        "resource.Quantity" => QUANTITY_FORMAT.to_string(),
        "intstr.IntOrString" => json_error("int32"),
        "v1.Time" => json_error("string"),
        "int32" | "int64" | "float64" => match source {
            "int64" => return None,
            "float64" => format!("cannot convert float64 to {expected}"),
            _ => format!("unrecognized type: {expected}"),
        },
        "string" if source == "int64" => "cannot convert int64 to string".to_string(),
        "string" | "bool" => format!("unrecognized type: {expected}"),
        e if e.starts_with("[]") => format!("cannot restore slice from {source}"),
        e if e.starts_with("map[") || e == "v1.ResourceList" => {
            format!("cannot restore map from {source}")
        }
        _ => format!("cannot restore struct from: {source}"),
    })
}

/// kubectl's message for a set of issues of one object (from [`check`]), or `None` when
/// the API server would accept the object anyway.
///
/// `source` is the file name as given to `-f`, or `STDIN`. `api_version` and `kind` are
/// the object's.
pub fn strict_error_message(
    api_version: &str,
    kind: &str,
    source: &str,
    verb: Verb<'_>,
    issues: &[FieldIssue],
) -> Option<String> {
    let unknown = issues.iter().filter(|i| i.problem == Problem::Unknown);
    match verb {
        Verb::Creating => {
            let reported = reported_on_create(issues);
            let detail = match reported.first().map(|i| &i.problem) {
                None => return None,
                Some(p @ Problem::WrongType { .. }) => decode_error(p)?,
                Some(Problem::Unknown) => {
                    strict_decoding_error(reported.iter().map(|i| unknown_field(&i.path)))
                }
            };
            let version = api_version.rsplit('/').next().unwrap_or(api_version);
            Some(format!(
                "Error from server (BadRequest): error when creating {}: {kind} in version {} cannot be handled as a {kind}: {detail}",
                go_quote(source),
                go_quote(version)
            ))
        }
        Verb::ApplyingPatch { patch } => {
            let detail = match issues.iter().find_map(|i| convert_error(&i.problem)) {
                Some(message) => message,
                None => {
                    let mut messages: Vec<String> =
                        unknown.map(|i| unknown_field(&i.path)).collect();
                    if messages.is_empty() {
                        return None;
                    }
                    messages.sort();
                    messages.dedup();
                    strict_decoding_error(messages.into_iter())
                }
            };
            let mut shown = String::new();
            go_fmt_value(patch, &mut shown, 0);
            Some(format!(
                "The request is invalid: patch: Invalid value: {}: {detail}",
                go_quote(&shown)
            ))
        }
    }
}

/// `parseQuantityString`'s syntax, i.e. the regular expression of [`QUANTITY_FORMAT`]:
/// `^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$` (an unknown but well-formed suffix is
/// a different error, left to validation).
fn quantity_syntax_ok(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let start = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    if i == start {
        return false;
    }
    while i < b.len() && b"eEinumkKMGTP".contains(&b[i]) {
        i += 1;
    }
    if i < b.len() && matches!(b[i], b'+' | b'-') {
        i += 1;
    }
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i == b.len()
}

/// The issues a create reports: the first fatal type error (Quantity, IntOrString, Time
/// decoders stop at once), else the first type error, which replaces unknown-field errors;
/// else every unknown field once, at most 100 (`saveStrictError`).
pub fn reported_on_create(issues: &[FieldIssue]) -> Vec<&FieldIssue> {
    let wrong = |fatal: bool| {
        issues.iter().find(|i| match &i.problem {
            Problem::WrongType { expected, .. } => is_fatal(expected) == fatal,
            Problem::Unknown => false,
        })
    };
    if let Some(w) = wrong(true).or_else(|| wrong(false)) {
        return vec![w];
    }
    let mut seen: Vec<&FieldIssue> = Vec::new();
    for issue in issues.iter().filter(|i| i.problem == Problem::Unknown) {
        if seen.len() == MAX_STRICT_ERRORS {
            break;
        }
        if !seen.iter().any(|s| s.path == issue.path) {
            seen.push(issue);
        }
    }
    seen
}

fn unknown_field(path: &str) -> String {
    format!("unknown field {}", go_quote(path))
}

fn strict_decoding_error(errors: impl Iterator<Item = String>) -> String {
    let list: Vec<String> = errors.collect();
    format!("strict decoding error: {}", list.join(", "))
}

#[cfg(test)]
mod tests;
