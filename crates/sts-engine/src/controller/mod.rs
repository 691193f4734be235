//! The StatefulSet controller, as a pure function.
//!
//! [`reconcile`] reads one StatefulSet and what the controller observes of the cluster
//! ([`SyncInput`]) and returns a [`Decision`]: the API actions to take, the status to
//! write and, when it waits, a [`Blocker`] that says why in English and Chinese. It does
//! no I/O and never mutates the world; the world applies the actions (T-6).
//!
//! Two implementations produce identical decisions:
//! * [`control::reconcile_literal`] follows `stateful_set_control.go` step by step over
//!   every claimed pod: O(N) per sync, the oracle;
//! * [`fast::reconcile_fast`] reads the same rules off an incrementally maintained
//!   [`index::SetIndex`] and only visits the pods that can make a difference: O(log N +
//!   work) per sync. Tests check both give byte-identical traces.
//!
//! Modules mirror upstream: `control` (ordering algorithm), `status` (status
//! computation), `identity` (names, ordinals, identity/storage checks, claim refs),
//! `revision` (ControllerRevisions), `blocker` (the "why" sentences).

pub mod blocker;
pub mod control;
pub mod fast;
pub mod identity;
pub mod index;
pub mod revision;
pub mod status;

use crate::model::*;
use crate::time::{SimDuration, SimTime};
pub use blocker::Blocker;

/// The canonical data and name inputs of the set's current template, computed
/// once per template change by the world rather than on every sync.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateDigest {
    /// `revision_data(template)`.
    pub data: String,
    /// The generation this digest was computed for.
    pub generation: i64,
}

/// Looks up a PersistentVolumeClaim in the set's namespace by name.
pub trait ClaimLookup {
    /// The claim called `name`, if it exists.
    fn claim(&self, name: &str) -> Option<&PersistentVolumeClaim>;
}

/// Everything one sync reads: a snapshot taken at its start (T-6).
pub struct SyncInput<'a> {
    /// The StatefulSet being synced.
    pub set: &'a StatefulSet,
    /// Its claimed pods (owned by it), in any order.
    pub pods: Vec<&'a Pod>,
    /// Its claimed ControllerRevisions, sorted as `sort_revisions` does.
    pub revisions: Vec<&'a ControllerRevision>,
    /// Every ControllerRevision name in the namespace, for collision checks (R-4c).
    pub revision_exists: &'a dyn Fn(&str) -> Option<&'a ControllerRevision>,
    /// Whether any pod of this name exists in the set's namespace (claimed or not): the
    /// API server refuses to create a second one (E-3, `AlreadyExists`).
    pub pod_exists: &'a dyn Fn(&str) -> bool,
    /// The claims in the set's namespace.
    pub claims: &'a dyn ClaimLookup,
    /// The digest of `set.spec.template`.
    pub digest: &'a TemplateDigest,
    /// Virtual time of the sync.
    pub now: SimTime,
    /// Whether the `MaxUnavailableStatefulSet` feature gate is on (off by default in 1.32).
    pub max_unavailable_gate: bool,
}

/// One API write the controller asks for, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Create a ControllerRevision (R-4c).
    CreateRevision(ControllerRevision),
    /// Raise an existing revision's number (R-4b, rollback).
    RenumberRevision { name: String, revision: i64 },
    /// Delete a history revision.
    DeleteRevision { name: String },
    /// Create a claim for a pod (R-13, P-3).
    CreateClaim(PersistentVolumeClaim),
    /// Create a pod.
    CreatePod(Pod),
    /// Delete a pod.
    DeletePod { name: String },
    /// Replace a pod after identity/storage repair.
    UpdatePod(Pod),
    /// Set a claim's ownerReferences (P-5).
    SetClaimOwners {
        claim: String,
        owner_references: Vec<OwnerReference>,
    },
    /// Record an Event on the StatefulSet (section 13).
    Event {
        type_: &'static str,
        reason: &'static str,
        message: String,
    },
}

/// What one sync decided.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// API writes, in the order they are issued.
    pub actions: Vec<Action>,
    /// The status the sync computed (after R-23). The world writes it only if it
    /// differs from the stored one.
    pub status: StatefulSetStatus,
    /// Why the controller is waiting, if it is.
    pub blocker: Option<Blocker>,
    /// Sync again after this long (T-3 availability, or T-4 error backoff).
    pub requeue_after: Option<SimDuration>,
    /// True if the sync hit an API error (T-4): retried with backoff.
    pub error: bool,
}

/// Which implementation of the algorithm runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Implementation {
    /// The incremental implementation (default).
    #[default]
    Fast,
    /// The literal, O(N)-per-sync implementation kept as the oracle.
    Literal,
}

/// Availability (section 1, M-4): Ready and, with `min_ready > 0`, Ready for strictly
/// more than `min_ready` seconds (1.32 uses a strict comparison).
pub fn available(ready: bool, ready_since: SimTime, min_ready_seconds: i32, now: SimTime) -> bool {
    if !ready {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    ready_since + SimDuration::from_secs(min_ready_seconds as u64) < now
}
