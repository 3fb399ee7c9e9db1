"""Configuration: one TOML file, every key with a default, bad values refused by name.

Found at `--config`, else `VERN_CONFIG`, else `vern.toml` beside the database. Vern runs
without one; data/vern.example.toml shows every key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audits.core import clock, text
from audits.core.errors import VernError, os_reason, reason
from audits.core.i18n import LANGUAGES, Message

if TYPE_CHECKING:  # annotations only
    from apscheduler.triggers.cron import CronTrigger

    from audits.alerts.channels import Channel
    from audits.sources.settings import Source

DEFAULTS: dict[str, Any] = {
    "language": "nb",
    "server": {"port": 8501, "address": "localhost"},
    "scheduler": {"misfire_grace_seconds": 3600},
    "inbox": {"path": ""},
    "keys": {"path": ""},
    "organisation": {"name": "", "org_number": "", "address": "", "contact_name": "", "contact_role": "",
                     "contact_email": "", "contact_phone": ""},
    "breaches": {"processor_notice_hours": 24, "reminder_minutes": 5, "refresh_seconds": 30, "dashboard_url": ""},
    "review": {"digest_schedule": "0 7 * * 1", "agreement_days": 60},
    "requests": {"reminder_schedule": "0 7 * * *"},
    "mail": {"host": "", "port": 587, "security": "starttls", "username": "", "sender": "",
             "advisers": []},
    "backup": {"folder": "", "passphrase_env": "VERN_BACKUP_PASSPHRASE", "schedule": "30 2 * * *",
               "keep_daily": 7, "keep_weekly": 4, "keep_monthly": 12, "s3_bucket": "", "s3_prefix": "vern/"},
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
    alert_channels: list[Channel] = field(default_factory=list)  # [[alerts.channels]]
    sources: dict[str, Source] = field(default_factory=dict)  # [sources.<name>]
    backup: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS["backup"]))  # [backup], folder resolved

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
            raise ValueError(Message("config.cron_weekday", {"part": part}))
        out.extend(WEEKDAYS[n] for n in numbers)
    return ",".join(dict.fromkeys(out))


def cron_trigger(expression: str) -> CronTrigger:
    """A five-field crontab line, read in Oslo time."""
    # imported here: APScheduler costs 0.1 s, and `vern --help` reads no schedule
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(Message("config.cron_fields", {"n": len(fields)}))
    minute, hour, day, month, weekday = fields
    weekday = _crontab_weekdays(weekday)
    try:
        return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday,
                           timezone=clock.OSLO)
    except ValueError:  # APScheduler's words are English
        raise ValueError(Message("config.cron_invalid")) from None


def _not_crontab(key: str, value: str, error: ValueError, path: Path | None = None) -> VernError:
    why = Message("config.not_crontab", {"value": value, "why": reason(error)})
    if path is None:
        return VernError("config.key", setting=key, why=why)
    return VernError("config.key_in", setting=key, why=why, path=str(path))


def _crontab(key: str, value: str, path: Path | None) -> None:
    """A schedule outside a check's section: refused naming its key and the file it came from."""
    try:
        cron_trigger(value)
    except ValueError as error:
        raise _not_crontab(key, value, error, path) from None


KINDS = {bool: "bool", int: "int", float: "float", str: "str", dict: "dict", list: "list"}  # config.kind.*


def _checked(key: str, value: Any, default: Any) -> Any:
    expected = type(default)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)  # TOML's 30 where a number is asked for
    wrong_int = expected is int and isinstance(value, bool)  # TOML true is no number
    wrong_list = expected is list and isinstance(value, list) and not all(isinstance(i, str) for i in value)
    if wrong_int or wrong_list or not isinstance(value, expected):
        raise VernError("config.key", setting=key, why=Message(
            "config.expected", {"kind": Message(f"config.kind.{KINDS[expected]}"), "value": value}))
    if isinstance(default, dict) and default:
        return _merge(value, default, key + ".")
    return value


def _merge(section: Any, defaults: dict, prefix: str) -> dict:
    if not isinstance(section, dict):
        raise VernError("config.key", setting=prefix.rstrip(".") or "file", why=Message("config.expected_table"))
    unknown = sorted(set(section) - set(defaults))
    if unknown:
        raise VernError("config.key", setting=prefix + unknown[0], why=Message("config.unknown"))
    return {
        key: _checked(prefix + key, section.get(key, default), default)
        for key, default in defaults.items()
    }


def _at_least(key: str) -> VernError:
    return VernError("config.key", setting=key, why=Message("config.at_least", {"min": 1}))


def _toml_reason(error: tomllib.TOMLDecodeError) -> Message:
    """Where the TOML is wrong, by line and column (tomllib's own words are English)."""
    found = re.search(r"at line (\d+), column (\d+)", str(error))
    if found is None:
        return Message("config.not_toml")
    return Message("config.not_toml_at", {"line": int(found[1]), "column": int(found[2])})


def _setting_reason(error: ValueError) -> Message:
    """A check's setting refused (Check.check_settings): its Message; a check still raising
    "name: words" gets its setting named and the words left out, being English."""
    found = error.args[0] if error.args else None
    if isinstance(found, Message):
        return found
    name = text.key(str(found).partition(":")[0])
    return Message("config.setting", {"setting": name, "why": Message("input.invalid")})


def load(path: Path | None, database: Path, checks: dict[str, Any]) -> Config:
    """Read and validate the configuration. `checks` maps check id to the Check class."""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise VernError("config.file", path=str(path), why=os_reason(error)) from None
        except UnicodeDecodeError:
            raise VernError("config.file", path=str(path), why=Message("file.not_utf8")) from None
        except tomllib.TOMLDecodeError as error:
            raise VernError("config.file", path=str(path), why=_toml_reason(error)) from None

    check_sections = _merge(raw.pop("checks", {}), dict.fromkeys(checks, {}), "checks.")
    alert_channels = _alert_channels(raw.pop("alerts", {}))
    sources = _sources(raw.pop("sources", {}))
    top = _merge(raw, DEFAULTS, "")
    if top["language"] not in LANGUAGES:
        raise VernError("config.key", setting="language", why=Message("config.one_of", {"allowed": ", ".join(LANGUAGES)}))
    port = top["server"]["port"]
    if not 1 <= port <= 65535:
        raise VernError("config.key", setting="server.port", why=Message("config.not_port", {"port": port}))
    grace = top["scheduler"]["misfire_grace_seconds"]
    if grace < 1:
        raise _at_least("scheduler.misfire_grace_seconds")

    check_settings = {}
    for check_id, check in checks.items():
        defaults = {**CHECK_DEFAULTS, "schedule": check.schedule, **check.settings}
        merged = _merge(check_sections[check_id], defaults, f"checks.{check_id}.")
        try:
            check.check_settings(merged)
        except ValueError as error:
            raise VernError("config.check_key", check=check_id, why=_setting_reason(error)) from None
        try:
            cron_trigger(merged["schedule"])
        except ValueError as error:
            raise _not_crontab(f"checks.{check_id}.schedule", merged["schedule"], error) from None
        check_settings[check_id] = merged

    for key in ("processor_notice_hours", "reminder_minutes", "refresh_seconds"):
        if top["breaches"][key] < 1:
            raise _at_least(f"breaches.{key}")
    if top["review"]["agreement_days"] < 1:
        raise _at_least("review.agreement_days")
    for section, key in (("review", "digest_schedule"), ("requests", "reminder_schedule"), ("backup", "schedule")):
        _crontab(f"{section}.{key}", top[section][key], path)
    if top["mail"]["security"] not in ("none", "starttls", "ssl"):
        raise VernError("config.key", setting="mail.security", why=Message("config.security"))
    if not 0 < top["auth"]["idle_minutes"] <= 24 * 60:  # also refuses TOML's nan and inf
        raise VernError("config.key", setting="auth.idle_minutes", why=Message("config.idle_minutes"))
    backup = _backup(top["backup"], database)
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
        alert_channels=alert_channels,
        sources=sources,
        backup=backup,
    )


def _backup(section: dict[str, Any], database: Path) -> dict[str, Any]:
    """[backup], with its folder resolved (default: backups/ beside the database)."""
    keeps = ("keep_daily", "keep_weekly", "keep_monthly")
    for key in keeps:
        if section[key] < 0:
            raise VernError("backups.config.keep", key=f"backup.{key}")
    if not any(section[key] for key in keeps):
        raise VernError("backups.config.keep_one")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", section["passphrase_env"]):
        raise VernError("backups.config.variable", key="backup.passphrase_env")
    folder = Path(section["folder"]) if section["folder"] else database.parent / "backups"
    return {**section, "folder": folder}


def _alert_channels(section: Any) -> list[Channel]:
    """`[[alerts.channels]]`: a list of tables, which the defaults' merging does not read."""
    from audits.alerts import channels

    if not isinstance(section, dict) or set(section) - {"channels"}:
        raise VernError("alerts.config.section")
    return channels.from_config(section.get("channels", []))


def _sources(section: Any) -> dict[str, Source]:
    from audits.sources import settings

    return settings.from_config(section)


def locate(explicit: str | None, env: str | None, database: Path) -> Path | None:
    """The configuration file in force, or None to run on defaults."""
    if explicit:
        return Path(explicit)
    if env:
        return Path(env)
    beside = database.parent / "vern.toml"
    return beside if beside.exists() else None
