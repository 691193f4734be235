//! Deployments and ReplicaSets, live: the two controllers of upstream
//! `pkg/controller/deployment/` and `pkg/controller/replicaset/` as pure functions in
//! the style of the StatefulSet controller (a snapshot in, API writes out), and their
//! wiring into the world's store and queue.
//!
//! * [`hash`] — `pod-template-hash` (`controller.ComputeHash`) and generated pod names
//!   (`names.SimpleNameGenerator` from the world's seeded RNG).
//! * [`util`] — `deployment_util.go`: maxSurge/maxUnavailable, `NewRSNewReplicas`,
//!   annotations, conditions, proportional scaling.
//! * [`deployment`] — `syncDeployment`: RollingUpdate, Recreate, scaling, history
//!   clean-up, status and the Progressing/Available conditions.
//! * [`replicaset`] — `syncReplicaSet`: slow-start creates, ranked deletes, status.
//! * `world` — `impl World`: store, triggers, syncs, cascading deletes.
//!
//! Pods a ReplicaSet creates go through the same scheduler, kubelet and volume binder
//! as a StatefulSet's; a `persistentVolumeClaim.claimName` in the template is one claim
//! shared by every replica.

pub mod deployment;
pub mod hash;
pub mod replicaset;
pub mod util;
mod world;

#[cfg(test)]
mod tests;
