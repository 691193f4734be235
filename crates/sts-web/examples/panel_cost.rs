//! A benchmark, not a test: what recomputing each panel's data costs per step with
//! 1,000 pods during a rolling update (native release build; wasm is slower).
//!
//!     cargo run --release -p sts-web --example panel_cost
//!
//! The browser-side figure (click to painted frame) comes from
//! `tests/bench/step-paint.mjs`.

use std::time::Instant;

use sts_web::session::Session;

fn main() {
    let mut s = Session::open("parallel").expect("the built-in scenario opens");
    s.run_command("kubectl scale sts web --replicas=1000");
    s.settle();
    s.run_command("kubectl set image sts/web nginx=nginx:1.22");
    const STEPS: u32 = 60;
    let mut t = [0u128; 9];
    for _ in 0..STEPS {
        s.step();
        let w = s.world();
        let mut time = |i: usize, f: &mut dyn FnMut()| {
            let a = Instant::now();
            f();
            t[i] += a.elapsed().as_micros();
        };
        time(0, &mut || {
            drop(std::hint::black_box(sts_web::picture::picture(w)))
        });
        time(1, &mut || {
            drop(std::hint::black_box(sts_web::panels::Why::of(w)))
        });
        time(2, &mut || {
            drop(std::hint::black_box(sts_web::panels::set_statuses(w)))
        });
        time(3, &mut || {
            drop(std::hint::black_box(sts_web::panels::watch_lines(w, 300)))
        });
        time(4, &mut || drop(std::hint::black_box(s.markers())));
        time(5, &mut || drop(std::hint::black_box(s.transcript(200))));
        time(6, &mut || {
            drop(std::hint::black_box(
                sts_web::components::console::Completions::of(w),
            ))
        });
        time(7, &mut || drop(std::hint::black_box(s.diagnostics())));
        time(8, &mut || {
            drop(std::hint::black_box(sts_web::share::encode(
                &sts_web::share::save(&s),
            )))
        });
    }
    let names = [
        "picture",
        "why",
        "status",
        "watch log",
        "markers",
        "transcript",
        "completions",
        "diagnostics",
        "save+encode",
    ];
    for (n, v) in names.iter().zip(t) {
        println!("{n:12} {:8.1} µs/step", v as f64 / f64::from(STEPS));
    }
    println!(
        "({} pods, {} trace entries, {} history entries)",
        s.world().pods.len(),
        s.world().trace.len(),
        s.tl.len()
    );
}
