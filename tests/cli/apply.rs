//! `ifmatch apply URL -- CMD`: the compare-and-swap loop for scripts, with real commands
//! (sed, python3, sh) against the recording fake server and `ifmatch serve`.

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::serve::Serve;
use crate::support::{Env, assert_code, stderr, stdout};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

/// Adds one to the document's "n", printing compact JSON.
const INCREMENT: &str = "import json,sys; d=json.load(sys.stdin); d['n']+=1; print(json.dumps(d))";

fn server_with_doc(quirks: Quirks) -> FakeServer {
    let server = FakeServer::start(quirks);
    server.put_resource("/doc.json", DOC, "application/json");
    server
}

#[test]
fn pipes_the_body_through_the_command_and_writes_with_if_match() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    let out = env.run(&["apply", &url, "--json", "--", "sed", "s/\"replicas\": 1/\"replicas\": 3/"]);
    assert_code(&out, 0);
    let gets = server.requests_with("GET");
    assert_eq!(gets[0].header("cache-control"), Some("no-cache"));
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    assert_eq!(puts[0].header("content-type"), Some("application/json"));
    let expected = b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n";
    assert_eq!(puts[0].body, expected);
    assert_eq!(server.body("/doc.json").unwrap(), expected);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["command"], "apply");
    assert_eq!(report["outcome"], "written");
    assert_eq!(report["etag_before"], "\"v1\"");
    assert_eq!(report["etag"], "\"v2\"");
    assert_eq!(report["attempts"], 1);

    // The result is recorded like put's: the next put uses the new ETag and base.
    let show: serde_json::Value =
        serde_json::from_slice(&env.run(&["state", "show", &url, "--json"]).stdout).unwrap();
    assert_eq!(show["etag"], "\"v2\"");
    assert_eq!(show["base_len"], expected.len());
}

#[test]
fn a_412_reruns_the_command_on_the_fresh_body() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    // Someone renames the document right after our first GET.
    server.change_after(1, "/doc.json", b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n");
    let out = env.run(&["apply", &url, "--json", "--", "sed", "s/\"replicas\": 1/\"replicas\": 3/"]);
    assert_code(&out, 0);
    let methods: Vec<_> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["GET", "PUT", "GET", "PUT"]);
    let puts = server.requests_with("PUT");
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    assert_eq!(puts[1].header("if-match"), Some("\"v2\""), "the retry carries the fresh ETag");
    // The command ran again on their version, so their change survives.
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 3\n}\n");
    assert!(stderr(&out).contains("retry 1 of 5"), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["attempts"], 2);
}

#[test]
fn retries_exhausted_exit_3_and_leave_the_other_change() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    let theirs = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
    server.change_after(1, "/doc.json", theirs);
    let out = env.run(&["apply", &url, "--retries", "0", "--", "sed", "s/1/2/"]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("--retries"), "{}", stderr(&out));
    assert_eq!(server.requests_with("PUT").len(), 1);
    assert_eq!(server.body("/doc.json").unwrap(), theirs);
}

#[test]
fn five_concurrent_appliers_each_count_once() {
    let (env, docs, serve, url) = served_counter();
    // Every applier's first run waits until all five have read the body, so at least four of
    // the first writes carry a stale ETag and must go round the loop.
    let barrier = env.path("barrier");
    std::fs::create_dir_all(&barrier).unwrap();
    let script = "import json,os,sys,time\n\
         d=json.load(sys.stdin)\n\
         b=os.environ['BARRIER']\n\
         open(os.path.join(b, os.environ['WHO']), 'w').close()\n\
         t=time.time()\n\
         while len(os.listdir(b)) < 5 and time.time() - t < 20: time.sleep(0.01)\n\
         d['n']+=1\n\
         print(json.dumps(d))\n";
    let children: Vec<_> = (0..5)
        .map(|i| {
            env.cmd(&["apply", &url, "--json", "--", "python3", "-c", script])
                .env("BARRIER", &barrier)
                .env("WHO", i.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut attempts = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_code(&out, 0);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["outcome"], "written");
        attempts += report["attempts"].as_u64().unwrap();
    }
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(docs.join("counter.json")).unwrap()).unwrap();
    assert_eq!(doc["n"], 5, "every increment landed exactly once");
    let puts = serve.log_of("PUT");
    assert_eq!(puts.iter().filter(|l| l.contains(" 204 ")).count(), 5, "{puts:?}");
    let refused = puts.iter().filter(|l| l.contains(" 412 ")).count();
    assert!(refused >= 4, "the writers collided: {puts:?}");
    assert_eq!(attempts as usize, puts.len(), "every attempt reached the server once");
    assert!(puts.iter().all(|l| l.contains("if-match=\"")), "{puts:?}");
}

#[test]
fn a_failing_command_exits_6_and_sends_nothing() {
    let (env, docs, serve, url) = served_counter();
    let out = env.run(&["apply", &url, "--", "sh", "-c", "echo 'cannot parse that' >&2; exit 4"]);
    assert_code(&out, 6);
    let err = stderr(&out);
    assert!(err.contains("cannot parse that"), "the command's stderr is shown: {err}");
    assert!(err.contains("exited with status 4"), "{err}");
    assert!(serve.log_of("PUT").is_empty());
    assert_eq!(std::fs::read(docs.join("counter.json")).unwrap(), b"{\"n\": 0}\n");
    let list = env.run(&["state", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(list["records"], serde_json::json!([]), "nothing recorded");

    let out = env.run(&["apply", &url, "--", "ifmatch-test-no-such-command"]);
    assert_code(&out, 6);
    assert!(stderr(&out).contains("on PATH"), "{}", stderr(&out));
}

#[test]
fn unusable_output_exits_6() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    let out = env.run(&["apply", &url, "--", "sed", "s/}/,}/"]);
    assert_code(&out, 6);
    assert!(stderr(&out).contains("invalid JSON"), "{}", stderr(&out));
    let out = env.run(&["apply", &url, "--", "true"]);
    assert_code(&out, 6);
    assert!(stderr(&out).contains("printed nothing"), "{}", stderr(&out));
    assert!(server.requests_with("PUT").is_empty());
}

#[test]
fn unchanged_output_sends_nothing() {
    let (env, docs, serve, url) = served_counter();
    let out = env.run(&["apply", &url, "--json", "--", "sed", "s/absent/x/"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("no changes"), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "unchanged");
    assert_eq!(report["attempts"], 0);
    assert_eq!(serve.log_of("GET").len(), 1);
    assert!(serve.log_of("PUT").is_empty(), "{:?}", serve.log());

    // And a real change, for contrast, through python3.
    let out = env.run(&["apply", &url, "--", "python3", "-c", INCREMENT]);
    assert_code(&out, 0);
    assert_eq!(std::fs::read(docs.join("counter.json")).unwrap(), b"{\"n\": 1}\n");
    assert_eq!(serve.log_of("PUT").len(), 1);
}

#[test]
fn precondition_rules_match_put() {
    // A weak ETag: If-Unmodified-Since, with a warning.
    let env = Env::new();
    let server = server_with_doc(Quirks { weak_etags: true, ..Quirks::default() });
    let out = env.run(&["apply", &server.url("/doc.json"), "--", "sed", "s/demo/weak/"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("one-second resolution"), "{}", stderr(&out));
    let put = &server.requests_with("PUT")[0];
    assert_eq!(put.header("if-match"), None);
    assert!(put.header("if-unmodified-since").is_some());

    // A weak ETag sent anyway is refused by a strict server; the refetch shows the same
    // content and tag, so the loop stops with the diagnosis instead of retrying.
    let env = Env::new();
    let server = server_with_doc(Quirks { weak_etags: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    let out = env.run(&["apply", &url, "--weak-etag", "send", "--", "sed", "s/demo/x/"]);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("content did not change") && err.contains("weak ETag"), "{err}");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1, "not looped on");
    assert_eq!(puts[0].header("if-match"), Some("W/\"v1\""));
    assert_eq!(server.body("/doc.json").unwrap(), DOC);

    // No validator at all: refused before the command runs, unless --force.
    let env = Env::new();
    let server = server_with_doc(Quirks { no_etag: true, no_last_modified: true, ..Quirks::default() });
    let url = server.url("/doc.json");
    let marker = env.path("ran");
    let touch = format!("touch {}; sed s/demo/forced/", marker.display());
    let out = env.run(&["apply", &url, "--", "sh", "-c", &touch]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert!(!marker.exists(), "the command did not run");
    let out = env.run(&["apply", &url, "--force", "--", "sh", "-c", &touch]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("without a precondition"), "{}", stderr(&out));
    let put = &server.requests_with("PUT")[0];
    assert_eq!((put.header("if-match"), put.header("if-unmodified-since")), (None, None));
    assert!(String::from_utf8_lossy(&server.body("/doc.json").unwrap()).contains("forced"));
    let _ = stdout(&out);
}

#[test]
fn json_patch_instead_of_put() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let url = server.url("/doc.json");
    let out = env.run(&["apply", &url, "--patch", "json", "--", "sed", "s/\"replicas\": 1/\"replicas\": 2/"]);
    assert_code(&out, 0);
    let patches = server.requests_with("PATCH");
    assert_eq!(patches.len(), 1);
    assert!(server.requests_with("PUT").is_empty());
    assert_eq!(patches[0].header("content-type"), Some("application/json-patch+json"));
    assert_eq!(patches[0].header("if-match"), Some("\"v1\""));
    assert_eq!(
        String::from_utf8_lossy(&patches[0].body),
        r#"[{"op":"test","path":"/replicas","value":1},{"op":"replace","path":"/replicas","value":2}]"#
    );
    let now: serde_json::Value = serde_json::from_slice(&server.body("/doc.json").unwrap()).unwrap();
    assert_eq!(now, serde_json::json!({"name": "demo", "replicas": 2}));
}

#[test]
fn ctrl_c_while_the_command_runs_exits_130_and_sends_nothing() {
    let env = Env::new();
    let server = server_with_doc(Quirks::default());
    let started = env.path("started");
    // exec: the process ifmatch kills is the one holding the pipes.
    let script = format!("touch '{}'; exec sleep 30", started.display());
    let child = env
        .cmd(&["apply", &server.url("/doc.json"), "--", "sh", "-c", &script])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !started.exists() {
        assert!(std::time::Instant::now() < deadline, "the command never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_code(&out, 130);
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert!(server.requests_with("PUT").is_empty());
}

/// `ifmatch serve` over a fresh directory holding `counter.json` = `{"n": 0}`.
fn served_counter() -> (Env, std::path::PathBuf, Serve, String) {
    let env = Env::new();
    let docs = env.path("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("counter.json"), b"{\"n\": 0}\n").unwrap();
    let serve = Serve::start(&docs, &[]);
    let url = serve.url("/counter.json");
    (env, docs, serve, url)
}
