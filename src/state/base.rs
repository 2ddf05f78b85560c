//! Base bodies: kept in full up to a size limit (where they can serve a merge, a patch, a diff),
//! and above it only as a SHA-256 digest in the record, which still tells "the server holds our
//! base" (nobody changed it) and "the body equals the base" (nothing to send) apart from a real
//! change. The digest also checks a full base file against its record, so a base lost or torn
//! by a power loss reads as a digest-only base, never as the wrong base.

use std::io::Write;
use std::sync::mpsc::SyncSender;
use std::thread::JoinHandle;

use bytes::Bytes;

use sha2::{Digest, Sha256};

use crate::error::{IoResultExt, Result};

/// The environment variable for [`DEFAULT_BASE_LIMIT`]'s override (also `--base-limit`).
pub const BASE_LIMIT_ENV: &str = "IFMATCH_BASE_LIMIT";
/// Bodies up to this size are kept in full as bases; larger ones as their digest.
pub const DEFAULT_BASE_LIMIT: u64 = 16 << 20;

/// A stored base: the body itself, or only its digest and length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    Full(Vec<u8>),
    Digest { sha256: [u8; 32], len: u64 },
}

impl Base {
    /// The body, when it is kept in full.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Base::Full(bytes) => Some(bytes),
            Base::Digest { .. } => None,
        }
    }

    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            Base::Full(bytes) => Some(bytes),
            Base::Digest { .. } => None,
        }
    }

    pub fn len(&self) -> u64 {
        match self {
            Base::Full(bytes) => bytes.len() as u64,
            Base::Digest { len, .. } => *len,
        }
    }

    pub fn sha256(&self) -> [u8; 32] {
        match self {
            Base::Full(bytes) => Sha256::digest(bytes).into(),
            Base::Digest { sha256, .. } => *sha256,
        }
    }

    /// Whether `body` is exactly this base.
    #[cfg(test)]
    pub fn matches(&self, body: &[u8]) -> bool {
        match self {
            Base::Full(bytes) => bytes == body,
            Base::Digest { sha256, len } => {
                *len == body.len() as u64 && Sha256::digest(body)[..] == sha256[..]
            }
        }
    }
}

/// Lowercase hex of a digest, as records store it.
pub fn hex(sha256: &[u8]) -> String {
    sha256.iter().map(|b| format!("{b:02x}")).collect()
}

/// A digest from its hex form; `None` for anything else.
pub fn parse_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// A base body arriving in chunks: hashed whole, and written to a temp file in the store while
/// it stays within the limit (past it, the temp file is dropped, which removes it). Hand it to
/// [`super::Store::save_streamed`] once complete; dropped unfinished, nothing is left behind.
pub struct BaseWriter {
    pub(super) file: Option<tempfile::NamedTempFile>,
    hasher: Hasher,
    len: u64,
    limit: u64,
    /// The digest and length the body is known to have; a body that turns out otherwise is not
    /// kept, and these are recorded instead.
    expected: Option<([u8; 32], u64)>,
}

impl BaseWriter {
    pub(super) fn new(file: tempfile::NamedTempFile, limit: u64) -> BaseWriter {
        BaseWriter { file: Some(file), hasher: Hasher::new(), len: 0, limit, expected: None }
    }

    /// A writer for a body known by its digest and length (what was sent): the bytes written
    /// are kept as the base only if they are exactly that body, else only the digest is.
    pub(super) fn expecting(mut self, sha256: [u8; 32], len: u64) -> BaseWriter {
        self.expected = Some((sha256, len));
        self
    }

    /// The modification time of the temp file, in the file system's own clock, while it is
    /// still kept.
    pub fn file_time(&self) -> Option<std::time::SystemTime> {
        self.file.as_ref()?.as_file().metadata().and_then(|m| m.modified()).ok()
    }

    /// Takes the next chunk of the body.
    pub fn add(&mut self, chunk: &[u8]) -> Result<()> {
        self.hasher.update(chunk, self.len);
        self.store(chunk)
    }

    /// [`BaseWriter::add`] for a chunk as received, which a large body's hashing thread can
    /// take without a copy.
    pub fn add_received(&mut self, chunk: &bytes::Bytes) -> Result<()> {
        self.hasher.update_shared(chunk, self.len);
        self.store(chunk)
    }

    fn store(&mut self, chunk: &[u8]) -> Result<()> {
        self.len += chunk.len() as u64;
        if self.len > self.limit {
            self.file = None;
        } else if let Some(file) = &mut self.file {
            file.write_all(chunk).context("write", file.path())?;
        }
        Ok(())
    }

    /// The temp file holding the whole body (when within the limit and as expected), its digest
    /// and length.
    pub(super) fn finish(self) -> (Option<tempfile::NamedTempFile>, [u8; 32], u64) {
        let written = (self.hasher.finalize(), self.len);
        match self.expected {
            Some(expected) if expected != written => (None, expected.0, expected.1),
            _ => (self.file, written.0, written.1),
        }
    }
}

/// The digest of a body as it arrives. SHA-256 is most of what a large download costs the
/// client, so past [`Hasher::THREAD_AFTER`] bytes it runs on a thread of its own, beside the
/// receiving and writing, fed the chunks in order through a short queue.
enum Hasher {
    /// Hashing where the chunks arrive; `alone`: no thread is to be started (none could be had).
    Inline {
        sha: Sha256,
        alone: bool,
    },
    Thread {
        chunks: SyncSender<Bytes>,
        hashed: JoinHandle<Sha256>,
    },
}

impl Hasher {
    /// Bodies up to this many bytes are hashed where they arrive: a thread costs more.
    const THREAD_AFTER: u64 = 1 << 20;
    /// Chunks queued for the thread at most (a chunk is at most a read buffer, some 100 KiB).
    const QUEUE: usize = 2;

    fn new() -> Hasher {
        Hasher::Inline { sha: Sha256::new(), alone: false }
    }

    /// Hashes `chunk`, which comes after `len` bytes of the body.
    fn update(&mut self, chunk: &[u8], len: u64) {
        self.switch(len);
        match self {
            Hasher::Inline { sha, .. } => sha.update(chunk),
            Hasher::Thread { .. } => self.send(Bytes::copy_from_slice(chunk)),
        }
    }

    /// [`Hasher::update`] for a chunk the thread can share without a copy.
    fn update_shared(&mut self, chunk: &Bytes, len: u64) {
        self.switch(len);
        match self {
            Hasher::Inline { sha, .. } => sha.update(chunk),
            Hasher::Thread { .. } => self.send(chunk.clone()),
        }
    }

    fn send(&mut self, chunk: Bytes) {
        // The thread ends only once the sender is dropped (in `finalize`), so the send fails
        // only if it panicked, which `finalize` then passes on.
        if let Hasher::Thread { chunks, .. } = self {
            let _ = chunks.send(chunk);
        }
    }

    /// Past [`Hasher::THREAD_AFTER`] bytes, hands the hashing to a thread; tried once: when no
    /// thread can be had, the body is hashed where it arrives.
    fn switch(&mut self, len: u64) {
        if let Hasher::Inline { sha, alone } = self
            && !*alone
            && len >= Self::THREAD_AFTER
        {
            match Self::start(sha.clone()) {
                Some(thread) => *self = thread,
                None => *alone = true,
            }
        }
    }

    /// A thread that goes on from `sha`; `None` when no thread can be had (the body is then
    /// hashed where it arrives).
    fn start(sha: Sha256) -> Option<Hasher> {
        let (chunks, queue) = std::sync::mpsc::sync_channel::<Bytes>(Self::QUEUE);
        let hashed = std::thread::Builder::new()
            .name("hash".into())
            .spawn(move || {
                let mut sha = sha;
                for chunk in queue {
                    sha.update(&chunk);
                }
                sha
            })
            .ok()?;
        Some(Hasher::Thread { chunks, hashed })
    }

    fn finalize(self) -> [u8; 32] {
        match self {
            Hasher::Inline { sha, .. } => sha.finalize().into(),
            Hasher::Thread { chunks, hashed } => {
                drop(chunks);
                hashed.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)).finalize().into()
            }
        }
    }
}

impl Write for BaseWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.add(buf).map_err(std::io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads a size such as `16777216`, `64k`, `16M`, `16MiB` or `1G` (binary units).
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return None,
    };
    n.checked_mul(1 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_round_trip_and_match() {
        let body = b"{\"a\": 1}\n";
        let full = Base::Full(body.to_vec());
        let digest = Base::Digest { sha256: full.sha256(), len: body.len() as u64 };
        assert_eq!(parse_hex(&hex(&full.sha256())), Some(full.sha256()));
        assert!(digest.matches(body) && full.matches(body));
        assert!(!digest.matches(b"{\"a\": 2}\n"));
        assert_eq!(parse_hex("zz"), None);
    }

    /// Feeds `body` to `hasher` in chunks of every size, some straddling the switch to a
    /// thread, through both ways in.
    fn feed(hasher: &mut Hasher, body: &[u8]) {
        let (mut at, mut size, mut shared) = (0, 1, false);
        while at < body.len() {
            let end = (at + size).min(body.len());
            if shared {
                hasher.update_shared(&Bytes::copy_from_slice(&body[at..end]), at as u64);
            } else {
                hasher.update(&body[at..end], at as u64);
            }
            (at, size, shared) = (end, size * 3 + 1, !shared);
        }
    }

    /// A body hashed partly where it arrives and partly on the thread: the digest of the whole.
    #[test]
    fn a_large_body_hashed_on_a_thread_has_the_digest_of_the_whole() {
        let body: Vec<u8> =
            (0..(3 * Hasher::THREAD_AFTER as usize + 12345)).map(|i| (i * 7 + i / 251) as u8).collect();
        let digest = <[u8; 32]>::from(Sha256::digest(&body));
        let mut hasher = Hasher::new();
        feed(&mut hasher, &body);
        assert!(matches!(hasher, Hasher::Thread { .. }), "the thread took over");
        assert_eq!(hasher.finalize(), digest);
        // Where no thread could be had, it is not tried again, and the digest is the same.
        let mut alone = Hasher::Inline { sha: Sha256::new(), alone: true };
        feed(&mut alone, &body);
        assert!(matches!(alone, Hasher::Inline { .. }));
        assert_eq!(alone.finalize(), digest);
        // And a small body never starts one.
        let mut small = Hasher::new();
        small.update(b"abc", 0);
        assert!(matches!(small, Hasher::Inline { .. }));
        assert_eq!(small.finalize(), <[u8; 32]>::from(Sha256::digest(b"abc")));
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("16M"), Some(16 << 20));
        assert_eq!(parse_size("16MiB"), Some(16 << 20));
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("64k"), Some(64 << 10));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("3 parsecs"), None);
    }
}
