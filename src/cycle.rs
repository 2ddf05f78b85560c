//! The write cycle shared by `put` and `edit`: send the body with its precondition; on 412
//! (or a configured conflict status, or 428) refetch, assess with `conflict`, show the diffs,
//! ask or follow the policy, and retry with the fresh validator — a bounded number of times.
//! Whatever goes wrong after the user's text exists, the text is kept in `recovered/`.

use bytes::Bytes;
use reqwest::Method;
use url::Url;

use crate::cli::ConflictPolicy;
use crate::conflict::{self, Assessment, Choice};
use crate::editor::{self, Editor};
use crate::error::{Error, Result};
use crate::etag::{ETag, Precondition};
use crate::http::{Fetched, WriteOutcome, WriteRequest};
use crate::interrupt;
use crate::merge::MergeOutcome;
use crate::session::{Report, Session};
use crate::state::{Record, ResourceKey, now_http_date};

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
}

/// Runs the cycle. On failure the latest text (mine, or the merge the user accepted) is saved in
/// `recovered/` and the error says where.
pub async fn run(session: &Session, job: Job) -> Result<Report> {
    let mut state = Cycle { session, job, attempts: 0, etag_before: None, overwrote: false, merged: false };
    match state.drive().await {
        Ok(report) => Ok(report),
        Err(err) => {
            let suffix = editor::suffix_for(state.job.record.content_type.as_deref(), state.job.url.path());
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
                "the stored validator is stale (the last write's response had no ETag); refetching first",
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
            let request = WriteRequest {
                url: &self.job.url,
                method: Method::PUT,
                body: Bytes::from(self.job.mine.clone()),
                content_type: self.job.record.content_type.as_deref(),
                precondition: &self.job.precondition,
            };
            match interrupt::guard(self.session.client.write(request)).await? {
                WriteOutcome::Written { status, etag, last_modified } => {
                    return self.written(status, etag, last_modified);
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
                        return Err(Error::Conflict {
                            message: format!(
                                "{} answered 428 Precondition Required although ifmatch sent {}: {detail}",
                                self.job.url,
                                self.job.precondition.describe()
                            ),
                            hints: vec!["the server wants another validator; run `ifmatch doctor URL` to see what it supports".to_string()],
                        });
                    }
                    ui.warn(
                        "the server answered 428 Precondition Required: it only accepts conditional writes",
                    );
                    pending = Some((428, self.fetch().await?));
                }
                WriteOutcome::Conflict { detail } => {
                    return Err(Error::Conflict {
                        message: format!("{} answered 409 Conflict: {detail}", self.job.url),
                        hints: vec![
                            "409 is a conflict with the resource's state, not a failed precondition"
                                .to_string(),
                            "if this API signals version conflicts with 409, add --conflict-status 409"
                                .to_string(),
                        ],
                    });
                }
            }
        }
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
        let json = editor::is_json_type(self.job.record.content_type.as_deref());
        match conflict::assess(self.job.base.as_deref(), &self.job.mine, &theirs.body, json) {
            Assessment::AlreadyApplied => {
                ui.success("the server already holds exactly your version (an earlier write was applied); nothing more to send");
                let mut report =
                    self.store(&theirs.body, theirs.etag.as_ref(), theirs.last_modified.clone())?;
                report.outcome = "already_applied";
                report.status = Some(theirs.status);
                Ok(Some(report))
            }
            Assessment::Unchanged => {
                let fresh = self.fresh_precondition(&theirs)?;
                if fresh == self.job.precondition && status != 428 {
                    return Err(rejected_validator(
                        &self.job.url,
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
                let clean = matches!(merge, Some(MergeOutcome::Clean(_)));
                let choice = if self.session.settings.on_conflict == ConflictPolicy::Ask
                    && !self.session.settings.yes
                {
                    self.ask(&theirs, merge.as_ref(), clean).await?
                } else {
                    conflict::decide(
                        self.session.settings.on_conflict,
                        self.session.settings.yes,
                        merge.as_ref(),
                    )
                };
                self.apply(choice, &theirs, merge).await
            }
        }
    }

    async fn ask(&self, theirs: &Fetched, merge: Option<&MergeOutcome>, clean: bool) -> Result<Choice> {
        loop {
            let question = conflict::prompt(clean);
            let ui = self.session.ui;
            let answer = interrupt::guard_blocking(move || ui.ask(question)).await?;
            let Some(answer) = answer else { return Ok(Choice::Abort) };
            match conflict::parse_choice(answer, clean) {
                Some(Choice::Diff) => self.show(theirs, merge),
                Some(choice) => return Ok(choice),
                None => eprintln!("  type one of the letters in brackets"),
            }
        }
    }

    async fn apply(
        &mut self,
        choice: Choice,
        theirs: &Fetched,
        merge: Option<MergeOutcome>,
    ) -> Result<Option<Report>> {
        let ui = self.session.ui;
        let fresh = self.fresh_precondition(theirs)?;
        match choice {
            Choice::Merge => {
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
            Choice::Edit => {
                let start = match merge {
                    Some(MergeOutcome::Clean(text)) | Some(MergeOutcome::Conflicted { text, .. }) => text,
                    None => self.job.mine.clone(),
                };
                let suffix = editor::suffix_for(self.job.record.content_type.as_deref(), self.job.url.path());
                let json = editor::is_json_type(self.job.record.content_type.as_deref());
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
                    let mut report =
                        self.store(&theirs.body, theirs.etag.as_ref(), theirs.last_modified.clone())?;
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
            Choice::Overwrite => {
                ui.warn(&format!(
                    "overwriting the other change on {} with your version, as asked",
                    self.job.url
                ));
                self.overwrote = true;
            }
            Choice::Abort | Choice::Diff => {
                return Err(Error::Conflict {
                    message: format!(
                        "{} changed on the server since your copy was fetched; nothing was written",
                        self.job.url
                    ),
                    hints: vec![
                        "merge when possible: --on-conflict merge (or answer at the prompt on a terminal)"
                            .to_string(),
                        "replace their change on purpose: --on-conflict overwrite".to_string(),
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

    fn written(&mut self, status: u16, etag: Option<ETag>, last_modified: Option<String>) -> Result<Report> {
        let ui = self.session.ui;
        let reused = self.etag_reused(etag.as_ref());
        let mine = std::mem::take(&mut self.job.mine);
        let report = self.store(&mine, etag.as_ref(), last_modified);
        self.job.mine = mine;
        let mut report = report?;
        if let Some(tag) = reused {
            ui.warn(&format!(
                "{} answered with the same ETag {tag} it had before this change: its ETags do not track the content \
                 (some servers build them from the size and a one-second mtime), so a change by someone else within \
                 the same second can pass If-Match unseen; the next write refetches and compares the content first",
                self.job.url
            ));
            self.job.record.stale = true;
            self.session.store.save(&self.job.key, &self.job.record, None)?;
        }
        report.status = Some(status);
        report.outcome = if self.overwrote {
            "overwritten"
        } else if self.merged {
            "merged"
        } else if status == 201 {
            "created"
        } else {
            "written"
        };
        let validator = match &etag {
            Some(tag) => format!("new ETag {tag}"),
            None => "no ETag in the response; the next write refetches first".to_string(),
        };
        ui.success(&format!(
            "wrote {} ({status} {}; {validator})",
            self.job.url,
            crate::error::reason(status)
        ));
        Ok(report)
    }

    /// The ETag of a successful write when it equals the `If-Match` tag that was sent although
    /// the content changed: the server's ETag does not identify the representation (RFC 9110
    /// §8.8.3 says a strong ETag changes with every change to the representation data).
    fn etag_reused(&self, etag: Option<&ETag>) -> Option<ETag> {
        let Precondition::IfMatch(sent) = &self.job.precondition else { return None };
        let changed = self.job.base.as_deref().is_some_and(|base| base != &self.job.mine[..]);
        etag.filter(|tag| changed && tag.strong_eq(sent)).cloned()
    }

    /// Records a body as the new base with its validators; a missing ETag marks the record
    /// stale (RFC 9110 §9.3.4).
    fn store(&mut self, body: &[u8], etag: Option<&ETag>, last_modified: Option<String>) -> Result<Report> {
        let record = &mut self.job.record;
        record.etag = etag.map(|t| t.to_string());
        record.last_modified = last_modified;
        record.stale = etag.is_none();
        record.fetched_at = now_http_date();
        self.session.store.save(&self.job.key, record, Some(body))?;
        Ok(Report {
            command: self.job.command,
            url: self.job.url.to_string(),
            outcome: "written",
            status: None,
            etag_before: self.etag_before.clone(),
            etag: record.etag.clone(),
            attempts: self.attempts,
            bytes: body.len(),
        })
    }
}

/// A 412 although the content is exactly the base: the validator itself is being rejected.
fn rejected_validator(url: &Url, sent: &Precondition, current: Option<&ETag>) -> Error {
    let mut hints = Vec::new();
    let cause = match sent {
        Precondition::IfMatch(tag) if tag.is_weak() => {
            hints.push(
                "weak ETags never match If-Match (RFC 9110 §13.1.1); drop --weak-etag send".to_string(),
            );
            "a weak ETag was sent"
        }
        Precondition::IfUnmodifiedSince(_) => {
            hints.push(
                "the server's clock or Last-Modified may be off; `ifmatch doctor URL` checks it".to_string(),
            );
            // Seen with Apache httpd mod_dav: on PUT it compares the date with the time of the
            // request, so a Last-Modified from the past always fails (see README, Compatibility).
            hints.push(
                "some servers (Apache mod_dav) check If-Unmodified-Since on writes against the current time, so it always fails there; such a server needs ETags (Apache: FileETag MTime Size)"
                    .to_string(),
            );
            "If-Unmodified-Since was rejected"
        }
        _ => {
            hints.push("a proxy or CDN may rewrite the ETag (compression weakens it); `ifmatch doctor URL` checks it".to_string());
            "the ETag the server sends is not the one it accepts"
        }
    };
    Error::Conflict {
        message: format!(
            "{url} answered 412 but its content did not change: {cause}{}; retrying would fail the same way",
            current.map(|t| format!(" (current ETag {t})")).unwrap_or_default()
        ),
        hints,
    }
}

/// Opens the editor until the text is acceptable: valid JSON for a JSON type, no conflict
/// markers. Invalid text is never discarded: the user is offered the editor again, and a
/// refusal hands the text back with the error.
pub async fn edit_until_valid(
    session: &Session,
    start: &[u8],
    suffix: &str,
    json: bool,
) -> Result<Vec<u8>, (Error, Vec<u8>)> {
    let editor = Editor::from_env().map_err(|e| (e, start.to_vec()))?;
    let mut text = start.to_vec();
    loop {
        let edited = editor.edit(&text, suffix).await.map_err(|e| (e, text.clone()))?;
        text = edited.text;
        if let Some(err) = edited.failure {
            return Err((err, text));
        }
        let Some(problem) = problem(&text, json) else { return Ok(text) };
        session.ui.warn(&problem);
        let again = session.settings.interactive && {
            let ui = session.ui;
            interrupt::guard_blocking(move || ui.confirm("Re-open the editor on your text?", true))
                .await
                .map_err(|e| (e, text.clone()))?
        };
        if !again {
            return Err((
                Error::Editor {
                    message: format!("the edited text was not sent: {problem}"),
                    hints: Vec::new(),
                },
                text,
            ));
        }
    }
}

/// Why an edited text cannot be sent, if it cannot.
fn problem(text: &[u8], json: bool) -> Option<String> {
    if crate::merge::has_conflict_markers(text) {
        return Some(
            "the text still has conflict markers (<<<<<<< … >>>>>>>); resolve them first".to_string(),
        );
    }
    if json && let Err(e) = serde_json::from_slice::<serde_json::Value>(text) {
        return Some(format!("invalid JSON: {e}"));
    }
    None
}
