//! The long help texts: examples and the exit-status table, kept apart from the option
//! definitions in `cli.rs`.

/// The exit-status table: the one copy, shown in `--help`, the man page and (checked by a
/// test) the README.
macro_rules! exit_codes {
    () => {
        "\
Exit status:
  0    written, already applied, or nothing to write
  1    other failure (I/O, corrupt input, internal)
  2    usage error
  3    conflict not resolved (412/409/428 and the user or the policy declined)
  4    server answered another 4xx
  5    server answered 5xx
  6    editor or apply's command failed, or the content is invalid (an edit not re-edited, put's body)
  7    network failure, TLS failure or timeout
  130  interrupted by Ctrl-C (129 by SIGHUP, 143 by SIGTERM: 128 + the signal)"
    };
}

/// The exit-status table, shown in `--help`, the man page and the README.
pub const EXIT_CODES: &str = exit_codes!();

macro_rules! examples {
    () => {
        "\
Examples:
  ifmatch demo                                  see the whole 412 story on a local server
  ifmatch edit https://api.example.com/config   edit in $EDITOR, write back with If-Match
  ifmatch get URL -o doc.json && $EDITOR doc.json && ifmatch put URL doc.json
  ifmatch apply URL -- jq '.replicas = 3'       compare-and-swap from a script or CI
  ifmatch doctor URL                            can this server protect writes? (sends no write)
"
    };
}

/// The top-level examples, without the exit statuses (the man page has its own section).
pub const EXAMPLES: &str = examples!();

pub(super) const AFTER_HELP: &str = concat!(examples!(), "\n", exit_codes!());

pub(super) const APPLY_HELP: &str = "\
Examples:
  ifmatch apply URL -- jq '.replicas = 3'
  ifmatch apply URL -- sed 's/debug = false/debug = true/'
  ifmatch apply URL --patch json -- python3 bump.py
  ifmatch apply URL --retries 10 -- ./migrate-config

CMD reads the current body on stdin and prints the new body on stdout. ifmatch writes it with
If-Match; when someone else wrote first (412), it fetches again and re-runs CMD on the fresh
body: a compare-and-swap loop, up to --retries times with a growing random pause. Output equal
to the body sends nothing. It never prompts.

Exit status: 0 written or nothing to write; 3 still conflicting after --retries; 6 CMD failed or
printed something unusable (invalid JSON for a JSON resource, nothing at all); others as for
every command (ifmatch --help).";

pub(super) const DIFF_HELP: &str = "\
Examples:
  ifmatch diff URL              what the server changed since `ifmatch get`/`edit` stored it
  ifmatch diff URL doc.json     what `ifmatch put URL doc.json` would change on the server
  generate | ifmatch diff URL -

The diff goes to stdout, like diff(1); --color applies to it.

Exit status (like diff(1)): 0 no differences; 1 differences found (1 is also \"other failure\",
which prints an error on stderr); 2 usage error, e.g. no stored base; 4, 5, 7 as for every
command (ifmatch --help).";

pub(super) const DOCTOR_HELP: &str = "\
Examples:
  ifmatch doctor https://api.example.com/config.json
  ifmatch doctor URL --write-probe        also check a PUT (asks first)
  ifmatch doctor URL --json | jq -r .verdict

The write probe fetches the body and PUTs it back byte for byte, with the same Content-Type,
carrying If-Match with a random tag (If-Unmodified-Since a day before Last-Modified when there
is no strong ETag). A server that protects writes answers 412 and nothing is written. One that
answers 2xx does not protect writes; it then stored the body it already had, so only its
modification time changed (unless someone else wrote between that GET and the PUT, whose change
the PUT would then undo: probe at a quiet moment).

Exit status:
  0    the probe ran and writes can be protected, or it could not be verified (see the verdict)
  1    writes cannot be protected (no usable validator, or the write probe was accepted),
       so a CI step `ifmatch doctor URL` fails before a script writes unprotected; also when
       the URL redirects (probe the target instead), or another failure
  2    --write-probe without --yes and no terminal to ask on
  4/5  the first GET answered 4xx/5xx
  7    network failure, TLS failure or timeout";

pub(super) const COMPLETIONS_HELP: &str = "\
Install (then open a new shell):
  bash        ifmatch completions bash > ~/.local/share/bash-completion/completions/ifmatch
  zsh         ifmatch completions zsh > ~/.zfunc/_ifmatch
              (with fpath+=(~/.zfunc); autoload -U compinit; compinit in ~/.zshrc)
  fish        ifmatch completions fish > ~/.config/fish/completions/ifmatch.fish
  elvish      ifmatch completions elvish > ~/.config/elvish/lib/ifmatch.elv
              (with use ifmatch in ~/.config/elvish/rc.elv)
  powershell  ifmatch completions powershell >> $PROFILE";
