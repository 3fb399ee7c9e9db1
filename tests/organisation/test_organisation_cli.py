"""`vern organisation show` and `vern organisation set`: the profile from the command line,
seeded by `[organisation]`, a bad file refused by file and field with nothing stored."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import vern_process

from conftest import copy_template

VERN = Path(sys.executable).parent / "vern"
PROFILE = {"name": "Foreningen", "org_number": "923 456 783", "address": "Postboks 123 Sentrum, 0102 Oslo",
           "contact_name": "Kari Nordmann", "contact_role": "personvernrådgiver",
           "contact_email": "personvern@forening.no", "contact_phone": "+47 21 00 00 00",
           "chapters": [{"name": "Vestland krets", "contact_name": "Ola Nordmann",
                         "contact_email": "vestland@forening.no", "contact_phone": "+47 55 00 00 00"}]}


@pytest.fixture
def db(db, new_db_template):
    """The database the first command would create, copied (see `new_db_template`)."""
    return copy_template(new_db_template, db)


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return vern_process.run([str(VERN), "--db", str(db), *args], input=stdin, capture_output=True, text=True,
                          timeout=120, check=False)


def shown(db: Path) -> dict:
    result = run(db, "organisation", "show", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_configuration_seeds_what_show_prints(db):
    (db.parent / "vern.toml").write_text('[organisation]\nname = "Foreningen"\naddress = "Postboks 123"\n'
                                         'contact_role = "personvernrådgiver"\n', encoding="utf-8")
    assert shown(db) == {"name": "Foreningen", "org_number": "", "address": "Postboks 123", "contact_name": "",
                         "contact_role": "personvernrådgiver", "contact_email": "", "contact_phone": "",
                         "chapters": []}
    text = run(db, "organisation", "show")
    assert text.returncode == 0
    assert text.stdout.splitlines() == [
        "Organisasjonens navn: Foreningen", "Organisasjonsnummer: (ikke fylt inn)", "Postadresse: Postboks 123",
        "Personvernkontakt – navn: (ikke fylt inn)", "Personvernkontakt – rolle: personvernrådgiver",
        "Personvernkontakt – e-post: (ikke fylt inn)", "Personvernkontakt – telefon: (ikke fylt inn)",
        "Lokallag (kretser) vi er databehandler for:",
        "Mangler personvernkontaktens navn, personvernkontaktens e-post, personvernkontaktens telefon: varslene "
        "blir merket UTKAST til det er fylt inn."]


def test_set_stores_the_whole_profile_and_the_trail_names_the_fields(db, tmp_path):
    path = tmp_path / "profil.json"
    path.write_text(json.dumps(PROFILE), encoding="utf-8")
    result = run(db, "organisation", "set", "--file", str(path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == PROFILE == shown(db)
    assert run(db, "--lang", "en", "organisation", "show").stdout.splitlines()[-2:] == [
        "  Vestland krets, Ola Nordmann, vestland@forening.no, +47 55 00 00 00",
        "The profile has everything a notification needs."]
    changed = json.loads(run(db, "trail", "list", "--json", "--action", "organisation.changed").stdout)
    assert [e["details"]["fields"] for e in changed] == [
        ["name", "org_number", "address", "contact_name", "contact_role", "contact_email", "contact_phone",
         "chapters"]]
    assert "Kari" not in json.dumps(changed)
    # a field left out is emptied: the file is the whole profile
    assert run(db, "organisation", "set", "--file", "-", stdin='{"name": "Foreningen"}').returncode == 0
    assert shown(db)["contact_email"] == "" and shown(db)["chapters"] == []


def test_a_bad_file_is_refused_by_file_and_field_and_nothing_is_stored(db, tmp_path):
    path = tmp_path / "profil.json"
    for content, said in (
            (PROFILE | {"chapters": [{"name": "Vestland krets", "contact_email": "ola.forening.no"}]},
             "chapters[1].contact_email: ikke en e-postadresse"),
            (PROFILE | {"org_number": "923 456 784"},
             "org_number: ikke et gyldig organisasjonsnummer (ni siffer, det siste et kontrollsiffer)"),
            (PROFILE | {"telefon": "22 00 00 00"},
             "telefon: ukjent felt (kjente felt: name, org_number, address, contact_name, contact_role, "
             "contact_email, contact_phone, chapters)"),
            (PROFILE | {"contact_phone": 22000000}, "contact_phone: må være tekst"),
            (PROFILE | {"chapters": {"name": "Vestland krets"}}, "chapters: må være en liste over lokallag"),
            (PROFILE | {"chapters": ["Vestland krets"]}, "chapters[1]: må være et JSON-objekt med feltnavn"),
            (["Foreningen"], "organisation: må være et JSON-objekt med feltnavn")):
        path.write_text(json.dumps(content), encoding="utf-8")
        result = run(db, "organisation", "set", "--file", str(path))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.splitlines() == [f"vern: {path}: ingenting ble importert.", f"  {said}"]
        assert "ola.forening.no" not in result.stderr and "22 00 00 00" not in result.stderr
    path.write_text('{"name": "Foreningen",', encoding="utf-8")
    broken = run(db, "organisation", "set", "--file", str(path))
    assert broken.returncode == 1 and str(path) in broken.stderr and "linje 1" in broken.stderr
    assert shown(db)["name"] == ""
