//! Recovered edits: kept before the first write (a kill or a signal never loses them), paired
//! with the base and validators they came from so that `edit --resume` cannot revert someone
//! else's change, never duplicated or empty, and kept by `state forget` unless asked.

use std::process::Stdio;
use std::time::Duration;

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const THEIRS: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";

fn server_with_doc(quirks: Quirks) -> (FakeServer, String) {
    FakeServer::with_json_doc(quirks, DOC)
}

/// An edit whose editor exits 1 after setting "replicas" to `n`: the text is kept.
fn failed_edit(env: &Env, url: &str, run: usize, n: u32) {
    env.editor_replaces(run, "\"replicas\": 1", &format!("\"replicas\": {n}"));
    env.editor_exits(run, 1);
    assert_code(&env.run(&["edit", url]), 6);
}

#[test]
fn resume_writes_with_the_saved_validator_after_a_later_get() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    failed_edit(&env, &url, 1, 3);
    let kept = env.recovered();
    assert_eq!(kept.len(), 1);
    assert_eq!(env.recovered_base(&kept[0]).unwrap(), DOC, "the base is kept beside the text");
    assert_eq!(env.recovered_meta(&kept[0])["etag"], "\"v1\"");

    // A colleague renames it; then a `get` stores their version as the base, with ETag v2.
    server.put_resource("/doc.json", THEIRS, "application/json");
    assert_code(&env.run(&["get", &url]), 0);

    let out = env.run(&["edit", &url, "--resume", "--on-conflict", "merge"]);
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""), "the resumed text goes with its own ETag");
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""));
    assert_eq!(
        server.body("/doc.json").unwrap(),
        b"{\n  \"name\": \"theirs\",\n  \"replicas\": 3\n}\n",
        "their change survives and yours is merged in"
    );
    assert!(env.recovered_files().is_empty(), "text and sidecars are gone after the write");

    // Off a terminal without a policy, the same resume stops instead of reverting theirs.
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    failed_edit(&env, &url, 1, 3);
    server.put_resource("/doc.json", THEIRS, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    assert_code(&env.run(&["edit", &url, "--resume"]), 3);
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
    assert_eq!(env.recovered().len(), 1);
}

#[test]
fn resume_without_a_saved_base_asks_the_policy() {
    // A text kept by an older ifmatch: no sidecars at all.
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    failed_edit(&env, &url, 1, 3);
    for sidecar in env.recovered_files() {
        let name = sidecar.to_string_lossy().into_owned();
        if name.ends_with(".base") || name.ends_with(".meta.json") {
            std::fs::remove_file(sidecar).unwrap();
        }
    }
    server.put_resource("/doc.json", THEIRS, "application/json");
    let out = env.run(&["edit", &url, "--resume", "--yes"]);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("saved without its base"), "{err}");
    assert!(err.contains("theirs → mine"), "the difference is shown: {err}");
    assert!(server.requests_with("PUT").is_empty(), "nothing written");
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
    let out = env.run(&["edit", &url, "--resume", "--on-conflict", "overwrite"]);
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts[0].header("if-match"), Some("\"v2\""), "the overwrite is still conditional");
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n");

    // A put with an explicit ETag and no stored base: the text is kept with that ETag only.
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    server.put_resource("/doc.json", THEIRS, "application/json");
    let mine = b"{\n  \"name\": \"demo\",\n  \"replicas\": 9\n}\n";
    assert_code(&env.run_with_stdin(&["put", &url, "--if-match", "\"v1\""], mine), 3);
    let kept = env.recovered();
    assert_eq!(env.recovered_base(&kept[0]), None);
    assert_eq!(env.recovered_meta(&kept[0])["etag"], "\"v1\"");
    let out = env.run(&["edit", &url, "--resume", "--yes"]);
    assert_code(&out, 3);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[1].header("if-match"), Some("\"v1\""));
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS, "--yes does not overwrite without a base");
}

#[test]
fn a_binary_recovered_edit_is_not_opened() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    let blob = b"\x89PNG\r\n\x1a\n\0\xff";
    assert_code(&env.run_with_stdin(&["put", &url, "--if-match", "\"old\""], blob), 3);
    assert_eq!(std::fs::read(&env.recovered()[0]).unwrap(), blob);
    let out = env.run(&["edit", &url, "--resume"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("is binary (not UTF-8 text)"), "{err}");
    assert!(err.contains("--if-match '\"old\"'"), "{err}");
    assert_eq!(env.editor_runs(), 0);
    assert_eq!(server.requests_with("PUT").len(), 1);
}

#[test]
fn several_recovered_edits_are_listed_and_the_newest_resumed() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    failed_edit(&env, &url, 1, 3);
    failed_edit(&env, &url, 2, 4);
    let kept = env.recovered();
    assert_eq!(kept.len(), 2);
    let out = env.run(&["edit", &url, "--resume"]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("there are 2 saved edits"), "{err}");
    assert!(err.contains(&kept[0].display().to_string()), "the other is named: {err}");
    assert!(String::from_utf8_lossy(&env.editor_saw(3)).contains("\"replicas\": 4"), "the newest");
    assert!(String::from_utf8_lossy(&server.body("/doc.json").unwrap()).contains("\"replicas\": 4"));
    assert_eq!(env.recovered(), vec![kept[0].clone()], "the older one is still there");
}

#[test]
fn identical_and_empty_texts_are_not_kept_twice_or_at_all() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    server.put_resource("/doc.json", THEIRS, "application/json");
    let mine = b"{\"mine\": 1}\n";
    for _ in 0..2 {
        assert_code(&env.run_with_stdin(&["put", &url, "--if-match", "\"v1\""], mine), 3);
    }
    assert_eq!(env.recovered().len(), 1, "the same failed put twice keeps one copy");

    // An editor that empties the file and fails leaves nothing to keep.
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    env.editor_writes(1, b"");
    env.editor_exits(1, 1);
    assert_code(&env.run(&["edit", &url]), 6);
    assert!(env.recovered_files().is_empty());
    assert!(server.requests_with("PUT").is_empty());

    // A resume that fails again replaces the resumed copy instead of adding one.
    let env = Env::new();
    let (_server, url) = server_with_doc(Quirks::default());
    failed_edit(&env, &url, 1, 3);
    env.editor_replaces(2, "\"replicas\": 3", "\"replicas\": 5");
    env.editor_exits(2, 1);
    assert_code(&env.run(&["edit", &url, "--resume"]), 6);
    let kept = env.recovered();
    assert_eq!(kept.len(), 1);
    assert!(String::from_utf8_lossy(&std::fs::read(&kept[0]).unwrap()).contains("\"replicas\": 5"));
    assert_eq!(env.recovered_base(&kept[0]).unwrap(), DOC, "still paired with the original base");
}

#[test]
fn state_forget_keeps_recovered_edits_unless_asked() {
    let env = Env::new();
    let (_server, url) = server_with_doc(Quirks::default());
    failed_edit(&env, &url, 1, 3);
    let kept = env.recovered();
    let out = env.run(&["state", "forget", &url]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(
        err.contains("kept 1 recovered edit(s)") && err.contains(&kept[0].display().to_string()),
        "{err}"
    );
    assert!(err.contains("--recovered"), "{err}");
    assert_eq!(env.recovered(), kept);
    // The record is gone, but `state show` still points at the kept edits.
    let show = env.run(&["state", "show", &url]);
    assert_code(&show, 0);
    assert!(crate::support::stdout(&show).contains("recovered:"), "{}", crate::support::stdout(&show));

    // Only recovered edits left: forget says so, and --recovered deletes them with their sidecars.
    let out = env.run(&["state", "forget", &url]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("only 1 recovered edit(s)"), "{}", stderr(&out));
    let out = env.run(&["state", "forget", &url, "--recovered", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["recovered_removed"][0], kept[0].display().to_string());
    assert!(env.recovered_files().is_empty());
}

/// Starts `edit` against a server that holds the PUT, and returns once the PUT is in flight.
fn edit_until_the_put_is_in_flight(env: &Env, server: &FakeServer, url: &str) -> std::process::Child {
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 7");
    let mut child = env.cmd(&["edit", url]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    for _ in 0..400 {
        if !server.requests_with("PUT").is_empty() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the PUT never arrived");
}

fn kill(child: &std::process::Child, signal: &str) {
    let status = std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
}

#[test]
fn a_killed_write_leaves_the_edit_in_recovered() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks { put_delay_ms: 10_000, ..Quirks::default() });
    let child = edit_until_the_put_is_in_flight(&env, &server, &url);
    // SIGKILL cannot be caught: only what was on disk before the write survives.
    kill(&child, "-KILL");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), None, "killed");
    let kept = env.recovered();
    assert_eq!(kept.len(), 1, "the write-ahead copy");
    assert!(String::from_utf8_lossy(&std::fs::read(&kept[0]).unwrap()).contains("\"replicas\": 7"));
    assert_eq!(env.recovered_base(&kept[0]).unwrap(), DOC);
    assert_eq!(env.recovered_meta(&kept[0])["etag"], "\"v1\"");
}

#[test]
fn sigterm_and_sighup_end_like_ctrl_c_and_keep_the_edit() {
    for (signal, code, name) in [("-TERM", 143, "SIGTERM"), ("-HUP", 129, "SIGHUP")] {
        let env = Env::new();
        let (server, url) = server_with_doc(Quirks { put_delay_ms: 10_000, ..Quirks::default() });
        let child = edit_until_the_put_is_in_flight(&env, &server, &url);
        kill(&child, signal);
        let out = child.wait_with_output().unwrap();
        assert_code(&out, code);
        let err = stderr(&out);
        assert!(err.contains(&format!("interrupted by {name}")), "{err}");
        let kept = env.recovered();
        assert_eq!(kept.len(), 1, "{name}");
        assert!(err.contains(&kept[0].display().to_string()), "{err}");
        assert!(String::from_utf8_lossy(&std::fs::read(&kept[0]).unwrap()).contains("\"replicas\": 7"));
    }
}

#[test]
fn sigterm_while_the_editor_is_open_keeps_the_edit_and_sends_nothing() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    env.editor_hook(1, "sleep 1");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 8");
    let out = sigterm_while_editing(&env, &url);
    assert_code(&out, 143);
    assert!(server.requests_with("PUT").is_empty(), "nothing is sent after the signal");
    let kept = env.recovered();
    assert_eq!(kept.len(), 1);
    assert!(String::from_utf8_lossy(&std::fs::read(&kept[0]).unwrap()).contains("\"replicas\": 8"));
}

#[test]
fn sigterm_while_the_editor_is_open_without_a_change_still_ends_with_143() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    env.editor_hook(1, "sleep 1");
    let out = sigterm_while_editing(&env, &url);
    assert_code(&out, 143);
    assert!(server.requests_with("PUT").is_empty());
}

#[test]
fn a_kept_copy_of_text_that_is_later_written_is_removed() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    let mine = b"{\n  \"name\": \"demo\",\n  \"replicas\": 9\n}\n";
    // A put with a stale ETag fails and keeps the text ...
    let out = env.run_with_stdin(&["put", &url, "--if-match", "\"stale\""], mine);
    assert_code(&out, 3);
    assert!(!env.recovered().is_empty());
    // ... then the same text goes through properly: the kept copy must not linger, or a later
    // `edit --resume` could write it again over newer changes.
    assert_code(&env.run(&["get", &url]), 0);
    assert_code(&env.run_with_stdin(&["put", &url], mine), 0);
    assert_eq!(server.body("/doc.json").unwrap(), mine);
    assert!(env.recovered().is_empty(), "{:?}", env.recovered());
}

/// The walk-through's own path: `put FILE` meets a change it cannot merge on its own (exit 3,
/// the text kept), then `put FILE --on-conflict merge` writes it merged with theirs. The kept
/// copy is of the text that run started from, now on the server with theirs: it must go, or
/// `edit --resume` would offer a text whose changes are already written.
#[test]
fn a_kept_copy_of_text_later_written_merged_is_removed() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    let file = env.path("doc.json");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    let mine = b"{\n  \"name\": \"demo\",\n  \"replicas\": 9\n}\n";
    std::fs::write(&file, mine).unwrap();
    server.put_resource("/doc.json", THEIRS, "application/json");
    let out = env.run(&["put", &url, file.to_str().unwrap()]);
    assert_code(&out, 3);
    assert_eq!(env.recovered().len(), 1, "{}", stderr(&out));
    // An unrelated kept text of the same resource stays: it was not written.
    let other = env.recovered()[0].with_file_name(format!(
        "{}-1-1.json",
        env.recovered()[0].file_name().unwrap().to_str().unwrap().split('-').next().unwrap()
    ));
    std::fs::write(&other, b"{\"unrelated\": true}\n").unwrap();

    let out = env.run(&["put", &url, file.to_str().unwrap(), "--on-conflict", "merge"]);
    assert_code(&out, 0);
    let merged = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 9\n}\n";
    assert_eq!(server.body("/doc.json").unwrap(), merged);
    assert_eq!(std::fs::read(&file).unwrap(), merged, "FILE holds what was written");
    assert_eq!(env.recovered(), vec![other], "only the unwritten text is left");
}

/// The same text kept twice, against two bases: a later write that starts from it against the
/// second base and succeeds removes that copy only. Against the first base the text holds a
/// change (a: 1 → 2) that is not on the server, and its conflict was never settled.
#[test]
fn a_kept_copy_of_the_same_text_against_another_base_stays() {
    let env = Env::new();
    let (server, url) = server_with_doc(Quirks::default());
    let doc = |a: u32, b: u32| format!("{{\n  \"a\": {a},\n  \"b\": {b}\n}}\n").into_bytes();
    let file = env.path("doc.json");
    let file_arg = file.to_str().unwrap();
    let mine = doc(2, 2);
    // Against B1 {a:1, b:1}: theirs set a to 5, which collides with mine's 2. Kept.
    server.put_resource("/doc.json", &doc(1, 1), "application/json");
    assert_code(&env.run(&["get", &url, "-o", file_arg]), 0);
    std::fs::write(&file, &mine).unwrap();
    server.put_resource("/doc.json", &doc(5, 1), "application/json");
    assert_code(&env.run(&["put", &url, file_arg]), 3);
    // Against B2 {a:2, b:1}: theirs set b to 3, which collides with mine's 2. Kept again.
    server.put_resource("/doc.json", &doc(2, 1), "application/json");
    assert_code(&env.run(&["get", &url, "-o", file_arg, "--force"]), 0);
    std::fs::write(&file, &mine).unwrap();
    server.put_resource("/doc.json", &doc(2, 3), "application/json");
    assert_code(&env.run(&["put", &url, file_arg]), 3);
    assert_eq!(env.recovered().len(), 2);
    // Theirs now only set a to 3: against B2 that merges cleanly, and is written.
    server.put_resource("/doc.json", &doc(3, 1), "application/json");
    let out = env.run(&["put", &url, file_arg, "--on-conflict", "merge"]);
    assert_code(&out, 0);
    assert_eq!(server.body("/doc.json").unwrap(), doc(3, 2));
    // The copy kept against B1 stays, its base with it.
    let left = env.recovered();
    assert_eq!(left.len(), 1, "{}", stderr(&out));
    assert_eq!(std::fs::read(&left[0]).unwrap(), mine);
    let base = left[0].with_file_name(format!("{}.base", left[0].file_name().unwrap().to_str().unwrap()));
    assert_eq!(std::fs::read(base).unwrap(), doc(1, 1));
}

#[test]
fn saved_edits_are_findable_after_forget_and_from_a_new_edit() {
    let env = Env::new();
    let (_server, url) = server_with_doc(Quirks::default());
    let out = env.run_with_stdin(&["put", &url, "--if-match", "\"stale\""], b"{\"mine\": 1}\n");
    assert_code(&out, 3);
    assert_code(&env.run(&["get", &url]), 0);
    assert_code(&env.run(&["state", "forget", &url]), 0);
    let show = env.run(&["state", "show", &url, "--json"]);
    assert_code(&show, 0);
    let value: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert!(value["record"].is_null());
    assert_eq!(value["recovered"].as_array().unwrap().len(), 1);
    let out = env.run(&["edit", &url]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("1 saved edit of"), "{}", stderr(&out));
}

#[test]
fn a_kept_create_is_resumed_as_a_create() {
    let env = Env::new();
    let refused = crate::support::RefusedPort::new();
    let url = refused.url("/new.json");
    // Nothing listens yet: the create fails and the text is kept.
    let out = env.run_with_stdin(&["put", &url, "--create"], b"{\"made\": true}\n");
    assert_code(&out, 7);
    let server = FakeServer::start_at(Quirks::default(), refused);
    let out = env.run(&["edit", &url, "--resume"]);
    assert_code(&out, 0);
    let put = &server.requests_with("PUT")[0];
    assert_eq!(put.header("if-none-match"), Some("*"), "still a create, never an unconditional write");
    assert_eq!(put.header("if-match"), None);
    assert_eq!(server.body("/new.json").unwrap(), b"{\"made\": true}\n");
}

#[test]
fn a_create_after_428_that_loses_the_race_is_kept_as_a_create() {
    let env = Env::new();
    let server = FakeServer::start(Quirks { require_precondition: true, ..Quirks::default() });
    let url = server.url("/new.json");
    // PUT (428), GET (404): then someone else creates it before our If-None-Match: * PUT.
    server.change_after(2, "/new.json", b"{\"theirs\": true}\n");
    let out = env.run_with_stdin(&["put", &url, "--force"], b"{\"mine\": true}\n");
    assert_code(&out, 3);
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(server.body("/new.json").unwrap(), b"{\"theirs\": true}\n");
    let text = env.recovered().into_iter().next().expect("the text is kept");
    let meta = text.with_file_name(format!("{}.meta.json", text.file_name().unwrap().to_string_lossy()));
    let origin: serde_json::Value = serde_json::from_slice(&std::fs::read(meta).unwrap()).unwrap();
    assert_eq!(origin["create"], true);
}

#[test]
fn a_resumed_create_that_finds_the_resource_goes_through_the_conflict_flow() {
    let env = Env::new();
    let refused = crate::support::RefusedPort::new();
    let url = refused.url("/new.json");
    let out = env.run_with_stdin(&["put", &url, "--create"], b"{\"made\": \"mine\"}\n");
    assert_code(&out, 7);
    // Someone else creates it before the resume.
    let server = FakeServer::start_at(Quirks::default(), refused);
    server.put_resource("/new.json", b"{\"made\": \"theirs\"}\n", "application/json");
    let out = env.run(&["edit", &url, "--resume"]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("the resource exists now"), "{}", stderr(&out));
    assert!(stderr(&out).contains("theirs → mine"), "the difference is shown: {}", stderr(&out));
    assert_eq!(server.body("/new.json").unwrap(), b"{\"made\": \"theirs\"}\n");
    assert_eq!(env.recovered().len(), 1, "the text is still kept");
}

/// Runs `ifmatch edit URL` and sends it SIGTERM once the (slow) fake editor is open.
fn sigterm_while_editing(env: &Env, url: &str) -> std::process::Output {
    let child = env.cmd(&["edit", url]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    for _ in 0..400 {
        if env.editor_runs() > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    kill(&child, "-TERM");
    child.wait_with_output().unwrap()
}
