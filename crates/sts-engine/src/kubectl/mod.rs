//! A kubectl for the simulated cluster: parses a command line and answers the way
//! kubectl 1.32 does (section 14 of the semantics specification, K-rules). One layer
//! shared by the web console, scenario steps and the CLI.
//!
//! A line goes through a small shell first (`shell.rs`: quoting, `;`, `&&`, pipes into
//! `grep`/`wc`/…, `for` loops, here-documents), so the tutorials' command lines work as
//! typed; `kubectl` itself may be omitted. Each kubectl invocation is parsed like cobra
//! and pflag parse it (`args.rs`) and dispatched to its command:
//!
//! | command | module |
//! |---|---|
//! | `get` (`-o wide|name|yaml|json|jsonpath|custom-columns`, `-l`, `-A`, `-w`…) | `get.rs`, `output.rs`, `jsonpath.rs`, `watch.rs` |
//! | `describe` | `describe.rs` |
//! | `apply -f`, `create -f`, `delete`, `scale`, `set image`, `patch`, `label`, `rollout`, `edit` | `mutate.rs` |
//! | `wait`, `rollout status` (blocking) | `wait.rs` |
//! | `exec` | [`crate::podshell`] |
//!
//! Anything else gets kubectl's own error (with cobra's "Did you mean this?"
//! suggestions) plus a line naming what the playground supports. Nothing here panics on
//! user input.

pub(crate) mod args;
pub mod describe;
mod get;
pub mod jsonpath;
mod mutate;
pub mod output;
mod resources;
mod selector;
pub mod wait;
pub mod watch;
mod words;

use crate::api::{Outcome, DEFAULT_NS};
use crate::world::World;
use args::{flag, val, Args, Flag};

pub use mutate::{deployment_rollout_status, merge_patch, rollout_status, EDIT_HEADER};
pub use wait::{PendingWait, WaitRequest};
pub use watch::Watch;
pub use words::split_words;

/// Where a piece of output went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

/// What one command (or script) printed, stdout and stderr kept apart for pipes but in
/// the order a terminal shows them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Out {
    segs: Vec<(Stream, String)>,
    pub exit: i32,
    pub wait: Option<WaitRequest>,
    pub edit: Option<String>,
    pub watch: Option<Watch>,
}

impl Out {
    /// Writes to stdout.
    pub fn print(&mut self, s: &str) {
        if !s.is_empty() {
            self.segs.push((Stream::Stdout, s.to_string()));
        }
    }
    /// Writes to stderr.
    pub fn eprint(&mut self, s: &str) {
        if !s.is_empty() {
            self.segs.push((Stream::Stderr, s.to_string()));
        }
    }
    /// A failed command that printed `msg` (a newline is added).
    pub fn error(msg: &str) -> Out {
        let mut o = Out::default();
        o.eprint(&format!("{msg}\n"));
        o.exit = 1;
        o
    }
    /// Appends an API-level outcome (success to stdout, failure to stderr).
    pub fn outcome(&mut self, o: Outcome) {
        if o.exit == 0 {
            if !o.output.is_empty() {
                self.print(&format!("{}\n", o.output));
            }
        } else {
            self.eprint(&format!("{}\n", o.output));
            self.exit = o.exit;
        }
    }
    /// Appends another command's output (and its exit status, if it failed).
    pub fn append(&mut self, other: Out) {
        self.segs.extend(other.segs);
        if other.exit != 0 {
            self.exit = other.exit;
        }
        self.wait = self.wait.take().or(other.wait);
        self.edit = self.edit.take().or(other.edit);
        self.watch = self.watch.take().or(other.watch);
    }
    /// What a terminal shows.
    pub fn term(&self) -> String {
        self.segs.iter().map(|(_, t)| t.as_str()).collect()
    }
    /// Rewrites each stdout piece.
    pub fn map_stdout(&mut self, f: impl Fn(&str) -> String) {
        for (s, t) in &mut self.segs {
            if *s == Stream::Stdout {
                *t = f(t);
            }
        }
    }
}

/// What the playground's kubectl supports, for error messages.
pub const SUPPORTED: &str = "get, describe, apply -f, create -f, delete, scale, set image, patch, label, rollout status|history|undo|restart, edit, wait, exec, run, version, api-resources (and the shell around them: pipes into grep, wc, head, tail, sort, uniq, tr, cut, awk; for loops; here-documents)";

/// kubectl 1.32's top-level commands (cobra suggests among these).
const KUBECTL_COMMANDS: &[&str] = &[
    "alpha",
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "help",
    "kustomize",
    "label",
    "logs",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

/// Levenshtein distance, case-insensitive (cobra's `ld`).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// cobra's unknown-command error with its suggestions (`findSuggestions`: distance at
/// most 2, or a prefix, or a command's `SuggestFor`).
pub(crate) fn unknown_command_error(typed: &str, parent: &str, candidates: &[&str]) -> String {
    let mut sugg: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|c| {
            distance(typed, c) <= 2
                || c.to_lowercase().starts_with(&typed.to_lowercase())
                || (matches!(*c, "get" | "wait") && ["list", "ps"].contains(&typed))
        })
        .collect();
    sugg.dedup();
    let mut msg = format!("error: unknown command \"{typed}\" for \"{parent}\"");
    if !sugg.is_empty() && !typed.is_empty() {
        msg.push_str("\n\nDid you mean this?");
        for s in sugg {
            msg.push_str("\n\t");
            msg.push_str(s);
        }
        // cobra ends the suggestions with a newline, which kubectl's CheckErr keeps
        // (it adds none); the playground's note follows after a blank line.
    }
    msg
}

/// Runs one kubectl command line (with or without the leading `kubectl`).
pub fn run(world: &mut World, line: &str) -> Outcome {
    run_with_stdin(world, line, None)
}

/// Runs a command line whose standard input is `stdin` (`kubectl apply -f -`).
pub fn run_with_stdin(world: &mut World, line: &str, stdin: Option<&str>) -> Outcome {
    let line = line.trim();
    if line.is_empty() {
        return Outcome::ok("");
    }
    match split_words(line) {
        Ok(argv) => run_argv(world, &argv, stdin, true),
        Err(e) => Outcome::err(e),
    }
}

/// Runs one kubectl command given as words (with or without the leading `kubectl`).
/// `single` says whether it is the whole command line: blocking commands (`wait`,
/// `rollout status`, `get -w`) run only then, not inside a pipe, list or loop of the
/// playground's shell ([`crate::shell`]).
pub fn run_argv(world: &mut World, argv: &[String], stdin: Option<&str>, single: bool) -> Outcome {
    let args = match argv.first().map(String::as_str) {
        Some("kubectl") => &argv[1..],
        _ => argv,
    };
    let mut out = kubectl_main(world, args, stdin, single);
    if let Some(mut w) = out.watch.take() {
        world.next_watch_id += 1;
        w.id = world.next_watch_id;
        w.command = crate::shell::quote_argv(argv);
        world.watch = Some(w);
    }
    let term = out.term();
    let output = term.strip_suffix('\n').unwrap_or(&term).to_string();
    Outcome {
        output,
        exit: out.exit,
        edit: out.edit,
        wait: out.wait,
    }
}

pub fn apply_edited(world: &mut World, text: &str) -> Outcome {
    let out = mutate::apply_edited(world, text);
    let term = out.term();
    Outcome {
        output: term.strip_suffix('\n').unwrap_or(&term).to_string(),
        exit: out.exit,
        edit: None,
        wait: None,
    }
}

/// The manifest stream that saving `text` as a `kubectl edit` buffer applies to `world`
/// now (what [`apply_edited`] applies), or `None` when saving it applies nothing. A
/// session written as a scenario file replays an edit as an `apply:` of this text.
pub fn edited_manifest(world: &World, text: &str) -> Option<String> {
    mutate::edited_manifest(world, text).ok()
}

const NO_FLAGS: &[Flag] = &[val("output", Some('o')), flag("client", None)];

/// The flag table a verb's arguments are parsed with (`exec` and `run` belong to the
/// pod shell).
fn verb_flags(verb: &str) -> &'static [Flag] {
    match verb {
        "get" => get::FLAGS,
        "describe" => describe::FLAGS,
        "apply" | "create" => mutate::APPLY_FLAGS,
        "delete" => mutate::DELETE_FLAGS,
        "scale" => mutate::SCALE_FLAGS,
        "set" => mutate::SET_FLAGS,
        "patch" => mutate::PATCH_FLAGS,
        "label" => mutate::LABEL_FLAGS,
        "rollout" => mutate::ROLLOUT_FLAGS,
        "edit" => mutate::EDIT_FLAGS,
        "wait" => wait::FLAGS,
        "exec" => crate::podshell::EXEC_FLAGS,
        "run" => crate::podshell::RUN_FLAGS,
        "version" | "api-resources" => NO_FLAGS,
        _ => &[],
    }
}

/// The flags this playground's kubectl accepts after `verb`, as a console would offer
/// them: `--long` (with a trailing `=` when it takes a value) and `-s`, sorted. Read
/// off the same tables the parser uses, so completion cannot offer a flag the parser
/// refuses.
pub fn completion_flags(verb: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in verb_flags(verb) {
        out.push(if f.takes_value {
            format!("--{}=", f.long)
        } else {
            format!("--{}", f.long)
        });
        if let Some(c) = f.short {
            out.push(format!("-{c}"));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// One kubectl invocation (`argv` without `kubectl`). `single`: it is the whole command
/// line, so it may block (`wait`), watch (`get -w`) or open the editor.
pub(crate) fn kubectl_main(
    world: &mut World,
    argv: &[String],
    stdin: Option<&str>,
    single: bool,
) -> Out {
    let i = command_index(argv);
    let lead: Vec<String> = argv[..i.min(argv.len())].to_vec();
    let Some(cmd) = argv.get(i) else {
        let mut o = Out::default();
        o.print(&format!(
            "kubectl controls the Kubernetes cluster manager.\n\nThis playground's kubectl supports: {SUPPORTED}\n"
        ));
        return o;
    };
    let mut rest: Vec<String> = argv[i + 1..].to_vec();
    rest.extend(lead);
    let result = dispatch(world, cmd, &rest, stdin, single);
    match result {
        Ok(o) => o,
        Err(e) => Out::error(&e),
    }
}

/// Where the command word is in kubectl's arguments (after the `kubectl` word): global
/// flags may come before it (`kubectl -n prod get pods`).
fn command_index(argv: &[String]) -> usize {
    let mut i = 0;
    while i < argv.len() && argv[i].starts_with('-') && argv[i] != "--" {
        let needs_value = matches!(
            argv[i].as_str(),
            "-n" | "--namespace" | "--context" | "--kubeconfig" | "--cluster" | "--user" | "-v"
        );
        if needs_value && i + 1 < argv.len() {
            i += 1;
        }
        i += 1;
    }
    i
}

/// The commands [`dispatch`] runs (the others of [`KUBECTL_COMMANDS`] get a "not
/// supported by this playground" answer).
const DISPATCHED: &[&str] = &[
    "get",
    "describe",
    "apply",
    "create",
    "delete",
    "scale",
    "set",
    "patch",
    "label",
    "rollout",
    "edit",
    "wait",
    "exec",
    "run",
    "version",
    "api-resources",
];

/// What kubectl answers for a command word it does not have (cobra's error with its
/// suggestions, then what the playground supports).
fn unknown_verb(other: &str) -> String {
    let e = unknown_command_error(other, "kubectl", KUBECTL_COMMANDS);
    let gap = if e.contains("Did you mean") {
        "\n\n"
    } else {
        "\n"
    };
    format!("{e}{gap}This playground's kubectl supports: {SUPPORTED}")
}

/// If the kubectl command `argv` (with or without the leading `kubectl`) names a
/// command kubectl does not have, the error running it would print (exit 1), found
/// without running it; `None` otherwise (the command may still fail when it runs).
/// Callers that must refuse bad input before it is recorded use it (the JavaScript
/// API's `kubectl()`).
pub fn unknown_command(argv: &[String]) -> Option<String> {
    let args = match argv.first().map(String::as_str) {
        Some("kubectl") => &argv[1..],
        _ => argv,
    };
    let i = command_index(args);
    let cmd = args.get(i)?;
    let rest = &args[i + 1..];
    let help = rest
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "--help" || a == "-h");
    if help || DISPATCHED.contains(&cmd.as_str()) || KUBECTL_COMMANDS.contains(&cmd.as_str()) {
        return None;
    }
    Some(unknown_verb(cmd))
}

fn parse(rest: &[String], spec: &[Flag], name: &str) -> Result<(Args, String), String> {
    let a = Args::parse(rest, spec, name)?;
    let ns = a.get("namespace").unwrap_or(DEFAULT_NS).to_string();
    if ns.is_empty() {
        return Err("error: a namespace must be specified".into());
    }
    Ok((a, ns))
}

fn dispatch(
    world: &mut World,
    cmd: &str,
    rest: &[String],
    stdin: Option<&str>,
    single: bool,
) -> Result<Out, String> {
    if rest
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "--help" || a == "-h")
    {
        let mut o = Out::default();
        o.print(&format!(
            "This playground does not include kubectl's help texts; see https://kubernetes.io/docs/reference/kubectl/generated/kubectl_{cmd}/\nThis playground's kubectl supports: {SUPPORTED}\n"
        ));
        return Ok(o);
    }
    let blocking_refused = || {
        Err::<Out, String>(
            "error: this playground runs `kubectl wait`, `kubectl rollout status` and `kubectl get -w` only as a command line of their own (not in a pipe, list or loop)".into(),
        )
    };
    match cmd {
        "get" => {
            let (a, ns) = parse(rest, get::FLAGS, "get")?;
            if (a.on("watch") || a.on("watch-only")) && !single {
                return blocking_refused();
            }
            get::get(world, &a, &ns)
        }
        "describe" => {
            let (a, ns) = parse(rest, describe::FLAGS, "describe")?;
            describe::describe(world, &a, &ns)
        }
        "apply" => {
            let (a, _) = parse(rest, mutate::APPLY_FLAGS, "apply")?;
            if !a.pos.is_empty() {
                return Err(format!(
                    "error: Unexpected args: {:?}\nSee 'kubectl apply -h' for help and examples",
                    a.pos
                ));
            }
            mutate::apply(world, &a, stdin)
        }
        "create" => {
            let (a, _) = parse(rest, mutate::APPLY_FLAGS, "create")?;
            if let Some(sub) = a.pos.first() {
                return Err(format!(
                    "error: `kubectl create {sub}` is not supported by this playground (use kubectl create -f FILE or kubectl apply -f FILE)"
                ));
            }
            mutate::create(world, &a, stdin)
        }
        "delete" => {
            let (a, ns) = parse(rest, mutate::DELETE_FLAGS, "delete")?;
            mutate::delete(world, &a, &ns, stdin)
        }
        "scale" => {
            let (a, ns) = parse(rest, mutate::SCALE_FLAGS, "scale")?;
            mutate::scale(world, &a, &ns)
        }
        "set" => {
            let (a, ns) = parse(rest, mutate::SET_FLAGS, "set image")?;
            mutate::set(world, &a, &ns)
        }
        "patch" => {
            let (a, ns) = parse(rest, mutate::PATCH_FLAGS, "patch")?;
            mutate::patch(world, &a, &ns)
        }
        "label" => {
            let (a, ns) = parse(rest, mutate::LABEL_FLAGS, "label")?;
            mutate::label(world, &a, &ns)
        }
        "rollout" => {
            let (a, ns) = parse(rest, mutate::ROLLOUT_FLAGS, "rollout")?;
            let mut o = mutate::rollout(world, &a, &ns)?;
            if o.wait.is_some() && !single {
                // In a pipe or loop, `rollout status` reports once (like --watch=false).
                o.wait = None;
            }
            Ok(o)
        }
        "edit" => {
            let (a, ns) = parse(rest, mutate::EDIT_FLAGS, "edit")?;
            mutate::edit(world, &a, &ns)
        }
        "wait" => {
            let (a, ns) = parse(rest, wait::FLAGS, "wait")?;
            let o = wait::wait(world, &a, &ns)?;
            if o.wait.is_some() && !single {
                return blocking_refused();
            }
            Ok(o)
        }
        // The pod shell parses `exec` and `run` itself (sessions, `-i` input).
        "exec" | "run" => {
            let mut argv = vec![cmd.to_string()];
            argv.extend(rest.iter().cloned());
            match crate::podshell::kubectl_pod_command(world, &argv, stdin.unwrap_or("")) {
                Some(o) => {
                    let mut out = Out::default();
                    out.outcome(o);
                    Ok(out)
                }
                None => Err(format!(
                    "error: `kubectl {cmd}` is supported by this playground only as kubectl run NAME --image=IMAGE --rm -it --restart=Never -- COMMAND"
                )),
            }
        }
        "version" => {
            let _ = parse(rest, NO_FLAGS, "version")?;
            let mut o = Out::default();
            o.print("Client Version: v1.32.0\nKustomize Version: v5.5.0\nServer Version: v1.32.0\n");
            Ok(o)
        }
        "api-resources" => {
            let _ = parse(rest, NO_FLAGS, "api-resources")?;
            let mut rows = vec![vec![
                "NAME".to_string(),
                "SHORTNAMES".into(),
                "APIVERSION".into(),
                "NAMESPACED".into(),
                "KIND".into(),
            ]];
            let mut all: Vec<resources::Res> = resources::Res::all().to_vec();
            all.sort_by_key(|r| (r.info().group, r.info().plural));
            for r in all {
                let i = r.info();
                rows.push(vec![
                    i.plural.to_string(),
                    i.short.join(","),
                    r.api_version(),
                    i.namespaced.to_string(),
                    i.kind.to_string(),
                ]);
            }
            let mut o = Out::default();
            o.print(&crate::printers::table(&rows));
            Ok(o)
        }
        other if KUBECTL_COMMANDS.contains(&other) => Err(format!(
            "error: `kubectl {other}` is not supported by this playground\nThis playground's kubectl supports: {SUPPORTED}"
        )),
        other => Err(unknown_verb(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_command_is_found_without_running_and_says_what_running_says() {
        let words = |l: &str| split_words(l).expect("splits");
        for line in [
            "kubectl frobnicate",
            "kubectl scael sts web --replicas=2",
            "kubectl -n prod delet pod web-0",
        ] {
            let mut w = crate::world::World::new(crate::world::Config::default(), 0);
            let ran = run(&mut w, line);
            assert_eq!(ran.exit, 1);
            assert_eq!(unknown_command(&words(line)), Some(ran.output), "{line}");
        }
        for verb in DISPATCHED.iter().chain(KUBECTL_COMMANDS) {
            let line = format!("kubectl {verb}");
            assert_eq!(unknown_command(&words(&line)), None, "{line}");
            let mut w = crate::world::World::new(crate::world::Config::default(), 0);
            let ran = run(&mut w, &line);
            assert!(
                !ran.output.contains("unknown command"),
                "{line}: {}",
                ran.output
            );
        }
        assert_eq!(unknown_command(&words("kubectl frobnicate --help")), None);
        assert_eq!(unknown_command(&words("kubectl")), None);
    }

    #[test]
    fn completion_offers_the_flags_the_parser_accepts() {
        let get = completion_flags("get");
        for f in [
            "--output=",
            "-o",
            "--watch",
            "-w",
            "--selector=",
            "-l",
            "--show-labels",
        ] {
            assert!(get.iter().any(|g| g == f), "get offers {f}: {get:?}");
        }
        let delete = completion_flags("delete");
        assert!(delete.iter().any(|f| f == "--cascade="), "{delete:?}");
        assert!(completion_flags("exec").iter().any(|f| f == "-i"));
        assert!(completion_flags("frobnicate").is_empty());
        // Every long flag offered for `get` is one the parser takes.
        let mut w = crate::world::World::new(Default::default(), 1);
        for f in get
            .iter()
            .filter(|f| f.starts_with("--") && !f.ends_with('='))
        {
            if f == "--watch" || f == "--watch-only" {
                continue; // blocking forms: accepted, tested elsewhere
            }
            let out = run(&mut w, &format!("kubectl get pods {f}"));
            assert!(!out.output.contains("unknown flag"), "{f}: {}", out.output);
        }
    }

    #[test]
    fn typos_get_cobras_suggestions() {
        assert_eq!(
            unknown_command_error("scael", "kubectl", KUBECTL_COMMANDS),
            "error: unknown command \"scael\" for \"kubectl\"\n\nDid you mean this?\n\tscale"
        );
        assert_eq!(
            unknown_command_error("frobnicate", "kubectl", KUBECTL_COMMANDS),
            "error: unknown command \"frobnicate\" for \"kubectl\""
        );
        assert!(unknown_command_error("ps", "kubectl", KUBECTL_COMMANDS).ends_with("\tget\n\twait"));
    }

    #[test]
    fn strategic_merge_keys_containers_by_name() {
        let mut t =
            serde_json::json!({"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]});
        merge_patch(
            &mut t,
            &serde_json::json!({"containers":[{"name":"b","image":"z"}]}),
            true,
        );
        assert_eq!(t["containers"][1]["image"], "z");
        assert_eq!(t["containers"][0]["image"], "x");
        merge_patch(
            &mut t,
            &serde_json::json!({"containers":[{"name":"b","image":"w"}]}),
            false,
        );
        assert_eq!(
            t["containers"].as_array().map(Vec::len),
            Some(1),
            "a plain merge patch replaces lists"
        );
    }
}
