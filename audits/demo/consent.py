"""A demo consent register and campaign send log: 48 invented people, consents for the
newsletter, fundraising and the interest profile (the marketing profile built from web
and email behaviour), and six campaigns. Planted: one newsletter sent to three people a
week after they withdrew (marketing_after_opt_out), one fundraising campaign sent to six
people who never consented (marketing_without_consent), and booking confirmations to
people without any consent (service mail: not flagged). The rest are clean.

Written as real CSV files and imported as a real import is; dated relative to `today`.
"""

from datetime import date, datetime, time, timedelta
from pathlib import Path

from audits.consent import register as consent
from audits.core import clock
from audits.core.store import Store
from audits.io import csvfile

FIRST = ("kari", "ola", "ingrid", "lars", "sigrid", "anders", "marte", "even", "silje", "henrik", "nora", "jonas")
LAST = ("fjellstad", "bergvik", "nesheim", "dalsrud")
PEOPLE = [f"{first}.{last}@example.org" for last in LAST for first in FIRST]  # 48

# purpose: (people, days ago given, source, {person: days ago withdrawn})
CONSENTS = {
    "newsletter": (range(0, 36), 420, "web form", {30: 25, 31: 25, 32: 25}),
    "fundraising": (range(0, 20), 360, "event signup", {12: 100}),
    "interest_profile": (range(0, 12), 250, "member app", {5: 40}),
}
# campaign, purpose, days ago, Oslo time of the first send, recipients
CAMPAIGNS = [
    ("Vårinnsamling", "fundraising", 200, time(18, 0), range(0, 20)),  # before person 12 withdrew
    ("Nyhetsbrev september", "newsletter", 70, time(10, 0), range(0, 36)),
    ("Anbefalt for deg", "interest_profile", 30, time(12, 0), [i for i in range(0, 12) if i != 5]),
    ("Nyhetsbrev november", "newsletter", 18, time(10, 0), range(0, 36)),  # 30-32 withdrew a week before
    ("Julekampanje", "fundraising", 12, time(18, 0),
     [i for i in range(0, 20) if i != 12] + list(range(36, 42))),  # 36-41 never consented
]
BOOKINGS = [(40 + i, 60 - 7 * i) for i in range(8)] + [(3, 9), (36, 4)]  # person, days ago: service mail


def _at(today: date, days_ago: int, at: time, seconds: int = 0) -> str:
    day = today - timedelta(days=days_ago)
    return (datetime.combine(day, at, clock.OSLO) + timedelta(seconds=seconds)).isoformat()


def register_rows(today: date) -> list[list]:
    rows = []
    for purpose, (people, given, source, withdrawn) in CONSENTS.items():
        for i in people:
            ago = withdrawn.get(i)
            rows.append([PEOPLE[i], purpose, _at(today, given, time(8 + i % 12, 7 * i % 60)),
                         _at(today, ago, time(21, 15)) if ago is not None else "", source])
    return rows


def send_rows(today: date) -> list[list]:
    rows = [[PEOPLE[i], campaign, purpose, _at(today, ago, at, seconds)]
            for campaign, purpose, ago, at, people in CAMPAIGNS for seconds, i in enumerate(people)]
    rows += [[PEOPLE[i], "Påmeldingsbekreftelse", "service", _at(today, ago, time(14, 30))] for i, ago in BOOKINGS]
    return rows


def load(store: Store, folder: Path, actor: str, today: date) -> dict[str, int]:
    with store.transaction() as tx:
        tx.execute("DELETE FROM campaign_sends")  # the demo's dates move with the clock
    register = csvfile.write(folder / "samtykkeregister.csv", ["email", "purpose", "given_at", "withdrawn_at", "source"],
                      register_rows(today))
    sends = csvfile.write(folder / "utsendelseslogg.csv", ["email", "campaign", "purpose", "sent_at"], send_rows(today))
    consents = consent.import_consents(store, register, actor)
    added = consent.import_campaigns(store, sends, actor).added
    return {"consents": consents, "campaign_sends": added}
