//! What a write probe (`ifmatch doctor --write-probe`) proved about an origin: whether its
//! writes evaluate preconditions, and when that was seen. `put`, `edit` and `apply` read it to
//! warn about, and re-check before, writes to an origin known to ignore `If-Match` on PUT;
//! `doctor` shows it; `state list` lists it and `state forget URL --write-probe` drops it.
//!
//! Layout: `origins/<id>.json`, where `<id>` comes from the origin (`scheme://host[:port]`).

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use super::Store;
use crate::error::{Error, Result};
use crate::fsutil;

/// The format version this build reads and writes.
const VERDICT_VERSION: u32 = 1;

/// A write probe's verdict on one origin.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OriginVerdict {
    pub version: u32,
    /// `scheme://host[:port]`, as browsers serialize an origin.
    pub origin: String,
    /// The server refused the probe's write with 412 (or a configured conflict status): it
    /// evaluates preconditions on writes. `false`: it accepted a write whose precondition
    /// failed, so `If-Match` does not protect writes there.
    pub writes_protected: bool,
    /// When the probe ran, as an HTTP-date.
    pub checked_at: String,
    /// The URL that was probed.
    pub url: String,
}

impl OriginVerdict {
    pub fn new(url: &Url, writes_protected: bool) -> OriginVerdict {
        OriginVerdict {
            version: VERDICT_VERSION,
            origin: origin_of(url),
            writes_protected,
            checked_at: super::now_http_date(),
            url: url.to_string(),
        }
    }

    /// The verdict in a few words.
    pub fn describe(&self) -> &'static str {
        if self.writes_protected { "writes protected" } else { "writes NOT protected" }
    }
}

/// A URL's origin, `scheme://host[:port]` (default ports left out).
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

fn path_in(dir: &Path, origin: &str) -> PathBuf {
    let digest = Sha256::digest(origin.as_bytes());
    let id: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    dir.join("origins").join(format!("{id}.json"))
}

fn read(path: &Path, origin: &str) -> Option<OriginVerdict> {
    let bytes = fs::read(path).ok()?;
    let verdict = serde_json::from_slice::<OriginVerdict>(&bytes).ok()?;
    (verdict.version == VERDICT_VERSION && verdict.origin == origin).then_some(verdict)
}

/// The verdict remembered for `url`'s origin in the store at `dir`, read without creating
/// anything (for `doctor`, which does not open a store it would not write to). A missing,
/// unreadable or corrupt file reads as none.
pub fn peek(dir: &Path, url: &Url) -> Option<OriginVerdict> {
    let origin = origin_of(url);
    read(&path_in(dir, &origin), &origin)
}

impl Store {
    /// Remembers a write probe's verdict for its origin, replacing an earlier one.
    pub fn save_origin_verdict(&self, verdict: &OriginVerdict) -> Result<()> {
        let path = path_in(&self.dir, &verdict.origin);
        let _guard = self.lock()?;
        fsutil::private_dir(&self.dir.join("origins"))?;
        let json = serde_json::to_vec_pretty(verdict).map_err(|e| Error::other(e.to_string()))?;
        fsutil::write_atomic(&path, &json)
    }

    /// The verdict remembered for `url`'s origin.
    pub fn origin_verdict(&self, url: &Url) -> Option<OriginVerdict> {
        peek(&self.dir, url)
    }

    /// Every remembered verdict, sorted by origin.
    pub fn origin_verdicts(&self) -> Vec<OriginVerdict> {
        let Ok(entries) = fs::read_dir(self.dir.join("origins")) else { return Vec::new() };
        let mut all: Vec<OriginVerdict> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| fs::read(e.path()).ok())
            .filter_map(|bytes| serde_json::from_slice::<OriginVerdict>(&bytes).ok())
            .filter(|v| v.version == VERDICT_VERSION)
            .collect();
        all.sort_by(|a, b| a.origin.cmp(&b.origin));
        all
    }

    /// Forgets the verdict for `url`'s origin; returns it when there was one.
    pub fn forget_origin_verdict(&self, url: &Url) -> Result<Option<OriginVerdict>> {
        let origin = origin_of(url);
        let path = path_in(&self.dir, &origin);
        let _guard = self.lock()?;
        let Some(verdict) = read(&path, &origin) else { return Ok(None) };
        match fs::remove_file(&path) {
            Ok(()) => Ok(Some(verdict)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("remove", &path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_per_origin_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s")).unwrap();
        let a = Url::parse("http://127.0.0.1:8080/a.json").unwrap();
        let b = Url::parse("http://127.0.0.1:8080/other/b.json").unwrap();
        let elsewhere = Url::parse("http://127.0.0.1:8081/a.json").unwrap();
        assert!(store.origin_verdict(&a).is_none());
        store.save_origin_verdict(&OriginVerdict::new(&a, false)).unwrap();
        let got = store.origin_verdict(&b).expect("same origin");
        assert_eq!(got.origin, "http://127.0.0.1:8080");
        assert!(!got.writes_protected);
        assert!(store.origin_verdict(&elsewhere).is_none());
        assert_eq!(peek(&dir.path().join("s"), &a), Some(got.clone()));
        assert_eq!(store.origin_verdicts(), vec![got]);
        assert!(store.forget_origin_verdict(&b).unwrap().is_some());
        assert!(store.origin_verdict(&a).is_none());
        assert!(peek(&dir.path().join("nowhere"), &a).is_none());
    }
}
