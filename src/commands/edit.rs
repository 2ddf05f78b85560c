//! `ifmatch edit URL`: fetch (no-cache), record, open the editor, write back with the
//! precondition through the write cycle. `--resume` re-opens the newest recovered edit.

use crate::cli::EditArgs;
use crate::cycle::{self, Job, edit_until_valid};
use crate::diff;
use crate::error::{Error, Result};
use crate::etag::{ETag, Precondition};
use crate::session::{Report, Session, parse_url};
use crate::write_mode;

pub async fn run(session: &Session, args: &EditArgs) -> Result<()> {
    crate::interrupt::install();
    let url = parse_url(&args.url)?;
    let key = session.key(&url);
    let resumed = if args.resume {
        Some(session.store.latest_recovered(&key)?.ok_or_else(|| Error::Usage {
            message: format!("there is no saved edit of {url} to resume"),
            hint: Some(format!("start a new one with `ifmatch edit {url}`")),
        })?)
    } else {
        None
    };

    // A resumed edit is based on the stored base, not on what the server holds now: keep the
    // record as it is so that a concurrent change goes through the merge.
    let (record, base, start) = match &resumed {
        Some(path) => {
            let text = std::fs::read(path).map_err(|e| Error::io("read the saved edit", path, e))?;
            let record = session.store.load(&key)?;
            let base = session.store.load_base(&key)?;
            match (record, base) {
                (Some(record), Some(base)) => (record, base, text),
                _ => {
                    session.ui.warn("no stored base for this edit; fetching the current version as its base");
                    let fetched = crate::interrupt::guard(session.client.fetch(&url)).await?;
                    let record = super::get::record(session, &key, &fetched)?;
                    (record, fetched.body.to_vec(), text)
                }
            }
        }
        None => {
            let fetched = crate::interrupt::guard(session.client.fetch(&url)).await?;
            if diff::is_binary(&fetched.body) {
                return Err(Error::Usage {
                    message: format!(
                        "{url} is binary (not UTF-8 text); ifmatch will not open it in an editor"
                    ),
                    hint: Some(format!(
                        "use `ifmatch get {url} -o FILE`, change FILE with a suitable tool, then `ifmatch put {url} FILE`"
                    )),
                });
            }
            let record = super::get::record(session, &key, &fetched)?;
            super::get::warn_about_validators(session, &fetched);
            let body = fetched.body.to_vec();
            (record, body.clone(), body)
        }
    };

    let tag = record.etag.as_deref().and_then(ETag::parse);
    let precondition =
        Precondition::choose(tag.as_ref(), record.last_modified.as_deref(), session.settings.send_weak);
    if precondition == Precondition::None && !args.force {
        return Err(Error::usage(
            format!(
                "{url} has neither a strong ETag nor Last-Modified, so your edit could overwrite a change unseen"
            ),
            "pass --force to edit and write it unconditionally",
        ));
    }
    let suffix = crate::media::suffix(record.content_type.as_deref(), url.path());
    let json = crate::media::is_json(record.content_type.as_deref());

    let mine = match edit_until_valid(session, &start, &suffix, json).await {
        Ok(text) => text,
        Err((err, text)) => {
            if text == base && resumed.is_none() {
                return Err(err);
            }
            let path = session.store.save_recovered(&key, &text, &suffix)?;
            return Err(err.recovered_at(path, url.as_str()));
        }
    };
    if mine == base {
        session.ui.note("no changes; nothing sent");
        if let Some(path) = &resumed {
            session.store.discard_recovered(path)?;
        }
        let mut report = Report::new("edit", &url);
        report.outcome = "unchanged";
        report.etag = record.etag.clone();
        report.bytes = mine.len();
        return session.emit(&report);
    }
    let inputs = write_mode::Inputs {
        content_type: record.content_type.as_deref(),
        accept_patch: record.accept_patch.as_deref(),
        base: Some(&base),
        mine: &mine,
        url: url.as_str(),
    };
    let mode = match write_mode::choose(args.patch, &inputs) {
        Ok(mode) => mode,
        Err(err) => {
            let path = session.store.save_recovered(&key, &mine, &suffix)?;
            return Err(err.recovered_at(path, url.as_str()));
        }
    };
    let refresh_first = record.stale;
    let job =
        Job { command: "edit", url, key, record, base: Some(base), mine, precondition, refresh_first, mode };
    let report = cycle::run(session, job).await?;
    if let Some(path) = &resumed {
        session.store.discard_recovered(path)?;
    }
    session.emit(&report)
}
