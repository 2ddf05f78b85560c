//! The structural JSON merge of `json.rs`, decided on the documents' text instead of parsed
//! trees: a value is compared by its bytes first (the same bytes are the same value), and only
//! where they differ is an object opened (one level of members, keys borrowed from the text) or
//! a small value parsed. Two changed values in a 10 MiB document so cost a pass over the bytes
//! and an index of the top-level keys, not three `serde_json::Value` trees of it.
//!
//! It answers the common outcomes — a clean merge that is theirs, mine, or the line merge —
//! with exactly the decisions and bytes the tree-based merge gives; anything else (a conflict,
//! a result only splicing or re-serializing can write) is left to `json.rs`, which then does
//! the work on trees as before.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;

use serde_json::Value;

use super::json::parses;
use super::{MergeOutcome, line_merge};

/// What the text-based merge made of three documents.
pub(super) enum Lazy {
    /// One of them is not JSON that a structural merge may rewrite.
    NotJson,
    Done(MergeOutcome),
    /// A conflict, or a clean result that needs the tree-based writers.
    Undecided,
}

pub(super) fn merge(base: &[u8], mine: &[u8], theirs: &[u8]) -> Lazy {
    if !parses(base) || !parses(mine) || !parses(theirs) {
        return Lazy::NotJson;
    }
    let (b, m, t) = (Raw::root(base), Raw::root(mine), Raw::root(theirs));
    let Ok(Some(merged)) = merge_value(Some(b), Some(m), Some(t)) else {
        return Lazy::Undecided;
    };
    if merged.equals(t) {
        return Lazy::Done(MergeOutcome::Clean(theirs.to_vec()));
    }
    if merged.equals(m) {
        return Lazy::Done(MergeOutcome::Clean(mine.to_vec()));
    }
    let by_lines = line_merge(base, mine, theirs);
    if by_lines.conflicts.is_empty() && parses(&by_lines.text) && merged.equals(Raw::root(&by_lines.text)) {
        return Lazy::Done(MergeOutcome::Clean(by_lines.text));
    }
    Lazy::Undecided
}

/// The text of one JSON value in a valid document, without surrounding whitespace.
#[derive(Clone, Copy)]
struct Raw<'a>(&'a [u8]);

impl<'a> Raw<'a> {
    fn root(text: &'a [u8]) -> Raw<'a> {
        Raw(text.trim_ascii())
    }

    fn is_object(self) -> bool {
        self.0.first() == Some(&b'{')
    }

    /// serde_json's `Value` equality (objects regardless of key order, `1.0 == 1.00`), parsing
    /// only what differs.
    fn equals(self, other: Raw<'_>) -> bool {
        if self.0 == other.0 {
            return true;
        }
        match (self.is_object(), other.is_object()) {
            (true, true) => match (Members::of(self), Members::of(other)) {
                (Some(a), Some(b)) => a.list.len() == b.list.len() && a.all_in(&b, |x, y| x.equals(y)),
                _ => false,
            },
            (false, false) => {
                let parse = |raw: Raw<'_>| serde_json::from_slice::<Value>(raw.0).ok();
                matches!((parse(self), parse(other)), (Some(x), Some(y)) if x == y)
            }
            _ => false,
        }
    }
}

fn opt_equals(a: Option<Raw<'_>>, b: Option<Raw<'_>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.equals(b),
        (None, None) => true,
        _ => false,
    }
}

/// An object's members in document order, with an index by key built when a lookup by
/// position misses (the same keys in the same order, the common case, never builds it).
struct Members<'a> {
    list: Vec<(Cow<'a, str>, Raw<'a>)>,
    index: OnceCell<HashMap<Cow<'a, str>, usize>>,
}

impl<'a> Members<'a> {
    /// The members of an object in a valid document.
    fn of(object: Raw<'a>) -> Option<Members<'a>> {
        let s = object.0;
        let mut list = Vec::new();
        let mut i = skip_ws(s, 1);
        if s.get(i) != Some(&b'}') {
            loop {
                let key_end = skip_string(s, i)?;
                let key = decode_key(&s[i..key_end])?;
                i = skip_ws(s, key_end);
                if s.get(i) != Some(&b':') {
                    return None;
                }
                let start = skip_ws(s, i + 1);
                let end = skip_value(s, start)?;
                list.push((key, Raw(&s[start..end])));
                i = skip_ws(s, end);
                match s.get(i)? {
                    b',' => i = skip_ws(s, i + 1),
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        Some(Members { list, index: OnceCell::new() })
    }

    /// The value of `key`, looked for at `hint` first.
    fn get(&self, key: &str, hint: usize) -> Option<Raw<'a>> {
        if let Some((k, v)) = self.list.get(hint)
            && k == key
        {
            return Some(*v);
        }
        let index = self
            .index
            .get_or_init(|| self.list.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)).collect());
        index.get(key).map(|&i| self.list[i].1)
    }

    fn contains(&self, key: &str, hint: usize) -> bool {
        self.get(key, hint).is_some()
    }

    /// Every member of `self` is in `other` and `same` holds for the two values.
    fn all_in(&self, other: &Members<'_>, same: impl Fn(Raw<'_>, Raw<'_>) -> bool) -> bool {
        self.list
            .iter()
            .enumerate()
            .all(|(i, (key, value))| other.get(key, i).is_some_and(|o| same(*value, o)))
    }
}

/// A merged value: one side's value as it is, or an object whose members were merged.
enum Merged<'a> {
    Take(Raw<'a>),
    Object(Vec<(Cow<'a, str>, Merged<'a>)>),
}

impl Merged<'_> {
    /// Equality with `other` as `Value`s.
    fn equals(&self, other: Raw<'_>) -> bool {
        match self {
            Merged::Take(raw) => raw.equals(other),
            Merged::Object(members) => {
                if !other.is_object() {
                    return false;
                }
                let Some(other) = Members::of(other) else { return false };
                members.len() == other.list.len()
                    && members
                        .iter()
                        .enumerate()
                        .all(|(i, (key, value))| other.get(key, i).is_some_and(|o| value.equals(o)))
            }
        }
    }
}

/// The values collide: the tree-based merge describes and presents that.
struct Conflict;

/// `json.rs`'s `merge_value`, deciding by text. Key order is not kept: the result is only
/// compared, and `Value` equality ignores it.
fn merge_value<'a>(
    base: Option<Raw<'a>>,
    mine: Option<Raw<'a>>,
    theirs: Option<Raw<'a>>,
) -> Result<Option<Merged<'a>>, Conflict> {
    if opt_equals(mine, theirs) || opt_equals(base, theirs) {
        return Ok(mine.map(Merged::Take));
    }
    if opt_equals(base, mine) {
        return Ok(theirs.map(Merged::Take));
    }
    if let (Some(b), Some(m), Some(t)) = (base, mine, theirs)
        && b.is_object()
        && m.is_object()
        && t.is_object()
    {
        let (Some(b), Some(m), Some(t)) = (Members::of(b), Members::of(m), Members::of(t)) else {
            return Err(Conflict);
        };
        let mut out = Vec::new();
        for (i, (key, value)) in m.list.iter().enumerate() {
            if let Some(v) = merge_value(b.get(key, i), Some(*value), t.get(key, i))? {
                out.push((key.clone(), v));
            }
        }
        for (i, (key, value)) in t.list.iter().enumerate() {
            if m.contains(key, i) {
                continue;
            }
            if let Some(v) = merge_value(b.get(key, i), None, Some(*value))? {
                out.push((key.clone(), v));
            }
        }
        return Ok(Some(Merged::Object(out)));
    }
    Err(Conflict)
}

fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while s.get(i).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The end of the string literal starting at `i`.
fn skip_string(s: &[u8], mut i: usize) -> Option<usize> {
    if s.get(i) != Some(&b'"') {
        return None;
    }
    i += 1;
    loop {
        match s.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The end of the value starting at `i`.
fn skip_value(s: &[u8], mut i: usize) -> Option<usize> {
    match s.get(i)? {
        b'"' => skip_string(s, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match s.get(i)? {
                    b'"' => {
                        i = skip_string(s, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let start = i;
            while s.get(i).is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                i += 1;
            }
            (i > start).then_some(i)
        }
    }
}

/// A key as `Value` holds it: escapes decoded, borrowed when there are none.
fn decode_key(literal: &[u8]) -> Option<Cow<'_, str>> {
    let inner = &literal[1..literal.len() - 1];
    if inner.contains(&b'\\') {
        serde_json::from_slice::<String>(literal).ok().map(Cow::Owned)
    } else {
        std::str::from_utf8(inner).ok().map(Cow::Borrowed)
    }
}
