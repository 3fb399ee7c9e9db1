"""Finds the installed checks through the entry-point group `vern.checks`.

Built-in checks are registered exactly like an organisation's own package would be.
A check whose entry-point name, id and rules disagree is refused with its name.
"""

from functools import cache
from importlib.metadata import entry_points

from audits.checking.api import Check, Severity
from audits.core.config import cron_trigger
from audits.core.errors import VernError
from audits.core.i18n import Text, catalogue, t

GROUP = "vern.checks"


def validate(name: str, check: type) -> None:
    where = f"check {name!r} (entry point group {GROUP})"
    if not (isinstance(check, type) and issubclass(check, Check)):
        raise VernError(f"{where}: {check!r} is not a subclass of audits.checking.api.Check")
    if getattr(check, "id", None) != name:
        raise VernError(f"{where}: its id is {getattr(check, 'id', None)!r}; it must equal {name!r}")
    for attribute in ("title", "area", "schedule", "rules"):
        if not getattr(check, attribute, None):
            raise VernError(f"{where}: declares no {attribute}")
    if not isinstance(check.area_rank, int) or not isinstance(check.area_title, Text | None):
        raise VernError(f"{where}: area_rank must be a whole number and area_title a Text")
    ids = [rule.id for rule in check.rules]
    if len(ids) != len(set(ids)):
        raise VernError(f"{where}: two rules share an id")
    for rule in check.rules:
        if not isinstance(rule.severity, Severity) or not rule.article:
            raise VernError(f"{where}: rule {rule.id} needs a Severity and an article")
    try:
        cron_trigger(check.schedule)
    except ValueError as error:
        raise VernError(f"{where}: schedule {check.schedule!r} is not a crontab line ({error})") from None


@cache
def installed() -> dict[str, type[Check]]:
    """Every installed check by id, in id order."""
    found = {}
    for entry in entry_points(group=GROUP):
        try:
            check = entry.load()
        except Exception as error:  # a broken plugin must say which one it is
            raise VernError(f"check {entry.name!r} ({entry.value}) failed to load: {error}") from None
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
