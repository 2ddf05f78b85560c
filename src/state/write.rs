//! Recording a successful write: the body that was written becomes the base, the response's
//! validators the record's, and the record is marked stale when they cannot protect the next
//! write. The one way `put`, `edit`, `apply` and large uploads record what they wrote.

use std::fs;
use std::path::Path;

use super::{Record, ResourceKey, Store, now_http_date};
use crate::error::Result;
use crate::etag::{ETag, Precondition};

/// What a successful write (or a fetch that found the write already applied) tells the store.
#[derive(Debug, Clone, Copy)]
pub struct Written<'a> {
    pub status: u16,
    pub etag: Option<&'a ETag>,
    pub last_modified: Option<&'a str>,
}

/// The body that becomes the new base: bytes in memory, or a file that was streamed out, known
/// by the digest and length of the bytes sent. The file is copied in (within the size limit)
/// only while it still holds exactly those bytes; otherwise it changed after it was sent, and
/// only the digest of what was sent is kept — never the file's newer text, which the server
/// does not hold and the next write must send.
#[derive(Debug, Clone, Copy)]
pub enum NewBase<'a> {
    Bytes(&'a [u8]),
    File { path: &'a Path, sha256: [u8; 32], len: u64 },
}

impl Record {
    /// Takes the validators of a successful write. The record is stale — the next write
    /// refetches and compares the content first — when they leave no usable precondition (a
    /// PUT response often carries no ETag, RFC 9110 §9.3.4; a weak one is not usable for
    /// `If-Match` unless `send_weak`), or when the answer was 202 Accepted: the change is not
    /// applied yet (§15.3.3), so nothing says what the server will hold.
    pub fn take_write(&mut self, written: Written<'_>, send_weak: bool) {
        self.etag = written.etag.map(|t| t.to_string());
        self.last_modified = written.last_modified.map(str::to_string);
        // A version kept in the body guards the next write too (the caller stores a base that
        // carries the new version, or marks the record stale when it cannot).
        let usable = Precondition::choose(written.etag, written.last_modified, send_weak)
            != Precondition::None
            || self.version_field.is_some();
        self.stale = written.status == 202 || !usable;
        self.fetched_at = now_http_date();
    }
}

impl Store {
    /// Records a successful write: `base` becomes the stored base and the response's validators
    /// the record's ([`Record::take_write`]). The one way `put`, `edit`, `apply` and large
    /// uploads record what they wrote.
    pub fn record_write(
        &self,
        key: &ResourceKey,
        record: &mut Record,
        written: Written<'_>,
        base: NewBase<'_>,
        send_weak: bool,
    ) -> Result<()> {
        record.take_write(written, send_weak);
        match base {
            NewBase::Bytes(bytes) => self.save(key, record, Some(bytes)),
            NewBase::File { path, sha256, len } => {
                let mut writer = self.base_writer()?.expecting(sha256, len);
                // A file that cannot be copied whole (gone, changed, a full disk) leaves only
                // the digest to keep, which is still the truth about the base.
                if len <= self.base_limit()
                    && let Ok(mut file) = fs::File::open(path)
                {
                    let _ = std::io::copy(&mut file, &mut writer);
                }
                self.save_streamed(key, record, writer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_file_is_kept_as_the_base_only_while_it_holds_what_was_sent() {
        use sha2::{Digest, Sha256};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s")).unwrap();
        let k = ResourceKey::new(&url::Url::parse("http://x/a").unwrap(), None);
        let file = dir.path().join("big.txt");
        let sent = b"what was sent";
        let (sha256, len) = (Sha256::digest(sent).into(), sent.len() as u64);
        let written = Written { status: 200, etag: None, last_modified: None };
        let mut rec = Record::new(&k);
        fs::write(&file, sent).unwrap();
        store.record_write(&k, &mut rec, written, NewBase::File { path: &file, sha256, len }, false).unwrap();
        assert_eq!(store.load_base(&k, &rec).unwrap(), Some(super::super::Base::Full(sent.to_vec())));
        // Saved again after it was sent: the base is what was sent, known by its digest.
        for later in [&b"saved again!!"[..], b"saved again, and longer", b""] {
            fs::write(&file, later).unwrap();
            store
                .record_write(&k, &mut rec, written, NewBase::File { path: &file, sha256, len }, false)
                .unwrap();
            let base = store.load_base(&k, &rec).unwrap().unwrap();
            assert_eq!(base, super::super::Base::Digest { sha256, len }, "{later:?}");
        }
        fs::remove_file(&file).unwrap();
        store.record_write(&k, &mut rec, written, NewBase::File { path: &file, sha256, len }, false).unwrap();
        assert_eq!(store.load_base(&k, &rec).unwrap(), Some(super::super::Base::Digest { sha256, len }));
        let left = fs::read_dir(dir.path().join("s").join("bases")).unwrap().count();
        assert_eq!(left, 0, "no temp file left");
    }

    #[test]
    fn a_write_without_a_usable_validator_or_with_202_is_stale() {
        let k = ResourceKey::new(&url::Url::parse("http://x/a").unwrap(), None);
        let strong = ETag::parse("\"2\"").unwrap();
        let weak = ETag::parse("W/\"2\"").unwrap();
        let date = "Tue, 15 Nov 1994 08:12:31 GMT";
        let cases = [
            (200, Some(&strong), None, false, false),
            (204, None, Some(date), false, false),
            (204, None, None, false, true),
            (200, Some(&weak), None, false, true),
            (200, Some(&weak), None, true, false),
            (202, Some(&strong), Some(date), false, true),
        ];
        for (status, etag, last_modified, send_weak, stale) in cases {
            let mut rec = Record::new(&k);
            rec.stale = !stale;
            rec.take_write(Written { status, etag, last_modified }, send_weak);
            assert_eq!(rec.stale, stale, "{status} {etag:?} {last_modified:?} {send_weak}");
            assert_eq!(rec.etag, etag.map(|t| t.to_string()));
        }
    }
}
