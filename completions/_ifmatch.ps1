
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ifmatch' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ifmatch'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ifmatch' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Fetch a resource: body to stdout (or -o FILE), validators into the state store')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Fetch, open in your editor, write back with If-Match, resolve conflicts')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Write a file (or stdin) with the validator stored by `get`')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Probe a server''s conditional-request support without changing anything, and explain it')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Read-modify-write through a command: pipe the body through CMD, write with If-Match, re-run on 412')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show the server''s changes since the stored base, or FILE against the server''s body')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'See the whole 412 story on a local server: edit, concurrent change, merge, retry')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve a directory on loopback with strict conditional requests')
            [CompletionResult]::new('state', 'state', [CompletionResultType]::ParameterValue, 'Inspect and manage the state store')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ifmatch;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the body to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the body to FILE instead of stdout')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'Redirects a GET may follow')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'The longest wait before one retry: a longer Retry-After from the server is cut to this')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--bearer-env', '--bearer-env', [CompletionResultType]::ParameterName, 'Read a bearer token from this environment variable (keeps it off the command line)')
            [CompletionResult]::new('--bearer-file', '--bearer-file', [CompletionResultType]::ParameterName, 'Read a bearer token from the first line of this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificate(s) in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) for --cert')
            [CompletionResult]::new('--weak-etag', '--weak-etag', [CompletionResultType]::ParameterName, 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway')
            [CompletionResult]::new('--version-field', '--version-field', [CompletionResultType]::ParameterName, 'The JSON Pointer of a version kept in the body (/_rev, /metadata/resourceVersion, /etag): writes carry it unchanged and a 409 or 412 goes through the conflict flow [default: the one remembered, or a well-known field when the server sends no strong ETag]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]')
            [CompletionResult]::new('--base-limit', '--base-limit', [CompletionResultType]::ParameterName, 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE even when it is a working copy ifmatch wrote and you changed it since')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Write the body exactly as received to a terminal too (JSON is otherwise indented and colored there; to a file or a pipe it is always written as received)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the status line and the response headers on stdout before the body')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the status line and the response headers on stdout before the body')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('--fail', '--fail', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--netrc', '--netrc', [CompletionResultType]::ParameterName, 'Use the credentials for the host from ~/.netrc (or the file in NETRC)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ifmatch;edit' {
            [CompletionResult]::new('--patch', '--patch', [CompletionResultType]::ParameterName, 'Send the change as PATCH instead of PUT: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server''s Accept-Patch offers, else PUT) or none (PUT)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'Redirects a GET may follow')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'The longest wait before one retry: a longer Retry-After from the server is cut to this')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--bearer-env', '--bearer-env', [CompletionResultType]::ParameterName, 'Read a bearer token from this environment variable (keeps it off the command line)')
            [CompletionResult]::new('--bearer-file', '--bearer-file', [CompletionResultType]::ParameterName, 'Read a bearer token from the first line of this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificate(s) in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) for --cert')
            [CompletionResult]::new('--on-conflict', '--on-conflict', [CompletionResultType]::ParameterName, 'What to do on a conflict (412) instead of asking [default: ask on a terminal, else abort]')
            [CompletionResult]::new('--conflict-status', '--conflict-status', [CompletionResultType]::ParameterName, 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)')
            [CompletionResult]::new('--weak-etag', '--weak-etag', [CompletionResultType]::ParameterName, 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway')
            [CompletionResult]::new('--version-field', '--version-field', [CompletionResultType]::ParameterName, 'The JSON Pointer of a version kept in the body (/_rev, /metadata/resourceVersion, /etag): writes carry it unchanged and a 409 or 412 goes through the conflict flow [default: the one remembered, or a well-known field when the server sends no strong ETag]')
            [CompletionResult]::new('--fetch-url', '--fetch-url', [CompletionResultType]::ParameterName, 'Read from this URL instead (the origin behind a cache or CDN), and write through the usual one: for caches that serve stale copies and that nothing else gets past')
            [CompletionResult]::new('--cache-bust-param', '--cache-bust-param', [CompletionResultType]::ParameterName, 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'How much of a long diff to print on stderr (in the conflict flow): `auto` prints its first 100 lines and counts the rest; `full` prints all of it, as [d]iff at the prompt does')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]')
            [CompletionResult]::new('--base-limit', '--base-limit', [CompletionResultType]::ParameterName, 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Re-open the editor on the newest edit saved after an earlier failure, and write it with the validators of the version it was based on (a change made since then is merged or asked about, never overwritten)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Write without a validator when the server gives neither ETag nor Last-Modified')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('--fail', '--fail', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--netrc', '--netrc', [CompletionResultType]::ParameterName, 'Use the credentials for the host from ~/.netrc (or the file in NETRC)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('--follow-writes', '--follow-writes', [CompletionResultType]::ParameterName, 'Follow 307/308 redirects on writes too (same origin only); by default they are reported')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)')
            [CompletionResult]::new('--no-cache-bust', '--no-cache-bust', [CompletionResultType]::ParameterName, 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ifmatch;put' {
            [CompletionResult]::new('--if-match', '--if-match', [CompletionResultType]::ParameterName, 'Send this ETag in If-Match instead of the stored one')
            [CompletionResult]::new('--if-unmodified-since', '--if-unmodified-since', [CompletionResultType]::ParameterName, 'Send this HTTP date in If-Unmodified-Since instead of the stored one')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'Content-Type to send [default: the stored one]')
            [CompletionResult]::new('--patch', '--patch', [CompletionResultType]::ParameterName, 'Send the change as PATCH computed from the stored base: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server''s Accept-Patch offered, else PUT) or none')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'Redirects a GET may follow')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'The longest wait before one retry: a longer Retry-After from the server is cut to this')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--bearer-env', '--bearer-env', [CompletionResultType]::ParameterName, 'Read a bearer token from this environment variable (keeps it off the command line)')
            [CompletionResult]::new('--bearer-file', '--bearer-file', [CompletionResultType]::ParameterName, 'Read a bearer token from the first line of this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificate(s) in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) for --cert')
            [CompletionResult]::new('--on-conflict', '--on-conflict', [CompletionResultType]::ParameterName, 'What to do on a conflict (412) instead of asking [default: ask on a terminal, else abort]')
            [CompletionResult]::new('--conflict-status', '--conflict-status', [CompletionResultType]::ParameterName, 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)')
            [CompletionResult]::new('--weak-etag', '--weak-etag', [CompletionResultType]::ParameterName, 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway')
            [CompletionResult]::new('--version-field', '--version-field', [CompletionResultType]::ParameterName, 'The JSON Pointer of a version kept in the body (/_rev, /metadata/resourceVersion, /etag): writes carry it unchanged and a 409 or 412 goes through the conflict flow [default: the one remembered, or a well-known field when the server sends no strong ETag]')
            [CompletionResult]::new('--fetch-url', '--fetch-url', [CompletionResultType]::ParameterName, 'Read from this URL instead (the origin behind a cache or CDN), and write through the usual one: for caches that serve stale copies and that nothing else gets past')
            [CompletionResult]::new('--cache-bust-param', '--cache-bust-param', [CompletionResultType]::ParameterName, 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'How much of a long diff to print on stderr (in the conflict flow): `auto` prints its first 100 lines and counts the rest; `full` prints all of it, as [d]iff at the prompt does')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]')
            [CompletionResult]::new('--base-limit', '--base-limit', [CompletionResultType]::ParameterName, 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge')
            [CompletionResult]::new('--allow-empty', '--allow-empty', [CompletionResultType]::ParameterName, 'Send an empty body (refused otherwise, as it is usually a mistake upstream)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Write without any validator (unconditionally) when none is known')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Create the resource: send If-None-Match: *, so the write fails (exit 3) if it exists')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('--fail', '--fail', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--netrc', '--netrc', [CompletionResultType]::ParameterName, 'Use the credentials for the host from ~/.netrc (or the file in NETRC)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('--follow-writes', '--follow-writes', [CompletionResultType]::ParameterName, 'Follow 307/308 redirects on writes too (same origin only); by default they are reported')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)')
            [CompletionResult]::new('--no-cache-bust', '--no-cache-bust', [CompletionResultType]::ParameterName, 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ifmatch;doctor' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'Redirects a GET may follow')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'The longest wait before one retry: a longer Retry-After from the server is cut to this')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--bearer-env', '--bearer-env', [CompletionResultType]::ParameterName, 'Read a bearer token from this environment variable (keeps it off the command line)')
            [CompletionResult]::new('--bearer-file', '--bearer-file', [CompletionResultType]::ParameterName, 'Read a bearer token from the first line of this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificate(s) in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) for --cert')
            [CompletionResult]::new('--conflict-status', '--conflict-status', [CompletionResultType]::ParameterName, 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)')
            [CompletionResult]::new('--version-field', '--version-field', [CompletionResultType]::ParameterName, 'The JSON Pointer of a version kept in the body [default: a well-known one the body has: /_rev, /metadata/resourceVersion, /etag]')
            [CompletionResult]::new('--cache-bust-param', '--cache-bust-param', [CompletionResultType]::ParameterName, 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]')
            [CompletionResult]::new('--base-limit', '--base-limit', [CompletionResultType]::ParameterName, 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge')
            [CompletionResult]::new('--write-probe', '--write-probe', [CompletionResultType]::ParameterName, 'Also PUT the current body back unchanged with a precondition that must fail, to prove that writes are protected (asks first; --yes does not ask)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('--fail', '--fail', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--netrc', '--netrc', [CompletionResultType]::ParameterName, 'Use the credentials for the host from ~/.netrc (or the file in NETRC)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Send the write probe without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Send the write probe without asking')
            [CompletionResult]::new('--no-cache-bust', '--no-cache-bust', [CompletionResultType]::ParameterName, 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ifmatch;apply' {
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a 412 before giving up (each re-fetches and runs CMD again)')
            [CompletionResult]::new('--patch', '--patch', [CompletionResultType]::ParameterName, 'Send the change as PATCH instead of PUT: merge (RFC 7396), json (RFC 6902 with test ops), auto (what the server''s Accept-Patch offers, else PUT) or none (PUT)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'Redirects a GET may follow')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'The longest wait before one retry: a longer Retry-After from the server is cut to this')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--bearer-env', '--bearer-env', [CompletionResultType]::ParameterName, 'Read a bearer token from this environment variable (keeps it off the command line)')
            [CompletionResult]::new('--bearer-file', '--bearer-file', [CompletionResultType]::ParameterName, 'Read a bearer token from the first line of this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificate(s) in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) for --cert')
            [CompletionResult]::new('--on-conflict', '--on-conflict', [CompletionResultType]::ParameterName, 'What to do on a conflict (412) instead of asking [default: ask on a terminal, else abort]')
            [CompletionResult]::new('--conflict-status', '--conflict-status', [CompletionResultType]::ParameterName, 'Also treat this status as a version conflict (e.g. 409 for Kubernetes-style APIs)')
            [CompletionResult]::new('--weak-etag', '--weak-etag', [CompletionResultType]::ParameterName, 'What to do with a weak ETag: fall back to If-Unmodified-Since, or send it in If-Match anyway')
            [CompletionResult]::new('--version-field', '--version-field', [CompletionResultType]::ParameterName, 'The JSON Pointer of a version kept in the body (/_rev, /metadata/resourceVersion, /etag): writes carry it unchanged and a 409 or 412 goes through the conflict flow [default: the one remembered, or a well-known field when the server sends no strong ETag]')
            [CompletionResult]::new('--fetch-url', '--fetch-url', [CompletionResultType]::ParameterName, 'Read from this URL instead (the origin behind a cache or CDN), and write through the usual one: for caches that serve stale copies and that nothing else gets past')
            [CompletionResult]::new('--cache-bust-param', '--cache-bust-param', [CompletionResultType]::ParameterName, 'Query parameter added, with a random value, to a GET that must get past a cache serving a stale copy (after a 412)')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'How much of a long diff to print on stderr (in the conflict flow): `auto` prints its first 100 lines and counts the rest; `full` prints all of it, as [d]iff at the prompt does')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]')
            [CompletionResult]::new('--base-limit', '--base-limit', [CompletionResultType]::ParameterName, 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Write without a validator when the server gives neither ETag nor Last-Modified')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('--fail', '--fail', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--netrc', '--netrc', [CompletionResultType]::ParameterName, 'Use the credentials for the host from ~/.netrc (or the file in NETRC)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('--follow-writes', '--follow-writes', [CompletionResultType]::ParameterName, 'Follow 307/308 redirects on writes too (same origin only); by default they are reported')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmations, and settle a conflict with the three-way merge when it is clean; never by overwriting someone else''s change (a conflicted merge exits 3)')
            [CompletionResult]::new('--no-cache-bust', '--no-cache-bust', [CompletionResultType]::ParameterName, 'Never add that query parameter (for APIs that refuse unknown parameters); then only --fetch-url gets past such a cache')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ifmatch;diff' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Use this proxy for all requests (default: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY from the environment)')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without a proxy, comma-separated (like NO_PROXY)')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'Redirects a GET may follow')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection, and then for each piece of the response, before giving up (a long download that keeps arriving is never cut off)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry a transient failure up to N times: a connection failure, a timeout, or 408, 429, 502, 503, 504. Reads always; a write only when it carries a precondition (If-Match, If-Unmodified-Since, If-None-Match: *), never an unconditional one. 0 turns retries off [env: IFMATCH_RETRY] [default: 3]')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'The longest wait before one retry: a longer Retry-After from the server is cut to this')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Give up once the whole command has taken this long, retries and their waits included (time spent in the editor or at a prompt is not counted)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'curl''s request body: refused with a pointer to put and apply')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'curl''s request method: refused with a pointer to put and apply')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Basic auth credentials; prompts for the password on a terminal when it is omitted')
            [CompletionResult]::new('--bearer-env', '--bearer-env', [CompletionResultType]::ParameterName, 'Read a bearer token from this environment variable (keeps it off the command line)')
            [CompletionResult]::new('--bearer-file', '--bearer-file', [CompletionResultType]::ParameterName, 'Read a bearer token from the first line of this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificate(s) in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS; with --key, or a PEM holding both')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) for --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]')
            [CompletionResult]::new('--base-limit', '--base-limit', [CompletionResultType]::ParameterName, 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('--fail', '--fail', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: an answer of 400 or more always fails (exit 4 or 5)')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Accepted for curl habits, no effect: a GET always follows redirects (see --max-redirects)')
            [CompletionResult]::new('--netrc', '--netrc', [CompletionResultType]::ParameterName, 'Use the credentials for the host from ~/.netrc (or the file in NETRC)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (dangerous: anyone in the path can read and change traffic)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print every request header sent (Host, User-Agent included) and the response headers on stderr, credentials redacted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ifmatch;demo' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ifmatch;serve' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on (0 = any free port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (0 = any free port)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest request body accepted, in bytes')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Seconds a request head may take to arrive (408 after that), and an idle connection is kept open')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Seconds a request body may take to arrive, plus one per 64 KiB received (408 after that)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections served at once; more get 503 with Retry-After')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--require-precondition', '--require-precondition', [CompletionResultType]::ParameterName, 'Answer 428 Precondition Required to writes without If-Match/If-Unmodified-Since')
            [CompletionResult]::new('--weak-etags', '--weak-etags', [CompletionResultType]::ParameterName, 'Serve weak ETags, as a compressing proxy would')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ifmatch;state' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stored resources')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the stored record of one resource')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Forget a resource: its record and base body (recovered edits are kept unless --recovered)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the state store''s directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ifmatch;state;list' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]')
            [CompletionResult]::new('--base-limit', '--base-limit', [CompletionResultType]::ParameterName, 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ifmatch;state;show' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]')
            [CompletionResult]::new('--base-limit', '--base-limit', [CompletionResultType]::ParameterName, 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ifmatch;state;forget' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, e.g. -H ''Accept: application/json'' (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]')
            [CompletionResult]::new('--base-limit', '--base-limit', [CompletionResultType]::ParameterName, 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge')
            [CompletionResult]::new('--recovered', '--recovered', [CompletionResultType]::ParameterName, 'Also delete the resource''s recovered edits (the texts kept after failed writes)')
            [CompletionResult]::new('--write-probe', '--write-probe', [CompletionResultType]::ParameterName, 'Forget only the write probe''s verdict remembered for URL''s origin (see `doctor --write-probe`), and nothing else')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ifmatch;state;path' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors on stderr')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Directory of the state store [env: IFMATCH_STATE_DIR] [default: the platform state dir/ifmatch]')
            [CompletionResult]::new('--base-limit', '--base-limit', [CompletionResultType]::ParameterName, 'Keep fetched and written bodies up to this size in full as bases to merge from (e.g. 64M, 1G); larger ones are kept as a SHA-256 digest, which still finds an unchanged resource but cannot merge')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Print only errors on stderr: no notes, warnings or progress')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object describing the outcome on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ifmatch;state;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stored resources')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the stored record of one resource')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Forget a resource: its record and base body (recovered edits are kept unless --recovered)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the state store''s directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ifmatch;state;help;list' {
            break
        }
        'ifmatch;state;help;show' {
            break
        }
        'ifmatch;state;help;forget' {
            break
        }
        'ifmatch;state;help;path' {
            break
        }
        'ifmatch;state;help;help' {
            break
        }
        'ifmatch;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ifmatch;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Fetch a resource: body to stdout (or -o FILE), validators into the state store')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Fetch, open in your editor, write back with If-Match, resolve conflicts')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Write a file (or stdin) with the validator stored by `get`')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Probe a server''s conditional-request support without changing anything, and explain it')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Read-modify-write through a command: pipe the body through CMD, write with If-Match, re-run on 412')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show the server''s changes since the stored base, or FILE against the server''s body')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'See the whole 412 story on a local server: edit, concurrent change, merge, retry')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve a directory on loopback with strict conditional requests')
            [CompletionResult]::new('state', 'state', [CompletionResultType]::ParameterValue, 'Inspect and manage the state store')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ifmatch;help;get' {
            break
        }
        'ifmatch;help;edit' {
            break
        }
        'ifmatch;help;put' {
            break
        }
        'ifmatch;help;doctor' {
            break
        }
        'ifmatch;help;apply' {
            break
        }
        'ifmatch;help;diff' {
            break
        }
        'ifmatch;help;demo' {
            break
        }
        'ifmatch;help;serve' {
            break
        }
        'ifmatch;help;state' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stored resources')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the stored record of one resource')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Forget a resource: its record and base body (recovered edits are kept unless --recovered)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the state store''s directory')
            break
        }
        'ifmatch;help;state;list' {
            break
        }
        'ifmatch;help;state;show' {
            break
        }
        'ifmatch;help;state;forget' {
            break
        }
        'ifmatch;help;state;path' {
            break
        }
        'ifmatch;help;completions' {
            break
        }
        'ifmatch;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
