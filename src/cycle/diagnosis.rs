//! The errors that explain why a conflict cannot be settled by retrying: a 428 although a
//! validator was sent, a 409 that is not a version conflict, a 412 although nothing changed
//! (the validator itself is rejected), and a conflict the user or the policy left unresolved.
//! Shared by the write cycle and `apply`.

use url::Url;

use crate::error::Error;
use crate::etag::{ETag, Precondition};

/// A 428 although a precondition was sent: the server wants another kind of validator.
pub fn required_although_sent(url: &Url, sent: &Precondition, detail: &str) -> Error {
    Error::Conflict {
        message: format!(
            "{url} answered 428 Precondition Required although ifmatch sent {}: {detail}",
            sent.describe()
        ),
        hints: vec![
            "the server wants another validator; run `ifmatch doctor URL` to see what it supports"
                .to_string(),
        ],
    }
}

/// A 409 that is not configured as a version conflict (RFC 9110 §15.5.10).
pub fn state_conflict(url: &Url, detail: &str) -> Error {
    let detail = if detail.is_empty() { String::new() } else { format!(": {detail}") };
    Error::Conflict {
        message: format!("{url} answered 409 Conflict{detail}; nothing was written"),
        hints: vec![
            "409 is a conflict with the resource's state, not a failed precondition".to_string(),
            "if this API signals version conflicts with 409 (as Kubernetes does), add --conflict-status 409"
                .to_string(),
        ],
    }
}

/// A 412 (or configured conflict status) although the content is exactly the base: the
/// validator itself is being rejected.
pub fn rejected_validator(url: &Url, status: u16, sent: &Precondition, current: Option<&ETag>) -> Error {
    let mut hints = Vec::new();
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
        _ => {
            hints.push("a proxy or CDN may rewrite the ETag (compression weakens it); `ifmatch doctor URL` checks it".to_string());
            "the ETag the server sends is not the one it accepts"
        }
    };
    Error::Conflict {
        message: format!(
            "{url} answered {status} but its content did not change: {cause}{}; retrying would fail the same way",
            current.map(|t| format!(" (current ETag {t})")).unwrap_or_default()
        ),
        hints,
    }
}
