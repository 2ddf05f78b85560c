//! Whether the store can be written, and keeping it clean: a store that cannot be written (a
//! read-only mount, another user's directory) still opens for the commands that only read it,
//! while writing commands are refused up front; and a run that writes sweeps the temp files
//! that runs killed outright left behind.

use std::path::Path;

use super::Store;
use crate::error::{Error, Result};
use crate::fsutil;

/// The store's folders, made private at open and swept by writing runs.
const FOLDERS: [&str; 7] = ["", "records", "bases", "recovered", "copies", "history", "origins"];

/// Creates the store's folders (0700). `Some(why)` when the store cannot be written; other
/// failures are errors.
pub(super) fn prepare(dir: &Path) -> Result<Option<String>> {
    for sub in FOLDERS {
        let path = if sub.is_empty() { dir.to_path_buf() } else { dir.join(sub) };
        match fsutil::private_dir(&path) {
            Ok(()) => {}
            Err(err) => match err.io_source() {
                Some(source) if fsutil::is_read_only(source) => return Ok(Some(source.to_string())),
                _ => return Err(err),
            },
        }
    }
    Ok(None)
}

impl Store {
    /// Fails, saying so and how to use another store, when the store cannot be written. Probes
    /// with a temp file, so a directory that looks writable but is not (a read-only mount
    /// under a writable mode) is found too. Writing commands call it before doing anything, so
    /// that nothing is fetched or edited that could not then be recorded or kept. A store that
    /// can be written is swept of stale temp files.
    pub fn check_writable(&self) -> Result<()> {
        let why = match &self.read_only {
            Some(why) => why.clone(),
            None => match fsutil::temp_in(&self.dir) {
                Ok(_probe) => {
                    self.sweep();
                    return Ok(());
                }
                Err(err) => match err.io_source() {
                    Some(source) if fsutil::is_read_only(source) => source.to_string(),
                    _ => return Err(err),
                },
            },
        };
        Err(Error::other(format!("the state store {} is read-only ({why})", self.dir.display())).with_hints(
            [
                "reading commands (state list, state show, diff, doctor) still work with it".to_string(),
                "to write, point ifmatch at a writable store: --state-dir DIR or IFMATCH_STATE_DIR=DIR"
                    .to_string(),
            ],
        ))
    }

    /// Removes the temp files that runs killed outright left in the store (see
    /// [`fsutil::sweep`]).
    fn sweep(&self) {
        for sub in FOLDERS {
            fsutil::sweep(&self.dir.join(sub), &[".tmp"]);
        }
    }
}
