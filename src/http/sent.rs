//! What a file body really sent: the file is hashed as it streams out, so the caller knows the
//! exact bytes of each attempt by their digest, however the file changes meanwhile (a user who
//! saves again during a long upload). The body is the length the request announced: a file that
//! grew sends its first bytes up to it, one that got shorter fails the attempt.

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf, Take};

/// The digests of the bodies a file payload sent, shared between the caller and every attempt
/// (each attempt reopens the file and streams it again).
#[derive(Debug, Clone, Default)]
pub struct SentDigest(Arc<Mutex<Sent>>);

#[derive(Debug, Default)]
struct Sent {
    /// The latest attempt's body, once it was read whole.
    last: Option<[u8; 32]>,
    /// Every attempt's body that was read whole, in order.
    all: Vec<[u8; 32]>,
}

impl SentDigest {
    /// The SHA-256 of the body the latest attempt streamed whole; `None` when it did not get
    /// to the end of the file (the answer came first, or the attempt failed), or none was made.
    pub fn last(&self) -> Option<[u8; 32]> {
        self.sent().last
    }

    /// Whether some attempt streamed a whole body with this SHA-256.
    pub fn any(&self, sha256: &[u8; 32]) -> bool {
        self.sent().all.contains(sha256)
    }

    fn sent(&self) -> std::sync::MutexGuard<'_, Sent> {
        // A panic elsewhere cannot leave the two fields inconsistent: each is set in one step.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The body of a new attempt: the first `len` bytes of `file`, hashed as they are read.
    pub(super) fn attempt<R: AsyncRead>(&self, file: R, len: u64, path: PathBuf) -> Hashing<Take<R>> {
        self.sent().last = None;
        let inner = file.take(len);
        Hashing { inner, hasher: Sha256::new(), read: 0, len, path, sent: Some(self.clone()) }
    }
}

/// A reader that hashes what passes through it and notes the digest once `len` bytes have.
pub(super) struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
    len: u64,
    path: PathBuf,
    /// Where the digest goes; taken once it is noted.
    sent: Option<SentDigest>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Hashing<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        let this = &mut *self;
        let new = &buf.filled()[before..];
        this.read += new.len() as u64;
        if new.is_empty() && this.read < this.len {
            return Poll::Ready(Err(io::Error::other(format!(
                "{} got shorter while it was being sent: it ended after {} of the {} bytes announced",
                this.path.display(),
                this.read,
                this.len
            ))));
        }
        this.hasher.update(new);
        if this.read == this.len
            && let Some(sent) = this.sent.take()
        {
            let digest: [u8; 32] = std::mem::take(&mut this.hasher).finalize().into();
            let mut noted = sent.sent();
            noted.last = Some(digest);
            noted.all.push(digest);
        }
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn send(sent: &SentDigest, file: &[u8], len: u64) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        sent.attempt(file, len, PathBuf::from("big.txt")).read_to_end(&mut body).await?;
        Ok(body)
    }

    #[tokio::test]
    async fn each_attempt_notes_the_digest_of_exactly_what_it_sent() {
        let sent = SentDigest::default();
        assert_eq!(sent.last(), None);
        let first = send(&sent, b"first version", 13).await.unwrap();
        let digest: [u8; 32] = Sha256::digest(b"first version").into();
        assert_eq!((first.as_slice(), sent.last()), (&b"first version"[..], Some(digest)));
        // Grown since the length was announced: the announced length goes out, and is what counts.
        let grown = send(&sent, b"first version, and more", 13).await.unwrap();
        assert_eq!((grown.as_slice(), sent.last()), (&b"first version"[..], Some(digest)));
        // Got shorter: the attempt fails, and sent nothing whole.
        let err = send(&sent, b"first", 13).await.unwrap_err();
        assert!(err.to_string().contains("big.txt got shorter while it was being sent"), "{err}");
        assert_eq!(sent.last(), None);
        assert!(sent.any(&digest), "an earlier attempt did send it whole");
        let other: [u8; 32] = Sha256::digest(b"first").into();
        assert!(!sent.any(&other));
        // An empty file is sent whole at once.
        send(&sent, b"", 0).await.unwrap();
        assert_eq!(sent.last(), Some(Sha256::digest(b"").into()));
    }
}
