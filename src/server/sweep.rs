//! Temp files left behind: a server killed during a write (SIGKILL, power loss) leaves its
//! `.ifmatch-tmp-*` file beside the target, up to the size of the body. At start, before
//! serving, [`sweep`] removes those that are stale — older than [`STALE_AFTER`] and not locked,
//! since a live server holds a lock on the temp file it is writing (see
//! `resource::write_atomic`), which the kernel releases when that process dies. The walk goes
//! through directory handles and never follows a symlink, like everything else beneath the
//! served directory.

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::time::{Duration, SystemTime};

use rustix::fs::{AtFlags, FileType, Mode};

use super::resource::TEMP_PREFIX;
use super::sandbox::{self, Root};

/// A temp file younger than this is left alone even when unlocked: it may belong to a server
/// that has just created it and not yet taken the lock.
pub const STALE_AFTER: Duration = Duration::from_secs(5 * 60);

/// Directories deeper than this below the served one are not searched.
const MAX_DEPTH: usize = 32;

/// Removes the stale temp files under `root`; returns how many. Errors on the way (an
/// unreadable directory, a file gone meanwhile) skip that entry: sweeping is best effort.
pub fn sweep(root: &Root) -> usize {
    let Ok(dir) = root.handle() else {
        return 0;
    };
    let cutoff = SystemTime::now().checked_sub(STALE_AFTER).unwrap_or(SystemTime::UNIX_EPOCH);
    sweep_dir(&dir, cutoff, 0)
}

fn sweep_dir(dir: &OwnedFd, cutoff: SystemTime, depth: usize) -> usize {
    let Ok(entries) = rustix::fs::Dir::read_from(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = OsStr::from_bytes(entry.file_name().to_bytes());
        if name == "." || name == ".." {
            continue;
        }
        let Ok(stat) = rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) else {
            continue;
        };
        match FileType::from_raw_mode(stat.st_mode) {
            FileType::RegularFile if name.as_bytes().starts_with(TEMP_PREFIX.as_bytes()) => {
                // Unlinked while its lock is held, so a server that opens it meanwhile cannot
                // be robbed of it; the lock goes when `_held` drops.
                if let Some(_held) = stale(dir, name, cutoff)
                    && rustix::fs::unlinkat(dir, name, AtFlags::empty()).is_ok()
                {
                    removed += 1;
                }
            }
            FileType::Directory if depth < MAX_DEPTH => {
                if let Ok(sub) = rustix::fs::openat(dir, name, sandbox::dir_flags(), Mode::empty()) {
                    removed += sweep_dir(&sub, cutoff, depth + 1);
                }
            }
            _ => {}
        }
    }
    removed
}

/// The file, opened and locked, if it is older than the cutoff and no process holds its lock.
fn stale(dir: &OwnedFd, name: &OsStr, cutoff: SystemTime) -> Option<File> {
    let file = File::from(rustix::fs::openat(dir, name, sandbox::file_flags(), Mode::empty()).ok()?);
    let old = file.metadata().and_then(|m| m.modified()).is_ok_and(|m| m < cutoff);
    (old && file.try_lock().is_ok()).then_some(file)
}
