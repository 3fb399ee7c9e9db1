"""What the benchmarks share: Vern from this checkout, the tests' clock, work folders, phases
in fresh processes and their peak memory, the machine they ran on, and another revision's
code to compare with (--before REV).

Importing this module puts the checkout first on the path: its `audits` and `checks`, and its
`dashboard` package ahead of benchmarks/dashboard.py.
"""

import concurrent.futures
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

FIXED_NOW = "2026-11-24T12:00:00+01:00"  # VERN_NOW: the tests' clock, so "today" is the same in every run


def isolate(now: str | None = FIXED_NOW) -> None:
    """Freeze the clock at `now` (None: the real clock) and ignore any database, configuration
    or key file the user's environment names."""
    if now is None:
        os.environ.pop("VERN_NOW", None)
    else:
        os.environ["VERN_NOW"] = now
    for name in ("VERN_DB", "VERN_CONFIG", "VERN_KEYS"):
        os.environ.pop(name, None)


@contextmanager
def workdir(path: Path | None, prefix: str) -> Iterator[Path]:
    """`path` (created if missing, kept afterwards), or a temporary folder removed at the end."""
    if path is not None:
        path = Path(path).resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(db: Path) -> None:
    """Remove a Vern database and everything beside it (key, trail heads, log, spill folder)."""
    for path in (db, db.with_suffix(".key"), db.with_suffix(".trail-heads"), Path(f"{db}.wal"),
                 Path(f"{db}.tmp")):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def in_child(function, *args):
    """`function(*args)` in a fresh Python process, so its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


def peak_mb(pid: int | str = "self") -> float:
    """A process's peak resident memory in MB (VmHWM; 0 once it has exited). Unlike ru_maxrss
    it does not count what the parent held before the exec of a fresh process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    _, found, rest = status.partition("VmHWM:")
    return int(rest.split()[0]) / 1024 if found else 0.0


def load_average() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    """The CPUs, memory, system, Python and DuckDB a benchmark ran on, and the load now."""
    import duckdb
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"machine: {os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), {memory:.1f} GiB RAM, "
            f"{platform.platform()}, {platform.processor() or platform.machine()}\n"
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}; load average {load_average()}")


def heading(title: str, work: Path, temporary: bool, *details: str) -> None:
    """A benchmark's first lines: what it measures, the machine, its workdir, then `details`."""
    print(title)
    print(textwrap.indent(machine(), "  "))
    print(f"  workdir: {work}{' (temporary)' if temporary else ''}")
    for line in details:
        print(f"  {line}")
    print()


@contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """A temporary folder holding `rev`'s audits/ and checks/ (git archive), for PYTHONPATH;
    removed at the end."""
    with tempfile.TemporaryDirectory(prefix="vern-before-") as folder:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "audits", "checks"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        yield Path(folder)
