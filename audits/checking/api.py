"""What a check is: metadata, rules, and the two halves `collect()` and `evaluate()`.

A check is registered under the entry-point group `vern.checks`, ours and an
organisation's own alike. `collect()` reads evidence into the store in one transaction;
`evaluate()` yields findings, mostly from SQL. The rule's article, severity and remedy
travel with the check, so the adviser and the board read why a finding matters.

Pages and reports reach a check only through the registry (`Vern.checks`, by id), and ask
it, never its module, for what they show: `evidence()` behind a finding, its `status()`
today, its `coverage()` over the runs, its `area` and where that stands on the board
(`area_rank`, `area_title`). Each has a default, so a check offers only what it has.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from audits.core.i18n import Text
from audits.core.store import Store


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


SEVERITY_ORDER = {s.value: i for i, s in enumerate(Severity)}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    article: str  # the GDPR provision the rule evidences, e.g. "Art. 28(3)"
    title: Text
    message: Text  # formatted with the finding's values
    remedy: Text


@dataclass(frozen=True)
class Finding:
    """One problem a rule found. `values` fill the rule's message and are kept as the
    finding's details. The fields after them say what the finding concerns, each in a
    column of its own, so that others join on them instead of reading the subject: the
    risk of a processing activity counts the open findings that name the activity, one of
    its processors, one of its systems or one of its record categories."""

    rule: str
    subject: str
    values: dict[str, Any] = field(default_factory=dict)
    activity: str | None = None  # a processing activity, by its name in the record
    processor: str | None = None  # a processor, by its name in the register
    systems: tuple[str, ...] = ()  # systems in the system list whose use the finding counts
    record_category: str | None = None  # a category of records (the inventories')


@dataclass(frozen=True)
class CheckContext:
    store: Store
    settings: dict[str, Any]
    now: datetime
    today: date
    inbox: Path  # this check's drop folder: data/inbox/<check id>/
    actor: str  # who started the run, for the audit trail
    mail: dict[str, Any] = field(default_factory=dict)  # [mail], for a check that must alert at once
    sources: dict[str, Any] = field(default_factory=dict)  # [sources.<name>]: what Vern pulls itself
    backup: dict[str, Any] = field(default_factory=dict)  # [backup]: where Vern's own backups are kept


class Check:
    id: ClassVar[str]
    title: ClassVar[Text]
    area: ClassVar[str]  # the board scores the findings of all checks of one area together
    area_rank: ClassVar[int] = 100  # the area's place among the board's areas: lowest first, ties by name
    area_title: ClassVar[Text | None] = None  # the area's name where Vern has none; default: the title
    schedule: ClassVar[str]  # crontab line in Oslo time
    run_at_start: ClassVar[bool] = False  # also whenever the server starts, missed or not
    settings: ClassVar[dict[str, Any]] = {}
    rules: ClassVar[tuple[Rule, ...]]
    # The kinds of `[sources.<name>]` whose pulled evidence this check judges: while such a
    # source has failed or gone quiet, the board and the overview call its area not verified.
    sources: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def in_use(cls, config: Any) -> bool:
        """Whether this check has anything to judge under `config` (the Config). The board
        leaves off an area whose checks are all out of use, rather than score it a clean 100."""
        return True

    @classmethod
    def check_settings(cls, settings: dict[str, Any]) -> None:
        """Refuse a bad setting with ValueError("key: why"); types are checked already."""

    def collect(self, ctx: CheckContext) -> int:
        """Load new evidence in one transaction; return the evidence rows read."""
        return 0

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def rule(cls, rule_id: str) -> Rule:
        return next(r for r in cls.rules if r.id == rule_id)

    # -- what pages and reports may ask; the defaults say "nothing to show" -------------
    @classmethod
    def evidence(cls, store: Store, settings: dict[str, Any], finding: dict[str, Any],
                 limit: int = 500) -> list[dict[str, Any]]:
        """The evidence rows behind one stored finding (a row of findings.listing), newest
        first, at most `limit`."""
        return []

    @classmethod
    def status(cls, store: Store, settings: dict[str, Any], today: date) -> list[dict[str, Any]]:
        """What the check judges, row by row, as it stands on `today` (the check documents
        its columns), for its page and the board."""
        return []

    @classmethod
    def coverage(cls, store: Store, until: datetime | None = None) -> list[dict[str, Any]]:
        """At each run up to `until`, oldest first, how many must be covered and how many
        were: {run_at, required, covered}. Counts only."""
        return []
