
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
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand get 'Fetch a resource: body to stdout (or -o FILE), validators into the state store'
            cand edit 'Fetch, open in your editor, write back with If-Match, resolve conflicts'
            cand put 'Write a file (or stdin) with the validator stored by `get`'
            cand doctor 'Probe a server''s conditional-request support without changing anything, and explain it'
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
            cand -x 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --proxy 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --noproxy 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)'
            cand --max-redirects 'Redirects a GET may follow'
            cand --timeout 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)'
            cand --retry 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]'
            cand --retry-max-time 'The longest wait before one retry: a longer Retry-After from the server is cut to this'
            cand --max-time 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)'
            cand -d 'curl''s request body: refused with a pointer to put and apply'
            cand --data 'curl''s request body: refused with a pointer to put and apply'
            cand -X 'curl''s request method: refused with a pointer to put and apply'
            cand --request 'curl''s request method: refused with a pointer to put and apply'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --cacert 'Trust the CA certificate(s) in this PEM file, in addition to the system''s'
            cand --cert 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both'
            cand --key 'Private key (PEM) for --cert'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]'
            cand --force 'Replace FILE even when it is a working copy ifmatch wrote and you changed it since'
            cand -f 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand --fail 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand -L 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --location 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --netrc 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
            cand -k 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand -v 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand --verbose 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;edit'= {
            cand --patch 'Send the change as PATCH instead of PUT: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server''s Accept-Patch offers, else PUT) or none (PUT)'
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -x 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --proxy 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --noproxy 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)'
            cand --max-redirects 'Redirects a GET may follow'
            cand --timeout 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)'
            cand --retry 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]'
            cand --retry-max-time 'The longest wait before one retry: a longer Retry-After from the server is cut to this'
            cand --max-time 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)'
            cand -d 'curl''s request body: refused with a pointer to put and apply'
            cand --data 'curl''s request body: refused with a pointer to put and apply'
            cand -X 'curl''s request method: refused with a pointer to put and apply'
            cand --request 'curl''s request method: refused with a pointer to put and apply'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --cacert 'Trust the CA certificate(s) in this PEM file, in addition to the system''s'
            cand --cert 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both'
            cand --key 'Private key (PEM) for --cert'
            cand --on-conflict 'What to do on a conflict (412) instead of asking [default: ask on a terminal, else abort]'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand --fetch-url 'Read from this URL instead (the origin behind a cache or CDN), and write through the usual one: for caches that serve stale copies and that nothing else gets past'
            cand --cache-bust-param 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]'
            cand --resume 'Re-open the editor on the newest edit saved after an earlier failure, and write it with the validators of the version it was based on (a change made since then is merged or asked about, never overwritten)'
            cand --force 'Write without a validator when the server gives neither ETag nor Last-Modified'
            cand -f 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand --fail 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand -L 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --location 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --netrc 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
            cand -k 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand -v 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand --verbose 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand --follow-writes 'Follow 307/308 redirects on writes too (same origin only); by default they are reported'
            cand -y 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)'
            cand --yes 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)'
            cand --no-cache-bust 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
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
            cand -x 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --proxy 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --noproxy 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)'
            cand --max-redirects 'Redirects a GET may follow'
            cand --timeout 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)'
            cand --retry 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]'
            cand --retry-max-time 'The longest wait before one retry: a longer Retry-After from the server is cut to this'
            cand --max-time 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)'
            cand -d 'curl''s request body: refused with a pointer to put and apply'
            cand --data 'curl''s request body: refused with a pointer to put and apply'
            cand -X 'curl''s request method: refused with a pointer to put and apply'
            cand --request 'curl''s request method: refused with a pointer to put and apply'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --cacert 'Trust the CA certificate(s) in this PEM file, in addition to the system''s'
            cand --cert 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both'
            cand --key 'Private key (PEM) for --cert'
            cand --on-conflict 'What to do on a conflict (412) instead of asking [default: ask on a terminal, else abort]'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand --fetch-url 'Read from this URL instead (the origin behind a cache or CDN), and write through the usual one: for caches that serve stale copies and that nothing else gets past'
            cand --cache-bust-param 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]'
            cand --allow-empty 'Send an empty body (refused otherwise, as it is usually a mistake upstream)'
            cand --force 'Write without any validator (unconditionally) when none is known'
            cand --create 'Create the resource: send If-None-Match: *, so the write fails (exit 3) if it exists'
            cand -f 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand --fail 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand -L 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --location 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --netrc 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
            cand -k 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand -v 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand --verbose 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand --follow-writes 'Follow 307/308 redirects on writes too (same origin only); by default they are reported'
            cand -y 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)'
            cand --yes 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)'
            cand --no-cache-bust 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;doctor'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -x 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --proxy 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --noproxy 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)'
            cand --max-redirects 'Redirects a GET may follow'
            cand --timeout 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)'
            cand --retry 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]'
            cand --retry-max-time 'The longest wait before one retry: a longer Retry-After from the server is cut to this'
            cand --max-time 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)'
            cand -d 'curl''s request body: refused with a pointer to put and apply'
            cand --data 'curl''s request body: refused with a pointer to put and apply'
            cand -X 'curl''s request method: refused with a pointer to put and apply'
            cand --request 'curl''s request method: refused with a pointer to put and apply'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --cacert 'Trust the CA certificate(s) in this PEM file, in addition to the system''s'
            cand --cert 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both'
            cand --key 'Private key (PEM) for --cert'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --cache-bust-param 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)'
            cand --color 'When to use colors on stderr'
            cand --write-probe 'Also PUT the current body back unchanged with a precondition that must fail, to prove that writes are protected (asks first; --yes does not ask)'
            cand -f 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand --fail 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand -L 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --location 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --netrc 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
            cand -k 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand -v 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand --verbose 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand -y 'Send the write probe without asking'
            cand --yes 'Send the write probe without asking'
            cand --no-cache-bust 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;apply'= {
            cand --retries 'Retries after a 412 before giving up (each re-fetches and runs CMD again)'
            cand --patch 'Send the change as PATCH instead of PUT: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server''s Accept-Patch offers, else PUT) or none (PUT)'
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -x 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --proxy 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --noproxy 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)'
            cand --max-redirects 'Redirects a GET may follow'
            cand --timeout 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)'
            cand --retry 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]'
            cand --retry-max-time 'The longest wait before one retry: a longer Retry-After from the server is cut to this'
            cand --max-time 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)'
            cand -d 'curl''s request body: refused with a pointer to put and apply'
            cand --data 'curl''s request body: refused with a pointer to put and apply'
            cand -X 'curl''s request method: refused with a pointer to put and apply'
            cand --request 'curl''s request method: refused with a pointer to put and apply'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --cacert 'Trust the CA certificate(s) in this PEM file, in addition to the system''s'
            cand --cert 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both'
            cand --key 'Private key (PEM) for --cert'
            cand --on-conflict 'What to do on a conflict (412) instead of asking [default: ask on a terminal, else abort]'
            cand --conflict-status 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)'
            cand --weak-etag 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway'
            cand --fetch-url 'Read from this URL instead (the origin behind a cache or CDN), and write through the usual one: for caches that serve stale copies and that nothing else gets past'
            cand --cache-bust-param 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]'
            cand --force 'Write without a validator when the server gives neither ETag nor Last-Modified'
            cand -f 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand --fail 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand -L 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --location 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --netrc 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
            cand -k 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand -v 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand --verbose 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand --follow-writes 'Follow 307/308 redirects on writes too (same origin only); by default they are reported'
            cand -y 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)'
            cand --yes 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)'
            cand --no-cache-bust 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ifmatch;diff'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand -x 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --proxy 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)'
            cand --noproxy 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)'
            cand --max-redirects 'Redirects a GET may follow'
            cand --timeout 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)'
            cand --retry 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]'
            cand --retry-max-time 'The longest wait before one retry: a longer Retry-After from the server is cut to this'
            cand --max-time 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)'
            cand -d 'curl''s request body: refused with a pointer to put and apply'
            cand --data 'curl''s request body: refused with a pointer to put and apply'
            cand -X 'curl''s request method: refused with a pointer to put and apply'
            cand --request 'curl''s request method: refused with a pointer to put and apply'
            cand -u 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --user 'Basic auth credentials; prompts for the password on a terminal when it is omitted'
            cand --bearer-env 'Read a bearer token from this environment variable (keeps it off the command line)'
            cand --bearer-file 'Read a bearer token from the first line of this file'
            cand --cacert 'Trust the CA certificate(s) in this PEM file, in addition to the system''s'
            cand --cert 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both'
            cand --key 'Private key (PEM) for --cert'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]'
            cand -f 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand --fail 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)'
            cand -L 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --location 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)'
            cand --netrc 'Use the credentials for the host from ~/.netrc (or the file in NETRC)'
            cand -k 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand --insecure 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)'
            cand -v 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand --verbose 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ifmatch;demo'= {
            cand --color 'When to use colors on stderr'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ifmatch;serve'= {
            cand -p 'Port to listen on (0 = any free port)'
            cand --port 'Port to listen on (0 = any free port)'
            cand --bind 'Address to bind'
            cand --max-body 'Largest request body accepted, in bytes'
            cand --header-timeout 'Seconds a request head may take to arrive (408 after that), and an idle connection is kept open'
            cand --body-timeout 'Seconds a request body may take to arrive, plus one per 64 KiB received (408 after that)'
            cand --max-connections 'Most connections served at once; more get 503 with Retry-After'
            cand --color 'When to use colors on stderr'
            cand --require-precondition 'Answer 428 Precondition Required to writes without If-Match/If-Unmodified-Since'
            cand --weak-etags 'Serve weak ETags, as a compressing proxy would'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ifmatch;state'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List the stored resources'
            cand show 'Show the stored record of one resource'
            cand forget 'Forget a resource: its record and base body (recovered edits are kept unless --recovered)'
            cand path 'Print the state store''s directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ifmatch;state;list'= {
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ifmatch;state;show'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ifmatch;state;forget'= {
            cand -H 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --header 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)'
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]'
            cand --recovered 'Also delete the resource''s recovered edits (the texts kept after failed writes)'
            cand --write-probe 'Forget only the write probe''s verdict remembered for URL''s origin (see `doctor --write-probe`), and nothing else'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ifmatch;state;path'= {
            cand --color 'When to use colors on stderr'
            cand --state-dir 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]'
            cand -q 'Print only errors on stderr: no notes, warnings or progress'
            cand -s 'Print only errors on stderr: no notes, warnings or progress'
            cand --quiet 'Print only errors on stderr: no notes, warnings or progress'
            cand --silent 'Print only errors on stderr: no notes, warnings or progress'
            cand --json 'Print one JSON object describing the outcome on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ifmatch;state;help'= {
            cand list 'List the stored resources'
            cand show 'Show the stored record of one resource'
            cand forget 'Forget a resource: its record and base body (recovered edits are kept unless --recovered)'
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
            cand -h 'Print help'
            cand --help 'Print help'
            cand completions 'Write completion scripts for bash, zsh, fish, elvish and powershell into DIR'
            cand man 'Write man pages (ifmatch.1 and one per subcommand) into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ifmatch;generate;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ifmatch;generate;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
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
            cand doctor 'Probe a server''s conditional-request support without changing anything, and explain it'
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
        &'ifmatch;help;doctor'= {
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
            cand forget 'Forget a resource: its record and base body (recovered edits are kept unless --recovered)'
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
