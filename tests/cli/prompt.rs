//! The conflict prompt and the re-edit offer, driven in a pseudo-terminal as a person would.

use std::time::Duration;

use expectrl::session::OsSession as Session;
use expectrl::{Eof, Expect};

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::pty::{exit_code, spawn, spawn_echoing};
use crate::support::{Env, assert_code};

const BASE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const THEIRS: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";

/// A server whose document changes (another field) right after our GET.
fn concurrent(theirs: &[u8]) -> (FakeServer, String) {
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    server.change_after(1, "/doc.json", theirs);
    let url = server.url("/doc.json");
    (server, url)
}

#[test]
fn merge_and_retry_at_the_prompt() {
    let env = Env::new();
    let (server, url) = concurrent(THEIRS);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("412").unwrap();
    p.expect("merge cleanly").unwrap();
    p.expect("[M]erge & retry (Enter)").unwrap();
    p.send_line("m").unwrap();
    p.expect("theirs → merged").unwrap();
    p.expect("wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 3\n}\n");
    let puts = server.requests_with("PUT");
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""));
}

#[test]
fn abort_at_the_prompt_keeps_the_edit() {
    let env = Env::new();
    let (server, url) = concurrent(THEIRS);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[a]bort (q, Ctrl-D)").unwrap();
    p.send_line("a").unwrap();
    p.expect("aborted; nothing was written").unwrap();
    let hints = p.expect("--resume").unwrap();
    let hints = String::from_utf8_lossy(hints.before()).into_owned();
    assert!(hints.contains("your edit is saved at"), "{hints}");
    // A person who stopped is told how to come back, not how to script a policy.
    assert!(!hints.contains("--on-conflict") && !hints.contains("--yes"), "{hints}");
    assert_eq!(exit_code(&mut p), 3);
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
    assert_eq!(server.requests_with("PUT").len(), 1);
    let saved = std::fs::read(&env.recovered()[0]).unwrap();
    assert!(String::from_utf8_lossy(&saved).contains("\"replicas\": 3"));
}

#[test]
fn edit_again_on_a_real_conflict() {
    let env = Env::new();
    // Both sides change "replicas": a true conflict, resolved by hand in the editor.
    let (server, url) = concurrent(b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    env.editor_writes(2, b"{\n  \"name\": \"demo\",\n  \"replicas\": 8\n}\n");
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("conflict").unwrap();
    p.expect("[e]dit").unwrap();
    p.send_line("e").unwrap();
    p.expect("(theirs → mine)").unwrap();
    p.expect("wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let second = String::from_utf8_lossy(&env.editor_saw(2)).into_owned();
    assert!(second.contains("<<<<<<< mine") && second.contains(">>>>>>> theirs"), "{second}");
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 8\n}\n");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""), "the retry carries the fresh ETag");
}

#[test]
fn merge_policy_with_a_conflicted_merge_asks_on_a_terminal() {
    let env = Env::new();
    let (server, url) = concurrent(b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let mut p = spawn(&env, &["edit", &url, "--on-conflict", "merge"]);
    p.expect("conflict").unwrap();
    p.expect("[e]dit (resolve by hand)").unwrap();
    p.send_line("a").unwrap();
    assert_eq!(exit_code(&mut p), 3);
    assert_eq!(server.requests_with("PUT").len(), 1);
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n");
}

#[test]
fn overwrite_at_the_prompt() {
    let env = Env::new();
    let (server, url) = concurrent(THEIRS);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[o]verwrite").unwrap();
    p.send_line("o").unwrap();
    p.expect("Replace their change with your version? [y/N]").unwrap();
    p.send_line("y").unwrap();
    p.expect("overwriting").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""), "the retry carries the fresh ETag");
}

#[test]
fn enter_merges_when_the_merge_is_clean() {
    let env = Env::new();
    let (server, url) = concurrent(THEIRS);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[M]erge & retry (Enter)").unwrap();
    p.send_line("").unwrap();
    p.expect("wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 3\n}\n");
}

#[test]
fn enter_on_a_conflicted_merge_does_nothing_and_says_what_the_keys_are() {
    let env = Env::new();
    let (server, url) = concurrent(b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[e]dit (resolve by hand)").unwrap();
    p.send_line("").unwrap();
    p.expect("nothing is done on Enter here").unwrap();
    p.expect("a or q aborts").unwrap();
    // Asked again; q aborts.
    p.expect("[a]bort (q, Ctrl-D) ?").unwrap();
    assert_eq!(server.requests_with("PUT").len(), 1, "Enter sent nothing");
    p.send_line("q").unwrap();
    p.expect("aborted; nothing was written").unwrap();
    assert_eq!(exit_code(&mut p), 3);
    assert_eq!(server.requests_with("PUT").len(), 1);
    assert_eq!(env.recovered().len(), 1, "the edit is kept");
}

#[test]
fn ctrl_d_at_the_prompt_aborts_and_keeps_the_edit() {
    let env = Env::new();
    let (server, url) = concurrent(THEIRS);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[a]bort (q, Ctrl-D) ?").unwrap();
    p.send(expectrl::ControlCode::EndOfTransmission).unwrap();
    p.expect("aborted; nothing was written").unwrap();
    p.expect("your edit is saved at").unwrap();
    p.expect("--resume").unwrap();
    assert_eq!(exit_code(&mut p), 3);
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
    assert_eq!(server.requests_with("PUT").len(), 1);
}

#[test]
fn overwrite_at_the_prompt_is_confirmed_first() {
    let env = Env::new();
    let (server, url) = concurrent(THEIRS);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[o]verwrite").unwrap();
    p.send_line("o").unwrap();
    p.expect("Replace their change with your version? [y/N]").unwrap();
    // Enter is "no": back at the prompt, nothing sent.
    p.send_line("").unwrap();
    p.expect("not overwritten").unwrap();
    p.expect("[a]bort (q, Ctrl-D) ?").unwrap();
    assert_eq!(server.requests_with("PUT").len(), 1);
    p.send_line("a").unwrap();
    assert_eq!(exit_code(&mut p), 3);
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS, "their change stays");
}

/// A document of `lines` numbered keys, as pretty JSON.
fn long_doc(lines: usize, changed: Option<(usize, &str)>) -> Vec<u8> {
    let mut text = String::from("{\n");
    for i in 0..lines {
        let value = match changed {
            Some((at, v)) if at == i => v.to_string(),
            _ => i.to_string(),
        };
        text += &format!("  \"k{i:03}\": {value}{}\n", if i + 1 < lines { "," } else { "" });
    }
    text += "}\n";
    text.into_bytes()
}

#[test]
fn d_shows_all_three_views_through_the_pager_when_they_are_long() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", &long_doc(200, None), "application/json");
    server.change_after(1, "/doc.json", &long_doc(200, Some((0, "\"theirs\""))));
    // Mine changes the whole document's far end: many lines of diff.
    let mut mine = String::from_utf8(long_doc(200, None)).unwrap();
    for i in 100..200 {
        mine = mine.replace(&format!("\"k{i:03}\": {i}"), &format!("\"k{i:03}\": {}", i * 10));
    }
    env.editor_writes(1, mine.as_bytes());
    let paged = env.path("paged.txt");
    let pager = format!("sh -c 'cat > {}'", paged.display());
    let mut p = spawn_with(&env, &["edit", &server.url("/doc.json")], &[("PAGER", &pager)]);
    p.expect("[M]erge & retry (Enter)").unwrap();
    assert!(!paged.exists(), "the first screen is printed, not paged");
    p.send_line("d").unwrap();
    p.expect("[M]erge & retry (Enter)").unwrap();
    let text = std::fs::read_to_string(&paged).expect("the pager got the views");
    for heading in ["(base → theirs)", "(theirs → mine)", "(theirs → merged)"] {
        assert!(text.contains(heading), "{heading} missing from:\n{text}");
    }
    assert!(text.contains("+  \"k000\": \"theirs\""), "{text}");
    p.send_line("a").unwrap();
    assert_eq!(exit_code(&mut p), 3);
}

#[test]
fn d_prints_short_views_without_a_pager() {
    let env = Env::new();
    let (_server, url) = concurrent(THEIRS);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let paged = env.path("paged.txt");
    let pager = format!("sh -c 'cat > {}'", paged.display());
    let mut p = spawn_with(&env, &["edit", &url], &[("PAGER", &pager)]);
    p.expect("[M]erge & retry (Enter)").unwrap();
    p.send_line("d").unwrap();
    p.expect("(theirs → merged)").unwrap();
    p.expect("[M]erge & retry (Enter)").unwrap();
    assert!(!paged.exists(), "a short text needs no pager");
    p.send_line("a").unwrap();
    assert_eq!(exit_code(&mut p), 3);
}

/// `spawn` with extra environment variables.
fn spawn_with(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> Session {
    let mut cmd = env.cmd(args);
    cmd.env("TERM", "xterm").stdin(std::process::Stdio::inherit());
    for (name, value) in vars {
        cmd.env(name, value);
    }
    let mut session = Session::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    // A tall terminal: the three views of a small document fit on it.
    session.get_process_mut().set_window_size(100, 60).expect("set the terminal size");
    session
}

#[test]
fn invalid_json_offers_the_editor_again() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    env.editor_writes(1, b"{\"replicas\": 2,}");
    env.editor_writes(2, b"{\"replicas\": 2}\n");
    let mut p = spawn(&env, &["edit", &server.url("/doc.json")]);
    p.expect("invalid JSON").unwrap();
    p.expect("Re-open the editor on your text?").unwrap();
    p.send_line("y").unwrap();
    p.expect("wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let seen = env.editor_saw(2);
    assert!(
        seen.starts_with(b"# ifmatch could not send this text: invalid JSON"),
        "{}",
        String::from_utf8_lossy(&seen)
    );
    assert!(seen.ends_with(b"\n{\"replicas\": 2,}"), "the editor reopened on the user's own text");
    assert_eq!(server.body("/doc.json").unwrap(), b"{\"replicas\": 2}\n");
}

#[test]
fn ctrl_c_during_the_write_keeps_the_edit() {
    let env = Env::new();
    let server = FakeServer::start(Quirks { put_delay_ms: 10_000, ..Quirks::default() });
    server.put_resource("/doc.json", BASE, "application/json");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 7");
    let mut p = spawn(&env, &["edit", &server.url("/doc.json")]);
    // Wait until the PUT is in flight, then press Ctrl-C.
    for _ in 0..200 {
        if !server.requests_with("PUT").is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    p.send(expectrl::ControlCode::EndOfText).unwrap();
    p.expect("interrupted").unwrap();
    p.expect("may already have been applied").unwrap();
    p.expect("your edit is saved at").unwrap();
    assert_eq!(exit_code(&mut p), 130);
    let saved = std::fs::read(&env.recovered()[0]).unwrap();
    assert!(String::from_utf8_lossy(&saved).contains("\"replicas\": 7"));
}

#[test]
fn ctrl_c_at_the_prompt_prints_the_error_on_a_fresh_line() {
    let env = Env::new();
    let (_server, url) = concurrent(THEIRS);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[a]bort (q, Ctrl-D) ?").unwrap();
    p.send(expectrl::ControlCode::EndOfText).unwrap();
    let found = p.expect("ifmatch: error: interrupted").unwrap();
    let before = String::from_utf8_lossy(found.before()).into_owned();
    assert!(before.ends_with('\n'), "the error starts its own line: {before:?}");
    p.expect("your edit is saved at").unwrap();
    assert_eq!(exit_code(&mut p), 130);
}

#[test]
fn password_is_asked_on_the_terminal_and_never_echoed() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    // A terminal that echoes: a password read like any other line would show up in it.
    let mut p = spawn_echoing(&env, &["get", &server.url("/doc.json"), "-u", "alice"]);
    p.expect("Password for alice:").unwrap();
    // The prompt is written before echo goes off: type only once it is off (or, for a read
    // that never turns it off, after a generous wait), as typing earlier would be echoed anyway.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while p.get_process().get_echo().unwrap() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    p.send_line("open sesame").unwrap();
    // Everything the terminal showed after the prompt, up to the end of the program.
    let rest = p.expect(Eof).unwrap();
    let shown = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    assert!(shown.contains("demo"), "the body was printed after the prompt: {shown:?}");
    assert!(!shown.contains("open sesame"), "the password is not echoed: {shown:?}");
    // base64("alice:open sesame")
    assert_eq!(server.requests()[0].header("authorization"), Some("Basic YWxpY2U6b3BlbiBzZXNhbWU="));
}

#[test]
fn a_428_asks_before_writing_over_the_server() {
    let env = Env::new();
    let server = FakeServer::start(Quirks { require_precondition: true, ..Quirks::default() });
    server.put_resource("/doc.json", BASE, "application/json");
    let url = server.url("/doc.json");
    let file = env.path("mine.json");
    std::fs::write(&file, THEIRS).unwrap();
    let file = file.to_str().unwrap();

    // Abort: nothing written, exit 3.
    let mut p = spawn(&env, &["put", &url, file, "--force"]);
    p.expect("428 Precondition Required").unwrap();
    p.expect("theirs → mine").unwrap();
    p.expect("[o]verwrite theirs").unwrap();
    p.send_line("a").unwrap();
    p.expect("only accepts conditional writes").unwrap();
    assert_eq!(exit_code(&mut p), 3);
    assert_eq!(server.body("/doc.json").unwrap(), BASE);

    // Overwrite: the retry carries If-Match.
    let mut p = spawn(&env, &["put", &url, file, "--force"]);
    p.expect("[o]verwrite theirs").unwrap();
    p.send_line("o").unwrap();
    p.expect("[y/N]").unwrap();
    p.send_line("y").unwrap();
    p.expect("now with If-Match: \"v1\"").unwrap();
    p.expect("wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 3);
    assert_eq!(puts[2].header("if-match"), Some("\"v1\""));
}

#[test]
fn the_editor_gets_the_terminal_when_stdout_is_redirected() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 2");
    let report = env.path("report.json");
    // A shell in the terminal runs `ifmatch edit … --json > report.json`, as a person would.
    let ifmatch = env.cmd(&[]);
    let mut cmd = std::process::Command::new("sh");
    cmd.env_clear();
    for (name, value) in ifmatch.get_envs() {
        if let Some(value) = value {
            cmd.env(name, value);
        }
    }
    let line = format!(
        "exec '{}' edit '{}' --json > '{}'",
        crate::support::bin(),
        server.url("/doc.json"),
        report.display()
    );
    cmd.args(["-c", &line]).env("TERM", "xterm");
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    assert_eq!(exit_code(&mut p), 0);
    assert!(env.editor_stdout_was_terminal(1), "the editor wrote to the terminal, not to the redirect");
    let value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).expect("only JSON");
    assert_eq!(value["outcome"], "written");
}

#[test]
fn a_put_file_edited_at_the_prompt_is_updated_to_what_was_written() {
    let (env, server, url, file) = conflicting_put_file();
    let file_arg = file.to_str().unwrap();
    let resolved = b"{\n  \"name\": \"demo\",\n  \"replicas\": 4\n}\n";
    env.editor_writes(1, resolved);
    let mut p = spawn(&env, &["put", &url, file_arg]);
    p.expect("[e]dit").unwrap();
    p.send_line("e").unwrap();
    p.expect("updated").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(server.body("/doc.json").unwrap(), resolved);
    assert_eq!(std::fs::read(&file).unwrap(), resolved, "FILE holds what was written");
    let puts = server.requests_with("PUT");
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""));
}

#[test]
fn put_without_file_on_a_terminal_is_a_usage_error() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    let url = server.url("/doc.json");
    let mut p = spawn(&env, &["put", &url, "--force"]);
    p.expect("no FILE was given and stdin is a terminal").unwrap();
    p.expect("pipe the body").unwrap();
    assert_eq!(exit_code(&mut p), 2);
    assert!(server.requests().is_empty());
}

#[test]
fn emptying_the_file_at_the_prompt_writes_nothing_and_keeps_the_text() {
    let env = Env::new();
    let (server, url) = concurrent(b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    env.editor_writes(2, b"");
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[e]dit").unwrap();
    p.send_line("e").unwrap();
    p.expect("the file is empty: edit cancelled").unwrap();
    assert_eq!(exit_code(&mut p), 3);
    assert_eq!(server.requests_with("PUT").len(), 1);
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n");
    let kept = env.recovered();
    assert_eq!(kept.len(), 1);
    assert!(String::from_utf8_lossy(&std::fs::read(&kept[0]).unwrap()).contains("\"replicas\": 3"));
    assert_eq!(env.recovered_base(&kept[0]).unwrap(), BASE, "still paired with its own base");
}

#[test]
fn demo_on_a_terminal_waits_for_enter_then_merges_at_the_prompt() {
    let env = Env::new();
    env.editor_replaces(1, "\"replicas\": 2", "\"replicas\": 3");
    let mut p = spawn(&env, &["demo"]);
    p.expect("Press Enter to open your editor").unwrap();
    assert_eq!(env.editor_runs(), 0, "the editor waits for Enter");
    p.send_line("").unwrap();
    p.expect("[M]erge & retry").unwrap();
    p.send_line("m").unwrap();
    p.expect("Step 5").unwrap();
    p.expect("\"replicas\": 3").unwrap();
    p.expect("\"timeout_ms\": 2500").unwrap();
    assert_eq!(exit_code(&mut p), 0);
}

#[test]
fn a_put_file_changed_during_the_prompt_is_not_overwritten() {
    let (env, server, url, file) = conflicting_put_file();
    let file_arg = file.to_str().unwrap();
    // While the editor is open at the prompt, the user also saves FILE in another window.
    let later = b"{\n  \"name\": \"later work\",\n  \"replicas\": 3\n}\n";
    std::fs::write(env.path("later.json"), later).unwrap();
    env.editor_hook(1, &format!("cp '{}' '{}'", env.path("later.json").display(), file.display()));
    env.editor_writes(1, b"{\n  \"name\": \"demo\",\n  \"replicas\": 4\n}\n");
    let mut p = spawn(&env, &["put", &url, file_arg]);
    p.expect("[e]dit").unwrap();
    p.send_line("e").unwrap();
    p.expect("changed while ifmatch was writing").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 4\n}\n");
    assert_eq!(std::fs::read(&file).unwrap(), later, "the newer work in FILE is kept");
    // FILE still derives from the version it was fetched at: putting it again meets the
    // conflict flow (both changed "replicas"), never a silent revert of the written 4.
    let out = env.run(&["put", &url, file_arg]);
    assert_code(&out, 3);
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 4\n}\n");
}

/// FILE fetched the curl way (`ifmatch get URL > FILE`, so no working copy of its own) and
/// changed to replicas 3, while the server went on to replicas 5: a conflicting `put FILE`.
fn conflicting_put_file() -> (Env, FakeServer, String, std::path::PathBuf) {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    let url = server.url("/doc.json");
    let file = env.path("doc.json");
    let fetched = env.run(&["get", &url]);
    assert_code(&fetched, 0);
    std::fs::write(&file, &fetched.stdout).unwrap();
    std::fs::write(&file, b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n").unwrap();
    server.put_resource("/doc.json", b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n", "application/json");
    (env, server, url, file)
}

#[test]
fn a_streamed_put_asks_to_confirm_an_overwrite() {
    let env = Env::new();
    let server = FakeServer::start(Quirks { require_precondition: true, ..Quirks::default() });
    server.put_resource("/big.txt", b"theirs\n", "text/plain");
    let url = server.url("/big.txt");
    // 9 MiB, never fetched: streamed from disk, with no base to merge with.
    let file = env.path("big.txt");
    std::fs::write(&file, "mine\n".repeat(9 * 1024 * 1024 / 5)).unwrap();
    let mut p = spawn(&env, &["put", &url, file.to_str().unwrap(), "--force"]);
    p.expect("no base to merge with. [o]verwrite theirs · [a]bort (q, Ctrl-D) ?").unwrap();
    p.send_line("o").unwrap();
    p.expect("Replace their change with your version? [y/N]").unwrap();
    p.send_line("n").unwrap();
    p.expect("nothing was written").unwrap();
    assert_eq!(exit_code(&mut p), 3);
    assert_eq!(server.body("/big.txt").unwrap(), b"theirs\n");
}

#[test]
fn invalid_content_reopens_with_the_error_on_top_and_the_cursor_on_its_line() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    // An editor called vi (so it takes +LINE) that records its arguments: the first save has
    // an unquoted key on line 3; the second fixes that line and leaves the header in place.
    let bin = env.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let vi = bin.join("vi");
    let log = env.path("vi-log");
    std::fs::create_dir_all(&log).unwrap();
    std::fs::write(
        &vi,
        format!(
            r#"#!/bin/sh
d='{}'
n=$(cat "$d/n" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$d/n"
echo "$@" > "$d/$n.args"
for f; do file="$f"; done
cp "$file" "$d/$n.seen"
if [ "$n" = 1 ]; then printf '{{\n  "name": "demo",\n  replicas: 2\n}}\n' > "$file"
else sed 's/^  replicas: 2/  "replicas": 2/' "$file" > "$d/fixed" && cat "$d/fixed" > "$file"; fi
"#,
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&vi, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut cmd = env.cmd(&["edit", &server.url("/doc.json")]);
    cmd.env("TERM", "xterm").env("IFMATCH_EDITOR", &vi).stdin(std::process::Stdio::inherit());
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p.expect("expected a key in quotes at line 3, column 3").unwrap();
    p.expect("Re-open the editor on your text?").unwrap();
    p.send_line("").unwrap();
    p.expect("wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let read = |name: &str| std::fs::read_to_string(log.join(name)).unwrap();
    assert!(!read("1.args").contains('+'), "the first open has no line: {}", read("1.args"));
    let seen = read("2.seen");
    let lines: Vec<&str> = seen.lines().collect();
    assert_eq!(
        lines[0],
        "# ifmatch could not send this text: invalid JSON: expected a key in quotes at line 3, column 3"
    );
    let marker =
        lines.iter().position(|l| l.starts_with("# ---- ifmatch removes this line")).expect("a marker line");
    assert!(lines[..marker].iter().all(|l| l.starts_with('#')));
    // The cursor goes to the bad line, below the header.
    assert_eq!(lines[marker + 3], "  replicas: 2");
    assert!(read("2.args").starts_with(&format!("+{} ", marker + 4)), "{}", read("2.args"));
    // The header is removed before the text is read and sent.
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 2\n}\n");
}

#[test]
fn resuming_without_a_change_asks_before_sending_and_keeps_it_by_default() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    let url = server.url("/doc.json");
    // The editor fails after the change: the text is kept.
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    env.editor_exits(1, 1);
    assert_code(&env.run(&["edit", &url]), 6);
    assert_eq!(env.recovered().len(), 1);

    // Quitting the editor without a change is no yes: Enter keeps it, unsent.
    let mut p = spawn(&env, &["edit", &url, "--resume"]);
    p.expect("You left the saved edit unchanged. Send it as it is? [y/N]").unwrap();
    p.send_line("").unwrap();
    p.expect("nothing sent").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(server.requests_with("PUT").is_empty());
    assert_eq!(env.recovered().len(), 1, "the saved edit is still there");

    let mut p = spawn(&env, &["edit", &url, "--resume"]);
    p.expect("[y/N]").unwrap();
    p.send_line("y").unwrap();
    p.expect("wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n");
    assert!(env.recovered().is_empty());
}

#[test]
fn quiet_still_shows_what_an_edit_at_the_prompt_undoes_before_asking() {
    let env = Env::new();
    let (_server, url) = concurrent(b"{\n  \"name\": \"theirs\",\n  \"replicas\": 5\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    env.editor_writes(2, b"{\n  \"name\": \"demo\",\n  \"replicas\": 8\n}\n");
    let mut p = spawn(&env, &["edit", &url, "--quiet"]);
    p.expect("[e]dit").unwrap();
    p.send_line("e").unwrap();
    // The warning above the list and the list itself, since the question is about them.
    p.expect("warning: your text undoes changes of theirs that did not conflict").unwrap();
    p.expect("/name: theirs \"theirs\", yours reverts to \"demo\"").unwrap();
    p.expect("Send it anyway, undoing them? [y/N]").unwrap();
    p.send_line("").unwrap();
    assert_eq!(exit_code(&mut p), 3);
}

#[test]
fn an_edit_at_the_prompt_that_undoes_their_clean_change_asks_first() {
    let env = Env::new();
    // Theirs renames it (no conflict) and sets replicas 5 (conflicting with our 3).
    let (server, url) = concurrent(b"{\n  \"name\": \"theirs\",\n  \"replicas\": 5\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    // At the prompt the person keeps their own whole document: the rename is undone.
    let mine_whole = b"{\n  \"name\": \"demo\",\n  \"replicas\": 8\n}\n";
    env.editor_writes(2, mine_whole);
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[e]dit").unwrap();
    p.send_line("e").unwrap();
    p.expect("undoes changes of theirs that did not conflict").unwrap();
    p.expect("/name: theirs \"theirs\", yours reverts to \"demo\"").unwrap();
    p.expect("Send it anyway, undoing them? [y/N]").unwrap();
    p.send_line("").unwrap();
    p.expect("your edit is saved at").unwrap();
    assert_eq!(exit_code(&mut p), 3);
    assert_eq!(server.requests_with("PUT").len(), 1, "only the first attempt");
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 5\n}\n");
    assert_eq!(std::fs::read(&env.recovered()[0]).unwrap(), mine_whole, "the text is kept");

    // Under --quiet without a terminal, the warning and its list are left out alike.
    let out = env.run(&["edit", &url, "--resume", "--quiet"]);
    assert_code(&out, 3);
    let err = crate::support::stderr(&out);
    assert!(err.contains("would undo changes"), "{err}");
    assert!(!err.contains("warning:") && !err.contains("reverts to"), "{err}");
    // Resumed, the same text is checked again: without a terminal it is not sent (exit 3)...
    let out = env.run(&["edit", &url, "--resume"]);
    assert_code(&out, 3);
    let err = crate::support::stderr(&out);
    assert!(err.contains("/name: theirs \"theirs\", yours reverts to \"demo\""), "{err}");
    // The same refusal as at the prompt, its hint fitted to a run without a terminal.
    assert!(err.contains(&format!("would undo changes on {url} that nobody asked to undo")), "{err}");
    assert!(err.contains(&format!("hint: resume with `ifmatch edit {url} --resume`")), "{err}");
    assert!(
        err.contains(
            "hint: to undo them on purpose, answer y on a terminal, or run with --on-conflict overwrite"
        ),
        "{err}"
    );
    assert_eq!(server.requests_with("PUT").len(), 1, "nothing sent");
    assert_eq!(env.recovered().len(), 1, "still kept");
    // ...unless the overwrite is explicit.
    let out = env.run(&["edit", &url, "--resume", "--on-conflict", "overwrite"]);
    assert_code(&out, 0);
    assert_eq!(server.body("/doc.json").unwrap(), mine_whole);

    // Said yes to, it is sent.
    let env = Env::new();
    let (server, url) = concurrent(b"{\n  \"name\": \"theirs\",\n  \"replicas\": 5\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    env.editor_writes(2, mine_whole);
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[e]dit").unwrap();
    p.send_line("e").unwrap();
    p.expect("[y/N]").unwrap();
    p.send_line("y").unwrap();
    p.expect("wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(server.body("/doc.json").unwrap(), mine_whole);
}

#[test]
fn a_minified_json_conflict_opens_pretty_with_markers_around_the_conflicting_value_only() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource(
        "/doc.json",
        br#"{"name":"demo","replicas":1,"limits":{"cpu":"1"}}"#,
        "application/json",
    );
    // Theirs changes the cpu limit (no conflict) and replicas (conflicting with ours).
    server.change_after(1, "/doc.json", br#"{"name":"demo","replicas":5,"limits":{"cpu":"2"}}"#);
    let url = server.url("/doc.json");
    env.editor_replaces(1, "\"replicas\":1", "\"replicas\":3");
    env.editor_replaces(
        2,
        "<<<<<<< mine\n  \"replicas\": 3,\n||||||| base\n  \"replicas\": 1,\n=======\n  \"replicas\": 5,\n>>>>>>> theirs\n",
        "  \"replicas\": 3,\n",
    );
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[e]dit").unwrap();
    p.send_line("e").unwrap();
    p.expect("wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let opened = String::from_utf8_lossy(&env.editor_saw(2)).into_owned();
    assert_eq!(
        opened,
        "{\n  \"name\": \"demo\",\n<<<<<<< mine\n  \"replicas\": 3,\n||||||| base\n  \"replicas\": 1,\n=======\n  \"replicas\": 5,\n>>>>>>> theirs\n  \"limits\": {\n    \"cpu\": \"2\"\n  }\n}\n",
        "theirs' clean change is applied, and only the conflicting value is a choice"
    );
    let written: serde_json::Value = serde_json::from_slice(&server.body("/doc.json").unwrap()).unwrap();
    assert_eq!(written, serde_json::json!({"name": "demo", "replicas": 3, "limits": {"cpu": "2"}}));
}
