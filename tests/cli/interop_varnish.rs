//! Interop: Varnish Cache (default configuration) in front of Apache httpd with mod_dav — a
//! shared cache that ignores `Cache-Control: no-cache`. A colleague changes the document at
//! the origin; the write through the cache meets 412, the refetch through the cache is the
//! stale copy, and ifmatch must get the current version past it before merging. Ignored by a
//! plain `cargo test`; `.ci/run` installs Varnish and runs `cargo test -- --ignored interop`.

use crate::support::interop::{self, Dav};
use crate::support::varnish::Varnish;
use crate::support::{Env, assert_code, stderr};

const BASE: &[u8] = b"{\n  \"service\": \"checkout\",\n  \"replicas\": 1\n}\n";
/// Longer than BASE, so that Apache's size-and-mtime ETag changes whatever the mtime.
const THEIRS: &[u8] = b"{\n  \"service\": \"checkout-v2\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"service\": \"checkout\",\n  \"replicas\": 3\n}\n";
const MERGED: &[u8] = b"{\n  \"service\": \"checkout-v2\",\n  \"replicas\": 3\n}\n";

/// Apache with the base document, Varnish in front, a working copy fetched through Varnish
/// (which now stores it), then a colleague's change at the origin.
fn setup(env: &Env) -> (Dav, Varnish, String) {
    let dav = interop::apache();
    dav.write("doc.json", BASE);
    let cache = Varnish::start(&dav);
    let file = env.path("doc.json").to_str().unwrap().to_string();
    assert_code(&env.run(&["get", &cache.url("/doc.json"), "-o", &file]), 0);
    assert_eq!(std::fs::read(&file).unwrap(), BASE);
    // Through the cache the old copy is still what a no-cache GET gets.
    let out = env.run(&["get", &cache.url("/doc.json"), "-v"]);
    dav.write("doc.json", THEIRS);
    let out2 = env.run(&["get", &cache.url("/doc.json"), "-v"]);
    assert_code(&out, 0);
    assert_eq!(out2.stdout, BASE, "Varnish serves its stored copy despite no-cache: {}", stderr(&out2));
    assert!(stderr(&out2).contains("* served from a cache: "), "{}", stderr(&out2));
    std::fs::write(&file, MINE).unwrap();
    (dav, cache, file)
}

#[test]
#[ignore = "interop: needs Varnish and Apache httpd (see .ci/run)"]
fn interop_varnish_stale_copy_then_fresh_copy_then_merge() {
    let env = Env::new();
    let (dav, cache, file) = setup(&env);
    let out = env.run(&["put", &cache.url("/doc.json"), &file, "--on-conflict", "merge"]);
    let err = stderr(&out);
    assert_code(&out, 0);
    assert!(err.contains("the refetch was served from a cache that ignored no-cache ("), "{err}");
    assert!(err.contains("Via: 1.1 varnish"), "{err}");
    assert!(err.contains("fetched a fresh copy past the cache with ?_ifmatch_fresh="), "{err}");
    assert_eq!(dav.read("doc.json"), MERGED, "both changes at the origin: {err}\n{}", cache.log());
    let log = dav.request_log().unwrap();
    let puts: Vec<_> = log.iter().filter(|l| l.starts_with("PUT ")).collect();
    assert_eq!(puts.len(), 2, "{log:?}");
    assert!(puts[0].starts_with("PUT /doc.json 412 if-match=\""), "{puts:?}");
    assert!(puts[1].starts_with("PUT /doc.json 204 if-match=\""), "{puts:?}");
}

#[test]
#[ignore = "interop: needs Varnish and Apache httpd (see .ci/run)"]
fn interop_varnish_without_a_policy_exits_3_and_keeps_theirs() {
    let env = Env::new();
    let (dav, cache, file) = setup(&env);
    let out = env.run(&["put", &cache.url("/doc.json"), &file]);
    let err = stderr(&out);
    assert_code(&out, 3);
    assert!(err.contains("changed on the server since your copy was fetched"), "{err}");
    assert!(!err.contains("content did not change"), "{err}");
    assert_eq!(dav.read("doc.json"), THEIRS);
    assert_eq!(env.recovered().len(), 1, "the text is kept");
}

#[test]
#[ignore = "interop: needs Varnish and Apache httpd (see .ci/run)"]
fn interop_varnish_doctor_names_the_cache_that_ignores_no_cache() {
    let env = Env::new();
    let (_dav, cache, _file) = setup(&env);
    let out = env.run(&["doctor", &cache.url("/doc.json")]);
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(report.contains("! this cache ignores Cache-Control: no-cache: both GETs with no-cache were answered from its storage"), "{report}");
    assert!(report.contains("X-Varnish: "), "{report}");
    assert!(report.contains("sees another version"), "{report}");
}
