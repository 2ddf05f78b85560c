//! What the user sees on stderr: notes, warnings, errors with hints, section headings, and the
//! one-letter prompts. stdout is left to bodies and `--json` results.

use std::io::{self, BufRead, Write};

use crate::error::Error;

/// The stderr printer, with or without colors.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub color: bool,
}

impl Ui {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    /// A plain progress line: `ifmatch: <message>`.
    pub fn note(&self, message: &str) {
        eprintln!("ifmatch: {message}");
    }

    /// A warning the user should read.
    pub fn warn(&self, message: &str) {
        eprintln!("ifmatch: {} {message}", self.paint("1;33", "warning:"));
    }

    /// A heading before a block such as a diff.
    pub fn heading(&self, text: &str) {
        eprintln!("{}", self.paint("1", text));
    }

    /// A success line.
    pub fn success(&self, message: &str) {
        eprintln!("ifmatch: {}", self.paint("32", message));
    }

    /// Prints an error, its hints, in the house format.
    pub fn error(&self, err: &Error) {
        eprintln!("ifmatch: {} {}", self.paint("1;31", "error:"), err);
        for hint in err.hints() {
            eprintln!("{} {hint}", self.paint("36", "hint:"));
        }
    }

    /// Asks a one-letter question on stderr and reads the answer from stdin. Returns the first
    /// character typed (lowercased), `Some('\n')` for a bare Enter, or `None` at end of input,
    /// which callers treat as "no".
    pub fn ask(&self, question: &str) -> Option<char> {
        eprint!("{} ", self.paint("1", question));
        let _ = io::stderr().flush();
        let mut line = String::new();
        match io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => {
                eprintln!();
                None
            }
            Ok(_) => Some(line.trim().chars().next().map_or('\n', |c| c.to_ascii_lowercase())),
        }
    }

    /// A yes/no question; Enter takes `default`, end of input is "no".
    pub fn confirm(&self, question: &str, default: bool) -> bool {
        let suffix = if default { "[Y/n]" } else { "[y/N]" };
        match self.ask(&format!("{question} {suffix}")) {
            Some('\n') => default,
            Some('y') => true,
            _ => false,
        }
    }
}
