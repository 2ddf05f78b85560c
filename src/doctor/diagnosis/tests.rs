//! The doctor's judgement on made-up recordings: one well-behaved server, then one quirk at a
//! time, checking the finding it produces and the verdict it leads to.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::*;
use crate::doctor::probe::{Exchange, Recording, WriteProbe};

const BODY: &[u8] = b"{\"a\": 1}\n";
const TAG: &str = "\"v1\"";
const DATE: &str = "Tue, 14 Nov 2023 22:13:21 GMT";

fn exchange(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Exchange {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).expect("a valid test header name"),
            HeaderValue::from_str(value).expect("a valid test header value"),
        );
    }
    Exchange::new(status, map, body)
}

fn ok_with(etag: Option<&str>, last_modified: Option<&str>) -> Exchange {
    let mut headers = vec![("cache-control", "no-cache"), ("content-type", "application/json")];
    if let Some(tag) = etag {
        headers.push(("etag", tag));
    }
    if let Some(date) = last_modified {
        headers.push(("last-modified", date));
    }
    exchange(200, &headers, BODY)
}

/// A server that does everything right (what `ifmatch serve` does).
fn healthy() -> Recording {
    let get = ok_with(Some(TAG), Some(DATE));
    Recording {
        get: get.clone(),
        get_again: get.clone(),
        head: exchange(200, &[("etag", TAG), ("last-modified", DATE)], b""),
        gzip: get.clone(),
        cached: get,
        if_match_bogus: exchange(412, &[("etag", TAG)], b""),
        if_match_current: Some(ok_with(Some(TAG), Some(DATE))),
        if_none_match: Some(exchange(304, &[("etag", TAG)], b"")),
        if_unmodified_since: Some(exchange(412, &[], b"")),
        options: exchange(
            204,
            &[("allow", "GET, HEAD, PUT, PATCH"), ("accept-patch", "application/merge-patch+json")],
            b"",
        ),
        version_field: None,
        busted: None,
        bust_param: Some("_ifmatch_fresh".to_string()),
        write: WriteProbe::NotAsked,
    }
}

/// A server with only weak ETags, like `ifmatch serve --weak-etags`.
fn weak() -> Recording {
    let tag = "W/\"v1\"";
    let get = ok_with(Some(tag), Some(DATE));
    Recording {
        get: get.clone(),
        get_again: get.clone(),
        head: exchange(200, &[("etag", tag), ("last-modified", DATE)], b""),
        gzip: get.clone(),
        cached: get,
        if_match_current: Some(exchange(412, &[], b"")),
        ..healthy()
    }
}

fn find<'a>(d: &'a Diagnosis, check: &str) -> &'a Finding {
    d.findings.iter().find(|f| f.check == check).unwrap_or_else(|| panic!("no {check} finding in {d:#?}"))
}

fn status(d: &Diagnosis, check: &str) -> Status {
    find(d, check).status
}

fn sent(status: u16, header: &'static str) -> WriteProbe {
    WriteProbe::Sent { header, value: "\"ifmatch-probe-1\"".into(), response: exchange(status, &[], b"") }
}

#[test]
fn a_healthy_server_is_safe_and_every_finding_is_ok() {
    let d = diagnose(&healthy(), &[]);
    assert_eq!(d.verdict, Verdict::ReadsOnly);
    for f in &d.findings {
        assert!(matches!(f.status, Status::Ok | Status::Info), "{f:?}");
        if f.status == Status::Ok {
            assert_eq!(f.advice, None, "{f:?}");
        }
    }
    assert!(find(&d, "etag").message.contains("strong ETag \"v1\""));
    assert!(find(&d, "methods").message.contains("Accept-Patch: application/merge-patch+json"));
    assert!(d.findings.iter().all(|f| f.check != "write_probe"));
    // A 412 to a GET shows that reads are protected, never that writes are.
    assert!(d.summary().contains("writes not verified") && d.summary().contains("--write-probe"));
    assert!(!d.render("u").contains("safe"), "{}", d.render("u"));

    let mut probed = healthy();
    probed.write = sent(412, "If-Match");
    assert_eq!(diagnose(&probed, &[]).verdict, Verdict::Safe);
    probed.write = sent(405, "If-Match");
    let d = diagnose(&probed, &[]);
    assert_eq!(d.verdict, Verdict::ReadsOnly);
    assert!(d.summary().contains("decides nothing"), "{}", d.summary());
}

#[test]
fn weak_etags_fall_back_to_if_unmodified_since() {
    let d = diagnose(&weak(), &[]);
    assert_eq!(d.verdict, Verdict::ReadsOnly);
    assert_eq!(status(&d, "etag"), Status::Warn);
    assert!(find(&d, "etag").advice.as_deref().unwrap().contains("§13.1.1"));
    assert_eq!(status(&d, "last_modified"), Status::Warn);
    assert!(find(&d, "if_match_current").message.contains("as RFC 9110 §13.1.1 requires"));

    let mut ignores_date = weak();
    ignores_date.if_unmodified_since = Some(ok_with(Some("W/\"v1\""), Some(DATE)));
    let d = diagnose(&ignores_date, &[]);
    assert_eq!(d.verdict, Verdict::Unverified);
    assert_eq!(status(&d, "if_unmodified_since"), Status::Warn);

    ignores_date.write = sent(412, "If-Unmodified-Since");
    assert_eq!(diagnose(&ignores_date, &[]).verdict, Verdict::IfUnmodifiedSinceOnly);
}

#[test]
fn a_weak_tag_accepted_in_if_match_suggests_weak_etag_send() {
    let mut rec = weak();
    rec.if_match_current = Some(ok_with(Some("W/\"v1\""), Some(DATE)));
    let d = diagnose(&rec, &[]);
    assert!(find(&d, "if_match_current").advice.as_deref().unwrap().contains("--weak-etag send"));
}

#[test]
fn no_validators_at_all_cannot_be_protected() {
    let mut rec = healthy();
    let bare = ok_with(None, None);
    rec.get = bare.clone();
    rec.get_again = bare.clone();
    rec.head = exchange(200, &[], b"");
    rec.gzip = bare.clone();
    rec.cached = bare;
    rec.if_match_current = None;
    rec.if_none_match = None;
    rec.if_unmodified_since = None;
    let d = diagnose(&rec, &[]);
    assert_eq!(d.verdict, Verdict::Unprotected);
    assert_eq!(status(&d, "etag"), Status::Fail);
    assert_eq!(status(&d, "last_modified"), Status::Fail);
    assert!(d.findings.iter().all(|f| f.check != "stability" && f.check != "compression"));
}

#[test]
fn last_modified_only_is_usable_when_evaluated() {
    let mut rec = healthy();
    let dated = ok_with(None, Some(DATE));
    rec.get = dated.clone();
    rec.get_again = dated.clone();
    rec.head = exchange(200, &[("last-modified", DATE)], b"");
    rec.gzip = dated.clone();
    rec.cached = dated;
    rec.if_match_current = None;
    rec.if_none_match = None;
    let d = diagnose(&rec, &[]);
    assert_eq!(d.verdict, Verdict::ReadsOnly);
    assert_eq!(status(&d, "etag"), Status::Warn);

    let mut bad_date = rec.clone();
    bad_date.get = ok_with(None, Some("yesterday"));
    let d = diagnose(&bad_date, &[]);
    assert_eq!(d.verdict, Verdict::Unprotected);
    assert!(find(&d, "last_modified").message.contains("not a valid HTTP-date"));
}

#[test]
fn if_match_ignored_on_get_is_unverified_until_a_write_probe() {
    let mut rec = healthy();
    rec.if_match_bogus = ok_with(Some(TAG), Some(DATE));
    let d = diagnose(&rec, &[]);
    assert_eq!(d.verdict, Verdict::Unverified);
    assert_eq!(status(&d, "if_match"), Status::Warn);
    assert!(find(&d, "if_match").advice.as_deref().unwrap().contains("--write-probe"));
    assert!(d.findings.iter().all(|f| f.check != "if_match_current"), "meaningless when If-Match is ignored");

    rec.write = sent(412, "If-Match");
    let d = diagnose(&rec, &[]);
    assert_eq!(d.verdict, Verdict::Safe);
    assert_eq!(status(&d, "write_probe"), Status::Ok);
    assert!(find(&d, "if_match").advice.as_deref().unwrap().contains("write probe below"));
}

#[test]
fn a_write_accepted_despite_a_failing_precondition_is_unprotected() {
    let mut rec = healthy();
    rec.write = sent(204, "If-Match");
    let d = diagnose(&rec, &[]);
    assert_eq!(d.verdict, Verdict::Unprotected);
    let f = find(&d, "write_probe");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("NOT protected") && f.message.contains("modification time"), "{f:?}");
}

#[test]
fn write_probe_statuses_other_than_412_and_2xx_decide_nothing() {
    let mut rec = healthy();
    rec.if_match_bogus = ok_with(Some(TAG), Some(DATE));
    rec.write = sent(409, "If-Match");
    let d = diagnose(&rec, &[]);
    assert_eq!(d.verdict, Verdict::Unverified);
    assert!(find(&d, "write_probe").advice.as_deref().unwrap().contains("--conflict-status 409"));
    assert_eq!(diagnose(&rec, &[409]).verdict, Verdict::Safe);

    rec.write = sent(405, "If-Match");
    let d = diagnose(&rec, &[]);
    assert_eq!(d.verdict, Verdict::Unverified);
    assert!(
        !d.summary().contains("--write-probe"),
        "a probe that ran is not suggested again: {}",
        d.summary()
    );
    assert!(d.render("u").contains("decides nothing"));
    rec.write = WriteProbe::Declined;
    assert!(find(&diagnose(&rec, &[]), "write_probe").message.contains("declined"));
    rec.write = WriteProbe::Skipped("the body came gzip-encoded".into());
    assert!(find(&diagnose(&rec, &[]), "write_probe").message.contains("gzip-encoded"));
}

#[test]
fn an_etag_that_changes_on_the_same_body_is_useless() {
    let mut rec = healthy();
    rec.get_again = ok_with(Some("\"v2\""), Some(DATE));
    let d = diagnose(&rec, &[]);
    assert_eq!(status(&d, "stability"), Status::Fail);
    // Last-Modified and a 412 to an earlier If-Unmodified-Since remain.
    assert_eq!(d.verdict, Verdict::ReadsOnly);

    // A different body means someone wrote in between: a warning, not a verdict.
    rec.get_again = exchange(200, &[("etag", "\"v2\"")], b"{\"a\": 2}\n");
    let d = diagnose(&rec, &[]);
    assert_eq!(status(&d, "stability"), Status::Warn);
    assert_eq!(d.verdict, Verdict::ReadsOnly);
}

#[test]
fn a_server_that_refuses_its_own_etag_is_not_safe() {
    let mut rec = healthy();
    rec.if_match_current = Some(exchange(412, &[], b""));
    let d = diagnose(&rec, &[]);
    assert_eq!(status(&d, "if_match_current"), Status::Fail);
    assert_eq!(d.verdict, Verdict::ReadsOnly);
}

#[test]
fn compression_that_weakens_or_changes_the_etag_is_a_warning() {
    let mut rec = healthy();
    rec.gzip = exchange(200, &[("etag", "W/\"v1\""), ("content-encoding", "gzip")], b"\x1f\x8b");
    let d = diagnose(&rec, &[]);
    let f = find(&d, "compression");
    assert_eq!(f.status, Status::Warn);
    assert!(f.message.contains("turns weak: \"v1\" becomes W/\"v1\""), "{f:?}");
    assert_eq!(d.verdict, Verdict::ReadsOnly, "ifmatch asks for identity");

    rec.gzip = exchange(200, &[("etag", "\"v1-gzip\""), ("content-encoding", "gzip")], b"\x1f\x8b");
    assert!(find(&diagnose(&rec, &[]), "compression").message.contains("\"v1-gzip\" instead of \"v1\""));
    rec.gzip = exchange(200, &[("content-encoding", "gzip")], b"\x1f\x8b");
    assert!(find(&diagnose(&rec, &[]), "compression").message.contains("disappears"));
    rec.gzip = exchange(200, &[("etag", TAG), ("content-encoding", "gzip")], b"\x1f\x8b");
    assert_eq!(status(&diagnose(&rec, &[]), "compression"), Status::Info);
}

#[test]
fn a_caching_proxy_with_stale_validators_is_reported() {
    let mut rec = healthy();
    rec.cached = exchange(
        200,
        &[
            ("etag", "\"v0\""),
            ("cache-control", "public, max-age=600"),
            ("age", "42"),
            ("via", "1.1 cache"),
            ("x-cache", "HIT"),
        ],
        b"old",
    );
    let d = diagnose(&rec, &[]);
    let cache = find(&d, "cache");
    assert_eq!(cache.status, Status::Warn);
    for part in ["Cache-Control: public, max-age=600", "Age: 42", "Via: 1.1 cache", "X-Cache: HIT"] {
        assert!(cache.message.contains(part), "{part} missing in {cache:?}");
    }
    let stale = find(&d, "no_cache");
    assert_eq!(stale.status, Status::Warn);
    assert!(stale.message.contains("the ETag is \"v0\", with it \"v1\""), "{stale:?}");
    assert_eq!(d.verdict, Verdict::ReadsOnly, "ifmatch always sends no-cache");
}

#[test]
fn cache_control_that_forbids_shared_reuse_is_no_sign_of_a_cache() {
    for cc in ["no-cache", "private, max-age=600", "max-age=0", "no-store"] {
        let mut rec = healthy();
        rec.cached = exchange(200, &[("etag", TAG), ("last-modified", DATE), ("cache-control", cc)], BODY);
        assert_eq!(status(&diagnose(&rec, &[]), "cache"), Status::Ok, "{cc}");
    }
    let mut rec = healthy();
    rec.cached =
        exchange(200, &[("etag", TAG), ("last-modified", DATE), ("cache-control", "s-maxage=60")], BODY);
    assert_eq!(status(&diagnose(&rec, &[]), "cache"), Status::Warn);
}

#[test]
fn head_that_disagrees_and_methods_without_put() {
    let mut rec = healthy();
    rec.head = exchange(200, &[("etag", "\"other\"")], b"");
    rec.options = exchange(405, &[("allow", "GET, HEAD")], b"");
    let d = diagnose(&rec, &[]);
    let head = find(&d, "head");
    assert_eq!(head.status, Status::Warn);
    assert!(head.message.contains("ETag \"other\" (GET: \"v1\")"), "{head:?}");
    assert!(head.message.contains("Last-Modified none"), "{head:?}");
    assert_eq!(status(&d, "methods"), Status::Warn);

    rec.options = exchange(501, &[], b"");
    rec.get = ok_with(Some(TAG), Some(DATE));
    assert_eq!(status(&diagnose(&rec, &[]), "methods"), Status::Info);
}

#[test]
fn server_text_never_reaches_the_terminal_raw() {
    let mut rec = healthy();
    let mut headers = HeaderMap::new();
    headers.insert("allow", HeaderValue::from_bytes("GET, PUT \u{202e}".as_bytes()).unwrap());
    rec.options = Exchange::new(204, headers, b"");
    // Only visible ASCII is read from headers (as in http.rs); anything else counts as absent.
    let msg = find(&diagnose(&rec, &[]), "methods").message.clone();
    assert!(!msg.contains('\u{202e}'), "{msg:?}");
}

#[test]
fn report_and_json_have_the_documented_shape() {
    let mut rec = weak();
    rec.write = sent(412, "If-Unmodified-Since");
    let d = diagnose(&rec, &[]);
    let text = d.render("http://h/x");
    assert!(text.starts_with("ifmatch doctor http://h/x\n\n"), "{text}");
    assert!(text.contains("! GET returns only a weak ETag W/\"v1\"\n    → If-Match never matches"), "{text}");
    assert!(text.contains("✓ a PUT of the unchanged body"), "{text}");
    assert!(text.contains("\nVerdict: usable with If-Unmodified-Since only\n"), "{text}");

    let url = url::Url::parse("http://h/x").unwrap();
    let json = serde_json::to_value(crate::report::DoctorReport::new(&url, &d, &rec, None)).unwrap();
    assert_eq!(json["command"], "doctor");
    assert_eq!(json["url"], "http://h/x");
    assert_eq!(json["outcome"], "diagnosed");
    assert_eq!(json["status"], 200);
    assert!(json["etag_before"].is_null());
    assert_eq!(json["verdict"], "if_unmodified_since_only");
    assert_eq!(json["summary"], "usable with If-Unmodified-Since only");
    assert_eq!(json["etag"], "W/\"v1\"");
    assert_eq!(json["last_modified"], DATE);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), d.findings.len());
    assert_eq!(findings[0]["check"], "etag");
    assert_eq!(findings[0]["status"], "warn");
    assert!(findings[0]["advice"].is_string());
    let ok = findings.iter().find(|f| f["status"] == "ok").unwrap();
    assert!(ok["advice"].is_null());
}

/// No header validator at all, the version in the body at `/_rev`.
fn version_in_body() -> Recording {
    let get = ok_with(None, None);
    Recording {
        get: get.clone(),
        get_again: get.clone(),
        head: exchange(200, &[], b""),
        gzip: get.clone(),
        cached: get,
        if_match_bogus: exchange(200, &[], BODY),
        if_match_current: None,
        if_none_match: None,
        if_unmodified_since: None,
        version_field: Some(crate::doctor::probe::BodyVersion {
            pointer: "/_rev".into(),
            value: Some("1-abc".into()),
        }),
        ..healthy()
    }
}

fn version_probe(status: u16) -> WriteProbe {
    WriteProbe::Sent {
        header: crate::doctor::probe::VERSION_PROBE,
        value: "/_rev (1-000)".into(),
        response: exchange(status, &[], b""),
    }
}

#[test]
fn a_version_in_the_body_is_the_mechanism_and_the_write_probe_decides() {
    let rec = version_in_body();
    let d = diagnose(&rec, &[]);
    assert_eq!(d.verdict, Verdict::Unverified);
    let mechanism = find(&d, "mechanism");
    assert_eq!(mechanism.status, Status::Ok);
    assert!(mechanism.message.contains("/_rev (now 1-abc)"), "{}", mechanism.message);

    for (status, verdict) in [
        (409, Verdict::VersionField),
        (412, Verdict::VersionField),
        (201, Verdict::Unprotected),
        (400, Verdict::Unverified),
    ] {
        let rec = Recording { write: version_probe(status), ..version_in_body() };
        assert_eq!(diagnose(&rec, &[]).verdict, verdict, "{status}");
    }
    let d = diagnose(&Recording { write: version_probe(409), ..version_in_body() }, &[]);
    assert!(find(&d, "write_probe").message.contains("a made-up version at /_rev"), "{d:#?}");

    // Without the version in this body, nothing protects writes.
    let absent = Recording {
        version_field: Some(crate::doctor::probe::BodyVersion { pointer: "/_rev".into(), value: None }),
        ..version_in_body()
    };
    let d = diagnose(&absent, &[]);
    assert_eq!(d.verdict, Verdict::Unprotected);
    assert_eq!(status(&d, "mechanism"), Status::Fail);
    let none = Recording { version_field: None, ..version_in_body() };
    assert!(find(&diagnose(&none, &[]), "mechanism").message.starts_with("no mechanism"));
}

#[test]
fn a_header_validator_and_a_version_field_are_both_named() {
    let rec = Recording {
        version_field: Some(crate::doctor::probe::BodyVersion {
            pointer: "/etag".into(),
            value: Some("BwX".into()),
        }),
        ..healthy()
    };
    let m = find(&diagnose(&rec, &[]), "mechanism").message.clone();
    assert!(m.contains("If-Match with the strong ETag") && m.contains("/etag"), "{m}");
}

#[test]
fn a_cache_that_answers_no_cache_gets_from_storage_is_named() {
    let mut rec = healthy();
    let hit = |age: &'static str| {
        exchange(200, &[("etag", TAG), ("last-modified", DATE), ("age", age), ("via", "1.1 varnish")], BODY)
    };
    rec.get = hit("3");
    rec.get_again = hit("5");
    rec.busted = Some((
        "?_ifmatch_fresh=1".to_string(),
        exchange(200, &[("etag", "\"v2\""), ("via", "1.1 varnish")], b"{\"a\": 2}\n"),
    ));
    let d = diagnose(&rec, &[]);
    let f = find(&d, "no_cache_honored");
    assert_eq!(f.status, Status::Warn);
    for part in [
        "this cache ignores Cache-Control: no-cache: both GETs with no-cache were answered from its storage (Age: 3, Via: 1.1 varnish; then Age: 5, Via: 1.1 varnish)",
        "Age did not reset (3 s, then 5 s)",
        "a GET past it (?_ifmatch_fresh=1) sees another version (ETag \"v2\", not \"v1\")",
    ] {
        assert!(f.message.contains(part), "{part} missing in {f:?}");
    }
    let advice = f.advice.as_deref().unwrap();
    assert!(
        advice.contains("after a 412, ifmatch fetches a fresh copy past it with ?_ifmatch_fresh=<random>"),
        "{advice}"
    );
    assert!(advice.contains("return (pass)"), "{advice}");

    rec.bust_param = None;
    rec.busted = None;
    let d = diagnose(&rec, &[]);
    let advice = find(&d, "no_cache_honored").advice.clone().unwrap();
    assert!(advice.starts_with("with --no-cache-bust ifmatch cannot get past it"), "{advice}");
}

#[test]
fn a_proxy_that_passes_no_cache_on_is_fine_and_no_proxy_no_finding() {
    assert!(diagnose(&healthy(), &[]).findings.iter().all(|f| f.check != "no_cache_honored"));
    let mut rec = healthy();
    let via =
        exchange(200, &[("etag", TAG), ("last-modified", DATE), ("age", "0"), ("via", "1.1 varnish")], BODY);
    rec.get = via.clone();
    rec.get_again = via;
    assert_eq!(status(&diagnose(&rec, &[]), "no_cache_honored"), Status::Ok);
}
