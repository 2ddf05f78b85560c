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
