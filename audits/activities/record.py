"""One processing activity (GDPR Art. 30) in its JSON form, checked field by field.

One shape for every way in and out: what `parse` checks is what the CSV columns flatten
(audits.activities.files), what the dashboard edits and what `vern activities list --json`
prints.
"""

from datetime import date
from typing import Any

from audits.access.directory import CLASSIFICATIONS
from audits.activities.risk import LEVELS
from audits.core import text
from audits.core.errors import reason
from audits.core.i18n import Message
from audits.core.text import MAX_NAME
from audits.io import csvfile

ROLES = ("controller", "processor")
LEGAL_BASES = tuple("abcdef")  # Art. 6(1)
ART9_CONDITIONS = tuple("abcdefghij")  # Art. 9(2)
SPECIAL_CATEGORIES = (  # Art. 9(1)
    "racial_or_ethnic_origin", "political_opinions", "religious_or_philosophical_beliefs",
    "trade_union_membership", "genetic", "biometric", "health", "sex_life_or_orientation")
DPIA_CRITERIA = (  # WP248 rev.01, section III.B.a
    "evaluation_scoring", "automated_decision_legal_effect", "systematic_monitoring", "sensitive_data",
    "large_scale", "matching_datasets", "vulnerable_subjects", "innovative_technology",
    "prevents_rights_exercise")
DPIA_STATUSES = ("not_started", "in_progress", "completed")
RETENTION_FROM = ("last_activity", "purpose_ended")
LISTS = ("special_categories", "data_subjects", "data_categories", "recipients", "processors",
         "security_measures", "systems", "dpia_criteria")
FIELDS = ("name", "role", "controller_name", "purpose", "legal_basis", "special_categories",
          "art9_condition", "data_subjects", "data_categories", "children", "recipients", "processors",
          "retention", "security_measures", "classification", "systems", "dpia_criteria", "dpia_status",
          "owner", "review_on", "risk_adjustment")
CSV_COLUMNS = (*FIELDS[:12], "retention_months", "retention_from", "retention_categories",
               "retention_statistics_exempt", *FIELDS[13:20], "adjusted_likelihood",
               "adjusted_severity", "adjust_reason")
COLUMNS = ("name", "role", "controller_name", "purpose", "legal_basis", "special_categories",
           "art9_condition", "data_subjects", "data_categories", "children", "recipients", "processors",
           "retention_months", "retention_from", "record_categories", "statistics_exempt",
           "security_measures", "classification", "systems", "dpia_criteria", "dpia_status", "owner",
           "review_on", "likelihood_set", "severity_set", "adjust_reason")
MAX_TEXT = 2000  # purpose, reasons
MAX_ITEM = 500  # one item of a list
MAX_ITEMS = 200


class Problems(Exception):
    """Every problem of one activity, each as (field or None for the whole, why)."""

    def __init__(self, problems: list[tuple[str | None, Message]]):
        super().__init__(problems)
        self.problems = problems


def _why(key: str, /, **values) -> ValueError:
    """A field refused, saying why (never quoting the value)."""
    return ValueError(Message(key, values))


# -- checking one activity ------------------------------------------------------------
def _text(value, field: str, max_length: int = MAX_TEXT) -> str | None:
    """Free text (tabs and line breaks allowed), or None."""
    return csvfile.from_json(csvfile.free_text(max_length))(value) or None


def _line(value, field: str, max_length: int = MAX_NAME) -> str | None:
    """A name or other one-line value, or None."""
    return csvfile.from_json(csvfile.name(max_length))(value) or None


def _choice(choices: tuple[str, ...]):
    def check(value, field: str) -> str | None:
        value = _line(value, field)
        return None if value is None else csvfile.one_of(choices)(value)
    return check


def _list(choices: tuple[str, ...] | None = None):
    def check(value, field: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise _why("activities.refused.not_list")
        if len(value) > MAX_ITEMS:
            raise _why("activities.refused.too_many_items", max=MAX_ITEMS)
        items = []
        for number, item in enumerate(value, start=1):
            try:
                items.append(_line(item, field, MAX_ITEM))
            except ValueError as error:
                raise _why("activities.refused.item", n=number, why=reason(error)) from None
        items = list(dict.fromkeys(item for item in items if item))
        if any(";" in item for item in items):
            raise _why("activities.refused.semicolon")
        if choices is not None:
            items = [item.lower() for item in items]
            unknown = [number for number, item in enumerate(items, start=1) if item not in choices]
            if unknown:
                raise _why("activities.refused.item_not_one_of", n=unknown[0], allowed=", ".join(choices))
        return items
    return check


def _bool(value, field: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _why("activities.refused.not_bool")
    return value


def _date(value, field: str) -> date | None:
    """A date as JSON writes it, or as the register holds it."""
    if isinstance(value, date):
        return value
    return csvfile.from_json(csvfile.date_or_none, Message("activities.refused.not_date"))(value)


def _object(value, field: str, keys: tuple[str, ...]) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _why("activities.refused.not_object", keys=", ".join(keys))
    unknown = [key for key in value if key not in keys]
    if unknown:
        raise _why("activities.refused.unknown_key", key=text.key(unknown[0]), known=", ".join(keys))
    return value


def _part(key: str, check, value, field: str):
    """A key inside an object, checked; its problem named "key: why"."""
    try:
        return check(value, field)
    except ValueError as error:
        raise _why("activities.refused.part", key=key, why=reason(error)) from None


def _months(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1200:
        raise _why("activities.refused.months")
    return value


def _required(check, why: Message):
    def required(value, field: str):
        result = check(value, field)
        if result is None:
            raise ValueError(why)
        return result
    return required


def _must_be_one_of(choices: tuple[str, ...]) -> Message:
    return Message("activities.refused.must_be_one_of", {"allowed": ", ".join(choices)})


def _retention(value, field: str) -> dict | None:
    value = _object(value, field, ("months", "from", "categories", "statistics_exempt"))
    if value is None:
        return None
    checks = {"months": _months, "from": _required(_choice(RETENTION_FROM), _must_be_one_of(RETENTION_FROM)),
              "categories": _list(),
              "statistics_exempt": _bool}
    return {key: _part(key, check, value.get(key), field) for key, check in checks.items()}


def _adjustment(value, field: str) -> dict | None:
    value = _object(value, field, ("likelihood", "severity", "reason"))
    if value is None:
        return None
    level = _required(_choice(LEVELS), _must_be_one_of(LEVELS))
    checks = {"likelihood": level, "severity": level,
              "reason": _required(_text, Message("activities.refused.no_reason"))}
    return {key: _part(key, check, value.get(key), field) for key, check in checks.items()}


def _name(value, field: str) -> str:
    return csvfile.from_json(csvfile.required)(value)


def _role(value, field: str) -> str:
    return _choice(ROLES)(value, field) or "controller"


def _dpia_status(value, field: str) -> str:
    return _choice(DPIA_STATUSES)(value, field) or "not_started"


CHECKS = {
    "name": _name, "role": _role, "controller_name": _line, "purpose": _text,
    "legal_basis": _choice(LEGAL_BASES), "special_categories": _list(SPECIAL_CATEGORIES),
    "art9_condition": _choice(ART9_CONDITIONS), "data_subjects": _list(), "data_categories": _list(),
    "children": _bool, "recipients": _list(), "processors": _list(), "retention": _retention,
    "security_measures": _list(), "classification": _choice(CLASSIFICATIONS), "systems": _list(),
    "dpia_criteria": _list(DPIA_CRITERIA), "dpia_status": _dpia_status, "owner": _line,
    "review_on": _date, "risk_adjustment": _adjustment,
}


def parse(data: Any) -> dict[str, Any]:
    """One activity in its JSON form, checked; raises Problems naming each bad field."""
    if not isinstance(data, dict):
        raise Problems([(None, Message("activities.refused.not_activity", {"fields": ", ".join(FIELDS)}))])
    # An exported register carries ids; an activity is known by its name, so they are ignored.
    problems = [(text.key(key), Message("activities.refused.unknown_field", {"known": ", ".join(FIELDS)}))
                for key in data if key not in CHECKS and key != "id"]
    record = {}
    for field, check in CHECKS.items():
        try:
            record[field] = check(data.get(field), field)
        except ValueError as error:
            problems.append((field, reason(error)))
    if not problems and record["role"] == "processor" and not record["controller_name"]:
        problems.append(("controller_name", Message("activities.refused.no_controller")))
    if problems:
        raise Problems(problems)
    return record
