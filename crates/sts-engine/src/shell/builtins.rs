//! Commands every shell of the playground has, in the outer shell and inside pods:
//! `echo`, `printf`, `seq`, `sleep`, `test`/`[`/`[[`, `true`, `false`, `:`, `exit`,
//! `export`, `unset`, `set`, and the text filters `cat`, `tee`, `grep`, `wc`, `tr`,
//! `sort`, `uniq`, `head`, `tail`, `cut` and `awk '{print $N}'`.
//!
//! Files named on a command line are read and written through the [`Host`]: inside a
//! pod that is the pod's filesystem; the outer shell has none.

use super::regex::Regex;
use super::{Flavor, Host, Io, State, MAX_SEQ};

/// Runs `argv` if it is a builtin; `None` otherwise.
pub(crate) fn run(host: &mut dyn Host, st: &mut State, argv: &[String], stdin: &str) -> Option<Io> {
    let name = argv.first()?.as_str();
    let args = &argv[1..];
    Some(match name {
        "echo" => echo(st, args),
        "printf" => printf(args),
        "true" | ":" => Io::default(),
        "false" => Io::code(1),
        "seq" => seq(args),
        "sleep" => sleep(args),
        "test" => test_cmd(host, st, args, None),
        "[" => test_cmd(host, st, args, Some("]")),
        "[[" => test_cmd(host, st, args, Some("]]")),
        "exit" => exit(st, args),
        "export" => export(st, args),
        "unset" => {
            for a in args {
                st.vars.remove(a);
                st.exported.remove(a);
            }
            Io::default()
        }
        "set" => {
            if args.is_empty() {
                let mut out = String::new();
                for (k, v) in &st.vars {
                    out.push_str(&format!("{k}='{v}'\n"));
                }
                Io::out(out)
            } else {
                // `set -e`, `set -x`, `set -o pipefail`: accepted, without effect.
                Io::default()
            }
        }
        "cat" => cat(host, st, args, stdin),
        "tee" => tee(host, st, args, stdin),
        "grep" | "egrep" | "fgrep" => grep(host, st, name, args, stdin),
        "wc" => wc(host, st, args, stdin),
        "tr" => tr(args, stdin),
        "sort" => sort(host, st, args, stdin),
        "uniq" => uniq(host, st, args, stdin),
        "head" | "tail" => head_tail(host, st, name == "head", args, stdin),
        "cut" => cut(host, st, args, stdin),
        "awk" => awk(host, st, args, stdin),
        _ => return None,
    })
}

fn lines_of(text: &str) -> Vec<&str> {
    let t = text.strip_suffix('\n').unwrap_or(text);
    if t.is_empty() && text.is_empty() {
        return Vec::new();
    }
    t.split('\n').collect()
}

fn join_lines(lines: &[String]) -> String {
    let mut s = String::new();
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s
}

/// Input of a filter: the named files (through the host) or stdin.
fn inputs(
    host: &mut dyn Host,
    st: &State,
    cmd: &str,
    files: &[String],
    stdin: &str,
    io: &mut Io,
) -> Vec<(String, String)> {
    if files.is_empty() {
        return vec![("-".into(), stdin.to_string())];
    }
    let mut out = Vec::new();
    for f in files {
        if f == "-" {
            out.push((f.clone(), stdin.to_string()));
            continue;
        }
        match host.read(f) {
            Ok(text) => out.push((f.clone(), text)),
            Err(e) => {
                io.err(file_error(st.flavor, cmd, f, &e));
                io.code = if cmd == "grep" { 2 } else { 1 };
            }
        }
    }
    out
}

/// `cat: x: No such file or directory` (GNU) / `cat: can't open 'x': …` (busybox).
pub(crate) fn file_error(flavor: Flavor, cmd: &str, path: &str, errno: &str) -> String {
    match flavor {
        Flavor::Busybox => format!("{cmd}: can't open '{path}': {errno}\n"),
        _ => format!("{cmd}: {path}: {errno}\n"),
    }
}

fn usage(cmd: &str, what: &str) -> Io {
    Io::fail(format!("{cmd}: {what}\n"), 2)
}

// ----- echo, printf, seq, sleep -----

fn echo(st: &State, args: &[String]) -> Io {
    let mut newline = true;
    let mut escapes = st.flavor == Flavor::Dash;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let Some(flags) = a.strip_prefix('-') else {
            break;
        };
        if flags.is_empty()
            || !flags
                .chars()
                .all(|c| c == 'n' || (st.flavor != Flavor::Dash && (c == 'e' || c == 'E')))
        {
            break;
        }
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        i += 1;
    }
    let mut text = args[i..].join(" ");
    if escapes {
        let (t, stop) = unescape(&text);
        text = t;
        if stop {
            newline = false;
        }
    }
    if newline {
        text.push('\n');
    }
    Io::out(text)
}

/// Backslash escapes of `echo -e` and `printf`; the flag is true after `\c`.
fn unescape(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('e') => out.push('\u{1b}'),
            Some('c') => return (out, true),
            Some('0') => {
                let mut v = 0u32;
                for _ in 0..3 {
                    match chars.peek() {
                        Some(d @ '0'..='7') => {
                            v = v * 8 + d.to_digit(8).unwrap_or(0);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('?'));
            }
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

fn printf(args: &[String]) -> Io {
    let Some(fmt) = args.first() else {
        return usage("printf", "usage: printf format [arguments]");
    };
    let mut rest: Vec<&String> = args[1..].iter().collect();
    let mut out = String::new();
    let mut io = Io::default();
    // The format is reused while arguments remain (at least once).
    for _round in 0..MAX_SEQ {
        if out.len() > crate::shell::MAX_OUTPUT_BYTES {
            break;
        }
        let consumed_before = rest.len();
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    let mut esc = String::from("\\");
                    if let Some(n) = chars.next() {
                        esc.push(n);
                    }
                    out.push_str(&unescape(&esc).0);
                }
                '%' if out.len() > crate::shell::MAX_OUTPUT_BYTES => break,
                '%' => {
                    let mut spec = String::new();
                    while let Some(&n) = chars.peek() {
                        if n.is_ascii_digit() || n == '-' || n == '.' {
                            spec.push(n);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    let Some(conv) = chars.next() else {
                        out.push('%');
                        break;
                    };
                    if conv == '%' {
                        out.push('%');
                        continue;
                    }
                    let arg = if rest.is_empty() {
                        String::new()
                    } else {
                        rest.remove(0).clone()
                    };
                    let text = match conv {
                        's' => arg,
                        'b' => unescape(&arg).0,
                        'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                        'd' | 'i' | 'x' | 'o' => {
                            let v = if arg.is_empty() {
                                0
                            } else {
                                match arg.trim().parse::<i64>() {
                                    Ok(v) => v,
                                    Err(_) => {
                                        io.err(format!("printf: {arg}: invalid number\n"));
                                        io.code = 1;
                                        0
                                    }
                                }
                            };
                            match conv {
                                'x' => format!("{v:x}"),
                                'o' => format!("{v:o}"),
                                _ => v.to_string(),
                            }
                        }
                        other => {
                            return Io::fail(
                                format!("printf: %{other}: invalid conversion specification\n"),
                                1,
                            )
                        }
                    };
                    out.push_str(&pad(&text, &spec));
                }
                other => out.push(other),
            }
        }
        if rest.is_empty() || rest.len() == consumed_before {
            break;
        }
    }
    io.push_out(&out);
    io
}

fn pad(text: &str, spec: &str) -> String {
    let left = spec.starts_with('-');
    let spec = spec.trim_start_matches('-');
    let (width, prec) = match spec.split_once('.') {
        Some((w, p)) => (w.parse::<usize>().unwrap_or(0), p.parse::<usize>().ok()),
        None => (spec.parse::<usize>().unwrap_or(0), None),
    };
    let width = width.min(1000);
    let mut t: String = match prec {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_string(),
    };
    let n = t.chars().count();
    if n < width {
        let fill = " ".repeat(width - n);
        t = if left { t + &fill } else { fill + &t };
    }
    t
}

fn seq(args: &[String]) -> Io {
    let mut sep = "\n".to_string();
    let mut nums = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-s" {
            sep = args.get(i + 1).cloned().unwrap_or_default();
            i += 2;
            continue;
        }
        if let Some(s) = a.strip_prefix("-s") {
            sep = s.to_string();
            i += 1;
            continue;
        }
        match a.parse::<i64>() {
            Ok(v) => nums.push(v),
            Err(_) => {
                return Io::fail(
                    format!("seq: invalid floating point argument: '{a}'\nTry 'seq --help' for more information.\n"),
                    1,
                )
            }
        }
        i += 1;
    }
    let (first, inc, last) = match nums.as_slice() {
        [l] => (1, 1, *l),
        [f, l] => (*f, 1, *l),
        [f, s, l] => (*f, *s, *l),
        _ => {
            return usage(
                "seq",
                "missing operand\nTry 'seq --help' for more information.",
            )
        }
    };
    if inc == 0 {
        return Io::fail("seq: invalid Zero increment value: '0'\n".to_string(), 1);
    }
    let count = if (inc > 0 && first > last) || (inc < 0 && first < last) {
        0
    } else {
        (last.abs_diff(first) / inc.unsigned_abs()) + 1
    };
    if count > MAX_SEQ as u64 {
        return Io::fail(
            format!("seq: more than {MAX_SEQ} numbers (the playground's limit)\n"),
            1,
        );
    }
    let items: Vec<String> = (0..count as i64)
        .map(|k| (first + k * inc).to_string())
        .collect();
    if items.is_empty() {
        return Io::default();
    }
    Io::out(items.join(&sep) + "\n")
}

fn sleep(args: &[String]) -> Io {
    if args.is_empty() {
        return Io::fail("sleep: missing operand\n".to_string(), 1);
    }
    for a in args {
        let num = a.trim_end_matches(['s', 'm', 'h', 'd']);
        if num.is_empty()
            || num
                .parse::<f64>()
                .map_or(true, |v| v < 0.0 || !v.is_finite())
        {
            return Io::fail(format!("sleep: invalid time interval '{a}'\n"), 1);
        }
    }
    // Virtual time does not pass inside one command line: sleeping is accepted and does
    // nothing (see the module documentation of `shell`).
    Io::default()
}

// ----- test -----

fn test_cmd(host: &mut dyn Host, st: &State, args: &[String], close: Option<&str>) -> Io {
    let name = match close {
        Some("]") => "[",
        Some(_) => "[[",
        None => "test",
    };
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    if let Some(c) = close {
        if args.last() != Some(&c) {
            return Io::fail(format!("{}: {name}: missing `{c}'\n", st.name), 2);
        }
        args.pop();
    }
    match eval_test(host, &args) {
        Ok(true) => Io::default(),
        Ok(false) => Io::code(1),
        Err(e) => Io::fail(format!("{}: {name}: {e}\n", st.name), 2),
    }
}

fn eval_test(host: &mut dyn Host, a: &[&str]) -> Result<bool, String> {
    // `-o` (or `||` in [[ ]]) binds loosest, then `-a` (`&&`); an operator at either
    // end is an operand. Iterative, so a long expression cannot exhaust the stack.
    let split = |a: &[&str], ops: [&str; 2]| -> Vec<(usize, usize)> {
        let mut parts = Vec::new();
        let mut start = 0;
        for (i, x) in a.iter().enumerate() {
            if ops.contains(x) && i > start && i + 1 < a.len() {
                parts.push((start, i));
                start = i + 1;
            }
        }
        parts.push((start, a.len()));
        parts
    };
    let mut any = false;
    for (s, e) in split(a, ["-o", "||"]) {
        let mut all = true;
        for (s2, e2) in split(&a[s..e], ["-a", "&&"]) {
            all &= eval_primary(host, &a[s..e][s2..e2])?;
        }
        any |= all;
    }
    Ok(any)
}

fn eval_primary(host: &mut dyn Host, a: &[&str]) -> Result<bool, String> {
    let bangs = a.iter().take_while(|x| **x == "!").count();
    let (negate, a) = if bangs > 0 && bangs < a.len() {
        (bangs % 2 == 1, &a[bangs..])
    } else {
        (false, a)
    };
    let v = match a {
        [] => Ok(false),
        [x] => Ok(!x.is_empty()),
        [op, x] => match *op {
            "-z" => Ok(x.is_empty()),
            "-n" => Ok(!x.is_empty()),
            "-e" | "-a" => Ok(host.stat(x).is_some()),
            "-f" => Ok(host.stat(x) == Some(false)),
            "-d" => Ok(host.stat(x) == Some(true)),
            "-s" => Ok(host.read(x).is_ok_and(|t| !t.is_empty())),
            "-r" | "-w" | "-x" => Ok(host.stat(x).is_some()),
            _ => Err(format!("{op}: unary operator expected")),
        },
        [l, op, r] => {
            let int = |s: &str| -> Result<i64, String> {
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("{s}: integer expression expected"))
            };
            match *op {
                "=" | "==" => Ok(l == r),
                "!=" => Ok(l != r),
                "<" => Ok(l < r),
                ">" => Ok(l > r),
                "-eq" => Ok(int(l)? == int(r)?),
                "-ne" => Ok(int(l)? != int(r)?),
                "-lt" => Ok(int(l)? < int(r)?),
                "-le" => Ok(int(l)? <= int(r)?),
                "-gt" => Ok(int(l)? > int(r)?),
                "-ge" => Ok(int(l)? >= int(r)?),
                _ => Err(format!("{op}: binary operator expected")),
            }
        }
        _ => Err("too many arguments".into()),
    };
    v.map(|b| b != negate)
}

// ----- exit, export -----

fn exit(st: &mut State, args: &[String]) -> Io {
    let code = match args.first() {
        None => st.last,
        Some(a) => match a.parse::<i32>() {
            Ok(c) => c & 0xff,
            Err(_) => {
                st.exit = Some(2);
                return Io::fail(
                    format!("{}: exit: {a}: numeric argument required\n", st.name),
                    2,
                );
            }
        },
    };
    st.exit = Some(code);
    Io::code(code)
}

fn export(st: &mut State, args: &[String]) -> Io {
    if args.is_empty() || args.iter().all(|a| a == "-p") {
        let mut out = String::new();
        for k in &st.exported {
            let v = st.vars.get(k).cloned().unwrap_or_default();
            out.push_str(&format!("export {k}='{v}'\n"));
        }
        return Io::out(out);
    }
    let mut io = Io::default();
    for a in args {
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a.as_str(), None),
        };
        if !super::parse::valid_name(name) {
            io.err(format!(
                "{}: export: `{a}': not a valid identifier\n",
                st.name
            ));
            io.code = 1;
            continue;
        }
        if let Some(v) = value {
            st.vars.insert(name.to_string(), v.to_string());
        }
        st.exported.insert(name.to_string());
    }
    io
}

// ----- cat, tee -----

fn cat(host: &mut dyn Host, st: &State, args: &[String], stdin: &str) -> Io {
    let mut io = Io::default();
    let files: Vec<String> = args.iter().filter(|a| *a != "-u").cloned().collect();
    if let Some(bad) = files.iter().find(|a| a.starts_with('-') && a.len() > 1) {
        return Io::fail(
            format!("cat: invalid option -- '{}'\n", bad.trim_start_matches('-')),
            1,
        );
    }
    let code = io.code;
    for (_, text) in inputs(host, st, "cat", &files, stdin, &mut io) {
        io.push_out(&text);
    }
    io.code = code.max(io.code);
    io
}

fn tee(host: &mut dyn Host, st: &State, args: &[String], stdin: &str) -> Io {
    let append = args.iter().any(|a| a == "-a" || a == "--append");
    let mut io = Io::out(stdin.to_string());
    for f in args.iter().filter(|a| !a.starts_with('-')) {
        if let Err(e) = host.write(f, stdin, append) {
            io.err(format!("tee: {f}: {e}\n"));
            io.code = 1;
        }
    }
    let _ = st;
    io
}

// ----- grep -----

struct GrepOpts {
    invert: bool,
    icase: bool,
    extended: bool,
    fixed: bool,
    count: bool,
    quiet: bool,
    number: bool,
    only_names: bool,
    no_names: bool,
    after: usize,
    before: usize,
    patterns: Vec<String>,
    files: Vec<String>,
}

fn grep(host: &mut dyn Host, st: &State, name: &str, args: &[String], stdin: &str) -> Io {
    let mut o = GrepOpts {
        invert: false,
        icase: false,
        extended: name == "egrep",
        fixed: name == "fgrep",
        count: false,
        quiet: false,
        number: false,
        only_names: false,
        no_names: false,
        after: 0,
        before: 0,
        patterns: Vec::new(),
        files: Vec::new(),
    };
    let mut positional = Vec::new();
    let mut i = 0;
    let mut only_positional = false;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if only_positional || !a.starts_with('-') || a == "-" {
            positional.push(a.clone());
            continue;
        }
        if a == "--" {
            only_positional = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (k, v) = match long.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (long, None),
            };
            let value = |i: &mut usize| -> Option<String> {
                v.clone().or_else(|| {
                    let x = args.get(*i).cloned();
                    *i += 1;
                    x
                })
            };
            match k {
                "invert-match" => o.invert = true,
                "ignore-case" => o.icase = true,
                "extended-regexp" => o.extended = true,
                "fixed-strings" => o.fixed = true,
                "count" => o.count = true,
                "quiet" | "silent" => o.quiet = true,
                "line-number" => o.number = true,
                "after-context" | "before-context" | "context" => {
                    let Some(n) = value(&mut i).and_then(|v| v.parse::<usize>().ok()) else {
                        return usage("grep", &format!("{a}: invalid context length argument"));
                    };
                    if k != "before-context" {
                        o.after = n;
                    }
                    if k != "after-context" {
                        o.before = n;
                    }
                }
                "regexp" => match value(&mut i) {
                    Some(p) => o.patterns.push(p),
                    None => return usage("grep", "option '--regexp' requires an argument"),
                },
                _ => {
                    return usage(
                        "grep",
                        &format!(
                            "unrecognized option '{a}'\nUsage: grep [OPTION]... PATTERNS [FILE]..."
                        ),
                    )
                }
            }
            continue;
        }
        let flags: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < flags.len() {
            let f = flags[k];
            k += 1;
            match f {
                'v' => o.invert = true,
                'i' | 'y' => o.icase = true,
                'E' => o.extended = true,
                'F' => o.fixed = true,
                'G' => o.extended = false,
                'c' => o.count = true,
                'q' | 's' => o.quiet |= f == 'q',
                'n' => o.number = true,
                'l' => o.only_names = true,
                'h' => o.no_names = true,
                'H' | 'w' | 'x' | 'o' | 'r' | 'R' => {
                    return usage(
                        "grep",
                        &format!("-{f} is not supported in the playground (supported: -v -i -E -F -c -q -n -l -h -e -A -B -C)"),
                    )
                }
                'A' | 'B' | 'C' | 'e' => {
                    let rest: String = flags[k..].iter().collect();
                    k = flags.len();
                    let v = if rest.is_empty() {
                        let v = args.get(i).cloned();
                        i += 1;
                        v
                    } else {
                        Some(rest)
                    };
                    let Some(v) = v else {
                        return usage(
                            "grep",
                            &format!("option requires an argument -- '{f}'\nUsage: grep [OPTION]... PATTERNS [FILE]..."),
                        );
                    };
                    if f == 'e' {
                        o.patterns.push(v);
                        continue;
                    }
                    let Ok(n) = v.parse::<usize>() else {
                        return usage("grep", &format!("{v}: invalid context length argument"));
                    };
                    if f != 'B' {
                        o.after = n;
                    }
                    if f != 'A' {
                        o.before = n;
                    }
                }
                d if d.is_ascii_digit() => {
                    let rest: String = flags[k - 1..].iter().collect();
                    k = flags.len();
                    let n = rest.parse::<usize>().unwrap_or(0);
                    o.after = n;
                    o.before = n;
                }
                other => {
                    return usage(
                        "grep",
                        &format!("invalid option -- '{other}'\nUsage: grep [OPTION]... PATTERNS [FILE]..."),
                    )
                }
            }
        }
    }
    if o.patterns.is_empty() {
        if positional.is_empty() {
            return usage(
                "grep",
                "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.",
            );
        }
        o.patterns.push(positional.remove(0));
    }
    o.files = positional;
    // Several patterns, or one with newlines, mean "any of them".
    let pats: Vec<String> = o
        .patterns
        .iter()
        .flat_map(|p| p.split('\n').map(str::to_string).collect::<Vec<_>>())
        .collect();
    let mut regexes = Vec::new();
    for p in &pats {
        let r = if o.fixed {
            Ok(Regex::literal(p, o.icase))
        } else {
            Regex::new(p, o.extended, o.icase)
        };
        match r {
            Ok(r) => regexes.push(r),
            Err(e) => return Io::fail(format!("grep: {e}\n"), 2),
        }
    }
    let mut io = Io::default();
    let sources = inputs(host, st, "grep", &o.files.clone(), stdin, &mut io);
    let error_code = io.code;
    let many = sources.len() > 1 && !o.no_names;
    let mut any = false;
    let mut out = String::new();
    for (fname, text) in &sources {
        let lines = lines_of(text);
        let hits: Vec<bool> = lines
            .iter()
            .map(|l| regexes.iter().any(|r| r.is_match(l)) != o.invert)
            .collect();
        let n = hits.iter().filter(|h| **h).count();
        any |= n > 0;
        if o.quiet {
            continue;
        }
        let label = if fname == "-" {
            "(standard input)".to_string()
        } else {
            fname.clone()
        };
        if o.only_names {
            if n > 0 {
                out.push_str(&label);
                out.push('\n');
            }
            continue;
        }
        if o.count {
            if many {
                out.push_str(&format!("{label}:{n}\n"));
            } else {
                out.push_str(&format!("{n}\n"));
            }
            continue;
        }
        // Lines to print: matches plus context; "--" between non-adjacent groups.
        let mut show = vec![0u8; lines.len()]; // 0 no, 1 context, 2 match
        for (idx, h) in hits.iter().enumerate() {
            if *h {
                show[idx] = 2;
                for s in &mut show[idx.saturating_sub(o.before)..idx] {
                    *s = (*s).max(1);
                }
                let end = (idx + o.after).min(lines.len().saturating_sub(1));
                for s in show.iter_mut().take(end + 1).skip(idx + 1) {
                    *s = (*s).max(1);
                }
            }
        }
        let context = o.after > 0 || o.before > 0;
        let mut last: Option<usize> = None;
        for (idx, line) in lines.iter().enumerate() {
            if show[idx] == 0 {
                continue;
            }
            if context && last.is_some_and(|l| l + 1 != idx) {
                out.push_str("--\n");
            }
            last = Some(idx);
            let sep = if show[idx] == 2 { ':' } else { '-' };
            if many {
                out.push_str(&label);
                out.push(sep);
            }
            if o.number {
                out.push_str(&(idx + 1).to_string());
                out.push(sep);
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    io.push_out(&out);
    io.code = if error_code == 2 && !any {
        2
    } else if any {
        0
    } else {
        1
    };
    io
}

// ----- wc, tr, sort, uniq, head, tail, cut -----

fn wc(host: &mut dyn Host, st: &State, args: &[String], stdin: &str) -> Io {
    let (mut l, mut w, mut c) = (false, false, false);
    let mut files = Vec::new();
    for a in args {
        match a.as_str() {
            "--lines" => l = true,
            "--words" => w = true,
            "--bytes" | "--chars" => c = true,
            s if s.starts_with('-') && s.len() > 1 => {
                for f in s[1..].chars() {
                    match f {
                        'l' => l = true,
                        'w' => w = true,
                        'c' | 'm' => c = true,
                        other => {
                            return usage("wc", &format!("invalid option -- '{other}'"));
                        }
                    }
                }
            }
            _ => files.push(a.clone()),
        }
    }
    if !l && !w && !c {
        (l, w, c) = (true, true, true);
    }
    let mut io = Io::default();
    let sources = inputs(host, st, "wc", &files, stdin, &mut io);
    let single = l as u8 + w as u8 + c as u8 == 1;
    let mut out = String::new();
    let mut totals = [0usize; 3];
    for (name, text) in &sources {
        let counts = [
            text.matches('\n').count(),
            text.split_whitespace().count(),
            text.len(),
        ];
        for k in 0..3 {
            totals[k] += counts[k];
        }
        out.push_str(&wc_line(
            counts,
            [l, w, c],
            single && files.is_empty(),
            name,
        ));
    }
    if sources.len() > 1 {
        out.push_str(&wc_line(totals, [l, w, c], false, "total"));
    }
    io.push_out(&out);
    io
}

fn wc_line(counts: [usize; 3], which: [bool; 3], bare: bool, name: &str) -> String {
    let cols: Vec<String> = (0..3)
        .filter(|k| which[*k])
        .map(|k| {
            if bare {
                counts[k].to_string()
            } else if name == "-" {
                format!("{:>7}", counts[k])
            } else {
                counts[k].to_string()
            }
        })
        .collect();
    let mut line = cols.join(" ");
    if name != "-" {
        line.push(' ');
        line.push_str(name);
    }
    line.push('\n');
    line
}

/// The most characters a `tr` set expands to (the rest is ignored).
const MAX_TR_SET: usize = 1 << 16;

/// Expands a `tr` set: escapes, ranges and `[:class:]`.
fn tr_set(s: &str) -> Vec<char> {
    let raw: Vec<char> = s.chars().collect();
    let mut chars = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == '[' && raw.get(i + 1) == Some(&':') {
            let rest: String = raw[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                let set: Vec<char> = match name {
                    "upper" => ('A'..='Z').collect(),
                    "lower" => ('a'..='z').collect(),
                    "digit" => ('0'..='9').collect(),
                    "space" => vec![' ', '\t', '\n', '\r', '\u{b}', '\u{c}'],
                    "blank" => vec![' ', '\t'],
                    "alpha" => ('A'..='Z').chain('a'..='z').collect(),
                    "alnum" => ('0'..='9').chain('A'..='Z').chain('a'..='z').collect(),
                    "punct" => (33u8..=126)
                        .map(char::from)
                        .filter(char::is_ascii_punctuation)
                        .collect(),
                    _ => Vec::new(),
                };
                chars.extend(set);
                i += 2 + name.chars().count() + 2;
                continue;
            }
        }
        let c = if raw[i] == '\\' && i + 1 < raw.len() {
            i += 1;
            match raw[i] {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '\\' => '\\',
                other => other,
            }
        } else {
            raw[i]
        };
        if raw.get(i + 1) == Some(&'-') && i + 2 < raw.len() {
            let hi = raw[i + 2];
            if hi >= c && (hi as u32 - c as u32) < 65_536 {
                if chars.len() > MAX_TR_SET {
                    break;
                }
                chars.extend((c..=hi).collect::<Vec<char>>());
                i += 3;
                continue;
            }
        }
        chars.push(c);
        i += 1;
    }
    chars
}

fn tr(args: &[String], stdin: &str) -> Io {
    let (mut delete, mut squeeze) = (false, false);
    let mut sets = Vec::new();
    for a in args {
        if a.starts_with('-') && a.len() > 1 && sets.is_empty() {
            for f in a[1..].chars() {
                match f {
                    'd' => delete = true,
                    's' => squeeze = true,
                    other => {
                        return usage(
                            "tr",
                            &format!(
                                "invalid option -- '{other}' (the playground supports -d and -s)"
                            ),
                        )
                    }
                }
            }
        } else {
            sets.push(tr_set(a));
        }
    }
    let mut out = String::new();
    match (delete, sets.as_slice()) {
        (true, [s1]) => {
            let mut last: Option<char> = None;
            for c in stdin.chars().filter(|c| !s1.contains(c)) {
                if squeeze && last == Some(c) {
                    continue;
                }
                last = Some(c);
                out.push(c);
            }
        }
        (false, [s1, s2]) if !s2.is_empty() => {
            let mut last: Option<char> = None;
            for c in stdin.chars() {
                let m = match s1.iter().position(|x| *x == c) {
                    Some(i) => s2[i.min(s2.len() - 1)],
                    None => c,
                };
                if squeeze && last == Some(m) && s2.contains(&m) {
                    continue;
                }
                last = Some(m);
                out.push(m);
            }
        }
        (false, [s1]) if squeeze => {
            let mut last: Option<char> = None;
            for c in stdin.chars() {
                if last == Some(c) && s1.contains(&c) {
                    continue;
                }
                last = Some(c);
                out.push(c);
            }
        }
        _ => {
            return usage(
                "tr",
                "missing operand\nTry 'tr --help' for more information.",
            )
        }
    }
    Io::out(out)
}

fn sort(host: &mut dyn Host, st: &State, args: &[String], stdin: &str) -> Io {
    let (mut rev, mut num, mut uniq) = (false, false, false);
    let mut key: Option<usize> = None;
    let mut sep: Option<char> = None;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a.starts_with('-') && a.len() > 1 {
            let flags: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < flags.len() {
                let f = flags[k];
                k += 1;
                match f {
                    'r' => rev = true,
                    'n' | 'h' | 'V' => num = true,
                    'u' => uniq = true,
                    'k' | 't' => {
                        let rest: String = flags[k..].iter().collect();
                        k = flags.len();
                        let v = if rest.is_empty() {
                            let v = args.get(i).cloned().unwrap_or_default();
                            i += 1;
                            v
                        } else {
                            rest
                        };
                        if f == 't' {
                            sep = v.chars().next();
                        } else {
                            let field = v.split([',', '.']).next().unwrap_or("");
                            key = field
                                .trim_end_matches(|c: char| c.is_alphabetic())
                                .parse()
                                .ok();
                            if v.contains('n') {
                                num = true;
                            }
                            if key.is_none() {
                                return usage("sort", &format!("invalid number at field start: invalid count at start of '{v}'"));
                            }
                        }
                    }
                    other => return usage("sort", &format!("invalid option -- '{other}'")),
                }
            }
        } else {
            files.push(a.clone());
        }
    }
    let mut io = Io::default();
    let mut lines: Vec<String> = Vec::new();
    for (_, text) in inputs(host, st, "sort", &files, stdin, &mut io) {
        lines.extend(lines_of(&text).into_iter().map(str::to_string));
    }
    let field = |l: &str| -> String {
        match key {
            None => l.to_string(),
            Some(k) => {
                let parts: Vec<&str> = match sep {
                    Some(s) => l.split(s).collect(),
                    None => l.split_whitespace().collect(),
                };
                parts
                    .get(k.saturating_sub(1))
                    .copied()
                    .unwrap_or("")
                    .to_string()
            }
        }
    };
    let numval = |s: &str| -> f64 {
        let t = s.trim_start();
        let end = t
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
            .map_or(t.len(), |(i, _)| i);
        t[..end].parse::<f64>().unwrap_or(0.0)
    };
    lines.sort_by(|a, b| {
        let (fa, fb) = (field(a), field(b));
        let ord = if num {
            numval(&fa)
                .partial_cmp(&numval(&fb))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.cmp(b))
        } else {
            fa.cmp(&fb).then_with(|| a.cmp(b))
        };
        if rev {
            ord.reverse()
        } else {
            ord
        }
    });
    if uniq {
        lines.dedup_by(|a, b| field(a) == field(b));
    }
    io.push_out(&join_lines(&lines));
    io
}

fn uniq(host: &mut dyn Host, st: &State, args: &[String], stdin: &str) -> Io {
    let (mut count, mut dups, mut uniques) = (false, false, false);
    let mut files = Vec::new();
    for a in args {
        if a.starts_with('-') && a.len() > 1 {
            for f in a[1..].chars() {
                match f {
                    'c' => count = true,
                    'd' => dups = true,
                    'u' => uniques = true,
                    other => return usage("uniq", &format!("invalid option -- '{other}'")),
                }
            }
        } else {
            files.push(a.clone());
        }
    }
    let mut io = Io::default();
    let text = inputs(
        host,
        st,
        "uniq",
        &files[..files.len().min(1)],
        stdin,
        &mut io,
    )
    .into_iter()
    .map(|(_, t)| t)
    .collect::<String>();
    let mut groups: Vec<(usize, &str)> = Vec::new();
    for l in lines_of(&text) {
        match groups.last_mut() {
            Some((n, last)) if *last == l => *n += 1,
            _ => groups.push((1, l)),
        }
    }
    let mut out = String::new();
    for (n, l) in groups {
        if (dups && n < 2) || (uniques && n > 1) {
            continue;
        }
        if count {
            out.push_str(&format!("{n:>7} {l}\n"));
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    io.push_out(&out);
    io
}

fn head_tail(host: &mut dyn Host, st: &State, head: bool, args: &[String], stdin: &str) -> Io {
    let cmd = if head { "head" } else { "tail" };
    let mut n: i64 = 10;
    let mut from_start = false;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        let value = if a == "-n" || a == "--lines" {
            let v = args.get(i).cloned();
            i += 1;
            match v {
                Some(v) => Some(v),
                None => return usage(cmd, "option requires an argument -- 'n'"),
            }
        } else if let Some(v) = a.strip_prefix("--lines=") {
            Some(v.to_string())
        } else if let Some(v) = a.strip_prefix("-n") {
            Some(v.to_string())
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
            Some(a[1..].to_string())
        } else if a.starts_with('-') && a.len() > 1 {
            return usage(cmd, &format!("invalid option -- '{}'", &a[1..]));
        } else {
            files.push(a.clone());
            None
        };
        if let Some(v) = value {
            from_start = v.starts_with('+');
            match v.trim_start_matches('+').parse::<i64>() {
                Ok(k) => n = k,
                Err(_) => {
                    return Io::fail(format!("{cmd}: invalid number of lines: '{v}'\n"), 1);
                }
            }
        }
    }
    let mut io = Io::default();
    let sources = inputs(host, st, cmd, &files, stdin, &mut io);
    let many = sources.len() > 1;
    let mut out = String::new();
    for (k, (name, text)) in sources.iter().enumerate() {
        if many {
            if k > 0 {
                out.push('\n');
            }
            out.push_str(&format!("==> {name} <==\n"));
        }
        let lines = lines_of(text);
        let len = lines.len() as i64;
        let (start, end) = if head {
            if n >= 0 {
                (0, n.min(len))
            } else {
                (0, (len + n).max(0))
            }
        } else if from_start {
            (n.saturating_sub(1).clamp(0, len), len)
        } else {
            (len.saturating_sub(n.saturating_abs()).max(0), len)
        };
        for l in &lines[start as usize..end as usize] {
            out.push_str(l);
            out.push('\n');
        }
    }
    io.push_out(&out);
    io
}

/// A cut list: `N`, `N-M`, `N-`, `-M`, comma-separated; 1-based.
fn cut_list(s: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut out = Vec::new();
    for part in s.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() {
                    Some(1)
                } else {
                    a.parse().ok()
                },
                if b.is_empty() {
                    Some(usize::MAX)
                } else {
                    b.parse().ok()
                },
            ),
            None => (part.parse().ok(), part.parse().ok()),
        };
        match (a, b) {
            (Some(a), Some(b)) if a >= 1 && b >= a => out.push((a, b)),
            _ => return Err(format!("invalid field value '{part}'")),
        }
    }
    Ok(out)
}

fn cut(host: &mut dyn Host, st: &State, args: &[String], stdin: &str) -> Io {
    let mut delim = '\t';
    let mut fields: Option<Vec<(usize, usize)>> = None;
    let mut chars: Option<Vec<(usize, usize)>> = None;
    let mut only_delimited = false;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        let mut take = |flag: &str| -> Option<String> {
            if a == flag {
                let v = args.get(i).cloned();
                i += 1;
                v
            } else {
                a.strip_prefix(flag).map(str::to_string)
            }
        };
        if let Some(d) = take("-d") {
            let mut cs = d.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => delim = c,
                _ => return usage("cut", "the delimiter must be a single character"),
            }
        } else if let Some(f) = take("-f") {
            match cut_list(&f) {
                Ok(l) => fields = Some(l),
                Err(e) => return usage("cut", &e),
            }
        } else if let Some(c) = take("-c") {
            match cut_list(&c) {
                Ok(l) => chars = Some(l),
                Err(e) => return usage("cut", &e),
            }
        } else if a == "-s" {
            only_delimited = true;
        } else if a.starts_with('-') && a.len() > 1 {
            return usage("cut", &format!("invalid option -- '{}'", &a[1..]));
        } else {
            files.push(a.clone());
        }
    }
    let want = |n: usize, list: &[(usize, usize)]| list.iter().any(|(a, b)| n >= *a && n <= *b);
    let mut io = Io::default();
    let mut out = String::new();
    for (_, text) in inputs(host, st, "cut", &files, stdin, &mut io) {
        for line in lines_of(&text) {
            if let Some(list) = &chars {
                let s: String = line
                    .chars()
                    .enumerate()
                    .filter(|(k, _)| want(k + 1, list))
                    .map(|(_, c)| c)
                    .collect();
                out.push_str(&s);
                out.push('\n');
            } else if let Some(list) = &fields {
                if !line.contains(delim) {
                    if !only_delimited {
                        out.push_str(line);
                        out.push('\n');
                    }
                    continue;
                }
                let picked: Vec<&str> = line
                    .split(delim)
                    .enumerate()
                    .filter(|(k, _)| want(k + 1, list))
                    .map(|(_, f)| f)
                    .collect();
                out.push_str(&picked.join(&delim.to_string()));
                out.push('\n');
            } else {
                return usage(
                    "cut",
                    "you must specify a list of bytes, characters, or fields",
                );
            }
        }
    }
    io.push_out(&out);
    io
}

// ----- awk -----

enum AwkItem {
    Field(usize),
    LastField,
    Nr,
    Nf,
    Str(String),
}

enum AwkCond {
    Always,
    Match(Regex),
    Nr(String, i64),
    FieldEq(usize, String, bool),
}

fn awk(host: &mut dyn Host, st: &State, args: &[String], stdin: &str) -> Io {
    const ONLY: &str = "the playground's awk runs only programs like '{print $1}', '{print $1, $NF}', '/re/ {print $2}' and 'NR>1 {print $1}'";
    let mut sep: Option<String> = None;
    let mut program: Option<String> = None;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "-F" {
            sep = args.get(i).cloned();
            i += 1;
        } else if let Some(s) = a.strip_prefix("-F") {
            sep = Some(s.to_string());
        } else if program.is_none() {
            program = Some(a.clone());
        } else {
            files.push(a.clone());
        }
    }
    let Some(program) = program else {
        return usage("awk", "usage: awk [-F fs] 'program' [file ...]");
    };
    let p = program.trim();
    let Some(open) = p.find('{') else {
        return Io::fail(format!("awk: {ONLY}\n"), 2);
    };
    if !p.ends_with('}') {
        return Io::fail(format!("awk: {ONLY}\n"), 2);
    }
    let cond_src = p[..open].trim();
    let body = p[open + 1..p.len() - 1].trim();
    let cond = if cond_src.is_empty() {
        AwkCond::Always
    } else if cond_src.len() >= 2 && cond_src.starts_with('/') && cond_src.ends_with('/') {
        match Regex::new(&cond_src[1..cond_src.len() - 1], true, false) {
            Ok(r) => AwkCond::Match(r),
            Err(e) => return Io::fail(format!("awk: {e}\n"), 2),
        }
    } else if let Some(rest) = cond_src.strip_prefix("NR") {
        let rest = rest.trim();
        let op_len = if rest.starts_with("==")
            || rest.starts_with("!=")
            || rest.starts_with(">=")
            || rest.starts_with("<=")
        {
            2
        } else {
            1
        };
        let (op, n) = rest.split_at(op_len.min(rest.len()));
        match n.trim().parse::<i64>() {
            Ok(n) if ["==", "!=", ">=", "<=", ">", "<"].contains(&op) => AwkCond::Nr(op.into(), n),
            _ => return Io::fail(format!("awk: {ONLY}\n"), 2),
        }
    } else if let Some(rest) = cond_src.strip_prefix('$') {
        let (eq, parts) = if let Some((a, b)) = rest.split_once("==") {
            (true, (a, b))
        } else if let Some((a, b)) = rest.split_once("!=") {
            (false, (a, b))
        } else {
            return Io::fail(format!("awk: {ONLY}\n"), 2);
        };
        let (Ok(n), v) = (parts.0.trim().parse::<usize>(), parts.1.trim()) else {
            return Io::fail(format!("awk: {ONLY}\n"), 2);
        };
        AwkCond::FieldEq(n, v.trim_matches('"').to_string(), eq)
    } else {
        return Io::fail(format!("awk: {ONLY}\n"), 2);
    };
    // The body: `print` followed by items separated by commas (OFS) or blanks (joined).
    let Some(items_src) = body.strip_prefix("print") else {
        return Io::fail(format!("awk: {ONLY}\n"), 2);
    };
    let mut groups: Vec<Vec<AwkItem>> = Vec::new();
    for group in split_awk_items(items_src.trim()) {
        let mut items = Vec::new();
        for tok in group {
            let item = if tok == "$NF" {
                AwkItem::LastField
            } else if tok == "NR" {
                AwkItem::Nr
            } else if tok == "NF" {
                AwkItem::Nf
            } else if let Some(n) = tok.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()) {
                AwkItem::Field(n)
            } else if tok.len() >= 2 && tok.starts_with('"') && tok.ends_with('"') {
                AwkItem::Str(unescape(&tok[1..tok.len() - 1]).0)
            } else {
                return Io::fail(format!("awk: {ONLY}\n"), 2);
            };
            items.push(item);
        }
        groups.push(items);
    }
    if groups.is_empty() {
        groups.push(vec![AwkItem::Field(0)]);
    }
    let mut io = Io::default();
    let mut out = String::new();
    let mut nr: i64 = 0;
    for (_, text) in inputs(host, st, "awk", &files, stdin, &mut io) {
        for line in lines_of(&text) {
            nr += 1;
            let fields: Vec<&str> = match &sep {
                Some(s) if s.chars().count() == 1 && s != " " => line.split(s.as_str()).collect(),
                Some(s) if s != " " => line.split(s.as_str()).collect(),
                _ => line.split_whitespace().collect(),
            };
            let field = |n: usize| -> String {
                if n == 0 {
                    line.to_string()
                } else {
                    fields.get(n - 1).copied().unwrap_or("").to_string()
                }
            };
            let keep = match &cond {
                AwkCond::Always => true,
                AwkCond::Match(r) => r.is_match(line),
                AwkCond::Nr(op, n) => match op.as_str() {
                    "==" => nr == *n,
                    "!=" => nr != *n,
                    ">" => nr > *n,
                    "<" => nr < *n,
                    ">=" => nr >= *n,
                    _ => nr <= *n,
                },
                AwkCond::FieldEq(k, v, eq) => (field(*k) == *v) == *eq,
            };
            if !keep {
                continue;
            }
            let rendered: Vec<String> = groups
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|it| match it {
                            AwkItem::Field(n) => field(*n),
                            AwkItem::LastField => fields.last().copied().unwrap_or("").to_string(),
                            AwkItem::Nr => nr.to_string(),
                            AwkItem::Nf => fields.len().to_string(),
                            AwkItem::Str(s) => s.clone(),
                        })
                        .collect::<String>()
                })
                .collect();
            out.push_str(&rendered.join(" "));
            out.push('\n');
        }
    }
    io.push_out(&out);
    io
}

/// `$1, $2 "x"` → [["$1"], ["$2", "\"x\""]].
fn split_awk_items(src: &str) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut tok = String::new();
    let mut in_str = false;
    for c in src.chars() {
        if in_str {
            tok.push(c);
            if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => {
                if !tok.is_empty() {
                    cur.push(std::mem::take(&mut tok));
                }
                tok.push(c);
                in_str = true;
            }
            ',' => {
                if !tok.is_empty() {
                    cur.push(std::mem::take(&mut tok));
                }
                groups.push(std::mem::take(&mut cur));
            }
            ' ' | '\t' => {
                if !tok.is_empty() {
                    cur.push(std::mem::take(&mut tok));
                }
            }
            _ => tok.push(c),
        }
    }
    if !tok.is_empty() {
        cur.push(tok);
    }
    if !cur.is_empty() {
        groups.push(cur);
    }
    groups
}
