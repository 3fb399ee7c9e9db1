"""`vern import activities` and `vern activities ...`: the record of processing activities."""

import json
import sys
from pathlib import Path

import click

from audits.activities import files as activity_files
from audits.activities import register as activities
from audits.activities.risk import LEVELS
from audits.cli.support import actor, open_from, print_json, write_file


@click.command("activities")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def import_activities(ctx, file):
    """Replace the record of processing activities with FILE (.json or .csv)."""
    vern = open_from(ctx)
    click.echo(f"{file}: imported {activities.import_file(vern.store, file, actor())} activities")


@click.group("activities")
def activities_group():
    """The record of processing activities (Art. 30) and its risk assessment."""


def _json(record: dict) -> dict:
    return json.loads(json.dumps(record, default=str))


@activities_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def list_activities(ctx, as_json):
    """Every activity (the import's JSON form, with its id)."""
    vern = open_from(ctx)
    records = activities.listing(vern.store)
    if as_json:
        return print_json([_json(r) for r in records])
    for record in records:
        click.echo(f"{record['id']:>4}  {record['role']:<10} {record['classification'] or '-':<22} "
                   f"{record['name']}")
    click.echo(f"{len(records)} activities", err=True)


@activities_group.command("show")
@click.argument("activity_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def show_activity(ctx, activity_id, as_json):
    """One activity with its DPIA screening and its risk (inherent and residual)."""
    vern = open_from(ctx)
    record = activities.described(vern.store, [activities.get(vern.store, activity_id)],
                                  "en" if as_json else vern.config.language)[0]
    if as_json:
        return print_json(_json(record))
    risk = record["risk"]
    click.echo(f"{record['name']} ({record['role']})\n  purpose: {record['purpose'] or '-'}\n"
               f"  DPIA criteria met: {record['dpia_criteria_met']} (DPIA required: "
               f"{'yes' if record['dpia_required'] else 'no'}, status {record['dpia_status']})")
    for kind in ("inherent", "residual"):
        click.echo(f"  {kind} risk: {risk[kind]['level']} (likelihood {risk[kind]['likelihood']}, "
                   f"severity {risk[kind]['severity']})")
        for reason in risk[kind]["reasons"]:
            click.echo(f"    - {reason}")


@activities_group.command("export")
@click.option("--format", "fmt", type=click.Choice(("json", "csv", "xlsx")), default="json", show_default=True,
              help="json or csv (both read back by `vern import activities`), or xlsx for Excel.")
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file (default: stdout).")
@click.pass_context
def export_activities(ctx, fmt, out):
    """The register in the form `vern import activities` reads back (json, csv), or for Excel (xlsx)."""
    vern = open_from(ctx)
    records = activities.listing(vern.store)
    if fmt == "json":
        data = activity_files.to_json(records).encode()
    else:
        data = activity_files.to_csv(records) if fmt == "csv" else activity_files.to_xlsx(records)
    if out is None:
        sys.stdout.buffer.write(data)
        return
    write_file(out, data)
    click.echo(f"{out}: {len(records)} activities", err=True)


@activities_group.command("adjust")
@click.argument("activity_id", type=int)
@click.option("--likelihood", type=click.Choice(LEVELS), help="The likelihood you judge it to have.")
@click.option("--severity", type=click.Choice(LEVELS), help="The severity you judge it to have.")
@click.option("--reason", default="", help="Why (required unless --clear).")
@click.option("--clear", is_flag=True, help="Go back to the computed inherent risk.")
@click.pass_context
def adjust_activity(ctx, activity_id, likelihood, severity, reason, clear):
    """Adjust the inherent risk the register computes, with a written reason."""
    vern = open_from(ctx)
    if clear:
        likelihood = severity = None
    elif not (likelihood and severity):
        raise click.UsageError("give --likelihood and --severity (or --clear)")
    activities.adjust(vern.store, activity_id, likelihood, severity, reason, actor())
    print_json(_json(activities.described(vern.store, [activities.get(vern.store, activity_id)])[0]["risk"]))


@activities_group.command("remove")
@click.argument("activity_id", type=int)
@click.pass_context
def remove_activity(ctx, activity_id):
    """Take an activity out of the register."""
    vern = open_from(ctx)
    activities.remove(vern.store, activity_id, actor())
    click.echo(f"activity {activity_id} removed")


def register(cli: click.Group) -> None:
    cli.commands["import"].add_command(import_activities)
    cli.add_command(activities_group)
