//! The store after a process is killed (kill -9) at any point of a `get -o` or a `put`, and
//! bases over the size limit kept as a digest.

use std::process::Stdio;
use std::time::Duration;

use super::records;
use crate::support::serve::Serve;
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

/// Every record and copy record parses. A base file need not match its record: a kill between
/// the base's rename and the record's leaves a newer base, which the digest the record names
/// keeps from ever being used (see the state module's unit tests).
#[track_caller]
fn assert_store_consistent(env: &Env) {
    for (path, bytes) in records(env) {
        if path.to_string_lossy().contains(".corrupt-") {
            panic!("a record was found corrupt: {}", path.display());
        }
        let record: serde_json::Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{} does not parse ({e})", path.display()));
        assert!(record["url"].is_string(), "{}", path.display());
    }
    let copies = env.state_dir().join("copies");
    for entry in std::fs::read_dir(&copies).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let bytes = std::fs::read(&path).unwrap();
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{} does not parse ({e})", path.display()));
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn killed_at_any_point_a_get_or_put_leaves_a_consistent_store_and_no_edit_lost() {
    let env = Env::new();
    let docs = env.path("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("doc.json"), DOC).unwrap();
    let serve = Serve::start(&docs, &[]);
    let url = serve.url("/doc.json");
    let file = env.path("doc.json");
    let file_arg = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file_arg]), 0);
    // Sixteen runs, each killed after a different delay: early ones die before anything is
    // written, later ones at the store's writes or after the run is done. What is asserted
    // holds wherever the kill lands.
    for round in 0..16u64 {
        let text = format!("{{\n  \"name\": \"demo\",\n  \"replicas\": {}\n}}\n", 100 + round);
        let args: Vec<&str> = if round % 2 == 0 {
            // --force: a killed put leaves FILE with changes the server lacks, which a plain
            // get -o refuses to replace.
            vec!["get", &url, "-o", file_arg, "--force"]
        } else {
            std::fs::write(&file, &text).unwrap();
            vec!["put", &url, file_arg, "--on-conflict", "overwrite"]
        };
        let mut child = env.cmd(&args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(round * 3));
        let _ = child.kill();
        let _ = child.wait();
        assert_store_consistent(&env);
        if round % 2 == 1 {
            // The text is on the server, or kept in recovered/, or still in the file itself
            // (killed before anything was read): never nowhere.
            let on_server = std::fs::read(docs.join("doc.json")).unwrap() == text.as_bytes();
            let kept = env.recovered().iter().any(|p| std::fs::read(p).unwrap() == text.as_bytes());
            let in_file = std::fs::read(&file).unwrap() == text.as_bytes();
            assert!(on_server || kept || in_file, "round {round}: the edit is lost");
        }
    }
    // The store still works: a fresh get and a changed put go through.
    assert_code(&env.run(&["get", &url, "-o", file_arg, "--force"]), 0);
    std::fs::write(&file, b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n").unwrap();
    assert_code(&env.run(&["put", &url, file_arg]), 0);
    assert_store_consistent(&env);
}

/// A pretty JSON document of about `len` bytes whose `"replicas"` is `replicas`.
fn doc_of(len: usize, replicas: u32) -> Vec<u8> {
    let items: Vec<String> = (0..len / 20).map(|i| format!("    \"item {i:06}\"")).collect();
    format!("{{\n  \"replicas\": {replicas},\n  \"items\": [\n{}\n  ]\n}}\n", items.join(",\n")).into_bytes()
}

#[test]
fn a_body_over_the_base_limit_is_kept_as_a_digest_and_the_412_flow_says_why_no_merge() {
    let env = Env::new();
    let docs = env.path("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("big.json"), doc_of(4096, 1)).unwrap();
    let serve = Serve::start(&docs, &[]);
    let url = serve.url("/big.json");
    let file = env.path("big.json");
    let file_arg = file.to_str().unwrap();
    let limited = |args: &[&str]| env.cmd(args).env("IFMATCH_BASE_LIMIT", "1k").output().unwrap();
    assert_code(&limited(&["get", &url, "-o", file_arg]), 0);
    assert_eq!(std::fs::read(&file).unwrap(), doc_of(4096, 1));
    // Only the digest is kept: no base file in the store, none for the working copy.
    let [(_, record)] = &records(&env)[..] else { panic!("one record") };
    let record: serde_json::Value = serde_json::from_slice(record).unwrap();
    assert_eq!(record["base_sha256"], sha256_hex(&doc_of(4096, 1)));
    let stored_bodies: Vec<_> = crate::support::files_under(&env.state_dir())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "body" || e == "base"))
        .collect();
    assert!(stored_bodies.is_empty(), "{stored_bodies:?}");
    // The digest still finds an unchanged body: nothing is sent.
    let out = limited(&["put", &url, file_arg]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("no changes"), "{}", stderr(&out));
    assert!(serve.log_of("PUT").is_empty());
    // A change on both sides: no merge is offered, and the flow says why.
    std::fs::write(docs.join("big.json"), doc_of(4096, 2)).unwrap();
    std::fs::write(&file, doc_of(4096, 3)).unwrap();
    let out = limited(&["put", &url, file_arg, "--on-conflict", "merge"]);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("no merge offered: the base of"), "{err}");
    assert!(err.contains("kept only as its digest") && err.contains("IFMATCH_BASE_LIMIT"), "{err}");
    assert_eq!(std::fs::read(docs.join("big.json")).unwrap(), doc_of(4096, 2), "theirs is untouched");
    assert_eq!(std::fs::read(&file).unwrap(), doc_of(4096, 3), "mine is untouched");
    // With the default limit the same document is kept in full and merges.
    // FILE still holds the unsent change (3): a get refuses to replace it, even with only the
    // digest kept; --force discards it on purpose.
    std::fs::write(docs.join("big.json"), doc_of(4096, 1)).unwrap();
    assert_code(&env.run(&["get", &url, "-o", file_arg]), 2);
    assert_eq!(std::fs::read(&file).unwrap(), doc_of(4096, 3), "mine is untouched");
    assert_code(&env.run(&["get", &url, "-o", file_arg, "--force"]), 0);
    let theirs = String::from_utf8(doc_of(4096, 1)).unwrap().replacen("item 000000", "ITEM 000000", 1);
    std::fs::write(docs.join("big.json"), theirs).unwrap();
    std::fs::write(&file, doc_of(4096, 4)).unwrap();
    let out = env.run(&["put", &url, file_arg, "--on-conflict", "merge"]);
    assert_code(&out, 0);
    let merged = String::from_utf8(std::fs::read(docs.join("big.json")).unwrap()).unwrap();
    assert!(merged.contains("\"replicas\": 4") && merged.contains("ITEM 000000"), "both changes");
}
