//! Diffs on the terminal after a 412 when the change is long: the start of each diff and a
//! line that counts the rest, with a hint; between JSON documents also the values that differ,
//! by JSON Pointer; `--diff full` prints all of it. The merge and the write are the same either
//! way.

use crate::merge::{on_disk, serve_file};
use crate::support::screen::{assert_screen, of_run};
use crate::support::{Env, assert_code, stderr};

use std::process::Output;

/// A text of 3000 lines; theirs changes 1000 of them near the start, mine the last one.
fn texts() -> (String, String, String) {
    let base: String = (0..3000).map(|i| format!("line {i}\n")).collect();
    let theirs: String =
        (0..3000).map(|i| if i < 1000 { format!("theirs {i}\n") } else { format!("line {i}\n") }).collect();
    let mine = base.replace("line 2999\n", "mine\n");
    (base, mine, theirs)
}

/// A pretty-printed JSON object of 400 members `"key0000012": {"value": 12, "note": "x"}`;
/// theirs changes the first 150 values, removes one member and adds another at the end; mine
/// changes the note of one member theirs left alone.
fn json_texts() -> (String, String, String) {
    let member = |i: usize, value: i64| {
        format!("  \"key{i:07}\": {{\n    \"value\": {value},\n    \"note\": \"x\"\n  }}")
    };
    let doc = |members: Vec<String>| format!("{{\n{}\n}}\n", members.join(",\n"));
    let base = doc((0..400).map(|i| member(i, i as i64)).collect());
    let mut theirs: Vec<String> = (0..400)
        .filter(|&i| i != 300)
        .map(|i| member(i, if i < 150 { 100_000 + i as i64 } else { i as i64 }))
        .collect();
    theirs.push("  \"added\": true".to_string());
    let theirs = doc(theirs);
    let mine =
        base.replace("\"value\": 350,\n    \"note\": \"x\"", "\"value\": 350,\n    \"note\": \"mine\"");
    assert_ne!(mine, base);
    (base, mine, theirs)
}

/// `put --on-conflict merge` of `mine` after the server changed `base` to `theirs`, without a
/// terminal; the run and the body the server holds after it.
fn put_after(
    name: &str,
    (base, mine, theirs): (String, String, String),
    full: bool,
) -> (Env, Output, Vec<u8>) {
    let env = Env::new();
    let serve = serve_file(&env, name, base.as_bytes());
    let url = serve.url(&format!("/{name}"));
    let file = env.path(name);
    assert_code(&env.run(&["get", &url, "-o", file.to_str().unwrap()]), 0);
    std::fs::write(&file, &mine).unwrap();
    std::fs::write(std::path::Path::new(&serve.dir).join(name), &theirs).unwrap();
    let mut args = vec!["put", &url, file.to_str().unwrap(), "--on-conflict", "merge"];
    if full {
        args.extend(["--diff", "full"]);
    }
    let out = env.run(&args);
    assert_code(&out, 0);
    let written = on_disk(&serve, name);
    (env, out, written)
}

fn put_after_their_change(full: bool) -> (Env, String, Vec<u8>) {
    let (env, out, written) = put_after("notes.txt", texts(), full);
    (env, stderr(&out), written)
}

#[test]
fn a_long_diff_is_cut_to_its_start_and_a_count() {
    let (_env, err, written) = put_after_their_change(false);
    let (_, mine, theirs) = texts();
    assert_eq!(written, theirs.replace("line 2999\n", "mine\n").as_bytes(), "both changes were written");
    assert!(mine.contains("mine\n"));
    // base → theirs (one hunk of 2003 lines) is cut after 100; the count says what is left out,
    // and the hint follows: a text that is not JSON names no values.
    assert!(
        err.contains(
            "… 1903 more lines of this diff not shown (1000 added and 1000 removed in all)\n\
             hint: --diff full prints all of it"
        ),
        "{err}"
    );
    assert!(!err.contains("JSON values"), "{err}");
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

#[test]
fn a_long_json_diff_names_the_values_that_differ() {
    let (env, out, written) = put_after("doc.json", json_texts(), false);
    let (_, _, theirs) = json_texts();
    let merged =
        theirs.replace("\"value\": 350,\n    \"note\": \"x\"", "\"value\": 350,\n    \"note\": \"mine\"");
    assert_eq!(String::from_utf8(written).unwrap(), merged, "both changes were written");
    let err = stderr(&out);
    // base → theirs: the first ten values theirs changed, in document order, and a count of
    // the rest, between the count of left-out lines and the hint.
    let first: String = (0..10).map(|i| format!("  ~ /key{i:07}/value\n")).collect();
    let listed = format!(
        "JSON values that differ: 150 changed, 1 added, 1 removed\n{first}  … and 142 more\n\
         hint: --diff full prints all of it (so does [d]iff at the conflict prompt)\n"
    );
    assert!(err.contains(&listed), "{err}");
    assert!(!err.contains("/key0000010/value"), "only the first ten are named: {err}");
    // theirs → mine undoes the same values and changes one note: cut, and listed too.
    assert!(err.contains("JSON values that differ: 151 changed, 1 added, 1 removed\n"), "{err}");
    // theirs → merged is one line, shown whole, with no list.
    assert!(err.contains("-    \"note\": \"x\"\n+    \"note\": \"mine\"\n"), "{err}");
    assert_eq!(err.matches("JSON values that differ").count(), 2, "{err}");
    assert_screen("put_412_long_json_diffs", &of_run(&env, &out));
}

#[test]
fn diff_full_lists_no_values() {
    let (_env, out, _) = put_after("doc.json", json_texts(), true);
    let err = stderr(&out);
    assert!(err.contains("+    \"value\": 100149,\n"), "{err}");
    assert!(!err.contains("JSON values") && !err.contains("not shown"), "{err}");
}

#[test]
fn a_long_json_diff_that_changes_no_value_says_so() {
    // Theirs re-indents the document: every line differs, no value does.
    let (base, mine, _) = json_texts();
    let theirs = base.replace("\n  ", "\n\t").replace("\n    ", "\n\t\t");
    assert_ne!(theirs, base);
    let (_env, out, _) = put_after("doc.json", (base, mine, theirs), false);
    let err = stderr(&out);
    assert!(
        err.contains(
            "JSON values that differ: none (the two are equal as JSON: only spacing, key order or number forms differ)\n"
        ),
        "{err}"
    );
}
