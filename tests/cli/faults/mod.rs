//! The fault matrix, kept as tests: the real binary against this module's own fault server
//! (`server.rs`) and against damaged or read-only state stores. Each case asserts the exit
//! code, that the user's text is kept, that the stored record is intact, that the user's file
//! is untouched, and that no temp file is left behind. Every wait is bounded.

mod answers;
mod depth;
mod durability;
mod leftovers;
mod server;
mod signals;
mod store;
mod transfers;

use std::path::{Path, PathBuf};

use crate::support::Env;

/// Every temp file ifmatch names `.ifmatch-*` under `dir`, recursively.
pub fn temp_files(dir: &Path) -> Vec<PathBuf> {
    if !dir.exists() {
        return Vec::new();
    }
    crate::support::files_under(dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(".ifmatch-")))
        .collect()
}

/// Fails when a temp file is left in the sandbox (the state store, the user's files).
#[track_caller]
pub fn assert_no_temp_files(env: &Env) {
    let left = temp_files(env.dir.path());
    assert!(left.is_empty(), "temp files left behind: {left:?}");
}

/// The state record files (not the bases) in the store, with their bytes.
pub fn records(env: &Env) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = env.state_dir().join("records");
    let mut out: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => {
            // A run killed while writing a record leaves its temp file (`.ifmatch-*.tmp`), which
            // is no record: the store never reads it, and a later run sweeps it away.
            let records = entries
                .map(|e| e.unwrap().path())
                .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(".ifmatch-")));
            records.map(|p| (p.clone(), std::fs::read(&p).unwrap())).collect()
        }
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}
