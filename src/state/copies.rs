//! Working copies: the files that `get -o FILE` wrote (and that `put FILE` keeps in step), each
//! with the validators and the base body it holds. `put FILE` writes against FILE's own base,
//! so a later `get` of the same URL — which moves the resource's record on to the server's
//! newer version — cannot turn that put into a silent overwrite of the newer version.
//!
//! Layout: `copies/<id>.json` (the [`Origin`], the file's path and its base's digest) and
//! `copies/<id>.base` (absent when the base is over the size limit), where `<id>` comes from
//! the file's canonical path. A copy whose file was moved or deleted is simply never looked up
//! again. Durability as for records and bases (see the `state` module docs).

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::base::{self, Base};
use super::{Origin, Record, ResourceKey, Store, remove_if_present};
use crate::error::{Error, Result};
use crate::fsutil;

/// One working copy's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CopyRecord {
    /// The file, as canonicalized when it was written.
    path: PathBuf,
    /// The `Accept` the version was fetched with: part of which representation FILE holds.
    #[serde(default)]
    accept: Option<String>,
    origin: Origin,
    /// SHA-256 of the base (hex); see [`super::Record::base_sha256`].
    #[serde(default)]
    base_sha256: Option<String>,
    #[serde(default)]
    base_len: Option<u64>,
}

impl Origin {
    /// The validators and media type a record holds, as a copy's origin.
    pub fn of_record(record: &super::Record) -> Origin {
        Origin {
            version: super::recovered::ORIGIN_VERSION,
            url: record.url.clone(),
            etag: record.etag.clone(),
            last_modified: record.last_modified.clone(),
            content_type: record.content_type.clone(),
            accept_patch: record.accept_patch.clone(),
            stale: record.stale,
            create: false,
            conflict: None,
        }
    }
}

/// What a working copy was written from, as [`Store::copy_at`] finds it.
pub enum CopyBase {
    /// The body, kept beside the copy's record.
    File(PathBuf),
    /// Only its digest (a body over the size limit for full bases).
    Digest(Base),
}

impl Store {
    /// The record and base paths for a user's file, by its canonical path; `None` when the
    /// file cannot be resolved (it does not exist).
    fn copy_paths(&self, file: &Path) -> Option<(PathBuf, PathBuf, PathBuf)> {
        let canonical = fs::canonicalize(file).ok()?;
        let digest = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
        let id: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        let dir = self.dir.join("copies");
        Some((canonical, dir.join(format!("{id}.json")), dir.join(format!("{id}.base"))))
    }

    /// Remembers that `file` now holds `base`, fetched or written under `origin`.
    pub fn save_copy(&self, file: &Path, key: &ResourceKey, origin: &Origin, base: &[u8]) -> Result<()> {
        let Some((canonical, record, base_path)) = self.copy_paths(file) else { return Ok(()) };
        fsutil::private_dir(&self.dir.join("copies"))?;
        // The base first, checked against the digest in the record written last.
        if base.len() as u64 <= self.base_limit {
            fsutil::write_atomic_with(&base_path, base, fsutil::Durability::Checked)?;
        } else {
            remove_if_present(&base_path)?;
        }
        let digest = Base::Digest { sha256: Sha256::digest(base).into(), len: base.len() as u64 };
        write_copy_record(&record, &copy_json(canonical, key, origin, &digest)?)
    }

    /// Like [`Store::save_copy`] for a base known only by its digest.
    pub fn save_copy_digest(
        &self,
        file: &Path,
        key: &ResourceKey,
        origin: &Origin,
        base: &Base,
    ) -> Result<()> {
        if let Some(bytes) = base.bytes() {
            return self.save_copy(file, key, origin, bytes);
        }
        let Some((canonical, record, base_path)) = self.copy_paths(file) else { return Ok(()) };
        fsutil::private_dir(&self.dir.join("copies"))?;
        remove_if_present(&base_path)?;
        write_copy_record(&record, &copy_json(canonical, key, origin, base)?)
    }

    /// Like [`Store::save_copy`] with the resource's stored base as the copy's (as `get -o`
    /// leaves them): hard-linked, since store files are only ever replaced by rename, never
    /// changed in place; copied where links are not possible.
    pub(super) fn save_copy_of_base(&self, file: &Path, stored: &Record, key: &ResourceKey) -> Result<()> {
        let Some((canonical, record, base_path)) = self.copy_paths(file) else { return Ok(()) };
        fsutil::private_dir(&self.dir.join("copies"))?;
        let store_base = self.base_path(key);
        if store_base.exists() {
            fsutil::link_or_copy(&store_base, &base_path)?;
        } else {
            remove_if_present(&base_path)?;
        }
        let copy = CopyRecord {
            path: canonical,
            accept: key.accept().map(str::to_string),
            origin: Origin::of_record(stored),
            base_sha256: stored.base_sha256.clone(),
            base_len: stored.base_len,
        };
        let json = serde_json::to_vec_pretty(&copy).map_err(|e| Error::other(e.to_string()))?;
        write_copy_record(&record, &json)
    }

    /// The origin and base of `file`, when `get -o` or `put` left it holding a version of the
    /// resource at `key`. The base is checked against the copy's digest as in
    /// [`Store::load_base`].
    pub fn load_copy(&self, file: &Path, key: &ResourceKey) -> Result<Option<(Origin, Base)>> {
        let Some((canonical, record, base_path)) = self.copy_paths(file) else { return Ok(None) };
        let Ok(json) = fs::read(&record) else { return Ok(None) };
        let Ok(copy) = serde_json::from_slice::<CopyRecord>(&json) else { return Ok(None) };
        if copy.path != canonical || copy.origin.url != key.url() || copy.accept.as_deref() != key.accept() {
            return Ok(None);
        }
        let bytes = match fs::read(&base_path) {
            Ok(base) => Some(base),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io("read", &base_path, e)),
        };
        Ok(super::checked_base(bytes, copy.base_sha256.as_deref(), copy.base_len)
            .map(|base| (copy.origin, base)))
    }

    /// The URL and base of `file` when `get -o` or `put` left it holding a version of any
    /// resource: what ifmatch last wrote there (or knows it to hold). The base is its file in
    /// `copies/`, or only its digest when the body was over the size limit for full bases.
    pub fn copy_at(&self, file: &Path) -> Result<Option<(String, CopyBase)>> {
        let Some((canonical, record, base_path)) = self.copy_paths(file) else { return Ok(None) };
        let Ok(json) = fs::read(&record) else { return Ok(None) };
        let Ok(copy) = serde_json::from_slice::<CopyRecord>(&json) else { return Ok(None) };
        if copy.path != canonical {
            return Ok(None);
        }
        let digest = copy.base_sha256.as_deref().and_then(base::parse_hex);
        match fs::metadata(&base_path) {
            Ok(_) => Ok(Some((copy.origin.url, CopyBase::File(base_path)))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(digest.map(|sha256| {
                (copy.origin.url, CopyBase::Digest(Base::Digest { sha256, len: copy.base_len.unwrap_or(0) }))
            })),
            Err(e) => Err(Error::io("inspect", &base_path, e)),
        }
    }

    /// Forgets every working copy of the resource at `key` (its files stay as they are);
    /// returns whether there was one.
    pub fn forget_copies(&self, key: &ResourceKey) -> Result<bool> {
        let dir = self.dir.join("copies");
        let Ok(entries) = fs::read_dir(&dir) else { return Ok(false) };
        let mut any = false;
        for path in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
            if path.extension().is_none_or(|ext| ext != "json") {
                continue;
            }
            let matches = fs::read(&path)
                .ok()
                .and_then(|json| serde_json::from_slice::<CopyRecord>(&json).ok())
                .is_some_and(|copy| copy.origin.url == key.url() && copy.accept.as_deref() == key.accept());
            if matches {
                for file in [path.with_extension("base"), path.clone()] {
                    match fs::remove_file(&file) {
                        Ok(()) => any = true,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(Error::io("remove", &file, e)),
                    }
                }
            }
        }
        Ok(any)
    }
}

/// Writes a copy record. Replacing one needs no directory sync: a power loss can only bring
/// back the older one, whose validator fails closed (a 412). A new one does: were it lost while
/// a later `get` moved the resource's record on, `put FILE` would take that newer validator for
/// FILE's and overwrite the newer version.
fn write_copy_record(path: &Path, json: &[u8]) -> Result<()> {
    let durability = if path.exists() { fsutil::Durability::Complete } else { fsutil::Durability::Full };
    fsutil::write_atomic_with(path, json, durability)
}

fn copy_json(path: PathBuf, key: &ResourceKey, origin: &Origin, base: &Base) -> Result<Vec<u8>> {
    let record = CopyRecord {
        path,
        accept: key.accept().map(str::to_string),
        origin: origin.clone(),
        base_sha256: Some(base::hex(&base.sha256())),
        base_len: Some(base.len()),
    };
    serde_json::to_vec_pretty(&record).map_err(|e| Error::other(e.to_string()))
}
