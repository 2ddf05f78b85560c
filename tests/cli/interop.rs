//! Interop: the real client against real third-party servers that enforce `If-Match` — Apache
//! httpd with mod_dav, and wsgidav. Ignored by a plain `cargo test`;
//! `cargo test -- --ignored interop` runs them (see `support::interop`); each test starts its own
//! server on a fresh directory.
//!
//! The same checks run against each server: the round trip (with what ifmatch sent, as `-v`
//! prints it, and for Apache as its request log shows it), the 412 flow, merge, overwrite and
//! edit. Then each server's own quirk: Apache's weak ETag on a file changed within the last
//! second, wsgidav's ETag that survives a same-size change within the same second.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::support::interop::{self, Dav, Kind};
use crate::support::{Env, assert_code, bin, stderr};

const DOC: &[u8] = b"{\n  \"service\": \"checkout\",\n  \"replicas\": 1,\n  \"timeout_ms\": 1000\n}\n";

/// Minified: a line-based merge would conflict, so a clean merge shows the server's
/// `Content-Type: application/json` was understood.
const MINIFIED: &[u8] = br#"{"service":"checkout","replicas":1,"timeout_ms":1000}"#;

/// The `If-Match` values a `-v` run sent, in order (`-` for a request without one).
fn sent_if_match(stderr_text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_put = false;
    for line in stderr_text.lines() {
        if line.starts_with("> PUT ") {
            out.push("-".to_string());
            in_put = true;
        } else if !line.starts_with("> ") {
            in_put = false;
        } else if in_put && let Some(value) = line.strip_prefix("> if-match: ") {
            *out.last_mut().expect("inside a PUT") = value.to_string();
        }
    }
    out
}

/// The ETag a `get --json` reports (the body goes to a file).
fn fetch_etag(env: &Env, url: &str) -> Option<String> {
    let out = env.run(&["get", url, "--json", "-o", env.path("fetched").to_str().unwrap()]);
    assert_code(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["etag"].as_str().map(str::to_string)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn round_trip(s: &Dav) {
    let env = Env::new();
    s.write("doc.json", DOC);
    let url = s.url("/doc.json");
    let out = env.run(&["get", &url]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, DOC, "{}: the body is printed byte-exact", s.name());
    let etag = fetch_etag(&env, &url).expect("an ETag");
    assert!(!etag.starts_with("W/"), "{}: a settled file has a strong ETag: {etag}", s.name());

    let mine = b"{\r\n  \"service\": \"caf\xc3\xa9\",\r\n  \"replicas\": 2,\r\n  \"timeout_ms\": 1000\r\n}";
    let out = env.run_with_stdin(&["put", &url, "-", "-v"], mine);
    assert_code(&out, 0);
    assert_eq!(sent_if_match(&stderr(&out)), std::slice::from_ref(&etag), "{}", stderr(&out));
    assert_eq!(s.read("doc.json"), mine, "{}: the file holds exactly what was sent", s.name());

    // Apache answers a PUT without an ETag: the record is stale and the next write refetches.
    let show = env.run(&["state", "show", &url, "--json"]);
    let record: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(record["stale"], s.kind == Kind::Apache, "{}: {record}", s.name());

    let newer = b"{\"replicas\": 3}\n";
    let out = env.run_with_stdin(&["put", &url, "-", "-v"], newer);
    assert_code(&out, 0);
    let sent = sent_if_match(&stderr(&out));
    assert_eq!(sent.len(), 1, "{}", stderr(&out));
    assert!(sent[0].starts_with('"') && sent[0] != etag, "{}: a fresh strong ETag: {sent:?}", s.name());
    if s.kind == Kind::Apache {
        assert!(stderr(&out).contains("refetching first"), "{}", stderr(&out));
    } else {
        assert!(!stderr(&out).contains("> GET "), "the ETag from the PUT response is used: {}", stderr(&out));
    }
    assert_eq!(s.read("doc.json"), newer);
    if let Some(log) = s.request_log() {
        let puts: Vec<_> = log.iter().filter(|l| l.starts_with("PUT ")).collect();
        assert_eq!(puts[0], &format!("PUT /doc.json 204 if-match={etag} if-unmodified-since=-"));
        assert_eq!(puts[1], &format!("PUT /doc.json 204 if-match={} if-unmodified-since=-", sent[0]));
    }
}

fn stale_put_then_overwrite(s: &Dav) {
    let env = Env::new();
    s.write("doc.json", DOC);
    let url = s.url("/doc.json");
    let etag = fetch_etag(&env, &url).unwrap();
    let theirs = text(DOC).replace("1000", "9000");
    s.write_fresh("doc.json", theirs.as_bytes());
    let mine = text(DOC).replace("checkout", "payments");
    let out = env.run_with_stdin(&["put", &url, "-", "-v"], mine.as_bytes());
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("412 Precondition Failed"), "{}: {err}", s.name());
    assert!(err.contains("+  \"timeout_ms\": 9000"), "their change is shown: {err}");
    assert_eq!(sent_if_match(&err), std::slice::from_ref(&etag));
    assert_eq!(text(&s.read("doc.json")), theirs, "{}: their change survives", s.name());
    assert_eq!(env.recovered().len(), 1);

    let out = env.run_with_stdin(&["put", &url, "-", "-v", "--on-conflict", "overwrite"], mine.as_bytes());
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("overwriting the other change"), "{err}");
    let sent = sent_if_match(&err);
    assert_eq!(sent.len(), 2, "{err}");
    assert_eq!(sent[0], etag);
    assert!(sent[1].starts_with('"') && sent[1] != etag, "the retry carries the fresh strong ETag: {sent:?}");
    assert_eq!(text(&s.read("doc.json")), mine);
}

fn edit_merges_a_concurrent_change(s: &Dav) {
    let env = Env::new();
    s.write("doc.json", MINIFIED);
    let url = s.url("/doc.json");
    let colleague = env.path("colleague.json");
    std::fs::write(&colleague, text(MINIFIED).replace("1000", "2500")).unwrap();
    let hook = format!(
        "'{}' put --state-dir '{}' '{url}' '{}' --force",
        bin(),
        env.path("colleague-state").display(),
        colleague.display()
    );
    env.editor_hook(1, &hook);
    env.editor_replaces(1, "\"replicas\":1", "\"replicas\":3");
    let out = env.run(&["edit", &url, "--on-conflict", "merge", "-v"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert_eq!(env.editor_saw(1), MINIFIED);
    assert!(err.contains("merge cleanly"), "{}: {err}", s.name());
    assert_eq!(sent_if_match(&err).len(), 2, "{err}");
    assert_eq!(text(&s.read("doc.json")), r#"{"service":"checkout","replicas":3,"timeout_ms":2500}"#);
}

fn edit_round_trip(s: &Dav) {
    let env = Env::new();
    s.write("notes.txt", b"first line\nsecond line\n");
    let url = s.url("/notes.txt");
    let etag = fetch_etag(&Env::new(), &url).unwrap();
    env.editor_replaces(1, "second", "2nd");
    let out = env.run(&["edit", &url, "-v"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("< content-type: text/plain"), "{}: {err}", s.name());
    assert_eq!(sent_if_match(&err), [etag]);
    assert_eq!(s.read("notes.txt"), b"first line\n2nd line\n");
}

/// Apache: a file changed within the last second gets a weak ETag (and the same tag, strong, a
/// second later). ifmatch waits that second out instead of falling back to
/// If-Unmodified-Since, which cannot tell two changes within one second apart.
fn apache_fresh_file_weak_etag(s: &Dav) {
    let env = Env::new();
    s.write_fresh("doc.json", DOC);
    let url = s.url("/doc.json");
    let started = Instant::now();
    let out = env.run(&["get", &url, "-v", "-o", env.path("copy").to_str().unwrap()]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("< etag: W/\""), "Apache weakens a fresh file's ETag: {err}");
    assert!(err.contains("fetching again in"), "{err}");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(!err.contains("warning"), "no weak-ETag warning once settled: {err}");
    let strong = fetch_etag(&env, &url).unwrap();
    assert!(strong.starts_with('"'), "{strong}");
    let out = env.run_with_stdin(&["put", &url], b"{}\n");
    assert_code(&out, 0);
    let log = s.request_log().unwrap();
    assert_eq!(log.last().unwrap(), &format!("PUT /doc.json 204 if-match={strong} if-unmodified-since=-"));
    let weak_gets = log.iter().filter(|l| l.starts_with("GET /doc.json 200")).count();
    assert_eq!(weak_gets, 3, "two GETs for the first fetch, one for the second: {log:?}");
}

/// Apache with `FileETag None` sends no ETag, so ifmatch falls back to If-Unmodified-Since —
/// which mod_dav compares with the time of the PUT, not the file's mtime: it always fails. ifmatch
/// must say so (exit 3, nothing written, the text kept), not loop or overwrite.
#[test]
#[ignore = "interop: needs Apache httpd (mod_dav) and wsgidav; .ci/run installs them and runs `cargo test -- --ignored interop`"]
fn apache_without_etags_rejects_if_unmodified_since() {
    let s = interop::apache_with(&["FileETag None"]);
    let env = Env::new();
    s.write("doc.json", DOC);
    let url = s.url("/doc.json");
    let out = env.run(&["get", &url, "-o", env.path("copy").to_str().unwrap()]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("the server sent no ETag"), "{}", stderr(&out));
    let out = env.run_with_stdin(&["put", &url], b"{}\n");
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("If-Unmodified-Since was rejected"), "{err}");
    assert!(err.contains("Apache mod_dav"), "{err}");
    assert!(err.contains(&format!("`ifmatch doctor {url}` checks it")), "{err}");
    assert_eq!(s.read("doc.json"), DOC);
    assert_eq!(env.recovered().len(), 1);
    let log = s.request_log().unwrap();
    let puts: Vec<_> = log.iter().filter(|l| l.starts_with("PUT ")).collect();
    assert_eq!(puts.len(), 1, "no retry loop: {log:?}");
    let last_modified =
        httpdate::fmt_http_date(std::fs::metadata(s.docs.join("doc.json")).unwrap().modified().unwrap());
    assert_eq!(puts[0], &format!("PUT /doc.json 412 if-match=- if-unmodified-since={last_modified}"));
}

/// wsgidav: the ETag is inode-mtime-size with mtime in whole seconds, so a second write of the
/// same size within the same second keeps it. ifmatch notices that the tag survived its own
/// change, warns, and marks the record stale so the next write compares content first.
fn wsgidav_etag_survives_a_change(s: &Dav) {
    let env = Env::new();
    s.write("doc.json", DOC);
    let url = s.url("/doc.json");
    assert_code(&env.run(&["get", &url, "-o", env.path("copy").to_str().unwrap()]), 0);
    for attempt in 0.. {
        // Start right after a second begins, so both writes most likely land within it.
        let into = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_millis();
        std::thread::sleep(Duration::from_millis(u64::from(1000 - into) + 20));
        let first = text(DOC).replace("\"replicas\": 1", &format!("\"replicas\": {}", 2 + attempt % 2));
        assert_code(&env.run_with_stdin(&["put", &url], first.as_bytes()), 0);
        let second = first.replace("checkout", "checkin!");
        let out = env.run_with_stdin(&["put", &url], second.as_bytes());
        assert_code(&out, 0);
        assert_eq!(text(&s.read("doc.json")), second);
        if stderr(&out).contains("same ETag") {
            assert!(stderr(&out).contains("the next write refetches"), "{}", stderr(&out));
            let show = env.run(&["state", "show", &url, "--json"]);
            let record: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
            assert_eq!(record["stale"], true);
            return;
        }
        assert!(attempt < 3, "two writes never landed within one second: {}", stderr(&out));
    }
}

macro_rules! against {
    ($server:ident { $($extra:ident),* }) => {
        mod $server {
            use super::*;

            fn start() -> Dav {
                interop::$server()
            }

            #[test]

            #[ignore = "interop: needs Apache httpd (mod_dav) and wsgidav; .ci/run installs them and runs `cargo test -- --ignored interop`"]
            fn get_put_round_trip() {
                let s = start();
                round_trip(&s);
            }

            #[test]

            #[ignore = "interop: needs Apache httpd (mod_dav) and wsgidav; .ci/run installs them and runs `cargo test -- --ignored interop`"]
            fn stale_put_gets_the_412_flow_then_overwrite_replaces() {
                let s = start();
                stale_put_then_overwrite(&s);
            }

            #[test]

            #[ignore = "interop: needs Apache httpd (mod_dav) and wsgidav; .ci/run installs them and runs `cargo test -- --ignored interop`"]
            fn edit_merges_a_concurrent_change_to_another_key() {
                let s = start();
                edit_merges_a_concurrent_change(&s);
            }

            #[test]

            #[ignore = "interop: needs Apache httpd (mod_dav) and wsgidav; .ci/run installs them and runs `cargo test -- --ignored interop`"]
            fn edit_round_trip_with_the_fake_editor() {
                let s = start();
                edit_round_trip(&s);
            }

            $(
                #[test]
                #[ignore = "interop: needs Apache httpd (mod_dav) and wsgidav; .ci/run installs them and runs `cargo test -- --ignored interop`"]
                fn $extra() {
                    let s = start();
                    super::$extra(&s);
                }
            )*
        }
    };
}

against!(apache { apache_fresh_file_weak_etag });
against!(wsgidav { wsgidav_etag_survives_a_change });
