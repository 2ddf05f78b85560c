//! The checks for caches on the way: response headers that show a shared cache or proxy,
//! and whether a GET without `Cache-Control: no-cache` gets other (stale) validators.

use super::validators::tag_or_none;
use super::{Finding, Status, finding, shown};
use crate::probe::Recording;

/// Response headers that show a cache or proxy on the way.
const CACHE_SIGNS: [&str; 9] = [
    "age",
    "via",
    "x-cache",
    "x-cache-status",
    "cf-cache-status",
    "x-served-by",
    "x-varnish",
    "x-proxy-cache",
    "x-cache-hits",
];

pub(super) fn cache(rec: &Recording) -> Finding {
    let mut signs = Vec::new();
    for exchange in [&rec.cached, &rec.get] {
        if let Some(cc) = exchange.header("cache-control").filter(|cc| shareable(cc)) {
            signs.push(format!("Cache-Control: {}", shown(&cc)));
        }
        for name in CACHE_SIGNS {
            if let Some(value) = exchange.header(name) {
                signs.push(format!("{}: {}", canonical(name), shown(&value)));
            }
        }
        if !signs.is_empty() {
            break;
        }
    }
    if signs.is_empty() {
        let cc = rec.get.header("cache-control").map(|cc| format!("; Cache-Control: {}", shown(&cc)));
        return finding(
            "cache",
            Status::Ok,
            format!("no sign of a shared cache (no Age, Via or X-Cache{})", cc.unwrap_or_default()),
            None,
        );
    }
    finding(
        "cache",
        Status::Warn,
        format!("responses may come from a cache: {}", signs.join("; ")),
        Some(
            "ifmatch sends Cache-Control: no-cache when it fetches for an edit; other clients that read and then write with If-Match should too, or ask for Cache-Control: no-cache on this resource",
        ),
    )
}

/// Whether a Cache-Control value lets a shared cache store and reuse the response.
fn shareable(cc: &str) -> bool {
    let directives: Vec<String> = cc.split(',').map(|d| d.trim().to_ascii_lowercase()).collect();
    if directives.iter().any(|d| d == "no-cache" || d == "no-store" || d == "private") {
        return false;
    }
    directives.iter().any(|d| {
        d == "public"
            || ["max-age=", "s-maxage="].iter().any(|p| {
                d.strip_prefix(p).and_then(|n| n.trim_matches('"').parse::<u64>().ok()).is_some_and(|n| n > 0)
            })
    })
}

fn canonical(name: &str) -> String {
    match name {
        "cf-cache-status" => "CF-Cache-Status".into(),
        _ => name
            .split('-')
            .map(|part| {
                let mut chars = part.chars();
                chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("-"),
    }
}

pub(super) fn no_cache(rec: &Recording) -> Finding {
    let cached = &rec.cached;
    if !cached.is_success() {
        return finding(
            "no_cache",
            Status::Info,
            format!("a GET without Cache-Control: no-cache answered {}", cached.status),
            Some("nothing to do: ifmatch always sends no-cache when it fetches for an edit"),
        );
    }
    let same_tag = cached.header("etag") == rec.get.header("etag");
    let same_date = cached.last_modified() == rec.get.last_modified();
    if same_tag && same_date {
        return finding(
            "no_cache",
            Status::Ok,
            "a GET without Cache-Control: no-cache sees the same validators".into(),
            None,
        );
    }
    let what = if same_tag {
        format!(
            "Last-Modified is {}, with it {}",
            shown(&cached.last_modified().unwrap_or_else(|| "none".into())),
            shown(&rec.get.last_modified().unwrap_or_else(|| "none".into()))
        )
    } else {
        format!(
            "the ETag is {}, with it {}",
            tag_or_none(cached.etag().as_ref()),
            tag_or_none(rec.get.etag().as_ref())
        )
    };
    finding(
        "no_cache",
        Status::Warn,
        format!("without Cache-Control: no-cache {what}: a cache hands out stale validators"),
        Some(
            "ifmatch edit is not affected (it always sends no-cache); scripts that GET and then PUT with If-Match must send Cache-Control: no-cache too, or they meet 412",
        ),
    )
}
