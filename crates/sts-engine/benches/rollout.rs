//! Criterion benchmark of an OrderedReady rolling update (`cargo bench -p sts-engine`).
//!
//! Each iteration rolls a settled set of N replicas to a new image until it settles;
//! creating the set is setup, not measured. The scaling check (doubling N costs at most
//! 2.2x) is `cargo xtask bench`, which counts instructions and is steadier than time.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode};
use sts_engine::bench::{prepared, rollout_phase};
use sts_engine::controller::Implementation;

fn rollout(c: &mut Criterion) {
    let mut g = c.benchmark_group("rollout");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500));
    // (name, implementation, N, measurement seconds): the literal oracle (O(N) per sync,
    // seconds per rollout) shows what the incremental controller saves.
    let cases = [
        ("fast", Implementation::Fast, 1000, 5),
        ("fast", Implementation::Fast, 2000, 5),
        ("literal", Implementation::Literal, 1000, 60),
    ];
    for (name, implementation, n, secs) in cases {
        g.measurement_time(Duration::from_secs(secs));
        g.bench_with_input(BenchmarkId::new(name, n), &n, |b, &n| {
            b.iter_batched(
                || prepared(n, implementation),
                |mut w| rollout_phase(&mut w),
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, rollout);
criterion_main!(benches);
