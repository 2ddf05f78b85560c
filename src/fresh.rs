//! A fresh copy after a 412, past any cache that serves stale ones. One function,
//! [`refetch`], used by every write loop (`edit`/`put`, `apply`, large uploads).
//!
//! A 412 often comes from a cache rather than a colleague: a CDN or reverse proxy handed out
//! a stored copy with an old ETag, and the origin refused it. Shared caches commonly ignore a
//! client's `Cache-Control: no-cache` (Varnish's default configuration, nginx `proxy_cache`,
//! most CDNs), so a plain refetch gets the same stale copy again. So the refetch asks for
//! revalidation (`Cache-Control: no-cache, max-age=0`, `Pragma: no-cache`); when its answer
//! still looks stale — served from a cache's storage, or carrying the very ETag the origin
//! refused, or another than the one the 412 answer named — it fetches once more with a
//! cache-busting query parameter (`--cache-bust-param`, off with `--no-cache-bust`). With
//! `--fetch-url` every GET reads from the origin, and the refetch is trusted as it is.
//!
//! Safety never depends on these guesses: whatever copy is used, the write carries `If-Match`
//! with that copy's validator and the origin decides. A stale copy that slips through meets
//! another 412, and the cycle fails closed as it always does.

use serde::Serialize;
use url::Url;

use crate::error::Result;
use crate::etag::{ETag, Precondition};
use crate::http::{CacheSigns, Download, Freshness};
use crate::session::Session;

/// What the origin refused: the precondition sent, and the ETag its 412 answer carried.
#[derive(Debug, Clone, Copy)]
pub struct Refusal<'a> {
    pub sent: &'a Precondition,
    pub told: Option<&'a ETag>,
}

/// How a refetch went, for the messages, the 412 diagnosis and `--json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refetch {
    /// What the first refetch's headers said about a cache (`null` when nothing).
    pub cache: Option<CacheSigns>,
    /// How the copy in use was got: `revalidate` (the refetch with no-cache), `cache_bust`
    /// (the query parameter), or `fetch_url` (read from `--fetch-url`).
    pub via: &'static str,
    /// The copy still looks stale: every way past the cache failed or is switched off.
    pub stale: bool,
    /// A cache-busted fetch got the same validator that was refused, without a cache hit: the
    /// origin (or something rewriting its answers) hands out a validator it then refuses.
    pub origin_confirmed: bool,
    /// A cache-busting fetch was allowed (no `--no-cache-bust`).
    pub cache_bust: bool,
}

impl Refetch {
    /// The refetch was answered from a cache's storage.
    pub fn hit(&self) -> bool {
        self.cache.as_ref().is_some_and(|c| c.hit)
    }
}

/// Fetches the current version of `url` after the origin refused `refusal`, getting past a
/// cache that serves stale copies when it can (see the module docs). Notes on stderr say what
/// was seen and done. Errors are the fetch's (a cache-busted fetch that the server refuses is
/// noted and given up on, not an error).
pub async fn refetch(session: &Session, url: &Url, refusal: Refusal<'_>) -> Result<(Download, Refetch)> {
    let ui = session.ui;
    let first = session.client.open_fresh(url, &Freshness::Revalidate).await?;
    let mut report = Refetch {
        cache: first.cache.clone(),
        via: "revalidate",
        stale: false,
        origin_confirmed: false,
        cache_bust: session.settings.cache_bust.is_some(),
    };
    if session.settings.fetch_url.is_some() {
        report.via = "fetch_url";
        return Ok((first, report));
    }
    let Some(why) = suspect(&first, refusal) else {
        return Ok((first, report));
    };
    ui.note(&format!("the refetch {}: it may be a stale copy", why.words));
    // Only a cache hit or a copy of another version than the 412 named is known to be stale;
    // a copy that merely carries the refused validator may be all the origin has.
    let stale = why.evidence;
    let Some(name) = &session.settings.cache_bust else {
        report.stale = stale;
        return Ok((first, report));
    };
    let value = format!("{:016x}", fastrand::u64(..));
    let bust = Freshness::Bust { name: name.clone(), value: value.clone() };
    match session.client.open_fresh(url, &bust).await {
        // Only a cache hit makes the busted copy stale: one from the origin is the truth, even
        // when its tag is the refused one or another than the 412 named (a proxy that rewrites
        // validators).
        Ok(busted) => match suspect(&busted, refusal) {
            Some(again) if busted.cache.as_ref().is_some_and(|c| c.hit) => {
                ui.note(&format!(
                    "fetching with ?{name}={value} did not get past it either: it {}",
                    again.words
                ));
                report.stale = true;
                Ok((first, report))
            }
            again => {
                if let Some(again) = again {
                    ui.note(&format!(
                        "fetched past any cache with ?{name}={value}, and it still {}: what reaches ifmatch is not the validator the origin accepts",
                        again.words
                    ));
                    report.origin_confirmed = true;
                } else {
                    ui.note(&format!("fetched a fresh copy past the cache with ?{name}={value}"));
                }
                report.via = "cache_bust";
                Ok((busted, report))
            }
        },
        Err(err) if err.signal().is_some() || err.is_network() => Err(err),
        Err(err) => {
            ui.note(&format!(
                "fetching with ?{name}={value} failed ({err}); if this API refuses unknown query parameters, use --no-cache-bust, or --fetch-url to read from the origin"
            ));
            report.stale = stale;
            Ok((first, report))
        }
    }
}

/// Why a copy looks stale.
struct Suspicion {
    words: String,
    /// Known stale (a cache hit, or not the version the 412 named), not merely suspected.
    evidence: bool,
}

/// Why a refetched copy looks stale; `None` when it does not.
fn suspect(copy: &Download, refusal: Refusal<'_>) -> Option<Suspicion> {
    let known = |words: String| Some(Suspicion { words, evidence: true });
    let tag = copy.etag.as_ref();
    let hit = copy.cache.as_ref().filter(|c| c.hit);
    let from_cache =
        hit.map(|signs| format!("was served from a cache that ignored no-cache ({})", signs.describe()));
    // The 412 answer named the current version: a copy of it is current, a copy of another
    // one is not.
    if let Some(told) = refusal.told
        && !told.is_weak()
        && !refused_tag(refusal.sent).is_some_and(|sent| sent.strong_eq(told))
    {
        return match tag {
            Some(tag) if tag.strong_eq(told) => None,
            _ if from_cache.is_some() => known(from_cache?),
            Some(tag) => known(format!("carries ETag {tag}, while the 412 answer named {told}")),
            None => known(format!("carries no ETag, while the 412 answer named {told}")),
        };
    }
    if let Some(words) = from_cache {
        return known(words);
    }
    // A weak tag is refused by If-Match whatever the cache does (RFC 9110 §13.1.1).
    match (tag, refused_tag(refusal.sent).filter(|sent| !sent.is_weak())) {
        (Some(tag), Some(sent)) if tag.as_str() == sent.as_str() => Some(Suspicion {
            words: format!("carries the very ETag the server refused ({tag})"),
            evidence: false,
        }),
        _ => None,
    }
}

fn refused_tag(sent: &Precondition) -> Option<&ETag> {
    match sent {
        Precondition::IfMatch(tag) => Some(tag),
        _ => None,
    }
}
