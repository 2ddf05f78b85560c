//! The fault matrix's own server: a correct HTTP/1.1 server for a few resources (strong ETags,
//! If-Match on writes, one connection per request) into which a test queues faults, each
//! taken by the next request of a method: a scripted answer, a reset while the request body
//! arrives or while the response body leaves, a stall, a body cut short or running past its
//! Content-Length, a write applied and then left unanswered, or a conflict made by "someone
//! else" just before a write. Every request is recorded with its body.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

// One request as it arrived (the body as far as it was read): the same record the fake server keeps.
pub use crate::support::fake_server::Request;

/// What the next request of a method gets instead of the server's own answer.
#[derive(Debug, Clone)]
pub enum Fault {
    /// This status, headers and body, whatever was asked; nothing changes.
    Answer { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Read the head and part of the body, then reset the connection (mid-upload).
    ResetWhileReceiving,
    /// The server's own answer, cut by a reset after this many body bytes (mid-download).
    ResetWhileSending(usize),
    /// Say nothing for this long, then close.
    Stall(Duration),
    /// The server's own answer, announcing more body bytes than it sends, then closing.
    Truncated,
    /// The server's own answer with more bytes after the body than Content-Length says.
    OverLong,
    /// Apply the write, then close the connection without a word.
    ApplyThenClose,
    /// Someone else changes the resource (its `"other"` member counts up), then the write,
    /// evaluated against the changed resource, gets 412.
    ChangedByOthers,
}

impl Fault {
    /// A scripted answer with headers given as `("Name", "value")`.
    pub fn answer(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Fault {
        let headers = headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        Fault::Answer { status, headers, body: body.to_vec() }
    }
}

#[derive(Debug, Clone)]
struct Resource {
    body: Vec<u8>,
    content_type: String,
    version: u64,
}

#[derive(Default)]
struct State {
    resources: HashMap<String, Resource>,
    requests: Vec<Request>,
    faults: HashMap<String, VecDeque<Fault>>,
    others: u64,
}

pub struct FaultServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl FaultServer {
    pub fn start() -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
        });
        FaultServer { port, state }
    }

    /// A server holding `body` at `path`, and its URL.
    pub fn with(path: &str, body: &[u8], content_type: &str) -> (FaultServer, String) {
        let server = FaultServer::start();
        server.set(path, body, content_type);
        let url = server.url(path);
        (server, url)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn set(&self, path: &str, body: &[u8], content_type: &str) {
        let mut s = self.state.lock().unwrap();
        let version = s.resources.get(path).map_or(1, |r| r.version + 1);
        let resource = Resource { body: body.to_vec(), content_type: content_type.to_string(), version };
        s.resources.insert(path.to_string(), resource);
    }

    /// The next request with `method` gets `fault` (faults of one method are taken in order).
    pub fn fault(&self, method: &str, fault: Fault) {
        self.state.lock().unwrap().faults.entry(method.to_string()).or_default().push_back(fault);
    }

    /// The next `n` requests with `method` get `fault`.
    pub fn faults(&self, method: &str, fault: Fault, n: usize) {
        for _ in 0..n {
            self.fault(method, fault.clone());
        }
    }

    pub fn body(&self, path: &str) -> Vec<u8> {
        self.state.lock().unwrap().resources[path].body.clone()
    }

    pub fn etag(&self, path: &str) -> String {
        format!("\"v{}\"", self.state.lock().unwrap().resources[path].version)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn requests_with(&self, method: &str) -> Vec<Request> {
        self.requests().into_iter().filter(|r| r.method == method).collect()
    }
}

fn serve(stream: TcpStream, shared: &Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("/").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut request = Request { method, path, headers, body: Vec::new() };
    let len = request.header("content-length").and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
    let fault = {
        let mut s = shared.lock().unwrap();
        s.faults.get_mut(&request.method).and_then(VecDeque::pop_front)
    };
    if let Some(Fault::ResetWhileReceiving) = fault {
        // Part of the body, then a close with the rest unread: the kernel answers with a reset.
        let mut some = vec![0; len.min(1024)];
        let _ = reader.read_exact(&mut some);
        request.body = some;
        shared.lock().unwrap().requests.push(request);
        reset(reader.get_ref());
        return Ok(());
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    request.body = body;
    shared.lock().unwrap().requests.push(request.clone());
    let stream = reader.get_mut();
    match fault {
        Some(Fault::Answer { status, headers, body }) => {
            let headers: Vec<(&str, String)> = headers.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
            stream.write_all(&head(status, &headers, body.len()))?;
            stream.write_all(&body)?;
        }
        Some(Fault::Stall(time)) => thread::sleep(time),
        Some(Fault::ApplyThenClose) => {
            let _ = handle(shared, &request);
        }
        Some(Fault::ChangedByOthers) => {
            let mut s = shared.lock().unwrap();
            s.others += 1;
            let n = s.others;
            if let Some(r) = s.resources.get_mut(&request.path) {
                r.body = changed_by_others(&r.body, n);
                r.version += 1;
            }
            drop(s);
            let (status, headers, body) = handle(shared, &request);
            stream.write_all(&head(status, &headers, body.len()))?;
            stream.write_all(&body)?;
        }
        Some(Fault::ResetWhileSending(n)) => {
            let (status, headers, body) = handle(shared, &request);
            stream.write_all(&head(status, &headers, body.len()))?;
            stream.write_all(&body[..n.min(body.len())])?;
            stream.flush()?;
            reset(stream);
        }
        Some(Fault::Truncated) => {
            let (status, headers, body) = handle(shared, &request);
            stream.write_all(&head(status, &headers, body.len() + 100))?;
            stream.write_all(&body)?;
        }
        Some(Fault::OverLong) => {
            let (status, headers, body) = handle(shared, &request);
            stream.write_all(&head(status, &headers, body.len()))?;
            stream.write_all(&body)?;
            stream.write_all(b"and then some more bytes that no Content-Length announced\n")?;
        }
        Some(Fault::ResetWhileReceiving) => unreachable!("handled above"),
        None => {
            let (status, headers, body) = handle(shared, &request);
            stream.write_all(&head(status, &headers, body.len()))?;
            stream.write_all(&body)?;
        }
    }
    stream.flush()
}

/// Closes with a reset (SO_LINGER 0) rather than an orderly FIN.
fn reset(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger { l_onoff: 1, l_linger: 0 };
    // SAFETY: a valid socket descriptor and a correctly sized `linger` value.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    let _ = stream.shutdown(std::net::Shutdown::Read);
}

/// Someone else's change: a JSON object gets `"other": n`; any other text a line.
fn changed_by_others(body: &[u8], n: u64) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.insert("other".into(), n.into());
            let mut out = serde_json::to_vec_pretty(&map).unwrap();
            out.push(b'\n');
            out
        }
        _ => [body, format!("other {n}\n").as_bytes()].concat(),
    }
}

fn head(status: u16, headers: &[(&str, String)], len: usize) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {len}\r\nConnection: close\r\n");
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// The server's own answer: GET/HEAD with If-Match, PUT with If-Match / If-None-Match: *.
fn handle(shared: &Arc<Mutex<State>>, req: &Request) -> (u16, Vec<(&'static str, String)>, Vec<u8>) {
    let mut s = shared.lock().unwrap();
    let current = s.resources.get(&req.path).cloned();
    let tag = current.as_ref().map(|r| format!("\"v{}\"", r.version));
    let matches = |v: &str| v.trim() == "*" || v.split(',').any(|t| Some(t.trim()) == tag.as_deref());
    if let Some(v) = req.header("if-match")
        && (current.is_none() || !matches(v))
    {
        return (412, vec![], b"precondition failed\n".to_vec());
    }
    match req.method.as_str() {
        "GET" | "HEAD" => match current {
            None => (404, vec![], b"not found\n".to_vec()),
            Some(r) => {
                let h = vec![("ETag", tag.unwrap_or_default()), ("Content-Type", r.content_type.clone())];
                (200, h, if req.method == "GET" { r.body } else { Vec::new() })
            }
        },
        "PUT" => {
            if req.header("if-none-match").is_some_and(|v| v.trim() == "*") && current.is_some() {
                return (412, vec![], b"exists\n".to_vec());
            }
            let version = current.as_ref().map_or(1, |r| r.version + 1);
            let content_type = req
                .header("content-type")
                .map(str::to_string)
                .or_else(|| current.as_ref().map(|r| r.content_type.clone()))
                .unwrap_or_else(|| "application/octet-stream".into());
            s.resources.insert(req.path.clone(), Resource { body: req.body.clone(), content_type, version });
            (if current.is_some() { 200 } else { 201 }, vec![("ETag", format!("\"v{version}\""))], Vec::new())
        }
        _ => (405, vec![("Allow", "GET, HEAD, PUT".into())], Vec::new()),
    }
}
