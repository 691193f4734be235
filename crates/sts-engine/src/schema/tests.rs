use super::*;
use serde_json::json;

fn yaml(text: &str) -> Value {
    crate::yaml::to_json_documents(text)
        .expect("test YAML parses")
        .into_iter()
        .next()
        .unwrap_or_default()
}

fn issues(value: &Value) -> Vec<FieldIssue> {
    let api_version = value["apiVersion"].as_str().unwrap_or_default();
    let kind = value["kind"].as_str().unwrap_or_default();
    check(api_version, kind, value).expect("kind is in the schema")
}

fn unknown_paths(value: &Value) -> Vec<String> {
    issues(value)
        .into_iter()
        .filter(|i| i.problem == Problem::Unknown)
        .map(|i| i.path)
        .collect()
}

/// kubectl's answer to creating `value` from `web.yaml`.
fn create_message(value: &Value) -> Option<String> {
    let api_version = value["apiVersion"].as_str().unwrap_or_default();
    let kind = value["kind"].as_str().unwrap_or_default();
    strict_error_message(
        api_version,
        kind,
        "web.yaml",
        Verb::Creating,
        &issues(value),
    )
}

const PREFIX: &str = "Error from server (BadRequest): error when creating \"web.yaml\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: ";

const WEB: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  labels:
    app: nginx
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      partition: 0
      maxUnavailable: 1
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 80
          name: web
        env:
        - name: MODE
          value: "fast"
        resources:
          requests:
            cpu: 500m
            memory: 1Gi
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
"#;

fn web() -> Value {
    yaml(WEB)
}

// ---------------------------------------------------------------------------------------
// The data

#[test]
fn embedded_schema_parses_and_has_every_root_kind() {
    let s = schema().expect("embedded schema parses");
    let expected = [
        ("apps/v1", "StatefulSet"),
        ("apps/v1", "Deployment"),
        ("apps/v1", "ReplicaSet"),
        ("apps/v1", "DaemonSet"),
        ("apps/v1", "ControllerRevision"),
        ("v1", "Pod"),
        ("v1", "Service"),
        ("v1", "PersistentVolume"),
        ("v1", "PersistentVolumeClaim"),
        ("v1", "ConfigMap"),
        ("v1", "Secret"),
        ("v1", "Namespace"),
        ("v1", "ServiceAccount"),
        ("v1", "Node"),
        ("storage.k8s.io/v1", "StorageClass"),
        ("policy/v1", "PodDisruptionBudget"),
    ];
    for (api_version, kind) in expected {
        let def = s
            .root(api_version, kind)
            .unwrap_or_else(|| panic!("{api_version} {kind}"));
        assert_eq!(def.name, kind);
        assert!(def.fields.contains_key("metadata"), "{kind}");
        assert!(def.is_root);
        // An empty object of every kind is clean.
        let obj = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}});
        assert_eq!(check(api_version, kind, &obj), Some(vec![]), "{kind}");
    }
    assert_eq!(s.root_kinds().count(), expected.len());
    assert!(s.types.len() > 150, "{} types", s.types.len());
}

#[test]
fn kinds_outside_the_schema_are_not_checked() {
    assert_eq!(check("batch/v1", "Job", &json!({})), None);
    // The group matters: StatefulSet is apps/v1, not v1.
    assert_eq!(check("v1", "StatefulSet", &json!({})), None);
}

#[test]
fn malformed_schema_text_is_an_error_not_a_panic() {
    let bad = [
        "",
        "# only a comment\n",
        "Foo a:s\n",                        // no root
        "+v1 Foo Foo\nFoo a:Bar\n",         // unknown type
        "+v1 Foo Foo\nFoo a\n",             // not field:type
        "+v1 Foo Foo\nFoo a:s a:i\n",       // field twice
        "+v1 Foo Foo\nFoo a:s\nFoo b:s\n",  // type twice
        "+v1 Foo\nFoo a:s\n",               // short root line
        "+v1 Foo Bar\nFoo a:s\n",           // root of an unknown type
        "+v1 Foo Foo\n+v1 Foo Foo\nFoo\n",  // root twice
        "+v1 Foo Foo\nfoo a:s\n",           // lower-case type name
        "+v1 Foo Foo\nFoo :s\n",            // empty field name
        "+v1 Foo Foo\nFoo a:[\n",           // empty element code
        "+v1 Foo Foo\nFoo a:{{\u{1F600}\n", // garbage
    ];
    for text in bad {
        assert!(Schema::parse(text).is_err(), "{text:?} should not parse");
    }
    let ok = Schema::parse("+v1 Foo Foo\nFoo a:[{s b:Bar\nBar@v2 c:o\n").expect("parses");
    assert_eq!(
        ok.field_type("v1", "Foo", "a"),
        Some(&Ty::Array(Box::new(Ty::Map(Box::new(Ty::Str)))))
    );
    assert_eq!(ok.field_type("v1", "Foo", "b.c"), Some(&Ty::IntOrString));
    assert_eq!(ok.type_named("Bar").map(|t| t.pkg.as_str()), Some("v2"));
    assert_eq!(ok.go_type(&Ty::Struct(ok.by_name["Bar"])), "v2.Bar");
    assert_eq!(ok.go_type(&Ty::Struct(ok.by_name["Foo"])), "v1.Foo");
}

/// The typed model (model.rs) reads these fields; each must exist in the real schema.
#[test]
fn schema_has_every_field_the_typed_model_reads() {
    let s = schema().expect("schema");
    let pod_spec = [
        "initContainers",
        "containers.name",
        "containers.image",
        "containers.imagePullPolicy",
        "containers.readinessProbe.initialDelaySeconds",
        "containers.readinessProbe.periodSeconds",
        "containers.readinessProbe.failureThreshold",
        "containers.readinessProbe.successThreshold",
        "containers.readinessProbe.timeoutSeconds",
        "containers.livenessProbe.periodSeconds",
        "containers.resources.requests",
        "containers.resources.limits",
        "containers.volumeMounts.name",
        "containers.volumeMounts.mountPath",
        "containers.terminationMessagePath",
        "containers.terminationMessagePolicy",
        "volumes.name",
        "volumes.persistentVolumeClaim.claimName",
        "volumes.persistentVolumeClaim.readOnly",
        "restartPolicy",
        "terminationGracePeriodSeconds",
        "activeDeadlineSeconds",
        "dnsPolicy",
        "nodeSelector",
        "serviceAccountName",
        "nodeName",
        "hostname",
        "subdomain",
        "schedulerName",
        "securityContext",
        "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.matchExpressions.key",
        "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.matchFields.values",
        "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.weight",
        "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.preference.matchExpressions.operator",
        "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution.labelSelector.matchLabels",
        "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution.topologyKey",
        "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution.namespaces",
        "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.podAffinityTerm.topologyKey",
        "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.weight",
        "tolerations.key",
        "tolerations.operator",
        "tolerations.value",
        "tolerations.effect",
        "tolerations.tolerationSeconds",
    ];
    let meta = [
        "metadata.name",
        "metadata.generateName",
        "metadata.namespace",
        "metadata.labels",
        "metadata.annotations",
        "metadata.ownerReferences.apiVersion",
        "metadata.ownerReferences.kind",
        "metadata.ownerReferences.name",
        "metadata.ownerReferences.uid",
        "metadata.ownerReferences.controller",
        "metadata.ownerReferences.blockOwnerDeletion",
        "metadata.finalizers",
        "metadata.uid",
        "metadata.resourceVersion",
        "metadata.generation",
        "metadata.creationTimestamp",
        "metadata.deletionTimestamp",
        "metadata.deletionGracePeriodSeconds",
    ];
    let mut wanted: Vec<(&str, &str, String)> = Vec::new();
    let sts = [
        "spec.replicas",
        "spec.selector.matchLabels",
        "spec.selector.matchExpressions.key",
        "spec.selector.matchExpressions.operator",
        "spec.selector.matchExpressions.values",
        "spec.template.metadata.labels",
        "spec.volumeClaimTemplates.metadata.name",
        "spec.volumeClaimTemplates.spec.accessModes",
        "spec.serviceName",
        "spec.podManagementPolicy",
        "spec.updateStrategy.type",
        "spec.updateStrategy.rollingUpdate.partition",
        "spec.updateStrategy.rollingUpdate.maxUnavailable",
        "spec.revisionHistoryLimit",
        "spec.minReadySeconds",
        "spec.persistentVolumeClaimRetentionPolicy.whenDeleted",
        "spec.persistentVolumeClaimRetentionPolicy.whenScaled",
        "spec.ordinals.start",
        "status.observedGeneration",
        "status.replicas",
        "status.readyReplicas",
        "status.currentReplicas",
        "status.updatedReplicas",
        "status.availableReplicas",
        "status.currentRevision",
        "status.updateRevision",
        "status.collisionCount",
    ];
    for f in sts {
        wanted.push(("apps/v1", "StatefulSet", f.to_string()));
    }
    for f in pod_spec {
        wanted.push(("apps/v1", "StatefulSet", format!("spec.template.spec.{f}")));
        wanted.push(("v1", "Pod", format!("spec.{f}")));
    }
    let pod_status = [
        "status.phase",
        "status.reason",
        "status.message",
        "status.conditions.type",
        "status.conditions.status",
        "status.conditions.lastTransitionTime",
        "status.conditions.reason",
        "status.conditions.message",
        "status.hostIP",
        "status.podIP",
        "status.initContainerStatuses.name",
        "status.containerStatuses.name",
        "status.containerStatuses.image",
        "status.containerStatuses.ready",
        "status.containerStatuses.restartCount",
        "status.containerStatuses.started",
        "status.containerStatuses.state.waiting.reason",
        "status.containerStatuses.state.waiting.message",
        "status.containerStatuses.state.running.startedAt",
        "status.containerStatuses.state.terminated.exitCode",
        "status.containerStatuses.state.terminated.reason",
        "status.containerStatuses.lastState.terminated.finishedAt",
    ];
    for f in pod_status {
        wanted.push(("v1", "Pod", f.to_string()));
    }
    let pvc = [
        "spec.accessModes",
        "spec.storageClassName",
        "spec.resources.requests",
        "spec.selector.matchLabels",
        "spec.volumeName",
        "spec.volumeMode",
        "status.phase",
        "status.accessModes",
        "status.capacity",
    ];
    for f in pvc {
        wanted.push(("v1", "PersistentVolumeClaim", f.to_string()));
    }
    let pv = [
        "spec.capacity",
        "spec.accessModes",
        "spec.storageClassName",
        "spec.persistentVolumeReclaimPolicy",
        "spec.claimRef.namespace",
        "spec.claimRef.name",
        "spec.claimRef.uid",
        "status.phase",
    ];
    for f in pv {
        wanted.push(("v1", "PersistentVolume", f.to_string()));
    }
    for f in ["provisioner", "reclaimPolicy", "volumeBindingMode"] {
        wanted.push(("storage.k8s.io/v1", "StorageClass", f.to_string()));
    }
    for f in [
        "spec.clusterIP",
        "spec.selector",
        "spec.publishNotReadyAddresses",
        "spec.type",
    ] {
        wanted.push(("v1", "Service", f.to_string()));
    }
    for f in ["data", "revision"] {
        wanted.push(("apps/v1", "ControllerRevision", f.to_string()));
    }
    for f in [
        "spec.taints.key",
        "spec.taints.value",
        "spec.taints.effect",
        "status.allocatable",
        "status.addresses.address",
    ] {
        wanted.push(("v1", "Node", f.to_string()));
    }
    for (api_version, kind) in s.root_kinds() {
        for f in meta {
            wanted.push((api_version, kind, f.to_string()));
        }
    }
    let missing: Vec<String> = wanted
        .iter()
        .filter(|(a, k, f)| s.field_type(a, k, f).is_none())
        .map(|(_, k, f)| format!("{k} {f}"))
        .collect();
    assert!(missing.is_empty(), "not in the v1.32 schema: {missing:?}");
    // And the lookup does fail for a field that does not exist.
    assert!(s
        .field_type("apps/v1", "StatefulSet", "spec.replica")
        .is_none());
}

/// What the typed model writes back out (its serde names) is accepted by the schema.
#[test]
fn typed_model_objects_serialize_to_schema_fields() {
    use crate::model;
    let sts: model::StatefulSet = serde_json::from_value(web()).expect("typed StatefulSet");
    let mut out = serde_json::to_value(&sts).expect("serializes");
    out["apiVersion"] = json!("apps/v1");
    out["kind"] = json!("StatefulSet");
    assert_eq!(issues(&out), vec![]);

    let pod_yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: web-0, namespace: default, generateName: web-, uid: u1, resourceVersion: "7", generation: 1,
  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: web, uid: u0, controller: true, blockOwnerDeletion: true}],
  finalizers: [x/y]}
spec:
  hostname: web-0
  subdomain: nginx
  nodeName: n1
  schedulerName: default-scheduler
  serviceAccountName: default
  restartPolicy: Always
  dnsPolicy: ClusterFirst
  terminationGracePeriodSeconds: 30
  activeDeadlineSeconds: 60
  nodeSelector: {disk: ssd}
  securityContext: {runAsUser: 1000}
  tolerations: [{key: k, operator: Equal, value: v, effect: NoExecute, tolerationSeconds: 5}]
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms: [{matchExpressions: [{key: a, operator: In, values: [b]}], matchFields: [{key: metadata.name, operator: In, values: [n1]}]}]
      preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {matchExpressions: [{key: a, operator: Exists}]}}]
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: x}}, topologyKey: h, namespaces: [default]}]
      preferredDuringSchedulingIgnoredDuringExecution: [{weight: 2, podAffinityTerm: {topologyKey: z}}]
  initContainers: [{name: init, image: busybox}]
  containers:
  - name: c
    image: nginx
    imagePullPolicy: Always
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    readinessProbe: {initialDelaySeconds: 1, periodSeconds: 2, failureThreshold: 3, successThreshold: 1, timeoutSeconds: 1, exec: {command: ["true"]}}
    livenessProbe: {periodSeconds: 5, httpGet: {path: /, port: 80}}
    resources: {requests: {cpu: 100m}, limits: {memory: 1Gi}}
    volumeMounts: [{name: www, mountPath: /www, readOnly: true}]
  volumes: [{name: www, persistentVolumeClaim: {claimName: www-web-0, readOnly: false}}]
status:
  phase: Running
  reason: Evicted
  message: m
  hostIP: 10.0.0.1
  podIP: 10.1.0.1
  conditions: [{type: Ready, status: "True", reason: r, message: m}]
  initContainerStatuses: [{name: init, image: busybox, ready: true, restartCount: 0, started: false, state: {terminated: {exitCode: 0, reason: Completed}}}]
  containerStatuses: [{name: c, image: nginx, ready: true, restartCount: 1, started: true, state: {waiting: {reason: CrashLoopBackOff, message: m}}}]
"#;
    let pod: model::Pod = serde_json::from_value(yaml(pod_yaml)).expect("typed Pod");
    let mut out = serde_json::to_value(&pod).expect("serializes");
    out["apiVersion"] = json!("v1");
    out["kind"] = json!("Pod");
    assert_eq!(issues(&out), vec![]);
    assert_eq!(issues(&yaml(pod_yaml)), vec![]);

    let pv = yaml(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv1}\nspec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], storageClassName: standard, persistentVolumeReclaimPolicy: Delete, claimRef: {namespace: default, name: c, uid: u}, hostPath: {path: /tmp}}\nstatus: {phase: Bound}\n",
    );
    let typed: model::PersistentVolume = serde_json::from_value(pv.clone()).expect("typed PV");
    let mut out = serde_json::to_value(&typed).expect("serializes");
    out["apiVersion"] = json!("v1");
    out["kind"] = json!("PersistentVolume");
    assert_eq!(issues(&out), vec![]);

    let pvc = yaml(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {accessModes: [ReadWriteOnce], storageClassName: standard, volumeName: pv1, volumeMode: Filesystem, selector: {matchLabels: {a: b}}, resources: {requests: {storage: 1Gi}}}\nstatus: {phase: Bound, accessModes: [ReadWriteOnce], capacity: {storage: 1Gi}}\n",
    );
    let typed: model::PersistentVolumeClaim = serde_json::from_value(pvc).expect("typed PVC");
    let mut out = serde_json::to_value(&typed).expect("serializes");
    out["apiVersion"] = json!("v1");
    out["kind"] = json!("PersistentVolumeClaim");
    assert_eq!(issues(&out), vec![]);

    let sc = yaml("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: s}\nprovisioner: p\nreclaimPolicy: Retain\nvolumeBindingMode: WaitForFirstConsumer\n");
    let typed: model::StorageClass = serde_json::from_value(sc).expect("typed StorageClass");
    let mut out = serde_json::to_value(&typed).expect("serializes");
    out["apiVersion"] = json!("storage.k8s.io/v1");
    out["kind"] = json!("StorageClass");
    assert_eq!(issues(&out), vec![]);

    let svc = yaml("apiVersion: v1\nkind: Service\nmetadata: {name: nginx}\nspec: {clusterIP: None, selector: {app: nginx}, publishNotReadyAddresses: true, type: ClusterIP, ports: [{port: 80, name: web}]}\n");
    let typed: model::Service = serde_json::from_value(svc).expect("typed Service");
    let mut out = serde_json::to_value(&typed).expect("serializes");
    out["apiVersion"] = json!("v1");
    out["kind"] = json!("Service");
    assert_eq!(issues(&out), vec![]);
}

// ---------------------------------------------------------------------------------------
// Unknown fields

#[test]
fn a_valid_statefulset_has_no_issues() {
    assert_eq!(issues(&web()), vec![]);
    assert_eq!(create_message(&web()), None);
}

#[test]
fn unknown_top_level_field() {
    let mut v = web();
    v["spek"] = json!({"replicas": 1});
    assert_eq!(unknown_paths(&v), vec!["spek"]);
    assert_eq!(
        create_message(&v).as_deref(),
        Some(&*format!(
            "{PREFIX}strict decoding error: unknown field \"spek\""
        ))
    );
}

#[test]
fn unknown_field_inside_the_pod_template_container() {
    let mut v = web();
    v["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = json!("Always");
    assert_eq!(
        unknown_paths(&v),
        vec!["spec.template.spec.containers[0].imagePullPolicyy"]
    );
    assert_eq!(
        create_message(&v).as_deref(),
        Some(&*format!(
            "{PREFIX}strict decoding error: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""
        ))
    );
    // Field names are case-sensitive (sigs.k8s.io/json CaseSensitive).
    let mut v = web();
    v["spec"]["Replicas"] = json!(2);
    assert_eq!(unknown_paths(&v), vec!["spec.Replicas"]);
    // The K8s restartPolicy-in-initContainers report (kubernetes/website#52675) is valid
    // in 1.32: sidecar containers have restartPolicy.
    let mut v = web();
    v["spec"]["template"]["spec"]["initContainers"] =
        json!([{"name": "s", "image": "busybox", "restartPolicy": "Always"}]);
    assert_eq!(issues(&v), vec![]);
}

#[test]
fn unknown_field_inside_volume_claim_templates() {
    let mut v = web();
    v["spec"]["volumeClaimTemplates"][0]["spec"]["storageClass"] = json!("fast");
    v["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["request"] =
        json!({"storage": "1Gi"});
    assert_eq!(
        unknown_paths(&v),
        vec![
            "spec.volumeClaimTemplates[0].spec.resources.request",
            "spec.volumeClaimTemplates[0].spec.storageClass",
        ]
    );
}

#[test]
fn unknown_field_inside_metadata() {
    let mut v = web();
    v["metadata"]["lables"] = json!({"app": "nginx"});
    v["spec"]["template"]["metadata"]["annotation"] = json!({});
    assert_eq!(
        unknown_paths(&v),
        vec!["metadata.lables", "spec.template.metadata.annotation"]
    );
}

#[test]
fn several_unknown_fields_are_listed_in_sorted_depth_first_order() {
    // Written in this order in the file; kubectl sends the keys sorted, and the decoder
    // reports each unknown key when it meets it.
    let v = yaml(
        r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  replica: 3
  zeta: 1
  template:
    spec:
      containers:
      - {name: a, image: a, port: 80}
      - {name: b, image: b, imagePullPolicyy: Always}
  foo: bar
  selector: {matchLabels: {app: web}}
"#,
    );
    assert_eq!(
        unknown_paths(&v),
        vec![
            "spec.foo",
            "spec.replica",
            "spec.template.spec.containers[0].port",
            "spec.template.spec.containers[1].imagePullPolicyy",
            "spec.zeta",
        ]
    );
    assert_eq!(
        create_message(&v).as_deref(),
        Some(&*format!(
            "{PREFIX}strict decoding error: unknown field \"spec.foo\", unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].port\", unknown field \"spec.template.spec.containers[1].imagePullPolicyy\", unknown field \"spec.zeta\""
        ))
    );
}

#[test]
fn fields_under_an_unknown_or_free_form_field_are_not_reported() {
    let mut v = web();
    v["spec"]["extra"] = json!({"nested": {"deeper": 1}});
    assert_eq!(unknown_paths(&v), vec!["spec.extra"]);
    // ControllerRevision.data is a RawExtension: anything goes.
    let cr = json!({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "r"},
        "revision": 1, "data": {"spec": {"template": {"anything": [1, "x", null]}}}});
    assert_eq!(issues(&cr), vec![]);
}

#[test]
fn the_strict_error_list_stops_at_100() {
    let mut v = web();
    for i in 0..150 {
        v["spec"][format!("x{i:03}")] = json!(1);
    }
    assert_eq!(unknown_paths(&v).len(), 150);
    let msg = create_message(&v).unwrap_or_default();
    assert_eq!(msg.matches("unknown field").count(), 100);
    assert!(msg.ends_with("unknown field \"spec.x099\""), "{msg}");
}

#[test]
fn what_kubectl_get_o_yaml_prints_is_accepted() {
    let v = yaml(
        r#"
apiVersion: apps/v1
kind: StatefulSet
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"apps/v1","kind":"StatefulSet"}
  creationTimestamp: "2025-01-10T09:00:00Z"
  generation: 2
  managedFields:
  - apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:annotations:
          .: {}
          f:kubectl.kubernetes.io/last-applied-configuration: {}
      f:spec:
        f:replicas: {}
    manager: kubectl-client-side-apply
    operation: Update
    time: "2025-01-10T09:00:00Z"
  - apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:status:
        f:availableReplicas: {}
    manager: kube-controller-manager
    operation: Update
    subresource: status
    time: "2025-01-10T09:00:30Z"
  name: web
  namespace: default
  resourceVersion: "1234"
  uid: 0b4c8a2e-8d5f-4a43-9c1f-3f2b7d1c9e10
spec:
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Retain
    whenScaled: Retain
  podManagementPolicy: OrderedReady
  replicas: 3
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: nginx
  serviceName: nginx
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: nginx
    spec:
      containers:
      - image: registry.k8s.io/nginx-slim:0.8
        imagePullPolicy: IfNotPresent
        name: nginx
        ports:
        - containerPort: 80
          name: web
          protocol: TCP
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
  updateStrategy:
    rollingUpdate:
      partition: 0
    type: RollingUpdate
  volumeClaimTemplates:
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      creationTimestamp: null
      name: www
    spec:
      accessModes:
      - ReadWriteOnce
      resources:
        requests:
          storage: 1Gi
      volumeMode: Filesystem
    status:
      phase: Pending
status:
  availableReplicas: 3
  collisionCount: 0
  currentReplicas: 3
  currentRevision: web-5d8c7b9f6
  observedGeneration: 2
  readyReplicas: 3
  replicas: 3
  updateRevision: web-5d8c7b9f6
  updatedReplicas: 3
"#,
    );
    assert_eq!(issues(&v), vec![]);
}

// ---------------------------------------------------------------------------------------
// Types

#[test]
fn replicas_as_a_string_is_a_type_error() {
    let mut v = web();
    v["spec"]["replicas"] = json!("3");
    assert_eq!(
        issues(&v),
        vec![FieldIssue {
            path: "spec.replicas".into(),
            problem: Problem::WrongType {
                go_struct: "StatefulSetSpec".into(),
                go_field_path: "spec.replicas".into(),
                expected: "int32".into(),
                got: "string",
                number: None,
            },
        }]
    );
    assert_eq!(
        create_message(&v).as_deref(),
        Some(&*format!(
            "{PREFIX}json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32"
        ))
    );
}

#[test]
fn numbers_into_integer_fields() {
    let with = |r: Value| {
        let mut v = web();
        v["spec"]["replicas"] = r;
        create_message(&v)
    };
    // kubectl re-encodes an integral float without its fraction.
    assert_eq!(with(json!(3.0)), None);
    assert_eq!(with(json!(2147483647)), None);
    let err = |lit: &str| {
        Some(format!(
            "{PREFIX}json: cannot unmarshal number {lit} into Go struct field StatefulSetSpec.spec.replicas of type int32"
        ))
    };
    assert_eq!(with(json!(3.5)), err("3.5"));
    assert_eq!(with(json!(2147483648u64)), err("2147483648"));
    assert_eq!(with(json!(-3000000000i64)), err("-3000000000"));
    assert_eq!(with(json!(1e21)), err("1e+21"));
    assert_eq!(with(json!(1.5e-7)), err("1.5e-7"));
    // int64 fields hold more.
    let mut v = web();
    v["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = json!(3000000000u64);
    assert_eq!(issues(&v), vec![]);
}

#[test]
fn a_bool_env_value_is_a_type_error() {
    let mut v = web();
    v["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = json!(true);
    let found = issues(&v);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].path,
        "spec.template.spec.containers[0].env[0].value"
    );
    assert_eq!(
        create_message(&v).as_deref(),
        Some(&*format!(
            "{PREFIX}json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string"
        ))
    );
}

#[test]
fn a_number_label_value_names_the_map_field() {
    let mut v = web();
    v["metadata"]["labels"]["version"] = json!(2);
    let found = issues(&v);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "metadata.labels.version");
    assert_eq!(
        create_message(&v).as_deref(),
        Some(&*format!(
            "{PREFIX}json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        ))
    );
}

#[test]
fn wrong_shapes_name_the_go_type() {
    let case = |path: &[&str], value: Value| {
        let mut v = web();
        let mut at = &mut v;
        for p in path {
            at = match p.parse::<usize>() {
                Ok(i) => &mut at[i],
                Err(_) => &mut at[*p],
            };
        }
        *at = value;
        let msg = create_message(&v).unwrap_or_default();
        msg.strip_prefix(PREFIX).unwrap_or(&msg).to_string()
    };
    assert_eq!(
        case(&["spec", "template"], json!("x")),
        "json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.template of type v1.PodTemplateSpec"
    );
    assert_eq!(
        case(&["spec", "template", "spec", "containers"], json!({"name": "x"})),
        "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container"
    );
    assert_eq!(
        case(&["spec", "template", "spec", "containers", "0"], json!("nginx")),
        "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type v1.Container"
    );
    assert_eq!(
        case(&["spec", "template", "spec", "containers", "0", "args"], json!(["a", 1])),
        "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args of type string"
    );
    assert_eq!(
        case(&["metadata", "labels"], json!(["a"])),
        "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string"
    );
    assert_eq!(
        case(&["spec", "template", "spec", "containers", "0", "resources", "requests"], json!("1")),
        "json: cannot unmarshal string into Go struct field ResourceRequirements.spec.template.spec.containers.resources.requests of type v1.ResourceList"
    );
    assert_eq!(
        case(&["spec", "template", "spec", "hostNetwork"], json!("true")),
        "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.hostNetwork of type bool"
    );
    assert_eq!(
        case(&["metadata", "creationTimestamp"], json!(5)),
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string"
    );
    assert_eq!(
        case(&["spec", "volumeClaimTemplates", "0", "kind"], json!(1)),
        "json: cannot unmarshal number into Go struct field PersistentVolumeClaim.spec.volumeClaimTemplates.TypeMeta.kind of type string"
    );
}

#[test]
fn int_or_string_accepts_both_and_rejects_the_rest() {
    let with = |m: Value| {
        let mut v = web();
        v["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"] = m;
        create_message(&v)
    };
    assert_eq!(with(json!(2)), None);
    assert_eq!(with(json!("50%")), None);
    let field = "RollingUpdateStatefulSetStrategy.spec.updateStrategy.rollingUpdate.maxUnavailable";
    assert_eq!(
        with(json!(true)),
        Some(format!(
            "{PREFIX}json: cannot unmarshal bool into Go struct field {field} of type int32"
        ))
    );
    assert_eq!(
        with(json!(1.5)),
        Some(format!(
            "{PREFIX}json: cannot unmarshal number 1.5 into Go struct field {field} of type int32"
        ))
    );
    // A container port name or number.
    let mut v = web();
    v["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] =
        json!({"httpGet": {"path": "/", "port": "web"}});
    assert_eq!(issues(&v), vec![]);
    v["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = json!(80);
    assert_eq!(issues(&v), vec![]);
}

#[test]
fn quantity_accepts_string_or_number() {
    let with = |q: Value| {
        let mut v = web();
        v["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] = json!({"cpu": q});
        create_message(&v)
    };
    assert_eq!(with(json!("500m")), None);
    assert_eq!(with(json!(2)), None);
    assert_eq!(with(json!(0.5)), None);
    assert_eq!(
        with(json!(true)),
        Some(format!(
            "{PREFIX}quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        ))
    );
    assert_eq!(
        with(json!({"amount": 1})).map(|m| m.ends_with("[0-9]*)$'")),
        Some(true)
    );
}

#[test]
fn null_is_accepted_for_every_field() {
    let mut v = web();
    v["spec"]["replicas"] = Value::Null;
    v["spec"]["updateStrategy"] = Value::Null;
    v["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] = json!({"cpu": null});
    v["spec"]["template"]["spec"]["containers"][0]["args"] = json!([null]);
    v["metadata"]["labels"] = json!({"a": null});
    assert_eq!(issues(&v), vec![]);
}

#[test]
fn one_type_error_is_reported_and_it_hides_unknown_fields() {
    let mut v = web();
    v["spec"]["foo"] = json!(1);
    v["spec"]["replicas"] = json!("3");
    v["spec"]["serviceName"] = json!(7);
    assert_eq!(issues(&v).len(), 3);
    // `replicas` comes before `serviceName` in key order: only the first is kept, and
    // a type error replaces the strict errors.
    assert_eq!(
        create_message(&v).as_deref(),
        Some(&*format!(
            "{PREFIX}json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32"
        ))
    );
    // An error from a type's own decoder aborts at once, ahead of an earlier type error.
    v["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] = json!({"cpu": false});
    let msg = create_message(&v).unwrap_or_default();
    assert!(msg.ends_with("cannot be handled as a StatefulSet: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"), "{msg}");
}

#[test]
fn messages_for_other_kinds_and_stdin() {
    let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"},
        "spec": {"minAvailable": 1, "maxUnavailabel": 1}});
    let msg = strict_error_message(
        "policy/v1",
        "PodDisruptionBudget",
        "STDIN",
        Verb::Creating,
        &issues(&pdb),
    );
    assert_eq!(
        msg.as_deref(),
        Some("Error from server (BadRequest): error when creating \"STDIN\": PodDisruptionBudget in version \"v1\" cannot be handled as a PodDisruptionBudget: strict decoding error: unknown field \"spec.maxUnavailabel\"")
    );
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": 1}});
    let msg = strict_error_message("v1", "ConfigMap", "cm.yaml", Verb::Creating, &issues(&cm));
    assert_eq!(
        msg.as_deref(),
        Some("Error from server (BadRequest): error when creating \"cm.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string")
    );
    assert_eq!(
        strict_error_message("v1", "ConfigMap", "cm.yaml", Verb::Creating, &[]),
        None
    );
}

#[test]
fn applying_a_patch_prints_the_patch_and_sorted_unknown_fields() {
    let patch = json!({"spec": {"replica": 3, "template": {"spec": {"containers": [{"name": "nginx", "imagePullPolicyy": "Always"}]}}, "foo": "a b"}});
    let mut v = web();
    v["spec"]["replica"] = json!(3);
    v["spec"]["foo"] = json!("a b");
    v["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = json!("Always");
    let msg = strict_error_message(
        "apps/v1",
        "StatefulSet",
        "web.yaml",
        Verb::ApplyingPatch { patch: &patch },
        &issues(&v),
    );
    assert_eq!(
        msg.as_deref(),
        Some("The request is invalid: patch: Invalid value: \"map[spec:map[foo:a b replica:3 template:map[spec:map[containers:[map[imagePullPolicyy:Always name:nginx]]]]]]\": strict decoding error: unknown field \"spec.foo\", unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"")
    );
}

#[test]
fn applying_a_patch_with_type_errors_uses_the_converter_words() {
    let patch = json!({"spec": {"replicas": "3"}});
    let with = |path: &[&str], value: Value| {
        let mut v = web();
        let mut at = &mut v;
        for p in path {
            at = &mut at[*p];
        }
        *at = value;
        let msg = strict_error_message(
            "apps/v1",
            "StatefulSet",
            "web.yaml",
            Verb::ApplyingPatch { patch: &patch },
            &issues(&v),
        );
        msg.map(|m| m.rsplit("\": ").next().unwrap_or_default().to_string())
    };
    assert_eq!(
        with(&["spec", "replicas"], json!("3")).as_deref(),
        Some("unrecognized type: int32")
    );
    assert_eq!(
        with(&["spec", "replicas"], json!(2.5)).as_deref(),
        Some("cannot convert float64 to int32")
    );
    // The converter narrows integers without a range check: no error at all.
    assert_eq!(with(&["spec", "replicas"], json!(3000000000u64)), None);
    assert_eq!(
        with(&["spec", "serviceName"], json!(7)).as_deref(),
        Some("cannot convert int64 to string")
    );
    assert_eq!(
        with(&["spec", "serviceName"], json!(true)).as_deref(),
        Some("unrecognized type: string")
    );
    assert_eq!(
        with(&["spec", "template"], json!("x")).as_deref(),
        Some("cannot restore struct from: string")
    );
    assert_eq!(
        with(&["spec", "volumeClaimTemplates"], json!({})).as_deref(),
        Some("cannot restore slice from map")
    );
    assert_eq!(
        with(&["metadata", "labels"], json!([])).as_deref(),
        Some("cannot restore map from slice")
    );
    assert_eq!(
        with(
            &["spec", "updateStrategy"],
            json!({"rollingUpdate": {"maxUnavailable": false}})
        )
        .as_deref(),
        Some("json: cannot unmarshal bool into Go value of type int32")
    );
}

#[test]
fn go_formatting_helpers() {
    assert_eq!(
        go_quote("a\"b\\c\n\u{1}\u{a0}é"),
        "\"a\\\"b\\\\c\\n\\x01\\u00a0é\""
    );
    let mut s = String::new();
    go_fmt_value(
        &json!({"b": [1, 2.5, null, true], "a": {"x": "y z"}, "c": 1e6, "d": 1234567.5}),
        &mut s,
        0,
    );
    assert_eq!(
        s,
        "map[a:map[x:y z] b:[1 2.5 <nil> true] c:1000000 d:1.2345675e+06]"
    );
    assert_eq!(
        go_number_text(&serde_json::Number::from_f64(1e-7).unwrap_or(0.into())),
        "1e-7"
    );
    assert_eq!(
        go_number_text(&serde_json::Number::from_f64(2.5e30).unwrap_or(0.into())),
        "2.5e+30"
    );
    assert_eq!(
        go_number_text(&serde_json::Number::from_f64(0.25).unwrap_or(0.into())),
        "0.25"
    );
}

#[test]
fn a_non_object_root_is_a_type_error_not_a_panic() {
    let found = check("apps/v1", "StatefulSet", &json!("x")).unwrap_or_default();
    assert_eq!(found.len(), 1);
    let msg = strict_error_message("apps/v1", "StatefulSet", "web.yaml", Verb::Creating, &found);
    assert_eq!(
        msg.as_deref(),
        Some(&*format!(
            "{PREFIX}json: cannot unmarshal string into Go value of type v1.StatefulSet"
        ))
    );
}
