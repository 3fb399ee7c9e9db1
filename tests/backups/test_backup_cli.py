"""`vern backup create|verify|restore|list` on real database files: a restored database
answers as the original did, a changed byte is refused, and nothing half-written is left."""

import json
import os
import shutil
from pathlib import Path

import pytest
import vern_process

from audits.backups import sealed
from conftest import VERN, cli_env, copy_template

PASSPHRASE = "korrekt hest batteri stift"


def vern(db: Path, *args: str, passphrase: str | None = PASSPHRASE, **extra: str):
    env = cli_env(**extra) | ({"VERN_BACKUP_PASSPHRASE": passphrase} if passphrase else {})
    if passphrase is None:
        env.pop("VERN_BACKUP_PASSPHRASE", None)
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def demo_db(tmp_path, cli_checked_template) -> Path:
    return copy_template(cli_checked_template, tmp_path / "original" / "vern.duckdb")


def created(db: Path) -> dict:
    done = vern(db, "backup", "create", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


ANSWERS = (("trail", "verify"), ("breach", "list", "--json"), ("dsr", "list", "--json"))


def answers(db: Path) -> list[str]:
    found = []
    for command in ANSWERS:
        done = vern(db, *command)
        assert done.returncode == 0, done.stderr
        found.append(done.stdout)
    return found


def test_a_restored_database_answers_exactly_as_the_original_did(demo_db, tmp_path):
    # The original as it is when the backup is taken (the backup's own record comes after its copy).
    twin = tmp_path / "twin" / "vern.duckdb"
    shutil.copytree(demo_db.parent, twin.parent)
    made = created(demo_db)
    assert set(made) == {"path", "sha256", "bytes", "tables", "trail_head"}
    path = Path(made["path"])
    assert path.parent == demo_db.parent / "backups" and path.name.endswith(".vernbackup")
    assert made["bytes"] == path.stat().st_size and made["tables"]["breaches"] > 0
    assert made["trail_head"]["seq"] > 1

    restored = tmp_path / "elsewhere" / "restored.duckdb"
    done = vern(tmp_path / "unused" / "vern.duckdb", "backup", "restore", str(path), "--to", str(restored))
    assert done.returncode == 0, done.stderr
    assert "restored.duckdb" in done.stdout and "restored.key" in done.stdout
    assert sorted(p.name for p in restored.parent.iterdir()) == [
        "restored.duckdb", "restored.key", "restored.trail-heads"]
    assert not (tmp_path / "unused" / "vern.duckdb").exists()  # a restore opens no database of its own

    original, copy = answers(twin), answers(restored)
    assert copy == original
    assert json.loads(copy[1]) and json.loads(copy[2])  # the demo's breaches and requests, not two empty lists


def test_verify_says_what_holds_and_is_recorded_for_the_check(demo_db):
    made = created(demo_db)
    done = vern(demo_db, "backup", "verify", made["path"])
    assert done.returncode == 0, done.stderr
    assert "holder: alle deler stemmer" in done.stdout and "revisjonssporet er helt" in done.stdout
    listed = vern(demo_db, "trail", "list", "--json", "--action", "backup.verify")
    assert [e["object"] for e in json.loads(listed.stdout)] == [Path(made["path"]).name]
    as_json = json.loads(vern(demo_db, "backup", "verify", made["path"], "--json").stdout)
    assert as_json["ok"] is True and as_json["tables"] == made["tables"] and as_json["recorded"] is True


@pytest.mark.parametrize("where", ["header", "middle", "end"])
def test_one_byte_changed_is_refused_by_verify_and_restore(demo_db, tmp_path, where):
    path = Path(created(demo_db)["path"])
    data = bytearray(path.read_bytes())
    at = {"header": len(sealed.MAGIC) + 10, "middle": len(data) // 2, "end": len(data) - 1}[where]
    data[at] ^= 0x01
    changed = tmp_path / "changed.vernbackup"
    changed.write_bytes(data)
    verified = vern(demo_db, "backup", "verify", str(changed))
    assert verified.returncode == 1 and "Traceback" not in verified.stderr
    assert verified.stderr.startswith("vern: ") and ("endret" in verified.stderr or "ikke en sikkerhetskopi"
                                                     in verified.stderr or "passordfrasen" in verified.stderr.lower())
    target = tmp_path / "restored" / "vern.duckdb"
    restored = vern(demo_db, "backup", "restore", str(changed), "--to", str(target))
    assert restored.returncode == 1 and "Traceback" not in restored.stderr
    assert not target.exists() and not target.with_suffix(".key").exists()
    assert [p.name for p in target.parent.iterdir()] == []  # its working folder removed too


def test_a_file_cut_short_or_at_a_chunk_edge_is_refused(demo_db, tmp_path, monkeypatch):
    path = Path(created(demo_db)["path"])
    data = path.read_bytes()
    header_end = len(sealed.MAGIC) + 4 + int.from_bytes(data[len(sealed.MAGIC):len(sealed.MAGIC) + 4], "big")
    for cut in (len(data) - 100, header_end + sealed.CHUNK + sealed.TAG):
        short = tmp_path / f"short-{cut}.vernbackup"
        short.write_bytes(data[:cut])
        done = vern(demo_db, "backup", "verify", str(short))
        assert done.returncode == 1
        assert "endret eller avkuttet" in done.stderr


def test_a_wrong_or_missing_passphrase_is_a_message_never_a_traceback(demo_db, tmp_path):
    path = created(demo_db)["path"]
    wrong = vern(demo_db, "backup", "verify", path, passphrase="ikke den riktige frasen")
    assert (wrong.returncode, wrong.stderr) == (1, "vern: Passordfrasen passer ikke til denne sikkerhetskopien.\n")
    missing = vern(demo_db, "backup", "create", passphrase=None)
    assert missing.returncode == 1
    assert missing.stderr.startswith("vern: Miljøvariabelen VERN_BACKUP_PASSPHRASE har ingen passordfrase")
    short = vern(demo_db, "backup", "create", passphrase="kort")
    assert short.returncode == 1 and "minst 12 tegn" in short.stderr
    english = vern(demo_db, "--lang", "en", "backup", "restore", path, "--to", str(tmp_path / "x.duckdb"),
                   passphrase="not the right one")
    assert english.stderr == "vern: The passphrase does not open this backup.\n"


def test_restore_never_writes_over_a_database(demo_db, tmp_path):
    path = created(demo_db)["path"]
    before = demo_db.read_bytes()
    done = vern(demo_db, "backup", "restore", path, "--to", str(demo_db))
    assert done.returncode == 1 and "finnes allerede" in done.stderr
    assert demo_db.read_bytes() == before
    key_only = tmp_path / "other" / "vern.duckdb"
    key_only.parent.mkdir()
    key_only.with_suffix(".key").write_text("{}")
    done = vern(demo_db, "backup", "restore", path, "--to", str(key_only))
    assert done.returncode == 1 and "vern.key finnes allerede" in done.stderr and not key_only.exists()


def test_the_backup_reveals_nothing_in_clear_and_holds_no_passphrase(demo_db):
    made = created(demo_db)
    data = Path(made["path"]).read_bytes()
    key_file = json.loads(demo_db.with_suffix(".key").read_text())
    secrets = [PASSPHRASE.encode(), key_file["pseudonym"].encode(), key_file["trail"].encode(), b"SuperOffice", b"breaches", b"manifest"]
    assert [s for s in secrets if s in data] == []
    length = int.from_bytes(data[len(sealed.MAGIC):len(sealed.MAGIC) + 4], "big")
    header = json.loads(data[len(sealed.MAGIC) + 4:len(sealed.MAGIC) + 4 + length])
    assert (header["kdf"], header["n"], header["r"], header["p"]) == ("scrypt", 2**17, 8, 1)  # as `vern` seals


def test_a_folder_that_cannot_be_written_is_a_message_and_leaves_nothing(demo_db, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    (demo_db.parent / "vern.toml").write_text(f'[backup]\nfolder = "{blocked / "backups"}"\n')
    done = vern(demo_db, "backup", "create")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Sikkerhetskopien kunne ikke skrives i" in done.stderr and "ikke en mappe" in done.stderr
    assert blocked.read_text() == "not a folder"


def test_list_shows_the_backups_newest_first(demo_db):
    first = created(demo_db)["path"]
    second = vern(demo_db, "backup", "create", "--json", VERN_NOW="2026-11-25T12:00:00+01:00")
    listed = json.loads(vern(demo_db, "backup", "list", "--json").stdout)
    assert [entry["path"] for entry in listed] == [json.loads(second.stdout)["path"], first]
    assert listed[0]["taken_at"] == "2026-11-25T11:00:00Z"
    assert all(os.path.basename(e["path"]).startswith("vern-") for e in listed)


def snapshot_bytes(db: Path, tmp_path: Path) -> int:
    """The size of the database's copy as a backup takes it (DuckDB writes the same bytes for the
    same content), taken from a twin so the database itself stays as it is."""
    import duckdb

    twin = tmp_path / "twin" / "vern.duckdb"
    shutil.copytree(db.parent, twin.parent)
    con = duckdb.connect(str(twin))
    try:
        con.execute(f"ATTACH '{tmp_path / 'copy.duckdb'}' AS copy; COPY FROM DATABASE vern TO copy; DETACH copy")
    finally:
        con.close()
    return (tmp_path / "copy.duckdb").stat().st_size


@pytest.mark.parametrize("stage", ["copy", "sealed file"])
def test_a_full_disk_is_a_message_leaves_nothing_and_the_database_goes_on(demo_db, tmp_path, stage):
    """The file-size limit (RLIMIT_FSIZE) makes the disk "full" for the command alone: its writes
    fail as on a full disk (Python ignores the signal, so the write gets the error). Cut short
    in the database's copy, or in the sealed file once the copy is whole."""
    import resource
    import subprocess

    limit = 3_000_000 if stage == "copy" else snapshot_bytes(demo_db, tmp_path) + 1024

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([VERN, "--db", str(demo_db), "backup", "create"], preexec_fn=limited, capture_output=True,
                          text=True, env=cli_env(VERN_BACKUP_PASSPHRASE=PASSPHRASE), timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("vern: Sikkerhetskopien kunne ikke skrives i ")
    assert done.stderr.endswith(": det er ikke plass til mer på disken\n")
    assert list((demo_db.parent / "backups").iterdir()) == []  # no partial file, no working folder
    assert vern(demo_db, "trail", "verify").returncode == 0
    assert vern(demo_db, "backup", "create").returncode == 0  # with room again
