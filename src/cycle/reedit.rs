//! Re-editing until the text can be sent: valid JSON for a JSON type and no conflict markers.
//! Used for the first edit, for `[e]dit merged` in the conflict flow, and by the demo; the
//! editor itself is `editor`'s.

use crate::editor::Editor;
use crate::error::Error;
use crate::interrupt;
use crate::session::Session;

/// Opens the editor until the text is acceptable: valid JSON for a JSON type, and none of the
/// conflict markers ifmatch put into it left. `merged_from` names the versions `start` was
/// merged from when ifmatch inserted markers into it (`None` when it inserted none): marker
/// lines those versions hold are the document's own content and never block. Invalid text
/// is never discarded: the user is offered the editor again, and a refusal hands the text back with the error. A file emptied (or left with only whitespace)
/// comes back empty, unchecked: the caller takes it as a cancel, as `kubectl edit` does.
pub async fn edit_until_valid(
    session: &Session,
    start: &[u8],
    suffix: &str,
    json: bool,
    merged_from: Option<&[&[u8]]>,
) -> Result<Vec<u8>, (Error, Vec<u8>)> {
    let editor = Editor::from_env().map_err(|e| (e, start.to_vec()))?;
    let mut text = start.to_vec();
    // After an invalid save: the problem, as comment lines above the text, and its line.
    let mut header: Option<(String, Option<usize>)> = None;
    loop {
        let (opened, line) = match &header {
            Some((comments, line)) => ([comments.as_bytes(), &text].concat(), *line),
            None => (text.clone(), None),
        };
        let edited = editor.edit_at(&opened, suffix, line).await.map_err(|e| (e, text.clone()))?;
        text = strip_header(&edited.text).to_vec();
        if let Some(err) = edited.failure {
            return Err((err, text));
        }
        if text.trim_ascii().is_empty() {
            return Ok(Vec::new());
        }
        let Some(problem) = problem(&text, json, merged_from) else { return Ok(text) };
        session.ui.warn(&problem.message);
        let again = session.settings.interactive && {
            let ui = session.ui;
            interrupt::guard_blocking(move || ui.confirm("Re-open the editor on your text?", true))
                .await
                .map_err(|e| (e, text.clone()))?
        };
        if !again {
            return Err((Error::editor(format!("the edited text was not sent: {}", problem.message)), text));
        }
        let comments = header_for(&problem.message);
        let line = problem.line.map(|line| line + comments.lines().count());
        header = Some((comments, line));
    }
}

/// The last line of the header put above a text that could not be sent: it and the comment
/// lines above it are removed before the text is read back.
const HEADER_END: &str = "# ---- ifmatch removes this line and the comment lines above it ----";

/// The header shown above a text that could not be sent, kubectl-edit style.
fn header_for(problem: &str) -> String {
    let mut header = String::new();
    for line in format!("ifmatch could not send this text: {problem}").lines() {
        header += &format!("# {line}\n");
    }
    header += "# Fix it and save; save an empty file to cancel the edit.\n";
    header += HEADER_END;
    header += "\n";
    header
}

/// `text` without the header `header_for` put on top, if it is still there: the comment
/// lines at the very top, down to and including the `HEADER_END` line.
fn strip_header(text: &[u8]) -> &[u8] {
    let mut offset = 0;
    for line in text.split_inclusive(|&b| b == b'\n') {
        if !line.starts_with(b"#") {
            break;
        }
        offset += line.len();
        if line.trim_ascii_end() == HEADER_END.as_bytes() {
            return &text[offset..];
        }
    }
    text
}

/// Why a text cannot be sent, and the line (1-based) to look at.
struct Problem {
    message: String,
    line: Option<usize>,
}

/// Why an edited text cannot be sent, if it cannot.
fn problem(text: &[u8], json: bool, merged_from: Option<&[&[u8]]>) -> Option<Problem> {
    if merged_from.is_some_and(|versions| crate::merge::has_new_conflict_markers(text, versions)) {
        // The first of the markers a merge writes (the document may have its own before it).
        let line = text
            .split(|&b| b == b'\n')
            .position(|l| l.strip_suffix(b"\r").unwrap_or(l) == b"<<<<<<< mine")
            .map(|i| i + 1);
        return Some(Problem {
            message: "the text still has conflict markers (<<<<<<< … >>>>>>>); resolve them first"
                .to_string(),
            line,
        });
    }
    if json && let Err(e) = crate::media::check_json(text) {
        return Some(Problem { message: format!("invalid JSON: {e}"), line: Some(e.line) });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_stripped_only_whole_and_on_top() {
        let header = header_for("invalid JSON: expected a key in quotes at line 1, column 2");
        let text = b"{x: 1}\n";
        assert_eq!(strip_header(&[header.as_bytes(), text].concat()), text);
        // Edited comment lines above the marker go too.
        let edited = format!("# my note\n{header}");
        assert_eq!(strip_header(&[edited.as_bytes(), text].concat()), text);
        // Without the marker line nothing is removed.
        let no_marker = b"# a comment\n{}\n";
        assert_eq!(strip_header(no_marker), no_marker);
        // A marker below content is content.
        let below = format!("{{}}\n{HEADER_END}\n");
        assert_eq!(strip_header(below.as_bytes()), below.as_bytes());
    }
}
