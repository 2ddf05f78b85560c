//! The state commands' reports: what is stored for a resource, with a kept edit and without.

use crate::support::Env;
use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::screen::{assert_screen, run};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

#[test]
fn state_list_show_and_forget() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", DOC, "application/json");
    let url = server.url("/doc.json");
    assert_screen("state_list_empty", &run(&env, &["state", "list"]));
    assert_screen("state_show_unknown", &run(&env, &["state", "show", &url]));
    assert_eq!(env.run(&["get", &url]).status.code(), Some(0));
    assert_screen("state_list", &run(&env, &["state", "list"]));
    assert_screen("state_show", &run(&env, &["state", "show", &url]));
    // A failed editor keeps the edit: the record shows it.
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    env.editor_exits(1, 1);
    assert_eq!(env.run(&["edit", &url]).status.code(), Some(6));
    assert_screen("state_show_with_kept_edit", &run(&env, &["state", "show", &url]));
    assert_screen("state_forget", &run(&env, &["state", "forget", &url]));
}
