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
    connect_to(&serve.base)
}

fn connect_to(base: &str) -> TcpStream {
    let stream = TcpStream::connect(base.trim_start_matches("http://")).unwrap();
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
    request_to(&serve.base, method, path, headers, body)
}

/// [`request`] to the server at `base`, for threads that cannot share the `Serve`.
fn request_to(base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut stream = connect_to(base);
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

/// Sends `head`, then `trickle` one byte at a time, `pause` apart, on another thread (which
/// stops at the first failed write), and reads the server's answer meanwhile.
fn trickle(
    serve: &Serve,
    head: &str,
    trickle: &'static [u8],
    pause: Duration,
) -> (Option<Answer>, TcpStream) {
    let mut stream = connect(serve);
    stream.write_all(head.as_bytes()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    std::thread::spawn(move || {
        for byte in trickle {
            std::thread::sleep(pause);
            if writer.write_all(std::slice::from_ref(byte)).is_err() {
                return;
            }
        }
    });
    let answer = read_answer(&mut stream, false);
    (answer, stream)
}

/// After a final answer the server closes: the next read sees the end of the stream.
fn assert_closed(mut stream: TcpStream) {
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    assert!(rest.is_empty(), "nothing may follow the answer: {:?}", String::from_utf8_lossy(&rest));
}

#[test]
fn a_trickling_body_gets_408_and_the_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), "old").unwrap();
    let serve = Serve::start(dir.path(), &["--body-timeout", "1"]);
    let head = "PUT /doc.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n";
    // 40 bytes a quarter second apart would take 10 s; the body timeout ends it after about 1 s.
    let (answer, stream) = trickle(&serve, head, &[b'x'; 40], Duration::from_millis(250));
    let answer = answer.expect("an answer before the body is complete");
    assert_eq!(answer.status, 408, "{}", answer.head);
    assert_eq!(answer.header("connection").as_deref(), Some("close"));
    assert_eq!(answer.header("content-type").as_deref(), Some("application/problem+json"));
    assert!(String::from_utf8_lossy(&answer.body).contains("did not arrive in time"));
    assert_closed(stream);
    assert_eq!(std::fs::read(dir.path().join("doc.txt")).unwrap(), b"old");
    assert_eq!(serve.log_of("PUT"), ["PUT /doc.txt 408"]);
    // A body that arrives at once is still welcome.
    assert_eq!(request(&serve, "PUT", "/doc.txt", &[], b"new").status, 204);
    assert_eq!(std::fs::read(dir.path().join("doc.txt")).unwrap(), b"new");
}

#[test]
fn a_trickling_head_gets_408_and_an_idle_connection_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(dir.path(), &["--header-timeout", "1"]);
    let (answer, stream) = trickle(
        &serve,
        "GET / HTTP/1.1\r\nHost: t\r\n",
        b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        Duration::from_millis(250),
    );
    let answer = answer.expect("an answer before the head is complete");
    assert_eq!(answer.status, 408, "{}", answer.head);
    assert_eq!(answer.header("connection").as_deref(), Some("close"));
    assert!(String::from_utf8_lossy(&answer.body).contains("header timeout"));
    assert_closed(stream);
    // A connection that never sends anything is closed without a word (RFC 9112 §9.5): a 408
    // there could be taken for the answer to a request sent at the same moment.
    let idle = connect(&serve);
    assert_closed(idle);
    // So is one kept alive after an exchange.
    let mut kept = connect(&serve);
    kept.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    assert_eq!(read_answer(&mut kept, false).unwrap().status, 200);
    assert_closed(kept);
    assert_eq!(request(&serve, "GET", "/", &[], b"").status, 200);
}

#[test]
fn connections_over_the_limit_get_503_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "a").unwrap();
    let serve = Serve::start(dir.path(), &["--max-connections", "2", "--quiet"]);
    // Two kept-alive connections, each known to be served (it answered).
    let mut kept: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = connect(&serve);
            s.write_all(b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
            assert_eq!(read_answer(&mut s, false).unwrap().status, 200);
            s
        })
        .collect();
    for _ in 0..3 {
        let over = request(&serve, "GET", "/a.txt", &[], b"");
        assert_eq!(over.status, 503, "{}", over.head);
        assert_eq!(over.header("retry-after").as_deref(), Some("1"));
        assert!(String::from_utf8_lossy(&over.body).contains("limit of 2 connections"));
    }
    // The kept ones still work, and a closed one frees its place.
    let mut first = kept.remove(0);
    first.write_all(b"GET /a.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").unwrap();
    assert_eq!(read_answer(&mut first, false).unwrap().status, 200);
    assert_closed(first);
    let mut status = 0;
    for _ in 0..100 {
        // The server notices the close asynchronously: retry for a while (bounded).
        status = request(&serve, "GET", "/a.txt", &[], b"").status;
        if status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(status, 200);
}

/// A served directory `root` beside `outside`, which holds `secret.txt`.
fn root_beside_outside() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let top = tempfile::tempdir().unwrap();
    let root = top.path().join("root");
    let outside = top.path().join("outside");
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "OUTSIDE").unwrap();
    std::fs::write(root.join("docs/doc.txt"), "inside").unwrap();
    (top, root, outside)
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn symlinks_that_leave_the_directory_are_refused_and_those_inside_followed() {
    use std::os::unix::fs::symlink;
    let (_top, root, outside) = root_beside_outside();
    // Links out, where a path component is and where the file is; relative and absolute.
    symlink(&outside, root.join("abs-out")).unwrap();
    symlink("../outside", root.join("rel-out")).unwrap();
    symlink("../../outside/secret.txt", root.join("docs/secret.txt")).unwrap();
    symlink("docs/../..", root.join("sneaky")).unwrap();
    // Links that stay inside: followed, whatever their spelling.
    symlink("docs", root.join("rel-in")).unwrap();
    symlink(root.canonicalize().unwrap().join("docs/doc.txt"), root.join("abs-in.txt")).unwrap();
    symlink("nothing-here", root.join("dangling")).unwrap();
    let serve = Serve::start(&root, &["--quiet"]);
    for path in
        ["/abs-out/secret.txt", "/rel-out/secret.txt", "/docs/secret.txt", "/sneaky/outside/secret.txt"]
    {
        let got = request(&serve, "GET", path, &[], b"");
        assert_eq!(got.status, 403, "GET {path}: {}", got.head);
        assert!(!String::from_utf8_lossy(&got.body).contains("OUTSIDE"), "{path}");
    }
    for path in ["/abs-out/new.txt", "/rel-out/deeper/new.txt", "/docs/secret.txt", "/dangling"] {
        let put = request(&serve, "PUT", path, &[], b"planted");
        assert_eq!(put.status, 403, "PUT {path}: {}", put.head);
    }
    assert_eq!(request(&serve, "DELETE", "/docs/secret.txt", &[], b"").status, 403);
    assert_eq!(names_in(&outside), ["secret.txt"], "nothing was created outside");
    assert_eq!(std::fs::read(outside.join("secret.txt")).unwrap(), b"OUTSIDE");

    assert_eq!(request(&serve, "GET", "/rel-in/doc.txt", &[], b"").body, b"inside");
    let got = request(&serve, "GET", "/abs-in.txt", &[], b"");
    assert_eq!((got.status, got.body.as_slice()), (200, &b"inside"[..]));
    // A write through a link replaces the file it names; the link stays a link.
    let put = request(&serve, "PUT", "/abs-in.txt", &[("If-Match", &got.header("etag").unwrap())], b"v2");
    assert_eq!(put.status, 204, "{}", put.head);
    assert_eq!(std::fs::read(root.join("docs/doc.txt")).unwrap(), b"v2");
    assert!(std::fs::symlink_metadata(root.join("abs-in.txt")).unwrap().file_type().is_symlink());
    assert_eq!(request(&serve, "PUT", "/rel-in/new/made.txt", &[], b"made").status, 201);
    assert_eq!(std::fs::read(root.join("docs/new/made.txt")).unwrap(), b"made");
}

/// A directory on the way to the file is replaced, again and again, by a symlink to a
/// directory outside, while GETs and PUTs go through it. Whatever the timing, no GET may
/// read outside and no PUT may create anything there. Bounded: 4 clients × 400 requests.
#[cfg(target_os = "linux")]
#[test]
fn a_symlink_swapped_in_during_requests_never_leads_outside() {
    use std::os::unix::fs::symlink;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (_top, root, outside) = root_beside_outside();
    std::fs::write(outside.join("doc.txt"), "OUTSIDE").unwrap();
    let serve = Serve::start(&root, &["--quiet"]);
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let swapper = {
        let (root, outside, stop) = (root.clone(), outside.clone(), stop.clone());
        std::thread::spawn(move || {
            // The directory and a symlink to outside trade places atomically (RENAME_EXCHANGE),
            // so `docs` always exists, as one or the other.
            let (docs, link) = (root.join("docs"), root.join("docs-link"));
            symlink(&outside, &link).unwrap();
            let mut swaps = 0u32;
            let cwd = rustix::fs::CWD;
            let exchange = rustix::fs::RenameFlags::EXCHANGE;
            while !stop.load(Ordering::Relaxed) {
                rustix::fs::renameat_with(cwd, &docs, cwd, &link, exchange).unwrap();
                std::thread::yield_now();
                rustix::fs::renameat_with(cwd, &docs, cwd, &link, exchange).unwrap();
                std::thread::yield_now();
                swaps += 1;
            }
            swaps
        })
    };
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let base = serve.base.clone();
            std::thread::spawn(move || {
                let mut leaks = Vec::new();
                for i in 0..400 {
                    let (method, path, body): (&str, String, &[u8]) = match i % 3 {
                        0 => ("GET", "/docs/doc.txt".into(), b""),
                        1 => ("PUT", format!("/docs/c{c}-{i}.txt"), b"planted"),
                        _ => ("PUT", format!("/docs/sub{c}/n{i}.txt"), b"planted"),
                    };
                    let got = request_to(&base, method, &path, &[], body);
                    if String::from_utf8_lossy(&got.body).contains("OUTSIDE") {
                        leaks.push(format!("{method} {path} read the outside file"));
                    }
                }
                leaks
            })
        })
        .collect();
    let leaks: Vec<String> = clients.into_iter().flat_map(|c| c.join().unwrap()).collect();
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    assert!(swaps > 0);
    assert!(leaks.is_empty(), "{} reads outside the directory, e.g. {:?}", leaks.len(), leaks.first());
    assert_eq!(names_in(&outside), ["doc.txt", "secret.txt"], "files created outside the directory");
}

#[test]
fn stale_temp_files_of_a_killed_server_are_swept_at_start() {
    use std::os::unix::fs::symlink;
    let (_top, root, outside) = root_beside_outside();
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let temp = |rel: &str, mtime: SystemTime| {
        let path = root.join(rel);
        std::fs::write(&path, "half a body").unwrap();
        set_mtime(&path, mtime);
        path
    };
    // Left by a killed server: old and unlocked, at the top and deeper down.
    temp(".ifmatch-tmp-0123456789abcdef", hour_ago);
    temp("docs/.ifmatch-tmp-fedcba9876543210", hour_ago);
    // Not stale: just written (its server may not have locked it yet), or locked by a live
    // process (this one).
    temp(".ifmatch-tmp-fresh", SystemTime::now());
    let held = temp("docs/.ifmatch-tmp-held", hour_ago);
    let lock = std::fs::File::open(&held).unwrap();
    lock.lock().unwrap();
    // Never followed: a link by that name, and a directory outside reached by a link.
    std::fs::write(outside.join(".ifmatch-tmp-outside"), "not ours").unwrap();
    set_mtime(&outside.join(".ifmatch-tmp-outside"), hour_ago);
    symlink(outside.join(".ifmatch-tmp-outside"), root.join(".ifmatch-tmp-link")).unwrap();
    symlink(&outside, root.join("out")).unwrap();

    let serve = Serve::start(&root, &[]);
    assert_eq!(names_in(&root), [".ifmatch-tmp-fresh", ".ifmatch-tmp-link", "docs", "out"]);
    assert_eq!(names_in(&root.join("docs")), [".ifmatch-tmp-held", "doc.txt"]);
    assert_eq!(names_in(&outside), [".ifmatch-tmp-outside", "secret.txt"]);
    let log = serve.log();
    assert!(
        log.iter().any(|l| l == "ifmatch: removed 2 stale temp files left by an interrupted write"),
        "{log:?}"
    );
    drop(lock);
}
