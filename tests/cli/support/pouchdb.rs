//! pouchdb-server (a CouchDB-compatible server from npm) for the interop tests of versions kept
//! in the body: each test starts its own in-memory instance on a free loopback port, in a fresh
//! directory, and stops it (by its PID) when done.
//!
//! Like the other interop servers it is found or the test fails, never skips:
//! `IFMATCH_INTEROP_POUCHDB` (the pouchdb-server script), else `pouchdb-server` on PATH, else
//! where `.ci/run` installs it (`/opt/ifmatch-interop/pouchdb`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where `.ci/run` installs it.
const INSTALLED: &str = "/opt/ifmatch-interop/pouchdb/node_modules/.bin/pouchdb-server";

/// A running pouchdb-server.
pub struct Pouch {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

/// Starts one, or fails the test saying what to install.
pub fn start() -> Pouch {
    try_start().unwrap_or_else(|e| {
        panic!(
            "pouchdb-server could not be started for the interop tests: {e}\n\
             hint: npm install pouchdb-server (.ci/run installs it into /opt/ifmatch-interop/pouchdb), \
             or point IFMATCH_INTEROP_POUCHDB at the pouchdb-server script; \
             a plain `cargo test` (without --ignored) leaves the interop tests out"
        )
    })
}

fn find() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("IFMATCH_INTEROP_POUCHDB").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(found) = std::env::split_paths(&path).map(|d| d.join("pouchdb-server")).find(|p| p.is_file())
    {
        return Ok(found);
    }
    let installed = PathBuf::from(INSTALLED);
    if installed.is_file() {
        return Ok(installed);
    }
    Err(format!("pouchdb-server is not on PATH, nor at {INSTALLED} (or set IFMATCH_INTEROP_POUCHDB)"))
}

fn try_start() -> Result<Pouch, String> {
    let script = find()?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut last = String::new();
    // A port picked by binding :0 can be taken before the server binds it: try a few.
    for _ in 0..3 {
        let port =
            TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let log = std::fs::File::create(dir.path().join("server.log")).map_err(|e| e.to_string())?;
        let mut child = Command::new(&script)
            .args(["--in-memory", "--host", "127.0.0.1", "--port", &port.to_string()])
            // It writes its config and log files into the working directory.
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().map(Stdio::from).unwrap_or_else(|_| Stdio::null()))
            .stderr(Stdio::from(log))
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        match wait_until_listening(&mut child, port, &dir) {
            Ok(()) => return Ok(Pouch { child, port, dir }),
            Err(e) => {
                last = e;
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
    Err(last)
}

fn wait_until_listening(child: &mut Child, port: u16, dir: &tempfile::TempDir) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(60);
    let log = || std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the server exited ({status}) at start:\n{}", log()));
        }
        // Listening is not enough: it answers once its routes are set up.
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
            && raw(port, "GET", "/", None).is_ok_and(|(status, _)| status == 200)
        {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("the server did not answer on {addr} within 60 s:\n{}", log()))
}

/// One request with `Connection: close`: the status and the body.
fn raw(port: u16, method: &str, path: &str, json: Option<&[u8]>) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = json.unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nAccept: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if json.is_some() {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut body = response.get(split + 4..).unwrap_or_default().to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Ok((status, body))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = data.get(start + size + 2..).unwrap_or_default();
    }
    out
}

impl Pouch {
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// A request from someone else (not ifmatch): the status and the body.
    pub fn request(&self, method: &str, path: &str, json: Option<&[u8]>) -> (u16, Vec<u8>) {
        raw(self.port, method, path, json).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// The document at `path`, as JSON.
    pub fn doc(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.request("GET", path, None);
        assert_eq!(status, 200, "GET {path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// The server's log so far, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Pouch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
