"""The training page on the demo data: the board sees shares only; the adviser sees who
needs a reminder, can export the list safely, and can mail the reminders."""

import json

from audits.checking import runner
from audits.core import trail

NAMES = ("Lise Dahl", "Jonas Lie", "Ingrid Berg", "Ola Hansen", "Henrik Vik")


def test_board_sees_coverage_but_no_names(demo_vern, dashboard):
    at = dashboard("training", lang="en", roles=("board",))
    assert not at.exception
    assert at.title[0].value == "Privacy training"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Coverage"] == "50%"  # 4 of the 8 who need it: Kari, Ola, Nils, Anne
    assert len(at.get("plotly_chart")) == 2  # by kind, by district
    trend = [m for m in at.metric if m.label.startswith("Coverage at the check run of ")]
    assert [m.value for m in trend] == ["50%"]  # one run: a number, not a chart
    assert not at.dataframe
    page_text = " ".join(str(e.value) for e in at.markdown) + " ".join(str(e.value) for e in at.caption)
    assert not any(name in page_text for name in NAMES)


def test_adviser_sees_who_to_remind_and_why(demo_vern, dashboard):
    at = dashboard("training", lang="en")
    assert not at.exception
    table = at.dataframe[0].value
    by_name = dict(zip(table["Name"], table["Status"], strict=True))
    assert by_name == {"Lise Dahl": "missing", "Jonas Lie": "missing", "Ingrid Berg": "expired",
                       "Ola Hansen": "expires soon", "Henrik Vik": "new, within the grace period"}
    assert "Per Johansen" not in by_name  # left: not nagged


def test_adviser_mails_one_reminder_to_each_person(demo_vern, dashboard, smtp, tmp_path):
    demo_vern.config.mail.update(host="127.0.0.1", port=smtp.port, security="none",
                                 sender="personvern@forening.no")
    at = dashboard("training", lang="en")
    next(b for b in at.button if b.label.startswith("Send a reminder to 5 people")).click().run()
    assert not at.error, at.error[0].value if at.error else ""
    assert "Reminder sent to 5 people." in at.success[0].value
    sent = [(received["to"], message) for received, message in zip(smtp.received, smtp.messages(), strict=True)]
    recipients = sorted(r for tos, _ in sent for r in tos)
    assert recipients == sorted(["lise.dahl@forening.no", "jonas.lie@forening.no", "ingrid.berg@forening.no",
                                 "ola.hansen@forening.no", "henrik.vik@forening.no"])
    lise = next(m for tos, m in sent if tos == ["lise.dahl@forening.no"])
    assert "Personvern grunnkurs" in lise.get_content()
    entry = trail.listing(demo_vern.store, action="training.reminders")[0]
    assert entry["details"] == {"people": 5}


def test_without_the_training_check_the_page_says_so(demo_vern, dashboard, monkeypatch):
    monkeypatch.setattr(demo_vern, "checks", {k: c for k, c in demo_vern.checks.items() if k != "training"})
    at = dashboard("training", lang="en")
    assert not at.exception
    assert at.info[0].value == ("This page shows what the check “training” finds, and it is not installed "
                                "in this Vern. Ask the administrator.")
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")


def _figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_every_share_is_written_on_its_bar_so_0_percent_is_seen(demo_vern, dashboard):
    at = dashboard("training", lang="nb", roles=("board",))
    assert {m.label: m.value for m in at.metric}["Dekning"] == "50 %"
    by_kind, by_district = _figures(at)
    # Hired hands and volunteers: none of those who need it covered; staff 4 of 5.
    assert dict(zip(by_kind["data"][0]["x"], by_kind["data"][0]["text"], strict=True)) == {
        "innleid": "0 %", "ansatt": "80 %", "frivillig": "0 %"}
    assert by_kind["data"][0]["textposition"] == "outside"
    assert by_district["data"][0]["text"] == ["67 %", "0 %", "0 %"]
    assert by_kind["layout"]["yaxis"]["ticktext"] == ["0 %", "25 %", "50 %", "75 %", "100 %"]


def test_coverage_over_two_runs_is_a_line_by_the_runs_oslo_times(demo_vern, dashboard, monkeypatch):
    monkeypatch.setenv("VERN_NOW", "2026-12-01T09:30:00+01:00")
    runner.run(demo_vern.store, demo_vern.config, demo_vern.checks["training"], "cli")
    at = dashboard("training", lang="nb", roles=("board",))
    assert not [m for m in at.metric if m.label.startswith("Dekning ved kontrollkjøringen")]
    line = _figures(at)[2]
    assert line["data"][0]["x"] == ["24. nov. 2026 kl. 12.00", "1. des. 2026 kl. 09.30"]
    axis = line["layout"]["xaxis"]
    assert (axis["type"], axis["ticktext"], axis["tickangle"]) == (
        "category", ["24. nov. 2026 kl. 12.00", "1. des. 2026 kl. 09.30"], 0)  # no axis of milliseconds
    assert line["data"][0]["customdata"] == ["50 %", "50 %"]  # hover reads the share as the bars do
