"""`vern import consents`, `vern import campaigns` and `vern consent summary`: the consent
register, the campaign send logs, and what the sends look like against it (aggregates)."""

from pathlib import Path

import click

from audits.cli.support import actor, open_from, print_json
from audits.consent import register as consent
from audits.core import clock


@click.command("consents")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def import_consents(ctx, file):
    """Replace the imported consents with FILE (CSV: email, purpose, given_at, withdrawn_at[, source]).

    Withdrawals recorded from data-subject requests are kept."""
    vern = open_from(ctx)
    click.echo(f"{file}: imported {consent.import_consents(vern.store, file, actor())} consents")


@click.command("campaigns")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def import_campaigns(ctx, file, as_json):
    """Add the sends in FILE (CSV: email, campaign, purpose, sent_at); sends already stored are skipped."""
    vern = open_from(ctx)
    result = consent.import_campaigns(vern.store, file, actor())
    if as_json:
        return print_json({"read": result.read, "added": result.added})
    click.echo(f"{file}: {result.read} sends read, {result.added} new")


@click.group("consent")
def consent_group():
    """The consent register and the marketing sends judged against it."""


@consent_group.command("summary")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def consent_summary(ctx, as_json):
    """Consents per purpose (valid now, withdrawn) and sends per campaign, with the sends
    breaking each rule. Counts only: no person is named."""
    vern = open_from(ctx)
    found = consent.summary(vern.store, vern.config.check("consent")["service_purposes"], clock.now())
    if as_json:
        for row in found["campaigns"]:
            row["first"], row["last"] = clock.iso_utc(row["first"]), clock.iso_utc(row["last"])
        return print_json(found)
    for row in found["consents"]:
        click.echo(f"{row['purpose']:<24} valid {row['valid']:>7}  withdrawn {row['withdrawn']:>7}")
    for row in found["campaigns"]:
        click.echo(f"{row['campaign']} ({row['purpose']}), {row['kind']}: {row['sends']} sends to "
                   f"{row['people']} people, {clock.show(row['first'])}–{clock.show(row['last'])}; "
                   f"without consent {row['marketing_without_consent']}, "
                   f"after opt-out {row['marketing_after_opt_out']}")
    click.echo(f"opt-outs from data-subject requests: {found['request_withdrawals']} people")


def register(cli: click.Group) -> None:
    cli.commands["import"].add_command(import_consents)
    cli.commands["import"].add_command(import_campaigns)
    cli.add_command(consent_group)
