"""Configuration: every key has a default; a bad value is refused with its key named."""

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from audits.checking import registry
from audits.core import config as configuration
from audits.core.errors import VernError

CHECKS = registry.installed()  # every check the entry points register, as Vern loads them
EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "vern.example.toml"
NO_ROLES = {"staff": [], "adviser": [], "board": [], "admin": []}


def load(tmp_path: Path, toml: str | None):
    path = None
    if toml is not None:
        path = tmp_path / "vern.toml"
        path.write_text(toml, encoding="utf-8")
    return configuration.load(path, tmp_path / "db" / "vern.duckdb", CHECKS)


def test_defaults_without_a_file(tmp_path):
    config = load(tmp_path, None)
    assert (config.path, config.language, config.port, config.address,
            config.misfire_grace_seconds, config.inbox) == \
        (None, "nb", 8501, "localhost", 3600, tmp_path / "db" / "inbox")
    # The key file sits beside the database; sign-in is local with a 30-minute idle limit.
    assert (config.key_file, config.oidc_provider, config.idle_minutes, config.role_map) == \
        (tmp_path / "db" / "vern.key", "", 30, NO_ROLES)
    assert config.checks["processors"] == {"enabled": True, "schedule": "15 6 * * *", "review_months": 12}
    assert config.checks["access_logs"]["retention_months"] == 13


def test_empty_file_gives_the_defaults(tmp_path):
    config = load(tmp_path, "")
    assert (config.language, config.port, config.checks["processors"]["review_months"]) == \
        ("nb", 8501, 12)
    assert (config.key_file, config.idle_minutes, config.role_map) == \
        (tmp_path / "db" / "vern.key", 30, NO_ROLES)


def test_every_key_can_be_set(tmp_path):
    config = load(tmp_path, """
language = "en"
[server]
port = 9000
address = "0.0.0.0"
[scheduler]
misfire_grace_seconds = 60
[inbox]
path = "/srv/vern/inbox"
[keys]
path = "/etc/vern/vern.key"
[auth]
oidc_provider = "microsoft"
idle_minutes = 15
[auth.roles]
staff = ["staff@example.org"]
adviser = ["personvern@example.org", "dpo-group"]
board = ["styret"]
admin = ["it@example.org"]
[checks.processors]
enabled = false
schedule = "0 7 * * 1"
review_months = 6
""")
    assert (config.language, config.port, config.address, config.misfire_grace_seconds,
            config.inbox) == ("en", 9000, "0.0.0.0", 60, Path("/srv/vern/inbox"))
    assert (config.key_file, config.oidc_provider, config.idle_minutes) == \
        (Path("/etc/vern/vern.key"), "microsoft", 15)
    assert config.role_map == {"staff": ["staff@example.org"],
                               "adviser": ["personvern@example.org", "dpo-group"],
                               "board": ["styret"], "admin": ["it@example.org"]}
    assert config.check("processors") == {"enabled": False, "schedule": "0 7 * * 1", "review_months": 6}


def test_a_partial_check_section_keeps_the_other_defaults(tmp_path):
    config = load(tmp_path, "[checks.processors]\nreview_months = 18\n")
    assert config.check("processors") == {"enabled": True, "schedule": "15 6 * * *", "review_months": 18}


def test_a_partial_roles_table_keeps_the_other_roles_empty(tmp_path):
    config = load(tmp_path, '[auth.roles]\nadviser = ["dpo@example.org"]\n')
    assert config.role_map == {**NO_ROLES, "adviser": ["dpo@example.org"]}
    assert (config.oidc_provider, config.idle_minutes) == ("", 30)


def test_config_is_found_beside_the_database(tmp_path):
    database = tmp_path / "vern.duckdb"
    assert configuration.locate(None, None, database) is None
    (tmp_path / "vern.toml").write_text("", encoding="utf-8")
    assert configuration.locate(None, None, database) == tmp_path / "vern.toml"
    assert configuration.locate(None, "/etc/vern.toml", database) == Path("/etc/vern.toml")
    assert configuration.locate("/opt/mine.toml", "/etc/vern.toml", database) == Path("/opt/mine.toml")


# -- bad values, each named by its key ----------------------------------------------------
@pytest.mark.parametrize("toml, key", [
    ('language = "de"', "language"),
    ("language = 5", "language"),
    ('[server]\nport = "8501"', "server.port"),
    ("[server]\nport = true", "server.port"),
    ("[server]\nport = 8501.0", "server.port"),
    ("[server]\nport = 0", "server.port"),
    ("[server]\nport = 70000", "server.port"),
    ("[server]\naddress = 127", "server.address"),
    ("[scheduler]\nmisfire_grace_seconds = 0", "scheduler.misfire_grace_seconds"),
    ('[scheduler]\nmisfire_grace_seconds = "1h"', "scheduler.misfire_grace_seconds"),
    ("[breaches]\nrefresh_seconds = 0", "breaches.refresh_seconds"),
    ("[inbox]\npath = 5", "inbox.path"),
    ("server = 5", "server"),
    ('[checks.processors]\nschedule = "bad"', "checks.processors.schedule"),
    ('[checks.processors]\nschedule = "61 6 * * *"', "checks.processors.schedule"),
    ('[checks.processors]\nschedule = ""', "checks.processors.schedule"),
    ('[checks.processors]\nenabled = "yes"', "checks.processors.enabled"),
    ('[checks.processors]\nreview_months = "12"', "checks.processors.review_months"),
    ("[checks.processors]\nreview_months = 12.5", "checks.processors.review_months"),
    ("[checks.processors]\nreview_months = true", "checks.processors.review_months"),
    ("[keys]\npath = 5", "keys.path"),
    ("keys = 5", "keys"),
    ("auth = 5", "auth"),
    ("[auth]\noidc_provider = 3", "auth.oidc_provider"),
    ("[auth]\nidle_minutes = 0", "auth.idle_minutes"),
    ('[auth]\nidle_minutes = "30"', "auth.idle_minutes"),
    ("[auth]\nidle_minutes = true", "auth.idle_minutes"),
    ("[auth]\nroles = 5", "auth.roles"),
    ('[auth.roles]\nadviser = "dpo@example.org"', "auth.roles.adviser"),
    ("[auth.roles]\nadviser = [1]", "auth.roles.adviser"),
    ('[auth.roles]\nadviser = ["dpo@example.org", 2]', "auth.roles.adviser"),
    # Not iterable at all: a TypeError traceback at d929947 (audits/core/config.py _checked).
    ("[auth.roles]\nadviser = 5", "auth.roles.adviser"),
    ("[auth.roles]\nadviser = true", "auth.roles.adviser"),
    ("[auth.roles]\nadviser = 1.5", "auth.roles.adviser"),
])
def test_bad_value_is_refused_naming_its_key(tmp_path, toml, key):
    with pytest.raises(VernError, match=rf"configuration key {key}:"):
        load(tmp_path, toml)


@pytest.mark.parametrize("toml, key", [
    ('colour = "blue"', "colour"),
    ("[server]\nhost = 1", "server.host"),
    ("[checks.nosuch]\nenabled = true", "checks.nosuch"),
    ("[checks.processors]\nreview_weeks = 4", "checks.processors.review_weeks"),
    ('[keys]\nfile = "x"', "keys.file"),
    ("[auth]\nidle_seconds = 60", "auth.idle_seconds"),
    ('[auth.roles]\nowner = ["x"]', "auth.roles.owner"),
])
def test_unknown_key_is_refused_naming_it(tmp_path, toml, key):
    with pytest.raises(VernError, match=rf"configuration key {key}:"):
        load(tmp_path, toml)


@pytest.mark.parametrize("toml, key", [
    ("checks = 5", "checks"),
    ("[checks]\nprocessors = 5", "checks.processors"),
])
def test_section_given_as_a_plain_value_is_refused_naming_its_key(tmp_path, toml, key):
    # Found by this test at f1c4d8c (a TypeError traceback); fixed in 683ed85.
    with pytest.raises(VernError, match=rf"configuration key {key}"):
        load(tmp_path, toml)


@pytest.mark.parametrize("months", [0, -6])
def test_review_period_must_be_at_least_one_month(tmp_path, months):
    # With 0 every processor not reviewed today would be overdue; with -6 even one reviewed
    # today. Found by this test at f1c4d8c (accepted); fixed in 683ed85.
    with pytest.raises(VernError, match=r"configuration key checks.processors.review_months"):
        load(tmp_path, f"[checks.processors]\nreview_months = {months}\n")


def test_toml_syntax_error_names_the_file(tmp_path):
    with pytest.raises(VernError, match=r"vern\.toml"):
        load(tmp_path, "language = \n")


def test_missing_explicit_file_is_refused(tmp_path):
    with pytest.raises(VernError, match=r"does not exist"):
        configuration.load(tmp_path / "absent.toml", tmp_path / "vern.duckdb", CHECKS)


# -- data/vern.example.toml -------------------------------------------------------------
def test_example_configuration_shows_every_key_with_its_default():
    expected = {
        "language": "nb",
        "server": {"port": 8501, "address": "localhost"},
        "scheduler": {"misfire_grace_seconds": 3600},
        "inbox": {"path": ""},
        "keys": {"path": ""},
        "organisation": {"name": "", "org_number": "", "address": "", "contact_name": "", "contact_role": "",
                         "contact_email": "", "contact_phone": ""},
        "breaches": {"processor_notice_hours": 24, "reminder_minutes": 5, "refresh_seconds": 30,
                     "dashboard_url": ""},
        "review": {"digest_schedule": "0 7 * * 1", "agreement_days": 60},
        "requests": {"reminder_schedule": "0 7 * * *"},
        "backup": {"folder": "", "passphrase_env": "VERN_BACKUP_PASSPHRASE", "schedule": "30 2 * * *",
                   "keep_daily": 7, "keep_weekly": 4, "keep_monthly": 12, "s3_bucket": "", "s3_prefix": "vern/"},
        "mail": {"host": "", "port": 587, "security": "starttls", "username": "", "sender": "", "advisers": []},
        "auth": {"oidc_provider": "", "idle_minutes": 30, "roles": NO_ROLES},
        "checks": {
            "processors": {"enabled": True, "schedule": "15 6 * * *", "review_months": 12},
            "access_logs": {"enabled": True, "schedule": "30 */6 * * *", "retention_months": 13,
                            "bulk_floor": 100, "bulk_factor": 5, "baseline_days": 30,
                            "failed_signins": 10, "failed_minutes": 10, "night_from": 22, "night_until": 6},
            "training": {"enabled": True, "schedule": "45 6 * * *", "validity_months": 12, "grace_days": 30,
                         "due_soon_days": 30, "account_domain": "",
                         "courses": {kind: ["Personvern grunnkurs"]
                                     for kind in ("employee", "volunteer", "board", "contractor")},
                         "xapi_courses": {}},
            "activities": {"enabled": True, "schedule": "0 6 * * *"},
            "retention": {"enabled": True, "schedule": "0 7 * * *"},
            "consent": {"enabled": True, "schedule": "30 7 * * *", "service_purposes": ["service"]},
            "requests": {"enabled": True, "schedule": "0 7 * * *"},
            "trail": {"enabled": True, "schedule": "0 * * * *"},
            "sources": {"enabled": True, "schedule": "*/30 * * * *"},
            "backups": {"enabled": True, "schedule": "0 * * * *", "max_age_hours": 36},
        },
    }
    # Every installed check has its section, with its own settings and schedule as defaults.
    assert set(expected["checks"]) == set(CHECKS)
    for check_id, check in CHECKS.items():
        assert {**check.settings, "enabled": True, "schedule": check.schedule} == expected["checks"][check_id]
    # Every top-level key the code knows is listed here, so a new one cannot be forgotten.
    assert set(expected) == set(configuration.DEFAULTS) | {"checks"}
    assert {k: v for k, v in expected.items() if k != "checks"} == configuration.DEFAULTS
    assert tomllib.loads(EXAMPLE.read_text(encoding="utf-8")) == expected


def test_example_configuration_loads_to_the_same_config_as_no_file(tmp_path):
    database = tmp_path / "db" / "vern.duckdb"
    from_example = configuration.load(EXAMPLE, database, CHECKS)
    assert from_example.path == EXAMPLE
    assert replace(from_example, path=None) == configuration.load(None, database, CHECKS)
