//! What the user reads: short messages with the real cause, and hints that name a next step
//! the user has not already taken.

use std::time::Duration;

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::raw::Raw;
use crate::support::serve::Serve;
use crate::support::{Env, RefusedPort, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

fn server_with_doc(quirks: Quirks) -> (FakeServer, String) {
    FakeServer::with_json_doc(quirks, DOC)
}

#[test]
fn network_errors_are_said_for_people() {
    let env = Env::new();
    let refused = RefusedPort::new();
    let port = refused.port;
    let out = env.run(&["get", &refused.url("/x")]);
    assert_code(&out, 7);
    let err = stderr(&out);
    assert!(err.contains(&format!("nothing listens on 127.0.0.1:{port}")), "{err}");
    assert!(!err.contains("error sending request") && !err.contains("client error (Connect)"), "{err}");
    assert!(!err.contains("tcp connect error") && !err.contains("os error"), "{err}");
    assert!(err.contains("hint: start the server, or check the host and port"), "{err}");

    let out = env.run(&["get", "http://no-such-host.invalid/x"]);
    assert_code(&out, 7);
    let err = stderr(&out);
    assert!(err.contains("could not resolve host no-such-host.invalid"), "{err}");
    assert!(!err.contains("dns error") && !err.contains("failed to lookup"), "{err}");
    assert!(err.contains("hint: check the host name no-such-host.invalid"), "{err}");
}

#[test]
fn https_to_a_plain_http_server_asks_whether_it_is_one() {
    let env = Env::new();
    // A real HTTP server answers the TLS greeting with a plain-text 400.
    let serve = Serve::start(env.dir.path(), &[]);
    let plain = serve.url("/doc.json");
    let out = env.run(&["get", &plain.replace("http://", "https://")]);
    assert_code(&out, 7);
    let err = stderr(&out);
    let authority = plain.trim_start_matches("http://").split('/').next().unwrap().to_string();
    assert!(err.contains(&format!("{authority} answered in plain HTTP, not TLS")), "{err}");
    assert!(!err.contains("InvalidContentType"), "{err}");
    assert!(err.contains(&format!("hint: is it an http:// server? then use {plain}")), "{err}");
}

#[test]
fn urls_without_a_scheme_mean_http_for_local_hosts_and_https_elsewhere() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    let port = url.trim_start_matches("http://127.0.0.1:").split('/').next().unwrap().to_string();
    for short in [
        format!("127.0.0.1:{port}/doc.json"),
        format!("localhost:{port}/doc.json"),
        format!(":{port}/doc.json"),
    ] {
        let out = env.run(&["get", &short]);
        assert_code(&out, 0);
        assert_eq!(out.stdout, DOC, "{short}");
    }
    assert_eq!(server.requests_with("GET").len(), 3);
    // Another host means https: no network needed to see which URL it became.
    let out = env.run(&["state", "show", "example.com/config.json"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("no record of https://example.com/config.json"), "{}", stderr(&out));
    let out = env.run(&["state", "show", &format!(":{port}/doc.json")]);
    assert_code(&out, 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("http://localhost:{port}/doc.json")));
}

#[test]
fn a_mistyped_scheme_gets_the_likely_url() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    let rest = url.trim_start_matches("http://");
    for typo in [format!("http//{rest}"), format!("htp://{rest}"), format!("http:/{rest}")] {
        let out = env.run(&["get", &typo]);
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(err.contains("scheme looks mistyped"), "{typo}: {err}");
        assert!(err.contains(&format!("hint: did you mean {url} ?")), "{typo}: {err}");
    }
    let out = env.run(&["get", "htps://example.com/x"]);
    assert!(stderr(&out).contains("hint: did you mean https://example.com/x ?"), "{}", stderr(&out));
    assert!(server.requests().is_empty());
}

#[test]
fn verbose_shows_every_header_that_goes_out() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    let out = env.run(&["get", &url, "-v", "-H", "X-Trace: abc"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    let got = &server.requests()[0];
    for name in ["host", "user-agent", "accept", "x-trace"] {
        let value = got.header(name).unwrap_or_else(|| panic!("the server got no {name}"));
        assert!(err.contains(&format!("> {name}: {value}\n")), "-v lacks {name}: {value}:\n{err}");
    }
    // And for a write, with its body's length.
    let file = env.path("doc.json");
    std::fs::write(&file, b"{\"name\": \"x\"}\n").unwrap();
    let out = env.run(&["put", &url, file.to_str().unwrap(), "-v"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    let put = server.requests_with("PUT").pop().unwrap();
    for name in ["host", "user-agent", "content-length", "if-match", "content-type"] {
        let value = put.header(name).unwrap_or_else(|| panic!("the server got no {name}"));
        assert!(err.contains(&format!("> {name}: {value}\n")), "-v lacks {name}: {value}:\n{err}");
    }
}

#[test]
fn an_unreachable_proxy_is_named_without_its_credentials() {
    let env = Env::new();
    let (_server, url) = server_with_doc(Quirks::default());
    let refused = RefusedPort::new();
    let proxy = format!("http://127.0.0.1:{}", refused.port);
    let out = env.run(&["get", &url, "-x", &proxy]);
    assert_code(&out, 7);
    assert!(stderr(&out).contains(&format!("the proxy {proxy}/ (from --proxy)")), "{}", stderr(&out));
    let with_password = format!("http://user:hunter2@127.0.0.1:{}", refused.port);
    let out = env.cmd(&["get", &url]).env("HTTP_PROXY", &with_password).output().unwrap();
    assert_code(&out, 7);
    let err = stderr(&out);
    assert!(err.contains("(from HTTP_PROXY)") && err.contains("--noproxy 127.0.0.1"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn a_failed_merge_policy_does_not_suggest_itself() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.json", b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n", "application/json");
    let mine = b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n";
    let out = env.run_with_stdin(&["put", &url, "--on-conflict", "merge"], mine);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("the changes conflict in 1 place:"), "{err}");
    assert!(
        err.contains("ifmatch: the server answered 412") && !err.contains("warning: the server answered 412"),
        "{err}"
    );
    let hints: Vec<&str> = err.lines().filter(|l| l.starts_with("hint:")).collect();
    assert!(!hints.iter().any(|h| h.contains("--on-conflict merge")), "{hints:?}");
    assert!(hints.iter().any(|h| h.contains("only a person can merge them")), "{hints:?}");
    assert!(hints.iter().any(|h| h.contains("--on-conflict overwrite")), "{hints:?}");

    // With the default policy and a clean merge, the merge is what to try.
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource(
        "/doc.json",
        b"{\n  \"name\": \"theirs\",\n  \"replicas\": 5\n}\n",
        "application/json",
    );
    let out = env.run_with_stdin(&["put", &url], b"{\n  \"name\": \"demo\",\n  \"replicas\": 6\n}\n");
    assert_code(&out, 3);
    assert!(stderr(&out).contains("merge cleanly: --on-conflict merge or --yes retries"), "{}", stderr(&out));
}

#[test]
fn line_conflicts_are_placed_in_the_merged_text() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/notes.txt", b"a\nb\nc\n", "text/plain");
    let url = server.url("/notes.txt");
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/notes.txt", b"a\nB\nc\n", "text/plain");
    let out = env.run_with_stdin(&["put", &url], b"a\nX\nc\n");
    assert_code(&out, 3);
    assert!(stderr(&out).contains("lines 2-8 of the merged text"), "{}", stderr(&out));
}

#[test]
fn the_editor_failing_says_its_exit_status() {
    let env = Env::new();
    let (_server, url) = server_with_doc(Quirks::default());
    env.editor_exits(1, 1);
    let out = env.run(&["edit", &url]);
    assert_code(&out, 6);
    assert!(stderr(&out).contains("exited with status 1"), "{}", stderr(&out));
}

#[test]
fn other_schemes_are_named() {
    let out = Env::new().run(&["get", "ftp://example.com/file"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("ifmatch speaks only HTTP and HTTPS, not the ftp: scheme"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn not_found_says_check_the_url() {
    let env = Env::new();
    let (server, _url) = server_with_doc(Quirks::default());
    let out = env.run(&["get", &server.url("/missing.json")]);
    assert_code(&out, 4);
    let err = stderr(&out);
    assert!(err.contains("hint: check the URL") && !err.contains("--force"), "{err}");
}

#[test]
fn a_deleted_resource_can_be_created_again() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    assert_code(&env.run(&["get", &url]), 0);
    // Someone deletes it: the write's If-Match fails (412), and the refetch finds nothing.
    server.remove_resource("/doc.json");
    let out = env.run_with_stdin(&["put", &url], b"{\"mine\": 1}\n");
    assert_code(&out, 4);
    let err = stderr(&out);
    assert!(err.contains("may have been deleted") && err.contains("--create"), "{err}");
    assert!(err.contains("your edit is saved at"), "{err}");
}

#[test]
fn serve_with_a_missing_directory_says_so_first() {
    let env = Env::new();
    let missing = env.path("no-such-dir");
    let out = env.run(&["serve", missing.to_str().unwrap(), "--port", "0"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("does not exist"), "{err}");
    assert!(err.contains("hint: create it first (mkdir -p"), "{err}");
    assert!(!err.contains("port"), "{err}");
}

#[test]
fn a_lone_weak_etag_points_to_weak_etag_send() {
    let env = Env::new();
    let (_server, url) =
        server_with_doc(Quirks { weak_etags: true, no_last_modified: true, ..Quirks::default() });
    let out = env.run(&["get", &url]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("--weak-etag send"), "{}", stderr(&out));
    let out = env.run_with_stdin(&["put", &url], b"{}");
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("hint: the server sent only the weak ETag W/\"v1\": --weak-etag send"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn too_large_and_retry_after_are_explained() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let out = env.run_with_stdin(&["put", &server.url("/status/413"), "--force"], b"big");
    assert_code(&out, 4);
    assert!(stderr(&out).contains("size limit"), "{}", stderr(&out));

    let busy = Raw::start("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7", vec![], Duration::ZERO);
    let out = env.run(&["get", &busy.url("/x")]);
    assert_code(&out, 4);
    assert!(
        stderr(&out).contains("hint: the server asks to try again in 7 s (Retry-After)"),
        "{}",
        stderr(&out)
    );
    let down = Raw::start(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: Fri, 31 Dec 2100 23:59:59 GMT",
        vec![],
        Duration::ZERO,
    );
    let out = env.run(&["get", &down.url("/x")]);
    assert_code(&out, 5);
    assert!(stderr(&out).contains("try again after Fri, 31 Dec 2100 23:59:59 GMT"), "{}", stderr(&out));
}

#[test]
fn an_unusable_state_store_points_to_state_dir() {
    let env = Env::new();
    let (_server, url) = server_with_doc(Quirks::default());
    let file = env.path("not-a-dir");
    std::fs::write(&file, b"").unwrap();
    let out = env.run(&["get", &url, "--state-dir", file.to_str().unwrap()]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("hint: the state store is") && err.contains("--state-dir DIR"), "{err}");
}

#[test]
fn unchanged_reports_carry_the_etag_before() {
    let env = Env::new();
    let (_server, url) = server_with_doc(Quirks::default());
    let out = env.run(&["edit", &url, "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["outcome"].as_str(), v["etag_before"].as_str()), (Some("unchanged"), Some("\"v1\"")));
    let out = env.run_with_stdin(&["put", &url, "--json"], DOC);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["outcome"].as_str(), v["etag_before"].as_str()), (Some("unchanged"), Some("\"v1\"")));
}
