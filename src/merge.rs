//! Three-way merge of base / mine / theirs after a 412: JSON documents merge structurally (see
//! `merge/json.rs`), everything else by lines (diff3) with git-style conflict markers. This
//! module decides and produces bytes; showing the result, asking the user and retrying are left
//! to `conflict` and `ui`.

use std::collections::HashMap;

mod conflicts;
mod json;
pub(crate) mod lazy;
mod present;
mod splice;
mod style;
mod tri;
mod window;

#[cfg(test)]
pub use conflicts::conflicts;
pub use conflicts::{Conflict, Merged, Parsed};

/// Marker lines, as `git merge-file --diff3 -L mine -L base -L theirs` writes them.
const OPEN: &[u8] = b"<<<<<<< mine";
const BASE: &[u8] = b"||||||| base";
const SPLIT: &[u8] = b"=======";
const CLOSE: &[u8] = b">>>>>>> theirs";

/// The result of a three-way merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeOutcome {
    /// Both sides' changes combined with nothing left to decide; safe to send.
    Clean(Vec<u8>),
    /// Something needs a person. `text` is the line merge of the three versions, holding
    /// `<<<<<<< mine` / `||||||| base` / `=======` / `>>>>>>> theirs` blocks where the lines
    /// collide, for the user to edit. `conflicts` says where, one short line each: JSON paths
    /// (`/spec/replicas: mine 3, theirs 5`) for a structural JSON merge, else line ranges of
    /// `text` (`lines 3-9 of the merged text`). Printable as they are: server text in them is
    /// already sanitized.
    ///
    /// A JSON conflict can come with a `text` that has no markers, when the changes collide in
    /// meaning but not in lines (two edits of one array on different lines); such text carries
    /// both sides' edits but must still be reviewed before it is sent.
    Conflicted {
        /// The line merge, with conflict markers where the lines collide.
        text: Vec<u8>,
        /// One description per conflict.
        conflicts: Vec<String>,
    },
}

impl MergeOutcome {
    /// The merged bytes, or the text with conflict markers.
    pub fn text(&self) -> &[u8] {
        match self {
            MergeOutcome::Clean(text) | MergeOutcome::Conflicted { text, .. } => text,
        }
    }
}

/// Merges the changes from `base` to `mine` with those from `base` to `theirs`.
///
/// With `json` and all three versions parsing as JSON, the merge is structural: edits to
/// different keys combine even inside one minified line, and only edits to the same value
/// conflict (arrays count as single values). Otherwise, or when the JSON cannot be rewritten
/// faithfully (duplicate keys, numbers beyond f64 precision), it merges by lines.
///
/// A side that did not change yields the other side's bytes exactly, so an unchanged document
/// is never reformatted.
pub fn merge(base: &[u8], mine: &[u8], theirs: &[u8], json: bool) -> MergeOutcome {
    merge_listed(base, mine, theirs, json).outcome
}

/// [`merge`], with the conflicts it met as data (see [`Merged::conflicts`]), for `--json`.
pub fn merge_listed(base: &[u8], mine: &[u8], theirs: &[u8], json: bool) -> Merged {
    if mine == theirs || base == theirs {
        return Merged::by_lines(MergeOutcome::Clean(mine.to_vec()));
    }
    if base == mine {
        return Merged::by_lines(MergeOutcome::Clean(theirs.to_vec()));
    }
    if json && let Some(merged) = json::merge_listed(base, mine, theirs) {
        return merged;
    }
    let merged = line_merge(base, mine, theirs);
    Merged::by_lines(if merged.conflicts.is_empty() {
        MergeOutcome::Clean(merged.text)
    } else {
        MergeOutcome::Conflicted { text: merged.text, conflicts: merged.conflicts }
    })
}

/// The changes of theirs that did not conflict with mine and that `text` — what a person made
/// of a conflict — reverts, one line each (`/limits/cpu: theirs "2", yours reverts to "1"`).
/// Checked for JSON documents, structurally; empty for other text or when nothing is reverted.
pub fn reverted_changes(base: &[u8], mine: &[u8], theirs: &[u8], text: &[u8], json: bool) -> Vec<String> {
    if !json {
        return Vec::new();
    }
    json::reverted(base, mine, theirs, text).unwrap_or_default()
}

/// True when `text` holds conflict markers that are not content: marker lines beyond those the
/// `references` (the versions a merge was built from) already hold. A document may contain
/// marker lines of its own (a page explaining git, a test fixture); only the ones a merge put
/// in must block a write. A new line with ifmatch's own labels (`<<<<<<< mine`, `||||||| base`,
/// `>>>>>>> theirs`) is always a leftover; otherwise a new opening marker together with a new
/// `=======` or closing marker is.
pub fn has_new_conflict_markers(text: &[u8], references: &[&[u8]]) -> bool {
    let mut counts: HashMap<&[u8], usize> = HashMap::new();
    for line in marker_lines(text) {
        *counts.entry(line).or_default() += 1;
    }
    let new: Vec<&[u8]> = counts
        .into_iter()
        .filter(|(line, n)| {
            let known =
                references.iter().map(|r| marker_lines(r).filter(|l| l == line).count()).max().unwrap_or(0);
            *n > known
        })
        .map(|(line, _)| line)
        .collect();
    let labelled = new.iter().any(|&l| l == OPEN || l == BASE || l == CLOSE);
    let opened = new.iter().any(|l| is_marker(l, b'<'));
    let closed = new.iter().any(|&l| l == SPLIT || is_marker(l, b'>'));
    labelled || (opened && closed)
}

/// The marker lines of `text` (any of `<`, `|`, `=`, `>`), without their line endings.
fn marker_lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| b == b'\n').map(|line| line.strip_suffix(b"\r").unwrap_or(line)).filter(|line| {
        is_marker(line, b'<') || is_marker(line, b'|') || *line == SPLIT || is_marker(line, b'>')
    })
}

/// A marker line: exactly seven `c`, then the end or a space and a label.
fn is_marker(line: &[u8], c: u8) -> bool {
    line.len() >= 7 && line[..7].iter().all(|&b| b == c) && (line.len() == 7 || line[7] == b' ')
}

struct LineMerge {
    text: Vec<u8>,
    /// Empty when the merge is clean.
    conflicts: Vec<String>,
}

/// diff3 by lines, via diffy. diffy labels its markers `ours` / `original` / `theirs` and ends
/// them with a bare LF, so we ask it for markers longer than any run of marker characters in
/// the inputs; every such run in its output is then certainly a marker, and [`relabel`] can
/// rewrite it with our labels and the file's line ending without touching content.
fn line_merge(base: &[u8], mine: &[u8], theirs: &[u8]) -> LineMerge {
    let longest = [base, mine, theirs].iter().map(|t| longest_marker_run(t)).max().unwrap_or(0);
    let probe = longest.max(7) + 1;
    match window::merge_bytes(&merge_options(probe), base, mine, theirs) {
        Ok(text) => LineMerge { text, conflicts: Vec::new() },
        Err(raw) => relabel(&raw, probe, line_ending(&[mine, theirs, base])),
    }
}

/// diffy's diff3 with markers `probe` characters long.
fn merge_options(probe: usize) -> diffy::MergeOptions {
    let mut opts = diffy::MergeOptions::new();
    opts.set_conflict_style(diffy::ConflictStyle::Diff3)
        .set_conflict_marker_length(probe)
        // Markers glued to an incomplete last line; `relabel` moves them to a line of their own.
        .set_incomplete_hunk_style(diffy::IncompleteHunkStyle::Diff3);
    opts
}

fn is_marker_char(b: u8) -> bool {
    matches!(b, b'<' | b'|' | b'=' | b'>')
}

/// Where the first marker character of `text` is. Most documents have few: a block of 32 bytes
/// is first tested whole for `<`, `=`, `>` (with `?`, the fourth of 0x3C..=0x3F) and `|`, a
/// test the compiler turns into wide compares, and only a block that passes is looked through
/// byte by byte.
fn find_marker_char(text: &[u8]) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut blocks = text.chunks_exact(BLOCK);
    for (n, block) in blocks.by_ref().enumerate() {
        let maybe = block.iter().fold(0u8, |any, &b| any | u8::from(b & 0xFC == 0x3C) | u8::from(b == b'|'));
        if maybe != 0
            && let Some(i) = block.iter().position(|&b| is_marker_char(b))
        {
            return Some(n * BLOCK + i);
        }
    }
    let rest = blocks.remainder();
    rest.iter().position(|&b| is_marker_char(b)).map(|i| text.len() - rest.len() + i)
}

fn longest_marker_run(text: &[u8]) -> usize {
    let (mut longest, mut i) = (0, 0);
    while let Some(start) = find_marker_char(&text[i..]).map(|n| i + n) {
        let run = text[start..].iter().take_while(|&&b| b == text[start]).count();
        longest = longest.max(run);
        i = start + run;
    }
    longest
}

/// The line ending of the first of `texts` that has one (git does the same for its markers).
fn line_ending(texts: &[&[u8]]) -> &'static [u8] {
    for text in texts {
        if let Some(i) = text.iter().position(|&b| b == b'\n') {
            return if i > 0 && text[i - 1] == b'\r' { b"\r\n" } else { b"\n" };
        }
    }
    b"\n"
}

/// Rewrites diffy's `probe`-long markers as ours, each on its own line ending in `eol`, and
/// lists the conflicts by the lines they span in the result.
fn relabel(raw: &[u8], probe: usize, eol: &[u8]) -> LineMerge {
    let mut text = Vec::with_capacity(raw.len() + 64);
    let mut conflicts = Vec::new();
    let mut line = 1; // the line that `text` currently ends in
    let mut open_line = 1;
    let mut i = 0;
    while i < raw.len() {
        let next = find_marker_char(&raw[i..]).map_or(raw.len(), |n| i + n);
        line += raw[i..next].iter().filter(|&&b| b == b'\n').count();
        text.extend_from_slice(&raw[i..next]);
        i = next;
        if i == raw.len() {
            break;
        }
        let c = raw[i];
        let run = raw[i..].iter().take_while(|&&b| b == c).count();
        if run < probe {
            text.extend_from_slice(&raw[i..i + run]);
            i += run;
            continue;
        }
        // The run may start with content of an incomplete line that ends in the same character.
        text.extend_from_slice(&raw[i..i + run - probe]);
        if text.last().is_some_and(|&b| b != b'\n') {
            text.extend_from_slice(eol);
            line += 1;
        }
        let marker = match c {
            b'<' => {
                open_line = line;
                OPEN
            }
            b'|' => BASE,
            b'=' => SPLIT,
            _ => {
                conflicts.push(format!("lines {open_line}-{line} of the merged text"));
                CLOSE
            }
        };
        text.extend_from_slice(marker);
        text.extend_from_slice(eol);
        line += 1;
        // Skip diffy's label and its LF.
        i += run;
        i = raw[i..].iter().position(|&b| b == b'\n').map_or(raw.len(), |n| i + n + 1);
    }
    LineMerge { text, conflicts }
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
