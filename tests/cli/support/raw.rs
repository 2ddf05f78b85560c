//! A server that answers every request with one scripted response, written piece by piece with
//! a pause between pieces: for slow downloads (timeouts, Ctrl-C mid-body), statuses and headers
//! no well-behaved server sends on a GET (204, 206, Retry-After), and binary bodies. It records
//! the request heads and counts the body bytes it has sent.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

pub struct Raw {
    pub port: u16,
    sent: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Raw {
    /// Every request gets `head` (status line and headers, without the blank line), then the
    /// `pieces` of the body with `pause` before each but the first. Content-Length is the
    /// pieces' total, unless `head` sets it.
    pub fn start(head: &str, pieces: Vec<Vec<u8>>, pause: Duration) -> Raw {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let sent = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let total: usize = pieces.iter().map(Vec::len).sum();
        let mut head = head.trim_end().to_string();
        if !head.to_ascii_lowercase().contains("content-length:") {
            head.push_str(&format!("\r\nContent-Length: {total}"));
        }
        head.push_str("\r\nConnection: close\r\n\r\n");
        let (counter, log) = (sent.clone(), heads.clone());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (head, pieces, counter, log) =
                    (head.clone(), pieces.clone(), counter.clone(), log.clone());
                thread::spawn(move || {
                    let mut reader = BufReader::new(stream);
                    let mut request = String::new();
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                            break;
                        }
                        request.push_str(&line);
                    }
                    log.lock().unwrap().push(request);
                    let stream = reader.get_mut();
                    if stream.write_all(head.as_bytes()).is_err() {
                        return;
                    }
                    for (i, piece) in pieces.iter().enumerate() {
                        if i > 0 {
                            thread::sleep(pause);
                        }
                        if stream.write_all(piece).and_then(|()| stream.flush()).is_err() {
                            return;
                        }
                        counter.fetch_add(piece.len(), Ordering::SeqCst);
                    }
                });
            }
        });
        Raw { port, sent, heads }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Body bytes written so far, over all connections.
    pub fn sent(&self) -> usize {
        self.sent.load(Ordering::SeqCst)
    }

    /// The heads of the requests received (request line and headers).
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}
