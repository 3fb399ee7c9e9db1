"""The six rules of the check access_logs, each on both sides of its threshold.

People, systems and grants are written as CSV and imported through audits.directory;
events are written in the csv access-log format (or taken from the vendor fixtures) and
imported; the check is run through the runner and its findings read from the register.
Today is 2026-11-24 (a Tuesday); November is winter time in Oslo (UTC+01:00).
"""

import json
from datetime import date, datetime, time, timedelta
from itertools import count
from pathlib import Path

import pytest

from audits.access import directory
from audits.access import logs as access_logs
from audits.checking import runner
from audits.core import clock
from audits.core.errors import VernError
from checks.access_logs import AccessLogsCheck
from conftest import config_with, open_findings

FIXTURES = Path(__file__).resolve().parent / "fixtures"

PEOPLE = """email,name,kind,handles_personal_data,started_on,left_on,district
kari@example.org,Kari Nordmann,employee,yes,2020-01-15,,
ola@example.org,Ola Hansen,employee,yes,2021-03-01,2026-11-10,
per@example.org,Per Berg,volunteer,yes,2022-05-01,,Vest
"""
SYSTEMS = """name,holds_personal_data,classification,match
CRM,yes,confidential,s3:members-crm
Payroll,yes,strictly_confidential,
Wiki,no,internal,
"""
GRANTS = """email,system,granted_on,revoked_on
kari@example.org,CRM,2020-02-01,
ola@example.org,CRM,2021-03-01,
per@example.org,CRM,2022-05-01,
kari@example.org,Payroll,2026-11-05,2026-11-12
"""

KARI, OLA, PER = "kari@example.org", "ola@example.org", "per@example.org"
STRANGER = "stranger@example.net"
_files = count(1)


@pytest.fixture
def vern(vern, tmp_path):
    """The directory loaded: Kari (CRM always, Payroll 5-12 November), Ola (left on
    2026-11-10), Per (CRM)."""
    for name, text, load in (("people.csv", PEOPLE, directory.import_people),
                             ("systems.csv", SYSTEMS, directory.import_systems),
                             ("grants.csv", GRANTS, directory.import_grants)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        load(vern.store, path, "test")
    return vern


def p(vern, email: str) -> str:
    return vern.store.keys.pseudonym(email)


def log(vern, *events: tuple) -> None:
    """Import events (timestamp, email, system, action[, records]) as a csv access log."""
    path = vern.store.path.parent / f"events-{next(_files)}.csv"
    lines = ["timestamp,actor,system,action,records"]
    for timestamp, email, system, action, *records in events:
        lines.append(f"{timestamp},{email},{system},{action},{records[0] if records else 1}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    access_logs.import_files(vern.store, [path], "csv", "test")


def findings(vern, rule: str, toml: str = "") -> dict[str, str]:
    return open_findings(vern, AccessLogsCheck, rule, toml)


def behind(vern, rule: str, subject: str) -> list[tuple]:
    return sorted((e["happened_at"], e["action"], e["system"], e["records"])
                  for e in AccessLogsCheck.evidence(vern.store, vern.config.check("access_logs"),
                                                    {"rule": rule, "subject": subject}))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- access_unknown_actor -------------------------------------------------------------
UNKNOWN = "access_unknown_actor"


def test_unknown_account_using_a_system_is_a_finding(vern):
    log(vern, ("2026-11-16T09:00:00+01:00", STRANGER, "CRM", "read"),
        ("2026-11-16T10:00:00+01:00", STRANGER, "CRM", "download"))
    stranger = p(vern, STRANGER)
    assert findings(vern, UNKNOWN) == {
        stranger: f"{stranger}, who is not in the people directory, has 2 events in CRM "
                  "from 2026-11-16 09:00 to 2026-11-16 10:00."}


def test_people_in_the_directory_are_not_unknown(vern):
    log(vern, ("2026-11-16T09:00:00+01:00", KARI, "CRM", "read"),
        ("2026-11-16T09:00:00+01:00", OLA, "CRM", "read"))
    assert findings(vern, UNKNOWN) == {}


def test_address_case_does_not_make_a_known_person_unknown(vern):
    log(vern, ("2026-11-16T09:00:00+01:00", "Kari@Example.ORG", "CRM", "read"))
    assert findings(vern, UNKNOWN) == {}


def test_sign_in_of_an_unknown_account_is_a_finding_without_a_system(vern):
    log(vern, ("2026-11-16T09:00:00+01:00", STRANGER, "", "signin"))
    stranger = p(vern, STRANGER)
    assert findings(vern, UNKNOWN) == {
        stranger: f"{stranger}, who is not in the people directory, has 1 events in sign-in "
                  "from 2026-11-16 09:00 to 2026-11-16 09:00."}


def test_failed_sign_ins_and_denied_requests_of_an_unknown_account_are_not(vern):
    log(vern, ("2026-11-16T09:00:00+01:00", STRANGER, "", "signin_failed"),
        ("2026-11-16T09:01:00+01:00", STRANGER, "", "signin_failed"),
        ("2026-11-16T09:02:00+01:00", STRANGER, "CRM", "denied"))
    assert findings(vern, UNKNOWN) == {}


def test_unmapped_events_of_an_unknown_account_are_not_judged(vern):
    log(vern, ("2026-11-16T09:00:00+01:00", STRANGER, "Nowhere", "download"))
    assert findings(vern, UNKNOWN) == {}


def test_service_identities_are_not_unknown_accounts(vern):
    """The CloudTrail fixture: Kari and Ola, and AWS CloudTrail itself reading the bucket's
    ACL (an AWSService identity) on the CRM bucket."""
    tree = FIXTURES / "cloudtrail" / "AWSLogs" / "111122223333" / "CloudTrail"
    access_logs.import_files(vern.store, [tree], "cloudtrail", "test")
    service = p(vern, "cloudtrail.amazonaws.com")
    assert vern.store.value("SELECT count(*) FROM access_events e JOIN access_resources r USING (resource) "
                            "WHERE actor = ? AND r.system = 'CRM'", [service]) == 1
    assert findings(vern, UNKNOWN) == {}


def test_behind_an_unknown_account_are_exactly_its_judged_events(vern):
    log(vern, ("2026-11-16T09:00:00+01:00", STRANGER, "CRM", "read"),
        ("2026-11-16T10:00:00+01:00", STRANGER, "CRM", "download"),
        ("2026-11-16T10:30:00+01:00", STRANGER, "Nowhere", "read"),  # not judged
        ("2026-11-16T08:59:00+01:00", STRANGER, "", "signin_failed"))  # not counted
    stranger = p(vern, STRANGER)
    assert "has 2 events" in findings(vern, UNKNOWN)[stranger]
    assert behind(vern, UNKNOWN, stranger) == [
        (at("2026-11-16T09:00:00+01:00"), "read", "CRM", 1),
        (at("2026-11-16T10:00:00+01:00"), "download", "CRM", 1)]


# -- access_after_offboarding ---------------------------------------------------------
LEFT = "access_after_offboarding"


def test_use_on_the_leaving_day_in_oslo_is_fine(vern):
    log(vern, ("2026-11-10T23:59:00+01:00", OLA, "CRM", "read"))
    assert findings(vern, LEFT) == {}


def test_use_the_day_after_leaving_is_a_finding(vern):
    log(vern, ("2026-11-11T09:00:00+01:00", OLA, "CRM", "read"),
        ("2026-11-12T14:30:00+01:00", OLA, "CRM", "download"))
    ola = p(vern, OLA)
    assert findings(vern, LEFT) == {
        ola: f"{ola} left on 2026-11-10 but has 2 events in CRM from 2026-11-11 09:00 to 2026-11-12 14:30."}


def test_2330_utc_on_the_leaving_day_is_already_the_next_day_in_oslo(vern):
    log(vern, ("2026-11-10T23:30:00Z", OLA, "CRM", "read"))
    ola = p(vern, OLA)
    assert findings(vern, LEFT) == {
        ola: f"{ola} left on 2026-11-10 but has 1 events in CRM from 2026-11-11 00:30 to 2026-11-11 00:30."}


def test_2259_utc_on_the_leaving_day_is_still_that_day_in_oslo(vern):
    log(vern, ("2026-11-10T22:59:00Z", OLA, "CRM", "read"))
    assert findings(vern, LEFT) == {}


def test_sign_in_after_leaving_is_a_finding(vern):
    log(vern, ("2026-11-11T09:00:00+01:00", OLA, "", "signin"))
    ola = p(vern, OLA)
    assert findings(vern, LEFT) == {
        ola: f"{ola} left on 2026-11-10 but has 1 events in sign-in from 2026-11-11 09:00 to 2026-11-11 09:00."}


def test_failed_and_denied_attempts_after_leaving_are_not(vern):
    log(vern, ("2026-11-11T09:00:00+01:00", OLA, "", "signin_failed"),
        ("2026-11-11T09:01:00+01:00", OLA, "CRM", "denied"))
    assert findings(vern, LEFT) == {}


def test_behind_an_access_after_leaving_are_exactly_the_events_after_leaving(vern):
    log(vern, ("2026-11-09T09:00:00+01:00", OLA, "CRM", "read"),  # still employed
        ("2026-11-11T09:00:00+01:00", OLA, "CRM", "read"),
        ("2026-11-11T08:55:00+01:00", OLA, "", "signin_failed"))  # not counted
    ola = p(vern, OLA)
    assert "has 1 events" in findings(vern, LEFT)[ola]
    assert behind(vern, LEFT, ola) == [(at("2026-11-11T09:00:00+01:00"), "read", "CRM", 1)]


# -- access_without_grant -------------------------------------------------------------
NO_GRANT = "access_without_grant"


@pytest.mark.parametrize(("when", "finding"), [
    ("2026-11-04T23:59:00+01:00", True),  # the day before granted_on
    ("2026-11-05T00:00:00+01:00", False),  # granted_on
    ("2026-11-04T23:30:00Z", False),  # 00:30 on granted_on in Oslo
    ("2026-11-12T23:59:00+01:00", False),  # revoked_on
    ("2026-11-12T23:30:00Z", True),  # 00:30 the day after revoked_on in Oslo
    ("2026-11-13T09:00:00+01:00", True),
], ids=["day-before-grant", "granted-on", "granted-on-in-oslo", "revoked-on", "day-after-in-oslo",
        "after-revoked"])
def test_grant_window_is_inclusive_in_oslo_days(vern, when, finding):
    log(vern, (when, KARI, "Payroll", "read"))
    subject = f"{p(vern, KARI)} · Payroll"
    assert (subject in findings(vern, NO_GRANT)) is finding


def test_use_without_grant_names_person_system_window_and_count(vern):
    log(vern, ("2026-11-03T10:00:00+01:00", KARI, "Payroll", "read"),
        ("2026-11-03T10:05:00+01:00", KARI, "Payroll", "download"),
        ("2026-11-16T11:00:00+01:00", KARI, "Payroll", "write"))
    kari = p(vern, KARI)
    assert findings(vern, NO_GRANT) == {
        f"{kari} · Payroll": f"{kari} used Payroll 3 times from 2026-11-03 10:00 to 2026-11-16 11:00 "
                             "without a recorded grant."}


def test_person_with_a_grant_is_fine(vern):
    log(vern, ("2026-11-16T10:00:00+01:00", PER, "CRM", "download"))
    assert findings(vern, NO_GRANT) == {}


def test_systems_without_personal_data_need_no_grant(vern):
    log(vern, ("2026-11-16T10:00:00+01:00", KARI, "Wiki", "read"))
    assert findings(vern, NO_GRANT) == {}


def test_denied_requests_need_no_grant(vern):
    log(vern, ("2026-11-16T10:00:00+01:00", PER, "Payroll", "denied"))
    assert findings(vern, NO_GRANT) == {}


def test_use_after_leaving_is_judged_as_offboarding_not_as_missing_grant(vern):
    log(vern, ("2026-11-11T10:00:00+01:00", OLA, "Payroll", "read"))
    ola = p(vern, OLA)
    assert findings(vern, NO_GRANT) == {}
    assert ola in findings(vern, LEFT)


def test_behind_a_use_without_grant_are_exactly_the_events_outside_the_grant(vern):
    log(vern, ("2026-11-04T10:00:00+01:00", KARI, "Payroll", "read"),
        ("2026-11-06T10:00:00+01:00", KARI, "Payroll", "read"))  # within the grant
    subject = f"{p(vern, KARI)} · Payroll"
    assert "1 times" in findings(vern, NO_GRANT)[subject]
    assert behind(vern, NO_GRANT, subject) == [(at("2026-11-04T10:00:00+01:00"), "read", "Payroll", 1)]


# -- access_bulk_export ---------------------------------------------------------------
BULK = "access_bulk_export"
DAY = "2026-11-20"  # a Friday


def usual(vern, email: str, records: int, days: int = 30) -> None:
    """`records` downloaded at ten in the morning (Oslo) on each of the `days` days before DAY."""
    day = date.fromisoformat(DAY)
    log(vern, *[(datetime.combine(day - timedelta(days=n), time(10), clock.OSLO).isoformat(), email, "CRM",
                 "download", records) for n in range(1, days + 1)])


@pytest.mark.parametrize(("records", "finding"), [(99, False), (100, True)])
def test_bulk_export_floor_counts_when_reached(vern, records, finding):
    log(vern, (f"{DAY}T10:00:00+01:00", KARI, "CRM", "export", records))
    assert (f"{p(vern, KARI)} · {DAY}" in findings(vern, BULK)) is finding


def test_records_of_one_day_are_added_up(vern):
    log(vern, (f"{DAY}T10:00:00+01:00", KARI, "CRM", "export", 60),
        (f"{DAY}T15:00:00+01:00", KARI, "CRM", "download", 40))
    kari = p(vern, KARI)
    assert findings(vern, BULK) == {
        f"{kari} · {DAY}": f"{kari} downloaded or exported 100 records from CRM on {DAY}; "
                           "their usual is 0.0 a day."}


@pytest.mark.parametrize(("records", "finding"), [(150, False), (151, True)])
def test_bulk_export_must_exceed_five_times_the_usual(vern, records, finding):
    usual(vern, KARI, 30)  # 30 a day over the 30 days before: 5 × 30 = 150
    log(vern, (f"{DAY}T10:00:00+01:00", KARI, "CRM", "export", records))
    found = findings(vern, BULK)
    assert (f"{p(vern, KARI)} · {DAY}" in found) is finding
    assert len(found) == int(finding)  # the usual days are below the floor


def test_bulk_export_message_names_person_system_day_count_and_usual(vern):
    usual(vern, KARI, 30)
    log(vern, (f"{DAY}T10:00:00+01:00", KARI, "CRM", "export", 151))
    kari = p(vern, KARI)
    assert findings(vern, BULK) == {
        f"{kari} · {DAY}": f"{kari} downloaded or exported 151 records from CRM on {DAY}; "
                           "their usual is 30.0 a day."}


def test_the_usual_is_the_30_days_before_not_the_31st(vern):
    log(vern, ("2026-10-20T10:00:00+01:00", KARI, "CRM", "export", 5000),  # 31 days before
        (f"{DAY}T10:00:00+01:00", KARI, "CRM", "export", 100))
    assert f"{p(vern, KARI)} · {DAY}" in findings(vern, BULK)


def test_the_usual_includes_the_30th_day_before(vern):
    log(vern, ("2026-10-21T10:00:00+02:00", KARI, "CRM", "export", 900),  # 30 days before: 30 a day
        (f"{DAY}T10:00:00+01:00", KARI, "CRM", "export", 150))
    assert f"{p(vern, KARI)} · {DAY}" not in findings(vern, BULK)


def test_downloads_from_systems_without_personal_data_are_not_counted(vern):
    log(vern, (f"{DAY}T10:00:00+01:00", KARI, "Wiki", "download", 500))
    assert findings(vern, BULK) == {}


def test_reads_are_not_downloads(vern):
    log(vern, (f"{DAY}T10:00:00+01:00", KARI, "CRM", "read", 500))
    assert findings(vern, BULK) == {}


def test_behind_a_bulk_export_are_exactly_the_counted_downloads(vern):
    log(vern, (f"{DAY}T10:00:00+01:00", KARI, "CRM", "export", 150),
        (f"{DAY}T11:00:00+01:00", KARI, "Wiki", "download", 40),  # no personal data: not counted
        (f"{DAY}T12:00:00+01:00", KARI, "CRM", "read", 1))
    subject = f"{p(vern, KARI)} · {DAY}"
    assert "150 records" in findings(vern, BULK)[subject]
    assert behind(vern, BULK, subject) == [(at(f"{DAY}T10:00:00+01:00"), "export", "CRM", 150)]


# -- access_failed_signins ------------------------------------------------------------
FAILED = "access_failed_signins"


def failures(vern, email: str, minutes: list[int], hour: str = "2026-11-16T09") -> None:
    log(vern, *[(f"{hour}:{m:02d}:00+01:00", email, "", "signin_failed") for m in minutes])


def test_ten_failed_sign_ins_within_ten_minutes_are_a_finding(vern):
    failures(vern, KARI, list(range(10)))  # 09:00 to 09:09
    kari = p(vern, KARI)
    assert findings(vern, FAILED) == {
        f"{kari} · 2026-11-16": f"10 failed sign-ins for {kari} within 10 minutes, "
                                "2026-11-16 09:00–2026-11-16 09:09."}


def test_nine_failed_sign_ins_are_not(vern):
    failures(vern, KARI, list(range(9)))
    assert findings(vern, FAILED) == {}


def test_ten_failed_sign_ins_spread_over_eleven_minutes_are_not(vern):
    failures(vern, KARI, [*range(9), 11])  # no ten of them within ten minutes
    assert findings(vern, FAILED) == {}


def test_failed_sign_ins_of_different_people_are_not_added_up(vern):
    failures(vern, KARI, list(range(5)))
    failures(vern, PER, list(range(5)))
    assert findings(vern, FAILED) == {}


def test_failed_sign_ins_of_unknown_accounts_count_too(vern):
    failures(vern, STRANGER, list(range(10)))
    assert list(findings(vern, FAILED)) == [f"{p(vern, STRANGER)} · 2026-11-16"]


def test_failed_sign_ins_from_a_vendor_log_count(vern, tmp_path):
    """Ten failed Google sign-ins, as the Reports API lists them."""
    def failure(n: int) -> dict:
        return {
            "kind": "admin#reports#activity",
            "id": {"time": f"2026-11-16T08:0{n}:00.000Z", "uniqueQualifier": f"-90000000000000000{n}",
                   "applicationName": "login", "customerId": "C01abcd2e"},
            "actor": {"callerType": "USER", "email": KARI, "profileId": "104857600000000000001"},
            "ipAddress": "198.51.100.44",
            "events": [{"type": "login", "name": "login_failure", "parameters": [
                {"name": "login_type", "value": "google_password"},
                {"name": "login_failure_type", "value": "login_failure_invalid_password"},
                {"name": "is_suspicious", "boolValue": False}]}]}

    page = tmp_path / "login.json"
    page.write_text(json.dumps({"kind": "admin#reports#activities", "items": [failure(n) for n in range(10)]}),
                    encoding="utf-8")
    access_logs.import_files(vern.store, [page], "gworkspace", "test")
    assert list(findings(vern, FAILED)) == [f"{p(vern, KARI)} · 2026-11-16"]


def test_behind_a_burst_of_failed_sign_ins_are_exactly_the_burst(vern):
    failures(vern, KARI, list(range(10)))  # 09:00 to 09:09
    failures(vern, KARI, [0, 30], hour="2026-11-16T15")  # two more in the afternoon: no burst
    subject = f"{p(vern, KARI)} · 2026-11-16"
    assert "10 failed sign-ins" in findings(vern, FAILED)[subject]
    assert behind(vern, FAILED, subject) == [
        (at(f"2026-11-16T09:{m:02d}:00+01:00"), "signin_failed", None, 1) for m in range(10)]


# -- access_out_of_hours --------------------------------------------------------------
NIGHT = "access_out_of_hours"


@pytest.mark.parametrize(("when", "day", "finding"), [
    ("2026-11-17T21:59:00+01:00", "2026-11-17", False),
    ("2026-11-17T22:00:00+01:00", "2026-11-17", True),
    ("2026-11-18T05:59:00+01:00", "2026-11-18", True),
    ("2026-11-18T06:00:00+01:00", "2026-11-18", False),
    ("2026-11-21T12:00:00+01:00", "2026-11-21", True),  # Saturday
    ("2026-11-22T12:00:00+01:00", "2026-11-22", True),  # Sunday
    ("2026-06-16T19:59:00Z", "2026-06-16", False),  # 21:59 in Oslo summer time
    ("2026-06-16T20:00:00Z", "2026-06-16", True),  # 22:00 in Oslo summer time
    ("2026-11-17T21:30:00Z", "2026-11-17", True),  # 22:30 in Oslo winter time
], ids=["weekday-2159", "weekday-2200", "weekday-0559", "weekday-0600", "saturday-noon", "sunday-noon",
        "summer-2159", "summer-2200", "winter-2130utc"])
def test_out_of_hours_is_22_to_6_in_oslo_and_all_weekend(vern, when, day, finding):
    log(vern, (when, KARI, "CRM", "read"))
    assert (f"{p(vern, KARI)} · {day}" in findings(vern, NIGHT)) is finding


def test_out_of_hours_message_names_person_system_day_window_and_count(vern):
    log(vern, ("2026-11-17T22:10:00+01:00", KARI, "CRM", "read"),
        ("2026-11-17T23:40:00+01:00", KARI, "CRM", "download"))
    kari = p(vern, KARI)
    assert findings(vern, NIGHT) == {
        f"{kari} · 2026-11-17": f"{kari} used CRM 2 times on 2026-11-17 out of hours "
                                "(2026-11-17 22:10–2026-11-17 23:40, Oslo time)."}


def test_sign_ins_out_of_hours_are_not(vern):
    log(vern, ("2026-11-17T23:00:00+01:00", KARI, "", "signin"),
        ("2026-11-17T23:01:00+01:00", KARI, "", "signin_failed"))
    assert findings(vern, NIGHT) == {}


def test_out_of_hours_use_of_systems_without_personal_data_is_not(vern):
    log(vern, ("2026-11-17T23:00:00+01:00", KARI, "Wiki", "write"))
    assert findings(vern, NIGHT) == {}


def test_behind_out_of_hours_use_are_exactly_the_events_out_of_hours(vern):
    log(vern, ("2026-11-17T22:30:00+01:00", KARI, "CRM", "read"),
        ("2026-11-17T10:00:00+01:00", KARI, "CRM", "read"))  # working hours
    subject = f"{p(vern, KARI)} · 2026-11-17"
    assert "1 times" in findings(vern, NIGHT)[subject]
    assert behind(vern, NIGHT, subject) == [(at("2026-11-17T22:30:00+01:00"), "read", "CRM", 1)]


# -- findings over runs -----------------------------------------------------------------
def test_findings_carry_the_rule_severity(vern):
    log(vern, ("2026-11-16T09:00:00+01:00", STRANGER, "CRM", "read"),
        ("2026-11-11T09:00:00+01:00", OLA, "CRM", "read"),
        ("2026-11-03T09:00:00+01:00", KARI, "Payroll", "read"),
        (f"{DAY}T10:00:00+01:00", PER, "CRM", "export", 500),
        ("2026-11-21T12:00:00+01:00", PER, "CRM", "read"))
    failures(vern, KARI, list(range(10)))
    runner.run(vern.store, vern.config, AccessLogsCheck, "manual")
    rows = vern.store.rows("SELECT DISTINCT rule, severity FROM findings WHERE check_id = 'access_logs'")
    assert {r["rule"]: r["severity"] for r in rows} == {
        UNKNOWN: "high", LEFT: "high", NO_GRANT: "medium", BULK: "high", FAILED: "medium", NIGHT: "low"}


def test_a_finding_no_longer_seen_is_closed_after_the_events_are_purged(vern):
    log(vern, ("2026-11-16T09:00:00+01:00", STRANGER, "CRM", "read"))
    assert p(vern, STRANGER) in findings(vern, UNKNOWN)
    access_logs.purge(vern.store, date(2027, 12, 31), 13, "test")
    assert findings(vern, UNKNOWN) == {}


# -- settings ---------------------------------------------------------------------------
def test_bulk_floor_is_configurable(vern):
    log(vern, (f"{DAY}T10:00:00+01:00", KARI, "CRM", "export", 60))
    assert findings(vern, BULK) == {}
    assert f"{p(vern, KARI)} · {DAY}" in findings(vern, BULK, "[checks.access_logs]\nbulk_floor = 50\n")


def test_bulk_factor_is_configurable(vern):
    usual(vern, KARI, 30)
    log(vern, (f"{DAY}T10:00:00+01:00", KARI, "CRM", "export", 200))
    subject = f"{p(vern, KARI)} · {DAY}"
    assert subject in findings(vern, BULK)
    assert subject not in findings(vern, BULK, "[checks.access_logs]\nbulk_factor = 10\n")


def test_baseline_days_are_configurable(vern):
    log(vern, ("2026-11-10T10:00:00+01:00", KARI, "CRM", "export", 1000),  # 10 days before
        (f"{DAY}T10:00:00+01:00", KARI, "CRM", "export", 150))
    subject = f"{p(vern, KARI)} · {DAY}"
    assert subject not in findings(vern, BULK)  # 1000 / 30 a day: 150 is not 5 times that
    assert subject in findings(vern, BULK, "[checks.access_logs]\nbaseline_days = 7\n")


def test_failed_sign_in_burst_is_configurable(vern):
    failures(vern, KARI, [0, 1, 2])
    assert findings(vern, FAILED) == {}
    toml = "[checks.access_logs]\nfailed_signins = 3\nfailed_minutes = 2\n"
    kari = p(vern, KARI)
    assert findings(vern, FAILED, toml) == {
        f"{kari} · 2026-11-16": f"3 failed sign-ins for {kari} within 2 minutes, "
                                "2026-11-16 09:00–2026-11-16 09:02."}


def test_failed_sign_in_window_is_configurable(vern):
    failures(vern, KARI, [0, 2, 4])
    toml = "[checks.access_logs]\nfailed_signins = 3\nfailed_minutes = {}\n"
    assert findings(vern, FAILED, toml.format(3)) == {}
    assert len(findings(vern, FAILED, toml.format(4))) == 1


def test_working_hours_are_configurable(vern):
    log(vern, ("2026-11-17T20:30:00+01:00", KARI, "CRM", "read"),
        ("2026-11-18T06:30:00+01:00", KARI, "CRM", "read"),
        ("2026-11-18T19:59:00+01:00", KARI, "CRM", "read"))
    kari = p(vern, KARI)
    assert findings(vern, NIGHT) == {}
    found = findings(vern, NIGHT, "[checks.access_logs]\nnight_from = 20\nnight_until = 7\n")
    assert set(found) == {f"{kari} · 2026-11-17", f"{kari} · 2026-11-18"}
    assert "1 times on 2026-11-18" in found[f"{kari} · 2026-11-18"]


@pytest.mark.parametrize(("setting", "key"), [
    ("bulk_floor = 0", "checks.access_logs.bulk_floor"),
    ("failed_signins = 0", "checks.access_logs.failed_signins"),
    ("night_from = 24", "checks.access_logs.night_from"),
    ("night_until = -1", "checks.access_logs.night_until"),
    ("retention_months = 0", "checks.access_logs.retention_months"),
    ('bulk_factor = "5"', "checks.access_logs.bulk_factor"),
])
def test_bad_settings_are_refused_naming_the_key(vern, setting, key):
    with pytest.raises(VernError, match=key.replace(".", r"\.")):
        config_with(vern, f"[checks.access_logs]\n{setting}\n")
