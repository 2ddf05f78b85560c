//! The object of the write commands and `get`: [`Report`].

use serde::Serialize;
use url::Url;

use super::{Conflict, Outcome, conflicts};

/// What `get`, `edit`, `put`, `apply` and `demo` did, for people (a line on stderr) and
/// scripts (`--json` on stdout). Starts with the [`Head`](super::Head) fields; `url` is never null here.
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
