//! An incrementally maintained index of one StatefulSet's claimed pods, so that a sync
//! can find the few slots that matter without walking all N.
//!
//! The world updates the index whenever a claimed pod, one of the set's claims or the
//! set's spec changes. Each pod is summarised as [`Facts`]; the index keeps sorted sets of
//! ordinals by what a sync may need to look at (missing, unhealthy, needing attention,
//! terminating, by revision, by Ready time) plus the status counters. Nothing here reads
//! the clock: availability is decided at query time from the Ready transition times.

use super::control::needs_repair;
use super::identity;
use super::ClaimLookup;
use crate::model::*;
use crate::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};

/// What the controller needs to know about one claimed pod.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    /// Phase Running and Ready=True.
    pub ready: bool,
    /// The Ready condition's last transition.
    pub ready_since: SimTime,
    /// deletionTimestamp set.
    pub terminating: bool,
    /// The `controller-revision-hash` label.
    pub revision: String,
    /// Failed/Succeeded, Pending, or identity/storage/claim refs need repair.
    pub attention: bool,
}

/// The index of one StatefulSet's claimed pods.
#[derive(Clone, Debug, Default)]
pub struct SetIndex {
    /// `[start, end)`: the in-range ordinals.
    pub start: i32,
    /// One past the last in-range ordinal.
    pub end: i32,
    /// Facts of claimed pods with a valid ordinal.
    pub pods: BTreeMap<i32, Facts>,
    /// Facts of claimed pods whose ordinal does not parse (only counted).
    pub others: BTreeMap<String, Facts>,
    /// In-range ordinals without a pod.
    pub missing: BTreeSet<i32>,
    /// Ordinals whose pod is not healthy (not Running+Ready, or terminating).
    pub unhealthy: BTreeSet<i32>,
    /// Ordinals whose pod needs attention (see [`Facts::attention`]).
    pub attention: BTreeSet<i32>,
    /// Ordinals whose pod is terminating.
    pub terminating: BTreeSet<i32>,
    /// Ready pods by Ready transition time.
    pub ready_since: BTreeSet<(SimTime, i32)>,
    /// Non-terminating pods by revision label.
    pub by_revision: BTreeMap<String, BTreeSet<i32>>,
    /// Every claimed pod's revision label, with a count (R-6 live revisions).
    pub revision_refs: BTreeMap<String, u32>,
    /// Claimed pods (status `replicas`).
    pub replicas: i32,
    /// Ready claimed pods.
    pub ready: i32,
}

/// Summarises one claimed pod.
pub fn facts(
    set: &StatefulSet,
    pod: &Pod,
    ordinal: Option<i32>,
    in_range: bool,
    claims: &dyn ClaimLookup,
) -> Facts {
    let phase = pod.status.phase.as_str();
    let attention = phase == "Failed"
        || phase == "Succeeded"
        || phase == "Pending"
        || ordinal.is_some_and(|o| needs_repair(set, pod, o, in_range, claims));
    Facts {
        ready: pod.running_and_ready(),
        ready_since: pod
            .ready_condition()
            .map(|c| c.last_transition)
            .unwrap_or_default(),
        terminating: pod.metadata.terminating(),
        revision: pod.revision().unwrap_or("").to_string(),
        attention,
    }
}

impl SetIndex {
    /// Builds the index from scratch (after a spec change, or for a new set).
    pub fn build<'a>(
        set: &StatefulSet,
        pods: impl Iterator<Item = &'a Pod>,
        claims: &dyn ClaimLookup,
    ) -> Self {
        let start = set.start_ordinal();
        let end = start.saturating_add(set.replicas().max(0));
        let mut index = SetIndex {
            start,
            end,
            missing: (start..end).collect(),
            ..SetIndex::default()
        };
        for pod in pods {
            index.upsert(set, pod, claims);
        }
        index
    }

    fn in_range(&self, o: i32) -> bool {
        o >= self.start && o < self.end
    }

    /// Adds or refreshes one claimed pod.
    pub fn upsert(&mut self, set: &StatefulSet, pod: &Pod, claims: &dyn ClaimLookup) {
        let ordinal = identity::parse_ordinal(&set.metadata.name, &pod.metadata.name);
        let f = facts(
            set,
            pod,
            ordinal,
            ordinal.is_some_and(|o| self.in_range(o)),
            claims,
        );
        // Most pod writes (ContainerCreating, a pulled image…) change nothing the
        // controller reads: then the index stays as it is.
        let known = match ordinal {
            Some(o) => self.pods.get(&o),
            None => self.others.get(&pod.metadata.name),
        };
        if known == Some(&f) {
            return;
        }
        self.remove_name(&set.metadata.name, &pod.metadata.name);
        self.replicas += 1;
        if f.ready {
            self.ready += 1;
        }
        *self.revision_refs.entry(f.revision.clone()).or_default() += 1;
        match ordinal {
            None => {
                self.others.insert(pod.metadata.name.clone(), f);
            }
            Some(o) => {
                self.missing.remove(&o);
                if !f.ready || f.terminating {
                    self.unhealthy.insert(o);
                }
                if f.attention {
                    self.attention.insert(o);
                }
                if f.terminating {
                    self.terminating.insert(o);
                } else {
                    self.by_revision
                        .entry(f.revision.clone())
                        .or_default()
                        .insert(o);
                }
                if f.ready {
                    self.ready_since.insert((f.ready_since, o));
                }
                self.pods.insert(o, f);
            }
        }
    }

    /// Forgets one claimed pod (deleted from the store, or released).
    pub fn remove_name(&mut self, set_name: &str, pod_name: &str) {
        let (f, ordinal) = match identity::parse_ordinal(set_name, pod_name) {
            None => match self.others.remove(pod_name) {
                Some(f) => (f, None),
                None => return,
            },
            Some(o) => match self.pods.remove(&o) {
                Some(f) => (f, Some(o)),
                None => return,
            },
        };
        self.replicas -= 1;
        if f.ready {
            self.ready -= 1;
        }
        if let Some(c) = self.revision_refs.get_mut(&f.revision) {
            *c -= 1;
            if *c == 0 {
                self.revision_refs.remove(&f.revision);
            }
        }
        if let Some(o) = ordinal {
            if self.in_range(o) {
                self.missing.insert(o);
            }
            self.unhealthy.remove(&o);
            self.attention.remove(&o);
            self.terminating.remove(&o);
            if let Some(s) = self.by_revision.get_mut(&f.revision) {
                s.remove(&o);
                if s.is_empty() {
                    self.by_revision.remove(&f.revision);
                }
            }
            self.ready_since.remove(&(f.ready_since, o));
        }
    }

    /// Available pods among the ready ones: Ready for longer than `min_ready` seconds.
    pub fn available(&self, min_ready: i32, now: SimTime) -> i32 {
        if min_ready <= 0 {
            return self.ready;
        }
        self.ready - self.not_yet_available(min_ready, now).count() as i32
    }

    /// Ready pods whose Ready time is within the `min_ready` window (not yet available).
    pub fn not_yet_available(
        &self,
        min_ready: i32,
        now: SimTime,
    ) -> impl Iterator<Item = i32> + '_ {
        let from = now - crate::time::SimDuration::from_secs(min_ready.max(0) as u64);
        let all = min_ready > 0;
        self.ready_since
            .range((from, i32::MIN)..)
            .filter(move |_| all)
            .map(|(_, o)| *o)
    }
}
