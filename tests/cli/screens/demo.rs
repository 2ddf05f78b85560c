//! `ifmatch demo`, the first screen a new user reads: on a terminal (Enter, then the prompt)
//! and without one (scripted).

use crate::support::Env;
use crate::support::screen::{Pty, assert_screen, run};

#[test]
fn demo_on_a_terminal() {
    let env = Env::new();
    env.editor_replaces(1, "\"replicas\": 2", "\"replicas\": 3");
    let mut p = Pty::spawn(&env, &["demo"]);
    p.answer("Press Enter to open your editor…", "");
    p.answer("[a]bort (q, Ctrl-D) ?", "m");
    assert_screen("demo_terminal", &p.finish(&env));
}

#[test]
fn demo_without_a_terminal() {
    let env = Env::new();
    assert_screen("demo_scripted", &run(&env, &["demo"]));
}
