//! `cargo xtask`: the project's automation, written in Rust instead of shell scripts.
//!
//! ```text
//! cargo xtask test                      every test and check (the README's test command)
//! cargo xtask ci                        what CI runs after installing toolchain components
//! cargo xtask serve [--port 8080] [--no-serve]
//!                                       build the web app into target/site/ and serve it
//! cargo xtask size                      the web app's wasm with names kept, through twiggy
//! cargo xtask bench [--sizes 1000,2000] [--timeout SECS]
//!                                       the rollout scaling benchmark
//! cargo xtask fuzz [--target T|all] [--time SECS | --runs N]
//!                                       fuzz manifests and command lines (installs cargo-fuzz)
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod bench;
mod bindings;
mod fuzz;
mod server;
mod test;
mod web;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  test                          cargo test, wasm build, dependency hygiene, scenario checks,
                                clippy (-D warnings), rustfmt, fuzzing, then the web app: its
                                wasm tests in headless Chromium (cargo test and wasm-pack), the
                                JavaScript API's node tests, package build and example, the
                                site build with its size report and the Playwright end-to-end
                                tests; exits non-zero on any failure
  ci                            what CI runs after installs (= test)
  serve [--port N] [--no-serve] build the web app into target/site/ (cargo, wasm-bindgen,
                                wasm-opt -Oz; prints the size report) and serve it on 127.0.0.1
                                (default port 8080; --no-serve only builds the site)
  size                          build the app's wasm with names kept into target/size/ and show
                                twiggy's top items and dominators (if twiggy is installed)
  bench [--sizes A,B,..] [--timeout SECS]
                                rollout scaling benchmark (default sizes 1000,2000,4000,8000,16000;
                                fails if doubling N costs more than 2.2x)
  fuzz [--target manifest_pipeline|command_line|all] [--time SECS | --runs N]
                                fuzz pasted manifests and console command lines (default: both,
                                60s each; --runs uses a fixed seed); installs cargo-fuzz if missing";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match cmd.as_str() {
        "test" | "ci" => test::run(rest),
        "serve" => serve(rest),
        "size" => web::size(rest),
        "bench" => bench::run(rest),
        "fuzz" => fuzz::run(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => Err(Failure::Usage(format!("unknown command {other:?}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("error: {m}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(m)) => {
            eprintln!("error: {m}");
            ExitCode::FAILURE
        }
    }
}

/// Why a task did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad command line (exit 2).
    Usage(String),
    /// The task ran and failed (exit 1).
    Failed(String),
}

pub type Result<T = ()> = std::result::Result<T, Failure>;

fn serve(args: &[String]) -> Result {
    let mut port: u16 = 8080;
    let mut no_serve = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a.split_once('=') {
            Some(("--port", v)) => port = parse_port(v)?,
            _ if a == "--port" => {
                i += 1;
                let v = args
                    .get(i)
                    .ok_or_else(|| Failure::Usage("--port needs a value".into()))?;
                port = parse_port(v)?;
            }
            _ if a == "--no-serve" => no_serve = true,
            _ => return Err(Failure::Usage(format!("serve: unknown argument {a:?}"))),
        }
        i += 1;
    }
    let out = workspace_root().join("target").join("site");
    web::ensure_build_tools().map_err(Failure::Failed)?;
    web::build_site(&out, web::Flavour::Shipped)
        .map_err(|e| Failure::Failed(format!("building the site: {e}")))?;
    println!("site: the web app written to {}", out.display());
    if no_serve {
        return Ok(());
    }
    server::serve(&out, port)
        .map_err(|e| Failure::Failed(format!("serving on 127.0.0.1:{port}: {e}")))
}

fn parse_port(v: &str) -> Result<u16> {
    v.parse()
        .map_err(|_| Failure::Usage(format!("--port takes a number from 0 to 65535, not {v:?}")))
}

/// The workspace root (this crate lives in `crates/xtask`).
pub fn workspace_root() -> PathBuf {
    // `cargo run` (the `cargo xtask` alias) sets it for this run; the compiled-in path is
    // only a fallback, since a shared target directory may reuse this binary for another
    // checkout of the workspace.
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    dir.ancestors().nth(2).unwrap_or(&dir).to_path_buf()
}

/// A `cargo` command run from the workspace root, using the same cargo that runs xtask.
pub fn cargo() -> Command {
    let bin = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut c = Command::new(bin);
    c.current_dir(workspace_root());
    c
}

/// The scenario files (`scenarios/*.yaml`), sorted, as paths relative to the root.
pub fn scenario_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}
