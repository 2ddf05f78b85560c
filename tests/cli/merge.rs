//! The three-way merge end to end against `ifmatch serve`: while our editor is open a colleague
//! writes through HTTP (another `ifmatch apply` with its own state store), our write meets 412,
//! and the merge decides. Assertions are on the file in serve's directory.

use std::path::Path;

use crate::support::serve::Serve;
use crate::support::{Env, assert_code, bin, stderr};

/// Scripts the editor's first run to let a colleague change the resource first, by a
/// conditional write of their own through `ifmatch apply CMD…`.
pub(crate) fn colleague_runs(env: &Env, url: &str, cmd: &str) {
    let state = env.path("colleague-state");
    let hook = format!("IFMATCH_STATE_DIR='{}' '{}' apply '{url}' -- {cmd}", state.display(), bin());
    env.editor_hook(1, &hook);
}

pub(crate) fn serve_file(env: &Env, name: &str, body: &[u8]) -> Serve {
    let docs = env.path("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join(name), body).unwrap();
    Serve::start(&docs, &[])
}

pub(crate) fn on_disk(serve: &Serve, name: &str) -> Vec<u8> {
    std::fs::read(Path::new(&serve.dir).join(name)).unwrap()
}

#[test]
fn another_field_changed_meanwhile_merges() {
    let env = Env::new();
    let serve = serve_file(&env, "doc.json", b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n");
    let url = serve.url("/doc.json");
    colleague_runs(&env, &url, "sed 's/\"demo\"/\"theirs\"/'");
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let out = env.run(&["edit", &url, "--on-conflict", "merge", "--json"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("merge cleanly"), "{}", stderr(&out));
    assert_eq!(on_disk(&serve, "doc.json"), b"{\n  \"name\": \"theirs\",\n  \"replicas\": 3\n}\n");
    let puts = serve.log_of("PUT");
    let statuses: Vec<_> = puts.iter().map(|l| l.split(' ').nth(2).unwrap()).collect();
    assert_eq!(statuses, ["204", "412", "204"], "colleague, our first try, our merged retry: {puts:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "merged");
}

#[test]
fn minified_json_merges_by_structure() {
    let env = Env::new();
    let serve = serve_file(&env, "doc.json", br#"{"name":"demo","replicas":1,"tags":["a"]}"#);
    let url = serve.url("/doc.json");
    colleague_runs(&env, &url, "sed 's/\"demo\"/\"theirs\"/'");
    env.editor_replaces(1, "\"replicas\":1", "\"replicas\":3");
    let out = env.run(&["edit", &url, "--on-conflict", "merge"]);
    assert_code(&out, 0);
    // One line changed on both sides: a line merge would conflict; the structural one does not,
    // and keeps the one-line style.
    assert_eq!(on_disk(&serve, "doc.json"), br#"{"name":"theirs","replicas":3,"tags":["a"]}"#);
}

#[test]
fn text_merges_by_lines() {
    let env = Env::new();
    let serve = serve_file(&env, "notes.txt", b"alpha\nbeta\ngamma\ndelta\nepsilon\n");
    let url = serve.url("/notes.txt");
    colleague_runs(&env, &url, "sed s/alpha/ALPHA/");
    env.editor_replaces(1, "epsilon", "EPSILON");
    let out = env.run(&["edit", &url, "--on-conflict", "merge"]);
    assert_code(&out, 0);
    assert_eq!(on_disk(&serve, "notes.txt"), b"ALPHA\nbeta\ngamma\ndelta\nEPSILON\n");
}

#[test]
fn conflicting_text_exits_3_and_never_sends_markers() {
    let env = Env::new();
    let serve = serve_file(&env, "notes.txt", b"alpha\nbeta\ngamma\n");
    let url = serve.url("/notes.txt");
    colleague_runs(&env, &url, "sed s/beta/theirs/");
    env.editor_replaces(1, "beta", "mine");
    let out = env.run(&["edit", &url, "--on-conflict", "merge"]);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("conflict in 1 place"), "{err}");
    assert_eq!(on_disk(&serve, "notes.txt"), b"alpha\ntheirs\ngamma\n", "theirs stays, no markers");
    let puts = serve.log_of("PUT");
    assert_eq!(puts.len(), 2, "the colleague's write and our first try only: {puts:?}");
    let saved = std::fs::read(&env.recovered()[0]).unwrap();
    assert_eq!(saved, b"alpha\nmine\ngamma\n", "the edit is kept as written");
}
