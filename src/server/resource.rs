//! The file store behind the server: reading a file or directory listing together with its
//! validators (content-hash ETag, mtime), replacing a file atomically, deleting it, and the
//! media type of a name. All functions are blocking `std::fs` code, meant to run inside
//! `spawn_blocking`; paths arrive already checked by `sandbox`, and locking is the caller's.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::Path;
use std::time::SystemTime;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use sha2::{Digest, Sha256};

use super::entity_tag::EntityTag;

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

/// Reads `real` (a file, or a directory whose listing is produced) and its validators. File
/// content and mtime come from the same open handle, and writers replace files by rename,
/// so a reader sees one whole version, never a half-written one.
pub fn read(real: &Path, weak: bool) -> io::Result<Snapshot> {
    let mut file = File::open(real)?;
    let meta = file.metadata()?;
    let modified = last_modified(&meta);
    let (body, is_dir) = if meta.is_dir() {
        (list(real)?, true)
    } else {
        let mut body = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut body)?;
        (body, false)
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
/// directories with a trailing `/`. Temp files of in-flight writes are left out.
fn list(dir: &Path) -> io::Result<Vec<u8>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(TEMP_PREFIX) {
            continue;
        }
        let slash = if entry.file_type()?.is_dir() { "/" } else { "" };
        names.push(format!("{}{slash}\n", utf8_percent_encode(&name, LISTING)));
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

/// Replaces `real` with `content`: creates missing parent directories, writes a temp file in
/// the same directory, `sync_all`s it and renames it over the target, then syncs the directory.
/// Readers see the old or the new content, never a mix. A crash before the rename loses the
/// new content and keeps the old; a crash after it but before the directory sync may, on some
/// file systems, bring back the old name on reboot. A failed write leaves no temp file behind.
/// Permissions of a replaced file are kept; a new file gets 0644 (unix).
pub fn write_atomic(real: &Path, content: &[u8]) -> io::Result<Stored> {
    let parent = real.parent().ok_or_else(|| io::Error::other("the target has no parent directory"))?;
    fs::create_dir_all(parent)?;
    let previous = match fs::metadata(real) {
        Ok(meta) if meta.is_dir() => return Err(io::ErrorKind::IsADirectory.into()),
        Ok(meta) => Some(meta.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let mut temp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(parent)?;
    temp.write_all(content)?;
    let permissions = match &previous {
        Some(p) => Some(p.clone()),
        None => default_permissions(),
    };
    if let Some(p) = permissions {
        temp.as_file().set_permissions(p)?;
    }
    crate::fsutil::persist(temp, real)?;
    let modified = fs::metadata(real).ok().and_then(|m| last_modified(&m));
    Ok(Stored { created: previous.is_none(), modified })
}

/// Deletes the file `real`.
pub fn remove(real: &Path) -> io::Result<()> {
    fs::remove_file(real)?;
    if let Some(parent) = real.parent() {
        crate::fsutil::sync_dir(parent);
    }
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_truncated_sha256() {
        // sha256("") = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
        assert_eq!(etag_of(b"", false).to_string(), "\"e3b0c44298fc1c149afbf4c8996fb924\"");
        assert_eq!(etag_of(b"", true).to_string(), "W/\"e3b0c44298fc1c149afbf4c8996fb924\"");
    }

    #[test]
    fn write_read_list_remove() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub/deep/doc.json");
        let first = write_atomic(&target, b"{\"a\":1}").unwrap();
        assert!(first.created && first.modified.is_some());
        let again = write_atomic(&target, b"{\"a\":2}").unwrap();
        assert!(!again.created);
        let snap = read(&target, false).unwrap();
        assert_eq!(snap.body, b"{\"a\":2}");
        assert_eq!(snap.etag, etag_of(b"{\"a\":2}", false));
        assert!(!snap.is_dir);
        fs::write(dir.path().join("sub/a b.txt"), "x").unwrap();
        fs::write(dir.path().join(format!("sub/{TEMP_PREFIX}zz")), "x").unwrap();
        let listing = read(&dir.path().join("sub"), false).unwrap();
        assert!(listing.is_dir);
        assert_eq!(String::from_utf8(listing.body).unwrap(), "a%20b.txt\ndeep/\n");
        remove(&target).unwrap();
        assert_eq!(read(&target, false).unwrap_err().kind(), io::ErrorKind::NotFound);
        assert!(write_atomic(&dir.path().join("sub"), b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn write_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("f.txt");
        write_atomic(&target, b"1").unwrap();
        assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o644);
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&target, b"2").unwrap();
        assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
