//! What stdout carries and how it ends: a reader that goes away (`| head`) ends a command
//! quietly, `--json` is exactly one JSON object, Ctrl-C in the middle of a download leaves no
//! temp file, and binary bodies are kept off a terminal.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession as Session;
use expectrl::{Eof, Expect};

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::raw::Raw;
use crate::support::{Env, assert_code, stderr};

/// Runs `ifmatch ARGS` with stdout a pipe whose reader is already gone.
fn run_into_closed_pipe(env: &Env, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    env.cmd(args).stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

/// Names of the files in one of the store's folders.
fn files_in(env: &Env, sub: &str) -> Vec<String> {
    match std::fs::read_dir(env.state_dir().join(sub)) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    }
}

fn json_of(out: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "exactly one line on stdout: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn a_closed_stdout_ends_state_diff_and_doctor_quietly() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.txt", b"one\n", "text/plain");
    let url = server.url("/doc.txt");
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.txt", b"two\n", "text/plain");
    for args in [
        vec!["state", "list"],
        vec!["state", "list", "--json"],
        vec!["state", "show", &url],
        vec!["state", "path"],
        vec!["doctor", &url],
    ] {
        let out = run_into_closed_pipe(&env, &args);
        assert_code(&out, 0);
        assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
    }
    // diff keeps its answer (1: the sides differ) and says nothing more.
    let out = run_into_closed_pipe(&env, &["diff", &url]);
    assert_code(&out, 1);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn get_into_a_closed_pipe_stops_and_records_nothing() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/big.txt", &vec![b'x'; 4 << 20], "text/plain");
    let out = run_into_closed_pipe(&env, &["get", &server.url("/big.txt")]);
    assert_code(&out, 0);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(files_in(&env, "bases"), Vec::<String>::new(), "no temp file or base is left");
    assert_eq!(files_in(&env, "records"), Vec::<String>::new(), "nothing is recorded");
}

#[test]
fn ctrl_c_during_a_download_exits_130_and_leaves_no_temp_file() {
    for to_file in [true, false] {
        let env = Env::new();
        let server = Raw::start(
            "HTTP/1.1 200 OK\r\nETag: \"slow\"\r\nContent-Type: text/plain",
            vec![b"a\n".repeat(1000); 50],
            Duration::from_millis(200),
        );
        let dir = env.path("out");
        std::fs::create_dir(&dir).unwrap();
        let target = dir.join("doc.txt");
        let mut args = vec!["get".to_string(), server.url("/doc.txt")];
        if to_file {
            args.extend(["-o".to_string(), target.display().to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let child = env.cmd(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while server.sent() == 0 {
            assert!(Instant::now() < deadline, "the download never started");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100));
        let kill =
            std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let out = child.wait_with_output().unwrap();
        assert_code(&out, 130);
        assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(left.is_empty(), "no .part file and no half file: {left:?}");
        assert_eq!(files_in(&env, "bases"), Vec::<String>::new());
        assert_eq!(files_in(&env, "records"), Vec::<String>::new());
    }
}

#[test]
fn get_json_without_a_file_is_refused_with_one_json_object() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", b"{\"a\":1}", "application/json");
    let out = env.run(&["get", &server.url("/doc.json"), "--json"]);
    assert_code(&out, 2);
    let v = json_of(&out);
    assert_eq!(v["outcome"], "error");
    assert!(v["error"]["hints"][0].as_str().unwrap().contains("-o FILE"), "{v}");
    assert!(server.requests().is_empty(), "refused before any request");
}

#[test]
fn a_command_line_refused_by_the_parser_still_prints_one_json_object() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let url = server.url("/doc.json");
    // An option another command takes, a missing argument, an option missing its value.
    for (args, command, words) in [
        (vec!["doctor", url.as_str(), "--on-conflict", "merge", "--json"], "doctor", "'--on-conflict'"),
        (vec!["state", "show", "--json"], "state show", "<URL>"),
        (vec!["put", url.as_str(), "--json", "--retry"], "put", "'--retry"),
    ] {
        let out = env.run(&args);
        assert_code(&out, 2);
        let v = json_of(&out);
        assert_eq!(v["command"], command, "{v}");
        assert_eq!((v["outcome"].as_str(), v["exit_code"].as_i64()), (Some("error"), Some(2)), "{v}");
        assert_eq!(v["error"]["kind"], "usage", "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(words), "{v}");
        assert!(v["error"]["hints"][0].as_str().unwrap().contains("--help"), "{v}");
        assert!(stderr(&out).contains("error: "), "clap's own message stays on stderr: {}", stderr(&out));
    }
    // Help is not an error, and --json after `--` belongs to apply's command.
    let out = env.run(&["get", "--help", "--json"]);
    assert_code(&out, 0);
    assert!(serde_json::from_slice::<serde_json::Value>(&out.stdout).is_err());
    let out = env.run(&["apply", "--", "cat", "--json"]);
    assert_code(&out, 2);
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(server.requests().is_empty(), "refused before any request");
}

#[test]
fn state_subcommands_print_one_object_with_their_command() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", b"{\"a\":1}", "application/json");
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);

    let list = json_of(&env.run(&["state", "list", "--json"]));
    assert_eq!(list["command"], "state list");
    assert_eq!(list["records"][0]["url"], url.as_str());
    let show = json_of(&env.run(&["state", "show", &url, "--json"]));
    assert_eq!((show["command"].as_str(), show["etag"].as_str()), (Some("state show"), Some("\"v1\"")));
    let path = json_of(&env.run(&["state", "path", "--json"]));
    assert_eq!(path["command"], "state path");
    assert_eq!(path["path"], env.state_dir().display().to_string());
    let forget = json_of(&env.run(&["state", "forget", &url, "--json"]));
    assert_eq!(
        (forget["command"].as_str(), forget["forgot"].as_str()),
        (Some("state forget"), Some(&url[..]))
    );
    let failed = env.run(&["state", "show", &url, "--json"]);
    assert_code(&failed, 2);
    assert_eq!(json_of(&failed)["command"], "state show");
}

#[test]
fn demo_json_prints_the_final_report() {
    let env = Env::new();
    let out = env.run(&["demo", "--json"]);
    assert_code(&out, 0);
    let v = json_of(&out);
    assert_eq!((v["command"].as_str(), v["outcome"].as_str()), (Some("demo"), Some("merged")));
    assert_eq!(v["attempts"], 2);
}

#[test]
fn serve_json_prints_its_url_as_an_object_first() {
    let env = Env::new();
    let first = env.serve_json_first_line();
    let v: serde_json::Value = serde_json::from_str(&first).unwrap_or_else(|e| panic!("{e}: {first}"));
    assert!(v["url"].as_str().unwrap().starts_with("http://127.0.0.1:"), "{v}");
}

#[test]
fn binary_body_is_kept_off_a_terminal() {
    let env = Env::new();
    let body = vec![0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0xfe];
    let server =
        Raw::start("HTTP/1.1 200 OK\r\nETag: \"png\"\r\nContent-Type: image/png", vec![body], Duration::ZERO);
    let url = server.url("/logo.png");
    let mut cmd = env.cmd(&["get", &url]);
    cmd.env("TERM", "xterm");
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p.expect("binary output can mess up your terminal").unwrap();
    p.expect("-o FILE").unwrap();
    p.expect(Eof).ok();
    match p.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 2),
        other => panic!("ifmatch did not exit normally: {other:?}"),
    }
    assert_eq!(files_in(&env, "records"), Vec::<String>::new(), "nothing is recorded");
    // Text goes to the terminal as usual.
    server_text_reaches_the_terminal(&env);
}

fn server_text_reaches_the_terminal(env: &Env) {
    let server = Raw::start(
        "HTTP/1.1 200 OK\r\nETag: \"t\"\r\nContent-Type: text/plain",
        vec![b"h\xc3\xa9llo\n".to_vec()],
        Duration::ZERO,
    );
    let mut cmd = env.cmd(&["get", &server.url("/t.txt")]);
    cmd.env("TERM", "xterm");
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p.expect("héllo").unwrap();
    p.expect(Eof).ok();
    assert!(matches!(p.get_process().wait().unwrap(), WaitStatus::Exited(_, 0)));
}

#[test]
fn a_closed_stderr_never_turns_a_write_into_a_crash() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), b"{\"a\": 1}\n");
    assert_code(&env.run(&["get", &url]), 0);
    // stderr is a pipe whose reader is gone before ifmatch writes its first line to it.
    let mut child = env
        .cmd(&["put", &url, "-", "-v"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"{\"a\": 2}\n").unwrap();
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "the write succeeded, so the exit status says so");
    assert_eq!(server.body("/doc.json").unwrap(), b"{\"a\": 2}\n");
    assert!(env.recovered().is_empty(), "nothing left in recovered/ after a successful write");
}

/// `ifmatch ARGS` with stdout, stderr and stdin on a terminal, colors allowed; everything it
/// printed, once it ended.
fn on_a_terminal(env: &Env, args: &[&str]) -> String {
    let mut cmd = env.cmd(args);
    cmd.env("TERM", "xterm").env_remove("NO_COLOR").stdin(Stdio::inherit());
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    let all = p.expect(Eof).unwrap();
    String::from_utf8_lossy(&[all.before(), all.as_bytes()].concat()).replace("\r\n", "\n")
}

#[test]
fn json_on_a_terminal_is_indented_and_colored_and_exact_elsewhere() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let body = br#"{"name":"demo","replicas":1.50,"tags":["a"]}"#;
    server.put_resource("/doc.json", body, "application/json");
    let url = server.url("/doc.json");
    let shown = on_a_terminal(&env, &["get", &url]);
    assert!(shown.contains("\x1b[1;34m\"name\"\x1b[0m: \x1b[32m\"demo\"\x1b[0m,\n"), "{shown:?}");
    assert!(
        shown.contains("  \x1b[1;34m\"replicas\"\x1b[0m: \x1b[36m1.50\x1b[0m,\n"),
        "numbers as sent: {shown:?}"
    );
    assert!(shown.contains("    \x1b[32m\"a\"\x1b[0m\n  ]\n}"), "{shown:?}");
    // NO_COLOR: indented, no colors.
    let plain = {
        let mut cmd = env.cmd(&["get", &url]);
        cmd.env("TERM", "xterm").stdin(Stdio::inherit());
        let mut p = Session::spawn(cmd).expect("spawn in a pty");
        let all = p.expect(Eof).unwrap();
        String::from_utf8_lossy(&[all.before(), all.as_bytes()].concat()).replace("\r\n", "\n")
    };
    assert!(plain.contains("{\n  \"name\": \"demo\",\n  \"replicas\": 1.50,"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
    // --raw: the bytes as received, on a terminal too.
    let raw = on_a_terminal(&env, &["get", &url, "--raw"]);
    assert!(raw.contains(std::str::from_utf8(body).unwrap()), "{raw:?}");
    // A pipe and a file get the exact bytes; so does the state store.
    let out = env.run(&["get", &url]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, body);
    let file = env.path("doc.json");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    assert_eq!(std::fs::read(&file).unwrap(), body);
    let diff = env.run(&["diff", &url, file.to_str().unwrap()]);
    assert_code(&diff, 0);
}

#[test]
fn include_prints_the_status_line_and_headers_before_the_body() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", b"{\"a\": 1}\n", "application/json");
    let url = server.url("/doc.json");
    let out = env.run(&["get", "-i", &url]);
    assert_code(&out, 0);
    let text = String::from_utf8(out.stdout).unwrap();
    let (head, body) = text.split_once("\n\n").expect("an empty line after the headers");
    assert!(head.starts_with("HTTP/1.1 200 OK\n"), "{head}");
    assert!(head.to_ascii_lowercase().contains("etag: \"v1\""), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: application/json"), "{head}");
    assert_eq!(body, "{\"a\": 1}\n");
    // With -o FILE the headers go to stdout and FILE holds only the body.
    let file = env.path("doc.json");
    let out = env.run(&["get", "--include", &url, "-o", file.to_str().unwrap()]);
    assert_code(&out, 0);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HTTP/1.1 200 OK\n"));
    assert_eq!(std::fs::read(&file).unwrap(), b"{\"a\": 1}\n");
    // --json owns stdout.
    assert_code(&env.run(&["get", "-i", &url, "-o", file.to_str().unwrap(), "--json"]), 2);
}

/// Runs `ifmatch ARGS` as `ifmatch ARGS | head -c1` would: the reader takes one byte of stdout,
/// then goes away while the command still has more to write.
fn run_into_head_c1(env: &Env, args: &[&str]) -> Output {
    use std::io::Read;
    let mut child = env.cmd(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    child.wait_with_output().unwrap()
}

#[test]
fn a_reader_that_stops_after_one_byte_ends_the_run_quietly() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    // Far more than a pipe holds, so the command is still writing when the reader leaves.
    let lines = |word: &str| (0..200_000).map(|i| format!("{word} {i}\n")).collect::<String>().into_bytes();
    server.put_resource("/big.txt", &lines("one"), "text/plain");
    let url = server.url("/big.txt");

    let out = run_into_head_c1(&env, &["get", &url]);
    assert_code(&out, 0);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(files_in(&env, "records"), Vec::<String>::new(), "nothing is recorded");

    // diff's answer is its status: 1, the sides differ, even though the reader left early.
    assert_code(&env.run(&["get", &url, "-o", env.path("big.txt").to_str().unwrap()]), 0);
    server.put_resource("/big.txt", &lines("two"), "text/plain");
    let out = run_into_head_c1(&env, &["diff", &url]);
    assert_code(&out, 1);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn statuses_that_are_not_failures_print_nothing_more() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.txt", b"one\n", "text/plain");
    let url = server.url("/doc.txt");
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.txt", b"two\n", "text/plain");

    // diff with differences: exit 1, the diff (or its one JSON object) and nothing else.
    let out = env.run(&["diff", &url]);
    assert_code(&out, 1);
    assert_eq!(crate::support::stdout(&out), "--- base\n+++ theirs\n@@ -1 +1 @@\n-one\n+two\n");
    assert_eq!(stderr(&out), "");
    let out = env.run(&["diff", &url, "--json"]);
    assert_code(&out, 1);
    let report = json_of(&out);
    assert_eq!(
        (report["command"].as_str(), report["equal"].as_bool()),
        (Some("diff"), Some(false)),
        "{report}"
    );
    assert!(report.get("error").is_none(), "{report}");
    assert_eq!(stderr(&out), "");

    // doctor's "writes cannot be protected": exit 1, the report, then the verdict on stderr
    // in the error format; with --json the report is the one object on stdout.
    let bare = FakeServer::start(Quirks { no_etag: true, no_last_modified: true, ..Quirks::default() });
    bare.put_resource("/doc.txt", b"one\n", "text/plain");
    let url = bare.url("/doc.txt");
    let out = env.run(&["doctor", &url]);
    assert_code(&out, 1);
    assert!(crate::support::stdout(&out).contains("\nVerdict: writes cannot be protected\n"));
    assert_eq!(
        stderr(&out),
        format!(
            "ifmatch: error: writes to {url} cannot be protected\nhint: the report on stdout says why, and what to do about it\n"
        )
    );
    let out = env.run(&["doctor", &url, "--json"]);
    assert_code(&out, 1);
    let report = json_of(&out);
    assert_eq!(report["command"], "doctor", "{report}");
    assert!(report.get("error").is_none(), "{report}");
}
