//! Ctrl-C as an error at a safe point. Once [`install`] ran, SIGINT no longer kills the
//! process: a running editor gets it and decides for itself (as with git), and every network
//! wait or prompt wrapped in [`guard`] ends with [`Error::Interrupted`], so the caller can keep
//! the user's edit before exiting with 130.

use std::future::Future;
use std::sync::OnceLock;

use tokio::sync::watch;

use crate::error::{Error, Result};

static INTERRUPTED: OnceLock<watch::Receiver<bool>> = OnceLock::new();

/// Starts listening for Ctrl-C. Call inside the runtime, before the first edit.
pub fn install() {
    INTERRUPTED.get_or_init(|| {
        let (tx, rx) = watch::channel(false);
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                let _ = tx.send(true);
            }
        });
        rx
    });
}

/// Runs `fut` unless Ctrl-C comes first.
pub async fn guard<T>(fut: impl Future<Output = Result<T>>) -> Result<T> {
    let Some(rx) = INTERRUPTED.get() else {
        return fut.await;
    };
    let mut rx = rx.clone();
    if *rx.borrow() {
        return Err(Error::Interrupted { hints: Vec::new() });
    }
    tokio::select! {
        result = fut => result,
        _ = rx.wait_for(|hit| *hit) => Err(Error::Interrupted { hints: Vec::new() }),
    }
}

/// Runs a blocking call (a prompt reading stdin) off the runtime, unless Ctrl-C comes first.
pub async fn guard_blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let result = guard(async {
        tokio::task::spawn_blocking(f).await.map_err(|e| Error::other(format!("a prompt failed: {e}")))
    })
    .await;
    if let Err(Error::Interrupted { .. }) = result {
        // The question (and the terminal's ^C) is still on the line: the error starts a new one.
        eprintln!();
    }
    result
}
