"""Complete documents (issue 17, item 3): the organisation and the contact point from the
profile, every Art. 33(3) element a draft lacks listed and marked at its top, sentences that
read whatever is missing, and special categories derived from the kinds of data (Art. 9
and 10). Real DuckDB; the clock fixed at 2026-11-24 12:00 Oslo time."""

import pytest

from audits.breaches import documents, enisa
from audits.breaches import register as breaches
from audits.core.errors import VernError
from audits.organisation import profile

FULL = profile.empty() | {
    "name": "Foreningen Blåbær", "org_number": "923 456 783", "address": "Postboks 1, 0101 Oslo",
    "contact_name": "Åse Ødegård", "contact_role": "personvernrådgiver",
    "contact_email": "personvern@blabaer.no", "contact_phone": "+47 22 33 44 55",
    "chapters": [{"name": "Vestland krets", "contact_name": "Ola Nordmann",
                  "contact_email": "vestland@blabaer.no", "contact_phone": "+47 55 00 00 00"}]}
COMPLETE = {"title": "Liste sendt til feil adresse", "description": "Vedlegg til feil mottaker.",
            "aware_at": "2026-11-24T08:00:00+01:00", "subject_categories": ["member"], "subjects_count": 40,
            "data_categories": ["contact"],
            "records_count": 40, "breach_types": ["confidentiality"], "consequences": "Uønsket kontakt.",
            "measures": "Mottakeren har slettet e-posten."}
BARE = {"title": "Noe gikk galt", "aware_at": "2026-11-24T08:00:00+01:00"}
# Art. 33(3), in the law's order: (a) nature, categories and numbers; (b) the contact point;
# (c) the likely consequences; (d) the measures.
EVERY_GAP_NB = ["beskrivelse av hva som skjedde", "hvilke grupper av personer det gjelder",
                "omtrentlig antall berørte personer", "typer personopplysninger", "omtrentlig antall berørte registreringer", "organisasjonens navn", "personvernkontaktens navn",
                "personvernkontaktens e-post", "personvernkontaktens telefon", "sannsynlige konsekvenser",
                "tiltak som er iverksatt eller planlagt"]


def record(vern, **data) -> dict:
    return breaches.get(vern.store, None, breaches.add(vern.store, vern.config, "test", data))


def gap_words(found, lang: str = "nb") -> list[str]:
    return [gap(lang) for gap in found]


# -- what a draft lacks ---------------------------------------------------------------------
def test_every_art_33_3_element_missing_is_listed_and_marked_at_the_top(vern):
    bare = record(vern, **BARE)
    assert gap_words(documents.gaps(bare, profile.empty())) == EVERY_GAP_NB
    nb = documents.notification_markdown(bare, profile.empty(), "nb")
    assert nb.splitlines()[2] == "**UTKAST – mangler: " + ", ".join(EVERY_GAP_NB) + "**"
    en = documents.notification_markdown(bare, profile.empty(), "en")
    assert en.splitlines()[2] == (
        "**DRAFT – missing: a description of what happened, the categories of data subjects, the approximate "
        "number of data subjects, the types of personal data, the approximate number of records, the organisation's name, the privacy contact "
        "point's name, the privacy contact point's email, the privacy contact point's phone, the likely "
        "consequences, the measures taken or proposed**")


def test_the_letter_lists_what_art_34_2_needs_and_it_lacks(vern):
    bare = record(vern, **BARE)  # the title says what happened: a letter can always say that
    assert gap_words(documents.gaps(bare, profile.empty(), "subject_letter")) == [
        "organisasjonens navn", "personvernkontaktens navn", "personvernkontaktens e-post",
        "personvernkontaktens telefon", "sannsynlige konsekvenser", "tiltak som er iverksatt eller planlagt"]
    assert documents.gaps(record(vern, **COMPLETE), FULL, "subject_letter") == []


def test_a_complete_draft_is_not_marked_and_names_the_contact_point(vern):
    complete = record(vern, **COMPLETE)
    assert documents.gaps(complete, FULL) == []
    for lang in ("nb", "en"):
        for text in (documents.notification_markdown(complete, FULL, lang),
                     documents.subject_letter_markdown(complete, FULL, lang)):
            assert "UTKAST" not in text and "DRAFT" not in text and "mangler" not in text and "missing" not in text
    nb = documents.notification_markdown(complete, FULL, "nb")
    # facts nobody knows yet, which Art. 33(3) does not ask for: when it began, where the data are now
    assert nb.count("ikke kjent ennå") == 2
    assert "Periode: fra ikke kjent ennå til" in nb and "Hvor opplysningene er nå: ikke kjent ennå" in nb
    assert "ikke kjent" not in documents.subject_letter_markdown(complete, FULL, "nb")
    for expected in ("**Fra:** Foreningen Blåbær", "- Virksomhet: Foreningen Blåbær",
                     "- Organisasjonsnummer: 923 456 783", "- Adresse: Postboks 1, 0101 Oslo",
                     "- Kontaktperson: Åse Ødegård (personvernrådgiver)", "- E-post: personvern@blabaer.no",
                     "- Telefon: +47 22 33 44 55"):
        assert expected in nb, expected


def test_the_letter_reads_correctly_whatever_is_missing(vern):
    bare = record(vern, **BARE)
    nb = documents.subject_letter_markdown(bare, profile.empty(), "nb")
    assert "ikke kjent" not in nb and "Vi i " not in nb
    assert "Vi skriver for å fortelle deg om et sikkerhetsbrudd (avvik)" in nb
    assert "Opplysningene det gjelder" not in nb  # no sentence about kinds of data nobody gave
    # the question is followed by the mark of a gap, never by an answer that is no answer
    assert "## Hva kan dette bety for deg?\n\n**[mangler]**\n" in nb
    assert "## Hva har vi gjort?\n\n**[mangler]**\n" in nb
    assert nb.splitlines()[2].startswith("**UTKAST – mangler: organisasjonens navn, ")
    en = documents.subject_letter_markdown(bare, profile.empty(), "en")
    assert "not known" not in en and "We at " not in en and "We are writing to tell you" in en
    assert "## What could this mean for you?\n\n**[missing]**\n" in en
    named = documents.subject_letter_markdown(bare, FULL, "nb")
    assert "Vi i Foreningen Blåbær skriver" in named


def test_a_processor_draft_goes_to_the_chapters_contact_from_the_profile(vern):
    chapter = record(vern, **COMPLETE, acting_as="processor", controller_name="Vestland krets")
    nb = documents.notification_markdown(chapter, FULL, "nb")
    assert ("**Til:** Vestland krets (behandlingsansvarlig) – v/ Ola Nordmann, vestland@blabaer.no, "
            "+47 55 00 00 00") in nb
    assert documents.gaps(chapter, FULL) == []
    unknown = record(vern, **COMPLETE, acting_as="processor", controller_name="Nordland krets")
    assert gap_words(documents.gaps(unknown, FULL)) == ["lokallagets kontaktperson"]
    assert "**Til:** Nordland krets (behandlingsansvarlig) – v/ **[mangler]**" in \
        documents.notification_markdown(unknown, FULL, "nb")


# -- special categories: derived from the kinds of data (Art. 9 and 10) ----------------------
def test_special_categories_are_the_art_9_and_10_kinds_of_data():
    assert {"health", "special_category", "criminal"} == enisa.SPECIAL_CATEGORIES
    assert enisa.special_categories(["contact", "health"]) is True
    assert enisa.special_categories(["criminal"]) is True
    assert enisa.special_categories(["contact", "national_id", "financial"]) is False
    assert enisa.special_categories([]) is False and enisa.special_categories(None) is False


def test_health_data_is_special_categories_in_the_register_and_the_documents(vern):
    health = record(vern, **COMPLETE | {"data_categories": ["contact", "health"]})
    assert health["special_categories"] is True
    nb = documents.notification_markdown(health, FULL, "nb")
    assert "- Typer personopplysninger: kontaktopplysninger (navn, adresse, telefon, e-post), helseopplysninger" in nb
    assert "- Særlige kategorier personopplysninger (art. 9 og 10): ja" in nb
    assert "- Special categories of personal data (Art. 9 and 10): yes" in \
        documents.notification_markdown(health, FULL, "en")
    assert "Opplysningene er særlig følsomme" in documents.subject_letter_markdown(health, FULL, "nb")
    plain = record(vern, **COMPLETE)
    assert plain["special_categories"] is False
    assert "(art. 9 og 10): nei" in documents.notification_markdown(plain, FULL, "nb")


def test_a_row_stored_with_the_old_answer_reads_as_its_kinds_of_data_say(vern):
    breach_id = record(vern, **COMPLETE | {"data_categories": ["health"]})["id"]
    with vern.store.transaction() as tx:  # as a breach logged before the answer was derived
        tx.execute("UPDATE breaches SET special_categories = false WHERE id = ?", [breach_id])
    assert breaches.get(vern.store, None, breach_id)["special_categories"] is True


@pytest.mark.parametrize(("given", "categories", "nb"), [
    (False, ["contact", "health"],
     "special_categories: data_categories har health, special_category eller criminal, som er særlige kategorier "
     "(art. 9 og 10): skriv true eller utelat feltet, det følger av data_categories"),
    (True, ["contact"],
     "special_categories: data_categories har ingen særlige kategorier (art. 9 og 10): legg til health, "
     "special_category eller criminal i data_categories, eller utelat feltet"),
    ("ja", ["health"], "special_categories: må være true eller false"),
])
def test_a_special_categories_that_contradicts_the_kinds_of_data_is_refused(vern, given, categories, nb):
    with pytest.raises(VernError) as refused:
        breaches.add(vern.store, vern.config, "test",
                     COMPLETE | {"data_categories": categories, "special_categories": given})
    assert refused.value.field == "special_categories"
    assert refused.value.text("nb") == nb
    assert breaches.listing(vern.store) == []


def test_a_special_categories_that_agrees_is_accepted(vern):
    assert record(vern, **COMPLETE | {"data_categories": ["criminal"], "special_categories": True})[
        "special_categories"] is True
    assert record(vern, **COMPLETE | {"special_categories": False})["special_categories"] is False
