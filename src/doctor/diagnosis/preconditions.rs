//! The checks on how the server treats preconditions and writes: If-Match (a made-up tag, then
//! the current one), If-None-Match, If-Unmodified-Since, the methods it allows, and the
//! opt-in write probe.

use super::{Finding, Status, WriteResult, finding, shown, strong_etag_usable, with_advice, write_result};
use crate::doctor::probe::{BOGUS_TAG, Recording, WriteProbe};

pub(super) fn if_match(rec: &Recording) -> Finding {
    let e = &rec.if_match_bogus;
    let probe = rec_has_write(rec);
    let next = if probe {
        "the write probe below tells about writes"
    } else {
        "that says nothing about writes, which are what matters: run with --write-probe to check a PUT"
    };
    match e.status {
        412 => finding(
            "if_match",
            Status::Ok,
            format!("the server evaluates If-Match: a GET with If-Match: {BOGUS_TAG} got 412"),
            None,
        ),
        s if e.is_success() => with_advice(
            "if_match",
            Status::Warn,
            format!("the server ignored If-Match on a GET: If-Match: {BOGUS_TAG} got {s}, not 412"),
            next.to_string(),
        ),
        s => with_advice(
            "if_match",
            Status::Info,
            format!("a GET with If-Match: {BOGUS_TAG} got {s}"),
            format!("cannot tell whether If-Match is evaluated; {next}"),
        ),
    }
}

fn rec_has_write(rec: &Recording) -> bool {
    matches!(rec.write, WriteProbe::Sent { .. })
}

pub(super) fn if_match_current(rec: &Recording) -> Option<Finding> {
    let e = rec.if_match_current.as_ref()?;
    let tag = rec.get.etag()?;
    if rec.if_match_bogus.status != 412 {
        return None;
    }
    let s = e.status;
    Some(match (tag.is_weak(), s) {
        (false, 412) => finding(
            "if_match_current",
            Status::Fail,
            format!("the server refuses its own current ETag: If-Match: {tag} got 412"),
            Some(
                "every ifmatch write would meet 412: the server compares If-Match with another tag than it sends (often a compression layer); until that is fixed, writes can only use If-Unmodified-Since",
            ),
        ),
        (false, _) if e.is_success() => {
            finding("if_match_current", Status::Ok, format!("If-Match with the current ETag got {s}"), None)
        }
        (true, 412) => finding(
            "if_match_current",
            Status::Info,
            format!("If-Match with the weak ETag {tag} got 412, as RFC 9110 §13.1.1 requires"),
            None,
        ),
        (true, _) if e.is_success() => finding(
            "if_match_current",
            Status::Info,
            format!("the server compares If-Match weakly: If-Match: {tag} got {s}"),
            Some(
                "--weak-etag send makes ifmatch use the weak ETag with this server; RFC 9110 says weak tags never match, so do it only if you know the server",
            ),
        ),
        _ => finding(
            "if_match_current",
            Status::Info,
            format!("If-Match with the current ETag got {s}"),
            Some("unexpected; run with -v to see the whole answer"),
        ),
    })
}

pub(super) fn if_none_match(rec: &Recording) -> Option<Finding> {
    let e = rec.if_none_match.as_ref()?;
    Some(match e.status {
        304 => finding(
            "if_none_match",
            Status::Ok,
            "If-None-Match with the current ETag got 304 Not Modified".into(),
            None,
        ),
        s => finding(
            "if_none_match",
            Status::Info,
            format!("If-None-Match with the current ETag got {s}, not 304"),
            Some("nothing to do for edits; the server just does not answer conditional GETs with 304"),
        ),
    })
}

pub(super) fn if_unmodified_since(rec: &Recording) -> Option<Finding> {
    let e = rec.if_unmodified_since.as_ref()?;
    let fallback = !strong_etag_usable(rec);
    Some(match e.status {
        412 => finding(
            "if_unmodified_since",
            Status::Ok,
            "the server evaluates If-Unmodified-Since: a GET with an earlier date got 412".into(),
            None,
        ),
        s if fallback => with_advice(
            "if_unmodified_since",
            Status::Warn,
            format!("the server ignored If-Unmodified-Since on a GET ({s} to an earlier date)"),
            if rec_has_write(rec) {
                "ifmatch's fallback relies on it; the write probe below tells about writes".into()
            } else {
                "ifmatch's fallback relies on it: run with --write-probe to check a PUT".into()
            },
        ),
        s => finding(
            "if_unmodified_since",
            Status::Info,
            format!("the server ignored If-Unmodified-Since on a GET ({s} to an earlier date)"),
            Some("nothing to do while the ETag works: ifmatch uses If-Match"),
        ),
    })
}

pub(super) fn methods(rec: &Recording) -> Finding {
    let from = |name: &str| rec.options.header(name).or_else(|| rec.get.header(name));
    let (allow, patch) = (from("allow"), from("accept-patch"));
    let patch_note = patch.as_ref().map(|p| format!("; Accept-Patch: {}", shown(p))).unwrap_or_default();
    match allow {
        Some(allow) if lists(&allow, "PUT") => {
            finding("methods", Status::Ok, format!("Allow: {}{patch_note}", shown(&allow)), None)
        }
        Some(allow) => finding(
            "methods",
            Status::Warn,
            format!("Allow: {} does not list PUT{patch_note}", shown(&allow)),
            Some("ifmatch writes with PUT, so writes to this URL may be refused (405)"),
        ),
        None => finding(
            "methods",
            Status::Info,
            format!(
                "the server does not say which methods it allows (OPTIONS answered {}, no Allow){patch_note}",
                rec.options.status
            ),
            None,
        ),
    }
}

fn lists(allow: &str, method: &str) -> bool {
    allow.split(',').any(|m| m.trim().eq_ignore_ascii_case(method))
}

pub(super) fn write_probe(rec: &Recording, conflict_statuses: &[u16]) -> Option<Finding> {
    let (header, value, response) = match &rec.write {
        WriteProbe::NotAsked => return None,
        WriteProbe::Declined => {
            return Some(finding(
                "write_probe",
                Status::Info,
                "write probe: not sent (you declined)".into(),
                Some("answer y, or add --yes, to check a PUT"),
            ));
        }
        WriteProbe::Skipped(reason) => {
            return Some(finding(
                "write_probe",
                Status::Info,
                format!("write probe: not sent: {reason}"),
                None,
            ));
        }
        WriteProbe::Sent { header, value, response } => (header, value, response),
    };
    let sent = if *header == crate::doctor::probe::VERSION_PROBE {
        format!("a PUT of the unchanged body with {header} {value}")
    } else {
        format!("a PUT of the unchanged body with {header}: {value}")
    };
    let s = response.status;
    Some(match write_result(rec, conflict_statuses) {
        WriteResult::Protected => {
            finding("write_probe", Status::Ok, format!("{sent} got {s}: writes are protected"), None)
        }
        WriteResult::Unprotected => with_advice(
            "write_probe",
            Status::Fail,
            format!(
                "{sent} got {s}: writes are NOT protected (nothing changed but the modification time: the PUT carried the body the resource already had)"
            ),
            format!(
                "ask the server's operator to enforce {header} on writes (RFC 9110 §13.1.1, §13.1.4); until then any write here can overwrite a concurrent change"
            ),
        ),
        _ => {
            with_advice("write_probe", Status::Info, format!("{sent} got {s}: cannot tell"), inconclusive(s))
        }
    })
}

fn inconclusive(status: u16) -> String {
    match status {
        409 => "this server may signal version conflicts with 409: pass --conflict-status 409".into(),
        401 | 403 => "check the credentials: -u USER[:PASS], --bearer-env VAR or --bearer-file FILE".into(),
        405 => "the server does not take PUT on this URL, so ifmatch cannot write it".into(),
        _ => "run with -v to see the whole answer".into(),
    }
}
