//! A conflicting structural JSON merge, worked out on the documents' bytes like `lazy.rs`: the
//! places where the changes collide (with the three values there, parsed one by one), and the
//! text to resolve them in — byte for byte what `json.rs`'s `present` writes from three trees.
//!
//! That text is the merged document written three times in mine's style (with the base's,
//! mine's and theirs' value at each conflict) and merged by lines. Here it is written once: the
//! bytes the three share, with the few places where they differ held apart, each value
//! re-written in the style straight from its text (`style::write_raw`, no tree). The line
//! merge then sees only the lines around those places, and the shared text before and after
//! them is copied through.

use json_patch::jsonptr::PointerBuf;
use serde_json::Value;

use super::lazy::{Members, Raw, decode_key};
use super::style::{self, Style};
use super::tri::Tri;
use super::{Conflict, MergeOutcome, json, line_merge};

/// One conflict: where, and each side's value there (`None`: absent).
pub(super) struct Found<'a> {
    pub(super) path: PointerBuf,
    pub(super) base: Option<Raw<'a>>,
    pub(super) mine: Option<Raw<'a>>,
    pub(super) theirs: Option<Raw<'a>>,
}

/// The conflicted outcome of merging the three documents (which [`json::parses`] accepts), and
/// its conflicts, given their roots' members when the roots are objects and already read;
/// `None` when they do not conflict or cannot be read here (an object of 4 GiB or more).
pub(super) fn conflicted<'a>(
    base: &'a [u8],
    mine: &'a [u8],
    theirs: &'a [u8],
    roots: Option<[Members<'a>; 3]>,
) -> Option<super::Merged> {
    let style = style::detect(mine).multiline();
    let mut walk =
        Walk { found: Vec::new(), path: PointerBuf::new(), out: Some(Tri::default()), style: &style };
    let root = walk.root(base, mine, theirs, roots)?;
    if walk.found.is_empty() {
        return None;
    }
    let described = walk.found.iter().map(describe).collect::<Option<Vec<(Conflict, String)>>>()?;
    let (found, conflicts) = described.into_iter().unzip();
    let presented = match (root, walk.out.take()) {
        // A conflict over the whole document has no member to mark.
        (Root::Conflict, _) | (_, None) => None,
        (Root::Object, Some(tri)) => tri.line_merge(),
    };
    let text = presented.unwrap_or_else(|| line_merge(base, mine, theirs).text);
    Some(super::Merged::structural(MergeOutcome::Conflicted { text, conflicts }, found, false))
}

/// The conflicts of the merge, in the order the merge meets them, with the three values at
/// each; `None` when the documents cannot be read here.
#[cfg(test)]
pub(super) fn found<'a>(base: &'a [u8], mine: &'a [u8], theirs: &'a [u8]) -> Option<Vec<Found<'a>>> {
    let style = style::detect(b"");
    let mut walk = Walk { found: Vec::new(), path: PointerBuf::new(), out: None, style: &style };
    walk.root(base, mine, theirs, None)?;
    Some(walk.found)
}

/// A value of a conflict, parsed.
pub(super) fn parse(raw: Option<Raw<'_>>) -> Option<Option<Value>> {
    match raw {
        Some(raw) => serde_json::from_slice(raw.0).ok().map(Some),
        None => Some(None),
    }
}

/// A conflict with its three values parsed, as `--json` lists it, and its line for the person.
fn describe(found: &Found<'_>) -> Option<(Conflict, String)> {
    let (base, mine, theirs) = (parse(found.base)?, parse(found.mine)?, parse(found.theirs)?);
    let line = json::describe(&found.path, base.as_ref(), mine.as_ref(), theirs.as_ref());
    Some((Conflict { path: found.path.to_string(), base, mine, theirs }, line))
}

/// What the merge makes of one value.
enum Merged<'a> {
    /// One side's value as it is (`None`: absent).
    Take(Option<Raw<'a>>),
    /// Three objects, merged member by member.
    Objects(Box<[Members<'a>; 3]>),
    Conflict,
}

enum Root {
    Object,
    Conflict,
}

fn same(a: Option<Raw<'_>>, b: Option<Raw<'_>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.equals(b),
        (None, None) => true,
        _ => false,
    }
}

/// `json.rs`'s `merge_value` decision for one value; `None` when an object cannot be read.
fn decide<'a>(base: Option<Raw<'a>>, mine: Option<Raw<'a>>, theirs: Option<Raw<'a>>) -> Option<Merged<'a>> {
    if same(mine, theirs) || same(base, theirs) {
        return Some(Merged::Take(mine));
    }
    if same(base, mine) {
        return Some(Merged::Take(theirs));
    }
    match (base, mine, theirs) {
        (Some(b), Some(m), Some(t)) if b.is_object() && m.is_object() && t.is_object() => {
            Some(Merged::Objects(Box::new([Members::of(b)?, Members::of(m)?, Members::of(t)?])))
        }
        _ => Some(Merged::Conflict),
    }
}

/// The walk of the merge: records the conflicts and, when `out` is there, writes the merged
/// document three ways.
struct Walk<'a, 's> {
    found: Vec<Found<'a>>,
    path: PointerBuf,
    out: Option<Tri>,
    style: &'s Style,
}

impl<'a> Walk<'a, '_> {
    fn root(
        &mut self,
        base: &'a [u8],
        mine: &'a [u8],
        theirs: &'a [u8],
        roots: Option<[Members<'a>; 3]>,
    ) -> Option<Root> {
        let (b, m, t) = (Raw::root(base), Raw::root(mine), Raw::root(theirs));
        // The roots' members are read once, for the comparisons and the merge (a large
        // document is mostly its root).
        let roots = roots.map_or_else(|| [b, m, t].map(Members::of_object), |read| read.map(Some));
        let merged = match roots {
            [Some(bm), Some(mm), Some(tm)] => {
                let equal =
                    |x: Raw<'_>, y: Raw<'_>, xm: &Members<'_>, ym: &Members<'_>| x.0 == y.0 || xm.equals(ym);
                if equal(m, t, &mm, &tm) || equal(b, t, &bm, &tm) || equal(b, m, &bm, &mm) {
                    Merged::Take(None)
                } else {
                    Merged::Objects(Box::new([bm, mm, tm]))
                }
            }
            // An object too large to read here.
            _ if b.is_object() && m.is_object() && t.is_object() => return None,
            _ => decide(Some(b), Some(m), Some(t))?,
        };
        match merged {
            Merged::Take(_) => Some(Root::Object),
            Merged::Objects(members) => {
                self.object(&members, 0)?;
                if let Some(out) = &mut self.out {
                    self.style.after_document(&mut out.common);
                }
                Some(Root::Object)
            }
            Merged::Conflict => {
                self.found.push(Found {
                    path: PointerBuf::new(),
                    base: Some(b),
                    mine: Some(m),
                    theirs: Some(t),
                });
                Some(Root::Conflict)
            }
        }
    }

    /// `json.rs`'s `merge_objects` for an object at `depth`, and `present`'s writing of it:
    /// mine's members in mine's order, theirs' new ones after the key before them in theirs,
    /// and at the end the members that only the base and theirs have (mine removed them, theirs
    /// changed them), as `present` sets them back into the merged object.
    fn object(&mut self, [b, m, t]: &[Members<'a>; 3], depth: usize) -> Option<()> {
        // Theirs' keys that mine does not have: added (after which of mine's members), or
        // colliding with mine's removal.
        let mut added: Vec<(Option<usize>, &'a [u8], Raw<'a>)> = Vec::new();
        let mut removed: Vec<(&'a [u8], Option<Raw<'a>>, Raw<'a>)> = Vec::new();
        let mut anchor = None;
        for (i, (key, value)) in t.iter().enumerate() {
            if let Some(at) = m.position(key, i) {
                anchor = Some(at);
                continue;
            }
            let before = b.get(key, i);
            if same(before, Some(value)) {
                continue;
            }
            match before {
                None => added.push((anchor, key, value)),
                Some(_) => removed.push((key, before, value)),
            }
        }
        // Grouped by their anchor, in theirs' order within a group.
        added.sort_by_key(|(at, _, _)| at.map_or(0, |i| i + 1));
        let mut added = added.into_iter().peekable();

        let mut members = Members3::open(self, depth);
        while let Some((_, key, value)) = added.next_if(|(at, _, _)| at.is_none()) {
            members.one(self, key, value)?;
        }
        for (i, (key, value)) in m.iter().enumerate() {
            let (before, theirs) = (b.get(key, i), t.get(key, i));
            self.path.push_back(decode_key(key)?.as_ref());
            match decide(before, Some(value), theirs)? {
                Merged::Take(Some(taken)) => members.one(self, key, taken)?,
                Merged::Take(None) => {}
                Merged::Objects(inner) => {
                    members.key(self, key)?;
                    self.object(&inner, depth + 1)?;
                }
                Merged::Conflict => {
                    let sides = [before, Some(value), theirs];
                    self.found.push(Found {
                        path: self.path.clone(),
                        base: before,
                        mine: Some(value),
                        theirs,
                    });
                    members.three(self, key, sides)?;
                }
            }
            self.path.pop_back();
            while let Some((_, key, value)) = added.next_if(|(at, _, _)| *at == Some(i)) {
                members.one(self, key, value)?;
            }
        }
        for (key, before, value) in removed {
            self.path.push_back(decode_key(key)?.as_ref());
            self.found.push(Found { path: self.path.clone(), base: before, mine: None, theirs: Some(value) });
            self.path.pop_back();
            members.three(self, key, [before, None, Some(value)])?;
        }
        members.close(self);
        Some(())
    }
}

/// The members of one object being written: which of the three versions has one yet (the
/// separator before the next depends on it).
struct Members3 {
    depth: usize,
    has: [bool; 3],
}

impl Members3 {
    fn open(walk: &mut Walk<'_, '_>, depth: usize) -> Members3 {
        if let Some(out) = &mut walk.out {
            out.common.push(b'{');
        }
        Members3 { depth, has: [false; 3] }
    }

    /// The separator and `key:` of a member all three have.
    fn key(&mut self, walk: &mut Walk<'_, '_>, key: &[u8]) -> Option<()> {
        let Some(out) = &mut walk.out else { return Some(()) };
        let (style, depth) = (walk.style, self.depth);
        out.split(self.has.map(|has| {
            let mut text = Vec::new();
            style.before_member(!has, depth, &mut text);
            text
        }));
        self.has = [true; 3];
        style::write_key(&decode_key(key)?, &mut out.common);
        style.colon(&mut out.common);
        Some(())
    }

    /// A member all three have, with `value`.
    fn one(&mut self, walk: &mut Walk<'_, '_>, key: &[u8], value: Raw<'_>) -> Option<()> {
        self.key(walk, key)?;
        let Some(out) = &mut walk.out else { return Some(()) };
        style::write_raw(value.0, walk.style, self.depth + 1, &mut out.common)
    }

    /// A member each version has with its own value, or not at all.
    fn three(&mut self, walk: &mut Walk<'_, '_>, key: &[u8], values: [Option<Raw<'_>>; 3]) -> Option<()> {
        let Some(out) = &mut walk.out else { return Some(()) };
        let style = walk.style;
        let decoded = decode_key(key)?;
        let mut texts: [Vec<u8>; 3] = Default::default();
        for (x, value) in values.iter().enumerate() {
            let Some(value) = value else { continue };
            style.before_member(!self.has[x], self.depth, &mut texts[x]);
            self.has[x] = true;
            style::write_key(&decoded, &mut texts[x]);
            style.colon(&mut texts[x]);
            style::write_raw(value.0, style, self.depth + 1, &mut texts[x])?;
        }
        out.split(texts);
        Some(())
    }

    fn close(self, walk: &mut Walk<'_, '_>) {
        let Some(out) = &mut walk.out else { return };
        let (style, depth) = (walk.style, self.depth);
        out.split(self.has.map(|has| {
            let mut text = Vec::new();
            style.close_object(has, depth, &mut text);
            text
        }));
    }
}
