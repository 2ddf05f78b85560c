//! Conflict markers: only those ifmatch itself put into the text it handed to the editor block
//! a save. A document with marker lines of its own (a page explaining git, a test fixture) is
//! edited and written like any other, through the conflict prompt too.

use expectrl::Expect;

use crate::merge::{colleague_runs, on_disk, serve_file};
use crate::support::pty::{exit_code, spawn};
use crate::support::{Env, assert_code, stderr};

/// A page about git that shows a conflict, as such pages do.
const GUIDE: &[u8] = b"# Resolving a conflict\n\
step: open the file\n\
<<<<<<< HEAD\n\
our line\n\
=======\n\
their line\n\
>>>>>>> feature\n\
owner: alice\n";

#[test]
fn a_document_with_its_own_markers_is_edited_and_written() {
    let env = Env::new();
    let serve = serve_file(&env, "guide.txt", GUIDE);
    let url = serve.url("/guide.txt");
    env.editor_replaces(1, "owner: alice", "owner: bob");
    let out = env.run(&["edit", &url]);
    assert_code(&out, 0);
    let want = String::from_utf8_lossy(GUIDE).replace("owner: alice", "owner: bob");
    assert_eq!(on_disk(&serve, "guide.txt"), want.as_bytes());
    assert!(env.recovered().is_empty());
}

#[test]
fn a_document_with_its_own_markers_left_unchanged_sends_nothing() {
    let env = Env::new();
    let serve = serve_file(&env, "guide.txt", GUIDE);
    let out = env.run(&["edit", &serve.url("/guide.txt")]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("no changes"), "{}", stderr(&out));
    assert!(serve.log_of("PUT").is_empty());
}

#[test]
fn a_conflict_in_a_document_with_markers_blocks_only_the_inserted_ones() {
    let env = Env::new();
    let serve = serve_file(&env, "guide.txt", GUIDE);
    let url = serve.url("/guide.txt");
    // Both sides change the owner line: a real conflict, around which ifmatch puts markers.
    colleague_runs(&env, &url, "sed s/alice/carol/");
    env.editor_replaces(1, "owner: alice", "owner: bob");
    // First at the prompt the markers are left in: refused. Then resolved, the document's own
    // markers kept.
    env.editor_replaces(2, "step", "first step");
    let resolved = String::from_utf8_lossy(GUIDE).replace("owner: alice", "owner: bob and carol");
    env.editor_writes(3, resolved.as_bytes());
    let mut p = spawn(&env, &["edit", &url]);
    p.expect("[e]dit").unwrap();
    p.send_line("e").unwrap();
    p.expect("still has conflict markers").unwrap();
    p.expect("Re-open the editor on your text?").unwrap();
    p.send_line("y").unwrap();
    p.expect("wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let second = String::from_utf8_lossy(&env.editor_saw(2)).into_owned();
    assert!(second.contains("<<<<<<< mine") && second.contains(">>>>>>> theirs"), "{second}");
    assert_eq!(on_disk(&serve, "guide.txt"), resolved.as_bytes());
}
