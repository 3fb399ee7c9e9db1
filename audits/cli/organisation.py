"""`vern organisation …`: the organisation's profile, named in every breach document."""

import click

from audits.cli.support import actor, open_from, print_json
from audits.core.errors import InputError, VernError
from audits.core.i18n import Message, t
from audits.io import jsonfile
from audits.organisation import profile


@click.group("organisation")
def organisation_group():
    """The organisation and its privacy contact point (Art. 33(3)(b))."""


@organisation_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def organisation_show(ctx, as_json):
    """The profile in force, and what a notification still needs."""
    vern = open_from(ctx)
    current = profile.load(vern.store, vern.config)
    if as_json:
        return print_json(current)
    lang = vern.config.language
    for key in profile.FIELDS:
        click.echo(f"{t(f'organisation.field.{key}', lang)}: {current[key] or t('organisation.none', lang)}")
    click.echo(f"{t('organisation.chapters', lang)}:")
    for chapter in current["chapters"]:
        click.echo("  " + ", ".join(chapter[key] for key in profile.CHAPTER_FIELDS if chapter[key]))
    missing = profile.missing(current)
    fields = ", ".join(t(f"organisation.gap.{key}", lang) for key in missing)
    click.echo(t("organisation.missing", lang, fields=fields) if missing else t("organisation.complete", lang))


@organisation_group.command("set")
@click.option("--file", "file", required=True, help="The whole profile as JSON (as show --json prints it); - reads "
              "standard input. A field left out is emptied.")
@click.pass_context
def organisation_set(ctx, file):
    """Replace the profile; the audit trail names the fields changed."""
    vern = open_from(ctx)
    values = jsonfile.read(file, Message("json.what.organisation"))
    try:
        print_json(profile.save(vern.store, vern.config, actor(), values))
    except VernError as error:  # the file named, then the field and what is wrong with it
        raise InputError(str(file), [error.message]) from None


def register(cli: click.Group) -> None:
    cli.add_command(organisation_group)
