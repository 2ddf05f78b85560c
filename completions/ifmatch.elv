
use builtin;
use str;

set edit:completion:arg-completer[ifmatch] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ifmatch'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ifmatch'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand get 'Fetch a resource: body to stdout (or -o FILE), validators into the state store'
            cand edit 'Fetch, open in your editor, write back with If-Match, resolve conflicts'
            cand put 'Write a file (or stdin) with the validator stored by `get`'
            cand apply 'Read-modify-write through a command: pipe the body through CMD, write with If-Match, re-run on 412'
            cand diff 'Show the server''s changes since the stored base, or FILE against the server''s body'
            cand demo 'See the whole 412 story on a local server: edit, concurrent change, merge, retry'
            cand serve 'Serve a directory on loopback with strict conditional requests'
            cand state 'Inspect and manage the state store'
            cand generate 'Generate shell completions or man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ifmatch;get'= {
            cand -o 'Write the body to FILE instead of stdout'
            cand --output 'Write the body to FILE instead of stdout'
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;edit'= {
            cand --patch 'Send the change as PATCH instead of PUT: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server''s Accept-Patch offers, else PUT) or none (PUT)'
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand --resume 'Re-open the editor on the edit saved after an earlier failure'
            cand --force 'Write without a validator when the server gives neither ETag nor Last-Modified'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;put'= {
            cand --if-match 'Send this ETag in If-Match instead of the stored one'
            cand --if-unmodified-since 'Send this HTTP date in If-Unmodified-Since instead of the stored one'
            cand --content-type 'Content-Type to send [default: the stored one]'
            cand --patch 'Send the change as PATCH computed from the stored base: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server''s Accept-Patch offered, else PUT) or none'
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand --force 'Write without any validator (unconditionally) when none is known'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;apply'= {
            cand --retries 'Retries after a 412 before giving up (each re-fetches and runs CMD again)'
            cand --patch 'Send the change as PATCH instead of PUT: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server''s Accept-Patch offers, else PUT) or none (PUT)'
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand --force 'Write without a validator when the server gives neither ETag nor Last-Modified'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;diff'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;demo'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;serve'= {
            cand -p 'Port to listen on (0 = any free port)'
            cand --port 'Port to listen on (0 = any free port)'
            cand --bind 'Address to bind'
            cand --max-body 'Largest request body accepted, in bytes'
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand --require-precondition 'Answer 428 Precondition Required to writes without If-Match/If-Unmodified-Since'
            cand --weak-etags 'Serve weak ETags, as a compressing proxy would'
            cand -q 'Do not log requests on stderr'
            cand --quiet 'Do not log requests on stderr'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;state'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'List the stored resources'
            cand show 'Show the stored record of one resource'
            cand forget 'Forget a resource: its record, base body and recovered edits'
            cand path 'Print the state store''s directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ifmatch;state;list'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;state;show'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;state;forget'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;state;path'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;state;help'= {
            cand list 'List the stored resources'
            cand show 'Show the stored record of one resource'
            cand forget 'Forget a resource: its record, base body and recovered edits'
            cand path 'Print the state store''s directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ifmatch;state;help;list'= {
        }
        &'ifmatch;state;help;show'= {
        }
        &'ifmatch;state;help;forget'= {
        }
        &'ifmatch;state;help;path'= {
        }
        &'ifmatch;state;help;help'= {
        }
        &'ifmatch;generate'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand completions 'Write completion scripts for bash, zsh, fish, elvish and powershell into DIR'
            cand man 'Write man pages (ifmatch.1 and one per subcommand) into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ifmatch;generate;completions'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;generate;man'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --timeout 'Seconds to wait for the whole request before giving up'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [default: the platform state dir]/ifmatch'
            cand --on-conflict 'What to do on 412 when nobody can be asked (and the default answer at a prompt)'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand -v 'Print request and response headers on stderr (credentials redacted)'
            cand --verbose 'Print request and response headers on stderr (credentials redacted)'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -y 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand --yes 'Answer "retry" to the conflict prompt and "yes" to confirmations'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;generate;help'= {
            cand completions 'Write completion scripts for bash, zsh, fish, elvish and powershell into DIR'
            cand man 'Write man pages (ifmatch.1 and one per subcommand) into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ifmatch;generate;help;completions'= {
        }
        &'ifmatch;generate;help;man'= {
        }
        &'ifmatch;generate;help;help'= {
        }
        &'ifmatch;help'= {
            cand get 'Fetch a resource: body to stdout (or -o FILE), validators into the state store'
            cand edit 'Fetch, open in your editor, write back with If-Match, resolve conflicts'
            cand put 'Write a file (or stdin) with the validator stored by `get`'
            cand apply 'Read-modify-write through a command: pipe the body through CMD, write with If-Match, re-run on 412'
            cand diff 'Show the server''s changes since the stored base, or FILE against the server''s body'
            cand demo 'See the whole 412 story on a local server: edit, concurrent change, merge, retry'
            cand serve 'Serve a directory on loopback with strict conditional requests'
            cand state 'Inspect and manage the state store'
            cand generate 'Generate shell completions or man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ifmatch;help;get'= {
        }
        &'ifmatch;help;edit'= {
        }
        &'ifmatch;help;put'= {
        }
        &'ifmatch;help;apply'= {
        }
        &'ifmatch;help;diff'= {
        }
        &'ifmatch;help;demo'= {
        }
        &'ifmatch;help;serve'= {
        }
        &'ifmatch;help;state'= {
            cand list 'List the stored resources'
            cand show 'Show the stored record of one resource'
            cand forget 'Forget a resource: its record, base body and recovered edits'
            cand path 'Print the state store''s directory'
        }
        &'ifmatch;help;state;list'= {
        }
        &'ifmatch;help;state;show'= {
        }
        &'ifmatch;help;state;forget'= {
        }
        &'ifmatch;help;state;path'= {
        }
        &'ifmatch;help;generate'= {
            cand completions 'Write completion scripts for bash, zsh, fish, elvish and powershell into DIR'
            cand man 'Write man pages (ifmatch.1 and one per subcommand) into DIR'
        }
        &'ifmatch;help;generate;completions'= {
        }
        &'ifmatch;help;generate;man'= {
        }
        &'ifmatch;help;help'= {
        }
    ]
    $completions[$command]
}
