//! The built-in reference server behind `ifmatch serve` and `ifmatch demo`: serves a directory
//! over HTTP/1.1 and enforces conditional requests the way RFC 9110 §13 describes — strong
//! content-hash ETags, Last-Modified, §13.2.2 evaluation order, 412 and 428 with RFC 9457
//! problem details, and a per-resource lock so that of concurrent writers sending the same
//! `If-Match` exactly one wins. This file owns the listener, the accept loop and the request
//! log; `handler` decides each response, with `precondition`, `entity_tag`, `sandbox`,
//! `resource`, `patch`, `lock`, `problem` and `log` as its parts. It runs on a current-thread tokio runtime: each
//! connection is a `tokio::spawn`ed task and file I/O goes through `spawn_blocking`.
//!
//! Choices worth knowing: a directory URL answers GET with a `text/plain` listing (one
//! percent-encoded relative URL per line, subdirectories ending in `/`) and cannot be written
//! (405); a missing resource fails `If-Unmodified-Since` (a deletion is a modification); a
//! malformed `If-Match`/`If-None-Match` (e.g. an unquoted tag) is 400, not 412; PUT stores any
//! bytes, while PATCH needs a `.json` resource holding valid JSON.

mod entity_tag;
mod handler;
mod lock;
mod log;
mod patch;
mod precondition;
mod problem;
mod resource;
mod sandbox;
#[cfg(test)]
mod tests;

use std::convert::Infallible;
use std::io::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use handler::Shared;

/// How to serve: the settings of `ifmatch serve`.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The directory to serve; must exist.
    pub dir: PathBuf,
    /// The address to bind (127.0.0.1 by default in the CLI).
    pub bind: IpAddr,
    /// The port; 0 picks a free one (see [`Server::local_addr`]).
    pub port: u16,
    /// Answer 428 Precondition Required to PUT/PATCH/DELETE that carry neither `If-Match`,
    /// nor `If-Unmodified-Since`, nor `If-None-Match: *` (RFC 6585 §3).
    pub require_precondition: bool,
    /// Send `W/"..."` ETags, as a compressing proxy would; `If-Match` then never matches.
    pub weak_etags: bool,
    /// The largest request body accepted, in bytes; larger ones get 413.
    pub max_body: u64,
    /// Do not log requests on stderr.
    pub quiet: bool,
}

/// A bound server, ready to [`run`](Server::run).
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    /// Checks that `config.dir` is a directory and binds the listener.
    pub async fn bind(config: ServeConfig) -> io::Result<Server> {
        let meta = tokio::fs::metadata(&config.dir)
            .await
            .map_err(|e| io::Error::new(e.kind(), format!("cannot serve {}: {e}", config.dir.display())))?;
        if !meta.is_dir() {
            let msg = format!("cannot serve {}: not a directory", config.dir.display());
            return Err(io::Error::new(io::ErrorKind::NotADirectory, msg));
        }
        let root = tokio::fs::canonicalize(&config.dir).await?;
        let listener = TcpListener::bind((config.bind, config.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared { config, root, locks: lock::LockMap::default() });
        Ok(Server { listener, addr, shared })
    }

    /// The bound address (with the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, e.g. `http://127.0.0.1:8080/`. An unspecified bind address (0.0.0.0,
    /// ::) is shown as the loopback address of its family, which is what a local client uses.
    pub fn url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}/", SocketAddr::new(ip, self.addr.port()))
    }

    /// Serves until the task is dropped. Per-connection errors (resets, malformed requests,
    /// header timeouts) end that connection only; running out of file descriptors pauses
    /// accepting briefly. Other accept errors are returned.
    pub async fn run(self) -> io::Result<()> {
        loop {
            let stream = match self.listener.accept().await {
                Ok((stream, _peer)) => stream,
                Err(e) if is_connection_error(&e) => continue,
                Err(e) if is_resource_exhaustion(&e) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let _ = stream.set_nodelay(true);
            let shared = Arc::clone(&self.shared);
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let shared = Arc::clone(&shared);
                    async move { Ok::<_, Infallible>(exchange(shared, req).await) }
                });
                // A slow or silent client may hold a connection open, not the server hostage.
                let _ = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(30))
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    }
}

/// One request: answer it, then log it.
async fn exchange(
    shared: Arc<Shared>,
    req: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<http_body_util::Full<bytes::Bytes>> {
    let quiet = shared.config.quiet;
    let logged = (!quiet).then(|| (req.method().clone(), req.uri().path().to_owned(), req.headers().clone()));
    let reply = handler::respond(shared, req).await;
    if let Some((method, path, headers)) = logged {
        let line = log::line(&method, &path, reply.status(), &headers);
        // A closed stderr must not take the server down.
        let _ = writeln!(io::stderr().lock(), "{line}");
    }
    reply
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// ENOMEM, ENFILE, EMFILE (same numbers on Linux and the BSDs): transient, so the accept loop
/// waits instead of failing.
fn is_resource_exhaustion(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::OutOfMemory || (cfg!(unix) && matches!(e.raw_os_error(), Some(12 | 23 | 24)))
}
