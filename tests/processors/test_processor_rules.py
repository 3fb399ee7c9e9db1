"""Every rule of the `processors` check on both sides of its edge, on a fixed clock.

Each test writes a register in the real CSV format, imports it into a real DuckDB file
and evaluates the real check. "Today" is the Oslo calendar date of VERN_NOW.
"""

import csv
from datetime import date
from pathlib import Path

import pytest

from audits.checking import runner
from audits.core import config as configuration
from audits.core.keys import open_store
from audits.core.store import Store
from audits.processors.register import COLUMNS, import_register
from checks.processors import ProcessorsCheck

# Monday 15 June 2026, noon in Oslo (CEST, +02:00).
NOON = "2026-06-15T12:00:00+02:00"


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "vern.duckdb", tmp_path / "vern.key")
    yield opened
    opened.close()


def processor(name="Acme AS", service="Mail", countries="NO", mechanism="none", dpf="",
              signed="2026-01-01", expires="", reviewed="") -> dict[str, str]:
    """A register row that raises nothing unless a test changes one field."""
    return dict(zip(COLUMNS, (name, service, countries, mechanism, dpf, signed, expires, reviewed), strict=True))


def evaluate(store: Store, tmp_path: Path, rows: list[dict], toml: str = "") -> set[tuple[str, str]]:
    """Import `rows` and run the check's rules; the (rule, subject) pairs it reports."""
    return {(f.rule, f.subject) for f in findings(store, tmp_path, rows, toml)}


def findings(store: Store, tmp_path: Path, rows: list[dict], toml: str = "") -> list:
    register = tmp_path / "register.csv"
    with register.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    assert import_register(store, register, "test") == len(rows)
    config_file = None
    if toml:
        config_file = tmp_path / "vern.toml"
        config_file.write_text(toml, encoding="utf-8")
    config = configuration.load(config_file, store.path, {"processors": ProcessorsCheck})
    ctx = runner.context(store, config, ProcessorsCheck, "test")
    return list(ProcessorsCheck().evaluate(ctx))


# -- dpa_missing ----------------------------------------------------------------------
def test_no_signed_agreement_is_dpa_missing(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(signed="")]) == {("dpa_missing", "Acme AS – Mail")}


def test_signed_agreement_is_not_dpa_missing(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(signed="2026-06-15")]) == set()


def test_subject_without_service_is_the_name_alone(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(service="", signed="")]) == {("dpa_missing", "Acme AS")}


# -- dpa_expired ----------------------------------------------------------------------
def test_agreement_that_expired_yesterday_is_expired(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    found = findings(store, tmp_path, [processor(expires="2026-06-14")])
    assert {(f.rule, f.subject) for f in found} == {("dpa_expired", "Acme AS – Mail")}
    assert found[0].values == {"expired": date(2026, 6, 14)}


def test_agreement_that_expires_today_is_still_valid(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(expires="2026-06-15")]) == set()


def test_expiry_is_judged_on_the_oslo_date_not_the_utc_date(store, tmp_path, monkeypatch):
    # 22:30 UTC on 14 June is 00:30 on 15 June in Oslo: an agreement ending on the 14th has ended.
    monkeypatch.setenv("VERN_NOW", "2026-06-14T22:30:00Z")
    assert evaluate(store, tmp_path, [processor(expires="2026-06-14")]) == {
        ("dpa_expired", "Acme AS – Mail")}


def test_expiry_just_before_oslo_midnight_is_still_valid(store, tmp_path, monkeypatch):
    # 21:59 UTC on 14 June is 23:59 on 14 June in Oslo: the agreement's last day.
    monkeypatch.setenv("VERN_NOW", "2026-06-14T21:59:00Z")
    assert evaluate(store, tmp_path, [processor(expires="2026-06-14")]) == set()


def test_missing_agreement_is_reported_once_not_also_as_overdue(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    rows = [processor(signed="", expires="2020-01-01", reviewed="2020-01-01")]
    assert evaluate(store, tmp_path, rows) == {("dpa_missing", "Acme AS – Mail")}


# -- dpa_review_overdue ---------------------------------------------------------------
def test_review_exactly_twelve_months_ago_is_not_overdue(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    rows = [processor(signed="2024-01-01", reviewed="2025-06-15")]
    assert evaluate(store, tmp_path, rows) == set()


def test_review_twelve_months_and_one_day_ago_is_overdue(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    found = findings(store, tmp_path, [processor(signed="2024-01-01", reviewed="2025-06-14")])
    assert {(f.rule, f.subject) for f in found} == {("dpa_review_overdue", "Acme AS – Mail")}
    assert found[0].values == {"reviewed": date(2025, 6, 14), "months": 12}


def test_never_reviewed_counts_from_the_signing_date(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    rows = [processor(name="Old", signed="2025-06-14"), processor(name="New", signed="2025-06-15")]
    assert evaluate(store, tmp_path, rows) == {("dpa_review_overdue", "Old – Mail")}


def test_review_on_leap_day_is_due_on_28_february_next_year(store, tmp_path, monkeypatch):
    # 29 Feb 2024 + 12 months has no 29th: the period ends on 28 Feb 2025 (month-end clamping).
    monkeypatch.setenv("VERN_NOW", "2025-02-28T12:00:00+01:00")
    rows = [processor(signed="2023-01-01", reviewed="2024-02-29")]
    assert evaluate(store, tmp_path, rows) == set()


def test_review_on_leap_day_is_overdue_on_1_march_next_year(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", "2025-03-01T12:00:00+01:00")
    rows = [processor(signed="2023-01-01", reviewed="2024-02-29")]
    assert evaluate(store, tmp_path, rows) == {("dpa_review_overdue", "Acme AS – Mail")}


def test_review_on_28_february_is_due_on_28_february_next_year(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", "2026-02-28T12:00:00+01:00")
    rows = [processor(signed="2024-01-01", reviewed="2025-02-28")]
    assert evaluate(store, tmp_path, rows) == set()


def test_review_on_28_february_is_overdue_on_1_march_next_year(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", "2026-03-01T12:00:00+01:00")
    rows = [processor(signed="2024-01-01", reviewed="2025-02-28")]
    assert evaluate(store, tmp_path, rows) == {("dpa_review_overdue", "Acme AS – Mail")}


def test_review_on_28_february_before_a_leap_year_is_overdue_on_the_leap_day(
        store, tmp_path, monkeypatch):
    # 28 Feb 2023 + 12 months = 28 Feb 2024; on 29 Feb 2024 the review is a day late.
    monkeypatch.setenv("VERN_NOW", "2024-02-29T12:00:00+01:00")
    rows = [processor(signed="2022-01-01", reviewed="2023-02-28")]
    assert evaluate(store, tmp_path, rows) == {("dpa_review_overdue", "Acme AS – Mail")}


def test_review_period_is_configurable_not_yet_overdue(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    rows = [processor(signed="2024-01-01", reviewed="2025-12-15")]
    toml = "[checks.processors]\nreview_months = 6\n"
    assert evaluate(store, tmp_path, rows, toml) == set()


def test_review_period_is_configurable_overdue(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    toml = "[checks.processors]\nreview_months = 6\n"
    found = findings(store, tmp_path, [processor(signed="2024-01-01", reviewed="2025-12-14")], toml)
    assert {(f.rule, f.subject) for f in found} == {("dpa_review_overdue", "Acme AS – Mail")}
    assert found[0].values == {"reviewed": date(2025, 12, 14), "months": 6}


def test_longer_review_period_spares_a_review_older_than_twelve_months(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    rows = [processor(signed="2024-01-01", reviewed="2024-07-01")]
    assert evaluate(store, tmp_path, rows, "[checks.processors]\nreview_months = 24\n") == set()


def test_one_month_review_period_clamps_31_january_to_28_february(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", "2026-02-28T12:00:00+01:00")
    rows = [processor(signed="2025-01-01", reviewed="2026-01-31")]
    assert evaluate(store, tmp_path, rows, "[checks.processors]\nreview_months = 1\n") == set()


def test_one_month_review_period_overdue_on_1_march(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", "2026-03-01T12:00:00+01:00")
    rows = [processor(signed="2025-01-01", reviewed="2026-01-31")]
    assert evaluate(store, tmp_path, rows, "[checks.processors]\nreview_months = 1\n") == {
        ("dpa_review_overdue", "Acme AS – Mail")}


# -- transfers: EEA and adequacy ------------------------------------------------------
EEA = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "HU", "IS", "LI", "NO"]
ADEQUATE = ["AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY"]


def test_all_eea_countries_need_no_mechanism(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(countries=";".join(EEA))]) == set()


@pytest.mark.parametrize("country", ["GB", "CH", "JP"])
def test_adequacy_country_with_mechanism_none_is_fine(store, tmp_path, monkeypatch, country):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(countries=f"NO;{country}")]) == set()


def test_every_adequacy_country_with_mechanism_none_is_fine(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(countries=";".join(ADEQUATE))]) == set()


# -- transfer_no_mechanism ------------------------------------------------------------
@pytest.mark.parametrize("country", ["IN", "CN", "AU", "BR", "SG"])
def test_non_adequate_country_without_mechanism(store, tmp_path, monkeypatch, country):
    monkeypatch.setenv("VERN_NOW", NOON)
    found = findings(store, tmp_path, [processor(countries=f"NO;{country}")])
    assert {(f.rule, f.subject) for f in found} == {("transfer_no_mechanism", "Acme AS – Mail")}
    assert found[0].values == {"countries": country}


def test_us_without_certification_and_no_mechanism(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(countries="US", dpf="no")]) == {
        ("transfer_no_mechanism", "Acme AS – Mail")}


def test_us_certified_under_dpf_needs_no_other_mechanism(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(countries="US", dpf="yes")]) == set()


def test_no_mechanism_names_only_the_uncovered_countries(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    found = findings(store, tmp_path, [processor(countries="NO;US;JP;IN", dpf="yes")])
    assert {(f.rule, f.subject) for f in found} == {("transfer_no_mechanism", "Acme AS – Mail")}
    assert found[0].values == {"countries": "IN"}


# -- valid safeguards -----------------------------------------------------------------
@pytest.mark.parametrize("mechanism", ["scc2021", "bcr", "derogation"])
def test_valid_safeguard_covers_any_third_country(store, tmp_path, monkeypatch, mechanism):
    monkeypatch.setenv("VERN_NOW", NOON)
    rows = [processor(countries="NO;US;IN;CN", mechanism=mechanism, dpf="no")]
    assert evaluate(store, tmp_path, rows) == set()


# -- transfer_invalid_mechanism -------------------------------------------------------
@pytest.mark.parametrize("mechanism, shown", [("privacy_shield", "Privacy Shield"),
                                              ("scc2010", "the 2010 standard clauses")])
def test_invalidated_mechanism_for_a_third_country(store, tmp_path, monkeypatch, mechanism, shown):
    monkeypatch.setenv("VERN_NOW", NOON)
    found = findings(store, tmp_path, [processor(countries="NO;US", mechanism=mechanism, dpf="no")])
    assert {(f.rule, f.subject) for f in found} == {("transfer_invalid_mechanism", "Acme AS – Mail")}
    assert found[0].values == {"countries": "US", "mechanism": shown}


@pytest.mark.parametrize("mechanism", ["privacy_shield", "scc2010"])
def test_invalidated_mechanism_inside_the_eea_is_no_transfer(store, tmp_path, monkeypatch, mechanism):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(countries="NO;SE", mechanism=mechanism)]) == set()


def test_adequacy_claimed_for_a_country_without_a_decision(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    found = findings(store, tmp_path, [processor(countries="NO;IN", mechanism="adequacy")])
    assert {(f.rule, f.subject) for f in found} == {("transfer_invalid_mechanism", "Acme AS – Mail")}
    assert found[0].values == {"countries": "IN", "mechanism": "an adequacy decision"}


def test_adequacy_claimed_for_a_country_with_a_decision(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(countries="NO;JP", mechanism="adequacy")]) == set()


def test_adequacy_claimed_for_the_us_without_dpf_certification(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    found = findings(store, tmp_path, [processor(countries="US", mechanism="adequacy", dpf="no")])
    assert {(f.rule, f.subject) for f in found} == {("transfer_invalid_mechanism", "Acme AS – Mail")}
    assert found[0].values == {"countries": "US", "mechanism": "an adequacy decision"}


def test_adequacy_claimed_for_the_us_with_dpf_certification(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    rows = [processor(countries="US", mechanism="adequacy", dpf="yes")]
    assert evaluate(store, tmp_path, rows) == set()


# -- transfer_dpf_not_certified -------------------------------------------------------
@pytest.mark.parametrize("dpf", ["no", ""])
def test_dpf_claimed_without_certification(store, tmp_path, monkeypatch, dpf):
    monkeypatch.setenv("VERN_NOW", NOON)
    rows = [processor(countries="NO;US", mechanism="dpf", dpf=dpf)]
    assert evaluate(store, tmp_path, rows) == {("transfer_dpf_not_certified", "Acme AS – Mail")}


def test_dpf_claimed_with_certification(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    assert evaluate(store, tmp_path, [processor(countries="NO;US", mechanism="dpf", dpf="yes")]) == set()


def test_dpf_does_not_cover_a_country_other_than_the_us(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    found = findings(store, tmp_path, [processor(countries="US;IN", mechanism="dpf", dpf="yes")])
    assert {(f.rule, f.subject) for f in found} == {("transfer_invalid_mechanism", "Acme AS – Mail")}
    assert found[0].values == {"countries": "IN", "mechanism": "the Data Privacy Framework"}


# -- a whole register -----------------------------------------------------------------
def test_a_register_yields_exactly_one_finding_per_problem(store, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOON)
    rows = [
        processor(name="Missing", signed=""),
        processor(name="Expired", expires="2026-06-14"),
        processor(name="Overdue", signed="2024-01-01", reviewed="2025-06-14"),
        processor(name="NoMech", countries="IN"),
        processor(name="Shield", countries="US", mechanism="privacy_shield", dpf="no"),
        processor(name="Zoomish", countries="US", mechanism="dpf", dpf="no"),
        processor(name="Fine", countries="NO;GB;US", mechanism="scc2021", expires="2026-06-15",
                  reviewed="2025-06-15"),
        processor(name="Both", signed="", countries="CN"),
    ]
    assert evaluate(store, tmp_path, rows) == {
        ("dpa_missing", "Missing – Mail"),
        ("dpa_expired", "Expired – Mail"),
        ("dpa_review_overdue", "Overdue – Mail"),
        ("transfer_no_mechanism", "NoMech – Mail"),
        ("transfer_invalid_mechanism", "Shield – Mail"),
        ("transfer_dpf_not_certified", "Zoomish – Mail"),
        ("dpa_missing", "Both – Mail"),
        ("transfer_no_mechanism", "Both – Mail"),
    }
