//! `ifmatch doctor` against `ifmatch serve` and the quirky fake server: the verdict and the
//! findings a user reads, the methods that went over the wire (only GET, HEAD and OPTIONS
//! unless the write probe is asked for), and a resource left exactly as it was.

use expectrl::Expect;

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::pty::{exit_code, spawn};
use crate::support::serve::Serve;
use crate::support::{Env, assert_code, stderr, stdout};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

fn fake(quirks: Quirks) -> FakeServer {
    let server = FakeServer::start(quirks);
    server.put_resource("/doc.json", DOC, "application/json");
    server
}

fn served(env: &Env, extra: &[&str]) -> Serve {
    let dir = env.path("docs");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("doc.json"), DOC).unwrap();
    Serve::start(&dir, extra)
}

/// The methods in a serve log.
fn methods(serve: &Serve) -> Vec<String> {
    serve.log().iter().filter_map(|l| l.split(' ').next().map(str::to_string)).collect()
}

#[track_caller]
fn assert_only_safe_methods(methods: &[String]) {
    assert!(!methods.is_empty());
    for m in methods {
        assert!(["GET", "HEAD", "OPTIONS"].contains(&m.as_str()), "doctor sent {m}: {methods:?}");
    }
}

fn fake_methods(server: &FakeServer) -> Vec<String> {
    server.requests().into_iter().map(|r| r.method).collect()
}

#[test]
fn serve_without_the_write_probe_is_only_read_verified_and_gets_only_safe_requests() {
    let env = Env::new();
    let serve = served(&env, &[]);
    let file = serve.dir.join("doc.json");
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    let out = env.run(&["doctor", &serve.url("/doc.json")]);
    assert_code(&out, 0);
    let report = stdout(&out);
    assert!(report.contains("✓ GET returns a strong ETag \""), "{report}");
    assert!(
        report.contains("✓ the server evaluates If-Match: a GET with If-Match: \"ifmatch-probe\" got 412")
    );
    assert!(report.contains("✓ If-None-Match with the current ETag got 304"), "{report}");
    assert!(report.contains("Accept-Patch: application/merge-patch+json"), "{report}");
    assert!(
        report.contains(
            "\nVerdict: reads honor preconditions; writes not verified: run again with --write-probe\n"
        ),
        "{report}"
    );
    assert!(!report.contains("safe for ifmatch edit"), "{report}");
    assert!(!report.contains("! ") && !report.contains("✗ "), "{report}");

    let log = serve.log();
    assert_only_safe_methods(&methods(&serve));
    assert!(log.iter().any(|l| l == "GET /doc.json 412 if-match=\"ifmatch-probe\""), "{log:?}");
    assert!(log.iter().any(|l| l.starts_with("GET /doc.json 304 if-none-match=")), "{log:?}");
    assert!(log.iter().any(|l| l.starts_with("GET /doc.json 412 if-unmodified-since=")), "{log:?}");
    assert!(log.iter().any(|l| l == "OPTIONS /doc.json 204"), "{log:?}");
    assert_eq!(std::fs::read(&file).unwrap(), DOC);
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), mtime);
    assert!(!env.state_dir().exists(), "doctor must not create the state store");
}

#[test]
fn weak_etags_on_serve_mean_if_unmodified_since_only() {
    let env = Env::new();
    let serve = served(&env, &["--weak-etags"]);
    let out = env.run(&["doctor", &serve.url("/doc.json")]);
    assert_code(&out, 0);
    let report = stdout(&out);
    assert!(report.contains("! GET returns only a weak ETag W/\""), "{report}");
    assert!(report.contains("    → If-Match never matches a weak ETag (RFC 9110 §13.1.1)"), "{report}");
    assert!(report.contains("as RFC 9110 §13.1.1 requires"), "{report}");
    assert!(
        report.contains(
            "\nVerdict: reads honor preconditions; writes not verified: run again with --write-probe\n"
        ),
        "{report}"
    );
    assert_only_safe_methods(&methods(&serve));
}

#[test]
fn write_probe_on_serve_meets_412_and_leaves_the_file_byte_exact() {
    let env = Env::new();
    let serve = served(&env, &[]);
    let file = serve.dir.join("doc.json");
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    let out = env.run(&["doctor", "--write-probe", "--yes", &serve.url("/doc.json")]);
    assert_code(&out, 0);
    let report = stdout(&out);
    assert!(report.contains("✓ a PUT of the unchanged body with If-Match: \"ifmatch-probe-"), "{report}");
    assert!(report.contains("got 412: writes are protected"), "{report}");
    assert!(report.contains("\nVerdict: safe for ifmatch edit\n"), "{report}");
    let puts = serve.log_of("PUT");
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert!(puts[0].starts_with("PUT /doc.json 412 if-match=\"ifmatch-probe-"), "{puts:?}");
    assert_eq!(std::fs::read(&file).unwrap(), DOC);
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), mtime);
}

#[test]
fn write_probe_without_yes_and_without_a_terminal_sends_nothing() {
    let env = Env::new();
    let server = fake(Quirks::default());
    let out = env.run(&["doctor", "--write-probe", &server.url("/doc.json")]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("no terminal to ask on"), "{err}");
    assert!(err.contains("hint: add --yes"), "{err}");
    assert!(server.requests().is_empty(), "nothing may be sent before the refusal");
}

#[test]
fn if_match_ignored_on_get_is_not_verified_until_the_write_probe() {
    let env = Env::new();
    let server = fake(Quirks { ignore_if_match_on_get: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    let out = env.run(&["doctor", &url]);
    assert_code(&out, 0);
    let report = stdout(&out);
    assert!(report.contains("! the server ignored If-Match on a GET"), "{report}");
    assert!(report.contains("run with --write-probe"), "{report}");
    assert!(report.contains("\nVerdict: not verified: run again with --write-probe\n"), "{report}");
    assert_only_safe_methods(&fake_methods(&server));

    let out = env.run(&["doctor", &url, "--write-probe", "--yes"]);
    assert_code(&out, 0);
    assert!(stdout(&out).contains("\nVerdict: safe for ifmatch edit\n"), "{}", stdout(&out));
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1);
    assert!(puts[0].header("if-match").unwrap().starts_with("\"ifmatch-probe-"), "{puts:?}");
    assert_eq!(puts[0].header("content-type"), Some("application/json"));
    assert_eq!(puts[0].body, DOC, "the write probe sends the body back unchanged");
    assert_eq!(server.body("/doc.json").unwrap(), DOC);
}

#[test]
fn last_modified_only_and_no_validator_at_all() {
    let env = Env::new();
    let server = fake(Quirks { no_etag: true, ..Quirks::default() });
    let out = env.run(&["doctor", &server.url("/doc.json")]);
    assert_code(&out, 0);
    let report = stdout(&out);
    assert!(report.contains("! GET returns no ETag"), "{report}");
    assert!(
        report.contains(
            "\nVerdict: reads honor preconditions; writes not verified: run again with --write-probe\n"
        ),
        "{report}"
    );

    let server = fake(Quirks { no_etag: true, no_last_modified: true, ..Quirks::default() });
    let out = env.run(&["doctor", &server.url("/doc.json")]);
    assert_code(&out, 1);
    let report = stdout(&out);
    assert!(report.contains("✗ GET returns no ETag"), "{report}");
    assert!(report.contains("✗ no Last-Modified either"), "{report}");
    assert!(report.contains("\nVerdict: writes cannot be protected\n"), "{report}");
    let err = stderr(&out);
    assert!(err.contains("ifmatch: error: writes to http://127.0.0.1:"), "{err}");
    assert!(err.contains("cannot be protected"), "{err}");
    assert_only_safe_methods(&fake_methods(&server));
}

#[test]
fn a_caching_proxy_that_serves_stale_validators_is_reported() {
    let env = Env::new();
    let server = fake(Quirks { caching_proxy: true, ..Quirks::default() });
    server.prime_cache("/doc.json");
    server.put_resource("/doc.json", b"{\"replicas\": 2}\n", "application/json");
    let out = env.run(&["doctor", &server.url("/doc.json")]);
    assert_code(&out, 0);
    let report = stdout(&out);
    assert!(
        report.contains("! responses may come from a cache: Cache-Control: public, max-age=600"),
        "{report}"
    );
    for sign in ["Age: 42", "Via: 1.1 fake-cache", "X-Cache: HIT"] {
        assert!(report.contains(sign), "{sign} missing:\n{report}");
    }
    assert!(
        report.contains("! without Cache-Control: no-cache the ETag is \"v1\", with it \"v2\": a cache hands out stale validators"),
        "{report}"
    );
    assert!(
        report.contains(
            "\nVerdict: reads honor preconditions; writes not verified: run again with --write-probe\n"
        ),
        "{report}"
    );
    // The probes that decide the verdict bypass the cache, as ifmatch edit's fetch does.
    let gets = server.requests_with("GET");
    assert_eq!(gets.iter().filter(|r| r.header("cache-control").is_none()).count(), 1);
}

#[test]
fn a_server_that_ignores_if_match_on_put_cannot_protect_writes() {
    let env = Env::new();
    let server = fake(Quirks { ignore_if_match_on_put: true, ..Quirks::default() });
    let out = env.run(&["doctor", &server.url("/doc.json"), "--write-probe", "--yes"]);
    assert_code(&out, 1);
    let report = stdout(&out);
    assert!(report.contains("✗ a PUT of the unchanged body with If-Match: \"ifmatch-probe-"), "{report}");
    assert!(
        report.contains("writes are NOT protected (nothing changed but the modification time"),
        "{report}"
    );
    assert!(report.contains("\nVerdict: writes cannot be protected\n"), "{report}");
    assert_eq!(server.body("/doc.json").unwrap(), DOC, "the same bytes were written back");
    assert_eq!(server.requests_with("PUT").len(), 1);
}

#[test]
fn json_is_one_object_with_the_documented_shape() {
    let env = Env::new();
    let server = fake(Quirks { ignore_if_match_on_put: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    let out = env.run(&["doctor", &url, "--write-probe", "--yes", "--json"]);
    assert_code(&out, 1);
    // One object, and nothing after it (no error object appended).
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(value["command"], "doctor");
    assert_eq!(value["url"], url);
    assert_eq!(value["verdict"], "unprotected");
    assert_eq!(value["summary"], "writes cannot be protected");
    assert_eq!(value["etag"], "\"v1\"");
    assert!(value["last_modified"].as_str().unwrap().ends_with("GMT"));
    let findings = value["findings"].as_array().unwrap();
    for f in findings {
        assert!(f["check"].is_string() && f["message"].is_string(), "{f}");
        assert!(["ok", "warn", "fail", "info"].contains(&f["status"].as_str().unwrap()), "{f}");
        assert!(f["advice"].is_string() || f["advice"].is_null(), "{f}");
    }
    let probe = findings.iter().find(|f| f["check"] == "write_probe").unwrap();
    assert_eq!(probe["status"], "fail");
    assert!(probe["advice"].as_str().unwrap().contains("enforce If-Match"));

    let serve = served(&env, &[]);
    let out = env.run(&["doctor", &serve.url("/doc.json"), "--json"]);
    assert_code(&out, 0);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["verdict"], "reads_only");
    assert!(value["findings"].as_array().unwrap().iter().all(|f| f["status"] != "fail"));
}

#[test]
fn a_failing_first_get_exits_like_other_commands() {
    let env = Env::new();
    let server = fake(Quirks::default());
    assert_code(&env.run(&["doctor", &server.url("/missing.json")]), 4);
    assert_code(&env.run(&["doctor", &server.url("/status/503")]), 5);
    let out = env.run(&["doctor", &server.url("/status/500"), "--json"]);
    assert_code(&out, 5);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["outcome"], "error");
    // Each run: the GET without no-cache, the GET with it, then stop.
    assert_eq!(fake_methods(&server), vec!["GET"; 6]);

    let refused = crate::support::RefusedPort::new();
    assert_code(&env.run(&["doctor", &refused.url("/x")]), 7);
}

#[test]
fn the_write_probe_asks_first_on_a_terminal() {
    let env = Env::new();
    let server = fake(Quirks::default());
    let url = server.url("/doc.json");
    let mut p = spawn(&env, &["doctor", "--write-probe", &url]);
    p.expect("Write probe: PUT the current body").unwrap();
    p.expect("[y/N]").unwrap();
    p.send_line("n").unwrap();
    p.expect("write probe: not sent (you declined)").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(server.requests_with("PUT").is_empty());

    let mut p = spawn(&env, &["doctor", "--write-probe", &url]);
    p.expect("[y/N]").unwrap();
    p.send_line("y").unwrap();
    p.expect("writes are protected").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(server.requests_with("PUT").len(), 1);
    assert_eq!(server.body("/doc.json").unwrap(), DOC);
}

#[test]
fn write_probe_refuses_representation_choosing_headers() {
    let env = Env::new();
    let out = env.run(&[
        "doctor",
        "http://127.0.0.1:9/x.json",
        "--write-probe",
        "--yes",
        "-H",
        "Accept: text/plain",
    ]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("-H accept"), "{}", stderr(&out));
}

#[test]
fn a_server_that_honors_if_match_only_on_get_is_never_called_safe_without_the_write_probe() {
    let env = Env::new();
    // Like many file and WebDAV servers: 412 to a GET with a failing If-Match, PUT regardless.
    let server = fake(Quirks { ignore_if_match_on_put: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    let out = env.run(&["doctor", &url]);
    assert_code(&out, 0);
    let report = stdout(&out);
    assert!(!report.contains("safe for ifmatch edit"), "{report}");
    assert!(
        report.contains(
            "\nVerdict: reads honor preconditions; writes not verified: run again with --write-probe\n"
        ),
        "{report}"
    );
    assert!(report.contains("ignore preconditions on PUT"), "{report}");
    let out = env.run(&["doctor", &url, "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["verdict"], "reads_only");
    assert!(value["summary"].as_str().unwrap().contains("--write-probe"), "{value}");
    assert_only_safe_methods(&fake_methods(&server));
}
