//! The same results as text for people: [`render`] prints a result as its `--json` object, or
//! as the lines [`Render::text`] makes of the same value — data on stdout, notes and hints on
//! stderr. So what a script reads and what a person reads cannot drift apart.

use super::{ServeReport, StateForget, StateList, StatePath, StateShow};
use crate::error::Result;
use crate::ui::Ui;

/// One line of a result's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Data, on stdout (no line ending: it is added).
    Out(String),
    /// A note on stderr (`ifmatch: …`), left out by `--quiet`.
    Note(String),
    /// A next step on stderr (`hint: …`), left out by `--quiet`.
    Hint(String),
}

/// A result that can be shown as text as well as JSON.
pub trait Render: serde::Serialize {
    /// The lines a person sees, in order.
    fn text(&self) -> Vec<Line>;
}

/// Prints `value`: its `--json` object when `json`, else its text.
pub fn render<T: Render>(value: &T, json: bool, ui: Ui) -> Result<()> {
    if json {
        return super::print(value);
    }
    let mut out = String::new();
    for line in value.text() {
        match line {
            Line::Out(text) => {
                out.push_str(&text);
                out.push('\n');
            }
            Line::Note(text) => ui.note(&text),
            Line::Hint(text) if !crate::ui::quiet() => ui.line(&format!("hint: {text}")),
            Line::Hint(_) => {}
        }
    }
    if out.is_empty() { Ok(()) } else { crate::stdio::write(out.as_bytes()) }
}

impl Render for StatePath {
    fn text(&self) -> Vec<Line> {
        vec![Line::Out(self.path.clone())]
    }
}

impl Render for StateList {
    fn text(&self) -> Vec<Line> {
        if self.records.is_empty() && self.origins.is_empty() {
            return vec![Line::Note("the state store is empty; `ifmatch get URL` adds a resource".into())];
        }
        let records = self.records.iter().map(|r| {
            let stale = if r.stale { " (stale)" } else { "" };
            let accept = r.accept.as_deref().map(|a| format!(" [Accept: {a}]")).unwrap_or_default();
            Line::Out(format!(
                "{}{accept}\t{}{stale}\t{}",
                r.url,
                r.etag.as_deref().unwrap_or("-"),
                r.fetched_at
            ))
        });
        // What write probes proved per origin, after the resources.
        let origins = self
            .origins
            .iter()
            .map(|v| Line::Out(format!("{}\t{} (write probe)\t{}", v.origin, v.describe(), v.checked_at)));
        records.chain(origins).collect()
    }
}

impl Render for StateShow {
    fn text(&self) -> Vec<Line> {
        let recovered = self.recovered.iter().map(|path| Line::Out(format!("recovered:     {path}")));
        let Some(record) = &self.shown else {
            // Forgotten, but edits were kept: they are what the user is looking for.
            let url = self.head.url.as_deref().unwrap_or_default();
            return std::iter::once(Line::Note(format!("no record of {url}, but saved edits:")))
                .chain(recovered)
                .collect();
        };
        let mut lines = vec![format!("url:           {}", record.url)];
        if let Some(a) = &record.accept {
            lines.push(format!("accept:        {a}"));
        }
        lines.push(format!("etag:          {}", record.etag.as_deref().unwrap_or("(none)")));
        lines.push(format!("last-modified: {}", record.last_modified.as_deref().unwrap_or("(none)")));
        lines.push(format!("content-type:  {}", record.content_type.as_deref().unwrap_or("(none)")));
        lines.push(format!("fetched at:    {}", record.fetched_at));
        let stale = if record.stale { "yes (the next write refetches first)" } else { "no" };
        lines.push(format!("stale:         {stale}"));
        lines.push(format!("base:          {} bytes", record.base_len.unwrap_or(0)));
        for v in &self.versions {
            let tag = v.etag.as_deref().or(v.last_modified.as_deref()).unwrap_or("(no validator)");
            let base = if v.base_len.is_some() { "" } else { ", no base kept" };
            lines.push(format!("version:       {tag} (seen {}{base})", httpdate::fmt_http_date(v.seen())));
        }
        if let Some(v) = &self.write_probe_verdict {
            lines.push(format!("write probe:   {} on {} ({})", v.describe(), v.origin, v.checked_at));
        }
        lines.into_iter().map(Line::Out).chain(recovered).collect()
    }
}

impl Render for StateForget {
    fn text(&self) -> Vec<Line> {
        if let Some(v) = &self.forgot_write_probe_verdict {
            return vec![Line::Note(format!(
                "forgot the write probe verdict for {} ({}, {})",
                v.origin,
                v.describe(),
                v.checked_at
            ))];
        }
        let url = self.forgot.as_deref().unwrap_or_default();
        let mut lines = vec![Line::Note(format!("forgot {url}"))];
        let (removed, kept) = (&self.recovered_removed, &self.recovered_kept);
        if !removed.is_empty() {
            lines.push(Line::Note(format!(
                "deleted {} recovered edit(s): {}",
                removed.len(),
                removed.join(", ")
            )));
        }
        if !kept.is_empty() {
            lines.push(Line::Note(format!("kept {} recovered edit(s): {}", kept.len(), kept.join(", "))));
            lines.push(Line::Hint(format!(
                "resume with `ifmatch edit {url} --resume`, or delete them with `ifmatch state forget {url} --recovered`"
            )));
        }
        lines
    }
}

impl Render for ServeReport {
    fn text(&self) -> Vec<Line> {
        vec![Line::Out(self.head.url.clone().unwrap_or_default())]
    }
}
