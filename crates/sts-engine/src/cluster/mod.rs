//! The simulated cluster's components, each an `impl World` block over the one store:
//! the scheduler glue and kubelets (`kubelet.rs`), the pure scheduling algorithm
//! (`scheduler.rs`), the PV binder and provisioner (`volume.rs`), deletion and the
//! garbage collector (`gc.rs`), and headless-Service DNS (`dns.rs`).

pub mod dns;
pub mod gc;
pub mod kubelet;
pub mod scheduler;
pub mod volume;
