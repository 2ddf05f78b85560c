//! Recording a successful write: the body that was written becomes the base, the response's
//! validators the record's, and the record is marked stale when they cannot protect the next
//! write. The one way `put`, `edit`, `apply` and large uploads record what they wrote.

use std::fs;
use std::path::Path;

use super::{Record, ResourceKey, Store, now_http_date};
use crate::error::{IoResultExt, Result};
use crate::etag::{ETag, Precondition};

/// What a successful write (or a fetch that found the write already applied) tells the store.
#[derive(Debug, Clone, Copy)]
pub struct Written<'a> {
    pub status: u16,
    pub etag: Option<&'a ETag>,
    pub last_modified: Option<&'a str>,
}

/// The body that becomes the new base: bytes in memory, or a file copied in chunks.
#[derive(Debug, Clone, Copy)]
pub enum NewBase<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
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
            NewBase::File(path) => {
                let mut writer = self.base_writer()?;
                let mut file = fs::File::open(path).context("open", path)?;
                std::io::copy(&mut file, &mut writer).context("copy into the state store", path)?;
                self.save_streamed(key, record, writer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
