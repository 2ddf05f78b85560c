//! Finding and running the user's editor: `IFMATCH_EDITOR` > `VISUAL` > `EDITOR` > `vi`, split
//! into argv like a shell would (quotes honoured) but run without one, on a file in a private
//! temp dir whose suffix comes from the media type. On failure the text is still handed back,
//! so the caller can keep it.

use std::path::Path;

use crate::error::{Error, Result};

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
        let argv = shell_words::split(value).map_err(|e| Error::Editor {
            message: format!("cannot split the editor command {value:?} from {source}: {e}"),
            hints: vec![format!("fix the quotes in {source}, e.g. IFMATCH_EDITOR='code --wait'")],
        })?;
        if argv.is_empty() {
            return Err(Error::Editor {
                message: format!("the editor command from {source} is empty"),
                hints: vec!["set IFMATCH_EDITOR, VISUAL or EDITOR".to_string()],
            });
        }
        Ok(Editor { argv, source })
    }

    /// The command as the user wrote it, for messages.
    pub fn describe(&self) -> String {
        shell_words::join(&self.argv)
    }

    /// Opens `initial` in the editor and returns the saved text. The file lives in a fresh
    /// 0700 temp dir, mode 0600, named `ifmatch-edit<suffix>` so editors pick the right mode.
    pub async fn edit(&self, initial: &[u8], suffix: &str) -> Result<Edited> {
        let dir = tempfile::Builder::new()
            .prefix("ifmatch-")
            .tempdir()
            .map_err(|e| Error::io("create a temporary directory in", std::env::temp_dir(), e))?;
        let path = dir.path().join(format!("ifmatch-edit{suffix}"));
        crate::fsutil::write_atomic(&path, initial)?;
        // The person's editing time does not count against --max-time.
        let failure = crate::deadline::for_person(self.run(&path)).await.err();
        let text = std::fs::read(&path).map_err(|e| Error::io("read back the edited file", &path, e))?;
        Ok(Edited { text, failure })
    }

    async fn run(&self, path: &Path) -> Result<()> {
        let mut command = tokio::process::Command::new(&self.argv[0]);
        command.args(&self.argv[1..]).arg(path);
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
        let status = command.status().await.map_err(|e| Error::Editor {
            message: format!("could not start the editor `{}` (from {}): {e}", self.describe(), self.source),
            hints: vec!["set IFMATCH_EDITOR to an editor that exists, e.g. IFMATCH_EDITOR=nano".to_string()],
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
            return Err(Error::Interrupted { signal, hints: Vec::new() });
        }
        let how = match (status.code(), signal) {
            (Some(code), _) => format!("exited with status {code}"),
            (None, Some(signal)) => format!("was killed by signal {signal}"),
            (None, None) => "failed".to_string(),
        };
        Err(Error::Editor { message: format!("the editor `{}` {how}", self.describe()), hints: Vec::new() })
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
