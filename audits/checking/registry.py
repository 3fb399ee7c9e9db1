"""Finds the installed checks through the entry-point group `vern.checks`.

Built-in checks are registered exactly like an organisation's own package would be.
A check whose entry-point name, id and rules disagree is refused with its name.
"""

from functools import cache
from importlib.metadata import entry_points

from audits.checking.api import Check, Severity
from audits.core import text
from audits.core.config import cron_trigger
from audits.core.errors import VernError
from audits.core.i18n import Message, Text, catalogue, t

GROUP = "vern.checks"


def validate(name: str, check: type) -> None:
    where = Message("checks.refused.where", {"name": text.key(name), "group": GROUP})
    if not (isinstance(check, type) and issubclass(check, Check)):
        raise VernError("checks.refused.not_a_check", where=where)
    if getattr(check, "id", None) != name:
        raise VernError("checks.refused.id", where=where, id=text.key(getattr(check, "id", None)),
                        name=text.key(name))
    for attribute in ("title", "area", "schedule", "rules"):
        if not getattr(check, attribute, None):
            raise VernError("checks.refused.declares_no", where=where, attribute=attribute)
    if not isinstance(check.area_rank, int) or not isinstance(check.area_title, Text | None):
        raise VernError("checks.refused.area", where=where)
    ids = [rule.id for rule in check.rules]
    if len(ids) != len(set(ids)):
        raise VernError("checks.refused.rule_twice", where=where)
    for rule in check.rules:
        if not isinstance(rule.severity, Severity) or not rule.article:
            raise VernError("checks.refused.rule", where=where, rule=text.key(rule.id))
    try:
        cron_trigger(check.schedule)
    except ValueError:
        raise VernError("checks.refused.schedule", where=where) from None


@cache
def installed() -> dict[str, type[Check]]:
    """Every installed check by id, in id order."""
    found = {}
    for entry in entry_points(group=GROUP):
        try:
            check = entry.load()
        except Exception as error:  # a broken plugin must say which one it is (its own words are English)
            raise VernError("checks.refused.load", name=text.key(entry.name), value=entry.value,
                            kind=type(error).__name__) from None
        validate(entry.name, check)
        found[entry.name] = check
    return dict(sorted(found.items()))


def areas(checks: dict[str, type[Check]]) -> list[str]:
    """The areas the checks score, in the board's order: by the lowest `area_rank` of the
    checks in an area, ties by name."""
    rank: dict[str, int] = {}
    for check in checks.values():
        rank[check.area] = min(rank.get(check.area, check.area_rank), check.area_rank)
    return sorted(rank, key=lambda area: (rank[area], area))


def area_title(area: str, lang: str) -> str:
    """An area's name: Vern's words for its own areas, else those of the installed check
    that scores it (its `area_title`, else its title); a removed check's area by its id."""
    if f"area.{area}" in catalogue():
        return t(f"area.{area}", lang)
    for check in installed().values():
        if check.area == area:
            return (check.area_title or check.title)(lang)
    return area
