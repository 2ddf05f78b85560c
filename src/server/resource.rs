//! The file store behind the server: reading a file or directory listing together with its
//! validators (content-hash ETag, mtime), replacing a file atomically, deleting it, and the
//! media type of a name. All functions are blocking file-system code, meant to run inside
//! `spawn_blocking`; they work on the directory handles `sandbox` resolved, never on paths,
//! and locking is the caller's.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::time::SystemTime;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use sha2::{Digest, Sha256};

use super::entity_tag::EntityTag;
use super::sandbox::{self, Target};

/// Name prefix of the temp files that atomic writes create beside their target. Such names are
/// never served (`sandbox` answers 404) nor listed.
pub const TEMP_PREFIX: &str = ".ifmatch-tmp-";

/// A representation as read from disk.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The bytes served: the file's content, or the listing of a directory.
    pub body: Vec<u8>,
    /// The ETag of `body`.
    pub etag: EntityTag,
    /// The file's mtime as Last-Modified may state it (see [`last_modified`]).
    pub modified: Option<SystemTime>,
    /// Whether this is a directory listing.
    pub is_dir: bool,
}

/// The ETag of some content: the first 32 hex digits (128 bits) of its SHA-256, so equal
/// content has equal tags across restarts and machines. `weak` marks it `W/`, as a compressing
/// proxy would (RFC 9110 §8.8.3).
pub fn etag_of(content: &[u8], weak: bool) -> EntityTag {
    let digest = Sha256::digest(content);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    EntityTag { weak, opaque: hex.into_bytes() }
}

/// Reads an opened target (see [`sandbox::resolve`]): a regular file's content, or the
/// listing of a directory, and their validators. Content and mtime come from the same open
/// handle, and writers replace files by rename, so a reader sees one whole version, never a
/// half-written one. Anything else (a FIFO, a device) is refused.
pub fn read(mut file: &File, weak: bool) -> io::Result<Snapshot> {
    let meta = file.metadata()?;
    let modified = last_modified(&meta);
    let (body, is_dir) = if meta.is_dir() {
        (list(file)?, true)
    } else if meta.is_file() {
        let mut body = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut body)?;
        (body, false)
    } else {
        return Err(io::Error::new(io::ErrorKind::PermissionDenied, "not a regular file or a directory"));
    };
    Ok(Snapshot { etag: etag_of(&body, weak), body, modified, is_dir })
}

/// The Last-Modified a file's metadata allows: its mtime, but never later than now (RFC 9110
/// §8.8.2.1: a modification time in the future is replaced by the time of the message, so
/// Last-Modified never exceeds Date), and none at all for an mtime before 1970, which an
/// HTTP-date cannot express (the resource then has no modification date and the strong ETag
/// alone guards writes; date conditions are ignored, §13.1.3 and §13.1.4).
pub fn last_modified(meta: &fs::Metadata) -> Option<SystemTime> {
    let mtime = meta.modified().ok()?;
    mtime.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(mtime.min(SystemTime::now()))
}

/// Characters percent-encoded in listing lines, so that each line is one usable relative URL.
const LISTING: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'?').add(b'<').add(b'>');

/// A directory listing: one entry per line, sorted, percent-encoded as a relative URL,
/// directories with a trailing `/` (a symlink is listed as itself). Temp files of in-flight
/// writes are left out.
fn list(dir: &File) -> io::Result<Vec<u8>> {
    let mut names = Vec::new();
    for entry in rustix::fs::Dir::read_from(dir)? {
        let entry = entry?;
        let name = OsStr::from_bytes(entry.file_name().to_bytes());
        if name == "." || name == ".." || name.as_bytes().starts_with(TEMP_PREFIX.as_bytes()) {
            continue;
        }
        let is_dir = match entry.file_type() {
            FileType::Unknown => rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
                .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory),
            kind => kind == FileType::Directory,
        };
        let slash = if is_dir { "/" } else { "" };
        names.push(format!("{}{slash}\n", utf8_percent_encode(&name.to_string_lossy(), LISTING)));
    }
    names.sort();
    Ok(names.concat().into_bytes())
}

/// The result of a successful [`write_atomic`].
#[derive(Debug, Clone, Copy)]
pub struct Stored {
    /// The file did not exist before.
    pub created: bool,
    /// Its new mtime.
    pub modified: Option<SystemTime>,
}

/// Replaces the target with `content`: creates missing parent directories, writes a temp file
/// in the same directory, `sync_all`s it and renames it over the target, then syncs the
/// directory — all relative to the directory handles the sandbox resolved, so nothing is
/// created outside the served directory, whatever is swapped in meanwhile. Readers see the old
/// or the new content, never a mix. A crash before the rename loses the new content and keeps
/// the old, plus a temp file that [`super::sweep`] removes on the next start; a crash after it
/// but before the directory sync may, on some file systems, bring back the old name on reboot.
/// A failed write leaves no temp file behind. Permissions of a replaced file are kept; a new
/// file gets 0644. The temp file is locked while it is written, which tells a sweep that a
/// live server owns it.
pub fn write_atomic(target: &mut Target, content: &[u8]) -> io::Result<Stored> {
    sandbox::create_parents(target)?;
    let name = target.name.clone().ok_or(io::ErrorKind::IsADirectory)?;
    let dir = &target.parent;
    let previous = match rustix::fs::statat(dir, name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Directory => {
            return Err(io::ErrorKind::IsADirectory.into());
        }
        Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::RegularFile => Some(st.st_mode & 0o7777),
        // A symlink swapped in since the target was resolved is replaced, not followed.
        Ok(_) | Err(Errno::NOENT) => None,
        Err(e) => return Err(e.into()),
    };
    let (temp_name, mut temp) = create_temp(dir)?;
    let written = (|| {
        temp.write_all(content)?;
        rustix::fs::fchmod(&temp, Mode::from_raw_mode(previous.unwrap_or(0o644)))?;
        temp.sync_all()?;
        rustix::fs::renameat(dir, temp_name.as_os_str(), dir, name.as_os_str())?;
        Ok::<_, io::Error>(())
    })();
    if let Err(e) = written {
        let _ = rustix::fs::unlinkat(dir, temp_name.as_os_str(), AtFlags::empty());
        return Err(e);
    }
    sync_dir(dir);
    // The temp file is now the target: the same inode, so its handle gives the new mtime.
    let modified = temp.metadata().ok().and_then(|m| last_modified(&m));
    Ok(Stored { created: previous.is_none(), modified })
}

/// A new temp file in `dir` (0600, created exclusively, never through a symlink), locked.
fn create_temp(dir: &OwnedFd) -> io::Result<(OsString, File)> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    loop {
        let name = OsString::from(format!("{TEMP_PREFIX}{:016x}", fastrand::u64(..)));
        match rustix::fs::openat(dir, name.as_os_str(), flags, Mode::from_raw_mode(0o600)) {
            Ok(fd) => {
                let file = File::from(fd);
                // Advisory, for the sweep; a file system without locks still gets written.
                let _ = file.try_lock();
                return Ok((name, file));
            }
            Err(Errno::EXIST) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Deletes the target file.
pub fn remove(target: &Target) -> io::Result<()> {
    let name = target.name.as_ref().ok_or(io::ErrorKind::IsADirectory)?;
    if !target.missing.is_empty() {
        return Err(io::ErrorKind::NotFound.into());
    }
    rustix::fs::unlinkat(&target.parent, name.as_os_str(), AtFlags::empty())?;
    sync_dir(&target.parent);
    Ok(())
}

/// Makes a rename or removal in `dir` durable (best effort: some file systems refuse).
fn sync_dir(dir: &OwnedFd) {
    let _ = rustix::fs::fsync(dir);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn etag_is_truncated_sha256() {
        // sha256("") = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
        assert_eq!(etag_of(b"", false).to_string(), "\"e3b0c44298fc1c149afbf4c8996fb924\"");
        assert_eq!(etag_of(b"", true).to_string(), "W/\"e3b0c44298fc1c149afbf4c8996fb924\"");
    }

    fn at(root: &sandbox::Root, rel: &str) -> Target {
        sandbox::resolve(root, Path::new(rel)).unwrap()
    }

    fn read_at(root: &sandbox::Root, rel: &str) -> Option<Snapshot> {
        at(root, rel).file.map(|f| read(&f, false).unwrap())
    }

    #[test]
    fn write_read_list_remove() {
        let dir = tempfile::tempdir().unwrap();
        let root = sandbox::Root::open(&fs::canonicalize(dir.path()).unwrap()).unwrap();
        let first = write_atomic(&mut at(&root, "sub/deep/doc.json"), b"{\"a\":1}").unwrap();
        assert!(first.created && first.modified.is_some());
        let again = write_atomic(&mut at(&root, "sub/deep/doc.json"), b"{\"a\":2}").unwrap();
        assert!(!again.created);
        let snap = read_at(&root, "sub/deep/doc.json").unwrap();
        assert_eq!(snap.body, b"{\"a\":2}");
        assert_eq!(snap.etag, etag_of(b"{\"a\":2}", false));
        assert!(!snap.is_dir);
        fs::write(dir.path().join("sub/a b.txt"), "x").unwrap();
        fs::write(dir.path().join(format!("sub/{TEMP_PREFIX}zz")), "x").unwrap();
        let listing = read_at(&root, "sub").unwrap();
        assert!(listing.is_dir);
        assert_eq!(String::from_utf8(listing.body).unwrap(), "a%20b.txt\ndeep/\n");
        remove(&at(&root, "sub/deep/doc.json")).unwrap();
        assert!(read_at(&root, "sub/deep/doc.json").is_none());
        assert!(write_atomic(&mut at(&root, "sub"), b"x").is_err());
        let names: Vec<_> = fs::read_dir(dir.path().join("sub/deep")).unwrap().collect();
        assert!(names.is_empty(), "no temp file left behind: {names:?}");
    }

    #[test]
    fn write_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = sandbox::Root::open(&fs::canonicalize(dir.path()).unwrap()).unwrap();
        let target = dir.path().join("f.txt");
        write_atomic(&mut at(&root, "f.txt"), b"1").unwrap();
        assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o644);
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&mut at(&root, "f.txt"), b"2").unwrap();
        assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
