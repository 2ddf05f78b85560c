//! Ending a write well: recording what was written (or found already applied) as the new base
//! with its validators, the success line, and the report. After a PATCH the base is the
//! server's own serialization of the result when it can be fetched under the new ETag; after a
//! write whose version is in the body, the server's copy with its new version; a streamed file
//! by the digest of what was sent (the file itself only while it still holds those bytes).

use url::Url;

use super::{Cycle, Strategy};
use crate::error::Result;
use crate::etag::{ETag, Precondition};
use crate::http::Fetched;
use crate::session::{Outcome, Report, Session};
use crate::state::{Base, NewBase, Record, Written};
use crate::write_mode::WriteMode;

impl Cycle<'_> {
    pub(super) async fn written(
        &mut self,
        strategy: &impl Strategy,
        status: u16,
        etag: Option<ETag>,
        last_modified: Option<String>,
    ) -> Result<Report> {
        let ui = self.session.ui;
        // An unconditional PATCH applied to whatever the server held, so the result is not
        // known to be `mine`: keep no validator, which marks the record stale (the next write
        // refetches and compares first).
        let blind_patch = self.job.mode != WriteMode::Put && self.job.precondition == Precondition::None;
        let (etag, last_modified) = if blind_patch { (None, None) } else { (etag, last_modified) };
        // The server applied the patch and serialized the result itself: store its bytes.
        let stored = match (self.job.mode, &etag) {
            (WriteMode::Patch(_), Some(tag)) if status != 202 => {
                patched_representation(self.session, &self.job.url, tag).await
            }
            _ => None,
        };
        let reused = self.etag_reused(etag.as_ref());
        // A version kept in the body is moved on by the server: the text written carries the
        // old one, so the base to keep is the server's own copy of it.
        let in_body = match (&self.job.record.version_field, self.job.mode) {
            (Some(pointer), WriteMode::Put) if status != 202 && self.job.streamed.is_none() => {
                Some(self.with_new_version(pointer).await)
            }
            _ => None,
        };
        let mut report = match &in_body {
            Some(Some(fetched)) => {
                // What the server holds is this text with its new version: that is what was
                // written, for the caller too.
                self.job.mine = fetched.body.to_vec();
                self.store(Some(&fetched.body), as_written(fetched))?
            }
            _ => {
                let written =
                    Written { status, etag: etag.as_ref(), last_modified: last_modified.as_deref() };
                match &self.job.streamed {
                    Some(file) => match file.sent.last() {
                        // What the accepted attempt sent, as it went out: the file may have been
                        // saved again since, and that newer text is for the next write to send.
                        Some(sha256) => {
                            let sent = Base::Digest { sha256, len: file.len };
                            self.store_sent(sent, written)?
                        }
                        None => self.store_unsure(written)?,
                    },
                    None => {
                        let mine = std::mem::take(&mut self.job.mine);
                        let report = self.store(Some(stored.as_deref().unwrap_or(&mine)), written);
                        self.job.mine = mine;
                        report?
                    }
                }
            }
        };
        if let Some(None) = in_body {
            // The base kept still names the old version: the next write refetches first.
            self.mark_stale();
        }
        if let Some(tag) = reused {
            ui.warn(&format!(
                "{} answered with the same ETag {tag} it had before this change: its ETags do not track the content \
                 (some servers build them from the size and a one-second mtime), so a change by someone else within \
                 the same second can pass If-Match unseen; the next write refetches and compares the content first",
                self.job.url
            ));
            self.mark_stale();
        }
        report.status = Some(status);
        report.outcome = if self.overwrote {
            Outcome::Overwritten
        } else if self.merged {
            Outcome::Merged
        } else if status == 201 {
            Outcome::Created
        } else {
            Outcome::Written
        };
        let validator =
            if let (Some(Some(fetched)), Some(pointer)) = (&in_body, &self.job.record.version_field) {
                let value = crate::body_version::value(&fetched.body, pointer);
                format!("new version {pointer} = {}", crate::body_version::shown(value.as_ref()))
            } else if in_body.is_some() {
                "the new version could not be read back; the next write refetches first".to_string()
            } else if blind_patch {
                "patched without a precondition; the next write refetches first".to_string()
            } else {
                validator_note(&self.job.record, status, self.session.settings.send_weak)
            };
        let how = match self.job.mode {
            WriteMode::Put => String::new(),
            WriteMode::Patch(format) => format!(" with PATCH ({})", format.media_type()),
        };
        let streamed = match &self.job.streamed {
            Some(file) => format!("; {} bytes streamed", file.len),
            None => String::new(),
        };
        let tally = match self.attempts {
            n if n > 1 && strategy.counts_attempts() => format!(", after {n} attempts"),
            _ => String::new(),
        };
        ui.success(&format!(
            "wrote {}{how} ({status} {}; {validator}{streamed}{tally})",
            self.job.url,
            crate::error::reason(status)
        ));
        Ok(report)
    }

    /// Marks the record stale, so that the next write refetches and compares first.
    fn mark_stale(&mut self) {
        self.job.record.stale = true;
        if let Err(err) = self.session.store.save(&self.job.key, &mut self.job.record, None) {
            self.session.ui.warn(&format!(
                "could not mark the record stale ({err}); run `ifmatch get` before the next write"
            ));
        }
    }

    /// After a write to a resource whose version is in the body: the server's copy, when it is
    /// the text written apart from the version field (anything else means another change came
    /// in between, and then `None`).
    async fn with_new_version(&self, pointer: &str) -> Option<Fetched> {
        let fetched = self.session.client.fetch(&self.job.url).await.ok()?;
        crate::body_version::same_apart_from(&fetched.body, &self.job.mine, pointer).then_some(fetched)
    }

    /// The ETag of a successful write when it equals the `If-Match` tag that was sent although
    /// the content changed: the server's ETag does not identify the representation (RFC 9110
    /// §8.8.3 says a strong ETag changes with every change to the representation data).
    fn etag_reused(&self, etag: Option<&ETag>) -> Option<ETag> {
        let Precondition::IfMatch(sent) = &self.job.precondition else { return None };
        let changed = self.job.base.as_deref().is_some_and(|base| base != &self.job.mine[..]);
        etag.filter(|tag| changed && tag.strong_eq(sent)).cloned()
    }

    /// Records a body (`None`: the text) as the new base with the validators that came with it.
    pub(super) fn store(&mut self, body: Option<&[u8]>, written: Written<'_>) -> Result<Report> {
        let body = body.unwrap_or(&self.job.mine);
        let bytes = body.len();
        self.session.record_written(&self.job.key, &mut self.job.record, written, NewBase::Bytes(body));
        Ok(self.stored(bytes))
    }

    /// Records the streamed file's body the server holds, known by its digest (`held`: what an
    /// attempt sent), as the new base with the validators that came with it. The store copies
    /// the file in only while it still holds those very bytes.
    pub(super) fn store_sent(&mut self, held: Base, written: Written<'_>) -> Result<Report> {
        let file = self.job.streamed.as_ref().expect("only a streamed body is recorded by its digest");
        let base = NewBase::File { path: &file.path, sha256: held.sha256(), len: held.len() };
        self.session.record_written(&self.job.key, &mut self.job.record, written, base);
        Ok(self.stored(held.len() as usize))
    }

    /// A streamed file the server accepted although the attempt did not send it whole (the
    /// server answered before it read the body to its end): what it stored is not known for
    /// sure. The file as it is now is recorded (when it can be read), and the record marked
    /// stale either way, so that the next write fetches the server's version and compares first.
    fn store_unsure(&mut self, written: Written<'_>) -> Result<Report> {
        let file = self.job.streamed.as_ref().expect("only a streamed body is recorded by its digest");
        self.session.ui.warn(&format!(
            "{} answered before it had read all of {}, so what it stored is not known for sure; the next write refetches and compares first",
            self.job.url,
            file.path.display()
        ));
        let report = match crate::cycle::digest_of_file(&file.path) {
            Ok(now) => self.store_sent(now, written)?,
            Err(_) => self.stored(file.len as usize),
        };
        self.mark_stale();
        Ok(report)
    }

    /// The report of a write just recorded, of `bytes` bytes.
    fn stored(&self, bytes: usize) -> Report {
        let mut report = self.report();
        report.etag = self.job.record.etag.clone();
        report.bytes = bytes;
        report
    }

    /// The report as far as the loop got: the validator sent first, the attempts, and how the
    /// last refetch went.
    pub fn report(&self) -> Report {
        let mut report = Report::new(self.job.command, &self.job.url);
        report.outcome = Outcome::Written;
        report.etag_before = self.etag_before.clone();
        report.attempts = self.attempts;
        report.cache = self.refetched.as_ref().and_then(|r| r.cache.clone());
        report.refetch = self.refetched.clone();
        report
    }
}

/// What the success line says about the validator the next write will use, from the record
/// [`crate::state::Store::record_write`] just saved.
pub fn validator_note(record: &Record, status: u16, send_weak: bool) -> String {
    if status == 202 {
        return "202 Accepted: the change is not applied yet, so the next write refetches first".to_string();
    }
    let etag = record.etag.as_deref().and_then(ETag::parse);
    match Precondition::choose(etag.as_ref(), record.last_modified.as_deref(), send_weak) {
        Precondition::IfMatch(tag) => format!("new ETag {tag}"),
        Precondition::IfUnmodifiedSince(date) => {
            format!("no strong ETag in the response; the next write sends If-Unmodified-Since: {date}")
        }
        Precondition::None if etag.is_some() => {
            "only a weak ETag in the response; the next write refetches first".to_string()
        }
        Precondition::None | Precondition::IfNoneMatchAny => {
            "no ETag in the response; the next write refetches first".to_string()
        }
    }
}

/// A fetch that shows the server holding what the cycle settled on, as a write to record.
pub(super) fn as_written(fetched: &Fetched) -> Written<'_> {
    Written {
        status: fetched.status,
        etag: fetched.etag.as_ref(),
        last_modified: fetched.last_modified.as_deref(),
    }
}

/// After a successful PATCH, the server's serialization of the result: a server formats the
/// patched document itself (key spacing, indentation), and the stored base must be its exact
/// bytes for later diffs and merges. Fetched only while the ETag is still the one the PATCH
/// response carried (a strong ETag names one representation, RFC 9110 §8.8.3); otherwise, or on
/// any failure, `None`, and the caller stores the user's version.
pub async fn patched_representation(session: &Session, url: &Url, etag: &ETag) -> Option<Vec<u8>> {
    if etag.is_weak() {
        return None;
    }
    let fetched = session.client.fetch(url).await.ok()?;
    fetched.etag.filter(|now| now.strong_eq(etag)).map(|_| fetched.body.to_vec())
}
