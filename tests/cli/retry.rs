//! `--retry`, `--retry-max-time` and `--max-time` against a fault server: transient failures
//! are retried, reads always and writes only while they carry a precondition; a write applied
//! but unanswered ends as success through the already-applied check, applied once. No test
//! asserts on timing: waits are cut short with `--retry-max-time`, or are the server's one
//! second.

use std::process::Stdio;
use std::time::Duration;

use crate::support::fake_server::{FakeServer, Fault, Quirks};
use crate::support::raw::Raw;
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const EDITED: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n";

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// `get URL -o FILE`, so that a later `put URL FILE` writes with the stored If-Match.
fn fetched(env: &Env, url: &str) -> String {
    let file = env.path("doc.json");
    assert_code(&env.run(&["get", url, "-o", file.to_str().unwrap()]), 0);
    std::fs::write(&file, EDITED).unwrap();
    file.to_str().unwrap().to_string()
}

#[test]
fn a_503_with_retry_after_is_waited_out_then_the_get_succeeds() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    server.fault("GET", Fault::Status(503, Some("1")));
    let file = env.path("out.json");
    let out = env.run(&["get", &url, "-o", file.to_str().unwrap(), "--json", "--retry", "2"]);
    assert_code(&out, 0);
    assert_eq!(std::fs::read(&file).unwrap(), DOC);
    assert_eq!(server.requests_with("GET").len(), 2);
    let err = stderr(&out);
    assert!(
        err.contains("503 Service Unavailable; retrying in 1.0 s (the server's Retry-After), attempt 2 of 3"),
        "{err}"
    );
    assert_eq!(err.matches("retrying").count(), 1, "one line per retry: {err}");
    let report = json(&out);
    assert_eq!(report["outcome"], "fetched");
    assert_eq!(report["retries"], serde_json::json!([{ "status": 503, "error": null, "waited_ms": 1000 }]));

    // -q: the retry happens, and says nothing.
    server.fault("GET", Fault::Status(503, Some("0")));
    let out = env.run(&["get", &url, "-q", "--retry", "2"]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, DOC);
    assert_eq!(server.requests_with("GET").len(), 4);
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_retry_after_date_is_cut_to_retry_max_time() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    server.fault("GET", Fault::Status(503, Some("Fri, 31 Dec 2100 23:59:59 GMT")));
    let file = env.path("out.json");
    let out =
        env.run(&["get", &url, "-o", file.to_str().unwrap(), "--retry", "1", "--retry-max-time", "0.1"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("cut to --retry-max-time"), "{}", stderr(&out));
    assert_eq!(server.requests_with("GET").len(), 2);
}

#[test]
fn a_429_to_a_put_is_retried_and_the_change_applied_once() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = fetched(&env, &url);
    server.fault("PUT", Fault::Status(429, Some("1")));
    let out = env.run(&["put", &url, &file, "--json", "--retry", "3"]);
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    for put in &puts {
        assert_eq!(put.header("if-match"), Some("\"v1\""), "the retry carries the same precondition");
        assert_eq!(put.body, EDITED);
    }
    assert_eq!(server.body("/doc.json").unwrap(), EDITED);
    assert_eq!(server.etag("/doc.json"), "\"v2\"", "applied exactly once");
    let report = json(&out);
    assert_eq!(report["outcome"], "written");
    assert_eq!(report["retries"], serde_json::json!([{ "status": 429, "error": null, "waited_ms": 1000 }]));
    assert!(stderr(&out).contains("429 Too Many Requests; retrying in 1.0 s"), "{}", stderr(&out));
}

#[test]
fn a_put_applied_but_unanswered_is_retried_and_found_applied() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = fetched(&env, &url);
    server.fault("PUT", Fault::ApplyThenDrop);
    let out = env.run(&["put", &url, &file, "--json", "--retry", "2", "--retry-max-time", "0"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("the first attempt had already been applied"), "{err}");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[1].header("if-match"), Some("\"v1\""), "the retry is conditional, so it met 412");
    assert_eq!(server.etag("/doc.json"), "\"v2\"", "applied exactly once");
    assert_eq!(server.body("/doc.json").unwrap(), EDITED);
    let report = json(&out);
    assert_eq!(report["outcome"], "already_applied");
    assert_eq!(report["etag"], "\"v2\"");
    let retries = report["retries"].as_array().unwrap();
    assert_eq!(retries.len(), 1);
    assert!(retries[0]["status"].is_null() && retries[0]["error"].is_string(), "{retries:?}");
    assert!(env.recovered().is_empty(), "nothing left to resume");
}

#[test]
fn a_retried_write_that_meets_another_change_goes_through_the_412_flow() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = fetched(&env, &url);
    // The first PUT is refused (503); before the retry, someone else changes the document.
    server.fault("PUT", Fault::Status(503, None));
    let theirs = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
    server.change_after(server.requests().len() + 1, "/doc.json", theirs);
    let out =
        env.run(&["put", &url, &file, "--retry", "2", "--retry-max-time", "0", "--on-conflict", "abort"]);
    assert_code(&out, 3);
    assert_eq!(server.body("/doc.json").unwrap(), theirs, "their change is not overwritten");
    assert!(!stderr(&out).contains("already been applied"), "{}", stderr(&out));
    assert_eq!(env.recovered().len(), 1, "the text is kept");
}

/// Also when the command would not be run again (`--on-conflict abort`, `--retries 0`): the
/// write loop looks at what the server holds after a lost answer before the strategy may give
/// up, and never reports as a conflict a change that was made (a script would run it again).
/// `ifmatch apply URL OPTIONS --retry 2 --retry-max-time 0 -- CMD`, where CMD adds 1 to the
/// document's `n`: the change that must be applied exactly once.
fn apply_increment(env: &Env, url: &str, options: &[&str]) -> std::process::Output {
    const INCREMENT: &str = "import json,sys; d=json.load(sys.stdin); d['n']+=1; print(json.dumps(d))";
    let mut args = vec!["apply", url];
    args.extend(options);
    args.extend(["--retry", "2", "--retry-max-time", "0", "--", "python3", "-c", INCREMENT]);
    env.run(&args)
}

#[test]
fn apply_after_an_unanswered_write_does_not_apply_its_change_twice() {
    for policy in [&[][..], &["--on-conflict", "abort", "--retries", "0"]] {
        let env = Env::new();
        let (server, url) = FakeServer::with_json_doc(Quirks::default(), b"{\"n\": 1}\n");
        server.fault("PUT", Fault::ApplyThenDrop);
        let out = apply_increment(&env, &url, &[&["--json"][..], policy].concat());
        assert_code(&out, 0);
        assert_eq!(server.body("/doc.json").unwrap(), b"{\"n\": 2}\n", "incremented once, not twice");
        let err = stderr(&out);
        assert!(err.contains("the first attempt had already been applied"), "{policy:?}: {err}");
        assert_eq!(server.requests_with("PUT").len(), 2);
        assert_eq!(json(&out)["outcome"], "already_applied");
    }
}

/// A lost answer that turns out not to have been applied says nothing about later versions: when
/// another applier's identical output arrives during the pause before the next round, it is
/// their change, not this run's, and the command runs again on it (n goes from 1 to 3).
#[test]
fn apply_after_a_lost_answer_that_was_not_applied_still_runs_again_on_an_identical_change() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), b"{\"n\": 1}\n");
    // 1 GET; 2 PUT: a gateway's 502, not applied; someone touches the resource (same content, a
    // new ETag), so 3, the PUT's retry, meets 412; 4 GET finds the write was not applied; then
    // another applier writes the same output as ours before the next round's fetch.
    server.fault("PUT", Fault::Status(502, None));
    server.change_after(2, "/doc.json", b"{\"n\": 1}\n");
    server.change_after(4, "/doc.json", b"{\"n\": 2}\n");
    let out = apply_increment(&env, &url, &["--json"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(!err.contains("already been applied"), "{err}");
    assert_eq!(server.body("/doc.json").unwrap(), b"{\"n\": 3}\n", "both increments count: {err}");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 3, "{err}");
    // The last write is the command's output on the other applier's version, sent against it.
    assert_eq!(puts[2].body, b"{\"n\": 3}\n");
    assert!(puts[2].header("if-match").is_some() && puts[2].header("if-match") != puts[0].header("if-match"));
    assert_eq!(json(&out)["outcome"], "written");
}

#[test]
fn exhausted_retries_end_with_the_last_failures_usual_status() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let out = env.run(&["get", &server.url("/status/503"), "--retry", "2", "--retry-max-time", "0"]);
    assert_code(&out, 5);
    assert_eq!(server.requests().len(), 3);
    let err = stderr(&out);
    assert_eq!(err.matches("retrying").count(), 2, "{err}");
    assert!(err.contains("attempt 3 of 3") && err.contains("no retries left"), "{err}");

    let out = env.run(&["get", &server.url("/status/429"), "--retry", "1", "--retry-max-time", "0"]);
    assert_code(&out, 4);

    let refused = crate::support::RefusedPort::new();
    let file = env.path("x");
    let out = env.run(&[
        "get",
        &refused.url("/x"),
        "-o",
        file.to_str().unwrap(),
        "--json",
        "--retry",
        "1",
        "--retry-max-time",
        "0",
    ]);
    assert_code(&out, 7);
    assert!(stderr(&out).contains("nothing listens on 127.0.0.1:"), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["exit_code"], 7);
    assert_eq!(report["retries"].as_array().unwrap().len(), 1);
}

#[test]
fn an_unconditional_write_is_never_retried() {
    let env = Env::new();
    let quirks = Quirks { no_etag: true, no_last_modified: true, ..Quirks::default() };
    let (server, url) = FakeServer::with_json_doc(quirks, DOC);
    server.fault("PUT", Fault::Status(503, Some("0")));
    let out = env.run_with_stdin(&["put", &url, "--force", "--retry", "3"], EDITED);
    assert_code(&out, 5);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].header("if-match"), None);
    assert!(stderr(&out).contains("not retried: the write carries no precondition"), "{}", stderr(&out));
    assert_eq!(server.body("/doc.json").unwrap(), DOC);

    // Nor one dropped after it was applied: sending it again could undo a change made since.
    server.fault("PUT", Fault::ApplyThenDrop);
    let out = env.run_with_stdin(&["put", &url, "--force", "--retry", "3"], EDITED);
    assert_code(&out, 7);
    assert_eq!(server.requests_with("PUT").len(), 2);
}

#[test]
fn retry_zero_turns_retries_off_and_the_default_is_on() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    server.fault("GET", Fault::Status(503, Some("0")));
    let out = env.cmd(&["get", &url, "--retry", "0"]).env("IFMATCH_RETRY", "5").output().unwrap();
    assert_code(&out, 5);
    assert_eq!(server.requests().len(), 1);
    assert!(!stderr(&out).contains("retrying"), "{}", stderr(&out));

    // Without --retry or IFMATCH_RETRY, transient failures are retried.
    server.fault("GET", Fault::Status(502, None));
    server.fault("GET", Fault::Status(504, None));
    let out = env.cmd(&["get", &url, "--retry-max-time", "0"]).env_remove("IFMATCH_RETRY").output().unwrap();
    assert_code(&out, 0);
    assert_eq!(out.stdout, DOC);
    assert!(stderr(&out).contains("attempt 3 of 4"), "{}", stderr(&out));

    let out = env.cmd(&["get", &url]).env("IFMATCH_RETRY", "many").output().unwrap();
    assert_code(&out, 2);
    assert!(stderr(&out).contains("IFMATCH_RETRY"), "{}", stderr(&out));
}

#[test]
fn max_time_bounds_the_whole_command_retries_included() {
    let env = Env::new();
    // A server that stalls is given up on at the deadline, although --timeout is longer.
    let stalled = Raw::start(
        "HTTP/1.1 200 OK\r\nETag: \"t\"\r\nContent-Type: text/plain",
        vec![b"a".to_vec(), b"b".to_vec()],
        Duration::from_secs(20),
    );
    let out = env.run(&["get", &stalled.url("/x"), "--max-time", "0.5", "--retry", "3"]);
    assert_code(&out, 7);
    assert!(stderr(&out).contains("--max-time 0.5 s reached"), "{}", stderr(&out));

    // No retry starts that the deadline leaves no room for: the last failure is reported.
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    server.fault("GET", Fault::Status(503, Some("30")));
    let out = env.run(&["get", &url, "--max-time", "2", "--retry", "3", "--retry-max-time", "30"]);
    assert_code(&out, 5);
    assert!(stderr(&out).contains("not retried: --max-time leaves"), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn ctrl_c_during_a_retry_wait_ends_the_run() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    server.fault("GET", Fault::Status(503, Some("60")));
    let child = env
        .cmd(&["get", &url, "--retry", "1", "--retry-max-time", "60"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..500 {
        if !server.requests().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // Past the request, into the wait (a signal before the handler is installed would kill
    // the process instead, which this test would notice as a different exit).
    std::thread::sleep(Duration::from_millis(300));
    let status = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_code(&out, 130);
    assert_eq!(server.requests().len(), 1, "the retry was not sent");
}

#[test]
fn a_streamed_upload_is_sent_again_from_the_file() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let url = server.url("/big.bin");
    let big = env.path("big.bin");
    let body: Vec<u8> = (0..9 << 20).map(|i: u32| (i % 251) as u8).collect();
    std::fs::write(&big, &body).unwrap();
    // A create: the first attempt is applied and its answer lost; the retry meets 412.
    server.fault("PUT", Fault::ApplyThenDrop);
    let out =
        env.run(&["put", &url, big.to_str().unwrap(), "--create", "--retry", "2", "--retry-max-time", "0"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("the first attempt had already been applied"), "{}", stderr(&out));
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[1].header("if-none-match"), Some("*"));
    assert_eq!(puts[1].body.len(), body.len(), "sent whole again");
    assert_eq!(server.body("/big.bin").unwrap(), body);
}

#[test]
fn a_json_patch_applied_but_unanswered_is_not_applied_twice_where_only_its_tests_guard() {
    let env = Env::new();
    // A server that ignores If-Match: only the patch's test operations guard the retry.
    let quirks = Quirks { ignore_preconditions: true, ..Quirks::default() };
    let (server, url) = FakeServer::with_json_doc(quirks, b"{\"n\": 1}\n");
    server.fault("PATCH", Fault::ApplyThenDrop);
    let out = apply_increment(&env, &url, &["--patch", "json"]);
    assert_code(&out, 0);
    let now: serde_json::Value = serde_json::from_slice(&server.body("/doc.json").unwrap()).unwrap();
    assert_eq!(now["n"], 2, "incremented once, not twice");
    assert_eq!(server.requests_with("PATCH").len(), 2, "the retry's test operation failed (409)");
    assert!(stderr(&out).contains("the first attempt had already been applied"), "{}", stderr(&out));
}

#[test]
fn max_time_stops_a_command_that_runs_too_long_but_not_the_person_editing() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let out = env.run(&["apply", &url, "--max-time", "1", "--", "sh", "-c", "exec sleep 30"]);
    assert_code(&out, 7);
    assert!(
        stderr(&out).contains("--max-time 1 s reached while `sh -c 'exec sleep 30'` ran"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests_with("PUT").is_empty());

    // The editor takes longer than --max-time: its time is not counted, so the write goes out.
    env.editor_hook(1, "sleep 4");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let out = env.run(&["edit", &url, "--max-time", "3"]);
    assert_code(&out, 0);
    assert_eq!(server.body("/doc.json").unwrap(), EDITED);
}

#[test]
fn diff_and_doctor_retry_and_list_their_retries() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = fetched(&env, &url);
    server.fault("GET", Fault::Status(502, None));
    let out = env.run(&["diff", &url, &file, "--json", "--retry", "1", "--retry-max-time", "0"]);
    assert_code(&out, 1);
    assert_eq!(json(&out)["retries"], serde_json::json!([{ "status": 502, "error": null, "waited_ms": 0 }]));

    server.fault("GET", Fault::Status(503, Some("0")));
    let out = env.run(&["doctor", &url, "--json", "--retry", "1"]);
    assert_code(&out, 0);
    let report = json(&out);
    assert_eq!(report["retries"], serde_json::json!([{ "status": 503, "error": null, "waited_ms": 0 }]));
    assert_eq!(report["verdict"], "reads_only");
}

#[test]
fn a_body_cut_off_is_fetched_again_into_a_file_but_not_on_stdout() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    server.fault("GET", Fault::CutBody);
    let file = env.path("out.json");
    let out = env.run(&["get", &url, "-o", file.to_str().unwrap(), "--retry", "2", "--retry-max-time", "0"]);
    assert_code(&out, 0);
    assert_eq!(std::fs::read(&file).unwrap(), DOC, "the whole body, once");
    assert_eq!(server.requests_with("GET").len(), 2);
    assert!(stderr(&out).contains("retrying in 0.0 s, attempt 2 of 3"), "{}", stderr(&out));
    let show: serde_json::Value =
        serde_json::from_slice(&env.run(&["state", "show", &url, "--json"]).stdout).unwrap();
    assert_eq!(show["base_len"], DOC.len());

    // On stdout, what was written cannot be taken back: the cut is reported, nothing retried.
    server.fault("GET", Fault::CutBody);
    let out = env.run(&["get", &url, "--retry", "2"]);
    assert_code(&out, 7);
    assert_eq!(server.requests_with("GET").len(), 3);

    // A fetch held in memory (diff, edit, put, apply) is simply made again.
    server.fault("GET", Fault::CutBody);
    let out = env.run(&["diff", &url, file.to_str().unwrap(), "--retry", "1", "--retry-max-time", "0"]);
    assert_code(&out, 0);
    assert_eq!(server.requests_with("GET").len(), 5);
}

#[test]
fn apply_behind_a_stale_cache_after_an_unanswered_write_does_not_apply_its_change_twice() {
    // The write goes through a cache that ignores no-cache; the origin applies it and the
    // connection drops (the cache answers 502), the retry meets 412. The check for an applied
    // attempt must look past the cache: its stored copy still holds the body CMD ran on.
    let env = Env::new();
    let (server, _) = FakeServer::with_json_doc(Quirks::default(), b"{\"n\": 1}\n");
    let cache = crate::support::cache::Cache::start(&server.url(""));
    let url = cache.url("/doc.json");
    server.fault("PUT", Fault::ApplyThenDrop);
    let out = apply_increment(&env, &url, &["--json"]);
    assert_eq!(
        server.body("/doc.json").unwrap(),
        b"{\"n\": 2}\n",
        "incremented once, not twice: {}",
        stderr(&out)
    );
    assert_code(&out, 0);
    assert!(stderr(&out).contains("the first attempt had already been applied"), "{}", stderr(&out));
    assert_eq!(json(&out)["outcome"], "already_applied");
}
