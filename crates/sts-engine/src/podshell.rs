//! Commands run inside a simulated pod (`kubectl exec POD -- CMD…`).
//!
//! This is the minimal version: it answers kubectl's errors for a missing pod or
//! container and for a pod that is not running, and refuses every command. The pod
//! shell proper (hostname, nslookup, …) replaces this module.

use crate::api::Outcome;
use crate::model::ContainerState;
use crate::world::World;

/// Runs `argv` in container `container` (default: the pod's first container) of pod
/// `ns/pod`, answering what `kubectl exec` would print.
pub fn exec(
    world: &mut World,
    ns: &str,
    pod: &str,
    container: Option<&str>,
    argv: &[String],
) -> Outcome {
    let key = (ns.to_string(), pod.to_string());
    let Some(p) = world.pods.get(&key) else {
        return Outcome::err(format!(
            "Error from server (NotFound): pods \"{pod}\" not found"
        ));
    };
    let name = match container {
        Some(c) => {
            if !p.spec.containers.iter().any(|x| x.name == c) {
                return Outcome::err(format!(
                    "Error from server (BadRequest): container {c} is not valid for pod {pod}"
                ));
            }
            c.to_string()
        }
        None => p
            .spec
            .containers
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    };
    let running = p.status.phase == "Running"
        && p.status
            .container_statuses
            .iter()
            .any(|s| s.name == name && matches!(s.state, ContainerState::Running { .. }));
    if !running {
        return Outcome::err(format!(
            "error: unable to upgrade connection: container not found (\"{name}\")"
        ));
    }
    let cmd = argv.first().map(String::as_str).unwrap_or("");
    Outcome::err(format!("{cmd}: command not supported in this pod shell"))
}
