//! The core cycle against the recording fake server: what `get`, `put` and `edit` send, what
//! they store, and what the user sees.

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

fn server_with_doc(quirks: Quirks) -> FakeServer {
    let server = FakeServer::start(quirks);
    server.put_resource("/doc.json", DOC, "application/json");
    server
}

#[test]
fn get_prints_byte_exact_and_records_validators() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let out = env.run(&["get", &server.url("/doc.json")]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, DOC);
    let gets = server.requests_with("GET");
    assert_eq!(gets[0].header("cache-control"), Some("no-cache"));

    let show = env.run(&["state", "show", &server.url("/doc.json"), "--json"]);
    assert_code(&show, 0);
    let record: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(record["etag"], "\"v1\"");
    assert_eq!(record["content_type"], "application/json");
    assert!(record["last_modified"].as_str().unwrap().ends_with("GMT"));
    assert_eq!(record["base_len"], DOC.len());

    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(env.state_dir().join("records")).unwrap() {
        let mode = entry.unwrap().metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let mode = std::fs::metadata(env.state_dir()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
}

#[test]
fn get_output_file_and_key_normalization() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let file = env.path("out.json");
    let url = format!("HTTP://127.0.0.1:{}/doc.json", server.port);
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    assert_eq!(std::fs::read(&file).unwrap(), DOC);
    // The same resource under its normalized spelling is found.
    assert_code(&env.run(&["state", "show", &server.url("/doc.json")]), 0);
}

#[test]
fn put_sends_the_stored_etag_and_stores_the_new_one() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    let new = b"{\n  \"name\": \"demo\",\n  \"replicas\": 2\n}\n";
    let out = env.run_with_stdin(&["put", &url, "-", "--json"], new);
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    assert_eq!(puts[0].body, new);
    assert_eq!(puts[0].header("content-type"), Some("application/json"));
    assert_eq!(server.body("/doc.json").unwrap(), new);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "written");
    assert_eq!(report["etag"], "\"v2\"");
    assert_eq!(report["etag_before"], "\"v1\"");

    // A second put uses the ETag from the first put's response.
    let newer = b"{\"replicas\": 3}";
    assert_code(&env.run_with_stdin(&["put", &url], newer), 0);
    assert_eq!(server.requests_with("PUT")[1].header("if-match"), Some("\"v2\""));
}

#[test]
fn put_without_validator_refuses_unless_forced() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    let out = env.run_with_stdin(&["put", &url], b"x");
    assert_code(&out, 2);
    assert!(stderr(&out).contains(&format!("run `ifmatch get {url}` first")), "{}", stderr(&out));
    assert!(server.requests_with("PUT").is_empty());

    let out = env.run_with_stdin(&["put", &url, "--force"], b"forced");
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts[0].header("if-match"), None);
    assert_eq!(server.body("/doc.json").unwrap(), b"forced");
}

#[test]
fn put_with_explicit_if_match() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    let out = env.run_with_stdin(&["put", &url, "--if-match", "\"v1\""], b"explicit");
    assert_code(&out, 0);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v1\""));
    let out = env.run_with_stdin(&["put", &url, "--if-match", "\"v1\""], b"stale");
    assert_code(&out, 3);
    assert_eq!(server.body("/doc.json").unwrap(), b"explicit");
}

#[test]
fn stale_put_exits_3_and_leaves_the_server_alone() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    let theirs = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
    server.put_resource("/doc.json", theirs, "application/json");
    let out = env.run_with_stdin(&["put", &url], b"{\n  \"name\": \"demo\",\n  \"replicas\": 7\n}\n");
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("412"), "{err}");
    assert!(err.contains("base → theirs"), "the server's changes are shown: {err}");
    assert!(err.contains("-  \"name\": \"demo\","), "{err}");
    assert_eq!(server.body("/doc.json").unwrap(), theirs, "the other change survives");
    assert_eq!(server.requests_with("PUT").len(), 1);
    let recovered = env.recovered();
    assert_eq!(recovered.len(), 1, "the edit is kept");
    assert!(err.contains(&recovered[0].display().to_string()), "{err}");
}

#[test]
fn overwrite_policy_replaces_their_change_loudly() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    server.put_resource("/doc.json", b"{\"theirs\": true}\n", "application/json");
    let mine = b"{\"mine\": true}\n";
    let out = env.run_with_stdin(&["put", &url, "--on-conflict", "overwrite"], mine);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("overwriting the other change"), "{}", stderr(&out));
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""), "the retry carries the fresh ETag");
    assert_eq!(server.body("/doc.json").unwrap(), mine);
}

#[test]
fn missing_etag_on_write_marks_the_record_stale() {
    let env = Env::new();
    let server = server_with_doc(Quirks { no_etag_on_write: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    assert_code(&env.run_with_stdin(&["put", &url], b"{\"a\": 1}\n"), 0);
    let show: serde_json::Value =
        serde_json::from_slice(&env.run(&["state", "show", &url, "--json"]).stdout).unwrap();
    assert_eq!(show["stale"], true);
    // The next write refetches before writing, then uses the fresh ETag.
    let before = server.requests().len();
    let out = env.run_with_stdin(&["put", &url], b"{\"a\": 2}\n");
    assert_code(&out, 0);
    let after: Vec<_> = server.requests()[before..].iter().map(|r| r.method.clone()).collect();
    assert_eq!(after, ["GET", "PUT"]);
    assert_eq!(server.requests_with("PUT")[1].header("if-match"), Some("\"v2\""));
}

#[test]
fn an_etag_that_survives_a_change_is_not_trusted() {
    let env = Env::new();
    let server = server_with_doc(Quirks { etag_ignores_content: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    let mine = b"{\n  \"name\": \"demo\",\n  \"replicas\": 2\n}\n";
    let out = env.run_with_stdin(&["put", &url], mine);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("same ETag \"same\" it had before this change"), "{}", stderr(&out));
    let show: serde_json::Value =
        serde_json::from_slice(&env.run(&["state", "show", &url, "--json"]).stdout).unwrap();
    assert_eq!(show["stale"], true);
    // Someone changes it and the ETag stays: If-Match alone would let the next write through.
    let theirs = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 2\n}\n";
    server.put_resource("/doc.json", theirs, "application/json");
    let before = server.requests().len();
    let out = env.run_with_stdin(&["put", &url], b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n");
    assert_code(&out, 3);
    let after: Vec<_> = server.requests()[before..].iter().map(|r| r.method.clone()).collect();
    assert_eq!(after, ["GET"], "the refetch saw their change before anything was sent");
    assert!(stderr(&out).contains("base → theirs"), "{}", stderr(&out));
    assert_eq!(server.body("/doc.json").unwrap(), theirs);
}

#[test]
fn weak_etag_falls_back_to_if_unmodified_since() {
    let env = Env::new();
    let server = server_with_doc(Quirks { weak_etags: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    let out = env.run(&["get", &url]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("weak ETag"), "{}", stderr(&out));
    let out = env.run_with_stdin(&["put", &url], b"{\"a\": 1}\n");
    assert_code(&out, 0);
    assert!(stderr(&out).contains("one-second resolution"), "{}", stderr(&out));
    let put = &server.requests_with("PUT")[0];
    assert_eq!(put.header("if-match"), None, "a weak ETag is never sent in If-Match");
    assert!(put.header("if-unmodified-since").is_some());
}

#[test]
fn edit_writes_the_edited_text_with_if_match() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 4");
    let out = env.run(&["edit", &url]);
    assert_code(&out, 0);
    assert_eq!(env.editor_saw(1), DOC, "the editor got the body");
    let put = &server.requests_with("PUT")[0];
    assert_eq!(put.header("if-match"), Some("\"v1\""));
    let expected = b"{\n  \"name\": \"demo\",\n  \"replicas\": 4\n}\n";
    assert_eq!(put.body, expected);
    assert_eq!(server.body("/doc.json").unwrap(), expected);
    assert!(stderr(&out).contains("wrote"), "{}", stderr(&out));
}

#[test]
fn edit_without_change_sends_nothing() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let out = env.run(&["edit", &server.url("/doc.json")]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("no changes"), "{}", stderr(&out));
    assert!(server.requests_with("PUT").is_empty());
    assert_eq!(env.editor_runs(), 1);
}

#[test]
fn edit_with_invalid_json_keeps_the_text_off_a_terminal() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    env.editor_writes(1, b"{\"replicas\": 2,,}");
    let out = env.run(&["edit", &url]);
    assert_code(&out, 6);
    let err = stderr(&out);
    assert!(err.contains("invalid JSON") && err.contains("line 1, column"), "{err}");
    assert!(server.requests_with("PUT").is_empty());
    let recovered = env.recovered();
    assert_eq!(recovered.len(), 1);
    assert_eq!(std::fs::read(&recovered[0]).unwrap(), b"{\"replicas\": 2,,}");
}

#[test]
fn editor_failure_recovers_and_resume_finishes_the_job() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    env.editor_replaces(1, "demo", "half-done");
    env.editor_exits(1, 3);
    let out = env.run(&["edit", &url]);
    assert_code(&out, 6);
    let err = stderr(&out);
    assert!(err.contains("exited with"), "{err}");
    assert!(err.contains("--resume"), "{err}");
    assert!(server.requests_with("PUT").is_empty(), "nothing is sent after an editor failure");
    assert_eq!(env.recovered().len(), 1);

    // --resume opens the saved text, not the server's.
    env.editor_replaces(2, "half-done", "done");
    let out = env.run(&["edit", &url, "--resume"]);
    assert_code(&out, 0);
    assert!(String::from_utf8_lossy(&env.editor_saw(2)).contains("half-done"));
    let put = &server.requests_with("PUT")[0];
    assert_eq!(put.header("if-match"), Some("\"v1\""));
    assert!(String::from_utf8_lossy(&put.body).contains("\"done\""));
    assert!(env.recovered().is_empty(), "the saved edit is removed once written");
}

#[test]
fn concurrent_change_during_edit_goes_through_the_412_flow() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    // Someone changes "name" right after our GET, while we edit "replicas".
    server.change_after(1, "/doc.json", b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 9");
    let out = env.run(&["edit", &url]);
    assert_code(&out, 3);
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n");
    assert_eq!(env.recovered().len(), 1);

    // The same with the merge policy: both changes end up on the server.
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    server.change_after(1, "/doc.json", b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 9");
    let out = env.run(&["edit", &url, "--on-conflict", "merge"]);
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""));
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 9\n}\n");
}

#[test]
fn lost_response_is_recognised_as_already_applied() {
    let env = Env::new();
    let server = server_with_doc(Quirks { lose_first_write_response: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    let out = env.run_with_stdin(&["put", &url, "--json"], b"{\"mine\": 1}\n");
    assert_code(&out, 0);
    assert!(stderr(&out).contains("already holds exactly your version"), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "already_applied");
    assert_eq!(server.requests_with("PUT").len(), 1, "no second write");
}

#[test]
fn statuses_map_to_exit_codes() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    assert_code(&env.run(&["get", &server.url("/missing")]), 4);
    let out = env.run(&["get", &server.url("/status/503")]);
    assert_code(&out, 5);
    assert!(stderr(&out).contains("503"), "{}", stderr(&out));
    // Nothing listens there.
    let refused = crate::support::RefusedPort::new();
    let out = env.run(&["get", &refused.url("/x")]);
    assert_code(&out, 7);
    assert!(stderr(&out).contains("hint:"), "{}", stderr(&out));
    assert_code(&env.run(&["get", "not a url"]), 2);
}

#[test]
fn verbose_redacts_credentials_and_the_store_never_holds_them() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    let out =
        env.cmd(&["get", &url, "-v", "--bearer-env", "TOKEN"]).env("TOKEN", "s3cret-token").output().unwrap();
    assert_code(&out, 0);
    assert_eq!(server.requests()[0].header("authorization"), Some("Bearer s3cret-token"));
    let err = stderr(&out);
    assert!(err.contains("authorization: <redacted>"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
    let out = env.run(&["get", &url, "-u", "alice:pa55word"]);
    assert_code(&out, 0);
    for entry in crate::support::files_under(&env.state_dir()) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned();
        assert!(!text.contains("s3cret") && !text.contains("pa55word"), "{}", entry.display());
    }
}

#[test]
fn parallel_gets_leave_every_record_valid() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    for i in 0..24 {
        server.put_resource(&format!("/r{i}.txt"), format!("body {i}\n").as_bytes(), "text/plain");
    }
    let children: Vec<_> = (0..24)
        .map(|i| {
            env.cmd(&["get", &server.url(&format!("/r{i}.txt"))])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let list = env.run(&["state", "list", "--json"]);
    assert_code(&list, 0);
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let records = list["records"].as_array().unwrap();
    assert_eq!(records.len(), 24);
    for r in records {
        assert!(r["etag"].as_str().unwrap().starts_with("\"v"));
    }
    let names: Vec<_> =
        std::fs::read_dir(env.state_dir().join("records")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 24, "no temp or corrupt files: {names:?}");
}

#[test]
fn corrupt_record_is_moved_aside_with_a_warning() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    let record = std::fs::read_dir(env.state_dir().join("records")).unwrap().next().unwrap().unwrap().path();
    std::fs::write(&record, b"{ torn").unwrap();
    let out = env.run_with_stdin(&["put", &url], b"x");
    assert_code(&out, 2);
    assert!(stderr(&out).contains("corrupt"), "{}", stderr(&out));
    assert!(
        record
            .with_file_name(format!("{}.corrupt-1", record.file_name().unwrap().to_string_lossy()))
            .exists()
    );
}

#[test]
fn timeout_is_a_network_failure_that_keeps_the_edit() {
    let env = Env::new();
    let server = server_with_doc(Quirks { put_delay_ms: 3000, ..Quirks::default() });
    let url = server.url("/doc.json");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 6");
    let out = env.run(&["edit", &url, "--timeout", "0.5"]);
    assert_code(&out, 7);
    let err = stderr(&out);
    assert!(err.contains("--timeout"), "{err}");
    let saved = std::fs::read(&env.recovered()[0]).unwrap();
    assert!(String::from_utf8_lossy(&saved).contains("\"replicas\": 6"));
}

#[test]
fn put_of_a_new_file_sends_the_type_its_name_implies() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let file = env.path("new.json");
    std::fs::write(&file, b"{\"new\": true}\n").unwrap();
    let out = env.run(&["put", &server.url("/new.json"), file.to_str().unwrap(), "--force"]);
    assert_code(&out, 0);
    let put = &server.requests_with("PUT")[0];
    assert_eq!(put.header("content-type"), Some("application/json"));
    assert_eq!(put.header("if-match"), None);
    let out =
        env.run_with_stdin(&["put", &server.url("/x"), "--force", "--content-type", "text/csv"], b"a,b\n");
    assert_code(&out, 0);
    assert_eq!(server.requests_with("PUT")[1].header("content-type"), Some("text/csv"));
}

#[test]
fn a_malformed_editor_setting_fails_before_any_request() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let out =
        env.cmd(&["edit", &server.url("/doc.json")]).env("IFMATCH_EDITOR", "'unterminated").output().unwrap();
    assert_code(&out, 6);
    assert!(stderr(&out).contains("IFMATCH_EDITOR"), "{}", stderr(&out));
    assert!(server.requests().is_empty(), "nothing was fetched");
}

#[test]
fn an_editor_ended_by_ctrl_c_is_an_interruption() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 5");
    // What Ctrl-C at the terminal does to the editor: SIGINT ends it.
    env.editor_hook(1, "kill -INT $PPID");
    let out = env.run(&["edit", &server.url("/doc.json")]);
    assert_code(&out, 130);
    assert!(server.requests_with("PUT").is_empty());
}

#[test]
fn a_ctrl_c_the_editor_survived_does_not_stop_the_write() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 8");
    // The terminal's SIGINT reaches ifmatch too; the editor (like vim) carries on and saves.
    env.editor_hook(1, "kill -INT $(ps -o ppid= -p $PPID)");
    let out = env.run(&["edit", &server.url("/doc.json")]);
    assert_code(&out, 0);
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"demo\",\n  \"replicas\": 8\n}\n");
}
