"""Access-log benchmark (issue 5): import throughput against DuckDB's own read of the same
files, rule evaluation against one full-scan aggregate, and peak memory.

    .venv/bin/python benchmarks/access_logs.py [--events 1000000] [--stored 10000000]
                                               [--workdir PATH] [--no-profile]

1. Generates CloudTrail (gzipped files of 1,000 records in the S3 delivery layout),
   Microsoft 365 (a few large Purview CSV exports) and Google Workspace (NDJSON pages of
   1,000 activities, one file a month) logs for --events events over ~13 months by ~2,000
   people, with audits.access.vendor_logs. Not timed.
2. Raw read: DuckDB's own read_json / read_csv of the same files, touching one field of
   every record, on a fresh in-memory connection (second of two runs).
3. Import: audits.access.logs.import_files per format into a fresh database that holds the
   people directory, the systems and the grants. Timed once; a per-statement breakdown
   comes from a thin timing wrapper around Store.transaction (the product is not changed).
4. Builds a database of --stored events directly with SQL (people, systems with matches,
   grants, access_resources mapped by the product's own map_resources, and planted cases
   for every rule). Not timed.
5. Times one full-scan aggregate over the stored events and AccessLogsCheck.evaluate
   (each twice, the second counts), then profiles every rule query with DuckDB's
   profiler (unless --no-profile).

Each phase runs in its own fresh Python process, so its peak resident memory (VmHWM)
is that phase's own: the generator's millions of Python objects do not count against
the import, nor the fixture build against the rule evaluation.
"""

import argparse
import concurrent.futures
import csv
import json
import multiprocessing
import os
import random
import shutil
import sys
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import _common

TODAY = date(2026, 11, 24)  # _common.FIXED_NOW's day
DAYS = 395  # ~13 months of logs, the default retention
START = TODAY - timedelta(days=DAYS - 1)
SEED = 20261124
LAYOUT = 6  # bump when the generated data changes, so --workdir caches are rebuilt

DOMAIN = "forening.no"
N_PEOPLE = 2000
N_SERVICES = 20
N_UNKNOWN = 10
SP = "https://forening.sharepoint.com/sites"
FILES_PER_SITE = 1000

# key, name, holds personal data, classification, kind, targets (site / mailbox / bucket / drive owner)
SYSTEMS = [
    ("members", "Medlemsregister (SharePoint)", True, "confidential", "m365", [f"{SP}/Medlemmer"]),
    ("hr", "HR og lønn (SharePoint)", True, "strictly_confidential", "m365", [f"{SP}/HR"]),
    ("finance", "Økonomi (SharePoint)", True, "confidential", "m365", [f"{SP}/Okonomi"]),
    ("intranet", "Intranett (SharePoint)", False, "internal", "m365", [f"{SP}/Intranett"]),
    ("privacy_mail", "Personvernpostkasse", True, "confidential", "mailbox", [f"personvern@{DOMAIN}"]),
    ("member_mail", "Medlemsservice (postkasse)", True, "confidential", "mailbox", [f"medlem@{DOMAIN}"]),
    ("member_data", "Medlemsdata (AWS S3)", True, "strictly_confidential", "s3",
     ["forening-medlemsdata", "forening-medlemsdata-backup"]),
    ("analytics", "Analyse (AWS S3)", True, "confidential", "s3", ["forening-analyse"]),
    ("website", "Nettside (AWS S3)", False, "open", "s3", ["forening-nettside", "forening-nettside-assets"]),
    ("events", "Arrangementer (Google Drive)", True, "internal", "gdrive", [f"arrangement@{DOMAIN}"]),
    ("volunteers", "Frivillige (Google Drive)", True, "confidential", "gdrive", [f"frivillig@{DOMAIN}"]),
    ("board", "Styredokumenter (Google Drive)", True, "confidential", "gdrive", [f"styret@{DOMAIN}"]),
    ("courses", "Kursmateriell (Google Drive)", False, "internal", "gdrive", [f"kurs@{DOMAIN}"]),
]
SYSTEM = {s[0]: s for s in SYSTEMS}
TEAM_SITES = [f"{SP}/Team{n:02d}" for n in range(30)]  # no system claims these
TMP_BUCKETS = [f"forening-tmp-{n:02d}" for n in range(15)]
FORMAT_OF_KIND = {"m365": "m365", "mailbox": "m365", "s3": "cloudtrail", "gdrive": "gworkspace"}
FORMATS = ("cloudtrail", "m365", "gworkspace")
SHARE = {"cloudtrail": 0.30, "m365": 0.45, "gworkspace": 0.25}  # of the generated events

FIRST = ["kari", "ola", "ingrid", "per", "lise", "nils", "anne", "jonas", "sofie", "erik", "marte",
         "henrik", "nora", "emil", "ida", "lars", "sara", "tor", "hanne", "magnus"]
LAST = ["nordmann", "hansen", "berg", "johansen", "dahl", "haugen", "bakken", "lie", "moen", "strand",
        "solberg", "vik", "larsen", "olsen", "pedersen", "nilsen", "kristiansen", "jensen", "karlsen",
        "andersen"]


# -- the organisation -------------------------------------------------------------
class Person:
    __slots__ = ("idx", "email", "name", "kind", "started", "left", "leaky", "night", "homes", "grants",
                 "first_day", "last_day")


def population() -> list[Person]:
    """2,000 people, the same in every process: 5% left during the window (ten of them
    keep using their access for two weeks), 5% started during it, 3% work late now and
    then; each uses 2-4 systems and holds grants for nearly all of them."""
    rng = random.Random(SEED)
    kinds = ["employee"] * 40 + ["volunteer"] * 45 + ["board"] * 5 + ["contractor"] * 10
    people = []
    departed = set(rng.sample(range(N_PEOPLE), N_PEOPLE // 20))
    leaky = set(rng.sample(sorted(departed), 10))
    newcomers = set(rng.sample([i for i in range(N_PEOPLE) if i not in departed], N_PEOPLE // 20))
    owls = set(rng.sample(range(N_PEOPLE), N_PEOPLE * 3 // 100))
    weights = {"members": 6, "hr": 1, "finance": 1, "intranet": 8, "privacy_mail": 1, "member_mail": 3,
               "member_data": 2, "analytics": 2, "website": 2, "events": 6, "volunteers": 4, "board": 1,
               "courses": 4}
    keys = list(weights)
    for i in range(N_PEOPLE):
        p = Person()
        p.idx = i
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        p.email = f"{first}.{last}{i}@{DOMAIN}"
        p.name = f"{first.title()} {last.title()} {i}"
        p.kind = rng.choice(kinds)
        if i in newcomers:
            p.started = START + timedelta(days=rng.randrange(30, DAYS - 60))
        else:
            p.started = START - timedelta(days=rng.randrange(30, 3000))
        p.left = START + timedelta(days=rng.randrange(30, DAYS - 10)) if i in departed else None
        p.leaky = i in leaky
        p.night = i in owls
        homes = []
        while len(homes) < rng.randint(2, 4):
            key = rng.choices(keys, [weights[k] for k in keys])[0]
            if key not in homes:
                homes.append(key)
        p.homes = homes
        p.grants = []
        for key in homes:
            roll = rng.random()
            if roll < 0.01:
                continue  # uses a system without a recorded grant
            revoked = p.left
            if roll < 0.02 and p.left is None:  # revoked, still used
                revoked = max(p.started, START) + timedelta(days=rng.randrange(10, 200))
                revoked = min(revoked, TODAY - timedelta(days=5))
            p.grants.append((key, p.started, revoked))
        p.first_day = max(0, (p.started - START).days)
        if p.left is None:
            p.last_day = DAYS - 1
        else:
            p.last_day = min(DAYS - 1, (p.left - START).days + (14 if p.leaky else 0))
        people.append(p)
    return people


def unknown_accounts() -> list[str]:
    return [f"ekstern.konsulent{n}@gmail.com" for n in range(N_UNKNOWN)]


def write_directory(folder: Path, people: list[Person]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"people": folder / "people.csv", "systems": folder / "systems.csv", "grants": folder / "grants.csv"}
    with paths["people"].open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(["email", "name", "kind", "handles_personal_data", "started_on", "left_on", "district"])
        for p in people:
            w.writerow([p.email, p.name, p.kind, "yes", p.started.isoformat(),
                        p.left.isoformat() if p.left else "", ""])
    with paths["systems"].open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(["name", "holds_personal_data", "classification", "match"])
        for _, name, personal, classification, kind, targets in SYSTEMS:
            prefix = {"m365": "m365:", "mailbox": "m365:mailbox:", "s3": "s3:", "gdrive": "gdrive:"}[kind]
            w.writerow([name, "yes" if personal else "no", classification, ";".join(prefix + t for t in targets)])
    with paths["grants"].open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(["email", "system", "granted_on", "revoked_on"])
        for p in people:
            for key, granted, revoked in p.grants:
                w.writerow([p.email, SYSTEM[key][1], granted.isoformat(), revoked.isoformat() if revoked else ""])
    return paths


# -- generated vendor files ---------------------------------------------------------
def _local_time(rng: random.Random, first_day: int, last_day: int, night: bool) -> datetime:
    from audits.core import clock
    while True:
        day = START + timedelta(days=rng.randint(first_day, last_day))
        late = night and rng.random() < 0.02
        if day.isoweekday() >= 6 and not late and rng.random() < 0.95:
            continue  # working days, mostly
        hour = rng.choice((22, 23, 0, 1, 5)) if late else rng.randint(7, 17)
        return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
                        rng.randrange(1_000_000), tzinfo=clock.OSLO)


def _target(rng: random.Random, p: Person, fmt: str) -> tuple[str, str, str]:
    """(kind, target, object) for a data event of person p in format fmt."""
    homes = [k for k in p.homes if FORMAT_OF_KIND[SYSTEM[k][4]] == fmt]
    if homes and rng.random() < 0.7:
        key = rng.choice(homes)
        kind, target = SYSTEM[key][4], rng.choice(SYSTEM[key][5])
    elif fmt == "m365":
        kind, target = "m365", rng.choice(TEAM_SITES)
    elif fmt == "cloudtrail":
        kind, target = "s3", rng.choice(TMP_BUCKETS)
    else:
        kind, target = "gdrive", p.email  # their own My Drive
    if kind == "m365":
        obj = f"Shared Documents/Dokument {rng.randrange(FILES_PER_SITE)}.xlsx"
    elif kind == "s3":
        obj = f"eksport/fil-{rng.randrange(5000)}.csv"
    elif kind == "gdrive":
        obj = f"Dokument {rng.randrange(3000)}"
    else:
        obj = ""
    return kind, target, obj


_MIX = {  # action: share, by format
    "cloudtrail": (("signin", 40), ("signin_failed", 5), ("read", 480), ("download", 300), ("write", 175)),
    "m365": (("signin", 100), ("signin_failed", 15), ("read", 450), ("download", 150), ("write", 135),
             ("mail", 150)),
    "gworkspace": (("signin", 100), ("signin_failed", 15), ("read", 550), ("download", 150), ("write", 185)),
}


def _events(fmt: str, n: int) -> list:
    from audits.access.vendor_logs import Event
    rng = random.Random(f"{SEED}-{fmt}")
    people = population()
    strangers = unknown_accounts()
    actions = [a for a, _ in _MIX[fmt]]
    weights = [w for _, w in _MIX[fmt]]
    out = []
    for _ in range(n):
        if rng.random() < 0.001:
            who, p = rng.choice(strangers), None
            when = _local_time(rng, DAYS - 60, DAYS - 1, False)
        else:
            p = people[rng.randrange(N_PEOPLE)]
            who = p.email
            when = _local_time(rng, p.first_day, p.last_day, p.night)
        action = rng.choices(actions, weights)[0]
        ip = f"192.0.2.{rng.randrange(1, 250)}"
        if action in ("signin", "signin_failed"):
            out.append(Event(when, who, action, ip=ip))
            continue
        if action == "mail":
            boxes = [t for k in (p.homes if p else ()) if SYSTEM[k][4] == "mailbox" for t in SYSTEM[k][5]]
            out.append(Event(when, who, "mail", rng.choice(boxes) if boxes else who, ip=ip))
            continue
        if p is None:
            key = rng.choice(["members", "member_data", "events"])
            kind, target = SYSTEM[key][4], SYSTEM[key][5][0]
            obj = "Shared Documents/Dokument 1.xlsx" if kind == "m365" else "eksport/alle.csv"
            if FORMAT_OF_KIND[kind] != fmt:
                kind, target, obj = _target(rng, people[0], fmt)
        else:
            kind, target, obj = _target(rng, p, fmt)
        out.append(Event(when, who, action, target, obj, ip=ip))
    out.sort(key=lambda e: e.at)
    return out


def generate_format(fmt: str, n: int, root: str) -> dict:
    from audits.access.vendor_logs import write_cloudtrail, write_gworkspace, write_m365
    started = time.perf_counter()
    folder = Path(root) / fmt
    shutil.rmtree(folder, ignore_errors=True)
    events = _events(fmt, n)
    if fmt == "cloudtrail":
        write_cloudtrail(folder, events, per_file=1000)
    elif fmt == "m365":  # a few large exports; the last in the older column set
        parts = max(1, min(4, n // 50_000))
        size = -(-len(events) // parts)
        for k in range(parts):
            chunk = events[k * size:(k + 1) * size]
            columns = "old" if parts > 1 and k == parts - 1 else "new"
            write_m365(folder / f"purview-audit-export-{k + 1}.csv", chunk, columns=columns)
    else:  # one activities.list dump a month, pages of 1,000 items
        by_month: dict[str, list] = {}
        for e in events:
            by_month.setdefault(e.at.astimezone(UTC).strftime("%Y-%m"), []).append(e)
        for month, chunk in by_month.items():
            write_gworkspace(folder / f"activities-{month}.json", chunk, per_page=1000)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {"format": fmt, "events": len(events), "files": len(files),
            "bytes": sum(p.stat().st_size for p in files), "seconds": time.perf_counter() - started}


# -- phases (each in a fresh process) ---------------------------------------------------
def _open(db: Path):
    """A Vern store with its keys bound and the default configuration, as `vern` opens it
    (without a vern.toml or VERN_KEYS from the environment)."""
    from audits.checking import registry
    from audits.core import config as configuration
    from audits.core import keys
    config = configuration.load(None, db, registry.installed())
    return keys.open_store(db, config.key_file), config


def _load_directory(store, folder: Path) -> None:
    from audits.access import directory
    paths = write_directory(folder, population())
    directory.import_people(store, paths["people"], "benchmark")
    directory.import_systems(store, paths["systems"], "benchmark")
    directory.import_grants(store, paths["grants"], "benchmark")


def _files(root: Path, fmt: str) -> list[str]:
    return [str(p) for p in sorted((root / fmt).rglob("*")) if p.is_file()]


RAW = {
    # The simplest queries that parse every record and read one field of each: nothing can
    # be skipped. Two forms each, because DuckDB's speed differs a lot between them: with the
    # schema detected from the files, and with a one-field schema declared (records=true: a
    # declared schema with the default records='auto' is several times slower on CloudTrail).
    # The faster form is the baseline.
    "cloudtrail": {
        "detected": "SELECT count(*), count(r.eventID) FROM (SELECT unnest(Records) AS r FROM read_json($files))",
        "declared": "SELECT count(*), count(r.eventID) FROM (SELECT unnest(Records) AS r FROM read_json($files, "
                    "columns={'Records': 'STRUCT(eventID VARCHAR)[]'}, records=true))",
    },
    "m365": {  # two column sets among the exports: union_by_name
        "detected": "SELECT count(*), count(AuditData) FROM read_csv($files, union_by_name=true)",
        "declared": "SELECT count(*), count(AuditData) FROM read_csv($files, union_by_name=true, all_varchar=true)",
    },
    "gworkspace": {
        "detected": "SELECT count(*), count(it.id.uniqueQualifier) FROM (SELECT unnest(items) AS it "
                    "FROM read_json($files))",
        "declared": "SELECT count(*), count(it.id.uniqueQualifier) FROM (SELECT unnest(items) AS it FROM "
                    "read_json($files, columns={'items': 'STRUCT(id STRUCT(uniqueQualifier VARCHAR))[]'}, "
                    "records=true))",
    },
}


def _git_state() -> str:
    """The product version measured: HEAD, and whether audits/ or checks/ differ from it."""
    import subprocess
    try:
        head = subprocess.run(["git", "-C", str(_common.REPO), "log", "-1", "--format=%h %s"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(_common.REPO), "status", "--porcelain", "--", "audits", "checks"],
                               capture_output=True, text=True, check=True).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    changed = [line[3:] for line in dirty if line.strip()]
    return head[:90] + (f"; uncommitted changes in {', '.join(changed)}" if changed else "; product code clean")


def phase_raw(root: str, runs: int) -> dict:
    import duckdb
    out = {"load_before": _common.load_average()}
    for fmt in FORMATS:
        files = _files(Path(root), fmt)
        variants = {}
        for variant, query in RAW[fmt].items():
            best = None
            for _ in range(runs):  # a fresh connection each time: no DuckDB cache carries over
                con = duckdb.connect()
                started, cpu = time.perf_counter(), time.process_time()
                count, touched = con.execute(query, {"files": files}).fetchone()
                run = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                       "events": count, "touched": touched}
                con.close()
                if best is None or run["seconds"] < best["seconds"]:
                    best = run
            variants[variant] = best
        fastest = min(variants, key=lambda v: variants[v]["seconds"])
        out[fmt] = {**variants[fastest], "variant": fastest, "variants": variants, "files": len(files)}
    out["rss_mb"] = _common.peak_mb()
    out["load_after"] = _common.load_average()
    return out


class _TimedCursor:
    """Delegates to the transaction's DuckDB cursor, timing each statement."""

    def __init__(self, cursor, log: list, profile_dir: Path | None):
        self._cursor, self._log, self._profile_dir = cursor, log, profile_dir
        if profile_dir is not None:
            cursor.execute("SET enable_profiling = 'json'")
            cursor.execute(f"SET profiling_output = '{profile_dir / 'last.json'}'")

    def _timed(self, method: str, sql: str, *args):
        started = time.perf_counter()
        result = getattr(self._cursor, method)(sql, *args)
        seconds = time.perf_counter() - started
        entry = {"step": _step(sql), "seconds": seconds}
        if self._profile_dir is not None and method == "execute" and seconds > 0.05:
            entry["profile"] = _profile_summary(self._profile_dir / "last.json")
        self._log.append(entry)
        return result

    def execute(self, sql, *args):
        return self._timed("execute", sql, *args)

    def executemany(self, sql, *args):
        return self._timed("executemany", sql, *args)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


_STEPS = (
    ("DESCRIBE SELECT * FROM read_csv", "csv header"),
    ("CREATE OR REPLACE TEMP TABLE staged", "read + normalise -> staged"),
    ("INSERT INTO staged", "read + normalise -> staged"),
    ("SELECT file, record, CASE", "validate staged"),
    ("SELECT DISTINCT identity FROM staged", "actor map"),
    ("SELECT actor, identity FROM actor_map", "actor map"),
    ("INSERT INTO identities", "actor map"),
    ("SELECT count(*) FROM staged", "count staged"),
    ("INSERT INTO access_events", "insert new events (dedupe)"),
    ("INSERT OR IGNORE INTO access_resources", "resources"),
    ("UPDATE access_resources", "map resources"),
    ("SELECT DISTINCT substr", "unknown csv systems"),
    ("DROP TABLE IF EXISTS staged", "drop staged"),
    ("SET ", "profiling setup"),
)


def _step(sql: str) -> str:
    text = " ".join(sql.split())
    for prefix, name in _STEPS:
        if text.startswith(prefix):
            return name
    if "trail" in text[:80]:
        return "audit trail"
    return text[:50]


@contextmanager
def _timing_transactions(store, log: list, profile_dir: Path | None):
    """Every statement of the store's transactions timed, and their commits: those that write
    (`transaction`) and those that read files into an import's temporary tables (`temporary`)."""
    originals = {"transaction": store.transaction, "temporary": store.temporary}

    def timing(kind: str, commit: str):
        @contextmanager
        def timed(*session):
            manager = originals[kind](*session)
            cursor = manager.__enter__()
            try:
                yield _TimedCursor(cursor, log, profile_dir)
            except BaseException:
                if not manager.__exit__(*sys.exc_info()):
                    raise
            else:
                started = time.perf_counter()
                manager.__exit__(None, None, None)
                log.append({"step": commit, "seconds": time.perf_counter() - started})
        return timed

    store.transaction = timing("transaction", "commit")
    store.temporary = timing("temporary", "commit of a batch read")
    try:
        yield
    finally:
        store.transaction, store.temporary = originals["transaction"], originals["temporary"]


def phase_import(root: str, db: str, runs: int, profile: bool, memory_limit: str | None) -> dict:
    """Import every format into a fresh database (directory loaded first, not timed), `runs`
    times, each into a new database; the fastest run per format counts. With profile, one
    more fresh database is imported with DuckDB's profiler on, for the operator breakdown
    only: the timed runs have no profiler."""
    import duckdb

    from audits.access import logs as access_logs
    root_path, db_path = Path(root), Path(db)
    out = {"formats": {}, "rss_start_mb": _common.peak_mb(), "load_before": _common.load_average(), "errors": []}
    plan = [False] * runs + ([True] if profile else [])
    for number, profiled in enumerate(plan):
        path = db_path.with_name(db_path.stem + ("-profiled" if profiled else f"-{number + 1}") + ".duckdb")
        _common.fresh_database(path)
        store, _ = _open(path)
        if memory_limit:
            store._con.execute(f"SET memory_limit = '{memory_limit}'")
        _load_directory(store, root_path / "directory")
        profile_dir = root_path / "profiles" if profiled else None
        if profile_dir:
            profile_dir.mkdir(exist_ok=True)
        for fmt in FORMATS:
            log: list = []
            row = out["formats"].setdefault(fmt, {"runs": []})
            with _timing_transactions(store, log, profile_dir):
                started, cpu = time.perf_counter(), time.process_time()
                try:
                    result = access_logs.import_files(store, [root_path / fmt], fmt, "benchmark")
                except Exception as error:  # e.g. DuckDB out of memory under --memory-limit
                    out["errors"].append(f"{fmt}: {str(error).splitlines()[-1][:300]}")
                    continue
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            if profiled:
                row["profiled_steps"] = log
                row["profiled_seconds"] = seconds
                continue
            run = {"files": result.files, "events": result.events, "added": result.added, "seconds": seconds,
                   "cpu": cpu, "steps": log, "rss_after_mb": _common.peak_mb()}
            row["runs"].append(run)
            if "seconds" not in row or seconds < row["seconds"]:
                row.update(run)
        if not profiled and number == 0:
            out["rss_mb"] = _common.peak_mb()
            out["stored"] = store.value("SELECT count(*) FROM access_events")
            out["resources"] = store.value("SELECT count(*) FROM access_resources")
            out["mapped"] = store.value("SELECT count(*) FROM access_resources WHERE system IS NOT NULL")
            out["db_mb"] = path.stat().st_size / 2**20
            out["settings"] = store.rows("SELECT current_setting('threads') AS threads, "
                                         "current_setting('memory_limit') AS memory_limit")[0]
        store.close()
        _common.fresh_database(path)
    out["rss_all_runs_mb"] = _common.peak_mb()
    out["load_after"] = _common.load_average()
    out["duckdb"] = duckdb.__version__
    return out


_OPS = {  # (source, action) -> the vendor's operation name
    ("cloudtrail", "signin"): "ConsoleLogin", ("cloudtrail", "signin_failed"): "ConsoleLogin",
    ("cloudtrail", "denied"): "GetObject", ("cloudtrail", "read"): "HeadObject",
    ("cloudtrail", "download"): "GetObject", ("cloudtrail", "write"): "PutObject",
    ("cloudtrail", "delete"): "DeleteObject",
    ("m365", "signin"): "UserLoggedIn", ("m365", "signin_failed"): "UserLoginFailed",
    ("m365", "denied"): "FileAccessed", ("m365", "read"): "FileAccessed",
    ("m365", "download"): "FileDownloaded", ("m365", "write"): "FileModified", ("m365", "delete"): "FileDeleted",
    ("gworkspace", "signin"): "login_success", ("gworkspace", "signin_failed"): "login_failure",
    ("gworkspace", "denied"): "view", ("gworkspace", "read"): "view", ("gworkspace", "download"): "download",
    ("gworkspace", "write"): "edit", ("gworkspace", "delete"): "delete",
}
SLOTS = 8  # resource choices per actor; most on the systems they use, the rest elsewhere


def _slots(rng: random.Random, p: Person | None) -> list[tuple]:
    """(source, prefix, fanout, suffix) per slot: resource = prefix || n % fanout || suffix."""
    out = []
    for _ in range(SLOTS):
        if p is None:  # a service identity: backups and exports on the buckets
            bucket = rng.choice(SYSTEM["member_data"][5] + SYSTEM["analytics"][5] + TMP_BUCKETS)
            out.append(("cloudtrail", f"s3:{bucket}", 0, ""))
            continue
        if rng.random() < 0.7:
            key = rng.choice(p.homes)
            kind, target = SYSTEM[key][4], rng.choice(SYSTEM[key][5])
        else:
            kind, target = rng.choice((("m365", rng.choice(TEAM_SITES)), ("s3", rng.choice(TMP_BUCKETS)),
                                       ("gdrive", p.email)))
        if kind == "m365":
            out.append(("m365", f"m365:{target}/", 0, ""))  # SharePoint events are keyed by site
        elif kind == "mailbox":
            out.append(("m365", f"m365:mailbox:{target}", 0, ""))
        elif kind == "s3":
            out.append(("cloudtrail", f"s3:{target}", 0, ""))
        else:
            out.append(("gworkspace", f"gdrive:{target}", 0, ""))
    return out


def _planted(keys, people: list[Person], now: datetime):
    """One set of cases for every rule, as a DataFrame of events."""
    import pandas as pd

    from audits.core import clock
    rng = random.Random(f"{SEED}-planted")
    rows = []

    def add(at, who_actor, action, source, resource, obj, n):
        rows.append((source, f"planted-{len(rows)}", at.astimezone(UTC), who_actor, False, action,
                     _OPS[(source, action)], resource, obj, "203.0.113.50", 1, f"planted/{n}"))

    def local(day_offset, hour, minute=0, second=0):
        day = START + timedelta(days=day_offset)
        return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=clock.OSLO)

    for n, who in enumerate(unknown_accounts()):  # access_unknown_actor
        for k in range(20):
            add(local(DAYS - 20 + k % 10, 10, k), keys.pseudonym(who), "read", "m365",
                f"m365:{SP}/Medlemmer/Shared Documents/Dokument {k}.xlsx", f"Dokument {k}.xlsx", n)
    staying = [p for p in people if p.left is None and p.first_day == 0]
    for n, p in enumerate(rng.sample(staying, 30)):  # access_bulk_export
        day = rng.randrange(60, DAYS - 1)
        while (START + timedelta(days=day)).isoweekday() >= 6:
            day -= 1
        for k in range(rng.randint(150, 400)):
            add(local(day, 13) + timedelta(seconds=20 * k), keys.pseudonym(p.email), "download", "cloudtrail",
                "s3:forening-medlemsdata", f"eksport/medlem-{k}.csv", n)
    for n, p in enumerate(rng.sample(staying, 40)):  # access_failed_signins
        day = rng.randrange(0, DAYS - 1)
        for k in range(12):
            add(local(day, 3) + timedelta(seconds=20 * k), keys.pseudonym(p.email), "signin_failed", "m365",
                None, None, n)
    return pd.DataFrame(rows, columns=["source", "event_id", "happened_at", "actor", "service", "action",
                                       "operation", "resource", "object", "source_ip", "records", "file"])


def phase_build(root: str, db: str, stored: int) -> dict:
    """A database of `stored` events, inserted with SQL; not timed against any target."""
    import pandas as pd

    from audits.access import logs as access_logs
    from audits.core import clock
    started = time.perf_counter()
    db_path = Path(db)
    _common.fresh_database(db_path)
    store, _ = _open(db_path)
    _load_directory(store, Path(root) / "directory")
    people = population()
    rng = random.Random(f"{SEED}-slots")
    actors, slots = [], []
    for p in people:
        actors.append((p.idx, store.keys.pseudonym(p.email), False, p.first_day, p.last_day, p.night))
        slots += [(p.idx, k, *slot) for k, slot in enumerate(_slots(rng, p))]
    for n in range(N_SERVICES):
        a = N_PEOPLE + n
        actors.append((a, store.keys.pseudonym(f"svc-eksport-{n}"), True, 0, DAYS - 1, True))
        slots += [(a, k, *slot) for k, slot in enumerate(_slots(rng, None))]
    actor_df = pd.DataFrame(actors, columns=["a", "actor", "service", "first_day", "last_day", "night"])
    slot_df = pd.DataFrame(slots, columns=["a", "k", "source", "prefix", "fanout", "suffix"])
    ops_df = pd.DataFrame([(s, a, o) for (s, a), o in _OPS.items()], columns=["source", "action", "operation"])
    now = clock.now()
    planted = _planted(store.keys, people, now)
    base = stored - len(planted)
    if base < 0:
        raise SystemExit(f"--stored {stored}: needs at least {len(planted)} events for the planted cases")
    with store.transaction() as tx:
        tx.register("b_actor_df", actor_df)
        tx.register("b_slot_df", slot_df)
        tx.register("b_ops_df", ops_df)
        tx.register("b_planted_df", planted)
        tx.execute("CREATE TEMP TABLE b_actor AS SELECT * FROM b_actor_df")
        tx.execute("CREATE TEMP TABLE b_slot AS SELECT * FROM b_slot_df")
        tx.execute("CREATE TEMP TABLE b_ops AS SELECT * FROM b_ops_df")
        tx.execute(f"""
            INSERT INTO access_events
            WITH g AS (
                SELECT i, hash(i) AS h1, hash(i + 1000000007) AS h2, hash(i * 31 + 17) AS h3
                FROM range({base}) t(i)),
            e AS (
                SELECT g.*, a.a, a.actor, a.service,
                       DATE '{START.isoformat()}' + (a.first_day + h2 % (a.last_day - a.first_day + 1))::INTEGER
                           AS day0,
                       a.night AND h3 % 1000 < 20 AS late,
                       (h3 >> 16) % 1000 AS r,
                       ((h2 >> 24) % {SLOTS})::INTEGER AS k
                FROM g JOIN b_actor a ON a.a = g.h1 % {len(actors)}),
            t AS (
                SELECT e.*,
                       CASE WHEN isodow(day0) >= 6 AND NOT late AND (h1 >> 20) % 1000 < 995
                            THEN day0 - 2 ELSE day0 END AS day,
                       CASE WHEN late THEN [22, 23, 0, 1, 5][(1 + (h3 >> 40) % 5)::BIGINT]
                            ELSE 7 + (h3 >> 40) % 11 END AS hour,
                       CASE WHEN r < 100 THEN 'signin' WHEN r < 112 THEN 'signin_failed'
                            WHEN r < 117 THEN 'denied' WHEN r < 650 THEN 'read' WHEN r < 800 THEN 'download'
                            WHEN r < 990 THEN 'write' ELSE 'delete' END AS action
                FROM e),
            x AS (
                SELECT t.*, timezone('Europe/Oslo', day::TIMESTAMP + to_hours(hour::BIGINT)
                                     + to_seconds(((h1 >> 32) % 3600)::BIGINT)) AS happened_at,
                       action IN ('signin', 'signin_failed') AS login,
                       CASE WHEN action IN ('signin', 'signin_failed')
                            THEN ['m365', 'm365', 'gworkspace', 'cloudtrail'][(1 + (h2 >> 40) % 4)::BIGINT]
                            ELSE s.source END AS source,
                       CASE WHEN action IN ('signin', 'signin_failed') THEN NULL
                            WHEN s.fanout > 0 THEN s.prefix || ((h3 >> 8) % s.fanout) || s.suffix
                            ELSE s.prefix END AS resource,
                       (h3 >> 8) % 5000 AS n
                FROM t JOIN b_slot s ON s.a = t.a AND s.k = t.k)
            SELECT x.source, md5(x.i::VARCHAR), x.happened_at,
                   CAST(timezone('Europe/Oslo', x.happened_at) AS DATE),
                   hour(timezone('Europe/Oslo', x.happened_at)),
                   x.actor, x.service, x.action, o.operation, x.resource,
                   CASE WHEN login THEN NULL
                        WHEN x.source = 'm365' THEN 'Dokument ' || (x.n % {FILES_PER_SITE}) || '.xlsx'
                        WHEN x.source = 'cloudtrail' THEN 'eksport/fil-' || x.n || '.csv'
                        ELSE 'Dokument ' || x.n END,
                   '192.0.2.' || (1 + x.a % 250), 1,
                   x.source || '/bench-' || (x.i // 1000) || '.log', ?::TIMESTAMPTZ
            FROM x JOIN b_ops o ON o.source = x.source AND o.action = x.action
            ORDER BY x.happened_at
        """, [now])
        tx.execute("""
            INSERT INTO access_events
            SELECT source, event_id, happened_at, CAST(timezone('Europe/Oslo', happened_at) AS DATE),
                   hour(timezone('Europe/Oslo', happened_at)), actor, service, action, operation, resource,
                   object, source_ip, records, file, ?::TIMESTAMPTZ
            FROM b_planted_df""", [now])
        tx.execute("INSERT OR IGNORE INTO access_resources "
                   "SELECT DISTINCT resource, NULL FROM access_events WHERE resource IS NOT NULL")
        access_logs.map_resources(tx)
        for name in ("b_actor", "b_slot", "b_ops"):
            tx.execute(f"DROP TABLE {name}")
    store._con.execute("CHECKPOINT")
    facts = store.rows("""
        SELECT count(*) AS events, count(DISTINCT actor) AS actors, min(oslo_day) AS first_day,
               max(oslo_day) AS last_day,
               count(*) FILTER (WHERE r.system IS NOT NULL) AS on_systems,
               count(*) FILTER (WHERE e.resource IS NOT NULL AND r.system IS NULL) AS unmapped,
               count(*) FILTER (WHERE e.action IN ('signin', 'signin_failed')) AS signins
        FROM access_events e LEFT JOIN access_resources r USING (resource)""")[0]
    facts.update(resources=store.value("SELECT count(*) FROM access_resources"),
                 mapped=store.value("SELECT count(*) FROM access_resources WHERE system IS NOT NULL"),
                 people=store.value("SELECT count(*) FROM people"),
                 departed=store.value("SELECT count(*) FROM people WHERE left_on IS NOT NULL"),
                 grants=store.value("SELECT count(*) FROM grants"),
                 systems=store.value("SELECT count(*) FROM systems"))
    store.close()
    facts = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in facts.items()}
    facts.update(seconds=time.perf_counter() - started, rss_mb=_common.peak_mb(), db_mb=db_path.stat().st_size / 2**20)
    return facts


AGGREGATE = ("SELECT count(*) AS groups, sum(n) AS events FROM "
             "(SELECT actor, oslo_day, count(*) AS n FROM access_events GROUP BY ALL)")
RULE_ORDER = ("access_unknown_actor", "access_after_offboarding", "access_without_grant", "access_bulk_export",
              "access_failed_signins", "access_out_of_hours")


def _profile_summary(path: Path, top: int = 6) -> dict:
    """Total time, peak buffer memory and the costliest operators of DuckDB's JSON profile
    (operator times are summed over threads)."""
    data = json.loads(path.read_text())
    ops = []

    def walk(node):
        name = node.get("name") or node.get("operator_name") or node.get("operator_type") or "?"
        seconds = node.get("timing", node.get("operator_timing", 0)) or 0
        rows = node.get("intermediate_rows", node.get("operator_cardinality"))
        extra = node.get("extra_info") or {}
        detail = ""
        if isinstance(extra, dict):
            for key in ("Function", "Table", "Join Type", "Conditions", "Groups", "Aggregates", "Filters"):
                if key in extra:
                    value = extra[key]
                    value = "; ".join(value) if isinstance(value, list) else str(value)
                    detail += f"{key}: {' '.join(value.split())[:90]}  "
        ops.append({"op": name.strip(), "seconds": seconds, "rows": rows, "detail": detail.strip()})
        for child in node.get("children", []):
            walk(child)

    for root in data.get("operator") or data.get("children") or []:
        walk(root)
    query = data.get("query") or {}
    system = data.get("system") or {}
    return {"total": query.get("total_time", data.get("latency")), "cpu": query.get("cpu_time"),
            "peak_buffer_mb": (system.get("peak_buffer_memory") or 0) / 2**20,
            "spilled_mb": (system.get("total_bytes_spilled") or 0) / 2**20,
            "top": sorted(ops, key=lambda o: -o["seconds"])[:top]}


def phase_evaluate(root: str, db: str, profile: bool, memory_limit: str | None) -> dict:
    from audits.checking import runner
    from checks.access_logs import AccessLogsCheck
    store, config = _open(Path(db))
    if memory_limit:
        store._con.execute(f"SET memory_limit = '{memory_limit}'")
    ctx = runner.context(store, config, AccessLogsCheck, "benchmark")
    out = {"events": store.value("SELECT count(*) FROM access_events"), "rss_start_mb": _common.peak_mb(),
           "load_before": _common.load_average()}
    runs = []
    for _ in range(2):
        started, cpu = time.perf_counter(), time.process_time()
        groups, events = store.rows(AGGREGATE)[0].values()
        runs.append((time.perf_counter() - started, time.process_time() - cpu))
    out.update(aggregate_seconds=runs[-1][0], aggregate_cpu=runs[-1][1], aggregate_first_seconds=runs[0][0],
               groups=groups)
    out["rss_after_aggregate_mb"] = _common.peak_mb()
    runs = []
    for _ in range(2):
        started, cpu = time.perf_counter(), time.process_time()
        found = list(AccessLogsCheck().evaluate(ctx))
        runs.append((time.perf_counter() - started, time.process_time() - cpu))
    out.update(evaluate_seconds=runs[-1][0], evaluate_cpu=runs[-1][1], evaluate_first_seconds=runs[0][0])
    by_rule: dict[str, int] = {}
    for finding in found:
        by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
    out["findings"] = {rule: by_rule.get(rule, 0) for rule in RULE_ORDER}
    out["rss_mb"] = _common.peak_mb()

    # Where the time goes: each rule's query timed on its own (third run), then profiled.
    captured = []
    original = store.rows

    def timed_rows(sql, params=()):
        started = time.perf_counter()
        rows = original(sql, params)
        captured.append({"sql": sql, "params": params if isinstance(params, dict) else list(params), "seconds": time.perf_counter() - started,
                         "rows": len(rows)})
        return rows

    store.rows = timed_rows
    started = time.perf_counter()
    third = list(AccessLogsCheck().evaluate(ctx))
    out["evaluate_third_seconds"] = time.perf_counter() - started
    store.rows = original
    # The check's queries in the order it runs them.
    names = ("unknown account, after leaving", "without grant", "bulk export", "failed sign-ins", "out of hours")
    queries = [{"rule": names[i] if i < len(names) else f"query {i + 1}", "seconds": q["seconds"], "rows": q["rows"]}
               for i, q in enumerate(captured)]
    out["python_seconds"] = out["evaluate_third_seconds"] - sum(q["seconds"] for q in captured)
    assert len(third) == len(found)
    if profile:
        folder = Path(root) / "profiles"
        folder.mkdir(exist_ok=True)
        for query, q in zip(queries, captured, strict=True):
            cursor = store._con.cursor()
            target = folder / f"{query['rule'].replace(' ', '_')}.json"
            cursor.execute("SET enable_profiling = 'json'")
            cursor.execute(f"SET profiling_output = '{target}'")
            cursor.execute(q["sql"], q["params"]).fetchall()
            query["profile"] = _profile_summary(target)
            cursor.execute("RESET profiling_output")
            cursor.execute("SET enable_profiling = 'query_tree'")
            cursor.execute(f"SET profiling_output = '{folder / (query['rule'].replace(' ', '_') + '.txt')}'")
            cursor.execute(q["sql"], q["params"]).fetchall()  # the EXPLAIN ANALYZE tree, as text
            cursor.close()
        cursor = store._con.cursor()
        cursor.execute("SET enable_profiling = 'json'")
        cursor.execute(f"SET profiling_output = '{folder / 'aggregate.json'}'")
        cursor.execute(AGGREGATE).fetchall()
        out["aggregate_profile"] = _profile_summary(folder / "aggregate.json")
        cursor.close()
        out["profiles"] = str(folder)
    out["queries"] = queries
    out["rss_with_profiling_mb"] = _common.peak_mb()
    out["load_after"] = _common.load_average()
    out["settings"] = store.rows("SELECT current_setting('threads') AS threads, "
                                 "current_setting('memory_limit') AS memory_limit")[0]
    store.close()
    return out


# -- orchestration ------------------------------------------------------------------
def _manifest_ok(path: Path, want: dict) -> bool:
    try:
        return json.loads(path.read_text()) == want
    except (OSError, ValueError):
        return False


def _rate(events: int, seconds: float) -> str:
    return f"{events / seconds:,.0f}" if seconds else "-"


def _print_profile(p: dict, indent: str = "      ") -> None:
    print(f"{indent}profiled: {p['total']:.2f} s wall, {p['cpu'] or 0:.2f} s cpu, "
          f"peak buffer {p['peak_buffer_mb']:.0f} MB, spilled {p['spilled_mb']:.0f} MB")
    for op in p["top"]:
        rows = f"{op['rows']:,}" if isinstance(op["rows"], int) else "?"
        print(f"{indent}  {op['seconds']:7.2f} s  {op['op']:<24} rows {rows:>12}  {op['detail'][:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the generated files")
    parser.add_argument("--stored", type=int, default=10_000_000, help="events in the stored database")
    parser.add_argument("--workdir", type=Path, help="keep files and databases here (reused when they match)")
    parser.add_argument("--raw-runs", type=int, default=3, help="runs of each raw read; the fastest counts")
    parser.add_argument("--import-runs", type=int, default=2,
                        help="imports, each into a fresh database; the fastest counts per format")
    parser.add_argument("--memory-limit", help="SET memory_limit on Vern's store for the import and the "
                        "evaluation (e.g. 1.6GB: DuckDB's default on a 2 GB machine); default: DuckDB's own")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="skip the DuckDB profiler passes (operator breakdowns)")
    args = parser.parse_args()

    _common.isolate()
    with _common.workdir(args.workdir, "vern-bench-") as work:
        _common.heading("Vern access-log benchmark", work, args.workdir is None, f"Vern: {_git_state()}",
                        f"events in files: {args.events:,}; stored events: {args.stored:,}; "
                        f"memory_limit: {args.memory_limit or 'DuckDB default'}")
        _measure(args, work)


def _measure(args, work: Path) -> None:
    """Steps 1 to 5 and the summary, in `work`."""
    logs = work / "logs"
    # 1. Files (not timed; reused from --workdir when they match)
    want = {"layout": LAYOUT, "events": args.events, "seed": SEED}
    if _manifest_ok(logs / "manifest.json", want):
        generated = json.loads((logs / "generated.json").read_text())
        print("1. Generated files: reused from the workdir")
    else:
        print("1. Generating files (not timed) ...", flush=True)
        started = time.perf_counter()
        shutil.rmtree(logs, ignore_errors=True)
        logs.mkdir(parents=True)
        write_directory(logs / "directory", population())
        counts = {fmt: round(args.events * SHARE[fmt]) for fmt in FORMATS}
        counts["gworkspace"] = args.events - counts["cloudtrail"] - counts["m365"]
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=3, mp_context=context) as pool:
            generated = [f.result() for f in
                         [pool.submit(generate_format, fmt, counts[fmt], str(logs)) for fmt in FORMATS]]
        (logs / "generated.json").write_text(json.dumps(generated))
        (logs / "manifest.json").write_text(json.dumps(want))
        print(f"   done in {time.perf_counter() - started:.0f} s")
    for g in generated:
        print(f"   {g['format']:<11} {g['events']:>10,} events  {g['files']:>5} files  "
              f"{g['bytes'] / 2**20:8.1f} MB on disk")
    print()

    # 2. DuckDB's own read
    print(f"2. Raw read with DuckDB (read_json / read_csv), fastest of {args.raw_runs} runs per form ...",
          flush=True)
    raw = _common.in_child(phase_raw, str(logs), args.raw_runs)
    for fmt in FORMATS:
        r = raw[fmt]
        for variant, v in r["variants"].items():
            mark = "  <- baseline" if variant == r["variant"] else ""
            print(f"   {fmt:<11} {variant:<9} {v['events']:>10,} events  {v['seconds']:7.2f} s "
                  f"(cpu {v['cpu']:5.2f} s)  {_rate(v['events'], v['seconds']):>9} events/s{mark}")
    print(f"   peak memory of the raw-read process: {raw['rss_mb']:,.0f} MB; "
          f"load average before/after {raw['load_before']} / {raw['load_after']}")
    print()

    # 3. Import
    print(f"3. Import with audits.access.logs.import_files, {args.import_runs} run(s) into fresh databases "
          "(fastest counts) ...", flush=True)
    imp = _common.in_child(phase_import, str(logs), str(work / "import.duckdb"), args.import_runs, args.profile,
                    args.memory_limit)
    for error in imp["errors"]:
        print(f"   REFUSED {error}")
    for fmt in FORMATS:
        r = imp["formats"].get(fmt, {})
        if "seconds" not in r:
            print(f"   {fmt:<11} no successful run")
            continue
        runs = ", ".join(f"{x['seconds']:.2f}" for x in r["runs"])
        print(f"   {fmt:<11} {r['events']:>10,} read  {r['added']:>10,} added  {r['seconds']:7.2f} s "
              f"(cpu {r['cpu']:5.2f} s; runs {runs})  {_rate(r['events'], r['seconds'])} events/s")
        steps: dict[str, float] = {}
        for step in r["steps"]:
            steps[step["step"]] = steps.get(step["step"], 0) + step["seconds"]
        steps["(python between statements)"] = r["seconds"] - sum(steps.values())
        for name, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
            if seconds >= 0.005:
                print(f"      {seconds:7.2f} s  {name}")
        for step in r.get("profiled_steps", []):
            if "profile" in step and step["seconds"] > 0.2:
                print(f"      [{step['step']}, profiled run {step['seconds']:.2f} s]")
                _print_profile(step["profile"], "        ")
    if "stored" in imp:
        print(f"   stored {imp['stored']:,} events, {imp['resources']:,} resources ({imp['mapped']:,} mapped), "
              f"database {imp['db_mb']:.0f} MB; DuckDB threads {imp['settings']['threads']}, "
              f"memory_limit {imp['settings']['memory_limit']}")
    print(f"   peak memory of the import process: {imp.get('rss_mb', imp['rss_all_runs_mb']):,.0f} MB after the "
          f"first run ({imp['rss_all_runs_mb']:,.0f} MB after all; {imp['rss_start_mb']:,.0f} MB at start); "
          f"load average before/after {imp['load_before']} / {imp['load_after']}")
    print()

    # 4. Stored database (not timed)
    stored_db = work / "stored.duckdb"
    want_db = {"layout": LAYOUT, "stored": args.stored, "seed": SEED}
    if _manifest_ok(work / "stored.json", want_db) and stored_db.exists():
        build = json.loads((work / "stored.facts.json").read_text())
        print("4. Stored database: reused from the workdir")
    else:
        print(f"4. Building a database of {args.stored:,} stored events with SQL (not timed) ...", flush=True)
        (work / "stored.json").unlink(missing_ok=True)
        build = _common.in_child(phase_build, str(logs), str(stored_db), args.stored)
        (work / "stored.facts.json").write_text(json.dumps(build))
        (work / "stored.json").write_text(json.dumps(want_db))
        print(f"   built in {build['seconds']:.0f} s (peak {build['rss_mb']:,.0f} MB)")
    print(f"   {build['events']:,} events by {build['actors']:,} actors, {build['first_day']} to "
          f"{build['last_day']}; {build['on_systems']:,} on mapped systems, {build['unmapped']:,} on "
          f"unmapped resources, {build['signins']:,} sign-ins")
    print(f"   {build['people']:,} people ({build['departed']} departed), {build['systems']} systems, "
          f"{build['grants']:,} grants, {build['resources']:,} resources ({build['mapped']:,} mapped); "
          f"database {build['db_mb']:.0f} MB")
    print()

    # 5. Rules
    print("5. Rule evaluation (AccessLogsCheck.evaluate), second of two runs ...", flush=True)
    ev = _common.in_child(phase_evaluate, str(logs), str(stored_db), args.profile, args.memory_limit)
    print(f"   full-scan aggregate: {ev['aggregate_seconds']:.2f} s (cpu {ev['aggregate_cpu']:.2f} s; "
          f"{ev['aggregate_first_seconds']:.2f} s first), {ev['groups']:,} (actor, day) groups")
    print(f"   evaluate:            {ev['evaluate_seconds']:.2f} s (cpu {ev['evaluate_cpu']:.2f} s; "
          f"{ev['evaluate_first_seconds']:.2f} s first)")
    print("   findings: " + ", ".join(f"{k} {v:,}" for k, v in ev["findings"].items()))
    print(f"   per rule (third run, {ev['evaluate_third_seconds']:.2f} s; "
          f"{ev['python_seconds']:.2f} s outside the queries):")
    for q in ev["queries"]:
        print(f"    {q['seconds']:7.2f} s  {q['rule']:<26} {q['rows']:>8,} rows")
        if "profile" in q:
            _print_profile(q["profile"])
    if "aggregate_profile" in ev:
        print("    full-scan aggregate:")
        _print_profile(ev["aggregate_profile"])
        print(f"   profiles (JSON, and the EXPLAIN ANALYZE trees as .txt): {ev['profiles']}")
    print(f"   peak memory of the evaluation process: {ev['rss_mb']:,.0f} MB "
          f"(after the aggregate {ev['rss_after_aggregate_mb']:,.0f} MB, at start {ev['rss_start_mb']:,.0f} MB; "
          f"with profiling passes {ev['rss_with_profiling_mb']:,.0f} MB); "
          f"load average before/after {ev['load_before']} / {ev['load_after']}")
    print()

    # Summary
    _summary(args, raw, imp, ev, build)


def _summary(args, raw: dict, imp: dict, ev: dict, build: dict) -> None:
    import duckdb
    print("=" * 110)
    print(f"Summary — {os.cpu_count()} CPUs, DuckDB {duckdb.__version__}, {args.events:,} events in files, "
          f"{ev['events']:,} stored; memory_limit {args.memory_limit or 'DuckDB default'}")
    print(f"{'format':<12}{'events':>11}{'import s':>10}{'import ev/s':>13}{'raw s':>8}{'raw ev/s':>12}"
          f"{'  raw form':<11}{'import/raw':>11}{'  (cpu s: import / raw)':>24}")
    ok = all("seconds" in imp["formats"].get(f, {}) for f in FORMATS)
    total = {"events": 0, "import": 0.0, "raw": 0.0, "import_cpu": 0.0, "raw_cpu": 0.0}
    for fmt in FORMATS:
        i, r = imp["formats"].get(fmt, {}), raw[fmt]
        if "seconds" not in i:
            print(f"{fmt:<12}{'refused':>11}")
            continue
        print(f"{fmt:<12}{i['events']:>11,}{i['seconds']:>10.2f}{i['events'] / i['seconds']:>13,.0f}"
              f"{r['seconds']:>8.2f}{r['events'] / r['seconds']:>12,.0f}  {r['variant']:<9}"
              f"{r['seconds'] / i['seconds']:>11.2f}{i['cpu']:>13.2f} / {r['cpu']:.2f}")
        total["events"] += i["events"]
        total["import"] += i["seconds"]
        total["raw"] += r["seconds"]
        total["import_cpu"] += i["cpu"]
        total["raw_cpu"] += r["cpu"]
    rows = []
    if ok:
        import_rate, raw_rate = total["events"] / total["import"], total["events"] / total["raw"]
        ratio = import_rate / raw_rate
        print(f"{'total':<12}{total['events']:>11,}{total['import']:>10.2f}{import_rate:>13,.0f}{total['raw']:>8.2f}"
              f"{raw_rate:>12,.0f}  {'':<9}{ratio:>11.2f}{total['import_cpu']:>13.2f} / {total['raw_cpu']:.2f}")
        rows.append(("import throughput / raw read", "≥ 0.33",
                     f"{ratio:.2f} ({import_rate:,.0f} vs {raw_rate:,.0f} ev/s)", ratio >= 1 / 3))
    else:
        rows.append(("import throughput / raw read", "≥ 0.33", "import refused: " + "; ".join(imp["errors"])[:60],
                     False))
    print()
    eval_ratio = ev["evaluate_seconds"] / ev["aggregate_seconds"]
    rows.append((f"evaluate / full-scan aggregate ({ev['events'] / 1e6:g}M)", "≤ 5.0",
                 f"{eval_ratio:.2f} ({ev['evaluate_seconds']:.2f} s vs {ev['aggregate_seconds']:.2f} s)",
                 eval_ratio <= 5))
    import_rss = imp.get("rss_mb", imp["rss_all_runs_mb"])
    peak = max(import_rss, ev["rss_mb"])
    rows.append(("peak memory (import, evaluate)", "< 2048 MB",
                 f"{peak:,.0f} MB (import {import_rss:,.0f}, evaluate {ev['rss_mb']:,.0f})", peak < 2048))
    print(f"{'target':<44}{'wanted':<12}{'measured':<50}result")
    for name, wanted, measured, passed in rows:
        measured = measured if len(measured) < 49 else measured[:46] + "..."
        print(f"{name:<44}{wanted:<12}{measured:<50}{'PASS' if passed else 'MISS'}")
    buffers = [s["profile"]["peak_buffer_mb"] for f in FORMATS
               for s in imp["formats"].get(f, {}).get("profiled_steps", []) if "profile" in s]
    if buffers:
        print(f"(DuckDB's own peak buffer memory in the profiled import: {max(buffers):,.0f} MB — what counts "
              "against memory_limit, not all of it resident)")
    print(f"(for reference: raw-read process {raw['rss_mb']:,.0f} MB, fixture build {build['rss_mb']:,.0f} MB; "
          f"load average at the end {_common.load_average()})")


if __name__ == "__main__":
    main()
