//! Varnish Cache in front of an interop server, for the interop tests of stale copies: its
//! default configuration (the built-in VCL, `-b` naming the backend) stores GET answers for
//! two minutes and serves them whatever the request's `Cache-Control: no-cache` says, and
//! passes every other method through without touching what it stored.
//!
//! One instance per test, listening on 127.0.0.1 only, with its own working directory (`-n`)
//! and no management port (`-T none`); stopped by its PID with SIGTERM (the manager then stops
//! its cache process too). `.ci/run` installs it (Debian package `varnish`); without it an
//! `--ignored` run fails with what to install. Override the binary with
//! `IFMATCH_INTEROP_VARNISHD`.

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::interop::{Dav, find, free_port};

pub struct Varnish {
    child: Child,
    pub base: String,
    dir: tempfile::TempDir,
}

impl Varnish {
    /// Varnish in front of `origin`.
    pub fn start(origin: &Dav) -> Varnish {
        start(origin).unwrap_or_else(|e| {
            panic!(
                "Varnish could not be started for the interop tests: {e}\n\
                 hint: install it (Debian: apt-get install varnish) or point IFMATCH_INTEROP_VARNISHD at varnishd; \
                 a plain `cargo test` (without --ignored) leaves the interop tests out"
            )
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What varnishd said.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("varnishd.log")).unwrap_or_default()
    }
}

fn start(origin: &Dav) -> Result<Varnish, String> {
    let varnishd = find("IFMATCH_INTEROP_VARNISHD", &["varnishd"])?;
    let backend = origin.base.trim_start_matches("http://").to_string();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut last = String::new();
    // A port picked by binding :0 can be taken before varnishd binds it: try a few.
    for _ in 0..3 {
        let port = free_port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.path().join("varnishd.log"))
            .map_err(|e| e.to_string())?;
        let mut child = Command::new(&varnishd)
            .arg("-F")
            .args(["-a", &format!("127.0.0.1:{port}")])
            .args(["-b", &backend])
            .arg("-n")
            .arg(dir.path().join("work"))
            .args(["-T", "none", "-s", "malloc,32m"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", varnishd.display()))?;
        match wait_until_listening(&mut child, port) {
            Ok(()) => {
                let base = format!("http://127.0.0.1:{port}");
                return Ok(Varnish { child, base, dir });
            }
            Err(e) => {
                last = format!(
                    "{e}\n{}",
                    std::fs::read_to_string(dir.path().join("varnishd.log")).unwrap_or_default()
                );
                stop(&mut child);
            }
        }
    }
    Err(last)
}

fn wait_until_listening(child: &mut Child, port: u16) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("varnishd exited ({status}) at start"));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("varnishd did not listen on {addr} within 30 s"))
}

/// SIGTERM to the manager we started (by its PID), which stops its cache process and exits;
/// SIGKILL if it has not after 10 s.
fn stop(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) on the PID of a child we spawned and have not yet reaped.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Varnish {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}
