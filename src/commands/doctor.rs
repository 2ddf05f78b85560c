//! `ifmatch doctor URL [--write-probe]`: probe with safe methods (and, when asked for and
//! confirmed, the write probe), judge the answers, print the report or `--json`, and end
//! with exit status 1 when writes cannot be protected. It never touches the state store.

use crate::cli::DoctorArgs;
use crate::diagnosis::{Verdict, diagnose};
use crate::error::{Error, Result};
use crate::http::Client;
use crate::interrupt::{guard, guard_blocking};
use crate::probe::{self, WriteProbe};
use crate::session::parse_url;
use crate::settings::Settings;
use crate::stdio;
use crate::ui::Ui;

pub async fn run(settings: &Settings, args: &DoctorArgs) -> Result<()> {
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
    let mut recording = guard(probe::read(&client, &url)).await?;
    if args.write_probe {
        let go = settings.yes || confirm(Ui { color: settings.color }, &url).await?;
        recording.write = if go { guard(probe::write(&client, &url)).await? } else { WriteProbe::Declined };
    }
    let diagnosis = diagnose(&recording, &settings.conflict_statuses);
    if settings.json {
        stdio::json(&diagnosis.to_json(url.as_str(), &recording))?;
    } else {
        stdio::write(diagnosis.render(url.as_str()).as_bytes())?;
    }
    if diagnosis.verdict == Verdict::Unprotected {
        return Err(Error::Unprotected {
            url: url.to_string(),
            hints: vec!["the report on stdout says why, and what to do about it".to_string()],
        });
    }
    Ok(())
}

/// Asks before the one request that could change something.
async fn confirm(ui: Ui, url: &url::Url) -> Result<bool> {
    let question = format!(
        "Write probe: PUT the current body of {url} back unchanged, with a precondition that must fail?\n\
         A server that protects writes refuses it (412); one that does not stores the same bytes again."
    );
    guard_blocking(move || ui.confirm(&question, false)).await
}
