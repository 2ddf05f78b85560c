//! Signs that an answer came from a cache's storage rather than from the origin: `Age` above
//! zero (RFC 9111 §5.1), `X-Cache: HIT` (Squid, Fastly, CloudFront, many CDNs),
//! `X-Cache-Status: HIT` (nginx `proxy_cache` setups), `CF-Cache-Status: HIT` (Cloudflare),
//! `X-Varnish` with two transaction ids (the second is the request that stored the object), and
//! `Via` (a proxy on the way, which may or may not cache). Recorded with every fetch; the
//! fresh-copy logic and the 412 diagnosis decide what they mean.

use reqwest::header::HeaderMap;
use serde::Serialize;

use crate::sanitize::sanitize;

/// What a response's headers say about a cache on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CacheSigns {
    /// Served from a cache's storage: `Age` > 0, an `X-Cache`/`X-Cache-Status`/
    /// `CF-Cache-Status` HIT, or `X-Varnish` with two ids. `Via` alone does not make a hit.
    pub hit: bool,
    /// The headers that show a cache or proxy, as `Name: value`.
    pub signs: Vec<String>,
}

impl CacheSigns {
    /// The signs in `headers`; `None` when there are none.
    pub fn of(headers: &HeaderMap) -> Option<CacheSigns> {
        let value = |name: &str| {
            let values: Vec<String> = headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(|v| v.trim().to_string())
                .collect();
            if values.is_empty() { None } else { Some(values.join(", ")) }
        };
        let mut found = CacheSigns::default();
        let mut sign = |shown: &str, value: &str, hit: bool| {
            found.signs.push(format!("{shown}: {}", sanitize(value)));
            found.hit |= hit;
        };
        if let Some(age) = value("age") {
            sign("Age", &age, age.parse::<u64>().is_ok_and(|a| a > 0));
        }
        for (name, shown) in [("x-cache", "X-Cache"), ("x-cache-status", "X-Cache-Status")] {
            if let Some(v) = value(name) {
                sign(shown, &v, v.to_ascii_uppercase().contains("HIT"));
            }
        }
        if let Some(v) = value("cf-cache-status") {
            let hit = matches!(v.to_ascii_uppercase().as_str(), "HIT" | "STALE" | "UPDATING");
            sign("CF-Cache-Status", &v, hit);
        }
        if let Some(v) = value("x-varnish") {
            // Varnish sends its own transaction id, and on a hit also the id of the one that
            // stored the object.
            sign("X-Varnish", &v, v.split_whitespace().count() >= 2);
        }
        if let Some(v) = value("via") {
            sign("Via", &v, false);
        }
        if found.signs.is_empty() { None } else { Some(found) }
    }

    /// The signs as one phrase for messages: `Age: 17, Via: 1.1 varnish`.
    pub fn describe(&self) -> String {
        self.signs.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signs(pairs: &[(&'static str, &'static str)]) -> Option<CacheSigns> {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        CacheSigns::of(&headers)
    }

    #[test]
    fn hits_by_header() {
        for pairs in [
            &[("age", "17")][..],
            &[("x-cache", "HIT from squid")],
            &[("x-cache", "MISS, HIT")],
            &[("x-cache-status", "HIT")],
            &[("cf-cache-status", "HIT")],
            &[("x-varnish", "32770 3")],
        ] {
            let found = signs(pairs).expect("signs");
            assert!(found.hit, "{pairs:?}");
        }
    }

    #[test]
    fn misses_and_proxies_are_not_hits() {
        for pairs in [
            &[("age", "0")][..],
            &[("x-cache", "MISS")],
            &[("cf-cache-status", "DYNAMIC")],
            &[("x-varnish", "32770")],
            &[("via", "1.1 varnish (Varnish/7.1)")],
        ] {
            let found = signs(pairs).expect("signs");
            assert!(!found.hit, "{pairs:?}");
        }
        assert_eq!(signs(&[("server", "Apache")]), None);
    }

    #[test]
    fn described_in_header_order_of_checks() {
        let found = signs(&[("via", "1.1 varnish"), ("age", "17")]).unwrap();
        assert_eq!(found.describe(), "Age: 17, Via: 1.1 varnish");
    }
}
