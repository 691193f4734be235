//! `cargo xtask fuzz`: the libFuzzer targets in `fuzz/`.
//!
//! * `manifest_pipeline` — pasted manifests: bytes → diagnose → apply → simulation.
//!   Seeds: the manifest corpus (`tests/manifests/`) and every scenario's manifests.
//! * `command_line` — console lines: the shell, kubectl and the pod shell against a
//!   running StatefulSet, through the timeline. Seeds: every command line of the
//!   kubectl and shell transcripts (`tests/golden/{kubectl,shell}/*.txt`).
//!
//! cargo-fuzz needs nightly-only compiler flags (sanitizers); the machine's stable
//! toolchain accepts them with `RUSTC_BOOTSTRAP=1`, which is set only for these commands.
//! Seeds are assembled in `target/fuzz-seed/<target>/`; what the fuzzer learns goes to
//! `target/fuzz-corpus/<target>/` (neither is committed). A crash leaves its input under
//! `fuzz/artifacts/` and fails the command.

use std::process::Command;

use crate::{workspace_root, Failure, Result};

/// The fuzz targets, in the order `all` runs them.
pub const TARGETS: [&str; 2] = ["manifest_pipeline", "command_line"];

/// How long or how far to fuzz.
pub enum Budget {
    /// A fixed number of runs with a fixed seed: the same inputs every time (CI).
    Runs(u64),
    /// Wall-clock seconds with a random seed (long local runs).
    Seconds(u64),
}

pub fn run(args: &[String]) -> Result {
    let mut budget = Budget::Seconds(60);
    let mut targets: Vec<&str> = TARGETS.to_vec();
    let mut i = 0;
    while i < args.len() {
        let value = |i: usize| {
            args.get(i + 1)
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or_else(|| Failure::Usage(format!("{} needs a number", args[i])))
        };
        match args[i].as_str() {
            "--time" => budget = Budget::Seconds(value(i)?),
            "--runs" => budget = Budget::Runs(value(i)?),
            "--target" => {
                let t = args.get(i + 1).map(String::as_str).unwrap_or_default();
                targets = match TARGETS.iter().find(|x| **x == t) {
                    Some(x) => vec![*x],
                    None if t == "all" => TARGETS.to_vec(),
                    None => {
                        return Err(Failure::Usage(format!(
                            "--target takes one of {TARGETS:?} or all, not {t:?}"
                        )))
                    }
                };
            }
            other => return Err(Failure::Usage(format!("fuzz: unknown argument {other:?}"))),
        }
        i += 2;
    }
    for t in targets {
        fuzz(t, &budget).map_err(Failure::Failed)?;
    }
    Ok(())
}

/// Installs cargo-fuzz when missing, builds the target and runs it.
pub fn fuzz(target: &str, budget: &Budget) -> std::result::Result<(), String> {
    let root = workspace_root();
    let have = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        println!("installing cargo-fuzz: cargo install cargo-fuzz --locked");
        let ok = crate::cargo()
            .args(["install", "cargo-fuzz", "--locked"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err("cargo install cargo-fuzz failed".into());
        }
    }
    let seed = root.join("target").join("fuzz-seed").join(target);
    let learned = root.join("target").join("fuzz-corpus").join(target);
    std::fs::create_dir_all(&seed).map_err(|e| format!("creating {}: {e}", seed.display()))?;
    std::fs::create_dir_all(&learned)
        .map_err(|e| format!("creating {}: {e}", learned.display()))?;
    let seeds = if target == "command_line" {
        command_seeds(&root, &seed)
    } else {
        manifest_seeds(&root, &seed)
    };
    println!("fuzz: {seeds} seed inputs in {}", seed.display());
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root.join("fuzz"))
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", target])
        .arg(&learned)
        .arg(&seed)
        .arg("--")
        .arg("-rss_limit_mb=2048")
        .arg("-max_len=65536")
        .arg("-print_final_stats=1");
    match budget {
        Budget::Runs(n) => {
            c.arg(format!("-runs={n}")).arg("-seed=1");
        }
        Budget::Seconds(s) => {
            c.arg(format!("-max_total_time={s}"));
        }
    }
    match c.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!(
            "the fuzzer stopped with {s}: a crashing input is in fuzz/artifacts/{target}/"
        )),
        Err(e) => Err(format!("could not start cargo fuzz: {e}")),
    }
}

/// The manifest corpus and every scenario's manifests, one file each.
fn manifest_seeds(root: &std::path::Path, seed: &std::path::Path) -> usize {
    let mut seeds = 0;
    if let Ok(dir) = std::fs::read_dir(root.join("tests").join("manifests")) {
        for e in dir.flatten() {
            let p = e.path();
            if p.is_file() && p.extension().is_some_and(|x| x != "md") {
                if let Some(name) = p.file_name() {
                    if std::fs::copy(&p, seed.join(name)).is_ok() {
                        seeds += 1;
                    }
                }
            }
        }
    }
    for file in crate::scenario_files(&root.join("scenarios")).unwrap_or_default() {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if let Ok(s) = sts_engine::scenario::parse(&text) {
            let name = format!(
                "scenario-{}.yaml",
                file.file_stem()
                    .map(|s| s.to_string_lossy())
                    .unwrap_or_default()
            );
            if std::fs::write(seed.join(name), s.manifests).is_ok() {
                seeds += 1;
            }
        }
    }
    seeds
}

/// Every `$ ` command line of the kubectl and shell transcripts, one file each.
fn command_seeds(root: &std::path::Path, seed: &std::path::Path) -> usize {
    let mut lines = std::collections::BTreeSet::new();
    for dir in ["kubectl", "shell"] {
        let Ok(entries) = std::fs::read_dir(root.join("tests").join("golden").join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(e.path()) else {
                continue;
            };
            lines.extend(
                text.lines()
                    .filter_map(|l| l.strip_prefix("$ "))
                    .map(String::from),
            );
        }
    }
    let mut seeds = 0;
    for (i, line) in lines.iter().enumerate() {
        if std::fs::write(seed.join(format!("line-{i:04}")), line).is_ok() {
            seeds += 1;
        }
    }
    seeds
}
