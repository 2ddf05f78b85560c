//! The real client against the real built-in server (`ifmatch serve` as a child process): what
//! reached the server (its request log shows every precondition as sent) and what ended on disk,
//! byte for byte. The fake server stays for faults the built-in one never makes.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use crate::support::serve::Serve;
use crate::support::{Env, assert_code, bin, read, stderr};

const DOC: &[u8] = b"{\n  \"service\": \"checkout\",\n  \"replicas\": 1,\n  \"timeout_ms\": 1000\n}\n";

/// A served directory holding `doc.json`, last modified an hour ago (so its validators are
/// settled; see `a_just_written_file_...` for the other case).
fn served(extra: &[&str]) -> (tempfile::TempDir, Serve) {
    let dir = tempfile::tempdir().unwrap();
    write_old(&dir.path().join("doc.json"), DOC);
    let serve = Serve::start(dir.path(), extra);
    (dir, serve)
}

fn write_old(path: &Path, body: &[u8]) {
    std::fs::write(path, body).unwrap();
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(hour_ago).unwrap();
}

/// The `--json` report of a successful run.
fn report(out: &std::process::Output) -> serde_json::Value {
    assert_code(out, 0);
    serde_json::from_slice(&out.stdout).expect("a JSON report on stdout")
}

fn etag_of(out: &std::process::Output) -> String {
    report(out)["etag"].as_str().expect("an ETag in the report").to_string()
}

/// `ifmatch get URL --json` (body to a file, so stdout holds only the report): the ETag.
fn fetch_etag(env: &Env, url: &str) -> String {
    let copy = env.path("fetched-copy");
    etag_of(&env.run(&["get", url, "--json", "-o", copy.to_str().unwrap()]))
}

#[test]
fn get_put_round_trip_sends_the_etag_from_get() {
    let env = Env::new();
    let (dir, serve) = served(&[]);
    let url = serve.url("/doc.json");
    let out = env.run(&["get", &url]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, DOC, "the body is printed byte-exact");
    let etag = etag_of(&env.run(&["get", &url, "--json", "-o", env.path("copy").to_str().unwrap()]));
    assert_eq!(read(&env.path("copy")), DOC);

    // Bytes that a careless client would normalize: CRLF, no final newline, non-ASCII.
    let mine = b"{\r\n  \"service\": \"caf\xc3\xa9\",\r\n  \"replicas\": 2,\r\n  \"timeout_ms\": 1000\r\n}";
    let put = env.run_with_stdin(&["put", &url, "-", "--json"], mine);
    let put_report = report(&put);
    assert_eq!(read(&dir.path().join("doc.json")), mine, "the file on disk is exactly what was sent");
    assert_eq!(serve.log_of("PUT"), [format!("PUT /doc.json 204 if-match={etag}")]);
    assert_eq!(put_report["etag_before"], etag.as_str());

    // The next write uses the ETag from the PUT response, without a refetch.
    let gets_before = serve.log_of("GET").len();
    let newer = b"{\"replicas\": 3}\n";
    assert_code(&env.run_with_stdin(&["put", &url], newer), 0);
    let new_etag = put_report["etag"].as_str().unwrap();
    assert_ne!(new_etag, etag);
    assert_eq!(serve.log_of("PUT")[1], format!("PUT /doc.json 204 if-match={new_etag}"));
    assert_eq!(serve.log_of("GET").len(), gets_before);
    assert_eq!(read(&dir.path().join("doc.json")), newer);
}

#[test]
fn edit_round_trip_writes_the_edited_bytes_with_the_etag_from_get() {
    let env = Env::new();
    let (dir, serve) = served(&[]);
    let url = serve.url("/doc.json");
    let etag = fetch_etag(&Env::new(), &url);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 4");
    let out = env.run(&["edit", &url]);
    assert_code(&out, 0);
    assert_eq!(env.editor_saw(1), DOC);
    let expected = String::from_utf8(DOC.to_vec()).unwrap().replace("\"replicas\": 1", "\"replicas\": 4");
    assert_eq!(read(&dir.path().join("doc.json")), expected.as_bytes());
    assert_eq!(serve.log_of("PUT"), [format!("PUT /doc.json 204 if-match={etag}")]);
    let gets = serve.log_of("GET");
    assert_eq!(gets.last().unwrap(), "GET /doc.json 200", "the edit fetched without preconditions");
}

#[test]
fn stale_put_exits_3_and_leaves_the_file_alone() {
    let env = Env::new();
    let (dir, serve) = served(&[]);
    let url = serve.url("/doc.json");
    let etag = fetch_etag(&env, &url);
    // Someone edits the file on the server's disk.
    let theirs = b"{\n  \"service\": \"checkout\",\n  \"replicas\": 1,\n  \"timeout_ms\": 9000\n}\n";
    std::fs::write(dir.path().join("doc.json"), theirs).unwrap();
    let out = env.run_with_stdin(&["put", &url], b"{\"service\": \"mine\"}\n");
    assert_code(&out, 3);
    let err = stderr(&out);
    assert!(err.contains("412 Precondition Failed"), "{err}");
    assert!(err.contains("timeout_ms"), "the server's change is shown: {err}");
    assert_eq!(read(&dir.path().join("doc.json")), theirs, "their change survives");
    assert_eq!(serve.log_of("PUT"), [format!("PUT /doc.json 412 if-match={etag}")]);
    assert_eq!(env.recovered().len(), 1, "the rejected text is kept");
    assert_eq!(read(&env.recovered()[0]), b"{\"service\": \"mine\"}\n");
}

#[test]
fn edit_merges_a_concurrent_change_to_another_key() {
    let env = Env::new();
    let (dir, serve) = served(&[]);
    let url = serve.url("/doc.json");
    // While the editor is open a colleague, with their own state store, writes "timeout_ms".
    let colleague = env.path("colleague.json");
    std::fs::write(&colleague, String::from_utf8_lossy(DOC).replace("1000", "2500")).unwrap();
    let hook = format!(
        "'{}' put --state-dir '{}' '{url}' '{}' --force --json > '{}'",
        bin(),
        env.path("colleague-state").display(),
        colleague.display(),
        env.path("colleague-report.json").display()
    );
    env.editor_hook(1, &hook);
    env.editor_replaces(1, "\"replicas\": 1", "\"replicas\": 3");
    let first = fetch_etag(&Env::new(), &url);
    let out = env.run(&["edit", &url, "--on-conflict", "merge"]);
    assert_code(&out, 0);
    let colleague_report: serde_json::Value =
        serde_json::from_slice(&read(&env.path("colleague-report.json"))).unwrap();
    let theirs = colleague_report["etag"].as_str().unwrap();

    let expected =
        String::from_utf8_lossy(DOC).replace("1000", "2500").replace("\"replicas\": 1", "\"replicas\": 3");
    assert_eq!(String::from_utf8(read(&dir.path().join("doc.json"))).unwrap(), expected);
    assert_eq!(
        serve.log_of("PUT"),
        [
            "PUT /doc.json 204".to_string(), // the colleague's --force
            format!("PUT /doc.json 412 if-match={first}"),
            format!("PUT /doc.json 204 if-match={theirs}"),
        ]
    );
    assert!(stderr(&out).contains("merge cleanly"), "{}", stderr(&out));
}

#[test]
fn require_precondition_answers_428_to_an_unconditional_put() {
    let env = Env::new();
    let (dir, serve) = served(&["--require-precondition"]);
    let url = serve.url("/doc.json");
    let out = env.run_with_stdin(&["put", &url, "--force"], b"{\"forced\": true}\n");
    assert_code(&out, 3);
    assert!(stderr(&out).contains("428 Precondition Required"), "{}", stderr(&out));
    assert_eq!(serve.log_of("PUT"), ["PUT /doc.json 428"]);
    assert_eq!(read(&dir.path().join("doc.json")), DOC, "nothing was written");

    // Choosing to overwrite turns the 428 into a conditional write with the fetched ETag.
    let etag = fetch_etag(&Env::new(), &url);
    let out =
        env.run_with_stdin(&["put", &url, "--force", "--on-conflict", "overwrite"], b"{\"forced\": true}\n");
    assert_code(&out, 0);
    assert_eq!(
        serve.log_of("PUT")[1..],
        ["PUT /doc.json 428".to_string(), format!("PUT /doc.json 204 if-match={etag}")]
    );
    assert_eq!(read(&dir.path().join("doc.json")), b"{\"forced\": true}\n");
}

#[test]
fn weak_etags_make_ifmatch_use_if_unmodified_since() {
    let env = Env::new();
    let (dir, serve) = served(&["--weak-etags"]);
    let url = serve.url("/doc.json");
    let out = env.run(&["get", &url, "--json", "-o", env.path("copy").to_str().unwrap()]);
    assert!(stderr(&out).contains("weak ETag"), "{}", stderr(&out));
    assert!(report(&out)["etag"].as_str().unwrap().starts_with("W/\""));
    let last_modified =
        httpdate::fmt_http_date(std::fs::metadata(dir.path().join("doc.json")).unwrap().modified().unwrap());
    let out = env.run_with_stdin(&["put", &url], b"{\"replicas\": 2}\n");
    assert_code(&out, 0);
    assert!(stderr(&out).contains("one-second resolution"), "{}", stderr(&out));
    assert_eq!(serve.log_of("PUT"), [format!("PUT /doc.json 204 if-unmodified-since={last_modified}")]);
    assert_eq!(read(&dir.path().join("doc.json")), b"{\"replicas\": 2}\n");
}

#[test]
fn a_fresh_weak_etag_is_waited_out_once_then_if_unmodified_since_is_used() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.json"), DOC).unwrap();
    let serve = Serve::start(dir.path(), &["--weak-etags"]);
    let url = serve.url("/doc.json");
    let out = env.run(&["get", &url, "-v", "-o", env.path("copy").to_str().unwrap()]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("fetching again in"), "{}", stderr(&out));
    // Still weak a second later: this server means it. One retry, no more.
    assert_eq!(serve.log_of("GET"), ["GET /doc.json 200", "GET /doc.json 200"]);
    assert!(stderr(&out).contains("weak ETag"), "{}", stderr(&out));
    let out = env.run_with_stdin(&["put", &url], b"{}\n");
    assert_code(&out, 0);
    let put = &serve.log_of("PUT")[0];
    assert!(put.starts_with("PUT /doc.json 204 if-unmodified-since="), "{put}");
    assert_eq!(read(&dir.path().join("doc.json")), b"{}\n");
}

#[test]
fn of_twenty_concurrent_puts_with_the_same_if_match_exactly_one_wins() {
    let env = Env::new();
    let (dir, serve) = served(&[]);
    let url = serve.url("/doc.json");
    let etag = fetch_etag(&env, &url);
    let race = |round: u32, tag: &str, n: usize| -> Vec<(i32, Vec<u8>)> {
        let children: Vec<_> = (0..n)
            .map(|i| {
                let body = format!("{{\"round\": {round}, \"writer\": {i}}}\n").into_bytes();
                let mut child = env
                    .cmd(&["put", &url, "-", "--if-match", tag])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                child.stdin.take().unwrap().write_all(&body).unwrap();
                (child, body)
            })
            .collect();
        children
            .into_iter()
            .map(|(child, body)| {
                let out = child.wait_with_output().unwrap();
                let code = out.status.code().unwrap();
                assert!(code == 0 || code == 3, "exit {code}: {}", stderr(&out));
                (code, body)
            })
            .collect()
    };
    let results = race(1, &etag, 20);
    let winners: Vec<_> = results.iter().filter(|(code, _)| *code == 0).collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one writer wins: {:?}",
        results.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    assert_eq!(read(&dir.path().join("doc.json")), winners[0].1);
    let puts = serve.log_of("PUT");
    assert_eq!(puts.len(), 20);
    assert!(puts.iter().all(|l| l.ends_with(&format!("if-match={etag}"))), "{puts:?}");
    assert_eq!(puts.iter().filter(|l| l.starts_with("PUT /doc.json 204 ")).count(), 1, "{puts:?}");

    // The same tag is now stale: every writer loses and the winner's body stays. (Bodies differ
    // from the winner's: a writer whose body the server already holds would rightly exit 0.)
    let results = race(2, &etag, 5);
    assert!(results.iter().all(|(code, _)| *code == 3));
    assert_eq!(read(&dir.path().join("doc.json")), winners[0].1);
}

/// Sends a raw request and returns the status code and the response.
fn raw(serve: &Serve, request: &[u8]) -> (u16, String) {
    let addr = serve.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request).unwrap();
    let mut buf = Vec::new();
    // The server may close before the whole body was sent (413); keep what arrived.
    let _ = stream.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{text:?}"));
    (status, text)
}

#[test]
fn path_escapes_are_refused() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("root");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(outer.path().join("secret.txt"), "top secret").unwrap();
    let serve = Serve::start(&root, &[]);
    for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/a/%2E%2E/%2e%2e/secret.txt", "/..%2fsecret.txt"] {
        let (status, text) =
            raw(&serve, format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
        assert!(status == 400 || status == 403, "{path}: {status}");
        assert!(!text.contains("top secret"), "{path}");
        let put =
            format!("PUT {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\npwned");
        let (status, _) = raw(&serve, put.as_bytes());
        assert!(status == 400 || status == 403, "{path}: {status}");
    }
    assert_eq!(std::fs::read_to_string(outer.path().join("secret.txt")).unwrap(), "top secret");
    assert_eq!(std::fs::read_dir(&root).unwrap().count(), 0, "nothing was created");
}

#[test]
fn an_oversize_body_is_refused_with_413() {
    let env = Env::new();
    let (dir, serve) = served(&["--max-body", "64"]);
    let url = serve.url("/doc.json");
    assert_code(&env.run(&["get", &url]), 0);
    let big = format!("{{\"pad\": \"{}\"}}\n", "x".repeat(100));
    let out = env.run_with_stdin(&["put", &url], big.as_bytes());
    assert_code(&out, 4);
    assert!(stderr(&out).contains("413"), "{}", stderr(&out));
    assert_eq!(read(&dir.path().join("doc.json")), DOC);
    assert_eq!(env.recovered().len(), 1, "the refused text is kept");
    let head = "PUT /doc.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 65\r\n\r\n";
    let (status, _) = raw(&serve, format!("{head}{}", "y".repeat(65)).as_bytes());
    assert_eq!(status, 413);
    assert_eq!(read(&dir.path().join("doc.json")), DOC);
    assert!(
        serve.log_of("PUT").iter().all(|l| l.starts_with("PUT /doc.json 413")),
        "{:?}",
        serve.log_of("PUT")
    );
}

/// A body far over the limit still gets the 413 (exit 4), not a reset connection (exit 7):
/// the server reads and discards what the client is still sending before it answers.
#[test]
fn a_body_far_over_the_limit_gets_413_every_time() {
    let env = Env::new();
    let (dir, serve) = served(&["--max-body", "1000"]);
    let url = serve.url("/doc.json");
    let file = env.path("big.json");
    std::fs::write(&file, format!("{{\"pad\": \"{}\"}}\n", "x".repeat(12 << 20))).unwrap();
    for _ in 0..3 {
        let out = env.run(&["put", &url, file.to_str().unwrap(), "--force"]);
        assert_code(&out, 4);
        assert!(stderr(&out).contains("413"), "{}", stderr(&out));
    }
    assert_eq!(read(&dir.path().join("doc.json")), DOC);
}

#[test]
fn create_sends_if_none_match_star_and_never_replaces() {
    let env = Env::new();
    let (dir, serve) = served(&[]);
    let url = serve.url("/new.json");
    let out = env.run_with_stdin(&["put", &url, "--create"], b"{\"first\": true}\n");
    assert_code(&out, 0);
    assert_eq!(read(&dir.path().join("new.json")), b"{\"first\": true}\n");
    // A second create finds it there: 412, nothing replaced, the text kept.
    let env2 = Env::new();
    let out = env2.run_with_stdin(&["put", &url, "--create"], b"{\"second\": true}\n");
    assert_code(&out, 3);
    assert_eq!(read(&dir.path().join("new.json")), b"{\"first\": true}\n");
    assert_eq!(env2.recovered().iter().filter(|p| p.extension().is_some_and(|e| e == "json")).count(), 1);
    let puts = serve.log_of("PUT");
    assert_eq!(puts, ["PUT /new.json 201 if-none-match=*", "PUT /new.json 412 if-none-match=*"]);
    // Not even an explicit overwrite turns a create into a replacement.
    let out =
        env2.run_with_stdin(&["put", &url, "--create", "--on-conflict", "overwrite"], b"{\"third\": 1}\n");
    assert_code(&out, 3);
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(read(&dir.path().join("new.json")), b"{\"first\": true}\n");
}

#[test]
fn a_forced_put_to_a_strict_server_creates_with_if_none_match() {
    let env = Env::new();
    let (dir, serve) = served(&["--require-precondition"]);
    let url = serve.url("/fresh.json");
    let out = env.run_with_stdin(&["put", &url, "--force"], b"{\"fresh\": true}\n");
    assert_code(&out, 0);
    assert!(stderr(&out).contains("creating it with If-None-Match: *"), "{}", stderr(&out));
    assert_eq!(read(&dir.path().join("fresh.json")), b"{\"fresh\": true}\n");
    assert_eq!(serve.log_of("PUT"), ["PUT /fresh.json 428", "PUT /fresh.json 201 if-none-match=*"]);
}

#[test]
fn a_failed_create_is_kept_as_a_create() {
    let env = Env::new();
    // Nothing listens yet: the create fails with a network error and keeps the text.
    let refused = crate::support::RefusedPort::new();
    let early = refused.url("/made.json");
    let out = env.run_with_stdin(&["put", &early, "--create"], b"{\"made\": true}\n");
    assert_code(&out, 7);
    assert!(!env.recovered().is_empty());
    // What the kept copy was based on says "create", so `edit --resume` sends
    // If-None-Match: * again rather than fetching first (a 404) or writing unconditionally.
    let text = env.recovered().into_iter().next().unwrap();
    let meta = text.with_file_name(format!("{}.meta.json", text.file_name().unwrap().to_string_lossy()));
    let origin: serde_json::Value = serde_json::from_slice(&std::fs::read(meta).unwrap()).unwrap();
    assert_eq!(origin["create"], true);
}

#[test]
fn a_large_forced_put_to_a_strict_server_creates_with_if_none_match() {
    let env = Env::new();
    let (dir, serve) = served(&["--require-precondition", "--max-body", "33554432"]);
    let file = env.path("big.txt");
    let big = "line of text\n".repeat(800_000);
    std::fs::write(&file, &big).unwrap();
    let out = env.run(&["put", &serve.url("/big.txt"), file.to_str().unwrap(), "--force"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("streamed"), "{}", stderr(&out));
    assert_eq!(read(&dir.path().join("big.txt")), big.as_bytes());
    assert_eq!(serve.log_of("PUT"), ["PUT /big.txt 428", "PUT /big.txt 201 if-none-match=*"]);
}
