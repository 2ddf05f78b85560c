//! Shared test helpers: running the real binary in a clean environment, a scripted fake editor,
//! the fault-injecting server, and `ifmatch serve` as a child process.

#![allow(dead_code)]

pub mod cache;
pub mod fake_server;
pub mod interop;
pub mod pouchdb;
pub mod pty;
pub mod raw;
pub mod screen;
pub mod serve;
pub mod varnish;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_ifmatch")
}

/// A sandbox: its own state dir and HOME, and a fake editor whose every run is scripted.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::create_dir_all(dir.path().join("editor")).unwrap();
        let script = dir.path().join("fake-editor.sh");
        std::fs::write(&script, FAKE_EDITOR).unwrap();
        Env { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn state_dir(&self) -> PathBuf {
        self.path("state")
    }

    /// The first line `ifmatch serve DIR --port 0 --json` prints (its object with the URL),
    /// serving the test's folder; the server is stopped after that line.
    pub fn serve_json_first_line(&self) -> String {
        use std::io::BufRead;
        let mut child = self
            .cmd(&["serve", self.dir.path().to_str().unwrap(), "--port", "0", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        let _ = child.kill();
        let _ = child.wait();
        first
    }

    /// `ifmatch ARGS` with a clean environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("IFMATCH_STATE_DIR", self.state_dir())
            .env("NO_COLOR", "1")
            .env("TERM", "dumb")
            .env("IFMATCH_EDITOR", format!("sh {}", self.path("fake-editor.sh").display()))
            .env("FAKE_EDITOR_DIR", self.path("editor"))
            // Retries are off unless a test turns them on (`--retry N`), so that a test of a
            // failure sees exactly one attempt, and no test waits out a backoff it is not about.
            .env("IFMATCH_RETRY", "0")
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run ifmatch")
    }

    /// Runs with `input` on stdin.
    pub fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        use std::io::Write;
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Scripts the editor's Nth run (1-based): the file gets `content`.
    pub fn editor_writes(&self, n: usize, content: &[u8]) {
        std::fs::write(self.path("editor").join(format!("{n}.content")), content).unwrap();
    }

    /// Scripts the editor's Nth run to replace `from` with `to` in the file (sed, first match).
    pub fn editor_replaces(&self, n: usize, from: &str, to: &str) {
        std::fs::write(self.path("editor").join(format!("{n}.from")), from).unwrap();
        std::fs::write(self.path("editor").join(format!("{n}.to")), to).unwrap();
    }

    /// Scripts the editor's Nth run to exit with `code` (after any change).
    pub fn editor_exits(&self, n: usize, code: i32) {
        std::fs::write(self.path("editor").join(format!("{n}.exit")), code.to_string()).unwrap();
    }

    /// Scripts the editor's Nth run to run a shell command first (a concurrent change).
    pub fn editor_hook(&self, n: usize, command: &str) {
        std::fs::write(self.path("editor").join(format!("{n}.hook")), command).unwrap();
    }

    /// How many times the editor ran, and what the file held when it was last opened.
    pub fn editor_runs(&self) -> usize {
        std::fs::read_to_string(self.path("editor").join("count"))
            .map(|s| s.trim().parse().unwrap())
            .unwrap_or(0)
    }

    /// Whether the editor's Nth run had a terminal on its stdout.
    pub fn editor_stdout_was_terminal(&self, n: usize) -> bool {
        std::fs::read_to_string(self.path("editor").join(format!("{n}.stdout"))).unwrap_or_default().trim()
            == "terminal"
    }

    pub fn editor_saw(&self, n: usize) -> Vec<u8> {
        std::fs::read(self.path("editor").join(format!("{n}.seen"))).unwrap_or_default()
    }

    /// The recovered edits in the store's recovered/ folder (the texts, not their sidecars),
    /// oldest first.
    pub fn recovered(&self) -> Vec<PathBuf> {
        let mut edits: Vec<PathBuf> = self
            .recovered_files()
            .into_iter()
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                !name.ends_with(".base") && !name.ends_with(".meta.json")
            })
            .collect();
        edits.sort_by_key(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let millis: String =
                name.split_once('-').unwrap().1.chars().take_while(|c| c.is_ascii_digit()).collect();
            millis.parse::<u128>().unwrap()
        });
        edits
    }

    /// Every file in the store's recovered/ folder, sidecars included.
    pub fn recovered_files(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.state_dir().join("recovered")) {
            Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The base saved beside a recovered edit, if any.
    pub fn recovered_base(&self, edit: &Path) -> Option<Vec<u8>> {
        std::fs::read(format!("{}.base", edit.display())).ok()
    }

    /// The validators saved beside a recovered edit.
    pub fn recovered_meta(&self, edit: &Path) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(format!("{}.meta.json", edit.display())).unwrap()).unwrap()
    }
}

/// The fake editor: on its Nth run it records what it saw, runs N.hook, writes N.content or
/// replaces N.from with N.to (a literal, via python-free awk-free shell), exits with N.exit.
const FAKE_EDITOR: &str = r#"#!/bin/sh
set -e
d="$FAKE_EDITOR_DIR"
file="$1"
n=$(cat "$d/count" 2>/dev/null || echo 0)
n=$((n + 1))
# Renamed into place: a test polling the count never reads a half-written file.
echo "$n" > "$d/count.tmp" && mv "$d/count.tmp" "$d/count"
cp "$file" "$d/$n.seen"
if [ -t 1 ]; then echo terminal > "$d/$n.stdout"; else echo redirected > "$d/$n.stdout"; fi
[ -f "$d/$n.hook" ] && sh "$d/$n.hook"
if [ -f "$d/$n.content" ]; then cat "$d/$n.content" > "$file"; fi
if [ -f "$d/$n.from" ]; then
  from=$(cat "$d/$n.from"); to=$(cat "$d/$n.to")
  content=$(cat "$file"; printf x); content=${content%x}
  printf '%s' "${content%%"$from"*}$to${content#*"$from"}" > "$file"
fi
if [ -f "$d/$n.exit" ]; then exit "$(cat "$d/$n.exit")"; fi
exit 0
"#;

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code, showing the output when it differs.
#[track_caller]
pub fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        stdout(o),
        stderr(o)
    );
}

/// A loopback port where nothing listens, for as long as this value lives: its socket is bound
/// but never listens, so the kernel refuses connections to it, and no other test can take the
/// port meanwhile (a listener bound and dropped frees its port for the next bind, and a test
/// running alongside could be listening there by the time the client connects).
pub struct RefusedPort {
    socket: socket2::Socket,
    pub port: u16,
}

impl RefusedPort {
    pub fn new() -> RefusedPort {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a TCP socket");
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        socket.bind(&addr.into()).expect("bind loopback");
        let port = socket.local_addr().unwrap().as_socket().expect("an IP address").port();
        RefusedPort { socket, port }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Starts listening on the port, for a server the test brings up there later: the port
    /// never changes hands in between.
    pub fn listen(self) -> std::net::TcpListener {
        self.socket.listen(128).expect("listen on the held port");
        self.socket.into()
    }
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(files_under(&path)) } else { out.push(path) }
    }
    out
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}
