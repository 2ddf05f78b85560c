//! After a refusal: the current version, fetched past caches that serve stale copies
//! ([`crate::fresh::refetch`]), and what every write concludes from it alike — the server
//! already holds the text (an earlier attempt was applied), nobody changed the content (renew
//! the validator, or stop when that very validator was refused), a create that lost. Only a
//! real concurrent change goes on to the strategy. A body streamed from a file is compared by
//! SHA-256 — the server's version hashed as it is read, ours as it was sent ([`Streamed`]) —
//! and never held in memory.

use std::cell::OnceCell;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Cycle, Refusal, Refused, Settled, Strategy, refusal};
use crate::conflict::{self, Assessment};
use crate::error::{Error, IoResultExt, Result};
use crate::etag::Precondition;
use crate::http::{Download, Fetched, SentDigest};
use crate::session::{Outcome, Report};
use crate::state::Base;

/// A body streamed from a file (a large upload), and what the file was based on, known only by
/// its digest. The file is hashed as each attempt streams it out (`sent`): what the server was
/// sent is known by its digest even when the file changes meanwhile, and the file is not read
/// again to compare or to record it.
pub struct Streamed {
    pub path: PathBuf,
    /// The length the request announces, as the file had when the upload began.
    pub len: u64,
    pub base: Option<Base>,
    /// The digest of every attempt's body, taken as it was sent.
    pub sent: SentDigest,
    /// The file's digest from a read of it before any attempt sent it whole: given by the
    /// caller when it hashed the file already, else taken once, when a comparison first needs it.
    read: OnceCell<Base>,
}

impl Streamed {
    pub fn new(path: PathBuf, len: u64, base: Option<Base>, read: Option<Base>) -> Streamed {
        let known = OnceCell::new();
        if let Some(read) = read {
            let _ = known.set(read);
        }
        Streamed { path, len, base, sent: SentDigest::default(), read: known }
    }

    /// This run's text, by digest, to compare with the server's `theirs`: a body some attempt
    /// sent, when the server holds it; else what the latest attempt sent; else the file as read
    /// before (hashed at most once). What was sent is what matters: the file may have been
    /// saved again since.
    pub fn mine(&self, theirs: &[u8; 32]) -> Result<Base> {
        let sent = |sha256| Base::Digest { sha256, len: self.len };
        if self.sent.any(theirs) {
            return Ok(sent(*theirs));
        }
        if let Some(last) = self.sent.last() {
            return Ok(sent(last));
        }
        if let Some(read) = self.read.get() {
            return Ok(read.clone());
        }
        let read = digest_of_file(&self.path)?;
        Ok(self.read.get_or_init(|| read).clone())
    }
}

/// The server's current version: the body in memory, or for a streamed body only its headers
/// and its digest.
pub(super) struct Current {
    pub fetched: Fetched,
    sha256: Option<[u8; 32]>,
}

impl Current {
    pub fn text(fetched: Fetched) -> Current {
        Current { fetched, sha256: None }
    }
}

impl Cycle<'_> {
    /// After a refusal: counts the round, lets the strategy give up or pause, and fetches the
    /// current version. `None`: retry at once (a 428 for a resource that does not exist yet).
    pub(super) async fn refused(
        &mut self,
        strategy: &mut impl Strategy,
        refusal: Refusal,
    ) -> Result<Option<Current>> {
        self.rounds += 1;
        if self.lost_answer.is_some() && refusal.kind != Refused::Required {
            // The refusal may be the lost attempt's own doing: look first, so that a strategy
            // that gives up or pauses does not miss that the write is done.
            let current = self.current(&refusal, false).await?;
            let applied = match &current {
                Some(current) => {
                    self.compare(current, strategy.same_text_is_ours())? == Assessment::AlreadyApplied
                }
                None => false,
            };
            if applied {
                return Ok(current);
            }
            // Not applied: the lost attempt is out of the picture. A later version that holds
            // the same text is someone else's (another applier running the same command), and
            // must not be taken for this run's write.
            self.lost_answer = None;
            if !strategy.before_refetch(self, &refusal).await? {
                return Ok(current);
            }
            // Time passed: fetched again, the refusal already told.
            return self.current(&refusal, true).await;
        }
        strategy.before_refetch(self, &refusal).await?;
        self.current(&refusal, false).await
    }

    /// The current version, fetched as the refusal calls for; `told`: what the refusal means
    /// was said already (a second fetch after a pause), so it is not said again.
    async fn current(&mut self, refusal: &Refusal, told: bool) -> Result<Option<Current>> {
        let ui = self.session.ui;
        let shown = if refusal.detail.is_empty() { String::new() } else { format!(" ({})", refusal.detail) };
        match refusal.kind {
            Refused::Precondition | Refused::Rechecked => self.refetch(refusal.told.as_ref()).await.map(Some),
            Refused::Required => match self.fetch_current().await {
                Ok(current) if self.fresh_precondition(&current.fetched)? == Precondition::None => {
                    Err(refusal::required_without_validator(&self.job.url))
                }
                Ok(current) => Ok(Some(current)),
                // Nothing there yet: creating it with If-None-Match: * cannot overwrite
                // anything, and still fails if someone creates it first.
                Err(e) if matches!(e.status_code(), Some(404 | 410)) => {
                    ui.note("it does not exist yet: creating it with If-None-Match: *");
                    self.job.precondition = Precondition::IfNoneMatchAny;
                    // A kept copy of this text is now a create, too (for --resume).
                    self.kept_as_create();
                    Ok(None)
                }
                Err(e) => Err(e),
            },
            // RFC 5789 §2.2 and RFC 6902 §5 make a failed `test` a conflict with the
            // resource's state: a field the patch changes was changed on the server. When the
            // content did not change at all, the server refused the patch for another reason,
            // and retrying would not help.
            Refused::PatchTest => {
                if !told {
                    ui.warn(&format!(
                        "the server answered 409 Conflict to the JSON Patch{shown}: a test operation failed, so a field you changed was changed on the server"
                    ));
                }
                let current = self.fetch_current().await?;
                if self.job.base.as_deref() == Some(&current.fetched.body[..]) {
                    return Err(refusal::patch_refused(&self.job.url, &shown));
                }
                Ok(Some(current))
            }
            // A version conflict when the version moved on from the one the text carries;
            // otherwise the server refused the write for another reason (a validation error,
            // say), which no merge or retry can fix.
            Refused::Version => {
                let pointer = self.job.record.version_field.clone().unwrap_or_default();
                let sent = crate::body_version::value(&self.job.mine, &pointer);
                let current = self.refetch(None).await?;
                let now = crate::body_version::value(&current.fetched.body, &pointer);
                if sent.is_some() && now != sent {
                    if told {
                        return Ok(Some(current));
                    }
                    ui.note(&format!(
                        "the server answered 409 Conflict{shown}: the version at {pointer} moved on from {} to {}; someone changed it since your copy was fetched",
                        crate::body_version::shown(sent.as_ref()),
                        crate::body_version::shown(now.as_ref())
                    ));
                    return Ok(Some(current));
                }
                Err(refusal::version_unchanged(&self.job.url, &pointer, now.as_ref(), &refusal.detail))
            }
        }
    }

    /// Settles the refusal of `status` with the current version; `Some` ends the loop.
    pub(super) async fn settle(
        &mut self,
        strategy: &mut impl Strategy,
        status: u16,
        current: Current,
    ) -> Result<Option<Report>> {
        let ui = self.session.ui;
        let theirs = &current.fetched;
        match self.compare(&current, strategy.same_text_is_ours())? {
            Assessment::AlreadyApplied => {
                match self.lost_answer {
                    Some(n) => ui.success(&format!(
                        "the {} attempt had already been applied: the server holds exactly your version; nothing more to send",
                        refusal::ordinal(n)
                    )),
                    None => ui.success(
                        "the server already holds exactly your version (an earlier write was applied); nothing more to send",
                    ),
                }
                let written = super::outcome::as_written(theirs);
                let mut report = match (&self.job.streamed, current.sha256) {
                    // The server holds this run's text as sent (not the file, which may have
                    // been saved again since).
                    (Some(file), Some(theirs)) => {
                        let held = file.mine(&theirs)?;
                        self.store_sent(held, written)?
                    }
                    _ => self.store(Some(&theirs.body), written)?,
                };
                report.outcome = Outcome::AlreadyApplied;
                report.status = Some(theirs.status);
                Ok(Some(report))
            }
            // A create (If-None-Match: *) promised to create, never to replace: someone else
            // created it first, and no policy or answer turns that into an overwrite. A resumed
            // create is different: the person is back to decide, so it goes through the
            // conflict flow like any other text with no base.
            _ if self.job.precondition == Precondition::IfNoneMatchAny && self.job.recovered.is_none() => {
                Err(refusal::exists(&self.job.url))
            }
            Assessment::Unchanged => {
                let fresh = self.fresh_precondition(theirs)?;
                if fresh == self.job.precondition && status != 428 {
                    return Err(refusal::rejected_validator(
                        &self.job.url,
                        status,
                        &self.job.precondition,
                        theirs.etag.as_ref(),
                        self.refetched.as_ref(),
                    ));
                }
                ui.note(&format!(
                    "nobody changed the content; retrying with the fresh validator ({})",
                    fresh.describe()
                ));
                self.job.precondition = fresh;
                Ok(None)
            }
            Assessment::Changed => match strategy.settle(self, status, current.fetched).await? {
                Settled::Retry => Ok(None),
                Settled::Done(report) => Ok(Some(*report)),
            },
        }
    }

    /// Compares the current version with the text and its base. `same_text_is_ours`: the
    /// server holding the text counts as this run's write even when no answer was lost.
    fn compare(&self, current: &Current, same_text_is_ours: bool) -> Result<Assessment> {
        let ours = same_text_is_ours || self.lost_answer.is_some();
        let (assessment, also_applied) = match &self.job.streamed {
            Some(file) => {
                let theirs = current.sha256.expect("a streamed body's current version is read as a digest");
                let base = file.base.as_ref().map(Base::sha256);
                (conflict::assess(base.as_ref(), &file.mine(&theirs)?.sha256(), &theirs), false)
            }
            None => {
                let (theirs, mine) = (&current.fetched.body[..], &self.job.mine[..]);
                let base = self.job.base.as_deref();
                // The server moves a version kept in the body on with every write: holding the
                // text with another version there is holding the text.
                let apart_from_version = self
                    .job
                    .record
                    .version_field
                    .as_deref()
                    .is_some_and(|pointer| crate::body_version::same_apart_from(theirs, mine, pointer));
                // After an attempt whose answer was lost, a server that serializes JSON its own
                // way (a PATCH's result) holds the text as the same value.
                let same_value = self.lost_answer.is_some()
                    && base != Some(theirs)
                    && crate::media::is_json(self.job.record.content_type.as_deref())
                    && same_json(theirs, mine);
                (conflict::assess(base, mine, theirs), apart_from_version || same_value)
            }
        };
        Ok(match assessment {
            Assessment::AlreadyApplied if ours => Assessment::AlreadyApplied,
            _ if ours && also_applied => Assessment::AlreadyApplied,
            // Not ours, and not the base either (that would be a text with no change).
            Assessment::AlreadyApplied => Assessment::Changed,
            other => other,
        })
    }

    /// A plain fetch of the current version (no cache-busting: nothing was refused).
    async fn fetch_current(&self) -> Result<Current> {
        if self.job.streamed.is_some() {
            let download = self.session.client.open(&self.job.url).await.map_err(|e| self.gone(e))?;
            return read(download, true).await;
        }
        self.fetch().await.map(Current::text)
    }

    pub(super) async fn fetch(&self) -> Result<Fetched> {
        self.session.client.fetch(&self.job.url).await.map_err(|e| self.gone(e))
    }

    /// The current version after the server refused the precondition sent: past any cache
    /// that serves stale copies, when it can be ([`crate::fresh::refetch`]).
    async fn refetch(&mut self, told: Option<&crate::etag::ETag>) -> Result<Current> {
        let refusal = crate::fresh::Refusal { sent: &self.job.precondition, told };
        let (copy, report) =
            crate::fresh::refetch(self.session, &self.job.url, refusal).await.map_err(|e| self.gone(e))?;
        let current = read(copy, self.job.streamed.is_some()).await?;
        self.refetched = Some(report);
        Ok(current)
    }

    /// Between our copy and now the resource went away: writing it anew can make sense.
    fn gone(&self, e: Error) -> Error {
        match e {
            e if e.status_code() == Some(404) => e.with_hint(format!(
                "it may have been deleted since your copy was fetched; `ifmatch put {} FILE --create` creates it again (and fails if someone else did first)",
                self.job.url
            )),
            e => e,
        }
    }
}

/// Reads a fetched body: into memory, or by `digest` only, streaming it.
async fn read(mut download: Download, digest: bool) -> Result<Current> {
    if !digest {
        return download.collect().await.map(Current::text);
    }
    let mut hasher = Sha256::new();
    while let Some(chunk) = download.chunk().await? {
        hasher.update(&chunk);
    }
    Ok(Current { fetched: download.head(), sha256: Some(hasher.finalize().into()) })
}

/// Whether two bodies are the same JSON value.
fn same_json(a: &[u8], b: &[u8]) -> bool {
    let value = |bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok();
    value(a).zip(value(b)).is_some_and(|(a, b)| a == b)
}

/// The digest and length of the file at `path`, streaming it.
pub fn digest_of_file(path: &Path) -> Result<Base> {
    let mut file = std::fs::File::open(path).context("open", path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 1 << 16];
    let mut len = 0;
    loop {
        let n = file.read(&mut buf).context("read", path)?;
        if n == 0 {
            return Ok(Base::Digest { sha256: hasher.finalize().into(), len });
        }
        hasher.update(&buf[..n]);
        len += n as u64;
    }
}
