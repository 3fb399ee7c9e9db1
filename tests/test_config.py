"""Configuration: every key has a default; a bad value is refused with its key named."""

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from audits import config as configuration
from audits.errors import VernError
from checks.processors import ProcessorsCheck

CHECKS = {"processors": ProcessorsCheck}
EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "vern.example.toml"


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
    assert config.checks == {
        "processors": {"enabled": True, "schedule": "15 6 * * *", "review_months": 12}}


def test_empty_file_gives_the_defaults(tmp_path):
    config = load(tmp_path, "")
    assert (config.language, config.port, config.checks["processors"]["review_months"]) == \
        ("nb", 8501, 12)


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
[checks.processors]
enabled = false
schedule = "0 7 * * 1"
review_months = 6
""")
    assert (config.language, config.port, config.address, config.misfire_grace_seconds,
            config.inbox) == ("en", 9000, "0.0.0.0", 60, Path("/srv/vern/inbox"))
    assert config.check("processors") == {"enabled": False, "schedule": "0 7 * * 1", "review_months": 6}


def test_a_partial_check_section_keeps_the_other_defaults(tmp_path):
    config = load(tmp_path, "[checks.processors]\nreview_months = 18\n")
    assert config.check("processors") == {"enabled": True, "schedule": "15 6 * * *", "review_months": 18}


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
    ("[inbox]\npath = 5", "inbox.path"),
    ("server = 5", "server"),
    ('[checks.processors]\nschedule = "bad"', "checks.processors.schedule"),
    ('[checks.processors]\nschedule = "61 6 * * *"', "checks.processors.schedule"),
    ('[checks.processors]\nschedule = ""', "checks.processors.schedule"),
    ('[checks.processors]\nenabled = "yes"', "checks.processors.enabled"),
    ('[checks.processors]\nreview_months = "12"', "checks.processors.review_months"),
    ("[checks.processors]\nreview_months = 12.5", "checks.processors.review_months"),
    ("[checks.processors]\nreview_months = true", "checks.processors.review_months"),
])
def test_bad_value_is_refused_naming_its_key(tmp_path, toml, key):
    with pytest.raises(VernError, match=rf"configuration key {key}:"):
        load(tmp_path, toml)


@pytest.mark.parametrize("toml, key", [
    ('colour = "blue"', "colour"),
    ("[server]\nhost = 1", "server.host"),
    ("[checks.nosuch]\nenabled = true", "checks.nosuch"),
    ("[checks.processors]\nreview_weeks = 4", "checks.processors.review_weeks"),
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
    assert tomllib.loads(EXAMPLE.read_text(encoding="utf-8")) == {
        "language": "nb",
        "server": {"port": 8501, "address": "localhost"},
        "scheduler": {"misfire_grace_seconds": 3600},
        "inbox": {"path": ""},
        "checks": {"processors": {"enabled": True, "schedule": "15 6 * * *", "review_months": 12}},
    }


def test_example_configuration_loads_to_the_same_config_as_no_file(tmp_path):
    database = tmp_path / "db" / "vern.duckdb"
    from_example = configuration.load(EXAMPLE, database, CHECKS)
    assert from_example.path == EXAMPLE
    assert replace(from_example, path=None) == configuration.load(None, database, CHECKS)
