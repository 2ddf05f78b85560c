//! The conflict policy: `--yes` merges a clean merge and never overwrites a known concurrent
//! change, in the write cycle, in large streamed uploads and in `apply`; an explicit
//! `--on-conflict abort` wins over `--yes`; a blind `put --force` answered 428 is the one case
//! where `--yes` retries (with If-Match).

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const THEIRS: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";

fn server_with_doc() -> (FakeServer, String) {
    FakeServer::with_json_doc(Quirks::default(), DOC)
}

#[test]
fn yes_with_a_stale_if_match_and_no_base_aborts() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    server.put_resource("/doc.json", THEIRS, "application/json");
    for extra in [&["--yes"][..], &["--on-conflict", "abort", "--yes"], &["--on-conflict", "ask", "--yes"]] {
        let mut args = vec!["put", url.as_str(), "--if-match", "\"stale\""];
        args.extend_from_slice(extra);
        let out = env.run_with_stdin(&args, b"{\"mine\": true}\n");
        assert_code(&out, 3);
        assert!(stderr(&out).contains("never does"), "{}", stderr(&out));
        assert_eq!(server.body("/doc.json").unwrap(), THEIRS, "{extra:?}: their change survives");
    }
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 3, "one attempt each, no retry");
    assert!(puts.iter().all(|p| p.header("if-match") == Some("\"stale\"")));
}

#[test]
fn yes_merges_a_clean_merge_and_aborts_a_conflicted_one() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    assert_code(&env.run(&["get", &url]), 0);
    // They change "replicas" too: the merge conflicts.
    server.put_resource("/doc.json", b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n", "application/json");
    let out =
        env.run_with_stdin(&["put", &url, "--yes"], b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n");
    assert_code(&out, 3);
    assert!(stderr(&out).contains("only a person can merge them"), "{}", stderr(&out));
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n");
    assert_eq!(server.requests_with("PUT").len(), 1);

    // A change to another field merges cleanly: --yes retries with the merge and the fresh ETag.
    let env = Env::new();
    let (server, url) = server_with_doc();
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.json", THEIRS, "application/json");
    let out =
        env.run_with_stdin(&["put", &url, "--yes"], b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n");
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""));
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 3\n}\n");

    // An explicit abort wins over --yes even for a clean merge.
    let env = Env::new();
    let (server, url) = server_with_doc();
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.json", THEIRS, "application/json");
    let out = env.run_with_stdin(
        &["put", &url, "--yes", "--on-conflict", "abort"],
        b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n",
    );
    assert_code(&out, 3);
    assert_eq!(server.requests_with("PUT").len(), 1);
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
}

#[test]
fn a_large_upload_is_never_overwritten_by_yes() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let big: Vec<u8> = (0..9_000_000u32).map(|i| (i % 251) as u8).collect();
    let file = env.path("big.bin");
    std::fs::write(&file, &big).unwrap();
    let url = server.url("/big.bin");
    server.put_resource("/big.bin", b"theirs", "application/octet-stream");
    let file = file.to_str().unwrap();
    let out = env.run(&["put", &url, file, "--if-match", "\"stale\"", "--yes"]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("--on-conflict overwrite"), "{}", stderr(&out));
    assert_eq!(server.body("/big.bin").unwrap(), b"theirs");
    assert_eq!(server.requests_with("PUT").len(), 1);

    // A blind --force answered 428 has no known concurrent change: --yes retries with If-Match.
    let server = FakeServer::start(Quirks { require_precondition: true, ..Quirks::default() });
    server.put_resource("/big.bin", b"theirs", "application/octet-stream");
    let url = server.url("/big.bin");
    let out = env.run(&["put", &url, file, "--force"]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("--yes or --on-conflict overwrite"), "{}", stderr(&out));
    let out = env.run(&["put", &url, file, "--force", "--yes"]);
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 3);
    assert_eq!(puts[2].header("if-match"), Some("\"v1\""));
    assert!(server.body("/big.bin").unwrap() == big);
}

#[test]
fn apply_with_an_explicit_abort_stops_at_the_first_conflict() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    server.change_after(1, "/doc.json", THEIRS);
    let out = env.run(&[
        "apply",
        &url,
        "--on-conflict",
        "abort",
        "--",
        "sed",
        "s/\"replicas\": 1/\"replicas\": 3/",
    ]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("--on-conflict abort stops here"), "{}", stderr(&out));
    let methods: Vec<_> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["GET", "PUT"], "the command is not re-run");
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
}
