"""What every `vern` command shares: errors as messages, JSON output, the open Vern, the actor."""

import dataclasses
import getpass
import json
import sys
from pathlib import Path

import click
import duckdb

from audits.core.errors import VernError, os_reason
from audits.core.i18n import t
from audits.runtime import Vern, open_vern


class VernGroup(click.Group):
    """Turns a VernError anywhere below into a message in the reader's language and exit 1, and
    so a database the store cannot read (changed outside Vern): never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except VernError as error:
            click.echo(f"vern: {error.text(language(ctx))}", err=True)
            sys.exit(1)
        except duckdb.Error as error:  # its text may quote stored values: only its kind is shown
            click.echo(f"vern: {t('cli.database_error', language(ctx), kind=type(error).__name__)}", err=True)
            sys.exit(1)


def language(ctx) -> str:
    """The reader's language: --lang (or VERN_LANG), else the configuration's, else bokmål."""
    obj = ctx.find_root().obj or {}
    if obj.get("lang"):
        return obj["lang"]
    vern = obj.get("vern")
    return vern.config.language if vern else "nb"


def print_json(value) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def open_from(ctx) -> Vern:
    """Open the database named by the global options, once per command."""
    root = ctx.find_root()
    vern = root.obj.get("vern")
    if vern is None:
        vern = open_vern(root.obj["db"], root.obj["config"])
        if root.obj.get("lang"):  # --lang speaks for this command, whatever the configuration says
            vern.config = dataclasses.replace(vern.config, language=root.obj["lang"])
        root.obj["vern"] = vern
        root.call_on_close(vern.close)
    return vern


def write_file(out, content: bytes) -> Path:
    """Write what a command produced; a path that cannot be written is a message, not a traceback."""
    path = Path(out)
    try:
        path.write_bytes(content)
    except OSError as error:
        raise VernError("cli.cannot_write", path=str(out), why=os_reason(error)) from None
    return path


def actor() -> str:
    """Who acts from the command line, as the audit trail records it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
