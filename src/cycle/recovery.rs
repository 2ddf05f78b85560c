//! The user's text on disk while the cycle runs (for a strategy that keeps it, [`super::Merge`]): a copy in `recovered/` is made before the first
//! write (write-ahead: a crash, SIGKILL or a power cut between here and success leaves it
//! there), renewed whenever the text changes (a merge, an edit at the prompt), replaced by the
//! latest text on failure, and removed after success.
//!
//! The copy is paired with the base and validators the text was derived from: those the job
//! started with, until a merge or an edit at the prompt bases the text on the server's newer
//! version. An overwrite does not: resuming such a text meets the other change again, and asks
//! again.

use std::path::{Path, PathBuf};

use super::{Cycle, Job};
use crate::error::Result;
use crate::etag::Precondition;
use crate::http::Fetched;
use crate::session::Session;
use crate::state::{Keep, Origin, Record, ResourceKey};

/// The base and origin the kept text goes with, and where the latest copy is.
pub(super) struct Kept {
    pub path: Option<PathBuf>,
    base: Option<Vec<u8>>,
    origin: Origin,
}

impl Kept {
    pub fn new(job: &Job) -> Kept {
        Kept {
            path: job.recovered.clone(),
            base: job.base.clone(),
            origin: origin(&job.key, &job.record, &job.precondition, job.refresh_first),
        }
    }
}

/// What a text written with `precondition` over a base with `record`'s media type was based on.
pub fn origin(key: &ResourceKey, record: &Record, precondition: &Precondition, stale: bool) -> Origin {
    let mut origin = Origin::new(key);
    match precondition {
        Precondition::IfMatch(tag) => origin.etag = Some(tag.to_string()),
        Precondition::IfUnmodifiedSince(date) => origin.last_modified = Some(date.clone()),
        Precondition::IfNoneMatchAny => origin.create = true,
        Precondition::None => {}
    }
    origin.content_type = record.content_type.clone();
    origin.accept_patch = record.accept_patch.clone();
    origin.stale = stale;
    origin
}

/// Keeps `text` with its base and origin in `recovered/`, replacing `replaces`; `None` when the
/// text is empty.
pub fn keep(
    session: &Session,
    key: &ResourceKey,
    url_path: &str,
    text: &[u8],
    base: Option<&[u8]>,
    origin: &Origin,
    replaces: Option<&Path>,
) -> Result<Option<PathBuf>> {
    let suffix = crate::media::suffix(origin.content_type.as_deref(), url_path);
    let keep = Keep { text, suffix: &suffix, base, origin };
    session.store.save_recovered(key, &keep, replaces)
}

impl Cycle<'_> {
    /// Saves the current text with the base it goes with; returns where it is. `None` also
    /// when the strategy keeps no copy.
    pub(super) fn keep(&mut self) -> Result<Option<PathBuf>> {
        let Some(kept) = &self.kept else { return Ok(None) };
        let path = keep(
            self.session,
            &self.job.key,
            self.job.url.path(),
            &self.job.mine,
            kept.base.as_deref(),
            &kept.origin,
            kept.path.as_deref(),
        )?;
        if let (Some(kept), Some(path)) = (&mut self.kept, &path) {
            kept.path = Some(path.clone());
        }
        Ok(path)
    }

    /// The text is now derived from the server's version `theirs` (a merge, or an edit at the
    /// prompt): pair the kept copy with it, and save the text.
    pub(super) fn rebase(&mut self, theirs: &Fetched, fresh: &Precondition) -> Result<()> {
        let stale = false;
        let Some(kept) = &mut self.kept else { return Ok(()) };
        kept.origin = origin(&self.job.key, &self.job.record, fresh, stale);
        kept.base = Some(theirs.body.to_vec());
        self.keep().map(|_| ())
    }

    /// After [`Cycle::rebase`] for a text made at the conflict prompt: the kept copy also
    /// remembers that conflict's base and mine (for JSON), so that a resume can check what the
    /// text undoes.
    pub(super) fn kept_from_conflict(&mut self, base: &[u8], mine: &[u8]) -> Result<()> {
        let (Ok(base), Ok(mine)) = (std::str::from_utf8(base), std::str::from_utf8(mine)) else {
            return Ok(());
        };
        let Some(kept) = &mut self.kept else { return Ok(()) };
        kept.origin.conflict =
            Some(Box::new(crate::state::ConflictSides { base: base.to_string(), mine: mine.to_string() }));
        self.keep().map(|_| ())
    }

    /// The text is now to create the resource: a resume of the kept copy sends
    /// `If-None-Match: *` too.
    pub(super) fn kept_as_create(&mut self) {
        if let Some(kept) = &mut self.kept {
            kept.origin.create = true;
        }
    }

    /// After success: the copy is no longer needed.
    pub(super) fn discard(&mut self) -> Result<()> {
        match self.kept.as_mut().and_then(|kept| kept.path.take()) {
            Some(path) => self.session.store.discard_recovered(&path),
            None => Ok(()),
        }
    }
}
