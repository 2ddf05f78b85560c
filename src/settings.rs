//! Turns the parsed command line and the environment into a plain [`Settings`]: the editor
//! argv, the state directory, colors, the conflict policy, headers and credentials. Nothing
//! after this point reads argv or (except the editor's own children) the environment.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::{AuthArgs, ColorChoice, ConflictPolicy, GlobalArgs, RequestArgs, WeakETagMode};
use crate::error::{Error, Result};
use crate::fsutil::{DEFAULT_LOCK_TIMEOUT, LOCK_TIMEOUT_ENV};

/// Credentials for requests. Never written to the state store or printed.
#[derive(Clone)]
pub enum Auth {
    Basic { user: String, password: String },
    Bearer(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Basic { user, .. } => write!(f, "Basic({user}, <redacted>)"),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// TLS choices: extra trust, a client identity, or (loudly) no verification.
#[derive(Debug, Clone, Default)]
pub struct Tls {
    pub cacert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub insecure: bool,
}

/// Retrying transient failures (`--retry`, `IFMATCH_RETRY`, `--retry-max-time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub retries: u32,
    /// The longest wait before one retry, a server's `Retry-After` included.
    pub max_wait: Duration,
}

/// Retries when neither `--retry` nor `IFMATCH_RETRY` says otherwise: enough to ride out a
/// deploy's restart or a rate limiter's window, few enough that a server that is really down
/// is reported within seconds.
pub const DEFAULT_RETRIES: u32 = 3;

/// The environment variable that sets `--retry`.
pub const RETRY_ENV: &str = "IFMATCH_RETRY";

/// Everything the commands need to know, decided once.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Extra request headers, validated, in the order given.
    pub headers: Vec<(String, String)>,
    pub auth: Option<Auth>,
    /// Credentials by host, from `--netrc`; used when `auth` is not set.
    pub netrc: Option<crate::netrc::Netrc>,
    pub tls: Tls,
    /// `--proxy`; `None` means the environment's proxies.
    pub proxy: Option<String>,
    pub noproxy: Option<String>,
    pub max_redirects: usize,
    pub follow_writes: bool,
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// `--max-time`: the whole command's deadline.
    pub max_time: Option<Duration>,
    pub verbose: bool,
    pub json: bool,
    /// Colors on stderr.
    pub color: bool,
    /// Colors on stdout, for commands whose output is a diff (`ifmatch diff`).
    pub color_stdout: bool,
    pub state_dir: PathBuf,
    pub yes: bool,
    /// `--on-conflict` as given; `None` is the default (ask on a terminal, else abort), told
    /// apart from an explicit `abort`, which `--yes` does not override. Interpreted by
    /// `conflict::decide`.
    pub on_conflict: Option<ConflictPolicy>,
    /// `--diff full`: diffs on stderr are never cut to a summary.
    pub diff_full: bool,
    /// Statuses besides 412 that mean "version conflict" (e.g. 409).
    pub conflict_statuses: Vec<u16>,
    /// Send weak ETags in If-Match (`--weak-etag send`).
    pub send_weak: bool,
    /// `--version-field`: the JSON Pointer of a version kept in the body.
    pub version_field: Option<String>,
    /// stdin and stderr are terminals: prompts are allowed.
    pub interactive: bool,
    /// How long to wait for the state store's lock (`IFMATCH_LOCK_TIMEOUT`).
    pub lock_timeout: Duration,
    /// `--fetch-url`: every GET reads from here; writes go to the usual URL.
    pub fetch_url: Option<url::Url>,
    /// The cache-busting query parameter's name (`--cache-bust-param`); `None` with
    /// `--no-cache-bust`.
    pub cache_bust: Option<String>,
    /// Bases up to this size are kept in full (`--base-limit`, `IFMATCH_BASE_LIMIT`).
    pub base_limit: u64,
}

impl Settings {
    /// Builds the settings from the global options, the command's URL argument (whose
    /// `user:password@`, if any, becomes Basic auth) and the environment.
    pub fn from_args(args: &GlobalArgs, url: Option<&str>) -> Result<Settings> {
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        let color = use_color(args.out.color, std::io::stderr().is_terminal());
        let request = &args.request;
        refuse_curl_body(request)?;
        let headers = request.header.headers.iter().map(|h| parse_header(h)).collect::<Result<Vec<_>>>()?;
        let auth = match (auth(&request.auth, interactive)?, url.and_then(url_credentials)) {
            (Some(auth), Some(_)) => {
                crate::ui::Ui { color }.warn(
                    "the URL carries credentials, and -u or --bearer-* gives others; the URL's are not used",
                );
                Some(auth)
            }
            (auth, from_url) => auth.or(from_url),
        };
        if !(request.timeout.is_finite() && request.timeout > 0.0) {
            return Err(Error::usage(
                format!("--timeout must be a positive number of seconds, not {}", request.timeout),
                "for example: --timeout 30",
            ));
        }
        let retry = RetryPolicy {
            retries: match request.retry {
                Some(n) => n,
                None => retries_from_env(std::env::var_os(RETRY_ENV))?,
            },
            max_wait: seconds("--retry-max-time", request.retry_max_time, true)?,
        };
        let max_time = request.max_time.map(|s| seconds("--max-time", s, false)).transpose()?;
        let mut conflict_statuses = Vec::new();
        if let Some(code) = args.write.conflict_status {
            if !(400..=499).contains(&code) {
                return Err(Error::usage(
                    format!("--conflict-status takes a 4xx status, not {code}"),
                    "for example: --conflict-status 409",
                ));
            }
            conflict_statuses.push(code);
        }
        let netrc = match (request.auth.netrc, &auth) {
            (true, None) => {
                let path = crate::netrc::Netrc::default_path().ok_or_else(|| {
                    Error::usage("--netrc: no home directory to find .netrc in", "set NETRC=FILE")
                })?;
                Some(crate::netrc::Netrc::load(&path)?)
            }
            _ => None,
        };
        Ok(Settings {
            headers,
            auth,
            netrc,
            tls: Tls {
                cacert: request.auth.cacert.clone(),
                cert: request.auth.cert.clone(),
                key: request.auth.key.clone(),
                insecure: request.auth.insecure,
            },
            proxy: request.proxy.clone(),
            noproxy: request.noproxy.clone(),
            max_redirects: request.max_redirects,
            follow_writes: args.write.follow_writes,
            timeout: Duration::from_secs_f64(request.timeout),
            retry,
            max_time,
            verbose: request.verbose,
            json: args.out.json,
            color,
            color_stdout: use_color(args.out.color, std::io::stdout().is_terminal()),
            state_dir: match &args.store.state_dir {
                Some(dir) => dir.clone(),
                None => state_dir_from_env().map_or_else(default_state_dir, Ok)?,
            },
            yes: args.write.yes,
            on_conflict: args.write.on_conflict,
            diff_full: args.write.diff == crate::cli::DiffAmount::Full,
            conflict_statuses,
            send_weak: args.write.weak.weak_etag == WeakETagMode::Send,
            version_field: match &args.write.weak.version_field {
                Some(pointer) => {
                    crate::body_version::check_pointer(pointer)?;
                    Some(pointer.clone())
                }
                None => None,
            },
            interactive,
            lock_timeout: lock_timeout(std::env::var_os(LOCK_TIMEOUT_ENV), color),
            fetch_url: match &args.write.fetch_url {
                Some(raw) => Some(fetch_url(raw)?),
                None => None,
            },
            cache_bust: if args.write.cache.no_cache_bust {
                None
            } else {
                Some(cache_bust_param(&args.write.cache.cache_bust_param)?)
            },
            base_limit: args.store.base_limit,
        })
    }

    /// The `Accept` header the user gave, which is part of the resource key.
    pub fn accept(&self) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("accept")).map(|(_, v)| v.as_str())
    }
}

/// `--fetch-url`: an http(s) URL; credentials in it are refused, as they would end up in the
/// state store's messages and in `-v` output.
fn fetch_url(raw: &str) -> Result<url::Url> {
    let url = url::Url::parse(raw).map_err(|e| {
        Error::usage(
            format!("--fetch-url {raw:?} is not a valid URL: {e}"),
            "give the origin's URL of the same resource, e.g. http://origin.internal/doc.json",
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::usage(
            format!("--fetch-url: ifmatch speaks only HTTP and HTTPS, not the {}: scheme", url.scheme()),
            "give an http:// or https:// URL",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::usage(
            "--fetch-url carries credentials, which would show in messages",
            "give them with -u, --bearer-env or --netrc instead",
        ));
    }
    Ok(url)
}

/// `--cache-bust-param`: a name that needs no percent-encoding, so that what is sent is what
/// the user wrote.
fn cache_bust_param(name: &str) -> Result<String> {
    let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '~');
    if name.is_empty() || !name.chars().all(fine) {
        return Err(Error::usage(
            format!("--cache-bust-param {name:?}: use letters, digits, _ - . or ~"),
            "for example: --cache-bust-param _ifmatch_fresh (or --no-cache-bust to send none)",
        ));
    }
    Ok(name.to_string())
}

/// curl's `-d` and `-X` have no place here: ifmatch chooses the method, and the body comes
/// from a file, stdin, the editor or a command. Refused before any request, with the command
/// that does what the user meant (for `-d @FILE`, with that FILE).
fn refuse_curl_body(request: &RequestArgs) -> Result<()> {
    let command = "to change it with a command instead: `ifmatch apply URL -- CMD`";
    if let Some(data) = &request.data {
        let put = match data.strip_prefix('@') {
            Some("-") => "to write stdin: `ifmatch put URL -`".to_string(),
            Some(file) if !file.is_empty() => format!("to write that file: `ifmatch put URL {file}`"),
            Some(_) => "to write a file: `ifmatch put URL FILE`".to_string(),
            None => {
                "to write a text: `ifmatch put URL FILE`, or pipe it in: `… | ifmatch put URL -`".to_string()
            }
        };
        return Err(Error::usage(
            "-d/--data is curl's; ifmatch takes the body as put's FILE argument (- for stdin), from the editor (edit) or from a command (apply)",
            put,
        )
        .with_hint(command));
    }
    if let Some(method) = &request.method {
        return Err(Error::usage(
            format!("-X {method}: ifmatch chooses the method itself (GET to fetch, PUT or PATCH to write)"),
            "to write a body: `ifmatch put URL FILE` (or - for stdin)",
        )
        .with_hint(command));
    }
    Ok(())
}

/// A duration option in seconds: a finite number, positive (or, with `zero_ok`, zero).
fn seconds(option: &str, value: f64, zero_ok: bool) -> Result<Duration> {
    if value.is_finite() && (value > 0.0 || (zero_ok && value == 0.0)) && value < 1e9 {
        return Ok(Duration::from_secs_f64(value));
    }
    Err(Error::usage(
        format!(
            "{option} takes a {} number of seconds, not {value}",
            if zero_ok { "non-negative" } else { "positive" }
        ),
        format!("for example: {option} 30"),
    ))
}

/// `IFMATCH_RETRY`, when set and not empty; otherwise [`DEFAULT_RETRIES`]. A value that is not
/// a count is refused: a pipeline that set it meant something by it.
fn retries_from_env(value: Option<std::ffi::OsString>) -> Result<u32> {
    let Some(value) = value.filter(|v| !v.is_empty()) else { return Ok(DEFAULT_RETRIES) };
    let text = value.to_string_lossy();
    text.trim().parse::<u32>().map_err(|_| {
        Error::usage(
            format!("{RETRY_ENV}={text:?} is not a number of retries"),
            format!("set {RETRY_ENV} to a whole number such as 3 (0 turns retries off), or unset it"),
        )
    })
}

/// `--color auto` means: the stream is a terminal, `NO_COLOR` is unset, `TERM` is not `dumb`.
pub fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// `IFMATCH_STATE_DIR`, when set and not empty. Read here rather than by clap, so that the
/// variable does not show up as `--state-dir` in every usage line.
fn state_dir_from_env() -> Option<PathBuf> {
    std::env::var_os(STATE_DIR_ENV).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// The environment variable that sets the state store's directory.
pub const STATE_DIR_ENV: &str = "IFMATCH_STATE_DIR";

/// The lock timeout from `IFMATCH_LOCK_TIMEOUT` (seconds); an unusable value is named in a
/// warning and the default is used.
fn lock_timeout(value: Option<std::ffi::OsString>, color: bool) -> Duration {
    let Some(value) = value.filter(|v| !v.is_empty()) else { return DEFAULT_LOCK_TIMEOUT };
    let text = value.to_string_lossy();
    match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 => Duration::from_secs_f64(secs),
        _ => {
            crate::ui::Ui { color }.warn(&format!(
                "{LOCK_TIMEOUT_ENV}={text:?} is not a number of seconds; waiting the default {} s for locks",
                DEFAULT_LOCK_TIMEOUT.as_secs()
            ));
            DEFAULT_LOCK_TIMEOUT
        }
    }
}

/// The state store's default place: the platform state dir, else the local data dir.
fn default_state_dir() -> Result<PathBuf> {
    dirs::state_dir().or_else(dirs::data_local_dir).map(|d| d.join("ifmatch")).ok_or_else(|| {
        Error::usage(
            "could not find a directory for the state store",
            "set --state-dir DIR or IFMATCH_STATE_DIR",
        )
    })
}

/// Parses `Name: value` into a validated pair.
fn parse_header(raw: &str) -> Result<(String, String)> {
    let Some((name, value)) = raw.split_once(':') else {
        return Err(Error::usage(
            format!("header {raw:?} has no colon"),
            "write headers as -H 'Name: value'",
        ));
    };
    let name = name.trim();
    let value = value.trim();
    if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(Error::usage(
            format!("{name:?} is not a valid header name"),
            "write headers as -H 'Name: value'",
        ));
    }
    if reqwest::header::HeaderValue::from_str(value).is_err() {
        return Err(Error::usage(
            format!("the value of header {name} has characters HTTP does not allow"),
            "remove control characters from the value",
        ));
    }
    let lower = name.to_ascii_lowercase();
    if lower == "if-match" || lower == "if-unmodified-since" {
        return Err(Error::usage(
            format!("ifmatch sets {name} itself"),
            "use `ifmatch put --if-match ETAG` or `--if-unmodified-since DATE` to choose the validator",
        ));
    }
    // These turn a fetch into a partial (206) or an empty (304) answer (RFC 9110 §14.2,
    // §13.1.2, §13.1.3, §13.1.5), which would be taken for the whole body and written back.
    if ["range", "if-range", "if-none-match", "if-modified-since"].contains(&lower.as_str()) {
        return Err(Error::usage(
            format!(
                "-H {name} could get a part of the body (206) or none (304), and ifmatch needs the whole, current body"
            ),
            "drop the header; ifmatch chooses the conditional headers itself",
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

/// Basic auth from a URL's userinfo (`http://alice:pw@host/`, RFC 3986 §3.2.1), percent-decoded.
/// The URL itself is used without it everywhere (`session::parse_url` strips it), so the
/// password never reaches the state store, messages or `--json`.
fn url_credentials(raw: &str) -> Option<Auth> {
    let url = url::Url::parse(&crate::session::complete_url(raw).ok()?).ok()?;
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    Some(Auth::Basic { user: decode(url.username()), password: decode(url.password().unwrap_or("")) })
}

fn auth(args: &AuthArgs, interactive: bool) -> Result<Option<Auth>> {
    if let Some(user) = &args.user {
        let (user, password) = match user.split_once(':') {
            Some((u, p)) => (u.to_string(), p.to_string()),
            None if interactive => {
                let password = rpassword::prompt_password(format!("Password for {user}: "))
                    .map_err(|e| Error::other(format!("could not read the password: {e}")))?;
                (user.clone(), password)
            }
            None => {
                return Err(Error::usage(
                    format!("-u {user} has no password and there is no terminal to ask for one"),
                    "give it as -u USER:PASS, or use --bearer-env VAR / --bearer-file FILE",
                ));
            }
        };
        return Ok(Some(Auth::Basic { user, password }));
    }
    if let Some(var) = &args.bearer_env {
        let token = std::env::var(var).map_err(|_| {
            Error::usage(
                format!("--bearer-env {var}: the environment variable {var} is not set"),
                format!("export {var}=TOKEN first"),
            )
        })?;
        return Ok(Some(Auth::Bearer(token.trim().to_string())));
    }
    if let Some(path) = &args.bearer_file {
        return Ok(Some(Auth::Bearer(read_token(path)?)));
    }
    Ok(None)
}

fn read_token(path: &Path) -> Result<String> {
    // A missing or unreadable token file is a usage error, like an unset --bearer-env variable.
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(
            format!("--bearer-file {}: cannot read it: {e}", path.display()),
            "give a file that holds the token on its first line",
        )
    })?;
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.is_empty() {
        return Err(Error::usage(
            format!("the token file {} is empty", path.display()),
            "put the token on its first line",
        ));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_and_refuse_validators() {
        assert_eq!(
            parse_header("Accept: application/json").unwrap(),
            ("Accept".into(), "application/json".into())
        );
        assert_eq!(parse_header("X-A:b").unwrap(), ("X-A".into(), "b".into()));
        assert!(parse_header("nocolon").is_err());
        assert!(parse_header("bad name: x").is_err());
        assert_eq!(parse_header("If-Match: \"x\"").unwrap_err().exit_code(), 2);
        for name in ["Range", "if-range", "If-None-Match", "If-Modified-Since"] {
            assert_eq!(parse_header(&format!("{name}: x")).unwrap_err().exit_code(), 2, "{name}");
        }
    }

    #[test]
    fn retries_come_from_the_environment_or_the_default() {
        assert_eq!(retries_from_env(None).unwrap(), DEFAULT_RETRIES);
        assert_eq!(retries_from_env(Some("".into())).unwrap(), DEFAULT_RETRIES);
        assert_eq!(retries_from_env(Some(" 0 ".into())).unwrap(), 0);
        assert_eq!(retries_from_env(Some("7".into())).unwrap(), 7);
        assert_eq!(retries_from_env(Some("lots".into())).unwrap_err().exit_code(), 2);
        assert_eq!(retries_from_env(Some("-1".into())).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn durations_in_seconds() {
        assert_eq!(seconds("--max-time", 1.5, false).unwrap(), Duration::from_millis(1500));
        assert_eq!(seconds("--retry-max-time", 0.0, true).unwrap(), Duration::ZERO);
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(seconds("--max-time", bad, false).unwrap_err().exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn color_choice() {
        assert!(use_color(ColorChoice::Always, false));
        assert!(!use_color(ColorChoice::Never, true));
        assert!(!use_color(ColorChoice::Auto, false));
    }
}
