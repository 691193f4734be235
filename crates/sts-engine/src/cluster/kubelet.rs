//! Scheduling glue and the kubelet: a pod's life on its node.
//!
//! Pending → scheduled (or FailedScheduling with the scheduler's message) → images
//! pulled (per-node cache; ErrImagePull ↔ ImagePullBackOff with back-off) → init
//! containers run in order → containers started (phase Running) → readiness probes
//! (initialDelaySeconds, periodSeconds, failureThreshold) → Ready. Crashing containers
//! restart with CrashLoopBackOff back-off (10 s doubling to 5 min). Deletion is graceful:
//! Terminating for min(termination time, grace period), then the object is removed.
//! While a node is down, its kubelet does nothing: its work is parked until it returns.

use super::scheduler::{self, ScheduleInput, ScheduleResult};
use crate::model::*;
use crate::time::SimDuration;
use crate::world::{Key, KubeletStep, Work, World};
use std::collections::BTreeSet;

fn waiting(reason: &str) -> ContainerState {
    ContainerState::Waiting {
        reason: Some(reason.to_string()),
        message: None,
    }
}

/// `imagePullPolicy` after defaulting (D-8).
fn pull_policy(c: &Container) -> &str {
    match c.image_pull_policy.as_deref() {
        Some(p) => p,
        None => {
            let tagless = !c.image.rsplit('/').next().unwrap_or("").contains(':');
            if tagless || c.image.ends_with(":latest") {
                "Always"
            } else {
                "IfNotPresent"
            }
        }
    }
}

fn set_condition(
    pod: &mut Pod,
    type_: &str,
    status: bool,
    now: crate::time::SimTime,
    reason: Option<&str>,
    message: Option<String>,
) {
    let st = if status { "True" } else { "False" };
    match pod.status.conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != st {
                c.status = st.into();
                c.last_transition = now;
            }
            c.reason = reason.map(str::to_string);
            c.message = message;
        }
        None => pod.status.conditions.push(PodCondition {
            type_: type_.into(),
            status: st.into(),
            last_transition: now,
            reason: reason.map(str::to_string),
            message,
        }),
    }
}

/// Sets Ready/ContainersReady from the container statuses.
fn update_ready(pod: &mut Pod, now: crate::time::SimTime) {
    let all = !pod.status.container_statuses.is_empty()
        && pod.status.container_statuses.iter().all(|c| c.ready)
        && pod.status.phase == "Running";
    set_condition(pod, "ContainersReady", all, now, None, None);
    set_condition(pod, "Ready", all, now, None, None);
}

impl World {
    fn pod_object(key: &Key) -> String {
        format!("Pod/{}", key.1)
    }

    /// Queues the scheduling of every pod the scheduler could not place (the cluster
    /// changed: a node came up, a pod went away, a claim was bound).
    pub(crate) fn retry_unschedulable(&mut self) {
        let keys: Vec<Key> = self.unschedulable.iter().cloned().collect();
        for k in keys {
            if let Some(p) = self.pods.get(&k) {
                let uid = p.metadata.uid.clone();
                self.schedule(self.now, Work::Schedule { pod: k, uid });
            }
        }
    }

    /// One scheduling attempt.
    pub(crate) fn try_schedule(&mut self, key: &Key, uid: &str) {
        let Some(pod) = self.pods.get(key) else {
            return;
        };
        if pod.metadata.uid != uid || pod.spec.node_name.is_some() || pod.metadata.terminating() {
            return;
        }
        if self
            .runtime
            .get(key)
            .is_some_and(|r| r.pending_node.is_some())
        {
            return;
        }
        // Volume checks first (VolumeBinding PreFilter).
        let n = self.nodes.len();
        let mut unbound_immediate = false;
        let mut wffc: Vec<Key> = Vec::new();
        let mut pinned: Option<Vec<String>> = None;
        let mut prefilter_error = None;
        for v in &pod.spec.volumes {
            let Some(src) = &v.persistent_volume_claim else {
                continue;
            };
            let ck = (key.0.clone(), src.claim_name.clone());
            match self.claims.get(&ck) {
                None => {
                    prefilter_error = Some(format!(
                        "persistentvolumeclaim \"{}\" not found",
                        src.claim_name
                    ));
                    break;
                }
                Some(c) if c.metadata.terminating() => {
                    prefilter_error = Some(format!(
                        "persistentvolumeclaim \"{}\" is being deleted",
                        src.claim_name
                    ));
                    break;
                }
                Some(c) if c.status.phase == "Bound" => {
                    let hosts = c
                        .spec
                        .volume_name
                        .as_deref()
                        .map(|v| self.volume_hosts(v))
                        .unwrap_or_default();
                    if !hosts.is_empty() {
                        pinned = Some(match pinned {
                            None => hosts,
                            Some(p) => p.into_iter().filter(|h| hosts.contains(h)).collect(),
                        });
                    }
                }
                Some(c) => {
                    if self.claim_waits_for_consumer(c) {
                        // A claim shared by several pods (a Deployment's) is being
                        // provisioned for the node another consumer was scheduled to:
                        // its volume will live there, so this pod can only go there too.
                        if let Some(node) = c.metadata.annotations.get(super::volume::SELECTED_NODE)
                        {
                            let hosts = vec![node.clone()];
                            pinned = Some(match pinned {
                                None => hosts,
                                Some(p) => p.into_iter().filter(|h| hosts.contains(h)).collect(),
                            });
                        }
                        wffc.push(ck);
                    } else {
                        unbound_immediate = true;
                    }
                }
            }
        }
        let result = if let Some(err) = prefilter_error {
            ScheduleResult::Unschedulable {
                message: format!(
                    "0/{n} nodes are available: {err}. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling."
                ),
            }
        } else {
            let nodes: Vec<&Node> = self.nodes.values().collect();
            let with_terms = scheduler::has_pod_affinity_terms(pod);
            // Pods assumed on a node while their volumes are provisioned count there
            // (see `refresh_placement`): copies with the chosen node filled in.
            let assumed: Vec<Pod> = self
                .runtime
                .iter()
                .filter_map(|(k, r)| {
                    let node = r.pending_node.as_ref()?;
                    let p = self.pods.get(k)?;
                    if k == key
                        || p.spec.node_name.is_some()
                        || !(with_terms || scheduler::has_pod_affinity_terms(p))
                    {
                        return None;
                    }
                    let mut copy = p.clone();
                    copy.spec.node_name = Some(node.clone());
                    Some(copy)
                })
                .collect();
            // Inter-pod affinity needs every placed pod only when this pod has terms;
            // otherwise only the placed pods that have terms of their own.
            let mut placed: Vec<&Pod> = if with_terms {
                self.pods
                    .values()
                    .filter(|p| {
                        p.spec.node_name.is_some()
                            && !matches!(p.status.phase.as_str(), "Succeeded" | "Failed")
                    })
                    .collect()
            } else {
                self.affinity_pods
                    .iter()
                    .filter_map(|k| self.pods.get(k))
                    .filter(|p| p.spec.node_name.is_some())
                    .collect()
            };
            placed.extend(assumed.iter());
            let empty = std::collections::BTreeMap::new();
            let spread_counts = scheduler::spread_group(pod)
                .and_then(|g| self.spread.get(&g))
                .unwrap_or(&empty);
            // Nodes a bound local volume of this pod does not live on.
            let conflicts: BTreeSet<String> = match &pinned {
                None => BTreeSet::new(),
                Some(hosts) => self
                    .nodes
                    .values()
                    .filter(|n| {
                        !n.metadata
                            .labels
                            .get("kubernetes.io/hostname")
                            .is_some_and(|h| hosts.contains(h))
                    })
                    .map(|n| n.metadata.name.clone())
                    .collect(),
            };
            let input = ScheduleInput {
                pod,
                nodes: &nodes,
                usage: &self.node_usage,
                placed: &placed,
                spread_counts,
                unbound_immediate_claims: unbound_immediate,
                volume_conflict_nodes: &conflicts,
            };
            let mut rng = self.rng.clone();
            let r = scheduler::schedule(&input, &mut rng);
            self.rng = rng;
            r
        };
        match result {
            ScheduleResult::Unschedulable { message } => {
                if message == "pod is not handled by default-scheduler" {
                    return;
                }
                self.unschedulable.insert(key.clone());
                self.event(
                    Self::pod_object(key),
                    "Warning",
                    "FailedScheduling",
                    message.clone(),
                    "default-scheduler",
                );
                let now = self.now;
                self.write_pod(key, |p| {
                    set_condition(
                        p,
                        "PodScheduled",
                        false,
                        now,
                        Some("Unschedulable"),
                        Some(message),
                    );
                });
            }
            ScheduleResult::Scheduled { node } => {
                self.unschedulable.remove(key);
                if wffc.is_empty() {
                    self.bind_pod(key, &node);
                } else {
                    // WaitForFirstConsumer: provision for the chosen node, then bind.
                    if let Some(rt) = self.runtime.get_mut(key) {
                        rt.pending_node = Some(node.clone());
                    }
                    self.refresh_placement(key);
                    for ck in wffc {
                        self.provision_for_node(&ck, &node);
                    }
                }
            }
        }
    }

    /// Binds pods waiting for WaitForFirstConsumer claims once all of theirs are bound.
    pub(crate) fn bind_waiting_pods(&mut self) {
        let waiting: Vec<(Key, String)> = self
            .runtime
            .iter()
            .filter_map(|(k, r)| r.pending_node.clone().map(|n| (k.clone(), n)))
            .collect();
        for (key, node) in waiting {
            let Some(pod) = self.pods.get(&key) else {
                continue;
            };
            let all_bound = pod
                .spec
                .volumes
                .iter()
                .filter_map(|v| v.persistent_volume_claim.as_ref())
                .all(|c| {
                    self.claims
                        .get(&(key.0.clone(), c.claim_name.clone()))
                        .is_some_and(|c| c.status.phase == "Bound")
                });
            if all_bound {
                if let Some(rt) = self.runtime.get_mut(&key) {
                    rt.pending_node = None;
                }
                self.refresh_placement(&key);
                if self.nodes.get(&node).is_some_and(|n| n.ready) {
                    self.bind_pod(&key, &node);
                } else {
                    // The chosen node went down meanwhile: schedule again (the volume
                    // now pins the pod to that node, so it may stay Pending).
                    let uid = self
                        .pods
                        .get(&key)
                        .map(|p| p.metadata.uid.clone())
                        .unwrap_or_default();
                    self.schedule(
                        self.now,
                        Work::Schedule {
                            pod: key.clone(),
                            uid,
                        },
                    );
                }
            }
        }
    }

    fn bind_pod(&mut self, key: &Key, node: &str) {
        let Some(addr) = self.nodes.get(node).map(|n| n.address.clone()) else {
            return;
        };
        let now = self.now;
        let has_init = self
            .pods
            .get(key)
            .is_some_and(|p| !p.spec.init_containers.is_empty());
        let node_name = node.to_string();
        self.write_pod(key, |p| {
            p.spec.node_name = Some(node_name);
            p.status.host_ip = Some(addr);
            set_condition(p, "PodScheduled", true, now, None, None);
            p.status.init_container_statuses = p
                .spec
                .init_containers
                .iter()
                .map(|c| ContainerStatus {
                    name: c.name.clone(),
                    image: c.image.clone(),
                    state: ContainerState::Waiting {
                        reason: None,
                        message: None,
                    },
                    ..ContainerStatus::default()
                })
                .collect();
            p.status.container_statuses = p
                .spec
                .containers
                .iter()
                .map(|c| ContainerStatus {
                    name: c.name.clone(),
                    image: c.image.clone(),
                    state: waiting(if has_init {
                        "PodInitializing"
                    } else {
                        "ContainerCreating"
                    }),
                    ..ContainerStatus::default()
                })
                .collect();
            set_condition(p, "Initialized", !has_init, now, None, None);
            update_ready(p, now);
        });
        self.event(
            Self::pod_object(key),
            "Normal",
            "Scheduled",
            format!("Successfully assigned {}/{} to {node}", key.0, key.1),
            "default-scheduler",
        );
        let uid = self
            .pods
            .get(key)
            .map(|p| p.metadata.uid.clone())
            .unwrap_or_default();
        self.schedule(
            self.now,
            Work::Kubelet {
                pod: key.clone(),
                uid,
                step: KubeletStep::Next,
            },
        );
    }

    /// The kubelet's `Created` and `Started` events for one container.
    fn container_started_events(&mut self, obj: &str, container: &str) {
        self.event(
            obj.to_string(),
            "Normal",
            "Created",
            format!("Created container {container}"),
            "kubelet",
        );
        self.event(
            obj.to_string(),
            "Normal",
            "Started",
            format!("Started container {container}"),
            "kubelet",
        );
    }

    fn kubelet_later(&mut self, key: &Key, after: SimDuration, step: KubeletStep) {
        let uid = self
            .pods
            .get(key)
            .map(|p| p.metadata.uid.clone())
            .unwrap_or_default();
        self.schedule(
            self.now + after,
            Work::Kubelet {
                pod: key.clone(),
                uid,
                step,
            },
        );
    }

    fn image_behaviour(&self, image: &str) -> crate::world::ImageBehaviour {
        self.config.images.get(image).cloned().unwrap_or_default()
    }

    fn assign_ip(&mut self, node: &str) -> String {
        let idx = self.nodes.keys().position(|n| n == node).unwrap_or(0) + 1;
        let next = self.pod_ip_next_for(node);
        format!("10.244.{idx}.{next}")
    }

    /// One kubelet step for a pod.
    pub(crate) fn kubelet(&mut self, key: &Key, uid: &str, step: KubeletStep) {
        let Some(full) = self.pods.get(key) else {
            return;
        };
        if full.metadata.uid != uid {
            return;
        }
        // The common steps read little of the pod: copy just that (a whole pod is a
        // large copy, and these steps run for every pod of a rollout).
        let pod = match step {
            KubeletStep::Next
            | KubeletStep::Pulled { .. }
            | KubeletStep::Stopped
            | KubeletStep::Removed => lite_copy(full, false),
            KubeletStep::Started { init: false, .. } => lite_copy(full, true),
            _ => full.clone(),
        };
        let pod = &pod;
        let Some(node) = pod.spec.node_name.clone() else {
            return;
        };
        if !self.nodes.get(&node).is_some_and(|n| n.ready) {
            // The node is down: its kubelet does nothing until it returns.
            self.parked.entry(node).or_default().push(Work::Kubelet {
                pod: key.clone(),
                uid: uid.to_string(),
                step,
            });
            return;
        }
        let obj = Self::pod_object(key);
        let now = self.now;
        let timing = self.config.timing.clone();
        match step {
            KubeletStep::Next => {
                if pod.metadata.terminating() {
                    return;
                }
                let init_next = pod.status.init_container_statuses.iter().position(|s| {
                    !matches!(s.state, ContainerState::Terminated { exit_code: 0, .. })
                });
                if let Some(idx) = init_next {
                    self.pull(key, &node, true, idx);
                    return;
                }
                let pulled = self.pulled_count(key);
                if pulled < pod.spec.containers.len() {
                    self.pull(key, &node, false, pulled);
                } else {
                    self.kubelet_later(
                        key,
                        timing.container_start,
                        KubeletStep::Started {
                            init: false,
                            idx: 0,
                        },
                    );
                }
            }
            KubeletStep::Pulled { init, idx } => {
                let image = container(pod, init, idx)
                    .map(|c| c.image.clone())
                    .unwrap_or_default();
                if self.image_behaviour(&image).pull_fails {
                    self.event(
                        obj.clone(),
                        "Warning",
                        "Failed",
                        format!(
                            "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{}\": not found",
                            qualified(&image)
                        ),
                        "kubelet",
                    );
                    self.event(
                        obj,
                        "Warning",
                        "Failed",
                        "Error: ErrImagePull".into(),
                        "kubelet",
                    );
                    self.write_pod(key, |p| set_state(p, init, idx, waiting("ErrImagePull")));
                    self.kubelet_later(
                        key,
                        SimDuration::from_secs(1),
                        KubeletStep::PullBackOff { init, idx },
                    );
                    return;
                }
                let secs = self
                    .image_behaviour(&image)
                    .pull
                    .unwrap_or(timing.image_pull)
                    .as_millis() as f64
                    / 1000.0;
                if let Some(n) = self.nodes.get_mut(&node) {
                    n.images.insert(image.clone());
                }
                self.event(
                    obj,
                    "Normal",
                    "Pulled",
                    format!("Successfully pulled image \"{image}\" in {secs}s ({secs}s including waiting)"),
                    "kubelet",
                );
                self.after_pull(key, init, idx);
            }
            KubeletStep::PullBackOff { init, idx } => {
                let image = container(pod, init, idx)
                    .map(|c| c.image.clone())
                    .unwrap_or_default();
                self.event(
                    obj.clone(),
                    "Normal",
                    "BackOff",
                    format!("Back-off pulling image \"{image}\""),
                    "kubelet",
                );
                self.event(
                    obj,
                    "Warning",
                    "Failed",
                    "Error: ImagePullBackOff".into(),
                    "kubelet",
                );
                self.write_pod(key, |p| {
                    set_state(p, init, idx, waiting("ImagePullBackOff"))
                });
                let rt = self.runtime.entry(key.clone()).or_default();
                rt.pull_backoff = if rt.pull_backoff == 0 {
                    10
                } else {
                    (rt.pull_backoff * 2).min(300)
                };
                let b = rt.pull_backoff;
                self.kubelet_later(
                    key,
                    SimDuration::from_secs(b),
                    KubeletStep::RetryPull { init, idx },
                );
            }
            KubeletStep::RetryPull { init, idx } => self.pull(key, &node, init, idx),
            KubeletStep::Started { init: true, idx } => {
                let Some(c) = container(pod, true, idx).cloned() else {
                    return;
                };
                self.container_started_events(&obj, &c.name);
                let ip = if pod.status.pod_ip.is_none() {
                    Some(self.assign_ip(&node))
                } else {
                    None
                };
                self.write_pod(key, |p| {
                    if ip.is_some() {
                        p.status.pod_ip = ip;
                    }
                    set_state(p, true, idx, ContainerState::Running { started_at: now });
                });
                self.kubelet_later(key, timing.init_run, KubeletStep::InitDone { idx });
            }
            KubeletStep::InitDone { idx } => {
                let last = idx + 1 == pod.spec.init_containers.len();
                self.write_pod(key, |p| {
                    set_state(
                        p,
                        true,
                        idx,
                        ContainerState::Terminated {
                            exit_code: 0,
                            reason: Some("Completed".into()),
                        },
                    );
                    if last {
                        set_condition(p, "Initialized", true, now, None, None);
                        for s in &mut p.status.container_statuses {
                            s.state = waiting("ContainerCreating");
                        }
                    }
                });
                self.kubelet_later(key, SimDuration::default(), KubeletStep::Next);
            }
            KubeletStep::Started { init: false, .. } => {
                if pod.metadata.terminating() {
                    return;
                }
                let containers = pod.spec.containers.clone();
                for c in &containers {
                    self.container_started_events(&obj, &c.name);
                }
                let never = self.runtime.get(key).is_some_and(|r| r.never_ready);
                let ip = if pod.status.pod_ip.is_none() {
                    Some(self.assign_ip(&node))
                } else {
                    None
                };
                let mut probes = Vec::new();
                let mut crashes = Vec::new();
                for (i, c) in containers.iter().enumerate() {
                    let b = self.image_behaviour(&c.image);
                    if b.crashes {
                        crashes.push(i);
                    } else if c.readiness_probe.is_some() || never || b.never_ready {
                        let delay = c
                            .readiness_probe
                            .as_ref()
                            .and_then(|p| p.initial_delay_seconds)
                            .unwrap_or(0)
                            .max(0);
                        probes.push((i, delay as u64));
                    }
                }
                self.write_pod(key, |p| {
                    if ip.is_some() {
                        p.status.pod_ip = ip;
                    }
                    p.status.phase = "Running".into();
                    for (i, s) in p.status.container_statuses.iter_mut().enumerate() {
                        s.state = ContainerState::Running { started_at: now };
                        s.started = true;
                        s.ready = !probes.iter().any(|(j, _)| *j == i) && !crashes.contains(&i);
                    }
                    update_ready(p, now);
                });
                for (i, delay) in probes {
                    self.kubelet_later(
                        key,
                        SimDuration::from_secs(delay),
                        KubeletStep::Probe {
                            idx: i,
                            retry: false,
                        },
                    );
                }
                for i in crashes {
                    self.kubelet_later(key, timing.crash_after, KubeletStep::Crash { idx: i });
                }
            }
            KubeletStep::Probe { idx, .. } => {
                // Only a running container is probed (a Failed pod's containers are gone).
                if pod.metadata.terminating() || pod.status.phase != "Running" {
                    return;
                }
                if !pod
                    .status
                    .container_statuses
                    .get(idx)
                    .is_some_and(|s| matches!(s.state, ContainerState::Running { .. }))
                {
                    return;
                }
                let Some(c) = pod.spec.containers.get(idx).cloned() else {
                    return;
                };
                let fails = self.runtime.get(key).is_some_and(|r| r.never_ready)
                    || self.image_behaviour(&c.image).never_ready;
                let probe = c.readiness_probe.clone().unwrap_or_default();
                let period = probe.period_seconds.unwrap_or(10).max(1) as u64;
                let threshold = probe.failure_threshold.unwrap_or(3).max(1);
                if fails {
                    self.event(
                        obj,
                        "Warning",
                        "Unhealthy",
                        "Readiness probe failed: HTTP probe failed with statuscode: 503".into(),
                        "kubelet",
                    );
                    let rt = self.runtime.entry(key.clone()).or_default();
                    rt.probe_failures += 1;
                    let failures = rt.probe_failures;
                    let was_ready = pod
                        .status
                        .container_statuses
                        .get(idx)
                        .is_some_and(|s| s.ready);
                    if !was_ready || failures >= threshold {
                        self.write_pod(key, |p| {
                            if let Some(s) = p.status.container_statuses.get_mut(idx) {
                                s.ready = false;
                            }
                            update_ready(p, now);
                        });
                    }
                    self.kubelet_later(
                        key,
                        SimDuration::from_secs(period),
                        KubeletStep::Probe { idx, retry: true },
                    );
                } else {
                    if let Some(rt) = self.runtime.get_mut(key) {
                        rt.probe_failures = 0;
                    }
                    self.write_pod(key, |p| {
                        if let Some(s) = p.status.container_statuses.get_mut(idx) {
                            s.ready = true;
                        }
                        update_ready(p, now);
                    });
                }
            }
            KubeletStep::Crash { idx } => {
                if pod.metadata.terminating() {
                    return;
                }
                self.write_pod(key, |p| {
                    if let Some(s) = p.status.container_statuses.get_mut(idx) {
                        s.state = ContainerState::Terminated {
                            exit_code: 1,
                            reason: Some("Error".into()),
                        };
                        s.ready = false;
                        s.started = false;
                        s.last_terminated = Some(now);
                    }
                    update_ready(p, now);
                });
                let first = self.runtime.get(key).is_none_or(|r| r.crash_backoff == 0);
                if first {
                    self.runtime.entry(key.clone()).or_default().crash_backoff = 10;
                    self.kubelet_later(
                        key,
                        SimDuration::from_secs(1),
                        KubeletStep::Restart { idx },
                    );
                } else {
                    self.kubelet_later(
                        key,
                        SimDuration::from_secs(1),
                        KubeletStep::CrashBackOff { idx },
                    );
                }
            }
            KubeletStep::CrashBackOff { idx } => {
                let name = pod
                    .spec
                    .containers
                    .get(idx)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                self.event(
                    obj,
                    "Warning",
                    "BackOff",
                    format!(
                        "Back-off restarting failed container {name} in pod {}_{}({})",
                        key.1, key.0, uid
                    ),
                    "kubelet",
                );
                self.write_pod(key, |p| {
                    set_state(p, false, idx, waiting("CrashLoopBackOff"))
                });
                let rt = self.runtime.entry(key.clone()).or_default();
                let b = rt.crash_backoff;
                rt.crash_backoff = (rt.crash_backoff * 2).min(300);
                self.kubelet_later(key, SimDuration::from_secs(b), KubeletStep::Restart { idx });
            }
            KubeletStep::Restart { idx } => {
                if pod.metadata.terminating() {
                    return;
                }
                let Some(c) = pod.spec.containers.get(idx).cloned() else {
                    return;
                };
                self.event(
                    obj.clone(),
                    "Normal",
                    "Pulled",
                    format!("Container image \"{}\" already present on machine", c.image),
                    "kubelet",
                );
                self.container_started_events(&obj, &c.name);
                self.write_pod(key, |p| {
                    if let Some(s) = p.status.container_statuses.get_mut(idx) {
                        s.restart_count += 1;
                        s.state = ContainerState::Running { started_at: now };
                        s.started = true;
                    }
                });
                if self.image_behaviour(&c.image).crashes {
                    self.kubelet_later(key, timing.crash_after, KubeletStep::Crash { idx });
                }
            }
            KubeletStep::Stopped => {
                // Containers that already exited keep their exit state.
                self.write_pod(key, |p| stop_containers(p, 0, "Completed", false, now));
                self.kubelet_later(key, SimDuration::default(), KubeletStep::Removed);
            }
            KubeletStep::Removed => self.remove_pod(key),
        }
    }

    fn pulled_count(&self, key: &Key) -> usize {
        self.runtime.get(key).map_or(0, |r| r.app_pulled)
    }

    /// Starts pulling the image of one container (or skips the pull if cached).
    fn pull(&mut self, key: &Key, node: &str, init: bool, idx: usize) {
        let Some(pod) = self.pods.get(key) else {
            return;
        };
        let Some(c) = container(pod, init, idx).cloned() else {
            return;
        };
        let obj = Self::pod_object(key);
        let cached = self
            .nodes
            .get(node)
            .is_some_and(|n| n.images.contains(&c.image));
        let b = self.image_behaviour(&c.image);
        if cached && pull_policy(&c) != "Always" && !b.pull_fails {
            self.event(
                obj,
                "Normal",
                "Pulled",
                format!("Container image \"{}\" already present on machine", c.image),
                "kubelet",
            );
            self.after_pull(key, init, idx);
            return;
        }
        // A retried pull keeps showing the back-off until it fails again or succeeds.
        let retrying = container_status(pod, init, idx).is_some_and(|s| {
            matches!(&s.state, ContainerState::Waiting { reason: Some(r), .. } if r == "ImagePullBackOff" || r == "ErrImagePull")
        });
        self.event(
            obj,
            "Normal",
            "Pulling",
            format!("Pulling image \"{}\"", c.image),
            "kubelet",
        );
        let t = b.pull.unwrap_or(self.config.timing.image_pull);
        if !retrying {
            self.write_pod(key, |p| {
                set_state(
                    p,
                    init,
                    idx,
                    waiting(if init {
                        "PodInitializing"
                    } else {
                        "ContainerCreating"
                    }),
                )
            });
        }
        self.kubelet_later(key, t, KubeletStep::Pulled { init, idx });
    }

    fn after_pull(&mut self, key: &Key, init: bool, idx: usize) {
        if let Some(rt) = self.runtime.get_mut(key) {
            rt.pull_backoff = 0;
        }
        if init {
            let t = self.config.timing.container_start;
            self.kubelet_later(key, t, KubeletStep::Started { init: true, idx });
        } else {
            // App images are pulled one after another, then all containers start.
            let mut pulled = 0;
            if let Some(rt) = self.runtime.get_mut(key) {
                if rt.app_pulled == idx {
                    rt.app_pulled += 1;
                }
                pulled = rt.app_pulled;
            }
            let total = self.pods.get(key).map_or(0, |p| p.spec.containers.len());
            if pulled >= total {
                let t = self.config.timing.container_start;
                self.kubelet_later(
                    key,
                    t,
                    KubeletStep::Started {
                        init: false,
                        idx: 0,
                    },
                );
            } else {
                self.kubelet_later(key, SimDuration::default(), KubeletStep::Next);
            }
        }
    }

    /// Graceful (or forced, `grace == Some(0)`) deletion of a pod.
    pub(crate) fn delete_pod(&mut self, key: &Key, grace: Option<i64>) {
        let Some(pod) = self.pods.get(key) else {
            return;
        };
        if grace == Some(0) || pod.spec.node_name.is_none() {
            // Force deletion, or a pod no kubelet runs: removed at once.
            self.remove_pod(key);
            return;
        }
        if pod.metadata.terminating() {
            return;
        }
        let grace_s = grace
            .or(pod.spec.termination_grace_period_seconds)
            .unwrap_or(30)
            .max(0);
        let finished = matches!(pod.status.phase.as_str(), "Failed" | "Succeeded");
        let now = self.now;
        self.write_pod(key, |p| {
            p.metadata.deletion = Some(now);
            p.metadata.deletion_grace_seconds = Some(grace_s);
        });
        if finished {
            self.kubelet_later(key, SimDuration::default(), KubeletStep::Removed);
            return;
        }
        // The kubelet kills only containers that run.
        let containers: Vec<String> = self
            .pods
            .get(key)
            .map(|p| {
                p.status
                    .container_statuses
                    .iter()
                    .filter(|s| matches!(s.state, ContainerState::Running { .. }))
                    .map(|s| s.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        let node_up = self
            .pods
            .get(key)
            .and_then(|p| p.spec.node_name.clone())
            .is_some_and(|n| self.nodes.get(&n).is_some_and(|n| n.ready));
        if node_up {
            for c in containers {
                self.event(
                    Self::pod_object(key),
                    "Normal",
                    "Killing",
                    format!("Stopping container {c}"),
                    "kubelet",
                );
            }
        }
        let t = self
            .config
            .timing
            .terminate
            .min(SimDuration::from_secs(grace_s as u64));
        self.kubelet_later(key, t, KubeletStep::Stopped);
    }

    /// Fault: the pod fails (phase Failed), as after an eviction or a node-level error.
    pub fn fail_pod(&mut self, key: &Key) -> bool {
        if !self.pods.contains_key(key) {
            return false;
        }
        let now = self.now;
        self.write_pod(key, |p| {
            p.status.phase = "Failed".into();
            stop_containers(p, 137, "Error", true, now);
        });
        true
    }

    /// Fault: this pod's readiness probe never passes (or passes again, `never == false`).
    pub fn set_never_ready(&mut self, key: &Key, never: bool) -> bool {
        let Some(pod) = self.pods.get(key) else {
            return false;
        };
        let running = pod.status.phase == "Running" && !pod.metadata.terminating();
        let n = pod.spec.containers.len();
        self.runtime.entry(key.clone()).or_default().never_ready = never;
        self.log_pod_change(key);
        if running {
            for idx in 0..n {
                self.kubelet_later(
                    key,
                    SimDuration::default(),
                    KubeletStep::Probe { idx, retry: false },
                );
            }
        }
        true
    }

    /// True while the "readiness never passes" fault is set on this pod (what the UI's
    /// fault toggle shows; read-only).
    pub fn readiness_fault(&self, key: &Key) -> bool {
        self.runtime.get(key).is_some_and(|r| r.never_ready)
    }

    /// The pods whose "readiness never passes" fault is set, in key order: one pass
    /// for a whole picture instead of a lookup per pod (the web app's cluster picture).
    pub fn readiness_faults(&self) -> impl Iterator<Item = &Key> + '_ {
        self.runtime
            .iter()
            .filter(|(_, r)| r.never_ready)
            .map(|(k, _)| k)
    }

    /// Fault: a node goes down (`up == false`) or comes back.
    pub fn set_node_up(&mut self, name: &str, up: bool) -> bool {
        let Some(node) = self.nodes.get_mut(name) else {
            return false;
        };
        if node.ready == up {
            return true;
        }
        node.ready = up;
        let epoch = {
            let e = self.node_epoch_mut(name);
            *e += 1;
            *e
        };
        if !up {
            let at = self.now + self.config.timing.node_monitor_grace;
            self.schedule(
                at,
                Work::NodeNotReady {
                    node: name.to_string(),
                    epoch,
                },
            );
            return true;
        }
        // The kubelet is back: resume parked work, report Ready again.
        let parked = self.parked.remove(name).unwrap_or_default();
        for w in parked {
            self.schedule(self.now, w);
        }
        let keys: Vec<Key> = self
            .pods
            .iter()
            .filter(|(_, p)| p.node() == Some(name))
            .map(|(k, _)| k.clone())
            .collect();
        let now = self.now;
        for k in &keys {
            self.write_pod(k, |p| update_ready(p, now));
            let terminating = self.pods.get(k).is_some_and(|p| p.metadata.terminating());
            if terminating {
                let t = self.config.timing.terminate;
                self.kubelet_later(k, t, KubeletStep::Stopped);
            }
        }
        self.retry_unschedulable();
        true
    }

    pub(crate) fn node_not_ready(&mut self, name: &str, epoch: u64) {
        if *self.node_epoch_mut(name) != epoch || self.nodes.get(name).is_none_or(|n| n.ready) {
            return;
        }
        self.event(
            format!("Node/{name}"),
            "Normal",
            "NodeNotReady",
            format!("Node {name} status is now: NodeNotReady"),
            "node-controller",
        );
        let keys: Vec<Key> = self
            .pods
            .iter()
            .filter(|(_, p)| p.node() == Some(name))
            .map(|(k, _)| k.clone())
            .collect();
        let now = self.now;
        for k in keys {
            self.write_pod(&k, |p| set_condition(p, "Ready", false, now, None, None));
        }
        let at = self.now + self.config.timing.eviction;
        self.schedule(
            at,
            Work::EvictNode {
                node: name.to_string(),
                epoch,
            },
        );
    }

    pub(crate) fn evict_node(&mut self, name: &str, epoch: u64) {
        if *self.node_epoch_mut(name) != epoch || self.nodes.get(name).is_none_or(|n| n.ready) {
            return;
        }
        let keys: Vec<Key> = self
            .pods
            .iter()
            .filter(|(_, p)| p.node() == Some(name) && !p.metadata.terminating())
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            self.event(
                Self::pod_object(&k),
                "Normal",
                "TaintManagerEviction",
                format!("Marking for deletion Pod {}/{}", k.0, k.1),
                "taint-eviction-controller",
            );
            self.delete_pod(&k, None);
        }
    }
}

/// The parts of a pod the kubelet's common steps read: identity, deletion, containers
/// (whole, or only name/image/pull policy), node, and the status.
fn lite_copy(full: &Pod, whole_containers: bool) -> Pod {
    let slim = |cs: &[Container]| -> Vec<Container> {
        if whole_containers {
            return cs.to_vec();
        }
        cs.iter()
            .map(|c| Container {
                name: c.name.clone(),
                image: c.image.clone(),
                image_pull_policy: c.image_pull_policy.clone(),
                ..Container::default()
            })
            .collect()
    };
    Pod {
        metadata: ObjectMeta {
            uid: full.metadata.uid.clone(),
            deletion: full.metadata.deletion,
            ..ObjectMeta::default()
        },
        spec: PodSpec {
            containers: slim(&full.spec.containers),
            init_containers: slim(&full.spec.init_containers),
            node_name: full.spec.node_name.clone(),
            termination_grace_period_seconds: full.spec.termination_grace_period_seconds,
            ..PodSpec::default()
        },
        status: full.status.clone(),
    }
}

fn container(pod: &Pod, init: bool, idx: usize) -> Option<&Container> {
    if init {
        pod.spec.init_containers.get(idx)
    } else {
        pod.spec.containers.get(idx)
    }
}

/// Marks the app containers terminated (`overwrite`: even those already exited) and the
/// pod not Ready.
fn stop_containers(
    p: &mut Pod,
    exit_code: i32,
    reason: &str,
    overwrite: bool,
    now: crate::time::SimTime,
) {
    for s in &mut p.status.container_statuses {
        if overwrite || !matches!(s.state, ContainerState::Terminated { .. }) {
            s.state = ContainerState::Terminated {
                exit_code,
                reason: Some(reason.into()),
            };
        }
        s.ready = false;
        s.started = false;
    }
    update_ready(p, now);
}

fn container_status(pod: &Pod, init: bool, idx: usize) -> Option<&ContainerStatus> {
    if init {
        pod.status.init_container_statuses.get(idx)
    } else {
        pod.status.container_statuses.get(idx)
    }
}

fn set_state(p: &mut Pod, init: bool, idx: usize, state: ContainerState) {
    let list = if init {
        &mut p.status.init_container_statuses
    } else {
        &mut p.status.container_statuses
    };
    if let Some(s) = list.get_mut(idx) {
        s.state = state;
    }
}

/// `nginx:1.21` → `docker.io/library/nginx:1.21`, as containerd reports it.
fn qualified(image: &str) -> String {
    let first = image.split('/').next().unwrap_or("");
    if image.contains('/') && (first.contains('.') || first.contains(':')) {
        image.to_string()
    } else if image.contains('/') {
        format!("docker.io/{image}")
    } else {
        format!("docker.io/library/{image}")
    }
}
