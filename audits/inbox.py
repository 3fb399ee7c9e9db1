"""Files dropped into a check's inbox (data/inbox/<kind>/): once handled, each is moved to
imported/ or failed/ beside it, its name prefixed with the UTC time, so nothing is read
twice and nothing is lost."""

import shutil
from pathlib import Path

from audits import clock


def stamp() -> str:
    return clock.now().strftime("%Y%m%dT%H%M%SZ")


def move(path: Path, folder: Path, when: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), str(folder / f"{when}-{path.name}"))
