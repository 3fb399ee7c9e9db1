"""The audit trail still proves what was done (GDPR Art. 5(2), 32(1)(b)): every hour and
whenever the server starts, every entry is verified under the trail key, with the head
recorded outside the database.

A break is a critical finding and one mail to the advisers (when `[mail]` is set). Vern
does not go on chaining onto it: the trail begins a new segment after the last intact
entry (audits.core.trail.keep_recording), and the break stays on record for good.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from audits.checking.api import Check, CheckContext, Finding, Rule, Severity
from audits.core import clock, trail, trail_chain
from audits.core.errors import VernError
from audits.core.i18n import Text
from audits.io import mail

log = logging.getLogger(__name__)

RULES = (
    Rule(
        "trail_broken", Severity.critical, "Art. 5(2), 32(1)(b)",
        Text("Revisjonssporet er brutt", "The audit trail is broken"),
        Text("{words_nb} Vern fører sporet videre i et nytt segment fra oppføring {resumed}.",
             "{words_en} Vern records on in a new segment from entry {resumed}."),
        Text("Noen har skrevet i databasefilen utenom Vern. Kjør vern trail verify, finn ut hvem som hadde "
             "tilgang til filen, ta vare på en kopi av databasen, nøkkelfilen og hodefilen, og vurder om "
             "dette er et avvik som skal meldes (art. 33).",
             "Someone wrote to the database file outside Vern. Run vern trail verify, find out who had access "
             "to the file, keep a copy of the database, the key file and the head file, and judge whether "
             "this is a breach to notify (Art. 33)."),
    ),
)


def compose(found: trail_chain.Break, now: datetime) -> tuple[str, str]:
    """(subject, body) in bokmål and English: entry numbers and instants only."""
    subject = "Vern: revisjonssporet er brutt / the audit trail is broken"
    body = [
        trail_chain.words(found, "nb"),
        f"Oppdaget {clock.show(now)}, norsk tid. Vern fører sporet videre i et nytt segment fra "
        f"oppføring {found.resumed_at}.",
        RULES[0].remedy("nb"),
        "",
        trail_chain.words(found, "en"),
        f"Found {clock.show(now)}, Oslo time. Vern records on in a new segment from entry {found.resumed_at}.",
        RULES[0].remedy("en"),
    ]
    return subject, "\n".join(body) + "\n"


def alert(ctx: CheckContext, breaks: list[trail_chain.Break]) -> None:
    """One mail per break, recorded in the trail once the server took it; a failed send is
    tried again by the next run."""
    if not mail.configured(ctx.mail):
        return
    done = {row["object"] for row in ctx.store.rows("SELECT object FROM trail WHERE action = 'trail.alert'")}
    for found in breaks:
        if found.resumed_at is None or str(found.resumed_at) in done:
            continue
        subject, body = compose(found, ctx.now)
        try:
            mail.send(ctx.mail, list(ctx.mail["advisers"]), subject, body)
        except VernError as error:
            log.warning("the audit-trail alert was not sent: %s", error)
            return
        trail.record(ctx.store, ctx.actor, "trail.alert", str(found.resumed_at),
                     {"after": found.after, "advisers": len(ctx.mail["advisers"])})


class TrailCheck(Check):
    id = "trail"
    title = Text("Revisjonssporet", "The audit trail")
    area = "trail"
    schedule = "0 * * * *"
    run_at_start = True
    rules = RULES

    def collect(self, ctx: CheckContext) -> int:
        self.verdict = trail.keep_recording(ctx.store)
        alert(ctx, self.verdict.breaks)
        return self.verdict.entries

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        for found in self.verdict.breaks:
            resumed = found.resumed_at if found.resumed_at is not None else "—"
            yield Finding("trail_broken", f"#{resumed}", {
                "after": found.after, "resumed": resumed, "break": found.problem.kind,
                "words_nb": trail_chain.words(found, "nb"), "words_en": trail_chain.words(found, "en")})
