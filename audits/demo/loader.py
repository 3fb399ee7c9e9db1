"""Demo data of the association (controller for its members, processor for its district
chapters), dated relative to the clock.

Deterministic for a given clock (`VERN_NOW`). The evidence is written in its real
export format and imported through the same code a real import uses.
"""

import csv
import tempfile
from datetime import date, timedelta
from pathlib import Path

from audits.accounts import users
from audits.breaches import register as breaches
from audits.core import clock, trail
from audits.core.config import Config
from audits.core.errors import VernError
from audits.core.store import Store
from audits.demo import access as demo_access
from audits.demo import activities as demo_activities
from audits.demo import backups as demo_backups
from audits.demo import consent as demo_consent
from audits.demo import retention as demo_retention
from audits.demo import subject_requests as demo_requests
from audits.demo import training as demo_training
from audits.organisation import profile
from audits.processors import register as processors

MARKER = "demo"


def _processor_rows(today: date) -> list[dict[str, str]]:
    def ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    def ahead(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    rows = [
        # name, service, countries, mechanism, dpf, signed, expires, reviewed
        ("Microsoft Ireland Operations Ltd", "Microsoft 365 (e-post og dokumenter)", "IE;NL;US",
         "dpf", "yes", ago(900), "", ago(60)),
        ("Google Cloud EMEA Ltd", "Google Workspace (e-post og dokumenter)", "IE;US",
         "dpf", "yes", ago(1100), "", ago(430)),  # review overdue
        ("SuperOffice AS", "CRM", "NO;DK", "none", "", ago(1500), ago(40), ago(200)),  # expired
        ("Already On AS", "Medlemsregister (CRM)", "NO", "none", "", "", "", ""),  # no agreement
        ("Amazon Web Services EMEA SARL", "Hosting (Irland)", "IE", "none", "",
         ago(700), ahead(700), ago(100)),
        ("Amazon Web Services, Inc.", "Hosting (USA)", "US", "scc2021", "yes",
         ago(700), ahead(700), ago(100)),
        ("The Rocket Science Group LLC (Mailchimp)", "Nyhetsbrev", "US",
         "privacy_shield", "no", ago(2300), "", ago(300)),  # invalid mechanism
        ("Zoom Communications Inc.", "Videomøter", "US", "dpf", "no",
         ago(500), ahead(300), ago(90)),  # DPF claimed, not certified
        ("Freshworks Inc.", "Kundestøtte", "US;IN", "none", "no",
         ago(400), ahead(330), ago(30)),  # no mechanism for India
        ("Vipps MobilePay AS", "Betaling av kontingent", "NO;DK;FI", "none", "",
         ago(800), ahead(45), ago(150)),  # expires within 60 days: the review queue asks
        ("Tripletex AS", "Regnskap", "NO", "none", "", ago(1200), "", ago(20)),
    ]
    return [dict(zip(processors.COLUMNS, row, strict=True)) for row in rows]


# One account per role, printed by `vern demo` and the README: a demo database only.
USERS = {
    "adviser": (("adviser",), "vern-demo-personvern"),
    "staff": (("staff",), "vern-demo-ansatt"),
    "board": (("board",), "vern-demo-styret"),
    "admin": (("admin",), "vern-demo-drift"),
}


def _users(store: Store, actor: str) -> None:
    for name, (roles, password) in USERS.items():
        if store.value("SELECT count(*) FROM users WHERE username = ?", [name]):
            users.set_roles(store, actor, name, roles)
            users.set_password(store, actor, name, password)
            users.set_disabled(store, actor, name, False)
        else:
            users.add(store, actor, name, roles, password)


# The association as its (fictitious) privacy statement publishes it: who we are, the privacy
# contact point, and the contact of each district chapter whose data we process.
PROFILE = {
    "name": "Foreningen", "org_number": "923 456 783", "address": "Postboks 123 Sentrum, 0102 Oslo",
    "contact_name": "Kari Nordmann", "contact_role": "personvernrådgiver",
    "contact_email": "personvern@forening.no", "contact_phone": "+47 21 00 00 00",
    "chapters": [{"name": "Vestland krets", "contact_name": "Ola Nordmann",
                  "contact_email": "vestland@forening.no", "contact_phone": "+47 55 00 00 00"}],
}


BREACH_TABLES = ("breaches", "breach_assessments", "breach_decisions", "breach_notifications",
                 "breach_events", "breach_reminders")


def _breaches(store: Store, config, actor: str) -> int:
    """One breach in every state: due within hours, overdue, notified, closed, and one
    handled as processor for a district chapter."""
    with store.transaction() as tx:
        for table in BREACH_TABLES:
            tx.execute(f"DELETE FROM {table}")
    now = clock.now()

    def ago(hours: float) -> str:
        return (now - timedelta(hours=hours)).isoformat()

    def assessment(data_type: str, ei: float, confidentiality: float, malicious: bool = False) -> dict:
        return {"dpc": {"data_type": data_type, "adjustment": 0}, "ei": ei,
                "cb": {"confidentiality": confidentiality, "integrity": 0, "availability": 0,
                       "malicious": malicious}, "data_unintelligible": False}

    due = breaches.add(store, config, actor, alert=False, reporter="staff", data={
        "title": "Medlemsliste sendt til feil e-postadresse", "aware_at": ago(68), "reported_by": "Ola (sekretariatet)",
        "description": "Excel-fil med 340 medlemmer i Bergen sendt til en ekstern mottaker med likt navn.",
        "subject_categories": ["member"], "data_categories": ["contact", "membership"], "subjects_count": 340, "records_count": 340,
        "breach_types": ["confidentiality"], "processor": "Microsoft Ireland Operations Ltd",
        "measures": "Bedt mottakeren slette e-posten."})
    overdue = breaches.add(store, config, actor, alert=False, reporter="adviser", data={
        "title": "Bærbar PC med deltakerlister stjålet", "aware_at": ago(80),
        "subject_categories": ["participant"], "data_categories": ["contact", "health"], "subjects_count": 45, "breach_types": ["confidentiality", "availability"],
        "consequences": "Allergier og tilretteleggingsbehov for 45 deltakere kan være lest av andre."})
    breaches.assess(store, actor, overdue, assessment("sensitive", 0.75, 0.5, malicious=True))
    breaches.decide(store, actor, overdue, True, True)
    notified = breaches.add(store, config, actor, alert=False, reporter="adviser", data={
        "title": "Nyhetsbrev med synlige mottakeradresser", "aware_at": ago(240),
        "subject_categories": ["member", "donor"], "data_categories": ["contact", "behaviour"], "subjects_count": 1200, "breach_types": ["confidentiality"],
        "processor": "The Rocket Science Group LLC (Mailchimp)"})
    breaches.assess(store, actor, notified, assessment("behavioural", 1, 0.25))
    breaches.decide(store, actor, notified, True, False)
    breaches.notify(store, actor, notified, "authority", now - timedelta(hours=200), "Altinn 2026/4711")
    closed = breaches.add(store, config, actor, alert=False, reporter="staff", data={
        "title": "Påmeldingsskjema viste andres navn", "aware_at": ago(24 * 60),
        "subject_categories": ["participant"], "data_categories": ["contact"], "subjects_count": 3, "breach_types": ["confidentiality"]})
    breaches.assess(store, actor, closed, assessment("simple", 0.5, 0.25))
    breaches.decide(store, actor, closed, False, False)
    breaches.close(store, actor, closed, "Feil i skjemaoppsettet rettet; skjemaer testes nå før publisering.")
    for_chapter = breaches.add(store, config, actor, alert=False, reporter="staff", data={
        "title": "Kretsens medlemsregister delt med feil lenke", "aware_at": ago(5),
        "acting_as": "processor", "controller_name": "Vestland krets",
        "subject_categories": ["member"], "data_categories": ["contact", "membership"], "subjects_count": 900, "breach_types": ["confidentiality"],
        "processor": "Google Cloud EMEA Ltd"})
    return len((due, overdue, notified, closed, for_chapter))


def load(store: Store, config: Config, actor: str) -> dict[str, int]:
    """Replace the demo evidence and accounts. Refuses a database that holds real data."""
    has_data = store.value("SELECT (SELECT count(*) FROM processors) + (SELECT count(*) FROM users)") > 0
    is_demo = store.value("SELECT value FROM settings WHERE key = 'dataset'") == MARKER
    if has_data and not is_demo:
        raise VernError("demo.refused.real_data", path=str(store.path))
    with tempfile.TemporaryDirectory() as folder:
        register = Path(folder) / "processors.csv"
        with register.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=processors.COLUMNS)
            writer.writeheader()
            writer.writerows(_processor_rows(clock.today()))
        loaded = processors.import_register(store, register, actor)
        access = demo_access.load(store, Path(folder), actor)
        access |= demo_training.load(store, Path(folder), config.check("training"), actor)
        access |= demo_activities.load(store, Path(folder), actor, clock.today())
        access |= demo_retention.load(store, Path(folder), actor, clock.today())
        access |= demo_consent.load(store, Path(folder), actor, clock.today())
    with store.transaction() as tx:
        tx.execute("INSERT OR REPLACE INTO settings VALUES ('dataset', ?)", [MARKER])
        demo_backups.plant(tx, config, clock.now())
        trail.append(tx, actor, "demo.load", "", {"processors": loaded})
    _users(store, actor)
    profile.save(store, config, actor, PROFILE)
    return {"processors": loaded, **access, **demo_requests.load(store, actor), "users": len(USERS),
            "breaches": _breaches(store, config, actor)}
