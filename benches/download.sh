#!/usr/bin/env bash
# Peak memory of `ifmatch get -o FILE` on a large body: the body streams to the file and to the
# state store's base, so the client's peak RSS must stay far below the body size.
# Usage: benches/download.sh [MiB]   (default 200). Builds in release mode; loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-200}
cargo build --release --quiet
bin=target/release/ifmatch
work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/docs"
head -c "$((mib * 1024 * 1024))" /dev/urandom > "$work/docs/big.bin"
"$bin" serve "$work/docs" --port 0 --quiet --max-body $((mib * 2 * 1024 * 1024)) > "$work/url" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
url="$(head -n1 "$work/url")big.bin"
python3 - "$bin" "$url" "$work" "$mib" <<'PY'
import os, resource, subprocess, sys, time
bin, url, work, mib = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
env = dict(os.environ, IFMATCH_STATE_DIR=os.path.join(work, "state"))
start = time.monotonic()
subprocess.run([bin, "get", url, "-o", os.path.join(work, "out.bin")], env=env, check=True)
elapsed = time.monotonic() - start
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
same = open(os.path.join(work, "out.bin"), "rb").read() == open(os.path.join(work, "docs", "big.bin"), "rb").read()
print(f"body {mib} MiB  time {elapsed:.2f} s  ifmatch peak RSS {peak_mib:.1f} MiB  byte-exact {same}")
if not same or peak_mib > mib / 4:
    sys.exit("FAIL: the download was not byte-exact or held too much of the body in memory")
PY
