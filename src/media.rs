//! Media types, in one place: the type a file name implies (what `serve` sends and what `put`
//! sends for a new resource), whether a type is JSON (structural merge, PATCH), and the
//! temp-file suffix that makes an editor pick the right mode.

use std::path::Path;

/// Whether `bytes` is one valid JSON text, at any nesting depth: the one JSON check of `put`,
/// `edit` and `apply`. serde_json skips an ignored value with a loop, not by recursion, so no
/// depth overflows the stack here (parsing into a `Value` stops at 128 levels instead; such
/// documents are valid, but merged by lines rather than structurally).
pub fn check_json(bytes: &[u8]) -> Result<(), serde_json::Error> {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map(|_| ())
}

/// The media type for a name, from its extension (case-insensitive); `application/octet-stream`
/// when unknown.
pub fn from_extension(name: &Path) -> &'static str {
    let ext = name.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "json" => "application/json",
        "txt" | "text" => "text/plain; charset=utf-8",
        "yaml" | "yml" => "application/yaml",
        "xml" => "application/xml",
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "md" | "markdown" => "text/markdown; charset=utf-8",
        "toml" => "application/toml",
        _ => "application/octet-stream",
    }
}

/// The temp-file suffix for a media type (or, without one, the URL's extension), so that the
/// editor highlights the right language.
pub fn suffix(content_type: Option<&str>, url_path: &str) -> String {
    let media = content_type.map(|ct| ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let by_type = media.as_deref().and_then(|m| match m {
        m if m.ends_with("json") || m.ends_with("+json") => Some(".json"),
        m if m.contains("yaml") => Some(".yaml"),
        m if m.ends_with("xml") || m.ends_with("+xml") => Some(".xml"),
        "text/html" => Some(".html"),
        "text/markdown" => Some(".md"),
        "text/css" => Some(".css"),
        "application/toml" => Some(".toml"),
        "text/csv" => Some(".csv"),
        m if m.starts_with("text/") => Some(".txt"),
        _ => None,
    });
    if let Some(s) = by_type {
        return s.to_string();
    }
    let name = url_path.rsplit('/').next().unwrap_or("");
    match name.rsplit_once('.') {
        Some((_, ext))
            if !ext.is_empty() && ext.len() <= 8 && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            format!(".{}", ext.to_ascii_lowercase())
        }
        _ => ".txt".to_string(),
    }
}

/// True for JSON media types (`application/json`, `…+json`).
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        let media = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        media == "application/json" || media.ends_with("+json") || media == "text/json"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes() {
        assert_eq!(suffix(Some("application/json; charset=utf-8"), "/x"), ".json");
        assert_eq!(suffix(Some("application/merge-patch+json"), "/x"), ".json");
        assert_eq!(suffix(Some("application/yaml"), "/x"), ".yaml");
        assert_eq!(suffix(Some("text/plain"), "/x.conf"), ".txt");
        assert_eq!(suffix(None, "/dir/config.toml"), ".toml");
        assert_eq!(suffix(Some("application/octet-stream"), "/x"), ".txt");
    }

    #[test]
    fn json_types() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("application/problem+json; charset=utf-8")));
        assert!(!is_json(Some("text/plain")));
        assert!(!is_json(None));
    }

    #[test]
    fn from_extensions() {
        assert_eq!(from_extension(Path::new("a/b.JSON")), "application/json");
        assert_eq!(from_extension(Path::new("notes.md")), "text/markdown; charset=utf-8");
        assert_eq!(from_extension(Path::new("blob")), "application/octet-stream");
    }
}
