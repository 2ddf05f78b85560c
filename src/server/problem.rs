//! Error responses as RFC 9457 problem details (`application/problem+json`). Every non-2xx
//! answer except 304 goes through [`Problem`], so a client always gets a machine-readable
//! `status` and a human-readable `detail`; the handler decides which status, this module only
//! shapes the response and maps I/O errors to statuses.

use std::io;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{Map, Value};

/// One problem response under construction.
#[derive(Debug)]
pub struct Problem {
    /// The HTTP status, also the `status` member.
    pub status: StatusCode,
    /// The `detail` member: what went wrong with this request, as a sentence.
    pub detail: String,
    members: Vec<(&'static str, Value)>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Problem {
    /// A problem with `type: about:blank` and the status' reason phrase as `title` (§4.2.1).
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem { status, detail: detail.into(), members: Vec::new(), headers: Vec::new() }
    }

    /// Adds an extension member (RFC 9457 §3.2).
    pub fn member(mut self, name: &'static str, value: impl Into<Value>) -> Problem {
        self.members.push((name, value.into()));
        self
    }

    /// Adds a response header, e.g. the current `ETag` on a 412 or `Allow` on a 405.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Problem {
        self.headers.push((name, value));
        self
    }

    /// Maps an I/O error met while `doing` something (a gerund phrase) to a status.
    pub fn io(err: &io::Error, doing: &str) -> Problem {
        use io::ErrorKind as K;
        let (status, why) = match err.kind() {
            K::NotFound => (StatusCode::NOT_FOUND, "not found"),
            K::PermissionDenied => (StatusCode::FORBIDDEN, "permission denied"),
            // `create_dir_all` over a file reports AlreadyExists.
            K::NotADirectory | K::AlreadyExists => {
                (StatusCode::CONFLICT, "a parent of this path is a file, not a directory")
            }
            K::IsADirectory | K::DirectoryNotEmpty => (StatusCode::CONFLICT, "this path is a directory"),
            K::StorageFull | K::QuotaExceeded => (StatusCode::INSUFFICIENT_STORAGE, "no space left"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "I/O error"),
        };
        Problem::new(status, format!("{why} while {doing}: {err}"))
    }

    /// The response: status, problem+json body, and the extra headers.
    pub fn into_response(self) -> Response<Full<Bytes>> {
        let (status, text, extra) = self.parts();
        let mut response = Response::new(Full::new(Bytes::from(text)));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        for (name, value) in extra {
            headers.insert(name, value);
        }
        response
    }

    /// The status, the problem+json text and the extra headers.
    fn parts(self) -> (StatusCode, String, Vec<(HeaderName, HeaderValue)>) {
        let mut body = Map::new();
        body.insert("type".into(), "about:blank".into());
        body.insert("title".into(), self.status.canonical_reason().unwrap_or("Error").into());
        body.insert("status".into(), self.status.as_u16().into());
        body.insert("detail".into(), self.detail.into());
        for (name, value) in self.members {
            body.insert(name.into(), value);
        }
        let mut text = Value::Object(body).to_string();
        text.push('\n');
        (self.status, text, self.headers)
    }
}

/// A whole HTTP/1.1 response ending the connection, for the answers written outside hyper: a
/// 408 after hyper gave up on a request head, a 503 to a connection over the limit.
pub fn wire(problem: Problem) -> Vec<u8> {
    let (status, text, extra) = problem.parts();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nDate: {}\r\nServer: ifmatch/{}\r\nConnection: close\r\n\
         Content-Type: application/problem+json\r\nContent-Length: {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        httpdate::fmt_http_date(std::time::SystemTime::now()),
        env!("CARGO_PKG_VERSION"),
        text.len()
    )
    .into_bytes();
    for (name, value) in extra.iter().filter(|(name, _)| name != hyper::header::CONNECTION) {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    head.extend_from_slice(text.as_bytes());
    head
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn body_has_the_rfc_9457_members_in_order() {
        let r = Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "If-Match \"x\" does not match the current ETag \"y\"",
        )
        .member("precondition", "If-Match")
        .member("current_etag", "\"y\"")
        .header(hyper::header::ETAG, HeaderValue::from_static("\"y\""))
        .into_response();
        assert_eq!(r.status(), 412);
        assert_eq!(r.headers()[CONTENT_TYPE], "application/problem+json");
        assert_eq!(r.headers()[hyper::header::ETAG], "\"y\"");
        let body = r.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            r#"{"type":"about:blank","title":"Precondition Failed","status":412,"detail":"If-Match \"x\" does not match the current ETag \"y\"","precondition":"If-Match","current_etag":"\"y\""}"#
                .to_string()
                + "\n"
        );
    }

    #[test]
    fn io_errors_map_to_statuses() {
        let e = |k| Problem::io(&io::Error::from(k), "writing").status;
        assert_eq!(e(io::ErrorKind::NotFound), StatusCode::NOT_FOUND);
        assert_eq!(e(io::ErrorKind::PermissionDenied), StatusCode::FORBIDDEN);
        assert_eq!(e(io::ErrorKind::StorageFull), StatusCode::INSUFFICIENT_STORAGE);
        assert_eq!(e(io::ErrorKind::Other), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
