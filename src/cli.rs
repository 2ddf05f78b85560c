//! Command-line types, and nothing else: clap derive structs whose doc comments are the help
//! text. Everything past parsing sees [`crate::settings::Settings`], never these types.

use std::path::PathBuf;

use clap::{Args, FromArgMatches, Parser, Subcommand, ValueEnum};

mod help;

use help::{AFTER_HELP, APPLY_HELP, COMPLETIONS_HELP, DIFF_HELP, DOCTOR_HELP};
pub use help::{EXAMPLES, EXIT_CODES};

/// Help headings for the option groups, so that every subcommand's help reads in groups.
const HTTP: &str = "HTTP options";
const AUTH: &str = "Credentials and TLS";
const CONFLICT: &str = "Conflict options";
const OUTPUT: &str = "Output and state options";

/// ETag-safe editing of remote resources over HTTP.
///
/// ifmatch fetches a resource, remembers its validators (ETag, Last-Modified) in a local state
/// store, and writes it back with If-Match, so that a concurrent change is never overwritten
/// silently. When the server answers 412 Precondition Failed, it refetches, shows what changed,
/// merges where it can, asks, and retries — and it never loses your edit.
#[derive(Debug, Parser)]
#[command(name = "ifmatch", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The options of one run, gathered from the groups its command takes; a group the command
/// does not take holds its defaults. Built by [`Cli::global`]; read by `Settings::from_args`.
#[derive(Debug, Clone, Default)]
pub struct GlobalArgs {
    pub request: RequestArgs,
    pub write: WriteArgs,
    pub out: OutputArgs,
    pub store: StoreArgs,
}

impl Cli {
    /// The options of this run, whatever the command: the groups it takes, defaults for the
    /// others.
    pub fn global(&self) -> GlobalArgs {
        let mut all = GlobalArgs::default();
        match &self.command {
            Command::Get(a) => {
                all.request = a.request.clone();
                all.write.weak = a.weak.clone();
                all.out = a.out.clone();
                all.store = a.store.clone();
            }
            Command::Edit(EditArgs { request, write, out, store, .. })
            | Command::Put(PutArgs { request, write, out, store, .. })
            | Command::Apply(ApplyArgs { request, write, out, store, .. }) => {
                all.request = request.clone();
                all.write = write.clone();
                all.out = out.clone();
                all.store = store.clone();
            }
            Command::Diff(a) => {
                all.request = a.request.clone();
                all.out = a.out.clone();
                all.store = a.store.clone();
            }
            Command::Doctor(a) => {
                all.request = a.request.clone();
                all.write.yes = a.yes;
                all.write.conflict_status = a.conflict_status;
                all.write.weak.version_field = a.version_field.clone();
                all.write.cache = a.cache.clone();
                all.out = a.out.clone();
                all.store = a.store.clone();
            }
            Command::Demo(a) => all.out = a.out.clone(),
            Command::Serve(a) => all.out = a.out.clone(),
            Command::State(state) => {
                let (header, out, store) = match state {
                    StateCommand::List { out, store } | StateCommand::Path { out, store } => {
                        (None, out, store)
                    }
                    StateCommand::Show { header, out, store, .. }
                    | StateCommand::Forget { header, out, store, .. } => (Some(header), out, store),
                };
                if let Some(header) = header {
                    all.request.header = header.clone();
                }
                all.out = out.clone();
                all.store = store.clone();
            }
            Command::Completions(_) | Command::Generate(_) => {}
        }
        all
    }
}

/// A group's values when the command line gave none: clap's own defaults, so that a default
/// is written once, in the option's definition.
fn defaults<T: Args + FromArgMatches>() -> T {
    let command = T::augment_args(clap::Command::new("defaults"));
    let matches = command.try_get_matches_from(["defaults"]).expect("option groups parse without arguments");
    T::from_arg_matches(&matches).expect("option groups have defaults")
}

macro_rules! default_from_clap {
    ($($group:ty),*) => {$(
        impl Default for $group {
            fn default() -> Self {
                defaults()
            }
        }
    )*};
}

default_from_clap!(RequestArgs, HeaderArgs, AuthArgs, WriteArgs, WeakArgs, CacheArgs, OutputArgs, StoreArgs);

/// Extra request headers: every command that sends requests, and `state show|forget`, where
/// `Accept` picks the record.
#[derive(Debug, Args, Clone)]
pub struct HeaderArgs {
    /// Extra request header, e.g. -H 'Accept: application/json' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", help_heading = HTTP)]
    pub headers: Vec<String>,
}

/// Options of the commands that send requests (get, edit, put, apply, diff, doctor), in
/// curl/xh habits.
#[derive(Debug, Args, Clone)]
pub struct RequestArgs {
    #[command(flatten)]
    pub header: HeaderArgs,

    /// Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)
    #[arg(short = 'x', long, value_name = "URL", help_heading = HTTP)]
    pub proxy: Option<String>,

    /// Hosts to reach without a proxy, comma-separated (like NO_PROXY)
    #[arg(long, value_name = "HOSTS", help_heading = HTTP)]
    pub noproxy: Option<String>,

    /// Redirects a GET may follow
    #[arg(long, value_name = "N", help_heading = HTTP, default_value_t = 10)]
    pub max_redirects: usize,

    /// Seconds to wait for a connection, and then for each piece of the response, before giving
    /// up (a long download that keeps arriving is never cut off)
    #[arg(long, value_name = "SECONDS", help_heading = HTTP, default_value_t = 30.0)]
    pub timeout: f64,

    /// Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429,
    /// 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match,
    /// If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off
    /// [env: IFMATCH_RETRY] [default: 3]
    #[arg(long, value_name = "N", help_heading = HTTP)]
    pub retry: Option<u32>,

    /// The longest wait before one retry: a longer Retry-After from the server is cut to this
    #[arg(long, value_name = "SECONDS", help_heading = HTTP, default_value_t = 10.0)]
    pub retry_max_time: f64,

    /// Give up once the whole command has taken this long, retries and their waits included
    /// (time spent in the editor or at a prompt is not counted)
    #[arg(long, value_name = "SECONDS", help_heading = HTTP)]
    pub max_time: Option<f64>,

    /// Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)
    #[arg(short = 'f', long, help_heading = HTTP)]
    pub fail: bool,

    /// Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)
    #[arg(short = 'L', long, help_heading = HTTP)]
    pub location: bool,

    /// curl's request body: refused with a pointer to put and apply
    #[arg(short = 'd', long, value_name = "DATA", hide = true, alias = "data-binary", alias = "data-raw")]
    pub data: Option<String>,

    /// curl's request method: refused with a pointer to put and apply
    #[arg(short = 'X', long = "request", value_name = "METHOD", hide = true)]
    pub method: Option<String>,

    #[command(flatten)]
    pub auth: AuthArgs,

    /// Print every request header sent (Host, User-Agent included) and the response headers on
    /// stderr, credentials redacted
    #[arg(short = 'v', long, help_heading = OUTPUT)]
    pub verbose: bool,
}

/// Credentials and TLS, for the commands that send requests.
#[derive(Debug, Args, Clone)]
pub struct AuthArgs {
    /// Basic auth credentials; prompts for the password on a terminal when it is omitted
    #[arg(
        short = 'u',
        long = "user",
        value_name = "USER[:PASS]",
        help_heading = AUTH,
        conflicts_with_all = ["bearer_env", "bearer_file"]
    )]
    pub user: Option<String>,

    /// Read a bearer token from this environment variable (keeps it off the command line)
    #[arg(long, value_name = "VAR", help_heading = AUTH, conflicts_with = "bearer_file")]
    pub bearer_env: Option<String>,

    /// Read a bearer token from the first line of this file
    #[arg(long, value_name = "FILE", help_heading = AUTH)]
    pub bearer_file: Option<PathBuf>,

    /// Use the credentials for the host from ~/.netrc (or the file in NETRC)
    #[arg(long, help_heading = AUTH)]
    pub netrc: bool,

    /// Trust the CA certificate(s) in this PEM file, in addition to the system's
    #[arg(long, value_name = "FILE", help_heading = AUTH)]
    pub cacert: Option<PathBuf>,

    /// Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both
    #[arg(long, value_name = "FILE", help_heading = AUTH)]
    pub cert: Option<PathBuf>,

    /// Private key (PEM) for --cert
    #[arg(long, value_name = "FILE", help_heading = AUTH, requires = "cert")]
    pub key: Option<PathBuf>,

    /// Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)
    #[arg(short = 'k', long, help_heading = AUTH)]
    pub insecure: bool,
}

/// Options of the commands that write (edit, put, apply).
#[derive(Debug, Args, Clone)]
pub struct WriteArgs {
    /// Follow 307/308 redirects on writes too (same origin only); by default they are reported
    #[arg(long, help_heading = HTTP)]
    pub follow_writes: bool,

    /// Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is
    /// clean; never by overwriting someone else's change (a conflicted merge exits 3)
    #[arg(short = 'y', long, help_heading = CONFLICT)]
    pub yes: bool,

    /// What to do on a conflict (412) instead of asking [default: ask on a terminal, else abort]
    #[arg(long, value_enum, value_name = "POLICY", help_heading = CONFLICT)]
    pub on_conflict: Option<ConflictPolicy>,

    /// Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)
    #[arg(long, value_name = "CODE", help_heading = CONFLICT)]
    pub conflict_status: Option<u16>,

    #[command(flatten)]
    pub weak: WeakArgs,

    /// Read from this URL instead (the origin behind a cache or CDN), and write through the
    /// usual one: for caches that serve stale copies and that nothing else gets past
    #[arg(long, value_name = "URL", help_heading = HTTP)]
    pub fetch_url: Option<String>,

    #[command(flatten)]
    pub cache: CacheArgs,

    /// How much of a long diff to print on stderr (in the conflict flow): `auto` prints its
    /// first 100 lines and counts the rest; `full` prints all of it, as [d]iff at the prompt does
    #[arg(long = "diff", value_enum, value_name = "AMOUNT", help_heading = OUTPUT, default_value_t = DiffAmount::Auto)]
    pub diff: DiffAmount,
}

/// Getting past a cache that ignores `Cache-Control: no-cache`: the writing commands, and
/// `doctor`, which checks for such a cache.
#[derive(Debug, Args, Clone)]
pub struct CacheArgs {
    /// Query parameter added, with a random value, to a GET that must get past a cache serving a
    /// stale copy (after a 412)
    #[arg(long, value_name = "NAME", help_heading = HTTP, default_value = "_ifmatch_fresh")]
    pub cache_bust_param: String,

    /// Never add that query parameter (for APIs that refuse unknown parameters); then only
    /// --fetch-url gets past such a cache
    #[arg(long, help_heading = HTTP)]
    pub no_cache_bust: bool,
}

/// `--weak-etag`: for the writing commands, and for `get`, whose warnings depend on it.
#[derive(Debug, Args, Clone)]
pub struct WeakArgs {
    /// What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway
    #[arg(long, value_enum, value_name = "MODE", help_heading = CONFLICT, default_value_t = WeakETagMode::Fallback)]
    pub weak_etag: WeakETagMode,

    /// The JSON Pointer of a version kept in the body (/_rev, /metadata/resourceVersion, /etag):
    /// writes carry it unchanged and a 409 or 412 goes through the conflict flow [default: the
    /// one remembered, or a well-known field when the server sends no strong ETag]
    #[arg(long, value_name = "POINTER", help_heading = CONFLICT)]
    pub version_field: Option<String>,
}

/// What is printed and how: every command.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Print only errors on stderr: no notes, warnings or progress
    #[arg(short = 'q', long, visible_short_alias = 's', visible_alias = "silent", help_heading = OUTPUT)]
    pub quiet: bool,

    /// Print one JSON object describing the outcome on stdout
    #[arg(long, help_heading = OUTPUT)]
    pub json: bool,

    /// When to use colors on stderr
    #[arg(long, value_enum, value_name = "WHEN", help_heading = OUTPUT, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The state store: every command that uses it.
#[derive(Debug, Args, Clone)]
pub struct StoreArgs {
    /// Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state
    /// dir/ifmatch]
    #[arg(long, value_name = "DIR", help_heading = OUTPUT)]
    pub state_dir: Option<PathBuf>,

    /// Keep fetched and written bodies up to this size in full as bases to merge from (e.g.
    /// 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged
    /// resource but cannot merge
    #[arg(long, value_name = "SIZE", env = "IFMATCH_BASE_LIMIT", default_value = "16M",
          value_parser = parse_size, help_heading = OUTPUT)]
    pub base_limit: u64,
}

fn parse_size(text: &str) -> Result<u64, String> {
    crate::state::parse_size(text)
        .ok_or_else(|| format!("{text:?} is not a size: give bytes, or a number with k, M or G"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch a resource: body to stdout (or -o FILE), validators into the state store
    #[command(
        after_help = "Examples:\n  ifmatch get https://api.example.com/doc.json\n  ifmatch get URL -o doc.json\n  ifmatch get -H 'Accept: application/json' URL\n  ifmatch get -i URL               status line and headers, then the body\n\nOn a terminal a JSON body is shown indented and colored (--raw: as received); to a file or a\npipe it is written byte for byte, as the state store keeps it."
    )]
    Get(GetArgs),

    /// Fetch, open in your editor, write back with If-Match, resolve conflicts
    #[command(
        after_help = "Examples:\n  ifmatch edit https://api.example.com/doc.json\n  IFMATCH_EDITOR='code --wait' ifmatch edit URL\n  ifmatch edit URL --resume        re-open the edit saved after a failure\n\nEmptying the file cancels the edit (nothing is sent, exit 0); adding or removing only the final\nnewline is no change. Text that cannot be sent (invalid JSON, conflict markers) reopens with the\nproblem on top as # comment lines, which are removed before sending.\n\nA terminal editor (vi by default, nano, vim…) needs a terminal: from a script, use\n`ifmatch apply URL -- CMD`, or `ifmatch get URL -o FILE` and `ifmatch put URL FILE`."
    )]
    Edit(EditArgs),

    /// Write a file (or stdin) with the validator stored by `get`
    #[command(
        after_help = "Examples:\n  ifmatch get URL -o doc.json; vi doc.json; ifmatch put URL doc.json\n  generate-config | ifmatch put URL -\n  ifmatch put URL doc.json --if-match '\"abc\"'\n  ifmatch put URL doc.json --on-conflict overwrite   replace a concurrent change, loudly"
    )]
    Put(PutArgs),

    /// Probe a server's conditional-request support without changing anything, and explain it
    ///
    /// Sends only GET, HEAD and OPTIONS requests (about ten) and reports, each with what to do:
    /// strong or weak ETag, Last-Modified, whether HEAD agrees with GET, whether the ETag is
    /// stable and survives `Accept-Encoding: gzip`, whether the server evaluates If-Match,
    /// If-None-Match and If-Unmodified-Since, signs of a cache handing out stale validators,
    /// and the methods it allows. The report goes to stdout (`--json`: one object), ending in
    /// a verdict: "safe for ifmatch edit" or "usable with If-Unmodified-Since only" (after
    /// --write-probe showed that writes are checked), "reads honor preconditions; writes not
    /// verified" (the best verdict without --write-probe), "not verified" (the server has
    /// validators but ignored them on GET), or "writes cannot be protected".
    #[command(after_help = DOCTOR_HELP)]
    Doctor(DoctorArgs),
    /// Read-modify-write through a command: pipe the body through CMD, write with If-Match,
    /// re-run on 412
    #[command(after_help = APPLY_HELP)]
    Apply(ApplyArgs),

    /// Show the server's changes since the stored base, or FILE against the server's body
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),

    /// See the whole 412 story on a local server: edit, concurrent change, merge, retry
    #[command(
        after_help = "Examples:\n  ifmatch demo                 on a terminal: you edit in your own editor\n  ifmatch demo </dev/null      anywhere else: the edit is scripted, the story still prints"
    )]
    Demo(DemoArgs),

    /// Serve a directory on loopback with strict conditional requests
    #[command(
        after_help = "Examples:\n  ifmatch serve ./docs --port 8080\n  ifmatch serve --port 0 --require-precondition   prints its URL as the first line"
    )]
    Serve(ServeArgs),

    /// Inspect and manage the state store
    #[command(
        subcommand,
        after_help = "Examples:\n  ifmatch state list\n  ifmatch state show https://api.example.com/config.json --json\n  ifmatch state forget https://api.example.com/config.json\n  ifmatch state path"
    )]
    State(StateCommand),

    /// Print the completion script for a shell on stdout
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),

    /// Generate shell completions or man pages
    #[command(hide = true, subcommand)]
    Generate(GenerateCommand),
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The resource's URL (no scheme: http:// for localhost, :PORT and IP addresses, else https://)
    pub url: String,

    /// Write the body to FILE instead of stdout
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE even when it is a working copy ifmatch wrote and you changed it since
    #[arg(long, requires = "output")]
    pub force: bool,

    /// Write the body exactly as received to a terminal too (JSON is otherwise indented and
    /// colored there; to a file or a pipe it is always written as received)
    #[arg(long)]
    pub raw: bool,

    /// Print the status line and the response headers on stdout before the body
    #[arg(short = 'i', long, conflicts_with = "json")]
    pub include: bool,

    #[command(flatten)]
    pub request: RequestArgs,

    #[command(flatten)]
    pub weak: WeakArgs,

    #[command(flatten)]
    pub out: OutputArgs,

    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The resource's URL (no scheme: http:// for localhost, :PORT and IP addresses, else https://)
    pub url: String,

    /// Re-open the editor on the newest edit saved after an earlier failure, and write it with
    /// the validators of the version it was based on (a change made since then is merged or
    /// asked about, never overwritten)
    #[arg(long)]
    pub resume: bool,

    /// Write without a validator when the server gives neither ETag nor Last-Modified
    #[arg(long)]
    pub force: bool,

    /// Send the change as PATCH instead of PUT: merge (RFC 7396), json (RFC 6902 with test
    /// ops), auto (what the server's Accept-Patch offers, else PUT) or none (PUT)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = PatchMode::None)]
    pub patch: PatchMode,

    #[command(flatten)]
    pub request: RequestArgs,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub out: OutputArgs,

    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct PutArgs {
    /// The resource's URL (no scheme: http:// for localhost, :PORT and IP addresses, else https://)
    pub url: String,

    /// File to send, or - for stdin [default: stdin, unless it is a terminal]
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Send an empty body (refused otherwise, as it is usually a mistake upstream)
    #[arg(long)]
    pub allow_empty: bool,

    /// Send this ETag in If-Match instead of the stored one
    #[arg(long, value_name = "ETAG", conflicts_with = "if_unmodified_since")]
    pub if_match: Option<String>,

    /// Send this HTTP date in If-Unmodified-Since instead of the stored one
    #[arg(long, value_name = "DATE")]
    pub if_unmodified_since: Option<String>,

    /// Write without any validator (unconditionally) when none is known
    #[arg(long)]
    pub force: bool,

    /// Create the resource: send If-None-Match: *, so the write fails (exit 3) if it exists
    #[arg(long, conflicts_with_all = ["if_match", "if_unmodified_since", "force"])]
    pub create: bool,

    /// Content-Type to send [default: the stored one]
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,

    /// Send the change as PATCH computed from the stored base: merge (RFC 7396), json
    /// (RFC 6902 with test ops), auto (what the server's Accept-Patch offered, else PUT) or none
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = PatchMode::None)]
    pub patch: PatchMode,

    #[command(flatten)]
    pub request: RequestArgs,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub out: OutputArgs,

    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The resource's URL (no scheme: http:// for localhost, :PORT and IP addresses, else https://)
    pub url: String,

    /// The command that turns the body (on its stdin) into the new body (on its stdout); run
    /// without a shell
    #[arg(value_name = "CMD", required = true, last = true, num_args = 1..)]
    pub command: Vec<String>,

    /// Retries after a 412 before giving up (each re-fetches and runs CMD again)
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub retries: u32,

    /// Write without a validator when the server gives neither ETag nor Last-Modified
    #[arg(long)]
    pub force: bool,

    /// Send the change as PATCH instead of PUT: merge (RFC 7396), json (RFC 6902 with test
    /// ops), auto (what the server's Accept-Patch offers, else PUT) or none (PUT)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = PatchMode::None)]
    pub patch: PatchMode,

    #[command(flatten)]
    pub request: RequestArgs,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub out: OutputArgs,

    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The resource's URL (no scheme: http:// for localhost, :PORT and IP addresses, else https://)
    pub url: String,

    /// Compare this file (or - for stdin) with the server's current body, instead of the
    /// server's current body with the stored base
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    #[command(flatten)]
    pub request: RequestArgs,

    #[command(flatten)]
    pub out: OutputArgs,

    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The resource's URL (no scheme: http:// for localhost, :PORT and IP addresses, else https://)
    pub url: String,

    /// Also PUT the current body back unchanged with a precondition that must fail, to prove
    /// that writes are protected (asks first; --yes does not ask)
    #[arg(long)]
    pub write_probe: bool,

    #[command(flatten)]
    pub request: RequestArgs,

    /// Send the write probe without asking
    #[arg(short = 'y', long, help_heading = CONFLICT)]
    pub yes: bool,

    /// Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)
    #[arg(long, value_name = "CODE", help_heading = CONFLICT)]
    pub conflict_status: Option<u16>,

    /// The JSON Pointer of a version kept in the body [default: a well-known one the body has:
    /// /_rev, /metadata/resourceVersion, /etag]
    #[arg(long, value_name = "POINTER", help_heading = CONFLICT)]
    pub version_field: Option<String>,

    #[command(flatten)]
    pub cache: CacheArgs,

    #[command(flatten)]
    pub out: OutputArgs,

    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Directory to serve
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Port to listen on (0 = any free port)
    #[arg(short, long, value_name = "PORT", default_value_t = 8080)]
    pub port: u16,

    /// Address to bind
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    /// Answer 428 Precondition Required to writes without If-Match/If-Unmodified-Since
    #[arg(long)]
    pub require_precondition: bool,

    /// Serve weak ETags, as a compressing proxy would
    #[arg(long)]
    pub weak_etags: bool,

    /// Largest request body accepted, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = crate::server::DEFAULT_MAX_BODY)]
    pub max_body: u64,

    /// Seconds a request head may take to arrive (408 after that), and an idle connection is
    /// kept open
    #[arg(long, value_name = "SECONDS", default_value_t = crate::server::DEFAULT_HEADER_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,

    /// Seconds a request body may take to arrive, plus one per 64 KiB received (408 after that)
    #[arg(long, value_name = "SECONDS", default_value_t = crate::server::DEFAULT_BODY_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout: u64,

    /// Most connections served at once; more get 503 with Retry-After
    #[arg(long, value_name = "N", default_value_t = crate::server::DEFAULT_MAX_CONNECTIONS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=65536))]
    pub max_connections: usize,

    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// List the stored resources
    #[command(
        after_help = "Examples:\n  ifmatch state list\n  ifmatch state list --json | jq -r '.records[].url'"
    )]
    List {
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Show the stored record of one resource
    #[command(
        after_help = "Examples:\n  ifmatch state show https://api.example.com/config.json\n  ifmatch state show URL -H 'Accept: application/json'   the record kept for that Accept"
    )]
    Show {
        /// The resource's URL (no scheme: http:// for localhost, :PORT and IP addresses, else https://)
        url: String,
        #[command(flatten)]
        header: HeaderArgs,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Forget a resource: its record and base body (recovered edits are kept unless --recovered)
    #[command(
        after_help = "Examples:\n  ifmatch state forget https://api.example.com/config.json\n  ifmatch state forget URL --recovered     also delete its recovered edits\n  ifmatch state forget URL --write-probe   forget what a write probe proved for its origin"
    )]
    Forget {
        /// The resource's URL (no scheme: http:// for localhost, :PORT and IP addresses, else https://)
        url: String,

        /// Also delete the resource's recovered edits (the texts kept after failed writes)
        #[arg(long, conflicts_with = "write_probe")]
        recovered: bool,

        /// Forget only the write probe's verdict remembered for URL's origin (see `doctor
        /// --write-probe`), and nothing else
        #[arg(long)]
        write_probe: bool,
        #[command(flatten)]
        header: HeaderArgs,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print the state store's directory
    #[command(after_help = "Examples:\n  ifmatch state path\n  ls \"$(ifmatch state path)/recovered\"")]
    Path {
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Write completion scripts for bash, zsh, fish, elvish and powershell into DIR
    Completions {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Write man pages (ifmatch.1 and one per subcommand) into DIR
    Man {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConflictPolicy {
    /// Ask on a terminal; abort elsewhere
    Ask,
    /// Retry with the three-way merge when it is clean; otherwise ask on a terminal, else abort
    Merge,
    /// Retry with my version over theirs, replacing their change
    Overwrite,
    /// Stop with exit status 3 and keep the edit
    Abort,
}

/// How much of a diff the terminal gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DiffAmount {
    /// All of a short diff; the start of a long one, and a line that counts the rest
    #[default]
    Auto,
    /// All of it
    Full,
}

/// How a write goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PatchMode {
    /// PUT the whole body
    #[default]
    None,
    /// PATCH with a JSON Merge Patch (RFC 7396); cannot set a value to null
    Merge,
    /// PATCH with a JSON Patch (RFC 6902) whose test operations guard each changed field
    Json,
    /// PATCH in a format the server lists in Accept-Patch (JSON Patch first), else PUT
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum WeakETagMode {
    /// Never send a weak ETag in If-Match (RFC 9110 §13.1.1); use If-Unmodified-Since
    #[default]
    Fallback,
    /// Send the weak ETag anyway, for servers that compare weakly
    Send,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
