//! The static site of `cargo xtask serve`: every scenario run through the engine and
//! rendered as HTML (an index plus one page per scenario), English and Chinese.
//!
//! Every string that comes from a scenario, a manifest or the trace goes through
//! [`esc`]: nothing a user wrote is ever interpreted as HTML. The pages load only
//! `style.css` and `site.js` from the same directory (no CDN, no external resource).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

use sts_engine::scenario::{self, Scenario};
use sts_engine::time::SimTime;
use sts_engine::trace::{Record, TraceEntry};

/// What [`build`] produced.
#[derive(Debug, Default)]
pub struct Summary {
    /// Scenario files found.
    pub scenarios: usize,
    /// Of which invalid or with a failed check.
    pub failing: usize,
}

/// One scenario file's outcome.
struct Item {
    /// Output page stem (the file stem, restricted to safe characters).
    page: String,
    /// The file name, for display.
    file: String,
    outcome: std::result::Result<Ran, String>,
}

struct Ran {
    scenario: Scenario,
    trace: Vec<TraceEntry>,
    failures: Vec<(usize, String)>,
    checks: usize,
    steps: u64,
}

/// Renders `scenarios_dir/*.yaml` into `out` (replacing what was there), copying the
/// files of `assets_dir` (the stylesheet and the language script) next to the pages.
pub fn build(scenarios_dir: &Path, assets_dir: &Path, out: &Path) -> io::Result<Summary> {
    let files = crate::scenario_files(scenarios_dir)?;
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    std::fs::create_dir_all(out)?;
    for asset in ["style.css", "site.js"] {
        std::fs::copy(assets_dir.join(asset), out.join(asset)).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("copying {}: {e}", assets_dir.join(asset).display()),
            )
        })?;
    }
    let mut items = Vec::new();
    for f in &files {
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = f
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let page: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let outcome = load_and_run(f, &stem);
        items.push(Item {
            page,
            file,
            outcome,
        });
    }
    let mut summary = Summary {
        scenarios: items.len(),
        failing: 0,
    };
    for item in &items {
        match &item.outcome {
            Ok(ran) => {
                if !ran.failures.is_empty() {
                    summary.failing += 1;
                }
                std::fs::write(
                    out.join(format!("{}.html", item.page)),
                    scenario_page(item, ran),
                )?;
                let mut jsonl = String::new();
                for e in &ran.trace {
                    jsonl.push_str(&serde_json::to_string(e).unwrap_or_default());
                    jsonl.push('\n');
                }
                std::fs::write(out.join(format!("{}.jsonl", item.page)), jsonl)?;
            }
            Err(_) => summary.failing += 1,
        }
    }
    std::fs::write(out.join("index.html"), index_page(&items))?;
    Ok(summary)
}

fn load_and_run(path: &Path, stem: &str) -> std::result::Result<Ran, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "the file is not valid UTF-8".to_string())?;
    let s = scenario::parse(&text).map_err(|e| e.to_string())?;
    if s.scenario != stem {
        return Err(format!(
            "scenario id {:?} must equal the file name {stem:?}",
            s.scenario
        ));
    }
    let result = scenario::run(&s);
    let w = result.timeline.world();
    let trace = w.trace.clone();
    let checks = trace
        .iter()
        .filter(|e| matches!(e.record, Record::Expect(_)))
        .count();
    Ok(Ran {
        steps: w.steps,
        scenario: s,
        trace,
        failures: result.failures,
        checks,
    })
}

/// HTML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// `text` escaped, in a `<span class=..>` when `class` is not empty.
fn span(class: &str, text: &str) -> String {
    if class.is_empty() {
        esc(text)
    } else {
        format!(r#"<span class="{class}">{}</span>"#, esc(text))
    }
}

/// The same text in both languages; CSS shows the chosen one (both without script).
fn bi(tag: &str, en: &str, zh: &str) -> String {
    format!(
        r#"<{tag} lang="en">{}</{tag}><{tag} lang="zh-CN">{}</{tag}>"#,
        esc(en),
        esc(zh)
    )
}

fn head(title: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
<script src="site.js"></script>
</head>
<body>
<header class="top">
  <a class="brand" href="index.html">StatefulSet Playground</a>
  <span class="langs" role="group" aria-label="Language / 语言">
    <button type="button" data-set-lang="en">English</button><button type="button" data-set-lang="zh">中文</button>
  </span>
</header>
<main>
"#,
        esc(title)
    )
}

const FOOT: &str = r#"</main>
<footer>
  <span lang="en">Rendered from the built-in scenarios by a deterministic simulation (same scenario and seed, same trace). No cluster involved.</span>
  <span lang="zh-CN">由内置场景经确定性模拟生成（相同场景与种子产生相同轨迹），无需真实集群。</span>
</footer>
</body>
</html>
"#;

fn badge(ran: &Ran) -> String {
    if ran.failures.is_empty() {
        format!(
            r#"<span class="badge pass">✓ {}</span>"#,
            bi(
                "span",
                &format!("{} checks passed", ran.checks),
                &format!("{} 项检查通过", ran.checks)
            )
        )
    } else {
        format!(
            r#"<span class="badge fail">✗ {}</span>"#,
            bi(
                "span",
                &format!(
                    "{} of {} checks failed",
                    ran.failures.len(),
                    ran.checks.max(ran.failures.len())
                ),
                &format!(
                    "{} 项检查中 {} 项失败",
                    ran.checks.max(ran.failures.len()),
                    ran.failures.len()
                )
            )
        )
    }
}

fn index_page(items: &[Item]) -> String {
    let mut h = head("StatefulSet Playground");
    h.push_str(&bi("h1", "StatefulSet Playground", "StatefulSet 演练场"));
    h.push_str(&bi(
        "p",
        "Watch the Kubernetes StatefulSet controller work step by step, and see why it waits: ordered creation, stable names and storage, scaling, rolling updates with partitions. Each scenario below was simulated in full; open one to read its narration, commands, watch log and events.",
        "逐步观察 Kubernetes StatefulSet 控制器如何工作，并了解它为何等待：有序创建、稳定的名称与存储、扩缩容、带分区的滚动更新。下面每个场景都已完整模拟；打开一个即可查看讲解、命令、监视日志和事件。",
    ));
    if items.is_empty() {
        h.push_str(&bi(
            "p",
            "No scenario found in scenarios/.",
            "scenarios/ 中没有场景。",
        ));
    }
    h.push_str("<ul class=\"scenarios\">\n");
    for item in items {
        h.push_str("<li>");
        match &item.outcome {
            Ok(ran) => {
                let s = &ran.scenario;
                let _ = write!(
                    h,
                    r#"<a class="title" href="{}.html">{}</a> "#,
                    esc(&item.page),
                    bi("span", &s.title.en, &s.title.zh)
                );
                h.push_str(&badge(ran));
                if let Some(sum) = &s.summary {
                    h.push_str(&bi("p", &sum.en, &sum.zh));
                }
                let _ = write!(
                    h,
                    r#"<p class="meta"><code>{}</code> · seed {} · {} </p>"#,
                    esc(&item.file),
                    s.seed,
                    bi(
                        "span",
                        &format!("{} simulation steps", ran.steps),
                        &format!("{} 个模拟步骤", ran.steps)
                    )
                );
            }
            Err(e) => {
                let _ = write!(
                    h,
                    r#"<span class="title">{}</span> <span class="badge fail">✗ {}</span><pre class="error">{}</pre>"#,
                    esc(&item.file),
                    bi("span", "invalid scenario", "场景无效"),
                    esc(e)
                );
            }
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ul>\n");
    h.push_str(FOOT);
    h
}

fn time(t: u64) -> String {
    SimTime(t).to_string()
}

/// kubectl's AGE column: `5s`, `2m3s`, `1h2m`.
fn age(ms: u64) -> String {
    let s = ms / 1000;
    if s < 120 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{}h{}m", s / 3600, (s % 3600) / 60)
    }
}

fn col(c: &BTreeMap<&'static str, serde_json::Value>, k: &str) -> String {
    match c.get(k) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        format!("{s} ")
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

fn scenario_page(item: &Item, ran: &Ran) -> String {
    let s = &ran.scenario;
    let mut h = head(&format!("{} · StatefulSet Playground", s.title.en));
    h.push_str(r#"<p class="back"><a href="index.html">← "#);
    h.push_str(&bi("span", "All scenarios", "所有场景"));
    h.push_str("</a></p>\n");
    h.push_str(&bi("h1", &s.title.en, &s.title.zh));
    if let Some(sum) = &s.summary {
        h.push_str(&bi("p", &sum.en, &sum.zh));
    }
    let end = ran.trace.last().map(|e| e.t).unwrap_or(0);
    let _ = write!(
        h,
        r#"<p class="meta">{} <code>{}</code> · seed {} · {} · {} · <a href="{}.jsonl">trace.jsonl</a></p>"#,
        badge(ran),
        esc(&item.file),
        s.seed,
        bi(
            "span",
            &format!("{} simulation steps", ran.steps),
            &format!("{} 个模拟步骤", ran.steps)
        ),
        bi(
            "span",
            &format!("ends at t={}", time(end)),
            &format!("结束于 t={}", time(end))
        ),
        esc(&item.page)
    );
    if !ran.failures.is_empty() {
        h.push_str(r#"<div class="failures">"#);
        h.push_str(&bi("h2", "Failed checks", "未通过的检查"));
        h.push_str("<ul>");
        for (step, detail) in &ran.failures {
            let _ = write!(h, "<li>step {step}: {}</li>", esc(detail));
        }
        h.push_str("</ul></div>\n");
    }
    h.push_str(r#"<nav class="toc">"#);
    for (id, en, zh) in [
        ("walkthrough", "Walkthrough", "演练过程"),
        ("watch", "kubectl get pods -w", "kubectl get pods -w"),
        ("events", "Events", "事件"),
        ("trace", "Full trace", "完整轨迹"),
    ] {
        let _ = write!(h, r##"<a href="#{id}">{}</a>"##, bi("span", en, zh));
    }
    h.push_str("</nav>\n");

    walkthrough(&mut h, ran);
    watch(&mut h, ran);
    events(&mut h, ran);
    full_trace(&mut h, ran);
    h.push_str(FOOT);
    h
}

/// Narration, commands with their output, checks and the controller's blockers, in order.
fn walkthrough(h: &mut String, ran: &Ran) {
    h.push_str(r#"<section id="walkthrough">"#);
    h.push_str(&bi("h2", "Walkthrough", "演练过程"));
    h.push_str(&bi(
        "p",
        "Narration, the commands that ran with their output, the checks, and every change of the controller's blocker (why it waits).",
        "讲解、执行的命令及其输出、检查结果，以及控制器阻塞原因（为何等待）的每次变化。",
    ));
    h.push_str(r#"<ol class="story">"#);
    for e in &ran.trace {
        let t = format!(r#"<span class="t">{}</span>"#, esc(&time(e.t)));
        match &e.record {
            Record::Say(s) => {
                let _ = write!(h, r#"<li class="say">{t}{}</li>"#, bi("p", &s.en, &s.zh));
            }
            Record::Command(c) => {
                let _ = write!(
                    h,
                    r#"<li class="cmd">{t}<pre><span class="prompt">$ </span><b>{}</b>"#,
                    esc(&c.command)
                );
                if !c.output.is_empty() {
                    h.push('\n');
                    h.push_str(&esc(c.output.trim_end_matches('\n')));
                }
                if c.exit != 0 {
                    let _ = write!(h, "\n<span class=\"exit\">(exit {})</span>", c.exit);
                }
                h.push_str("</pre></li>");
            }
            Record::Expect(x) => {
                let (cls, mark) = if x.ok {
                    ("check ok", "✓")
                } else {
                    ("check failed", "✗")
                };
                let _ = write!(
                    h,
                    r#"<li class="{cls}">{t}<span>{mark} {}</span></li>"#,
                    esc(&x.detail)
                );
            }
            Record::Blocked(b) => {
                if b.reason.is_empty() {
                    let _ = write!(
                        h,
                        r#"<li class="why cleared">{t}<span class="obj">{}</span> {}</li>"#,
                        esc(&b.object),
                        bi("span", "is no longer waiting", "不再等待")
                    );
                } else {
                    let zh = if b.zh.is_empty() { &b.reason } else { &b.zh };
                    let _ = write!(
                        h,
                        r#"<li class="why">{t}<span class="tag">{}</span> <span class="obj">{}</span> {}</li>"#,
                        bi("span", "why", "原因"),
                        esc(&b.object),
                        bi("span", &b.reason, zh)
                    );
                }
            }
            Record::Object(_) | Record::Event(_) | Record::Watch(_) => {}
        }
    }
    h.push_str("</ol></section>\n");
}

/// One row of the watch log.
struct Row {
    t: u64,
    verb: &'static str,
    name: String,
    ready: String,
    status: String,
    restarts: String,
    age: String,
    node: String,
    revision: String,
}

/// Pod changes as `kubectl get pods -w` prints them (plus the simulated time, node and revision).
fn watch(h: &mut String, ran: &Ran) {
    h.push_str(r#"<section id="watch">"#);
    h.push_str(&bi(
        "h2",
        "Watch: kubectl get pods -w",
        "监视：kubectl get pods -w",
    ));
    let mut created: BTreeMap<&str, u64> = BTreeMap::new();
    let mut rows = Vec::new();
    for e in &ran.trace {
        let Record::Object(o) = &e.record else {
            continue;
        };
        if o.kind != "Pod" {
            continue;
        }
        if o.verb == "ADDED" {
            created.insert(&o.name, e.t);
        }
        let since = created.get(o.name.as_str()).copied().unwrap_or(e.t);
        let restarts = match o.columns.get("restarts") {
            Some(_) => col(&o.columns, "restarts"),
            None => "0".into(),
        };
        rows.push(Row {
            t: e.t,
            verb: o.verb,
            name: o.name.clone(),
            ready: col(&o.columns, "ready"),
            status: col(&o.columns, "status"),
            restarts,
            age: age(e.t.saturating_sub(since)),
            node: col(&o.columns, "node"),
            revision: col(&o.columns, "revision"),
        });
    }
    if rows.is_empty() {
        h.push_str(&bi("p", "No pod changed.", "没有 Pod 发生变化。"));
        h.push_str("</section>\n");
        return;
    }
    let width = |f: fn(&Row) -> &str, min: usize| {
        rows.iter()
            .map(|r| f(r).chars().count())
            .max()
            .unwrap_or(0)
            .max(min)
            + 2
    };
    let wn = width(|r| &r.name, 4);
    let ws = width(|r| &r.status, 6);
    let wnode = width(|r| &r.node, 4);
    h.push_str(r#"<pre class="log watch">"#);
    let _ = writeln!(
        h,
        r#"<span class="hdr">{}{}{}{}{}{}{}{}REVISION</span>"#,
        pad("TIME", 11),
        pad("EVENT", 10),
        pad("NAME", wn),
        pad("READY", 7),
        pad("STATUS", ws),
        pad("RESTARTS", 10),
        pad("AGE", 8),
        pad("NODE", wnode)
    );
    for r in &rows {
        let mut ready = r.ready.split('/');
        let all_ready = ready.next().is_some_and(|a| Some(a) == ready.next());
        let cls = match r.status.as_str() {
            "Running" if all_ready => "ok",
            s if s.contains("Err") || s.contains("BackOff") || s == "Error" || s == "Failed" => {
                "bad"
            }
            "Terminating" => "term",
            _ => "",
        };
        let _ = writeln!(
            h,
            r#"<span class="t">{}</span><span class="verb">{}</span>{}{}{}{}{}{}{}"#,
            esc(&pad(&time(r.t), 11)),
            esc(&pad(r.verb, 10)),
            esc(&pad(&r.name, wn)),
            esc(&pad(&r.ready, 7)),
            span(cls, &pad(&r.status, ws)),
            esc(&pad(&r.restarts, 10)),
            esc(&pad(&r.age, 8)),
            esc(&pad(&r.node, wnode)),
            esc(&r.revision)
        );
    }
    h.push_str("</pre></section>\n");
}

fn events(h: &mut String, ran: &Ran) {
    h.push_str(r#"<section id="events">"#);
    h.push_str(&bi("h2", "Events", "事件"));
    let evs: Vec<_> = ran
        .trace
        .iter()
        .filter_map(|e| {
            if let Record::Event(ev) = &e.record {
                Some((e.t, ev))
            } else {
                None
            }
        })
        .collect();
    if evs.is_empty() {
        h.push_str(&bi("p", "No events.", "没有事件。"));
        h.push_str("</section>\n");
        return;
    }
    h.push_str(r#"<div class="scroll"><table class="events"><thead><tr><th>TIME</th><th>TYPE</th><th>REASON</th><th>OBJECT</th><th>MESSAGE</th></tr></thead><tbody>"#);
    for (t, ev) in evs {
        let cls = if ev.event_type == "Normal" {
            ""
        } else {
            " class=\"warning\""
        };
        let _ = write!(
            h,
            "<tr{cls}><td class=\"t\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&time(t)),
            esc(&ev.event_type),
            esc(&ev.reason),
            esc(&ev.object),
            esc(&ev.message)
        );
    }
    h.push_str("</tbody></table></div></section>\n");
}

fn full_trace(h: &mut String, ran: &Ran) {
    h.push_str(r#"<section id="trace"><details><summary>"#);
    h.push_str(&bi(
        "span",
        &format!(
            "Full trace ({} entries, as `sts run` prints it)",
            ran.trace.len()
        ),
        &format!(
            "完整轨迹（{} 条，与 `sts run` 的输出相同）",
            ran.trace.len()
        ),
    ));
    h.push_str(r#"</summary><pre class="log">"#);
    for e in &ran.trace {
        let cls = match &e.record {
            Record::Blocked(b) if !b.reason.is_empty() => "why",
            Record::Event(ev) if ev.event_type != "Normal" => "warning",
            Record::Expect(x) if !x.ok => "failed",
            Record::Expect(_) => "ok",
            Record::Say(_) => "say",
            Record::Command(_) => "cmdline",
            _ => "",
        };
        let _ = writeln!(h, "{}", span(cls, &e.text()));
    }
    h.push_str("</pre></details></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_html_cares_about() {
        assert_eq!(
            esc(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(esc("web-0 已就绪"), "web-0 已就绪");
    }

    #[test]
    fn age_reads_like_kubectl() {
        assert_eq!(age(0), "0s");
        assert_eq!(age(59_999), "59s");
        assert_eq!(age(125_000), "2m5s");
        assert_eq!(age(3_725_000), "1h2m");
    }

    /// A scenario whose every string is markup: none of it may reach the page unescaped.
    #[test]
    fn scenario_text_is_never_html() {
        let dir = std::env::temp_dir().join(format!("xtask-site-test-{}", std::process::id()));
        let scen = dir.join("scenarios");
        let out = dir.join("site");
        std::fs::create_dir_all(&scen).unwrap();
        let yaml = r#"scenario: hostile
title: {en: "<script>alert('t')</script>", zh: "<img src=x onerror=alert(1)>"}
summary: {en: "<b>bold</b> & co", zh: "</p><script>x</script>"}
seed: 1
manifests: |
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: web
  spec:
    selector:
      matchLabels:
        app: nginx
    serviceName: nginx
    replicas: 1
    template:
      metadata:
        labels:
          app: nginx
      spec:
        containers:
        - name: nginx
          image: "nginx:<script>"
steps:
  - say: {en: "<iframe src=evil>", zh: "<svg onload=alert(1)>"}
  - kubectl: "kubectl get pods <script>"
  - wait: 5s
"#;
        std::fs::write(scen.join("hostile.yaml"), yaml).unwrap();
        std::fs::write(scen.join("broken.yaml"), "scenario: <script>\n  bad: [").unwrap();
        let web = crate::workspace_root().join("web");
        let summary = build(&scen, &web, &out).unwrap();
        assert_eq!(summary.scenarios, 2);
        for page in ["index.html", "hostile.html"] {
            let html = std::fs::read_to_string(out.join(page)).unwrap();
            for bad in [
                "<script>alert",
                "<img src=x",
                "<b>bold",
                "<iframe",
                "<svg",
                "</p><script>",
                "get pods <script>",
                "nginx:<script>",
            ] {
                assert!(!html.contains(bad), "{page} contains unescaped {bad:?}");
            }
            assert_eq!(
                html.matches("<script").count(),
                1,
                "{page}: only the site.js tag"
            );
        }
        let index = std::fs::read_to_string(out.join("index.html")).unwrap();
        assert!(index.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;"));
        assert!(
            index.contains("broken.yaml"),
            "invalid scenarios are listed"
        );
        let page = std::fs::read_to_string(out.join("hostile.html")).unwrap();
        assert!(page.contains("&lt;iframe src=evil&gt;"));
        assert!(
            out.join("style.css").is_file()
                && out.join("site.js").is_file()
                && out.join("hostile.jsonl").is_file()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
