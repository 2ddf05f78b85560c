//! The structural JSON merge of `json.rs`, decided on the documents' text instead of parsed
//! trees: a value is compared by its bytes first (the same bytes are the same value), and only
//! where they differ is an object opened (one level of members, keys borrowed from the text) or
//! a small value parsed. Two changed values in a 10 MiB document so cost a pass over the bytes
//! and an index of the top-level keys, not three `serde_json::Value` trees of it.
//!
//! It answers the common outcomes — a clean merge that is theirs, mine, or the line merge, and
//! (through `present.rs`) a conflict — with exactly the decisions and bytes the tree-based
//! merge gives; a clean result only splicing or re-serializing can write is left to `json.rs`,
//! which then does the work on trees as before.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::collections::HashMap;

use serde_json::Value;

pub(crate) use super::json::parses;
use super::{MergeOutcome, Merged, line_merge};

/// What the text-based merge made of three documents: a [`MergeOutcome`], or with
/// [`merge_listed`] a [`Merged`].
pub(super) enum Lazy<T = MergeOutcome> {
    /// One of them is not JSON that a structural merge may rewrite.
    NotJson,
    Done(T),
    /// A conflict, or a clean result that needs the tree-based writers.
    Undecided,
}

#[cfg(test)]
pub(super) fn merge(base: &[u8], mine: &[u8], theirs: &[u8]) -> Lazy {
    match merge_listed(base, mine, theirs) {
        Lazy::NotJson => Lazy::NotJson,
        Lazy::Done(merged) => Lazy::Done(merged.outcome),
        Lazy::Undecided => Lazy::Undecided,
    }
}

/// The merge, with the conflicts it found.
pub(super) fn merge_listed(base: &[u8], mine: &[u8], theirs: &[u8]) -> Lazy<Merged> {
    if !parses(base) || !parses(mine) || !parses(theirs) {
        return Lazy::NotJson;
    }
    let (b, m, t) = (Raw::root(base), Raw::root(mine), Raw::root(theirs));
    // The roots' members, read once for both walks (a large document is mostly its root).
    let roots = match (Members::of_object(b), Members::of_object(m), Members::of_object(t)) {
        (Some(b), Some(m), Some(t)) => Some([b, m, t]),
        _ => None,
    };
    let walk_root = |target| walk_in(Some(b), Some(m), Some(t), target, roots.as_ref());
    // The first walk finds any conflict, and whether the result is theirs or mine; the second
    // cannot meet a conflict.
    match walk_root(None) {
        Err(Conflict) => {
            return match super::present::conflicted(base, mine, theirs, roots) {
                Some(merged) => Lazy::Done(merged),
                None => Lazy::Undecided,
            };
        }
        Ok(w) if w.theirs => return clean(theirs.to_vec()),
        Ok(w) if w.mine => return clean(mine.to_vec()),
        Ok(_) => {}
    }
    let by_lines = line_merge(base, mine, theirs);
    if by_lines.conflicts.is_empty()
        && parses(&by_lines.text)
        && walk_root(Some(Raw::root(&by_lines.text))).is_ok_and(|w| w.target)
    {
        return clean(by_lines.text);
    }
    drop(by_lines);
    // Changes a line merge cannot combine (on adjacent lines, say): mine's text with theirs'
    // changes spliced in, when it is the merged document.
    if let Some(spliced) = super::splice::splice_in(base, mine, theirs, roots.as_ref())
        && parses(&spliced)
        && walk_in(Some(b), Some(m), Some(t), Some(Raw::root(&spliced)), roots.as_ref())
            .is_ok_and(|w| w.target)
    {
        return clean(spliced);
    }
    Lazy::Undecided
}

/// A clean result: theirs, mine, or a line merge checked to parse.
fn clean(text: Vec<u8>) -> Lazy<Merged> {
    Lazy::Done(Merged::structural(MergeOutcome::Clean(text), Vec::new(), true))
}

/// The text of one JSON value in a valid document, without surrounding whitespace.
#[derive(Clone, Copy)]
pub(crate) struct Raw<'a>(pub(crate) &'a [u8]);

impl<'a> Raw<'a> {
    pub(crate) fn root(text: &'a [u8]) -> Raw<'a> {
        Raw(text.trim_ascii())
    }

    pub(crate) fn is_object(self) -> bool {
        self.0.first() == Some(&b'{')
    }

    /// serde_json's `Value` equality (objects regardless of key order, `1.0 == 1.00`), parsing
    /// only what differs.
    pub(crate) fn equals(self, other: Raw<'_>) -> bool {
        if self.0 == other.0 {
            return true;
        }
        let parse = |raw: Raw<'_>| serde_json::from_slice::<Value>(raw.0).ok();
        let parsed_equal = || matches!((parse(self), parse(other)), (Some(x), Some(y)) if x == y);
        match (self.is_object(), other.is_object()) {
            (true, true) => match (Members::of(self), Members::of(other)) {
                (Some(a), Some(b)) => {
                    a.len() == b.len()
                        && a.iter()
                            .enumerate()
                            .all(|(i, (key, x))| b.get(key, i).is_some_and(|y| x.equals(y)))
                }
                _ => parsed_equal(),
            },
            (false, false) => parsed_equal(),
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

/// An object's members in document order — each key as its literal, quotes included, and
/// its value, as offsets into the object's text (16 bytes a member) — with an index by key
/// built when a lookup by position misses (the same keys in the same order, the common case,
/// never builds it).
pub(crate) struct Members<'a> {
    text: &'a [u8],
    /// Per member: the start and end of its key literal, and of its value.
    spans: Vec<[u32; 4]>,
    index: OnceCell<HashMap<Cow<'a, str>, usize>>,
    /// Where the last lookup found its key: the next is tried right after it, which is where
    /// it is when the other object has members this one lacks, or lacks some it has.
    last: Cell<usize>,
}

impl<'a> Members<'a> {
    /// The members of an object in a valid document; `None` for one of 4 GiB or more.
    pub(crate) fn of(object: Raw<'a>) -> Option<Members<'a>> {
        let s = object.0;
        let offset = |at: usize| u32::try_from(at).ok();
        offset(s.len())?;
        let mut spans = Vec::new();
        let mut i = skip_ws(s, 1);
        if s.get(i) != Some(&b'}') {
            loop {
                let key_end = skip_string(s, i)?;
                let key = i;
                i = skip_ws(s, key_end);
                if s.get(i) != Some(&b':') {
                    return None;
                }
                let start = skip_ws(s, i + 1);
                let end = skip_value(s, start)?;
                spans.push([offset(key)?, offset(key_end)?, offset(start)?, offset(end)?]);
                i = skip_ws(s, end);
                match s.get(i)? {
                    b',' => i = skip_ws(s, i + 1),
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        spans.shrink_to_fit();
        Some(Members { text: s, spans, index: OnceCell::new(), last: Cell::new(0) })
    }

    /// [`Members::of`] when `raw` is an object.
    pub(crate) fn of_object(raw: Raw<'a>) -> Option<Members<'a>> {
        raw.is_object().then(|| Members::of(raw)).flatten()
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The two objects are equal as `Value`s.
    pub(crate) fn equals(&self, other: &Members<'_>) -> bool {
        self.len() == other.len()
            && self.iter().enumerate().all(|(i, (key, x))| other.get(key, i).is_some_and(|y| x.equals(y)))
    }

    /// Member `i`'s key literal and value.
    pub(crate) fn member(&self, i: usize) -> (&'a [u8], Raw<'a>) {
        let [key, key_end, start, end] = self.spans[i].map(|at| at as usize);
        (&self.text[key..key_end], Raw(&self.text[start..end]))
    }

    /// Member `i` whole: from its key literal to the end of its value.
    pub(crate) fn member_text(&self, i: usize) -> &'a [u8] {
        let [key, _, _, end] = self.spans[i].map(|at| at as usize);
        &self.text[key..end]
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'a [u8], Raw<'a>)> + '_ {
        (0..self.len()).map(|i| self.member(i))
    }

    /// The value of the key written `literal` (in any document), looked for at `hint` first.
    pub(crate) fn get(&self, literal: &[u8], hint: usize) -> Option<Raw<'a>> {
        self.position(literal, hint).map(|i| self.member(i).1)
    }

    /// Which member has the key written `literal` (in any document), looked for at `hint`
    /// first.
    pub(crate) fn position(&self, literal: &[u8], hint: usize) -> Option<usize> {
        let next = self.last.get() + 1;
        let found = [hint, next].into_iter().find(|&i| i < self.len() && same_key(self.member(i).0, literal));
        let found = found.or_else(|| {
            let index = self.index.get_or_init(|| {
                self.iter().enumerate().filter_map(|(i, (key, _))| Some((decode_key(key)?, i))).collect()
            });
            index.get(decode_key(literal)?.as_ref()).copied()
        });
        if let Some(i) = found {
            self.last.set(i);
        }
        found
    }
}

/// Two key literals name the same key (`"é"` and `"\u00e9"` do).
fn same_key(a: &[u8], b: &[u8]) -> bool {
    if !a.contains(&b'\\') && !b.contains(&b'\\') {
        return a == b;
    }
    matches!((decode_key(a), decode_key(b)), (Some(x), Some(y)) if x == y)
}

/// What a walk of the merge found out about the merged value: whether it exists (was not
/// removed), and whether it equals mine, theirs and the target, as `Value`s (both absent
/// counts as equal).
struct Walked {
    present: bool,
    mine: bool,
    theirs: bool,
    target: bool,
}

/// The values collide: the tree-based merge describes and presents that.
struct Conflict;

/// `json.rs`'s `merge_value` — the same decisions, made on text — compared with mine, theirs
/// and `target` as it goes instead of building the merged value. Every member is visited even
/// once the answers are "not equal", so that a conflict anywhere is found.
fn walk(
    base: Option<Raw<'_>>,
    mine: Option<Raw<'_>>,
    theirs: Option<Raw<'_>>,
    target: Option<Raw<'_>>,
) -> Result<Walked, Conflict> {
    walk_in(base, mine, theirs, target, None)
}

/// [`walk`], with the three values' members already read when they are objects.
fn walk_in<'a>(
    base: Option<Raw<'a>>,
    mine: Option<Raw<'a>>,
    theirs: Option<Raw<'a>>,
    target: Option<Raw<'_>>,
    members: Option<&[Members<'a>; 3]>,
) -> Result<Walked, Conflict> {
    let taken = |value: Option<Raw<'_>>| Walked {
        present: value.is_some(),
        mine: opt_equals(value, mine),
        theirs: opt_equals(value, theirs),
        target: opt_equals(value, target),
    };
    let same = |x: usize, y: usize| {
        let sides = [base, mine, theirs];
        match members {
            Some(read) => sides[x].map(|r| r.0) == sides[y].map(|r| r.0) || read[x].equals(&read[y]),
            None => opt_equals(sides[x], sides[y]),
        }
    };
    if same(1, 2) || same(0, 2) {
        return Ok(taken(mine));
    }
    if same(0, 1) {
        return Ok(taken(theirs));
    }
    let read;
    let [b, m, t] = match members {
        Some(members) => members,
        None => {
            let (Some(b), Some(m), Some(t)) = (base, mine, theirs) else {
                return Err(Conflict);
            };
            let (Some(b), Some(m), Some(t)) =
                (Members::of_object(b), Members::of_object(m), Members::of_object(t))
            else {
                return Err(Conflict);
            };
            read = [b, m, t];
            &read
        }
    };
    let target = target.filter(|raw| raw.is_object()).and_then(Members::of);
    let mut all = Walked { present: true, mine: true, theirs: true, target: target.is_some() };
    let mut count = 0;
    let mut add = |member: Walked| {
        count += usize::from(member.present);
        all.mine &= member.mine;
        all.theirs &= member.theirs;
        all.target &= member.target;
    };
    for (i, (key, value)) in m.iter().enumerate() {
        let at = target.as_ref().and_then(|g| g.get(key, i));
        add(walk(b.get(key, i), Some(value), t.get(key, i), at)?);
    }
    for (i, (key, value)) in t.iter().enumerate() {
        if m.get(key, i).is_some() {
            continue;
        }
        let at = target.as_ref().and_then(|g| g.get(key, i));
        add(walk(b.get(key, i), None, Some(value), at)?);
    }
    // Equal members, and as many: the same object.
    all.mine &= m.len() == count;
    all.theirs &= t.len() == count;
    all.target &= target.is_some_and(|g| g.len() == count);
    Ok(all)
}

pub(crate) fn skip_ws(s: &[u8], mut i: usize) -> usize {
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
pub(crate) fn skip_value(s: &[u8], mut i: usize) -> Option<usize> {
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
pub(crate) fn decode_key(literal: &[u8]) -> Option<Cow<'_, str>> {
    let inner = &literal[1..literal.len() - 1];
    if inner.contains(&b'\\') {
        serde_json::from_slice::<String>(literal).ok().map(Cow::Owned)
    } else {
        std::str::from_utf8(inner).ok().map(Cow::Borrowed)
    }
}
