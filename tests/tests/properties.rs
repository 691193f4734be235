//! Property tests: random operation sequences (scale, image change, partition change,
//! pod deletion, faults) under both pod management policies and several retention
//! policies, with the invariant checkers after every step, and the literal (oracle) and
//! incremental controllers compared trace for trace.
//!
//! `PROPTEST_CASES` raises the number of cases (default 48 per property).

use proptest::prelude::*;
use sts_engine::controller::Implementation;
use sts_engine::scenario;
use sts_engine::timeline::{Fault, Input};
use sts_engine::world::World;
use sts_tests::invariants::{check_quiescent, Checker};

/// One thing a user (or the nemesis) does.
#[derive(Clone, Debug)]
enum Op {
    Scale(u8),
    Image(u8),
    Partition(u8),
    DeletePod(u8),
    ForceDeletePod(u8),
    FailPod(u8),
    NeverReady(u8),
    ReadyAgain(u8),
    NodeDown(u8),
    NodeUp(u8),
    /// Run this many steps (so ops interleave with the controller at odd moments).
    Steps(u8),
    /// Run until quiet.
    Settle,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u8..6).prop_map(Op::Scale),
        3 => (0u8..3).prop_map(Op::Image),
        2 => (0u8..5).prop_map(Op::Partition),
        2 => (0u8..6).prop_map(Op::DeletePod),
        1 => (0u8..6).prop_map(Op::ForceDeletePod),
        1 => (0u8..6).prop_map(Op::FailPod),
        1 => (0u8..6).prop_map(Op::NeverReady),
        2 => (0u8..6).prop_map(Op::ReadyAgain),
        1 => (1u8..4).prop_map(Op::NodeDown),
        2 => (1u8..4).prop_map(Op::NodeUp),
        4 => (1u8..40).prop_map(Op::Steps),
        3 => Just(Op::Settle),
    ]
}

/// The cluster and StatefulSet a case starts from.
#[derive(Clone, Debug)]
struct Setup {
    parallel: bool,
    when_scaled_delete: bool,
    when_deleted_delete: bool,
    min_ready: u8,
    replicas: u8,
    seed: u64,
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(0u8), Just(0u8), Just(3u8)],
        0u8..5,
        0u64..1000,
    )
        .prop_map(|(parallel, s, d, min_ready, replicas, seed)| Setup {
            parallel,
            when_scaled_delete: s,
            when_deleted_delete: d,
            min_ready,
            replicas,
            seed,
        })
}

fn world(setup: &Setup, implementation: Implementation) -> World {
    let policy = if setup.parallel {
        "Parallel"
    } else {
        "OrderedReady"
    };
    let scaled = if setup.when_scaled_delete {
        "Delete"
    } else {
        "Retain"
    };
    let deleted = if setup.when_deleted_delete {
        "Delete"
    } else {
        "Retain"
    };
    let yaml = format!(
        r#"scenario: prop
title: {{en: p, zh: p}}
seed: {seed}
cluster:
  nodes: 3
  images:
    "nginx:never-ready": {{ready: never}}
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
    replicas: {replicas}
    podManagementPolicy: {policy}
    minReadySeconds: {min_ready}
    persistentVolumeClaimRetentionPolicy:
      whenScaled: {scaled}
      whenDeleted: {deleted}
    template:
      metadata:
        labels:
          app: nginx
      spec:
        containers:
        - name: nginx
          image: nginx:1.21
          readinessProbe:
            initialDelaySeconds: 2
            periodSeconds: 5
    volumeClaimTemplates:
    - metadata:
        name: www
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 1Gi
"#,
        seed = setup.seed,
        replicas = setup.replicas,
        min_ready = setup.min_ready,
    );
    let s = scenario::parse(&yaml).expect("property scenario parses");
    let mut w = scenario::build_world(&s);
    w.config.controller = implementation;
    w.apply_manifests(&s.manifests);
    w
}

const IMAGES: [&str; 3] = ["nginx:1.21", "nginx:1.22", "nginx:never-ready"];

fn input_for(op: &Op) -> Option<Input> {
    Some(match op {
        Op::Scale(n) => Input::Kubectl(format!("kubectl scale statefulset web --replicas={n}")),
        Op::Image(i) => Input::Kubectl(format!(
            "kubectl set image statefulset/web nginx={}",
            IMAGES[*i as usize]
        )),
        Op::Partition(p) => Input::Kubectl(format!(
            r#"kubectl patch statefulset web -p '{{"spec":{{"updateStrategy":{{"rollingUpdate":{{"partition":{p}}}}}}}}}'"#
        )),
        Op::DeletePod(i) => Input::Kubectl(format!("kubectl delete pod web-{i}")),
        Op::ForceDeletePod(i) => Input::Kubectl(format!(
            "kubectl delete pod web-{i} --grace-period=0 --force"
        )),
        Op::FailPod(i) => Input::Fault(Fault::FailPod {
            pod: format!("web-{i}"),
        }),
        Op::NeverReady(i) => Input::Fault(Fault::Readiness {
            pod: format!("web-{i}"),
            never: true,
        }),
        Op::ReadyAgain(i) => Input::Fault(Fault::Readiness {
            pod: format!("web-{i}"),
            never: false,
        }),
        Op::NodeDown(i) => Input::Fault(Fault::Node {
            node: format!("node-{i}"),
            down: true,
        }),
        Op::NodeUp(i) => Input::Fault(Fault::Node {
            node: format!("node-{i}"),
            down: false,
        }),
        Op::Steps(_) | Op::Settle => return None,
    })
}

/// Plays the ops with invariant checks after every step; returns the text trace.
fn play(setup: &Setup, ops: &[Op], implementation: Implementation) -> Result<Vec<String>, String> {
    let mut w = world(setup, implementation);
    let mut checker = Checker::new(&w);
    let mut budget = 20_000usize;
    let mut run = |w: &mut World, checker: &mut Checker, n: usize| -> Result<(), String> {
        for _ in 0..n {
            if w.quiet() || budget == 0 {
                break;
            }
            budget -= 1;
            w.step();
            checker.after_step(w)?;
        }
        Ok(())
    };
    for op in ops {
        match op {
            Op::Steps(n) => run(&mut w, &mut checker, *n as usize)?,
            Op::Settle => {
                run(&mut w, &mut checker, usize::MAX)?;
                if w.quiet() {
                    check_quiescent(&w)?;
                }
            }
            other => {
                if let Some(i) = input_for(other) {
                    w.apply_input(&i);
                    checker.after_step(&w)?;
                }
            }
        }
    }
    // Heal everything, then the set must converge.
    for i in 1..4 {
        w.apply_input(&Input::Fault(Fault::Node {
            node: format!("node-{i}"),
            down: false,
        }));
    }
    for i in 0..6 {
        w.apply_input(&Input::Fault(Fault::Readiness {
            pod: format!("web-{i}"),
            never: false,
        }));
    }
    w.apply_input(&Input::Kubectl(
        "kubectl set image statefulset/web nginx=nginx:1.23".into(),
    ));
    checker.after_step(&w)?;
    run(&mut w, &mut checker, usize::MAX)?;
    if w.quiet() {
        check_quiescent(&w)?;
    }
    Ok(w.trace.iter().map(|e| e.text()).collect())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    /// Invariants hold after every step, for random operation sequences.
    #[test]
    fn invariants_hold(setup in setup(), ops in prop::collection::vec(op(), 1..14)) {
        if let Err(e) = play(&setup, &ops, Implementation::Fast) {
            prop_assert!(false, "{e}\nsetup: {setup:?}\nops: {ops:?}");
        }
    }

    /// The incremental controller and the literal oracle produce identical traces.
    #[test]
    fn incremental_matches_literal(setup in setup(), ops in prop::collection::vec(op(), 1..14)) {
        let fast = play(&setup, &ops, Implementation::Fast);
        let literal = play(&setup, &ops, Implementation::Literal);
        match (fast, literal) {
            (Ok(f), Ok(l)) => {
                if let Some(i) = (0..f.len().max(l.len())).find(|i| f.get(*i) != l.get(*i)) {
                    prop_assert!(false, "traces differ at line {i}:\n fast:    {:?}\n literal: {:?}\nsetup: {setup:?}\nops: {ops:?}", f.get(i), l.get(i));
                }
            }
            (Err(e), _) | (_, Err(e)) => prop_assert!(false, "{e}\nsetup: {setup:?}\nops: {ops:?}"),
        }
    }
}
