"""The adviser completes a breach's facts after the report (Art. 33(3), given in phases as
Art. 33(4) allows): whom it concerns, how many, which data, the likely consequences and the
measures. The register, the command line and the breach page; real DuckDB, the clock fixed
at 2026-11-24 12:00 Oslo time."""

import json
import sys
from pathlib import Path

import pytest
import vern_process

from audits.breaches import documents
from audits.breaches import register as breaches
from audits.core import trail
from audits.core.errors import VernError
from audits.core.i18n import Message
from conftest import copy_template

VERN = Path(sys.executable).parent / "vern"
BARE = {"title": "Liste sendt til feil adresse", "aware_at": "2026-11-24T08:00:00+01:00"}
FACTS = {"subject_categories": ["member", "volunteer"], "subjects_count": 40, "data_categories": ["contact", "health"],
         "records_count": 41, "consequences": "Uønsket kontakt.", "measures": "Mottakeren har slettet e-posten."}


def test_completed_facts_are_stored_named_in_the_timeline_and_the_trail_and_fill_the_draft(vern):
    number = breaches.add(vern.store, vern.config, "staff", BARE)
    before = [gap.key for gap in documents.gaps(breaches.get(vern.store, None, number), {})]
    assert {"doc.gap.subject_categories", "doc.gap.consequences", "doc.gap.measures"} <= set(before)

    record = breaches.complete(vern.store, "adviser", number, FACTS)
    assert {key: record[key] for key in FACTS} == FACTS
    assert record["special_categories"] is True  # health: derived, never asked
    assert record["timeline"][-1] | {"at": None} == {
        "at": None, "actor": "adviser", "kind": "completed",
        "detail": "subject_categories, subjects_count, data_categories, records_count, consequences, measures"}
    entry = trail.listing(vern.store, action="breach.complete")[0]
    assert (entry["actor"], entry["object"], entry["details"]) == (
        "adviser", str(number), {"fields": ["subject_categories", "subjects_count", "data_categories",
                                            "records_count", "consequences", "measures"]})
    stored = vern.store.rows("SELECT consequences, measures FROM breaches WHERE id = ?", [number])[0]
    assert all(value.startswith("enc1:") for value in stored.values())  # people's words encrypted at rest
    after = [gap.key for gap in documents.gaps(record, {})]
    assert not {"doc.gap.subject_categories", "doc.gap.subjects_count", "doc.gap.data_categories",
                "doc.gap.records_count", "doc.gap.consequences", "doc.gap.measures"} & set(after)
    draft = documents.notification_markdown(record, {}, "nb")
    assert "- Kategorier registrerte: medlemmer, frivillige" in draft
    assert "- Særlige kategorier personopplysninger (art. 9 og 10): ja" in draft


def test_only_the_given_facts_change(vern):
    number = breaches.add(vern.store, vern.config, "staff", BARE | {"description": "Vedlegg til feil mottaker.",
                                                                     "subjects_count": 3})
    record = breaches.complete(vern.store, "adviser", number, {"subjects_count": 30})
    assert (record["subjects_count"], record["description"]) == (30, "Vedlegg til feil mottaker.")
    assert record["timeline"][-1]["detail"] == "subjects_count"


@pytest.mark.parametrize(("data", "field", "why"), [
    ({}, "facts", "må være et JSON-objekt med minst ett av feltene som kan fylles ut"),
    ({"title": "Ny tittel"}, "title", "ukjent felt"),
    ({"kari@example.org": 1}, Message("text.name_not_shown"), "ukjent felt"),
    ({"subject_categories": ["members"]}, "subject_categories", None),
    ({"subjects_count": -1}, "subjects_count", None),
    ({"occurred_at": "2026-11-24T09:00:00+01:00"}, "occurred_at", None),  # after we became aware
])
def test_a_refusal_names_the_field_and_changes_nothing(vern, data, field, why):
    number = breaches.add(vern.store, vern.config, "staff", BARE)
    before = breaches.get(vern.store, None, number)
    with pytest.raises(VernError) as refused:
        breaches.complete(vern.store, "adviser", number, data)
    assert refused.value.field == field
    shown = field if isinstance(field, str) else field("nb")  # a key that may be personal data is not shown
    said = refused.value.text("nb")
    assert said.startswith(f"{shown}: ") and (why is None or said == f"{shown}: {why}")
    assert "kari@example.org" not in said
    assert breaches.get(vern.store, None, number) == before
    assert trail.listing(vern.store, action="breach.complete") == []


def test_a_closed_breach_takes_no_more_facts(vern):
    number = breaches.add(vern.store, vern.config, "staff", BARE)
    breaches.assess(vern.store, "adviser", number, {
        "dpc": {"data_type": "simple", "adjustment": 0}, "ei": 0.25,
        "cb": {"confidentiality": 0, "integrity": 0, "availability": 0, "malicious": False},
        "data_unintelligible": False})
    breaches.decide(vern.store, "adviser", number, False, False)
    breaches.close(vern.store, "adviser", number, "Ingen risiko.")
    with pytest.raises(VernError, match=f"breach {number}"):
        breaches.complete(vern.store, "adviser", number, {"subjects_count": 3})


def test_the_command_line_completes_from_standard_input(db, new_db_template, tmp_path):
    db = copy_template(new_db_template, db)
    added = vern_process.run([VERN, "--db", db, "breach", "add", "--file", "-"], input=json.dumps(BARE),
                             capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    number = json.loads(added.stdout)["id"]
    done = vern_process.run([VERN, "--db", db, "breach", "complete", str(number), "--file", "-"],
                            input=json.dumps(FACTS), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert {key: json.loads(done.stdout)[key] for key in FACTS} == FACTS
    refused = vern_process.run([VERN, "--db", db, "breach", "complete", str(number), "--file", "-"],
                               input='{"subjects_count": "mange"}', capture_output=True, text=True, timeout=120)
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr.startswith("vern: subjects_count: ") and "Traceback" not in refused.stderr


def test_the_adviser_completes_the_facts_on_the_breach_page(dashboard, vern):
    number = breaches.add(vern.store, vern.config, "staff", BARE)
    at = dashboard("breaches", "nb")
    assert not at.exception
    [whom] = [m for m in at.multiselect if m.label == "Hvem det gjelder"]
    whom.set_value(["member"])
    [consequences] = [a for a in at.text_area if a.label == "Konsekvenser"]
    consequences.set_value("Uønsket kontakt.")
    [save] = [b for b in at.button if b.label == "Lagre fakta"]
    at = save.click().run()
    assert not at.exception and not at.error
    record = breaches.get(vern.store, None, number)
    assert (record["subject_categories"], record["consequences"]) == (["member"], "Uønsket kontakt.")
    assert record["timeline"][-1]["detail"] == "subject_categories, consequences"
    timeline = at.dataframe[-1].value
    assert list(timeline.iloc[-1])[2:] == ["fakta utfylt", "Hvem det gjelder, Konsekvenser"]
