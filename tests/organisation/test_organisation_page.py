"""The organisation page (admin) through AppTest: the profile edited, chapters added and
removed, a bad field refused under it, every save in the trail."""

from audits.core import trail
from audits.organisation import profile
from conftest import as_read


def page(dashboard, lang="nb"):
    return dashboard("organisation", lang, roles=("admin",))


def fill(at, **values) -> None:
    for key, value in values.items():
        next(w for w in at.text_input if w.key.startswith("organisation-") and w.key.endswith(f"-{key}")).input(value)


def chapter_input(at, row: int, key: str):
    return next(w for w in at.text_input if w.key.startswith("chapter-") and w.key.endswith(f"-{row}-{key}"))


def next_to(at, widget):
    """The element drawn right under `widget` (blocks opened, top to bottom)."""
    def in_order(node) -> list:
        children = getattr(node, "children", None)
        return [node] if children is None else [leaf for n in sorted(children) for leaf in in_order(children[n])]

    elements = in_order(at.main)
    return elements[next(n for n, e in enumerate(elements) if getattr(e, "key", None) == widget.key) + 1]


def test_an_empty_profile_says_what_notifications_lack(dashboard, vern):
    at = page(dashboard)
    assert not at.exception
    assert at.title[0].value == "Organisasjonens profil"
    assert [w.value for w in at.warning] == [
        "Mangler organisasjonens navn, personvernkontaktens navn, personvernkontaktens e-post, personvernkontaktens "
        "telefon: varslene blir merket UTKAST til det er fylt inn."]
    assert [w.label for w in at.text_input][:7] == [
        "Organisasjonens navn", "Organisasjonsnummer", "Postadresse", "Personvernkontakt – navn",
        "Personvernkontakt – rolle", "Personvernkontakt – e-post", "Personvernkontakt – telefon"]


def test_the_admin_fills_the_profile_and_a_chapter(dashboard, vern):
    at = page(dashboard)
    fill(at, name="Foreningen", org_number="923 456 783", address="Postboks 123 Sentrum, 0102 Oslo",
         contact_name="Kari Nordmann", contact_role="personvernrådgiver", contact_email="personvern@forening.no",
         contact_phone="+47 21 00 00 00")
    for key, value in (("name", "Vestland krets"), ("contact_name", "Ola Nordmann"),
                       ("contact_email", "vestland@forening.no"), ("contact_phone", "+47 55 00 00 00")):
        chapter_input(at, 0, key).input(value)
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Profilen er lagret.", "Profilen har alt et varsel trenger."]
    stored = profile.load(vern.store, vern.config)
    assert stored["contact_email"] == "personvern@forening.no" and stored["org_number"] == "923 456 783"
    assert stored["chapters"] == [{"name": "Vestland krets", "contact_name": "Ola Nordmann",
                                   "contact_email": "vestland@forening.no", "contact_phone": "+47 55 00 00 00"}]
    # the saved chapter is shown, with an empty row below it for the next one
    assert chapter_input(at, 0, "name").value == "Vestland krets" and chapter_input(at, 1, "name").value == ""
    entries = trail.listing(vern.store, action="organisation.changed")
    assert [e["actor"] for e in entries] == ["admin"]
    assert "vestland@forening.no" not in str(entries) and "Kari" not in str(entries)


def test_a_chapter_emptied_is_removed(dashboard, vern):
    profile.save(vern.store, vern.config, "admin", {"name": "Foreningen", "chapters": [
        {"name": "Vestland krets"}, {"name": "Nordland krets"}]})
    at = page(dashboard)
    for key in ("name", "contact_name", "contact_email", "contact_phone"):
        chapter_input(at, 0, key).input("")
    at.button[0].click().run()
    assert [c["name"] for c in profile.load(vern.store, vern.config)["chapters"]] == ["Nordland krets"]
    assert chapter_input(at, 0, "name").value == "Nordland krets"


def test_a_bad_field_is_refused_under_it_and_nothing_stored(dashboard, vern):
    at = page(dashboard, "en")
    fill(at, name="Foreningen", org_number="923 456 784")
    at.button[0].click().run()
    assert [as_read(e.value) for e in at.error] == ["not a valid organisation number (nine digits, the last a check digit)"]
    org_number = next(w for w in at.text_input if w.label == "Organisation number")
    assert next_to(at, org_number).type == "error"
    fill(at, org_number="923 456 783")
    chapter_input(at, 0, "name").input("Vestland krets")
    chapter_input(at, 0, "contact_email").input("vestland.forening.no")
    at.button[0].click().run()
    assert [as_read(e.value) for e in at.error] == ["Email: not an email address"]
    assert next_to(at, chapter_input(at, 0, "contact_phone")).type == "error"  # under the chapter's row
    assert vern.store.value("SELECT count(*) FROM settings WHERE key = 'organisation'") == 0
    assert chapter_input(at, 0, "contact_email").value == "vestland.forening.no"  # nothing typed is lost
