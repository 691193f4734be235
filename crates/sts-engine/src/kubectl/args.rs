//! Command-line flags the way cobra/pflag parse them for kubectl: `--name=value`,
//! `--name value`, `-n value`, `-nvalue`, bundled booleans (`-it`), `--` ending flags,
//! flags anywhere among the arguments. Unknown flags get pflag's errors followed by
//! kubectl's `See 'kubectl <cmd> --help' for usage.`

use std::collections::BTreeMap;

/// One flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
    /// pflag's `NoOptDefVal`: the value of `--name` given without `=value`.
    pub default: Option<&'static str>,
}

/// A flag that takes a value.
pub const fn val(long: &'static str, short: Option<char>) -> Flag {
    Flag {
        long,
        short,
        takes_value: true,
        default: None,
    }
}

/// A flag whose value is optional (`--cascade` means `--cascade=background`).
pub const fn opt(long: &'static str, default: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        takes_value: true,
        default: Some(default),
    }
}

/// A boolean flag.
pub const fn flag(long: &'static str, short: Option<char>) -> Flag {
    Flag {
        long,
        short,
        takes_value: false,
        default: None,
    }
}

/// Flags every command accepts (kubectl's global flags that matter here).
pub const GLOBAL: &[Flag] = &[
    val("namespace", Some('n')),
    flag("help", Some('h')),
    val("v", Some('v')),
    val("context", None),
    val("kubeconfig", None),
    val("cluster", None),
    val("user", None),
    val("request-timeout", None),
];

/// Parsed arguments.
#[derive(Clone, Debug, Default)]
pub struct Args {
    /// Positional arguments before `--`.
    pub pos: Vec<String>,
    /// Arguments after `--`.
    pub after_dash: Option<Vec<String>>,
    /// Values by long flag name, in order given (booleans hold "true"/"false").
    vals: BTreeMap<&'static str, Vec<String>>,
}

impl Args {
    /// Parses `words` against the command's flags plus the global ones.
    pub fn parse(words: &[String], spec: &[Flag], command: &str) -> Result<Args, String> {
        let find_long = |n: &str| spec.iter().chain(GLOBAL).find(|f| f.long == n).copied();
        let find_short = |c: char| {
            spec.iter()
                .chain(GLOBAL)
                .find(|f| f.short == Some(c))
                .copied()
        };
        let usage = format!("\nSee 'kubectl {command} --help' for usage.");
        let mut a = Args::default();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            if w == "--" {
                a.after_dash = Some(words[i + 1..].to_vec());
                break;
            }
            if let Some(body) = w.strip_prefix("--") {
                let (name, inline) = match body.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (body, None),
                };
                let Some(f) = find_long(name) else {
                    return Err(format!("error: unknown flag: --{name}{usage}"));
                };
                let value = if f.takes_value {
                    match (inline, f.default) {
                        (Some(v), _) => v,
                        (None, Some(d)) => d.to_string(),
                        (None, None) => {
                            i += 1;
                            words.get(i).cloned().ok_or_else(|| {
                                format!("error: flag needs an argument: --{name}{usage}")
                            })?
                        }
                    }
                } else {
                    let v = inline.unwrap_or_else(|| "true".into());
                    if v != "true" && v != "false" {
                        return Err(format!(
                            "error: invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax{usage}"
                        ));
                    }
                    v
                };
                a.vals.entry(f.long).or_default().push(value);
            } else if let Some(body) = w.strip_prefix('-').filter(|b| !b.is_empty()) {
                let chars: Vec<char> = body.chars().collect();
                let mut j = 0;
                while j < chars.len() {
                    let c = chars[j];
                    let Some(f) = find_short(c) else {
                        return Err(format!(
                            "error: unknown shorthand flag: '{c}' in {w}{usage}"
                        ));
                    };
                    if f.takes_value {
                        let rest: String = chars[j + 1..].iter().collect();
                        let value = if let Some(v) = rest.strip_prefix('=') {
                            v.to_string()
                        } else if !rest.is_empty() {
                            rest
                        } else {
                            i += 1;
                            words.get(i).cloned().ok_or_else(|| {
                                format!("error: flag needs an argument: '{c}' in -{c}{usage}")
                            })?
                        };
                        a.vals.entry(f.long).or_default().push(value);
                        break;
                    }
                    if chars.get(j + 1) == Some(&'=') {
                        let v: String = chars[j + 2..].iter().collect();
                        a.vals.entry(f.long).or_default().push(v);
                        break;
                    }
                    a.vals.entry(f.long).or_default().push("true".into());
                    j += 1;
                }
            } else {
                a.pos.push(w.clone());
            }
            i += 1;
        }
        Ok(a)
    }

    /// The last value of a flag.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.vals
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value of a repeatable flag (`-f a -f b`, `-f a,b`).
    pub fn all(&self, long: &str) -> Vec<String> {
        self.vals
            .get(long)
            .map(|v| {
                v.iter()
                    .flat_map(|s| s.split(','))
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A boolean flag's value.
    pub fn on(&self, long: &str) -> bool {
        self.get(long) == Some("true")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flags_parse_like_pflag() {
        let spec = [
            val("output", Some('o')),
            flag("watch", Some('w')),
            val("selector", Some('l')),
        ];
        let a = Args::parse(
            &words("pods -owide -w -l app=nginx -n=kube-system x"),
            &spec,
            "get",
        )
        .expect("parses");
        assert_eq!(a.pos, vec!["pods", "x"]);
        assert_eq!(a.get("output"), Some("wide"));
        assert!(a.on("watch"));
        assert_eq!(a.get("selector"), Some("app=nginx"));
        assert_eq!(a.get("namespace"), Some("kube-system"));
        let e = Args::parse(&words("pods --wat"), &spec, "get").unwrap_err();
        assert_eq!(
            e,
            "error: unknown flag: --wat\nSee 'kubectl get --help' for usage."
        );
        let e = Args::parse(&words("pods -x"), &spec, "get").unwrap_err();
        assert_eq!(
            e,
            "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage."
        );
        let exec = [
            flag("stdin", Some('i')),
            flag("tty", Some('t')),
            val("container", Some('c')),
        ];
        let a = Args::parse(
            &words("-it web-0 -c nginx -- sh -c hostname"),
            &exec,
            "exec",
        )
        .expect("parses");
        assert!(a.on("stdin") && a.on("tty"));
        assert_eq!(a.after_dash, Some(words("sh -c hostname")));
    }
}
