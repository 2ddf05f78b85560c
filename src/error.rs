//! The one error type of the crate: every failure carries its context (URL, path, command) and
//! a sentence-style message, plus `hint:` lines that name the next step. [`Error::exit_code`] is
//! the only place where exit-status numbers appear; they follow README's "Exit status" table,
//! which `--help` repeats (`cli::EXIT_CODES`). I/O results get their action and path through
//! [`IoResultExt::context`].

use std::fmt;
use std::path::{Path, PathBuf};

use crate::interrupt::Signal;

/// A failure, with the context a user needs to act on it.
#[derive(Debug)]
pub enum Error {
    /// Wrong or inconsistent arguments (exit 2).
    Usage { message: String, hint: Option<String> },
    /// A conflict (412, 409, 428) that the user or the policy did not resolve (exit 3).
    Conflict { message: String, hints: Vec<String> },
    /// The server answered 4xx other than a handled conflict (exit 4).
    ClientStatus { url: String, status: u16, detail: String, hints: Vec<String> },
    /// The server answered 5xx (exit 5).
    ServerStatus { url: String, status: u16, detail: String, hints: Vec<String> },
    /// The editor failed, or the edited text was invalid and not fixed (exit 6).
    Editor { message: String, hints: Vec<String> },
    /// The body to send is invalid for the resource's type, e.g. not JSON (exit 6, like an
    /// invalid edit).
    Invalid { message: String, hints: Vec<String> },
    /// The command `apply` pipes the body through failed, or printed something that cannot be
    /// sent (exit 6, like the editor).
    Command { message: String, hints: Vec<String> },
    /// Not a failure: `ifmatch diff` found differences and printed them (exit 1, as diff(1)
    /// does). The command has said everything, so nothing more is printed.
    Differences,
    /// Not a failure: whoever read stdout went away (`| head`). The command stopped where it
    /// was, recorded nothing more, and the process ends quietly with status 0.
    ClosedPipe,
    /// Network, TLS or timeout (exit 7).
    Network { url: String, message: String, hints: Vec<String> },
    /// `doctor` ran and found that writes to the URL cannot be protected (exit 1: the table has no
    /// code of its own for a verdict). Its report,
    /// `--json` included, is already printed.
    Unprotected { url: String, hints: Vec<String> },
    /// Interrupted by Ctrl-C, SIGTERM or SIGHUP (exit 128 + the signal's number: 130, 143, 129).
    Interrupted { signal: Signal, hints: Vec<String> },
    /// Local I/O on a path (exit 1).
    Io { action: String, path: PathBuf, source: std::io::Error },
    /// Anything else that is not the user's or the server's doing (exit 1).
    Other { message: String, hints: Vec<String> },
    /// Any of the above, after the user's text was saved in the state store's `recovered/`.
    Recovered { inner: Box<Error>, path: PathBuf, url: String },
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The process exit status for this error, in one place: README's "Exit status" table.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::ClosedPipe => 0,
            Error::Other { .. } | Error::Io { .. } | Error::Differences => 1,
            Error::Usage { .. } => 2,
            Error::Conflict { .. } => 3,
            Error::ClientStatus { .. } => 4,
            Error::ServerStatus { .. } => 5,
            Error::Editor { .. } | Error::Command { .. } | Error::Invalid { .. } => 6,
            Error::Network { .. } => 7,
            Error::Unprotected { .. } => 1,
            Error::Interrupted { signal, .. } => 128 + signal.number(),
            Error::Recovered { inner, .. } => inner.exit_code(),
        }
    }

    /// True when the command already said everything and nothing should be printed for it.
    pub fn is_silent(&self) -> bool {
        match self {
            Error::Differences | Error::ClosedPipe => true,
            Error::Recovered { inner, .. } => inner.is_silent(),
            _ => false,
        }
    }

    /// Where the user's edit was saved, when it was.
    pub fn recovered(&self) -> Option<&std::path::Path> {
        match self {
            Error::Recovered { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The local path an I/O failure happened on.
    pub fn io_path(&self) -> Option<&std::path::Path> {
        match self {
            Error::Io { path, .. } => Some(path),
            Error::Recovered { inner, .. } => inner.io_path(),
            _ => None,
        }
    }

    /// Wraps the error with the place the user's text was saved to.
    pub fn recovered_at(self, path: PathBuf, url: &str) -> Self {
        Error::Recovered { inner: Box::new(self), path, url: url.to_string() }
    }

    /// A short machine-readable name, used in `--json` output.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Usage { .. } => "usage",
            Error::Conflict { .. } => "conflict",
            Error::ClientStatus { .. } => "client_status",
            Error::ServerStatus { .. } => "server_status",
            Error::Editor { .. } => "editor",
            Error::Command { .. } => "command",
            Error::Invalid { .. } => "invalid",
            Error::Differences => "differences",
            Error::ClosedPipe => "closed_pipe",
            Error::Network { .. } => "network",
            Error::Unprotected { .. } => "unprotected",
            Error::Interrupted { .. } => "interrupted",
            Error::Io { .. } => "io",
            Error::Other { .. } => "other",
            Error::Recovered { inner, .. } => inner.kind(),
        }
    }

    /// Whether the command already printed its own `--json` object for this outcome, so
    /// that no error object follows it on stdout.
    pub fn json_printed(&self) -> bool {
        matches!(self, Error::Unprotected { .. })
    }

    /// The next steps to print as `hint:` lines.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::Usage { hint, .. } => hint.iter().flat_map(|h| h.lines()).map(str::to_string).collect(),
            Error::Conflict { hints, .. }
            | Error::ClientStatus { hints, .. }
            | Error::ServerStatus { hints, .. }
            | Error::Editor { hints, .. }
            | Error::Command { hints, .. }
            | Error::Invalid { hints, .. }
            | Error::Network { hints, .. }
            | Error::Unprotected { hints, .. }
            | Error::Interrupted { hints, .. }
            | Error::Other { hints, .. } => hints.clone(),
            Error::Io { .. } | Error::Differences | Error::ClosedPipe => Vec::new(),
            Error::Recovered { inner, path, url } => {
                let mut hints = inner.hints();
                hints.push(format!("your edit is saved at {}", path.display()));
                hints.push(format!("pick it up with: ifmatch edit {url} --resume"));
                hints
            }
        }
    }

    /// Adds a hint (e.g. where the user's edit was saved) to any error that can carry one.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        match &mut self {
            // Several hints are kept one per line (see `hints`), the first one first.
            Error::Usage { hint: h, .. } => {
                *h = Some(match h.take() {
                    Some(first) => format!("{first}\n{hint}"),
                    None => hint,
                })
            }
            Error::Conflict { hints, .. }
            | Error::ClientStatus { hints, .. }
            | Error::ServerStatus { hints, .. }
            | Error::Editor { hints, .. }
            | Error::Command { hints, .. }
            | Error::Invalid { hints, .. }
            | Error::Network { hints, .. }
            | Error::Unprotected { hints, .. }
            | Error::Interrupted { hints, .. }
            | Error::Other { hints, .. } => hints.push(hint),
            Error::Io { .. } | Error::Differences | Error::ClosedPipe => {
                let message = self.to_string();
                return Error::Other { message, hints: vec![hint] };
            }
            Error::Recovered { inner, .. } => {
                let taken = std::mem::replace(inner.as_mut(), Error::other(""));
                **inner = taken.with_hint(hint);
            }
        }
        self
    }

    /// Adds several hints, in order, after those the error already has.
    pub fn with_hints<I>(self, hints: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        hints.into_iter().fold(self, Error::with_hint)
    }

    /// The HTTP status of a 4xx or 5xx answer no flow handled.
    pub fn status_code(&self) -> Option<u16> {
        match self {
            Error::ClientStatus { status, .. } | Error::ServerStatus { status, .. } => Some(*status),
            Error::Recovered { inner, .. } => inner.status_code(),
            _ => None,
        }
    }

    /// The signal that ended the run, for an interruption.
    pub fn signal(&self) -> Option<Signal> {
        match self {
            Error::Interrupted { signal, .. } => Some(*signal),
            Error::Recovered { inner, .. } => inner.signal(),
            _ => None,
        }
    }

    /// Whether the server could not be reached (network, TLS, timeout).
    pub fn is_network(&self) -> bool {
        match self {
            Error::Network { .. } => true,
            Error::Recovered { inner, .. } => inner.is_network(),
            _ => false,
        }
    }

    /// The I/O failure underneath a local file error.
    pub fn io_source(&self) -> Option<&std::io::Error> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Recovered { inner, .. } => inner.io_source(),
            _ => None,
        }
    }

    /// The URL the error is about, when there is one.
    pub fn url(&self) -> Option<&str> {
        match self {
            Error::ClientStatus { url, .. }
            | Error::ServerStatus { url, .. }
            | Error::Network { url, .. }
            | Error::Unprotected { url, .. } => Some(url),
            Error::Recovered { inner, url, .. } => inner.url().or(Some(url)),
            _ => None,
        }
    }

    /// Wrong or inconsistent arguments (exit 2), with what to do instead.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage { message: message.into(), hint: Some(hint.into()) }
    }

    /// The error for a run ended by a signal.
    pub fn interrupted(signal: Signal) -> Self {
        Error::Interrupted { signal, hints: Vec::new() }
    }

    /// A write conflict (412, 409, 428) that was not resolved (exit 3).
    pub fn conflict(message: impl Into<String>) -> Self {
        Error::Conflict { message: message.into(), hints: Vec::new() }
    }

    /// The editor failed, or the edited text stayed invalid (exit 6).
    pub fn editor(message: impl Into<String>) -> Self {
        Error::Editor { message: message.into(), hints: Vec::new() }
    }

    /// The body to send is invalid for the resource's type (exit 6).
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid { message: message.into(), hints: Vec::new() }
    }

    /// The command `apply` runs failed or printed something that cannot be sent (exit 6).
    pub fn command(message: impl Into<String>) -> Self {
        Error::Command { message: message.into(), hints: Vec::new() }
    }

    /// `url` could not be reached: network, TLS or timeout (exit 7). Shown as
    /// "could not reach URL: MESSAGE".
    pub fn network(url: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Network { url: url.into(), message: message.into(), hints: Vec::new() }
    }

    /// Any other failure (exit 1).
    pub fn other(message: impl Into<String>) -> Self {
        Error::Other { message: message.into(), hints: Vec::new() }
    }

    /// Local I/O failed: shown as "could not ACTION PATH: SOURCE" (exit 1). Usually made by
    /// [`IoResultExt::context`].
    pub fn io(action: impl Into<String>, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { action: action.into(), path: path.into(), source }
    }

    /// The error for an HTTP status that no flow handled: 4xx → exit 4, 5xx → exit 5.
    pub fn status(url: &str, status: u16, detail: String) -> Self {
        let url = url.to_string();
        let mut hints = Vec::new();
        match status {
            401 | 403 => hints.push(
                "check the credentials: -u USER[:PASS], --bearer-env VAR or --bearer-file FILE".to_string(),
            ),
            404 => hints.push("check the URL".to_string()),
            405 => hints.push("the server does not accept this method on that URL".to_string()),
            413 => hints.push(
                "the body is larger than the server's size limit; ask its operator (for ifmatch serve: --max-body BYTES)"
                    .to_string(),
            ),
            _ => {}
        }
        if status >= 500 {
            hints.push("the server failed; try again later or ask its operator".to_string());
            Error::ServerStatus { url, status, detail, hints }
        } else {
            Error::ClientStatus { url, status, detail, hints }
        }
    }
}

/// Context for I/O results: `fs::read(&path).context("read", &path)?` fails with
/// "could not read PATH: CAUSE".
pub trait IoResultExt<T> {
    /// Turns an I/O error into [`Error::io`] with what was being done and on which path.
    fn context(self, action: &str, path: impl AsRef<Path>) -> Result<T>;
}

impl<T> IoResultExt<T> for std::io::Result<T> {
    fn context(self, action: &str, path: impl AsRef<Path>) -> Result<T> {
        self.map_err(|e| Error::io(action, path.as_ref(), e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage { message, .. }
            | Error::Conflict { message, .. }
            | Error::Editor { message, .. }
            | Error::Command { message, .. }
            | Error::Invalid { message, .. }
            | Error::Other { message, .. } => f.write_str(message),
            Error::Differences => f.write_str("the two versions differ"),
            Error::ClosedPipe => f.write_str("stdout was closed"),
            Error::ClientStatus { url, status, detail, .. }
            | Error::ServerStatus { url, status, detail, .. } => {
                write!(f, "{url} answered {status} {}", reason(*status))?;
                if !detail.is_empty() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            Error::Network { url, message, .. } => write!(f, "could not reach {url}: {message}"),
            Error::Unprotected { url, .. } => write!(f, "writes to {url} cannot be protected"),
            Error::Interrupted { signal: Signal::Interrupt, .. } => f.write_str("interrupted"),
            Error::Interrupted { signal, .. } => write!(f, "interrupted by {}", signal.name()),
            Error::Recovered { inner, .. } => inner.fmt(f),
            Error::Io { action, path, source } => {
                write!(f, "could not {action} {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for Error {}

/// The standard reason phrase of common statuses, for messages.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_table() {
        assert_eq!(Error::usage("x", "y").exit_code(), 2);
        assert_eq!(Error::status("u", 404, String::new()).exit_code(), 4);
        assert_eq!(Error::status("u", 503, String::new()).exit_code(), 5);
        assert_eq!(Error::interrupted(Signal::Interrupt).exit_code(), 130);
        assert_eq!(Error::interrupted(Signal::Terminate).exit_code(), 143);
        assert_eq!(Error::interrupted(Signal::Hangup).exit_code(), 129);
        let unprotected = Error::Unprotected { url: "u".into(), hints: vec![] };
        assert_eq!(unprotected.exit_code(), 1);
        assert!(unprotected.json_printed() && !Error::other("x").json_printed());
        assert_eq!(Error::Command { message: "x".into(), hints: vec![] }.exit_code(), 6);
        assert_eq!(Error::Invalid { message: "x".into(), hints: vec![] }.exit_code(), 6);
        assert_eq!(Error::Differences.exit_code(), 1);
        assert!(Error::Differences.is_silent());
    }

    #[test]
    fn constructors_choose_the_exit_status() {
        assert_eq!(Error::conflict("x").exit_code(), 3);
        assert_eq!(Error::editor("x").exit_code(), 6);
        assert_eq!(Error::invalid("x").exit_code(), 6);
        assert_eq!(Error::command("x").exit_code(), 6);
        assert_eq!(Error::network("http://h/", "refused").exit_code(), 7);
        assert_eq!(Error::other("x").exit_code(), 1);
        let network = Error::network("http://h/", "refused").with_hints(["a", "b"]);
        assert_eq!(network.to_string(), "could not reach http://h/: refused");
        assert_eq!(network.hints(), vec!["a".to_string(), "b".to_string()]);
        assert_eq!(network.url(), Some("http://h/"));
        assert!(network.is_network() && network.status_code().is_none());
        assert_eq!(Error::status("u", 412, String::new()).status_code(), Some(412));
    }

    #[test]
    fn io_context_names_the_action_and_the_path() {
        let missing = std::fs::read("/nonexistent/ifmatch-test").context("read", "/nonexistent/ifmatch-test");
        let err = missing.unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert_eq!(err.io_path(), Some(Path::new("/nonexistent/ifmatch-test")));
        assert_eq!(err.io_source().map(std::io::Error::kind), Some(std::io::ErrorKind::NotFound));
        assert!(err.to_string().starts_with("could not read /nonexistent/ifmatch-test: "), "{err}");
    }

    #[test]
    fn hints_accumulate() {
        let e = Error::other("boom").with_hint("do this");
        assert_eq!(e.hints(), vec!["do this".to_string()]);
        let u = Error::usage("bad", "first").with_hint("second");
        assert_eq!(u.hints(), vec!["first".to_string(), "second".to_string()]);
    }
}
