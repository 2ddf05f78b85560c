//! Temp files left by a run killed outright (SIGKILL: nothing runs to clean up) are removed by
//! the next run of the same kind once stale — but never one a live run is still writing.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, SystemTime};

use super::server::FaultServer;
use super::temp_files;
use crate::support::raw::Raw;
use crate::support::{Env, assert_code};

/// Older than the sweep's bound (10 minutes).
fn age(path: &Path) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(3600)).unwrap();
}

/// `get URL -o out/doc.txt` from a server that sends a piece, then stalls: returns once the
/// `.part` beside the file and the base's temp file in the store both exist (besides the
/// temp files in `before`).
fn stalled_download(env: &Env, url: &str, before: &[PathBuf]) -> (Child, Vec<PathBuf>) {
    let out = env.path("out");
    std::fs::create_dir_all(&out).unwrap();
    let child = env
        .cmd(&["get", url, "-o", out.join("doc.txt").to_str().unwrap(), "--timeout", "60"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..1000 {
        let mine: Vec<PathBuf> = [temp_files(&out), temp_files(&env.state_dir().join("bases"))]
            .concat()
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        if mine.len() == 2 && mine.iter().all(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0)) {
            return (child, mine);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    kill(child);
    panic!("the download never started");
}

fn kill(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn stale_temp_files_of_a_killed_run_are_swept_and_live_ones_kept() {
    let env = Env::new();
    let slow = Raw::start(
        "HTTP/1.1 200 OK\r\nETag: \"t\"\r\nContent-Type: text/plain",
        vec![b"first piece\n".to_vec(), b"never sent\n".to_vec()],
        Duration::from_secs(60),
    );
    let url = slow.url("/doc.txt");
    let (killed, left) = stalled_download(&env, &url, &[]);
    kill(killed);
    assert_eq!(temp_files(env.dir.path()), left, "SIGKILL leaves them");
    // A live download stalled as long: its files are as old, but held.
    let (live, held) = stalled_download(&env, &url, &left);
    for path in left.iter().chain(&held) {
        age(path);
    }
    // A fresh leftover (a run that may still be starting) is not touched either.
    let fresh = env.path("out").join(".ifmatch-fresh.part");
    std::fs::write(&fresh, b"x").unwrap();

    let (server, doc) = FaultServer::with("/doc.txt", b"hello\n", "text/plain");
    let out = env.run(&["get", &doc, "-o", env.path("out").join("other.txt").to_str().unwrap()]);
    assert_code(&out, 0);
    assert_eq!(std::fs::read(env.path("out").join("other.txt")).unwrap(), b"hello\n");
    let mut now = temp_files(env.dir.path());
    now.sort();
    let mut expected = [held.clone(), vec![fresh.clone()]].concat();
    expected.sort();
    assert_eq!(now, expected, "the killed run's files are gone, the live and fresh ones stay");
    assert_eq!(server.requests().len(), 1);
    kill(live);
    std::fs::remove_file(&fresh).unwrap();
    for path in &held {
        age(path);
    }
    // Any run that writes to the store sweeps it; `get -o` sweeps FILE's directory.
    assert_code(&env.run(&["get", &doc, "-o", env.path("out").join("other.txt").to_str().unwrap()]), 0);
    assert!(temp_files(env.dir.path()).is_empty(), "{:?}", temp_files(env.dir.path()));
}
