//! A benchmark, not a test: what the panels' data costs per step with 1,000 pods during
//! a rolling update (native release build; wasm is slower). First each panel computed
//! from scratch (what `Derived::of` does), then the incremental path the page takes on
//! every step (`Derived::update`, and the cluster picture from its kept pod facts).
//!
//!     cargo run --release -p sts-web --example panel_cost
//!
//! The browser-side figure (click to painted frame) comes from
//! `tests/bench/step-paint.mjs`.

use std::time::Instant;

use sts_web::derived::Derived;
use sts_web::picture::PictureCache;
use sts_web::session::Session;

const STEPS: u32 = 60;

fn session() -> Session {
    let mut s = Session::open("parallel").expect("the built-in scenario opens");
    s.run_command("kubectl scale sts web --replicas=1000");
    s.settle();
    s.run_command("kubectl set image sts/web nginx=nginx:1.22");
    s
}

fn main() {
    // `panel_cost incremental`: only the incremental part (for profiling it).
    if std::env::args().nth(1).as_deref() != Some("incremental") {
        from_scratch();
    }
    incremental();
}

fn from_scratch() {
    let mut s = session();
    let mut t = [0u128; 10];
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
        time(4, &mut || {
            drop(std::hint::black_box(sts_web::panels::event_rows(w, 100)))
        });
        time(5, &mut || drop(std::hint::black_box(s.markers())));
        time(6, &mut || drop(std::hint::black_box(s.transcript(200))));
        time(7, &mut || {
            drop(std::hint::black_box(
                sts_web::components::console::Completions::of(w),
            ))
        });
        time(8, &mut || drop(std::hint::black_box(s.diagnostics())));
        time(9, &mut || {
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
        "events",
        "markers",
        "transcript",
        "completions",
        "diagnostics",
        "save+encode",
    ];
    println!("from scratch, per step:");
    for (n, v) in names.iter().zip(t) {
        println!("  {n:12} {:8.1} µs", v as f64 / f64::from(STEPS));
    }
    let all: u128 = t[..9].iter().sum();
    println!(
        "  {:12} {:8.1} µs",
        "all panels",
        all as f64 / f64::from(STEPS)
    );
}

/// The incremental path, on the same steps of a fresh session: median and 90th
/// percentile per step (medians are steadier than means on a shared machine).
fn incremental() {
    let mut s = session();
    let mut d = Derived::of(&s);
    let mut cache = PictureCache::default();
    drop(cache.picture(s.world()));
    let (mut step, mut update, mut picture) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..STEPS {
        let a = Instant::now();
        s.step();
        step.push(a.elapsed().as_micros());
        let a = Instant::now();
        d.update(&s);
        update.push(a.elapsed().as_micros());
        let a = Instant::now();
        drop(std::hint::black_box(cache.picture(s.world())));
        picture.push(a.elapsed().as_micros());
    }
    let stats = |mut v: Vec<u128>| {
        v.sort_unstable();
        let q = |p: f64| v.get(((v.len() as f64) * p) as usize).copied().unwrap_or(0);
        format!("median {:6} µs, p90 {:6} µs", q(0.5), q(0.9))
    };
    println!("incremental, per step:");
    println!("  {:16} {}", "(the step itself)", stats(step));
    println!("  {:16} {}", "picture", stats(picture));
    println!("  {:16} {}", "Derived::update", stats(update));
    println!(
        "({} pods, {} trace entries, {} history entries)",
        s.world().pods.len(),
        s.world().trace.len(),
        s.tl.len()
    );
}
