"""A page or batch of pulled evidence the import refused: kept in the inbox's failed/ folder
for the adviser to look at (pages are not kept otherwise), and the failure that ends its
stream and fails the pull, naming the file and the import's reasons."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from audits.core.errors import InputError
from audits.core.i18n import Message
from audits.sources.asking import SourceFailed

if TYPE_CHECKING:  # annotations only
    from audits.access.logs import Pending
    from audits.core.config import Config


def kept(config: Config, inbox_folder: str, source: str, files: dict[str, Path | bytes],
         refused: InputError) -> SourceFailed:
    """`files` (name -> the file or its content) copied to `<inbox>/<inbox_folder>/failed/`;
    the failure names the ones the import refused (one, or the first few of a batch)."""
    folder = config.inbox / inbox_folder / "failed"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            shutil.copyfile(content, folder / name)
    named = ", ".join(Path(one).name for one in refused.source.split(", "))
    return SourceFailed(Message("sources.page_refused", {"source": source, "file": named, "folder": str(folder)}),
                        refused)


def read_or_keep(pending: Pending, config: Config, source: str, paths: list[Path]) -> None:
    """A batch of pulled files read into `pending` (the import of its format); a batch it
    refuses is kept (`kept`)."""
    try:
        pending.add(paths)
    except InputError as refused:
        raise kept(config, f"access-logs/{pending.fmt}", source, {path.name: path for path in paths}, refused) from None
