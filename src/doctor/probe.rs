//! The requests `ifmatch doctor` sends, and what came back: [`read`] makes the safe probes
//! (GET, HEAD, OPTIONS only) and [`write()`] the opt-in write probe, each recorded into a
//! [`Recording`]. What the answers mean is left to [`crate::doctor::diagnosis`], which is pure, so
//! that the judgement can be unit-tested on recorded responses without a server.

use std::time::{Duration, UNIX_EPOCH};

use reqwest::Method;
use reqwest::header::HeaderMap;
use sha2::{Digest, Sha256};
use url::Url;

use crate::error::{Error, Result};
use crate::etag::ETag;
use crate::http::{Client, ProbeResponse, detail};

/// The entity-tag the safe If-Match probe sends: no server has it, so a server that
/// evaluates If-Match must answer 412 (RFC 9110 §13.1.1).
pub const BOGUS_TAG: &str = "\"ifmatch-probe\"";

/// One response, reduced to what the diagnosis compares: status, headers, and the body's
/// length and hash (the body itself is not kept).
#[derive(Debug, Clone)]
pub struct Exchange {
    pub status: u16,
    pub headers: HeaderMap,
    pub len: usize,
    pub digest: [u8; 32],
}

impl Exchange {
    /// Records a response.
    pub fn new(status: u16, headers: HeaderMap, body: &[u8]) -> Exchange {
        Exchange { status, headers, len: body.len(), digest: Sha256::digest(body).into() }
    }

    /// A header's value, trimmed; several lines are joined with `, `. `None` when absent or
    /// not visible ASCII.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> =
            self.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::trim).collect();
        if values.is_empty() { None } else { Some(values.join(", ")) }
    }

    /// The ETag, when present and well-formed.
    pub fn etag(&self) -> Option<ETag> {
        self.header("etag").and_then(|v| ETag::parse(&v))
    }

    /// The Last-Modified value as sent.
    pub fn last_modified(&self) -> Option<String> {
        self.header("last-modified")
    }

    /// 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// What the headers say about a cache on the way.
    pub fn cache(&self) -> Option<crate::http::CacheSigns> {
        crate::http::CacheSigns::of(&self.headers)
    }

    /// Answered from a cache's storage (see [`crate::http::CacheSigns`]).
    pub fn cache_hit(&self) -> bool {
        self.cache().is_some_and(|c| c.hit)
    }

    /// Same body bytes (by hash).
    pub fn same_body(&self, other: &Exchange) -> bool {
        self.len == other.len && self.digest == other.digest
    }
}

/// What became of the opt-in write probe.
#[derive(Debug, Clone)]
pub enum WriteProbe {
    /// `--write-probe` was not given.
    NotAsked,
    /// The user answered no at the prompt.
    Declined,
    /// Not sent, for the reason given (e.g. the body came content-encoded).
    Skipped(String),
    /// Sent: the precondition it carried and the answer.
    Sent { header: &'static str, value: String, response: Exchange },
}

/// Everything the probes saw. Every GET and HEAD but `gzip` asks for
/// `Accept-Encoding: identity`, and all but `cached` send `Cache-Control: no-cache`, as
/// `ifmatch edit` fetches.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The GET as `ifmatch edit` fetches (the first with no-cache).
    pub get: Exchange,
    /// The same GET again: is the ETag stable?
    pub get_again: Exchange,
    pub head: Exchange,
    /// GET with `Accept-Encoding: gzip`: does compression change or weaken the ETag?
    pub gzip: Exchange,
    /// GET without `Cache-Control: no-cache`, sent before all others: does a cache hand out
    /// other validators?
    pub cached: Exchange,
    /// GET with `If-Match: "ifmatch-probe"`.
    pub if_match_bogus: Exchange,
    /// GET with `If-Match: <the current ETag>`; `None` without an ETag.
    pub if_match_current: Option<Exchange>,
    /// GET with `If-None-Match: <the current ETag>`; `None` without an ETag.
    pub if_none_match: Option<Exchange>,
    /// GET with `If-Unmodified-Since: <a day before Last-Modified>`; `None` without a valid
    /// Last-Modified.
    pub if_unmodified_since: Option<Exchange>,
    pub options: Exchange,
    /// A version kept in the body: `--version-field`, or a well-known field the first GET's
    /// JSON body carries (`/_rev`, `/metadata/resourceVersion`, `/etag`), with its value.
    pub version_field: Option<BodyVersion>,
    /// A no-cache GET with a cache-busting query parameter (`name=random`), sent when a
    /// no-cache GET was answered from a cache's storage: does a fetch past the cache see
    /// another version? `None` when not sent.
    pub busted: Option<(String, Exchange)>,
    /// The cache-busting parameter's name, `None` with `--no-cache-bust`.
    pub bust_param: Option<String>,
    pub write: WriteProbe,
}

/// A version field found in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyVersion {
    pub pointer: String,
    /// The value as shown (a string without its quotes); `None` when the body lacks it.
    pub value: Option<String>,
}

/// The write probe's "header" when the failing precondition is a made-up version in the body.
pub const VERSION_PROBE: &str = "a made-up version at";

const NO_CACHE: (&str, &str) = ("Cache-Control", "no-cache");
const IDENTITY: (&str, &str) = ("Accept-Encoding", "identity");

/// Sends the safe probes: GET, HEAD and OPTIONS only, nothing that changes the resource.
/// A first no-cache GET that fails is an error (4xx → exit 4, 5xx → exit 5, a redirect → exit 1 with
/// the target to probe instead); later answers are recorded whatever they are.
///
/// `bust_param` names the cache-busting query parameter for the one GET that tries to get past
/// a cache which answered a no-cache GET from storage (`None`: no such GET).
pub async fn read(
    client: &Client,
    url: &Url,
    version_field: Option<&str>,
    bust_param: Option<&str>,
) -> Result<Recording> {
    // Without no-cache first: a no-cache request makes a cache revalidate and store the fresh
    // response, after which a stale copy could no longer be seen.
    let cached = send(client, Method::GET, url, &[IDENTITY]).await?;
    let first = client.probe(Method::GET, url, &[NO_CACHE, IDENTITY], None).await?;
    check_first(url, &first)?;
    let pointer = version_field
        .map(str::to_string)
        .or_else(|| crate::body_version::detect(&first.body).map(str::to_string));
    let version_field = pointer.map(|pointer| {
        let value = crate::body_version::value(&first.body, &pointer);
        BodyVersion { value: value.as_ref().map(|v| crate::body_version::shown(Some(v))), pointer }
    });
    let get = record(first);
    let etag = get.etag();
    let get_again = send(client, Method::GET, url, &[NO_CACHE, IDENTITY]).await?;
    let mut busted = None;
    if let Some(name) = bust_param
        && (get.cache_hit() || get_again.cache_hit())
    {
        let mut past = url.clone();
        let value = format!("{:016x}", fastrand::u64(..));
        past.query_pairs_mut().append_pair(name, &value);
        let answer = send(client, Method::GET, &past, &[NO_CACHE, IDENTITY]).await?;
        busted = Some((format!("?{name}={value}"), answer));
    }
    let head = send(client, Method::HEAD, url, &[NO_CACHE, IDENTITY]).await?;
    let gzip = send(client, Method::GET, url, &[NO_CACHE, ("Accept-Encoding", "gzip")]).await?;
    let if_match_bogus =
        send(client, Method::GET, url, &[NO_CACHE, IDENTITY, ("If-Match", BOGUS_TAG)]).await?;
    let (mut if_match_current, mut if_none_match) = (None, None);
    if let Some(tag) = &etag {
        let sent = [NO_CACHE, IDENTITY, ("If-Match", tag.as_str())];
        if_match_current = Some(send(client, Method::GET, url, &sent).await?);
        let sent = [NO_CACHE, IDENTITY, ("If-None-Match", tag.as_str())];
        if_none_match = Some(send(client, Method::GET, url, &sent).await?);
    }
    let mut if_unmodified_since = None;
    if let Some(date) = get.last_modified().as_deref().and_then(day_before) {
        let sent = [NO_CACHE, IDENTITY, ("If-Unmodified-Since", date.as_str())];
        if_unmodified_since = Some(send(client, Method::GET, url, &sent).await?);
    }
    let options = send(client, Method::OPTIONS, url, &[]).await?;
    Ok(Recording {
        get,
        get_again,
        head,
        gzip,
        cached,
        if_match_bogus,
        if_match_current,
        if_none_match,
        if_unmodified_since,
        options,
        version_field,
        busted,
        bust_param: bust_param.map(str::to_string),
        write: WriteProbe::NotAsked,
    })
}

/// The write probe: fetches the current body once more and PUTs it back unchanged, with the
/// same Content-Type and a precondition that must fail — `If-Match` with a random tag when
/// the resource has a strong ETag, else `If-Unmodified-Since` a day before its Last-Modified
/// (the validator ifmatch would rely on). 412 proves writes are protected; a 2xx proves they
/// are not, and then only the modification time changed. A body that arrives content-encoded
/// is never sent back.
///
/// Without either validator but with a version in the body (`version_field`), the body goes
/// back with a made-up version there instead: a server that checks it answers 409 or 412.
pub async fn write(client: &Client, url: &Url, version_field: Option<&str>) -> Result<WriteProbe> {
    let fresh = client.probe(Method::GET, url, &[NO_CACHE, IDENTITY], None).await?;
    let seen = record(fresh.clone());
    if !seen.is_success() {
        return Ok(WriteProbe::Skipped(format!("the GET before it answered {}", seen.status)));
    }
    if let Some(coding) = seen.header("content-encoding").filter(|c| !c.eq_ignore_ascii_case("identity")) {
        return Ok(WriteProbe::Skipped(format!(
            "the body came with Content-Encoding: {coding} despite Accept-Encoding: identity, so it cannot be sent back as it is"
        )));
    }
    let strong = seen.etag().is_some_and(|tag| !tag.is_weak());
    let date = seen.last_modified().as_deref().and_then(day_before);
    let in_body = match version_field {
        Some(pointer) if !strong && date.is_none() => made_up_version(&fresh.body, pointer),
        _ => None,
    };
    if let Some((body, pointer, made_up)) = in_body {
        let mut headers = Vec::new();
        let content_type = seen.header("content-type");
        if let Some(ct) = &content_type {
            headers.push(("Content-Type", ct.as_str()));
        }
        let response = client.probe(Method::PUT, url, &headers, Some(body.into())).await?;
        return Ok(WriteProbe::Sent {
            header: VERSION_PROBE,
            value: format!("{pointer} ({made_up})"),
            response: record(response),
        });
    }
    let (header, value) = match (strong, date) {
        (true, _) => ("If-Match", random_tag()),
        (_, Some(date)) => ("If-Unmodified-Since", date),
        _ => ("If-Match", random_tag()),
    };
    let content_type = seen.header("content-type");
    let mut headers = vec![(header, value.as_str())];
    if let Some(ct) = &content_type {
        headers.push(("Content-Type", ct.as_str()));
    }
    let response = client.probe(Method::PUT, url, &headers, Some(fresh.body)).await?;
    Ok(WriteProbe::Sent { header, value, response: record(response) })
}

/// The body with a version at `pointer` that the server cannot hold (same shape as the real
/// one: CouchDB's `N-hex`, a number, else an opaque string), the pointer and the made-up value.
fn made_up_version(body: &[u8], pointer: &str) -> Option<(Vec<u8>, String, String)> {
    let current = crate::body_version::value(body, pointer)?;
    let current = current.as_str().map(str::to_string).unwrap_or_else(|| current.to_string());
    let candidates = if current.chars().all(|c| c.is_ascii_digit()) {
        ["1".to_string(), "2".to_string()]
    } else if current.split_once('-').is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit())) {
        [format!("1-{}", "0".repeat(32)), format!("1-{}", "1".repeat(32))]
    } else {
        ["BwAAAAAAAAA=".to_string(), "BwAAAAAAAAE=".to_string()]
    };
    let made_up = candidates.into_iter().find(|c| *c != current)?;
    let mut doc: serde_json::Value = serde_json::from_slice(body).ok()?;
    *doc.pointer_mut(pointer)? = serde_json::Value::String(made_up.clone());
    Some((serde_json::to_vec(&doc).ok()?, pointer.to_string(), made_up))
}

/// A fresh tag for each write probe, so that no server can have it.
fn random_tag() -> String {
    format!("\"ifmatch-probe-{:016x}\"", fastrand::u64(..))
}

/// The HTTP-date one day before `last_modified`: a server that evaluates
/// If-Unmodified-Since must answer 412 to it (RFC 9110 §13.1.4). A Last-Modified within the
/// first day of 1970 gets the epoch instead, still earlier and the earliest date an HTTP-date
/// parser is sure to read. `None` when the value is not a valid HTTP-date, or is the epoch
/// itself (no earlier date to send).
pub fn day_before(last_modified: &str) -> Option<String> {
    let time = httpdate::parse_http_date(last_modified).ok()?;
    let before = time.checked_sub(Duration::from_secs(86_400)).map_or(UNIX_EPOCH, |t| t.max(UNIX_EPOCH));
    (before < time).then(|| httpdate::fmt_http_date(before))
}

fn check_first(url: &Url, first: &ProbeResponse) -> Result<()> {
    let status = first.status;
    if (300..400).contains(&status) && status != 304 {
        let target = first.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or("");
        let target = url.join(target).map(|u| u.to_string()).unwrap_or_else(|_| target.to_string());
        return Err(Error::other(format!(
            "{url} answered {status} and redirects to {}",
            crate::sanitize::sanitize(&target)
        ))
        .with_hint(format!(
            "doctor probes one URL exactly: run `ifmatch doctor {}`",
            crate::sanitize::sanitize(&target)
        )));
    }
    if status >= 400 {
        return Err(Error::status(url.as_str(), status, detail(&first.headers, &first.body)));
    }
    Ok(())
}

async fn send(client: &Client, method: Method, url: &Url, headers: &[(&str, &str)]) -> Result<Exchange> {
    Ok(record(client.probe(method, url, headers, None).await?))
}

fn record(response: ProbeResponse) -> Exchange {
    Exchange::new(response.status, response.headers, &response.body)
}

#[cfg(test)]
mod props;
