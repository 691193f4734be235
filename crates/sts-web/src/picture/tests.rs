//! The picture, checked on simulated worlds (rule IDs from the semantics spec).

use super::*;
use sts_engine::scenario;
use sts_engine::time::SimDuration;
use sts_engine::timeline::{Fault, Input, Timeline};

/// A scenario with a headless Service `nginx` and a StatefulSet `web` of `replicas`
/// nginx pods, each with a `www` claim.
fn yaml(replicas: usize, extra_service: &str) -> String {
    format!(
        r#"scenario: picture
title: {{en: "picture", zh: "picture"}}
seed: 3
manifests: |
  apiVersion: v1
  kind: Service
  metadata:
    name: nginx
  spec:
    clusterIP: None
    selector:
      app: nginx
{extra_service}  ---
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
    template:
      metadata:
        labels:
          app: nginx
      spec:
        containers:
        - name: nginx
          image: nginx:1.21
    volumeClaimTemplates:
    - metadata:
        name: www
      spec:
        accessModes: [ "ReadWriteOnce" ]
        resources:
          requests:
            storage: 1Gi
"#
    )
}

fn timeline(replicas: usize) -> Timeline {
    timeline_from(&yaml(replicas, ""))
}

fn timeline_from(text: &str) -> Timeline {
    let s = match scenario::parse(text) {
        Ok(s) => s,
        Err(e) => panic!("test scenario must parse: {e:?}"),
    };
    let mut w = scenario::build_world(&s);
    let out = w.apply_manifests(&s.manifests);
    assert_eq!(out.exit, 0, "{}", out.output);
    Timeline::new(w)
}

fn settle(tl: &mut Timeline) {
    scenario::run_until_settled(tl);
}

fn kubectl(tl: &mut Timeline, line: &str) {
    let out = tl.input(Input::Kubectl(line.into()));
    assert_eq!(out.exit, 0, "{line}: {}", out.output);
}

fn web(p: &Picture) -> &SetView {
    p.sets
        .iter()
        .find(|s| s.owned() && s.name == "web")
        .expect("set web is drawn")
}

fn slot(set: &SetView, ordinal: i32) -> &Slot {
    set.slots
        .iter()
        .find(|s| s.first == Some(ordinal))
        .unwrap_or_else(|| panic!("slot {ordinal} is drawn"))
}

fn card(set: &SetView, ordinal: i32) -> Option<&PodCard> {
    slot(set, ordinal).pod.as_ref()
}

#[test]
fn ordered_creation_shows_web_0_running_before_web_1_exists() {
    // OrderedReady (D-1, section 6): web-1 is created only once web-0 is Running and Ready.
    let mut tl = timeline(3);
    let mut saw_web0_running_alone = false;
    for _ in 0..500 {
        let p = picture(tl.world());
        let set = web(&p);
        assert_eq!(set.slots.len(), 3, "every in-range ordinal has a slot");
        assert_eq!(set.policy, "OrderedReady");
        let web0 = card(set, 0);
        match card(set, 1) {
            None => {
                if web0.is_some_and(|c| c.status == "Running" && c.ready) {
                    saw_web0_running_alone = true;
                    assert_eq!(slot(set, 1).placement, Placement::Absent);
                }
            }
            Some(_) => {
                assert!(
                    saw_web0_running_alone,
                    "web-1 appeared before web-0 was Running"
                );
            }
        }
        if tl.step().is_none() || tl.world().quiet() {
            break;
        }
    }
    assert!(saw_web0_running_alone);
    let p = picture(tl.world());
    for o in 0..3 {
        let c = card(web(&p), o).expect("all pods exist at the end");
        assert_eq!(
            (c.status.as_str(), c.ready_text.as_str()),
            ("Running", "1/1")
        );
        assert_eq!(c.look, Look::Ready);
        assert!(c.node.is_some());
    }
}

#[test]
fn a_deleted_pod_keeps_its_bound_claim_in_its_slot() {
    let mut tl = timeline(3);
    settle(&mut tl);
    // P-1: claims are never deleted with their pod; web-1 is gone for a moment before
    // the controller recreates it.
    kubectl(&mut tl, "kubectl delete pod web-1 --wait=false");
    let gone = scenario::run_until(&mut tl, |w| {
        !w.pods
            .contains_key(&("default".to_string(), "web-1".to_string()))
    });
    assert!(gone, "web-1 is deleted at some point");
    let p = picture(tl.world());
    let s1 = slot(web(&p), 1);
    assert!(s1.pod.is_none());
    assert_eq!(s1.placement, Placement::Absent);
    let claim = s1.claims.first().expect("the www claim is drawn");
    assert_eq!(claim.name, "www-web-1");
    assert_eq!(claim.status, "Bound");
    assert!(!claim.pod_present);
    assert!(!claim.volume.is_empty());
    assert_eq!(claim.capacity, "1Gi");

    // After a scale-down the retained claim of web-2 still has its slot (P-4 Retain).
    settle(&mut tl);
    kubectl(&mut tl, "kubectl scale statefulset web --replicas=2");
    settle(&mut tl);
    let p = picture(tl.world());
    let s2 = slot(web(&p), 2);
    assert!(s2.pod.is_none() && !s2.in_range);
    assert_eq!(s2.claims.first().map(|c| c.status.as_str()), Some("Bound"));
    assert_eq!(web(&p).slots.len(), 3);
}

#[test]
fn partition_line_and_revision_colours_after_set_image() {
    let mut tl = timeline(4);
    settle(&mut tl);
    kubectl(
        &mut tl,
        r#"kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}'"#,
    );
    settle(&mut tl);
    let before = picture(tl.world());
    let c0 = card(web(&before), 0).expect("web-0").clone();
    assert_eq!(c0.role, RevisionRole::Both);
    assert_eq!(web(&before).legend.len(), 1);
    kubectl(
        &mut tl,
        "kubectl set image statefulset/web nginx=nginx:1.22",
    );
    settle(&mut tl);
    let p = picture(tl.world());
    let set = web(&p);
    // U-1: partition 2 is an index threshold; the line sits between ordinals 1 and 2.
    assert_eq!(set.partition, Some(2));
    assert_eq!(set.partition_slot, Some(2));
    assert_eq!(set.slots.get(2).and_then(|s| s.first), Some(2));
    let old = card(set, 1).expect("web-1");
    let new = card(set, 2).expect("web-2");
    assert_eq!(old.image, "nginx:1.21");
    assert_eq!(new.image, "nginx:1.22");
    assert_eq!(old.role, RevisionRole::Current);
    assert_eq!(new.role, RevisionRole::Update);
    assert_ne!(old.colour, new.colour, "two revisions, two colours");
    assert_eq!(old.colour, c0.colour, "a revision keeps its colour");
    assert_ne!(old.revision, new.revision);
    assert_eq!(new.revision.as_deref(), Some(set.update_revision.as_str()));
    let legend: Vec<(RevisionRole, usize)> = set.legend.iter().map(|l| (l.role, l.pods)).collect();
    assert_eq!(
        legend,
        vec![(RevisionRole::Current, 2), (RevisionRole::Update, 2)]
    );
    assert_eq!((set.current, set.updated), (2, 2));
    let b = set.blocker.as_ref().expect("pods below the partition wait");
    assert!(b.en.contains("partition 2"), "{}", b.en);
    assert!(!b.zh.is_empty());
}

#[test]
fn ordinals_start_moves_the_partition_boundary() {
    // O-3: with start 5 and partition 1, the line sits before ordinal 6 (index 1).
    let text = yaml(3, "").replace(
        "    serviceName: nginx\n",
        "    serviceName: nginx\n    ordinals:\n      start: 5\n    updateStrategy:\n      rollingUpdate:\n        partition: 1\n",
    );
    let mut tl = timeline_from(&text);
    settle(&mut tl);
    let p = picture(tl.world());
    let set = web(&p);
    let firsts: Vec<Option<i32>> = set.slots.iter().map(|s| s.first).collect();
    assert_eq!(firsts, vec![Some(5), Some(6), Some(7)]);
    assert_eq!(set.partition_slot, Some(1));
}

#[test]
fn dns_lists_only_ready_pods_unless_not_ready_addresses_are_published() {
    let mut tl = timeline(3);
    settle(&mut tl);
    tl.input(Input::Fault(Fault::Readiness {
        pod: "web-1".into(),
        never: true,
    }));
    // The failing probe is background work: run for a while (failureThreshold × period).
    scenario::run_for(&mut tl, SimDuration::from_secs(120));
    let web1 = ("default".to_string(), "web-1".to_string());
    assert!(tl
        .world()
        .pods
        .get(&web1)
        .is_some_and(|p| !p.running_and_ready()));
    let p = picture(tl.world());
    let svc = p.dns.iter().find(|s| s.name == "nginx").expect("nginx");
    let names: Vec<&str> = svc.records.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "web-0.nginx.default.svc.cluster.local",
            "web-2.nginx.default.svc.cluster.local"
        ],
        "I-4: a pod that is not Ready has no record"
    );
    assert!(svc
        .records
        .iter()
        .all(|r| r.ready && r.ip.starts_with("10.")));
    assert_eq!(svc.service_ips.len(), 2);
    let c1 = card(web(&p), 1).expect("web-1");
    assert!(c1.readiness_fault && !c1.ready);
    assert_eq!(c1.look, Look::NotReady);
    assert_eq!(c1.ready_text, "0/1");

    // publishNotReadyAddresses lists it, marked not ready.
    let mut tl = timeline_from(&yaml(3, "    publishNotReadyAddresses: true\n"));
    settle(&mut tl);
    tl.input(Input::Fault(Fault::Readiness {
        pod: "web-1".into(),
        never: true,
    }));
    // The failing probe is background work: run for a while (failureThreshold × period).
    scenario::run_for(&mut tl, SimDuration::from_secs(120));
    let web1 = ("default".to_string(), "web-1".to_string());
    assert!(tl
        .world()
        .pods
        .get(&web1)
        .is_some_and(|p| !p.running_and_ready()));
    let p = picture(tl.world());
    let svc = p.dns.iter().find(|s| s.name == "nginx").expect("nginx");
    assert!(svc.publish_not_ready);
    let web1: Vec<&DnsLine> = svc.records.iter().filter(|r| r.pod == "web-1").collect();
    assert_eq!(web1.len(), 1);
    assert!(!web1[0].ready);
}

#[test]
fn lanes_hold_nodes_in_natural_order_and_show_a_node_down() {
    let mut tl = timeline(3);
    settle(&mut tl);
    tl.input(Input::Fault(Fault::Node {
        node: "node-2".into(),
        down: true,
    }));
    let p = picture(tl.world());
    let names: Vec<Option<&str>> = p.lanes.iter().map(|l| l.node.as_deref()).collect();
    assert_eq!(
        names,
        vec![Some("node-1"), Some("node-2"), Some("node-3"), None]
    );
    assert_eq!(p.lanes[1].state, NodeState::NotReady);
    assert_eq!(p.lanes[0].state, NodeState::Ready);
    let placed: usize = p.lanes.iter().map(|l| l.cards.len()).sum();
    assert_eq!(placed, 3, "every pod card sits in exactly one lane");
    let total: usize = p.lanes.iter().map(|l| l.pods).sum();
    assert_eq!(total, 3);
    for (i, lane) in p.lanes.iter().enumerate() {
        for c in &lane.cards {
            let s = &p.sets[c.set].slots[c.slot];
            assert_eq!(s.placement, Placement::Lane(i));
            assert_eq!(
                s.pod.as_ref().and_then(|p| p.node.as_deref()),
                lane.node.as_deref()
            );
        }
    }
    let mut order = names.clone();
    order.sort_by(|a, b| natural_cmp(a.unwrap_or("~"), b.unwrap_or("~")));
    assert_eq!(natural_cmp("node-2", "node-10"), Ordering::Less);
    assert_eq!(natural_cmp("web-010", "web-10"), Ordering::Equal);
}

#[test]
fn orphaned_pods_are_drawn_without_a_set() {
    let mut tl = timeline(2);
    settle(&mut tl);
    kubectl(&mut tl, "kubectl delete statefulset web --cascade=orphan");
    settle(&mut tl);
    let p = picture(tl.world());
    assert!(p.sets.iter().all(|s| !s.owned()));
    let others = p.sets.first().expect("the pods are still drawn");
    let names: Vec<&str> = others.slots.iter().map(|s| s.first_name.as_str()).collect();
    assert_eq!(names, vec!["web-0", "web-1"]);
    assert_eq!(
        others.slots[0]
            .claims
            .first()
            .map(|c| (c.name.as_str(), c.status.as_str())),
        Some(("www-web-0", "Bound"))
    );
}

/// Copies settled pod `web-0` into `n` pods with varying nodes and states: the worst
/// case for aggregation (no two neighbours alike).
fn synthetic(n: i32) -> World {
    let mut tl = timeline(1);
    settle(&mut tl);
    let mut w = tl.world().clone();
    let key = ("default".to_string(), "web-0".to_string());
    let template = w.pods.get(&key).cloned().expect("web-0");
    let nodes: Vec<String> = w.nodes.keys().cloned().collect();
    for o in 0..n {
        let mut p = template.clone();
        p.metadata.name = format!("web-{o}");
        p.spec.node_name = nodes.get(o as usize % nodes.len()).cloned();
        if o % 7 == 3 {
            p.status.phase = "Failed".into();
        }
        w.pods
            .insert(("default".into(), p.metadata.name.clone()), p);
    }
    if let Some(s) = w.sets.get_mut(&("default".to_string(), "web".to_string())) {
        s.spec.replicas = Some(n);
    }
    w
}

#[test]
fn ten_thousand_replicas_make_a_bounded_picture() {
    let w = synthetic(10_000);
    let p = picture(&w);
    let set = web(&p);
    assert!(set.aggregated);
    assert!(set.slots.len() <= MAX_SLOTS, "{} slots", set.slots.len());
    let ordinals: usize = set.slots.iter().map(|s| s.count).sum();
    assert_eq!(ordinals, 10_000, "every ordinal is in some slot");
    let pods: usize = set.slots.iter().map(|s| s.pods).sum();
    assert_eq!(pods, 10_000);
    let cards: usize = p.sets.iter().map(|s| s.slots.len()).sum();
    assert!(cards <= 300, "{cards} cards");
    assert!(p.dns.iter().all(|s| s.records.len() <= MAX_DNS));
    // Ranges are contiguous and ascending.
    for pair in set.slots.windows(2) {
        assert_eq!(pair[0].last.map(|l| l + 1), pair[1].first);
    }
}

#[test]
fn a_uniform_large_set_groups_into_few_named_ranges() {
    // All pods alike apart from their node: one range per node run at the fine level is
    // too many, so the node is dropped and one range remains, spread over the nodes.
    let mut w = synthetic(500);
    for p in w.pods.values_mut() {
        p.status.phase = "Running".into();
    }
    let p = picture(&w);
    let set = web(&p);
    // web-0 has a Bound claim, the copies have none: two ranges.
    assert_eq!(set.slots.len(), 2);
    assert_eq!(set.slots[0].count, 1);
    let s = &set.slots[1];
    assert_eq!(
        (s.first_name.as_str(), s.last_name.as_str()),
        ("web-1", "web-499")
    );
    assert_eq!(s.count, 499);
    assert!(!s.mixed);
    assert_eq!(s.placement, Placement::Spread { nodes: 3 });
    assert_eq!(s.key(), "web-1");
    let claim = s.claims.first().expect("the www claims");
    assert_eq!(
        (claim.last_name.as_str(), claim.status.as_str(), claim.count),
        ("www-web-499", "Missing", 0)
    );
}

#[test]
fn a_small_set_is_never_aggregated() {
    let w = synthetic(AGGREGATE_ABOVE as i32);
    let p = picture(&w);
    assert!(!web(&p).aggregated);
    assert_eq!(web(&p).slots.len(), AGGREGATE_ABOVE);
}

/// The Deployment comparison lesson run to its end (every task solved).
fn comparison_world() -> World {
    let mut s = crate::session::Session::open("sts-vs-deployment").expect("opens");
    for _ in 0..200 {
        if s.task_done() == Some(false) {
            s.lesson_solve();
        }
        if s.lesson_finished() {
            break;
        }
        s.lesson_next();
    }
    assert!(s.lesson_finished());
    s.world().clone()
}

#[test]
fn a_deployments_pods_are_its_own_group_by_name_coloured_by_replica_set() {
    let w = comparison_world();
    let p = picture(&w);
    let kinds: Vec<(GroupKind, &str)> = p.sets.iter().map(|s| (s.kind, s.name.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (GroupKind::StatefulSet, "web"),
            (GroupKind::Deployment, "web-deploy")
        ],
        "no Deployment pod is drawn as a pod without a controller"
    );
    let d = &p.sets[1];
    let deploy = w
        .deployments
        .get(&("default".to_string(), "web-deploy".to_string()))
        .expect("the lesson's Deployment");
    assert_eq!(d.replicas, deploy.replicas());
    assert_eq!(d.ready, deploy.status.ready_replicas);
    assert_eq!(d.updated, deploy.status.updated_replicas);
    // The lesson changed the image once: two ReplicaSets, revisions 1 and 2, the newest
    // is the update (new) one and holds every pod.
    let legend: Vec<(i64, RevisionRole, usize)> = d
        .legend
        .iter()
        .map(|l| (l.number, l.role, l.pods))
        .collect();
    assert_eq!(
        legend,
        [
            (1, RevisionRole::Old, 0),
            (
                2,
                RevisionRole::Update,
                d.slots.iter().map(|s| s.pods).sum()
            )
        ]
    );
    for slot in &d.slots {
        assert_eq!(slot.first, None, "no ordinals: {}", slot.first_name);
        let card = slot.pod.as_ref().expect("a pod per slot");
        assert_eq!(card.ordinal, None);
        assert_eq!(card.role, RevisionRole::Update);
        assert_eq!(card.colour, Some(colour_of(2)));
        assert!(
            card.name.starts_with(&format!("{}-", d.legend[1].name)),
            "{} is named after its ReplicaSet {}",
            card.name,
            d.legend[1].name
        );
    }
    assert!(d.strategy == "RollingUpdate" && d.policy.starts_with("maxSurge "));
}
