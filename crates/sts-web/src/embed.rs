//! How the page was asked to appear: the address's `embed`, `mode` and `origin`
//! parameters (docs/embedding.md). Read by the full app and the first stage alike, so the
//! hand-over between them changes nothing on screen; small on purpose (the first stage
//! counts its bytes).
//!
//! - `embed=1` — inside another page (an iframe, usually made by `web/embed.js`): the
//!   layout for a 360–800 px column, nothing stored in this browser (several embeds on one
//!   page must not overwrite each other's saved session), and a link to open the same
//!   state in the full playground.
//! - `mode=readonly` — time and the lesson move; nothing can be typed: no console input,
//!   no manifest edits, no faults, no importing.
//! - `mode=locked` — everything works, in this scenario only: no scenario picker.
//! - `mode=autoplay` — plays by itself from the start, and through a lesson's narration
//!   and tasks (running each task's solution), until the viewer takes over.
//!
//! Modes combine with commas (`mode=readonly,autoplay`).
//! - `origin=https://docs.example.org` (comma-separated, repeatable) — the pages allowed
//!   to drive this one with postMessage, besides its own origin ([`crate::host`]).

use crate::i18n::Lang;

/// The options an address asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Embed {
    pub embed: bool,
    pub readonly: bool,
    pub locked: bool,
    pub autoplay: bool,
    /// Origins allowed to send commands (the page's own origin is always allowed).
    pub origins: Vec<String>,
}

/// A problem with the address, in (English, Chinese): reported, and the rest works.
pub type Warning = (String, String);

/// At most this many allowed origins (an address is not a configuration file).
pub const MAX_ORIGINS: usize = 8;

impl Embed {
    /// Reads the options from an address's query parameters (`get(name)` returns every
    /// value of `name`, in order). Unknown modes and malformed origins are left out and
    /// reported.
    pub fn parse(get: impl Fn(&str) -> Vec<String>) -> (Embed, Vec<Warning>) {
        let mut e = Embed::flags(&get);
        let mut warnings = Vec::new();
        for v in get("mode") {
            for m in modes(&v) {
                if !matches!(m, "readonly" | "locked" | "autoplay") {
                    warnings.push((
                        format!("Unknown mode \"{m}\" in the address: the modes are readonly, locked and autoplay."),
                        format!("地址中的模式 \"{m}\" 无法识别：可用的模式为 readonly、locked 和 autoplay。"),
                    ));
                }
            }
        }
        for v in get("origin") {
            for o in v.split(',').map(str::trim).filter(|o| !o.is_empty()) {
                match normalize_origin(o) {
                    Some(o) if e.origins.len() < MAX_ORIGINS => {
                        if !e.origins.contains(&o) {
                            e.origins.push(o);
                        }
                    }
                    Some(_) => warnings.push((
                        format!("Only {MAX_ORIGINS} origins may be allowed in the address; \"{o}\" is ignored."),
                        format!("地址中最多允许 {MAX_ORIGINS} 个来源；已忽略 \"{o}\"。"),
                    )),
                    None => warnings.push((
                        format!("\"{o}\" in the address is not an origin (like https://docs.example.org); messages from it are ignored."),
                        format!("地址中的 \"{o}\" 不是有效的来源（例如 https://docs.example.org）；来自它的消息将被忽略。"),
                    )),
                }
            }
        }
        (e, warnings)
    }

    /// The layout and modes alone (no origins, nothing reported): what the first stage
    /// needs, without the code for the rest.
    pub fn flags(get: &impl Fn(&str) -> Vec<String>) -> Embed {
        let mut e = Embed {
            embed: get("embed")
                .last()
                .is_some_and(|v| !matches!(v.as_str(), "0" | "false" | "no")),
            ..Embed::default()
        };
        for v in get("mode") {
            for m in modes(&v) {
                match m {
                    "readonly" => e.readonly = true,
                    "locked" => e.locked = true,
                    "autoplay" => e.autoplay = true,
                    _ => {}
                }
            }
        }
        e
    }

    /// The options of the page's own address.
    pub fn from_address() -> (Embed, Vec<Warning>) {
        Embed::parse(crate::browser::query_all)
    }

    /// The layout and modes of the page's own address ([`Embed::flags`]).
    pub fn flags_from_address() -> Embed {
        Embed::flags(&crate::browser::query_all)
    }

    /// Whether the viewer may type: console input, manifest edits, faults, imports.
    pub fn can_type(&self) -> bool {
        !self.readonly
    }

    /// The page's extra classes.
    pub fn classes(&self) -> &'static str {
        match (self.embed, self.readonly, self.locked) {
            (false, false, false) => "",
            (false, true, false) => "readonly",
            (false, false, true) => "locked",
            (false, true, true) => "readonly locked",
            (true, false, false) => "embed",
            (true, true, false) => "embed readonly",
            (true, false, true) => "embed locked",
            (true, true, true) => "embed readonly locked",
        }
    }

    /// The address of the same scenario in the full playground (what the first stage
    /// links to; the full app links to its share link instead).
    pub fn full_link(scenario: &str, lang: Lang) -> String {
        format!("./?scenario={scenario}&lang={}", lang.code())
    }
}

/// The modes in one `mode=` value.
fn modes(v: &str) -> impl Iterator<Item = &str> {
    v.split([',', ' ', '+']).filter(|m| !m.is_empty())
}

/// `scheme://host[:port]` in lower case, or none. Only http and https: a page served
/// from a file or a data: URL has an opaque origin ("null"), which must never be allowed.
pub fn normalize_origin(o: &str) -> Option<String> {
    let o = o.trim_end_matches('/');
    let (scheme, rest) = o.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let (host, port) = match rest.rsplit_once(':') {
        // An IPv6 literal has colons inside its brackets.
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && (host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            || (host.starts_with('[')
                && host.ends_with(']')
                && host[1..host.len() - 1]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')));
    if !host_ok {
        return None;
    }
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok().filter(|p| *p > 0)?),
        None => None,
    };
    let host = host.to_ascii_lowercase();
    Some(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &[(&str, &str)]) -> (Embed, Vec<Warning>) {
        Embed::parse(|name| {
            q.iter()
                .filter(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
                .collect()
        })
    }

    #[test]
    fn an_address_without_parameters_is_the_plain_page() {
        let (e, w) = parse(&[("scenario", "partition-canary")]);
        assert_eq!(e, Embed::default());
        assert!(w.is_empty());
        assert_eq!(e.classes(), "");
        assert!(e.can_type());
    }

    #[test]
    fn modes_combine_and_unknown_ones_are_reported() {
        let (e, w) = parse(&[
            ("embed", "1"),
            ("mode", "readonly,autoplay"),
            ("mode", "fly"),
        ]);
        assert!(e.embed && e.readonly && e.autoplay && !e.locked);
        assert_eq!(e.classes(), "embed readonly");
        assert!(!e.can_type());
        assert_eq!(w.len(), 1);
        assert!(w[0].0.contains("\"fly\""), "{:?}", w[0]);
        assert!(w[0].1.contains("readonly、locked 和 autoplay"));
        let (e, _) = parse(&[("embed", "0"), ("mode", "locked")]);
        assert!(!e.embed && e.locked);
        assert_eq!(e.classes(), "locked");
    }

    #[test]
    fn origins_are_normalised_and_bad_ones_refused() {
        let (e, w) = parse(&[
            ("origin", "https://Docs.Example.org/, http://127.0.0.1:8080"),
            ("origin", "null"),
            ("origin", "javascript://x"),
            ("origin", "https://docs.example.org"),
            ("origin", "http://[::1]:3000"),
            ("origin", "https://a b"),
            ("origin", "https://x.org:99999"),
        ]);
        assert_eq!(
            e.origins,
            [
                "https://docs.example.org",
                "http://127.0.0.1:8080",
                "http://[::1]:3000"
            ]
        );
        assert_eq!(w.len(), 4, "{w:?}");
    }

    #[test]
    fn too_many_origins_are_cut_with_a_reason() {
        let many: Vec<String> = (0..12).map(|i| format!("https://h{i}.example")).collect();
        let joined = many.join(",");
        let (e, w) = parse(&[("origin", joined.as_str())]);
        assert_eq!(e.origins.len(), MAX_ORIGINS);
        assert_eq!(w.len(), 12 - MAX_ORIGINS);
    }
}
