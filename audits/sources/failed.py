"""A page or batch of pulled evidence the import refused: kept in the inbox's failed/ folder
for the adviser to look at (pages are not kept otherwise), and the failure that ends its
stream and fails the pull, naming the file and the import's reasons.

The stream stops at it, so every pull until it is mended fetches that page or batch again
and is refused again: its copy replaces the ones earlier pulls kept of the stream (named by
`named`: the pull's time, the source, the stream), or an hourly source would add a batch of
up to 64 MB to failed/ every hour."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from audits.core.errors import InputError
from audits.core.i18n import Message
from audits.io import inbox
from audits.sources.asking import SourceFailed

if TYPE_CHECKING:  # annotations only
    from audits.access.logs import Pending
    from audits.core.config import Config


def named(source: str, stream: str, rest: str) -> str:
    """A pulled page's or batch's name, should it be kept: the pull's time (UTC) first, as
    the inbox names what it moves; `rest` (a window's start, a page's number) begins with a
    digit, which tells `source-stream-…` apart from a source named `source-stream`."""
    return f"{inbox.stamp()}-{source}-{stream}-{rest}"


def kept(config: Config, inbox_folder: str, source: str, stream: str, files: dict[str, Path | bytes],
         refused: InputError) -> SourceFailed:
    """`files` (name -> the file or its content) copied to `<inbox>/<inbox_folder>/failed/`,
    in place of what earlier pulls kept of the stream; the failure names the ones the import
    refused (one, or the first few of a batch)."""
    folder = config.inbox / inbox_folder / "failed"
    folder.mkdir(parents=True, exist_ok=True)
    copy = re.compile(rf"\d{{8}}T\d{{6}}Z-{re.escape(f'{source}-{stream}')}-\d")  # as `named` names them (inbox.stamp)
    for earlier in folder.iterdir():
        if earlier.name not in files and copy.match(earlier.name) and earlier.is_file():  # not the adviser's folder
            earlier.unlink()
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            shutil.copyfile(content, folder / name)
    refused_names = ", ".join(Path(one).name for one in refused.source.split(", "))
    return SourceFailed(Message("sources.page_refused", {"source": source, "file": refused_names,
                                                         "folder": str(folder)}), refused)


def read_or_keep(pending: Pending, config: Config, source: str, stream: str, paths: list[Path]) -> None:
    """A batch of one stream's pulled files read into `pending` (the import of its format); a
    batch it refuses is kept (`kept`)."""
    try:
        pending.add(paths)
    except InputError as refused:
        raise kept(config, f"access-logs/{pending.fmt}", source, stream, {path.name: path for path in paths},
                   refused) from None
