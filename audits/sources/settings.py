"""`[sources.<name>]`: where Vern pulls evidence itself, one table per source.

Every source has `kind`, `schedule` (crontab, Oslo time; `vern serve` pulls on it) and
`endpoint` (the provider's base URL: every address of that provider is built from it, so
a test or a national cloud moves them all together). Each kind adds keys of its own.
Secrets are never in the file: a key ending in `_env` names the environment variable that
holds one, and the value is read only when a pull needs it.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from audits.core.errors import VernError

# kind -> its own keys (beside kind, schedule and endpoint), each with its default.
KINDS: dict[str, dict[str, str]] = {
    "xapi": {"username_env": "", "password_env": "", "token_env": ""},
    "m365": {"tenant_id": "", "client_id": "", "client_secret_env": "", "certificate_env": ""},
    "google": {"credentials_env": "", "subject": ""},
    "s3": {"bucket": "", "prefix": "AWSLogs/", "region": "", "profile": ""},
    "entra_directory": {"tenant_id": "", "client_id": "", "client_secret_env": "", "certificate_env": "",
                        "personal_data_group": ""},
    "google_directory": {"credentials_env": "", "subject": "", "personal_data_group": ""},
}
# The endpoint of a kind whose provider has one of its own (Microsoft's, Google's, Amazon's
# public addresses): the `endpoint` key then overrides it, for a national cloud or a test.
# Every other kind needs one.
PROVIDER_DEFAULT = {"m365", "google", "s3", "entra_directory", "google_directory"}
REQUIRED = {"m365": ("tenant_id", "client_id"), "entra_directory": ("tenant_id", "client_id"),
            "google": ("credentials_env", "subject"), "google_directory": ("credentials_env", "subject"),
            "s3": ("bucket",)}  # kind -> its keys that must be given
DEFAULT_SCHEDULE = "15 * * * *"  # hourly, a quarter past
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
LOOPBACK = ("localhost", "127.0.0.1", "::1")  # the only hosts asked over clear http
# How long a source may bring nothing new before the `sources` check calls it stale: a
# learning record store is quiet between courses.
QUIET_HOURS = {"xapi": 24 * 14, "m365": 48, "google": 48, "s3": 48, "entra_directory": 48, "google_directory": 48}
# Kinds that read the whole of something each time (a directory): fresh while their pulls go
# through, whether or not anything changed; the others are fresh while they bring new events.
SNAPSHOTS = {"entra_directory", "google_directory"}


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    schedule: str
    endpoint: str
    quiet_hours: int = 24
    options: dict[str, str] = field(default_factory=dict)
    expires_on: date | None = None  # when its secret expires, as the admin noted it from the provider

    def secret(self, key: str) -> str:
        """The value of the environment variable that `key` (an `_env` key) names."""
        variable = self.options[key]
        value = os.environ.get(variable, "")
        if not value:
            raise VernError("sources.secret_missing", source=self.name, variable=variable)
        return value


def from_config(section: Any) -> dict[str, Source]:
    """The sources of `[sources.<name>]`, each checked; refused naming the table and key."""
    from audits.core.config import cron_trigger  # the configuration imports this module

    if not isinstance(section, dict):
        raise VernError("sources.config.not_tables")
    sources = {}
    for name, table in section.items():
        where = f"sources.{name}"
        if not NAME.fullmatch(name):  # it names files (a refused page) and the scheduler's jobs
            raise VernError("sources.config.name", key=where)
        if not isinstance(table, dict):
            raise VernError("sources.config.not_a_table", key=where)
        table = dict(table)  # quiet_hours is taken out below; the configuration read stays as it was
        kind = table.get("kind")
        if kind not in KINDS:
            raise VernError("sources.config.kind", key=f"{where}.kind", kinds=", ".join(KINDS))
        known = {"kind", "schedule", "endpoint", "quiet_hours", "expires_on", *KINDS[kind]}
        unknown = sorted(set(table) - known)
        if unknown:
            raise VernError("sources.config.unknown_key", key=f"{where}.{unknown[0]}")
        quiet = table.pop("quiet_hours", QUIET_HOURS[kind])
        if isinstance(quiet, bool) or not isinstance(quiet, int) or quiet < 1:
            raise VernError("sources.config.quiet_hours", key=f"{where}.quiet_hours")
        expires_on = _date(table.pop("expires_on", None), f"{where}.expires_on")
        for key, value in table.items():
            if not isinstance(value, str):
                raise VernError("sources.config.not_text", key=f"{where}.{key}")
        endpoint = table.get("endpoint", "")
        if endpoint or kind not in PROVIDER_DEFAULT:
            _check_endpoint(where, endpoint)
        schedule = table.get("schedule", DEFAULT_SCHEDULE)
        try:
            cron_trigger(schedule)
        except ValueError:
            raise VernError("sources.config.schedule", key=f"{where}.schedule") from None
        options = {key: table.get(key, default) for key, default in KINDS[kind].items()}
        _check_auth(where, kind, options)
        sources[name] = Source(name, kind, schedule, endpoint.rstrip("/"), quiet, options, expires_on)
    return sources


def _date(value: Any, key: str) -> date | None:
    """A TOML date (expires_on = 2027-05-01), or the same in quotes."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    raise VernError("sources.config.date", key=key)


def _check_endpoint(where: str, endpoint: str) -> None:
    if not endpoint.startswith(("https://", "http://")):
        raise VernError("sources.config.endpoint", key=f"{where}.endpoint")
    if endpoint.startswith("http://") and urlsplit(endpoint).hostname not in LOOPBACK:
        raise VernError("sources.config.clear_text", key=f"{where}.endpoint")  # secrets travel with it


def _check_auth(where: str, kind: str, options: dict[str, str]) -> None:
    """xAPI: basic auth (username_env and password_env) or a bearer token (token_env).
    Microsoft (the audit log, the directory): the tenant, the app, and its secret or its
    certificate. Google (the audit log, the directory): the service account's key file and
    the admin it acts as. S3: the trail's bucket."""
    if kind == "xapi":
        basic = bool(options["username_env"]) + bool(options["password_env"])
        if basic == 1 or (basic == 2) == bool(options["token_env"]):
            raise VernError("sources.config.xapi_auth", key=where)
    for key in REQUIRED.get(kind, ()):
        if not options[key]:
            raise VernError("sources.config.required", key=f"{where}.{key}")
    if kind in ("m365", "entra_directory") and bool(options["client_secret_env"]) == bool(options["certificate_env"]):
        raise VernError("sources.config.m365_auth", key=where)
