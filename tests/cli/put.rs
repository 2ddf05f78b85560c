//! `put` of a file or stdin: after a merged write FILE holds what was written (so the next put
//! of FILE cannot revert the other change), and the input checks before anything is sent.

use std::os::unix::fs::PermissionsExt;

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const THEIRS: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n";
const MERGED: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 3\n}\n";

fn server_with_doc() -> (FakeServer, String) {
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", DOC, "application/json");
    let url = server.url("/doc.json");
    (server, url)
}

#[test]
fn a_second_put_of_the_file_after_a_merge_keeps_the_other_change() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    let file = env.path("doc.json");
    let file_arg = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file_arg]), 0);
    std::fs::write(&file, MINE).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    server.put_resource("/doc.json", THEIRS, "application/json");

    let out = env.run(&["put", &url, file_arg, "--on-conflict", "merge"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains(&format!("updated {file_arg} to the merged version that was written")), "{err}");
    assert_eq!(server.body("/doc.json").unwrap(), MERGED);
    assert_eq!(std::fs::read(&file).unwrap(), MERGED, "FILE holds what was written");
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);

    // The same put again: nothing to send, and their change stays.
    let out = env.run(&["put", &url, file_arg]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("no changes"), "{}", stderr(&out));
    assert_eq!(server.requests_with("PUT").len(), 2);
    assert_eq!(server.body("/doc.json").unwrap(), MERGED);
}

#[test]
fn a_merged_put_from_stdin_says_the_input_lacked_the_other_change() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.json", THEIRS, "application/json");
    let out = env.run_with_stdin(&["put", &url, "--yes"], MINE);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("your input lacked the other change"), "{err}");
    assert!(err.contains(&format!("`ifmatch get {url}`")), "{err}");
    assert_eq!(server.body("/doc.json").unwrap(), MERGED);
}
