# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ifmatch_global_optspecs
    string join \n h/help V/version
end

function __fish_ifmatch_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ifmatch_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ifmatch_using_subcommand
    set -l cmd (__fish_ifmatch_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ifmatch -n "__fish_ifmatch_needs_command" -s h -l help -d 'Print help'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -s V -l version -d 'Print version'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "get" -d 'Fetch a resource: body to stdout (or -o FILE), validators into the state store'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "edit" -d 'Fetch, open in your editor, write back with If-Match, resolve conflicts'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "put" -d 'Write a file (or stdin) with the validator stored by `get`'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "doctor" -d 'Probe a server\'s conditional-request support without changing anything, and explain it'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "apply" -d 'Read-modify-write through a command: pipe the body through CMD, write with If-Match, re-run on 412'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "diff" -d 'Show the server\'s changes since the stored base, or FILE against the server\'s body'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "demo" -d 'See the whole 412 story on a local server: edit, concurrent change, merge, retry'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "serve" -d 'Serve a directory on loopback with strict conditional requests'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "state" -d 'Inspect and manage the state store'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "completions" -d 'Print the completion script for a shell on stdout'
complete -c ifmatch -n "__fish_ifmatch_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s o -l output -d 'Write the body to FILE instead of stdout' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s H -l header -d 'Extra request header, e.g. -H \'Accept: application/json\' (repeatable)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s x -l proxy -d 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l noproxy -d 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l max-redirects -d 'Redirects a GET may follow' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l timeout -d 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l retry -d 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l retry-max-time -d 'The longest wait before one retry: a longer Retry-After from the server is cut to this' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l max-time -d 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s d -l data -d 'curl\'s request body: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s X -l request -d 'curl\'s request method: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s u -l user -d 'Basic auth credentials; prompts for the password on a terminal when it is omitted' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l bearer-env -d 'Read a bearer token from this environment variable (keeps it off the command line)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l bearer-file -d 'Read a bearer token from the first line of this file' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l cacert -d 'Trust the CA certificate(s) in this PEM file, in addition to the system\'s' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l cert -d 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l key -d 'Private key (PEM) for --cert' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l weak-etag -d 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway' -r -f -a "fallback\t'Never send a weak ETag in If-Match (RFC 9110 §13.1.1); use If-Unmodified-Since'
send\t'Send the weak ETag anyway, for servers that compare weakly'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l version-field -d 'The JSON Pointer of a version kept in the body (/_rev, /metadata/resourceVersion, /etag): writes carry it unchanged and a 409 or 412 goes through the conflict flow [default: the one remembered, or a well-known field when the server sends no strong ETag]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l state-dir -d 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l base-limit -d 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l force -d 'Replace FILE even when it is a working copy ifmatch wrote and you changed it since'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l raw -d 'Write the body exactly as received to a terminal too (JSON is otherwise indented and colored there; to a file or a pipe it is always written as received)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s i -l include -d 'Print the status line and the response headers on stdout before the body'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s f -l fail -d 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s L -l location -d 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l netrc -d 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s k -l insecure -d 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s v -l verbose -d 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l patch -d 'Send the change as PATCH instead of PUT: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server\'s Accept-Patch offers, else PUT) or none (PUT)' -r -f -a "none\t'PUT the whole body'
merge\t'PATCH with a JSON Merge Patch (RFC 7396); cannot set a value to null'
json\t'PATCH with a JSON Patch (RFC 6902) whose test operations guard each changed field'
auto\t'PATCH in a format the server lists in Accept-Patch (JSON Patch first), else PUT'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s H -l header -d 'Extra request header, e.g. -H \'Accept: application/json\' (repeatable)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s x -l proxy -d 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l noproxy -d 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l max-redirects -d 'Redirects a GET may follow' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l timeout -d 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l retry -d 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l retry-max-time -d 'The longest wait before one retry: a longer Retry-After from the server is cut to this' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l max-time -d 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s d -l data -d 'curl\'s request body: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s X -l request -d 'curl\'s request method: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s u -l user -d 'Basic auth credentials; prompts for the password on a terminal when it is omitted' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l bearer-env -d 'Read a bearer token from this environment variable (keeps it off the command line)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l bearer-file -d 'Read a bearer token from the first line of this file' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l cacert -d 'Trust the CA certificate(s) in this PEM file, in addition to the system\'s' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l cert -d 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l key -d 'Private key (PEM) for --cert' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l on-conflict -d 'What to do on a conflict (412) instead of asking [default: ask on a terminal, else abort]' -r -f -a "ask\t'Ask on a terminal; abort elsewhere'
merge\t'Retry with the three-way merge when it is clean; otherwise ask on a terminal, else abort'
overwrite\t'Retry with my version over theirs, replacing their change'
abort\t'Stop with exit status 3 and keep the edit'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l conflict-status -d 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l weak-etag -d 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway' -r -f -a "fallback\t'Never send a weak ETag in If-Match (RFC 9110 §13.1.1); use If-Unmodified-Since'
send\t'Send the weak ETag anyway, for servers that compare weakly'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l version-field -d 'The JSON Pointer of a version kept in the body (/_rev, /metadata/resourceVersion, /etag): writes carry it unchanged and a 409 or 412 goes through the conflict flow [default: the one remembered, or a well-known field when the server sends no strong ETag]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l fetch-url -d 'Read from this URL instead (the origin behind a cache or CDN), and write through the usual one: for caches that serve stale copies and that nothing else gets past' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l cache-bust-param -d 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l diff -d 'How much of a long diff to print on stderr (in the conflict flow): `auto` prints its first 100 lines and counts the rest; `full` prints all of it, as [d]iff at the prompt does' -r -f -a "auto\t'All of a short diff; the start of a long one, and a line that counts the rest'
full\t'All of it'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l state-dir -d 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l base-limit -d 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l resume -d 'Re-open the editor on the newest edit saved after an earlier failure, and write it with the validators of the version it was based on (a change made since then is merged or asked about, never overwritten)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l force -d 'Write without a validator when the server gives neither ETag nor Last-Modified'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s f -l fail -d 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s L -l location -d 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l netrc -d 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s k -l insecure -d 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s v -l verbose -d 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l follow-writes -d 'Follow 307/308 redirects on writes too (same origin only); by default they are reported'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s y -l yes -d 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else\'s change (a conflicted merge exits 3)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l no-cache-bust -d 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l if-match -d 'Send this ETag in If-Match instead of the stored one' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l if-unmodified-since -d 'Send this HTTP date in If-Unmodified-Since instead of the stored one' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l content-type -d 'Content-Type to send [default: the stored one]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l patch -d 'Send the change as PATCH computed from the stored base: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server\'s Accept-Patch offered, else PUT) or none' -r -f -a "none\t'PUT the whole body'
merge\t'PATCH with a JSON Merge Patch (RFC 7396); cannot set a value to null'
json\t'PATCH with a JSON Patch (RFC 6902) whose test operations guard each changed field'
auto\t'PATCH in a format the server lists in Accept-Patch (JSON Patch first), else PUT'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s H -l header -d 'Extra request header, e.g. -H \'Accept: application/json\' (repeatable)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s x -l proxy -d 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l noproxy -d 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l max-redirects -d 'Redirects a GET may follow' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l timeout -d 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l retry -d 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l retry-max-time -d 'The longest wait before one retry: a longer Retry-After from the server is cut to this' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l max-time -d 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s d -l data -d 'curl\'s request body: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s X -l request -d 'curl\'s request method: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s u -l user -d 'Basic auth credentials; prompts for the password on a terminal when it is omitted' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l bearer-env -d 'Read a bearer token from this environment variable (keeps it off the command line)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l bearer-file -d 'Read a bearer token from the first line of this file' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l cacert -d 'Trust the CA certificate(s) in this PEM file, in addition to the system\'s' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l cert -d 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l key -d 'Private key (PEM) for --cert' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l on-conflict -d 'What to do on a conflict (412) instead of asking [default: ask on a terminal, else abort]' -r -f -a "ask\t'Ask on a terminal; abort elsewhere'
merge\t'Retry with the three-way merge when it is clean; otherwise ask on a terminal, else abort'
overwrite\t'Retry with my version over theirs, replacing their change'
abort\t'Stop with exit status 3 and keep the edit'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l conflict-status -d 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l weak-etag -d 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway' -r -f -a "fallback\t'Never send a weak ETag in If-Match (RFC 9110 §13.1.1); use If-Unmodified-Since'
send\t'Send the weak ETag anyway, for servers that compare weakly'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l version-field -d 'The JSON Pointer of a version kept in the body (/_rev, /metadata/resourceVersion, /etag): writes carry it unchanged and a 409 or 412 goes through the conflict flow [default: the one remembered, or a well-known field when the server sends no strong ETag]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l fetch-url -d 'Read from this URL instead (the origin behind a cache or CDN), and write through the usual one: for caches that serve stale copies and that nothing else gets past' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l cache-bust-param -d 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l diff -d 'How much of a long diff to print on stderr (in the conflict flow): `auto` prints its first 100 lines and counts the rest; `full` prints all of it, as [d]iff at the prompt does' -r -f -a "auto\t'All of a short diff; the start of a long one, and a line that counts the rest'
full\t'All of it'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l state-dir -d 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l base-limit -d 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l allow-empty -d 'Send an empty body (refused otherwise, as it is usually a mistake upstream)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l force -d 'Write without any validator (unconditionally) when none is known'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l create -d 'Create the resource: send If-None-Match: *, so the write fails (exit 3) if it exists'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s f -l fail -d 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s L -l location -d 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l netrc -d 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s k -l insecure -d 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s v -l verbose -d 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l follow-writes -d 'Follow 307/308 redirects on writes too (same origin only); by default they are reported'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s y -l yes -d 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else\'s change (a conflicted merge exits 3)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l no-cache-bust -d 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand put" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s H -l header -d 'Extra request header, e.g. -H \'Accept: application/json\' (repeatable)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s x -l proxy -d 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l noproxy -d 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l max-redirects -d 'Redirects a GET may follow' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l timeout -d 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l retry -d 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l retry-max-time -d 'The longest wait before one retry: a longer Retry-After from the server is cut to this' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l max-time -d 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s d -l data -d 'curl\'s request body: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s X -l request -d 'curl\'s request method: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s u -l user -d 'Basic auth credentials; prompts for the password on a terminal when it is omitted' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l bearer-env -d 'Read a bearer token from this environment variable (keeps it off the command line)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l bearer-file -d 'Read a bearer token from the first line of this file' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l cacert -d 'Trust the CA certificate(s) in this PEM file, in addition to the system\'s' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l cert -d 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l key -d 'Private key (PEM) for --cert' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l conflict-status -d 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l version-field -d 'The JSON Pointer of a version kept in the body [default: a well-known one the body has: /_rev, /metadata/resourceVersion, /etag]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l cache-bust-param -d 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l state-dir -d 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l base-limit -d 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l write-probe -d 'Also PUT the current body back unchanged with a precondition that must fail, to prove that writes are protected (asks first; --yes does not ask)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s f -l fail -d 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s L -l location -d 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l netrc -d 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s k -l insecure -d 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s v -l verbose -d 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s y -l yes -d 'Send the write probe without asking'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l no-cache-bust -d 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l retries -d 'Retries after a 412 before giving up (each re-fetches and runs CMD again)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l patch -d 'Send the change as PATCH instead of PUT: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server\'s Accept-Patch offers, else PUT) or none (PUT)' -r -f -a "none\t'PUT the whole body'
merge\t'PATCH with a JSON Merge Patch (RFC 7396); cannot set a value to null'
json\t'PATCH with a JSON Patch (RFC 6902) whose test operations guard each changed field'
auto\t'PATCH in a format the server lists in Accept-Patch (JSON Patch first), else PUT'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s H -l header -d 'Extra request header, e.g. -H \'Accept: application/json\' (repeatable)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s x -l proxy -d 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l noproxy -d 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l max-redirects -d 'Redirects a GET may follow' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l timeout -d 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l retry -d 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l retry-max-time -d 'The longest wait before one retry: a longer Retry-After from the server is cut to this' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l max-time -d 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s d -l data -d 'curl\'s request body: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s X -l request -d 'curl\'s request method: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s u -l user -d 'Basic auth credentials; prompts for the password on a terminal when it is omitted' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l bearer-env -d 'Read a bearer token from this environment variable (keeps it off the command line)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l bearer-file -d 'Read a bearer token from the first line of this file' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l cacert -d 'Trust the CA certificate(s) in this PEM file, in addition to the system\'s' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l cert -d 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l key -d 'Private key (PEM) for --cert' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l on-conflict -d 'What to do on a conflict (412) instead of asking [default: ask on a terminal, else abort]' -r -f -a "ask\t'Ask on a terminal; abort elsewhere'
merge\t'Retry with the three-way merge when it is clean; otherwise ask on a terminal, else abort'
overwrite\t'Retry with my version over theirs, replacing their change'
abort\t'Stop with exit status 3 and keep the edit'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l conflict-status -d 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l weak-etag -d 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway' -r -f -a "fallback\t'Never send a weak ETag in If-Match (RFC 9110 §13.1.1); use If-Unmodified-Since'
send\t'Send the weak ETag anyway, for servers that compare weakly'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l version-field -d 'The JSON Pointer of a version kept in the body (/_rev, /metadata/resourceVersion, /etag): writes carry it unchanged and a 409 or 412 goes through the conflict flow [default: the one remembered, or a well-known field when the server sends no strong ETag]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l fetch-url -d 'Read from this URL instead (the origin behind a cache or CDN), and write through the usual one: for caches that serve stale copies and that nothing else gets past' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l cache-bust-param -d 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l diff -d 'How much of a long diff to print on stderr (in the conflict flow): `auto` prints its first 100 lines and counts the rest; `full` prints all of it, as [d]iff at the prompt does' -r -f -a "auto\t'All of a short diff; the start of a long one, and a line that counts the rest'
full\t'All of it'"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l state-dir -d 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l base-limit -d 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l force -d 'Write without a validator when the server gives neither ETag nor Last-Modified'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s f -l fail -d 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s L -l location -d 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l netrc -d 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s k -l insecure -d 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s v -l verbose -d 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l follow-writes -d 'Follow 307/308 redirects on writes too (same origin only); by default they are reported'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s y -l yes -d 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else\'s change (a conflicted merge exits 3)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l no-cache-bust -d 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s H -l header -d 'Extra request header, e.g. -H \'Accept: application/json\' (repeatable)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s x -l proxy -d 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l noproxy -d 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l max-redirects -d 'Redirects a GET may follow' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l timeout -d 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l retry -d 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l retry-max-time -d 'The longest wait before one retry: a longer Retry-After from the server is cut to this' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l max-time -d 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s d -l data -d 'curl\'s request body: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s X -l request -d 'curl\'s request method: refused with a pointer to put and apply' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s u -l user -d 'Basic auth credentials; prompts for the password on a terminal when it is omitted' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l bearer-env -d 'Read a bearer token from this environment variable (keeps it off the command line)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l bearer-file -d 'Read a bearer token from the first line of this file' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l cacert -d 'Trust the CA certificate(s) in this PEM file, in addition to the system\'s' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l cert -d 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l key -d 'Private key (PEM) for --cert' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l state-dir -d 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l base-limit -d 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s f -l fail -d 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s L -l location -d 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l netrc -d 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s k -l insecure -d 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s v -l verbose -d 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand diff" -s h -l help -d 'Print help'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand demo" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand demo" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand demo" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand demo" -s h -l help -d 'Print help'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -s p -l port -d 'Port to listen on (0 = any free port)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -l bind -d 'Address to bind' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -l max-body -d 'Largest request body accepted, in bytes' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -l header-timeout -d 'Seconds a request head may take to arrive (408 after that), and an idle connection is kept open' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -l body-timeout -d 'Seconds a request body may take to arrive, plus one per 64 KiB received (408 after that)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -l max-connections -d 'Most connections served at once; more get 503 with Retry-After' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -l require-precondition -d 'Answer 428 Precondition Required to writes without If-Match/If-Unmodified-Since'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -l weak-etags -d 'Serve weak ETags, as a compressing proxy would'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand serve" -s h -l help -d 'Print help'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and not __fish_seen_subcommand_from list show forget path help" -s h -l help -d 'Print help'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and not __fish_seen_subcommand_from list show forget path help" -f -a "list" -d 'List the stored resources'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and not __fish_seen_subcommand_from list show forget path help" -f -a "show" -d 'Show the stored record of one resource'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and not __fish_seen_subcommand_from list show forget path help" -f -a "forget" -d 'Forget a resource: its record and base body (recovered edits are kept unless --recovered)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and not __fish_seen_subcommand_from list show forget path help" -f -a "path" -d 'Print the state store\'s directory'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and not __fish_seen_subcommand_from list show forget path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from list" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from list" -l state-dir -d 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from list" -l base-limit -d 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from list" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from show" -s H -l header -d 'Extra request header, e.g. -H \'Accept: application/json\' (repeatable)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from show" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from show" -l state-dir -d 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from show" -l base-limit -d 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from show" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from forget" -s H -l header -d 'Extra request header, e.g. -H \'Accept: application/json\' (repeatable)' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from forget" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from forget" -l state-dir -d 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from forget" -l base-limit -d 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from forget" -l recovered -d 'Also delete the resource\'s recovered edits (the texts kept after failed writes)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from forget" -l write-probe -d 'Forget only the write probe\'s verdict remembered for URL\'s origin (see `doctor --write-probe`), and nothing else'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from forget" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from forget" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from forget" -s h -l help -d 'Print help'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from path" -l color -d 'When to use colors on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from path" -l state-dir -d 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]' -r -F
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from path" -l base-limit -d 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge' -r
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from path" -s q -s s -l quiet -l silent -d 'Print only errors on stderr: no notes, warnings or progress'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from path" -l json -d 'Print one JSON object describing the outcome on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the stored resources'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the stored record of one resource'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "forget" -d 'Forget a resource: its record and base body (recovered edits are kept unless --recovered)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the state store\'s directory'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand completions" -s h -l help -d 'Print help'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "get" -d 'Fetch a resource: body to stdout (or -o FILE), validators into the state store'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "edit" -d 'Fetch, open in your editor, write back with If-Match, resolve conflicts'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "put" -d 'Write a file (or stdin) with the validator stored by `get`'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "doctor" -d 'Probe a server\'s conditional-request support without changing anything, and explain it'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "apply" -d 'Read-modify-write through a command: pipe the body through CMD, write with If-Match, re-run on 412'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "diff" -d 'Show the server\'s changes since the stored base, or FILE against the server\'s body'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "demo" -d 'See the whole 412 story on a local server: edit, concurrent change, merge, retry'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "serve" -d 'Serve a directory on loopback with strict conditional requests'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "state" -d 'Inspect and manage the state store'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "completions" -d 'Print the completion script for a shell on stdout'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and not __fish_seen_subcommand_from get edit put doctor apply diff demo serve state completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "list" -d 'List the stored resources'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "show" -d 'Show the stored record of one resource'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "forget" -d 'Forget a resource: its record and base body (recovered edits are kept unless --recovered)'
complete -c ifmatch -n "__fish_ifmatch_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "path" -d 'Print the state store\'s directory'
