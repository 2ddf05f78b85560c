//! `put` of a file or stdin: after a merged write FILE holds what was written (so the next put
//! of FILE cannot revert the other change), and the input checks before anything is sent.

use std::os::unix::fs::PermissionsExt;

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const THEIRS: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n";
const MERGED: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 3\n}\n";

/// `ifmatch get URL -o doc.json`: a working copy of the document.
fn fetched_to_file(env: &Env, url: &str) -> std::path::PathBuf {
    let file = env.path("doc.json");
    assert_code(&env.run(&["get", url, "-o", file.to_str().unwrap()]), 0);
    file
}

fn server_with_doc() -> (FakeServer, String) {
    FakeServer::with_json_doc(Quirks::default(), DOC)
}

#[test]
fn a_second_put_of_the_file_after_a_merge_keeps_the_other_change() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    let file = fetched_to_file(&env, &url);
    let file_arg = file.to_str().unwrap();
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

#[test]
fn an_empty_body_is_refused_unless_allowed() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    assert_code(&env.run(&["get", &url]), 0);
    let out = env.run_with_stdin(&["put", &url], b"");
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("the body from stdin is empty"), "{err}");
    assert!(
        err.contains("hint: check what produced it; to empty the resource on purpose, add --allow-empty"),
        "{err}"
    );
    assert!(server.requests_with("PUT").is_empty());
    let empty = env.path("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    assert_code(&env.run(&["put", &url, empty.to_str().unwrap()]), 2);
    assert!(server.requests_with("PUT").is_empty());

    let out = env.run_with_stdin(&["put", &url, "--allow-empty", "--content-type", "text/plain"], b"");
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!((puts.len(), puts[0].body.len()), (1, 0));
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    assert_eq!(server.body("/doc.json").unwrap(), b"");
}

#[test]
fn invalid_json_for_a_json_resource_is_refused_unless_the_type_says_otherwise() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    assert_code(&env.run(&["get", &url]), 0);
    let file = env.path("doc.json");
    std::fs::write(&file, b"{\n  \"name\": \"demo\",\n  \"replicas\": 2,\n}\n").unwrap();
    let out = env.run(&["put", &url, file.to_str().unwrap(), "--json"]);
    assert_code(&out, 6);
    let err = stderr(&out);
    assert!(err.contains("is not valid JSON") && err.contains("application/json"), "{err}");
    assert!(err.contains(&format!("hint: fix line 4, column 1 of {}", file.display())), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "invalid");
    assert!(server.requests_with("PUT").is_empty());
    assert!(env.recovered_files().is_empty(), "FILE is the copy");

    // --content-type says it is something else: sent as it is.
    let out = env.run(&["put", &url, file.to_str().unwrap(), "--content-type", "text/plain"]);
    assert_code(&out, 0);
    assert_eq!(server.requests_with("PUT")[0].header("content-type"), Some("text/plain"));

    // A large file (streamed, never held in memory) is checked too.
    let big = env.path("big.json");
    let mut text = b"[".to_vec();
    text.extend(std::iter::repeat_n(b"1,".as_slice(), 4_500_000).flatten());
    text.extend_from_slice(b"]");
    std::fs::write(&big, &text).unwrap();
    let out = env.run(&["put", &server.url("/big.json"), big.to_str().unwrap(), "--force"]);
    assert_code(&out, 6);
    assert!(stderr(&out).contains("hint: fix line 1, column 9000002"), "{}", stderr(&out));
    assert_eq!(server.requests_with("PUT").len(), 1);
}

#[test]
fn a_get_in_between_does_not_let_put_file_overwrite() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    let file = fetched_to_file(&env, &url);
    let file_arg = file.to_str().unwrap();
    std::fs::write(&file, MINE).unwrap();
    server.put_resource(
        "/doc.json",
        b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n",
        "application/json",
    );
    // "Just looking": this moves the store's record for the URL on to the colleague's version.
    assert_code(&env.run(&["get", &url]), 0);
    let out = env.run(&["put", &url, file_arg]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("holds the version fetched with ETag \"v1\""), "{}", stderr(&out));
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v1\""));
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n");
    // With the merge policy, both changes end up on the server and in FILE.
    let out = env.run(&["put", &url, file_arg, "--on-conflict", "merge"]);
    assert_code(&out, 0);
    assert_eq!(server.body("/doc.json").unwrap(), MERGED);
    assert_eq!(std::fs::read(&file).unwrap(), MERGED);
}

#[test]
fn a_file_refreshed_by_a_redirected_get_is_written_against_that_version() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    let file = fetched_to_file(&env, &url);
    let file_arg = file.to_str().unwrap();
    server.put_resource("/doc.json", THEIRS, "application/json");
    // The curl habit: refresh the file through stdout; then change it.
    let out = env.run(&["get", &url]);
    assert_code(&out, 0);
    std::fs::write(
        &file,
        String::from_utf8(out.stdout).unwrap().replace("\"replicas\": 1", "\"replicas\": 3"),
    )
    .unwrap();
    let out = env.run(&["put", &url, file_arg]);
    assert_code(&out, 0);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v2\""));
    assert_eq!(server.body("/doc.json").unwrap(), MERGED);
    // Forgetting the resource forgets its working copies too.
    assert_code(&env.run(&["state", "forget", &url]), 0);
    let copies = std::fs::read_dir(env.state_dir().join("copies")).unwrap().count();
    assert_eq!(copies, 0);
}

#[test]
fn a_file_whose_changes_collide_with_a_fetched_deletion_is_not_put_silently() {
    let env = Env::new();
    let doc: String =
        (1..=10).map(|i| format!("keep{i}\n")).chain((1..=10).map(|i| format!("section{i}\n"))).collect();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.txt", doc.as_bytes(), "text/plain");
    let url = server.url("/doc.txt");
    let file = env.path("doc.txt");
    let file_arg = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file_arg]), 0);
    // Someone deletes the section lines; a `get` just to look stores that version.
    let deleted: String = (1..=10).map(|i| format!("keep{i}\n")).collect();
    server.put_resource("/doc.txt", deleted.as_bytes(), "text/plain");
    assert_code(&env.run(&["get", &url]), 0);
    // Meanwhile FILE's section lines are edited.
    std::fs::write(&file, doc.replace("section", "SECTION")).unwrap();
    let out = env.run(&["put", &url, file_arg]);
    assert_code(&out, 3);
    assert_eq!(server.body("/doc.txt").unwrap(), deleted.as_bytes(), "the deletion is not silently undone");
}

#[test]
fn a_working_copy_belongs_to_its_accept_header() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    let file = env.path("doc.json");
    let file_arg = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-H", "Accept: application/json", "-o", file_arg]), 0);
    std::fs::write(&file, MINE).unwrap();
    server.put_resource("/doc.json", THEIRS, "application/json");
    // Without the Accept, FILE's copy (made under it) is not used: there is no record for
    // this representation, so put refuses rather than guess.
    let out = env.run(&["put", &url, file_arg]);
    assert_code(&out, 2);
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
    // With it, the copy's version is used: If-Match v1, then the conflict flow.
    let out = env.run(&["put", &url, file_arg, "-H", "Accept: application/json"]);
    assert_code(&out, 3);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v1\""));
    // Forgetting the plain URL leaves the Accept one's copy alone.
    let _ = env.run(&["state", "forget", &url]);
    assert_eq!(std::fs::read_dir(env.state_dir().join("copies")).unwrap().count(), 2);
}
