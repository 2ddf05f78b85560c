//! Servers that evaluate If-Match on GET but ignore it on PUT: the write probe's verdict is
//! remembered per origin, shown by doctor and the state commands, and writes there warn and
//! re-check the validator with a conditional request just before writing.

use crate::support::fake_server::{FakeServer, Fault, Quirks};
use crate::support::{Env, assert_code, stderr, stdout};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const THEIRS: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n";

/// A server that ignores If-Match on PUT, already found out by a write probe.
fn probed(env: &Env) -> (FakeServer, String) {
    let (server, url) =
        FakeServer::with_json_doc(Quirks { ignore_if_match_on_put: true, ..Quirks::default() }, DOC);
    let out = env.run(&["doctor", &url, "--write-probe", "--yes"]);
    assert_code(&out, 1);
    (server, url)
}

fn origin_url(server: &FakeServer) -> String {
    format!("http://127.0.0.1:{}", server.port)
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn the_write_probe_verdict_is_remembered_shown_listed_and_forgotten() {
    let env = Env::new();
    let (server, url) =
        FakeServer::with_json_doc(Quirks { ignore_if_match_on_put: true, ..Quirks::default() }, DOC);
    let out = env.run(&["doctor", &url, "--write-probe", "--yes"]);
    assert_code(&out, 1);
    let report = stdout(&out);
    let origin = origin_url(&server);
    assert!(
        report.contains(&format!("Remembered for {origin}: writes NOT protected (write probe of ")),
        "{report}"
    );
    assert!(report.contains("--write-probe` forgets it"), "{report}");

    // doctor without the probe shows it, and still creates nothing new.
    let out = env.run(&["doctor", &url]);
    let report = stdout(&out);
    assert!(
        report.contains(&format!("Remembered for {origin}: writes NOT protected (write probe of ")),
        "{report}"
    );
    assert!(report.contains("--write-probe checks again"), "{report}");
    let out = env.run(&["doctor", &url, "--json"]);
    let value = json(&out);
    assert_eq!(value["write_probe_verdict"]["origin"], origin.as_str());
    assert_eq!(value["write_probe_verdict"]["writes_protected"], false);
    assert!(value["write_probe_verdict"]["checked_at"].as_str().unwrap().ends_with("GMT"));

    let out = env.run(&["state", "list"]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains(&format!("{origin}\twrites NOT protected (write probe)\t")),
        "{}",
        stdout(&out)
    );
    let value = json(&env.run(&["state", "list", "--json"]));
    assert_eq!(value["origins"][0]["origin"], origin.as_str());
    let out = env.run(&["state", "forget", &url, "--write-probe"]);
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains(&format!("forgot the write probe verdict for {origin}")),
        "{}",
        stderr(&out)
    );
    assert!(json(&env.run(&["state", "list", "--json"]))["origins"].as_array().unwrap().is_empty());
    assert_code(&env.run(&["state", "forget", &url, "--write-probe"]), 2);

    // A server that refuses the probe is remembered as protected.
    let (good, good_url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    assert_code(&env.run(&["doctor", &good_url, "--write-probe", "--yes"]), 0);
    let out = env.run(&["state", "list"]);
    assert!(
        stdout(&out).contains(&format!("{}\twrites protected (write probe)\t", origin_url(&good))),
        "{}",
        stdout(&out)
    );
}

#[test]
fn put_to_an_unprotected_origin_warns_and_rechecks_before_writing() {
    let env = Env::new();
    let (server, url) = probed(&env);
    assert_code(&env.run(&["get", &url]), 0);
    // A colleague changes the document; the server would take our stale If-Match anyway.
    server.put_resource("/doc.json", THEIRS, "application/json");
    let before = server.requests_with("PUT").len();
    let out = env.run_with_stdin(&["put", &url], MINE);
    assert_code(&out, 3);
    let err = stderr(&out);
    let warning = err.lines().find(|l| l.contains("ignores If-Match on writes")).expect(&err);
    assert!(warning.contains(&origin_url(&server)) && warning.contains("write probe of "), "{warning}");
    assert!(warning.contains("GMT") && warning.contains("milliseconds"), "{warning}");
    assert!(err.contains("the re-check just before writing found that the resource changed"), "{err}");
    assert_eq!(server.requests_with("PUT").len(), before, "nothing was sent over the colleague's change");
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS);
    let heads = server.requests_with("HEAD");
    assert_eq!(
        heads.last().unwrap().header("if-match"),
        Some("\"v2\""),
        "the stored validator is re-checked"
    );
}

#[test]
fn put_to_an_unprotected_origin_writes_when_nothing_changed_and_json_carries_the_verdict() {
    let env = Env::new();
    let (server, url) = probed(&env);
    assert_code(&env.run(&["get", &url]), 0);
    let out = env.run_with_stdin(&["put", &url, "--json"], MINE);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("ignores If-Match on writes"), "{}", stderr(&out));
    assert_eq!(server.body("/doc.json").unwrap(), MINE);
    let value = json(&out);
    assert_eq!(value["write_probe_verdict"]["writes_protected"], false);
    assert_eq!(value["write_probe_verdict"]["origin"], origin_url(&server).as_str());
    // The conditional re-check came right before the write.
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    let n = methods.len();
    assert_eq!(&methods[n - 2..], ["HEAD", "PUT"], "{methods:?}");
}

/// Every `--json` report of a URL carries the remembered verdict, not only a write's: a `get`
/// (to a file, then to /dev/null) and a put that had nothing to send.
#[test]
fn every_json_report_of_the_url_carries_the_remembered_verdict() {
    let env = Env::new();
    let (server, url) = probed(&env);
    let file = env.path("doc.json");
    let file = file.to_str().unwrap();
    let probes = server.requests_with("PUT").len();
    for args in [
        vec!["get", &url, "-o", file, "--json"],
        vec!["get", &url, "-o", "/dev/null", "--json"],
        vec!["put", &url, file, "--json"],
    ] {
        let out = env.run(&args);
        assert_code(&out, 0);
        let value = json(&out);
        assert_eq!(value["write_probe_verdict"]["origin"], origin_url(&server).as_str(), "{args:?}: {value}");
        assert_eq!(value["write_probe_verdict"]["writes_protected"], false, "{args:?}");
    }
    assert_eq!(server.requests_with("PUT").len(), probes, "the put had nothing to send");
}

#[test]
fn edit_and_apply_on_an_unprotected_origin_recheck_too() {
    let env = Env::new();
    let (server, url) = probed(&env);
    // While the editor is open a colleague writes; the server would not refuse our write.
    std::fs::write(env.path("theirs.json"), THEIRS).unwrap();
    let colleague = format!(
        "IFMATCH_STATE_DIR='{}' '{}' put '{url}' '{}' --force 2>/dev/null",
        env.path("colleague-state").display(),
        crate::support::bin(),
        env.path("theirs.json").display()
    );
    env.editor_hook(1, &colleague);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let out = env.run(&["edit", &url]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("ignores If-Match on writes"), "{}", stderr(&out));
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS, "the colleague's change stays");
    assert_eq!(env.recovered().len(), 1, "the edit is kept");

    // apply re-runs its command on the fresh version instead of overwriting it.
    server.put_resource("/doc.json", DOC, "application/json");
    server.change_after(server.requests().len() + 1, "/doc.json", THEIRS);
    let out = env.run(&["apply", &url, "--", "sed", "s/\"replicas\": 1/\"replicas\": 3/"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("the re-check just before writing found"), "{}", stderr(&out));
    assert_eq!(server.body("/doc.json").unwrap(), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 3\n}\n");
}

#[test]
fn doctor_takes_state_dir_and_remembers_the_verdict_where_the_writes_look() {
    let env = Env::new();
    let (server, url) =
        FakeServer::with_json_doc(Quirks { ignore_if_match_on_put: true, ..Quirks::default() }, DOC);
    let other = env.path("other-store");
    let dir = other.to_str().unwrap();
    let out = env.run(&["doctor", &url, "--write-probe", "--yes", "--state-dir", dir]);
    assert_code(&out, 1);
    let origin = origin_url(&server);
    let listed = json(&env.run(&["state", "list", "--json", "--state-dir", dir]));
    assert_eq!(listed["origins"][0]["origin"], origin.as_str(), "{listed}");
    assert!(json(&env.run(&["state", "list", "--json"]))["origins"].as_array().unwrap().is_empty());
    let out = env.run(&["doctor", &url, "--state-dir", dir]);
    assert!(
        stdout(&out).contains(&format!("Remembered for {origin}: writes NOT protected")),
        "{}",
        stdout(&out)
    );

    // A write with the same --state-dir knows the server ignores If-Match on writes.
    let file = env.path("doc.json");
    let file = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file, "--state-dir", dir]), 0);
    std::fs::write(file, MINE).unwrap();
    server.put_resource("/doc.json", THEIRS, "application/json");
    let out = env.run(&["put", &url, file, "--state-dir", dir, "--on-conflict", "abort"]);
    assert_code(&out, 3);
    assert_eq!(server.body("/doc.json").unwrap(), THEIRS, "their change is not overwritten");
}

#[test]
fn a_write_there_whose_answer_was_lost_is_not_sent_again() {
    // Its If-Match would not stop a second attempt from landing on a change made meanwhile (the
    // server ignores it on writes), and the re-check runs only before the first attempt.
    let env = Env::new();
    let (server, url) = probed(&env);
    let file = env.path("doc.json");
    let file = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file]), 0);
    std::fs::write(file, MINE).unwrap();
    let probes = server.requests_with("PUT").len();
    server.fault("PUT", Fault::ApplyThenDrop);
    // The re-check (HEAD), the write (applied, unanswered), then someone else's change.
    server.change_after(server.requests().len() + 2, "/doc.json", THEIRS);
    let out = env.run(&["put", &url, file, "--retry", "2", "--retry-max-time", "0"]);
    assert_eq!(
        server.body("/doc.json").unwrap(),
        THEIRS,
        "their change is not overwritten: {}",
        stderr(&out)
    );
    assert_eq!(server.requests_with("PUT").len(), probes + 1, "{}", stderr(&out));
    assert_code(&out, 7);
    assert!(stderr(&out).contains("not retried"), "{}", stderr(&out));
    assert_eq!(env.recovered().len(), 1, "the text is kept");
}
