//! `ifmatch put URL [FILE|-]`: a conditional write of a file or stdin with the validator stored
//! by `get` (or `--if-match` / `--if-unmodified-since`), through the shared write cycle.

use std::io::IsTerminal;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::cli::PutArgs;
use crate::cycle::{self, Job};
use crate::error::{Error, IoResultExt, Result};
use crate::etag::{ETag, Precondition};
use crate::session::{Outcome, Report, Session, parse_url};
use crate::state::{Origin, Record};
use crate::write_mode;

pub async fn run(session: &Session, args: &PutArgs) -> Result<()> {
    let url = parse_url(&args.url)?;
    let file = input(args, &url)?;
    let file = file.as_path();
    let key = session.key(&url);
    let stored = session.store.load(&key)?;
    let explicit = explicit_precondition(args)?;
    // FILE is written against the version it came from: the one a working copy holds (`get -o`
    // wrote it, or an earlier put kept it in step), else the newest version seen before FILE
    // was last modified — never against whatever a later `get` stored for the URL.
    let lineage = match (&explicit, file.as_os_str() == "-") {
        (None, false) => based_on(session, &key, file, stored.as_ref())?,
        _ => Lineage::Record,
    };
    if let Lineage::Unknown { oldest } = &lineage
        && !args.force
    {
        return Err(Error::usage(
            format!(
                "{} was last changed before ifmatch fetched any version of {url} (the oldest it remembers was fetched {oldest}), so the version it is based on is not known; nothing was sent",
                file.display()
            ),
            format!(
                "make the change on a fresh copy (`ifmatch get {url} -o OTHER_FILE`) and put that; or name the version {} is based on with --if-match ETAG{}; --force writes it unconditionally",
                file.display(),
                match stored.as_ref().and_then(|r| r.etag.as_deref()).and_then(ETag::parse) {
                    Some(tag) if !tag.is_weak() => format!(" (the version fetched last has ETag {tag})"),
                    _ => String::new(),
                }
            ),
        ));
    }
    let base = match (&lineage, &stored, &explicit) {
        (Lineage::Version { base, .. }, _, _) => base.clone(),
        (Lineage::Record, Some(record), None) => session.store.load_base(&key, record)?,
        _ => None,
    };
    let send_weak = session.settings.send_weak;
    let choose = |etag: Option<&str>, last_modified: Option<&str>| {
        Precondition::choose(etag.and_then(ETag::parse).as_ref(), last_modified, send_weak)
    };
    let precondition = match (&explicit, &lineage, &stored) {
        (Some(p), _, _) => p.clone(),
        (None, Lineage::Version { origin, .. }, _) => {
            choose(origin.etag.as_deref(), origin.last_modified.as_deref())
        }
        (None, Lineage::Record, Some(record)) => {
            choose(record.etag.as_deref(), record.last_modified.as_deref())
        }
        (None, _, _) => Precondition::None,
    };
    if let (Lineage::Version { origin, copy: true, .. }, Some(record)) = (&lineage, &stored)
        && origin.etag != record.etag
    {
        session.ui.note(&format!(
            "{} holds the version fetched with ETag {}; writing against that version (the store has since seen {})",
            file.display(),
            origin.etag.as_deref().unwrap_or("(none)"),
            record.etag.as_deref().unwrap_or("(none)")
        ));
    }
    if let Precondition::IfUnmodifiedSince(_) = precondition {
        session.ui.warn("no strong ETag known; using If-Unmodified-Since, which has one-second resolution: a change within the same second goes unnoticed");
    }
    let refresh_first = explicit.is_none()
        && match &lineage {
            Lineage::Version { origin, .. } => origin.stale,
            Lineage::Unknown { .. } => false,
            Lineage::Record => stored.as_ref().is_some_and(|r| r.stale),
        };
    let version_field = session
        .settings
        .version_field
        .clone()
        .or_else(|| stored.as_ref().and_then(|r| r.version_field.clone()));
    if precondition == Precondition::None && !args.force && !refresh_first && version_field.is_none() {
        let weak =
            stored.as_ref().and_then(|r| r.etag.as_deref()).and_then(ETag::parse).filter(ETag::is_weak);
        return Err(cycle::no_validator(&url, stored.is_some(), weak.as_ref()));
    }
    if precondition == Precondition::None && !refresh_first && version_field.is_none() {
        session.ui.warn("writing without a precondition (--force): a concurrent change would be overwritten");
    }
    let mut record = stored.clone().unwrap_or_else(|| Record::new(&key));
    record.version_field = version_field;
    if let Some(ct) = &args.content_type {
        record.content_type = Some(ct.clone());
    } else if record.content_type.is_none() && file.as_os_str() != "-" {
        // A resource ifmatch never fetched: say what the file is, when its name tells.
        let guessed = crate::media::from_extension(file);
        if guessed != "application/octet-stream" {
            record.content_type = Some(guessed.to_string());
        }
    }
    // A base kept only as its digest cannot be merged with: the file streams like one with no
    // base, and the digest still finds an unchanged body or an unchanged resource.
    let digest_only = base.clone().filter(|b| b.bytes().is_none());
    let regular = std::fs::metadata(file).is_ok_and(|m| m.is_file()) && file.as_os_str() != "-";
    let streams =
        !refresh_first && regular && (digest_only.is_some() || (base.is_none() && is_large_file(file)));
    // FILE's digest, when its length does not already tell it from the base: taken once, for
    // this check and the upload's comparisons.
    let read = match digest_only.as_ref().filter(|_| streams) {
        Some(stored_base) => crate::upload::digest_if_same_length(file, stored_base)?,
        None => None,
    };
    if let (Some(stored_base), Some(read)) = (&digest_only, &read)
        && read.sha256() == stored_base.sha256()
    {
        session.ui.note("no changes: the body equals the stored base (by its SHA-256); nothing sent");
        let len = stored_base.len() as usize;
        return session.emit(&Report::unchanged("put", &url, record.etag.clone(), len));
    }
    if streams {
        if crate::media::is_json(record.content_type.as_deref()) {
            let reader = std::io::BufReader::new(std::fs::File::open(file).context("open", file)?);
            if let Err(e) = serde_json::from_reader::<_, serde::de::IgnoredAny>(reader) {
                return Err(invalid_json(&url, file, record.content_type.as_deref(), &(&e).into()));
            }
        }
        let upload = crate::upload::Upload { path: file, base: digest_only.as_ref(), read };
        let (report, record) = crate::upload::run(session, &url, &key, record, upload, precondition).await?;
        // FILE was sent (or found already there): note it with the digest the store just
        // recorded, that of what was sent, so the next put writes against this version and
        // sends any change saved into FILE since.
        if let Some(written) = record.base_digest() {
            let origin = crate::state::Origin::of_record(&record);
            if let Err(err) = session.store.save_copy_digest(file, &key, &origin, &written) {
                session.ui.warn(&format!("could not note which version {} holds: {err}", file.display()));
            }
        }
        return session.emit(&report);
    }
    // From here on the base is text to merge, patch and show, or nothing.
    let base = base.and_then(crate::state::Base::into_bytes);
    let mine = crate::stdio::read_input(file)?;
    check(&url, file, &record, &mine, args.allow_empty)?;
    if !refresh_first && base.as_deref() == Some(&mine[..]) {
        session.ui.note("no changes: the body equals the stored base; nothing sent");
        return session.emit(&Report::unchanged("put", &url, record.etag.clone(), mine.len()));
    }
    let inputs = write_mode::Inputs::new(&record, base.as_deref(), &mine, &url);
    let mode = write_mode::choose(args.patch, &inputs)?;
    let sent = Sha256::digest(&mine);
    // What FILE is based on before the write: if FILE ends up not holding what was written, the
    // next `put FILE` must still write against this, not against the store's newer base.
    let started_from = match &lineage {
        Lineage::Version { origin, .. } => origin.clone(),
        _ => crate::state::Origin::of_record(&record),
    };
    let started_base = base.clone();
    let job = Job {
        base,
        refresh_first,
        mode,
        in_user_file: regular,
        ..Job::new("put", url.clone(), key, record, mine, precondition)
    };
    let done = cycle::run(session, job, &mut cycle::Merge).await?;
    let in_step = Sha256::digest(&done.text) == sent || follow_up(session, &url, file, &done, &sent);
    if std::fs::metadata(file).is_ok_and(|m| m.is_file()) {
        // The write is done: failing to note FILE's version only weakens the next put's check.
        let noted = if in_step {
            // FILE holds what was written, under the validators of this very write (not the
            // record reloaded, which another run may have moved on meanwhile).
            session.store.save_copy(
                file,
                &session.key(&url),
                &crate::state::Origin::of_record(&done.record),
                &done.text,
            )
        } else {
            // FILE was left as it was: it is still based on the version it started from.
            match &started_base {
                Some(base) => session.store.save_copy(file, &session.key(&url), &started_from, base),
                None => Ok(()),
            }
        };
        if let Err(err) = noted {
            session.ui.warn(&format!("could not note which version {} holds: {err}", file.display()));
        }
    }
    session.emit(&done.report)
}

/// After a merge or an edit at the prompt, the server holds a text the input lacks, and the
/// store's base is that text: a later `put` of the same input would revert the other change
/// as a change of its own. So FILE is rewritten with what was written; stdin (or a pipe, or a
/// device) cannot be. Returns whether FILE now holds what was written.
fn follow_up(session: &Session, url: &url::Url, file: &Path, done: &cycle::Done, read: &[u8]) -> bool {
    let ui = session.ui;
    let what = if done.report.outcome == Outcome::Merged {
        "the merged version that was written"
    } else {
        "the version the server now holds"
    };
    if file.as_os_str() == "-" || !std::fs::metadata(file).is_ok_and(|m| m.is_file()) {
        ui.warn(&format!(
            "your input lacked the other change that the server now holds; base your next write on `ifmatch get {url}`, not on the same input"
        ));
        return false;
    }
    // The prompt can wait, and `[e]dit` opens an editor: FILE may have been changed meanwhile,
    // and those changes are not to be overwritten either.
    if std::fs::read(file).map(|now| Sha256::digest(&now)[..] != *read).unwrap_or(true) {
        ui.warn(&format!(
            "{} changed while ifmatch was writing, so it was left as it is; it lacks the other change the server now holds, and the next `ifmatch put {url} {}` merges it in (412 and the merge flow)",
            file.display(),
            file.display()
        ));
        return false;
    }
    match crate::fsutil::replace_keeping_permissions(file, &done.text) {
        Ok(()) => {
            ui.note(&format!("updated {} to {what}", file.display()));
            true
        }
        Err(err) => {
            ui.warn(&format!(
                "could not update {} to {what} ({err}): it still lacks the other change, so do not put it again; run `ifmatch get {url} -o {}` first",
                file.display(),
                file.display()
            ));
            false
        }
    }
}

fn explicit_precondition(args: &PutArgs) -> Result<Option<Precondition>> {
    if args.create {
        return Ok(Some(Precondition::IfNoneMatchAny));
    }
    if let Some(raw) = &args.if_match {
        let tag = ETag::parse(raw).ok_or_else(|| {
            Error::usage(
                format!("{raw:?} is not an entity-tag"),
                "quote it like the server does: --if-match '\"abc\"'",
            )
        })?;
        return Ok(Some(Precondition::IfMatch(tag)));
    }
    if let Some(date) = &args.if_unmodified_since {
        if httpdate::parse_http_date(date).is_err() {
            return Err(Error::usage(
                format!("{date:?} is not an HTTP date"),
                "write it like: --if-unmodified-since 'Tue, 15 Nov 1994 08:12:31 GMT'",
            ));
        }
        return Ok(Some(Precondition::IfUnmodifiedSince(date.clone())));
    }
    Ok(None)
}

/// FILE, or `-` for stdin. Without FILE the body comes from stdin, unless that is a terminal:
/// then the user forgot FILE (typing a body is `-`, on purpose).
fn input(args: &PutArgs, url: &url::Url) -> Result<std::path::PathBuf> {
    match &args.file {
        Some(file) => Ok(file.clone()),
        None if std::io::stdin().is_terminal() => Err(Error::usage(
            "put needs the body to send: no FILE was given and stdin is a terminal",
            format!(
                "give FILE (`ifmatch put {url} FILE`) or pipe the body (`… | ifmatch put {url}`); `-` reads what you type"
            ),
        )),
        None => Ok(std::path::PathBuf::from("-")),
    }
}

/// Refuses a body that is almost surely a mistake upstream: an empty one (unless
/// `--allow-empty`), or invalid JSON for a JSON resource (exit 6, like an invalid edit).
fn check(url: &url::Url, file: &Path, record: &Record, mine: &[u8], allow_empty: bool) -> Result<()> {
    if mine.is_empty() && !allow_empty {
        return Err(Error::usage(
            format!("the body from {} is empty; refusing to empty {url}", describe(file)),
            "check what produced it; to empty the resource on purpose, add --allow-empty",
        ));
    }
    if !mine.is_empty()
        && crate::media::is_json(record.content_type.as_deref())
        && let Err(e) = crate::media::check_json(mine)
    {
        return Err(invalid_json(url, file, record.content_type.as_deref(), &e));
    }
    Ok(())
}

fn invalid_json(
    url: &url::Url,
    file: &Path,
    content_type: Option<&str>,
    err: &crate::media::JsonError,
) -> Error {
    Error::invalid(format!(
        "{} is not valid JSON ({err}), and {url} is {}; nothing was sent",
        describe(file),
        content_type.unwrap_or("JSON")
    ))
    .with_hint(format!(
        "fix line {}, column {} of {}, or send it as another type with --content-type TYPE",
        err.line,
        err.column,
        describe(file)
    ))
}

fn describe(file: &Path) -> String {
    if file.as_os_str() == "-" { "stdin".to_string() } else { file.display().to_string() }
}

/// What FILE is to be written against.
enum Lineage {
    /// The resource's current record (stdin, a file derived from the current version, a URL
    /// never fetched).
    Record,
    /// An earlier version: the one a working copy holds (`copy`), or the newest one seen before
    /// FILE was last modified; with its base when one is kept.
    Version { origin: Origin, base: Option<crate::state::Base>, copy: bool },
    /// FILE was last modified before every version the store remembers was fetched (the oldest
    /// one's fetch time, as an HTTP-date).
    Unknown { oldest: String },
}

/// What FILE was derived from. A working copy (`get -o`, or a put, left one) keeps the version
/// it holds, unless FILE already holds every change from that version to the record's (FILE
/// was refreshed another way, e.g. `ifmatch get URL > FILE`): then nothing of the record's
/// version can be lost. Any other file gets the newest version seen before it was last modified:
/// a version fetched later cannot be what its text came from, and writing with that version's
/// validator would silently overwrite any change made in between.
fn based_on(
    session: &Session,
    key: &crate::state::ResourceKey,
    file: &Path,
    stored: Option<&Record>,
) -> Result<Lineage> {
    let Some(meta) = std::fs::metadata(file).ok().filter(|m| m.is_file()) else {
        // A pipe or a device: reading it here would consume the body.
        return Ok(Lineage::Record);
    };
    if let Some((origin, copy_base)) = session.store.load_copy(file, key)? {
        return working_copy(session, key, file, stored, origin, copy_base);
    }
    let (Some(record), Ok(modified)) = (stored, meta.modified()) else { return Ok(Lineage::Record) };
    let versions = session.store.versions(key, record);
    let before = versions
        .iter()
        .enumerate()
        .filter(|(_, v)| v.seen() <= modified)
        .max_by_key(|(i, v)| (v.seen_nanos, *i))
        .map(|(_, v)| v);
    let Some(version) = before else {
        let oldest = versions.iter().map(|v| v.seen()).min().unwrap_or(modified);
        return Ok(Lineage::Unknown { oldest: httpdate::fmt_http_date(oldest) });
    };
    if version.is_current(record) {
        return Ok(Lineage::Record);
    }
    let base = session.store.load_version_base(key, version)?.map(crate::state::Base::Full);
    let mut origin = Origin::of_record(record);
    origin.etag = version.etag.clone();
    origin.last_modified = version.last_modified.clone();
    origin.stale = version.stale;
    session.ui.note(&format!(
        "{} was last changed before the version the store has now ({}) was fetched; writing against the version fetched before it ({})",
        file.display(),
        describe_validators(record.etag.as_deref(), record.last_modified.as_deref()),
        describe_validators(version.etag.as_deref(), version.last_modified.as_deref())
    ));
    Ok(Lineage::Version { origin, base, copy: false })
}

fn describe_validators(etag: Option<&str>, last_modified: Option<&str>) -> String {
    match (etag, last_modified) {
        (Some(tag), _) => format!("ETag {tag}"),
        (None, Some(date)) => format!("Last-Modified {date}"),
        (None, None) => "no validator".to_string(),
    }
}

/// A working copy's own version, unless FILE already holds the record's newer one.
fn working_copy(
    session: &Session,
    key: &crate::state::ResourceKey,
    file: &Path,
    stored: Option<&Record>,
    origin: Origin,
    copy_base: crate::state::Base,
) -> Result<Lineage> {
    let own = |origin, copy_base| Ok(Lineage::Version { origin, base: Some(copy_base), copy: true });
    let Some(record) = stored.filter(|r| r.etag != origin.etag || r.last_modified != origin.last_modified)
    else {
        return own(origin, copy_base);
    };
    // Only full bases can show that FILE holds the record's version; a digest-only one keeps
    // FILE's own version, the safe side.
    let Some(copy_full) = copy_base.bytes() else { return own(origin, copy_base) };
    let record_base = session.store.load_base(key, record)?.and_then(crate::state::Base::into_bytes);
    let (Some(record_base), Ok(mine)) = (record_base, std::fs::read(file)) else {
        return own(origin, copy_base);
    };
    let json = crate::media::is_json(record.content_type.as_deref());
    let holds_record = matches!(
        crate::merge::merge(copy_full, &mine, &record_base, json),
        crate::merge::MergeOutcome::Clean(merged) if merged == mine
    );
    if holds_record {
        session.ui.note(&format!(
            "{} already holds the newer version the store has ({}); writing against that",
            file.display(),
            record.etag.as_deref().unwrap_or("no ETag")
        ));
        return Ok(Lineage::Record);
    }
    own(origin, copy_base)
}

/// FILE is a regular file big enough to stream (with no base, there is nothing to merge).
fn is_large_file(path: &std::path::Path) -> bool {
    path.as_os_str() != "-"
        && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() >= crate::upload::STREAM_THRESHOLD)
}
