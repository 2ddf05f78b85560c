//! Real third-party WebDAV servers that enforce `If-Match`, for the interop tests: Apache httpd
//! with mod_dav and wsgidav. Each test starts its own instance on 127.0.0.1 with a fresh
//! directory and stops it when done.
//!
//! The tests are `#[ignore]`d, so plain `cargo test` passes on machines without these servers
//! and lists them as ignored. Run with `--ignored`, a server that cannot be found or started
//! fails the test with a message that says what to install — it never skips. `.ci/run`
//! installs both and runs `cargo test --locked -- --ignored interop`.
//!
//! Overrides: `IFMATCH_INTEROP_APACHE` (the httpd binary), `IFMATCH_INTEROP_APACHE_MODULES`
//! (the directory holding mod_dav.so), `IFMATCH_INTEROP_APACHE_USER` (the account httpd drops
//! to when started as root; default www-data), `IFMATCH_INTEROP_WSGIDAV` (the wsgidav script).

use std::fmt::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Apache,
    Wsgidav,
}

/// A running server and the directory it serves.
pub struct Dav {
    pub kind: Kind,
    child: Child,
    pub base: String,
    /// The served directory.
    pub docs: PathBuf,
    /// The account the server runs as, when it differs from ours (uid, gid).
    owner: Option<(u32, u32)>,
    dir: tempfile::TempDir,
}

/// Whether the interop group is enabled.
/// Apache httpd with mod_dav, started for one test.
pub fn apache() -> Dav {
    apache_with(&[])
}

/// Apache httpd with extra configuration lines (e.g. `FileETag None`).
pub fn apache_with(extra: &[&str]) -> Dav {
    start(Kind::Apache, extra).unwrap_or_else(|e| {
        panic!(
            "Apache httpd could not be started for the interop tests: {e}\n\
             hint: install it (Debian: apt-get install apache2) or point IFMATCH_INTEROP_APACHE at httpd; \
             a plain `cargo test` (without --ignored) leaves the interop tests out"
        )
    })
}

/// wsgidav (on cheroot), started for one test.
pub fn wsgidav() -> Dav {
    start(Kind::Wsgidav, &[]).unwrap_or_else(|e| {
        panic!(
            "wsgidav could not be started for the interop tests: {e}\n\
             hint: pip install wsgidav cheroot, or point IFMATCH_INTEROP_WSGIDAV at the wsgidav script; \
             a plain `cargo test` (without --ignored) leaves the interop tests out"
        )
    })
}

fn start(kind: Kind, extra: &[&str]) -> Result<Dav, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).map_err(|e| e.to_string())?;
    let mut last = String::new();
    // A port picked by binding :0 can be taken before the server binds it: try a few.
    for _ in 0..3 {
        let port = free_port();
        let (mut child, owner) = match kind {
            Kind::Apache => spawn_apache(dir.path(), &docs, port, extra)?,
            Kind::Wsgidav => spawn_wsgidav(dir.path(), &docs, port)?,
        };
        match wait_until_listening(&mut child, dir.path(), port) {
            Ok(()) => {
                let base = format!("http://127.0.0.1:{port}");
                return Ok(Dav { kind, child, base, docs, owner, dir });
            }
            Err(e) => {
                last = e;
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
    Err(last)
}

fn wait_until_listening(child: &mut Child, root: &Path, port: u16) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the server exited ({status}) at start:\n{}", logs(root)));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("the server did not listen on {addr} within 30 s:\n{}", logs(root)))
}

/// What a server said on stdout, stderr and in its error log.
fn logs(root: &Path) -> String {
    ["server.log", "error.log"]
        .iter()
        .filter_map(|name| std::fs::read_to_string(root.join(name)).ok())
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// An executable: the override variable, else the first of `names` on PATH or in the sbin dirs.
pub(super) fn find(var: &str, names: &[&str]) -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .collect();
    for name in names {
        for dir in &dirs {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(format!("none of {names:?} is on PATH (or set {var})"))
}

fn spawn_apache(
    root: &Path,
    docs: &Path,
    port: u16,
    extra: &[&str],
) -> Result<(Child, Option<(u32, u32)>), String> {
    let httpd = find("IFMATCH_INTEROP_APACHE", &["apache2", "httpd"])?;
    let modules = apache_modules()?;
    let lock_dir = root.join("lock");
    std::fs::create_dir_all(&lock_dir).map_err(|e| e.to_string())?;
    // Started as root, httpd refuses to serve until told which account to drop to; that
    // account must be able to reach and write the served directory and the lock database.
    let owner = if is_root() {
        let user = std::env::var("IFMATCH_INTEROP_APACHE_USER").unwrap_or_else(|_| "www-data".into());
        let ids = account(&user)?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())?;
        for path in [docs, &lock_dir] {
            std::os::unix::fs::chown(path, Some(ids.0), Some(ids.1)).map_err(|e| e.to_string())?;
        }
        Some((user, ids.0, ids.1))
    } else {
        None
    };
    let r = root.display();
    let mut conf = format!(
        "ServerRoot {r}\nServerName 127.0.0.1\nListen 127.0.0.1:{port}\nPidFile {r}/httpd.pid\n\
         DefaultRuntimeDir {r}\nErrorLog {r}/error.log\nLogLevel warn\nTimeout 30\n"
    );
    for module in ["mpm_event", "authz_core", "mime", "dav", "dav_fs"] {
        let so = modules.join(format!("mod_{module}.so"));
        // A build may have some of these compiled in (`httpd -l`); load the rest.
        if so.is_file() {
            let _ = writeln!(conf, "LoadModule {module}_module {}", so.display());
        }
    }
    if let Some((user, _, gid)) = &owner {
        let _ = writeln!(conf, "User {user}\nGroup #{gid}");
    }
    let mime = ["/etc/mime.types", "/etc/apache2/mime.types", "/etc/httpd/conf/mime.types"]
        .into_iter()
        .find(|p| Path::new(p).is_file());
    if let Some(types) = mime {
        let _ = writeln!(conf, "TypesConfig {types}");
    }
    // The request log records the preconditions as sent; `%{…}i` escapes quotes as \".
    let _ = writeln!(
        conf,
        "LogFormat \"%m %U %>s if-match=%{{If-Match}}i if-unmodified-since=%{{If-Unmodified-Since}}i\" ifmatch\n\
         CustomLog {r}/access.log ifmatch\nDocumentRoot {d}\nDAVLockDB {l}/DAVLock\n\
         <Directory {d}>\n  DAV On\n  Require all granted\n</Directory>",
        d = docs.display(),
        l = lock_dir.display()
    );
    for line in extra {
        let _ = writeln!(conf, "{line}");
    }
    let conf_path = root.join("httpd.conf");
    std::fs::write(&conf_path, conf).map_err(|e| e.to_string())?;
    // -X: one process in the foreground, so stopping the child stops the server.
    let child = Command::new(&httpd)
        .arg("-X")
        .arg("-f")
        .arg(&conf_path)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(log_file(root))
        .stderr(log_file(root))
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", httpd.display()))?;
    Ok((child, owner.map(|(_, uid, gid)| (uid, gid))))
}

fn apache_modules() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("IFMATCH_INTEROP_APACHE_MODULES").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    ["/usr/lib/apache2/modules", "/usr/lib/httpd/modules", "/usr/lib64/httpd/modules", "/usr/libexec/apache2"]
        .into_iter()
        .map(PathBuf::from)
        .find(|d| d.join("mod_dav.so").is_file())
        .ok_or_else(|| "mod_dav.so not found (set IFMATCH_INTEROP_APACHE_MODULES)".to_string())
}

fn spawn_wsgidav(root: &Path, docs: &Path, port: u16) -> Result<(Child, Option<(u32, u32)>), String> {
    let wsgidav = find("IFMATCH_INTEROP_WSGIDAV", &["wsgidav"])?;
    let child = Command::new(&wsgidav)
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--auth",
            "anonymous",
            "--no-config",
            "-q",
        ])
        .arg("--root")
        .arg(docs)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(log_file(root))
        .stderr(log_file(root))
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", wsgidav.display()))?;
    Ok((child, None))
}

fn log_file(root: &Path) -> Stdio {
    let file = std::fs::OpenOptions::new().create(true).append(true).open(root.join("server.log"));
    file.map(Stdio::from).unwrap_or_else(|_| Stdio::null())
}

fn is_root() -> bool {
    // The owner of a file we just created is our effective uid.
    let probe = tempfile::tempfile().expect("a temp file");
    use std::os::unix::fs::MetadataExt;
    probe.metadata().map(|m| m.uid() == 0).unwrap_or(false)
}

/// The uid and gid of a local account, from /etc/passwd.
fn account(user: &str) -> Result<(u32, u32), String> {
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(|e| format!("/etc/passwd: {e}"))?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 3 && f[0] == user)
        .and_then(|f| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
        .ok_or_else(|| {
            format!("httpd runs as root here and needs an account to drop to: `{user}` does not exist (set IFMATCH_INTEROP_APACHE_USER)")
        })
}

impl Dav {
    /// What the server said on stdout, stderr and in its error log.
    pub fn logs(&self) -> String {
        logs(self.dir.path())
    }

    pub fn name(&self) -> &'static str {
        match self.kind {
            Kind::Apache => "Apache httpd",
            Kind::Wsgidav => "wsgidav",
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Places a file in the served directory as someone working on the server's disk would,
    /// last modified an hour ago: its validators are settled.
    pub fn write(&self, name: &str, body: &[u8]) {
        self.write_fresh(name, body);
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let file = std::fs::File::options().write(true).open(self.docs.join(name)).unwrap();
        file.set_modified(hour_ago).unwrap();
    }

    /// Places a file in the served directory, modified now.
    pub fn write_fresh(&self, name: &str, body: &[u8]) {
        let path = self.docs.join(name);
        std::fs::write(&path, body).unwrap();
        if let Some((uid, gid)) = self.owner {
            std::os::unix::fs::chown(&path, Some(uid), Some(gid)).unwrap();
        }
    }

    /// A served file's bytes.
    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.docs.join(name)).unwrap()
    }

    /// Apache's request log: `METHOD PATH STATUS if-match=… if-unmodified-since=…` with `-` for
    /// a missing header and quotes unescaped. wsgidav has no such log: `None`.
    pub fn request_log(&self) -> Option<Vec<String>> {
        if self.kind != Kind::Apache {
            return None;
        }
        // httpd writes the line after the response; give it a moment.
        std::thread::sleep(Duration::from_millis(100));
        let text = std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default();
        Some(text.lines().map(|l| l.replace("\\\"", "\"")).collect())
    }
}

impl Drop for Dav {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
