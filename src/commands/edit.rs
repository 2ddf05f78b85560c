//! `ifmatch edit URL`: fetch (no-cache), record, open the editor, write back with the
//! precondition through the write cycle. `--resume` re-opens the newest recovered edit, paired
//! with the base and validators saved beside it — never with whatever the store holds now.

use std::path::PathBuf;

use url::Url;

use crate::cli::EditArgs;
use crate::cycle::{self, Job, edit_until_valid};
use crate::diff;
use crate::error::{Error, Result};
use crate::etag::{ETag, Precondition};
use crate::sanitize::sanitize;
use crate::session::{Outcome, Report, Session, parse_url};
use crate::state::{Record, ResourceKey};
use crate::write_mode;

/// What the editor opens on, and what it is based on.
struct Start {
    record: Record,
    /// `None` when a resumed edit has no saved base: then a conflict cannot be merged.
    base: Option<Vec<u8>>,
    text: Vec<u8>,
    /// The recovered edit being resumed.
    resumed: Option<PathBuf>,
    /// Fetch the current version before the first write.
    refresh_first: bool,
    /// The resumed text was to create the resource: send `If-None-Match: *`.
    create: bool,
    /// The resumed text was made at a conflict prompt: that conflict's base and mine.
    conflict: Option<Box<crate::state::ConflictSides>>,
    /// The status of the fetch (none for a resumed edit): what an edit that sends nothing
    /// reports.
    status: Option<u16>,
}

pub async fn run(session: &Session, args: &EditArgs) -> Result<()> {
    let url = parse_url(&args.url)?;
    // A malformed, missing or unusable IFMATCH_EDITOR/VISUAL/EDITOR fails now, before any
    // request is made.
    let editor = crate::editor::Editor::from_env()?;
    if editor.needs_terminal() && !crate::editor::terminal_reachable() {
        return Err(Error::usage(
            format!(
                "the editor `{}` ({}) needs a terminal, and this run has none (stdin and stdout are not terminals)",
                editor.describe(),
                editor.source()
            ),
            format!(
                "from a script, change it with a command: ifmatch apply {url} -- CMD\n\
                 or write a file: ifmatch get {url} -o FILE, change FILE, then ifmatch put {url} FILE\n\
                 or set IFMATCH_EDITOR to an editor that needs no terminal"
            ),
        ));
    }
    editor.check_installed()?;
    let key = session.key(&url);
    let Start { mut record, base, text, resumed, refresh_first, create, conflict, status } =
        if args.resume { resume(session, &key, &url)? } else { fetch(session, &key, &url).await? };
    if let Some(pointer) = &session.settings.version_field {
        record.version_field = Some(pointer.clone());
    }

    let tag = record.etag.as_deref().and_then(ETag::parse);
    let precondition = if create {
        Precondition::IfNoneMatchAny
    } else {
        Precondition::choose(tag.as_ref(), record.last_modified.as_deref(), session.settings.send_weak)
    };
    if precondition == Precondition::None && !args.force && !refresh_first && record.version_field.is_none() {
        return Err(cycle::no_validator(&url, true, tag.as_ref().filter(|t| t.is_weak())));
    }
    let suffix = crate::media::suffix(record.content_type.as_deref(), url.path());
    let json = crate::media::is_json(record.content_type.as_deref());
    // Keeps the text in `recovered/` with what it was based on, and says where in the error.
    let keep = |err: Error, text: &[u8]| -> Result<()> {
        let mut origin = cycle::origin(&key, &record, &precondition, refresh_first);
        // Still the text of that conflict: a later resume checks it again.
        origin.conflict = conflict.clone();
        let saved =
            cycle::keep(session, &key, url.path(), text, base.as_deref(), &origin, resumed.as_deref())?;
        match saved.or_else(|| resumed.clone()) {
            Some(path) => Err(err.recovered_at(path, url.as_str())),
            None => Err(err),
        }
    };

    // A resumed text may hold markers from an edit at the conflict prompt: those not in its base
    // are leftovers. A fresh fetch holds no markers but the document's own.
    let saved_base: Option<[&[u8]; 1]> = match (&resumed, &base) {
        (Some(_), Some(base)) => Some([base]),
        _ => None,
    };
    let merged_from = saved_base.as_ref().map(|b| &b[..]);
    let mine = match edit_until_valid(session, &text, &suffix, json, merged_from).await {
        Ok(mine) => mine,
        Err((err, text)) if resumed.is_none() && base.as_deref() == Some(&text[..]) => return Err(err),
        Err((err, text)) => return keep(err, &text),
    };
    // SIGTERM or SIGHUP while the editor was open: stop here, whatever was saved (a changed
    // text is kept by the write path's first interruption check).
    if let Some(signal) = crate::interrupt::pending()
        && (mine.is_empty() || base.as_deref() == Some(&mine[..]))
    {
        return Err(Error::interrupted(signal));
    }
    if mine.is_empty() {
        session.ui.note("the file is empty: edit cancelled, nothing sent");
        if let Some(path) = &resumed {
            session.ui.note(&format!("the saved edit is still at {}", path.display()));
        }
        return session.emit(&cancelled(&url, &record, status));
    }
    // Editors such as vim add a final newline on save: that alone is no change.
    if base.as_deref().is_some_and(|base| diff::same_but_final_newline(base, &mine)) {
        session.ui.note("no changes; nothing sent");
        if let Some(path) = &resumed {
            session.store.discard_recovered(path)?;
        }
        let unchanged = Report::unchanged("edit", &url, record.etag.clone(), mine.len());
        return session.emit(&Report { status, ..unchanged });
    }
    // A resumed edit left as it was: quitting the editor is no yes to sending it (it may be
    // the very text a conflict stopped). Ask on a terminal; the default keeps it, unsent.
    if let Some(path) = &resumed
        && diff::same_but_final_newline(&text, &mine)
        && session.settings.interactive
        && !session.settings.yes
    {
        let ui = session.ui;
        let send = crate::interrupt::guard_blocking(move || {
            ui.confirm("You left the saved edit unchanged. Send it as it is?", false)
        })
        .await?;
        if !send {
            session.ui.note(&format!(
                "nothing sent; the saved edit is still at {} (`--resume --yes` sends it without asking)",
                path.display()
            ));
            return session.emit(&cancelled(&url, &record, status));
        }
    }
    // A text made at a conflict prompt must not undo theirs' changes that did not conflict,
    // unless the person says so (or --on-conflict overwrite does).
    if let (Some(sides), Some(theirs)) = (&conflict, &base) {
        let reverted =
            crate::merge::reverted_changes(sides.base.as_bytes(), sides.mine.as_bytes(), theirs, &mine, json);
        if let Err(err) = cycle::undo_agreed(session, url.as_str(), &reverted).await {
            return keep(err, &mine);
        }
    }
    let inputs = write_mode::Inputs::new(&record, base.as_deref(), &mine, &url);
    let mode = match write_mode::choose(args.patch, &inputs) {
        Ok(mode) => mode,
        Err(err) => return keep(err, &mine),
    };
    let job = Job {
        base,
        refresh_first,
        mode,
        recovered: resumed,
        ..Job::new("edit", url, key, record, mine, precondition)
    };
    let done = cycle::run(session, job, &mut cycle::Merge).await?;
    session.emit(&done.report)
}

/// A fresh edit: the server's current body, refused when it is binary or was redirected.
async fn fetch(session: &Session, key: &ResourceKey, url: &Url) -> Result<Start> {
    let saved = session.store.recovered_edits(key)?;
    if !saved.is_empty() {
        session.ui.note(&format!(
            "{} saved edit{} of {url} from earlier runs: `ifmatch edit {url} --resume` picks up the newest",
            saved.len(),
            if saved.len() == 1 { "" } else { "s" }
        ));
    }
    let fetched = session.client.fetch(url).await?;
    if without_fragment(&fetched.url) != without_fragment(url) {
        // Writes are never re-targeted (a redirected write is reported, not followed), so an
        // edit of the redirected body would be written back to the URL that redirects.
        return Err(Error::usage(
            format!(
                "{url} redirects to {}; ifmatch writes back only to the URL it was given, so it will not edit through a redirect",
                sanitize(fetched.url.as_str())
            ),
            format!("edit the final URL: ifmatch edit {}", sanitize(fetched.url.as_str())),
        ));
    }
    if diff::is_binary(&fetched.body) {
        return Err(Error::usage(
            format!("{url} is binary (not UTF-8 text); ifmatch will not open it in an editor"),
            format!(
                "use `ifmatch get {url} -o FILE`, change FILE with a suitable tool, then `ifmatch put {url} FILE`"
            ),
        ));
    }
    let record = session.record_fetched(key, &fetched)?;
    session.warn_about_validators(&fetched, record.version_field.as_deref(), Some(&fetched.body));
    let body = fetched.body.to_vec();
    let refresh_first = record.stale;
    Ok(Start {
        record,
        base: Some(body.clone()),
        text: body,
        resumed: None,
        refresh_first,
        create: false,
        conflict: None,
        status: Some(fetched.status),
    })
}

/// The report of an edit ended without sending: it stays at the version it started from.
fn cancelled(url: &Url, record: &Record, status: Option<u16>) -> Report {
    Report {
        outcome: Outcome::Cancelled,
        status,
        etag_before: record.etag.clone(),
        etag: record.etag.clone(),
        ..Report::new("edit", url)
    }
}

fn without_fragment(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    url
}

/// The newest recovered edit, with the base and validators saved beside it.
fn resume(session: &Session, key: &ResourceKey, url: &Url) -> Result<Start> {
    let ui = session.ui;
    let edits = session.store.recovered_edits(key)?;
    let Some(newest) = edits.last() else {
        return Err(Error::usage(
            format!("there is no saved edit of {url} to resume"),
            format!("start a new one with `ifmatch edit {url}`"),
        ));
    };
    if edits.len() > 1 && !crate::ui::quiet() {
        ui.warn(&format!(
            "there are {} saved edits of {url}; resuming the newest, {}. The others:",
            edits.len(),
            newest.display()
        ));
        for other in &edits[..edits.len() - 1] {
            ui.line(&format!("  {}", other.display()));
        }
        ui.line(&format!(
            "  (each is resumed in turn, newest first; `ifmatch state forget {url} --recovered` deletes them all)"
        ));
    }
    let saved = session.store.load_recovered(newest)?;
    if diff::is_binary(&saved.text) {
        let if_match = saved
            .origin
            .as_ref()
            .and_then(|o| o.etag.as_deref())
            .map(|tag| format!(" --if-match '{tag}'"))
            .unwrap_or_default();
        return Err(Error::usage(
            format!(
                "the saved edit {} is binary (not UTF-8 text); ifmatch will not open it in an editor",
                newest.display()
            ),
            format!(
                "send it as it is with `ifmatch put {url} {}{if_match}`, or delete it with `ifmatch state forget {url} --recovered`",
                newest.display()
            ),
        ));
    }
    let mut record = session.store.load(key)?.unwrap_or_else(|| Record::new(key));
    let create = saved.origin.as_ref().is_some_and(|o| o.create);
    let refresh_first = match &saved.origin {
        Some(_) if create => false,
        Some(origin) => {
            record.etag = origin.etag.clone();
            record.last_modified = origin.last_modified.clone();
            if origin.content_type.is_some() {
                record.content_type = origin.content_type.clone();
            }
            record.accept_patch = origin.accept_patch.clone();
            let tag = origin.etag.as_deref().and_then(ETag::parse);
            let usable = Precondition::choose(
                tag.as_ref(),
                origin.last_modified.as_deref(),
                session.settings.send_weak,
            ) != Precondition::None
                || record.version_field.is_some();
            // With nothing to send, fetch first so a difference is shown before any write.
            origin.stale || !usable
        }
        None => {
            ui.warn(&format!(
                "{} was saved without its base (by an older ifmatch): the current version is fetched before writing, and any difference goes through the conflict prompt (or --on-conflict)",
                newest.display()
            ));
            record.etag = None;
            record.last_modified = None;
            true
        }
    };
    Ok(Start {
        record,
        base: saved.base,
        text: saved.text,
        resumed: Some(newest.clone()),
        refresh_first,
        create,
        conflict: saved.origin.as_ref().and_then(|o| o.conflict.clone()),
        status: None,
    })
}
