//! Writing a clean structural merge as mine's own text with theirs' changes spliced in: a value
//! theirs changed (and mine did not) is replaced in mine's bytes by theirs' bytes for it, keys
//! theirs added are inserted after the last member of mine's object, keys theirs removed are
//! cut out. Nothing that neither side touched is reformatted, and theirs' values keep their
//! spelling (`2e3` stays `2e3`). The caller checks that the result parses to the merged value
//! and otherwise falls back to re-serializing; anything unusual here simply gives up.

use std::collections::HashMap;

use serde_json::Value;

/// A value in a document, with its byte span.
struct Node {
    start: usize,
    end: usize,
    kind: Kind,
}

enum Kind {
    Object(Vec<Member>),
    Other,
}

struct Member {
    key: String,
    /// Where the member's key starts.
    start: usize,
    value: Node,
}

/// Mine's text with theirs' changes from `base` applied, when that can be done by splicing.
pub(super) fn splice(
    base: &Value,
    mine_text: &[u8],
    mine: &Value,
    theirs_text: &[u8],
    theirs: &Value,
) -> Option<Vec<u8>> {
    let mine_root = Parser { s: mine_text, i: 0 }.document()?;
    let theirs_root = Parser { s: theirs_text, i: 0 }.document()?;
    let mut edits = Vec::new();
    let sides = Sides { mine_text, theirs_text };
    sides.changes(base, mine, &mine_root, theirs, &theirs_root, &mut edits)?;
    edits.sort_by_key(|e| (e.0, e.1));
    // Overlapping edits could interfere: leave those to the re-serializer. Touching ones are
    // fine (an insertion right where a removal starts or ends), as they apply back to front.
    if edits.windows(2).any(|w| w[0].1 > w[1].0) {
        return None;
    }
    let mut out = mine_text.to_vec();
    for (start, end, replacement) in edits.into_iter().rev() {
        out.splice(start..end, replacement);
    }
    Some(out)
}

struct Sides<'a> {
    mine_text: &'a [u8],
    theirs_text: &'a [u8],
}

type Edit = (usize, usize, Vec<u8>);

impl Sides<'_> {
    /// Edits to mine's text for theirs' changes from `base` at this node.
    fn changes(
        &self,
        base: &Value,
        mine: &Value,
        mine_node: &Node,
        theirs: &Value,
        theirs_node: &Node,
        edits: &mut Vec<Edit>,
    ) -> Option<()> {
        if base == theirs || mine == theirs {
            return Some(());
        }
        let (Value::Object(b), Value::Object(m), Value::Object(t)) = (base, mine, theirs) else {
            // A whole value theirs changed: only mine's unchanged one may be replaced.
            if mine != base {
                return None;
            }
            edits.push((
                mine_node.start,
                mine_node.end,
                self.theirs_text[theirs_node.start..theirs_node.end].to_vec(),
            ));
            return Some(());
        };
        let (Kind::Object(mine_members), Kind::Object(theirs_members)) = (&mine_node.kind, &theirs_node.kind)
        else {
            return None;
        };
        let (in_mine, in_theirs) = (Keys::new(mine_members), Keys::new(theirs_members));
        // Added keys go after the nearest key before them (in theirs) that mine has, so they
        // land where theirs put them: (index of that member in mine, texts in order).
        // `None`: before mine's first member.
        let mut added: Vec<(Option<usize>, Vec<&[u8]>)> = Vec::new();
        let mut anchor = None;
        for (key, theirs_value) in t {
            if let Some(at) = in_mine.find(key) {
                anchor = Some(at);
            }
            let theirs_member = &theirs_members[in_theirs.find(key)?];
            match (b.get(key), m.get(key)) {
                (Some(base_value), Some(mine_value)) => {
                    let mine_member = &mine_members[in_mine.find(key)?];
                    self.changes(
                        base_value,
                        mine_value,
                        &mine_member.value,
                        theirs_value,
                        &theirs_member.value,
                        edits,
                    )?;
                }
                (None, None) => {
                    let text = &self.theirs_text[theirs_member.start..theirs_member.value.end];
                    match added.last_mut() {
                        Some((at, texts)) if *at == anchor => texts.push(text),
                        _ => added.push((anchor, vec![text])),
                    }
                }
                // Mine removed it and theirs left it alone: the removal stands.
                (Some(base_value), None) if base_value == theirs_value => {}
                (None, Some(mine_value)) if mine_value == theirs_value => {}
                _ => return None,
            }
        }
        for (key, base_value) in b {
            if t.contains_key(key) {
                continue;
            }
            if let Some(mine_value) = m.get(key) {
                if mine_value != base_value {
                    return None;
                }
                edits.push(remove(mine_members, in_mine.find(key)?)?);
            }
        }
        for (at, texts) in added {
            edits.push(self.insert(mine_members, at, &texts)?);
        }
        Some(())
    }

    /// Inserts members after member `at` of mine's object (before the first one for `None`),
    /// separated by the comma and whitespace that stand before mine's last member.
    fn insert(&self, members: &[Member], at: Option<usize>, added: &[&[u8]]) -> Option<Edit> {
        let last = members.last()?;
        let before_last = match members.len() {
            1 => None,
            n => Some(&members[n - 2]),
        };
        // The whitespace between the comma and the last member's key; for a one-member object,
        // the whitespace after its opening brace.
        let gap_start = match before_last {
            Some(previous) => {
                let mut i = previous.value.end;
                while self.mine_text.get(i).is_some_and(|c| *c != b',') {
                    i += 1;
                }
                i + 1
            }
            None => {
                let mut i = last.start;
                while i > 0 && self.mine_text[i - 1].is_ascii_whitespace() {
                    i -= 1;
                }
                i
            }
        };
        let gap = self.mine_text.get(gap_start..last.start)?;
        if !gap.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let mut text = Vec::new();
        match at {
            Some(at) => {
                let anchor = members.get(at)?;
                for member in added {
                    text.push(b',');
                    text.extend_from_slice(gap);
                    text.extend_from_slice(member);
                }
                Some((anchor.value.end, anchor.value.end, text))
            }
            None => {
                let first = members.first()?;
                for member in added {
                    text.extend_from_slice(member);
                    text.push(b',');
                    text.extend_from_slice(gap);
                }
                Some((first.start, first.start, text))
            }
        }
    }
}

/// An object's members by key: a scan in a small object, a hash index in a large one (a
/// document is often one object of many thousand members, each looked up once or twice).
struct Keys<'a> {
    members: &'a [Member],
    index: Option<HashMap<&'a str, usize>>,
}

impl<'a> Keys<'a> {
    /// Objects up to this many members are scanned.
    const SCAN: usize = 16;

    fn new(members: &'a [Member]) -> Keys<'a> {
        let index = (members.len() > Self::SCAN).then(|| {
            let mut index = HashMap::with_capacity(members.len());
            for (i, member) in members.iter().enumerate() {
                // The first of repeated keys, as a scan finds it.
                index.entry(member.key.as_str()).or_insert(i);
            }
            index
        });
        Keys { members, index }
    }

    /// The index of the first member named `key`.
    fn find(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.members.iter().position(|member| member.key == key),
        }
    }
}

/// Cuts member `index` out of an object, with the comma that separates it.
fn remove(members: &[Member], index: usize) -> Option<Edit> {
    let member = members.get(index)?;
    match (index.checked_sub(1).map(|i| &members[i]), members.get(index + 1)) {
        // From the end of the previous value: its comma and the member go.
        (Some(previous), _) => Some((previous.value.end, member.value.end, Vec::new())),
        // The first of several: up to the next key.
        (None, Some(next)) => Some((member.start, next.start, Vec::new())),
        // The only member.
        (None, None) => Some((member.start, member.value.end, Vec::new())),
    }
}

/// A minimal JSON reader that records spans. The text already parsed as JSON, so it only needs
/// to find boundaries, not to validate.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn document(mut self) -> Option<Node> {
        let node = self.value()?;
        self.ws();
        (self.i == self.s.len()).then_some(node)
    }

    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.s.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    fn value(&mut self) -> Option<Node> {
        self.ws();
        let start = self.i;
        let kind = match self.s.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                if self.eat(b'}').is_none() {
                    loop {
                        self.ws();
                        let key_start = self.i;
                        let key = self.string()?;
                        self.eat(b':')?;
                        let value = self.value()?;
                        members.push(Member { key, start: key_start, value });
                        if self.eat(b',').is_some() {
                            continue;
                        }
                        self.eat(b'}')?;
                        break;
                    }
                }
                Kind::Object(members)
            }
            b'[' => {
                self.i += 1;
                if self.eat(b']').is_none() {
                    loop {
                        self.value()?;
                        if self.eat(b',').is_some() {
                            continue;
                        }
                        self.eat(b']')?;
                        break;
                    }
                }
                Kind::Other
            }
            b'"' => {
                self.string()?;
                Kind::Other
            }
            _ => {
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                {
                    self.i += 1;
                }
                Kind::Other
            }
        };
        (self.i > start).then_some(Node { start, end: self.i, kind })
    }

    /// A string token, decoded (keys are compared decoded: `"caf\u00e9"` is `"café"`).
    fn string(&mut self) -> Option<String> {
        let start = self.i;
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        loop {
            match self.s.get(self.i)? {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    break;
                }
                _ => self.i += 1,
            }
        }
        serde_json::from_slice(&self.s[start..self.i]).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{MergeOutcome, merge};

    fn clean(base: &str, mine: &str, theirs: &str) -> String {
        match merge(base.as_bytes(), mine.as_bytes(), theirs.as_bytes(), true) {
            MergeOutcome::Clean(text) => String::from_utf8(text).unwrap(),
            MergeOutcome::Conflicted { conflicts, .. } => panic!("conflicted: {conflicts:?}"),
        }
    }

    #[test]
    fn untouched_formatting_survives_a_structural_merge() {
        // Adjacent lines changed on each side: the line merge conflicts, the structural one is
        // clean, and the splice keeps the inline array, the escape and theirs' number spelling.
        let base = "{\n  \"ports\": [80, 443],\n  \"replicas\": 2,\n  \"timeout\": 1e3,\n  \"label\": \"caf\\u00e9\"\n}\n";
        let mine = base.replace("\"replicas\": 2", "\"replicas\": 3");
        let theirs = base.replace("\"timeout\": 1e3", "\"timeout\": 2e3");
        let want = base.replace("\"replicas\": 2", "\"replicas\": 3").replace("1e3", "2e3");
        assert_eq!(clean(base, &mine, &theirs), want);
    }

    /// An object large enough to be looked up by index rather than scanned: theirs changes,
    /// removes and adds members, mine changes the member beside theirs' change.
    #[test]
    fn a_large_object_is_spliced_by_key() {
        let doc = |members: Vec<(String, String)>| {
            let lines: Vec<String> = members.iter().map(|(k, v)| format!("  \"{k}\": {v}")).collect();
            format!("{{\n{}\n}}\n", lines.join(",\n"))
        };
        let base: Vec<(String, String)> = (0..40).map(|i| (format!("k{i:02}"), i.to_string())).collect();
        let with = |changes: &[(&str, Option<&str>)], added: Option<(usize, &str, &str)>| {
            let mut members: Vec<(String, String)> = base
                .iter()
                .filter_map(|(k, v)| match changes.iter().find(|(key, _)| key == k) {
                    Some((_, Some(new))) => Some((k.clone(), new.to_string())),
                    Some((_, None)) => None,
                    None => Some((k.clone(), v.clone())),
                })
                .collect();
            if let Some((at, k, v)) = added {
                members.insert(at, (k.to_string(), v.to_string()));
            }
            doc(members)
        };
        assert!(base.len() > super::Keys::SCAN);
        let mine = with(&[("k20", Some("-1"))], None);
        let theirs = with(&[("k21", Some("-2")), ("k30", None)], Some((11, "new", "true")));
        let want =
            with(&[("k20", Some("-1")), ("k21", Some("-2")), ("k30", None)], Some((11, "new", "true")));
        assert_eq!(clean(&doc(base.clone()), &mine, &theirs), want);
    }

    #[test]
    fn additions_and_removals_by_theirs_are_spliced_in_place() {
        let base = "{\n  \"a\": 1,\n  \"b\": {\"x\": 1, \"y\": [1, 2]},\n  \"c\": 3\n}\n";
        let mine = base.replace("\"a\": 1", "\"a\": 10");
        // Theirs: a key removed, a nested value changed, keys added at the start and middle.
        let theirs =
            "{\n  \"first\": true,\n  \"a\": 1,\n  \"b\": {\"x\": 2, \"y\": [1, 2]},\n  \"mid\": \"m\"\n}\n";
        let want =
            "{\n  \"first\": true,\n  \"a\": 10,\n  \"b\": {\"x\": 2, \"y\": [1, 2]},\n  \"mid\": \"m\"\n}\n";
        assert_eq!(clean(base, &mine, theirs), want);
    }
}
