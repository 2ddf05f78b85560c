//! `ifmatch demo`: the whole story in one command, on the built-in server with a throwaway
//! state store. You edit a JSON document; while you are in the editor a colleague changes
//! another field; your save meets 412, ifmatch shows the diff, merges, and retries. On a
//! terminal it uses your editor; elsewhere (CI logs, pipes) it scripts the edit.

use std::io::IsTerminal;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;

use crate::cli::ConflictPolicy;
use crate::cycle::{self, Job, edit_until_valid};
use crate::error::{Error, IoResultExt, Result};
use crate::etag::Precondition;
use crate::http::{WriteOutcome, WriteRequest};
use crate::server::{ServeConfig, Server};
use crate::session::{Outcome, Report, Session};
use crate::settings::Settings;

const DOCUMENT: &str = r#"{
  "service": "checkout",
  "replicas": 2,
  "timeout_ms": 1000,
  "features": {
    "express_shipping": false
  }
}
"#;

/// One line of the story on stderr; `-q` leaves the story out (errors still print).
macro_rules! say {
    ($($arg:tt)*) => {
        if !crate::ui::quiet() {
            stderrln!($($arg)*);
        }
    };
}

pub async fn run(mut settings: Settings) -> Result<()> {
    let scratch = tempfile::Builder::new()
        .prefix("ifmatch-demo-")
        .tempdir()
        .context("create a temporary directory in", std::env::temp_dir())?;
    let docs = scratch.path().join("docs");
    std::fs::create_dir_all(&docs).context("create", &docs)?;
    let path = docs.join("config.json");
    std::fs::write(&path, DOCUMENT).context("write", &path)?;

    let server = Server::bind(ServeConfig {
        require_precondition: true,
        max_body: 1024 * 1024,
        quiet: true,
        ..ServeConfig::new(docs.clone())
    })
    .await
    .map_err(|e| Error::other(format!("could not start the demo server: {e}")))?;
    let url = crate::session::parse_url(&format!("{}config.json", server.url()))?;
    let serving = tokio::spawn(server.run());

    let scripted = !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal());
    settings.state_dir = scratch.path().join("state");
    // The story's own steps print no JSON; `--json` gets the final report, once.
    let json = std::mem::replace(&mut settings.json, false);
    if scripted {
        settings.on_conflict = Some(ConflictPolicy::Merge);
    }
    let session = Session::new(settings)?;
    let ui = session.ui;
    let result = story(&session, &url, scripted).await;
    serving.abort();
    let report = result?;
    if report.outcome != Outcome::Unchanged {
        ui.heading("\nThat is the point of ifmatch: your edit was never lost, and the colleague's change was never overwritten.");
        say!("Try it on your own API: ifmatch edit URL   (ifmatch --help for more)");
    }
    if json {
        crate::report::print(&report.with_run())?;
    }
    Ok(())
}

async fn story(session: &Session, url: &url::Url, scripted: bool) -> Result<Report> {
    let ui = session.ui;
    ui.heading(&format!("Step 1. A local server (ifmatch serve) holds a JSON document at {url}"));
    say!(
        "  It enforces conditional requests the way RFC 9110 says, and refuses unconditional writes (428).\n"
    );

    ui.heading("Step 2. ifmatch fetches it and remembers its ETag (the version tag).");
    let fetched = session.client.fetch(url).await?;
    let key = session.key(url);
    let record = session.record_fetched(&key, &fetched)?;
    let etag = fetched.etag.clone().ok_or_else(|| Error::other("the demo server sent no ETag"))?;
    say!("  GET {url} → 200, ETag {etag}\n");

    ui.heading("Step 3. You edit it. Meanwhile a colleague changes another field.");
    // The colleague writes properly too: a conditional PUT with the ETag they fetched.
    let colleague = DOCUMENT.replace("\"timeout_ms\": 1000", "\"timeout_ms\": 2500");
    let colleague_write = async {
        tokio::time::sleep(Duration::from_millis(if scripted { 0 } else { 300 })).await;
        let precondition = Precondition::IfMatch(etag.clone());
        let body = Bytes::from(colleague.clone().into_bytes());
        let req = WriteRequest {
            url,
            method: Method::PUT,
            body: body.into(),
            content_type: Some("application/json"),
            precondition: &precondition,
            version_in_body: false,
        };
        session.client.write(req).await
    };
    let mine = if scripted {
        say!("  (no terminal: the edit is scripted: \"replicas\": 2 → 3)");
        expect_written(colleague_write.await?)?;
        say!("  The colleague set \"timeout_ms\" to 2500 with If-Match {etag}: accepted.");
        DOCUMENT.replace("\"replicas\": 2", "\"replicas\": 3").into_bytes()
    } else {
        say!(
            "  In your editor, change \"replicas\" from 2 to 3 (or anything but \"timeout_ms\"), save, and quit."
        );
        // The editor takes over the screen: let the instructions be read first.
        let ui = session.ui;
        crate::interrupt::guard_blocking(move || ui.ask("  Press Enter to open your editor…")).await?;
        let editing = edit_until_valid(session, &fetched.body, ".json", true, None);
        let (edited, colleague) = tokio::join!(editing, colleague_write);
        expect_written(colleague?)?;
        say!("  While you were editing, the colleague set \"timeout_ms\" to 2500 (with If-Match {etag}).");
        edited.map_err(|(err, _)| err)?
    };
    if mine.is_empty() {
        ui.note(
            "the file is empty: edit cancelled, nothing sent; run `ifmatch demo` again and change a field",
        );
        let mut report = Report::new("demo", url);
        report.outcome = Outcome::Cancelled;
        report.status = Some(fetched.status);
        report.etag_before = Some(etag.to_string());
        report.etag = Some(etag.to_string());
        return Ok(report);
    }
    if mine == fetched.body[..] {
        ui.note("you saved without changes, so ifmatch sends nothing; run `ifmatch demo` again and change a field");
        let unchanged = Report::unchanged("demo", url, Some(etag.to_string()), mine.len());
        return Ok(Report { status: Some(fetched.status), ..unchanged });
    }
    say!();
    ui.heading("Step 4. ifmatch sends your version with If-Match. The server's version moved on: 412.");
    say!("  ifmatch refetches, shows both sides, and merges: different fields merge cleanly.\n");
    let job = Job {
        base: Some(fetched.body.to_vec()),
        ..Job::new("demo", url.clone(), key, record, mine, Precondition::IfMatch(etag))
    };
    let report = cycle::run(session, job, &mut cycle::Merge).await?.report;
    say!();
    ui.heading(&format!(
        "Step 5. The server's document now ({}, ETag {}):",
        report.outcome,
        report.etag.as_deref().unwrap_or_default()
    ));
    let now = session.client.fetch(url).await?;
    if !crate::ui::quiet() {
        stderr!("{}", String::from_utf8_lossy(&now.body));
    }
    Ok(report)
}

fn expect_written(outcome: WriteOutcome) -> Result<()> {
    match outcome {
        WriteOutcome::Written { .. } => Ok(()),
        other => Err(Error::other(format!("the colleague's write failed unexpectedly: {other:?}"))),
    }
}
