//! A text is written against the version it came from: `put URL FILE` sends the validator of the
//! newest version fetched (or written) before FILE was last modified, never one fetched after
//! the text was written, so a change made in between meets the 412 flow.

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, read, stderr};

const DOC: &[u8] = b"{\n  \"x\": 1,\n  \"y\": 1\n}\n";
/// The colleague's change.
const THEIRS: &[u8] = b"{\n  \"x\": 1,\n  \"y\": 2\n}\n";
/// Derived from DOC.
const OUT: &[u8] = b"{\n  \"x\": 9,\n  \"y\": 1\n}\n";
const MERGED: &[u8] = b"{\n  \"x\": 9,\n  \"y\": 2\n}\n";

/// `get URL -o in.json`; out.json derived from it; a colleague's change; a later `get URL`
/// (another terminal, a script) moves the store's record on to that change.
fn derived_then_refetched(env: &Env) -> (FakeServer, String, std::path::PathBuf) {
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let input = env.path("in.json");
    assert_code(&env.run(&["get", &url, "-o", input.to_str().unwrap()]), 0);
    assert_eq!(read(&input), DOC);
    let out = env.path("out.json");
    std::fs::write(&out, OUT).unwrap();
    server.put_resource("/doc.json", THEIRS, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    (server, url, out)
}

#[test]
fn a_derived_file_is_written_with_the_validator_of_the_version_it_came_from() {
    let env = Env::new();
    let (server, url, out) = derived_then_refetched(&env);
    let result = env.run(&["put", &url, out.to_str().unwrap()]);
    assert_code(&result, 3);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""), "the ETag in.json came with");
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS, "the colleague's change survives");
    let err = stderr(&result);
    assert!(err.contains("writing against the version fetched before it (ETag \"v1\")"), "{err}");
    // `state show` lists the versions remembered, oldest first.
    let show = env.run(&["state", "show", &url]);
    assert_code(&show, 0);
    let text = crate::support::stdout(&show);
    let versions: Vec<&str> = text.lines().filter(|l| l.starts_with("version:")).collect();
    assert_eq!(versions.len(), 2, "{text}");
    assert!(versions[0].contains("\"v1\"") && versions[1].contains("\"v2\""), "{text}");
}

#[test]
fn a_derived_file_merges_against_the_base_it_came_from() {
    let env = Env::new();
    let (server, url, out) = derived_then_refetched(&env);
    let result = env.run(&["put", &url, out.to_str().unwrap(), "--on-conflict", "merge"]);
    assert_code(&result, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""));
    assert_eq!(server.body("/doc.json").unwrap(), MERGED, "both changes");
    assert_eq!(read(&out), MERGED, "out.json holds what was written");
}

#[test]
fn a_file_older_than_every_fetch_is_refused_unless_named_explicitly() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = env.path("old.json");
    std::fs::write(&file, OUT).unwrap();
    server.put_resource("/doc.json", THEIRS, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    let result = env.run(&["put", &url, file.to_str().unwrap()]);
    assert_code(&result, 2);
    let err = stderr(&result);
    assert!(
        err.contains(&format!(
            "{} was last changed before ifmatch fetched any version of {url}",
            file.display()
        )),
        "{err}"
    );
    assert!(err.contains("--if-match ETAG (the version fetched last has ETag \"v2\")"), "{err}");
    assert!(server.requests_with("PUT").is_empty());
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
    // --if-match stays the explicit override.
    let result = env.run(&["put", &url, file.to_str().unwrap(), "--if-match", "\"v2\""]);
    assert_code(&result, 0);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v2\""));
    assert_eq!(server.body("/doc.json").unwrap(), OUT);
}

#[test]
fn stdin_is_written_with_the_current_record_as_before() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.json", THEIRS, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    let result = env.run_with_stdin(&["put", &url], OUT);
    assert_code(&result, 0);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v2\""));
}

#[test]
fn a_file_derived_after_a_write_uses_that_write_s_validator() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let out = env.run(&["get", &url]);
    assert_code(&out, 0);
    let first = env.path("first.json");
    std::fs::write(&first, OUT).unwrap();
    assert_code(&env.run(&["put", &url, first.to_str().unwrap()]), 0);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v1\""));
    // A second file derived from what was just written goes out with that write's ETag.
    let second = env.path("second.json");
    std::fs::write(&second, MERGED).unwrap();
    assert_code(&env.run(&["put", &url, second.to_str().unwrap()]), 0);
    assert_eq!(server.requests_with("PUT")[1].header("if-match"), Some("\"v2\""));
    assert_eq!(server.body("/doc.json").unwrap(), MERGED);
}

#[test]
fn a_store_without_history_still_works_and_starts_one() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    assert_code(&env.run(&["get", &url]), 0);
    // A store written before there was a version history.
    std::fs::remove_dir_all(env.state_dir().join("history")).unwrap();
    // The record's own fetch time has one-second resolution: a file written in the same
    // second would count as older than it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = env.path("out.json");
    std::fs::write(&out, OUT).unwrap();
    server.put_resource("/doc.json", THEIRS, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    // The old record's version (and its base) became the first one in the history.
    let result = env.run(&["put", &url, out.to_str().unwrap(), "--on-conflict", "merge"]);
    assert_code(&result, 0);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v1\""));
    assert_eq!(server.body("/doc.json").unwrap(), MERGED);
}

#[test]
fn the_history_keeps_the_last_eight_versions() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = env.path("early.json");
    assert_code(&env.run(&["get", &url]), 0);
    std::fs::write(&file, OUT).unwrap();
    for n in 2..=10 {
        server.put_resource("/doc.json", format!("{{\"n\": {n}}}").as_bytes(), "application/json");
        assert_code(&env.run(&["get", &url]), 0);
    }
    // The same version fetched again is not a new one.
    assert_code(&env.run(&["get", &url]), 0);
    let history = env.state_dir().join("history");
    let bases = std::fs::read_dir(&history)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "body"))
        .count();
    assert_eq!(bases, 8);
    // The version early.json came from is gone: it is refused, not written against a later one.
    let result = env.run(&["put", &url, file.to_str().unwrap()]);
    assert_code(&result, 2);
    assert!(server.requests_with("PUT").is_empty());
    // --force writes it unconditionally, as for a URL never fetched.
    let result = env.run(&["put", &url, file.to_str().unwrap(), "--force"]);
    assert_code(&result, 0);
    assert!(stderr(&result).contains("writing without a precondition (--force)"), "{}", stderr(&result));
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), None);
    assert_eq!(server.body("/doc.json").unwrap(), OUT);
    // Forgetting the resource forgets its history.
    assert_code(&env.run(&["state", "forget", &url]), 0);
    assert_eq!(std::fs::read_dir(&history).unwrap().count(), 0);
}

#[test]
fn a_file_derived_from_a_get_to_stdout_is_written_against_that_fetch() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    // `ifmatch get URL | jq … > out.json`: the body went through a pipe, not to a working copy.
    let fetched = env.run(&["get", &url]);
    assert_code(&fetched, 0);
    let out = env.path("out.json");
    std::fs::write(&out, String::from_utf8(fetched.stdout).unwrap().replace("\"x\": 1", "\"x\": 9")).unwrap();
    server.put_resource("/doc.json", THEIRS, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    let result = env.run(&["put", &url, out.to_str().unwrap()]);
    assert_code(&result, 3);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v1\""));
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
}
