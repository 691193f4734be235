//! Invariant checkers that run after every simulated step (principle 6). Each names the
//! rule it guards. A [`Checker`] remembers the previous snapshot, so it can judge what a
//! step changed: which pods appeared, which started terminating, where they were bound.

use std::collections::BTreeMap;

use sts_engine::controller::identity::{claim_name, parse_ordinal};
use sts_engine::controller::{available, status};
use sts_engine::model::*;
use sts_engine::trace::Record;
use sts_engine::world::{Key, World};

/// What the checker remembers of one pod.
#[derive(Clone, Debug)]
struct PodFacts {
    uid: String,
    healthy: bool,
    ready_since: sts_engine::time::SimTime,
    min_ready: i32,
    node: Option<String>,
}

/// What the checker remembers of one StatefulSet.
#[derive(Clone, Debug)]
struct SetFacts {
    uid: String,
    start: i32,
    end: i32,
    burst: bool,
}

/// Checks invariants step by step.
#[derive(Default)]
pub struct Checker {
    pods: BTreeMap<Key, PodFacts>,
    sets: BTreeMap<Key, SetFacts>,
    trace_len: usize,
}

fn snapshot(w: &World) -> (BTreeMap<Key, PodFacts>, BTreeMap<Key, SetFacts>) {
    let pods = w
        .pods
        .iter()
        .map(|(k, p)| {
            let min_ready = w
                .sets
                .values()
                .find(|s| {
                    p.metadata
                        .controller_ref()
                        .is_some_and(|r| r.uid == s.metadata.uid)
                })
                .map_or(0, StatefulSet::min_ready_seconds);
            let since = p
                .ready_condition()
                .map(|c| c.last_transition)
                .unwrap_or_default();
            (
                k.clone(),
                PodFacts {
                    uid: p.metadata.uid.clone(),
                    healthy: p.running_and_ready() && !p.metadata.terminating(),
                    ready_since: since,
                    min_ready,
                    node: p.spec.node_name.clone(),
                },
            )
        })
        .collect();
    let sets = w
        .sets
        .iter()
        .map(|(k, s)| {
            let start = s.start_ordinal();
            (
                k.clone(),
                SetFacts {
                    uid: s.metadata.uid.clone(),
                    start,
                    end: start + s.replicas().max(0),
                    burst: s.burst(),
                },
            )
        })
        .collect();
    (pods, sets)
}

impl Checker {
    /// Starts checking from the world's current state.
    pub fn new(w: &World) -> Checker {
        let (pods, sets) = snapshot(w);
        Checker {
            pods,
            sets,
            trace_len: w.trace.len(),
        }
    }

    /// Checks what the last step (or input) changed; call after every one.
    pub fn after_step(&mut self, w: &World) -> Result<(), String> {
        let new_entries = &w.trace[self.trace_len.min(w.trace.len())..];
        let deleted_by_controller: Vec<String> = new_entries
            .iter()
            .filter_map(|e| match &e.record {
                Record::Event(ev) if ev.reason == "SuccessfulDelete" => ev
                    .message
                    .strip_prefix("delete Pod ")
                    .and_then(|m| m.split(' ').next())
                    .map(str::to_string),
                _ => None,
            })
            .collect();
        for (key, pod) in &w.pods {
            let prev = self.pods.get(key);
            // At most one pod per name: a name is never reused before the old object is gone.
            if let Some(prev) = prev {
                if prev.uid != pod.metadata.uid {
                    return Err(format!(
                        "{}: a new pod replaced an existing one within one step",
                        key.1
                    ));
                }
            }
            // check_scheduler: never bound to a node that is down.
            if prev.is_some_and(|p| p.node.is_none()) {
                if let Some(n) = &pod.spec.node_name {
                    if !w.nodes.get(n).is_some_and(|n| n.ready) {
                        return Err(format!("{}: bound to node {n}, which is down", key.1));
                    }
                }
            }
            let Some(set_key) = w.owner_set_of(pod) else {
                continue;
            };
            let set = &w.sets[&set_key];
            let name = &set.metadata.name;
            let Some(ord) = parse_ordinal(name, &pod.metadata.name) else {
                continue;
            };
            // Stable identity: pod N mounts claim T-set-N (P-1, P-2).
            for t in &set.spec.volume_claim_templates {
                let want = claim_name(&t.metadata.name, name, ord);
                let ok = pod.spec.volumes.iter().any(|v| {
                    v.persistent_volume_claim
                        .as_ref()
                        .is_some_and(|c| c.claim_name == want)
                });
                if !ok {
                    return Err(format!(
                        "{}: does not mount its claim {want}",
                        pod.metadata.name
                    ));
                }
            }
            // OrderedReady creation: a new pod N appears only when every
            // lower in-range pod was Running, Ready, Available and not terminating.
            if prev.is_none() {
                if let Some(sf) = self
                    .sets
                    .get(&set_key)
                    .filter(|f| f.uid == set.metadata.uid)
                {
                    if !sf.burst && ord >= sf.start && ord < sf.end {
                        for lower in sf.start..ord {
                            let lk = (set_key.0.clone(), format!("{name}-{lower}"));
                            // Availability is judged at the time of the sync that created the pod.
                            let ok = self.pods.get(&lk).is_some_and(|p| {
                                p.healthy && available(true, p.ready_since, p.min_ready, w.now)
                            });
                            if !ok {
                                return Err(format!(
                                    "OrderedReady violated: {} created while {name}-{lower} was not Running, Ready and Available",
                                    pod.metadata.name
                                ));
                            }
                        }
                    }
                }
            }
        }
        // Scale-down goes strictly highest-first, one at a time, each fully gone.
        for deleted in &deleted_by_controller {
            for (set_key, sf) in &self.sets {
                let Some(ord) = parse_ordinal(&set_key.1, deleted) else {
                    continue;
                };
                if sf.burst || (ord >= sf.start && ord < sf.end) {
                    continue;
                }
                let higher = self.pods.iter().any(|((ns, n), p)| {
                    *ns == set_key.0
                        && parse_ordinal(&set_key.1, n)
                            .is_some_and(|o| o > ord && (o >= sf.end || o < sf.start))
                        && p.uid != String::new()
                });
                if higher {
                    return Err(format!("scale-down order violated: {deleted} deleted while a higher condemned pod still existed"));
                }
            }
        }
        if deleted_by_controller.len() > 1 {
            let monotonic_set = deleted_by_controller.iter().any(|d| {
                self.sets.iter().any(|(k, f)| {
                    !f.burst && parse_ordinal(&k.1, d).is_some_and(|o| o >= f.end || o < f.start)
                })
            });
            if monotonic_set {
                return Err(format!("OrderedReady scale-down deleted several pods in one sync: {deleted_by_controller:?}"));
            }
        }
        let (pods, sets) = snapshot(w);
        self.pods = pods;
        self.sets = sets;
        self.trace_len = w.trace.len();
        Ok(())
    }
}

/// At a quiescent point: the stored status equals a fresh count over the pods (S-2…S-6),
/// and claim owner references agree with the retention policy (P-5).
pub fn check_quiescent(w: &World) -> Result<(), String> {
    for (key, set) in &w.sets {
        if set.metadata.terminating() {
            continue;
        }
        let mut fresh = StatefulSetStatus {
            current_revision: set.status.current_revision.clone(),
            update_revision: set.status.update_revision.clone(),
            ..StatefulSetStatus::default()
        };
        for p in w.pods_of(key) {
            status::count_pod(&mut fresh, p, set.min_ready_seconds(), w.now);
        }
        // currentReplicas equals updatedReplicas after completion.
        if set.status.current_revision == set.status.update_revision {
            fresh.current_replicas = fresh.updated_replicas;
        }
        let st = &set.status;
        let pairs = [
            ("replicas", st.replicas, fresh.replicas),
            ("readyReplicas", st.ready_replicas, fresh.ready_replicas),
            (
                "updatedReplicas",
                st.updated_replicas,
                fresh.updated_replicas,
            ),
            (
                "availableReplicas",
                st.available_replicas,
                fresh.available_replicas,
            ),
            (
                "currentReplicas",
                st.current_replicas,
                fresh.current_replicas,
            ),
        ];
        for (field, stored, counted) in pairs {
            if stored != counted {
                return Err(format!(
                    "{}: status.{field} is {stored}, but the pods say {counted}",
                    key.1
                ));
            }
        }
        for c in w.claims.values() {
            for r in &c.metadata.owner_references {
                let ok = match r.kind.as_str() {
                    "StatefulSet" if r.name == set.metadata.name => {
                        set.when_deleted() == Retention::Delete
                    }
                    "Pod" if parse_ordinal(&set.metadata.name, &r.name).is_some() => {
                        set.when_scaled() == Retention::Delete
                    }
                    _ => true,
                };
                if !ok {
                    return Err(format!(
                        "claim {} is owned by {}/{} although the retention policy does not say so (P-5)",
                        c.metadata.name, r.kind, r.name
                    ));
                }
            }
        }
    }
    Ok(())
}
