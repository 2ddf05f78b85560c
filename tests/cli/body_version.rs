//! Versions kept in the body (`_rev`, `metadata.resourceVersion`, a top-level `etag`): the
//! field is found or named, writes carry it as fetched, and a 409 or 412 on a stale one goes
//! through the conflict flow with theirs kept — against fake servers in the Kubernetes and
//! Google shapes.

use crate::support::fake_server::{BodyVersion, FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

/// A server with no header validators at all, only the version in the body.
fn server(bv: BodyVersion, doc: &[u8]) -> (FakeServer, String) {
    let quirks =
        Quirks { no_etag: true, no_last_modified: true, body_version: Some(bv), ..Quirks::default() };
    FakeServer::with_json_doc(quirks, doc)
}

const CONFIGMAP: &[u8] =
    br#"{"kind":"ConfigMap","metadata":{"name":"app","resourceVersion":"0"},"data":{"a":"1","b":"1"}}"#;
const POLICY: &[u8] = br#"{"bindings":[{"role":"viewer","members":["a"]}],"version":1,"etag":"0"}"#;

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

fn field(bytes: &[u8], pointer: &str) -> serde_json::Value {
    json(bytes).pointer(pointer).cloned().unwrap_or(serde_json::Value::Null)
}

#[test]
fn kubernetes_409_on_a_stale_resource_version_merges_and_keeps_theirs() {
    let env = Env::new();
    let (server, url) = server(BodyVersion::kubernetes(), CONFIGMAP);
    let file = env.path("cm.json");
    let out = env.run(&["get", &url, "-o", file.to_str().unwrap(), "-v"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("version field /metadata/resourceVersion = 1"), "{}", stderr(&out));
    // Someone else changes b meanwhile; the version moves to 2.
    let mut theirs = json(&server.body("/doc.json").unwrap());
    theirs["data"]["b"] = "theirs".into();
    server.put_resource("/doc.json", theirs.to_string().as_bytes(), "application/json");
    let mut mine = json(&std::fs::read(&file).unwrap());
    mine["data"]["a"] = "mine".into();
    std::fs::write(&file, serde_json::to_vec_pretty(&mine).unwrap()).unwrap();

    let out = env.run(&["put", &url, file.to_str().unwrap(), "--on-conflict", "merge"]);
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2, "{}", stderr(&out));
    assert!(puts.iter().all(|p| p.header("if-match").is_none() && p.header("if-unmodified-since").is_none()));
    // The first PUT carried the version the text came from, the retry theirs.
    assert_eq!(field(&puts[0].body, "/metadata/resourceVersion"), "1");
    assert_eq!(field(&puts[1].body, "/metadata/resourceVersion"), "2");
    let now = json(&server.body("/doc.json").unwrap());
    assert_eq!(now["data"]["a"], "mine");
    assert_eq!(now["data"]["b"], "theirs");
    assert!(stderr(&out).contains("moved on from 1 to 2"), "{}", stderr(&out));
    // The file was brought up to the version the server holds, so putting it again needs no
    // conflict round.
    assert_eq!(field(&std::fs::read(&file).unwrap(), "/metadata/resourceVersion"), "3");
    let mut again = json(&std::fs::read(&file).unwrap());
    again["data"]["c"] = "new".into();
    std::fs::write(&file, serde_json::to_vec_pretty(&again).unwrap()).unwrap();
    let out = env.run(&["put", &url, file.to_str().unwrap()]);
    assert_code(&out, 0);
    assert_eq!(server.requests_with("PUT").len(), 3, "{}", stderr(&out));
    assert_eq!(json(&server.body("/doc.json").unwrap())["data"]["c"], "new");
}

#[test]
fn a_stale_put_without_a_terminal_exits_3_and_keeps_theirs() {
    let env = Env::new();
    let (server, url) = server(BodyVersion::google(412), POLICY);
    let file = env.path("policy.json");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    let mut theirs = json(&server.body("/doc.json").unwrap());
    theirs["version"] = 3.into();
    server.put_resource("/doc.json", theirs.to_string().as_bytes(), "application/json");
    let held = server.body("/doc.json").unwrap();
    let mut mine = json(&std::fs::read(&file).unwrap());
    mine["bindings"][0]["members"] = serde_json::json!(["a", "b"]);
    std::fs::write(&file, serde_json::to_vec_pretty(&mine).unwrap()).unwrap();

    let out = env.run(&["put", &url, file.to_str().unwrap()]);
    assert_code(&out, 3);
    assert_eq!(server.body("/doc.json").unwrap(), held, "theirs is kept");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1);
    assert_eq!(field(&puts[0].body, "/etag"), "1");
    assert!(stderr(&out).contains("--on-conflict merge"), "{}", stderr(&out));
}

#[test]
fn google_409_on_a_stale_etag_field_merges_with_edit() {
    let env = Env::new();
    let (server, url) = server(BodyVersion::google(409), POLICY);
    // The editor adds a member; meanwhile someone else bumps the policy's version.
    let mut theirs = json(&server.body("/doc.json").unwrap());
    theirs["version"] = 3.into();
    let theirs = theirs.to_string();
    env.editor_replaces(1, "\"a\"", "\"a\", \"b\"");
    let hook_file = env.path("theirs.json");
    std::fs::write(&hook_file, &theirs).unwrap();
    // Another client, with a store of its own, writes the fetched version's etag back.
    env.editor_hook(
        1,
        &format!(
            "IFMATCH_STATE_DIR={} {} put {url} {} --version-field /etag -q",
            env.path("other-state").display(),
            crate::support::bin(),
            hook_file.display()
        ),
    );
    let out = env.run(&["edit", &url, "--yes"]);
    assert_code(&out, 0);
    let now = json(&server.body("/doc.json").unwrap());
    assert_eq!(now["version"], 3);
    assert_eq!(now["bindings"][0]["members"], serde_json::json!(["a", "b"]));
    let puts = server.requests_with("PUT");
    // The concurrent change, the stale write refused, the merged retry.
    assert_eq!(puts.len(), 3, "{}", stderr(&out));
    assert_eq!(field(&puts[1].body, "/etag"), "1");
    assert_eq!(field(&puts[2].body, "/etag"), "2");
}

#[test]
fn a_409_that_is_no_version_conflict_is_an_error_not_a_merge() {
    let env = Env::new();
    let bv = BodyVersion { invalid_member: Some("bogus"), ..BodyVersion::kubernetes() };
    let (server, url) = server(bv, CONFIGMAP);
    let file = env.path("cm.json");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    let before = server.body("/doc.json").unwrap();
    let mut mine = json(&std::fs::read(&file).unwrap());
    mine["bogus"] = true.into();
    std::fs::write(&file, serde_json::to_vec_pretty(&mine).unwrap()).unwrap();
    let out = env.run(&["put", &url, file.to_str().unwrap(), "--on-conflict", "merge"]);
    assert_code(&out, 4);
    assert!(stderr(&out).contains("no version conflict"), "{}", stderr(&out));
    assert_eq!(server.requests_with("PUT").len(), 1);
    assert_eq!(server.body("/doc.json").unwrap(), before);
}

#[test]
fn a_text_that_changes_the_version_field_is_refused_before_sending() {
    let env = Env::new();
    let (server, url) = server(BodyVersion::kubernetes(), CONFIGMAP);
    let file = env.path("cm.json");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    let mut mine = json(&std::fs::read(&file).unwrap());
    mine["metadata"]["resourceVersion"] = "99".into();
    std::fs::write(&file, serde_json::to_vec_pretty(&mine).unwrap()).unwrap();
    let out = env.run(&["put", &url, file.to_str().unwrap()]);
    assert_code(&out, 6);
    assert!(stderr(&out).contains("from 1 to 99"), "{}", stderr(&out));
    assert!(server.requests_with("PUT").is_empty());
}

#[test]
fn with_a_strong_etag_too_both_are_sent() {
    let env = Env::new();
    let quirks = Quirks { body_version: Some(BodyVersion::google(412)), ..Quirks::default() };
    let (server, url) = FakeServer::with_json_doc(quirks, POLICY);
    let file = env.path("policy.json");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap(), "--version-field", "/etag"]), 0);
    let mut mine = json(&std::fs::read(&file).unwrap());
    mine["version"] = 2.into();
    std::fs::write(&file, serde_json::to_vec_pretty(&mine).unwrap()).unwrap();
    let out = env.run(&["put", &url, file.to_str().unwrap()]);
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    assert_eq!(field(&puts[0].body, "/etag"), "1");
    // Remembered in the record.
    let out = env.run(&["state", "show", &url, "--json"]);
    assert!(crate::support::stdout(&out).contains("\"/etag\""), "{}", crate::support::stdout(&out));
}

#[test]
fn apply_reruns_on_a_version_conflict() {
    let env = Env::new();
    let (server, url) = server(BodyVersion::kubernetes(), CONFIGMAP);
    // The first GET is answered, then someone changes b before the PUT arrives.
    let mut theirs = json(CONFIGMAP);
    theirs["data"]["b"] = "theirs".into();
    server.change_after(1, "/doc.json", theirs.to_string().as_bytes());
    let out = env.run(&["apply", &url, "--", "sed", "s/\"a\": \"1\"/\"a\": \"mine\"/"]);
    assert_code(&out, 0);
    let now = json(&server.body("/doc.json").unwrap());
    assert_eq!(now["data"]["a"], "mine", "{}", stderr(&out));
    assert_eq!(now["data"]["b"], "theirs");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2, "the stale write, then the re-run's");
    assert_eq!(field(&puts[1].body, "/metadata/resourceVersion"), "2");
}

#[test]
fn an_overwrite_on_purpose_names_their_version() {
    let env = Env::new();
    let (server, url) = server(BodyVersion::google(412), POLICY);
    let file = env.path("policy.json");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    let mut theirs = json(&server.body("/doc.json").unwrap());
    theirs["version"] = 3.into();
    server.put_resource("/doc.json", theirs.to_string().as_bytes(), "application/json");
    let mut mine = json(&std::fs::read(&file).unwrap());
    mine["bindings"][0]["role"] = "editor".into();
    std::fs::write(&file, serde_json::to_vec_pretty(&mine).unwrap()).unwrap();
    let out = env.run(&["put", &url, file.to_str().unwrap(), "--on-conflict", "overwrite"]);
    assert_code(&out, 0);
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2, "{}", stderr(&out));
    assert_eq!(field(&puts[1].body, "/etag"), "2");
    let now = json(&server.body("/doc.json").unwrap());
    assert_eq!(now["version"], 1, "their change was replaced, as asked");
    assert_eq!(now["bindings"][0]["role"], "editor");
}

#[test]
fn doctor_names_the_version_field_and_its_write_probe_proves_it_is_checked() {
    let env = Env::new();
    let (server, url) = server(BodyVersion::kubernetes(), CONFIGMAP);
    let before = server.body("/doc.json").unwrap();
    let out = env.run(&["doctor", &url, "--write-probe", "--yes", "--json"]);
    assert_code(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "version_field", "{report:#}");
    assert_eq!(report["version_field"], "/metadata/resourceVersion");
    let mechanism =
        report["findings"].as_array().unwrap().iter().find(|f| f["check"] == "mechanism").unwrap();
    assert!(
        mechanism["message"].as_str().unwrap().contains("/metadata/resourceVersion (now 1)"),
        "{mechanism}"
    );
    // The probe sent a version the server never had, and nothing changed.
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1);
    assert_ne!(field(&puts[0].body, "/metadata/resourceVersion"), "1");
    assert!(puts[0].header("if-match").is_none());
    assert_eq!(server.body("/doc.json").unwrap(), before);

    // The text report explains it.
    let out = env.run(&["doctor", &url]);
    assert_code(&out, 0);
    let text = crate::support::stdout(&out);
    assert!(text.contains("no header validator; writes carry the version in the body"), "{text}");
}

#[test]
fn doctor_finds_a_version_field_the_server_does_not_check() {
    let env = Env::new();
    let quirks = Quirks { no_etag: true, no_last_modified: true, ..Quirks::default() };
    let (server, url) = FakeServer::with_json_doc(quirks, br#"{"_id":"d","_rev":"1-abc","a":1}"#);
    let out = env.run(&["doctor", &url, "--write-probe", "--yes"]);
    assert_code(&out, 1);
    let text = crate::support::stdout(&out);
    assert!(text.contains("a made-up version at /_rev"), "{text}");
    assert!(text.contains("writes are NOT protected"), "{text}");
    assert_eq!(server.requests_with("PUT").len(), 1);
}

#[test]
fn a_write_applied_but_unanswered_is_retried_and_found_applied() {
    let env = Env::new();
    let (server, url) = server(BodyVersion::kubernetes(), CONFIGMAP);
    let file = env.path("cm.json");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    let mut mine = json(&std::fs::read(&file).unwrap());
    mine["data"]["a"] = "mine".into();
    std::fs::write(&file, serde_json::to_vec_pretty(&mine).unwrap()).unwrap();
    server.fault("PUT", crate::support::fake_server::Fault::ApplyThenDrop);
    let out =
        env.run(&["put", &url, file.to_str().unwrap(), "--retry", "2", "--retry-max-time", "0", "--json"]);
    assert_code(&out, 0);
    // The retry carried the same version, met 409, and the refetch showed the text applied.
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("had already been applied"), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "already_applied");
    let now = json(&server.body("/doc.json").unwrap());
    assert_eq!(now["metadata"]["resourceVersion"], "2", "applied exactly once");
    assert_eq!(now["data"]["a"], "mine");
}

/// apply's first write gets a gateway's 502 (not applied, but the client cannot know), someone
/// changes the resource, and the retry meets 409. The run looks first whether the lost attempt
/// was applied, then pauses and fetches again before re-running: the 409 is one refusal, told
/// once.
#[test]
fn a_409_after_a_lost_answer_is_told_once() {
    let env = Env::new();
    let (server, url) = server(BodyVersion::kubernetes(), CONFIGMAP);
    server.fault("PUT", crate::support::fake_server::Fault::Status(502, None));
    let mut theirs = json(CONFIGMAP);
    theirs["data"]["b"] = "theirs".into();
    // The GET, then the PUT answered 502: someone changes b before the retry.
    server.change_after(2, "/doc.json", theirs.to_string().as_bytes());
    let sed = ["sed", "s/\"a\": \"1\"/\"a\": \"mine\"/"];
    let out = env.run(&[&["apply", &url, "--retry", "1", "--retry-max-time", "0", "--"][..], &sed].concat());
    assert_code(&out, 0);
    let err = stderr(&out);
    let now = json(&server.body("/doc.json").unwrap());
    assert_eq!((&now["data"]["a"], &now["data"]["b"]), (&"mine".into(), &"theirs".into()), "{err}");
    assert_eq!(server.requests_with("PUT").len(), 3, "the 502, the retry's 409, the re-run's: {err}");
    assert_eq!(err.matches("answered 409 Conflict").count(), 1, "{err}");
}
