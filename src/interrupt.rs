//! Ctrl-C, SIGTERM and SIGHUP as an error at a safe point. Once [`install`] ran, none of them
//! kills the process any more: a running editor decides for itself (as with git; Ctrl-C and a
//! closed terminal reach it too), and every wait wrapped in [`guard`] — each request of the
//! HTTP client, which wraps its own, and each prompt ([`guard_blocking`]) — ends with an
//! interruption ([`Error::interrupted`]), so the caller keeps the user's edit and the process
//! exits through the normal error path, with 128 + the signal's number (130, 143, 129) as a shell
//! reports a process killed by it.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use tokio::sync::watch;

use crate::error::{Error, Result};

/// A signal that ends a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: Ctrl-C.
    Interrupt,
    /// SIGTERM: a service manager, `kill`, a CI runner's timeout.
    Terminate,
    /// SIGHUP: the terminal went away (a closed window, a dropped ssh session).
    Hangup,
}

impl Signal {
    /// The POSIX signal number.
    pub fn number(self) -> i32 {
        match self {
            Signal::Interrupt => 2,
            Signal::Terminate => 15,
            Signal::Hangup => 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
            Signal::Hangup => "SIGHUP",
        }
    }
}

static RECEIVED: OnceLock<watch::Receiver<Option<Signal>>> = OnceLock::new();
static SENDER: OnceLock<Arc<watch::Sender<Option<Signal>>>> = OnceLock::new();

/// Forgets a Ctrl-C that arrived while the editor had the terminal: the terminal sends SIGINT
/// to the whole foreground process group, so the editor got it too and dealt with it (vim
/// users press Ctrl-C routinely). Only an editor that *died* of it means "stop" — the editor
/// module reports that as an interruption itself. SIGTERM and SIGHUP are never forgotten.
pub fn forget_ctrl_c() {
    if let Some(tx) = SENDER.get() {
        tx.send_if_modified(|seen| {
            if *seen == Some(Signal::Interrupt) {
                *seen = None;
                return true;
            }
            false
        });
    }
}

/// Starts listening for the signals. Call inside the runtime, before the first edit.
pub fn install() {
    RECEIVED.get_or_init(|| {
        let (tx, rx) = watch::channel(None);
        let tx = Arc::new(tx);
        let _ = SENDER.set(tx.clone());
        // The first signal is the one reported; later ones change nothing.
        let note = |tx: &watch::Sender<Option<Signal>>, signal| {
            tx.send_if_modified(|seen| {
                if seen.is_some() {
                    return false;
                }
                *seen = Some(signal);
                true
            });
        };
        let ctrl_c = tx.clone();
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                note(&ctrl_c, Signal::Interrupt);
            }
        });
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            for (kind, which) in
                [(SignalKind::terminate(), Signal::Terminate), (SignalKind::hangup(), Signal::Hangup)]
            {
                // Without a handler the signal keeps its default action, as before.
                let Ok(mut stream) = signal(kind) else { continue };
                let tx = tx.clone();
                tokio::spawn(async move {
                    while stream.recv().await.is_some() {
                        note(&tx, which);
                    }
                });
            }
        }
        rx
    });
}

/// A signal that came and has not ended the run yet (e.g. while the editor was open).
pub fn pending() -> Option<Signal> {
    RECEIVED.get().and_then(|rx| *rx.borrow())
}

/// Runs `fut` unless a signal comes first.
pub async fn guard<T>(fut: impl Future<Output = Result<T>>) -> Result<T> {
    let Some(rx) = RECEIVED.get() else {
        return fut.await;
    };
    let mut rx = rx.clone();
    if let Some(signal) = *rx.borrow() {
        return Err(Error::interrupted(signal));
    }
    tokio::select! {
        result = fut => result,
        seen = rx.wait_for(|seen| seen.is_some()) => {
            let signal = seen.ok().and_then(|s| *s).unwrap_or(Signal::Interrupt);
            Err(Error::interrupted(signal))
        }
    }
}

/// Runs a blocking call (a prompt reading stdin) off the runtime, unless a signal comes first.
pub async fn guard_blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    // Time spent waiting for the person's answer does not count against --max-time.
    let result = crate::deadline::for_person(guard(async {
        tokio::task::spawn_blocking(f).await.map_err(|e| Error::other(format!("a prompt failed: {e}")))
    }))
    .await;
    if result.as_ref().is_err_and(|err| err.signal().is_some()) {
        // The question (and the terminal's ^C) is still on the line: the error starts a new one.
        stderrln!();
    }
    result
}
