//! The seam of the write loop: a [`Strategy`] produces the next text after a real concurrent
//! change (or ends the write), seeing the [`Refusal`] the loop classified and answering with
//! [`Settled`]. Everything else about a write is the loop's (`cycle.rs`).

use super::Cycle;
use crate::error::{Error, Result};
use crate::etag::ETag;
use crate::http::Fetched;
use crate::session::Report;

/// Conflict rounds before giving up: each one is a real concurrent change, so hitting the limit
/// means the resource is too busy to win by retrying.
const MAX_ROUNDS: u32 = 5;

/// How the next text is produced after a real concurrent change: the one thing in which the
/// writes differ. Everything else about a write, the cycle does.
pub(crate) trait Strategy {
    /// The text is the person's work, kept in `recovered/` from before the first write until
    /// success (and left there, named in the error, when the write fails).
    fn keeps_text(&self) -> bool {
        false
    }

    /// Whether the server holding exactly this text means it is this run's write. Not for
    /// `apply`: another applier running the same command produces the same text, and its
    /// change must not stand in for ours; only an attempt whose answer was lost is then taken
    /// for the writer.
    fn same_text_is_ours(&self) -> bool {
        true
    }

    /// The success line says how many attempts it took.
    fn counts_attempts(&self) -> bool {
        false
    }

    /// After each refusal (`cycle.rounds` counts them), before the current version is fetched:
    /// by default, gives up when the resource keeps changing. Returns whether time passed, so
    /// that a version fetched before must be fetched again.
    async fn before_refetch(&mut self, cycle: &Cycle<'_>, _refusal: &Refusal) -> Result<bool> {
        if cycle.rounds > MAX_ROUNDS {
            return Err(Error::conflict(format!(
                "{} kept changing: gave up after {MAX_ROUNDS} conflict rounds",
                cycle.job.url
            ))
            .with_hint("try again when the resource is less busy"));
        }
        Ok(false)
    }

    /// Someone else changed the resource: `theirs` is its current version (only its headers for
    /// a streamed body). Set the next text, base and precondition in `cycle.job` and retry, or
    /// end.
    async fn settle(&mut self, cycle: &mut Cycle<'_>, status: u16, theirs: Fetched) -> Result<Settled>;
}

/// What a strategy made of a concurrent change.
pub(crate) enum Settled {
    /// Send the text now in the job.
    Retry,
    /// Nothing more to send.
    Done(Box<Report>),
}

/// A write the server refused, as the loop classified it.
pub(crate) struct Refusal {
    pub status: u16,
    pub detail: String,
    /// The ETag the refusal carried, if any: some servers name their current version there.
    pub told: Option<ETag>,
    pub kind: Refused,
}

/// Why a write did not go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// 412 or a `--conflict-status`: the precondition failed.
    Precondition,
    /// Not sent: the re-check before writing to an unprotected origin found a change.
    Rechecked,
    /// 428 to a write that carried no precondition.
    Required,
    /// 409 to a JSON Patch: a `test` failed (RFC 6902 §5).
    PatchTest,
    /// 409 to a body that carries its version.
    Version,
}
