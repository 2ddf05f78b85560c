//! The precondition cases besides a plain 412: 409 as a version conflict (or not), 428 for an
//! unconditional write, and a weak ETag sent in If-Match, against the fake server and
//! `ifmatch serve`.

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::serve::Serve;
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const THEIRS: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 7\n}\n";

fn server_with_doc(quirks: Quirks) -> FakeServer {
    let server = FakeServer::start(quirks);
    server.put_resource("/doc.json", DOC, "application/json");
    server
}

fn serve_with_doc(env: &Env, extra: &[&str]) -> Serve {
    let docs = env.path("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("doc.json"), DOC).unwrap();
    Serve::start(&docs, extra)
}

#[test]
fn conflict_status_409_goes_through_the_merge_flow() {
    let env = Env::new();
    let server = server_with_doc(Quirks { conflict_status: Some(409), ..Quirks::default() });
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.json", THEIRS, "application/json");
    let out = env
        .run_with_stdin(&["put", &url, "--conflict-status", "409", "--on-conflict", "merge", "--json"], MINE);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("409 Conflict") && err.contains("base → theirs"), "{err}");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""));
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 7\n}\n");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "merged");
}

#[test]
fn a_409_without_conflict_status_exits_3_and_explains() {
    let env = Env::new();
    let server = server_with_doc(Quirks { conflict_status: Some(409), ..Quirks::default() });
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.json", THEIRS, "application/json");
    let out = env.run_with_stdin(&["put", &url, "--on-conflict", "merge"], MINE);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("answered 409 Conflict"), "{err}");
    assert!(err.contains("hint: if this API signals version conflicts with 409"), "{err}");
    assert!(err.contains("--conflict-status 409"), "{err}");
    assert_eq!(server.requests_with("PUT").len(), 1, "no retry");
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
    assert_eq!(env.recovered().len(), 1);
}

#[test]
fn a_428_to_a_forced_put_asks_for_yes_off_a_terminal() {
    let env = Env::new();
    let server = server_with_doc(Quirks { require_precondition: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    let out = env.run_with_stdin(&["put", &url, "--force"], MINE);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("428 Precondition Required"), "{err}");
    assert!(
        err.contains("theirs → mine") && err.contains("+  \"replicas\": 7"),
        "shows what would change: {err}"
    );
    assert!(err.contains("run again with --yes"), "{err}");
    assert_eq!(server.body("/doc.json").unwrap(), DOC);
    let methods: Vec<_> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["PUT", "GET"]);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), None);

    let out = env.run_with_stdin(&["put", &url, "--force", "--yes"], MINE);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("now with If-Match: \"v1\""), "{}", stderr(&out));
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 3);
    assert_eq!(puts[2].header("if-match"), Some("\"v1\""), "the retry is conditional");
    assert_eq!(server.body("/doc.json").unwrap(), MINE);
}

/// A server that wants a precondition but sends no validator to make one: every write stops at
/// its first 428, whether it is a put of a small body, a large file streamed from disk, or
/// `apply` (one write loop handles the 428 for all three), and nothing is written.
#[test]
fn a_428_from_a_server_without_validators_stops_every_write_at_once() {
    let env = Env::new();
    let server = server_with_doc(Quirks {
        require_precondition: true,
        no_etag: true,
        no_last_modified: true,
        ..Quirks::default()
    });
    let url = server.url("/doc.json");
    let big = env.path("big.bin");
    std::fs::write(&big, vec![b'x'; 9 << 20]).unwrap();
    let runs: [(&[&str], &[u8]); 3] = [
        (&["put", &url, "--force", "--yes"], MINE),
        (&["put", &url, big.to_str().unwrap(), "--force", "--yes"], b""),
        (&["apply", &url, "--force", "--", "sed", "s/demo/x/"], b""),
    ];
    for (n, (args, stdin)) in runs.into_iter().enumerate() {
        let out = env.run_with_stdin(args, stdin);
        assert_code(&out, 3);
        let err = stderr(&out);
        assert!(
            err.contains("sends neither ETag nor Last-Modified for a conditional write"),
            "{args:?}: {err}"
        );
        assert_eq!(server.requests_with("PUT").len(), n + 1, "{args:?}: one write, not retried: {err}");
    }
    assert_eq!(server.body("/doc.json").unwrap(), DOC);
}

#[test]
fn a_428_from_ifmatch_serve() {
    let env = Env::new();
    let serve = serve_with_doc(&env, &["--require-precondition"]);
    let url = serve.url("/doc.json");
    let out = env.run_with_stdin(&["put", &url, "--force"], MINE);
    assert_code(&out, 3);
    assert_eq!(std::fs::read(serve.dir.join("doc.json")).unwrap(), DOC);
    let out = env.run_with_stdin(&["put", &url, "--force", "--yes"], MINE);
    assert_code(&out, 0);
    let puts = serve.log_of("PUT");
    assert_eq!(puts.len(), 3, "{puts:?}");
    assert_eq!(puts[0], "PUT /doc.json 428");
    assert_eq!(puts[1], "PUT /doc.json 428");
    assert!(puts[2].starts_with("PUT /doc.json 204 if-match=\""), "{puts:?}");
    assert_eq!(std::fs::read(serve.dir.join("doc.json")).unwrap(), MINE);
}

#[test]
fn a_weak_etag_sent_anyway_is_diagnosed_not_looped_on() {
    let env = Env::new();
    let server = server_with_doc(Quirks { weak_etags: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url, "--weak-etag", "send"]), 0);
    let out = env.run_with_stdin(&["put", &url, "--weak-etag", "send", "--on-conflict", "merge"], MINE);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("answered 412 but its content did not change: a weak ETag was sent"), "{err}");
    assert!(err.contains("hint: weak ETags never match If-Match (RFC 9110 §13.1.1)"), "{err}");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1, "not retried");
    assert_eq!(puts[0].header("if-match"), Some("W/\"v1\""));
    assert_eq!(server.body("/doc.json").unwrap(), DOC);

    // The default falls back to If-Unmodified-Since, which this server honours.
    let out = env.run_with_stdin(&["put", &url], MINE);
    assert_code(&out, 0);
    assert!(server.requests_with("PUT")[1].header("if-unmodified-since").is_some());
}

#[test]
fn a_weak_etag_from_ifmatch_serve() {
    let env = Env::new();
    let serve = serve_with_doc(&env, &["--weak-etags"]);
    let url = serve.url("/doc.json");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 7");
    let out = env.run(&["edit", &url, "--weak-etag", "send"]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("a weak ETag was sent"), "{}", stderr(&out));
    let puts = serve.log_of("PUT");
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert!(puts[0].starts_with("PUT /doc.json 412 if-match=W/\""), "{puts:?}");
    assert_eq!(std::fs::read(serve.dir.join("doc.json")).unwrap(), DOC);
    assert_eq!(env.recovered().len(), 1, "the edit is kept");
}
