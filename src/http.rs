//! The HTTP client: [`Client::fetch`] → [`Fetched`] and [`Client::write`] → [`WriteOutcome`].
//! It owns headers, credentials, redirects, `-v` output and turning transport failures into
//! errors; what a status means for the user's edit is left to the write cycle.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::diff::sanitize;
use crate::error::{Error, Result};
use crate::etag::{ETag, Precondition, settling_delay};
use crate::settings::{Auth, Settings};

/// Redirects followed by a fetch before giving up.
const MAX_REDIRECTS: usize = 10;

/// A successful GET.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    /// The URL the body came from, after redirects.
    pub url: Url,
    pub etag: Option<ETag>,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    pub accept_patch: Option<String>,
    pub body: Bytes,
}

/// How a conditional write ended. Conflicts are outcomes the caller handles, not errors.
#[derive(Debug, Clone)]
pub enum WriteOutcome {
    /// 2xx. The new validators, when the response carried them (§9.3.4: often it does not).
    Written { status: u16, etag: Option<ETag>, last_modified: Option<String> },
    /// 412, or a status configured with `--conflict-status`: the validator did not match.
    PreconditionFailed { status: u16, detail: String },
    /// 428 (RFC 6585): the server wants a precondition and we sent none.
    PreconditionRequired { detail: String },
    /// 409 without `--conflict-status 409`: a state conflict, not a version conflict.
    Conflict { detail: String },
}

/// One conditional write.
#[derive(Debug, Clone)]
pub struct WriteRequest<'a> {
    pub url: &'a Url,
    pub method: Method,
    pub body: Bytes,
    pub content_type: Option<&'a str>,
    pub precondition: &'a Precondition,
}

/// The configured client.
pub struct Client {
    inner: reqwest::Client,
    headers: Vec<(String, String)>,
    auth: Option<Auth>,
    verbose: bool,
    conflict_statuses: Vec<u16>,
}

impl Client {
    /// Builds the client. Redirects are handled here, not by reqwest, so that credentials are
    /// dropped on a cross-origin hop and writes are never re-targeted.
    pub fn new(settings: &Settings) -> Result<Client> {
        // Installing twice is harmless: the second call reports an error we can ignore.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let inner = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("ifmatch/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::other(format!("could not set up the HTTP client: {}", chain(&e))))?;
        Ok(Client {
            inner,
            headers: settings.headers.clone(),
            auth: settings.auth.clone(),
            verbose: settings.verbose,
            conflict_statuses: settings.conflict_statuses.clone(),
        })
    }

    /// GET for editing: `Cache-Control: no-cache` so no cache hands out a stale validator,
    /// `Accept-Encoding: identity` so no compression changes the ETag. Follows redirects
    /// (bounded), dropping credentials when the origin changes. Any non-2xx is an error.
    ///
    /// A weak ETag on a resource that changed within the last second (Apache's mtime-based
    /// ETags) is waited out once — one or two seconds — and fetched again, since a second later
    /// the server hands out the strong tag that `If-Match` needs (see [`settling_delay`]).
    pub async fn fetch(&self, url: &Url) -> Result<Fetched> {
        let (fetched, date) = self.fetch_once(url).await?;
        let delay = settling_delay(fetched.etag.as_ref(), date.as_deref(), fetched.last_modified.as_deref());
        let Some(delay) = delay else { return Ok(fetched) };
        if self.verbose {
            eprintln!(
                "* weak ETag on a resource changed within the last second; fetching again in {} s for a strong one",
                delay.as_secs()
            );
        }
        tokio::time::sleep(delay).await;
        Ok(self.fetch_once(url).await?.0)
    }

    /// One fetch (with its redirects), and the response's `Date`.
    async fn fetch_once(&self, url: &Url) -> Result<(Fetched, Option<String>)> {
        let mut current = url.clone();
        let mut with_auth = true;
        for _ in 0..=MAX_REDIRECTS {
            let mut request = self.request(Method::GET, &current, with_auth);
            request = request.header("Cache-Control", "no-cache");
            if !self.has_header("accept-encoding") {
                request = request.header("Accept-Encoding", "identity");
            }
            let response = self.send(request, &current).await?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let next = redirect_target(&current, response.headers())?;
                if next.origin() != url.origin() {
                    with_auth = false;
                }
                current = next;
                continue;
            }
            let headers = response.headers().clone();
            let final_url = response.url().clone();
            let body = response.bytes().await.map_err(|e| network(&current, &e))?;
            if !status.is_success() {
                return Err(Error::status(current.as_str(), status.as_u16(), detail(&headers, &body)));
            }
            let fetched = Fetched {
                status: status.as_u16(),
                url: final_url,
                etag: header(&headers, "etag").and_then(|v| ETag::parse(&v)),
                last_modified: header(&headers, "last-modified"),
                content_type: header(&headers, "content-type"),
                accept_patch: header(&headers, "accept-patch"),
                body,
            };
            return Ok((fetched, header(&headers, "date")));
        }
        Err(Error::Other {
            message: format!("{url} redirected more than {MAX_REDIRECTS} times"),
            hints: vec!["check the URL; the server may be in a redirect loop".to_string()],
        })
    }

    /// Sends a conditional write. Redirects are reported, never followed: the write must not
    /// silently land somewhere else.
    pub async fn write(&self, req: WriteRequest<'_>) -> Result<WriteOutcome> {
        let mut request = self.request(req.method.clone(), req.url, true);
        if let Some((name, value)) = req.precondition.header() {
            request = request.header(name, value);
        }
        if let Some(ct) = req.content_type
            && !self.has_header("content-type")
        {
            request = request.header("Content-Type", ct);
        }
        if self.verbose {
            eprintln!("> ({} bytes of body)", req.body.len());
        }
        let response = self.send(request.body(req.body), req.url).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| network(req.url, &e))?;
        let code = status.as_u16();
        if status.is_success() {
            return Ok(WriteOutcome::Written {
                status: code,
                etag: header(&headers, "etag").and_then(|v| ETag::parse(&v)),
                last_modified: header(&headers, "last-modified"),
            });
        }
        if code == 412 || self.conflict_statuses.contains(&code) {
            return Ok(WriteOutcome::PreconditionFailed { status: code, detail: detail(&headers, &body) });
        }
        if code == 428 {
            return Ok(WriteOutcome::PreconditionRequired { detail: detail(&headers, &body) });
        }
        if code == 409 {
            return Ok(WriteOutcome::Conflict { detail: detail(&headers, &body) });
        }
        if status.is_redirection() {
            let target = header(&headers, "location").unwrap_or_default();
            return Err(Error::Other {
                message: format!(
                    "{} answered {code} and points the {} at {}",
                    req.url,
                    req.method,
                    sanitize(&target)
                ),
                hints: vec![
                    "ifmatch does not follow redirects on writes; run the command again with that URL"
                        .to_string(),
                ],
            });
        }
        Err(Error::status(req.url.as_str(), code, detail(&headers, &body)))
    }

    fn has_header(&self, lower: &str) -> bool {
        self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(lower))
    }

    fn request(&self, method: Method, url: &Url, with_auth: bool) -> reqwest::RequestBuilder {
        let mut request = self.inner.request(method, url.clone());
        for (name, value) in &self.headers {
            let lower = name.to_ascii_lowercase();
            if !with_auth && (lower == "authorization" || lower == "cookie") {
                continue;
            }
            request = request.header(name.as_str(), value.as_str());
        }
        match (&self.auth, with_auth) {
            (Some(Auth::Basic { user, password }), true) => request.basic_auth(user, Some(password)),
            (Some(Auth::Bearer(token)), true) => request.bearer_auth(token),
            _ => request,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder, url: &Url) -> Result<reqwest::Response> {
        let request = request
            .build()
            .map_err(|e| Error::other(format!("could not build the request: {}", chain(&e))))?;
        if self.verbose {
            eprintln!("> {} {} HTTP/1.1", request.method(), request.url());
            print_headers('>', request.headers());
        }
        let response = self.inner.execute(request).await.map_err(|e| network(url, &e))?;
        if self.verbose {
            eprintln!("< {:?} {}", response.version(), response.status());
            print_headers('<', response.headers());
            eprintln!();
        }
        Ok(response)
    }
}

/// `-v` output: every header, credentials redacted.
fn print_headers(prefix: char, headers: &HeaderMap) {
    for (name, value) in headers {
        let shown = if is_secret(name) {
            "<redacted>".to_string()
        } else {
            sanitize(&String::from_utf8_lossy(value.as_bytes())).into_owned()
        };
        eprintln!("{prefix} {name}: {shown}");
    }
}

fn is_secret(name: &HeaderName) -> bool {
    matches!(name.as_str(), "authorization" | "proxy-authorization" | "cookie" | "set-cookie")
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(|v| v.trim().to_string())
}

fn redirect_target(from: &Url, headers: &HeaderMap) -> Result<Url> {
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
fn detail(headers: &HeaderMap, body: &[u8]) -> String {
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
fn network(url: &Url, err: &reqwest::Error) -> Error {
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
fn chain(err: &dyn std::error::Error) -> String {
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
