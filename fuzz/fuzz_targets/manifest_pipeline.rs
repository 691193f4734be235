//! Everything a pasted manifest goes through, from raw bytes to a few simulated steps:
//! UTF-8 decoding, YAML/JSON reading, strict decoding and validation (`diagnose`),
//! `kubectl apply`, then the controllers and the cluster run for a bounded number of
//! steps and the kubectl views are printed. Any panic is a bug: in the browser it would
//! kill the page.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sts_engine::{diagnose, kubectl, manifest, scenario};

const WORLD: &str = "scenario: fuzz
title: {en: fuzz, zh: fuzz}
summary: {en: fuzz, zh: fuzz}
cluster: {nodes: 2}
manifests: \"\"
steps: []
";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = manifest::text_of(data) else {
        return;
    };
    let _ = diagnose::diagnose(&text);
    let Ok(s) = scenario::parse(WORLD) else {
        return;
    };
    let mut world = scenario::build_world(&s);
    let _ = world.diagnose(&text);
    let out = world.apply_manifests(&text);
    if out.exit == 0 {
        // Applying the same text again is an update (or unchanged).
        let _ = world.apply_manifests(&text);
    }
    for _ in 0..200 {
        if world.step().is_none() {
            break;
        }
    }
    for cmd in ["get pods", "get sts", "get pvc", "rollout status sts/web"] {
        let _ = kubectl::run(&mut world, cmd);
    }
});
