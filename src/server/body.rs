//! Request bodies: reading one whole within the size limit and the body timeout, and draining
//! a refused one. The timeout is what keeps a client that trickles a byte every few seconds
//! from holding a connection (and a file descriptor) forever; it grows with what arrives, so
//! a large upload at a steady pace is never cut off (the model is Apache's mod_reqtimeout,
//! `body=…,MinRate=…`).

use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::StatusCode;
use hyper::body::Incoming;
use hyper::header::{CONNECTION, HeaderValue};
use tokio::time::Instant;

use super::problem::Problem;

/// Each this many bytes received extend the body's deadline by one second: the slowest steady
/// upload that is never cut off, whatever its size.
pub const BYTES_PER_EXTRA_SECOND: u64 = 64 * 1024;

/// Reads the whole body, refusing more than `max` bytes even without a Content-Length
/// (chunked), and answering 408 when it has not arrived `timeout` after it began, plus a second
/// per [`BYTES_PER_EXTRA_SECOND`] received. A body cut short (client gone) or late is an error,
/// and nothing gets written.
pub async fn read(mut body: Incoming, max: u64, timeout: Duration) -> Result<Bytes, Problem> {
    let start = Instant::now();
    let mut collected = Vec::new();
    loop {
        let extra = Duration::from_secs(collected.len() as u64 / BYTES_PER_EXTRA_SECOND);
        let frame = match tokio::time::timeout_at(start + timeout + extra, body.frame()).await {
            Ok(Some(frame)) => frame,
            Ok(None) => return Ok(Bytes::from(collected)),
            Err(_late) => return Err(too_slow(timeout, collected.len())),
        };
        let frame = frame.map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                format!("the request body was not received completely: {e}"),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if (collected.len() + data.len()) as u64 > max {
                drain(body).await;
                return Err(too_large(max));
            }
            collected.extend_from_slice(&data);
        }
    }
}

/// Reads and discards the rest of a refused body (bounded in size and time), so that a client
/// still sending it reads our answer instead of failing on a reset connection.
pub async fn drain(mut body: Incoming) {
    const DRAIN_BYTES: u64 = 256 << 20;
    const DRAIN_TIME: Duration = Duration::from_secs(10);
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        let mut seen = 0u64;
        while let Some(Ok(frame)) = body.frame().await {
            seen += frame.data_ref().map_or(0, |d| d.len() as u64);
            if seen > DRAIN_BYTES {
                break;
            }
        }
    })
    .await;
}

/// 413 for a body over `max` bytes.
pub fn too_large(max: u64) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is larger than the limit of {max} bytes"),
    )
}

/// 408 (RFC 9110 §15.5.9) for a body that did not arrive in time; the connection is closed, as
/// the rest of the body would otherwise be read as the next request.
fn too_slow(timeout: Duration, received: usize) -> Problem {
    let detail = format!(
        "the request body did not arrive in time: {received} bytes in {}s (the server's body timeout, \
         plus 1s per {} KiB received)",
        timeout.as_secs_f64(),
        BYTES_PER_EXTRA_SECOND / 1024
    );
    Problem::new(StatusCode::REQUEST_TIMEOUT, detail).header(CONNECTION, HeaderValue::from_static("close"))
}
