//! Transfers that go wrong: resets mid-upload and mid-download, stalls past `--timeout`, 5xx,
//! a write applied and then left unanswered, bodies cut short or running long, malformed
//! validators and a storm of 412s. A working copy from `get -o FILE` is changed and `put`: after
//! each fault FILE is untouched, the record as it was (unless the write is known to have
//! landed), the text kept when it was not surely written, and no temp file left.

use std::path::PathBuf;
use std::time::Duration;

use super::server::{Fault, FaultServer};
use super::{assert_no_temp_files, records};
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 6\n}\n";

/// A server with the document, a working copy of it changed to MINE, and the record.
struct Copy {
    env: Env,
    server: FaultServer,
    url: String,
    file: PathBuf,
    record: Vec<(PathBuf, Vec<u8>)>,
}

impl Copy {
    fn new() -> Copy {
        let env = Env::new();
        let (server, url) = FaultServer::with("/doc.json", DOC, "application/json");
        let file = env.path("doc.json");
        assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
        std::fs::write(&file, MINE).unwrap();
        let record = records(&env);
        Copy { env, server, url, file, record }
    }

    fn put(&self, extra: &[&str]) -> std::process::Output {
        let mut args = vec!["put", &self.url, self.file.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.env.run(&args)
    }

    /// FILE untouched, the record as it was, no temp files; the server still holds DOC.
    #[track_caller]
    fn assert_nothing_changed(&self, why: &str) {
        assert_eq!(std::fs::read(&self.file).unwrap(), MINE, "{why}: FILE untouched");
        assert_eq!(records(&self.env), self.record, "{why}: the record as it was");
        assert_eq!(self.server.body("/doc.json"), DOC, "{why}: nothing written");
        assert_no_temp_files(&self.env);
    }

    /// The text is kept in recovered/ and the error says where.
    #[track_caller]
    fn assert_kept(&self, out: &std::process::Output, why: &str) {
        let kept = self.env.recovered();
        assert_eq!(kept.len(), 1, "{why}: {}", stderr(out));
        assert_eq!(std::fs::read(&kept[0]).unwrap(), MINE, "{why}");
        assert!(stderr(out).contains(&kept[0].display().to_string()), "{why}: {}", stderr(out));
    }
}

#[test]
fn failed_uploads_keep_the_text_and_change_nothing() {
    let cases: [(&str, Fault, &[&str], i32); 4] = [
        ("reset mid-upload", Fault::ResetWhileReceiving, &[], 7),
        ("stall past --timeout", Fault::Stall(Duration::from_secs(10)), &["--timeout", "0.5"], 7),
        ("503", Fault::answer(503, &[("Retry-After", "5")], b"busy\n"), &[], 5),
        ("500", Fault::answer(500, &[], b"oops\n"), &[], 5),
    ];
    for (why, fault, extra, code) in cases {
        let copy = Copy::new();
        copy.server.fault("PUT", fault);
        let out = copy.put(extra);
        assert_code(&out, code);
        assert!(!stderr(&out).contains("panicked"), "{why}");
        copy.assert_kept(&out, why);
        copy.assert_nothing_changed(why);
        assert_eq!(copy.server.requests_with("PUT").len(), 1, "{why}: sent once");
    }
}

#[test]
fn a_write_applied_then_left_unanswered_keeps_the_text_and_the_next_put_finds_it_applied() {
    let copy = Copy::new();
    copy.server.fault("PUT", Fault::ApplyThenClose);
    let out = copy.put(&[]);
    assert_code(&out, 7);
    copy.assert_kept(&out, "applied then closed");
    assert_eq!(copy.server.body("/doc.json"), MINE, "the server did apply it");
    assert_eq!(std::fs::read(&copy.file).unwrap(), MINE);
    assert_eq!(records(&copy.env), copy.record, "not recorded as written: nothing said it was");
    assert_no_temp_files(&copy.env);
    // The next put finds out (its If-Match is stale now) and sees the text already there.
    let out = copy.put(&[]);
    assert_code(&out, 0);
    assert_eq!(copy.server.body("/doc.json"), MINE);
    assert_eq!(copy.server.requests_with("PUT").len(), 2);
}

#[test]
fn failed_downloads_leave_the_file_and_the_record_alone() {
    let cases: [(&str, Fault, &[&str], i32); 3] = [
        ("reset mid-download", Fault::ResetWhileSending(5), &[], 7),
        ("truncated body", Fault::Truncated, &[], 7),
        ("stall past --timeout", Fault::Stall(Duration::from_secs(10)), &["--timeout", "0.5"], 7),
    ];
    for (why, fault, extra, code) in cases {
        let copy = Copy::new();
        copy.server.set("/doc.json", b"{\"name\": \"new\"}\n", "application/json");
        copy.server.fault("GET", fault);
        // FILE holds the user's change (MINE): --force asks for it to be replaced, and even
        // then a failed download must leave it alone.
        let mut args = vec!["get", copy.url.as_str(), "-o", copy.file.to_str().unwrap(), "--force"];
        args.extend_from_slice(extra);
        let out = copy.env.run(&args);
        assert_code(&out, code);
        assert!(!stderr(&out).contains("panicked"), "{why}");
        assert_eq!(std::fs::read(&copy.file).unwrap(), MINE, "{why}: FILE untouched");
        assert_eq!(records(&copy.env), copy.record, "{why}: the record as it was");
        assert_no_temp_files(&copy.env);
    }
}

#[test]
fn bytes_past_the_content_length_are_not_taken_for_the_body() {
    let copy = Copy::new();
    copy.server.fault("GET", Fault::OverLong);
    let out = copy.env.run(&["get", &copy.url]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, DOC);
    assert_no_temp_files(&copy.env);
}

#[test]
fn malformed_validators_are_never_taken_for_a_precondition() {
    // (A bare token such as `v1` is taken as "v1" on purpose: a server that means it matches.)
    for etag in ["\"unterminated", "W/", "\"a\"b\"", "\"a\tb\""] {
        let env = Env::new();
        let server = FaultServer::start();
        server.set("/doc.json", DOC, "application/json");
        let url = server.url("/doc.json");
        let headers = [("ETag", etag), ("Last-Modified", "yesterday"), ("Content-Type", "application/json")];
        server.faults("GET", Fault::answer(200, &headers, DOC), 3);
        let out = env.run(&["get", &url]);
        assert_code(&out, 0);
        assert_eq!(out.stdout, DOC, "{etag}");
        let out = env.run_with_stdin(&["put", &url], MINE);
        assert!(!stderr(&out).contains("panicked"), "{etag}");
        assert_eq!(out.status.code(), Some(2), "{etag}: {} {:?}", stderr(&out), server.requests_with("PUT"));
        assert!(stderr(&out).contains("--force"), "{etag}: {}", stderr(&out));
        assert!(server.requests_with("PUT").is_empty(), "{etag}: no write without a usable validator");
        assert_eq!(server.body("/doc.json"), DOC);
        assert_no_temp_files(&env);
    }
}

#[test]
fn a_storm_of_412s_ends_after_the_bounded_retries_with_the_text_kept() {
    let copy = Copy::new();
    copy.server.faults("PUT", Fault::ChangedByOthers, 50);
    let out = copy.put(&["--on-conflict", "merge"]);
    assert_code(&out, 3);
    let puts = copy.server.requests_with("PUT").len();
    assert!((2..=10).contains(&puts), "bounded: {puts} PUTs");
    // The text kept is the last merge tried: mine's change on top of the last version seen.
    let kept = copy.env.recovered();
    assert_eq!(kept.len(), 1, "{}", stderr(&out));
    let text = String::from_utf8(std::fs::read(&kept[0]).unwrap()).unwrap();
    assert!(text.contains("\"replicas\": 6") && text.contains("\"other\""), "{text}");
    assert_eq!(std::fs::read(&copy.file).unwrap(), MINE, "FILE untouched");
    assert_no_temp_files(&copy.env);
    // Every attempt carried the ETag of the version its text was merged with.
    let gets = copy.server.requests_with("GET").len();
    assert!(gets >= puts - 1, "a refetch before each retry: {gets} GETs, {puts} PUTs");
}
