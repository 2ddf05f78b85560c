//! The command's data streams: reading FILE or stdin, and every write to stdout. stdout carries
//! only pipeable data (bodies, diffs, reports, `--json` objects), and a reader that goes away
//! (`ifmatch state list | head -1`) is not a failure: a write to a closed pipe becomes
//! [`Error::closed_pipe`], which unwinds the command (dropping its temp files, recording nothing);
//! `main` then ends the process quietly with status 0. Messages for people go to stderr through `ui`.

use std::io::{Read, Write};
use std::path::Path;

use crate::error::{Error, IoResultExt, Result};

/// Writes `bytes` to stdout and flushes.
pub fn write(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush()).map_err(write_error)
}

/// Writes one line of text to stdout.
pub fn line(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).map_err(write_error)
}

/// The error for a failed write to stdout: [`Error::closed_pipe`] when the reader went away.
pub fn write_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::closed_pipe()
    } else {
        Error::io("write to", "stdout", e)
    }
}

/// Reads FILE, or stdin for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).context("read", "stdin")?;
        Ok(buf)
    } else {
        std::fs::read(path).context("read", path)
    }
}
