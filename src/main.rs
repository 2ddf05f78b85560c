//! Parse the arguments, run, map the error to an exit status. Nothing else.

use clap::Parser;
use clap::error::ErrorKind;
use ifmatch::Exit;
use std::io::IsTerminal;

fn main() {
    let cli = ifmatch::Cli::try_parse().unwrap_or_else(|err| refused(err));
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ifmatch: error: could not start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = match runtime.block_on(ifmatch::run(&cli)) {
        Ok(Exit::Success) => return,
        // diff found differences, doctor found writes unprotected: already said.
        Ok(exit) => exit.code(),
        // Whoever read stdout went away (`| head`): not a failure, and nobody left to tell.
        Err(err) if err.is_closed_pipe() => err.exit_code(),
        Err(err) => {
            let out = cli.global().out;
            let color = ifmatch::use_color(out.color, std::io::stderr().is_terminal());
            ifmatch::Ui { color }.error(&err);
            if out.json {
                // A closed stdout has no reader left to tell.
                let report =
                    ifmatch::ErrorReport::new(ifmatch::command_name(&cli), ifmatch::url_of(&cli), &err);
                let _ = ifmatch::print_report(&report);
            }
            err.exit_code()
        }
    };
    runtime.shutdown_background();
    std::process::exit(code);
}

/// A command line clap refuses (an unknown option, a missing value): its message on stderr as
/// usual, and with `--json` the error object on stdout too, so that a script reading the report
/// gets one JSON object on every failure, this one included.
fn refused(err: clap::Error) -> ! {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().take_while(|a| *a != "--").any(|a| a == "--json");
    let shown = matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if json && !shown {
        let command = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["state", sub, ..] if !sub.starts_with('-') => format!("state {sub}"),
            [first, ..] if !first.starts_with('-') => first.to_string(),
            _ => "ifmatch".to_string(),
        };
        let rendered = err.render().to_string();
        // The first paragraph: "unexpected argument '--x' found", or a line and what is missing.
        let first: Vec<&str> = rendered.lines().take_while(|l| !l.trim().is_empty()).map(str::trim).collect();
        let message = first.join(" ").trim_start_matches("error: ").to_string();
        let hint = if command == "ifmatch" {
            "`ifmatch --help` lists the commands".to_string()
        } else {
            format!("`ifmatch {command} --help` lists the options it takes")
        };
        let error = ifmatch::Error::usage(message, hint);
        let _ = ifmatch::print_report(&ifmatch::ErrorReport::new(&command, None, &error));
    }
    err.exit()
}
