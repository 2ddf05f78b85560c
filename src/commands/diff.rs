//! `ifmatch diff URL [FILE]`: without FILE, what the server changed since the stored base
//! (base → theirs); with FILE (or `-`), what writing FILE would change (theirs → FILE). The diff
//! is the command's output, so it goes to stdout, and the exit status is diff(1)'s: 0 equal,
//! 1 different. Nothing is recorded: the stored base stays the base of the user's copy.

use crate::cli::DiffArgs;
use crate::diff::{self, DiffOptions};
use crate::error::{Error, Exit, Result};
use crate::report::{self, DiffReport, Head, Outcome};
use crate::session::{Session, parse_url};
use crate::stdio;

/// One side of the comparison.
struct Side {
    label: String,
    bytes: Vec<u8>,
    etag: Option<String>,
}

pub async fn run(session: &Session, args: &DiffArgs) -> Result<Exit> {
    let url = parse_url(&args.url)?;
    let key = session.key(&url);
    // The ETag stored for the URL, the server's now, and the status of the fetch.
    let (stored, current, status);
    let (old, new) = match &args.file {
        None => {
            let record = session.store.load(&key)?;
            let base = match &record {
                Some(record) => session.store.load_base(&key, record)?,
                None => None,
            };
            if let Some(crate::state::Base::Digest { len, .. }) = &base {
                return Err(Error::usage(
                    format!(
                        "only a digest of the base of {url} is kept ({len} bytes, over the limit of {} bytes for full bases), so there is no base text to compare with",
                        session.store.base_limit()
                    ),
                    format!(
                        "compare a file instead: ifmatch diff {url} FILE; or keep larger bases: --base-limit SIZE (or {}), then `ifmatch get {url}` again",
                        crate::state::BASE_LIMIT_ENV
                    ),
                ));
            }
            let (Some(record), Some(base)) = (record, base.and_then(crate::state::Base::into_bytes)) else {
                return Err(Error::usage(
                    format!(
                        "nothing is stored for {url}, so there is no base to compare the server's version with"
                    ),
                    format!("run `ifmatch get {url}` first, or compare a file: ifmatch diff {url} FILE"),
                ));
            };
            let theirs = session.client.fetch(&url).await?;
            (stored, current, status) =
                (record.etag.clone(), theirs.etag.as_ref().map(|t| t.to_string()), theirs.status);
            (
                Side { label: "base".into(), bytes: base, etag: record.etag },
                Side {
                    label: "theirs".into(),
                    bytes: theirs.body.to_vec(),
                    etag: theirs.etag.map(|t| t.to_string()),
                },
            )
        }
        Some(file) => {
            let mine = stdio::read_input(file)?;
            let theirs = session.client.fetch(&url).await?;
            stored = session.store.load(&key).ok().flatten().and_then(|r| r.etag);
            (current, status) = (theirs.etag.as_ref().map(|t| t.to_string()), theirs.status);
            let label =
                if file.as_os_str() == "-" { "stdin".to_string() } else { file.display().to_string() };
            (
                Side {
                    label: "theirs".into(),
                    bytes: theirs.body.to_vec(),
                    etag: theirs.etag.map(|t| t.to_string()),
                },
                Side { label, bytes: mine, etag: None },
            )
        }
    };
    let equal = old.bytes == new.bytes;
    if session.settings.json {
        let (added, removed) = diff::summary(&old.bytes, &new.bytes);
        let text = diff::unified(&old.bytes, &new.bytes, &old.label, &new.label, &DiffOptions::default());
        let outcome = if equal { Outcome::Equal } else { Outcome::Different };
        let head = Head {
            status: Some(status),
            etag_before: stored,
            etag: current,
            ..Head::new("diff", Some(&url), outcome)
        };
        report::print(&DiffReport {
            head,
            equal,
            from: old.label,
            to: new.label,
            etag_from: old.etag,
            etag_to: new.etag,
            added,
            removed,
            diff: text,
            retries: crate::http::retries(),
        })?;
    } else if equal {
        session.ui.note(&format!("no differences: {} and {} are identical", old.label, new.label));
    } else {
        let opts = DiffOptions { color: session.settings.color_stdout, ..DiffOptions::default() };
        let text = diff::unified(&old.bytes, &new.bytes, &old.label, &new.label, &opts);
        // A reader that stopped early (`| head`) still gets diff(1)'s answer in the status.
        match stdio::write(text.as_bytes()) {
            Err(e) if !e.is_closed_pipe() => return Err(e),
            _ => {}
        }
    }
    Ok(if equal { Exit::Success } else { Exit::Differences })
}
