//! kubectl's JSONPath templates (`-o jsonpath=…`, `custom-columns`, `wait --for=jsonpath`).
//!
//! The subset: literal text outside `{}`; inside, field paths (`.a.b`, `['a.b']`, escaped
//! dots `a\.b`), `[*]`, `[N]` (negative from the end), slices `[a:b]`, filters
//! `[?(@.k=="v")]` (`==`, `!=`, `<`, `>`, `<=`, `>=`, or existence), recursive descent
//! `..name`, `range … end`, quoted literals (`{"\t"}`), `$` and `@`. Anything else is a
//! parse error naming what is not supported.
//!
//! Output follows `k8s.io/client-go/util/jsonpath` (`JSONPath.PrintResults`): several
//! results of one action are joined by a space; maps and lists print as compact JSON;
//! strings raw; missing keys print nothing (kubectl enables `AllowMissingKeys`).

use serde_json::Value;

/// A parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    nodes: Vec<Node>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Root,
    Current,
    Field(String),
    Recursive(String),
    Wildcard,
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    Filter(Box<Filter>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Filter {
    left: Vec<Step>,
    op: Option<(String, Literal)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Literal {
    Str(String),
    Num(String),
    Bool(bool),
}

/// Parses a template like `{range .items[*]}{.metadata.name}{"\n"}{end}`.
pub fn parse(template: &str) -> Result<Template, String> {
    let mut pos = 0;
    let chars: Vec<char> = template.chars().collect();
    let nodes = parse_nodes(&chars, &mut pos, 0)?;
    Ok(Template { nodes })
}

/// How deeply `range` blocks may nest (the parser recurses once per level).
const MAX_RANGE_DEPTH: usize = 32;

fn parse_nodes(c: &[char], pos: &mut usize, depth: usize) -> Result<Vec<Node>, String> {
    let in_range = depth > 0;
    if depth > MAX_RANGE_DEPTH {
        return Err(format!("range blocks nested deeper than {MAX_RANGE_DEPTH}"));
    }
    let mut nodes = Vec::new();
    let mut text = String::new();
    while *pos < c.len() {
        if c[*pos] != '{' {
            text.push(c[*pos]);
            *pos += 1;
            continue;
        }
        if !text.is_empty() {
            nodes.push(Node::Text(std::mem::take(&mut text)));
        }
        // An action: up to the matching `}` outside quotes.
        let start = *pos + 1;
        let mut i = start;
        let mut quote: Option<char> = None;
        while i < c.len() {
            match (quote, c[i]) {
                (Some(q), '\\') if i + 1 < c.len() && q == '"' => i += 1,
                (Some(q), ch) if ch == q => quote = None,
                (None, '"' | '\'') => quote = Some(c[i]),
                (None, '}') => break,
                _ => {}
            }
            i += 1;
        }
        if i >= c.len() {
            return Err("unclosed action".into());
        }
        let action: String = c[start..i].iter().collect();
        *pos = i + 1;
        let a = action.trim();
        if a == "end" {
            if in_range {
                return Ok(nodes);
            }
            return Err("not in range, nothing to end".into());
        }
        if let Some(rest) = a.strip_prefix("range") {
            if rest.starts_with([' ', '\t']) || rest.is_empty() {
                let steps = parse_path(rest.trim())?;
                let body = parse_nodes(c, pos, depth + 1)?;
                nodes.push(Node::Range(steps, body));
                continue;
            }
        }
        if a.starts_with('"') || a.starts_with('\'') {
            nodes.push(Node::Text(parse_quoted(a)?));
            continue;
        }
        if a.is_empty() {
            continue;
        }
        nodes.push(Node::Path(parse_path(a)?));
    }
    if in_range {
        return Err("unclosed range, missing {end}".into());
    }
    if !text.is_empty() {
        nodes.push(Node::Text(text));
    }
    Ok(nodes)
}

fn parse_quoted(a: &str) -> Result<String, String> {
    let q = a.chars().next().unwrap_or('"');
    let inner = a
        .strip_prefix(q)
        .and_then(|r| r.strip_suffix(q))
        .ok_or_else(|| format!("unterminated quoted string in {a}"))?;
    if q == '\'' {
        return Ok(inner.to_string());
    }
    let mut out = String::new();
    let mut it = inner.chars();
    while let Some(ch) = it.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Ok(out)
}

/// Parses `.a.b[0].c`, `$.a`, `@.a`, `..a`.
fn parse_path(p: &str) -> Result<Vec<Step>, String> {
    let c: Vec<char> = p.chars().collect();
    let mut i = 0;
    let mut steps = Vec::new();
    while i < c.len() {
        match c[i] {
            '$' if i == 0 => {
                steps.push(Step::Root);
                i += 1;
            }
            '@' if i == 0 => {
                steps.push(Step::Current);
                i += 1;
            }
            '.' if c.get(i + 1) == Some(&'.') => {
                i += 2;
                let name = read_name(&c, &mut i);
                if name.is_empty() {
                    return Err(format!("unrecognized identifier after .. in {p}"));
                }
                steps.push(Step::Recursive(name));
            }
            '.' => {
                i += 1;
                if c.get(i) == Some(&'*') {
                    i += 1;
                    steps.push(Step::Wildcard);
                    continue;
                }
                let name = read_name(&c, &mut i);
                if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let start = i + 1;
                let mut j = start;
                let mut quote: Option<char> = None;
                let mut depth = 0;
                while j < c.len() {
                    match (quote, c[j]) {
                        (Some(q), ch) if ch == q => quote = None,
                        (None, '"' | '\'') => quote = Some(c[j]),
                        (None, '[') => depth += 1,
                        (None, ']') if depth == 0 => break,
                        (None, ']') => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                if j >= c.len() {
                    return Err("unterminated array".into());
                }
                let inner: String = c[start..j].iter().collect();
                i = j + 1;
                steps.push(parse_bracket(inner.trim())?);
            }
            ch if ch.is_whitespace() => i += 1,
            ch if steps.is_empty() && (ch.is_alphanumeric() || ch == '_') => {
                // A leading bare name (`{metadata.name}`) reads like `.metadata.name`.
                let name = read_name(&c, &mut i);
                steps.push(Step::Field(name));
            }
            ch => {
                return Err(format!(
                    "unrecognized character in action: U+{:04X} '{ch}'",
                    ch as u32
                ))
            }
        }
    }
    Ok(steps)
}

fn read_name(c: &[char], i: &mut usize) -> String {
    let mut name = String::new();
    while *i < c.len() {
        match c[*i] {
            '\\' if *i + 1 < c.len() => {
                name.push(c[*i + 1]);
                *i += 2;
            }
            '.' | '[' | ' ' | '\t' => break,
            ch => {
                name.push(ch);
                *i += 1;
            }
        }
    }
    name
}

fn parse_bracket(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    if let Some(f) = inner.strip_prefix('?') {
        let f = f.trim();
        let body = f
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(|| format!("unsupported filter syntax [{inner}]"))?;
        return Ok(Step::Filter(Box::new(parse_filter(body.trim())?)));
    }
    if (inner.starts_with('\'') && inner.ends_with('\'') && inner.len() >= 2)
        || (inner.starts_with('"') && inner.ends_with('"') && inner.len() >= 2)
    {
        if inner.contains(',') {
            return Err(format!(
                "unions [{inner}] are not supported by this playground"
            ));
        }
        return Ok(Step::Field(inner[1..inner.len() - 1].to_string()));
    }
    if let Some((a, b)) = inner.split_once(':') {
        let num = |s: &str| -> Result<Option<i64>, String> {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse()
                    .map(Some)
                    .map_err(|_| format!("invalid array index {s}"))
            }
        };
        if b.contains(':') {
            return Err(format!(
                "array slices with a step [{inner}] are not supported"
            ));
        }
        return Ok(Step::Slice(num(a)?, num(b)?));
    }
    if inner.contains(',') {
        return Err(format!(
            "unions [{inner}] are not supported by this playground"
        ));
    }
    inner
        .parse()
        .map(Step::Index)
        .map_err(|_| format!("invalid array index {inner}"))
}

fn parse_filter(body: &str) -> Result<Filter, String> {
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((l, r)) = split_outside_quotes(body, op) {
            let left = parse_path(l.trim())?;
            let r = r.trim();
            let lit = if r.starts_with('"') || r.starts_with('\'') {
                Literal::Str(parse_quoted(r)?)
            } else if r == "true" || r == "false" {
                Literal::Bool(r == "true")
            } else if r.parse::<f64>().is_ok() {
                Literal::Num(r.to_string())
            } else {
                return Err(format!("unsupported filter value {r}"));
            };
            return Ok(Filter {
                left,
                op: Some((op.to_string(), lit)),
            });
        }
    }
    Ok(Filter {
        left: parse_path(body)?,
        op: None,
    })
}

fn split_outside_quotes<'a>(s: &'a str, op: &str) -> Option<(&'a str, &'a str)> {
    let mut quote: Option<char> = None;
    for (i, ch) in s.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(ch),
            (None, _) if s[i..].starts_with(op) => {
                return Some((&s[..i], &s[i + op.len()..]));
            }
            _ => {}
        }
    }
    None
}

impl Template {
    /// Executes the template against `root`.
    pub fn execute(&self, root: &Value) -> Result<String, String> {
        let mut out = String::new();
        exec_nodes(&self.nodes, root, root, &mut out)?;
        Ok(out)
    }

    /// The values the first path of the template selects (for `custom-columns` and
    /// `wait --for=jsonpath`).
    pub fn first_values(&self, root: &Value) -> Result<Vec<Value>, String> {
        for n in &self.nodes {
            if let Node::Path(steps) = n {
                return eval(steps, root, root).map(|v| v.into_iter().cloned().collect());
            }
        }
        Ok(Vec::new())
    }
}

fn exec_nodes(nodes: &[Node], root: &Value, cur: &Value, out: &mut String) -> Result<(), String> {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Path(steps) => {
                let vals = eval(steps, root, cur)?;
                let texts: Vec<String> = vals.iter().map(|v| print_value(v)).collect();
                out.push_str(&texts.join(" "));
            }
            Node::Range(steps, body) => {
                let vals = eval(steps, root, cur)?;
                // `range` over one list value iterates its items.
                let items: Vec<&Value> = if vals.len() == 1 {
                    match vals[0] {
                        Value::Array(a) => a.iter().collect(),
                        Value::Object(m) => m.values().collect(),
                        v => vec![v],
                    }
                } else {
                    vals
                };
                for item in items {
                    exec_nodes(body, root, item, out)?;
                }
            }
        }
    }
    Ok(())
}

/// One value as jsonpath prints it.
pub fn print_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn eval<'v>(steps: &[Step], root: &'v Value, cur: &'v Value) -> Result<Vec<&'v Value>, String> {
    let mut vals: Vec<&'v Value> = vec![cur];
    for s in steps {
        let mut next = Vec::new();
        match s {
            Step::Root => next.push(root),
            Step::Current => next.push(cur),
            Step::Field(name) => {
                for v in &vals {
                    if let Value::Object(m) = v {
                        if let Some(x) = m.get(name) {
                            next.push(x);
                        }
                    }
                }
            }
            Step::Recursive(name) => {
                for v in &vals {
                    collect_recursive(v, name, &mut next);
                }
            }
            Step::Wildcard => {
                for v in &vals {
                    match v {
                        Value::Array(a) => next.extend(a.iter()),
                        Value::Object(m) => next.extend(m.values()),
                        _ => {}
                    }
                }
            }
            Step::Index(n) => {
                for v in &vals {
                    if let Value::Array(a) = v {
                        let len = a.len() as i64;
                        let idx = if *n < 0 { len + n } else { *n };
                        if idx < 0 || idx >= len {
                            return Err(format!(
                                "array index out of bounds: index {n}, length {len}"
                            ));
                        }
                        next.push(&a[idx as usize]);
                    }
                }
            }
            Step::Slice(a, b) => {
                for v in &vals {
                    if let Value::Array(arr) = v {
                        let len = arr.len() as i64;
                        let fix = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                        let from = fix(a.unwrap_or(0));
                        let to = fix(b.unwrap_or(len));
                        if from < to {
                            next.extend(arr[from as usize..to as usize].iter());
                        }
                    }
                }
            }
            Step::Filter(f) => {
                for v in &vals {
                    let items: Vec<&Value> = match v {
                        Value::Array(a) => a.iter().collect(),
                        other => vec![*other],
                    };
                    for item in items {
                        if filter_matches(f, root, item)? {
                            next.push(item);
                        }
                    }
                }
            }
        }
        vals = next;
    }
    Ok(vals)
}

fn collect_recursive<'v>(v: &'v Value, name: &str, out: &mut Vec<&'v Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(name) {
                out.push(x);
            }
            for child in m.values() {
                collect_recursive(child, name, out);
            }
        }
        Value::Array(a) => {
            for child in a {
                collect_recursive(child, name, out);
            }
        }
        _ => {}
    }
}

fn filter_matches(f: &Filter, root: &Value, item: &Value) -> Result<bool, String> {
    let found = eval(&f.left, root, item)?;
    let Some((op, lit)) = &f.op else {
        return Ok(!found.is_empty());
    };
    let Some(v) = found.first() else {
        return Ok(false);
    };
    let ord = match (v, lit) {
        (Value::String(s), Literal::Str(l)) => s.as_str().cmp(l.as_str()),
        (Value::Bool(b), Literal::Bool(l)) => b.cmp(l),
        (Value::Number(n), Literal::Num(l)) => {
            let (a, b) = (n.as_f64().unwrap_or(0.0), l.parse::<f64>().unwrap_or(0.0));
            a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal)
        }
        (v, Literal::Str(l)) => print_value(v).as_str().cmp(l.as_str()),
        _ => return Ok(op == "!="),
    };
    use std::cmp::Ordering::*;
    Ok(match op.as_str() {
        "==" => ord == Equal,
        "!=" => ord != Equal,
        "<" => ord == Less,
        ">" => ord == Greater,
        "<=" => ord != Greater,
        _ => ord != Less,
    })
}

/// kubectl's `RelaxedJSONPathExpression` for `custom-columns` and `wait`: `.a.b`,
/// `a.b` and `{.a.b}` all mean `{.a.b}`.
pub fn relaxed(expr: &str) -> Result<String, String> {
    let e = expr.trim();
    if e.is_empty() {
        return Err("jsonpath expression cannot be empty".into());
    }
    let inner = e
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(e);
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    Ok(format!("{{.{inner}}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(t: &str, v: &Value) -> String {
        parse(t)
            .unwrap_or_else(|e| panic!("{t}: {e}"))
            .execute(v)
            .unwrap_or_else(|e| panic!("{t}: {e}"))
    }

    fn pods() -> Value {
        json!({"kind": "List", "items": [
            {"metadata": {"name": "web-0", "labels": {"app": "nginx"}},
             "spec": {"containers": [{"name": "nginx", "image": "nginx:1.21"}, {"name": "side", "image": "busybox"}]},
             "status": {"podIP": "10.244.1.2", "conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "web-1", "labels": {"app": "nginx"}},
             "spec": {"containers": [{"name": "nginx", "image": "nginx:1.22"}]},
             "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
        ]})
    }

    #[test]
    fn the_tutorial_templates_print_like_kubectl() {
        let v = pods();
        assert_eq!(
            run(
                r#"{range .items[*]}{.metadata.name}{"\t"}{.spec.containers[*].image}{"\n"}{end}"#,
                &v
            ),
            "web-0\tnginx:1.21 busybox\nweb-1\tnginx:1.22\n"
        );
        assert_eq!(
            run(
                r#"{range .items[*]}{.metadata.name}{"\t"}{.spec.containers[0].image}{"\n"}{end}"#,
                &v
            ),
            "web-0\tnginx:1.21\nweb-1\tnginx:1.22\n"
        );
        assert_eq!(run("{.items[*].metadata.name}", &v), "web-0 web-1");
        assert_eq!(run("{.items[0].status.podIP}", &v), "10.244.1.2");
        assert_eq!(
            run("{.items[1].status.podIP}", &v),
            "",
            "missing keys print nothing"
        );
        assert_eq!(run("{.items[-1].metadata.name}", &v), "web-1");
        assert_eq!(run("{.items[0:1].metadata.name}", &v), "web-0");
        assert_eq!(run("name: {.items[0].metadata.name}!", &v), "name: web-0!");
        assert_eq!(run("{.items[0].metadata.labels}", &v), r#"{"app":"nginx"}"#);
        assert_eq!(
            run(
                r#"{.items[*].status.conditions[?(@.type=="Ready")].status}"#,
                &v
            ),
            "True False"
        );
        assert_eq!(run("{..image}", &v), "nginx:1.21 busybox nginx:1.22");
        assert_eq!(run("{$.kind}", &v), "List");
    }

    #[test]
    fn errors_are_reported_not_panicked() {
        assert!(parse("{.items[*}").is_err());
        assert!(parse("{range .items[*]}{.x}").is_err());
        assert!(parse("{end}").is_err());
        assert!(parse("{.a %}").is_err());
        assert!(parse("{.items['a','b']}").is_err());
        let deep = "{range .a}".repeat(10_000);
        assert!(
            parse(&deep).is_err(),
            "deep nesting is refused, not overflowed"
        );
        let t = parse("{.items[5].metadata.name}").expect("parses");
        assert_eq!(
            t.execute(&pods()).unwrap_err(),
            "array index out of bounds: index 5, length 2"
        );
    }

    #[test]
    fn relaxed_expressions_gain_braces() {
        assert_eq!(relaxed(".status.phase").as_deref(), Ok("{.status.phase}"));
        assert_eq!(relaxed("status.phase").as_deref(), Ok("{.status.phase}"));
        assert_eq!(relaxed("{.status.phase}").as_deref(), Ok("{.status.phase}"));
    }
}
