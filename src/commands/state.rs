//! `ifmatch state list|show|forget|path`: look into and tidy the state store. Each subcommand
//! gathers its result; `report` shows it as text or as its `--json` object.

use crate::cli::StateCommand;
use crate::error::{Error, Result};
use crate::report::{self, Head, Outcome, StateForget, StateList, StatePath, StateShow, render};
use crate::session::{Session, parse_url};

pub fn run(session: &Session, command: &StateCommand) -> Result<()> {
    let (json, ui) = (session.settings.json, session.ui);
    match command {
        StateCommand::Path { .. } => {
            let path = session.store.dir().display().to_string();
            render(&StatePath { head: Head::new("state path", None, Outcome::Shown), path }, json, ui)
        }
        StateCommand::List { .. } => {
            let head = Head::new("state list", None, Outcome::Listed);
            let list =
                StateList { head, records: session.store.list()?, origins: session.store.origin_verdicts() };
            render(&list, json, ui)
        }
        StateCommand::Show { url, .. } => {
            let url = parse_url(url)?;
            let key = session.key(&url);
            let recovered = report::paths(&session.store.recovered_edits(&key)?);
            let record = session.store.load(&key)?;
            if record.is_none() && recovered.is_empty() {
                return Err(not_stored(&url));
            }
            // The versions `put FILE` can write a file against (see `state/history.rs`).
            let versions = record.as_ref().map(|r| session.store.versions(&key, r)).unwrap_or_default();
            let verdict = session.store.origin_verdict(&url);
            render(&StateShow::new(&url, record, recovered, versions, verdict)?, json, ui)
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
            let forget = StateForget {
                head: Head::new("state forget", Some(&url), Outcome::Forgotten),
                forgot: None,
                recovered_removed: Vec::new(),
                recovered_kept: Vec::new(),
                forgot_write_probe_verdict: Some(verdict),
            };
            render(&forget, json, ui)
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
            let forget = StateForget {
                head: Head::new("state forget", Some(&url), Outcome::Forgotten),
                forgot: Some(url.to_string()),
                recovered_removed: report::paths(&forgotten.recovered_removed),
                recovered_kept: report::paths(kept),
                forgot_write_probe_verdict: None,
            };
            render(&forget, json, ui)
        }
    }
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
