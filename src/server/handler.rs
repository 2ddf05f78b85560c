//! One request in, one response out: method dispatch and the order of checks for each method.
//! For writes the order is: method and path (405, 400, 403) → 428 → 415 → 413 by
//! Content-Length → existence and preconditions without the lock (so a doomed upload is
//! refused before its body is read, RFC 9110 §13.2.1) → the body → under the resource's lock,
//! the same checks again and the change. The blocking part of a write runs in one
//! `spawn_blocking` task that owns the lock guard, so a client that disconnects cannot release
//! the lock while its write is still in progress.

use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::{Body, Incoming};
use hyper::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, ETAG, HeaderName, HeaderValue, LAST_MODIFIED};

/// `Accept-Patch` (RFC 5789 §3.1), which the `http` crate has no constant for.
const ACCEPT_PATCH: HeaderName = HeaderName::from_static("accept-patch");
/// `Prefer` (RFC 7240), which the `http` crate has no constant for.
const PREFER: HeaderName = HeaderName::from_static("prefer");
/// `Preference-Applied` (RFC 7240 §3).
const PREFERENCE_APPLIED: HeaderName = HeaderName::from_static("preference-applied");
use hyper::{Method, Request, Response, StatusCode};

use super::ServeConfig;
use super::body;
use super::entity_tag::EntityTag;
use super::lock::LockMap;
use super::patch::{self, Format};
use super::precondition::{Conditions, Current, Outcome, evaluate};
use super::problem::Problem;
use super::resource::{self, Snapshot};
use super::sandbox::{self, Logical};

type Reply = Response<Full<Bytes>>;

const FILE_ALLOW: &str = "GET, HEAD, PUT, PATCH, DELETE, OPTIONS";
const DIR_ALLOW: &str = "GET, HEAD, OPTIONS";

/// What every connection task shares.
#[derive(Debug)]
pub struct Shared {
    /// The server's settings.
    pub config: ServeConfig,
    /// `config.dir`, opened once at bind time; every path is resolved beneath it.
    pub root: sandbox::Root,
    /// Per-resource write locks.
    pub locks: LockMap,
}

/// Answers one request; failures become problem+json responses.
pub async fn respond(shared: Arc<Shared>, req: Request<Incoming>) -> Reply {
    let mut reply = route(&shared, req).await.unwrap_or_else(Problem::into_response);
    let name = concat!("ifmatch/", env!("CARGO_PKG_VERSION"));
    reply.headers_mut().insert(hyper::header::SERVER, HeaderValue::from_static(name));
    // Date is taken after the validators were read, which are clamped to the time of reading,
    // so Last-Modified is never later than Date (RFC 9110 §8.8.2.1); hyper keeps a Date it is
    // given.
    reply.headers_mut().insert(hyper::header::DATE, date(SystemTime::now()));
    reply
}

async fn route(shared: &Arc<Shared>, req: Request<Incoming>) -> Result<Reply, Problem> {
    let method = req.method().clone();
    if ![Method::GET, Method::HEAD, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS]
        .contains(&method)
    {
        let detail = format!("{} is not supported; this server takes {FILE_ALLOW}", method.as_str());
        return Err(Problem::new(StatusCode::METHOD_NOT_ALLOWED, detail).header(ALLOW, hv(FILE_ALLOW)));
    }
    if method == Method::OPTIONS && req.uri().path() == "*" {
        return Ok(options_reply(FILE_ALLOW, true));
    }
    let logical = sandbox::parse(req.uri().path())?;
    let cond =
        Conditions::from_headers(req.headers()).map_err(|d| Problem::new(StatusCode::BAD_REQUEST, d))?;
    match method {
        Method::GET | Method::HEAD => read(shared, logical, &cond).await,
        Method::OPTIONS => {
            let (shared, rel) = (Arc::clone(shared), logical.rel.clone());
            let is_dir = blocking(move || Ok(sandbox::resolve(&shared.root, &rel)?.is_dir())).await?;
            let json = crate::media::is_json(Some(crate::media::from_extension(&logical.rel)));
            Ok(options_reply(if is_dir { DIR_ALLOW } else { FILE_ALLOW }, json && !is_dir))
        }
        _ => write(shared, logical, cond, req).await,
    }
}

fn options_reply(allow: &'static str, accept_patch: bool) -> Reply {
    let mut reply = empty(StatusCode::NO_CONTENT);
    reply.headers_mut().insert(ALLOW, hv(allow));
    if accept_patch {
        reply.headers_mut().insert(ACCEPT_PATCH, hv(patch::ACCEPT_PATCH));
    }
    reply
}

/// GET and HEAD. Preconditions are ignored for a missing resource, whose answer is 404
/// either way (§13.2.1). hyper leaves out the body of a HEAD response but keeps its length.
async fn read(shared: &Arc<Shared>, logical: Logical, cond: &Conditions) -> Result<Reply, Problem> {
    let Loaded { snapshot, .. } = load_async(shared, &logical).await?;
    let mut snap = snapshot.ok_or_else(not_found)?;
    let current = Current { etag: &snap.etag, modified: snap.modified };
    match evaluate(cond, true, Some(current)) {
        Outcome::Failed { field, detail } => {
            return Err(precondition_failed(field.name(), detail, Some(&snap)));
        }
        Outcome::NotModified => {
            // §15.4.5: send the validators a 200 would have carried.
            let mut reply = empty(StatusCode::NOT_MODIFIED);
            validators(&mut reply, &snap.etag, snap.modified);
            return Ok(reply);
        }
        Outcome::Proceed => {}
    }
    let content_type =
        if snap.is_dir { "text/plain; charset=utf-8" } else { crate::media::from_extension(&logical.rel) };
    let mut reply = Response::new(Full::new(Bytes::from(std::mem::take(&mut snap.body))));
    validators(&mut reply, &snap.etag, snap.modified);
    let headers = reply.headers_mut();
    headers.insert(CONTENT_TYPE, hv(content_type));
    headers.insert(ALLOW, hv(if snap.is_dir { DIR_ALLOW } else { FILE_ALLOW }));
    if !snap.is_dir && crate::media::is_json(Some(content_type)) {
        headers.insert(ACCEPT_PATCH, hv(patch::ACCEPT_PATCH));
    }
    Ok(reply)
}

/// A write whose body has arrived, ready to be committed under the lock.
struct Write {
    method: Method,
    cond: Conditions,
    /// The patch format, for PATCH.
    format: Option<Format>,
    body: Bytes,
    content_type: &'static str,
    prefer_representation: bool,
}

/// PUT, PATCH and DELETE.
async fn write(
    shared: &Arc<Shared>,
    logical: Logical,
    cond: Conditions,
    req: Request<Incoming>,
) -> Result<Reply, Problem> {
    let method = req.method().clone();
    // Fail early, before the body is read (this also answers `Expect: 100-continue` correctly).
    let (content_type, format, early) = match refuse_early(shared, &logical, &cond, &req).await {
        Ok(accepted) => accepted,
        Err(problem) => {
            // A client that is still sending (no `Expect: 100-continue`) must read this answer,
            // not a reset connection: read and discard what it sends first.
            if !expects_continue(req.headers()) {
                body::drain(req.into_body()).await;
            }
            return Err(problem);
        }
    };
    let max = shared.config.max_body;
    let prefer_representation = prefers_representation(req.headers());
    let body = if method == Method::DELETE {
        Bytes::new()
    } else {
        body::read(req.into_body(), max, shared.config.body_timeout).await?
    };
    let write = Write { method, cond, format, body, content_type, prefer_representation };

    // Lock the file itself, not the URL path: a symlink or another spelling of the same file
    // must serialize with it, or two writers with the same If-Match could both win.
    let guard = shared.locks.lock(early.target.real.clone()).await;
    let shared = Arc::clone(shared);
    blocking(move || {
        let _guard = guard;
        commit(&shared, &logical, write)
    })
    .await
}

/// Everything that can refuse a write before its body is read: a directory URL (405), a
/// missing precondition (428), an unsupported patch (415), a declared size over the limit
/// (413), a failed precondition (412).
async fn refuse_early(
    shared: &Arc<Shared>,
    logical: &Logical,
    cond: &Conditions,
    req: &Request<Incoming>,
) -> Result<(&'static str, Option<Format>, Loaded), Problem> {
    let method = req.method();
    if logical.trailing_slash || logical.rel.as_os_str().is_empty() {
        let detail = "a URL ending in / names a directory, and directories cannot be written";
        return Err(Problem::new(StatusCode::METHOD_NOT_ALLOWED, detail).header(ALLOW, hv(DIR_ALLOW)));
    }
    if shared.config.require_precondition && !cond.guards_write() {
        let mut detail = String::from(
            "this server requires a conditional write (RFC 6585 §3): send If-Match with the ETag from \
             a GET (or If-None-Match: * to create a new resource)",
        );
        if cond.invalid_unmodified_since {
            detail.push_str("; the If-Unmodified-Since sent is not a valid HTTP-date, so it was ignored");
        }
        return Err(Problem::new(StatusCode::PRECONDITION_REQUIRED, detail));
    }
    let content_type = crate::media::from_extension(&logical.rel);
    let format = if method == Method::PATCH { Some(patch_format(req, content_type)?) } else { None };
    let max = shared.config.max_body;
    if method != Method::DELETE && req.body().size_hint().lower() > max {
        return Err(body::too_large(max));
    }
    let early = load_async(shared, logical).await?;
    check(method, cond, &early)?;
    Ok((content_type, format, early))
}

fn expects_continue(headers: &hyper::HeaderMap) -> bool {
    headers.get(hyper::header::EXPECT).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
}

/// The PATCH format of a request to a resource of `content_type`, or 415 with `Accept-Patch`
/// (RFC 5789 §2.2 "Unsupported patch document").
fn patch_format(req: &Request<Incoming>, content_type: &str) -> Result<Format, Problem> {
    let unsupported = |detail: String| {
        Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, detail).header(ACCEPT_PATCH, hv(patch::ACCEPT_PATCH))
    };
    if !crate::media::is_json(Some(content_type)) {
        return Err(unsupported(format!("PATCH applies only to JSON resources; this one is {content_type}")));
    }
    let sent = req.headers().get(CONTENT_TYPE);
    Format::from_content_type(sent).ok_or_else(|| {
        let sent = sent.map(|v| super::log::escape(v.as_bytes())).unwrap_or_else(|| "missing".into());
        unsupported(format!("the patch Content-Type ({sent}) is not one of {}", patch::ACCEPT_PATCH))
    })
}

/// Re-checks and performs a write; runs blocking, under the resource's lock.
fn commit(shared: &Shared, logical: &Logical, write: Write) -> Result<Reply, Problem> {
    let mut loaded = load(shared, logical)?;
    check(&write.method, &write.cond, &loaded)?;
    let new_body = match (&loaded.snapshot, write.format) {
        (Some(snap), Some(format)) => patch::apply(format, &snap.body, &write.body)?,
        (None, Some(_)) => return Err(not_found()),
        (_, None) if write.method == Method::DELETE => {
            resource::remove(&loaded.target).map_err(|e| Problem::io(&e, "deleting"))?;
            return Ok(empty(StatusCode::NO_CONTENT));
        }
        (_, None) => write.body.to_vec(),
    };
    let stored =
        resource::write_atomic(&mut loaded.target, &new_body).map_err(|e| Problem::io(&e, "writing"))?;
    let etag = resource::etag_of(&new_body, shared.config.weak_etags);
    let mut reply = if write.prefer_representation {
        // RFC 7240 §4.2: the stored representation in the response, as 200/201.
        let mut reply = Response::new(Full::new(Bytes::from(new_body)));
        reply.headers_mut().insert(CONTENT_TYPE, hv(write.content_type));
        reply.headers_mut().insert(PREFERENCE_APPLIED, hv("return=representation"));
        reply
    } else {
        empty(StatusCode::NO_CONTENT)
    };
    *reply.status_mut() = match (stored.created, write.prefer_representation) {
        (true, _) => StatusCode::CREATED,
        (false, true) => StatusCode::OK,
        (false, false) => StatusCode::NO_CONTENT,
    };
    // §9.3.4: the content was stored as sent (PUT) or as computed (PATCH), so the validators
    // describe it and may be sent.
    validators(&mut reply, &etag, stored.modified);
    Ok(reply)
}

/// Whether the request carries `Prefer: return=representation` (RFC 7240 §4.2).
fn prefers_representation(headers: &hyper::HeaderMap) -> bool {
    headers
        .get_all(PREFER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.split(';').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("return=representation")))
}

/// The state a request is decided on.
struct Loaded {
    /// Where the resource lives (or would live), resolved beneath the served directory.
    target: sandbox::Target,
    /// Its current representation; `None` if it does not exist.
    snapshot: Option<Snapshot>,
}

fn load(shared: &Shared, logical: &Logical) -> Result<Loaded, Problem> {
    let target = sandbox::resolve(&shared.root, &logical.rel)?;
    let snapshot = match &target.file {
        Some(file) => match resource::read(file, shared.config.weak_etags) {
            // A trailing slash on a file names nothing (as in most file servers).
            Ok(snap) if logical.trailing_slash && !snap.is_dir => None,
            Ok(snap) => Some(snap),
            Err(e) => return Err(Problem::io(&e, "reading")),
        },
        None => None,
    };
    Ok(Loaded { target, snapshot })
}

async fn load_async(shared: &Arc<Shared>, logical: &Logical) -> Result<Loaded, Problem> {
    let (shared, logical) = (Arc::clone(shared), logical.clone());
    blocking(move || load(&shared, &logical)).await
}

/// The checks a write repeats under the lock: the target's kind, its existence (404 for
/// PATCH/DELETE of nothing, before preconditions per §13.2.1), then §13.2.2.
fn check(method: &Method, cond: &Conditions, loaded: &Loaded) -> Result<(), Problem> {
    match &loaded.snapshot {
        Some(snap) if snap.is_dir => {
            let detail = "this path is a directory, and directories cannot be written";
            return Err(Problem::new(StatusCode::METHOD_NOT_ALLOWED, detail).header(ALLOW, hv(DIR_ALLOW)));
        }
        None if method != Method::PUT => return Err(not_found()),
        _ => {}
    }
    let snap = loaded.snapshot.as_ref();
    let current = snap.map(|s| Current { etag: &s.etag, modified: s.modified });
    match evaluate(cond, false, current) {
        Outcome::Failed { field, detail } => Err(precondition_failed(field.name(), detail, snap)),
        Outcome::Proceed | Outcome::NotModified => Ok(()),
    }
}

/// 412 with the RFC 9457 members `precondition` and `current_etag`, and the current validators.
fn precondition_failed(field: &str, detail: String, snap: Option<&Snapshot>) -> Problem {
    let etag = snap.map(|s| s.etag.to_string());
    let mut problem = Problem::new(StatusCode::PRECONDITION_FAILED, detail)
        .member("precondition", field)
        .member("current_etag", etag.clone());
    if let Some(value) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
        problem = problem.header(ETAG, value);
    }
    if let Some(modified) = snap.and_then(|s| s.modified) {
        problem = problem.header(LAST_MODIFIED, date(modified));
    }
    problem
}

fn not_found() -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "no such resource")
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, format!("internal error in a file operation: {e}"))
    })?
}

fn validators(reply: &mut Reply, etag: &EntityTag, modified: Option<SystemTime>) {
    let headers = reply.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag.to_string()) {
        headers.insert(ETAG, value);
    }
    if let Some(modified) = modified {
        headers.insert(LAST_MODIFIED, date(modified));
    }
    // Caches must revalidate: an editor that gets a stale ETag only learns it from a 412.
    headers.insert(CACHE_CONTROL, hv("no-cache"));
}

/// `t` as an HTTP-date. Callers pass the clock's time or a [`resource::last_modified`], both
/// between 1970 and now, which `httpdate` can format (it panics outside 1970–9999).
fn date(t: SystemTime) -> HeaderValue {
    // An HTTP-date is always a valid header value.
    HeaderValue::from_str(&httpdate::fmt_http_date(t)).unwrap_or_else(|_| hv("Thu, 01 Jan 1970 00:00:00 GMT"))
}

fn empty(status: StatusCode) -> Reply {
    let mut reply = Response::new(Full::new(Bytes::new()));
    *reply.status_mut() = status;
    reply
}

fn hv(s: &'static str) -> HeaderValue {
    HeaderValue::from_static(s)
}
