"""Marketing only with consent, and never after an opt-out (GDPR Art. 6(1)(a), 7(1), 7(3),
21(3); markedsføringsloven § 15 for email): every marketing send in the campaign logs is
judged against the consent register at the instant it was sent. Service mail (booking
confirmations) is not marketing and is never judged.

Files dropped into data/inbox/consent/consents/ (the register, replacing the imported
rows) and data/inbox/consent/campaigns/ (send logs, added) are imported before judging.
"""

from collections.abc import Iterable

from audits.checking.api import Check, CheckContext, Finding, Rule, Severity
from audits.consent import register as consent
from audits.core import clock
from audits.core.errors import VernError
from audits.core.i18n import Message, Text, joined
from audits.io import inbox

RULES = (
    Rule(
        "marketing_without_consent", Severity.high, "Art. 6(1)(a), 7(1)",
        Text("Markedsføring uten samtykke", "Marketing without consent"),
        Text("{subject}: {count} utsendelser til {people} personer som ikke hadde gyldig samtykke til "
             "formålet da de ble sendt, {first}–{last}.",
             "{subject}: {count} sends to {people} people who held no valid consent for the purpose "
             "when they were sent, {first} to {last}."),
        Text("Stans kampanjen, bygg mottakerlisten fra samtykkeregisteret, og finn ut hvordan personer "
             "uten samtykke kom med på den.",
             "Stop the campaign, build its recipient list from the consent register, and find out how "
             "people without consent got onto it."),
    ),
    Rule(
        "marketing_after_opt_out", Severity.high, "Art. 7(3), 21(3)",
        Text("Markedsføring etter reservasjon", "Marketing after opt-out"),
        Text("{subject}: {count} utsendelser til {people} personer etter at de hadde trukket samtykket, "
             "{first}–{last}.",
             "{subject}: {count} sends to {people} people after they had withdrawn their consent, "
             "{first} to {last}."),
        Text("Fjern dem som har trukket samtykket fra listen nå, og rett overføringen fra "
             "samtykkeregisteret til utsendelsesverktøyet: en reservasjon skal gjelde fra neste utsendelse.",
             "Remove those who withdrew from the list now, and fix the sync from the consent register "
             "to the mailing tool: an opt-out must hold from the next send on."),
    ),
)
EMPTY_PURPOSE = Text("service_purposes: et formål kan ikke være tomt", "service_purposes: a purpose must not be empty")
FOLDERS = (("consents", consent.import_consents), ("campaigns", consent.import_campaigns))


class ConsentCheck(Check):
    id = "consent"
    title = Text("Samtykke og reservasjon", "Consent and opt-out")
    area = "consent"
    area_rank = 60
    schedule = "30 7 * * *"
    settings = {
        # Purposes of mail that is not marketing (booking confirmations): never judged.
        "service_purposes": ["service"],
    }
    rules = RULES

    @classmethod
    def check_settings(cls, settings: dict) -> None:
        if any(not purpose.strip() for purpose in settings["service_purposes"]):
            raise ValueError(Message(EMPTY_PURPOSE))

    def collect(self, ctx: CheckContext) -> int:
        """Import what was dropped (the register first); return the marketing sends judged."""
        failed = []
        for kind, load in FOLDERS:
            failed += [Message("inbox.in_folder", {"folder": kind, "refusal": refusal}) for refusal in inbox.import_each(
                ctx.inbox / kind, lambda path, load=load: load(ctx.store, path, ctx.actor), "*.csv")]
        if failed:
            raise VernError(Text("samtykkefiler avvist, flyttet til failed/: {files}",
                                 "consent files refused, moved to failed/: {files}"), files=joined(failed))
        return consent.marketing_sends(ctx.store, ctx.settings["service_purposes"])

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        for row in consent.violations(ctx.store, ctx.settings["service_purposes"]):
            yield Finding(row["rule"], f"{row['campaign']} ({row['purpose']})", {
                "campaign": row["campaign"], "purpose": row["purpose"], "count": int(row["sends"]),
                "people": int(row["people"]), "first": clock.show(row["first"]), "last": clock.show(row["last"]),
                "first_at": clock.iso_utc(row["first"]), "last_at": clock.iso_utc(row["last"])})
