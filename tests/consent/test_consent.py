"""The consent register, the campaign send logs and the check `consent`.

A consent is valid at a send's instant when it was given at or before it and not
withdrawn by then; a withdrawal at or before the instant is an opt-out. Every rule is
tried on both sides of its edge, to the second. Files are written as CSV and imported;
the check runs through the runner and its findings are read from the register.
Now is 2026-11-24 12:00 in Oslo (UTC+01:00).
"""

import json
import re
import subprocess
from datetime import UTC, date, datetime
from itertools import count
from pathlib import Path

import pytest
import vern_process

from audits.checking import runner
from audits.consent import register as consent
from audits.core import pseudonyms, trail
from audits.core.errors import InputError, VernError
from audits.demo import consent as demo_consent
from checks.consent import ConsentCheck
from conftest import VERN, config_with, copy_template, open_findings, run_check

KARI, PER, OLA = "kari@example.org", "per@example.org", "ola@example.org"
SEND = "2026-11-02T10:00:00+01:00"  # the instant of the sends in the edge tests
WITHOUT, AFTER = "marketing_without_consent", "marketing_after_opt_out"
CONSENT_HEADER = "email,purpose,given_at,withdrawn_at,source"
SEND_HEADER = "email,campaign,purpose,sent_at"
_files = count(1)


# -- helpers --------------------------------------------------------------------------
@pytest.fixture
def db(db, new_db_template):
    """The database the first command would create, copied (see `new_db_template`)."""
    return copy_template(new_db_template, db)


def write(vern, text: str, name: str) -> Path:
    path = vern.store.path.parent / f"{next(_files)}-{name}"
    path.write_text(text, encoding="utf-8")
    return path


def p(vern, email: str) -> str:
    return vern.store.keys.pseudonym(email)


def consents(vern, *rows: tuple, actor: str = "test") -> int:
    """(email, purpose, given_at[, withdrawn_at[, source]]) rows, as the register exports them."""
    lines = [CONSENT_HEADER]
    for email, purpose, given, *rest in rows:
        withdrawn, source = [*rest, *["", "web form"][len(rest):]]
        lines.append(f"{email},{purpose},{given},{withdrawn},{source}")
    return consent.import_consents(vern.store, write(vern, "\n".join(lines) + "\n", "consents.csv"), actor)


def sends(vern, *rows: tuple, actor: str = "test") -> consent.SendsImported:
    """(email, campaign, purpose, sent_at) rows, as the mailing tool logs them."""
    lines = [SEND_HEADER] + [",".join(row) for row in rows]
    return consent.import_campaigns(vern.store, write(vern, "\n".join(lines) + "\n", "sends.csv"), actor)


def run(vern, toml: str = ""):
    return run_check(vern, ConsentCheck, toml)


def findings(vern, rule: str, toml: str = "") -> dict[str, str]:
    return open_findings(vern, ConsentCheck, rule, toml)


def verdicts(vern, toml: str = "") -> dict[str, set[str]]:
    """Rule → subjects of the open findings."""
    run(vern, toml)
    found: dict[str, set[str]] = {WITHOUT: set(), AFTER: set()}
    for r in vern.store.rows("SELECT rule, subject FROM findings WHERE check_id = 'consent' AND status = 'open'"):
        found[r["rule"]].add(r["subject"])
    return found


def stored_consents(vern) -> set[tuple]:
    rows = vern.store.rows("SELECT person, purpose, given_at, withdrawn_at, source, origin FROM consents")
    return {tuple(r.values()) for r in rows}


def snapshot(store) -> dict:
    """Everything an import may touch."""
    return {
        "consents": store.rows("SELECT * FROM consents ORDER BY ALL"),
        "sends": store.rows("SELECT * FROM campaign_sends ORDER BY ALL"),
        "identities": store.rows("SELECT * FROM identities ORDER BY pseudonym"),
        "trail": store.rows("SELECT seq, hash FROM trail ORDER BY seq"),
    }


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# -- the consent register ---------------------------------------------------------------
def test_register_is_stored_by_pseudonym_with_instants_in_utc(vern):
    assert consents(vern, ("Kari@Example.org", "newsletter", "2026-01-05T09:30:00+01:00", "", "web form"),
                    (PER, "fundraising", "2026-03-01T12:00:00Z", "2026-07-01T08:00:00+02:00", "paper form")) == 2
    assert stored_consents(vern) == {
        (p(vern, KARI), "newsletter", utc("2026-01-05T08:30:00+00:00"), None, "web form", "import"),
        (p(vern, PER), "fundraising", utc("2026-03-01T12:00:00+00:00"), utc("2026-07-01T06:00:00+00:00"),
         "paper form", "import"),
    }
    dumped = json.dumps(vern.store.rows("SELECT * FROM consents"), default=str).lower()
    assert "@" not in dumped and "kari" not in dumped


def test_source_is_optional_and_a_norwegian_spreadsheet_export_is_read(vern):
    path = write(vern, "\ufeffemail;purpose;given_at;withdrawn_at\n"
                       "kari@example.org; Newsletter ;2026-01-05T09:30:00+01:00;\n", "register.csv")
    assert consent.import_consents(vern.store, path, "test") == 1
    assert stored_consents(vern) == {
        (p(vern, KARI), "Newsletter", utc("2026-01-05T08:30:00+00:00"), None, "", "import")}


def test_each_address_is_remembered_once_and_can_be_reidentified(vern):
    consents(vern, (KARI, "newsletter", SEND), ("KARI@example.org", "fundraising", SEND), (PER, "newsletter", SEND))
    sends(vern, (KARI, "Nyhetsbrev", "newsletter", SEND), (OLA, "Nyhetsbrev", "newsletter", SEND))
    assert vern.store.value("SELECT count(*) FROM identities") == 3
    assert pseudonyms.reidentify(vern.store, p(vern, KARI), "adviser", "complaint from the member") == KARI


def test_reimport_replaces_the_imported_rows_and_keeps_those_from_requests(vern):
    consents(vern, (KARI, "newsletter", "2026-01-05T09:30:00+01:00"), (PER, "newsletter", "2026-01-06T09:30:00+01:00"))
    with vern.store.transaction() as tx:  # a withdrawal recorded from a data-subject request
        tx.execute("INSERT INTO consents VALUES (?, 'newsletter', ?, ?, 'request 12', 'request')",
                   [p(vern, OLA), utc("2026-01-01T00:00:00+00:00"), utc("2026-11-01T00:00:00+00:00")])
    consents(vern, (KARI, "newsletter", "2026-01-05T09:30:00+01:00", "2026-10-01T12:00:00+02:00"))
    assert stored_consents(vern) == {
        (p(vern, KARI), "newsletter", utc("2026-01-05T08:30:00+00:00"), utc("2026-10-01T10:00:00+00:00"),
         "web form", "import"),
        (p(vern, OLA), "newsletter", utc("2026-01-01T00:00:00+00:00"), utc("2026-11-01T00:00:00+00:00"),
         "request 12", "request"),
    }


def test_consent_import_is_recorded_in_the_trail(vern):
    consents(vern, (KARI, "newsletter", SEND), (PER, "newsletter", SEND), actor="tester")
    [entry] = trail.listing(vern.store, action="consents.import")
    assert (entry["actor"], entry["object"].endswith("consents.csv"), entry["details"]) == ("tester", True, {"rows": 2})


# -- campaign send logs -------------------------------------------------------------------
def test_sends_are_added_and_a_send_already_stored_is_skipped(vern):
    first = sends(vern, (KARI, "Nyhetsbrev", "newsletter", SEND), (PER, "Nyhetsbrev", "newsletter", SEND))
    assert first == consent.SendsImported(read=2, added=2)
    again = sends(vern, ("KARI@example.org", "Nyhetsbrev", "Newsletter", "2026-11-02T09:00:00Z"),  # the same send
                  (KARI, "Nyhetsbrev", "newsletter", "2026-11-02T10:00:01+01:00"),  # a second later: another
                  (KARI, "Julekort", "newsletter", SEND))  # another campaign
    assert again == consent.SendsImported(read=3, added=2)
    rows = vern.store.rows("SELECT person, campaign, purpose, sent_at FROM campaign_sends ORDER BY campaign, sent_at")
    assert {tuple(r.values()) for r in rows} == {
        (p(vern, KARI), "Nyhetsbrev", "newsletter", utc(SEND)),
        (p(vern, PER), "Nyhetsbrev", "newsletter", utc(SEND)),
        (p(vern, KARI), "Nyhetsbrev", "newsletter", utc("2026-11-02T10:00:01+01:00")),
        (p(vern, KARI), "Julekort", "newsletter", utc(SEND)),
    }
    assert "@" not in json.dumps(vern.store.rows("SELECT * FROM campaign_sends"), default=str)


def test_a_send_repeated_in_one_file_is_added_once(vern):
    result = sends(vern, (KARI, "Nyhetsbrev", "newsletter", SEND), (KARI, "Nyhetsbrev", "newsletter", SEND))
    assert result == consent.SendsImported(read=2, added=1)


def test_campaign_import_is_recorded_in_the_trail_with_file_name(vern):
    sends(vern, (KARI, "Nyhetsbrev", "newsletter", SEND), actor="tester")
    sends(vern, (KARI, "Nyhetsbrev", "newsletter", SEND), actor="tester")
    entries = trail.listing(vern.store, action="campaigns.import")
    assert [e["details"] for e in entries] == [{"rows": 1, "added": 0}, {"rows": 1, "added": 1}]
    assert entries[0]["object"].endswith("sends.csv")
    assert vern.store.value("SELECT file FROM campaign_sends").endswith("sends.csv")


# -- refused files --------------------------------------------------------------------------
GOOD_CONSENT = f"kari@example.org,newsletter,{SEND},,web"
CONSENT_REFUSED = [
    ("naive-given", "per@example.org,newsletter,2026-11-02T10:00:00,,web",
     "line 3, field given_at: has no UTC offset (write e.g. 2026-03-28T10:00+01:00)"),
    ("naive-withdrawn", f"per@example.org,newsletter,{SEND},2026-11-03 10:00,web",
     "line 3, field withdrawn_at: has no UTC offset (write e.g. 2026-03-28T10:00+01:00)"),
    ("a-date-only", "per@example.org,newsletter,2026-11-02,,web",
     "line 3, field given_at: has no UTC offset (write e.g. 2026-03-28T10:00+01:00)"),
    ("not-an-instant", "per@example.org,newsletter,02.11.2026 10:00,,web",
     "line 3, field given_at: not an ISO 8601 instant"),
    ("no-given", "per@example.org,newsletter,,,web",
     "line 3, field given_at: required (ISO 8601 with its offset, e.g. 2026-03-28T10:00+01:00)"),
    ("bad-email", "per.hemmelig(at)example.org,newsletter,2026-11-02T10:00Z,,web",
     "line 3, field email: not an email address"),
    ("no-purpose", f"per@example.org,,{SEND},,web", "line 3, field purpose: required"),
    ("withdrawn-before-given", "per@example.org,newsletter,2026-11-02T10:00:00+01:00,2026-11-02T08:59:59Z,web",
     "line 3, field withdrawn_at: before given_at"),
    ("far-future", "per@example.org,newsletter,9999-12-31T23:30:00Z,,web",
     "line 3, field given_at: out of range"),
]


@pytest.mark.parametrize(("case", "line", "problem"), CONSENT_REFUSED, ids=[c[0] for c in CONSENT_REFUSED])
def test_a_bad_register_is_refused_whole_naming_file_line_and_field(vern, case, line, problem):
    consents(vern, (OLA, "newsletter", SEND))
    before = snapshot(vern.store)
    path = write(vern, f"{CONSENT_HEADER}\n{GOOD_CONSENT}\n{line}\n", "register.csv")
    with pytest.raises(InputError) as caught:
        consent.import_consents(vern.store, path, "test")
    assert str(caught.value).startswith(f"{path}: nothing was imported.")
    assert [str(p) for p in caught.value.problems] == [problem]
    assert "hemmelig" not in str(caught.value)  # a bad address is not repeated
    assert snapshot(vern.store) == before


GOOD_SEND = f"kari@example.org,Nyhetsbrev,newsletter,{SEND}"
SEND_REFUSED = [
    ("naive-sent", "per@example.org,Nyhetsbrev,newsletter,2026-11-02T10:00:00",
     "line 3, field sent_at: has no UTC offset (write e.g. 2026-03-28T10:00+01:00)"),
    ("no-campaign", f"per@example.org,,newsletter,{SEND}", "line 3, field campaign: required"),
    ("no-purpose", f"per@example.org,Nyhetsbrev,,{SEND}", "line 3, field purpose: required"),
    ("bad-email", f"hemmelig,Nyhetsbrev,newsletter,{SEND}", "line 3, field email: not an email address"),
    ("too-long-campaign", f"per@example.org,{'x' * 201},newsletter,{SEND}",
     "line 3, field campaign: longer than 200 characters"),
]
# A campaign's name stays in clear (findings and the board name it): it must not reach a person.
CONTACT = ("line 3, field campaign: holds an e-mail address, a phone number or an identity number: a "
           "campaign's name is shown to the board and in findings, so name the mailing, not a person")
SEND_REFUSED += [
    ("campaign-with-address", f"per@example.org,Til hemmelig@example.no,newsletter,{SEND}", CONTACT),
    ("campaign-with-phone", f"per@example.org,Ring 22 33 44 55,newsletter,{SEND}", CONTACT),
    ("campaign-with-identity-number", f"per@example.org,Brev 01017012345,newsletter,{SEND}", CONTACT),
]


def test_a_campaign_may_name_its_date_and_year(vern):
    assert sends(vern, ("kari@example.org", "Nyhetsbrev 2026-12-01", "newsletter", SEND),
                 ("kari@example.org", "Julekampanje 2026 (1234567)", "newsletter", SEND)).added == 2


@pytest.mark.parametrize(("case", "line", "problem"), SEND_REFUSED, ids=[c[0] for c in SEND_REFUSED])
def test_a_bad_send_log_is_refused_whole_naming_file_line_and_field(vern, case, line, problem):
    before = snapshot(vern.store)
    path = write(vern, f"{SEND_HEADER}\n{GOOD_SEND}\n{line}\n", "sends.csv")
    with pytest.raises(InputError) as caught:
        consent.import_campaigns(vern.store, path, "test")
    assert str(caught.value).startswith(f"{path}: nothing was imported.")
    assert [str(p) for p in caught.value.problems] == [problem]
    assert "hemmelig" not in str(caught.value)
    assert snapshot(vern.store) == before


def test_every_bad_line_is_named_at_once(vern):
    path = write(vern, f"{SEND_HEADER}\n"
                       "nobody,Nyhetsbrev,newsletter,2026-11-02T10:00Z\n"
                       f"kari@example.org,,newsletter,{SEND}\n"
                       "per@example.org,Nyhetsbrev,newsletter,2026-11-02T10:00\n", "sends.csv")
    with pytest.raises(InputError) as caught:
        consent.import_campaigns(vern.store, path, "test")
    assert [str(p) for p in caught.value.problems] == [
        "line 2, field email: not an email address",
        "line 3, field campaign: required",
        "line 4, field sent_at: has no UTC offset (write e.g. 2026-03-28T10:00+01:00)"]


@pytest.mark.parametrize(("load", "header", "missing"), [
    (consent.import_consents, "email,purpose,given_at,source", "withdrawn_at"),
    (consent.import_campaigns, "email,campaign,sent_at", "purpose"),
], ids=["register", "send-log"])
def test_a_missing_column_is_refused(vern, load, header, missing):
    path = write(vern, f"{header}\n", "file.csv")
    with pytest.raises(InputError) as caught:
        load(vern.store, path, "test")
    assert [str(p) for p in caught.value.problems] == [f"line 1: missing column {missing}"]


# -- marketing_after_opt_out and marketing_without_consent: the edges -------------------------
@pytest.mark.parametrize(("withdrawn", "rule"), [
    ("2026-11-02T09:59:59+01:00", AFTER),  # a second before the send
    ("2026-11-02T08:59:59Z", AFTER),  # the same instant, written in UTC
    ("2026-11-02T10:00:00+01:00", AFTER),  # at the send's instant
    ("2026-11-02T10:00:01+01:00", None),  # a second after: the consent still held
    ("", None),  # never withdrawn
], ids=["second-before", "second-before-in-utc", "at-the-instant", "second-after", "never"])
def test_opt_out_at_or_before_the_send(vern, withdrawn, rule):
    consents(vern, (KARI, "newsletter", "2026-01-05T09:30:00+01:00", withdrawn))
    sends(vern, (KARI, "Nyhetsbrev november", "newsletter", SEND))
    found = verdicts(vern)
    assert found[AFTER] == ({"Nyhetsbrev november (newsletter)"} if rule == AFTER else set())
    assert found[WITHOUT] == set()


@pytest.mark.parametrize(("given", "rule"), [
    ("2026-11-02T10:00:00+01:00", None),  # given at the send's instant
    ("2026-11-02T09:59:59+01:00", None),
    ("2026-11-02T10:00:01+01:00", WITHOUT),  # given a second after the send
    ("2026-11-20T10:00:00+01:00", WITHOUT),
], ids=["at-the-instant", "second-before", "second-after", "weeks-after"])
def test_consent_given_after_the_send_does_not_count(vern, given, rule):
    consents(vern, (KARI, "newsletter", given))
    sends(vern, (KARI, "Nyhetsbrev november", "newsletter", SEND))
    found = verdicts(vern)
    assert found[WITHOUT] == ({"Nyhetsbrev november (newsletter)"} if rule == WITHOUT else set())
    assert found[AFTER] == set()


def test_a_send_to_someone_who_never_consented(vern):
    sends(vern, (KARI, "Nyhetsbrev november", "newsletter", SEND))
    assert verdicts(vern) == {WITHOUT: {"Nyhetsbrev november (newsletter)"}, AFTER: set()}


def test_a_consent_for_another_purpose_or_person_does_not_count(vern):
    consents(vern, (KARI, "fundraising", "2026-01-05T09:30:00+01:00"), (PER, "newsletter", "2026-01-05T09:30:00+01:00"))
    sends(vern, (KARI, "Nyhetsbrev november", "newsletter", SEND))
    assert verdicts(vern) == {WITHOUT: {"Nyhetsbrev november (newsletter)"}, AFTER: set()}


def test_an_opt_out_from_another_purpose_is_no_opt_out_here(vern):
    consents(vern, (KARI, "fundraising", "2026-01-05T09:30:00+01:00", "2026-06-01T10:00:00+02:00"))
    sends(vern, (KARI, "Nyhetsbrev november", "newsletter", SEND))
    assert verdicts(vern) == {WITHOUT: {"Nyhetsbrev november (newsletter)"}, AFTER: set()}


def test_purposes_compare_without_case(vern):
    consents(vern, (KARI, "Newsletter", "2026-01-05T09:30:00+01:00"),
             (PER, "NEWSLETTER", "2026-01-05T09:30:00+01:00", "2026-06-01T10:00:00+02:00"))
    sends(vern, (KARI, "Nyhetsbrev november", "newsletter", SEND), (PER, "Nyhetsbrev november", "newsletter", SEND))
    assert verdicts(vern) == {WITHOUT: set(), AFTER: {"Nyhetsbrev november (newsletter)"}}


def test_consent_given_again_after_an_opt_out(vern):
    """Withdrawn in June, given again in October: the November send is fine; a send
    between the two is after the opt-out."""
    consents(vern, (KARI, "newsletter", "2026-01-05T09:30:00+01:00", "2026-06-01T10:00:00+02:00"),
             (KARI, "newsletter", "2026-10-01T10:00:00+02:00"))
    sends(vern, (KARI, "Nyhetsbrev november", "newsletter", SEND),
          (KARI, "Nyhetsbrev august", "newsletter", "2026-08-15T10:00:00+02:00"))
    assert verdicts(vern) == {WITHOUT: set(), AFTER: {"Nyhetsbrev august (newsletter)"}}


def test_an_opt_out_before_a_later_consent_is_still_an_opt_out_at_the_send(vern):
    consents(vern, (KARI, "newsletter", "2026-01-05T09:30:00+01:00", "2026-06-01T10:00:00+02:00"),
             (KARI, "newsletter", "2026-11-10T10:00:00+01:00"))
    sends(vern, (KARI, "Nyhetsbrev november", "newsletter", SEND))
    assert verdicts(vern) == {WITHOUT: set(), AFTER: {"Nyhetsbrev november (newsletter)"}}


def test_a_withdrawal_from_a_request_counts(vern):
    consents(vern, (KARI, "newsletter", "2026-01-05T09:30:00+01:00"))
    with vern.store.transaction() as tx:
        tx.execute("INSERT INTO consents VALUES (?, 'newsletter', ?, ?, 'request 7', 'request')",
                   [p(vern, KARI), utc("2026-01-05T09:30:00+01:00"), utc("2026-10-01T12:00:00+02:00")])
        tx.execute("DELETE FROM consents WHERE origin = 'import'")
    sends(vern, (KARI, "Nyhetsbrev november", "newsletter", SEND))
    assert verdicts(vern) == {WITHOUT: set(), AFTER: {"Nyhetsbrev november (newsletter)"}}


# -- service mail ------------------------------------------------------------------------------
@pytest.mark.parametrize("purpose", ["service", "Service", "SERVICE"])
def test_service_mail_is_not_marketing(vern, purpose):
    sends(vern, (KARI, "Påmeldingsbekreftelse", purpose, SEND))
    result = run(vern)
    assert (result.findings, result.evidence_rows) == (0, 0)


def test_service_purposes_are_configurable_and_compared_without_case(vern):
    sends(vern, (KARI, "Påmeldingsbekreftelse", "booking", SEND), (PER, "Kvittering", "service", SEND))
    toml = '[checks.consent]\nservice_purposes = [" Booking "]\n'
    assert verdicts(vern, toml) == {WITHOUT: {"Kvittering (service)"}, AFTER: set()}
    assert verdicts(vern) == {WITHOUT: {"Påmeldingsbekreftelse (booking)"}, AFTER: set()}


def test_an_empty_service_purpose_is_refused(vern):
    with pytest.raises(VernError, match=r"checks\.consent\.service_purposes: a purpose must not be empty"):
        config_with(vern, '[checks.consent]\nservice_purposes = ["service", " "]\n')


# -- findings -----------------------------------------------------------------------------------
def test_one_finding_per_rule_campaign_and_purpose_with_counts_and_oslo_times(vern):
    consents(vern, (KARI, "newsletter", "2026-01-05T09:30:00+01:00", "2026-10-01T12:00:00+02:00"),
             (PER, "newsletter", "2026-01-05T09:30:00+01:00", "2026-10-01T12:00:00+02:00"),
             (KARI, "fundraising", "2026-01-05T09:30:00+01:00"))
    sends(vern, (KARI, "Nyhetsbrev", "newsletter", "2026-11-02T10:00:00+01:00"),
          (PER, "Nyhetsbrev", "newsletter", "2026-11-02T10:00:05+01:00"),
          (KARI, "Nyhetsbrev", "newsletter", "2026-11-09T09:15:00Z"),
          (OLA, "Nyhetsbrev", "newsletter", "2026-11-02T10:00:07+01:00"),
          (OLA, "Nyhetsbrev", "fundraising", "2026-11-02T10:00:08+01:00"),
          (KARI, "Nyhetsbrev", "fundraising", "2026-11-02T10:00:07+01:00"))  # consented
    assert findings(vern, AFTER) == {
        "Nyhetsbrev (newsletter)": "Nyhetsbrev (newsletter): 3 sends to 2 people after they had withdrawn "
                                   "their consent, 2026-11-02 10:00 to 2026-11-09 10:15."}
    assert findings(vern, WITHOUT) == {
        "Nyhetsbrev (newsletter)": "Nyhetsbrev (newsletter): 1 sends to 1 people who held no valid consent for "
                                   "the purpose when they were sent, 2026-11-02 10:00 to 2026-11-02 10:00.",
        "Nyhetsbrev (fundraising)": "Nyhetsbrev (fundraising): 1 sends to 1 people who held no valid consent "
                                    "for the purpose when they were sent, 2026-11-02 10:00 to 2026-11-02 10:00."}
    details = vern.store.rows("SELECT details FROM findings WHERE rule = ?", [AFTER])[0]["details"]
    values = json.loads(details) if isinstance(details, str) else details
    assert {k: values[k] for k in ("count", "people", "first", "last", "campaign", "purpose")} == {
        "count": 3, "people": 2, "first": "2026-11-02 10:00", "last": "2026-11-09 10:15",
        "campaign": "Nyhetsbrev", "purpose": "newsletter"}


def test_no_person_is_named_in_a_finding(vern):
    sends(vern, (KARI, "Nyhetsbrev", "newsletter", SEND))
    run(vern)
    dumped = json.dumps(vern.store.rows("SELECT * FROM findings"), default=str)
    assert "kari" not in dumped.lower() and p(vern, KARI) not in dumped


def test_a_finding_closes_once_the_sends_are_covered(vern):
    sends(vern, (KARI, "Nyhetsbrev", "newsletter", SEND))
    assert findings(vern, WITHOUT) != {}
    consents(vern, (KARI, "newsletter", "2026-01-05T09:30:00+01:00"))  # the register was incomplete
    assert findings(vern, WITHOUT) == {}


# -- summaries for the page -------------------------------------------------------------------
def test_summary_counts_consents_per_purpose_and_sends_per_campaign(vern):
    consents(vern, (KARI, "newsletter", "2026-01-05T09:30:00+01:00"),
             (PER, "Newsletter", "2026-01-05T09:30:00+01:00", "2026-10-01T12:00:00+02:00"),
             (OLA, "newsletter", "2026-01-05T09:30:00+01:00", "2026-10-01T12:00:00+02:00"),
             (OLA, "newsletter", "2026-10-05T09:30:00+02:00"),  # given again: valid
             (PER, "fundraising", "2026-12-01T09:30:00+01:00"))  # not yet given
    sends(vern, (KARI, "Nyhetsbrev", "newsletter", SEND), (PER, "Nyhetsbrev", "newsletter", SEND),
          ("ny@example.org", "Nyhetsbrev", "newsletter", SEND), (KARI, "Bekreftelse", "service", SEND))
    found = consent.summary(vern.store, ["service"], datetime.fromisoformat("2026-11-24T12:00:00+01:00"))
    assert found["consents"] == [{"purpose": "fundraising", "valid": 0, "withdrawn": 0},
                                 {"purpose": "Newsletter", "valid": 2, "withdrawn": 1}]
    assert found["campaigns"] == [
        {"campaign": "Bekreftelse", "purpose": "service", "sends": 1, "people": 1, "first": utc(SEND),
         "last": utc(SEND), "marketing_without_consent": 0, "marketing_after_opt_out": 0, "kind": "service"},
        {"campaign": "Nyhetsbrev", "purpose": "newsletter", "sends": 3, "people": 3, "first": utc(SEND),
         "last": utc(SEND), "marketing_without_consent": 1, "marketing_after_opt_out": 1, "kind": "marketing"}]


# -- the inbox ----------------------------------------------------------------------------------
def test_dropped_files_are_imported_register_first_and_moved_aside(vern):
    folder = vern.config.inbox / "consent"
    (folder / "consents").mkdir(parents=True)
    (folder / "campaigns").mkdir()
    (folder / "consents" / "register.csv").write_text(
        f"{CONSENT_HEADER}\n{KARI},newsletter,2026-01-05T09:30:00+01:00,,web\n", encoding="utf-8")
    (folder / "campaigns" / "a-good.csv").write_text(
        f"{SEND_HEADER}\n{KARI},Nyhetsbrev,newsletter,{SEND}\n{PER},Nyhetsbrev,newsletter,{SEND}\n", encoding="utf-8")
    (folder / "campaigns" / "b-bad.csv").write_text(
        f"{SEND_HEADER}\n{OLA},Nyhetsbrev,newsletter,2026-11-02T10:00:00\n", encoding="utf-8")
    (folder / "campaigns" / "c-good.csv").write_text(
        f"{SEND_HEADER}\n{OLA},Bekreftelse,service,{SEND}\n", encoding="utf-8")
    (folder / "campaigns" / "notes.txt").write_text("not a send log\n")
    result = runner.run(vern.store, vern.config, ConsentCheck, "schedule")
    assert result.status == "failed"
    assert "campaigns/b-bad.csv: line 2, field sent_at" in result.error
    assert "ola" not in result.error
    assert [p.name for p in (folder / "consents" / "imported").iterdir()] == ["20261124T110000Z-register.csv"]
    assert sorted(p.name for p in (folder / "campaigns" / "imported").iterdir()) == [
        "20261124T110000Z-a-good.csv", "20261124T110000Z-c-good.csv"]
    assert [p.name for p in (folder / "campaigns" / "failed").iterdir()] == ["20261124T110000Z-b-bad.csv"]
    assert sorted(p.name for p in (folder / "campaigns").iterdir() if p.is_file()) == ["notes.txt"]
    assert vern.store.value("SELECT count(*) FROM campaign_sends") == 3
    again = run(vern)  # nothing left to import: judged
    assert (again.evidence_rows, again.findings) == (2, 1)  # Per had no consent


def test_a_run_without_an_inbox_succeeds(vern):
    assert not (vern.config.inbox / "consent").exists()
    assert run(vern).evidence_rows == 0


# -- the demo -------------------------------------------------------------------------------------
def test_demo_plants_one_campaign_for_each_rule_and_nothing_else(vern, tmp_path):
    loaded = demo_consent.load(vern.store, tmp_path, "demo", date(2026, 11, 24))
    assert loaded == {"consents": 68, "campaign_sends": 138}
    assert verdicts(vern) == {WITHOUT: {"Julekampanje (fundraising)"}, AFTER: {"Nyhetsbrev november (newsletter)"}}
    assert findings(vern, AFTER)["Nyhetsbrev november (newsletter)"].startswith(
        "Nyhetsbrev november (newsletter): 3 sends to 3 people")
    assert findings(vern, WITHOUT)["Julekampanje (fundraising)"].startswith(
        "Julekampanje (fundraising): 6 sends to 6 people")
    again = demo_consent.load(vern.store, tmp_path, "demo", date(2026, 11, 25))  # another day: replaced
    assert again == loaded
    assert vern.store.value("SELECT count(*) FROM campaign_sends") == 138


# -- command line ---------------------------------------------------------------------------------
def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, text=True, timeout=120)


def test_cli_imports_register_and_sends_and_summarises(db, tmp_path):
    register = tmp_path / "register.csv"
    register.write_text(f"{CONSENT_HEADER}\n{KARI},newsletter,2026-01-05T09:30:00+01:00,2026-10-01T12:00+02:00,web\n"
                        f"{PER},newsletter,2026-01-05T09:30:00+01:00,,web\n", encoding="utf-8")
    log = tmp_path / "sends.csv"
    log.write_text(f"{SEND_HEADER}\n{KARI},Nyhetsbrev,newsletter,{SEND}\n{PER},Nyhetsbrev,newsletter,{SEND}\n"
                   f"{OLA},Bekreftelse,service,{SEND}\n", encoding="utf-8")
    result = cli(db, "import", "consents", str(register))
    assert (result.returncode, result.stdout.strip()) == (0, f"{register}: imported 2 consents"), result.stderr
    result = cli(db, "import", "campaigns", str(log))
    assert (result.returncode, result.stdout.strip()) == (0, f"{log}: 3 sends read, 3 new"), result.stderr
    again = cli(db, "import", "campaigns", str(log), "--json")
    assert json.loads(again.stdout) == {"read": 3, "added": 0}
    summary = cli(db, "consent", "summary", "--json")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout) == {
        "consents": [{"purpose": "newsletter", "valid": 1, "withdrawn": 1}],
        "request_withdrawals": 0,  # no data-subject request withdrew a consent
        "campaigns": [
            {"campaign": "Bekreftelse", "purpose": "service", "sends": 1, "people": 1,
             "first": "2026-11-02T09:00:00Z", "last": "2026-11-02T09:00:00Z",
             "marketing_without_consent": 0, "marketing_after_opt_out": 0, "kind": "service"},
            {"campaign": "Nyhetsbrev", "purpose": "newsletter", "sends": 2, "people": 2,
             "first": "2026-11-02T09:00:00Z", "last": "2026-11-02T09:00:00Z",
             "marketing_without_consent": 0, "marketing_after_opt_out": 1, "kind": "marketing"}]}
    text = cli(db, "consent", "summary")
    assert "Nyhetsbrev (newsletter), marketing: 2 sends to 2 people" in text.stdout
    assert "@" not in text.stdout + summary.stdout


@pytest.mark.parametrize(("kind", "text", "problem"), [
    ("consents", f"{CONSENT_HEADER}\n{KARI},newsletter,2026-01-05T09:30:00,,web\n",
     "linje 2, felt given_at: mangler tidssone (skriv f.eks. 2026-03-28T10:00+01:00)"),
    ("campaigns", f"{SEND_HEADER}\nhemmelig,Nyhetsbrev,newsletter,{SEND}\n", "linje 2, felt email: ikke en e-postadresse"),
])
def test_cli_refuses_a_bad_file_with_exit_1_and_no_traceback(db, tmp_path, kind, text, problem):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    result = cli(db, "import", kind, str(path))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"vern: {path}: ingenting ble importert.")  # bokmål, the default
    assert problem in result.stderr and "hemmelig" not in result.stderr


# -- the page -------------------------------------------------------------------------------------
@pytest.fixture
def with_demo(vern, tmp_path):
    demo_consent.load(vern.store, tmp_path, "demo", date(2026, 11, 24))
    run(vern)
    return vern


def page_text(at) -> str:
    parts = [e.value for kind in ("title", "caption", "markdown", "info", "success") for e in getattr(at, kind)]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [str(chart.proto.spec) for chart in at.get("plotly_chart")]
    return " ".join(str(p) for p in parts)


@pytest.mark.parametrize("roles", [("adviser",), ("board",)])
def test_page_shows_aggregates_without_addresses_or_pseudonyms(with_demo, dashboard, roles):
    at = dashboard("consent", lang="en", roles=roles)
    assert not at.exception
    assert at.title[0].value == "Consent and opt-out"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Marketing sends": "128", "Without a valid consent": "6", "After opt-out": "3",
                       "Opt-outs from requests": "0"}  # the consent demo alone: no requests
    purposes, campaigns = (frame.value for frame in at.dataframe)
    assert purposes.to_dict("records") == [
        {"Purpose": "fundraising", "Valid consent": 19, "Withdrawn": 1},
        {"Purpose": "interest profile", "Valid consent": 11, "Withdrawn": 1},
        {"Purpose": "newsletter", "Valid consent": 33, "Withdrawn": 3}]
    by_campaign = {row["Campaign"]: row for row in campaigns.to_dict("records")}
    assert by_campaign["Påmeldingsbekreftelse"]["Kind"] == "service mail"
    assert (by_campaign["Julekampanje"]["Marketing without consent"],
            by_campaign["Nyhetsbrev november"]["Marketing after opt-out"]) == (6, 3)
    assert len(at.get("plotly_chart")) == 2  # consents by purpose, sends against consent
    shown = page_text(at)
    assert "@" not in shown and "example.org" not in shown
    assert not re.search(r"p-[0-9a-f]{16}", shown)
    assert not any(name in shown.lower() for name in ("fjellstad", "bergvik", "nesheim", "dalsrud"))


def test_page_on_the_whole_demo_counts_the_withdrawals_from_requests(demo_vern, dashboard):
    """The demo's requests (audits/demo/subject_requests.py) withdraw every marketing consent of two
    people: Marte Nesheim's objection (she had withdrawn the newsletter already) and Ingrid
    Fjellstad's opt-out, two days before the Christmas campaign still reached her."""
    at = dashboard("consent", lang="en")
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Marketing sends": "128", "Without a valid consent": "6", "After opt-out": "4",
                       "Opt-outs from requests": "2"}
    purposes = at.dataframe[0].value
    assert purposes.to_dict("records") == [  # Ingrid held all three: each has one more withdrawn
        {"Purpose": "fundraising", "Valid consent": 18, "Withdrawn": 2},
        {"Purpose": "interest profile", "Valid consent": 10, "Withdrawn": 2},
        {"Purpose": "newsletter", "Valid consent": 32, "Withdrawn": 4}]


def test_page_in_bokmal_and_before_any_import(vern, dashboard):
    at = dashboard("consent", lang="nb")
    assert not at.exception
    assert at.title[0].value == "Samtykke og reservasjon"
    assert "vern import consents" in at.info[0].value


def test_staff_may_not_open_the_page(vern, dashboard):
    at = dashboard("consent", roles=("staff",))
    assert "Du har ikke tilgang" in at.error[0].value
    assert trail.listing(vern.store, action="access.denied")[0]["object"] == "consent"


def test_page_when_every_marketing_send_had_consent(vern, dashboard):
    consents(vern, (KARI, "newsletter", "2026-01-05T09:30:00+01:00"))
    sends(vern, (KARI, "<b>Nyhetsbrev</b>", "newsletter", SEND), (PER, "Bekreftelse", "service", SEND))
    at = dashboard("consent", lang="en")
    assert not at.exception
    assert at.success[0].value == "Every marketing send had a valid consent."
    assert len(at.get("plotly_chart")) == 1
    assert "<b>Nyhetsbrev</b>" in at.dataframe[1].value["Campaign"].tolist()  # as typed, in a table


def test_without_the_consent_check_the_page_says_so(demo_vern, dashboard, monkeypatch):
    monkeypatch.setattr(demo_vern, "checks", {k: c for k, c in demo_vern.checks.items() if k != "consent"})
    at = dashboard("consent", lang="en")
    assert not at.exception
    assert at.info[0].value == ("This page shows what the check “consent” finds, and it is not installed "
                                "in this Vern. Ask the administrator.")
    assert not at.metric and not at.dataframe
