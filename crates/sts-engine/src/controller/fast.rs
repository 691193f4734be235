//! The incremental view: the same algorithm as `control.rs`, handed only the slots that
//! can make a difference, read off a [`SetIndex`]. O(log N + work) per sync.
//!
//! Why skipping is safe, slot by slot (the property tests check it against the
//! literal view): a pod that is healthy, available, in its Running phase and needs no
//! repair makes `processReplica` do nothing and continue; a healthy pod already at the
//! update revision makes the update loop continue. Every other slot is handed over.

use super::control::{self, PodsView};
use super::index::SetIndex;
use super::{Decision, SyncInput};
use crate::controller::identity;
use crate::model::*;
use crate::time::SimTime;
use std::collections::BTreeSet;

/// A [`PodsView`] over an index plus a way to fetch pods by name.
pub struct FastView<'a> {
    /// The set's index.
    pub index: &'a SetIndex,
    /// The set's name (pod names are `<set>-<ordinal>`).
    pub set_name: &'a str,
    /// Fetches a claimed pod by name.
    pub pod_by_name: &'a dyn Fn(&str) -> Option<&'a Pod>,
}

/// The top `limit` ordinals of several descending iterators, merged, descending.
fn top_desc(iters: Vec<Box<dyn Iterator<Item = i32> + '_>>, limit: usize) -> Vec<i32> {
    let mut all = BTreeSet::new();
    for it in iters {
        all.extend(it.take(limit));
    }
    all.into_iter().rev().take(limit).collect()
}

impl PodsView for FastView<'_> {
    fn pod(&self, ordinal: i32) -> Option<&Pod> {
        if !self.index.pods.contains_key(&ordinal) {
            return None;
        }
        (self.pod_by_name)(&identity::pod_name(self.set_name, ordinal))
    }

    fn replica_slots(
        &self,
        start: i32,
        end: i32,
        min_ready: i32,
        burst: bool,
        now: SimTime,
    ) -> Vec<i32> {
        let ix = self.index;
        let attention = ix.attention.range(start..end).copied();
        if burst {
            // In burst mode only missing pods and pods needing attention make it act.
            let mut s: BTreeSet<i32> = ix.missing.range(start..end).copied().collect();
            s.extend(attention);
            return s.into_iter().collect();
        }
        // Monotonic: everything up to and including the first slot that must stop.
        let stop = ix
            .missing
            .range(start..end)
            .next()
            .copied()
            .into_iter()
            .chain(ix.unhealthy.range(start..end).next().copied())
            .chain(
                ix.not_yet_available(min_ready, now)
                    .filter(|o| *o >= start && *o < end),
            )
            .min();
        let upto = stop.unwrap_or(end - 1);
        let mut s: BTreeSet<i32> = attention.filter(|o| *o <= upto).collect();
        if let Some(o) = stop {
            s.insert(o);
        }
        s.into_iter().collect()
    }

    fn next_missing(&self, from: i32, end: i32) -> Option<i32> {
        if from >= end {
            return None;
        }
        self.index.missing.range(from..end).next().copied()
    }

    fn first_unhealthy(&self, start: i32, end: i32) -> Option<i32> {
        let ix = self.index;
        let in_range = ix
            .missing
            .range(start..end)
            .next()
            .into_iter()
            .chain(ix.unhealthy.range(start..end).next())
            .min();
        in_range
            .or_else(|| ix.unhealthy.range(..start).next())
            .or_else(|| ix.unhealthy.range(end..).next())
            .copied()
    }

    fn condemned_for_claims(&self, start: i32, end: i32) -> Vec<i32> {
        let ix = self.index;
        ix.attention
            .range(end..)
            .rev()
            .chain(ix.attention.range(..start).rev())
            .copied()
            .collect()
    }

    fn condemned_for_deletion(&self, start: i32, end: i32, burst: bool) -> Vec<i32> {
        let ix = self.index;
        let desc = ix
            .pods
            .range(end..)
            .rev()
            .chain(ix.pods.range(..start).rev());
        if burst {
            desc.filter(|(_, f)| !f.terminating)
                .map(|(o, _)| *o)
                .collect()
        } else {
            desc.take(2).map(|(o, _)| *o).collect()
        }
    }

    fn update_slots(&self, lo: i32, end: i32, update: &str, limit: usize) -> Vec<i32> {
        if lo >= end {
            return Vec::new();
        }
        let ix = self.index;
        let mut iters: Vec<Box<dyn Iterator<Item = i32> + '_>> = vec![
            Box::new(ix.missing.range(lo..end).rev().copied()),
            Box::new(ix.unhealthy.range(lo..end).rev().copied()),
        ];
        for (rev, set) in &ix.by_revision {
            if rev != update {
                iters.push(Box::new(set.range(lo..end).rev().copied()));
            }
        }
        top_desc(iters, limit)
    }

    fn highest_outdated(&self, lo: i32, hi: i32, update: &str) -> Option<i32> {
        if lo >= hi {
            return None;
        }
        self.index
            .by_revision
            .iter()
            .filter(|(rev, _)| rev.as_str() != update)
            .filter_map(|(_, set)| set.range(lo..hi).next_back().copied())
            .max()
    }

    fn outdated(&self, lo: i32, hi: i32, update: &str, limit: usize) -> Vec<i32> {
        if lo >= hi {
            return Vec::new();
        }
        let mut all = BTreeSet::new();
        for (rev, set) in &self.index.by_revision {
            if rev != update {
                all.extend(set.range(lo..hi).take(limit).copied());
            }
        }
        all.into_iter().take(limit).collect()
    }

    fn unhealthy_in_range(&self, start: i32, end: i32) -> i32 {
        let ix = self.index;
        (ix.missing.range(start..end).count() + ix.unhealthy.range(start..end).count()) as i32
    }

    fn count(&self, status: &mut StatefulSetStatus, min_ready: i32, now: SimTime) {
        let ix = self.index;
        status.replicas += ix.replicas;
        status.ready_replicas += ix.ready;
        status.available_replicas += ix.available(min_ready, now);
        let count_rev = |rev: &str| -> i32 {
            let valid = ix.by_revision.get(rev).map_or(0, |s| s.len() as i32);
            let others = ix
                .others
                .values()
                .filter(|f| !f.terminating && f.revision == rev)
                .count() as i32;
            valid + others
        };
        status.current_replicas += count_rev(&status.current_revision);
        status.updated_replicas += count_rev(&status.update_revision);
    }

    fn pod_revisions(&self) -> BTreeSet<String> {
        self.index
            .revision_refs
            .keys()
            .filter(|r| !r.is_empty())
            .cloned()
            .collect()
    }
}

/// `reconcile` over the incremental view.
pub fn reconcile_fast(input: &SyncInput, view: &FastView) -> Decision {
    control::reconcile(input, view)
}
