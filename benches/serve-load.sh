#!/usr/bin/env bash
# A bounded load test of `ifmatch serve` (release build, loopback only), not a timing benchmark:
#  1. ROUNDS rounds of WRITERS concurrent PUTs that all send the same If-Match: exactly one may
#     win each round (2xx), every other one must get 412, and the file must hold the winner's body.
#  2. While one client PUTs a series of large versions, READERS clients GET the file without
#     pause: every body must be one whole version (its length, one repeated byte, and the ETag
#     of exactly those bytes), never a mix of two.
# Usage: benches/serve-load.sh [ROUNDS] [WRITERS] [READERS] [VERSIONS]  (default 20 100 8 40).
# Exits 1 if any check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
writers=${2:-100}
readers=${3:-8}
versions=${4:-40}
cargo build --release --quiet
bin=$PWD/target/release/ifmatch
work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/docs"
"$bin" serve "$work/docs" --port 0 --quiet --max-body $((64 * 1024 * 1024)) > "$work/url" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
python3 - "$(head -n1 "$work/url")" "$work/docs" "$rounds" "$writers" "$readers" "$versions" <<'PY'
import hashlib, http.client, sys, threading, time, urllib.parse

base, docs, rounds, writers, readers, versions = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
host = urllib.parse.urlsplit(base).netloc

def request(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(host, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheader("ETag"), resp.read()
    finally:
        conn.close()

def etag_of(body):
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'

failures = []

# 1. Exactly one winner of WRITERS concurrent writers with one ETag, ROUNDS times.
status, etag, _ = request("PUT", "/race.json", b'{"round": 0}')
assert status in (200, 201, 204), status
t0 = time.monotonic()
statuses_seen = {}
for r in range(1, rounds + 1):
    etag = request("GET", "/race.json")[1]
    results = [None] * writers
    barrier = threading.Barrier(writers)
    def write(i):
        body = ('{"round": %d, "writer": %d}' % (r, i)).encode()
        barrier.wait()
        results[i] = (request("PUT", "/race.json", body, {"If-Match": etag})[0], body)
    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads: t.start()
    for t in threads: t.join()
    wins = [body for status, body in results if 200 <= status < 300]
    for status, _ in results:
        statuses_seen[status] = statuses_seen.get(status, 0) + 1
    on_disk = open(f"{docs}/race.json", "rb").read()
    if len(wins) != 1 or on_disk != wins[0]:
        failures.append(f"round {r}: {len(wins)} winners, statuses {sorted(s for s, _ in results)}")
race_time = time.monotonic() - t0
print(f"race: {rounds} rounds x {writers} writers with one If-Match: statuses {dict(sorted(statuses_seen.items()))}, "
      f"rounds with exactly one winner {rounds - len(failures)}/{rounds}, {race_time:.1f} s")

# 2. Concurrent GETs during PUTs of large versions never see a torn file.
size = 4 * 1024 * 1024
version = lambda v: bytes([0x41 + v % 26]) * size  # version v: one letter repeated, 4 MiB
request("PUT", "/big.bin", version(0))
done = threading.Event()
reads, torn = [0] * readers, []
def read(k):
    while not done.is_set():
        status, etag, body = request("GET", "/big.bin")
        reads[k] += 1
        whole = status == 200 and len(body) == size and body == body[:1] * size and etag == etag_of(body)
        if not whole:
            torn.append((status, len(body), etag))
t0 = time.monotonic()
threads = [threading.Thread(target=read, args=(k,)) for k in range(readers)]
for t in threads: t.start()
writes = 0
for v in range(1, versions + 1):
    status = request("PUT", "/big.bin", version(v))[0]
    writes += 200 <= status < 300
done.set()
for t in threads: t.join()
print(f"torn reads: {len(torn)} of {sum(reads)} GETs by {readers} readers during {writes}/{versions} PUTs of "
      f"{size >> 20} MiB, {time.monotonic() - t0:.1f} s")
if torn:
    failures.append(f"{len(torn)} torn reads, e.g. {torn[:3]}")
if writes != versions:
    failures.append(f"only {writes} of {versions} PUTs succeeded")
if failures:
    sys.exit("FAIL:\n  " + "\n  ".join(failures))
print("ok")
PY
