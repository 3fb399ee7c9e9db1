"""Files dropped into the inbox are imported by the next run of their check."""

import os

from audits.checking import runner
from audits.io import csvfile, inbox
from audits.processors import register as processors

GOOD = (
    "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on\n"
    "Already On AS,CRM,NO,none,,,,\n"
)


def test_a_dropped_register_is_imported_and_moved_aside(vern):
    inbox = vern.config.inbox / "processors"
    inbox.mkdir(parents=True)
    (inbox / "register.csv").write_text(GOOD)
    result = runner.run(vern.store, vern.config, vern.checks["processors"], "schedule")
    assert (result.status, result.evidence_rows, result.findings) == ("succeeded", 1, 1)
    assert [r["name"] for r in processors.register(vern.store)] == ["Already On AS"]
    assert list(inbox.glob("*.csv")) == []
    assert [p.name for p in (inbox / "imported").iterdir()] == ["20261124T110000Z-register.csv"]


def test_a_bad_dropped_file_fails_the_run_and_changes_nothing(vern):
    inbox = vern.config.inbox / "processors"
    inbox.mkdir(parents=True)
    (inbox / "register.csv").write_text(GOOD)
    runner.run(vern.store, vern.config, vern.checks["processors"], "schedule")
    (inbox / "next.csv").write_text(GOOD.replace(",NO,", ",XX,"))
    result = runner.run(vern.store, vern.config, vern.checks["processors"], "schedule")
    assert result.status == "failed"
    assert "line 2, field countries: code 1 is not an ISO 3166-1 alpha-2 country code" in result.error
    assert [r["countries"] for r in processors.register(vern.store)] == [["NO"]]
    assert [p.name for p in (inbox / "failed").iterdir()] == ["20261124T110000Z-next.csv"]
    assert runner.history(vern.store, "processors")[0]["error"] == result.error


# -- the shared listing: never a symbolic link ----------------------------------------------
def test_files_lists_regular_files_and_folders_by_name_and_leaves_out_the_rest(tmp_path):
    folder = tmp_path / "inbox"
    (folder / "AWSLogs").mkdir(parents=True)
    for name in ("b.csv", "a.csv", ".hidden.csv", "notes.txt"):
        (folder / name).write_text("x")
    (folder / "imported").mkdir()
    (folder / "failed").mkdir()
    (folder / "passwd.csv").symlink_to("/etc/passwd")
    (folder / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(folder / "pipe.csv")
    assert [p.name for p in inbox.files(folder)] == ["AWSLogs", "a.csv", "b.csv", "notes.txt"]
    assert [p.name for p in inbox.files(folder, "*.csv")] == ["a.csv", "b.csv"]
    assert [p.name for p in inbox.files(folder, "*.csv", "*.txt")] == ["a.csv", "b.csv", "notes.txt"]
    link = "en symbolsk lenke: Vern følger ikke lenker (legg selve filen der)"
    assert [(p.name, why("nb")) for p, why in inbox.refused(folder)] == [
        ("elsewhere", link), ("passwd.csv", link), ("pipe.csv", "verken en vanlig fil eller en mappe")]
    assert [p.name for p, _ in inbox.refused(folder, "*.csv")] == ["passwd.csv", "pipe.csv"]


def test_a_refused_file_is_said_in_either_language_without_its_value(tmp_path):
    """The refusal outlives the error: the run that reads it may be in bokmål or English."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "people.csv").write_text("name,note\n,Kari Nordmann\n", encoding="utf-8")
    (folder / "kept.csv").symlink_to(tmp_path / "elsewhere.csv")
    refusals = inbox.import_each(folder, lambda path: csvfile.parse(path, {"name": csvfile.required}, ("name",)))
    assert [refusal("nb") for refusal in refusals] == [
        "kept.csv: en symbolsk lenke: Vern følger ikke lenker (legg selve filen der)",
        "people.csv: linje 2, felt name: må fylles ut"]
    assert [refusal("en") for refusal in refusals] == [
        "kept.csv: a symbolic link: Vern does not follow links (put the file itself there)",
        "people.csv: line 2, field name: required"]
    assert [p.name for p in (folder / "failed").iterdir()] and not (folder / "imported").exists()
    assert "Kari" not in " ".join(refusal(lang) for refusal in refusals for lang in ("nb", "en"))


def test_files_of_a_missing_folder_is_empty(tmp_path):
    assert inbox.files(tmp_path / "absent") == []
    assert inbox.refused(tmp_path / "absent") == []


def test_a_moved_link_stays_a_link_and_its_target_is_untouched(tmp_path):
    target = tmp_path / "secret.txt"
    target.write_text("not for Vern")
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "drop.csv").symlink_to(target)
    inbox.move(folder / "drop.csv", folder / "failed", "20261124T110000Z")
    moved = folder / "failed" / "20261124T110000Z-drop.csv"
    assert moved.is_symlink()
    assert target.read_text() == "not for Vern"


# -- every check's inbox: a link is moved to failed/ unread ----------------------------------
LINKED = {  # check, where in its inbox, a file it would import if it followed the link, its table
    "processors": ("register.csv", GOOD, "processors"),
    "consent": ("consents/samtykker.csv",
                "email,purpose,given_at,withdrawn_at\nkari@example.no,newsletter,2026-01-01T10:00:00+01:00,\n",
                "consents"),
    "training": ("lms.csv", "email,course,completed_on\nkari@example.no,Personvern,2026-01-01\n",
                 "training_completions"),
}


def test_a_link_in_any_inbox_is_never_read(vern, tmp_path):
    for check, (where, content, table) in LINKED.items():
        target = tmp_path / f"{check}-outside.csv"
        target.write_text(content)
        link = vern.config.inbox / check / where
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
        result = runner.run(vern.store, vern.config, vern.checks[check], "schedule")
        assert result.status == "failed", check
        assert f"{link.name}: a symbolic link: Vern does not follow links" in result.error, check
        assert vern.store.value(f"SELECT count(*) FROM {table}") == 0, check
        [moved] = (link.parent / "failed").iterdir()
        assert moved.is_symlink() and moved.name.endswith(link.name), check


def test_a_linked_system_folder_in_the_retention_inbox_is_never_read(vern, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "inventory.csv").write_text("record_ref,category,last_activity_on\nr1,member,2020-01-01\n")
    folder = vern.config.inbox / "retention"
    folder.mkdir(parents=True)
    (folder / "CRM").symlink_to(outside, target_is_directory=True)
    result = runner.run(vern.store, vern.config, vern.checks["retention"], "schedule")
    assert result.status == "failed"
    assert "CRM: a symbolic link: Vern does not follow links" in result.error
    assert vern.store.value("SELECT count(*) FROM inventory") == 0
    assert [p.name for p in (folder / "failed").iterdir()] == ["20261124T110000Z-CRM"]
    assert (outside / "inventory.csv").exists()  # the target is left alone
