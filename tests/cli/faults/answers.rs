//! Answers no correct server gives: a 304 to a write, dates at the very start of 1970, bodies
//! cut short or running long, 5xx, malformed validators, and a storm of 412s.

use std::time::Duration;

use super::server::{Fault, FaultServer};
use super::{assert_no_temp_files, records};
use crate::support::raw::Raw;
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";
const MINE: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 5\n}\n";

#[test]
fn doctor_takes_a_last_modified_in_the_first_day_of_1970() {
    for (date, probe) in [
        ("Thu, 01 Jan 1970 12:00:00 GMT", Some("Thu, 01 Jan 1970 00:00:00 GMT")),
        ("Thu, 01 Jan 1970 00:00:00 GMT", None),
        ("Fri, 02 Jan 1970 00:00:00 GMT", Some("Thu, 01 Jan 1970 00:00:00 GMT")),
    ] {
        let env = Env::new();
        let server = Raw::start(
            &format!("HTTP/1.1 200 OK\r\nETag: \"t\"\r\nLast-Modified: {date}\r\nContent-Type: text/plain"),
            vec![b"hello\n".to_vec()],
            Duration::ZERO,
        );
        let out = env.run(&["doctor", &server.url("/old.txt")]);
        assert!(!stderr(&out).contains("panicked"), "{date}: {}", stderr(&out));
        // The server evaluates nothing: a verdict that asks for the write probe.
        assert_code(&out, 0);
        assert!(crate::support::stdout(&out).contains("Verdict:"), "{date}");
        let sent: Vec<String> = server
            .heads()
            .iter()
            .flat_map(|h| h.lines().map(str::to_ascii_lowercase).collect::<Vec<_>>())
            .filter(|l| l.starts_with("if-unmodified-since:"))
            .collect();
        match probe {
            Some(probe) => {
                assert_eq!(
                    sent,
                    vec![format!("if-unmodified-since: {}", probe.to_ascii_lowercase())],
                    "{date}"
                )
            }
            None => assert!(sent.is_empty(), "{date}: {sent:?}"),
        }
    }
}

#[test]
fn a_304_to_a_write_is_named_as_nonsense_and_the_text_kept() {
    let env = Env::new();
    let (server, url) = FaultServer::with("/doc.json", DOC, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    let record = records(&env);
    server.fault("PUT", Fault::answer(304, &[("ETag", "\"v1\"")], b""));
    let out = env.run_with_stdin(&["put", &url], MINE);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("answered 304 Not Modified to a PUT"), "{err}");
    assert!(err.contains("makes no sense for a write"), "{err}");
    assert!(!err.contains("Location"), "{err}");
    let kept = env.recovered();
    assert_eq!(kept.len(), 1, "{err}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), MINE);
    assert!(err.contains(&kept[0].display().to_string()), "{err}");
    assert_eq!(records(&env), record, "the record is as it was");
    assert_eq!(server.body("/doc.json"), DOC);
    assert_no_temp_files(&env);
}
