"""Each page through Streamlit's AppTest, on the demo data."""


import json

import pytest

from audits.checking import findings, runner
from conftest import as_read


@pytest.fixture
def app(dashboard):
    def open_page(page=None, lang="nb", roles=("adviser",)):
        at = dashboard(page, lang, roles)
        assert not at.exception, at.exception
        return at
    return open_page


def metric(at, label: str):
    return next(m.value for m in at.metric if m.label == label)


def test_overview_counts_open_findings_by_severity(app, demo_vern):
    at = app()
    assert at.title[0].value == "Oversikt"
    # 6 processor findings (5 high, 1 medium) and 8 access findings: high for the unknown
    # account, the access after leaving and the two bulk exports; medium for the access
    # without a grant and the two bursts of failed sign-ins; low for the Saturday night.
    # 9 training findings: high for the five who used personal data untrained, medium for
    # the two never trained and the one expired, low for the one due soon.
    # 9 activity findings: high for the DPIA, the health data without an Art. 9(2) condition
    # and the four activities using a processor without a valid agreement; medium for the
    # incomplete record and the late risk review; low for the unclassified activity.
    # 3 retention findings: high for the two kept too long, medium for the category without a
    # rule. 3 consent findings, all high: the Christmas campaign without consent and after
    # Ingrid's opt-out (a demo request), the November newsletter after three opt-outs.
    # 4 request findings: high for the overdue access request; medium for the erasure due
    # within a week, the extension the person was not told of and the answer without an
    # identity check.
    assert metric(at, "Åpne funn") == "42"
    assert metric(at, "kritisk") == "0"
    assert metric(at, "høy") == "26"
    assert metric(at, "middels") == "13"
    assert metric(at, "lav") == "3"
    assert metric(at, "Feilede kontroller") == "0"
    # The data-subject requests (audits/demo/subject_requests.py), three metrics: #4-#7 open, #5 due
    # 2026-11-30 (within a week), #4 due 2026-11-20 (overdue); then the demo's last nightly backup
    # (02:30, 02:31 when done) and its verification.
    assert [(m.label, m.value) for m in at.metric][-5:] == [
        ("Åpne", "4"), ("Frist innen 7 dager", "1"), ("Over svarfristen", "1"),
        ("Siste sikkerhetskopi", "24. nov. 2026 kl. 02.30"),
        ("Siste kontrollerte sikkerhetskopi", "24. nov. 2026 kl. 02.31")]
    checks = next(d.value for d in at.dataframe if "Kontroll" in d.value.columns)
    assert list(checks["Kontroll"]) == ["Tilgang til personopplysninger", "Behandlingsprotokoll og risiko",
                                        "Sikkerhetskopier", "Samtykke og reservasjon", "Databehandleravtaler og overføringer",
                                        "Henvendelser fra de registrerte", "Lagringstid og sletting",
                                        "Kilder Vern henter fra", "Revisjonssporet", "Personvernopplæring"]
    assert all(last == "fullført 24. nov. 2026 kl. 12.00" for last in checks["Siste kjøring"])  # bokmål's form
    # In Oslo time: access_logs 30 */6 * * * later today, the backups and the trail on the hour
    # (the frozen clock stands at 12:00 sharp); the others tomorrow morning.
    assert list(checks["Neste kjøring"]) == [
        "24. nov. 2026 kl. 12.30", "25. nov. 2026 kl. 06.00", "24. nov. 2026 kl. 12.00", "25. nov. 2026 kl. 07.30", "25. nov. 2026 kl. 06.15",
        "25. nov. 2026 kl. 07.00", "25. nov. 2026 kl. 07.00", "24. nov. 2026 kl. 12.00", "24. nov. 2026 kl. 12.00",
        "25. nov. 2026 kl. 06.45"]


def test_overview_in_english_names_a_failed_check(app, demo_vern, tmp_path):
    broken = tmp_path / "inbox" / "processors"
    broken.mkdir(parents=True)
    (broken / "register.csv").write_text("name,service\nAcme,CRM\n")
    runner.run(demo_vern.store, demo_vern.config, demo_vern.checks["processors"], "cli")
    at = app(lang="en")
    assert metric(at, "Failed checks") == "1"
    assert any("missing columns countries" in e.value for e in at.error)  # escaped: see below


def test_empty_database_overview_says_so(app, vern):
    at = app(lang="en")
    assert metric(at, "Open findings") == "0"
    assert at.success[0].value == "No open findings."


def test_findings_page_lists_and_filters(app, demo_vern):
    at = app("findings", "en")
    # 6 processor, 8 access, 9 training, 9 activity, 3 retention, 3 consent and 4 request findings
    assert len(at.dataframe[0].value) == 42
    at.multiselect[1].set_value(["medium"]).run()
    table = at.dataframe[0].value
    # Rules by their names, never their ids.
    assert sorted(table["Rule"]) == ["Access without a grant", "Answered without verified identity",
                                     "Burst of failed sign-ins", "Burst of failed sign-ins", "Extension not told",
                                     "Processor review overdue", "Record of processing incomplete",
                                     "Request due soon", "Retention rule missing", "Risk review overdue",
                                     "Training expired", "Training missing", "Training missing"]
    at.multiselect[2].set_value(["processors"]).run()
    table = at.dataframe[0].value
    assert list(table["Rule"]) == ["Processor review overdue"]
    assert list(table["Check"]) == ["Processor agreements and transfers"]


def test_findings_page_records_a_decision_with_reason(app, demo_vern):
    at = app("findings", "en")
    key = at.selectbox[1].value
    at.selectbox[2].set_value("acknowledged")
    at.text_area[0].input("Renewal under negotiation")
    at.button(key=f"FormSubmitter:decide-{key}-Save").click().run()
    assert not at.exception
    row = findings.get(demo_vern.store, key)
    assert (row["status"], row["status_reason"], row["status_by"]) == (
        "acknowledged", "Renewal under negotiation", "adviser")


def test_findings_page_refuses_risk_acceptance_without_reason(app, demo_vern):
    at = app("findings", "en")
    key = at.selectbox[1].value
    at.selectbox[2].set_value("risk_accepted")
    at.button(key=f"FormSubmitter:decide-{key}-Save").click().run()
    assert "written reason" in at.error[0].value
    assert findings.get(demo_vern.store, key)["status"] == "open"


def test_processor_register_page(app, demo_vern):
    at = app("processors", "en")
    table = at.dataframe[0].value
    assert len(table) == 11
    # Who, the open findings and the agreement's dates first; short names, the full ones as help.
    assert list(table.columns) == ["Name", "Service", "Findings", "Signed", "Expires", "Reviewed", "Outside the EEA",
                                   "Basis", "DPF", "Countries"]
    helps = {label: config.get("help") for label, config in json.loads(at.dataframe[0].proto.columns).items()}
    assert (helps["Findings"], helps["Signed"], helps["Basis"]) == ("Open findings", "Agreement signed",
                                                                   "Transfer mechanism")
    already_on = table[table["Name"] == "Already On AS"].iloc[0]
    assert already_on["Findings"] == 1
    freshworks = table[table["Name"] == "Freshworks Inc."].iloc[0]
    assert freshworks["Outside the EEA"] == "US, IN"


def test_processor_page_explains_an_empty_register(app, vern):
    at = app("processors", "en")
    assert "vern import processors" in at.info[0].value


def test_checks_page_runs_a_check_now(app, demo_vern):
    at = app("checks", "en")
    # One box per check, named by its title, with its schedule (the page has other captions, e.g. the clock).
    assert [h.value for h in at.subheader] == ["Access to personal data", "Record of processing and risk",
                                               "Backups", "Consent and opt-out", "Processor agreements and transfers",
                                               "Data-subject requests", "Retention and deletion",
                                               "Sources Vern pulls from", "The audit trail", "Privacy training"]
    schedules = [c.value for c in at.caption if c.value.startswith("Schedule")]
    assert "30 */6 * * *" in schedules[0] and "15 6 * * *" in schedules[4]
    at.button(key="run-processors").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Processor agreements and transfers: succeeded, 6 findings"]
    assert runner.history(demo_vern.store, "processors")[0]["trigger"] == "manual"
    assert runner.history(demo_vern.store, "access_logs")[0]["trigger"] == "cli"  # not run again
    at.button(key="run-access_logs").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Access to personal data: succeeded, 8 findings"]
    assert runner.history(demo_vern.store, "access_logs")[0]["trigger"] == "manual"


def test_text_from_evidence_is_shown_as_typed_never_as_markup(app, demo_vern):
    header = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"
    inbox = demo_vern.config.inbox / "processors"
    inbox.mkdir(parents=True)
    (inbox / "![x](t.png) **b**.csv").write_text(f"{header}\nAcme,CRM,NO,sccs,,,,\n")  # the name is shown
    runner.run(demo_vern.store, demo_vern.config, demo_vern.checks["processors"], "cli")
    at = app(lang="en")
    shown = at.error[0].value
    assert "moved to failed/: ![x](t.png) **b**.csv: line 2, field transfer_mechanism" in as_read(shown)
    assert "![x](" not in shown  # not an image
