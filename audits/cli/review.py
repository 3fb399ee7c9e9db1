"""`vern review ...`: the adviser's review queue from the command line."""

from datetime import date

import click

from audits.cli.support import actor, open_from, print_json
from audits.core import clock
from audits.reporting import digest, review


def _item_json(row: dict, lang: str) -> dict:
    return {"item": row["item"], "kind": row["kind"], "area": row["area"], "urgency": row["urgency"],
            "status": row["status"], "rule": row["rule"], "subject": row["subject"],
            "text": digest.item_text(row, lang), "due": clock.iso_utc(row["due"]),
            "since": clock.iso_utc(row["since"]), "reopened": row["reopened"], "assignee": row["assignee"],
            "assigned_due": row["assigned_due"].isoformat() if row["assigned_due"] else None}


@click.group("review")
def review_group():
    """The review queue: everything that wants a decision, most urgent first."""


@review_group.command("list")
@click.option("--area", help="Only this area (processors, access, training, activities, retention, consent, "
                             "breaches).")
@click.option("--kind", type=click.Choice(review.KINDS), help="Only this kind of item.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=review.LIMIT, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def review_list(ctx, area, kind, limit, as_json):
    """The queue, most urgent first."""
    vern = open_from(ctx)
    lang = "en" if as_json else vern.config.language
    found = review.queue(vern.store, vern.config, area, kind, limit)
    rows = [_item_json(row, lang) for row in found["items"]]
    if as_json:
        return print_json({"total": found["total"], "items": rows, "counts": found["counts"]})
    for row in rows:
        click.echo(f"{row['urgency']:<8} {row['status']:<13} {row['item'][:40]:<40} {row['text']}")
    click.echo(f"{len(rows)} of {found['total']} items", err=True)


def _day(value):
    return value.date() if value else None


@review_group.command("decide")
@click.argument("items", nargs=-1, required=True)
@click.option("--action", required=True, type=click.Choice(review.ACTIONS))
@click.option("--note", default="", help="What was done (resolved), or why (risk_accepted).")
@click.option("--assignee", help="The user to assign to (assigned).")
@click.option("--due", type=click.DateTime(["%Y-%m-%d"]), help="Due date of the assignment.")
@click.option("--review-on", type=click.DateTime(["%Y-%m-%d"]), help="Review date of an accepted risk.")
@click.pass_context
def review_decide(ctx, items, action, note, assignee, due, review_on):
    """Decide on ITEM... (all of one kind), as `vern review list` names them."""
    vern = open_from(ctx)
    due_on: date | None = _day(due)
    n = review.decide(vern.store, vern.config, actor(), list(items), action, note, assignee, due_on, _day(review_on))
    click.echo(f"{n} item(s): {action}")


@review_group.command("week")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def review_week(ctx, as_json):
    """What changed and was decided since the last review."""
    vern = open_from(ctx)
    week = review.this_week(vern.store)
    if as_json:
        return print_json({
            "since": clock.iso_utc(week["since"]), "counts": week["counts"],
            "breaches_logged": week["breaches_logged"],
            "changes": [{"fingerprint": c["fingerprint"], "check": c["check_id"], "rule": c["rule"],
                         "severity": c["severity"], "change": c["change"], "at": clock.iso_utc(c["happened_at"])}
                        for c in week["changes"]],
            "decisions": [{"item": d["item"], "action": d["action"], "actor": d["actor"],
                           "at": clock.iso_utc(d["decided_at"]), "note": d["note"], "assignee": d["assignee"],
                           "due_on": d["due_on"].isoformat() if d["due_on"] else None,
                           "review_on": d["review_on"].isoformat() if d["review_on"] else None}
                          for d in week["decisions"]]})
    click.echo(digest.markdown(vern, vern.config.language), nl=False)


@review_group.command("done")
@click.pass_context
def review_done(ctx):
    """Mark this week's review as held: "this week" starts again from now."""
    vern = open_from(ctx)
    click.echo(f"review held at {clock.show(review.hold(vern.store, actor()))}")


def register(cli: click.Group) -> None:
    cli.add_command(review_group)
