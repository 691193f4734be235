//! kubectl's columns for the objects the simulator shows (K-2…K-5), shared by the trace,
//! the CLI and the UI.

use crate::model::*;
use crate::time::{human_duration, SimTime};

/// kubectl's STATUS column for a pod (K-3, `printPod`).
pub fn pod_status(pod: &Pod) -> String {
    let mut reason = if pod.status.phase.is_empty() {
        "Pending".to_string()
    } else {
        pod.status.phase.clone()
    };
    if let Some(r) = &pod.status.reason {
        if !r.is_empty() {
            reason = r.clone();
        }
    }
    let mut initializing = false;
    let n_init = pod.spec.init_containers.len();
    for (i, c) in pod.status.init_container_statuses.iter().enumerate() {
        match &c.state {
            ContainerState::Terminated { exit_code: 0, .. } => continue,
            ContainerState::Terminated {
                reason: r,
                exit_code,
            } => {
                reason = match r {
                    Some(r) if !r.is_empty() => format!("Init:{r}"),
                    _ => format!("Init:ExitCode:{exit_code}"),
                };
            }
            ContainerState::Waiting {
                reason: Some(r), ..
            } if !r.is_empty() && r != "PodInitializing" => {
                reason = format!("Init:{r}");
            }
            _ => reason = format!("Init:{i}/{n_init}"),
        }
        initializing = true;
        break;
    }
    if !initializing {
        let mut has_running = false;
        for c in pod.status.container_statuses.iter().rev() {
            match &c.state {
                ContainerState::Waiting {
                    reason: Some(r), ..
                } if !r.is_empty() => reason = r.clone(),
                ContainerState::Terminated {
                    reason: Some(r), ..
                } if !r.is_empty() => reason = r.clone(),
                ContainerState::Terminated { exit_code, .. } => {
                    reason = format!("ExitCode:{exit_code}")
                }
                ContainerState::Running { .. } if c.ready => has_running = true,
                _ => {}
            }
        }
        if reason == "Completed" && has_running {
            let ready = pod.ready_condition().is_some_and(|c| c.status == "True");
            reason = if ready {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    if pod.metadata.terminating() {
        if pod.status.reason.as_deref() == Some("NodeLost") {
            reason = "Unknown".into();
        } else if pod.status.phase != "Failed" && pod.status.phase != "Succeeded" {
            reason = "Terminating".into();
        }
    }
    reason
}

/// READY column: ready containers / containers (K-2).
pub fn pod_ready(pod: &Pod) -> String {
    let total = pod.spec.containers.len();
    let ready = pod
        .status
        .container_statuses
        .iter()
        .filter(|c| c.ready)
        .count();
    format!("{ready}/{total}")
}

/// RESTARTS column: `3 (12s ago)` when > 0 (K-2).
pub fn pod_restarts(pod: &Pod, now: SimTime) -> String {
    let n: i64 = pod
        .status
        .container_statuses
        .iter()
        .map(|c| c.restart_count)
        .sum();
    let last = pod
        .status
        .container_statuses
        .iter()
        .filter_map(|c| c.last_terminated)
        .max();
    match (n, last) {
        (0, _) => "0".into(),
        (n, Some(t)) => format!("{n} ({} ago)", human_duration(now.since(t))),
        (n, None) => n.to_string(),
    }
}

/// AGE column.
pub fn age(meta: &ObjectMeta, now: SimTime) -> String {
    human_duration(now.since(meta.creation))
}

/// READY column of a StatefulSet: `readyReplicas/spec.replicas` (K-4).
pub fn sts_ready(set: &StatefulSet) -> String {
    format!("{}/{}", set.status.ready_replicas, set.replicas())
}

/// Pads rows into kubectl's column layout (three spaces between columns).
pub fn table(rows: &[Vec<String>]) -> String {
    table_with(rows, 3)
}

/// Pads rows with `pad` spaces between columns (`tabwriter` padding).
pub fn table_with(rows: &[Vec<String>], pad: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
