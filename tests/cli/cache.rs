//! A cache that ignores `Cache-Control: no-cache` (like Varnish's default configuration) in
//! front of `ifmatch serve`: a 412 caused by a concurrent change at the origin is settled
//! with a fresh copy fetched past the cache, never with the cache's stale one; and when no
//! fresh copy can be had, nothing is written and the message names the cache.

use crate::support::cache::Cache;
use crate::support::serve::Serve;
use crate::support::{Env, assert_code, stderr, stdout};

const BASE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const THEIRS: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 3\n}\n";
const MERGED: &[u8] = b"{\n  \"name\": \"theirs\",\n  \"replicas\": 3\n}\n";

/// `serve` with doc.json, a cache in front, and a working copy fetched through the cache (which
/// now holds that version); then someone changes the document at the origin.
struct Setup {
    env: Env,
    origin: Serve,
    cache: Cache,
    file: String,
}

fn setup() -> Setup {
    let env = Env::new();
    let docs = env.path("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("doc.json"), BASE).unwrap();
    let origin = Serve::start(&docs, &["--quiet"]);
    let cache = Cache::start(&origin.base);
    let file = env.path("doc.json").to_str().unwrap().to_string();
    assert_code(&env.run(&["get", &cache.url("/doc.json"), "-o", &file]), 0);
    assert!(cache.holds("GET /doc.json"));
    // A colleague writes to the origin; the cache keeps serving the old copy.
    std::fs::write(docs.join("doc.json"), THEIRS).unwrap();
    std::fs::write(&file, MINE).unwrap();
    Setup { env, origin, cache, file }
}

impl Setup {
    fn at_origin(&self) -> Vec<u8> {
        std::fs::read(self.origin.dir.join("doc.json")).unwrap()
    }

    fn url(&self) -> String {
        self.cache.url("/doc.json")
    }

    /// The If-Match values of the PUTs that passed through the cache.
    fn if_matches(&self) -> Vec<String> {
        let puts = self.cache.seen().into_iter().filter(|s| s.method == "PUT");
        puts.map(|s| s.header("if-match").unwrap_or("").to_string()).collect()
    }

    fn busted_gets(&self, param: &str) -> Vec<crate::support::cache::Seen> {
        let prefix = format!("/doc.json?{param}=");
        self.cache.seen().into_iter().filter(|s| s.method == "GET" && s.target.starts_with(&prefix)).collect()
    }
}

#[test]
fn a_412_through_a_stale_cache_merges_with_a_fresh_copy_from_past_it() {
    let s = setup();
    let out = s.env.run(&["put", &s.url(), &s.file, "--on-conflict", "merge", "--json"]);
    assert_code(&out, 0);
    assert_eq!(s.at_origin(), MERGED, "both changes are at the origin");
    let err = stderr(&out);
    assert!(err.contains("the refetch was served from a cache that ignored no-cache (Age: "), "{err}");
    assert!(err.contains("fetched a fresh copy past the cache with ?_ifmatch_fresh="), "{err}");

    // The refetch asked for revalidation; the cache answered from storage anyway.
    let gets: Vec<_> = s.cache.seen().into_iter().filter(|r| r.method == "GET").collect();
    let refetch = &gets[1];
    assert_eq!(refetch.target, "/doc.json");
    assert!(refetch.hit);
    assert_eq!(refetch.header("cache-control"), Some("no-cache, max-age=0"));
    assert_eq!(refetch.header("pragma"), Some("no-cache"));
    let busted = s.busted_gets("_ifmatch_fresh");
    assert_eq!(busted.len(), 1, "{:?}", s.cache.seen());
    assert!(!busted[0].hit);

    // The retry carries the ETag of the version it merged with, and the origin decided.
    let tags = s.if_matches();
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert_ne!(tags[0], tags[1]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["outcome"], "merged");
    assert_eq!(report["cache"]["hit"], true);
    assert_eq!(report["refetch"]["via"], "cache_bust");
    assert_eq!(report["refetch"]["stale"], false);
}

#[test]
fn without_a_policy_the_fresh_copy_is_their_change_and_it_is_kept() {
    let s = setup();
    let out = s.env.run(&["put", &s.url(), &s.file]);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("changed on the server since your copy was fetched"), "{err}");
    assert!(err.contains("+  \"name\": \"theirs\","), "their change is shown: {err}");
    assert_eq!(s.at_origin(), THEIRS);
    assert_eq!(s.if_matches().len(), 1);
}

#[test]
fn with_no_cache_bust_nothing_is_written_and_the_cache_is_named() {
    let s = setup();
    let out = s.env.run(&["put", &s.url(), &s.file, "--on-conflict", "merge", "--no-cache-bust"]);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(
        err.contains("answered 412, and the refetch was served from a cache that ignored no-cache (Age: "),
        "{err}"
    );
    assert!(!err.contains("content did not change"), "{err}");
    assert!(err.contains("--fetch-url ORIGIN_URL"), "{err}");
    assert!(err.contains("drop --no-cache-bust"), "{err}");
    assert!(s.busted_gets("_ifmatch_fresh").is_empty());
    assert_eq!(s.at_origin(), THEIRS, "theirs kept");
    assert_eq!(s.if_matches().len(), 1, "no second write from a stale copy");
    assert_eq!(s.env.recovered().len(), 1, "the text is kept");
}

#[test]
fn fetch_url_reads_from_the_origin_and_writes_through_the_cache() {
    let s = setup();
    let origin = s.origin.url("/doc.json");
    let out = s.env.run(&["put", &s.url(), &s.file, "--yes", "--no-cache-bust", "--fetch-url", &origin]);
    assert_code(&out, 0);
    assert_eq!(s.at_origin(), MERGED);
    // Both writes went through the cache; no GET did after the first get.
    assert_eq!(s.if_matches().len(), 2);
    let gets = s.cache.seen().into_iter().filter(|r| r.method == "GET").count();
    assert_eq!(gets, 1, "{:?}", s.cache.seen());
}

#[test]
fn apply_through_a_stale_cache_reruns_the_command_on_a_fresh_copy() {
    let s = setup();
    let out = s.env.run(&["apply", &s.url(), "--", "sed", "s/\"replicas\": 1/\"replicas\": 3/"]);
    assert_code(&out, 0);
    assert_eq!(s.at_origin(), MERGED);
    assert_eq!(s.busted_gets("_ifmatch_fresh").len(), 1);
}

#[test]
fn the_cache_busting_parameter_is_configurable() {
    let s = setup();
    let out = s.env.run(&["put", &s.url(), &s.file, "--yes", "--cache-bust-param", "nocache_token"]);
    assert_code(&out, 0);
    assert_eq!(s.at_origin(), MERGED);
    assert_eq!(s.busted_gets("nocache_token").len(), 1);
    assert!(s.busted_gets("_ifmatch_fresh").is_empty());

    let out = s.env.run(&["put", &s.url(), &s.file, "--cache-bust-param", "a b"]);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("hint: for example: --cache-bust-param _ifmatch_fresh"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn get_shows_the_cache_in_verbose_and_json() {
    let s = setup();
    let out = s.env.run(&["get", &s.url(), "--json", "-o", &s.env.path("again.json").to_string_lossy()]);
    assert_code(&out, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["cache"]["hit"], true);
    let signs: Vec<&str> =
        report["cache"]["signs"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(signs.contains(&"X-Cache: HIT") && signs.contains(&"Via: 1.1 fake-cache"), "{signs:?}");

    let out = s.env.run(&["get", &s.url(), "-v"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("* served from a cache: Age: "), "{}", stderr(&out));
    assert_eq!(stdout(&out).as_bytes(), BASE, "the stale copy, as the cache serves it");
}

#[test]
fn a_proxy_that_rewrites_etags_is_told_apart_from_a_stale_copy() {
    let env = Env::new();
    let docs = env.path("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("doc.json"), BASE).unwrap();
    let origin = Serve::start(&docs, &["--quiet"]);
    let proxy = Cache::rewriting(&origin.base);
    let url = proxy.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    let out = env.run_with_stdin(&["put", &url, "--on-conflict", "merge"], MINE);
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("fetched past any cache with ?_ifmatch_fresh="), "{err}");
    assert!(
        err.contains(
            "its content did not change: a fetch past any cache got the same ETag, so this is no stale copy"
        ),
        "{err}"
    );
    assert!(!err.contains("served from a cache"), "{err}");
    // The hint names the command to run, with this URL, not a placeholder.
    assert!(err.contains(&format!("`ifmatch doctor {url}` checks it")), "{err}");
    assert_eq!(std::fs::read(docs.join("doc.json")).unwrap(), BASE);
}

#[test]
fn doctor_says_plainly_that_the_cache_ignores_no_cache() {
    let s = setup();
    let out = s.env.run(&["doctor", &s.url()]);
    assert_code(&out, 0);
    let report = stdout(&out);
    assert!(
        report.contains("! this cache ignores Cache-Control: no-cache: both GETs with no-cache were answered from its storage (Age: "),
        "{report}"
    );
    assert!(report.contains("sees another version"), "{report}");
    assert!(
        report.contains("→ after a 412, ifmatch fetches a fresh copy past it with ?_ifmatch_fresh=<random>"),
        "{report}"
    );
    // Only safe methods, and only the one cache-busting GET went past the cache.
    let seen = s.cache.seen();
    assert!(seen.iter().all(|r| ["GET", "HEAD", "OPTIONS"].contains(&r.method.as_str())), "{seen:?}");
    assert_eq!(s.busted_gets("_ifmatch_fresh").len(), 1);

    let out = s.env.run(&["doctor", &s.url(), "--no-cache-bust", "--json"]);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let finding =
        v["findings"].as_array().unwrap().iter().find(|f| f["check"] == "no_cache_honored").unwrap();
    assert_eq!(finding["status"], "warn");
    assert!(finding["advice"].as_str().unwrap().starts_with("with --no-cache-bust"), "{finding}");
    assert_eq!(s.busted_gets("_ifmatch_fresh").len(), 1, "no second cache-busting GET");
}
