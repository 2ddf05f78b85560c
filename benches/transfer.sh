#!/usr/bin/env bash
# Peak memory of `ifmatch get -o FILE` and `ifmatch put URL FILE` on a large body: the body
# streams between the network, the file and the state store's base, so the client's peak RSS
# must stay far below the body size. Each command runs alone so its peak is its own.
# Usage: benches/transfer.sh [MiB]   (default 200). Builds in release mode; loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-200}
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/ifmatch"
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
out = os.path.join(work, "out.bin")
src = os.path.join(work, "docs", "big.bin")

def measure(label, args):
    # RUSAGE_CHILDREN is the peak over all children so far: measure each in a fresh python.
    code = ("import resource,subprocess,sys,time;t=time.monotonic();"
            "subprocess.run(sys.argv[1:],check=True);"
            "print(time.monotonic()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024)")
    res = subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, capture_output=True, text=True)
    elapsed, peak = map(float, res.stdout.split())
    print(f"{label:<4} body {mib} MiB  time {elapsed:.2f} s  ifmatch peak RSS {peak:.1f} MiB")
    return peak

failed = False
peak = measure("get", [bin, "get", url, "-o", out])
same = open(out, "rb").read() == open(src, "rb").read()
failed |= not same or peak > mib / 4
# The upload: a fresh state dir so there is no base (nothing to merge: the file streams).
env["IFMATCH_STATE_DIR"] = os.path.join(work, "state2")
peak = measure("put", [bin, "put", url.replace("big.bin", "copy.bin"), out, "--force"])
same_put = open(os.path.join(work, "docs", "copy.bin"), "rb").read() == open(src, "rb").read()
failed |= not same_put or peak > mib / 4
print(f"byte-exact: get {same}, put {same_put}")
if failed:
    sys.exit("FAIL: a transfer was not byte-exact or held too much of the body in memory")
PY
