//! What a fetch teaches the state store, shared by every command that fetches before it edits
//! (`get`, `edit`, `apply`, `demo`): the record it makes, the version field later writes carry,
//! and the early warning when those writes cannot be fully protected.

use crate::error::Result;
use crate::http::Fetched;
use crate::state::{Record, ResourceKey, now_http_date};

use super::Session;

impl Session {
    /// Stores what a fetch taught us: validators, content type, and the body as the new base.
    pub fn record_fetched(&self, key: &ResourceKey, fetched: &Fetched) -> Result<Record> {
        let previous = self.store.load(key)?;
        let mut record = new_record(key, fetched);
        record.version_field = self.version_field(fetched, Some(&fetched.body), previous.as_ref());
        json_when_versioned(&mut record);
        self.store.save(key, &mut record, Some(&fetched.body))?;
        Ok(record)
    }

    /// The version field writes of this resource rely on: `--version-field`; else the one
    /// remembered, while the body still has it; else a well-known one (`/_rev`,
    /// `/metadata/resourceVersion`, `/etag`) when the server sends no strong ETag. `body` is
    /// `None` when too large to look at.
    pub fn version_field(
        &self,
        fetched: &Fetched,
        body: Option<&[u8]>,
        previous: Option<&Record>,
    ) -> Option<String> {
        if let Some(pointer) = &self.settings.version_field {
            return Some(pointer.clone());
        }
        let body = body?;
        if let Some(pointer) = previous.and_then(|r| r.version_field.as_deref())
            && crate::body_version::value(body, pointer).is_some()
        {
            return Some(pointer.to_string());
        }
        if fetched.etag.as_ref().is_some_and(|t| !t.is_weak()) {
            return None;
        }
        crate::body_version::detect(body).map(str::to_string)
    }

    /// Says early when later writes cannot be fully protected, and which version field they carry.
    pub fn warn_about_validators(&self, fetched: &Fetched, version_field: Option<&str>, body: Option<&[u8]>) {
        let ui = self.ui;
        if let Some(pointer) = version_field {
            let value = body.and_then(|b| crate::body_version::value(b, pointer));
            let also = match &fetched.etag {
                Some(tag) if !tag.is_weak() => format!(", and If-Match: {tag}"),
                _ => String::new(),
            };
            let line = format!(
                "version field {pointer} = {}: writes carry it as fetched{also}; a 409 or 412 goes through the conflict flow",
                crate::body_version::shown(value.as_ref())
            );
            if value.is_none() {
                ui.warn(&format!(
                    "the body has no version at {pointer}: writes are refused unless another validator is known"
                ));
            } else if self.settings.verbose {
                ui.note(&line);
            }
            if value.is_some() {
                return;
            }
        }
        match (&fetched.etag, &fetched.last_modified) {
            (Some(tag), _) if !tag.is_weak() => {}
            (Some(tag), Some(_)) if !self.settings.send_weak => ui.warn(&format!(
                "the server sent a weak ETag {tag}, which never matches If-Match; writes will use If-Unmodified-Since (1-second resolution)"
            )),
            (Some(tag), None) if !self.settings.send_weak => ui.warn(&format!(
                "the server sent only a weak ETag {tag}, which never matches If-Match; writes will need --weak-etag send or --force"
            )),
            (Some(_), _) => {}
            (None, Some(_)) => ui.warn("the server sent no ETag; writes will use If-Unmodified-Since (1-second resolution)"),
            (None, None) => ui.warn("the server sent neither ETag nor Last-Modified; writes cannot be protected (--force writes anyway)"),
        }
    }
}

/// A record of what `fetched` says, its version field not yet decided.
pub fn new_record(key: &ResourceKey, fetched: &Fetched) -> Record {
    let mut record = Record::new(key);
    record.etag = fetched.etag.as_ref().map(|t| t.to_string());
    record.last_modified = fetched.last_modified.clone();
    record.content_type = fetched.content_type.clone();
    record.accept_patch = fetched.accept_patch.clone();
    record.fetched_at = now_http_date();
    record
}

/// A version field makes the body JSON, whatever the server labels it (PouchDB answers a GET
/// without `Accept: application/json` as text/plain, and parses a PUT only when it says JSON):
/// writes send it as JSON, and conflicts merge it as JSON.
pub fn json_when_versioned(record: &mut Record) {
    if record.version_field.is_some() && !crate::media::is_json(record.content_type.as_deref()) {
        record.content_type = Some("application/json".to_string());
    }
}
