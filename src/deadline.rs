//! `--max-time`: one deadline for the whole command, retries and their waits included (curl's
//! `-m`). The clock stops while a person is being waited for — the editor, a prompt — since a
//! deadline meant for the network must not cut off someone who is still typing. The HTTP
//! client asks [`remaining`] before every attempt and bounds each request by it; what happens
//! when it runs out (an error with exit 7) is decided there.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Clock {
    limit: Duration,
    started: Instant,
    /// Time spent waiting for a person, not counted.
    paused: Duration,
    /// Since when a person is being waited for, and how many such waits are open.
    pause: Option<(Instant, u32)>,
}

static CLOCK: Mutex<Option<Clock>> = Mutex::new(None);

fn with<T>(f: impl FnOnce(&mut Option<Clock>) -> T) -> T {
    // A panic while holding the lock leaves nothing half-done in a Clock.
    let mut clock = CLOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    f(&mut clock)
}

/// Starts the clock: the command must be done within `limit`. Without a call, there is no
/// deadline.
pub fn start(limit: Duration) {
    with(|clock| {
        *clock = Some(Clock { limit, started: Instant::now(), paused: Duration::ZERO, pause: None })
    });
}

/// The `--max-time` given, if any.
pub fn limit() -> Option<Duration> {
    with(|clock| clock.as_ref().map(|c| c.limit))
}

/// What is left of the deadline (zero once it has passed); `None` without one.
pub fn remaining() -> Option<Duration> {
    with(|clock| {
        let c = clock.as_ref()?;
        let now = Instant::now();
        let waiting = c.pause.map_or(Duration::ZERO, |(since, _)| now - since);
        let used = (now - c.started).saturating_sub(c.paused + waiting);
        Some(c.limit.saturating_sub(used))
    })
}

/// Whether the deadline has passed.
pub fn expired() -> bool {
    remaining().is_some_and(|left| left.is_zero())
}

/// Runs `fut` until the deadline: `None` when it passed first (`fut` is dropped, which stops
/// it). Without a deadline, `fut` runs to the end.
pub async fn within<T>(fut: impl Future<Output = T>) -> Option<T> {
    match remaining() {
        None => Some(fut.await),
        Some(left) => tokio::time::timeout(left, fut).await.ok(),
    }
}

/// Runs `fut`, which waits for a person (the editor, a prompt), with the clock stopped.
pub async fn for_person<T>(fut: impl Future<Output = T>) -> T {
    let _stopped = Stopped::new();
    fut.await
}

/// The clock stays stopped while this lives (nested waits count once).
struct Stopped;

impl Stopped {
    fn new() -> Stopped {
        with(|clock| {
            if let Some(c) = clock.as_mut() {
                c.pause = Some(match c.pause {
                    Some((since, open)) => (since, open + 1),
                    None => (Instant::now(), 1),
                });
            }
        });
        Stopped
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        with(|clock| {
            if let Some(c) = clock.as_mut() {
                match c.pause {
                    Some((since, 1)) => {
                        c.paused += since.elapsed();
                        c.pause = None;
                    }
                    Some((since, open)) => c.pause = Some((since, open - 1)),
                    None => {}
                }
            }
        });
    }
}
