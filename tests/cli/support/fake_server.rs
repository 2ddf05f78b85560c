//! A small HTTP/1.1 server for what a correct server never does, and for asserting what was
//! sent: it records every request, enforces If-Match with strong comparison (on GET too, with
//! If-None-Match → 304 and If-Unmodified-Since), and can be told to change a resource behind
//! the client's back, drop ETags from write responses, send weak ETags or no validators,
//! require preconditions (428), answer version conflicts with 409, ignore If-Match on GET or
//! on PUT, keep one ETag whatever the content, or sit behind a caching proxy that serves stale
//! validators. PATCH takes JSON Merge Patch and JSON Patch (a failed `test` is 409) under the
//! same preconditions as PUT. Scripted faults ([`Fault`]) answer one request with a transient
//! status, or apply a write and drop the connection unanswered; a request can be held once
//! received ([`FakeServer::hold`]) while the test acts before it is answered.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub body: Vec<u8>,
    pub content_type: String,
    pub version: u64,
}

/// A failure scripted for one request (see [`FakeServer::fault`]).
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer this status (with `Retry-After` when given) and leave everything as it was.
    Status(u16, Option<&'static str>),
    /// Handle the request as usual — a write is applied — then close the connection without
    /// an answer, as when a connection drops after the server did its work.
    ApplyThenDrop,
    /// Answer as usual but stop five bytes short of the body, then close the connection.
    CutBody,
}

/// Behaviour switches.
#[derive(Debug, Clone, Default)]
pub struct Quirks {
    /// Send `W/"…"` ETags (and so never match If-Match).
    pub weak_etags: bool,
    /// Omit the ETag from write responses (RFC 9110 §9.3.4 allows it).
    pub no_etag_on_write: bool,
    /// Send no ETag at all, only Last-Modified.
    pub no_etag: bool,
    /// 428 for writes without If-Match / If-Unmodified-Since.
    pub require_precondition: bool,
    /// Answer a failed If-Match with this status instead of 412 (e.g. 409).
    pub conflict_status: Option<u16>,
    /// Apply the write but answer 412 to it, as after a lost response.
    pub lose_first_write_response: bool,
    /// Wait this long before answering a PUT (a slow server: timeouts, Ctrl-C).
    pub put_delay_ms: u64,
    /// Send no Last-Modified (with `no_etag`: no validator at all).
    pub no_last_modified: bool,
    /// Answer GET and HEAD without evaluating If-Match.
    pub ignore_if_match_on_get: bool,
    /// Perform a PUT whatever its If-Match says.
    pub ignore_if_match_on_put: bool,
    /// Behave like a shared cache in front of the origin: every GET/HEAD answer carries
    /// `Cache-Control: public, max-age=600`, `Via` and `X-Cache`; a request without
    /// `Cache-Control: no-cache` gets the cached copy (see [`FakeServer::prime_cache`]) with
    /// its stale ETag and an `Age`, a no-cache request gets the origin's and refreshes the copy.
    pub caching_proxy: bool,
    /// Send this `Accept-Patch` with GET responses.
    pub accept_patch: Option<String>,
    /// Evaluate no precondition at all, as many APIs do (only a JSON Patch `test` guards then).
    pub ignore_preconditions: bool,
    /// Keep one ETag whatever the content, like an ETag built from a coarse mtime and the size
    /// when changes of equal size land within the same second.
    pub etag_ignores_content: bool,
    /// Answer successful writes with this status (e.g. 202 Accepted) instead of 200/201.
    pub write_status: Option<u16>,
    /// Keep the version in the JSON body, as CouchDB, Kubernetes and Google Cloud APIs do.
    pub body_version: Option<BodyVersion>,
}

/// A version kept in the body at `pointer`: every stored version of a resource carries its
/// version number there (as a string), and a PUT whose field names another version is refused
/// with `status` and a body in the API's shape.
#[derive(Debug, Clone)]
pub struct BodyVersion {
    pub pointer: &'static str,
    pub status: u16,
    pub shape: Shape,
    /// A PUT whose body has this top-level member is refused with 409 as invalid content (not
    /// a version conflict).
    pub invalid_member: Option<&'static str>,
}

/// How a refusal reads.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A Kubernetes `Status` object, reason `Conflict`.
    Kubernetes,
    /// A Google API error object, status `ABORTED` (409) or `FAILED_PRECONDITION` (412).
    Google,
}

impl BodyVersion {
    pub fn kubernetes() -> BodyVersion {
        BodyVersion {
            pointer: "/metadata/resourceVersion",
            status: 409,
            shape: Shape::Kubernetes,
            invalid_member: None,
        }
    }

    pub fn google(status: u16) -> BodyVersion {
        BodyVersion { pointer: "/etag", status, shape: Shape::Google, invalid_member: None }
    }

    fn refusal(&self, status: u16, message: &str) -> Vec<u8> {
        let body = match self.shape {
            Shape::Kubernetes => serde_json::json!({
                "kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message,
                "reason": if status == 409 && !message.contains("invalid") { "Conflict" } else { "Invalid" },
                "code": status,
            }),
            Shape::Google => serde_json::json!({
                "error": { "code": status, "message": message,
                    "status": if status == 412 { "FAILED_PRECONDITION" } else { "ABORTED" } }
            }),
        };
        respond(status, &[("Content-Type", "application/json".into())], body.to_string().as_bytes())
    }

    /// `body` with the field set to `version`.
    fn stamp(&self, body: &[u8], version: u64) -> Vec<u8> {
        let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(body) else { return body.to_vec() };
        let (parent, last) = self.pointer.rsplit_once('/').unwrap();
        let holder = if parent.is_empty() { Some(&mut doc) } else { doc.pointer_mut(parent) };
        if let Some(serde_json::Value::Object(map)) = holder {
            map.insert(last.to_string(), serde_json::Value::String(version.to_string()));
        }
        let mut out = serde_json::to_vec_pretty(&doc).unwrap();
        out.push(b'\n');
        out
    }

    /// Why a PUT of `body` over `current` is refused, if it is.
    fn check(&self, body: &[u8], current: &Resource) -> Option<Vec<u8>> {
        let field = |b: &[u8]| {
            serde_json::from_slice::<serde_json::Value>(b).ok().and_then(|d| d.pointer(self.pointer).cloned())
        };
        let sent = serde_json::from_slice::<serde_json::Value>(body).ok();
        if let (Some(member), Some(doc)) = (self.invalid_member, &sent)
            && doc.get(member).is_some()
        {
            return Some(self.refusal(409, &format!("invalid: {member} is not allowed")));
        }
        (field(body) != field(&current.body)).then(|| {
            self.refusal(
                self.status,
                "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again",
            )
        })
    }
}

#[derive(Default)]
struct State {
    resources: HashMap<String, Resource>,
    requests: Vec<Request>,
    /// After the Nth request (1-based) has been recorded, replace this resource's body.
    /// Scheduled changes by someone else: (after how many requests, path, body), in order.
    change_after: Vec<(usize, String, Vec<u8>)>,
    quirks: Quirks,
    lost_one: bool,
    redirects: HashMap<String, (u16, String)>,
    /// The caching proxy's copies (with `Quirks::caching_proxy`).
    cache: HashMap<String, Resource>,
    /// Scripted failures by method, each for one request, in order.
    faults: Vec<(String, Fault)>,
    /// Requests to hold once received, by method, in order (see [`FakeServer::hold`]).
    holds: Vec<(String, HoldSide)>,
}

/// The server's side of a [`Held`] request: says it arrived, waits to be let go.
struct HoldSide {
    arrived: mpsc::Sender<()>,
    release: mpsc::Receiver<()>,
}

/// A request the server holds once it has received it whole (body included), before handling
/// it: the test can act while the client waits for the answer, then let it go.
pub struct Held {
    arrived: mpsc::Receiver<()>,
    release: mpsc::Sender<()>,
}

impl Held {
    /// Waits until the request has been received whole (at most a minute).
    pub fn wait_arrived(&self) {
        self.arrived.recv_timeout(Duration::from_secs(60)).expect("the held request arrived");
    }

    /// Lets the server handle the request and answer it.
    pub fn release(self) {
        let _ = self.release.send(());
    }
}

/// A running fake server on 127.0.0.1.
pub struct FakeServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl FakeServer {
    pub fn start(quirks: Quirks) -> FakeServer {
        FakeServer::start_with(quirks, None)
    }

    /// The same server speaking HTTPS with this rustls configuration.
    pub fn start_tls(quirks: Quirks, tls: rustls::ServerConfig) -> FakeServer {
        FakeServer::start_with(quirks, Some(Arc::new(tls)))
    }

    /// The same server on a port a test saw refused first.
    pub fn start_at(quirks: Quirks, port: super::RefusedPort) -> FakeServer {
        FakeServer::start_on(quirks, None, port.listen())
    }

    fn start_with(quirks: Quirks, tls: Option<Arc<rustls::ServerConfig>>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        FakeServer::start_on(quirks, tls, listener)
    }

    fn start_on(quirks: Quirks, tls: Option<Arc<rustls::ServerConfig>>, listener: TcpListener) -> FakeServer {
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State { quirks, ..State::default() }));
        let shared = state.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                let tls = tls.clone();
                thread::spawn(move || {
                    let _ = match tls {
                        Some(config) => match rustls::ServerConnection::new(config) {
                            Ok(conn) => serve(rustls::StreamOwned::new(conn, stream), &shared),
                            Err(_) => Ok(()),
                        },
                        None => serve(stream, &shared),
                    };
                });
            }
        });
        FakeServer { port, state }
    }

    pub fn https_url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.port)
    }

    /// Requests to `path` get `status` with `Location: location`.
    pub fn redirect(&self, path: &str, status: u16, location: &str) {
        self.state.lock().unwrap().redirects.insert(path.to_string(), (status, location.to_string()));
    }

    /// A server holding one JSON document at `/doc.json`, and that document's URL.
    pub fn with_json_doc(quirks: Quirks, doc: &[u8]) -> (FakeServer, String) {
        let server = FakeServer::start(quirks);
        server.put_resource("/doc.json", doc, "application/json");
        let url = server.url("/doc.json");
        (server, url)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn put_resource(&self, path: &str, body: &[u8], content_type: &str) {
        let mut s = self.state.lock().unwrap();
        let version = s.resources.get(path).map_or(1, |r| r.version + 1);
        let body = match &s.quirks.body_version {
            Some(bv) => bv.stamp(body, version),
            None => body.to_vec(),
        };
        s.resources
            .insert(path.to_string(), Resource { body, content_type: content_type.to_string(), version });
    }

    /// The next request with `method` (one not yet taken by an earlier fault) meets `fault`.
    pub fn fault(&self, method: &str, fault: Fault) {
        self.state.lock().unwrap().faults.push((method.to_string(), fault));
    }

    /// The next request with `method` (one not yet taken by an earlier hold) is held once it
    /// has been received whole, until the returned [`Held`] releases it (or is dropped).
    pub fn hold(&self, method: &str) -> Held {
        let (arrived_tx, arrived) = mpsc::channel();
        let (release, release_rx) = mpsc::channel();
        let side = HoldSide { arrived: arrived_tx, release: release_rx };
        self.state.lock().unwrap().holds.push((method.to_string(), side));
        Held { arrived, release }
    }

    /// Someone else deletes `path`.
    pub fn remove_resource(&self, path: &str) {
        self.state.lock().unwrap().resources.remove(path);
    }

    pub fn body(&self, path: &str) -> Option<Vec<u8>> {
        self.state.lock().unwrap().resources.get(path).map(|r| r.body.clone())
    }

    /// Stores the current version of `path` in the caching proxy, as if someone had fetched it.
    pub fn prime_cache(&self, path: &str) {
        let mut s = self.state.lock().unwrap();
        let current = s.resources[path].clone();
        s.cache.insert(path.to_string(), current);
    }

    /// Once `n` requests have arrived, someone else replaces `path` with `body`. Calls add to a
    /// schedule: each change happens once, after its request.
    pub fn change_after(&self, n: usize, path: &str, body: &[u8]) {
        self.state.lock().unwrap().change_after.push((n, path.to_string(), body.to_vec()));
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The requests with this method.
    pub fn requests_with(&self, method: &str) -> Vec<Request> {
        self.requests().into_iter().filter(|r| r.method == method).collect()
    }

    /// The ETag the server would send for a resource now.
    pub fn etag(&self, path: &str) -> String {
        let s = self.state.lock().unwrap();
        etag_of(&s.quirks, &s.resources[path])
    }
}

fn etag_of(quirks: &Quirks, r: &Resource) -> String {
    if quirks.etag_ignores_content {
        return "\"same\"".to_string();
    }
    if quirks.weak_etags { format!("W/\"v{}\"", r.version) } else { format!("\"v{}\"", r.version) }
}

fn last_modified(r: &Resource) -> String {
    // One version per second, from a fixed epoch: distinct and ordered.
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + r.version);
    httpdate::fmt_http_date(t)
}

fn serve<S: Read + Write>(stream: S, shared: &Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("/").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let request = Request { method, path, headers, body };
    let response = handle(shared, request);
    if response.is_empty() {
        // A dropped connection: no answer at all.
        return Ok(());
    }
    let stream = reader.get_mut();
    stream.write_all(&response)?;
    stream.flush()
}

fn respond(status: u16, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn validators(q: &Quirks, r: &Resource) -> Vec<(&'static str, String)> {
    let mut h = Vec::new();
    if !q.no_last_modified {
        h.push(("Last-Modified", last_modified(r)));
    }
    if !q.no_etag {
        h.push(("ETag", etag_of(q, r)));
    }
    h
}

/// GET and HEAD, through the caching proxy when there is one; preconditions in the order of
/// RFC 9110 §13.2.2 (If-Match strong, If-Unmodified-Since, If-None-Match weak → 304).
fn read(s: &mut State, q: &Quirks, req: &Request) -> Vec<u8> {
    // A query (a cache-busting parameter) names the same resource, as most APIs take it.
    let path = req.path.split('?').next().unwrap_or_default();
    let Some(origin) = s.resources.get(path).cloned() else {
        return respond(404, &[], b"not found\n");
    };
    let no_cache = req.header("cache-control").is_some_and(|v| v.contains("no-cache"));
    let mut extra: Vec<(&str, String)> = Vec::new();
    let r = if q.caching_proxy {
        extra.push(("Cache-Control", "public, max-age=600".into()));
        extra.push(("Via", "1.1 fake-cache".into()));
        match s.cache.get(&req.path).cloned() {
            Some(copy) if !no_cache => {
                extra.push(("X-Cache", "HIT".into()));
                extra.push(("Age", "42".into()));
                copy
            }
            _ => {
                extra.push(("X-Cache", "MISS".into()));
                s.cache.insert(req.path.clone(), origin.clone());
                origin
            }
        }
    } else {
        origin
    };
    let tag = etag_of(q, &r);
    let has_tag = !q.no_etag;
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if let Some(v) = req.header("if-match").filter(|_| !q.ignore_if_match_on_get) {
        let ok = v.trim() == "*" || (has_tag && !q.weak_etags && v.split(',').any(|t| t.trim() == tag));
        if !ok {
            return respond(412, &extra, b"");
        }
    } else if let Some(d) = req.header("if-unmodified-since").filter(|_| !q.no_last_modified) {
        let newer = httpdate::parse_http_date(d)
            .ok()
            .zip(httpdate::parse_http_date(&last_modified(&r)).ok())
            .is_some_and(|(since, modified)| modified > since);
        if newer {
            return respond(412, &extra, b"");
        }
    }
    let mut h = validators(q, &r);
    h.extend(extra);
    if let Some(v) = req.header("if-none-match")
        && has_tag
        && v.split(',').any(|t| opaque(t) == opaque(&tag))
    {
        return respond(304, &h, b"");
    }
    h.push(("Content-Type", r.content_type.clone()));
    if let Some(accept) = &q.accept_patch {
        h.push(("Accept-Patch", accept.clone()));
    }
    respond(200, &h, if req.method == "GET" { &r.body } else { b"" })
}

fn handle(shared: &Arc<Mutex<State>>, req: Request) -> Vec<u8> {
    // Recorded on arrival, so a test sees a slow request while it is still in flight.
    let count = {
        let mut s = shared.lock().unwrap();
        s.requests.push(req.clone());
        s.requests.len()
    };
    let hold = {
        let mut s = shared.lock().unwrap();
        s.holds.iter().position(|(m, _)| *m == req.method).map(|i| s.holds.remove(i).1)
    };
    if let Some(hold) = hold {
        let _ = hold.arrived.send(());
        // Bounded: a test that never releases it does not hang the server.
        let _ = hold.release.recv_timeout(Duration::from_secs(60));
    }
    let delay = shared.lock().unwrap().quirks.put_delay_ms;
    if req.method == "PUT" && delay > 0 {
        thread::sleep(Duration::from_millis(delay));
    }
    let mut s = shared.lock().unwrap();
    let fault = s.faults.iter().position(|(m, _)| *m == req.method).map(|i| s.faults.remove(i).1);
    let q = s.quirks.clone();
    let status_path = req.path.strip_prefix("/status/").and_then(|c| c.parse::<u16>().ok());
    let redirect = s.redirects.get(&req.path).cloned();
    let response = match req.method.as_str() {
        _ if let Some(Fault::Status(status, retry_after)) = &fault => {
            let headers: Vec<(&str, String)> =
                retry_after.iter().map(|v| ("Retry-After", v.to_string())).collect();
            respond(*status, &headers, b"busy\n")
        }
        _ if redirect.is_some() => {
            let (status, location) = redirect.unwrap_or_default();
            respond(status, &[("Location", location)], b"")
        }
        _ if status_path.is_some() => respond(status_path.unwrap_or(500), &[], b"as requested\n"),
        "GET" | "HEAD" => read(&mut s, &q, &req),
        "PUT" | "PATCH" => {
            let current = s.resources.get(&req.path).cloned();
            let in_body = match (&q.body_version, &current) {
                (Some(bv), Some(r)) if req.method == "PUT" => bv.check(&req.body, r),
                _ => None,
            };
            match precondition_refusal(&q, &req, current.as_ref()).or(in_body) {
                Some(refusal) => refusal,
                None => match new_body(&req, current.as_ref()) {
                    Err(refusal) => refusal,
                    Ok(body) => {
                        let ct = match req.method.as_str() {
                            "PUT" => req.header("content-type").map(str::to_string),
                            _ => None,
                        }
                        .or_else(|| current.as_ref().map(|r| r.content_type.clone()))
                        .unwrap_or_else(|| "application/octet-stream".into());
                        let version = current.as_ref().map_or(1, |r| r.version + 1);
                        let body = match &q.body_version {
                            Some(bv) => bv.stamp(&body, version),
                            None => body,
                        };
                        let r = Resource { body, content_type: ct, version };
                        s.resources.insert(req.path.clone(), r.clone());
                        if q.lose_first_write_response && !s.lost_one {
                            s.lost_one = true;
                            respond(412, &[], b"")
                        } else {
                            let h = if q.no_etag_on_write { vec![] } else { validators(&q, &r) };
                            let status = q.write_status.unwrap_or(if current.is_some() { 200 } else { 201 });
                            respond(status, &h, b"")
                        }
                    }
                },
            }
        }
        _ => respond(405, &[("Allow", "GET, HEAD, PUT, PATCH".into())], b""),
    };
    while let Some(i) = s.change_after.iter().position(|(n, _, _)| count >= *n) {
        let (_, path, body) = s.change_after.remove(i);
        {
            let version = s.resources.get(&path).map_or(1, |r| r.version + 1);
            let ct = s.resources.get(&path).map_or_else(|| "text/plain".into(), |r| r.content_type.clone());
            let body = match &q.body_version {
                Some(bv) => bv.stamp(&body, version),
                None => body,
            };
            s.resources.insert(path, Resource { body, content_type: ct, version });
        }
    }
    match fault {
        Some(Fault::ApplyThenDrop) => Vec::new(),
        Some(Fault::CutBody) => response[..response.len().saturating_sub(5)].to_vec(),
        _ => response,
    }
}

fn problem(status: u16, detail: &str) -> Vec<u8> {
    let body = serde_json::json!({ "title": "refused", "detail": detail }).to_string();
    respond(status, &[("Content-Type", "application/problem+json".into())], body.as_bytes())
}

/// The response that refuses a write for its preconditions (428, 412 or the configured
/// conflict status), or `None` to go ahead.
fn precondition_refusal(q: &Quirks, req: &Request, current: Option<&Resource>) -> Option<Vec<u8>> {
    let if_match = req.header("if-match");
    let ius = req.header("if-unmodified-since").filter(|_| !q.no_last_modified);
    if q.ignore_preconditions || (q.ignore_if_match_on_put && if_match.is_some() && current.is_some()) {
        return None;
    }
    // `If-None-Match: *` (create only) is a precondition too (RFC 9110 §13.1.2).
    let create_only = req.header("if-none-match").is_some_and(|v| v.trim() == "*");
    if q.require_precondition && if_match.is_none() && ius.is_none() && !create_only {
        return Some(problem(428, "send If-Match"));
    }
    if create_only && current.is_some() {
        return Some(problem(412, "If-None-Match: * and the resource exists"));
    }
    let ok = match (if_match, current) {
        (Some(v), Some(r)) => {
            v.trim() == "*"
                || (!q.weak_etags && !q.no_etag && v.split(',').any(|t| t.trim() == etag_of(q, r)))
        }
        (Some(_), None) => false,
        (None, Some(r)) => match ius {
            Some(d) => httpdate::parse_http_date(d)
                .ok()
                .zip(httpdate::parse_http_date(&last_modified(r)).ok())
                .is_some_and(|(a, b)| b <= a),
            None => true,
        },
        (None, None) => true,
    };
    (!ok).then(|| problem(q.conflict_status.unwrap_or(412), "the ETag does not match"))
}

/// The body a write leaves: the request body for PUT, the patched document for PATCH (404 for
/// nothing to patch, 415 for an unknown patch type, 409 when a JSON Patch op fails).
fn new_body(req: &Request, current: Option<&Resource>) -> Result<Vec<u8>, Vec<u8>> {
    if req.method == "PUT" {
        return Ok(req.body.clone());
    }
    let current = current.ok_or_else(|| problem(404, "nothing to patch"))?;
    let mut doc: serde_json::Value =
        serde_json::from_slice(&current.body).map_err(|_| problem(409, "not JSON"))?;
    let patch: serde_json::Value =
        serde_json::from_slice(&req.body).map_err(|_| problem(400, "the patch is not JSON"))?;
    match req.header("content-type") {
        Some("application/merge-patch+json") => json_patch::merge(&mut doc, &patch),
        Some("application/json-patch+json") => {
            let ops: json_patch::Patch =
                serde_json::from_value(patch).map_err(|_| problem(400, "not a JSON Patch"))?;
            json_patch::patch(&mut doc, &ops).map_err(|e| problem(409, &e.to_string()))?;
        }
        _ => return Err(problem(415, "unsupported patch type")),
    }
    let mut out = serde_json::to_vec_pretty(&doc).unwrap();
    out.push(b'\n');
    Ok(out)
}
