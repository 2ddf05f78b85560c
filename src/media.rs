//! Media types, in one place: the type a file name implies (what `serve` sends and what `put`
//! sends for a new resource), whether a type is JSON (structural merge, PATCH), and the
//! temp-file suffix that makes an editor pick the right mode.

use std::path::Path;

/// Whether `bytes` is one valid JSON text, at any nesting depth: the one JSON check of `put`,
/// `edit` and `apply`. serde_json skips an ignored value with a loop, not by recursion, so no
/// depth overflows the stack here (parsing into a `Value` stops at 128 levels instead; such
/// documents are valid, but merged by lines rather than structurally).
pub fn check_json(bytes: &[u8]) -> Result<(), JsonError> {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map(|_| ()).map_err(|e| {
        let mut err = JsonError::from(&e);
        // `{"a": 1,}` reads as a missing key; it is a trailing comma.
        let at = bytes
            .split(|&b| b == b'\n')
            .nth(err.line.saturating_sub(1))
            .and_then(|l| l.get(err.column.saturating_sub(1)));
        if e.to_string().starts_with("key must be a string") && at == Some(&b'}') {
            err.message = "a comma before the closing bracket (JSON allows no trailing comma)".to_string();
        }
        err
    })
}

/// Why a text is not JSON, in words for people, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    /// 1-based.
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at line {}, column {}", self.message, self.line, self.column)
    }
}

impl From<&serde_json::Error> for JsonError {
    fn from(err: &serde_json::Error) -> JsonError {
        // serde_json's message, without the " at line L column C" it appends.
        let raw = err.to_string();
        let raw = raw.rsplit_once(" at line ").map_or(raw.as_str(), |(message, _)| message);
        let message = match raw {
            "key must be a string" => "expected a key in quotes",
            "trailing comma" => "a comma before the closing bracket (JSON allows no trailing comma)",
            "EOF while parsing an object" => "the text ends inside an object (a `}` is missing)",
            "EOF while parsing a list" => "the text ends inside an array (a `]` is missing)",
            "EOF while parsing a string" => "the text ends inside a string (a closing `\"` is missing)",
            "EOF while parsing a value" => "the text ends where a value was expected",
            "expected `,` or `}`" => {
                "expected a comma or `}` after the value (a comma missing between members?)"
            }
            "expected `,` or `]`" => {
                "expected a comma or `]` after the value (a comma missing between elements?)"
            }
            "expected `:`" => "expected a colon after the key",
            "expected value" => {
                "expected a value (a string in quotes, a number, true, false, null, an object or an array)"
            }
            "expected ident" => "expected true, false or null",
            "trailing characters" => "unexpected text after the end of the JSON value",
            "invalid escape" => "an invalid escape after a backslash in a string",
            "invalid number" => "an invalid number",
            "number out of range" => "a number too large to read",
            "control character (\\u0000-\\u001F) found while parsing a string" => {
                "a control character (a tab or a line break) inside a string; write it as \\t or \\n"
            }
            other => other,
        };
        JsonError { message: message.to_string(), line: err.line(), column: err.column() }
    }
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

#[cfg(test)]
mod json_error_tests {
    use super::check_json;

    #[test]
    fn json_errors_read_as_sentences_with_their_place() {
        let err = check_json(b"{\n  \"a\": 1,\n  b: 2\n}").unwrap_err();
        assert_eq!(err.to_string(), "expected a key in quotes at line 3, column 3");
        assert_eq!(err.line, 3);
        let err = check_json(b"{\"a\": 1,}").unwrap_err();
        assert!(err.message.starts_with("a comma before the closing bracket"), "{err}");
        let err = check_json(b"{\"a\": 1 \"b\": 2}").unwrap_err();
        assert!(err.message.starts_with("expected a comma or `}`"), "{err}");
        let err = check_json(b"{\"a\": ").unwrap_err();
        assert!(err.message.starts_with("the text ends"), "{err}");
    }
}
