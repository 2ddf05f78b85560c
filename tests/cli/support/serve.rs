//! `ifmatch serve` as a child process on 127.0.0.1:0: the well-behaved server the tests use.
//! Its request log (stderr, one line per request) is collected so tests can assert on the
//! preconditions that were sent.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

pub struct Serve {
    child: Child,
    pub base: String,
    pub dir: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    /// Starts `ifmatch serve DIR --port 0 EXTRA…` and waits for its URL.
    pub fn start(dir: &Path, extra: &[&str]) -> Serve {
        let mut child = Command::new(super::bin())
            .arg("serve")
            .arg(dir)
            .args(["--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("start ifmatch serve");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).expect("read the URL line");
        let base = first.trim().trim_end_matches('/').to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "serve printed {first:?}");
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Serve { child, base, dir: dir.to_path_buf(), log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The log lines so far. The server may write a request's line just after the client has
    /// its response, so this waits until no new line has come for 150 ms (at most 3 s).
    pub fn log(&self) -> Vec<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        let mut seen = self.log.lock().unwrap().len();
        loop {
            std::thread::sleep(std::time::Duration::from_millis(150));
            let now = self.log.lock().unwrap().len();
            if now == seen || std::time::Instant::now() > deadline {
                return self.log.lock().unwrap().clone();
            }
            seen = now;
        }
    }

    /// Log lines for one method.
    pub fn log_of(&self, method: &str) -> Vec<String> {
        self.log().into_iter().filter(|l| l.starts_with(&format!("{method} "))).collect()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
