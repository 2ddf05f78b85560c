//! Large uploads streamed from disk (`put URL FILE` with no base to merge, or a base kept only
//! as its digest): what the store records is what was sent, whatever FILE holds by the time
//! the server answers.

use std::process::Stdio;

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

/// `len` bytes of text, told apart by `mark`.
fn text(len: usize, mark: u8) -> Vec<u8> {
    let mut body: Vec<u8> =
        (0..len).map(|i| if i % 64 == 63 { b'\n' } else { b'a' + (i % 26) as u8 }).collect();
    body[..6].copy_from_slice(&[b'm', b'a', b'r', b'k', b' ', mark]);
    body
}

/// `put ARGS` of FILE (`big.txt`), during which FILE is replaced with `later` after the server
/// has received the whole body and before it answers. Returns the put's stderr.
fn put_while_file_changes(
    env: &Env,
    server: &FakeServer,
    args: &[&str],
    later: &[u8],
    limit: &str,
) -> String {
    let file = env.path("big.txt");
    let held = server.hold("PUT");
    let child = env
        .cmd(args)
        .env("IFMATCH_BASE_LIMIT", limit)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    held.wait_arrived();
    std::fs::write(&file, later).unwrap();
    held.release();
    let out = child.wait_with_output().unwrap();
    assert_code(&out, 0);
    stderr(&out)
}

/// The next `put URL FILE` sends what FILE holds now, with the validator of the first put's
/// version: FILE changed after it was sent, so it is not what the server holds.
#[track_caller]
fn next_put_sends_the_later_change(env: &Env, server: &FakeServer, url: &str, later: &[u8], limit: &str) {
    let file = env.path("big.txt");
    let after_first = server.etag("/big.txt");
    let out =
        env.cmd(&["put", url, file.to_str().unwrap()]).env("IFMATCH_BASE_LIMIT", limit).output().unwrap();
    assert_code(&out, 0);
    assert!(!stderr(&out).contains("no changes"), "{}", stderr(&out));
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 2, "the later change is sent: {}", stderr(&out));
    assert!(puts[1].body == later, "the second put sends FILE as it is now");
    assert_eq!(puts[1].header("if-match"), Some(after_first.as_str()));
    assert!(server.body("/big.txt").unwrap() == later);
}

/// A working copy whose base is kept only as its digest (over the base limit) streams; FILE is
/// saved again while the upload is in flight. The store must not take that later text for the
/// version the server holds, or the next put finds "no changes" and the change is never sent.
#[test]
fn a_file_changed_during_a_streamed_put_is_sent_by_the_next_put() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/big.txt", &text(64 << 10, b'0'), "text/plain");
    let url = server.url("/big.txt");
    let file = env.path("big.txt");
    let file_arg = file.to_str().unwrap();
    let got = env.cmd(&["get", &url, "-o", file_arg]).env("IFMATCH_BASE_LIMIT", "1k").output().unwrap();
    assert_code(&got, 0);
    let (first, later) = (text(64 << 10, b'1'), text(64 << 10, b'2'));
    std::fs::write(&file, &first).unwrap();
    let err = put_while_file_changes(&env, &server, &["put", &url, file_arg], &later, "1k");
    assert!(err.contains("big.txt changed while it was being sent"), "{err}");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1);
    assert!(puts[0].body == first, "the first put sent the first change");
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    next_put_sends_the_later_change(&env, &server, &url, &later, "1k");
}

/// The same for a large new file with no base at all, kept in full after the write (under the
/// default base limit): the base copied into the store must be what was sent.
#[test]
fn a_large_new_file_changed_during_its_streamed_create_is_sent_by_the_next_put() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let url = server.url("/big.txt");
    let file = env.path("big.txt");
    let file_arg = file.to_str().unwrap();
    let (first, later) = (text(9 << 20, b'1'), text(9 << 20, b'2'));
    std::fs::write(&file, &first).unwrap();
    let err = put_while_file_changes(&env, &server, &["put", &url, file_arg, "--create"], &later, "16M");
    assert!(err.contains("big.txt changed while it was being sent"), "{err}");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1);
    assert!(puts[0].body == first, "the create sent the first text");
    assert_eq!(puts[0].header("if-none-match"), Some("*"));
    next_put_sends_the_later_change(&env, &server, &url, &later, "16M");
}

/// A small file is read into memory and sent from there: the base recorded is those bytes, so
/// a change saved into FILE while the write is in flight is sent by the next put too.
#[test]
fn a_small_file_changed_during_its_put_is_sent_by_the_next_put() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/big.txt", &text(4 << 10, b'0'), "text/plain");
    let url = server.url("/big.txt");
    let file = env.path("big.txt");
    let file_arg = file.to_str().unwrap();
    assert_code(&env.run(&["get", &url, "-o", file_arg]), 0);
    let (first, later) = (text(4 << 10, b'1'), text(4 << 10, b'2'));
    std::fs::write(&file, &first).unwrap();
    put_while_file_changes(&env, &server, &["put", &url, file_arg], &later, "16M");
    let puts = server.requests_with("PUT");
    assert_eq!(puts.len(), 1);
    assert!(puts[0].body == first, "the first put sent the first change");
    assert_eq!(puts[0].header("if-match"), Some("\"v1\""));
    next_put_sends_the_later_change(&env, &server, &url, &later, "16M");
}
