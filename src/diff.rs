//! Unified diffs for the terminal: the server's changes since the user's base, and what a retry
//! would change. Server text is untrusted: every printed diff line goes through
//! [`sanitize`](crate::sanitize). A diff too long to show whole is cut to its start and a
//! count of the rest; between two JSON documents it also names the values that differ (see
//! `json`). It only renders; choosing the stream and whether color is on
//! is left to `ui` and `settings`.

use std::time::Duration;

use similar::{Algorithm, ChangeTag, TextDiff};

use crate::sanitize::sanitize;

mod json;
mod region;

use region::Stretch;
pub(crate) use region::{common_prefix_lines, common_suffix_lines, costly, lines_back, lines_forward};

/// How long the line diff may search for a minimal edit script before it settles for a coarser
/// one. Histogram diffs a 10 MB file well within this; a short deadline would turn ordinary
/// diffs into a near-total replace, which is worse than waiting.
const DIFF_TIMEOUT: Duration = Duration::from_secs(5);

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// How [`unified`] renders a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiffOptions {
    /// Paint with ANSI colors (the caller decides from `--color`, `NO_COLOR` and the terminal).
    pub color: bool,
    /// Unchanged lines shown around each change, like `diff -U`.
    pub context: usize,
    /// Show at most this many lines of hunks, then one line that counts what is left out;
    /// `None` shows everything.
    pub max_lines: Option<usize>,
    /// Both texts are already known to be JSON documents the merge reads as JSON (a merge
    /// checked them): a cut diff names the values that differ without checking them again.
    pub both_json: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions { color: false, context: 3, max_lines: None, both_json: false }
    }
}

/// Lines of hunks a diff on the terminal shows before it is cut to a summary (see
/// [`DiffOptions::max_lines`]): a screenful or two, so that a change of a whole large document
/// does not flood the terminal.
pub const SHOWN_LINES: usize = 100;

/// Values a cut diff of two JSON documents names (see [`render`]) before it counts the rest.
const SHOWN_VALUES: usize = 10;

/// Pointers longer than this many characters are cut (a key can be as long as a document).
const POINTER_CHARS: usize = 120;

/// Inputs larger than this (both together) are diffed only where they differ, with the lines
/// around as context (see `region`): the line diff's tables then follow the change, not the
/// document.
const WINDOW_ABOVE: usize = 1 << 20;

/// A rendered diff, and whether [`DiffOptions::max_lines`] cut it.
pub struct Rendered {
    pub text: String,
    pub cut: bool,
}

/// True when `bytes` should not be shown or edited as text: not valid UTF-8, or holding a NUL
/// (which UTF-8 allows but no text format uses; git makes the same call).
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.contains(&0) || std::str::from_utf8(bytes).is_err()
}

/// Whether `a` and `b` are the same text but for a final line break (`\n` or `\r\n`) that
/// one has and the other has not: what an editor adding one on save does.
pub fn same_but_final_newline(a: &[u8], b: &[u8]) -> bool {
    let strip = |t: &[u8]| -> Vec<u8> {
        match t.strip_suffix(b"\n") {
            Some(t) => t.strip_suffix(b"\r").unwrap_or(t).to_vec(),
            None => t.to_vec(),
        }
    };
    a == b || a == strip(b) || b == strip(a)
}

/// A unified diff from `old` to `new`, headed `--- old_label` / `+++ new_label`, every line
/// ending in `\n`. Equal inputs give an empty string; binary input (see [`is_binary`]) gives the
/// single line `binary content differs (N bytes → M bytes)`.
///
/// A trailing CR is hidden when both sides use CRLF (or neither does), so CRLF files read like
/// LF files; when only one side uses CRLF it shows as `^M`, so a line-ending change is visible.
pub fn unified(old: &[u8], new: &[u8], old_label: &str, new_label: &str, opts: &DiffOptions) -> String {
    render(old, new, old_label, new_label, opts).text
}

/// [`unified`], saying whether the diff was cut at [`DiffOptions::max_lines`]; a cut diff ends
/// in a line `… N more lines of this diff not shown (…)` that counts the hunks and lines left
/// out and says where they are. When both texts are JSON documents, that line is followed by
/// the values that differ: how many changed, were added and were removed, and the first
/// [`SHOWN_VALUES`] of them by JSON Pointer, one a line:
///
/// ```text
/// JSON values that differ: 1000 changed, 1 added
///   ~ /key0000001/value
///   + /key0001000
///   ~ /items (3 → 4 items)
///   … and 991 more
/// ```
pub fn render(old: &[u8], new: &[u8], old_label: &str, new_label: &str, opts: &DiffOptions) -> Rendered {
    render_in(old, new, (old_label, new_label), opts, WINDOW_ABOVE)
}

/// [`render`], diffing a window of the texts when they are larger than `window_above`.
fn render_in(
    old: &[u8],
    new: &[u8],
    (old_label, new_label): (&str, &str),
    opts: &DiffOptions,
    window_above: usize,
) -> Rendered {
    if old == new {
        return Rendered { text: String::new(), cut: false };
    }
    let (Some(old_text), Some(new_text)) = (as_text(old), as_text(new)) else {
        let text = format!("binary content differs ({} bytes → {} bytes)\n", old.len(), new.len());
        return Rendered { text, cut: false };
    };
    let hide_cr = has_crlf(old_text) == has_crlf(new_text);
    let paint = Painter { color: opts.color };
    let mut out = String::new();
    paint.line(&mut out, BOLD, &format!("--- {}", sanitize(old_label)));
    paint.line(&mut out, BOLD, &format!("+++ {}", sanitize(new_label)));
    let limit = opts.max_lines.unwrap_or(usize::MAX);
    let (mut shown, mut left_out, mut hunks_left_out) = (0usize, 0usize, Vec::new());
    let (mut added, mut removed) = (0usize, 0usize);
    let (mut old_lines, mut new_lines, mut counted) = (0usize, 0usize, Stretch::default());
    for stretch in region::stretches(old, new, opts.context, window_above) {
        old_lines += count_lines(&old[counted.old_start..stretch.old_start]);
        new_lines += count_lines(&new[counted.new_start..stretch.new_start]);
        counted = stretch;
        let diff = line_diff(
            &old_text[stretch.old_start..stretch.old_end],
            &new_text[stretch.new_start..stretch.new_end],
        );
        for hunk in diff.unified_diff().context_radius(opts.context).iter_hunks() {
            let (header, at) = header(hunk.ops(), old_lines, new_lines);
            if shown >= limit {
                hunks_left_out.push(at);
            } else {
                paint.line(&mut out, CYAN, &header);
            }
            for change in hunk.iter_changes() {
                let (sign, style) = match change.tag() {
                    ChangeTag::Delete => ('-', RED),
                    ChangeTag::Insert => ('+', GREEN),
                    ChangeTag::Equal => (' ', ""),
                };
                added += usize::from(change.tag() == ChangeTag::Insert);
                removed += usize::from(change.tag() == ChangeTag::Delete);
                if shown >= limit {
                    left_out += 1;
                    continue;
                }
                shown += 1;
                let body = strip_eol(change.value(), hide_cr);
                paint.line(&mut out, style, &format!("{sign}{}", sanitize(body)));
                if change.missing_newline() {
                    out.push_str("\\ No newline at end of file\n");
                }
            }
        }
    }
    if left_out > 0 {
        out.push_str(&cut_line(left_out, &hunks_left_out, added, removed));
        if let Some(changes) = json::changes(old, new, SHOWN_VALUES, opts.both_json) {
            json_values(&mut out, &changes, &paint);
        }
    }
    Rendered { text: out, cut: left_out > 0 }
}

/// The line that ends a cut diff.
fn cut_line(lines: usize, hunks: &[usize], added: usize, removed: usize) -> String {
    const PLACES: usize = 5;
    let mut places: Vec<String> = hunks.iter().take(PLACES).map(usize::to_string).collect();
    if hunks.len() > PLACES {
        places.push("…".to_string());
    }
    let more = match hunks.len() {
        0 => String::new(),
        1 => format!("; 1 more hunk, at line {}", places.join(", ")),
        n => format!("; {n} more hunks, at lines {}", places.join(", ")),
    };
    format!(
        "… {lines} more lines of this diff not shown ({added} added and {removed} removed in all{more})\n"
    )
}

/// The lines under a cut diff of JSON documents that count and name the values that differ.
fn json_values(out: &mut String, changes: &json::Changes, paint: &Painter) {
    if changes.total() == 0 {
        out.push_str(
            "JSON values that differ: none (the two are equal as JSON: only spacing, key order or number forms differ)\n",
        );
        return;
    }
    let counts: Vec<String> =
        [(changes.changed, "changed"), (changes.added, "added"), (changes.removed, "removed")]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
    out.push_str(&format!("JSON values that differ: {}\n", counts.join(", ")));
    for change in &changes.first {
        let (sign, style) = match change.kind {
            json::Kind::Changed => ('~', YELLOW),
            json::Kind::Added => ('+', GREEN),
            json::Kind::Removed => ('-', RED),
        };
        let at = match change.pointer.char_indices().nth(POINTER_CHARS) {
            _ if change.pointer.is_empty() => "(whole document)".to_string(),
            Some((cut, _)) => format!("{}…", &change.pointer[..cut]),
            None => change.pointer.clone(),
        };
        out.push_str("  ");
        paint.span(out, style, &sign.to_string());
        out.push(' ');
        out.push_str(&sanitize(&at));
        if let Some((was, is)) = change.lengths {
            out.push_str(&format!(" ({was} → {is} items)"));
        }
        out.push('\n');
    }
    let more = changes.total() - changes.first.len();
    if more > 0 {
        out.push_str(&format!("  … and {more} more\n"));
    }
}

/// A hunk's `@@ -a,b +c,d @@` line, as similar writes it, for a diff of stretches that start
/// `old_skip` and `new_skip` lines into the texts; and the hunk's first line in the new text.
fn header(ops: &[similar::DiffOp], old_skip: usize, new_skip: usize) -> (String, usize) {
    let (first, last) = (ops[0], ops[ops.len() - 1]);
    let range = |start: usize, end: usize, skip: usize| {
        let (start, len) = (start + skip, end.saturating_sub(start));
        match len {
            1 => format!("{}", start + 1),
            0 => format!("{start},0"),
            len => format!("{},{len}", start + 1),
        }
    };
    let old = range(first.old_range().start, last.old_range().end, old_skip);
    let new = range(first.new_range().start, last.new_range().end, new_skip);
    (format!("@@ -{old} +{new} @@"), first.new_range().start + new_skip + 1)
}

/// The line breaks in `text`. Counted in blocks of 255 bytes into a byte-wide count (which a
/// block cannot overflow), which the compiler turns into wide compares: the line numbers of a
/// diff late in a large document are counted over all the lines before it.
fn count_lines(text: &[u8]) -> usize {
    text.chunks(255)
        .map(|block| usize::from(block.iter().fold(0u8, |n, &c| n.wrapping_add(u8::from(c == b'\n')))))
        .sum()
}

/// `(lines added, lines removed)` going from `old` to `new`, as `git diff --numstat` counts them.
/// Binary input is counted on its lossy UTF-8 reading, which is rough but never fails.
pub fn summary(old: &[u8], new: &[u8]) -> (usize, usize) {
    if old == new {
        return (0, 0);
    }
    let old_text = String::from_utf8_lossy(old);
    let new_text = String::from_utf8_lossy(new);
    let diff = line_diff(&old_text, &new_text);
    diff.iter_all_changes().fold((0, 0), |(added, removed), change| match change.tag() {
        ChangeTag::Insert => (added + 1, removed),
        ChangeTag::Delete => (added, removed + 1),
        ChangeTag::Equal => (added, removed),
    })
}

/// Histogram diffs read best; with many changes all over a large text (a bulk edit of a long
/// document, whose lines repeat) it searches until the deadline, where Myers' (with its
/// deadline heuristics) is done in a second.
fn line_diff<'a>(old: &'a str, new: &'a str) -> TextDiff<'a, 'a, str> {
    let algorithm =
        if costly(old.as_bytes(), new.as_bytes()) { Algorithm::Myers } else { Algorithm::Histogram };
    TextDiff::configure().algorithm(algorithm).timeout(DIFF_TIMEOUT).diff_lines(old, new)
}

fn as_text(bytes: &[u8]) -> Option<&str> {
    if bytes.contains(&0) { None } else { std::str::from_utf8(bytes).ok() }
}

fn has_crlf(text: &str) -> bool {
    text.contains("\r\n")
}

/// The line without its terminator; the CR of a CRLF goes too when `hide_cr`.
fn strip_eol(line: &str, hide_cr: bool) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    if hide_cr { line.strip_suffix('\r').unwrap_or(line) } else { line }
}

struct Painter {
    color: bool,
}

impl Painter {
    /// Appends `text` and a newline, wrapped in `style` when color is on. The reset comes before
    /// the newline so a pager cutting lines never leaks color into the next one.
    fn line(&self, out: &mut String, style: &str, text: &str) {
        self.span(out, style, text);
        out.push('\n');
    }

    /// Appends `text`, wrapped in `style` when color is on.
    fn span(&self, out: &mut String, style: &str, text: &str) {
        if self.color && !style.is_empty() {
            out.push_str(style);
            out.push_str(text);
            out.push_str(RESET);
        } else {
            out.push_str(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(old: &str, new: &str) -> String {
        unified(old.as_bytes(), new.as_bytes(), "a", "b", &DiffOptions::default())
    }

    #[test]
    fn line_bounds() {
        assert_eq!(common_prefix_lines(b"a\nb\nc", b"a\nb\nd"), 4);
        assert_eq!(common_prefix_lines(b"a\nbc\n", b"a\nbd\n"), 2);
        assert_eq!(common_prefix_lines(b"a\nx", b"a\nx\nz"), 2);
        assert_eq!(common_suffix_lines(b"a\nb\n", b"x\nb\n"), 2);
        assert_eq!(common_suffix_lines(b"ab\n", b"b\n"), 0);
        assert_eq!(common_suffix_lines(b"b\n", b"x\nb\n"), 2);
        assert_eq!(common_suffix_lines(b"a\nb", b"a\nxb"), 0);
        assert_eq!(lines_back(b"a\nb\nc\n", 4, 1), 2);
        assert_eq!(lines_back(b"a\nb\nc\n", 4, 5), 0);
        assert_eq!(lines_forward(b"a\nb\nc", 2, 1), 4);
        assert_eq!(lines_forward(b"a\nb\nc", 2, 9), 5);
    }

    #[test]
    fn line_breaks_are_counted_across_blocks() {
        let text: Vec<u8> = (0..2000).map(|i| if i % 3 == 0 || i > 1500 { b'\n' } else { b'x' }).collect();
        for end in [0, 1, 254, 255, 256, 509, 510, 511, 1000, 2000] {
            let want = text[..end].iter().filter(|&&c| c == b'\n').count();
            assert_eq!(count_lines(&text[..end]), want, "the first {end} bytes");
        }
        assert_eq!(count_lines(&[b'\n'; 1000]), 1000, "every byte a line break");
    }

    #[test]
    fn a_window_gives_the_whole_texts_hunks() {
        let old: String = (0..3000).map(|i| format!("line {i}\n")).collect();
        let cases = [
            old.replace("line 5\n", "five\n").replace("line 2990\n", ""),
            old.replace("line 0\n", "zero\n"),
            format!("{old}added"),
            old.replace("line 1500\n", "a\nb\n").replace("line 1510\n", "c\n"),
            old[..old.len() - 1].to_string(),
        ];
        for new in cases {
            for context in [0, 3] {
                let opts = DiffOptions { context, ..DiffOptions::default() };
                let whole = render_in(old.as_bytes(), new.as_bytes(), ("a", "b"), &opts, usize::MAX).text;
                let window = render_in(old.as_bytes(), new.as_bytes(), ("a", "b"), &opts, 0).text;
                assert_eq!(window, whole);
            }
        }
    }

    #[test]
    fn stretches_of_large_texts_give_the_whole_texts_hunks() {
        // Large enough to be cut into stretches; changes at the ends, in the middle, and two
        // close enough that their hunks join.
        let old: String = (0..40_000).map(|i| format!("line number {i}\n")).collect();
        let new = old
            .replace("line number 2\n", "two\n")
            .replace("line number 20000\n", "")
            .replace("line number 20005\n", "a\nb\n")
            .replace("line number 39999\n", "last\n");
        assert!(region::stretches(old.as_bytes(), new.as_bytes(), 3, 0).len() >= 3);
        let opts = DiffOptions::default();
        let whole = render_in(old.as_bytes(), new.as_bytes(), ("a", "b"), &opts, usize::MAX).text;
        let cut = render_in(old.as_bytes(), new.as_bytes(), ("a", "b"), &opts, 0).text;
        assert_eq!(cut, whole);
    }

    #[test]
    fn a_long_diff_is_cut_and_counted() {
        let old: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        // Lines 1, 10-19 and 100-199 change: 111 lines, in three hunks.
        let new = old.replace("line 1", "LINE 1");
        let opts = DiffOptions { max_lines: Some(20), ..DiffOptions::default() };
        let cut = render(old.as_bytes(), new.as_bytes(), "a", "b", &opts);
        let full = render(old.as_bytes(), new.as_bytes(), "a", "b", &DiffOptions::default());
        assert!(cut.cut && !full.cut);
        let (shown, last) = cut.text.trim_end().rsplit_once('\n').unwrap();
        assert!(full.text.starts_with(shown), "the shown part is the start of the whole diff");
        let body = |text: &str| text.lines().filter(|l| !l.starts_with("@@")).count() - 2;
        assert_eq!(body(shown), 20);
        let rest = body(&full.text) - 20;
        assert_eq!(
            last,
            format!(
                "… {rest} more lines of this diff not shown (111 added and 111 removed in all; 1 more hunk, at line 98)"
            )
        );
        assert_eq!(render(b"a\n", b"b\n", "a", "b", &opts).text, full_of(b"a\n", b"b\n"));
    }

    #[test]
    fn a_cut_json_diff_names_the_values_that_differ() {
        let doc = |extra: &str, value: &str| {
            let members: String = (0..60).map(|i| format!("  \"k{i}\": {value},\n")).collect();
            format!("{{\n{extra}{members}  \"end\": 0\n}}\n")
        };
        let long_key = "x".repeat(200);
        let old = doc("  \"list\": [1, 2],\n  \"gone\": 0,\n", "1");
        let new = doc(&format!("  \"list\": [1, 2, 3],\n  \"\\u001b]0;t\\u0007{long_key}\": 0,\n"), "2");
        let opts = DiffOptions { max_lines: Some(20), ..DiffOptions::default() };
        let cut = render(old.as_bytes(), new.as_bytes(), "a", "b", &opts);
        assert!(cut.cut);
        let tail = cut.text.split_once(" in all)\n").expect("the cut line").1;
        // In the new document's order, then what only the old one has; a key's control
        // characters escaped, a long pointer cut.
        // The pointer is cut at POINTER_CHARS characters, before the escaping (`/`, ESC, `]0;t`
        // and BEL are 7 of them).
        let key = format!("^[]0;t^G{}…", "x".repeat(POINTER_CHARS - 7));
        let changed: String = (0..8).map(|i| format!("  ~ /k{i}\n")).collect();
        let want = format!(
            "JSON values that differ: 61 changed, 1 added, 1 removed\n  ~ /list (2 → 3 items)\n  + /{key}\n{changed}  … and 53 more\n"
        );
        assert_eq!(tail, want);

        // Colored: the kinds, an array in an array, removed after added.
        let small_old = "[\n  {\"a\": [1], \"b\": 1},\n".to_string() + &"  0,\n".repeat(30) + "  0\n]\n";
        let small_new = "[\n  {\"a\": [1, 2], \"c\": 1},\n".to_string() + &"  1,\n".repeat(30) + "  0\n]\n";
        let opts = DiffOptions { max_lines: Some(5), color: true, ..DiffOptions::default() };
        let text = render(small_old.as_bytes(), small_new.as_bytes(), "a", "b", &opts).text;
        let tail = text.split_once(" in all)\n").expect("the cut line").1;
        let (y, g, r, o) = ("\x1b[33m", "\x1b[32m", "\x1b[31m", "\x1b[0m");
        let numbers: String = (1..8).map(|i| format!("  {y}~{o} /{i}\n")).collect();
        let want = format!(
            "JSON values that differ: 31 changed, 1 added, 1 removed\n  {y}~{o} /0/a (1 → 2 items)\n  {g}+{o} /0/c\n  {r}-{o} /0/b\n{numbers}  … and 23 more\n"
        );
        assert_eq!(tail, want);
        let all = render(small_old.as_bytes(), small_new.as_bytes(), "a", "b", &DiffOptions::default());
        assert!(!all.cut && !all.text.contains("JSON values"), "a diff shown whole lists nothing");
        let root =
            render(b"[\n1,\n2\n]\n", b"[\n1\n]\n", "a", "b", &DiffOptions { max_lines: Some(1), ..opts });
        assert!(root.text.ends_with("  \x1b[33m~\x1b[0m (whole document) (2 → 1 items)\n"), "{}", root.text);
    }

    #[test]
    fn json_known_to_the_caller_is_not_checked_again() {
        let doc = |value: &str| {
            let members: String = (0..60).map(|i| format!("  \"k{i}\": {value},\n")).collect();
            format!("{{\n{members}  \"end\": 0\n}}\n")
        };
        let (old, new) = (doc("1"), doc("2"));
        let cut = DiffOptions { max_lines: Some(20), ..DiffOptions::default() };
        let checked = render(old.as_bytes(), new.as_bytes(), "a", "b", &cut).text;
        assert!(checked.contains("JSON values that differ: 60 changed\n"), "{checked}");
        let known = DiffOptions { both_json: true, ..cut };
        assert_eq!(render(old.as_bytes(), new.as_bytes(), "a", "b", &known).text, checked);
        // A repeated key: not a document the merge reads, so not listed unless the caller
        // says it is.
        let repeated = old.replacen("\"k1\"", "\"k0\"", 1);
        let text = render(repeated.as_bytes(), new.as_bytes(), "a", "b", &cut).text;
        assert!(!text.contains("JSON values"), "{text}");
        let text = render(repeated.as_bytes(), new.as_bytes(), "a", "b", &known).text;
        assert!(text.contains("JSON values that differ"), "taken as given: {text}");
    }

    fn full_of(old: &[u8], new: &[u8]) -> String {
        unified(old, new, "a", "b", &DiffOptions::default())
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str, &str, &str)] = &[
            ("equal", "x\ny\n", "x\ny\n", ""),
            ("one line changed", "a\nb\nc\n", "a\nB\nc\n", "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"),
            ("added to empty", "", "new\n", "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n"),
            (
                "no newline at end, both",
                "a\nb",
                "a\nc",
                "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
            ),
            (
                "newline added at end",
                "a",
                "a\n",
                "--- a\n+++ b\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n",
            ),
            ("crlf both sides", "a\r\nb\r\n", "a\r\nB\r\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n"),
            ("crlf to lf shows ^M", "a\r\n", "a\n", "--- a\n+++ b\n@@ -1 +1 @@\n-a^M\n+a\n"),
            (
                "escape and bidi",
                "x\n",
                "\u{1b}]0;pwned\u{7}\u{202e}\tx\n",
                "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+^[]0;pwned^G\\u{202e}\tx\n",
            ),
        ];
        for (name, old, new, want) in cases {
            assert_eq!(plain(old, new), *want, "case {name}");
        }
    }

    #[test]
    fn context_radius() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        let opts = DiffOptions { context: 1, ..DiffOptions::default() };
        let got = unified(old.as_bytes(), new.as_bytes(), "a", "b", &opts);
        assert_eq!(got, "--- a\n+++ b\n@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n");
    }

    #[test]
    fn color() {
        let opts = DiffOptions { color: true, ..DiffOptions::default() };
        let got = unified(b"a\n", b"b\n", "old", "new", &opts);
        let want = "\x1b[1m--- old\x1b[0m\n\x1b[1m+++ new\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n\
                    \x1b[31m-a\x1b[0m\n\x1b[32m+b\x1b[0m\n";
        assert_eq!(got, want);
    }

    #[test]
    fn labels_are_sanitized() {
        let got = unified(b"a\n", b"b\n", "x\u{1b}[2J", "y", &DiffOptions::default());
        assert!(got.starts_with("--- x^[[2J\n+++ y\n"), "{got}");
    }

    #[test]
    fn binary() {
        let cases: &[(&[u8], &[u8], &str)] = &[
            (b"\xff\xfe", b"\xff", "binary content differs (2 bytes → 1 bytes)\n"),
            (b"text\n", b"a\0b", "binary content differs (5 bytes → 3 bytes)\n"),
            (b"\xff", b"\xff", ""),
        ];
        for (old, new, want) in cases {
            assert_eq!(unified(old, new, "a", "b", &DiffOptions::default()), *want);
        }
        assert!(is_binary(b"\xc3\x28"));
        assert!(is_binary(b"nul\0"));
        assert!(!is_binary("ünïcode\ttext\r\n".as_bytes()));
        assert!(!is_binary(b""));
    }

    #[test]
    fn summary_counts() {
        let cases: &[(&str, &str, (usize, usize))] = &[
            ("a\n", "a\n", (0, 0)),
            ("a\nb\n", "a\nB\nc\n", (2, 1)),
            ("", "x\ny\n", (2, 0)),
            ("x\ny\n", "", (0, 2)),
            ("a", "a\n", (1, 1)),
        ];
        for (old, new, want) in cases {
            assert_eq!(summary(old.as_bytes(), new.as_bytes()), *want, "{old:?} → {new:?}");
        }
    }

    #[test]
    fn large_diff_stays_minimal() {
        // A deadline that fired would degrade this into "remove everything, add everything".
        let old: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 10000\n", "changed\n");
        assert_eq!(summary(old.as_bytes(), new.as_bytes()), (1, 1));
    }
}
