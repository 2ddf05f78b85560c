//! The 412 screen (both diffs, the merge verdict, the prompt) and what each answer at the
//! prompt prints, on a terminal.

use crate::support::Env;
use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::screen::{Pty, assert_screen, editor_opened};

const BASE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
/// Another field changed: merges cleanly with our change of replicas.
const THEIRS_CLEAN: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
/// The same field changed: collides with ours.
const THEIRS_COLLIDING: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n";

/// `ifmatch edit` of a document that `theirs` replaces right after the GET, with our edit
/// setting replicas to 3: the PUT meets 412 and the prompt comes up.
fn conflict(env: &Env, theirs: &[u8]) -> (FakeServer, Pty) {
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    server.change_after(1, "/doc.json", theirs);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let p = Pty::spawn(env, &["edit", &server.url("/doc.json")]);
    (server, p)
}

const CLEAN_PROMPT: &str = "[a]bort (q, Ctrl-D) ?";
const CONFIRM: &str = "[y/N]";
const REOPEN: &str = "Re-open the editor on your text? [Y/n]";

#[test]
fn clean_conflict_answered_m_merges_and_retries() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_CLEAN);
    p.answer(CLEAN_PROMPT, "m");
    assert_screen("conflict_clean_m", &p.finish(&env));
}

#[test]
fn clean_conflict_answered_enter_merges_and_retries() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_CLEAN);
    p.answer(CLEAN_PROMPT, "");
    assert_screen("conflict_clean_enter", &p.finish(&env));
}

#[test]
fn clean_conflict_answered_d_shows_the_three_views_and_asks_again() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_CLEAN);
    p.answer(CLEAN_PROMPT, "d");
    p.answer(CLEAN_PROMPT, "a");
    assert_screen("conflict_clean_d_then_a", &p.finish(&env));
}

#[test]
fn clean_conflict_answered_e_opens_the_merge_in_the_editor() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_CLEAN);
    env.editor_replaces(2, "\"replicas\": 3", "\"replicas\": 4");
    p.answer(CLEAN_PROMPT, "e");
    let screen = p.finish(&env);
    assert_screen("conflict_clean_e", &format!("{screen}{}", editor_opened(&env, 2)));
}

#[test]
fn clean_conflict_answered_o_and_y_overwrites() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_CLEAN);
    p.answer(CLEAN_PROMPT, "o");
    p.answer(CONFIRM, "y");
    assert_screen("conflict_clean_o_y", &p.finish(&env));
}

#[test]
fn clean_conflict_answered_o_and_no_asks_again() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_CLEAN);
    p.answer(CLEAN_PROMPT, "o");
    p.answer(CONFIRM, "");
    p.answer(CLEAN_PROMPT, "q");
    assert_screen("conflict_clean_o_n_then_q", &p.finish(&env));
}

#[test]
fn clean_conflict_answered_a_keeps_the_edit() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_CLEAN);
    p.answer(CLEAN_PROMPT, "a");
    assert_screen("conflict_clean_a", &p.finish(&env));
}

#[test]
fn clean_conflict_answered_with_ctrl_d_aborts() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_CLEAN);
    p.end_input(CLEAN_PROMPT);
    assert_screen("conflict_clean_ctrl_d", &p.finish(&env));
}

#[test]
fn ctrl_c_at_the_prompt_keeps_the_edit() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_CLEAN);
    p.interrupt(CLEAN_PROMPT);
    assert_screen("conflict_clean_ctrl_c", &p.finish(&env));
}

#[test]
fn an_unknown_letter_is_asked_again() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_CLEAN);
    p.answer(CLEAN_PROMPT, "x");
    p.answer(CLEAN_PROMPT, "a");
    assert_screen("conflict_clean_x_then_a", &p.finish(&env));
}

#[test]
fn colliding_conflict_answered_enter_lists_the_keys() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_COLLIDING);
    p.answer(CLEAN_PROMPT, "");
    p.answer(CLEAN_PROMPT, "a");
    assert_screen("conflict_colliding_enter_then_a", &p.finish(&env));
}

#[test]
fn colliding_conflict_answered_d_shows_the_markers() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_COLLIDING);
    p.answer(CLEAN_PROMPT, "d");
    p.answer(CLEAN_PROMPT, "a");
    assert_screen("conflict_colliding_d_then_a", &p.finish(&env));
}

#[test]
fn colliding_conflict_answered_e_is_resolved_in_the_editor() {
    let env = Env::new();
    let (_server, mut p) = conflict(&env, THEIRS_COLLIDING);
    env.editor_writes(2, b"{\n  \"name\": \"demo\",\n  \"replicas\": 8\n}\n");
    p.answer(CLEAN_PROMPT, "e");
    let screen = p.finish(&env);
    assert_screen("conflict_colliding_e", &format!("{screen}{}", editor_opened(&env, 2)));
}

#[test]
fn invalid_json_from_the_editor_offers_to_reopen_it() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    env.editor_writes(1, b"{\"replicas\": 2,}");
    env.editor_writes(2, b"{\"replicas\": 2}\n");
    let mut p = Pty::spawn(&env, &["edit", &server.url("/doc.json")]);
    p.answer(REOPEN, "y");
    let screen = p.finish(&env);
    assert_screen("invalid_edit_reopened", &format!("{screen}{}", editor_opened(&env, 2)));
}

#[test]
fn invalid_json_from_the_editor_declined_keeps_the_text() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    env.editor_writes(1, b"{\"replicas\": 2,}");
    let mut p = Pty::spawn(&env, &["edit", &server.url("/doc.json")]);
    p.answer(REOPEN, "n");
    assert_screen("invalid_edit_declined", &p.finish(&env));
}

#[test]
fn a_428_to_a_blind_put_asks_and_a_keeps_the_server_version() {
    let env = Env::new();
    let (_server, mut p) = blind_put_to_a_428_server(&env);
    p.answer(CLEAN_PROMPT, "a");
    assert_screen("conflict_428_no_base_a", &p.finish(&env));
}

#[test]
fn a_428_to_a_blind_put_answered_o_and_y_retries_with_if_match() {
    let env = Env::new();
    let (_server, mut p) = blind_put_to_a_428_server(&env);
    p.answer(CLEAN_PROMPT, "o");
    p.answer(CONFIRM, "y");
    assert_screen("conflict_428_no_base_o_y", &p.finish(&env));
}

/// `put FILE --force` of a file never fetched, to a server that requires a precondition: the
/// 428 screen, with no base to merge from.
fn blind_put_to_a_428_server(env: &Env) -> (FakeServer, Pty) {
    let server = FakeServer::start(Quirks { require_precondition: true, ..Quirks::default() });
    server.put_resource("/doc.json", BASE, "application/json");
    let file = env.path("mine.json");
    std::fs::write(&file, THEIRS_CLEAN).unwrap();
    let p = Pty::spawn(env, &["put", &server.url("/doc.json"), file.to_str().unwrap(), "--force"]);
    (server, p)
}

#[test]
fn an_edit_at_the_prompt_that_undoes_their_change_asks_before_sending() {
    let env = Env::new();
    // Theirs renames it (no conflict) and sets replicas 5 (conflicting with our 3); at the
    // prompt the person keeps their own whole document, which undoes the rename.
    let (_server, mut p) = conflict(&env, b"{\n  \"name\": \"theirs\",\n  \"replicas\": 5\n}\n");
    env.editor_writes(2, b"{\n  \"name\": \"demo\",\n  \"replicas\": 8\n}\n");
    p.answer(CLEAN_PROMPT, "e");
    p.answer(CONFIRM, "");
    assert_screen("conflict_edit_undoes_theirs_declined", &p.finish(&env));
}

#[test]
fn resuming_a_kept_edit_unchanged_asks_before_sending() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", BASE, "application/json");
    let url = server.url("/doc.json");
    // The editor fails after the change: the text is kept.
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    env.editor_exits(1, 1);
    assert_eq!(env.run(&["edit", &url]).status.code(), Some(6));
    let mut p = Pty::spawn(&env, &["edit", &url, "--resume"]);
    p.answer(CONFIRM, "");
    assert_screen("resume_unchanged_kept", &p.finish(&env));
    let mut p = Pty::spawn(&env, &["edit", &url, "--resume"]);
    p.answer(CONFIRM, "y");
    assert_screen("resume_unchanged_sent", &p.finish(&env));
}
