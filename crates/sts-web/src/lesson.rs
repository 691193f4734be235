//! The lesson panel: the scenario's narration and tasks, one beat at a time, with the
//! task checked live against the cluster, a hint, then the solution on request.

use serde::{Deserialize, Serialize};
use std::rc::Rc;

use sts_engine::scenario::{Step, Text, Wait};
use yew::prelude::*;

use crate::i18n::Lang;
use crate::session::Session;

/// What the panel shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonView {
    pub title: Text,
    pub summary: Option<Text>,
    /// Narration or task reached, by number (1-based) out of `beats`.
    pub reached: usize,
    pub beats: usize,
    /// The current beat.
    pub current: Option<Beat>,
    /// Earlier narration (for reading back).
    pub earlier: Vec<Text>,
    pub can_advance: bool,
    pub finished: bool,
    /// "Reset this task" can go back to where the current task began.
    pub can_reset: bool,
}

/// A narration or a task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Beat {
    Say(Text),
    Task {
        prompt: Text,
        hint: Option<Text>,
        /// The solution as the commands a learner would type.
        solution: Vec<String>,
        done: bool,
        hinted: bool,
        revealed: bool,
    },
}

/// How a solution step reads in the panel.
fn step_text(s: &Step) -> String {
    match s {
        Step::Kubectl(c) => sts_engine::export::with_kubectl(c),
        Step::Apply(m) => format!(
            "kubectl apply -f - <<EOF\n{}EOF",
            if m.ends_with('\n') {
                m.clone()
            } else {
                format!("{m}\n")
            }
        ),
        Step::Wait(Wait::Word(w)) => format!("# wait: {w}"),
        Step::Wait(Wait::Until(u)) => {
            if let Some(p) = &u.ready {
                format!("kubectl wait --for=condition=Ready pod/{p}")
            } else if let Some(s) = &u.rollout {
                format!("kubectl rollout status sts/{s}")
            } else if let Some(p) = &u.gone {
                format!("kubectl wait --for=delete pod/{p}")
            } else if let Some(n) = u.events {
                format!("# wait: {n} events")
            } else {
                "# wait".into()
            }
        }
        Step::Fault(f) => format!("# fault: {f:?}"),
        Step::Say(t) => format!("# {}", t.en),
        Step::Expect(_) | Step::Task(_) => String::new(),
    }
}

impl LessonView {
    /// The panel's data for a session.
    pub fn of(s: &Session) -> LessonView {
        let current = s.lesson_current().map(|(i, step)| match step {
            Step::Task(t) => Beat::Task {
                prompt: t.prompt.clone(),
                hint: t.hint.clone(),
                solution: t
                    .solution
                    .iter()
                    .map(step_text)
                    .filter(|t| !t.is_empty())
                    .collect(),
                done: s.task_done() == Some(true),
                hinted: s.lesson.hinted.contains(&i),
                revealed: s.lesson.revealed.contains(&i),
            },
            Step::Say(t) => Beat::Say(t.clone()),
            _ => Beat::Say(Text::default()),
        });
        let cur = s.lesson_current().map(|(i, _)| i);
        let earlier = s.scenario.steps[..s.lesson.next.min(s.scenario.steps.len())]
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != cur)
            .filter_map(|(_, st)| match st {
                Step::Say(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        LessonView {
            title: s.scenario.title.clone(),
            summary: s.scenario.summary.clone(),
            reached: s.lesson_reached(),
            beats: s.lesson_beats(),
            current,
            earlier,
            can_advance: s.lesson_can_advance(),
            finished: s.lesson.next >= s.scenario.steps.len(),
            can_reset: s.lesson_can_reset_task(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub view: Rc<LessonView>,
    pub lang: Lang,
    pub readonly: bool,
    /// This lesson was completed before in this browser.
    #[prop_or_default]
    pub completed: bool,
    pub on_next: Callback<()>,
    pub on_hint: Callback<()>,
    pub on_solve: Callback<()>,
    pub on_restart: Callback<()>,
    #[prop_or_default]
    pub on_reset: Callback<()>,
}

#[function_component]
pub fn LessonPanel(p: &LessonProps) -> Html {
    let l = p.lang;
    let v = &p.view;
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let beat = match &v.current {
        None => html! {
            <p class="lesson-intro">{ l.pick(
                "Press “Start” to follow the lesson, or explore on your own with the time controls and the console.",
                "点击“开始”跟随课程，或使用时间控制和控制台自行探索。") }</p>
        },
        Some(Beat::Say(t)) => html! { <p class="say">{ l.text(t).to_string() }</p> },
        Some(Beat::Task {
            prompt,
            hint,
            solution,
            done,
            hinted,
            revealed,
        }) => html! {
            <div class="task" data-done={if *done { "true" } else { "false" }}>
                <p class="task-prompt">
                    <span class="task-state" aria-hidden="true">{ if *done { "✔ " } else { "☐ " } }</span>
                    <strong>{ l.pick("Task: ", "任务：") }</strong>{ l.text(prompt).to_string() }
                </p>
                <p class="task-status" role="status" aria-live="polite">{
                    if *done { l.pick("Done — the cluster is in the state the task asks for.", "完成——集群已处于任务要求的状态。") }
                    else { l.pick("Not done yet: this is checked live against the cluster.", "尚未完成：会根据集群的实时状态自动检查。") }
                }</p>
                if let Some(h) = hint {
                    if *hinted {
                        <p class="hint"><strong>{ l.pick("Hint: ", "提示：") }</strong>{ l.text(h).to_string() }</p>
                    } else if !p.readonly {
                        <button id="hint" onclick={click(&p.on_hint)}>{ l.pick("Show a hint", "显示提示") }</button>
                    }
                }
                if *revealed {
                    <pre class="solution" aria-label={l.pick("Solution", "答案")}>{ solution.join("\n") }</pre>
                } else if !*done && !p.readonly {
                    <button id="solution" onclick={click(&p.on_solve)}>{ l.pick("Show and run the solution", "显示并运行答案") }</button>
                }
            </div>
        },
    };
    html! {
        <section id="lesson" aria-labelledby="lesson-title">
            <h2 id="lesson-title">{ l.text(&v.title).to_string() }</h2>
            if p.completed {
                <p class="lesson-done" id="lesson-done">{ if v.finished {
                    l.pick("✓ Lesson completed — it is marked in the scenario list.", "✓ 本课已完成——已在场景列表中标记。")
                } else {
                    l.pick("✓ You completed this lesson before.", "✓ 你之前已完成本课。")
                } }</p>
            }
            if let Some(s) = &v.summary {
                if v.current.is_none() { <p class="summary">{ l.text(s).to_string() }</p> }
            }
            <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax={v.beats.to_string()}
                aria-valuenow={v.reached.to_string()} aria-label={l.pick("Lesson progress", "课程进度")}>
                <span style={format!("width: {}", if v.beats == 0 { "100%".to_string() } else { crate::timebar::percent(v.reached, v.beats) })}></span>
            </div>
            <p id="lesson-step" aria-live="polite">{ beat }</p>
            if !v.earlier.is_empty() {
                <details class="earlier">
                    <summary>{ l.pick("Earlier in this lesson", "本课前面的内容") }</summary>
                    { for v.earlier.iter().map(|t| html! { <p>{ l.text(t).to_string() }</p> }) }
                </details>
            }
            if !p.readonly {
                <div class="lesson-buttons">
                    <button id="lesson-next" onclick={click(&p.on_next)} disabled={!v.can_advance}>
                        { if v.current.is_none() { l.pick("Start", "开始") } else if v.finished { l.pick("Finished", "已完成") } else { l.pick("Next", "下一步") } }
                    </button>
                    if matches!(v.current, Some(Beat::Task { .. })) {
                        <button id="lesson-reset" onclick={click(&p.on_reset)} disabled={!v.can_reset}
                            title={l.pick("Back to where this task began; later changes are dropped", "回到本任务开始时的状态；之后的改动会被丢弃")}>
                            { l.pick("Reset this task", "重置本任务") }
                        </button>
                    }
                    <button id="lesson-restart" onclick={click(&p.on_restart)}>{ l.pick("Restart lesson", "重新开始本课") }</button>
                    <span class="count">{ format!("{} / {}", v.reached, v.beats) }</span>
                </div>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_follows_the_lesson_and_tasks_show_their_solution() {
        let mut s = Session::open("partition-canary").expect("opens");
        let v = LessonView::of(&s);
        assert_eq!(v.current, None);
        assert!(v.can_advance && !v.finished);
        s.lesson_next();
        let v = LessonView::of(&s);
        assert!(matches!(v.current, Some(Beat::Say(_))));
        assert_eq!(v.reached, 1);
        // Walk to the end; any task shows its solution as commands.
        let mut saw_task = false;
        for _ in 0..100 {
            if let Some(Beat::Task { solution, done, .. }) = &LessonView::of(&s).current {
                saw_task = true;
                assert!(!solution.is_empty());
                if !done {
                    s.lesson_solve();
                    assert!(matches!(
                        LessonView::of(&s).current,
                        Some(Beat::Task {
                            done: true,
                            revealed: true,
                            ..
                        })
                    ));
                }
            }
            if LessonView::of(&s).finished {
                break;
            }
            s.lesson_next();
        }
        let v = LessonView::of(&s);
        assert!(v.finished);
        assert_eq!(v.reached, v.beats);
        let _ = saw_task;
    }
}
