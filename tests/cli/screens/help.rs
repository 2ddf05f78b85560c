//! `--help` of ifmatch and of each command, as printed to a pipe (no terminal width).

use crate::support::Env;
use crate::support::screen::{assert_screen, run};

#[test]
fn help_of_ifmatch() {
    let env = Env::new();
    assert_screen("help", &run(&env, &["--help"]));
    assert_screen("help_short", &run(&env, &["-h"]));
}

#[test]
fn help_of_each_command() {
    let env = Env::new();
    let commands = [
        "get",
        "edit",
        "put",
        "doctor",
        "apply",
        "diff",
        "demo",
        "serve",
        "state",
        "state list",
        "state show",
        "state forget",
        "state path",
        "completions",
    ];
    for command in commands {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        assert_screen(&format!("help_{}", command.replace(' ', "_")), &run(&env, &args));
    }
}
