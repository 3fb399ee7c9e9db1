"""Marketing only with consent, and never after an opt-out (GDPR Art. 6(1)(a), 7(3), 21(3);
ekomloven § 3-6): campaign send logs judged against the consent register."""

from collections.abc import Iterable

from audits.checks import Check, CheckContext, Finding, Rule, Severity
from audits.i18n import Text

RULES = (
    Rule(
        "marketing_without_consent", Severity.high, "Art. 6(1)(a), 7(1)",
        Text("Markedsføring uten samtykke", "Marketing without consent"),
        Text("{subject}: {count} utsendelser uten gyldig samtykke.",
             "{subject}: {count} sends without a valid consent."),
        Text("Stans utsendelsene og rett mottakerlisten.", "Stop the sends and correct the recipient list."),
    ),
    Rule(
        "marketing_after_opt_out", Severity.high, "Art. 7(3), 21(3)",
        Text("Markedsføring etter reservasjon", "Marketing after opt-out"),
        Text("{subject}: {count} utsendelser etter at samtykket var trukket.",
             "{subject}: {count} sends after the consent was withdrawn."),
        Text("Fjern dem som har reservert seg fra listen.", "Remove those who opted out from the list."),
    ),
)


class ConsentCheck(Check):
    id = "consent"
    title = Text("Samtykke og reservasjon", "Consent and opt-out")
    area = "consent"
    schedule = "30 7 * * *"
    rules = RULES

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        return []
