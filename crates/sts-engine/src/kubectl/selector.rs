//! Label selectors as `kubectl -l` takes them: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
//! `a notin (x,y)`, `a` (exists) and `!a` (does not exist), comma-separated (ANDed).
//!
//! Upstream: `k8s.io/apimachinery/pkg/labels/selector.go` (`Parse`, `parseRequirement`);
//! errors are prefixed `unable to parse requirement: ` like there.

use crate::model::{LabelSelector, LabelSelectorRequirement};

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Eq,
    DoubleEq,
    NotEq,
    Bang,
    Open,
    Close,
    Comma,
    In,
    NotIn,
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => s.clone(),
        Tok::Eq => "=".into(),
        Tok::DoubleEq => "==".into(),
        Tok::NotEq => "!=".into(),
        Tok::Bang => "!".into(),
        Tok::Open => "(".into(),
        Tok::Close => ")".into(),
        Tok::Comma => ",".into(),
        Tok::In => "in".into(),
        Tok::NotIn => "notin".into(),
    }
}

fn lex(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' => i += 1,
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '=' if chars.get(i + 1) == Some(&'=') => {
                out.push(Tok::DoubleEq);
                i += 2;
            }
            '=' => {
                out.push(Tok::Eq);
                i += 1;
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                out.push(Tok::NotEq);
                i += 2;
            }
            '!' => {
                out.push(Tok::Bang);
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len() && !" \t\n(),=!".contains(chars[i]) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                out.push(match word.as_str() {
                    "in" => Tok::In,
                    "notin" => Tok::NotIn,
                    _ => Tok::Ident(word),
                });
            }
        }
    }
    out
}

/// Parses a selector; the error is kubectl's text after `error: `.
pub fn parse(s: &str) -> Result<LabelSelector, String> {
    let toks = lex(s);
    let mut sel = LabelSelector::default();
    let mut i = 0;
    let err = |m: String| format!("unable to parse requirement: {m}");
    while i < toks.len() {
        // One requirement.
        let negated = toks[i] == Tok::Bang;
        if negated {
            i += 1;
        }
        let key = match toks.get(i) {
            Some(Tok::Ident(k)) => k.clone(),
            Some(t) => {
                return Err(err(format!(
                    "found '{}', expected: identifier",
                    tok_text(t)
                )))
            }
            None => return Err(err("found '', expected: identifier".into())),
        };
        validate_key(&key).map_err(err)?;
        i += 1;
        if negated {
            sel.match_expressions.push(LabelSelectorRequirement {
                key,
                operator: "DoesNotExist".into(),
                values: vec![],
            });
        } else {
            match toks.get(i) {
                None | Some(Tok::Comma) => sel.match_expressions.push(LabelSelectorRequirement {
                    key,
                    operator: "Exists".into(),
                    values: vec![],
                }),
                Some(op @ (Tok::Eq | Tok::DoubleEq | Tok::NotEq)) => {
                    let op = op.clone();
                    i += 1;
                    let value = match toks.get(i) {
                        Some(Tok::Ident(v)) => {
                            i += 1;
                            v.clone()
                        }
                        // `a=` selects an empty value.
                        None | Some(Tok::Comma) => String::new(),
                        Some(t) => {
                            return Err(err(format!(
                                "found '{}', expected: identifier",
                                tok_text(t)
                            )))
                        }
                    };
                    validate_value(&value).map_err(err)?;
                    if op == Tok::NotEq {
                        sel.match_expressions.push(LabelSelectorRequirement {
                            key,
                            operator: "NotIn".into(),
                            values: vec![value],
                        });
                    } else if let Some(old) = sel.match_labels.get(&key) {
                        // `a=x,a=y` can match nothing; keep both as expressions.
                        if *old != value {
                            sel.match_expressions.push(LabelSelectorRequirement {
                                key,
                                operator: "In".into(),
                                values: vec![value],
                            });
                        }
                    } else {
                        sel.match_labels.insert(key, value);
                    }
                }
                Some(op @ (Tok::In | Tok::NotIn)) => {
                    let operator = if *op == Tok::In { "In" } else { "NotIn" };
                    i += 1;
                    if toks.get(i) != Some(&Tok::Open) {
                        let found = toks.get(i).map(tok_text).unwrap_or_default();
                        return Err(err(format!("found '{found}', expected: '('")));
                    }
                    i += 1;
                    let mut values = Vec::new();
                    loop {
                        match toks.get(i) {
                            Some(Tok::Ident(v)) => {
                                validate_value(v).map_err(err)?;
                                values.push(v.clone());
                                i += 1;
                            }
                            Some(Tok::Close) if values.is_empty() => {
                                values.push(String::new());
                            }
                            _ => {}
                        }
                        match toks.get(i) {
                            Some(Tok::Comma) => i += 1,
                            Some(Tok::Close) => {
                                i += 1;
                                break;
                            }
                            Some(t) => {
                                return Err(err(format!(
                                    "found '{}', expected: ',', or ')'",
                                    tok_text(t)
                                )))
                            }
                            None => return Err(err("found '', expected: ',', or ')'".into())),
                        }
                    }
                    values.sort();
                    values.dedup();
                    sel.match_expressions.push(LabelSelectorRequirement {
                        key,
                        operator: operator.into(),
                        values,
                    });
                }
                Some(t) => {
                    return Err(err(format!(
                        "found '{}', expected: in, notin, =, ==, !=, gt, lt",
                        tok_text(t)
                    )))
                }
            }
        }
        match toks.get(i) {
            None => break,
            Some(Tok::Comma) => {
                i += 1;
                if i == toks.len() {
                    return Err(err("found '', expected: identifier".into()));
                }
            }
            Some(t) => {
                return Err(format!(
                    "found '{}', expected: ',' or 'end of string'",
                    tok_text(t)
                ))
            }
        }
    }
    Ok(sel)
}

/// A label key: optional DNS-subdomain prefix and `/`, then a name of at most 63
/// characters of `[A-Za-z0-9_.-]`, starting and ending alphanumeric.
fn validate_key(key: &str) -> Result<(), String> {
    let name = key.rsplit_once('/').map_or(key, |(_, n)| n);
    if !qualified_name_part(name) {
        return Err(format!(
            "key: Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        ));
    }
    Ok(())
}

fn validate_value(v: &str) -> Result<(), String> {
    if v.is_empty() || qualified_name_part(v) {
        Ok(())
    } else {
        Err(format!(
            "values[0][{v}]: Invalid value: \"{v}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        ))
    }
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters.
pub fn qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Labels;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_operator_selects_like_the_api_server() {
        let web = labels(&[("app", "nginx"), ("tier", "web")]);
        let db = labels(&[("app", "mysql")]);
        let cases: &[(&str, bool, bool)] = &[
            ("app=nginx", true, false),
            ("app==nginx", true, false),
            ("app!=nginx", false, true),
            ("tier!=web", false, true), // a missing key matches !=
            ("app in (nginx, redis)", true, false),
            ("app notin (nginx)", false, true),
            ("tier", true, false),
            ("!tier", false, true),
            ("app=nginx,tier=web", true, false),
            ("app in (mysql),!tier", false, true),
        ];
        for (s, on_web, on_db) in cases {
            let sel = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(sel.matches(&web), *on_web, "{s} on web");
            assert_eq!(sel.matches(&db), *on_db, "{s} on db");
        }
    }

    #[test]
    fn malformed_selectors_get_kubectls_errors() {
        assert_eq!(
            parse("app in nginx").unwrap_err(),
            "unable to parse requirement: found 'nginx', expected: '('"
        );
        assert!(parse("app=nginx,").is_err());
        assert!(parse("app=ngi nx").is_err());
        assert!(parse("=x").is_err());
        assert!(parse("a b c").is_err());
    }
}
