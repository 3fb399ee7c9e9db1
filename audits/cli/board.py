"""`vern report board`: the board's compliance summary as a PDF, or its numbers as JSON."""

from pathlib import Path

import click

from audits.cli.support import actor, open_from, print_json, write_file
from audits.core import trail
from audits.core.i18n import LANGUAGES
from audits.reporting import board


@click.command("board")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.pdf",
              help="Write the PDF here.")
@click.option("--lang", type=click.Choice(LANGUAGES), help="bokmål (nb) or English (en); default from configuration.")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON only.")
@click.pass_context
def board_command(ctx, out, lang, as_json):
    """The board's summary: scores per area with their trend, breaches per quarter, notified
    within 72 hours, training coverage, agreements in order, retention overruns, data-subject
    requests answered on time. Aggregates only."""
    from audits.reporting import board_pdf  # imported here: it loads reportlab (0.2 s)

    if out is None and not as_json:
        raise click.UsageError("give --out FILE.pdf, --json, or both")
    vern = open_from(ctx)
    data = board.summary(vern)
    if out is not None:
        lang = lang or vern.config.language
        write_file(out, board_pdf.pdf_bytes(data, lang))
        trail.record(vern.store, actor(), "export", "board-summary.pdf", {"lang": lang})
        if not as_json:
            click.echo(f"{out}: board summary ({lang}) as of {data['today']}")
    if as_json:
        print_json(data)


def register(cli: click.Group) -> None:
    cli.commands["report"].add_command(board_command)
