//! A small caching reverse proxy in front of another server on loopback, behaving like
//! Varnish's default configuration where it matters here: a GET or HEAD answered 200 is stored
//! under its path and query, and served from storage from then on — whatever the request's
//! `Cache-Control: no-cache`, `max-age=0` or `Pragma` say — with `Age`, `X-Cache: HIT` and
//! `Via`. Unlike Varnish it also stores answers marked `Cache-Control: no-cache` (as `serve`
//! marks them), like a CDN told to cache everything; every other request passes through to the origin and does not touch the store (a PUT
//! through the cache leaves the stored copy as it was). It records what it received.
//!
//! [`Cache::rewriting`] is a proxy that stores nothing but rewrites every ETag it passes on,
//! as Apache's mod_deflate does (`"abc"` → `"abc-gzip"`), and passes `If-Match` on unchanged:
//! the origin then refuses every tag the client sees.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

/// A stored answer: its head lines (without the status line's CRLF), its body, when it was stored.
struct Stored {
    status_line: String,
    headers: Vec<String>,
    body: Vec<u8>,
    at: Instant,
}

/// One request as the cache received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// Served from storage.
    pub hit: bool,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub struct Cache {
    pub port: u16,
    rewriting: bool,
    seen: Arc<Mutex<Vec<Seen>>>,
    store: Arc<Mutex<HashMap<String, Stored>>>,
}

impl Cache {
    /// A cache in front of `origin` (`http://127.0.0.1:PORT`).
    pub fn start(origin: &str) -> Cache {
        Cache::with(origin, false)
    }

    /// A proxy in front of `origin` that rewrites ETags and stores nothing.
    pub fn rewriting(origin: &str) -> Cache {
        Cache::with(origin, true)
    }

    fn with(origin: &str, rewriting: bool) -> Cache {
        let upstream = origin.trim_start_matches("http://").trim_end_matches('/').to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let store = Arc::new(Mutex::new(HashMap::new()));
        let (log, stored) = (seen.clone(), store.clone());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (upstream, log, stored) = (upstream.clone(), log.clone(), stored.clone());
                thread::spawn(move || serve(stream, &upstream, &log, &stored, rewriting));
            }
        });
        Cache { port, rewriting, seen, store }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Whether a copy is stored under `target` (path and query).
    pub fn holds(&self, target: &str) -> bool {
        self.store.lock().unwrap().contains_key(target)
    }
}

fn serve(
    stream: TcpStream,
    upstream: &str,
    log: &Mutex<Vec<Seen>>,
    store: &Mutex<HashMap<String, Stored>>,
    rewriting: bool,
) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let cacheable = !rewriting && (method == "GET" || method == "HEAD");
    let key = format!("{method} {target}");
    let hit = cacheable && store.lock().unwrap().contains_key(&key);
    log.lock().unwrap().push(Seen {
        method: method.clone(),
        target: target.clone(),
        headers: headers.clone(),
        hit,
    });
    let client = reader.get_mut();
    if hit {
        let store = store.lock().unwrap();
        let stored = &store[&key];
        let age = stored.at.elapsed().as_secs().max(1);
        let _ = reply(client, stored, &[format!("Age: {age}"), "X-Cache: HIT".into()], method == "HEAD");
        return;
    }
    let Some(mut answer) = forward(upstream, &request_line, &headers, &body) else {
        let _ =
            client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    if rewriting {
        for line in &mut answer.headers {
            if line.to_ascii_lowercase().starts_with("etag:") && line.ends_with('"') {
                line.truncate(line.len() - 1);
                line.push_str("-gzip\"");
            }
        }
    }
    let _ = reply(client, &answer, &["Age: 0".into(), "X-Cache: MISS".into()], method == "HEAD");
    if cacheable && answer.status_line.split_whitespace().nth(1) == Some("200") {
        store.lock().unwrap().insert(key, answer);
    }
}

/// Sends the request to the origin on a connection of its own and reads the whole answer.
fn forward(upstream: &str, request_line: &str, headers: &[(String, String)], body: &[u8]) -> Option<Stored> {
    let mut origin = TcpStream::connect(upstream).ok()?;
    let mut head = request_line.trim_end().to_string();
    head.push_str("\r\n");
    for (name, value) in headers {
        if !name.eq_ignore_ascii_case("connection") {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    origin.write_all(head.as_bytes()).ok()?;
    origin.write_all(body).ok()?;
    let mut raw = Vec::new();
    origin.read_to_end(&mut raw).ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let text = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = text.split("\r\n");
    let status_line = lines.next()?.to_string();
    let headers = lines
        .filter(|l| {
            let name = l.split(':').next().unwrap_or("").trim().to_ascii_lowercase();
            !matches!(name.as_str(), "connection" | "keep-alive" | "age" | "transfer-encoding")
        })
        .map(str::to_string)
        .collect();
    Some(Stored { status_line, headers, body: raw[split + 4..].to_vec(), at: Instant::now() })
}

fn reply(client: &mut TcpStream, answer: &Stored, extra: &[String], head_only: bool) -> std::io::Result<()> {
    let mut head = format!("{}\r\n", answer.status_line);
    for line in answer.headers.iter().filter(|l| !l.to_ascii_lowercase().starts_with("content-length:")) {
        head.push_str(&format!("{line}\r\n"));
    }
    for line in extra {
        head.push_str(&format!("{line}\r\n"));
    }
    head.push_str("Via: 1.1 fake-cache\r\n");
    let length = if head_only {
        answer
            .headers
            .iter()
            .find_map(|l| {
                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
            })
            .unwrap_or_else(|| "0".into())
    } else {
        answer.body.len().to_string()
    };
    head.push_str(&format!("Content-Length: {length}\r\nConnection: close\r\n\r\n"));
    client.write_all(head.as_bytes())?;
    if !head_only {
        client.write_all(&answer.body)?;
    }
    client.flush()
}
