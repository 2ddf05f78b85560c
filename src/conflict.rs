//! The core of the 412 flow, with no I/O: given base, mine and theirs, say what happened
//! ([`assess`]), which answers the prompt offers, and what a non-interactive policy does
//! ([`decide`]). The write cycle performs the requests and the prompting around it.

use crate::cli::ConflictPolicy;
use crate::merge::{self, MergeOutcome};

/// What a refetch after a failed precondition tells us.
pub enum Assessment {
    /// The server already holds exactly what we sent: an earlier attempt (whose response was
    /// lost) was applied (RFC 9110 §13.1.1 allows 412 or 2xx then). Nothing to do.
    AlreadyApplied,
    /// The server's body is byte-identical to our base: nobody changed it, so the validator
    /// itself was rejected (weak ETag, a proxy rewriting it, a stale cache) or it changed
    /// without a content change. Retrying with a fresh validator is safe.
    Unchanged,
    /// Someone else changed the resource. `merge` is `None` when there is no base to merge from.
    Changed { merge: Option<MergeOutcome> },
}

/// Compares the three versions.
pub fn assess(base: Option<&[u8]>, mine: &[u8], theirs: &[u8], json: bool) -> Assessment {
    if theirs == mine {
        return Assessment::AlreadyApplied;
    }
    match base {
        Some(base) if base == theirs => Assessment::Unchanged,
        Some(base) => Assessment::Changed { merge: Some(merge::merge(base, mine, theirs, json)) },
        None => Assessment::Changed { merge: None },
    }
}

/// An answer to the conflict prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Send the clean three-way merge.
    Merge,
    /// Open the editor on the merged text (with markers) or on mine.
    Edit,
    /// Show the diffs again.
    Diff,
    /// Send mine over theirs, replacing their change.
    Overwrite,
    /// Stop; keep the edit.
    Abort,
}

/// The prompt line; `[m]erge` is offered only for a clean merge.
pub fn prompt(clean_merge: bool) -> &'static str {
    if clean_merge {
        "[m]erge & retry · [e]dit merged · [d]iff · [o]verwrite theirs · [a]bort ?"
    } else {
        "[e]dit (resolve by hand) · [d]iff · [o]verwrite theirs · [a]bort ?"
    }
}

/// Reads one typed letter; `None` for anything not on offer. Enter takes the safe default:
/// merge when it is clean, otherwise nothing.
pub fn parse_choice(answer: char, clean_merge: bool) -> Option<Choice> {
    match answer {
        'm' | '\n' if clean_merge => Some(Choice::Merge),
        'e' => Some(Choice::Edit),
        'd' => Some(Choice::Diff),
        'o' => Some(Choice::Overwrite),
        'a' | 'q' => Some(Choice::Abort),
        _ => None,
    }
}

/// What to do without asking, from the policy and `--yes`:
/// - `overwrite` → overwrite;
/// - `merge`, or `--yes` → merge when clean; with no base to merge from, `--yes` retries mine
///   (the user wrote blind and said yes); a conflicted merge is never resolved without a person;
/// - `abort` (the default off a terminal) → abort.
pub fn decide(policy: ConflictPolicy, yes: bool, merge: Option<&MergeOutcome>) -> Choice {
    match (policy, merge) {
        (ConflictPolicy::Overwrite, _) => Choice::Overwrite,
        (ConflictPolicy::Merge, Some(MergeOutcome::Clean(_))) => Choice::Merge,
        (_, Some(MergeOutcome::Clean(_))) if yes => Choice::Merge,
        (_, None) if yes => Choice::Overwrite,
        _ => Choice::Abort,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assessments() {
        assert!(matches!(assess(Some(b"a"), b"b", b"b", false), Assessment::AlreadyApplied));
        assert!(matches!(assess(Some(b"a"), b"b", b"a", false), Assessment::Unchanged));
        assert!(matches!(assess(None, b"b", b"c", false), Assessment::Changed { merge: None }));
        assert!(matches!(
            assess(Some(b"a\nb\n"), b"A\nb\n", b"a\nB\n", false),
            Assessment::Changed { merge: Some(_) }
        ));
    }

    #[test]
    fn choices() {
        assert_eq!(parse_choice('m', true), Some(Choice::Merge));
        assert_eq!(parse_choice('m', false), None);
        assert_eq!(parse_choice('\n', true), Some(Choice::Merge));
        assert_eq!(parse_choice('\n', false), None);
        assert_eq!(parse_choice('o', false), Some(Choice::Overwrite));
        assert_eq!(parse_choice('x', true), None);
    }

    #[test]
    fn policies() {
        let clean = MergeOutcome::Clean(b"x".to_vec());
        let dirty = MergeOutcome::Conflicted { text: b"x".to_vec(), conflicts: vec![] };
        assert_eq!(decide(ConflictPolicy::Abort, false, Some(&clean)), Choice::Abort);
        assert_eq!(decide(ConflictPolicy::Merge, false, Some(&clean)), Choice::Merge);
        assert_eq!(decide(ConflictPolicy::Merge, false, Some(&dirty)), Choice::Abort);
        assert_eq!(decide(ConflictPolicy::Merge, true, Some(&dirty)), Choice::Abort);
        assert_eq!(decide(ConflictPolicy::Abort, true, Some(&clean)), Choice::Merge);
        assert_eq!(decide(ConflictPolicy::Abort, true, None), Choice::Overwrite);
        assert_eq!(decide(ConflictPolicy::Overwrite, false, Some(&dirty)), Choice::Overwrite);
        assert_eq!(decide(ConflictPolicy::Abort, false, None), Choice::Abort);
    }
}
