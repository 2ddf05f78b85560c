#!/usr/bin/env bash
# Time and peak memory of the whole 412 flow on a large JSON document: get, a concurrent change
# to one key, our change to another, `put --on-conflict merge` (412, refetch, structural
# three-way merge, diffs, retry). Usage: benches/conflict.sh [KEYS] (default 200000 keys, about
# 6 MiB of pretty JSON). Builds in release mode; loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-200000}
cargo build --release --quiet
bin=$PWD/target/release/ifmatch
work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/docs"
python3 - "$keys" "$work/docs/big.json" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
json.dump({f"key{i:07d}": {"value": i, "note": "x" * 8} for i in range(n)}, open(path, "w"), indent=2)
PY
"$bin" serve "$work/docs" --port 0 --quiet --max-body $((512 * 1024 * 1024)) > "$work/url" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
url="$(head -n1 "$work/url")big.json"
export IFMATCH_STATE_DIR="$work/state"
"$bin" get "$url" -o "$work/mine.json"
# The colleague edits the first key on the server; we edit the last one locally.
python3 - "$work/docs/big.json" "$work/mine.json" "$keys" <<'PY'
import sys
theirs, mine, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = open(theirs).read().replace('"value": 0,', '"value": -1,', 1); open(theirs, "w").write(t)
m = open(mine).read(); last = f'"value": {n - 1},'
i = m.rindex(last); open(mine, "w").write(m[:i] + '"value": -2,' + m[i + len(last):])
PY
size=$(stat -c %s "$work/mine.json")
python3 - "$bin" "$url" "$work/mine.json" "$size" <<'PY'
import resource, subprocess, sys, time
bin, url, mine, size = sys.argv[1:5]
t = time.monotonic()
res = subprocess.run([bin, "put", url, mine, "--on-conflict", "merge", "--color", "never"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
elapsed = time.monotonic() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
merged = "merge cleanly" in res.stderr
print(f"document {int(size) / 1048576:.1f} MiB  412 + merge + retry {elapsed:.2f} s  peak RSS {peak:.0f} MiB  "
      f"exit {res.returncode}  clean merge {merged}")
if res.returncode != 0 or not merged:
    sys.exit("FAIL: the merge did not go through:\n" + res.stderr[-2000:])
PY
grep -q '"value": -1,' "$work/docs/big.json" && grep -q '"value": -2,' "$work/docs/big.json" && echo "both changes on the server"
