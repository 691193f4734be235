//! A line-oriented YAML tokenizer for the manifest editor's colours.
//!
//! It is not a parser: it only needs to colour what a person reads, line by line, so
//! it never fails. Every line becomes spans whose texts, joined, are exactly the line
//! (the coloured `<pre>` must keep every character where the `<textarea>` has it).
//! The one piece of state across lines is whether a line belongs to a block scalar
//! (`command: |` …), computed by [`line_states`] in one cheap pass, so that a script
//! inside a manifest is not coloured as keys.
//!
//! Plain scalars are classified the way the engine's YAML reader types them (go-yaml
//! v2's `resolve`, which `sigs.k8s.io/yaml` and so kubectl use; mirrored in
//! `sts_engine::yaml::resolve_plain`): `yes`/`on`/`true`… are booleans, `~`/`null`
//! null, `0x1f`, `010`, `1e3`, `.inf` numbers.

/// What a span is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A mapping key (`replicas` in `replicas: 3`).
    Key,
    /// A quoted scalar, or the content of a block scalar.
    String,
    /// An integer or float plain scalar.
    Number,
    /// A boolean or null plain scalar.
    BoolNull,
    /// `# …` to the end of the line.
    Comment,
    /// `---` or `...` at the start of a line.
    DocumentMarker,
    /// Node properties: an anchor `&a`, an alias `*a`, a tag `!!str`.
    Anchor,
    /// Indicators: `-`, `:`, `?`, `[`, `]`, `{`, `}`, `,`, `|`, `>`.
    Punct,
    /// Everything else: white space, plain strings, overlong lines.
    Plain,
}

impl Kind {
    /// The CSS class of the span (see `web/editor.css`).
    pub fn class(self) -> &'static str {
        match self {
            Kind::Key => "hl-key",
            Kind::String => "hl-str",
            Kind::Number => "hl-num",
            Kind::BoolNull => "hl-bool",
            Kind::Comment => "hl-comment",
            Kind::DocumentMarker => "hl-doc",
            Kind::Anchor => "hl-anchor",
            Kind::Punct => "hl-punct",
            Kind::Plain => "hl-plain",
        }
    }
}

/// One coloured piece of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub kind: Kind,
    pub text: String,
}

/// Lines longer than this (in characters) are one [`Kind::Plain`] span: colouring them
/// would cost more than it helps, and a minified JSON line can be megabytes.
pub const MAX_LINE_CHARS: usize = 2_000;

/// Whether a line is ordinary YAML or the content of a block scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum LineState {
    #[default]
    Normal,
    /// Inside a `|` or `>` block scalar: the whole line is string content.
    BlockScalar,
}

/// The lines of `text` as the editor numbers them: split on `\n` only (a `\r` stays in
/// its line, as it stays in the textarea's value), and an empty text is one empty line.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
}

/// The state of every line of `text` (same count as [`lines`]).
///
/// A line ending in a block scalar header (`key: |`, `- >-`, `key: |2 # c`) opens a
/// block; the block holds the following lines that are blank or indented deeper than
/// the line that opened it.
pub fn line_states(text: &str) -> Vec<LineState> {
    let mut out = Vec::new();
    // Indentation of the line that opened the current block scalar.
    let mut open: Option<usize> = None;
    for line in lines(text) {
        let indent = indent_of(line);
        let blank = line[indent..].trim().is_empty();
        if let Some(parent) = open {
            if blank || indent > parent {
                out.push(LineState::BlockScalar);
                continue;
            }
            open = None;
        }
        out.push(LineState::Normal);
        if line.len() <= MAX_LINE_CHARS * 4 && opens_block_scalar(line) {
            open = Some(indent);
        }
    }
    out
}

/// Spans of one line (no `\n` in it) in the given state.
pub fn highlight_line(line: &str, state: LineState) -> Vec<Span> {
    if line.is_empty() {
        return Vec::new();
    }
    if line.len() > MAX_LINE_CHARS && line.chars().count() > MAX_LINE_CHARS {
        return vec![span(Kind::Plain, line)];
    }
    let mut t = Tokens::default();
    if state == LineState::BlockScalar {
        let indent = indent_of(line);
        t.push(Kind::Plain, &line[..indent]);
        t.push(Kind::String, &line[indent..]);
        return t.0;
    }
    line_body(line, &mut t);
    t.0
}

/// Every line of `text`, coloured.
pub fn highlight(text: &str) -> Vec<Vec<Span>> {
    lines(text)
        .zip(line_states(text))
        .map(|(l, s)| highlight_line(l, s))
        .collect()
}

fn span(kind: Kind, text: &str) -> Span {
    Span {
        kind,
        text: text.to_string(),
    }
}

/// Collects spans, merging neighbours of the same kind and dropping empty ones.
#[derive(Default)]
struct Tokens(Vec<Span>);

impl Tokens {
    fn push(&mut self, kind: Kind, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(last) = self.0.last_mut() {
            if last.kind == kind && kind != Kind::Punct {
                last.text.push_str(text);
                return;
            }
        }
        self.0.push(span(kind, text));
    }
}

/// Leading spaces and tabs, in bytes (both are one byte).
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\r'
}

/// The length in bytes of the white space at the start of `s`.
fn blank_len(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_blank).len()
}

/// Does this line end with a block scalar header (`|`, `>-`, `|2+`), possibly
/// followed by a comment?
fn opens_block_scalar(line: &str) -> bool {
    let body = strip_comment(line).trim_end_matches(is_blank);
    // The header is the last word: after `: `, after `- `, or the whole line.
    let word = body.rsplit([' ', '\t']).next().unwrap_or("");
    let is_header = {
        let mut cs = word.chars();
        matches!(cs.next(), Some('|' | '>'))
            && cs.all(|c| c.is_ascii_digit() || c == '+' || c == '-')
    };
    if !is_header {
        return false;
    }
    let before = body[..body.len() - word.len()].trim_end_matches(is_blank);
    before.is_empty()
        || before.ends_with(':')
        || before.ends_with('-')
        || before.ends_with("---")
        // `key: !!str |` or `key: &a |`
        || before
            .rsplit([' ', '\t'])
            .next()
            .is_some_and(|w| w.starts_with('!') || w.starts_with('&'))
}

/// `line` up to a ` #` comment that is not inside quotes (a rough cut, good enough to
/// find a block scalar header).
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_blank = true;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev_blank => return &line[..i],
            None => {}
        }
        prev_blank = is_blank(c);
    }
    line
}

/// A whole (non block scalar) line.
fn line_body(line: &str, t: &mut Tokens) {
    let indent = blank_len(line);
    t.push(Kind::Plain, &line[..indent]);
    let rest = &line[indent..];
    if indent == 0 {
        for marker in ["---", "..."] {
            if let Some(after) = rest.strip_prefix(marker) {
                if after.is_empty() || after.starts_with(is_blank) {
                    t.push(Kind::DocumentMarker, marker);
                    block_node(after, t, false);
                    return;
                }
            }
        }
        if rest.starts_with('%') {
            // A directive (`%YAML 1.2`).
            t.push(Kind::DocumentMarker, rest);
            return;
        }
    }
    block_node(rest, t, true);
}

/// A node in block context: sequence dashes, `? `, then a key or a value.
fn block_node(mut s: &str, t: &mut Tokens, may_be_key: bool) {
    loop {
        let ws = blank_len(s);
        t.push(Kind::Plain, &s[..ws]);
        s = &s[ws..];
        if s.is_empty() {
            return;
        }
        if s.starts_with('#') {
            t.push(Kind::Comment, s);
            return;
        }
        // `- item`, `-` alone, and `? key` (explicit key): indicators followed by blank.
        let indicator = s.starts_with('-') || s.starts_with('?');
        if indicator && (s.len() == 1 || s[1..].starts_with(is_blank)) {
            t.push(Kind::Punct, &s[..1]);
            s = &s[1..];
            continue;
        }
        if s.starts_with(':') && (s.len() == 1 || s[1..].starts_with(is_blank)) {
            // The value of an explicit key.
            t.push(Kind::Punct, &s[..1]);
            s = &s[1..];
            continue;
        }
        break;
    }
    if may_be_key || !s.is_empty() {
        if let Some(key_len) = key_end(s, false) {
            let (key, after) = s.split_at(key_len);
            key_span(key, t);
            // `after` starts at the white space before `:`, or at the `:` itself.
            let ws = blank_len(after);
            t.push(Kind::Plain, &after[..ws]);
            let after = &after[ws..];
            t.push(Kind::Punct, &after[..1]);
            // A value on the same line may itself be `key: value` only in flow
            // context; in block context it is a scalar (or an error we need not see).
            value(&after[1..], t, false);
            return;
        }
    }
    value(s, t, false);
}

/// Colours a key, whose node properties (`&a key`) come first.
fn key_span(key: &str, t: &mut Tokens) {
    let mut k = key;
    loop {
        if k.starts_with('&') || k.starts_with('!') || k.starts_with('*') {
            let end = k.find(is_blank).unwrap_or(k.len());
            t.push(Kind::Anchor, &k[..end]);
            let ws = blank_len(&k[end..]);
            t.push(Kind::Plain, &k[end..end + ws]);
            k = &k[end + ws..];
            if k.is_empty() {
                return;
            }
            continue;
        }
        break;
    }
    t.push(Kind::Key, k);
}

/// If `s` starts with a mapping key, the byte length of the key (trailing white space
/// before the `:` excluded). In block context the `:` must be followed by a blank or
/// the end of the line; in flow context also by `,` `]` `}`.
fn key_end(s: &str, flow: bool) -> Option<usize> {
    let first = s.chars().next()?;
    // Node properties before the key.
    let mut start = 0;
    let mut rest = s;
    while rest.starts_with('&') || rest.starts_with('!') {
        let end = rest.find(is_blank)?;
        let ws = blank_len(&rest[end..]);
        start += end + ws;
        rest = &rest[end + ws..];
    }
    let body_len = if first == '"' || first == '\'' || rest.starts_with(['"', '\'']) {
        quoted_len(rest)?
    } else {
        if rest.starts_with([
            '[', ']', '{', '}', ',', '#', '|', '>', '@', '`', '%', '*', '"', '\'',
        ]) {
            return None;
        }
        // A plain key runs until `: ` (or `:` at the end), or ` #`.
        let mut prev_blank = false;
        let mut found = None;
        for (i, c) in rest.char_indices() {
            if c == '#' && prev_blank {
                return None;
            }
            if flow && matches!(c, ',' | '[' | ']' | '{' | '}') {
                return None;
            }
            if c == ':' {
                let next = rest[i + 1..].chars().next();
                let ends = match next {
                    None => true,
                    Some(n) => is_blank(n) || (flow && matches!(n, ',' | ']' | '}')),
                };
                if ends && i > 0 {
                    found = Some(i);
                    break;
                }
            }
            prev_blank = is_blank(c);
        }
        let i = found?;
        rest[..i].trim_end_matches(is_blank).len()
    };
    // After a quoted key: blanks, then `:` and a blank/end.
    let after = &rest[body_len..];
    let ws = blank_len(after);
    let colon = &after[ws..];
    if !colon.starts_with(':') {
        return None;
    }
    let next = colon[1..].chars().next();
    match next {
        None => {}
        Some(n) if is_blank(n) => {}
        Some(n) if flow && matches!(n, ',' | ']' | '}') => {}
        // JSON-style `"a":1` is a key in flow context after a quoted key.
        Some(_) if flow && rest.starts_with(['"', '\'']) => {}
        Some(_) => return None,
    }
    Some(start + body_len)
}

/// The byte length of the quoted scalar at the start of `s`, if it closes on this line.
fn quoted_len(s: &str) -> Option<usize> {
    let mut cs = s.char_indices();
    let (_, q) = cs.next()?;
    let mut escaped = false;
    while let Some((i, c)) = cs.next() {
        if q == '"' {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                return Some(i + 1);
            }
        } else if c == '\'' {
            // `''` is an escaped quote.
            if s[i + 1..].starts_with('\'') {
                cs.next();
            } else {
                return Some(i + 1);
            }
        }
    }
    None
}

/// A value: properties, then a quoted, flow, block-header or plain scalar, then an
/// optional comment. `flow` is true inside `[…]` / `{…}`, where a value may be a key.
fn value(mut s: &str, t: &mut Tokens, mut flow: bool) {
    let mut depth: usize = 0;
    while !s.is_empty() {
        let ws = blank_len(s);
        if ws > 0 {
            t.push(Kind::Plain, &s[..ws]);
            s = &s[ws..];
            continue;
        }
        let Some(c) = s.chars().next() else { return };
        match c {
            '#' => {
                t.push(Kind::Comment, s);
                return;
            }
            '&' | '*' | '!' => {
                let end = s
                    .find(|c: char| is_blank(c) || (flow && matches!(c, ',' | ']' | '}')))
                    .unwrap_or(s.len());
                t.push(Kind::Anchor, &s[..end]);
                s = &s[end..];
            }
            '"' | '\'' => {
                if flow {
                    if let Some(k) = key_end(s, true) {
                        t.push(Kind::Key, &s[..k]);
                        s = &s[k..];
                        continue;
                    }
                }
                let len = quoted_len(s).unwrap_or(s.len());
                t.push(Kind::String, &s[..len]);
                s = &s[len..];
            }
            '[' | '{' => {
                t.push(Kind::Punct, &s[..1]);
                s = &s[1..];
                depth = depth.saturating_add(1);
                flow = true;
            }
            ']' | '}' | ',' if flow => {
                t.push(Kind::Punct, &s[..1]);
                s = &s[1..];
                if c != ',' {
                    depth = depth.saturating_sub(1);
                }
            }
            ':' if s.len() == 1 || s[1..].starts_with(is_blank) || flow => {
                t.push(Kind::Punct, &s[..1]);
                s = &s[1..];
            }
            '-' if flow && (s.len() == 1 || s[1..].starts_with(is_blank)) => {
                t.push(Kind::Punct, &s[..1]);
                s = &s[1..];
            }
            '|' | '>' if !flow => {
                // A block scalar header: `|`, `>-`, `|2+`.
                let end = s
                    .find(|c: char| !(c.is_ascii_digit() || matches!(c, '|' | '>' | '+' | '-')))
                    .unwrap_or(s.len());
                t.push(Kind::Punct, &s[..end]);
                s = &s[end..];
            }
            _ => {
                if flow {
                    if let Some(k) = key_end(s, true) {
                        t.push(Kind::Key, &s[..k]);
                        s = &s[k..];
                        continue;
                    }
                }
                let len = plain_len(s, flow);
                let (scalar, rest) = s.split_at(len);
                let trimmed = scalar.trim_end_matches(is_blank);
                t.push(classify(trimmed), trimmed);
                t.push(Kind::Plain, &scalar[trimmed.len()..]);
                s = rest;
            }
        }
        if depth == 0 && !flow {
            continue;
        }
        if depth == 0 {
            // Back out of flow context after the closing bracket.
            flow = false;
        }
    }
}

/// The byte length of the plain scalar at the start of `s` (at least one character):
/// up to ` #`, and in flow context up to `,` `[` `]` `{` `}` or `: `.
fn plain_len(s: &str, flow: bool) -> usize {
    let mut prev_blank = false;
    for (i, c) in s.char_indices() {
        if i > 0 {
            if c == '#' && prev_blank {
                return i;
            }
            if flow && matches!(c, ',' | '[' | ']' | '{' | '}') {
                return i;
            }
            if c == ':' {
                let next = s[i + 1..].chars().next();
                if next.is_none_or(|n| is_blank(n) || (flow && matches!(n, ',' | ']' | '}'))) {
                    return i;
                }
            }
        }
        prev_blank = is_blank(c);
    }
    s.len()
}

/// go-yaml v2's typing of a plain scalar (the engine's YAML reader), reduced to a colour.
fn classify(s: &str) -> Kind {
    use sts_engine::yaml::{resolve_plain, NodeValue};
    match resolve_plain(s) {
        NodeValue::Null | NodeValue::Bool(_) => Kind::BoolNull,
        NodeValue::Int(_) | NodeValue::Float(_) => Kind::Number,
        _ => Kind::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(Kind, String)> {
        highlight_line(line, LineState::Normal)
            .into_iter()
            .map(|s| (s.kind, s.text))
            .collect()
    }

    fn k(kind: Kind, text: &str) -> (Kind, String) {
        (kind, text.to_string())
    }

    fn joined(spans: &[Span]) -> String {
        spans.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn key_and_typed_values_get_their_colours() {
        use Kind::*;
        assert_eq!(
            kinds("  replicas: 3"),
            vec![
                k(Plain, "  "),
                k(Key, "replicas"),
                k(Punct, ":"),
                k(Plain, " "),
                k(Number, "3")
            ]
        );
        assert_eq!(
            kinds("- name: web # the set"),
            vec![
                k(Punct, "-"),
                k(Plain, " "),
                k(Key, "name"),
                k(Punct, ":"),
                k(Plain, " web "),
                k(Comment, "# the set"),
            ]
        );
        assert_eq!(
            kinds("image: \"nginx:1.25\""),
            vec![
                k(Key, "image"),
                k(Punct, ":"),
                k(Plain, " "),
                k(String, "\"nginx:1.25\"")
            ]
        );
        // go-yaml v2 booleans and nulls (YAML 1.1), not only true/false.
        assert_eq!(kinds("a: yes")[3], k(BoolNull, "yes"));
        assert_eq!(kinds("a: ~")[3], k(BoolNull, "~"));
        assert_eq!(kinds("a: 0x1F")[3], k(Number, "0x1F"));
        assert_eq!(kinds("a: 1_000")[3], k(Number, "1_000"));
        assert_eq!(kinds("a: 1.5e3")[3], k(Number, "1.5e3"));
        // A quantity is a string, not a number.
        assert_eq!(kinds("storage: 1Gi")[2], k(Plain, " 1Gi"));
        // A colon inside a plain value does not make a key.
        assert_eq!(kinds("image: nginx:1.25")[2], k(Plain, " nginx:1.25"));
    }

    #[test]
    fn document_markers_anchors_and_flow_collections() {
        use Kind::*;
        assert_eq!(kinds("---"), vec![k(DocumentMarker, "---")]);
        assert_eq!(
            kinds("--- # next"),
            vec![
                k(DocumentMarker, "---"),
                k(Plain, " "),
                k(Comment, "# next")
            ]
        );
        // `----` is not a marker.
        assert_eq!(kinds("----")[0].0, Plain);
        assert_eq!(
            kinds("base: &b {a: 1, 'b': x}"),
            vec![
                k(Key, "base"),
                k(Punct, ":"),
                k(Plain, " "),
                k(Anchor, "&b"),
                k(Plain, " "),
                k(Punct, "{"),
                k(Key, "a"),
                k(Punct, ":"),
                k(Plain, " "),
                k(Number, "1"),
                k(Punct, ","),
                k(Plain, " "),
                k(Key, "'b'"),
                k(Punct, ":"),
                k(Plain, " x"),
                k(Punct, "}"),
            ]
        );
        assert_eq!(
            kinds("<<: *b"),
            vec![k(Key, "<<"), k(Punct, ":"), k(Plain, " "), k(Anchor, "*b")]
        );
        assert_eq!(
            kinds("args: [\"-c\", 2]"),
            vec![
                k(Key, "args"),
                k(Punct, ":"),
                k(Plain, " "),
                k(Punct, "["),
                k(String, "\"-c\""),
                k(Punct, ","),
                k(Plain, " "),
                k(Number, "2"),
                k(Punct, "]"),
            ]
        );
    }

    #[test]
    fn block_scalar_content_is_a_string_until_the_indentation_returns() {
        let text = "command:\n- sh\n- -c\n- |\n  echo a: b\n\n  # not a comment\nnext: 1";
        let states = line_states(text);
        use LineState::*;
        assert_eq!(
            states,
            vec![
                Normal,
                Normal,
                Normal,
                Normal,
                BlockScalar,
                BlockScalar,
                BlockScalar,
                Normal
            ]
        );
        let lines = highlight(text);
        assert_eq!(lines[4][1].kind, Kind::String);
        assert_eq!(lines[4][1].text, "echo a: b");
        assert_eq!(lines[6][1].kind, Kind::String);
        assert_eq!(lines[7][0].kind, Kind::Key);
        // A header with chomping and a comment.
        assert_eq!(line_states("data: >- # folded\n  x\ny: 1")[1], BlockScalar);
        // `a: |x` is a plain scalar, not a header.
        assert_eq!(line_states("a: |x\n  b")[1], Normal);
    }

    #[test]
    fn spans_join_back_to_the_exact_line() {
        let text = include_str!("../../../scenarios/rolling-update.yaml");
        for line in lines(text) {
            for state in [LineState::Normal, LineState::BlockScalar] {
                assert_eq!(joined(&highlight_line(line, state)), line);
            }
        }
        for line in odd_inputs() {
            for state in [LineState::Normal, LineState::BlockScalar] {
                assert_eq!(joined(&highlight_line(&line, state)), line, "{line:?}");
            }
        }
    }

    fn odd_inputs() -> Vec<String> {
        let mut v: Vec<String> = [
            "",
            " ",
            "\t",
            "\r",
            ":",
            "-",
            "- ",
            "?",
            "? a",
            ": b",
            "#",
            "a:",
            "a:b",
            "'",
            "\"",
            "\"\\",
            "'it''s'",
            "\"a\\\"b\": c",
            "a: 'x",
            "a: \"x",
            "[",
            "]",
            "{",
            "}",
            "{a: [b, {c: d}",
            "]]]}}}",
            "a: [}",
            ",,,",
            "&",
            "*",
            "!",
            "& a: b",
            "!!str: x",
            "&a",
            "- - - x",
            "--- |",
            "...",
            "%YAML 1.2",
            "é: ü",
            "名前: 値 # 注釈",
            "キー:値",
            "a: 😀 #😀",
            "😀:",
            "\u{200b}: x",
            "a:\u{a0}b",
            "\ta:\tb\t",
            "a: b\r",
            "- \"é",
            "|",
            ">",
            "a: |+9",
            "a: ||",
            "key : value",
            "\"k\" : v",
            "'k':v",
            "{\"a\":1}",
            "a: -",
            "a: - b",
            "- : x",
            "a #b: c",
            "a: #",
            "a: 'b' c",
            "a:  \"b\" # c",
            "@x",
            "`x",
            "a: 0b",
            "a: 0x",
            "a: .",
            "a: +",
            "a: 1e",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.push("a".repeat(MAX_LINE_CHARS + 1));
        v.push("é".repeat(MAX_LINE_CHARS));
        v.push(format!("k: {}", "[".repeat(1_900)));
        v.push(format!("k: {}", "x: ".repeat(600)));
        // Every printable ASCII pair and a few multi-byte characters, at every position.
        let alphabet: Vec<char> = (' '..='~')
            .chain(['\t', 'é', '€', '😀', '\u{301}'])
            .collect();
        for a in &alphabet {
            for b in &alphabet {
                v.push(format!("{a}{b}"));
                v.push(format!("k: {a}{b} {a}"));
            }
        }
        v
    }

    #[test]
    fn long_lines_are_one_plain_span() {
        let long = format!("a: {}", "b".repeat(MAX_LINE_CHARS));
        let spans = highlight_line(&long, LineState::Normal);
        assert_eq!(spans, vec![span(Kind::Plain, &long)]);
        // 2,000 two-byte characters are still within the limit (characters, not bytes).
        let wide = format!("é: {}", "é".repeat(1_990));
        assert!(highlight_line(&wide, LineState::Normal).len() > 1);
    }

    #[test]
    fn one_line_per_text_line_including_empty_ones() {
        assert_eq!(highlight("").len(), 1);
        assert_eq!(highlight("a: 1\n").len(), 2);
        assert_eq!(highlight("a\n\nb").len(), 3);
        assert_eq!(line_states("a\n\nb").len(), 3);
    }
}
