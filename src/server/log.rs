//! The request log: one line per request on stderr, `{method} {path} {status}` followed by the
//! preconditions as the client sent them. Tests and users' scripts parse these lines, so the
//! format is fixed here and nowhere else; escaping of client-supplied bytes lives here too so
//! that nothing a client sends can forge a line or drive the terminal.

use std::fmt::Write as _;

use hyper::header::{HeaderName, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_UNMODIFIED_SINCE};
use hyper::{HeaderMap, Method, StatusCode};

/// The logged fields, in this order, with the lowercase names used in the line.
const LOGGED: [(&HeaderName, &str); 4] = [
    (&IF_MATCH, "if-match"),
    (&IF_NONE_MATCH, "if-none-match"),
    (&IF_UNMODIFIED_SINCE, "if-unmodified-since"),
    (&IF_MODIFIED_SINCE, "if-modified-since"),
];

/// Formats one log line without a trailing newline, e.g.
/// `PUT /doc.json 412 if-match="0a1b"`. Several lines of one header are joined with `, `.
pub fn line(method: &Method, path: &str, status: StatusCode, headers: &HeaderMap) -> String {
    let mut out =
        format!("{} {} {}", escape(method.as_str().as_bytes()), escape(path.as_bytes()), status.as_u16());
    for (name, label) in LOGGED {
        let values: Vec<String> = headers.get_all(name).iter().map(|v| escape(v.as_bytes())).collect();
        if !values.is_empty() {
            let _ = write!(out, " {label}={}", values.join(", "));
        }
    }
    out
}

/// Printable ASCII passes through; a backslash becomes `\\`, and every other byte (control
/// characters, DEL, and all non-ASCII bytes — so also bidi overrides) becomes `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_documented_line() {
        let mut h = HeaderMap::new();
        assert_eq!(line(&Method::GET, "/a.txt", StatusCode::OK, &h), "GET /a.txt 200");
        h.insert(IF_MATCH, "\"0a1b\"".parse().unwrap());
        assert_eq!(
            line(&Method::PUT, "/doc.json", StatusCode::PRECONDITION_FAILED, &h),
            "PUT /doc.json 412 if-match=\"0a1b\""
        );
        h.insert(IF_MODIFIED_SINCE, "Tue, 15 Nov 1994 08:12:31 GMT".parse().unwrap());
        h.insert(IF_NONE_MATCH, "*".parse().unwrap());
        h.insert(IF_UNMODIFIED_SINCE, "x".parse().unwrap());
        h.append(IF_MATCH, "W/\"2\"".parse().unwrap());
        assert_eq!(
            line(&Method::PUT, "/d", StatusCode::NO_CONTENT, &h),
            "PUT /d 204 if-match=\"0a1b\", W/\"2\" if-none-match=* if-unmodified-since=x \
             if-modified-since=Tue, 15 Nov 1994 08:12:31 GMT"
        );
    }

    #[test]
    fn escapes_control_and_non_ascii_bytes() {
        assert_eq!(escape(b"a\x1b[31mb\\"), "a\\x1b[31mb\\\\");
        assert_eq!(escape("\u{202e}".as_bytes()), "\\xe2\\x80\\xae");
        assert_eq!(escape(b"\n\x7f\xff"), "\\x0a\\x7f\\xff");
        let mut h = HeaderMap::new();
        h.insert(IF_MATCH, hyper::header::HeaderValue::from_bytes(b"\"a\xffb\"").unwrap());
        assert_eq!(line(&Method::PUT, "/x", StatusCode::OK, &h), "PUT /x 200 if-match=\"a\\xffb\"");
    }
}
