//! The hidden `ifmatch generate completions|man DIR`: writes the checked-in completion scripts
//! and man pages. A test regenerates them and compares byte for byte.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, EXIT_CODES, GenerateCommand};
use crate::error::{Error, Result};

pub fn run(command: &GenerateCommand) -> Result<()> {
    match command {
        GenerateCommand::Completions { dir } => completions(dir),
        GenerateCommand::Man { dir } => man(dir),
    }
}

fn completions(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Elvish, Shell::PowerShell] {
        let mut cmd = Cli::command();
        clap_complete::generate_to(shell, &mut cmd, "ifmatch", dir)
            .map_err(|e| Error::io("write completions to", dir, e))?;
    }
    Ok(())
}

fn man(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let cmd = Cli::command().disable_help_subcommand(true);
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render(&mut page).map_err(|e| Error::io("render", dir, e))?;
    page.extend_from_slice(extra_sections().as_bytes());
    write(&dir.join("ifmatch.1"), &page)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("ifmatch-{}", sub.get_name());
        let sub = sub.clone().name(name.clone());
        let mut page = Vec::new();
        clap_mangen::Man::new(sub).render(&mut page).map_err(|e| Error::io("render", dir, e))?;
        write(&dir.join(format!("{name}.1")), &page)?;
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::io("write", path, e))
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
