"""The admin's page Sikkerhetskopier / Backups, the overview's last backup and last
verification, and the board's sentence on whether backups are current — in AppTest, and
once in Chromium against `vern serve`."""

import re

from playwright.sync_api import expect
from test_serve_backup import wait_for

from audits.backups import taking
from audits.reporting import board
from conftest import as_read, copy_template, page_text, serving, sign_in

PASSPHRASE = "korrekt hest batteri stift"


def test_the_admin_backs_up_now_and_sees_the_file_and_where_the_passphrase_is_read(vern, dashboard, monkeypatch):
    monkeypatch.setenv("VERN_BACKUP_PASSPHRASE", PASSPHRASE)
    page = dashboard("backups", "nb", ("admin",))
    assert not page.exception
    shown = as_read(page_text(page))
    assert "Siste sikkerhetskopi,aldri" in shown and "Ingen sikkerhetskopier ligger i mappen ennå." in shown
    caption = as_read(page.caption[0].value)
    assert caption == (f"Lagres i `{vern.config.backup['folder']}`; passordfrasen leses fra miljøvariabelen "
                       "`VERN_BACKUP_PASSPHRASE`.")
    assert PASSPHRASE not in shown + caption
    page.button[0].click().run()
    assert [as_read(s.value) for s in page.success][0].startswith("Sikkerhetskopien er tatt og lagret: vern-2026")
    page = dashboard("backups", "nb", ("admin",))
    shown = as_read(page_text(page))
    assert "Siste sikkerhetskopi,24. nov. 2026 kl. 12.00" in shown
    table = page.dataframe[0].value
    assert list(table.columns) == ["Tatt", "Fil", "Størrelse"] and table.iloc[0]["Fil"].endswith(".vernbackup")
    assert [e["actor"] for e in vern.store.rows("SELECT actor FROM backup_events")] == ["admin"]


def test_the_admin_is_warned_when_the_last_backups_file_is_gone(vern, dashboard, monkeypatch):
    monkeypatch.setenv("VERN_BACKUP_PASSPHRASE", PASSPHRASE)
    made = taking.take(vern.store, vern.config, "cli", "admin")
    assert not dashboard("backups", "nb", ("admin",)).warning
    made.path.unlink()  # someone tidied the disk
    page = dashboard("backups", "nb", ("admin",))
    assert [as_read(w.value) for w in page.warning] == [
        "Filen til siste sikkerhetskopi, tatt 24. nov. 2026 kl. 12.00, finnes ikke lenger i "
        f"`{vern.config.backup['folder']}`. Ta en ny med «Ta sikkerhetskopi nå»."]
    assert "Ingen sikkerhetskopier ligger i mappen ennå." in page_text(page)


def test_a_failed_backup_is_shown_with_why_in_the_readers_language(vern, dashboard, monkeypatch):
    monkeypatch.delenv("VERN_BACKUP_PASSPHRASE", raising=False)
    page = dashboard("backups", "en", ("admin",))
    page.button[0].click().run()
    assert [as_read(e.value) for e in page.error][0].startswith(
        "The environment variable VERN_BACKUP_PASSPHRASE holds no passphrase")
    page = dashboard("backups", "en", ("admin",))
    assert [as_read(e.value) for e in page.error] == [
        "The last attempt, 2026-11-24 12:00, failed: The environment variable VERN_BACKUP_PASSPHRASE holds no "
        "passphrase, so no backup can be encrypted. Set it where Vern runs (see [backup] passphrase_env)."]


def test_only_the_admin_opens_the_page(vern, dashboard):
    for roles in (("adviser",), ("board",), ("staff",)):
        page = dashboard("backups", "nb", roles)
        assert "Sikkerhetskopi nå" not in page_text(page)


def test_the_board_reads_whether_backups_are_current_with_no_paths(vern, monkeypatch):
    monkeypatch.setenv("VERN_BACKUP_PASSPHRASE", PASSPHRASE)
    said = board.narrative(board.summary(vern), "nb")[-1]
    assert said == "Sikkerhetskopiene er ikke à jour. Siste vellykkede: aldri. Siste kontrollerte: aldri."
    taking.scheduled(vern)  # a backup and its verification
    said = board.narrative(board.summary(vern), "en")[-1]
    assert said == ("Backups are current: the last was taken on 2026-11-24, and one was last verified by a test "
                    "restore on 2026-11-24.")
    assert "/" not in said
    for made in vern.config.backup["folder"].glob("*.vernbackup"):
        made.unlink()  # the disk lost
    said = board.narrative(board.summary(vern), "nb")[-1]
    assert said == "Sikkerhetskopiene er ikke à jour: filen til den siste, tatt 24. nov. 2026, er borte fra maskinen."


def test_in_chromium_the_admin_backs_up_and_the_overview_shows_it(db_path, cli_demo_template, monkeypatch, page):
    copy_template(cli_demo_template, db_path)
    monkeypatch.setenv("VERN_BACKUP_PASSPHRASE", PASSPHRASE)
    # Hourly: the demo's last nightly backup (02:30) was missed at 03:00, so the server takes one at start.
    (db_path.parent / "vern.toml").write_text('[backup]\nschedule = "0 * * * *"\n', encoding="utf-8")
    folder = db_path.parent / "backups"
    with serving(db_path) as url:
        # The one taken at start first; the button's comes after it.
        wait_for(lambda: list(folder.glob("*.vernbackup")) and not list(folder.glob("*.partial")), step=0.1)
        sign_in(page, url, "admin", "vern-demo-drift")
        page.get_by_role("link", name="Sikkerhetskopier").click()
        expect(page.get_by_role("heading", name="Sikkerhetskopier", exact=True)).to_be_visible()
        page.get_by_role("button", name="Ta sikkerhetskopi nå").click()
        expect(page.get_by_text(re.compile("Sikkerhetskopien er tatt og lagret: vern-"))).to_be_visible()
        expect(page.get_by_text(re.compile(r"\.vernbackup"))).not_to_have_count(0)
        page.get_by_role("link", name="Oversikt").click()
        expect(page.get_by_role("heading", name="Sikkerhetskopier", exact=True)).to_be_visible()
        expect(page.get_by_test_id("stMetric").filter(has_text="Siste sikkerhetskopi")).not_to_contain_text("aldri")
    # Two the same day: the newest of the day is kept (keep_daily), the one taken at start removed.
    assert [p.name for p in folder.glob("*.vernbackup")] == ["vern-20261124T110000Z-2.vernbackup"]
