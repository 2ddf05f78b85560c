//! The state store: one versioned JSON record per resource (its validators and where it came
//! from), the base body beside it, and the `recovered/` folder that keeps a user's edit after
//! any failure. Atomic writes and locking are left to `fsutil`; what a record means to a write
//! is left to the commands.
//!
//! Layout under the store directory (0700; files 0600), `<id>` naming a resource by its key:
//!
//! - `records/<id>.json` and `bases/<id>.body`: the resource's record and base;
//! - `recovered/<id>-<unix-millis>-<pid>.<ext>`: a kept edit, with its `.base` and
//!   `.meta.json` sidecars (`state/recovered.rs`);
//! - `copies/<file-id>.json` and `copies/<file-id>.base`: which version a user's file holds,
//!   `<file-id>` naming the file by its canonical path (`state/copies.rs`);
//! - `history/<id>.json` and `history/<id>-<seen-nanos>.body`: the versions seen and their
//!   bases (`state/history.rs`);
//! - `origins/<origin-id>.json`: the write probe's verdict on an origin (`state/origins.rs`);
//! - `lock`: held while the store is changed (`fsutil::lock`).
//!
//! # Durability: what each file needs
//!
//! Every file is replaced by an atomic rename, so a crash of the process (kill -9, a panic) at
//! any point leaves each name showing a complete old or new file. What differs is what a power
//! loss may take back, and so how many syncs a write costs (`fsutil::Durability`):
//!
//! - **Recovered edits** (`recovered/`, text and sidecars): fully durable — data and directory
//!   synced — before anything is sent. They are the user's only copy of their work.
//! - **Records** (`records/`, and `copies/*.json` that replace one): data synced, directory
//!   not. A power loss can only bring back the record as it was before (never a torn one), and
//!   an older record fails closed: its validator is older than the server's, so the next write
//!   meets a 412 and the merge flow, or is refused. An older record cannot make a write unsafe:
//!   it is a version the server really had, with the base that went with it. A resource record
//!   lost altogether fails closed too (`put` asks for a `get`).
//! - **A new copy record** (the first `get -o FILE` of a file): fully durable. Without it,
//!   `put FILE` would fall back to the resource's record, which a later `get` may have moved on
//!   to a newer version than FILE holds — a validator that would overwrite that version.
//! - **Bases** (`bases/`, `copies/*.base`): not synced. The record holds the base's SHA-256, and
//!   a base file that does not match it (lost or torn by a power loss) reads as a digest-only
//!   base: no merge is offered, nothing wrong is merged or patched.
//! - **The user's FILE** (`get -o`, `put` updating FILE after a merge): fully durable before
//!   the copy record that says which version it holds. The other order could, after a power
//!   loss, pair an old FILE with a newer validator — a write that silently reverts a change.
//!
//! - **The version history** (`history/<id>.json`): like a record (an older history can only
//!   make `put FILE` pick an older version, whose validator fails closed), and not rewritten
//!   when a version is only seen again.
//!
//! So a `get` of a version already seen costs one sync (its record) where it cost four, a new
//! version one more (its history); `get -o FILE` with a known FILE three (FILE, its directory,
//! the record) plus its copy record's. `put FILE` makes no
//! write-ahead copy in `recovered/` (FILE itself holds the text until the write succeeds; see
//! `cycle::Job::in_user_file`).
//!
//! # Bases: in full or as a digest
//!
//! A base is kept in full up to the size limit (`--base-limit`, `IFMATCH_BASE_LIMIT`, default
//! 16 MiB), where it can serve a merge, a patch or a diff; above it only its digest is kept
//! (`state/base.rs`), which still tells an unchanged resource and an unchanged body apart.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, IoResultExt, Result};
use crate::fsutil;

mod access;
mod base;
mod copies;
mod history;
mod origins;
mod recovered;
mod write;

pub use base::{BASE_LIMIT_ENV, Base, BaseWriter, DEFAULT_BASE_LIMIT, parse_size};
pub use copies::CopyBase;
pub use history::Version;
pub use origins::{OriginVerdict, origin_of, peek as peek_origin_verdict};
pub use recovered::{ConflictSides, Keep, Origin, Started};
pub use write::{NewBase, Written};

/// The record format version this build reads and writes.
pub const RECORD_VERSION: u32 = 1;

/// What identifies a stored resource: the normalized URL plus the representation-affecting
/// request headers (`Accept`), since one URL can have several representations, each with its
/// own ETag (RFC 9110 §8.8.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceKey {
    url: String,
    accept: Option<String>,
}

impl ResourceKey {
    /// Normalizes the URL (scheme and host lowercased, default port and fragment dropped,
    /// empty path made `/`) and keeps the `Accept` value when one is given.
    pub fn new(url: &url::Url, accept: Option<&str>) -> ResourceKey {
        let mut url = url.clone();
        url.set_fragment(None);
        ResourceKey {
            url: url.to_string(),
            accept: accept.map(|a| a.trim().to_string()).filter(|a| !a.is_empty()),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn accept(&self) -> Option<&str> {
        self.accept.as_deref()
    }

    /// A stable file-name-safe id: the first 24 hex digits of SHA-256 over the key.
    pub fn id(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.url.as_bytes());
        if let Some(accept) = &self.accept {
            hasher.update(b"\naccept: ");
            hasher.update(accept.as_bytes());
        }
        hasher.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
    }
}

/// What the store remembers about one resource. Never holds credentials.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Record {
    pub version: u32,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// The ETag exactly as the server sent it (strong or weak).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    /// The server's `Accept-Patch` from the last fetch (RFC 5789 §3.1), for `--patch auto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_patch: Option<String>,
    /// When the base was fetched or last written, as an HTTP-date.
    pub fetched_at: String,
    /// True when a write succeeded but its response left no usable validator (RFC 9110 §9.3.4)
    /// or was 202 Accepted: the next write must refetch first. See [`Record::take_write`].
    #[serde(default)]
    pub stale: bool,
    /// Length of the base body stored beside the record.
    pub base_len: Option<u64>,
    /// The JSON Pointer of a version carried in the body (`/_rev`), given with
    /// `--version-field` or found by `get`: writes rely on it besides any header validator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_field: Option<String>,
    /// When this version became known, if earlier than its save (a fetch's response arrived
    /// before its body was streamed out): noted in the version history, not in the record.
    #[serde(skip)]
    pub seen: Option<SystemTime>,
    /// SHA-256 of the base body (hex): what a base file must match to be used, and all that is
    /// kept of a base over the size limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_sha256: Option<String>,
}

impl Record {
    pub fn new(key: &ResourceKey) -> Record {
        Record {
            version: RECORD_VERSION,
            url: key.url.clone(),
            accept: key.accept.clone(),
            etag: None,
            last_modified: None,
            content_type: None,
            accept_patch: None,
            fetched_at: now_http_date(),
            stale: false,
            base_len: None,
            version_field: None,
            seen: None,
            base_sha256: None,
        }
    }
}

impl Record {
    /// The base this record names, as its digest; `None` when it names none (or was written
    /// before digests were kept).
    pub fn base_digest(&self) -> Option<Base> {
        let sha256 = base::parse_hex(self.base_sha256.as_deref()?)?;
        Some(Base::Digest { sha256, len: self.base_len.unwrap_or(0) })
    }
}

/// The current time as an HTTP-date.
pub fn now_http_date() -> String {
    httpdate::fmt_http_date(SystemTime::now())
}

/// What [`Store::forget`] did.
#[derive(Debug, Default)]
pub struct Forgotten {
    /// A record or base existed and was removed.
    pub record: bool,
    pub recovered_removed: Vec<PathBuf>,
    pub recovered_kept: Vec<PathBuf>,
}

/// A state store rooted at one directory.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    lock_timeout: std::time::Duration,
    /// Set when the store cannot be written (a read-only mount, another user's directory):
    /// what failed. Reading still works; [`Store::check_writable`] refuses writes up front.
    read_only: Option<String>,
    /// Bases up to this size are kept in full; larger ones as their digest.
    base_limit: u64,
}

impl Store {
    /// Opens (and creates, private) the store at `dir`. A store that cannot be written — a
    /// read-only mount, a directory of another user — still opens, for the commands that only
    /// read it; writing commands call [`Store::check_writable`] first.
    pub fn open(dir: &Path) -> Result<Store> {
        let read_only = access::prepare(dir)?;
        Ok(Store {
            dir: dir.to_path_buf(),
            lock_timeout: fsutil::DEFAULT_LOCK_TIMEOUT,
            read_only,
            base_limit: DEFAULT_BASE_LIMIT,
        })
    }

    /// How long to wait for another process's lock on the store before giving up.
    pub fn with_lock_timeout(mut self, timeout: std::time::Duration) -> Store {
        self.lock_timeout = timeout;
        self
    }

    /// Bases larger than `limit` bytes are kept only as their digest.
    pub fn with_base_limit(mut self, limit: u64) -> Store {
        self.base_limit = limit;
        self
    }

    pub fn base_limit(&self) -> u64 {
        self.base_limit
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn record_path(&self, key: &ResourceKey) -> PathBuf {
        self.dir.join("records").join(format!("{}.json", key.id()))
    }

    fn base_path(&self, key: &ResourceKey) -> PathBuf {
        self.dir.join("bases").join(format!("{}.body", key.id()))
    }

    /// The files of the resource at `key` in the store's `folder` (named `<id>-…`); none when the
    /// folder does not exist (a read-only store that was never written has no folders).
    fn files_of(&self, folder: &str, key: &ResourceKey) -> Result<Vec<PathBuf>> {
        let dir = self.dir.join(folder);
        let prefix = format!("{}-", key.id());
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("list", &dir, e)),
        };
        Ok(entries
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.path())
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix)))
            .collect())
    }

    fn lock(&self) -> Result<fsutil::LockGuard> {
        fsutil::lock(&self.dir.join("lock"), "the state store", self.lock_timeout)
    }

    /// Loads a record. A missing record is `None`; a corrupt one is moved aside with a warning
    /// on stderr and also reads as `None`, so a damaged store never stops the user.
    pub fn load(&self, key: &ResourceKey) -> Result<Option<Record>> {
        let path = self.record_path(key);
        match read_record(&path)? {
            Read::Missing => Ok(None),
            Read::Valid(record) => Ok(Some(*record)),
            Read::Unusable(_) => {
                if self.read_only.is_some() {
                    if !crate::ui::quiet() {
                        stderrln!(
                            "ifmatch: warning: the state record for {} is unusable ({}); the store is read-only, so it stays as it is",
                            key.url,
                            path.display()
                        );
                    }
                    return Ok(None);
                }
                // Read again under the lock: another process may have just renamed a valid
                // record into place, which must not be moved aside.
                let _guard = self.lock()?;
                let why = match read_record(&path)? {
                    Read::Missing => return Ok(None),
                    Read::Valid(record) => return Ok(Some(*record)),
                    Read::Unusable(why) => why,
                };
                let aside = fsutil::move_aside(&path)?;
                if !crate::ui::quiet() {
                    stderrln!(
                        "ifmatch: warning: the state record for {} {why}; moved it to {} and starting fresh",
                        key.url,
                        aside.display()
                    );
                }
                Ok(None)
            }
        }
    }

    /// The base stored with `record`: in full when its file is there and matches the record's
    /// digest, else as the digest alone (the base was over the size limit, or its file was lost
    /// or torn by a power loss); `None` when the record has no base. A record written before
    /// digests were kept trusts its base file as it is.
    pub fn load_base(&self, key: &ResourceKey, record: &Record) -> Result<Option<Base>> {
        let bytes = self.read_base_file(key)?;
        Ok(checked_base(bytes, record.base_sha256.as_deref(), record.base_len))
    }

    /// Whether the file at `path` holds the base `record` names, as far as its digest tells
    /// (a record from before digests were kept trusts the file).
    fn base_file_matches(record: &Record, path: &Path) -> bool {
        match record.base_sha256.as_deref().and_then(base::parse_hex) {
            Some(digest) => fs::read(path).is_ok_and(|bytes| Sha256::digest(&bytes)[..] == digest[..]),
            None => true,
        }
    }

    fn read_base_file(&self, key: &ResourceKey) -> Result<Option<Vec<u8>>> {
        let path = self.base_path(key);
        if !is_file_or_missing(&path) {
            if self.read_only.is_none() {
                let _guard = self.lock()?;
                if !is_file_or_missing(&path) {
                    let aside = fsutil::move_aside(&path)?;
                    if !crate::ui::quiet() {
                        stderrln!(
                            "ifmatch: warning: the stored base for {} is not a file; moved it to {}",
                            key.url,
                            aside.display()
                        );
                    }
                }
            }
            return Ok(None);
        }
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("read", &path, e)),
        }
    }

    /// Saves a record, and the base body when given (in full within the size limit, else as
    /// its digest), under the store lock. The base is written first; the record, which names
    /// the base's digest, last. See the module docs for what each survives.
    pub fn save(&self, key: &ResourceKey, record: &mut Record, base: Option<&[u8]>) -> Result<()> {
        let _guard = self.lock()?;
        let versions = self.history_before_save(key)?;
        let mut kept = false;
        if let Some(base) = base {
            let path = self.base_path(key);
            kept = base.len() as u64 <= self.base_limit;
            if kept {
                fsutil::write_atomic_with(&path, base, fsutil::Durability::Checked)?;
            } else {
                remove_if_present(&path)?;
            }
            record.base_len = Some(base.len() as u64);
            record.base_sha256 = Some(base::hex(&Sha256::digest(base)));
        }
        self.write_record(key, record)?;
        let seen = record.seen.unwrap_or_else(|| written_at(&self.record_path(key)));
        self.note_version(key, versions, record, kept, seen)
    }

    fn write_record(&self, key: &ResourceKey, record: &Record) -> Result<()> {
        let json = serde_json::to_vec_pretty(record).map_err(|e| Error::other(e.to_string()))?;
        fsutil::write_atomic_with(&self.record_path(key), &json, fsutil::Durability::Complete)
    }

    /// A writer for a base body that arrives in chunks; hand it to [`Store::save_streamed`]
    /// once complete. Dropped unfinished, nothing is left behind.
    pub fn base_writer(&self) -> Result<BaseWriter> {
        Ok(BaseWriter::new(fsutil::temp_in(&self.dir.join("bases"))?, self.base_limit))
    }

    /// Like [`Store::save`] with a base written through [`Store::base_writer`].
    pub fn save_streamed(&self, key: &ResourceKey, record: &mut Record, base: BaseWriter) -> Result<()> {
        self.save_streamed_with_copy(key, record, base, None)?
    }

    /// [`Store::save_streamed`], and — under the same lock, so that no other run's base can
    /// come in between — notes that `copy` (a user's file) now holds that same base. A failure
    /// to note it (or the version in the history) is returned apart: the record itself is
    /// saved by then.
    pub fn save_streamed_with_copy(
        &self,
        key: &ResourceKey,
        record: &mut Record,
        base: BaseWriter,
        copy: Option<&Path>,
    ) -> Result<Result<()>> {
        let (file, sha256, len) = base.finish();
        record.base_len = Some(len);
        record.base_sha256 = Some(base::hex(&sha256));
        let _guard = self.lock()?;
        let versions = self.history_before_save(key);
        let path = self.base_path(key);
        let kept = file.is_some();
        match file {
            Some(file) => {
                fsutil::persist_with(file, &path, fsutil::Durability::Checked).context("replace", &path)?
            }
            None => remove_if_present(&path)?,
        }
        self.write_record(key, record)?;
        let seen = record.seen.unwrap_or_else(|| written_at(&self.record_path(key)));
        let noted = versions.and_then(|versions| self.note_version(key, versions, record, kept, seen));
        Ok(noted.and(match copy {
            Some(file) => self.save_copy_of_base(file, record, key),
            None => Ok(()),
        }))
    }

    /// Removes a record and its base, and the resource's recovered edits when `recovered` is
    /// set; the edits that are kept are listed, so that nobody loses them unawares.
    pub fn forget(&self, key: &ResourceKey, recovered: bool) -> Result<Forgotten> {
        let _guard = self.lock()?;
        let mut forgotten = Forgotten::default();
        for path in [self.record_path(key), self.base_path(key)] {
            match fs::remove_file(&path) {
                Ok(()) => forgotten.record = true,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("remove", &path, e)),
            }
        }
        if self.forget_copies(key)? {
            forgotten.record = true;
        }
        if self.forget_history(key)? {
            forgotten.record = true;
        }
        if recovered {
            for orphan in self.orphan_sidecars(key)? {
                fs::remove_file(&orphan).context("remove", &orphan)?;
            }
        }
        for edit in self.recovered_edits(key)? {
            if recovered {
                self.discard_recovered(&edit)?;
                forgotten.recovered_removed.push(edit);
            } else {
                forgotten.recovered_kept.push(edit);
            }
        }
        Ok(forgotten)
    }

    /// Every valid record, sorted by URL. Unreadable files are skipped (and reported by `load`).
    pub fn list(&self) -> Result<Vec<Record>> {
        let dir = self.dir.join("records");
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            // A read-only store that was never written has no folders.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("list", &dir, e)),
        };
        let mut records: Vec<Record> = entries
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "json"))
            .filter_map(|entry| fs::read(entry.path()).ok())
            .filter_map(|bytes| serde_json::from_slice::<Record>(&bytes).ok())
            .filter(|record| record.version == RECORD_VERSION)
            .collect();
        records.sort_by(|a, b| (&a.url, &a.accept).cmp(&(&b.url, &b.accept)));
        Ok(records)
    }
}

/// False when something other than a regular file (or a link to one) is at `path`.
fn is_file_or_missing(path: &Path) -> bool {
    fs::metadata(path).map_or(true, |m| m.is_file())
}

/// A base file checked against the digest its record names (see [`Store::load_base`]).
fn checked_base(bytes: Option<Vec<u8>>, sha256: Option<&str>, len: Option<u64>) -> Option<Base> {
    let Some(sha256) = sha256.and_then(base::parse_hex) else { return bytes.map(Base::Full) };
    match bytes {
        Some(bytes) if Sha256::digest(&bytes)[..] == sha256[..] => Some(Base::Full(bytes)),
        _ => Some(Base::Digest { sha256, len: len.unwrap_or(0) }),
    }
}

fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("remove", path, e)),
    }
}

/// What reading a record file found.
enum Read {
    Missing,
    Valid(Box<Record>),
    /// Corrupt, or of another version: why, as a phrase.
    Unusable(String),
}

fn read_record(path: &Path) -> Result<Read> {
    // Something that is not a file where the record belongs (a directory, a FIFO) would fail
    // or block every read and every later save: it is moved aside like a corrupt record.
    if !is_file_or_missing(path) {
        return Ok(Read::Unusable("is not a file".to_string()));
    }
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Read::Missing),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    Ok(match serde_json::from_slice::<Record>(&bytes) {
        Ok(record) if record.version == RECORD_VERSION => Read::Valid(Box::new(record)),
        Ok(record) => {
            Read::Unusable(format!("has version {} (this ifmatch reads {RECORD_VERSION})", record.version))
        }
        Err(e) => Read::Unusable(format!("was corrupt ({e})")),
    })
}

/// When the record at `path` was just written, by the file system's clock: the clock that FILE's
/// modification time comes from. A version seen at a write is compared with the modification
/// times of files written after it; the system clock can run ahead of the file system's coarser
/// one, so a file derived just after the write would otherwise look older than the write.
fn written_at(path: &Path) -> SystemTime {
    fs::metadata(path).and_then(|m| m.modified()).unwrap_or_else(|_| SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> ResourceKey {
        ResourceKey::new(&url::Url::parse(s).unwrap(), None)
    }

    #[test]
    fn keys_normalize() {
        assert_eq!(key("HTTP://Example.COM:80/a#frag").url(), "http://example.com/a");
        assert_eq!(key("https://example.com:443").url(), "https://example.com/");
        assert_eq!(key("http://example.com:8080/a").url(), "http://example.com:8080/a");
        let a = ResourceKey::new(&url::Url::parse("http://x/a").unwrap(), Some("application/json"));
        assert_ne!(a.id(), key("http://x/a").id());
    }

    #[test]
    fn save_load_forget() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s")).unwrap();
        let k = key("http://x/a");
        assert!(store.load(&k).unwrap().is_none());
        let mut rec = Record::new(&k);
        rec.etag = Some("\"1\"".into());
        store.save(&k, &mut rec, Some(b"body")).unwrap();
        let loaded = store.load(&k).unwrap().unwrap();
        assert_eq!(loaded.etag.as_deref(), Some("\"1\""));
        assert_eq!(loaded.base_len, Some(4));
        assert_eq!(loaded, rec, "the caller's record is the one saved");
        assert_eq!(store.load_base(&k, &loaded).unwrap().unwrap(), Base::Full(b"body".to_vec()));
        assert_eq!(store.list().unwrap().len(), 1);
        assert!(store.forget(&k, false).unwrap().record);
        assert!(store.load(&k).unwrap().is_none());
    }

    #[test]
    fn a_base_over_the_limit_is_kept_as_its_digest() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap().with_base_limit(8);
        let k = key("http://x/a");
        let mut rec = Record::new(&k);
        store.save(&k, &mut rec, Some(b"short")).unwrap();
        assert!(store.base_path(&k).exists());
        store.save(&k, &mut rec, Some(b"longer than eight")).unwrap();
        assert!(!store.base_path(&k).exists(), "the full base of the earlier version is gone");
        let base = store.load_base(&k, &store.load(&k).unwrap().unwrap()).unwrap().unwrap();
        assert_eq!(base.bytes(), None);
        assert!(base.matches(b"longer than eight") && !base.matches(b"longer than nine!"));
        // Streamed, the same.
        let mut writer = store.base_writer().unwrap();
        writer.add(b"longer ").unwrap();
        writer.add(b"than eight").unwrap();
        store.save_streamed(&k, &mut rec, writer).unwrap();
        assert!(!store.base_path(&k).exists());
        assert_eq!(fs::read_dir(dir.path().join("bases")).unwrap().count(), 0, "no temp file left");
        assert!(store.load_base(&k, &rec).unwrap().unwrap().matches(b"longer than eight"));
    }

    #[test]
    fn a_base_that_does_not_match_its_record_is_only_a_digest() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let k = key("http://x/a");
        let mut rec = Record::new(&k);
        store.save(&k, &mut rec, Some(b"version 2")).unwrap();
        // What a power loss may leave: the record names version 2, the base file is torn.
        fs::write(store.base_path(&k), b"vers").unwrap();
        let base = store.load_base(&k, &rec).unwrap().unwrap();
        assert_eq!(base, Base::Digest { sha256: Sha256::digest(b"version 2").into(), len: 9 });
        // A record from before digests were kept trusts its base file.
        rec.base_sha256 = None;
        assert_eq!(store.load_base(&k, &rec).unwrap().unwrap(), Base::Full(b"vers".to_vec()));
    }

    #[test]
    fn corrupt_record_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let k = key("http://x/a");
        fs::write(store.record_path(&k), b"{not json").unwrap();
        assert!(store.load(&k).unwrap().is_none());
        let names: Vec<_> =
            fs::read_dir(dir.path().join("records")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1);
        assert!(names[0].to_string_lossy().contains(".corrupt-1"));
    }
}
