"""Hostile access-log input (issue 15, item 7): peak memory and seconds of an import that
is meant to exhaust the server, and of a normal one, in a fresh process each.

    .venv/bin/python benchmarks/hostile_input.py [--before REV] [--workdir DIR] [--cap-mb 6144]
                                                 [--normal-events 300000] [--only NAME ...]

Cases:
- bombs-kept: 100 gzipped CloudTrail files, 5.9 MB together, each one record whose
  requestParameters.key (a value Vern keeps) is 60 MB of one letter: 6 GB uncompressed.
- bombs-blank: the same, 60 MB of blanks inside each Records array.
- bomb-one: one gzipped file of 10 GB of blanks (10 MB on disk).
- columns: a CSV of 100,004 columns and three records (1.3 MB).
- accounts: a CSV of a million events by a million accounts (36 MB): the most a single
  import may hold, each account pseudonymised.
- normal-cloudtrail, normal-m365: --normal-events events of Vern's own vendor writers.

Each import runs in a child process (audits.access.logs.import_files into a new database);
its peak resident memory comes from wait4, and a watchdog stops it at --cap-mb. With
--before, the same cases run on that revision's audits/ and checks/ (git archive) too.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _common

MB = 1024 * 1024
CHILD = r"""
import json, sys, time
from pathlib import Path
from audits.access import logs as access_logs
from audits.core.errors import VernError
from audits.runtime import open_vern
db, fmt, *paths = sys.argv[1:]
vern = open_vern(db)
started, cpu = time.perf_counter(), time.process_time()
try:
    result = access_logs.import_files(vern.store, [Path(p) for p in paths], fmt, "benchmark")
    outcome = f"imported {result.events:,} events"
except VernError as error:
    outcome = "refused: " + str(error).splitlines()[-1].strip()
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                  "outcome": outcome}))
"""


# -- the inputs ---------------------------------------------------------------------------
def _gzip_parts(path: Path, parts) -> None:
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9) as out:
        for part in parts:
            out.write(part)


def _record(n: int, key: str) -> str:
    return json.dumps({"Records": [{
        "eventID": f"bomb-{n}", "eventTime": "2026-11-01T10:00:00Z", "eventName": "GetObject",
        "userIdentity": {"type": "IAMUser", "userName": "kari@example.org"}, "sourceIPAddress": "192.0.2.1",
        "requestParameters": {"bucketName": "members", "key": key}}]})


def bombs(folder: Path, blank: bool) -> None:
    folder.mkdir(parents=True)
    for n in range(100):
        text = _record(n, "" if blank else "KEY")
        head, tail = text.split('"Records": [') if blank else text.split("KEY")
        head += '"Records": [' if blank else ""
        filler = (b" " if blank else b"A") * MB
        _gzip_parts(folder / f"111122223333_CloudTrail_eu-north-1_{n:03d}.json.gz",
                    [head.encode(), *([filler] * 60), tail.encode()])


def bomb_one(folder: Path) -> None:
    folder.mkdir(parents=True)
    text = _record(0, "k")
    head, tail = text.split('"Records": [')
    blank = gzip.compress(b" " * MB)  # concatenated gzip members: 10 GB in 10 MB, written fast
    with (folder / "bomb.json.gz").open("wb") as out:
        out.write(gzip.compress((head + '"Records": [').encode()))
        for _ in range(10 * 1024):
            out.write(blank)
        out.write(gzip.compress(tail.encode()))


def columns(folder: Path) -> None:
    folder.mkdir(parents=True)
    names = ["timestamp", "actor", "system", "action"] + [f"c{i}" for i in range(100_000)]
    row = ["2026-11-01T10:00:00Z", "kari@example.org", "CRM", "read"] + ["x"] * 100_000
    (folder / "wide.csv").write_text(",".join(names) + "\n" + (",".join(row) + "\n") * 3)


def accounts(folder: Path) -> None:
    folder.mkdir(parents=True)
    with (folder / "accounts.csv").open("w") as out:
        out.write("timestamp,actor,system,action\n")
        for i in range(1_000_000):
            out.write(f"2026-11-01T10:{i // 60 % 60:02d}:{i % 60:02d}Z,a{i},CRM,read\n")


def normal(folder: Path, fmt: str, n: int) -> None:
    from audits.access.vendor_logs import Event, write_cloudtrail, write_m365
    start = datetime(2026, 10, 1, tzinfo=UTC)
    events = (Event(start + timedelta(seconds=7 * i), f"person{i % 2000}@forening.no",
                    ("read", "download", "write")[i % 3], "forening-medlemsdata" if fmt == "cloudtrail"
                    else "https://forening.sharepoint.com/sites/Medlemmer", f"folder/file-{i % 5000}.xlsx")
              for i in range(n))
    if fmt == "cloudtrail":
        write_cloudtrail(folder, events, per_file=1000)
    else:
        folder.mkdir(parents=True)
        write_m365(folder / "purview-export.csv", events)


CASES = {  # name: (format, builder)
    "bombs-kept": ("cloudtrail", lambda f, a: bombs(f, blank=False)),
    "bombs-blank": ("cloudtrail", lambda f, a: bombs(f, blank=True)),
    "bomb-one": ("cloudtrail", lambda f, a: bomb_one(f)),
    "columns": ("csv", lambda f, a: columns(f)),
    "accounts": ("csv", lambda f, a: accounts(f)),
    "normal-cloudtrail": ("cloudtrail", lambda f, a: normal(f, "cloudtrail", a.normal_events)),
    "normal-m365": ("m365", lambda f, a: normal(f, "m365", a.normal_events)),
}


# -- running ------------------------------------------------------------------------------
def run(code: Path | None, fmt: str, folder: Path, cap_mb: int, work: Path) -> dict:
    db = work / "import.duckdb"
    _common.fresh_database(db)
    env = {**os.environ, **({"PYTHONPATH": str(code)} if code else {})}
    out_path, err_path = work / "child.out", work / "child.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), fmt, str(folder)], env=env,
                                 stdout=out, stderr=err, cwd=work)
    stopped = threading.Event()

    def watch():
        while child.poll() is None:
            if _common.peak_mb(child.pid) > cap_mb:
                stopped.set()
                child.kill()
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    started = time.perf_counter()
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0  # reaped by wait4, for its resource usage
    out = out_path.read_text()
    if stopped.is_set():
        return {"outcome": f"stopped at the {cap_mb:,} MB cap", "rss_mb": usage.ru_maxrss / 1024,
                "seconds": time.perf_counter() - started, "cpu": None}
    if not out.strip():
        return {"outcome": "crashed: " + (err_path.read_text().strip().splitlines() or [""])[-1][:120],
                "rss_mb": usage.ru_maxrss / 1024, "seconds": time.perf_counter() - started, "cpu": None}
    return {**json.loads(out), "rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="also run the cases on this revision (e.g. a commit before the limits)")
    parser.add_argument("--workdir", type=Path, help="keep the inputs here (reused when present)")
    parser.add_argument("--cap-mb", type=int, default=6144, help="stop a child using more memory than this")
    parser.add_argument("--normal-events", type=int, default=300_000)
    parser.add_argument("--only", nargs="*", choices=list(CASES), help="run these cases only")
    args = parser.parse_args()
    _common.isolate()
    with _common.workdir(args.workdir, "vern-hostile-") as work, ExitStack() as stack:
        versions = {"after": None}
        if args.before:
            versions = {"before": stack.enter_context(_common.checkout(args.before)), **versions}
        print(f"Hostile access-log input: {os.cpu_count()} CPUs, load average {_common.load_average()}, "
              f"cap {args.cap_mb:,} MB")
        print(f"{'case':<18} {'version':<7} {'peak MB':>8} {'seconds':>8} {'cpu s':>6}  outcome")
        for name in args.only or CASES:
            _case(args, work, name, versions)


def _case(args, work: Path, name: str, versions: dict) -> None:
    """Build the case's input (unless the workdir has it) and import it with each version."""
    fmt, build = CASES[name]
    folder = work / "inputs" / f"{name}-{args.normal_events}" if name.startswith("normal") else work / "inputs" / name
    if not folder.exists():
        build(folder, args)
    for version, code in versions.items():
        r = run(code, fmt, folder, args.cap_mb, work)
        cpu = f"{r['cpu']:6.1f}" if r["cpu"] is not None else "     -"
        print(f"{name:<18} {version:<7} {r['rss_mb']:8,.0f} {r['seconds']:8.1f} {cpu}  {r['outcome'][:110]}",
              flush=True)


if __name__ == "__main__":
    main()
