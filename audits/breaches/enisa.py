"""Breach severity by the ENISA method (Recommendations for a methodology of the
assessment of severity of personal data breaches, 2013): SE = DPC × EI + CB.

Decimal arithmetic, so a band edge (2, 3, 4) is exactly where the method puts it.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from audits.core import text
from audits.core.errors import VernError
from audits.core.i18n import Message

DATA_TYPES = {"simple": 1, "behavioural": 2, "financial": 3, "sensitive": 4}
EASE_OF_IDENTIFICATION = (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"), Decimal("1"))
CIRCUMSTANCE = (Decimal("0"), Decimal("0.25"), Decimal("0.5"))
MALICIOUS = Decimal("0.5")
LEVELS = ((Decimal(2), "low"), (Decimal(3), "medium"), (Decimal(4), "high"))

# The kinds of data a person ticks when logging a breach, and the ENISA data type each
# scores as. Credentials score as the data they unlock: the adviser adjusts.
DATA_CATEGORIES = {
    "contact": "simple",            # name, address, phone, email
    "identity": "simple",           # date of birth, gender
    "membership": "simple",         # membership, roles, attendance
    "credentials": "simple",
    "images": "simple",
    "communications": "behavioural",  # contents of messages
    "location": "behavioural",
    "behaviour": "behavioural",       # preferences, habits, web and email behaviour
    "national_id": "financial",       # fødselsnummer: enables identity theft
    "financial": "financial",         # bank account, payments, card
    "health": "sensitive",
    "special_category": "sensitive",  # Art. 9: religion, politics, union, sexual life…
    "criminal": "sensitive",          # Art. 10
}

# ENISA's "sensitive" data are exactly the special categories of Art. 9 and the data on
# criminal convictions of Art. 10: whether a breach concerns them follows from its kinds of
# data, so it is derived here and never asked for twice.
SPECIAL_CATEGORIES = frozenset(kind for kind, data_type in DATA_CATEGORIES.items() if data_type == "sensitive")


def special_categories(categories: list[str] | None) -> bool:
    """Whether the kinds of data include Art. 9 or Art. 10 data."""
    return not SPECIAL_CATEGORIES.isdisjoint(categories or ())


@dataclass(frozen=True)
class Assessment:
    dpc: Decimal
    ei: Decimal
    confidentiality: Decimal
    integrity: Decimal
    availability: Decimal
    malicious: bool
    data_unintelligible: bool
    data_type: str | None = None
    adjustment: Decimal | None = None

    @property
    def cb(self) -> Decimal:
        return self.confidentiality + self.integrity + self.availability + (MALICIOUS if self.malicious else 0)

    @property
    def score(self) -> Decimal:
        return self.dpc * self.ei + self.cb

    @property
    def level(self) -> str:
        return level(self.score)


def level(score: Decimal) -> str:
    for bound, name in LEVELS:
        if score < bound:
            return name
    return "very_high"


def proposal(severity: str, data_unintelligible: bool) -> tuple[bool, bool]:
    """(notify the authority, notify the data subjects) — Art. 33(1), 34(1), 34(3)(a)."""
    authority = severity != "low"
    subjects = severity in ("high", "very_high") and not data_unintelligible
    return authority, subjects


def suggested_data_type(categories: list[str]) -> str:
    """With several kinds of data, score each and keep the highest."""
    types = [DATA_CATEGORIES[c] for c in categories if c in DATA_CATEGORIES] or ["simple"]
    return max(types, key=DATA_TYPES.__getitem__)


def _number(value, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise VernError("text.refused", field=field, why=Message("breaches.refused.number"))
    return Decimal(str(value))


def _one_of(value, allowed: tuple[Decimal, ...], field: str) -> Decimal:
    number = _number(value, field)
    if number not in allowed:
        raise VernError("text.refused", field=field,
                        why=Message("breaches.refused.one_of", {"allowed": ", ".join(str(a) for a in allowed)}))
    return number


def _unknown(within: str, names: set) -> VernError:
    """The first unknown field, named only when it is a plain identifier (it may be anything)."""
    name = text.key(sorted(names, key=str)[0])
    return VernError("text.refused", field=Message("text.within", {"within": within, "name": name}),
                     why=Message("breaches.refused.unknown_field"))


def parse(data: dict) -> Assessment:
    """Read an assessment as `vern breach assess` takes it; every field checked by name."""
    if not isinstance(data, dict):
        raise VernError("text.refused", field="assessment", why=Message("breaches.refused.not_object"))
    unknown = set(data) - {"dpc", "ei", "cb", "data_unintelligible"}
    if unknown:
        raise _unknown("", unknown)
    dpc_in, data_type, adjustment = data.get("dpc"), None, None
    if isinstance(dpc_in, dict):
        unknown = set(dpc_in) - {"data_type", "adjustment"}
        if unknown:
            raise _unknown("dpc.", unknown)
        data_type = dpc_in.get("data_type")
        if not isinstance(data_type, str) or data_type not in DATA_TYPES:
            raise VernError("text.refused", field="dpc.data_type",
                            why=Message("breaches.refused.one_of", {"allowed": ", ".join(DATA_TYPES)}))
        adjustment = _number(dpc_in.get("adjustment", 0), "dpc.adjustment")
        # The method keeps the final DPC between 1 and 4 whatever the adjustments.
        dpc = min(max(DATA_TYPES[data_type] + adjustment, Decimal(1)), Decimal(4))
    else:
        dpc = _number(dpc_in, "dpc")
        if not 1 <= dpc <= 4:
            raise VernError("text.refused", field="dpc", why=Message("breaches.refused.dpc_range"))
    cb = data.get("cb")
    if not isinstance(cb, dict):
        raise VernError("text.refused", field="cb", why=Message("breaches.refused.cb_object"))
    unknown = set(cb) - {"confidentiality", "integrity", "availability", "malicious"}
    if unknown:
        raise _unknown("cb.", unknown)
    malicious = cb.get("malicious", False)
    unintelligible = data.get("data_unintelligible", False)
    for value, field in ((malicious, "cb.malicious"), (unintelligible, "data_unintelligible")):
        if not isinstance(value, bool):
            raise VernError("text.refused", field=field, why=Message("breaches.refused.true_false"))
    return Assessment(
        dpc=dpc,
        ei=_one_of(data.get("ei"), EASE_OF_IDENTIFICATION, "ei"),
        confidentiality=_one_of(cb.get("confidentiality", 0), CIRCUMSTANCE, "cb.confidentiality"),
        integrity=_one_of(cb.get("integrity", 0), CIRCUMSTANCE, "cb.integrity"),
        availability=_one_of(cb.get("availability", 0), CIRCUMSTANCE, "cb.availability"),
        malicious=malicious,
        data_unintelligible=unintelligible,
        data_type=data_type,
        adjustment=adjustment,
    )
