//! The shell around kubectl: what a learner types at the playground's prompt.
//!
//! [`run`] takes one command line (several lines for a here-document) and runs it like
//! `sh` would: words and quotes, `;`, `&&`, `||`, pipes, `for`/`while`/`until`/`if`,
//! variables, `$(...)`, `$((...))`, here-documents, redirections, and a set of commands:
//! `kubectl ...` (handed to [`crate::kubectl`]; lines may omit the leading `kubectl`,
//! as scenario steps do), `echo`, `printf`, `seq`, `sleep`, `test`, and the text filters
//! `grep`, `wc`, `tr`, `sort`, `uniq`, `head`, `tail`, `cut` and `awk '{print $N}'`
//! (see `shell/builtins.rs`). `grep` patterns are POSIX basic regular expressions
//! (extended with `-E`, literal with `-F`), see `shell/regex.rs`.
//!
//! The same interpreter runs inside pods (`kubectl exec POD -- sh -c '...'`, or an
//! attached `kubectl exec -it POD -- sh`), with the pod's own commands and files: see
//! [`crate::podshell`].
//!
//! What it does not do, on purpose: it never reads the wall clock (`sleep N` is accepted
//! and does nothing: virtual time does not pass inside one command line; a `while` loop
//! whose iteration changes nothing stops with a message instead of spinning), it runs no
//! background jobs, and everything is bounded: at most [`MAX_COMMANDS`] commands and
//! [`MAX_KUBECTL`] kubectl calls per line, [`MAX_LOOP`] iterations per loop,
//! [`MAX_PIPELINE`] commands per pipeline, [`MAX_OUTPUT_BYTES`] of output, [`MAX_DEPTH`]
//! nested shells or substitutions, and input lines of at most [`MAX_INPUT_BYTES`].
//! Each limit names itself when it stops a command.

pub(crate) mod builtins;
pub(crate) mod parse;
pub(crate) mod regex;

use std::collections::{BTreeMap, BTreeSet};

use crate::api::Outcome;
use crate::world::World;
use parse::{AndOr, Command, Conn, List, Part, Pipeline, Redir, Simple, Word};

/// The longest input [`run`] accepts (a here-document may carry a manifest stream).
pub const MAX_INPUT_BYTES: usize = 4 << 20;
/// The most simple commands one line may run (loops included).
pub const MAX_COMMANDS: u32 = 10_000;
/// The most kubectl commands (and pod execs) one line may run.
pub const MAX_KUBECTL: u32 = 500;
/// The most iterations of one loop.
pub const MAX_LOOP: usize = 1_000;
/// The most commands in one pipeline.
pub const MAX_PIPELINE: usize = 32;
/// The most output one line may print; the rest is cut with a note.
pub const MAX_OUTPUT_BYTES: usize = 1 << 20;
/// The most nested shells (`sh -c`) and command substitutions.
pub const MAX_DEPTH: usize = 16;
/// The most numbers `seq` prints (and format repetitions of `printf`).
pub const MAX_SEQ: usize = 10_000;

/// The most variables the playground's shell keeps between lines.
pub const MAX_VARS: usize = 256;
/// The most bytes of variable values it keeps between lines.
pub const MAX_VAR_BYTES: usize = 64 << 10;

/// What the playground's shell keeps between command lines. It lives in the world,
/// so going back in time and replaying restores it too.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Memory {
    /// Variables set on earlier lines (`NAME=value`, `export NAME=value`).
    pub vars: BTreeMap<String, String>,
    /// Exported names.
    pub exported: BTreeSet<String>,
    /// `$?`: the exit status of the last line.
    pub last: i32,
    /// The pod shell a `kubectl exec -it POD -- sh` left open, if any.
    pub session: Option<crate::podshell::Session>,
}

/// The outer shell's answer to an unknown command, after `sh: NAME: command not found`.
pub const HINT: &str = "The playground's shell runs kubectl commands (with or without the leading `kubectl`), \
echo, printf, seq, sleep, test/[ ], true, false, export, cat, tee, grep, wc, tr, sort, uniq, head, tail, cut, \
awk '{print $N}', with pipes, ; && ||, for/while/until/if, $VAR, $(...), $((...)) and here-documents. \
Commands inside a pod: kubectl exec POD -- CMD, or kubectl exec -it POD -- sh.";

/// The words that are kubectl verbs: a scenario's `kubectl:` step may omit `kubectl`.
const KUBECTL_VERBS: [&str; 40] = [
    "get",
    "describe",
    "apply",
    "create",
    "delete",
    "scale",
    "set",
    "patch",
    "rollout",
    "exec",
    "run",
    "label",
    "annotate",
    "wait",
    "edit",
    "logs",
    "explain",
    "replace",
    "expose",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "version",
    "cluster-info",
    "api-resources",
    "config",
    "cp",
    "attach",
    "port-forward",
    "auth",
    "debug",
    "events",
    "diff",
    "autoscale",
    "proxy",
    "certificate",
    "api-versions",
    "kustomize",
];

/// Runs one command line at the playground's prompt and returns what the terminal shows.
///
/// A line that is one plain kubectl command returns exactly kubectl's [`Outcome`]; any
/// other line returns stdout and stderr interleaved as a terminal shows them, with the
/// exit status of its last pipeline. While a pod shell is attached (after
/// `kubectl exec -it POD -- sh`), lines run inside that pod until `exit`.
pub fn run(world: &mut World, line: &str) -> Outcome {
    if line.len() > MAX_INPUT_BYTES {
        return Outcome::err(format!(
            "sh: the command line is {} bytes; the playground accepts at most {MAX_INPUT_BYTES}",
            line.len()
        ));
    }
    if let Some(o) = crate::podshell::session_line(world, line) {
        return o;
    }
    let list = match parse::parse(line) {
        Ok(l) => l,
        Err(e) => {
            world.shell.last = 2;
            return with_exit(Outcome::err(format!("sh: {e}")), 2);
        }
    };
    if let Some(argv) = plain_kubectl(&list) {
        // A line that is one kubectl command: it may block (`wait`, `get -w`).
        let o = kubectl_outcome(world, &argv, "", true);
        world.shell.last = o.exit;
        return o;
    }
    let mut st = State::new("sh", Flavor::Bash);
    st.vars = world.shell.vars.clone();
    st.exported = world.shell.exported.clone();
    st.last = world.shell.last;
    let mut host = Outer { world };
    let mut io = exec_list(&mut host, &mut st, &list, "");
    if let Some(code) = st.exit {
        io.err(
            "sh: exit: this is the playground's own shell, there is nothing to leave (exit closes a pod shell opened with kubectl exec -it POD -- sh)\n",
        );
        io.code = code;
    }
    let bytes: usize = st.vars.iter().map(|(k, v)| k.len() + v.len()).sum();
    if st.vars.len() > MAX_VARS || bytes > MAX_VAR_BYTES {
        io.err(format!(
            "sh: the variables of this line are not kept: the playground keeps at most {MAX_VARS} variables and {} KiB\n",
            MAX_VAR_BYTES >> 10
        ));
    } else {
        world.shell.vars = st.vars.clone();
        world.shell.exported = st.exported.clone();
    }
    let o = finish(io, &st);
    world.shell.last = o.exit;
    o
}

/// Why [`run`] would refuse `line` as it stands, found without running it: a line over
/// the size limit, one that needs more lines (an open quote, a loop without `done`…),
/// a syntax error, or a plain kubectl command that kubectl does not have. Each answer
/// is the text `run` prints for it. `None` when the line would run (its commands may
/// still fail, like a real terminal's). While a pod shell is attached the line goes to
/// the pod and is not checked. For callers that refuse bad input before it is recorded
/// (the JavaScript API's `kubectl()`).
pub fn refusal(world: &World, line: &str) -> Option<String> {
    if line.len() > MAX_INPUT_BYTES {
        return Some(format!(
            "sh: the command line is {} bytes; the playground accepts at most {MAX_INPUT_BYTES}",
            line.len()
        ));
    }
    if crate::podshell::session_prompt(world).is_some() {
        return None;
    }
    if line.trim().is_empty() {
        return Some("sh: the command line is empty".into());
    }
    if incomplete(line) {
        return Some(
            "sh: the command line is incomplete (an open quote, here-document, loop or a trailing |, && or \\): it needs more lines"
                .into(),
        );
    }
    let list = match parse::parse(line) {
        Ok(l) => l,
        Err(e) => return Some(format!("sh: {e}")),
    };
    crate::kubectl::unknown_command(&plain_kubectl(&list)?)
}

/// True if `text` needs more lines before it can run (an open quote, a loop without
/// `done`, a trailing `|`, `&&` or backslash, a here-document without its delimiter):
/// a console asks for a continuation line.
pub fn incomplete(text: &str) -> bool {
    parse::incomplete(text)
}

/// The argv (with `kubectl`) of a line that is one plain kubectl command.
pub(crate) fn plain_kubectl_line(line: &str) -> Option<Vec<String>> {
    plain_kubectl(&parse::parse(line).ok()?)
}

/// The prompt to show before the next line: `$ ` for the playground's shell, the pod
/// shell's own prompt (`/ # `, `root@web-0:/# `…) while one is attached.
pub fn prompt(world: &World) -> String {
    crate::podshell::session_prompt(world).unwrap_or_else(|| "$ ".to_string())
}

/// The terminal text of a finished line as an [`Outcome`]: one trailing newline is
/// dropped (kubectl answers carry none), limits that stopped the line are named.
pub(crate) fn finish(io: Io, st: &State) -> Outcome {
    let (text, code) = terminal_text(&io, st);
    outcome(text, code)
}

/// What the terminal shows for a finished line and its status: the output, then the
/// limit that stopped the line (or a note that the output was cut).
pub(crate) fn terminal_text(io: &Io, st: &State) -> (String, i32) {
    let mut text = io.text();
    let mut code = io.code;
    if let Some(why) = &st.budget.stopped {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("{}: {why}\n", st.name));
        if code == 0 {
            code = 1;
        }
    } else if io.truncated {
        text.push_str(&format!(
            "\n[output cut: more than {MAX_OUTPUT_BYTES} bytes, the playground's limit]\n"
        ));
    }
    (text, code)
}

/// An [`Outcome`] from terminal text (one trailing newline dropped: kubectl answers
/// carry none) and an exit status.
pub(crate) fn outcome(mut text: String, code: i32) -> Outcome {
    if text.ends_with('\n') {
        text.pop();
    }
    if code == 0 {
        Outcome::ok(text)
    } else {
        with_exit(Outcome::err(text), code)
    }
}

/// An outcome with another exit code (built through `Outcome::err` so that fields
/// added to `Outcome` later keep their defaults).
pub(crate) fn with_exit(mut o: Outcome, code: i32) -> Outcome {
    o.exit = code;
    o
}

/// The argv of a line that is one plain kubectl command (no expansions, redirections,
/// pipes or lists), with `kubectl` prepended when the line omits it.
fn plain_kubectl(list: &List) -> Option<Vec<String>> {
    let [item] = list.items.as_slice() else {
        return None;
    };
    if !item.rest.is_empty() || item.first.negate || item.first.cmds.len() != 1 {
        return None;
    }
    let Command::Simple(s) = &item.first.cmds[0] else {
        return None;
    };
    if !s.assigns.is_empty() || !s.redirs.is_empty() {
        return None;
    }
    let words: Vec<String> = s
        .words
        .iter()
        .map(|w| {
            // A literal word with glob characters would be left as is by this shell
            // too (the playground's own shell has no files to match).
            w.literal()
        })
        .collect::<Option<Vec<_>>>()?;
    let first = words.first()?;
    if first == "kubectl" {
        return Some(words);
    }
    if is_kubectl_verb(&words) {
        let mut v = vec!["kubectl".to_string()];
        v.extend(words);
        return Some(v);
    }
    None
}

/// True if `argv` (without `kubectl`) starts with a kubectl verb that the shell does not
/// claim: `set image ...` is kubectl, `set -e` is the shell's.
pub(crate) fn is_kubectl_verb(argv: &[String]) -> bool {
    let Some(first) = argv.first() else {
        return false;
    };
    if !KUBECTL_VERBS.contains(&first.as_str()) {
        return false;
    }
    if first == "set" {
        return argv
            .get(1)
            .is_some_and(|a| !a.starts_with('-') && !a.starts_with('+'));
    }
    true
}

/// Runs one kubectl command. `line` is the command as typed when it had no shell
/// syntax (kubectl then sees exactly what was typed); otherwise the argv is re-quoted.
fn kubectl_outcome(world: &mut World, argv: &[String], stdin: &str, single: bool) -> Outcome {
    // `kubectl exec` and `kubectl run --rm` go to the pod shell, which parses their
    // flags itself (attached sessions, `-i` input).
    if let Some(o) = crate::podshell::kubectl_pod_command(world, argv, stdin) {
        return o;
    }
    // `... | kubectl apply -f -` and `kubectl apply -f - <<EOF` read standard input.
    // With nothing piped in, kubectl explains where a manifest can come from.
    let stdin = (!stdin.is_empty()).then_some(stdin);
    crate::kubectl::run_argv(world, argv, stdin, single)
}

/// Quotes words so that `kubectl::split_words` (a POSIX-like splitter) gives them back.
pub fn quote_argv(argv: &[String]) -> String {
    argv.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
}

/// One word, quoted for a POSIX shell if it needs it.
pub fn quote(w: &str) -> String {
    let safe = !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+^".contains(c));
    if safe {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

// ---------------------------------------------------------------------------------------
// Output

/// Which stream a piece of output went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    Out,
    Err,
}

/// What a command printed (stdout and stderr in the order a terminal shows them) and
/// its exit status.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Io {
    pub chunks: Vec<(Stream, String)>,
    pub code: i32,
    pub truncated: bool,
    bytes: usize,
}

impl Io {
    pub(crate) fn out(text: impl Into<String>) -> Io {
        let mut io = Io::default();
        io.push(Stream::Out, &text.into());
        io
    }
    pub(crate) fn fail(text: impl Into<String>, code: i32) -> Io {
        let mut io = Io::default();
        io.push(Stream::Err, &text.into());
        io.code = code;
        io
    }
    pub(crate) fn code(code: i32) -> Io {
        Io {
            code,
            ..Io::default()
        }
    }
    pub(crate) fn push(&mut self, stream: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        let room = MAX_OUTPUT_BYTES.saturating_sub(self.bytes);
        let text = if text.len() > room {
            self.truncated = true;
            let mut cut = room;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            &text[..cut]
        } else {
            text
        };
        if text.is_empty() {
            return;
        }
        self.bytes += text.len();
        match self.chunks.last_mut() {
            Some((s, t)) if *s == stream => t.push_str(text),
            _ => self.chunks.push((stream, text.to_string())),
        }
    }
    pub(crate) fn push_out(&mut self, text: &str) {
        self.push(Stream::Out, text);
    }
    pub(crate) fn err(&mut self, text: impl AsRef<str>) {
        self.push(Stream::Err, text.as_ref());
    }
    /// Appends another command's output; its status becomes this one's.
    pub(crate) fn append(&mut self, other: Io) {
        self.append_streams(&other);
        self.code = other.code;
    }
    /// Appends another command's output, keeping this status.
    pub(crate) fn append_streams(&mut self, other: &Io) {
        for (s, t) in &other.chunks {
            self.push(*s, t);
        }
        self.truncated |= other.truncated;
    }
    /// Everything on stdout.
    pub(crate) fn stdout(&self) -> String {
        self.chunks
            .iter()
            .filter(|(s, _)| *s == Stream::Out)
            .map(|(_, t)| t.as_str())
            .collect()
    }
    /// Both streams, as a terminal shows them.
    pub(crate) fn text(&self) -> String {
        self.chunks.iter().map(|(_, t)| t.as_str()).collect()
    }
}

/// Turns a kubectl (or pod exec) [`Outcome`] into shell output: a failing command
/// printed to stderr; a line ends with a newline unless kubectl printed a template
/// (`-o jsonpath=...`, `-o go-template=...`), which real kubectl leaves unterminated.
fn outcome_io(o: &Outcome, template: bool) -> Io {
    let mut text = o.output.clone();
    if !text.is_empty() && !text.ends_with('\n') && !template {
        text.push('\n');
    }
    let mut io = Io::default();
    // kubectl prints "No resources found ..." on stderr (a pipe to `wc -l` counts 0).
    let stream = if o.exit != 0 || text.starts_with("No resources found") {
        Stream::Err
    } else {
        Stream::Out
    };
    io.push(stream, &text);
    io.code = o.exit;
    io
}

/// Does this kubectl argv print a template (no trailing newline)?
fn prints_template(argv: &[String]) -> bool {
    let mut it = argv.iter().peekable();
    while let Some(a) = it.next() {
        let v = if a == "-o" || a == "--output" || a == "--template" {
            if a == "--template" {
                return true;
            }
            it.peek().map(|s| s.as_str()).unwrap_or("")
        } else if let Some(v) = a
            .strip_prefix("--output=")
            .or_else(|| a.strip_prefix("-o="))
            .or_else(|| a.strip_prefix("-o"))
        {
            v
        } else if a.starts_with("--template=") {
            return true;
        } else {
            continue;
        };
        if v.starts_with("jsonpath") || v.starts_with("go-template") || v.starts_with("template") {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------
// State and hosts

/// Which shell a message imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// bash (also the playground's own shell): `bash: foo: command not found`.
    Bash,
    /// Debian's dash as `sh`: `sh: 1: foo: not found`; `echo` interprets escapes.
    Dash,
    /// BusyBox ash (busybox and Alpine-based images): `sh: foo: not found`.
    Busybox,
}

/// What limits a line; shared by nested shells and substitutions.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Budget {
    commands: u32,
    kubectl: u32,
    /// Why the line stopped early, if a limit was reached.
    pub stopped: Option<String>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            commands: MAX_COMMANDS,
            kubectl: MAX_KUBECTL,
            stopped: None,
        }
    }
}

/// A shell's variables and status.
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub vars: BTreeMap<String, String>,
    pub exported: BTreeSet<String>,
    /// `$0`, `$1`…
    pub args: Vec<String>,
    /// `$?`.
    pub last: i32,
    pub budget: Budget,
    pub depth: usize,
    /// The name in error messages (`sh`, `bash`).
    pub name: String,
    pub flavor: Flavor,
    /// Set by `exit`.
    pub exit: Option<i32>,
}

impl State {
    pub(crate) fn new(name: &str, flavor: Flavor) -> State {
        State {
            vars: BTreeMap::new(),
            exported: BTreeSet::new(),
            args: vec![name.to_string()],
            last: 0,
            budget: Budget::default(),
            depth: 0,
            name: name.to_string(),
            flavor,
            exit: None,
        }
    }

    fn stopped(&self) -> bool {
        self.budget.stopped.is_some()
    }

    /// Counts one simple command; false (and the line stops) past the limit.
    fn spend_command(&mut self) -> bool {
        if self.stopped() {
            return false;
        }
        if self.budget.commands == 0 {
            self.budget.stopped = Some(format!(
                "stopped after {MAX_COMMANDS} commands (the playground's limit for one command line)"
            ));
            return false;
        }
        self.budget.commands -= 1;
        true
    }

    /// Counts one kubectl command or pod exec; false past the limit.
    pub(crate) fn spend_kubectl(&mut self) -> bool {
        if self.stopped() {
            return false;
        }
        if self.budget.kubectl == 0 {
            self.budget.stopped = Some(format!(
                "stopped after {MAX_KUBECTL} kubectl commands (the playground's limit for one command line)"
            ));
            return false;
        }
        self.budget.kubectl -= 1;
        true
    }

    /// A nested shell or substitution: same variables, one level deeper, sharing the
    /// budget (taken back with [`State::rejoin`]).
    pub(crate) fn child(&mut self) -> State {
        State {
            vars: self.vars.clone(),
            exported: self.exported.clone(),
            args: self.args.clone(),
            last: self.last,
            budget: std::mem::take(&mut self.budget),
            depth: self.depth + 1,
            name: self.name.clone(),
            flavor: self.flavor,
            exit: None,
        }
    }

    /// Takes the budget back from a finished child.
    pub(crate) fn rejoin(&mut self, child: State) {
        self.budget = child.budget;
    }
}

/// What the interpreter needs from where it runs: the outer shell (kubectl, no files)
/// or a pod (its commands, files and network).
pub(crate) trait Host {
    /// Runs `argv` if this host provides the command (looked up before builtins).
    fn command(&mut self, st: &mut State, argv: &[String], stdin: &str) -> Option<Io>;
    /// Reads a file; the error is an errno text (`No such file or directory`).
    fn read(&mut self, path: &str) -> Result<String, String>;
    /// Writes (or appends to) a file; the error is an errno text.
    fn write(&mut self, path: &str, data: &str, append: bool) -> Result<(), String>;
    /// `Some(true)` for a directory, `Some(false)` for a file, `None` if absent.
    fn stat(&mut self, path: &str) -> Option<bool>;
    /// Paths matching a glob pattern (sorted); empty if none.
    fn glob(&mut self, pattern: &str) -> Vec<String>;
    /// Changes whenever the cluster or the files change (a loop that changes nothing
    /// would run forever).
    fn generation(&self) -> u64;
    /// The answer to a command nobody provides.
    fn not_found(&mut self, st: &State, name: &str) -> Io;
}

/// The most files the playground's working directory keeps.
const MAX_WORKSPACE_FILES: usize = 1000;

/// A path in the playground's working directory as a file name (`./web.yaml`).
fn workspace_name(path: &str) -> &str {
    path.strip_prefix("./").unwrap_or(path)
}

/// A shell glob (`*`, `?`) against a name, iteratively.
fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0usize, 0usize, None, 0usize);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(sp) = star {
            pi = sp + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The playground's own shell: kubectl, and the session's files.
struct Outer<'w> {
    world: &'w mut World,
}

impl Host for Outer<'_> {
    fn command(&mut self, st: &mut State, argv: &[String], stdin: &str) -> Option<Io> {
        let name = argv.first()?.as_str();
        if name == "kubectl" {
            return Some(self.kubectl(st, argv.to_vec(), stdin));
        }
        if is_kubectl_verb(argv) {
            let mut full = vec!["kubectl".to_string()];
            full.extend(argv.iter().cloned());
            return Some(self.kubectl(st, full, stdin));
        }
        match name {
            "help" => Some(Io::out(format!("{HINT}\n"))),
            "clear" | "history" => Some(Io::default()),
            "hostname" | "curl" | "wget" | "nslookup" | "dig" | "ping" | "host" => Some(Io::fail(
                format!(
                    "sh: {name}: the playground's shell is outside the cluster; run it in a pod: kubectl exec POD -- {name} ...\n"
                ),
                127,
            )),
            "ls" => {
                let names: Vec<&String> =
                    self.world.files.keys().filter(|n| !n.contains("://")).collect();
                Some(Io::out(
                    names
                        .iter()
                        .map(|n| format!("{n}\n"))
                        .collect::<String>(),
                ))
            }
            "cd" | "pwd" | "mkdir" | "rm" | "touch" | "df" | "cp" | "mv" | "vi" | "vim"
            | "nano" | "env" | "printenv" => Some(Io::fail(
                format!(
                    "sh: {name}: not available in the playground's own shell (it keeps only the session's files: ls, cat, > FILE; edit them in the editor). In a pod: kubectl exec -it POD -- sh\n"
                ),
                127,
            )),
            _ => None,
        }
    }
    // The playground's working directory holds the session's files (the editor's
    // manifests, a scenario's `files:`, what `>` writes): `kubectl apply -f NAME` reads
    // the same set.
    fn read(&mut self, path: &str) -> Result<String, String> {
        self.world
            .files
            .get(workspace_name(path))
            .cloned()
            .ok_or_else(|| "No such file or directory".into())
    }
    fn write(&mut self, path: &str, data: &str, append: bool) -> Result<(), String> {
        if path == "/dev/null" {
            return Ok(());
        }
        let name = workspace_name(path);
        if name.is_empty() || name.contains('/') {
            return Err("the playground's working directory has no subdirectories".into());
        }
        let old = self.world.files.get(name).cloned().unwrap_or_default();
        let text = if append { old + data } else { data.to_string() };
        if text.len() > crate::manifest::MAX_BYTES {
            return Err("File too large (the playground keeps files up to 3 MiB)".into());
        }
        if !self.world.files.contains_key(name) && self.world.files.len() >= MAX_WORKSPACE_FILES {
            return Err(format!(
                "No space left on device (the playground keeps at most {MAX_WORKSPACE_FILES} files)"
            ));
        }
        self.world.files.insert(name.to_string(), text);
        Ok(())
    }
    fn stat(&mut self, path: &str) -> Option<bool> {
        match workspace_name(path) {
            "" | "." => Some(true),
            name => self.world.files.contains_key(name).then_some(false),
        }
    }
    fn glob(&mut self, pattern: &str) -> Vec<String> {
        self.world
            .files
            .keys()
            .filter(|name| !name.contains("://") && glob_match(pattern, name))
            .cloned()
            .collect()
    }
    fn generation(&self) -> u64 {
        self.world.trace.len() as u64 + self.world.pod_files.version()
    }
    fn not_found(&mut self, _st: &State, name: &str) -> Io {
        Io::fail(format!("sh: {name}: command not found\n{HINT}\n"), 127)
    }
}

impl Outer<'_> {
    fn kubectl(&mut self, st: &mut State, argv: Vec<String>, stdin: &str) -> Io {
        if !st.spend_kubectl() {
            return Io::code(1);
        }
        let o = kubectl_outcome(self.world, &argv, stdin, false);
        outcome_io(&o, prints_template(&argv))
    }
}

// ---------------------------------------------------------------------------------------
// The interpreter

/// Parses and runs `src` in `st` (a script, `sh -c` text, or a substitution).
pub(crate) fn run_source(host: &mut dyn Host, st: &mut State, src: &str, stdin: &str) -> Io {
    if st.depth > MAX_DEPTH {
        st.budget.stopped = Some(format!(
            "more than {MAX_DEPTH} nested shells or substitutions (the playground's limit)"
        ));
        return Io::code(1);
    }
    match parse::parse(src) {
        Ok(list) => exec_list(host, st, &list, stdin),
        Err(e) => Io::fail(format!("{}: {e}\n", st.name), 2),
    }
}

/// Runs an argv as one command (builtin, host command, or not found).
pub(crate) fn run_argv(host: &mut dyn Host, st: &mut State, argv: &[String], stdin: &str) -> Io {
    if argv.is_empty() {
        return Io::default();
    }
    if let Some(io) = host.command(st, argv, stdin) {
        return io;
    }
    if let Some(io) = builtins::run(host, st, argv, stdin) {
        return io;
    }
    host.not_found(st, &argv[0])
}

fn done(st: &State) -> bool {
    st.stopped() || st.exit.is_some()
}

/// A loop whose output reached the limit stops (what it would print is cut anyway).
fn stop_if_full(st: &mut State, io: &Io) -> bool {
    if io.truncated && !st.stopped() {
        st.budget.stopped = Some(format!(
            "stopped: more than {MAX_OUTPUT_BYTES} bytes of output (the playground's limit)"
        ));
    }
    io.truncated
}

pub(crate) fn exec_list(host: &mut dyn Host, st: &mut State, list: &List, stdin: &str) -> Io {
    let mut io = Io::default();
    for item in &list.items {
        if done(st) {
            break;
        }
        let r = exec_and_or(host, st, item, stdin);
        io.append(r);
        st.last = io.code;
    }
    io
}

fn exec_and_or(host: &mut dyn Host, st: &mut State, item: &AndOr, stdin: &str) -> Io {
    let mut io = exec_pipeline(host, st, &item.first, stdin);
    st.last = io.code;
    for (conn, p) in &item.rest {
        if done(st) {
            break;
        }
        let go = match conn {
            Conn::And => io.code == 0,
            Conn::Or => io.code != 0,
        };
        if go {
            let r = exec_pipeline(host, st, p, stdin);
            io.append(r);
            st.last = io.code;
        }
    }
    io
}

fn exec_pipeline(host: &mut dyn Host, st: &mut State, p: &Pipeline, stdin: &str) -> Io {
    if p.cmds.len() > MAX_PIPELINE {
        return Io::fail(
            format!(
                "{}: a pipeline of {} commands; the playground runs at most {MAX_PIPELINE}\n",
                st.name,
                p.cmds.len()
            ),
            2,
        );
    }
    let mut io = Io::default();
    let mut input = stdin.to_string();
    let last = p.cmds.len() - 1;
    for (i, cmd) in p.cmds.iter().enumerate() {
        if done(st) && i > 0 {
            break;
        }
        let r = exec_command(host, st, cmd, &input);
        if i == last {
            io.append(r);
        } else {
            // stdout feeds the next command; stderr goes to the terminal.
            input = r.stdout();
            for (s, t) in &r.chunks {
                if *s == Stream::Err {
                    io.push(Stream::Err, t);
                }
            }
            io.truncated |= r.truncated;
        }
    }
    if p.negate {
        io.code = i32::from(io.code == 0);
    }
    io
}

fn exec_command(host: &mut dyn Host, st: &mut State, cmd: &Command, stdin: &str) -> Io {
    match cmd {
        Command::Simple(s) => exec_simple(host, st, s, stdin),
        Command::For { var, items, body } => {
            let mut io = Io::default();
            let values = match items {
                Some(words) => {
                    let mut vals = Vec::new();
                    for w in words {
                        match expand_word(host, st, w, &mut io) {
                            Ok(f) => vals.extend(f),
                            Err(e) => {
                                io.err(format!("{}: {e}\n", st.name));
                                io.code = 1;
                                return io;
                            }
                        }
                    }
                    vals
                }
                None => st.args.iter().skip(1).cloned().collect(),
            };
            if values.len() > MAX_LOOP {
                io.err(format!(
                    "{}: for: {} items; the playground runs a loop at most {MAX_LOOP} times\n",
                    st.name,
                    values.len()
                ));
                io.code = 1;
                return io;
            }
            io.code = 0;
            for v in values {
                if done(st) {
                    break;
                }
                st.vars.insert(var.clone(), v);
                let r = exec_list(host, st, body, stdin);
                io.append(r);
                if stop_if_full(st, &io) {
                    break;
                }
            }
            io
        }
        Command::Loop { until, cond, body } => {
            let word = if *until { "until" } else { "while" };
            let mut io = Io::default();
            let mut code = 0;
            for n in 0.. {
                if done(st) {
                    break;
                }
                if n >= MAX_LOOP {
                    io.err(format!(
                        "{}: {word}: stopped after {MAX_LOOP} iterations (the playground's limit)\n",
                        st.name
                    ));
                    code = 1;
                    break;
                }
                let before = (host.generation(), st.vars.clone());
                let c = exec_list(host, st, cond, stdin);
                io.append_streams(&c);
                if (c.code == 0) == *until || done(st) {
                    break;
                }
                let b = exec_list(host, st, body, stdin);
                code = b.code;
                io.append_streams(&b);
                if stop_if_full(st, &io) {
                    break;
                }
                if (host.generation(), &st.vars) == (before.0, &before.1) {
                    io.err(format!(
                        "{}: {word}: stopped after {} iteration(s): nothing changed, so the loop would never end \
(sleep does not advance the simulation inside one command line; run the simulation, then try again)\n",
                        st.name,
                        n + 1
                    ));
                    code = 1;
                    break;
                }
            }
            io.code = code;
            io
        }
        Command::If {
            branches,
            otherwise,
        } => {
            let mut io = Io::default();
            for (cond, body) in branches {
                let c = exec_list(host, st, cond, stdin);
                io.append_streams(&c);
                if done(st) {
                    io.code = c.code;
                    return io;
                }
                if c.code == 0 {
                    let b = exec_list(host, st, body, stdin);
                    io.append(b);
                    return io;
                }
            }
            match otherwise {
                Some(body) => {
                    let b = exec_list(host, st, body, stdin);
                    io.append(b);
                }
                None => io.code = 0,
            }
            io
        }
        Command::Group { list, subshell } => {
            if !*subshell {
                return exec_list(host, st, list, stdin);
            }
            let saved = (st.vars.clone(), st.exported.clone());
            let io = exec_list(host, st, list, stdin);
            (st.vars, st.exported) = saved;
            st.exit = None;
            io
        }
    }
}

/// Where a descriptor's output goes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Dest {
    Term(Stream),
    Null,
    File(usize),
}

fn exec_simple(host: &mut dyn Host, st: &mut State, s: &Simple, stdin: &str) -> Io {
    let mut io = Io::default();
    if !st.spend_command() {
        io.code = 1;
        return io;
    }
    let last_before = st.last;
    let mut argv = Vec::new();
    for w in &s.words {
        match expand_word(host, st, w, &mut io) {
            Ok(f) => argv.extend(f),
            Err(e) => {
                io.err(format!("{}: {e}\n", st.name));
                io.code = 1;
                return io;
            }
        }
    }
    let mut assigns = Vec::new();
    for (name, w) in &s.assigns {
        match expand_single(host, st, w, &mut io) {
            Ok(v) => assigns.push((name.clone(), v)),
            Err(e) => {
                io.err(format!("{}: {e}\n", st.name));
                io.code = 1;
                return io;
            }
        }
    }
    let substituted = st.last != last_before;
    // Redirections, in order; output files are created (or truncated) before the
    // command runs, like a shell opens them.
    let mut input: Option<String> = None;
    let mut dest = [
        Dest::Term(Stream::Out),
        Dest::Term(Stream::Out),
        Dest::Term(Stream::Err),
    ];
    let mut files: Vec<(String, String)> = Vec::new();
    for r in &s.redirs {
        match r {
            Redir::HereDoc { body } => match expand_single(host, st, body, &mut io) {
                Ok(t) => input = Some(t),
                Err(e) => {
                    io.err(format!("{}: {e}\n", st.name));
                    io.code = 1;
                    return io;
                }
            },
            Redir::In { target } => {
                let path = match expand_single(host, st, target, &mut io) {
                    Ok(p) => p,
                    Err(e) => {
                        io.err(format!("{}: {e}\n", st.name));
                        io.code = 1;
                        return io;
                    }
                };
                match host.read(&path) {
                    Ok(t) => input = Some(t),
                    Err(e) => {
                        io.err(redirect_error(st, &path, &e, false));
                        io.code = 1;
                        return io;
                    }
                }
            }
            Redir::Out { fd, append, target } => {
                let path = match expand_single(host, st, target, &mut io) {
                    Ok(p) => p,
                    Err(e) => {
                        io.err(format!("{}: {e}\n", st.name));
                        io.code = 1;
                        return io;
                    }
                };
                let fd = usize::from(*fd);
                if fd == 0 || fd > 2 {
                    continue;
                }
                if path == "/dev/null" {
                    dest[fd] = Dest::Null;
                    continue;
                }
                if let Err(e) = host.write(&path, "", *append) {
                    io.err(redirect_error(st, &path, &e, true));
                    io.code = 1;
                    return io;
                }
                files.push((path, String::new()));
                dest[fd] = Dest::File(files.len() - 1);
            }
            Redir::Dup { fd, to } => {
                let (fd, to) = (usize::from(*fd), usize::from(*to));
                if (1..=2).contains(&fd) && (1..=2).contains(&to) {
                    dest[fd] = dest[to];
                }
            }
        }
    }
    if argv.is_empty() {
        for (name, v) in assigns {
            st.vars.insert(name, v);
        }
        io.code = if substituted { st.last } else { 0 };
        return io;
    }
    let saved: Vec<(String, Option<String>)> = assigns
        .into_iter()
        .map(|(n, v)| {
            let old = st.vars.insert(n.clone(), v);
            (n, old)
        })
        .collect();
    let r = run_argv(host, st, &argv, input.as_deref().unwrap_or(stdin));
    for (n, old) in saved.into_iter().rev() {
        match old {
            Some(v) => st.vars.insert(n, v),
            None => st.vars.remove(&n),
        };
    }
    for (stream, text) in &r.chunks {
        let d = dest[if *stream == Stream::Out { 1 } else { 2 }];
        match d {
            Dest::Term(to) => io.push(to, text),
            Dest::Null => {}
            Dest::File(i) => files[i].1.push_str(text),
        }
    }
    io.truncated |= r.truncated;
    for (path, content) in files {
        if content.is_empty() {
            continue;
        }
        if let Err(e) = host.write(&path, &content, true) {
            io.err(redirect_error(st, &path, &e, true));
        }
    }
    io.code = r.code;
    io
}

/// A redirection that could not open its file, in the shell's own words.
fn redirect_error(st: &State, path: &str, errno: &str, create: bool) -> String {
    match st.flavor {
        Flavor::Bash => format!("{}: {path}: {errno}\n", st.name),
        Flavor::Dash => {
            let e = match errno {
                "No such file or directory" if create => "Directory nonexistent",
                "No such file or directory" => "No such file",
                other => other,
            };
            let verb = if create { "create" } else { "open" };
            format!("{}: 1: cannot {verb} {path}: {e}\n", st.name)
        }
        Flavor::Busybox => {
            if create {
                let e = if errno == "No such file or directory" {
                    "nonexistent directory"
                } else {
                    errno
                };
                format!("{}: can't create {path}: {e}\n", st.name)
            } else {
                format!("{}: can't open '{path}': {errno}\n", st.name)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Expansion

/// Expanded text with how it may be split and globbed.
struct Piece {
    text: String,
    /// From quotes: never split or globbed.
    quoted: bool,
    /// From an unquoted expansion: split on blanks.
    split: bool,
}

fn expand_parts(
    host: &mut dyn Host,
    st: &mut State,
    parts: &[Part],
    io: &mut Io,
    out: &mut Vec<Piece>,
) -> Result<(), String> {
    for (i, p) in parts.iter().enumerate() {
        match p {
            Part::Lit { text, quoted } => {
                let mut text = text.clone();
                // `~` at the start of an unquoted word is the home directory.
                if i == 0 && !quoted && (text == "~" || text.starts_with("~/")) {
                    let home = st
                        .vars
                        .get("HOME")
                        .cloned()
                        .unwrap_or_else(|| "/root".into());
                    text = format!("{home}{}", &text[1..]);
                }
                out.push(Piece {
                    text,
                    quoted: *quoted,
                    split: false,
                });
            }
            Part::Param {
                name,
                default,
                quoted,
            } => {
                let value = param(st, name);
                match (value, default) {
                    (v, Some((colon, def)))
                        if v.is_none() || (*colon && v.as_deref() == Some("")) =>
                    {
                        expand_parts(host, st, def, io, out)?;
                    }
                    (v, _) => out.push(Piece {
                        text: v.unwrap_or_default(),
                        quoted: *quoted,
                        split: !quoted,
                    }),
                }
            }
            Part::Length { name, quoted } => out.push(Piece {
                text: param(st, name)
                    .unwrap_or_default()
                    .chars()
                    .count()
                    .to_string(),
                quoted: *quoted,
                split: false,
            }),
            Part::CmdSub { src, quoted } => {
                let text = command_substitution(host, st, src, io);
                out.push(Piece {
                    text,
                    quoted: *quoted,
                    split: !quoted,
                });
            }
            Part::Arith { src, quoted } => {
                let v = arith(st, src)?;
                out.push(Piece {
                    text: v.to_string(),
                    quoted: *quoted,
                    split: !quoted,
                });
            }
        }
    }
    Ok(())
}

/// The value of `$name`, `None` if unset.
fn param(st: &State, name: &str) -> Option<String> {
    match name {
        "?" => Some(st.last.to_string()),
        "#" => Some(st.args.len().saturating_sub(1).to_string()),
        "@" | "*" => Some(
            st.args
                .iter()
                .skip(1)
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "$" => Some("1".into()),
        "!" => Some(String::new()),
        n if n.chars().all(|c| c.is_ascii_digit()) => n
            .parse::<usize>()
            .ok()
            .and_then(|i| st.args.get(i).cloned()),
        n => st.vars.get(n).cloned(),
    }
}

fn command_substitution(host: &mut dyn Host, st: &mut State, src: &str, io: &mut Io) -> String {
    let mut child = st.child();
    let r = run_source(host, &mut child, src, "");
    st.rejoin(child);
    st.last = r.code;
    for (s, t) in &r.chunks {
        if *s == Stream::Err {
            io.push(Stream::Err, t);
        }
    }
    let mut out = r.stdout();
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Expands a word into fields (split and globbed like sh).
pub(crate) fn expand_word(
    host: &mut dyn Host,
    st: &mut State,
    w: &Word,
    io: &mut Io,
) -> Result<Vec<String>, String> {
    let mut pieces = Vec::new();
    expand_parts(host, st, &w.parts, io, &mut pieces)?;
    // Fields: text plus, when unquoted glob characters occur, a pattern.
    let mut fields: Vec<(String, String, bool)> = Vec::new();
    let mut cur = String::new();
    let mut pat = String::new();
    let mut glob = false;
    let mut started = false;
    for p in &pieces {
        if p.quoted {
            for c in p.text.chars() {
                if "*?[\\".contains(c) {
                    pat.push('\\');
                }
                pat.push(c);
            }
            cur.push_str(&p.text);
            started = true;
            continue;
        }
        for c in p.text.chars() {
            if p.split && c.is_whitespace() {
                if started {
                    fields.push((std::mem::take(&mut cur), std::mem::take(&mut pat), glob));
                    glob = false;
                    started = false;
                }
                continue;
            }
            if "*?[".contains(c) {
                glob = true;
            }
            cur.push(c);
            pat.push(c);
            started = true;
        }
    }
    if started {
        fields.push((cur, pat, glob));
    }
    let mut out = Vec::new();
    for (text, pat, glob) in fields {
        if glob {
            let matches = host.glob(&pat);
            if !matches.is_empty() {
                out.extend(matches);
                continue;
            }
        }
        out.push(text);
    }
    Ok(out)
}

/// Expands a word without splitting or globbing (assignments, redirections, here-docs).
pub(crate) fn expand_single(
    host: &mut dyn Host,
    st: &mut State,
    w: &Word,
    io: &mut Io,
) -> Result<String, String> {
    let mut pieces = Vec::new();
    expand_parts(host, st, &w.parts, io, &mut pieces)?;
    Ok(pieces.into_iter().map(|p| p.text).collect())
}

// ---------------------------------------------------------------------------------------
// Arithmetic: $(( ... ))

fn arith(st: &State, src: &str) -> Result<i64, String> {
    // Parameters inside are expanded first (`$(( ${N} - 1 ))`).
    let mut text = String::new();
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' {
            let (name, next) = if chars.get(i + 1) == Some(&'{') {
                let end = chars[i + 2..]
                    .iter()
                    .position(|c| *c == '}')
                    .map(|p| p + i + 2)
                    .ok_or_else(|| format!("{src}: bad substitution"))?;
                (chars[i + 2..end].iter().collect::<String>(), end + 1)
            } else {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                (chars[i + 1..j].iter().collect::<String>(), j)
            };
            text.push_str(&param(st, &name).unwrap_or_default());
            i = next;
        } else {
            text.push(chars[i]);
            i += 1;
        }
    }
    let toks = arith_tokens(&text)?;
    let mut p = Arith {
        toks,
        pos: 0,
        st,
        depth: 0,
    };
    let v = p.expr(0)?;
    if p.pos < p.toks.len() {
        return Err(format!("{src}: arithmetic syntax error"));
    }
    Ok(v)
}

#[derive(Clone, Debug, PartialEq)]
enum ATok {
    Num(i64),
    Name(String),
    Op(&'static str),
}

fn arith_tokens(s: &str) -> Result<Vec<ATok>, String> {
    const OPS: [&str; 18] = [
        "&&", "||", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "(", ")", "<", ">", "!", "&",
        "|",
    ];
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let t: String = chars[start..i].iter().collect();
            let v = t
                .parse::<i64>()
                .map_err(|_| format!("{t}: value too great for base (error token is \"{t}\")"))?;
            out.push(ATok::Num(v));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(ATok::Name(chars[start..i].iter().collect()));
            continue;
        }
        for op in OPS {
            let n = op.len();
            if chars[i..].iter().take(n).collect::<String>() == op {
                out.push(ATok::Op(op));
                i += n;
                continue 'outer;
            }
        }
        return Err(format!(
            "{s}: arithmetic syntax error (error token is \"{c}\")"
        ));
    }
    Ok(out)
}

struct Arith<'a> {
    toks: Vec<ATok>,
    pos: usize,
    st: &'a State,
    depth: usize,
}

impl Arith<'_> {
    fn prec(op: &str) -> Option<u8> {
        Some(match op {
            "||" => 1,
            "&&" => 2,
            "|" => 3,
            "&" => 4,
            "==" | "!=" => 5,
            "<" | ">" | "<=" | ">=" => 6,
            "+" | "-" => 7,
            "*" | "/" | "%" => 8,
            _ => return None,
        })
    }

    fn expr(&mut self, min: u8) -> Result<i64, String> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("arithmetic expression nested too deeply".into());
        }
        let mut lhs = self.unary()?;
        while let Some(ATok::Op(op)) = self.toks.get(self.pos).cloned() {
            let Some(p) = Self::prec(op) else {
                break;
            };
            if p < min {
                break;
            }
            self.pos += 1;
            let rhs = self.expr(p + 1)?;
            lhs = match op {
                "||" => i64::from(lhs != 0 || rhs != 0),
                "&&" => i64::from(lhs != 0 && rhs != 0),
                "|" => lhs | rhs,
                "&" => lhs & rhs,
                "==" => i64::from(lhs == rhs),
                "!=" => i64::from(lhs != rhs),
                "<" => i64::from(lhs < rhs),
                ">" => i64::from(lhs > rhs),
                "<=" => i64::from(lhs <= rhs),
                ">=" => i64::from(lhs >= rhs),
                "+" => lhs.wrapping_add(rhs),
                "-" => lhs.wrapping_sub(rhs),
                "*" => lhs.wrapping_mul(rhs),
                "/" | "%" => {
                    if rhs == 0 {
                        return Err("division by 0 (error token is \"0\")".into());
                    }
                    if op == "/" {
                        lhs.wrapping_div(rhs)
                    } else {
                        lhs.wrapping_rem(rhs)
                    }
                }
                _ => lhs,
            };
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<i64, String> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("arithmetic expression nested too deeply".into());
        }
        let v = self.unary_inner();
        self.depth -= 1;
        v
    }

    fn unary_inner(&mut self) -> Result<i64, String> {
        let Some(t) = self.toks.get(self.pos).cloned() else {
            return Err("arithmetic syntax error: operand expected".into());
        };
        self.pos += 1;
        match t {
            ATok::Num(n) => Ok(n),
            ATok::Name(n) => {
                let v = self.st.vars.get(&n).cloned().unwrap_or_default();
                let v = v.trim();
                if v.is_empty() {
                    return Ok(0);
                }
                v.parse::<i64>().map_err(|_| {
                    format!(
                        "{v}: arithmetic syntax error: operand expected (error token is \"{v}\")"
                    )
                })
            }
            ATok::Op("-") => Ok(self.unary()?.wrapping_neg()),
            ATok::Op("+") => self.unary(),
            ATok::Op("!") => Ok(i64::from(self.unary()? == 0)),
            ATok::Op("(") => {
                let v = self.expr(0)?;
                if self.toks.get(self.pos) != Some(&ATok::Op(")")) {
                    return Err("arithmetic syntax error: missing `)'".into());
                }
                self.pos += 1;
                Ok(v)
            }
            ATok::Op(o) => Err(format!(
                "arithmetic syntax error: operand expected (error token is \"{o}\")"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Null;
    impl Host for Null {
        fn command(&mut self, _: &mut State, _: &[String], _: &str) -> Option<Io> {
            None
        }
        fn read(&mut self, _: &str) -> Result<String, String> {
            Err("No such file or directory".into())
        }
        fn write(&mut self, _: &str, _: &str, _: bool) -> Result<(), String> {
            Ok(())
        }
        fn stat(&mut self, _: &str) -> Option<bool> {
            None
        }
        fn glob(&mut self, _: &str) -> Vec<String> {
            Vec::new()
        }
        fn generation(&self) -> u64 {
            0
        }
        fn not_found(&mut self, _: &State, name: &str) -> Io {
            Io::fail(format!("sh: {name}: command not found\n"), 127)
        }
    }

    fn sh(src: &str) -> (String, i32) {
        let mut st = State::new("sh", Flavor::Bash);
        let io = run_source(&mut Null, &mut st, src, "");
        (io.text(), io.code)
    }

    #[test]
    fn refusal_names_bad_lines_and_passes_runnable_ones() {
        let w = World::new(crate::world::Config::default(), 0);
        for ok in [
            "kubectl get pods",
            "get pods",
            "kubectl get pod nope",
            "kubectl get pods | grep web",
            "for i in 1 2; do echo $i; done",
        ] {
            assert_eq!(refusal(&w, ok), None, "{ok}");
        }
        let bad = refusal(&w, "kubectl frobnicate").expect("refused");
        assert!(
            bad.starts_with("error: unknown command \"frobnicate\" for \"kubectl\""),
            "{bad}"
        );
        assert!(refusal(&w, "echo 'open").is_some_and(|m| m.contains("incomplete")));
        assert!(refusal(&w, "  ").is_some());
        // A syntax error is answered as `run` answers it.
        let line = "echo a ;; echo b";
        let mut w2 = w.clone();
        let ran = run(&mut w2, line);
        assert_eq!(refusal(&w, line), Some(ran.output), "exit {}", ran.exit);
    }

    #[test]
    fn loops_variables_and_substitutions() {
        assert_eq!(
            sh("for i in 0 1 2; do echo web-$i; done").0,
            "web-0\nweb-1\nweb-2\n"
        );
        assert_eq!(
            sh("for i in $(seq 0 2); do echo \"${i}\"; done").0,
            "0\n1\n2\n"
        );
        assert_eq!(sh("x=3; echo $((x * 2 + 1))").0, "7\n");
        assert_eq!(sh("echo ${UNSET:-fallback} ${#HOME}").0, "fallback 0\n");
        assert_eq!(sh("false || echo b && echo c").0, "b\nc\n");
        assert_eq!(sh("true && false; echo $?").0, "1\n");
        assert_eq!(
            sh("if [ 2 -gt 1 ]; then echo yes; else echo no; fi").0,
            "yes\n"
        );
        assert_eq!(sh("echo 'a  b' | tr ' ' '\\n'").0, "a\n\nb\n");
    }

    #[test]
    fn loops_that_cannot_end_stop() {
        let (out, code) = sh("while true; do echo x; done");
        assert_eq!(code, 1);
        assert!(out.contains("nothing changed"), "{out}");
        assert_eq!(out.lines().filter(|l| *l == "x").count(), 1);
        let (out, code) = sh("i=0; while [ $i -lt 5000 ]; do i=$((i+1)); done; echo $i");
        assert!(out.contains("1000 iterations"), "{out}");
        assert_eq!(code, 0, "the echo after the loop still runs");
    }

    #[test]
    fn exit_and_unknown_commands() {
        assert_eq!(sh("echo a; exit 3; echo b"), ("a\n".into(), 3));
        let (out, code) = sh("frobnicate");
        assert_eq!(code, 127);
        assert!(out.starts_with("sh: frobnicate: command not found"));
    }

    #[test]
    fn quoting_roundtrips_through_kubectl_split() {
        let words: Vec<String> = [
            "patch",
            "sts",
            "web",
            "-p",
            r#"{"spec":{"a":'b'}}"#,
            "",
            "it's",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let back = crate::kubectl::split_words(&quote_argv(&words)).expect("splits");
        assert_eq!(back, words);
    }
}
