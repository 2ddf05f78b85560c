//! The checks on the validators themselves: is there an ETag, strong or weak, a valid
//! Last-Modified; is the ETag stable, does HEAD agree with GET, does compression change it.

use super::{Finding, Status, finding, last_modified_usable, shown, with_advice};
use crate::doctor::probe::Recording;
use crate::etag::ETag;

pub(super) fn tag_or_none(tag: Option<&ETag>) -> String {
    tag.map_or_else(|| "none".to_string(), ToString::to_string)
}

pub(super) fn etag(rec: &Recording) -> Finding {
    let raw = rec.get.header("etag");
    match (rec.get.etag(), raw) {
        (Some(tag), _) if !tag.is_weak() => {
            finding("etag", Status::Ok, format!("GET returns a strong ETag {tag}"), None)
        }
        (Some(tag), _) => finding(
            "etag",
            Status::Warn,
            format!("GET returns only a weak ETag {tag}"),
            Some(
                "If-Match never matches a weak ETag (RFC 9110 §13.1.1), so ifmatch falls back to If-Unmodified-Since; have the server (or the compressing proxy in front of it) send strong ETags",
            ),
        ),
        (None, Some(raw)) => finding(
            "etag",
            Status::Warn,
            format!("GET returns an ETag ifmatch cannot use: {}", shown(&raw)),
            Some(
                "an entity-tag is a quoted string, optionally prefixed with W/ (RFC 9110 §8.8.3); ask the server's operator to fix it",
            ),
        ),
        (None, None) => finding(
            "etag",
            if last_modified_usable(rec) { Status::Warn } else { Status::Fail },
            "GET returns no ETag".to_string(),
            Some(
                "have the server send an ETag (a hash of the content is enough); until then ifmatch can only use Last-Modified",
            ),
        ),
    }
}

pub(super) fn last_modified(rec: &Recording) -> Finding {
    let strong = rec.get.etag().is_some_and(|t| !t.is_weak());
    match rec.get.last_modified() {
        Some(value) if httpdate::parse_http_date(&value).is_err() => finding(
            "last_modified",
            Status::Warn,
            format!("Last-Modified {} is not a valid HTTP-date", shown(&value)),
            Some(
                "ifmatch cannot send it in If-Unmodified-Since; the server must send an IMF-fixdate (RFC 9110 §5.6.7)",
            ),
        ),
        Some(value) if strong => {
            finding("last_modified", Status::Info, format!("Last-Modified: {}", shown(&value)), None)
        }
        Some(value) => finding(
            "last_modified",
            Status::Warn,
            format!("Last-Modified: {} is the only validator ifmatch can use", shown(&value)),
            Some(
                "If-Unmodified-Since has one-second resolution (RFC 9110 §8.8.2): two changes within the same second go unnoticed; a strong ETag fixes that",
            ),
        ),
        None if strong => {
            finding("last_modified", Status::Info, "no Last-Modified (the ETag is enough)".to_string(), None)
        }
        None if rec.version_field.as_ref().is_some_and(|v| v.value.is_some()) => finding(
            "last_modified",
            Status::Info,
            "no Last-Modified either: no header can carry a precondition, the version in the body does (see below)"
                .to_string(),
            None,
        ),
        None => finding(
            "last_modified",
            Status::Fail,
            "no Last-Modified either".to_string(),
            Some(
                "with neither a strong ETag nor Last-Modified a write cannot carry a precondition; ifmatch refuses to write unless --force",
            ),
        ),
    }
}

pub(super) fn stability(rec: &Recording) -> Option<Finding> {
    let first = rec.get.etag()?;
    let again = &rec.get_again;
    if !again.is_success() {
        return Some(finding(
            "stability",
            Status::Info,
            format!("a second GET answered {}", again.status),
            Some("run ifmatch doctor again; the server may be overloaded"),
        ));
    }
    let second = again.etag();
    if second.as_ref() == Some(&first) {
        return Some(finding("stability", Status::Ok, "the ETag is the same on a second GET".into(), None));
    }
    let change = format!("{first}, then {}", tag_or_none(second.as_ref()));
    if again.same_body(&rec.get) {
        Some(with_advice(
            "stability",
            Status::Fail,
            format!("the ETag changed between two GETs of the same content: {change}"),
            "every write with If-Match would meet 412: the server must derive the ETag from the content or a version, not from the time or from the machine that answered (a load balancer in front of backends that disagree?)".into(),
        ))
    } else {
        Some(finding(
            "stability",
            Status::Warn,
            format!("the resource changed between two GETs: {change}"),
            Some("someone is writing to it right now; run ifmatch doctor again in a quiet moment"),
        ))
    }
}

pub(super) fn head(rec: &Recording) -> Finding {
    let head = &rec.head;
    if !head.is_success() {
        return finding(
            "head",
            Status::Info,
            format!("HEAD answered {}", head.status),
            Some("nothing to do: ifmatch fetches with GET"),
        );
    }
    let mut differences = Vec::new();
    let (get_tag, head_tag) = (rec.get.header("etag"), head.header("etag"));
    if get_tag != head_tag {
        differences.push(format!(
            "ETag {} (GET: {})",
            shown(head_tag.as_deref().unwrap_or("none")),
            shown(get_tag.as_deref().unwrap_or("none"))
        ));
    }
    let (get_lm, head_lm) = (rec.get.last_modified(), head.last_modified());
    if get_lm != head_lm {
        differences.push(format!(
            "Last-Modified {} (GET: {})",
            shown(head_lm.as_deref().unwrap_or("none")),
            shown(get_lm.as_deref().unwrap_or("none"))
        ));
    }
    if differences.is_empty() {
        return finding("head", Status::Ok, "HEAD returns the same validators as GET".into(), None);
    }
    finding(
        "head",
        Status::Warn,
        format!("HEAD disagrees with GET: {}", differences.join(", ")),
        Some(
            "ifmatch uses GET, so edits are not affected; tools that check with HEAD are misled: tell the server's operator",
        ),
    )
}

pub(super) fn compression(rec: &Recording) -> Option<Finding> {
    let gzip = &rec.gzip;
    if !gzip.is_success() {
        return Some(finding(
            "compression",
            Status::Info,
            format!("a GET with Accept-Encoding: gzip answered {}", gzip.status),
            Some("nothing to do: ifmatch asks for identity"),
        ));
    }
    let encoded = gzip.header("content-encoding").filter(|c| !c.eq_ignore_ascii_case("identity"));
    let (plain, zipped) = (rec.get.etag(), gzip.etag());
    let finding = match (&plain, &zipped) {
        (None, None) => return None,
        (Some(p), Some(z)) if p == z => match &encoded {
            None => {
                finding("compression", Status::Ok, "asking for gzip changes nothing (same ETag)".into(), None)
            }
            Some(coding) => finding(
                "compression",
                Status::Info,
                format!("the {} response carries the same ETag as the identity one", shown(coding)),
                Some(
                    "nothing to do for ifmatch, which asks for identity; strictly, a strong ETag should differ per content coding (RFC 9110 §8.8.1)",
                ),
            ),
        },
        (Some(p), Some(z)) if !p.is_weak() && z.is_weak() => finding(
            "compression",
            Status::Warn,
            format!("with Accept-Encoding: gzip the ETag turns weak: {p} becomes {z}"),
            Some(
                "a compressing proxy weakens ETags (nginx does this); ifmatch asks for identity so edits work, but clients that accept gzip cannot use If-Match: keep strong ETags or skip compression for this resource",
            ),
        ),
        (Some(p), Some(z)) => finding(
            "compression",
            Status::Warn,
            format!("with Accept-Encoding: gzip the ETag is {z} instead of {p}"),
            Some(
                "fine for ifmatch, which asks for identity; some servers (Apache mod_deflate) then refuse If-Match with the compressed tag, so clients that accept gzip may meet 412 on every write",
            ),
        ),
        (Some(p), None) => finding(
            "compression",
            Status::Warn,
            format!("with Accept-Encoding: gzip the ETag {p} disappears"),
            Some(
                "ifmatch asks for identity, so edits work; clients that accept gzip get no validator: have the compressing layer keep the ETag",
            ),
        ),
        (None, Some(z)) => finding(
            "compression",
            Status::Info,
            format!("only the gzip response carries an ETag ({z})"),
            Some(
                "ifmatch asks for identity and gets none: have the server send the ETag on every representation",
            ),
        ),
    };
    Some(finding)
}

/// Which mechanism ifmatch would protect writes with, in the order it chooses them: a strong
/// ETag in If-Match, Last-Modified in If-Unmodified-Since, a version kept in the body (sent
/// besides a header validator when there is one), or none.
pub(super) fn mechanism(rec: &Recording) -> Finding {
    let header = if super::strong_etag_usable(rec) {
        Some("If-Match with the strong ETag")
    } else if last_modified_usable(rec) {
        Some("If-Unmodified-Since with Last-Modified (one-second resolution)")
    } else {
        None
    };
    let body = rec.version_field.as_ref().map(|v| match &v.value {
        Some(value) => format!("the version in the body at {} (now {})", v.pointer, shown(value)),
        None => format!("the version in the body at {} (absent from this body)", v.pointer),
    });
    let usable_body = rec.version_field.as_ref().is_some_and(|v| v.value.is_some());
    match (header, body) {
        (Some(header), Some(body)) if usable_body => {
            finding("mechanism", Status::Ok, format!("writes carry {header}, and {body}"), None)
        }
        (Some(header), _) => finding("mechanism", Status::Ok, format!("writes carry {header}"), None),
        (None, Some(body)) if usable_body => finding(
            "mechanism",
            Status::Ok,
            format!(
                "no header validator; writes carry {body}: a server that checks it refuses a stale one with 409 or 412, which goes through the merge"
            ),
            None,
        ),
        (None, Some(body)) => finding(
            "mechanism",
            Status::Fail,
            format!("no header validator, and {body}"),
            Some("fetch a representation that carries the version, or name the field with --version-field"),
        ),
        (None, None) => finding(
            "mechanism",
            Status::Fail,
            "no mechanism: no strong ETag, no Last-Modified, no version field in the body".to_string(),
            Some(
                "if the API keeps the version in the JSON body, name it with --version-field POINTER (e.g. /metadata/resourceVersion)",
            ),
        ),
    }
}
