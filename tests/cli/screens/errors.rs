//! The main errors, each with its hints and exit code, as printed without a terminal.

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::screen::{assert_screen, run};
use crate::support::{Env, RefusedPort};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

fn server(quirks: Quirks) -> FakeServer {
    let server = FakeServer::start(quirks);
    server.put_resource("/doc.json", DOC, "application/json");
    server
}

#[test]
fn not_found() {
    let env = Env::new();
    let server = server(Quirks::default());
    assert_screen("error_get_404", &run(&env, &["get", &server.url("/missing.json")]));
}

#[test]
fn server_error() {
    let env = Env::new();
    let server = server(Quirks::default());
    assert_screen("error_get_503", &run(&env, &["get", &server.url("/status/503")]));
}

#[test]
fn connection_refused() {
    let env = Env::new();
    let refused = RefusedPort::new();
    assert_screen("error_get_refused", &run(&env, &["get", &refused.url("/doc.json")]));
}

#[test]
fn usage_errors() {
    let env = Env::new();
    assert_screen("usage_missing_url", &run(&env, &["get"]));
    assert_screen("usage_unknown_command", &run(&env, &["fetch", "http://127.0.0.1:9/x"]));
    assert_screen(
        "usage_bad_value",
        &run(&env, &["edit", "http://127.0.0.1:9/x", "--on-conflict", "sometimes"]),
    );
    assert_screen("usage_not_a_url", &run(&env, &["get", "not a url"]));
}

#[test]
fn put_without_a_stored_validator() {
    let env = Env::new();
    let server = server(Quirks::default());
    let file = env.path("doc.json");
    std::fs::write(&file, DOC).unwrap();
    assert_screen(
        "error_put_no_stored_validator",
        &run(&env, &["put", &server.url("/doc.json"), file.to_str().unwrap()]),
    );
}

#[test]
fn edit_of_a_resource_with_no_validator() {
    let env = Env::new();
    let server = server(Quirks { no_etag: true, no_last_modified: true, ..Quirks::default() });
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    assert_screen("error_edit_no_validator", &run(&env, &["edit", &server.url("/doc.json")]));
}

#[test]
fn a_refused_write_keeps_the_edit() {
    let env = Env::new();
    let server = server(Quirks { write_status: Some(403), ..Quirks::default() });
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    assert_screen("error_edit_write_refused_kept", &run(&env, &["edit", &server.url("/doc.json")]));
}

#[test]
fn a_conflict_without_a_terminal_names_the_ways_on() {
    let env = Env::new();
    let server = server(Quirks::default());
    server.change_after(1, "/doc.json", b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    assert_screen("error_edit_412_no_terminal", &run(&env, &["edit", &server.url("/doc.json")]));
}

#[test]
fn a_failed_editor_keeps_the_edit() {
    let env = Env::new();
    let server = server(Quirks::default());
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    env.editor_exits(1, 1);
    assert_screen("error_edit_editor_failed", &run(&env, &["edit", &server.url("/doc.json")]));
}
