//! `ifmatch get URL [-o FILE]`: fetch, print or save the body byte-exact, record the validators
//! and the base body.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::cli::GetArgs;
use crate::error::{Error, IoResultExt, Result};
use crate::fsutil::Stamp;
use crate::http::Piece;
use crate::session::{Outcome, Report, Session, json_when_versioned, new_record, parse_url};
use crate::state::CopyBase;
use crate::stdio;

pub async fn run(session: &Session, args: &GetArgs) -> Result<()> {
    let url = parse_url(&args.url)?;
    let to_stdout = args.output.as_ref().is_none_or(|p| p.as_os_str() == "-");
    if session.settings.json && to_stdout {
        // `--json` promises exactly one JSON object on stdout, where the body would go too.
        return Err(Error::usage(
            "`get --json` needs -o FILE: stdout holds the JSON report, so the body cannot go there too",
            format!("save the body to a file: ifmatch get {url} -o FILE --json"),
        ));
    }
    let key = session.key(&url);
    let previous = session.store.load(&key)?;
    let before = previous.as_ref().and_then(|r| r.etag.clone());
    let target = match &args.output {
        Some(path) if path.as_os_str() != "-" && !names_stdout(path)? => Some(path.as_path()),
        _ => None,
    };
    let mut output = match target {
        Some(path) => Output::file(path)?,
        None => Output::Stdout { terminal: std::io::stdout().is_terminal() },
    };
    // The file system's time, read before FILE is (see `WorkingCopy`).
    let clock = output.clock();
    let mut first_check = match target {
        Some(path) if !args.force => WorkingCopy::first_check(session, path, clock)?,
        _ => FirstCheck::Done(None),
    };
    let mut download = session.client.open(&url).await?;
    // The body streams to its destination and to the store's base at once, so a large
    // resource is never held in memory. Any failure (Ctrl-C, a closed pipe) drops both temp
    // files and records nothing.
    let mut base = session.store.base_writer()?;
    // When this version became known, before any of its body is passed on (a pipe's reader
    // may write a file derived from it before this run ends), in the file system's own clock —
    // the one a derived file's modification time is compared with.
    let seen = base.file_time().unwrap_or_else(SystemTime::now);
    let copy = output.regular_file();
    if args.include {
        stdio::write(download.status_and_headers().as_bytes())?;
    }
    // JSON for a person at a terminal is shown indented and colored, like xh does; everywhere
    // else (and with --raw) the body is written as received.
    let mut shown: Option<Vec<u8>> = (matches!(output, Output::Stdout { terminal: true })
        && !args.raw
        && crate::media::is_json(download.content_type.as_deref()))
    .then(Vec::new);
    let progress = progress_bar(download.content_length, !to_stdout);
    let mut bytes = 0usize;
    // A copy of a small body, to find a version field in it.
    let mut small = Vec::new();
    // Into a temp file, a body cut off part-way can be fetched again from the start (--retry);
    // on stdout or into a pipe, what was written cannot be taken back.
    let restartable = matches!(output, Output::File { .. });
    loop {
        let chunk = match session.client.next_piece(&mut download, restartable).await? {
            Piece::Data(chunk) => chunk,
            Piece::End => break,
            Piece::Restart => {
                output.restart()?;
                base = session.store.base_writer()?;
                bytes = 0;
                small.clear();
                if let Some(bar) = &progress {
                    bar.reset();
                    if let Some(len) = download.content_length {
                        bar.set_length(len);
                    }
                }
                continue;
            }
        };
        if bytes == 0 && matches!(output, Output::Stdout { terminal: true }) && looks_binary(&chunk) {
            return Err(Error::usage(
                format!("{url} is binary, and binary output can mess up your terminal"),
                format!("use -o FILE, or pipe it: ifmatch get {url} -o FILE"),
            ));
        }
        bytes += chunk.len();
        // A body announced or found larger than the limit is never scanned: no copy is kept,
        // so a large download holds only a chunk at a time.
        let announced_small = download.content_length.is_none_or(|n| n <= VERSION_SCAN_LIMIT as u64);
        if bytes <= VERSION_SCAN_LIMIT && announced_small {
            small.extend_from_slice(&chunk);
        } else if small.capacity() > 0 {
            small = Vec::new();
        }
        match &mut shown {
            Some(shown) => shown.extend_from_slice(&chunk),
            None => output.write(&chunk)?,
        }
        base.add_received(&chunk)?;
        first_check.poll()?;
        if let Some(bar) = &progress {
            bar.set_position(bytes as u64);
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    // The download can take a while: FILE may have been changed meanwhile.
    let checked = first_check.finish()?;
    if let Some(path) = target
        && !args.force
    {
        WorkingCopy::last_check(session, path, clock, checked)?;
    }
    if let Some(shown) = shown {
        match crate::pretty::json(&shown, session.settings.color_stdout) {
            Some(pretty) => output.write(pretty.as_bytes())?,
            None => output.write(&shown)?,
        }
    }
    output.finish()?;
    let fetched = download.head();
    let mut record = new_record(&key, &fetched);
    record.seen = Some(seen);
    let scanned = (bytes <= VERSION_SCAN_LIMIT && bytes == small.len()).then_some(&small[..]);
    record.version_field = session.version_field(&fetched, scanned, previous.as_ref());
    json_when_versioned(&mut record);
    // FILE now holds this version: a later `put FILE` writes against it, whatever a later `get`
    // of the same URL stores meanwhile.
    if let Err(err) = session.store.save_streamed_with_copy(&key, &mut record, base, copy.as_deref())? {
        // The body is saved and recorded; only the next put's extra check is weaker.
        session.ui.warn(&format!("could not note which version the file holds: {err}"));
    }
    session.warn_about_validators(&fetched, record.version_field.as_deref(), scanned);
    session.emit(&Report {
        command: "get",
        url: url.to_string(),
        outcome: Outcome::Fetched,
        status: Some(fetched.status),
        etag_before: before,
        etag: fetched.etag.as_ref().map(|t| t.to_string()),
        attempts: 0,
        bytes,
        cache: fetched.cache.clone(),
        ..Report::default()
    })
}

/// FILE as a working copy ifmatch wrote (by `get -o` or `put`): the URL it was written from and
/// the base it was written with.
///
/// `get -o` refuses to replace a working copy whose content has changed since: those are the
/// user's changes, not yet written anywhere. A file ifmatch never wrote is replaced, as `curl -o`
/// does; an unchanged working copy is refreshed.
///
/// FILE is checked before the download and again after it, before it is replaced (it may have
/// been changed meanwhile). Reading a large working copy twice, or before the download starts,
/// would cost more than the download's own work, so:
/// - a working copy whose length alone tells it changed, or a small one, is checked before the
///   request is sent; a large one is read beside the download ([`FirstCheck`]), which stops as
///   soon as that finds a change;
/// - that first check returns FILE's [`Stamp`] when it found FILE unchanged and FILE had last
///   been written before `clock` (the file system's time, read before FILE was): the second
///   check reads FILE again only if the stamp moved.
struct WorkingCopy {
    file: PathBuf,
    url: String,
    base: CopyBase,
}

/// What comparing a working copy with its base found.
enum Verdict {
    Changed,
    /// Unchanged, with FILE's stamp when it vouches for that (see [`WorkingCopy`]).
    Unchanged(Option<Stamp>),
}

/// Working copies up to this size are compared before the request is sent.
const COMPARE_FIRST: u64 = 1 << 20;

impl WorkingCopy {
    /// The working copy at `file`, if ifmatch wrote one there.
    fn at(session: &Session, file: &Path) -> Result<Option<WorkingCopy>> {
        if !std::fs::metadata(file).is_ok_and(|m| m.is_file()) {
            return Ok(None);
        }
        let copy = session.store.copy_at(file)?;
        Ok(copy.map(|(url, base)| WorkingCopy { file: file.to_path_buf(), url, base }))
    }

    /// The first check: before the request when cheap, else started beside the download.
    fn first_check(session: &Session, file: &Path, clock: Option<(i64, i64)>) -> Result<FirstCheck> {
        let Some(copy) = WorkingCopy::at(session, file)? else { return Ok(FirstCheck::Done(None)) };
        let len = std::fs::metadata(file).context("inspect", file)?.len();
        let base_len = match &copy.base {
            CopyBase::File(path) => std::fs::metadata(path).context("inspect", path)?.len(),
            CopyBase::Digest(digest) => digest.len(),
        };
        if len != base_len {
            return Err(copy.refusal());
        }
        if len <= COMPARE_FIRST {
            return match copy.compare(clock, None)? {
                Verdict::Changed => Err(copy.refusal()),
                Verdict::Unchanged(stamp) => Ok(FirstCheck::Done(stamp)),
            };
        }
        let reading = std::thread::spawn(move || {
            let verdict = copy.compare(clock, None);
            (copy, verdict)
        });
        Ok(FirstCheck::Running(Some(reading)))
    }

    /// The check after the download, given what the first check vouched for.
    fn last_check(
        session: &Session,
        file: &Path,
        clock: Option<(i64, i64)>,
        checked: Option<Stamp>,
    ) -> Result<()> {
        let Some(copy) = WorkingCopy::at(session, file)? else { return Ok(()) };
        match copy.compare(clock, checked)? {
            Verdict::Changed => Err(copy.refusal()),
            Verdict::Unchanged(_) => Ok(()),
        }
    }

    /// Whether FILE still holds its base: trusted from `checked` when FILE's stamp has not moved
    /// from it, else read.
    fn compare(&self, clock: Option<(i64, i64)>, checked: Option<Stamp>) -> Result<Verdict> {
        let file = &self.file;
        let before = Stamp::of(file);
        if checked.is_some() && before == checked {
            return Ok(Verdict::Unchanged(checked));
        }
        // Compared a block at a time, or by digest: a working copy can be as large as any
        // download.
        let same = match &self.base {
            CopyBase::File(path) => crate::fsutil::same_content(file, path)?,
            CopyBase::Digest(digest) => crate::upload::file_matches(file, digest)?,
        };
        if !same {
            return Ok(Verdict::Changed);
        }
        // Written while it was read, or too recently to tell a later write apart: not vouched for.
        let after = Stamp::of(file);
        let settled =
            after == before && after.zip(clock).is_some_and(|(stamp, now)| stamp.written_before(now));
        Ok(Verdict::Unchanged(settled.then_some(after).flatten()))
    }

    fn refusal(&self) -> Error {
        let (shown, url) = (self.file.display(), &self.url);
        Error::usage(
            format!(
                "{shown} has changes of yours that are not on the server: it differs from the version of {url} that ifmatch wrote into it; it was left as it is"
            ),
            format!(
                "put it first (`ifmatch put {url} {shown}`); should someone have changed it meanwhile, add --on-conflict merge, or run it on a terminal to choose"
            ),
        )
        .with_hint(format!(
            "or start over from the server's version: copy {shown} elsewhere to keep your changes, then pass --force to replace it"
        ))
    }
}

/// The first check of a working copy (see [`WorkingCopy`]): done, or reading a large FILE on a
/// thread of its own while the body downloads.
enum FirstCheck {
    Done(Option<Stamp>),
    Running(Option<std::thread::JoinHandle<(WorkingCopy, Result<Verdict>)>>),
}

impl FirstCheck {
    /// Fails as soon as the reading has found a change; never waits for it.
    fn poll(&mut self) -> Result<()> {
        if let FirstCheck::Running(reading) = self
            && reading.as_ref().is_some_and(|r| r.is_finished())
        {
            *self = FirstCheck::Done(Self::join(reading.take())?);
        }
        Ok(())
    }

    /// What the first check vouched for, waiting for the reading to end.
    fn finish(self) -> Result<Option<Stamp>> {
        match self {
            FirstCheck::Done(stamp) => Ok(stamp),
            FirstCheck::Running(reading) => Self::join(reading),
        }
    }

    fn join(
        reading: Option<std::thread::JoinHandle<(WorkingCopy, Result<Verdict>)>>,
    ) -> Result<Option<Stamp>> {
        let Some(reading) = reading else { return Ok(None) };
        let (copy, verdict) =
            reading.join().map_err(|_| Error::other("internal: the check of the working copy failed"))?;
        match verdict? {
            Verdict::Changed => Err(copy.refusal()),
            Verdict::Unchanged(stamp) => Ok(stamp),
        }
    }
}

/// `-o /dev/stdout` (or `/dev/fd/1`, `/proc/self/fd/1`) is stdout itself: written through the
/// open descriptor, never renamed over whatever file stdout was redirected to (`>> log` must
/// append, not replace). Other descriptors are refused rather than reopened.
fn names_stdout(path: &Path) -> Result<bool> {
    let text = path.to_string_lossy();
    if matches!(text.as_ref(), "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1") {
        return Ok(true);
    }
    if text.starts_with("/dev/fd/") || text.starts_with("/proc/self/fd/") || text == "/dev/stderr" {
        return Err(Error::usage(
            format!("-o {text} names an open file descriptor, which ifmatch does not reopen"),
            "use -o - (stdout), or redirect stdout: ifmatch get URL > FILE",
        ));
    }
    Ok(false)
}

/// The start of a body that must not be written to a terminal: a NUL, or bytes that are not
/// UTF-8 (a multi-byte character cut off at the end of the chunk is fine).
fn looks_binary(chunk: &[u8]) -> bool {
    chunk.contains(&0) || std::str::from_utf8(chunk).is_err_and(|e| e.error_len().is_some())
}

/// Where the body goes: stdout (also `-o -`), a temp file renamed over FILE when complete (so
/// an interrupted download never leaves half a file under the user's name), or — for a device
/// or a pipe such as `/dev/null` or a FIFO, which must never be replaced by a file — FILE
/// itself, written in place.
enum Output {
    Stdout { terminal: bool },
    File { part: tempfile::NamedTempFile, target: PathBuf, given: PathBuf },
    Special { file: std::fs::File, given: PathBuf },
}

impl Output {
    /// A temp file beside FILE. When FILE is a symlink, the download replaces the file it
    /// points to and the link stays, as `curl -o` and shell redirection do.
    fn file(given: &Path) -> Result<Output> {
        // The kernel resolves the path itself (`/dev/stdout` → a pipe is no name on disk).
        if std::fs::metadata(given).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = std::fs::OpenOptions::new().write(true).open(given).context("open", given)?;
            return Ok(Output::Special { file, given: given.to_path_buf() });
        }
        let target = follow_symlinks(given);
        let part = file_beside(&target, given)?;
        Ok(Output::File { part, target, given: given.to_path_buf() })
    }

    /// The file system's clock at the creation of the temp file beside FILE.
    fn clock(&self) -> Option<(i64, i64)> {
        match self {
            Output::File { part, .. } => Stamp::clock(part.as_file()),
            _ => None,
        }
    }

    /// The regular file the body ends up in, if it goes to one.
    fn regular_file(&self) -> Option<PathBuf> {
        match self {
            Output::File { target, .. } => Some(target.clone()),
            _ => None,
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Output::Stdout { .. } => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes).map_err(stdio::write_error)
            }
            Output::File { part, given, .. } => part.write_all(bytes).context("write", &*given),
            Output::Special { file, given } => file.write_all(bytes).context("write", &*given),
        }
    }

    /// Drops what was written, to write the body again from the start (only a temp file can).
    fn restart(&mut self) -> Result<()> {
        use std::io::Seek;
        match self {
            Output::File { part, given, .. } => {
                let file = part.as_file_mut();
                file.set_len(0).and_then(|()| file.rewind()).context("write", &*given)
            }
            _ => Err(Error::other("internal: only a temp file can be written again")),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Output::Stdout { .. } => std::io::stdout().lock().flush().map_err(stdio::write_error),
            Output::File { part, target, given } => {
                crate::fsutil::persist(part, &target).context("write", &given)?;
                Ok(())
            }
            Output::Special { mut file, given } => file.flush().context("write", &given),
        }
    }
}

/// The file a path finally names, through any chain of symlinks (dangling ones included);
/// the path itself when it is not a symlink.
fn follow_symlinks(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    // Bounded like the kernel's own limit on nested links (ELOOP).
    for _ in 0..40 {
        let is_link = std::fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink());
        let Some(target) = is_link.then(|| std::fs::read_link(&current).ok()).flatten() else {
            return current;
        };
        current = match current.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    current
}

/// A `.part` temp file in `target`'s directory; errors name the path the user gave.
fn file_beside(target: &Path, given: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // A download killed outright (SIGKILL) left its `.part` here: gone once stale.
    crate::fsutil::sweep(dir, &[".part"]);
    let file = crate::fsutil::held_temp(dir, ".part").map_err(|e| {
        let (reason, hint) = if e.kind() == std::io::ErrorKind::NotFound {
            (
                format!("the directory {} does not exist", dir.display()),
                format!(
                    "create it first (mkdir -p {}), or give -o a file in an existing directory",
                    dir.display()
                ),
            )
        } else {
            (e.to_string(), format!("check the permissions of {}, or give -o another path", dir.display()))
        };
        Error::other(format!("cannot write {}: {reason}", given.display())).with_hint(hint)
    })?;
    // A downloaded file keeps the permissions of the file it replaces, or gets the usual 0644,
    // not the temp file's 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(target) {
            Ok(meta) => meta.permissions().mode(),
            Err(_) => 0o644,
        };
        let _ = std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(mode));
    }
    Ok(file)
}

/// A progress bar on stderr for long transfers, only when stderr is a terminal and the body
/// is not going to that same terminal.
fn progress_bar(total: Option<u64>, to_file: bool) -> Option<indicatif::ProgressBar> {
    let big = total.is_none_or(|n| n >= 1 << 20);
    let body_on_terminal = !to_file && std::io::stdout().is_terminal();
    if !std::io::stderr().is_terminal() || body_on_terminal || !big {
        return None;
    }
    let bar = match total {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bytes}/{total_bytes} {wide_bar} {bytes_per_sec} {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Bodies up to this size are looked at for a version field.
const VERSION_SCAN_LIMIT: usize = 16 << 20;
