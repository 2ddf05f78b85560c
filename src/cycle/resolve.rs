//! The merge strategy of `edit` and `put`: a real concurrent change, settled — show the diffs,
//! ask the person or follow the policy (`conflict::decide`), and carry out the decision — a
//! merge, an edit at the prompt, an overwrite, or an abort that keeps the text.

use super::outcome::as_written;
use super::{Cycle, Settled, Strategy, edit_until_valid};
use crate::conflict::{self, Answer, Decision, Mergeable, Plan, Policy};
use crate::error::{Error, Result};
use crate::http::Fetched;
use crate::interrupt;
use crate::merge::{MergeOutcome, Merged, Parsed};
use crate::session::{Outcome, Session};

/// The interactive/policy merge: three-way merge with the base, ask or follow `--on-conflict`;
/// the text is the person's work, so it is kept in `recovered/` while the write runs.
pub(crate) struct Merge;

impl Strategy for Merge {
    fn keeps_text(&self) -> bool {
        true
    }

    async fn settle(&mut self, cycle: &mut Cycle<'_>, status: u16, theirs: Fetched) -> Result<Settled> {
        cycle.resolve(status, theirs).await
    }
}

impl Cycle<'_> {
    /// Handles one concurrent change: merges, asks or follows the policy.
    async fn resolve(&mut self, status: u16, theirs: Fetched) -> Result<Settled> {
        let json = crate::media::is_json(self.job.record.content_type.as_deref());
        let merged = self
            .job
            .base
            .as_deref()
            .map(|base| crate::merge::merge_listed(base, &self.job.mine, &theirs.body, json));
        // The list is for the --json report only (a line merge's is read back from its text).
        if self.session.settings.json
            && let Some(merged @ Merged { outcome: MergeOutcome::Conflicted { .. }, .. }) = &merged
        {
            crate::report::met_conflicts(merged.conflicts());
        }
        let parsed = merged.as_ref().map_or_else(Parsed::default, Merged::parsed);
        let merge = merged.map(|merged| merged.outcome);
        let mergeable = Mergeable::of(merge.as_ref());
        // A 428 to a write that carried no validator, with no base: nothing was ever
        // fetched, so there is no known concurrent change to protect.
        let blind_428 = status == 428 && self.job.base.is_none();
        let policy = Policy::from_settings(&self.session.settings);
        let plan = conflict::decide(policy, mergeable, blind_428);
        // --quiet leaves out the conflict screen, unless a person is asked about it.
        if plan == Plan::Ask || !crate::ui::quiet() {
            self.show(&theirs, merge.as_ref(), parsed);
        }
        let (decision, asked) = match plan {
            Plan::Decided(decision) => (decision, false),
            Plan::Ask => (self.ask(&theirs, merge.as_ref(), mergeable == Mergeable::Clean).await?, true),
        };
        self.apply(decision, asked, status, &theirs, (merge, parsed)).await
    }

    async fn ask(&self, theirs: &Fetched, merge: Option<&MergeOutcome>, clean: bool) -> Result<Decision> {
        loop {
            let question = conflict::prompt(clean);
            let ui = self.session.ui;
            let answer = interrupt::guard_blocking(move || ui.ask(question)).await?;
            let Some(answer) = answer else { return Ok(Decision::Abort) };
            match conflict::parse_answer(answer, clean) {
                Some(Answer::Diff) => {
                    let views = self.views(theirs, merge);
                    interrupt::guard_blocking(move || ui.page(&views)).await?;
                }
                Some(Answer::Decide(Decision::Overwrite)) => {
                    let confirmed =
                        interrupt::guard_blocking(move || ui.confirm(conflict::OVERWRITE_CONFIRM, false))
                            .await?;
                    if confirmed {
                        return Ok(Decision::Overwrite);
                    }
                    stderrln!("  not overwritten");
                }
                Some(Answer::Decide(decision)) => return Ok(decision),
                None if answer == '\n' => stderrln!("{}", conflict::keys(clean)),
                None => stderrln!("  type one of the letters in brackets"),
            }
        }
    }

    /// Carries out `decision`; `asked`: it was the person's answer at the prompt, not the
    /// policy's. `parsed`: which texts of the merge are known to be JSON (for its diff).
    async fn apply(
        &mut self,
        decision: Decision,
        asked: bool,
        status: u16,
        theirs: &Fetched,
        (merge, parsed): (Option<MergeOutcome>, Parsed),
    ) -> Result<Settled> {
        let ui = self.session.ui;
        let fresh = self.fresh_precondition(theirs)?;
        match decision {
            Decision::Merge => {
                let Some(MergeOutcome::Clean(merged)) = merge else {
                    return Err(Error::other("internal: merge chosen without a clean merge"));
                };
                self.session.show_diff(
                    "What the retry will change on the server (theirs → merged):",
                    (&theirs.body, &merged),
                    ("theirs", "merged"),
                    parsed.versions && parsed.text,
                );
                self.job.mine = merged;
                self.merged = true;
                self.rebase(theirs, &fresh)?;
            }
            Decision::Edit => {
                let start = match merge {
                    Some(MergeOutcome::Clean(text)) | Some(MergeOutcome::Conflicted { text, .. }) => text,
                    None => self.job.mine.clone(),
                };
                let suffix =
                    crate::media::suffix(self.job.record.content_type.as_deref(), self.job.url.path());
                let json = crate::media::is_json(self.job.record.content_type.as_deref());
                // Marker lines any of the three versions holds are the document's own.
                let mut versions: Vec<&[u8]> = vec![&self.job.mine, &theirs.body];
                if let Some(base) = &self.job.base {
                    versions.push(base);
                }
                let edited = edit_until_valid(self.session, &start, &suffix, json, Some(&versions)).await;
                match edited {
                    Ok(text) if text.is_empty() => {
                        return Err(Error::conflict(
                            "the file is empty: edit cancelled; nothing was written",
                        ));
                    }
                    // The text now derives from their version, whatever happens next.
                    Ok(text) => {
                        let reverted = match &self.job.base {
                            Some(base) => crate::merge::reverted_changes(
                                base,
                                &self.job.mine,
                                &theirs.body,
                                &text,
                                json,
                            ),
                            None => Vec::new(),
                        };
                        let before = std::mem::replace(&mut self.job.mine, text);
                        self.rebase(theirs, &fresh)?;
                        if let (true, Some(base)) = (json, self.job.base.clone()) {
                            self.kept_from_conflict(&base, &before)?;
                        }
                        undo_agreed(self.session, self.job.url.as_str(), &reverted).await?;
                    }
                    Err((err, text)) => {
                        if !text.is_empty() {
                            let before = std::mem::replace(&mut self.job.mine, text);
                            self.rebase(theirs, &fresh)?;
                            if let (true, Some(base)) = (json, self.job.base.clone()) {
                                self.kept_from_conflict(&base, &before)?;
                            }
                        }
                        return Err(err);
                    }
                }
                if crate::diff::same_but_final_newline(&self.job.mine, &theirs.body) {
                    ui.success("your text now equals the server's version; nothing to write");
                    let mut report = self.store(Some(&theirs.body), as_written(theirs))?;
                    report.outcome = Outcome::Unchanged;
                    report.status = Some(theirs.status);
                    return Ok(Settled::Done(Box::new(report)));
                }
                self.session.show_diff(
                    "What the retry will change on the server (theirs → mine):",
                    (&theirs.body, &self.job.mine),
                    ("theirs", "mine"),
                    false,
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
                // The version in the body names what is replaced: theirs, as asked.
                if let Some(pointer) = self.job.record.version_field.clone()
                    && let Some(text) =
                        crate::body_version::with_version_of(&self.job.mine, &theirs.body, &pointer)
                {
                    self.job.mine = text;
                }
                self.overwrote = true;
            }
            Decision::Abort if status == 428 => {
                let replace = if self.job.base.is_none() {
                    "to replace it with yours, run again with --yes (or --on-conflict overwrite): the retry carries If-Match"
                } else {
                    "to replace it with yours, run again with --on-conflict overwrite: the retry carries If-Match"
                };
                let message = format!(
                    "{} only accepts conditional writes (428 Precondition Required), and its current version differs from yours; nothing was written",
                    self.job.url
                );
                let hints = match asked {
                    true => Vec::new(),
                    false => vec![
                        replace.to_string(),
                        format!("to start from the server's version: ifmatch edit {}", self.job.url),
                    ],
                };
                return Err(Error::conflict(message).with_hints(hints));
            }
            // The person chose to stop: the edit is kept, and resuming it comes back here.
            Decision::Abort if asked => {
                return Err(Error::conflict(format!("aborted; nothing was written to {}", self.job.url)));
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
                return Err(Error::conflict(format!(
                    "{} changed on the server since your copy was fetched; nothing was written",
                    self.job.url
                ))
                .with_hints(vec![
                    first.to_string(),
                    "replace their change on purpose: --on-conflict overwrite (--yes never does)".to_string(),
                ]));
            }
        }
        self.job.base = Some(theirs.body.to_vec());
        self.job.precondition = fresh;
        Ok(Settled::Retry)
    }

    /// The three views offered by `d` at the prompt: base → theirs, theirs → mine, and
    /// theirs → merged (with conflict markers when the merge is not clean).
    fn views(&self, theirs: &Fetched, merge: Option<&MergeOutcome>) -> String {
        let s = self.session;
        let mut text = String::new();
        match &self.job.base {
            Some(base) => {
                text += &s.diff_section(
                    "The server's changes since your copy (base → theirs):",
                    base,
                    &theirs.body,
                    "base",
                    "theirs",
                )
            }
            None => {
                text += &format!(
                    "{}\n  (no stored base)\n",
                    s.ui.bold("The server's changes since your copy (base → theirs):")
                )
            }
        }
        text += &s.diff_section(
            "What your version would change on the server (theirs → mine):",
            &theirs.body,
            &self.job.mine,
            "theirs",
            "mine",
        );
        let merged = match merge {
            Some(MergeOutcome::Clean(merged)) => {
                Some(("What the merge would change on the server (theirs → merged):", merged))
            }
            Some(MergeOutcome::Conflicted { text: merged, .. }) => Some((
                "The merge, with conflict markers where the changes collide (theirs → merged):",
                merged,
            )),
            None => None,
        };
        match merged {
            Some((title, merged)) => text += &s.diff_section(title, &theirs.body, merged, "theirs", "merged"),
            None => {
                text += &format!(
                    "{}\n  (no stored base to merge from)\n",
                    s.ui.bold("What the merge would change on the server (theirs → merged):")
                )
            }
        }
        text
    }

    /// Prints what the server changed and what a retry would do; `parsed`: which texts the
    /// merge knows to be JSON.
    fn show(&self, theirs: &Fetched, merge: Option<&MergeOutcome>, parsed: Parsed) {
        let _shown = crate::ui::Unquiet::new();
        let s = self.session;
        if let Some(base) = &self.job.base {
            s.show_diff(
                "The server's changes since your copy (base → theirs):",
                (base, &theirs.body),
                ("base", "theirs"),
                parsed.versions,
            );
        }
        s.show_diff(
            "What your version would change on the server (theirs → mine):",
            (&theirs.body, &self.job.mine),
            ("theirs", "mine"),
            parsed.versions,
        );
        match merge {
            Some(MergeOutcome::Clean(_)) => s.ui.note("the two changes merge cleanly"),
            Some(MergeOutcome::Conflicted { conflicts, .. }) => {
                let places = if conflicts.len() == 1 {
                    "1 place".to_string()
                } else {
                    format!("{} places", conflicts.len())
                };
                s.ui.warn(&format!("the changes conflict in {places}:"));
                for c in conflicts {
                    stderrln!("  {}", crate::sanitize::sanitize(c));
                }
            }
            None => {
                // `put` writes a file that was never edited here: say what the fetch should precede.
                let before = if self.job.command == "edit" { "editing" } else { "writing" };
                s.ui.note(&format!(
                    "no stored base to merge from (run `ifmatch get` before {before} to enable merging)"
                ))
            }
        }
    }
}

/// Whether a text that undoes `reverted` — changes of theirs that did not conflict with the
/// person's, one line each (`merge::reverted_changes`) — may be sent to `url`: yes when there
/// are none; otherwise they are listed, and it is yes with an explicit `--on-conflict
/// overwrite` or when the person answers y on a terminal (the default is no). A no is a
/// conflict (exit 3) that says how to go on; the caller keeps the text.
pub(crate) async fn undo_agreed(session: &Session, url: &str, reverted: &[String]) -> Result<()> {
    if reverted.is_empty() {
        return Ok(());
    }
    let ui = session.ui;
    let policy = Policy::from_settings(&session.settings);
    let overwrite = policy.explicit == Some(crate::cli::ConflictPolicy::Overwrite);
    // A person asked about them sees what they are, whatever --quiet says; otherwise
    // --quiet hides the warning and its list alike.
    let _shown = (!overwrite && policy.interactive).then(crate::ui::Unquiet::new);
    ui.warn("your text undoes changes of theirs that did not conflict with yours:");
    if !crate::ui::quiet() {
        for line in reverted {
            ui.line(&format!("  {line}"));
        }
    }
    if overwrite
        || (policy.interactive
            && interrupt::guard_blocking(move || ui.confirm("Send it anyway, undoing them?", false)).await?)
    {
        return Ok(());
    }
    let answer = if policy.interactive { "answer y" } else { "answer y on a terminal" };
    Err(Error::conflict(format!(
        "your text would undo changes on {url} that nobody asked to undo; nothing was written"
    ))
    .with_hints([
        format!("resume with `ifmatch edit {url} --resume` and keep their values where yours did not change"),
        format!("to undo them on purpose, {answer}, or run with --on-conflict overwrite"),
    ]))
}
