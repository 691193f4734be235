//! Simulates an OrderedReady rolling update of N replicas to completion and prints how
//! much work it took: `cargo run --release -p sts-engine --example rollout -- 10000 [literal]`.

use sts_engine::controller::Implementation;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let implementation = if args.get(2).is_some_and(|a| a == "literal") {
        Implementation::Literal
    } else {
        Implementation::Fast
    };
    let mut w = sts_engine::bench::prepared(n, implementation);
    // Wall time is reported for people; benchmarks compare instruction counts.
    #[allow(clippy::disallowed_methods)]
    let started = std::time::Instant::now();
    let steps = sts_engine::bench::rollout_phase(&mut w);
    let elapsed = started.elapsed();
    println!(
        "replicas={n} steps={steps} trace_entries={} rollout_ms={}",
        w.trace.len(),
        elapsed.as_millis()
    );
}
