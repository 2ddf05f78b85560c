//! `edit` before anything is written: an emptied file cancels, and a redirected resource is
//! refused before the editor opens (writes are never re-targeted).

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

#[test]
fn an_emptied_file_cancels_the_edit() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", DOC, "application/json");
    env.editor_writes(1, b"  \n");
    let out = env.run(&["edit", &server.url("/doc.json"), "--json"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("the file is empty: edit cancelled, nothing sent"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("invalid JSON"), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "cancelled");
    assert!(server.requests_with("PUT").is_empty());
    assert_eq!(server.body("/doc.json").unwrap(), DOC);
    assert!(env.recovered_files().is_empty());
    assert_eq!(env.editor_runs(), 1, "not reopened");
}

#[test]
fn a_redirected_resource_is_refused_before_the_editor() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", DOC, "application/json");
    server.redirect("/old.json", 301, "/doc.json");
    let out = env.run(&["edit", &server.url("/old.json")]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("redirects to"), "{err}");
    assert!(
        err.contains(&format!("hint: edit the final URL: ifmatch edit {}", server.url("/doc.json"))),
        "{err}"
    );
    assert_eq!(env.editor_runs(), 0);
    assert!(server.requests_with("PUT").is_empty());
    assert_code(&env.run(&["state", "show", &server.url("/old.json")]), 2);
}
