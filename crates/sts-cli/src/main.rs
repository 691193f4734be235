//! `sts`: run, check and validate StatefulSet Playground scenarios headlessly.
//!
//! ```text
//! sts run FILE [--output text|json] [--seed N] [--literal]
//! sts check FILE... [--literal]
//! sts validate FILE
//! sts shell FILE [--steps] [--no-settle] [--echo] [--seed N]
//! sts export FILE
//! ```
//! Exit codes: 0 success, 1 a check failed or the input is invalid, 2 usage errors.

use std::io::Write;
use std::process::ExitCode;

use sts_engine::controller::Implementation;
use sts_engine::scenario::{self, Scenario};
use sts_engine::timeline::{Input, Timeline};

const USAGE: &str = "usage:
  sts run FILE [--output text|json] [--seed N] [--literal]   play a scenario and print its trace
  sts check FILE... [--literal]                               run every expect and task; exit 1 on the first failure
  sts validate FILE                                          check a scenario or a manifest stream
  sts shell FILE [--steps] [--no-settle] [--echo] [--seed N]  a prompt on the scenario's cluster (see below)
  sts export FILE                                            print a bash script replaying the scenario on kind/minikube

sts shell builds the scenario's cluster and applies its manifests (its steps run only with
--steps), then reads command lines from stdin, one per line (a line starting with # is a
comment; an unfinished line, e.g. a here-document or an open quote, continues on the next),
and runs each like the web console does: kubectl commands, pipes to grep/wc/sort/..., for
loops, kubectl exec into pods. After the manifests and after each line it runs the
simulation until the cluster settles (--no-settle: never; virtual time then stands still,
as `sleep` inside a line does). --echo prints each prompt and line before its output.
The exit status is the last command's.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "run" => run(rest),
        "check" => check(rest),
        "validate" => validate(rest),
        "shell" => shell(rest),
        "export" => export(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("error: unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Splits `--flag value` / `--flag=value` options from positional arguments.
struct Opts {
    files: Vec<String>,
    output: String,
    seed: Option<u64>,
    literal: bool,
}

fn opts(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        files: Vec::new(),
        output: "text".into(),
        seed: None,
        literal: false,
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if a.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = || -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("error: {flag} needs a value"))
        };
        match flag.as_str() {
            "--output" | "-o" => o.output = value()?,
            "--seed" => {
                let v = value()?;
                o.seed = Some(
                    v.parse()
                        .map_err(|_| format!("error: --seed takes a number, not {v:?}"))?,
                );
            }
            "--literal" => o.literal = true,
            f if f.starts_with('-') => return Err(format!("error: unknown option {f}")),
            _ => o.files.push(a.clone()),
        }
        i += 1;
    }
    if o.output != "text" && o.output != "json" {
        return Err(format!(
            "error: --output must be text or json, not {:?}",
            o.output
        ));
    }
    Ok(o)
}

fn load(path: &str) -> Result<Scenario, String> {
    let text = std::fs::read(path).map_err(|e| format!("error: cannot read {path}: {e}"))?;
    let text = String::from_utf8(text)
        .map_err(|_| format!("{path}: error: the file is not valid UTF-8"))?;
    let s = scenario::parse(&text).map_err(|e| {
        if e.line > 0 {
            format!("{path}:{}:{}: error: {}", e.line, e.column, e.message)
        } else {
            format!("{path}: error: {}", e.message)
        }
    })?;
    let stem = std::path::Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if !stem.is_empty() && stem != s.scenario {
        return Err(format!(
            "{path}: error: scenario id {:?} must equal the file name {stem:?}",
            s.scenario
        ));
    }
    Ok(s)
}

fn run(args: &[String]) -> ExitCode {
    let o = match opts(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let [file] = o.files.as_slice() else {
        eprintln!("error: run takes exactly one FILE\n{USAGE}");
        return ExitCode::from(2);
    };
    let mut s = match load(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    if let Some(seed) = o.seed {
        s.seed = seed;
    }
    let imp = if o.literal {
        Implementation::Literal
    } else {
        Implementation::Fast
    };
    let result = scenario::run_with(&s, imp);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for e in &result.timeline.world().trace {
        let line = if o.output == "json" {
            serde_json::to_string(e).unwrap_or_default()
        } else {
            e.text()
        };
        if writeln!(out, "{line}").is_err() {
            return ExitCode::SUCCESS; // a closed pipe (e.g. `| head`) is not an error
        }
    }
    let _ = out.flush();
    if result.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn check(args: &[String]) -> ExitCode {
    let o = match opts(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if o.files.is_empty() {
        eprintln!("error: check needs at least one FILE\n{USAGE}");
        return ExitCode::from(2);
    }
    let imp = if o.literal {
        Implementation::Literal
    } else {
        Implementation::Fast
    };
    for file in &o.files {
        let mut s = match load(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
        };
        if let Some(seed) = o.seed {
            s.seed = seed;
        }
        let result = scenario::run_with(&s, imp);
        let checks = result
            .timeline
            .world()
            .trace
            .iter()
            .filter(|e| matches!(e.record, sts_engine::trace::Record::Expect(_)))
            .count();
        if let Some((step, detail)) = result.failures.first() {
            println!("FAIL {file}: step {step}: {detail}");
            return ExitCode::from(1);
        }
        println!(
            "ok   {file} ({checks} checks, {} steps of simulation)",
            result.timeline.world().steps
        );
    }
    ExitCode::SUCCESS
}

fn validate(args: &[String]) -> ExitCode {
    let [file] = args else {
        eprintln!("error: validate takes exactly one FILE\n{USAGE}");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match sts_engine::manifest::text_of(&bytes) {
        Ok(t) => t.into_owned(),
        Err(e) => {
            println!("{file}:{}:{}: error: {}", e.line, e.column, e.message);
            return ExitCode::from(1);
        }
    };
    let looks_like_scenario = text.lines().any(|l| l.starts_with("scenario:"));
    let diagnostics;
    let prefix;
    if looks_like_scenario {
        match load(file) {
            Ok(s) => {
                // The scenario's cluster (feature gates) decides some verdicts.
                let world = sts_engine::scenario::build_world(&s);
                diagnostics = world.diagnose(&s.manifests);
                prefix = format!("{file}: manifests:");
            }
            Err(e) => {
                println!("{e}");
                return ExitCode::from(1);
            }
        }
    } else {
        diagnostics = sts_engine::diagnose::diagnose(&text);
        prefix = format!("{file}:");
    }
    // kubectl names the file it read (`error when creating "web.yaml"`); the engine's
    // messages say STDIN, as for text pasted into the editor.
    let source = if looks_like_scenario {
        "STDIN".to_string()
    } else {
        file.to_string()
    };
    for d in &diagnostics {
        let line = d.render().replace("\"STDIN\"", &format!("{source:?}"));
        println!("{prefix}{line}");
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == sts_engine::diagnose::Severity::Error)
        .count();
    if errors > 0 {
        ExitCode::from(1)
    } else {
        println!("{file}: valid");
        ExitCode::SUCCESS
    }
}

fn shell(args: &[String]) -> ExitCode {
    let mut file = None;
    let (mut steps, mut settle, mut echo) = (false, true, false);
    let mut seed = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--steps" => steps = true,
            "--no-settle" => settle = false,
            "--echo" => echo = true,
            "--seed" => {
                i += 1;
                match args.get(i).and_then(|v| v.parse::<u64>().ok()) {
                    Some(v) => seed = Some(v),
                    None => {
                        eprintln!("error: --seed takes a number\n{USAGE}");
                        return ExitCode::from(2);
                    }
                }
            }
            f if f.starts_with('-') => {
                eprintln!("error: unknown option {f}\n{USAGE}");
                return ExitCode::from(2);
            }
            f => {
                if file.replace(f.to_string()).is_some() {
                    eprintln!("error: shell takes exactly one FILE\n{USAGE}");
                    return ExitCode::from(2);
                }
            }
        }
        i += 1;
    }
    let Some(file) = file else {
        eprintln!("error: shell takes exactly one FILE\n{USAGE}");
        return ExitCode::from(2);
    };
    let mut s = match load(&file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    if let Some(seed) = seed {
        s.seed = seed;
    }
    let mut tl = Timeline::new(scenario::build_world(&s));
    if !s.manifests.trim().is_empty() {
        let o = tl.input(Input::Apply(s.manifests.clone()));
        if o.exit != 0 {
            eprintln!("{}", o.output);
        }
    }
    if steps {
        let (mut failures, mut last) = (Vec::new(), None);
        for (n, step) in s.steps.iter().enumerate() {
            scenario::run_step(&mut tl, step, n + 1, &mut failures, &mut last, true);
        }
    }
    if settle {
        scenario::run_until_settled(&mut tl);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut exit = 0;
    let mut lines = std::io::stdin().lines();
    loop {
        let mut text = String::new();
        while let Some(Ok(line)) = lines.next() {
            if text.is_empty() && (line.trim().is_empty() || line.trim_start().starts_with('#')) {
                continue;
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&line);
            if !sts_engine::shell::incomplete(&text)
                || text.len() > sts_engine::shell::MAX_INPUT_BYTES
            {
                break;
            }
        }
        if text.is_empty() {
            break;
        }
        if echo {
            let prompt = sts_engine::shell::prompt(tl.world());
            let shown = text.replace('\n', "\n> ");
            if writeln!(out, "{prompt}{shown}").is_err() {
                return ExitCode::SUCCESS;
            }
        }
        let o = tl.input(Input::Kubectl(text));
        exit = o.exit;
        if !o.output.is_empty() && writeln!(out, "{}", o.output).is_err() {
            return ExitCode::SUCCESS;
        }
        if settle {
            scenario::run_until_settled(&mut tl);
        }
    }
    let _ = out.flush();
    ExitCode::from(u8::try_from(exit.clamp(0, 255)).unwrap_or(1))
}

fn export(args: &[String]) -> ExitCode {
    let [file] = args else {
        eprintln!("error: export takes exactly one FILE\n{USAGE}");
        return ExitCode::from(2);
    };
    let s = match load(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    print!("{}", sts_engine::export::scenario_script(&s));
    ExitCode::SUCCESS
}
