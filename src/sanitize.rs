//! Escaping of server-provided text before it reaches a terminal: control and bidi characters
//! become visible notation, so a hostile body, header or message cannot move the cursor, clear
//! the screen or reorder what the user reads. Every printed diff line, server message and header
//! shown goes through [`sanitize`]; choosing what to print is left to the callers.

use std::borrow::Cow;

/// Makes `s` safe to print on a terminal, borrowing it when nothing needs escaping.
///
/// - C0 controls and DEL use caret notation: ESC is `^[`, NUL `^@`, CR `^M`, LF `^J`, DEL `^?`.
///   Tab is kept, since it is common in text and harmless.
/// - C1 controls (U+0080–U+009F; U+009B is a one-byte CSI on some terminals) and the bidi
///   embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) become `\u{..}`.
///
/// Newlines are escaped too, so one call never yields more than one line: split multi-line
/// text into lines first and sanitize each.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if c == '\u{7f}' {
            out.push_str("^?");
        } else if (c as u32) < 0x20 {
            out.push('^');
            // Caret notation: the control code plus 0x40 ('@', 'A'..'Z', '[', ...).
            out.push(char::from(c as u8 + 0x40));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    match c {
        '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_table() {
        let cases: &[(&str, &str)] = &[
            ("plain text", "plain text"),
            ("tab\tkept", "tab\tkept"),
            ("\u{1b}[31mred", "^[[31mred"),
            ("nul\u{0}", "nul^@"),
            ("cr\rlf\n", "cr^Mlf^J"),
            ("del\u{7f}", "del^?"),
            ("csi\u{9b}2J", "csi\\u{9b}2J"),
            ("a\u{202e}b\u{2066}c\u{2069}", "a\\u{202e}b\\u{2066}c\\u{2069}"),
            ("héllo ✓", "héllo ✓"),
            ("zero\u{200b}width", "zero\u{200b}width"),
        ];
        for (input, want) in cases {
            assert_eq!(sanitize(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn sanitize_borrows_when_clean() {
        assert!(matches!(sanitize("nothing to do"), Cow::Borrowed(_)));
    }
}
