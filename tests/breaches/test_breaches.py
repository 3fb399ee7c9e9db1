"""The breach register (issue 4, GDPR Art. 33-34) on a real DuckDB file and a fixed
clock: the 72-hour clock on UTC instants across daylight saving and the year end,
processor routing, bad input refused by field with nothing stored, the status flow,
assessments kept, decisions and overrides, late and phased notifications, closing,
staff seeing their own, encryption at rest and the audit trail."""

from datetime import timedelta

import pytest

from audits.breaches import register as breaches
from audits.core import clock, trail
from audits.core import config as configuration
from audits.core.errors import VernError
from audits.processors.register import import_register

REPORTER = "staff:kari"
ADVISER = "adviser:ingrid"
HEADER = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"
REGISTER = HEADER + "\nSuperOffice AS,CRM,NO,none,,2021-05-01,2027-05-06,2025-11-27\n"

MEDIUM = {"dpc": 4, "ei": 0.5, "cb": {}}                                # 2 → authority only
HIGH = {"dpc": 3, "ei": 0.75, "cb": {"confidentiality": 0.5, "integrity": 0.25}}  # 3 → both
LOW = {"dpc": 1, "ei": 0.25, "cb": {}}                                  # 0.25 → nobody


def valid(**changes) -> dict:
    data = {"title": "Medlemsliste sendt til feil adresse", "aware_at": "2026-11-24T10:00:00+01:00"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def add(vern, actor: str = REPORTER, **changes) -> int:
    return breaches.add(vern.store, vern.config, actor, valid(**changes))


def get(vern, breach_id: int) -> dict:
    return breaches.get(vern.store, None, breach_id)


def at(text: str):
    return clock.parse_instant(text)


def counts(store) -> dict[str, int]:
    tables = ("breaches", "breach_events", "breach_assessments", "breach_decisions",
              "breach_notifications", "trail")
    return {t: store.value(f"SELECT count(*) FROM {t}") for t in tables}


def refused(call, field: str, store) -> str:
    """The call is refused naming `field`, and nothing at all is written."""
    before = counts(store)
    with pytest.raises(VernError) as error:
        call()
    assert str(error.value).startswith(f"{field}: "), str(error.value)
    assert counts(store) == before
    return str(error.value)


@pytest.fixture
def register(vern, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    assert import_register(vern.store, path, "test") == 1


# -- the clock ----------------------------------------------------------------------------
def test_deadline_across_the_spring_dst_change(vern, monkeypatch):
    """The README's example: noticed 2026-03-28 10:00 Oslo (CET) → due 2026-03-31 11:00 Oslo (CEST)."""
    monkeypatch.setenv("VERN_NOW", "2026-03-29T12:00:00+02:00")
    record = get(vern, add(vern, aware_at="2026-03-28T10:00:00+01:00"))
    assert record["aware_at"] == "2026-03-28T09:00:00Z"
    assert record["deadline_at"] == "2026-03-31T09:00:00Z"
    assert record["deadline_local"] == "2026-03-31T11:00:00+02:00"
    assert record["hours_left"] == 47.0  # now is 10:00Z on the 29th


def test_deadline_across_the_autumn_dst_change(vern, monkeypatch):
    monkeypatch.setenv("VERN_NOW", "2026-10-26T12:00:00+01:00")
    record = get(vern, add(vern, aware_at="2026-10-24T10:00:00+02:00"))
    assert record["deadline_at"] == "2026-10-27T08:00:00Z"
    assert record["deadline_local"] == "2026-10-27T09:00:00+01:00"
    assert record["hours_left"] == 21.0


def test_deadline_at_year_end(vern, monkeypatch):
    monkeypatch.setenv("VERN_NOW", "2026-12-31T12:00:00+01:00")
    record = get(vern, add(vern, aware_at="2026-12-30T23:30:00+01:00"))
    assert record["deadline_at"] == "2027-01-02T22:30:00Z"
    assert record["deadline_local"] == "2027-01-02T23:30:00+01:00"
    assert record["hours_left"] == 59.5


def test_deadline_function_is_exact_elapsed_time(vern):
    aware = at("2026-03-28T10:00:00+01:00")
    due = breaches.deadline(aware, "controller", vern.config)
    assert due - aware == timedelta(hours=72)
    assert clock.local(due).isoformat() == "2026-03-31T11:00:00+02:00"
    # 72 elapsed hours are 71 wall-clock hours in autumn: the clock is not wall-clock arithmetic
    autumn = at("2026-10-24T10:00:00+02:00")
    assert clock.local(breaches.deadline(autumn, "controller", vern.config)).isoformat() \
        == "2026-10-27T09:00:00+01:00"


def test_an_aware_at_in_another_offset_is_the_same_instant(vern):
    record = get(vern, add(vern, aware_at="2026-11-24T09:00:00Z"))
    assert record["aware_at"] == "2026-11-24T09:00:00Z"
    assert record["deadline_at"] == "2026-11-27T09:00:00Z"
    assert record["deadline_local"] == "2026-11-27T10:00:00+01:00"


@pytest.mark.parametrize(("now", "hours_left"), [
    ("2026-11-24T12:00:00+01:00", 70.0),
    ("2026-11-27T08:45:00+01:00", 1.25),
    ("2026-11-27T10:00:00+01:00", 0.0),
    ("2026-11-27T11:30:00+01:00", -1.5),
    ("2026-11-30T10:00:00+01:00", -72.0),
])
def test_hours_left_positive_zero_and_negative(vern, monkeypatch, now, hours_left):
    breach_id = add(vern, aware_at="2026-11-24T10:00:00+01:00")
    monkeypatch.setenv("VERN_NOW", now)
    record = get(vern, breach_id)
    assert record["hours_left"] == hours_left
    assert record["clock_running"] is True


# -- processor routing ---------------------------------------------------------------------
def test_controller_breach_goes_to_datatilsynet(vern):
    record = get(vern, add(vern))
    assert (record["acting_as"], record["notify_to"], record["notify_recipient"]) == \
        ("controller", "datatilsynet", "authority")


def test_processor_breach_goes_to_the_controller_within_24_hours_by_default(vern):
    record = get(vern, add(vern, acting_as="processor", controller_name="Oslo krets"))
    assert record["acting_as"] == "processor"
    assert record["notify_to"] == "Oslo krets"
    assert record["notify_recipient"] == "controller"
    assert record["deadline_at"] == "2026-11-25T09:00:00Z"
    assert record["deadline_local"] == "2026-11-25T10:00:00+01:00"
    assert record["hours_left"] == 22.0


def test_processor_notice_hours_from_the_configuration(vern, db_path, tmp_path):
    toml = tmp_path / "vern.toml"
    toml.write_text("[breaches]\nprocessor_notice_hours = 12\n", encoding="utf-8")
    config = configuration.load(toml, db_path, vern.checks)
    assert config.breaches["processor_notice_hours"] == 12
    processor = breaches.add(vern.store, config, REPORTER,
                             valid(acting_as="processor", controller_name="Bergen krets"))
    controller = breaches.add(vern.store, config, REPORTER, valid())
    assert get(vern, processor)["deadline_local"] == "2026-11-24T22:00:00+01:00"
    assert get(vern, processor)["hours_left"] == 10.0
    # the 72 hours to Datatilsynet are the law, not a setting
    assert get(vern, controller)["deadline_local"] == "2026-11-27T10:00:00+01:00"


def test_processor_breach_refuses_notifying_the_authority(vern):
    breach_id = add(vern, acting_as="processor", controller_name="Oslo krets")
    message = refused(lambda: breaches.notify(vern.store, ADVISER, breach_id, "authority",
                                              at("2026-11-24T11:00:00+01:00"), "e-post"), "to", vern.store)
    assert "controller" in message
    record = breaches.notify(vern.store, ADVISER, breach_id, "controller",
                             at("2026-11-24T11:00:00+01:00"), "e-post til kretsleder")
    assert record["notifications"][0]["to"] == "controller"
    assert record["notifications"][0]["late"] is False
    assert record["notified_in_time"] is True
    assert record["clock_running"] is False


def test_controller_breach_refuses_notifying_a_controller(vern):
    breach_id = add(vern)
    message = refused(lambda: breaches.notify(vern.store, ADVISER, breach_id, "controller",
                                              at("2026-11-24T11:00:00+01:00"), "e-post"), "to", vern.store)
    assert "authority" in message


def test_processor_notification_after_its_24_hours_is_late(vern):
    breach_id = add(vern, acting_as="processor", controller_name="Oslo krets",
                    aware_at="2026-11-23T10:00:00+01:00")
    when = at("2026-11-24T10:30:00+01:00")  # 24.5 hours after awareness
    refused(lambda: breaches.notify(vern.store, ADVISER, breach_id, "controller", when, "e-post"),
            "delay_reason", vern.store)
    record = breaches.notify(vern.store, ADVISER, breach_id, "controller", when, "e-post",
                             "kretsleder var ikke å nå")
    assert record["notifications"][0]["late"] is True


# -- bad input: refused by field, nothing stored ---------------------------------------------
@pytest.mark.parametrize(("data", "field"), [
    ({"title": "x"}, "aware_at"),
    (valid(aware_at=""), "aware_at"),
    (valid(aware_at="2026-11-24T10:00:00"), "aware_at"),
    (valid(aware_at="2026-11-24"), "aware_at"),
    (valid(aware_at="i går kveld"), "aware_at"),
    (valid(aware_at=1764000000), "aware_at"),
    (valid(aware_at="2026-11-24T12:00:01+01:00"), "aware_at"),
    (valid(aware_at="2027-01-01T00:00:00Z"), "aware_at"),
    (valid(aware_at="9999-12-31T23:00:00-05:00"), "aware_at"),  # beyond the last instant Python holds
    (valid(aware_at="0001-01-01T00:30:00+01:00"), "aware_at"),  # before the first
    (valid(occurred_at="2026-11-24T10:00:01+01:00"), "occurred_at"),
    (valid(occurred_at="2026-11-24T08:00:00"), "occurred_at"),
    (valid(subjects_count=-1), "subjects_count"),
    (valid(records_count=-5), "records_count"),
    (valid(subjects_count=2.5), "subjects_count"),
    (valid(subjects_count="40"), "subjects_count"),
    (valid(records_count=True), "records_count"),
    (valid(subjects_count=10 ** 20), "subjects_count"),
    (valid(data_categories=["contact", "dna"]), "data_categories"),
    (valid(data_categories="contact"), "data_categories"),
    (valid(breach_types=["leak"]), "breach_types"),
    (valid(breach_types=["confidentiality", "Availability"]), "breach_types"),
    (valid(processor="Nobody AS"), "processor"),
    (valid(acting_as="processor"), "controller_name"),
    (valid(acting_as="processor", controller_name="   "), "controller_name"),
    (valid(acting_as="sub-processor"), "acting_as"),
    (valid(special_categories="yes"), "special_categories"),
    (valid(finding="no-such-fingerprint"), "finding"),
    (valid(severity="high"), "severity"),
    ({"aware_at": "2026-11-24T10:00:00+01:00"}, "title"),
    (valid(title="   "), "title"),
    (valid(title="x" * 301), "title"),
    (valid(title=["a list"]), "title"),
])
def test_bad_input_is_refused_by_field_and_nothing_stored(vern, register, data, field):
    refused(lambda: breaches.add(vern.store, vern.config, REPORTER, data), field, vern.store)
    assert breaches.listing(vern.store) == []


@pytest.mark.parametrize("data", [[], "a breach", None])
def test_a_breach_must_be_an_object(vern, data):
    refused(lambda: breaches.add(vern.store, vern.config, REPORTER, data), "breach", vern.store)


def test_every_field_is_kept(vern, register):
    breach_id = add(
        vern, description="Excel-fil med 40 medlemmer", occurred_at="2026-11-23T23:40:00+01:00",
        reported_by="Kari Nordmann", data_categories=["contact", "health", "contact"],
        special_categories=True, subjects_count=40, records_count=0,
        breach_types=["confidentiality"], processor="SuperOffice AS",
        consequences="Mottaker kan se helseopplysninger", measures="Bedt mottaker slette e-posten")
    record = get(vern, breach_id)
    assert {k: record[k] for k in (
        "id", "title", "status", "aware_at", "occurred_at", "description", "reported_by", "reporter",
        "data_categories", "special_categories", "subjects_count", "records_count", "breach_types",
        "processor", "consequences", "measures", "finding", "created_at", "closed_at", "summary",
        "severity", "assessment", "proposed", "decision", "notifications", "notified_in_time")} == {
        "id": breach_id, "title": "Medlemsliste sendt til feil adresse", "status": "open",
        "aware_at": "2026-11-24T09:00:00Z", "occurred_at": "2026-11-23T22:40:00Z",
        "description": "Excel-fil med 40 medlemmer", "reported_by": "Kari Nordmann", "reporter": REPORTER,
        "data_categories": ["contact", "health"], "special_categories": True, "subjects_count": 40,
        "records_count": 0, "breach_types": ["confidentiality"], "processor": "SuperOffice AS",
        "consequences": "Mottaker kan se helseopplysninger", "measures": "Bedt mottaker slette e-posten",
        "finding": None, "created_at": "2026-11-24T11:00:00Z", "closed_at": None, "summary": None,
        "severity": None, "assessment": None, "proposed": None, "decision": None, "notifications": [],
        "notified_in_time": None}
    assert [(e["kind"], e["actor"]) for e in record["timeline"]] == [("logged", REPORTER)]


def test_aware_at_equal_to_now_and_occurred_at_equal_to_aware_at_are_accepted(vern):
    record = get(vern, add(vern, aware_at="2026-11-24T12:00:00+01:00", occurred_at="2026-11-24T11:00:00Z"))
    assert record["aware_at"] == record["occurred_at"] == "2026-11-24T11:00:00Z"
    assert record["hours_left"] == 72.0


# -- assessment, decision ----------------------------------------------------------------------
def test_status_flow_open_assessed_notified_closed(vern):
    breach_id = add(vern)
    assert get(vern, breach_id)["status"] == "open"
    record = breaches.assess(vern.store, ADVISER, breach_id, HIGH)
    assert record["status"] == "assessed"
    assert record["severity"] == {"score": 3.0, "level": "high"}
    assert record["proposed"] == {"notify_authority": True, "notify_subjects": True}
    record = breaches.decide(vern.store, ADVISER, breach_id, True, True)
    assert record["status"] == "assessed"
    assert {k: record["decision"][k] for k in ("notify_authority", "notify_subjects", "overrides", "by",
                                                 "at", "reason")} == {
        "notify_authority": True, "notify_subjects": True, "overrides": False, "by": ADVISER,
        "at": "2026-11-24T11:00:00Z", "reason": None}
    record = breaches.notify(vern.store, ADVISER, breach_id, "authority", at("2026-11-24T11:30:00+01:00"),
                             "Altinn AR123")
    assert record["status"] == "notified"
    record = breaches.notify(vern.store, ADVISER, breach_id, "subjects", at("2026-11-24T11:45:00+01:00"),
                             "e-post til 40 medlemmer")
    assert record["status"] == "notified"
    record = breaches.close(vern.store, ADVISER, breach_id, "Sjekk mottaker før utsending")
    assert record["status"] == "closed"
    assert record["closed_at"] == "2026-11-24T11:00:00Z"
    assert record["summary"] == "Sjekk mottaker før utsending"
    assert record["clock_running"] is False
    assert [e["kind"] for e in record["timeline"]] == ["logged", "assessed", "decided", "notified",
                                                        "notified", "closed"]


def test_assessment_details_as_reached(vern):
    breach_id = add(vern)
    record = breaches.assess(vern.store, ADVISER, breach_id, {
        "dpc": {"data_type": "behavioural", "adjustment": 0.5}, "ei": 0.75,
        "cb": {"confidentiality": 0.25, "availability": 0.5, "malicious": True}, "data_unintelligible": True})
    assert record["assessment"] == {
        "dpc": 2.5, "data_type": "behavioural", "adjustment": 0.5, "ei": 0.75,
        "cb": {"confidentiality": 0.25, "integrity": 0.0, "availability": 0.5, "malicious": True},
        "data_unintelligible": True, "by": ADVISER, "at": "2026-11-24T11:00:00Z", "count": 1}
    # 2.5 × 0.75 + 1.25 = 3.125: high, but the data were unintelligible → subjects not told
    assert record["severity"] == {"score": 3.125, "level": "high"}
    assert record["proposed"] == {"notify_authority": True, "notify_subjects": False}


@pytest.mark.parametrize(("assessment", "severity", "proposed"), [
    (LOW, {"score": 0.25, "level": "low"}, (False, False)),
    (MEDIUM, {"score": 2.0, "level": "medium"}, (True, False)),
    (HIGH, {"score": 3.0, "level": "high"}, (True, True)),
    ({"dpc": 4, "ei": 1, "cb": {}}, {"score": 4.0, "level": "very_high"}, (True, True)),
    ({**HIGH, "data_unintelligible": True}, {"score": 3.0, "level": "high"}, (True, False)),
])
def test_assess_proposes_by_the_table(vern, assessment, severity, proposed):
    record = breaches.assess(vern.store, ADVISER, add(vern), assessment)
    assert record["severity"] == severity
    assert record["proposed"] == {"notify_authority": proposed[0], "notify_subjects": proposed[1]}


def test_reassessment_keeps_every_assessment_and_the_latest_wins(vern, monkeypatch):
    breach_id = add(vern)
    breaches.assess(vern.store, ADVISER, breach_id, MEDIUM)
    monkeypatch.setenv("VERN_NOW", "2026-11-24T13:00:00+01:00")
    record = breaches.assess(vern.store, "adviser:per", breach_id, HIGH)
    assert record["assessment"]["count"] == 2
    assert record["assessment"]["by"] == "adviser:per"
    assert record["assessment"]["at"] == "2026-11-24T12:00:00Z"
    assert record["severity"] == {"score": 3.0, "level": "high"}
    assert record["proposed"] == {"notify_authority": True, "notify_subjects": True}
    kept = vern.store.rows("SELECT score, level, actor FROM breach_assessments WHERE breach_id = ? ORDER BY id",
                           [breach_id])
    assert [(float(r["score"]), r["level"], r["actor"]) for r in kept] == [
        (2.0, "medium", ADVISER), (3.0, "high", "adviser:per")]
    # the decision is measured against the latest proposal: (yes, no) is now an override
    refused(lambda: breaches.decide(vern.store, ADVISER, breach_id, True, False), "reason", vern.store)


def test_reassessing_a_notified_breach_keeps_it_notified(vern):
    breach_id = add(vern)
    breaches.assess(vern.store, ADVISER, breach_id, MEDIUM)
    breaches.notify(vern.store, ADVISER, breach_id, "authority", at("2026-11-24T11:00:00+01:00"), "AR1")
    record = breaches.assess(vern.store, ADVISER, breach_id, HIGH)
    assert record["status"] == "notified"
    assert record["assessment"]["count"] == 2


def test_an_invalid_assessment_is_refused_and_nothing_stored(vern):
    breach_id = add(vern)
    refused(lambda: breaches.assess(vern.store, ADVISER, breach_id, {**MEDIUM, "ei": 0.3}), "ei", vern.store)
    assert get(vern, breach_id)["status"] == "open"


def test_assess_an_unknown_breach_is_refused(vern):
    refused(lambda: breaches.assess(vern.store, ADVISER, 999, MEDIUM), "breach 999", vern.store)


def test_decide_before_assess_is_refused(vern):
    breach_id = add(vern)
    message = refused(lambda: breaches.decide(vern.store, ADVISER, breach_id, True, False),
                      f"breach {breach_id}", vern.store)
    assert "assess" in message
    assert get(vern, breach_id)["decision"] is None


def test_an_override_needs_a_reason(vern):
    breach_id = add(vern)
    breaches.assess(vern.store, ADVISER, breach_id, MEDIUM)  # proposes (yes, no)
    refused(lambda: breaches.decide(vern.store, ADVISER, breach_id, True, True), "reason", vern.store)
    refused(lambda: breaches.decide(vern.store, ADVISER, breach_id, False, False, "   "), "reason", vern.store)
    record = breaches.decide(vern.store, ADVISER, breach_id, True, True,
                             "Medlemmene bør varsles: listen viser helseopplysninger")
    assert record["decision"]["overrides"] is True
    assert record["decision"]["reason"] == "Medlemmene bør varsles: listen viser helseopplysninger"
    assert (record["decision"]["notify_authority"], record["decision"]["notify_subjects"]) == (True, True)


def test_a_decision_that_follows_the_proposal_needs_no_reason(vern):
    breach_id = add(vern)
    breaches.assess(vern.store, ADVISER, breach_id, LOW)
    record = breaches.decide(vern.store, ADVISER, breach_id, False, False)
    assert record["decision"]["overrides"] is False
    assert record["clock_running"] is False  # nobody to notify: no clock to watch


def test_the_latest_decision_wins(vern):
    breach_id = add(vern)
    breaches.assess(vern.store, ADVISER, breach_id, MEDIUM)
    breaches.decide(vern.store, ADVISER, breach_id, True, False)
    record = breaches.decide(vern.store, ADVISER, breach_id, False, False, "Kryptert minnepinne")
    assert record["decision"]["notify_authority"] is False
    assert record["decision"]["overrides"] is True
    assert vern.store.value("SELECT count(*) FROM breach_decisions WHERE breach_id = ?", [breach_id]) == 2


# -- notifications ------------------------------------------------------------------------------
def test_a_late_notification_needs_a_delay_reason(vern):
    breach_id = add(vern, aware_at="2026-11-20T10:00:00+01:00")  # due 2026-11-23 10:00 Oslo
    when = at("2026-11-23T10:00:01+01:00")
    message = refused(lambda: breaches.notify(vern.store, ADVISER, breach_id, "authority", when, "AR9"),
                      "delay_reason", vern.store)
    assert "2026-11-23 10:00" in message
    refused(lambda: breaches.notify(vern.store, ADVISER, breach_id, "authority", when, "AR9", "  "),
            "delay_reason", vern.store)
    record = breaches.notify(vern.store, ADVISER, breach_id, "authority", when, "AR9",
                             "Rådgiveren var syk i helgen")
    assert record["notifications"] == [{
        "to": "authority", "at": "2026-11-23T09:00:01Z", "reference": "AR9", "phase": 1, "late": True,
        "by": ADVISER, "delay_reason": "Rådgiveren var syk i helgen"}]
    assert record["notified_in_time"] is False
    assert record["clock_running"] is False


def test_a_notification_exactly_at_the_deadline_is_in_time(vern):
    breach_id = add(vern, aware_at="2026-11-20T10:00:00+01:00")
    record = breaches.notify(vern.store, ADVISER, breach_id, "authority", at("2026-11-23T10:00:00+01:00"), "AR1")
    assert record["notifications"][0]["late"] is False
    assert record["notifications"][0]["delay_reason"] is None
    assert record["notified_in_time"] is True


def test_subjects_are_never_late_by_the_72_hour_clock(vern):
    breach_id = add(vern, aware_at="2026-11-20T10:00:00+01:00")
    record = breaches.notify(vern.store, ADVISER, breach_id, "subjects", at("2026-11-24T10:00:00+01:00"), "e-post")
    assert record["notifications"][0]["late"] is False
    assert record["clock_running"] is True  # the authority is still owed its notice


def test_notifications_to_the_same_recipient_are_phases(vern):
    breach_id = add(vern)
    breaches.notify(vern.store, ADVISER, breach_id, "authority", at("2026-11-24T10:30:00+01:00"), "AR1")
    breaches.notify(vern.store, ADVISER, breach_id, "subjects", at("2026-11-24T11:00:00+01:00"), "SMS")
    record = breaches.notify(vern.store, ADVISER, breach_id, "authority", at("2026-11-24T11:30:00+01:00"),
                             "AR1 tillegg")
    assert [(n["to"], n["phase"], n["reference"]) for n in record["notifications"]] == [
        ("authority", 1, "AR1"), ("subjects", 1, "SMS"), ("authority", 2, "AR1 tillegg")]


def test_notify_in_the_future_is_refused(vern):
    breach_id = add(vern)
    refused(lambda: breaches.notify(vern.store, ADVISER, breach_id, "authority",
                                    at("2026-11-24T12:00:01+01:00"), "AR1"), "at", vern.store)
    record = breaches.notify(vern.store, ADVISER, breach_id, "authority", at("2026-11-24T12:00:00+01:00"), "AR1")
    assert record["notifications"][0]["at"] == "2026-11-24T11:00:00Z"


@pytest.mark.parametrize(("recipient", "when", "reference", "field"), [
    ("authority", "2026-11-24T09:59:59+01:00", "AR1", "at"),  # before the breach was noticed
    ("authority", "2026-11-24T11:00:00+01:00", "   ", "reference"),
    ("authority", "2026-11-24T11:00:00+01:00", "x" * 301, "reference"),
    ("datatilsynet", "2026-11-24T11:00:00+01:00", "AR1", "to"),
])
def test_bad_notifications_are_refused(vern, recipient, when, reference, field):
    breach_id = add(vern)
    refused(lambda: breaches.notify(vern.store, ADVISER, breach_id, recipient, at(when), reference),
            field, vern.store)
    assert get(vern, breach_id)["status"] == "open"


# -- closing ---------------------------------------------------------------------------------
def test_close_needs_a_summary(vern):
    breach_id = add(vern)
    breaches.assess(vern.store, ADVISER, breach_id, LOW)
    breaches.decide(vern.store, ADVISER, breach_id, False, False)
    refused(lambda: breaches.close(vern.store, ADVISER, breach_id, ""), "summary", vern.store)
    refused(lambda: breaches.close(vern.store, ADVISER, breach_id, "   "), "summary", vern.store)
    record = breaches.close(vern.store, ADVISER, breach_id, "Ingen varsling: kun navn, én mottaker")
    assert record["status"] == "closed"
    assert record["notifications"] == []


def test_close_without_a_decision_is_refused(vern):
    breach_id = add(vern)
    breaches.assess(vern.store, ADVISER, breach_id, LOW)
    message = refused(lambda: breaches.close(vern.store, ADVISER, breach_id, "Lært"), f"breach {breach_id}",
                      vern.store)
    assert "decide" in message


def test_close_before_the_decided_notifications_are_recorded_is_refused(vern):
    breach_id = add(vern)
    breaches.assess(vern.store, ADVISER, breach_id, HIGH)
    breaches.decide(vern.store, ADVISER, breach_id, True, True)
    message = refused(lambda: breaches.close(vern.store, ADVISER, breach_id, "Lært"), f"breach {breach_id}",
                      vern.store)
    assert "authority" in message
    breaches.notify(vern.store, ADVISER, breach_id, "authority", at("2026-11-24T11:00:00+01:00"), "AR1")
    message = refused(lambda: breaches.close(vern.store, ADVISER, breach_id, "Lært"), f"breach {breach_id}",
                      vern.store)
    assert "subjects" in message
    breaches.notify(vern.store, ADVISER, breach_id, "subjects", at("2026-11-24T11:10:00+01:00"), "e-post")
    assert breaches.close(vern.store, ADVISER, breach_id, "Lært")["status"] == "closed"


def test_processor_breach_closes_once_the_controller_is_told(vern):
    breach_id = add(vern, acting_as="processor", controller_name="Oslo krets")
    breaches.assess(vern.store, ADVISER, breach_id, MEDIUM)
    breaches.decide(vern.store, ADVISER, breach_id, True, False)
    message = refused(lambda: breaches.close(vern.store, ADVISER, breach_id, "Lært"), f"breach {breach_id}",
                      vern.store)
    assert "controller" in message
    breaches.notify(vern.store, ADVISER, breach_id, "controller", at("2026-11-24T11:00:00+01:00"), "e-post")
    assert breaches.close(vern.store, ADVISER, breach_id, "Lært")["status"] == "closed"


def test_a_closed_breach_refuses_further_changes(vern):
    breach_id = add(vern)
    breaches.assess(vern.store, ADVISER, breach_id, LOW)
    breaches.decide(vern.store, ADVISER, breach_id, False, False)
    breaches.close(vern.store, ADVISER, breach_id, "Lært")
    now = at("2026-11-24T11:00:00+01:00")
    for call in (lambda: breaches.assess(vern.store, ADVISER, breach_id, HIGH),
                 lambda: breaches.decide(vern.store, ADVISER, breach_id, False, False),
                 lambda: breaches.notify(vern.store, ADVISER, breach_id, "authority", now, "AR1"),
                 lambda: breaches.add_information(vern.store, REPORTER, breach_id, "Mer info"),
                 lambda: breaches.close(vern.store, ADVISER, breach_id, "Igjen")):
        assert "closed" in refused(call, f"breach {breach_id}", vern.store)
    record = get(vern, breach_id)
    assert (record["status"], record["summary"], record["severity"]["level"]) == ("closed", "Lært", "low")


def test_information_added_in_phases_is_kept_in_the_timeline(vern, monkeypatch):
    breach_id = add(vern)
    monkeypatch.setenv("VERN_NOW", "2026-11-24T14:00:00+01:00")
    breaches.add_information(vern.store, REPORTER, breach_id, "  Mottakeren har slettet e-posten  ")
    refused(lambda: breaches.add_information(vern.store, REPORTER, breach_id, " "), "information", vern.store)
    record = get(vern, breach_id)
    assert record["timeline"][-1] == {"at": "2026-11-24T13:00:00Z", "actor": REPORTER, "kind": "added",
                                      "detail": "Mottakeren har slettet e-posten"}
    assert record["status"] == "open"


# -- listing and who sees what ---------------------------------------------------------------
def test_listing_puts_running_clocks_first_most_overdue_first(vern):
    due_70 = add(vern, aware_at="2026-11-24T10:00:00+01:00")
    closed = add(vern, aware_at="2026-11-19T10:00:00+01:00")
    overdue_26 = add(vern, aware_at="2026-11-20T10:00:00+01:00")
    notified = add(vern, aware_at="2026-11-23T10:00:00+01:00")
    due_24 = add(vern, aware_at="2026-11-22T12:00:00+01:00")
    overdue_2 = add(vern, acting_as="processor", controller_name="Oslo krets",
                    aware_at="2026-11-23T10:00:00+01:00")
    breaches.assess(vern.store, ADVISER, closed, LOW)
    breaches.decide(vern.store, ADVISER, closed, False, False)
    breaches.close(vern.store, ADVISER, closed, "Lært")
    breaches.notify(vern.store, ADVISER, notified, "authority", at("2026-11-23T12:00:00+01:00"), "AR1")

    listed = breaches.listing(vern.store)
    assert [(r["id"], r["clock_running"], r["hours_left"]) for r in listed] == [
        (overdue_26, True, -26.0), (overdue_2, True, -2.0), (due_24, True, 24.0), (due_70, True, 70.0),
        (notified, False, 46.0), (closed, False, -50.0)]
    assert [r["id"] for r in breaches.listing(vern.store, open_only=True)] == [
        overdue_26, overdue_2, due_24, due_70, notified]


def test_staff_see_only_their_own_breaches(vern):
    mine = add(vern, actor="staff:kari")
    theirs = add(vern, actor="staff:ola", title="Mistet minnepinne")
    assert breaches.get(vern.store, "staff:kari", mine)["reporter"] == "staff:kari"
    with pytest.raises(VernError, match=rf"^breach {theirs}: not found"):
        breaches.get(vern.store, "staff:kari", theirs)
    assert [r["id"] for r in breaches.listing(vern.store, reporter="staff:kari")] == [mine]
    assert [r["id"] for r in breaches.listing(vern.store, reporter="staff:ola")] == [theirs]
    assert {r["id"] for r in breaches.listing(vern.store)} == {mine, theirs}


def test_an_unknown_breach_is_not_found(vern):
    with pytest.raises(VernError, match=r"^breach 42: not found"):
        breaches.get(vern.store, None, 42)


# -- encryption at rest ------------------------------------------------------------------------
def test_sensitive_fields_are_stored_encrypted_and_read_back_in_clear(vern):
    clear = {"title": "Helseliste på avveie", "description": "Sendt til feil e-post",
             "reported_by": "Kari Nordmann", "consequences": "Mottaker ser diagnoser",
             "measures": "Mottaker har bekreftet sletting"}
    breach_id = add(vern, aware_at="2026-11-20T10:00:00+01:00", **clear)
    breaches.assess(vern.store, ADVISER, breach_id, MEDIUM)
    breaches.decide(vern.store, ADVISER, breach_id, True, True, "Helseopplysninger: medlemmene varsles")
    breaches.notify(vern.store, ADVISER, breach_id, "authority", at("2026-11-24T09:00:00+01:00"), "AR1",
                    "Oppdaget sent i helgen")
    breaches.notify(vern.store, ADVISER, breach_id, "subjects", at("2026-11-24T09:30:00+01:00"), "brev")
    breaches.add_information(vern.store, REPORTER, breach_id, "Mottaker heter Ola")
    breaches.close(vern.store, ADVISER, breach_id, "Bruk BCC og dobbeltsjekk")

    raw = vern.store.rows(f"SELECT {', '.join(clear)}, summary FROM breaches WHERE id = ?", [breach_id])[0]
    raw["reason"] = vern.store.value("SELECT reason FROM breach_decisions WHERE breach_id = ?", [breach_id])
    raw["delay_reason"] = vern.store.value(
        "SELECT delay_reason FROM breach_notifications WHERE breach_id = ? AND recipient = 'authority'", [breach_id])
    raw["detail"] = vern.store.value(
        "SELECT detail FROM breach_events WHERE breach_id = ? AND kind = 'added'", [breach_id])
    for field, value in raw.items():
        assert value.startswith("enc1:"), field
    secrets = [*clear.values(), "Bruk BCC", "Helseopplysninger", "Oppdaget sent", "Mottaker heter Ola"]
    dump = repr(vern.store.rows("SELECT * FROM breaches")) + repr(vern.store.rows("SELECT * FROM breach_decisions")) \
        + repr(vern.store.rows("SELECT * FROM breach_notifications")) + repr(vern.store.rows("SELECT * FROM breach_events"))
    for secret in secrets:
        assert secret not in dump

    record = get(vern, breach_id)
    assert {k: record[k] for k in clear} == clear
    assert record["summary"] == "Bruk BCC og dobbeltsjekk"
    assert record["decision"]["reason"] == "Helseopplysninger: medlemmene varsles"
    assert record["notifications"][0]["delay_reason"] == "Oppdaget sent i helgen"
    assert [e["detail"] for e in record["timeline"] if e["kind"] == "added"] == ["Mottaker heter Ola"]


# -- the audit trail ---------------------------------------------------------------------------
def test_every_step_appends_to_the_audit_trail(vern):
    breach_id = add(vern, actor=REPORTER)
    breaches.add_information(vern.store, REPORTER, breach_id, "Mer")
    breaches.assess(vern.store, ADVISER, breach_id, MEDIUM)
    breaches.decide(vern.store, ADVISER, breach_id, True, False)
    breaches.notify(vern.store, ADVISER, breach_id, "authority", at("2026-11-24T11:00:00+01:00"), "AR1")
    breaches.notify(vern.store, ADVISER, breach_id, "authority", at("2026-11-24T11:30:00+01:00"), "AR1-2")
    breaches.close(vern.store, ADVISER, breach_id, "Lært")
    entries = list(reversed(trail.listing(vern.store, action="breach")))
    assert [(e["actor"], e["action"], e["object"], e["details"]) for e in entries] == [
        (REPORTER, "breach.add", str(breach_id), {"acting_as": "controller", "finding": None}),
        (REPORTER, "breach.add_information", str(breach_id), {}),
        (ADVISER, "breach.assess", str(breach_id), {"score": "2.0", "level": "medium"}),
        (ADVISER, "breach.decide", str(breach_id),
         {"notify_authority": True, "notify_subjects": False, "overrides": False}),
        (ADVISER, "breach.notify", str(breach_id), {"to": "authority", "phase": 1, "late": False}),
        (ADVISER, "breach.notify", str(breach_id), {"to": "authority", "phase": 2, "late": False}),
        (ADVISER, "breach.close", str(breach_id), {}),
    ]
    assert all(e["at_utc"] == "2026-11-24T11:00:00Z" for e in entries)
    count, problem = trail.verify(vern.store)
    assert problem is None
    assert count == vern.store.value("SELECT count(*) FROM trail")
    # no personal data in clear in the trail
    assert "Medlemsliste" not in repr(entries)
