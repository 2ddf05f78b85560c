//! HTTP edge cases: what `--timeout` bounds, headers that would corrupt an edit, fetches that
//! are not 200, credentials in the URL, and headers that carry secrets.

use std::time::Duration;

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::raw::Raw;
use crate::support::{Env, assert_code, stderr, stdout};

#[test]
fn timeout_bounds_each_wait_not_the_whole_download() {
    let env = Env::new();
    // Ten pieces 300 ms apart: 2.7 s in all, never 1 s without data.
    let piece = b"0123456789\n".repeat(100);
    let server = Raw::start(
        "HTTP/1.1 200 OK\r\nETag: \"t\"\r\nContent-Type: text/plain",
        vec![piece.clone(); 10],
        Duration::from_millis(300),
    );
    let out = env.run(&["get", &server.url("/slow.txt"), "--timeout", "1"]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, piece.repeat(10));

    // A server that stalls longer than --timeout is given up on.
    let stalled = Raw::start(
        "HTTP/1.1 200 OK\r\nETag: \"t\"\r\nContent-Type: text/plain",
        vec![b"a".to_vec(), b"b".to_vec()],
        Duration::from_secs(5),
    );
    let out = env.run(&["get", &stalled.url("/stalled.txt"), "--timeout", "0.5"]);
    assert_code(&out, 7);
    assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
}

#[test]
fn headers_that_change_what_a_fetch_returns_are_refused() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", b"{}", "application/json");
    for header in [
        "Range: bytes=0-1",
        "If-Range: \"v1\"",
        "If-None-Match: \"v1\"",
        "If-Modified-Since: Tue, 15 Nov 1994 08:12:31 GMT",
    ] {
        let out = env.run(&["edit", &server.url("/doc.json"), "-H", header]);
        assert_code(&out, 2);
        let name = header.split(':').next().unwrap();
        assert!(stderr(&out).contains(name), "{header}: {}", stderr(&out));
    }
    assert!(server.requests().is_empty());
}

#[test]
fn a_fetch_that_is_not_200_is_not_taken_for_the_body() {
    let env = Env::new();
    let partial = Raw::start(
        "HTTP/1.1 206 Partial Content\r\nETag: \"t\"\r\nContent-Range: bytes 0-1/10\r\nContent-Type: text/plain",
        vec![b"ab".to_vec()],
        Duration::ZERO,
    );
    let out = env.run(&["get", &partial.url("/doc.txt")]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("answered 206 Partial Content to a GET"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let empty = Raw::start("HTTP/1.1 204 No Content\r\nETag: \"t\"", vec![], Duration::ZERO);
    let out = env.run(&["edit", &empty.url("/doc.txt")]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("needs 200 OK"), "{}", stderr(&out));
    assert_eq!(env.editor_runs(), 0);
    assert_eq!(std::fs::read_dir(env.state_dir().join("records")).unwrap().count(), 0);
}

#[test]
fn credentials_in_the_url_become_basic_auth_and_go_nowhere_else() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", b"{\"a\":1}", "application/json");
    let url = format!("http://alice:pa%40ss@127.0.0.1:{}/doc.json", server.port);
    let file = env.path("doc.json");
    let out = env.run(&["get", &url, "-v", "--json", "-o", file.to_str().unwrap()]);
    assert_code(&out, 0);
    assert_eq!(server.requests()[0].header("authorization"), Some("Basic YWxpY2U6cGFAc3M="));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["url"], server.url("/doc.json"));
    assert!(!stderr(&out).contains("alice") && !stderr(&out).contains("pa%40ss"), "{}", stderr(&out));
    let list = stdout(&env.run(&["state", "list"]));
    assert!(list.starts_with(&server.url("/doc.json")), "{list}");
    for path in crate::support::files_under(&env.state_dir()) {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        assert!(
            !text.contains("alice") && !text.contains("pa%40ss") && !text.contains("pa@ss"),
            "{}",
            path.display()
        );
    }
    // put finds the record stored under the plain URL, and sends the same credentials.
    let out = env.run_with_stdin(&["put", &url], b"{\"a\":2}");
    assert_code(&out, 0);
    assert_eq!(server.requests_with("PUT")[0].header("authorization"), Some("Basic YWxpY2U6cGFAc3M="));
    assert!(!stderr(&out).contains("alice"), "{}", stderr(&out));
    // -u wins over the URL's, and says so.
    let out = env.run(&["get", &url, "-u", "bob:x", "-o", file.to_str().unwrap()]);
    assert_code(&out, 0);
    assert_eq!(server.requests().last().unwrap().header("authorization"), Some("Basic Ym9iOng="));
    assert!(stderr(&out).contains("the URL's are not used"), "{}", stderr(&out));
}

#[test]
fn headers_named_like_secrets_are_redacted_and_stay_on_their_origin() {
    let env = Env::new();
    let origin = FakeServer::start(Quirks::default());
    let other = FakeServer::start(Quirks::default());
    other.put_resource("/doc", b"moved\n", "text/plain");
    origin.put_resource("/same", b"same\n", "text/plain");
    origin.redirect("/doc", 302, &other.url("/doc"));
    origin.redirect("/old", 301, "/same");
    let args = ["-H", "X-API-Key: k3y-value", "-H", "X-Auth-Token: t0ken-value", "-H", "X-Trace: visible"];

    let out = env.run(&[&["get", &origin.url("/doc"), "-v"][..], &args].concat());
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("x-api-key: <redacted>") && err.contains("x-auth-token: <redacted>"), "{err}");
    assert!(!err.contains("k3y-value") && !err.contains("t0ken-value"), "{err}");
    assert!(err.contains("x-trace: visible"), "{err}");
    assert_eq!(origin.requests()[0].header("x-api-key"), Some("k3y-value"));
    let moved = &other.requests()[0];
    assert_eq!(
        (moved.header("x-api-key"), moved.header("x-auth-token")),
        (None, None),
        "not sent to another origin"
    );
    assert_eq!(moved.header("x-trace"), Some("visible"));

    let out = env.run(&[&["get", &origin.url("/old")][..], &args].concat());
    assert_code(&out, 0);
    let last = origin.requests().pop().unwrap();
    assert_eq!(
        (last.path.as_str(), last.header("x-api-key")),
        ("/same", Some("k3y-value")),
        "same origin keeps them"
    );
}
