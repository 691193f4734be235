//! The time controls: step, next controller action, back, play/pause with a
//! logarithmic speed, run until settled, and a scrubber with markers for commands and
//! faults.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Lang;

/// Slider positions (0..=SPEED_MAX) map to 1…1,000 steps per second, logarithmically.
pub const SPEED_MAX: u32 = 60;

/// Steps per second at a slider position: 10^(position/20), so 0 → 1/s, 20 → 10/s,
/// 40 → 100/s, 60 → 1,000/s.
pub fn steps_per_second(position: u32) -> f64 {
    // 10^(r/20) for r in 0..20, to five digits: a table instead of `powf`, whose libm
    // code (about 1 KiB gzipped) the first-stage module would otherwise carry.
    const STEPS: [f64; 20] = [
        1.0, 1.1220, 1.2589, 1.4125, 1.5849, 1.7783, 1.9953, 2.2387, 2.5119, 2.8184, 3.1623,
        3.5481, 3.9811, 4.4668, 5.0119, 5.6234, 6.3096, 7.0795, 7.9433, 8.9125,
    ];
    let p = position.min(SPEED_MAX);
    let decades = [1.0, 10.0, 100.0, 1000.0][(p / 20) as usize];
    STEPS[(p % 20) as usize] * decades
}

/// A playback tick: (interval in ms, steps per tick). Ticks never come faster than one
/// per 40 ms (25/s); faster speeds take several steps per tick.
pub fn tick(position: u32) -> (u32, usize) {
    let sps = steps_per_second(position);
    if sps <= 25.0 {
        ((1000.0 / sps).round() as u32, 1)
    } else {
        (40, (sps / 25.0).round().max(1.0) as usize)
    }
}

/// The playback timer at slider position `speed`: `on_tick` every tick (each tick takes
/// [`tick`]'s number of steps).
pub fn player(speed: u32, on_tick: Callback<()>) -> gloo::timers::callback::Interval {
    let (ms, _) = tick(speed);
    gloo::timers::callback::Interval::new(ms, move || on_tick.emit(()))
}

/// `part` of `whole` as a CSS percentage with three decimals (`12.345%`), written with
/// integers (float formatting would add its tables to the first-stage module).
pub fn percent(part: usize, whole: usize) -> String {
    let thousandths = (part as u128 * 100_000 / whole.max(1) as u128) as u64;
    format!("{}.{:03}%", thousandths / 1000, thousandths % 1000)
}

#[derive(Properties, PartialEq)]
pub struct TimebarProps {
    pub lang: Lang,
    pub position: usize,
    pub len: usize,
    /// Simulated time at the cursor (`mm:ss.mmm`).
    pub time: AttrValue,
    pub playing: bool,
    pub speed: u32,
    /// Markers: (position, label, is_fault).
    pub markers: Rc<Vec<(usize, String, bool)>>,
    /// True when nothing is pending at the cursor (step does nothing).
    pub idle: bool,
    pub readonly: bool,
    pub on_step: Callback<()>,
    pub on_action: Callback<()>,
    pub on_back: Callback<()>,
    pub on_play: Callback<()>,
    pub on_settle: Callback<()>,
    pub on_speed: Callback<u32>,
    pub on_seek: Callback<usize>,
}

#[function_component]
pub fn Timebar(p: &TimebarProps) -> Html {
    let l = p.lang;
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_speed = {
        let cb = p.on_speed.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<u32>() {
                cb.emit(v.min(SPEED_MAX));
            }
        })
    };
    let on_seek = {
        let cb = p.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<usize>() {
                cb.emit(v);
            }
        })
    };
    let sps = steps_per_second(p.speed);
    // Integer formatting: float formatting would add its tables to the first-stage module.
    let speed_text = if sps < 10.0 {
        let tenths = (sps * 10.0).round() as u32;
        format!("{}.{}/s", tenths / 10, tenths % 10)
    } else {
        format!("{}/s", sps.round() as u32)
    };
    let len = p.len.max(1);
    let markers = p.markers.iter().map(|(pos, label, fault)| {
        let left = format!("left: {}", percent(*pos, len));
        html! {
            <span key={format!("{pos}")} class={classes!("marker", fault.then_some("fault"))}
                style={left} title={format!("#{pos}: {label}")}></span>
        }
    });
    let in_past = p.position < p.len;
    html! {
        <section id="timebar" aria-label={l.pick("Time controls", "时间控制")}>
            <div class="buttons" role="toolbar" aria-label={l.pick("Time controls", "时间控制")}>
                <button id="back" onclick={click(&p.on_back)} disabled={p.position == 0}
                    title={l.pick("Step back (b)", "后退一步（b）")}>
                    <span aria-hidden="true">{ "◀ " }</span>{ l.pick("Back", "后退") }
                </button>
                <button id="step" onclick={click(&p.on_step)} disabled={p.idle && !in_past}
                    title={l.pick("One event (s)", "前进一个事件（s）")}>
                    { l.pick("Step", "单步") }<span aria-hidden="true">{ " ▸" }</span>
                </button>
                <button id="step-action" onclick={click(&p.on_action)} disabled={p.idle && !in_past}
                    title={l.pick("Run to the controller's next action (a)", "运行到控制器的下一次操作（a）")}>
                    { l.pick("Next action", "下一次操作") }
                </button>
                <button id="play" onclick={click(&p.on_play)} aria-pressed={if p.playing { "true" } else { "false" }}
                    title={l.pick("Play or pause (p)", "播放或暂停（p）")}>
                    { if p.playing { l.pick("❚❚ Pause", "❚❚ 暂停") } else { l.pick("▶ Play", "▶ 播放") } }
                </button>
                <button id="settle" onclick={click(&p.on_settle)} disabled={p.idle}
                    title={l.pick("Run until nothing changes any more (r)", "运行直到不再变化（r）")}>
                    { l.pick("Run until settled", "运行至稳定") }
                </button>
                <label class="speed">
                    <span>{ l.pick("Speed", "速度") }</span>
                    <input id="speed" type="range" min="0" max={SPEED_MAX.to_string()} step="1"
                        value={p.speed.to_string()} oninput={on_speed}
                        aria-valuetext={format!("{speed_text} {}", l.pick("events per second", "个事件每秒"))} />
                    <output>{ speed_text }</output>
                </label>
            </div>
            <div class="scrub">
                <input id="scrubber" type="range" min="0" max={p.len.to_string()} step="1"
                    value={p.position.to_string()} oninput={on_seek}
                    aria-label={l.pick("Timeline position", "时间线位置")}
                    aria-valuetext={format!("{} / {}, t={}", p.position, p.len, p.time)} />
                <div class="markers" aria-hidden="true">{ for markers }</div>
            </div>
            <p id="clock" aria-live="off">
                { format!("{} {} / {} · t={}", l.pick("position", "位置"), p.position, p.len, p.time) }
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_written_with_three_decimals() {
        assert_eq!(percent(0, 7), "0.000%");
        assert_eq!(percent(1, 3), "33.333%");
        assert_eq!(percent(7, 7), "100.000%");
        assert_eq!(percent(5, 0), "500.000%");
    }

    #[test]
    fn speed_is_logarithmic_and_ticks_stay_bounded() {
        assert!((steps_per_second(0) - 1.0).abs() < 1e-9);
        assert!((steps_per_second(20) - 10.0).abs() < 1e-9);
        assert!((steps_per_second(SPEED_MAX) - 1000.0).abs() < 1e-6);
        assert_eq!(tick(0), (1000, 1));
        assert_eq!(tick(20), (100, 1));
        assert_eq!(tick(SPEED_MAX), (40, 40));
        for p in 0..=SPEED_MAX {
            let (ms, n) = tick(p);
            assert!(ms >= 40 && n >= 1);
            // The table is 10^(p/20).
            let want = 10f64.powf(p as f64 / 20.0);
            assert!((steps_per_second(p) - want).abs() / want < 1e-4, "{p}");
        }
    }
}
