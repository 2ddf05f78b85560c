//! Finding and running the user's editor: `IFMATCH_EDITOR` > `VISUAL` > `EDITOR` > `vi`, split
//! into argv like a shell would (quotes honoured) but run without one, on a file in a private
//! temp dir whose suffix comes from the media type. On failure the text is still handed back,
//! so the caller can keep it.

use std::path::Path;

use crate::error::{Error, IoResultExt, Result};

/// The resolved editor command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    argv: Vec<String>,
    source: &'static str,
}

/// What came back from the editor: the file's text, and a failure if the editor failed.
#[derive(Debug)]
pub struct Edited {
    pub text: Vec<u8>,
    pub failure: Option<Error>,
}

impl Editor {
    /// Resolves the editor from the environment.
    pub fn from_env() -> Result<Editor> {
        let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let (value, source) = if let Some(v) = lookup("IFMATCH_EDITOR") {
            (v, "IFMATCH_EDITOR")
        } else if let Some(v) = lookup("VISUAL") {
            (v, "VISUAL")
        } else if let Some(v) = lookup("EDITOR") {
            (v, "EDITOR")
        } else {
            ("vi".to_string(), "the default")
        };
        Editor::parse(&value, source)
    }

    /// Splits an editor setting such as `code --wait` or `"/opt/My Editor/ed" -n` into argv.
    pub fn parse(value: &str, source: &'static str) -> Result<Editor> {
        let argv = shell_words::split(value).map_err(|e| {
            Error::editor(format!("cannot split the editor command {value:?} from {source}: {e}"))
                .with_hint(format!("fix the quotes in {source}, e.g. IFMATCH_EDITOR='code --wait'"))
        })?;
        if argv.is_empty() {
            return Err(Error::editor(format!("the editor command from {source} is empty"))
                .with_hint("set IFMATCH_EDITOR, VISUAL or EDITOR"));
        }
        Ok(Editor { argv, source })
    }

    /// The command as the user wrote it, for messages.
    pub fn describe(&self) -> String {
        shell_words::join(&self.argv)
    }

    /// Where the setting came from: `IFMATCH_EDITOR`, `VISUAL`, `EDITOR` or "the default".
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The program's file name (`vim` for `/usr/bin/vim -u NONE`).
    fn program(&self) -> &str {
        let first = self.argv[0].as_str();
        Path::new(first).file_name().and_then(|n| n.to_str()).unwrap_or(first)
    }

    /// Whether the editor is a program that needs a terminal to talk to (vi, nano, emacs -nw,
    /// …). Editors not known to need one (`code --wait`, a script) are assumed not to.
    pub fn needs_terminal(&self) -> bool {
        let program = self.program();
        if matches!(program, "emacs" | "emacsclient") {
            let tty_flag = self.argv[1..]
                .iter()
                .any(|a| matches!(a.as_str(), "-nw" | "-t" | "--tty" | "--no-window-system"));
            let display = ["DISPLAY", "WAYLAND_DISPLAY"]
                .iter()
                .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()));
            return tty_flag || !display;
        }
        TERMINAL_EDITORS.contains(&program)
    }

    /// The editor's program must exist; checked before any request, so that a typo in
    /// EDITOR costs no fetch. The hint names an editor installed on this machine.
    pub fn check_installed(&self) -> Result<()> {
        if find_program(&self.argv[0]).is_some() {
            return Ok(());
        }
        Err(Error::editor(format!(
            "the editor `{}` (from {}) is not installed, or not on PATH",
            self.argv[0], self.source
        ))
        .with_hint(suggestion()))
    }

    /// The argument that opens the file at `line`, for editors known to take `+LINE`.
    fn goto(&self, line: usize) -> Option<String> {
        let takes_plus_line = matches!(
            self.program(),
            "vi" | "vim"
                | "nvim"
                | "nvi"
                | "view"
                | "vim.basic"
                | "vim.tiny"
                | "gvim"
                | "nano"
                | "pico"
                | "emacs"
                | "emacsclient"
                | "joe"
                | "mg"
                | "ne"
                | "micro"
                | "kak"
                | "jed"
        );
        takes_plus_line.then(|| format!("+{line}"))
    }

    /// Opens `initial` in the editor and returns the saved text, with the cursor put on `line`
    /// (1-based) by editors that take `+LINE`. The file lives in a fresh 0700 temp dir, mode
    /// 0600, named `ifmatch-edit<suffix>` so editors pick the right mode.
    pub async fn edit_at(&self, initial: &[u8], suffix: &str, line: Option<usize>) -> Result<Edited> {
        let dir = tempfile::Builder::new()
            .prefix("ifmatch-")
            .tempdir()
            .context("create a temporary directory in", std::env::temp_dir())?;
        let path = dir.path().join(format!("ifmatch-edit{suffix}"));
        crate::fsutil::write_atomic(&path, initial)?;
        // The person's editing time does not count against --max-time.
        let failure = crate::deadline::for_person(self.run(&path, line)).await.err();
        let text = std::fs::read(&path).context("read back the edited file", &path)?;
        Ok(Edited { text, failure })
    }

    async fn run(&self, path: &Path, line: Option<usize>) -> Result<()> {
        let mut command = tokio::process::Command::new(&self.argv[0]);
        command.args(&self.argv[1..]);
        if let Some(goto) = line.and_then(|line| self.goto(line)) {
            command.arg(goto);
        }
        command.arg(path);
        // With stdout or stdin redirected (`ifmatch edit URL --json > out.json`) the editor must
        // still talk to the person at the terminal, not to the redirect.
        use std::io::IsTerminal;
        let at_terminal = std::io::stderr().is_terminal();
        if at_terminal
            && !std::io::stdout().is_terminal()
            && let Ok(tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty")
        {
            command.stdout(tty);
        }
        if at_terminal
            && !std::io::stdin().is_terminal()
            && let Ok(tty) = std::fs::File::open("/dev/tty")
        {
            command.stdin(tty);
        }
        let status = command.status().await.map_err(|e| {
            Error::editor(format!(
                "could not start the editor `{}` (from {}): {e}",
                self.describe(),
                self.source
            ))
            .with_hint(suggestion())
        })?;
        #[cfg(unix)]
        let died_of_ctrl_c = std::os::unix::process::ExitStatusExt::signal(&status) == Some(2);
        #[cfg(not(unix))]
        let died_of_ctrl_c = false;
        if !died_of_ctrl_c {
            crate::interrupt::forget_ctrl_c();
        }
        if status.success() {
            return Ok(());
        }
        #[cfg(unix)]
        let signal = std::os::unix::process::ExitStatusExt::signal(&status);
        #[cfg(not(unix))]
        let signal: Option<i32> = None;
        // Ctrl-C at the terminal reaches the editor too (same process group): that is the user
        // interrupting, not the editor failing. So do SIGTERM and SIGHUP sent to the whole group
        // (`kill -TERM -- -PGID`, a closed terminal): the editor dying of them, or failing once
        // ifmatch got one too, is the run being ended, reported as the signal (143, 129).
        use crate::interrupt::Signal;
        let ended_by = match signal {
            Some(2) => Some(Signal::Interrupt),
            Some(15) => Some(Signal::Terminate),
            Some(1) => Some(Signal::Hangup),
            _ => crate::interrupt::pending().filter(|s| *s != Signal::Interrupt),
        };
        if let Some(signal) = ended_by {
            return Err(Error::interrupted(signal));
        }
        let how = match (status.code(), signal) {
            (Some(code), _) => format!("exited with status {code}"),
            (None, Some(signal)) => format!("was killed by signal {signal}"),
            (None, None) => "failed".to_string(),
        };
        Err(Error::editor(format!("the editor `{}` {how}", self.describe())))
    }
}

/// Editors that draw on a terminal, by program name.
const TERMINAL_EDITORS: &[&str] = &[
    "vi",
    "vim",
    "nvim",
    "nvi",
    "view",
    "vim.basic",
    "vim.tiny",
    "vim.nox",
    "elvis",
    "nano",
    "pico",
    "rnano",
    "micro",
    "joe",
    "jmacs",
    "jpico",
    "jstar",
    "mg",
    "ne",
    "hx",
    "helix",
    "kak",
    "vis",
    "jed",
    "mcedit",
    "zile",
    "jove",
    "tilde",
    "amp",
];

/// Whether the editor can reach a terminal: stderr is one (the editor is then given
/// /dev/tty for a redirected stdin or stdout), or stdin and stdout both are.
pub fn terminal_reachable() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() || (std::io::stdin().is_terminal() && std::io::stdout().is_terminal())
}

/// `program` as the shell would find it: a path as given, else the first executable of that
/// name on PATH.
fn find_program(program: &str) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let executable =
        |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    if program.contains('/') {
        return executable(Path::new(program)).then(|| program.into());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| executable(p))
}

/// A hint naming an editor installed here, in a usual order of preference.
fn suggestion() -> String {
    const CANDIDATES: &[(&str, &str)] = &[
        ("nano", "nano"),
        ("vim", "vim"),
        ("nvim", "nvim"),
        ("vi", "vi"),
        ("emacs", "'emacs -nw'"),
        ("micro", "micro"),
        ("hx", "hx"),
        ("mg", "mg"),
        ("code", "'code --wait'"),
    ];
    match CANDIDATES.iter().find(|(program, _)| find_program(program).is_some()) {
        Some((_, setting)) => format!("set IFMATCH_EDITOR to an editor installed here, e.g. IFMATCH_EDITOR={setting}"),
        None => "no usual editor (nano, vim, emacs, …) was found on PATH: install one, or set IFMATCH_EDITOR to yours".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell() {
        let e = Editor::parse("code --wait", "EDITOR").unwrap();
        assert_eq!(e.argv, vec!["code", "--wait"]);
        let e = Editor::parse("'/opt/My Editor/ed' -n", "EDITOR").unwrap();
        assert_eq!(e.argv, vec!["/opt/My Editor/ed", "-n"]);
        assert!(Editor::parse("\"unterminated", "EDITOR").is_err());
        assert!(Editor::parse("   ", "EDITOR").is_err());
    }
}
