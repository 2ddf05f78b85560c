//! Signals at every step: sent to the whole process group, as a closed terminal (SIGHUP) or
//! `kill -TERM -- -PGID` does, so the editor gets them too.

use std::os::unix::process::CommandExt;
use std::process::{Child, Output, Stdio};
use std::time::Duration;

use super::assert_no_temp_files;
use super::server::{Fault, FaultServer};
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 8\n}\n";

/// An editor that saves MINE, says it is open, then waits (bounded) to be killed.
const SLOW_EDITOR: &str = "#!/bin/sh\ncat \"$SAVE\" > \"$1\"\ntouch \"$OPENED\"\nsleep 30\n";

/// Starts ifmatch in a process group of its own.
fn spawn_in_group(env: &Env, args: &[&str], configure: impl FnOnce(&mut std::process::Command)) -> Child {
    let mut cmd = env.cmd(args);
    cmd.process_group(0).stdout(Stdio::piped()).stderr(Stdio::piped());
    configure(&mut cmd);
    cmd.spawn().unwrap()
}

/// Sends `signal` to the child's whole process group, as `kill -SIG -- -PGID` does.
fn kill_group(child: &Child, signal: i32) {
    // SAFETY: plain kill(2) on the group the test created for this child.
    let rc = unsafe { libc::kill(-(child.id() as i32), signal) };
    assert_eq!(rc, 0, "kill -- -{}", child.id());
}

/// Waits (bounded) until `ready` holds, then signals the group and collects the output.
fn signal_when(child: Child, signal: i32, ready: impl Fn() -> bool) -> Output {
    for _ in 0..1000 {
        if ready() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(ready(), "the step to interrupt was never reached");
    kill_group(&child, signal);
    child.wait_with_output().unwrap()
}

#[test]
fn a_group_signal_while_the_editor_is_open_ends_the_run_keeping_the_text() {
    for (signal, code, name) in [(libc::SIGTERM, 143, "SIGTERM"), (libc::SIGHUP, 129, "SIGHUP")] {
        let env = Env::new();
        let (server, url) = FaultServer::with("/doc.json", DOC, "application/json");
        std::fs::write(env.path("slow-editor.sh"), SLOW_EDITOR).unwrap();
        std::fs::write(env.path("mine.json"), MINE).unwrap();
        let opened = env.path("opened");
        let child = spawn_in_group(&env, &["edit", &url], |cmd| {
            cmd.env("IFMATCH_EDITOR", format!("sh {}", env.path("slow-editor.sh").display()))
                .env("SAVE", env.path("mine.json"))
                .env("OPENED", &opened);
        });
        let out = signal_when(child, signal, || opened.exists());
        assert_code(&out, code);
        let err = stderr(&out);
        assert!(err.contains(&format!("interrupted by {name}")), "{name}: {err}");
        assert!(!err.contains("killed by signal"), "{name}: {err}");
        assert!(server.requests_with("PUT").is_empty(), "{name}: nothing is sent");
        let kept = env.recovered();
        assert_eq!(kept.len(), 1, "{name}: {err}");
        assert_eq!(std::fs::read(&kept[0]).unwrap(), MINE, "{name}");
        assert!(err.contains(&kept[0].display().to_string()), "{name}: {err}");
        assert_eq!(server.body("/doc.json"), DOC);
        assert_no_temp_files(&env);
    }
}

#[test]
fn a_group_signal_during_the_fetch_ends_the_run_with_nothing_sent_or_left() {
    let env = Env::new();
    let (server, url) = FaultServer::with("/doc.json", DOC, "application/json");
    server.fault("GET", Fault::Stall(Duration::from_secs(20)));
    let child = spawn_in_group(&env, &["edit", &url], |_| {});
    let out = signal_when(child, libc::SIGTERM, || !server.requests_with("GET").is_empty());
    assert_code(&out, 143);
    assert!(stderr(&out).contains("interrupted by SIGTERM"), "{}", stderr(&out));
    assert_eq!(env.editor_runs(), 0);
    assert!(server.requests_with("PUT").is_empty());
    assert!(env.recovered().is_empty(), "nothing was edited, nothing to keep");
    assert!(super::records(&env).is_empty(), "nothing recorded");
    assert_no_temp_files(&env);
}

#[test]
fn a_group_signal_during_the_upload_keeps_the_text_and_the_record() {
    for (signal, code) in [(libc::SIGHUP, 129), (libc::SIGTERM, 143)] {
        let env = Env::new();
        let (server, url) = FaultServer::with("/doc.json", DOC, "application/json");
        let file = env.path("doc.json");
        assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
        std::fs::write(&file, MINE).unwrap();
        let record = super::records(&env);
        server.fault("PUT", Fault::Stall(Duration::from_secs(20)));
        let child = spawn_in_group(&env, &["put", &url, file.to_str().unwrap()], |_| {});
        let out = signal_when(child, signal, || !server.requests_with("PUT").is_empty());
        assert_code(&out, code);
        let kept = env.recovered();
        assert_eq!(kept.len(), 1, "{}", stderr(&out));
        assert_eq!(std::fs::read(&kept[0]).unwrap(), MINE);
        assert!(stderr(&out).contains("may already have been applied"), "{}", stderr(&out));
        assert_eq!(std::fs::read(&file).unwrap(), MINE, "FILE untouched");
        assert_eq!(super::records(&env), record, "the record as it was");
        assert_eq!(server.body("/doc.json"), DOC);
        assert_no_temp_files(&env);
    }
}

#[test]
fn a_group_signal_at_the_conflict_prompt_keeps_the_text() {
    use expectrl::Expect;
    let env = Env::new();
    let (server, url) = FaultServer::with("/doc.json", DOC, "application/json");
    server.fault("PUT", Fault::ChangedByOthers);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 8");
    let mut p = crate::support::pty::spawn(&env, &["edit", &url]);
    p.expect("[a]bort (q, Ctrl-D) ?").unwrap();
    // The pty's session leader: its process group is the one a closed terminal signals.
    let pid = p.get_process().pid().as_raw();
    // SAFETY: plain kill(2) on the group of the session the test started.
    assert_eq!(unsafe { libc::kill(-pid, libc::SIGHUP) }, 0);
    assert_eq!(crate::support::pty::exit_code(&mut p), 129);
    assert_eq!(server.requests_with("PUT").len(), 1, "no retry after the signal");
    let kept = env.recovered();
    assert_eq!(kept.len(), 1);
    assert!(String::from_utf8_lossy(&std::fs::read(&kept[0]).unwrap()).contains("\"replicas\": 8"));
    assert_no_temp_files(&env);
}

#[test]
fn ctrl_c_during_a_demo_request_ends_the_demo_and_removes_its_files() {
    // The demo talks to a server of its own; a proxy from the environment that never answers
    // holds its first request open, which is where the Ctrl-C comes.
    let env = Env::new();
    let (proxy, _) = FaultServer::with("/unused", b"", "text/plain");
    proxy.fault("GET", Fault::Stall(Duration::from_secs(20)));
    let tmp = env.path("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let child = spawn_in_group(&env, &["demo"], |cmd| {
        cmd.env("HTTP_PROXY", proxy.url("")).env("TMPDIR", &tmp);
    });
    let out = signal_when(child, libc::SIGINT, || !proxy.requests_with("GET").is_empty());
    assert_code(&out, 130);
    let err = stderr(&out);
    assert!(err.contains("Step 2.") && err.ends_with("ifmatch: error: interrupted\n"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(left.is_empty(), "the demo's temporary directory is removed: {left:?}");
    assert!(!env.state_dir().exists(), "the demo never touches the user's state store");
}
