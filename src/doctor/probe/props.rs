//! Property tests for the date doctor's If-Unmodified-Since probe sends. A bounded number of
//! cases in `cargo test` (64); set `PROPTEST_CASES` for more.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;

use super::day_before;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    /// Any Last-Modified an HTTP-date can carry (1970 to 9999): the probe date is a day
    /// earlier, or the epoch within the first day, and always a date a server can read.
    #[test]
    fn the_probe_date_is_earlier_and_valid(secs in prop_oneof![0u64..200_000, 0u64..253_402_300_800]) {
        let modified = UNIX_EPOCH + Duration::from_secs(secs);
        let probe = day_before(&httpdate::fmt_http_date(modified));
        match probe {
            None => prop_assert_eq!(secs, 0),
            Some(probe) => {
                let probe = httpdate::parse_http_date(&probe).expect("an HTTP-date");
                let expected = UNIX_EPOCH + Duration::from_secs(secs.saturating_sub(86_400));
                prop_assert_eq!(probe, expected);
                prop_assert!(probe < modified);
            }
        }
    }

    #[test]
    fn any_text_is_a_date_or_nothing(value in ".{0,40}") {
        if let Some(probe) = day_before(&value) {
            prop_assert!(httpdate::parse_http_date(&probe).is_ok());
        }
    }
}
