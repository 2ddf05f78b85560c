//! `ifmatch get URL [-o FILE]`: fetch, print or save the body byte-exact, record the validators
//! and the base body.

use std::io::Write;
use std::path::Path;

use crate::cli::GetArgs;
use crate::error::{Error, Result};
use crate::http::Fetched;
use crate::session::{Report, Session, parse_url};
use crate::state::{Record, ResourceKey, now_http_date};

pub async fn run(session: &Session, args: &GetArgs) -> Result<()> {
    let url = parse_url(&args.url)?;
    let key = session.key(&url);
    let before = session.store.load(&key)?.and_then(|r| r.etag);
    let fetched = crate::interrupt::guard(session.client.fetch(&url)).await?;
    record(session, &key, &fetched)?;
    warn_about_validators(session, &fetched);
    match &args.output {
        Some(path) => write_file(path, &fetched.body)?,
        None => write_stdout(&fetched.body)?,
    }
    session.emit(&Report {
        command: "get",
        url: url.to_string(),
        outcome: "fetched",
        status: Some(fetched.status),
        etag_before: before,
        etag: fetched.etag.as_ref().map(|t| t.to_string()),
        attempts: 0,
        bytes: fetched.body.len(),
    })
}

/// Stores what a fetch taught us: validators, content type, and the body as the new base.
pub fn record(session: &Session, key: &ResourceKey, fetched: &Fetched) -> Result<Record> {
    let mut record = Record::new(key);
    record.etag = fetched.etag.as_ref().map(|t| t.to_string());
    record.last_modified = fetched.last_modified.clone();
    record.content_type = fetched.content_type.clone();
    record.accept_patch = fetched.accept_patch.clone();
    record.fetched_at = now_http_date();
    session.store.save(key, &record, Some(&fetched.body))?;
    Ok(record)
}

/// Says early when later writes cannot be fully protected.
pub fn warn_about_validators(session: &Session, fetched: &Fetched) {
    let ui = session.ui;
    match (&fetched.etag, &fetched.last_modified) {
        (Some(tag), _) if !tag.is_weak() => {}
        (Some(tag), Some(_)) if !session.settings.send_weak => ui.warn(&format!(
            "the server sent a weak ETag {tag}, which never matches If-Match; writes will use If-Unmodified-Since (1-second resolution)"
        )),
        (Some(tag), None) if !session.settings.send_weak => ui.warn(&format!(
            "the server sent only a weak ETag {tag}, which never matches If-Match; writes will need --weak-etag send or --force"
        )),
        (Some(_), _) => {}
        (None, Some(_)) => ui.warn("the server sent no ETag; writes will use If-Unmodified-Since (1-second resolution)"),
        (None, None) => ui.warn("the server sent neither ETag nor Last-Modified; writes cannot be protected (--force writes anyway)"),
    }
}

fn write_file(path: &Path, body: &[u8]) -> Result<()> {
    std::fs::write(path, body).map_err(|e| Error::io("write", path, e))
}

/// Writes to stdout; a closed pipe (`| head`) ends quietly.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Error::io("write to", "stdout", e)),
    }
}
