//! The JavaScript API's package (`crates/sts-bindings`), as `cargo xtask test` checks it:
//!
//! ```text
//! wasm-pack build --release --target nodejs --mode no-install \
//!     --out-dir <root>/target/bindings/pkg crates/sts-bindings      (wasm-opt -Oz, npm binaryen)
//! sts run scenarios/partition-canary.yaml --output json > target/bindings/partition-canary.cli.jsonl
//! node crates/sts-bindings/examples/node-example.mjs                 (against the built package)
//! ```
//!
//! The example fails (and with it the stage) if the package's trace differs from the
//! CLI's JSON lines. The package's wasm size (raw and `gzip -9`) is printed. The node
//! suites (`tests/node.rs`) run in the wasm test stage, in one `cargo test` with sts-web's
//! (one feature set, so the engine is compiled once); `wasm-pack test --node
//! crates/sts-bindings` runs the same suites but resolves features for the crate alone
//! and would compile the engine's dependencies again (~50 s in CI), so it is left to
//! developers.

use std::path::PathBuf;
use std::process::Command;

use crate::web::{self, gzip_size};
use crate::workspace_root;

type Res<T = ()> = std::result::Result<T, String>;

/// The scenario whose trace the example compares with the CLI's.
const SCENARIO: &str = "partition-canary";

fn out_dir() -> PathBuf {
    workspace_root().join("target").join("bindings")
}

fn run(mut c: Command, what: &str) -> Res {
    match c.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{what} exited with {s}")),
        Err(e) => Err(format!("could not start {what}: {e}")),
    }
}

fn wasm_pack() -> Command {
    let mut c = Command::new("wasm-pack");
    c.current_dir(workspace_root())
        // npm binaryen's wasm-opt first: wasm-pack takes the first one on PATH.
        .env("PATH", web::node_path());
    c
}

/// Builds the npm-style package into `target/bindings/pkg` and prints its wasm size.
pub fn build() -> Res<PathBuf> {
    let pkg = out_dir().join("pkg");
    let mut c = wasm_pack();
    c.args([
        "build",
        "--release",
        "--target",
        "nodejs",
        "--mode",
        "no-install",
        "--out-dir",
    ])
    .arg(&pkg)
    .arg("crates/sts-bindings");
    run(c, "wasm-pack build")?;
    let wasm = pkg.join("sts_bindings_bg.wasm");
    let bytes = std::fs::read(&wasm).map_err(|e| format!("reading {}: {e}", wasm.display()))?;
    println!(
        "package: {} ({} bytes, {} bytes gzip -9, after wasm-opt -Oz)",
        wasm.display(),
        bytes.len(),
        gzip_size(&bytes)
    );
    Ok(pkg)
}

/// The CLI's JSON trace of [`SCENARIO`], written next to the package.
fn cli_trace() -> Res<PathBuf> {
    let mut c = crate::cargo();
    c.args([
        "run",
        "--quiet",
        "--release",
        "-p",
        "sts-cli",
        "--",
        "run",
        &format!("scenarios/{SCENARIO}.yaml"),
        "--output",
        "json",
    ]);
    let o = c
        .output()
        .map_err(|e| format!("could not start sts run: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "sts run exited with {}: {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    let path = out_dir().join(format!("{SCENARIO}.cli.jsonl"));
    std::fs::write(&path, &o.stdout).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}

/// Runs the example against the built package, comparing its trace with the CLI's.
pub fn example(pkg: &std::path::Path) -> Res {
    let trace = cli_trace()?;
    let mut c = Command::new("node");
    c.current_dir(workspace_root())
        .env("STS_BINDINGS_PKG", pkg)
        .env("STS_CLI_TRACE", &trace)
        .arg("crates/sts-bindings/examples/node-example.mjs");
    run(c, "node crates/sts-bindings/examples/node-example.mjs")
}
