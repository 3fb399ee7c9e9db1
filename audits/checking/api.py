"""What a check is: metadata, rules, and the two halves `collect()` and `evaluate()`.

A check is registered under the entry-point group `vern.checks`, ours and an
organisation's own alike. `collect()` reads evidence into the store in one transaction;
`evaluate()` yields findings, mostly from SQL. The rule's article, severity and remedy
travel with the check, so the adviser and the board read why a finding matters.
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
    rule: str
    subject: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckContext:
    store: Store
    settings: dict[str, Any]
    now: datetime
    today: date
    inbox: Path  # this check's drop folder: data/inbox/<check id>/
    actor: str  # who started the run, for the audit trail
    mail: dict[str, Any] = field(default_factory=dict)  # [mail], for a check that must alert at once


class Check:
    id: ClassVar[str]
    title: ClassVar[Text]
    area: ClassVar[str]
    schedule: ClassVar[str]  # crontab line in Oslo time
    run_at_start: ClassVar[bool] = False  # also whenever the server starts, missed or not
    settings: ClassVar[dict[str, Any]] = {}
    rules: ClassVar[tuple[Rule, ...]]

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
