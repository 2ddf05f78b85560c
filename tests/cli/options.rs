//! Options and their environment: help grouped under headings, usage lines that stay short,
//! `-x`, `-u` against a bearer token, `IFMATCH_LOCK_TIMEOUT`, `--bearer-file`, and where
//! `get -o` writes.

use std::path::Path;

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr, stdout};

fn server_with_doc() -> (FakeServer, String) {
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", b"{\"a\": 1}\n", "application/json");
    let url = server.url("/doc.json");
    (server, url)
}

#[test]
fn every_subcommand_help_groups_the_global_options() {
    let env = Env::new();
    for sub in ["get", "edit", "put", "apply", "diff", "doctor"] {
        let out = env.run(&[sub, "--help"]);
        assert_code(&out, 0);
        let help = stdout(&out);
        for heading in
            ["HTTP options:", "Credentials and TLS:", "Conflict options:", "Output and state options:"]
        {
            assert!(help.contains(heading), "{sub} --help lacks {heading}:\n{help}");
        }
        let (own, _) = help.split_once("HTTP options:").unwrap();
        assert!(!own.contains("--on-conflict"), "{sub}: global options stay out of its own list");
    }
}

#[test]
fn the_state_dir_variable_stays_out_of_usage_lines() {
    let env = Env::new();
    // Env::cmd sets IFMATCH_STATE_DIR, as a user's shell profile might.
    let out = env.run(&["get"]);
    assert_code(&out, 2);
    let usage = stderr(&out);
    assert!(usage.contains("Usage: ifmatch get"), "{usage}");
    assert!(!usage.contains("--state-dir"), "{usage}");
    // It still chooses the store.
    let (_server, url) = server_with_doc();
    assert_code(&env.run(&["get", &url]), 0);
    assert_eq!(std::fs::read_dir(env.state_dir().join("records")).unwrap().count(), 1);
}

#[test]
fn x_is_the_proxy_option() {
    let env = Env::new();
    let proxy = FakeServer::start(Quirks::default());
    proxy.put_resource("http://origin.invalid/doc", b"via proxy\n", "text/plain");
    let out = env.run(&["get", "http://origin.invalid/doc", "-x", &proxy.url("")]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, b"via proxy\n");
}

#[test]
fn user_and_bearer_token_exclude_each_other() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    let out = env.cmd(&["get", &url, "-u", "alice:pw", "--bearer-env", "T"]).env("T", "t").output().unwrap();
    assert_code(&out, 2);
    assert!(stderr(&out).contains("cannot be used with"), "{}", stderr(&out));
    let token = env.path("token");
    std::fs::write(&token, "t\n").unwrap();
    assert_code(&env.run(&["get", &url, "-u", "alice:pw", "--bearer-file", token.to_str().unwrap()]), 2);
    assert!(server.requests().is_empty());
}

#[test]
fn a_missing_bearer_file_is_a_usage_error() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    let out = env.run(&["get", &url, "--bearer-file", env.path("no-such-token").to_str().unwrap()]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("--bearer-file"), "{}", stderr(&out));
    assert!(server.requests().is_empty());
}

#[test]
fn an_invalid_lock_timeout_is_named_and_the_default_used() {
    let env = Env::new();
    let (_server, url) = server_with_doc();
    let out = env.cmd(&["get", &url]).env("IFMATCH_LOCK_TIMEOUT", "soon").output().unwrap();
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("IFMATCH_LOCK_TIMEOUT=\"soon\"") && err.contains("default 10 s"), "{err}");
}

#[test]
fn the_lock_timeout_comes_from_the_environment() {
    let env = Env::new();
    let (_server, url) = server_with_doc();
    assert_code(&env.run(&["get", &url]), 0);
    // Another process holds the store's lock (this test process, through its own handle) for
    // longer than ifmatch is willing to wait.
    let lock = std::fs::OpenOptions::new().write(true).open(env.state_dir().join("lock")).unwrap();
    lock.lock().unwrap();
    let out = env.cmd(&["get", &url]).env("IFMATCH_LOCK_TIMEOUT", "0.2").output().unwrap();
    lock.unlock().unwrap();
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("waiting for the lock") && err.contains("IFMATCH_LOCK_TIMEOUT"), "{err}");
}

#[test]
fn output_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    let env = Env::new();
    let (_server, url) = server_with_doc();
    let real = env.path("real.json");
    std::fs::write(&real, b"old").unwrap();
    let link = env.path("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    assert_code(&env.run(&["get", &url, "-o", link.to_str().unwrap()]), 0);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(std::fs::read(&real).unwrap(), b"{\"a\": 1}\n");
    // A dangling link gets its target created.
    let dangling = env.path("dangling.json");
    std::os::unix::fs::symlink("created.json", &dangling).unwrap();
    assert_code(&env.run(&["get", &url, "-o", dangling.to_str().unwrap()]), 0);
    assert_eq!(std::fs::read(env.path("created.json")).unwrap(), b"{\"a\": 1}\n");
}

#[test]
fn output_into_a_missing_directory_names_the_path_given() {
    let env = Env::new();
    let (_server, url) = server_with_doc();
    let target = env.path("no/such/dir/doc.json");
    let out = env.run(&["get", &url, "-o", target.to_str().unwrap()]);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains(target.to_str().unwrap()) && err.contains("does not exist"), "{err}");
    assert!(err.contains("hint: create it first (mkdir -p"), "{err}");
    assert!(!err.contains(".part"), "{err}");
}

#[test]
fn the_readme_exit_table_is_the_one_in_help() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let (_, table) = readme.split_once("| code | meaning |").expect("README has the exit table");
    let rows: Vec<(String, String)> = table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect();
    let help: Vec<(String, String)> = ifmatch::cli::EXIT_CODES
        .lines()
        .skip(1)
        .map(|l| {
            let (code, meaning) = l.trim().split_once(' ').unwrap();
            (code.to_string(), meaning.trim().to_string())
        })
        .collect();
    assert_eq!(rows, help, "README's exit table differs from cli::EXIT_CODES");
}
