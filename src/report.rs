//! The `--json` contract, in one place: every object a command prints on stdout with `--json`
//! is one of the types re-exported here ([`Report`] for `get` and the writes, [`DiffReport`],
//! [`DoctorReport`], the `State*` objects, [`ServeReport`], [`ErrorReport`]; one submodule per
//! command), and [`print`] is the only code that writes one. README's
//! "`--json`" section documents the same fields, and a test holds the real binary's output to
//! that table.
//!
//! Every object starts with the same six fields ([`Head`]), with the same rule for nulls in
//! every command:
//!
//! - `command`: the subcommand (`get`, `state list`, …).
//! - `url`: the URL the run was about, credentials removed; null when there is none
//!   (`state list`, `state path`, a command line that could not be parsed).
//! - `outcome`: how the run ended, one of the fixed set [`Outcome`].
//! - `status`: the HTTP status of the response the outcome rests on (a write's answer; the
//!   fetch's when nothing was written; `doctor`: its first GET's; an error's when a 4xx or
//!   5xx answer no flow handled caused it); null when no request decided it (nothing was
//!   sent, `state`, `serve`, a conflict that ended the run).
//! - `etag_before`: the ETag the run started from, whatever the outcome: the one stored before
//!   a `get`, the one an `edit` fetched (or its resumed edit was based on), the one a `put` or
//!   `apply` writes against, the one the state store holds for `diff`; null when there was
//!   none.
//! - `etag`: the resulting ETag — the one now stored after a write or fetch (unchanged and
//!   cancelled runs: the same as `etag_before`), the server's current one for `diff` and
//!   `doctor`, the stored one for `state show`; null when there is none.
//!
//! Runs that can meet a 412 also carry `conflicts` (the places a three-way merge could not
//! combine, see [`Conflict`]; empty when none), and runs that send requests carry `retries`.
//! Fields are only ever added.

use serde::Serialize;
use url::Url;

use crate::error::{Error, Result};
pub use crate::merge::Conflict;
pub use diff::DiffReport;
pub use doctor::DoctorReport;
pub use error::ErrorReport;
pub use serve::ServeReport;
pub use state::{StateForget, StateList, StatePath, StateShow};
pub use text::render;
pub use write::Report;

mod diff;
mod doctor;
mod error;
mod serve;
mod state;
mod text;
mod write;

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
    /// `diff`: the two sides are equal (exit 0).
    Equal,
    /// `diff`: the two sides differ (exit 1).
    Different,
    /// `doctor`: the report was made; `verdict` holds the answer.
    Diagnosed,
    /// `state list`.
    Listed,
    /// `state show`, `state path`.
    Shown,
    /// `state forget`.
    Forgotten,
    /// `serve`: the server listens at `url` (the first line of stdout).
    Serving,
    /// The command failed; the object carries `error`.
    Error,
}

/// Every outcome, in the order README lists them (a test holds README's list to this one).
pub const OUTCOMES: [Outcome; 16] = [
    Outcome::Fetched,
    Outcome::Written,
    Outcome::Created,
    Outcome::Merged,
    Outcome::Overwritten,
    Outcome::AlreadyApplied,
    Outcome::Unchanged,
    Outcome::Cancelled,
    Outcome::Equal,
    Outcome::Different,
    Outcome::Diagnosed,
    Outcome::Listed,
    Outcome::Shown,
    Outcome::Forgotten,
    Outcome::Serving,
    Outcome::Error,
];

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
            Outcome::Equal => "equal",
            Outcome::Different => "different",
            Outcome::Diagnosed => "diagnosed",
            Outcome::Listed => "listed",
            Outcome::Shown => "shown",
            Outcome::Forgotten => "forgotten",
            Outcome::Serving => "serving",
            Outcome::Error => "error",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Writes one `--json` object as one line on stdout: the only place that does.
pub fn print<T: Serialize>(value: &T) -> Result<()> {
    let line =
        serde_json::to_string(value).map_err(|e| Error::other(format!("internal: --json output: {e}")))?;
    crate::stdio::line(&line)
}

/// The six fields every object starts with, in this order; the command-specific ones follow.
#[derive(Debug, Clone, Serialize)]
pub struct Head {
    pub command: String,
    pub url: Option<String>,
    pub outcome: Outcome,
    pub status: Option<u16>,
    pub etag_before: Option<String>,
    pub etag: Option<String>,
}

impl Head {
    /// `command` ending in `outcome`, about `url`; no status and no ETags yet.
    pub fn new(command: &str, url: Option<&Url>, outcome: Outcome) -> Head {
        Head {
            command: command.to_string(),
            url: url.map(Url::to_string),
            outcome,
            status: None,
            etag_before: None,
            etag: None,
        }
    }
}

/// The conflicts the last three-way merge of this run met (none yet: empty). Kept for the run,
/// like the retries, so that the report and the error object alike can list them.
static CONFLICTS: std::sync::Mutex<Vec<Conflict>> = std::sync::Mutex::new(Vec::new());

/// Notes the conflicts a merge met, replacing those of an earlier merge in the same run (after
/// another 412 the merge is made again, against the newer version).
pub fn met_conflicts(found: Vec<Conflict>) {
    *CONFLICTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = found;
}

/// The conflicts of the last merge of this run that met any.
pub fn conflicts() -> Vec<Conflict> {
    CONFLICTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
}

/// Paths as `--json` shows them.
pub fn paths(paths: &[std::path::PathBuf]) -> Vec<String> {
    paths.iter().map(|p| p.display().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_object_starts_with_the_common_fields() {
        let head = serde_json::to_value(Head::new("get", None, Outcome::Fetched)).unwrap();
        let keys: Vec<&str> = head.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["command", "url", "outcome", "status", "etag_before", "etag"]);
    }

    #[test]
    fn an_outcome_serializes_as_its_name() {
        for outcome in OUTCOMES {
            assert_eq!(serde_json::to_value(outcome).unwrap(), outcome.as_str());
        }
    }
}
