"""The breach pages through AppTest: a staff member logs one, the adviser handles it."""

import re
from datetime import time, timedelta

import pytest

from audits.breaches import register as breaches
from audits.breaches import reminders
from audits.checking import findings
from audits.core import clock
from conftest import as_read

TITLE = "Medlemsliste sendt til feil e-postadresse"


@pytest.fixture
def staff_form(dashboard, demo_vern):
    return dashboard("report", "en", roles=("staff",))


def test_staff_log_a_breach_in_a_few_fields(staff_form, demo_vern):
    at = staff_form
    at.text_input(key="report_title").input(TITLE)
    at.multiselect(key="report_categories").set_value(["contact", "membership"])
    at.multiselect(key="report_whom").set_value(["member", "child"])
    at.number_input(key="report_people").set_value(120)
    at.checkbox(key="report_seen").check()
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Thank you! The breach is logged as no. ")
    breach_id = int(at.success[0].value.rsplit(" ", 1)[1].rstrip("."))
    record = breaches.get(demo_vern.store, "staff", breach_id)
    assert (record["title"], record["subjects_count"], record["breach_types"]) == (TITLE, 120, ["confidentiality"])
    assert record["subject_categories"] == ["member", "child"]
    assert record["aware_at"] == "2026-11-24T11:00:00Z"  # "when did you notice" defaults to now
    assert record["reporter"] == "staff" and record["clock_running"]
    assert at.text_input(key="report_title").value == ""  # a fresh form for the next one


def test_a_refused_form_keeps_every_word(staff_form, demo_vern):
    at = staff_form
    before = len(breaches.listing(demo_vern.store))
    at.text_area(key="report_description").input("Sent the Bergen list to an outside address")
    at.checkbox(key="report_for_chapter").check()  # as processor, but no chapter named
    at.text_input(key="report_title").input(TITLE)
    at.button[0].click().run()
    assert [as_read(e.value) for e in at.error] == [
        "required when acting as processor",  # under the chapter's field
        "Not saved yet – fix the field marked above and submit again."]
    assert at.text_area(key="report_description").value == "Sent the Bergen list to an outside address"
    assert at.text_input(key="report_title").value == TITLE
    assert len(breaches.listing(demo_vern.store)) == before


def in_order(node) -> list:
    """The page's elements top to bottom, as the reader sees them (blocks opened)."""
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    return [leaf for number in sorted(children) for leaf in in_order(children[number])]


def next_to(at, key: str):
    """The element drawn right under the widget with `key`."""
    elements = in_order(at.main)
    return elements[next(n for n, element in enumerate(elements) if getattr(element, "key", None) == key) + 1]


@pytest.mark.parametrize(("lang", "under_title", "under_noticed", "below"), [
    ("nb", "må fylles ut", "ligger i fremtiden",
     "Ikke lagret ennå – rett feltet som er merket ovenfor, og send inn igjen."),
    ("en", "required", "lies in the future",
     "Not saved yet – fix the field marked above and submit again."),
])
def test_a_refused_field_is_shown_under_it_in_the_readers_language(dashboard, vern, lang, under_title,
                                                                   under_noticed, below):
    at = dashboard("report", lang, roles=("staff",))
    at.button[0].click().run()  # nothing written
    assert not at.exception
    assert next_to(at, "report_title").type == "error" and as_read(next_to(at, "report_title").value) == under_title
    assert [as_read(e.value) for e in at.error] == [under_title, below]

    at.text_input(key="report_title").input("Medlemsliste sendt til feil adresse")
    at.time_input(key="report_noticed_time").set_value(time(23, 0))  # the clock says 12:00 in Oslo
    at.button[0].click().run()
    assert as_read(next_to(at, "report_noticed_time").value) == under_noticed  # under the day and time
    assert [as_read(e.value) for e in at.error] == [under_noticed, below]
    assert at.text_input(key="report_title").value == "Medlemsliste sendt til feil adresse"
    assert breaches.listing(vern.store) == []


@pytest.mark.parametrize(("lang", "said"), [("nb", "information: må fylles ut"), ("en", "information: required")])
def test_a_refusal_of_a_form_without_places_per_field_is_shown_with_the_form(dashboard, vern, lang, said):
    breach_id = breaches.add(vern.store, vern.config, "staff", {
        "title": "Medlemsliste sendt til feil adresse", "aware_at": "2026-11-24T09:00:00+01:00"})
    at = dashboard("mine", lang, roles=("staff",))
    at.button[0].click().run()  # nothing written
    assert [as_read(e.value) for e in at.error] == [said]
    assert [e["kind"] for e in breaches.get(vern.store, "staff", breach_id)["timeline"]] == ["logged"]


def test_staff_follow_only_their_own_breaches_and_add_to_them(dashboard, demo_vern):
    at = dashboard("mine", "en", roles=("staff",))
    own = {r["id"] for r in breaches.listing(demo_vern.store, reporter="staff")}
    assert len(at.expander) == len(own) == 3
    at.text_area[0].input("The recipient confirmed deletion by phone")
    at.button[0].click().run()
    assert at.success[0].value == "Added to the timeline."
    details = [e["detail"] for r in breaches.listing(demo_vern.store, reporter="staff") for e in r["timeline"]]
    assert "The recipient confirmed deletion by phone" in details


def test_the_adviser_sees_the_clocks_overdue_first(dashboard, demo_vern):
    at = dashboard("breaches", "en")
    table = at.dataframe[0].value
    assert list(table["Time left"][:3]) == ["overdue by 8 h 00 min", "4 h 00 min", "19 h 00 min"]
    assert list(table["Notify"][:3]) == ["Datatilsynet", "Datatilsynet", "Vestland krets"]


# Time left at the fixed clock -> the colour the countdown shows (by hand: it turns at the
# exact instant each reminder mail goes, 48, 24 and 6 hours before the deadline; overdue only
# after it) and the reminder mail due then.
GREEN, YELLOW, ORANGE, RED, OVERDUE = "#8fbc8f", "#f7e07b", "#f0ad4e", "#d9534f", "#7b1f1f"
EDGES = [(timedelta(hours=48, minutes=1), GREEN, None), (timedelta(hours=48), YELLOW, 48),
         (timedelta(hours=24, minutes=1), YELLOW, 48), (timedelta(hours=24), ORANGE, 24),
         (timedelta(hours=6, minutes=1), ORANGE, 24), (timedelta(hours=6), RED, 6),
         (timedelta(0), RED, 0), (timedelta(minutes=-1), OVERDUE, 0)]


def painted(table) -> dict[int, str]:
    """Breach number -> the background colour of its row's time left, from the table's styles
    ('#T_x_row1_col5, #T_x_row2_col5 { background-color: #d9534f; … }')."""
    colours = {}
    for rows, colour in re.findall(r"([^{}]+)\{ background-color: (#[0-9a-f]{6})", table.proto.arrow_data.styler.styles):
        colours.update(dict.fromkeys(map(int, re.findall(r"_row(\d+)_", rows)), colour))
    return {int(number): colours[row] for row, number in enumerate(table.value["#"])}


def test_the_countdown_changes_colour_as_each_reminder_mail_goes(dashboard, vern):
    now = clock.now()
    expected = {breaches.add(vern.store, vern.config, "test", {
        "title": f"Avvik {number}", "aware_at": clock.iso_utc(now + left - timedelta(hours=72))}): (colour, mail)
        for number, (left, colour, mail) in enumerate(EDGES)}
    shown = painted(dashboard("breaches", "en").dataframe[0])
    mailed = {r["id"]: reminders.due(r, now) for r in breaches.listing(vern.store, open_only=True)}
    assert {number: (shown[number], mailed[number]) for number in expected} == expected


def test_the_adviser_assesses_decides_notifies_and_closes(dashboard, demo_vern):
    due = next(r for r in breaches.listing(demo_vern.store) if r["status"] == "open" and r["acting_as"] == "controller")
    at = dashboard("breaches", "en")
    at.selectbox[0].set_value(due["id"]).run()
    at.button(key="FormSubmitter:assess-Save assessment").click().run()
    assert not at.exception
    record = breaches.get(demo_vern.store, None, due["id"])
    # simple data (DPC 1, from contact + membership) × EI 0.75 + CB 0.25 (seen by a known recipient)
    assert record["severity"] == {"score": 1.0, "level": "low"}
    assert any(t.value == "SE = DPC 1 × EI 0.75 + CB 0.25 = 1" for t in at.text)

    next(r for r in at.radio if r.label == "Notify Datatilsynet?").set_value(True)  # though the proposal says no
    at.button(key="FormSubmitter:decide-Save decision").click().run()
    assert "give a written reason" in at.error[0].value
    decide_reason = next(t for t in at.text_area if t.label.startswith("Reason"))
    decide_reason.input("340 members; the recipient is unknown to us")
    at.button(key="FormSubmitter:decide-Save decision").click().run()
    assert breaches.get(demo_vern.store, None, due["id"])["decision"]["overrides"] is True

    reference = next(t for t in at.text_input if t.label.startswith("Reference"))
    reference.input("Altinn 2026/5150")
    at.button(key="FormSubmitter:notify-Record notification").click().run()
    record = breaches.get(demo_vern.store, None, due["id"])
    assert [(n["to"], n["reference"], n["late"]) for n in record["notifications"]] == [
        ("authority", "Altinn 2026/5150", False)]

    summary = next(t for t in at.text_area if t.label == "Lessons learned")
    summary.input("Autocomplete of addresses turned off for member lists")
    at.button(key="FormSubmitter:close-Close the breach").click().run()
    assert not at.error, [e.value for e in at.error]
    assert breaches.get(demo_vern.store, None, due["id"])["status"] == "closed"


def test_a_breach_created_from_a_finding_keeps_the_link(dashboard, demo_vern):
    at = dashboard("findings", "en")
    key = at.selectbox[1].value
    next(b for b in at.button if b.label == "Create a breach from this finding").click().run()
    created = [r for r in breaches.listing(demo_vern.store) if r["finding"] == key]
    assert len(created) == 1 and created[0]["description"] == findings.get(demo_vern.store, key)["message_en"]


def test_the_board_sees_breach_counts_and_no_titles(dashboard, demo_vern):
    at = dashboard(roles=("board",))
    # The breaches' own five metrics: the requests' section below also has one "Over fristen".
    tiles = list(at.metric)
    first = [m.label for m in tiles].index("Åpne avvik")
    metrics = {m.label: m.value for m in tiles[first:first + 5]}
    assert (metrics["Åpne avvik"], metrics["Venter på varsel"], metrics["Over fristen"],
            metrics["Varslet innen fristen"]) == ("4", "3", "1", "1")
    shown = " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert TITLE not in shown and "Bærbar PC" not in shown


def test_the_breach_record_can_be_downloaded_from_the_register(dashboard, demo_vern):
    at = dashboard("breaches", "en")
    labels = [b.label for b in at.get("download_button")]
    assert "Download the record (CSV)" in labels and "Download the record (PDF)" in labels


def test_the_documents_tab_warns_of_each_missing_element_before_the_download(dashboard, vern):
    from audits.organisation import profile

    breaches.add(vern.store, vern.config, "staff", {"title": TITLE, "aware_at": "2026-11-24T09:00:00+01:00"})
    at = dashboard("breaches", "nb")
    assert not at.exception
    where = ("Fakta om avviket fyller du inn under Fakta («Fyll ut eller rett fakta»); organisasjonen og "
             "personvernkontakten fyller administratoren inn (Organisasjon).")
    contact = ["organisasjonens navn", "personvernkontaktens navn", "personvernkontaktens e-post",
               "personvernkontaktens telefon"]
    notification = ["beskrivelse av hva som skjedde", "hvilke grupper av personer det gjelder",
                    "omtrentlig antall berørte personer", "typer personopplysninger",
                    "omtrentlig antall berørte registreringer", *contact,
                    "sannsynlige konsekvenser", "tiltak som er iverksatt eller planlagt"]
    letter = [*contact, "sannsynlige konsekvenser", "tiltak som er iverksatt eller planlagt"]
    intro = "Utkastet mangler noe loven krever, og er merket UTKAST til det er fylt inn:"
    assert [w.value for w in at.warning] == [
        "\n\n".join([intro, "\n".join(f"- {gap}" for gap in gaps), where]) for gaps in (notification, letter)]
    # each warning stands before its document's two buttons (Markdown, PDF)
    order = [type(e).__name__ for e in in_order(at.main) if type(e).__name__ in ("Warning", "DownloadButton")]
    assert order[-6:] == ["Warning", "DownloadButton", "DownloadButton", "Warning", "DownloadButton", "DownloadButton"]

    profile.save(vern.store, vern.config, "admin", {
        "name": "Foreningen", "contact_name": "Kari Nordmann", "contact_email": "personvern@forening.no",
        "contact_phone": "+47 21 00 00 00"})
    at = dashboard("breaches", "nb")
    facts = [gap for gap in notification if gap not in contact]
    assert [w.value.split("\n\n")[1] for w in at.warning] == [
        "\n".join(f"- {gap}" for gap in gaps) for gaps in (facts, facts[-2:])]
