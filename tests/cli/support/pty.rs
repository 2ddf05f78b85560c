//! Running the binary in a pseudo-terminal, as a person at a terminal would (expectrl).

use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{Eof, Expect};

use super::Env;

/// `ifmatch ARGS` in a fresh pseudo-terminal (stdin, stdout and stderr), in `env`'s sandbox.
pub fn spawn(env: &Env, args: &[&str]) -> OsSession {
    let mut cmd = env.cmd(args);
    // The pty becomes fd 0 only if the command does not set its own stdin.
    cmd.env("TERM", "xterm").stdin(std::process::Stdio::inherit());
    let mut session = OsSession::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    // A terminal of the usual size, so that "longer than the screen" means something.
    session.get_process_mut().set_window_size(80, 24).expect("set the terminal size");
    session
}

/// Like [`spawn`], but the terminal echoes what is typed, as a person's terminal does (the pty
/// starts with echo off): text read without turning echo off shows up in the transcript.
pub fn spawn_echoing(env: &Env, args: &[&str]) -> OsSession {
    use std::os::unix::process::CommandExt;
    let mut cmd = env.cmd(args);
    cmd.env("TERM", "xterm").stdin(std::process::Stdio::inherit());
    // Runs in the child after the pty is its terminal and echo was turned off, before exec.
    unsafe {
        cmd.pre_exec(|| {
            let mut term: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut term) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            term.c_lflag |= libc::ECHO;
            if libc::tcsetattr(0, libc::TCSANOW, &term) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut session = OsSession::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session.get_process_mut().set_window_size(80, 24).expect("set the terminal size");
    session
}

/// Waits for the program to end and returns its exit status.
pub fn exit_code(session: &mut OsSession) -> i32 {
    session.expect(Eof).ok();
    match session.get_process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("ifmatch did not exit normally: {other:?}"),
    }
}
