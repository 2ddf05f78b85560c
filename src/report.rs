//! What a command reports when it is done: [`Report`], printed as one object on stdout by
//! `--json`, and [`Outcome`], the fixed set of ways a run can end. Commands set the outcome as
//! a value; its name in JSON and in messages comes from here alone.

use serde::Serialize;
use url::Url;

use crate::error::Error;

/// How a run ended. In `--json` it is the `outcome` field, in snake_case (`already_applied`);
/// [`Outcome::as_str`] gives the same name for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// `get`: the body was fetched and its ETag recorded.
    Fetched,
    /// The write was accepted as sent (2xx other than 201). The default of a new report.
    #[default]
    Written,
    /// The write created the resource (201).
    Created,
    /// A 412 was met, and the three-way merge of the change and the server's was written.
    Merged,
    /// A 412 was met, and the change was written over the server's (`--on-conflict overwrite`
    /// or the prompt's `[o]verwrite`).
    Overwritten,
    /// The server already holds exactly what would have been written (a retried write that
    /// landed, or `apply` finding its result already there).
    AlreadyApplied,
    /// Nothing to write: the text is what the server holds.
    Unchanged,
    /// The user ended the edit (an empty file, the prompt's `[a]bort`); nothing was sent.
    Cancelled,
    /// The command failed; the object carries `error`.
    Error,
}

impl Outcome {
    /// The outcome's name, as `--json` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fetched => "fetched",
            Outcome::Written => "written",
            Outcome::Created => "created",
            Outcome::Merged => "merged",
            Outcome::Overwritten => "overwritten",
            Outcome::AlreadyApplied => "already_applied",
            Outcome::Unchanged => "unchanged",
            Outcome::Cancelled => "cancelled",
            Outcome::Error => "error",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a command did, for people (a line on stderr) and scripts (`--json` on stdout).
/// The shape is stable: fields are only ever added.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub command: &'static str,
    pub url: String,
    /// How the run ended; see [`Outcome`].
    pub outcome: Outcome,
    /// The final HTTP status, when a request decided the outcome.
    pub status: Option<u16>,
    /// The validator the first write carried (or, for `get`, the previous stored ETag).
    pub etag_before: Option<String>,
    /// The ETag now stored (null when the server gave none: the record is then stale).
    pub etag: Option<String>,
    /// Write attempts made (0 when nothing was sent).
    pub attempts: u32,
    /// Bytes of the body fetched or written.
    pub bytes: usize,
    /// The transient failures retried on the way (`--retry`): each one's `status` (null for a
    /// transport failure, then `error` says what failed) and how long ifmatch `waited_ms`
    /// before trying again. Filled in by [`Session::emit`].
    pub retries: Vec<crate::http::Retry>,
    /// What the fetch's headers said about a cache on the way (`get`), or the last refetch's
    /// after a 412: `{hit, signs}`; null when they said nothing.
    pub cache: Option<crate::http::CacheSigns>,
    /// How the last refetch after a 412 went: `{cache, via, stale, origin_confirmed,
    /// cache_bust}`; null when there was none.
    pub refetch: Option<crate::fresh::Refetch>,
    /// What a write probe (`doctor --write-probe`) proved about the URL's origin, when the
    /// state store remembers it: `{origin, writes_protected, checked_at, url}`; null when it
    /// does not. With `writes_protected: false` the write was preceded by a warning and a
    /// re-check of the validator.
    pub write_probe_verdict: Option<crate::state::OriginVerdict>,
}

impl Report {
    /// A report of `command` on `url` with nothing done yet; callers fill in the rest.
    pub fn new(command: &'static str, url: &Url) -> Report {
        Report { command, url: url.to_string(), ..Report::default() }
    }

    /// Nothing to write: the body already is what the server holds under `etag`.
    pub fn unchanged(command: &'static str, url: &Url, etag: Option<String>, bytes: usize) -> Report {
        Report {
            outcome: Outcome::Unchanged,
            etag_before: etag.clone(),
            etag,
            bytes,
            ..Report::new(command, url)
        }
    }
}

/// The `--json` object for a failure.
pub fn error_json(command: &str, err: &Error) -> serde_json::Value {
    serde_json::json!({
        "command": command,
        "outcome": Outcome::Error,
        "error": {
            "kind": err.kind(),
            "message": err.to_string(),
            "hints": err.hints(),
        },
        "exit_code": err.exit_code(),
        "recovered": err.recovered().map(|p| p.display().to_string()),
        "retries": crate::http::retries(),
    })
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn an_outcome_serializes_as_its_name() {
        for outcome in [
            Outcome::Fetched,
            Outcome::Written,
            Outcome::Created,
            Outcome::Merged,
            Outcome::Overwritten,
            Outcome::AlreadyApplied,
            Outcome::Unchanged,
            Outcome::Cancelled,
            Outcome::Error,
        ] {
            assert_eq!(serde_json::to_value(outcome).unwrap(), outcome.as_str());
        }
    }
}
