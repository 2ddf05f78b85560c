//! Small pieces of the wire shared by the client's parts: headers, redirects, error details,
//! `-v` output, and turning transport failures into errors.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::diff::sanitize;
use crate::error::{Error, Result};

pub(super) fn build(request: reqwest::RequestBuilder) -> Result<reqwest::Request> {
    request.build().map_err(|e| Error::other(format!("could not build the request: {}", chain(&e))))
}

/// `-v` output: every header, credentials redacted.
pub(super) fn print_headers(prefix: char, headers: &HeaderMap) {
    for (name, value) in headers {
        let shown = if is_secret(name) {
            "<redacted>".to_string()
        } else {
            sanitize(&String::from_utf8_lossy(value.as_bytes())).into_owned()
        };
        eprintln!("{prefix} {name}: {shown}");
    }
}

pub(super) fn is_secret(name: &HeaderName) -> bool {
    matches!(name.as_str(), "authorization" | "proxy-authorization" | "cookie" | "set-cookie")
}

pub(super) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(|v| v.trim().to_string())
}

pub(super) fn redirect_target(from: &Url, headers: &HeaderMap) -> Result<Url> {
    let location = header(headers, "location").ok_or_else(|| Error::Other {
        message: format!("{from} answered a redirect without a Location header"),
        hints: vec!["the server is misbehaving; ask its operator".to_string()],
    })?;
    from.join(&location).map_err(|e| Error::Other {
        message: format!("{from} redirected to an invalid URL {}: {e}", sanitize(&location)),
        hints: vec![],
    })
}

/// A one-line description of an error response body, for messages: the `detail`/`title` of an
/// RFC 9457 problem, else the first line of a short text body.
pub fn detail(headers: &HeaderMap, body: &[u8]) -> String {
    let is_json = header(headers, "content-type").is_some_and(|ct| ct.contains("json"));
    if is_json && let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        for key in ["detail", "title", "message", "error"] {
            if let Some(text) = value.get(key).and_then(|v| v.as_str()) {
                return sanitize(text).into_owned();
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('<')).unwrap_or("");
    let mut line = sanitize(line).into_owned();
    if line.len() > 200 {
        let cut = (0..=200).rev().find(|i| line.is_char_boundary(*i)).unwrap_or(0);
        line.truncate(cut);
        line.push('…');
    }
    line
}

/// Maps a transport failure to exit 7 with its cause chain and a hint.
pub(super) fn network(url: &Url, err: &reqwest::Error) -> Error {
    let hint = if err.is_timeout() {
        "the server did not answer in time; raise --timeout SECONDS or try again"
    } else if err.is_connect() {
        "check that the server is running and the host and port are right"
    } else {
        "check the network and the URL, then try again"
    };
    Error::Network { url: url.to_string(), message: chain(err), hints: vec![hint.to_string()] }
}

/// The error and its sources, joined: reqwest's top-level message alone says little.
pub(super) fn chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}
