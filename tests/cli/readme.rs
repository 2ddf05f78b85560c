//! README's shell blocks run as written: the walk-through in one shell (it shares `$URL` and
//! the server), with a scripted editor and the real binary first on PATH, and the CI example
//! of `ifmatch serve` on its own.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{Env, bin};

/// The ```sh blocks of README.md, in order.
fn shell_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// Blocks that are not meant to be run here: the build itself (cargo), a template for a real
/// API (example.com, `$GIT_SHA`), and one made of placeholders (URL, generate-config).
fn is_template(block: &str) -> bool {
    block.contains("cargo ") || block.contains("example.com") || block.contains("generate-config")
}

/// What a script printed, and whether it succeeded.
struct Ran {
    success: bool,
    stdout: String,
    stderr: String,
}

/// `sh` in `dir` with the binary under test as `ifmatch` and `editor.sh` as the editor. Its
/// output goes to files, and its whole process group is ended afterwards: a server the script
/// left running cannot keep the test waiting.
fn shell(env: &Env, dir: &Path, script: &str) -> Ran {
    use std::os::unix::process::CommandExt;
    let bin_dir = env.path("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let link = bin_dir.join("ifmatch");
    if !link.exists() {
        std::os::unix::fs::symlink(bin(), &link).unwrap();
    }
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let (out, err) = (env.path("script.out"), env.path("script.err"));
    let mut child = Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", env.path("home"))
        .env("TMPDIR", env.dir.path())
        .env("IFMATCH_STATE_DIR", env.state_dir())
        .env("IFMATCH_EDITOR", format!("sh {}", env.path("editor.sh").display()))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .process_group(0)
        .spawn()
        .unwrap();
    let status = child.wait().unwrap();
    // Whatever the script started and left behind (it should have stopped it itself).
    let _ = Command::new("kill")
        .args(["-TERM", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    Ran {
        success: status.success(),
        stdout: std::fs::read_to_string(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn the_walk_through_runs_as_written_and_every_write_changes_something() {
    let blocks: Vec<String> = shell_blocks().into_iter().filter(|b| !is_template(b)).collect();
    let (walk, rest): (Vec<String>, Vec<String>) =
        blocks.into_iter().partition(|b| !b.contains("./fixtures"));
    assert!(walk.len() >= 5 && rest.len() == 1, "README's blocks changed: {walk:#?} {rest:#?}");
    let env = Env::new();
    // The person at the editor changes "timeout_ms", as the walk-through suggests.
    std::fs::write(
        env.path("editor.sh"),
        "sed 's/\"timeout_ms\": 1000/\"timeout_ms\": 1500/' \"$1\" > \"$1.new\" && cat \"$1.new\" > \"$1\"\n",
    )
    .unwrap();
    let work = env.path("work");
    std::fs::create_dir_all(&work).unwrap();
    // Port 8080 may be taken on this machine: the same walk-through on a free port.
    let port = free_port().to_string();
    let mut script = String::from("trap 'kill \"$server\" 2>/dev/null' EXIT\n");
    for (i, block) in walk.iter().enumerate() {
        script += &format!("echo '### block {}' >&2\n{}", i + 1, block.replace("8080", &port));
    }
    // The walk-through stops its server at the end (so nothing listens on after it).
    assert!(walk.last().unwrap().contains("kill \"$server\""), "the last block stops the server");
    script += "wait \"$server\" 2>/dev/null\n";
    script += "if IFMATCH_RETRY=0 ifmatch get \"$URL\" -q >/dev/null 2>&1; then echo 'the server is still running'; fi\n";
    let Ran { success, stdout, stderr } = shell(&env, &work, &script);
    let all = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert!(success, "{all}");
    assert!(!stdout.contains("the server is still running"), "{all}");
    // What the README says happens, happens.
    assert!(stderr.contains("config.json has changes of yours"), "{all}");
    assert!(stderr.contains("changed on the server since"), "the put of out.json meets the 412: {all}");
    // And every write changed something: nothing was found to be already there.
    for idle in ["nothing to write", "no changes", "already"] {
        assert!(!stderr.contains(idle), "{idle}: {all}");
    }
    assert!(!stderr.contains("not found") && !stderr.contains("command not found"), "{all}");
    let served: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.join("docs/config.json")).unwrap()).unwrap();
    assert_eq!(
        served,
        serde_json::json!({"service": "checkout", "replicas": 4, "debug": false, "timeout_ms": 1500}),
        "{all}"
    );
}

#[test]
fn the_serve_example_for_ci_runs_as_written() {
    let block = shell_blocks().into_iter().find(|b| b.contains("./fixtures")).expect("the CI example");
    let env = Env::new();
    std::fs::write(env.path("editor.sh"), "exit 1\n").unwrap();
    let work = env.path("work");
    std::fs::create_dir_all(work.join("fixtures")).unwrap();
    std::fs::write(work.join("fixtures/config.json"), b"{\"replicas\": 1}\n").unwrap();
    let script = format!("{block}true\n");
    let ran = shell(&env, &work, &script);
    assert!(ran.success, "{}", ran.stderr);
    assert_eq!(std::fs::read(work.join("config.json")).unwrap(), b"{\"replicas\": 1}\n");
    assert!(
        String::from_utf8_lossy(&std::fs::read(work.join("serve.log")).unwrap())
            .contains("GET /config.json 200")
    );
}
