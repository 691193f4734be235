//! The cluster picture rendered in a browser: cards, partition line, claims that outlive
//! their pod, fault buttons, and both languages. Run with
//! `cargo test -p sts-web --target wasm32-unknown-unknown --test cluster`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use sts_engine::scenario;
use sts_engine::timeline::{Fault, Input, Timeline};
use sts_web::components::cluster::{Cluster, ClusterProps};
use sts_web::i18n::Lang;
use sts_web::picture::{picture, Picture};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

const SCENARIO: &str = r#"scenario: cluster-test
title: {en: "cluster", zh: "cluster"}
seed: 5
manifests: |
  apiVersion: v1
  kind: Service
  metadata:
    name: nginx
  spec:
    clusterIP: None
    selector:
      app: nginx
  ---
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: web
  spec:
    selector:
      matchLabels:
        app: nginx
    serviceName: nginx
    replicas: 4
    updateStrategy:
      rollingUpdate:
        partition: 2
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
"#;

/// Four replicas, partition 2, after `kubectl set image`: web-2 and web-3 updated.
fn partitioned() -> Timeline {
    let s = scenario::parse(SCENARIO).expect("the test scenario parses");
    let mut w = scenario::build_world(&s);
    w.apply_manifests(&s.manifests);
    let mut tl = Timeline::new(w);
    scenario::run_until_settled(&mut tl);
    let out = tl.input(Input::Kubectl(
        "kubectl set image statefulset/web nginx=nginx:1.22".into(),
    ));
    assert_eq!(out.exit, 0, "{}", out.output);
    scenario::run_until_settled(&mut tl);
    tl
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

async fn render(
    p: Picture,
    lang: Lang,
    readonly: bool,
    on_fault: Callback<Fault>,
) -> web_sys::Element {
    let doc = document();
    let root = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    yew::Renderer::<Cluster>::with_root_and_props(
        root.clone(),
        ClusterProps {
            picture: Rc::new(p),
            lang,
            on_fault,
            readonly,
        },
    )
    .render();
    yew::platform::time::sleep(Duration::from_millis(20)).await;
    root
}

fn count(root: &web_sys::Element, selector: &str) -> u32 {
    root.query_selector_all(selector)
        .map(|l| l.length())
        .unwrap_or(0)
}

fn text(root: &web_sys::Element) -> String {
    root.text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn four_pods_partition_line_and_revisions() {
    let tl = partitioned();
    let root = render(picture(tl.world()), Lang::En, false, Callback::noop()).await;
    assert_eq!(count(&root, "section#cluster .pod"), 4);
    assert_eq!(count(&root, ".partition-line[data-partition=\"2\"]"), 1);
    assert!(text(&root).contains("partition = 2 (ordinals ≥ 2 update)"));
    for o in 0..4 {
        assert_eq!(
            count(
                &root,
                &format!(
                    ".pod[data-pod=\"web-{o}\"][data-status=\"Running\"][data-ready=\"true\"]"
                )
            ),
            1,
            "web-{o}"
        );
        assert_eq!(
            count(
                &root,
                &format!(".pvc[data-claim=\"www-web-{o}\"][data-status=\"Bound\"]")
            ),
            1
        );
    }
    // Two revisions, two colours; the legend marks current and update.
    let rev = |pod: &str| {
        root.query_selector(&format!(".pod[data-pod=\"{pod}\"]"))
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("data-revision"))
            .unwrap_or_default()
    };
    assert_ne!(rev("web-1"), rev("web-2"));
    assert_eq!(count(&root, ".pod.role-current"), 2);
    assert_eq!(count(&root, ".pod.role-update"), 2);
    assert_eq!(count(&root, ".legend-entry"), 2);
    // Lanes: one per node, plus the "not scheduled" lane.
    assert_eq!(count(&root, ".lane[data-node]"), 3);
    assert_eq!(count(&root, ".lane[data-lane=\"unscheduled\"]"), 1);
    // DNS: every Ready pod has its record.
    assert!(text(&root).contains("web-0.nginx.default.svc.cluster.local"));
    assert_eq!(count(&root, "#dns .dns-record"), 4);
    assert!(text(&root).contains("Node down"));
}

#[wasm_bindgen_test]
async fn a_claim_stays_in_its_slot_after_its_pod_is_deleted() {
    let mut tl = partitioned();
    let out = tl.input(Input::Kubectl(
        "kubectl delete pod web-1 --wait=false".into(),
    ));
    assert_eq!(out.exit, 0, "{}", out.output);
    let gone = scenario::run_until(&mut tl, |w| {
        !w.pods
            .contains_key(&("default".to_string(), "web-1".to_string()))
    });
    assert!(gone);
    let root = render(picture(tl.world()), Lang::En, false, Callback::noop()).await;
    assert_eq!(count(&root, ".pod[data-pod=\"web-1\"]"), 0);
    assert_eq!(
        count(
            &root,
            ".pvc[data-claim=\"www-web-1\"][data-status=\"Bound\"]"
        ),
        1
    );
    assert_eq!(count(&root, ".pvc-kept"), 1);
    assert_eq!(count(&root, ".pod"), 3);
}

#[wasm_bindgen_test]
async fn chinese_labels_and_fault_buttons() {
    let tl = partitioned();
    let seen: Rc<RefCell<Vec<Fault>>> = Rc::default();
    let sink = seen.clone();
    let root = render(
        picture(tl.world()),
        Lang::Zh,
        false,
        Callback::from(move |f| sink.borrow_mut().push(f)),
    )
    .await;
    let t = text(&root);
    assert!(t.contains("partition = 2（序号 ≥ 2 的 Pod 更新）"), "{t}");
    assert!(t.contains("节点宕机"));
    assert!(t.contains("使 Pod 失败"));
    assert!(t.contains("就绪"));
    assert!(!t.contains("Node down"));
    let section = root
        .query_selector("section#cluster")
        .ok()
        .flatten()
        .expect("section");
    assert_eq!(
        section.get_attribute("aria-label").as_deref(),
        Some("集群示意图")
    );

    let button: web_sys::HtmlElement = root
        .query_selector(".pod[data-pod=\"web-0\"] button.fault")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("a fault button on web-0");
    button.click();
    assert_eq!(
        seen.borrow().as_slice(),
        &[Fault::FailPod {
            pod: "web-0".into()
        }]
    );
}

#[wasm_bindgen_test]
async fn readonly_hides_every_fault_button() {
    let tl = partitioned();
    let root = render(picture(tl.world()), Lang::En, true, Callback::noop()).await;
    assert_eq!(count(&root, ".pod"), 4);
    assert_eq!(count(&root, "button"), 0);
}

/// Holds the picture in state, so a test can hand the same `Cluster` a new picture.
#[derive(yew::Properties, PartialEq)]
struct HostProps {
    first: Rc<Picture>,
    setter: Rc<RefCell<Option<yew::UseStateSetter<Rc<Picture>>>>>,
}

#[yew::function_component]
fn Host(p: &HostProps) -> yew::Html {
    let picture = yew::use_state(|| p.first.clone());
    *p.setter.borrow_mut() = Some(picture.setter());
    yew::html! {
        <Cluster picture={(*picture).clone()} lang={Lang::En} on_fault={Callback::noop()} />
    }
}

/// One pod changes: the DOM of the other pods' cards is not touched (a step with 1,000
/// pods repaints only what changed).
#[wasm_bindgen_test]
async fn a_step_touches_only_the_cards_that_changed() {
    let mut tl = partitioned();
    let doc = document();
    let root = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let setter: Rc<RefCell<Option<yew::UseStateSetter<Rc<Picture>>>>> = Rc::default();
    yew::Renderer::<Host>::with_root_and_props(
        root.clone(),
        HostProps {
            first: Rc::new(picture(tl.world())),
            setter: setter.clone(),
        },
    )
    .render();
    yew::platform::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(count(&root, ".pod"), 4);

    let out = tl.input(Input::Fault(Fault::FailPod {
        pod: "web-3".into(),
    }));
    assert_eq!(out.exit, 0, "{}", out.output);
    let records: Rc<RefCell<Vec<web_sys::MutationRecord>>> = Rc::default();
    let sink = records.clone();
    let callback = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(
        move |list: js_sys::Array| {
            for r in list.iter() {
                if let Ok(r) = r.dyn_into::<web_sys::MutationRecord>() {
                    sink.borrow_mut().push(r);
                }
            }
        },
    );
    let observer =
        web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).expect("observer");
    let init = web_sys::MutationObserverInit::new();
    init.set_subtree(true);
    init.set_child_list(true);
    init.set_attributes(true);
    init.set_character_data(true);
    observer
        .observe_with_options(&root, &init)
        .expect("observe");
    if let Some(set) = setter.borrow().as_ref() {
        set.set(Rc::new(picture(tl.world())));
    }
    yew::platform::time::sleep(Duration::from_millis(20)).await;
    records.borrow_mut().extend(
        observer
            .take_records()
            .iter()
            .filter_map(|r| r.dyn_into().ok()),
    );
    observer.disconnect();

    assert_eq!(
        count(&root, ".pod[data-pod=\"web-3\"][data-phase=\"Failed\"]"),
        1,
        "the failed pod's card shows it"
    );
    let records = records.borrow();
    assert!(!records.is_empty(), "the change reached the DOM");
    let card_of = |n: &web_sys::Node| -> Option<String> {
        let mut e = match n.dyn_ref::<web_sys::Element>() {
            Some(e) => Some(e.clone()),
            None => n.parent_element(),
        };
        while let Some(el) = e {
            if el.class_list().contains("pod") {
                return el.get_attribute("data-pod");
            }
            e = el.parent_element();
        }
        None
    };
    for r in records.iter() {
        let card = card_of(&r.target().expect("a target"));
        assert!(
            card.is_none() || card.as_deref() == Some("web-3"),
            "a mutation in the unchanged card of {card:?}"
        );
    }
    drop(callback);
}
