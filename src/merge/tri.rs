//! Three texts that are mostly the same — the base's, mine's and theirs' version of a
//! conflicting JSON merge, written by `present` — held as the bytes they share with the few
//! places where they differ apart, and merged by lines looking only at the lines around those
//! places: the shared text before and after them is copied through.

use super::{line_merge, merge_options, relabel, window};

/// Lines of shared text kept on each side of the differing places when they are merged by
/// lines: more than the widest window `window.rs` looks at, so that what it decides on them
/// is what it decides on the whole texts.
const MARGIN: usize = 1024;

/// Three texts that are mostly the same: `common`, with `pieces` inserted where they differ.
#[derive(Default)]
pub(super) struct Tri {
    pub(super) common: Vec<u8>,
    /// In order of where they go in `common`, at most one a place.
    pieces: Vec<Piece>,
}

/// The base's, mine's and theirs' text at one place of `common`.
struct Piece {
    at: usize,
    texts: [Vec<u8>; 3],
}

impl Tri {
    /// Appends `texts`, to `common` when they are the same.
    pub(super) fn split(&mut self, texts: [Vec<u8>; 3]) {
        if texts[0] == texts[1] && texts[1] == texts[2] {
            self.common.extend_from_slice(&texts[0]);
            return;
        }
        let at = self.common.len();
        match self.pieces.last_mut() {
            Some(last) if last.at == at => {
                for (mine, more) in last.texts.iter_mut().zip(texts) {
                    mine.extend_from_slice(&more);
                }
            }
            _ => self.pieces.push(Piece { at, texts }),
        }
    }

    /// Version `x`'s text for `start..end` of `common` (with the pieces that go there), as
    /// slices.
    fn chunks(&self, x: usize, start: usize, end: usize) -> Vec<&[u8]> {
        let mut chunks = Vec::new();
        let mut at = start;
        for piece in self.pieces.iter().filter(|p| p.at >= start && p.at <= end) {
            chunks.push(&self.common[at..piece.at]);
            chunks.push(piece.texts[x].as_slice());
            at = piece.at;
        }
        chunks.push(&self.common[at..end]);
        chunks
    }

    fn text(&self, x: usize, start: usize, end: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in self.chunks(x, start, end) {
            out.extend_from_slice(chunk);
        }
        out
    }

    /// `line_merge` of the three texts, when it has conflict markers (`present` otherwise
    /// falls back to the line merge of the documents themselves). Only the lines around the
    /// pieces are merged: the texts share the rest.
    pub(super) fn line_merge(self) -> Option<Vec<u8>> {
        let (first, last) = (self.pieces.first()?.at, self.pieces.last()?.at);
        let len = self.common.len();
        let whole = [0, 1, 2].map(|x| self.chunks(x, 0, len));
        let longest = whole.iter().map(|chunks| longest_marker_run(chunks)).max().unwrap_or(0);
        let probe = longest.max(7) + 1;
        // `line_ending(&[mine, theirs, base])`.
        let eol = [1, 2, 0].iter().find_map(|&x| line_ending(&whole[x])).unwrap_or(b"\n");
        let opts = merge_options(probe);

        let start = line_start_before(&self.common[..first], MARGIN);
        let end = last + line_end_after(&self.common[last..], MARGIN);
        let [base, mine, theirs] = [0, 1, 2].map(|x| self.text(x, start, end));
        let raw = match window::merge_windows(&opts, &base, &mine, &theirs) {
            Some(Ok(_)) => return None,
            Some(Err(raw)) => raw,
            // The window would be the whole texts: merge them whole.
            None => {
                drop((base, mine, theirs));
                let [base, mine, theirs] = [0, 1, 2].map(|x| self.text(x, 0, len));
                let merged = line_merge(&base, &mine, &theirs);
                return (!merged.conflicts.is_empty()).then_some(merged.text);
            }
        };
        let merged = relabel(&raw, probe, eol);
        if merged.conflicts.is_empty() {
            return None;
        }
        // The shared text before and after, around the merged lines, in `common`'s own memory.
        let mut out = self.common;
        out.splice(start..end, merged.text);
        Some(out)
    }
}

/// `super::longest_marker_run` of the concatenation of `chunks`.
fn longest_marker_run(chunks: &[&[u8]]) -> usize {
    let (mut longest, mut run, mut current) = (0, 0, 0u8);
    for chunk in chunks {
        let mut i = 0;
        while i < chunk.len() {
            let c = chunk[i];
            if !super::is_marker_char(c) {
                run = 0;
                // Straight to the next marker character.
                i = super::find_marker_char(&chunk[i..]).map_or(chunk.len(), |n| i + n);
                continue;
            }
            run = if run > 0 && c == current { run + 1 } else { 1 };
            current = c;
            longest = longest.max(run);
            i += 1;
        }
    }
    longest
}

/// `super::line_ending` of the concatenation of `chunks`, when it has a line break.
fn line_ending(chunks: &[&[u8]]) -> Option<&'static [u8]> {
    let mut previous = 0u8;
    for chunk in chunks {
        if let Some(i) = chunk.iter().position(|&b| b == b'\n') {
            let before = if i > 0 { chunk[i - 1] } else { previous };
            return Some(if before == b'\r' { b"\r\n" } else { b"\n" });
        }
        previous = chunk.last().copied().unwrap_or(previous);
    }
    None
}

/// The start of a line of `text` with `lines` line breaks after it, or 0.
fn line_start_before(text: &[u8], lines: usize) -> usize {
    let mut breaks = text.iter().enumerate().rev().filter(|(_, b)| **b == b'\n');
    breaks.nth(lines).map_or(0, |(i, _)| i + 1)
}

/// The length of the first `lines` lines of `text`, line breaks included, or of all of it.
fn line_end_after(text: &[u8], lines: usize) -> usize {
    let mut breaks = text.iter().enumerate().filter(|(_, b)| **b == b'\n');
    breaks.nth(lines.saturating_sub(1)).map_or(text.len(), |(i, _)| i + 1)
}
