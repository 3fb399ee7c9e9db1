"""Command-line start benchmark (issue 16, item 5): how long a `vern` command takes in a
fresh process, and what that start costs a small import.

    .venv/bin/python benchmarks/cli_start.py [--runs 15] [--before REV] [--workdir DIR]
                                             [--import-ratio [--events 300000] [--import-runs 3]]

1. A demo database (`vern demo`, then `vern checks run`), built once with this checkout;
   each version measured gets its own copy.
2. `vern --help`, `vern checks list` and `vern checks list --json`, --runs times each in a
   fresh process, the versions taking turns so that a busy machine weighs on each alike.
   Prints the median and the fastest.
3. With --import-ratio: --events CloudTrail events written by benchmarks/access_logs.py
   (its people, systems and grants imported first, not timed), imported by
   `vern import access-logs` in a fresh process, start included, as a person runs it;
   against DuckDB's own read of the same files (access_logs.RAW, a fresh connection,
   the fastest of three per form).

With --before, the same runs on that revision's audits/ and checks/ (git archive, as
benchmarks/hostile_input.py does), through PYTHONPATH with this virtualenv.
"""

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common  # benchmarks/ is on sys.path when this runs as a script
import access_logs

VERN = Path(sys.executable).with_name("vern")  # the console script a person runs
COMMANDS = {
    "vern --help": ["--help"],
    "vern checks list": ["checks", "list"],
    "vern checks list --json": ["checks", "list", "--json"],
}


def vern(code: Path | None, *args) -> tuple[float, float]:
    """Seconds from start to exit of one `vern` command in a fresh process (code None: this
    checkout), and the CPU seconds it used: on a busy machine the wall time waits for the
    other processes too, the CPU time much less."""
    env = {**os.environ, "VERN_NOW": _common.FIXED_NOW}
    # PYTHONDONTWRITEBYTECODE: a person's install keeps its compiled modules; so do we.
    for name in ("VERN_CONFIG", "VERN_KEYS", "VERN_DB", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([str(VERN), *map(str, args)], env=env, check=True, stdout=subprocess.DEVNULL)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


HEADER = f"{'median':>10} {'fastest':>10} {'median cpu':>11}"


def _figures(runs: list[tuple[float, float]]) -> str:
    wall = [w for w, _ in runs]
    return f"{statistics.median(wall):8.3f} s {min(wall):8.3f} s {statistics.median(c for _, c in runs):9.3f} s"


def demo_copies(work: Path, versions: dict[str, Path | None]) -> dict[str, Path]:
    """The demo database with its key and trail-head files, built by each version's own code
    (an older Vern refuses a newer schema)."""
    databases = {}
    for version, code in versions.items():
        db = work / version / "vern.duckdb"
        if not db.exists():
            db.parent.mkdir(parents=True, exist_ok=True)
            vern(code, "--db", db, "demo")
            vern(code, "--db", db, "checks", "run")
        databases[version] = db
    return databases


def start_times(work: Path, versions: dict[str, Path | None], runs: int) -> None:
    databases = demo_copies(work, versions)
    for code in versions.values():  # not timed: compiles each version's modules once
        vern(code, "--help")
    times = {(command, version): [] for command in COMMANDS for version in versions}
    for _ in range(runs):
        for command, args in COMMANDS.items():
            for version, code in versions.items():
                db_args = [] if args == ["--help"] else ["--db", databases[version]]
                times[command, version].append(vern(code, *db_args, *args))
    print(f"{'command':<26} {'version':<7} {HEADER}")
    for (command, version), runs in times.items():
        print(f"{command:<26} {version:<7} {_figures(runs)}")


def raw_read(folder: Path) -> float:
    """DuckDB's own read of the CloudTrail files: the fastest run of either form."""
    import duckdb

    files = access_logs._files(folder, "cloudtrail")
    best = float("inf")
    for query in access_logs.RAW["cloudtrail"].values():
        for _ in range(3):  # a fresh connection each time: no DuckDB cache carries over
            con = duckdb.connect()
            started = time.perf_counter()
            con.execute(query, {"files": files}).fetchone()
            best = min(best, time.perf_counter() - started)
            con.close()
    return best


def import_ratio(work: Path, versions: dict[str, Path | None], events: int, runs: int) -> None:
    logs = work / f"cloudtrail-{events}"
    if not (logs / "directory").exists():
        access_logs.generate_format("cloudtrail", events, str(logs))
        access_logs.write_directory(logs / "directory", access_logs.population())
    raw = raw_read(logs)
    print(f"\nImport of {events:,} CloudTrail events by `vern import access-logs` (start included), "
          f"{runs} run(s) each; DuckDB's raw read {raw:.3f} s")
    print(f"{'version':<7} {HEADER} {'raw/fastest':>12} {'raw/median':>11}")
    for version, code in versions.items():
        timed = []
        for run in range(runs):
            folder = work / version / f"import-{run}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            db = folder / "vern.duckdb"
            for kind in ("people", "systems", "grants"):  # not timed
                vern(code, "--db", db, "import", kind, logs / "directory" / f"{kind}.csv")
            timed.append(vern(code, "--db", db, "import", "access-logs", logs / "cloudtrail",
                              "--format", "cloudtrail"))
        wall = [w for w, _ in timed]
        print(f"{version:<7} {_figures(timed)} {raw / min(wall):12.2f} {raw / statistics.median(wall):11.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per command and version")
    parser.add_argument("--before", metavar="REV", help="also measure this revision (e.g. 02fe0c6)")
    parser.add_argument("--workdir", type=Path, help="keep the demo and the generated files here")
    parser.add_argument("--import-ratio", action="store_true", help="also time a CloudTrail import")
    parser.add_argument("--events", type=int, default=300_000, help="CloudTrail events to import")
    parser.add_argument("--import-runs", type=int, default=3, help="imports per version, each into a new database")
    args = parser.parse_args()
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="vern-cli-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    versions: dict[str, Path | None] = {"after": None}
    with contextlib.ExitStack() as stack:
        if args.before:
            versions = {"before": stack.enter_context(_common.checkout(args.before)), **versions}
        measure(args, work, versions)


def measure(args, work: Path, versions: dict[str, Path | None]) -> None:
    try:
        print(f"Vern command-line start: {os.cpu_count()} CPUs, load average {_common.load_average()}, {args.runs} runs each")
        start_times(work, versions, args.runs)
        if args.import_ratio:
            import_ratio(work, versions, args.events, args.import_runs)
        print(f"load average at the end {_common.load_average()}")
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
