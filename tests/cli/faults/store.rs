//! Damaged and read-only state stores.

use super::server::FaultServer;
use super::{assert_no_temp_files, records};
use crate::support::{Env, assert_code, stderr};

const DOC: &[u8] = b"{\n  \"name\": \"demo\",\n  \"replicas\": 1\n}\n";

#[test]
fn a_directory_where_a_record_belongs_is_moved_aside() {
    let env = Env::new();
    let (_server, url) = FaultServer::with("/doc.json", DOC, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    let [(record, _)] = &records(&env)[..] else { panic!("one record") };
    std::fs::remove_file(record).unwrap();
    std::fs::create_dir(record).unwrap();
    std::fs::write(record.join("stray"), b"x").unwrap();
    let out = env.run(&["get", &url]);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("is not a file; moved it to"), "{err}");
    assert_eq!(out.stdout, DOC);
    let aside = record.with_file_name(format!("{}.corrupt-1", record.file_name().unwrap().to_string_lossy()));
    assert_eq!(std::fs::read(aside.join("stray")).unwrap(), b"x", "kept for inspection");
    assert!(record.is_file(), "a fresh record in its place");
    assert_no_temp_files(&env);
}

#[test]
fn quiet_hides_the_warning_about_a_base_that_is_not_a_file() {
    let env = Env::new();
    let (_server, url) = FaultServer::with("/doc.json", DOC, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    let bases = env.state_dir().join("bases");
    let base = std::fs::read_dir(&bases).unwrap().next().unwrap().unwrap().path();
    std::fs::remove_file(&base).unwrap();
    std::fs::create_dir(&base).unwrap();
    let file = env.path("mine.json");
    std::fs::write(&file, b"{\n  \"name\": \"demo\",\n  \"replicas\": 2\n}\n").unwrap();
    let out = env.run(&["put", &url, file.to_str().unwrap(), "--quiet"]);
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "", "--quiet prints no warning");
    let aside = base.with_file_name(format!("{}.corrupt-1", base.file_name().unwrap().to_string_lossy()));
    assert!(aside.is_dir(), "the base was found not to be a file and moved aside");
}

/// How this machine lets a test give one command a private mount namespace: `unshare -m` as
/// root, `unshare -Urm` in a user namespace otherwise. `None` when neither works.
fn namespace_flags() -> Option<&'static str> {
    ["-m", "-Urm"].into_iter().find(|flags| {
        std::process::Command::new("unshare")
            .args([flags, "true"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Runs `ifmatch ARGS` as `env.cmd` would, but with `dir` bind-mounted read-only in a mount
/// namespace of its own: the mount exists only for that process and goes away with it, and
/// even root gets EROFS (a `chmod a-w` would not stop root). `None` when the machine allows
/// no mount namespace.
fn run_with_read_only(env: &Env, dir: &std::path::Path, args: &[&str]) -> Option<std::process::Output> {
    let flags = namespace_flags()?;
    let inner = env.cmd(args);
    let mut cmd = std::process::Command::new("unshare");
    cmd.env_clear();
    for (name, value) in inner.get_envs() {
        if let Some(value) = value {
            cmd.env(name, value);
        }
    }
    let script = r#"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || { echo "MOUNT FAILED" >&2; exit 99; }; shift; exec "$@""#;
    cmd.args([flags, "sh", "-c", script, "sh"]).arg(dir).arg(crate::support::bin()).args(args);
    cmd.stdin(std::process::Stdio::null());
    let out = cmd.output().unwrap();
    assert_ne!(out.status.code(), Some(99), "{}", stderr(&out));
    Some(out)
}

#[test]
fn a_read_only_store_serves_reading_commands_and_refuses_writing_ones_up_front() {
    let env = Env::new();
    let (server, url) = FaultServer::with("/doc.json", DOC, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    let before = records(&env);
    let store = env.state_dir();
    let ro = |args: &[&str]| run_with_read_only(&env, &store, args);
    let Some(out) = ro(&["state", "list"]) else {
        eprintln!("skipped: this machine allows no mount namespace (`unshare -m` and `unshare -Urm` fail)");
        return;
    };
    assert_code(&out, 0);
    assert!(crate::support::stdout(&out).contains(&url), "{}", stderr(&out));
    let out = ro(&["state", "show", &url]).unwrap();
    assert_code(&out, 0);
    assert!(crate::support::stdout(&out).contains("\"v1\""), "{}", crate::support::stdout(&out));
    assert_code(&ro(&["diff", &url]).unwrap(), 0);
    assert_code(&ro(&["doctor", &url]).unwrap(), 0);
    let requests = server.requests().len();
    env.editor_writes(1, b"{\"replicas\": 2}\n");
    for args in [vec!["get", &url], vec!["edit", &url], vec!["put", &url, "-"], vec!["state", "forget", &url]]
    {
        let out = ro(&args).unwrap();
        assert_code(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains(&format!("the state store {} is read-only", store.display())),
            "{args:?}: {err}"
        );
        assert!(err.contains("--state-dir DIR or IFMATCH_STATE_DIR=DIR"), "{args:?}: {err}");
        assert!(!err.contains("could not set permissions"), "{args:?}: {err}");
    }
    assert_eq!(server.requests().len(), requests, "nothing fetched or sent for a command that would fail");
    assert_eq!(env.editor_runs(), 0, "no edit that could not be kept");
    assert_eq!(records(&env), before);
    assert_no_temp_files(&env);
}

#[test]
fn quiet_hides_the_warning_about_an_unusable_record_in_a_read_only_store() {
    let env = Env::new();
    let (_server, url) = FaultServer::with("/doc.json", DOC, "application/json");
    assert_code(&env.run(&["get", &url]), 0);
    let [(record, _)] = &records(&env)[..] else { panic!("one record") };
    std::fs::write(record, b"not a record").unwrap();
    let store = env.state_dir();
    let Some(out) = run_with_read_only(&env, &store, &["diff", &url]) else {
        eprintln!("skipped: this machine allows no mount namespace (`unshare -m` and `unshare -Urm` fail)");
        return;
    };
    let warning = "is unusable";
    assert!(stderr(&out).contains(warning), "{}", stderr(&out));
    let out = run_with_read_only(&env, &store, &["diff", &url, "--quiet"]).unwrap();
    assert!(!stderr(&out).contains(warning), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning:"), "{}", stderr(&out));
    assert_eq!(std::fs::read(record).unwrap(), b"not a record", "left as it is");
}

/// Runs `ifmatch ARGS` with a `size` tmpfs mounted at `mountpoint` in a mount namespace of its
/// own: the tmpfs starts with a copy of `seed`'s contents, and ends copied out to `after`
/// (what the command left there). `None` when the machine allows no mount namespace.
fn run_on_tmpfs(
    env: &Env,
    mountpoint: &std::path::Path,
    size: &str,
    seed: &std::path::Path,
    after: &std::path::Path,
    args: &[&str],
) -> Option<std::process::Output> {
    let flags = namespace_flags()?;
    for dir in [mountpoint, seed, after] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let inner = env.cmd(args);
    let mut cmd = std::process::Command::new("unshare");
    cmd.env_clear();
    for (name, value) in inner.get_envs() {
        if let Some(value) = value {
            cmd.env(name, value);
        }
    }
    let script = r#"mount -t tmpfs -o "size=$2" tmpfs "$1" && cp -a "$3/." "$1/" || { echo "MOUNT FAILED" >&2; exit 99; }
m=$1; out=$4; shift 4; "$@"; rc=$?; cp -a "$m/." "$out/"; exit $rc"#;
    cmd.args([flags, "sh", "-c", script, "sh"]).arg(mountpoint).arg(size).arg(seed).arg(after);
    cmd.arg(crate::support::bin()).args(args).stdin(std::process::Stdio::null());
    let out = cmd.output().unwrap();
    assert_ne!(out.status.code(), Some(99), "{}", stderr(&out));
    Some(out)
}

#[test]
fn a_full_disk_under_get_o_leaves_the_file_and_no_temp_files() {
    let env = Env::new();
    let big = vec![b'x'; 300 * 1024];
    let (_server, url) = FaultServer::with("/big.txt", &big, "text/plain");
    let seed = env.path("seed");
    std::fs::create_dir_all(&seed).unwrap();
    std::fs::write(seed.join("doc.txt"), b"my old copy\n").unwrap();
    let (disk, after) = (env.path("disk"), env.path("after"));
    let file = disk.join("doc.txt");
    let Some(out) =
        run_on_tmpfs(&env, &disk, "64k", &seed, &after, &["get", &url, "-o", file.to_str().unwrap()])
    else {
        eprintln!(
            "skipped: this machine allows no mount namespace, so no small tmpfs (`unshare -m` and `unshare -Urm` fail)"
        );
        return;
    };
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains(file.to_str().unwrap()), "the error names FILE: {err}");
    let left: Vec<String> = std::fs::read_dir(&after)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["doc.txt".to_string()], "no temp file left on the full disk");
    assert_eq!(std::fs::read(after.join("doc.txt")).unwrap(), b"my old copy\n", "FILE untouched");
    assert!(records(&env).is_empty(), "nothing recorded for a download that failed");
    assert_no_temp_files(&env);
}

#[test]
fn a_full_store_under_put_still_writes_keeps_the_old_record_whole_and_leaves_no_temp_files() {
    let env = Env::new();
    let (server, url) = FaultServer::with("/doc.txt", b"small\n", "text/plain");
    assert_code(&env.run(&["get", &url]), 0);
    let record = records(&env);
    // The store as it is, plus a filler that leaves less room than the new base needs.
    let seed = env.path("seed");
    std::fs::create_dir_all(&seed).unwrap();
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", env.state_dir().display()))
        .arg(&seed)
        .status()
        .unwrap();
    assert!(copied.success());
    std::fs::write(seed.join("filler"), vec![0u8; 50 * 1024]).unwrap();
    let file = env.path("mine.txt");
    let mine = vec![b'y'; 20 * 1024];
    std::fs::write(&file, &mine).unwrap();
    let after = env.path("after");
    let args = ["put", url.as_str(), file.to_str().unwrap()];
    let Some(out) = run_on_tmpfs(&env, &env.state_dir(), "64k", &seed, &after, &args) else {
        eprintln!(
            "skipped: this machine allows no mount namespace, so no small tmpfs (`unshare -m` and `unshare -Urm` fail)"
        );
        return;
    };
    // FILE is on another disk, so the text is safe there: the write goes ahead, and the
    // store's failures are warnings that say what to do.
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains(&format!("run `ifmatch get {url}` before the next write")), "{err}");
    assert_eq!(server.body("/doc.txt"), mine);
    assert_eq!(std::fs::read(&file).unwrap(), mine, "FILE untouched");
    // What the full store holds afterwards: the old record, whole, and no temp file.
    let left: Vec<_> = crate::support::files_under(&after)
        .into_iter()
        .filter(|p| p.starts_with(after.join("records")))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(left, vec![record[0].1.clone()], "the record as it was");
    assert!(super::temp_files(&after).is_empty(), "{:?}", super::temp_files(&after));
}
