"""Demo data-subject requests, one in each state the rules judge, dated relative to now:
answered on time, answered late without a recorded identity check, answered within an
extension told in time, an access request overdue, an erasure due within days with some
systems done, a restriction extended without telling the person, an objection just in,
and a marketing opt-out the mailing tool missed (the Christmas campaign still went to
the person: the consent check catches it)."""

from datetime import datetime, timedelta

from audits.core import clock
from audits.core.store import Store
from audits.demo.activities import CRM, MEMBERS
from audits.demo.consent import PEOPLE
from audits.subject_requests import register as subject_requests

TABLES = ("request_reminders", "request_systems", "erasure_tasks", "requests")


def _request(store: Store, actor: str, received: datetime, kind: str, channel: str, requester: str,
             email: str | None = None) -> int:
    data = {"received_at": received.isoformat(), "kind": kind, "channel": channel, "requester": requester}
    return subject_requests.add(store, actor, {**data, "email": email} if email else data, "demo")


def load(store: Store, actor: str) -> dict[str, int]:
    with store.transaction() as tx:
        for table in TABLES:
            tx.execute(f"DELETE FROM {table}")
        tx.execute("DELETE FROM consents WHERE origin = 'request'")
    now = clock.now()

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    on_time = _request(store, actor, ago(40), "access", "e-post", "Kari Fjellstad, kari.fjellstad@example.org")
    subject_requests.verify(store, actor, on_time, "Svar sendt til adressen i medlemsregisteret", ago(38))
    subject_requests.search(store, actor, on_time, [MEMBERS, CRM])
    subject_requests.answer(store, actor, on_time, ago(20))

    late = _request(store, actor, ago(50), "rectification", "brev", "Ola Bergvik, Storgata 1, 0155 Oslo")
    subject_requests.answer(store, actor, late, ago(10))  # no identity check recorded

    extended = _request(store, actor, ago(100), "portability", "skjema", "Ingrid Nesheim")
    subject_requests.verify(store, actor, extended, "BankID", ago(98))
    subject_requests.extend(store, actor, extended, "Data i tre systemer må hentes ut og settes sammen",
                    clock.local(ago(80)).date())
    subject_requests.answer(store, actor, extended, ago(45))

    overdue = _request(store, actor, ago(35), "access", "telefon", "Lars Dalsrud, 912 34 567")
    subject_requests.verify(store, actor, overdue, "Ringt tilbake på nummeret i medlemsregisteret", ago(33))

    erasure = _request(store, actor, ago(26), "erasure", "e-post", "Sigrid Fjellstad, sigrid.fjellstad@example.org",
                       PEOPLE[4])
    subject_requests.verify(store, actor, erasure, "Svar fra adressen i medlemsregisteret", ago(25))
    subject_requests.erase(store, actor, erasure, MEMBERS, "erased", "Slettet i medlemsregisteret")
    subject_requests.erase(store, actor, erasure, CRM, "kept", "Gavekvitteringer: bokføringsloven § 13 (5 år)")

    restricted = _request(store, actor, ago(20), "restriction", "e-post", "Anders Bergvik")
    subject_requests.extend(store, actor, restricted, "Venter på svar fra kretsen om riktigheten")  # person not told

    _request(store, actor, ago(3), "objection", "e-post", "Marte Nesheim", PEOPLE[30])

    # Ingrid Fjellstad opted out two days before the Christmas campaign, which still reached her.
    opt_out = _request(store, actor, ago(14), "marketing_opt_out", "e-post", "Ingrid Fjellstad", PEOPLE[2])
    subject_requests.verify(store, actor, opt_out, "Avmelding fra adressen selv", ago(14))
    subject_requests.answer(store, actor, opt_out, ago(13))
    return {"requests": len((on_time, late, extended, overdue, erasure, restricted, opt_out)) + 1}

