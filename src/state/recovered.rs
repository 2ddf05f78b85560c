//! Recovered edits: the user's text kept in `recovered/` whenever it could not be written —
//! saved before the first write and removed after success, so that a crash or a signal never
//! loses it. Each edit keeps what it was based on beside it, so that `edit --resume` pairs the
//! text with the version it came from, never with a base that a later `get` stored:
//!
//! - `<id>-<unix-millis>-<pid>.<ext>`: the text (the extension makes an editor pick its mode);
//! - `<same>.<ext>.base`: the base body the text was derived from, when one was known;
//! - `<same>.<ext>.meta.json`: the validators that go with that base ([`Origin`]).
//!
//! The sidecars are written first and the text last, so a text never lacks them.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ResourceKey, Store};
use crate::error::{Error, IoResultExt, Result};
use crate::fsutil;

/// The sidecar format version this build reads and writes.
pub(super) const ORIGIN_VERSION: u32 = 1;

/// What a recovered text was based on: the validators of its base and the resource's media
/// type, as they were when the text was saved.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Origin {
    pub version: u32,
    pub url: String,
    /// The ETag of the base (the one a write of this text sends in `If-Match`).
    pub etag: Option<String>,
    /// The base's Last-Modified (for `If-Unmodified-Since` when there is no strong ETag).
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    #[serde(default)]
    pub accept_patch: Option<String>,
    /// The validators were stale: a write of this text refetches first.
    #[serde(default)]
    pub stale: bool,
    /// The text was to create the resource (`put --create`, or a 428 on a missing one): a
    /// write of it sends `If-None-Match: *` again.
    #[serde(default)]
    pub create: bool,
    /// For a text made at the conflict prompt: the base and mine of that conflict (the kept
    /// base is theirs then), so that `edit --resume` can tell whether the text undoes a change
    /// of theirs that did not conflict. Kept for JSON texts only, where that is checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Box<ConflictSides>>,
}

/// The base and mine of the conflict a kept text was made at.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConflictSides {
    pub base: String,
    pub mine: String,
}

impl Origin {
    pub fn new(key: &ResourceKey) -> Origin {
        Origin {
            version: ORIGIN_VERSION,
            url: key.url().to_string(),
            etag: None,
            last_modified: None,
            content_type: None,
            accept_patch: None,
            stale: false,
            create: false,
            conflict: None,
        }
    }
}

/// A text to keep, with what it was based on.
pub struct Keep<'a> {
    pub text: &'a [u8],
    /// The file extension, with its dot (`.json`).
    pub suffix: &'a str,
    pub base: Option<&'a [u8]>,
    pub origin: &'a Origin,
}

/// A recovered edit read back.
#[derive(Debug)]
pub struct Recovered {
    pub text: Vec<u8>,
    /// `None` when no base was known (or the sidecar is missing).
    pub base: Option<Vec<u8>>,
    /// `None` for an edit saved without sidecars (by an older ifmatch).
    pub origin: Option<Origin>,
}

/// What a write started from, to find its kept copies by once it succeeds: the text's length
/// and SHA-256, and the SHA-256 of the base it was written against (digests, so that a large
/// document is not held twice).
pub struct Started {
    len: usize,
    text: [u8; 32],
    base: [u8; 32],
}

impl Started {
    pub fn of(text: &[u8], base: &[u8]) -> Started {
        Started { len: text.len(), text: Sha256::digest(text).into(), base: Sha256::digest(base).into() }
    }
}

impl Store {
    /// Keeps a text in `recovered/` and returns where, or `None` for an empty text (nothing
    /// worth keeping). An identical edit already kept for the resource (same text, base and
    /// origin) is not saved twice: its path is returned. When `replaces` names an earlier copy
    /// of this edit and the text went elsewhere, that copy is removed — after the new one is
    /// complete, so there is always one.
    pub fn save_recovered(
        &self,
        key: &ResourceKey,
        keep: &Keep<'_>,
        replaces: Option<&Path>,
    ) -> Result<Option<PathBuf>> {
        if keep.text.is_empty() {
            return Ok(None);
        }
        let path = match self.identical(key, keep)? {
            Some(existing) => existing,
            None => self.write_recovered(key, keep)?,
        };
        if let Some(old) = replaces
            && old != path
        {
            self.discard_recovered(old)?;
        }
        Ok(Some(path))
    }

    fn write_recovered(&self, key: &ResourceKey, keep: &Keep<'_>) -> Result<PathBuf> {
        let dir = self.dir.join("recovered");
        let mut millis = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        // Two saves within one millisecond (a write-ahead copy, then the text after a quick
        // failure) must not share a name.
        // The process id keeps two ifmatch runs saving in the same millisecond apart.
        let pid = std::process::id();
        let path = loop {
            let path = dir.join(format!("{}-{millis}-{pid}{}", key.id(), keep.suffix));
            if !path.exists() {
                break path;
            }
            millis += 1;
        };
        match keep.base {
            Some(base) => fsutil::write_atomic(&sidecar(&path, BASE), base)?,
            None => remove_if_present(&sidecar(&path, BASE))?,
        }
        let json = serde_json::to_vec_pretty(keep.origin).map_err(|e| Error::other(e.to_string()))?;
        fsutil::write_atomic(&sidecar(&path, META), &json)?;
        fsutil::write_atomic(&path, keep.text)?;
        Ok(path)
    }

    /// An edit of this resource already kept with exactly this text, base and origin.
    fn identical(&self, key: &ResourceKey, keep: &Keep<'_>) -> Result<Option<PathBuf>> {
        for path in self.recovered_edits(key)? {
            let same_text = fs::metadata(&path).is_ok_and(|m| m.len() == keep.text.len() as u64)
                && fs::read(&path).is_ok_and(|t| t == keep.text);
            if !same_text {
                continue;
            }
            let found = self.load_recovered(&path)?;
            if found.base.as_deref() == keep.base && found.origin.as_ref() == Some(keep.origin) {
                return Ok(Some(path));
            }
        }
        Ok(None)
    }

    /// Reads a recovered edit and what it was based on.
    pub fn load_recovered(&self, path: &Path) -> Result<Recovered> {
        let text = fs::read(path).context("read the saved edit", path)?;
        let base = read_if_present(&sidecar(path, BASE))?;
        let origin = match read_if_present(&sidecar(path, META))? {
            None => None,
            Some(bytes) => match serde_json::from_slice::<Origin>(&bytes) {
                Ok(origin) if origin.version == ORIGIN_VERSION => Some(origin),
                _ => {
                    if !crate::ui::quiet() {
                        stderrln!(
                            "ifmatch: warning: {} is unreadable; the saved edit is treated as having no known base",
                            sidecar(path, META).display()
                        );
                    }
                    None
                }
            },
        };
        // Without its validators a base cannot be told apart from a later version.
        let base = base.filter(|_| origin.is_some());
        Ok(Recovered { text, base, origin })
    }

    /// Removes a recovered edit and its sidecars, once it has been written or superseded. The
    /// text goes first: a crash part-way leaves sidecars without a text, which nothing reads,
    /// never a text without the base it came from.
    pub fn discard_recovered(&self, path: &Path) -> Result<()> {
        remove_if_present(path)?;
        remove_if_present(&sidecar(path, BASE))?;
        remove_if_present(&sidecar(path, META))
    }

    /// Removes the resource's recovered edits that a successful write settled: those whose text
    /// is exactly `written`, now on the server; and, given `started`, those of the text the
    /// write started from, kept against the base it started from — written as they were,
    /// merged, or as edited at the prompt. The same text kept against another base (or none)
    /// stays: against its own base it holds other changes.
    pub fn discard_settled(
        &self,
        key: &ResourceKey,
        written: &[u8],
        started: Option<&Started>,
    ) -> Result<()> {
        for path in self.recovered_edits(key)? {
            let Ok(len) = fs::metadata(&path).map(|m| m.len()) else { continue };
            let started = started.filter(|started| started.len as u64 == len);
            if len != written.len() as u64 && started.is_none() {
                continue;
            }
            let Ok(text) = fs::read(&path) else { continue };
            let settled = text == written
                || started.is_some_and(|started| {
                    <[u8; 32]>::from(Sha256::digest(&text)) == started.text
                        && self
                            .load_recovered(&path)
                            .ok()
                            .and_then(|found| found.base)
                            .is_some_and(|base| <[u8; 32]>::from(Sha256::digest(&base)) == started.base)
                });
            if settled {
                self.discard_recovered(&path)?;
            }
        }
        Ok(())
    }

    /// Sidecars of the resource whose text is gone (a crash between removing the text and
    /// removing them): nothing reads them, and `forget --recovered` removes them.
    pub fn orphan_sidecars(&self, key: &ResourceKey) -> Result<Vec<PathBuf>> {
        let mut sidecars = self.files_of("recovered", key)?;
        sidecars.retain(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text =
                name.strip_suffix(&format!(".{BASE}")).or_else(|| name.strip_suffix(&format!(".{META}")));
            text.is_some_and(|text| !p.with_file_name(text).exists())
        });
        Ok(sidecars)
    }

    /// The recovered edits of a resource (their texts, not the sidecars), oldest first.
    pub fn recovered_edits(&self, key: &ResourceKey) -> Result<Vec<PathBuf>> {
        let prefix = format!("{}-", key.id());
        let mut edits = self.files_of("recovered", key)?;
        edits.retain(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name.strip_prefix(&prefix).is_some_and(is_edit_name)
        });
        edits.sort_by_key(|p| recovered_millis(p));
        Ok(edits)
    }
}

const BASE: &str = "base";
const META: &str = "meta.json";

fn sidecar(edit: &Path, which: &str) -> PathBuf {
    let mut name = edit.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{which}"));
    edit.with_file_name(name)
}

/// `<millis>-<pid>.<ext>` with a one-part extension: a text. Sidecars carry a second extension.
fn is_edit_name(rest: &str) -> bool {
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && rest[digits..].matches('.').count() <= 1
}

fn recovered_millis(path: &Path) -> u128 {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    name.split_once('-')
        .map(|(_, rest)| rest.chars().take_while(|c| c.is_ascii_digit()).collect::<String>())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}

fn read_if_present(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", path, e)),
    }
}

fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("remove", path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> ResourceKey {
        ResourceKey::new(&url::Url::parse(s).unwrap(), None)
    }

    fn origin(k: &ResourceKey, etag: &str) -> Origin {
        Origin { etag: Some(etag.to_string()), ..Origin::new(k) }
    }

    #[test]
    fn orphan_sidecars_are_found_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let k = key("http://x/a");
        let o = origin(&k, "\"1\"");
        let text = store
            .save_recovered(&k, &Keep { text: b"t", suffix: ".json", base: Some(b"b"), origin: &o }, None)
            .unwrap()
            .unwrap();
        assert!(store.orphan_sidecars(&k).unwrap().is_empty());
        // A crash right after the text went: its sidecars are orphans.
        fs::remove_file(&text).unwrap();
        assert_eq!(store.orphan_sidecars(&k).unwrap().len(), 2);
        store.forget(&k, true).unwrap();
        assert!(store.orphan_sidecars(&k).unwrap().is_empty());
        assert_eq!(fs::read_dir(dir.path().join("recovered")).unwrap().count(), 0);
    }

    #[test]
    fn saved_with_base_and_origin_newest_last() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let k = key("http://x/a");
        let o = origin(&k, "\"1\"");
        let keep = |text: &'static [u8]| Keep { text, suffix: ".json", base: Some(b"base"), origin: &o };
        let first = store.save_recovered(&k, &keep(b"1"), None).unwrap().unwrap();
        let second = store.save_recovered(&k, &keep(b"2"), None).unwrap().unwrap();
        assert_ne!(first, second, "same millisecond or not, two names");
        assert_eq!(store.recovered_edits(&k).unwrap(), vec![first.clone(), second.clone()]);
        assert!(store.recovered_edits(&key("http://x/b")).unwrap().is_empty());
        let back = store.load_recovered(&second).unwrap();
        assert_eq!(
            (back.text, back.base, back.origin),
            (b"2".to_vec(), Some(b"base".to_vec()), Some(o.clone()))
        );
        // The same edit again is not duplicated; an empty text is not kept.
        assert_eq!(store.save_recovered(&k, &keep(b"1"), None).unwrap(), Some(first.clone()));
        assert_eq!(store.save_recovered(&k, &keep(b""), None).unwrap(), None);
        // A newer copy replaces an older one, sidecars included.
        let third = store.save_recovered(&k, &keep(b"3"), Some(&first)).unwrap().unwrap();
        assert!(!first.exists() && !sidecar(&first, BASE).exists() && !sidecar(&first, META).exists());
        assert_eq!(store.recovered_edits(&k).unwrap(), vec![second, third]);
    }

    #[test]
    fn an_edit_without_sidecars_has_no_base() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let k = key("http://x/a");
        let path = dir.path().join("recovered").join(format!("{}-5.txt", k.id()));
        fs::write(&path, b"old").unwrap();
        fs::write(sidecar(&path, BASE), b"orphan").unwrap();
        let back = store.load_recovered(&path).unwrap();
        assert_eq!((back.base, back.origin), (None, None));
        assert_eq!(store.recovered_edits(&k).unwrap(), vec![path]);
    }
}
