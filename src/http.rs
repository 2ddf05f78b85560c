//! The HTTP client: [`Client::fetch`] → [`Fetched`], [`Client::write`] → [`WriteOutcome`], and
//! [`Client::probe`] → [`ProbeResponse`] (one raw exchange, for `doctor`). It owns headers,
//! credentials, redirects, `-v` output, retrying transient failures (`retry`), the
//! `--max-time` bound on every request, and turning transport failures into errors; what a
//! status means for the user's edit is left to the write cycle.
//!
//! Every method that waits on the network (a request, a body, a retry's pause) ends with
//! [`Error::interrupted`] when Ctrl-C, SIGTERM or SIGHUP comes (see [`crate::interrupt`]), so
//! no caller has to guard a request itself.

use bytes::Bytes;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::error::{Error, Result};
use crate::etag::{ETag, settling_delay};
use crate::interrupt::guard;
use crate::sanitize::sanitize;
use crate::settings::{Auth, RetryPolicy};

mod cache;
mod message;
mod retry;
mod sent;
mod setup;
mod wire;

pub use cache::CacheSigns;
pub use message::{Download, Fetched, Freshness, Payload, Piece, ProbeResponse, WriteOutcome, WriteRequest};
use retry::Attempts;
pub use retry::{Retry, count as retry_count, retries, retries_since};
pub use sent::SentDigest;
pub use wire::detail;
use wire::{build, header, is_secret, network, print_headers, redirect_target, status_error};

/// The configured client.
pub struct Client {
    /// For plain HTTP; the TLS transport is in `tls`, built when first needed (see `setup`).
    plain: reqwest::Client,
    tls: setup::TlsSetup,
    /// `--timeout`, for building the TLS transport.
    timeout: std::time::Duration,
    headers: Vec<(String, String)>,
    auth: Option<Auth>,
    netrc: Option<crate::netrc::Netrc>,
    verbose: bool,
    conflict_statuses: Vec<u16>,
    max_redirects: usize,
    follow_writes: bool,
    /// `--proxy` and `--noproxy`, to name the proxy when it cannot be reached.
    proxy: Option<String>,
    noproxy: Option<String>,
    retry: RetryPolicy,
    /// For the one line each retry prints.
    ui: crate::ui::Ui,
    /// `--fetch-url`: where every GET reads from instead of the URL it was given (the origin
    /// behind a cache); writes still go to the usual URL.
    fetch_url: Option<Url>,
    /// The state store, where a write probe's verdict on an origin is remembered: a write to an
    /// origin that ignores If-Match on writes is never sent twice.
    state_dir: std::path::PathBuf,
}

impl Client {
    /// GET for editing: `Cache-Control: no-cache` so no cache hands out a stale validator,
    /// `Accept-Encoding: identity` so no compression changes the ETag. Follows redirects
    /// (bounded), dropping credentials when the origin changes. Any non-2xx is an error.
    ///
    /// A connection lost while the body arrives is retried like any transient failure: nothing
    /// of this body has been used yet.
    pub async fn fetch(&self, url: &Url) -> Result<Fetched> {
        self.fetch_fresh(url, &Freshness::NoCache).await
    }

    /// Like [`Client::fetch`], trying as hard as `freshness` says to get past caches.
    pub async fn fetch_fresh(&self, url: &Url, freshness: &Freshness) -> Result<Fetched> {
        guard(self.fetch_unguarded(url, freshness)).await
    }

    async fn fetch_unguarded(&self, url: &Url, freshness: &Freshness) -> Result<Fetched> {
        let mut attempts = Attempts::default();
        loop {
            let download = self.open_with(url, freshness, &mut attempts).await?;
            let from = download.url.clone();
            match download.read_all().await {
                Ok(fetched) => return Ok(fetched),
                Err(err) => {
                    let next = if retry::transient_transport(&err) && !crate::deadline::expired() {
                        self.next_wait(&Method::GET, &from, &attempts, true, None, Some(&err))
                    } else {
                        None
                    };
                    match next {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None => return Err(network(&from, &err)),
                    }
                }
            }
        }
    }

    /// Like [`Client::fetch`], but hands back the body unread, to stream it.
    ///
    /// A weak ETag on a resource that changed within the last second (Apache's mtime-based
    /// ETags) is waited out once — one or two seconds — and fetched again, since a second later
    /// the server hands out the strong tag that `If-Match` needs (see [`settling_delay`]).
    pub async fn open(&self, url: &Url) -> Result<Download> {
        self.open_fresh(url, &Freshness::NoCache).await
    }

    /// Like [`Client::open`], trying as hard as `freshness` says to get past caches.
    pub async fn open_fresh(&self, url: &Url, freshness: &Freshness) -> Result<Download> {
        guard(self.open_with(url, freshness, &mut Attempts::default())).await
    }

    async fn open_with(&self, url: &Url, freshness: &Freshness, attempts: &mut Attempts) -> Result<Download> {
        let first = self.open_once(url, freshness, attempts).await?;
        let Some(delay) =
            settling_delay(first.etag.as_ref(), first.date.as_deref(), first.last_modified.as_deref())
        else {
            return Ok(first);
        };
        drop(first);
        if self.verbose {
            stderrln!(
                "* weak ETag on a resource changed within the last second; fetching again in {} s for a strong one",
                delay.as_secs()
            );
        }
        tokio::time::sleep(delay).await;
        self.open_once(url, freshness, attempts).await
    }

    /// One GET (with its redirects), body unread. It reads from `--fetch-url` when one was
    /// given; a copy that came from there unredirected is reported under `url`, the resource
    /// the user named.
    async fn open_once(&self, url: &Url, freshness: &Freshness, attempts: &mut Attempts) -> Result<Download> {
        let mut start = self.fetch_url.clone().unwrap_or_else(|| url.clone());
        if let Freshness::Bust { name, value } = freshness {
            start.query_pairs_mut().append_pair(name, value);
        }
        let mut current = start.clone();
        let mut with_auth = true;
        for _ in 0..=self.max_redirects {
            let target = current.clone();
            let response = self
                .exchange(&current, attempts, async || {
                    let mut request = self.request(Method::GET, &target, with_auth);
                    request = match freshness {
                        Freshness::NoCache => request.header("Cache-Control", "no-cache"),
                        // RFC 9111 §5.2.1.1 and §5.2.1.4, and Pragma for HTTP/1.0 caches
                        // (§5.4), which some setups (nginx `proxy_cache_bypass $http_pragma`)
                        // look at.
                        Freshness::Revalidate | Freshness::Bust { .. } => request
                            .header("Cache-Control", "no-cache, max-age=0")
                            .header("Pragma", "no-cache"),
                    };
                    if !self.has_header("accept-encoding") {
                        request = request.header("Accept-Encoding", "identity");
                    }
                    build(request)
                })
                .await?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let next = redirect_target(&current, response.headers())?;
                if next.origin() != start.origin() {
                    // Credentials are for the origin the user named, never for another one.
                    with_auth = false;
                }
                current = next;
                continue;
            }
            let headers = response.headers().clone();
            if !status.is_success() {
                let body = response.bytes().await.map_err(|e| network(&current, &e))?;
                return Err(status_error(&current, status.as_u16(), &headers, &body));
            }
            // Only 200 and 203 carry the whole current representation (RFC 9110 §15.3); a 204,
            // 206 or the like would be taken for the body and written back.
            if status != StatusCode::OK && status != StatusCode::NON_AUTHORITATIVE_INFORMATION {
                return Err(Error::other(format!(
                    "{current} answered {} {} to a GET; ifmatch needs 200 OK with the whole body",
                    status.as_u16(),
                    crate::error::reason(status.as_u16())
                ))
                .with_hint("nothing was recorded; check the URL, or what answers in between (a proxy)"));
            }
            let cache = CacheSigns::of(&headers);
            if self.verbose
                && let Some(signs) = &cache
            {
                let what = if signs.hit { "served from a cache" } else { "came through a proxy" };
                stderrln!("* {what}: {}", signs.describe());
            }
            let from = if response.url() == &start { url.clone() } else { response.url().clone() };
            return Ok(Download {
                requested: url.clone(),
                freshness: freshness.clone(),
                attempts: attempts.made(),
                status: status.as_u16(),
                url: from,
                cache,
                etag: header(&headers, "etag").and_then(|v| ETag::parse(&v)),
                last_modified: header(&headers, "last-modified"),
                content_type: header(&headers, "content-type"),
                accept_patch: header(&headers, "accept-patch"),
                content_length: response.content_length(),
                date: header(&headers, "date"),
                response,
            });
        }
        Err(Error::other(format!("{url} redirected more than {} times", self.max_redirects))
            .with_hint("check the URL, or raise --max-redirects N"))
    }

    /// Sends a conditional write. Redirects are reported, never followed: the write must not
    /// silently land somewhere else.
    pub async fn write(&self, req: WriteRequest<'_>) -> Result<WriteOutcome> {
        guard(self.write_unguarded(req)).await
    }

    async fn write_unguarded(&self, req: WriteRequest<'_>) -> Result<WriteOutcome> {
        let mut target = req.url.clone();
        let mut attempts = Attempts::guarded(req.version_in_body);
        for _ in 0..=self.max_redirects {
            match self.write_once(&req, &target, &mut attempts).await? {
                Step::Done(outcome) => return Ok(outcome),
                Step::Redirect(next) => target = next,
            }
        }
        Err(Error::other(format!("{} redirected the write more than {} times", req.url, self.max_redirects))
            .with_hint("check the URL; nothing was written"))
    }

    async fn write_once(&self, req: &WriteRequest<'_>, url: &Url, attempts: &mut Attempts) -> Result<Step> {
        // Each attempt builds its request anew: a file body is reopened and streamed again.
        let response = self.exchange(url, attempts, async || self.write_request(req, url).await).await?;
        self.write_outcome(req, url, response).await
    }

    /// One attempt's request for a write.
    async fn write_request(&self, req: &WriteRequest<'_>, url: &Url) -> Result<reqwest::Request> {
        let mut request = self.request(req.method.clone(), url, url.origin() == req.url.origin());
        if let Some((name, value)) = req.precondition.header() {
            request = request.header(name, value);
        }
        // A PATCH body is in the patch format its media type names (RFC 5789 §2), so that type
        // replaces a user's `-H Content-Type`; a PUT's user header wins over the stored type.
        let patch = req.method == Method::PATCH;
        if let Some(ct) = req.content_type
            && !patch
            && !self.has_header("content-type")
        {
            request = request.header("Content-Type", ct);
        }
        if self.verbose {
            stderrln!("> ({} bytes of body)", req.body.len());
        }
        if let Payload::File { len, .. } = &req.body {
            request = request.header("Content-Length", *len);
        }
        let mut request = build(request.body(req.body.body().await?))?;
        if let Some(ct) = req.content_type.filter(|_| patch) {
            let value = HeaderValue::from_str(ct)
                .map_err(|e| Error::other(format!("invalid Content-Type {ct:?}: {e}")))?;
            request.headers_mut().insert(reqwest::header::CONTENT_TYPE, value);
        }
        Ok(request)
    }

    /// The parts of the answer to a write that decide its outcome.
    async fn write_outcome(
        &self,
        req: &WriteRequest<'_>,
        url: &Url,
        response: reqwest::Response,
    ) -> Result<Step> {
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
            WriteOutcome::PreconditionFailed {
                status: code,
                detail: detail(&headers, &body),
                etag: header(&headers, "etag").and_then(|v| ETag::parse(&v)),
            }
        } else if code == 428 {
            WriteOutcome::PreconditionRequired { detail: detail(&headers, &body) }
        } else if code == 409 {
            WriteOutcome::Conflict { detail: detail(&headers, &body) }
        } else if code == 304 {
            // 304 only answers a conditional GET or HEAD (RFC 9110 §15.4.5); to a write it says
            // nothing about whether the body was stored.
            return Err(Error::other(format!(
                    "{url} answered 304 Not Modified to a {}, an answer that makes no sense for a write (it only answers a conditional GET or HEAD)",
                    req.method
                )).with_hint(format!(
                    "the server is misbehaving; whether it stored your text is unknown: `ifmatch diff {url}` shows what it holds now"
                )));
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
            return Err(Error::other(format!(
                "{url} answered {code} and points the {} at {}",
                req.method,
                sanitize(next.as_str())
            ))
            .with_hint(hint.to_string()));
        } else {
            return Err(status_error(url, code, &headers, &body));
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
        guard(self.probe_unguarded(method, url, headers, body)).await
    }

    async fn probe_unguarded(
        &self,
        method: Method,
        url: &Url,
        headers: &[(&str, &str)],
        body: Option<Bytes>,
    ) -> Result<ProbeResponse> {
        let response = self
            .exchange(url, &mut Attempts::default(), async || {
                let mut request = build(self.request(method.clone(), url, true))?;
                for (name, value) in headers {
                    let name = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|e| Error::other(format!("invalid probe header name {name:?}: {e}")))?;
                    let value = HeaderValue::from_str(value)
                        .map_err(|e| Error::other(format!("invalid value for probe header {name}: {e}")))?;
                    request.headers_mut().insert(name, value);
                }
                if let Some(body) = &body {
                    if self.verbose {
                        stderrln!("> ({} bytes of body)", body.len());
                    }
                    *request.body_mut() = Some(body.clone().into());
                }
                Ok(request)
            })
            .await?;
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
        let mut request = self.plain.request(method, url.clone());
        for (name, value) in &self.headers {
            if !with_auth && is_secret(name) {
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

    /// Sends a built request, with `-v` output.
    async fn execute(
        &self,
        transport: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        if self.verbose {
            stderrln!("> {} {} HTTP/1.1", request.method(), request.url());
            print_headers('>', &wire::as_sent(&request));
        }
        let response = transport.execute(request).await?;
        if self.verbose {
            stderrln!("< {:?} {}", response.version(), response.status());
            print_headers('<', response.headers());
            stderrln!();
        }
        Ok(response)
    }
}

impl Client {
    /// A transport failure; when a proxy was in the way of connecting, the hint names it.
    fn network(&self, url: &Url, err: &reqwest::Error) -> Error {
        let error = network(url, err);
        match self.proxy_for(url) {
            Some(proxy) if err.is_connect() && error.is_network() => {
                let host = url.host_str().unwrap_or("HOST");
                // The connection that failed is the proxy's, not the host's.
                Error::network(url.as_str(), wire::cause(err)).with_hint(format!(
                    "the request goes through the proxy {proxy}: check that it runs, or bypass it with --noproxy {host}"
                ))
            }
            _ => error,
        }
    }
}

enum Step {
    Done(WriteOutcome),
    Redirect(Url),
}
