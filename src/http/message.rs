//! The client's messages: what a fetch returns ([`Fetched`], or [`Download`] to stream),
//! what a write sends ([`WriteRequest`], [`Payload`]) and how it ended ([`WriteOutcome`]), and
//! one raw exchange for `doctor` ([`ProbeResponse`]).

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::HeaderMap;
use url::Url;

use super::wire::network;
use crate::error::{IoResultExt, Result};
use crate::etag::{ETag, Precondition};

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
    /// What the headers say about a cache on the way; `None` when nothing does.
    pub cache: Option<super::CacheSigns>,
    pub body: Bytes,
}

/// How hard a GET tries to get past caches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// `Cache-Control: no-cache`: every fetch made for editing.
    NoCache,
    /// Also `max-age=0` and `Pragma: no-cache`: after a 412, to ask every cache on the way to
    /// revalidate.
    Revalidate,
    /// Revalidate, with the query parameter `name=value` added, so that no cache holds a copy
    /// under that URL.
    Bust { name: String, value: String },
}

/// A GET whose body has not been read yet: for streaming large bodies to disk.
pub struct Download {
    pub status: u16,
    pub url: Url,
    pub etag: Option<ETag>,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    pub accept_patch: Option<String>,
    /// What the headers say about a cache on the way.
    pub cache: Option<super::CacheSigns>,
    /// From Content-Length, when the server sent one.
    pub content_length: Option<u64>,
    /// The response's `Date`, to judge how fresh Last-Modified is.
    pub(super) date: Option<String>,
    pub(super) response: reqwest::Response,
    /// The URL asked for (before redirects), and how, to fetch it again after a lost
    /// connection.
    pub(super) requested: Url,
    pub(super) freshness: Freshness,
    /// Attempts made at this GET so far, counted against `--retry`.
    pub(super) attempts: u32,
}

/// What [`super::Client::next_piece`] read from a download's body.
pub enum Piece {
    /// The next part of the body.
    Data(Bytes),
    /// The connection was lost part-way and the GET was made again: what was read of the body
    /// so far must be thrown away, and the body (and its validators: the resource may have
    /// changed meanwhile) read from the start.
    Restart,
    /// The end of the body.
    End,
}

impl Download {
    /// The next chunk of the body; `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        crate::interrupt::guard(async { self.response.chunk().await.map_err(|e| network(&self.url, &e)) })
            .await
    }

    /// Reads the rest of the body into memory.
    pub async fn collect(self) -> Result<Fetched> {
        let url = self.url.clone();
        crate::interrupt::guard(async { self.read_all().await.map_err(|e| network(&url, &e)) }).await
    }

    /// [`Download::collect`], with the transport failure as it came, for the client to judge
    /// whether to fetch again.
    pub(super) async fn read_all(mut self) -> reqwest::Result<Fetched> {
        let mut body = Vec::with_capacity(self.content_length.unwrap_or(0).min(64 << 20) as usize);
        while let Some(chunk) = self.response.chunk().await? {
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched { body: Bytes::from(body), ..self.head() })
    }

    /// The status line and the response headers, one per line, then an empty line: what
    /// `get -i` prints before the body.
    pub fn status_and_headers(&self) -> String {
        let mut text = format!("{:?} {}\n", self.response.version(), self.response.status());
        for (name, value) in self.response.headers() {
            let value = crate::sanitize::sanitize(&String::from_utf8_lossy(value.as_bytes())).into_owned();
            text += &format!("{name}: {value}\n");
        }
        text.push('\n');
        text
    }

    /// Everything but the body, for a caller that streamed the body elsewhere: a [`Fetched`]
    /// whose `body` is empty.
    pub fn head(&self) -> Fetched {
        Fetched {
            status: self.status,
            url: self.url.clone(),
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
            content_type: self.content_type.clone(),
            accept_patch: self.accept_patch.clone(),
            cache: self.cache.clone(),
            body: Bytes::new(),
        }
    }
}

/// How a conditional write ended. Conflicts are outcomes the caller handles, not errors.
#[derive(Debug, Clone)]
pub enum WriteOutcome {
    /// 2xx. The new validators, when the response carried them (§9.3.4: often it does not).
    Written { status: u16, etag: Option<ETag>, last_modified: Option<String> },
    /// 412, or a status configured with `--conflict-status`: the validator did not match.
    /// `etag` is the one the answer carried, when it did: some servers name their current
    /// version there.
    PreconditionFailed { status: u16, detail: String, etag: Option<ETag> },
    /// 428 (RFC 6585): the server wants a precondition and we sent none.
    PreconditionRequired { detail: String },
    /// 409 without `--conflict-status 409`: a state conflict, not a version conflict.
    Conflict { detail: String },
}

/// What a write sends: bytes in memory, or a file streamed from disk (large uploads with
/// nothing to merge, so they never need to be held in memory), hashed as it goes out into
/// `sent`.
#[derive(Debug, Clone)]
pub enum Payload {
    Bytes(Bytes),
    File { path: std::path::PathBuf, len: u64, sent: super::SentDigest },
}

impl Payload {
    pub fn len(&self) -> u64 {
        match self {
            Payload::Bytes(b) => b.len() as u64,
            Payload::File { len, .. } => *len,
        }
    }

    /// A fresh request body (a file is reopened, so a redirected write can resend it).
    pub(super) async fn body(&self) -> Result<reqwest::Body> {
        match self {
            Payload::Bytes(b) => Ok(reqwest::Body::from(b.clone())),
            Payload::File { path, len, sent } => {
                let file = tokio::fs::File::open(path).await.context("open", path)?;
                let body = sent.attempt(file, *len, path.clone());
                Ok(reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(body)))
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

/// One raw exchange, as [`super::Client::probe`] recorded it: whatever the status.
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
    /// The body carries a version the server checks (a version field): sending it again is
    /// as safe as a write with a precondition, so it may be retried.
    pub version_in_body: bool,
}
