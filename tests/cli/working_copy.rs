//! `get -o FILE` over a file that is already there: a working copy ifmatch wrote and the user
//! changed since is never replaced without `--force`; an unchanged one is refreshed; a file
//! ifmatch never wrote is replaced, as curl does.

use std::process::Stdio;

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, read, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const THEIRS: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n";

/// Over `--base-limit` the store keeps only the base's digest: the working copy is still
/// recognised, and a change to it is still refused, never silently replaced.
#[test]
fn a_changed_working_copy_whose_base_is_kept_as_a_digest_is_refused_too() {
    let env = Env::new();
    let (_server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = env.path("w.json");
    let file_arg = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file_arg, "--base-limit", "4"]), 0);
    // Unchanged, it is refreshed as ever.
    assert_code(&env.run(&["get", &url, "-o", file_arg, "--base-limit", "4"]), 0);
    std::fs::write(&file, MINE).unwrap();
    let out = env.run(&["get", &url, "-o", file_arg, "--base-limit", "4"]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains(&format!("{file_arg} has changes of yours")), "{}", stderr(&out));
    assert_eq!(read(&file), MINE, "the edit is untouched");
}

#[test]
fn get_o_refuses_to_replace_a_changed_working_copy_unless_forced() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = env.path("w.json");
    let file_arg = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file_arg]), 0);
    std::fs::write(&file, MINE).unwrap();
    server.put_resource("/doc.json", THEIRS, "application/json");
    let gets = server.requests_with("GET").len();

    let out = env.run(&["get", &url, "-o", file_arg]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains(&format!("{file_arg} has changes of yours")), "{err}");
    assert!(err.contains(&format!("hint: put it first (`ifmatch put {url} {file_arg}`)")), "{err}");
    assert!(err.contains("add --on-conflict merge, or run it on a terminal to choose"), "{err}");
    assert!(
        err.contains(&format!("hint: or start over from the server's version: copy {file_arg} elsewhere")),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(read(&file), MINE, "the edit is untouched");
    assert_eq!(server.requests_with("GET").len(), gets, "nothing fetched");

    // The edit still goes out against the version it came from.
    let out = env.run(&["put", &url, file_arg]);
    assert_code(&out, 3);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v1\""));

    // --force replaces it, and FILE is then a working copy of the version it now holds.
    let out = env.run(&["get", &url, "-o", file_arg, "--force"]);
    assert_code(&out, 0);
    assert_eq!(read(&file), THEIRS);
    std::fs::write(&file, MINE).unwrap();
    let out = env.run(&["put", &url, file_arg]);
    assert_code(&out, 0);
    assert_eq!(server.requests_with("PUT")[1].header("if-match"), Some("\"v2\""));
}

#[test]
fn get_o_refreshes_an_unchanged_working_copy_and_replaces_an_untracked_file() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = env.path("w.json");
    let file_arg = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file_arg]), 0);
    server.put_resource("/doc.json", THEIRS, "application/json");
    let out = env.run(&["get", &url, "-o", file_arg]);
    assert_code(&out, 0);
    assert_eq!(read(&file), THEIRS);

    // A file ifmatch never wrote is replaced, as `curl -o` does.
    let other = env.path("other.json");
    std::fs::write(&other, b"whatever was here").unwrap();
    let out = env.run(&["get", &url, "-o", other.to_str().unwrap()]);
    assert_code(&out, 0);
    assert_eq!(read(&other), THEIRS);
}

#[test]
fn a_working_copy_changed_and_put_can_be_refreshed() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    let file = env.path("w.json");
    let file_arg = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file_arg]), 0);
    std::fs::write(&file, MINE).unwrap();
    assert_code(&env.run(&["put", &url, file_arg]), 0);
    // FILE holds what was written: nothing of the user's is lost by refreshing it.
    server.put_resource("/doc.json", THEIRS, "application/json");
    let out = env.run(&["get", &url, "-o", file_arg]);
    assert_code(&out, 0);
    assert_eq!(read(&file), THEIRS);
}

#[test]
fn get_o_of_another_url_over_a_changed_working_copy_is_refused_too() {
    let env = Env::new();
    let (server, url) = FakeServer::with_json_doc(Quirks::default(), DOC);
    server.put_resource("/other.json", THEIRS, "application/json");
    let file = env.path("w.json");
    let file_arg = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file_arg]), 0);
    std::fs::write(&file, MINE).unwrap();
    let out = env.run(&["get", &server.url("/other.json"), "-o", file_arg]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains(&format!("`ifmatch put {url} {file_arg}`")), "{}", stderr(&out));
    assert_eq!(read(&file), MINE);
}

/// A text body of `len` bytes, told apart from others of its length by `mark`.
fn text(len: usize, mark: u8) -> Vec<u8> {
    let mut body: Vec<u8> =
        (0..len).map(|i| if i % 64 == 63 { b'\n' } else { b'a' + (i % 26) as u8 }).collect();
    body[0] = mark;
    body
}

/// A working copy of `len` bytes, kept with its base whole or (over `limit`) as a digest; the
/// server's version then changes. Returns the server, the URL, FILE and a `get -o FILE`.
fn working_copy(env: &Env, len: usize, limit: &str) -> (FakeServer, String, std::path::PathBuf) {
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/w.txt", &text(len, b'1'), "text/plain");
    let url = server.url("/w.txt");
    let file = env.path("w.txt");
    assert_code(&get(env, &url, &file, limit).output().unwrap(), 0);
    server.put_resource("/w.txt", &text(len, b'2'), "text/plain");
    // Long enough for the scheduler's clock to tick, so that the first check can vouch for the
    // unchanged file by its stamp; the checks must be right either way.
    std::thread::sleep(std::time::Duration::from_millis(50));
    (server, url, file)
}

fn get(env: &Env, url: &str, file: &std::path::Path, limit: &str) -> std::process::Command {
    let mut cmd = env.cmd(&["get", url, "-o", file.to_str().unwrap()]);
    cmd.env("IFMATCH_BASE_LIMIT", limit);
    cmd
}

/// Writes `edit` over FILE in place (same length) and sets its modification time back, as
/// `cp -p` or `rsync -t` do: only its change time tells.
fn edit_in_place(file: &std::path::Path, edit: &[u8]) {
    let modified = std::fs::metadata(file).unwrap().modified().unwrap();
    let open = std::fs::OpenOptions::new().write(true).open(file).unwrap();
    std::io::Write::write_all(&mut &open, edit).unwrap();
    open.set_modified(modified).unwrap();
}

/// The edit in FILE was refused and kept, and still goes out against its version.
#[track_caller]
fn refused_and_kept(env: &Env, server: &FakeServer, url: &str, out: &std::process::Output, edit: &[u8]) {
    let file = env.path("w.txt");
    let file_arg = file.to_str().unwrap();
    assert_code(out, 2);
    assert!(stderr(out).contains(&format!("{file_arg} has changes of yours")), "{}", stderr(out));
    assert!(read(&file) == edit, "the edit is kept");
    let out = env.run(&["put", url, file_arg]);
    assert_code(&out, 3);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v1\""));
}

/// `get -o FILE` over an unchanged working copy, during which the user saves an edit of the
/// same length into FILE (after ifmatch has checked FILE, before the answer arrives): the check
/// before FILE is replaced still sees the edit and keeps it.
#[test]
fn an_edit_saved_during_the_download_is_kept() {
    for (len, limit) in [(1000, "16M"), (1000, "100"), (3 << 20, "16M"), (3 << 20, "1M")] {
        let env = Env::new();
        let (server, url, file) = working_copy(&env, len, limit);
        let held = server.hold("GET");
        let child =
            get(&env, &url, &file, limit).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        held.wait_arrived();
        let edit = text(len, b'E');
        edit_in_place(&file, &edit);
        held.release();
        refused_and_kept(&env, &server, &url, &child.wait_with_output().unwrap(), &edit);
    }
}

/// An edit of the same length made before `get -o`: a small working copy is refused before
/// anything is fetched; a large one is read beside the download, which stops at the change.
#[test]
fn an_edit_of_the_same_length_is_refused_small_or_large() {
    for (len, limit) in [(1000, "16M"), (1000, "100"), (3 << 20, "16M"), (3 << 20, "1M")] {
        let env = Env::new();
        let (server, url, file) = working_copy(&env, len, limit);
        let mut edit = text(len, b'1');
        edit[len / 2] = b'#';
        edit_in_place(&file, &edit);
        let out = get(&env, &url, &file, limit).output().unwrap();
        if len <= 1 << 20 {
            assert_eq!(server.requests_with("GET").len(), 1, "nothing fetched");
        }
        refused_and_kept(&env, &server, &url, &out, &edit);
    }
}

/// The other way round: FILE untouched is refreshed, small or large, whatever the first check
/// could vouch for.
#[test]
fn a_working_copy_left_alone_is_refreshed_small_or_large() {
    for (len, limit) in [(1000, "16M"), (1000, "100"), (3 << 20, "16M"), (3 << 20, "1M")] {
        let env = Env::new();
        let (_server, url, file) = working_copy(&env, len, limit);
        assert_code(&get(&env, &url, &file, limit).output().unwrap(), 0);
        assert!(read(&file) == text(len, b'2'), "refreshed ({len} bytes, base limit {limit})");
    }
}
