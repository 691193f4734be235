//! The manifest corpus: every file in `tests/manifests/` is a bad or tricky manifest with
//! its expected verdict written in its own leading comments (see
//! `tests/manifests/README.md` for the format). Each case is diagnosed as the editor
//! of a fresh playground would ([`World::diagnose`] on a new two-node cluster, so a
//! StatefulSet whose Service is neither in the stream nor in the cluster gets the
//! "no Service yet" hint) and, when it says so, applied with `kubectl apply` to another
//! fresh cluster; both must give exactly what the case expects.
//!
//! Hostile inputs too large or too odd to keep as files (multi-megabyte documents,
//! ten-thousand-deep nesting) are built here and checked the same way.

use std::path::{Path, PathBuf};

use sts_engine::diagnose::{diagnose, Diagnostic, Severity};
use sts_engine::manifest;
use sts_engine::world::World;
use sts_tests::repo_root;

/// The corpus must not shrink below this.
const MIN_CASES: usize = 102;

/// One expected diagnostic.
#[derive(Debug)]
struct Expect {
    severity: Severity,
    line: usize,
    column: usize,
    field: Option<String>,
    message: Option<String>,
    contains: Vec<String>,
}

#[derive(Debug, Default)]
struct Case {
    name: String,
    expects: Vec<Expect>,
    ok: bool,
    /// Expected `kubectl apply -f -` output lines, when given.
    apply: Option<Vec<String>>,
    apply_exit: Option<i32>,
}

fn parse_case(path: &Path, text: &str) -> Result<Case, String> {
    let mut case = Case {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..Case::default()
    };
    for line in text.lines() {
        let Some(rest) = line.trim_start_matches('\u{feff}').strip_prefix("# ") else {
            continue;
        };
        if let Some(v) = rest.strip_prefix("expect: ") {
            if v.trim() == "ok" {
                case.ok = true;
                continue;
            }
            let mut words = v.split_whitespace();
            let severity = match words.next() {
                Some("error") => Severity::Error,
                Some("warning") => Severity::Warning,
                other => return Err(format!("{}: bad severity {other:?}", case.name)),
            };
            let pos = words.next().unwrap_or_default();
            let (l, c) = pos
                .split_once(':')
                .ok_or_else(|| format!("{}: expect needs LINE:COL, got {pos:?}", case.name))?;
            case.expects.push(Expect {
                severity,
                line: l.parse().map_err(|_| format!("{}: bad line", case.name))?,
                column: c
                    .parse()
                    .map_err(|_| format!("{}: bad column", case.name))?,
                field: words.next().map(String::from),
                message: None,
                contains: Vec::new(),
            });
        } else if let Some(v) = rest.strip_prefix("message: ") {
            let e = case
                .expects
                .last_mut()
                .ok_or_else(|| format!("{}: message before expect", case.name))?;
            e.message = Some(match e.message.take() {
                Some(m) => format!("{m}\n{v}"),
                None => v.to_string(),
            });
        } else if let Some(v) = rest.strip_prefix("contains: ") {
            case.expects
                .last_mut()
                .ok_or_else(|| format!("{}: contains before expect", case.name))?
                .contains
                .push(v.to_string());
        } else if let Some(v) = rest.strip_prefix("apply: ") {
            case.apply.get_or_insert_with(Vec::new).push(v.to_string());
        } else if let Some(v) = rest.strip_prefix("apply-exit: ") {
            case.apply_exit = Some(v.trim().parse().map_err(|_| "bad apply-exit")?);
        }
    }
    if !case.ok && case.expects.is_empty() {
        return Err(format!(
            "{}: a case needs `# expect: ok` or at least one `# expect: error|warning L:C`",
            case.name
        ));
    }
    if case.ok && !case.expects.is_empty() {
        return Err(format!(
            "{}: `expect: ok` excludes errors and warnings",
            case.name
        ));
    }
    Ok(case)
}

fn check_diagnostics(case: &Case, got: &[Diagnostic]) -> Result<(), String> {
    let show = |d: &[Diagnostic]| {
        d.iter()
            .map(|d| format!("  {} [{}]", d.render(), d.field.as_deref().unwrap_or("-")))
            .collect::<Vec<_>>()
            .join("\n")
    };
    if got.len() != case.expects.len() {
        return Err(format!(
            "{}: expected {} diagnostics, got {}:\n{}",
            case.name,
            case.expects.len(),
            got.len(),
            show(got)
        ));
    }
    for (e, d) in case.expects.iter().zip(got) {
        let mut bad = Vec::new();
        if e.severity != d.severity || (e.line, e.column) != (d.line, d.column) {
            bad.push(format!(
                "position/severity: expected {:?} {}:{}",
                e.severity, e.line, e.column
            ));
        }
        if e.field.is_some() && e.field != d.field {
            bad.push(format!("field: expected {:?}", e.field));
        }
        if let Some(m) = &e.message {
            if *m != d.message {
                bad.push(format!("message: expected\n    {m}"));
            }
        }
        for c in &e.contains {
            if !d.message.contains(c.as_str()) {
                bad.push(format!("message lacks {c:?}"));
            }
        }
        if !bad.is_empty() {
            return Err(format!(
                "{}: diagnostic {}\n  {}\nall:\n{}",
                case.name,
                d.render(),
                bad.join("\n  "),
                show(got)
            ));
        }
    }
    Ok(())
}

/// A fresh cluster of two nodes, nothing applied.
fn empty_world() -> World {
    let s = sts_engine::scenario::parse(
        "scenario: corpus\ntitle: {en: corpus, zh: 语料}\nsummary: {en: corpus, zh: 语料}\nmanifests: \"\"\nsteps: []\n",
    )
    .expect("the corpus scenario parses");
    sts_engine::scenario::build_world(&s)
}

/// The folder of cases to run: `tests/manifests`, or one of its subfolders named by
/// `STS_CORPUS_DIR` (e.g. `STS_CORPUS_DIR=pending` runs the cases the engine does not
/// pass yet, to see which a change has fixed).
fn corpus_dir() -> (PathBuf, bool) {
    let base = repo_root().join("tests/manifests");
    match std::env::var("STS_CORPUS_DIR") {
        Ok(sub) if !sub.is_empty() => (base.join(sub), false),
        _ => (base, true),
    }
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.extension()
            .is_some_and(|e| e == "yaml" || e == "json" || e == "bin")
    });
    files.sort();
    files
}

/// The manifest part of a case file. JSON has no comments, so a `.json` case keeps its
/// directives in a final block of `# ` lines, which is cut off here; other cases are
/// read whole (their `#` lines are YAML comments).
fn manifest_bytes<'a>(path: &Path, bytes: &'a [u8]) -> &'a [u8] {
    if path.extension().is_none_or(|e| e != "json") {
        return bytes;
    }
    let mut end = bytes.len();
    while end > 0 {
        let body = bytes[..end].strip_suffix(b"\n").unwrap_or(&bytes[..end]);
        let start = body.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        if !body[start..].starts_with(b"# ") {
            break;
        }
        end = start;
    }
    &bytes[..end]
}

/// Diagnoses bytes the way the editor and the CLI do: UTF-8 first, then the text as
/// the editor of a fresh playground shows it.
fn diagnose_bytes(bytes: &[u8]) -> Vec<Diagnostic> {
    match manifest::text_of(bytes) {
        Ok(text) => empty_world().diagnose(&text),
        Err(e) => vec![Diagnostic {
            line: e.line,
            column: e.column,
            severity: Severity::Error,
            message: e.message,
            field: None,
        }],
    }
}

#[test]
fn corpus_cases_give_their_expected_verdicts() {
    let (dir, is_main) = corpus_dir();
    let files = corpus_files(&dir);
    assert!(
        !is_main || files.len() >= MIN_CASES,
        "the corpus should hold at least {MIN_CASES} cases, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("readable corpus file");
        // The header is read from the lossy text so binary cases can carry one too.
        let header = String::from_utf8_lossy(&bytes);
        let case = match parse_case(path, &header) {
            Ok(c) => c,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let bytes = manifest_bytes(path, &bytes);
        let got = diagnose_bytes(bytes);
        if let Err(e) = check_diagnostics(&case, &got) {
            failures.push(e);
            continue;
        }
        if case.apply.is_some() || case.apply_exit.is_some() {
            let Ok(text) = manifest::text_of(bytes) else {
                failures.push(format!("{}: apply needs UTF-8 text", case.name));
                continue;
            };
            let mut w = empty_world();
            let out = w.apply_manifests(&text);
            if let Some(lines) = &case.apply {
                let want = lines.join("\n");
                if out.output != want {
                    failures.push(format!(
                        "{}: apply printed\n{}\nexpected\n{want}",
                        case.name, out.output
                    ));
                }
            }
            let want_exit = case.apply_exit.unwrap_or(i32::from(
                case.expects.iter().any(|e| e.severity == Severity::Error),
            ));
            if out.exit != want_exit {
                failures.push(format!(
                    "{}: apply exit {} (expected {want_exit})",
                    case.name, out.exit
                ));
            }
            // A refused document changes nothing: when nothing was created, the
            // cluster holds no objects.
            if !out.output.contains(" created") {
                assert!(
                    w.sets.is_empty() && w.services.is_empty() && w.claims.is_empty(),
                    "{}: a refused apply created objects",
                    case.name
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------
// Generated hostile inputs

fn only_error(d: &[Diagnostic]) -> &Diagnostic {
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].severity, Severity::Error);
    &d[0]
}

#[test]
fn a_document_over_the_size_limit_is_refused_by_name() {
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
    let line = format!("  k: {}\n", "x".repeat(1000));
    while text.len() <= manifest::MAX_BYTES {
        text.push_str(&line.replacen("k:", &format!("k{}:", text.len()), 1));
    }
    let d = diagnose(&text);
    let e = only_error(&d);
    assert_eq!((e.line, e.column), (1, 1));
    assert_eq!(e.message, "manifest is larger than the 3 MiB limit");
    let mut w = empty_world();
    let out = w.apply_manifests(&text);
    assert_eq!(out.exit, 1);
    assert!(w.trace.iter().all(|t| !t.text().contains("ConfigMap")));
}

#[test]
fn ten_thousand_deep_nesting_is_refused_at_the_limit() {
    for text in [
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {}1{}\n",
            "{k: ".repeat(10_000),
            "}".repeat(10_000)
        ),
        format!(
            "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{}{}}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    ] {
        let d = diagnose(&text);
        let e = only_error(&d);
        assert!(
            e.message.contains("nested deeper than 100"),
            "{}",
            e.message
        );
    }
    // Block style: each level on its own, ever more indented line (2,000 levels keep
    // the text under the 3 MiB limit, so the depth check is what refuses it).
    let mut block = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n");
    for i in 0..2_000 {
        block.push_str(&" ".repeat(i + 1));
        block.push_str("k:\n");
    }
    let d = diagnose(&block);
    let e = only_error(&d);
    assert!(
        e.message.contains("nested deeper than 100"),
        "{}",
        e.message
    );
    assert_eq!(e.line, 5 + 100);
}

#[test]
fn an_exponential_alias_bomb_is_refused_early() {
    // 10 levels of 10 aliases each would expand to 10^10 values.
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        let refs = vec![format!("*l{p}"); 10].join(", ");
        text.push_str(&format!("  l{i}: &l{i} [{refs}]\n"));
    }
    let d = diagnose(&text);
    let e = only_error(&d);
    assert!(e.message.contains("excessive aliasing"), "{}", e.message);
    assert!(e.line <= 11, "{}", e.render());
}

#[test]
fn more_documents_than_the_limit_are_refused() {
    let one = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n";
    let d = diagnose(&one.repeat(manifest::MAX_DOCUMENTS + 1));
    let e = only_error(&d);
    assert!(
        e.message.contains("more than 1000 objects"),
        "{}",
        e.message
    );
    assert!(diagnose(&one.repeat(manifest::MAX_DOCUMENTS)).is_empty());
}

#[test]
fn a_million_replicas_is_capped_with_an_explanation_and_changes_nothing() {
    let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: web\n  replicas: 1000000\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: c, image: nginx}]\n";
    let d = diagnose(text);
    let e = d
        .iter()
        .find(|d| d.severity == Severity::Error)
        .expect("an error");
    assert_eq!((e.line, e.column), (7, 3));
    assert!(e.message.contains("at most 20000"), "{}", e.message);
    let mut w = empty_world();
    let out = w.apply_manifests(text);
    assert_eq!(out.exit, 1);
    assert!(w.sets.is_empty());
}

#[test]
fn random_bytes_never_panic() {
    // A cheap deterministic sweep; the fuzz target (fuzz/) goes much further.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let alphabet = b"ab:- \n\t[]{},&*!|>'\"#%@`?<=~0123456789.\xc3\xa9\x00\r";
    for _ in 0..2000 {
        let mut bytes = Vec::new();
        for _ in 0..(x % 120) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push(alphabet[(x % alphabet.len() as u64) as usize]);
        }
        let _ = diagnose_bytes(&bytes);
        if let Ok(text) = manifest::text_of(&bytes) {
            let mut w = empty_world();
            let _ = w.apply_manifests(&text);
        }
    }
}
