"""Breach documents: the notification draft (Art. 33(3)), the letter to data subjects
(Art. 34), the breach record (Art. 33(5)), as Markdown, PDF and CSV, and the
`vern breach draft` / `vern breach record` commands. Real DuckDB; the clock frozen at
2026-11-24 12:00 Oslo time by the fixtures."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
import vern_process

from audits.breaches import documents
from audits.breaches import register as breaches
from audits.io.pdf import pdf_bytes
from audits.organisation import profile

VERN = Path(sys.executable).parent / "vern"
ORG = {"name": "Foreningen Blåbær", "contact_name": "Åse Ødegård",
       "contact_email": "personvern@blabaer.no", "contact_phone": "+47 22 33 44 55"}
PROFILE = profile.empty() | ORG
BREACH = {
    "title": "Medlemsliste for Bærum sendt til feil adresse",
    "description": "En ansatt sendte medlemslisten som vedlegg til feil e-postadresse.",
    "aware_at": "2026-11-23T23:40:00+01:00",
    "occurred_at": "2026-11-23T22:10:00+01:00",
    "data_categories": ["contact", "national_id"],
    "subjects_count": 1234,
    "records_count": 5678,
    "breach_types": ["confidentiality"],
    "consequences": "Risiko for identitetstyveri og målrettet svindel.",
    "measures": "Mottakeren har bekreftet sletting; utsendelser får nå en mottakerkontroll.",
}
HIGH = {"dpc": {"data_type": "financial", "adjustment": 0}, "ei": 1, "cb": {"confidentiality": 0.25}}  # 3.25
LOW = {"dpc": 1, "ei": 0.5, "cb": {"confidentiality": 0.25}}  # 0.75
DEADLINE = "2026-11-26 23:40"  # aware_at + 72 h, Oslo time (no DST change in between)


def add(vern, **changes) -> int:
    return breaches.add(vern.store, vern.config, "test", {**BREACH, **changes})


def decided(vern, **changes) -> dict:
    breach_id = add(vern, **changes)
    breaches.assess(vern.store, "test", breach_id, HIGH)
    return breaches.decide(vern.store, "test", breach_id, True, True)


def pdf_text(content: bytes) -> str:
    """The text of a PDF read back, whitespace collapsed (lines wrap where the page ends)."""
    assert content.startswith(b"%PDF-")
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages).split())


# -- the notification draft -----------------------------------------------------------
def test_bokmal_draft_has_every_art_33_3_element_with_the_real_values(vern):
    text = documents.notification_markdown(decided(vern), PROFILE, "nb")
    for expected in (
            "# Melding om brudd på personopplysningssikkerheten (avvik)", "**Til:** Datatilsynet",
            # nature of the breach, in the sections of Datatilsynet's form
            "## 1. Beskrivelse av avviket", BREACH["title"], BREACH["description"],
            "Periode: fra 2026-11-23 22:10 norsk tid (UTC+01:00) til 2026-11-23 23:40 norsk tid",
            "Oppdaget: 2026-11-23 23:40 norsk tid (UTC+01:00)",
            "Type brudd: konfidensialitet",
            "Antall berørte personer (omtrentlig): ca. 1234",
            "Antall berørte registreringer (omtrentlig): ca. 5678",
            "Typer personopplysninger: kontaktopplysninger (navn, adresse, telefon, e-post), fødselsnummer",
            "Hvor opplysningene er nå: ikke kjent ennå",
            # consequences, measures, information to those affected
            "## 2. Sannsynlige konsekvenser", BREACH["consequences"], "ENISA-metoden: 3,25 (høy)",
            "## 3. Tiltak som er iverksatt og planlagt", BREACH["measures"],
            "## 4. Informasjon til de berørte", "Ja, de registrerte varsles direkte (art. 34)",
            "Varselet er ikke sendt ennå.",
            # the privacy contact point
            "## 5. Kontaktopplysninger", "Foreningen Blåbær", "Kontaktperson: Åse Ødegård",
            "E-post: personvern@blabaer.no", "Telefon: +47 22 33 44 55",
            # the clock, phases
            f"**Frist for melding:** {DEADLINE} norsk tid (UTC+01:00)", "art. 33 nr. 4",
            "Meldingen gis innen fristen."):
        assert expected in text, expected


def test_english_draft_has_every_art_33_3_element_with_the_real_values(vern):
    text = documents.notification_markdown(decided(vern), PROFILE, "en")
    for expected in (
            "# Notification of a personal data breach", "**To:** Datatilsynet",
            "## 1. Description of the breach", BREACH["title"], BREACH["description"],
            "Period: from 2026-11-23 22:10 Oslo time (UTC+01:00) to 2026-11-23 23:40 Oslo time",
            "Number of data subjects affected (approximate): about 1234",
            "Number of personal data records affected (approximate): about 5678",
            "contact details (name, address, phone, email), national identity numbers",
            "## 2. Likely consequences", BREACH["consequences"], "ENISA method: 3.25 (high)",
            "## 3. Measures taken and planned", BREACH["measures"],
            "## 4. Information to those affected", "## 5. Contact details (privacy contact point)",
            "Contact person: Åse Ødegård", "Email: personvern@blabaer.no", "Phone: +47 22 33 44 55",
            f"**Deadline for notification:** {DEADLINE} Oslo time (UTC+01:00)", "Art. 33(4)"):
        assert expected in text, expected
    assert "ikke kjent" not in text and "Datatilsynet" in text


def test_missing_facts_are_written_as_not_known_yet_or_marked_missing(vern):
    """A fact nobody knows yet says so; what Art. 33(3) requires and the draft lacks is marked
    [mangler] where it belongs."""
    breach_id = breaches.add(vern.store, vern.config, "test",
                             {"title": "Noe gikk galt", "aware_at": "2026-11-24T08:00:00+01:00"})
    text = documents.notification_markdown(breaches.get(vern.store, None, breach_id), profile.empty(), "nb")
    for expected in ("Periode: fra ikke kjent ennå til", "personer (omtrentlig): **[mangler]**",
                     "registreringer (omtrentlig): **[mangler]**", "Typer personopplysninger: **[mangler]**",
                     "Type brudd: ikke kjent ennå", "ENISA-metoden: ikke vurdert ennå",
                     "**Fra:** **[mangler]**", "Virksomhet: **[mangler]**",
                     "Kontaktperson: **[mangler]**", "E-post: **[mangler]**", "Telefon: **[mangler]**",
                     "registrerte skal varsles er ikke avgjort ennå"):
        assert expected in text, expected
    # description, consequences, measures: three paragraphs missing
    assert text.count("\n**[mangler]**\n") == 3


def test_processor_breach_draft_is_addressed_to_the_controller(vern):
    record = decided(vern, acting_as="processor", controller_name="Bærum lokallag")
    text = documents.notification_markdown(record, PROFILE, "en")
    assert "**To:** Bærum lokallag (the controller)" in text
    assert "**To:** Datatilsynet" not in text
    assert "Art. 33(2)" in text
    # the configured notice to the controller (24 hours) rather than 72
    assert "**Deadline for notification:** 2026-11-24 23:40 Oslo time" in text
    nb = documents.notification_markdown(record, PROFILE, "nb")
    assert "**Til:** Bærum lokallag (behandlingsansvarlig)" in nb and "databehandler" in nb


def test_late_notification_draft_says_late_and_carries_the_delay_reason(vern):
    # aware 2026-11-20 09:00, deadline 2026-11-23 09:00; notified the next morning
    record = decided(vern, aware_at="2026-11-20T09:00:00+01:00", occurred_at=None)
    unsent = documents.notification_markdown(record, PROFILE, "nb")
    assert "**etter fristen** (2026-11-23 09:00 norsk tid" in unsent
    assert "Årsak til forsinkelsen (art. 33 nr. 1): **[mangler]**" in unsent  # no reason given yet
    assert [gap("nb") for gap in documents.gaps(record, PROFILE)][-1] == "årsaken til forsinkelsen"
    reason = "Avviket ble meldt fredag kveld og oppdaget av rådgiveren først mandag."
    record = breaches.notify(vern.store, "test", record["id"], "authority",
                             breaches.clock.parse_instant("2026-11-24T10:00:00+01:00"), "Altinn AR123", reason)
    for lang, late, why in (("nb", "**etter fristen**", "Årsak til forsinkelsen (art. 33 nr. 1)"),
                            ("en", "**after the deadline**", "Reasons for the delay (Art. 33(1))")):
        text = documents.notification_markdown(record, PROFILE, lang)
        assert late in text and f"{why}: {reason}" in text
        assert "Altinn AR123" in text  # the earlier report; this draft is its supplement
    assert "tilleggsmelding (fase 2)" in documents.notification_markdown(record, PROFILE, "nb")


def test_in_time_notification_and_subjects_told(vern):
    record = decided(vern)
    at = breaches.clock.parse_instant("2026-11-24T09:00:00+01:00")
    breaches.notify(vern.store, "test", record["id"], "authority", at, "Altinn AR1")
    record = breaches.notify(vern.store, "test", record["id"], "subjects", at, "e-post til alle berørte")
    text = documents.notification_markdown(record, PROFILE, "en")
    assert "The notification is made within the deadline." in text
    assert "Told 2026-11-24 09:00 Oslo time (UTC+01:00): e-post til alle berørte" in text


def test_subjects_not_told_because_data_unintelligible(vern):
    breach_id = add(vern)
    breaches.assess(vern.store, "test", breach_id, {**HIGH, "data_unintelligible": True})
    record = breaches.decide(vern.store, "test", breach_id, True, False)
    text = documents.notification_markdown(record, PROFILE, "nb")
    assert "Nei, de registrerte varsles ikke." in text and "art. 34 nr. 3 bokstav a" in text


def test_text_from_people_cannot_become_markdown_structure(vern):
    record = decided(vern, title="<b>Liste</b> *viktig*", description="# Ikke en overskrift\n- ikke et punkt")
    text = documents.notification_markdown(record, PROFILE, "nb")
    assert "\\<b\\>Liste\\</b\\> \\*viktig\\*" in text
    assert "\n\\# Ikke en overskrift\n\\- ikke et punkt" in text
    read_back = pdf_text(pdf_bytes(text, "Utkast"))
    assert "<b>Liste</b> *viktig*" in read_back and "# Ikke en overskrift" in read_back


# -- the letter to data subjects ------------------------------------------------------
def test_subject_letter_in_bokmal_and_english(vern):
    record = decided(vern)
    nb = documents.subject_letter_markdown(record, PROFILE, "nb")
    for expected in ("Til deg som er berørt", "Vi i Foreningen Blåbær", BREACH["description"],
                     "## Hva kan dette bety for deg?", BREACH["consequences"], "## Hva har vi gjort?",
                     BREACH["measures"], "## Hva kan du gjøre?", "kredittsperre", "Vær ekstra på vakt",
                     "Kontaktperson: Åse Ødegård", "E-post: personvern@blabaer.no", "klage til Datatilsynet",
                     "Opplysningene det gjelder: kontaktopplysninger"):
        assert expected in nb, expected
    en = documents.subject_letter_markdown(record, PROFILE, "en")
    for expected in ("To those affected", "We at Foreningen Blåbær", "## What could this mean for you?",
                     "## What have we done?", "## What can you do?", "identity theft",
                     "Contact person: Åse Ødegård", "Phone: +47 22 33 44 55", "complain to Datatilsynet",
                     "national identity numbers"):
        assert expected in en, expected
    assert "Change your password" not in en  # no credentials were involved
    credentials = decided(vern, data_categories=["credentials", "health"])
    letter = documents.subject_letter_markdown(credentials, PROFILE, "en")
    assert "Change your password" in letter and "especially sensitive" in letter


# -- the PDF --------------------------------------------------------------------------
def test_pdf_is_real_and_reads_back(vern):
    record = decided(vern, title="Ærlig feil: påmeldingsliste på avveie")
    text = documents.notification_markdown(record, PROFILE, "nb")
    content = pdf_bytes(text, "Melding om avvik nr. 1")
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "Melding om avvik nr. 1"
    read_back = pdf_text(content)
    for expected in ("Melding om brudd på personopplysningssikkerheten (avvik)",
                     "Ærlig feil: påmeldingsliste på avveie", "ca. 1234", "ca. 5678", "fødselsnummer",
                     "Åse Ødegård", "personvern@blabaer.no", "+47 22 33 44 55", DEADLINE,
                     BREACH["consequences"], "Sannsynlige konsekvenser"):
        assert expected in read_back, expected


def test_pdf_of_the_record_spans_pages(vern):
    for number in range(12):
        add(vern, title=f"Avvik {number} – øvelse")
    text = documents.record_markdown(breaches.listing(vern.store), "nb")
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(text, "Avviksprotokoll")))
    assert len(reader.pages) > 1
    assert "Avvik 11 – øvelse" in " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# -- the breach record ----------------------------------------------------------------
@pytest.fixture
def three_breaches(vern):
    closed = add(vern, title="Lukket: feil vedlegg")
    breaches.assess(vern.store, "test", closed, LOW)
    breaches.decide(vern.store, "test", closed, False, False)
    breaches.close(vern.store, "test", closed, "Vi sjekker vedlegg før sending.")
    notified = decided(vern, title="Meldt: tapt minnepinne")["id"]
    breaches.notify(vern.store, "test", notified, "authority",
                    breaches.clock.parse_instant("2026-11-24T11:00:00+01:00"), "Altinn AR42")
    unnotified = add(vern, title="=HYPERLINK(\"http://x\")", aware_at="2026-11-24T07:00:00+01:00")
    return closed, notified, unnotified


def test_record_csv_is_formula_safe_and_lists_every_breach(vern, three_breaches):
    closed, notified, unnotified = three_breaches
    raw = documents.record_csv(breaches.listing(vern.store), "en")
    assert raw.startswith("\ufeff".encode())
    rows = {int(row["No."]): row for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";")}
    assert sorted(rows) == [closed, notified, unnotified]
    assert rows[unnotified]["Title"] == "'=HYPERLINK(\"http://x\")"
    assert rows[unnotified]["Status"] == "open" and rows[unnotified]["Notifications"] == ""
    assert rows[notified]["Status"] == "notified"
    assert rows[notified]["Notifications"] == \
        "Datatilsynet 2026-11-24 11:00 Oslo time (UTC+01:00), Altinn AR42, phase 1, in time"
    assert rows[notified]["Notified in time"] == "yes"
    assert rows[notified]["Severity (ENISA)"] == "3.25 high"
    assert rows[notified]["Decision"] == "Datatilsynet: yes; data subjects: yes"
    assert rows[closed]["Status"] == "closed"
    assert rows[closed]["Closed"].startswith("2026-11-24 12:00")
    assert rows[closed]["Lessons learned"] == "Vi sjekker vedlegg før sending."
    assert rows[closed]["Deadline"] == f"{DEADLINE} Oslo time (UTC+01:00)"
    nb = documents.record_rows(breaches.listing(vern.store), "nb")
    assert [row["Status"] for row in nb] == ["lukket", "meldt", "åpen"]


def test_record_csv_has_a_header_without_breaches(vern):
    raw = documents.record_csv([], "nb").decode("utf-8-sig")
    assert raw.startswith("Nr.;Tittel;Status;Oppdaget;Frist")


def test_record_markdown_has_every_timeline(vern, three_breaches):
    closed, notified, unnotified = three_breaches
    text = documents.record_markdown(breaches.listing(vern.store), "nb")
    assert "# Avviksprotokoll (personvernforordningen art. 33 nr. 5)" in text
    assert "3 avvik, meldt eller ikke" in text
    assert f"## {unnotified} · \\=HYPERLINK" not in text  # = is harmless in Markdown: kept as typed
    assert f"## {unnotified} · =HYPERLINK(\"http://x\")" in text
    sections = text.split("\n## ")[1:]
    assert len(sections) == 3
    closed_section = next(s for s in sections if s.startswith(f"{closed} "))
    for expected in ("### Tidslinje", "test · registrert", "test · vurdert (ENISA)",
                     "test · beslutning om varsling", "test · lukket", "**Erfaringer:**"):
        assert expected in closed_section, expected
    notified_section = next(s for s in sections if s.startswith(f"{notified} "))
    assert "varslet: authority Altinn AR42" in notified_section


def test_the_timeline_names_the_command_line_and_vern_in_words(vern):
    logged = add(vern, title="Feil mottaker")
    breaches.assess(vern.store, "cli:root", logged, LOW)
    text = documents.record_markdown(breaches.listing(vern.store), "nb")
    assert "root (kommandolinjen) · vurdert (ENISA)" in text
    assert "cli:root" not in text


# -- the command line -----------------------------------------------------------------
def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return vern_process.run([str(VERN), "--db", str(db), *args], input=stdin, capture_output=True,
                          text=True, timeout=120, check=False)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.startswith("vern: ")
    return result.stderr


@pytest.fixture
def cli_db(db):
    (db.parent / "vern.toml").write_text(
        "[organisation]\n" + "".join(f'{key} = "{value}"\n' for key, value in ORG.items()), encoding="utf-8")
    ok(run(db, "breach", "add", "--file", "-", stdin=json.dumps(BREACH)))
    ok(run(db, "breach", "assess", "1", "--file", "-", stdin=json.dumps(HIGH)))
    ok(run(db, "breach", "decide", "1", "--notify-authority", "yes", "--notify-subjects", "yes"))
    return db


def exports(db: Path) -> list[dict]:
    return json.loads(ok(run(db, "trail", "list", "--json", "--action", "export")))


def test_cli_draft_writes_markdown_and_pdf_and_records_the_export(cli_db, tmp_path):
    out = tmp_path / "utkast.md"
    assert ok(run(cli_db, "breach", "draft", "1", "--lang", "nb", "--format", "md", "--out", str(out))).strip() \
        == str(out)
    text = out.read_text(encoding="utf-8")
    assert "**Til:** Datatilsynet" in text and "Kontaktperson: Åse Ødegård" in text and "ca. 1234" in text
    pdf = tmp_path / "draft.pdf"
    ok(run(cli_db, "breach", "draft", "1", "--lang", "en", "--format", "pdf", "--out", str(pdf)))
    read_back = pdf_text(pdf.read_bytes())
    assert "Notification of a personal data breach" in read_back and "Åse Ødegård" in read_back
    letter = tmp_path / "brev.pdf"  # the format follows the suffix
    ok(run(cli_db, "breach", "draft", "1", "--to", "subjects", "--out", str(letter)))
    assert "Hva kan du gjøre?" in pdf_text(letter.read_bytes())
    entries = exports(cli_db)
    assert [(e["object"], e["details"]["document"], e["details"]["format"], e["details"]["lang"])
            for e in reversed(entries)] == [
        ("1", "notification", "md", "nb"), ("1", "notification", "pdf", "en"), ("1", "subject_letter", "pdf", "nb")]
    assert all(e["actor"].startswith("cli") for e in entries)
    assert entries[0]["details"]["to"] == "subjects" and entries[-1]["details"]["to"] == "authority"
    ok(run(cli_db, "trail", "verify"))


def test_cli_record_in_every_format(cli_db, tmp_path):
    for fmt, check in (("csv", lambda b: b.decode("utf-8-sig").startswith("No.;Title")),
                       ("md", lambda b: "### Timeline" in b.decode()),
                       ("pdf", lambda b: "Breach record (GDPR Art. 33(5))" in pdf_text(b))):
        out = tmp_path / f"record.{fmt}"
        assert ok(run(cli_db, "breach", "record", "--format", fmt, "--lang", "en", "--out", str(out))).strip() \
            == str(out)
        assert check(out.read_bytes()), fmt
    assert [(e["object"], e["details"]) for e in reversed(exports(cli_db))] == [
        ("breach-record", {"document": "breach_record", "format": fmt, "lang": "en", "breaches": 1})
        for fmt in ("csv", "md", "pdf")]


def test_cli_refuses_bad_input_without_traceback_or_export(cli_db, tmp_path):
    assert "avvik 99: finnes ikke" in refused(run(cli_db, "breach", "draft", "99", "--out", str(tmp_path / "x.md")))
    assert not (tmp_path / "x.md").exists()
    message = refused(run(cli_db, "breach", "draft", "1", "--out", str(tmp_path / "missing" / "x.pdf")))
    assert f"kan ikke skrive {tmp_path / 'missing' / 'x.pdf'}" in message
    assert "kan ikke skrive" in refused(run(cli_db, "breach", "record", "--out", str(tmp_path)))  # a directory
    assert "meldes til Datatilsynet" in refused(
        run(cli_db, "breach", "draft", "1", "--to", "controller", "--out", str(tmp_path / "y.md")))
    assert exports(cli_db) == []
    usage = run(cli_db, "breach", "draft", "1", "--format", "docx", "--out", str(tmp_path / "z"))
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_cli_draft_of_a_processor_breach_goes_to_the_controller(db, tmp_path):
    processor = {**BREACH, "acting_as": "processor", "controller_name": "Bærum lokallag"}
    ok(run(db, "breach", "add", "--file", "-", stdin=json.dumps(processor)))
    out = tmp_path / "draft.md"
    ok(run(db, "breach", "draft", "1", "--lang", "en", "--out", str(out)))
    assert "**To:** Bærum lokallag (the controller)" in out.read_text(encoding="utf-8")
    assert exports(db)[0]["details"]["to"] == "controller"
    assert "meldes til den behandlingsansvarlige" in refused(
        run(db, "breach", "draft", "1", "--to", "authority", "--out", str(out)))



def test_the_record_carries_the_audit_trail_head(vern, three_breaches):
    from audits.core import trail

    head = trail.head(vern.store)
    text = documents.record_markdown(breaches.listing(vern.store), "en", head)
    assert f"Audit trail when printed: entry {head['seq']}, hash `{head['hash']}`." in text
