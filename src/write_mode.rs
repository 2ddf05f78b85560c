//! How a write goes on the wire: PUT with the whole body, or PATCH (RFC 5789) with a JSON Merge
//! Patch (RFC 7396) or a JSON Patch (RFC 6902) computed from the base to the user's version.
//! This module chooses between them from `--patch` and the server's `Accept-Patch` (RFC 5789
//! §3.1) and turns base + mine into a method, a body and a media type; the patch documents
//! themselves come from `patch`, the request from `http`.

use bytes::Bytes;
use reqwest::Method;

use crate::cli::PatchMode;
use crate::error::{Error, Result};
use crate::media;
use crate::patch::{self, PatchError};

/// A PATCH document format ifmatch can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchFormat {
    /// JSON Merge Patch, RFC 7396.
    Merge,
    /// JSON Patch, RFC 6902, with a `test` before each replace and remove.
    Json,
}

impl PatchFormat {
    /// The media type sent as the PATCH's `Content-Type`.
    pub fn media_type(self) -> &'static str {
        match self {
            PatchFormat::Merge => "application/merge-patch+json",
            PatchFormat::Json => "application/json-patch+json",
        }
    }

    /// The `--patch` value that names it.
    pub fn flag(self) -> &'static str {
        match self {
            PatchFormat::Merge => "merge",
            PatchFormat::Json => "json",
        }
    }
}

/// PUT or PATCH in one format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    Put,
    Patch(PatchFormat),
}

/// One write, ready for `http::WriteRequest`.
#[derive(Debug, Clone)]
pub struct Payload {
    pub method: Method,
    pub body: Bytes,
    /// `None` leaves the Content-Type to the stored one (PUT without a known type).
    pub content_type: Option<String>,
}

/// What is known when choosing: the resource's media type, what the server accepts, and the two
/// versions a patch would be computed from.
pub struct Inputs<'a> {
    pub content_type: Option<&'a str>,
    pub accept_patch: Option<&'a str>,
    pub base: Option<&'a [u8]>,
    pub mine: &'a [u8],
    /// The URL, for hints.
    pub url: &'a str,
    /// The version is kept in the body (`--version-field`): only a whole-body PUT carries it.
    pub version_field: Option<&'a str>,
}

impl<'a> Inputs<'a> {
    /// The inputs for a write of `mine` over `base`, as the record describes the resource.
    pub fn new(
        record: &'a crate::state::Record,
        base: Option<&'a [u8]>,
        mine: &'a [u8],
        url: &'a url::Url,
    ) -> Self {
        Inputs {
            content_type: record.content_type.as_deref(),
            accept_patch: record.accept_patch.as_deref(),
            base,
            mine,
            url: url.as_str(),
            version_field: record.version_field.as_deref(),
        }
    }
}

/// Chooses the write mode. An explicit `--patch merge|json` that cannot be honoured (no base,
/// not JSON, a null a merge patch cannot say) is a usage error that says what to do instead;
/// `auto` quietly falls back to PUT in those cases.
pub fn choose(requested: PatchMode, inputs: &Inputs<'_>) -> Result<WriteMode> {
    let format = match requested {
        PatchMode::None => return Ok(WriteMode::Put),
        PatchMode::Merge => PatchFormat::Merge,
        PatchMode::Json => PatchFormat::Json,
        PatchMode::Auto if inputs.version_field.is_some() => return Ok(WriteMode::Put),
        PatchMode::Auto => return Ok(auto(inputs)),
    };
    if let Some(pointer) = inputs.version_field {
        return Err(Error::usage(
            format!(
                "--patch {} cannot carry the version field {pointer} of {}: a patch leaves out what did not change, so the server would not check the version",
                format.flag(),
                inputs.url
            ),
            "drop --patch: the whole body goes with PUT, its version field included",
        ));
    }
    if let Some(ct) = inputs.content_type
        && !media::is_json(Some(ct))
    {
        return Err(Error::usage(
            format!("--patch {} needs a JSON resource, and {} is {ct}", format.flag(), inputs.url),
            "drop --patch to send the whole body with PUT",
        ));
    }
    let Some(base) = inputs.base else {
        return Err(Error::usage(
            format!(
                "--patch {} needs the version your change started from, and none is stored for {}",
                format.flag(),
                inputs.url
            ),
            format!("run `ifmatch get {}` first, or drop --patch to send the whole body", inputs.url),
        ));
    };
    build(format, base, inputs.mine).map_err(|e| refusal(format, &e))?;
    Ok(WriteMode::Patch(format))
}

/// `--patch auto`: JSON Patch when the server lists it (its `test` operations guard each field),
/// else JSON Merge Patch when listed and able to express the change, else PUT.
fn auto(inputs: &Inputs<'_>) -> WriteMode {
    let (Some(base), Some(offered)) = (inputs.base, inputs.accept_patch) else {
        return WriteMode::Put;
    };
    if inputs.content_type.is_some_and(|ct| !media::is_json(Some(ct))) {
        return WriteMode::Put;
    }
    let offers = |format: PatchFormat| {
        offered
            .split(',')
            .any(|m| m.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(format.media_type()))
    };
    [PatchFormat::Json, PatchFormat::Merge]
        .into_iter()
        .find(|&f| offers(f) && build(f, base, inputs.mine).is_ok())
        .map_or(WriteMode::Put, WriteMode::Patch)
}

/// The method, body and media type of a write of `mine` over `base`. A patch needs the base.
pub fn payload(
    mode: WriteMode,
    base: Option<&[u8]>,
    mine: &[u8],
    content_type: Option<&str>,
) -> Result<Payload> {
    match (mode, base) {
        (WriteMode::Put, _) => Ok(Payload {
            method: Method::PUT,
            body: Bytes::copy_from_slice(mine),
            content_type: content_type.map(str::to_string),
        }),
        (WriteMode::Patch(format), Some(base)) => {
            let body = build(format, base, mine).map_err(|e| refusal(format, &e))?;
            Ok(Payload {
                method: Method::PATCH,
                body: Bytes::from(body),
                content_type: Some(format.media_type().to_string()),
            })
        }
        (WriteMode::Patch(format), None) => Err(Error::other(format!(
            "internal: --patch {} chosen without a base to compute it from",
            format.flag()
        ))),
    }
}

fn build(format: PatchFormat, base: &[u8], mine: &[u8]) -> Result<Vec<u8>, PatchError> {
    match format {
        PatchFormat::Merge => patch::merge_patch(base, mine),
        PatchFormat::Json => patch::json_patch(base, mine),
    }
}

fn refusal(format: PatchFormat, err: &PatchError) -> Error {
    let hint = match (format, err) {
        (PatchFormat::Merge, PatchError::NullInMergePatch { .. } | PatchError::NotAnObject) => {
            "use --patch json, which can set null, or drop --patch to send the whole body"
        }
        _ => "drop --patch to send the whole body with PUT",
    };
    Error::usage(err.to_string(), hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs<'a>(accept: Option<&'a str>, base: Option<&'a [u8]>, mine: &'a [u8]) -> Inputs<'a> {
        Inputs {
            content_type: Some("application/json"),
            accept_patch: accept,
            base,
            mine,
            url: "u",
            version_field: None,
        }
    }

    #[test]
    fn explicit_modes() {
        let i = inputs(None, Some(br#"{"a":1}"#), br#"{"a":2}"#);
        assert_eq!(choose(PatchMode::None, &i).unwrap(), WriteMode::Put);
        assert_eq!(choose(PatchMode::Merge, &i).unwrap(), WriteMode::Patch(PatchFormat::Merge));
        assert_eq!(choose(PatchMode::Json, &i).unwrap(), WriteMode::Patch(PatchFormat::Json));
    }

    #[test]
    fn explicit_refusals_are_usage_errors_with_hints() {
        let null = inputs(None, Some(br#"{"a":1}"#), br#"{"a":null}"#);
        let err = choose(PatchMode::Merge, &null).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.hints()[0].contains("--patch json"), "{:?}", err.hints());
        assert_eq!(choose(PatchMode::Json, &null).unwrap(), WriteMode::Patch(PatchFormat::Json));

        let no_base = inputs(None, None, br#"{"a":1}"#);
        let err = choose(PatchMode::Json, &no_base).unwrap_err();
        assert!(err.hints()[0].contains("ifmatch get u"), "{:?}", err.hints());

        let text = Inputs { content_type: Some("text/plain"), ..inputs(None, Some(b"a"), b"b") };
        assert!(choose(PatchMode::Merge, &text).unwrap_err().to_string().contains("text/plain"));
        let not_json = Inputs { content_type: None, ..inputs(None, Some(b"a"), b"b") };
        assert_eq!(choose(PatchMode::Json, &not_json).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn auto_follows_accept_patch() {
        let both = "application/merge-patch+json, application/json-patch+json";
        let i = inputs(Some(both), Some(br#"{"a":1}"#), br#"{"a":2}"#);
        assert_eq!(choose(PatchMode::Auto, &i).unwrap(), WriteMode::Patch(PatchFormat::Json));
        let i = inputs(Some("Application/Merge-Patch+JSON;q=1"), Some(br#"{"a":1}"#), br#"{"a":2}"#);
        assert_eq!(choose(PatchMode::Auto, &i).unwrap(), WriteMode::Patch(PatchFormat::Merge));
        // Merge patch cannot say null: PUT instead.
        let i = inputs(Some("application/merge-patch+json"), Some(br#"{"a":1}"#), br#"{"a":null}"#);
        assert_eq!(choose(PatchMode::Auto, &i).unwrap(), WriteMode::Put);
        assert_eq!(choose(PatchMode::Auto, &inputs(None, Some(b"{}"), b"{}")).unwrap(), WriteMode::Put);
        assert_eq!(choose(PatchMode::Auto, &inputs(Some(both), None, b"{}")).unwrap(), WriteMode::Put);
        let text = Inputs { content_type: Some("text/plain"), ..inputs(Some(both), Some(b"{}"), b"{}") };
        assert_eq!(choose(PatchMode::Auto, &text).unwrap(), WriteMode::Put);
        // A version in the body goes only with the whole body.
        let versioned = Inputs { version_field: Some("/_rev"), ..inputs(Some(both), Some(b"{}"), b"{}") };
        assert_eq!(choose(PatchMode::Auto, &versioned).unwrap(), WriteMode::Put);
        assert_eq!(choose(PatchMode::Json, &versioned).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn payloads() {
        let p = payload(WriteMode::Put, None, b"x", Some("text/plain")).unwrap();
        assert_eq!(
            (p.method, &p.body[..], p.content_type.as_deref()),
            (Method::PUT, &b"x"[..], Some("text/plain"))
        );
        let p = payload(
            WriteMode::Patch(PatchFormat::Merge),
            Some(br#"{"a":1,"b":1}"#),
            br#"{"a":2,"b":1}"#,
            None,
        )
        .unwrap();
        assert_eq!(p.method, Method::PATCH);
        assert_eq!(&p.body[..], br#"{"a":2}"#);
        assert_eq!(p.content_type.as_deref(), Some("application/merge-patch+json"));
        assert!(payload(WriteMode::Patch(PatchFormat::Json), None, b"{}", None).is_err());
    }
}
