"""The record of processing activities (GDPR Art. 30), its DPIA screening (Art. 35, WP248)
and its risk reviews."""

from collections.abc import Iterable

from audits.checks import Check, CheckContext, Finding, Rule, Severity
from audits.i18n import Text

RULES = (
    Rule(
        "ropa_incomplete", Severity.medium, "Art. 30(1)",
        Text("Protokollen er ufullstendig", "Record incomplete"),
        Text("{subject}: mangler {missing}.", "{subject}: lacks {missing}."),
        Text("Fyll ut det som mangler.", "Fill in what is missing."),
    ),
)


class ActivitiesCheck(Check):
    id = "activities"
    title = Text("Behandlingsprotokoll og risiko", "Record of processing and risk")
    area = "activities"
    schedule = "0 6 * * *"
    rules = RULES

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        return []
