//! Parse the arguments, run, map the error to an exit status. Nothing else.

use clap::Parser;
use std::io::IsTerminal;

fn main() {
    let cli = ifmatch::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ifmatch: error: could not start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let result = runtime.block_on(ifmatch::run(&cli));
    if let Err(err) = result {
        if err.is_silent() {
            runtime.shutdown_background();
            std::process::exit(err.exit_code());
        }
        let out = cli.global().out;
        let color = ifmatch::settings::use_color(out.color, std::io::stderr().is_terminal());
        ifmatch::ui::Ui { color }.error(&err);
        if out.json && !err.json_printed() {
            // A closed stdout has no reader left to tell.
            let _ = ifmatch::stdio::json(&ifmatch::session::error_json(ifmatch::command_name(&cli), &err));
        }
        runtime.shutdown_background();
        std::process::exit(err.exit_code());
    }
}
