//! `ifmatch apply URL -- CMD [ARGS…]`: read-modify-write for scripts and CI. Fetch (no-cache),
//! pipe the body through CMD, write the output with the fetch's validator; on 412 fetch again,
//! run CMD on the fresh body and retry — a compare-and-swap loop bounded by `--retries`, with a
//! jittered exponential pause so that competing writers spread out. It never prompts: CMD is
//! the merge.

use std::time::Duration;

use crate::cli::{ApplyArgs, ConflictPolicy, PatchMode};
use crate::conflict::{self, Decision, Mergeable, Plan, Policy};
use crate::cycle::{
    patched_representation, rejected_validator, required_although_sent, state_conflict, validator_note,
};
use crate::deadline;
use crate::error::{Error, Result};
use crate::etag::{ETag, Precondition};
use crate::filter::Filter;
use crate::fresh::{self, Refusal};
use crate::http::{Fetched, WriteOutcome, WriteRequest};
use crate::interrupt::guard;
use crate::media;
use crate::session::{Outcome, Report, Session, parse_url};
use crate::state::{NewBase, Record, Written};
use crate::write_mode::{self, PatchFormat, WriteMode};

/// The first pause after a 412; it doubles each round, ±50 %.
const BACKOFF_START: Duration = Duration::from_millis(50);
/// The longest pause between two rounds.
const BACKOFF_CAP: Duration = Duration::from_secs(2);

pub async fn run(session: &Session, args: &ApplyArgs) -> Result<()> {
    let url = parse_url(&args.url)?;
    let key = session.key(&url);
    let filter = Filter::new(&args.command)?;
    let ui = session.ui;
    let mut attempts = 0;
    let mut etag_before = None;
    // Unlike `edit`, a fresh body equal to our last output is not taken as "already applied":
    // another applier running the same command produces the same output, and its change must
    // not stand in for ours (five concurrent `n += 1` must add 5). The one exception is a
    // write whose answer was lost and whose retry met 412: then our own attempt is the likely
    // writer, and re-running CMD would apply the change twice.
    let mut refused: Option<Refused> = None;
    let mut refetched = None;
    let unprotected = crate::recheck::unprotected(session, &url);
    let remembered = session.store.load(&key)?.and_then(|r| r.version_field);
    for round in 0..=args.retries {
        let fetched = match &refused {
            None => guard(session.client.fetch(&url)).await?,
            // After a 412: the current version, past a cache that serves stale copies.
            Some(last) => {
                let refusal = Refusal { sent: &last.precondition, told: last.told.as_ref() };
                let (copy, report) = fresh::refetch(session, &url, refusal).await?;
                refetched = Some(report);
                guard(copy.collect()).await?
            }
        };
        let version_field = session.settings.version_field.clone().or_else(|| {
            let previous = remembered.as_ref().map(|p| {
                let mut r = Record::new(&key);
                r.version_field = Some(p.clone());
                r
            });
            super::get::version_field(session, &fetched, Some(&fetched.body), previous.as_ref())
        });
        let precondition = precondition(session, &fetched, args.force, version_field.is_some(), round == 0)?;
        if let Some(last) = &refused
            && last.body == fetched.body
            && last.precondition == precondition
        {
            // Same content, same validator, refused again: retrying cannot help.
            return Err(rejected_validator(
                &url,
                last.status,
                &precondition,
                fetched.etag.as_ref(),
                refetched.as_ref(),
            ));
        }
        // --max-time bounds the whole command, CMD included (it is killed when time runs out).
        let mine = guard(async {
            deadline::within(filter.run(&fetched.body)).await.unwrap_or_else(|| {
                Err(Error::network(
                    url.to_string(),
                    format!(
                        "--max-time {} s reached while `{}` ran; nothing was sent",
                        deadline::limit().unwrap_or_default().as_secs_f64(),
                        filter.describe()
                    ),
                )
                .with_hint("raise --max-time, or leave it out".to_string()))
            })
        })
        .await?;
        if mine == fetched.body[..] {
            ui.note(&format!("no changes: `{}` printed the body unchanged; nothing sent", filter.describe()));
            let mut report = Report::new("apply", &url);
            report.write_probe_verdict = session.store.origin_verdict(&url);
            report.outcome = Outcome::Unchanged;
            report.status = Some(fetched.status);
            report.etag_before = etag_before.or_else(|| fetched.etag.as_ref().map(|t| t.to_string()));
            report.etag = fetched.etag.as_ref().map(|t| t.to_string());
            report.attempts = attempts;
            report.bytes = mine.len();
            report.cache = refetched.as_ref().and_then(|r| r.cache.clone());
            report.refetch = refetched;
            return session.emit(&report);
        }
        let content_type = match &version_field {
            Some(_) if !media::is_json(fetched.content_type.as_deref()) => Some("application/json"),
            _ => fetched.content_type.as_deref(),
        };
        check_output(&filter, &url, content_type, &mine)?;
        if let Some(pointer) = &version_field {
            crate::body_version::check_unchanged(&url, pointer, &fetched.body, &mine)?;
        }
        let mode = mode(args.patch, &url, &fetched, &mine, version_field.as_deref())?;
        let payload = write_mode::payload(mode, Some(&fetched.body), &mine, content_type)?;
        attempts += 1;
        if etag_before.is_none() {
            etag_before = precondition.header().map(|(_, v)| v.to_string());
        }
        let request = WriteRequest {
            url: &url,
            method: payload.method,
            body: payload.body.into(),
            content_type: payload.content_type.as_deref(),
            precondition: &precondition,
            version_in_body: version_field.is_some() && mode == WriteMode::Put,
        };
        let mark = crate::http::retry_count();
        // The server would not refuse a write with a stale validator: ask right before, and
        // take a change as the refusal it should have been.
        let sent = if unprotected.is_some() && crate::recheck::changed(session, &url, &precondition).await? {
            ui.note(
                "the re-check just before writing found that the resource changed since it was fetched (its server would have taken the write anyway: it ignores If-Match on writes)",
            );
            WriteOutcome::PreconditionFailed { status: 412, detail: String::new(), etag: None }
        } else {
            guard(session.client.write(request)).await?
        };
        let lost = crate::http::retries_since(mark).iter().position(|r| r.unanswered).map(|i| i + 1);
        let (status, detail, told) = match sent {
            WriteOutcome::Written { status, etag, last_modified } => {
                // An unconditional PATCH landed on whatever the server held: its result is
                // unknown, so store no validator (the record is then stale).
                let blind_patch = mode != WriteMode::Put && precondition == Precondition::None;
                let (etag, last_modified) = if blind_patch { (None, None) } else { (etag, last_modified) };
                let stored = match (mode, &etag) {
                    (WriteMode::Patch(_), Some(tag)) if status != 202 => {
                        patched_representation(session, &url, tag).await
                    }
                    _ => None,
                };
                // Only a write is recorded: a failed or empty run leaves the store as it was,
                // so a base that `get` stored for a later `put` is not silently replaced.
                let mut record = Record::new(&key);
                record.content_type = content_type.map(str::to_string);
                record.accept_patch = fetched.accept_patch.clone();
                record.version_field = version_field.clone();
                // A version in the body moved on with the write: keep the server's copy, which
                // carries it, when it is the output apart from that field.
                let read_back = match &version_field {
                    Some(pointer) if status != 202 => guard(session.client.fetch(&url))
                        .await
                        .ok()
                        .filter(|now| crate::body_version::same_apart_from(&now.body, &mine, pointer)),
                    _ => None,
                };
                if let Some(now) = &read_back {
                    let written = Written {
                        status: now.status,
                        etag: now.etag.as_ref(),
                        last_modified: now.last_modified.as_deref(),
                    };
                    session.record_written(&key, &mut record, written, NewBase::Bytes(&now.body));
                } else {
                    let written =
                        Written { status, etag: etag.as_ref(), last_modified: last_modified.as_deref() };
                    let base = NewBase::Bytes(stored.as_deref().unwrap_or(&mine));
                    session.record_written(&key, &mut record, written, base);
                    if version_field.is_some() {
                        record.stale = true;
                        if let Err(err) = session.store.save(&key, &mut record, None) {
                            ui.warn(&format!(
                                "could not mark the record stale ({err}); run `ifmatch get` before the next write"
                            ));
                        }
                    }
                }
                let validator = validator_note(&record, status, session.settings.send_weak);
                let retried =
                    if attempts > 1 { format!(", after {attempts} attempts") } else { String::new() };
                ui.success(&format!(
                    "wrote {url} ({status} {}; {validator}{retried})",
                    crate::error::reason(status)
                ));
                let mut report = Report::new("apply", &url);
                report.write_probe_verdict = session.store.origin_verdict(&url);
                report.outcome = if status == 201 { Outcome::Created } else { Outcome::Written };
                report.status = Some(status);
                report.etag_before = etag_before;
                report.etag = record.etag;
                report.attempts = attempts;
                report.bytes = mine.len();
                report.cache = refetched.as_ref().and_then(|r| r.cache.clone());
                report.refetch = refetched;
                return session.emit(&report);
            }
            WriteOutcome::PreconditionFailed { status, detail, etag } => (status, detail, etag),
            // A failed JSON Patch `test` is a field-level version conflict (RFC 6902 §5).
            WriteOutcome::Conflict { detail } if mode == WriteMode::Patch(PatchFormat::Json) => {
                (409, detail, None)
            }
            // With the version in the body, 409 is a version conflict when the version moved on.
            WriteOutcome::Conflict { detail } if version_field.is_some() => {
                let pointer = version_field.as_deref().unwrap_or_default();
                let now = guard(session.client.fetch(&url)).await?;
                let sent = crate::body_version::value(&mine, pointer);
                let current = crate::body_version::value(&now.body, pointer);
                if sent.is_none() || sent == current {
                    return Err(Error::status(url.as_str(), 409, detail).with_hints([
                        format!(
                            "the version at {pointer} is still {}, so this is no version conflict: the server refused the content; nothing was written",
                            crate::body_version::shown(current.as_ref())
                        ),
                        "fix what the server's answer names, then run again".to_string(),
                    ]));
                }
                (409, detail, None)
            }
            WriteOutcome::Conflict { detail } => return Err(state_conflict(&url, &detail)),
            WriteOutcome::PreconditionRequired { detail } => {
                if precondition != Precondition::None {
                    return Err(required_although_sent(&url, &precondition, &detail));
                }
                return Err(Error::conflict(format!(
                        "{url} answered 428 Precondition Required, and it sends neither ETag nor Last-Modified for a conditional write"
                    )).with_hint("run `ifmatch doctor URL` to see what the server supports".to_string()));
            }
        };
        // After an attempt whose answer was lost, the refusal may be that attempt's own doing
        // (its ETag moved on; its JSON Patch tests no longer hold): when the server now holds
        // exactly this run's output, it was applied — running CMD again would apply the change
        // twice.
        if let Some(n) = lost {
            // Past a cache that serves stale copies, like every refetch after a 412: a stored
            // copy of the version CMD ran on would hide the applied attempt, and CMD run again.
            let refusal = Refusal { sent: &precondition, told: told.as_ref() };
            let (copy, _) = fresh::refetch(session, &url, refusal).await?;
            let now = guard(copy.collect()).await?;
            if same_content(&now.body, &mine, media::is_json(content_type)) {
                let mut record = Record::new(&key);
                record.content_type = now.content_type.clone();
                record.accept_patch = now.accept_patch.clone();
                let written = Written {
                    status: now.status,
                    etag: now.etag.as_ref(),
                    last_modified: now.last_modified.as_deref(),
                };
                session.record_written(&key, &mut record, written, NewBase::Bytes(&now.body));
                ui.success(&format!(
                    "the {} attempt had already been applied: {url} holds exactly the command's output; nothing more to send",
                    crate::cycle::ordinal(n)
                ));
                let mut report = Report::new("apply", &url);
                report.write_probe_verdict = session.store.origin_verdict(&url);
                report.outcome = Outcome::AlreadyApplied;
                report.status = Some(now.status);
                report.etag_before = etag_before;
                report.etag = record.etag;
                report.attempts = attempts;
                report.bytes = mine.len();
                return session.emit(&report);
            }
        }
        let detail = if detail.is_empty() { String::new() } else { format!(" ({detail})") };
        // CMD is the merge: re-running it on the fresh body is always a clean one, so every
        // policy re-runs it except an explicit `--on-conflict abort`.
        let policy = Policy {
            explicit: session.settings.on_conflict.or(Some(ConflictPolicy::Merge)),
            yes: session.settings.yes,
            interactive: false,
        };
        if conflict::decide(policy, Mergeable::Clean, false) == Plan::Decided(Decision::Abort) {
            return Err(Error::conflict(format!(
                    "{url} answered {status} {}{detail}: someone else wrote first, and --on-conflict abort stops here; nothing of yours was written",
                    crate::error::reason(status)
                )).with_hint("drop --on-conflict abort to re-run the command on the fresh body".to_string()));
        }
        if round == args.retries {
            return Err(Error::conflict(format!(
                    "{url} kept changing: the server answered {status} {}{detail} to all {attempts} attempts; nothing of yours was written",
                    crate::error::reason(status)
                )).with_hint("try again later, or allow more rounds with --retries N".to_string()));
        }
        let pause = backoff(round);
        ui.note(&format!(
            "the server answered {status} {}{detail}: someone else wrote first; fetching again and re-running the command in {} ms (retry {} of {})",
            crate::error::reason(status),
            pause.as_millis(),
            round + 1,
            args.retries
        ));
        guard(async {
            tokio::time::sleep(pause).await;
            Ok(())
        })
        .await?;
        refused = Some(Refused { body: fetched.body.to_vec(), precondition, status, told });
    }
    unreachable!("the last round returns")
}

/// Whether the server's body is the output that was sent: byte for byte, or for JSON the same
/// value (after a PATCH the server serializes the result its own way).
fn same_content(theirs: &[u8], mine: &[u8], json: bool) -> bool {
    theirs == mine
        || (json
            && serde_json::from_slice::<serde_json::Value>(theirs)
                .ok()
                .zip(serde_json::from_slice::<serde_json::Value>(mine).ok())
                .is_some_and(|(a, b)| a == b))
}

/// A write the server refused with a version conflict, and what it was made from.
struct Refused {
    /// The body CMD ran on.
    body: Vec<u8>,
    precondition: Precondition,
    status: u16,
    /// The ETag the refusal carried, if any.
    told: Option<ETag>,
}

/// The precondition for writing over `fetched`, by the rules `put` and `edit` follow: a strong
/// ETag; else If-Unmodified-Since, with a warning; else nothing, only with `--force`.
/// With a version in the body (`in_body`), no header precondition is needed.
fn precondition(
    session: &Session,
    fetched: &Fetched,
    force: bool,
    in_body: bool,
    first: bool,
) -> Result<Precondition> {
    let ui = session.ui;
    let chosen = Precondition::choose(
        fetched.etag.as_ref(),
        fetched.last_modified.as_deref(),
        session.settings.send_weak,
    );
    match &chosen {
        Precondition::IfUnmodifiedSince(_) if first => {
            ui.warn("no strong ETag; using If-Unmodified-Since, which has one-second resolution: a change within the same second goes unnoticed");
        }
        Precondition::None if in_body => {}
        Precondition::None if !force => {
            return Err(Error::usage(
                format!(
                    "{} sends neither a strong ETag nor Last-Modified, so the write could overwrite a change unseen",
                    fetched.url
                ),
                "pass --force to write unconditionally (or --weak-etag send for a weak ETag)",
            ));
        }
        Precondition::None if first => {
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
