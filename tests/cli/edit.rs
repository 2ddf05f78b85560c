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

#[test]
fn a_terminal_editor_without_a_terminal_is_refused_before_any_request() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", DOC, "application/json");
    let url = server.url("/doc.json");
    // The default (vi), and terminal editors set in each variable.
    for (var, value) in
        [("IFMATCH_EDITOR", ""), ("IFMATCH_EDITOR", "vi"), ("VISUAL", "nano"), ("EDITOR", "vim -u NONE")]
    {
        let out = env.cmd(&["edit", &url]).env_remove("IFMATCH_EDITOR").env(var, value).output().unwrap();
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(err.contains("needs a terminal"), "{var}={value}: {err}");
        assert!(err.contains(&format!("ifmatch apply {url} -- CMD")), "{err}");
        assert!(err.contains(&format!("ifmatch put {url} FILE")), "{err}");
    }
    assert!(server.requests().is_empty(), "refused before any request");
    // An editor that needs no terminal (here the scripted one) still runs.
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 2");
    assert_code(&env.run(&["edit", &url]), 0);
    assert_eq!(env.editor_runs(), 1);
}

#[test]
fn a_missing_editor_is_named_before_any_request_with_one_that_exists() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", DOC, "application/json");
    // A machine whose only editor is mg.
    let bin = env.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let mg = bin.join("mg");
    std::fs::write(&mg, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&mg, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = env
        .cmd(&["edit", &server.url("/doc.json")])
        .env("PATH", &bin)
        .env("IFMATCH_EDITOR", "no-such-editor --wait")
        .output()
        .unwrap();
    assert_code(&out, 6);
    let err = stderr(&out);
    assert!(err.contains("`no-such-editor` (from IFMATCH_EDITOR) is not installed"), "{err}");
    assert!(
        err.contains("hint: set IFMATCH_EDITOR to an editor installed here, e.g. IFMATCH_EDITOR=mg"),
        "{err}"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn only_adding_or_removing_the_final_newline_is_no_change() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let without = b"{\"replicas\": 1}";
    server.put_resource("/a.json", without, "application/json");
    server.put_resource("/b.json", DOC, "application/json");
    // vim adds a final newline on save; another editor may drop one.
    env.editor_writes(1, b"{\"replicas\": 1}\n");
    env.editor_writes(2, &DOC[..DOC.len() - 1]);
    for path in ["/a.json", "/b.json"] {
        let out = env.run(&["edit", &server.url(path), "--json"]);
        assert_code(&out, 0);
        assert!(stderr(&out).contains("no changes; nothing sent"), "{path}: {}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["outcome"], "unchanged");
    }
    assert!(server.requests_with("PUT").is_empty());
    assert_eq!(server.body("/a.json").unwrap(), without);
    // A real change next to it is sent as saved.
    env.editor_writes(3, b"{\"replicas\": 2}\n");
    assert_code(&env.run(&["edit", &server.url("/a.json")]), 0);
    assert_eq!(server.body("/a.json").unwrap(), b"{\"replicas\": 2}\n");
}
