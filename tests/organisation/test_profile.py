"""The organisation's profile: checked as typed, kept in the database, every change in the trail."""

import pytest

from audits.core import trail
from audits.core.errors import VernError
from audits.organisation import profile
from conftest import config_with

GOOD = {"name": "Foreningen", "org_number": "974 760 673", "address": "Storgata 1, 0155 Oslo",
        "contact_name": "Kari Nordmann", "contact_role": "personvernrådgiver",
        "contact_email": "personvern@forening.no", "contact_phone": "+47 22 00 00 00",
        "chapters": [{"name": "Trøndelag", "contact_name": "Ola", "contact_email": "leder@trondelag.forening.no",
                      "contact_phone": "73 00 00 00"}]}


@pytest.mark.parametrize(("number", "valid"), [
    ("974760673", True),      # Brønnøysundregistrene's own number
    ("974 760 673", True),
    ("974760674", False),     # a wrong check digit
    ("97476067", False),      # eight digits
    ("97476067a", False),
    ("100000008", True),      # 1·3 = 3; 11 − 3 = 8
    ("000000000", True),      # remainder 0: check digit 0
    ("100000010", False),     # 0·… + 1·3 + 1·2 = 5 → 6, not 0
    ("600000009", False),     # 6·3 = 18 → 7 remainder → check 4, not 9
])
def test_the_organisation_number_carries_its_modulus_11_check_digit(number, valid):
    assert profile.org_number_valid(number) is valid


def test_the_configuration_seeds_the_profile_until_the_first_change(vern):
    config = config_with(vern, '[organisation]\nname = "Foreningen"\ncontact_email = "personvern@forening.no"\n')
    seeded = profile.load(vern.store, config)
    assert seeded["name"] == "Foreningen" and seeded["contact_email"] == "personvern@forening.no"
    assert profile.missing(seeded) == ["contact_name", "contact_phone"]

    profile.save(vern.store, config, "admin", GOOD)
    stored = profile.load(vern.store, config_with(vern, '[organisation]\nname = "Noe annet"\n'))
    assert stored == GOOD | {"chapters": GOOD["chapters"]}
    assert profile.missing(stored) == []
    assert profile.chapter(stored, "Trøndelag")["contact_email"] == "leder@trondelag.forening.no"
    assert profile.chapter(stored, "Nordland") is None


def test_each_change_is_in_the_trail_by_field_names_only(vern):
    profile.save(vern.store, vern.config, "admin", GOOD)
    profile.save(vern.store, vern.config, "admin", GOOD)  # nothing changed: nothing recorded
    profile.save(vern.store, vern.config, "admin", GOOD | {"contact_phone": "+47 99 99 99 99"})
    entries = vern.store.rows("SELECT actor, action, details FROM trail WHERE action = 'organisation.changed' "
                              "ORDER BY seq")
    assert [e["actor"] for e in entries] == ["admin", "admin"]
    assert '"contact_phone"' in entries[1]["details"] and "99 99" not in entries[1]["details"]
    assert trail.verify(vern.store)[1] is None


@pytest.mark.parametrize(("change", "field", "nb"), [
    ({"org_number": "974760674"}, "org_number",
     "org_number: ikke et gyldig organisasjonsnummer (ni siffer, det siste et kontrollsiffer)"),
    ({"contact_email": "personvern.forening.no"}, "contact_email", "contact_email: ikke en e-postadresse"),
    ({"contact_phone": "ring meg"}, "contact_phone",
     "contact_phone: ikke et telefonnummer (siffer, mellomrom og eventuelt + foran)"),
    ({"name": "Foreningen\u202e"}, "name", None),
    ({"chapters": [{"name": ""}]}, "chapters[1].name", "chapters[1].name: lokallaget må ha et navn"),
    ({"chapters": [{"name": "A"}, {"name": "A"}]}, "chapters", "chapters: to lokallag har samme navn"),
    ({"chapters": [{"name": "A", "contact_email": "nei"}]}, "chapters[1].contact_email",
     "chapters[1].contact_email: ikke en e-postadresse"),
])
def test_a_bad_field_is_refused_by_name_and_nothing_is_stored(vern, change, field, nb):
    with pytest.raises(VernError) as refused:
        profile.save(vern.store, vern.config, "admin", GOOD | change)
    assert refused.value.field == field
    if nb:
        assert refused.value.text("nb") == nb
    assert vern.store.value("SELECT count(*) FROM settings WHERE key = 'organisation'") == 0
