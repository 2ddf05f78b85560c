//! Which values differ between two JSON documents, named by JSON Pointer (RFC 6901): what a cut
//! diff of two JSON documents lists under its count, so that a person sees where a long change
//! is without reading it. Read from the documents' text with the merge's byte-level reader
//! (`merge::lazy`): equal bytes are an equal value and are skipped; an object whose bytes
//! differ is opened one level at a time, and only small values that differ are parsed. A
//! 10 MiB document so costs a few passes over its bytes and one entry per member of the objects
//! it opens, never a `serde_json::Value` tree of it.
//!
//! What counts as a difference is serde_json's `Value` equality, as in the merge: key order,
//! whitespace and number forms (`1.0`, `1.00`) do not differ. An object is opened and its
//! members compared by key: a member only one side has is added or removed, one both have is
//! compared in turn. An array is compared element by element when both have as many elements
//! (`/items/3/name`); when the lengths differ the array itself is one changed value, with both
//! lengths, since matching elements up across an insertion is a diff of its own and element
//! numbers would all shift. Everything else (strings, numbers, a value that changed type) is a
//! changed value at its pointer.
//!
//! Printing is left to `diff.rs`.

use std::borrow::Cow;

use crate::merge::lazy::{Members, Raw, decode_key, parses, skip_value, skip_ws};

/// How a value differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Changed,
    /// Only the new document has it.
    Added,
    /// Only the old document has it.
    Removed,
}

/// One value that differs: its pointer (`""` for the whole document), and for an array whose
/// length changed, the old and new lengths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Change {
    pub kind: Kind,
    pub pointer: String,
    pub lengths: Option<(usize, usize)>,
}

/// The values that differ: the first few in document order, and how many of each kind in all.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Changes {
    pub first: Vec<Change>,
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
}

impl Changes {
    pub fn total(&self) -> usize {
        self.changed + self.added + self.removed
    }
}

/// The values that differ from `old` to `new`, keeping the first `keep` of them; `None` when
/// either is not a JSON document the merge reads as JSON (see `merge::lazy::parses`: valid,
/// no repeated keys, numbers that survive a parse). `checked`: both are known to be, which
/// is then taken as given.
pub(super) fn changes(old: &[u8], new: &[u8], keep: usize, checked: bool) -> Option<Changes> {
    if !checked && (!parses(old) || !parses(new)) {
        return None;
    }
    let mut walk = Walk { path: Vec::new(), keep, found: Changes::default() };
    walk.value(Raw::root(old), Raw::root(new));
    Some(walk.found)
}

/// A step of a pointer: a member's key as written in the document (quotes and escapes
/// included), or an array index. Turned into pointer text only for the changes kept.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a [u8]),
    Index(usize),
}

struct Walk<'a> {
    path: Vec<Step<'a>>,
    keep: usize,
    found: Changes,
}

impl<'a> Walk<'a> {
    fn value(&mut self, old: Raw<'a>, new: Raw<'a>) {
        if old.0 == new.0 {
            return;
        }
        match (shape(old), shape(new)) {
            (Shape::Object, Shape::Object) => match (Members::of(old), Members::of(new)) {
                (Some(old), Some(new)) => self.object(&old, &new),
                // Only an object of 4 GiB or more has no members read.
                _ if !old.equals(new) => self.found(Kind::Changed, None),
                _ => {}
            },
            (Shape::Array, Shape::Array) => self.array(old, new),
            (x, y) if x == y && old.equals(new) => {}
            _ => self.found(Kind::Changed, None),
        }
    }

    /// The members of `new` in its order, then those only `old` has.
    fn object(&mut self, old: &Members<'a>, new: &Members<'a>) {
        for (i, (key, value)) in new.iter().enumerate() {
            self.path.push(Step::Key(key));
            match old.get(key, i) {
                Some(was) => self.value(was, value),
                None => self.found(Kind::Added, None),
            }
            self.path.pop();
        }
        for (i, (key, _)) in old.iter().enumerate() {
            if new.get(key, i).is_none() {
                self.path.push(Step::Key(key));
                self.found(Kind::Removed, None);
                self.path.pop();
            }
        }
    }

    fn array(&mut self, old: Raw<'a>, new: Raw<'a>) {
        let lengths = (Elements::of(old).count(), Elements::of(new).count());
        if lengths.0 != lengths.1 {
            self.found(Kind::Changed, Some(lengths));
            return;
        }
        for (i, (was, value)) in Elements::of(old).zip(Elements::of(new)).enumerate() {
            self.path.push(Step::Index(i));
            self.value(was, value);
            self.path.pop();
        }
    }

    fn found(&mut self, kind: Kind, lengths: Option<(usize, usize)>) {
        let count = match kind {
            Kind::Changed => &mut self.found.changed,
            Kind::Added => &mut self.found.added,
            Kind::Removed => &mut self.found.removed,
        };
        *count += 1;
        if self.found.first.len() < self.keep {
            self.found.first.push(Change { kind, pointer: pointer(&self.path), lengths });
        }
    }
}

/// The RFC 6901 pointer of `path`: each key decoded from its JSON literal, `~` written `~0`
/// and `/` written `~1`.
fn pointer(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        out.push('/');
        match step {
            Step::Index(i) => out.push_str(&i.to_string()),
            Step::Key(literal) => {
                // A key of a valid document always decodes; the lossy text is a fallback.
                let key = decode_key(literal).unwrap_or_else(|| String::from_utf8_lossy(literal));
                out.push_str(&escape(key));
            }
        }
    }
    out
}

fn escape(key: Cow<'_, str>) -> Cow<'_, str> {
    if key.contains(['~', '/']) { Cow::Owned(key.replace('~', "~0").replace('/', "~1")) } else { key }
}

/// What kind of value a text is, from its first byte (the text is a valid value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Object,
    Array,
    String,
    Literal,
    Number,
}

fn shape(raw: Raw<'_>) -> Shape {
    match raw.0.first() {
        Some(b'{') => Shape::Object,
        Some(b'[') => Shape::Array,
        Some(b'"') => Shape::String,
        Some(b't' | b'f' | b'n') => Shape::Literal,
        _ => Shape::Number,
    }
}

/// The elements of an array in a valid document, in order, read as they are asked for.
struct Elements<'a> {
    text: &'a [u8],
    /// Where the next element starts; `None` past the last one.
    at: Option<usize>,
}

impl<'a> Elements<'a> {
    fn of(array: Raw<'a>) -> Elements<'a> {
        let text = array.0;
        let first = skip_ws(text, 1);
        Elements { text, at: (text.get(first) != Some(&b']')).then_some(first) }
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = Raw<'a>;

    fn next(&mut self) -> Option<Raw<'a>> {
        let start = self.at.take()?;
        let end = skip_value(self.text, start)?;
        let after = skip_ws(self.text, end);
        if self.text.get(after) == Some(&b',') {
            self.at = Some(skip_ws(self.text, after + 1));
        }
        Some(Raw(&self.text[start..end]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(old: &str, new: &str) -> Vec<Change> {
        let changes = changes(old.as_bytes(), new.as_bytes(), usize::MAX, false).expect("both are JSON");
        assert_eq!(changes.total(), changes.first.len());
        changes.first
    }

    fn change(kind: Kind, pointer: &str, lengths: Option<(usize, usize)>) -> Change {
        Change { kind, pointer: pointer.to_string(), lengths }
    }

    fn changed(pointer: &str) -> Change {
        change(Kind::Changed, pointer, None)
    }

    #[test]
    fn equal_as_json_is_no_change() {
        let cases = [
            (r#"{"a": 1, "b": {"c": [1, 2]}}"#, r#"{"b":{"c":[1,2]},"a":1}"#),
            (r#"{"n": 1.0, "m": [1.00, 2e0]}"#, r#"{"n": 1.00, "m": [1.0, 2.0]}"#),
            (r#"{"é": "\u00e9"}"#, r#"{"\u00e9": "é"}"#),
            ("[]", " [ ] "),
            ("{}", "{ }"),
            ("\"x\"", "\"\\u0078\""),
        ];
        for (old, new) in cases {
            assert_eq!(found(old, new), vec![], "{old} vs {new}");
        }
    }

    #[test]
    fn nested_objects_name_the_values_inside() {
        let old = r#"{"a": {"b": {"c": 1, "d": 2}, "e": "x"}, "gone": true, "f": 1}"#;
        let new = r#"{"f": 1, "a": {"e": "y", "b": {"d": 2, "c": 10}}, "new": null}"#;
        assert_eq!(
            found(old, new),
            vec![
                changed("/a/e"),
                changed("/a/b/c"),
                change(Kind::Added, "/new", None),
                change(Kind::Removed, "/gone", None),
            ]
        );
    }

    #[test]
    fn a_changed_type_or_number_form_is_one_change() {
        assert_eq!(found(r#"{"a": {"b": 1}}"#, r#"{"a": [1]}"#), vec![changed("/a")]);
        assert_eq!(found(r#"{"a": 1}"#, r#"{"a": 1.5}"#), vec![changed("/a")]);
        // serde_json keeps integers and floats apart: 1 and 1.0 differ, as in the merge.
        assert_eq!(found(r#"{"a": 1}"#, r#"{"a": 1.0}"#), vec![changed("/a")]);
        assert_eq!(found("1", "2"), vec![changed("")]);
        assert_eq!(found("{}", "[]"), vec![changed("")]);
    }

    #[test]
    fn arrays_compare_by_index_when_their_lengths_match() {
        let old = r#"{"items": [{"id": 1, "tags": ["a"]}, 2, {"id": 3}]}"#;
        let new = r#"{"items": [{"id": 1, "tags": ["b"]}, 2.5, {"id": 3 }]}"#;
        assert_eq!(found(old, new), vec![changed("/items/0/tags/0"), changed("/items/1")]);
        let longer = r#"{"items": [0, {"id": 1, "tags": ["a"]}, 2, {"id": 3}]}"#;
        assert_eq!(found(old, longer), vec![change(Kind::Changed, "/items", Some((3, 4)))]);
        assert_eq!(found("[1, 2]", "[]"), vec![change(Kind::Changed, "", Some((2, 0)))]);
        assert_eq!(found(r#"[[1], []]"#, r#"[[2], [3]]"#).len(), 2);
    }

    #[test]
    fn keys_are_escaped_as_rfc_6901_says() {
        let old = r#"{"a/b": {"m~n": 1, "\u0074ab\t": 1, "": 1}}"#;
        let new = r#"{"a/b": {"m~n": 2, "tab\t": 2, "": 2}}"#;
        assert_eq!(found(old, new), vec![changed("/a~1b/m~0n"), changed("/a~1b/tab\t"), changed("/a~1b/")]);
    }

    #[test]
    fn counts_all_and_keeps_the_first() {
        let old: String =
            format!("{{{}}}", (0..50).map(|i| format!("\"k{i}\": {i}")).collect::<Vec<_>>().join(","));
        let new = old.replace(": 1", ": 100").replace("\"k0\": 0", "\"k0\": 0, \"z\": 1");
        let changes = changes(old.as_bytes(), new.as_bytes(), 3, false).unwrap();
        // k1, k10..k19: 11 changed, and z added.
        assert_eq!((changes.changed, changes.added, changes.removed), (11, 1, 0));
        let pointers: Vec<&str> = changes.first.iter().map(|c| c.pointer.as_str()).collect();
        assert_eq!(pointers, ["/z", "/k1", "/k10"]);
    }

    #[test]
    fn not_json_is_none() {
        assert_eq!(changes(b"{\"a\": 1}", b"a: 1\n", 10, false), None);
        assert_eq!(changes(b"{\"a\": 1, \"a\": 2}", b"{\"a\": 1}", 10, false), None, "a repeated key");
        assert_eq!(changes(b"", b"{}", 10, false), None);
    }
}
