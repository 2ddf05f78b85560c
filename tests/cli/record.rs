//! What a successful write records: the validators of the response, and whether the next write
//! must refetch first (stale) — when the response leaves no usable validator, or was 202
//! Accepted. And the media type a PATCH is sent with.

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

fn server_with_doc(quirks: Quirks) -> (FakeServer, String) {
    FakeServer::with_json_doc(quirks, DOC)
}

fn stale(env: &Env, url: &str) -> bool {
    let show: serde_json::Value =
        serde_json::from_slice(&env.run(&["state", "show", url, "--json"]).stdout).unwrap();
    show["stale"].as_bool().unwrap()
}

fn methods_since(server: &FakeServer, before: usize) -> Vec<String> {
    server.requests()[before..].iter().map(|r| r.method.clone()).collect()
}

#[test]
fn a_202_accepted_write_is_stale() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks { write_status: Some(202), ..Quirks::default() });
    assert_code(&env.run(&["get", &url]), 0);
    let out = env.run_with_stdin(&["put", &url], b"{\"replicas\": 2}\n");
    assert_code(&out, 0);
    assert!(stderr(&out).contains("202 Accepted: the change is not applied yet"), "{}", stderr(&out));
    assert!(stale(&env, &url), "a 202's ETag does not describe an applied change");
    let before = server.requests().len();
    assert_code(&env.run_with_stdin(&["put", &url], b"{\"replicas\": 3}\n"), 0);
    assert_eq!(methods_since(&server, before), ["GET", "PUT"], "the next write refetches first");

    // apply records the same way.
    let env = Env::new();
    let (_server, url) = server_with_doc(Quirks { write_status: Some(202), ..Quirks::default() });
    assert_code(&env.run(&["apply", &url, "--", "sed", "s/1/4/"]), 0);
    assert!(stale(&env, &url));
}

#[test]
fn last_modified_alone_is_a_usable_validator() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks { no_etag: true, ..Quirks::default() });
    assert_code(&env.run(&["get", &url]), 0);
    assert_code(&env.run_with_stdin(&["put", &url], b"{\"replicas\": 2}\n"), 0);
    assert!(!stale(&env, &url), "Last-Modified from the response is usable");
    let before = server.requests().len();
    let out = env.run_with_stdin(&["put", &url], b"{\"replicas\": 3}\n");
    assert_code(&out, 0);
    assert_eq!(methods_since(&server, before), ["PUT"], "no refetch");
    let put = server.requests_with("PUT").pop().unwrap();
    assert!(put.header("if-unmodified-since").is_some());
}

#[test]
fn a_weak_etag_alone_is_not_a_usable_validator() {
    let env = Env::new();
    let quirks = Quirks { weak_etags: true, no_last_modified: true, ..Quirks::default() };
    let (server, url) = server_with_doc(quirks);
    assert_code(&env.run(&["get", &url]), 0);
    let out = env.run_with_stdin(&["put", &url, "--force"], b"{\"replicas\": 2}\n");
    assert_code(&out, 0);
    assert!(stderr(&out).contains("only a weak ETag in the response"), "{}", stderr(&out));
    assert!(stale(&env, &url));
    let before = server.requests().len();
    assert_code(&env.run_with_stdin(&["put", &url, "--force"], b"{\"replicas\": 3}\n"), 0);
    assert_eq!(methods_since(&server, before), ["GET", "PUT"], "the next write refetches first");
}

#[test]
fn a_patch_is_sent_with_the_patch_media_type_whatever_the_user_header() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    assert_code(&env.run(&["get", &url]), 0);
    let out = env.run_with_stdin(
        &["put", &url, "--patch", "merge", "-H", "Content-Type: application/json"],
        b"{\n  \"name\": \"demo\",\n  \"replicas\": 2\n}\n",
    );
    assert_code(&out, 0);
    let patch = &server.requests_with("PATCH")[0];
    let types: Vec<_> = patch
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v)
        .collect();
    assert_eq!(types, ["application/merge-patch+json"]);
    let now: serde_json::Value = serde_json::from_slice(&server.body("/doc.json").unwrap()).unwrap();
    assert_eq!(now, serde_json::json!({"name": "demo", "replicas": 2}));
}

#[test]
fn a_write_the_store_cannot_record_is_still_a_success() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    assert_code(&env.run(&["get", &url]), 0);
    // Another process holds the store's lock for longer than this run waits.
    let lock = std::fs::OpenOptions::new().write(true).open(env.state_dir().join("lock")).unwrap();
    lock.lock().unwrap();
    let out = env
        .cmd(&["put", &url, "-"])
        .env("IFMATCH_LOCK_TIMEOUT", "0.2")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"{\"a\": 2}\n")?;
            child.wait_with_output()
        })
        .unwrap();
    lock.unlock().unwrap();
    assert_code(&out, 0);
    assert!(stderr(&out).contains("could not record it"), "{}", stderr(&out));
    assert_eq!(server.body("/doc.json").unwrap(), b"{\"a\": 2}\n");
    assert!(env.recovered().is_empty(), "nothing to resume: the text is on the server");
}
