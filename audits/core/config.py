"""Configuration: one TOML file, every key with a default, bad values refused by name.

Found at `--config`, else `VERN_CONFIG`, else `vern.toml` beside the database. Vern runs
without one; data/vern.example.toml shows every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audits.core import clock
from audits.core.errors import VernError
from audits.core.i18n import LANGUAGES

if TYPE_CHECKING:  # annotations only
    from apscheduler.triggers.cron import CronTrigger

DEFAULTS: dict[str, Any] = {
    "language": "nb",
    "server": {"port": 8501, "address": "localhost"},
    "scheduler": {"misfire_grace_seconds": 3600},
    "inbox": {"path": ""},
    "keys": {"path": ""},
    "organisation": {"name": "", "contact_name": "", "contact_email": "", "contact_phone": ""},
    "breaches": {"processor_notice_hours": 24, "reminder_minutes": 5, "refresh_seconds": 30, "dashboard_url": ""},
    "review": {"digest_schedule": "0 7 * * 1", "agreement_days": 60},
    "requests": {"reminder_schedule": "0 7 * * *"},
    "mail": {"host": "", "port": 587, "security": "starttls", "username": "", "sender": "",
             "advisers": []},
    "auth": {
        "oidc_provider": "",
        "idle_minutes": 30.0,  # a number: 0.5 is half a minute
        "roles": {"staff": [], "adviser": [], "board": [], "admin": []},
    },
}
# Every check accepts these; a check adds its own through `Check.settings`.
CHECK_DEFAULTS: dict[str, Any] = {"enabled": True, "schedule": ""}


@dataclass(frozen=True)
class Config:
    path: Path | None
    language: str
    port: int
    address: str
    misfire_grace_seconds: int
    inbox: Path
    key_file: Path
    oidc_provider: str = ""
    idle_minutes: float = 30.0
    role_map: dict[str, list[str]] = field(default_factory=dict)
    organisation: dict[str, str] = field(default_factory=dict)
    breaches: dict[str, Any] = field(default_factory=dict)
    review: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS["review"]))
    requests: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS["requests"]))
    mail: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    def check(self, check_id: str) -> dict[str, Any]:
        return self.checks.get(check_id, {})


WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _crontab_weekdays(field: str) -> str:
    """Crontab counts weekdays from Sunday = 0 (7 too); APScheduler 3 from Monday = 0.
    Numbers are turned into day names so a line means what it means in crontab."""
    out = []
    for part in field.split(","):
        base, _, step = part.partition("/")
        if not any(ch.isdigit() for ch in base):
            out.append(part)
            continue
        first, _, last = base.partition("-")
        numbers = range(int(first), int(last or first) + 1, int(step or 1))
        if not all(0 <= n <= 7 for n in numbers) or not numbers:
            raise ValueError(f"day of week {part!r} is outside 0-7")
        out.extend(WEEKDAYS[n] for n in numbers)
    return ",".join(dict.fromkeys(out))


def cron_trigger(expression: str) -> CronTrigger:
    """A five-field crontab line, read in Oslo time."""
    # imported here: APScheduler costs 0.1 s, and `vern --help` reads no schedule
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields, got {len(fields)}")
    minute, hour, day, month, weekday = fields
    try:
        weekday = _crontab_weekdays(weekday)
    except ValueError as error:
        raise ValueError(str(error)) from None
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday,
                       timezone=clock.OSLO)


def _crontab(key: str, value: str, path: Path | None) -> None:
    """A schedule outside a check's section: refused naming its key and the file it came from."""
    try:
        cron_trigger(value)
    except ValueError as error:
        where = f", in {path}" if path is not None else ""
        raise VernError(f"configuration key {key}: {value!r} is not a crontab line ({error}){where}") from None


KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "a string", dict: "a table",
         list: "a list of strings"}


def _checked(key: str, value: Any, default: Any) -> Any:
    expected = type(default)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)  # TOML's 30 where a number is asked for
    wrong_int = expected is int and isinstance(value, bool)  # TOML true is no number
    wrong_list = expected is list and isinstance(value, list) and not all(isinstance(i, str) for i in value)
    if wrong_int or wrong_list or not isinstance(value, expected):
        raise VernError(f"configuration key {key}: expected {KINDS[expected]}, got {value!r}")
    if isinstance(default, dict) and default:
        return _merge(value, default, key + ".")
    return value


def _merge(section: Any, defaults: dict, prefix: str) -> dict:
    if not isinstance(section, dict):
        raise VernError(f"configuration key {prefix.rstrip('.') or 'file'}: expected a table")
    unknown = sorted(set(section) - set(defaults))
    if unknown:
        raise VernError(f"configuration key {prefix}{unknown[0]}: unknown key")
    return {
        key: _checked(prefix + key, section.get(key, default), default)
        for key, default in defaults.items()
    }


def load(path: Path | None, database: Path, checks: dict[str, Any]) -> Config:
    """Read and validate the configuration. `checks` maps check id to the Check class."""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise VernError(f"configuration file {path} does not exist") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise VernError(f"configuration file {path}: {error}") from None

    check_sections = _merge(raw.pop("checks", {}), dict.fromkeys(checks, {}), "checks.")
    top = _merge(raw, DEFAULTS, "")
    if top["language"] not in LANGUAGES:
        raise VernError(f"configuration key language: must be one of {', '.join(LANGUAGES)}")
    port = top["server"]["port"]
    if not 1 <= port <= 65535:
        raise VernError(f"configuration key server.port: {port} is not a port number")
    grace = top["scheduler"]["misfire_grace_seconds"]
    if grace < 1:
        raise VernError("configuration key scheduler.misfire_grace_seconds: must be at least 1")

    check_settings = {}
    for check_id, check in checks.items():
        defaults = {**CHECK_DEFAULTS, "schedule": check.schedule, **check.settings}
        merged = _merge(check_sections[check_id], defaults, f"checks.{check_id}.")
        try:
            check.check_settings(merged)
        except ValueError as error:
            raise VernError(f"configuration key checks.{check_id}.{error}") from None
        try:
            cron_trigger(merged["schedule"])
        except ValueError as error:
            raise VernError(
                f"configuration key checks.{check_id}.schedule: {merged['schedule']!r} "
                f"is not a crontab line ({error})"
            ) from None
        check_settings[check_id] = merged

    for key in ("processor_notice_hours", "reminder_minutes", "refresh_seconds"):
        if top["breaches"][key] < 1:
            raise VernError(f"configuration key breaches.{key}: must be at least 1")
    if top["review"]["agreement_days"] < 1:
        raise VernError("configuration key review.agreement_days: must be at least 1")
    for section, key in (("review", "digest_schedule"), ("requests", "reminder_schedule")):
        _crontab(f"{section}.{key}", top[section][key], path)
    if top["mail"]["security"] not in ("none", "starttls", "ssl"):
        raise VernError("configuration key mail.security: must be none, starttls or ssl")
    if not 0 < top["auth"]["idle_minutes"] <= 24 * 60:  # also refuses TOML's nan and inf
        raise VernError("configuration key auth.idle_minutes: must be more than 0 and at most 1440 (a day)")
    inbox = Path(top["inbox"]["path"]) if top["inbox"]["path"] else database.parent / "inbox"
    key_file = Path(top["keys"]["path"]) if top["keys"]["path"] else database.with_suffix(".key")
    return Config(
        path=path,
        language=top["language"],
        port=port,
        address=top["server"]["address"],
        misfire_grace_seconds=grace,
        inbox=inbox,
        key_file=key_file,
        oidc_provider=top["auth"]["oidc_provider"],
        idle_minutes=top["auth"]["idle_minutes"],
        role_map=top["auth"]["roles"],
        organisation=top["organisation"],
        breaches=top["breaches"],
        review=top["review"],
        requests=top["requests"],
        mail=top["mail"],
        checks=check_settings,
    )


def locate(explicit: str | None, env: str | None, database: Path) -> Path | None:
    """The configuration file in force, or None to run on defaults."""
    if explicit:
        return Path(explicit)
    if env:
        return Path(env)
    beside = database.parent / "vern.toml"
    return beside if beside.exists() else None
