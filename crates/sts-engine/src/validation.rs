//! The API server's defaulting and validation for the objects the simulator accepts,
//! as in Kubernetes v1.32, with the exact texts kubectl prints.
//!
//! * StatefulSets: defaulting D-1…D-8, the create/update preparation F-3, create
//!   validation V-1…V-9 and update validation V-11…V-13, in upstream emission order.
//! * Pods and PersistentVolumeClaims created by the controller: the API server checks
//!   them on create and the controller turns a rejection into a `FailedCreate` event
//!   (V-10, V-15, E-3, I-6). [`validate_new_pod`] and [`validate_new_pvc`] return that
//!   error text.
//! * kubectl's rendering of an `Invalid` error (V-14): [`format_invalid`].
//!
//! Bad values are rendered the 1.32 way (§2.3): ints plain, strings and named string
//! types quoted, maps and structs with Go's `%#v` (`map[string]string{"app":"web"}`).
//! The 1.34 JSON rendering (L-7) is deliberately not used.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use crate::manifest::Object;
use crate::model::{
    Container, Deployment, LabelSelector, Labels, ObjectMeta, PersistentVolume,
    PersistentVolumeClaim, Pod, PodSpec, PvcRetentionPolicy, PvcSpec, Quantity, ReplicaSet,
    RollingUpdateDeployment, RollingUpdateStrategy, Service, StatefulSet, StatefulSetSpec,
    StatefulSetUpdateStrategy, StorageClass,
};

// ---------------------------------------------------------------------------------------
// Field errors

/// The type of a field error (`field.ErrorType` upstream).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `Required value`.
    Required,
    /// `Invalid value: <rendered value>`.
    Invalid(String),
    /// `Unsupported value: <rendered value>: supported values: "a", "b"`.
    NotSupported(String, Vec<String>),
    /// `Forbidden`.
    Forbidden,
    /// `Not found: <rendered value>`.
    NotFound(String),
    /// `Duplicate value: <rendered value>`.
    Duplicate(String),
    /// `Too long`.
    TooLong,
}

/// One validation error: the field path, its type and a detail message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub kind: ErrorKind,
    pub detail: String,
}

impl FieldError {
    /// `ErrorBody()` upstream: the type's words, the rendered value and the detail.
    pub fn body(&self) -> String {
        let mut s = match &self.kind {
            ErrorKind::Required => "Required value".to_string(),
            ErrorKind::Forbidden => "Forbidden".to_string(),
            ErrorKind::TooLong => "Too long".to_string(),
            ErrorKind::Invalid(v) => format!("Invalid value: {v}"),
            ErrorKind::NotFound(v) => format!("Not found: {v}"),
            ErrorKind::Duplicate(v) => format!("Duplicate value: {v}"),
            ErrorKind::NotSupported(v, _) => format!("Unsupported value: {v}"),
        };
        let detail = match &self.kind {
            // `field.NotSupported` builds its detail from the supported values.
            ErrorKind::NotSupported(_, supported) if !supported.is_empty() => {
                let quoted: Vec<String> = supported.iter().map(|v| go_quote(v)).collect();
                format!("supported values: {}", quoted.join(", "))
            }
            _ => self.detail.clone(),
        };
        if !detail.is_empty() {
            s.push_str(": ");
            s.push_str(&detail);
        }
        s
    }

    fn new(field: impl Into<String>, kind: ErrorKind, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            kind,
            detail: detail.into(),
        }
    }
    /// `field.Required`.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(field, ErrorKind::Required, detail)
    }
    /// `field.Invalid` with an already rendered value (see [`go_quote`]).
    pub fn invalid(
        field: impl Into<String>,
        rendered: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(field, ErrorKind::Invalid(rendered.into()), detail)
    }
    /// `field.NotSupported` for a string value.
    pub fn not_supported(field: impl Into<String>, value: &str, supported: &[&str]) -> Self {
        let supported = supported.iter().map(|s| s.to_string()).collect();
        Self::new(
            field,
            ErrorKind::NotSupported(go_quote(value), supported),
            "",
        )
    }
    /// `field.Forbidden`.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(field, ErrorKind::Forbidden, detail)
    }
    /// `field.NotFound` for a string value.
    pub fn not_found(field: impl Into<String>, value: &str) -> Self {
        Self::new(field, ErrorKind::NotFound(go_quote(value)), "")
    }
    /// `field.Duplicate` for a string value.
    pub fn duplicate(field: impl Into<String>, value: &str) -> Self {
        Self::new(field, ErrorKind::Duplicate(go_quote(value)), "")
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

/// kubectl's rendering of an `Invalid` API error (V-14): one cause gives
/// `The StatefulSet "web" is invalid: <field>: <body>`; several give the header with a
/// trailing space, then one `* <field>: <body>` line per cause. Exact duplicates are
/// removed. There is no final newline. No causes gives just the header.
pub fn format_invalid(kind: &str, name: &str, errors: &[FieldError]) -> String {
    let header = format!("The {kind} {} is invalid", go_quote(name));
    let lines = dedup(errors);
    match lines.len() {
        0 => header,
        1 => format!("{header}: {}", lines[0]),
        _ => {
            let mut s = format!("{header}: ");
            for line in lines {
                s.push_str("\n* ");
                s.push_str(&line);
            }
            s
        }
    }
}

/// The API server's own message for an `Invalid` error (`NewInvalid` upstream), as it
/// appears inside controller events (V-15): `Pod "web-0" is invalid: <cause>` or, with
/// several causes, `Pod "x-0" is invalid: [cause1, cause2]`.
pub fn api_invalid_message(kind: &str, name: &str, errors: &[FieldError]) -> String {
    let lines = dedup(errors);
    let head = format!("{kind} {} is invalid", go_quote(name));
    match lines.len() {
        0 => head,
        1 => format!("{head}: {}", lines[0]),
        _ => format!("{head}: [{}]", lines.join(", ")),
    }
}

/// Renders the errors and removes exact duplicates, keeping the first occurrence.
fn dedup(errors: &[FieldError]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    errors
        .iter()
        .map(ToString::to_string)
        .filter(|s| seen.insert(s.clone()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Go value rendering (§2.3)

/// Go's `strconv.Quote` (also what `%q` and `%#v` print for a string).
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
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `%#v` of a `map[string]string`; an empty map prints as the nil map (our model cannot
/// tell `{}` from absent, and absent is by far the common case).
pub fn go_string_map(m: &Labels) -> String {
    if m.is_empty() {
        return "map[string]string(nil)".to_string();
    }
    let items: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v)))
        .collect();
    format!("map[string]string{{{}}}", items.join(", "))
}

/// `%#v` of a `[]string`.
fn go_string_slice(v: &[String]) -> String {
    if v.is_empty() {
        return "[]string(nil)".to_string();
    }
    let items: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    format!("[]string{{{}}}", items.join(", "))
}

/// `%#v` of a dereferenced `*metav1.LabelSelector` (V-6).
pub fn go_label_selector(sel: &LabelSelector) -> String {
    let exprs = if sel.match_expressions.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = sel
            .match_expressions
            .iter()
            .map(|e| {
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                    go_quote(&e.key),
                    go_quote(&e.operator),
                    go_string_slice(&e.values)
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        go_string_map(&sel.match_labels),
        exprs
    )
}

/// A stand-in for a Go pointer address in `%#v` output; the real one varies per run.
const GO_POINTER: &str = "0xc000a3c1e0";

/// `%#v` of the internal `apps.RollingUpdateStatefulSetStrategy` (V-3).
pub fn go_rolling_update(ru: &RollingUpdateStrategy) -> String {
    let max = if ru.max_unavailable.is_some() {
        format!("(*intstr.IntOrString)({GO_POINTER})")
    } else {
        "(*intstr.IntOrString)(nil)".to_string()
    };
    format!(
        "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:{max}}}",
        ru.partition.unwrap_or(0)
    )
}

/// `%#v` of the internal `apps.StatefulSetUpdateStrategy` (V-3).
pub fn go_update_strategy(us: &StatefulSetUpdateStrategy) -> String {
    let ru = if us.rolling_update.is_some() {
        format!("(*apps.RollingUpdateStatefulSetStrategy)({GO_POINTER})")
    } else {
        "(*apps.RollingUpdateStatefulSetStrategy)(nil)".to_string()
    };
    format!(
        "apps.StatefulSetUpdateStrategy{{Type:{}, RollingUpdate:{ru}}}",
        go_quote(us.type_.as_deref().unwrap_or(""))
    )
}

/// An `intstr.IntOrString` as read from JSON.
#[derive(Clone, Debug, PartialEq)]
enum IntOrString {
    Int(i64),
    Str(String),
}

impl IntOrString {
    fn from_json(v: &Value) -> Self {
        match v {
            Value::Number(n) => IntOrString::Int(n.as_i64().unwrap_or(0)),
            Value::String(s) => IntOrString::Str(s.clone()),
            other => IntOrString::Str(other.to_string()),
        }
    }
    /// `%#v` of the value.
    fn go(&self) -> String {
        match self {
            IntOrString::Int(i) => format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}"),
            IntOrString::Str(s) => format!(
                "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
                go_quote(s)
            ),
        }
    }
    /// `getPercentValue` upstream: any string that is a number once `%` is removed.
    fn percent(&self) -> Option<i64> {
        match self {
            IntOrString::Str(s) => s.replace('%', "").parse::<i64>().ok(),
            IntOrString::Int(_) => None,
        }
    }
    /// `getIntOrPercentValue` upstream (0 for an unparsable string).
    fn int_or_percent(&self) -> i64 {
        match self {
            IntOrString::Int(i) => *i,
            IntOrString::Str(s) => self.percent().unwrap_or_else(|| s.parse().unwrap_or(0)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Names, labels and annotations (apimachinery `pkg/util/validation`)

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const PERCENT_FMT: &str = "[0-9]+%";
const PERCENT_ERR: &str =
    "a valid percent string must be a numeric string followed by an ending '%'";
/// `IsNegativeErrorMsg` upstream.
const NEGATIVE_ERR: &str = "must be greater than or equal to 0";
/// `TotalAnnotationSizeLimitB` upstream (256 KiB).
const ANNOTATIONS_SIZE_LIMIT: usize = 256 * 1024;

/// `RegexError` upstream. With examples it yields the famous double space before `or`
/// (`(e.g. 'my-name',  or '123-abc', regex used …)`, V-1).
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{fmt}')");
    }
    let mut s = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            s.push_str(" or ");
        }
        s.push_str(&format!("'{e}', "));
    }
    s.push_str(&format!("regex used for validation is '{fmt}')"));
    s
}

fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn is_lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// Full match of `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
fn matches_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => {
            is_lower_alnum(f)
                && is_lower_alnum(l)
                && b.iter().all(|&c| is_lower_alnum(c) || c == b'-')
        }
        _ => false,
    }
}

/// Full match of the DNS-1123 subdomain regex (labels joined by dots).
fn matches_dns1123_subdomain(s: &str) -> bool {
    s.split('.').all(matches_dns1123_label)
}

/// Full match of `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
fn matches_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `IsDNS1123Label` (v0.32): length and characters are checked independently; a valid
/// subdomain with dots gets `must not contain dots` instead of the long message (V-1).
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !matches_dns1123_label(value) {
        if matches_dns1123_subdomain(value) {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(
                DNS1123_LABEL_ERR,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// `IsDNS1123Subdomain`.
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push(max_len_error(253));
    }
    if !matches_dns1123_subdomain(value) {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERR,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `IsDNS1035Label` (Service names).
pub fn is_dns1035_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    let b = value.as_bytes();
    let ok = matches!(b.first(), Some(c) if c.is_ascii_lowercase()) && matches_dns1123_label(value);
    if !ok {
        errs.push(regex_error(
            DNS1035_LABEL_ERR,
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// `IsQualifiedName`: label and annotation keys, an optional DNS-subdomain prefix and
/// `/`, then a name of at most 63 characters.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    is_dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len_error(63)));
    }
    if !matches_qualified_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_ERR,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// `IsValidLabelValue`: at most 63 characters, empty or the qualified-name charset (I-6).
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !value.is_empty() && !matches_qualified_name_part(value) {
        errs.push(regex_error(
            LABEL_VALUE_ERR,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `ValidateLabels`: every key a qualified name, every value a valid label value. The
/// bad key or value is reported at the map's own path (e.g. `metadata.labels`).
pub fn validate_labels(labels: &Labels, field: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in labels {
        errs.extend(
            is_qualified_name(k)
                .into_iter()
                .map(|m| FieldError::invalid(field, go_quote(k), m)),
        );
        errs.extend(
            is_valid_label_value(v)
                .into_iter()
                .map(|m| FieldError::invalid(field, go_quote(v), m)),
        );
    }
    errs
}

/// `ValidateAnnotations`: keys are qualified names (case-insensitively) and the whole
/// map is at most 256 KiB.
pub fn validate_annotations(annotations: &Labels, field: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for k in annotations.keys() {
        errs.extend(
            is_qualified_name(&k.to_lowercase())
                .into_iter()
                .map(|m| FieldError::invalid(field, go_quote(k), m)),
        );
    }
    let size: usize = annotations.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > ANNOTATIONS_SIZE_LIMIT {
        errs.push(FieldError::new(
            field,
            ErrorKind::TooLong,
            format!("may not be more than {ANNOTATIONS_SIZE_LIMIT} bytes"),
        ));
    }
    errs
}

/// Which name rule an object's `metadata.name` follows.
#[derive(Clone, Copy)]
enum NameRule {
    Dns1123Label,
    Dns1123Subdomain,
    Dns1035Label,
}

impl NameRule {
    fn check(self, name: &str) -> Vec<String> {
        match self {
            NameRule::Dns1123Label => is_dns1123_label(name),
            NameRule::Dns1123Subdomain => is_dns1123_subdomain(name),
            NameRule::Dns1035Label => is_dns1035_label(name),
        }
    }
}

/// `ValidateObjectMeta` on create: generateName, name, namespace (when set; the API
/// server fills it from the request before validation), labels, annotations.
fn validate_object_meta(meta: &ObjectMeta, rule: NameRule, namespaced: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if !meta.generate_name.is_empty() {
        // `maskTrailingDash`: a generateName may end in `-`.
        let masked = match meta.generate_name.strip_suffix('-') {
            Some(head) if !head.is_empty() => format!("{head}a"),
            _ => meta.generate_name.clone(),
        };
        errs.extend(rule.check(&masked).into_iter().map(|m| {
            FieldError::invalid("metadata.generateName", go_quote(&meta.generate_name), m)
        }));
    }
    if meta.name.is_empty() {
        errs.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        errs.extend(
            rule.check(&meta.name)
                .into_iter()
                .map(|m| FieldError::invalid("metadata.name", go_quote(&meta.name), m)),
        );
    }
    if namespaced && !meta.namespace.is_empty() {
        errs.extend(
            is_dns1123_label(&meta.namespace)
                .into_iter()
                .map(|m| FieldError::invalid("metadata.namespace", go_quote(&meta.namespace), m)),
        );
    }
    errs.extend(validate_labels(&meta.labels, "metadata.labels"));
    errs.extend(validate_annotations(
        &meta.annotations,
        "metadata.annotations",
    ));
    errs
}

/// `ValidateNonnegativeField`.
fn nonnegative(value: i64, field: &str) -> Option<FieldError> {
    (value < 0).then(|| FieldError::invalid(field, value.to_string(), NEGATIVE_ERR))
}

/// `ValidateLabelSelector` with strict label values.
fn validate_label_selector(sel: &LabelSelector, field: &str) -> Vec<FieldError> {
    let mut errs = validate_labels(&sel.match_labels, &format!("{field}.matchLabels"));
    for (i, e) in sel.match_expressions.iter().enumerate() {
        let path = format!("{field}.matchExpressions[{i}]");
        match e.operator.as_str() {
            "In" | "NotIn" => {
                if e.values.is_empty() {
                    errs.push(FieldError::required(
                        format!("{path}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !e.values.is_empty() {
                    errs.push(FieldError::forbidden(
                        format!("{path}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            op => errs.push(FieldError::invalid(
                format!("{path}.operator"),
                go_quote(op),
                "not a valid selector operator",
            )),
        }
        errs.extend(
            is_qualified_name(&e.key)
                .into_iter()
                .map(|m| FieldError::invalid(format!("{path}.key"), go_quote(&e.key), m)),
        );
        for (j, v) in e.values.iter().enumerate() {
            errs.extend(
                is_valid_label_value(v)
                    .into_iter()
                    .map(|m| FieldError::invalid(format!("{path}.values[{j}]"), go_quote(v), m)),
            );
        }
    }
    errs
}

// ---------------------------------------------------------------------------------------
// StatefulSet defaulting (D-1…D-8, F-3)

/// Applies `SetDefaults_StatefulSet` (D-1…D-7) and the pod-template defaults (D-8), then
/// F-3: with the MaxUnavailableStatefulSet gate off, `maxUnavailable` is dropped unless
/// the stored object `old` already has it.
pub fn default_statefulset(
    sts: &mut StatefulSet,
    max_unavailable_gate: bool,
    old: Option<&StatefulSet>,
) {
    let spec = &mut sts.spec;
    // D-1.
    if spec
        .pod_management_policy
        .as_deref()
        .unwrap_or("")
        .is_empty()
    {
        spec.pod_management_policy = Some("OrderedReady".into());
    }
    // D-2: only an empty type gets the default, and only then does a nil rollingUpdate
    // become `{}`.
    let us = spec.update_strategy.get_or_insert_with(Default::default);
    if us.type_.as_deref().unwrap_or("").is_empty() {
        us.type_ = Some("RollingUpdate".into());
        if us.rolling_update.is_none() {
            us.rolling_update = Some(RollingUpdateStrategy::default());
        }
    }
    // D-3.
    if us.type_.as_deref() == Some("RollingUpdate") {
        if let Some(ru) = us.rolling_update.as_mut() {
            if ru.partition.is_none() {
                ru.partition = Some(0);
            }
            if max_unavailable_gate && ru.max_unavailable.is_none() {
                ru.max_unavailable = Some(Value::from(1));
            }
        }
    }
    // D-4.
    let policy = spec
        .persistent_volume_claim_retention_policy
        .get_or_insert_with(PvcRetentionPolicy::default);
    for p in [&mut policy.when_deleted, &mut policy.when_scaled] {
        if p.as_deref().unwrap_or("").is_empty() {
            *p = Some("Retain".into());
        }
    }
    // D-5, D-6 (D-7: nothing else is defaulted, not even the selector).
    spec.replicas.get_or_insert(1);
    spec.revision_history_limit.get_or_insert(10);
    // D-8.
    default_pod_spec(&mut spec.template.spec);
    // F-3 (`dropStatefulSetDisabledFields`, after decoding and defaulting).
    let old_has_max = old
        .and_then(|o| o.rolling_update())
        .is_some_and(|r| r.max_unavailable.is_some());
    if !max_unavailable_gate && !old_has_max {
        if let Some(ru) = sts
            .spec
            .update_strategy
            .as_mut()
            .and_then(|u| u.rolling_update.as_mut())
        {
            ru.max_unavailable = None;
        }
    }
}

/// The PodSpec defaults kubectl shows in a pod template (D-8).
pub fn default_pod_spec(spec: &mut PodSpec) {
    fn set_if_empty(field: &mut Option<String>, value: &str) {
        if field.as_deref().unwrap_or("").is_empty() {
            *field = Some(value.to_string());
        }
    }
    set_if_empty(&mut spec.restart_policy, "Always");
    spec.termination_grace_period_seconds.get_or_insert(30);
    set_if_empty(&mut spec.dns_policy, "ClusterFirst");
    set_if_empty(&mut spec.scheduler_name, "default-scheduler");
    spec.security_context
        .get_or_insert_with(|| Value::Object(Default::default()));
    for c in spec
        .init_containers
        .iter_mut()
        .chain(spec.containers.iter_mut())
    {
        let policy = default_pull_policy(&c.image);
        set_if_empty(&mut c.image_pull_policy, policy);
        set_if_empty(&mut c.termination_message_path, "/dev/termination-log");
        set_if_empty(&mut c.termination_message_policy, "File");
    }
}

/// `Always` when the image's tag is `latest` or there is neither tag nor digest,
/// otherwise `IfNotPresent` (also for references the image parser rejects).
fn default_pull_policy(image: &str) -> &'static str {
    if image.is_empty() || image.trim() != image {
        return "IfNotPresent";
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let slash = name.rfind('/');
    let (repo, tag) = match name.rfind(':') {
        Some(i) if slash.is_none_or(|s| i > s) => (&name[..i], Some(&name[i + 1..])),
        _ => (name, None),
    };
    // The path part of a reference must be lowercase; a registry host may not be.
    let path = match repo.split_once('/') {
        Some((host, rest)) if host.contains(['.', ':']) || host == "localhost" => rest,
        _ => repo,
    };
    if path.bytes().any(|c| c.is_ascii_uppercase()) {
        return "IfNotPresent";
    }
    match (tag, digest) {
        (Some("latest"), _) | (None, None) => "Always",
        _ => "IfNotPresent",
    }
}

// ---------------------------------------------------------------------------------------
// StatefulSet validation (V-1…V-13)

/// `ValidateStatefulSet` (V-1…V-9, in emission order). Expects a defaulted object.
pub fn validate_statefulset_create(sts: &StatefulSet) -> Vec<FieldError> {
    // V-1 (a DNS-1123 label since 1.27) and the usual ObjectMeta rules.
    let mut errs = validate_object_meta(&sts.metadata, NameRule::Dns1123Label, true);
    errs.extend(validate_statefulset_spec(&sts.spec));
    errs
}

/// `ValidateStatefulSetSpec` (V-2…V-9).
fn validate_statefulset_spec(spec: &StatefulSetSpec) -> Vec<FieldError> {
    let mut errs = Vec::new();
    // V-2.
    match spec.pod_management_policy.as_deref().unwrap_or("") {
        "" => errs.push(FieldError::required("spec.podManagementPolicy", "")),
        "OrderedReady" | "Parallel" => {}
        other => errs.push(FieldError::invalid(
            "spec.podManagementPolicy",
            go_quote(other),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    // V-3.
    let us = spec.update_strategy.clone().unwrap_or_default();
    match us.type_.as_deref().unwrap_or("") {
        "" => errs.push(FieldError::required("spec.updateStrategy", "")),
        "OnDelete" => {
            if let Some(ru) = &us.rolling_update {
                errs.push(FieldError::invalid(
                    "spec.updateStrategy.rollingUpdate",
                    go_rolling_update(ru),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(ru) = &us.rolling_update {
                errs.extend(validate_rolling_update(ru));
            }
        }
        _ => errs.push(FieldError::invalid(
            "spec.updateStrategy",
            go_update_strategy(&us),
            "must be 'RollingUpdate' or 'OnDelete'",
        )),
    }
    // V-4.
    if let Some(p) = &spec.persistent_volume_claim_retention_policy {
        for (name, v) in [
            ("whenDeleted", &p.when_deleted),
            ("whenScaled", &p.when_scaled),
        ] {
            let v = v.as_deref().unwrap_or("");
            if v != "Retain" && v != "Delete" {
                errs.push(FieldError::not_supported(
                    format!("spec.persistentVolumeClaimRetentionPolicy.{name}"),
                    v,
                    &["Retain", "Delete"],
                ));
            }
        }
    }
    // V-5.
    errs.extend(nonnegative(
        spec.replicas.unwrap_or(0).into(),
        "spec.replicas",
    ));
    errs.extend(nonnegative(
        spec.min_ready_seconds.unwrap_or(0).into(),
        "spec.minReadySeconds",
    ));
    if let Some(o) = &spec.ordinals {
        errs.extend(nonnegative(o.start.into(), "spec.ordinals.start"));
    }
    // V-6.
    let mut selector_ok = true;
    match &spec.selector {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) => {
            let sel_errs = validate_label_selector(sel, "spec.selector");
            // `LabelSelectorAsSelector` fails exactly when the strict syntax check does.
            selector_ok = sel_errs.is_empty();
            errs.extend(sel_errs);
            if sel.is_empty() {
                errs.push(FieldError::invalid(
                    "spec.selector",
                    go_label_selector(sel),
                    "empty selector is invalid for statefulset",
                ));
            }
        }
    }
    if !selector_ok {
        // The template is then not looked at at all.
        if let Some(sel) = &spec.selector {
            errs.push(FieldError::invalid(
                "spec.selector",
                go_label_selector(sel),
                "",
            ));
        }
        return errs;
    }
    // V-7: a nil selector selects nothing (so it never matches), an empty one
    // everything (so it is not compared).
    let t = &spec.template;
    let everything = spec.selector.as_ref().is_some_and(LabelSelector::is_empty);
    let matches = spec
        .selector
        .as_ref()
        .is_some_and(|s| s.matches(&t.metadata.labels));
    if !everything && !matches {
        errs.push(FieldError::invalid(
            "spec.template.metadata.labels",
            go_string_map(&t.metadata.labels),
            "`selector` does not match template `labels`",
        ));
    }
    errs.extend(validate_labels(&t.metadata.labels, "spec.template.labels"));
    errs.extend(validate_annotations(
        &t.metadata.annotations,
        "spec.template.annotations",
    ));
    // V-8.
    let rp = t.spec.restart_policy.as_deref().unwrap_or("");
    if rp != "Always" {
        errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            rp,
            &["Always"],
        ));
    }
    // V-9.
    if t.spec.active_deadline_seconds.is_some() {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
    errs
}

/// `validateRollingUpdateStatefulSet` (V-3).
fn validate_rolling_update(ru: &RollingUpdateStrategy) -> Vec<FieldError> {
    const PATH: &str = "spec.updateStrategy.rollingUpdate.maxUnavailable";
    let mut errs: Vec<FieldError> = nonnegative(
        ru.partition.unwrap_or(0).into(),
        "spec.updateStrategy.rollingUpdate.partition",
    )
    .into_iter()
    .collect();
    if let Some(raw) = &ru.max_unavailable {
        let v = IntOrString::from_json(raw);
        match &v {
            IntOrString::Str(s) => {
                let ok = s
                    .strip_suffix('%')
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()));
                if !ok {
                    errs.push(FieldError::invalid(
                        PATH,
                        v.go(),
                        regex_error(PERCENT_ERR, PERCENT_FMT, &["1%", "93%"]),
                    ));
                }
            }
            IntOrString::Int(i) => errs.extend(nonnegative(*i, PATH)),
        }
        if v.int_or_percent() == 0 {
            errs.push(FieldError::invalid(PATH, v.go(), "cannot be 0"));
        }
        if v.percent().is_some_and(|p| p > 100) {
            errs.push(FieldError::invalid(
                PATH,
                v.go(),
                "must not be greater than 100%",
            ));
        }
    }
    errs
}

/// `ValidateStatefulSetUpdate` (V-11…V-13): metadata update rules (the name is not
/// re-validated), the whole spec again (V-12), then one Forbidden error if anything but
/// the mutable fields changed (V-13). Expects both objects defaulted.
pub fn validate_statefulset_update(old: &StatefulSet, new: &StatefulSet) -> Vec<FieldError> {
    // V-11.
    let mut errs = Vec::new();
    for (field, n, o) in [
        ("metadata.name", &new.metadata.name, &old.metadata.name),
        (
            "metadata.namespace",
            &new.metadata.namespace,
            &old.metadata.namespace,
        ),
    ] {
        if n != o {
            errs.push(FieldError::invalid(
                field,
                go_quote(n),
                "field is immutable",
            ));
        }
    }
    if !new.metadata.uid.is_empty()
        && !old.metadata.uid.is_empty()
        && new.metadata.uid != old.metadata.uid
    {
        errs.push(FieldError::invalid(
            "metadata.uid",
            go_quote(&new.metadata.uid),
            "field is immutable",
        ));
    }
    errs.extend(validate_labels(&new.metadata.labels, "metadata.labels"));
    errs.extend(validate_annotations(
        &new.metadata.annotations,
        "metadata.annotations",
    ));
    // V-12.
    errs.extend(validate_statefulset_spec(&new.spec));
    // V-13.
    let mut clone = new.spec.clone();
    clone.replicas = old.spec.replicas;
    clone.template = old.spec.template.clone();
    clone.update_strategy = old.spec.update_strategy.clone();
    clone.min_ready_seconds = old.spec.min_ready_seconds;
    clone.ordinals = old.spec.ordinals.clone();
    clone.persistent_volume_claim_retention_policy =
        old.spec.persistent_volume_claim_retention_policy.clone();
    if !semantic_eq(clone, old.spec.clone()) {
        errs.push(FieldError::forbidden(
            "spec",
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ));
    }
    errs
}

/// `apiequality.Semantic.DeepEqual` for the immutable part of a spec: quantities compare
/// by value, and claim templates compare as the server stores them (volumeMode
/// defaulted to `Filesystem`, the template's status ignored).
fn semantic_eq(mut a: StatefulSetSpec, mut b: StatefulSetSpec) -> bool {
    for spec in [&mut a, &mut b] {
        for t in &mut spec.volume_claim_templates {
            t.status = Default::default();
            if t.spec.volume_mode.is_none() {
                t.spec.volume_mode = Some("Filesystem".into());
            }
            if let Some(r) = t.spec.resources.as_mut() {
                for q in r.requests.values_mut().chain(r.limits.values_mut()) {
                    if let Some(m) = crate::quantity::parse_milli(&q.text()) {
                        *q = Quantity::Text(format!("{m}m"));
                    }
                }
            }
        }
    }
    a == b
}

// ---------------------------------------------------------------------------------------
// Pods and claims created by the controller (V-10, V-15, E-3, I-6)

/// What the API server says when the controller creates `pod` (V-15/E-3), e.g.
/// `Pod "web-0" is invalid: spec.containers[0].image: Required value`.
pub fn validate_new_pod(pod: &Pod) -> Result<(), String> {
    let errs = pod_errors(pod);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(api_invalid_message("Pod", &pod.metadata.name, &errs))
    }
}

/// `ValidatePodCreate`, reduced to the checks that matter for StatefulSet pods (the
/// causes behind [`validate_new_pod`]; expects a defaulted spec, see D-8).
pub fn pod_errors(pod: &Pod) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&pod.metadata, NameRule::Dns1123Subdomain, true);
    let spec = &pod.spec;
    // Volumes; only volumes without errors can be mounted.
    let mut volumes = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for (i, v) in spec.volumes.iter().enumerate() {
        let path = format!("spec.volumes[{i}]");
        let mut el = Vec::new();
        match &v.persistent_volume_claim {
            Some(pvc) if pvc.claim_name.is_empty() => el.push(FieldError::required(
                format!("{path}.persistentVolumeClaim.claimName"),
                "",
            )),
            Some(_) => {}
            None if v.extra.is_empty() => el.push(FieldError::required(
                path.clone(),
                "must specify a volume type",
            )),
            None => {}
        }
        let name_path = format!("{path}.name");
        if v.name.is_empty() {
            el.push(FieldError::required(name_path.clone(), ""));
        } else {
            el.extend(
                is_dns1123_label(&v.name)
                    .into_iter()
                    .map(|m| FieldError::invalid(&name_path, go_quote(&v.name), m)),
            );
        }
        if seen.contains(&v.name) {
            el.push(FieldError::duplicate(&name_path, &v.name));
        }
        if el.is_empty() {
            seen.insert(v.name.clone());
            volumes.insert(v.name.clone());
        } else {
            errs.extend(el);
        }
    }
    // Containers, then init containers (whose names must not clash with either).
    if spec.containers.is_empty() {
        errs.push(FieldError::required("spec.containers", ""));
    }
    let mut names = BTreeSet::new();
    for (i, c) in spec.containers.iter().enumerate() {
        errs.extend(container_errors(
            c,
            &format!("spec.containers[{i}]"),
            &mut names,
            &volumes,
        ));
    }
    for (i, c) in spec.init_containers.iter().enumerate() {
        errs.extend(container_errors(
            c,
            &format!("spec.initContainers[{i}]"),
            &mut names,
            &volumes,
        ));
    }
    match spec.restart_policy.as_deref().unwrap_or("") {
        "Always" | "OnFailure" | "Never" => {}
        "" => errs.push(FieldError::required("spec.restartPolicy", "")),
        other => errs.push(FieldError::not_supported(
            "spec.restartPolicy",
            other,
            &["Always", "OnFailure", "Never"],
        )),
    }
    match spec.dns_policy.as_deref().unwrap_or("") {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => errs.push(FieldError::required("spec.dnsPolicy", "")),
        other => errs.push(FieldError::not_supported(
            "spec.dnsPolicy",
            other,
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    errs.extend(validate_labels(&spec.node_selector, "spec.nodeSelector"));
    for (field, value) in [
        ("spec.hostname", &spec.hostname),
        ("spec.subdomain", &spec.subdomain),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            errs.extend(
                is_dns1123_label(v)
                    .into_iter()
                    .map(|m| FieldError::invalid(field, go_quote(v), m)),
            );
        }
    }
    errs
}

/// `validateContainerCommon`, reduced: name, image, pull policy, volume mounts.
fn container_errors(
    c: &Container,
    path: &str,
    names: &mut BTreeSet<String>,
    volumes: &BTreeSet<String>,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name_path = format!("{path}.name");
    if c.name.is_empty() {
        errs.push(FieldError::required(&name_path, ""));
    } else {
        errs.extend(
            is_dns1123_label(&c.name)
                .into_iter()
                .map(|m| FieldError::invalid(&name_path, go_quote(&c.name), m)),
        );
    }
    if !names.insert(c.name.clone()) {
        errs.push(FieldError::duplicate(&name_path, &c.name));
    }
    if c.image.is_empty() {
        errs.push(FieldError::required(format!("{path}.image"), ""));
    } else if c.image.trim() != c.image {
        errs.push(FieldError::invalid(
            format!("{path}.image"),
            go_quote(&c.image),
            "must not have leading or trailing whitespace",
        ));
    }
    match c.image_pull_policy.as_deref().unwrap_or("") {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => errs.push(FieldError::required(format!("{path}.imagePullPolicy"), "")),
        other => errs.push(FieldError::not_supported(
            format!("{path}.imagePullPolicy"),
            other,
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    let mut mount_points = BTreeSet::new();
    for (j, m) in c.volume_mounts.iter().enumerate() {
        let mp = format!("{path}.volumeMounts[{j}]");
        if m.name.is_empty() {
            errs.push(FieldError::required(format!("{mp}.name"), ""));
        }
        if !volumes.contains(&m.name) {
            errs.push(FieldError::not_found(format!("{mp}.name"), &m.name));
        }
        if m.mount_path.is_empty() {
            errs.push(FieldError::required(format!("{mp}.mountPath"), ""));
        }
        if !mount_points.insert(m.mount_path.clone()) {
            errs.push(FieldError::invalid(
                format!("{mp}.mountPath"),
                go_quote(&m.mount_path),
                "must be unique",
            ));
        }
    }
    errs
}

/// PVC create validation (P-1/V-10: a claim template without accessModes is accepted on
/// the set but fails here), e.g.
/// `PersistentVolumeClaim "www-web-0" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]`.
pub fn validate_new_pvc(pvc: &PersistentVolumeClaim) -> Result<(), String> {
    let errs = pvc_errors(pvc);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(api_invalid_message(
            "PersistentVolumeClaim",
            &pvc.metadata.name,
            &errs,
        ))
    }
}

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

/// PVC create validation: the causes behind [`validate_new_pvc`].
pub fn pvc_errors(pvc: &PersistentVolumeClaim) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&pvc.metadata, NameRule::Dns1123Subdomain, true);
    errs.extend(pvc_spec_errors(&pvc.spec));
    errs
}

/// `ValidatePersistentVolumeClaimSpec`, reduced.
fn pvc_spec_errors(spec: &PvcSpec) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec.access_modes.is_empty() {
        errs.push(FieldError::required(
            "spec.accessModes",
            "at least 1 access mode is required",
        ));
    }
    if let Some(sel) = &spec.selector {
        errs.extend(validate_label_selector(sel, "spec.selector"));
    }
    errs.extend(access_mode_errors(&spec.access_modes));
    let storage = spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.get("storage"));
    match storage {
        None => errs.push(FieldError::required("spec.resources[storage]", "")),
        Some(q) => errs.extend(positive_quantity(q, "spec.resources[storage]")),
    }
    if let Some(class) = spec.storage_class_name.as_deref().filter(|c| !c.is_empty()) {
        errs.extend(
            is_dns1123_subdomain(class)
                .into_iter()
                .map(|m| FieldError::invalid("spec.storageClassName", go_quote(class), m)),
        );
    }
    if let Some(mode) = spec.volume_mode.as_deref() {
        if mode != "Block" && mode != "Filesystem" {
            errs.push(FieldError::not_supported(
                "spec.volumeMode",
                mode,
                &["Block", "Filesystem"],
            ));
        }
    }
    errs
}

fn access_mode_errors(modes: &[String]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (mut rwop, mut other) = (false, false);
    for m in modes {
        if !ACCESS_MODES.contains(&m.as_str()) {
            errs.push(FieldError::not_supported(
                "spec.accessModes",
                m,
                ACCESS_MODES,
            ));
        } else if m == "ReadWriteOncePod" {
            rwop = true;
        } else {
            other = true;
        }
    }
    if rwop && other {
        errs.push(FieldError::forbidden(
            "spec.accessModes",
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    errs
}

/// `ValidatePositiveQuantityValue` (and the decoder's quantity syntax check).
fn positive_quantity(q: &Quantity, field: &str) -> Option<FieldError> {
    let text = q.text();
    match crate::quantity::parse_milli(&text) {
        None => Some(FieldError::invalid(
            field,
            go_quote(&text),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        )),
        Some(m) if m <= 0 => Some(FieldError::invalid(field, go_quote(&text), "must be greater than zero")),
        Some(_) => None,
    }
}

// ---------------------------------------------------------------------------------------
// Other kinds

/// Basic create validation for any object of a manifest. A StatefulSet or Pod is
/// defaulted first (on a copy), as the API server does before validating.
pub fn validate_object(obj: &Object) -> Vec<FieldError> {
    match obj {
        Object::StatefulSet(s) => {
            let mut s = s.clone();
            default_statefulset(&mut s, false, None);
            validate_statefulset_create(&s)
        }
        Object::Pod(p) => {
            let mut p = p.clone();
            default_pod_spec(&mut p.spec);
            pod_errors(&p)
        }
        Object::PersistentVolumeClaim(p) => pvc_errors(p),
        Object::Service(s) => service_errors(s),
        Object::PersistentVolume(pv) => pv_errors(pv),
        Object::StorageClass(sc) => storage_class_errors(sc),
        Object::Deployment(d) => {
            let mut d = d.clone();
            default_deployment(&mut d);
            validate_deployment(&d, None)
        }
        Object::ReplicaSet(r) => {
            let mut r = r.clone();
            default_replicaset(&mut r);
            validate_replicaset(&r, None)
        }
        Object::Other { kind, metadata, .. } => {
            if kind == "Namespace" {
                validate_object_meta(metadata, NameRule::Dns1123Label, false)
            } else {
                validate_object_meta(metadata, NameRule::Dns1123Subdomain, true)
            }
        }
    }
}

/// `ValidateService`, reduced: DNS-1035 name, type, ports, selector labels.
fn service_errors(s: &Service) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&s.metadata, NameRule::Dns1035Label, true);
    let ty = s.spec.type_.as_deref().unwrap_or("ClusterIP");
    if !["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"].contains(&ty) {
        errs.push(FieldError::not_supported(
            "spec.type",
            ty,
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }
    let ports = s
        .spec
        .extra
        .get("ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // model.rs renames `cluster_ip` to `clusterIp` (serde's camelCase), so a manifest's
    // `clusterIP` may land in `extra`; both spellings are honoured here.
    let cluster_ip_none =
        s.headless() || s.spec.extra.get("clusterIP").and_then(Value::as_str) == Some("None");
    let headless = ty == "ClusterIP" && cluster_ip_none;
    if ports.is_empty() && !headless && ty != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    for (i, p) in ports.iter().enumerate() {
        let path = format!("spec.ports[{i}]");
        if ports.len() > 1
            && p.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
        {
            errs.push(FieldError::required(format!("{path}.name"), ""));
        }
        let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
        if !(1..=65535).contains(&port) {
            errs.push(FieldError::invalid(
                format!("{path}.port"),
                port.to_string(),
                "must be between 1 and 65535, inclusive",
            ));
        }
    }
    errs.extend(validate_labels(&s.spec.selector, "spec.selector"));
    errs
}

/// `ValidatePersistentVolume`, reduced.
fn pv_errors(pv: &PersistentVolume) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&pv.metadata, NameRule::Dns1123Subdomain, false);
    let spec = &pv.spec;
    if spec.access_modes.is_empty() {
        errs.push(FieldError::required("spec.accessModes", ""));
    }
    errs.extend(access_mode_errors(&spec.access_modes));
    if spec.capacity.is_empty() {
        errs.push(FieldError::required("spec.capacity", ""));
    } else if !spec.capacity.contains_key("storage") || spec.capacity.len() > 1 {
        let items: Vec<String> = spec
            .capacity
            .iter()
            .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(&v.text())))
            .collect();
        let rendered = format!("core.ResourceList{{{}}}", items.join(", "));
        errs.push(FieldError::new(
            "spec.capacity",
            ErrorKind::NotSupported(rendered, vec!["storage".into()]),
            "",
        ));
    }
    for (k, q) in &spec.capacity {
        errs.extend(positive_quantity(q, &format!("spec.capacity[{k}]")));
    }
    if let Some(class) = spec.storage_class_name.as_deref().filter(|c| !c.is_empty()) {
        errs.extend(
            is_dns1123_subdomain(class)
                .into_iter()
                .map(|m| FieldError::invalid("spec.storageClassName", go_quote(class), m)),
        );
    }
    if let Some(p) = spec.persistent_volume_reclaim_policy.as_deref() {
        if !["Delete", "Recycle", "Retain"].contains(&p) {
            errs.push(FieldError::not_supported(
                "spec.persistentVolumeReclaimPolicy",
                p,
                &["Delete", "Recycle", "Retain"],
            ));
        }
    }
    // Any key that is not a known non-source field counts as a volume source.
    let non_sources = [
        "mountOptions",
        "nodeAffinity",
        "volumeMode",
        "volumeAttributesClassName",
    ];
    if !spec
        .extra
        .keys()
        .any(|k| !non_sources.contains(&k.as_str()))
    {
        errs.push(FieldError::required("spec", "must specify a volume type"));
    }
    errs
}

/// `ValidateStorageClass`, reduced.
fn storage_class_errors(sc: &StorageClass) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&sc.metadata, NameRule::Dns1123Subdomain, false);
    if sc.provisioner.is_empty() {
        errs.push(FieldError::required("provisioner", ""));
    } else {
        errs.extend(
            is_qualified_name(&sc.provisioner.to_lowercase())
                .into_iter()
                .map(|m| FieldError::invalid("provisioner", go_quote(&sc.provisioner), m)),
        );
    }
    if let Some(p) = sc.reclaim_policy.as_deref() {
        if p != "Delete" && p != "Retain" {
            errs.push(FieldError::not_supported(
                "reclaimPolicy",
                p,
                &["Delete", "Retain"],
            ));
        }
    }
    if let Some(m) = sc.volume_binding_mode.as_deref() {
        if m != "Immediate" && m != "WaitForFirstConsumer" {
            errs.push(FieldError::not_supported(
                "volumeBindingMode",
                m,
                &["Immediate", "WaitForFirstConsumer"],
            ));
        }
    }
    errs
}

// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Deployments and ReplicaSets (`pkg/apis/apps/v1/defaults.go`,
// `pkg/apis/apps/validation/validation.go`)

/// `SetDefaults_Deployment`: replicas 1, strategy RollingUpdate with maxUnavailable and
/// maxSurge 25%, revisionHistoryLimit 10, progressDeadlineSeconds 600; then the pod
/// template defaults.
pub fn default_deployment(d: &mut Deployment) {
    let spec = &mut d.spec;
    spec.replicas.get_or_insert(1);
    let strategy = spec.strategy.get_or_insert_with(Default::default);
    if strategy.type_.as_deref().unwrap_or("").is_empty() {
        strategy.type_ = Some("RollingUpdate".into());
    }
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        let ru = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        ru.max_unavailable
            .get_or_insert_with(|| Value::String("25%".into()));
        ru.max_surge
            .get_or_insert_with(|| Value::String("25%".into()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    default_pod_spec(&mut spec.template.spec);
}

/// `SetDefaults_ReplicaSet`: replicas 1; then the pod template defaults.
pub fn default_replicaset(r: &mut ReplicaSet) {
    r.spec.replicas.get_or_insert(1);
    default_pod_spec(&mut r.spec.template.spec);
}

/// The selector rules shared by `ValidateDeploymentSpec` and `ValidateReplicaSetSpec`,
/// then `ValidatePodTemplateSpecForReplicaSet`.
fn validate_selector_and_template(
    selector: Option<&LabelSelector>,
    template: &crate::model::PodTemplateSpec,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut selector_ok = true;
    match selector {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) => {
            let sel_errs = validate_label_selector(sel, "spec.selector");
            selector_ok = sel_errs.is_empty();
            errs.extend(sel_errs);
            if sel.is_empty() {
                // Both kinds say "deployment" upstream.
                errs.push(FieldError::invalid(
                    "spec.selector",
                    go_label_selector(sel),
                    "empty selector is invalid for deployment",
                ));
            }
        }
    }
    if !selector_ok {
        if let Some(sel) = selector {
            errs.push(FieldError::invalid(
                "spec.selector",
                go_label_selector(sel),
                "invalid label selector",
            ));
        }
        return errs;
    }
    let everything = selector.is_none_or(LabelSelector::is_empty);
    if !everything && !selector.is_some_and(|s| s.matches(&template.metadata.labels)) {
        errs.push(FieldError::invalid(
            "spec.template.metadata.labels",
            go_string_map(&template.metadata.labels),
            "`selector` does not match template `labels`",
        ));
    }
    errs.extend(validate_labels(
        &template.metadata.labels,
        "spec.template.labels",
    ));
    errs.extend(validate_annotations(
        &template.metadata.annotations,
        "spec.template.annotations",
    ));
    // `ValidatePodTemplateSpec` → the pod spec rules, reported under the template.
    let pod = Pod {
        metadata: ObjectMeta {
            name: "template".into(),
            ..ObjectMeta::default()
        },
        spec: template.spec.clone(),
        status: Default::default(),
    };
    for mut e in pod_errors(&pod) {
        if let Some(rest) = e.field.strip_prefix("spec.") {
            e.field = format!("spec.template.spec.{rest}");
            errs.push(e);
        }
    }
    let rp = template.spec.restart_policy.as_deref().unwrap_or("");
    if rp != "Always" {
        errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            rp,
            &["Always"],
        ));
    }
    if template.spec.active_deadline_seconds.is_some() {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        ));
    }
    errs
}

/// `ValidatePositiveIntOrPercent` + the rest of `ValidateRollingUpdateDeployment`.
fn validate_rolling_update_deployment(ru: &RollingUpdateDeployment) -> Vec<FieldError> {
    const BASE: &str = "spec.strategy.rollingUpdate";
    let mut errs = Vec::new();
    let zero = Value::from(0);
    let unavailable = IntOrString::from_json(ru.max_unavailable.as_ref().unwrap_or(&zero));
    let surge = IntOrString::from_json(ru.max_surge.as_ref().unwrap_or(&zero));
    for (name, v) in [("maxUnavailable", &unavailable), ("maxSurge", &surge)] {
        let path = format!("{BASE}.{name}");
        match v {
            IntOrString::Str(s) => {
                let ok = s
                    .strip_suffix('%')
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()));
                if !ok {
                    errs.push(FieldError::invalid(
                        path,
                        v.go(),
                        regex_error(PERCENT_ERR, PERCENT_FMT, &["1%", "93%"]),
                    ));
                }
            }
            IntOrString::Int(i) => errs.extend(nonnegative(*i, &path)),
        }
    }
    if unavailable.int_or_percent() == 0 && surge.int_or_percent() == 0 {
        errs.push(FieldError::invalid(
            format!("{BASE}.maxUnavailable"),
            unavailable.go(),
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    if unavailable.percent().is_some_and(|p| p > 100) {
        errs.push(FieldError::invalid(
            format!("{BASE}.maxUnavailable"),
            unavailable.go(),
            "must not be greater than 100%",
        ));
    }
    errs
}

/// `ValidateDeployment` (create) or `ValidateDeploymentUpdate` (with `old`): metadata,
/// `ValidateDeploymentSpec`, and on update the immutable selector. Expects defaulted
/// objects.
pub fn validate_deployment(d: &Deployment, old: Option<&Deployment>) -> Vec<FieldError> {
    let mut errs = match old {
        None => validate_object_meta(&d.metadata, NameRule::Dns1123Subdomain, true),
        Some(_) => {
            let mut e = validate_labels(&d.metadata.labels, "metadata.labels");
            e.extend(validate_annotations(
                &d.metadata.annotations,
                "metadata.annotations",
            ));
            e
        }
    };
    let spec = &d.spec;
    errs.extend(nonnegative(
        spec.replicas.unwrap_or(0).into(),
        "spec.replicas",
    ));
    errs.extend(validate_selector_and_template(
        spec.selector.as_ref(),
        &spec.template,
    ));
    // `ValidateDeploymentStrategy`.
    let strategy = spec.strategy.clone().unwrap_or_default();
    match strategy.type_.as_deref().unwrap_or("") {
        "Recreate" => {
            if strategy.rolling_update.is_some() {
                errs.push(FieldError::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => match &strategy.rolling_update {
            None => errs.push(FieldError::required(
                "spec.strategy.rollingUpdate",
                "this should be defaulted and never be nil",
            )),
            Some(ru) => errs.extend(validate_rolling_update_deployment(ru)),
        },
        other => errs.push(FieldError::not_supported(
            "spec.strategy.type",
            other,
            &["Recreate", "RollingUpdate"],
        )),
    }
    errs.extend(nonnegative(
        spec.min_ready_seconds.unwrap_or(0).into(),
        "spec.minReadySeconds",
    ));
    if let Some(n) = spec.revision_history_limit {
        errs.extend(nonnegative(n.into(), "spec.revisionHistoryLimit"));
    }
    if let Some(p) = spec.progress_deadline_seconds {
        errs.extend(nonnegative(p.into(), "spec.progressDeadlineSeconds"));
        if p <= spec.min_ready_seconds.unwrap_or(0) {
            errs.push(FieldError::invalid(
                "spec.progressDeadlineSeconds",
                p.to_string(),
                "must be greater than minReadySeconds",
            ));
        }
    }
    if let Some(old) = old {
        // apps/v1 `ValidateDeploymentUpdate`: the selector is immutable.
        if spec.selector != old.spec.selector {
            let shown = spec
                .selector
                .as_ref()
                .map(|s| format!("&{}", go_label_selector(s)))
                .unwrap_or_else(|| "nil".into());
            errs.push(FieldError::invalid(
                "spec.selector",
                shown,
                "field is immutable",
            ));
        }
    }
    errs
}

/// `ValidateReplicaSet` (create) or `ValidateReplicaSetUpdate` (with `old`).
pub fn validate_replicaset(r: &ReplicaSet, old: Option<&ReplicaSet>) -> Vec<FieldError> {
    let mut errs = match old {
        None => validate_object_meta(&r.metadata, NameRule::Dns1123Subdomain, true),
        Some(_) => validate_labels(&r.metadata.labels, "metadata.labels"),
    };
    errs.extend(nonnegative(
        r.spec.replicas.unwrap_or(0).into(),
        "spec.replicas",
    ));
    errs.extend(nonnegative(
        r.spec.min_ready_seconds.unwrap_or(0).into(),
        "spec.minReadySeconds",
    ));
    errs.extend(validate_selector_and_template(
        r.spec.selector.as_ref(),
        &r.spec.template,
    ));
    if let Some(old) = old {
        if r.spec.selector != old.spec.selector {
            let shown = r
                .spec
                .selector
                .as_ref()
                .map(|s| format!("&{}", go_label_selector(s)))
                .unwrap_or_else(|| "nil".into());
            errs.push(FieldError::invalid(
                "spec.selector",
                shown,
                "field is immutable",
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse_stream;
    use crate::model::{PvcVolumeSource, Volume, VolumeMount};

    const WEB: &str = "apiVersion: apps/v1
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
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
";

    /// Parses a StatefulSet manifest without defaulting it.
    fn raw(text: &str) -> StatefulSet {
        let (docs, errs) = parse_stream(text);
        assert!(errs.is_empty(), "{errs:?}");
        match docs.into_iter().next().map(|d| d.object) {
            Some(Object::StatefulSet(s)) => s,
            other => panic!("not a StatefulSet: {other:?}"),
        }
    }

    /// Parses and defaults (gate off, create).
    fn web_with(edit: impl FnOnce(&mut StatefulSet)) -> StatefulSet {
        let mut s = raw(WEB);
        edit(&mut s);
        default_statefulset(&mut s, false, None);
        s
    }

    fn msgs(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    fn create_errors(edit: impl FnOnce(&mut StatefulSet)) -> Vec<String> {
        msgs(&validate_statefulset_create(&web_with(edit)))
    }

    // ----- Defaulting

    #[test]
    fn d1_pod_management_policy_defaults_to_ordered_ready() {
        assert_eq!(
            web_with(|_| {}).spec.pod_management_policy.as_deref(),
            Some("OrderedReady")
        );
        let s = web_with(|s| s.spec.pod_management_policy = Some("Parallel".into()));
        assert_eq!(s.spec.pod_management_policy.as_deref(), Some("Parallel"));
    }

    #[test]
    fn d2_empty_type_gets_rolling_update_and_an_empty_rolling_update() {
        let s = web_with(|_| {});
        let us = s.spec.update_strategy.clone().unwrap_or_default();
        assert_eq!(us.type_.as_deref(), Some("RollingUpdate"));
        assert_eq!(
            us.rolling_update,
            Some(RollingUpdateStrategy {
                partition: Some(0),
                max_unavailable: None
            })
        );
    }

    #[test]
    fn d2_explicit_rolling_update_type_keeps_rolling_update_nil() {
        let s = web_with(|s| {
            s.spec.update_strategy = Some(StatefulSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: None,
            })
        });
        assert_eq!(s.rolling_update(), None);
        let s = web_with(|s| {
            s.spec.update_strategy = Some(StatefulSetUpdateStrategy {
                type_: Some("OnDelete".into()),
                rolling_update: None,
            })
        });
        assert_eq!(s.rolling_update(), None);
        assert!(validate_statefulset_create(&s).is_empty());
    }

    #[test]
    fn d3_partition_defaults_to_0_and_max_unavailable_to_1_with_the_gate() {
        let mut s = raw(WEB);
        s.spec.update_strategy = Some(StatefulSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(RollingUpdateStrategy::default()),
        });
        let mut gated = s.clone();
        default_statefulset(&mut s, false, None);
        assert_eq!(
            s.rolling_update(),
            Some(&RollingUpdateStrategy {
                partition: Some(0),
                max_unavailable: None
            })
        );
        default_statefulset(&mut gated, true, None);
        assert_eq!(
            gated.rolling_update(),
            Some(&RollingUpdateStrategy {
                partition: Some(0),
                max_unavailable: Some(Value::from(1))
            })
        );
    }

    #[test]
    fn d4_retention_policy_defaults_to_retain_retain() {
        let s = web_with(|_| {});
        let p = s
            .spec
            .persistent_volume_claim_retention_policy
            .clone()
            .unwrap_or_default();
        assert_eq!(
            (p.when_deleted.as_deref(), p.when_scaled.as_deref()),
            (Some("Retain"), Some("Retain"))
        );
        let s = web_with(|s| {
            s.spec.persistent_volume_claim_retention_policy = Some(PvcRetentionPolicy {
                when_deleted: Some("Delete".into()),
                when_scaled: Some(String::new()),
            })
        });
        let p = s
            .spec
            .persistent_volume_claim_retention_policy
            .clone()
            .unwrap_or_default();
        assert_eq!(
            (p.when_deleted.as_deref(), p.when_scaled.as_deref()),
            (Some("Delete"), Some("Retain"))
        );
    }

    #[test]
    fn d5_replicas_defaults_to_1() {
        assert_eq!(web_with(|s| s.spec.replicas = None).spec.replicas, Some(1));
        assert_eq!(
            web_with(|s| s.spec.replicas = Some(0)).spec.replicas,
            Some(0)
        );
    }

    #[test]
    fn d6_revision_history_limit_defaults_to_10() {
        assert_eq!(web_with(|_| {}).spec.revision_history_limit, Some(10));
        assert_eq!(
            web_with(|s| s.spec.revision_history_limit = Some(-1))
                .spec
                .revision_history_limit,
            Some(-1)
        );
    }

    #[test]
    fn d7_selector_ordinals_min_ready_and_service_name_are_not_defaulted() {
        let s = web_with(|s| {
            s.spec.selector = None;
            s.spec.service_name.clear();
        });
        assert_eq!(s.spec.selector, None);
        assert_eq!(s.spec.ordinals, None);
        assert_eq!(s.spec.min_ready_seconds, None);
        assert_eq!(s.spec.service_name, "");
    }

    #[test]
    fn d8_pod_template_defaults() {
        let s = web_with(|s| {
            s.spec.template.spec.init_containers.push(Container {
                name: "init".into(),
                image: "busybox".into(),
                ..Default::default()
            })
        });
        let p = &s.spec.template.spec;
        assert_eq!(p.restart_policy.as_deref(), Some("Always"));
        assert_eq!(p.termination_grace_period_seconds, Some(30));
        assert_eq!(p.dns_policy.as_deref(), Some("ClusterFirst"));
        assert_eq!(p.scheduler_name.as_deref(), Some("default-scheduler"));
        assert_eq!(p.security_context, Some(Value::Object(Default::default())));
        let c = &p.containers[0];
        assert_eq!(c.image_pull_policy.as_deref(), Some("IfNotPresent"));
        assert_eq!(
            c.termination_message_path.as_deref(),
            Some("/dev/termination-log")
        );
        assert_eq!(c.termination_message_policy.as_deref(), Some("File"));
        assert_eq!(
            p.init_containers[0].image_pull_policy.as_deref(),
            Some("Always")
        );
    }

    #[test]
    fn d8_image_pull_policy_follows_the_tag() {
        for (image, want) in [
            ("nginx", "Always"),
            ("nginx:latest", "Always"),
            ("nginx:1.25", "IfNotPresent"),
            ("localhost:5000/nginx", "Always"),
            ("localhost:5000/nginx:v1", "IfNotPresent"),
            ("registry.k8s.io/nginx-slim:0.24", "IfNotPresent"),
            ("nginx@sha256:0123456789abcdef", "IfNotPresent"),
            ("nginx:latest@sha256:0123456789abcdef", "Always"),
            ("", "IfNotPresent"),
            ("Nginx", "IfNotPresent"),
        ] {
            assert_eq!(default_pull_policy(image), want, "{image}");
        }
        // An explicit policy is kept.
        let mut spec = PodSpec {
            containers: vec![Container {
                image: "nginx".into(),
                image_pull_policy: Some("Never".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        default_pod_spec(&mut spec);
        assert_eq!(
            spec.containers[0].image_pull_policy.as_deref(),
            Some("Never")
        );
    }

    #[test]
    fn f3_max_unavailable_is_dropped_when_the_gate_is_off() {
        let with_max = |v: Value| {
            let mut s = raw(WEB);
            s.spec.update_strategy = Some(StatefulSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateStrategy {
                    partition: None,
                    max_unavailable: Some(v),
                }),
            });
            s
        };
        // Gate off, new object: dropped silently, even the invalid 0.
        let mut s = with_max(Value::from(0));
        default_statefulset(&mut s, false, None);
        assert_eq!(
            s.rolling_update().and_then(|r| r.max_unavailable.clone()),
            None
        );
        assert!(validate_statefulset_create(&s).is_empty());
        // Gate off, but the stored object already has it: kept.
        let mut old = with_max(Value::from(2));
        default_statefulset(&mut old, true, None);
        let mut s = with_max(Value::from(3));
        default_statefulset(&mut s, false, Some(&old));
        assert_eq!(
            s.rolling_update().and_then(|r| r.max_unavailable.clone()),
            Some(Value::from(3))
        );
        // Gate on: kept and validated.
        let mut s = with_max(Value::from(0));
        default_statefulset(&mut s, true, None);
        assert_eq!(
            msgs(&validate_statefulset_create(&s)),
            ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: cannot be 0"]
        );
    }

    // ----- Create validation

    #[test]
    fn valid_statefulset_has_no_errors() {
        assert!(create_errors(|_| {}).is_empty());
    }

    #[test]
    fn v1_name_longer_than_63() {
        let name = "a".repeat(64);
        assert_eq!(
            create_errors(|s| s.metadata.name = name.clone()),
            [format!(
                "metadata.name: Invalid value: \"{name}\": must be no more than 63 characters"
            )]
        );
        // 63 is fine (I-6: accepted even though its pods will fail).
        assert!(create_errors(|s| s.metadata.name = "a".repeat(63)).is_empty());
    }

    #[test]
    fn v1_bad_characters_message_has_the_double_space() {
        assert_eq!(
            create_errors(|s| s.metadata.name = "Web_1".into()),
            ["metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]
        );
    }

    #[test]
    fn v1_dots_give_must_not_contain_dots_instead() {
        assert_eq!(
            create_errors(|s| s.metadata.name = "web.v1".into()),
            ["metadata.name: Invalid value: \"web.v1\": must not contain dots"]
        );
    }

    #[test]
    fn v1_long_and_bad_name_gets_both_errors() {
        let name = format!("{}_", "a".repeat(69));
        let errs = create_errors(|s| s.metadata.name = name.clone());
        assert_eq!(errs.len(), 2);
        assert!(errs[0].ends_with("must be no more than 63 characters"));
        assert!(errs[1].contains("a lowercase RFC 1123 label must consist"));
    }

    #[test]
    fn v1_missing_name() {
        assert_eq!(
            create_errors(|s| s.metadata.name.clear()),
            ["metadata.name: Required value: name or generateName is required"]
        );
    }

    #[test]
    fn v1_object_meta_labels_and_annotations() {
        let errs = create_errors(|s| {
            s.metadata.labels.insert("app".into(), "x".repeat(64));
            s.metadata.labels.insert("bad key".into(), "ok".into());
            s.metadata
                .annotations
                .insert("example.com/ok".into(), "anything at all".into());
            s.metadata.annotations.insert("/nope".into(), String::new());
        });
        assert_eq!(
            errs,
            [
                format!("metadata.labels: Invalid value: \"{}\": must be no more than 63 characters", "x".repeat(64)),
                "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".to_string(),
                "metadata.annotations: Invalid value: \"/nope\": prefix part must be non-empty".to_string(),
            ]
        );
    }

    #[test]
    fn v2_pod_management_policy_must_be_known() {
        assert_eq!(
            create_errors(|s| s.spec.pod_management_policy = Some("Sequential".into())),
            ["spec.podManagementPolicy: Invalid value: \"Sequential\": must be 'OrderedReady' or 'Parallel'"]
        );
    }

    #[test]
    fn v3_on_delete_with_rolling_update() {
        assert_eq!(
            create_errors(|s| {
                s.spec.update_strategy = Some(StatefulSetUpdateStrategy {
                    type_: Some("OnDelete".into()),
                    rolling_update: Some(RollingUpdateStrategy { partition: Some(2), max_unavailable: None }),
                })
            }),
            ["spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:2, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'"]
        );
    }

    #[test]
    fn v3_negative_partition_and_no_upper_bound() {
        let with_partition = |p: i32| {
            create_errors(move |s| {
                s.spec.update_strategy = Some(StatefulSetUpdateStrategy {
                    type_: None,
                    rolling_update: Some(RollingUpdateStrategy {
                        partition: Some(p),
                        max_unavailable: None,
                    }),
                })
            })
        };
        assert_eq!(
            with_partition(-1),
            ["spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"]
        );
        assert!(with_partition(1000).is_empty());
    }

    #[test]
    fn v3_unknown_type() {
        assert_eq!(
            create_errors(|s| {
                s.spec.update_strategy = Some(StatefulSetUpdateStrategy { type_: Some("Recreate".into()), rolling_update: None })
            }),
            ["spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Recreate\", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'"]
        );
    }

    #[test]
    fn v3_max_unavailable_rules_with_the_gate_on() {
        let check = |v: Value| {
            let mut s = raw(WEB);
            s.spec.update_strategy = Some(StatefulSetUpdateStrategy {
                type_: None,
                rolling_update: Some(RollingUpdateStrategy {
                    partition: None,
                    max_unavailable: Some(v),
                }),
            });
            default_statefulset(&mut s, true, None);
            msgs(&validate_statefulset_create(&s))
        };
        assert!(check(Value::from(2)).is_empty());
        assert!(check(Value::from("50%")).is_empty());
        assert_eq!(
            check(Value::from("150%")),
            ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%"]
        );
        assert_eq!(
            check(Value::from(-1)),
            ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"]
        );
        assert_eq!(
            check(Value::from("abc")),
            [
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: cannot be 0",
            ]
        );
    }

    #[test]
    fn v4_retention_policy_values() {
        assert_eq!(
            create_errors(|s| {
                s.spec.persistent_volume_claim_retention_policy =
                    Some(PvcRetentionPolicy { when_deleted: Some("Retain".into()), when_scaled: Some("Keep".into()) })
            }),
            ["spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\""]
        );
    }

    #[test]
    fn v5_negative_replicas_min_ready_seconds_and_start_ordinal() {
        assert_eq!(
            create_errors(|s| {
                s.spec.replicas = Some(-1);
                s.spec.min_ready_seconds = Some(-5);
                s.spec.ordinals = Some(crate::model::StatefulSetOrdinals { start: -2 });
            }),
            [
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                "spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0",
                "spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0",
            ]
        );
    }

    #[test]
    fn v6_missing_selector_gives_two_errors() {
        assert_eq!(
            create_errors(|s| s.spec.selector = None),
            [
                "spec.selector: Required value",
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`",
            ]
        );
    }

    #[test]
    fn v6_empty_selector_is_invalid() {
        assert_eq!(
            create_errors(|s| s.spec.selector = Some(LabelSelector::default())),
            ["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset"]
        );
    }

    #[test]
    fn v6_bad_selector_syntax_skips_the_template_checks() {
        let errs = create_errors(|s| {
            s.spec.selector = Some(LabelSelector {
                match_labels: Default::default(),
                match_expressions: vec![crate::model::LabelSelectorRequirement {
                    key: "app".into(),
                    operator: "Equals".into(),
                    values: vec!["nginx".into()],
                }],
            });
            s.spec.template.spec.restart_policy = Some("Never".into());
        });
        assert_eq!(
            errs,
            [
                "spec.selector.matchExpressions[0].operator: Invalid value: \"Equals\": not a valid selector operator",
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"app\", Operator:\"Equals\", Values:[]string{\"nginx\"}}}}",
            ]
        );
        let errs = create_errors(|s| {
            s.spec
                .selector
                .get_or_insert_with(Default::default)
                .match_expressions
                .push(crate::model::LabelSelectorRequirement {
                    key: "tier".into(),
                    operator: "In".into(),
                    values: vec![],
                })
        });
        assert_eq!(errs[0], "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
    }

    #[test]
    fn v7_selector_must_match_template_labels() {
        assert_eq!(
            create_errors(|s| {
                s.spec.template.metadata.labels.insert("app".into(), "web".into());
                s.spec.template.metadata.labels.insert("tier".into(), "db".into());
            }),
            ["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"db\"}: `selector` does not match template `labels`"]
        );
        assert_eq!(
            create_errors(|s| s.spec.template.metadata.labels.clear()),
            ["spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`"]
        );
        // Template label syntax is reported at spec.template.labels (no `metadata`).
        let errs = create_errors(|s| {
            s.spec
                .template
                .metadata
                .labels
                .insert("x".into(), "-bad".into());
        });
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("spec.template.labels: Invalid value: \"-bad\": a valid label must be an empty string"), "{}", errs[0]);
    }

    #[test]
    fn v8_restart_policy_must_be_always() {
        assert_eq!(
            create_errors(|s| s.spec.template.spec.restart_policy = Some("Never".into())),
            ["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""]
        );
    }

    #[test]
    fn v9_active_deadline_seconds_is_forbidden() {
        assert_eq!(
            create_errors(|s| s.spec.template.spec.active_deadline_seconds = Some(60)),
            ["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported"]
        );
    }

    #[test]
    fn v10_pod_template_claims_service_name_and_history_limit_are_not_validated() {
        assert!(create_errors(|s| {
            s.spec.template.spec.containers[0].image.clear();
            s.spec.template.spec.containers[0].name = "Bad_Name".into();
            s.spec.volume_claim_templates[0].spec.access_modes.clear();
            s.spec.service_name = "Not A Label".into();
            s.spec.revision_history_limit = Some(-3);
        })
        .is_empty());
    }

    // ----- Update validation

    #[test]
    fn v11_name_is_immutable_but_not_revalidated() {
        let old = web_with(|s| s.metadata.name = "web.v1".into());
        // The old dotted name is not re-validated on update.
        assert!(validate_statefulset_update(&old, &old.clone()).is_empty());
        let new = web_with(|s| s.metadata.name = "web2".into());
        assert_eq!(
            msgs(&validate_statefulset_update(&old, &new)),
            ["metadata.name: Invalid value: \"web2\": field is immutable"]
        );
    }

    #[test]
    fn v12_spec_is_revalidated_on_update() {
        let old = web_with(|_| {});
        let new = web_with(|s| s.spec.replicas = Some(-1));
        assert_eq!(
            msgs(&validate_statefulset_update(&old, &new)),
            ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]
        );
    }

    const V13: &str = "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

    #[test]
    fn v13_mutable_fields_can_change() {
        let old = web_with(|_| {});
        let new = web_with(|s| {
            s.spec.replicas = Some(5);
            s.spec.template.spec.containers[0].image = "nginx:1.26".into();
            s.spec.update_strategy = Some(StatefulSetUpdateStrategy {
                type_: Some("OnDelete".into()),
                rolling_update: None,
            });
            s.spec.min_ready_seconds = Some(10);
            s.spec.ordinals = Some(crate::model::StatefulSetOrdinals { start: 3 });
            s.spec.persistent_volume_claim_retention_policy = Some(PvcRetentionPolicy {
                when_deleted: Some("Delete".into()),
                when_scaled: Some("Delete".into()),
            });
            s.metadata.labels.insert("team".into(), "a".into());
        });
        assert!(validate_statefulset_update(&old, &new).is_empty());
    }

    #[test]
    fn v13_selector_change_gives_the_single_forbidden_message() {
        let old = web_with(|_| {});
        let new = web_with(|s| {
            s.spec
                .selector
                .get_or_insert_with(Default::default)
                .match_labels
                .insert("tier".into(), "db".into());
            s.spec
                .template
                .metadata
                .labels
                .insert("tier".into(), "db".into());
        });
        assert_eq!(msgs(&validate_statefulset_update(&old, &new)), [V13]);
    }

    #[test]
    fn v13_revision_history_limit_change_gives_the_single_forbidden_message() {
        let old = web_with(|_| {});
        let new = web_with(|s| s.spec.revision_history_limit = Some(3));
        assert_eq!(msgs(&validate_statefulset_update(&old, &new)), [V13]);
    }

    #[test]
    fn v13_many_immutable_changes_still_give_one_error() {
        let old = web_with(|_| {});
        let new = web_with(|s| {
            s.spec.service_name = "other".into();
            s.spec.pod_management_policy = Some("Parallel".into());
            s.spec.volume_claim_templates[0].spec.access_modes = vec!["ReadWriteMany".into()];
        });
        assert_eq!(msgs(&validate_statefulset_update(&old, &new)), [V13]);
    }

    #[test]
    fn v13_claim_templates_compare_semantically() {
        let old = web_with(|s| {
            s.spec.volume_claim_templates[0].spec.volume_mode = Some("Filesystem".into());
            s.spec.volume_claim_templates[0].status.phase = "Pending".into();
        });
        let new = web_with(|s| {
            let r = s.spec.volume_claim_templates[0]
                .spec
                .resources
                .get_or_insert_with(Default::default);
            r.requests
                .insert("storage".into(), Quantity::Text("1024Mi".into()));
        });
        assert!(validate_statefulset_update(&old, &new).is_empty());
    }

    // ----- kubectl rendering

    #[test]
    fn v14_one_cause_is_printed_inline() {
        let errs = validate_statefulset_create(&web_with(|s| s.spec.replicas = Some(-1)));
        assert_eq!(
            format_invalid("StatefulSet", "web", &errs),
            "The StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
    }

    #[test]
    fn v14_several_causes_are_listed_and_deduplicated() {
        let mut errs = validate_statefulset_create(&web_with(|s| s.spec.selector = None));
        errs.push(errs[0].clone());
        assert_eq!(
            format_invalid("StatefulSet", "web", &errs),
            "The StatefulSet \"web\" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`"
        );
    }

    // ----- Pods and claims (V-15, E-3, I-6, P-1)

    fn pod(name: &str) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = name.into();
        p.metadata.namespace = "default".into();
        p.metadata.labels.insert("app".into(), "nginx".into());
        p.spec.hostname = Some(name.into());
        p.spec.subdomain = Some("nginx".into());
        p.spec.containers.push(Container {
            name: "nginx".into(),
            image: "nginx:1.25".into(),
            ..Default::default()
        });
        p.spec.volumes.push(Volume {
            name: "www".into(),
            persistent_volume_claim: Some(PvcVolumeSource {
                claim_name: format!("www-{name}"),
                read_only: false,
            }),
            ..Default::default()
        });
        p.spec.containers[0].volume_mounts.push(VolumeMount {
            name: "www".into(),
            mount_path: "/data".into(),
            ..Default::default()
        });
        default_pod_spec(&mut p.spec);
        p
    }

    #[test]
    fn v15_valid_pod_is_accepted() {
        assert_eq!(validate_new_pod(&pod("web-0")), Ok(()));
    }

    #[test]
    fn v15_missing_image_is_one_cause() {
        let mut p = pod("web-0");
        p.spec.containers[0].image.clear();
        assert_eq!(
            validate_new_pod(&p),
            Err("Pod \"web-0\" is invalid: spec.containers[0].image: Required value".into())
        );
    }

    #[test]
    fn v15_several_causes_are_bracketed() {
        let mut p = pod("x-0");
        p.spec.containers[0].image.clear();
        p.spec.containers[0].volume_mounts[0].name = "data".into();
        p.spec.subdomain = Some("Bad_Service".into());
        assert_eq!(
            validate_new_pod(&p),
            Err("Pod \"x-0\" is invalid: [spec.containers[0].image: Required value, spec.containers[0].volumeMounts[0].name: Not found: \"data\", spec.subdomain: Invalid value: \"Bad_Service\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')]".into())
        );
    }

    #[test]
    fn v15_pod_structure_checks() {
        let mut p = pod("web-0");
        p.spec.containers.clear();
        assert_eq!(
            validate_new_pod(&p),
            Err("Pod \"web-0\" is invalid: spec.containers: Required value".into())
        );
        let mut p = pod("web-0");
        let c = p.spec.containers[0].clone();
        p.spec.containers.push(c);
        p.spec.volumes.push(p.spec.volumes[0].clone());
        let err = validate_new_pod(&p).err().unwrap_or_default();
        assert!(
            err.contains("spec.volumes[1].name: Duplicate value: \"www\""),
            "{err}"
        );
        assert!(
            err.contains("spec.containers[1].name: Duplicate value: \"nginx\""),
            "{err}"
        );
        let mut p = pod("web-0");
        p.spec.restart_policy = Some("Sometimes".into());
        assert_eq!(
            validate_new_pod(&p),
            Err("Pod \"web-0\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"".into())
        );
    }

    #[test]
    fn i6_revision_label_longer_than_63_rejects_the_pod() {
        let set = "a".repeat(53);
        let name = format!("{set}-0");
        let mut p = pod(&name);
        let rev = format!("{set}-6c5f8d9b7c");
        p.metadata
            .labels
            .insert("controller-revision-hash".into(), rev.clone());
        assert_eq!(
            validate_new_pod(&p),
            Err(format!("Pod \"{name}\" is invalid: metadata.labels: Invalid value: \"{rev}\": must be no more than 63 characters"))
        );
        // From 62 characters the pod name itself breaks the hostname too.
        let set = "b".repeat(62);
        let name = format!("{set}-0");
        let p = pod(&name);
        let err = validate_new_pod(&p).err().unwrap_or_default();
        assert!(
            err.contains(&format!(
                "spec.hostname: Invalid value: \"{name}\": must be no more than 63 characters"
            )),
            "{err}"
        );
    }

    #[test]
    fn p1_claim_without_access_modes_and_storage_fails_on_create() {
        let mut pvc = PersistentVolumeClaim::default();
        pvc.metadata.name = "www-web-0".into();
        assert_eq!(
            validate_new_pvc(&pvc),
            Err("PersistentVolumeClaim \"www-web-0\" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]".into())
        );
        let s = web_with(|_| {});
        let mut pvc = s.spec.volume_claim_templates[0].clone();
        pvc.metadata.name = "www-web-0".into();
        assert_eq!(validate_new_pvc(&pvc), Ok(()));
        pvc.spec.access_modes = vec!["ReadWriteSometimes".into()];
        assert_eq!(
            validate_new_pvc(&pvc),
            Err("PersistentVolumeClaim \"www-web-0\" is invalid: spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"".into())
        );
    }

    #[test]
    fn other_kinds_basic_validation() {
        let text = "apiVersion: v1
kind: Service
metadata:
  name: 1nginx
spec:
  clusterIP: None
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-1
spec:
  accessModes: [ReadWriteOnce]
  capacity:
    storage: 1Gi
  hostPath:
    path: /data
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
";
        let (docs, errs) = parse_stream(text);
        assert!(errs.is_empty(), "{errs:?}");
        let all: Vec<Vec<String>> = docs
            .iter()
            .map(|d| msgs(&validate_object(&d.object)))
            .collect();
        assert_eq!(
            all[0],
            ["metadata.name: Invalid value: \"1nginx\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]
        );
        assert_eq!(all[1], ["spec.ports: Required value"]);
        assert!(all[2].is_empty(), "{:?}", all[2]);
        assert_eq!(all[3], ["provisioner: Required value"]);
        // A StatefulSet is defaulted before it is validated.
        assert!(validate_object(&Object::StatefulSet(raw(WEB))).is_empty());
    }

    #[test]
    fn go_quote_escapes_like_strconv_quote() {
        assert_eq!(go_quote("a\"b\\c\n\t\u{1}é"), "\"a\\\"b\\\\c\\n\\t\\x01é\"");
    }
}
