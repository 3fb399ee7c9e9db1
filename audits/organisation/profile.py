"""The organisation's profile: who we are and whom to contact, in every document that
leaves Vern (a notification must give "the name and contact details of the data protection
officer or other contact point", Art. 33(3)(b); a letter to the data subjects the same,
Art. 34(2)). For a breach where we act as processor, the district chapter's contact is
whom we tell (Art. 33(2)).

Kept in the database (the settings row "organisation", as JSON) and edited by the admin;
each change is in the audit trail, naming the fields changed (not their values).
`[organisation]` in the configuration seeds it until the first change. The contact
point's details are the ones published in the privacy statement.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from audits.core import text, trail
from audits.core.errors import VernError
from audits.core.i18n import Message

if TYPE_CHECKING:  # annotations only
    from audits.core.config import Config
    from audits.core.store import Store

FIELDS = ("name", "org_number", "address", "contact_name", "contact_role", "contact_email", "contact_phone")
CHAPTER_FIELDS = ("name", "contact_name", "contact_email", "contact_phone")
# What a notification and a letter cannot do without (Art. 33(3)(b), 34(2)).
NEEDED = ("name", "contact_name", "contact_email", "contact_phone")
SETTING = "organisation"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ]{8,20}")
_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)  # Brønnøysundregistrene's modulus-11 weights


def org_number_valid(number: str) -> bool:
    """A Norwegian organisation number: nine digits, the last a modulus-11 check digit."""
    digits = number.replace(" ", "")
    if not re.fullmatch(r"[0-9]{9}", digits):
        return False
    remainder = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=False)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(digits[8])


def empty() -> dict[str, Any]:
    return dict.fromkeys(FIELDS, "") | {"chapters": []}


def load(store: Store, config: Config) -> dict[str, Any]:
    """The profile in force: the stored one, else the configuration's `[organisation]`."""
    stored = store.value("SELECT value FROM settings WHERE key = ?", [SETTING])
    if stored:
        return empty() | json.loads(stored)
    return empty() | {key: value for key, value in config.organisation.items() if key in FIELDS}


def missing(profile: dict[str, Any]) -> list[str]:
    """The fields a notification needs that the profile lacks."""
    return [key for key in NEEDED if not profile.get(key)]


def chapter(profile: dict[str, Any], name: str | None) -> dict[str, str] | None:
    """The district chapter called `name`, for a breach where we are its processor."""
    return next((c for c in profile["chapters"] if name and c["name"] == name), None)


def chapter_reachable(profile: dict[str, Any], name: str | None) -> bool:
    """Whether the profile names a contact at the chapter and a way to reach them (Art. 33(2))."""
    found = chapter(profile, name)
    return bool(found and found["contact_name"] and (found["contact_email"] or found["contact_phone"]))


def _refused(field: str, why: str, **values) -> VernError:
    return VernError("text.refused", field=field, why=Message(f"organisation.refused.{why}", values))


def _checked(values: Any, fields: tuple[str, ...], where: str) -> dict[str, str]:
    if not isinstance(values, dict):
        raise _refused(where.rstrip("."), "not_object")
    unknown = sorted(set(values) - set(fields), key=str)
    if unknown:
        known = (*fields, "chapters") if fields == FIELDS else fields
        raise _refused(where + text.key(unknown[0]), "unknown_field", known=", ".join(known))
    out = {}
    for key in fields:
        field = f"{where}{key}"
        if not isinstance(values.get(key) or "", str):
            raise _refused(field, "not_text")
        value = text.clean_name(values.get(key) or "", field)
        if key == "org_number" and value and not org_number_valid(value):
            raise _refused(field, "org_number")
        if key.endswith("email") and value and not _EMAIL.fullmatch(value):
            raise _refused(field, "email")
        if key.endswith("phone") and value and not _PHONE.fullmatch(value):
            raise _refused(field, "phone")
        out[key] = value
    return out


def save(store: Store, config: Config, actor: str, values: dict[str, Any]) -> dict[str, Any]:
    """Check and store the profile (all of it: a field left out is emptied); the trail names
    the fields that changed."""
    if not isinstance(values, dict):
        raise _refused("organisation", "not_object")
    given = values.get("chapters") or []
    if not isinstance(given, list):
        raise _refused("chapters", "not_list")
    profile = _checked({k: v for k, v in values.items() if k != "chapters"}, FIELDS, "")
    chapters = [_checked(c, CHAPTER_FIELDS, f"chapters[{n}].") for n, c in enumerate(given, 1)]
    for number, entry in enumerate(chapters, 1):
        if not entry["name"]:
            raise _refused(f"chapters[{number}].name", "chapter_name")
    names = [c["name"] for c in chapters]
    if len(set(names)) < len(names):
        raise _refused("chapters", "chapter_twice")
    profile["chapters"] = chapters
    before = load(store, config)
    changed = [key for key in (*FIELDS, "chapters") if before.get(key) != profile[key]]
    if not changed:
        return profile
    with store.transaction() as tx:
        tx.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                   [SETTING, json.dumps(profile, ensure_ascii=False)])
        trail.append(tx, actor, "organisation.changed", "", {"fields": changed})
    return profile
