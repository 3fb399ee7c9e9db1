"""`vern backup create|verify|restore|list`: backups of the database and its key file."""

from pathlib import Path

import click

from audits.cli.support import actor, language, open_from, print_json
from audits.core import clock
from audits.core.errors import VernError
from audits.core.i18n import t
from audits.core.store import DatabaseBusy
from audits.runtime import database_path, load_config


@click.group("backup")
def backup_group():
    """Encrypted backups of the database and its key file ([backup] in vern.toml)."""


def _config(ctx):
    root = ctx.find_root().obj
    return load_config(root["db"], root["config"])[0]


def _rows(manifest: dict) -> int:
    return sum(manifest["tables"].values())


@backup_group.command("create")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def backup_create(ctx, as_json):
    """A backup now, into the backup folder. While `vern serve` runs, it takes them itself."""
    from audits.backups import taking

    try:
        vern = open_from(ctx)
    except DatabaseBusy as busy:
        raise VernError("backups.server_runs", pid=busy.message.values["pid"]) from None
    made = taking.take(vern.store, vern.config, "cli", actor())
    if as_json:
        print_json(made.summary())
        return
    click.echo(t("backups.made", language(ctx), path=str(made.path), bytes=made.bytes,
                 rows=sum(made.tables.values()), tables=len(made.tables)))


@backup_group.command("verify")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def backup_verify(ctx, path, as_json):
    """Decrypt, check every hash, restore into a temporary place, verify the audit trail and
    compare row counts; exit 0 only when all hold."""
    from audits.backups import taking

    config = _config(ctx)
    store, recorded = None, True
    if database_path(ctx.find_root().obj["db"]).exists():  # recorded for the `backups` check where it can be
        try:
            store = open_from(ctx).store
        except DatabaseBusy:
            recorded = False
    manifest = taking.verify(store, config, path, "cli", actor())
    if as_json:
        print_json({"path": str(path), "ok": True, "created_at": manifest["created_at"],
                    "schema_version": manifest["schema_version"], "tables": manifest["tables"],
                    "trail_head": manifest["trail_head"], "recorded": recorded and store is not None})
        return
    lang = language(ctx)
    head = manifest["trail_head"]
    click.echo(t("backups.verified", lang, path=str(path), rows=_rows(manifest), tables=len(manifest["tables"]),
                 seq=head["seq"] if head else 0, at=clock.show(clock.instant(manifest["created_at"]), lang)))
    if not recorded:
        click.echo(t("backups.not_recorded", lang))


@backup_group.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--to", "to", required=True, type=click.Path(path_type=Path), help="The new database file.")
@click.pass_context
def backup_restore(ctx, path, to):
    """Restore a backup as a new database with its key file beside it; never over a file."""
    from audits.backups import archive, taking

    archive.restore(path, taking.passphrase(_config(ctx)), to)
    click.echo(t("backups.restored", language(ctx), database=str(to), key_file=str(to.with_suffix(".key"))))


@backup_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def backup_list(ctx, as_json):
    """The backups in the backup folder, newest first."""
    from audits.backups import archive, taking

    folder = _config(ctx).backup["folder"]
    found = taking.backups(folder)
    if as_json:
        print_json([{"path": str(p), "taken_at": clock.iso_utc(archive.taken_at(p)), "bytes": p.stat().st_size}
                    for p in found])
        return
    lang = language(ctx)
    if not found:
        click.echo(t("backups.list.none", lang, folder=str(folder)))
    for p in found:
        click.echo(t("backups.listed", lang, at=clock.show(archive.taken_at(p), lang), path=str(p),
                     bytes=p.stat().st_size))


def register(cli: click.Group) -> None:
    cli.add_command(backup_group)
