//! Property tests for entity-tags and the preconditions built from them. A bounded number of
//! cases in `cargo test` (64); set `PROPTEST_CASES` for more.

use proptest::prelude::*;

use super::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// `etagc` of RFC 9110 §8.8.3: `!`, `#`-`~`, and obs-text (here: some non-ASCII letters).
fn opaque() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![Just('!'), (0x23u8..=0x7e).prop_map(char::from), prop::char::range('à', 'ÿ')],
        0..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// A tag in a valid header form: the entity-tag grammar exactly.
fn is_valid_header_form(raw: &str) -> bool {
    let rest = raw.strip_prefix("W/").unwrap_or(raw);
    rest.len() >= 2
        && rest.starts_with('"')
        && rest.ends_with('"')
        && !rest[1..rest.len() - 1].contains('"')
        && !rest.chars().any(char::is_control)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn well_formed_tags_parse_to_themselves(o in opaque(), weak in any::<bool>()) {
        let raw = if weak { format!("W/\"{o}\"") } else { format!("\"{o}\"") };
        let tag = ETag::parse(&raw).expect("a well-formed tag parses");
        prop_assert_eq!(tag.as_str(), raw.as_str());
        prop_assert_eq!(tag.is_weak(), weak);
        // Strong comparison: a strong tag matches itself, a weak one nothing, not even itself.
        prop_assert_eq!(tag.strong_eq(&tag), !weak);
    }

    #[test]
    fn anything_parses_to_a_valid_tag_or_nothing(value in ".{0,16}") {
        if let Some(tag) = ETag::parse(&value) {
            prop_assert!(is_valid_header_form(tag.as_str()), "{value:?} → {}", tag.as_str());
            // What we would send back parses to the same tag.
            prop_assert_eq!(ETag::parse(tag.as_str()), Some(tag));
        }
    }

    #[test]
    fn if_match_is_strong_and_dates_are_real(
        value in prop_oneof![opaque().prop_map(|o| format!("\"{o}\"")), opaque().prop_map(|o| format!("W/\"{o}\"")), ".{0,12}"],
        date in prop_oneof![Just("Tue, 15 Nov 1994 08:12:31 GMT".to_string()), ".{0,30}"],
        send_weak in any::<bool>(),
    ) {
        let tag = ETag::parse(&value);
        match Precondition::choose(tag.as_ref(), Some(&date), send_weak) {
            Precondition::IfMatch(sent) => prop_assert!(!sent.is_weak() || send_weak),
            // A server must ignore an If-Unmodified-Since that is no HTTP-date (§13.1.4).
            Precondition::IfUnmodifiedSince(sent) => prop_assert!(httpdate::parse_http_date(&sent).is_ok()),
            Precondition::None => prop_assert!(httpdate::parse_http_date(&date).is_err()),
            Precondition::IfNoneMatchAny => prop_assert!(false, "never chosen"),
        }
    }

    #[test]
    fn the_settling_delay_is_at_most_two_seconds_and_never_panics(
        date in ".{0,30}",
        secs in 0u64..253_402_300_799,
        gap in 0u64..5,
    ) {
        let weak = ETag::parse("W/\"x\"");
        let modified = httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(secs));
        let _ = settling_delay(weak.as_ref(), Some(&date), Some(&modified));
        let now = httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(secs.saturating_add(gap)));
        let delay = settling_delay(weak.as_ref(), Some(&now), Some(&modified));
        prop_assert_eq!(delay.is_some(), gap <= 1);
        prop_assert!(delay.is_none_or(|d| d <= Duration::from_secs(2)));
    }
}
