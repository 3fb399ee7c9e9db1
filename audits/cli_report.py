"""`vern report ...`: the weekly digest for the advisers and the board's summary."""

import click


@click.group("report")
def report_group():
    """Reports: the advisers' weekly digest, the board's summary."""


def register(cli: click.Group) -> None:
    cli.add_command(report_group)
