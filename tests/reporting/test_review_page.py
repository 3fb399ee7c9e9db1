"""The review page on the demo data (Tuesday 2026-11-24 12:00 in Oslo): the adviser sees the
queue most urgent first, filters it, decides on one item or on all shown of one kind, and
closes the week's review; the board and staff are refused."""

from datetime import date

import pytest

from audits.core import trail
from audits.reporting import review
from conftest import as_read

DENIED = "Du har ikke tilgang til denne siden. Forsøket er registrert."
VIPPS = "agreement:Vipps MobilePay AS – Betaling av kontingent:2027-01-08"


def queue_table(at):
    return next(d.value for d in at.dataframe if "Kind" in d.value.columns)


def decisions_table(at):
    return next(d.value for d in at.dataframe if "By" in d.value.columns)


def decide(at, action: str, note: str = "", assignee: str | None = None, due: date | None = None):
    next(r for r in at.radio if r.label == "Decision").set_value(action)
    at.text_area[0].input(note)
    if assignee:
        next(s for s in at.selectbox if s.label == "Assigned to").select(assignee)
    if due:
        next(d for d in at.date_input if d.label == "Due").set_value(due)
    next(b for b in at.button if b.label == "Record the decision").click().run()
    assert not at.exception, at.exception
    return at


def choose(at, *items: str):
    at.multiselect[0].set_value(list(items)).run()
    return at


def pick(at, label: str, value):
    next(s for s in at.selectbox if s.label == label).select(value).run()
    return at


def decided(vern) -> list[tuple]:
    return [(r["item"], r["action"]) for r in
            vern.store.rows("SELECT item, action FROM review_decisions ORDER BY id")]


def test_the_adviser_sees_the_queue_most_urgent_first(demo_vern, dashboard):
    at = dashboard("review", lang="en")
    assert not at.exception, at.exception
    assert at.title[0].value == "Weekly review"
    assert [t.label for t in at.tabs] == ["The queue", "This week"]
    metrics = {m.label: m.value for m in at.metric}
    # 40 findings (the 2 on the requests' clocks stand behind their requests), 3 breaches, Vipps'
    # agreement and the 2 requests due within a week or overdue (#4 overdue: critical; #5 due
    # 2026-11-30: high)
    assert (metrics["Items in the queue"], metrics["critical"], metrics["high"]) == ("46", "2", "28")
    table = queue_table(at)
    # What wants a decision first; where it belongs last (the item wraps, every column in view).
    assert list(table.columns) == ["Severity", "Item", "Due", "Status", "Assigned to", "Area", "Kind"]
    assert list(table["Severity"]) == ["critical"] * 2 + ["high"] * 28 + ["medium"] * 13 + ["low"] * 3
    assert list(table["Item"][:5]) == [
        "Data-subject request #4, access (Art. 15): answer due 2026-11-20",
        "Breach #2 Bærbar PC med deltakerlister stjålet: notification due 2026-11-24 04:00",
        "Breach #1 Medlemsliste sendt til feil e-postadresse: notification due 2026-11-24 16:00",
        "Breach #5 Kretsens medlemsregister delt med feil lenke: notification due 2026-11-25 07:00",
        "Data-subject request #5, erasure (Art. 17): answer due 2026-11-30"]
    assert list(table["Area"][:5]) == ["Data-subject requests"] + ["Breaches"] * 3 + ["Data-subject requests"]
    assert list(table["Kind"][:5]) == ["request"] + ["breach"] * 3 + ["request"]
    assert table.iloc[30]["Kind"] == "agreement"  # the first medium item: it has a date
    assert set(table["Status"]) == {"new"}
    assert len(at.multiselect[0].options) == 46


def test_the_page_in_bokmal(demo_vern, dashboard):
    at = dashboard("review")
    assert not at.exception, at.exception
    assert at.title[0].value == "Ukentlig gjennomgang"
    table = next(d.value for d in at.dataframe if "Type" in d.value.columns)
    assert table.iloc[0][["Alvorlighet", "Område", "Type", "Status"]].tolist() == [
        "kritisk", "Henvendelser fra de registrerte", "henvendelse", "ny"]
    assert table.iloc[0]["Sak"] == "Henvendelse #4 fra en registrert, innsyn (art. 15): svarfrist 20. nov. 2026"
    assert table.iloc[1][["Alvorlighet", "Område", "Type", "Status"]].tolist() == ["kritisk", "Avvik", "avvik", "ny"]
    assert table.iloc[1]["Sak"] == ("Avvik #2 Bærbar PC med deltakerlister stjålet: fristen for melding er "
                                    "24. nov. 2026 kl. 04.00")
    # An assignment's due date and a decided item, as a person reads them.
    at.multiselect[0].set_value(["breach:2"]).run()
    next(r for r in at.radio if r.label == "Beslutning").set_value("assigned")
    next(s for s in at.selectbox if s.label == "Tildelt").select("adviser")
    next(d for d in at.date_input if d.label == "Frist").set_value(date(2026, 12, 2))
    next(b for b in at.button if b.label == "Lagre beslutningen").click().run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "Type" in d.value.columns)
    assert table.iloc[1][["Tildelt", "Frist"]].tolist() == ["adviser", "2. des. 2026"]
    decisions = next(d.value for d in at.dataframe if "Av" in d.value.columns)
    assert decisions[["Beslutning", "Sak"]].values.tolist() == [["tildelt", "avvik #2"]]


@pytest.mark.parametrize("area, kind, kinds", [
    ("processors", None, ["agreement"] + ["finding"] * 6),  # the agreement (medium) after 5 high findings
    ("breaches", None, ["breach"] * 3),
    (None, "agreement", ["agreement"]),
    ("consent", "finding", ["finding"] * 3),
    ("requests", None, ["request"] * 2 + ["finding"] * 2),  # #4 and #5, and the 2 findings on no clock
])
def test_filter_by_area_and_kind(demo_vern, dashboard, area, kind, kinds):
    at = dashboard("review", lang="en")
    if area:
        pick(at, "Area", area)
    if kind:
        pick(at, "Kind", kind)
    assert not at.exception, at.exception
    table = queue_table(at)
    assert sorted(table["Kind"]) == sorted(kinds)
    assert len(at.multiselect[0].options) == len(kinds)
    assert at.metric[0].value == "46"  # the count covers the whole queue


def test_acknowledge_one_item(demo_vern, dashboard):
    at = choose(dashboard("review", lang="en"), "breach:1")
    decide(at, "acknowledged")
    assert at.success[0].value == "1 items: acknowledge."
    assert decided(demo_vern) == [("breach:1", "acknowledged")]
    table = queue_table(at)
    row = table[table["Item"].str.startswith("Breach #1 ")].iloc[0]
    assert row["Status"] == "acknowledged"
    assert table["Item"].tolist().index(row["Item"]) == 29  # behind the new high items
    assert trail.listing(demo_vern.store, action="review.acknowledged")[0]["actor"] == "adviser"


def test_resolve_without_a_note_is_refused_and_nothing_saved(demo_vern, dashboard):
    item = review.queue(demo_vern.store, demo_vern.config, kind="finding")["items"][0]["item"]
    at = choose(dashboard("review", lang="en"), item)
    decide(at, "resolved")
    assert [as_read(e.value) for e in at.error] == ["note: say what was done"]
    assert not at.success
    assert decided(demo_vern) == []
    assert demo_vern.store.value("SELECT status FROM findings WHERE fingerprint = ?", [item[8:]]) == "open"
    assert at.metric[0].value == "46"


def test_assign_to_the_adviser_with_a_due_date(demo_vern, dashboard):
    item = review.queue(demo_vern.store, demo_vern.config, kind="finding")["items"][0]["item"]
    at = choose(dashboard("review", lang="en"), item)
    decide(at, "assigned", assignee="adviser", due=date(2026, 12, 1))
    assert at.success[0].value == "1 items: assign."
    row = queue_table(at).iloc[5]  # the first finding (after 3 breaches, 2 requests), still where it was
    assert (row["Status"], row["Assigned to"], row["Due"]) == ("new", "adviser", "2026-12-01")
    [entry] = trail.listing(demo_vern.store, action="review.assigned")
    assert (entry["object"], entry["details"]["assignee"]) == (item, "adviser")


def test_assign_without_a_due_date_is_refused(demo_vern, dashboard):
    at = choose(dashboard("review", lang="en"), "breach:2")
    decide(at, "assigned", assignee="adviser")
    assert [as_read(e.value) for e in at.error] == ["assignee and due date: an assignment needs both"]
    assert decided(demo_vern) == []


def test_all_shown_agreements_resolved_at_once(demo_vern, dashboard):
    at = pick(dashboard("review", lang="en"), "Kind", "agreement")
    at.checkbox[0].check().run()
    assert at.checkbox[0].label == "All 1 shown (agreement)"
    assert not at.multiselect  # every shown item is chosen
    decide(at, "resolved", note="Avtalen er fornyet til 2029")
    assert at.success[0].value == "1 items: resolve."
    assert decided(demo_vern) == [(VIPPS, "resolved")]
    assert at.metric[0].value == "45"
    assert at.success[-1].value == "Nothing waits for a decision."  # no agreement left in the filter


def test_all_shown_findings_of_an_area_resolved_at_once(demo_vern, dashboard):
    at = pick(pick(dashboard("review", lang="en"), "Area", "consent"), "Kind", "finding")
    chosen = list(at.multiselect[0].options)
    at.checkbox[0].check().run()
    assert at.checkbox[0].label == "All 3 shown (finding)"
    decide(at, "resolved", note="Samtykkene er hentet inn på nytt")
    assert at.success[0].value == "3 items: resolve."
    rows = demo_vern.store.rows("SELECT status FROM findings WHERE check_id = 'consent'")
    assert [r["status"] for r in rows] == ["resolved", "resolved", "resolved"]
    assert len(decided(demo_vern)) == 3 == len(chosen)
    assert at.metric[0].value == "43"


def test_this_week_shows_the_decisions_and_the_review_is_held(demo_vern, dashboard):
    at = dashboard("review", lang="en")
    assert "No review held yet: changes in the last seven days." in [c.value for c in at.caption]
    assert "No decisions in the period." in [c.value for c in at.caption]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["New findings"], metrics["Reopened"], metrics["Closed by Vern"], metrics["Breaches logged"]) == (
        "42", "0", "0", "5")
    decide(choose(at, "breach:2"), "assigned", assignee="adviser", due=date(2026, 11, 24))
    table = decisions_table(at)
    assert table[["When", "By", "Decision", "Item", "Assigned to"]].values.tolist() == [
        ["2026-11-24 12:00", "adviser", "assigned", "breach #2", "adviser"]]  # by its name, not its key
    next(b for b in at.button if b.label == "This week's review is done").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "The review is recorded."
    assert demo_vern.store.rows("SELECT actor FROM review_sessions") == [{"actor": "adviser"}]
    assert review.last_review(demo_vern.store) is not None
    assert "Changes since the last review, 2026-11-24 12:00." in [c.value for c in at.caption]
    assert "No decisions in the period." in [c.value for c in at.caption]  # the week starts anew
    assert trail.listing(demo_vern.store, action="review.held")[0]["actor"] == "adviser"


@pytest.mark.parametrize("role", ["board", "staff"])
def test_the_page_is_refused_to_the_board_and_staff(demo_vern, dashboard, role):
    at = dashboard("review", roles=(role,))
    assert not at.exception
    assert [as_read(e.value) for e in at.error] == [DENIED]
    assert len(at.main) == 1  # the refusal and nothing else
    refusals = [e for e in trail.listing(demo_vern.store, action="access.denied") if e["object"] == "review"]
    assert [(e["actor"], e["object"]) for e in refusals] == [(role, "review")]
