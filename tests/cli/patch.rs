//! `--patch merge|json|auto`: what goes on the wire (method, Content-Type, body, If-Match),
//! the refusals, and the conflict flow with patches recomputed from the new base.

use serde_json::{Value, json};

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::serve::Serve;
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

fn server_with_doc(quirks: Quirks) -> FakeServer {
    let server = FakeServer::start(quirks);
    server.put_resource("/doc.json", DOC, "application/json");
    server
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("JSON")
}

#[test]
fn edit_with_merge_patch() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 4");
    let out = env.run(&["edit", &url, "--patch", "merge"]);
    assert_code(&out, 0);
    assert!(server.requests_with("PUT").is_empty());
    let patch = &server.requests_with("PATCH")[0];
    assert_eq!(patch.header("content-type"), Some("application/merge-patch+json"));
    assert_eq!(patch.header("if-match"), Some("\"v1\""));
    assert_eq!(patch.body, br#"{"replicas":4}"#);
    assert_eq!(json_of(&server.body("/doc.json").unwrap()), json!({"name": "demo", "replicas": 4}));
    assert!(stderr(&out).contains("with PATCH (application/merge-patch+json)"), "{}", stderr(&out));

    // The stored base is the server's serialization of the result, fetched under its new ETag.
    let show: Value = json_of(&env.run(&["state", "show", &url, "--json"]).stdout);
    assert_eq!(show["etag"], "\"v2\"");
    assert_eq!(show["base_len"], server.body("/doc.json").unwrap().len());
}

#[test]
fn put_with_json_patch_sends_test_ops() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    let mine = b"{\n  \"name\": \"demo\",\n  \"replicas\": 2,\n  \"owner\": null\n}\n";
    let out = env.run_with_stdin(&["put", &url, "--patch", "json"], mine);
    assert_code(&out, 0);
    let patch = &server.requests_with("PATCH")[0];
    assert_eq!(patch.header("content-type"), Some("application/json-patch+json"));
    assert_eq!(patch.header("if-match"), Some("\"v1\""));
    let ops = json_of(&patch.body);
    assert_eq!(
        ops,
        json!([
            {"op": "test", "path": "/replicas", "value": 1},
            {"op": "replace", "path": "/replicas", "value": 2},
            {"op": "add", "path": "/owner", "value": null},
        ])
    );
    assert_eq!(json_of(&server.body("/doc.json").unwrap()), json_of(mine));
}

#[test]
fn refusals_are_usage_errors_that_send_nothing() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    // A merge patch cannot set null; the edit is kept.
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": null");
    let out = env.run(&["edit", &url, "--patch", "merge"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("cannot set /replicas to null"), "{err}");
    assert!(err.contains("--patch json"), "{err}");
    assert_eq!(env.recovered().len(), 1, "the edit is kept");

    // No stored base for put.
    let env = Env::new();
    let out = env.run_with_stdin(&["put", &url, "--patch", "json", "--if-match", "\"v1\""], b"{}");
    assert_code(&out, 2);
    assert!(stderr(&out).contains(&format!("ifmatch get {url}")), "{}", stderr(&out));

    // Not JSON.
    server.put_resource("/notes.txt", b"one\n", "text/plain");
    let notes = server.url("/notes.txt");
    assert_code(&env.run(&["get", &notes]), 0);
    let out = env.run_with_stdin(&["put", &notes, "--patch", "merge"], b"two\n");
    assert_code(&out, 2);
    assert!(stderr(&out).contains("needs a JSON resource"), "{}", stderr(&out));
    assert!(server.requests_with("PATCH").is_empty() && server.requests_with("PUT").is_empty());
}

#[test]
fn auto_uses_what_accept_patch_offers() {
    let env = Env::new();
    let server = server_with_doc(Quirks {
        accept_patch: Some("application/merge-patch+json".into()),
        ..Quirks::default()
    });
    let url = server.url("/doc.json");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 6");
    assert_code(&env.run(&["edit", &url, "--patch", "auto"]), 0);
    let patch = &server.requests_with("PATCH")[0];
    assert_eq!(patch.header("content-type"), Some("application/merge-patch+json"));
    assert_eq!(patch.body, br#"{"replicas":6}"#);

    // put --patch auto uses the Accept-Patch stored by get.
    let env = Env::new();
    assert_code(&env.run(&["get", &url]), 0);
    let mine = String::from_utf8(server.body("/doc.json").unwrap()).unwrap().replace('6', "7");
    assert_code(&env.run_with_stdin(&["put", &url, "--patch", "auto"], mine.as_bytes()), 0);
    assert_eq!(server.requests_with("PATCH").len(), 2);

    // A server that offers nothing gets a PUT.
    let env = Env::new();
    let plain = server_with_doc(Quirks::default());
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 6");
    assert_code(&env.run(&["edit", &plain.url("/doc.json"), "--patch", "auto"]), 0);
    assert!(plain.requests_with("PATCH").is_empty());
    assert_eq!(plain.requests_with("PUT").len(), 1);
}

#[test]
fn a_412_recomputes_the_patch_from_the_new_base() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    server.change_after(1, "/doc.json", b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 9");
    let out = env.run(&["edit", &url, "--patch", "merge", "--on-conflict", "merge"]);
    assert_code(&out, 0);
    let patches = server.requests_with("PATCH");
    assert_eq!(patches.len(), 2);
    assert_eq!(patches[0].header("if-match"), Some("\"v1\""));
    assert_eq!(patches[1].header("if-match"), Some("\"v2\""));
    assert_eq!(patches[1].body, br#"{"replicas":9}"#, "only the retry's change");
    assert_eq!(json_of(&server.body("/doc.json").unwrap()), json!({"name": "theirs", "replicas": 9}));
}

#[test]
fn a_failed_json_patch_test_is_a_field_level_conflict() {
    // A server that ignores If-Match: only the patch's test ops guard the write.
    let quirks = Quirks { ignore_preconditions: true, ..Quirks::default() };

    // Their change to another field does not stop the patch.
    let env = Env::new();
    let server = server_with_doc(quirks.clone());
    let url = server.url("/doc.json");
    server.change_after(1, "/doc.json", b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    assert_code(&env.run(&["edit", &url, "--patch", "json"]), 0);
    assert_eq!(json_of(&server.body("/doc.json").unwrap()), json!({"name": "theirs", "replicas": 3}));

    // Their change to the same field fails the test: 409, refetch, the conflict is shown and
    // (by policy here) aborted, and their value stays.
    let env = Env::new();
    let server = server_with_doc(quirks.clone());
    let url = server.url("/doc.json");
    let theirs = b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n";
    server.change_after(1, "/doc.json", theirs);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let out = env.run(&["edit", &url, "--patch", "json"]);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("409") && err.contains("test operation failed"), "{err}");
    assert!(err.contains("base → theirs"), "the flow shows their change: {err}");
    assert_eq!(server.body("/doc.json").unwrap(), theirs);
    assert_eq!(env.recovered().len(), 1);

    // With --on-conflict overwrite the retry's patch tests their value and replaces it.
    let env = Env::new();
    let server = server_with_doc(quirks);
    let url = server.url("/doc.json");
    server.change_after(1, "/doc.json", theirs);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    assert_code(&env.run(&["edit", &url, "--patch", "json", "--on-conflict", "overwrite"]), 0);
    let patches = server.requests_with("PATCH");
    assert_eq!(patches.len(), 2);
    assert_eq!(
        json_of(&patches[1].body),
        json!([{"op": "test", "path": "/replicas", "value": 5}, {"op": "replace", "path": "/replicas", "value": 3}])
    );
    assert_eq!(json_of(&server.body("/doc.json").unwrap())["replicas"], 3);
}

#[test]
fn patch_against_ifmatch_serve() {
    let env = Env::new();
    let docs = env.path("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("doc.json"), DOC).unwrap();
    let serve = Serve::start(&docs, &[]);
    let url = serve.url("/doc.json");
    // serve advertises Accept-Patch; auto picks JSON Patch.
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 2");
    let out = env.run(&["edit", &url, "--patch", "auto"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("application/json-patch+json"), "{}", stderr(&out));
    let patches = serve.log_of("PATCH");
    assert_eq!(patches.len(), 1, "{:?}", serve.log());
    assert!(patches[0].starts_with("PATCH /doc.json 204 if-match=\""), "{patches:?}");
    assert!(serve.log_of("PUT").is_empty());
    assert_eq!(
        std::fs::read(docs.join("doc.json")).unwrap(),
        b"{\n  \"name\": \"demo\",\n  \"replicas\": 2\n}\n"
    );

    // A merge patch removing a member.
    env.editor_writes(2, b"{\n  \"replicas\": 2\n}\n");
    assert_code(&env.run(&["edit", &url, "--patch", "merge"]), 0);
    assert_eq!(json_of(&std::fs::read(docs.join("doc.json")).unwrap()), json!({"replicas": 2}));
    // Nothing that `diff` would show: the stored base is what serve wrote.
    assert_code(&env.run(&["diff", &url]), 0);
}
