//! The only code that renames files, sets their permissions or locks them: [`write_atomic`],
//! [`replace_keeping_permissions`], [`persist`] (for content written in pieces),
//! [`private_dir`] and [`lock`]. Everything that must survive a
//! crash or a concurrent invocation goes through here.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, IoResultExt, Result};

/// The environment variable that sets how long to wait for the state store's lock, in seconds
/// (read by `settings`, named in the timeout error).
pub const LOCK_TIMEOUT_ENV: &str = "IFMATCH_LOCK_TIMEOUT";
/// How long to wait for a lock when [`LOCK_TIMEOUT_ENV`] does not say.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// Writes `bytes` to `path` atomically: a temp file in the same directory (mode 0600), written,
/// then [`persist`]ed over `path`.
///
/// A crash before the rename leaves the old file intact (plus, at worst, a stray `.tmp` file);
/// after it, the new content is complete. Never a torn file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, bytes, Durability::Full)
}

/// A temp file in `dir` (0600, named `.ifmatch-*.tmp`), for content to [`persist`] there.
pub fn temp_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    held_temp(dir, ".tmp").context("create a temporary file in", dir)
}

/// A temp file in `dir` named `.ifmatch-*<suffix>`, locked for as long as it is open, so that
/// [`sweep`] in another run knows it is in use. The lock goes with the process, so a file left
/// by a killed run is unlocked.
pub fn held_temp(dir: &Path, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let file = tempfile::Builder::new().prefix(TEMP_PREFIX).suffix(suffix).tempfile_in(dir)?;
    // A fresh file no one else knows: the lock cannot be taken already, and where file locks
    // are not supported the age bound of `sweep` still protects the file.
    let _ = file.as_file().try_lock();
    Ok(file)
}

/// How every temp file ifmatch makes beside its targets begins.
pub const TEMP_PREFIX: &str = ".ifmatch-";

/// How long a temp file must have been left untouched before [`sweep`] may remove it.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Removes the temp files a killed run left in `dir` (SIGKILL, a power loss: nothing ran to
/// clean up): files named `.ifmatch-*` ending in one of `suffixes`, untouched for
/// [`STALE_AFTER`], and not held by a live process — neither locked (see [`held_temp`]) nor
/// named with the id of a running process (the links of [`link_or_copy`]). Best effort: what
/// cannot be inspected or removed stays. Returns how many were removed.
pub fn sweep(dir: &Path, suffixes: &[&str]) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(TEMP_PREFIX) else { continue };
        if !suffixes.iter().any(|s| rest.ends_with(s)) || pid_alive(rest) {
            continue;
        }
        let path = entry.path();
        let stale = fs::symlink_metadata(&path).is_ok_and(|m| {
            m.is_file()
                && m.modified().ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age >= STALE_AFTER)
        });
        if !stale {
            continue;
        }
        let Ok(file) = File::open(&path) else { continue };
        // Held while we look: the lock stays ours until the file is gone, so no run can take
        // it up in between (none would: a run only locks the temp files it creates).
        if file.try_lock().is_ok() && fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// True when a temp name `link-<pid>-…` names a process that is still running (Linux: its
/// `/proc` entry; elsewhere such names are taken as alive and left to a later run).
fn pid_alive(rest: &str) -> bool {
    let Some(pid) = rest.strip_prefix("link-").and_then(|r| r.split('-').next()) else { return false };
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid).exists() } else { true }
}

/// Makes a complete temp file the file at `target`, in the same file system: syncs the data,
/// renames it over `target`, then syncs the directory (best effort: some file systems refuse
/// to), so that after a power loss the name shows the old content or the new, never a mix.
pub fn persist(temp: tempfile::NamedTempFile, target: &Path) -> std::io::Result<()> {
    persist_with(temp, target, Durability::Full)
}

/// What of a replaced file must survive a power loss. A crash of the process alone (kill -9)
/// never matters here: the rename is atomic, so the name always shows a complete old or new
/// file. The levels differ only in what the operating system may still hold in memory when
/// the power goes, and so in how many syncs a write costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Data synced, renamed, directory synced: after a power loss the new content is there.
    Full,
    /// Data synced, renamed, directory not synced: after a power loss the name shows the old
    /// file or the new one, complete either way (never a torn or empty one). For files whose
    /// older version is safe to find again.
    Complete,
    /// Renamed only: after a power loss the name may show a torn file. Only for content that
    /// its reader checks (a stored base, against the digest its record holds).
    Checked,
}

/// [`persist`] at the given durability.
pub fn persist_with(
    temp: tempfile::NamedTempFile,
    target: &Path,
    durability: Durability,
) -> std::io::Result<()> {
    if durability != Durability::Checked {
        temp.as_file().sync_all()?;
    }
    temp.persist(target).map_err(|e| e.error)?;
    if durability == Durability::Full
        && let Some(dir) = target.parent()
    {
        sync_dir(dir);
    }
    Ok(())
}

/// [`write_atomic`] at the given durability.
pub fn write_atomic_with(path: &Path, bytes: &[u8], durability: Durability) -> Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut tmp = temp_in(dir)?;
    set_private(tmp.path(), 0o600)?;
    tmp.write_all(bytes).context("write", tmp.path())?;
    persist_with(tmp, path, durability).context("replace", path)
}

/// Whether two files hold the same bytes, read a block at a time (never whole).
pub fn same_content(a: &Path, b: &Path) -> Result<bool> {
    let (len_a, len_b) =
        (fs::metadata(a).context("inspect", a)?.len(), fs::metadata(b).context("inspect", b)?.len());
    if len_a != len_b {
        return Ok(false);
    }
    let (mut file_a, mut file_b) = (File::open(a).context("open", a)?, File::open(b).context("open", b)?);
    let (mut buf_a, mut buf_b) = (vec![0; 1 << 16], vec![0; 1 << 16]);
    loop {
        let n = read_full(&mut file_a, &mut buf_a).context("read", a)?;
        let m = read_full(&mut file_b, &mut buf_b).context("read", b)?;
        if buf_a[..n] != buf_b[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// What the file system says about a file, enough to tell it has not been written since: its
/// identity (device, inode), length, and modification and change times. Every write, truncation
/// or replacement moves the change time (ctime), which no user can set back (`touch -r`,
/// `cp -p` and `rsync -t` restore only the modification time); a file saved by rename is
/// another inode.
///
/// A change time is as coarse as the file system's clock (a scheduler tick, two seconds on
/// FAT), so two writes close together can share one. An equal stamp therefore proves nothing
/// about a file last changed at or after the moment it was first read; it does for one changed
/// strictly before a time read from the same file system's clock before the reading began (see
/// [`Stamp::written_before`]), because any later write gets a time at or after that moment.
/// This is the "racily clean" rule git applies to its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl Stamp {
    /// The stamp of the file at `path`, read through an open handle (on NFS, opening the file
    /// revalidates the attributes a bare `stat` may serve from a cache). `None` where the
    /// platform has no change time, or the file cannot be opened.
    pub fn of(path: &Path) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = File::open(path).and_then(|f| f.metadata()).ok()?;
            Some(Stamp {
                dev: meta.dev(),
                ino: meta.ino(),
                len: meta.len(),
                modified: (meta.mtime(), meta.mtime_nsec()),
                changed: (meta.ctime(), meta.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }

    /// The file system's clock now, as the modification time of `file`, a file just created on
    /// it (a temp file beside the one to stamp).
    pub fn clock(file: &File) -> Option<(i64, i64)> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            file.metadata().ok().map(|m| (m.mtime(), m.mtime_nsec()))
        }
        #[cfg(not(unix))]
        {
            let _ = file;
            None
        }
    }

    /// Whether the file was last written strictly before `clock` (a [`Stamp::clock`] reading
    /// of its file system): then any write after that reading gives it a new stamp.
    pub fn written_before(&self, clock: (i64, i64)) -> bool {
        self.modified < clock && self.changed < clock
    }
}

/// Fills `buf` as far as the reader goes; fewer bytes only at its end.
fn read_full(reader: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Makes `target` a hard link to `src` (or, where links are impossible, a copy), replacing it
/// atomically. Only for files that are never changed in place — the store replaces its files
/// by rename — so the link keeps the content it was made with. The directory is not synced:
/// only for content its reader checks ([`Durability::Checked`]).
pub fn link_or_copy(src: &Path, target: &Path) -> Result<()> {
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let tmp = dir.join(format!("{TEMP_PREFIX}link-{}-{nanos}.tmp", std::process::id()));
    if fs::hard_link(src, &tmp).is_err() {
        fs::copy(src, &tmp).context("copy", src)?;
    }
    if let Err(e) = fs::rename(&tmp, target) {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io("replace", target, e));
    }
    Ok(())
}

/// Makes a rename or removal in `dir` durable (unix; best effort).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(if dir.as_os_str().is_empty() { Path::new(".") } else { dir }) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Replaces the content of the user's file `path` atomically, keeping its permissions: like
/// [`write_atomic`], but in the directory of the file a symlink points to (the link stays a
/// link) and with the file's own mode instead of 0600. A crash leaves either the old content
/// or the new, never a mix. The owner is the writer's (a rename cannot keep another's).
pub fn replace_keeping_permissions(path: &Path, bytes: &[u8]) -> Result<()> {
    let target = fs::canonicalize(path).context("resolve", path)?;
    let permissions = fs::metadata(&target).context("inspect", &target)?.permissions();
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let mut tmp = temp_in(dir)?;
    tmp.write_all(bytes).context("write", tmp.path())?;
    fs::set_permissions(tmp.path(), permissions).context("set permissions on", tmp.path())?;
    persist(tmp, &target).context("replace", &target)
}

/// Creates `dir` (and its parents) and makes it private (0700).
pub fn private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).context("create the directory", dir)?;
    set_private(dir, 0o700)
}

#[cfg(unix)]
fn set_private(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).context("set permissions on", path)
}

#[cfg(not(unix))]
fn set_private(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

/// Whether an I/O error says that a place cannot be written at all: a read-only file system
/// (`EROFS`), or no permission (`EACCES`, `EPERM`: another user's directory).
pub fn is_read_only(err: &std::io::Error) -> bool {
    matches!(err.kind(), std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied)
}

/// An exclusive lock on a lock file, released on drop.
#[derive(Debug)]
pub struct LockGuard {
    file: File,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// Takes an exclusive lock on `path`: tries once, then says on stderr that it is waiting and
/// why, and gives up after `timeout` (the user sets it with [`LOCK_TIMEOUT_ENV`]) with an error
/// that names that variable.
pub fn lock(path: &Path, what: &str, timeout: Duration) -> Result<LockGuard> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .context("open the lock file", path)?;
    set_private(path, 0o600)?;
    let start = Instant::now();
    let mut announced = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(LockGuard { file }),
            Err(fs::TryLockError::WouldBlock) => {}
            Err(fs::TryLockError::Error(e)) => return Err(Error::io("lock", path, e)),
        }
        if start.elapsed() >= timeout {
            return Err(Error::other(format!(
                "timed out after {:.1}s waiting for the lock on {what} ({})",
                timeout.as_secs_f64(),
                path.display()
            ))
            .with_hints([
                "another ifmatch process is using the state store; let it finish".to_string(),
                format!("or wait longer: {LOCK_TIMEOUT_ENV}=SECONDS"),
            ]));
        }
        if !announced {
            if !crate::ui::quiet() {
                stderrln!("ifmatch: waiting for another ifmatch process to release the lock on {what}");
            }
            announced = true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Moves `path` aside to `path.corrupt-<n>` so it is kept for inspection; returns the new path.
pub fn move_aside(path: &Path) -> Result<PathBuf> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for n in 1.. {
        let target = path.with_file_name(format!("{name}.corrupt-{n}"));
        if !target.exists() {
            fs::rename(path, &target).context("move aside", path)?;
            return Ok(target);
        }
    }
    unreachable!("the counter is unbounded")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_content_compares_every_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(path("a"), &big).unwrap();
        std::fs::write(path("b"), &big).unwrap();
        assert!(same_content(&path("a"), &path("b")).unwrap());
        // One byte changed in the last block, and a file one byte shorter.
        let mut late = big.clone();
        late[299_999] ^= 1;
        std::fs::write(path("c"), &late).unwrap();
        assert!(!same_content(&path("a"), &path("c")).unwrap());
        std::fs::write(path("d"), &big[..299_999]).unwrap();
        assert!(!same_content(&path("a"), &path("d")).unwrap());
        std::fs::write(path("e"), b"").unwrap();
        std::fs::write(path("f"), b"").unwrap();
        assert!(same_content(&path("e"), &path("f")).unwrap());
        assert!(same_content(&path("a"), &path("missing")).is_err());
    }

    #[test]
    fn write_atomic_replaces_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn replace_keeps_the_mode_and_the_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("doc.json");
        fs::write(&file, b"old").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        replace_keeping_permissions(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&file).unwrap(), b"new");
        assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2, "no temp file left behind");
    }

    #[test]
    fn lock_times_out_naming_the_env_var() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("lock");
        let _held = lock(&p, "test", DEFAULT_LOCK_TIMEOUT).unwrap();
        let err = lock(&p, "test", Duration::from_millis(100)).unwrap_err();
        assert!(err.hints().iter().any(|h| h.contains(LOCK_TIMEOUT_ENV)));
    }

    #[test]
    fn move_aside_keeps_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        fs::write(&p, b"{").unwrap();
        let q = move_aside(&p).unwrap();
        assert!(!p.exists());
        assert_eq!(fs::read(q).unwrap(), b"{");
    }
}
