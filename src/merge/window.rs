//! The line merge at a cost that follows the changes, not the document: diffy's diff3 diffs
//! whole texts (a hash per line of all three, and Myers' arrays sized by the line count), which
//! for a 10 MiB document with two one-line changes costs seconds and hundreds of MiB. Here the
//! lines each side changed are found first, by the bytes the side shares with the base at its
//! start and end, and diffy only ever sees a window around them. The result is byte for byte
//! what diffy gives on the whole texts (a property test holds it to that), because:
//!
//! - diffy's two-way diff takes the common leading and trailing lines as equal before it
//!   searches, so the search over a window with the same changed middle finds the same edits;
//! - its compaction slides an edit only across lines equal to the edit's own, and stops where
//!   it stops in the whole text as long as the slide stays inside the window: a window whose
//!   diff starts and ends with an unchanged line (or reaches the text's start or end) is
//!   checked for that, and widened, or the whole texts are merged, when it does not;
//! - diff3 keeps edits of the two sides apart wherever a line both left alone separates them,
//!   so two windows that do not overlap merge cleanly into mine's lines in one and theirs' in
//!   the other; overlapping ones are merged by diffy as one window, with the lines around it
//!   as they are in all three.

use std::collections::HashMap;

use diffy::{DiffOptions, Line, MergeOptions};

use crate::diff::{common_prefix_lines, common_suffix_lines, costly, lines_back, lines_forward};

/// Lines of unchanged context a window starts with, then widened by this factor while its
/// diff would reach its edges.
const PADS: [usize; 4] = [1, 8, 64, 512];

/// `opts.merge_bytes(base, mine, theirs)`, computed on the changed regions only; or, when a
/// side changed so many lines so far apart that diffy's search would take minutes, merged
/// stretch by stretch between anchor lines ([`anchored`]).
pub(super) fn merge_bytes(
    opts: &MergeOptions,
    base: &[u8],
    mine: &[u8],
    theirs: &[u8],
) -> Result<Vec<u8>, Vec<u8>> {
    if (costly(base, mine) || costly(base, theirs))
        && let Some(merged) = anchored(opts, base, mine, theirs)
    {
        return merged;
    }
    merge_windows(opts, base, mine, theirs).unwrap_or_else(|| opts.merge_bytes(base, mine, theirs))
}

/// diff3 stretch by stretch between anchors, as patience diff does: lines that occur exactly
/// once in each of the three texts, taken in the base's order while they come in the same
/// order in mine and theirs. Such a line is one neither side changed, so each stretch between
/// two is merged on its own (by diffy, or at once when a side left it as it is), and the
/// anchors are kept between them. `None` when there is no anchor.
fn anchored(
    opts: &MergeOptions,
    base: &[u8],
    mine: &[u8],
    theirs: &[u8],
) -> Option<Result<Vec<u8>, Vec<u8>>> {
    let texts = [base, mine, theirs];
    // Where each text's lines start, and its end.
    let starts = texts.map(|text| {
        let mut starts = vec![0];
        starts.extend(text.iter().enumerate().filter(|(_, c)| **c == b'\n').map(|(i, _)| i + 1));
        if starts.last() != Some(&text.len()) {
            starts.push(text.len());
        }
        starts
    });
    let line = |side: usize, i: usize| &texts[side][starts[side][i]..starts[side][i + 1]];
    let count = |side: usize| starts[side].len() - 1;
    // Per line text: how often each text holds it, and where (the last place seen).
    let mut seen: HashMap<&[u8], ([u32; 3], [usize; 3])> = HashMap::with_capacity(count(0));
    for side in 0..3 {
        for i in 0..count(side) {
            let entry = seen.entry(line(side, i)).or_default();
            entry.0[side] += 1;
            entry.1[side] = i;
        }
    }
    // Lines once in each text, in the base's order; of those, the longest run in mine's order,
    // and of that, the longest run in theirs' (a line one side moved is no anchor, and does
    // not cost the ones after it theirs).
    let unique: Vec<[usize; 3]> = (0..count(0))
        .map(|i| seen[line(0, i)])
        .filter(|(times, _)| *times == [1, 1, 1])
        .map(|(_, at)| at)
        .collect();
    let anchors = longest_increasing(&longest_increasing(&unique, 1), 2);
    if anchors.is_empty() {
        return None;
    }
    let ends = [count(0), count(1), count(2)];
    let mut out = Vec::with_capacity(base.len().max(mine.len()).max(theirs.len()));
    let (mut from, mut clean) = ([0; 3], true);
    for (n, to) in anchors.iter().chain(std::iter::once(&ends)).enumerate() {
        let [b, m, t] = [0, 1, 2].map(|side| &texts[side][starts[side][from[side]]..starts[side][to[side]]]);
        if b == m || m == t {
            out.extend_from_slice(t);
        } else if b == t {
            out.extend_from_slice(m);
        } else {
            match opts.merge_bytes(b, m, t) {
                Ok(merged) => out.extend_from_slice(&merged),
                Err(conflicted) => {
                    out.extend_from_slice(&conflicted);
                    clean = false;
                }
            }
        }
        if n < anchors.len() {
            out.extend_from_slice(line(0, to[0]));
            from = to.map(|i| i + 1);
        }
    }
    Some(if clean { Ok(out) } else { Err(out) })
}

/// [`merge_bytes`] when the windows around the changes can decide it, `None` when only a
/// merge of the whole texts can. Looks no further than [`PADS`]' last number of lines before
/// the first change and after the last one (of either side), so texts cut at line starts
/// more lines than that away from the changes get the same answer, and the same `None`.
pub(super) fn merge_windows(
    opts: &MergeOptions,
    base: &[u8],
    mine: &[u8],
    theirs: &[u8],
) -> Option<Result<Vec<u8>, Vec<u8>>> {
    let (Some(m), Some(t)) = (Side::window(base, mine), Side::window(base, theirs)) else {
        return None;
    };
    let apart = |first: &Side<'_>, second: &Side<'_>| {
        first.end < second.start
            || (first.end == second.start && (first.ends_unchanged(base.len()) || second.starts_unchanged()))
    };
    if apart(&m, &t) || apart(&t, &m) {
        // Separated by a line neither side changed: each side's lines where it changed them.
        let (first, second) = if apart(&m, &t) { (&m, &t) } else { (&t, &m) };
        let cut = first.end;
        let mut out = Vec::with_capacity(base.len().max(mine.len()).max(theirs.len()));
        out.extend_from_slice(&first.text[..first.to_side(cut)]);
        out.extend_from_slice(&second.text[cut..]);
        return Some(Ok(out));
    }
    let (start, end) = (m.start.min(t.start), m.end.max(t.end));
    let (base_w, mine_w, theirs_w) = (&base[start..end], m.slice(start, end), t.slice(start, end));
    let at_start = start == 0;
    let at_end = end == base.len();
    if !edges_unchanged(base_w, mine_w, at_start, at_end)
        || !edges_unchanged(base_w, theirs_w, at_start, at_end)
    {
        return None;
    }
    let wrap = |middle: Vec<u8>| {
        let mut out = Vec::with_capacity(start + middle.len() + base.len() - end);
        out.extend_from_slice(&base[..start]);
        out.extend_from_slice(&middle);
        out.extend_from_slice(&base[end..]);
        out
    };
    Some(opts.merge_bytes(base_w, mine_w, theirs_w).map(wrap).map_err(wrap))
}

/// One side's changed lines, widened to a window whose diff against the base is what the whole
/// texts' diff holds there. Offsets are the base's; the side's own are shifted by `delta` after
/// the window (before it, the two texts are the same bytes).
struct Side<'a> {
    text: &'a [u8],
    start: usize,
    end: usize,
    delta: isize,
}

impl<'a> Side<'a> {
    /// `None` when no window up to the largest pad passes the check (or the texts are equal).
    fn window(base: &[u8], side: &'a [u8]) -> Option<Side<'a>> {
        let prefix = common_prefix_lines(base, side);
        let suffix = common_suffix_lines(&base[prefix..], &side[prefix..]);
        if prefix == base.len() && prefix == side.len() {
            return None;
        }
        let delta = side.len() as isize - base.len() as isize;
        for pad in PADS {
            let start = lines_back(base, prefix, pad);
            let end = lines_forward(base, base.len() - suffix, pad);
            let window = Side { text: side, start, end, delta };
            let (at_start, at_end) = (start == 0, end == base.len());
            if edges_unchanged(&base[start..end], window.slice(start, end), at_start, at_end) {
                return Some(window);
            }
            if at_start && at_end {
                return None;
            }
        }
        None
    }

    /// The window's last line is one the side left as it is (checked by [`Side::window`]
    /// unless the window ends the text).
    fn ends_unchanged(&self, base_len: usize) -> bool {
        self.start < self.end && self.end < base_len
    }

    /// The window's first line is one the side left as it is.
    fn starts_unchanged(&self) -> bool {
        self.start < self.end && self.start > 0
    }

    /// The base offset `at` (at or after the window's end) in the side's text.
    fn to_side(&self, at: usize) -> usize {
        (at as isize + self.delta) as usize
    }

    /// The side's text for the base's `start..end`, a range that holds this window.
    fn slice(&self, start: usize, end: usize) -> &'a [u8] {
        &self.text[start..self.to_side(end)]
    }
}

/// True when diffy's diff of the two windows starts with an unchanged line (or the windows
/// start the texts) and ends with one (or they end the texts).
fn edges_unchanged(base: &[u8], side: &[u8], at_start: bool, at_end: bool) -> bool {
    let patch = DiffOptions::new().set_context_len(1).create_patch_bytes(base, side);
    let hunks = patch.hunks();
    let (Some(first), Some(last)) = (hunks.first(), hunks.last()) else {
        return true;
    };
    let starts = at_start || matches!(first.lines().first(), Some(Line::Context(_)));
    let ends = at_end || matches!(last.lines().last(), Some(Line::Context(_)));
    starts && ends
}

/// The longest subsequence of `items` whose `key`th numbers increase (patience sorting: the
/// top of each pile, and where each item came from).
fn longest_increasing(items: &[[usize; 3]], key: usize) -> Vec<[usize; 3]> {
    // `tops[k]`: the item ending the best run of length k + 1 found so far; `from[i]`: the
    // item before item i in its run.
    let mut tops: Vec<usize> = Vec::new();
    let mut from: Vec<Option<usize>> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let k = tops.partition_point(|&top| items[top][key] < item[key]);
        from.push(k.checked_sub(1).map(|k| tops[k]));
        if k == tops.len() {
            tops.push(i);
        } else {
            tops[k] = i;
        }
    }
    let mut run = Vec::with_capacity(tops.len());
    let mut at = tops.last().copied();
    while let Some(i) = at {
        run.push(items[i]);
        at = from[i];
    }
    run.reverse();
    run
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn options() -> MergeOptions {
        let mut opts = MergeOptions::new();
        opts.set_conflict_style(diffy::ConflictStyle::Diff3)
            .set_conflict_marker_length(8)
            .set_incomplete_hunk_style(diffy::IncompleteHunkStyle::Diff3);
        opts
    }

    #[test]
    fn far_apart_changes_merge_without_the_whole_texts() {
        let base: String = (0..2000).map(|i| format!("line {i}\n")).collect();
        let mine = base.replace("line 1990\n", "mine\n");
        let theirs = base.replace("line 3\n", "theirs\n");
        let got = merge_bytes(&options(), base.as_bytes(), mine.as_bytes(), theirs.as_bytes());
        let want = options().merge_bytes(base.as_bytes(), mine.as_bytes(), theirs.as_bytes());
        assert_eq!(got, want);
    }

    /// A base of distinct lines, and a side made from it by replacing, removing and inserting
    /// lines (of its own, distinct too) at the given places.
    fn distinct(n: usize) -> Vec<u8> {
        (0..n).map(|i| format!("line {i}\n")).collect::<String>().into_bytes()
    }

    fn edit_distinct(base: &[u8], edits: &[(usize, u8)], who: &str) -> Vec<u8> {
        let mut lines: Vec<String> =
            base.split_inclusive(|&c| c == b'\n').map(|l| String::from_utf8_lossy(l).into()).collect();
        let mut edits = edits.to_vec();
        edits.sort();
        edits.dedup_by_key(|e| e.0);
        for (k, &(at, what)) in edits.iter().enumerate().rev() {
            let at = at.min(lines.len().saturating_sub(1));
            match if lines.is_empty() { 2 } else { what % 3 } {
                0 => lines[at] = format!("{who} {k}\n"),
                1 => drop(lines.remove(at)),
                _ => lines.insert(at, format!("{who} {k}\n")),
            }
        }
        lines.concat().into_bytes()
    }

    /// Scattered changes on both sides of a text too large for diffy's search in time: the
    /// merge goes stretch by stretch between anchors, and gives what diffy gives on the whole.
    #[test]
    fn many_scattered_changes_merge_between_anchors_as_on_the_whole() {
        let base = distinct(30_000);
        let theirs_edits: Vec<(usize, u8)> = (0..30_000).step_by(5).map(|at| (at, 1)).collect();
        let theirs = edit_distinct(&base, &theirs_edits, "theirs");
        // Beside lines theirs left alone (theirs removes every fifth line from the first on).
        let mine = edit_distinct(&base, &[(12_347, 0), (29_998, 2)], "mine");
        assert!(costly(&base, &theirs) && !costly(&base, &mine));
        let opts = options();
        let got = merge_bytes(&opts, &base, &mine, &theirs);
        assert!(got.is_ok());
        assert_eq!(got, opts.merge_bytes(&base, &mine, &theirs));
        // A conflict is one too: both sides change the same line.
        let replace = |text: &[u8], with: &str| {
            String::from_utf8_lossy(text).replace("line 10001\n", with).into_bytes()
        };
        let (mine, theirs) = (replace(&base, "mine again\n"), replace(&theirs, "theirs again\n"));
        let got = anchored(&opts, &base, &mine, &theirs).expect("anchors");
        assert!(got.is_err());
        assert_eq!(got, opts.merge_bytes(&base, &mine, &theirs));
    }

    /// A line one side moved is no anchor: the lines after it still are.
    #[test]
    fn a_moved_line_does_not_hold_back_the_anchors_after_it() {
        let base = distinct(50);
        let text = String::from_utf8(base.clone()).unwrap();
        let mine = format!("{}line 0\n", text.replacen("line 0\n", "", 1)).into_bytes();
        let theirs = text.replace("line 25\n", "theirs\n").into_bytes();
        let opts = options();
        let merged = anchored(&opts, &base, &mine, &theirs).expect("anchors");
        assert_eq!(merged, opts.merge_bytes(&base, &mine, &theirs));
        assert!(merged.is_ok());
        let runs = longest_increasing(&[[0, 49, 0], [1, 0, 1], [2, 1, 2], [3, 2, 4], [4, 3, 3]], 1);
        assert_eq!(runs, vec![[1, 0, 1], [2, 1, 2], [3, 2, 4], [4, 3, 3]]);
        assert_eq!(longest_increasing(&runs, 2).len(), 3);
    }

    /// Lines from a small alphabet, so that runs of equal lines (where diffs can slide) and
    /// marker-like lines are common; with or without a final line break.
    fn text() -> impl Strategy<Value = Vec<u8>> {
        let line = prop_oneof![
            4 => "[ab]{0,2}",
            1 => Just("<<<<<<<<".to_string()),
            1 => Just("x".to_string()),
        ];
        (proptest::collection::vec(line, 0..24), any::<bool>()).prop_map(|(lines, final_break)| {
            let mut text = lines.join("\n");
            if final_break && !lines.is_empty() {
                text.push('\n');
            }
            text.into_bytes()
        })
    }

    /// A side made from the base by a few edits, so that the two sides share most lines.
    fn edited(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
        let n = base.split(|&c| c == b'\n').count();
        let edit = (0..=n, 0..3usize, text());
        proptest::collection::vec(edit, 0..3).prop_map(move |edits| {
            let mut lines: Vec<Vec<u8>> = base.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
            for (at, remove, insert) in edits {
                let at = at.min(lines.len());
                let end = (at + remove).min(lines.len());
                let insert = insert.split(|&c| c == b'\n').map(<[u8]>::to_vec).filter(|l| !l.is_empty());
                lines.splice(at..end, insert);
            }
            lines.join(&b'\n')
        })
    }

    fn sides() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, Vec<u8>)> {
        text().prop_flat_map(|base| (Just(base.clone()), edited(base.clone()), edited(base)))
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn the_same_bytes_as_diffy_on_the_whole_texts((base, mine, theirs) in sides()) {
            let opts = options();
            prop_assert_eq!(
                merge_bytes(&opts, &base, &mine, &theirs),
                opts.merge_bytes(&base, &mine, &theirs)
            );
        }

        /// Between anchors, on texts whose lines are distinct: what diffy gives on the whole.
        #[test]
        fn anchored_merges_give_diffys_bytes(
            n in 1..60usize,
            mine in proptest::collection::vec((0..60usize, any::<u8>()), 0..6),
            theirs in proptest::collection::vec((0..60usize, any::<u8>()), 0..6),
        ) {
            let base = distinct(n);
            let (mine, theirs) = (edit_distinct(&base, &mine, "mine"), edit_distinct(&base, &theirs, "theirs"));
            let opts = options();
            if let Some(merged) = anchored(&opts, &base, &mine, &theirs) {
                prop_assert_eq!(merged, opts.merge_bytes(&base, &mine, &theirs));
            }
        }

        #[test]
        fn the_same_bytes_on_unrelated_texts(base in text(), mine in text(), theirs in text()) {
            let opts = options();
            prop_assert_eq!(
                merge_bytes(&opts, &base, &mine, &theirs),
                opts.merge_bytes(&base, &mine, &theirs)
            );
        }
    }
}
