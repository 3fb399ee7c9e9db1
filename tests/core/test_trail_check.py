"""A broken trail is loud (issue 15): the `trail` check — hourly and at every server start —
turns a break into a critical finding and one mail to the advisers, and Vern records on in
a new segment. The signed head is printed in the audit report, the weekly digest, the
board PDF and on the trail page."""

import base64
import hashlib
import hmac
import io
import json
import time

import pypdf

from audits import scheduler
from audits.checking import findings, registry, runner
from audits.core import trail
from audits.core.config import load
from audits.reporting import audit_report, board, board_pdf, digest

NOW = "2026-11-24 12:00"
REMEDY_NB = ("Noen har skrevet i databasefilen utenom Vern. Kjør vern trail verify, finn ut hvem som hadde "
             "tilgang til filen, ta vare på en kopi av databasen, nøkkelfilen og hodefilen, og vurder om "
             "dette er et avvik som skal meldes (art. 33).")
REMEDY_EN = ("Someone wrote to the database file outside Vern. Run vern trail verify, find out who had access "
             "to the file, keep a copy of the database, the key file and the head file, and judge whether "
             "this is a breach to notify (Art. 33).")


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def configure_mail(vern, port: int) -> None:
    path = vern.store.path.parent / "vern.toml"
    path.write_text(f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                    'sender = "vern@vern.example"\nadvisers = ["personvern@vern.example"]\n', encoding="utf-8")
    vern.config = load(path, vern.store.path, vern.checks)


def run_check(vern) -> runner.RunResult:
    return runner.run(vern.store, vern.config, vern.checks["trail"], "cli")


def tamper(vern, statement: str) -> None:
    """As someone writing the file would: no trail entry, nothing Vern sees happen."""
    with vern.store.transaction() as tx:
        tx.execute(statement)


def four_entries(vern) -> None:
    for number in range(3):
        trail.record(vern.store, "alice", "export", f"report-{number}.csv", {"rows": number})


def actions(vern) -> list[tuple]:
    return [(e["seq"], e["action"], e["object"]) for e in reversed(trail.listing(vern.store))]


def signed(vern) -> tuple[int, str, str]:
    """The newest entry and its signature, worked out here from the trail key in the key file."""
    key = base64.urlsafe_b64decode(json.loads(vern.config.key_file.read_text())["trail"])
    row = vern.store.rows("SELECT seq, hash, at_utc FROM trail ORDER BY seq DESC LIMIT 1")[0]
    seq, value, at = row["seq"], row["hash"], row["at_utc"]
    signature = hmac.new(key, f"vern trail head\n{seq}\n{value}\n{at}".encode(), hashlib.sha256).hexdigest()
    return seq, value, signature


# -- the check ---------------------------------------------------------------------------------------
def test_the_trail_check_runs_hourly_and_at_every_start():
    check = registry.installed()["trail"]
    assert (check.schedule, check.run_at_start, check.area) == ("0 * * * *", True, "trail")
    rule = check.rule("trail_broken")
    assert (rule.severity, rule.article) == ("critical", "Art. 5(2), 32(1)(b)")


def test_an_intact_trail_gives_no_finding(vern):
    four_entries(vern)
    result = run_check(vern)
    assert (result.status, result.findings, result.evidence_rows) == ("succeeded", 0, 4)
    assert actions(vern)[4:] == [(5, "check.run", "trail")]
    assert trail.verify(vern.store) == (5, None)


def test_a_break_is_a_critical_finding_one_alert_and_a_new_segment(vern, smtp):
    configure_mail(vern, smtp.port)
    four_entries(vern)
    tamper(vern, "UPDATE trail SET details = '{\"rows\":\"Kari Nordmann\"}' WHERE seq = 3")
    result = run_check(vern)
    assert (result.status, result.findings) == ("succeeded", 1)
    assert actions(vern)[4:] == [(5, "trail.segment", ""), (6, "trail.alert", "5"), (7, "check.run", "trail")]
    [finding] = findings.listing(vern.store)
    assert (finding["rule"], finding["severity"], finding["subject"], finding["status"]) == (
        "trail_broken", "critical", "#5", "open")
    assert finding["message_nb"] == ("Revisjonssporet er brutt etter oppføring 2: en oppføring er endret. "
                                     "Vern fører sporet videre i et nytt segment fra oppføring 5.")
    assert finding["message_en"] == ("The audit trail is broken after entry 2: an entry was changed. "
                                     "Vern records on in a new segment from entry 5.")
    [message] = smtp.messages()
    assert message["To"] == "personvern@vern.example"
    assert message["Subject"] == "Vern: revisjonssporet er brutt / the audit trail is broken"
    assert message.get_content().replace("\r\n", "\n") == (
        "Revisjonssporet er brutt etter oppføring 2: en oppføring er endret.\n"
        f"Oppdaget {NOW}, norsk tid. Vern fører sporet videre i et nytt segment fra oppføring 5.\n"
        f"{REMEDY_NB}\n\n"
        "The audit trail is broken after entry 2: an entry was changed.\n"
        f"Found {NOW}, Oslo time. Vern records on in a new segment from entry 5.\n"
        f"{REMEDY_EN}\n")
    # The next run finds the same break: the same finding, no second mail, no second segment.
    assert run_check(vern).findings == 1
    assert len(smtp.received) == 1
    assert [a for a in actions(vern) if a[1].startswith("trail.")] == [
        (1, "trail.start", ""), (5, "trail.segment", ""), (6, "trail.alert", "5")]
    assert len(findings.listing(vern.store)) == 1
    assert trail.verify(vern.store) == (2, "entry 3 was changed (its content no longer matches its hash)")


def test_a_second_break_is_a_second_finding_and_a_second_mail(vern, smtp):
    configure_mail(vern, smtp.port)
    four_entries(vern)
    tamper(vern, "DELETE FROM trail WHERE seq = 2")
    run_check(vern)
    tamper(vern, "UPDATE trail SET actor = 'mallory' WHERE seq = 6")  # the alert, in the new segment
    run_check(vern)
    assert sorted(f["subject"] for f in findings.listing(vern.store)) == ["#5", "#8"]
    assert len(smtp.received) == 2
    assert "Revisjonssporet er brutt etter oppføring 5: en oppføring er endret." in \
        smtp.messages()[1].get_content()


def test_without_mail_the_break_is_still_a_finding_and_a_refused_mail_is_tried_again(vern, smtp):
    four_entries(vern)
    tamper(vern, "UPDATE trail SET object = 'x' WHERE seq = 1")
    assert run_check(vern).findings == 1  # no [mail]: the finding, no alert
    assert [a[1] for a in actions(vern)][4:] == ["trail.segment", "check.run"]
    configure_mail(vern, smtp.port)
    smtp.refuse = True
    assert run_check(vern).status == "succeeded"
    assert not trail.listing(vern.store, action="trail.alert")
    smtp.refuse = False
    run_check(vern)
    [entry] = trail.listing(vern.store, action="trail.alert")
    assert (entry["object"], entry["details"]) == ("5", {"after": 0, "advisers": 1})


def test_the_server_runs_the_trail_check_at_start_even_when_it_ran_a_minute_ago(vern, monkeypatch):
    monkeypatch.setenv("VERN_NOW", "2026-11-24T12:10:00+01:00")  # the trail's next hour is 13:00
    runner.run_many(vern.store, vern.config, list(vern.checks.values()), "cli")  # none is missed now
    started = scheduler.start(vern)
    try:
        deadline = time.monotonic() + 30
        while not [r for r in runner.history(vern.store, "trail") if r["trigger"] == "schedule"
                   and r["status"] == "succeeded"]:
            assert time.monotonic() < deadline, "the trail check did not run at start"
            time.sleep(0.1)
        assert [r["trigger"] for r in runner.history(vern.store, "processors")] == ["cli"]  # waits for 06:15
    finally:
        started.shutdown()
        vern.scheduler = None


# -- the signed head, printed ---------------------------------------------------------------------------
def test_the_audit_report_prints_the_signed_head(demo_vern):
    seq, value, signature = signed(demo_vern)
    made = audit_report.run(demo_vern, "kari")
    text = pdf_text(bytes(audit_report.get(demo_vern.store, made["id"])["pdf"]))
    assert f"Revisjonssporets hode: oppføring {seq}, kjedeverdi {value}, signatur {signature[:16]}" in text
    snapshot = audit_report.get(demo_vern.store, made["id"])["snapshot"]
    assert snapshot["trail"]["head_signature"] == signature


def test_the_digest_and_the_board_pdf_print_the_signed_head(vern):
    four_entries(vern)
    seq, value, signature = signed(vern)
    assert digest.markdown(vern, "nb").splitlines()[-1] == (
        f"Revisjonssporets hode: oppføring {seq}, kjedeverdi {value}, signatur {signature[:16]}")
    data = board.summary(vern)
    assert data["trail"] == {"seq": seq, "hash": value, "at_utc": "2026-11-24T11:00:00Z", "signature": signature}
    assert (f"Audit-trail head: entry {seq}, chain value {value}, signature {signature[:16]}"
            in pdf_text(board_pdf.pdf_bytes(data, "en")))


def test_the_trail_page_shows_the_signed_head_and_each_break(vern, dashboard):
    four_entries(vern)
    at = dashboard("trail", "en", roles=("admin",))
    seq, value, signature = signed(vern)
    assert at.caption[0].value == f"Audit-trail head: entry {seq}, chain value {value}, signature {signature[:16]}"
    at.button[0].click().run()
    assert [s.value for s in at.success] == [f"{seq} entries intact."]
    tamper(vern, "UPDATE trail SET actor = 'mallory' WHERE seq = 3")
    run_check(vern)
    at = dashboard("trail", "nb", roles=("admin",))
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Revisjonssporet er brutt etter oppføring 2: en oppføring er endret."]
    assert [i.value for i in at.info] == [f"Vern fører sporet videre i et nytt segment fra oppføring {seq + 1}."]
    assert [s.value for s in at.success] == [f"Segmentet fra oppføring {seq + 1} er intakt: 2 oppføringer."]
