//! The "why" of every wait: a [`Blocker`] names the pod the controller is waiting on and
//! says, in plain English and Simplified Chinese, what waits and on what.
//!
//! Sentences are built from two halves: what is held back (the next pod to create, the
//! next pod to delete on scale-down, the rolling update) and the cause (a pod not Ready,
//! terminating, not yet available…), e.g. "web-2 is not created yet: web-1 is not
//! Running and Ready (OrderedReady)".

use serde::Serialize;

/// Why the controller is not making progress right now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// The pod the controller waits on, if a pod.
    pub pod: Option<String>,
    /// A stable machine-readable reason (`NotReady`, `Terminating`, `OnDelete`…).
    pub reason: &'static str,
    /// The sentence in English.
    pub en: String,
    /// The sentence in Simplified Chinese.
    pub zh: String,
}

/// What is held back by a wait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Held {
    /// The pod with this name is not created yet.
    Create(String),
    /// The pod with this name is not deleted yet (scale-down).
    ScaleDown(String),
    /// The rolling update would replace this pod next.
    Update(String),
    /// Nothing else is pending: the controller just waits for the pod.
    Nothing,
}

impl Held {
    fn en(&self) -> String {
        match self {
            Held::Create(p) => format!("{p} is not created yet"),
            Held::ScaleDown(p) => format!("{p} is not deleted yet (scale-down)"),
            Held::Update(p) => format!("the rolling update of {p} waits"),
            Held::Nothing => String::new(),
        }
    }
    fn zh(&self) -> String {
        match self {
            Held::Create(p) => format!("{p} 尚未创建"),
            Held::ScaleDown(p) => format!("{p} 尚未删除（缩容）"),
            Held::Update(p) => format!("{p} 的滚动更新在等待"),
            Held::Nothing => String::new(),
        }
    }
}

/// A wait that holds nothing back is not a blocker: the controller is merely waiting
/// for the pod it just acted on, and nothing else is pending.
fn join(held: &Held, pod: &str, reason: &'static str, en: String, zh: String) -> Option<Blocker> {
    if *held == Held::Nothing {
        return None;
    }
    Some(Blocker {
        pod: Some(pod.to_string()),
        reason,
        en: format!("{}: {en}", held.en()),
        zh: format!("{}：{zh}", held.zh()),
    })
}

/// a pod that is not Running and Ready blocks everything after it (monotonic).
pub fn not_ready(held: &Held, pod: &str) -> Option<Blocker> {
    join(
        held,
        pod,
        "NotReady",
        format!("{pod} is not Running and Ready (OrderedReady)"),
        format!("{pod} 尚未处于 Running 且 Ready 状态（OrderedReady）"),
    )
}

/// a terminating pod must disappear first.
pub fn terminating(held: &Held, pod: &str) -> Option<Blocker> {
    join(
        held,
        pod,
        "Terminating",
        format!("{pod} is terminating; its name is reused only once it is gone"),
        format!("{pod} 正在终止；它消失之后这个名字才能被重新使用"),
    )
}

/// U-6: under OrderedReady, a pod that is not Ready and not at the update revision
/// blocks every sync before the update step could replace it: the rollout is stuck
/// until someone deletes the pod.
pub fn stuck_rollout(pod: &str) -> Blocker {
    Blocker {
        pod: Some(pod.to_string()),
        reason: "StuckRollout",
        en: format!(
            "the rollout cannot continue: {pod} runs an old revision and is not Running and \
             Ready; under OrderedReady the controller waits for it instead of replacing it — if \
             it never becomes Ready, delete {pod} (after fixing the template) to recover"
        ),
        zh: format!(
            "滚动更新无法继续：{pod} 运行的是旧修订版本，且不是 Running 且 Ready；在 OrderedReady 下控制器会等待它而不是替换它——如果它一直无法 Ready，请（修正模板后）删除 {pod} 以恢复"
        ),
    }
}

/// R-15/M-1: Ready, but not yet for `minReadySeconds`.
pub fn not_available(held: &Held, pod: &str, min_ready_seconds: i32) -> Option<Blocker> {
    join(
        held,
        pod,
        "NotAvailable",
        format!("{pod} has not been Ready for minReadySeconds ({min_ready_seconds}s) yet"),
        format!("{pod} 处于 Ready 的时间尚未超过 minReadySeconds（{min_ready_seconds} 秒）"),
    )
}

/// a Failed/Succeeded pod is deleted, then recreated once gone.
pub fn failed(held: &Held, pod: &str, phase: &str) -> Option<Blocker> {
    join(
        held,
        pod,
        "PodFailed",
        format!("{pod} is {phase}; it is deleted and recreated once the old object is gone"),
        format!("{pod} 处于 {phase} 状态；它会被删除，旧对象消失后再重新创建"),
    )
}

/// R-13.1/P-8: the previous pod's claim still carries its owner reference.
pub fn stale_claim(pod: &str, claim: &str) -> Blocker {
    Blocker {
        pod: Some(pod.to_string()),
        reason: "StaleClaim",
        en: format!(
            "{pod} is not created yet: its claim {claim} still belongs to the previous {pod} \
             (whenScaled: Delete) and waits for the garbage collector"
        ),
        zh: format!(
            "{pod} 尚未创建：它的 PVC {claim} 仍属于之前的 {pod}（whenScaled: Delete），正在等待垃圾回收"
        ),
    }
}

/// an unhealthy condemned pod that is not the lowest unhealthy pod.
pub fn condemned_unhealthy(pod: &str, first_unhealthy: &str) -> Blocker {
    Blocker {
        pod: Some(pod.to_string()),
        reason: "ScaleDownBlocked",
        en: format!(
            "{pod} is not deleted yet (scale-down): it is not Running and Ready, and only the \
             lowest unhealthy pod ({first_unhealthy}) may be deleted first (OrderedReady)"
        ),
        zh: format!(
            "{pod} 尚未删除（缩容）：它不是 Running 且 Ready，而只有序号最低的不健康 Pod（{first_unhealthy}）可以先被删除（OrderedReady）"
        ),
    }
}

/// an updated pod above the next target is not healthy.
pub fn update_waits(next: Option<&str>, pod: &str) -> Option<Blocker> {
    let held = next.map_or(Held::Nothing, |n| Held::Update(n.to_string()));
    join(
        &held,
        pod,
        "UpdateWaits",
        format!("{pod} is not Running and Ready yet, and the update goes one pod at a time"),
        format!("{pod} 尚未处于 Running 且 Ready 状态，而更新每次只处理一个 Pod"),
    )
}

/// R-19/U-4: OnDelete leaves old pods alone until someone deletes them.
pub fn on_delete(pods: &[String], revision: &str) -> Blocker {
    let list = pods.join(", ");
    let verb = if pods.len() == 1 { "keeps" } else { "keep" };
    Blocker {
        pod: pods.first().cloned(),
        reason: "OnDelete",
        en: format!(
            "{list} {verb} the old template: updateStrategy is OnDelete, so a pod gets revision \
             {revision} only when you delete it"
        ),
        zh: format!(
            "{list} 保持旧模板：updateStrategy 为 OnDelete，只有删除 Pod 后它才会以修订版本 {revision} 重建"
        ),
    }
}

/// U-1: pods below the partition keep the current revision.
pub fn partition(pods: &[String], partition: i32) -> Blocker {
    let list = pods.join(", ");
    let (verb, their) = if pods.len() == 1 {
        ("keeps", "its")
    } else {
        ("keep", "their")
    };
    Blocker {
        pod: pods.first().cloned(),
        reason: "Partition",
        en: format!(
            "{list} {verb} the current revision: {their} index is below partition {partition} \
             (partition is an index threshold, not a count)"
        ),
        zh: format!(
            "{list} 保持当前修订版本：它们的序号低于 partition {partition}（partition 是序号阈值，不是数量）"
        ),
    }
}

/// a set being deleted with foreground cascade only updates its status.
pub fn set_deleting(set: &str) -> Blocker {
    Blocker {
        pod: None,
        reason: "SetDeleting",
        en: format!("StatefulSet {set} is being deleted: the controller only updates its status"),
        zh: format!("StatefulSet {set} 正在被删除：控制器只更新它的状态"),
    }
}

/// E-3: the API server rejected a pod or claim.
pub fn create_failed(pod: &str, error: &str) -> Blocker {
    Blocker {
        pod: Some(pod.to_string()),
        reason: "FailedCreate",
        en: format!("{pod} cannot be created: {error}"),
        zh: format!("{pod} 无法创建：{error}"),
    }
}
