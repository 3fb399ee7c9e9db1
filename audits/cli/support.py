"""What every `vern` command shares: errors as messages, JSON output, the open Vern, the actor."""

import getpass
import json
import sys
from pathlib import Path

import click
import duckdb

from audits.core.errors import VernError
from audits.runtime import Vern, open_vern


class VernGroup(click.Group):
    """Turns a VernError anywhere below into a message and exit 1, and so a database the
    store cannot read (changed outside Vern): never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except VernError as error:
            click.echo(f"vern: {error}", err=True)
            sys.exit(1)
        except duckdb.Error as error:  # its text may quote stored values: only its kind is shown
            click.echo(f"vern: the database could not do this ({type(error).__name__}); if it was changed "
                       "outside Vern, restore it, with its key file, from a backup", err=True)
            sys.exit(1)


def print_json(value) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def open_from(ctx) -> Vern:
    """Open the database named by the global options, once per command."""
    root = ctx.find_root()
    vern = root.obj.get("vern")
    if vern is None:
        vern = root.obj["vern"] = open_vern(root.obj["db"], root.obj["config"])
        root.call_on_close(vern.close)
    return vern


def write_file(out, content: bytes) -> Path:
    """Write what a command produced; a path that cannot be written is a message, not a traceback."""
    path = Path(out)
    try:
        path.write_bytes(content)
    except OSError as error:
        raise VernError(f"cannot write {out}: {error.strerror or error}") from None
    return path


def actor() -> str:
    """Who acts from the command line, as the audit trail records it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
