//! A small HTTP/1.1 server for what a correct server never does, and for asserting what was
//! sent: it records every request, enforces If-Match with strong comparison, and can be told
//! to change a resource behind the client's back, drop ETags from write responses, send weak
//! ETags or ETags that ignore the content, require preconditions (428) or answer version
//! conflicts with 409.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

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
    /// Keep one ETag whatever the content, like an ETag built from a coarse mtime and the size
    /// when changes of equal size land within the same second.
    pub etag_ignores_content: bool,
}

#[derive(Default)]
struct State {
    resources: HashMap<String, Resource>,
    requests: Vec<Request>,
    /// After the Nth request (1-based) has been recorded, replace this resource's body.
    change_after: Option<(usize, String, Vec<u8>)>,
    quirks: Quirks,
    lost_one: bool,
}

/// A running fake server on 127.0.0.1.
pub struct FakeServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl FakeServer {
    pub fn start(quirks: Quirks) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State { quirks, ..State::default() }));
        let shared = state.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
        });
        FakeServer { port, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn put_resource(&self, path: &str, body: &[u8], content_type: &str) {
        let mut s = self.state.lock().unwrap();
        let version = s.resources.get(path).map_or(1, |r| r.version + 1);
        s.resources.insert(
            path.to_string(),
            Resource { body: body.to_vec(), content_type: content_type.to_string(), version },
        );
    }

    pub fn body(&self, path: &str) -> Option<Vec<u8>> {
        self.state.lock().unwrap().resources.get(path).map(|r| r.body.clone())
    }

    /// Once `n` requests have arrived, someone else replaces `path` with `body`.
    pub fn change_after(&self, n: usize, path: &str, body: &[u8]) {
        self.state.lock().unwrap().change_after = Some((n, path.to_string(), body.to_vec()));
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

fn serve(stream: TcpStream, shared: &Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
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
    let mut stream = stream;
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
    let mut h = vec![("Last-Modified", last_modified(r))];
    if !q.no_etag {
        h.push(("ETag", etag_of(q, r)));
    }
    h
}

fn handle(shared: &Arc<Mutex<State>>, req: Request) -> Vec<u8> {
    let mut s = shared.lock().unwrap();
    s.requests.push(req.clone());
    let count = s.requests.len();
    let q = s.quirks.clone();
    let status_path = req.path.strip_prefix("/status/").and_then(|c| c.parse::<u16>().ok());
    let response = match req.method.as_str() {
        _ if status_path.is_some() => respond(status_path.unwrap_or(500), &[], b"as requested\n"),
        "GET" | "HEAD" => match s.resources.get(&req.path) {
            Some(r) => {
                let mut h = validators(&q, r);
                h.push(("Content-Type", r.content_type.clone()));
                respond(200, &h, if req.method == "GET" { &r.body } else { b"" })
            }
            None => respond(404, &[], b"not found\n"),
        },
        "PUT" => {
            let if_match = req.header("if-match").map(str::to_string);
            let ius = req.header("if-unmodified-since").map(str::to_string);
            let current = s.resources.get(&req.path).cloned();
            if q.require_precondition && if_match.is_none() && ius.is_none() {
                respond(
                    428,
                    &[("Content-Type", "application/problem+json".into())],
                    br#"{"title":"Precondition Required","detail":"send If-Match"}"#,
                )
            } else {
                let ok = match (&if_match, &current) {
                    (Some(v), Some(r)) => {
                        v.trim() == "*"
                            || (!q.weak_etags
                                && !q.no_etag
                                && v.split(',').any(|t| t.trim() == etag_of(&q, r)))
                    }
                    (Some(_), None) => false,
                    (None, Some(r)) => match &ius {
                        Some(d) => httpdate::parse_http_date(d)
                            .ok()
                            .zip(httpdate::parse_http_date(&last_modified(r)).ok())
                            .is_some_and(|(a, b)| b <= a),
                        None => true,
                    },
                    (None, None) => true,
                };
                if !ok {
                    let status = q.conflict_status.unwrap_or(412);
                    respond(
                        status,
                        &[("Content-Type", "application/problem+json".into())],
                        br#"{"title":"Precondition Failed","detail":"the ETag does not match"}"#,
                    )
                } else {
                    let ct = req
                        .header("content-type")
                        .map(str::to_string)
                        .or_else(|| current.as_ref().map(|r| r.content_type.clone()))
                        .unwrap_or_else(|| "application/octet-stream".into());
                    let version = current.as_ref().map_or(1, |r| r.version + 1);
                    let r = Resource { body: req.body.clone(), content_type: ct, version };
                    s.resources.insert(req.path.clone(), r.clone());
                    if q.lose_first_write_response && !s.lost_one {
                        s.lost_one = true;
                        respond(412, &[], b"")
                    } else {
                        let h = if q.no_etag_on_write { vec![] } else { validators(&q, &r) };
                        respond(if current.is_some() { 200 } else { 201 }, &h, b"")
                    }
                }
            }
        }
        _ => respond(405, &[("Allow", "GET, HEAD, PUT".into())], b""),
    };
    if let Some((n, path, body)) = s.change_after.clone()
        && count >= n
    {
        {
            s.change_after = None;
            let version = s.resources.get(&path).map_or(1, |r| r.version + 1);
            let ct = s.resources.get(&path).map_or_else(|| "text/plain".into(), |r| r.content_type.clone());
            s.resources.insert(path, Resource { body, content_type: ct, version });
        }
    }
    response
}
