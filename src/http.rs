//! The HTTP client: [`Client::fetch`] → [`Fetched`], [`Client::write`] → [`WriteOutcome`], and
//! [`Client::probe`] → [`ProbeResponse`] (one raw exchange, for `doctor`). It owns headers,
//! credentials, redirects, `-v` output and turning transport failures into errors; what a
//! status means for the user's edit is left to the write cycle.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::diff::sanitize;
use crate::error::{Error, Result};
use crate::etag::{ETag, Precondition, settling_delay};
use crate::settings::{Auth, Settings};

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

/// A GET whose body has not been read yet: for streaming large bodies to disk.
pub struct Download {
    pub status: u16,
    pub url: Url,
    pub etag: Option<ETag>,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    pub accept_patch: Option<String>,
    /// From Content-Length, when the server sent one.
    pub content_length: Option<u64>,
    /// The response's `Date`, to judge how fresh Last-Modified is.
    date: Option<String>,
    response: reqwest::Response,
}

impl Download {
    /// The next chunk of the body; `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        self.response.chunk().await.map_err(|e| network(&self.url, &e))
    }

    /// Reads the rest of the body into memory.
    pub async fn collect(mut self) -> Result<Fetched> {
        let mut body = Vec::with_capacity(self.content_length.unwrap_or(0).min(64 << 20) as usize);
        while let Some(chunk) = self.chunk().await? {
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status: self.status,
            url: self.url,
            etag: self.etag,
            last_modified: self.last_modified,
            content_type: self.content_type,
            accept_patch: self.accept_patch,
            body: Bytes::from(body),
        })
    }
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

/// What a write sends: bytes in memory, or a file streamed from disk (large uploads with
/// nothing to merge, so they never need to be held in memory).
#[derive(Debug, Clone)]
pub enum Payload {
    Bytes(Bytes),
    File { path: std::path::PathBuf, len: u64 },
}

impl Payload {
    pub fn len(&self) -> u64 {
        match self {
            Payload::Bytes(b) => b.len() as u64,
            Payload::File { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A fresh request body (a file is reopened, so a redirected write can resend it).
    async fn body(&self) -> Result<reqwest::Body> {
        match self {
            Payload::Bytes(b) => Ok(reqwest::Body::from(b.clone())),
            Payload::File { path, .. } => {
                let file = tokio::fs::File::open(path).await.map_err(|e| Error::io("open", path, e))?;
                Ok(reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file)))
            }
        }
    }
}

impl From<Bytes> for Payload {
    fn from(bytes: Bytes) -> Payload {
        Payload::Bytes(bytes)
    }
}

impl From<Vec<u8>> for Payload {
    fn from(bytes: Vec<u8>) -> Payload {
        Payload::Bytes(Bytes::from(bytes))
    }
}

/// One raw exchange, as [`Client::probe`] recorded it: whatever the status.
#[derive(Debug, Clone)]
pub struct ProbeResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// One conditional write.
#[derive(Debug, Clone)]
pub struct WriteRequest<'a> {
    pub url: &'a Url,
    pub method: Method,
    pub body: Payload,
    pub content_type: Option<&'a str>,
    pub precondition: &'a Precondition,
}

/// The configured client.
pub struct Client {
    inner: reqwest::Client,
    headers: Vec<(String, String)>,
    auth: Option<Auth>,
    netrc: Option<crate::netrc::Netrc>,
    verbose: bool,
    conflict_statuses: Vec<u16>,
    max_redirects: usize,
    follow_writes: bool,
}

impl Client {
    /// Builds the client. Redirects are handled here, not by reqwest, so that credentials are
    /// dropped on a cross-origin hop and writes are never re-targeted.
    pub fn new(settings: &Settings) -> Result<Client> {
        // Installing twice is harmless: the second call reports an error we can ignore.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("ifmatch/", env!("CARGO_PKG_VERSION")));
        builder = tls(builder, &settings.tls)?;
        if let Some(proxy) = &settings.proxy {
            let mut p = reqwest::Proxy::all(proxy.as_str()).map_err(|e| {
                Error::usage(
                    format!("--proxy {proxy}: {}", chain(&e)),
                    "give a proxy URL such as http://proxy:3128",
                )
            })?;
            if let Some(hosts) = &settings.noproxy {
                p = p.no_proxy(reqwest::NoProxy::from_string(hosts));
            }
            builder = builder.proxy(p);
        } else if let Some(hosts) = &settings.noproxy {
            // Keep the environment's proxies but with these exceptions (replacing NO_PROXY, as
            // curl's --noproxy does). Adding any proxy turns reqwest's own env lookup off.
            let exceptions = reqwest::NoProxy::from_string(hosts);
            for var in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
                if let Ok(url) = std::env::var(var)
                    && !url.is_empty()
                {
                    let proxy = if var.to_ascii_lowercase().starts_with("https") {
                        reqwest::Proxy::https(url.as_str())
                    } else if var.to_ascii_lowercase().starts_with("http") {
                        reqwest::Proxy::http(url.as_str())
                    } else {
                        reqwest::Proxy::all(url.as_str())
                    };
                    if let Ok(p) = proxy {
                        builder = builder.proxy(p.no_proxy(exceptions.clone()));
                    }
                }
            }
        }
        let inner = builder
            .build()
            .map_err(|e| Error::other(format!("could not set up the HTTP client: {}", chain(&e))))?;
        Ok(Client {
            inner,
            headers: settings.headers.clone(),
            auth: settings.auth.clone(),
            netrc: settings.netrc.clone(),
            verbose: settings.verbose,
            conflict_statuses: settings.conflict_statuses.clone(),
            max_redirects: settings.max_redirects,
            follow_writes: settings.follow_writes,
        })
    }

    /// GET for editing: `Cache-Control: no-cache` so no cache hands out a stale validator,
    /// `Accept-Encoding: identity` so no compression changes the ETag. Follows redirects
    /// (bounded), dropping credentials when the origin changes. Any non-2xx is an error.
    pub async fn fetch(&self, url: &Url) -> Result<Fetched> {
        self.open(url).await?.collect().await
    }

    /// Like [`Client::fetch`], but hands back the body unread, to stream it.
    ///
    /// A weak ETag on a resource that changed within the last second (Apache's mtime-based
    /// ETags) is waited out once — one or two seconds — and fetched again, since a second later
    /// the server hands out the strong tag that `If-Match` needs (see [`settling_delay`]).
    pub async fn open(&self, url: &Url) -> Result<Download> {
        let first = self.open_once(url).await?;
        let Some(delay) =
            settling_delay(first.etag.as_ref(), first.date.as_deref(), first.last_modified.as_deref())
        else {
            return Ok(first);
        };
        drop(first);
        if self.verbose {
            eprintln!(
                "* weak ETag on a resource changed within the last second; fetching again in {} s for a strong one",
                delay.as_secs()
            );
        }
        tokio::time::sleep(delay).await;
        self.open_once(url).await
    }

    /// One GET (with its redirects), body unread.
    async fn open_once(&self, url: &Url) -> Result<Download> {
        let mut current = url.clone();
        let mut with_auth = true;
        for _ in 0..=self.max_redirects {
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
                    // Credentials are for the origin the user named, never for another one.
                    with_auth = false;
                }
                current = next;
                continue;
            }
            let headers = response.headers().clone();
            if !status.is_success() {
                let body = response.bytes().await.map_err(|e| network(&current, &e))?;
                return Err(Error::status(current.as_str(), status.as_u16(), detail(&headers, &body)));
            }
            return Ok(Download {
                status: status.as_u16(),
                url: response.url().clone(),
                etag: header(&headers, "etag").and_then(|v| ETag::parse(&v)),
                last_modified: header(&headers, "last-modified"),
                content_type: header(&headers, "content-type"),
                accept_patch: header(&headers, "accept-patch"),
                content_length: response.content_length(),
                date: header(&headers, "date"),
                response,
            });
        }
        Err(Error::Other {
            message: format!("{url} redirected more than {} times", self.max_redirects),
            hints: vec!["check the URL, or raise --max-redirects N".to_string()],
        })
    }

    /// Sends a conditional write. Redirects are reported, never followed: the write must not
    /// silently land somewhere else.
    pub async fn write(&self, req: WriteRequest<'_>) -> Result<WriteOutcome> {
        let mut target = req.url.clone();
        for _ in 0..=self.max_redirects {
            match self.write_once(&req, &target).await? {
                Step::Done(outcome) => return Ok(outcome),
                Step::Redirect(next) => target = next,
            }
        }
        Err(Error::Other {
            message: format!("{} redirected the write more than {} times", req.url, self.max_redirects),
            hints: vec!["check the URL; nothing was written".to_string()],
        })
    }

    async fn write_once(&self, req: &WriteRequest<'_>, url: &Url) -> Result<Step> {
        let mut request = self.request(req.method.clone(), url, url.origin() == req.url.origin());
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
        if let Payload::File { len, .. } = &req.body {
            request = request.header("Content-Length", *len);
        }
        let response = self.send(request.body(req.body.body().await?), url).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| network(url, &e))?;
        let code = status.as_u16();
        let outcome = if status.is_success() {
            WriteOutcome::Written {
                status: code,
                etag: header(&headers, "etag").and_then(|v| ETag::parse(&v)),
                last_modified: header(&headers, "last-modified"),
            }
        } else if code == 412 || self.conflict_statuses.contains(&code) {
            WriteOutcome::PreconditionFailed { status: code, detail: detail(&headers, &body) }
        } else if code == 428 {
            WriteOutcome::PreconditionRequired { detail: detail(&headers, &body) }
        } else if code == 409 {
            WriteOutcome::Conflict { detail: detail(&headers, &body) }
        } else if status.is_redirection() {
            let next = redirect_target(url, &headers)?;
            // Only 307/308 promise the same method and body (RFC 9110 §15.4.8, §15.4.9); a
            // write is followed only when asked, and never to another origin.
            let replayable = code == 307 || code == 308;
            if self.follow_writes && replayable && next.origin() == req.url.origin() {
                return Ok(Step::Redirect(next));
            }
            let hint = if !replayable {
                "a 301/302/303 would turn the write into a GET; use the new URL directly"
            } else if next.origin() != req.url.origin() {
                "ifmatch never follows a write to another origin; use the new URL directly if you trust it"
            } else {
                "nothing was written; use the new URL, or --follow-writes to follow 307/308 on the same origin"
            };
            return Err(Error::Other {
                message: format!(
                    "{url} answered {code} and points the {} at {}",
                    req.method,
                    sanitize(next.as_str())
                ),
                hints: vec![hint.to_string()],
            });
        } else {
            return Err(Error::status(url.as_str(), code, detail(&headers, &body)));
        };
        Ok(Step::Done(outcome))
    }

    /// Sends exactly one request and returns what came back, whatever the status: no redirect
    /// is followed and no status is an error (only transport failures are). The user's `-H`
    /// headers and credentials go along as on every request; `headers` are added on top and
    /// replace a user header of the same name, because they are what the probe is about.
    pub async fn probe(
        &self,
        method: Method,
        url: &Url,
        headers: &[(&str, &str)],
        body: Option<Bytes>,
    ) -> Result<ProbeResponse> {
        let mut request = build(self.request(method, url, true))?;
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::other(format!("invalid probe header name {name:?}: {e}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|e| Error::other(format!("invalid value for probe header {name}: {e}")))?;
            request.headers_mut().insert(name, value);
        }
        if let Some(body) = body {
            if self.verbose {
                eprintln!("> ({} bytes of body)", body.len());
            }
            *request.body_mut() = Some(body.into());
        }
        let response = self.execute(request, url).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| network(url, &e))?;
        Ok(ProbeResponse { status, headers, body })
    }

    fn has_header(&self, lower: &str) -> bool {
        self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(lower))
    }

    /// A request with the user's headers and, unless `with_auth` is off, credentials: `-u`,
    /// a bearer token, or the `--netrc` entry for the URL's host.
    fn request(&self, method: Method, url: &Url, with_auth: bool) -> reqwest::RequestBuilder {
        let mut request = self.inner.request(method, url.clone());
        for (name, value) in &self.headers {
            let lower = name.to_ascii_lowercase();
            if !with_auth && (lower == "authorization" || lower == "cookie") {
                continue;
            }
            request = request.header(name.as_str(), value.as_str());
        }
        if !with_auth {
            return request;
        }
        match &self.auth {
            Some(Auth::Basic { user, password }) => request.basic_auth(user, Some(password)),
            Some(Auth::Bearer(token)) => request.bearer_auth(token),
            None => match self.netrc.as_ref().zip(url.host_str()).and_then(|(n, host)| n.lookup(host)) {
                Some(entry) => request.basic_auth(&entry.login, Some(&entry.password)),
                None => request,
            },
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder, url: &Url) -> Result<reqwest::Response> {
        self.execute(build(request)?, url).await
    }

    /// Sends a built request, with `-v` output; transport failures become exit-7 errors.
    async fn execute(&self, request: reqwest::Request, url: &Url) -> Result<reqwest::Response> {
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

enum Step {
    Done(WriteOutcome),
    Redirect(Url),
}

/// Applies `--cacert`, `--cert`/`--key` and `-k` to the builder.
fn tls(mut builder: reqwest::ClientBuilder, tls: &crate::settings::Tls) -> Result<reqwest::ClientBuilder> {
    let read = |path: &std::path::Path| std::fs::read(path).map_err(|e| Error::io("read", path, e));
    if let Some(path) = &tls.cacert {
        let certs = reqwest::Certificate::from_pem_bundle(&read(path)?).map_err(|e| {
            Error::usage(
                format!("--cacert {}: {}", path.display(), chain(&e)),
                "give a PEM file of CA certificates",
            )
        })?;
        if certs.is_empty() {
            return Err(Error::usage(
                format!("--cacert {} holds no certificate", path.display()),
                "give a PEM file with -----BEGIN CERTIFICATE----- blocks",
            ));
        }
        builder = builder.tls_certs_merge(certs);
    }
    if let Some(cert) = &tls.cert {
        let mut pem = read(cert)?;
        if let Some(key) = &tls.key {
            pem.push(b'\n');
            pem.extend(read(key)?);
        }
        let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
            Error::usage(
                format!("--cert {}: {}", cert.display(), chain(&e)),
                "give the certificate and its private key in PEM (--key FILE)",
            )
        })?;
        builder = builder.identity(identity);
    }
    if tls.insecure {
        eprintln!(
            "ifmatch: warning: --insecure: TLS certificates are not verified; anyone in the path can read and change this traffic"
        );
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    Ok(builder)
}

fn build(request: reqwest::RequestBuilder) -> Result<reqwest::Request> {
    request.build().map_err(|e| Error::other(format!("could not build the request: {}", chain(&e))))
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
