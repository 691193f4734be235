//! `cargo xtask test` (and `ci`): every stage runs, even after a failure, so one run
//! shows everything that is wrong; the exit status is non-zero if any stage failed.
//! The `web:` stages install missing tools first (see `web.rs`), once per run.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Instant;

use crate::web::{self, WASM};
use crate::{cargo, scenario_files, workspace_root, Failure, Result};

/// A stage: its name and what runs it.
type Stage = (&'static str, fn() -> Outcome);

enum Outcome {
    Passed,
    Failed(String),
    Skipped(String),
}

pub fn run(args: &[String]) -> Result {
    if let Some(a) = args.first() {
        return Err(Failure::Usage(format!(
            "test takes no arguments (got {a:?})"
        )));
    }
    let stages: [Stage; 12] = [
        ("cargo test --workspace", tests),
        ("wasm32 build of sts-engine", wasm),
        ("no getrandom in sts-engine's dependencies", no_getrandom),
        ("sts check scenarios/*.yaml", scenarios),
        (
            "cargo clippy --workspace --all-targets -- -D warnings",
            clippy,
        ),
        ("cargo fmt --check", fmt),
        (
            "fuzz manifests (20,000 inputs) and command lines (3,000), fixed seed",
            fuzz_smoke,
        ),
        (
            "web: wasm-bindgen-test (sts-web in headless Chromium, sts-bindings in node)",
            web_wasm_tests,
        ),
        (
            "bindings: wasm-pack build --release --target nodejs, node example",
            bindings,
        ),
        ("web: wasm-pack test --headless --chrome", web_wasm_pack),
        ("web: build site", web_site),
        ("web: end-to-end (Playwright, Chromium)", web_e2e),
    ];
    let all = Instant::now();
    let (mut passed, mut failed, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    let mut summary = Vec::new();
    for (name, stage) in stages {
        println!("\n==> {name}");
        let started = Instant::now();
        let outcome = stage();
        let secs = started.elapsed().as_secs_f64();
        match outcome {
            Outcome::Passed => {
                println!("==> ok: {name} ({secs:.1}s)");
                summary.push(format!("ok       {name} ({secs:.1}s)"));
                passed.push(name);
            }
            Outcome::Failed(why) => {
                println!("==> FAILED: {name} ({secs:.1}s): {why}");
                summary.push(format!("FAILED   {name} ({secs:.1}s)"));
                failed.push(name);
            }
            Outcome::Skipped(why) => {
                println!("==> skipped: {name}: {why}");
                summary.push(format!("skipped  {name}"));
                skipped.push(name);
            }
        }
    }
    println!("\nstages:");
    for line in &summary {
        println!("  {line}");
    }
    println!();
    for name in &failed {
        println!("failed: {name}");
    }
    for name in &skipped {
        println!("skipped: {name}");
    }
    let skipped_note = if skipped.is_empty() {
        String::new()
    } else {
        format!(", {} skipped", skipped.len())
    };
    println!(
        "xtask test: {} passed, {} failed{skipped_note} ({:.0}s)",
        passed.len(),
        failed.len(),
        all.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Failed(format!("{} stage(s) failed", failed.len())))
    }
}

/// Both fuzz targets, a fixed number of inputs from a fixed seed (the same inputs on
/// every run): pasted manifests, then console command lines.
fn fuzz_smoke() -> Outcome {
    for (target, runs) in [("manifest_pipeline", 20_000), ("command_line", 3_000)] {
        if let Err(e) = crate::fuzz::fuzz(target, &crate::fuzz::Budget::Runs(runs)) {
            return Outcome::Failed(e);
        }
    }
    Outcome::Passed
}

/// Runs a command with inherited output; passes when it exits 0.
fn status(mut c: Command) -> Outcome {
    match c.status() {
        Ok(s) if s.success() => Outcome::Passed,
        Ok(s) => Outcome::Failed(format!("exited with {s}")),
        Err(e) => Outcome::Failed(format!("could not start: {e}")),
    }
}

/// Runs a command capturing its output.
fn output(mut c: Command) -> std::io::Result<Output> {
    c.stdin(Stdio::null()).output()
}

fn tests() -> Outcome {
    let mut c = cargo();
    c.args(["test", "--workspace"]);
    status(c)
}

fn wasm() -> Outcome {
    if let Err(why) = web::ensure_wasm_target() {
        return Outcome::Failed(why);
    }
    let mut c = cargo();
    c.args(["build", "-p", "sts-engine", "--target", WASM]);
    status(c)
}

/// `cargo tree -i getrandom` prints the crates that pull it in; when it is absent it exits
/// non-zero with "did not match any packages". Any match fails (the core takes no OS entropy).
fn no_getrandom() -> Outcome {
    let mut c = cargo();
    c.args([
        "tree",
        "-p",
        "sts-engine",
        "-e",
        "normal",
        "--target",
        "all",
        "-i",
        "getrandom",
    ]);
    let o = match output(c) {
        Ok(o) => o,
        Err(e) => return Outcome::Failed(format!("could not start cargo tree: {e}")),
    };
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    if stdout.contains("getrandom") {
        println!("{stdout}");
        return Outcome::Failed("sts-engine depends on getrandom (see the tree above)".into());
    }
    if o.status.success() || stderr.contains("did not match") {
        println!("getrandom: not a dependency of sts-engine");
        Outcome::Passed
    } else {
        eprintln!("{stderr}");
        Outcome::Failed(format!("cargo tree exited with {}", o.status))
    }
}

fn scenarios() -> Outcome {
    let root = workspace_root();
    let files = match scenario_files(&root.join("scenarios")) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(format!("cannot list scenarios/: {e}")),
    };
    if files.is_empty() {
        return Outcome::Failed("scenarios/ holds no .yaml file".into());
    }
    let mut c = cargo();
    c.args([
        "run",
        "--quiet",
        "-p",
        "sts-cli",
        "--release",
        "--",
        "check",
    ]);
    for f in files {
        c.arg(f.strip_prefix(&root).unwrap_or(&f));
    }
    status(c)
}

/// Whether `cargo <sub> --version` works (the rustup component is installed).
fn has_component(sub: &str) -> bool {
    let mut c = cargo();
    c.args([sub, "--version"]);
    output(c).is_ok_and(|o| o.status.success())
}

fn clippy() -> Outcome {
    if !has_component("clippy") {
        return Outcome::Skipped("clippy is not installed (rustup component add clippy)".into());
    }
    let mut c = cargo();
    c.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    status(c)
}

fn fmt() -> Outcome {
    if !has_component("fmt") {
        return Outcome::Skipped("rustfmt is not installed (rustup component add rustfmt)".into());
    }
    let mut c = cargo();
    c.args(["fmt", "--all", "--check"]);
    match status(c) {
        Outcome::Failed(why) => {
            Outcome::Failed(format!("not formatted ({why}); run `cargo fmt --all`"))
        }
        other => other,
    }
}

/// The web stages' tools, installed at most once per run; every web stage fails with the
/// same reason when they cannot be.
fn web_tools() -> std::result::Result<(), String> {
    static TOOLS: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    TOOLS
        .get_or_init(|| {
            web::ensure_test_tools().map_err(|e| format!("the web test tools are missing: {e}"))
        })
        .clone()
}

/// `cargo test --target wasm32-unknown-unknown`: the runner (.cargo/config.toml) is
/// wasm-bindgen-test-runner; `run_in_browser` suites go to headless Chromium.
fn web_wasm_tests() -> Outcome {
    if let Err(e) = web_tools() {
        return Outcome::Failed(e);
    }
    let mut c = cargo();
    c.env("CHROMEDRIVER", web::CHROMEDRIVER).args([
        "test",
        "-p",
        "sts-web",
        "-p",
        "sts-bindings",
        "--target",
        WASM,
    ]);
    status(c)
}

/// The JavaScript API's package: built into `target/bindings/pkg` (size printed) and
/// the runnable example run against it, which compares its trace with
/// `sts run --output json`.
fn bindings() -> Outcome {
    if let Err(e) = web_tools() {
        return Outcome::Failed(e);
    }
    let done = crate::bindings::build().and_then(|pkg| crate::bindings::example(&pkg));
    match done {
        Ok(()) => Outcome::Passed,
        Err(e) => Outcome::Failed(e),
    }
}

/// The same suites through wasm-pack, as a user of the crate would run them;
/// `--mode no-install` makes it use the wasm-bindgen on PATH instead of downloading one.
fn web_wasm_pack() -> Outcome {
    if let Err(e) = web_tools() {
        return Outcome::Failed(e);
    }
    let mut c = Command::new("wasm-pack");
    c.current_dir(workspace_root().join("crates").join("sts-web"))
        .env("PATH", web::node_path())
        .env("CHROMEDRIVER", web::CHROMEDRIVER)
        .args(["test", "--headless", "--chrome", "--mode", "no-install"]);
    status(c)
}

fn site_dir() -> PathBuf {
    workspace_root().join("target").join("site")
}

/// The shipped site, as `cargo xtask serve` builds it; prints the size table.
fn web_site() -> Outcome {
    if let Err(e) = web_tools() {
        return Outcome::Failed(e);
    }
    match web::build_site(&site_dir(), web::Flavour::Shipped) {
        Ok(_) => Outcome::Passed,
        Err(e) => Outcome::Failed(e),
    }
}

/// `node --test tests/e2e/` against the built site, in Debian's Chromium.
fn web_e2e() -> Outcome {
    if let Err(e) = web_tools() {
        return Outcome::Failed(e);
    }
    let site = site_dir();
    if !site.join("pkg").join("sts_web_bg.wasm").is_file() {
        return Outcome::Failed(format!(
            "no site in {} (see the build stage)",
            site.display()
        ));
    }
    let shots = workspace_root().join("target").join("e2e-screenshots");
    if shots.is_dir() {
        if let Err(e) = std::fs::remove_dir_all(&shots) {
            return Outcome::Failed(format!("clearing {}: {e}", shots.display()));
        }
    }
    if let Err(e) = std::fs::create_dir_all(&shots) {
        return Outcome::Failed(format!("creating {}: {e}", shots.display()));
    }
    println!("screenshots: {}", shots.display());
    let mut c = Command::new("node");
    c.current_dir(workspace_root())
        .env("SITE", &site)
        .env("SCREENSHOTS", &shots)
        // One file at a time: each starts its own Chromium, and two at once on a small
        // machine make the timeouts flaky.
        .args(["--test", "--test-concurrency=1", "tests/e2e/"]);
    let outcome = status(c);
    println!("screenshots: {}", shots.display());
    outcome
}
