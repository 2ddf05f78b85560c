//! The checked-in completions and man pages are what the binary generates now.

use std::path::Path;

use crate::support::{Env, assert_code};

fn compare(kind: &str, checked_in: &str) {
    let env = Env::new();
    let fresh = env.path(kind);
    assert_code(&env.run(&["generate", kind, fresh.to_str().unwrap()]), 0);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join(checked_in);
    let regenerate = format!("cargo run -- generate {kind} {checked_in}");
    let mut names: Vec<_> = std::fs::read_dir(&fresh).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(!names.is_empty());
    for name in &names {
        let new = std::fs::read(fresh.join(name)).unwrap();
        let old = std::fs::read(repo.join(name)).unwrap_or_default();
        assert!(
            new == old,
            "{checked_in}/{} is stale; regenerate with: {regenerate}",
            name.to_string_lossy()
        );
    }
    let mut existing: Vec<_> = std::fs::read_dir(&repo).unwrap().map(|e| e.unwrap().file_name()).collect();
    existing.sort();
    assert_eq!(
        existing, names,
        "{checked_in}/ has files the binary no longer generates; regenerate with: rm -r {checked_in} && {regenerate}"
    );
}

#[test]
fn completions_are_current() {
    compare("completions", "completions");
}

#[test]
fn man_pages_are_current() {
    compare("man", "man");
}

#[test]
fn man_page_has_the_extra_sections() {
    let page = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("man/ifmatch.1")).unwrap();
    for section in [".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH FILES"] {
        assert!(page.contains(section), "man/ifmatch.1 lacks {section}");
    }
}

#[test]
fn help_shows_the_exit_codes() {
    let out = Env::new().run(&["--help"]);
    assert_code(&out, 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("3    conflict not resolved"), "{text}");
}

#[test]
fn completions_prints_the_script_and_offers_no_hidden_command() {
    let env = Env::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "ifmatch.bash"),
        ("zsh", "_ifmatch"),
        ("fish", "ifmatch.fish"),
        ("elvish", "ifmatch.elv"),
        ("powershell", "_ifmatch.ps1"),
    ] {
        let out = env.run(&["completions", shell]);
        assert_code(&out, 0);
        assert!(out.stderr.is_empty());
        assert_eq!(out.stdout, std::fs::read(dir.join(file)).unwrap(), "{shell}: the checked-in script");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("completions") && script.contains("state"), "{shell}");
        assert!(!script.contains("generate"), "{shell} offers the hidden generate command");
    }
    let out = env.run(&["completions", "tcsh"]);
    assert_code(&out, 2);
    let help = String::from_utf8_lossy(&env.run(&["completions", "--help"]).stdout).into_owned();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        assert!(help.contains(&format!("ifmatch completions {shell} ")), "install line for {shell}:\n{help}");
    }
}

fn man_page(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("man").join(name)).unwrap()
}

#[test]
fn man_pages_read_as_typed() {
    let edit = man_page("ifmatch-edit.1");
    let (_, synopsis) = edit.split_once(".SH SYNOPSIS\n").unwrap();
    let synopsis = synopsis.lines().next().unwrap();
    assert!(synopsis.starts_with("\\fBifmatch edit\\fR "), "{synopsis}");
    assert!(synopsis.contains("[\\fB\\-H\\fR|\\fB\\-\\-header\\fR \\fINAME: VALUE\\fR]"), "{synopsis}");
    assert!(synopsis.ends_with("<\\fIURL\\fR>"), "{synopsis}");
    // The exit statuses appear once on the main page: in their own section.
    let main = man_page("ifmatch.1");
    assert_eq!(main.matches("written, already applied, or nothing to write").count(), 1, "{main}");
    assert!(!main.contains("Exit status:"), "{main}");
}

#[test]
fn groff_reads_the_man_pages_without_warnings() {
    if std::process::Command::new("groff").arg("--version").output().is_err() {
        eprintln!("groff is not installed here; .ci/run installs it");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let out =
            std::process::Command::new("groff").args(["-ww", "-man", "-Tutf8"]).arg(&path).output().unwrap();
        assert!(out.status.success(), "{}", path.display());
        assert!(out.stderr.is_empty(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        assert!(!out.stdout.is_empty());
    }
}
