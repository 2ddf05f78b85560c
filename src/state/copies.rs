//! Working copies: the files that `get -o FILE` wrote (and that `put FILE` keeps in step), each
//! with the validators and the base body it holds. `put FILE` writes against FILE's own base,
//! so a later `get` of the same URL — which moves the resource's record on to the server's
//! newer version — cannot turn that put into a silent overwrite of the newer version.
//!
//! Layout: `copies/<id>.json` (the [`Origin`], and the file's path) and `copies/<id>.base`,
//! where `<id>` comes from the file's canonical path. A copy whose file was moved or deleted is
//! simply never looked up again.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Origin, ResourceKey, Store};
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
        }
    }
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
        // The base first: a record never points at a base that is not complete.
        fsutil::write_atomic(&base_path, base)?;
        fsutil::write_atomic(&record, &copy_json(canonical, key, origin)?)
    }

    /// Like [`Store::save_copy`] with the resource's stored base as the copy's (as `get -o`
    /// leaves them): hard-linked, since store files are only ever replaced by rename, never
    /// changed in place; copied where links are not possible.
    pub fn save_copy_of_base(&self, file: &Path, origin: &Origin, key: &ResourceKey) -> Result<()> {
        let Some((canonical, record, base_path)) = self.copy_paths(file) else { return Ok(()) };
        fsutil::private_dir(&self.dir.join("copies"))?;
        fsutil::link_or_copy(&self.base_path(key), &base_path)?;
        fsutil::write_atomic(&record, &copy_json(canonical, key, origin)?)
    }

    /// The origin and base of `file`, when `get -o` or `put` left it holding a version of the
    /// resource at `key`.
    pub fn load_copy(&self, file: &Path, key: &ResourceKey) -> Result<Option<(Origin, Vec<u8>)>> {
        let Some((canonical, record, base_path)) = self.copy_paths(file) else { return Ok(None) };
        let Ok(json) = fs::read(&record) else { return Ok(None) };
        let Ok(copy) = serde_json::from_slice::<CopyRecord>(&json) else { return Ok(None) };
        if copy.path != canonical || copy.origin.url != key.url() || copy.accept.as_deref() != key.accept() {
            return Ok(None);
        }
        match fs::read(&base_path) {
            Ok(base) => Ok(Some((copy.origin, base))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("read", &base_path, e)),
        }
    }

    /// The URL and base of `file` when `get -o` or `put` left it holding a version of any
    /// resource: what ifmatch last wrote there (or knows it to hold).
    pub fn copy_at(&self, file: &Path) -> Result<Option<(String, Vec<u8>)>> {
        let Some((canonical, record, base_path)) = self.copy_paths(file) else { return Ok(None) };
        let Ok(json) = fs::read(&record) else { return Ok(None) };
        let Ok(copy) = serde_json::from_slice::<CopyRecord>(&json) else { return Ok(None) };
        if copy.path != canonical {
            return Ok(None);
        }
        match fs::read(&base_path) {
            Ok(base) => Ok(Some((copy.origin.url, base))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("read", &base_path, e)),
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

fn copy_json(path: PathBuf, key: &ResourceKey, origin: &Origin) -> Result<Vec<u8>> {
    let record = CopyRecord { path, accept: key.accept().map(str::to_string), origin: origin.clone() };
    serde_json::to_vec_pretty(&record).map_err(|e| Error::other(e.to_string()))
}
