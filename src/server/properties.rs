//! Property tests of the server's conditional-request logic: the precondition evaluation
//! against a reference written straight from RFC 9110 §13.1 and §13.2.2, and the entity-tag
//! list parser. The requests are built as header fields, so `Conditions::from_headers` is
//! under test too. `cargo test` runs proptest's default number of cases (256 per property);
//! `PROPTEST_CASES=20000 cargo test --locked --lib server::properties` runs more.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hyper::HeaderMap;
use hyper::header::{
    HeaderName, HeaderValue, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_UNMODIFIED_SINCE,
};
use proptest::prelude::*;

use super::entity_tag::{EntityTag, TagList, parse_tag_list};
use super::precondition::{Conditions, Current, Field, Outcome, evaluate};

/// What §13.2.2 says to do, without the details of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Perform,
    NotModified,
    Failed(Field),
}

/// A date field as sent: a valid HTTP-date (seconds since the epoch), or something else.
#[derive(Debug, Clone)]
enum DateField {
    Valid(u64),
    Invalid,
}

/// One generated request and resource.
#[derive(Debug, Clone)]
struct Case {
    /// GET or HEAD (the "safe" methods of §13.2.2 steps 3 and 4).
    safe: bool,
    /// The current representation's ETag and modification time (whole seconds, nanoseconds).
    current: Option<(EntityTag, Option<(u64, u32)>)>,
    if_match: Option<TagList>,
    if_none_match: Option<TagList>,
    if_unmodified_since: Option<DateField>,
    if_modified_since: Option<DateField>,
}

/// §13.1.1: true if `*` and a current representation exists, or if a listed tag matches the
/// current one by strong comparison (§8.8.3.2).
fn if_match_holds(list: &TagList, current: Option<&EntityTag>) -> bool {
    match (list, current) {
        (_, None) => false,
        (TagList::Any, Some(_)) => true,
        (TagList::Tags(tags), Some(cur)) => {
            tags.iter().any(|t| !t.weak && !cur.weak && t.opaque == cur.opaque)
        }
    }
}

/// §13.1.2: false if `*` and a current representation exists, or if a listed tag matches the
/// current one by weak comparison; true otherwise.
fn if_none_match_holds(list: &TagList, current: Option<&EntityTag>) -> bool {
    match (list, current) {
        (_, None) => true,
        (TagList::Any, Some(_)) => false,
        (TagList::Tags(tags), Some(cur)) => !tags.iter().any(|t| t.opaque == cur.opaque),
    }
}

/// RFC 9110 §13.2.2, steps 1–4 and 6 (no Range), as the reference.
fn reference(case: &Case) -> Expected {
    let etag = case.current.as_ref().map(|(e, _)| e);
    // The modification date, in whole seconds: HTTP-dates have no finer resolution (§5.6.7).
    let modified = case.current.as_ref().and_then(|(_, m)| m.map(|(s, _)| s));
    // Step 1.
    if let Some(list) = &case.if_match {
        if !if_match_holds(list, etag) {
            return Expected::Failed(Field::IfMatch);
        }
    } else if let Some(DateField::Valid(date)) = case.if_unmodified_since {
        // Step 2. §13.1.4: ignored when invalid or when the resource has no modification date.
        if let Some(m) = modified
            && m > date
        {
            return Expected::Failed(Field::IfUnmodifiedSince);
        }
    }
    // Step 3.
    if let Some(list) = &case.if_none_match {
        if !if_none_match_holds(list, etag) {
            return if case.safe { Expected::NotModified } else { Expected::Failed(Field::IfNoneMatch) };
        }
    } else if case.safe
        && let Some(DateField::Valid(date)) = case.if_modified_since
        && let Some(m) = modified
        && m <= date
    {
        // Step 4: GET/HEAD only, only without If-None-Match; false ("not modified since") → 304.
        return Expected::NotModified;
    }
    Expected::Perform
}

fn tag_text(t: &EntityTag) -> String {
    format!("{}\"{}\"", if t.weak { "W/" } else { "" }, String::from_utf8_lossy(&t.opaque))
}

fn list_text(list: &TagList) -> String {
    match list {
        TagList::Any => "*".to_string(),
        TagList::Tags(tags) => tags.iter().map(tag_text).collect::<Vec<_>>().join(", "),
    }
}

fn date_text(field: &DateField) -> String {
    match field {
        DateField::Valid(secs) => httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(*secs)),
        DateField::Invalid => "yesterday".to_string(),
    }
}

fn headers(case: &Case) -> HeaderMap {
    let mut h = HeaderMap::new();
    let mut put = |name: HeaderName, value: String| {
        h.insert(name, HeaderValue::from_str(&value).expect("generated values are valid field values"));
    };
    if let Some(l) = &case.if_match {
        put(IF_MATCH, list_text(l));
    }
    if let Some(l) = &case.if_none_match {
        put(IF_NONE_MATCH, list_text(l));
    }
    if let Some(d) = &case.if_unmodified_since {
        put(IF_UNMODIFIED_SINCE, date_text(d));
    }
    if let Some(d) = &case.if_modified_since {
        put(IF_MODIFIED_SINCE, date_text(d));
    }
    h
}

/// Tags from a tiny alphabet, so that matches and near-misses are common.
fn tag() -> impl Strategy<Value = EntityTag> {
    (any::<bool>(), prop::sample::select(vec!["a", "b", "abc", ""]))
        .prop_map(|(weak, o)| EntityTag { weak, opaque: o.as_bytes().to_vec() })
}

fn tag_list() -> impl Strategy<Value = TagList> {
    prop_oneof![1 => Just(TagList::Any), 4 => prop::collection::vec(tag(), 0..4).prop_map(TagList::Tags)]
}

/// Seconds near each other, so that before, equal and after all happen.
fn secs() -> impl Strategy<Value = u64> {
    1_000_000_000u64..1_000_000_004
}

fn date_field() -> impl Strategy<Value = DateField> {
    prop_oneof![4 => secs().prop_map(DateField::Valid), 1 => Just(DateField::Invalid)]
}

fn case() -> impl Strategy<Value = Case> {
    let current =
        prop::option::weighted(0.8, (tag(), prop::option::weighted(0.8, (secs(), 0u32..1_000_000_000))));
    (
        any::<bool>(),
        current,
        prop::option::of(tag_list()),
        prop::option::of(tag_list()),
        prop::option::of(date_field()),
        prop::option::of(date_field()),
    )
        .prop_map(|(safe, current, if_match, if_none_match, if_unmodified_since, if_modified_since)| {
            Case { safe, current, if_match, if_none_match, if_unmodified_since, if_modified_since }
        })
}

fn outcome_kind(o: &Outcome) -> Expected {
    match o {
        Outcome::Proceed => Expected::Perform,
        Outcome::NotModified => Expected::NotModified,
        Outcome::Failed { field, .. } => Expected::Failed(*field),
    }
}

/// Bytes an opaque-tag may hold (`etagc`: %x21 / %x23-7E / obs-text).
fn etagc() -> impl Strategy<Value = u8> {
    prop_oneof![Just(0x21u8), 0x23u8..=0x7e, 0x80u8..=0xff]
}

proptest! {
    #[test]
    fn evaluation_follows_rfc_9110_section_13_2_2(case in case()) {
        let cond = Conditions::from_headers(&headers(&case)).expect("generated lists are well-formed");
        let modified = case.current.as_ref().and_then(|(_, m)| *m)
            .map(|(s, n)| UNIX_EPOCH + Duration::new(s, n));
        let current = case.current.as_ref().map(|(etag, _)| Current { etag, modified });
        let got = evaluate(&cond, case.safe, current);
        prop_assert_eq!(outcome_kind(&got), reference(&case), "{:?} gave {:?}", case, got);
        // Never 304 to a method other than GET/HEAD (§13.2.2 steps 3 and 4).
        prop_assert!(case.safe || got != Outcome::NotModified);
    }

    #[test]
    fn evaluation_never_panics_on_any_time(secs in any::<i64>(), nanos in 0u32..1_000_000_000, date in secs()) {
        // Even an mtime the HTTP-date format cannot express (the server never passes one).
        let t = if secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(secs.unsigned_abs(), nanos))
        } else {
            UNIX_EPOCH.checked_sub(Duration::new(secs.unsigned_abs(), nanos))
        };
        let etag = EntityTag { weak: false, opaque: b"x".to_vec() };
        let mut h = HeaderMap::new();
        h.insert(IF_UNMODIFIED_SINCE, HeaderValue::from_str(&date_text(&DateField::Valid(date))).unwrap());
        let cond = Conditions::from_headers(&h).unwrap();
        let _ = evaluate(&cond, false, Some(Current { etag: &etag, modified: t.or(Some(SystemTime::UNIX_EPOCH)) }));
    }

    #[test]
    fn tag_lists_round_trip(
        tags in prop::collection::vec((any::<bool>(), prop::collection::vec(etagc(), 0..8)), 0..6),
        seps in prop::collection::vec(prop::sample::select(vec![",", ", ", " ,\t", ",,", " , , "]), 6),
    ) {
        let tags: Vec<EntityTag> = tags.into_iter().map(|(weak, opaque)| EntityTag { weak, opaque }).collect();
        let mut text = Vec::new();
        for (i, t) in tags.iter().enumerate() {
            if i > 0 {
                text.extend_from_slice(seps[i].as_bytes());
            }
            if t.weak {
                text.extend_from_slice(b"W/");
            }
            text.push(b'"');
            text.extend_from_slice(&t.opaque);
            text.push(b'"');
        }
        prop_assert_eq!(parse_tag_list(&text), Ok(TagList::Tags(tags)));
    }

    #[test]
    fn tag_list_parsing_never_panics_and_is_stable(bytes in prop::collection::vec(any::<u8>(), 0..40)) {
        // Whatever is accepted prints back to a value that parses to the same list.
        if let Ok(TagList::Tags(tags)) = parse_tag_list(&bytes) {
            let mut again = Vec::new();
            for t in &tags {
                again.extend_from_slice(if t.weak { b"W/\"" } else { b"\"" });
                again.extend_from_slice(&t.opaque);
                again.extend_from_slice(b"\", ");
            }
            prop_assert_eq!(parse_tag_list(&again), Ok(TagList::Tags(tags)));
        }
    }

    #[test]
    fn an_unquoted_tag_is_refused(
        before in prop::collection::vec(prop::collection::vec(etagc(), 0..5), 0..3),
        bare in "[A-Za-z0-9]{1,8}",
    ) {
        // A list with one element that is not a quoted tag is malformed (400), whatever the rest.
        let mut parts: Vec<String> =
            before.iter().map(|o| format!("\"{}\"", String::from_utf8_lossy(o).replace('"', ""))).collect();
        parts.push(bare);
        let text = parts.join(", ");
        prop_assert!(parse_tag_list(text.as_bytes()).is_err(), "{:?} was accepted", text);
    }

    #[test]
    fn comparison_functions_agree_with_section_8_8_3_2(a in tag(), b in tag()) {
        prop_assert_eq!(a.strong_eq(&b), !a.weak && !b.weak && a.opaque == b.opaque);
        prop_assert_eq!(a.weak_eq(&b), a.opaque == b.opaque);
        prop_assert_eq!(a.strong_eq(&b), b.strong_eq(&a));
        prop_assert!(!a.strong_eq(&b) || a.weak_eq(&b));
    }
}
