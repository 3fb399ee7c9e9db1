"""Demo data shaped like the association in DESIGN.md, dated relative to the clock.

Deterministic for a given clock (`VERN_NOW`). The evidence is written in its real
export format and imported through the same code a real import uses.
"""

import csv
import tempfile
from datetime import date, timedelta
from pathlib import Path

from audits import clock, processors, trail, users
from audits.errors import VernError
from audits.store import Store

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
         ago(800), "", ago(150)),
        ("Tripletex AS", "Regnskap", "NO", "none", "", ago(1200), "", ago(20)),
    ]
    return [dict(zip(processors.COLUMNS, row, strict=True)) for row in rows]


# One account per role. Printed by `vern demo`; a demo database only.
USERS = {
    "adviser": (("adviser",), "vern-demo-adviser"),
    "staff": (("staff",), "vern-demo-staff"),
    "board": (("board",), "vern-demo-board"),
    "admin": (("admin",), "vern-demo-admin"),
}


def _users(store: Store, actor: str) -> None:
    for name, (roles, password) in USERS.items():
        if store.value("SELECT count(*) FROM users WHERE username = ?", [name]):
            users.set_roles(store, actor, name, roles)
            users.set_password(store, actor, name, password)
            users.set_disabled(store, actor, name, False)
        else:
            users.add(store, actor, name, roles, password)


def load(store: Store, actor: str) -> dict[str, int]:
    """Replace the demo evidence and accounts. Refuses a database that holds real data."""
    has_data = store.value("SELECT (SELECT count(*) FROM processors) + (SELECT count(*) FROM users)") > 0
    is_demo = store.value("SELECT value FROM settings WHERE key = 'dataset'") == MARKER
    if has_data and not is_demo:
        raise VernError(
            f"{store.path} holds real data; the demo would overwrite it. "
            "Point --db (or VERN_DB) at a new file for the demo."
        )
    with tempfile.TemporaryDirectory() as folder:
        register = Path(folder) / "processors.csv"
        with register.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=processors.COLUMNS)
            writer.writeheader()
            writer.writerows(_processor_rows(clock.today()))
        loaded = processors.import_register(store, register, actor)
    with store.transaction() as tx:
        tx.execute("INSERT OR REPLACE INTO settings VALUES ('dataset', ?)", [MARKER])
        trail.append(tx, actor, "demo.load", "", {"processors": loaded})
    _users(store, actor)
    return {"processors": loaded, "users": len(USERS)}
