//! doctor's reports, as text and as JSON: against `ifmatch serve` (strong ETags, everything
//! enforced) and against a server that ignores If-Match on writes.

use crate::support::Env;
use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::screen::{assert_screen, run, run_json};
use crate::support::serve::Serve;

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

fn served(env: &Env) -> Serve {
    let dir = env.path("docs");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("doc.json"), DOC).unwrap();
    Serve::start(&dir, &[])
}

fn unprotected() -> FakeServer {
    let server = FakeServer::start(Quirks { ignore_if_match_on_put: true, ..Quirks::default() });
    server.put_resource("/doc.json", DOC, "application/json");
    server
}

#[test]
fn doctor_on_serve() {
    let env = Env::new();
    let serve = served(&env);
    let url = serve.url("/doc.json");
    assert_screen("doctor_serve", &run(&env, &["doctor", &url]));
    assert_screen("doctor_serve_json", &run_json(&env, &["doctor", &url, "--json"]));
}

#[test]
fn doctor_on_serve_with_the_write_probe() {
    let env = Env::new();
    let serve = served(&env);
    let url = serve.url("/doc.json");
    assert_screen("doctor_serve_write_probe", &run(&env, &["doctor", &url, "--write-probe", "--yes"]));
}

#[test]
fn doctor_on_a_server_that_ignores_if_match_on_writes() {
    let env = Env::new();
    let server = unprotected();
    let url = server.url("/doc.json");
    assert_screen("doctor_unprotected", &run(&env, &["doctor", &url]));
    assert_screen("doctor_unprotected_write_probe", &run(&env, &["doctor", &url, "--write-probe", "--yes"]));
    assert_screen("doctor_unprotected_remembered", &run(&env, &["doctor", &url]));
    assert_screen("doctor_unprotected_remembered_json", &run_json(&env, &["doctor", &url, "--json"]));
}

#[test]
fn doctor_json_on_a_server_that_ignores_if_match_on_writes() {
    let env = Env::new();
    let server = unprotected();
    let url = server.url("/doc.json");
    assert_screen(
        "doctor_unprotected_write_probe_json",
        &run_json(&env, &["doctor", &url, "--write-probe", "--yes", "--json"]),
    );
}

#[test]
fn doctor_on_a_server_with_no_validator() {
    let env = Env::new();
    let server = FakeServer::start(Quirks { no_etag: true, no_last_modified: true, ..Quirks::default() });
    server.put_resource("/doc.json", DOC, "application/json");
    assert_screen("doctor_no_validator", &run(&env, &["doctor", &server.url("/doc.json")]));
}
