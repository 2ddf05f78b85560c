//! Entity-tags as the server reads them from `If-Match` and `If-None-Match` (RFC 9110
//! §8.8.3): strict parsing of `"*" / #entity-tag` lists, and the strong and weak comparison
//! functions (§8.8.3.2). Unlike the client's lenient `etag` module, a malformed tag here is an
//! error, so a client that forgets the quotes is told so (400) instead of getting a 412.

use std::fmt;

use super::log::escape;

/// An entity-tag (RFC 9110 §8.8.3): an opaque-tag and whether it is weak (`W/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTag {
    /// `true` for `W/"..."`.
    pub weak: bool,
    /// The characters between the quotes (`etagc`, which may include obs-text bytes).
    pub opaque: Vec<u8>,
}

impl EntityTag {
    /// Strong comparison (§8.8.3.2): both strong and the opaque-tags identical.
    pub fn strong_eq(&self, other: &EntityTag) -> bool {
        !self.weak && !other.weak && self.opaque == other.opaque
    }

    /// Weak comparison (§8.8.3.2): the opaque-tags identical, weakness ignored.
    pub fn weak_eq(&self, other: &EntityTag) -> bool {
        self.opaque == other.opaque
    }
}

impl fmt::Display for EntityTag {
    /// The header form, `"abc"` or `W/"abc"`; non-ASCII bytes are shown escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = if self.weak { "W/" } else { "" };
        write!(f, "{prefix}\"{}\"", escape(&self.opaque))
    }
}

/// The value of `If-Match` or `If-None-Match` (§13.1.1, §13.1.2): `*` or a list of tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagList {
    /// `*`: any current representation.
    Any,
    /// Zero or more entity-tags, in the order sent.
    Tags(Vec<EntityTag>),
}

/// Parses `"*" / #entity-tag`. Commas inside a quoted opaque-tag are part of the tag; empty
/// list elements are allowed (§5.6.1.2).
pub fn parse_tag_list(value: &[u8]) -> Result<TagList, String> {
    let is_ows = |b: u8| b == b' ' || b == b'\t';
    let trimmed = value.trim_ascii();
    if trimmed == b"*" {
        return Ok(TagList::Any);
    }
    let mut tags = Vec::new();
    let mut i = 0;
    loop {
        while i < value.len() && (is_ows(value[i]) || value[i] == b',') {
            i += 1;
        }
        if i == value.len() {
            return Ok(TagList::Tags(tags));
        }
        let weak = value[i..].starts_with(b"W/");
        if weak {
            i += 2;
        }
        if value.get(i) != Some(&b'"') {
            return Err(format!(
                "`{}` is not a list of entity-tags: each tag must be quoted, like \"abc\" or W/\"abc\" (RFC 9110 §8.8.3)",
                escape(value)
            ));
        }
        i += 1;
        let start = i;
        // etagc = %x21 / %x23-7E / obs-text
        while i < value.len() && (value[i] == 0x21 || (0x23..=0x7e).contains(&value[i]) || value[i] >= 0x80) {
            i += 1;
        }
        if value.get(i) != Some(&b'"') {
            return Err(format!("`{}` has an unterminated or invalid entity-tag", escape(value)));
        }
        tags.push(EntityTag { weak, opaque: value[start..i].to_vec() });
        i += 1;
        while i < value.len() && is_ows(value[i]) {
            i += 1;
        }
        if i < value.len() && value[i] != b',' {
            return Err(format!("`{}`: entity-tags must be separated by commas", escape(value)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strong(s: &str) -> EntityTag {
        EntityTag { weak: false, opaque: s.as_bytes().to_vec() }
    }
    fn weak(s: &str) -> EntityTag {
        EntityTag { weak: true, opaque: s.as_bytes().to_vec() }
    }

    #[test]
    fn parses_lists() {
        assert_eq!(parse_tag_list(b"*"), Ok(TagList::Any));
        assert_eq!(parse_tag_list(b"  * "), Ok(TagList::Any));
        assert_eq!(parse_tag_list(b""), Ok(TagList::Tags(vec![])));
        assert_eq!(parse_tag_list(b"\"a\""), Ok(TagList::Tags(vec![strong("a")])));
        assert_eq!(
            parse_tag_list(b" \"a,b\" , W/\"c\",,\"\" "),
            Ok(TagList::Tags(vec![strong("a,b"), weak("c"), strong("")]))
        );
        assert_eq!(parse_tag_list(b"\"a\"\t,\t\"b\""), Ok(TagList::Tags(vec![strong("a"), strong("b")])));
        assert_eq!(parse_tag_list(b"\"\xc3\xa9\""), Ok(TagList::Tags(vec![strong("é")])));
    }

    #[test]
    fn rejects_malformed_lists() {
        for bad in
            [&b"abc"[..], b"\"a", b"\"a\" \"b\"", b"w/\"a\"", b"W/a", b"\"a b\"", b"*, \"a\"", b"\"a\"x"]
        {
            assert!(parse_tag_list(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn comparison_functions_follow_the_rfc_table() {
        // RFC 9110 §8.8.3.2 example table.
        assert!(!weak("1").strong_eq(&weak("1")));
        assert!(weak("1").weak_eq(&weak("1")));
        assert!(!weak("1").strong_eq(&weak("2")));
        assert!(!weak("1").weak_eq(&weak("2")));
        assert!(!weak("1").strong_eq(&strong("1")));
        assert!(weak("1").weak_eq(&strong("1")));
        assert!(strong("1").strong_eq(&strong("1")));
    }
}
