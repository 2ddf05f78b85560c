//! Retrying transient failures, for every request the client sends: which requests may be sent
//! again, which failures are worth another attempt, how long to wait, and the record of every
//! retry (one line on stderr each, and `retries` in `--json`).
//!
//! A request may be sent again when repeating it cannot do harm: a read (GET, HEAD, OPTIONS
//! are safe, RFC 9110 §9.2.1), or a write that carries a precondition (If-Match,
//! If-Unmodified-Since, If-None-Match: *). Such a write, repeated after the first attempt was
//! applied but its answer lost, meets 412 instead of applying twice, and the write cycle's
//! already-applied check turns that 412 into the success it was. A write without a
//! precondition is never repeated: it would land on whatever the server holds by then.
//!
//! Transient failures: connection failures, timeouts, and 408 Request Timeout, 429 Too Many
//! Requests, 502 Bad Gateway, 503 Service Unavailable, 504 Gateway Timeout. The wait is the
//! server's `Retry-After` (seconds or an HTTP date, RFC 9110 §10.2.3), else an exponential
//! backoff with jitter; either is cut to `--retry-max-time`, and no retry starts that
//! `--max-time` would not leave room for.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::Serialize;
use url::Url;

use super::Client;
use super::message::{Download, Piece};
use super::wire::{cause, header, max_time_error, network};
use crate::deadline;
use crate::error::Result;

/// The attempts made at one request so far, counted against `--retry`.
#[derive(Default)]
pub(super) struct Attempts {
    made: u32,
    /// The request may be repeated whatever its headers say (its body carries a version).
    guarded: bool,
}

impl Attempts {
    /// For a write whose body carries a version the server checks.
    pub(super) fn guarded(guarded: bool) -> Attempts {
        Attempts { made: 0, guarded }
    }

    pub(super) fn made(&self) -> u32 {
        self.made
    }
}

impl Client {
    /// The next piece of a download's body, for a caller that streams it somewhere it can
    /// start over (`restartable`: a temp file, not stdout). A connection lost part-way is then
    /// retried like any transient failure: the GET is made again, `download` replaced by the
    /// new one, and [`Piece::Restart`] tells the caller to drop what it has.
    pub async fn next_piece(&self, download: &mut Download, restartable: bool) -> Result<Piece> {
        crate::interrupt::guard(self.next_piece_unguarded(download, restartable)).await
    }

    async fn next_piece_unguarded(&self, download: &mut Download, restartable: bool) -> Result<Piece> {
        let err = match download.response.chunk().await {
            Ok(Some(bytes)) => return Ok(Piece::Data(bytes)),
            Ok(None) => return Ok(Piece::End),
            Err(err) => err,
        };
        let mut attempts = Attempts { made: download.attempts, guarded: false };
        let wait = if restartable && transient_transport(&err) && !deadline::expired() {
            self.next_wait(&Method::GET, &download.url, &attempts, true, None, Some(&err))
        } else {
            None
        };
        let Some(wait) = wait else { return Err(network(&download.url, &err)) };
        tokio::time::sleep(wait).await;
        let (requested, freshness) = (download.requested.clone(), download.freshness.clone());
        *download = self.open_with(&requested, &freshness, &mut attempts).await?;
        Ok(Piece::Restart)
    }

    /// Sends the request `build` makes, and again — built anew each time, so a file body is
    /// reopened — after a transient failure, as long as the request may be repeated, retries
    /// are left, and `--max-time` leaves room. A transient status that is not retried is
    /// returned like any other, so the caller reports it as usual; only transport failures
    /// become errors here. Every attempt is bounded by what is left of `--max-time`.
    pub(super) async fn exchange(
        &self,
        url: &Url,
        attempts: &mut Attempts,
        build: impl AsyncFn() -> Result<reqwest::Request>,
    ) -> Result<reqwest::Response> {
        loop {
            let mut request = build().await?;
            let transport = self.transport(request.url())?;
            if let Some(left) = deadline::remaining() {
                if left.is_zero() {
                    return Err(max_time_error(url));
                }
                *request.timeout_mut() = Some(left);
            }
            let method = request.method().clone();
            // A server that ignores If-Match on writes (a write probe found out) applies a
            // second attempt whatever it carries: over a change made meanwhile, or a patch twice.
            let unprotected = !safe(&method)
                && crate::state::peek_origin_verdict(&self.state_dir, url)
                    .is_some_and(|v| !v.writes_protected);
            let repeatable = (attempts.guarded || repeatable(&request)) && !unprotected;
            attempts.made += 1;
            let failure = match self.execute(transport, request).await {
                Ok(response) if transient_status(response.status().as_u16()) => Ok(response),
                Ok(response) => return Ok(response),
                Err(err) if transient_transport(&err) && !deadline::expired() => Err(err),
                Err(err) => return Err(self.network(url, &err)),
            };
            let wait = match &failure {
                _ if unprotected && self.retry.retries > 0 => {
                    self.ui.note(&format!(
                        "{method} {url}: not retried: its server ignores If-Match on writes (write probe), so sending it again could overwrite a change made meanwhile"
                    ));
                    None
                }
                Ok(response) => self.next_wait(&method, url, attempts, repeatable, Some(response), None),
                Err(err) => self.next_wait(&method, url, attempts, repeatable, None, Some(err)),
            };
            match (wait, failure) {
                (Some(wait), _) => tokio::time::sleep(wait).await,
                (None, Ok(response)) => return Ok(response),
                (None, Err(err)) => return Err(self.network(url, &err)),
            }
        }
    }

    /// Whether to retry after this failure (a transient status in `response`, or a transient
    /// transport error), and after how long; says so on stderr and records it. `None` when
    /// the request may not be repeated, no retries are left, or `--max-time` leaves no room;
    /// the reason is said too, unless retries are off.
    pub(super) fn next_wait(
        &self,
        method: &Method,
        url: &Url,
        attempts: &Attempts,
        repeatable: bool,
        response: Option<&reqwest::Response>,
        err: Option<&reqwest::Error>,
    ) -> Option<Duration> {
        let total = self.retry.retries.saturating_add(1);
        if self.retry.retries == 0 {
            return None;
        }
        let status = response.map(|r| r.status().as_u16());
        let what = match (status, err) {
            (Some(code), _) => format!("{code} {}", crate::error::reason(code)),
            (None, Some(err)) => cause(err),
            (None, None) => "a failure".to_string(),
        };
        let ui = self.ui;
        if !repeatable {
            ui.note(&format!(
                "{method} {url}: {what}; not retried: the write carries no precondition, so sending it again could overwrite a change made meanwhile"
            ));
            return None;
        }
        if attempts.made >= total {
            ui.note(&format!(
                "{method} {url}: no retries left after {} attempts (--retry {})",
                attempts.made, self.retry.retries
            ));
            return None;
        }
        let asked = response.and_then(|r| retry_after(r.headers(), SystemTime::now()));
        let wait = asked.unwrap_or_else(|| backoff(attempts.made)).min(self.retry.max_wait);
        if let Some(left) = deadline::remaining()
            && left <= wait
        {
            ui.note(&format!(
                "{method} {url}: {what}; not retried: --max-time leaves {:.1} s, and the next attempt is {:.1} s away",
                left.as_secs_f64(),
                wait.as_secs_f64()
            ));
            return None;
        }
        let why = match asked {
            Some(asked) if asked > wait => {
                format!(" (the server's Retry-After of {} s, cut to --retry-max-time)", asked.as_secs())
            }
            Some(_) => " (the server's Retry-After)".to_string(),
            None => String::new(),
        };
        ui.note(&format!(
            "{method} {url}: {what}; retrying in {:.1} s{why}, attempt {} of {total}",
            wait.as_secs_f64(),
            attempts.made + 1
        ));
        record(Retry {
            status,
            error: err.map(|e| cause(e)),
            waited_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            unanswered: maybe_applied(status, err),
        });
        Some(wait)
    }
}

/// One retry, as `--json` reports it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Retry {
    /// The status that was retried; `null` for a transport failure.
    pub status: Option<u16>,
    /// The transport failure that was retried; `null` for a status.
    pub error: Option<String>,
    /// How long ifmatch waited before the retry.
    pub waited_ms: u64,
    /// Whether the attempt may have reached the server and been applied, its answer lost (a
    /// connection dropped after the request went out, a timeout, a gateway's 502 or 504).
    #[serde(skip)]
    pub unanswered: bool,
}

static LOG: Mutex<Vec<Retry>> = Mutex::new(Vec::new());

fn log() -> std::sync::MutexGuard<'static, Vec<Retry>> {
    LOG.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Every retry this run made, in order.
pub fn retries() -> Vec<Retry> {
    log().clone()
}

/// How many retries this run made so far: take it before a request and pass it to
/// [`retries_since`] after, to see that request's retries.
pub fn count() -> usize {
    log().len()
}

/// The retries made since [`count`] returned `mark`.
pub fn retries_since(mark: usize) -> Vec<Retry> {
    log().get(mark..).map(<[Retry]>::to_vec).unwrap_or_default()
}

pub(super) fn record(retry: Retry) {
    log().push(retry);
}

/// The statuses worth another attempt: the server (or a gateway) is busy, restarting, or timed
/// out, and says nothing about the request itself.
pub(super) fn transient_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 502 | 503 | 504)
}

/// Whether sending `request` again can do no harm: a safe method, or a write with a
/// precondition.
pub(super) fn repeatable(request: &reqwest::Request) -> bool {
    if safe(request.method()) {
        return true;
    }
    let headers = request.headers();
    headers.contains_key("if-match")
        || headers.contains_key("if-unmodified-since")
        || header(headers, "if-none-match").is_some_and(|v| v == "*")
}

/// A read: GET, HEAD, OPTIONS (safe methods, RFC 9110 §9.2.1).
fn safe(method: &Method) -> bool {
    *method == Method::GET || *method == Method::HEAD || *method == Method::OPTIONS
}

/// Whether a transport failure may pass: a refused, reset or dropped connection, a timeout.
/// Not a name that does not resolve, nor TLS that does not verify, nor a request that could
/// not be built: another attempt fails the same way.
pub(super) fn transient_transport(err: &reqwest::Error) -> bool {
    // A body cut off is reported as a decode error by reqwest: it is a lost connection all the
    // same (no decompression or parsing is asked of reqwest).
    if err.is_builder() || err.is_redirect() {
        return false;
    }
    let text = cause(err).to_ascii_lowercase();
    let lasting = ["dns error", "certificate", "invalidcontenttype", "corrupt message", "unsupported"];
    !lasting.iter().any(|word| text.contains(word))
}

/// Whether an attempt that failed this way may have been applied all the same: the request
/// may have gone out, and only its answer was lost.
pub(super) fn maybe_applied(status: Option<u16>, err: Option<&reqwest::Error>) -> bool {
    match (status, err) {
        (Some(code), _) => code == 502 || code == 504,
        // A connection that was never made carried nothing.
        (None, Some(err)) => !err.is_connect(),
        (None, None) => false,
    }
}

/// The wait a `Retry-After` header asks for: delay-seconds, or an HTTP date (a date in the past
/// is no wait). `None` without the header or with a value that is neither.
pub(super) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = header(headers, "retry-after")?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(&value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The first backoff; it doubles with each retry, ±50 % at random.
const BACKOFF_START: Duration = Duration::from_millis(500);

/// The wait before retry `n` (1-based) when the server names none: 0.5 s · 2^(n-1), ±50 % at
/// random so that clients that failed together do not come back together.
pub(super) fn backoff(n: u32) -> Duration {
    let nominal = BACKOFF_START.saturating_mul(1 << n.saturating_sub(1).min(16));
    nominal.mul_f64(0.5 + fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn with_retry_after(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(retry_after(&with_retry_after("7"), now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(&with_retry_after("Sun, 06 Nov 1994 08:50:07 GMT"), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(&with_retry_after("Sun, 06 Nov 1994 08:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&with_retry_after("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_doubles_with_jitter() {
        for _ in 0..100 {
            let first = backoff(1);
            assert!(first >= Duration::from_millis(250) && first <= Duration::from_millis(750), "{first:?}");
            let third = backoff(3);
            assert!(third >= Duration::from_secs(1) && third <= Duration::from_secs(3), "{third:?}");
        }
        assert!(backoff(u32::MAX) > Duration::ZERO);
    }

    #[test]
    fn only_safe_reads_and_conditional_writes_repeat() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::new();
        let build = |method: reqwest::Method, header: Option<(&str, &str)>| {
            let mut request = client.request(method, "http://127.0.0.1/x");
            if let Some((name, value)) = header {
                request = request.header(name, value);
            }
            request.build().unwrap()
        };
        use reqwest::Method;
        assert!(repeatable(&build(Method::GET, None)));
        assert!(repeatable(&build(Method::HEAD, None)));
        assert!(repeatable(&build(Method::PUT, Some(("If-Match", "\"v1\"")))));
        assert!(repeatable(&build(
            Method::PATCH,
            Some(("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"))
        )));
        assert!(repeatable(&build(Method::PUT, Some(("If-None-Match", "*")))));
        assert!(!repeatable(&build(Method::PUT, None)));
        assert!(!repeatable(&build(Method::PUT, Some(("If-None-Match", "\"v1\"")))));
        assert!(!repeatable(&build(Method::POST, None)));
    }

    #[test]
    fn transient_statuses() {
        for code in [408, 429, 502, 503, 504] {
            assert!(transient_status(code), "{code}");
        }
        for code in [200, 400, 404, 409, 412, 428, 500, 501] {
            assert!(!transient_status(code), "{code}");
        }
    }
}
