//! # sts-engine
//!
//! The StatefulSet controller of Kubernetes v1.32 and a deterministic simulated cluster
//! around it: an API object store, a scheduler, kubelets, a PV binder, a garbage
//! collector and headless-Service DNS, all driven by one event queue in virtual time.
//!
//! The crate does no I/O, reads no clock and no OS entropy: the same scenario and seed
//! always give the same trace. It compiles natively and to `wasm32-unknown-unknown`.
//! Rule IDs in comments (`R-20`, `V-3`…) refer to the project's StatefulSet semantics
//! specification.

pub mod api;
pub mod bench;
#[cfg(feature = "builtin-scenarios")]
pub mod builtin;
pub mod cluster;
pub mod controller;
pub mod deploy;
pub mod diagnose;
pub mod export;
pub mod kubectl;
pub mod manifest;
pub mod model;
pub mod podshell;
pub mod printers;
pub mod quantity;
pub mod rng;
pub mod scenario;
pub mod scenario_writer;
pub mod schema;
pub mod shell;
pub mod time;
pub mod timeline;
pub mod trace;
pub mod validation;
pub mod world;
pub mod yaml;
