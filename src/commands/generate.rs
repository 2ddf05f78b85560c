//! `ifmatch completions SHELL` (the script on stdout) and the hidden `ifmatch generate
//! completions|man DIR`, which writes the checked-in completion scripts and man pages. A test
//! regenerates them and compares byte for byte.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, EXAMPLES, EXIT_CODES, GenerateCommand};
use crate::error::{IoResultExt, Result};

pub fn run(command: &GenerateCommand) -> Result<()> {
    match command {
        GenerateCommand::Completions { dir } => completions(dir),
        GenerateCommand::Man { dir } => man(dir),
    }
}

/// `ifmatch completions SHELL`: the script on stdout.
pub fn print_completions(shell: Shell) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut completed(), "ifmatch", &mut script);
    crate::stdio::write(&script)
}

/// The command line that completion offers: hidden commands left out.
fn completed() -> clap::Command {
    let cli = Cli::command();
    let visible: Vec<clap::Command> = cli.get_subcommands().filter(|s| !s.is_hide_set()).cloned().collect();
    let mut cmd = clap::Command::new("ifmatch").subcommands(visible);
    if let Some(about) = cli.get_about() {
        cmd = cmd.about(about.clone());
    }
    if let Some(version) = cli.get_version() {
        cmd = cmd.version(version.to_string());
    }
    cmd
}

fn completions(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).context("create", dir)?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Elvish, Shell::PowerShell] {
        clap_complete::generate_to(shell, &mut completed(), "ifmatch", dir)
            .context("write completions to", dir)?;
    }
    Ok(())
}

fn man(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).context("create", dir)?;
    // The top page shows the exit statuses once, in its EXIT STATUS section.
    let cmd = Cli::command().disable_help_subcommand(true).after_help(EXAMPLES);
    let mut page = render(cmd.clone(), "ifmatch")?;
    page.push_str(&extra_sections());
    write(&dir.join("ifmatch.1"), &page)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("ifmatch-{}", sub.get_name());
        let page = render(sub.clone().name(name.clone()), &format!("ifmatch {}", sub.get_name()))?;
        write(&dir.join(format!("{name}.1")), &page)?;
    }
    Ok(())
}

/// One page: clap_mangen's sections, with a synopsis that reads as typed (`ifmatch edit
/// [--resume] [-H|--header NAME: VALUE] … URL`).
fn render(cmd: clap::Command, typed: &str) -> Result<String> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render_title(&mut page).context("render", "a man page")?;
    man.render_name_section(&mut page).context("render", "a man page")?;
    page.extend_from_slice(synopsis(&cmd, typed).as_bytes());
    man.render_description_section(&mut page).context("render", "a man page")?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page).context("render", "a man page")?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut page).context("render", "a man page")?;
    }
    if cmd.get_after_help().is_some() {
        man.render_extra_section(&mut page).context("render", "a man page")?;
    }
    if cmd.get_version().is_some() {
        man.render_version_section(&mut page).context("render", "a man page")?;
    }
    Ok(ascii(&String::from_utf8_lossy(&page)))
}

/// The SYNOPSIS section: every visible option with its value, then the arguments.
fn synopsis(cmd: &clap::Command, typed: &str) -> String {
    let mut line = format!("\\fB{}\\fR", escape(typed));
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set() && !a.is_positional()) {
        let flag = match (arg.get_short(), arg.get_long()) {
            (Some(short), Some(long)) => format!("\\fB\\-{short}\\fR|\\fB\\-\\-{}\\fR", escape(long)),
            (Some(short), None) => format!("\\fB\\-{short}\\fR"),
            (None, Some(long)) => format!("\\fB\\-\\-{}\\fR", escape(long)),
            (None, None) => continue,
        };
        let value = if arg.get_action().takes_values() {
            arg.get_value_names()
                .map(|names| format!(" \\fI{}\\fR", escape(&names.join(" "))))
                .unwrap_or_default()
        } else {
            String::new()
        };
        line += &format!(" [{flag}{value}]");
    }
    for arg in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        let name = arg.get_value_names().map_or_else(|| arg.get_id().to_string(), |n| n.join(" "));
        let (open, close) = if arg.is_required_set() { ("<", ">") } else { ("[", "]") };
        let more = if arg.get_num_args().is_some_and(|n| n.max_values() > 1) { "..." } else { "" };
        let last = if arg.is_last_set() { "\\-\\- " } else { "" };
        line += &format!(" {last}{open}\\fI{}\\fR{close}{more}", escape(&name));
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        line += " <\\fIcommand\\fR>";
    }
    format!(".SH SYNOPSIS\n{line}\n")
}

/// Text for roff: backslashes and hyphens escaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\e").replace('-', "\\-")
}

/// The page in ASCII: every other character as a groff escape (`\[u2192]` for →), so that
/// groff reads it whatever the locale, and `groff -ww` has nothing to warn about.
fn ascii(page: &str) -> String {
    page.chars()
        .map(|c| if c.is_ascii() { c.to_string() } else { format!("\\[u{:04X}]", c as u32) })
        .collect()
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).context("write", path)
}

/// EXIT STATUS, ENVIRONMENT and FILES, which clap_mangen does not produce.
fn extra_sections() -> String {
    let mut roff = String::from(".SH \"EXIT STATUS\"\n");
    for line in EXIT_CODES.lines().skip(1) {
        let line = line.trim();
        if let Some((code, meaning)) = line.split_once(' ') {
            roff.push_str(&format!(".TP\n\\fB{code}\\fR\n{}\n", meaning.trim()));
        }
    }
    roff.push_str(
        ".SH ENVIRONMENT\n\
.TP\n\\fBIFMATCH_EDITOR\\fR, \\fBVISUAL\\fR, \\fBEDITOR\\fR\nThe editor, in this order of preference (default \\fBvi\\fR). Split into words like a shell would, run without one.\n\
.TP\n\\fBIFMATCH_STATE_DIR\\fR\nThe state store directory (same as \\fB\\-\\-state\\-dir\\fR).\n\
.TP\n\\fBIFMATCH_RETRY\\fR\nRetries of a transient failure (same as \\fB\\-\\-retry\\fR, default 3; 0 turns them off).\n\
.TP\n\\fBIFMATCH_LOCK_TIMEOUT\\fR\nSeconds to wait for the state store's lock (default 10).\n\
.TP\n\\fBNO_COLOR\\fR\nWhen set and not empty, no colors with \\fB\\-\\-color auto\\fR.\n\
.SH FILES\n\
.TP\n\\fI$XDG_STATE_HOME/ifmatch/\\fR (\\fI~/.local/state/ifmatch/\\fR)\nThe state store: \\fIrecords/\\fR (one JSON record per resource), \\fIbases/\\fR (the fetched bodies), \\fIcopies/\\fR (the version each file written by \\fBget \\-o\\fR holds), \\fIrecovered/\\fR (edits kept after a failure; \\fBifmatch edit URL \\-\\-resume\\fR picks them up).\n",
    );
    roff
}
