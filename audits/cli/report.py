"""`vern report ...`: the weekly digest for the advisers and the board's summary."""

from pathlib import Path

import click

from audits.cli.support import open_from, write_file
from audits.core.i18n import LANGUAGES
from audits.reporting import digest


@click.group("report")
def report_group():
    """Reports: the advisers' weekly digest, the board's summary."""


@report_group.command("digest")
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file (default: stdout).")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language (default from the configuration).")
@click.pass_context
def report_digest(ctx, out, lang):
    """The advisers' weekly digest as Markdown (what the scheduled mail sends)."""
    vern = open_from(ctx)
    text = digest.markdown(vern, lang or vern.config.language)
    if out is None:
        return click.echo(text, nl=False)
    write_file(out, text.encode())
    click.echo(f"{out}: weekly digest written", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(report_group)
