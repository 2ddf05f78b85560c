//! Interop with a version kept in the body: pouchdb-server (CouchDB's HTTP API, `_rev` in the
//! document, 409 on a stale one, a weak ETag on GET). Ignored by a plain `cargo test`; `.ci/run`
//! installs it and runs `cargo test -- --ignored interop`. Each test starts its own server.

use crate::support::pouchdb::{self, Pouch};
use crate::support::{Env, assert_code, bin, stderr};

/// A database `db` holding `doc` at `/db/cfg`, and the document's URL.
fn with_doc(server: &Pouch, doc: &serde_json::Value) -> String {
    let (status, body) = server.request("PUT", "/db", None);
    assert_eq!(status, 201, "PUT /db: {}", String::from_utf8_lossy(&body));
    let (status, body) = server.request("PUT", "/db/cfg", Some(doc.to_string().as_bytes()));
    assert_eq!(status, 201, "PUT /db/cfg: {}", String::from_utf8_lossy(&body));
    server.url("/db/cfg")
}

fn start_doc() -> serde_json::Value {
    serde_json::json!({"service": "checkout", "replicas": 1, "timeout_ms": 1000})
}

/// Someone else's change: the current document with `key` set, written with its `_rev`.
fn change_by_someone_else(server: &Pouch, key: &str, value: serde_json::Value) -> serde_json::Value {
    let mut doc = server.doc("/db/cfg");
    doc[key] = value;
    let (status, body) = server.request("PUT", "/db/cfg", Some(doc.to_string().as_bytes()));
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    server.doc("/db/cfg")
}

#[test]
#[ignore = "interop: needs pouchdb-server; .ci/run installs it and runs `cargo test -- --ignored interop`"]
fn pouchdb_edit_meets_409_merges_and_retries() {
    let server = pouchdb::start();
    let url = with_doc(&server, &start_doc());
    let env = Env::new();
    let out = env.run(&["get", &url, "-v"]);
    assert_code(&out, 0);
    let rev1 = server.doc("/db/cfg")["_rev"].as_str().unwrap().to_string();
    assert!(stderr(&out).contains(&format!("version field /_rev = {rev1}")), "{}", stderr(&out));

    // While the editor is open, someone else (another client, with a store of its own) changes
    // timeout_ms with the _rev it fetched.
    let mut theirs = server.doc("/db/cfg");
    theirs["timeout_ms"] = 2000.into();
    let theirs_file = env.path("theirs.json");
    std::fs::write(&theirs_file, theirs.to_string()).unwrap();
    env.editor_hook(
        1,
        &format!(
            "IFMATCH_STATE_DIR={} {} put {url} {} --version-field /_rev -q",
            env.path("other-state").display(),
            bin(),
            theirs_file.display()
        ),
    );
    env.editor_replaces(1, "\"replicas\":1", "\"replicas\":3");
    let out = env.run(&["edit", &url, "--yes"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("409 Conflict"), "{err}\n{}", server.log());
    assert!(err.contains("the two changes merge cleanly"), "{err}");
    let now = server.doc("/db/cfg");
    assert_eq!(now["replicas"], 3, "{err}");
    assert_eq!(now["timeout_ms"], 2000, "theirs is kept");
    assert!(now["_rev"].as_str().unwrap().starts_with("3-"), "{now}");

    // The record holds the new _rev: the next edit writes without a conflict round.
    env.editor_replaces(2, "\"replicas\":3", "\"replicas\":4");
    let out = env.run(&["edit", &url]);
    assert_code(&out, 0);
    assert!(!stderr(&out).contains("409 Conflict"), "{}", stderr(&out));
    assert_eq!(server.doc("/db/cfg")["replicas"], 4);
}

#[test]
#[ignore = "interop: needs pouchdb-server; .ci/run installs it and runs `cargo test -- --ignored interop`"]
fn pouchdb_stale_put_without_a_terminal_exits_3_then_merges() {
    let server = pouchdb::start();
    let url = with_doc(&server, &start_doc());
    let env = Env::new();
    let file = env.path("cfg.json");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    let theirs = change_by_someone_else(&server, "timeout_ms", 2000.into());
    let mut mine: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    mine["replicas"] = 3.into();
    std::fs::write(&file, mine.to_string()).unwrap();

    // No terminal, no policy: exit 3, theirs kept, the text saved.
    let out = env.run(&["put", &url, file.to_str().unwrap()]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("409 Conflict"), "{}", stderr(&out));
    assert_eq!(server.doc("/db/cfg"), theirs, "theirs is kept");
    assert_eq!(env.recovered().len(), 1, "{}", stderr(&out));

    // With --on-conflict merge: both changes, on the current _rev.
    let out = env.run(&["put", &url, file.to_str().unwrap(), "--on-conflict", "merge"]);
    assert_code(&out, 0);
    let now = server.doc("/db/cfg");
    assert_eq!((now["replicas"].clone(), now["timeout_ms"].clone()), (3.into(), 2000.into()), "{now}");
    assert!(now["_rev"].as_str().unwrap().starts_with("3-"), "{now}");
}
