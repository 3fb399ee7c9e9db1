"""The `backups` check and the retention: no backup for too long, a scheduled one that
failed (with why), the last one's file gone, none verified for 30 days; the old ones
removed by the rule restic and borg use."""

from datetime import datetime, timedelta

import pytest

from audits.backups import archive, keeping, taking
from audits.core import clock
from checks.backups import BackupsCheck
from conftest import open_findings

NOW = clock.parse_instant("2026-11-24T12:00+01:00")  # conftest's frozen clock
PASSPHRASE = "korrekt hest batteri stift"


@pytest.fixture
def phrase(monkeypatch):
    monkeypatch.setenv("VERN_BACKUP_PASSPHRASE", PASSPHRASE)


def test_no_backup_ever_is_missing_and_unverified(vern):
    assert open_findings(vern, BackupsCheck, "backup_missing") == {
        "vern": "The last backup that succeeded: never. One is due at least every 36 hours."}
    assert open_findings(vern, BackupsCheck, "backup_unverified") == {
        "vern": "The last backup verified and found whole: never. It is due at least every 30 days."}
    assert open_findings(vern, BackupsCheck, "backup_failed") == {}


def test_a_scheduled_backup_that_failed_says_why_until_one_holds(vern, monkeypatch):
    monkeypatch.delenv("VERN_BACKUP_PASSPHRASE", raising=False)
    taking.scheduled(vern)
    assert open_findings(vern, BackupsCheck, "backup_failed") == {
        "vern": "The backup at 2026-11-24 12:00 failed: The environment variable VERN_BACKUP_PASSPHRASE holds "
                "no passphrase, so no backup can be encrypted. Set it where Vern runs (see [backup] passphrase_env)."}
    assert list(vern.config.backup["folder"].glob("*")) == []
    monkeypatch.setenv("VERN_BACKUP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + timedelta(minutes=1)))
    taking.scheduled(vern)  # a backup, and its first verification
    assert open_findings(vern, BackupsCheck, "backup_failed") == {}
    assert open_findings(vern, BackupsCheck, "backup_missing") == {}
    assert open_findings(vern, BackupsCheck, "backup_unverified") == {}
    assert [e["action"] for e in vern.store.rows("SELECT action FROM backup_events WHERE ok ORDER BY id")] == [
        "create", "verify"]


def test_a_backup_older_than_max_age_is_missing_and_an_old_verification_unverified(vern, phrase, monkeypatch):
    taking.scheduled(vern)
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + timedelta(hours=37)))
    assert open_findings(vern, BackupsCheck, "backup_missing") == {
        "vern": "The last backup that succeeded: 2026-11-24 12:00. One is due at least every 36 hours."}
    assert open_findings(vern, BackupsCheck, "backup_missing", "[checks.backups]\nmax_age_hours = 48\n") == {}
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + timedelta(days=31)))
    assert "2026-11-24 12:00" in open_findings(vern, BackupsCheck, "backup_unverified")["vern"]


def test_the_weekly_verification_runs_once_a_week(vern, phrase, monkeypatch):
    for day in range(9):
        monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + timedelta(days=day)))
        taking.scheduled(vern)
    verified = vern.store.rows("SELECT started_at FROM backup_events WHERE action = 'verify' ORDER BY id")
    assert [clock.local(r["started_at"]).day for r in verified] == [24, 1]


def test_the_last_backups_file_gone_from_the_folder_is_a_finding_until_a_new_one_is_taken(vern, phrase, monkeypatch):
    made = taking.take(vern.store, vern.config, "cli", "cli:tester")
    assert open_findings(vern, BackupsCheck, "backup_file_gone") == {}
    made.path.unlink()  # someone tidied the disk: clean in every other rule, and nothing to restore
    assert open_findings(vern, BackupsCheck, "backup_file_gone") == {
        "vern": "The backup taken 2026-11-24 12:00 is no longer in the backup folder."}
    assert vern.store.rows("SELECT message_nb FROM findings WHERE rule = 'backup_file_gone'") == [{
        "message_nb": "Sikkerhetskopien tatt 24. nov. 2026 kl. 12.00 finnes ikke lenger i mappen for sikkerhetskopier."}]
    assert open_findings(vern, BackupsCheck, "backup_missing") == {}
    assert open_findings(vern, BackupsCheck, "backup_file_gone", '[backup]\ns3_bucket = "vern-kopier"\n') == {
        "vern": "The backup taken 2026-11-24 12:00 is no longer in the backup folder (a copy should be in the S3 "
                "bucket vern-kopier)."}
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + timedelta(minutes=1)))
    taking.take(vern.store, vern.config, "button", "adviser")
    assert open_findings(vern, BackupsCheck, "backup_file_gone") == {}


def test_a_verification_that_fails_is_recorded_with_why(vern, phrase):
    made = taking.take(vern.store, vern.config, "cli", "cli:tester")
    made.path.write_bytes(made.path.read_bytes()[:-1])
    with pytest.raises(Exception, match="changed or cut short"):
        taking.verify(vern.store, vern.config, made.path, "cli", "cli:tester")
    row = taking.status(vern.store)["verify_attempt"]
    assert row["ok"] is False and row["problem"]["nb"].startswith("Sikkerhetskopien er endret")


def at(day: str) -> datetime:
    return clock.parse_instant(day + "T02:30+01:00")


def test_retention_keeps_the_newest_of_each_day_week_and_month():
    daily = [at("2026-01-01") + timedelta(days=n) for n in range(200)]  # 2026-01-01 … 2026-07-19
    kept = keeping.kept(daily, {"keep_daily": 7, "keep_weekly": 4, "keep_monthly": 12})
    days = sorted(clock.local(k).date().isoformat() for k in kept)
    assert days == sorted([
        "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",  # months' last
        "2026-06-28", "2026-07-05", "2026-07-12",  # the Sundays ending the weeks before this one
        *[f"2026-07-{d}" for d in range(13, 20)],  # the last seven days
    ]) and len(kept) == 16
    assert keeping.kept(daily, {"keep_daily": 0, "keep_weekly": 0, "keep_monthly": 1}) == {daily[-1]}


def test_remove_old_removes_only_complete_backups_beyond_the_retention(tmp_path):
    names = [archive.file_name(at("2026-11-01") + timedelta(days=n)) for n in range(10)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / (names[0] + ".partial")).write_bytes(b"x")
    gone = taking.remove_old(tmp_path, {"keep_daily": 3, "keep_weekly": 0, "keep_monthly": 0})
    assert sorted(p.name for p in gone) == sorted(names[:7])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[7:], "notes.txt", names[0] + ".partial"])
