//! The write cycle shared by `put` and `edit`: send the body with its precondition; on 412
//! (or a configured conflict status, or 428) refetch, assess with `conflict`, show the diffs,
//! ask or follow the policy, and retry with the fresh validator — a bounded number of times.
//! The text is kept in `recovered/` before the first write and until success (`recovery`);
//! one conflict is settled in `resolve`. Each attempt is a PUT, or a PATCH recomputed from the
//! current base (`write_mode`).

mod diagnosis;
mod outcome;
mod recovery;
mod reedit;
mod resolve;

pub use diagnosis::{rejected_validator, required_although_sent, state_conflict};
pub use outcome::{patched_representation, validator_note};
pub use recovery::{keep, origin};
pub use reedit::edit_until_valid;
pub use resolve::ordinal;

use std::path::PathBuf;

use url::Url;

use crate::error::{Error, Result};
use crate::etag::Precondition;
use crate::http::{Fetched, WriteOutcome, WriteRequest};
use crate::interrupt;
use crate::session::{Report, Session};
use crate::state::{Record, ResourceKey};
use crate::write_mode::{self, PatchFormat, WriteMode};
use recovery::Kept;

/// Conflict rounds before giving up: each one is a real concurrent change, so hitting the limit
/// means the resource is too busy to win by retrying.
const MAX_ROUNDS: u32 = 5;

/// One body to write, and what it was based on.
pub struct Job {
    pub command: &'static str,
    pub url: Url,
    pub key: ResourceKey,
    /// The stored record, updated after the write.
    pub record: Record,
    /// The body the user's text was derived from; `None` when unknown (no merge possible).
    pub base: Option<Vec<u8>>,
    pub mine: Vec<u8>,
    pub precondition: Precondition,
    /// Refetch before the first write (the record is stale, or the base unknown).
    pub refresh_first: bool,
    /// PUT, or PATCH computed from `base` to `mine` on every attempt.
    pub mode: WriteMode,
    /// A copy of the text already in `recovered/` (a resumed edit): replaced by the cycle's own
    /// copy, and removed after success.
    pub recovered: Option<PathBuf>,
    /// The text is the content of the user's own regular file (`put FILE`), which stays as it
    /// is until the write succeeds: a crash cannot lose it, so no write-ahead copy is made
    /// (a failure still keeps the text, and a merged or re-edited text is kept as ever).
    pub in_user_file: bool,
}

/// How a cycle ended well.
pub struct Done {
    pub report: Report,
    /// What the server now holds as far as this cycle knows: the text that was written (the
    /// user's, a merge, or what was edited at the prompt).
    pub text: Vec<u8>,
    /// The record as this cycle left it: the validators of its own write (not reloaded, so no
    /// other run's newer version can be mistaken for what `text` is).
    pub record: crate::state::Record,
}

/// Runs the cycle. The text is kept in `recovered/` before the first write and removed after
/// success; on failure the latest text (mine, or the merge the user accepted) is kept there and
/// the error says where.
pub async fn run(session: &Session, job: Job) -> Result<Done> {
    let kept = Kept::new(&job);
    let unprotected = crate::recheck::unprotected(session, &job.url);
    let mut state = Cycle {
        session,
        job,
        kept,
        attempts: 0,
        etag_before: None,
        overwrote: false,
        merged: false,
        lost_answer: None,
        refetched: None,
        unprotected,
    };
    // Write-ahead: on disk before anything is sent. Should the disk refuse, the write is still
    // the text's best chance.
    if !state.job.in_user_file
        && let Err(save_err) = state.keep()
    {
        session.ui.warn(&format!(
            "could not keep a copy of your text before writing ({save_err}); it is lost if this write fails"
        ));
    }
    match state.drive().await {
        Ok(mut report) => {
            report.write_probe_verdict = session.store.origin_verdict(&state.job.url);
            // This run's kept copy, and any earlier kept copy of the very text just written:
            // resuming that one could only undo what others write from now on.
            let discarded =
                state.discard().and_then(|()| session.store.discard_written(&state.job.key, &state.job.mine));
            if let Err(err) = discarded {
                session
                    .ui
                    .warn(&format!("the text was written, but its kept copy could not be removed: {err}"));
            }
            Ok(Done { report, text: state.job.mine, record: state.job.record })
        }
        Err(err) => {
            let path = match state.keep() {
                Ok(path) => path,
                Err(save_err) => {
                    session.ui.error(&save_err);
                    None
                }
            };
            // An empty text is not kept: then the last copy made is the best there is.
            match path.or(state.kept.path) {
                Some(path) => Err(err.recovered_at(path, state.job.url.as_str())),
                None => Err(err),
            }
        }
    }
}

struct Cycle<'a> {
    session: &'a Session,
    job: Job,
    kept: Kept,
    attempts: u32,
    etag_before: Option<String>,
    overwrote: bool,
    merged: bool,
    /// The client's attempt at the last write whose answer was lost before it was retried (a
    /// dropped connection, a gateway's 502/504): it may have been applied.
    lost_answer: Option<usize>,
    /// How the last refetch after a 412 went.
    refetched: Option<crate::fresh::Refetch>,
    /// The origin's writes are known to ignore preconditions: each write is preceded by a
    /// conditional request that re-checks the validator (`recheck`).
    unprotected: Option<crate::state::OriginVerdict>,
}

impl Cycle<'_> {
    async fn drive(&mut self) -> Result<Report> {
        let ui = self.session.ui;
        self.etag_before = self.job.precondition.header().map(|(_, v)| v.to_string());
        let mut pending: Option<(u16, Fetched)> = None;
        if self.job.refresh_first {
            ui.note(if self.job.base.is_some() {
                "the stored record is stale (the last write's response left no usable validator, or was 202 Accepted); refetching first"
            } else {
                "what your text was based on is not known; fetching the current version first, so that any difference is shown before a write"
            });
            let theirs = self.fetch().await?;
            if self.job.base.as_deref() == Some(&theirs.body[..]) {
                self.job.precondition = self.fresh_precondition(&theirs)?;
            } else {
                pending = Some((412, theirs));
            }
        }
        let mut rounds = 0;
        loop {
            if let Some((status, theirs)) = pending.take() {
                rounds += 1;
                if rounds > MAX_ROUNDS {
                    return Err(Error::conflict(format!(
                        "{} kept changing: gave up after {MAX_ROUNDS} conflict rounds",
                        self.job.url
                    ))
                    .with_hint("try again when the resource is less busy".to_string()));
                }
                if let Some(report) = self.resolve(status, theirs).await? {
                    return Ok(report);
                }
            }
            // The server would not refuse a write with a stale validator: ask right before.
            if self.unprotected.is_some()
                && crate::recheck::changed(self.session, &self.job.url, &self.job.precondition).await?
            {
                ui.note(
                    "the re-check just before writing found that the resource changed since your copy was fetched (its server would have taken the write anyway: it ignores If-Match on writes)",
                );
                pending = Some((412, self.refetch(None).await?));
                continue;
            }
            // The text carries the version of the base it came from, never one of its own.
            if let (Some(pointer), Some(base)) = (&self.job.record.version_field, &self.job.base) {
                crate::body_version::check_unchanged(&self.job.url, pointer, base, &self.job.mine)?;
            }
            self.attempts += 1;
            // A patch is recomputed each time: after a conflict the base is the server's
            // version, so the patch carries exactly the retry's changes.
            let payload = write_mode::payload(
                self.job.mode,
                self.job.base.as_deref(),
                &self.job.mine,
                self.job.record.content_type.as_deref(),
            )?;
            let request = WriteRequest {
                url: &self.job.url,
                method: payload.method,
                body: payload.body.into(),
                content_type: payload.content_type.as_deref(),
                precondition: &self.job.precondition,
                version_in_body: self.job.record.version_field.is_some() && self.job.mode == WriteMode::Put,
            };
            let mark = crate::http::retry_count();
            let sent = interrupt::guard(self.session.client.write(request)).await;
            self.lost_answer =
                crate::http::retries_since(mark).iter().position(|retry| retry.unanswered).map(|i| i + 1);
            let sent = sent.map_err(|err| match err.signal() {
                // The request may have reached the server before the signal did.
                Some(_) => err.with_hint(
                    "the write may already have been applied; `--resume` finds out (an applied write shows as already applied)",
                ),
                None => err,
            });
            match sent? {
                WriteOutcome::Written { status, etag, last_modified } => {
                    return self.written(status, etag, last_modified).await;
                }
                WriteOutcome::PreconditionFailed { status, detail, etag } => {
                    // The normal start of the conflict flow, not something gone wrong.
                    let what = if let Some(n) = self.lost_answer {
                        format!(
                            "attempt {n} went unanswered and may have been applied, which the retry's precondition now refuses; comparing with what the server holds"
                        )
                    } else if self.job.precondition == Precondition::IfNoneMatchAny {
                        "the resource exists now".to_string()
                    } else {
                        "the resource changed since your copy was fetched".to_string()
                    };
                    ui.note(&format!(
                        "the server answered {status} {}{}: {what}",
                        crate::error::reason(status),
                        if detail.is_empty() { String::new() } else { format!(" ({detail})") }
                    ));
                    pending = Some((status, self.refetch(etag.as_ref()).await?));
                }
                WriteOutcome::PreconditionRequired { detail } => {
                    if self.job.precondition != Precondition::None {
                        return Err(required_although_sent(&self.job.url, &self.job.precondition, &detail));
                    }
                    ui.note(
                        "the server answered 428 Precondition Required: it only accepts conditional writes",
                    );
                    match self.fetch().await {
                        Ok(theirs) => pending = Some((428, theirs)),
                        // Nothing there yet: creating it with If-None-Match: * cannot overwrite
                        // anything, and still fails if someone creates it first.
                        Err(e) if matches!(e.status_code(), Some(404 | 410)) => {
                            ui.note("it does not exist yet: creating it with If-None-Match: *");
                            self.job.precondition = Precondition::IfNoneMatchAny;
                            // A kept copy of this text is now a create, too (for --resume).
                            self.kept_as_create();
                        }
                        Err(e) => return Err(e),
                    }
                }
                WriteOutcome::Conflict { detail } if self.job.mode == WriteMode::Patch(PatchFormat::Json) => {
                    pending = Some((409, self.failed_test(&detail).await?));
                }
                WriteOutcome::Conflict { detail } if self.job.record.version_field.is_some() => {
                    pending = Some((409, self.version_conflict(&detail).await?));
                }
                WriteOutcome::Conflict { detail } => return Err(state_conflict(&self.job.url, &detail)),
            }
        }
    }

    /// A 409 to a JSON Patch: RFC 5789 §2.2 and RFC 6902 §5 make a failed `test` a conflict with
    /// the resource's state, i.e. a field the patch changes was changed on the server. Refetch
    /// and go through the conflict flow; when the content did not change at all, the server
    /// refused the patch for another reason, and retrying would not help.
    async fn failed_test(&self, detail: &str) -> Result<Fetched> {
        let ui = self.session.ui;
        let detail = if detail.is_empty() { String::new() } else { format!(" ({detail})") };
        ui.warn(&format!(
            "the server answered 409 Conflict to the JSON Patch{detail}: a test operation failed, so a field you changed was changed on the server"
        ));
        let theirs = self.fetch().await?;
        if self.job.base.as_deref() == Some(&theirs.body[..]) {
            return Err(Error::conflict(format!(
                    "{} refused the JSON Patch with 409 Conflict{detail}, although its content is still your base",
                    self.job.url
                )).with_hint("send the whole document instead: drop --patch".to_string()));
        }
        Ok(theirs)
    }

    /// A 409 to a write whose version is in the body: a version conflict when the refetch shows
    /// the version moved on from the one the text carries; otherwise the server refused the
    /// write for another reason (a validation error, say), which no merge or retry can fix.
    async fn version_conflict(&mut self, detail: &str) -> Result<Fetched> {
        let pointer = self.job.record.version_field.clone().unwrap_or_default();
        let shown = if detail.is_empty() { String::new() } else { format!(" ({detail})") };
        let sent = crate::body_version::value(&self.job.mine, &pointer);
        let theirs = self.refetch(None).await?;
        let now = crate::body_version::value(&theirs.body, &pointer);
        if sent.is_some() && now != sent {
            self.session.ui.note(&format!(
                "the server answered 409 Conflict{shown}: the version at {pointer} moved on from {} to {}; someone changed it since your copy was fetched",
                crate::body_version::shown(sent.as_ref()),
                crate::body_version::shown(now.as_ref())
            ));
            return Ok(theirs);
        }
        Err(Error::status(self.job.url.as_str(), 409, detail.to_string()).with_hints([
                format!(
                    "the version at {pointer} is still {}, so this is no version conflict: the server refused the content; nothing was written",
                    crate::body_version::shown(now.as_ref())
                ),
                "fix what the server's answer names, then write again".to_string(),
            ]))
    }

    async fn fetch(&self) -> Result<Fetched> {
        interrupt::guard(self.session.client.fetch(&self.job.url)).await.map_err(|e| self.gone(e))
    }

    /// The current version after the server refused the precondition sent: past any cache
    /// that serves stale copies, when it can be ([`crate::fresh::refetch`]).
    async fn refetch(&mut self, told: Option<&crate::etag::ETag>) -> Result<Fetched> {
        let refusal = crate::fresh::Refusal { sent: &self.job.precondition, told };
        let (copy, report) =
            crate::fresh::refetch(self.session, &self.job.url, refusal).await.map_err(|e| self.gone(e))?;
        let fetched = interrupt::guard(copy.collect()).await?;
        self.refetched = Some(report);
        Ok(fetched)
    }

    /// Between our copy and now the resource went away: writing it anew can make sense.
    fn gone(&self, e: Error) -> Error {
        match e.status_code() {
            Some(404) => e.with_hint(format!(
                "it may have been deleted since your copy was fetched; `ifmatch put {} FILE --create` creates it again (and fails if someone else did first)",
                self.job.url
            )),
            _ => e,
        }
    }

    /// The precondition a retry carries, from a fresh fetch.
    fn fresh_precondition(&self, theirs: &Fetched) -> Result<Precondition> {
        match Precondition::choose(
            theirs.etag.as_ref(),
            theirs.last_modified.as_deref(),
            self.session.settings.send_weak,
        ) {
            Precondition::None
                if self.job.precondition != Precondition::None && self.job.record.version_field.is_none() =>
            {
                Err(Error::conflict(format!(
                    "{} no longer sends an ETag or Last-Modified, so a retry cannot be made safe",
                    self.job.url
                ))
                .with_hint("run `ifmatch doctor URL` to see what the server supports".to_string()))
            }
            p => Ok(p),
        }
    }
}
