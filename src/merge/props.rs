//! Property tests for `merge`: a change merged with an unchanged side is that change, byte for
//! byte; which side is "mine" does not decide which clean changes survive; a clean JSON merge
//! always parses, and holds every change made on one side only. A bounded number of cases in
//! `cargo test` (64); set `PROPTEST_CASES` for more.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Few keys, so that both sides often touch the same ones.
const KEYS: [&str; 5] = ["a", "b", "c", "d", "e"];

/// Leaves, arrays and objects (over the same few keys), a few levels deep. Integers and
/// strings only: numbers beyond f64 are merged by lines on purpose, elsewhere.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (-1000i64..1000).prop_map(Value::from),
        (-40i32..40).prop_map(|n| Value::from(f64::from(n) / 4.0)),
        "[a-z \"\\\\é]{0,6}".prop_map(Value::String),
        Just(Value::Null),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(prop::sample::select(&KEYS[..]), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

/// What one side does to each top-level key.
#[derive(Debug, Clone)]
enum Change {
    Keep,
    Set(Value),
    Remove,
}

fn changes() -> impl Strategy<Value = Vec<Change>> {
    let change = prop_oneof![
        3 => Just(Change::Keep),
        2 => value().prop_map(Change::Set),
        1 => Just(Change::Remove),
    ];
    proptest::collection::vec(change, KEYS.len())
}

fn base() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::btree_map(prop::sample::select(&KEYS[..]), value(), 0..5)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn apply(base: &Map<String, Value>, changes: &[Change]) -> Map<String, Value> {
    let mut out = base.clone();
    for (key, change) in KEYS.iter().zip(changes) {
        match change {
            Change::Keep => {}
            Change::Set(v) => {
                out.insert(key.to_string(), v.clone());
            }
            Change::Remove => {
                out.shift_remove(*key);
            }
        }
    }
    out
}

/// A document's text, pretty (one member a line) or minified (one line).
fn text(map: &Map<String, Value>, pretty: bool) -> Vec<u8> {
    let value = Value::Object(map.clone());
    if pretty {
        let mut out = serde_json::to_vec_pretty(&value).unwrap();
        out.push(b'\n');
        out
    } else {
        serde_json::to_vec(&value).unwrap()
    }
}

fn lines() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec("[a-c]{0,2}", 0..8)
        .prop_map(|lines| lines.iter().map(|l| format!("{l}\n")).collect::<String>().into_bytes())
}

/// Changes at the top level and inside the object at key `a`, when both have one there.
fn apply_nested(base: &Map<String, Value>, top: &[Change], inner: &[Change]) -> Map<String, Value> {
    let mut out = apply(base, top);
    if let (Some(Value::Object(before)), Some(Value::Object(after))) = (base.get("a"), out.get("a"))
        && before == after
    {
        let nested = apply(before, inner);
        out.insert("a".to_string(), Value::Object(nested));
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_text_based_json_merge_gives_the_tree_based_bytes(
        base in base(),
        mine in (changes(), changes()),
        theirs in (changes(), changes()),
        pretty in any::<[bool; 3]>(),
    ) {
        let (m, t) = (apply_nested(&base, &mine.0, &mine.1), apply_nested(&base, &theirs.0, &theirs.1));
        let (b_text, m_text, t_text) = (text(&base, pretty[0]), text(&m, pretty[1]), text(&t, pretty[2]));
        prop_assert_eq!(json::merge(&b_text, &m_text, &t_text), json::merge_trees(&b_text, &m_text, &t_text));
    }

    #[test]
    fn a_change_merged_with_an_unchanged_side_is_the_change(
        base in base(),
        change in changes(),
        pretty in any::<bool>(),
        json in any::<bool>(),
    ) {
        let (b, m) = (text(&base, pretty), text(&apply(&base, &change), !pretty));
        prop_assert_eq!(merge(&b, &m, &b, json), MergeOutcome::Clean(m.clone()));
        prop_assert_eq!(merge(&b, &b, &m, json), MergeOutcome::Clean(m));
    }

    #[test]
    fn an_unchanged_side_keeps_the_change_for_any_text(base in lines(), mine in lines()) {
        prop_assert_eq!(merge(&base, &mine, &base, false), MergeOutcome::Clean(mine.clone()));
        prop_assert_eq!(merge(&base, &base, &mine, false), MergeOutcome::Clean(mine));
    }

    #[test]
    fn clean_json_merges_parse_hold_both_sides_and_do_not_depend_on_the_order(
        base in base(),
        mine in changes(),
        theirs in changes(),
        pretty in any::<[bool; 3]>(),
    ) {
        let (m, t) = (apply(&base, &mine), apply(&base, &theirs));
        let (b_text, m_text, t_text) = (text(&base, pretty[0]), text(&m, pretty[1]), text(&t, pretty[2]));
        let one = merge(&b_text, &m_text, &t_text, true);
        let other = merge(&b_text, &t_text, &m_text, true);
        prop_assert_eq!(matches!(one, MergeOutcome::Clean(_)), matches!(other, MergeOutcome::Clean(_)));
        if let (MergeOutcome::Clean(one), MergeOutcome::Clean(other)) = (&one, &other) {
            let one: Value = serde_json::from_slice(one).expect("a clean JSON merge parses");
            let other: Value = serde_json::from_slice(other).expect("a clean JSON merge parses");
            prop_assert_eq!(&one, &other, "the same document whichever side is mine");
            // Every key changed on one side only has that side's value (or is gone with it).
            for key in KEYS {
                let (b, m, t) = (base.get(key), m.get(key), t.get(key));
                let expected = if m == b { t } else if t == b || m == t { m } else { continue };
                prop_assert_eq!(one.get(key), expected, "key {}", key);
            }
        }
    }

    #[test]
    fn clean_line_merges_do_not_depend_on_the_order(base in lines(), mine in lines(), theirs in lines()) {
        let one = merge(&base, &mine, &theirs, false);
        let other = merge(&base, &theirs, &mine, false);
        if let (MergeOutcome::Clean(one), MergeOutcome::Clean(other)) = (&one, &other) {
            prop_assert_eq!(one, other);
        }
        prop_assert_eq!(matches!(one, MergeOutcome::Clean(_)), matches!(other, MergeOutcome::Clean(_)));
    }
}
