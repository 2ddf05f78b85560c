#!/usr/bin/env python3
"""ifmatch against the reference tools, row by row, in one run.

Every row runs ifmatch and its reference alternately (so machine load hits both alike) against
the same `ifmatch serve` on loopback, and prints the total time of each, the ratio
(ifmatch / reference; below 1.0 is faster than the reference) and each one's peak RSS (the
largest of any single run, from /usr/bin/time when present, else from wait4's rusage, whose
floor is python's own RSS).

Rows (all by default; name some to run only those: small, put, large, merge, adjacent,
scattered, merge50, conflict):
  small    N x `get URL -o /dev/null`            vs  curl -s -o /dev/null URL  (and xh when installed)
  put      N x `get -o FILE` + `put URL FILE`     vs  curl GET with -D, then curl PUT with If-Match
  large    200 MiB `get URL -o FILE`             vs  curl -o FILE
  merge    10 MiB pretty JSON, 412 + merge + diffs + retry (`put --on-conflict merge`)
                                                  vs  git merge-file and GNU diff3 on the same texts
  adjacent the merge row where mine changes a value and theirs the line after it: a conflict
           to a line merge (git merge-file and diff3 report one), a clean JSON merge
  scattered the merge row where theirs removes every tenth key (a bulk change all over the
           document) and mine changes one value
  merge50  the merge row on a document of about 50 MiB (52 MiB of text), to show how the cost grows
  conflict the merge row's document where both sides change one value differently (and each
           makes one clean change): `put --on-conflict merge` without a terminal merges, finds
           the collision and exits 3 keeping the edit; once as it is, once with --json (which
           adds the conflict list)    vs  git merge-file and GNU diff3 on the same texts

Needs python3, curl and git (diff3 and xh are used when present). Builds nothing: pass the
binary with --bin (default target/release/ifmatch; build it with `cargo build --release`).
The state store and the served files live under --dir (default: a temp dir under $TMPDIR), so
the store's fsyncs cost what they cost there.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# The peak RSS of a child forked from python starts at python's own (the fork shares its
# pages until exec): /usr/bin/time, a small C program, forks from a small process instead.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
RSS_FILE = os.path.join(tempfile.gettempdir(), f"ifmatch-bench-rss-{os.getpid()}")


def run(argv, env=None, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL):
    """Runs argv; returns (seconds, peak RSS in MiB, exit code, stderr)."""
    wrapped = [GNU_TIME, "-f", "%M", "-o", RSS_FILE, *argv] if GNU_TIME else argv
    start = time.perf_counter()
    proc = subprocess.Popen(wrapped, env=env, stdout=stdout, stderr=subprocess.PIPE, stdin=stdin)
    # Read stderr to the end before reaping, so a chatty child never blocks on a full pipe.
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024
    if GNU_TIME:
        with open(RSS_FILE) as f:
            lines = f.read().split()
        # The last word is %M; "Command exited with non-zero status" may come before it.
        peak = int(lines[-1]) / 1024 if lines else peak
    return elapsed, peak, proc.returncode, err.decode(errors="replace")


class Tally:
    """Total time and peak RSS of one tool over a row's runs."""

    def __init__(self, name):
        self.name, self.seconds, self.peak, self.runs = name, 0.0, 0.0, 0

    def add(self, seconds, peak):
        self.seconds += seconds
        self.peak = max(self.peak, peak)
        self.runs += 1


def report(row, ours, refs, goal=""):
    """One line per reference; the goal, which is set against the first, is printed on its line."""
    for i, ref in enumerate(refs):
        if ref.seconds == 0:
            continue
        ratio = ours.seconds / ref.seconds
        line = (
            f"{row:<34} {ours.name} {ours.seconds:7.2f} s {ours.peak:7.1f} MiB | "
            f"{ref.name} {ref.seconds:7.2f} s {ref.peak:7.1f} MiB | ratio {ratio:5.2f}x {goal if i == 0 else ''}"
        )
        print(line.rstrip(), flush=True)


def check(res, what, conflicts_ok=False):
    if res[2] != 0 and not (conflicts_ok and res[2] == 1):
        sys.exit(f"FAIL: {what} exited {res[2]}:\n{res[3][-2000:]}")
    return res


class Bench:
    def __init__(self, args):
        self.bin = os.path.abspath(args.bin)
        self.work = tempfile.mkdtemp(prefix="ifmatch-bench-", dir=args.dir)
        self.docs = os.path.join(self.work, "docs")
        os.makedirs(self.docs)
        self.env = dict(os.environ, IFMATCH_STATE_DIR=os.path.join(self.work, "state"), NO_COLOR="1")
        url_file = os.path.join(self.work, "url")
        with open(url_file, "w") as out:
            self.server = subprocess.Popen(
                [self.bin, "serve", self.docs, "--port", "0", "--quiet", "--max-body", str(1 << 30)],
                stdout=out,
            )
        for _ in range(200):
            if os.path.getsize(url_file) > 0:
                break
            time.sleep(0.05)
        with open(url_file) as f:
            self.base_url = f.readline().strip()
        self.n = args.runs
        self.xh = shutil.which("xh")

    def close(self):
        self.server.terminate()
        self.server.wait()
        shutil.rmtree(self.work, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.work, name)

    def small(self):
        with open(os.path.join(self.docs, "small.json"), "w") as f:
            f.write('{\n  "name": "demo",\n  "replicas": 3\n}\n')
        url = self.base_url + "small.json"
        ours, curl, xh = Tally("ifmatch"), Tally("curl"), Tally("xh")
        for _ in range(self.n):
            ours.add(*check(run([self.bin, "get", url, "-o", "/dev/null"], self.env), "ifmatch get")[:2])
            curl.add(*check(run(["curl", "-s", "-o", "/dev/null", url]), "curl")[:2])
            if self.xh:
                xh.add(*check(run([self.xh, "--ignore-stdin", "-q", "GET", url]), "xh")[:2])
        report(f"{self.n} x small get", ours, [curl, xh], "(goal <= 1.0x)")

    def put(self):
        doc = os.path.join(self.docs, "config.json")
        url = self.base_url + "config.json"
        mine, headers = self.path("mine.json"), self.path("headers")
        ours, curl = Tally("ifmatch"), Tally("curl")
        for i in range(self.n):
            with open(doc, "w") as f:
                f.write('{\n  "name": "demo",\n  "replicas": 3\n}\n')
            a = check(run([self.bin, "get", url, "-o", mine], self.env), "ifmatch get")
            edit(mine, i)
            b = check(run([self.bin, "put", url, mine], self.env), "ifmatch put")
            ours.add(a[0] + b[0], max(a[1], b[1]))
            a = check(run(["curl", "-s", "-D", headers, "-o", mine, url]), "curl GET")
            etag = next(
                line.split(":", 1)[1].strip()
                for line in open(headers)
                if line.lower().startswith("etag:")
            )
            edit(mine, i + 1000)
            b = check(
                run(["curl", "-s", "-f", "-X", "PUT", "-H", f"If-Match: {etag}",
                     "-H", "Content-Type: application/json", "--data-binary", "@" + mine,
                     "-o", "/dev/null", url]),
                "curl PUT",
            )
            curl.add(a[0] + b[0], max(a[1], b[1]))
        report(f"{self.n} x get + changed put", ours, [curl], "(goal <= 1.0x)")

    def large(self, mib):
        name = "large.json"
        with open(os.path.join(self.docs, name), "w") as f:
            line = '  "' + "x" * 60 + '",\n'
            f.write("[\n")
            f.write(line * (mib * 1048576 // len(line)))
            f.write('  "end"\n]\n')
        url = self.base_url + name
        out = self.path("large.out")
        ours, curl = Tally("ifmatch"), Tally("curl")
        runs = max(1, min(self.n, 3))
        for _ in range(runs):
            ours.add(*check(run([self.bin, "get", url, "-o", out], self.env), "ifmatch get")[:2])
            curl.add(*check(run(["curl", "-s", "-o", out, url]), "curl")[:2])
        report(f"{runs} x {mib} MiB get -o", ours, [curl], "(goal <= 1.0x, <= 16 MiB)")
        store = os.path.join(self.work, "state", "bases")
        kept = sum(os.path.getsize(os.path.join(store, f)) for f in os.listdir(store))
        print(f"{'':<34} state store bases after it: {kept / 1048576:.1f} MiB", flush=True)

    def merge(self, mib, runs, shape="apart"):
        keys = mib * 1048576 // 64
        name = f"doc{mib}.json"
        doc = os.path.join(self.docs, name)
        url = self.base_url + name
        base, mine, theirs = self.path("base.json"), self.path("mine.json"), self.path("theirs.json")
        # The references get their own copy of mine: a merging put rewrites mine.json.
        mine_ref = self.path("mine-ref.json")
        text, theirs_text, mine_text = {"apart": versions, "adjacent": adjacent_versions,
                                         "scattered": scattered_versions}[shape](keys)
        for path, content in ((base, text), (theirs, theirs_text), (mine_ref, mine_text)):
            with open(path, "w") as f:
                f.write(content)
        size = len(text) / 1048576
        ours, git, diff3 = Tally("ifmatch"), Tally("git merge-file"), Tally("diff3")
        has_diff3 = shutil.which("diff3") is not None
        # A merge needs the full base: keep it whatever the document's size.
        env = dict(self.env, IFMATCH_BASE_LIMIT="4G")
        for _ in range(runs):
            shutil.copy(base, doc)
            check(run([self.bin, "get", url, "-o", mine], env), "ifmatch get")
            with open(mine, "w") as f:
                f.write(mine_text)
            shutil.copy(theirs, doc)
            res = check(run([self.bin, "put", url, mine, "--on-conflict", "merge"], env), "ifmatch put")
            if "merge" not in res[3]:
                sys.exit("FAIL: the put did not merge:\n" + res[3][-2000:])
            with open(doc) as f:
                served = f.read()
            both = {"apart": ('"value": -1,', '"value": -2,'), "adjacent": ('"value": -1,', '"note": "theirs"'),
                    "scattered": ('"value": -1,',)}[shape]
            if not all(change in served for change in both):
                sys.exit("FAIL: the server does not hold both changes")
            ours.add(*res[:2])
            # Changes on adjacent lines are a conflict to a line merge: its exit status 1 is no failure.
            conflicts_ok = shape != "apart"
            git.add(*check(run(["git", "merge-file", "-p", mine_ref, base, theirs]), "git merge-file", conflicts_ok)[:2])
            if has_diff3:
                diff3.add(*check(run(["diff3", "-m", mine_ref, base, theirs]), "diff3", conflicts_ok)[:2])
        # The 10 MiB row has a goal; the other shapes and a larger document show how the cost
        # grows.
        goal = ("(goal <= 1.5x git, <= 100 MiB)" if mib <= 10 and shape == "apart"
                else f"(no goal; peak RSS {ours.peak / size:.1f}x the document)")
        what = {"apart": "JSON 412 + merge", "adjacent": "JSON 412 + adjacent merge",
                "scattered": "JSON 412 + scattered merge"}[shape]
        report(f"{runs} x {size:.1f} MiB {what}", ours, [git, diff3], goal)

    def conflict(self, mib, runs):
        keys = mib * 1048576 // 64
        name = f"conflict{mib}.json"
        doc = os.path.join(self.docs, name)
        url = self.base_url + name
        base, mine, theirs = self.path("base.json"), self.path("mine.json"), self.path("theirs.json")
        mine_ref = self.path("mine-ref.json")
        text, theirs_text, mine_text = versions(keys)
        # Both also change the middle key, differently: one conflict and one clean change on
        # each side.
        middle = f'"value": {keys // 2},'
        theirs_text = theirs_text.replace(middle, '"value": -3,', 1)
        mine_text = mine_text.replace(middle, '"value": -4,', 1)
        for path, content in ((base, text), (theirs, theirs_text), (mine_ref, mine_text)):
            with open(path, "w") as f:
                f.write(content)
        size = len(text) / 1048576
        plain, as_json = Tally("ifmatch"), Tally("ifmatch --json")
        git, diff3 = Tally("git merge-file"), Tally("diff3")
        has_diff3 = shutil.which("diff3") is not None
        env = dict(self.env, IFMATCH_BASE_LIMIT="4G")
        pointer = f"/key{keys // 2:07d}/value"
        for _ in range(runs):
            for tally, extra in ((plain, []), (as_json, ["--json"])):
                shutil.copy(base, doc)
                # The last run kept the unsent edit in mine.json, which get -o will not replace.
                if os.path.exists(mine):
                    os.remove(mine)
                check(run([self.bin, "get", url, "-o", mine], env), "ifmatch get")
                with open(mine, "w") as f:
                    f.write(mine_text)
                shutil.copy(theirs, doc)
                out = self.path("put.out")
                with open(out, "w") as stdout:
                    res = run([self.bin, "put", url, mine, "--on-conflict", "merge", *extra], env, stdout=stdout)
                if res[2] != 3 or pointer not in res[3] + open(out).read():
                    sys.exit(f"FAIL: the put did not stop at the conflict at {pointer} (exit {res[2]}):\n"
                             + res[3][-2000:])
                with open(doc) as f:
                    if f.read() != theirs_text:
                        sys.exit("FAIL: the conflicting put changed the server's document")
                tally.add(*res[:2])
            res = run(["git", "merge-file", "-p", mine_ref, base, theirs])
            if res[2] != 1:
                sys.exit(f"FAIL: git merge-file exited {res[2]}, not 1 (one conflict)")
            git.add(*res[:2])
            if has_diff3:
                res = run(["diff3", "-m", mine_ref, base, theirs])
                if res[2] != 1:
                    sys.exit(f"FAIL: diff3 exited {res[2]}, not 1 (conflicts)")
                diff3.add(*res[:2])
        goal = "(goal <= 1.5x git, <= 100 MiB)"
        report(f"{runs} x {size:.1f} MiB JSON 412 + conflict", plain, [git, diff3], goal)
        report(f"{runs} x {size:.1f} MiB, the same --json", as_json, [git], goal)


def document(keys):
    """A pretty JSON object of `keys` small objects, one member a line (64 bytes a key)."""
    gen = ",\n".join(f'  "key{i:07d}": {{\n    "value": {i},\n    "note": "xxxxxxxx"\n  }}' for i in range(keys))
    return "{\n" + gen + "\n}\n"


def versions(keys):
    """The merge rows' base document and two changed versions: theirs changes the first key,
    mine the last, a clean structural merge."""
    text = document(keys)
    last = f'"value": {keys - 1},'
    i = text.rindex(last)
    return text, text.replace('"value": 0,', '"value": -1,', 1), text[:i] + '"value": -2,' + text[i + len(last):]


def adjacent_versions(keys):
    """The merge rows' document where both sides change the middle key, mine its value and
    theirs its note on the next line: a conflict to a line merge, a clean JSON merge."""
    text = document(keys)
    mid = keys // 2
    old = f'"key{mid:07d}": {{\n    "value": {mid},\n    "note": "xxxxxxxx"'
    theirs = text.replace(old, f'"key{mid:07d}": {{\n    "value": {mid},\n    "note": "theirs"', 1)
    mine = text.replace(old, f'"key{mid:07d}": {{\n    "value": -1,\n    "note": "xxxxxxxx"', 1)
    return text, theirs, mine


def scattered_versions(keys):
    """The merge rows' document where theirs removes every tenth key and mine changes the value
    of one it keeps: changes all over the document for the line diffs."""
    text = document(keys)
    blocks = text[2:-3].split("\n  },\n")
    theirs = "{\n" + "\n  },\n".join(b for i, b in enumerate(blocks) if i % 10 != 3) + "\n}\n"
    mid = keys // 2
    mine = text.replace(f'"value": {mid},', '"value": -1,', 1)
    return text, theirs, mine


def edit(path, i):
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace('"replicas": 3', f'"replicas": {4 + i}'))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", nargs="*", default=["small", "put", "large", "merge", "adjacent", "scattered", "merge50", "conflict"])
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "ifmatch"))
    parser.add_argument("--dir", default=None, help="where the served files and the state store go")
    parser.add_argument("--runs", type=int, default=30, help="runs of the small rows (default 30)")
    parser.add_argument("--large-mib", type=int, default=200)
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"no binary at {args.bin}: run `cargo build --release` first, or pass --bin")
    bench = Bench(args)
    try:
        load = os.getloadavg()[0]
        print(f"load average {load:.1f} on {os.cpu_count()} cores; store under {bench.work}", flush=True)
        for row in args.rows:
            if row == "small":
                bench.small()
            elif row == "put":
                bench.n = max(1, args.runs // 2)
                bench.put()
                bench.n = args.runs
            elif row == "large":
                bench.large(args.large_mib)
            elif row == "merge":
                bench.merge(10, 3)
            elif row == "adjacent":
                bench.merge(10, 3, "adjacent")
            elif row == "scattered":
                bench.merge(10, 3, "scattered")
            elif row == "merge50":
                bench.merge(50, 1)
            elif row == "conflict":
                bench.conflict(10, 3)
            else:
                sys.exit(f"unknown row {row!r}")
        print(f"load average {os.getloadavg()[0]:.1f} at the end", flush=True)
    finally:
        bench.close()


if __name__ == "__main__":
    main()
