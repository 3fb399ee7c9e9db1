"""Deletion when the purpose ends (GDPR Art. 5(1)(e)): the records each system holds, from
its inventory, judged against the retention rules of the processing activities."""

from collections.abc import Iterable
from pathlib import Path

from audits import inbox, retention
from audits.checks import Check, CheckContext, Finding, Rule, Severity
from audits.errors import VernError
from audits.i18n import Text

RULES = (
    Rule(
        "retention_overdue", Severity.high, "Art. 5(1)(e), 17(1)(a)",
        Text("Lagret for lenge", "Kept too long"),
        Text("{subject}: {count} poster er over lagringstiden; eldste frist {oldest}.",
             "{subject}: {count} records are past their retention; oldest due {oldest}."),
        Text("Slett postene og registrer slettingen.", "Delete the records and record the deletion."),
    ),
    Rule(
        "retention_rule_missing", Severity.medium, "Art. 5(1)(e), 30(1)(f)",
        Text("Lagringstid mangler", "Retention rule missing"),
        Text("{subject}: {count} poster i en kategori uten lagringsregel.",
             "{subject}: {count} records in a category with no retention rule."),
        Text("Knytt kategorien til en behandlingsaktivitet med lagringstid.",
             "Link the category to a processing activity with a retention period."),
    ),
)


class RetentionCheck(Check):
    id = "retention"
    title = Text("Lagringstid og sletting", "Retention and deletion")
    area = "retention"
    schedule = "0 7 * * *"
    rules = RULES

    def collect(self, ctx: CheckContext) -> int:
        """Inventories dropped into data/inbox/retention/<system name>/*.csv, each imported
        as the system's new snapshot; a refused file goes to failed/, the others still land."""
        failed = []
        if ctx.inbox.is_dir():
            for folder in sorted(p for p in ctx.inbox.iterdir() if p.is_dir() and not p.name.startswith(".")):
                for path in sorted(folder.glob("*.csv")):
                    failed += _import_dropped(ctx, folder.name, path)
        if failed:
            raise VernError("inventories refused, moved to failed/: " + "; ".join(failed))
        return ctx.store.value("SELECT count(*) FROM inventory")

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        for row in retention.summary(ctx.store, ctx.today):
            values = {"system": row["system"], "category": row["category"]}
            subject = retention.subject(row["system"], row["category"])
            if not row["has_rule"]:
                yield Finding("retention_rule_missing", subject, {**values, "count": row["records"]})
            elif row["overdue"]:
                yield Finding("retention_overdue", subject,
                              {**values, "count": row["overdue"], "oldest": row["oldest"].isoformat()})


def _import_dropped(ctx: CheckContext, system: str, path: Path) -> list[str]:
    stamp = inbox.stamp()
    try:
        retention.import_inventory(ctx.store, path, system, ctx.actor)
    except VernError as error:
        inbox.move(path, path.parent / "failed", stamp)
        return [f"{system}/{path.name}: {str(error).splitlines()[-1].strip()}"]
    inbox.move(path, path.parent / "imported", stamp)
    return []
