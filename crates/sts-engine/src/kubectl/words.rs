//! Splitting a kubectl command line into words the way a POSIX shell does (quotes,
//! backslashes, `$VAR` left empty, here-documents skipped), without running anything.
//! Pipes, lists and loops belong to the playground's shell ([`crate::shell`]), which
//! calls [`super::run_argv`] for each kubectl command.

use std::collections::BTreeMap;

/// A lexed token.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A word as written (quotes kept; expanded at run time).
    Word(String),
    /// `|`, `||`, `&&`, `;`, newline, `&`.
    Op(&'static str),
    /// A here-document's body (after its `<<DELIM` operator).
    Heredoc(String),
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    // Here-documents whose bodies start after the current line: (token index, delim, strip tabs).
    let mut pending: Vec<(usize, String, bool)> = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\n' => {
                toks.push(Tok::Op("\n"));
                i += 1;
                for (idx, delim, strip) in std::mem::take(&mut pending) {
                    let mut body = String::new();
                    let mut found = false;
                    while i < chars.len() {
                        let end = chars[i..].iter().position(|&c| c == '\n').map_or(chars.len(), |p| i + p);
                        let line: String = chars[i..end].iter().collect();
                        i = end + 1;
                        let cmp = if strip { line.trim_start_matches('\t') } else { line.as_str() };
                        if cmp.trim_end_matches('\r') == delim {
                            found = true;
                            break;
                        }
                        body.push_str(if strip { cmp } else { &line });
                        body.push('\n');
                    }
                    if !found {
                        return Err(format!(
                            "sh: warning: here-document delimited by end-of-file (wanted `{delim}')"
                        ));
                    }
                    toks[idx] = Tok::Heredoc(body);
                }
                if i > chars.len() {
                    i = chars.len();
                }
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                toks.push(Tok::Op("||"));
                i += 2;
            }
            '|' => {
                toks.push(Tok::Op("|"));
                i += 1;
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                toks.push(Tok::Op("&&"));
                i += 2;
            }
            '&' => {
                toks.push(Tok::Op("&"));
                i += 1;
            }
            ';' => {
                toks.push(Tok::Op(";"));
                i += 1;
            }
            '<' if chars.get(i + 1) == Some(&'<') => {
                i += 2;
                let strip = chars.get(i) == Some(&'-');
                if strip {
                    i += 1;
                }
                while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                    i += 1;
                }
                let (word, next) = read_word(&chars, i)?;
                i = next;
                if word.is_empty() {
                    return Err("sh: syntax error near unexpected token `newline'".into());
                }
                let delim: String = word.chars().filter(|c| *c != '\'' && *c != '"').collect();
                pending.push((toks.len(), delim, strip));
                toks.push(Tok::Heredoc(String::new()));
            }
            '<' | '>' => {
                return Err(format!(
                    "sh: redirection ({c}) is not supported by this playground's shell; pipe into grep, head, tail, wc, sort, uniq or tr instead"
                ))
            }
            _ => {
                let (word, next) = read_word(&chars, i)?;
                i = next;
                toks.push(Tok::Word(word));
            }
        }
    }
    if let Some((_, delim, _)) = pending.first() {
        return Err(format!(
            "sh: warning: here-document delimited by end-of-file (wanted `{delim}')"
        ));
    }
    Ok(toks)
}

/// Reads one raw word starting at `i` (quotes kept), returning it and the next index.
fn read_word(chars: &[char], mut i: usize) -> Result<(String, usize), String> {
    let mut w = String::new();
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' | ';' | '|' | '&' | '<' | '>' => break,
            '\'' => {
                w.push(c);
                i += 1;
                loop {
                    match chars.get(i) {
                        Some('\'') => {
                            w.push('\'');
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            w.push(ch);
                            i += 1;
                        }
                        None => return Err("error: unterminated quote in command".into()),
                    }
                }
            }
            '"' => {
                w.push(c);
                i += 1;
                loop {
                    match chars.get(i) {
                        Some('"') => {
                            w.push('"');
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            w.push('\\');
                            if let Some(&n) = chars.get(i + 1) {
                                w.push(n);
                            }
                            i += 2;
                        }
                        Some(&ch) => {
                            w.push(ch);
                            i += 1;
                        }
                        None => return Err("error: unterminated quote in command".into()),
                    }
                }
            }
            '\\' => {
                w.push('\\');
                if let Some(&n) = chars.get(i + 1) {
                    w.push(n);
                }
                i += 2;
            }
            _ => {
                w.push(c);
                i += 1;
            }
        }
    }
    Ok((w, i.min(chars.len())))
}

/// Expands one raw word: quotes removed, `$NAME`/`${NAME}`/`$?` substituted.
fn expand(raw: &str, env: &BTreeMap<String, String>) -> Result<String, String> {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut dq = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' if !dq => {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    out.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                dq = !dq;
                i += 1;
            }
            '\\' => {
                let n = chars.get(i + 1).copied();
                match n {
                    Some(ch) if !dq || matches!(ch, '"' | '\\' | '$' | '`') => out.push(ch),
                    Some('\n') => {}
                    Some(ch) => {
                        out.push('\\');
                        out.push(ch);
                    }
                    None => out.push('\\'),
                }
                i += 2;
            }
            '`' => {
                return Err(
                    "sh: command substitution (`…`) is not supported by this playground's shell"
                        .into(),
                )
            }
            '$' => {
                let n = chars.get(i + 1).copied();
                match n {
                    Some('(') => {
                        return Err("sh: command substitution ($(…)) is not supported by this playground's shell".into())
                    }
                    Some('{') => {
                        let end = chars[i + 2..]
                            .iter()
                            .position(|&c| c == '}')
                            .ok_or("sh: bad substitution")?;
                        let name: String = chars[i + 2..i + 2 + end].iter().collect();
                        out.push_str(env.get(&name).map(String::as_str).unwrap_or(""));
                        i += 3 + end;
                    }
                    Some('?') => {
                        out.push_str(env.get("?").map(String::as_str).unwrap_or("0"));
                        i += 2;
                    }
                    Some(ch) if ch.is_ascii_alphabetic() || ch == '_' => {
                        let start = i + 1;
                        let mut j = start;
                        while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                            j += 1;
                        }
                        let name: String = chars[start..j].iter().collect();
                        out.push_str(env.get(&name).map(String::as_str).unwrap_or(""));
                        i = j;
                    }
                    _ => {
                        out.push('$');
                        i += 1;
                    }
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Splits a command line into words like a POSIX shell would (quotes, backslashes),
/// without running anything.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let env = BTreeMap::new();
    let mut words = Vec::new();
    for t in lex(line)? {
        match t {
            Tok::Word(w) => words.push(expand(&w, &env)?),
            Tok::Op("\n") => {}
            Tok::Op(op) => words.push(op.to_string()),
            Tok::Heredoc(_) => {}
        }
    }
    Ok(words)
}

// ---------------------------------------------------------------------------------------
// Parsing
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_a_shell() {
        let w =
            split_words(r#"kubectl patch sts web -p '{"spec":{"replicas":2}}'"#).expect("splits");
        assert_eq!(
            w,
            vec![
                "kubectl",
                "patch",
                "sts",
                "web",
                "-p",
                r#"{"spec":{"replicas":2}}"#
            ]
        );
        let w = split_words(r#"echo "a \"b\" $x" c\ d"#).expect("splits");
        assert_eq!(w, vec!["echo", r#"a "b" "#, "c d"]);
        assert!(split_words("echo 'oops").is_err());
    }

    #[test]
    fn heredocs_feed_standard_input() {
        let toks = lex("cat <<EOF | kubectl apply -f -\nkind: X\nEOF\n").expect("lexes");
        assert!(toks.contains(&Tok::Heredoc("kind: X\n".into())), "{toks:?}");
        assert!(lex("cat <<EOF\nno end").is_err());
    }
}
