//! What the user sees on stderr: notes, warnings, errors with hints, section headings, and the
//! one-letter prompts. stdout is left to bodies and `--json` results.

use std::io::{self, BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::Error;

/// `--quiet`: only errors (and the questions of a prompt) reach stderr. Set once, from the
/// command line, before anything is printed.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Turns `--quiet` on for the rest of the run.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` is on: notes, warnings, progress and success lines are not printed.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Lifts `--quiet` while it lives: for what a person must see to answer a prompt (the
/// conflict screen before its question).
pub struct Unquiet {
    was: bool,
}

impl Unquiet {
    pub fn new() -> Unquiet {
        Unquiet { was: QUIET.swap(false, Ordering::Relaxed) }
    }
}

impl Default for Unquiet {
    fn default() -> Self {
        Unquiet::new()
    }
}

impl Drop for Unquiet {
    fn drop(&mut self) {
        QUIET.store(self.was, Ordering::Relaxed);
    }
}

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
        if quiet() {
            return;
        }
        stderrln!("ifmatch: {message}");
    }

    /// A warning the user should read.
    pub fn warn(&self, message: &str) {
        if quiet() {
            return;
        }
        stderrln!("ifmatch: {} {message}", self.paint("1;33", "warning:"));
    }

    /// `text` in bold, when colors are on.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Shows a long text on stderr: through the pager (`$PAGER`, else `less -R`) when stderr
    /// is a terminal and the text is taller than it, else printed as it is.
    pub fn page(&self, text: &str) {
        use std::io::IsTerminal;
        // A terminal that reports no size (0 rows) is taken as tall enough.
        let rows =
            terminal_size::terminal_size_of(io::stderr()).map(|(_, h)| usize::from(h.0)).filter(|&r| r > 0);
        let taller = rows.is_some_and(|rows| text.lines().count() + 2 > rows);
        if !(io::stderr().is_terminal() && taller && run_pager(text)) {
            stderr!("{text}");
        }
    }

    /// A line as it is, whatever `--quiet` says: the items under a warning or a note that
    /// introduced them, a hint after a note.
    pub fn line(&self, text: &str) {
        stderrln!("{text}");
    }

    /// A block of text as it is (a diff section, a document), without a line end added.
    pub fn block(&self, text: &str) {
        stderr!("{text}");
    }

    /// A heading before a block such as a diff.
    pub fn heading(&self, text: &str) {
        if quiet() {
            return;
        }
        stderrln!("{}", self.paint("1", text));
    }

    /// A success line.
    pub fn success(&self, message: &str) {
        if quiet() {
            return;
        }
        stderrln!("ifmatch: {}", self.paint("32", message));
    }

    /// Prints an error, its hints, in the house format.
    pub fn error(&self, err: &Error) {
        self.failure(&err.to_string(), &err.hints());
    }

    /// Prints `ifmatch: error: MESSAGE` and `hint:` lines: for an error, or for a verdict that
    /// ends the run with a failure status without being an error (doctor's "writes cannot be
    /// protected").
    pub fn failure(&self, message: &str, hints: &[String]) {
        stderrln!("ifmatch: {} {message}", self.paint("1;31", "error:"));
        for hint in hints {
            stderrln!("{} {hint}", self.paint("36", "hint:"));
        }
    }

    /// Asks a one-letter question on stderr and reads the answer from stdin. Returns the first
    /// character typed (lowercased), `Some('\n')` for a bare Enter, or `None` at end of input,
    /// which callers treat as "no".
    pub fn ask(&self, question: &str) -> Option<char> {
        stderr!("{} ", self.paint("1", question));
        let _ = io::stderr().flush();
        let mut line = String::new();
        match io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => {
                stderrln!();
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

/// Runs the pager on `text`, with its output on the terminal that stderr is (stdout may be
/// redirected to a file). False when there is no pager to run, so the caller prints instead.
fn run_pager(text: &str) -> bool {
    use std::os::fd::AsFd;
    let setting = std::env::var("PAGER").ok().filter(|p| !p.trim().is_empty());
    let argv = match &setting {
        Some(value) => match shell_words::split(value) {
            Ok(argv) if !argv.is_empty() => argv,
            _ => return false,
        },
        None => vec!["less".to_string(), "-R".to_string()],
    };
    let Ok(terminal) = io::stderr().as_fd().try_clone_to_owned() else { return false };
    let child = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::from(terminal))
        .spawn();
    let Ok(mut child) = child else { return false };
    if let Some(mut stdin) = child.stdin.take() {
        // A pager quit before the end closes its input: not an error.
        let _ = stdin.write_all(text.as_bytes());
    }
    let _ = child.wait();
    true
}
