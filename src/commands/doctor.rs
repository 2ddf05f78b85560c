//! `ifmatch doctor URL [--write-probe]`: probe with safe methods (and, when asked for and
//! confirmed, the write probe), judge the answers, print the report or `--json`, and end
//! with exit status 1 when writes cannot be protected. It changes nothing on the server but
//! for the write probe's byte-identical PUT, and nothing in the state store but the write
//! probe's verdict for the origin (`state/origins.rs`), which later writes there act on; without
//! `--write-probe` it only reads a verdict remembered earlier, and creates no store.

use crate::cli::DoctorArgs;
use crate::doctor::diagnosis::{Verdict, WriteResult, diagnose, write_result};
use crate::doctor::probe::{self, WriteProbe};
use crate::error::{Error, Exit, Result};
use crate::http::Client;
use crate::interrupt::guard_blocking;
use crate::report::{self, DoctorReport};
use crate::session::parse_url;
use crate::settings::Settings;
use crate::state::{OriginVerdict, Store};
use crate::stdio;
use crate::ui::Ui;

pub async fn run(settings: &Settings, args: &DoctorArgs) -> Result<Exit> {
    let url = parse_url(&args.url)?;
    if args.write_probe && !settings.yes && !settings.interactive {
        return Err(Error::usage(
            "--write-probe sends a PUT, which needs a yes, and there is no terminal to ask on",
            format!("add --yes to send it without asking: ifmatch doctor --write-probe --yes {url}"),
        ));
    }
    // The write probe PUTs back what the GET returned; under a representation-choosing header
    // that may be another representation than the one stored, which an unprotected server
    // would then store: refuse rather than risk changing the resource.
    let negotiating =
        settings.headers.iter().map(|(n, _)| n.to_ascii_lowercase()).find(|n| {
            matches!(n.as_str(), "accept" | "accept-language" | "accept-encoding" | "accept-charset")
        });
    if let (true, Some(name)) = (args.write_probe, negotiating) {
        return Err(Error::usage(
            format!(
                "--write-probe would PUT back the representation chosen by your -H {name}, which may not be the one stored"
            ),
            "run the write probe without representation-choosing -H headers",
        ));
    }
    let client = Client::new(settings)?;
    let version_field = settings.version_field.as_deref();
    let bust = settings.cache_bust.as_deref();
    let mut recording = probe::read(&client, &url, version_field, bust).await?;
    if args.write_probe {
        let go = settings.yes || confirm(Ui { color: settings.color }, &url).await?;
        recording.write = if go {
            probe::write(&client, &url, recording.version_field.as_ref().map(|v| v.pointer.as_str())).await?
        } else {
            WriteProbe::Declined
        };
    }
    let diagnosis = diagnose(&recording, &settings.conflict_statuses);
    let ui = Ui { color: settings.color };
    let (remembered, fresh) = match write_result(&recording, &settings.conflict_statuses) {
        WriteResult::Protected => (Some(remember(settings, ui, &url, true)), true),
        WriteResult::Unprotected => (Some(remember(settings, ui, &url, false)), true),
        _ => (crate::state::peek_origin_verdict(&settings.state_dir, &url), false),
    };
    if settings.json {
        report::print(&DoctorReport::new(&url, &diagnosis, &recording, remembered.clone()))?;
    } else {
        let mut text = diagnosis.render(url.as_str());
        if let Some(verdict) = &remembered {
            text.push_str(&remembered_note(verdict, fresh));
        }
        stdio::write(text.as_bytes())?;
    }
    if diagnosis.verdict == Verdict::Unprotected {
        // The verdict is the run's answer, not a failure of it: said on stderr like an error,
        // after the report, and with status 1.
        ui.failure(
            &format!("writes to {url} cannot be protected"),
            &["the report on stdout says why, and what to do about it".to_string()],
        );
        return Ok(Exit::Unprotected);
    }
    Ok(Exit::Success)
}

/// Asks before the one request that could change something.
async fn confirm(ui: Ui, url: &url::Url) -> Result<bool> {
    let question = format!(
        "Write probe: PUT the current body of {url} back unchanged, with a precondition that must fail?\n\
         A server that protects writes refuses it (412); one that does not stores the same bytes again."
    );
    guard_blocking(move || ui.confirm(&question, false)).await
}

/// Remembers what the write probe proved for the URL's origin. The report stands without it:
/// a store that cannot be written is a warning.
fn remember(settings: &Settings, ui: Ui, url: &url::Url, protected: bool) -> OriginVerdict {
    let verdict = OriginVerdict::new(url, protected);
    let saved = Store::open(&settings.state_dir)
        .map(|store| store.with_lock_timeout(settings.lock_timeout))
        .and_then(|store| store.save_origin_verdict(&verdict));
    if let Err(err) = saved {
        ui.warn(&format!("could not remember the write probe's verdict in the state store: {err}"));
    }
    verdict
}

/// The lines under the verdict about the remembered write-probe verdict.
fn remembered_note(verdict: &OriginVerdict, fresh: bool) -> String {
    let what = if verdict.writes_protected {
        String::new()
    } else {
        " put, edit and apply to it warn, and re-check the ETag with a conditional request just before each write."
            .to_string()
    };
    if fresh {
        format!(
            "\nRemembered for {}: {} (write probe of {}).{what}\n  `ifmatch state forget {} --write-probe` forgets it.\n",
            verdict.origin,
            verdict.describe(),
            verdict.checked_at,
            verdict.url
        )
    } else {
        format!(
            "\nRemembered for {}: {} (write probe of {} on {}); --write-probe checks again.{what}\n",
            verdict.origin,
            verdict.describe(),
            verdict.checked_at,
            verdict.url
        )
    }
}
