//! The little shell around kubectl that tutorial command lines need: quoting, `;`,
//! `&&`, `||`, pipes into `grep`/`wc`/`head`/`tail`/`sort`/`uniq`/`tr`/`cat`, `echo`,
//! `for VAR in …; do …; done`, variable assignments, and here-documents
//! (`cat <<EOF | kubectl apply -f -`). Everything else a real shell does is refused
//! with a message saying so; nothing here touches a real system.

use std::collections::BTreeMap;

use super::Out;
use crate::world::World;

/// A lexed token.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A word as written (quotes kept; expanded at run time).
    Word(String),
    /// `|`, `||`, `&&`, `;`, newline, `&`.
    Op(&'static str),
    /// A here-document's body (after its `<<DELIM` operator).
    Heredoc(String),
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    // Here-documents whose bodies start after the current line: (token index, delim, strip tabs).
    let mut pending: Vec<(usize, String, bool)> = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\n' => {
                toks.push(Tok::Op("\n"));
                i += 1;
                for (idx, delim, strip) in std::mem::take(&mut pending) {
                    let mut body = String::new();
                    let mut found = false;
                    while i < chars.len() {
                        let end = chars[i..].iter().position(|&c| c == '\n').map_or(chars.len(), |p| i + p);
                        let line: String = chars[i..end].iter().collect();
                        i = end + 1;
                        let cmp = if strip { line.trim_start_matches('\t') } else { line.as_str() };
                        if cmp.trim_end_matches('\r') == delim {
                            found = true;
                            break;
                        }
                        body.push_str(if strip { cmp } else { &line });
                        body.push('\n');
                    }
                    if !found {
                        return Err(format!(
                            "sh: warning: here-document delimited by end-of-file (wanted `{delim}')"
                        ));
                    }
                    toks[idx] = Tok::Heredoc(body);
                }
                if i > chars.len() {
                    i = chars.len();
                }
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                toks.push(Tok::Op("||"));
                i += 2;
            }
            '|' => {
                toks.push(Tok::Op("|"));
                i += 1;
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                toks.push(Tok::Op("&&"));
                i += 2;
            }
            '&' => {
                toks.push(Tok::Op("&"));
                i += 1;
            }
            ';' => {
                toks.push(Tok::Op(";"));
                i += 1;
            }
            '<' if chars.get(i + 1) == Some(&'<') => {
                i += 2;
                let strip = chars.get(i) == Some(&'-');
                if strip {
                    i += 1;
                }
                while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                    i += 1;
                }
                let (word, next) = read_word(&chars, i)?;
                i = next;
                if word.is_empty() {
                    return Err("sh: syntax error near unexpected token `newline'".into());
                }
                let delim: String = word.chars().filter(|c| *c != '\'' && *c != '"').collect();
                pending.push((toks.len(), delim, strip));
                toks.push(Tok::Heredoc(String::new()));
            }
            '<' | '>' => {
                return Err(format!(
                    "sh: redirection ({c}) is not supported by this playground's shell; pipe into grep, head, tail, wc, sort, uniq or tr instead"
                ))
            }
            _ => {
                let (word, next) = read_word(&chars, i)?;
                i = next;
                toks.push(Tok::Word(word));
            }
        }
    }
    if let Some((_, delim, _)) = pending.first() {
        return Err(format!(
            "sh: warning: here-document delimited by end-of-file (wanted `{delim}')"
        ));
    }
    Ok(toks)
}

/// Reads one raw word starting at `i` (quotes kept), returning it and the next index.
fn read_word(chars: &[char], mut i: usize) -> Result<(String, usize), String> {
    let mut w = String::new();
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' | ';' | '|' | '&' | '<' | '>' => break,
            '\'' => {
                w.push(c);
                i += 1;
                loop {
                    match chars.get(i) {
                        Some('\'') => {
                            w.push('\'');
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            w.push(ch);
                            i += 1;
                        }
                        None => return Err("error: unterminated quote in command".into()),
                    }
                }
            }
            '"' => {
                w.push(c);
                i += 1;
                loop {
                    match chars.get(i) {
                        Some('"') => {
                            w.push('"');
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            w.push('\\');
                            if let Some(&n) = chars.get(i + 1) {
                                w.push(n);
                            }
                            i += 2;
                        }
                        Some(&ch) => {
                            w.push(ch);
                            i += 1;
                        }
                        None => return Err("error: unterminated quote in command".into()),
                    }
                }
            }
            '\\' => {
                w.push('\\');
                if let Some(&n) = chars.get(i + 1) {
                    w.push(n);
                }
                i += 2;
            }
            _ => {
                w.push(c);
                i += 1;
            }
        }
    }
    Ok((w, i.min(chars.len())))
}

/// Expands one raw word: quotes removed, `$NAME`/`${NAME}`/`$?` substituted.
fn expand(raw: &str, env: &BTreeMap<String, String>) -> Result<String, String> {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut dq = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' if !dq => {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    out.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                dq = !dq;
                i += 1;
            }
            '\\' => {
                let n = chars.get(i + 1).copied();
                match n {
                    Some(ch) if !dq || matches!(ch, '"' | '\\' | '$' | '`') => out.push(ch),
                    Some('\n') => {}
                    Some(ch) => {
                        out.push('\\');
                        out.push(ch);
                    }
                    None => out.push('\\'),
                }
                i += 2;
            }
            '`' => {
                return Err(
                    "sh: command substitution (`…`) is not supported by this playground's shell"
                        .into(),
                )
            }
            '$' => {
                let n = chars.get(i + 1).copied();
                match n {
                    Some('(') => {
                        return Err("sh: command substitution ($(…)) is not supported by this playground's shell".into())
                    }
                    Some('{') => {
                        let end = chars[i + 2..]
                            .iter()
                            .position(|&c| c == '}')
                            .ok_or("sh: bad substitution")?;
                        let name: String = chars[i + 2..i + 2 + end].iter().collect();
                        out.push_str(env.get(&name).map(String::as_str).unwrap_or(""));
                        i += 3 + end;
                    }
                    Some('?') => {
                        out.push_str(env.get("?").map(String::as_str).unwrap_or("0"));
                        i += 2;
                    }
                    Some(ch) if ch.is_ascii_alphabetic() || ch == '_' => {
                        let start = i + 1;
                        let mut j = start;
                        while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                            j += 1;
                        }
                        let name: String = chars[start..j].iter().collect();
                        out.push_str(env.get(&name).map(String::as_str).unwrap_or(""));
                        i = j;
                    }
                    _ => {
                        out.push('$');
                        i += 1;
                    }
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Splits a command line into words like a POSIX shell would (quotes, backslashes),
/// without running anything.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let env = BTreeMap::new();
    let mut words = Vec::new();
    for t in lex(line)? {
        match t {
            Tok::Word(w) => words.push(expand(&w, &env)?),
            Tok::Op("\n") => {}
            Tok::Op(op) => words.push(op.to_string()),
            Tok::Heredoc(_) => {}
        }
    }
    Ok(words)
}

// ---------------------------------------------------------------------------------------
// Parsing

#[derive(Clone, Debug)]
enum Cmd {
    Simple {
        words: Vec<String>,
        heredoc: Option<String>,
    },
    For {
        var: String,
        items: Vec<String>,
        body: Vec<AndOr>,
    },
}

#[derive(Clone, Debug)]
struct AndOr {
    first: Vec<Cmd>,
    rest: Vec<(&'static str, Vec<Cmd>)>,
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// Nesting of `for` loops (bounded: the parser recurses once per level).
    depth: usize,
}

/// How deeply `for` loops may nest.
const MAX_LOOP_DEPTH: usize = 16;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn skip_separators(&mut self) {
        while matches!(self.peek(), Some(Tok::Op(";" | "\n"))) {
            self.pos += 1;
        }
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }

    /// A list up to the end or (inside `do`) up to `done`.
    fn list(&mut self, until_done: bool) -> Result<Vec<AndOr>, String> {
        let mut items = Vec::new();
        loop {
            self.skip_separators();
            match self.peek() {
                None if until_done => {
                    return Err(
                        "sh: syntax error: unexpected end of file (expecting \"done\")".into(),
                    )
                }
                None => break,
                Some(Tok::Word(w)) if w == "done" && until_done => {
                    self.pos += 1;
                    break;
                }
                _ => {}
            }
            items.push(self.and_or()?);
            match self.peek() {
                Some(Tok::Op("&")) => {
                    return Err(
                        "sh: background jobs (&) are not supported by this playground's shell"
                            .into(),
                    )
                }
                Some(Tok::Op(";" | "\n")) | None => {}
                Some(Tok::Word(w)) if w == "done" && until_done => {}
                Some(t) => {
                    return Err(format!(
                        "sh: syntax error near unexpected token `{}'",
                        tok_text(t)
                    ))
                }
            }
        }
        Ok(items)
    }

    fn and_or(&mut self) -> Result<AndOr, String> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        while let Some(Tok::Op(op @ ("&&" | "||"))) = self.peek() {
            let op = *op;
            self.pos += 1;
            while matches!(self.peek(), Some(Tok::Op("\n"))) {
                self.pos += 1;
            }
            rest.push((op, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Vec<Cmd>, String> {
        let mut cmds = vec![self.command()?];
        while let Some(Tok::Op("|")) = self.peek() {
            self.pos += 1;
            while matches!(self.peek(), Some(Tok::Op("\n"))) {
                self.pos += 1;
            }
            cmds.push(self.command()?);
        }
        Ok(cmds)
    }

    fn command(&mut self) -> Result<Cmd, String> {
        if self.is_word("for") {
            self.pos += 1;
            let var = match self.peek() {
                Some(Tok::Word(v)) => v.clone(),
                _ => return Err("sh: syntax error: bad for loop variable".into()),
            };
            self.pos += 1;
            let mut items = Vec::new();
            if self.is_word("in") {
                self.pos += 1;
                while let Some(Tok::Word(w)) = self.peek() {
                    items.push(w.clone());
                    self.pos += 1;
                }
            }
            self.skip_separators();
            if !self.is_word("do") {
                return Err("sh: syntax error: expecting \"do\"".into());
            }
            self.pos += 1;
            self.depth += 1;
            if self.depth > MAX_LOOP_DEPTH {
                return Err(format!(
                    "sh: for loops nested deeper than {MAX_LOOP_DEPTH} are not supported"
                ));
            }
            let body = self.list(true)?;
            self.depth -= 1;
            return Ok(Cmd::For { var, items, body });
        }
        for kw in ["while", "until", "if", "case", "function", "select"] {
            if self.is_word(kw) {
                return Err(format!(
                    "sh: `{kw}' is not supported by this playground's shell (supported: for … in …; do …; done, ;, &&, ||, |)"
                ));
            }
        }
        let mut words = Vec::new();
        let mut heredoc = None;
        loop {
            match self.peek() {
                Some(Tok::Word(w)) => {
                    if (w == "do" || w == "done") && !words.is_empty() {
                        break;
                    }
                    words.push(w.clone());
                    self.pos += 1;
                }
                Some(Tok::Heredoc(b)) => {
                    heredoc = Some(b.clone());
                    self.pos += 1;
                }
                _ => break,
            }
        }
        if words.is_empty() {
            let t = self
                .peek()
                .map(tok_text)
                .unwrap_or_else(|| "newline".into());
            return Err(format!("sh: syntax error near unexpected token `{t}'"));
        }
        Ok(Cmd::Simple { words, heredoc })
    }
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Word(w) => w.clone(),
        Tok::Op("\n") => "newline".into(),
        Tok::Op(o) => (*o).to_string(),
        Tok::Heredoc(_) => "<<".into(),
    }
}

// ---------------------------------------------------------------------------------------
// Running

/// Runs a script; `single` is true when it is exactly one simple command (only then may
/// kubectl block, watch or open the editor).
pub fn run_script(world: &mut World, text: &str, stdin: Option<&str>) -> Out {
    let toks = match lex(text) {
        Ok(t) => t,
        Err(e) => return Out::error(&e),
    };
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let list = match p.list(false) {
        Ok(l) => l,
        Err(e) => return Out::error(&e),
    };
    let single = list.len() == 1
        && list[0].rest.is_empty()
        && list[0].first.len() == 1
        && matches!(list[0].first[0], Cmd::Simple { .. });
    let mut env = BTreeMap::new();
    let mut out = Out::default();
    let mut budget = MAX_COMMANDS;
    run_list(world, &list, &mut env, stdin, single, &mut out, &mut budget);
    out
}

/// Bounds loops (`for` over a long list runs at most this many commands).
const MAX_COMMANDS: usize = 1000;

fn run_list(
    world: &mut World,
    list: &[AndOr],
    env: &mut BTreeMap<String, String>,
    stdin: Option<&str>,
    single: bool,
    out: &mut Out,
    budget: &mut usize,
) {
    for ao in list {
        let mut status = run_pipeline(world, &ao.first, env, stdin, single, out, budget);
        for (op, p) in &ao.rest {
            let go = (*op == "&&" && status == 0) || (*op == "||" && status != 0);
            if go {
                status = run_pipeline(world, p, env, stdin, single, out, budget);
            }
        }
        out.exit = status;
        env.insert("?".into(), status.to_string());
    }
}

fn run_pipeline(
    world: &mut World,
    cmds: &[Cmd],
    env: &mut BTreeMap<String, String>,
    stdin: Option<&str>,
    single: bool,
    out: &mut Out,
    budget: &mut usize,
) -> i32 {
    let mut input: Option<String> = stdin.map(String::from);
    let mut status = 0;
    let n = cmds.len();
    for (i, cmd) in cmds.iter().enumerate() {
        let last = i + 1 == n;
        let mut stage = Out::default();
        match cmd {
            Cmd::For { var, items, body } => {
                let mut expanded = Vec::new();
                for w in items {
                    match expand(w, env) {
                        Ok(x) => expanded.extend(x.split_whitespace().map(String::from)),
                        Err(e) => {
                            stage.eprint(&format!("{e}\n"));
                            stage.exit = 1;
                        }
                    }
                }
                for item in expanded {
                    env.insert(var.clone(), item);
                    run_list(
                        world,
                        body,
                        env,
                        input.as_deref(),
                        false,
                        &mut stage,
                        budget,
                    );
                }
            }
            Cmd::Simple { words, heredoc } => {
                if *budget == 0 {
                    stage.eprint(
                        "sh: too many commands (this playground runs at most 1000 per line)\n",
                    );
                    stage.exit = 1;
                } else {
                    *budget -= 1;
                    let stdin_here = heredoc.clone().or_else(|| input.clone());
                    stage = run_simple(world, words, env, stdin_here.as_deref(), single && n == 1);
                }
            }
        }
        status = stage.exit;
        if last {
            out.append(stage);
        } else {
            // stderr goes to the terminal now; stdout flows into the next stage.
            input = Some(stage.take_stdout());
            out.append(stage);
        }
    }
    status
}

fn run_simple(
    world: &mut World,
    raw: &[String],
    env: &mut BTreeMap<String, String>,
    stdin: Option<&str>,
    single: bool,
) -> Out {
    let mut argv = Vec::new();
    for w in raw {
        match expand(w, env) {
            Ok(x) => argv.push(x),
            Err(e) => return Out::error(&e),
        }
    }
    // Leading assignments (`NAME=value …`).
    let mut i = 0;
    while i < argv.len() {
        match argv[i].split_once('=') {
            Some((name, value))
                if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !name.starts_with(|c: char| c.is_ascii_digit())
                    && raw[i]
                        .find('=')
                        .is_some_and(|p| !raw[i][..p].contains(['\'', '"'])) =>
            {
                env.insert(name.to_string(), value.to_string());
                i += 1;
            }
            _ => break,
        }
    }
    let argv = &argv[i..];
    let Some(cmd) = argv.first() else {
        return Out::default();
    };
    let args = &argv[1..];
    match cmd.as_str() {
        "kubectl" => super::kubectl_main(world, args, stdin, single),
        "export" => {
            for a in args {
                if let Some((k, v)) = a.split_once('=') {
                    env.insert(k.to_string(), v.to_string());
                }
            }
            Out::default()
        }
        "echo" => echo(args),
        "cat" => cat(world, args, stdin),
        "grep" | "egrep" | "fgrep" => grep(cmd, args, stdin.unwrap_or("")),
        "wc" => wc(args, stdin.unwrap_or("")),
        "head" | "tail" => head_tail(cmd == "head", args, stdin.unwrap_or("")),
        "sort" => sort(args, stdin.unwrap_or("")),
        "uniq" => uniq(args, stdin.unwrap_or("")),
        "tr" => tr(args, stdin.unwrap_or("")),
        "true" | ":" => Out::default(),
        "false" => Out {
            exit: 1,
            ..Out::default()
        },
        "sleep" => Out::error("sh: sleep: a command cannot pause the simulation; use the time controls (or kubectl wait)"),
        "awk" | "sed" | "cut" | "xargs" | "jq" | "yq" | "less" | "more" | "tee" | "column" | "base64" => {
            Out::error(&format!(
                "sh: {cmd}: not supported by this playground's shell (after a pipe it supports: grep, wc, head, tail, sort, uniq, tr, cat)"
            ))
        }
        // Anything else is a kubectl subcommand typed without `kubectl` (scenario steps
        // and the console accept both).
        _ => super::kubectl_main(world, argv, stdin, single),
    }
}

fn echo(args: &[String]) -> Out {
    let (newline, args) = match args.first().map(String::as_str) {
        Some("-n") => (false, &args[1..]),
        Some("-e") => (true, &args[1..]),
        _ => (true, args),
    };
    let mut o = Out::default();
    o.print(&args.join(" "));
    if newline {
        o.print("\n");
    }
    o
}

fn cat(world: &World, args: &[String], stdin: Option<&str>) -> Out {
    let mut o = Out::default();
    if args.is_empty() {
        o.print(stdin.unwrap_or(""));
        return o;
    }
    for a in args {
        if a == "-" {
            o.print(stdin.unwrap_or(""));
        } else if let Some(t) = world.files.get(a) {
            o.print(t);
        } else {
            o.eprint(&format!("cat: {a}: No such file or directory\n"));
            o.exit = 1;
        }
    }
    o
}

/// A small regular expression: literals, `.`, `*`, `^`, `$`, `[…]`, `\x`, and with `-E`
/// also `+`, `?`, `|`.
#[derive(Clone, Debug)]
enum Re {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    Repeat(Box<Re>, usize, Option<usize>),
}

/// The longest grep pattern accepted (matching recurses once per pattern element).
const MAX_PATTERN: usize = 512;

fn parse_re(p: &str, extended: bool, fixed: bool) -> Result<Vec<Vec<Re>>, String> {
    if p.chars().count() > MAX_PATTERN {
        return Err(format!(
            "grep: this playground's grep takes patterns of at most {MAX_PATTERN} characters"
        ));
    }
    if fixed {
        return Ok(vec![p.chars().map(Re::Char).collect()]);
    }
    let alternatives: Vec<String> = if extended {
        p.split('|').map(String::from).collect()
    } else {
        p.split("\\|").map(String::from).collect()
    };
    let mut out = Vec::new();
    for alt in alternatives {
        let c: Vec<char> = alt.chars().collect();
        let mut seq: Vec<Re> = Vec::new();
        let mut i = 0;
        while i < c.len() {
            let ch = c[i];
            let atom =
                match ch {
                    '^' if seq.is_empty() => Re::Start,
                    '$' if i + 1 == c.len() => Re::End,
                    '.' => Re::Any,
                    '[' => {
                        let mut j = i + 1;
                        let neg = c.get(j) == Some(&'^');
                        if neg {
                            j += 1;
                        }
                        let mut ranges = Vec::new();
                        let mut first = true;
                        while j < c.len() && (c[j] != ']' || first) {
                            first = false;
                            if j + 2 < c.len() && c[j + 1] == '-' && c[j + 2] != ']' {
                                ranges.push((c[j], c[j + 2]));
                                j += 3;
                            } else {
                                ranges.push((c[j], c[j]));
                                j += 1;
                            }
                        }
                        if j >= c.len() {
                            return Err("grep: Unmatched [, [^, [:, [., or [=".into());
                        }
                        i = j;
                        Re::Class(ranges, neg)
                    }
                    '\\' if i + 1 < c.len() => {
                        i += 1;
                        Re::Char(c[i])
                    }
                    '*' if !seq.is_empty() => {
                        if let Some(last) = seq.pop() {
                            seq.push(Re::Repeat(Box::new(last), 0, None));
                        }
                        i += 1;
                        continue;
                    }
                    '+' | '?' if extended && !seq.is_empty() => {
                        if let Some(last) = seq.pop() {
                            let (lo, hi) = if ch == '+' { (1, None) } else { (0, Some(1)) };
                            seq.push(Re::Repeat(Box::new(last), lo, hi));
                        }
                        i += 1;
                        continue;
                    }
                    '(' | ')' | '{' | '}' if extended => return Err(
                        "grep: groups and intervals are not supported by this playground's grep"
                            .into(),
                    ),
                    other => Re::Char(other),
                };
            seq.push(atom);
            i += 1;
        }
        out.push(seq);
    }
    Ok(out)
}

fn atom_matches(a: &Re, c: char, icase: bool) -> bool {
    let eq = |x: char, y: char| {
        if icase {
            x.to_lowercase().eq(y.to_lowercase())
        } else {
            x == y
        }
    };
    match a {
        Re::Char(x) => eq(*x, c),
        Re::Any => true,
        Re::Class(ranges, neg) => {
            let hit = ranges.iter().any(|(lo, hi)| {
                (*lo <= c && c <= *hi)
                    || (icase
                        && ranges.iter().any(|_| {
                            let l = c.to_ascii_lowercase();
                            let u = c.to_ascii_uppercase();
                            (*lo <= l && l <= *hi) || (*lo <= u && u <= *hi)
                        }))
            });
            hit != *neg
        }
        _ => false,
    }
}

fn match_here(re: &[Re], s: &[char], i: usize, icase: bool, steps: &mut usize) -> bool {
    *steps += 1;
    if *steps > 100_000 {
        return false;
    }
    let Some((first, rest)) = re.split_first() else {
        return true;
    };
    match first {
        Re::Start => i == 0 && match_here(rest, s, i, icase, steps),
        Re::End => i == s.len(),
        Re::Repeat(a, lo, hi) => {
            let mut n = 0;
            while i + n < s.len() && hi.is_none_or(|h| n < h) && atom_matches(a, s[i + n], icase) {
                n += 1;
            }
            loop {
                if n >= *lo && match_here(rest, s, i + n, icase, steps) {
                    return true;
                }
                if n == 0 || n <= *lo {
                    return false;
                }
                n -= 1;
            }
        }
        a => {
            i < s.len() && atom_matches(a, s[i], icase) && match_here(rest, s, i + 1, icase, steps)
        }
    }
}

fn line_matches(alts: &[Vec<Re>], line: &str, icase: bool, word: bool) -> bool {
    let s: Vec<char> = line.chars().collect();
    let mut steps = 0;
    alts.iter().any(|re| {
        (0..=s.len()).any(|start| {
            if !match_here(re, &s, start, icase, &mut steps) {
                return false;
            }
            if !word {
                return true;
            }
            start == 0 || !(s[start - 1].is_alphanumeric() || s[start - 1] == '_')
        })
    })
}

fn grep(cmd: &str, args: &[String], input: &str) -> Out {
    let mut o = Out::default();
    let (mut icase, mut invert, mut number, mut count, mut word, mut only_quiet) =
        (false, false, false, false, false, false);
    let mut extended = cmd == "egrep";
    let mut fixed = cmd == "fgrep";
    let (mut after, mut before) = (0usize, 0usize);
    let mut pattern: Option<String> = None;
    let mut i = 0;
    let num = |s: Option<&String>| s.and_then(|x| x.parse::<usize>().ok());
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-i" | "--ignore-case" => icase = true,
            "-v" | "--invert-match" => invert = true,
            "-n" => number = true,
            "-c" => count = true,
            "-w" => word = true,
            "-q" => only_quiet = true,
            "-E" => extended = true,
            "-F" => fixed = true,
            "-e" => {
                i += 1;
                pattern = args.get(i).cloned();
            }
            "-A" | "-B" | "-C" => {
                i += 1;
                let Some(n) = num(args.get(i)) else {
                    return Out::error(&format!("grep: {}: invalid context length argument", args.get(i).map_or("", |s| s.as_str())));
                };
                match a.as_str() {
                    "-A" => after = n,
                    "-B" => before = n,
                    _ => {
                        after = n;
                        before = n;
                    }
                }
            }
            s if s.starts_with("-A") || s.starts_with("-B") || s.starts_with("-C") => {
                let Ok(n) = s[2..].parse::<usize>() else {
                    return Out::error(&format!("grep: {}: invalid context length argument", &s[2..]));
                };
                match &s[..2] {
                    "-A" => after = n,
                    "-B" => before = n,
                    _ => {
                        after = n;
                        before = n;
                    }
                }
            }
            s if s.starts_with('-') && s.len() > 1 && pattern.is_none() => {
                // Bundled short flags like -iv.
                for c in s[1..].chars() {
                    match c {
                        'i' => icase = true,
                        'v' => invert = true,
                        'n' => number = true,
                        'c' => count = true,
                        'w' => word = true,
                        'q' => only_quiet = true,
                        'E' => extended = true,
                        'F' => fixed = true,
                        other => {
                            return Out::error(&format!(
                                "grep: invalid option -- '{other}' (this playground's grep supports -i -v -n -c -w -q -E -F -e -A -B -C)"
                            ))
                        }
                    }
                }
            }
            _ if pattern.is_none() => pattern = Some(a.clone()),
            _ => {
                return Out::error(&format!(
                    "grep: {a}: No such file or directory (this playground's grep reads only from a pipe)"
                ))
            }
        }
        i += 1;
    }
    let Some(pattern) = pattern else {
        return Out::error("Usage: grep [OPTION]... PATTERNS [FILE]...");
    };
    let alts = match parse_re(&pattern, extended, fixed) {
        Ok(a) => a,
        Err(e) => return Out::error(&e),
    };
    let lines: Vec<&str> = input.lines().collect();
    let hits: Vec<bool> = lines
        .iter()
        .map(|l| line_matches(&alts, l, icase, word) != invert)
        .collect();
    let n_hits = hits.iter().filter(|h| **h).count();
    o.exit = i32::from(n_hits == 0);
    if only_quiet {
        return o;
    }
    if count {
        o.print(&format!("{n_hits}\n"));
        return o;
    }
    let mut shown = vec![false; lines.len()];
    for (i, h) in hits.iter().enumerate() {
        if *h {
            let lo = i.saturating_sub(before);
            let hi = (i + after).min(lines.len().saturating_sub(1));
            for s in shown.iter_mut().take(hi + 1).skip(lo) {
                *s = true;
            }
        }
    }
    let context = after > 0 || before > 0;
    let mut last: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        if !shown[i] {
            continue;
        }
        if context && last.is_some_and(|l| i > l + 1) {
            o.print("--\n");
        }
        if number {
            let sep = if hits[i] { ':' } else { '-' };
            o.print(&format!("{}{sep}", i + 1));
        }
        o.print(line);
        o.print("\n");
        last = Some(i);
    }
    o
}

fn wc(args: &[String], input: &str) -> Out {
    let lines = input.matches('\n').count();
    let words = input.split_whitespace().count();
    let bytes = input.len();
    let mut o = Out::default();
    let flags: String = args
        .iter()
        .filter_map(|a| a.strip_prefix('-'))
        .collect::<Vec<_>>()
        .join("");
    let mut parts = Vec::new();
    if flags.is_empty() {
        o.print(&format!("{lines:7} {words:7} {bytes:7}\n"));
        return o;
    }
    if flags.contains('l') {
        parts.push(lines);
    }
    if flags.contains('w') {
        parts.push(words);
    }
    if flags.contains('c') || flags.contains('m') {
        parts.push(bytes);
    }
    if parts.len() == 1 {
        o.print(&format!("{}\n", parts[0]));
    } else {
        let s: Vec<String> = parts.iter().map(|p| format!("{p:7}")).collect();
        o.print(&format!("{}\n", s.join(" ")));
    }
    o
}

fn head_tail(head: bool, args: &[String], input: &str) -> Out {
    let mut n: i64 = 10;
    let mut from_start = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let v = if a == "-n" {
            i += 1;
            args.get(i).cloned()
        } else {
            a.strip_prefix("-n")
                .or_else(|| a.strip_prefix('-'))
                .map(String::from)
        };
        if let Some(v) = v {
            if let Some(p) = v.strip_prefix('+') {
                from_start = true;
                n = p.parse().unwrap_or(1);
            } else {
                match v.parse::<i64>() {
                    Ok(x) => n = x,
                    Err(_) => {
                        return Out::error(&format!(
                            "{}: invalid number of lines: '{v}'",
                            if head { "head" } else { "tail" }
                        ))
                    }
                }
            }
        }
        i += 1;
    }
    let lines: Vec<&str> = input.lines().collect();
    let len = lines.len() as i64;
    let (from, to) = if head {
        if n >= 0 {
            (0, n.min(len))
        } else {
            (0, (len + n).max(0))
        }
    } else if from_start {
        (n.saturating_sub(1).clamp(0, len), len)
    } else {
        (len.saturating_sub(n.saturating_abs()).max(0), len)
    };
    let mut o = Out::default();
    for l in &lines[from as usize..to as usize] {
        o.print(l);
        o.print("\n");
    }
    o
}

fn sort(args: &[String], input: &str) -> Out {
    let flags: String = args.iter().filter_map(|a| a.strip_prefix('-')).collect();
    let mut lines: Vec<&str> = input.lines().collect();
    if flags.contains('n') {
        let key = |l: &str| {
            l.split_whitespace()
                .next()
                .and_then(|x| x.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        lines.sort_by(|a, b| {
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    } else {
        lines.sort();
    }
    if flags.contains('r') {
        lines.reverse();
    }
    if flags.contains('u') {
        lines.dedup();
    }
    let mut o = Out::default();
    for l in lines {
        o.print(l);
        o.print("\n");
    }
    o
}

fn uniq(args: &[String], input: &str) -> Out {
    let count = args.iter().any(|a| a == "-c");
    let mut o = Out::default();
    let mut prev: Option<(&str, usize)> = None;
    let emit = |o: &mut Out, l: &str, n: usize| {
        if count {
            o.print(&format!("{n:7} {l}\n"));
        } else {
            o.print(&format!("{l}\n"));
        }
    };
    for l in input.lines() {
        match prev {
            Some((p, n)) if p == l => prev = Some((p, n + 1)),
            Some((p, n)) => {
                emit(&mut o, p, n);
                prev = Some((l, 1));
            }
            None => prev = Some((l, 1)),
        }
    }
    if let Some((p, n)) = prev {
        emit(&mut o, p, n);
    }
    o
}

fn tr(args: &[String], input: &str) -> Out {
    let unescape = |s: &str| -> Vec<char> {
        let mut out = Vec::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            if c == '\\' {
                match it.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('\\') => out.push('\\'),
                    Some(o) => out.push(o),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    let mut o = Out::default();
    match args {
        [d, set] if d == "-d" => {
            let set = unescape(set);
            o.print(
                &input
                    .chars()
                    .filter(|c| !set.contains(c))
                    .collect::<String>(),
            );
        }
        [from, to] => {
            let (from, to) = (unescape(from), unescape(to));
            let mapped: String = input
                .chars()
                .map(|c| match from.iter().position(|f| *f == c) {
                    Some(i) => *to.get(i).or(to.last()).unwrap_or(&c),
                    None => c,
                })
                .collect();
            o.print(&mapped);
        }
        _ => return Out::error("tr: this playground's tr supports `tr SET1 SET2` and `tr -d SET`"),
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_a_shell() {
        let w =
            split_words(r#"kubectl patch sts web -p '{"spec":{"replicas":2}}'"#).expect("splits");
        assert_eq!(
            w,
            vec![
                "kubectl",
                "patch",
                "sts",
                "web",
                "-p",
                r#"{"spec":{"replicas":2}}"#
            ]
        );
        let w = split_words(r#"echo "a \"b\" $x" c\ d"#).expect("splits");
        assert_eq!(w, vec!["echo", r#"a "b" "#, "c d"]);
        assert!(split_words("echo 'oops").is_err());
    }

    #[test]
    fn grep_context_and_regex() {
        let text =
            "a\nupdateStrategy:\n  rollingUpdate:\n    partition: 0\n  type: RollingUpdate\nb\nc\n";
        let o = grep(
            "grep",
            &["-A".into(), "3".into(), "updateStrategy".into()],
            text,
        );
        assert_eq!(
            o.stdout(),
            "updateStrategy:\n  rollingUpdate:\n    partition: 0\n  type: RollingUpdate\n"
        );
        let o = grep("grep", &["-c".into(), "^ *[a-z]".into()], text);
        assert_eq!(o.stdout(), "7\n");
        let o = grep("grep", &["-v".into(), "a".into()], "a\nb\nc\n");
        assert_eq!(o.stdout(), "b\nc\n");
        let o = grep("grep", &["zzz".into()], "a\n");
        assert_eq!((o.stdout().as_str(), o.exit), ("", 1));
        let o = grep("grep", &["-E".into(), "web-(0|1)".into()], "web-0\n");
        assert_eq!(o.exit, 1, "groups are refused: {}", o.term());
    }

    #[test]
    fn heredocs_feed_standard_input() {
        let toks = lex("cat <<EOF | kubectl apply -f -\nkind: X\nEOF\n").expect("lexes");
        assert!(toks.contains(&Tok::Heredoc("kind: X\n".into())), "{toks:?}");
        assert!(lex("cat <<EOF\nno end").is_err());
    }

    #[test]
    fn hostile_input_is_refused_not_overflowed() {
        let mut w = World::new(crate::world::Config::default(), 1);
        let nested = format!(
            "{}echo x{}",
            "for i in 1; do ".repeat(200),
            "; done".repeat(200)
        );
        let o = run_script(&mut w, &nested, None);
        assert_eq!(o.exit, 1, "{}", o.term());
        let long = "a".repeat(10_000);
        assert_eq!(grep("grep", &[long], "aaa\n").exit, 1);
        let many = format!("for i in {}; do echo $i; done", "x ".repeat(5000));
        let o = run_script(&mut w, &many, None);
        assert!(o.term().contains("too many commands"), "loops are bounded");
    }
}
