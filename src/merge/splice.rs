//! Writing a clean structural merge as mine's own text with theirs' changes spliced in: a value
//! theirs changed (and mine did not) is replaced in mine's bytes by theirs' bytes for it, keys
//! theirs added are inserted after the last member of mine's object, keys theirs removed are
//! cut out. Nothing that neither side touched is reformatted, and theirs' values keep their
//! spelling (`2e3` stays `2e3`). It reads the documents' text (`lazy`'s `Raw` and `Members`),
//! never builds trees. The caller checks that the result parses to the merged value and
//! otherwise falls back; anything unusual here simply gives up.

use super::lazy::{Members, Raw};

type Edit = (usize, usize, Vec<u8>);

/// Mine's text with theirs' changes from `base` applied, when that can be done by splicing.
/// The three texts parse as JSON.
pub(super) fn splice(base: &[u8], mine: &[u8], theirs: &[u8]) -> Option<Vec<u8>> {
    splice_in(base, mine, theirs, None)
}

/// [`splice`], with the members of the three roots already read when they are objects.
pub(super) fn splice_in<'a>(
    base: &'a [u8],
    mine: &'a [u8],
    theirs: &'a [u8],
    roots: Option<&[Members<'a>; 3]>,
) -> Option<Vec<u8>> {
    let mut edits = Vec::new();
    let sides = Sides { mine_text: mine };
    let (b, m, t) = (Raw::root(base), Raw::root(mine), Raw::root(theirs));
    match roots {
        Some([b_members, m_members, t_members]) => {
            sides.members_changes(b, m, t, (b_members, m_members, t_members), &mut edits)?
        }
        None => sides.changes(b, m, t, &mut edits)?,
    }
    edits.sort_by_key(|e| (e.0, e.1));
    // Overlapping edits could interfere: leave those to the re-serializer. Touching ones are
    // fine (an insertion right where a removal starts or ends), as they apply back to front.
    if edits.windows(2).any(|w| w[0].1 > w[1].0) {
        return None;
    }
    let mut out = mine.to_vec();
    for (start, end, replacement) in edits.into_iter().rev() {
        out.splice(start..end, replacement);
    }
    Some(out)
}

struct Sides<'a> {
    mine_text: &'a [u8],
}

impl<'a> Sides<'a> {
    /// Where `part`, a piece of mine's text, starts in it.
    fn at(&self, part: &[u8]) -> usize {
        let at = (part.as_ptr() as usize).wrapping_sub(self.mine_text.as_ptr() as usize);
        debug_assert!(at + part.len() <= self.mine_text.len(), "a piece of mine's text");
        at
    }

    /// Where member `i` of mine's object `m` starts (its key) in mine's text.
    fn key_start(&self, m: &Members<'a>, i: usize) -> usize {
        self.at(m.member(i).0)
    }

    /// Where the value of member `i` of mine's object `m` ends in mine's text.
    fn value_end(&self, m: &Members<'a>, i: usize) -> usize {
        let value = m.member(i).1.0;
        self.at(value) + value.len()
    }

    /// Edits to mine's text for theirs' changes from `base` at this value.
    fn changes(&self, base: Raw<'_>, mine: Raw<'a>, theirs: Raw<'_>, edits: &mut Vec<Edit>) -> Option<()> {
        let objects = (Members::of_object(base), Members::of_object(mine), Members::of_object(theirs));
        let (Some(b), Some(m), Some(t)) = objects else {
            if theirs.equals(base) || theirs.equals(mine) {
                return Some(());
            }
            // A whole value theirs changed: only mine's unchanged one may be replaced.
            if !mine.equals(base) {
                return None;
            }
            let start = self.at(mine.0);
            edits.push((start, start + mine.0.len(), theirs.0.to_vec()));
            return Some(());
        };
        self.members_changes(base, mine, theirs, (&b, &m, &t), edits)
    }

    /// [`Sides::changes`] for three objects, with their members.
    fn members_changes(
        &self,
        base: Raw<'_>,
        mine: Raw<'a>,
        theirs: Raw<'_>,
        (b, m, t): (&Members<'_>, &Members<'a>, &Members<'_>),
        edits: &mut Vec<Edit>,
    ) -> Option<()> {
        if theirs.0 == base.0 || theirs.0 == mine.0 || t.equals(b) || t.equals(m) {
            return Some(());
        }
        // Added keys go after the nearest key before them (in theirs) that mine has, so they
        // land where theirs put them: (index of that member in mine, texts in order).
        // `None`: before mine's first member.
        let mut added: Vec<(Option<usize>, Vec<&[u8]>)> = Vec::new();
        let mut anchor = None;
        for (i, (key, theirs_value)) in t.iter().enumerate() {
            let in_mine = m.position(key, i);
            if in_mine.is_some() {
                anchor = in_mine;
            }
            match (b.get(key, i), in_mine) {
                (Some(base_value), Some(at)) => {
                    self.changes(base_value, m.member(at).1, theirs_value, edits)?
                }
                (None, None) => {
                    let text = t.member_text(i);
                    match added.last_mut() {
                        Some((at, texts)) if *at == anchor => texts.push(text),
                        _ => added.push((anchor, vec![text])),
                    }
                }
                // Mine removed it and theirs left it alone: the removal stands.
                (Some(base_value), None) if base_value.equals(theirs_value) => {}
                (None, Some(at)) if m.member(at).1.equals(theirs_value) => {}
                _ => return None,
            }
        }
        for (i, (key, base_value)) in b.iter().enumerate() {
            if t.position(key, i).is_some() {
                continue;
            }
            if let Some(at) = m.position(key, i) {
                if !m.member(at).1.equals(base_value) {
                    return None;
                }
                edits.push(self.remove(m, at));
            }
        }
        for (at, texts) in added {
            edits.push(self.insert(m, at, &texts)?);
        }
        Some(())
    }

    /// Inserts members after member `at` of mine's object `m` (before the first one for
    /// `None`), separated by the comma and whitespace that stand before mine's last member.
    fn insert(&self, m: &Members<'a>, at: Option<usize>, added: &[&[u8]]) -> Option<Edit> {
        let last = m.len().checked_sub(1)?;
        // The whitespace between the comma and the last member's key; for a one-member object,
        // the whitespace after its opening brace.
        let gap_start = match last.checked_sub(1) {
            Some(previous) => {
                let mut i = self.value_end(m, previous);
                while self.mine_text.get(i).is_some_and(|c| *c != b',') {
                    i += 1;
                }
                i + 1
            }
            None => {
                let mut i = self.key_start(m, last);
                while i > 0 && self.mine_text[i - 1].is_ascii_whitespace() {
                    i -= 1;
                }
                i
            }
        };
        let gap = self.mine_text.get(gap_start..self.key_start(m, last))?;
        if !gap.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let mut text = Vec::new();
        match at {
            Some(at) => {
                for member in added {
                    text.push(b',');
                    text.extend_from_slice(gap);
                    text.extend_from_slice(member);
                }
                let end = self.value_end(m, at);
                Some((end, end, text))
            }
            None => {
                for member in added {
                    text.extend_from_slice(member);
                    text.push(b',');
                    text.extend_from_slice(gap);
                }
                let first = self.key_start(m, 0);
                Some((first, first, text))
            }
        }
    }

    /// Cuts member `index` out of mine's object `m`, with the comma that separates it.
    fn remove(&self, m: &Members<'a>, index: usize) -> Edit {
        let next = (index + 1 < m.len()).then_some(index + 1);
        match (index.checked_sub(1), next) {
            // From the end of the previous value: its comma and the member go.
            (Some(previous), _) => (self.value_end(m, previous), self.value_end(m, index), Vec::new()),
            // The first of several: up to the next key.
            (None, Some(next)) => (self.key_start(m, index), self.key_start(m, next), Vec::new()),
            // The only member.
            (None, None) => (self.key_start(m, index), self.value_end(m, index), Vec::new()),
        }
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
        let mine = with(&[("k20", Some("-1"))], None);
        let theirs = with(&[("k21", Some("-2")), ("k30", None)], Some((11, "new", "true")));
        let want =
            with(&[("k20", Some("-1")), ("k21", Some("-2")), ("k30", None)], Some((11, "new", "true")));
        assert_eq!(clean(&doc(base.clone()), &mine, &theirs), want);
    }

    /// Changes on adjacent lines, which a line merge cannot combine, are settled on the text:
    /// the merge never falls back to parsing the documents into trees (a 10 MiB document once
    /// took 650 MiB that way).
    #[test]
    fn adjacent_changes_are_spliced_without_trees() {
        use super::super::lazy::{self, Lazy};
        let base = "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": 2\n  },\n  \"b\": [1, 2]\n}\n";
        let mine = base.replace("\"x\": 1", "\"x\": 10");
        let theirs = base.replace("\"y\": 2", "\"y\": 20").replace("\"b\": [1, 2]", "\"b\": [2]");
        let want = mine.replace("\"y\": 2", "\"y\": 20").replace("\"b\": [1, 2]", "\"b\": [2]");
        assert!(
            super::super::line_merge(base.as_bytes(), mine.as_bytes(), theirs.as_bytes()).conflicts.len()
                == 1
        );
        match lazy::merge(base.as_bytes(), mine.as_bytes(), theirs.as_bytes()) {
            Lazy::Done(MergeOutcome::Clean(text)) => assert_eq!(String::from_utf8(text).unwrap(), want),
            _ => panic!("left to the trees"),
        }
        assert_eq!(clean(base, &mine, &theirs), want);
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
