//! The `--json` contract as README states it, held against the real binary: README's tables
//! (the common fields, then the fields and outcomes of each command) are read here, and every
//! command — each outcome, and an error of each kind — is run and its object checked against
//! them: the common fields first and in order, only documented fields after them, every field
//! the row requires present and in the documented order, the outcome one the row allows.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use crate::support::fake_server::{FakeServer, Fault, Quirks};
use crate::support::{Env, assert_code};

/// One row of README's per-command table.
#[derive(Debug)]
struct Row {
    /// Empty for the row of failures ("any, on failure").
    commands: Vec<String>,
    outcomes: Vec<String>,
    /// The fields named outside parentheses, in order.
    required: Vec<String>,
    /// The fields named inside parentheses (present only in some cases).
    optional: Vec<String>,
}

struct Contract {
    common: Vec<String>,
    rows: Vec<Row>,
    /// The outcomes README's prose lists, in order.
    outcomes: Vec<String>,
}

/// The names in backticks in `text`, each with whether it stands inside parentheses.
fn names(text: &str) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    let mut depth = 0i32;
    let mut outside = true;
    for part in text.split('`') {
        if outside {
            depth += part.matches('(').count() as i32 - part.matches(')').count() as i32;
        } else {
            found.push((part.to_string(), depth > 0));
        }
        outside = !outside;
    }
    found
}

fn contract() -> Contract {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("### `--json`\n").expect("README has a `--json` section");
    let section = &readme[start..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    let mut in_table = false;
    for line in section.lines() {
        if line.starts_with('|') {
            if !in_table {
                tables.push(Vec::new());
                in_table = true;
            }
            let cells: Vec<String> =
                line.trim().trim_matches('|').split('|').map(|c| c.trim().to_string()).collect();
            if !cells[0].starts_with("---") {
                tables.last_mut().unwrap().push(cells);
            }
        } else {
            in_table = false;
        }
    }
    assert_eq!(
        tables.len(),
        2,
        "the `--json` section has the table of common fields and the one per command"
    );
    let common = tables[0][1..].iter().map(|row| names(&row[0])[0].0.clone()).collect();
    let rows = tables[1][1..]
        .iter()
        .map(|cells| {
            let fields = names(&cells[2]);
            Row {
                commands: names(&cells[0]).into_iter().map(|(n, _)| n).collect(),
                outcomes: names(&cells[1]).into_iter().map(|(n, _)| n).collect(),
                required: fields.iter().filter(|(_, opt)| !opt).map(|(n, _)| n.clone()).collect(),
                optional: fields.iter().filter(|(_, opt)| *opt).map(|(n, _)| n.clone()).collect(),
            }
        })
        .collect();
    let prose = &section[section.find("`outcome` is one of:").expect("README lists the outcomes")..];
    let prose = &prose[..prose.find("\n\n").unwrap()];
    // The names before each parenthesis or comma: the outcomes, not the commands they belong to.
    let outcomes =
        names(prose).into_iter().filter(|(n, opt)| !opt && n != "outcome").map(|(n, _)| n).collect();
    Contract { common, rows, outcomes }
}

/// The JSON object a run printed (for `serve`, its first line).
fn object(text: &[u8], context: &str) -> serde_json::Map<String, serde_json::Value> {
    let text = String::from_utf8_lossy(text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line on stdout: {text}\n{context}");
    match serde_json::from_str(lines[0]) {
        Ok(serde_json::Value::Object(object)) => object,
        other => panic!("not a JSON object: {other:?} from {text}"),
    }
}

/// Checks one object against the contract; returns it, and notes its outcome in `seen`.
fn check(
    contract: &Contract,
    seen: &mut BTreeSet<String>,
    command: &str,
    v: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Value {
    let keys: Vec<&String> = v.keys().collect();
    assert!(keys.len() >= contract.common.len(), "{command}: {v:?}");
    assert_eq!(keys[..contract.common.len()], contract.common.iter().collect::<Vec<_>>()[..], "{command}");
    assert_eq!(v["command"], command);
    let outcome = v["outcome"].as_str().unwrap_or_else(|| panic!("{command}: outcome is a string: {v:?}"));
    let row = if outcome == "error" {
        contract.rows.iter().find(|r| r.commands.is_empty()).expect("README has the row of failures")
    } else {
        contract
            .rows
            .iter()
            .find(|r| r.commands.iter().any(|c| c == command))
            .unwrap_or_else(|| panic!("README has a row for {command}"))
    };
    assert!(
        row.outcomes.iter().any(|o| o == outcome),
        "{command}: outcome {outcome} is not in {:?}",
        row.outcomes
    );
    let rest: Vec<&String> = keys[contract.common.len()..].to_vec();
    for key in &rest {
        assert!(
            row.required.contains(key) || row.optional.contains(key),
            "{command}: field {key} is not documented in README's row ({row:?})"
        );
    }
    // `state show` without a record: `record` (null) stands in for the record's fields.
    let no_record = v.get("record").is_some_and(serde_json::Value::is_null);
    let required: Vec<&String> = row.required.iter().filter(|k| !(no_record && is_record_field(k))).collect();
    let present: Vec<&String> = rest.iter().copied().filter(|k| row.required.contains(k)).collect();
    assert_eq!(present, required, "{command}: the fields README requires, in its order");
    for key in ["status", "etag_before", "etag"] {
        let value = &v[key];
        assert!(value.is_null() || value.is_string() || value.is_u64(), "{command}: {key} = {value}");
    }
    assert!(
        v["url"].is_null() || v["url"].as_str().is_some_and(|u| u.starts_with("http")),
        "{command}: {v:?}"
    );
    seen.insert(outcome.to_string());
    serde_json::Value::Object(v)
}

fn is_record_field(name: &str) -> bool {
    matches!(name, "version" | "last_modified" | "content_type" | "fetched_at" | "stale" | "base_len")
}

/// Runs `ifmatch ARGS` and checks its object; the exit status must be `code`.
fn run(
    c: &Contract,
    seen: &mut BTreeSet<String>,
    env: &Env,
    args: &[&str],
    stdin: Option<&[u8]>,
    code: i32,
) -> serde_json::Value {
    // Before any `--` that ends the options.
    let mut all: Vec<&str> = args.to_vec();
    all.insert(if args[0] == "state" { 2 } else { 1 }, "--json");
    let out: Output = match stdin {
        Some(input) => env.run_with_stdin(&all, input),
        None => env.run(&all),
    };
    assert_code(&out, code);
    let command = if args[0] == "state" { format!("state {}", args[1]) } else { args[0].to_string() };
    let context = format!("ifmatch {}\n{}", all.join(" "), String::from_utf8_lossy(&out.stderr));
    check(c, seen, &command, object(&out.stdout, &context))
}

const DOC: &[u8] = b"{\n  \"a\": 1,\n  \"b\": 1\n}\n";

#[test]
fn readme_documents_the_outcomes_ifmatch_knows() {
    let c = contract();
    let known: Vec<String> = ifmatch::OUTCOMES.iter().map(|o| o.as_str().to_string()).collect();
    assert_eq!(c.outcomes, known, "README's list of outcomes");
    let in_table: BTreeSet<&String> = c.rows.iter().flat_map(|r| &r.outcomes).collect();
    assert_eq!(in_table, known.iter().collect(), "README's table of outcomes per command");
    assert_eq!(c.common, ["command", "url", "outcome", "status", "etag_before", "etag"]);
}

#[test]
fn every_command_prints_the_documented_shape() {
    let c = contract();
    let mut seen = BTreeSet::new();
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = env.path("doc.json");
    let file_arg = file.to_str().unwrap();

    // get: the ETag stored before it (none), the fetch's status and ETag.
    let v = run(&c, &mut seen, &env, &["get", &url, "-o", file_arg], None, 0);
    assert_eq!((v["outcome"].as_str(), v["status"].as_u64()), (Some("fetched"), Some(200)));
    assert!(v["etag_before"].is_null());
    let v1 = v["etag"].as_str().unwrap().to_string();
    let v = run(&c, &mut seen, &env, &["get", &url, "-o", file_arg, "--force"], None, 0);
    assert_eq!(v["etag_before"], v1.as_str());

    // put: nothing to send sends no request, so no status; the ETag stays the one it started from.
    let v = run(&c, &mut seen, &env, &["put", &url, file_arg], None, 0);
    assert_eq!(v["outcome"], "unchanged");
    assert!(v["status"].is_null(), "{v}");
    assert_eq!((v["etag_before"].as_str(), v["etag"].as_str()), (Some(v1.as_str()), Some(v1.as_str())));
    std::fs::write(&file, b"{\n  \"a\": 2,\n  \"b\": 1\n}\n").unwrap();
    let v = run(&c, &mut seen, &env, &["put", &url, file_arg], None, 0);
    assert_eq!((v["outcome"].as_str(), v["etag_before"].as_str()), (Some("written"), Some(v1.as_str())));
    assert!(v["status"].as_u64().is_some_and(|s| (200..300).contains(&s)), "{v}");
    assert_eq!(v["conflicts"], serde_json::json!([]));
    let new = server.url("/new.json");
    let v = run(&c, &mut seen, &env, &["put", &new, "--create"], Some(b"{}\n"), 0);
    assert_eq!((v["outcome"].as_str(), v["status"].as_u64()), (Some("created"), Some(201)));
    assert!(v["etag_before"].is_null(), "{v}");

    // A 412 met: merged, overwritten, already applied; the conflicts of a merge that needed a
    // person are listed (here: overwritten, after the conflict on /b).
    run(&c, &mut seen, &env, &["get", &url, "-o", file_arg, "--force"], None, 0);
    server.put_resource("/doc.json", b"{\n  \"a\": 2,\n  \"b\": 2\n}\n", "application/json");
    let v = run(
        &c,
        &mut seen,
        &env,
        &["put", &url, "--on-conflict", "merge"],
        Some(b"{\n  \"a\": 3,\n  \"b\": 1\n}\n"),
        0,
    );
    assert_eq!((v["outcome"].as_str(), v["conflicts"].as_array().map(Vec::len)), (Some("merged"), Some(0)));
    server.put_resource("/doc.json", b"{\n  \"a\": 3,\n  \"b\": 3\n}\n", "application/json");
    let v = run(
        &c,
        &mut seen,
        &env,
        &["put", &url, "--on-conflict", "overwrite"],
        Some(b"{\n  \"a\": 3,\n  \"b\": 4\n}\n"),
        0,
    );
    assert_eq!(v["outcome"], "overwritten");
    assert_eq!(v["conflicts"], serde_json::json!([{"path": "/b", "base": 2, "mine": 4, "theirs": 3}]));
    server.put_resource("/doc.json", b"{\n  \"a\": 5,\n  \"b\": 4\n}\n", "application/json");
    let v = run(&c, &mut seen, &env, &["put", &url], Some(b"{\n  \"a\": 5,\n  \"b\": 4\n}\n"), 0);
    assert_eq!(v["outcome"], "already_applied");

    // edit: saved unchanged, emptied; both report the fetch's status and stay at its ETag.
    let v = run(&c, &mut seen, &env, &["edit", &url], None, 0);
    assert_eq!((v["outcome"].as_str(), v["status"].as_u64()), (Some("unchanged"), Some(200)));
    assert_eq!(v["etag_before"], v["etag"]);
    env.editor_writes(2, b"");
    let v = run(&c, &mut seen, &env, &["edit", &url], None, 0);
    assert_eq!((v["outcome"].as_str(), v["status"].as_u64()), (Some("cancelled"), Some(200)));
    assert!(v["etag_before"].is_string() && v["etag_before"] == v["etag"], "{v}");

    // apply: a command that changes nothing, one that changes the body.
    let v = run(&c, &mut seen, &env, &["apply", &url, "--", "cat"], None, 0);
    assert_eq!((v["outcome"].as_str(), v["status"].as_u64()), (Some("unchanged"), Some(200)));
    run(&c, &mut seen, &env, &["apply", &url, "--", "sed", "s/5/6/"], None, 0);

    // diff: the stored ETag before, the server's now.
    let v = run(&c, &mut seen, &env, &["diff", &url], None, 0);
    assert_eq!((v["outcome"].as_str(), v["status"].as_u64()), (Some("equal"), Some(200)));
    assert_eq!(v["etag_before"], v["etag"]);
    server.put_resource("/doc.json", b"{}\n", "application/json");
    let v = run(&c, &mut seen, &env, &["diff", &url], None, 1);
    assert_eq!(v["outcome"], "different");
    assert_ne!(v["etag_before"], v["etag"]);

    // doctor, state.
    let v = run(&c, &mut seen, &env, &["doctor", &url], None, 0);
    assert!(v["status"] == 200 && v["etag"].is_string() && v["etag_before"].is_null(), "{v}");
    run(&c, &mut seen, &env, &["state", "list"], None, 0);
    let v = run(&c, &mut seen, &env, &["state", "show", &url], None, 0);
    assert!(v["etag"].is_string() && v["url"] == url.as_str(), "{v}");
    run(&c, &mut seen, &env, &["state", "path"], None, 0);
    run(&c, &mut seen, &env, &["state", "forget", &url], None, 0);

    // A record forgotten, a recovered edit kept: `state show` says so.
    env.editor_writes(3, b"{\"a\": ");
    env.editor_exits(3, 1);
    run(&c, &mut seen, &env, &["edit", &url], None, 6);
    run(&c, &mut seen, &env, &["state", "forget", &url], None, 0);
    let v = run(&c, &mut seen, &env, &["state", "show", &url], None, 0);
    assert!(v["record"].is_null() && v["recovered"].as_array().is_some_and(|r| r.len() == 1), "{v}");

    // demo (scripted without a terminal) and serve.
    run(&c, &mut seen, &env, &["demo", "-q"], None, 0);
    let first = env.serve_json_first_line();
    let v = check(&c, &mut seen, "serve", object(first.as_bytes(), "serve"));
    assert!(v["status"].is_null() && v["url"].as_str().unwrap().starts_with("http://127.0.0.1:"), "{v}");

    let all: BTreeSet<String> = c.outcomes.iter().cloned().collect();
    assert_eq!(seen, all, "every outcome README lists was produced");
}

#[test]
fn every_kind_of_error_prints_the_documented_shape() {
    let c = contract();
    let mut seen = BTreeSet::new();
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let mut kinds = BTreeSet::new();
    let mut failed = |seen: &mut BTreeSet<String>,
                      args: &[&str],
                      stdin: Option<&[u8]>,
                      code: i32,
                      kind: &str| {
        let v = run(&c, seen, &env, args, stdin, code);
        assert_eq!((v["outcome"].as_str(), v["error"]["kind"].as_str()), (Some("error"), Some(kind)), "{v}");
        assert_eq!(v["exit_code"], code);
        assert!(v["error"]["message"].is_string() && v["error"]["hints"].is_array(), "{v}");
        kinds.insert(kind.to_string());
        v
    };

    // usage: a URL that is not one, and an unknown option (refused before any command runs).
    let v = failed(&mut seen, &["get", "htp://x/"], None, 2, "usage");
    assert!(v["url"].is_null(), "{v}");
    let v = failed(&mut seen, &["put", &url, "--no-such-option"], None, 2, "usage");
    assert!(v["url"].is_null(), "{v}");
    // client_status, server_status: the status and the URL of the answer.
    let missing = server.url("/missing.json");
    let v = failed(&mut seen, &["edit", &missing], None, 4, "client_status");
    assert_eq!((v["status"].as_u64(), v["url"].as_str()), (Some(404), Some(missing.as_str())));
    server.fault("GET", Fault::Status(500, None));
    let v = failed(&mut seen, &["edit", &url], None, 5, "server_status");
    assert_eq!((v["status"].as_u64(), v["url"].as_str()), (Some(500), Some(url.as_str())));
    // network: nothing listens there.
    let refused = crate::support::RefusedPort::new();
    let closed = refused.url("/x");
    let v = failed(&mut seen, &["edit", &closed], None, 7, "network");
    assert_eq!(v["url"], closed.as_str());
    // editor, invalid, command.
    env.editor_exits(1, 1);
    env.editor_writes(1, b"{\"a\": 9}\n");
    let v = failed(&mut seen, &["edit", &url], None, 6, "editor");
    assert!(v["recovered"].is_string(), "{v}");
    assert_eq!(v["url"], url.as_str());
    let file = env.path("doc.json");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    failed(&mut seen, &["put", &url], Some(b"{\"a\": "), 6, "invalid");
    failed(&mut seen, &["apply", &url, "--", "false"], None, 6, "command");
    // conflict: the places and the three values in each, the url.
    server.put_resource("/doc.json", b"{\n  \"a\": 2,\n  \"b\": 1\n}\n", "application/json");
    let v = failed(&mut seen, &["put", &url], Some(b"{\n  \"a\": 3,\n  \"b\": 1\n}\n"), 3, "conflict");
    assert_eq!(v["url"], url.as_str());
    assert_eq!(v["conflicts"], serde_json::json!([{"path": "/a", "base": 1, "mine": 3, "theirs": 2}]));
    // io: FILE is a directory; other: -o names a file in a directory that does not exist.
    failed(&mut seen, &["put", &url, env.dir.path().to_str().unwrap()], None, 1, "io");
    let nowhere = env.path("no/such/dir/doc.json");
    failed(&mut seen, &["get", &url, "-o", nowhere.to_str().unwrap()], None, 1, "other");
    // interrupted: SIGTERM to ifmatch while its editor is open (the editor sends it).
    env.editor_hook(2, "read -r _ _ _ ifmatch _ < /proc/$PPID/stat; kill -TERM $ifmatch");
    failed(&mut seen, &["edit", &url], None, 143, "interrupted");

    let expected: BTreeSet<String> = [
        "usage",
        "client_status",
        "server_status",
        "network",
        "editor",
        "invalid",
        "command",
        "conflict",
        "io",
        "other",
        "interrupted",
    ]
    .map(String::from)
    .into();
    assert_eq!(kinds, expected);
    assert_eq!(seen, BTreeSet::from(["error".to_string()]));
}
