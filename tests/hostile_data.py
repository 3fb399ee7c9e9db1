"""The demo, plus a hostile string in every field a person or an import can fill.

Each planted string carries its own marker (`qz` and two digits), so a page that turns one
into a link, emphasis, a heading, an icon or a formula can be caught and the field named.
Everything goes in the way it does in real use: the imports, the library calls behind the
CLI and the pages, the configuration file, a file dropped into an inbox.
"""

import json
from datetime import datetime, time, timedelta
from pathlib import Path

from audits.access import directory
from audits.access import logs as access_logs
from audits.accounts import users
from audits.activities import register as activities
from audits.breaches import register as breaches
from audits.checking import findings, runner
from audits.consent import register as consent
from audits.core import clock
from audits.demo import access as demo_access
from audits.demo import consent as demo_consent
from audits.demo import loader as demo
from audits.io import csvfile
from audits.processors import register as processors
from audits.reporting import review
from audits.retention import register as retention
from audits.runtime import open_vern
from audits.subject_requests import register as subject_requests

# Markdown and Streamlit constructs, Plotly's tags and HTML: each one would turn text
# into something else. "{m}" is the field's marker; a host without dots too.
TEMPLATES = (
    "# {m} Se https://2130706433:8621/phish?u={m}",
    "**{m}** på https://{m}.example.org/x og www.{m}.example.org",
    "[{m}](https://2130706433:8621/) eller {m}@example.org",
    "<img src=x alt={m}> <b>{m}</b> <a href=\"https://2130706433:8621/\">{m}</a>",
    ":material/warning: {m} :red[{m}] :smile: :material/{m}:",
    "$x_{m}$ ~~{m}~~ `{m}` _{m}_ 1. {m}",
)
HOSTS = ("2130706433", "example.org")  # no link may lead there
FIELDS = (
    "breach_title", "breach_description", "breach_reported_by", "breach_consequences", "breach_measures",
    "breach_information", "breach_decision_reason", "breach_reference", "breach_delay_reason",
    "breach2_title", "breach2_controller", "breach2_reference", "breach2_summary",
    "request_channel", "request_requester", "request_verified_how", "request_extension_reason",
    "request_erasure_note", "request2_requester", "request2_refusal_ground",
    "processor_name", "processor_service", "system_name", "person_name", "person_district",
    "access_object", "course",
    "activity_name", "activity_controller", "activity_purpose", "activity_subjects", "activity_categories",
    "activity_recipients", "activity_measures", "activity_owner", "activity_adjust_reason",
    "retention_category", "retention_category_without_rule", "deletion_evidence",
    "consent_purpose", "campaign", "finding_reason", "review_note", "failed_file",
)
# The issue's own cases, and Plotly's tags where a name becomes a chart's label; the rest in turn.
CHOSEN = {"breach_title": 0, "activity_name": 1, "system_name": 3, "person_district": 3, "retention_category": 3,
          "consent_purpose": 3, "campaign": 4}
PLANTED = {field: TEMPLATES[CHOSEN.get(field, n % len(TEMPLATES))].format(m=f"qz{n:02d}")
           for n, field in enumerate(FIELDS)}
# A file name holds no '/': emphasis, a link, autolinks, an emoji and a formula instead.
PLANTED["failed_file"] = "qz90 **qz90** [qz90](x) www.qz90.example.org :smile: $qz90$.csv"
# Entities, which Plotly decodes (';' is refused in lists of activities): in a chart's labels.
PLANTED["campaign"] += " &amp; &lt;i&gt;{m}&lt;/i&gt;".format(m=f"qz{FIELDS.index('campaign'):02d}")
# Usernames are [a-z0-9._@-]: autolinks only.
USERS = {"adviser": "www.qz91.example.org", "staff": "qz92@qz92.example.org",
         "board": "qz93@example.org", "admin": "www.qz94.example.org"}
PASSWORD = "hostile-password-123"
MARKERS = {f"qz{n:02d}" for n in range(len(FIELDS))} | {"qz90", "qz91", "qz92", "qz93", "qz94"}
PERSON = "kari.qz@forening.no"


def build(db_path: Path) -> dict[str, int]:
    """The hostile database at `db_path` (with its key file and vern.toml beside it); the
    numbers of the hostile breaches and requests."""
    # A required course is configuration a person writes.
    (db_path.parent / "vern.toml").write_text(
        "[checks.training.courses]\nvolunteer = [\"Personvern grunnkurs\", " + json.dumps(PLANTED["course"]) + "]\n",
        encoding="utf-8")
    vern = open_vern(str(db_path))
    try:
        demo.load(vern.store, vern.config, "test")
        for role, name in USERS.items():
            users.add(vern.store, "test", name, [role], PASSWORD)
        folder = db_path.parent / "hostile-files"
        folder.mkdir()
        _registers(vern, folder)
        _evidence(vern, folder)
        runner.run_many(vern.store, vern.config, list(vern.checks.values()), "cli")
        numbers = _breaches(vern) | _requests(vern)
        _decisions(vern)
        _failed_import(vern)
        return numbers
    finally:
        vern.close()


def _as_imported(processor: dict) -> list[str]:
    """A processor of the register as its import file has it."""
    def day(value) -> str:
        return value.isoformat() if value else ""
    return [processor["name"], processor["service"], ";".join(processor["countries"]),
            processor["transfer_mechanism"], {True: "yes", False: "no", None: ""}[processor["dpf_certified"]],
            day(processor["dpa_signed_on"]), day(processor["dpa_expires_on"]), day(processor["last_reviewed_on"])]


def _registers(vern, folder: Path) -> None:
    """The registers are replaced whole by their imports: the demo's rows and a hostile one."""
    store, today = vern.store, clock.today()
    processors.import_register(store, csvfile.write(folder / "processors.csv", list(processors.COLUMNS), [
        *map(_as_imported, processors.register(store)),
        [PLANTED["processor_name"], PLANTED["processor_service"], "US;IN", "none", "no", "", "", ""]]), "test")
    directory.import_systems(store, csvfile.write(folder / "systems.csv", ["name", "holds_personal_data", "classification",
                                                                  "match"], [
        *([name, pd, cls, match] for name, pd, cls, match, _ in demo_access.SYSTEMS),
        [PLANTED["system_name"], "yes", "confidential", ""]]), "test")
    started = (today - timedelta(days=2000)).isoformat()
    directory.import_people(store, csvfile.write(
        folder / "people.csv", ["email", "name", "kind", "handles_personal_data", "started_on", "left_on", "district"],
        [[demo_access.email(n), n, kind, "yes" if pd else "no", (today - timedelta(days=s)).isoformat(),
          (today - timedelta(days=left)).isoformat() if left is not None else "", district]
         for n, kind, pd, s, left, district, _ in demo_access.PEOPLE]
        + [[PERSON, PLANTED["person_name"], "volunteer", "yes", started, "", PLANTED["person_district"]]]), "test")
    activity = activities.save(store, {
        "name": PLANTED["activity_name"], "role": "processor", "controller_name": PLANTED["activity_controller"],
        "purpose": PLANTED["activity_purpose"], "legal_basis": "f", "special_categories": [], "art9_condition": None,
        "data_subjects": [PLANTED["activity_subjects"]], "data_categories": [PLANTED["activity_categories"]],
        "children": False, "recipients": [PLANTED["activity_recipients"]],
        "processors": [PLANTED["processor_name"]],
        "retention": {"months": 12, "from": "last_activity", "categories": [PLANTED["retention_category"]],
                      "statistics_exempt": False},
        "security_measures": [PLANTED["activity_measures"]], "classification": "confidential",
        "systems": [PLANTED["system_name"]], "dpia_criteria": ["large_scale", "matching_datasets"],
        "dpia_status": "not_started", "owner": PLANTED["activity_owner"],
        "review_on": (today - timedelta(days=10)).isoformat(), "risk_adjustment": None}, USERS["adviser"])
    activities.adjust(store, activity, "significant", "maximum", PLANTED["activity_adjust_reason"], USERS["adviser"])


def _evidence(vern, folder: Path) -> None:
    store, today = vern.store, clock.today()
    # The person, untrained and without a grant, at work in the hostile system.
    day = today - timedelta(days=3)
    events = [[datetime.combine(day, time(hour), clock.OSLO).isoformat(), PERSON, PLANTED["system_name"], "read",
               PLANTED["access_object"], "192.0.2.7", 1] for hour in (10, 23)]
    access_logs.import_files(store, [csvfile.write(folder / "crm.csv", ["timestamp", "actor", "system", "action", "object",
                                                               "source_ip", "records"], events)], "csv", "test")
    ago = (today - timedelta(days=800)).isoformat()
    retention.import_inventory(store, csvfile.write(folder / "inventory.csv", ["record_ref", "category", "last_activity_on"], [
        ["r1", PLANTED["retention_category"], ago], ["r2", PLANTED["retention_category"], ago],
        ["r3", PLANTED["retention_category_without_rule"], ago]]), PLANTED["system_name"], "test")
    retention.record_deletion(store, USERS["adviser"], PLANTED["system_name"], PLANTED["retention_category"],
                              today - timedelta(days=1), 1, PLANTED["deletion_evidence"])
    given = clock.now() - timedelta(days=100)
    consent.import_consents(store, csvfile.write(
        folder / "consents.csv", ["email", "purpose", "given_at", "withdrawn_at", "source"],
        demo_consent.register_rows(today) + [["nina@example.net", PLANTED["consent_purpose"], given.isoformat(), "",
                                              "web"]]), "test")
    consent.import_campaigns(store, csvfile.write(folder / "sends.csv", ["email", "campaign", "purpose", "sent_at"], [
        [who, PLANTED["campaign"], PLANTED["consent_purpose"], (given + timedelta(days=50)).isoformat()]
        for who in ("nina@example.net", "ola@example.net")]), "test")


def _breaches(vern) -> dict[str, int]:
    store, config, now = vern.store, vern.config, clock.now()
    adviser, staff = USERS["adviser"], USERS["staff"]
    enisa = {"dpc": {"data_type": "simple", "adjustment": 0}, "ei": 0.5,
             "cb": {"confidentiality": 0.25, "integrity": 0, "availability": 0, "malicious": False},
             "data_unintelligible": False}
    first = breaches.add(store, config, staff, {
        "title": PLANTED["breach_title"], "description": PLANTED["breach_description"],
        "aware_at": (now - timedelta(hours=80)).isoformat(), "reported_by": PLANTED["breach_reported_by"],
        "data_categories": ["contact"], "subjects_count": 12, "breach_types": ["confidentiality"],
        "processor": PLANTED["processor_name"], "consequences": PLANTED["breach_consequences"],
        "measures": PLANTED["breach_measures"]})
    breaches.add_information(store, staff, first, PLANTED["breach_information"])
    breaches.assess(store, adviser, first, enisa)
    breaches.decide(store, adviser, first, True, True, PLANTED["breach_decision_reason"])  # overrides
    breaches.notify(store, adviser, first, "authority", now - timedelta(hours=1), PLANTED["breach_reference"],
                    PLANTED["breach_delay_reason"])
    second = breaches.add(store, config, staff, {
        "title": PLANTED["breach2_title"], "aware_at": (now - timedelta(hours=20)).isoformat(),
        "acting_as": "processor", "controller_name": PLANTED["breach2_controller"],
        "data_categories": ["contact"], "breach_types": ["availability"]})
    breaches.assess(store, adviser, second, enisa)
    breaches.decide(store, adviser, second, True, False, "")
    breaches.notify(store, adviser, second, "controller", now - timedelta(hours=2), PLANTED["breach2_reference"])
    breaches.close(store, adviser, second, PLANTED["breach2_summary"])
    return {"breach": first, "breach2": second}


def _requests(vern) -> dict[str, int]:
    store, now = vern.store, clock.now()
    adviser, staff = USERS["adviser"], USERS["staff"]
    erasure = subject_requests.add(store, staff, {
        "received_at": (now - timedelta(days=20)).isoformat(), "kind": "erasure",
        "channel": PLANTED["request_channel"], "requester": PLANTED["request_requester"]})
    subject_requests.verify(store, adviser, erasure, PLANTED["request_verified_how"])
    subject_requests.extend(store, adviser, erasure, PLANTED["request_extension_reason"], clock.today())
    # Done for another system, so the hostile system's task stays open, in its form.
    subject_requests.erase(store, adviser, erasure, "SuperOffice CRM", "kept", PLANTED["request_erasure_note"])
    refused = subject_requests.add(store, staff, {
        "received_at": (now - timedelta(days=3)).isoformat(), "kind": "access", "channel": "e-post",
        "requester": PLANTED["request2_requester"]})
    subject_requests.refuse(store, adviser, refused, PLANTED["request2_refusal_ground"])
    return {"request": erasure, "request2": refused}


def _decisions(vern) -> None:
    """A reason on the hostile processor's missing agreement, a review note on its transfer."""
    store, adviser = vern.store, USERS["adviser"]
    mine = {f["rule"]: f["fingerprint"] for f in findings.listing(store, check="processors")
            if PLANTED["processor_name"] in f["subject"]}
    findings.set_status(store, mine["dpa_missing"], "acknowledged", adviser, PLANTED["finding_reason"])
    review.decide(store, vern.config, adviser, [f"finding:{mine['transfer_no_mechanism']}"], "assigned",
                  PLANTED["review_note"], adviser, clock.today() + timedelta(days=7))


def _failed_import(vern) -> None:
    """A register file whose name is hostile, refused by the next run: the run's error quotes it."""
    inbox = vern.config.inbox / "processors"
    inbox.mkdir(parents=True, exist_ok=True)
    header = ",".join(processors.COLUMNS)
    (inbox / PLANTED["failed_file"]).write_text(f"{header}\nAcme,CRM,NO,nonsense,,,,\n", encoding="utf-8")
    runner.run(vern.store, vern.config, vern.checks["processors"], "cli")
