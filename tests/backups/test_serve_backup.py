"""Backups inside `vern serve`: the scheduled one is taken at start when it was missed; a
server killed in the middle of one leaves no file that looks complete, and the next start
clears what it left and takes a whole one; `vern backup create` meanwhile says the server
takes them."""

import signal
import subprocess
import time

import vern_process

from conftest import VERN, cli_env, copy_template, free_port, serving

PASSPHRASE = "korrekt hest batteri stift"


def wait_for(predicate, seconds: float = 60, step: float = 0.005):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(step)
    raise AssertionError("waited in vain")


def test_a_server_killed_during_its_scheduled_backup_leaves_nothing_that_looks_complete(
        db_path, cli_demo_template, monkeypatch):
    copy_template(cli_demo_template, db_path)
    # Hourly: the demo's last nightly backup (02:30) was missed at 03:00, so the server takes one at start.
    (db_path.parent / "vern.toml").write_text('[sources]\n[backup]\nschedule = "0 * * * *"\n', encoding="utf-8")
    monkeypatch.setenv("VERN_BACKUP_PASSPHRASE", PASSPHRASE)
    folder = db_path.parent / "backups"
    log = (db_path.parent / "killed.log").open("w")
    server = subprocess.Popen([VERN, "serve", "--port", str(free_port())], stdout=log, stderr=subprocess.STDOUT)
    try:
        # Killed once the sealed file of the backup taken at start is being written.
        partial = wait_for(lambda: next(iter(folder.glob("*.vernbackup.partial")), None) if folder.exists() else None)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    finally:
        server.kill()
        log.close()
    assert partial.name.startswith("vern-")
    assert list(folder.glob("*.vernbackup")) == []  # only a .partial, which nothing takes for a backup
    listed = vern_process.run([VERN, "backup", "list"], capture_output=True, text=True, env=cli_env(
        VERN_DB=str(db_path)))
    assert listed.stdout.startswith("Ingen sikkerhetskopier i")

    with serving(db_path) as url:
        assert url
        made = wait_for(lambda: list(folder.glob("*.vernbackup")), step=0.1)
        busy = vern_process.run([VERN, "backup", "create"], capture_output=True, text=True,
                                env=cli_env(VERN_DB=str(db_path), VERN_BACKUP_PASSPHRASE=PASSPHRASE))
        assert busy.returncode == 1
        assert busy.stderr.startswith("vern: Vern-serveren (PID ") and "Ta sikkerhetskopi nå" in busy.stderr
        wait_for(lambda: not list(folder.glob("*.partial")) and not list(folder.glob(".vern-*")), step=0.1)
    assert len(made) == 1
    assert sorted(p.name for p in folder.iterdir()) == [made[0].name]  # the leftovers cleared
    verified = vern_process.run([VERN, "backup", "verify", str(made[0])], capture_output=True, text=True,
                                env=cli_env(VERN_DB=str(db_path), VERN_BACKUP_PASSPHRASE=PASSPHRASE))
    assert verified.returncode == 0, verified.stderr
