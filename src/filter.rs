//! `apply`'s command, run as a filter: the body on its stdin, the new body read from its stdout,
//! its stderr going straight to the user's terminal. It runs via `tokio::process` without a
//! shell (argv as given), and is killed if ifmatch stops waiting for it (Ctrl-C). What the
//! output means, and whether it may be sent, is left to `commands::apply`.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;

use crate::error::{Error, Result};
use crate::interrupt::Signal;

/// A command line to pipe bodies through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    argv: Vec<String>,
}

impl Filter {
    /// The command and its arguments, exactly as given after `--`.
    pub fn new(argv: &[String]) -> Result<Filter> {
        if argv.first().is_none_or(|program| program.is_empty()) {
            return Err(Error::usage(
                "apply needs a command to run",
                "put it after --, e.g. ifmatch apply URL -- jq '.replicas = 3'",
            ));
        }
        Ok(Filter { argv: argv.to_vec() })
    }

    /// The command as a shell would read it, for messages.
    pub fn describe(&self) -> String {
        shell_words::join(&self.argv)
    }

    /// Runs the command once with `input` on its stdin and returns its stdout. A command that
    /// cannot start, exits non-zero or dies from a signal is a command error ([`Error::command`]);
    /// one stopped by SIGINT, SIGTERM or SIGHUP (the user's Ctrl-C reaches it too) is an
    /// interruption ([`Error::interrupted`]).
    pub async fn run(&self, input: &[u8]) -> Result<Vec<u8>> {
        let mut child = tokio::process::Command::new(&self.argv[0])
            .args(&self.argv[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| self.spawn_error(&e))?;
        let mut stdin = child.stdin.take().expect("stdin was configured as a pipe");
        let input = input.to_vec();
        // Feed stdin while stdout is read, so that neither pipe fills up and blocks the other.
        let feed = async move {
            let written = stdin.write_all(&input).await;
            drop(stdin);
            written
        };
        let (fed, output) = tokio::join!(feed, child.wait_with_output());
        let output =
            output.map_err(|e| Error::other(format!("could not wait for `{}`: {e}", self.describe())))?;
        if !output.status.success() {
            return Err(self.status_error(output.status));
        }
        match fed {
            // A command may print its result without reading all of its input (`echo new`).
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(Error::command(format!("could not send the body to `{}`: {e}", self.describe())))
            }
            _ => Ok(output.stdout),
        }
    }

    fn spawn_error(&self, err: &std::io::Error) -> Error {
        let program = &self.argv[0];
        let hint = match err.kind() {
            std::io::ErrorKind::NotFound => {
                format!("check that {program} is installed and on PATH (the command runs without a shell)")
            }
            std::io::ErrorKind::PermissionDenied => format!("check that {program} is executable"),
            _ => "check the command after --".to_string(),
        };
        Error::command(format!("could not run `{}`: {err}", self.describe())).with_hint(hint)
    }

    fn status_error(&self, status: std::process::ExitStatus) -> Error {
        use std::os::unix::process::ExitStatusExt;
        let signals = [Signal::Interrupt, Signal::Terminate, Signal::Hangup];
        if let Some(signal) = signals.into_iter().find(|s| status.signal() == Some(s.number())) {
            return Error::interrupted(signal);
        }
        let how = match (status.code(), status.signal()) {
            (Some(code), _) => format!("exited with status {code}"),
            (None, Some(signal)) => format!("was killed by signal {signal}"),
            (None, None) => "failed".to_string(),
        };
        Error::command(format!("`{}` {how}; nothing was sent", self.describe()))
            .with_hint("its own messages, if any, are above")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(argv: &[&str]) -> Filter {
        Filter::new(&argv.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn block_on<T>(fut: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(fut)
    }

    #[test]
    fn pipes_the_body_through() {
        let out = block_on(filter(&["sed", "s/a/b/g"]).run(b"banana\n")).unwrap();
        assert_eq!(out, b"bbnbnb\n");
        // Larger than a pipe buffer in both directions.
        let big = vec![b'a'; 1 << 20];
        let out = block_on(filter(&["cat"]).run(&big)).unwrap();
        assert_eq!(out.len(), big.len());
        // Not reading stdin is fine.
        assert_eq!(block_on(filter(&["echo", "new"]).run(&big)).unwrap(), b"new\n");
    }

    #[test]
    fn failures_are_command_errors() {
        let err = block_on(filter(&["sh", "-c", "exit 4"]).run(b"")).unwrap_err();
        assert_eq!(err.exit_code(), 6);
        assert!(err.to_string().contains("exited with status 4"), "{err}");
        let err = block_on(filter(&["ifmatch-no-such-program"]).run(b"")).unwrap_err();
        assert_eq!(err.exit_code(), 6);
        assert!(err.hints()[0].contains("on PATH"), "{:?}", err.hints());
        assert_eq!(Filter::new(&[]).unwrap_err().exit_code(), 2);
        assert_eq!(filter(&["jq", ".a = 1"]).describe(), "jq '.a = 1'");
    }
}
