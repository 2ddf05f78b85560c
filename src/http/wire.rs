//! Small pieces of the wire shared by the client's parts: headers, redirects, error details,
//! `-v` output, and turning transport failures into errors.

use reqwest::header::{HeaderMap, HeaderValue};
use url::Url;

use crate::error::{Error, Result};
use crate::sanitize::sanitize;

pub(super) fn build(request: reqwest::RequestBuilder) -> Result<reqwest::Request> {
    request.build().map_err(|e| Error::other(format!("could not build the request: {}", chain(&e))))
}

/// The `User-Agent` every request carries.
pub(super) const USER_AGENT: &str = concat!("ifmatch/", env!("CARGO_PKG_VERSION"));

/// The headers a request goes out with, for `-v`: its own, and those added on the way — `Host`
/// (by the connection), `User-Agent` and `Accept: */*` (by the client, unless given), and the
/// body's `Content-Length`.
pub(super) fn as_sent(request: &reqwest::Request) -> HeaderMap {
    use reqwest::header::{ACCEPT, CONTENT_LENGTH, HOST, TRANSFER_ENCODING, USER_AGENT as UA};
    let mut sent = HeaderMap::new();
    let url = request.url();
    if !request.headers().contains_key(HOST) {
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
            None => url.host_str().unwrap_or("").to_string(),
        };
        if let Ok(value) = HeaderValue::from_str(&host) {
            sent.insert(HOST, value);
        }
    }
    for (name, value) in request.headers() {
        sent.append(name.clone(), value.clone());
    }
    if !sent.contains_key(UA) {
        sent.insert(UA, HeaderValue::from_static(USER_AGENT));
    }
    if !sent.contains_key(ACCEPT) {
        sent.insert(ACCEPT, HeaderValue::from_static("*/*"));
    }
    if let Some(body) = request.body()
        && !sent.contains_key(CONTENT_LENGTH)
        && !sent.contains_key(TRANSFER_ENCODING)
    {
        match body.as_bytes() {
            Some(bytes) => {
                sent.insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            }
            None => {
                sent.insert(TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
            }
        }
    }
    sent
}

/// `-v` output: every header, credentials redacted.
pub(super) fn print_headers(prefix: char, headers: &HeaderMap) {
    for (name, value) in headers {
        let shown = if is_secret(name.as_str()) {
            "<redacted>".to_string()
        } else {
            sanitize(&String::from_utf8_lossy(value.as_bytes())).into_owned()
        };
        stderrln!("{prefix} {name}: {shown}");
    }
}

/// Headers that carry credentials: redacted by `-v`, and not sent along a redirect to another
/// origin. Besides the standard ones, any header whose name says it holds a key, token, secret
/// or auth value (`X-API-Key`, `X-Auth-Token`, …), as APIs name them.
pub(super) fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    // Challenges name a scheme and a realm, which help when debugging a 401.
    if name == "www-authenticate" || name == "proxy-authenticate" {
        return false;
    }
    matches!(name.as_str(), "authorization" | "proxy-authorization" | "cookie" | "set-cookie")
        || ["key", "token", "secret", "auth"].iter().any(|word| name.contains(word))
}

pub(super) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(|v| v.trim().to_string())
}

pub(super) fn redirect_target(from: &Url, headers: &HeaderMap) -> Result<Url> {
    let location = header(headers, "location").ok_or_else(|| {
        Error::other(format!("{from} answered a redirect without a Location header"))
            .with_hint("the server is misbehaving; ask its operator")
    })?;
    from.join(&location).map_err(|e| {
        Error::other(format!("{from} redirected to an invalid URL {}: {e}", sanitize(&location)))
    })
}

/// The error for a status no flow handles (4xx → exit 4, 5xx → exit 5), with the response's
/// detail and, for 429 and 503, when the server asks to be tried again (`Retry-After`, RFC 9110
/// §10.2.3).
pub fn status_error(url: &Url, status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
    let error = Error::status(url.as_str(), status, detail(headers, body));
    match header(headers, "retry-after") {
        Some(after) if status == 429 || status == 503 => {
            let when = match after.parse::<u64>() {
                Ok(secs) => format!("in {secs} s"),
                Err(_) => format!("after {}", sanitize(&after)),
            };
            error.with_hint(format!("the server asks to try again {when} (Retry-After)"))
        }
        _ => error,
    }
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

/// The error once `--max-time` has run out (exit 7, like curl's `-m`).
pub(super) fn max_time_error(url: &Url) -> Error {
    let limit = crate::deadline::limit().unwrap_or_default();
    Error::network(
        url.to_string(),
        format!("--max-time {} s reached before {url} answered", limit.as_secs_f64()),
    )
    .with_hint(
        "the whole command, retries included, must finish within --max-time; raise it, or leave it out"
            .to_string(),
    )
}

/// Maps a transport failure to exit 7 with its real cause and a hint.
pub(super) fn network(url: &Url, err: &reqwest::Error) -> Error {
    if err.is_timeout() && crate::deadline::expired() {
        return max_time_error(url);
    }
    let mut message = cause(err);
    let host = url.host_str().unwrap_or("").to_string();
    let port = url.port_or_known_default().unwrap_or(0);
    // The libraries' words, said for people.
    if message.contains("dns error") {
        message = format!("could not resolve host {host}");
    } else if message.contains("Connection refused") {
        message = format!("nothing listens on {host}:{port} (connection refused)");
    } else if message.contains("InvalidContentType") || message.contains("corrupt message") {
        message = format!("{host}:{port} answered in plain HTTP, not TLS");
    }
    let hint = if err.is_timeout() {
        "the server did not answer in time; raise --timeout SECONDS or try again".to_string()
    } else if message.contains("answered in plain HTTP") {
        // A TLS client reading a plain-HTTP answer sees a record type that does not exist.
        let mut plain = url.clone();
        let _ = plain.set_scheme("http");
        format!("is it an http:// server? then use {plain}")
    } else if message.starts_with("could not resolve host") {
        format!("check the host name {host}, and the network's DNS")
    } else if message.starts_with("nothing listens") {
        "start the server, or check the host and port".to_string()
    } else if err.is_connect() {
        "check that the server is running and the host and port are right".to_string()
    } else if message.contains("writing a body") || message.contains("Broken pipe") {
        // Many servers answer a refused upload (too large, a failed precondition) and close the
        // connection before reading the body; the answer is then lost to the client.
        format!(
            "the server closed the connection while the body was being sent: it may have refused it early (too large, or a precondition); nothing is known to be written — check with `ifmatch get {url}` or `ifmatch doctor {url}`"
        )
    } else {
        "check the network and the URL, then try again".to_string()
    };
    Error::network(url.as_str(), message).with_hint(hint)
}

/// The layers of a reqwest error that only repeat the URL or say which stage failed.
const WRAPPERS: [&str; 3] = ["error sending request for url", "client error (", "error trying to connect"];

/// The cause of a transport failure: the error's source chain without reqwest's and hyper's
/// wrapping layers, which repeat the URL and the stage ("client error (Connect)").
pub(super) fn cause(err: &dyn std::error::Error) -> String {
    let full = chain(err);
    let kept: Vec<&str> =
        full.split(": ").filter(|part| !WRAPPERS.iter().any(|w| part.starts_with(w))).collect();
    if kept.is_empty() { full } else { kept.join(": ") }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_by_name() {
        for name in ["Authorization", "Cookie", "X-API-Key", "X-Auth-Token", "Client-Secret", "apikey"] {
            assert!(is_secret(name), "{name}");
        }
        for name in ["Accept", "ETag", "WWW-Authenticate", "X-Trace", "Keep-Alive"] {
            assert!(!is_secret(name), "{name}");
        }
    }

    #[test]
    fn cause_drops_the_wrapping_layers() {
        let full = "error sending request for url (http://h/): client error (Connect): tcp connect error: Connection refused";
        let err = std::io::Error::other(full);
        assert_eq!(cause(&err), "tcp connect error: Connection refused");
    }
}
