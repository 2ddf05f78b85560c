//! `ifmatch serve` against odd files and hostile clients: mtimes the HTTP-date format cannot
//! carry, clients that trickle or hold connections, symlinks placed or swapped under the
//! served directory, temp files left by a killed server. Raw TCP on loopback, so what the
//! server answered is exactly what the test reads.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::support::serve::Serve;

/// A response as read off the wire.
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

fn connect(serve: &Serve) -> TcpStream {
    let stream = TcpStream::connect(serve.base.trim_start_matches("http://")).unwrap();
    // Only a guard against a hung test: every read below is expected to end much sooner.
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream
}

/// Reads one response: the head, then a Content-Length body (none for HEAD and 304).
fn read_answer(stream: &mut TcpStream, head_only: bool) -> Option<Answer> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let mut answer = Answer { status, head, body: Vec::new() };
    let len: usize = answer.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    if !head_only && status != 304 {
        answer.body = vec![0; len];
        stream.read_exact(&mut answer.body).ok()?;
    }
    Some(answer)
}

/// One request on a fresh connection.
fn request(serve: &Serve, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut stream = connect(serve);
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if method == "PUT" || !body.is_empty() {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_answer(&mut stream, method == "HEAD").unwrap_or_else(|| panic!("no answer to {method} {path}"))
}

fn set_mtime(path: &std::path::Path, t: SystemTime) {
    // A directory opens read-only; futimens needs only ownership, not write access.
    let file = if path.is_dir() {
        std::fs::File::open(path)
    } else {
        std::fs::File::options().write(true).open(path)
    };
    file.unwrap().set_modified(t).unwrap();
}

fn http_date(value: &str) -> SystemTime {
    httpdate::parse_http_date(value).unwrap_or_else(|e| panic!("{value:?} is not an HTTP-date: {e}"))
}

#[test]
fn a_file_modified_before_1970_is_served_without_last_modified() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.txt");
    std::fs::write(&path, "from the sixties\n").unwrap();
    set_mtime(&path, UNIX_EPOCH - Duration::from_secs(86_400 * 365 * 3));
    std::fs::create_dir(dir.path().join("attic")).unwrap();
    let serve = Serve::start(dir.path(), &["--quiet"]);

    let got = request(&serve, "GET", "/old.txt", &[], b"");
    assert_eq!((got.status, got.body.as_slice()), (200, &b"from the sixties\n"[..]));
    // An HTTP-date cannot say 1967: no Last-Modified, and the strong ETag carries the writes.
    assert_eq!(got.header("last-modified"), None, "{}", got.head);
    let etag = got.header("etag").expect("an ETag");
    let head = request(&serve, "HEAD", "/old.txt", &[], b"");
    assert_eq!((head.status, head.header("etag")), (200, Some(etag.clone())));
    // The mtime still takes part in nothing that could pass wrongly: a date condition is
    // ignored (no modification date, §13.1.4), If-Match decides.
    let since = "Thu, 01 Jan 1970 00:00:00 GMT";
    assert_eq!(request(&serve, "GET", "/old.txt", &[("If-Modified-Since", since)], b"").status, 200);
    let put = request(&serve, "PUT", "/old.txt", &[("If-Match", &etag)], b"new\n");
    assert_eq!(put.status, 204, "{}", put.head);
    assert_eq!(std::fs::read(&path).unwrap(), b"new\n");

    // A directory listing takes the directory's mtime.
    set_mtime(&dir.path().join("attic"), UNIX_EPOCH - Duration::from_secs(10));
    let listing = request(&serve, "GET", "/attic/", &[], b"");
    assert_eq!((listing.status, listing.header("last-modified")), (200, None));
}

#[test]
fn last_modified_is_never_later_than_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.json");
    std::fs::write(&path, "{}").unwrap();
    let year = Duration::from_secs(86_400 * 365);
    let serve = Serve::start(dir.path(), &["--quiet"]);
    for ahead in [year, year * 80] {
        set_mtime(&path, SystemTime::now() + ahead);
        for method in ["GET", "HEAD"] {
            let got = request(&serve, method, "/future.json", &[], b"");
            assert_eq!(got.status, 200, "{}", got.head);
            let date = http_date(&got.header("date").expect("a Date header"));
            let modified = http_date(&got.header("last-modified").expect("a Last-Modified header"));
            // RFC 9110 §8.8.2.1: a future mtime is replaced by the message's own date.
            assert!(modified <= date, "Last-Modified {modified:?} is after Date {date:?}: {}", got.head);
        }
        // The 412 to a stale write carries the same validators.
        let stale = request(&serve, "PUT", "/future.json", &[("If-Match", "\"old\"")], b"x");
        assert_eq!(stale.status, 412);
        let date = http_date(&stale.header("date").unwrap());
        assert!(http_date(&stale.header("last-modified").unwrap()) <= date, "{}", stale.head);
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
    }
}
