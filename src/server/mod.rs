//! The built-in reference server behind `ifmatch serve` and `ifmatch demo`: serves a directory
//! over HTTP/1.1 and enforces conditional requests the way RFC 9110 §13 describes — strong
//! content-hash ETags, Last-Modified, §13.2.2 evaluation order, 412 and 428 with RFC 9457
//! problem details, and a per-resource lock so that of concurrent writers sending the same
//! `If-Match` exactly one wins. This file owns the listener, the accept loop with its
//! connection limit, the header timeout (with its 408) and the request log; `handler` decides
//! each response, with `precondition`, `entity_tag`, `sandbox`, `resource`, `body`, `patch`,
//! `lock`, `problem` and `log` as its parts; `sweep` cleans up after a killed server at start. It runs on a current-thread tokio runtime: each
//! connection is a `tokio::spawn`ed task and file I/O goes through `spawn_blocking`.
//!
//! Choices worth knowing: a directory URL answers GET with a `text/plain` listing (one
//! percent-encoded relative URL per line, subdirectories ending in `/`) and cannot be written
//! (405); a missing resource fails `If-Unmodified-Since` (a deletion is a modification); a
//! malformed `If-Match`/`If-None-Match` (e.g. an unquoted tag) is 400, not 412; PUT stores any
//! bytes, while PATCH needs a `.json` resource holding valid JSON.

mod body;
mod entity_tag;
mod handler;
mod lock;
mod log;
mod patch;
mod precondition;
mod problem;
#[cfg(test)]
mod properties;
mod resource;
mod sandbox;
mod sweep;
#[cfg(test)]
mod tests;

use std::convert::Infallible;
use std::io::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use handler::Shared;

/// How to serve: the settings of `ifmatch serve`.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The directory to serve; must exist.
    pub dir: PathBuf,
    /// The address to bind (127.0.0.1 by default in the CLI).
    pub bind: IpAddr,
    /// The port; 0 picks a free one (see [`Server::url`]).
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
    /// How long a request head may take to arrive, and how long an idle connection is kept;
    /// a head begun but not finished in time gets 408.
    pub header_timeout: Duration,
    /// How long a request body may take, plus a second per
    /// [`body::BYTES_PER_EXTRA_SECOND`] received; a late body gets 408.
    pub body_timeout: Duration,
    /// The most connections served at once; more are answered 503 and closed.
    pub max_connections: usize,
}

impl ServeConfig {
    /// The settings of `ifmatch serve` with its defaults for everything but `dir`.
    pub fn new(dir: PathBuf) -> ServeConfig {
        ServeConfig {
            dir,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            require_precondition: false,
            weak_etags: false,
            max_body: DEFAULT_MAX_BODY,
            quiet: false,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// Default of [`ServeConfig::max_body`]: 16 MiB.
pub const DEFAULT_MAX_BODY: u64 = 16 * 1024 * 1024;
/// Default of [`ServeConfig::header_timeout`].
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of [`ServeConfig::body_timeout`].
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(60);
/// Default of [`ServeConfig::max_connections`]: well under the usual limit of 1024 open files.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// Connections over the limit that get a 503 at once; beyond these they are just closed.
const MAX_REFUSALS: usize = 32;

/// A bound server, ready to [`run`](Server::run).
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// One permit per connection served.
    slots: Arc<Semaphore>,
    /// One permit per connection being refused with a 503.
    refusals: Arc<Semaphore>,
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
        let root = sandbox::Root::open(&root)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot serve {}: {e}", config.dir.display())))?;
        let swept = tokio::task::spawn_blocking({
            let root = root.try_clone()?;
            move || sweep::sweep(&root)
        })
        .await
        .unwrap_or(0);
        if swept > 0 && !config.quiet {
            let s = if swept == 1 { "" } else { "s" };
            let line = format!("ifmatch: removed {swept} stale temp file{s} left by an interrupted write");
            let _ = writeln!(io::stderr().lock(), "{line}");
        }
        let listener = TcpListener::bind((config.bind, config.port)).await?;
        let addr = listener.local_addr()?;
        let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
        let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
        let shared = Arc::new(Shared { config, root, locks: lock::LockMap::default() });
        Ok(Server { listener, addr, shared, slots, refusals })
    }

    /// The bound address (with the real port when 0 was asked for).
    #[cfg(test)]
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
            let Ok(slot) = Arc::clone(&self.slots).try_acquire_owned() else {
                // Over the limit: say so, rather than leave the client waiting in the backlog.
                if let Ok(refusal) = Arc::clone(&self.refusals).try_acquire_owned() {
                    let limit = self.shared.config.max_connections;
                    tokio::spawn(async move {
                        let _refusal = refusal;
                        refuse(stream, limit).await;
                    });
                }
                continue;
            };
            let _ = stream.set_nodelay(true);
            let shared = Arc::clone(&self.shared);
            tokio::spawn(async move {
                let _slot = slot;
                connection(shared, stream).await;
            });
        }
    }
}

/// Serves one connection until it closes. A request head that began but did not arrive within
/// the header timeout gets 408 (RFC 9110 §15.5.9); an idle connection that times out is just
/// closed, as a client may send its next request at that very moment.
async fn connection(shared: Arc<Shared>, stream: TcpStream) {
    // hyper ends the connection on a header timeout without answering; a second handle on
    // the socket lets us send the 408 it leaves out.
    let (stream, spare) = match duplicate(stream) {
        Ok(pair) => pair,
        Err(_) => return,
    };
    let header_timeout = shared.config.header_timeout;
    let service = service_fn(move |req| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(exchange(shared, req).await) }
    });
    let heard = Arc::new(AtomicBool::new(false));
    let io = Heard { stream, heard: Arc::clone(&heard) };
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(io), service)
        .await;
    // hyper reports a timeout also when nothing came at all: only a head begun since the last
    // answer gets a 408.
    if let Err(e) = served
        && e.is_timeout()
        && heard.load(Ordering::Relaxed)
    {
        let secs = header_timeout.as_secs_f64();
        let detail = format!("the request head did not arrive within {secs}s (the server's header timeout)");
        let answer = problem::wire(problem::Problem::new(hyper::StatusCode::REQUEST_TIMEOUT, detail));
        answer_and_close(spare, &answer).await;
    }
}

/// A connection that notes whether the client sent a byte since the server last answered,
/// i.e. whether a request head has begun.
struct Heard {
    stream: TcpStream,
    heard: Arc<AtomicBool>,
}

impl Heard {
    fn answered(&self, polled: &Poll<io::Result<usize>>) {
        if matches!(polled, Poll::Ready(Ok(n)) if *n > 0) {
            self.heard.store(false, Ordering::Relaxed);
        }
    }
}

impl AsyncRead for Heard {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.heard.store(true, Ordering::Relaxed);
        }
        polled
    }
}

impl AsyncWrite for Heard {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, data);
        this.answered(&polled);
        polled
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.answered(&polled);
        polled
    }
    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Two handles on one socket.
fn duplicate(stream: TcpStream) -> io::Result<(TcpStream, TcpStream)> {
    let std = stream.into_std()?;
    let spare = std.try_clone()?;
    Ok((TcpStream::from_std(std)?, TcpStream::from_std(spare)?))
}

/// 503 with `Retry-After` to a connection over the limit (RFC 9110 §15.6.4).
async fn refuse(stream: TcpStream, limit: usize) {
    let detail = format!("the server is serving its limit of {limit} connections; try again shortly");
    let problem = problem::Problem::new(hyper::StatusCode::SERVICE_UNAVAILABLE, detail)
        .header(hyper::header::RETRY_AFTER, hyper::header::HeaderValue::from_static("1"));
    answer_and_close(stream, &problem::wire(problem)).await;
}

/// Writes a final answer, then reads and discards what the client still sends for a moment
/// before closing, so that the answer is not lost to a reset (bounded in time and size).
async fn answer_and_close(mut stream: TcpStream, answer: &[u8]) {
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        stream.write_all(answer).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        let mut seen = 0;
        while seen < 1 << 20 {
            match stream.read(&mut sink).await? {
                0 => break,
                n => seen += n,
            }
        }
        Ok::<_, io::Error>(())
    })
    .await;
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
