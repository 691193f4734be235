//! A playground session written back as a scenario file (the format of `scenarios/*.yaml`,
//! `docs/scenario-format.md`), so that `sts run` of the file, or importing it into the
//! page, reaches exactly the state the session had at its cursor.
//!
//! The file keeps the scenario's cluster, seed, files and manifests, and turns the
//! timeline's history up to the cursor into steps: each command line as a `kubectl:` step,
//! each manifest applied as `apply:`, each fault as `fault:`, and the simulation between
//! two of them as `wait: {events: N}` (exactly N events, the form the format has for this).
//! A clock advance (a lesson's `wait: 30s`) becomes a duration wait that runs no event.
//! Entries a command produced itself (the steps of a blocking `kubectl wait` or `kubectl
//! rollout status`) are not written: running the command again produces them.
//!
//! Lesson-only content (narration, tasks, checks) is not written: the file replays what
//! happened, not the lesson. Two inputs have no step of their own and are written as the
//! nearest step that changes the cluster the same way, with a comment: a saved `kubectl
//! edit` becomes an `apply:` of the objects it saved, a session file becomes a `cat >`
//! here-document. Ctrl-C on a `kubectl get -w` is only a comment: a scenario cannot stop
//! a watch, so the replay's watch lines go on (the cluster is the same).
//!
//! Exactness is checked, not assumed: the writer runs every step it writes on a timeline
//! of its own, as `sts run` would ([`crate::scenario::run_step`]), compares the end with
//! the session's world ([`Exported::exact`]), and reads the text it wrote back with the
//! real parser, falling back to quoting every string if a prettier form did not read
//! back the same.

use serde_json::Value;

use crate::scenario::{
    self, FaultSpec, Scenario, Settle, Step, Text, Wait, WaitUntil, MAX_STEPS_PER_WAIT,
};
use crate::timeline::{Input, Timeline};
use crate::world::World;

/// What the timeline's position 0 is, relative to the scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// `scenario::build_world(s)` with `s.manifests` already applied (the web session).
    ManifestsApplied,
    /// `scenario::build_world(s)` alone; the manifests are the first input, as
    /// [`crate::scenario::run`] and the JavaScript API apply them.
    ManifestsFirstInput,
}

/// A written scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    /// The file's text.
    pub yaml: String,
    /// The written scenario's id (`<id>-exported`), also the file stem to save it under.
    pub id: String,
    /// Running the file reaches the same cluster as the timeline at its cursor (pods,
    /// StatefulSets, revisions, claims, volumes, Deployments, nodes, Events, blockers,
    /// files and the clock), checked by running it. False only when the session went back
    /// into a blocking command's wait and went on from there (the replay runs the
    /// command to its end): the file says so in a comment.
    pub exact: bool,
    /// The file is larger than a scenario may be ([`scenario::MAX_SCENARIO_BYTES`]), so
    /// it will not be read back.
    pub too_large: bool,
}

/// The id of the scenario written from a session of `id`.
pub fn exported_id(id: &str) -> String {
    if id.ends_with("-exported") {
        id.to_string()
    } else if id.is_empty() {
        "exported".into()
    } else {
        format!("{id}-exported")
    }
}

/// [`export`]'s text.
pub fn to_yaml(s: &Scenario, tl: &Timeline, start: Start) -> String {
    export(s, tl, start).yaml
}

/// One step to write, with the comment lines above it.
struct Written {
    comments: Vec<String>,
    step: Step,
}

/// The steps written so far and the timeline that runs them (what `sts run` does).
struct Replay {
    written: Vec<Written>,
    comments: Vec<String>,
    tl: Timeline,
    failures: Vec<(usize, String)>,
    settle: Option<Settle>,
}

impl Replay {
    /// Writes `step` and runs it; returns how many history entries it produced.
    fn emit(&mut self, step: Step) -> usize {
        let before = self.tl.len();
        let n = self.written.len() + 1;
        scenario::run_step(
            &mut self.tl,
            &step,
            n,
            &mut self.failures,
            &mut self.settle,
            true,
        );
        self.written.push(Written {
            comments: std::mem::take(&mut self.comments),
            step,
        });
        self.tl.len() - before
    }

    /// Writes the simulation steps counted so far as `wait: {events: N}`.
    fn flush(&mut self, steps: &mut u64) {
        while *steps > 0 {
            let n = (*steps).min(MAX_STEPS_PER_WAIT as u64);
            self.emit(Step::Wait(Wait::Until(WaitUntil {
                ready: None,
                rollout: None,
                gone: None,
                events: Some(n),
            })));
            *steps -= n;
        }
    }
}

/// Writes the timeline `tl` of scenario `s`, up to its cursor, as a scenario file.
pub fn export(s: &Scenario, tl: &Timeline, start: Start) -> Exported {
    let id = exported_id(&s.scenario);
    let entries = tl.entries();
    let end = tl.position().min(entries.len());
    let mut i = 0;
    let manifests = match start {
        Start::ManifestsApplied => s.manifests.clone(),
        Start::ManifestsFirstInput => {
            let first_is_manifests = !s.manifests.trim().is_empty()
                && end > 0
                && matches!(entries.first(), Some(Some(Input::Apply(m))) if *m == s.manifests);
            if first_is_manifests {
                i = 1;
                s.manifests.clone()
            } else {
                String::new()
            }
        }
    };
    let mut out = Scenario {
        scenario: id.clone(),
        title: exported_title(&s.title),
        summary: Some(exported_summary(&s.title)),
        lesson: None,
        kubernetes: s.kubernetes.clone(),
        seed: s.seed,
        cluster: s.cluster.clone(),
        manifests,
        files: s.files.clone(),
        steps: Vec::new(),
    };
    // The replay starts as `scenario::run_with` does.
    let mut tl0 = Timeline::new(scenario::build_world(&out));
    if !out.manifests.trim().is_empty() {
        tl0.input(Input::Apply(out.manifests.clone()));
    }
    let mut r = Replay {
        written: Vec::new(),
        comments: Vec::new(),
        tl: tl0,
        failures: Vec::new(),
        settle: None,
    };
    let mut notes: Vec<String> = Vec::new();
    let mut steps: u64 = 0;
    while i < end {
        let Some(input) = entries[i] else {
            steps += 1;
            i += 1;
            continue;
        };
        r.flush(&mut steps);
        let step = match input {
            Input::Kubectl(line) => Some(Step::Kubectl(line.clone())),
            Input::KubectlStdin { line, stdin } => {
                r.comments
                    .push("a command with standard input (written as a here-document)".into());
                Some(Step::Kubectl(here_document(line, stdin)))
            }
            Input::Apply(text) => Some(Step::Apply(text.clone())),
            Input::Edit(text) => match crate::kubectl::edited_manifest(r.tl.world(), text) {
                Some(objects) => {
                    r.comments.push(
                        "kubectl edit, saved in the playground's editor: the objects it saved, applied"
                            .into(),
                    );
                    Some(Step::Apply(objects))
                }
                None => {
                    r.comments.push(
                        "kubectl edit, saved in the playground's editor: nothing was applied (cancelled, or not YAML)"
                            .into(),
                    );
                    None
                }
            },
            Input::File { name, text } => {
                r.comments.push(format!(
                    "the session saved the file {name} (the shell's files)"
                ));
                Some(Step::Kubectl(here_document(
                    &format!("cat > {}", crate::shell::quote(name)),
                    text,
                )))
            }
            Input::Interrupt => {
                r.comments.push(
                    "Ctrl-C: the session stopped its `kubectl get -w` here. A scenario cannot, so this replay's watch goes on until the cluster settles (only its watch lines differ)."
                        .into(),
                );
                None
            }
            Input::Fault(f) => Some(Step::Fault(FaultSpec::of(f))),
            Input::AdvanceClock(t) => {
                let now = r.tl.world().now;
                (*t > now).then(|| {
                    Step::Wait(Wait::Word(format!(
                        "{}ms",
                        t.as_millis().saturating_sub(now.as_millis())
                    )))
                })
            }
        };
        let Some(step) = step else {
            i += 1;
            continue;
        };
        let before = r.tl.len();
        let produced = r.emit(step);
        // The first entry produced is the input itself; the rest are what the command ran
        // by itself (a blocking command's steps), which the session recorded after its
        // input too, unless it went back into them and went on from there.
        let own = produced.saturating_sub(1);
        let mut same = 0;
        while same < own
            && i + 1 + same < end
            && r.tl.entry(before + 1 + same) == Some(entries[i + 1 + same])
        {
            same += 1;
        }
        if same < own {
            let command = match input {
                Input::Kubectl(line) => line.clone(),
                other => format!("{other:?}"),
            };
            let note = format!(
                "the session went back into the wait of `{command}` (position {}) and went on from there; running the file runs that command to its end",
                i + 1 + same
            );
            if let Some(w) = r.written.last_mut() {
                w.comments.push(format!("Note: {note}."));
            }
            notes.push(note);
        }
        i += 1 + same;
    }
    r.flush(&mut steps);
    // One closing narration: in the playground, Start runs every step up to it (a
    // lesson's Next runs the steps before the next narration), so an imported file
    // replays the session with one click; `sts run` only records it.
    let now = tl.world().now;
    r.emit(Step::Say(Text {
        en: format!("This is where the exported session stopped: position {end} of its timeline, at t={now}."),
        zh: format!("导出的会话停在这里：时间线位置 {end}，t={now}。"),
    }));
    let exact = notes.is_empty() && same_state(r.tl.world(), tl.world());
    if notes.is_empty() && !exact {
        notes.push("running this file does not reach exactly the session's state".into());
    }
    let trailing = std::mem::take(&mut r.comments);
    out.steps = r.written.iter().map(|w| w.step.clone()).collect();
    let mut header = vec![
        format!(
            "Written by the StatefulSet Playground from a session of \"{}\" (scenario {}),",
            s.title.en.replace(['\n', '\r'], " "),
            s.scenario
        ),
        format!(
            "up to position {} of its timeline (t={}, {} events).",
            end,
            tl.world().now,
            tl.world().steps
        ),
        if exact {
            "Running it (`sts run`, or Import in the playground) reaches the same cluster state."
        } else {
            "Running it (`sts run`, or Import in the playground) does not end exactly there (see the note below)."
        }
        .into(),
        "`wait: {events: N}` runs exactly N events of the simulation, as the session did".into(),
        "between two actions. A lesson's narration, tasks and checks are not included; the".into(),
        "closing `say` marks where the session stopped.".into(),
    ];
    for n in &notes {
        header.push(format!("Note: {n}."));
    }
    let doc = Doc {
        header: &header,
        s: &out,
        written: &r.written,
        trailing: &trailing,
    };
    // The readable form, unless it does not read back as written (then every string
    // quoted, which always does).
    let mut yaml = doc.write(true);
    if scenario::parse_unbounded(&yaml).as_ref() != Ok(&out) {
        yaml = doc.write(false);
    }
    Exported {
        too_large: yaml.len() > scenario::MAX_SCENARIO_BYTES,
        yaml,
        id,
        exact,
    }
}

/// The title of the written scenario.
fn exported_title(t: &Text) -> Text {
    let en = if t.en.ends_with(" (exported)") {
        t.en.clone()
    } else {
        format!("{} (exported)", t.en)
    };
    let zh = if t.zh.ends_with("（导出）") {
        t.zh.clone()
    } else {
        format!("{}（导出）", t.zh)
    };
    Text { en, zh }
}

/// The summary of the written scenario (the original's describes a lesson that is not
/// written).
fn exported_summary(t: &Text) -> Text {
    let t = Text {
        en: t
            .en
            .strip_suffix(" (exported)")
            .unwrap_or(&t.en)
            .to_string(),
        zh: t.zh.strip_suffix("（导出）").unwrap_or(&t.zh).to_string(),
    };
    Text {
        en: format!("A playground session of “{}”, written as a scenario file: Start replays what was done in it, up to where it stopped.", t.en),
        zh: format!("“{}”的一次演练场会话，保存为场景文件：点击“开始”即可重放其中的操作，直到会话停止的位置。", t.zh),
    }
}

/// `line` with `body` as its standard input.
fn here_document(line: &str, body: &str) -> String {
    let body = if body.ends_with('\n') || body.is_empty() {
        body.to_string()
    } else {
        format!("{body}\n")
    };
    let delim = crate::export::delimiter(&body);
    format!("{line} <<'{delim}'\n{body}{delim}")
}

/// The same cluster: what a user sees of it, and the clock.
fn same_state(a: &World, b: &World) -> bool {
    a.now == b.now
        && a.nodes == b.nodes
        && a.pods == b.pods
        && a.sets == b.sets
        && a.revisions == b.revisions
        && a.claims == b.claims
        && a.volumes == b.volumes
        && a.classes == b.classes
        && a.services == b.services
        && a.deployments == b.deployments
        && a.replica_sets == b.replica_sets
        && a.events == b.events
        && a.blockers == b.blockers
        && a.files == b.files
}

// ---- writing YAML -------------------------------------------------------------------

/// What the file holds.
struct Doc<'a> {
    header: &'a [String],
    s: &'a Scenario,
    written: &'a [Written],
    trailing: &'a [String],
}

impl Doc<'_> {
    /// The text; `pretty`: plain and block scalars where they are safe, else every
    /// string double-quoted (JSON's escapes, which YAML reads the same).
    fn write(&self, pretty: bool) -> String {
        let s = self.s;
        let mut out = String::new();
        comment_lines(&mut out, 0, self.header);
        let y = Yaml { pretty };
        out.push_str("scenario: ");
        out.push_str(&y.inline(&s.scenario));
        out.push('\n');
        y.entry(&mut out, 0, "title", &text_value(&s.title));
        if let Some(summary) = &s.summary {
            y.entry(&mut out, 0, "summary", &text_value(summary));
        }
        if s.kubernetes != "1.32" {
            y.entry(
                &mut out,
                0,
                "kubernetes",
                &Value::from(s.kubernetes.clone()),
            );
        }
        out.push_str(&format!("seed: {}\n", s.seed));
        if let Ok(cluster) = serde_json::to_value(&s.cluster) {
            if cluster.as_object().is_some_and(|m| !m.is_empty()) {
                y.entry(&mut out, 0, "cluster", &cluster);
            }
        }
        if !s.files.is_empty() {
            let files: serde_json::Map<String, Value> = s
                .files
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                .collect();
            y.entry(&mut out, 0, "files", &Value::Object(files));
        }
        if !s.manifests.is_empty() {
            y.entry(&mut out, 0, "manifests", &Value::from(s.manifests.clone()));
        }
        if self.written.is_empty() {
            out.push_str("steps: []\n");
        } else {
            out.push_str("steps:\n");
        }
        for w in self.written {
            comment_lines(&mut out, 2, &w.comments);
            let Some((key, value)) = step_value(&w.step) else {
                continue;
            };
            out.push_str("  - ");
            match (&w.step, &value) {
                // `wait: 1500ms` reads as a string whatever the style.
                (Step::Wait(Wait::Word(d)), _) if pretty => {
                    out.push_str(&format!("{key}: {d}\n"));
                }
                // Small mappings of scalars on one line, the object named first:
                // `fault: {pod: web-1, fail: true}`, `wait: {events: 12}`.
                (_, Value::Object(m)) if m.values().all(|v| !v.is_object() && !v.is_array()) => {
                    let mut pairs: Vec<(&String, &Value)> = m.iter().collect();
                    pairs.sort_by_key(|(k, _)| {
                        ["pod", "node", "image"]
                            .iter()
                            .position(|first| first == k)
                            .unwrap_or(3)
                    });
                    let inner: Vec<String> = pairs
                        .iter()
                        .map(|(k, v)| format!("{}: {}", y.inline(k), y.flow(v)))
                        .collect();
                    out.push_str(&format!("{key}: {{{}}}\n", inner.join(", ")));
                }
                _ => y.entry(&mut out, 4, key, &value),
            }
        }
        comment_lines(&mut out, 0, self.trailing);
        out
    }
}

/// A step as the key and value it is written as (the steps a session produces).
fn step_value(step: &Step) -> Option<(&'static str, Value)> {
    Some(match step {
        Step::Kubectl(line) => ("kubectl", Value::from(line.clone())),
        Step::Apply(text) => ("apply", Value::from(text.clone())),
        Step::Wait(Wait::Word(w)) => ("wait", Value::from(w.clone())),
        Step::Wait(Wait::Until(WaitUntil {
            events: Some(n), ..
        })) => ("wait", serde_json::json!({ "events": n })),
        Step::Fault(f) => ("fault", serde_json::to_value(f).ok()?),
        Step::Say(t) => ("say", text_value(t)),
        Step::Wait(Wait::Until(_)) | Step::Expect(_) | Step::Task(_) => return None,
    })
}

fn text_value(t: &Text) -> Value {
    serde_json::json!({ "en": t.en, "zh": t.zh })
}

fn comment_lines(out: &mut String, indent: usize, lines: &[String]) {
    for text in lines {
        for line in text.lines() {
            out.push_str(&" ".repeat(indent));
            out.push_str("# ");
            // A comment ends at a line break (YAML knows more of them than `lines`), and
            // the file may not hold control characters or a byte-order mark anywhere.
            let safe: String = line
                .chars()
                .map(|c| {
                    if (c.is_control() && c != '\t')
                        || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
                    {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            out.push_str(&safe);
            out.push('\n');
        }
    }
}

/// The scalar and collection writer.
struct Yaml {
    pretty: bool,
}

impl Yaml {
    /// `key: value` at `indent`, the key already indented when `indent` is the
    /// position after `- ` (the caller wrote the dash).
    fn entry(&self, out: &mut String, indent: usize, key: &str, value: &Value) {
        out.push_str(&self.inline(key));
        out.push(':');
        self.value(out, indent, value);
    }

    /// A value after `key:` of a mapping whose keys are at column `indent`.
    fn value(&self, out: &mut String, indent: usize, value: &Value) {
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                for (k, v) in named_first(m) {
                    out.push_str(&" ".repeat(indent + 2));
                    self.entry(out, indent + 2, k, v);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                for item in items {
                    out.push_str(&" ".repeat(indent + 2));
                    out.push_str("- ");
                    match item {
                        Value::Object(m) if !m.is_empty() => {
                            // The first key after the dash, the others under it.
                            for (n, (k, v)) in named_first(m).into_iter().enumerate() {
                                if n > 0 {
                                    out.push_str(&" ".repeat(indent + 4));
                                }
                                self.entry(out, indent + 4, k, v);
                            }
                        }
                        other => {
                            out.push_str(&self.flow(other));
                            out.push('\n');
                        }
                    }
                }
            }
            Value::String(s) if self.pretty && block_ok(s) => {
                out.push(' ');
                block(out, indent + 2, s);
            }
            other => {
                out.push(' ');
                out.push_str(&self.flow(other));
                out.push('\n');
            }
        }
    }

    /// A value on one line (JSON is YAML's flow style).
    fn flow(&self, value: &Value) -> String {
        match value {
            Value::String(s) => self.inline(s),
            Value::Object(m) => {
                let inner: Vec<String> = m
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.inline(k), self.flow(v)))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            Value::Array(items) => {
                let inner: Vec<String> = items.iter().map(|v| self.flow(v)).collect();
                format!("[{}]", inner.join(", "))
            }
            other => other.to_string(),
        }
    }

    /// A string on one line: plain when that cannot read as anything else, else
    /// double-quoted.
    fn inline(&self, s: &str) -> String {
        if self.pretty && plain_ok(s) {
            s.to_string()
        } else {
            quoted(s)
        }
    }
}

/// `s` double-quoted, every character YAML would not take literally escaped (JSON's
/// escapes, which YAML reads the same, plus `\u` for DEL, C1 controls, line and paragraph
/// separators and the byte-order mark, which JSON leaves as they are).
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A mapping's entries in the order a person writes them: `name` (or a taint's `key`)
/// first, then the others (alphabetically, as JSON objects keep them).
fn named_first(m: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = m.iter().collect();
    entries.sort_by_key(|(k, _)| !matches!(k.as_str(), "name" | "key"));
    entries
}

/// A string that reads back as the same string when written plain, in block and flow
/// context alike, under YAML 1.1 typing as kubectl's reader does it (`yes`, `on`, `y`
/// are booleans there): a letter first, then letters, digits, spaces and `._/=-` only.
fn plain_ok(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !s.ends_with(' ')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '_' | '/' | '=' | '-'))
        && !matches!(
            lower.as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        )
}

/// A string a literal block scalar (`|`) holds exactly: several lines, no characters
/// YAML would not keep (control characters, other line breaks, a byte-order mark), no
/// line of only blanks and no line starting with a tab (where indentation and content
/// would be hard to tell apart).
fn block_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.trim().is_empty()
        && !s.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
        })
        && s.split('\n').all(|l| {
            !l.starts_with('\t') && (l.is_empty() || !l.chars().all(|c| c == ' ' || c == '\t'))
        })
}

/// `s` as a literal block scalar whose lines are at column `indent`.
fn block(out: &mut String, indent: usize, s: &str) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    // Leading spaces are content only with the indentation given (2: the content is
    // two columns in from its key).
    let indicator = if body
        .split('\n')
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with(' '))
    {
        "2"
    } else {
        ""
    };
    out.push('|');
    out.push_str(indicator);
    out.push_str(chomp);
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Fault;

    /// A small scenario with every part of `cluster:` and a file.
    const SMALL: &str = r#"scenario: small
title: {en: "Small: one set", zh: "小：一个集合"}
summary: {en: "Three pods.", zh: "三个 Pod。"}
lesson: 3
seed: 5
cluster:
  nodes:
    - name: node-a
      labels: {zone: a, "node-role.kubernetes.io/worker": ""}
      taints: [{key: dedicated, value: db, effect: NoSchedule}]
      capacity: {cpu: 4, memory: 8Gi}
    - {name: node-b}
    - {name: node-c, down: true}
  storageClasses:
    - {name: fast, default: true, bindingMode: WaitForFirstConsumer, reclaimPolicy: Retain}
  timing: {imagePull: 1s, terminate: 500ms}
  images: {"nginx:1.99": {pull: fails}}
  featureGates: {MaxUnavailableStatefulSet: true}
files:
  "https://k8s.io/examples/web.yaml": |
    kind: ConfigMap
  notes.txt: "one line"
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
    replicas: 3
    template:
      metadata:
        labels:
          app: nginx
      spec:
        containers:
        - name: nginx
          image: nginx:1.21
steps:
  - say: {en: hi, zh: 你好}
  - wait: settled
"#;

    fn session(text: &str) -> (Scenario, Timeline) {
        let s = scenario::parse(text).expect("parses");
        let mut w = scenario::build_world(&s);
        w.apply_manifests(&s.manifests);
        (s, Timeline::new(w))
    }

    /// Strings that plain or block style would get wrong if written naively.
    const AWKWARD: &[&str] = &[
        "yes",
        "No",
        "on",
        "y",
        "null",
        "~",
        "",
        " ",
        "0x1F",
        "1e3",
        "017",
        "1_000",
        "3.0",
        ".inf",
        "2024-01-01",
        "key: value",
        "a #comment",
        "- dash",
        "? question",
        "{json: 1}",
        "[1, 2]",
        "\"quoted\"",
        "'single'",
        "back\\slash",
        "*alias",
        "&anchor",
        "!tag",
        "%directive",
        "@at",
        "`tick`",
        "|",
        ">",
        "ümlaut 中文 😀",
        "trailing space ",
        " leading space",
        "tab\there",
        "multi\nline",
        "multi\nline\n",
        "two trailing\n\n",
        "three trailing\n\n\n",
        "\nleading empty line\n",
        "  indented first\nthen not\n",
        "first\n  then indented\n",
        "blank line with spaces\n   \nafter\n",
        "\ttab first\nline\n",
        "crlf\r\nline\r\n",
        "---\nkind: x\n...\n",
        "# not a comment\nkind: x\n",
        "\u{feff}bom\n",
        "nul \u{0} char\n",
        "line\u{2028}separator\n",
        "next line\u{85}char\n",
        "del\u{7f}\n",
        "ends without newline\nsecond",
    ];

    fn written(step: Step) -> Written {
        Written {
            comments: vec!["a comment\nover two lines".into()],
            step,
        }
    }

    #[test]
    fn the_readable_form_reads_back_exactly_for_awkward_strings() {
        let (s, _) = session(SMALL);
        for text in AWKWARD {
            let mut s = s.clone();
            s.scenario = "x".into();
            s.lesson = None;
            s.steps = vec![
                Step::Kubectl(text.to_string()),
                Step::Apply(text.to_string()),
            ];
            s.files.insert(text.to_string(), text.to_string());
            s.manifests = text.to_string();
            s.title = Text {
                en: text.to_string(),
                zh: text.to_string(),
            };
            let steps: Vec<Written> = s.steps.iter().cloned().map(written).collect();
            let header = vec![text.to_string()];
            let doc = Doc {
                header: &header,
                s: &s,
                written: &steps,
                trailing: &header,
            };
            for pretty in [true, false] {
                let yaml = doc.write(pretty);
                let back = scenario::parse(&yaml)
                    .unwrap_or_else(|e| panic!("{text:?} (pretty {pretty}): {e}\n{yaml}"));
                assert_eq!(back, s, "{text:?} (pretty {pretty}):\n{yaml}");
            }
        }
    }

    #[test]
    fn readable_strings_are_written_plain_or_as_blocks() {
        let y = Yaml { pretty: true };
        assert_eq!(
            y.inline("kubectl scale sts web --replicas=5"),
            "kubectl scale sts web --replicas=5"
        );
        assert_eq!(y.inline("yes"), "\"yes\"");
        assert_eq!(y.inline("nginx:1.21"), "\"nginx:1.21\"");
        let mut out = String::new();
        y.value(
            &mut out,
            0,
            &Value::from("kind: Pod\nmetadata:\n  name: a\n"),
        );
        assert_eq!(out, " |\n  kind: Pod\n  metadata:\n    name: a\n");
        let mut out = String::new();
        y.value(&mut out, 4, &Value::from("  indented\nx"));
        assert_eq!(out, " |2-\n        indented\n      x\n");
    }

    #[test]
    fn a_session_is_written_with_its_cluster_files_and_steps() {
        let (s, mut tl) = session(SMALL);
        for _ in 0..7 {
            tl.step();
        }
        tl.input(Input::Kubectl("kubectl scale sts web --replicas=2".into()));
        tl.input(Input::Fault(Fault::ImagePull {
            image: "nginx:1.21".into(),
            fails: true,
        }));
        tl.input(Input::File {
            name: "my file.yaml".into(),
            text: "kind: x\n".into(),
        });
        tl.input(Input::KubectlStdin {
            line: "kubectl apply -f -".into(),
            stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n".into(),
        });
        for _ in 0..5 {
            tl.step();
        }
        let e = export(&s, &tl, Start::ManifestsApplied);
        assert!(e.exact, "{}", e.yaml);
        assert_eq!(e.id, "small-exported");
        let back = scenario::parse(&e.yaml).expect("parses");
        assert_eq!(back.scenario, "small-exported");
        assert_eq!(back.title.en, "Small: one set (exported)");
        assert_eq!(back.title.zh, "小：一个集合（导出）");
        assert!(back
            .summary
            .as_ref()
            .is_some_and(|t| t.en.contains("“Small: one set”")));
        assert_eq!(back.lesson, None, "an export is not a numbered lesson");
        assert_eq!(back.seed, 5);
        assert_eq!(back.cluster, s.cluster);
        assert_eq!(back.files, s.files);
        assert_eq!(back.manifests, s.manifests);
        assert_eq!(back.steps.len(), 7, "{}", e.yaml);
        assert!(
            e.yaml.contains(
                "\n  - wait: {events: 7}\n  - kubectl: kubectl scale sts web --replicas=2\n"
            ),
            "{}",
            e.yaml
        );
        assert!(
            e.yaml
                .contains("- fault: {image: \"nginx:1.21\", pull: fails}\n"),
            "{}",
            e.yaml
        );
        assert!(
            e.yaml.contains("cat > 'my file.yaml' <<'EOF'"),
            "{}",
            e.yaml
        );
        assert!(
            !e.yaml.contains("你好"),
            "the lesson's narration is not written"
        );
        assert!(
            matches!(back.steps.last(), Some(Step::Say(t)) if t.en.starts_with("This is where the exported session stopped: position 16 of its timeline")),
            "{}",
            e.yaml
        );
        let run = scenario::run(&back);
        assert!(run.failures.is_empty(), "{:?}", run.failures);
        assert_eq!(run.timeline.world().files, tl.world().files);
        assert!(run.timeline.world().others.len() == tl.world().others.len());
        // A written file written again keeps its id and title.
        let again = export(&back, &run.timeline, Start::ManifestsFirstInput);
        assert_eq!(again.id, "small-exported");
        assert!(
            again.yaml.contains("en: \"Small: one set (exported)\"\n"),
            "{}",
            again.yaml
        );
        // Nothing done yet: the file has no steps, and is still a scenario.
        let (s, tl) = session(SMALL);
        let e = export(&s, &tl, Start::ManifestsApplied);
        assert!(e.yaml.contains("\nsteps:\n  - say: "), "{}", e.yaml);
        assert!(e.exact);
        scenario::parse(&e.yaml).expect("parses");
    }

    #[test]
    fn wait_events_runs_exactly_that_many_events() {
        let text = format!(
            "{}steps:\n  - wait: {{events: 9}}\n",
            crate::bench::scenario_yaml(3, 3)
        );
        let s = scenario::parse(&text).expect("parses");
        let run = scenario::run(&s);
        assert!(run.failures.is_empty(), "{:?}", run.failures);
        assert_eq!(run.timeline.world().steps, 9);
        // More events than the cluster has work for: a failed check, not a hang.
        let text = format!(
            "{}steps:\n  - wait: {{events: 2000000}}\n",
            crate::bench::scenario_yaml(1, 1)
        );
        let run = scenario::run(&scenario::parse(&text).expect("parses"));
        assert_eq!(run.failures.len(), 1, "{:?}", run.failures);
        assert!(
            run.failures[0]
                .1
                .contains("waited for 2000000 events, but the cluster ran out of work after"),
            "{:?}",
            run.failures
        );
    }

    fn parse_error(steps: &str) -> String {
        let text = format!("scenario: x\ntitle: {{en: x, zh: x}}\nsteps:\n{steps}");
        match scenario::parse(&text) {
            Ok(_) => panic!("accepted: {steps}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_bad_events_wait_is_refused_with_its_line() {
        assert_eq!(
            parse_error("  - wait: {events: 0}\n"),
            "line 4:1: wait.events: must be between 1 and 2000000, not 0"
        );
        assert_eq!(
            parse_error("  - wait: {events: 2000001}\n"),
            "line 4:1: wait.events: must be between 1 and 2000000, not 2000001"
        );
        assert_eq!(
            parse_error("  - say: {en: a, zh: b}\n  - wait: {events: 3, ready: web-0}\n"),
            "line 5:1: wait: {events: N} cannot be combined with ready, rollout or gone"
        );
        assert!(parse_error("  - wait: {events: many}\n").starts_with("line 4:"));
    }

    /// What an import meets: the parser refuses with a position, never panics.
    #[test]
    fn hostile_files_are_refused_with_the_parsers_message() {
        let e = scenario::parse("scenario: x\ntitle: {en: x, zh: x}\nsteps: [unclosed\n")
            .expect_err("not YAML");
        assert!(e.line >= 3, "{e}");
        let e = scenario::parse("- a list\n- not a scenario\n").expect_err("wrong top level");
        assert_eq!(
            e.to_string(),
            "line 1:1: a scenario file is a mapping (`scenario:`, `title:`, `steps:` …), but this one is a list"
        );
        let e = scenario::parse("just a string").expect_err("wrong top level");
        assert!(e.message.ends_with("but this one is a single value"), "{e}");
        let big = format!("scenario: x\n#{}\n", "x".repeat(2 << 20));
        let e = scenario::parse(&big).expect_err("2 MiB");
        assert_eq!(e.message, "scenario is larger than the 1024 KiB limit");
        assert_eq!(
            parse_error("  - kubectl: get pods\n  - jump: 3\n"),
            "line 5:5: steps[1].jump: unknown field `jump`, expected one of `say`, `wait`, `kubectl`, `apply`, `fault`, `expect`, `task`"
        );
        let e = scenario::parse("scenario: x\ntitle: {en: x, zh: x}\n\u{0}\n").expect_err("NUL");
        assert!(e.message.contains("control characters"), "{e}");
        assert!(scenario::parse("").is_err());
        assert!(scenario::parse("---\nscenario: a\n---\nscenario: b\n").is_err());
    }

    #[test]
    fn ids_and_titles_say_exported_once() {
        assert_eq!(exported_id("partition-canary"), "partition-canary-exported");
        assert_eq!(
            exported_id("partition-canary-exported"),
            "partition-canary-exported"
        );
        let t = exported_title(&Text {
            en: "A (exported)".into(),
            zh: "甲（导出）".into(),
        });
        assert_eq!(
            (t.en.as_str(), t.zh.as_str()),
            ("A (exported)", "甲（导出）")
        );
    }
}
