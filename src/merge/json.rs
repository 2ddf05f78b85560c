//! Structural three-way merge of JSON documents. Objects merge key by key; any other value
//! (scalars, and arrays, whose elements have no identity to match on) changes as a whole. Paths
//! in conflict descriptions are RFC 6901 JSON Pointers (`/spec/replicas`). Writing the result
//! back in mine's formatting is left to `style`; the line-merge fallback to the parent module.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use json_patch::jsonptr::PointerBuf;
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::lazy::{self, Lazy};
use super::{MergeOutcome, Merged, line_merge, splice, style};
use crate::sanitize::sanitize;

/// Longest rendering of a value inside a conflict description.
const MAX_SHOWN: usize = 40;

/// The structural merge, or `None` when any side cannot be merged as JSON (then the caller
/// merges by lines).
#[cfg(test)]
pub(super) fn merge(base: &[u8], mine: &[u8], theirs: &[u8]) -> Option<MergeOutcome> {
    merge_listed(base, mine, theirs).map(|merged| merged.outcome)
}

/// [`merge`], with the conflicts it found.
pub(super) fn merge_listed(base: &[u8], mine: &[u8], theirs: &[u8]) -> Option<Merged> {
    match lazy::merge_listed(base, mine, theirs) {
        Lazy::NotJson => None,
        Lazy::Done(merged) => Some(merged),
        Lazy::Undecided => merge_trees_listed(base, mine, theirs),
    }
}

/// The structural merge on parsed trees; [`lazy::merge`] answers the common cases without them,
/// with the same result.
#[cfg(test)]
pub(super) fn merge_trees(base: &[u8], mine: &[u8], theirs: &[u8]) -> Option<MergeOutcome> {
    merge_trees_listed(base, mine, theirs).map(|merged| merged.outcome)
}

/// [`merge_trees`], with the conflicts it found.
pub(super) fn merge_trees_listed(base: &[u8], mine: &[u8], theirs: &[u8]) -> Option<Merged> {
    let (base_value, mine_value, theirs_value) = (parse(base)?, parse(mine)?, parse(theirs)?);
    let mut conflicts = Conflicts::default();
    let mut path = PointerBuf::new();
    let merged =
        merge_value(&mut path, Some(&base_value), Some(&mine_value), Some(&theirs_value), &mut conflicts);
    if !conflicts.lines.is_empty() {
        let text = merged
            .as_ref()
            .and_then(|merged| present(merged, &conflicts.sides, mine))
            .unwrap_or_else(|| line_merge(base, mine, theirs).text);
        let found = conflicts.sides.into_iter().map(Side::into_conflict).collect();
        return Some(Merged::structural(
            MergeOutcome::Conflicted { text, conflicts: conflicts.lines },
            found,
            false,
        ));
    }
    // `parsed`: the text is theirs, mine, or checked to parse.
    let clean =
        |text: Vec<u8>, parsed: bool| Some(Merged::structural(MergeOutcome::Clean(text), Vec::new(), parsed));
    // Both sides keep a root, so neither removal case applies; `?` only satisfies the type.
    let merged = merged?;
    if merged == theirs_value {
        return clean(theirs.to_vec(), true);
    }
    if merged == mine_value {
        return clean(mine.to_vec(), true);
    }
    // When a plain line merge reaches the same document, its bytes keep every line exactly as
    // the user and the server wrote them, which beats re-serializing the whole document.
    let by_lines = line_merge(base, mine, theirs);
    if by_lines.conflicts.is_empty() && parse(&by_lines.text).is_some_and(|v| v == merged) {
        return clean(by_lines.text, true);
    }
    // Otherwise mine's text with theirs' changes spliced in keeps both sides' formatting, where
    // it reproduces the merged document exactly.
    if let Some(spliced) = splice::splice(base, mine, theirs)
        && parse(&spliced).is_some_and(|v| v == merged)
    {
        return clean(spliced, true);
    }
    // Written from the merged value, never parsed back: its numbers are not checked.
    clean(style::write(&merged, &style::detect(mine)), false)
}

/// The conflicts of the structural merge with the three values at each path, worked out again
/// from the three documents: what [`merge_listed`] hands over must equal it. `None` when a side
/// cannot be merged as JSON. Found on the documents' text, parsing only the values in conflict;
/// [`conflicts_of_trees`] is the same on trees.
#[cfg(test)]
pub(super) fn conflicts(base: &[u8], mine: &[u8], theirs: &[u8]) -> Option<Vec<super::Conflict>> {
    if !parses(base) || !parses(mine) || !parses(theirs) {
        return None;
    }
    use super::present;
    let found = present::found(base, mine, theirs).and_then(|found| {
        let conflict = |side: &present::Found<'_>| {
            Some(super::Conflict {
                path: side.path.to_string(),
                base: present::parse(side.base)?,
                mine: present::parse(side.mine)?,
                theirs: present::parse(side.theirs)?,
            })
        };
        found.iter().map(conflict).collect()
    });
    found.or_else(|| conflicts_of_trees(base, mine, theirs))
}

/// [`conflicts`], worked out on parsed trees.
#[cfg(test)]
pub(super) fn conflicts_of_trees(base: &[u8], mine: &[u8], theirs: &[u8]) -> Option<Vec<super::Conflict>> {
    let (base_value, mine_value, theirs_value) = (parse(base)?, parse(mine)?, parse(theirs)?);
    let mut conflicts = Conflicts::default();
    merge_value(
        &mut PointerBuf::new(),
        Some(&base_value),
        Some(&mine_value),
        Some(&theirs_value),
        &mut conflicts,
    );
    Some(conflicts.sides.into_iter().map(Side::into_conflict).collect())
}

/// Parses a document we may later rewrite: valid JSON, no duplicate keys (serde_json would
/// silently keep the last one), and numbers that f64 carries without loss.
fn parse(bytes: &[u8]) -> Option<Value> {
    let checked = Checked::read(bytes)?;
    let value = serde_json::from_slice(bytes).ok()?;
    checked.numbers_survive(bytes).then_some(value)
}

/// True when `bytes` is a document [`parse`] accepts, checked without building its tree.
pub(crate) fn parses(bytes: &[u8]) -> bool {
    Checked::read(bytes).is_some_and(|checked| checked.numbers_survive(bytes))
}

/// Merges one value; `None` means "absent" (never there, or removed).
fn merge_value(
    path: &mut PointerBuf,
    base: Option<&Value>,
    mine: Option<&Value>,
    theirs: Option<&Value>,
    conflicts: &mut Conflicts,
) -> Option<Value> {
    if mine == theirs || base == theirs {
        return mine.cloned();
    }
    if base == mine {
        return theirs.cloned();
    }
    if let (Some(Value::Object(b)), Some(Value::Object(m)), Some(Value::Object(t))) = (base, mine, theirs) {
        return Some(Value::Object(merge_objects(path, b, m, t, conflicts)));
    }
    conflicts.lines.push(describe(path, base, mine, theirs));
    conflicts.sides.push(Side {
        path: path.clone(),
        base: base.cloned(),
        mine: mine.cloned(),
        theirs: theirs.cloned(),
    });
    mine.cloned()
}

/// The conflicts a structural merge found: one line each for the user, and the three values
/// at each path, for [`present`].
#[derive(Default)]
struct Conflicts {
    lines: Vec<String>,
    sides: Vec<Side>,
}

struct Side {
    path: PointerBuf,
    base: Option<Value>,
    mine: Option<Value>,
    theirs: Option<Value>,
}

impl Side {
    fn into_conflict(self) -> super::Conflict {
        super::Conflict { path: self.path.to_string(), base: self.base, mine: self.mine, theirs: self.theirs }
    }
}

/// The text to resolve a JSON conflict in: the merged document — both sides' clean changes
/// applied — spread over lines (a one-line document is pretty-printed), with conflict markers
/// around each conflicting value only. Made by serializing the merge three times, with the
/// base's, mine's and theirs' value at every conflict, and merging those by lines: they differ
/// nowhere else. `None` when that cannot be done (a conflict over the whole document).
fn present(merged: &Value, sides: &[Side], mine_text: &[u8]) -> Option<Vec<u8>> {
    let style = style::detect(mine_text).multiline();
    let with = |pick: fn(&Side) -> Option<&Value>| -> Option<Vec<u8>> {
        let mut doc = merged.clone();
        for side in sides {
            set(&mut doc, &side.path, pick(side))?;
        }
        Some(style::write(&doc, &style))
    };
    let base = with(|s| s.base.as_ref())?;
    let mine = with(|s| s.mine.as_ref())?;
    let theirs = with(|s| s.theirs.as_ref())?;
    let merged = line_merge(&base, &mine, &theirs);
    (!merged.conflicts.is_empty()).then_some(merged.text)
}

/// Sets (or, for `None`, removes) the member at `path`; `None` when the path does not lead to
/// an object member.
fn set(doc: &mut Value, path: &PointerBuf, value: Option<&Value>) -> Option<()> {
    let tokens: Vec<String> = path.tokens().map(|t| t.decoded().into_owned()).collect();
    let (last, parents) = tokens.split_last()?;
    let mut node = doc;
    for key in parents {
        node = node.as_object_mut()?.get_mut(key)?;
    }
    let object = node.as_object_mut()?;
    match value {
        Some(v) => {
            object.insert(last.clone(), v.clone());
        }
        None => {
            object.shift_remove(last);
        }
    }
    Some(())
}

/// Key order: mine's, with keys that only theirs added placed after the key that precedes them
/// in theirs (or first, when nothing does), so a diff of the result against mine shows them
/// where theirs put them.
fn merge_objects(
    path: &mut PointerBuf,
    base: &Map<String, Value>,
    mine: &Map<String, Value>,
    theirs: &Map<String, Value>,
    conflicts: &mut Conflicts,
) -> Map<String, Value> {
    let mut kept: Vec<(&String, Value)> = Vec::with_capacity(mine.len());
    for (key, value) in mine {
        path.push_back(key.as_str());
        if let Some(v) = merge_value(path, base.get(key), Some(value), theirs.get(key), conflicts) {
            kept.push((key, v));
        }
        path.pop_back();
    }
    let present: HashSet<&String> = kept.iter().map(|(k, _)| *k).collect();

    // Keys absent from mine, grouped by the nearest preceding key of theirs that mine kept.
    let mut after: HashMap<Option<&String>, Vec<(&String, Value)>> = HashMap::new();
    let mut anchor = None;
    for (key, value) in theirs {
        if mine.contains_key(key) {
            if present.contains(key) {
                anchor = Some(key);
            }
            continue;
        }
        path.push_back(key.as_str());
        if let Some(v) = merge_value(path, base.get(key), None, Some(value), conflicts) {
            after.entry(anchor).or_default().push((key, v));
        }
        path.pop_back();
    }

    let mut out = Map::new();
    out.extend(after.remove(&None).into_iter().flatten().map(|(k, v)| (k.clone(), v)));
    for (key, value) in kept {
        let followers = after.remove(&Some(key));
        out.insert(key.clone(), value);
        out.extend(followers.into_iter().flatten().map(|(k, v)| (k.clone(), v)));
    }
    out
}

/// One line for the user: where, and what each side did.
pub(super) fn describe(
    path: &PointerBuf,
    base: Option<&Value>,
    mine: Option<&Value>,
    theirs: Option<&Value>,
) -> String {
    let at = if path.is_root() { "(whole document)" } else { path.as_str() };
    let text = match (base, mine, theirs) {
        (_, None, Some(t)) => format!("{at}: mine removed it, theirs changed it to {}", show(t)),
        (_, Some(m), None) => format!("{at}: theirs removed it, mine changed it to {}", show(m)),
        (None, Some(m), Some(t)) => {
            format!("{at}: added on both sides, mine {}, theirs {}", show(m), show(t))
        }
        (_, m, t) => format!("{at}: mine {}, theirs {}", show_opt(m), show_opt(t)),
    };
    sanitize(&text).into_owned()
}

fn show_opt(value: Option<&Value>) -> String {
    value.map_or_else(|| "(absent)".to_string(), show)
}

/// Compact JSON, cut to [`MAX_SHOWN`] characters.
fn show(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(MAX_SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// A JSON document read through, with no object holding a repeated key.
struct Checked {
    /// serde_json read a number as an f64: one with a fraction or an exponent, `-0`, or an
    /// integer beyond i64 and u64. Every other number is an integer within them, which f64
    /// round trips need not be checked for.
    floats: bool,
}

impl Checked {
    /// Reads `bytes` as serde_json reads a document (`from_slice`), without building it;
    /// `None` when it is not JSON or an object repeats a key.
    fn read(bytes: &[u8]) -> Option<Checked> {
        let (mut keys, mut floats) = (Vec::new(), false);
        let mut reader = serde_json::Deserializer::from_slice(bytes);
        NoDuplicateKeys { keys: &mut keys, floats: &mut floats }.deserialize(&mut reader).ok()?;
        reader.end().ok()?;
        Some(Checked { floats })
    }

    /// Whether every number of `text`, the document this was read from, survives a parse
    /// ([`style::numbers_survive`], which only a float can fail).
    fn numbers_survive(&self, text: &[u8]) -> bool {
        !self.floats || style::numbers_survive(text)
    }
}

/// Reads any JSON value and fails on an object with a repeated key; notes in `floats` whether
/// a number was read as a float. The keys of the objects being read are kept on one stack,
/// each object's above its parent's, so that reading an object allocates nothing once the
/// stack has grown.
struct NoDuplicateKeys<'s, 'de> {
    keys: &'s mut Vec<Key<'de>>,
    floats: &'s mut bool,
}

impl<'de> NoDuplicateKeys<'_, 'de> {
    /// The same reader, for a value inside this one.
    fn inner(&mut self) -> NoDuplicateKeys<'_, 'de> {
        NoDuplicateKeys { keys: &mut *self.keys, floats: &mut *self.floats }
    }
}

impl<'de> DeserializeSeed<'de> for NoDuplicateKeys<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NoDuplicateKeys<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        *self.floats = true;
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self.inner())?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        // Most objects are small: a look through the keys so far beats sorting them there.
        const LOOKED_THROUGH: usize = 16;
        let start = self.keys.len();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let own = &self.keys[start..];
            if own.len() < LOOKED_THROUGH && own.contains(&key) {
                return Err(de::Error::custom("duplicate key"));
            }
            self.keys.push(key);
            map.next_value_seed(self.inner())?;
        }
        let own = &mut self.keys[start..];
        if own.len() > LOOKED_THROUGH {
            own.sort_unstable();
            if own.windows(2).any(|pair| pair[0] == pair[1]) {
                return Err(de::Error::custom("duplicate key"));
            }
        }
        self.keys.truncate(start);
        Ok(())
    }
}

/// An object key, borrowed from the document unless it holds escapes.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }
    fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_string())))
    }
}

/// Where `text` (what a person made of a conflict) undoes a change of theirs that did not
/// conflict — theirs changed a value that mine left as it was, and `text` has the base's value
/// there again — one line each (`/limits/cpu: theirs "2", yours reverts to "1"`). `None` when
/// any version is not JSON that can be compared.
pub(super) fn reverted(base: &[u8], mine: &[u8], theirs: &[u8], text: &[u8]) -> Option<Vec<String>> {
    let (b, m, t, x) = (parse(base)?, parse(mine)?, parse(theirs)?, parse(text)?);
    let mut out = Vec::new();
    walk(&mut PointerBuf::new(), Some(&b), Some(&m), Some(&t), Some(&x), &mut out);
    Some(out)
}

fn walk(
    path: &mut PointerBuf,
    base: Option<&Value>,
    mine: Option<&Value>,
    theirs: Option<&Value>,
    text: Option<&Value>,
    out: &mut Vec<String>,
) {
    if theirs == base || mine == theirs {
        return;
    }
    if let (Some(Value::Object(b)), Some(Value::Object(m)), Some(Value::Object(t)), Some(Value::Object(x))) =
        (base, mine, theirs, text)
    {
        let keys: Vec<&String> = b.keys().chain(t.keys().filter(|k| !b.contains_key(*k))).collect();
        for key in keys {
            path.push_back(key.as_str());
            walk(path, b.get(key), m.get(key), t.get(key), x.get(key), out);
            path.pop_back();
        }
        return;
    }
    // Both sides changed it: a conflict, which the person settled as they chose.
    if mine != base || text != base {
        return;
    }
    let at = if path.is_root() { "(whole document)" } else { path.as_str() };
    let line = match (base, theirs) {
        (Some(b), Some(t)) => format!("{at}: theirs {}, yours reverts to {}", show(t), show(b)),
        (Some(b), None) => format!("{at}: theirs removed it, yours keeps {}", show(b)),
        (None, Some(t)) => format!("{at}: theirs added {}, yours drops it", show(t)),
        (None, None) => return,
    };
    out.push(sanitize(&line).into_owned());
}

#[cfg(test)]
mod tests {
    use super::{parse, parses};

    #[test]
    fn an_objects_keys_are_compared_with_its_own_only() {
        let many =
            |prefix: &str| (0..20).map(|i| format!("\"{prefix}{i}\": 1")).collect::<Vec<_>>().join(", ");
        let fine = [
            r#"{"a": {"a": 1}}"#.to_string(),
            r#"{"x": {"y": 1}, "y": 2}"#.to_string(),
            r#"[{"a": 1}, {"a": 2}, [{"a": {"a": [{"a": 3}]}}]]"#.to_string(),
            format!("{{{}, \"in\": {{{}}}, \"b\": {{{}}}}}", many("k"), many("k"), many("k")),
        ];
        for doc in &fine {
            assert!(parses(doc.as_bytes()), "{doc}");
        }
        let repeated = [
            r#"{"a": {"x": 1}, "a": 2}"#.to_string(),
            r#"{"a": {"x": 1, "y": {"z": 1}, "x": 2}}"#.to_string(),
            format!("{{{}, \"in\": {{{}}}, \"k3\": 2}}", many("k"), many("j")),
            format!("[1, {{\"in\": {{{}, \"k19\": 0}}}}]", many("k")),
        ];
        for doc in &repeated {
            assert!(!parses(doc.as_bytes()), "{doc}");
        }
    }

    #[test]
    fn numbers_that_a_parse_would_change_are_refused_wherever_they_are() {
        let refused = [
            "18446744073709551616",
            "-9223372036854775809",
            "0.1000000000000000055511151231257827",
            "1e-400",
            "123456789012345678.5",
        ];
        for number in refused {
            for doc in [number.to_string(), format!("{{\"a\": [1, {{\"b\": [[{number}]]}}], \"c\": 1}}")] {
                assert!(!parses(doc.as_bytes()), "{doc}");
                assert!(parse(doc.as_bytes()).is_none(), "{doc}");
            }
        }
        let kept = ["18446744073709551615", "-9223372036854775808", "-0", "0.5", "1e3", "2.25E-2"];
        for number in kept {
            for doc in [number.to_string(), format!("{{\"a\": [1, {{\"b\": [[{number}]]}}], \"c\": 1}}")] {
                assert!(parses(doc.as_bytes()), "{doc}");
                assert!(parse(doc.as_bytes()).is_some(), "{doc}");
            }
        }
    }

    #[test]
    fn duplicate_keys_are_found_in_small_and_large_objects() {
        let object = |keys: &[String]| {
            let members: Vec<String> = keys.iter().map(|k| format!("\"{k}\": 1")).collect();
            format!("{{{}}}", members.join(", ")).into_bytes()
        };
        for n in [2, 16, 17, 40] {
            let mut keys: Vec<String> = (0..n).map(|i| format!("k{i}")).collect();
            assert!(parses(&object(&keys)), "{n} distinct keys");
            keys.push("k0".to_string());
            assert!(!parses(&object(&keys)), "{n} keys and a repeated one");
            // The same key, escaped.
            keys.pop();
            keys.push("\\u006b0".to_string());
            assert!(!parses(&object(&keys)), "{n} keys and an escaped repeat");
        }
    }
}
