//! JSON nested deeper than serde_json's 128-level limit: valid everywhere (`put`, `edit`,
//! `apply`, the merge), checked without recursion, merged by lines; never a stack overflow.

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

/// A JSON document with `depth` nested arrays on one line between two plain members.
fn deep_doc(depth: usize, name: &str, replicas: u32) -> Vec<u8> {
    let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    format!("{{\n  \"name\": \"{name}\",\n  \"deep\": {deep},\n  \"replicas\": {replicas}\n}}\n").into_bytes()
}

/// `ifmatch edit` with an editor that replaces `from` with `to` (sed: the test's fake editor
/// is a shell loop, far too slow on a 200 kB line).
fn edit(env: &Env, args: &[&str], from: &str, to: &str) -> std::process::Output {
    std::fs::write(env.path("sed-editor.sh"), "#!/bin/sh\nsed -i \"s/$FROM/$TO/\" \"$1\"\n").unwrap();
    env.cmd(args)
        .env("IFMATCH_EDITOR", format!("sh {}", env.path("sed-editor.sh").display()))
        .env("FROM", from)
        .env("TO", to)
        .output()
        .unwrap()
}

#[track_caller]
fn assert_json(bytes: &[u8]) {
    assert!(
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok(),
        "{}",
        String::from_utf8_lossy(bytes)
    );
}

#[test]
fn deep_json_is_valid_for_put_edit_and_apply_alike() {
    for depth in [200, 100_000] {
        let env = Env::new();
        let (server, url) = FakeServer::with_json_doc(Quirks::default(), &deep_doc(depth, "demo", 1));
        assert_code(&env.run(&["get", &url]), 0);

        let out = env.run_with_stdin(&["put", &url], &deep_doc(depth, "demo", 2));
        assert_code(&out, 0);
        assert_eq!(server.body("/doc.json").unwrap(), deep_doc(depth, "demo", 2));

        let out = edit(&env, &["edit", &url], "\"replicas\": 2", "\"replicas\": 3");
        assert_code(&out, 0);
        assert_eq!(server.body("/doc.json").unwrap(), deep_doc(depth, "demo", 3), "{}", stderr(&out));

        let out = env.run(&["apply", &url, "--", "sed", "s/\"replicas\": 3/\"replicas\": 4/"]);
        assert_code(&out, 0);
        assert_eq!(server.body("/doc.json").unwrap(), deep_doc(depth, "demo", 4), "{}", stderr(&out));

        // Still a JSON check: broken deep JSON is refused by each, with the same exit code.
        let broken = &deep_doc(depth, "demo", 5)[..depth];
        assert_code(&env.run_with_stdin(&["put", &url], broken), 6);
        assert_code(&env.run(&["apply", &url, "--", "head", "-c", &depth.to_string()]), 6);
        assert_eq!(server.body("/doc.json").unwrap(), deep_doc(depth, "demo", 4));
    }
}

#[test]
fn deep_json_is_sent_whole_never_patched_and_the_refusal_says_why() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), &deep_doc(200, "demo", 1));
    let out = edit(&env, &["edit", &url, "--patch", "json"], "\"replicas\": 1", "\"replicas\": 2");
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("nests deeper than 128 levels"), "{err}");
    assert!(!err.contains("not valid JSON"), "{err}");
    assert!(server.requests_with("PATCH").is_empty() && server.requests_with("PUT").is_empty());
    assert_eq!(env.recovered().len(), 1, "the text is kept: {err}");
}

#[test]
fn deep_json_merges_by_lines_into_json() {
    for depth in [200, 100_000] {
        let env = Env::new();
        let (server, url) = FakeServer::with_json_doc(Quirks::default(), &deep_doc(depth, "demo", 1));
        // Someone renames it between the edit's GET and its PUT.
        server.change_after(1, "/doc.json", &deep_doc(depth, "theirs", 1));
        let out = edit(&env, &["edit", &url, "--on-conflict", "merge"], "\"replicas\": 1", "\"replicas\": 7");
        assert_code(&out, 0);
        let merged = server.body("/doc.json").unwrap();
        assert_eq!(merged, deep_doc(depth, "theirs", 7), "{}", stderr(&out));
        assert_json(&merged);
    }
}
