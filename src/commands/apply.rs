//! `ifmatch apply URL -- CMD [ARGS…]`: read-modify-write for scripts and CI. Fetch (no-cache),
//! pipe the body through CMD, and write the output through the write loop (`cycle`) with the
//! fetch's validator. Its strategy on a concurrent change: pause (a jittered exponential
//! backoff, so that competing writers spread out), run CMD again on the current version and
//! retry — a compare-and-swap loop bounded by `--retries`. It never prompts: CMD is the merge.

use std::time::Duration;

use crate::cli::{ApplyArgs, ConflictPolicy, PatchMode};
use crate::conflict::{self, Decision, Mergeable, Plan, Policy};
use crate::cycle::{self, Cycle, Job, Refusal, Refused, Settled, Strategy};
use crate::deadline;
use crate::error::{Error, Result};
use crate::etag::{ETag, Precondition};
use crate::filter::Filter;
use crate::http::Fetched;
use crate::interrupt::guard;
use crate::media;
use crate::session::{Outcome, Report, Session, parse_url};
use crate::state::Record;
use crate::write_mode::{self, WriteMode};

/// The first pause after a 412; it doubles each round, ±50 %.
const BACKOFF_START: Duration = Duration::from_millis(50);
/// The longest pause between two rounds.
const BACKOFF_CAP: Duration = Duration::from_secs(2);

pub async fn run(session: &Session, args: &ApplyArgs) -> Result<()> {
    let url = parse_url(&args.url)?;
    let key = session.key(&url);
    let filter = Filter::new(&args.command)?;
    let fetched = session.client.fetch(&url).await?;
    let version_field = session.settings.version_field.clone().or_else(|| {
        let remembered = session.store.load(&key).ok().flatten().and_then(|r| r.version_field);
        let previous = remembered.map(|pointer| {
            let mut record = Record::new(&key);
            record.version_field = Some(pointer);
            record
        });
        session.version_field(&fetched, Some(&fetched.body), previous.as_ref())
    });
    let precondition = precondition(session, &fetched, args.force, version_field.is_some())?;
    let content_type = match &version_field {
        Some(_) if !media::is_json(fetched.content_type.as_deref()) => Some("application/json".to_string()),
        _ => fetched.content_type.clone(),
    };
    let mut rerun = Rerun { filter, retries: args.retries, patch: args.patch, version_field, content_type };
    let Some((mine, mode)) = rerun.output(session, &url, &fetched).await? else {
        return session.emit(&unchanged(Report::new("apply", &url), &fetched, fetched.body.len()));
    };
    // Only a write is recorded: a failed or empty run leaves the store as it was, so a base
    // that `get` stored for a later `put` is not silently replaced.
    let mut record = Record::new(&key);
    record.content_type = rerun.content_type.clone();
    record.accept_patch = fetched.accept_patch.clone();
    record.version_field = rerun.version_field.clone();
    let job = Job {
        base: Some(fetched.body.to_vec()),
        mode,
        ..Job::new("apply", url, key, record, mine, precondition)
    };
    let done = cycle::run(session, job, &mut rerun).await?;
    session.emit(&done.report)
}

/// `apply`'s strategy: CMD is the merge, run again on the current version.
struct Rerun {
    filter: Filter,
    retries: u32,
    patch: PatchMode,
    version_field: Option<String>,
    /// The type the output is sent as.
    content_type: Option<String>,
}

impl Rerun {
    /// CMD's output for `fetched`, and how to send it; `None` when CMD printed the body
    /// unchanged. `--max-time` bounds the whole command, CMD included (it is killed when time
    /// runs out).
    async fn output(
        &self,
        session: &Session,
        url: &url::Url,
        fetched: &Fetched,
    ) -> Result<Option<(Vec<u8>, WriteMode)>> {
        let filter = &self.filter;
        let mine = guard(async {
            deadline::within(filter.run(&fetched.body)).await.unwrap_or_else(|| {
                let message = format!(
                    "--max-time {} s reached while `{}` ran; nothing was sent",
                    deadline::limit().unwrap_or_default().as_secs_f64(),
                    filter.describe()
                );
                Err(Error::network(url.as_str(), message).with_hint("raise --max-time, or leave it out"))
            })
        })
        .await?;
        if mine == fetched.body[..] {
            session.ui.note(&format!(
                "no changes: `{}` printed the body unchanged; nothing sent",
                filter.describe()
            ));
            return Ok(None);
        }
        check_output(filter, url, self.content_type.as_deref(), &mine)?;
        let mode = mode(self.patch, url, fetched, &mine, self.version_field.as_deref())?;
        Ok(Some((mine, mode)))
    }
}

impl Strategy for Rerun {
    /// Another applier running the same command produces the same output, and its change must
    /// not stand in for ours (five concurrent `n += 1` must add 5). The loop still takes an
    /// attempt whose answer was lost for the writer: re-running CMD would apply it twice.
    fn same_text_is_ours(&self) -> bool {
        false
    }

    fn counts_attempts(&self) -> bool {
        true
    }

    /// Gives up on `--on-conflict abort` or after `--retries` rounds; otherwise pauses before
    /// the current version is fetched, so that writers that collided do not collide again.
    async fn before_refetch(&mut self, cycle: &Cycle<'_>, refusal: &Refusal) -> Result<bool> {
        if refusal.kind == Refused::Required {
            return Ok(false);
        }
        let url = &cycle.job.url;
        let status = refusal.status;
        let detail = if refusal.detail.is_empty() { String::new() } else { format!(" ({})", refusal.detail) };
        // Re-running CMD on the fresh body is always a clean merge, so every policy re-runs it
        // except an explicit `--on-conflict abort`.
        let session = cycle.session;
        let policy = Policy {
            explicit: session.settings.on_conflict.or(Some(ConflictPolicy::Merge)),
            yes: session.settings.yes,
            interactive: false,
        };
        if conflict::decide(policy, Mergeable::Clean, false) == Plan::Decided(Decision::Abort) {
            return Err(Error::conflict(format!(
                "{url} answered {status} {}{detail}: someone else wrote first, and --on-conflict abort stops here; nothing of yours was written",
                crate::error::reason(status)
            ))
            .with_hint("drop --on-conflict abort to re-run the command on the fresh body"));
        }
        if cycle.rounds > self.retries {
            return Err(Error::conflict(format!(
                "{url} kept changing: the server answered {status} {}{detail} to {}; nothing of yours was written",
                crate::error::reason(status),
                match cycle.attempts {
                    1 => "its only attempt".to_string(),
                    n => format!("all {n} attempts"),
                }
            ))
            .with_hint("try again later, or allow more rounds with --retries N"));
        }
        let pause = backoff(cycle.rounds - 1);
        session.ui.note(&format!(
            "fetching the current version again and re-running the command in {} ms (retry {} of {})",
            pause.as_millis(),
            cycle.rounds,
            self.retries
        ));
        guard(async {
            tokio::time::sleep(pause).await;
            Ok(())
        })
        .await?;
        Ok(true)
    }

    async fn settle(&mut self, cycle: &mut Cycle<'_>, _status: u16, theirs: Fetched) -> Result<Settled> {
        let Some((mine, mode)) = self.output(cycle.session, &cycle.job.url, &theirs).await? else {
            return Ok(Settled::Done(Box::new(unchanged(cycle.report(), &theirs, theirs.body.len()))));
        };
        cycle.job.precondition = cycle.fresh_precondition(&theirs)?;
        cycle.job.base = Some(theirs.body.to_vec());
        cycle.job.mine = mine;
        cycle.job.mode = mode;
        Ok(Settled::Retry)
    }
}

/// The report of a run whose command changed nothing in `fetched`.
fn unchanged(mut report: Report, fetched: &Fetched, len: usize) -> Report {
    let etag = fetched.etag.as_ref().map(ETag::to_string);
    report.outcome = Outcome::Unchanged;
    report.status = Some(fetched.status);
    report.etag_before = report.etag_before.or_else(|| etag.clone());
    report.etag = etag;
    report.bytes = len;
    report
}

/// The precondition for writing over `fetched`, by the rules `put` and `edit` follow: a strong
/// ETag; else If-Unmodified-Since, with a warning; else nothing, only with `--force`.
/// With a version in the body (`in_body`), no header precondition is needed.
fn precondition(session: &Session, fetched: &Fetched, force: bool, in_body: bool) -> Result<Precondition> {
    let ui = session.ui;
    let chosen = Precondition::choose(
        fetched.etag.as_ref(),
        fetched.last_modified.as_deref(),
        session.settings.send_weak,
    );
    match &chosen {
        Precondition::IfUnmodifiedSince(_) => {
            ui.warn("no strong ETag; using If-Unmodified-Since, which has one-second resolution: a change within the same second goes unnoticed");
        }
        Precondition::None if in_body => {}
        Precondition::None if !force => {
            return Err(cycle::no_validator(
                &fetched.url,
                true,
                fetched.etag.as_ref().filter(|t| t.is_weak()),
            ));
        }
        Precondition::None => {
            ui.warn("writing without a precondition (--force): a concurrent change would be overwritten");
        }
        _ => {}
    }
    Ok(chosen)
}

/// Refuses output that cannot be what the user meant: nothing at all, or invalid JSON for a
/// JSON resource. Exit 6, like an invalid edit.
fn check_output(filter: &Filter, url: &url::Url, content_type: Option<&str>, mine: &[u8]) -> Result<()> {
    let hint = format!("try the command on the body: ifmatch get {url} | {}", filter.describe());
    if mine.is_empty() {
        return Err(Error::command(format!(
            "`{}` printed nothing; refusing to empty {url}",
            filter.describe()
        ))
        .with_hints([hint, format!("to empty it on purpose: ifmatch put {url} /dev/null --allow-empty")]));
    }
    if media::is_json(content_type)
        && let Err(e) = media::check_json(mine)
    {
        return Err(Error::command(format!(
            "`{}` printed invalid JSON for a JSON resource ({e}); nothing was sent",
            filter.describe()
        ))
        .with_hint(hint));
    }
    Ok(())
}

fn mode(
    requested: PatchMode,
    url: &url::Url,
    fetched: &Fetched,
    mine: &[u8],
    version_field: Option<&str>,
) -> Result<WriteMode> {
    let inputs = write_mode::Inputs {
        content_type: fetched.content_type.as_deref(),
        accept_patch: fetched.accept_patch.as_deref(),
        base: Some(&fetched.body),
        mine,
        url: url.as_str(),
        version_field,
    };
    write_mode::choose(requested, &inputs)
}

/// The pause before retry `round + 1`: 50 ms · 2^round, ±50 % at random, at most 2 s. The
/// randomness keeps writers that collided from colliding again in lockstep.
fn backoff(round: u32) -> Duration {
    let nominal = BACKOFF_START.saturating_mul(1 << round.min(16)).min(BACKOFF_CAP);
    nominal.mul_f64(0.5 + fastrand::f64()).min(BACKOFF_CAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        for _ in 0..100 {
            let first = backoff(0);
            assert!(first >= Duration::from_millis(25) && first <= Duration::from_millis(75), "{first:?}");
            let third = backoff(2);
            assert!(third >= Duration::from_millis(100) && third <= Duration::from_millis(300), "{third:?}");
            assert!(backoff(40) <= BACKOFF_CAP);
        }
    }
}
