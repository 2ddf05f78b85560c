//! The object of any failure: [`ErrorReport`].

use serde::Serialize;

use super::{Conflict, Head, Outcome, conflicts};
use crate::error::Error;

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
