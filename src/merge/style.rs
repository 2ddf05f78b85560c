//! Writing a merged JSON value back the way the user's document was written: minified or
//! pretty, the indent (spaces or tab), `": "` or `":"`, `", "` in one-line documents, CRLF, and
//! the trailing newline. Also the check that re-serializing will not alter a number, since
//! serde_json without `arbitrary_precision` reads numbers into u64/i64/f64.

use std::io;

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{Formatter, Serializer};

/// How a JSON document is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Style {
    /// `None` for a one-line document, else the indent of one level.
    indent: Option<Vec<u8>>,
    colon_space: bool,
    /// `", "` between members of a one-line document (Python's `json.dumps` default).
    comma_space: bool,
    eol: &'static [u8],
    trailing_newline: bool,
}

/// Reads the layout of `text` (valid JSON) from its first indented line, first colon and
/// first comma outside strings.
pub(super) fn detect(text: &[u8]) -> Style {
    let eol: &'static [u8] = if text.windows(2).any(|w| w == b"\r\n") { b"\r\n" } else { b"\n" };
    let trailing_newline = text.ends_with(b"\n");
    let body = text.trim_ascii();
    let indent = body.contains(&b'\n').then(|| {
        body.split(|&b| b == b'\n')
            .skip(1)
            .map(|line| {
                let width = line.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
                &line[..width]
            })
            .find(|lead| !lead.is_empty())
            // Tab indents one tab per level; otherwise the first indent is one level of spaces.
            .map_or_else(Vec::new, |lead| if lead[0] == b'\t' { b"\t".to_vec() } else { lead.to_vec() })
    });
    let followed_by_space = |wanted: u8| {
        let mut positions = outside_strings(body).filter(|&i| body[i] == wanted);
        positions.next().map(|i| body.get(i + 1) == Some(&b' '))
    };
    Style {
        colon_space: followed_by_space(b':').unwrap_or(indent.is_some()),
        comma_space: followed_by_space(b',').unwrap_or(false),
        indent,
        eol,
        trailing_newline,
    }
}

impl Style {
    /// The same layout spread over lines: a one-line document gets two-space indents and a
    /// trailing newline, so that a value per line can be marked as a conflict.
    pub(super) fn multiline(mut self) -> Style {
        if self.indent.is_none() {
            self.indent = Some(b"  ".to_vec());
            self.colon_space = true;
            self.comma_space = false;
            self.trailing_newline = true;
        }
        self
    }
}

/// Serializes `value` in `style`.
pub(super) fn write(value: &Value, style: &Style) -> Vec<u8> {
    let mut out = Vec::new();
    let formatter = StyleFormatter { style, depth: 0, has_value: false };
    let mut serializer = Serializer::with_formatter(&mut out, formatter);
    value.serialize(&mut serializer).expect("a Value has string keys and writing to a Vec cannot fail");
    if style.trailing_newline {
        out.extend_from_slice(style.eol);
    }
    out
}

/// Writes the JSON value `raw` (valid, as [`super::json::parses`] accepts it) in `style` as
/// [`write`] writes it at `depth` of a document (inside `depth` arrays or objects), without a
/// tree: serde_json's reader drives its writer directly, making the same calls a `Value` of
/// `raw` would, so the bytes are the same.
pub(super) fn write_raw(raw: &[u8], style: &Style, depth: usize, out: &mut Vec<u8>) -> Option<()> {
    let formatter = StyleFormatter { style, depth, has_value: false };
    let mut serializer = Serializer::with_formatter(out, formatter);
    let mut reader = serde_json::Deserializer::from_slice(raw);
    Transcode::new(&mut reader).serialize(&mut serializer).ok()?;
    reader.end().ok()
}

/// An object key, as [`write`] writes it.
pub(super) fn write_key(key: &str, out: &mut Vec<u8>) {
    serde_json::to_writer(out, key).expect("writing a string to a Vec cannot fail");
}

impl Style {
    /// What [`write`] puts before a member (or element) of a value at `depth`: a comma unless
    /// it is the `first`, then the line break and the indent of a member.
    pub(super) fn before_member(&self, first: bool, depth: usize, out: &mut Vec<u8>) {
        let mut formatter = StyleFormatter { style: self, depth: depth + 1, has_value: false };
        formatter.item(out, first).expect("writing to a Vec cannot fail");
    }

    /// What [`write`] puts between a key and its value.
    pub(super) fn colon(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.colon_space { b": " } else { b":" });
    }

    /// The end of an object at `depth`: a line break and indent when it has members, `}`.
    pub(super) fn close_object(&self, has_members: bool, depth: usize, out: &mut Vec<u8>) {
        let mut formatter = StyleFormatter { style: self, depth: depth + 1, has_value: has_members };
        formatter.end(out, b"}").expect("writing to a Vec cannot fail");
    }

    /// What [`write`] adds after the document.
    pub(super) fn after_document(&self, out: &mut Vec<u8>) {
        if self.trailing_newline {
            out.extend_from_slice(self.eol);
        }
    }
}

/// A JSON value being read, written as it is read (the serde "transcoding" pattern): its
/// `Serialize` pulls the value from the reader.
struct Transcode<D>(std::cell::Cell<Option<D>>);

impl<D> Transcode<D> {
    fn new(reader: D) -> Transcode<D> {
        Transcode(std::cell::Cell::new(Some(reader)))
    }
}

impl<'de, D: serde::Deserializer<'de>> Serialize for Transcode<D> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let reader = self.0.take().expect("a value is written once");
        reader.deserialize_any(Pass(serializer)).map_err(serde::ser::Error::custom)
    }
}

/// Hands each value the reader meets to the writer.
struct Pass<S>(S);

impl<'de, S: serde::Serializer> serde::de::Visitor<'de> for Pass<S> {
    type Value = S::Ok;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<S::Ok, E> {
        self.0.serialize_bool(v).map_err(E::custom)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<S::Ok, E> {
        self.0.serialize_i64(v).map_err(E::custom)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<S::Ok, E> {
        self.0.serialize_u64(v).map_err(E::custom)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<S::Ok, E> {
        self.0.serialize_f64(v).map_err(E::custom)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<S::Ok, E> {
        self.0.serialize_str(v).map_err(E::custom)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<S::Ok, E> {
        self.0.serialize_unit().map_err(E::custom)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<S::Ok, A::Error> {
        use serde::ser::SerializeSeq;
        let mut out = self.0.serialize_seq(None).map_err(serde::de::Error::custom)?;
        while seq.next_element_seed(Element(&mut out))?.is_some() {}
        out.end().map_err(serde::de::Error::custom)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<S::Ok, A::Error> {
        use serde::ser::SerializeMap;
        let mut out = self.0.serialize_map(None).map_err(serde::de::Error::custom)?;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            out.serialize_key(&key).map_err(serde::de::Error::custom)?;
            map.next_value_seed(Entry(&mut out))?;
        }
        out.end().map_err(serde::de::Error::custom)
    }
}

/// An array element, read and written.
struct Element<'s, S>(&'s mut S);

impl<'de, S: serde::ser::SerializeSeq> serde::de::DeserializeSeed<'de> for Element<'_, S> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, reader: D) -> Result<(), D::Error> {
        self.0.serialize_element(&Transcode::new(reader)).map_err(serde::de::Error::custom)
    }
}

/// An object member's value, read and written.
struct Entry<'s, S>(&'s mut S);

impl<'de, S: serde::ser::SerializeMap> serde::de::DeserializeSeed<'de> for Entry<'_, S> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, reader: D) -> Result<(), D::Error> {
        self.0.serialize_value(&Transcode::new(reader)).map_err(serde::de::Error::custom)
    }
}

/// True when every number in `text` (valid JSON) comes back unchanged in value after a trip
/// through serde_json: integers within i64/u64, other numbers with at most 15 significant
/// digits (f64 holds 15 exactly) and not so small that they round to zero.
pub(super) fn numbers_survive(text: &[u8]) -> bool {
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'"' => {
                // Past the string literal (the text is valid JSON, so it ends).
                i += 1;
                while let Some(&c) = text.get(i) {
                    i += if c == b'\\' { 2 } else { 1 };
                    if c == b'"' {
                        break;
                    }
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while text
                    .get(i)
                    .is_some_and(|&b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    i += 1;
                }
                let Ok(token) = std::str::from_utf8(&text[start..i]) else {
                    return false;
                };
                if !number_survives(token) {
                    return false;
                }
            }
            _ => i += 1,
        }
    }
    true
}

fn number_survives(token: &str) -> bool {
    if token.parse::<i64>().is_ok() || token.parse::<u64>().is_ok() {
        return true;
    }
    let mantissa = token.split(['e', 'E']).next().unwrap_or(token);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    let Ok(parsed) = token.parse::<f64>() else {
        return false;
    };
    let underflow = parsed == 0.0 && !significant.is_empty();
    significant.len() <= 15 && parsed.is_finite() && !underflow
}

/// Indices of the bytes of `text` (valid JSON) that are not inside string literals, quotes
/// excluded.
fn outside_strings(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut in_string = false;
    let mut escaped = false;
    text.iter().enumerate().filter_map(move |(i, &b)| {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            None
        } else if b == b'"' {
            in_string = true;
            None
        } else {
            Some(i)
        }
    })
}

/// serde_json's `PrettyFormatter` logic, with our indent, line ending and separators.
struct StyleFormatter<'a> {
    style: &'a Style,
    depth: usize,
    has_value: bool,
}

impl StyleFormatter<'_> {
    fn newline<W: ?Sized + io::Write>(&self, w: &mut W) -> io::Result<()> {
        if let Some(indent) = &self.style.indent {
            w.write_all(self.style.eol)?;
            for _ in 0..self.depth {
                w.write_all(indent)?;
            }
        }
        Ok(())
    }

    fn begin<W: ?Sized + io::Write>(&mut self, w: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(open)
    }

    fn end<W: ?Sized + io::Write>(&mut self, w: &mut W, close: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(close)
    }

    fn item<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            let spaced = self.style.indent.is_none() && self.style.comma_space;
            w.write_all(if spaced { b", " } else { b"," })?;
        }
        self.newline(w)
    }
}

impl Formatter for StyleFormatter<'_> {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"[")
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"]")
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"{")
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"}")
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.style.colon_space { b": " } else { b":" })
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_layouts() {
        // Each document is written exactly as its detected style would write it.
        let cases: &[&str] = &[
            r#"{"a":1,"b":[1,2],"c":{}}"#,
            "{\"a\":1,\"b\":[1,2],\"c\":{}}\n",
            r#"{"a": 1, "b": [1, 2], "c": {"d": null}}"#,
            "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": {},\n  \"d\": []\n}\n",
            "{\n    \"a\": {\n        \"b\": true\n    }\n}",
            "{\n\t\"a\": {\n\t\t\"b\": \"x\"\n\t}\n}\n",
            "{\r\n  \"a\": 1,\r\n  \"b\": 2\r\n}\r\n",
            "{\n  \"a\":1,\n  \"b\":\"x: y\"\n}\n",
            "[\n  {\n    \"k\": 1.5\n  }\n]\n",
        ];
        for text in cases {
            let value: Value = serde_json::from_str(text).expect("test input is JSON");
            let got = write(&value, &detect(text.as_bytes()));
            assert_eq!(String::from_utf8_lossy(&got), *text);
        }
    }

    #[test]
    fn separators_inside_strings_are_ignored() {
        let style = detect(br#"{"a: b, c":1,"d":2}"#);
        assert!(!style.colon_space && !style.comma_space && style.indent.is_none());
        let value = json!({"x": "1", "y": 2});
        assert_eq!(write(&value, &style), br#"{"x":"1","y":2}"#);
    }

    #[test]
    fn numbers() {
        let cases: &[(&str, bool)] = &[
            (r#"{"a": 1, "b": -2, "c": 1.5, "d": 1e5, "e": 0.1}"#, true),
            (r#"[18446744073709551615, -9223372036854775808]"#, true),
            (r#"[123456789012345678901234567890]"#, false),
            (r#"[3.14159265358979323846]"#, false),
            (r#"[1.50000000000000000000]"#, true),
            (r#"[1e-400]"#, false),
            (r#"{"s": "12345678901234567890123 inside a string"}"#, true),
            (r#"{"s": "quote \" then 12345678901234567890123"}"#, true),
        ];
        for (text, want) in cases {
            assert_eq!(numbers_survive(text.as_bytes()), *want, "{text}");
        }
    }
}
