//! What people type into the console: arbitrary text as command lines of the
//! playground's shell (pipes, loops, here-documents, kubectl, `kubectl exec` into pods)
//! against a small running StatefulSet, through the timeline so that blocking commands
//! (`kubectl wait`, `rollout status`, `get -w`) are driven too. Any panic is a bug: in
//! the browser it would kill the page.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sts_engine::scenario;
use sts_engine::timeline::{Input, Timeline};

const WORLD: &str = "scenario: fuzz
title: {en: fuzz, zh: fuzz}
summary: {en: fuzz, zh: fuzz}
cluster: {nodes: 2}
files:
  web.yaml: |
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: cfg}
    data: {a: b}
manifests: |
  apiVersion: v1
  kind: Service
  metadata: {name: nginx}
  spec:
    clusterIP: None
    selector: {app: nginx}
    ports: [{port: 80, name: web}]
  ---
  apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: nginx}}
    serviceName: nginx
    replicas: 2
    template:
      metadata: {labels: {app: nginx}}
      spec:
        containers:
        - name: nginx
          image: nginx:1.21
          volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
    volumeClaimTemplates:
    - metadata: {name: www}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
steps: []
";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(s) = scenario::parse(WORLD) else {
        return;
    };
    let mut world = scenario::build_world(&s);
    world.apply_manifests(&s.manifests);
    let mut tl = Timeline::new(world);
    for _ in 0..300 {
        if tl.step().is_none() {
            break;
        }
    }
    // Up to four lines, each a console entry; a few steps between them.
    for line in text.split('\u{1}').take(4) {
        let _ = tl.input(Input::Kubectl(line.to_string()));
        for _ in 0..20 {
            if tl.step().is_none() {
                break;
            }
        }
    }
    let _ = tl.input(Input::Interrupt);
    tl.back();
});
