"""The adviser's review queue (issue 8): what is in it and in which order, every decision,
"this week", the weekly digest and its mail, all on a real DuckDB file and a fixed clock.

Today is Tuesday 2026-11-24, 12:00 in Oslo (11:00 UTC). The demo with every check run
holds 46 items: 40 of the 42 open findings, the 3 breaches whose clock runs (#2 past its
deadline, #1 and #5 due within 24 hours), Vipps MobilePay's agreement, which expires in 45
days, and the 2 data-subject requests due within a week or overdue (audits/demo/subject_requests.py:
#4, received 2026-10-20 and due 2026-11-20, and #5, received 2026-10-29 and due Monday
2026-11-30, since 2026-11-29 is a Sunday). Those two requests stand for the requests check's
findings on their clocks (dsr_overdue #4, dsr_due_soon #5), which stay out of the queue.
"""

import json
import os
import subprocess
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import vern_process

from audits import scheduler
from audits.accounts import users
from audits.breaches import register as breaches
from audits.checking import findings, runner
from audits.core import clock, trail
from audits.core import config as configuration
from audits.core.errors import VernError
from audits.reporting import digest, review
from conftest import FIXED_NOW, VERN, copy_template, free_port

NOW = datetime.fromisoformat(FIXED_NOW)
TODAY = date(2026, 11, 24)
HEADER = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"
VIPPS = "agreement:Vipps MobilePay AS – Betaling av kontingent:2027-01-08"
ADVISERS = ["personvern@vern.example", "dpo@vern.example"]
URGENCIES = ("critical", "high", "medium", "low")
LOW = {"dpc": 1, "ei": 0.25, "cb": {}}  # ENISA score 0.25: no one to notify
MEDIUM = {"dpc": 4, "ei": 0.5, "cb": {}}  # 2: the authority


# -- helpers --------------------------------------------------------------------------
def cli(db, *args: str, now: str = FIXED_NOW) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "VERN_NOW": now})


def cli_json(db, *args: str, now: str = FIXED_NOW):
    result = cli(db, *args, "--json", now=now)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def refused(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 1, result.stdout
    assert result.stderr.strip() == f"vern: {message}"


@pytest.fixture
def demo_db(db, cli_checked_template):
    """The demo with every check run, built once through the CLI; copied for each test."""
    return copy_template(cli_checked_template, db)


def items(vern, **filters) -> list[dict]:
    return review.queue(vern.store, vern.config, **filters)["items"]


def by_item(vern, **filters) -> dict[str, dict]:
    return {row["item"]: row for row in items(vern, **filters)}


def urgency_order(rows: list[dict]) -> list[tuple]:
    """What the queue sorts on: urgency, then new before acknowledged, then the nearest date."""
    due = lambda r: clock.iso_utc(r["due"]) if isinstance(r["due"], datetime) else r["due"]  # noqa: E731
    return [(URGENCIES.index(r["urgency"]), r["status"] != "open", due(r) or "~") for r in rows]


def finding_items(vern, urgency: str = "high") -> list[str]:
    return [r["item"] for r in items(vern, kind="finding") if r["urgency"] == urgency]


def status_of(vern, item: str) -> str:
    return vern.store.value("SELECT status FROM findings WHERE fingerprint = ?", [item.removeprefix("finding:")])


def written(vern) -> dict[str, int]:
    return {table: vern.store.value(f"SELECT count(*) FROM {table}")
            for table in ("review_decisions", "finding_events", "trail")}


def add_breach(vern, aware_at: datetime, **extra) -> int:
    return breaches.add(vern.store, vern.config, "test",
                        {"title": "Medlemsliste sendt til feil adresse", "aware_at": aware_at.isoformat(), **extra})


def at(monkeypatch, instant: str) -> None:
    monkeypatch.setenv("VERN_NOW", instant)


# -- the queue on the demo --------------------------------------------------------------
def test_the_demo_queue_most_urgent_first(demo_db):
    found = cli_json(demo_db, "review", "list")
    rows = found["items"]
    assert found["total"] == len(rows) == 46
    assert Counter(r["kind"] for r in rows) == {"finding": 40, "breach": 3, "agreement": 1, "request": 2}
    # The request past its answer date and the breach past its deadline, the older first; then
    # the two breaches due within 24 hours and the request due within a week, nearest first.
    assert [(r["item"], r["urgency"], r["due"]) for r in rows[:5]] == [
        ("request:4", "critical", "2026-11-20T00:00:00Z"),
        ("breach:2", "critical", "2026-11-24T03:00:00Z"),
        ("breach:1", "high", "2026-11-24T15:00:00Z"),
        ("breach:5", "high", "2026-11-25T06:00:00Z"),
        ("request:5", "high", "2026-11-30T00:00:00Z")]
    assert rows[0]["text"] == "Data-subject request #4, access (Art. 15): answer due 2026-11-20"
    assert rows[1]["text"] == "Breach #2 Bærbar PC med deltakerlister stjålet: notification due 2026-11-24 04:00"
    # Then the 25 high findings (24 before the requests and the Christmas campaign sent after
    # an opt-out), then the medium items: the agreement first, as the one with a date.
    assert [r["urgency"] for r in rows] == ["critical"] * 2 + ["high"] * 28 + ["medium"] * 13 + ["low"] * 3
    assert {r["kind"] for r in rows[5:30]} == {"finding"}
    agreement = rows[30]
    assert (agreement["item"], agreement["kind"], agreement["area"], agreement["due"]) == (
        VIPPS, "agreement", "processors", "2027-01-08T00:00:00Z")
    assert agreement["text"] == ("The processor agreement with Vipps MobilePay AS – Betaling av kontingent "
                                 "expires 2027-01-08")
    assert date(2027, 1, 8) - TODAY == timedelta(days=45)
    assert all(r["status"] == "open" and r["assignee"] is None for r in rows)


def test_the_demo_queue_counted_by_area_kind_and_urgency(demo_db):
    counts = cli_json(demo_db, "review", "list", "--kind", "breach")["counts"]  # counts cover every item
    by = lambda key: {k: sum(c["n"] for c in counts if c[key] == k) for k in {c[key] for c in counts}}  # noqa: E731
    assert by("urgency") == {"critical": 2, "high": 28, "medium": 13, "low": 3}
    assert by("kind") == {"finding": 40, "breach": 3, "agreement": 1, "request": 2}
    # requests: the 2 requests due within a week or overdue, and the check's 2 findings not on
    # a clock (#6 extension not told, #2 answered unverified)
    assert by("area") == {"access": 8, "activities": 9, "breaches": 3, "consent": 3, "processors": 7,
                          "requests": 4, "retention": 3, "training": 9}


def test_a_request_in_the_queue_stands_for_the_findings_on_its_clock(demo_db):
    queued = {r["item"] for r in cli_json(demo_db, "review", "list")["items"]}
    found = {r["rule"]: f"finding:{r['fingerprint']}" for r in cli_json(demo_db, "findings", "list", "--check",
                                                                       "requests") if r["status"] == "open"}
    assert set(found) == {"dsr_overdue", "dsr_due_soon", "dsr_extension_not_notified", "dsr_identity_unverified"}
    assert {"request:4", "request:5"} <= queued  # overdue, due within a week: the requests themselves
    assert found["dsr_overdue"] not in queued and found["dsr_due_soon"] not in queued
    assert found["dsr_extension_not_notified"] in queued and found["dsr_identity_unverified"] in queued


@pytest.mark.parametrize("filters, expected", [
    (["--area", "processors"], {"agreement": 1, "finding": 6}),
    (["--area", "breaches"], {"breach": 3}),
    (["--area", "consent"], {"finding": 3}),
    (["--area", "requests"], {"finding": 2, "request": 2}),
    (["--kind", "agreement"], {"agreement": 1}),
    (["--kind", "request"], {"request": 2}),
    (["--kind", "finding"], {"finding": 40}),
    (["--area", "processors", "--kind", "finding"], {"finding": 6}),
    (["--area", "breaches", "--kind", "finding"], {}),
])
def test_the_demo_queue_filtered_by_area_and_kind(demo_db, filters, expected):
    found = cli_json(demo_db, "review", "list", *filters)
    rows = found["items"]
    assert Counter(r["kind"] for r in rows) == expected
    if "--area" in filters:
        assert {r["area"] for r in rows} <= {filters[filters.index("--area") + 1]}
    assert urgency_order(rows) == sorted(urgency_order(rows))
    assert found["total"] == 46


def test_the_plain_listing_says_how_many_it_shows(demo_db):
    result = cli(demo_db, "review", "list", "--limit", "3")
    assert result.returncode == 0, result.stderr
    assert [line.split()[:3] for line in result.stdout.splitlines()] == [
        ["critical", "open", "request:4"], ["critical", "open", "breach:2"], ["high", "open", "breach:1"]]
    assert result.stderr.strip() == "3 of 46 items"


# -- edges ------------------------------------------------------------------------------
def test_agreements_expiring_within_60_days_high_within_14(db):
    days = {"Today AS": 0, "Fjorten AS": 14, "Femten AS": 15, "Seksti AS": 60, "Sekstien AS": 61,
            "Utløpt AS": -1}
    lines = [f"{name},Lønn,NO,none,,2025-01-01,{TODAY + timedelta(days=n)},2026-06-01" for name, n in days.items()]
    lines.append("Usignert AS,Lønn,NO,none,,,2026-12-01,")  # no agreement signed: a finding, not this item
    register = db.parent / "processors.csv"
    register.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    imported = cli(db, "import", "processors", str(register))
    assert imported.returncode == 0, imported.stderr
    rows = cli_json(db, "review", "list", "--kind", "agreement")["items"]
    assert [(r["item"], r["urgency"]) for r in rows] == [
        ("agreement:Today AS – Lønn:2026-11-24", "high"),
        ("agreement:Fjorten AS – Lønn:2026-12-08", "high"),
        ("agreement:Femten AS – Lønn:2026-12-09", "medium"),
        ("agreement:Seksti AS – Lønn:2027-01-23", "medium")]
    assert [r["subject"] for r in rows] == ["Today AS – Lønn", "Fjorten AS – Lønn", "Femten AS – Lønn",
                                            "Seksti AS – Lønn"]


def test_a_breach_is_high_within_24_hours_critical_past_its_deadline(vern):
    numbers = {
        "high": add_breach(vern, NOW - timedelta(hours=48, minutes=1)),  # due in 23 h 59 min
        "medium": add_breach(vern, NOW - timedelta(hours=47, minutes=59)),  # due in 24 h 1 min
        "critical": add_breach(vern, NOW - timedelta(hours=72, minutes=1)),  # due a minute ago
    }
    rows = items(vern, kind="breach")
    assert [(r["item"], r["urgency"]) for r in rows] == [
        (f"breach:{numbers[u]}", u) for u in ("critical", "high", "medium")]
    assert rows[1]["due"] == NOW + timedelta(hours=23, minutes=59)
    assert rows[0]["subject"] == f"#{numbers['critical']} Medlemsliste sendt til feil adresse"


def test_a_breach_leaves_the_queue_once_notified_or_decided_not_notifiable(vern):
    notified, not_notifiable, decided, untouched = (add_breach(vern, NOW - timedelta(hours=1)) for _ in range(4))
    processor = add_breach(vern, NOW - timedelta(hours=1), acting_as="processor", controller_name="Vestland krets")
    breaches.notify(vern.store, "test", notified, "authority", NOW, "Altinn 2026/1")
    breaches.assess(vern.store, "test", not_notifiable, LOW)
    breaches.decide(vern.store, "test", not_notifiable, False, False)
    breaches.assess(vern.store, "test", decided, MEDIUM)
    breaches.decide(vern.store, "test", decided, True, False)  # to be notified: the clock still runs
    breaches.notify(vern.store, "test", processor, "controller", NOW, "e-post til kretsen")
    assert sorted(by_item(vern, kind="breach")) == sorted([f"breach:{decided}", f"breach:{untouched}"])


def test_a_risk_accepted_finding_returns_on_its_review_date_and_not_the_day_before(demo_vern, monkeypatch):
    item = finding_items(demo_vern)[0]
    review.decide(demo_vern.store, demo_vern.config, "adviser", [item], "risk_accepted", "Leverandøren bytter i januar",
                  review_on=date(2026, 11, 26))
    assert item not in by_item(demo_vern)
    at(monkeypatch, "2026-11-25T23:59:00+01:00")
    assert item not in by_item(demo_vern)
    at(monkeypatch, "2026-11-26T00:00:00+01:00")  # the review date has come, in Oslo
    returned = by_item(demo_vern)[item]
    assert (returned["status"], returned["urgency"]) == ("risk_accepted", "high")
    high = [r["item"] for r in items(demo_vern) if r["urgency"] == "high"]
    assert high[-1] == item  # behind the new ones of its urgency


def test_an_agreement_accepted_until_a_date_returns_then(demo_vern, monkeypatch):
    review.decide(demo_vern.store, demo_vern.config, "adviser", [VIPPS], "risk_accepted", "Ny avtale er til signering",
                  review_on=date(2026, 12, 1))
    assert VIPPS not in by_item(demo_vern)
    at(monkeypatch, "2026-12-01T08:00:00+01:00")
    assert by_item(demo_vern)[VIPPS]["status"] == "risk_accepted"


# -- decisions in the library -----------------------------------------------------------
def test_acknowledged_changes_the_finding_and_keeps_it_in_the_queue_behind_new_ones(demo_vern):
    item = finding_items(demo_vern)[0]
    assert review.decide(demo_vern.store, demo_vern.config, "adviser", [item], "acknowledged") == 1
    assert status_of(demo_vern, item) == "acknowledged"
    rows = items(demo_vern)
    row = next(r for r in rows if r["item"] == item)
    assert row["status"] == "acknowledged"
    # the last high item: after request #4 and breach #2 (critical), breach #1, #5, request #5
    # and 24 new high findings
    assert rows.index(row) == 29
    assert urgency_order(rows) == sorted(urgency_order(rows))
    entry = trail.listing(demo_vern.store, action="finding.status")[0]
    assert (entry["actor"], entry["object"], entry["details"]["to"]) == ("adviser", item[8:], "acknowledged")


def test_acknowledged_on_a_breach_keeps_it_in_the_queue(demo_vern):
    review.decide(demo_vern.store, demo_vern.config, "adviser", ["breach:1"], "acknowledged")
    rows = items(demo_vern, kind="breach")
    assert [(r["item"], r["status"]) for r in rows] == [
        ("breach:2", "open"), ("breach:5", "open"), ("breach:1", "acknowledged")]
    entry = trail.listing(demo_vern.store, action="review")[0]
    assert (entry["action"], entry["object"]) == ("review.acknowledged", "breach:1")


def test_assigned_to_an_active_user_with_a_due_date(demo_vern):
    item = finding_items(demo_vern)[0]
    review.decide(demo_vern.store, demo_vern.config, "adviser", [item], "assigned", assignee="adviser", due_on=date(2026, 12, 1))
    row = by_item(demo_vern)[item]
    assert (row["status"], row["assignee"], row["assigned_due"]) == ("open", "adviser", date(2026, 12, 1))
    assert status_of(demo_vern, item) == "open"  # an assignment is no decision on the finding
    entry = trail.listing(demo_vern.store, action="review.assigned")[0]
    assert (entry["actor"], entry["object"]) == ("adviser", item)
    assert entry["details"]["assignee"] == "adviser" and entry["details"]["due_on"] == "2026-12-01"
    review.decide(demo_vern.store, demo_vern.config, "adviser", [item], "assigned", assignee="staff", due_on=date(2026, 12, 3))
    assert by_item(demo_vern)[item]["assignee"] == "staff"  # the latest assignment counts


@pytest.mark.parametrize("assignee, due_on, message", [
    (None, date(2026, 12, 1), "assignee and due date: an assignment needs both"),
    ("adviser", None, "assignee and due date: an assignment needs both"),
    ("nobody", date(2026, 12, 1), "assignee: not an active user"),  # the username not repeated
    ("board", date(2026, 12, 1), "assignee: not an active user"),  # disabled below
])
def test_an_assignment_without_a_due_date_or_an_active_user_is_refused(demo_vern, assignee, due_on, message):
    users.set_disabled(demo_vern.store, "test", "board", True)
    item = finding_items(demo_vern)[0]
    before = written(demo_vern)
    with pytest.raises(VernError) as error:
        review.decide(demo_vern.store, demo_vern.config, "adviser", [item], "assigned", assignee=assignee, due_on=due_on)
    assert str(error.value) == message
    assert written(demo_vern) == before


def test_resolved_needs_a_note_and_takes_the_item_out_of_the_queue(demo_vern):
    finding = finding_items(demo_vern)[0]
    before = written(demo_vern)
    with pytest.raises(VernError, match="^note: say what was done$"):
        review.decide(demo_vern.store, demo_vern.config, "adviser", [finding], "resolved", "   ")
    assert written(demo_vern) == before
    review.decide(demo_vern.store, demo_vern.config, "adviser", [finding], "resolved", "Databehandleravtale signert 2026-11-20")
    review.decide(demo_vern.store, demo_vern.config, "adviser", [VIPPS], "resolved", "Avtalen er fornyet til 2029")
    assert status_of(demo_vern, finding) == "resolved"
    assert finding not in by_item(demo_vern) and VIPPS not in by_item(demo_vern)
    assert review.queue(demo_vern.store, demo_vern.config)["total"] == 44
    entry = trail.listing(demo_vern.store, action="review.resolved")[0]
    assert (entry["actor"], entry["object"]) == ("adviser", VIPPS)


@pytest.mark.parametrize("note, review_on", [("", date(2026, 12, 1)), ("Akseptert av styret", None)])
def test_risk_accepted_needs_a_reason_and_a_review_date(demo_vern, note, review_on):
    item = finding_items(demo_vern)[0]
    before = written(demo_vern)
    with pytest.raises(VernError, match="^note and review date: accepting a risk needs a reason and a date"):
        review.decide(demo_vern.store, demo_vern.config, "adviser", [item], "risk_accepted", note, review_on=review_on)
    assert written(demo_vern) == before and status_of(demo_vern, item) == "open"


def test_risk_accepted_leaves_the_queue_until_its_review_date(demo_vern):
    item = finding_items(demo_vern)[0]
    review.decide(demo_vern.store, demo_vern.config, "adviser", [item], "risk_accepted", "Akseptert av styret",
                  review_on=date(2027, 3, 1))
    found = demo_vern.store.rows("SELECT status, review_on FROM findings WHERE fingerprint = ?", [item[8:]])
    assert found == [{"status": "risk_accepted", "review_on": date(2027, 3, 1)}]
    assert item not in by_item(demo_vern)
    entry = trail.listing(demo_vern.store, action="finding.status")[0]
    assert entry["details"] == {"from": "open", "to": "risk_accepted", "review_on": "2027-03-01"}


def test_bulk_decides_several_findings_in_one_go(demo_vern):
    chosen = finding_items(demo_vern)[:3]
    assert review.decide(demo_vern.store, demo_vern.config, "adviser", chosen, "acknowledged") == 3
    assert [status_of(demo_vern, item) for item in chosen] == ["acknowledged"] * 3
    assert sorted(e["object"] for e in trail.listing(demo_vern.store, action="finding.status")) == \
        sorted(item[8:] for item in chosen)


def test_bulk_with_one_unknown_finding_decides_nothing(demo_vern):
    chosen = finding_items(demo_vern)[:3]
    before = written(demo_vern)
    with pytest.raises(VernError, match="^item 'finding:ffffffffffffffff': not in the review queue"):
        review.decide(demo_vern.store, demo_vern.config, "adviser", [*chosen, "finding:ffffffffffffffff"],
                      "acknowledged")
    assert written(demo_vern) == before
    assert [status_of(demo_vern, item) for item in chosen] == ["open"] * 3


@pytest.mark.parametrize("chosen, message", [
    (["breach:1", "finding:x"], "items: decide on items of one kind at a time (breach, finding)"),
    (["incident:1"], "item 'incident:1': not a review item (finding:…, breach:…, agreement:… or request:…)"),
    ([], "items: choose at least one item"),
])
def test_items_of_mixed_or_unknown_kinds_are_refused(demo_vern, chosen, message):
    before = written(demo_vern)
    with pytest.raises(VernError) as error:
        review.decide(demo_vern.store, demo_vern.config, "adviser", chosen, "acknowledged")
    assert str(error.value) == message
    assert written(demo_vern) == before


def test_notes_are_encrypted_at_rest_and_the_trail_stays_intact(demo_vern):
    note = "Ringte Kari i Vipps; ny avtale signert"
    review.decide(demo_vern.store, demo_vern.config, "adviser", [VIPPS], "resolved", note)
    raw = demo_vern.store.value("SELECT note FROM review_decisions WHERE item = ?", [VIPPS])
    assert raw and note not in raw and "Kari" not in raw
    assert demo_vern.store.keys.decrypt(raw, "review_decisions.note") == note
    assert all(note not in json.dumps(e["details"]) for e in trail.listing(demo_vern.store))
    assert review.this_week(demo_vern.store)["decisions"][0]["note"] == note
    assert trail.verify(demo_vern.store)[1] is None


# -- decisions from the command line ----------------------------------------------------
def test_every_action_from_the_command_line(demo_db):
    first, second, third = [r["item"] for r in cli_json(demo_db, "review", "list", "--kind", "finding")["items"][:3]]
    decide = lambda *args: cli(demo_db, "review", "decide", *args)  # noqa: E731
    done = decide(first, "--action", "acknowledged")
    assert (done.returncode, done.stdout) == (0, "1 item(s): acknowledged\n")
    assert decide(second, "--action", "assigned", "--assignee", "adviser", "--due", "2026-12-01").returncode == 0
    assert decide(third, "--action", "risk_accepted", "--note", "Akseptert",
                  "--review-on", "2027-01-15").returncode == 0
    assert decide(VIPPS, "--action", "resolved", "--note", "Fornyet").returncode == 0
    assert decide("breach:1", "breach:5", "--action", "acknowledged").stdout == "2 item(s): acknowledged\n"
    rows = {r["item"]: r for r in cli_json(demo_db, "review", "list")["items"]}
    assert rows[first]["status"] == "acknowledged"
    assert (rows[second]["status"], rows[second]["assignee"], rows[second]["assigned_due"]) == (
        "open", "adviser", "2026-12-01")
    assert third not in rows and VIPPS not in rows
    assert (rows["breach:1"]["status"], rows["breach:5"]["status"]) == ("acknowledged", "acknowledged")
    assert len(rows) == 44
    actions = [(e["action"], e["actor"], e["object"]) for e in
               reversed(cli_json(demo_db, "trail", "list", "--since", FIXED_NOW))]
    assert [a for a in actions if a[0].startswith(("review.", "finding.status"))] == [
        ("finding.status", "cli:tester", first[8:]), ("review.assigned", "cli:tester", second),
        ("finding.status", "cli:tester", third[8:]), ("review.resolved", "cli:tester", VIPPS),
        ("review.acknowledged", "cli:tester", "breach:1"), ("review.acknowledged", "cli:tester", "breach:5")]
    verified = cli(demo_db, "trail", "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout


def test_refusals_from_the_command_line_decide_nothing(demo_db):
    first, second = [r["item"] for r in cli_json(demo_db, "review", "list", "--kind", "finding")["items"][:2]]
    decide = lambda *args: cli(demo_db, "review", "decide", *args)  # noqa: E731
    # bokmål, the default language of the command line
    refused(decide(first, "--action", "resolved"), "Skriv hva som ble gjort.")
    refused(decide(first, "--action", "risk_accepted", "--note", "Akseptert"),
            "Å akseptere en risiko krever en begrunnelse og en dato for ny vurdering.")
    refused(decide(first, "--action", "assigned", "--assignee", "nobody", "--due", "2026-12-01"),
            "Den ansvarlige er ikke en aktiv bruker.")  # a username is not repeated: it may be personal data
    refused(decide(first, "--action", "assigned", "--assignee", "adviser"),
            "En tildeling krever både ansvarlig og frist.")
    refused(decide(first, "breach:1", "--action", "acknowledged"),
            "Ta stilling til saker av én type om gangen (breach, finding).")
    refused(decide(first, second, "finding:ffffffffffffffff", "--action", "acknowledged"),
            "'finding:ffffffffffffffff' står ikke i køen (se vern review list)")
    assert decide(first, "--action", "dismissed").returncode == 2  # not an action: usage
    rows = cli_json(demo_db, "review", "list")["items"]
    assert len(rows) == 46 and all(r["status"] == "open" for r in rows)
    assert cli_json(demo_db, "review", "week")["decisions"] == []


# -- this week --------------------------------------------------------------------------
def test_before_any_review_this_week_is_the_last_seven_days(demo_db):
    week = cli_json(demo_db, "review", "week")
    assert set(week) == {"since", "counts", "breaches_logged", "changes", "decisions"}
    assert week["since"] == "2026-11-17T11:00:00Z"
    assert week["counts"] == {"new": 42}
    assert week["breaches_logged"] == 5
    assert week["decisions"] == []
    assert len(week["changes"]) == 42
    assert set(week["changes"][0]) == {"fingerprint", "check", "rule", "severity", "change", "at"}
    assert {c["change"] for c in week["changes"]} == {"new"}


def test_after_a_review_only_later_changes_and_decisions_count(demo_db):
    assert cli(demo_db, "review", "decide", "breach:1", "--action", "acknowledged").returncode == 0
    held = cli(demo_db, "review", "done")
    assert (held.returncode, held.stdout) == (0, "review held at 2026-11-24 12:00\n")
    later = "2026-11-24T15:30:00+01:00"
    assert cli(demo_db, "review", "decide", "breach:5", "--action", "assigned", "--assignee", "adviser",
               "--due", "2026-11-25", now=later).returncode == 0
    breach = demo_db.parent / "breach.json"
    breach.write_text(json.dumps({"title": "Feil vedlegg", "aware_at": "2026-11-24T15:00:00+01:00"}))
    assert cli(demo_db, "breach", "add", "--file", str(breach), now=later).returncode == 0
    week = cli_json(demo_db, "review", "week", now=later)
    assert week["since"] == "2026-11-24T11:00:00Z"
    assert (week["counts"], week["changes"], week["breaches_logged"]) == ({}, [], 1)
    assert week["decisions"] == [{"item": "breach:5", "action": "assigned", "actor": "cli:tester",
                                  "at": "2026-11-24T14:30:00Z", "note": None, "assignee": "adviser",
                                  "due_on": "2026-11-25", "review_on": None}]
    entry = cli_json(demo_db, "trail", "list", "--action", "review.held")[0]
    assert (entry["actor"], entry["at_utc"][:19]) == ("cli:tester", "2026-11-24T11:00:00")


def test_changes_since_the_review_are_new_reopened_and_closed_findings(demo_vern, monkeypatch):
    review.hold(demo_vern.store, "adviser")
    [freshworks] = demo_vern.store.rows("SELECT * FROM processors WHERE name = 'Freshworks Inc.'")
    insert = f"INSERT INTO processors ({', '.join(freshworks)}) VALUES ({', '.join('?' * len(freshworks))})"
    at(monkeypatch, "2026-11-25T12:00:00+01:00")  # Freshworks leaves the register: its finding is closed
    with demo_vern.store.transaction() as tx:
        tx.execute("DELETE FROM processors WHERE name = 'Freshworks Inc.'")
    runner.run(demo_vern.store, demo_vern.config, demo_vern.checks["processors"], "manual")
    at(monkeypatch, "2026-11-26T12:00:00+01:00")  # back again, with a new one just like it
    with demo_vern.store.transaction() as tx:
        tx.execute(insert, list(freshworks.values()))
        tx.execute(insert, list({**freshworks, "name": "Nyleverandør AS"}.values()))
    runner.run(demo_vern.store, demo_vern.config, demo_vern.checks["processors"], "manual")
    week = review.this_week(demo_vern.store)
    assert week["since"] == NOW
    assert week["counts"] == {"new": 1, "reopened": 1, "closed": 1}
    changes = [(c["subject"], c["change"], c["happened_at"].date().isoformat()) for c in week["changes"]]
    assert sorted(changes[:2]) == [("Freshworks Inc. – Kundestøtte", "reopened", "2026-11-26"),
                                   ("Nyleverandør AS – Kundestøtte", "new", "2026-11-26")]
    assert changes[2] == ("Freshworks Inc. – Kundestøtte", "closed", "2026-11-25")  # newest first
    reopened = next(r for r in items(demo_vern, area="processors") if r["subject"] == "Freshworks Inc. – Kundestøtte")
    assert (reopened["status"], reopened["reopened"]) == ("open", True)
    assert findings.listing(demo_vern.store, check="processors", status="closed") == []


# -- the digest -------------------------------------------------------------------------
def test_the_digest_in_english_on_the_fixed_clock(demo_db):
    queue = cli_json(demo_db, "review", "list")["items"]
    assert cli(demo_db, "review", "decide", "breach:1", "--action", "acknowledged").returncode == 0
    out = demo_db.parent / "digest.md"
    result = cli(demo_db, "report", "digest", "--out", str(out), "--lang", "en")
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.strip() == f"{out}: weekly digest written"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:17] == [
        "# Vern – weekly digest", "",
        "Made 2026-11-24 12:00 (Oslo). Changes since 2026-11-17 12:00.", "",
        "## The queue: 46 items", "",
        "- Access: high 4, medium 3, low 1",
        "- Processing activities and risk: high 6, medium 2, low 1",
        "- Breaches: critical 1, high 2",
        "- Consent: high 3",
        "- Processors and transfers: high 5, medium 2",
        # critical: request #4, overdue; high: request #5; medium: the 2 findings not on a clock
        "- Data-subject requests: critical 1, high 1, medium 2",
        "- Retention: high 2, medium 1",
        "- Training: high 5, medium 3, low 1", "",
        "## The 10 most urgent", ""]
    top = lines[17:27]
    # Breach #1, acknowledged, now comes after the new items of its urgency.
    assert top[:3] == [
        "1. **critical** — Data-subject request #4, access (Art. 15): answer due 2026-11-20",
        "2. **critical** — Breach #2 Bærbar PC med deltakerlister stjålet: notification due 2026-11-24 04:00",
        "3. **high** — Breach #5 Kretsens medlemsregister delt med feil lenke: notification due 2026-11-25 07:00"]
    assert top[3:] == [f"{n}. **high** — {row['text']}" for n, row in enumerate(queue[4:11], 4)]
    assert lines[27:-2] == [
        "", "## This week", "",
        "42 new findings, 0 reopened, 0 closed by Vern, 5 breaches logged.", "",
        "- 2026-11-24 12:00 tester (command line): acknowledged breach #1"]
    assert lines[-2] == "" and lines[-1].startswith("Audit-trail head: entry ")  # tests/core/test_trail_check.py


def test_the_digest_in_bokmal_names_the_assignee(demo_db):
    assert cli(demo_db, "review", "decide", "breach:2", "--action", "assigned", "--assignee", "adviser",
               "--due", "2026-11-24").returncode == 0
    out = demo_db.parent / "ukesammendrag.md"
    assert cli(demo_db, "report", "digest", "--out", str(out), "--lang", "nb").returncode == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Vern – ukesammendrag\n\nLaget 24. nov. 2026 kl. 12.00 (Oslo). Endringer siden "
                           "17. nov. 2026 kl. 12.00.\n\n## Køen: 46 saker\n\n- Tilgang: høy 4, middels 3, lav 1\n")
    for line in ("- Avvik: kritisk 1, høy 2", "- Databehandlere og overføringer: høy 5, middels 2",
                 "## De 10 mest hastende",
                 "- Henvendelser fra de registrerte: kritisk 1, høy 1, middels 2",
                 # The items' dates in the reader's form, as on the review page.
                 "1. **kritisk** — Henvendelse #4 fra en registrert, innsyn (art. 15): svarfrist 20. nov. 2026",
                 "2. **kritisk** — Avvik #2 Bærbar PC med deltakerlister stjålet: fristen for melding er "
                 "24. nov. 2026 kl. 04.00 (tildelt adviser)",
                 "## Denne uken", "42 nye funn, 0 gjenåpnet, 0 lukket av Vern, 5 avvik meldt.",
                 "- 24. nov. 2026 kl. 12.00 tester (kommandolinjen): tildelt avvik #2"):
        assert line in text.splitlines(), line
    stdout = cli(demo_db, "report", "digest", "--lang", "nb")
    assert stdout.stdout == text


def test_the_digest_says_when_nothing_was_decided(demo_db):
    result = cli(demo_db, "report", "digest", "--lang", "nb")
    assert "\nIngen beslutninger siden forrige gjennomgang.\n\nRevisjonssporets hode: " in result.stdout


# -- the digest by mail and on schedule ---------------------------------------------------
def configure(vern, toml: str):
    path = vern.store.path.parent / "vern.toml"
    path.write_text(toml, encoding="utf-8")
    vern.config = configuration.load(path, vern.store.path, vern.checks)
    return path


def mail_toml(port: int, extra: str = "") -> str:
    return (f'language = "en"\n{extra}[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
            f'sender = "vern@vern.example"\nadvisers = {json.dumps(ADVISERS)}\n')


def test_the_digest_mailed_to_the_advisers_and_recorded_without_its_content(demo_vern, smtp):
    configure(demo_vern, mail_toml(smtp.port))
    expected = digest.markdown(demo_vern, "en")  # before the send is recorded: the head it names
    digest.send(demo_vern)
    [received], [message] = smtp.received, smtp.messages()
    assert received["to"] == ADVISERS
    assert message["Subject"] == "Vern – weekly digest"
    assert message["From"] == "vern@vern.example" and message["To"] == ", ".join(ADVISERS)
    body = message.get_content().replace("\r\n", "\n")
    assert body == expected
    for line in ("## The queue: 46 items", "- Breaches: critical 1, high 2",
                 "1. **critical** — Data-subject request #4, access (Art. 15): answer due 2026-11-20",
                 "2. **critical** — Breach #2 Bærbar PC med deltakerlister stjålet: notification due 2026-11-24 04:00"):
        assert line in body.splitlines()
    [entry] = trail.listing(demo_vern.store, action="review.digest")
    assert (entry["actor"], entry["object"], entry["details"]) == ("vern", "", {"advisers": 2, "refused": 0})


def test_a_digest_the_server_will_not_take_is_not_recorded_and_does_not_stop_the_scheduler(demo_vern):
    configure(demo_vern, mail_toml(free_port()))  # nobody listens there
    with pytest.raises(VernError, match="could not send"):
        digest.send(demo_vern)
    digest.scheduled(demo_vern)  # the scheduler's job swallows it: next week tries again
    assert trail.listing(demo_vern.store, action="review.digest") == []


def disabled_checks(vern) -> str:
    return "".join(f"[checks.{check}]\nenabled = false\n" for check in vern.checks)


def test_the_scheduler_sends_the_digest_on_the_configured_day_and_hour_in_oslo(vern, smtp):
    configure(vern, mail_toml(smtp.port, '[review]\ndigest_schedule = "30 8 * * 5"\n') + disabled_checks(vern))
    started = scheduler.start(vern)
    try:
        job = started.get_job("review-digest")
        assert job.func is digest.scheduled and job.args == (vern,)
        assert str(job.trigger.timezone) == "Europe/Oslo"
        fire = job.trigger.get_next_fire_time(None, NOW)
        assert fire.isoformat() == "2026-11-27T08:30:00+01:00"  # Friday 08:30 in Oslo
    finally:
        started.shutdown()
        vern.scheduler = None


def test_by_default_the_digest_goes_on_monday_at_seven(vern, smtp):
    configure(vern, mail_toml(smtp.port) + disabled_checks(vern))
    started = scheduler.start(vern)
    try:
        fire = started.get_job("review-digest").trigger.get_next_fire_time(None, NOW)
        assert fire.isoformat() == "2026-11-30T07:00:00+01:00"
    finally:
        started.shutdown()
        vern.scheduler = None


def test_without_mail_there_is_no_digest_job(vern):
    configure(vern, disabled_checks(vern))
    started = scheduler.start(vern)
    try:
        assert started.get_job("review-digest") is None
    finally:
        started.shutdown()
        vern.scheduler = None


@pytest.mark.parametrize("schedule", ["every monday", "0 7 * * 8", "61 7 * * 1"])
def test_a_bad_digest_schedule_is_refused_naming_the_key(vern, schedule):
    with pytest.raises(VernError, match=r"^configuration key review\.digest_schedule: "):
        configure(vern, f'[review]\ndigest_schedule = "{schedule}"\n')


def test_a_bad_digest_schedule_stops_the_command_line(db):
    bad = db.parent / "vern.toml"
    bad.write_text('[review]\ndigest_schedule = "mondays at seven"\n', encoding="utf-8")
    result = cli(db, "--lang", "en", "--config", str(bad), "review", "list")
    assert result.returncode == 1
    assert result.stderr.startswith("vern: configuration key review.digest_schedule: 'mondays at seven' "
                                    "is not a crontab line")


def test_the_queue_shows_a_findings_own_status_after_a_queue_decision(demo_vern):
    item = next(row["item"] for row in review.queue(demo_vern.store, demo_vern.config, kind="finding")["items"])
    review.decide(demo_vern.store, demo_vern.config, "adviser", [item], "acknowledged")
    findings.set_status(demo_vern.store, item.removeprefix("finding:"), "open", "adviser")
    row = next(r for r in review.queue(demo_vern.store, demo_vern.config, limit=100)["items"] if r["item"] == item)
    assert row["status"] == "open"


@pytest.mark.parametrize("item", ["breach:999", "agreement:nothing", "finding:ffff"])
def test_a_decision_on_an_item_not_in_the_queue_is_refused(demo_vern, item):
    with pytest.raises(VernError, match="not in the review queue"):
        review.decide(demo_vern.store, demo_vern.config, "adviser", [item], "assigned", assignee="adviser",
                      due_on=date(2026, 12, 1))
    assert not demo_vern.store.value("SELECT count(*) FROM review_decisions")
