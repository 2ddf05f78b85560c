//! `ifmatch demo` without a terminal: the scripted story runs end to end on the built-in
//! server, shows the 412 and the merge, ends with both changes, and cleans up after itself.

use crate::support::{Env, assert_code, stderr};

#[test]
fn demo_without_a_terminal_tells_the_whole_story_and_leaves_nothing_behind() {
    let env = Env::new();
    let tmp = env.path("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let out = env.cmd(&["demo"]).env("TMPDIR", &tmp).output().unwrap();
    assert_code(&out, 0);
    assert!(out.stdout.is_empty(), "the story goes to stderr; stdout stays clean for pipes");
    let err = stderr(&out);
    let mut from = 0;
    for step in ["Step 1.", "Step 2.", "Step 3.", "Step 4.", "Step 5."] {
        let at = err[from..].find(step).unwrap_or_else(|| panic!("{step} missing or out of order:\n{err}"));
        from += at;
    }
    assert!(err.contains("412 Precondition Failed"), "{err}");
    assert!(err.contains("the two changes merge cleanly"), "{err}");
    let (_, last) = err.split_once("Step 5.").unwrap();
    let document = last.split_once('\n').unwrap().1.split("\n\n").next().unwrap();
    let value: serde_json::Value =
        serde_json::from_str(document).unwrap_or_else(|e| panic!("{e}: {document}"));
    assert_eq!(value["replicas"], 3, "my change: {document}");
    assert_eq!(value["timeout_ms"], 2500, "the colleague's change: {document}");
    assert_eq!(value["service"], "checkout");
    assert!(document.contains("\"replicas\": 3,\n  \"timeout_ms\": 2500,"), "the layout is kept: {document}");
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(left.is_empty(), "the demo's temporary directory is removed: {left:?}");
    assert!(!env.state_dir().exists(), "the demo never touches the user's state store");
}

#[test]
fn demo_quiet_prints_nothing_and_json_still_reports() {
    let env = Env::new();
    let out = env.run(&["demo", "-q"]);
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "", "-q prints only errors");
    assert!(out.stdout.is_empty());
    let out = env.run(&["demo", "-q", "--json"]);
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "merged");
}
