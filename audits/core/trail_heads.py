"""The trail's head, recorded outside the database (issue 15).

After every commit that moved the trail's head, one signed line is appended to the head
file beside the key file (`vern.key` → `vern.trail-heads`): sequence number, chain value,
the entry's instant and an HMAC-SHA256 over the three under the trail key. Whoever can
write the database file but not this folder cannot move it, so a trail cut short or
replaced no longer holds the head recorded last. The line is written after the commit:
a crash in between leaves the file one step behind, which verification accepts (the
recorded head must be in the trail; the trail may be longer).

The file stays small: once it passes MAX_BYTES it is rewritten atomically with the lines
of its last KEEP_BYTES. Only its last complete line is ever read.
"""

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from pathlib import Path

from audits.core.errors import VernError, os_reason

MAX_BYTES = 64 * 1024
KEEP_BYTES = 8 * 1024
TAIL_BYTES = 4 * 1024  # far more than one line
_LINE = re.compile(r"(\d{1,19}) ([0-9a-f]{64}) (\S{1,40}) ([0-9a-f]{64})")


class HeadFileProblem(VernError):
    """The head file's last line is not one Vern wrote with this trail key."""


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str  # the entry's chain value
    at_utc: str  # the entry's instant, as the trail stores it
    signature: str  # HMAC-SHA256 over the three under the trail key

    def line(self) -> str:
        return f"{self.seq} {self.hash} {self.at_utc} {self.signature}\n"


def path_for(key_file: Path) -> Path:
    """Beside the key file (also where it would be when the keys come from VERN_KEYS)."""
    return key_file.with_suffix(".trail-heads")


def _signature(key: bytes, seq: int, value: str, at_utc: str) -> str:
    return hmac.new(key, f"vern trail head\n{seq}\n{value}\n{at_utc}".encode(), hashlib.sha256).hexdigest()


def sign(key: bytes, seq: int, value: str, at_utc: str) -> Head:
    return Head(seq, value, at_utc, _signature(key, seq, value, at_utc))


def _complete_lines(path: Path) -> list[bytes]:
    """The whole lines at the end of the file: what follows the last newline is unfinished,
    and the first line read is cut when the file is longer than what is read."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - TAIL_BYTES))
            lines = handle.read(TAIL_BYTES).split(b"\n")[:-1]
    except FileNotFoundError:
        return []
    except OSError as error:
        raise VernError("trail_heads.cannot_read", path=str(path), why=os_reason(error)) from None
    if size > TAIL_BYTES:
        lines = lines[1:]
        if not lines:
            raise HeadFileProblem("trail_heads.end_not_head", path=str(path))
    return lines


def last(path: Path, key: bytes) -> Head | None:
    """The newest head recorded, None when nothing is; HeadFileProblem when the last line is
    not a head signed with `key`."""
    if os.path.isdir(path):
        raise VernError("trail_heads.folder", path=str(path))
    lines = _complete_lines(path)
    if not lines:
        return None
    match = _LINE.fullmatch(lines[-1].decode("ascii", errors="replace"))
    if match is None:
        raise HeadFileProblem("trail_heads.last_not_head", path=str(path))
    seq, value, at_utc, signature = int(match[1]), match[2], match[3], match[4]
    if not hmac.compare_digest(signature, _signature(key, seq, value, at_utc)):
        raise HeadFileProblem("trail_heads.not_signed", path=str(path))
    return Head(seq, value, at_utc, signature)


def _compact(path: Path) -> None:
    """The newest lines only, swapped in whole so a reader never sees half a file."""
    with path.open("rb") as handle:
        handle.seek(-KEEP_BYTES, os.SEEK_END)
        kept = handle.read().partition(b"\n")[2]
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(kept)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def _ends_cut(path: Path) -> bool:
    """True when a crash left the last line without its newline."""
    with path.open("rb") as handle:
        if handle.seek(0, os.SEEK_END) == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


def append(path: Path, head: Head) -> None:
    """One line, on disk before this returns; OSError when the file cannot be written."""
    cut = path.exists() and _ends_cut(path)
    if path.exists() and path.stat().st_size > MAX_BYTES:
        _compact(path)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(("\n" if cut else "") + head.line())
        out.flush()
        os.fsync(out.fileno())
