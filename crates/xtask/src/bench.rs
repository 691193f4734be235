//! `cargo xtask bench`: how the cost of an OrderedReady rolling update grows with N.
//!
//! Builds `crates/sts-engine/examples/rollout.rs` in release mode, then runs it for each
//! size: under callgrind (counting instructions: stable, independent of machine load)
//! when valgrind is installed, otherwise timed by the wall clock (best of three).
//! Doubling N may cost at most [`MAX_RATIO`] times the work.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{cargo, Failure, Result};

/// The largest acceptable cost ratio between consecutive sizes (which double).
const MAX_RATIO: f64 = 2.2;
const DEFAULT_SIZES: [u64; 5] = [1000, 2000, 4000, 8000, 16000];

pub fn run(args: &[String]) -> Result {
    let mut sizes: Vec<u64> = DEFAULT_SIZES.to_vec();
    let mut timeout = Duration::from_secs(900);
    let mut i = 0;
    while i < args.len() {
        let (flag, inline) = match args[i].split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (args[i].clone(), None),
        };
        let mut value = || {
            inline.clone().or_else(|| {
                i += 1;
                args.get(i).cloned()
            })
        };
        match flag.as_str() {
            "--sizes" => {
                let v = value().ok_or_else(|| {
                    Failure::Usage("--sizes needs a value such as 1000,2000".into())
                })?;
                sizes = v
                    .split(',')
                    .map(|s| s.trim().parse::<u64>().ok().filter(|&n| n > 0))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        Failure::Usage(format!(
                            "--sizes takes positive numbers separated by commas, not {v:?}"
                        ))
                    })?;
            }
            "--timeout" => {
                let v = value()
                    .ok_or_else(|| Failure::Usage("--timeout needs a number of seconds".into()))?;
                let secs: u64 = v
                    .parse()
                    .map_err(|_| Failure::Usage(format!("--timeout takes seconds, not {v:?}")))?;
                timeout = Duration::from_secs(secs);
            }
            other => return Err(Failure::Usage(format!("bench: unknown argument {other:?}"))),
        }
        i += 1;
    }

    let exe = build_example()?;
    let valgrind = Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let unit = if valgrind {
        "instructions"
    } else {
        "ms (wall, best of 3)"
    };
    if valgrind {
        println!("measuring instructions with valgrind --tool=callgrind (the rollout phase only; creating the set is not counted)");
    } else {
        println!("valgrind not found: measuring wall time instead (noisier; install valgrind for instruction counts)");
    }
    println!(
        "\n{:>8}  {:>10}  {:>16}  {:>7}",
        "N", "steps", unit, "ratio"
    );
    let mut prev: Option<f64> = None;
    let mut failures = Vec::new();
    for &n in &sizes {
        let m = if valgrind {
            callgrind(&exe, n, timeout)?
        } else {
            wall(&exe, n, timeout)?
        };
        let ratio = prev.map(|p| m.cost / p);
        let ratio_s = ratio
            .map(|r| format!("{r:.2}x"))
            .unwrap_or_else(|| "-".into());
        let cost_s = if valgrind {
            format!("{:.0}", m.cost)
        } else {
            format!("{:.1}", m.cost)
        };
        let flag = if ratio.is_some_and(|r| r > MAX_RATIO) {
            "  <-- too steep"
        } else {
            ""
        };
        println!("{n:>8}  {:>10}  {cost_s:>16}  {ratio_s:>7}{flag}", m.steps);
        if let Some(r) = ratio.filter(|&r| r > MAX_RATIO) {
            failures.push(format!(
                "going to N={n} cost {r:.2}x the previous size (limit {MAX_RATIO}x)"
            ));
            println!("stopping: larger sizes would only take longer");
            break;
        }
        prev = Some(m.cost);
    }
    if failures.is_empty() {
        println!("\nbench: ok (every ratio <= {MAX_RATIO}x)");
        Ok(())
    } else {
        Err(Failure::Failed(format!(
            "the rollout does not scale near-linearly: {} (doubling N may cost at most {MAX_RATIO}x)",
            failures.join("; ")
        )))
    }
}

struct Measure {
    steps: String,
    cost: f64,
}

/// `cargo build --release --example rollout`; returns the executable's path.
fn build_example() -> Result<PathBuf> {
    println!("building: cargo build --release -p sts-engine --example rollout");
    let out = cargo()
        .args([
            "build",
            "--release",
            "-p",
            "sts-engine",
            "--example",
            "rollout",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::Failed(format!("could not start cargo: {e}")))?;
    if !out.status.success() {
        return Err(Failure::Failed(
            "building the rollout example failed".into(),
        ));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-artifact" && v["target"]["name"] == "rollout")
        .find_map(|v| v["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| {
            Failure::Failed("cargo did not report the rollout example's executable".into())
        })
}

/// Runs a child to completion within `timeout`, returning (stdout, stderr).
fn finish(mut child: Child, what: &str, timeout: Duration) -> Result<(String, String)> {
    let mut so = child.stdout.take();
    let mut se = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(p) = so.as_mut() {
            let _ = p.read_to_string(&mut s);
        }
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(p) = se.as_mut() {
            let _ = p.read_to_string(&mut s);
        }
        s
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::Failed(format!(
                    "{what} took longer than {}s (see --timeout)",
                    timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(Failure::Failed(format!("{what}: {e}"))),
        }
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    if !status.success() {
        return Err(Failure::Failed(format!(
            "{what} exited with {status}\n{stdout}{stderr}"
        )));
    }
    Ok((stdout, stderr))
}

fn spawn(mut c: Command, what: &str) -> Result<Child> {
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::Failed(format!("could not start {what}: {e}")))
}

/// `steps=S` from the example's output line.
fn steps(stdout: &str) -> String {
    stdout
        .split_whitespace()
        .find_map(|w| w.strip_prefix("steps="))
        .unwrap_or("?")
        .to_string()
}

fn callgrind(exe: &PathBuf, n: u64, timeout: Duration) -> Result<Measure> {
    let mut c = Command::new("valgrind");
    // Only the measured phase counts: the set is created first, untimed.
    c.args([
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        "--toggle-collect=*rollout_phase*",
    ])
    .arg(exe)
    .arg(n.to_string());
    let what = format!("valgrind rollout {n}");
    let (stdout, stderr) = finish(spawn(c, &what)?, &what, timeout)?;
    let collected = stderr
        .lines()
        .find_map(|l| {
            l.split_once("Collected :")
                .map(|(_, v)| v.trim().to_string())
        })
        .and_then(|v| {
            v.split_whitespace()
                .next()
                .and_then(|x| x.parse::<f64>().ok())
        })
        .ok_or_else(|| {
            Failure::Failed(format!(
                "no `Collected :` line in callgrind's output:\n{stderr}"
            ))
        })?;
    Ok(Measure {
        steps: steps(&stdout),
        cost: collected,
    })
}

fn wall(exe: &PathBuf, n: u64, timeout: Duration) -> Result<Measure> {
    let mut best = f64::INFINITY;
    let mut s = String::new();
    for _ in 0..3 {
        let mut c = Command::new(exe);
        c.arg(n.to_string());
        let what = format!("rollout {n}");
        let started = Instant::now();
        let (stdout, _) = finish(spawn(c, &what)?, &what, timeout)?;
        best = best.min(started.elapsed().as_secs_f64() * 1000.0);
        s = steps(&stdout);
    }
    Ok(Measure {
        steps: s,
        cost: best,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_steps() {
        assert_eq!(
            super::steps("replicas=1000 steps=12021 trace_entries=16040 rollout_ms=3\n"),
            "12021"
        );
        assert_eq!(super::steps("garbage"), "?");
    }
}
