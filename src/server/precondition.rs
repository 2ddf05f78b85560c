//! Conditional requests as the server reads them: the four precondition fields (RFC 9110
//! §13.1) and their evaluation in the order of §13.2.2. Everything here is pure — no I/O, no locks — so the whole decision table
//! is unit-tested below; the caller supplies the resource's current validators and acts on the
//! [`Outcome`]. Which requests get evaluated at all (§13.2.1) is the handler's business.

use std::time::{SystemTime, UNIX_EPOCH};

use hyper::HeaderMap;
use hyper::header::{HeaderName, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_UNMODIFIED_SINCE};

use super::entity_tag::{EntityTag, TagList, parse_tag_list};
use super::log::escape;

/// The precondition fields of one request, parsed. Invalid dates are dropped here, because
/// §13.1.3 and §13.1.4 say to ignore them; malformed tag lists are an error (400).
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    /// `If-Match`, with its value as sent (for messages).
    pub if_match: Option<(TagList, String)>,
    /// `If-None-Match`, with its value as sent.
    pub if_none_match: Option<(TagList, String)>,
    /// `If-Unmodified-Since`, when present and a single valid HTTP-date.
    pub if_unmodified_since: Option<(SystemTime, String)>,
    /// `If-Modified-Since`, when present and a single valid HTTP-date.
    pub if_modified_since: Option<(SystemTime, String)>,
    /// `If-Unmodified-Since` was sent but is not a valid date, so it is ignored.
    pub invalid_unmodified_since: bool,
}

impl Conditions {
    /// Reads the four fields; several lines of a tag-list field are joined with commas.
    pub fn from_headers(headers: &HeaderMap) -> Result<Conditions, String> {
        let tags = |name: &HeaderName| -> Result<Option<(TagList, String)>, String> {
            let Some(joined) = joined(headers, name) else {
                return Ok(None);
            };
            let list = parse_tag_list(&joined).map_err(|e| format!("{}: {e}", canonical(name)))?;
            Ok(Some((list, escape(&joined))))
        };
        let date = |name: &HeaderName| -> (Option<(SystemTime, String)>, bool) {
            let mut values = headers.get_all(name).iter();
            let (Some(first), None) = (values.next(), values.next()) else {
                // Absent, or several lines: a list of dates is invalid (§13.1.3).
                return (None, headers.contains_key(name));
            };
            let text = escape(first.as_bytes());
            match first.to_str().ok().map(httpdate::parse_http_date) {
                Some(Ok(time)) => (Some((time, text)), false),
                _ => (None, true),
            }
        };
        let (if_unmodified_since, invalid_unmodified_since) = date(&IF_UNMODIFIED_SINCE);
        Ok(Conditions {
            if_match: tags(&IF_MATCH)?,
            if_none_match: tags(&IF_NONE_MATCH)?,
            if_unmodified_since,
            if_modified_since: date(&IF_MODIFIED_SINCE).0,
            invalid_unmodified_since,
        })
    }

    /// Whether a write carries a precondition that protects against lost updates, for the
    /// 428 check (RFC 6585 §3): `If-Match`, a valid `If-Unmodified-Since`, or the
    /// create-only `If-None-Match: *`.
    pub fn guards_write(&self) -> bool {
        self.if_match.is_some()
            || self.if_unmodified_since.is_some()
            || matches!(self.if_none_match, Some((TagList::Any, _)))
    }
}

/// The current state of the target resource, or `None` for "no current representation".
#[derive(Debug, Clone, Copy)]
pub struct Current<'a> {
    /// The ETag the server would send for it now.
    pub etag: &'a EntityTag,
    /// Its Last-Modified, if it has one.
    pub modified: Option<SystemTime>,
}

/// Which field made a request fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(clippy::enum_variant_names, reason = "the variants are named after the header fields")]
pub enum Field {
    /// `If-Match`
    IfMatch,
    /// `If-None-Match`
    IfNoneMatch,
    /// `If-Unmodified-Since`
    IfUnmodifiedSince,
}

impl Field {
    /// The header name as written in RFC 9110.
    pub fn name(self) -> &'static str {
        match self {
            Field::IfMatch => "If-Match",
            Field::IfNoneMatch => "If-None-Match",
            Field::IfUnmodifiedSince => "If-Unmodified-Since",
        }
    }
}

/// What to do with the request after §13.2.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Perform the method.
    Proceed,
    /// Answer 304 Not Modified (GET/HEAD only).
    NotModified,
    /// Answer 412 Precondition Failed, naming the field and why.
    Failed {
        /// The field that evaluated false.
        field: Field,
        /// A sentence for the problem+json `detail`.
        detail: String,
    },
}

/// Evaluates the preconditions in the order of RFC 9110 §13.2.2 (steps 1–4; Range is not
/// supported, so step 5 does not apply). `safe` is true for GET and HEAD.
pub fn evaluate(cond: &Conditions, safe: bool, current: Option<Current<'_>>) -> Outcome {
    // Step 1: If-Match, strong comparison (§13.1.1).
    if let Some((list, sent)) = &cond.if_match {
        let ok = match (list, current) {
            (TagList::Any, cur) => cur.is_some(),
            (TagList::Tags(tags), Some(cur)) => tags.iter().any(|t| t.strong_eq(cur.etag)),
            (TagList::Tags(_), None) => false,
        };
        if !ok {
            return Outcome::Failed { field: Field::IfMatch, detail: if_match_detail(list, sent, current) };
        }
    } else if let Some((date, sent)) = &cond.if_unmodified_since {
        // Step 2: If-Unmodified-Since, only without If-Match (§13.1.4), and ignored when the
        // resource has no modification date — which includes a resource that does not exist
        // (a client that must not recreate a deleted resource sends If-Match instead).
        match current {
            Some(Current { modified: Some(m), .. }) if secs(m) > secs(*date) => {
                let detail =
                    format!("the resource was modified at {}, after If-Unmodified-Since {sent}", show(m));
                return Outcome::Failed { field: Field::IfUnmodifiedSince, detail };
            }
            _ => {}
        }
    }
    // Step 3: If-None-Match, weak comparison (§13.1.2).
    if let Some((list, sent)) = &cond.if_none_match {
        let matched = match (list, current) {
            (_, None) => false,
            (TagList::Any, Some(_)) => true,
            (TagList::Tags(tags), Some(cur)) => tags.iter().any(|t| t.weak_eq(cur.etag)),
        };
        if matched {
            if safe {
                return Outcome::NotModified;
            }
            let detail = match (list, current) {
                (TagList::Any, Some(cur)) => format!(
                    "If-None-Match: * allows only creating the resource, and it already exists with ETag {}",
                    cur.etag
                ),
                (_, Some(cur)) => {
                    format!("If-None-Match {sent} matches the current ETag {}", cur.etag)
                }
                (_, None) => format!("If-None-Match {sent} matched"),
            };
            return Outcome::Failed { field: Field::IfNoneMatch, detail };
        }
    } else if let (true, Some((date, _)), Some(Current { modified: Some(m), .. })) =
        (safe, &cond.if_modified_since, current)
    {
        // Step 4: If-Modified-Since, GET/HEAD only, only without If-None-Match (§13.1.3).
        if secs(m) <= secs(*date) {
            return Outcome::NotModified;
        }
    }
    Outcome::Proceed
}

fn if_match_detail(list: &TagList, sent: &str, current: Option<Current<'_>>) -> String {
    let Some(cur) = current else {
        return match list {
            TagList::Any => "If-Match: * requires the resource to exist, and it does not".to_string(),
            TagList::Tags(_) => {
                format!("If-Match {sent} cannot match: the resource does not exist")
            }
        };
    };
    let mut detail = format!("If-Match {sent} does not match the current ETag {}", cur.etag);
    if let TagList::Tags(tags) = list
        && (cur.etag.weak || tags.iter().any(|t| t.weak && t.weak_eq(cur.etag)))
    {
        detail.push_str(
            "; If-Match uses the strong comparison, so a weak entity-tag (W/) never matches (RFC 9110 §13.1.1)",
        );
    }
    detail
}

/// `t` as an HTTP-date, for messages; `httpdate` panics outside 1970–9999, which the server's
/// validators never are, but this module does not rely on its caller for that.
fn show(t: SystemTime) -> String {
    let max = UNIX_EPOCH + std::time::Duration::from_secs(253_402_300_799);
    if t < UNIX_EPOCH || t > max {
        return format!("{t:?}");
    }
    httpdate::fmt_http_date(t)
}

/// Seconds since the epoch: HTTP-dates have one-second resolution (§5.6.7), so file times are
/// truncated before comparing, or a sub-second mtime would always look "newer".
fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn joined(headers: &HeaderMap, name: &HeaderName) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    for value in headers.get_all(name) {
        let buf = out.get_or_insert_with(Vec::new);
        if !buf.is_empty() {
            buf.extend_from_slice(b", ");
        }
        buf.extend_from_slice(value.as_bytes());
    }
    out
}

fn canonical(name: &HeaderName) -> &'static str {
    if name == IF_MATCH { "If-Match" } else { "If-None-Match" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn strong(s: &str) -> EntityTag {
        EntityTag { weak: false, opaque: s.as_bytes().to_vec() }
    }
    fn weak(s: &str) -> EntityTag {
        EntityTag { weak: true, opaque: s.as_bytes().to_vec() }
    }
    fn at(s: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(s)
    }
    fn cond(pairs: &[(&str, &str)]) -> Conditions {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        Conditions::from_headers(&h).unwrap()
    }
    fn date(s: u64) -> String {
        httpdate::fmt_http_date(at(s))
    }
    fn failed(o: &Outcome) -> Option<Field> {
        match o {
            Outcome::Failed { field, .. } => Some(*field),
            _ => None,
        }
    }

    #[test]
    fn if_match_uses_strong_comparison() {
        let cur = strong("abc");
        let c = Some(Current { etag: &cur, modified: Some(at(100)) });
        assert_eq!(evaluate(&cond(&[("if-match", "\"abc\"")]), false, c), Outcome::Proceed);
        assert_eq!(evaluate(&cond(&[("if-match", "\"x\", \"abc\"")]), false, c), Outcome::Proceed);
        assert_eq!(evaluate(&cond(&[("if-match", "*")]), false, c), Outcome::Proceed);
        let o = evaluate(&cond(&[("if-match", "\"old\"")]), false, c);
        assert_eq!(
            o,
            Outcome::Failed {
                field: Field::IfMatch,
                detail: "If-Match \"old\" does not match the current ETag \"abc\"".into()
            }
        );
        // A weak tag never matches, not even itself.
        assert_eq!(failed(&evaluate(&cond(&[("if-match", "W/\"abc\"")]), false, c)), Some(Field::IfMatch));
        let wcur = weak("abc");
        let wc = Some(Current { etag: &wcur, modified: None });
        assert_eq!(failed(&evaluate(&cond(&[("if-match", "W/\"abc\"")]), false, wc)), Some(Field::IfMatch));
        assert_eq!(failed(&evaluate(&cond(&[("if-match", "\"abc\"")]), false, wc)), Some(Field::IfMatch));
        assert_eq!(evaluate(&cond(&[("if-match", "*")]), false, wc), Outcome::Proceed);
        // If-Match also applies to GET.
        assert_eq!(failed(&evaluate(&cond(&[("if-match", "\"old\"")]), true, c)), Some(Field::IfMatch));
    }

    #[test]
    fn if_match_on_missing_resource_fails() {
        assert_eq!(failed(&evaluate(&cond(&[("if-match", "*")]), false, None)), Some(Field::IfMatch));
        assert_eq!(failed(&evaluate(&cond(&[("if-match", "\"a\"")]), false, None)), Some(Field::IfMatch));
    }

    #[test]
    fn if_unmodified_since_is_second_resolution_and_ignored_under_if_match() {
        let cur = strong("abc");
        let c = |m| Some(Current { etag: &cur, modified: Some(m) });
        let ius = |s| cond(&[("if-unmodified-since", &date(s))]);
        assert_eq!(evaluate(&ius(100), false, c(at(100))), Outcome::Proceed);
        // 100.9 s truncates to 100: not "more recent".
        assert_eq!(evaluate(&ius(100), false, c(at(100) + Duration::from_millis(900))), Outcome::Proceed);
        assert_eq!(evaluate(&ius(200), false, c(at(100))), Outcome::Proceed);
        assert_eq!(failed(&evaluate(&ius(99), false, c(at(100)))), Some(Field::IfUnmodifiedSince));
        // A resource that does not exist has no modification date: ignored (§13.1.4).
        assert_eq!(evaluate(&ius(100), false, None), Outcome::Proceed);
        // Ignored when If-Match is present (§13.1.4), in both directions.
        let both = cond(&[("if-match", "\"abc\""), ("if-unmodified-since", &date(1))]);
        assert_eq!(evaluate(&both, false, c(at(100))), Outcome::Proceed);
        // Invalid dates and lists of dates are ignored.
        let bad = cond(&[("if-unmodified-since", "yesterday")]);
        assert!(bad.invalid_unmodified_since && !bad.guards_write());
        assert_eq!(evaluate(&bad, false, c(at(100))), Outcome::Proceed);
        let two = cond(&[("if-unmodified-since", &date(1)), ("if-unmodified-since", &date(2))]);
        assert_eq!(evaluate(&two, false, c(at(100))), Outcome::Proceed);
    }

    #[test]
    fn if_none_match_uses_weak_comparison() {
        let cur = strong("abc");
        let c = Some(Current { etag: &cur, modified: Some(at(100)) });
        let inm = |v| cond(&[("if-none-match", v)]);
        assert_eq!(evaluate(&inm("W/\"abc\""), true, c), Outcome::NotModified);
        assert_eq!(evaluate(&inm("\"abc\""), true, c), Outcome::NotModified);
        assert_eq!(evaluate(&inm("*"), true, c), Outcome::NotModified);
        assert_eq!(evaluate(&inm("\"x\""), true, c), Outcome::Proceed);
        assert_eq!(failed(&evaluate(&inm("\"abc\""), false, c)), Some(Field::IfNoneMatch));
        assert_eq!(failed(&evaluate(&inm("*"), false, c)), Some(Field::IfNoneMatch));
        // Create-only PUT.
        assert_eq!(evaluate(&inm("*"), false, None), Outcome::Proceed);
        assert_eq!(evaluate(&inm("\"abc\""), true, None), Outcome::Proceed);
    }

    #[test]
    fn if_modified_since_only_for_safe_methods_without_if_none_match() {
        let cur = strong("abc");
        let c = Some(Current { etag: &cur, modified: Some(at(100) + Duration::from_millis(500)) });
        let ims = |s| cond(&[("if-modified-since", &date(s))]);
        assert_eq!(evaluate(&ims(100), true, c), Outcome::NotModified);
        assert_eq!(evaluate(&ims(99), true, c), Outcome::Proceed);
        assert_eq!(evaluate(&ims(100), false, c), Outcome::Proceed);
        let with_inm = cond(&[("if-none-match", "\"x\""), ("if-modified-since", &date(100))]);
        assert_eq!(evaluate(&with_inm, true, c), Outcome::Proceed);
        assert_eq!(evaluate(&ims(100), true, None), Outcome::Proceed);
    }

    #[test]
    fn order_if_match_before_if_none_match() {
        let cur = strong("abc");
        let c = Some(Current { etag: &cur, modified: None });
        let both = cond(&[("if-match", "\"old\""), ("if-none-match", "\"abc\"")]);
        assert_eq!(failed(&evaluate(&both, true, c)), Some(Field::IfMatch));
        let both = cond(&[("if-match", "\"abc\""), ("if-none-match", "\"abc\"")]);
        assert_eq!(evaluate(&both, true, c), Outcome::NotModified);
        assert_eq!(failed(&evaluate(&both, false, c)), Some(Field::IfNoneMatch));
    }

    #[test]
    fn guards_write_and_multi_line_lists() {
        assert!(!cond(&[]).guards_write());
        assert!(cond(&[("if-match", "\"a\"")]).guards_write());
        assert!(cond(&[("if-none-match", "*")]).guards_write());
        assert!(!cond(&[("if-none-match", "\"a\"")]).guards_write());
        assert!(cond(&[("if-unmodified-since", &date(5))]).guards_write());
        assert!(!cond(&[("if-modified-since", &date(5))]).guards_write());
        let c = cond(&[("if-match", "\"a\""), ("if-match", "\"b\"")]);
        assert_eq!(c.if_match.unwrap().0, TagList::Tags(vec![strong("a"), strong("b")]));
        let mut h = HeaderMap::new();
        h.insert(IF_MATCH, "abc".parse().unwrap());
        let err = Conditions::from_headers(&h).unwrap_err();
        assert!(err.starts_with("If-Match: `abc`"), "{err}");
    }
}
