//! Writes to an origin that a write probe showed unprotected (its server answers 412 to a GET
//! with a failing `If-Match`, but performs a PUT whatever it carries): the warning before
//! writing, and the re-check of the validator with a conditional request just before each
//! write. The re-check narrows the window in which a concurrent change is overwritten unseen
//! from the whole time since the fetch to the milliseconds between two requests; only the
//! server can close it. The verdict itself is the state store's (`state/origins.rs`).

use reqwest::Method;
use url::Url;

use crate::error::{Error, Result};
use crate::etag::{ETag, Precondition};
use crate::session::Session;
use crate::state::OriginVerdict;

/// The remembered verdict for `url`'s origin when it says writes there are not protected,
/// after warning about it in one line.
pub fn unprotected(session: &Session, verdict: Option<&OriginVerdict>) -> Option<OriginVerdict> {
    let verdict = verdict.filter(|v| !v.writes_protected)?.clone();
    session.ui.warn(&format!(
        "{} ignores If-Match on writes (write probe of {}): a change made there meanwhile could be overwritten unseen; ifmatch re-checks the ETag with a conditional request just before writing, which narrows that window to milliseconds but cannot close it",
        verdict.origin, verdict.checked_at
    ));
    Some(verdict)
}

/// Whether the resource no longer matches `precondition`, asked with a conditional HEAD (a GET
/// where HEAD is not allowed): 412, or a 2xx carrying another validator, means it changed. A
/// write without a validator has nothing to re-check.
pub async fn changed(session: &Session, url: &Url, precondition: &Precondition) -> Result<bool> {
    let (header, value) = match precondition {
        Precondition::IfMatch(tag) => ("If-Match", tag.to_string()),
        Precondition::IfUnmodifiedSince(date) => ("If-Unmodified-Since", date.clone()),
        Precondition::None | Precondition::IfNoneMatchAny => return Ok(false),
    };
    let headers = [(header, value.as_str()), ("Cache-Control", "no-cache"), ("Accept-Encoding", "identity")];
    let client = &session.client;
    let mut answer = client.probe(Method::HEAD, url, &headers, None).await?;
    if matches!(answer.status, 405 | 501) {
        answer = client.probe(Method::GET, url, &headers, None).await?;
    }
    let status = answer.status;
    if status == 412 || status == 404 || status == 410 {
        return Ok(true);
    }
    if !(200..300).contains(&status) {
        return Err(Error::status(url.as_str(), status, crate::http::detail(&answer.headers, &answer.body)));
    }
    let seen = |name: &str| answer.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    Ok(match precondition {
        Precondition::IfMatch(tag) => {
            seen("etag").and_then(ETag::parse).is_some_and(|now| !now.strong_eq(tag))
        }
        Precondition::IfUnmodifiedSince(date) => {
            let parse = |d: &str| httpdate::parse_http_date(d).ok();
            match (seen("last-modified").and_then(parse), parse(date)) {
                (Some(now), Some(then)) => now > then,
                _ => false,
            }
        }
        Precondition::None | Precondition::IfNoneMatchAny => false,
    })
}
