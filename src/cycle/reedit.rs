//! Re-editing until the text can be sent: valid JSON for a JSON type and no conflict markers.
//! Used for the first edit, for `[e]dit merged` in the conflict flow, and by the demo; the
//! editor itself is `editor`'s.

use crate::editor::Editor;
use crate::error::Error;
use crate::interrupt;
use crate::session::Session;

/// Opens the editor until the text is acceptable: valid JSON for a JSON type, no conflict
/// markers. Invalid text is never discarded: the user is offered the editor again, and a
/// refusal hands the text back with the error. A file emptied (or left with only whitespace)
/// comes back empty, unchecked: the caller takes it as a cancel, as `kubectl edit` does.
pub async fn edit_until_valid(
    session: &Session,
    start: &[u8],
    suffix: &str,
    json: bool,
) -> Result<Vec<u8>, (Error, Vec<u8>)> {
    let editor = Editor::from_env().map_err(|e| (e, start.to_vec()))?;
    let mut text = start.to_vec();
    loop {
        let edited = editor.edit(&text, suffix).await.map_err(|e| (e, text.clone()))?;
        text = edited.text;
        if let Some(err) = edited.failure {
            return Err((err, text));
        }
        if text.trim_ascii().is_empty() {
            return Ok(Vec::new());
        }
        let Some(problem) = problem(&text, json) else { return Ok(text) };
        session.ui.warn(&problem);
        let again = session.settings.interactive && {
            let ui = session.ui;
            interrupt::guard_blocking(move || ui.confirm("Re-open the editor on your text?", true))
                .await
                .map_err(|e| (e, text.clone()))?
        };
        if !again {
            return Err((
                Error::Editor {
                    message: format!("the edited text was not sent: {problem}"),
                    hints: Vec::new(),
                },
                text,
            ));
        }
    }
}

/// Why an edited text cannot be sent, if it cannot.
fn problem(text: &[u8], json: bool) -> Option<String> {
    if crate::merge::has_conflict_markers(text) {
        return Some(
            "the text still has conflict markers (<<<<<<< … >>>>>>>); resolve them first".to_string(),
        );
    }
    if json && let Err(e) = crate::media::check_json(text) {
        return Some(format!("invalid JSON: {e}"));
    }
    None
}
