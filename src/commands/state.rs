//! `ifmatch state list|show|forget|path`: look into and tidy the state store.

use crate::cli::StateCommand;
use crate::error::{Error, Result};
use crate::report::{self, Head, Outcome, StateForget, StateList, StatePath, StateShow};
use crate::session::{Session, parse_url};
use crate::stdio;

pub fn run(session: &Session, command: &StateCommand) -> Result<()> {
    let json = session.settings.json;
    match command {
        StateCommand::Path { .. } => {
            let dir = session.store.dir().display().to_string();
            if json {
                report::print(&StatePath { head: Head::new("state path", None, Outcome::Shown), path: dir })?;
            } else {
                stdio::line(&dir)?;
            }
        }
        StateCommand::List { .. } => {
            let records = session.store.list()?;
            let origins = session.store.origin_verdicts();
            if json {
                report::print(&StateList {
                    head: Head::new("state list", None, Outcome::Listed),
                    records,
                    origins,
                })?;
            } else if records.is_empty() && origins.is_empty() {
                session.ui.note("the state store is empty; `ifmatch get URL` adds a resource");
            } else {
                for r in records {
                    let stale = if r.stale { " (stale)" } else { "" };
                    let accept = r.accept.as_deref().map(|a| format!(" [Accept: {a}]")).unwrap_or_default();
                    stdio::line(&format!(
                        "{}{accept}\t{}{stale}\t{}",
                        r.url,
                        r.etag.as_deref().unwrap_or("-"),
                        r.fetched_at
                    ))?;
                }
                // What write probes proved per origin, after the resources.
                for v in origins {
                    stdio::line(&format!("{}	{} (write probe)	{}", v.origin, v.describe(), v.checked_at))?;
                }
            }
        }
        StateCommand::Show { url, .. } => {
            let url = parse_url(url)?;
            let key = session.key(&url);
            let recovered: Vec<String> =
                session.store.recovered_edits(&key)?.iter().map(|p| p.display().to_string()).collect();
            let Some(record) = session.store.load(&key)? else {
                if recovered.is_empty() {
                    return Err(not_stored(&url));
                }
                // Forgotten, but edits were kept: they are what the user is looking for.
                if json {
                    report::print(&StateShow {
                        head: Head::new("state show", Some(&url), Outcome::Shown),
                        record: StateShow::fields(None)?,
                        recovered,
                        versions: Vec::new(),
                        write_probe_verdict: session.store.origin_verdict(&url),
                    })?;
                } else {
                    session.ui.note(&format!("no record of {url}, but saved edits:"));
                    for path in &recovered {
                        stdio::line(&format!("recovered:     {path}"))?;
                    }
                }
                return Ok(());
            };
            // The versions `put FILE` can write a file against (see `state/history.rs`).
            let versions = session.store.versions(&key, &record);
            if json {
                let head =
                    Head { etag: record.etag.clone(), ..Head::new("state show", Some(&url), Outcome::Shown) };
                report::print(&StateShow {
                    head,
                    record: StateShow::fields(Some(&record))?,
                    recovered,
                    versions,
                    write_probe_verdict: session.store.origin_verdict(&url),
                })?;
            } else {
                let mut text = format!("url:           {}\n", record.url);
                if let Some(a) = &record.accept {
                    text += &format!("accept:        {a}\n");
                }
                text += &format!("etag:          {}\n", record.etag.as_deref().unwrap_or("(none)"));
                text += &format!("last-modified: {}\n", record.last_modified.as_deref().unwrap_or("(none)"));
                text += &format!("content-type:  {}\n", record.content_type.as_deref().unwrap_or("(none)"));
                text += &format!("fetched at:    {}\n", record.fetched_at);
                let stale = if record.stale { "yes (the next write refetches first)" } else { "no" };
                text += &format!("stale:         {stale}\n");
                text += &format!("base:          {} bytes\n", record.base_len.unwrap_or(0));
                for v in &versions {
                    let tag = v.etag.as_deref().or(v.last_modified.as_deref()).unwrap_or("(no validator)");
                    let base = if v.base_len.is_some() { "" } else { ", no base kept" };
                    text +=
                        &format!("version:       {tag} (seen {}{base})\n", httpdate::fmt_http_date(v.seen()));
                }
                if let Some(v) = session.store.origin_verdict(&url) {
                    text += &format!("write probe:   {} on {} ({})\n", v.describe(), v.origin, v.checked_at);
                }
                for path in recovered {
                    text += &format!("recovered:     {path}\n");
                }
                stdio::write(text.as_bytes())?;
            }
        }
        StateCommand::Forget { url, write_probe: true, .. } => {
            let url = parse_url(url)?;
            let Some(verdict) = session.store.forget_origin_verdict(&url)? else {
                return Err(Error::usage(
                    format!(
                        "the state store remembers no write probe verdict for {}",
                        crate::state::origin_of(&url)
                    ),
                    "`ifmatch state list` shows the origins it has one for".to_string(),
                ));
            };
            if json {
                report::print(&StateForget {
                    head: Head::new("state forget", Some(&url), Outcome::Forgotten),
                    forgot: None,
                    recovered_removed: Vec::new(),
                    recovered_kept: Vec::new(),
                    forgot_write_probe_verdict: Some(verdict),
                })?;
            } else {
                session.ui.note(&format!(
                    "forgot the write probe verdict for {} ({}, {})",
                    verdict.origin,
                    verdict.describe(),
                    verdict.checked_at
                ));
            }
        }
        StateCommand::Forget { url, recovered, .. } => {
            let url = parse_url(url)?;
            let key = session.key(&url);
            let forgotten = session.store.forget(&key, *recovered)?;
            let kept = &forgotten.recovered_kept;
            if !forgotten.record && forgotten.recovered_removed.is_empty() {
                let mut err = not_stored(&url);
                if !kept.is_empty() {
                    err = Error::usage(
                        format!(
                            "the state store has no record of {url}, only {} recovered edit(s): {}",
                            kept.len(),
                            list(kept)
                        ),
                        format!(
                            "resume with `ifmatch edit {url} --resume`, or delete them with `ifmatch state forget {url} --recovered`"
                        ),
                    );
                }
                return Err(err);
            }
            if json {
                report::print(&StateForget {
                    head: Head::new("state forget", Some(&url), Outcome::Forgotten),
                    forgot: Some(url.to_string()),
                    recovered_removed: report::paths(&forgotten.recovered_removed),
                    recovered_kept: report::paths(kept),
                    forgot_write_probe_verdict: None,
                })?;
                return Ok(());
            }
            session.ui.note(&format!("forgot {url}"));
            if !forgotten.recovered_removed.is_empty() {
                session.ui.note(&format!(
                    "deleted {} recovered edit(s): {}",
                    forgotten.recovered_removed.len(),
                    list(&forgotten.recovered_removed)
                ));
            }
            if !kept.is_empty() && !crate::ui::quiet() {
                session.ui.note(&format!("kept {} recovered edit(s): {}", kept.len(), list(kept)));
                session.ui.line(&format!(
                    "hint: resume with `ifmatch edit {url} --resume`, or delete them with `ifmatch state forget {url} --recovered`"
                ));
            }
        }
    }
    Ok(())
}

fn list(paths: &[std::path::PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

fn not_stored(url: &url::Url) -> Error {
    Error::usage(
        format!("the state store has no record of {url}"),
        "`ifmatch state list` shows what it has; pass the same -H 'Accept: …' used when fetching".to_string(),
    )
}
