//! PATCH documents (RFC 5789) for JSON resources: JSON Merge Patch (RFC 7396) and JSON Patch
//! (RFC 6902, including its `test` operation). Pure functions from (current bytes, patch bytes)
//! to new bytes or a [`Problem`] with the status RFC 5789 §2.2 prescribes; reading, locking
//! and writing belong to the handler.

use hyper::StatusCode;
use hyper::header::HeaderValue;
use json_patch::{Patch, PatchErrorKind};
use serde_json::Value;

use super::problem::Problem;

/// The `Accept-Patch` value (RFC 5789 §3.1) for JSON resources.
pub const ACCEPT_PATCH: &str = "application/merge-patch+json, application/json-patch+json";

/// A supported patch document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/merge-patch+json` (RFC 7396).
    Merge,
    /// `application/json-patch+json` (RFC 6902).
    Json,
}

impl Format {
    /// The format named by a request's `Content-Type`, ignoring parameters and case.
    pub fn from_content_type(value: Option<&HeaderValue>) -> Option<Format> {
        let essence = value?.to_str().ok()?.split(';').next()?.trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/merge-patch+json" => Some(Format::Merge),
            "application/json-patch+json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Applies `patch` to the JSON document `current` and serializes the result. The output keeps
/// the document's style where it can: multi-line documents are re-serialized pretty, one-line
/// documents compact, and a final newline stays (key order is preserved either way).
pub fn apply(format: Format, current: &[u8], patch: &[u8]) -> Result<Vec<u8>, Problem> {
    let mut doc: Value = serde_json::from_slice(current).map_err(|e| {
        // RFC 5789 §2.2 "Conflicting state": the resource cannot take a JSON patch as it is.
        Problem::new(
            StatusCode::CONFLICT,
            format!("the current resource is not valid JSON ({e}), so it cannot be patched"),
        )
    })?;
    let malformed = |e: serde_json::Error| {
        Problem::new(StatusCode::BAD_REQUEST, format!("malformed patch document (RFC 5789 §2.2): {e}"))
    };
    match format {
        Format::Merge => {
            let patch: Value = serde_json::from_slice(patch).map_err(malformed)?;
            json_patch::merge(&mut doc, &patch);
        }
        Format::Json => {
            let patch: Patch = serde_json::from_slice(patch).map_err(malformed)?;
            json_patch::patch(&mut doc, &patch).map_err(|e| {
                let status = match e.kind {
                    PatchErrorKind::CannotMoveInsideItself => StatusCode::UNPROCESSABLE_ENTITY,
                    // A failed `test` is the document's state contradicting the client's
                    // assumption, as are missing paths: 409 (RFC 5789 §2.2, RFC 6902 §5).
                    _ => StatusCode::CONFLICT,
                };
                let detail = match e.kind {
                    PatchErrorKind::TestFailed => {
                        format!(
                            "JSON Patch test operation {} failed at path \"{}\": the value differs",
                            e.operation, e.path
                        )
                    }
                    _ => format!("JSON Patch {e}"),
                };
                Problem::new(status, detail).member("operation", e.operation)
            })?;
        }
    }
    let text = String::from_utf8_lossy(current);
    let multi_line = text.trim().contains('\n');
    let mut out = if multi_line { serde_json::to_vec_pretty(&doc) } else { serde_json::to_vec(&doc) }
        .map_err(|e| {
            Problem::new(StatusCode::INTERNAL_SERVER_ERROR, format!("serializing the result: {e}"))
        })?;
    if text.ends_with('\n') {
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(format: Format, current: &str, patch: &str) -> String {
        String::from_utf8(apply(format, current.as_bytes(), patch.as_bytes()).unwrap()).unwrap()
    }
    fn status(format: Format, current: &str, patch: &str) -> u16 {
        apply(format, current.as_bytes(), patch.as_bytes()).unwrap_err().status.as_u16()
    }

    #[test]
    fn content_types() {
        let f = |s: &'static str| Format::from_content_type(Some(&HeaderValue::from_static(s)));
        assert_eq!(f("application/merge-patch+json"), Some(Format::Merge));
        assert_eq!(f("Application/JSON-Patch+JSON; charset=utf-8"), Some(Format::Json));
        assert_eq!(f("application/json"), None);
        assert_eq!(Format::from_content_type(None), None);
    }

    #[test]
    fn merge_patch_keeps_order_and_style() {
        assert_eq!(
            ok(Format::Merge, r#"{"b":1,"a":{"x":1,"y":2}}"#, r#"{"a":{"y":null,"z":3}}"#),
            r#"{"b":1,"a":{"x":1,"z":3}}"#
        );
        assert_eq!(ok(Format::Merge, "{\n  \"a\": 1\n}\n", r#"{"b":2}"#), "{\n  \"a\": 1,\n  \"b\": 2\n}\n");
        assert_eq!(ok(Format::Merge, r#"{"a":1}"#, "[1]"), "[1]");
        assert_eq!(status(Format::Merge, r#"{"a":1}"#, "{"), 400);
        assert_eq!(status(Format::Merge, "not json", "{}"), 409);
    }

    #[test]
    fn json_patch_ops_and_failures() {
        let doc = r#"{"a":1,"list":[1,2]}"#;
        let p = r#"[{"op":"test","path":"/a","value":1},{"op":"replace","path":"/a","value":5},{"op":"add","path":"/list/-","value":3}]"#;
        assert_eq!(ok(Format::Json, doc, p), r#"{"a":5,"list":[1,2,3]}"#);
        assert_eq!(status(Format::Json, doc, r#"[{"op":"test","path":"/a","value":2}]"#), 409);
        assert_eq!(status(Format::Json, doc, r#"[{"op":"remove","path":"/nope"}]"#), 409);
        assert_eq!(status(Format::Json, doc, r#"[{"op":"move","from":"/list","path":"/list/0"}]"#), 422);
        assert_eq!(status(Format::Json, doc, r#"{"op":"test"}"#), 400);
        assert_eq!(status(Format::Json, doc, r#"[{"op":"frobnicate","path":"/a"}]"#), 400);
        let err =
            apply(Format::Json, doc.as_bytes(), br#"[{"op":"test","path":"/a","value":2}]"#).unwrap_err();
        assert!(err.detail.contains("test operation 0 failed at path \"/a\""), "{}", err.detail);
    }
}
