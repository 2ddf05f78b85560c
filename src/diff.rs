//! Unified diffs for the terminal: the server's changes since the user's base, and what a retry
//! would change. Server text is untrusted: every printed diff line goes through
//! [`sanitize`](crate::sanitize). It only renders; choosing the stream and whether color is on
//! is left to `ui` and `settings`.

use std::time::Duration;

use similar::{Algorithm, ChangeTag, TextDiff};

use crate::sanitize::sanitize;

/// How long the line diff may search for a minimal edit script before it settles for a coarser
/// one. Histogram diffs a 10 MB file well within this; a short deadline would turn ordinary
/// diffs into a near-total replace, which is worse than waiting.
const DIFF_TIMEOUT: Duration = Duration::from_secs(5);

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// How [`unified`] renders a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiffOptions {
    /// Paint with ANSI colors (the caller decides from `--color`, `NO_COLOR` and the terminal).
    pub color: bool,
    /// Unchanged lines shown around each change, like `diff -U`.
    pub context: usize,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions { color: false, context: 3 }
    }
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
    if old == new {
        return String::new();
    }
    let (Some(old_text), Some(new_text)) = (as_text(old), as_text(new)) else {
        return format!("binary content differs ({} bytes → {} bytes)\n", old.len(), new.len());
    };
    let hide_cr = has_crlf(old_text) == has_crlf(new_text);
    let paint = Painter { color: opts.color };
    let diff = line_diff(old_text, new_text);

    let mut out = String::new();
    paint.line(&mut out, BOLD, &format!("--- {}", sanitize(old_label)));
    paint.line(&mut out, BOLD, &format!("+++ {}", sanitize(new_label)));
    for hunk in diff.unified_diff().context_radius(opts.context).iter_hunks() {
        paint.line(&mut out, CYAN, &hunk.header().to_string());
        for change in hunk.iter_changes() {
            let (sign, style) = match change.tag() {
                ChangeTag::Delete => ('-', RED),
                ChangeTag::Insert => ('+', GREEN),
                ChangeTag::Equal => (' ', ""),
            };
            let body = strip_eol(change.value(), hide_cr);
            paint.line(&mut out, style, &format!("{sign}{}", sanitize(body)));
            if change.missing_newline() {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
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

fn line_diff<'a>(old: &'a str, new: &'a str) -> TextDiff<'a, 'a, str> {
    TextDiff::configure().algorithm(Algorithm::Histogram).timeout(DIFF_TIMEOUT).diff_lines(old, new)
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
        if self.color && !style.is_empty() {
            out.push_str(style);
            out.push_str(text);
            out.push_str(RESET);
        } else {
            out.push_str(text);
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(old: &str, new: &str) -> String {
        unified(old.as_bytes(), new.as_bytes(), "a", "b", &DiffOptions::default())
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
        let opts = DiffOptions { color: false, context: 1 };
        let got = unified(old.as_bytes(), new.as_bytes(), "a", "b", &opts);
        assert_eq!(got, "--- a\n+++ b\n@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n");
    }

    #[test]
    fn color() {
        let opts = DiffOptions { color: true, context: 3 };
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
