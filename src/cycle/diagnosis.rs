//! The errors that explain why a conflict cannot be settled by retrying: a 428 although a
//! validator was sent, a 409 that is not a version conflict, a 412 although nothing changed
//! (the validator itself is rejected), and a conflict the user or the policy left unresolved.
//! Shared by the write cycle and `apply`.

use url::Url;

use crate::error::Error;
use crate::etag::{ETag, Precondition};
use crate::fresh::Refetch;

/// A 428 although a precondition was sent: the server wants another kind of validator.
pub fn required_although_sent(url: &Url, sent: &Precondition, detail: &str) -> Error {
    Error::conflict(format!(
        "{url} answered 428 Precondition Required although ifmatch sent {}: {detail}",
        sent.describe()
    ))
    .with_hint(
        "the server wants another validator; run `ifmatch doctor URL` to see what it supports".to_string(),
    )
}

/// A 409 that is not configured as a version conflict (RFC 9110 §15.5.10).
pub fn state_conflict(url: &Url, detail: &str) -> Error {
    let detail = if detail.is_empty() { String::new() } else { format!(": {detail}") };
    Error::conflict(format!("{url} answered 409 Conflict{detail}; nothing was written")).with_hints([
        "409 is a conflict with the resource's state, not a failed precondition".to_string(),
        "if this API signals version conflicts with 409 (as Kubernetes does), add --conflict-status 409"
            .to_string(),
    ])
}

/// A 412 (or configured conflict status) although the content is exactly the base: either a
/// cache keeps handing out the old copy (`refetch` says the copy is still stale), or the
/// validator itself is being rejected.
pub fn rejected_validator(
    url: &Url,
    status: u16,
    sent: &Precondition,
    current: Option<&ETag>,
    refetch: Option<&Refetch>,
) -> Error {
    if let Some(refetch) = refetch.filter(|r| r.stale) {
        return stale_copy(url, status, refetch);
    }
    let mut hints = Vec::new();
    let confirmed = refetch.is_some_and(|r| r.origin_confirmed);
    let cause = match sent {
        Precondition::IfMatch(tag) if tag.is_weak() => {
            hints.push(
                "weak ETags never match If-Match (RFC 9110 §13.1.1); drop --weak-etag send".to_string(),
            );
            "a weak ETag was sent"
        }
        Precondition::IfUnmodifiedSince(_) => {
            hints.push(
                "the server's clock or Last-Modified may be off; `ifmatch doctor URL` checks it".to_string(),
            );
            // Seen with Apache httpd mod_dav: on PUT it compares the date with the time of the
            // request, so a Last-Modified from the past always fails (see README, Compatibility).
            hints.push(
                "some servers (Apache mod_dav) check If-Unmodified-Since on writes against the current time, so it always fails there; such a server needs ETags (Apache: FileETag MTime Size)"
                    .to_string(),
            );
            "If-Unmodified-Since was rejected"
        }
        _ if confirmed => {
            hints.push("a proxy or CDN may rewrite the ETag (compression weakens it); `ifmatch doctor URL` checks it".to_string());
            "a fetch past any cache got the same ETag, so this is no stale copy: the ETag the server sends is not the one it accepts"
        }
        _ => {
            hints.push("a proxy or CDN may rewrite the ETag (compression weakens it); `ifmatch doctor URL` checks it".to_string());
            "the ETag the server sends is not the one it accepts"
        }
    };
    Error::conflict(format!(
        "{url} answered {status} but its content did not change: {cause}{}; retrying would fail the same way",
        current.map(|t| format!(" (current ETag {t})")).unwrap_or_default()
    ))
    .with_hints(hints)
}

/// A 412, and every refetch still served the old copy from a cache that ignores no-cache: the
/// write cannot be based on the current version, so nothing is written.
fn stale_copy(url: &Url, status: u16, refetch: &Refetch) -> Error {
    let signs = refetch.cache.as_ref().map(|c| format!(" ({})", c.describe())).unwrap_or_default();
    let served = if refetch.hit() {
        format!("the refetch was served from a cache that ignored no-cache{signs}")
    } else {
        format!("the refetch still carried the refused validator{signs}")
    };
    let mut hints = vec![format!(
        "read from the origin directly and write through the usual URL: ifmatch … --fetch-url ORIGIN_URL {url}"
    )];
    if !refetch.cache_bust {
        hints.push(
            "or drop --no-cache-bust, so that ifmatch fetches past the cache with a query parameter (--cache-bust-param NAME)"
                .to_string(),
        );
    }
    hints.push(
        "the cache's operator can make it honor Cache-Control: no-cache (Varnish: `return (pass)` for such requests in vcl_recv); `ifmatch doctor URL` checks it"
            .to_string(),
    );
    Error::conflict(format!(
            "{url} answered {status}, and {served}: ifmatch could not get the current version, so nothing was written"
        )).with_hints(hints)
}
