//! What every command works with: the settings, the HTTP client, the state store and the
//! terminal UI, built once per run. [`Report`], the result shape printed by `--json`, lives in
//! [`crate::report`] and is re-exported here.

use url::Url;

use crate::diff::{self, DiffOptions};
use crate::error::{Error, Result};
use crate::http::Client;
use crate::settings::Settings;
use crate::state::{ResourceKey, Store};
use crate::ui::Ui;

mod fetched;

pub use fetched::{json_when_versioned, new_record};

pub use crate::report::{Outcome, Report};

/// The per-run context.
pub struct Session {
    pub settings: Settings,
    pub client: Client,
    pub store: Store,
    pub ui: Ui,
}

impl Session {
    pub fn new(settings: Settings) -> Result<Session> {
        let client = Client::new(&settings)?;
        let store = Store::open(&settings.state_dir)?
            .with_lock_timeout(settings.lock_timeout)
            .with_base_limit(settings.base_limit);
        let ui = Ui { color: settings.color };
        Ok(Session { settings, client, store, ui })
    }

    /// Records a write the server accepted. The write itself succeeded: a store that cannot
    /// record it (a held lock, a full disk) must not turn that into a failure — which would
    /// keep the text to "resume" and write it again, or make a CI step retry a command. So a
    /// failure here is a warning, and the next write of the resource finds out for itself.
    pub fn record_written(
        &self,
        key: &ResourceKey,
        record: &mut crate::state::Record,
        written: crate::state::Written<'_>,
        base: crate::state::NewBase<'_>,
    ) {
        if let Err(err) = self.store.record_write(key, record, written, base, self.settings.send_weak) {
            self.ui.warn(&format!(
                "written, but the state store could not record it ({err}); run `ifmatch get {}` before the next write",
                record.url
            ));
        }
    }

    /// The resource key for a URL under the current `Accept` header.
    pub fn key(&self, url: &Url) -> ResourceKey {
        ResourceKey::new(url, self.settings.accept())
    }

    /// Prints a unified diff on stderr under a heading; says so when there is no difference.
    /// A long diff is cut to its first [`diff::SHOWN_LINES`] lines and a count of the rest,
    /// with a hint how to see it all, unless `--diff full`. `both_json`: `old` and `new` are
    /// known to be JSON documents the merge reads (see [`DiffOptions::both_json`]).
    pub fn show_diff(
        &self,
        heading: &str,
        (old, new): (&[u8], &[u8]),
        (old_label, new_label): (&str, &str),
        both_json: bool,
    ) {
        if crate::ui::quiet() {
            return;
        }
        let max_lines = (!self.settings.diff_full).then_some(diff::SHOWN_LINES);
        let opts = DiffOptions { color: self.settings.color, max_lines, both_json, ..DiffOptions::default() };
        self.ui.block(&self.section(heading, old, new, (old_label, new_label), &opts));
    }

    /// A heading and the whole unified diff under it (or "(no differences)"): what `[d]iff`
    /// at the conflict prompt pages.
    pub fn diff_section(
        &self,
        heading: &str,
        old: &[u8],
        new: &[u8],
        old_label: &str,
        new_label: &str,
    ) -> String {
        let opts = DiffOptions { color: self.settings.color, max_lines: None, ..DiffOptions::default() };
        self.section(heading, old, new, (old_label, new_label), &opts)
    }

    fn section(
        &self,
        heading: &str,
        old: &[u8],
        new: &[u8],
        (old_label, new_label): (&str, &str),
        opts: &DiffOptions,
    ) -> String {
        let mut section = format!("{}\n", self.ui.bold(heading));
        let diff = diff::render(old, new, old_label, new_label, opts);
        if diff.text.is_empty() {
            section.push_str("  (no differences)\n");
        } else {
            section.push_str(&diff.text);
            if !diff.text.ends_with('\n') {
                section.push('\n');
            }
        }
        if diff.cut {
            section.push_str("hint: --diff full prints all of it (so does [d]iff at the conflict prompt)\n");
        }
        section
    }

    /// Prints the `--json` report on stdout when asked.
    pub fn emit(&self, report: &Report) -> Result<()> {
        if self.settings.json {
            let mut report = report.clone().with_run();
            // Whatever the command, the report says what a write probe proved about the origin.
            if report.write_probe_verdict.is_none()
                && let Ok(url) = url::Url::parse(&report.url)
            {
                report.write_probe_verdict = self.store.origin_verdict(&url);
            }
            crate::report::print(&report)?;
        }
        Ok(())
    }
}

/// The URL as given, completed the way xh and curl users expect: `:8080/x` is localhost,
/// `localhost:8080/x` and `127.0.0.1:8080/x` (any IP address) are http://, other hosts
/// (`example.com/x`) https://. A mistyped scheme (`http//host`, `htp://host`) is an error
/// whose hint is the likely URL.
pub fn complete_url(raw: &str) -> Result<String> {
    if let Some(likely) = mistyped_scheme(raw) {
        return Err(Error::usage(
            format!("{raw:?} is not a valid URL: its scheme looks mistyped"),
            format!("did you mean {likely} ?"),
        ));
    }
    if raw.contains("://") {
        return Ok(raw.to_string());
    }
    if let Some(rest) = raw.strip_prefix(':') {
        return Ok(format!("http://localhost:{rest}"));
    }
    let authority = raw.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let local = host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host.parse::<std::net::IpAddr>().is_ok();
    Ok(format!("{}://{raw}", if local { "http" } else { "https" }))
}

/// The likely URL when `raw` starts with a misspelled `http://` or `https://`: `http//host`,
/// `http:/host`, `http:host`, `htp://host`, `htps://host`, `http:///host`.
fn mistyped_scheme(raw: &str) -> Option<String> {
    let letters = raw.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(raw.len());
    let (scheme, rest) = raw.split_at(letters);
    let lower = scheme.to_ascii_lowercase();
    // Close to http or https: only the letters h, t, p, s, with a t and a p, 3 to 6 of them.
    let http_like = (3..=6).contains(&lower.len())
        && lower.chars().all(|c| "htps".contains(c))
        && lower.contains('t')
        && lower.contains('p');
    if !http_like {
        return None;
    }
    let after = rest.trim_start_matches([':', '/']);
    let separator = &rest[..rest.len() - after.len()];
    let well_formed = separator == "://" && (lower == "http" || lower == "https");
    // "http:8080" is a host named http with a port; anything else after the letters is a typo.
    let host_and_port = separator == ":" && after.starts_with(|c: char| c.is_ascii_digit());
    let typo = !(well_formed || separator.is_empty() || after.is_empty() || host_and_port);
    typo.then(|| format!("{}://{after}", if lower.ends_with('s') { "https" } else { "http" }))
}

/// Parses a URL argument, with a hint for the usual mistakes. Credentials in the URL
/// (`user:pass@`) are removed: `settings` turned them into Basic auth, and the URL is used
/// without them everywhere else (state key, messages, `--json`).
pub fn parse_url(raw: &str) -> Result<Url> {
    let full = complete_url(raw)?;
    let mut url = Url::parse(&full).map_err(|e| {
        let shown = if full == raw { format!("{raw:?}") } else { format!("{raw:?} (as {full})") };
        Error::usage(format!("{shown} is not a valid URL: {e}"), "check the URL's spelling")
    })?;
    match url.scheme() {
        "http" | "https" => {
            // Both only fail for URLs that cannot have credentials.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            Ok(url)
        }
        other => Err(Error::usage(
            format!("ifmatch speaks only HTTP and HTTPS, not the {other}: scheme"),
            "use an http:// or https:// URL",
        )),
    }
}

#[cfg(test)]
mod url_tests {
    use super::complete_url;

    #[test]
    fn urls_without_a_scheme_are_completed_as_xh_does() {
        let full = |raw| complete_url(raw).unwrap();
        assert_eq!(full("localhost:8080/x"), "http://localhost:8080/x");
        assert_eq!(full(":8080/x"), "http://localhost:8080/x");
        assert_eq!(full("127.0.0.1:8080/x"), "http://127.0.0.1:8080/x");
        assert_eq!(full("[::1]:8080/x"), "http://[::1]:8080/x");
        assert_eq!(full("app.localhost/x"), "http://app.localhost/x");
        assert_eq!(full("example.com/x"), "https://example.com/x");
        assert_eq!(full("alice:pw@example.com/x"), "https://alice:pw@example.com/x");
        assert_eq!(full("https://example.com/x"), "https://example.com/x");
        assert_eq!(full("HTTP://example.com/x"), "HTTP://example.com/x");
    }

    #[test]
    fn a_mistyped_scheme_hints_at_the_likely_url() {
        for (raw, likely) in [
            ("http//example.com/x", "http://example.com/x"),
            ("https//example.com/x", "https://example.com/x"),
            ("http:/example.com/x", "http://example.com/x"),
            ("http:example.com/x", "http://example.com/x"),
            ("http:///example.com/x", "http://example.com/x"),
            ("htp://example.com/x", "http://example.com/x"),
            ("htps://example.com/x", "https://example.com/x"),
            ("hhtp://localhost:8080/x", "http://localhost:8080/x"),
        ] {
            let err = complete_url(raw).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(
                err.hints().iter().any(|h| h == &format!("did you mean {likely} ?")),
                "{raw}: {:?}",
                err.hints()
            );
        }
    }
}
