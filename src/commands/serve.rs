//! `ifmatch serve [DIR]`: run the built-in reference server until Ctrl-C. The URL it listens
//! on is the first line of stdout (with `--json`, the object `report::ServeReport`), so scripts can
//! read it.

use std::time::Duration;

use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::report::{Head, Outcome, ServeReport, render};
use crate::server::{ServeConfig, Server};
use crate::ui::Ui;

pub async fn run(args: &ServeArgs) -> Result<()> {
    let json = args.out.json;
    check_dir(&args.dir)?;
    let config = ServeConfig {
        dir: args.dir.clone(),
        bind: args.bind,
        port: args.port,
        require_precondition: args.require_precondition,
        weak_etags: args.weak_etags,
        max_body: args.max_body,
        quiet: args.out.quiet,
        header_timeout: Duration::from_secs(args.header_timeout),
        body_timeout: Duration::from_secs(args.body_timeout),
        max_connections: args.max_connections,
    };
    let server = Server::bind(config).await.map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                "another program uses that port; choose another with --port (0 picks a free one)"
            }
            std::io::ErrorKind::PermissionDenied => {
                "ports below 1024 need privileges; choose another with --port (0 picks a free one)"
            }
            std::io::ErrorKind::AddrNotAvailable => "--bind takes an address of this machine, e.g. 127.0.0.1",
            _ => "check DIR, --bind and --port",
        };
        Error::other(format!(
            "could not start the server on {}:{} for {}: {e}",
            args.bind,
            args.port,
            args.dir.display()
        ))
        .with_hint(hint.to_string())
    })?;
    // Nobody reading stdout any more is no reason to stop serving.
    let serving =
        ServeReport { head: Head { url: Some(server.url()), ..Head::new("serve", None, Outcome::Serving) } };
    let _ = render(&serving, json, Ui { color: false });
    if !args.bind.is_loopback() && !crate::ui::quiet() {
        stderrln!(
            "ifmatch: warning: serving {} on {}, reachable beyond this machine",
            args.dir.display(),
            args.bind
        );
    }
    tokio::select! {
        result = server.run() => result.map_err(|e| Error::other(format!("the server stopped: {e}"))),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

/// DIR must be an existing directory: say so before anything else can go wrong.
fn check_dir(dir: &std::path::Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Error::usage(
            format!("{} is not a directory", dir.display()),
            "give serve the directory that holds the files to serve",
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::usage(
            format!("DIR {} does not exist", dir.display()),
            format!("create it first (mkdir -p {}), or serve another directory", dir.display()),
        )),
        Err(e) => Err(Error::io("read", dir, e)),
    }
}
