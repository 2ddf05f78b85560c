//! What `ifmatch doctor` concludes from a [`Recording`]: a list of [`Finding`]s, each with
//! what to do about it, and a [`Verdict`]. Pure: no I/O, so every judgement is unit-tested on
//! made-up responses (see `diagnosis/tests.rs`). The checks live in `validators`,
//! `preconditions` and `cache`; this file holds the types, the verdict, the order of the
//! findings and the two renderings (the text report and the `--json` object).

mod cache;
mod preconditions;
#[cfg(test)]
mod tests;
mod validators;

use serde::Serialize;

use crate::doctor::probe::{Recording, WriteProbe};

/// How a finding bears on safe editing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// As it should be.
    Ok,
    /// Works for ifmatch, with a caveat or a risk for other clients.
    Warn,
    /// Breaks protected writes.
    Fail,
    /// Worth knowing, no effect on the verdict.
    Info,
}

impl Status {
    /// The mark at the start of a report line.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Ok => "✓",
            Status::Warn => "!",
            Status::Fail => "✗",
            Status::Info => "·",
        }
    }
}

/// One observation and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable identifier: `etag`, `last_modified`, `stability`, `head`, `compression`,
    /// `cache`, `no_cache`, `no_cache_honored`, `if_match`, `if_match_current`, `if_none_match`,
    /// `if_unmodified_since`, `methods`, `mechanism`, `write_probe`.
    pub check: &'static str,
    pub status: Status,
    /// What was seen, in a sentence.
    pub message: String,
    /// What to do about it, in a sentence; `None` when there is nothing to do.
    pub advice: Option<String>,
}

/// The overall answer: can `ifmatch edit` protect writes to this URL?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A strong, stable ETag, and the write probe showed that the server evaluates If-Match
    /// on writes.
    Safe,
    /// No usable strong ETag, but Last-Modified works, and the write probe showed that the
    /// server evaluates If-Unmodified-Since on writes.
    IfUnmodifiedSinceOnly,
    /// No header validator, but a version kept in the body, and the write probe showed that
    /// the server checks it (a made-up one was refused with 409 or 412).
    VersionField,
    /// The server evaluated a precondition on a GET, but no write probe showed that it does so
    /// on writes: many simple file and WebDAV servers do on GET and ignore it on PUT. Without
    /// the write probe this is the best verdict: doctor never claims writes are protected on
    /// the strength of a GET.
    ReadsOnly,
    /// Validators are there, but nothing showed that the server evaluates them; the write
    /// probe would tell.
    Unverified,
    /// No usable validator, or the server accepted a write whose precondition failed.
    Unprotected,
}

impl Verdict {
    /// The verdict as the report says it.
    pub fn summary(self) -> &'static str {
        match self {
            Verdict::Safe => "safe for ifmatch edit",
            Verdict::IfUnmodifiedSinceOnly => "usable with If-Unmodified-Since only",
            Verdict::VersionField => "safe for ifmatch edit, through the version in the body",
            Verdict::ReadsOnly => {
                "reads honor preconditions; writes not verified: run again with --write-probe"
            }
            Verdict::Unverified => "not verified: run again with --write-probe",
            Verdict::Unprotected => "writes cannot be protected",
        }
    }

    /// One sentence under the verdict.
    pub fn explanation(self) -> &'static str {
        match self {
            Verdict::Safe => {
                "ifmatch sends the strong ETag in If-Match; a concurrent change meets 412 and goes through the merge"
            }
            Verdict::IfUnmodifiedSinceOnly => {
                "ifmatch falls back to If-Unmodified-Since, which has one-second resolution: a change made in the same second as the fetch goes unnoticed"
            }
            Verdict::VersionField => {
                "ifmatch sends the body with the version it was fetched with; a concurrent change meets 409 or 412 and goes through the merge"
            }
            Verdict::ReadsOnly => {
                "a GET with a failing precondition got 412, but many servers (simple file and WebDAV servers) ignore preconditions on PUT; --write-probe PUTs the body back unchanged with a failing precondition to find out"
            }
            Verdict::Unverified => {
                "the server has validators but did not show that it checks them; --write-probe PUTs the body back unchanged with a failing precondition to find out"
            }
            Verdict::Unprotected => {
                "a write to this URL can overwrite a concurrent change unseen; ifmatch refuses to write without a validator unless --force"
            }
        }
    }
}

/// The findings and the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    /// The write probe was sent (so "run again with --write-probe" would not help).
    pub probed: bool,
}

/// Judges a recording. `conflict_statuses` are the statuses besides 412 that the user said
/// mean "version conflict" (`--conflict-status`).
pub fn diagnose(rec: &Recording, conflict_statuses: &[u16]) -> Diagnosis {
    let findings = findings(rec, conflict_statuses);
    let probed = matches!(rec.write, WriteProbe::Sent { .. });
    Diagnosis { verdict: verdict(rec, conflict_statuses), findings, probed }
}

/// Every finding, in report order.
fn findings(rec: &Recording, conflict_statuses: &[u16]) -> Vec<Finding> {
    [
        Some(validators::etag(rec)),
        Some(validators::last_modified(rec)),
        validators::stability(rec),
        Some(validators::head(rec)),
        validators::compression(rec),
        Some(preconditions::if_match(rec)),
        preconditions::if_match_current(rec),
        preconditions::if_none_match(rec),
        preconditions::if_unmodified_since(rec),
        Some(cache::cache(rec)),
        Some(cache::no_cache(rec)),
        cache::no_cache_honored(rec),
        Some(preconditions::methods(rec)),
        Some(validators::mechanism(rec)),
        preconditions::write_probe(rec, conflict_statuses),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn finding(check: &'static str, status: Status, message: String, advice: Option<&str>) -> Finding {
    Finding { check, status, message, advice: advice.map(str::to_string) }
}

fn with_advice(check: &'static str, status: Status, message: String, advice: String) -> Finding {
    Finding { check, status, message, advice: Some(advice) }
}

/// Server text made safe for a terminal.
fn shown(text: &str) -> String {
    crate::sanitize::sanitize(text).into_owned()
}

/// How the write probe came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteResult {
    NotRun,
    /// Refused with 412 (or a configured conflict status).
    Protected,
    /// Accepted despite the failing precondition.
    Unprotected,
    /// Any other answer.
    Inconclusive,
}

pub(crate) fn write_result(rec: &Recording, conflict_statuses: &[u16]) -> WriteResult {
    match &rec.write {
        WriteProbe::Sent { response, .. } if response.status == 412 => WriteResult::Protected,
        // A made-up version in the body refused as a conflict.
        WriteProbe::Sent { header, response, .. }
            if *header == crate::doctor::probe::VERSION_PROBE && response.status == 409 =>
        {
            WriteResult::Protected
        }
        WriteProbe::Sent { response, .. } if conflict_statuses.contains(&response.status) => {
            WriteResult::Protected
        }
        WriteProbe::Sent { response, .. } if response.is_success() => WriteResult::Unprotected,
        WriteProbe::Sent { .. } => WriteResult::Inconclusive,
        _ => WriteResult::NotRun,
    }
}

/// Whether ifmatch can rely on the ETag: strong, the same on a second GET of the same body,
/// and not refused by the server itself in If-Match.
pub(crate) fn strong_etag_usable(rec: &Recording) -> bool {
    let Some(tag) = rec.get.etag().filter(|t| !t.is_weak()) else {
        return false;
    };
    let unstable = rec.get_again.is_success()
        && rec.get_again.same_body(&rec.get)
        && rec.get_again.etag().is_none_or(|again| !again.strong_eq(&tag));
    let refused = rec.if_match_bogus.status == 412
        && rec.if_match_current.as_ref().is_some_and(|current| current.status == 412);
    !unstable && !refused
}

/// Whether Last-Modified is present and a valid HTTP-date, so If-Unmodified-Since can use it.
pub(crate) fn last_modified_usable(rec: &Recording) -> bool {
    rec.get.last_modified().is_some_and(|v| httpdate::parse_http_date(&v).is_ok())
}

fn verdict(rec: &Recording, conflict_statuses: &[u16]) -> Verdict {
    let write = write_result(rec, conflict_statuses);
    if write == WriteResult::Unprotected {
        return Verdict::Unprotected;
    }
    // Only a write proves that writes are protected; a 412 to a GET shows the reads are.
    if strong_etag_usable(rec) {
        if write == WriteResult::Protected && sent_header(rec) == Some("If-Match") {
            return Verdict::Safe;
        }
        return if rec.if_match_bogus.status == 412 { Verdict::ReadsOnly } else { Verdict::Unverified };
    }
    if last_modified_usable(rec) {
        if write == WriteResult::Protected && sent_header(rec) == Some("If-Unmodified-Since") {
            return Verdict::IfUnmodifiedSinceOnly;
        }
        let reads = rec.if_unmodified_since.as_ref().is_some_and(|e| e.status == 412);
        return if reads { Verdict::ReadsOnly } else { Verdict::Unverified };
    }
    if rec.version_field.as_ref().is_some_and(|v| v.value.is_some()) {
        let checked =
            write == WriteResult::Protected && sent_header(rec) == Some(crate::doctor::probe::VERSION_PROBE);
        return if checked { Verdict::VersionField } else { Verdict::Unverified };
    }
    Verdict::Unprotected
}

fn sent_header(rec: &Recording) -> Option<&'static str> {
    match &rec.write {
        WriteProbe::Sent { header, .. } => Some(header),
        _ => None,
    }
}

impl Diagnosis {
    /// The text report: one line per finding with its mark, the advice indented under it,
    /// then the verdict.
    pub fn render(&self, url: &str) -> String {
        let mut out = format!("ifmatch doctor {}\n\n", crate::sanitize::sanitize(url));
        for f in &self.findings {
            out.push_str(&format!("{} {}\n", f.status.mark(), f.message));
            if let Some(advice) = &f.advice {
                out.push_str(&format!("    → {advice}\n"));
            }
        }
        out.push_str(&format!("\nVerdict: {}\n  {}\n", self.summary(), self.explanation()));
        out
    }

    /// The verdict in words; a write probe that decided nothing is not sent again.
    pub fn summary(&self) -> &'static str {
        match (self.verdict, self.probed) {
            (Verdict::Unverified, true) => "not verified: the write probe's answer decides nothing",
            (Verdict::ReadsOnly, true) => {
                "reads honor preconditions; writes not verified: the write probe's answer decides nothing"
            }
            (verdict, _) => verdict.summary(),
        }
    }

    /// One sentence under the verdict.
    pub fn explanation(&self) -> &'static str {
        match (self.verdict, self.probed) {
            (Verdict::Unverified, true) => {
                "the server has validators, but neither the safe probes nor the write probe showed that it checks them (see the write probe line)"
            }
            (Verdict::ReadsOnly, true) => {
                "a GET with a failing precondition got 412, but the write probe did not show whether writes are checked too (see the write probe line)"
            }
            (verdict, _) => verdict.explanation(),
        }
    }
}
