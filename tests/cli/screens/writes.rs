//! Writes as they print without a terminal: a plain edit, conflicts settled or refused by the
//! policy (put, apply), the "no validator" refusals of put and apply, a failed write that keeps
//! the edit, and `diff`.

use crate::support::Env;
use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::screen::{assert_screen, run};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const RENAMED: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n";

fn server(quirks: Quirks) -> FakeServer {
    let server = FakeServer::start(quirks);
    server.put_resource("/doc.json", DOC, "application/json");
    server
}

/// `ifmatch get URL -o FILE`, then FILE changed to [`MINE`].
fn fetched_and_changed(env: &Env, url: &str) -> String {
    let file = env.path("doc.json");
    let file = file.to_str().unwrap();
    assert_eq!(env.run(&["get", url, "-o", file]).status.code(), Some(0));
    std::fs::write(file, MINE).unwrap();
    file.to_string()
}

#[test]
fn a_plain_edit() {
    let env = Env::new();
    let server = server(Quirks::default());
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    assert_screen("edit_written", &run(&env, &["edit", &server.url("/doc.json")]));
}

#[test]
fn an_edit_left_unchanged() {
    let env = Env::new();
    let server = server(Quirks::default());
    assert_screen("edit_unchanged", &run(&env, &["edit", &server.url("/doc.json")]));
}

#[test]
fn a_get_to_a_file_then_a_put() {
    let env = Env::new();
    let server = server(Quirks::default());
    let url = server.url("/doc.json");
    let file = env.path("doc.json");
    let file = file.to_str().unwrap();
    assert_screen("get_to_file", &run(&env, &["get", &url, "-o", file]));
    std::fs::write(file, MINE).unwrap();
    assert_screen("put_file_written", &run(&env, &["put", &url, file]));
}

#[test]
fn put_merges_a_clean_conflict_when_told_to() {
    let env = Env::new();
    let server = server(Quirks::default());
    let url = server.url("/doc.json");
    let file = fetched_and_changed(&env, &url);
    server.put_resource("/doc.json", RENAMED, "application/json");
    assert_screen("put_412_merged", &run(&env, &["put", &url, &file, "--on-conflict", "merge"]));
}

#[test]
fn put_refuses_a_colliding_conflict_without_a_terminal() {
    let env = Env::new();
    let server = server(Quirks::default());
    let url = server.url("/doc.json");
    let file = fetched_and_changed(&env, &url);
    server.put_resource("/doc.json", b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n", "application/json");
    assert_screen("put_412_colliding_refused", &run(&env, &["put", &url, &file]));
}

#[test]
fn apply_reruns_its_command_after_a_412() {
    let env = Env::new();
    let server = server(Quirks::default());
    server.change_after(1, "/doc.json", RENAMED);
    let args = ["apply", &server.url("/doc.json"), "--", "sed", "s/\"replicas\": 1/\"replicas\": 3/"];
    assert_screen("apply_412_rerun", &run(&env, &args));
}

#[test]
fn apply_out_of_retries() {
    let env = Env::new();
    let server = server(Quirks::default());
    server.change_after(1, "/doc.json", RENAMED);
    let args = ["apply", &server.url("/doc.json"), "--retries", "0", "--", "sed", "s/1/2/"];
    assert_screen("apply_412_out_of_retries", &run(&env, &args));
}

#[test]
fn apply_with_a_command_that_fails() {
    let env = Env::new();
    let server = server(Quirks::default());
    let args = ["apply", &server.url("/doc.json"), "--", "sh", "-c", "echo 'cannot parse that' >&2; exit 4"];
    assert_screen("apply_command_failed", &run(&env, &args));
}

#[test]
fn a_weak_etag_sent_anyway_and_refused() {
    let env = Env::new();
    let server = server(Quirks { weak_etags: true, ..Quirks::default() });
    let args = ["apply", &server.url("/doc.json"), "--weak-etag", "send", "--", "sed", "s/demo/x/"];
    assert_screen("apply_weak_etag_refused", &run(&env, &args));
}

#[test]
fn no_validator_refusals_of_put_and_apply() {
    let env = Env::new();
    let server = server(Quirks { no_etag: true, no_last_modified: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    let file = env.path("doc.json");
    let file = file.to_str().unwrap();
    assert_screen("get_no_validator", &run(&env, &["get", &url, "-o", file]));
    std::fs::write(file, MINE).unwrap();
    assert_screen("put_no_validator", &run(&env, &["put", &url, file]));
    assert_screen("apply_no_validator", &run(&env, &["apply", &url, "--", "sed", "s/demo/x/"]));
}

#[test]
fn a_server_error_on_the_write_keeps_the_edit() {
    let env = Env::new();
    let server = server(Quirks { write_status: Some(500), ..Quirks::default() });
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    assert_screen("error_edit_write_500_kept", &run(&env, &["edit", &server.url("/doc.json")]));
}

#[test]
fn diff_of_the_server_changes() {
    let env = Env::new();
    let server = server(Quirks::default());
    let url = server.url("/doc.json");
    assert_screen("diff_without_base", &run(&env, &["diff", &url]));
    assert_eq!(env.run(&["get", &url]).status.code(), Some(0));
    assert_screen("diff_no_changes", &run(&env, &["diff", &url]));
    server.put_resource("/doc.json", RENAMED, "application/json");
    assert_screen("diff_server_changes", &run(&env, &["diff", &url]));
}
