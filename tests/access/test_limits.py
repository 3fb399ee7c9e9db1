"""Imports have limits: a register far larger than any real one, and an access-log import
that could exhaust the server (zip bombs, thousands of columns, endless fields), are refused
with the file and the limit named."""

import gzip
import json
from pathlib import Path

import pytest
import vern_process

from audits.access import limits as access_input
from audits.access import logs as access_logs
from audits.checking import runner
from audits.core.errors import InputError, VernError
from audits.io import csvfile
from audits.processors.register import import_register, register
from checks import access_logs as checks_access_logs
from checks.access_logs import AccessLogsCheck
from conftest import VERN, stored_objects

HEADER = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on\n"


def test_a_file_over_the_limit_is_refused_and_nothing_imported(vern, tmp_path, monkeypatch):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + "Acme AS,CRM,NO,none,,,,\n")
    monkeypatch.setattr(csvfile, "MAX_BYTES", path.stat().st_size - 1)
    with pytest.raises(InputError) as refused:
        import_register(vern.store, path, "test")
    assert refused.value.shown("en") == ["larger than 0 MB: not a register"]
    assert register(vern.store) == []


def test_a_file_at_the_limit_is_read(vern, tmp_path, monkeypatch):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + "Acme AS,CRM,NO,none,,,,\n")
    monkeypatch.setattr(csvfile, "MAX_BYTES", path.stat().st_size)
    assert import_register(vern.store, path, "test") == 1


# -- access logs: what one import may cost --------------------------------------------------
# Each limit is lowered where a real-sized case would take long to build; the ones that are
# cheap to reach are tested at their real values.
MB = 1024 * 1024
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TRAIL_25 = next(FIXTURES.rglob("*_CloudTrail_eu-north-1_20261025T0035Z_*.json"))
TRAIL_26 = next(FIXTURES.rglob("*_CloudTrail_eu-north-1_20261026T0710Z_*.json"))
CSV_HEADER = "timestamp,actor,system,action,object,source_ip,records\n"
CSV_ROW = "2026-11-02T09:00:00+01:00,kari@example.org,CRM,read,{object},192.0.2.60,1\n"


def padded_trail(size: int) -> bytes:
    """TRAIL_25 with blanks after its records: a valid CloudTrail file of `size` bytes."""
    text = TRAIL_25.read_bytes().rstrip()
    assert text.endswith(b"}")
    return text[:-1] + b" " * (size - len(text)) + b"}"


def bomb(path: Path, megabytes: int, tail: bytes = b"") -> Path:
    """A gzip file of CloudTrail's envelope around `megabytes` MB of blanks, written as
    concatenated gzip members (a few kB on disk), then `tail` (raw bytes)."""
    blank = gzip.compress(b" " * MB)
    with path.open("wb") as out:
        out.write(gzip.compress(b'{"Records": ['))
        for _ in range(megabytes):
            out.write(blank)
        out.write(gzip.compress(b"]}") + tail)
    return path


def events(store) -> int:
    return store.value("SELECT count(*) FROM access_events")


def refused(store, paths: list[Path], fmt: str = "cloudtrail") -> InputError:
    with pytest.raises(InputError) as error:
        access_logs.import_files(store, paths, fmt, "test")
    assert events(store) == 0
    assert store.value("SELECT count(*) FROM trail WHERE action = 'access_logs.import'") == 0
    return error.value


def test_a_gzip_file_past_the_limit_is_refused_where_the_count_passes_it(vern, tmp_path, monkeypatch):
    """Garbage after 3 MB of good gzip: a reader that went on to the end would find it; the
    count stops at the 1 MB limit first."""
    monkeypatch.setattr(access_input, "MAX_FILE_BYTES", 1 * MB)
    path = bomb(tmp_path / "bomb.json.gz", 3, tail=b"not gzip at all")
    error = refused(vern.store, [path])
    assert (error.source, error.shown("en")) == (str(path), ["larger than 1 MB uncompressed: split it"])


def test_the_same_file_within_the_limit_is_read_to_its_damaged_end(vern, tmp_path, monkeypatch):
    monkeypatch.setattr(access_input, "MAX_FILE_BYTES", 4 * MB)
    path = bomb(tmp_path / "bomb.json.gz", 3, tail=b"not gzip at all")
    error = refused(vern.store, [path])
    assert error.shown("en") == ["not a complete gzip file: damaged or cut short"]


def test_a_file_exactly_at_the_limit_is_imported(vern, tmp_path, monkeypatch):
    path = tmp_path / "trail.json.gz"
    path.write_bytes(gzip.compress(padded_trail(200_000)))
    monkeypatch.setattr(access_input, "MAX_FILE_BYTES", 200_000)
    assert access_logs.import_files(vern.store, [path], "cloudtrail", "test").events == 5


def test_a_plain_file_past_the_limit_is_refused(vern, tmp_path, monkeypatch):
    path = tmp_path / "trail.json"
    path.write_bytes(padded_trail(200_001))
    monkeypatch.setattr(access_input, "MAX_FILE_BYTES", 200_000)
    assert refused(vern.store, [path]).shown("en") == ["larger than 200,000 bytes uncompressed: split it"]


def test_files_past_the_limit_of_one_import_are_refused_naming_the_one_that_passes_it(
        vern, tmp_path, monkeypatch):
    monkeypatch.setattr(access_input, "MAX_IMPORT_BYTES", 1 * MB)
    paths = []
    for n in range(3):  # 0.4 MB each: the third passes 1 MB
        paths.append(tmp_path / f"trail-{n}.json.gz")
        paths[-1].write_bytes(gzip.compress(padded_trail(400_000)))
    error = refused(vern.store, paths)
    assert error.source == str(paths[2])
    assert error.shown("en") == ["the files up to this one come to more than 1 MB uncompressed: "
                              "import fewer files at a time"]
    assert access_logs.import_files(vern.store, paths[:2], "cloudtrail", "test").files == 2


def test_more_files_than_the_limit_in_one_import_are_refused(vern, tmp_path, monkeypatch):
    monkeypatch.setattr(access_input, "MAX_FILES", 2)
    for n in range(3):
        (tmp_path / "tree" / str(n)).mkdir(parents=True)
        (tmp_path / "tree" / str(n) / "trail.json").write_bytes(TRAIL_25.read_bytes())
    with pytest.raises(VernError) as error:
        access_logs.import_files(vern.store, [tmp_path / "tree"], "cloudtrail", "test")
    assert str(error.value) == "more than 2 files in one import: import fewer at a time"
    assert events(vern.store) == 0


def test_more_events_than_the_limit_in_one_import_are_refused(vern, monkeypatch):
    monkeypatch.setattr(access_input, "MAX_EVENTS", 8)  # the two files hold 5 + 4
    with pytest.raises(VernError) as error:
        access_logs.import_files(vern.store, [TRAIL_25, TRAIL_26], "cloudtrail", "test")
    assert str(error.value) == "more than 8 events in one import: import fewer files at a time"
    assert events(vern.store) == 0
    monkeypatch.setattr(access_input, "MAX_EVENTS", 9)
    assert access_logs.import_files(vern.store, [TRAIL_25, TRAIL_26], "cloudtrail", "test").events == 9


def test_a_csv_with_100000_columns_is_refused_at_its_header(vern, tmp_path):
    path = tmp_path / "wide.csv"
    names = ["timestamp", "actor", "system", "action"] + [f"c{i}" for i in range(100_000)]
    path.write_text(",".join(names) + "\n" + ",".join(["x"] * len(names)) + "\n")
    error = refused(vern.store, [path], "csv")
    assert error.shown("en") == ["line 1: 100,004 columns, more than 100: not an access log"]


def test_a_csv_with_100_columns_is_read(vern, tmp_path):
    path = tmp_path / "wide.csv"
    names = ["timestamp", "actor", "system", "action"] + [f"c{i}" for i in range(96)]
    row = ["2026-11-02T09:00:00+01:00", "kari@example.org", "CRM", "read"] + ["x"] * 96
    path.write_text(",".join(names) + "\n" + ",".join(row) + "\n")
    assert access_logs.import_files(vern.store, [path], "csv", "test").events == 1


def test_a_value_of_4097_characters_is_refused_naming_line_and_field(vern, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(CSV_HEADER + CSV_ROW.format(object="a") + CSV_ROW.format(object="y" * 4097))
    error = refused(vern.store, [path], "csv")
    assert error.shown("en") == ["line 3, field object: longer than 4,096 characters"]


def test_a_value_of_4096_characters_is_kept(vern, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(CSV_HEADER + CSV_ROW.format(object="y" * 4096))
    access_logs.import_files(vern.store, [path], "csv", "test")
    assert stored_objects(vern.store) == ["y" * 4096]


def test_a_cloudtrail_value_past_the_limit_is_refused_naming_record_and_field(vern, tmp_path):
    data = json.loads(TRAIL_25.read_text())
    data["Records"][1]["requestParameters"] = {"bucketName": "members-crm", "key": "k" * 5000}
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data))
    error = refused(vern.store, [path])
    assert error.shown("en") == ["record 2: field requestParameters.key: longer than 4,096 characters"]


def test_a_csv_record_past_1_mb_is_refused_naming_its_line(vern, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(CSV_HEADER + CSV_ROW.format(object="a") + CSV_ROW.format(object="y" * (MB + 10)))
    error = refused(vern.store, [path], "csv")
    assert error.shown("en") == ["line 3: a record longer than 1 MB"]


def test_a_json_object_past_16_mb_is_refused(vern, tmp_path):
    path = bomb(tmp_path / "object.json.gz", 17)
    error = refused(vern.store, [path])
    assert error.shown("en") == ["a JSON object larger than 16 MB uncompressed: not an AWS CloudTrail log file"]


def test_a_file_past_a_limit_in_the_inbox_goes_to_failed_and_the_others_land(vern, monkeypatch):
    monkeypatch.setattr(access_input, "MAX_FILE_BYTES", 1 * MB)
    folder = vern.config.inbox / "access-logs" / "cloudtrail"
    folder.mkdir(parents=True)
    bomb(folder / "bomb.json.gz", 2)
    (folder / "trail.json.gz").write_bytes(gzip.compress(TRAIL_25.read_bytes()))
    result = runner.run(vern.store, vern.config, AccessLogsCheck, "schedule")
    assert result.status == "failed"
    assert events(vern.store) == 5
    assert sorted(p.name for p in (folder / "imported").iterdir()) == ["20261124T110000Z-trail.json.gz"]
    assert sorted(p.name for p in (folder / "failed").iterdir()) == ["20261124T110000Z-bomb.json.gz"]
    assert result.error == ("VernError: access logs refused, moved to failed/: "
                            "cloudtrail/bomb.json.gz: larger than 1 MB uncompressed: split it")


def test_cli_refuses_a_zip_bomb_with_exit_1_and_imports_nothing(db, tmp_path):
    """At the real limit: 513 MB of blanks in 513 kB."""
    path = bomb(tmp_path / "bomb.json.gz", 513)
    result = vern_process.run([VERN, "--db", str(db), "--lang", "en", "import", "access-logs", str(path), "--format", "cloudtrail"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == f"vern: {path}: nothing was imported.\n  larger than 512 MB uncompressed: split it\n"
    from audits.runtime import open_vern
    opened = open_vern(str(db))
    try:
        assert events(opened.store) == 0
    finally:
        opened.close()


def test_the_inbox_imports_many_files_in_batches_within_the_file_limit(vern, monkeypatch):
    """Five files with room for two an import: batches of two, two and one, not one by one."""
    monkeypatch.setattr(access_input, "MAX_FILES", 2)
    monkeypatch.setattr(checks_access_logs, "INBOX_BATCH", 2)
    folder = vern.config.inbox / "access-logs" / "csv"
    folder.mkdir(parents=True)
    for n in range(5):
        (folder / f"events-{n}.csv").write_text(CSV_HEADER + CSV_ROW.format(object=f"member {n}"))
    assert runner.run(vern.store, vern.config, AccessLogsCheck, "schedule").status == "succeeded"
    assert events(vern.store) == 5
    imports = vern.store.rows("SELECT details FROM trail WHERE action = 'access_logs.import' ORDER BY seq")
    assert [json.loads(r["details"])["files"] for r in imports] == [2, 2, 1]
