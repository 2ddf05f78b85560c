//! The refusals: the errors that end a write because retrying could not make it safe or make
//! it succeed — no validator to send, a 428 although one was sent, a 409 that is not a version
//! conflict, a 412 although nothing changed (the validator itself is rejected), a create that
//! lost. Each is worded once, here, for every write (`edit`, `put`, `apply`, large uploads).

use url::Url;

use crate::error::Error;
use crate::etag::{ETag, Precondition};
use crate::fresh::Refetch;

/// A write that would carry no validator (no strong ETag, no Last-Modified, no version in the
/// body), refused before anything is sent; `--force` makes it unconditional. `seen`: ifmatch
/// has fetched the resource (now, or when the stored record was made); `weak`: the weak ETag it
/// sent, which `--weak-etag send` would send.
pub fn no_validator(url: &Url, seen: bool, weak: Option<&ETag>) -> Error {
    let message = if seen {
        format!(
            "{url} sends neither a strong ETag nor Last-Modified, so the write could overwrite a change unseen; nothing was sent"
        )
    } else {
        format!(
            "ifmatch knows no validator for {url}, so the write could overwrite a change unseen; nothing was sent"
        )
    };
    let hint = match weak {
        Some(tag) => format!(
            "the server sent only the weak ETag {tag}: --weak-etag send sends it anyway (for servers that compare weakly); --force writes unconditionally"
        ),
        None if seen => "pass --force to write it unconditionally".to_string(),
        None => format!(
            "run `ifmatch get {url}` first; --create creates it if it does not exist yet; --force writes unconditionally"
        ),
    };
    Error::usage(message, hint)
}

/// The current version no longer carries a validator, although the write so far carried one:
/// a retry would go out unconditional, which is not what a conditional write agreed to.
pub fn validator_gone(url: &Url) -> Error {
    Error::conflict(format!(
        "{url} no longer sends an ETag or Last-Modified, so a retry cannot be made safe; nothing was written"
    ))
    .with_hint(format!("run `ifmatch doctor {url}` to see what the server supports"))
}

/// A 428 to a write without a precondition, from a server that sends no validator to make one.
pub fn required_without_validator(url: &Url) -> Error {
    Error::conflict(format!(
        "{url} answered 428 Precondition Required, and it sends neither ETag nor Last-Modified for a conditional write"
    ))
    .with_hint(format!("run `ifmatch doctor {url}` to see what the server supports"))
}

/// A 409 to a JSON Patch although the content is still the base: not a version conflict.
pub fn patch_refused(url: &Url, shown_detail: &str) -> Error {
    Error::conflict(format!(
        "{url} refused the JSON Patch with 409 Conflict{shown_detail}, although its content is still your base"
    ))
    .with_hint("send the whole document instead: drop --patch")
}

/// A 409 to a body carrying its version, while the version did not move: the server refused
/// the content (a validation error, say), which no merge or retry can fix.
pub fn version_unchanged(url: &Url, pointer: &str, now: Option<&serde_json::Value>, detail: &str) -> Error {
    Error::status(url.as_str(), 409, detail.to_string()).with_hints([
        format!(
            "the version at {pointer} is still {}, so this is no version conflict: the server refused the content; nothing was written",
            crate::body_version::shown(now)
        ),
        "fix what the server's answer names, then write again".to_string(),
    ])
}

/// A create (`If-None-Match: *`) that someone else's create beat.
pub fn exists(url: &Url) -> Error {
    Error::conflict(format!(
        "{url} already exists (someone else created it meanwhile), and a create never replaces it; nothing was written"
    ))
    .with_hints([
        format!("see it with `ifmatch get {url}`"),
        format!("to change it instead, fetch it and edit: ifmatch edit {url}"),
    ])
}

/// A 428 although a precondition was sent: the server wants another kind of validator.
pub fn required_although_sent(url: &Url, sent: &Precondition, detail: &str) -> Error {
    Error::conflict(format!(
        "{url} answered 428 Precondition Required although ifmatch sent {}: {detail}",
        sent.describe()
    ))
    .with_hint(format!(
        "the server wants another validator; run `ifmatch doctor {url}` to see what it supports"
    ))
}

/// A 409 that is not configured as a version conflict (RFC 9110 §15.5.10).
pub fn state_conflict(url: &Url, detail: &str) -> Error {
    let detail = if detail.is_empty() { String::new() } else { format!(": {detail}") };
    Error::conflict(format!("{url} answered 409 Conflict{detail}; nothing was written")).with_hints([
        "409 is a conflict with the resource's state, not a failed precondition",
        "if this API signals version conflicts with 409 (as Kubernetes does), add --conflict-status 409",
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
            hints.push(format!(
                "the server's clock or Last-Modified may be off; `ifmatch doctor {url}` checks it"
            ));
            // Seen with Apache httpd mod_dav: on PUT it compares the date with the time of the
            // request, so a Last-Modified from the past always fails (see README, Compatibility).
            hints.push(
                "some servers (Apache mod_dav) check If-Unmodified-Since on writes against the current time, so it always fails there; such a server needs ETags (Apache: FileETag MTime Size)"
                    .to_string(),
            );
            "If-Unmodified-Since was rejected"
        }
        _ if confirmed => {
            hints.push(format!("a proxy or CDN may rewrite the ETag (compression weakens it); `ifmatch doctor {url}` checks it"));
            "a fetch past any cache got the same ETag, so this is no stale copy: the ETag the server sends is not the one it accepts"
        }
        _ => {
            hints.push(format!("a proxy or CDN may rewrite the ETag (compression weakens it); `ifmatch doctor {url}` checks it"));
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
    hints.push(format!(
        "the cache's operator can make it honor Cache-Control: no-cache (Varnish: `return (pass)` for such requests in vcl_recv); `ifmatch doctor {url}` checks it"
    ));
    Error::conflict(format!(
        "{url} answered {status}, and {served}: ifmatch could not get the current version, so nothing was written"
    ))
    .with_hints(hints)
}

/// "first", "second", … for the attempt a message names.
pub fn ordinal(n: usize) -> String {
    match n {
        1 => "first".to_string(),
        2 => "second".to_string(),
        3 => "third".to_string(),
        n => format!("{n}th"),
    }
}
