"""The adviser's access page on the demo data: charts, findings, the events behind one,
re-identification with a reason, a breach from a finding, and the system list editor."""

import json

import pytest

from audits.access import directory
from audits.checking import findings
from audits.core import trail
from audits.core.errors import InputError
from checks.access_logs import AccessLogsCheck


def access_findings(store):
    return findings.listing(store, check="access_logs")


def test_page_shows_every_rule_with_charts(demo_vern, dashboard):
    at = dashboard("access", lang="en")
    assert not at.exception
    assert at.title[0].value == "Access to personal data"
    assert len(at.get("plotly_chart")) == 3
    table = at.dataframe[0].value
    assert set(table["Rule"]) == {
        "Access by an unknown account", "Access after leaving", "Access without a grant",
        "Unusually large download", "Burst of failed sign-ins", "Use out of hours"}
    # People are shown by pseudonym only.
    assert all(actor.startswith("p-") for actor in table["Account (pseudonym)"])
    assert not any("@" in str(value) for value in table.to_numpy().ravel())


def test_drill_down_lists_the_events_behind_the_chosen_finding(demo_vern, dashboard):
    at = dashboard("access", lang="en")
    bulk = next(f for f in access_findings(demo_vern.store)
                if f["rule"] == "access_bulk_export" and f["details"]["count"] == 2500)
    at.selectbox[0].set_value(bulk["fingerprint"]).run()
    assert not at.exception
    events = at.dataframe[1].value
    assert list(events["Records"]) == [2500]
    assert list(events["System"]) == ["SuperOffice CRM"]
    assert list(events["Action"]) == ["export"]


def test_reidentify_needs_a_reason_and_is_recorded(demo_vern, dashboard):
    at = dashboard("access", lang="en")
    unknown = next(f for f in access_findings(demo_vern.store) if f["rule"] == "access_unknown_actor")
    at.selectbox[0].set_value(unknown["fingerprint"]).run()
    form_button = next(b for b in at.button if b.label == "Reveal the person")
    form_button.click().run()
    assert "reason" in at.error[0].value
    at.text_area[0].input("Checking an outside account in the member register")
    next(b for b in at.button if b.label == "Reveal the person").click().run()
    assert not at.error, at.error[0].value
    assert "ekstern.konsulent@gmail.com" in [t.value for t in at.text]
    entry = trail.listing(demo_vern.store, action="pseudonym.reidentify")[0]
    assert entry["object"] == unknown["details"]["actor"]


def test_breach_from_an_access_finding_keeps_the_link(demo_vern, dashboard):
    at = dashboard("access", lang="en")
    leaver = next(f for f in access_findings(demo_vern.store) if f["rule"] == "access_after_offboarding")
    at.selectbox[0].set_value(leaver["fingerprint"]).run()
    next(b for b in at.button if b.label == "Create a breach from this finding").click().run()
    linked = demo_vern.store.value("SELECT count(*) FROM breaches WHERE finding = ?", [leaver["fingerprint"]])
    assert linked == 1


def test_system_list_edited_on_the_page_remaps_events(demo_vern, dashboard):
    at = dashboard("access", lang="en")
    assert len(at.dataframe) == 3  # findings, events, and the editable system list
    before = demo_vern.store.value("SELECT count(*) FROM access_resources WHERE system IS NOT NULL")
    assert before > 0
    next(b for b in at.button if b.label == "Save the system list").click().run()
    assert "systems saved" in at.success[0].value
    after = demo_vern.store.value("SELECT count(*) FROM access_resources WHERE system IS NOT NULL")
    assert after == before
    assert trail.listing(demo_vern.store, action="systems.edit")


def test_board_and_staff_cannot_open_the_page(demo_vern, dashboard):
    for role in ("board", "staff", "admin"):
        at = dashboard("access", lang="en", roles=(role,))
        assert not at.dataframe
        assert "do not have access" in at.error[0].value


def test_events_behind_each_demo_finding_are_the_ones_it_counted(demo_vern):
    store = demo_vern.store
    for finding in access_findings(store):
        behind = AccessLogsCheck.evidence(store, demo_vern.config.check("access_logs"), finding)
        counted = sum(e["records"] for e in behind) if finding["rule"] == "access_bulk_export" else len(behind)
        assert counted == finding["details"]["count"], finding["rule"]


def test_edit_systems_remaps_and_refuses_bad_rows_by_row_and_field(demo_vern):
    store = demo_vern.store
    rows = directory.systems(store)
    edited = [{**r, "holds_personal_data": "yes" if r["holds_personal_data"] else "no",
               "match": "; ".join(r["match"])} for r in rows if r["name"] != "Medlemsregister (SharePoint)"]
    directory.edit_systems(store, edited, "adviser")
    unmapped = store.value("SELECT count(*) FROM access_resources WHERE system IS NULL "
                           "AND starts_with(resource, 'm365:https://forening.sharepoint.com/sites/Medlemmer')")
    assert unmapped > 0
    bad = [*edited, {"name": "Ny", "holds_personal_data": "kanskje", "classification": "internal",
                     "match": "ftp:server"}]
    with pytest.raises(InputError) as refused:
        directory.edit_systems(store, bad, "adviser")
    message = str(refused.value)
    assert f"row {len(bad)}, field holds_personal_data" in message
    assert f"row {len(bad)}, field match" in message
    assert store.value("SELECT count(*) FROM systems") == len(edited)


def test_without_the_access_logs_check_the_page_says_so_and_keeps_the_system_list(demo_vern, dashboard,
                                                                                  monkeypatch):
    monkeypatch.setattr(demo_vern, "checks", {k: c for k, c in demo_vern.checks.items() if k != "access_logs"})
    at = dashboard("access", lang="en")
    assert not at.exception
    assert at.info[0].value == ("This page shows what the check “access_logs” finds, and it is not installed "
                                "in this Vern. Ask the administrator.")
    assert not at.get("plotly_chart") and not at.selectbox  # no findings, no drill-down
    assert at.metric[0].label == "Events stored"  # the evidence is still there, and the system list
    assert "Save the system list" in [b.label for b in at.button]


def test_findings_over_time_by_day_in_bokmal_every_day_in_its_place(demo_vern, dashboard):
    at = dashboard("access", lang="nb")
    over_time = json.loads(at.get("plotly_chart")[0].proto.spec)
    axis = over_time["layout"]["xaxis"]
    days = [f"{n}. nov." for n in range(11, 22)]  # the open findings' last events: 11 to 21 November
    assert (axis["type"], axis["categoryarray"], axis["tickangle"]) == ("category", days, 0)
    assert axis["ticktext"] == days[::2]  # six written: none overlap
    assert {m.label: m.value for m in at.metric}["Periode"] == "25. aug. – 23. nov. 2026"
    table = at.dataframe[0].value
    assert list(table.columns) == ["Alvorlighet", "Regel", "Tidsrom (Oslo)", "Systemer", "Antall",
                                   "Konto (pseudonym)", "Status"]
    unknown = table[table["Regel"] == "Tilgang fra ukjent konto"].iloc[0]
    assert unknown["Tidsrom (Oslo)"] == "13. nov. 2026 kl. 10.00–10.24"
