//! The write cycle shared by `put` and `edit`: send the body with its precondition; on 412
//! (or a configured conflict status, or 428) refetch, assess with `conflict`, show the diffs,
//! ask or follow the policy, and retry with the fresh validator — a bounded number of times.
//! Whatever goes wrong after the user's text exists, the text is kept in `recovered/`.
//! Each attempt is a PUT, or a PATCH recomputed from the current base (`write_mode`).

mod diagnosis;
mod outcome;
mod reedit;

pub use diagnosis::{rejected_validator, required_although_sent, state_conflict};
pub use outcome::{patched_representation, validator_note};
pub use reedit::edit_until_valid;

use url::Url;

use crate::conflict::{self, Answer, Assessment, Decision, Mergeable, Plan, Policy};
use crate::error::{Error, Result};
use crate::etag::Precondition;
use crate::http::{Fetched, WriteOutcome, WriteRequest};
use crate::interrupt;
use crate::merge::MergeOutcome;
use crate::session::{Report, Session};
use crate::state::{Record, ResourceKey};
use crate::write_mode::{self, PatchFormat, WriteMode};

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
    /// Refetch before the first write (the record is stale: §9.3.4).
    pub refresh_first: bool,
    /// PUT, or PATCH computed from `base` to `mine` on every attempt.
    pub mode: WriteMode,
}

/// Runs the cycle. On failure the latest text (mine, or the merge the user accepted) is saved in
/// `recovered/` and the error says where.
pub async fn run(session: &Session, job: Job) -> Result<Report> {
    let mut state = Cycle { session, job, attempts: 0, etag_before: None, overwrote: false, merged: false };
    match state.drive().await {
        Ok(report) => Ok(report),
        Err(err) => {
            let suffix = crate::media::suffix(state.job.record.content_type.as_deref(), state.job.url.path());
            match session.store.save_recovered(&state.job.key, &state.job.mine, &suffix) {
                Ok(path) => Err(err.recovered_at(path, state.job.url.as_str())),
                Err(save_err) => {
                    session.ui.error(&save_err);
                    Err(err)
                }
            }
        }
    }
}

struct Cycle<'a> {
    session: &'a Session,
    job: Job,
    attempts: u32,
    etag_before: Option<String>,
    overwrote: bool,
    merged: bool,
}

impl Cycle<'_> {
    async fn drive(&mut self) -> Result<Report> {
        let ui = self.session.ui;
        self.etag_before = self.job.precondition.header().map(|(_, v)| v.to_string());
        let mut pending: Option<(u16, Fetched)> = None;
        if self.job.refresh_first {
            ui.note(
                "the stored record is stale (the last write's response left no usable validator, or was 202 Accepted); refetching first",
            );
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
                    return Err(Error::Conflict {
                        message: format!(
                            "{} kept changing: gave up after {MAX_ROUNDS} conflict rounds",
                            self.job.url
                        ),
                        hints: vec!["try again when the resource is less busy".to_string()],
                    });
                }
                if let Some(report) = self.resolve(status, theirs).await? {
                    return Ok(report);
                }
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
            };
            match interrupt::guard(self.session.client.write(request)).await? {
                WriteOutcome::Written { status, etag, last_modified } => {
                    return self.written(status, etag, last_modified).await;
                }
                WriteOutcome::PreconditionFailed { status, detail } => {
                    ui.warn(&format!(
                        "the server answered {status} {}{}: the resource changed since your copy was fetched",
                        crate::error::reason(status),
                        if detail.is_empty() { String::new() } else { format!(" ({detail})") }
                    ));
                    pending = Some((status, self.fetch().await?));
                }
                WriteOutcome::PreconditionRequired { detail } => {
                    if self.job.precondition != Precondition::None {
                        return Err(required_although_sent(&self.job.url, &self.job.precondition, &detail));
                    }
                    ui.warn(
                        "the server answered 428 Precondition Required: it only accepts conditional writes",
                    );
                    pending = Some((428, self.fetch().await?));
                }
                WriteOutcome::Conflict { detail } if self.job.mode == WriteMode::Patch(PatchFormat::Json) => {
                    pending = Some((409, self.failed_test(&detail).await?));
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
            return Err(Error::Conflict {
                message: format!(
                    "{} refused the JSON Patch with 409 Conflict{detail}, although its content is still your base",
                    self.job.url
                ),
                hints: vec!["send the whole document instead: drop --patch".to_string()],
            });
        }
        Ok(theirs)
    }

    async fn fetch(&self) -> Result<Fetched> {
        interrupt::guard(self.session.client.fetch(&self.job.url)).await
    }

    /// The precondition a retry carries, from a fresh fetch.
    fn fresh_precondition(&self, theirs: &Fetched) -> Result<Precondition> {
        match Precondition::choose(
            theirs.etag.as_ref(),
            theirs.last_modified.as_deref(),
            self.session.settings.send_weak,
        ) {
            Precondition::None if self.job.precondition != Precondition::None => Err(Error::Conflict {
                message: format!(
                    "{} no longer sends an ETag or Last-Modified, so a retry cannot be made safe",
                    self.job.url
                ),
                hints: vec!["run `ifmatch doctor URL` to see what the server supports".to_string()],
            }),
            p => Ok(p),
        }
    }

    /// Handles one conflict. `Ok(Some)` ends the cycle successfully; `Ok(None)` retries.
    async fn resolve(&mut self, status: u16, theirs: Fetched) -> Result<Option<Report>> {
        let ui = self.session.ui;
        let json = crate::media::is_json(self.job.record.content_type.as_deref());
        match conflict::assess(self.job.base.as_deref(), &self.job.mine, &theirs.body, json) {
            Assessment::AlreadyApplied => {
                ui.success("the server already holds exactly your version (an earlier write was applied); nothing more to send");
                let mut report = self.store(&theirs.body, outcome::as_written(&theirs))?;
                report.outcome = "already_applied";
                report.status = Some(theirs.status);
                Ok(Some(report))
            }
            Assessment::Unchanged => {
                let fresh = self.fresh_precondition(&theirs)?;
                if fresh == self.job.precondition && status != 428 {
                    return Err(rejected_validator(
                        &self.job.url,
                        status,
                        &self.job.precondition,
                        theirs.etag.as_ref(),
                    ));
                }
                ui.note(&format!(
                    "nobody changed the content; retrying with the fresh validator ({})",
                    fresh.describe()
                ));
                self.job.precondition = fresh;
                Ok(None)
            }
            Assessment::Changed { merge } => {
                self.show(&theirs, merge.as_ref());
                let mergeable = Mergeable::of(merge.as_ref());
                // A 428 to a write that carried no validator, with no base: nothing was ever
                // fetched, so there is no known concurrent change to protect.
                let blind_428 = status == 428 && self.job.base.is_none();
                let policy = Policy::from_settings(&self.session.settings);
                let decision = match conflict::decide(policy, mergeable, blind_428) {
                    Plan::Decided(decision) => decision,
                    Plan::Ask => self.ask(&theirs, merge.as_ref(), mergeable == Mergeable::Clean).await?,
                };
                self.apply(decision, status, &theirs, merge).await
            }
        }
    }

    async fn ask(&self, theirs: &Fetched, merge: Option<&MergeOutcome>, clean: bool) -> Result<Decision> {
        loop {
            let question = conflict::prompt(clean);
            let ui = self.session.ui;
            let answer = interrupt::guard_blocking(move || ui.ask(question)).await?;
            let Some(answer) = answer else { return Ok(Decision::Abort) };
            match conflict::parse_answer(answer, clean) {
                Some(Answer::Diff) => self.show(theirs, merge),
                Some(Answer::Decide(decision)) => return Ok(decision),
                None => eprintln!("  type one of the letters in brackets"),
            }
        }
    }

    async fn apply(
        &mut self,
        decision: Decision,
        status: u16,
        theirs: &Fetched,
        merge: Option<MergeOutcome>,
    ) -> Result<Option<Report>> {
        let ui = self.session.ui;
        let fresh = self.fresh_precondition(theirs)?;
        match decision {
            Decision::Merge => {
                let Some(MergeOutcome::Clean(merged)) = merge else {
                    return Err(Error::other("internal: merge chosen without a clean merge"));
                };
                self.session.show_diff(
                    "What the retry will change on the server (theirs → merged):",
                    &theirs.body,
                    &merged,
                    "theirs",
                    "merged",
                );
                self.job.mine = merged;
                self.merged = true;
            }
            Decision::Edit => {
                let start = match merge {
                    Some(MergeOutcome::Clean(text)) | Some(MergeOutcome::Conflicted { text, .. }) => text,
                    None => self.job.mine.clone(),
                };
                let suffix =
                    crate::media::suffix(self.job.record.content_type.as_deref(), self.job.url.path());
                let json = crate::media::is_json(self.job.record.content_type.as_deref());
                let edited = edit_until_valid(self.session, &start, &suffix, json).await;
                match edited {
                    Ok(text) => self.job.mine = text,
                    Err((err, text)) => {
                        self.job.mine = text;
                        return Err(err);
                    }
                }
                if self.job.mine == theirs.body[..] {
                    ui.success("your text now equals the server's version; nothing to write");
                    let mut report = self.store(&theirs.body, outcome::as_written(theirs))?;
                    report.outcome = "unchanged";
                    return Ok(Some(report));
                }
                self.session.show_diff(
                    "What the retry will change on the server (theirs → yours):",
                    &theirs.body,
                    &self.job.mine,
                    "theirs",
                    "yours",
                );
                self.merged = true;
            }
            Decision::Overwrite if status == 428 => {
                ui.warn(&format!(
                    "replacing the server's version of {} with yours, now with {}, as asked",
                    self.job.url,
                    fresh.describe()
                ));
                self.overwrote = true;
            }
            Decision::Overwrite => {
                ui.warn(&format!(
                    "overwriting the other change on {} with your version, as asked",
                    self.job.url
                ));
                self.overwrote = true;
            }
            Decision::Abort if status == 428 => {
                let replace = if self.job.base.is_none() {
                    "to replace it with yours, run again with --yes (or --on-conflict overwrite): the retry carries If-Match"
                } else {
                    "to replace it with yours, run again with --on-conflict overwrite: the retry carries If-Match"
                };
                return Err(Error::Conflict {
                    message: format!(
                        "{} only accepts conditional writes (428 Precondition Required), and its current version differs from yours; nothing was written",
                        self.job.url
                    ),
                    hints: vec![
                        replace.to_string(),
                        format!("to start from the server's version: ifmatch edit {}", self.job.url),
                    ],
                });
            }
            Decision::Abort => {
                let first = match Mergeable::of(merge.as_ref()) {
                    Mergeable::Clean => {
                        "the changes merge cleanly: --on-conflict merge or --yes retries with the merge (or answer at the prompt on a terminal)"
                    }
                    Mergeable::Conflicted => {
                        "the changes collide, so only a person can merge them: run it on a terminal and answer [e]dit"
                    }
                    Mergeable::NoBase => {
                        "there is no base to merge from: start from the server's version with `ifmatch edit URL`, or run it on a terminal to see both and choose"
                    }
                };
                return Err(Error::Conflict {
                    message: format!(
                        "{} changed on the server since your copy was fetched; nothing was written",
                        self.job.url
                    ),
                    hints: vec![
                        first.to_string(),
                        "replace their change on purpose: --on-conflict overwrite (--yes never does)"
                            .to_string(),
                    ],
                });
            }
        }
        self.job.base = Some(theirs.body.to_vec());
        self.job.precondition = fresh;
        Ok(None)
    }

    /// Prints what the server changed and what a retry would do.
    fn show(&self, theirs: &Fetched, merge: Option<&MergeOutcome>) {
        let s = self.session;
        if let Some(base) = &self.job.base {
            s.show_diff(
                "The server's changes since your copy (base → theirs):",
                base,
                &theirs.body,
                "base",
                "theirs",
            );
        }
        s.show_diff(
            "What your version would change on the server (theirs → mine):",
            &theirs.body,
            &self.job.mine,
            "theirs",
            "mine",
        );
        match merge {
            Some(MergeOutcome::Clean(_)) => s.ui.note("the two changes merge cleanly"),
            Some(MergeOutcome::Conflicted { conflicts, .. }) => {
                s.ui.warn(&format!("the changes conflict in {} place(s):", conflicts.len()));
                for c in conflicts {
                    eprintln!("  {}", crate::diff::sanitize(c));
                }
            }
            None => {
                s.ui.note("no stored base to merge from (run `ifmatch get` before editing to enable merging)")
            }
        }
    }
}
