//! Tables for `merge`: structural JSON merges, the line merge and its markers, and the marker
//! check. Expected marker output matches `git merge-file -p --diff3 -L mine -L base -L theirs`.

use super::*;

/// What a case expects.
enum Want<'a> {
    Clean(&'a str),
    Conflicted { text: &'a str, conflicts: &'a [&'a str] },
}

fn check(name: &str, base: &str, mine: &str, theirs: &str, json: bool, want: &Want) {
    let got = merge(base.as_bytes(), mine.as_bytes(), theirs.as_bytes(), json);
    let want = match want {
        Want::Clean(text) => MergeOutcome::Clean(text.as_bytes().to_vec()),
        Want::Conflicted { text, conflicts } => MergeOutcome::Conflicted {
            text: text.as_bytes().to_vec(),
            conflicts: conflicts.iter().map(|c| c.to_string()).collect(),
        },
    };
    if got != want {
        panic!(
            "case {name}:\n got: {:?} {:?}\nwant: {:?} {:?}",
            String::from_utf8_lossy(got.text()),
            conflicts_of(&got),
            String::from_utf8_lossy(want.text()),
            conflicts_of(&want),
        );
    }
}

fn conflicts_of(outcome: &MergeOutcome) -> &[String] {
    match outcome {
        MergeOutcome::Clean(_) => &[],
        MergeOutcome::Conflicted { conflicts, .. } => conflicts,
    }
}

const PRETTY2_BASE: &str = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}\n";

#[test]
fn json_table() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str, Want)] = &[
        ("minified, different keys",
         r#"{"a":1,"b":2}"#, r#"{"a":10,"b":2}"#, r#"{"a":1,"b":20}"#,
         Want::Clean(r#"{"a":10,"b":20}"#)),
        ("minified with newline, at depth",
         "{\"s\":{\"r\":3,\"i\":\"x\",\"e\":{\"A\":\"1\"}},\"m\":{\"n\":\"w\"}}\n",
         "{\"s\":{\"r\":5,\"i\":\"x\",\"e\":{\"A\":\"1\"}},\"m\":{\"n\":\"w\"}}\n",
         "{\"s\":{\"r\":3,\"i\":\"x\",\"e\":{\"A\":\"2\",\"B\":\"3\"}},\"m\":{\"n\":\"v\"}}\n",
         Want::Clean("{\"s\":{\"r\":5,\"i\":\"x\",\"e\":{\"A\":\"2\",\"B\":\"3\"}},\"m\":{\"n\":\"v\"}}\n")),
        ("python-style one line keeps its spaces",
         r#"{"a": 1, "b": [1, 2]}"#, r#"{"a": 2, "b": [1, 2]}"#, r#"{"a": 1, "b": [1, 2, 3]}"#,
         Want::Clean(r#"{"a": 2, "b": [1, 2, 3]}"#)),
        ("pretty 2-space, adjacent lines (the line merge conflicts)",
         PRETTY2_BASE,
         "{\n  \"a\": 10,\n  \"b\": 2,\n  \"c\": 3\n}\n",
         "{\n  \"a\": 1,\n  \"b\": 20,\n  \"c\": 3\n}\n",
         Want::Clean("{\n  \"a\": 10,\n  \"b\": 20,\n  \"c\": 3\n}\n")),
        ("pretty 4-space, no trailing newline",
         "{\n    \"a\": {\n        \"x\": 1,\n        \"y\": 2\n    }\n}",
         "{\n    \"a\": {\n        \"x\": 9,\n        \"y\": 2\n    }\n}",
         "{\n    \"a\": {\n        \"x\": 1,\n        \"y\": 8\n    }\n}",
         Want::Clean("{\n    \"a\": {\n        \"x\": 9,\n        \"y\": 8\n    }\n}")),
        ("tab indent, CRLF",
         "{\r\n\t\"a\": 1,\r\n\t\"b\": 2\r\n}\r\n",
         "{\r\n\t\"a\": 3,\r\n\t\"b\": 2\r\n}\r\n",
         "{\r\n\t\"a\": 1,\r\n\t\"b\": 4\r\n}\r\n",
         Want::Clean("{\r\n\t\"a\": 3,\r\n\t\"b\": 4\r\n}\r\n")),
        ("mine's style wins when theirs is formatted differently",
         r#"{"a":1,"b":2}"#,
         "{\n  \"a\": 5,\n  \"b\": 2\n}\n",
         r#"{"a":1,"b":6}"#,
         Want::Clean("{\n  \"a\": 5,\n  \"b\": 6\n}\n")),
        ("line merge kept when it agrees (inline arrays survive)",
         "{\n  \"ports\": [80, 443],\n  \"name\": \"web\",\n  \"x\": 0,\n  \"tags\": [\"a\"]\n}\n",
         "{\n  \"ports\": [80, 8443],\n  \"name\": \"web\",\n  \"x\": 0,\n  \"tags\": [\"a\"]\n}\n",
         "{\n  \"ports\": [80, 443],\n  \"name\": \"web\",\n  \"x\": 0,\n  \"tags\": [\"a\", \"b\"]\n}\n",
         Want::Clean("{\n  \"ports\": [80, 8443],\n  \"name\": \"web\",\n  \"x\": 0,\n  \"tags\": [\"a\", \"b\"]\n}\n")),
        ("only formatting changed in mine: theirs' bytes as they are",
         r#"{"a":1,"b":2}"#, "{\n  \"a\": 1,\n  \"b\": 2\n}\n", r#"{"a":1,"b":3}"#,
         Want::Clean(r#"{"a":1,"b":3}"#)),
        ("only formatting changed in theirs: mine's bytes as they are",
         r#"{"a":1,"b":2}"#, r#"{"a":1,"b":3}"#, "{ \"a\" : 1 , \"b\" : 2 }",
         Want::Clean(r#"{"a":1,"b":3}"#)),
        ("identical change on both sides",
         r#"{"a":1,"b":2}"#, r#"{"a":5,"b":2}"#, r#"{"b":2,"a":5}"#,
         Want::Clean(r#"{"b":2,"a":5}"#)),
        ("array changed on one side, removal on the other",
         r#"{"l":[1,2],"k":1}"#, r#"{"l":[1,2,3],"k":1}"#, r#"{"l":[1,2]}"#,
         Want::Clean(r#"{"l":[1,2,3]}"#)),
        ("array changed identically",
         r#"{"l":[1,2],"k":1}"#, r#"{"l":[2,1],"k":2}"#, r#"{"l":[2,1],"k":1}"#,
         Want::Clean(r#"{"l":[2,1],"k":2}"#)),
        ("added on both sides with the same value, and different keys",
         r#"{"a":1}"#, r#"{"a":1,"n":{"x":1},"m":1}"#, r#"{"a":1,"n":{"x":1},"t":2}"#,
         Want::Clean(r#"{"a":1,"n":{"x":1},"t":2,"m":1}"#)),
        ("theirs' new keys follow their predecessor in theirs",
         r#"{"a":1,"b":2}"#,
         r#"{"b":2,"a":1,"m":1}"#,
         r#"{"t0":0,"a":1,"x":1,"x2":1,"b":2,"y":2}"#,
         Want::Clean(r#"{"t0":0,"b":2,"y":2,"a":1,"x":1,"x2":1,"m":1}"#)),
        ("removed on both sides",
         r#"{"a":1,"b":2,"c":3}"#, r#"{"a":1,"c":4}"#, r#"{"a":0,"c":3}"#,
         Want::Clean(r#"{"a":0,"c":4}"#)),
        ("numbers keep their value and their spelling",
         r#"{"f":1.0,"i":-7,"big":18446744073709551615,"e":1e5}"#,
         r#"{"f":1.0,"i":-8,"big":18446744073709551615,"e":1e5}"#,
         r#"{"f":2.5,"i":-7,"big":18446744073709551615,"e":1e5}"#,
         Want::Clean(r#"{"f":2.5,"i":-8,"big":18446744073709551615,"e":1e5}"#)),
    ];
    for (name, base, mine, theirs, want) in cases {
        check(name, base, mine, theirs, true, want);
    }
}

#[test]
fn json_conflict_table() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str, Want)] = &[
        ("both changed one key (pretty)",
         "{\n  \"replicas\": 3,\n  \"image\": \"x\"\n}\n",
         "{\n  \"replicas\": 5,\n  \"image\": \"x\"\n}\n",
         "{\n  \"replicas\": 4,\n  \"image\": \"x\"\n}\n",
         Want::Conflicted {
             text: "{\n<<<<<<< mine\n  \"replicas\": 5,\n||||||| base\n  \"replicas\": 3,\n=======\n  \"replicas\": 4,\n>>>>>>> theirs\n  \"image\": \"x\"\n}\n",
             conflicts: &["/replicas: mine 5, theirs 4"],
         }),
        // A one-line document is presented pretty-printed, with theirs' and mine's clean
        // changes applied and markers around the conflicting value only.
        ("both changed at depth, the rest merges (minified)",
         r#"{"spec":{"replicas":3,"image":"x"}}"#,
         r#"{"spec":{"replicas":5,"image":"y"}}"#,
         r#"{"spec":{"replicas":4,"image":"x"}}"#,
         Want::Conflicted {
             text: "{\n  \"spec\": {\n<<<<<<< mine\n    \"replicas\": 5,\n||||||| base\n    \"replicas\": 3,\n=======\n    \"replicas\": 4,\n>>>>>>> theirs\n    \"image\": \"y\"\n  }\n}\n",
             conflicts: &["/spec/replicas: mine 5, theirs 4"],
         }),
        ("removed by mine, changed by theirs",
         r#"{"a":1,"b":1}"#, r#"{"b":1}"#, r#"{"a":2,"b":1}"#,
         Want::Conflicted {
             text: "{\n<<<<<<< mine\n  \"b\": 1\n||||||| base\n  \"b\": 1,\n  \"a\": 1\n=======\n  \"b\": 1,\n  \"a\": 2\n>>>>>>> theirs\n}\n",
             conflicts: &["/a: mine removed it, theirs changed it to 2"],
         }),
        ("changed by mine, removed by theirs",
         "{\"a\":{\"x\":1}}\n", "{\"a\":{\"x\":2}}\n", "{}\n",
         Want::Conflicted {
             text: "<<<<<<< mine\n{\n  \"a\": {\n    \"x\": 2\n  }\n}\n||||||| base\n{\n  \"a\": {\n    \"x\": 1\n  }\n}\n=======\n{}\n>>>>>>> theirs\n",
             conflicts: &["/a: theirs removed it, mine changed it to {\"x\":2}"],
         }),
        ("array changed differently on both sides, lines apart: text has no markers",
         "{\n  \"l\": [\n    1,\n    2,\n    3,\n    4\n  ]\n}\n",
         "{\n  \"l\": [\n    0,\n    2,\n    3,\n    4\n  ]\n}\n",
         "{\n  \"l\": [\n    1,\n    2,\n    3,\n    5\n  ]\n}\n",
         Want::Conflicted {
             text: "{\n  \"l\": [\n    0,\n    2,\n    3,\n    5\n  ]\n}\n",
             conflicts: &["/l: mine [0,2,3,4], theirs [1,2,3,5]"],
         }),
        ("added on both sides with different values; key escaping",
         r#"{}"#, r#"{"a/b~":1,"k":"v"}"#, r#"{"a/b~":2,"k":"v"}"#,
         Want::Conflicted {
             text: "{\n<<<<<<< mine\n  \"a/b~\": 1,\n||||||| base\n=======\n  \"a/b~\": 2,\n>>>>>>> theirs\n  \"k\": \"v\"\n}\n",
             conflicts: &["/a~1b~0: added on both sides, mine 1, theirs 2"],
         }),
        ("whole document changed type on both sides",
         "{}\n", "[]\n", "1\n",
         Want::Conflicted {
             text: "<<<<<<< mine\n[]\n||||||| base\n{}\n=======\n1\n>>>>>>> theirs\n",
             conflicts: &["(whole document): mine [], theirs 1"],
         }),
        ("long values are cut, control characters escaped",
         r#"{"k":"old","ctl":0}"#,
         r#"{"k":"0123456789012345678901234567890123456789-mine","ctl":0}"#,
         "{\"k\":\"theirs\",\"ctl\":0}",
         Want::Conflicted {
             text: "{\n<<<<<<< mine\n  \"k\": \"0123456789012345678901234567890123456789-mine\",\n||||||| base\n  \"k\": \"old\",\n=======\n  \"k\": \"theirs\",\n>>>>>>> theirs\n  \"ctl\": 0\n}\n",
             conflicts: &["/k: mine \"012345678901234567890123456789012345678…, theirs \"theirs\""],
         }),
    ];
    for (name, base, mine, theirs, want) in cases {
        check(name, base, mine, theirs, true, want);
    }
}

#[test]
fn json_sanitizes_descriptions() {
    let got = merge(br#"{"\u001b[2J":1}"#, br#"{"\u001b[2J":2}"#, br#"{"\u001b[2J":3}"#, true);
    assert_eq!(conflicts_of(&got), ["/^[[2J: mine 2, theirs 3"]);
}

#[test]
fn json_falls_back_to_lines() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str, Want)] = &[
        ("not JSON",
         "a: 1\nb: 2\n", "a: 10\nb: 2\n", "a: 1\nb: 2\nc: 3\n",
         Want::Clean("a: 10\nb: 2\nc: 3\n")),
        ("json flag off: one-line JSON conflicts by lines",
         r#"{"a":1,"b":2}"#, r#"{"a":10,"b":2}"#, r#"{"a":1,"b":20}"#,
         Want::Conflicted {
             text: "<<<<<<< mine\n{\"a\":10,\"b\":2}\n||||||| base\n{\"a\":1,\"b\":2}\n=======\n{\"a\":1,\"b\":20}\n>>>>>>> theirs\n",
             conflicts: &["lines 1-7 of the merged text"],
         }),
        ("duplicate keys are not rewritten",
         r#"{"a":1,"a":2}"#, r#"{"a":1,"a":3}"#, r#"{"a":1,"a":2,"b":1}"#,
         Want::Conflicted {
             text: "<<<<<<< mine\n{\"a\":1,\"a\":3}\n||||||| base\n{\"a\":1,\"a\":2}\n=======\n{\"a\":1,\"a\":2,\"b\":1}\n>>>>>>> theirs\n",
             conflicts: &["lines 1-7 of the merged text"],
         }),
        ("a number beyond f64 is not rewritten",
         r#"{"n":123456789012345678901234567890,"a":1}"#,
         r#"{"n":123456789012345678901234567890,"a":2}"#,
         r#"{"n":123456789012345678901234567891,"a":1}"#,
         Want::Conflicted {
             text: "<<<<<<< mine\n{\"n\":123456789012345678901234567890,\"a\":2}\n||||||| base\n{\"n\":123456789012345678901234567890,\"a\":1}\n=======\n{\"n\":123456789012345678901234567891,\"a\":1}\n>>>>>>> theirs\n",
             conflicts: &["lines 1-7 of the merged text"],
         }),
    ];
    for (name, base, mine, theirs, want) in cases {
        let json = *name != "json flag off: one-line JSON conflicts by lines";
        check(name, base, mine, theirs, json, want);
    }
}

#[test]
fn text_table() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str, Want)] = &[
        ("clean, changes apart",
         "1\n2\n3\n4\n5\n", "one\n2\n3\n4\n5\n", "1\n2\n3\n4\nfive\n",
         Want::Clean("one\n2\n3\n4\nfive\n")),
        ("conflict with exact markers",
         "a\nb\nc\n", "a\nB\nc\n", "a\nX\nc\n",
         Want::Conflicted {
             text: "a\n<<<<<<< mine\nB\n||||||| base\nb\n=======\nX\n>>>>>>> theirs\nc\n",
             conflicts: &["lines 2-8 of the merged text"],
         }),
        ("two conflicts",
         "a\nb\nc\nd\ne\n", "A1\nb\nc\nd\nE1\n", "A2\nb\nc\nd\nE2\n",
         Want::Conflicted {
             text: "<<<<<<< mine\nA1\n||||||| base\na\n=======\nA2\n>>>>>>> theirs\nb\nc\nd\n<<<<<<< mine\nE1\n||||||| base\ne\n=======\nE2\n>>>>>>> theirs\n",
             conflicts: &["lines 1-7 of the merged text", "lines 11-17 of the merged text"],
         }),
        ("CRLF kept, markers in CRLF",
         "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", "a\r\nX\r\nc\r\n",
         Want::Conflicted {
             text: "a\r\n<<<<<<< mine\r\nB\r\n||||||| base\r\nb\r\n=======\r\nX\r\n>>>>>>> theirs\r\nc\r\n",
             conflicts: &["lines 2-8 of the merged text"],
         }),
        ("CRLF clean",
         "a\r\nb\r\nc\r\nd\r\n", "A\r\nb\r\nc\r\nd\r\n", "a\r\nb\r\nc\r\nD\r\n",
         Want::Clean("A\r\nb\r\nc\r\nD\r\n")),
        ("no trailing newline, clean",
         "a\nb\nc", "A\nb\nc", "a\nb\nC",
         Want::Clean("A\nb\nC")),
        ("no trailing newline, conflict: markers on their own lines",
         "a\nb", "a\nB", "a\nX",
         Want::Conflicted {
             text: "a\n<<<<<<< mine\nB\n||||||| base\nb\n=======\nX\n>>>>>>> theirs\n",
             conflicts: &["lines 2-8 of the merged text"],
         }),
        ("identical changes on both sides",
         "a\nb\nc\n", "a\nB\nc\nd\n", "a\nB\nc\nd\n",
         Want::Clean("a\nB\nc\nd\n")),
        ("identical change plus a separate one",
         "a\nb\nc\nd\ne\n", "a\nB\nc\nd\ne\n", "a\nB\nc\nd\nE\n",
         Want::Clean("a\nB\nc\nd\nE\n")),
        ("mine unchanged", "a\nb\n", "a\nb\n", "a\nc\n", Want::Clean("a\nc\n")),
        ("theirs unchanged", "a\nb\n", "x\nb", "a\nb\n", Want::Clean("x\nb")),
        ("empty base, both added the same", "", "x\n", "x\n", Want::Clean("x\n")),
        ("empty base, one side added", "", "", "y\n", Want::Clean("y\n")),
        ("empty base, both added differently",
         "", "x\n", "y\n",
         Want::Conflicted {
             text: "<<<<<<< mine\nx\n||||||| base\n=======\ny\n>>>>>>> theirs\n",
             conflicts: &["lines 1-6 of the merged text"],
         }),
        ("content that looks like markers stays content",
         "Title\n=======\n<<<<<<<< x\nbody\n", "Title\n=======\n<<<<<<<< x\nmine\n", "Title\n=======\n<<<<<<<< x\ntheirs\n",
         Want::Conflicted {
             text: "Title\n=======\n<<<<<<<< x\n<<<<<<< mine\nmine\n||||||| base\nbody\n=======\ntheirs\n>>>>>>> theirs\n",
             conflicts: &["lines 4-10 of the merged text"],
         }),
        ("incomplete line ending in a marker character",
         "a\nb<", "a\nB<", "a\nX<",
         Want::Conflicted {
             text: "a\n<<<<<<< mine\nB<\n||||||| base\nb<\n=======\nX<\n>>>>>>> theirs\n",
             conflicts: &["lines 2-8 of the merged text"],
         }),
        ("incomplete line ending in the next marker's character",
         "a\nb", "a\nB|", "a\nX",
         Want::Conflicted {
             text: "a\n<<<<<<< mine\nB|\n||||||| base\nb\n=======\nX\n>>>>>>> theirs\n",
             conflicts: &["lines 2-8 of the merged text"],
         }),
    ];
    for (name, base, mine, theirs, want) in cases {
        check(name, base, mine, theirs, false, want);
    }
}

#[test]
fn not_utf8() {
    let got = merge(b"a\n\xff\n", b"A\n\xff\n", b"a\n\xff\nb\n", false);
    assert_eq!(got, MergeOutcome::Clean(b"A\n\xff\nb\n".to_vec()));
}

#[test]
fn adjacent_json_edits_conflict_by_lines() {
    // So the clean pretty results in `json_table` come from the structural merge and `style`.
    let mine = b"{\n  \"a\": 10,\n  \"b\": 2,\n  \"c\": 3\n}\n";
    let theirs = b"{\n  \"a\": 1,\n  \"b\": 20,\n  \"c\": 3\n}\n";
    assert!(!line_merge(PRETTY2_BASE.as_bytes(), mine, theirs).conflicts.is_empty());
}

#[test]
fn json_edits_to_different_fields_always_merge() {
    use serde_json::{Value, json};
    let mut seed = 7_u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        seed >> 33
    };
    for round in 0..100 {
        let base = json!({
            "k0": {"x": 0, "y": [0], "z": {"w": 0}}, "k1": {"x": 1, "y": [1], "z": {"w": 1}},
            "k2": {"x": 2, "y": [2], "z": {"w": 2}}, "k3": {"x": 3, "y": [3], "z": {"w": 3}},
        });
        let (mut mine, mut theirs, mut want) = (base.clone(), base.clone(), base.clone());
        for key in ["k0", "k1", "k2", "k3"] {
            match next() % 5 {
                0 => (mine[key]["x"], want[key]["x"]) = (json!(round), json!(round)),
                1 => (theirs[key]["y"], want[key]["y"]) = (json!([round]), json!([round])),
                2 => {
                    (mine[key]["z"]["w"], want[key]["z"]["w"]) = (json!("m"), json!("m"));
                    (theirs[key]["x"], want[key]["x"]) = (json!("t"), json!("t"));
                }
                3 => (theirs[key]["new"], want[key]["new"]) = (json!(true), json!(true)),
                _ => {}
            }
        }
        let writers: [fn(&Value) -> String; 2] =
            [|v| v.to_string(), |v| serde_json::to_string_pretty(v).expect("a Value") + "\n"];
        for write in writers {
            let (b, m, t) = (write(&base), write(&mine), write(&theirs));
            let got = merge(b.as_bytes(), m.as_bytes(), t.as_bytes(), true);
            assert_eq!(got, MergeOutcome::Clean(write(&want).into_bytes()), "round {round}\n{m}\n{t}");
        }
    }
}

#[test]
fn only_new_conflict_markers_block() {
    let own = "<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> feature\n";
    #[rustfmt::skip]
    let cases: &[(&str, &[&str], bool)] = &[
        // The document's own markers, present in a version the text came from.
        (own, &[own], false),
        ("x\n", &[own], false),
        // A merge's markers, absent from every version.
        ("<<<<<<< mine\na\n=======\nb\n>>>>>>> theirs\n", &["a\n", "b\n", "c\n"], true),
        // One of ifmatch's labelled lines left over is enough.
        ("a\n>>>>>>> theirs\n", &["a\n"], true),
        ("a\n||||||| base\n", &["a\n"], true),
        // A new markdown underline alone is content.
        ("Title\n=======\n", &["Title\n"], false),
        // A second copy of the document's own block is new.
        ("<<<<<<< HEAD\n=======\n<<<<<<< HEAD\n=======\n", &["<<<<<<< HEAD\n=======\n"], true),
        ("x\r\n<<<<<<< mine\r\n", &["x\r\n"], true),
    ];
    for (text, versions, want) in cases {
        let versions: Vec<&[u8]> = versions.iter().map(|v| v.as_bytes()).collect();
        assert_eq!(has_new_conflict_markers(text.as_bytes(), &versions), *want, "{text:?}");
    }
    // Every conflicted merge is caught, also in a document with markers of its own.
    let (base, mine, theirs) = (format!("{own}a\n"), format!("{own}b\n"), format!("{own}c\n"));
    let got = merge(base.as_bytes(), mine.as_bytes(), theirs.as_bytes(), false);
    assert!(has_new_conflict_markers(got.text(), &[base.as_bytes(), mine.as_bytes(), theirs.as_bytes()]));
}

#[test]
fn reverted_clean_changes_of_theirs_are_named() {
    let base = br#"{"limits": {"cpu": "1", "mem": "1G"}, "replicas": 1, "old": true}"#;
    let mine = br#"{"limits": {"cpu": "1", "mem": "1G"}, "replicas": 3, "old": true}"#;
    let theirs = br#"{"limits": {"cpu": "2", "mem": "1G"}, "replicas": 5, "new": 1}"#;
    // Keeping mine whole undoes theirs' clean changes, not the conflicting one.
    let got = reverted_changes(base, mine, theirs, mine, true);
    assert_eq!(
        got,
        [
            "/limits/cpu: theirs \"2\", yours reverts to \"1\"",
            "/old: theirs removed it, yours keeps true",
            "/new: theirs added 1, yours drops it",
        ]
    );
    // The merge with the conflict settled either way reverts nothing.
    let settled = br#"{"limits": {"cpu": "2", "mem": "1G"}, "replicas": 3, "new": 1}"#;
    assert!(reverted_changes(base, mine, theirs, settled, true).is_empty());
    // A third value is a choice, not a revert; text is not checked.
    let third = br#"{"limits": {"cpu": "4", "mem": "1G"}, "replicas": 3, "new": 1}"#;
    assert!(reverted_changes(base, mine, theirs, third, true).is_empty());
    assert!(reverted_changes(b"a\n", b"b\n", b"c\n", b"a\n", false).is_empty());
}

#[test]
fn marker_characters_are_found_across_blocks() {
    for len in [0, 1, 31, 32, 33, 64, 100] {
        for at in 0..=len {
            for c in [b'<', b'|', b'=', b'>'] {
                // `?` passes the test of a whole block but is no marker.
                let mut text: Vec<u8> = (0..len).map(|i| if i % 7 == 3 { b'?' } else { b'x' }).collect();
                if at < len {
                    text[at] = c;
                }
                // A second one later must not be the one found.
                if at + 40 < len {
                    text[at + 40] = b'>';
                }
                let want = text.iter().position(|&b| is_marker_char(b));
                assert_eq!(find_marker_char(&text), want, "{len} bytes, {} at {at}", c as char);
            }
        }
    }
}
