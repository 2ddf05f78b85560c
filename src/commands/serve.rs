//! `ifmatch serve [DIR]`: run the built-in reference server until Ctrl-C. The URL it listens
//! on is the first line of stdout, so scripts can read it.

use std::io::Write;

use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::server::{ServeConfig, Server};

pub async fn run(args: &ServeArgs) -> Result<()> {
    let config = ServeConfig {
        dir: args.dir.clone(),
        bind: args.bind,
        port: args.port,
        require_precondition: args.require_precondition,
        weak_etags: args.weak_etags,
        max_body: args.max_body,
        quiet: args.quiet,
    };
    let server = Server::bind(config).await.map_err(|e| Error::Other {
        message: format!(
            "could not start the server on {}:{} for {}: {e}",
            args.bind,
            args.port,
            args.dir.display()
        ),
        hints: vec![
            "choose another port with --port (0 picks a free one), and check that DIR exists".to_string(),
        ],
    })?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", server.url());
    let _ = out.flush();
    drop(out);
    if !args.bind.is_loopback() {
        eprintln!(
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
