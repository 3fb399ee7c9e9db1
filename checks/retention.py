"""Deletion when the purpose ends (GDPR Art. 5(1)(e)): the records each system holds, from
its inventory, judged against the retention rules of the processing activities."""

from collections.abc import Iterable

from audits.checking.api import Check, CheckContext, Finding, Rule, Severity
from audits.core.errors import VernError
from audits.core.i18n import LANGUAGES, Message, Text, catalogue, joined, t
from audits.io import inbox
from audits.retention import register as retention

RULES = (
    Rule(
        "retention_overdue", Severity.high, "Art. 5(1)(e), 17(1)(a)",
        Text("Lagret for lenge", "Kept too long"),
        Text("{system} – {category_nb}: {count} poster er over lagringstiden; eldste frist {oldest}.",
             "{system} – {category_en}: {count} records are past their retention; oldest due {oldest}."),
        Text("Slett postene og registrer slettingen.", "Delete the records and record the deletion."),
    ),
    Rule(
        "retention_rule_missing", Severity.medium, "Art. 5(1)(e), 30(1)(f)",
        Text("Lagringstid mangler", "Retention rule missing"),
        Text("{system} – {category_nb}: {count} poster i en kategori uten lagringsregel.",
             "{system} – {category_en}: {count} records in a category with no retention rule."),
        Text("Knytt kategorien til en behandlingsaktivitet med lagringstid.",
             "Link the category to a processing activity with a retention period."),
    ),
)


def category_name(category: str, lang: str) -> str:
    """A record category by its name where the catalogue has one, else as the inventory wrote it."""
    key = f"record_category.{category}"
    return t(key, lang) if key in catalogue() else category


class RetentionCheck(Check):
    id = "retention"
    title = Text("Lagringstid og sletting", "Retention and deletion")
    area = "retention"
    area_rank = 40
    schedule = "0 7 * * *"
    rules = RULES

    def collect(self, ctx: CheckContext) -> int:
        """Inventories dropped into data/inbox/retention/<system name>/*.csv, each imported
        as the system's new snapshot; a refused file goes to failed/, the others still land."""
        refused = inbox.refused(ctx.inbox)  # a linked system folder is never read
        for path, _ in refused:
            inbox.move(path, ctx.inbox / "failed", inbox.stamp())
        failed = [Message("inbox.refused", {"name": path.name, "why": why}) for path, why in refused]
        for folder in (p for p in inbox.files(ctx.inbox) if p.is_dir()):
            failed += [Message("inbox.in_folder", {"folder": folder.name, "refusal": refusal}) for refusal in inbox.import_each(
                folder, lambda path, system=folder.name: retention.import_inventory(ctx.store, path, system, ctx.actor),
                "*.csv")]
        if failed:
            raise VernError(Text("lageroversikter avvist, flyttet til failed/: {files}",
                                 "inventories refused, moved to failed/: {files}"), files=joined(failed))
        return ctx.store.value("SELECT count(*) FROM inventory")

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        for row in retention.summary(ctx.store, ctx.today):
            values = {"system": row["system"], "category": row["category"],
                      **{f"category_{lang}": category_name(row["category"], lang) for lang in LANGUAGES}}
            subject = retention.subject(row["system"], row["category"])
            if not row["has_rule"]:
                yield Finding("retention_rule_missing", subject, {**values, "count": row["records"]},
                              record_category=row["category"])
            elif row["overdue"]:
                yield Finding("retention_overdue", subject,
                              {**values, "count": row["overdue"], "oldest": row["oldest"]},
                              record_category=row["category"])
