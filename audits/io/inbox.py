"""Files dropped into a check's inbox (data/inbox/<kind>/): once handled, each is moved to
imported/ or failed/ beside it, its name prefixed with the UTC time, so nothing is read
twice and nothing is lost.

Vern never reads through a symbolic link, in the inbox or in a folder it imports: a link
could point anywhere on the server (/etc/passwd, another check's keys). `files` leaves
links out; `refused` lists them, with special files (pipes, devices), so that a check can
move them to failed/ unread and say why.
"""

import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from audits.core import clock
from audits.core.errors import InputError, VernError
from audits.core.i18n import LANGUAGES, Message, Text

LINK = Message("inbox.link")
SPECIAL = Message("inbox.special")
HANDLED = ("imported", "failed")


def stamp() -> str:
    return clock.now().strftime("%Y%m%dT%H%M%SZ")


def move(path: Path, folder: Path, when: str) -> None:
    """Within the inbox, so a rename: a link moves as the link, never as what it points to."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), str(folder / f"{when}-{path.name}"))


def import_each(folder: Path, load: Callable[[Path], object], *patterns: str, order=None) -> list[Message]:
    """Import each file waiting in `folder` on its own with `load(path)`: moved to imported/,
    or to failed/ when refused, while the others still land; links and special files go to
    failed/ unread. Returns "name: why" for every refused one, to be read in either language."""
    refusals = []
    for path, why in refused(folder, *patterns):
        move(path, folder / "failed", stamp())
        refusals.append(Message("inbox.refused", {"name": path.name, "why": why}))
    for path in sorted(files(folder, *patterns), key=order):
        when = stamp()
        try:
            load(path)
        except VernError as error:
            move(path, folder / "failed", when)
            refusals.append(Message("inbox.refused", {"name": path.name, "why": reason_of(error)}))
        else:
            move(path, folder / "imported", when)
    return refusals


def reason_of(error: VernError) -> Message:
    """What is wrong with a refused file, every problem of it, without its path (the run's
    error names the inbox): put into both languages now, the error being gone by the time
    someone reads it."""
    return Message(Text(*(_said(error, lang) for lang in LANGUAGES)))


def _said(error: VernError, lang: str) -> str:
    if isinstance(error, InputError):
        shown = [problem(lang) for problem in error.problems[:10]]
        if len(error.problems) > 10:
            shown.append(Message("input.more", {"n": len(error.problems) - 10})(lang))
        return "; ".join(shown)
    return error.text(lang).splitlines()[-1].strip()


def files(folder: Path, *patterns: str) -> list[Path]:
    """The regular files and folders waiting in `folder` that match any of `patterns`
    (default: all), by name; hidden ones, imported/ and failed/, and links left out."""
    return [path for path, why in _waiting(folder, patterns or ("*",)) if why is None]


def refused(folder: Path, *patterns: str) -> list[tuple[Path, Message]]:
    """(entry, why) for the links and special files waiting in `folder`: never to be read."""
    return [(path, why) for path, why in _waiting(folder, patterns or ("*",)) if why is not None]


def _waiting(folder: Path, patterns: tuple[str, ...]) -> Iterator[tuple[Path, Message | None]]:
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in HANDLED or not any(path.match(p) for p in patterns):
            continue
        yield path, kind(path)


def kind(path: Path) -> Message | None:
    """None for a regular file or folder; otherwise why it is not read (lstat: a link is
    seen as the link)."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return LINK
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else SPECIAL
