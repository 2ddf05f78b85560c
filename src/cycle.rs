//! The one write loop. Every write `edit`, `put`, `apply` and a large upload make goes through
//! [`run`]: send the body with its precondition, classify the answer once (2xx; 412 or a
//! `--conflict-status`; 428; 409 to a JSON Patch or to a body that carries its version), fetch
//! the current version past caches (`refetch`), settle what every write settles alike (the
//! server already holds the text; nobody changed the content, so the validator is renewed or
//! refused; a create that lost; a bound on the rounds), record what was written with its
//! validators and report it (`outcome`). The errors that end it are built in `refusal`.
//!
//! The seam is [`Strategy`]: only a real concurrent change is handed over, and a strategy
//! produces the next text from the current version or ends the write. The three are the
//! interactive/policy merge of `edit` and `put` (`resolve`, whose text is kept in `recovered/`
//! while the loop runs: `recovery`), `apply`'s re-run of its command, and the overwrite-or-abort
//! of a file streamed from disk (`upload`). A fix to conflict handling is made here, once.
//! Each attempt is a PUT, or a PATCH recomputed from the current base (`write_mode`).

mod outcome;
mod recovery;
mod reedit;
mod refetch;
mod refusal;
mod resolve;
mod strategy;

pub use recovery::{keep, origin};
pub use reedit::edit_until_valid;
pub use refetch::{Streamed, digest_of_file};
pub use refusal::no_validator;
pub(crate) use resolve::{Merge, undo_agreed};
pub(crate) use strategy::{Refusal, Refused, Settled, Strategy};

use std::path::PathBuf;

use url::Url;

use crate::error::Result;
use crate::etag::Precondition;
use crate::http::{Fetched, Payload, WriteOutcome, WriteRequest};
use crate::session::{Report, Session};
use crate::state::{Record, ResourceKey};
use crate::write_mode::{self, PatchFormat, WriteMode};
use recovery::Kept;

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
    /// The body streams from this file instead of being `mine` (which is then empty): it is
    /// never held in memory, and it is compared with the server's version by digest.
    pub streamed: Option<Streamed>,
}

impl Job {
    /// A PUT of `mine` with `precondition`, based on nothing known; the fields that differ are
    /// set on the result.
    pub fn new(
        command: &'static str,
        url: Url,
        key: ResourceKey,
        record: Record,
        mine: Vec<u8>,
        precondition: Precondition,
    ) -> Job {
        Job {
            command,
            url,
            key,
            record,
            base: None,
            mine,
            precondition,
            refresh_first: false,
            mode: WriteMode::Put,
            recovered: None,
            in_user_file: false,
            streamed: None,
        }
    }
}

/// How a cycle ended well.
pub struct Done {
    pub report: Report,
    /// What the server now holds as far as this cycle knows: the text that was written (the
    /// user's, a merge, or what was edited at the prompt; empty for a streamed file).
    pub text: Vec<u8>,
    /// The record as this cycle left it: the validators of its own write (not reloaded, so no
    /// other run's newer version can be mistaken for what `text` is).
    pub record: crate::state::Record,
}

/// Runs the loop with `strategy`. A text the strategy keeps is in `recovered/` before the first
/// write and removed after success; on failure the latest text (mine, or the merge the user
/// accepted) is kept there and the error says where.
pub(crate) async fn run(session: &Session, job: Job, strategy: &mut impl Strategy) -> Result<Done> {
    let kept = strategy.keeps_text().then(|| Kept::new(&job));
    // An earlier kept copy of the text this run starts from, against the base it starts from
    // (a run that met a conflict it could not settle), is written too when this run succeeds:
    // as it is, merged, or as edited at the prompt. The same text kept against another base
    // holds other changes, and stays. Only hashed when there is a kept copy to look for.
    let started = job
        .base
        .as_deref()
        .filter(|_| {
            kept.is_some()
                && job.streamed.is_none()
                && session.store.recovered_edits(&job.key).is_ok_and(|edits| !edits.is_empty())
        })
        .map(|base| crate::state::Started::of(&job.mine, base));
    // Read once: it decides the re-checks before each write and goes into the report.
    let verdict = session.store.origin_verdict(&job.url);
    let unprotected = crate::recheck::unprotected(session, verdict.as_ref());
    let mut state = Cycle {
        session,
        job,
        kept,
        attempts: 0,
        rounds: 0,
        etag_before: None,
        overwrote: false,
        merged: false,
        lost_answer: None,
        refetched: None,
        unprotected,
    };
    // Write-ahead: on disk before anything is sent. Should the disk refuse, the write is still
    // the text's best chance.
    if state.kept.is_some()
        && !state.job.in_user_file
        && let Err(save_err) = state.keep()
    {
        session.ui.warn(&format!(
            "could not keep a copy of your text before writing ({save_err}); it is lost if this write fails"
        ));
    }
    match state.drive(strategy).await {
        Ok(mut report) => {
            report.write_probe_verdict = verdict;
            if state.kept.is_some() {
                // This run's kept copy, and any earlier kept copy of the very text just
                // written or of the text and base this run started from: resuming one could
                // only undo what others write from now on.
                let discarded = state.discard().and_then(|()| {
                    session.store.discard_settled(&state.job.key, &state.job.mine, started.as_ref())
                });
                if let Err(err) = discarded {
                    session.ui.warn(&format!(
                        "the text was written, but its kept copy could not be removed: {err}"
                    ));
                }
            }
            Ok(Done { report, text: state.job.mine, record: state.job.record })
        }
        Err(err) if state.kept.is_none() => Err(err),
        Err(err) => {
            let path = match state.keep() {
                Ok(path) => path,
                Err(save_err) => {
                    session.ui.error(&save_err);
                    None
                }
            };
            // An empty text is not kept: then the last copy made is the best there is.
            match path.or(state.kept.and_then(|k| k.path)) {
                Some(path) => Err(err.recovered_at(path, state.job.url.as_str())),
                None => Err(err),
            }
        }
    }
}

/// The loop's state, which strategies read and set the next text in.
pub(crate) struct Cycle<'a> {
    pub session: &'a Session,
    pub job: Job,
    /// The kept copy of the text, for a strategy that keeps it.
    kept: Option<Kept>,
    /// Writes sent.
    pub attempts: u32,
    /// Refusals met.
    pub rounds: u32,
    etag_before: Option<String>,
    /// A strategy replaced the other change with this text, as asked.
    pub overwrote: bool,
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
    async fn drive(&mut self, strategy: &mut impl Strategy) -> Result<Report> {
        let ui = self.session.ui;
        self.etag_before = self.job.precondition.validator();
        let mut pending = None;
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
                pending = Some((412, refetch::Current::text(theirs)));
            }
        }
        loop {
            if let Some((status, current)) = pending.take()
                && let Some(report) = self.settle(strategy, status, current).await?
            {
                return Ok(report);
            }
            // The server would not refuse a write with a stale validator: ask right before.
            if self.unprotected.is_some()
                && crate::recheck::changed(self.session, &self.job.url, &self.job.precondition).await?
            {
                ui.note(
                    "the re-check just before writing found that the resource changed since your copy was fetched (its server would have taken the write anyway: it ignores If-Match on writes)",
                );
                let refusal =
                    Refusal { status: 412, detail: String::new(), told: None, kind: Refused::Rechecked };
                pending = self.refused(strategy, refusal).await?.map(|current| (412, current));
                continue;
            }
            let sent = self.send().await?;
            let refusal = match sent {
                WriteOutcome::Written { status, etag, last_modified } => {
                    return self.written(strategy, status, etag, last_modified).await;
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
                    Refusal { status, detail, told: etag, kind: Refused::Precondition }
                }
                WriteOutcome::PreconditionRequired { detail } => {
                    if self.job.precondition != Precondition::None {
                        return Err(refusal::required_although_sent(
                            &self.job.url,
                            &self.job.precondition,
                            &detail,
                        ));
                    }
                    ui.note(
                        "the server answered 428 Precondition Required: it only accepts conditional writes",
                    );
                    Refusal { status: 428, detail, told: None, kind: Refused::Required }
                }
                WriteOutcome::Conflict { detail } if self.job.mode == WriteMode::Patch(PatchFormat::Json) => {
                    Refusal { status: 409, detail, told: None, kind: Refused::PatchTest }
                }
                WriteOutcome::Conflict { detail }
                    if self.job.record.version_field.is_some() && self.job.streamed.is_none() =>
                {
                    Refusal { status: 409, detail, told: None, kind: Refused::Version }
                }
                WriteOutcome::Conflict { detail } => {
                    return Err(refusal::state_conflict(&self.job.url, &detail));
                }
            };
            let status = refusal.status;
            pending = self.refused(strategy, refusal).await?.map(|current| (status, current));
        }
    }

    /// Sends the job's body once, with its precondition; notes whether an answer was lost on
    /// the way (a retried attempt).
    async fn send(&mut self) -> Result<WriteOutcome> {
        // The text carries the version of the base it came from, never one of its own.
        if let (Some(pointer), Some(base)) = (&self.job.record.version_field, &self.job.base) {
            crate::body_version::check_unchanged(&self.job.url, pointer, base, &self.job.mine)?;
        }
        self.attempts += 1;
        let (method, body, content_type) = match &self.job.streamed {
            Some(file) => (
                reqwest::Method::PUT,
                Payload::File { path: file.path.clone(), len: file.len, sent: file.sent.clone() },
                self.job.record.content_type.clone(),
            ),
            None => {
                // A patch is recomputed each time: after a conflict the base is the server's
                // version, so the patch carries exactly the retry's changes.
                let payload = write_mode::payload(
                    self.job.mode,
                    self.job.base.as_deref(),
                    &self.job.mine,
                    self.job.record.content_type.as_deref(),
                )?;
                (payload.method, payload.body.into(), payload.content_type)
            }
        };
        let request = WriteRequest {
            url: &self.job.url,
            method,
            body,
            content_type: content_type.as_deref(),
            precondition: &self.job.precondition,
            version_in_body: self.job.record.version_field.is_some()
                && self.job.mode == WriteMode::Put
                && self.job.streamed.is_none(),
        };
        let mark = crate::http::retry_count();
        let sent = self.session.client.write(request).await;
        self.lost_answer =
            crate::http::retries_since(mark).iter().position(|retry| retry.unanswered).map(|i| i + 1);
        sent.map_err(|err| match err {
            // The request may have reached the server before the signal did, and the kept
            // text can be resumed to find out.
            err if err.signal().is_some() && self.kept.is_some() => err.with_hint(
                "the write may already have been applied; `--resume` finds out (an applied write shows as already applied)",
            ),
            err => err,
        })
    }

    /// The precondition a retry carries, from a fresh fetch.
    pub fn fresh_precondition(&self, theirs: &Fetched) -> Result<Precondition> {
        match Precondition::choose(
            theirs.etag.as_ref(),
            theirs.last_modified.as_deref(),
            self.session.settings.send_weak,
        ) {
            Precondition::None
                if self.job.precondition != Precondition::None && self.job.record.version_field.is_none() =>
            {
                Err(refusal::validator_gone(&self.job.url))
            }
            p => Ok(p),
        }
    }
}
