//! YAML (and JSON) text into a tree that remembers where every key and value was.
//!
//! The manifest layer needs three things a plain YAML-to-value decoder does not give:
//! the line and column of every field (the editor underlines the exact key a validation
//! error names), duplicate keys reported at *their* position, and hard, cheap bounds on
//! hostile input. So the event stream of `saphyr-parser` (a maintained pure-Rust YAML
//! 1.2 parser that reports a span for every event) is folded into a [`Node`] tree here,
//! with the scalar typing of the YAML library kubectl uses.
//!
//! ## How scalars are typed (as kubectl's `sigs.k8s.io/yaml` does it)
//! kubectl converts YAML to JSON with a fork of go-yaml v2, which follows YAML 1.1: a
//! plain `yes`, `no`, `on`, `off`, `y` or `n` is a boolean, `0x1F` and `017` are
//! integers, `1_000` is 1000, `~` and `null` are null. Quoted scalars are always
//! strings. Integral floats (`3.0`, `1e3`) become JSON integers, as Go's encoder writes
//! them. Source: `sigs.k8s.io/yaml` `goyaml.v2/resolve.go` (`resolve`) and `yaml.go`
//! (`convertToJSONableObject`).
//!
//! ## Duplicate keys
//! kubectl 1.32 converts YAML to JSON on the client, where a repeated key silently
//! replaces the earlier one (kubernetes/kubernetes#89303, #125885: `k create -f` of a pod
//! with three `containers:` keys creates it with the last). We do the same — the last
//! value wins — and report each duplicate as a [`Warning`] at the repeated key, so the
//! editor can point at what kubectl would swallow.
//!
//! ## Limits (checked while reading, so hostile input stops early)
//! * nesting deeper than [`MAX_DEPTH`] levels;
//! * aliases expanding to more than [`MAX_ALIAS_NODES`] nodes or [`MAX_ALIAS_BYTES`] of
//!   text in one stream (a "billion laughs" document, or one long string referenced
//!   thousands of times, is refused after that much copying, not after gigabytes);
//! * control characters (NUL and friends), which YAML forbids.
//!
//! Merge keys (`<<: *base`, `<<: [*a, *b]`) follow the YAML 1.1 merge rules: keys written
//! in the mapping itself win over merged ones, and earlier merged maps win over later.

use std::borrow::Cow;
use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};
use serde_json::{Map, Number, Value};

/// How deeply mappings and sequences may nest.
pub const MAX_DEPTH: usize = 100;

/// How many nodes alias expansion may produce in one stream.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// How many bytes of strings alias expansion may copy in one stream (a 1 MB string
/// referenced 2,000 times would otherwise become 2 GB).
pub const MAX_ALIAS_BYTES: usize = 16 * 1024 * 1024;

/// A 1-based line and column (in characters) in the whole text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    /// A position.
    pub fn new(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }
}

/// A value with the position where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: NodeValue,
}

/// The value of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    Int(i64),
    /// A number that is not an integer (or does not fit 64 bits).
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in the order written, duplicates removed (the last wins), merge keys
    /// resolved.
    Map(Vec<Entry>),
}

/// One key of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

/// Why the text could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    /// Without position; e.g. `mapping values are not allowed in this context`.
    pub message: String,
    /// Whether the YAML scanner/parser found it (go-yaml prints `line N: ` for those),
    /// rather than the decoding of a well-formed stream (aliases, merges, limits: go-yaml
    /// prints no line).
    pub syntax: bool,
}

/// Something accepted but worth telling the author (e.g. a duplicate key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub pos: Pos,
    pub message: String,
}

/// Where a chunk of text sits in the whole stream: added to every position.
#[derive(Clone, Copy, Debug, Default)]
pub struct Offset {
    /// Lines before the chunk's first line.
    pub lines: usize,
    /// Columns before the chunk's first character, on its first line only.
    pub columns: usize,
}

/// Reads every document of `text` (a YAML stream or one JSON value). Empty documents
/// are returned as `Null` nodes. Warnings (duplicate keys) are appended to `warnings`.
pub fn parse(
    text: &str,
    offset: Offset,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Node>, YamlError> {
    let at = |line: usize, col0: usize| {
        let column = if line == 1 {
            col0 + 1 + offset.columns
        } else {
            col0 + 1
        };
        Pos::new(line + offset.lines, column)
    };
    if let Some((line, col0, _)) = forbidden_char(text) {
        return Err(YamlError {
            syntax: false,
            pos: at(line, col0),
            message: "control characters are not allowed".into(),
        });
    }
    let mut b = Builder {
        at: &at,
        stack: Vec::new(),
        anchors: BTreeMap::new(),
        docs: Vec::new(),
        alias_nodes: 0,
        alias_bytes: 0,
        warnings,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| scan_error(&e, &at))?;
        b.event(event, span)?;
    }
    Ok(b.docs)
}

fn scan_error(e: &ScanError, at: &dyn Fn(usize, usize) -> Pos) -> YamlError {
    let m = e.marker();
    let mut message = e.info().to_string();
    let mut syntax = true;
    if message == "recursion limit exceeded" {
        message =
            format!("document is nested deeper than {MAX_DEPTH} levels (the playground's limit)");
        syntax = false;
    }
    YamlError {
        syntax,
        pos: at(m.line().max(1), m.col()),
        message,
    }
}

/// The first character YAML forbids in a stream (1-based line, 0-based column).
fn forbidden_char(text: &str) -> Option<(usize, usize, char)> {
    let bad = |c: char| {
        matches!(c, '\0'..='\x08' | '\x0B' | '\x0C' | '\x0E'..='\x1F' | '\x7F')
            || (('\u{80}'..='\u{9F}').contains(&c) && c != '\u{85}')
            || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    let i = text.find(bad)?;
    let before = &text[..i];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count();
    let c = text[i..].chars().next()?;
    Some((line, col, c))
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<Entry>,
        /// Values of `<<` keys, in order.
        merges: Vec<Node>,
        /// A key read, waiting for its value: (key, position, is the merge key).
        key: Option<(String, Pos, bool)>,
    },
}

struct Builder<'a, 'w> {
    at: &'a dyn Fn(usize, usize) -> Pos,
    stack: Vec<Frame>,
    anchors: BTreeMap<usize, Node>,
    docs: Vec<Node>,
    alias_nodes: usize,
    alias_bytes: usize,
    warnings: &'w mut Vec<Warning>,
}

impl Builder<'_, '_> {
    fn pos(&self, span: Span) -> Pos {
        (self.at)(span.start.line().max(1), span.start.col())
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let pos = self.pos(span);
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                // Anchors do not cross documents.
                self.anchors.clear();
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| YamlError {
                    syntax: false,
                    pos,
                    message: "unknown anchor".into(),
                })?;
                let (nodes, bytes) = count_nodes(&node);
                self.alias_nodes = self.alias_nodes.saturating_add(nodes);
                self.alias_bytes = self.alias_bytes.saturating_add(bytes);
                if self.alias_bytes > MAX_ALIAS_BYTES {
                    return Err(YamlError {
                        syntax: false,
                        pos,
                        message: format!(
                            "document contains excessive aliasing: aliases copy more than {} MiB of text (the playground's limit)",
                            MAX_ALIAS_BYTES >> 20
                        ),
                    });
                }
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(YamlError {
                        syntax: false,
                        pos,
                        message: format!(
                            "document contains excessive aliasing: aliases expand to more than {MAX_ALIAS_NODES} values (the playground's limit)"
                        ),
                    });
                }
                self.attach(node, false)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let plain_merge = style == ScalarStyle::Plain && tag.is_none() && text == "<<";
                let value = scalar(&text, style, tag.as_deref(), pos)?;
                let node = Node { pos, value };
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.attach(node, plain_merge)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.push(Frame::Seq {
                    pos,
                    anchor,
                    items: Vec::new(),
                })?;
            }
            Event::MappingStart(anchor, _) => {
                self.push(Frame::Map {
                    pos,
                    anchor,
                    entries: Vec::new(),
                    merges: Vec::new(),
                    key: None,
                })?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = match frame {
                    Frame::Seq { pos, anchor, items } => (
                        Node {
                            pos,
                            value: NodeValue::Seq(items),
                        },
                        anchor,
                    ),
                    Frame::Map {
                        pos,
                        anchor,
                        entries,
                        merges,
                        ..
                    } => (
                        Node {
                            pos,
                            value: NodeValue::Map(merge(entries, merges)?),
                        },
                        anchor,
                    ),
                };
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.attach(node, false)?;
            }
        }
        Ok(())
    }

    fn push(&mut self, frame: Frame) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            let pos = match &frame {
                Frame::Seq { pos, .. } | Frame::Map { pos, .. } => *pos,
            };
            return Err(YamlError {
                syntax: false,
                pos,
                message: format!(
                    "document is nested deeper than {MAX_DEPTH} levels (the playground's limit)"
                ),
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Puts a finished node where it belongs: a document root, a sequence item, a
    /// mapping key or a mapping value.
    fn attach(&mut self, node: Node, is_merge_key: bool) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                merges,
                key,
                ..
            }) => match key.take() {
                None => {
                    let k = key_string(&node)?;
                    *key = Some((k, node.pos, is_merge_key));
                }
                Some((_, _, true)) => merges.push(node),
                Some((k, key_pos, false)) => {
                    if let Some(i) = entries.iter().position(|e| e.key == k) {
                        let first = entries.remove(i);
                        self.warnings.push(Warning {
                            pos: key_pos,
                            message: format!(
                                "duplicate key {k:?} (first at line {}): kubectl keeps only the last value",
                                first.key_pos.line
                            ),
                        });
                    }
                    entries.push(Entry {
                        key: k,
                        key_pos,
                        value: node,
                    });
                }
            },
        }
        Ok(())
    }
}

/// The number of nodes in a tree and the bytes of its strings and keys (iterative).
fn count_nodes(node: &Node) -> (usize, usize) {
    let (mut n, mut bytes) = (0usize, 0usize);
    let mut stack = vec![node];
    while let Some(v) = stack.pop() {
        n += 1;
        match &v.value {
            NodeValue::Str(s) => bytes += s.len(),
            NodeValue::Seq(items) => stack.extend(items),
            NodeValue::Map(entries) => {
                bytes += entries.iter().map(|e| e.key.len()).sum::<usize>();
                stack.extend(entries.iter().map(|e| &e.value));
            }
            _ => {}
        }
    }
    (n, bytes)
}

/// Applies YAML merge keys: explicit entries win, then merged maps in order.
fn merge(mut entries: Vec<Entry>, merges: Vec<Node>) -> Result<Vec<Entry>, YamlError> {
    let bad = |pos: Pos| YamlError {
        syntax: false,
        pos,
        message: "map merge requires map or sequence of maps as the value".into(),
    };
    for m in merges {
        let sources: Vec<Node> = match m.value {
            NodeValue::Map(_) => vec![m],
            NodeValue::Seq(items) => items,
            _ => return Err(bad(m.pos)),
        };
        for source in sources {
            let NodeValue::Map(extra) = source.value else {
                return Err(bad(source.pos));
            };
            for e in extra {
                if !entries.iter().any(|x| x.key == e.key) {
                    entries.push(e);
                }
            }
        }
    }
    Ok(entries)
}

/// A mapping key as JSON wants it: a string.
fn key_string(node: &Node) -> Result<String, YamlError> {
    Ok(match &node.value {
        NodeValue::Str(s) => s.clone(),
        NodeValue::Int(i) => i.to_string(),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::Null => "null".into(),
        NodeValue::Float(f) => format_float(*f),
        NodeValue::Seq(_) | NodeValue::Map(_) => {
            return Err(YamlError {
                syntax: false,
                pos: node.pos,
                message: "unsupported mapping key: a sequence or mapping cannot be a key in JSON"
                    .into(),
            });
        }
    })
}

fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Types one scalar like go-yaml v2 (YAML 1.1 plain scalars; quoted ones are strings).
fn scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    pos: Pos,
) -> Result<NodeValue, YamlError> {
    if let Some(tag) = tag {
        let name = if tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:" {
            tag.suffix.as_str()
        } else {
            // Local tags (`!foo`) are ignored, like sigs.k8s.io/yaml does.
            return Ok(plain_or_string(text, style));
        };
        let resolved = resolve_plain(text);
        let fail = |what: &str| YamlError {
            syntax: false,
            pos,
            message: format!("cannot decode !!{what} `{text}` as a !!{name}"),
        };
        return match name {
            "str" | "binary" | "timestamp" => Ok(NodeValue::Str(text.to_string())),
            "int" => match resolved {
                NodeValue::Int(i) => Ok(NodeValue::Int(i)),
                _ => Err(fail("str")),
            },
            "float" => match resolved {
                NodeValue::Int(i) => Ok(NodeValue::Float(i as f64)),
                NodeValue::Float(f) => Ok(NodeValue::Float(f)),
                _ => Err(fail("str")),
            },
            "bool" => match resolved {
                NodeValue::Bool(b) => Ok(NodeValue::Bool(b)),
                _ => Err(fail("str")),
            },
            "null" => Ok(NodeValue::Null),
            _ => Ok(plain_or_string(text, style)),
        };
    }
    Ok(plain_or_string(text, style))
}

fn plain_or_string(text: &str, style: ScalarStyle) -> NodeValue {
    if style == ScalarStyle::Plain {
        resolve_plain(text)
    } else {
        NodeValue::Str(text.to_string())
    }
}

/// go-yaml v2's `resolve` for a plain scalar.
/// go-yaml v2's (YAML 1.1) typing of a plain scalar, as kubectl reads manifests: `yes`
/// and `on` are booleans, `0x1f` and `010` integers, `1Gi` a string. The editor's
/// colouring uses it too, so what is coloured a number is read as one.
pub fn resolve_plain(text: &str) -> NodeValue {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return NodeValue::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return NodeValue::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return NodeValue::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return NodeValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return NodeValue::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return NodeValue::Str(text.to_string());
    }
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    if let Some(i) = parse_go_int(&plain) {
        return NodeValue::Int(i);
    }
    if is_yaml11_float(&plain) {
        if let Ok(f) = plain.parse::<f64>() {
            return NodeValue::Float(f);
        }
    }
    NodeValue::Str(text.to_string())
}

/// `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`, `0o`, `0b` or a leading `0`
/// (octal) prefix, else decimal.
fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

/// go-yaml v2's float syntax: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_yaml11_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

impl Node {
    /// The JSON form of the tree (what kubectl sends to the API server). Integral
    /// floats become integers; infinities and NaN, which JSON cannot hold, are an error.
    pub fn to_json(&self) -> Result<Value, YamlError> {
        Ok(match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Int(i) => Value::from(*i),
            NodeValue::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    Value::from(*f as i64)
                } else {
                    Value::Number(Number::from_f64(*f).ok_or_else(|| YamlError {
                        syntax: false,
                        pos: self.pos,
                        message: format!("json: unsupported value: {f}"),
                    })?)
                }
            }
            NodeValue::Str(s) => Value::String(s.clone()),
            NodeValue::Seq(items) => Value::Array(
                items
                    .iter()
                    .map(Node::to_json)
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            NodeValue::Map(entries) => {
                let mut m = Map::new();
                for e in entries {
                    m.insert(e.key.clone(), e.value.to_json()?);
                }
                Value::Object(m)
            }
        })
    }

    /// The value at a Kubernetes field path (`spec.template.spec.containers[0].image`,
    /// `metadata.labels[app]`), or `None`.
    pub fn get(&self, path: &str) -> Option<&Node> {
        match self.locate(path) {
            Located::Exact(n, _) => Some(n),
            _ => None,
        }
    }

    /// The best position for a field path: the key itself when it exists; else the
    /// deepest existing parent (where a missing field should be added).
    pub fn position_of(&self, path: &str) -> Pos {
        match self.locate(path) {
            Located::Exact(_, key_pos) => key_pos,
            Located::Parent(key_pos) => key_pos,
        }
    }

    fn locate(&self, path: &str) -> Located<'_> {
        let mut node = self;
        let mut key_pos = self.pos;
        let mut rest = path;
        loop {
            rest = rest.strip_prefix('.').unwrap_or(rest);
            if rest.is_empty() {
                return Located::Exact(node, key_pos);
            }
            if let Some(after) = rest.strip_prefix('[') {
                let Some(end) = after.find(']') else {
                    return Located::Parent(key_pos);
                };
                let inner = &after[..end];
                let next = match &node.value {
                    NodeValue::Seq(items) => inner
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| items.get(i))
                        .map(|n| (n, n.pos)),
                    NodeValue::Map(entries) => entries
                        .iter()
                        .find(|e| e.key == inner)
                        .map(|e| (&e.value, e.key_pos)),
                    _ => None,
                };
                match next {
                    Some((n, p)) => {
                        node = n;
                        key_pos = p;
                        rest = &after[end + 1..];
                    }
                    None => return Located::Parent(key_pos),
                }
                continue;
            }
            let NodeValue::Map(entries) = &node.value else {
                return Located::Parent(key_pos);
            };
            // The longest key that the path continues with (keys may contain dots).
            let found = entries
                .iter()
                .filter(|e| {
                    rest.strip_prefix(e.key.as_str())
                        .is_some_and(|after| after.is_empty() || after.starts_with(['.', '[']))
                })
                .max_by_key(|e| e.key.len());
            match found {
                Some(e) => {
                    rest = &rest[e.key.len()..];
                    node = &e.value;
                    key_pos = e.key_pos;
                }
                None => return Located::Parent(key_pos),
            }
        }
    }
}

enum Located<'a> {
    /// The node and the position of its key (or of the node for list items).
    Exact(&'a Node, Pos),
    /// The deepest existing ancestor.
    Parent(Pos),
}

/// Every non-empty document of `text` as JSON (kubectl's YAML-to-JSON conversion), for
/// small inputs such as `kubectl patch -p` bodies and edited objects. Duplicate keys
/// keep the last value.
pub fn to_json_documents(text: &str) -> Result<Vec<Value>, YamlError> {
    let mut warnings = Vec::new();
    parse(text, Offset::default(), &mut warnings)?
        .iter()
        .filter(|n| n.value != NodeValue::Null)
        .map(Node::to_json)
        .collect()
}

impl YamlError {
    /// go-yaml v2's message for this error in `text` (whose first line is line
    /// `first_line` of the positions): `yaml: line N: <problem>`. The problem texts of
    /// the parser used here are mapped to go-yaml's where they differ, and go-yaml's line
    /// rule is kept (`parser.fail` in `yaml.go`): a scanner error prints the 1-based line
    /// of the problem, a parser error its 0-based line (the well-known "one line early"),
    /// and no line when that is 0. Errors of decoding a well-formed stream (aliases,
    /// merge keys, limits) have no line.
    pub fn go_message(&self, text: &str, first_line: usize) -> String {
        let rel = self.pos.line + 1 - first_line.min(self.pos.line);
        let (problem, line) = if self.syntax {
            go_yaml_problem(&self.message, rel, self.pos.column, text)
        } else {
            (self.message.clone(), None)
        };
        match line {
            Some(l) => format!("yaml: line {l}: {problem}"),
            None => format!("yaml: {problem}"),
        }
    }
}

impl std::fmt::Display for YamlError {
    /// go-yaml's form, for a text that starts at line 1.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.go_message("", 1))
    }
}

/// go-yaml's words and printed line for a problem the YAML parser reported at `rel`
/// (1-based line within the document) and `column`.
fn go_yaml_problem(
    message: &str,
    rel: usize,
    column: usize,
    chunk: &str,
) -> (String, Option<usize>) {
    let parser_line = (rel > 1).then(|| rel - 1);
    // "while parsing a block mapping, did not find expected key": go-yaml prints only the
    // problem, and these come from its parser.
    if let Some(rest) = message.strip_prefix("while parsing ") {
        let problem = rest.split_once(", ").map_or(rest, |(_, p)| p);
        if problem == "found unknown anchor" {
            // decode.go `parser.alias`: failf, which prints no line.
            let name: String = chunk
                .lines()
                .nth(rel - 1)
                .and_then(|l| {
                    l.chars()
                        .skip(column.saturating_sub(1))
                        .collect::<String>()
                        .strip_prefix('*')
                        .map(String::from)
                })
                .map(|n| {
                    n.chars()
                        .take_while(|c| {
                            !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}')
                        })
                        .collect()
                })
                .unwrap_or_default();
            return (format!("unknown anchor '{name}' referenced"), None);
        }
        return (problem.to_string(), parser_line);
    }
    if message.starts_with("tabs disallowed") {
        // go-yaml's scanner does not skip a tab in block indentation and then cannot
        // start a token with it.
        return (
            "found character that cannot start any token".into(),
            Some(rel),
        );
    }
    if message == "invalid indentation in quoted scalar" {
        // go-yaml has no indentation rule inside quotes: an unclosed quote runs to the
        // end of the stream, the line after the document's last.
        return (
            "found unexpected end of stream".into(),
            Some(chunk.lines().count() + 1),
        );
    }
    (message.to_string(), Some(rel))
}

/// Decodes bytes as UTF-8 text, or says where the first invalid byte is.
pub fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, YamlError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let text = String::from_utf8_lossy(good);
            let line = text.matches('\n').count() + 1;
            let column = text[text.rfind('\n').map_or(0, |n| n + 1)..]
                .chars()
                .count()
                + 1;
            Err(YamlError {
                syntax: false,
                pos: Pos::new(line, column),
                message: format!(
                    "invalid UTF-8 at byte {}: the playground reads UTF-8 text only (kubectl would replace the bad bytes with U+FFFD)",
                    e.valid_up_to()
                ),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let mut w = Vec::new();
        let mut docs = parse(text, Offset::default(), &mut w).expect("parses");
        assert_eq!(docs.len(), 1, "{docs:?}");
        docs.remove(0)
    }

    fn json(text: &str) -> Value {
        one(text).to_json().expect("json")
    }

    #[test]
    fn scalars_are_typed_like_go_yaml_v2() {
        let v = json(
            "a: yes\nb: off\nc: 'yes'\nd: 0x1F\ne: 017\nf: 1_000\ng: 3.0\nh: 1.5\ni: ~\nj: 08\nk: 1e3\nl: \"3\"\nm: 250m\nneg: -5\ny: 1\no: +7\np: .5\nq: 1Gi\n",
        );
        let expect = serde_json::json!({
            "a": true, "b": false, "c": "yes", "d": 31, "e": 15, "f": 1000, "g": 3,
            "h": 1.5, "i": null, "j": 8, "k": 1000, "l": "3", "m": "250m", "neg": -5, "true": 1,
            "o": 7, "p": 0.5, "q": "1Gi"
        });
        assert_eq!(v, expect);
    }

    #[test]
    fn positions_of_keys_and_items() {
        let n = one("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n    imagee: y\n");
        assert_eq!(n.position_of("spec.containers[1].imagee"), Pos::new(8, 5));
        assert_eq!(n.position_of("spec.containers[0]"), Pos::new(5, 5));
        assert_eq!(n.position_of("kind"), Pos::new(2, 1));
        // A missing field points at its deepest existing parent.
        assert_eq!(n.position_of("spec.containers[1].ports[0]"), Pos::new(7, 5));
        assert_eq!(n.position_of("spec.nope"), Pos::new(3, 1));
    }

    #[test]
    fn keys_with_dots_and_bracketed_map_keys() {
        let n = one("metadata:\n  labels:\n    app.kubernetes.io/name: web\n    app: x\n");
        assert_eq!(
            n.position_of("metadata.labels.app.kubernetes.io/name"),
            Pos::new(3, 5)
        );
        assert_eq!(n.position_of("metadata.labels[app]"), Pos::new(4, 5));
    }

    #[test]
    fn duplicate_keys_keep_the_last_and_warn_at_the_repeat() {
        let mut w = Vec::new();
        let docs = parse("a: 1\nb: 2\na: 3\n", Offset::default(), &mut w).expect("parses");
        assert_eq!(
            docs[0].to_json().ok(),
            Some(serde_json::json!({"b": 2, "a": 3}))
        );
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].pos, Pos::new(3, 1));
        assert!(w[0].message.contains("first at line 1"), "{}", w[0].message);
    }

    #[test]
    fn merge_keys_explicit_wins_then_first_merged() {
        let v = json("a: &a {p: 1, q: 1}\nb: &b {q: 2, r: 2}\nc:\n  <<: [*a, *b]\n  p: 9\n");
        assert_eq!(v["c"], serde_json::json!({"p": 9, "q": 1, "r": 2}));
        let mut w = Vec::new();
        let e = parse("a: 1\nb:\n  <<: 3\n", Offset::default(), &mut w).unwrap_err();
        assert!(e.message.contains("map merge"), "{e:?}");
    }

    #[test]
    fn alias_bombs_stop_at_the_limit() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let mut w = Vec::new();
        let e = parse(&text, Offset::default(), &mut w).unwrap_err();
        assert!(e.message.contains("excessive aliasing"), "{e:?}");
        assert!(e.pos.line <= 6, "{e:?}");
    }

    #[test]
    fn one_long_string_aliased_many_times_stops_at_the_byte_limit() {
        let text = format!(
            "a: &a \"{}\"\nb: [{}]\n",
            "x".repeat(1 << 20),
            vec!["*a"; 2000].join(", ")
        );
        let mut w = Vec::new();
        let e = parse(&text, Offset::default(), &mut w).unwrap_err();
        assert!(e.message.contains("more than 16 MiB"), "{e:?}");
    }

    #[test]
    fn deep_nesting_stops_at_the_limit() {
        let mut w = Vec::new();
        let flow = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        let e = parse(&flow, Offset::default(), &mut w).unwrap_err();
        assert!(e.message.contains("nested deeper than 100"), "{e:?}");
        let mut block = String::new();
        for i in 0..150 {
            block.push_str(&" ".repeat(i));
            block.push_str("k:\n");
        }
        let e = parse(&block, Offset::default(), &mut w).unwrap_err();
        assert!(e.message.contains("nested deeper than 100"), "{e:?}");
        assert_eq!(e.pos.line, 101);
    }

    #[test]
    fn control_characters_are_refused_with_their_position() {
        let mut w = Vec::new();
        let e = parse("a: 1\nb: x\0y\n", Offset::default(), &mut w).unwrap_err();
        assert_eq!(e.pos, Pos::new(2, 5));
        assert_eq!(e.message, "control characters are not allowed");
    }

    #[test]
    fn invalid_utf8_names_its_position() {
        let e = utf8(b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!(e.pos, Pos::new(2, 4));
        assert!(utf8("é: ü".as_bytes()).is_ok());
    }

    #[test]
    fn offsets_shift_positions_and_errors() {
        let mut w = Vec::new();
        let docs = parse(
            "a: 1\nb: 2\n",
            Offset {
                lines: 10,
                columns: 4,
            },
            &mut w,
        )
        .expect("parses");
        assert_eq!(docs[0].position_of("a"), Pos::new(11, 5));
        assert_eq!(docs[0].position_of("b"), Pos::new(12, 1));
        let e = parse(
            "a: 1\nb: c: d\n",
            Offset {
                lines: 10,
                columns: 0,
            },
            &mut w,
        )
        .unwrap_err();
        assert_eq!(e.pos.line, 12);
        assert!(
            e.message.contains("mapping values are not allowed"),
            "{e:?}"
        );
    }

    #[test]
    fn json_text_parses_with_positions() {
        let n = one("{\"kind\": \"Pod\",\n \"spec\": {\"replicas\": \"3\"}}");
        assert_eq!(n.position_of("spec.replicas"), Pos::new(2, 11));
        assert_eq!(
            n.to_json().ok(),
            Some(serde_json::json!({"kind": "Pod", "spec": {"replicas": "3"}}))
        );
    }

    #[test]
    fn infinities_cannot_become_json() {
        assert!(one("a: .inf\n").to_json().is_err());
    }
}
