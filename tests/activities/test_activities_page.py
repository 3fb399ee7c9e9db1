"""The activities page on the demo data: the board sees the risk map and no register; the
adviser picks a cell, reads the reasons, adjusts a risk with a reason and edits the record."""


from audits.activities import register as activities
from audits.core import trail
from conftest import as_read

MARKETING = "Markedsføring med interesseprofil"
OWNERS = ("Kommunikasjonssjef", "Leder medlemsservice", "Arrangementsansvarlig", "Økonomisjef",
          "Leder partnerskap", "Analytiker")


def test_board_sees_the_distribution_only(demo_vern, dashboard):
    at = dashboard("activities", lang="en", roles=("board",))
    assert not at.exception, at.exception
    assert at.title[0].value == "Processing activities and risk"
    metrics = {m.label: int(m.value) for m in at.metric}
    assert sum(metrics.values()) == 9
    assert len(at.get("plotly_chart")) == 1
    assert not at.get("form")
    assert [b.label for b in at.button] == ["Sign out"]


def shown(at) -> str:
    """Everything the page shows as text: headings, prose, metrics, choices, tables, the chart."""
    texts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "success", "warning", "error")
             for e in getattr(at, kind)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    texts += [str(option) for s in (*at.selectbox, *at.multiselect, *at.radio) for option in s.options]
    texts += [str(w.value) for w in (*at.text_input, *at.text_area)]
    texts += [d.value.to_string() for d in at.dataframe]
    texts += [str(chart.proto) for chart in at.get("plotly_chart")]
    return "\n".join(texts)


def pick(at, label: str, value):
    next(s for s in at.selectbox if s.label == label).select(value).run()
    assert not at.exception, at.exception
    return at


def activity_id(vern, name: str) -> int:
    return next(r["id"] for r in activities.listing(vern.store) if r["name"] == name)


def register_row(at, name: str) -> dict:
    table = at.dataframe[-1].value
    return table[table[table.columns[1]] == name].iloc[0].to_dict()  # ID, then the name



def reasons(at) -> list[str]:
    """The captions as the reader sees them."""
    return [as_read(c.value) for c in at.caption]


def test_board_sees_counts_by_level_but_no_register_editor_or_owners(demo_vern, dashboard):
    at = dashboard("activities", lang="en", roles=("board",))
    assert {m.label: int(m.value) for m in at.metric} == {"critical": 0, "high": 3, "medium": 5, "low": 1}
    pick(at, "The activities in a cell", (1, 3))  # negligible likelihood, significant severity
    assert [d.value.columns.tolist() for d in at.dataframe] == [["Name", "Role"]]
    assert not [s for s in at.selectbox if s.label == "Activity"]
    assert not at.text_input and not at.text_area
    page = shown(at)
    assert "Fakturering" in page  # the cell's activities, by name and role
    assert not [owner for owner in OWNERS if owner in page]


def test_adviser_picks_a_cell_and_sees_its_activities(demo_vern, dashboard):
    at = dashboard("activities", lang="en")
    assert not at.exception, at.exception
    cells = next(s for s in at.selectbox if s.label == "The activities in a cell")
    assert cells.options == ["negligible × limited (1)", "negligible × significant (3)", "limited × limited (2)",
                             "limited × maximum (2)", "significant × significant (1)"]
    pick(at, "The activities in a cell", (2, 4))
    assert at.subheader[0].value == "limited × maximum (2)"
    cell = at.dataframe[0].value
    assert cell.to_dict("records") == [{"Name": "Medlemsadministrasjon", "Role": "controller"},
                                       {"Name": "Tilrettelegging for deltakere", "Role": "controller"}]


def test_adviser_sees_the_register_with_its_warnings(demo_vern, dashboard):
    at = dashboard("activities", lang="en")
    assert len(at.dataframe[-1].value) == 9
    row = register_row(at, MARKETING)
    assert (row["Inherent"], row["DPIA"], row["Risk owner"], row["Next review"]) == (
        "high", "in progress ⚠", "Kommunikasjonssjef", "2026-11-10 ⚠")
    assert register_row(at, "Medlemsregister for kretsene")["Classification"] == "—"


def test_picking_an_activity_shows_why_its_risk_is_what_it_is(demo_vern, dashboard):
    at = pick(dashboard("activities", lang="en"), "Activity", activity_id(demo_vern, MARKETING))
    assert f"**{MARKETING}** — 3 of nine WP248 criteria met" in [m.value for m in at.markdown]
    shown_reasons = reasons(at)
    for reason in ("severity limited: classified internal", "severity one step up: large scale",
                   "likelihood one step up: transfers outside the EEA (US)",
                   "likelihood one step up: profiling or monitoring"):
        assert f"· {reason}" in shown_reasons
    assert any(c.startswith("· likelihood 2 steps up: ") for c in shown_reasons)


def test_the_page_in_bokmal_gives_norwegian_reasons(demo_vern, dashboard):
    at = pick(dashboard("activities", lang="nb"), "Aktivitet", activity_id(demo_vern, MARKETING))
    shown_reasons = reasons(at)
    assert "· alvorlighet begrenset: klassifisert intern" in shown_reasons
    assert "· sannsynlighet ett trinn opp: overføring ut av EØS (US)" in shown_reasons
    assert at.subheader[0].value == "Risikoregister"


# The forms are filled in bokmål, the configured language.
def test_the_adjustment_is_saved_with_a_reason_and_recorded(demo_vern, dashboard):
    number = activity_id(demo_vern, MARKETING)
    at = pick(dashboard("activities"), "Aktivitet", number)
    next(s for s in at.selectbox if s.label == "Sannsynlighet").select("limited")
    next(s for s in at.selectbox if s.label == "Alvorlighet").select("negligible")
    next(t for t in at.text_input if t.label == "Begrunnelse").input("Profilen brukes bare til nyhetsbrev")
    at.button(key="FormSubmitter:adjust-Lagre justeringen").click().run()
    assert not at.exception and not at.error, at.error
    assert activities.get(demo_vern.store, number)["risk_adjustment"] == {
        "likelihood": "limited", "severity": "negligible", "reason": "Profilen brukes bare til nyhetsbrev"}
    assert register_row(at, MARKETING)["Iboende"] == "lav ✎"
    entry = trail.listing(demo_vern.store, action="activities.adjust")[0]
    assert (entry["actor"], entry["object"], entry["details"]) == (
        "adviser", MARKETING, {"id": number, "likelihood": "limited", "severity": "negligible"})
    assert "· justert av personvernrådgiveren: Profilen brukes bare til nyhetsbrev" in reasons(at)

    at.button(key="FormSubmitter:adjust-Tilbake til beregnet risiko").click().run()
    assert activities.get(demo_vern.store, number)["risk_adjustment"] is None
    assert register_row(at, MARKETING)["Iboende"] == "høy"


def test_an_adjustment_without_a_reason_is_refused_and_nothing_saved(demo_vern, dashboard):
    number = activity_id(demo_vern, MARKETING)
    at = pick(dashboard("activities"), "Aktivitet", number)
    next(s for s in at.selectbox if s.label == "Sannsynlighet").select("limited")
    at.button(key="FormSubmitter:adjust-Lagre justeringen").click().run()
    assert not at.exception, at.exception
    assert as_read(at.error[0].value) == "felt risk_adjustment: reason: en justert risiko krever en skriftlig begrunnelse"
    assert activities.get(demo_vern.store, number)["risk_adjustment"] is None
    assert not trail.listing(demo_vern.store, action="activities.adjust")
    assert register_row(at, MARKETING)["Iboende"] == "høy"


def test_the_editor_adds_an_activity(demo_vern, dashboard):
    at = dashboard("activities")
    next(t for t in at.text_input if t.label == "Navn").input("Kurs for frivillige")
    next(t for t in at.text_area if t.label == "Formål").input("Opplæring av frivillige")
    next(s for s in at.selectbox if s.label == "Behandlingsgrunnlag").select("b")
    next(t for t in at.text_area if t.label.startswith("Kategorier registrerte")).input("frivillige\n\nledere")
    next(s for s in at.selectbox if s.label == "Klassifisering").select("internal")
    at.button(key="FormSubmitter:activity_None-Lagre aktiviteten").click().run()
    assert not at.exception and not at.error, at.error
    assert at.success[0].value == "«Kurs for frivillige» er lagret."
    added = next(r for r in activities.listing(demo_vern.store) if r["name"] == "Kurs for frivillige")
    assert (added["role"], added["purpose"], added["legal_basis"], added["data_subjects"], added["classification"],
            added["retention"], added["dpia_status"]) == (
        "controller", "Opplæring av frivillige", "b", ["frivillige", "ledere"], "internal", None, "not_started")
    assert len(activities.listing(demo_vern.store)) == 10


def test_saving_an_activity_unchanged_keeps_it_as_it_was(demo_vern, dashboard):
    number = activity_id(demo_vern, "Medlemsadministrasjon")
    before = activities.get(demo_vern.store, number)
    at = pick(dashboard("activities"), "Aktivitet", number)
    at.button(key=f"FormSubmitter:activity_{number}-Lagre aktiviteten").click().run()
    assert not at.exception and not at.error, at.error
    assert activities.get(demo_vern.store, number) == before


def test_an_activity_without_a_name_is_refused(demo_vern, dashboard):
    number = activity_id(demo_vern, MARKETING)
    before = activities.listing(demo_vern.store)
    at = pick(dashboard("activities"), "Aktivitet", number)
    next(t for t in at.text_input if t.label == "Navn").input("")
    at.button(key=f"FormSubmitter:activity_{number}-Lagre aktiviteten").click().run()
    assert not at.exception, at.exception
    assert as_read(at.error[0].value) == "felt name: må fylles ut"  # bokmål, under the name field
    assert activities.listing(demo_vern.store) == before
