//! PATCH bodies that turn the base into the user's version: JSON Merge Patch (RFC 7396) and
//! JSON Patch (RFC 6902) with `test` operations as field-level preconditions. This module only
//! builds bodies; choosing PATCH over PUT, the media types and `Accept-Patch` are left to
//! `http` and `commands`.

use std::fmt;

use json_patch::jsonptr::PointerBuf;
use json_patch::{PatchOperation, TestOperation};
use serde_json::{Map, Value};

/// Why a patch body could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchError {
    /// The named version (`"base"` or `"mine"`) is not valid JSON.
    NotJson(&'static str),
    /// The named version is valid JSON nested deeper than the 128 levels a document is compared
    /// member by member to (see `media::check_json`).
    TooDeep(&'static str),
    /// Mine sets the member at `path` (an RFC 6901 pointer) to `null`, which a merge patch
    /// would read as "delete it" (RFC 7396 §2).
    NullInMergePatch {
        /// Where the null is, e.g. `/spec/owner`.
        path: String,
    },
    /// Mine is `null` as a whole; a merge patch of `null` is not a document to replace with
    /// (and servers refuse it).
    NotAnObject,
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatchError::NotJson(side) => write!(
                f,
                "cannot build a JSON patch: the {side} version is not valid JSON. \
                 Fix it, or send it whole with PUT."
            ),
            PatchError::TooDeep(side) => write!(
                f,
                "cannot build a JSON patch: the {side} version nests deeper than 128 levels, \
                 too deep to compare member by member. Send it whole with PUT."
            ),
            PatchError::NullInMergePatch { path } => write!(
                f,
                "JSON Merge Patch (RFC 7396) cannot set {path} to null: null means delete there. \
                 Use --patch json or PUT."
            ),
            PatchError::NotAnObject => write!(
                f,
                "JSON Merge Patch (RFC 7396) cannot replace the whole document with null. \
                 Use --patch json or PUT."
            ),
        }
    }
}

impl std::error::Error for PatchError {}

/// A compact RFC 7396 merge patch that turns `base` into `mine`: changed members with their new
/// values, removed members as `null`, unchanged members left out, nested objects recursed into.
/// When mine is not an object the patch is mine itself, which replaces the whole target.
///
/// Fails when mine contains a `null` the patch would have to carry (it would delete instead).
pub fn merge_patch(base: &[u8], mine: &[u8]) -> Result<Vec<u8>, PatchError> {
    let base = parse(base, "base")?;
    let mine = parse(mine, "mine")?;
    let mut path = PointerBuf::new();
    let patch = match (&base, &mine) {
        (_, Value::Null) => return Err(PatchError::NotAnObject),
        (Value::Object(b), Value::Object(m)) => Value::Object(object_patch(&mut path, b, m)?),
        // An object patch applies to a non-object target as if it were `{}` (RFC 7396 §2).
        (_, Value::Object(_)) => {
            reject_nulls(&mut path, &mine)?;
            mine
        }
        (_, _) => mine,
    };
    Ok(to_vec(&patch))
}

fn object_patch(
    path: &mut PointerBuf,
    base: &Map<String, Value>,
    mine: &Map<String, Value>,
) -> Result<Map<String, Value>, PatchError> {
    let mut patch = Map::new();
    for (key, new) in mine {
        path.push_back(key.as_str());
        match (base.get(key), new) {
            (Some(old), _) if old == new => {}
            (Some(Value::Object(old)), Value::Object(new)) => {
                patch.insert(key.clone(), Value::Object(object_patch(path, old, new)?));
            }
            _ => {
                reject_nulls(path, new)?;
                patch.insert(key.clone(), new.clone());
            }
        }
        path.pop_back();
    }
    for key in base.keys().filter(|key| !mine.contains_key(*key)) {
        patch.insert(key.clone(), Value::Null);
    }
    Ok(patch)
}

/// Fails on a null that a merge patch would read as a deletion: `value` itself, or a member of
/// an object inside it. Nulls inside arrays are literal (arrays are replaced whole).
fn reject_nulls(path: &mut PointerBuf, value: &Value) -> Result<(), PatchError> {
    match value {
        Value::Null => Err(PatchError::NullInMergePatch { path: path.as_str().to_string() }),
        Value::Object(map) => map.iter().try_for_each(|(key, member)| {
            path.push_back(key.as_str());
            let result = reject_nulls(path, member);
            path.pop_back();
            result
        }),
        _ => Ok(()),
    }
}

/// A compact RFC 6902 patch from `base` to `mine`, in which every operation that replaces,
/// removes, moves or copies an existing value is preceded by a `test` of that value as it
/// stands at that point. The server then applies the patch only if the fields it touches still
/// hold what the user saw, even without `If-Match` (RFC 6902 §4.6, §5: a failed test fails the
/// whole patch).
pub fn json_patch(base: &[u8], mine: &[u8]) -> Result<Vec<u8>, PatchError> {
    let base = parse(base, "base")?;
    let mine = parse(mine, "mine")?;
    let diff = json_patch::diff(&base, &mine);
    // Paths in a JSON Patch refer to the document as the earlier operations left it (array
    // indices shift), so the tested values come from a copy that we patch as we go.
    let mut doc = base;
    let mut ops = Vec::with_capacity(diff.0.len() * 2);
    for op in diff.0 {
        let touched = match &op {
            PatchOperation::Replace(o) => Some(&o.path),
            PatchOperation::Remove(o) => Some(&o.path),
            PatchOperation::Move(o) => Some(&o.from),
            PatchOperation::Copy(o) => Some(&o.from),
            PatchOperation::Add(_) | PatchOperation::Test(_) => None,
        };
        if let Some(path) = touched
            && let Some(value) = doc.pointer(path.as_str())
        {
            let test = TestOperation { path: path.clone(), value: value.clone() };
            ops.push(PatchOperation::Test(test));
        }
        json_patch::patch(&mut doc, std::slice::from_ref(&op))
            .expect("an operation from json_patch::diff applies to the document it was made from");
        ops.push(op);
    }
    Ok(to_vec(&ops))
}

fn parse(bytes: &[u8], side: &'static str) -> Result<Value, PatchError> {
    serde_json::from_slice(bytes).map_err(|_| match crate::media::check_json(bytes) {
        Ok(()) => PatchError::TooDeep(side),
        Err(_) => PatchError::NotJson(side),
    })
}

fn to_vec<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON values and patch operations always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn value(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).expect("test output is JSON")
    }

    #[test]
    fn merge_patch_table() {
        let cases: &[(&str, &str, &str)] = &[
            (r#"{"a":1,"b":2}"#, r#"{"a":1,"b":3}"#, r#"{"b":3}"#),
            (r#"{"a":1,"b":2}"#, r#"{"a":1}"#, r#"{"b":null}"#),
            (r#"{"a":1}"#, r#"{"a":1,"c":{"d":[1,null]}}"#, r#"{"c":{"d":[1,null]}}"#),
            (
                r#"{"spec":{"replicas":3,"image":"x","env":{"A":"1"}},"k":true}"#,
                r#"{"spec":{"replicas":5,"image":"x","env":{}},"k":true}"#,
                r#"{"spec":{"replicas":5,"env":{"A":null}}}"#,
            ),
            (r#"{"a":{"b":1}}"#, r#"{"a":[1,2]}"#, r#"{"a":[1,2]}"#),
            (r#"{"a":[1,2]}"#, r#"{"a":{"b":1}}"#, r#"{"a":{"b":1}}"#),
            (r#"{"a":1}"#, r#"{"a":1}"#, r#"{}"#),
            (r#"{"a":1}"#, r#"[1,2]"#, r#"[1,2]"#),
            (r#"[1,2]"#, r#"{"a":1}"#, r#"{"a":1}"#),
            (r#""text""#, r#"42"#, r#"42"#),
            (r#"{"a~/b":1}"#, r#"{"a~/b":2}"#, r#"{"a~/b":2}"#),
        ];
        for (base, mine, want) in cases {
            let got = merge_patch(base.as_bytes(), mine.as_bytes()).expect("patchable");
            assert_eq!(String::from_utf8_lossy(&got), *want, "{base} → {mine}");
            // The defining property: applying the patch to base yields mine.
            let mut doc = value(base.as_bytes());
            json_patch::merge(&mut doc, &value(&got));
            assert_eq!(doc, value(mine.as_bytes()), "{base} → {mine}");
        }
    }

    #[test]
    fn merge_patch_refusals() {
        let null_at = |path: &str| PatchError::NullInMergePatch { path: path.to_string() };
        let cases: &[(&str, &str, PatchError)] = &[
            (r#"{"a":1}"#, r#"{"a":null}"#, null_at("/a")),
            (r#"{"a":{"b":1}}"#, r#"{"a":{"b":null}}"#, null_at("/a/b")),
            (r#"{}"#, r#"{"n":{"deep":{"x":null}}}"#, null_at("/n/deep/x")),
            (r#"[1]"#, r#"{"x":null}"#, null_at("/x")),
            (r#"{"a":1}"#, r#"null"#, PatchError::NotAnObject),
            (r#"{"a":1"#, r#"{}"#, PatchError::NotJson("base")),
            (r#"{}"#, r#"nope"#, PatchError::NotJson("mine")),
        ];
        for (base, mine, want) in cases {
            assert_eq!(merge_patch(base.as_bytes(), mine.as_bytes()), Err(want.clone()), "{mine}");
        }
        // A null that was already there and stays is not part of the patch.
        assert_eq!(merge_patch(br#"{"a":null,"b":1}"#, br#"{"a":null,"b":2}"#), Ok(br#"{"b":2}"#.to_vec()));
        let message = null_at("/a").to_string();
        assert!(message.contains("cannot set /a to null") && message.contains("--patch json"));
    }

    #[test]
    fn json_patch_table() {
        let cases: &[(&str, &str, &str)] = &[
            (
                r#"{"a":1,"b":2}"#,
                r#"{"a":1,"b":3}"#,
                r#"[{"op":"test","path":"/b","value":2},{"op":"replace","path":"/b","value":3}]"#,
            ),
            (
                r#"{"a":1,"b":2}"#,
                r#"{"a":1}"#,
                r#"[{"op":"test","path":"/b","value":2},{"op":"remove","path":"/b"}]"#,
            ),
            (r#"{"a":1}"#, r#"{"a":1,"c":[1]}"#, r#"[{"op":"add","path":"/c","value":[1]}]"#),
            (
                r#"{"l":[1,2,3]}"#,
                r#"{"l":[1]}"#,
                r#"[{"op":"test","path":"/l/1","value":2},{"op":"remove","path":"/l/1"},{"op":"test","path":"/l/1","value":3},{"op":"remove","path":"/l/1"}]"#,
            ),
            (
                r#"{"a":null}"#,
                r#"{"a":{"x":null}}"#,
                r#"[{"op":"test","path":"/a","value":null},{"op":"replace","path":"/a","value":{"x":null}}]"#,
            ),
            (r#"{"a":1}"#, r#"{"a":1}"#, r#"[]"#),
            (r#"1"#, r#"2"#, r#"[{"op":"test","path":"","value":1},{"op":"replace","path":"","value":2}]"#),
        ];
        for (base, mine, want) in cases {
            let got = json_patch(base.as_bytes(), mine.as_bytes()).expect("patchable");
            assert_eq!(String::from_utf8_lossy(&got), *want, "{base} → {mine}");
            let ops: Vec<PatchOperation> = serde_json::from_slice(&got).expect("a JSON Patch");
            let mut doc = value(base.as_bytes());
            json_patch::patch(&mut doc, &ops).expect("applies to base");
            assert_eq!(doc, value(mine.as_bytes()), "{base} → {mine}");
        }
    }

    #[test]
    fn json_patch_test_ops_guard_concurrent_changes() {
        let base = json!({"name": "web", "replicas": 3, "tags": ["a", "b"]});
        let mine = json!({"name": "web", "replicas": 5, "tags": ["a"]});
        let patch = json_patch(base.to_string().as_bytes(), mine.to_string().as_bytes()).expect("patchable");
        let ops: Vec<PatchOperation> = serde_json::from_slice(&patch).expect("a JSON Patch");

        // Someone else changed a field that mine also changes: the patch must not apply.
        for theirs in [
            json!({"name": "web", "replicas": 4, "tags": ["a", "b"]}),
            json!({"name": "web", "replicas": 3, "tags": ["a", "c"]}),
        ] {
            let mut doc = theirs.clone();
            assert!(json_patch::patch(&mut doc, &ops).is_err(), "applied over {theirs}");
        }
        // A change to a field mine leaves alone does not stop it.
        let mut doc = json!({"name": "api", "replicas": 3, "tags": ["a", "b"]});
        json_patch::patch(&mut doc, &ops).expect("untouched field changed");
        assert_eq!(doc, json!({"name": "api", "replicas": 5, "tags": ["a"]}));
    }

    #[test]
    fn json_patch_not_json() {
        assert_eq!(json_patch(b"{", b"{}"), Err(PatchError::NotJson("base")));
        assert_eq!(json_patch(b"{}", b""), Err(PatchError::NotJson("mine")));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(json_patch(b"[]", deep.as_bytes()), Err(PatchError::TooDeep("mine")));
    }
}
