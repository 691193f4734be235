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

/// `READY` of a Deployment (`printDeployment`: readyReplicas/replicas).
pub fn deploy_ready(d: &Deployment) -> String {
    format!("{}/{}", d.status.ready_replicas, d.replicas())
}

/// Go's `text/tabwriter`, with the `RememberWidths` flag of the `liggitt/tabwriter` fork
/// that kubectl uses: cells end with `\t`, a line's last cell (after its last tab) is not
/// part of a column, a column block is a run of consecutive lines that have a cell in that
/// column, and a cell is as wide as the widest text of its block plus `padding`, at least
/// `minwidth`. With `remember`, column widths never shrink between flushes, which is why
/// `kubectl get -w` rows keep lining up with the header printed before them.
///
/// Upstream: `k8s.io/cli-runtime/pkg/printers/tabwriter.go` (`GetNewTabWriter`: minwidth 6,
/// tabwidth 4, padding 3, pad char ' ', `RememberWidths`) for `kubectl get`, and
/// `k8s.io/kubectl/pkg/describe/describe.go` (`tabbedString`: minwidth 0, tabwidth 8,
/// padding 2, no flags) for `kubectl describe`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TabWriter {
    minwidth: usize,
    padding: usize,
    remember: bool,
    /// Remembered widths per column (with `remember`).
    widths: Vec<usize>,
}

impl TabWriter {
    /// The writer `kubectl get` prints tables with.
    pub fn kubectl() -> TabWriter {
        TabWriter {
            minwidth: 6,
            padding: 3,
            remember: true,
            widths: Vec::new(),
        }
    }

    /// The writer `kubectl describe` (and `rollout history`) print with.
    pub fn describe() -> TabWriter {
        TabWriter {
            minwidth: 0,
            padding: 2,
            remember: false,
            widths: Vec::new(),
        }
    }

    /// Forgets remembered widths (kubectl does so between resource kinds).
    pub fn reset(&mut self) {
        self.widths.clear();
    }

    /// Formats `text` (one flush): tab-separated cells, newline-separated lines.
    pub fn format(&mut self, text: &str) -> String {
        let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
        let mut out = String::with_capacity(text.len() * 2);
        let mut stack = Vec::new();
        self.block(&lines, 0, lines.len(), &mut stack, &mut out);
        out
    }

    fn block(
        &mut self,
        lines: &[Vec<&str>],
        mut line0: usize,
        line1: usize,
        widths: &mut Vec<usize>,
        out: &mut String,
    ) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            // A cell in this column: print the lines before the block, then the block.
            Self::write_lines(lines, line0, this, widths, out);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 && column + 1 < lines[this].len() {
                width = width.max(lines[this][column].chars().count() + self.padding);
                this += 1;
            }
            if self.remember {
                match self.widths.get_mut(column) {
                    Some(w) if *w > width => width = *w,
                    Some(w) => *w = width,
                    None => {
                        self.widths.resize(column, 0);
                        self.widths.push(width);
                    }
                }
            }
            widths.push(width);
            self.block(lines, line0, this, widths, out);
            widths.pop();
            line0 = this;
        }
        Self::write_lines(lines, line0, line1, widths, out);
    }

    fn write_lines(
        lines: &[Vec<&str>],
        line0: usize,
        line1: usize,
        widths: &[usize],
        out: &mut String,
    ) {
        for (i, line) in lines.iter().enumerate().take(line1).skip(line0) {
            for (j, cell) in line.iter().enumerate() {
                out.push_str(cell);
                if j + 1 < line.len() {
                    if let Some(w) = widths.get(j) {
                        let pad = w.saturating_sub(cell.chars().count());
                        out.extend(std::iter::repeat_n(' ', pad));
                    }
                }
            }
            if i + 1 < lines.len() {
                out.push('\n');
            }
        }
    }
}

/// Lays rows out like `kubectl get` (tabwriter: minwidth 6, padding 3), one line each.
pub fn table(rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    for r in rows {
        text.push_str(&r.join("\t"));
        text.push('\n');
    }
    TabWriter::kubectl().format(&text)
}

/// Lays rows out with `pad` spaces of padding and no minimum width (`tabbedString`).
pub fn table_with(rows: &[Vec<String>], pad: usize) -> String {
    let mut text = String::new();
    for r in rows {
        text.push_str(&r.join("\t"));
        text.push('\n');
    }
    TabWriter {
        padding: pad,
        ..TabWriter::describe()
    }
    .format(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabwriter_aligns_blocks_like_go() {
        let mut w = TabWriter::describe();
        let out =
            w.format("Name:\tweb\nNamespace:\tdefault\nPod Template:\n  Labels:\tapp=nginx\n");
        assert_eq!(
            out,
            "Name:       web\nNamespace:  default\nPod Template:\n  Labels:  app=nginx\n"
        );
        // An empty last cell after a tab still gets its column's padding.
        assert_eq!(w.format("a:\t\nbbb:\tx\n"), "a:    \nbbb:  x\n");
    }

    #[test]
    fn kubectl_tables_have_a_minimum_width_and_remember_it() {
        let mut w = TabWriter::kubectl();
        assert_eq!(w.format("a\tb\tc\n"), "a     b     c\n");
        let first = w.format("NAME\tSTATUS\tAGE\nweb-0\tRunning\t5s\n");
        assert_eq!(first, "NAME    STATUS    AGE\nweb-0   Running   5s\n");
        // A later, narrower row keeps the widths; a wider cell widens the column.
        assert_eq!(w.format("web-1\tPending\t0s\n"), "web-1   Pending   0s\n");
        assert_eq!(
            w.format("web-1\tTerminating\t9s\n"),
            "web-1   Terminating   9s\n"
        );
        assert_eq!(
            w.format("web-1\tRunning\t9s\n"),
            "web-1   Running       9s\n"
        );
    }
}
