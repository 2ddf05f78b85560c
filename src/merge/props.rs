//! Property tests for `merge`: a change merged with an unchanged side is that change, byte for
//! byte; which side is "mine" does not decide which clean changes survive; a clean JSON merge
//! always parses, and holds every change made on one side only. A bounded number of cases in
//! `cargo test` (64); set `PROPTEST_CASES` for more.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
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

/// How a test document is written: its layout, and choices per value drawn from `seed` (key
/// order, a pretty document's arrays on one line, other spellings of numbers and strings).
#[derive(Debug, Clone)]
struct Form {
    indent: Option<&'static str>,
    colon_space: bool,
    comma_space: bool,
    crlf: bool,
    final_newline: bool,
    shuffle: bool,
    spell: bool,
    seed: u64,
}

fn form() -> impl Strategy<Value = Form> {
    let indent = prop::option::of(prop::sample::select(&["  ", "    ", "\t"][..]));
    let flags = any::<[bool; 6]>();
    (indent, flags, any::<u64>()).prop_map(|(indent, f, seed)| Form {
        indent,
        colon_space: f[0],
        comma_space: f[1],
        crlf: f[2],
        final_newline: f[3],
        shuffle: f[4],
        spell: f[5],
        seed,
    })
}

/// Writes `value` in `form`.
fn render(value: &Value, form: &Form) -> Vec<u8> {
    let mut writer = Writer { form, rng: form.seed | 1, out: String::new() };
    writer.value(value, 0, form.indent);
    if form.final_newline {
        writer.out.push_str(if form.crlf { "\r\n" } else { "\n" });
    }
    writer.out.into_bytes()
}

struct Writer<'f> {
    form: &'f Form,
    rng: u64,
    out: String,
}

impl Writer<'_> {
    fn next(&mut self, n: u64) -> u64 {
        // xorshift64
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng % n
    }

    fn newline(&mut self, depth: usize, indent: Option<&str>) {
        if let Some(indent) = indent {
            self.out.push_str(if self.form.crlf { "\r\n" } else { "\n" });
            self.out.push_str(&indent.repeat(depth));
        }
    }

    fn separator(&mut self, first: bool, depth: usize, indent: Option<&str>) {
        if !first {
            self.out.push(',');
            if indent.is_none() && self.form.comma_space {
                self.out.push(' ');
            }
        }
        self.newline(depth, indent);
    }

    fn value(&mut self, value: &Value, depth: usize, indent: Option<&str>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                let mut members: Vec<(&String, &Value)> = map.iter().collect();
                if self.form.shuffle {
                    let n = members.len() as u64;
                    let by = self.next(n) as usize;
                    members.rotate_left(by);
                }
                self.out.push('{');
                for (i, (key, member)) in members.into_iter().enumerate() {
                    self.separator(i == 0, depth + 1, indent);
                    self.string(key);
                    self.out.push_str(if self.form.colon_space { ": " } else { ":" });
                    self.value(member, depth + 1, indent);
                }
                self.newline(depth, indent);
                self.out.push('}');
            }
            Value::Array(items) if !items.is_empty() => {
                // A pretty document may hold an array on one line.
                let indent = if indent.is_some() && self.next(3) == 0 { None } else { indent };
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    self.separator(i == 0, depth + 1, indent);
                    self.value(item, depth + 1, indent);
                }
                self.newline(depth, indent);
                self.out.push(']');
            }
            Value::String(s) => self.string(s),
            Value::Number(n) if self.form.spell => {
                let plain = n.to_string();
                let spelled = match (n.as_f64(), self.next(4)) {
                    (Some(f), 0) if n.is_f64() => format!("{f:e}"),
                    (_, 1) if n.is_f64() && plain.contains('.') => format!("{plain}0"),
                    (_, 2) if !n.is_f64() => format!("{plain}.0"),
                    _ => plain,
                };
                self.out.push_str(&spelled);
            }
            other => self.out.push_str(&other.to_string()),
        }
    }

    fn string(&mut self, s: &str) {
        if !self.form.spell {
            self.out.push_str(&Value::from(s).to_string());
            return;
        }
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                'é' if self.next(2) == 0 => self.out.push_str("\\u00e9"),
                'a'..='z' if self.next(5) == 0 => self.out.push_str(&format!("\\u{:04x}", c as u32)),
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }
}

/// The merge of three documents and its conflict list, text-based and tree-based, agree; a
/// conflict is worked out on the text, not left to the trees.
fn agree(base: &[u8], mine: &[u8], theirs: &[u8]) -> Result<(), TestCaseError> {
    let by_trees = json::merge_trees(base, mine, theirs);
    prop_assert_eq!(json::merge(base, mine, theirs), by_trees.clone());
    prop_assert_eq!(json::conflicts(base, mine, theirs), json::conflicts_of_trees(base, mine, theirs));
    if let Some(MergeOutcome::Conflicted { .. }) = by_trees {
        let by_text =
            matches!(lazy::merge(base, mine, theirs), lazy::Lazy::Done(MergeOutcome::Conflicted { .. }));
        prop_assert!(by_text, "the conflict was left to the trees");
    }
    Ok(())
}

/// `n` keys, each an object; for the cases where the shared text is longer than the margin the
/// line merge of a conflict keeps around the differing lines.
fn large(n: usize) -> Map<String, Value> {
    (0..n).map(|i| (format!("key{i:05}"), serde_json::json!({"value": i, "note": "x"}))).collect()
}

/// What one side does to the large document: set a value (`Some`) or remove the key, by index.
fn large_changes(n: usize) -> impl Strategy<Value = Vec<(usize, Option<i64>)>> {
    proptest::collection::vec((0..n, prop::option::weighted(0.8, -5i64..5)), 0..4)
}

fn apply_large(base: &Map<String, Value>, changes: &[(usize, Option<i64>)]) -> Map<String, Value> {
    let mut out = base.clone();
    for (i, change) in changes {
        let key = format!("key{i:05}");
        match change {
            Some(v) => {
                if let Some(Value::Object(member)) = out.get_mut(&key) {
                    member.insert("value".to_string(), Value::from(*v));
                }
            }
            None => {
                out.shift_remove(&key);
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn conflicting_json_merges_give_the_tree_based_text_and_list(
        base in base(),
        mine in (changes(), changes()),
        theirs in (changes(), changes()),
        forms in (form(), form(), form()),
    ) {
        let (m, t) = (apply_nested(&base, &mine.0, &mine.1), apply_nested(&base, &theirs.0, &theirs.1));
        let (b_text, m_text, t_text) = (
            render(&Value::Object(base), &forms.0),
            render(&Value::Object(m), &forms.1),
            render(&Value::Object(t), &forms.2),
        );
        agree(&b_text, &m_text, &t_text)?;
    }

    #[test]
    fn conflicts_far_into_large_documents_give_the_tree_based_text(
        mine in large_changes(3000),
        theirs in large_changes(3000),
        both in proptest::collection::vec((0..3000usize, -5i64..5, -5i64..5), 1..3),
        pretty in any::<[bool; 3]>(),
    ) {
        let base = large(3000);
        let collide = |pick: fn(&(usize, i64, i64)) -> i64| -> Vec<(usize, Option<i64>)> {
            both.iter().map(|c| (c.0, Some(pick(c)))).collect()
        };
        let m = apply_large(&apply_large(&base, &mine), &collide(|c| c.1));
        let t = apply_large(&apply_large(&base, &theirs), &collide(|c| c.2 + 10));
        let (b_text, m_text, t_text) = (text(&base, pretty[0]), text(&m, pretty[1]), text(&t, pretty[2]));
        agree(&b_text, &m_text, &t_text)?;
    }
}

#[test]
fn a_conflict_beside_a_long_run_of_equal_lines_gives_the_tree_based_text() {
    // The inserted lines equal the ones around them, so the line merge's windows could slide
    // past their widest: the three texts are merged whole.
    let zeros = |n: usize| Value::Array(vec![Value::from(0); n]);
    let doc = |x: usize| {
        let mut map = Map::new();
        map.insert("before".to_string(), zeros(1500));
        map.insert("x".to_string(), zeros(x));
        map.insert("after".to_string(), zeros(1500));
        text(&map, true)
    };
    let (base, mine, theirs) = (doc(1), doc(2), doc(3));
    let by_trees = json::merge_trees(&base, &mine, &theirs);
    assert!(matches!(by_trees, Some(MergeOutcome::Conflicted { .. })));
    assert_eq!(json::merge(&base, &mine, &theirs), by_trees);
    assert_eq!(json::conflicts(&base, &mine, &theirs), json::conflicts_of_trees(&base, &mine, &theirs));
}

/// The conflicts a merge hands over for `--json` are those worked out again from the three
/// versions and the merged text (JSON Pointers with the three values, or the lines of marker
/// blocks), and the tree-based merge hands over its own list too.
fn hands_over_its_conflicts(
    base: &[u8],
    mine: &[u8],
    theirs: &[u8],
    json: bool,
) -> Result<(), TestCaseError> {
    let merged = merge_listed(base, mine, theirs, json);
    match &merged.outcome {
        MergeOutcome::Clean(_) => prop_assert_eq!(merged.conflicts(), vec![]),
        MergeOutcome::Conflicted { text, conflicts: lines } => {
            let found = merged.conflicts();
            prop_assert_eq!(found.len(), lines.len());
            prop_assert_eq!(found, conflicts(base, mine, theirs, text, json));
        }
    }
    if json && let Some(by_trees) = json::merge_trees_listed(base, mine, theirs) {
        prop_assert_eq!(Some(by_trees.conflicts()), json::conflicts_of_trees(base, mine, theirs));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_json_merge_hands_over_the_conflicts_it_met(
        base in base(),
        mine in (changes(), changes()),
        theirs in (changes(), changes()),
        pretty in any::<[bool; 3]>(),
        json in any::<bool>(),
    ) {
        let (m, t) = (apply_nested(&base, &mine.0, &mine.1), apply_nested(&base, &theirs.0, &theirs.1));
        let (b_text, m_text, t_text) = (text(&base, pretty[0]), text(&m, pretty[1]), text(&t, pretty[2]));
        hands_over_its_conflicts(&b_text, &m_text, &t_text, json)?;
    }

    #[test]
    fn a_line_merge_hands_over_the_conflicts_it_met(base in lines(), mine in lines(), theirs in lines()) {
        hands_over_its_conflicts(&base, &mine, &theirs, false)?;
    }
}

/// What a merge says it knows to be JSON (which lets a diff of those texts skip checking
/// them) is JSON the structural merge reads.
fn knows_what_parses(base: &[u8], mine: &[u8], theirs: &[u8], json: bool) -> Result<(), TestCaseError> {
    let merged = merge_listed(base, mine, theirs, json);
    let parsed = merged.parsed();
    if parsed.versions {
        prop_assert!(json::parses(base) && json::parses(mine) && json::parses(theirs));
    }
    if parsed.text {
        prop_assert!(parsed.versions && json::parses(merged.outcome.text()));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_merge_calls_json_only_what_parses(
        base in base(),
        mine in (changes(), changes()),
        theirs in (changes(), changes()),
        forms in (form(), form(), form()),
        json in any::<bool>(),
    ) {
        let (m, t) = (apply_nested(&base, &mine.0, &mine.1), apply_nested(&base, &theirs.0, &theirs.1));
        let (b_text, m_text, t_text) = (
            render(&Value::Object(base), &forms.0),
            render(&Value::Object(m), &forms.1),
            render(&Value::Object(t), &forms.2),
        );
        knows_what_parses(&b_text, &m_text, &t_text, json)?;
    }
}
