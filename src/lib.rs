//! ifmatch: ETag-safe editing of remote resources over HTTP. The binary parses arguments and
//! calls [`run`]; the modules below hold everything else (see each module's own docs). The
//! modules are private to the crate and the library exports only what `src/main.rs` and the
//! tests use, so the compiler reports any code that nothing calls.

// std's `eprintln!` panics when stderr is closed (`ifmatch … 2>&1 | head -1`), which would turn
// a finished write into a crash: every stderr write goes through `stderrln!`/`stderr!` instead,
// and clippy refuses the std macros.
#![warn(clippy::print_stderr)]

/// A line on stderr, like `eprintln!` but never panicking. Messages for the user go through
/// `Ui` (`ui.rs`); this is for the UI layer itself and for the `-v` trace.
macro_rules! stderrln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Text on stderr without a line end; see `stderrln!`.
macro_rules! stderr {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

mod body_version;
mod cli;
mod commands;
mod conflict;
mod cycle;
mod deadline;
mod diff;
mod doctor;
mod editor;
mod error;
mod etag;
mod filter;
mod fresh;
mod fsutil;
mod http;
mod interrupt;
mod media;
mod merge;
mod netrc;
mod patch;
mod pretty;
mod recheck;
mod report;
mod sanitize;
mod server;
mod session;
mod settings;
mod state;
mod stdio;
mod ui;
mod upload;
mod write_mode;

// What the binary and the tests use; nothing else is public.
pub use cli::{Cli, EXIT_CODES};
pub use error::{Error, Exit};
pub use report::{ErrorReport, OUTCOMES, Outcome, print as print_report};
pub use settings::use_color;
pub use ui::Ui;

use cli::Command;
use error::Result;
use session::Session;
use settings::Settings;

/// Runs one parsed command line. A run that does not fail can still end with a status other
/// than 0 ([`Exit`]): `diff` found differences, `doctor` found writes unprotected.
pub async fn run(cli: &Cli) -> Result<Exit> {
    let global = cli.global();
    ui::set_quiet(global.out.quiet);
    match &cli.command {
        Command::Serve(args) => return commands::serve::run(args).await.map(|()| Exit::Success),
        Command::Generate(args) => return commands::generate::run(args).map(|()| Exit::Success),
        Command::Completions(args) => {
            return commands::generate::print_completions(args.shell).map(|()| Exit::Success);
        }
        _ => {}
    }
    // Before the handler: a password prompt in here must still end on Ctrl-C.
    let settings = Settings::from_args(&global, command_url(&cli.command))?;
    if let Some(limit) = settings.max_time {
        deadline::start(limit);
    }
    // From here on Ctrl-C is an error at a safe point, so every command cleans up after itself
    // (temp files, the user's edit) and exits with 130.
    interrupt::install();
    match &cli.command {
        Command::Demo(_) => return commands::demo::run(settings).await.map(|()| Exit::Success),
        // doctor changes nothing in the state store but the write probe's verdict for the
        // origin, which it records itself; it needs no session.
        Command::Doctor(args) => return commands::doctor::run(&settings, args).await,
        _ => {}
    }
    let state_dir = settings.state_dir.clone();
    let result = async {
        let session = Session::new(settings)?;
        // Reading commands work on a read-only store; the others would fetch, or open the
        // editor, and then find they cannot record or keep anything.
        let reads_only = matches!(
            &cli.command,
            Command::Diff(_)
                | Command::State(
                    cli::StateCommand::List { .. }
                        | cli::StateCommand::Show { .. }
                        | cli::StateCommand::Path { .. }
                )
        );
        if !reads_only {
            session.store.check_writable()?;
        }
        let done = |()| Exit::Success;
        match &cli.command {
            Command::Get(args) => commands::get::run(&session, args).await.map(done),
            Command::Edit(args) => commands::edit::run(&session, args).await.map(done),
            Command::Put(args) => commands::put::run(&session, args).await.map(done),
            Command::Apply(args) => commands::apply::run(&session, args).await.map(done),
            Command::Diff(args) => commands::diff::run(&session, args).await,
            Command::State(args) => commands::state::run(&session, args).map(done),
            Command::Demo(_) | Command::Doctor(_) => unreachable!("handled above"),
            Command::Serve(_) | Command::Generate(_) | Command::Completions(_) => {
                unreachable!("handled above")
            }
        }
    }
    .await;
    result.map_err(|err| match err.io_path() {
        Some(path) if path.starts_with(&state_dir) => err.with_hint(format!(
            "the state store is {}: check its permissions, or use another with --state-dir DIR",
            state_dir.display()
        )),
        _ => err,
    })
}

/// The URL a command line is about, as `--json` error objects name it: parsed and without
/// credentials; `None` for commands without one, or when it cannot be parsed.
pub fn url_of(cli: &Cli) -> Option<String> {
    let raw = match &cli.command {
        Command::State(cli::StateCommand::Show { url, .. } | cli::StateCommand::Forget { url, .. }) => {
            Some(url.as_str())
        }
        command => command_url(command),
    };
    raw.and_then(|raw| session::parse_url(raw).ok()).map(|url| url.to_string())
}

/// The URL argument of commands that send requests.
fn command_url(command: &Command) -> Option<&str> {
    match command {
        Command::Get(args) => Some(&args.url),
        Command::Edit(args) => Some(&args.url),
        Command::Put(args) => Some(&args.url),
        Command::Apply(args) => Some(&args.url),
        Command::Diff(args) => Some(&args.url),
        Command::Doctor(args) => Some(&args.url),
        _ => None,
    }
}

/// The subcommand's name, for `--json` error objects.
pub fn command_name(cli: &Cli) -> &'static str {
    match &cli.command {
        Command::Demo(_) => "demo",
        Command::Doctor(_) => "doctor",
        Command::Get(_) => "get",
        Command::Edit(_) => "edit",
        Command::Put(_) => "put",
        Command::Apply(_) => "apply",
        Command::Diff(_) => "diff",
        Command::Serve(_) => "serve",
        Command::State(cli::StateCommand::List { .. }) => "state list",
        Command::State(cli::StateCommand::Show { .. }) => "state show",
        Command::State(cli::StateCommand::Forget { .. }) => "state forget",
        Command::State(cli::StateCommand::Path { .. }) => "state path",
        Command::Generate(_) => "generate",
        Command::Completions(_) => "completions",
    }
}
