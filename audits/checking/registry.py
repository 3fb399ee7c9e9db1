"""Finds the installed checks through the entry-point group `vern.checks`.

Built-in checks are registered exactly like an organisation's own package would be.
A check whose entry-point name, id and rules disagree is refused with its name.
"""

from functools import cache
from importlib.metadata import entry_points

from audits.checking.api import Check, Severity
from audits.core.config import cron_trigger
from audits.core.errors import VernError

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
