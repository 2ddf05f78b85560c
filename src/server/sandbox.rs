//! The sandbox: maps a request path onto the served directory and refuses anything that could
//! leave it. [`parse`] checks the shape of the URL path (pure: percent-decoding, `..`, encoded
//! slashes, backslashes, NUL, drive letters, the server's own temp files); [`resolve`] then
//! asks the file system where the path really leads (symlinks) and refuses targets outside
//! the directory. A symlink swapped in between `resolve` and the use of its result is not
//! defended against: the served directory is assumed not to be shared with hostile local users.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use hyper::StatusCode;
use percent_encoding::percent_decode_str;

use super::problem::Problem;
use super::resource::TEMP_PREFIX;

/// A request path that passed the shape checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logical {
    /// The decoded path relative to the served directory; empty for `/`.
    pub rel: PathBuf,
    /// The URL ended in `/` (it names a directory).
    pub trailing_slash: bool,
}

/// Where a [`Logical`] path leads on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The canonical path if the target exists; otherwise the canonical nearest existing
    /// ancestor joined with the missing names.
    pub real: PathBuf,
    /// Whether the target exists.
    pub exists: bool,
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

/// Follows symlinks and checks that `rel` stays inside `root`, which must be canonical.
/// A target that does not exist yet is judged by its nearest existing ancestor, so a PUT can
/// create it (and missing parent directories) without escaping. A dangling symlink is refused.
pub fn resolve(root: &Path, rel: &Path) -> Result<Resolved, Problem> {
    let outside =
        || Problem::new(StatusCode::FORBIDDEN, "the path leads outside the served directory (symlink)");
    let inside = |real: &Path| real.starts_with(root);
    let mut missing: Vec<OsString> = Vec::new();
    let mut probe = root.join(rel);
    loop {
        match fs::canonicalize(&probe) {
            Ok(real) if !inside(&real) => return Err(outside()),
            Ok(mut real) => {
                let exists = missing.is_empty();
                real.extend(missing.iter().rev());
                return Ok(Resolved { real, exists });
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                if fs::symlink_metadata(&probe).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(Problem::new(StatusCode::FORBIDDEN, "the path is a symlink to nothing"));
                }
                // `rel` holds only normal components and `root` exists, so the walk up ends
                // at `root` at the latest; the guard only keeps a broken invariant from looping.
                let (Some(name), Some(parent), true) = (probe.file_name(), probe.parent(), probe != root)
                else {
                    return Err(Problem::io(&e, "resolving the path"));
                };
                missing.push(name.to_os_string());
                probe = parent.to_path_buf();
            }
            Err(e) => return Err(Problem::io(&e, "resolving the path")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[cfg(unix)]
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
        symlink(root_dir.join("sub/in.txt"), root_dir.join("alias.txt")).unwrap();
        symlink(root_dir.join("nowhere"), root_dir.join("dangling")).unwrap();
        fs::write(root_dir.join("file"), "f").unwrap();
        let root = fs::canonicalize(&root_dir).unwrap();
        let r = |p: &str| resolve(&root, Path::new(p));

        assert_eq!(r("sub/in.txt").unwrap(), Resolved { real: root.join("sub/in.txt"), exists: true });
        assert_eq!(r("alias.txt").unwrap(), Resolved { real: root.join("sub/in.txt"), exists: true });
        assert_eq!(r("").unwrap(), Resolved { real: root.clone(), exists: true });
        assert_eq!(
            r("new/deeper/x.json").unwrap(),
            Resolved { real: root.join("new/deeper/x.json"), exists: false }
        );
        assert_eq!(r("sub/new.txt").unwrap(), Resolved { real: root.join("sub/new.txt"), exists: false });
        assert_eq!(r("file/below").unwrap(), Resolved { real: root.join("file/below"), exists: false });
        assert_eq!(r("out.txt").unwrap_err().status, 403);
        assert_eq!(r("updir").unwrap_err().status, 403);
        assert_eq!(r("updir/secret.txt").unwrap_err().status, 403);
        assert_eq!(r("updir/new.txt").unwrap_err().status, 403);
        assert_eq!(r("dangling").unwrap_err().status, 403);
        assert_eq!(r("dangling/x").unwrap_err().status, 403);
    }
}
