//! The conflicts of a merge as data, for `--json` (`conflicts: [{path, base, mine, theirs}]`):
//! where each one is, and what each side holds there. A structural JSON merge hands over the
//! list it found while merging (the three values at each place, parsed once for its own
//! descriptions too); a line merge's are read back from the markers in its text, only when
//! asked for.

use serde::Serialize;
use serde_json::Value;

use super::{BASE, CLOSE, MergeOutcome, OPEN, SPLIT};

/// One conflict of a three-way merge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// An RFC 6901 JSON Pointer (`/spec/replicas`, `""` for the whole document) for a
    /// structural JSON merge; else the lines of the merged text the conflict block spans,
    /// markers included (`lines 3-9`).
    pub path: String,
    /// The base's value (JSON) or lines (text) there; null when absent on that side.
    pub base: Option<Value>,
    /// Mine's value or lines there; null when absent (removed, or never there).
    pub mine: Option<Value>,
    /// Theirs' value or lines there; null when absent.
    pub theirs: Option<Value>,
}

/// A merge's outcome, and the conflicts it met as data.
#[derive(Debug)]
pub struct Merged {
    pub outcome: MergeOutcome,
    /// A structural JSON merge's conflicts, in the order of the outcome's descriptions; `None`
    /// for a line merge, whose conflicts are the marker blocks of its text.
    found: Option<Vec<Conflict>>,
    /// The outcome's text is a JSON document the structural merge reads (`json::parses`), as
    /// the merge checked.
    text_parses: bool,
}

/// Which texts of a merge are known to be JSON documents the structural merge reads
/// (`json::parses`): what a diff of them may take as given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The base, mine and theirs.
    pub versions: bool,
    /// The merged text.
    pub text: bool,
}

impl Merged {
    /// A line merge's outcome (or one no merge was needed for).
    pub(super) fn by_lines(outcome: MergeOutcome) -> Merged {
        Merged { outcome, found: None, text_parses: false }
    }

    /// A structural JSON merge's outcome and the conflicts it found (none when it is clean);
    /// `text_parses`: the merge checked that the outcome's text is a document it reads.
    pub(super) fn structural(outcome: MergeOutcome, found: Vec<Conflict>, text_parses: bool) -> Merged {
        Merged { outcome, found: Some(found), text_parses }
    }

    /// Which of the texts are known to be JSON documents the merge reads: the three versions
    /// when it merged them structurally (it read them all), and its text when it checked it.
    pub fn parsed(&self) -> Parsed {
        Parsed { versions: self.found.is_some(), text: self.text_parses }
    }

    /// The conflicts met, with each side's value (JSON) or lines (text) at each; empty for a
    /// clean merge.
    pub fn conflicts(&self) -> Vec<Conflict> {
        match (&self.outcome, &self.found) {
            (MergeOutcome::Clean(_), _) => Vec::new(),
            (_, Some(found)) => found.clone(),
            (_, None) => in_text(self.outcome.text()),
        }
    }
}

/// The conflicts met by merging `base`, `mine` and `theirs` (as [`super::merge`] does with the
/// same `json`), given the `merged` text it produced, worked out again from the three versions:
/// what [`Merged::conflicts`] must equal. Empty for a clean merge.
#[cfg(test)]
pub fn conflicts(base: &[u8], mine: &[u8], theirs: &[u8], merged: &[u8], json: bool) -> Vec<Conflict> {
    if json && let Some(found) = super::json::conflicts(base, mine, theirs) {
        return found;
    }
    in_text(merged)
}

/// The conflict blocks of a line merge, read back from its markers (`<<<<<<< mine`, `|||||||
/// base`, `=======`, `>>>>>>> theirs`, always in that order), numbered as the merge numbers them.
fn in_text(merged: &[u8]) -> Vec<Conflict> {
    #[derive(Clone, Copy)]
    enum Part {
        Outside,
        Mine,
        Base,
        Theirs,
    }
    let mut found = Vec::new();
    let mut part = Part::Outside;
    let mut sides: [Vec<u8>; 3] = Default::default();
    let mut open = 0;
    for (i, line) in merged.split_inclusive(|&b| b == b'\n').enumerate() {
        let bare = line.strip_suffix(b"\n").unwrap_or(line);
        let bare = bare.strip_suffix(b"\r").unwrap_or(bare);
        match (part, bare) {
            (Part::Outside, OPEN) => {
                open = i + 1;
                sides = Default::default();
                part = Part::Mine;
            }
            (Part::Mine, BASE) => part = Part::Base,
            (Part::Base, SPLIT) => part = Part::Theirs,
            (Part::Theirs, CLOSE) => {
                let [mine, base, theirs] = std::mem::take(&mut sides);
                let text = |bytes: Vec<u8>| Some(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
                found.push(Conflict {
                    path: format!("lines {open}-{}", i + 1),
                    base: text(base),
                    mine: text(mine),
                    theirs: text(theirs),
                });
                part = Part::Outside;
            }
            (Part::Outside, _) => {}
            (Part::Mine, _) => sides[0].extend_from_slice(line),
            (Part::Base, _) => sides[1].extend_from_slice(line),
            (Part::Theirs, _) => sides[2].extend_from_slice(line),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::{MergeOutcome, merge};

    fn conflicted(base: &str, mine: &str, theirs: &str, json: bool) -> (Vec<String>, Vec<Conflict>) {
        let outcome = merge(base.as_bytes(), mine.as_bytes(), theirs.as_bytes(), json);
        let MergeOutcome::Conflicted { text, conflicts: lines } = &outcome else {
            panic!("expected a conflict, got {outcome:?}")
        };
        (lines.clone(), conflicts(base.as_bytes(), mine.as_bytes(), theirs.as_bytes(), text, json))
    }

    #[test]
    fn a_json_conflict_is_named_by_its_pointer_with_the_three_values() {
        let base = r#"{"spec": {"replicas": 2, "image": "a"}, "gone": 1}"#;
        let mine = r#"{"spec": {"replicas": 3, "image": "a"}}"#;
        let theirs = r#"{"spec": {"replicas": 5, "image": "b"}, "gone": 2}"#;
        let (lines, found) = conflicted(base, mine, theirs, true);
        assert_eq!(found.len(), lines.len());
        assert_eq!(
            found,
            vec![
                Conflict {
                    path: "/spec/replicas".into(),
                    base: Some(2.into()),
                    mine: Some(3.into()),
                    theirs: Some(5.into()),
                },
                Conflict { path: "/gone".into(), base: Some(1.into()), mine: None, theirs: Some(2.into()) },
            ]
        );
    }

    #[test]
    fn a_text_conflict_is_named_by_the_lines_the_merge_names() {
        let (lines, found) = conflicted("a\nb\nc\n", "a\nmine\nc\n", "a\ntheirs\nc\n", false);
        assert_eq!(lines, vec!["lines 2-8 of the merged text".to_string()]);
        assert_eq!(
            found,
            vec![Conflict {
                path: "lines 2-8".into(),
                base: Some("b\n".into()),
                mine: Some("mine\n".into()),
                theirs: Some("theirs\n".into()),
            }]
        );
    }

    #[test]
    fn json_that_merges_by_lines_has_its_conflicts_read_from_the_text() {
        // Duplicate keys: not merged structurally.
        let (lines, found) =
            conflicted("{\"a\": 1,\n\"a\": 1}\n", "{\"a\": 2,\n\"a\": 1}\n", "{\"a\": 3,\n\"a\": 1}\n", true);
        assert_eq!(found.len(), lines.len());
        assert!(found[0].path.starts_with("lines "), "{found:?}");
    }

    #[test]
    fn a_merge_says_which_texts_it_read_as_json() {
        let listed = |base: &str, mine: &str, theirs: &str, json: bool| {
            crate::merge::merge_listed(base.as_bytes(), mine.as_bytes(), theirs.as_bytes(), json).parsed()
        };
        let both = Parsed { versions: true, text: true };
        let (base, mine) = (r#"{"a": 1, "b": 2}"#, r#"{"a": 10, "b": 2}"#);
        assert_eq!(listed(base, mine, r#"{"a": 1, "b": 20}"#, true), both, "a clean JSON merge");
        let conflict = listed(base, mine, r#"{"a": 5, "b": 2}"#, true);
        assert_eq!(conflict, Parsed { versions: true, text: false }, "the text has markers");
        assert_eq!(listed(base, mine, r#"{"a": 1, "b": 20}"#, false), Parsed::default(), "merged by lines");
        let repeated = r#"{"a": 1, "a": 1, "b": 20}"#;
        assert_eq!(listed(base, mine, repeated, true), Parsed::default(), "a repeated key");
        // Neither side's text nor their line merge: theirs' change spliced into mine, and
        // parsed back.
        let base = "{\"a\": 1, \"b\": 2}";
        let mine = "{\n  \"a\": 10,\n  \"b\": 2\n}";
        let spliced =
            crate::merge::merge_listed(base.as_bytes(), mine.as_bytes(), b"{\"a\":1,\"b\":0.1}", true);
        assert_eq!(spliced.outcome, MergeOutcome::Clean(b"{\n  \"a\": 10,\n  \"b\": 0.1\n}".to_vec()));
        assert_eq!(spliced.parsed(), both);
    }

    #[test]
    fn a_clean_text_has_no_conflicts() {
        assert!(in_text(b"a\n<<<<<<< mine\nno more\n").is_empty());
        assert!(conflicts(b"a\n", b"b\n", b"a\n", b"b\n", false).is_empty());
    }
}
