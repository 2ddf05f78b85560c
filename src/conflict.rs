//! The core of the 412 flow, with no I/O: given base, mine and theirs, say what happened
//! ([`assess`]), which answers the prompt offers ([`Answer`]), and what the conflict policy
//! decides ([`decide`]) — the one place where `--on-conflict` and `--yes` are interpreted, for
//! the write cycle, large streamed uploads and `apply` alike. The callers perform the requests
//! and the prompting around it.

use crate::cli::ConflictPolicy;
use crate::merge::MergeOutcome;
use crate::settings::Settings;

/// What a refetch after a failed precondition tells us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assessment {
    /// The server already holds exactly what we sent: an earlier attempt (whose response was
    /// lost) was applied (RFC 9110 §13.1.1 allows 412 or 2xx then). Nothing to do.
    AlreadyApplied,
    /// The server's body is identical to our base: nobody changed it, so the validator
    /// itself was rejected (weak ETag, a proxy rewriting it, a stale cache) or it changed
    /// without a content change. Retrying with a fresh validator is safe.
    Unchanged,
    /// Someone else changed the resource (or no base is known to tell).
    Changed,
}

/// Compares the three versions: bodies, or their digests (a streamed file).
pub fn assess<T: PartialEq + ?Sized>(base: Option<&T>, mine: &T, theirs: &T) -> Assessment {
    if theirs == mine {
        return Assessment::AlreadyApplied;
    }
    match base {
        Some(base) if base == theirs => Assessment::Unchanged,
        _ => Assessment::Changed,
    }
}

/// What is done about a conflict, decided by a person or by the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send the clean three-way merge.
    Merge,
    /// Open the editor on the merged text (with markers) or on mine.
    Edit,
    /// Send mine over theirs, replacing their change.
    Overwrite,
    /// Stop; keep the edit.
    Abort,
}

/// An answer typed at the conflict prompt: a decision, or a request to see the diffs again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Decide(Decision),
    /// Show the diffs again and ask again.
    Diff,
}

/// The prompt line; `[M]erge` is offered only for a clean merge, and is then what Enter does.
pub fn prompt(clean_merge: bool) -> &'static str {
    if clean_merge {
        "[M]erge & retry (Enter) · [e]dit merged · [d]iff · [o]verwrite theirs · [a]bort (q, Ctrl-D) ?"
    } else {
        "[e]dit (resolve by hand) · [d]iff · [o]verwrite theirs · [a]bort (q, Ctrl-D) ?"
    }
}

/// What the keys do, for an answer that is not one of them (Enter, when there is no clean
/// merge to take).
pub fn keys(clean_merge: bool) -> &'static str {
    if clean_merge {
        "  Enter or m merges and retries; e edits the merge, d shows the diffs, o overwrites theirs, a or q aborts"
    } else {
        "  nothing is done on Enter here: e edits (resolve by hand), d shows the diffs, o overwrites theirs, a or q aborts"
    }
}

/// The question that guards `o` at the prompt: it replaces someone else's work.
pub const OVERWRITE_CONFIRM: &str = "Replace their change with your version?";

/// Reads one typed letter; `None` for anything not on offer. Enter takes the safe default:
/// merge when it is clean, otherwise nothing.
pub fn parse_answer(answer: char, clean_merge: bool) -> Option<Answer> {
    match answer {
        'm' | '\n' if clean_merge => Some(Answer::Decide(Decision::Merge)),
        'e' => Some(Answer::Decide(Decision::Edit)),
        'd' => Some(Answer::Diff),
        'o' => Some(Answer::Decide(Decision::Overwrite)),
        'a' | 'q' => Some(Answer::Decide(Decision::Abort)),
        _ => None,
    }
}

/// How far the three-way merge got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mergeable {
    /// Both changes combine with nothing left to decide.
    Clean,
    /// The changes collide: only a person can resolve them.
    Conflicted,
    /// No base is known, so there is nothing to merge from.
    NoBase,
}

impl Mergeable {
    pub fn of(merge: Option<&MergeOutcome>) -> Mergeable {
        match merge {
            Some(MergeOutcome::Clean(_)) => Mergeable::Clean,
            Some(MergeOutcome::Conflicted { .. }) => Mergeable::Conflicted,
            None => Mergeable::NoBase,
        }
    }
}

/// The conflict policy of one run: `--on-conflict` as given (the default is told apart from
/// an explicit `ask` or `abort`), `--yes`, and whether a person can be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub explicit: Option<ConflictPolicy>,
    pub yes: bool,
    /// stdin and stderr are terminals.
    pub interactive: bool,
}

impl Policy {
    pub fn from_settings(settings: &Settings) -> Policy {
        Policy { explicit: settings.on_conflict, yes: settings.yes, interactive: settings.interactive }
    }
}

/// The policy's verdict: a decision, or ask the person at the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Decided(Decision),
    Ask,
}

/// What to do about a known concurrent change. Overwriting it takes an explicit
/// `--on-conflict overwrite` (or the `o` answer at the prompt); nothing else ever does:
/// - `--on-conflict overwrite` → overwrite; `--on-conflict abort` → abort;
/// - `--on-conflict merge` → merge when clean; otherwise ask on a terminal, else abort;
/// - `--yes` (with no policy, or `ask`) → merge when clean, otherwise abort (exit 3);
/// - otherwise ask on a terminal, else abort.
///
/// One exception, `blind_428`: a 428 to a write made without any validator and with no base
/// (`put --force` of something never fetched). There is no known concurrent change then —
/// only a server that wants a precondition — so `--yes` retries with `If-Match` from the fetch.
pub fn decide(policy: Policy, merge: Mergeable, blind_428: bool) -> Plan {
    let ask_or_abort = if policy.interactive { Plan::Ask } else { Plan::Decided(Decision::Abort) };
    match policy.explicit {
        Some(ConflictPolicy::Overwrite) => Plan::Decided(Decision::Overwrite),
        Some(ConflictPolicy::Abort) => Plan::Decided(Decision::Abort),
        Some(ConflictPolicy::Merge) if merge == Mergeable::Clean => Plan::Decided(Decision::Merge),
        Some(ConflictPolicy::Merge) => ask_or_abort,
        Some(ConflictPolicy::Ask) | None if policy.yes => Plan::Decided(match merge {
            _ if blind_428 => Decision::Overwrite,
            Mergeable::Clean => Decision::Merge,
            Mergeable::Conflicted | Mergeable::NoBase => Decision::Abort,
        }),
        Some(ConflictPolicy::Ask) | None => ask_or_abort,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assessments() {
        let (a, b, c): (&[u8], &[u8], &[u8]) = (b"a", b"b", b"c");
        assert_eq!(assess(Some(a), b, b), Assessment::AlreadyApplied);
        assert_eq!(assess(Some(a), b, a), Assessment::Unchanged);
        assert_eq!(assess(None, b, c), Assessment::Changed);
        assert_eq!(assess(Some(a), b, c), Assessment::Changed);
    }

    #[test]
    fn answers() {
        assert_eq!(parse_answer('m', true), Some(Answer::Decide(Decision::Merge)));
        assert_eq!(parse_answer('m', false), None);
        assert_eq!(parse_answer('\n', true), Some(Answer::Decide(Decision::Merge)));
        assert_eq!(parse_answer('\n', false), None);
        assert_eq!(parse_answer('o', false), Some(Answer::Decide(Decision::Overwrite)));
        assert_eq!(parse_answer('d', false), Some(Answer::Diff));
        assert_eq!(parse_answer('x', true), None);
    }

    fn policy(explicit: Option<ConflictPolicy>, yes: bool, interactive: bool) -> Policy {
        Policy { explicit, yes, interactive }
    }

    #[test]
    fn yes_never_overwrites_a_known_change() {
        use Mergeable::*;
        let yes = policy(None, true, false);
        assert_eq!(decide(yes, Clean, false), Plan::Decided(Decision::Merge));
        assert_eq!(decide(yes, Conflicted, false), Plan::Decided(Decision::Abort));
        assert_eq!(decide(yes, NoBase, false), Plan::Decided(Decision::Abort));
        // On a terminal too: --yes answers for the person, and never with an overwrite.
        let yes_tty = policy(Some(ConflictPolicy::Ask), true, true);
        assert_eq!(decide(yes_tty, Conflicted, false), Plan::Decided(Decision::Abort));
        assert_eq!(decide(yes_tty, NoBase, false), Plan::Decided(Decision::Abort));
        // An explicit abort wins over --yes.
        let abort = policy(Some(ConflictPolicy::Abort), true, false);
        assert_eq!(decide(abort, Clean, false), Plan::Decided(Decision::Abort));
        assert_eq!(decide(abort, NoBase, true), Plan::Decided(Decision::Abort));
    }

    #[test]
    fn a_blind_428_is_retried_with_yes() {
        use Mergeable::*;
        assert_eq!(decide(policy(None, true, false), NoBase, true), Plan::Decided(Decision::Overwrite));
        assert_eq!(decide(policy(None, false, false), NoBase, true), Plan::Decided(Decision::Abort));
        assert_eq!(decide(policy(None, false, true), NoBase, true), Plan::Ask);
    }

    #[test]
    fn explicit_policies() {
        use Mergeable::*;
        let merge = |interactive| policy(Some(ConflictPolicy::Merge), false, interactive);
        assert_eq!(decide(merge(false), Clean, false), Plan::Decided(Decision::Merge));
        assert_eq!(decide(merge(false), Conflicted, false), Plan::Decided(Decision::Abort));
        assert_eq!(decide(merge(true), Conflicted, false), Plan::Ask, "a person resolves it");
        assert_eq!(decide(merge(true), NoBase, false), Plan::Ask);
        let overwrite = policy(Some(ConflictPolicy::Overwrite), false, false);
        assert_eq!(decide(overwrite, Conflicted, false), Plan::Decided(Decision::Overwrite));
        assert_eq!(decide(policy(None, false, false), Clean, false), Plan::Decided(Decision::Abort));
        assert_eq!(decide(policy(None, false, true), Clean, false), Plan::Ask);
        let ask = policy(Some(ConflictPolicy::Ask), false, false);
        assert_eq!(decide(ask, Clean, false), Plan::Decided(Decision::Abort));
    }
}
