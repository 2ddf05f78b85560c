//! Where two large texts differ, found before a line diff is built: the whole lines they start
//! and end with alike are set aside, and what is left is cut at a run of lines both hold in
//! the middle (looked for near where it would be if the changes kept lengths), again and again,
//! until each stretch is small. Each stretch is then diffed on its own. Any cut gives a correct
//! diff — the texts are alike between stretches — and a good one gives the diff of the whole
//! texts; a text whose middle is all alike lines may get a longer diff than the whole-text one,
//! never a wrong one.

use std::collections::HashMap;

/// A stretch of two texts: `old[old_start..old_end]` and `new[new_start..new_end]`, at line
/// starts; the texts are alike between stretches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Stretch {
    pub old_start: usize,
    pub old_end: usize,
    pub new_start: usize,
    pub new_end: usize,
}

/// Stretches smaller than this (both sides together) are not cut further.
const SMALL: usize = 256 << 10;
/// Lines of the old text a cut must find alike in the new one.
const ANCHOR_LINES: usize = 4;
/// How far from where it is expected a cut's lines are looked for, in lines each way.
const SEARCH_LINES: usize = 512;

/// The stretches of `old` and `new` to diff, each with `context` alike lines around its
/// changes, in order; one stretch of all of both when they are no larger than `above`.
pub(super) fn stretches(old: &[u8], new: &[u8], context: usize, above: usize) -> Vec<Stretch> {
    let whole = Stretch { old_start: 0, old_end: old.len(), new_start: 0, new_end: new.len() };
    if old.len() + new.len() <= above {
        return vec![whole];
    }
    let mut changed = Vec::new();
    split(old, new, whole, &mut changed, 0);
    let mut out: Vec<Stretch> = Vec::new();
    for s in changed {
        // The lines around a change are alike in both texts, up to the next change; a stretch
        // that reaches into the next one is joined with it.
        let old_start = lines_back(old, s.old_start, context);
        let old_end = lines_forward(old, s.old_end, context);
        let wide = Stretch {
            old_start,
            old_end,
            new_start: s.new_start.saturating_sub(s.old_start - old_start),
            new_end: (s.new_end + (old_end - s.old_end)).min(new.len()),
        };
        match out.last_mut() {
            Some(last) if wide.old_start <= last.old_end => {
                last.old_end = wide.old_end;
                last.new_end = wide.new_end;
            }
            _ => out.push(wide),
        }
    }
    out
}

/// Sets aside the alike lines at both ends of `part`, and cuts what is left in two where the
/// texts hold the same lines, until it is small; pushes the changed stretches in order.
fn split(old: &[u8], new: &[u8], part: Stretch, out: &mut Vec<Stretch>, depth: usize) {
    let (o, n) = (&old[part.old_start..part.old_end], &new[part.new_start..part.new_end]);
    let prefix = common_prefix_lines(o, n);
    if prefix == o.len() && prefix == n.len() {
        return;
    }
    let suffix = common_suffix_lines(&o[prefix..], &n[prefix..]);
    let s = Stretch {
        old_start: part.old_start + prefix,
        old_end: part.old_end - suffix,
        new_start: part.new_start + prefix,
        new_end: part.new_end - suffix,
    };
    let (old_len, new_len) = (s.old_end - s.old_start, s.new_end - s.new_start);
    if old_len + new_len <= SMALL || old_len == 0 || new_len == 0 || depth >= 48 {
        out.push(s);
        return;
    }
    match anchor(old, new, s) {
        Some((x, y)) => {
            split(old, new, Stretch { old_end: x, new_end: y, ..s }, out, depth + 1);
            split(old, new, Stretch { old_start: x, new_start: y, ..s }, out, depth + 1);
        }
        None => out.push(s),
    }
}

/// Line starts `x` in old and `y` in new, inside `s` and past its starts, where the same
/// [`ANCHOR_LINES`] lines follow: the middle of old's stretch, looked for in new where it would
/// be if the changes before it (or after it) kept lengths.
fn anchor(old: &[u8], new: &[u8], s: Stretch) -> Option<(usize, usize)> {
    let x = lines_forward(old, s.old_start + (s.old_end - s.old_start) / 2, 1);
    let block_end = lines_forward(old, x, ANCHOR_LINES);
    if x >= s.old_end || block_end > s.old_end || block_end - x < 16 {
        return None;
    }
    let block = &old[x..block_end];
    let fits = |y: usize| y > s.new_start && y + block.len() <= s.new_end && new[y..].starts_with(block);
    let guesses = [s.new_start + (x - s.old_start), s.new_end.saturating_sub(s.old_end - x)];
    for guess in guesses {
        let guess = guess.clamp(s.new_start, s.new_end);
        let start = if guess == 0 || new[guess - 1] == b'\n' { guess } else { lines_forward(new, guess, 1) };
        let (mut up, mut down) = (start, start);
        for _ in 0..SEARCH_LINES {
            if fits(down) {
                return Some((x, down));
            }
            if fits(up) {
                return Some((x, up));
            }
            down = lines_forward(new, down, 1);
            up = lines_back(new, up, 1);
        }
    }
    None
}

/// Bytes of the whole lines `a` and `b` start with alike.
pub(crate) fn common_prefix_lines(a: &[u8], b: &[u8]) -> usize {
    let same = common_prefix(a, b);
    if same == a.len() && same == b.len() {
        return same;
    }
    a[..same].iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1)
}

/// Bytes of the whole lines `a` and `b` end with alike (a last line without a line break is
/// a line too, and differs from the same line with one).
pub(crate) fn common_suffix_lines(a: &[u8], b: &[u8]) -> usize {
    let same = common_suffix(a, b);
    if same == a.len() && same == b.len() {
        return same;
    }
    // A line starts where the common bytes start only when it does in both texts.
    let line_start = |text: &[u8]| {
        let at = text.len() - same;
        at == 0 || text[at - 1] == b'\n'
    };
    if line_start(a) && line_start(b) {
        return same;
    }
    let tail = &a[a.len() - same..];
    tail.iter().position(|&c| c == b'\n').map_or(0, |i| same - i - 1)
}

/// Blocks compared at once by [`common_prefix`] and [`common_suffix`] (a slice comparison is
/// a `memcmp`, many times faster than a byte at a time).
const BLOCK: usize = 4096;

/// Bytes `a` and `b` start with alike.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut same = 0;
    let len = a.len().min(b.len());
    while same + BLOCK <= len && a[same..same + BLOCK] == b[same..same + BLOCK] {
        same += BLOCK;
    }
    same + a[same..].iter().zip(&b[same..]).take_while(|(x, y)| x == y).count()
}

/// Bytes `a` and `b` end with alike.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let mut same = 0;
    let len = a.len().min(b.len());
    while same + BLOCK <= len
        && a[a.len() - same - BLOCK..a.len() - same] == b[b.len() - same - BLOCK..b.len() - same]
    {
        same += BLOCK;
    }
    let (a, b) = (&a[..a.len() - same], &b[..b.len() - same]);
    same + a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count()
}

/// The start of the line `n` lines before the line that starts at `at`.
pub(crate) fn lines_back(text: &[u8], at: usize, n: usize) -> usize {
    let mut at = at;
    for _ in 0..n {
        if at == 0 {
            break;
        }
        at = text[..at - 1].iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
    }
    at
}

/// The end of the `n`th line from `at` (a line start), or the text's end.
pub(crate) fn lines_forward(text: &[u8], at: usize, n: usize) -> usize {
    let mut at = at;
    for _ in 0..n {
        if at == text.len() {
            break;
        }
        at = text[at..].iter().position(|&c| c == b'\n').map_or(text.len(), |i| at + i + 1);
    }
    at
}

/// A bound on a line diff's work: a Myers search (diffy's) costs about the lines it compares
/// times the lines that differ (some 0.3 ns each, measured on 10 MiB documents), so this is
/// under a tenth of a second; texts of up to 16384 lines never reach it.
const SEARCH_BUDGET: usize = 1 << 28;

/// Whether a minimal line diff of `side` against `base` costs more than [`SEARCH_BUDGET`]: the
/// lines between their common first and last lines, times a lower bound on the lines that
/// differ (those of one text that the other does not hold as often).
pub(crate) fn costly(base: &[u8], side: &[u8]) -> bool {
    let prefix = common_prefix_lines(base, side);
    let suffix = common_suffix_lines(&base[prefix..], &side[prefix..]);
    let (base, side) = (&base[prefix..base.len() - suffix], &side[prefix..side.len() - suffix]);
    let lines = |text: &[u8]| text.split_inclusive(|&c| c == b'\n').count();
    let (n_base, n_side) = (lines(base), lines(side));
    // Cheap ways out: too few lines to be costly whatever differs, or so many more lines in
    // one text that the ones it adds or removes alone are too many.
    if (n_base + n_side).saturating_mul(n_base + n_side) <= SEARCH_BUDGET {
        return false;
    }
    if (n_base + n_side).saturating_mul(n_base.abs_diff(n_side)) > SEARCH_BUDGET {
        return true;
    }
    let mut counts: HashMap<&[u8], isize> = HashMap::with_capacity(n_base);
    for line in base.split_inclusive(|&c| c == b'\n') {
        *counts.entry(line).or_default() += 1;
    }
    for line in side.split_inclusive(|&c| c == b'\n') {
        *counts.entry(line).or_default() -= 1;
    }
    let differ: usize = counts.values().map(|n| n.unsigned_abs()).sum();
    (n_base + n_side).saturating_mul(differ) > SEARCH_BUDGET
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Costly: many changed lines all over a long text. Not: a short text whatever changed, nor
    /// a long one with a few changes, nor one whose changes are all in one place.
    #[test]
    fn a_diff_is_costly_only_for_many_changes_far_apart_in_a_long_text() {
        let text = |n: usize, skip: &dyn Fn(usize) -> bool| -> Vec<u8> {
            (0..n).filter(|i| !skip(*i)).flat_map(|i| format!("line {i}\n").into_bytes()).collect()
        };
        let long = text(40_000, &|_| false);
        assert!(costly(&long, &text(40_000, &|i| i % 7 == 3)));
        assert!(!costly(&long, &text(40_000, &|i| i == 5 || i == 39_000)));
        assert!(!costly(&long, &text(40_000, &|i| (20_000..20_050).contains(&i))));
        assert!(!costly(&text(8_000, &|_| false), &text(8_000, &|i| i % 2 == 0)));
        assert!(!costly(&long, &long));
    }

    #[test]
    fn common_ends_across_blocks() {
        let a: Vec<u8> = (0..10_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        for at in [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, a.len() - 1] {
            let mut b = a.clone();
            b[at] = b'#';
            assert_eq!(common_prefix(&a, &b), at, "differing at {at}");
            assert_eq!(common_suffix(&a, &b), a.len() - at - 1, "differing at {at}");
        }
        assert_eq!(common_prefix(&a, &a[..5000]), 5000);
        assert_eq!(common_suffix(&a, &a[5000..]), 5000);
        assert_eq!(common_prefix(&a, &a), a.len());
    }
}
