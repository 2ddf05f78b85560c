//! Ending a cycle well: recording what was written (or found already applied) as the new base
//! with its validators, and the success line. After a PATCH the base is the server's own
//! serialization of the result when it can be fetched under the new ETag.

use url::Url;

use super::Cycle;
use crate::error::Result;
use crate::etag::{ETag, Precondition};
use crate::interrupt;
use crate::session::{Report, Session};
use crate::state::now_http_date;
use crate::write_mode::WriteMode;

impl Cycle<'_> {
    pub(super) async fn written(
        &mut self,
        status: u16,
        etag: Option<ETag>,
        last_modified: Option<String>,
    ) -> Result<Report> {
        let ui = self.session.ui;
        // An unconditional PATCH applied to whatever the server held, so the result is not
        // known to be `mine`: keep no ETag, which marks the record stale (the next write
        // refetches and compares first).
        let blind_patch = self.job.mode != WriteMode::Put && self.job.precondition == Precondition::None;
        let etag = if blind_patch { None } else { etag };
        // The server applied the patch and serialized the result itself: store its bytes.
        let stored = match (self.job.mode, &etag) {
            (WriteMode::Patch(_), Some(tag)) => {
                patched_representation(self.session, &self.job.url, tag).await
            }
            _ => None,
        };
        let reused = self.etag_reused(etag.as_ref());
        let mine = std::mem::take(&mut self.job.mine);
        let report = self.store(stored.as_deref().unwrap_or(&mine), etag.as_ref(), last_modified);
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
            None if blind_patch => {
                "patched without a precondition; the next write refetches first".to_string()
            }
            None => "no ETag in the response; the next write refetches first".to_string(),
        };
        let how = match self.job.mode {
            WriteMode::Put => String::new(),
            WriteMode::Patch(format) => format!(" with PATCH ({})", format.media_type()),
        };
        ui.success(&format!(
            "wrote {}{how} ({status} {}; {validator})",
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
    pub(super) fn store(
        &mut self,
        body: &[u8],
        etag: Option<&ETag>,
        last_modified: Option<String>,
    ) -> Result<Report> {
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

/// After a successful PATCH, the server's serialization of the result: a server formats the
/// patched document itself (key spacing, indentation), and the stored base must be its exact
/// bytes for later diffs and merges. Fetched only while the ETag is still the one the PATCH
/// response carried (a strong ETag names one representation, RFC 9110 §8.8.3); otherwise, or on
/// any failure, `None`, and the caller stores the user's version.
pub async fn patched_representation(session: &Session, url: &Url, etag: &ETag) -> Option<Vec<u8>> {
    if etag.is_weak() {
        return None;
    }
    let fetched = interrupt::guard(session.client.fetch(url)).await.ok()?;
    fetched.etag.filter(|now| now.strong_eq(etag)).map(|_| fetched.body.to_vec())
}
