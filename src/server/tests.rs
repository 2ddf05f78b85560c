//! End-to-end tests of the server over real TCP on 127.0.0.1:0, speaking raw HTTP/1.1 so that
//! what goes over the wire (including malformed or cut-short requests) is exactly what the
//! test wrote. Each test gets its own temp directory and server task.

use std::net::SocketAddr;
use std::path::Path;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{ServeConfig, Server};

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    fn etag(&self) -> String {
        self.header("etag").expect("an ETag header").to_string()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn config(dir: &Path) -> ServeConfig {
    ServeConfig { max_body: 1024, quiet: true, ..ServeConfig::new(dir.to_path_buf()) }
}

async fn start_with(dir: &Path, tweak: impl FnOnce(&mut ServeConfig)) -> SocketAddr {
    let mut cfg = config(dir);
    tweak(&mut cfg);
    let server = Server::bind(cfg).await.expect("bind");
    assert!(server.url().starts_with("http://127.0.0.1:"));
    let addr = server.local_addr();
    tokio::spawn(server.run());
    addr
}

async fn raw(addr: SocketAddr, bytes: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(bytes).await.expect("send");
    let mut buf = Vec::new();
    // The server may reset after answering early (413 before the body); keep what arrived.
    let _ = stream.read_to_end(&mut buf).await;
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply { status, headers, body: buf[split + 4..].to_vec() }
}

async fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "PUT" || method == "PATCH" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    req.push_str(body);
    raw(addr, req.as_bytes()).await
}

#[tokio::test]
async fn bind_refuses_a_missing_or_non_directory() {
    let dir = tempfile::tempdir().unwrap();
    assert!(Server::bind(config(&dir.path().join("nope"))).await.is_err());
    std::fs::write(dir.path().join("f"), "x").unwrap();
    let err = Server::bind(config(&dir.path().join("f"))).await.unwrap_err();
    assert!(err.to_string().contains("not a directory"), "{err}");
}

#[tokio::test]
async fn get_put_and_stale_if_match() {
    let dir = tempfile::tempdir().unwrap();
    let addr = start_with(dir.path(), |_| {}).await;
    let created = send(addr, "PUT", "/docs/doc.json", &[], "{\"a\":1}").await;
    assert_eq!(created.status, 201);
    let v1 = created.etag();
    assert_eq!(v1.len(), 34, "{v1}");
    let got = send(addr, "GET", "/docs/doc.json", &[], "").await;
    assert_eq!((got.status, got.etag(), got.text()), (200, v1.clone(), "{\"a\":1}".to_string()));
    assert_eq!(got.header("content-type"), Some("application/json"));
    assert_eq!(got.header("accept-patch"), Some("application/merge-patch+json, application/json-patch+json"));
    assert!(
        got.header("last-modified").is_some() && got.header("allow").is_some_and(|a| a.contains("PATCH"))
    );

    let put = send(addr, "PUT", "/docs/doc.json", &[("If-Match", &v1)], "{\"a\":2}").await;
    assert_eq!(put.status, 204);
    let v2 = put.etag();
    assert_ne!(v1, v2);
    assert!(put.header("last-modified").is_some());
    assert_eq!(send(addr, "GET", "/docs/doc.json", &[], "").await.etag(), v2);

    let stale = send(addr, "PUT", "/docs/doc.json", &[("If-Match", &v1)], "{\"a\":3}").await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.header("content-type"), Some("application/problem+json"));
    assert_eq!(stale.etag(), v2);
    let p = stale.json();
    assert_eq!(p["type"], "about:blank");
    assert_eq!(p["title"], "Precondition Failed");
    assert_eq!(p["status"], 412);
    assert_eq!(p["precondition"], "If-Match");
    assert_eq!(p["current_etag"], v2.as_str());
    assert_eq!(p["detail"], format!("If-Match {v1} does not match the current ETag {v2}"));
    assert_eq!(std::fs::read_to_string(dir.path().join("docs/doc.json")).unwrap(), "{\"a\":2}");

    // If-Match on a resource that does not exist: 412 with a null current_etag.
    let gone = send(addr, "PUT", "/new.json", &[("If-Match", &v2)], "{}").await;
    assert_eq!((gone.status, gone.json()["current_etag"].clone()), (412, Value::Null));
    // Malformed entity-tag list: 400, not a silent mismatch.
    assert_eq!(send(addr, "PUT", "/docs/doc.json", &[("If-Match", "abc")], "x").await.status, 400);
    // Prefer: return=representation.
    let v3 =
        send(addr, "PUT", "/docs/doc.json", &[("If-Match", &v2), ("Prefer", "return=representation")], "[1]")
            .await;
    assert_eq!((v3.status, v3.text()), (200, "[1]".to_string()));
    assert_eq!(v3.header("preference-applied"), Some("return=representation"));
}

#[tokio::test]
async fn conditional_gets_head_options_delete() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.txt"), "hello\n").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let addr = start_with(dir.path(), |_| {}).await;
    let got = send(addr, "GET", "/n.txt", &[], "").await;
    let (etag, lm) = (got.etag(), got.header("last-modified").unwrap().to_string());
    assert_eq!(got.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(got.header("accept-patch"), None);
    let nm = send(addr, "GET", "/n.txt", &[("If-None-Match", &format!("\"x\", W/{etag}"))], "").await;
    assert_eq!((nm.status, nm.etag(), nm.body.len()), (304, etag.clone(), 0));
    assert_eq!(send(addr, "GET", "/n.txt", &[("If-Modified-Since", &lm)], "").await.status, 304);
    assert_eq!(send(addr, "GET", "/n.txt", &[("If-Match", "\"nope\"")], "").await.status, 412);
    let head = send(addr, "HEAD", "/n.txt", &[], "").await;
    assert_eq!((head.status, head.header("content-length"), head.body.len()), (200, Some("6"), 0));
    let listing = send(addr, "GET", "/", &[], "").await;
    assert_eq!((listing.status, listing.text()), (200, "n.txt\nsub/\n".to_string()));
    assert_eq!(send(addr, "GET", "/n.txt/", &[], "").await.status, 404);
    assert_eq!(send(addr, "GET", "/missing", &[("If-Match", "\"x\"")], "").await.status, 404);
    let opts = send(addr, "OPTIONS", "/a.json", &[], "").await;
    assert_eq!(opts.status, 204);
    assert!(opts.header("allow").is_some_and(|a| a.contains("PUT")) && opts.header("accept-patch").is_some());
    let bad = send(addr, "PROPFIND", "/n.txt", &[], "").await;
    assert_eq!((bad.status, bad.header("allow").is_some()), (405, true));
    assert_eq!(send(addr, "PUT", "/sub", &[], "x").await.status, 405);
    assert_eq!(send(addr, "DELETE", "/n.txt", &[("If-Match", "\"old\"")], "").await.status, 412);
    assert_eq!(send(addr, "DELETE", "/n.txt", &[("If-Match", &etag)], "").await.status, 204);
    assert_eq!(send(addr, "GET", "/n.txt", &[], "").await.status, 404);
    assert_eq!(send(addr, "DELETE", "/n.txt", &[], "").await.status, 404);
    let star = raw(addr, b"OPTIONS * HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await;
    assert_eq!((star.status, star.header("accept-patch").is_some()), (204, true));
    std::fs::write(dir.path().join("file"), "f").unwrap();
    assert_eq!(send(addr, "PUT", "/file/below.txt", &[], "x").await.status, 409);
}

#[tokio::test]
async fn a_doomed_upload_is_refused_before_its_body() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("e.txt"), "v1").unwrap();
    let addr = start_with(dir.path(), |_| {}).await;
    // No body follows: the 412 must come without waiting for it (RFC 9110 §10.1.1).
    let head = "PUT /e.txt HTTP/1.1\r\nHost: t\r\nIf-Match: \"stale\"\r\nExpect: 100-continue\r\n\
                Content-Length: 500\r\nConnection: close\r\n\r\n";
    let reply = tokio::time::timeout(std::time::Duration::from_secs(5), raw(addr, head.as_bytes())).await;
    assert_eq!(reply.expect("an answer before the body").status, 412);
}

#[tokio::test]
async fn weak_etags_never_satisfy_if_match() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.json"), "{}").unwrap();
    let addr = start_with(dir.path(), |c| c.weak_etags = true).await;
    let got = send(addr, "GET", "/d.json", &[], "").await;
    let weak = got.etag();
    assert!(weak.starts_with("W/\""), "{weak}");
    for tag in [weak.as_str(), &weak[2..]] {
        let r = send(addr, "PUT", "/d.json", &[("If-Match", tag)], "{\"x\":1}").await;
        assert_eq!(r.status, 412, "{tag}");
        assert!(r.json()["detail"].as_str().unwrap().contains("strong comparison"));
    }
    let lm = got.header("last-modified").unwrap().to_string();
    assert_eq!(send(addr, "PUT", "/d.json", &[("If-Unmodified-Since", &lm)], "{\"x\":1}").await.status, 204);
    assert_eq!(send(addr, "PUT", "/d.json", &[("If-Match", "*")], "{\"x\":2}").await.status, 204);
}

#[tokio::test]
async fn require_precondition_answers_428() {
    let dir = tempfile::tempdir().unwrap();
    let addr = start_with(dir.path(), |c| c.require_precondition = true).await;
    let r = send(addr, "PUT", "/a.txt", &[], "x").await;
    assert_eq!(r.status, 428);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert!(r.json()["detail"].as_str().unwrap().contains("If-Match"));
    assert_eq!(send(addr, "PUT", "/a.txt", &[("If-Unmodified-Since", "junk")], "x").await.status, 428);
    let created = send(addr, "PUT", "/a.txt", &[("If-None-Match", "*")], "x").await;
    assert_eq!(created.status, 201);
    let again = send(addr, "PUT", "/a.txt", &[("If-None-Match", "*")], "y").await;
    assert_eq!((again.status, again.json()["precondition"].clone()), (412, Value::from("If-None-Match")));
    assert_eq!(send(addr, "DELETE", "/a.txt", &[], "").await.status, 428);
    assert_eq!(send(addr, "PATCH", "/a.txt", &[], "").await.status, 428);
    assert_eq!(send(addr, "GET", "/a.txt", &[], "").await.status, 200);
    assert_eq!(send(addr, "DELETE", "/a.txt", &[("If-Match", &created.etag())], "").await.status, 204);
}

#[tokio::test]
async fn concurrent_writers_exactly_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    // Not one of the bodies below: equal content would mean an equal ETag.
    std::fs::write(dir.path().join("c.json"), "{\"n\":-1}").unwrap();
    let addr = start_with(dir.path(), |_| {}).await;
    let etag = send(addr, "GET", "/c.json", &[], "").await.etag();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let etag = etag.clone();
        tasks.push(tokio::spawn(async move {
            let body = format!("{{\"n\":{i}}}");
            (send(addr, "PUT", "/c.json", &[("If-Match", &etag)], &body).await.status, body)
        }));
    }
    let mut winners = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            200..=299 => winners.push(body),
            412 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one writer must win");
    assert_eq!(std::fs::read_to_string(dir.path().join("c.json")).unwrap(), winners[0]);
}

#[cfg(unix)]
#[tokio::test]
async fn writers_through_a_symlink_share_the_file_lock() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.json"), "{\"n\":-1}").unwrap();
    std::os::unix::fs::symlink("c.json", dir.path().join("alias.json")).unwrap();
    let addr = start_with(dir.path(), |_| {}).await;
    let etag = send(addr, "GET", "/c.json", &[], "").await.etag();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let etag = etag.clone();
        let path = if i % 2 == 0 { "/c.json" } else { "/alias.json" };
        tasks.push(tokio::spawn(async move {
            send(addr, "PUT", path, &[("If-Match", &etag)], &format!("{{\"n\":{i}}}")).await.status
        }));
    }
    let mut wins = 0;
    for task in tasks {
        match task.await.unwrap() {
            200..=299 => wins += 1,
            412 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(wins, 1, "two names for one file must not both win");
}

#[tokio::test]
async fn traversal_and_symlinks_are_refused() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("root");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(outer.path().join("secret.txt"), "secret").unwrap();
    let addr = start_with(&root, |_| {}).await;
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/a/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/x%5c..%5csecret.txt",
        "/a%00",
    ] {
        let r = send(addr, "GET", path, &[], "").await;
        assert!(r.status == 403 || r.status == 400, "{path}: {}", r.status);
        assert!(!r.text().contains("secret\""), "{path}");
        assert!(matches!(send(addr, "PUT", path, &[], "pwned").await.status, 400 | 403), "{path}");
    }
    assert_eq!(std::fs::read_to_string(outer.path().join("secret.txt")).unwrap(), "secret");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outer.path(), root.join("up")).unwrap();
        assert_eq!(send(addr, "GET", "/up/secret.txt", &[], "").await.status, 403);
        assert_eq!(send(addr, "PUT", "/up/new.txt", &[], "x").await.status, 403);
        assert!(!outer.path().join("new.txt").exists());
    }
}

#[tokio::test]
async fn oversize_and_cut_short_bodies_leave_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), "old").unwrap();
    let addr = start_with(dir.path(), |c| c.max_body = 16).await;
    let big = "x".repeat(17);
    assert_eq!(send(addr, "PUT", "/f.txt", &[], &big).await.status, 413);
    let chunked = "PUT /f.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n\
                   a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n";
    assert_eq!(raw(addr, chunked.as_bytes()).await.status, 413);
    // Announce 16 bytes, send 5, hang up.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"PUT /f.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 16\r\n\r\nhello").await.unwrap();
    drop(stream);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let got = send(addr, "GET", "/f.txt", &[], "").await;
    assert_eq!((got.status, got.text()), (200, "old".to_string()));
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("f.txt")], "no temp file may be left behind");
}

#[tokio::test]
async fn patch_merge_and_json_patch() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.json"), "{\"a\":1,\"b\":{\"c\":2}}").unwrap();
    std::fs::write(dir.path().join("t.txt"), "text").unwrap();
    let addr = start_with(dir.path(), |_| {}).await;
    let v1 = send(addr, "GET", "/p.json", &[], "").await.etag();
    let merge = [("Content-Type", "application/merge-patch+json")];
    let r =
        send(addr, "PATCH", "/p.json", &[merge[0], ("If-Match", &v1)], "{\"b\":{\"c\":null,\"d\":3}}").await;
    assert_eq!(r.status, 204);
    let v2 = r.etag();
    let got = send(addr, "GET", "/p.json", &[], "").await;
    assert_eq!((got.text(), got.etag()), ("{\"a\":1,\"b\":{\"d\":3}}".to_string(), v2.clone()));
    assert_eq!(send(addr, "PATCH", "/p.json", &[merge[0], ("If-Match", &v1)], "{}").await.status, 412);

    let jp = ("Content-Type", "application/json-patch+json");
    let failing = send(
        addr,
        "PATCH",
        "/p.json",
        &[jp],
        r#"[{"op":"test","path":"/a","value":9},{"op":"remove","path":"/a"}]"#,
    )
    .await;
    assert_eq!((failing.status, failing.header("content-type")), (409, Some("application/problem+json")));
    assert!(failing.json()["detail"].as_str().unwrap().contains("test"));
    let ok = send(
        addr,
        "PATCH",
        "/p.json",
        &[jp],
        r#"[{"op":"test","path":"/a","value":1},{"op":"remove","path":"/a"}]"#,
    )
    .await;
    assert_eq!(ok.status, 204);
    assert_eq!(send(addr, "GET", "/p.json", &[], "").await.text(), "{\"b\":{\"d\":3}}");

    let wrong = send(addr, "PATCH", "/p.json", &[("Content-Type", "application/json")], "{}").await;
    assert_eq!((wrong.status, wrong.header("accept-patch").is_some()), (415, true));
    assert_eq!(send(addr, "PATCH", "/t.txt", &[merge[0]], "{}").await.status, 415);
    assert_eq!(send(addr, "PATCH", "/p.json", &[merge[0]], "{oops").await.status, 400);
    assert_eq!(send(addr, "PATCH", "/nope.json", &[merge[0]], "{}").await.status, 404);
}
