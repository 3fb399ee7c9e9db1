"""`vern alerts ...`: the alert channels from the command line."""

import click

from audits.cli.support import open_from, print_json
from audits.core.errors import VernError
from audits.core.i18n import t


@click.group("alerts")
def alerts_group():
    """Alerts to the privacy advisers: mail and chat channels."""


@alerts_group.command("test")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def alerts_test(ctx, as_json):
    """Send a test message to every channel and say how each went (exit 1 if any failed)."""
    from audits.alerts import outbox  # imported here: httpx is for sending only

    vern = open_from(ctx)
    lang = vern.config.language
    results = outbox.test(vern.config)
    if as_json:
        print_json([{"channel": name, "sent": problem is None, "problem": problem} for name, problem in results])
    else:
        for name, problem in results:
            said = t("alerts.test.sent", lang) if problem is None else t("alerts.test.failed", lang, problem=problem)
            click.echo(f"{name}: {said}")
    if not results:
        raise VernError("alerts.test.none")
    if any(problem for _, problem in results):
        raise VernError("alerts.test.some_failed", n=sum(1 for _, problem in results if problem))


def register(cli: click.Group) -> None:
    cli.add_command(alerts_group)
