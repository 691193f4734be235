//! Workloads shared by the benchmarks and the scaling tests.
//!
//! [`rollout`] is the headline workload: an OrderedReady rolling update of N replicas,
//! simulated to completion. The set is created first ([`prepared`]); only
//! [`rollout_phase`] is the measured part (callgrind can count just that function with
//! `--toggle-collect=*rollout_phase*`).

use crate::controller::Implementation;
use crate::scenario;
use crate::timeline::Input;
use crate::world::World;

/// Nodes in the benchmark cluster: fixed, so that the figures show how the controller
/// scales with replicas rather than how the scheduler scales with cluster size.
pub const BENCH_NODES: usize = 200;

/// A scenario with one StatefulSet of `n` replicas on `nodes` nodes.
pub fn scenario_yaml(n: usize, nodes: usize) -> String {
    format!(
        r#"scenario: bench
title: {{en: "bench", zh: "bench"}}
seed: 1
cluster:
  nodes: {nodes}
  timing: {{imagePull: 1s, schedule: 100ms, terminate: 1s}}
manifests: |
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: web
  spec:
    selector:
      matchLabels:
        app: nginx
    serviceName: nginx
    replicas: {n}
    template:
      metadata:
        labels:
          app: nginx
      spec:
        containers:
        - name: nginx
          image: nginx:1.21
"#
    )
}

/// Runs the world until only background work is pending; returns the steps taken.
pub fn settle(w: &mut World) -> u64 {
    let start = w.steps;
    while !w.quiet() {
        if w.step().is_none() {
            break;
        }
    }
    w.steps - start
}

/// A settled StatefulSet of `n` replicas (object trace records off, as in a large UI
/// view that aggregates), ready for the measured phase.
pub fn prepared(n: usize, implementation: Implementation) -> World {
    let s = match scenario::parse(&scenario_yaml(n, BENCH_NODES)) {
        Ok(s) => s,
        Err(e) => panic!("the bench scenario must parse: {e}"),
    };
    let mut w = scenario::build_world(&s);
    w.config.controller = implementation;
    w.config.record_objects = false;
    w.apply_manifests(&s.manifests);
    settle(&mut w);
    w
}

/// The measured phase: `kubectl set image`, then run until the rollout settled.
/// Returns the steps taken.
#[inline(never)]
pub fn rollout_phase(w: &mut World) -> u64 {
    w.apply_input(&Input::Kubectl(
        "kubectl set image statefulset/web nginx=nginx:1.22".into(),
    ));
    settle(w)
}

/// Creates `n` replicas, then rolls them to a new image; returns (rollout steps, trace
/// entries at the end). Panics if the rollout does not complete: a benchmark of a
/// broken controller must not report a number.
pub fn rollout(n: usize, implementation: Implementation) -> (u64, usize) {
    let mut w = prepared(n, implementation);
    let steps = rollout_phase(&mut w);
    let set = w
        .sets
        .values()
        .next()
        .map(|s| s.status.clone())
        .unwrap_or_default();
    assert!(
        set.updated_replicas as usize == n
            && set.ready_replicas as usize == n
            && set.current_revision == set.update_revision,
        "the rollout must complete: {set:?}"
    );
    (steps, w.trace.len())
}
