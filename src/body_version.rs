//! Versions carried in the body: APIs that do optimistic concurrency with a field of the JSON
//! document instead of (or besides) `If-Match` — CouchDB's `_rev`, Kubernetes'
//! `metadata.resourceVersion`, Google Cloud's top-level `etag`. The server refuses a write
//! whose field no longer names the current version, with 409 (or 412).
//!
//! The field is named by an RFC 6901 JSON Pointer (`--version-field`), or found among the
//! well-known ones when the server sends no strong ETag. ifmatch never writes the field itself:
//! the text sent carries the version of the base it came from (a merge takes theirs, as the
//! other side's change), and a text whose field differs from its base's is refused.

use serde_json::Value;

use crate::error::{Error, Result};

/// The well-known fields, in the order they are looked for.
pub const WELL_KNOWN: [&str; 3] = ["/_rev", "/metadata/resourceVersion", "/etag"];

/// Checks a `--version-field` value: an RFC 6901 pointer to a member (`/_rev`).
pub fn check_pointer(pointer: &str) -> Result<()> {
    let escapes_ok = {
        let mut chars = pointer.chars();
        let mut ok = true;
        while let Some(c) = chars.next() {
            if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
                ok = false;
            }
        }
        ok
    };
    if pointer.len() < 2 || !pointer.starts_with('/') || !escapes_ok {
        return Err(Error::usage(
            format!("--version-field {pointer:?} is not a JSON Pointer to a field"),
            "write it as in RFC 6901, from the document's root: --version-field /_rev, /metadata/resourceVersion or /etag",
        ));
    }
    Ok(())
}

/// The field's value in `body`, when the body is JSON and the field holds a string or number.
pub fn value(body: &[u8], pointer: &str) -> Option<Value> {
    let doc: Value = serde_json::from_slice(body).ok()?;
    doc.pointer(pointer).filter(|v| v.is_string() || v.is_number()).cloned()
}

/// The first well-known field that `body` carries as a string.
pub fn detect(body: &[u8]) -> Option<&'static str> {
    let doc: Value = serde_json::from_slice(body).ok()?;
    WELL_KNOWN.into_iter().find(|p| doc.pointer(p).is_some_and(Value::is_string))
}

/// The value for messages: a string without its quotes, a number as written.
pub fn shown(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => crate::sanitize::sanitize(s).into_owned(),
        Some(v) => v.to_string(),
        None => "(missing)".to_string(),
    }
}

/// Whether the two JSON documents are equal apart from the field.
pub fn same_apart_from(a: &[u8], b: &[u8], pointer: &str) -> bool {
    let strip = |body: &[u8]| -> Option<Value> {
        let mut doc: Value = serde_json::from_slice(body).ok()?;
        if let Some((parent, last)) = pointer.rsplit_once('/') {
            let key = last.replace("~1", "/").replace("~0", "~");
            let holder = if parent.is_empty() { Some(&mut doc) } else { doc.pointer_mut(parent) };
            if let Some(Value::Object(map)) = holder {
                map.shift_remove(&key);
            }
        }
        Some(doc)
    };
    matches!((strip(a), strip(b)), (Some(x), Some(y)) if x == y)
}

/// Refuses a text whose version field differs from its base's: ifmatch sends the version the
/// text is based on and never edits the field, so a changed one is a mistake (it would either
/// be refused as stale or, worse, name a version the text was not based on).
pub fn check_unchanged(url: &url::Url, pointer: &str, base: &[u8], mine: &[u8]) -> Result<()> {
    let (was, now) = (value(base, pointer), value(mine, pointer));
    if was.is_none() || was == now {
        return Ok(());
    }
    Err(Error::invalid(format!(
            "your text changes the version field {pointer} of {url} (from {} to {}); it must keep the version your text is based on, which tells the server what your change started from; nothing was sent",
            shown(was.as_ref()),
            shown(now.as_ref())
        )).with_hint(format!(
            "put {pointer} back to {} (a conflict then brings in the newer version and merges your change), or start again from the current version: ifmatch edit {url}",
            shown(was.as_ref())
        )))
}

/// `mine` with the field set to `theirs`' value, for an overwrite chosen on purpose: the
/// write must name the version it replaces. Keeps mine's layout (pretty or compact).
pub fn with_version_of(mine: &[u8], theirs: &[u8], pointer: &str) -> Option<Vec<u8>> {
    let version = value(theirs, pointer)?;
    let mut doc: Value = serde_json::from_slice(mine).ok()?;
    *doc.pointer_mut(pointer)? = version;
    let mut out = if mine.contains(&b'\n') {
        serde_json::to_vec_pretty(&doc).ok()?
    } else {
        serde_json::to_vec(&doc).ok()?
    };
    if mine.ends_with(b"\n") {
        out.push(b'\n');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers() {
        for good in ["/_rev", "/metadata/resourceVersion", "/etag", "/a~1b", "/a~0b"] {
            assert!(check_pointer(good).is_ok(), "{good}");
        }
        for bad in ["", "/", "_rev", "/a~2", "/a~"] {
            assert_eq!(check_pointer(bad).unwrap_err().exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn detection_and_values() {
        assert_eq!(detect(br#"{"_id":"a","_rev":"1-x"}"#), Some("/_rev"));
        assert_eq!(detect(br#"{"metadata":{"resourceVersion":"42"}}"#), Some("/metadata/resourceVersion"));
        assert_eq!(detect(br#"{"bindings":[],"etag":"BwX="}"#), Some("/etag"));
        assert_eq!(detect(br#"{"etag":3}"#), None);
        assert_eq!(detect(br#"{"spec":{"etag":"x"}}"#), None);
        assert_eq!(detect(b"not json"), None);
        assert_eq!(value(br#"{"n":7}"#, "/n"), Some(Value::from(7)));
        assert_eq!(value(br#"{"n":{}}"#, "/n"), None);
    }

    #[test]
    fn comparison_and_refusal() {
        assert!(same_apart_from(br#"{"_rev":"1","a":1}"#, br#"{"a":1,"_rev":"2"}"#, "/_rev"));
        assert!(!same_apart_from(br#"{"_rev":"1","a":1}"#, br#"{"a":2,"_rev":"2"}"#, "/_rev"));
        assert!(same_apart_from(
            br#"{"metadata":{"resourceVersion":"1","name":"n"}}"#,
            br#"{"metadata":{"resourceVersion":"9","name":"n"}}"#,
            "/metadata/resourceVersion"
        ));
        let url = url::Url::parse("http://h/d").unwrap();
        assert!(check_unchanged(&url, "/_rev", br#"{"_rev":"1"}"#, br#"{"_rev":"1","a":1}"#).is_ok());
        let err = check_unchanged(&url, "/_rev", br#"{"_rev":"1"}"#, br#"{"_rev":"2"}"#).unwrap_err();
        assert_eq!(err.exit_code(), 6);
        assert!(err.to_string().contains("from 1 to 2"), "{err}");
        assert!(check_unchanged(&url, "/_rev", br#"{"_rev":"1"}"#, br#"{"a":1}"#).is_err());
    }

    #[test]
    fn overwrite_takes_their_version() {
        let out = with_version_of(br#"{"_rev":"1","a":1}"#, br#"{"_rev":"2","a":0}"#, "/_rev").unwrap();
        assert_eq!(out, br#"{"_rev":"2","a":1}"#);
    }
}
