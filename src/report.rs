//! The `--json` contract, in one place: every object a command prints on stdout with `--json`
//! is one of the types below, and [`print`] is the only code that writes one. README's
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
pub use text::render;

mod text;

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

/// What `get`, `edit`, `put`, `apply` and `demo` did, for people (a line on stderr) and
/// scripts (`--json` on stdout). Starts with the [`Head`] fields; `url` is never null here.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub command: &'static str,
    pub url: String,
    /// How the run ended; see [`Outcome`].
    pub outcome: Outcome,
    /// See [`Head`]: the status of the response the outcome rests on.
    pub status: Option<u16>,
    /// The ETag the run started from (for `get`, the one stored before it).
    pub etag_before: Option<String>,
    /// The ETag now stored (null when the server gave none: the record is then stale).
    pub etag: Option<String>,
    /// Write attempts made (0 when nothing was sent).
    pub attempts: u32,
    /// Bytes of the body fetched or written.
    pub bytes: usize,
    /// The transient failures retried on the way (`--retry`): each one's `status` (null for a
    /// transport failure, then `error` says what failed) and how long ifmatch `waited_ms`
    /// before trying again. Filled in by `Session::emit`.
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
    /// The conflicts a three-way merge met on the way (resolved at the prompt, or overwritten);
    /// empty when none. Filled in by `Session::emit`.
    pub conflicts: Vec<Conflict>,
}

impl Report {
    /// A report of `command` on `url` with nothing done yet; callers fill in the rest.
    pub fn new(command: &'static str, url: &Url) -> Report {
        Report { command, url: url.to_string(), ..Report::default() }
    }

    /// The report as printed: with the retries and the conflicts this run met.
    pub fn with_run(self) -> Report {
        Report { retries: crate::http::retries(), conflicts: conflicts(), ..self }
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

/// `diff`: what differs between two versions of a resource.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    #[serde(flatten)]
    pub head: Head,
    pub equal: bool,
    /// The old side's label: `base` or `theirs`.
    pub from: String,
    /// The new side's label: `theirs`, FILE or `stdin`.
    pub to: String,
    pub etag_from: Option<String>,
    pub etag_to: Option<String>,
    /// Lines added and removed.
    pub added: usize,
    pub removed: usize,
    /// The unified diff, uncolored; empty when equal.
    pub diff: String,
    pub retries: Vec<crate::http::Retry>,
}

/// `doctor`: what the server does with preconditions.
#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    #[serde(flatten)]
    pub head: Head,
    pub verdict: crate::doctor::diagnosis::Verdict,
    pub summary: &'static str,
    pub last_modified: Option<String>,
    pub version_field: Option<String>,
    pub findings: Vec<crate::doctor::diagnosis::Finding>,
    pub retries: Vec<crate::http::Retry>,
    pub write_probe_verdict: Option<crate::state::OriginVerdict>,
}

impl StateShow {
    /// What `state show` says about `url`: its `record` (none: only `recovered` edits are left),
    /// the `versions` a file can be written against, the origin's write-probe verdict.
    pub fn new(
        url: &Url,
        record: Option<crate::state::Record>,
        recovered: Vec<String>,
        versions: Vec<crate::state::Version>,
        write_probe_verdict: Option<crate::state::OriginVerdict>,
    ) -> Result<StateShow> {
        let etag = record.as_ref().and_then(|r| r.etag.clone());
        Ok(StateShow {
            head: Head { etag, ..Head::new("state show", Some(url), Outcome::Shown) },
            record: StateShow::fields(record.as_ref())?,
            recovered,
            versions,
            write_probe_verdict,
            shown: record,
        })
    }

    /// The record's fields for [`StateShow::record`].
    fn fields(record: Option<&crate::state::Record>) -> Result<serde_json::Map<String, serde_json::Value>> {
        let Some(record) = record else {
            return Ok(serde_json::Map::from_iter([("record".to_string(), serde_json::Value::Null)]));
        };
        match serde_json::to_value(record) {
            Ok(serde_json::Value::Object(mut fields)) => {
                fields.shift_remove("url");
                fields.shift_remove("etag");
                Ok(fields)
            }
            _ => Err(Error::other("internal: a state record is not a JSON object")),
        }
    }
}

impl DoctorReport {
    /// The report of `diagnosis`, made from `rec`'s answers from `url`.
    pub fn new(
        url: &Url,
        diagnosis: &crate::doctor::diagnosis::Diagnosis,
        rec: &crate::doctor::probe::Recording,
        write_probe_verdict: Option<crate::state::OriginVerdict>,
    ) -> DoctorReport {
        let head = Head {
            status: Some(rec.get.status),
            etag: rec.get.header("etag"),
            ..Head::new("doctor", Some(url), Outcome::Diagnosed)
        };
        DoctorReport {
            head,
            verdict: diagnosis.verdict,
            summary: diagnosis.summary(),
            last_modified: rec.get.last_modified(),
            version_field: rec.version_field.as_ref().map(|v| v.pointer.clone()),
            findings: diagnosis.findings.clone(),
            retries: crate::http::retries(),
            write_probe_verdict,
        }
    }
}

/// `state path`.
#[derive(Debug, Clone, Serialize)]
pub struct StatePath {
    #[serde(flatten)]
    pub head: Head,
    pub path: String,
}

/// `state list`.
#[derive(Debug, Clone, Serialize)]
pub struct StateList {
    #[serde(flatten)]
    pub head: Head,
    pub records: Vec<crate::state::Record>,
    pub origins: Vec<crate::state::OriginVerdict>,
}

/// `state show URL`.
#[derive(Debug, Clone, Serialize)]
pub struct StateShow {
    #[serde(flatten)]
    pub head: Head,
    /// The record's fields but `url` and `etag`, which the head carries (`accept`,
    /// `last_modified`, `content_type`, `fetched_at`, `stale`, `base_len`, …); when the store
    /// holds no record but recovered edits, only `"record": null`.
    #[serde(flatten)]
    pub record: serde_json::Map<String, serde_json::Value>,
    pub recovered: Vec<String>,
    /// The versions `put FILE` can write a file against.
    pub versions: Vec<crate::state::Version>,
    pub write_probe_verdict: Option<crate::state::OriginVerdict>,
    /// The record, for the text.
    #[serde(skip)]
    pub shown: Option<crate::state::Record>,
}

/// `state forget URL [--recovered | --write-probe]`.
#[derive(Debug, Clone, Serialize)]
pub struct StateForget {
    #[serde(flatten)]
    pub head: Head,
    /// The URL whose record was forgotten; null with `--write-probe`.
    pub forgot: Option<String>,
    pub recovered_removed: Vec<String>,
    pub recovered_kept: Vec<String>,
    /// `--write-probe`: the verdict forgotten; null otherwise.
    pub forgot_write_probe_verdict: Option<crate::state::OriginVerdict>,
}

/// `serve`: its first line of stdout.
#[derive(Debug, Clone, Serialize)]
pub struct ServeReport {
    #[serde(flatten)]
    pub head: Head,
}

/// Any failure: what went wrong and what to do, the exit status, and what was kept.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport {
    #[serde(flatten)]
    pub head: Head,
    pub error: ErrorDetail,
    pub exit_code: i32,
    /// Where the user's text was saved, when it was.
    pub recovered: Option<String>,
    /// The conflicts a three-way merge met (a conflict that ended the run with exit 3);
    /// empty when none.
    pub conflicts: Vec<Conflict>,
    pub retries: Vec<crate::http::Retry>,
}

/// The `error` member of an [`ErrorReport`].
#[derive(Debug, Clone, Serialize)]
pub struct ErrorDetail {
    pub kind: &'static str,
    pub message: String,
    pub hints: Vec<String>,
}

impl ErrorReport {
    /// The object for `err`, which ended `command` run on `url` (the URL argument, credentials
    /// removed; null when there is none or it could not be parsed). `url` is the URL the error
    /// names, when it names one; `status` the status of the answer that caused it, if any.
    pub fn new(command: &str, url: Option<String>, err: &Error) -> ErrorReport {
        let head = Head {
            url: err.url().map(str::to_string).or(url),
            status: err.status_code(),
            ..Head::new(command, None, Outcome::Error)
        };
        ErrorReport {
            head,
            error: ErrorDetail { kind: err.kind(), message: err.to_string(), hints: err.hints() },
            exit_code: err.exit_code(),
            recovered: err.recovered().map(|p| p.display().to_string()),
            conflicts: conflicts(),
            retries: crate::http::retries(),
        }
    }
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
