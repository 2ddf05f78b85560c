//! Large uploads with nothing to merge: `put FILE` for a file of [`STREAM_THRESHOLD`] bytes or
//! more when the state store holds no base for it, and for any file whose base is kept only as
//! a digest (over the size limit for full bases). The write loop (`cycle`) streams the file
//! from disk on every attempt, never holding it in memory, and compares the server's version
//! with it by digest: the digest still tells a resource nobody changed (the write is retried
//! with its fresh validator) from a real change. A real change can then only be overwritten or
//! abandoned — there is no base to merge from — which is this module's strategy; the user's
//! file is never touched either way. A transient failure (`--retry`) reopens the file and
//! streams it again from the start: the write's precondition makes sending it twice safe.

use std::path::Path;

use url::Url;

use crate::conflict::{self, Decision, Mergeable, Plan, Policy};
use crate::cycle::{self, Cycle, Job, Settled, Strategy, Streamed};
use crate::error::{Error, IoResultExt, Result};
use crate::etag::Precondition;
use crate::http::Fetched;
use crate::interrupt;
use crate::session::{Report, Session};
use crate::state::{Base, Record, ResourceKey};

/// Files at least this large stream when there is no base to merge with.
pub const STREAM_THRESHOLD: u64 = 8 << 20;

/// A file to stream.
pub struct Upload<'a> {
    pub path: &'a Path,
    /// What the file was based on, known by its digest.
    pub base: Option<&'a Base>,
    /// The file's own digest, when the caller took it already (it is not taken again).
    pub read: Option<Base>,
}

/// Streams the file to `url` with `precondition`, handling conflicts by policy. Returns the
/// report and the record as saved, whose base is what was sent.
pub async fn run(
    session: &Session,
    url: &Url,
    key: &ResourceKey,
    record: Record,
    upload: Upload<'_>,
    precondition: Precondition,
) -> Result<(Report, Record)> {
    let path = upload.path;
    let before = std::fs::metadata(path).context("inspect", path)?;
    let streamed = Streamed::new(path.to_path_buf(), before.len(), upload.base.cloned(), upload.read);
    let job = Job {
        in_user_file: true,
        streamed: Some(streamed),
        ..Job::new("put", url.clone(), key.clone(), record, Vec::new(), precondition)
    };
    let done = cycle::run(session, job, &mut OverwriteOrAbort).await?;
    // Saved again while it was sent: the server holds the version sent (and the store says so),
    // so the next put sends the newer one. Told by size and time, to spare reading it again.
    let now = std::fs::metadata(path).ok();
    if now.is_some_and(|now| now.len() != before.len() || now.modified().ok() != before.modified().ok()) {
        session.ui.note(&format!(
            "{} changed while it was being sent; {url} holds the version that was sent, and the next `ifmatch put {url} {}` sends the change",
            path.display(),
            path.display()
        ));
    }
    Ok((done.report, done.record))
}

/// What a streamed file does about a concurrent change: with no base there is nothing to
/// merge, so only an explicit overwrite (or `o` at the prompt), or `--yes` after a 428 to a
/// blind write, replaces the server's version.
struct OverwriteOrAbort;

impl Strategy for OverwriteOrAbort {
    async fn settle(&mut self, cycle: &mut Cycle<'_>, status: u16, theirs: Fetched) -> Result<Settled> {
        let session = cycle.session;
        let ui = session.ui;
        let url = &cycle.job.url;
        let file = cycle.job.streamed.as_ref().expect("an upload's job streams its file");
        let path = file.path.display();
        if let Some(base) = &file.base {
            ui.note(&format!(
                "no merge offered: the base of {path} is kept only as its digest, since it is {} bytes, over the limit of {} bytes for full bases (--base-limit SIZE or {} keeps larger ones, from the next get)",
                base.len(),
                session.store.base_limit(),
                crate::state::BASE_LIMIT_ENV
            ));
        }
        let blind_428 = status == 428 && cycle.job.precondition == Precondition::None;
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
            let merge = format!(
                "to merge, run `ifmatch get {url} -o FILE`, apply your change to FILE, then `ifmatch put {url} FILE`"
            );
            let hints = [merge, replace.to_string()].into_iter().take(if asked { 1 } else { 2 });
            let message = format!("{url} holds another version; nothing was written and {path} is unchanged");
            return Err(Error::conflict(message).with_hints(hints));
        }
        let fresh = cycle.fresh_precondition(&theirs)?;
        ui.warn(&format!("overwriting the other version of {url} with {path}, as asked"));
        cycle.job.precondition = fresh;
        cycle.overwrote = true;
        Ok(Settled::Retry)
    }
}

/// Whether the file at `path` is exactly `base`, compared by digest, streaming the file.
pub fn file_matches(path: &Path, base: &Base) -> Result<bool> {
    Ok(digest_if_same_length(path, base)?.is_some_and(|read| read.sha256() == base.sha256()))
}

/// The file's digest (streaming it), when it has the length of `base`; `None` when its length
/// alone tells it apart, unread.
pub fn digest_if_same_length(path: &Path, base: &Base) -> Result<Option<Base>> {
    let len = std::fs::metadata(path).context("inspect", path)?.len();
    if len != base.len() {
        return Ok(None);
    }
    cycle::digest_of_file(path).map(Some)
}
