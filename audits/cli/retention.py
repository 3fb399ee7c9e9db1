"""`vern import inventory` and `vern retention`: what each system holds against the
retention rules, and the deletions that answer them."""

from pathlib import Path

import click

from audits.cli.support import actor, open_from, print_json
from audits.core import clock
from audits.retention import register as retention


def _summary_json(row: dict) -> dict:
    return {"system": row["system"], "category": row["category"], "records": row["records"],
            "overdue": row["overdue"], "oldest_due": row["oldest"].isoformat() if row["oldest"] else None,
            "exempt": row["exempt"], "rules": row["rules"]}


def _deletion_json(row: dict) -> dict:
    return {"id": row["id"], "system": row["system"], "category": row["category"],
            "deleted_on": row["deleted_on"].isoformat(), "count": row["count"], "evidence": row["evidence"],
            "recorded_by": row["recorded_by"], "recorded_at": clock.iso_utc(row["recorded_at"]),
            "checked_at": clock.iso_utc(row["checked_at"]), "remaining": row["remaining"],
            "status": row["status"]}


def _rule_text(rules: list[dict]) -> str:
    if not rules:
        return "no retention rule"
    return "; ".join(f"{r['months']} months from {r['from']} ({r['activity']})" for r in rules)


def _status_text(row: dict) -> str:
    if row["status"] == "not_confirmed":
        return f"not confirmed ({row['remaining']} remain)"
    return {"confirmed": "confirmed", "awaiting": "awaiting the next inventory"}[row["status"]]


@click.command("inventory")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--system", required=True, help="The system the inventory is of (a name in the system list).")
@click.pass_context
def import_inventory(ctx, file, system):
    """Replace SYSTEM's inventory with FILE (CSV: record_ref, category, last_activity_on
    [, purpose_ended_on, pseudonymised])."""
    vern = open_from(ctx)
    result = retention.import_inventory(vern.store, file, system, actor())
    click.echo(f"{file}: imported {result.records} records of {system}"
               + (f"; {result.deletions_checked} recorded deletion(s) checked" if result.deletions_checked else ""))


@click.group("retention")
def retention_group():
    """Records kept past their retention, and the deletions recorded against them."""


@retention_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def retention_list(ctx, as_json):
    """Per system and category: records, overdue, the oldest due date, the rule."""
    rows = [_summary_json(r) for r in retention.summary(open_from(ctx).store, clock.today())]
    if as_json:
        return print_json(rows)
    if not rows:
        click.echo("no inventory imported yet: vern import inventory FILE --system NAME", err=True)
    for r in rows:
        overdue = f"{r['overdue']} overdue since {r['oldest_due']}" if r["overdue"] else "none overdue"
        click.echo(f"{retention.subject(r['system'], r['category'])}: {r['records']} records, {overdue}; "
                   f"{_rule_text(r['rules'])}")


@retention_group.command("delete")
@click.option("--system", required=True, help="The system the records were deleted from.")
@click.option("--category", required=True, help="The inventory category of the records.")
@click.option("--on", "deleted_on", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="The day they were deleted (YYYY-MM-DD, not in the future).")
@click.option("--count", required=True, type=int, help="How many records were deleted.")
@click.option("--evidence", required=True, help="How the deletion can be shown (job log, ticket, ...).")
@click.pass_context
def retention_delete(ctx, system, category, deleted_on, count, evidence):
    """Record a deletion; the system's next inventory confirms it."""
    vern = open_from(ctx)
    deletion = retention.record_deletion(vern.store, actor(), system, category, deleted_on.date(), count, evidence)
    click.echo(f"deletion {deletion} recorded; the next inventory of {system} confirms it")


@retention_group.command("deletions")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def retention_deletions(ctx, as_json):
    """Recorded deletions, newest first, with whether an inventory confirmed them."""
    rows = retention.deletions(open_from(ctx).store)
    if as_json:
        return print_json([_deletion_json(r) for r in rows])
    for r in rows:
        click.echo(f"{r['id']:>4}  {r['deleted_on']}  {retention.subject(r['system'], r['category'])}: "
                   f"{r['count']} deleted; {_status_text(r)}")


def register(cli: click.Group) -> None:
    cli.commands["import"].add_command(import_inventory)
    cli.add_command(retention_group)
