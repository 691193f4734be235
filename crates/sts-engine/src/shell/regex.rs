//! The regular expressions of the playground's `grep` and `awk '/re/'`: POSIX basic
//! syntax (GNU flavour: `\|`, `\+`, `\?` and `\{n,m\}` work in basic mode) and extended
//! syntax (`grep -E`), matched by a Pike VM in time linear in the line length, so no
//! pattern can make a command hang.
//!
//! Supported: literals, `.`, bracket expressions (`[a-z]`, `[^0-9]`, `[[:digit:]]`…),
//! `^`, `$`, `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, groups and alternation, and the GNU
//! escapes `\w`, `\W`, `\s`, `\S`. Not supported (rejected with a message):
//! back-references and word boundaries.

/// A compiled pattern.
#[derive(Clone, Debug)]
pub(crate) struct Regex {
    prog: Vec<Inst>,
    classes: Vec<Class>,
    icase: bool,
}

#[derive(Clone, Debug)]
enum Inst {
    Char(char),
    Any,
    Class(usize),
    Split(usize, usize),
    Jmp(usize),
    Bol,
    Eol,
    Match,
}

#[derive(Clone, Debug, Default)]
struct Class {
    negated: bool,
    items: Vec<ClassItem>,
}

#[derive(Clone, Debug)]
enum ClassItem {
    Char(char),
    Range(char, char),
    Named(fn(char) -> bool),
}

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class(usize),
    Bol,
    Eol,
    Group(Vec<Vec<Node>>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

/// The most instructions one pattern may compile to (`x{1000}{1000}` is refused).
const MAX_PROGRAM: usize = 20_000;
/// The most repetition operators one atom may carry (`a****`).
const MAX_STACKED_REPEATS: usize = 8;
/// The most repetitions a `{n,m}` may name.
const MAX_REPEAT: u32 = 1000;

impl Regex {
    /// Compiles `pattern` (extended syntax if `extended`), case-insensitively if `icase`.
    pub(crate) fn new(pattern: &str, extended: bool, icase: bool) -> Result<Regex, String> {
        let mut p = Parser {
            chars: pattern.chars().collect(),
            pos: 0,
            extended,
            classes: Vec::new(),
            depth: 0,
        };
        let alts = p.alternation()?;
        if p.pos < p.chars.len() {
            return Err(if extended {
                "Unmatched ) or \\)".into()
            } else {
                "Unmatched \\)".into()
            });
        }
        let mut prog = Vec::new();
        compile_alts(&alts, &mut prog)?;
        prog.push(Inst::Match);
        Ok(Regex {
            prog,
            classes: p.classes,
            icase,
        })
    }

    /// A pattern matching `text` literally (`grep -F`).
    pub(crate) fn literal(text: &str, icase: bool) -> Regex {
        let mut prog: Vec<Inst> = text.chars().map(Inst::Char).collect();
        prog.push(Inst::Match);
        Regex {
            prog,
            classes: Vec::new(),
            icase,
        }
    }

    /// True if the pattern matches somewhere in `line`.
    pub(crate) fn is_match(&self, line: &str) -> bool {
        let text: Vec<char> = if self.icase {
            line.chars().map(fold).collect()
        } else {
            line.chars().collect()
        };
        let n = self.prog.len();
        let mut clist: Vec<usize> = Vec::with_capacity(n);
        let mut nlist: Vec<usize> = Vec::with_capacity(n);
        let mut seen = vec![usize::MAX; n];
        let mut stack = Vec::new();
        for pos in 0..=text.len() {
            // Unanchored search: a thread may start at every position.
            if self.add(&mut clist, &mut seen, &mut stack, 0, pos, &text) {
                return true;
            }
            if pos == text.len() {
                break;
            }
            let c = text[pos];
            nlist.clear();
            for &pc in &clist {
                let ok = match &self.prog[pc] {
                    Inst::Char(x) => {
                        if self.icase {
                            fold(*x) == c
                        } else {
                            *x == c
                        }
                    }
                    Inst::Any => true,
                    Inst::Class(i) => self.classes[*i].matches(c, self.icase),
                    _ => false,
                };
                if ok && self.add(&mut nlist, &mut seen, &mut stack, pc + 1, pos + 1, &text) {
                    return true;
                }
            }
            std::mem::swap(&mut clist, &mut nlist);
        }
        false
    }

    /// Adds the epsilon closure of `pc` at `pos` to `list`; true if it reaches Match.
    fn add(
        &self,
        list: &mut Vec<usize>,
        seen: &mut [usize],
        stack: &mut Vec<usize>,
        pc: usize,
        pos: usize,
        text: &[char],
    ) -> bool {
        stack.clear();
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if seen[pc] == pos {
                continue;
            }
            seen[pc] = pos;
            match &self.prog[pc] {
                Inst::Match => return true,
                Inst::Jmp(t) => stack.push(*t),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::Bol => {
                    if pos == 0 {
                        stack.push(pc + 1);
                    }
                }
                Inst::Eol => {
                    if pos == text.len() {
                        stack.push(pc + 1);
                    }
                }
                Inst::Char(_) | Inst::Any | Inst::Class(_) => list.push(pc),
            }
        }
        false
    }
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

impl Class {
    fn matches(&self, c: char, icase: bool) -> bool {
        let hit = |c: char| {
            self.items.iter().any(|i| match i {
                ClassItem::Char(x) => *x == c,
                ClassItem::Range(a, b) => *a <= c && c <= *b,
                ClassItem::Named(f) => f(c),
            })
        };
        let mut m = hit(c);
        if !m && icase {
            m = c.to_uppercase().any(hit) || c.to_lowercase().any(hit);
        }
        m != self.negated
    }
}

fn named_class(name: &str) -> Option<fn(char) -> bool> {
    Some(match name {
        "alpha" => |c: char| c.is_ascii_alphabetic(),
        "digit" => |c: char| c.is_ascii_digit(),
        "alnum" => |c: char| c.is_ascii_alphanumeric(),
        "upper" => |c: char| c.is_ascii_uppercase(),
        "lower" => |c: char| c.is_ascii_lowercase(),
        "space" => |c: char| c.is_ascii_whitespace(),
        "blank" => |c: char| c == ' ' || c == '\t',
        "punct" => |c: char| c.is_ascii_punctuation(),
        "xdigit" => |c: char| c.is_ascii_hexdigit(),
        "print" => |c: char| !c.is_control(),
        "graph" => |c: char| !c.is_control() && c != ' ',
        "cntrl" => |c: char| c.is_control(),
        _ => return None,
    })
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    extended: bool,
    classes: Vec<Class>,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn peek2(&self) -> Option<char> {
        self.chars.get(self.pos + 1).copied()
    }

    /// At an alternation bar (`|` in ERE, `\|` in BRE)?
    fn at_bar(&self) -> bool {
        if self.extended {
            self.peek() == Some('|')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some('|')
        }
    }
    /// At a closing group (`)` in ERE, `\)` in BRE)?
    fn at_close(&self) -> bool {
        if self.extended {
            self.peek() == Some(')')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some(')')
        }
    }

    fn alternation(&mut self) -> Result<Vec<Vec<Node>>, String> {
        self.depth += 1;
        if self.depth > 100 {
            return Err("pattern nests groups too deeply".into());
        }
        let mut alts = vec![self.sequence()?];
        while self.at_bar() {
            self.pos += if self.extended { 1 } else { 2 };
            alts.push(self.sequence()?);
        }
        self.depth -= 1;
        Ok(alts)
    }

    fn sequence(&mut self) -> Result<Vec<Node>, String> {
        let mut seq: Vec<Node> = Vec::new();
        while self.pos < self.chars.len() && !self.at_bar() && !self.at_close() {
            let start = seq.is_empty();
            let atom = self.atom(start)?;
            let atom = self.postfix(atom)?;
            seq.push(atom);
        }
        Ok(seq)
    }

    fn atom(&mut self, at_start: bool) -> Result<Node, String> {
        let Some(c) = self.peek() else {
            return Err("unexpected end of pattern".into());
        };
        self.pos += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' if at_start || self.extended => Node::Bol,
            '$' if self.extended || self.pos == self.chars.len() || self.at_close() => Node::Eol,
            '[' => Node::Class(self.bracket()?),
            '*' if at_start && !self.extended => Node::Char('*'),
            '(' if self.extended => self.group()?,
            '*' | '+' | '?' | '{' if self.extended => {
                return Err(format!("repetition-operator operand invalid: {c}"))
            }
            '\\' => {
                let Some(e) = self.peek() else {
                    return Err("Trailing backslash".into());
                };
                self.pos += 1;
                match e {
                    '(' if !self.extended => self.group()?,
                    'w' | 'W' | 's' | 'S' => {
                        let f: fn(char) -> bool = match e {
                            'w' | 'W' => |c: char| c.is_alphanumeric() || c == '_',
                            _ => |c: char| c.is_whitespace(),
                        };
                        self.classes.push(Class {
                            negated: e.is_ascii_uppercase(),
                            items: vec![ClassItem::Named(f)],
                        });
                        Node::Class(self.classes.len() - 1)
                    }
                    '1'..='9' => return Err("back-references are not supported".into()),
                    'b' | 'B' | '<' | '>' => {
                        return Err(format!("\\{e} (word boundaries) is not supported"))
                    }
                    'n' => Node::Char('\n'),
                    't' => Node::Char('\t'),
                    other => Node::Char(other),
                }
            }
            other => Node::Char(other),
        })
    }

    fn group(&mut self) -> Result<Node, String> {
        let alts = self.alternation()?;
        if !self.at_close() {
            return Err("Unmatched ( or \\(".into());
        }
        self.pos += if self.extended { 1 } else { 2 };
        Ok(Node::Group(alts))
    }

    fn postfix(&mut self, mut atom: Node) -> Result<Node, String> {
        for _ in 0..=MAX_STACKED_REPEATS {
            let (min, max) = match (self.peek(), self.peek2()) {
                (Some('*'), _) => {
                    self.pos += 1;
                    (0, None)
                }
                (Some('+'), _) if self.extended => {
                    self.pos += 1;
                    (1, None)
                }
                (Some('?'), _) if self.extended => {
                    self.pos += 1;
                    (0, Some(1))
                }
                (Some('\\'), Some('+')) if !self.extended => {
                    self.pos += 2;
                    (1, None)
                }
                (Some('\\'), Some('?')) if !self.extended => {
                    self.pos += 2;
                    (0, Some(1))
                }
                (Some('{'), _) if self.extended => {
                    self.pos += 1;
                    self.interval()?
                }
                (Some('\\'), Some('{')) if !self.extended => {
                    self.pos += 2;
                    self.interval()?
                }
                _ => return Ok(atom),
            };
            if matches!(atom, Node::Bol | Node::Eol) {
                return Err("repetition of an anchor is not supported".into());
            }
            atom = Node::Repeat {
                node: Box::new(atom),
                min,
                max,
            };
        }
        Err("too many repetition operators in a row".into())
    }

    /// `n}`, `n,}`, `n,m}` (or with `\}` in basic mode), after the opening brace.
    fn interval(&mut self) -> Result<(u32, Option<u32>), String> {
        let num = |p: &mut Parser| -> Option<u32> {
            let start = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            let s: String = p.chars[start..p.pos].iter().collect();
            s.parse().ok()
        };
        let min = num(self).unwrap_or(0);
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            num(self)
        } else {
            Some(min)
        };
        if self.extended {
            if self.peek() != Some('}') {
                return Err("Unmatched { or \\{".into());
            }
            self.pos += 1;
        } else {
            if !(self.peek() == Some('\\') && self.peek2() == Some('}')) {
                return Err("Unmatched \\{".into());
            }
            self.pos += 2;
        }
        if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT) {
            return Err("Regular expression too big".into());
        }
        if max.is_some_and(|m| m < min) {
            return Err("Invalid content of \\{\\}".into());
        }
        Ok((min, max))
    }

    /// A bracket expression, after the `[`.
    fn bracket(&mut self) -> Result<usize, String> {
        let mut class = Class::default();
        if self.peek() == Some('^') {
            class.negated = true;
            self.pos += 1;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err("Unmatched [, [^, [:, [., or [=".into());
            };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            if c == '[' && self.peek2() == Some(':') {
                let rest: String = self.chars[self.pos + 2..].iter().collect();
                let Some(end) = rest.find(":]") else {
                    return Err("Unmatched [, [^, [:, [., or [=".into());
                };
                let name = &rest[..end];
                let f = named_class(name)
                    .ok_or_else(|| format!("Invalid character class name: {name}"))?;
                class.items.push(ClassItem::Named(f));
                self.pos += 2 + name.chars().count() + 2;
                continue;
            }
            self.pos += 1;
            if self.peek() == Some('-') && self.peek2().is_some_and(|n| n != ']') {
                let hi = self.chars[self.pos + 1];
                self.pos += 2;
                if hi < c {
                    return Err("Invalid range end".into());
                }
                class.items.push(ClassItem::Range(c, hi));
            } else {
                class.items.push(ClassItem::Char(c));
            }
        }
        self.classes.push(class);
        Ok(self.classes.len() - 1)
    }
}

fn compile_alts(alts: &[Vec<Node>], prog: &mut Vec<Inst>) -> Result<(), String> {
    // a|b|c → split(a, split(b, c)), each branch jumping to the end.
    let mut jumps = Vec::new();
    for (i, seq) in alts.iter().enumerate() {
        if i + 1 < alts.len() {
            let split = prog.len();
            prog.push(Inst::Split(split + 1, 0));
            compile_seq(seq, prog)?;
            jumps.push(prog.len());
            prog.push(Inst::Jmp(0));
            let next = prog.len();
            prog[split] = Inst::Split(split + 1, next);
        } else {
            compile_seq(seq, prog)?;
        }
    }
    let end = prog.len();
    for j in jumps {
        prog[j] = Inst::Jmp(end);
    }
    Ok(())
}

fn compile_seq(seq: &[Node], prog: &mut Vec<Inst>) -> Result<(), String> {
    for n in seq {
        compile_node(n, prog)?;
    }
    Ok(())
}

fn compile_node(n: &Node, prog: &mut Vec<Inst>) -> Result<(), String> {
    if prog.len() > MAX_PROGRAM {
        return Err("Regular expression too big".into());
    }
    match n {
        Node::Char(c) => prog.push(Inst::Char(*c)),
        Node::Any => prog.push(Inst::Any),
        Node::Class(i) => prog.push(Inst::Class(*i)),
        Node::Bol => prog.push(Inst::Bol),
        Node::Eol => prog.push(Inst::Eol),
        Node::Group(alts) => compile_alts(alts, prog)?,
        Node::Repeat { node, min, max } => {
            for _ in 0..*min {
                compile_node(node, prog)?;
            }
            match max {
                None => {
                    // x* : L: split(body, end); body; jmp L
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    compile_node(node, prog)?;
                    prog.push(Inst::Jmp(split));
                    let end = prog.len();
                    prog[split] = Inst::Split(split + 1, end);
                }
                Some(max) => {
                    for _ in *min..*max {
                        let split = prog.len();
                        prog.push(Inst::Split(split + 1, 0));
                        compile_node(node, prog)?;
                        let end = prog.len();
                        prog[split] = Inst::Split(split + 1, end);
                        if prog.len() > MAX_PROGRAM {
                            return Err("Regular expression too big".into());
                        }
                    }
                }
            }
        }
    }
    if prog.len() > MAX_PROGRAM {
        return Err("Regular expression too big".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(p: &str, ext: bool, s: &str) -> bool {
        Regex::new(p, ext, false).expect("compiles").is_match(s)
    }

    #[test]
    fn basic_and_extended_syntax() {
        assert!(m("web", false, "web-0   1/1"));
        assert!(!m("^web", false, "  web"));
        assert!(m("web-[0-9]$", false, "pod web-3"));
        assert!(m("a\\|b", false, "xbx"));
        assert!(m("a|b", true, "xbx"));
        assert!(!m("a|b", false, "xbx"));
        assert!(m("ab+c", true, "abbbc"));
        assert!(m("ab\\+c", false, "abbbc"));
        assert!(m("x{2,3}", true, "axxb"));
        assert!(!m("^x{2,3}$", true, "xxxx"));
        assert!(m("[[:digit:]]\\{2\\}", false, "age 12"));
        assert!(m("image:", false, "    - image: nginx"));
        assert!(m("(web|db)-1", true, "db-1"));
        assert!(m("*star", false, "a *star"));
        assert!(m("\\w+", true, "_"));
    }

    #[test]
    fn case_folding_and_literals() {
        let r = Regex::new("RUNNING", false, true).expect("compiles");
        assert!(r.is_match("web-0 Running"));
        assert!(Regex::literal("a.b", false).is_match("xa.bx"));
        assert!(!Regex::literal("a.b", false).is_match("axb"));
    }

    #[test]
    fn hostile_patterns_are_refused_or_linear() {
        assert!(Regex::new("(a{1000}){1000}", true, false).is_err());
        assert!(Regex::new("[z-a]", false, false).is_err());
        assert!(Regex::new("\\1", false, false).is_err());
        let r = Regex::new("(a*)*b", true, false).expect("compiles");
        assert!(!r.is_match(&"a".repeat(5000)));
    }
}
