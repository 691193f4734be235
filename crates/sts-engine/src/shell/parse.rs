//! Parsing command lines the way a POSIX shell does, for the subset the playground runs:
//! words with single/double quotes and backslashes, `$VAR`/`${VAR}`/`${VAR:-x}`,
//! `$(...)` and backquotes, `$((...))`, pipelines, `&&`/`||`, `;` and newlines, `!`,
//! `for`/`while`/`until`/`if`, `{ ...; }` and `( ... )`, redirections (`>`, `>>`, `<`,
//! `2>&1`, `N>file`) and here-documents (`<<EOF`, `<<'EOF'`, `<<-EOF`).
//!
//! Everything else that a shell would accept (functions, `case`, background jobs with
//! `&`, arrays, process substitution) is a parse error naming the construct.

/// The most nested compound commands or substitutions one parse may hold.
const MAX_NESTING: usize = 64;

/// Part of a word, before expansion.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Part {
    /// Literal text; `quoted` text is never field-split or globbed.
    Lit { text: String, quoted: bool },
    /// `$NAME`, `${NAME}`, `${NAME:-word}` (`colon` true) or `${NAME-word}`; `$?`, `$#`,
    /// `$0`…`$9`, `$@`, `$*`.
    Param {
        name: String,
        default: Option<(bool, Vec<Part>)>,
        quoted: bool,
    },
    /// `${#NAME}`.
    Length { name: String, quoted: bool },
    /// `$(...)` or backquotes: the source, parsed when expanded.
    CmdSub { src: String, quoted: bool },
    /// `$((...))`.
    Arith { src: String, quoted: bool },
}

/// One word of a command.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Word {
    pub parts: Vec<Part>,
}

impl Word {
    /// The word's text if it is one unquoted literal (for reserved words, names).
    pub(crate) fn plain(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit {
                text,
                quoted: false,
            }] => Some(text),
            _ => None,
        }
    }

    /// The word's literal text, if it has no expansion (quotes removed).
    pub(crate) fn literal(&self) -> Option<String> {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Lit { text, .. } => s.push_str(text),
                _ => return None,
            }
        }
        Some(s)
    }
}

/// A redirection.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Redir {
    /// `N> word` / `N>> word`.
    Out { fd: u8, append: bool, target: Word },
    /// `N< word`.
    In { target: Word },
    /// `N>&M`.
    Dup { fd: u8, to: u8 },
    /// A here-document: its body (already split into parts; literal if the delimiter
    /// was quoted).
    HereDoc { body: Word },
}

/// A simple command: assignments, words, redirections.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Simple {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
}

/// A command.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Command {
    Simple(Simple),
    For {
        var: String,
        items: Option<Vec<Word>>,
        body: List,
    },
    Loop {
        until: bool,
        cond: List,
        body: List,
    },
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    /// `{ list; }` (`subshell` false) or `( list )` (variables restored afterwards).
    Group {
        list: List,
        subshell: bool,
    },
}

/// `cmd | cmd | ...`, optionally negated with `!`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Pipeline {
    pub negate: bool,
    pub cmds: Vec<Command>,
}

/// `&&` or `||`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Conn {
    And,
    Or,
}

/// `pipeline && pipeline || ...`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(Conn, Pipeline)>,
}

/// A sequence of and-or lists (separated by `;` or newlines).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct List {
    pub items: Vec<AndOr>,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(Word),
    /// An operator: `;` `&&` `||` `|` `&` `(` `)` `>` `>>` `<` `>&` `<<` `;;`.
    Op(&'static str),
    /// A file-descriptor number right before a redirection operator.
    IoNum(u8),
    /// A here-document's body (index into the lexer's list).
    HereDoc(usize),
    Newline,
}

struct PendingHereDoc {
    delim: String,
    strip_tabs: bool,
    quoted: bool,
    slot: usize,
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    toks: Vec<Tok>,
    heredocs: Vec<Word>,
    pending: Vec<PendingHereDoc>,
    /// A here-document ran to the end of the input without its delimiter line.
    unterminated: bool,
    /// How deep `${NAME:-...}` defaults nest here.
    depth: usize,
}

/// True if `src` needs more lines: an open quote, `do` without `done`, a trailing `|`,
/// `&&` or backslash, a here-document without its delimiter line.
pub(crate) fn incomplete(src: &str) -> bool {
    let backslashes = src.len() - src.trim_end_matches('\\').len();
    if backslashes % 2 == 1 {
        return true;
    }
    let mut lx = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        toks: Vec::new(),
        heredocs: Vec::new(),
        pending: Vec::new(),
        unterminated: false,
        depth: 0,
    };
    if let Err(e) = lx.run() {
        return e.contains("unexpected EOF");
    }
    if lx.unterminated {
        return true;
    }
    let mut p = Parser {
        toks: lx.toks,
        pos: 0,
        heredocs: lx.heredocs,
        depth: 0,
    };
    match p.list(&[]) {
        Err(e) => e.contains("unexpected end of file"),
        Ok(_) => false,
    }
}

/// Parses a whole input (possibly several lines) into a list.
pub(crate) fn parse(src: &str) -> Result<List, String> {
    let mut lx = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        toks: Vec::new(),
        heredocs: Vec::new(),
        pending: Vec::new(),
        unterminated: false,
        depth: 0,
    };
    lx.run()?;
    let mut p = Parser {
        toks: lx.toks,
        pos: 0,
        heredocs: lx.heredocs,
        depth: 0,
    };
    let list = p.list(&[])?;
    if let Some(t) = p.toks.get(p.pos) {
        return Err(format!(
            "syntax error near unexpected token `{}'",
            tok_text(t)
        ));
    }
    Ok(list)
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Word(w) => w.literal().unwrap_or_else(|| "word".into()),
        Tok::Op(o) => (*o).to_string(),
        Tok::IoNum(n) => n.to_string(),
        Tok::HereDoc(_) => "<<".into(),
        Tok::Newline => "newline".into(),
    }
}

fn is_meta(c: char) -> bool {
    matches!(c, '|' | '&' | ';' | '<' | '>' | '(' | ')') || c == ' ' || c == '\t' || c == '\n'
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn at(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(k, c)| self.chars.get(self.pos + k) == Some(&c))
    }

    fn run(&mut self) -> Result<(), String> {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' => self.pos += 1,
                '\\' if self.chars.get(self.pos + 1) == Some(&'\n') => self.pos += 2,
                '#' => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                '\n' => {
                    self.pos += 1;
                    self.toks.push(Tok::Newline);
                    self.read_heredocs()?;
                }
                _ => {
                    if let Some(op) = self.operator() {
                        if op == "<<" || op == "<<-" {
                            self.heredoc_start(op == "<<-")?;
                        } else {
                            self.toks.push(Tok::Op(op));
                        }
                        continue;
                    }
                    let word = self.word()?;
                    // `2>` : a number directly before a redirection is a descriptor.
                    if let Some(n) = word.plain().and_then(|t| t.parse::<u8>().ok()) {
                        if matches!(self.peek(), Some('<' | '>')) && n <= 9 {
                            self.toks.push(Tok::IoNum(n));
                            continue;
                        }
                    }
                    self.toks.push(Tok::Word(word));
                }
            }
        }
        // A here-document on the last line runs to the end of the input.
        self.read_heredocs()?;
        Ok(())
    }

    fn operator(&mut self) -> Option<&'static str> {
        const OPS: [&str; 14] = [
            "<<-", "&&", "||", ";;", ">>", ">&", "<<", "&>", ";", "&", "|", "(", ")", ">",
        ];
        for op in OPS {
            if self.at(op) {
                self.pos += op.chars().count();
                return Some(op);
            }
        }
        if self.at("<") {
            self.pos += 1;
            return Some("<");
        }
        None
    }

    fn heredoc_start(&mut self, strip_tabs: bool) -> Result<(), String> {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        if self.peek().is_none_or(is_meta) {
            return Err("syntax error near unexpected token `newline'".into());
        }
        let w = self.word()?;
        let quoted = w
            .parts
            .iter()
            .any(|p| matches!(p, Part::Lit { quoted: true, .. }));
        let delim: String = w
            .parts
            .iter()
            .map(|p| match p {
                Part::Lit { text, .. } => text.clone(),
                _ => String::new(),
            })
            .collect();
        let slot = self.heredocs.len();
        self.heredocs.push(Word::default());
        self.pending.push(PendingHereDoc {
            delim,
            strip_tabs,
            quoted,
            slot,
        });
        self.toks.push(Tok::HereDoc(slot));
        Ok(())
    }

    fn read_heredocs(&mut self) -> Result<(), String> {
        let pending = std::mem::take(&mut self.pending);
        for h in pending {
            let mut body = String::new();
            loop {
                if self.pos >= self.chars.len() {
                    self.unterminated = true;
                    break;
                }
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
                let mut line: String = self.chars[start..self.pos].iter().collect();
                if self.peek() == Some('\n') {
                    self.pos += 1;
                }
                if h.strip_tabs {
                    line = line.trim_start_matches('\t').to_string();
                }
                if line.trim_end_matches('\r') == h.delim {
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            self.heredocs[h.slot] = if h.quoted {
                Word {
                    parts: vec![Part::Lit {
                        text: body,
                        quoted: true,
                    }],
                }
            } else {
                heredoc_parts(&body)?
            };
        }
        Ok(())
    }

    /// One word: everything up to an unquoted blank or operator character.
    fn word(&mut self) -> Result<Word, String> {
        let mut parts: Vec<Part> = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Vec<Part>| {
            if !lit.is_empty() {
                parts.push(Part::Lit {
                    text: std::mem::take(lit),
                    quoted: false,
                });
            }
        };
        while let Some(c) = self.peek() {
            if is_meta(c) {
                break;
            }
            match c {
                '\'' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    let start = self.pos;
                    while self.peek().is_some_and(|c| c != '\'') {
                        self.pos += 1;
                    }
                    if self.peek().is_none() {
                        return Err("unexpected EOF while looking for matching `''".into());
                    }
                    let text: String = self.chars[start..self.pos].iter().collect();
                    self.pos += 1;
                    parts.push(Part::Lit { text, quoted: true });
                }
                '"' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    let inner = self.double_quoted()?;
                    if inner.is_empty() {
                        parts.push(Part::Lit {
                            text: String::new(),
                            quoted: true,
                        });
                    }
                    parts.extend(inner);
                }
                '\\' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') => self.pos += 1,
                        Some(e) => {
                            self.pos += 1;
                            parts.push(Part::Lit {
                                text: e.to_string(),
                                quoted: true,
                            });
                        }
                        None => {}
                    }
                }
                '$' => {
                    if let Some(p) = self.dollar(false)? {
                        flush(&mut lit, &mut parts);
                        parts.push(p);
                    } else {
                        lit.push('$');
                    }
                }
                '`' => {
                    flush(&mut lit, &mut parts);
                    parts.push(self.backquote(false)?);
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut lit, &mut parts);
        Ok(Word { parts })
    }

    /// The inside of "...", after the opening quote, through the closing one.
    fn double_quoted(&mut self) -> Result<Vec<Part>, String> {
        self.quoted_parts(Some('"'))
    }

    /// Text with double-quote rules: `$`-expansions and backquotes are active, a
    /// backslash escapes only `$`, `` ` ``, `\`, a newline and (inside "...") `"`. With
    /// `until`, stops after that closing character (an error if it never comes);
    /// without, reads to the end (a here-document body).
    fn quoted_parts(&mut self, until: Option<char>) -> Result<Vec<Part>, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek() else {
                if until.is_some() {
                    return Err("unexpected EOF while looking for matching `\"'".into());
                }
                break;
            };
            match c {
                c if Some(c) == until => {
                    self.pos += 1;
                    break;
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(e @ ('$' | '`' | '\\')) => {
                            lit.push(e);
                            self.pos += 1;
                        }
                        Some('"') if until == Some('"') => {
                            lit.push('"');
                            self.pos += 1;
                        }
                        Some('\n') => self.pos += 1,
                        _ => lit.push('\\'),
                    }
                }
                '$' => {
                    if let Some(p) = self.dollar(true)? {
                        if !lit.is_empty() {
                            parts.push(Part::Lit {
                                text: std::mem::take(&mut lit),
                                quoted: true,
                            });
                        }
                        parts.push(p);
                    } else {
                        lit.push('$');
                    }
                }
                '`' => {
                    if !lit.is_empty() {
                        parts.push(Part::Lit {
                            text: std::mem::take(&mut lit),
                            quoted: true,
                        });
                    }
                    parts.push(self.backquote(true)?);
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit {
                text: lit,
                quoted: true,
            });
        }
        Ok(parts)
    }

    fn backquote(&mut self, quoted: bool) -> Result<Part, String> {
        self.pos += 1;
        let mut src = String::new();
        loop {
            match self.peek() {
                None => return Err("unexpected EOF while looking for matching ``'".into()),
                Some('`') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(e @ ('$' | '`' | '\\')) => {
                            src.push(e);
                            self.pos += 1;
                        }
                        _ => src.push('\\'),
                    }
                }
                Some(c) => {
                    src.push(c);
                    self.pos += 1;
                }
            }
        }
        Ok(Part::CmdSub { src, quoted })
    }

    /// After a `$`: a parameter, substitution or arithmetic; `None` for a lone `$`.
    fn dollar(&mut self, quoted: bool) -> Result<Option<Part>, String> {
        let next = self.chars.get(self.pos + 1).copied();
        match next {
            Some('(') if self.chars.get(self.pos + 2) == Some(&'(') => {
                self.pos += 3;
                let src = self.balanced_until_double_close()?;
                Ok(Some(Part::Arith { src, quoted }))
            }
            Some('(') => {
                self.pos += 2;
                let src = self.balanced(')')?;
                Ok(Some(Part::CmdSub { src, quoted }))
            }
            Some('{') => {
                self.pos += 2;
                let start = self.pos;
                let mut depth = 1;
                while let Some(c) = self.peek() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
                if self.peek().is_none() {
                    return Err("unexpected EOF while looking for matching `}'".into());
                }
                let inner: String = self.chars[start..self.pos].iter().collect();
                self.pos += 1;
                Ok(Some(brace_param(&inner, quoted, self.depth + 1)?))
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                self.pos += 1;
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().collect();
                Ok(Some(Part::Param {
                    name,
                    default: None,
                    quoted,
                }))
            }
            Some(c) if c.is_ascii_digit() || matches!(c, '?' | '#' | '@' | '*' | '$' | '!') => {
                self.pos += 2;
                Ok(Some(Part::Param {
                    name: c.to_string(),
                    default: None,
                    quoted,
                }))
            }
            _ => {
                self.pos += 1;
                Ok(None)
            }
        }
    }

    /// Source up to the `close` that balances the already consumed opener, skipping
    /// quoted text.
    fn balanced(&mut self, close: char) -> Result<String, String> {
        let start = self.pos;
        let mut depth = 1;
        while let Some(c) = self.peek() {
            match c {
                '\'' => {
                    self.pos += 1;
                    while self.peek().is_some_and(|c| c != '\'') {
                        self.pos += 1;
                    }
                }
                '"' => {
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        if c == '\\' {
                            self.pos += 1;
                        } else if c == '"' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                '\\' => self.pos += 1,
                '(' => depth += 1,
                c if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        let src: String = self.chars[start..self.pos].iter().collect();
                        self.pos += 1;
                        return Ok(src);
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(format!(
            "unexpected EOF while looking for matching `{close}'"
        ))
    }

    fn balanced_until_double_close(&mut self) -> Result<String, String> {
        let start = self.pos;
        let mut depth = 0;
        while let Some(c) = self.peek() {
            match c {
                '(' => depth += 1,
                ')' if depth > 0 => depth -= 1,
                ')' if self.chars.get(self.pos + 1) == Some(&')') => {
                    let src: String = self.chars[start..self.pos].iter().collect();
                    self.pos += 2;
                    return Ok(src);
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err("unexpected EOF while looking for matching `))'".into())
    }
}

/// `${...}` contents: `NAME`, `#NAME`, `NAME:-word`, `NAME-word`.
fn brace_param(inner: &str, quoted: bool, depth: usize) -> Result<Part, String> {
    if depth > MAX_NESTING {
        return Err(format!(
            "${{...}} defaults nest more than {MAX_NESTING} levels deep (the playground's limit)"
        ));
    }
    if let Some(name) = inner.strip_prefix('#') {
        if valid_name(name) {
            return Ok(Part::Length {
                name: name.to_string(),
                quoted,
            });
        }
    }
    let end = inner
        .char_indices()
        .find(|(i, c)| {
            !(c.is_ascii_alphanumeric() || *c == '_' || (*i == 0 && "?#@*$!".contains(*c)))
        })
        .map_or(inner.len(), |(i, _)| i);
    let (name, rest) = inner.split_at(end);
    if name.is_empty() {
        return Err(format!("${{{inner}}}: bad substitution"));
    }
    if rest.is_empty() {
        return Ok(Part::Param {
            name: name.to_string(),
            default: None,
            quoted,
        });
    }
    let (colon, word) = if let Some(w) = rest.strip_prefix(":-") {
        (true, w)
    } else if let Some(w) = rest.strip_prefix('-') {
        (false, w)
    } else {
        return Err(format!(
            "${{{inner}}}: bad substitution (the playground supports ${{NAME}}, ${{NAME:-default}} and ${{#NAME}})"
        ));
    };
    let mut lx = Lexer {
        chars: word.chars().collect(),
        pos: 0,
        toks: Vec::new(),
        heredocs: Vec::new(),
        pending: Vec::new(),
        unterminated: false,
        depth,
    };
    let mut parts = Vec::new();
    while lx.pos < lx.chars.len() {
        if matches!(lx.peek(), Some(' ' | '\t')) {
            let start = lx.pos;
            while matches!(lx.peek(), Some(' ' | '\t')) {
                lx.pos += 1;
            }
            parts.push(Part::Lit {
                text: lx.chars[start..lx.pos].iter().collect(),
                quoted,
            });
            continue;
        }
        let w = lx.word()?;
        if w.parts.is_empty() {
            // An operator character inside the default: keep it literally.
            if let Some(c) = lx.peek() {
                parts.push(Part::Lit {
                    text: c.to_string(),
                    quoted: true,
                });
                lx.pos += 1;
            }
            continue;
        }
        parts.extend(w.parts.into_iter().map(|p| requote(p, quoted)));
    }
    Ok(Part::Param {
        name: name.to_string(),
        default: Some((colon, parts)),
        quoted,
    })
}

fn requote(p: Part, quoted: bool) -> Part {
    if !quoted {
        return p;
    }
    match p {
        Part::Lit { text, .. } => Part::Lit { text, quoted: true },
        Part::Param { name, default, .. } => Part::Param {
            name,
            default,
            quoted: true,
        },
        Part::Length { name, .. } => Part::Length { name, quoted: true },
        Part::CmdSub { src, .. } => Part::CmdSub { src, quoted: true },
        Part::Arith { src, .. } => Part::Arith { src, quoted: true },
    }
}

/// A here-document body with an unquoted delimiter: `$`-expansions and backquotes
/// are active, a backslash escapes only `$`, `` ` ``, `\` and a newline.
fn heredoc_parts(body: &str) -> Result<Word, String> {
    let mut lx = Lexer {
        chars: body.chars().collect(),
        pos: 0,
        toks: Vec::new(),
        heredocs: Vec::new(),
        pending: Vec::new(),
        unterminated: false,
        depth: 0,
    };
    let mut parts = lx.quoted_parts(None)?;
    if parts.is_empty() {
        parts.push(Part::Lit {
            text: String::new(),
            quoted: true,
        });
    }
    Ok(Word { parts })
}

/// A shell variable name.
pub(crate) fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    heredocs: Vec<Word>,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    /// The reserved word at the cursor, if any (only unquoted literal words count).
    fn reserved(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => w.plain().filter(|t| {
                matches!(
                    *t,
                    "if" | "then"
                        | "elif"
                        | "else"
                        | "fi"
                        | "for"
                        | "in"
                        | "do"
                        | "done"
                        | "while"
                        | "until"
                        | "{"
                        | "}"
                        | "!"
                        | "case"
                        | "esac"
                        | "function"
                        | "select"
                )
            }),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.pos += 1;
        }
    }

    fn expect_word(&mut self, word: &str) -> Result<(), String> {
        self.skip_newlines();
        if self.reserved() == Some(word) {
            self.pos += 1;
            return Ok(());
        }
        Err(match self.peek() {
            Some(t) => format!(
                "syntax error near unexpected token `{}' (expected `{word}')",
                tok_text(t)
            ),
            None => format!("syntax error: unexpected end of file (expected `{word}')"),
        })
    }

    /// A list, up to one of the `stop` reserved words (not consumed) or `)`.
    fn list(&mut self, stop: &[&str]) -> Result<List, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!(
                "commands nest more than {MAX_NESTING} levels deep (the playground's limit)"
            ));
        }
        let mut list = List::default();
        loop {
            self.skip_newlines();
            match self.peek() {
                None => break,
                Some(Tok::Op(")")) => break,
                Some(Tok::Op(o)) if *o == ";" || *o == ";;" => {
                    return Err(format!("syntax error near unexpected token `{o}'"));
                }
                _ => {}
            }
            if let Some(r) = self.reserved() {
                if stop.contains(&r) {
                    break;
                }
            }
            list.items.push(self.and_or()?);
            match self.peek() {
                Some(Tok::Op(";")) | Some(Tok::Newline) => self.pos += 1,
                Some(Tok::Op("&")) => {
                    return Err(
                        "background jobs (`&`) are not supported in the playground: every command runs to the end before the next"
                            .into(),
                    )
                }
                _ => {}
            }
        }
        self.depth -= 1;
        Ok(list)
    }

    fn and_or(&mut self) -> Result<AndOr, String> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let conn = match self.peek() {
                Some(Tok::Op("&&")) => Conn::And,
                Some(Tok::Op("||")) => Conn::Or,
                _ => break,
            };
            self.pos += 1;
            self.skip_newlines();
            rest.push((conn, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline, String> {
        let mut negate = false;
        if self.reserved() == Some("!") {
            self.pos += 1;
            negate = true;
        }
        let mut cmds = vec![self.command()?];
        while self.peek() == Some(&Tok::Op("|")) {
            self.pos += 1;
            self.skip_newlines();
            cmds.push(self.command()?);
        }
        Ok(Pipeline { negate, cmds })
    }

    fn command(&mut self) -> Result<Command, String> {
        match self.reserved() {
            Some("for") => {
                self.pos += 1;
                return self.for_clause();
            }
            Some(w @ ("while" | "until")) => {
                let until = w == "until";
                self.pos += 1;
                let cond = self.list(&["do"])?;
                self.expect_word("do")?;
                let body = self.list(&["done"])?;
                self.expect_word("done")?;
                return Ok(Command::Loop { until, cond, body });
            }
            Some("if") => {
                self.pos += 1;
                return self.if_clause();
            }
            Some("{") => {
                self.pos += 1;
                let list = self.list(&["}"])?;
                self.expect_word("}")?;
                return Ok(Command::Group {
                    list,
                    subshell: false,
                });
            }
            Some(w @ ("case" | "esac" | "function" | "select")) => {
                return Err(format!(
                    "`{w}' is not supported in the playground's shell (it runs simple commands, pipelines, && and ||, for/while/until/if loops, $(...) and here-documents)"
                ));
            }
            Some(w @ ("then" | "elif" | "else" | "fi" | "do" | "done" | "in" | "}")) => {
                return Err(format!("syntax error near unexpected token `{w}'"));
            }
            _ => {}
        }
        if self.peek() == Some(&Tok::Op("(")) {
            self.pos += 1;
            let list = self.list(&[])?;
            if self.peek() != Some(&Tok::Op(")")) {
                return Err("syntax error: unexpected end of file (expected `)')".into());
            }
            self.pos += 1;
            return Ok(Command::Group {
                list,
                subshell: true,
            });
        }
        self.simple()
    }

    fn for_clause(&mut self) -> Result<Command, String> {
        let var = match self.peek() {
            Some(Tok::Word(w)) => w.plain().map(str::to_string),
            _ => None,
        }
        .filter(|v| valid_name(v))
        .ok_or_else(|| "syntax error: `for' needs a variable name".to_string())?;
        self.pos += 1;
        let mut items = None;
        self.skip_newlines();
        if self.reserved() == Some("in") {
            self.pos += 1;
            let mut words = Vec::new();
            while let Some(Tok::Word(w)) = self.peek() {
                words.push(w.clone());
                self.pos += 1;
            }
            items = Some(words);
        }
        match self.peek() {
            Some(Tok::Op(";")) | Some(Tok::Newline) => self.pos += 1,
            _ => {}
        }
        self.expect_word("do")?;
        let body = self.list(&["done"])?;
        self.expect_word("done")?;
        Ok(Command::For { var, items, body })
    }

    fn if_clause(&mut self) -> Result<Command, String> {
        let mut branches = Vec::new();
        let cond = self.list(&["then"])?;
        self.expect_word("then")?;
        let body = self.list(&["elif", "else", "fi"])?;
        branches.push((cond, body));
        let mut otherwise = None;
        loop {
            self.skip_newlines();
            match self.reserved() {
                Some("elif") => {
                    self.pos += 1;
                    let cond = self.list(&["then"])?;
                    self.expect_word("then")?;
                    let body = self.list(&["elif", "else", "fi"])?;
                    branches.push((cond, body));
                }
                Some("else") => {
                    self.pos += 1;
                    otherwise = Some(self.list(&["fi"])?);
                }
                _ => break,
            }
        }
        self.expect_word("fi")?;
        Ok(Command::If {
            branches,
            otherwise,
        })
    }

    fn simple(&mut self) -> Result<Command, String> {
        let mut s = Simple::default();
        loop {
            match self.peek().cloned() {
                Some(Tok::Word(w)) => {
                    // NAME=value before the command name is an assignment.
                    if s.words.is_empty() {
                        if let Some(a) = assignment(&w) {
                            s.assigns.push(a);
                            self.pos += 1;
                            continue;
                        }
                        if self.reserved().is_some_and(|r| r == "}" || r == "{") {
                            // `{`/`}` in argument position are ordinary words; as a
                            // command name `}` ends a group.
                            if self.reserved() == Some("}") {
                                break;
                            }
                        }
                    }
                    s.words.push(w);
                    self.pos += 1;
                }
                Some(Tok::IoNum(n)) => {
                    self.pos += 1;
                    s.redirs.push(self.redirect(Some(n))?);
                }
                Some(Tok::Op(">" | ">>" | "<" | ">&" | "&>")) => {
                    s.redirs.push(self.redirect(None)?);
                }
                Some(Tok::HereDoc(i)) => {
                    self.pos += 1;
                    s.redirs.push(Redir::HereDoc {
                        body: self.heredocs.get(i).cloned().unwrap_or_default(),
                    });
                }
                _ => break,
            }
        }
        if s.words.is_empty() && s.assigns.is_empty() && s.redirs.is_empty() {
            return Err(match self.peek() {
                Some(t) => format!("syntax error near unexpected token `{}'", tok_text(t)),
                None => "syntax error: unexpected end of file".into(),
            });
        }
        Ok(Command::Simple(s))
    }

    fn redirect(&mut self, fd: Option<u8>) -> Result<Redir, String> {
        let op = match self.peek() {
            Some(Tok::Op(o)) => *o,
            Some(Tok::HereDoc(i)) => {
                let i = *i;
                self.pos += 1;
                return Ok(Redir::HereDoc {
                    body: self.heredocs.get(i).cloned().unwrap_or_default(),
                });
            }
            _ => return Err("syntax error near redirection".into()),
        };
        self.pos += 1;
        let target = match self.peek() {
            Some(Tok::Word(w)) => w.clone(),
            Some(t) => {
                return Err(format!(
                    "syntax error near unexpected token `{}'",
                    tok_text(t)
                ))
            }
            None => return Err("syntax error near unexpected token `newline'".into()),
        };
        self.pos += 1;
        Ok(match op {
            ">" | ">>" => Redir::Out {
                fd: fd.unwrap_or(1),
                append: op == ">>",
                target,
            },
            "&>" => {
                return Err("`&>' is not supported; write `>FILE 2>&1'".into());
            }
            ">&" => {
                let to = target
                    .plain()
                    .and_then(|t| t.parse::<u8>().ok())
                    .filter(|n| *n <= 2)
                    .ok_or_else(|| {
                        "only `N>&1' and `N>&2' are supported as descriptor duplication".to_string()
                    })?;
                Redir::Dup {
                    fd: fd.unwrap_or(1),
                    to,
                }
            }
            _ => Redir::In { target },
        })
    }
}

/// `NAME=value` as an assignment word.
fn assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit {
        text,
        quoted: false,
    }) = w.parts.first()
    else {
        return None;
    };
    let (name, rest) = text.split_once('=')?;
    if !valid_name(name) {
        return None;
    }
    let mut parts = Vec::new();
    if !rest.is_empty() {
        parts.push(Part::Lit {
            text: rest.to_string(),
            quoted: false,
        });
    }
    parts.extend(w.parts.iter().skip(1).cloned());
    Some((name.to_string(), Word { parts }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<String> {
        let l = parse(src).expect("parses");
        let Command::Simple(s) = &l.items[0].first.cmds[0] else {
            panic!("not simple");
        };
        s.words
            .iter()
            .map(|w| w.literal().unwrap_or_default())
            .collect()
    }

    #[test]
    fn quoting_like_sh() {
        assert_eq!(
            words(r#"kubectl exec web-0 -- sh -c 'echo "$(hostname)" > /x'"#),
            [
                "kubectl",
                "exec",
                "web-0",
                "--",
                "sh",
                "-c",
                "echo \"$(hostname)\" > /x"
            ]
        );
        assert_eq!(words(r#"echo "a b" c\ d 'e'"#), ["echo", "a b", "c d", "e"]);
        assert_eq!(words(r#"echo """#), ["echo", ""]);
    }

    #[test]
    fn structure() {
        let l = parse("for i in 0 1 2; do echo web-$i; done | grep web && echo ok; echo x")
            .expect("parses");
        assert_eq!(l.items.len(), 2);
        assert_eq!(l.items[0].first.cmds.len(), 2);
        assert_eq!(l.items[0].rest.len(), 1);
        assert!(matches!(l.items[0].first.cmds[0], Command::For { .. }));
    }

    #[test]
    fn heredocs() {
        let l = parse("cat <<EOF | kubectl apply -f -\nname: $N\nx: \\$y\nEOF\necho done")
            .expect("parses");
        assert_eq!(l.items.len(), 2);
        let Command::Simple(s) = &l.items[0].first.cmds[0] else {
            panic!("not simple");
        };
        let Redir::HereDoc { body } = &s.redirs[0] else {
            panic!("no heredoc");
        };
        assert!(body
            .parts
            .iter()
            .any(|p| matches!(p, Part::Param { name, .. } if name == "N")));
        let l = parse("kubectl apply -f - <<'EOF'\na: $b\nEOF").expect("parses");
        let Command::Simple(s) = &l.items[0].first.cmds[0] else {
            panic!("not simple");
        };
        assert_eq!(
            s.redirs[0],
            Redir::HereDoc {
                body: Word {
                    parts: vec![Part::Lit {
                        text: "a: $b\n".into(),
                        quoted: true
                    }]
                }
            }
        );
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(parse("echo 'open").is_err());
        assert!(parse("sleep 1 &").unwrap_err().contains("background"));
        assert!(parse("case x in esac")
            .unwrap_err()
            .contains("not supported"));
        assert!(parse("for i in 1 2; do echo").is_err());
        assert!(parse("| grep x").is_err());
        let deep = "(".repeat(200) + &")".repeat(200);
        assert!(parse(&deep).is_err());
    }
}
