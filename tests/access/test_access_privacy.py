"""No personal data where the admin or the logs can see it (issue 15, item 5): one planted
value goes into every field of every access-log format, as it is, with a NUL and far too
long, so that each field both passes and fails. Whatever the import says, the check's run,
the log at DEBUG and the pages the admin sees, the value appears in none of them."""

import copy
import csv
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import vern_process

from audits.access import logs as access_logs
from audits.checking import runner
from audits.core.errors import VernError
from checks.access_logs import AccessLogsCheck
from conftest import VERN, as_read

PLANTED = "Kari Nordmann 01017012345 kari@example.no"
# What would betray it, in any case: the name, the national identity number, the address.
TRACES = ("nordmann", "01017012345", "kari@example.no")
VARIANTS = {"plain": PLANTED, "nul": PLANTED + "\x00", "long": (PLANTED + " ") * 120}

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TRAIL_25 = next(FIXTURES.rglob("*_CloudTrail_eu-north-1_20261025T0035Z_*.json"))
TRAIL_26 = next(FIXTURES.rglob("*_CloudTrail_eu-north-1_20261026T0710Z_*.json"))
GWS = FIXTURES / "gworkspace" / "drive-activities.json"
M365 = {"new": FIXTURES / "m365" / "purview-new.csv", "old": FIXTURES / "m365" / "purview-old.csv"}
CSV = FIXTURES / "csv" / "crm-events.csv"
# Fields a CloudTrail record may carry that the fixtures' first records leave out.
CLOUDTRAIL_EXTRA = {"errorCode": "AccessDenied", "errorMessage": "Access Denied",
                    "userIdentity": {"invokedBy": "s3.amazonaws.com", "userName": "ola"}}


def leaves(value, path=()) -> Iterator[tuple]:
    """The path of every string in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from leaves(item, (*path, n))
    elif isinstance(value, str):
        yield path


def planted(value, path: tuple, text: str):
    changed = copy.deepcopy(value)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = text
    return changed


def cloudtrail_files(folder: Path, text: str, tag: str) -> None:
    for fixture in (TRAIL_25, TRAIL_26):
        data = json.loads(fixture.read_text())
        first = data["Records"][0]
        first.update({k: v for k, v in CLOUDTRAIL_EXTRA.items() if k != "userIdentity"})
        first["userIdentity"].update(CLOUDTRAIL_EXTRA["userIdentity"])
        for n, path in enumerate(leaves(first, ("Records", 0))):
            out = folder / f"{fixture.stem[-16:]}-{tag}-{n}.json"
            out.write_text(json.dumps(planted(data, path, text)))


def gworkspace_files(folder: Path, text: str, tag: str) -> None:
    page = json.loads(GWS.read_text())
    page["items"] = page["items"][:1]
    for n, path in enumerate(leaves(page)):
        (folder / f"drive-{tag}-{n}.json").write_text(json.dumps(planted(page, path, text)))


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


def csv_files(folder: Path, fixture: Path, text: str, tag: str) -> None:
    """The fixture's first record with the value in each column in turn, and for M365 in
    each string of its AuditData too."""
    rows = list(csv.reader(io.StringIO(fixture.read_text(encoding="utf-8-sig"), newline="")))
    header, first = rows[0], rows[1]
    variants = [first[:i] + [text] + first[i + 1:] for i in range(len(first))]
    if "AuditData" in header:
        at = header.index("AuditData")
        audit = json.loads(first[at])
        variants += [first[:at] + [json.dumps(planted(audit, path, text))] + first[at + 1:]
                     for path in leaves(audit)]
    for n, variant in enumerate(variants):
        (folder / f"{fixture.stem}-{tag}-{n}.csv").write_text(csv_text([header, variant]), encoding="utf-8")


def drop_everything(inbox: Path) -> dict[str, Path]:
    folders = {fmt: inbox / "access-logs" / fmt for fmt in ("cloudtrail", "gworkspace", "m365", "csv")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    for tag, text in VARIANTS.items():
        cloudtrail_files(folders["cloudtrail"], text, tag)
        gworkspace_files(folders["gworkspace"], text, tag)
        for fixture in M365.values():
            csv_files(folders["m365"], fixture, text, tag)
        csv_files(folders["csv"], CSV, text, tag)
    # Files DuckDB itself refuses, with messages that quote the line: a CSV without its header
    # (the first record where the column names should be), a record with a field too many,
    # a quote that never closes, and JSON cut short.
    record = ["2026-11-02T09:00:00+01:00", PLANTED, "CRM", "read", PLANTED, "192.0.2.60", "1"]
    header = CSV.read_text(encoding="utf-8").splitlines()[0]
    (folders["csv"] / "no-header.csv").write_text(csv_text([record]))
    (folders["csv"] / "extra-field.csv").write_text(header + "\n" + csv_text([record + [PLANTED]]))
    (folders["csv"] / "open-quote.csv").write_text(header + "\n" + ",".join(record[:4]) + f',"{PLANTED},x,1\n')
    (folders["cloudtrail"] / "cut.json").write_text('{"Records": [{"eventID": "' + PLANTED)
    return folders


def betrayed(text: str) -> list[str]:
    lowered = text.lower()
    return [trace for trace in TRACES if trace in lowered]


def page_text(at) -> str:
    """Everything an AppTest page shows: text elements and the tables' cells."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "warning",
                 "info", "success", "exception", "metric", "json", "code", "expander"):
        for element in getattr(at, kind, []):
            parts.append(str(getattr(element, "value", "")) + " " + str(getattr(element, "label", "")))
    for frame in list(at.dataframe) + list(at.table):
        parts.append(frame.value.to_csv())
    return as_read("\n".join(parts))


@pytest.fixture
def dropped(vern) -> dict[str, Path]:
    folders = drop_everything(vern.config.inbox)
    assert sum(len(list(f.iterdir())) for f in folders.values()) > 200  # every field, three ways
    return folders


@pytest.mark.long
def test_no_import_message_log_line_or_admin_page_shows_a_planted_value(vern, dropped, dashboard, caplog,
                                                                         capfd):
    """The inbox imports each format's files together, then, refused, one by one: the run's
    error holds every refused file's message."""
    caplog.set_level(logging.DEBUG)
    result = runner.run(vern.store, vern.config, AccessLogsCheck, "schedule")
    assert result.status == "failed"
    failed = [p.name for folder in dropped.values() for p in (folder / "failed").iterdir()]
    assert len(failed) > 100  # the NUL and the length fail every field Vern reads, and more
    assert all(f"/{name[len('20261124T110000Z-'):]}: " in result.error for name in failed)
    assert betrayed(result.error) == []
    for fmt, folder in dropped.items():  # the whole message of each, not the line the run keeps
        for path in (folder / "failed").iterdir():
            with pytest.raises(VernError) as error:
                access_logs.import_files(vern.store, [path], fmt, "tester")
            assert betrayed(str(error.value)) == [], str(error.value)
    assert betrayed(runner.history(vern.store, "access_logs")[0]["error"]) == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "check access_logs run 1 failed" in logged  # the log was captured
    assert betrayed(logged) == []
    out, err = capfd.readouterr()
    assert betrayed(out + err) == []
    for page in ("overview", "checks", "trail"):
        at = dashboard(page, "en", roles=("admin",))
        assert not at.exception, at.exception
        shown = page_text(at)
        if page != "trail":
            assert "moved to failed/" in shown  # the refusal is there, for the admin to act on
        assert betrayed(shown) == [], page


def test_cli_refusals_quote_no_planted_value(db, tmp_path):
    folders = drop_everything(tmp_path / "inbox")
    for fmt, folder in folders.items():
        files = sorted(folder.iterdir())
        for tag in (*VARIANTS, None):
            paths = [str(p) for p in files if (f"-{tag}-" in p.name if tag else not any(
                f"-{t}-" in p.name for t in VARIANTS))]
            if not paths:
                continue
            result = vern_process.run([VERN, "--db", str(db), "import", "access-logs", *paths, "--format", fmt],
                                    capture_output=True, text=True, timeout=120)
            assert result.returncode == 1, (fmt, tag)
            assert "Traceback" not in result.stderr
            assert betrayed(result.stderr) == [], (fmt, tag, result.stderr)
