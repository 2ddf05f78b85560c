//! Large uploads with nothing to merge: `put FILE` for a file of [`STREAM_THRESHOLD`] bytes or
//! more when the state store holds no base for it, and for any file whose base is kept only as
//! a digest (over the size limit for full bases). The digest still tells a resource nobody
//! changed (the write is retried with its fresh validator) from a real change. The file streams from disk on every
//! attempt and is never held in memory; a conflict can then only be overwritten or abandoned
//! (there is no base to merge from), and the user's file is never touched either way. A
//! transient failure (`--retry`) reopens the file and streams it again from the start: the
//! body is never buffered to make that possible, and the write's precondition makes sending it
//! twice safe.

use std::io::Read;
use std::path::Path;

use reqwest::Method;
use sha2::{Digest, Sha256};
use url::Url;

use crate::conflict::{self, Decision, Mergeable, Plan, Policy};
use crate::error::{Error, Result};
use crate::etag::Precondition;
use crate::http::{Payload, WriteOutcome, WriteRequest};
use crate::interrupt;
use crate::session::{Outcome, Report, Session};
use crate::state::{Base, NewBase, Record, ResourceKey, Written};

/// Files at least this large stream when there is no base to merge with.
pub const STREAM_THRESHOLD: u64 = 8 << 20;

const MAX_ATTEMPTS: u32 = 5;

/// Streams `path` to `url` with `precondition`, handling conflicts by policy; `base` is what
/// the file was based on, known by its digest. Returns the report and the record as saved.
pub async fn run(
    session: &Session,
    url: &Url,
    key: &ResourceKey,
    mut record: Record,
    path: &Path,
    mut precondition: Precondition,
    base: Option<&Base>,
) -> Result<(Report, Record)> {
    let ui = session.ui;
    let len = std::fs::metadata(path).map_err(|e| Error::io("inspect", path, e))?.len();
    let etag_before = precondition.header().map(|(_, v)| v.to_string());
    let mut overwrote = false;
    let unprotected = crate::recheck::unprotected(session, url);
    for attempt in 1..=MAX_ATTEMPTS {
        let request = WriteRequest {
            url,
            method: Method::PUT,
            body: Payload::File { path: path.to_path_buf(), len },
            content_type: record.content_type.as_deref(),
            precondition: &precondition,
            version_in_body: false,
        };
        let mark = crate::http::retry_count();
        // The server would not refuse a write with a stale validator: ask right before.
        let sent = if unprotected.is_some() && crate::recheck::changed(session, url, &precondition).await? {
            ui.note(
                "the re-check just before writing found that the resource changed (its server would have taken the write anyway: it ignores If-Match on writes)",
            );
            WriteOutcome::PreconditionFailed { status: 412, detail: String::new(), etag: None }
        } else {
            interrupt::guard(session.client.write(request)).await?
        };
        let lost = crate::http::retries_since(mark).iter().position(|r| r.unanswered).map(|i| i + 1);
        let (status, detail, told) = match sent {
            WriteOutcome::Written { status, etag, last_modified } => {
                let written =
                    Written { status, etag: etag.as_ref(), last_modified: last_modified.as_deref() };
                session.record_written(key, &mut record, written, NewBase::File(path));
                ui.success(&format!(
                    "wrote {url} ({status} {}; {len} bytes streamed)",
                    crate::error::reason(status)
                ));
                let mut report = Report::new("put", url);
                report.outcome = if overwrote {
                    Outcome::Overwritten
                } else if status == 201 {
                    Outcome::Created
                } else {
                    Outcome::Written
                };
                report.status = Some(status);
                report.etag_before = etag_before;
                report.etag = record.etag.clone();
                report.attempts = attempt;
                report.bytes = len as usize;
                report.write_probe_verdict = session.store.origin_verdict(url);
                return Ok((report, record));
            }
            WriteOutcome::PreconditionFailed { status, detail, etag } => (status, detail, etag),
            WriteOutcome::PreconditionRequired { detail } => (428, detail, None),
            WriteOutcome::Conflict { detail } => return Err(crate::cycle::state_conflict(url, &detail)),
        };
        ui.note(&format!("the server answered {status} {}: {detail}", crate::error::reason(status)));
        // Compare what the server holds with the file by hash, streaming both.
        // The current version, past a cache that serves stale copies.
        let refusal = crate::fresh::Refusal { sent: &precondition, told: told.as_ref() };
        let mut theirs = match crate::fresh::refetch(session, url, refusal).await {
            Ok((theirs, _)) => theirs,
            // A 428 for a resource that does not exist yet: creating it with If-None-Match: *
            // cannot overwrite anything, and still fails if someone creates it first.
            Err(e)
                if matches!(e.status_code(), Some(404 | 410))
                    && status == 428
                    && precondition == Precondition::None =>
            {
                ui.note("it does not exist yet: creating it with If-None-Match: *");
                precondition = Precondition::IfNoneMatchAny;
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut hasher = Sha256::new();
        while let Some(chunk) = interrupt::guard(theirs.chunk()).await? {
            hasher.update(&chunk);
        }
        let theirs_sha256 = hasher.finalize();
        if theirs_sha256 == hash_file(path)? {
            match lost {
                Some(n) => ui.success(&format!(
                    "the {} attempt had already been applied: the server holds exactly this file",
                    crate::cycle::ordinal(n)
                )),
                None => {
                    ui.success("the server already holds exactly this file (an earlier write was applied)")
                }
            }
            let written = Written {
                status: theirs.status,
                etag: theirs.etag.as_ref(),
                last_modified: theirs.last_modified.as_deref(),
            };
            session.record_written(key, &mut record, written, NewBase::File(path));
            let mut report = Report::new("put", url);
            report.outcome = Outcome::AlreadyApplied;
            report.status = Some(theirs.status);
            report.etag_before = etag_before;
            report.etag = record.etag.clone();
            report.attempts = attempt;
            report.bytes = len as usize;
            return Ok((report, record));
        }
        let fresh = Precondition::choose(
            theirs.etag.as_ref(),
            theirs.last_modified.as_deref(),
            session.settings.send_weak,
        );
        if let Some(base) = base
            && base.sha256()[..] == theirs_sha256[..]
            && precondition != Precondition::IfNoneMatchAny
            && fresh != Precondition::None
        {
            // The server holds the very base the file came from: nobody changed the content,
            // so the validator itself was refused or renewed. Retrying with the fresh one is safe.
            if fresh == precondition {
                return Err(crate::cycle::rejected_validator(
                    url,
                    status,
                    &precondition,
                    theirs.etag.as_ref(),
                    None,
                ));
            }
            ui.note(&format!(
                "nobody changed the content; retrying with the fresh validator ({})",
                fresh.describe()
            ));
            precondition = fresh;
            continue;
        }
        if precondition == Precondition::IfNoneMatchAny {
            return Err(Error::conflict(format!(
                    "{url} already exists (someone else created it meanwhile), and a create never replaces it; nothing was written"
                )).with_hint(format!("see it with `ifmatch get {url}`")));
        }
        // No base, so nothing to merge: only an explicit overwrite (or `o` at the prompt), or
        // `--yes` after a 428 to a blind write, replaces the server's version.
        if let Some(base) = base {
            ui.note(&format!(
                "no merge offered: the base of {} is kept only as its digest, since it is {} bytes, over the limit of {} bytes for full bases (--base-limit SIZE or {} keeps larger ones, from the next get)",
                path.display(),
                base.len(),
                session.store.base_limit(),
                crate::state::BASE_LIMIT_ENV
            ));
        }
        let blind_428 = status == 428 && precondition == Precondition::None;
        let policy = Policy::from_settings(&session.settings);
        let (overwrite, asked) = match conflict::decide(policy, Mergeable::NoBase, blind_428) {
            Plan::Decided(decision) => (decision == Decision::Overwrite, false),
            Plan::Ask => {
                let question = "The server holds another version and there is no base to merge with. [o]verwrite theirs · [a]bort (q, Ctrl-D) ?";
                let overwrite = interrupt::guard_blocking(move || {
                    ui.ask(question) == Some('o') && ui.confirm(conflict::OVERWRITE_CONFIRM, false)
                })
                .await?;
                (overwrite, true)
            }
        };
        if !overwrite {
            let replace = if blind_428 {
                "to replace their version with yours: --yes or --on-conflict overwrite (the retry carries If-Match)"
            } else {
                "to replace their version on purpose: --on-conflict overwrite"
            };
            return Err(Error::conflict(format!(
                    "{url} holds another version; nothing was written and {} is unchanged",
                    path.display()
                )).with_hints([
                    format!(
                        "to merge, run `ifmatch get {url} -o FILE`, apply your change to FILE, then `ifmatch put {url} FILE`"
                    ),
                    replace.to_string(),
                ]
                .into_iter()
                .take(if asked { 1 } else { 2 })));
        }
        if fresh == Precondition::None && precondition != Precondition::None {
            // The retry would go out unconditional: not what a conditional write agreed to.
            return Err(Error::conflict(format!(
                    "{url} sends no ETag or Last-Modified now, so the overwrite cannot be made conditional; nothing was written"
                )).with_hint(format!("run `ifmatch doctor {url}` to see what the server supports")));
        }
        precondition = fresh;
        ui.warn(&format!("overwriting the other version of {url} with {}, as asked", path.display()));
        overwrote = true;
    }
    Err(Error::conflict(format!("{url} kept changing: gave up after {MAX_ATTEMPTS} attempts"))
        .with_hint("try again when the resource is less busy".to_string()))
}

/// Whether the file at `path` is exactly `base`, compared by digest, streaming the file.
pub fn file_matches(path: &Path, base: &Base) -> Result<bool> {
    let len = std::fs::metadata(path).map_err(|e| Error::io("inspect", path, e))?.len();
    Ok(len == base.len() && hash_file(path)?[..] == base.sha256()[..])
}

fn hash_file(path: &Path) -> Result<sha2::digest::Output<Sha256>> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("open", path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io("read", path, e))?;
        if n == 0 {
            return Ok(hasher.finalize());
        }
        hasher.update(&buf[..n]);
    }
}
