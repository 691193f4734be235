//! The whole session as a small, versioned text: what the URL fragment (`#s=…`) and
//! localStorage hold, so a reload or a shared link restores exactly the same point.
//!
//! Format `1.<base64url(deflate(json))>`: the version, then the compressed JSON of
//! [`Saved`]. Histories are stored run-length encoded (a run of N steps is one number),
//! so a long session stays short. Decoding is bounded and reports, never panics: a
//! truncated, tampered, oversized or future-version text gives a [`ShareError`] and the
//! caller starts clean.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sts_engine::time::SimTime;
use sts_engine::timeline::{Fault, Input};

use crate::session::{ImportError, Lesson, Session};

/// The current format version.
pub const VERSION: u32 = 1;
/// The longest encoded text accepted (a URL fragment this long still works in browsers).
pub const MAX_ENCODED: usize = 256 * 1024;
/// The largest decompressed JSON accepted.
pub const MAX_JSON: usize = 4 * 1024 * 1024;
/// The most history entries a saved session may replay.
pub const MAX_ENTRIES: usize = 2_000_000;

/// A saved session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Saved {
    /// Format version.
    pub v: u32,
    /// Built-in scenario id.
    pub scenario: String,
    /// The seed, when it differs from the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The editor's text, when it differs from the scenario's manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// The last applied text, when it differs from the scenario's manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<String>,
    /// The history, run-length encoded.
    #[serde(default)]
    pub history: Vec<Item>,
    /// The cursor.
    #[serde(default)]
    pub position: usize,
    /// Lesson progress: next step, solved, revealed, hinted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<SavedLesson>,
    /// Where the current lesson task began (for "Reset this task").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_at: Option<usize>,
    /// Console history (the up-arrow list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub typed: Vec<String>,
    /// The scenario file's text, for an imported scenario (its id names no built-in
    /// one). Absent from links to built-in scenarios, so those read as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Lesson progress: next step, solved, revealed and hinted tasks.
pub type SavedLesson = (usize, Vec<usize>, Vec<usize>, Vec<usize>);

/// One history item: a run of steps or an input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Item {
    /// This many simulation steps.
    Steps(usize),
    /// An input.
    Input(SavedInput),
}

/// An input, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum SavedInput {
    Kubectl(String),
    KubectlStdin(String, String),
    Apply(String),
    Edit(String),
    File(String, String),
    Interrupt,
    FailPod(String),
    Readiness(String, bool),
    Node(String, bool),
    ImagePull(String, bool),
    Clock(u64),
}

impl SavedInput {
    fn of(i: &Input) -> SavedInput {
        match i {
            Input::Kubectl(l) => SavedInput::Kubectl(l.clone()),
            Input::KubectlStdin { line, stdin } => {
                SavedInput::KubectlStdin(line.clone(), stdin.clone())
            }
            Input::Apply(t) => SavedInput::Apply(t.clone()),
            Input::Edit(t) => SavedInput::Edit(t.clone()),
            Input::File { name, text } => SavedInput::File(name.clone(), text.clone()),
            Input::Interrupt => SavedInput::Interrupt,
            Input::Fault(Fault::FailPod { pod }) => SavedInput::FailPod(pod.clone()),
            Input::Fault(Fault::Readiness { pod, never }) => {
                SavedInput::Readiness(pod.clone(), *never)
            }
            Input::Fault(Fault::Node { node, down }) => SavedInput::Node(node.clone(), *down),
            Input::Fault(Fault::ImagePull { image, fails }) => {
                SavedInput::ImagePull(image.clone(), *fails)
            }
            Input::AdvanceClock(t) => SavedInput::Clock(t.0),
        }
    }

    fn input(&self) -> Input {
        match self {
            SavedInput::Kubectl(l) => Input::Kubectl(l.clone()),
            SavedInput::KubectlStdin(line, stdin) => Input::KubectlStdin {
                line: line.clone(),
                stdin: stdin.clone(),
            },
            SavedInput::Apply(t) => Input::Apply(t.clone()),
            SavedInput::Edit(t) => Input::Edit(t.clone()),
            SavedInput::File(name, text) => Input::File {
                name: name.clone(),
                text: text.clone(),
            },
            SavedInput::Interrupt => Input::Interrupt,
            SavedInput::FailPod(pod) => Input::Fault(Fault::FailPod { pod: pod.clone() }),
            SavedInput::Readiness(pod, never) => Input::Fault(Fault::Readiness {
                pod: pod.clone(),
                never: *never,
            }),
            SavedInput::Node(node, down) => Input::Fault(Fault::Node {
                node: node.clone(),
                down: *down,
            }),
            SavedInput::ImagePull(image, fails) => Input::Fault(Fault::ImagePull {
                image: image.clone(),
                fails: *fails,
            }),
            SavedInput::Clock(ms) => Input::AdvanceClock(SimTime(*ms)),
        }
    }
}

/// Why a saved text was not restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// Not `N.payload`, or not base64.
    Malformed,
    /// Longer than [`MAX_ENCODED`] or decompresses past [`MAX_JSON`].
    TooLarge,
    /// Written by a newer (or unknown) version of the playground.
    Version(u32),
    /// The compressed data or the JSON inside is broken (truncated or edited).
    Corrupt(String),
    /// The scenario it names is not built in.
    UnknownScenario(String),
    /// The history does not replay on that scenario (only part of it was restored).
    History { replayed: usize, stored: usize },
    /// The imported scenario file it carries does not parse (the parser's message).
    Scenario(String),
}

impl ShareError {
    /// The message shown to the user: (English, Chinese).
    pub fn message(&self) -> (String, String) {
        match self {
            ShareError::Malformed => (
                "The link's state is not in a form this playground understands; starting clean.".into(),
                "链接中的状态格式无法识别；已重新开始。".into(),
            ),
            ShareError::TooLarge => (
                format!("The saved state is larger than the {} KiB limit; starting clean.", MAX_ENCODED / 1024),
                format!("保存的状态超过 {} KiB 的上限；已重新开始。", MAX_ENCODED / 1024),
            ),
            ShareError::Version(v) => (
                format!("The link was made by a newer playground (format {v}; this one reads format {VERSION}); starting clean."),
                format!("该链接由更新版本的演练场生成（格式 {v}，当前版本只能读取格式 {VERSION}）；已重新开始。"),
            ),
            ShareError::Corrupt(e) => (
                format!("The link's state is damaged (truncated or edited): {e}; starting clean."),
                format!("链接中的状态已损坏（被截断或修改）：{e}；已重新开始。"),
            ),
            ShareError::UnknownScenario(id) => (
                format!("The link names a scenario this playground does not have: {id:?}; starting clean."),
                format!("链接指向的场景不存在：{id:?}；已重新开始。"),
            ),
            ShareError::Scenario(e) => (
                format!("The scenario file in the link could not be read: {e}; starting clean."),
                format!("链接中的场景文件无法读取：{e}；已重新开始。"),
            ),
            ShareError::History { replayed, stored } => (
                format!("Only {replayed} of the {stored} recorded steps could be replayed; the rest was dropped."),
                format!("记录的 {stored} 步中只有 {replayed} 步可以重放；其余已丢弃。"),
            ),
        }
    }
}

/// The session as a [`Saved`].
pub fn save(s: &Session) -> Saved {
    let mut history: Vec<Item> = Vec::new();
    for e in s.tl.entries() {
        match e {
            None => {
                if let Some(Item::Steps(n)) = history.last_mut() {
                    *n += 1;
                } else {
                    history.push(Item::Steps(1));
                }
            }
            Some(i) => history.push(Item::Input(SavedInput::of(i))),
        }
    }
    let differs = |t: &str| (t != s.scenario.manifests).then(|| t.to_string());
    let l = &s.lesson;
    Saved {
        v: VERSION,
        scenario: s.id.clone(),
        seed: s.seed,
        manifest: differs(&s.manifest),
        applied: differs(&s.applied),
        history,
        position: s.tl.position(),
        lesson: (*l != Lesson::default()).then(|| {
            (
                l.next,
                l.solved.clone(),
                l.revealed.clone(),
                l.hinted.clone(),
            )
        }),
        task_at: l.task_at,
        typed: s.typed.clone(),
        source: s.source.clone(),
    }
}

/// Restores a session. On a history that only partly replays, the session is returned
/// together with the error to show.
pub fn restore(saved: &Saved) -> Result<(Session, Option<ShareError>), ShareError> {
    if saved.v != VERSION {
        return Err(ShareError::Version(saved.v));
    }
    let mut s = match &saved.source {
        Some(text) => Session::from_source(text).map_err(|e| {
            ShareError::Scenario(match e {
                ImportError::Parse(e) => e.to_string(),
                ImportError::TooLarge(_) => "it is larger than 1 MiB".into(),
            })
        })?,
        None => Session::open(&saved.scenario)
            .map_err(|_| ShareError::UnknownScenario(saved.scenario.clone()))?,
    };
    if let Some(seed) = saved.seed {
        let source = s.source.take();
        s = Session::from_scenario(&s.id.clone(), s.scenario.clone(), Some(seed));
        s.source = source;
    }
    let mut entries: Vec<Option<Input>> = Vec::new();
    for item in &saved.history {
        match item {
            Item::Steps(n) => {
                if entries.len().saturating_add(*n) > MAX_ENTRIES {
                    return Err(ShareError::TooLarge);
                }
                entries.extend(std::iter::repeat_n(None, *n));
            }
            Item::Input(i) => {
                if entries.len() >= MAX_ENTRIES {
                    return Err(ShareError::TooLarge);
                }
                entries.push(Some(i.input()));
            }
        }
    }
    let replayed = s.replay(&entries, saved.position);
    if let Some(m) = &saved.manifest {
        s.manifest = m.clone();
    }
    if let Some(a) = &saved.applied {
        s.applied = a.clone();
    }
    if let Some((next, solved, revealed, hinted)) = &saved.lesson {
        s.lesson = Lesson {
            next: (*next).min(s.scenario.steps.len()),
            solved: solved.clone(),
            revealed: revealed.clone(),
            hinted: hinted.clone(),
            task_at: saved.task_at.filter(|&at| at <= s.tl.len()),
        };
    }
    s.typed = saved.typed.clone();
    let warning = (replayed < entries.len()).then_some(ShareError::History {
        replayed,
        stored: entries.len(),
    });
    Ok((s, warning))
}

/// Encodes a saved session as `1.<base64url(deflate(json))>`.
pub fn encode(saved: &Saved) -> String {
    let json = serde_json::to_vec(saved).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!(
        "{VERSION}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    )
}

/// Decodes [`encode`]'s text, bounded.
pub fn decode(text: &str) -> Result<Saved, ShareError> {
    let text = text.trim();
    if text.len() > MAX_ENCODED {
        return Err(ShareError::TooLarge);
    }
    let (v, payload) = text.split_once('.').ok_or(ShareError::Malformed)?;
    let v: u32 = v.parse().map_err(|_| ShareError::Malformed)?;
    if v != VERSION {
        return Err(ShareError::Version(v));
    }
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| ShareError::Malformed)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON).map_err(
        |e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::Corrupt("the compressed data is incomplete".into()),
        },
    )?;
    let saved: Saved = serde_json::from_slice(&json)
        .map_err(|e| ShareError::Corrupt(format!("invalid JSON: {e}")))?;
    if saved.v != VERSION {
        return Err(ShareError::Version(saved.v));
    }
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        let mut s = Session::open("partition-canary").expect("opens");
        for _ in 0..30 {
            s.step();
        }
        s.run_command("kubectl scale sts web --replicas=5");
        s.fault(Fault::Readiness {
            pod: "web-1".into(),
            never: true,
        });
        s.settle();
        s.manifest.push_str("# edited\n");
        s.seek(40);
        s
    }

    #[test]
    fn a_saved_session_restores_the_same_point() {
        let s = session();
        let text = encode(&save(&s));
        assert!(text.starts_with("1."));
        assert!(text.len() < 4_000, "compact: {} bytes", text.len());
        let (r, warning) = restore(&decode(&text).expect("decodes")).expect("restores");
        assert_eq!(warning, None);
        assert_eq!(r.tl.position(), 40);
        assert_eq!(r.tl.len(), s.tl.len());
        assert_eq!(r.world().pods, s.world().pods);
        assert_eq!(r.world().now, s.world().now);
        assert_eq!(r.manifest, s.manifest);
        assert_eq!(r.typed, s.typed);
        assert_eq!(save(&r), save(&s));
    }

    #[test]
    fn an_imported_scenario_travels_with_the_link() {
        let mut s = Session::open("ordered-creation").expect("opens");
        let text = session().export_scenario().yaml;
        s.import(&text).expect("imports");
        s.lesson_next();
        s.seek(s.tl.position() / 2);
        let saved = save(&s);
        assert_eq!(saved.source.as_deref(), Some(text.as_str()));
        let (r, warning) = restore(&decode(&encode(&saved)).expect("decodes")).expect("restores");
        assert_eq!(warning, None);
        assert_eq!(r.id, "partition-canary-exported");
        assert_eq!(r.source.as_deref(), Some(text.as_str()));
        assert_eq!(r.tl.position(), s.tl.position());
        assert_eq!(r.world().pods, s.world().pods);
        assert_eq!(save(&r), saved);
        // A built-in scenario's link carries no file.
        assert_eq!(save(&session()).source, None);
        // A damaged file in a link is reported.
        let mut bad = saved.clone();
        bad.source = Some("scenario: [".into());
        assert!(
            matches!(restore(&bad), Err(ShareError::Scenario(e)) if e.starts_with("line 2:1: "))
        );
    }

    #[test]
    fn broken_links_are_reported_not_trusted() {
        let text = encode(&save(&session()));
        assert_eq!(decode("garbage"), Err(ShareError::Malformed));
        assert_eq!(decode("1.***"), Err(ShareError::Malformed));
        assert_eq!(decode("2.abc"), Err(ShareError::Version(2)));
        let truncated = &text[..text.len() / 2];
        assert!(matches!(decode(truncated), Err(ShareError::Corrupt(_))));
        let huge = "1.".to_string() + &"A".repeat(MAX_ENCODED);
        assert_eq!(decode(&huge), Err(ShareError::TooLarge));
        // A zip bomb: 64 MiB of zeros compresses to a few KiB.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 64 << 20], 9);
        let bomb = format!(
            "1.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bomb)
        );
        assert_eq!(decode(&bomb), Err(ShareError::TooLarge));
        // A tampered scenario id.
        let mut saved = save(&session());
        saved.scenario = "does-not-exist".into();
        assert!(matches!(
            restore(&saved),
            Err(ShareError::UnknownScenario(_))
        ));
        // A history longer than the world allows replays what fits and says so.
        let mut saved = save(&session());
        saved.history.push(Item::Steps(5_000_000));
        assert_eq!(restore(&saved).err(), Some(ShareError::TooLarge));
        let mut settled = Session::open("ordered-creation").expect("opens");
        settled.settle();
        let mut saved = save(&settled);
        saved.history.push(Item::Steps(1_000));
        saved.position = usize::MAX;
        let (r, warning) = restore(&saved).expect("restores what fits");
        assert_eq!(r.tl.len(), settled.tl.len());
        assert!(matches!(warning, Some(ShareError::History { .. })));
        for e in [
            ShareError::Malformed,
            ShareError::TooLarge,
            ShareError::Version(9),
            ShareError::Corrupt("x".into()),
            ShareError::Scenario("line 1:1: x".into()),
        ] {
            let (en, zh) = e.message();
            assert!(!en.is_empty() && !zh.is_empty());
        }
    }
}
