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

/// The options listed by `ifmatch ARGS --help`: every `-x`/`--long` at the start of a line.
fn listed_options(env: &Env, args: &[&str]) -> Vec<String> {
    let mut full = args.to_vec();
    full.push("--help");
    let out = env.run(&full);
    assert_code(&out, 0);
    stdout(&out)
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('-').map(|rest| format!("-{rest}")))
        .flat_map(|l| {
            l.split([',', ' ', '<', '['])
                .filter(|w| w.starts_with('-') && w.len() > 1)
                .map(str::to_string)
                .collect::<Vec<_>>()
                .into_iter()
                .take(2)
        })
        .collect()
}

#[test]
fn every_subcommand_help_groups_its_options() {
    let env = Env::new();
    for (sub, headings) in [
        (&["get"][..], &["HTTP options:", "Credentials and TLS:", "Output and state options:"][..]),
        (&["diff"], &["HTTP options:", "Credentials and TLS:", "Output and state options:"]),
        (
            &["doctor"],
            &["HTTP options:", "Credentials and TLS:", "Conflict options:", "Output and state options:"],
        ),
        (
            &["edit"],
            &["HTTP options:", "Credentials and TLS:", "Conflict options:", "Output and state options:"],
        ),
        (
            &["put"],
            &["HTTP options:", "Credentials and TLS:", "Conflict options:", "Output and state options:"],
        ),
        (
            &["apply"],
            &["HTTP options:", "Credentials and TLS:", "Conflict options:", "Output and state options:"],
        ),
        (&["state", "list"], &["Output and state options:"]),
        (&["serve"], &["Output and state options:"]),
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        let help = stdout(&env.run(&args));
        for heading in headings {
            assert!(help.contains(heading), "{sub:?} --help lacks {heading}:\n{help}");
        }
        let (own, _) = help.split_once(headings[0]).unwrap();
        assert!(!own.contains("--state-dir"), "{sub:?}: grouped options stay out of its own list");
    }
}

#[test]
fn each_command_lists_only_the_options_it_uses() {
    let env = Env::new();
    let network = ["--cacert", "--insecure", "--proxy", "--noproxy", "--user", "--timeout", "--verbose"];
    let conflict = ["--on-conflict", "--conflict-status", "--yes", "--follow-writes"];
    for sub in [
        &["state", "list"][..],
        &["state", "path"],
        &["state", "show"],
        &["state", "forget"],
        &["demo"],
        &["serve"],
    ] {
        let listed = listed_options(&env, sub);
        for option in network.iter().chain(&conflict) {
            assert!(!listed.iter().any(|o| o == option), "{sub:?} lists {option}: {listed:?}");
        }
        assert!(listed.iter().any(|o| o == "--quiet"), "{sub:?} lacks --quiet: {listed:?}");
    }
    for sub in ["get", "diff"] {
        let listed = listed_options(&env, &[sub]);
        for option in conflict {
            assert!(!listed.iter().any(|o| o == option), "{sub} lists {option}: {listed:?}");
        }
        for option in network.iter().chain(&["--quiet", "--state-dir", "--fail", "--location"]) {
            assert!(listed.iter().any(|o| o == option), "{sub} lacks {option}: {listed:?}");
        }
    }
    for sub in ["edit", "put", "apply"] {
        let listed = listed_options(&env, &[sub]);
        for option in network.iter().chain(&conflict).chain(&["--quiet", "--state-dir", "--weak-etag"]) {
            assert!(listed.iter().any(|o| o == option), "{sub} lacks {option}: {listed:?}");
        }
    }
    // state show and forget choose the record by Accept, so they take -H.
    assert!(listed_options(&env, &["state", "show"]).iter().any(|o| o == "--header"));
    // Options a command does not take are refused, with clap's usage error.
    let out = env.run(&["get", "http://127.0.0.1:9/x", "--on-conflict", "abort"]);
    assert_code(&out, 2);
    let out = env.run(&["state", "list", "--cacert", "x.pem"]);
    assert_code(&out, 2);
}

#[test]
fn quiet_leaves_only_errors_on_stderr() {
    let env = Env::new();
    let server = FakeServer::start(Quirks { no_etag: true, no_last_modified: true, ..Quirks::default() });
    server.put_resource("/doc.json", b"{\"a\": 1}\n", "application/json");
    let url = server.url("/doc.json");
    // Without -q, a server without validators is warned about.
    let out = env.run(&["get", &url]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("warning:"), "{}", stderr(&out));
    for quiet in ["-q", "--quiet", "-s", "--silent"] {
        let out = env.run(&["get", &url, quiet]);
        assert_code(&out, 0);
        assert_eq!(stderr(&out), "", "{quiet}");
        assert_eq!(out.stdout, b"{\"a\": 1}\n", "{quiet}: the body still goes to stdout");
    }
    let out = env.run(&["state", "forget", &url, "-q"]);
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "");
    // Errors still show, with their hints.
    let out = env.run(&["state", "forget", &url, "-q"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("error:") && stderr(&out).contains("hint:"), "{}", stderr(&out));
}

#[test]
fn curl_habits_get_answers() {
    let env = Env::new();
    let (server, url) = server_with_doc();
    // -f and -L are what ifmatch does anyway.
    let out = env.run(&["get", "-f", "-L", &url]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, b"{\"a\": 1}\n");
    let missing = server.url("/missing");
    assert_code(&env.run(&["get", "--fail", "--location", &missing]), 4);
    let help = stdout(&env.run(&["get", "--help"]));
    assert!(help.contains("--fail") && help.contains("no effect"), "{help}");
    // -d and -X point to the commands that write.
    let requests = server.requests().len();
    for (args, put) in [
        (&["put", &url, "-d", "{}"][..], "`ifmatch put URL FILE`, or pipe it in: `… | ifmatch put URL -`"),
        (&["get", &url, "--data", "{}"], "`ifmatch put URL FILE`"),
        (&["put", &url, "-d", "@new.json"], "to write that file: `ifmatch put URL new.json`"),
        (&["put", &url, "--data-binary", "@-"], "to write stdin: `ifmatch put URL -`"),
        (&["get", "-X", "PUT", &url], "`ifmatch put URL FILE` (or - for stdin)"),
    ] {
        let out = env.run(args);
        assert_code(&out, 2);
        let err = stderr(&out);
        assert!(err.contains(put) && err.contains("ifmatch apply URL -- CMD"), "{args:?}: {err}");
        assert!(!err.contains("pass it as a value"), "{err}");
    }
    assert_eq!(server.requests().len(), requests, "nothing was sent");
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
    let help: Vec<(String, String)> = ifmatch::EXIT_CODES
        .lines()
        .skip(1)
        .map(|l| {
            let (code, meaning) = l.trim().split_once(' ').unwrap();
            (code.to_string(), meaning.trim().to_string())
        })
        .collect();
    assert_eq!(rows, help, "README's exit table differs from cli::EXIT_CODES");
}
