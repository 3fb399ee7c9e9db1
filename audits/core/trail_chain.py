"""What makes the audit trail's chain whole, and how it breaks (issue 15): pure functions
over entries, no store. audits/core/trail.py keeps the trail in the database.

An entry's chain value is HMAC-SHA256(trail key, the value before it, a newline, and the
entry's canonical content: the JSON array [seq, at_utc, actor, action, object, details]).
Entries form segments: a database's first entry begins one, and so does each
`trail.segment` (or `trail.upgrade` recording an old break) by which Vern resumed after a
break. Every break is reported for good, with the segment after it.
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from audits.core.errors import VernError
from audits.core.i18n import Message, Text, catalogue, t

GENESIS = "0" * 64
RESUMING = ("trail.segment", "trail.upgrade")  # entries that may begin a segment after a break
Sign = Callable[[str, str], str]  # (previous value, canonical content) -> chain value


# -- what can be wrong ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    kind: str  # changed, forged, removed, inserted, unlinked, truncated, empty, missing, head_file
    text: str  # in English: the detail the trail.segment entry records (see `said` for a reader)


EMPTY = Problem("empty", "the trail is empty (every database begins it when it is created)")
MISSING = Problem("missing", "the trail table is missing from the database (dropped or renamed)")


@dataclass
class Segment:
    """Entries chained one to the next, from a database's first entry or a `trail.segment`."""
    first: int  # the entry it begins with (0: none survives)
    intact: int = 0  # entries that verify, from its first to its break
    last: int = 0  # the last of them
    value: str = GENESIS  # that entry's chain value
    problem: Problem | None = None  # what broke it, None while it holds


@dataclass(frozen=True)
class Break:
    after: int  # the last intact entry before it (0: none)
    intact: int  # intact entries in the segment it ended
    problem: Problem
    resumed_at: int | None  # the entry that began the next segment; None until Vern has


@dataclass
class Verdict:
    segments: list[Segment]
    head: dict[str, Any] | None  # the newest entry: seq, hash, at_utc
    entries: int = 0  # entries read

    @property
    def breaks(self) -> list[Break]:
        later = [s.first for s in self.segments[1:]] + [None]
        return [Break(s.last, s.intact, s.problem, resumed)
                for s, resumed in zip(self.segments, later, strict=True) if s.problem]

    @property
    def intact(self) -> int:
        return sum(s.intact for s in self.segments)

    @property
    def open_problem(self) -> Problem | None:
        """A break no segment follows yet: new entries must not be chained onto it."""
        return self.segments[-1].problem


# -- the chain ----------------------------------------------------------------------------------------
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # made once: verifying calls it per entry


def canonical(seq: int, at_utc: str, actor: str, action: str, obj: str, details: str) -> str:
    return _encode([seq, at_utc, actor, action, obj, details])


def legacy_sign(prev_hash: str, content: str) -> str:
    """The chain before migration 0013 (SHA-256, no key), kept to verify old trails while
    upgrading them, and to name an entry someone recomputed that way."""
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def signer(key: bytes) -> Sign:
    keyed = hmac.new(key, digestmod=hashlib.sha256)  # the key schedule once; copied per entry

    def sign(prev_hash: str, content: str) -> str:
        mac = keyed.copy()
        mac.update(f"{prev_hash}\n{content}".encode())
        return mac.hexdigest()
    return sign


def digest(sign: Sign, row: dict, seq: int) -> str:
    """The chain value of `row` were it numbered `seq`."""
    return sign(row["prev_hash"], canonical(seq, row["at_utc"], row["actor"], row["action"],
                                             row["object"], row["details"]))


def problem(row: dict, prev_seq: int, prev_hash: str, sign: Sign) -> Problem | None:
    """What is wrong with this entry, named as an inspector would want it."""
    seq = row["seq"]
    if seq <= prev_seq:
        return Problem("inserted", f"entry {seq} was inserted (two entries are numbered {seq})")
    if digest(sign, row, seq) != row["hash"]:
        if digest(sign, row, seq - 1) == row["hash"]:
            return Problem("inserted", f"entry {seq - 1} was inserted (the entries after it were renumbered)")
        if digest(sign, row, seq + 1) == row["hash"]:
            return Problem("removed", f"entry {seq} was removed (the entries after it were renumbered)")
        if sign is not legacy_sign and digest(legacy_sign, row, seq) == row["hash"]:
            return Problem("forged", f"entry {seq} was forged: its hash was computed without the trail key")
        return Problem("changed", f"entry {seq} was changed (its content no longer matches its hash)")
    if row["prev_hash"] == prev_hash and seq == prev_seq + 1:
        return None
    if seq > prev_seq + 1:
        gap = f"{prev_seq + 1}" if seq == prev_seq + 2 else f"{prev_seq + 1} to {seq - 1}"
        return Problem("removed", f"entry {gap} was removed (entry {seq} follows entry {prev_seq})")
    return Problem("unlinked", f"entry {prev_seq} was changed or inserted (entry {seq} does not link to it)")


# -- segments -------------------------------------------------------------------------------------
def resumes(row: dict, sign: Sign) -> dict | None:
    """The details of an entry by which Vern began a segment after a break, else None."""
    if row["action"] not in RESUMING or digest(sign, row, row["seq"]) != row["hash"]:
        return None
    details = json.loads(row["details"])  # signed by Vern: well formed
    return details if "break" in details else None


def walk(rows: Iterable[dict], sign: Sign) -> tuple[list[Segment], dict | None, int]:
    """(the segments with their breaks, the newest entry, how many entries) of the entries in
    order. After a break nothing is vouched for until an entry by which Vern resumed; the
    break it recorded stands for the one found here when both lie after the same entry."""
    segments: list[Segment] = []
    prev_seq, prev_hash, head, count = 0, GENESIS, None, 0
    for row in rows:
        count, head = count + 1, row
        resumed = resumes(row, sign)
        if resumed is not None:
            if not segments:
                segments.append(Segment(0))  # nothing before it survives
            before = segments[-1]
            if before.problem is None or before.last == resumed["after"]:  # the break it recorded
                before.problem = Problem(resumed["break"], resumed["detail"])
            segments.append(Segment(row["seq"], 1, row["seq"], row["hash"]))
            prev_seq, prev_hash = row["seq"], row["hash"]
            continue
        if not segments:
            segments.append(Segment(row["seq"]))
        current = segments[-1]
        if current.problem:
            continue  # unvouched until Vern began a new segment
        current.problem = problem(row, prev_seq, prev_hash, sign)
        if current.problem is None:
            current.intact, current.last, current.value = current.intact + 1, row["seq"], row["hash"]
            prev_seq, prev_hash = row["seq"], row["hash"]
    return segments, head, count


# -- in words -------------------------------------------------------------------------------------
def words(found: Break, lang: str) -> str:
    """A break as a person reads it, in bokmål or English."""
    where = t("trail.where.after", lang, after=found.after) if found.after else t("trail.where.start", lang)
    key = f"trail.kind.{found.problem.kind}"
    return t("trail.break", lang, where=where, kind=t(key, lang) if key in catalogue() else found.problem.kind)


def said(problem: Problem) -> Message:
    """A break's detail for a reader: English as recorded (it is evidence, kept as found; a
    detail read back from the trail exists in English only), and in bokmål the kind of break."""
    kind = catalogue().get(f"trail.kind.{problem.kind}", Text(problem.kind, problem.kind))
    return Message(Text(kind.nb, problem.text))


def describe(verdict: Verdict) -> list[Message]:
    """A broken trail for the command line: each break, where Vern resumed, how the newest segment stands."""
    lines = []
    for number, found in enumerate(verdict.breaks):
        lead = "trail.verify.broken" if number == 0 else "trail.verify.then_broken"
        lines.append(Message(lead, {"count": found.intact, "problem": said(found.problem)}))
        if found.resumed_at:
            lines.append(Message("trail.verify.resumed", {"seq": found.resumed_at}))
    newest = verdict.segments[-1]
    if newest.problem is None and verdict.head:
        lines.append(Message("trail.verify.segment_intact",
                             {"first": newest.first, "count": newest.intact, "hash": verdict.head["hash"]}))
    return lines


class BrokenTrail(VernError):
    """`vern trail verify` on a broken trail: every line of `describe`, in the reader's language."""

    def __init__(self, verdict: Verdict):
        self.lines = describe(verdict)
        super().__init__(self.lines[0].key, **self.lines[0].values)

    def text(self, lang: str) -> str:
        return "\n  ".join(line(lang) for line in self.lines)
