//! Version history: the last few versions of each resource this store saw (fetched, or
//! written), with when each became known and the base body that goes with it. `put URL FILE`
//! writes FILE against the newest version seen before FILE was last modified — the version FILE
//! can have been derived from — never against one fetched after the text was written.
//!
//! Layout: `history/<id>.json` (the versions, oldest first) and `history/<id>-<nanos>.body`,
//! the base of the version seen at `<nanos>`: a hard link to the base stored with it (store
//! files are only ever replaced by rename, so the link keeps that version's bytes), or a copy.
//! Updated only under the store lock, by the saves that update the record; at most [`KEEP`]
//! versions are kept, older ones are pruned with their bases. The record itself is unchanged:
//! a store without history (or with a damaged one) reads as one version, the current record.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Read, Record, ResourceKey, Store, read_record};
use crate::error::{Error, Result};
use crate::fsutil;

/// How many versions of a resource are kept.
pub const KEEP: usize = 8;

/// Bases this size or larger are not kept for earlier versions (8 versions of a large resource
/// would fill a disk): a write against such a version that meets a 412 has no base to merge
/// from, so it is asked about (or refused without a terminal), never merged blind. The same
/// size from which `put` streams a file rather than merge it.
pub const KEEP_BASE_BELOW: u64 = 8 << 20;

/// The history file format version this build reads and writes.
const HISTORY_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct History {
    version: u32,
    url: String,
    #[serde(default)]
    accept: Option<String>,
    versions: Vec<Version>,
}

/// One version of a resource, as this store saw it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Version {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The validators could not protect a write (see [`Record::stale`]).
    #[serde(default)]
    pub stale: bool,
    /// When the version became known — its fetch's response arrived, or its write was
    /// answered — in nanoseconds since the Unix epoch.
    pub seen_nanos: u64,
    /// Length of the base kept for this version; `None` when none is (unknown, or too large).
    #[serde(default)]
    pub base_len: Option<u64>,
    /// SHA-256 of that base (hex), as its record named it: a kept base that does not match it
    /// (torn by a power loss, as bases are not synced) is not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_sha256: Option<String>,
}

impl Version {
    fn of_record(record: &Record, seen: SystemTime, base_len: Option<u64>) -> Version {
        Version {
            etag: record.etag.clone(),
            last_modified: record.last_modified.clone(),
            stale: record.stale,
            seen_nanos: nanos(seen),
            base_sha256: base_len.and(record.base_sha256.clone()),
            base_len,
        }
    }

    /// When the version became known.
    pub fn seen(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_nanos(self.seen_nanos)
    }

    /// The same validators as `record` (the record's current version).
    pub fn is_current(&self, record: &Record) -> bool {
        self.etag == record.etag && self.last_modified == record.last_modified
    }

    /// Another sighting of the same version: the same validators (at least one of them), and
    /// the same base length when both have a base.
    fn same_as(&self, other: &Version) -> bool {
        (self.etag.is_some() || self.last_modified.is_some())
            && self.etag == other.etag
            && self.last_modified == other.last_modified
            && match (self.base_len, other.base_len) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

fn nanos(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl Store {
    fn history_json(&self, key: &ResourceKey) -> PathBuf {
        self.dir.join("history").join(format!("{}.json", key.id()))
    }

    fn history_base(&self, key: &ResourceKey, seen_nanos: u64) -> PathBuf {
        self.dir.join("history").join(format!("{}-{seen_nanos}.body", key.id()))
    }

    /// The versions on file, oldest first; empty when there is no history (or it is damaged).
    fn read_history(&self, key: &ResourceKey) -> Vec<Version> {
        fs::read(self.history_json(key))
            .ok()
            .and_then(|json| serde_json::from_slice::<History>(&json).ok())
            .filter(|h| {
                h.version == HISTORY_VERSION && h.url == key.url() && h.accept.as_deref() == key.accept()
            })
            .map(|h| h.versions)
            .unwrap_or_default()
    }

    /// The versions of the resource this store saw, oldest first, the current record's last.
    /// A record saved before there was a history counts as one version, seen at its
    /// `fetched_at`.
    pub fn versions(&self, key: &ResourceKey, record: &Record) -> Vec<Version> {
        let mut versions = self.read_history(key);
        if versions.last().is_none_or(|v| !v.is_current(record)) {
            let seen = httpdate::parse_http_date(&record.fetched_at).unwrap_or(UNIX_EPOCH);
            versions.push(Version::of_record(record, seen, None));
        }
        versions
    }

    /// The base kept for a version from [`Store::versions`]; for the current record's version
    /// without a kept one, the stored base.
    pub fn load_version_base(&self, key: &ResourceKey, version: &Version) -> Result<Option<Vec<u8>>> {
        if version.base_len.is_some() {
            let path = self.history_base(key, version.seen_nanos);
            let digest = version.base_sha256.as_deref().and_then(super::base::parse_hex);
            match fs::read(&path) {
                Ok(bytes) if digest.is_none_or(|d| Sha256::digest(&bytes)[..] == d[..]) => {
                    return Ok(Some(bytes));
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("read", &path, e)),
            }
        }
        match self.load(key)? {
            Some(record) if version.is_current(&record) => {
                Ok(self.load_base(key, &record)?.and_then(super::Base::into_bytes))
            }
            _ => Ok(None),
        }
    }

    /// Under the store lock, before a save replaces the base: the history so far. A record
    /// from before there was a history becomes its first version, with its base kept.
    pub(super) fn history_before_save(&self, key: &ResourceKey) -> Result<Vec<Version>> {
        let versions = self.read_history(key);
        if !versions.is_empty() {
            return Ok(versions);
        }
        let Ok(Read::Valid(record)) = read_record(&self.record_path(key)) else { return Ok(versions) };
        let seen = httpdate::parse_http_date(&record.fetched_at).unwrap_or(UNIX_EPOCH);
        let mut version = Version::of_record(&record, seen, None);
        let base = self.base_path(key);
        if let Some(len) = fs::metadata(&base).ok().map(|m| m.len()).filter(|&n| n < KEEP_BASE_BELOW)
            && Store::base_file_matches(&record, &base)
        {
            fsutil::private_dir(&self.dir.join("history"))?;
            fsutil::link_or_copy(&base, &self.history_base(key, version.seen_nanos))?;
            version.base_len = Some(len);
        }
        Ok(vec![version])
    }

    /// Under the store lock, after a save: notes the record's version (seen at `seen`, with the
    /// base now stored when `with_base`), keeps the last [`KEEP`] versions and removes the
    /// bases of the others.
    pub(super) fn note_version(
        &self,
        key: &ResourceKey,
        mut versions: Vec<Version>,
        record: &Record,
        with_base: bool,
        seen: SystemTime,
    ) -> Result<()> {
        fsutil::private_dir(&self.dir.join("history"))?;
        let kept = record.base_len.filter(|&n| with_base && n < KEEP_BASE_BELOW);
        let mut new = Version::of_record(record, seen, kept);
        match versions.last_mut() {
            // Seen again: it has been known since it was first seen.
            Some(last) if last.same_as(&new) => last.stale = new.stale,
            _ => {
                // One base file per version: a second version seen within the same
                // nanosecond (a coarse clock) is noted just after it.
                while versions.iter().any(|v| v.seen_nanos == new.seen_nanos) {
                    new.seen_nanos += 1;
                }
                if new.base_len.is_some() {
                    fsutil::link_or_copy(&self.base_path(key), &self.history_base(key, new.seen_nanos))?;
                }
                versions.push(new);
            }
        }
        let drop = versions.len().saturating_sub(KEEP);
        versions.drain(..drop);
        let history = History {
            version: HISTORY_VERSION,
            url: key.url().to_string(),
            accept: key.accept().map(str::to_string),
            versions,
        };
        let json = serde_json::to_vec_pretty(&history).map_err(|e| Error::other(e.to_string()))?;
        // Like a record: an older history can only make `put FILE` choose an older version,
        // whose validator fails closed (see the `state` module docs).
        // A version seen again changes nothing: no write.
        let path = self.history_json(key);
        if fs::read(&path).ok().as_deref() != Some(&json[..]) {
            fsutil::write_atomic_with(&path, &json, fsutil::Durability::Complete)?;
        }
        let kept: Vec<PathBuf> = history
            .versions
            .iter()
            .filter(|v| v.base_len.is_some())
            .map(|v| self.history_base(key, v.seen_nanos))
            .collect();
        for path in self.history_bases(key)? {
            if !kept.contains(&path) {
                remove_if_there(&path)?;
            }
        }
        Ok(())
    }

    /// Every base file in `history/` for the resource at `key`.
    fn history_bases(&self, key: &ResourceKey) -> Result<Vec<PathBuf>> {
        let mut bases = self.files_of("history", key)?;
        bases.retain(|p| p.extension().is_some_and(|e| e == "body"));
        Ok(bases)
    }

    /// Removes the resource's history (under the store lock); returns whether there was one.
    pub(super) fn forget_history(&self, key: &ResourceKey) -> Result<bool> {
        let mut any = remove_if_there(&self.history_json(key))?;
        for path in self.history_bases(key)? {
            any |= remove_if_there(&path)?;
        }
        Ok(any)
    }
}

fn remove_if_there(path: &Path) -> Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io("remove", path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ResourceKey {
        ResourceKey::new(&url::Url::parse("http://x/a").unwrap(), None)
    }

    fn save(store: &Store, etag: &str, body: &[u8]) {
        let mut record = Record::new(&key());
        record.etag = Some(etag.to_string());
        store.save(&key(), &mut record, Some(body)).unwrap();
    }

    fn bases(store: &Store) -> usize {
        store.history_bases(&key()).unwrap().len()
    }

    #[test]
    fn versions_are_noted_once_each_and_pruned_with_their_bases() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        save(&store, "\"1\"", b"one");
        save(&store, "\"1\"", b"one");
        let record = store.load(&key()).unwrap().unwrap();
        let versions = store.versions(&key(), &record);
        assert_eq!(versions.len(), 1, "the same version seen twice");
        assert_eq!(store.load_version_base(&key(), &versions[0]).unwrap().unwrap(), b"one");
        for n in 2..=12 {
            save(&store, &format!("\"{n}\""), format!("body {n}").as_bytes());
        }
        let record = store.load(&key()).unwrap().unwrap();
        let versions = store.versions(&key(), &record);
        let etags: Vec<_> = versions.iter().map(|v| v.etag.clone().unwrap()).collect();
        assert_eq!(etags, (5..=12).map(|n| format!("\"{n}\"")).collect::<Vec<_>>());
        assert_eq!(bases(&store), KEEP);
        assert_eq!(store.load_version_base(&key(), &versions[0]).unwrap().unwrap(), b"body 5");
        assert!(store.forget(&key(), false).unwrap().record);
        assert_eq!(bases(&store), 0);
        assert!(!store.history_json(&key()).exists());
    }

    #[test]
    fn a_record_from_before_the_history_becomes_its_first_version() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        save(&store, "\"1\"", b"one");
        fs::remove_file(store.history_json(&key())).unwrap();
        for path in store.history_bases(&key()).unwrap() {
            fs::remove_file(path).unwrap();
        }
        let record = store.load(&key()).unwrap().unwrap();
        let versions = store.versions(&key(), &record);
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].seen(), httpdate::parse_http_date(&record.fetched_at).unwrap());
        save(&store, "\"2\"", b"two");
        let record = store.load(&key()).unwrap().unwrap();
        let versions = store.versions(&key(), &record);
        assert_eq!(versions.len(), 2);
        assert_eq!(store.load_version_base(&key(), &versions[0]).unwrap().unwrap(), b"one");
        assert_eq!(store.load_version_base(&key(), &versions[1]).unwrap().unwrap(), b"two");
    }

    #[test]
    fn a_large_base_is_not_kept_for_later() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        save(&store, "\"1\"", &vec![b'x'; KEEP_BASE_BELOW as usize]);
        save(&store, "\"2\"", b"two");
        let record = store.load(&key()).unwrap().unwrap();
        let versions = store.versions(&key(), &record);
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].base_len, None);
        assert_eq!(store.load_version_base(&key(), &versions[0]).unwrap(), None);
        assert_eq!(bases(&store), 1);
    }
}
