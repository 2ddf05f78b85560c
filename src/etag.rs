//! Validators as types: [`ETag`] (strong or weak, kept exactly as the server sent it) and
//! [`Precondition`], the header a conditional write carries. `If-Match` can only be built from
//! a strong tag unless the user asked to send weak ones, because RFC 9110 §13.1.1 makes
//! If-Match use the strong comparison: a weak tag never matches, not even itself.

use std::fmt;
use std::time::Duration;

/// An entity-tag (RFC 9110 §8.8.3): `"opaque"` or `W/"opaque"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ETag {
    raw: String,
    weak: bool,
}

impl ETag {
    /// Parses one entity-tag as found in an `ETag` header. Lenient about a missing pair of quotes
    /// (some servers send bare tokens): those are quoted so that what we send back is valid.
    pub fn parse(value: &str) -> Option<ETag> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let (weak, rest) = match value.strip_prefix("W/").or_else(|| value.strip_prefix("w/")) {
            Some(rest) => (true, rest),
            None => (false, value),
        };
        let opaque = if rest.len() >= 2 && rest.starts_with('"') && rest.ends_with('"') {
            &rest[1..rest.len() - 1]
        } else {
            rest
        };
        if opaque.contains('"') || opaque.chars().any(|c| c.is_control()) {
            return None;
        }
        let raw = if weak { format!("W/\"{opaque}\"") } else { format!("\"{opaque}\"") };
        Some(ETag { raw, weak })
    }

    /// True for `W/"…"` tags.
    pub fn is_weak(&self) -> bool {
        self.weak
    }

    /// The header form, quotes included.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Strong comparison (RFC 9110 §8.8.3.2): both strong and equal.
    pub fn strong_eq(&self, other: &ETag) -> bool {
        !self.weak && !other.weak && self.raw == other.raw
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// The precondition a write carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `If-Match: <tag>`. Strong unless the user chose `--weak-etag send`.
    IfMatch(ETag),
    /// `If-Unmodified-Since: <HTTP-date>`: a weak validator with one-second resolution (§8.8.2).
    IfUnmodifiedSince(String),
    /// `If-None-Match: *`: create only — fails (412) if the resource exists (RFC 9110 §13.1.2).
    IfNoneMatchAny,
    /// Nothing: an unconditional write, only with `--force`.
    None,
}

impl Precondition {
    /// Chooses the best precondition from what is known about the resource:
    /// a strong ETag; else a weak tag when `send_weak` is set; else a Last-Modified that is a
    /// valid HTTP-date (a server must ignore an If-Unmodified-Since that is not, RFC 9110
    /// §13.1.4, which would make the write unconditional); else nothing.
    pub fn choose(etag: Option<&ETag>, last_modified: Option<&str>, send_weak: bool) -> Precondition {
        match (etag, last_modified) {
            (Some(tag), _) if !tag.is_weak() => Precondition::IfMatch(tag.clone()),
            (Some(tag), _) if send_weak => Precondition::IfMatch(tag.clone()),
            (_, Some(date)) if httpdate::parse_http_date(date).is_ok() => {
                Precondition::IfUnmodifiedSince(date.to_string())
            }
            _ => Precondition::None,
        }
    }

    /// The validator this precondition holds a write to: the ETag of `If-Match`, the date of
    /// `If-Unmodified-Since`; `None` for a create (`If-None-Match: *`) or no precondition.
    pub fn validator(&self) -> Option<String> {
        match self {
            Precondition::IfMatch(tag) => Some(tag.to_string()),
            Precondition::IfUnmodifiedSince(date) => Some(date.clone()),
            Precondition::IfNoneMatchAny | Precondition::None => None,
        }
    }

    /// The header name and value to send, if any.
    pub fn header(&self) -> Option<(&'static str, &str)> {
        match self {
            Precondition::IfMatch(tag) => Some(("If-Match", tag.as_str())),
            Precondition::IfUnmodifiedSince(date) => Some(("If-Unmodified-Since", date)),
            Precondition::IfNoneMatchAny => Some(("If-None-Match", "*")),
            Precondition::None => None,
        }
    }

    /// A short description for messages and `--json`.
    pub fn describe(&self) -> String {
        match self.header() {
            Some((name, value)) => format!("{name}: {value}"),
            None => "no precondition".to_string(),
        }
    }
}

/// How long to wait before fetching again when a weak ETag is only weak because the resource
/// changed within the last second, or `None` when that is not the case.
///
/// Apache httpd builds its default ETag from the file's mtime and size and marks it weak while
/// the file is less than a second old (`request_time - mtime < 1 s`): a second change within the
/// same second might keep the tag, so it cannot yet promise a strong validator (RFC 9110
/// §8.8.1). A second later the same tag comes back strong. Falling back to
/// `If-Unmodified-Since` instead would be weakest exactly then, since Last-Modified has
/// one-second resolution (§8.8.2). `date` and `last_modified` are the response's `Date` and
/// `Last-Modified` (the server's clock for both); when the resource changed in the second of
/// `Date` or the one before, the wait lasts until two seconds after Last-Modified: 1 or 2 s.
pub fn settling_delay(
    etag: Option<&ETag>,
    date: Option<&str>,
    last_modified: Option<&str>,
) -> Option<Duration> {
    if !etag?.is_weak() {
        return None;
    }
    let date = httpdate::parse_http_date(date?).ok()?;
    let modified = httpdate::parse_http_date(last_modified?).ok()?;
    let age = date.duration_since(modified).ok()?;
    (age <= Duration::from_secs(1)).then(|| Duration::from_secs(2) - age)
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strong_and_weak() {
        let s = ETag::parse("\"abc\"").unwrap();
        assert!(!s.is_weak());
        assert_eq!(s.as_str(), "\"abc\"");
        let w = ETag::parse(" W/\"abc\" ").unwrap();
        assert!(w.is_weak());
        assert_eq!(w.as_str(), "W/\"abc\"");
        assert_eq!(ETag::parse("bare").unwrap().as_str(), "\"bare\"");
        assert!(ETag::parse("").is_none());
        assert!(ETag::parse("\"a\"b\"").is_none());
    }

    #[test]
    fn weak_never_matches_strongly() {
        let w = ETag::parse("W/\"x\"").unwrap();
        assert!(!w.strong_eq(&w));
        let s = ETag::parse("\"x\"").unwrap();
        assert!(s.strong_eq(&s.clone()));
    }

    #[test]
    fn settling_delay_only_for_weak_tags_on_fresh_resources() {
        let weak = ETag::parse("W/\"8-66122ec9f28bc\"").unwrap();
        let strong = ETag::parse("\"8-66122ec9f28bc\"").unwrap();
        let lm = "Thu, 26 Nov 2026 00:21:26 GMT";
        let same = Some(lm);
        let next = Some("Thu, 26 Nov 2026 00:21:27 GMT");
        let later = Some("Thu, 26 Nov 2026 00:21:28 GMT");
        assert_eq!(settling_delay(Some(&weak), same, Some(lm)), Some(Duration::from_secs(2)));
        assert_eq!(settling_delay(Some(&weak), next, Some(lm)), Some(Duration::from_secs(1)));
        assert_eq!(settling_delay(Some(&weak), later, Some(lm)), None, "settled: weak on purpose");
        assert_eq!(settling_delay(Some(&strong), same, Some(lm)), None);
        assert_eq!(settling_delay(None, same, Some(lm)), None);
        assert_eq!(settling_delay(Some(&weak), None, Some(lm)), None);
        assert_eq!(settling_delay(Some(&weak), same, None), None);
        assert_eq!(settling_delay(Some(&weak), Some("yesterday"), Some(lm)), None);
        // Last-Modified in the server's future: a clock problem, not a fresh change.
        assert_eq!(settling_delay(Some(&weak), same, next), None);
    }

    #[test]
    fn choose_prefers_strong_then_date() {
        let s = ETag::parse("\"1\"").unwrap();
        let w = ETag::parse("W/\"1\"").unwrap();
        let date = "Tue, 01 Jan 2030 00:00:00 GMT";
        assert_eq!(Precondition::choose(Some(&s), Some(date), false), Precondition::IfMatch(s.clone()));
        assert_eq!(
            Precondition::choose(Some(&w), Some(date), false),
            Precondition::IfUnmodifiedSince(date.into())
        );
        assert_eq!(Precondition::choose(Some(&w), None, false), Precondition::None);
        assert_eq!(Precondition::choose(Some(&w), None, true), Precondition::IfMatch(w.clone()));
        assert_eq!(Precondition::choose(None, None, false), Precondition::None);
        // A Last-Modified that is no HTTP-date would be ignored by the server (§13.1.4).
        assert_eq!(Precondition::choose(Some(&w), Some("yesterday"), false), Precondition::None);
        assert_eq!(Precondition::choose(None, Some("1700000000"), false), Precondition::None);
    }
}
