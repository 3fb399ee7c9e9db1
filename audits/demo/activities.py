"""The demo's record of processing activities, taken from the association's privacy
statement, written as the JSON an adviser would import and imported through the real code.

Planted: an incomplete record (prospects), a DPIA not finished (the marketing profile),
health data without an Art. 9(2) condition (accessibility needs), processors without a
valid agreement (Already On, SuperOffice), an unclassified activity (the district
chapters' register) and a risk review past its date (the marketing profile)."""

import json
from datetime import date, timedelta
from pathlib import Path

from audits.activities import register as activities
from audits.core.store import Store

MEMBERS = "Medlemsregister (SharePoint)"
MEMBER_DATA = "Medlemsdata (AWS S3)"
EVENTS = "Arrangementer (Google Drive)"
CRM = "SuperOffice CRM"
MICROSOFT = "Microsoft Ireland Operations Ltd"
GOOGLE = "Google Cloud EMEA Ltd"
ALREADY_ON = "Already On AS"
AWS = "Amazon Web Services EMEA SARL"
BASIC_SECURITY = ["rollebasert tilgang", "tofaktorinnlogging", "kryptering ved lagring"]


def _activities(today: date) -> list[dict]:
    def ahead(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    return [
        {"name": "Medlemsadministrasjon", "purpose": "Administrere medlemskap, kontingent og medlemsfordeler",
         "legal_basis": "b", "data_subjects": ["medlemmer"],
         "data_categories": ["navn", "kontaktopplysninger", "fødselsdato", "medlemskap", "betalingsstatus"],
         "recipients": ["kretsene (egne medlemmer)"], "processors": [ALREADY_ON, MICROSOFT, AWS],
         "retention": {"months": 24, "from": "purpose_ended", "categories": ["member"],
                       "statistics_exempt": True},
         "security_measures": BASIC_SECURITY, "classification": "confidential",
         "systems": [MEMBERS, MEMBER_DATA], "dpia_criteria": ["large_scale"],
         "owner": "Leder medlemsservice", "review_on": ahead(60)},
        {"name": "Arrangementer", "purpose": "Påmelding til og gjennomføring av kurs, møter og arrangementer",
         "legal_basis": "b", "data_subjects": ["deltakere", "medlemmer"],
         "data_categories": ["navn", "kontaktopplysninger", "påmeldinger"],
         "recipients": ["arrangementssteder"], "processors": [GOOGLE],
         "retention": {"months": 12, "from": "last_activity", "categories": ["event_participant"]},
         "security_measures": BASIC_SECURITY, "classification": "internal", "systems": [EVENTS],
         "owner": "Arrangementsansvarlig", "review_on": ahead(120)},
        {"name": "Fakturering", "purpose": "Fakturere kontingent og deltakeravgift, og føre regnskap",
         "legal_basis": "c", "data_subjects": ["medlemmer", "deltakere"],
         "data_categories": ["navn", "adresse", "fakturaer", "betalinger"],
         "recipients": ["revisor"], "processors": ["Vipps MobilePay AS", "Tripletex AS"],
         "retention": {"months": 60, "from": "last_activity", "categories": ["invoice"]},
         "security_measures": BASIC_SECURITY, "classification": "confidential", "systems": [CRM],
         "owner": "Økonomisjef", "review_on": ahead(200)},
        {"name": "Markedsføring med interesseprofil",
         "purpose": "Nyhetsbrev og innsamling tilpasset interesser utledet av atferd på nett og i e-post",
         "legal_basis": "a", "data_subjects": ["medlemmer", "nyhetsbrevabonnenter"],
         "data_categories": ["kontaktopplysninger", "nettleseratferd", "åpninger og klikk i e-post", "interesser"],
         "recipients": ["ingen utenfor foreningen"],
         "processors": ["The Rocket Science Group LLC (Mailchimp)", GOOGLE],
         "retention": {"months": 12, "from": "last_activity", "categories": ["marketing_profile"]},
         "security_measures": BASIC_SECURITY, "classification": "internal", "systems": [MEMBERS],
         "dpia_criteria": ["evaluation_scoring", "systematic_monitoring", "large_scale"],
         "dpia_status": "in_progress", "owner": "Kommunikasjonssjef", "review_on": ahead(-14)},
        {"name": "Kontaktpersoner hos prospekter",
         "purpose": "Kontakt med mulige samarbeidspartnere og givere", "legal_basis": "f",
         "data_subjects": ["kontaktpersoner hos virksomheter"],
         "data_categories": ["navn", "stilling", "jobbkontaktopplysninger"],
         "processors": ["SuperOffice AS"],  # no recipients nor security measures recorded
         "retention": {"months": 24, "from": "last_activity", "categories": ["prospect"]},
         "classification": "internal", "systems": [CRM], "owner": "Leder partnerskap", "review_on": ahead(90)},
        {"name": "Tilrettelegging for deltakere",
         "purpose": "Tilrettelegge arrangementer for deltakere med særlige behov", "legal_basis": "a",
         "special_categories": ["health"],  # the Art. 9(2)(a) condition is not recorded
         "data_subjects": ["deltakere"], "data_categories": ["navn", "behov for tilrettelegging"],
         "recipients": ["arrangementssteder (kun det som trengs)"], "processors": [GOOGLE],
         "retention": {"months": 1, "from": "purpose_ended", "categories": ["accessibility_need"]},
         "security_measures": [*BASIC_SECURITY, "egen mappe med begrenset tilgang"],
         "classification": "strictly_confidential", "systems": [EVENTS],
         "dpia_criteria": ["sensitive_data", "vulnerable_subjects"], "dpia_status": "completed",
         "owner": "Arrangementsansvarlig", "review_on": ahead(30)},
        {"name": "Barn og unge med foreldresamtykke",
         "purpose": "Medlemskap og aktiviteter for barn under 16 år", "legal_basis": "a", "children": True,
         "data_subjects": ["barn under 16 år", "foresatte"],
         "data_categories": ["navn", "fødselsdato", "foresattes kontaktopplysninger"],
         "recipients": ["kretsene (egne medlemmer)"], "processors": [ALREADY_ON],
         "retention": {"months": 12, "from": "purpose_ended", "categories": ["youth_member"]},
         "security_measures": BASIC_SECURITY, "classification": "confidential", "systems": [MEMBERS],
         "dpia_criteria": ["vulnerable_subjects"], "owner": "Leder medlemsservice", "review_on": ahead(45)},
        {"name": "Medlemsregister for kretsene", "role": "processor", "controller_name": "Vestland krets",
         "purpose": "Føre kretsens medlemsregister etter kretsens instruks",
         "data_subjects": ["kretsens medlemmer"], "data_categories": ["navn", "kontaktopplysninger"],
         "processors": [ALREADY_ON],
         "retention": {"months": 24, "from": "purpose_ended", "categories": ["district_member"]},
         "security_measures": BASIC_SECURITY, "systems": [MEMBERS],  # not classified
         "owner": "Leder medlemsservice", "review_on": ahead(150)},
        {"name": "Statistikk på pseudonymiserte data",
         "purpose": "Medlemsutvikling og aktivitet over tid, uten å identifisere noen", "legal_basis": "f",
         "data_subjects": ["medlemmer"], "data_categories": ["pseudonymiserte medlemsdata"],
         "recipients": ["styret (kun tall)"], "processors": [AWS],
         "retention": {"months": 120, "from": "last_activity", "categories": ["member_statistics"],
                       "statistics_exempt": True},
         "security_measures": [*BASIC_SECURITY, "pseudonymisering med egen nøkkel"],
         "classification": "internal", "systems": [MEMBER_DATA], "dpia_criteria": ["matching_datasets"],
         "owner": "Analytiker", "review_on": ahead(300)},
    ]


def load(store: Store, folder: Path, actor: str, today: date) -> dict[str, int]:
    path = folder / "behandlingsprotokoll.json"
    path.write_text(json.dumps(_activities(today), ensure_ascii=False, indent=2), encoding="utf-8")
    return {"activities": activities.import_file(store, path, actor)}
