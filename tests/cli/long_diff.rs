//! Diffs on the terminal after a 412 when the change is long: the start of each diff and a
//! line that counts the rest, with a hint; `--diff full` prints all of it. The merge and the
//! write are the same either way.

use crate::merge::{on_disk, serve_file};
use crate::support::{Env, assert_code, stderr};

/// A text of 3000 lines; theirs changes 1000 of them near the start, mine the last one.
fn texts() -> (String, String, String) {
    let base: String = (0..3000).map(|i| format!("line {i}\n")).collect();
    let theirs: String =
        (0..3000).map(|i| if i < 1000 { format!("theirs {i}\n") } else { format!("line {i}\n") }).collect();
    let mine = base.replace("line 2999\n", "mine\n");
    (base, mine, theirs)
}

fn put_after_their_change(full: bool) -> (Env, String, Vec<u8>) {
    let env = Env::new();
    let (base, mine, theirs) = texts();
    let serve = serve_file(&env, "notes.txt", base.as_bytes());
    let url = serve.url("/notes.txt");
    let file = env.path("notes.txt");
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    std::fs::write(&file, &mine).unwrap();
    std::fs::write(std::path::Path::new(&serve.dir).join("notes.txt"), &theirs).unwrap();
    let mut args = vec!["put", &url, file.to_str().unwrap(), "--on-conflict", "merge"];
    if full {
        args.extend(["--diff", "full"]);
    }
    let out = env.run(&args);
    assert_code(&out, 0);
    let written = on_disk(&serve, "notes.txt");
    (env, stderr(&out), written)
}

#[test]
fn a_long_diff_is_cut_to_its_start_and_a_count() {
    let (_env, err, written) = put_after_their_change(false);
    let (_, mine, theirs) = texts();
    assert_eq!(written, theirs.replace("line 2999\n", "mine\n").as_bytes(), "both changes were written");
    assert!(mine.contains("mine\n"));
    // base → theirs (one hunk of 2003 lines) is cut after 100; the count says what is left out.
    assert!(
        err.contains("… 1903 more lines of this diff not shown (1000 added and 1000 removed in all)"),
        "{err}"
    );
    assert!(
        err.contains("hint: --diff full prints all of it (so does [d]iff at the conflict prompt)"),
        "{err}"
    );
    assert!(!err.contains("+theirs 999\n"), "the end of their change is not printed: {err}");
    // theirs → merged is short and shown whole.
    assert!(err.contains("-line 2999\n+mine\n"), "{err}");
    assert!(err.lines().count() < 400, "{} lines on stderr", err.lines().count());
}

#[test]
fn diff_full_prints_all_of_it() {
    let (_env, err, written) = put_after_their_change(true);
    let (_, _, theirs) = texts();
    assert_eq!(written, theirs.replace("line 2999\n", "mine\n").as_bytes());
    for i in 0..1000 {
        assert!(
            err.contains(&format!("-line {i}\n")) && err.contains(&format!("+theirs {i}\n")),
            "line {i}: {err}"
        );
    }
    assert!(!err.contains("not shown") && !err.contains("--diff full"), "{err}");
}

#[test]
fn d_at_the_prompt_pages_the_whole_diffs() {
    use expectrl::Expect;
    use expectrl::session::OsSession as Session;

    use crate::support::fake_server::{FakeServer, Quirks};
    use crate::support::pty::exit_code;

    let env = Env::new();
    let (base, mine, theirs) = texts();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/notes.txt", base.as_bytes(), "text/plain");
    server.change_after(1, "/notes.txt", theirs.as_bytes());
    env.editor_writes(1, mine.as_bytes());
    let paged = env.path("paged.txt");
    let mut cmd = env.cmd(&["edit", &server.url("/notes.txt")]);
    cmd.env("TERM", "xterm").env("PAGER", format!("sh -c 'cat > {}'", paged.display()));
    cmd.stdin(std::process::Stdio::inherit());
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
    p.get_process_mut().set_window_size(100, 60).expect("set the terminal size");
    let first = p.expect("[M]erge & retry (Enter)").unwrap();
    let first = String::from_utf8_lossy(first.before()).into_owned();
    assert!(first.contains("more lines of this diff not shown"), "{first}");
    assert!(!first.contains("+theirs 999"), "{first}");
    p.send_line("d").unwrap();
    p.expect("[M]erge & retry (Enter)").unwrap();
    let text = std::fs::read_to_string(&paged).expect("the pager got the views");
    assert!(text.contains("+theirs 999\n") && text.contains("-line 999\n"), "{text}");
    assert!(!text.contains("not shown"), "{text}");
    p.send_line("a").unwrap();
    assert_eq!(exit_code(&mut p), 3);
}
