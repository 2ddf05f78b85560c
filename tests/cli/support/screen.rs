//! Whole screens for snapshot tests: everything a run printed (exit code, stdout, stderr), or
//! the transcript of a session in a pseudo-terminal (what the program wrote and the answers the
//! terminal echoed), with what varies from run to run redacted, checked against the files in
//! tests/cli/snapshots/ by [`assert_screen`].
//!
//! To review or update the snapshots: `INSTA_UPDATE=always cargo test --locked screens`, then
//! `git diff tests/cli/snapshots/` (README's Development section says more).

use std::process::Output;
use std::time::Duration;

use expectrl::session::OsSession;
use expectrl::{Eof, Expect};

use super::Env;

/// What varies between runs, as (pattern, replacement); applied after the sandbox paths.
const FILTERS: &[(&str, &str)] = &[
    // Loopback servers listen on a port of the system's choosing.
    (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
    // A recovered edit is named `<key>-<millis>-<pid><suffix>`.
    (r"\b[0-9a-f]{16,}-\d{10,}-\d+", "[KEY]-[MILLIS]-[PID]"),
    // Other temporary directories (a served folder, a file given by path).
    (r"/[^\s`'\x22]*/\.tmp[A-Za-z0-9]{6}", "[TMPDIR]"),
    // The write probe's If-Match is random, so that it never matches.
    (r"ifmatch-probe-[0-9a-f]{16}", "ifmatch-probe-[RANDOM]"),
    // Pauses before a retry are jittered.
    (r"\b\d+ ms\b", "[N] ms"),
    // HTTP dates (Last-Modified, when a verdict was remembered).
    (r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT", "[DATE]"),
];

/// Replaces the sandbox's paths by `[ENV]` and applies [`FILTERS`] (through insta's settings,
/// in [`assert_screen`]).
pub fn redact_paths(env: &Env, text: &str) -> String {
    let dir = env.dir.path().to_string_lossy().into_owned();
    let mut text = text.replace(&dir, "[ENV]");
    // The same directory, as the file system names it (a symlinked temp dir).
    if let Ok(canonical) = env.dir.path().canonicalize() {
        text = text.replace(&*canonical.to_string_lossy(), "[ENV]");
    }
    text
}

/// Checks `screen` against tests/cli/snapshots/`name`.snap, with [`FILTERS`] applied.
#[track_caller]
pub fn assert_screen(name: &str, screen: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    for (pattern, replacement) in FILTERS {
        settings.add_filter(pattern, *replacement);
    }
    settings.bind(|| insta::assert_snapshot!(name, screen));
}

/// A finished run as one text: the exit code, then stdout and stderr, each under its heading.
pub fn of_run(env: &Env, out: &Output) -> String {
    let code = match out.status.code() {
        Some(code) => code.to_string(),
        None => format!("{:?}", out.status),
    };
    let text = format!(
        "exit: {code}\n--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    redact_paths(env, &text)
}

/// `ifmatch ARGS` in `env`, as one text ([`of_run`]).
pub fn run(env: &Env, args: &[&str]) -> String {
    of_run(env, &env.run(args))
}

/// `ifmatch ARGS` (with `--json` among them) in `env`, as one text like [`of_run`]'s, with stdout
/// checked to be one JSON object and shown indented, one field a line, for readable diffs.
pub fn run_json(env: &Env, args: &[&str]) -> String {
    let mut out = env.run(args);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!("stdout is not one JSON object ({err}):\n{}", String::from_utf8_lossy(&out.stdout))
    });
    assert!(value.is_object(), "stdout is JSON but not an object: {value}");
    out.stdout = format!("{}\n", serde_json::to_string_pretty(&value).unwrap()).into_bytes();
    of_run(env, &out).replacen("--- stdout\n", "--- stdout (one JSON object, shown indented)\n", 1)
}

/// What the fake editor's `n`th run found in the file it opened, under a heading, to follow a
/// screen: the text a person reads in the editor is a screen too.
pub fn editor_opened(env: &Env, n: usize) -> String {
    let text = String::from_utf8_lossy(&env.editor_saw(n)).into_owned();
    redact_paths(env, &format!("--- the file the editor opened (run {n})\n{text}"))
}

/// A session in a pseudo-terminal that keeps everything it read, for a whole-screen snapshot.
/// stdin, stdout and stderr are the terminal, so they arrive interleaved as a person sees them.
/// The terminal does not echo, so each answer typed is put in the transcript where it was
/// typed, as a person's terminal would show it (the answer, then the end of the line).
pub struct Pty {
    session: OsSession,
    seen: Vec<u8>,
}

impl Pty {
    /// `ifmatch ARGS` on a terminal 100 columns wide and tall enough that nothing is paged.
    pub fn spawn(env: &Env, args: &[&str]) -> Pty {
        let mut cmd = env.cmd(args);
        // The pty becomes fd 0 only if the command does not set its own stdin. A pager is
        // never run on a screen this tall; if one were, `cat` would print the same text.
        cmd.env("TERM", "xterm").env("PAGER", "cat").stdin(std::process::Stdio::inherit());
        let mut session = OsSession::spawn(cmd).expect("spawn in a pty");
        session.set_expect_timeout(Some(Duration::from_secs(30)));
        session.get_process_mut().set_window_size(100, 500).expect("set the terminal size");
        Pty { session, seen: Vec::new() }
    }

    /// Waits for `needle` (a question, before answering it).
    #[track_caller]
    pub fn expect(&mut self, needle: &str) {
        let found = match self.session.expect(needle) {
            Ok(found) => found,
            Err(err) => panic!(
                "waiting for {needle:?}: {err}\n--- the screen so far:\n{}",
                String::from_utf8_lossy(&self.seen)
            ),
        };
        self.seen.extend_from_slice(found.as_bytes());
    }

    /// Waits for `question` (its end, such as `[y/N]`, is enough), then types `answer` and
    /// Enter.
    #[track_caller]
    pub fn answer(&mut self, question: &str, answer: &str) {
        // A question is printed with a space after it, where the answer goes.
        self.expect(&format!("{question} "));
        self.seen.extend_from_slice(format!("{answer}\n").as_bytes());
        self.session.send_line(answer).expect("type an answer");
    }

    /// Waits for `question`, then ends the input (Ctrl-D).
    #[track_caller]
    pub fn end_input(&mut self, question: &str) {
        self.expect(&format!("{question} "));
        self.session.send(expectrl::ControlCode::EndOfTransmission).expect("send Ctrl-D");
    }

    /// Waits for `question`, then presses Ctrl-C (the terminal sends SIGINT).
    #[track_caller]
    pub fn interrupt(&mut self, question: &str) {
        self.expect(&format!("{question} "));
        self.session.send(expectrl::ControlCode::EndOfText).expect("send Ctrl-C");
    }

    /// Reads to the end, waits for the program, and returns the whole screen with its exit
    /// code, line ends as `\n`, and the sandbox's paths redacted.
    pub fn finish(mut self, env: &Env) -> String {
        match self.session.expect(Eof) {
            Ok(rest) => self.seen.extend_from_slice(rest.as_bytes()),
            Err(err) => panic!(
                "waiting for the end: {err}\n--- the screen so far:\n{}",
                String::from_utf8_lossy(&self.seen)
            ),
        }
        let code = super::pty::exit_code(&mut self.session);
        let text = String::from_utf8_lossy(&self.seen).replace("\r\n", "\n");
        redact_paths(env, &format!("exit: {code}\n--- terminal\n{text}"))
    }
}
