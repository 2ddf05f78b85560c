//! The sandbox: maps a request path onto the served directory and refuses anything that could
//! leave it. [`parse`] checks the shape of the URL path (pure: percent-decoding, `..`, encoded
//! slashes, backslashes, NUL, drive letters, the server's own temp files); [`resolve`] then
//! walks the path from a handle on the served directory opened once ([`Root`]), one name at a
//! time with `openat(O_NOFOLLOW)`, so the kernel never follows a symlink on the server's behalf:
//! each link met is read and resolved here, and one that leads out of the directory (by `..`
//! or by an absolute target elsewhere) is refused. Everything after that — reading, creating
//! directories, the temp file and rename of a write, deleting — happens relative to the
//! directory handles this walk produced, so a symlink swapped in during a request cannot make
//! the server read or create a file outside the directory.
//!
//! Symlink policy: a relative symlink that stays inside the directory is followed, and so is
//! an absolute one whose target lies inside it (after the directory's canonical path);
//! symlinks that lead out, that point to nothing, or chains of more than 40 are refused (403).

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use hyper::StatusCode;
use percent_encoding::percent_decode_str;
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

use super::problem::Problem;
use super::resource::TEMP_PREFIX;

/// Symlinks followed in one resolution at most, as Linux's own limit (`ELOOP`).
const MAX_LINKS: usize = 40;

/// A request path that passed the shape checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logical {
    /// The decoded path relative to the served directory; empty for `/`.
    pub rel: PathBuf,
    /// The URL ended in `/` (it names a directory).
    pub trailing_slash: bool,
}

/// The served directory: a handle on it, opened once, from which every path is resolved.
#[derive(Debug)]
pub struct Root {
    dir: OwnedFd,
    /// Its canonical path, to judge absolute symlink targets.
    path: PathBuf,
}

impl Root {
    /// Opens the directory `path` (which should be canonical).
    pub fn open(path: &Path) -> io::Result<Root> {
        let dir = rustix::fs::open(path, dir_flags(), Mode::empty())?;
        Ok(Root { dir, path: path.to_path_buf() })
    }

    /// A new handle on the directory.
    pub fn handle(&self) -> io::Result<OwnedFd> {
        self.dir.try_clone()
    }

    /// Another `Root` on the same directory (for another thread).
    pub fn try_clone(&self) -> io::Result<Root> {
        Ok(Root { dir: self.dir.try_clone()?, path: self.path.clone() })
    }
}

/// Where a [`Logical`] path leads, reached without leaving the served directory.
#[derive(Debug)]
pub struct Target {
    /// The directory that holds the target, or the deepest existing directory on its way when
    /// [`missing`](Target::missing) is not empty; for the served directory itself, a handle on it.
    pub parent: OwnedFd,
    /// Directories between `parent` and the target that do not exist yet (a PUT creates them).
    pub missing: Vec<OsString>,
    /// The target's name in its directory; `None` when the target is `parent` itself.
    pub name: Option<OsString>,
    /// The target, opened for reading, if it exists.
    pub file: Option<File>,
    /// The path relative to the served directory with every symlink resolved: one file has
    /// one such path, whatever the spelling of the URL (the key of its write lock).
    pub real: PathBuf,
}

impl Target {
    /// Whether the target exists and is a directory.
    pub fn is_dir(&self) -> bool {
        self.file.as_ref().and_then(|f| f.metadata().ok()).is_some_and(|m| m.is_dir())
    }
}

/// Checks and decodes the URL path (the request-target's path, still percent-encoded).
/// Empty segments (`//`) are skipped. Each decoded segment must be a plain file name.
pub fn parse(raw: &str) -> Result<Logical, Problem> {
    let forbidden = |why: &str| Problem::new(StatusCode::FORBIDDEN, format!("the path {why}"));
    let Some(rest) = raw.strip_prefix('/') else {
        return Err(Problem::new(StatusCode::BAD_REQUEST, "the request target must be an absolute path"));
    };
    let mut rel = PathBuf::new();
    for segment in rest.split('/').filter(|s| !s.is_empty()) {
        let bytes: Vec<u8> = percent_decode_str(segment).collect();
        let Ok(name) = String::from_utf8(bytes) else {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "the path is not valid UTF-8 after percent-decoding",
            ));
        };
        if name.contains('/') {
            return Err(forbidden("contains an encoded slash (%2F)"));
        }
        if name.contains('\\') {
            return Err(forbidden("contains a backslash"));
        }
        if name.chars().any(|c| c.is_control()) {
            return Err(forbidden("contains a control character (such as NUL)"));
        }
        if name == "." || name == ".." {
            return Err(forbidden("contains a `.` or `..` segment"));
        }
        if is_drive(&name) || (cfg!(windows) && name.contains(':')) {
            return Err(forbidden("contains a drive letter or stream name"));
        }
        if name.starts_with(TEMP_PREFIX) {
            return Err(Problem::new(StatusCode::NOT_FOUND, "no such resource"));
        }
        // Belt and braces: whatever the platform, the segment must be one normal component.
        let mut components = Path::new(&name).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(_)), None) => rel.push(&name),
            _ => {
                return Err(forbidden("contains a segment that is not a plain file name"));
            }
        }
    }
    Ok(Logical { rel, trailing_slash: raw.ends_with('/') })
}

/// `C:` or `C:foo`: a drive-relative path on Windows, refused everywhere for predictability.
fn is_drive(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// Walks `rel` from `root` without ever letting the kernel follow a symlink (see the module
/// docs). A target that does not exist is reported with its deepest existing directory, so a
/// PUT can create it (and missing parent directories) without escaping.
pub fn resolve(root: &Root, rel: &Path) -> Result<Target, Problem> {
    let outside =
        || Problem::new(StatusCode::FORBIDDEN, "the path leads outside the served directory (symlink)");
    let failed = |e: Errno| Problem::io(&io::Error::from(e), "resolving the path");
    let mut stack = vec![root.handle().map_err(|e| Problem::io(&e, "opening the served directory"))?];
    let mut real = PathBuf::new();
    // Each name, and whether it came from a symlink's target.
    let mut queue: VecDeque<(OsString, bool)> = rel.iter().map(|n| (n.to_os_string(), false)).collect();
    let mut links = 0;
    while let Some((name, from_link)) = queue.pop_front() {
        if name.is_empty() || name == "." {
            continue;
        }
        if name == ".." {
            if stack.len() == 1 {
                return Err(outside());
            }
            stack.pop();
            real.pop();
            continue;
        }
        let last = queue.is_empty();
        let cur = stack.last().expect("the stack always holds the root");
        let flags = if last { file_flags() } else { dir_flags() };
        match rustix::fs::openat(cur, name.as_os_str(), flags, Mode::empty()) {
            Ok(fd) if !last => {
                stack.push(fd);
                real.push(&name);
            }
            Ok(fd) => {
                real.push(&name);
                let parent = stack.pop().expect("the stack always holds the root");
                return Ok(Target {
                    parent,
                    missing: Vec::new(),
                    name: Some(name),
                    file: Some(fd.into()),
                    real,
                });
            }
            // O_NOFOLLOW met a symlink (ELOOP; EMLINK on FreeBSD), or a directory was asked of
            // something else (ENOTDIR).
            Err(Errno::LOOP | Errno::MLINK | Errno::NOTDIR) => {
                match rustix::fs::readlinkat(cur, name.as_os_str(), Vec::new()) {
                    Ok(link) => {
                        links += 1;
                        if links > MAX_LINKS {
                            return Err(Problem::new(
                                StatusCode::FORBIDDEN,
                                "the path follows too many symlinks",
                            ));
                        }
                        let link = PathBuf::from(OsStr::from_bytes(link.to_bytes()));
                        let rest = if link.is_absolute() {
                            // Absolute: only a target inside the served directory, resolved from it.
                            let inside = link.strip_prefix(&root.path).map_err(|_| outside())?.to_path_buf();
                            stack.truncate(1);
                            real.clear();
                            inside
                        } else {
                            link
                        };
                        for part in rest.iter().rev() {
                            queue.push_front((part.to_os_string(), true));
                        }
                    }
                    // Not a symlink: a file where a directory would be. Nothing exists below it;
                    // creating something there fails later (409).
                    Err(Errno::INVAL) => return Ok(missing(stack, real, name, queue)),
                    Err(Errno::NOENT) => return Ok(missing(stack, real, name, queue)),
                    Err(e) => return Err(failed(e)),
                }
            }
            Err(Errno::NOENT) if from_link => {
                return Err(Problem::new(StatusCode::FORBIDDEN, "the path is a symlink to nothing"));
            }
            Err(Errno::NOENT) => return Ok(missing(stack, real, name, queue)),
            Err(e) => return Err(failed(e)),
        }
    }
    // The path named a directory itself (the root, or a link ending in `.` or `..`).
    let parent = stack.pop().expect("the stack always holds the root");
    let file = parent.try_clone().map_err(|e| Problem::io(&e, "resolving the path"))?;
    Ok(Target { parent, missing: Vec::new(), name: None, file: Some(file.into()), real })
}

/// A target that does not exist: `name` is missing in the last directory of `stack`, and so is
/// everything in `rest` (plain names from the URL: a link's names are resolved before them).
fn missing(
    mut stack: Vec<OwnedFd>,
    mut real: PathBuf,
    name: OsString,
    rest: VecDeque<(OsString, bool)>,
) -> Target {
    let mut names: Vec<OsString> = std::iter::once(name).chain(rest.into_iter().map(|(n, _)| n)).collect();
    real.extend(&names);
    let last = names.pop();
    let parent = stack.pop().expect("the stack always holds the root");
    Target { parent, missing: names, name: last, file: None, real }
}

/// Opens each of `target.missing`, creating it if needed, without following symlinks, so that
/// `target.parent` is the directory that holds the target.
pub fn create_parents(target: &mut Target) -> io::Result<()> {
    for name in std::mem::take(&mut target.missing) {
        match rustix::fs::mkdirat(&target.parent, name.as_os_str(), Mode::from_raw_mode(0o755)) {
            Ok(()) | Err(Errno::EXIST) => {}
            Err(e) => return Err(e.into()),
        }
        target.parent = rustix::fs::openat(&target.parent, name.as_os_str(), dir_flags(), Mode::empty())?;
    }
    Ok(())
}

/// A directory on the way: never through a symlink.
pub fn dir_flags() -> OFlags {
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
}

/// The target: never through a symlink, and without blocking on a FIFO.
pub fn file_flags() -> OFlags {
    OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn status(raw: &str) -> Option<u16> {
        parse(raw).err().map(|p| p.status.as_u16())
    }

    #[test]
    fn parses_plain_paths() {
        assert_eq!(parse("/").unwrap(), Logical { rel: PathBuf::new(), trailing_slash: true });
        let l = parse("/a/b%20c.json").unwrap();
        assert_eq!(l.rel, Path::new("a").join("b c.json"));
        assert!(!l.trailing_slash);
        assert_eq!(parse("//a//b/").unwrap().rel, Path::new("a").join("b"));
        assert_eq!(parse("/caf%C3%A9.txt").unwrap().rel, Path::new("café.txt"));
        assert_eq!(parse("/.config.json").unwrap().rel, Path::new(".config.json"));
        assert_eq!(parse("/a..b").unwrap().rel, Path::new("a..b"));
    }

    #[test]
    fn refuses_traversal_and_odd_names() {
        for raw in [
            "/..",
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E",
            "/.%2e/x",
            "/a/%2e",
            "/.",
            "/a%2f..%2fb",
            "/..%2fx",
            "/a%5c..%5cb",
            "/a\\b",
            "/a%00b",
            "/a%0ab",
            "/C:",
            "/c:/windows",
            "/C:%5cx",
        ] {
            assert_eq!(status(raw), Some(403), "{raw}");
        }
        assert_eq!(status("a/b"), Some(400));
        assert_eq!(status("/%ff"), Some(400));
        assert_eq!(status("/.ifmatch-tmp-abc"), Some(404));
        assert_eq!(status("/d/.ifmatch-tmp-abc"), Some(404));
    }

    #[test]
    fn resolve_keeps_symlinks_inside() {
        use std::os::unix::fs::symlink;
        let outer = tempfile::tempdir().unwrap();
        let root_dir = outer.path().join("root");
        fs::create_dir_all(root_dir.join("sub")).unwrap();
        fs::write(outer.path().join("secret.txt"), "s").unwrap();
        fs::write(root_dir.join("sub/in.txt"), "i").unwrap();
        symlink(outer.path().join("secret.txt"), root_dir.join("out.txt")).unwrap();
        symlink(outer.path(), root_dir.join("updir")).unwrap();
        symlink("../..", root_dir.join("sub/up2")).unwrap();
        symlink(root_dir.join("sub/in.txt"), root_dir.join("alias.txt")).unwrap();
        symlink("sub/in.txt", root_dir.join("rel.txt")).unwrap();
        symlink("sub/..", root_dir.join("self")).unwrap();
        symlink(root_dir.join("nowhere"), root_dir.join("dangling")).unwrap();
        symlink("loop", root_dir.join("loop")).unwrap();
        fs::write(root_dir.join("file"), "f").unwrap();
        let root = Root::open(&fs::canonicalize(&root_dir).unwrap()).unwrap();
        let r = |p: &str| resolve(&root, Path::new(p));
        let found = |p: &str| {
            let t = r(p).unwrap();
            (t.real.clone(), t.file.is_some(), t.missing.len())
        };

        assert_eq!(found("sub/in.txt"), (PathBuf::from("sub/in.txt"), true, 0));
        assert_eq!(found("alias.txt"), (PathBuf::from("sub/in.txt"), true, 0));
        assert_eq!(found("rel.txt"), (PathBuf::from("sub/in.txt"), true, 0));
        assert_eq!(found(""), (PathBuf::new(), true, 0));
        assert!(r("").unwrap().is_dir() && r("self").unwrap().is_dir());
        assert_eq!(found("new/deeper/x.json"), (PathBuf::from("new/deeper/x.json"), false, 2));
        assert_eq!(found("sub/new.txt"), (PathBuf::from("sub/new.txt"), false, 0));
        assert_eq!(found("file/below"), (PathBuf::from("file/below"), false, 1));
        for escape in [
            "out.txt",
            "updir",
            "updir/secret.txt",
            "updir/new.txt",
            "sub/up2/secret.txt",
            "dangling",
            "dangling/x",
            "loop",
        ] {
            assert_eq!(r(escape).unwrap_err().status, 403, "{escape}");
        }
    }
}
