//! The checks for caches on the way: response headers that show a shared cache or proxy,
//! whether a GET without `Cache-Control: no-cache` gets other (stale) validators, and whether
//! the cache honors no-cache at all (many shared caches do not: Varnish's default
//! configuration, nginx `proxy_cache`, most CDNs).

use super::validators::tag_or_none;
use super::{Finding, Status, finding, shown, with_advice};
use crate::doctor::probe::Recording;

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
            "ifmatch sends Cache-Control: no-cache when it fetches for an edit, and after a 412 gets a fresh copy past a cache that ignores it; other clients that read and then write with If-Match should send no-cache too, or ask for Cache-Control: no-cache on this resource",
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

/// Whether a cache on the way honors `Cache-Control: no-cache`, from the two no-cache GETs
/// (answered from storage? did `Age` reset?) and, when they were answered from storage, a GET
/// past the cache (does it see another version, i.e. a change at the origin that the cache
/// hides?). `None` when no cache or proxy showed itself.
pub(super) fn no_cache_honored(rec: &Recording) -> Option<Finding> {
    let (first, again) = (rec.get.cache(), rec.get_again.cache());
    if first.is_none() && again.is_none() {
        return None;
    }
    if !rec.get.cache_hit() && !rec.get_again.cache_hit() {
        return Some(finding(
            "no_cache_honored",
            Status::Ok,
            "the cache or proxy on the way passed both GETs with Cache-Control: no-cache to the origin"
                .into(),
            None,
        ));
    }
    let signs = |e: &crate::doctor::probe::Exchange| {
        e.cache().map(|c| c.describe()).unwrap_or_else(|| "no sign".into())
    };
    let mut seen = format!(
        "both GETs with no-cache were answered from its storage ({}; then {})",
        signs(&rec.get),
        signs(&rec.get_again)
    );
    let age = |e: &crate::doctor::probe::Exchange| e.header("age").and_then(|a| a.parse::<u64>().ok());
    if let (Some(a), Some(b)) = (age(&rec.get), age(&rec.get_again))
        && a > 0
        && b >= a
    {
        seen.push_str(&format!("; Age did not reset ({a} s, then {b} s)"));
    }
    match &rec.busted {
        Some((query, past))
            if past.is_success() && (!past.same_body(&rec.get) || past.etag() != rec.get.etag()) =>
        {
            seen.push_str(&format!(
                "; a GET past it ({query}) sees another version (ETag {}, not {}): a change at the origin does not show through it",
                tag_or_none(past.etag().as_ref()),
                tag_or_none(rec.get.etag().as_ref())
            ));
        }
        Some((query, past)) if past.is_success() => {
            seen.push_str(&format!(
                "; a GET past it ({query}) sees the same version, so its copy is current for now"
            ));
        }
        Some((query, past)) => {
            seen.push_str(&format!(
                "; a GET past it ({query}) answered {}, so ifmatch cannot fetch past it with that parameter",
                past.status
            ));
        }
        None => {}
    }
    let what_ifmatch_does = match &rec.bust_param {
        Some(name) => format!(
            "after a 412, ifmatch fetches a fresh copy past it with ?{name}=<random> (--cache-bust-param NAME; --no-cache-bust turns it off), and --fetch-url URL reads from the origin while writing through this URL"
        ),
        None => "with --no-cache-bust ifmatch cannot get past it: after a 412 it stops (exit 3) unless --fetch-url URL reads from the origin while writing through this URL".to_string(),
    };
    Some(with_advice(
        "no_cache_honored",
        Status::Warn,
        format!("this cache ignores Cache-Control: no-cache: {seen}"),
        format!(
            "{what_ifmatch_does}; the operator can make the cache honor no-cache (Varnish: in vcl_recv, `if (req.http.Cache-Control ~ \"no-cache\") {{ return (pass); }}`; nginx: `proxy_cache_bypass $http_cache_control $http_pragma;`; a CDN: bypass the cache for this path), or have the origin send Cache-Control: no-cache (or private) with this resource"
        ),
    ))
}
