//! The one error type of the crate: every failure carries its context (URL, path, command) and
//! a sentence-style message, plus `hint:` lines that name the next step. [`Error::exit_code`] is
//! the only place where exit-status numbers appear; they follow README's "Exit status" table,
//! which `--help` repeats (`cli::EXIT_CODES`). I/O results get their action and path through
//! [`IoResultExt::context`].

use std::fmt;
use std::path::{Path, PathBuf};

use crate::interrupt::Signal;

/// A failure, with the context a user needs to act on it: what kind of failure it is (which
/// alone decides the exit status), the sentence shown after `ifmatch: error:`, the `hint:`
/// lines, and where they apply, the URL, the local path and the place the user's edit was kept.
///
/// Boxed, so that a `Result` stays one pointer wide on the happy path.
#[derive(Debug)]
pub struct Error(Box<Details>);

#[derive(Debug)]
struct Details {
    kind: Kind,
    message: String,
    hints: Vec<String>,
    /// The I/O failure underneath a local file error; shown after the message.
    source: Option<std::io::Error>,
    /// The local path an I/O failure happened on.
    path: Option<PathBuf>,
    /// The URL the failure is about (an HTTP status, a network failure).
    url: Option<String>,
    /// Where the user's text was saved, and the URL to resume it for.
    kept: Option<Kept>,
}

/// What went wrong, as far as the exit status is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Wrong or inconsistent arguments (exit 2).
    Usage,
    /// A conflict (412, 409, 428) that the user or the policy did not resolve (exit 3).
    Conflict,
    /// The server answered 4xx other than a handled conflict (exit 4).
    ClientStatus { status: u16 },
    /// The server answered 5xx (exit 5).
    ServerStatus { status: u16 },
    /// The editor failed, or the edited text was invalid and not fixed (exit 6).
    Editor,
    /// The body to send is invalid for the resource's type, e.g. not JSON (exit 6, like an
    /// invalid edit).
    Invalid,
    /// The command `apply` pipes the body through failed, or printed something that cannot be
    /// sent (exit 6, like the editor).
    Command,
    /// Network, TLS or timeout (exit 7).
    Network,
    /// Interrupted by Ctrl-C, SIGTERM or SIGHUP (exit 128 + the signal's number: 130, 143, 129).
    Interrupted { signal: Signal },
    /// Local I/O on a path (exit 1).
    Io,
    /// Anything else that is not the user's or the server's doing (exit 1).
    Other,
    /// Whoever read stdout went away (`| head`): the command stops where it is and records
    /// nothing more, and `main` ends the process quietly with status 0.
    ClosedPipe,
}

#[derive(Debug)]
struct Kept {
    path: PathBuf,
    url: String,
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How a command that did not fail ends. Not every such end is status 0: like diff(1),
/// `ifmatch diff` says "the two differ" with status 1, and `doctor` says "writes cannot be
/// protected" with status 1 (the table has no code of its own for a verdict). The command has
/// printed everything itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done (exit 0).
    Success,
    /// `diff` found differences and printed them (exit 1).
    Differences,
    /// `doctor` found that writes to the URL cannot be protected, and said so (exit 1).
    Unprotected,
}

impl Exit {
    /// The process exit status: README's "Exit status" table, with [`Error::exit_code`].
    pub fn code(self) -> i32 {
        match self {
            Exit::Success => 0,
            Exit::Differences | Exit::Unprotected => 1,
        }
    }
}

impl Error {
    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error(Box::new(Error::details(kind, message)))
    }

    /// What every error starts from: its kind and message, nothing else.
    fn details(kind: Kind, message: impl Into<String>) -> Details {
        Details {
            kind,
            message: message.into(),
            hints: Vec::new(),
            source: None,
            path: None,
            url: None,
            kept: None,
        }
    }

    /// The process exit status for this error, in one place: README's "Exit status" table.
    /// Only the kind decides it; hints and the kept edit never change it.
    pub fn exit_code(&self) -> i32 {
        match self.0.kind {
            Kind::ClosedPipe => 0,
            Kind::Other | Kind::Io => 1,
            Kind::Usage => 2,
            Kind::Conflict => 3,
            Kind::ClientStatus { .. } => 4,
            Kind::ServerStatus { .. } => 5,
            Kind::Editor | Kind::Command | Kind::Invalid => 6,
            Kind::Network => 7,
            Kind::Interrupted { signal } => 128 + signal.number(),
        }
    }

    /// A short machine-readable name, used in `--json` output.
    pub fn kind(&self) -> &'static str {
        match self.0.kind {
            Kind::Usage => "usage",
            Kind::Conflict => "conflict",
            Kind::ClientStatus { .. } => "client_status",
            Kind::ServerStatus { .. } => "server_status",
            Kind::Editor => "editor",
            Kind::Command => "command",
            Kind::Invalid => "invalid",
            Kind::ClosedPipe => "closed_pipe",
            Kind::Network => "network",
            Kind::Interrupted { .. } => "interrupted",
            Kind::Io => "io",
            Kind::Other => "other",
        }
    }

    /// Whether the reader of stdout went away. Not a failure: `main` ends the process quietly
    /// with [`Error::exit_code`] 0, printing nothing.
    pub fn is_closed_pipe(&self) -> bool {
        self.0.kind == Kind::ClosedPipe
    }

    /// Where the user's edit was saved, when it was.
    pub fn recovered(&self) -> Option<&Path> {
        self.0.kept.as_ref().map(|kept| kept.path.as_path())
    }

    /// The local path an I/O failure happened on.
    pub fn io_path(&self) -> Option<&Path> {
        self.0.path.as_deref()
    }

    /// The I/O failure underneath a local file error.
    pub fn io_source(&self) -> Option<&std::io::Error> {
        self.0.source.as_ref()
    }

    /// The URL the error is about, when there is one: the one that answered or could not be
    /// reached, else the one whose edit was kept.
    pub fn url(&self) -> Option<&str> {
        self.0.url.as_deref().or(self.0.kept.as_ref().map(|kept| kept.url.as_str()))
    }

    /// The HTTP status of a 4xx or 5xx answer no flow handled.
    pub fn status_code(&self) -> Option<u16> {
        match self.0.kind {
            Kind::ClientStatus { status } | Kind::ServerStatus { status } => Some(status),
            _ => None,
        }
    }

    /// The signal that ended the run, for an interruption.
    pub fn signal(&self) -> Option<Signal> {
        match self.0.kind {
            Kind::Interrupted { signal } => Some(signal),
            _ => None,
        }
    }

    /// Whether the server could not be reached (network, TLS, timeout).
    pub fn is_network(&self) -> bool {
        self.0.kind == Kind::Network
    }

    /// Records where the user's text was saved; the hints then say where, and how to resume
    /// the edit of `url`.
    pub fn recovered_at(mut self, path: PathBuf, url: &str) -> Self {
        self.0.kept = Some(Kept { path, url: url.to_string() });
        self
    }

    /// The next steps to print as `hint:` lines: the error's own, then where the user's edit
    /// was saved and how to pick it up.
    pub fn hints(&self) -> Vec<String> {
        let mut hints = self.0.hints.clone();
        if let Some(Kept { path, url }) = &self.0.kept {
            hints.push(format!("your edit is saved at {}", path.display()));
            hints.push(format!("pick it up with: ifmatch edit {url} --resume"));
        }
        hints
    }

    /// Adds a hint after those the error already has. The exit status stays the same.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hints.push(hint.into());
        self
    }

    /// Adds several hints, in order, after those the error already has.
    pub fn with_hints<I>(mut self, hints: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.0.hints.extend(hints.into_iter().map(Into::into));
        self
    }

    /// Wrong or inconsistent arguments (exit 2), with what to do instead (one hint per line).
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        Error::new(Kind::Usage, message).with_hints(hint.lines())
    }

    /// A write conflict (412, 409, 428) that was not resolved (exit 3).
    pub fn conflict(message: impl Into<String>) -> Self {
        Error::new(Kind::Conflict, message)
    }

    /// The editor failed, or the edited text stayed invalid (exit 6).
    pub fn editor(message: impl Into<String>) -> Self {
        Error::new(Kind::Editor, message)
    }

    /// The body to send is invalid for the resource's type (exit 6).
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(Kind::Invalid, message)
    }

    /// The command `apply` runs failed or printed something that cannot be sent (exit 6).
    pub fn command(message: impl Into<String>) -> Self {
        Error::new(Kind::Command, message)
    }

    /// `url` could not be reached: network, TLS or timeout (exit 7). Shown as
    /// "could not reach URL: MESSAGE".
    pub fn network(url: impl Into<String>, message: impl Into<String>) -> Self {
        let url = url.into();
        let message = message.into();
        let message = format!("could not reach {url}: {message}");
        Error(Box::new(Details { url: Some(url), ..Error::details(Kind::Network, message) }))
    }

    /// The error for a run ended by a signal (exit 128 + its number).
    pub fn interrupted(signal: Signal) -> Self {
        let message = match signal {
            Signal::Interrupt => "interrupted".to_string(),
            signal => format!("interrupted by {}", signal.name()),
        };
        Error::new(Kind::Interrupted { signal }, message)
    }

    /// Whoever read stdout went away: the command stops, and the process ends quietly with
    /// status 0 (see [`Error::is_closed_pipe`]).
    pub fn closed_pipe() -> Self {
        Error::new(Kind::ClosedPipe, "stdout was closed")
    }

    /// Any other failure (exit 1).
    pub fn other(message: impl Into<String>) -> Self {
        Error::new(Kind::Other, message)
    }

    /// Local I/O failed: shown as "could not ACTION PATH: SOURCE" (exit 1). Usually made by
    /// `IoResultExt::context`.
    pub fn io(action: impl Into<String>, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        let message = format!("could not {} {}", action.into(), path.display());
        Error(Box::new(Details {
            source: Some(source),
            path: Some(path),
            ..Error::details(Kind::Io, message)
        }))
    }

    /// The error for an HTTP status that no flow handled: 4xx → exit 4, 5xx → exit 5. Shown as
    /// "URL answered STATUS REASON: DETAIL", with the usual next step for common statuses.
    pub fn status(url: &str, status: u16, detail: String) -> Self {
        let mut message = format!("{url} answered {status} {}", reason(status));
        if !detail.is_empty() {
            message.push_str(&format!(": {detail}"));
        }
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
        let kind = if status >= 500 {
            hints.push("the server failed; try again later or ask its operator".to_string());
            Kind::ServerStatus { status }
        } else {
            Kind::ClientStatus { status }
        };
        Error(Box::new(Details { url: Some(url.to_string()), hints, ..Error::details(kind, message) }))
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
        f.write_str(&self.0.message)?;
        match &self.0.source {
            Some(source) => write!(f, ": {source}"),
            None => Ok(()),
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

    /// One error of each kind, with the exit status README's table gives it.
    fn every_kind() -> Vec<(Error, i32, &'static str)> {
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        vec![
            (Error::usage("x", "y"), 2, "usage"),
            (Error::conflict("x"), 3, "conflict"),
            (Error::status("u", 404, String::new()), 4, "client_status"),
            (Error::status("u", 409, String::new()), 4, "client_status"),
            (Error::status("u", 503, String::new()), 5, "server_status"),
            (Error::editor("x"), 6, "editor"),
            (Error::invalid("x"), 6, "invalid"),
            (Error::command("x"), 6, "command"),
            (Error::network("u", "refused"), 7, "network"),
            (Error::interrupted(Signal::Interrupt), 130, "interrupted"),
            (Error::interrupted(Signal::Terminate), 143, "interrupted"),
            (Error::interrupted(Signal::Hangup), 129, "interrupted"),
            (Error::io("read", "/p", io), 1, "io"),
            (Error::other("x"), 1, "other"),
            (Error::closed_pipe(), 0, "closed_pipe"),
        ]
    }

    #[test]
    fn the_kind_decides_the_exit_status() {
        for (err, code, kind) in every_kind() {
            assert_eq!((err.exit_code(), err.kind()), (code, kind), "{err}");
        }
        assert!(Error::closed_pipe().is_closed_pipe());
        assert!(every_kind().iter().filter(|(e, ..)| e.is_closed_pipe()).count() == 1);
    }

    #[test]
    fn hints_and_a_kept_edit_never_change_the_exit_status() {
        for (err, code, kind) in every_kind() {
            let err = err.with_hint("one").with_hints(["two", "three"]);
            assert_eq!((err.exit_code(), err.kind()), (code, kind), "{err}");
            let err = err.recovered_at(PathBuf::from("/kept"), "http://h/x").with_hint("four");
            assert_eq!((err.exit_code(), err.kind()), (code, kind), "{err}");
            assert_eq!(err.recovered(), Some(Path::new("/kept")));
        }
        // A closed pipe stays quiet and exits 0 whatever was added to it.
        assert!(Error::closed_pipe().with_hint("x").is_closed_pipe());
    }

    #[test]
    fn non_failures_are_exit_values() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::Differences.code(), 1);
        assert_eq!(Exit::Unprotected.code(), 1);
    }

    #[test]
    fn messages_read_as_before() {
        assert_eq!(Error::interrupted(Signal::Interrupt).to_string(), "interrupted");
        assert_eq!(Error::interrupted(Signal::Terminate).to_string(), "interrupted by SIGTERM");
        assert_eq!(
            Error::status("http://h/x", 404, String::new()).to_string(),
            "http://h/x answered 404 Not Found"
        );
        let with_detail = Error::status("http://h/x", 503, "busy".into());
        assert_eq!(with_detail.to_string(), "http://h/x answered 503 Service Unavailable: busy");
        assert_eq!(
            with_detail.hints(),
            vec!["the server failed; try again later or ask its operator".to_string()]
        );
        let io = Error::io("read", "/p", std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(
            io.to_string(),
            format!("could not read /p: {}", std::io::Error::from(std::io::ErrorKind::NotFound))
        );
    }

    #[test]
    fn accessors() {
        let network = Error::network("http://h/", "refused").with_hints(["a", "b"]);
        assert_eq!(network.to_string(), "could not reach http://h/: refused");
        assert_eq!(network.hints(), vec!["a".to_string(), "b".to_string()]);
        assert_eq!(network.url(), Some("http://h/"));
        assert!(network.is_network() && network.status_code().is_none() && network.signal().is_none());
        let status = Error::status("http://h/", 412, String::new());
        assert_eq!((status.status_code(), status.url()), (Some(412), Some("http://h/")));
        assert_eq!(Error::interrupted(Signal::Hangup).signal(), Some(Signal::Hangup));
        let kept = Error::conflict("x").recovered_at(PathBuf::from("/kept"), "http://h/y");
        assert_eq!(kept.url(), Some("http://h/y"));
        assert_eq!(Error::other("x").url(), None);
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
    fn hints_accumulate_and_the_kept_edit_comes_last() {
        let e = Error::other("boom").with_hint("do this");
        assert_eq!(e.hints(), vec!["do this".to_string()]);
        let u = Error::usage("bad", "first\nsecond").with_hint("third");
        assert_eq!(u.hints(), vec!["first".to_string(), "second".to_string(), "third".to_string()]);
        let kept = Error::conflict("x")
            .with_hint("a")
            .recovered_at(PathBuf::from("/kept"), "http://h/y")
            .with_hint("b");
        assert_eq!(
            kept.hints(),
            vec![
                "a".to_string(),
                "b".to_string(),
                "your edit is saved at /kept".to_string(),
                "pick it up with: ifmatch edit http://h/y --resume".to_string(),
            ]
        );
    }
}
