//! `ifmatch diff URL [FILE]`: the diff on stdout, diff(1)'s exit status, and the store left
//! untouched.

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr, stdout};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const THEIRS: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";

fn server_with_doc() -> FakeServer {
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", DOC, "application/json");
    server
}

#[test]
fn without_a_stored_base_it_says_to_get_first() {
    let env = Env::new();
    let server = server_with_doc();
    let url = server.url("/doc.json");
    let out = env.run(&["diff", &url]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains(&format!("hint: run `ifmatch get {url}` first")), "{}", stderr(&out));
    assert!(server.requests().is_empty(), "nothing fetched");
}

#[test]
fn server_changes_since_the_base() {
    let env = Env::new();
    let server = server_with_doc();
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);

    let out = env.run(&["diff", &url]);
    assert_code(&out, 0);
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("no differences"), "{}", stderr(&out));

    server.put_resource("/doc.json", THEIRS, "application/json");
    let out = env.run(&["diff", &url]);
    assert_code(&out, 1);
    assert_eq!(
        stdout(&out),
        "--- base\n+++ theirs\n@@ -1,4 +1,4 @@\n {\n-  \"name\": \"demo\",\n+  \"name\": \"theirs\",\n   \"replicas\": 1\n }\n"
    );
    assert!(stderr(&out).is_empty(), "exit 1 here is not an error: {}", stderr(&out));
    assert_eq!(server.requests_with("GET").last().unwrap().header("cache-control"), Some("no-cache"));

    // diff records nothing: the base is still the one get stored.
    assert_code(&env.run(&["diff", &url]), 1);
    let show: serde_json::Value =
        serde_json::from_slice(&env.run(&["state", "show", &url, "--json"]).stdout).unwrap();
    assert_eq!(show["etag"], "\"v1\"");
}

#[test]
fn a_file_against_the_server() {
    let env = Env::new();
    let server = server_with_doc();
    let url = server.url("/doc.json");
    let file = env.path("mine.json");
    std::fs::write(&file, DOC).unwrap();
    assert_code(&env.run(&["diff", &url, file.to_str().unwrap()]), 0);

    std::fs::write(&file, b"{\n  \"name\": \"demo\",\n  \"replicas\": 2\n}\n").unwrap();
    let out = env.run(&["diff", &url, file.to_str().unwrap()]);
    assert_code(&out, 1);
    let text = stdout(&out);
    assert!(text.starts_with(&format!("--- theirs\n+++ {}\n", file.display())), "{text}");
    assert!(text.contains("-  \"replicas\": 1\n+  \"replicas\": 2\n"), "{text}");

    let out = env.run_with_stdin(&["diff", &url, "-"], THEIRS);
    assert_code(&out, 1);
    assert!(stdout(&out).starts_with("--- theirs\n+++ stdin\n"), "{}", stdout(&out));
    assert!(server.requests_with("PUT").is_empty());
}

#[test]
fn json_and_color() {
    let env = Env::new();
    let server = server_with_doc();
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.json", THEIRS, "application/json");

    let out = env.run(&["diff", &url, "--json"]);
    assert_code(&out, 1);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["command"], "diff");
    assert_eq!(report["equal"], false);
    assert_eq!(report["from"], "base");
    assert_eq!(report["to"], "theirs");
    assert_eq!(report["etag_from"], "\"v1\"");
    assert_eq!(report["etag_to"], "\"v2\"");
    assert_eq!((report["added"].as_u64(), report["removed"].as_u64()), (Some(1), Some(1)));
    assert!(report["diff"].as_str().unwrap().contains("+  \"name\": \"theirs\","));

    let out = env.run(&["diff", &url, "--color", "always"]);
    assert_code(&out, 1);
    assert!(stdout(&out).contains("\x1b[32m+  \"name\": \"theirs\","), "{:?}", stdout(&out));
    let out = env.run(&["diff", &url]);
    assert!(!stdout(&out).contains('\x1b'), "NO_COLOR and a pipe: no colors");
}
