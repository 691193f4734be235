//! The Deployment and ReplicaSet controllers in a running world: rollouts stepped
//! through the simulated cluster, compared with upstream's known behaviour.

use crate::cluster::gc::Propagation;
use crate::model::*;
use crate::scenario;
use crate::world::World;

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.26
";

fn world_with(manifest: &str, seed: u64) -> World {
    let yaml = format!(
        "scenario: t\ntitle: {{en: t, zh: t}}\nseed: {seed}\ncluster:\n  nodes: 3\nmanifests: |\n{}",
        manifest
            .lines()
            .map(|l| format!("  {l}\n"))
            .collect::<String>()
    );
    let s = scenario::parse(&yaml).expect("scenario parses");
    let mut w = scenario::build_world(&s);
    let out = w.apply_manifests(&s.manifests);
    assert_eq!(out.exit, 0, "{}", out.output);
    w
}

fn settle(w: &mut World) {
    crate::bench::settle(w);
}

fn key(name: &str) -> (String, String) {
    ("default".to_string(), name.to_string())
}

/// `ScalingReplicaSet` messages with the hash replaced by `new`/`old`.
fn scaling_events(w: &World, from: usize, new_rs: &str, old_rs: &str) -> Vec<String> {
    w.trace[from..]
        .iter()
        .filter_map(|e| match &e.record {
            crate::trace::Record::Event(ev) if ev.reason == "ScalingReplicaSet" => {
                Some(ev.message.replace(new_rs, "NEW").replace(old_rs, "OLD"))
            }
            _ => None,
        })
        .collect()
}

fn set_image(w: &mut World, image: &str) {
    let image = image.to_string();
    let out = w.mutate_deployment("default", "web", "image updated", "image updated", |d| {
        if let Some(c) = d.spec.template.spec.containers.first_mut() {
            c.image = image;
        }
        Ok(())
    });
    assert_eq!(out.exit, 0, "{}", out.output);
}

#[test]
fn a_new_deployment_creates_one_replica_set_and_three_running_pods() {
    let mut w = world_with(DEPLOY, 1);
    settle(&mut w);
    let d = &w.deployments[&key("web")];
    let rss = w.replica_sets_of(d);
    assert_eq!(rss.len(), 1);
    let rs = rss[0];
    let hash = rs.metadata.labels[POD_TEMPLATE_HASH].clone();
    assert_eq!(rs.metadata.name, format!("web-{hash}"));
    assert_eq!(rs.metadata.annotations[REVISION_ANNOTATION], "1");
    assert_eq!(d.metadata.annotations[REVISION_ANNOTATION], "1");
    let pods = w.pods_of_replica_set(rs);
    assert_eq!(pods.len(), 3);
    for p in &pods {
        let suffix = p
            .metadata
            .name
            .strip_prefix(&format!("web-{hash}-"))
            .expect("pod named <rs>-<suffix>");
        assert_eq!(suffix.len(), 5, "{}", p.metadata.name);
        assert!(p.running_and_ready());
        assert_eq!(p.metadata.labels[POD_TEMPLATE_HASH], hash);
    }
    // All three created in one sync (1 + 2 in slow-start batches), no ordering.
    let created_at: Vec<u64> = w
        .trace
        .iter()
        .filter_map(|e| match &e.record {
            crate::trace::Record::Object(o) if o.kind == "Pod" && o.verb == "ADDED" => Some(e.t),
            _ => None,
        })
        .collect();
    assert_eq!(created_at.len(), 3);
    assert!(created_at.iter().all(|t| *t == created_at[0]));
    let s = &d.status;
    assert_eq!(
        (
            s.replicas,
            s.updated_replicas,
            s.ready_replicas,
            s.available_replicas
        ),
        (3, 3, 3, 3)
    );
    let progressing = d.condition("Progressing").expect("Progressing");
    assert_eq!(progressing.reason, "NewReplicaSetAvailable");
    assert_eq!(
        progressing.message,
        format!("ReplicaSet \"web-{hash}\" has successfully progressed.")
    );
    assert_eq!(
        d.condition("Available").map(|c| c.reason.as_str()),
        Some("MinimumReplicasAvailable")
    );
    assert!(w
        .events
        .iter()
        .any(|e| e.message == format!("Scaled up replica set web-{hash} from 0 to 3")));
}

#[test]
fn default_rolling_update_of_three_steps_one_surge_pod_at_a_time() {
    let mut w = world_with(DEPLOY, 1);
    settle(&mut w);
    let old = w.replica_sets_of(&w.deployments[&key("web")])[0]
        .metadata
        .name
        .clone();
    let mark = w.trace.len();
    set_image(&mut w, "nginx:1.27");
    settle(&mut w);
    let d = &w.deployments[&key("web")];
    let rss = w.replica_sets_of(d);
    assert_eq!(rss.len(), 2);
    let new = rss
        .iter()
        .find(|r| r.metadata.name != old)
        .map(|r| r.metadata.name.clone())
        .unwrap_or_default();
    // maxSurge 25% of 3 → 1, maxUnavailable 25% of 3 → 0: never fewer than 3 available,
    // never more than 4 pods (upstream's known sequence).
    assert_eq!(
        scaling_events(&w, mark, &new, &old),
        [
            "Scaled up replica set NEW from 0 to 1",
            "Scaled down replica set OLD from 3 to 2",
            "Scaled up replica set NEW from 1 to 2",
            "Scaled down replica set OLD from 2 to 1",
            "Scaled up replica set NEW from 2 to 3",
            "Scaled down replica set OLD from 1 to 0",
        ]
    );
    assert_eq!(d.metadata.annotations[REVISION_ANNOTATION], "2");
    let old_rs = &w.replica_sets[&key(&old)];
    assert_eq!((old_rs.replicas(), old_rs.status.replicas), (0, 0));
    assert_eq!(old_rs.revision(), 1);
    assert_eq!(w.replica_sets[&key(&new)].revision(), 2);
    assert!(w
        .pods
        .values()
        .all(|p| p.spec.containers[0].image == "nginx:1.27"));
    assert_eq!(w.pods.len(), 3);
}

#[test]
fn recreate_removes_every_old_pod_before_creating_a_new_one() {
    let manifest = DEPLOY.replace(
        "  replicas: 3\n",
        "  replicas: 3\n  strategy:\n    type: Recreate\n",
    );
    let mut w = world_with(&manifest, 2);
    settle(&mut w);
    let old = w.replica_sets_of(&w.deployments[&key("web")])[0]
        .metadata
        .name
        .clone();
    let mark = w.trace.len();
    set_image(&mut w, "nginx:1.27");
    settle(&mut w);
    let mut last_old_gone = None;
    let mut first_new_added = None;
    for (i, e) in w.trace[mark..].iter().enumerate() {
        if let crate::trace::Record::Object(o) = &e.record {
            if o.kind != "Pod" {
                continue;
            }
            if o.verb == "DELETED" && o.name.starts_with(&format!("{old}-")) {
                last_old_gone = Some(i);
            }
            if o.verb == "ADDED" && first_new_added.is_none() {
                first_new_added = Some(i);
            }
        }
    }
    let (gone, added) = (
        last_old_gone.expect("old pods deleted"),
        first_new_added.expect("new pods"),
    );
    assert!(
        gone < added,
        "a new pod was created before the old ones were gone"
    );
    let new = w
        .replica_sets_of(&w.deployments[&key("web")])
        .iter()
        .find(|r| r.metadata.name != old)
        .map(|r| r.metadata.name.clone())
        .unwrap_or_default();
    assert_eq!(
        scaling_events(&w, mark, &new, &old),
        [
            "Scaled down replica set OLD from 3 to 0",
            "Scaled up replica set NEW from 0 to 3"
        ]
    );
}

#[test]
fn scaling_a_deployment_scales_its_replica_set_and_scale_down_picks_ranked_pods() {
    let mut w = world_with(DEPLOY, 3);
    settle(&mut w);
    let out = w.scale_workload("Deployment", "default", "web", 5);
    assert_eq!(out.output, "deployment.apps/web scaled");
    settle(&mut w);
    let rs = w.replica_sets_of(&w.deployments[&key("web")])[0].clone();
    assert_eq!(w.pods_of_replica_set(&rs).len(), 5);
    let out = w.scale_workload("Deployment", "default", "web", 2);
    assert_eq!(out.exit, 0);
    settle(&mut w);
    assert_eq!(w.pods_of_replica_set(&rs).len(), 2);
    let name = &rs.metadata.name;
    assert!(w
        .events
        .iter()
        .any(|e| e.message == format!("Scaled up replica set {name} from 3 to 5")));
    assert!(w
        .events
        .iter()
        .any(|e| e.message == format!("Scaled down replica set {name} from 5 to 2")));
}

#[test]
fn deleting_a_deployment_cascades_to_its_replica_sets_and_pods() {
    let mut w = world_with(DEPLOY, 4);
    settle(&mut w);
    assert!(w.delete_deployment(&key("web"), Propagation::Background));
    settle(&mut w);
    assert!(w.deployments.is_empty());
    assert!(w.replica_sets.is_empty());
    assert!(w.pods.is_empty());
}

#[test]
fn orphan_deletion_keeps_the_replica_set_and_its_pods() {
    let mut w = world_with(DEPLOY, 4);
    settle(&mut w);
    assert!(w.delete_deployment(&key("web"), Propagation::Orphan));
    settle(&mut w);
    assert!(w.deployments.is_empty());
    assert_eq!(w.replica_sets.len(), 1);
    assert_eq!(w.pods.len(), 3);
    assert!(w
        .replica_sets
        .values()
        .all(|r| r.metadata.owner_references.is_empty()));
}

#[test]
fn the_same_seed_gives_the_same_pod_names_and_another_seed_other_ones() {
    let names = |seed| {
        let mut w = world_with(DEPLOY, seed);
        settle(&mut w);
        w.pods.keys().map(|(_, n)| n.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(7), names(7));
    assert_ne!(names(7), names(8));
}

#[test]
fn a_claim_in_the_template_is_shared_by_every_replica() {
    let manifest = format!(
        "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: shared
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
{}      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: shared
",
        DEPLOY
    );
    let mut w = world_with(&manifest, 5);
    settle(&mut w);
    assert_eq!(w.claims.len(), 1);
    assert_eq!(w.claims[&key("shared")].status.phase, "Bound");
    let running: Vec<&Pod> = w.pods.values().filter(|p| p.running_and_ready()).collect();
    assert_eq!(running.len(), 3);
    // The claim's local (WaitForFirstConsumer) volume was provisioned on the first
    // pod's node; the other replicas can only run there too.
    let nodes: std::collections::BTreeSet<&str> = running.iter().filter_map(|p| p.node()).collect();
    assert_eq!(nodes.len(), 1, "{nodes:?}");
    for p in running {
        assert_eq!(
            p.spec.volumes[0]
                .persistent_volume_claim
                .as_ref()
                .map(|c| c.claim_name.as_str()),
            Some("shared")
        );
    }
}

#[test]
fn invalid_deployments_are_refused_in_kubectls_words_and_change_nothing() {
    let mut w = world_with(DEPLOY, 6);
    let bad = DEPLOY.replace(
        "  replicas: 3\n",
        "  replicas: 3\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0\n",
    ).replace("name: web\n", "name: other\n");
    let out = w.apply_manifests(&bad);
    assert_eq!(out.exit, 1);
    assert_eq!(
        out.output,
        "The Deployment \"other\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"
    );
    assert!(!w.deployments.contains_key(&key("other")));
    let changed_selector = DEPLOY.replace("app: web\n  template", "app: web2\n  template");
    let out = w.apply_manifests(&changed_selector);
    assert_eq!(out.exit, 1, "{}", out.output);
    assert!(
        out.output.contains("spec.selector: Invalid value"),
        "{}",
        out.output
    );
}

#[test]
fn defaults_follow_upstream() {
    let mut w = world_with(DEPLOY, 6);
    settle(&mut w);
    let d = &w.deployments[&key("web")];
    let ru = d.rolling_update().expect("rollingUpdate defaulted");
    assert_eq!(ru.max_surge, Some(serde_json::json!("25%")));
    assert_eq!(ru.max_unavailable, Some(serde_json::json!("25%")));
    assert_eq!(d.spec.revision_history_limit, Some(10));
    assert_eq!(d.spec.progress_deadline_seconds, Some(600));
    assert_eq!(d.strategy_name(), "RollingUpdate");
}

/// Steps the world until virtual time `secs` (background work included).
fn run_until(w: &mut World, secs: u64) {
    let until = crate::time::SimTime::ZERO + crate::time::SimDuration::from_secs(secs);
    while w.next_time().is_some_and(|t| t <= until) {
        w.step();
    }
}

#[test]
fn a_rollout_that_cannot_progress_times_out_after_the_progress_deadline() {
    let mut w = world_with(
        &DEPLOY.replace(
            "  replicas: 3\n",
            "  replicas: 3\n  progressDeadlineSeconds: 60\n",
        ),
        9,
    );
    settle(&mut w);
    w.config.images.insert(
        "nginx:broken".into(),
        crate::world::ImageBehaviour {
            pull_fails: true,
            ..Default::default()
        },
    );
    set_image(&mut w, "nginx:broken");
    settle(&mut w);
    // Settled (stuck) long before the deadline: the look at the deadline is background.
    let d = &w.deployments[&key("web")];
    assert!(w.now.as_millis() < 60_000, "{}", w.now.as_millis());
    assert_eq!(
        d.condition("Progressing").map(|c| c.reason.as_str()),
        Some("ReplicaSetUpdated")
    );
    assert!(crate::scenario::unconverged(&w)
        .iter()
        .any(|m| m.starts_with("Deployment/web: ")));
    run_until(&mut w, 120);
    let d = &w.deployments[&key("web")];
    let c = d.condition("Progressing").expect("Progressing");
    assert_eq!(
        (c.status.as_str(), c.reason.as_str()),
        ("False", "ProgressDeadlineExceeded")
    );
    assert!(
        c.message.ends_with("has timed out progressing."),
        "{}",
        c.message
    );
    assert_eq!(
        crate::kubectl::deployment_rollout_status(d),
        Err("error: deployment \"web\" exceeded its progress deadline".to_string())
    );
    // maxUnavailable 0 of 3: the old pods keep serving.
    assert_eq!(d.status.available_replicas, 3);
}

#[test]
fn old_replica_sets_beyond_the_history_limit_are_deleted() {
    let mut w = world_with(
        &DEPLOY.replace(
            "  replicas: 3\n",
            "  replicas: 3\n  revisionHistoryLimit: 1\n",
        ),
        10,
    );
    settle(&mut w);
    for image in ["nginx:1.27", "nginx:1.28", "nginx:1.29"] {
        set_image(&mut w, image);
        settle(&mut w);
    }
    let d = &w.deployments[&key("web")];
    let revisions: Vec<i64> = w.replica_sets_of(d).iter().map(|r| r.revision()).collect();
    // The new set (revision 4) and one old one (revision 3).
    let mut sorted = revisions.clone();
    sorted.sort();
    assert_eq!(sorted, [3, 4]);
}

#[test]
fn a_hash_collision_bumps_the_collision_count_and_the_next_name_differs() {
    let mut w = world_with(DEPLOY, 11);
    settle(&mut w);
    let d = w.deployments[&key("web")].clone();
    // A foreign ReplicaSet squatting on the name the next template hashes to.
    let mut next = d.clone();
    next.spec.template.spec.containers[0].image = "nginx:1.27".into();
    let hash = super::hash::compute_hash(&next.spec.template, None);
    let squatter = format!(
        "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-{hash}
spec:
  replicas: 0
  selector:
    matchLabels:
      app: squatter
  template:
    metadata:
      labels:
        app: squatter
    spec:
      containers:
      - name: c
        image: busybox
"
    );
    let out = w.apply_manifests(&squatter);
    assert_eq!(out.exit, 0, "{}", out.output);
    set_image(&mut w, "nginx:1.27");
    settle(&mut w);
    let d = &w.deployments[&key("web")];
    assert_eq!(d.status.collision_count, Some(1));
    let rss = w.replica_sets_of(d);
    assert_eq!(rss.len(), 2);
    let new = super::hash::compute_hash(&next.spec.template, Some(1));
    assert!(rss.iter().any(|r| r.metadata.name == format!("web-{new}")));
    assert_eq!(d.status.updated_replicas, 3);
}
