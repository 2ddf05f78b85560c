//! `.netrc` files (the format curl and ftp read): `machine HOST login USER password PASS`
//! entries and a `default` entry. Only what ifmatch needs: credentials by host name.

use std::path::{Path, PathBuf};

use crate::error::{IoResultExt, Result};

/// One machine's credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    pub login: String,
    pub password: String,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Entry({}, <redacted>)", self.login)
    }
}

/// A parsed netrc file.
#[derive(Debug, Clone, Default)]
pub struct Netrc {
    machines: Vec<(String, Entry)>,
    default: Option<Entry>,
}

impl Netrc {
    /// The file to read: `NETRC` if set, else `~/.netrc`.
    pub fn default_path() -> Option<PathBuf> {
        match std::env::var_os("NETRC") {
            Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
            _ => dirs::home_dir().map(|h| h.join(".netrc")),
        }
    }

    pub fn load(path: &Path) -> Result<Netrc> {
        let text = std::fs::read_to_string(path).context("read the netrc file", path)?;
        Ok(Netrc::parse(&text))
    }

    /// Parses the token stream; `macdef` bodies (up to an empty line) are skipped.
    pub fn parse(text: &str) -> Netrc {
        let mut netrc = Netrc::default();
        let mut lines = text.lines();
        let mut tokens: Vec<String> = Vec::new();
        while let Some(line) = lines.next() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.first() == Some(&"macdef") {
                for body in lines.by_ref() {
                    if body.trim().is_empty() {
                        break;
                    }
                }
                continue;
            }
            if words.first().is_some_and(|w| w.starts_with('#')) {
                continue;
            }
            tokens.extend(words.into_iter().map(str::to_string));
        }
        let mut current: Option<Option<String>> = None;
        let (mut login, mut password) = (String::new(), String::new());
        let mut flush = |current: &mut Option<Option<String>>, login: &mut String, password: &mut String| {
            if let Some(machine) = current.take() {
                let entry = Entry { login: std::mem::take(login), password: std::mem::take(password) };
                match machine {
                    Some(host) => netrc.machines.push((host.to_ascii_lowercase(), entry)),
                    None => netrc.default = Some(entry),
                }
            }
        };
        let mut iter = tokens.into_iter();
        while let Some(token) = iter.next() {
            match token.as_str() {
                "machine" => {
                    flush(&mut current, &mut login, &mut password);
                    current = Some(iter.next());
                }
                "default" => {
                    flush(&mut current, &mut login, &mut password);
                    current = Some(None);
                }
                "login" => login = iter.next().unwrap_or_default(),
                "password" => password = iter.next().unwrap_or_default(),
                "account" => {
                    iter.next();
                }
                _ => {}
            }
        }
        flush(&mut current, &mut login, &mut password);
        netrc
    }

    /// Credentials for a host: its `machine` entry, else `default`.
    pub fn lookup(&self, host: &str) -> Option<&Entry> {
        let host = host.to_ascii_lowercase();
        self.machines.iter().find(|(m, _)| *m == host).map(|(_, e)| e).or(self.default.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_machines_and_default() {
        let n = Netrc::parse(
            "# comment\nmachine api.example.com login alice password s3cret\n\
             macdef init\ncd /\n\nmachine Other.org\n  login bob\n  password pw account x\ndefault login anon password guest\n",
        );
        assert_eq!(n.lookup("api.example.com").unwrap().login, "alice");
        assert_eq!(n.lookup("API.example.com").unwrap().password, "s3cret");
        assert_eq!(n.lookup("other.org").unwrap().login, "bob");
        assert_eq!(n.lookup("unknown").unwrap().login, "anon");
        assert!(Netrc::parse("machine a login b password c").lookup("z").is_none());
    }
}
