//! `cargo xtask fuzz`: the libFuzzer target over the manifest path (`fuzz/`).
//!
//! cargo-fuzz needs nightly-only compiler flags (sanitizers); the machine's stable
//! toolchain accepts them with `RUSTC_BOOTSTRAP=1`, which is set only for these commands.
//! The seed corpus is assembled from the manifest corpus (`tests/manifests/`) and the
//! manifests of every scenario, in `target/fuzz-seed/`; what the fuzzer learns goes to
//! `target/fuzz-corpus/` (neither is committed). A crash leaves its input under
//! `fuzz/artifacts/` and fails the command.

use std::process::Command;

use crate::{workspace_root, Failure, Result};

const TARGET: &str = "manifest_pipeline";

/// How long or how far to fuzz.
pub enum Budget {
    /// A fixed number of runs with a fixed seed: the same inputs every time (CI).
    Runs(u64),
    /// Wall-clock seconds with a random seed (long local runs).
    Seconds(u64),
}

pub fn run(args: &[String]) -> Result {
    let mut budget = Budget::Seconds(60);
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
            other => return Err(Failure::Usage(format!("fuzz: unknown argument {other:?}"))),
        }
        i += 2;
    }
    fuzz(&budget).map_err(Failure::Failed)
}

/// Installs cargo-fuzz when missing, builds the target and runs it.
pub fn fuzz(budget: &Budget) -> std::result::Result<(), String> {
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
    let seed = root.join("target").join("fuzz-seed");
    let learned = root.join("target").join("fuzz-corpus");
    std::fs::create_dir_all(&seed).map_err(|e| format!("creating {}: {e}", seed.display()))?;
    std::fs::create_dir_all(&learned)
        .map_err(|e| format!("creating {}: {e}", learned.display()))?;
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
    println!("fuzz: {seeds} seed inputs in {}", seed.display());
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root.join("fuzz"))
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", TARGET])
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
            "the fuzzer stopped with {s}: a crashing input is in fuzz/artifacts/{TARGET}/"
        )),
        Err(e) => Err(format!("could not start cargo fuzz: {e}")),
    }
}
