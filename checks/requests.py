"""Data-subject requests answered on time (GDPR Art. 12(3)): within a month of receipt, or
within the extension of two further months the person was told of in the first month, and
only to someone whose identity was verified (Art. 12(6))."""

from collections.abc import Iterable

from audits.checking.api import Check, CheckContext, Finding, Rule, Severity
from audits.core.i18n import Text
from audits.subject_requests import register as subject_requests

RULES = (
    Rule(
        "dsr_overdue", Severity.high, "Art. 12(3)",
        Text("Henvendelse over fristen", "Request overdue"),
        Text("Henvendelse {subject}, {kind_nb}, mottatt {received}, skulle vært besvart {due}.",
             "Request {subject}, {kind_en}, received {received}, was due on {due}."),
        Text("Svar nå, og si hvorfor det tok tid.", "Answer now, and say why it took longer."),
    ),
    Rule(
        "dsr_due_soon", Severity.medium, "Art. 12(3)",
        Text("Henvendelse med frist snart", "Request due soon"),
        Text("Henvendelse {subject}, {kind_nb}, skal besvares innen {due} ({days} dager).",
             "Request {subject}, {kind_en}, is due on {due} ({days} days)."),
        Text("Svar i tide, eller forleng med begrunnelse og si fra til personen.",
             "Answer in time, or extend with a reason and tell the person."),
    ),
    Rule(
        "dsr_extension_not_notified", Severity.medium, "Art. 12(3)",
        Text("Forlengelse ikke meldt", "Extension not told"),
        Text("Henvendelse {subject}, {kind_nb}, ble forlenget, men personen ble ikke varslet innen {due}.",
             "Request {subject}, {kind_en}, was extended, but the person was not told by {due}."),
        Text("Varsle personen om forlengelsen og grunnen.", "Tell the person of the extension and why."),
    ),
    Rule(
        "dsr_identity_unverified", Severity.medium, "Art. 12(6)",
        Text("Besvart uten bekreftet identitet", "Answered without verified identity"),
        Text("Henvendelse {subject}, {kind_nb}, ble besvart uten registrert identitetskontroll.",
             "Request {subject}, {kind_en}, was answered without a recorded identity check."),
        Text("Registrer hvordan identiteten ble bekreftet, eller vurder om svaret gikk til rett person.",
             "Record how the identity was verified, or judge whether the answer reached the right person."),
    ),
)


class RequestsCheck(Check):
    id = "requests"
    title = Text("Henvendelser fra de registrerte", "Data-subject requests")
    area = "requests"
    area_rank = 70
    schedule = "0 7 * * *"
    rules = RULES

    def collect(self, ctx: CheckContext) -> int:
        return ctx.store.value("SELECT count(*) FROM requests")

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        for row in ctx.store.rows("SELECT id, kind, status, received_at, due_on, extended_due_on, extended_at, "
                                  "told_on, verified_at FROM requests ORDER BY id"):
            due = row["due_on"]
            due_now = subject_requests.due_in_force(row)
            subject = f"#{row['id']}"
            values = {"kind": row["kind"], "kind_nb": subject_requests.kind_words(row["kind"], "nb"),
                      "kind_en": subject_requests.kind_words(row["kind"], "en"),
                      "received": subject_requests.received_on(row["received_at"]), "due": due_now}
            if row["status"] in subject_requests.OPEN:
                days = (due_now - ctx.today).days
                if days < 0:
                    yield Finding("dsr_overdue", subject, values)
                elif days <= subject_requests.DUE_SOON_DAYS:
                    yield Finding("dsr_due_soon", subject, {**values, "days": days})
            if row["extended_at"] is not None and (row["told_on"] is None or row["told_on"] > due):
                yield Finding("dsr_extension_not_notified", subject, {**values, "due": due})
            if row["status"] == "answered" and row["verified_at"] is None:
                yield Finding("dsr_identity_unverified", subject, values)
