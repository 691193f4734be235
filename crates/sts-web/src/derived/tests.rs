//! The incremental path of [`Derived::update`] against fresh computations: after every
//! action of scripted sessions (steps, back, seek, commands, faults, edits, forks,
//! another session), the updated values equal `Derived::of` of the same session and,
//! for what the world decides, of a fresh session replayed to the same position.

use super::*;
use sts_engine::timeline::Fault;

/// A small deterministic generator (the tests must not depend on the clock).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// A session rebuilt from scratch: the same scenario, entries replayed to the cursor.
fn replayed(s: &Session) -> Session {
    let mut fresh = Session::open(&s.id).expect("opens");
    let entries: Vec<Option<Input>> = s.tl.entries().into_iter().map(|e| e.cloned()).collect();
    fresh.replay(&entries, s.tl.position());
    fresh.manifest = s.manifest.clone();
    fresh
}

/// Fails with the first difference of two values' Debug forms (the whole values would
/// be hundreds of kilobytes).
fn same<T: PartialEq + std::fmt::Debug>(a: &T, b: &T, what: &str) {
    if a != b {
        let (x, y) = (format!("{a:?}"), format!("{b:?}"));
        let at = x
            .bytes()
            .zip(y.bytes())
            .position(|(p, q)| p != q)
            .unwrap_or(x.len().min(y.len()));
        let from = at.saturating_sub(200);
        let part = |s: &str| {
            s.get(from..(at + 200).min(s.len()))
                .unwrap_or("")
                .to_string()
        };
        panic!("{what}\nupdated: …{}…\nfresh:   …{}…", part(&x), part(&y));
    }
}

fn check(d: &Derived, s: &Session, what: &str) {
    let fresh = Derived::of(s);
    same(d, &fresh, &format!("after {what}"));
    let r = Derived::of(&replayed(s));
    assert_eq!(*d.picture, *r.picture, "replayed picture after {what}");
    assert_eq!(*d.why, *r.why, "replayed why after {what}");
    assert_eq!(*d.sets, *r.sets, "replayed status after {what}");
    assert_eq!(*d.watch, *r.watch, "replayed watch after {what}");
    assert_eq!(*d.events, *r.events, "replayed events after {what}");
    assert_eq!(*d.markers, *r.markers, "replayed markers after {what}");
    assert_eq!(
        *d.transcript, *r.transcript,
        "replayed transcript after {what}"
    );
    assert_eq!(
        *d.completions, *r.completions,
        "replayed completions after {what}"
    );
    assert_eq!(
        *d.diagnostics, *r.diagnostics,
        "replayed diagnostics after {what}"
    );
    assert_eq!(d.prompt, r.prompt, "replayed prompt after {what}");
}

/// One random action on the session; returns what it did.
fn act(s: &mut Session, rng: &mut Lcg) -> String {
    let pod = |rng: &mut Lcg| format!("web-{}", rng.next(72));
    match rng.next(20) {
        0..=5 => {
            let n = 1 + rng.next(6);
            for _ in 0..n {
                s.step();
            }
            format!("{n} steps")
        }
        6 => {
            s.back();
            "back".into()
        }
        7 => {
            let p = rng.next(s.tl.len() + 1);
            s.seek(p);
            format!("seek {p}")
        }
        8 => {
            let line = match rng.next(10) {
                8 => "kubectl delete sts web --cascade=orphan".to_string(),
                9 => format!("kubectl label pod {} app=other --overwrite", pod(rng)),
                0 => format!("kubectl scale sts web --replicas={}", rng.next(80)),
                1 => format!("kubectl set image sts/web nginx=nginx:1.{}", 20 + rng.next(4)),
                2 => format!("kubectl delete pod {}", pod(rng)),
                3 => "kubectl get pods -w".to_string(),
                4 => "kubectl rollout status sts/web --timeout=5s".to_string(),
                5 => "kubectl get sts".to_string(),
                6 => "kubectl delete pvc www-web-0".to_string(),
                _ => "kubectl patch sts web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":30}}}}'".to_string(),
            };
            s.run_command(&line);
            line
        }
        9 => {
            let nodes: Vec<String> = s.world().nodes.keys().cloned().collect();
            let f = match rng.next(5) {
                0 => Fault::FailPod { pod: pod(rng) },
                1 => Fault::Readiness {
                    pod: pod(rng),
                    never: true,
                },
                2 => Fault::Readiness {
                    pod: pod(rng),
                    never: false,
                },
                _ => Fault::Node {
                    node: nodes
                        .get(rng.next(nodes.len()))
                        .cloned()
                        .unwrap_or_default(),
                    down: rng.next(2) == 0,
                },
            };
            let what = f.describe();
            s.fault(f);
            what
        }
        10 => {
            s.manifest = if rng.next(2) == 0 {
                s.manifest.replacen("replicas:", "replica:", 1)
            } else {
                s.scenario
                    .manifests
                    .replacen("replicas: 4", "replicas: 65", 1)
            };
            "edit".into()
        }
        11 => {
            s.apply();
            "apply".into()
        }
        12 => {
            s.step_action();
            "next action".into()
        }
        13 => {
            s.settle();
            "settle".into()
        }
        14 => {
            // A fork: a command at an earlier position.
            let p = rng.next(s.tl.len() + 1);
            s.seek(p);
            s.run_command("kubectl scale sts web --replicas=66");
            format!("fork at {p}")
        }
        15 => {
            *s = replayed(s);
            "reload".into()
        }
        16 => {
            s.lesson_restart();
            "restart".into()
        }
        _ => {
            s.interrupt();
            "interrupt".into()
        }
    }
}

#[test]
fn updated_values_equal_fresh_ones_along_scripted_sessions() {
    for seed in 1..=4u64 {
        let mut rng = Lcg(seed);
        let mut s = Session::open("parallel").expect("opens");
        s.run_command("kubectl scale sts web --replicas=70");
        s.settle();
        let mut d = Derived::of(&s);
        let mut log = Vec::new();
        for _ in 0..60 {
            let what = act(&mut s, &mut rng);
            log.push(what);
            d.update(&s);
            check(&d, &s, &log.join(", "));
        }
    }
}

#[test]
fn updated_values_equal_fresh_ones_with_a_deployment_beside_the_set() {
    let mut s = Session::open("sts-vs-deployment").expect("opens");
    let mut d = Derived::of(&s);
    let commands = [
        "kubectl scale deployment web-deploy --replicas=5",
        "kubectl set image deployment/web-deploy nginx=nginx:1.27",
        "kubectl rollout undo deployment/web-deploy",
        "kubectl scale deployment web-deploy --replicas=2",
        "kubectl delete deployment web-deploy --cascade=orphan",
    ];
    let mut log = Vec::new();
    for c in commands {
        s.run_command(c);
        log.push(c.to_string());
        d.update(&s);
        check(&d, &s, &log.join(", "));
        // Every event of the rollout, one at a time.
        for i in 0..400 {
            if !s.step() {
                break;
            }
            d.update(&s);
            check(&d, &s, &format!("{}, step {i}", log.join(", ")));
        }
    }
}

#[test]
fn another_session_is_not_mistaken_for_the_same_history() {
    // Two sessions of one scenario that agree on uids and resourceVersions but not on
    // the contents: the second, with a fault at the same point, must not reuse facts.
    let mut a = Session::open("parallel").expect("opens");
    a.settle();
    let mut b = a.clone();
    // One write each to web-1: the same next resourceVersion, other contents.
    a.run_command("kubectl delete pod web-1");
    b.run_command("kubectl label pod web-1 tier=front");
    let rv = |s: &Session| {
        s.world()
            .pods
            .iter()
            .find(|(k, _)| k.1 == "web-1")
            .map(|(_, p)| p.metadata.resource_version.clone())
    };
    assert_eq!(rv(&a), rv(&b));
    let mut d = Derived::of(&a);
    d.update(&b);
    check(&d, &b, "switching sessions");
    // The same within one session: back, then a fork with the other command.
    let mut d = Derived::of(&a);
    a.back();
    d.update(&a);
    a.run_command("kubectl label pod web-1 tier=front");
    d.update(&a);
    check(&d, &a, "a fork");
}

#[test]
fn a_step_recomputes_only_the_pods_it_changed() {
    let mut s = Session::open("parallel").expect("opens");
    s.run_command("kubectl scale sts web --replicas=200");
    s.settle();
    s.run_command("kubectl set image sts/web nginx=nginx:1.22");
    let mut d = Derived::of(&s);
    for _ in 0..30 {
        let before = s.world().pods.clone();
        s.step();
        d.update(&s);
        let changed = s
            .world()
            .pods
            .iter()
            .filter(|(k, p)| {
                before.get(*k).map(|b| &b.metadata.resource_version)
                    != Some(&p.metadata.resource_version)
            })
            .count();
        assert_eq!(d.cache.picture.computed, changed);
        assert!(changed <= 5, "{changed}");
    }
    check(&d, &s, "30 steps");
}

#[test]
fn unchanged_panels_keep_their_values() {
    let mut s = Session::open("parallel").expect("opens");
    s.settle();
    let mut d = Derived::of(&s);
    let (markers, transcript, completions, diagnostics) = (
        d.markers.clone(),
        d.transcript.clone(),
        d.completions.clone(),
        d.diagnostics.clone(),
    );
    // Nothing is left to do: a step changes nothing; a lesson action changes no world.
    s.step();
    d.update(&s);
    assert!(Rc::ptr_eq(&markers, &d.markers));
    assert!(Rc::ptr_eq(&transcript, &d.transcript));
    assert!(Rc::ptr_eq(&completions, &d.completions));
    assert!(Rc::ptr_eq(&diagnostics, &d.diagnostics));
    s.run_command("kubectl get pods");
    d.update(&s);
    assert!(
        !Rc::ptr_eq(&transcript, &d.transcript),
        "a command shows in the transcript"
    );
    assert!(!Rc::ptr_eq(&markers, &d.markers), "a command is a marker");
    assert!(
        Rc::ptr_eq(&completions, &d.completions),
        "no object was added"
    );
    check(&d, &s, "get pods");
}
