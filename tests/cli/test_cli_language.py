"""Errors in the reader's language (issue 16, item 3): bokmål unless --lang, VERN_LANG or the
configuration says English; a configuration that cannot be read speaks bokmål, since its
language is unknown. Every expected sentence is written out here, from the catalogue's rule."""

import os
import subprocess
import sys
from pathlib import Path

import vern_process

VERN = Path(sys.executable).parent / "vern"


def vern_cli(tmp_path: Path, *args: str, lang_env: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VERN_LANG", "VERN_DB", "VERN_CONFIG", "VERN_KEYS")}
    if lang_env:
        env["VERN_LANG"] = lang_env
    return vern_process.run([VERN, "--db", str(tmp_path / "v.duckdb"), *args], capture_output=True, text=True,
                          env=env, timeout=120)


def refused(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def test_an_error_is_bokmal_by_default_and_english_with_lang_or_vern_lang(tmp_path):
    missing = tmp_path / "missing.toml"
    args = ("--config", str(missing), "init")
    assert refused(vern_cli(tmp_path, *args)) == f"vern: konfigurasjonsfilen {missing}: finnes ikke\n"
    english = f"vern: configuration file {missing}: does not exist\n"
    assert refused(vern_cli(tmp_path, "--lang", "en", *args)) == english
    assert refused(vern_cli(tmp_path, *args, lang_env="en")) == english
    assert refused(vern_cli(tmp_path, "--lang", "nb", *args, lang_env="en")).startswith("vern: konfigurasjonsfilen ")


def test_the_configurations_language_makes_errors_english_when_no_lang_is_given(tmp_path):
    config = tmp_path / "vern.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    stderr = refused(vern_cli(tmp_path, "--config", str(config), "checks", "run", "no-such-check"))
    assert stderr.startswith("vern: no check 'no-such-check'; installed: ")
    stderr = refused(vern_cli(tmp_path, "--config", str(config), "--lang", "nb", "checks", "run", "no-such-check"))
    assert stderr.startswith("vern: ingen kontroll 'no-such-check'; installert: ")


def test_a_configuration_that_cannot_be_read_speaks_bokmal_whatever_it_says(tmp_path):
    config = tmp_path / "vern.toml"
    config.write_text('language = "en"\n[server]\nport = 0\n', encoding="utf-8")
    stderr = refused(vern_cli(tmp_path, "--config", str(config), "init"))
    assert stderr == "vern: konfigurasjonsnøkkelen server.port: 0 er ikke et portnummer\n"
    config.write_text('language = "en"\nport = =\n', encoding="utf-8")  # the second "=" is column 8
    stderr = refused(vern_cli(tmp_path, "--config", str(config), "init"))
    assert stderr == f"vern: konfigurasjonsfilen {config}: ikke gyldig TOML (linje 2, kolonne 8)\n"


def test_an_access_log_refusal_reaches_a_bokmal_reader_in_bokmal(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("timestamp,actor,action\n2026-11-30T10:00:00+01:00,ola@example.org,read\n", encoding="utf-8")
    stderr = refused(vern_cli(tmp_path, "import", "access-logs", str(log), "--format", "csv"))
    assert stderr == (f"vern: {log}: ingenting ble importert.\n"
                      "  linje 1: mangler kolonnen system: ikke en CSV-fil med tilgangslogg\n")
    assert "ola@example.org" not in stderr
