//! A line diff for the "changes to apply" preview: Myers' greedy O((N+M)·D) algorithm
//! over interned lines, after trimming the common head and tail.
//!
//! Bounded so a pasted megabyte cannot freeze the tab: above [`MAX_LINES`] lines on
//! either side the whole text is reported as changed, and when the edit distance of
//! the middle part exceeds [`MAX_EDITS`] that part is reported as removed-then-added
//! (still a correct diff, only not the shortest one).

use std::collections::BTreeMap;

/// Above this many lines on either side, the diff is "everything changed".
pub const MAX_LINES: usize = 4_000;

/// The largest edit distance searched for exactly (the search keeps one row of
/// `2·d+1` offsets per step, so memory grows as `MAX_EDITS²`).
pub const MAX_EDITS: usize = 1_500;

/// What happened to a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffKind {
    Same,
    Added,
    Removed,
}

/// One line of the diff, with its 1-based number in the old and/or the new text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: DiffKind,
    pub text: String,
    pub old_line: Option<usize>,
    pub new_line: Option<usize>,
}

/// The lines of a text as the diff sees them (`\n` or `\r\n` separated; a final line
/// break does not make an extra empty line).
fn split(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// The diff of `old` into `new`, every line of both texts in order.
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a = split(old);
    let b = split(new);
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        let mut out = Vec::with_capacity(a.len() + b.len());
        replace_all(&a, &b, 0, 0, &mut out);
        return out;
    }
    // Intern lines so the inner loop compares integers.
    let mut ids: BTreeMap<&str, u32> = BTreeMap::new();
    let ai: Vec<u32> = a.iter().map(|s| intern_str(&mut ids, s)).collect();
    let bi: Vec<u32> = b.iter().map(|s| intern_str(&mut ids, s)).collect();

    let head = ai.iter().zip(&bi).take_while(|(x, y)| x == y).count();
    let tail = ai[head..]
        .iter()
        .rev()
        .zip(bi[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();

    let mut out = Vec::with_capacity(a.len().max(b.len()) + 8);
    for (i, line) in a.iter().enumerate().take(head) {
        out.push(same(line, i, i));
    }
    let (a_mid, b_mid) = (&ai[head..ai.len() - tail], &bi[head..bi.len() - tail]);
    match myers(a_mid, b_mid) {
        Some(script) => {
            let (mut i, mut j) = (0, 0);
            for op in script {
                match op {
                    Op::Same => {
                        out.push(same(a[head + i], head + i, head + j));
                        i += 1;
                        j += 1;
                    }
                    Op::Del => {
                        out.push(removed(a[head + i], head + i));
                        i += 1;
                    }
                    Op::Ins => {
                        out.push(added(b[head + j], head + j));
                        j += 1;
                    }
                }
            }
        }
        None => replace_all(
            &a[head..a.len() - tail],
            &b[head..b.len() - tail],
            head,
            head,
            &mut out,
        ),
    }
    for k in 0..tail {
        let (i, j) = (a.len() - tail + k, b.len() - tail + k);
        out.push(same(a[i], i, j));
    }
    out
}

fn intern_str<'a>(ids: &mut BTreeMap<&'a str, u32>, s: &'a str) -> u32 {
    let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
    *ids.entry(s).or_insert(next)
}

fn same(text: &str, i: usize, j: usize) -> DiffLine {
    DiffLine {
        kind: DiffKind::Same,
        text: text.to_string(),
        old_line: Some(i + 1),
        new_line: Some(j + 1),
    }
}

fn removed(text: &str, i: usize) -> DiffLine {
    DiffLine {
        kind: DiffKind::Removed,
        text: text.to_string(),
        old_line: Some(i + 1),
        new_line: None,
    }
}

fn added(text: &str, j: usize) -> DiffLine {
    DiffLine {
        kind: DiffKind::Added,
        text: text.to_string(),
        old_line: None,
        new_line: Some(j + 1),
    }
}

/// Every old line removed, then every new line added.
fn replace_all(a: &[&str], b: &[&str], a0: usize, b0: usize, out: &mut Vec<DiffLine>) {
    for (i, l) in a.iter().enumerate() {
        out.push(removed(l, a0 + i));
    }
    for (j, l) in b.iter().enumerate() {
        out.push(added(l, b0 + j));
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Ins,
}

/// Myers' greedy shortest edit script ("An O(ND) Difference Algorithm and Its
/// Variations", 1986, §2), keeping each step's furthest-reaching offsets for the
/// backtrack. `None` when the distance exceeds [`MAX_EDITS`].
fn myers(a: &[u32], b: &[u32]) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (a.len() + b.len()).min(MAX_EDITS) as isize;
    // v[k + offset] = furthest x on diagonal k; trace[d] = v restricted to -d..=d.
    let offset = max + 1;
    let mut v = vec![0isize; (2 * offset + 1) as usize];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let idx = |k: isize| (k + offset) as usize;
    let mut found = None;
    'outer: for d in 0..=max {
        let mut k = -d;
        while k <= d {
            let mut x = if k == -d || (k != d && v[idx(k - 1)] < v[idx(k + 1)]) {
                v[idx(k + 1)]
            } else {
                v[idx(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx(k)] = x;
            if x >= n && y >= m {
                trace.push(v[idx(-d)..=idx(d)].to_vec());
                found = Some(d);
                break 'outer;
            }
            k += 2;
        }
        trace.push(v[idx(-d)..=idx(d)].to_vec());
    }
    let d_end = found?;
    // Backtrack from (n, m).
    let mut ops = Vec::with_capacity((n + m) as usize);
    let (mut x, mut y) = (n, m);
    for d in (1..=d_end).rev() {
        let prev = &trace[(d - 1) as usize];
        let at = |k: isize| prev[(k + (d - 1)) as usize];
        let k = x - y;
        let down = k == -d || (k != d && at(k - 1) < at(k + 1));
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = at(prev_k);
        let prev_y = prev_x - prev_k;
        // Walk the snake back to the point just after the edit.
        while x > prev_x && y > prev_y {
            ops.push(Op::Same);
            x -= 1;
            y -= 1;
        }
        if down {
            ops.push(Op::Ins);
        } else {
            ops.push(Op::Del);
        }
        x = prev_x;
        y = prev_y;
    }
    while x > 0 && y > 0 {
        ops.push(Op::Same);
        x -= 1;
        y -= 1;
    }
    ops.reverse();
    Some(ops)
}

/// How many lines were added and removed.
pub fn counts(lines: &[DiffLine]) -> (usize, usize) {
    lines.iter().fold((0, 0), |(a, r), l| match l.kind {
        DiffKind::Added => (a + 1, r),
        DiffKind::Removed => (a, r + 1),
        DiffKind::Same => (a, r),
    })
}

/// The changed parts only: each hunk is a run of changes with up to `context`
/// unchanged lines around it; hunks whose context would touch are merged.
pub fn hunks(lines: &[DiffLine], context: usize) -> Vec<&[DiffLine]> {
    let mut out: Vec<&[DiffLine]> = Vec::new();
    let mut current: Option<(usize, usize)> = None; // [start, end)
    for (i, l) in lines.iter().enumerate() {
        if l.kind == DiffKind::Same {
            continue;
        }
        let start = i.saturating_sub(context);
        let end = (i + 1 + context).min(lines.len());
        current = match current {
            Some((s, e)) if start <= e => Some((s, end.max(e))),
            Some((s, e)) => {
                out.push(&lines[s..e]);
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((s, e)) = current {
        out.push(&lines[s..e]);
    }
    out
}

/// [`hunks`] with the preview's 2 lines of context.
pub fn changed_hunks(lines: &[DiffLine]) -> Vec<&[DiffLine]> {
    hunks(lines, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(lines: &[DiffLine]) -> String {
        lines
            .iter()
            .map(|l| {
                let c = match l.kind {
                    DiffKind::Same => ' ',
                    DiffKind::Added => '+',
                    DiffKind::Removed => '-',
                };
                format!("{c}{}\n", l.text)
            })
            .collect()
    }

    /// Applying the diff to the old text gives the new one, and the line numbers count
    /// up through both texts.
    fn check_consistent(old: &str, new: &str, d: &[DiffLine]) {
        let olds: Vec<&str> = d
            .iter()
            .filter(|l| l.kind != DiffKind::Added)
            .map(|l| l.text.as_str())
            .collect();
        let news: Vec<&str> = d
            .iter()
            .filter(|l| l.kind != DiffKind::Removed)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(olds, old.lines().collect::<Vec<_>>());
        assert_eq!(news, new.lines().collect::<Vec<_>>());
        let old_nums: Vec<usize> = d.iter().filter_map(|l| l.old_line).collect();
        let new_nums: Vec<usize> = d.iter().filter_map(|l| l.new_line).collect();
        assert_eq!(old_nums, (1..=olds.len()).collect::<Vec<_>>());
        assert_eq!(new_nums, (1..=news.len()).collect::<Vec<_>>());
    }

    #[test]
    fn image_change_is_one_removed_and_one_added_line() {
        let old = "kind: StatefulSet\nspec:\n  replicas: 3\n  image: nginx:1.24\n";
        let new = "kind: StatefulSet\nspec:\n  replicas: 3\n  image: nginx:1.25\n";
        let d = diff(old, new);
        assert_eq!(
            render(&d),
            " kind: StatefulSet\n spec:\n   replicas: 3\n-  image: nginx:1.24\n+  image: nginx:1.25\n"
        );
        assert_eq!(counts(&d), (1, 1));
        assert_eq!(d[3].old_line, Some(4));
        assert_eq!(d[4].new_line, Some(4));
        check_consistent(old, new, &d);
    }

    #[test]
    fn the_diff_is_shortest_on_a_classic_example() {
        // Myers' paper: ABCABBA → CBABAC has distance 5.
        let old = "A\nB\nC\nA\nB\nB\nA";
        let new = "C\nB\nA\nB\nA\nC";
        let d = diff(old, new);
        let (add, rem) = counts(&d);
        assert_eq!(add + rem, 5);
        check_consistent(old, new, &d);
    }

    #[test]
    fn many_small_edits_stay_consistent() {
        // A deterministic pseudo-random set of edits (no OS entropy in tests either).
        let mut seed: u64 = 0x5eed;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for round in 0..200 {
            let n = next() % 30;
            let old: Vec<String> = (0..n).map(|_| format!("l{}", next() % 6)).collect();
            let mut new = old.clone();
            for _ in 0..(next() % 6) {
                let r = next();
                if !new.is_empty() && r % 3 == 0 {
                    let at = next() % new.len();
                    new.remove(at);
                } else {
                    let at = next() % (new.len() + 1);
                    new.insert(at, format!("l{}", next() % 6));
                }
            }
            let (o, nw) = (old.join("\n"), new.join("\n"));
            let d = diff(&o, &nw);
            check_consistent(&o, &nw, &d);
            let (add, rem) = counts(&d);
            assert!(add + rem <= old.len() + new.len(), "round {round}");
        }
    }

    #[test]
    fn equal_texts_have_no_changes_and_no_hunks() {
        let t = "a\nb\nc\n";
        let d = diff(t, t);
        assert_eq!(counts(&d), (0, 0));
        assert!(changed_hunks(&d).is_empty());
        assert!(diff("", "").is_empty());
        // Only a final newline differs: nothing a reader would call a change.
        assert_eq!(counts(&diff("a\nb", "a\nb\n")), (0, 0));
    }

    #[test]
    fn hunks_keep_two_lines_of_context_and_merge_when_close() {
        let text = |f: &dyn Fn(usize) -> String| (1..=20).map(|i| f(i) + "\n").collect::<String>();
        let old = text(&|i| i.to_string());
        let new = text(&|i| match i {
            5 => "five".into(),
            15 => "fifteen".into(),
            _ => i.to_string(),
        });
        let d = diff(&old, &new);
        let h = changed_hunks(&d);
        assert_eq!(h.len(), 2);
        assert_eq!(render(h[0]), " 3\n 4\n-5\n+five\n 6\n 7\n");
        assert_eq!(h[1].first().and_then(|l| l.old_line), Some(13));
        // Changes 3 lines apart share one hunk.
        let new2 = text(&|i| match i {
            5 => "five".into(),
            9 => "nine".into(),
            _ => i.to_string(),
        });
        assert_eq!(changed_hunks(&diff(&old, &new2)).len(), 1);
    }

    #[test]
    fn oversized_inputs_fall_back_to_whole_text_changed() {
        let big: String = (0..=MAX_LINES).map(|i| format!("{i}\n")).collect();
        let d = diff(&big, "0\n");
        assert_eq!(counts(&d), (1, MAX_LINES + 1));
        check_consistent(&big, "0\n", &d);
    }

    #[test]
    fn a_distance_beyond_the_search_bound_is_still_a_correct_diff() {
        let old: String = (0..MAX_EDITS).map(|i| format!("a{i}\n")).collect();
        let new: String = (0..MAX_EDITS).map(|i| format!("b{i}\n")).collect();
        let d = diff(&old, &new);
        check_consistent(&old, &new, &d);
        assert_eq!(counts(&d), (MAX_EDITS, MAX_EDITS));
    }
}
