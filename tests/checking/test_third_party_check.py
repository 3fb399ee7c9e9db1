"""An organisation's own check, installed beside Vern, gets what the built-in checks get —
`vern checks list`, a run and its findings, the findings page, an area on the board —
without a line of Vern changed.

The check is a package of its own written into a temporary directory: a module and a
`*.dist-info` folder whose entry_points.txt registers it under `vern.checks`, found by
importlib.metadata once the directory is on the path (PYTHONPATH for a `vern` command,
sys.path for the pages tested in this process, taken off again afterwards). It is not in
the repository's checks/ package nor in pyproject.toml.
"""

import importlib
import json
import os
import subprocess
import sys
import textwrap

import pytest

from audits.checking import registry, runner
from audits.reporting import board, digest
from conftest import VERN, page_text

MODULE = "vern_cookies"
CHECK = '''
    """The website sets no tracking cookie before the visitor has said yes (ekomloven § 3-15,
    GDPR Art. 6(1)(a) and 7(1)): a check of the association's own."""

    from audits.checking.api import Check, Finding, Rule, Severity
    from audits.core.i18n import Text


    class CookieCheck(Check):
        id = "cookies"
        title = Text("Informasjonskapsler på nettstedet", "Cookies on the website")
        area = "website"
        area_title = Text("Nettstedet", "The website")
        schedule = "0 8 * * 1"
        settings = {"pages": ["Innmeldingssiden"]}  # pages that set cookies before consent
        rules = (
            Rule("cookies_without_consent", Severity.medium, "Art. 6(1)(a), 7(1)",
                 Text("Informasjonskapsler uten samtykke", "Cookies without consent"),
                 Text("{subject} setter sporingskapsler før den besøkende har svart.",
                      "{subject} sets tracking cookies before the visitor has answered."),
                 Text("Sett bare nødvendige kapsler før den besøkende har sagt ja.",
                      "Set only strictly necessary cookies until the visitor says yes.")),
        )

        def collect(self, ctx):
            return len(ctx.settings["pages"])

        def evaluate(self, ctx):
            for page in ctx.settings["pages"]:
                yield Finding("cookies_without_consent", page)
'''
# Hand-written from the check above and the board's method: one medium finding weighs 4.
LISTED = {"id": "cookies", "title": "Informasjonskapsler på nettstedet", "area": "website",
          "schedule": "0 8 * * 1", "enabled": True, "last_run": None,
          "rules": [{"id": "cookies_without_consent", "severity": "medium", "article": "Art. 6(1)(a), 7(1)"}]}
MESSAGE_EN = "Innmeldingssiden sets tracking cookies before the visitor has answered."
MESSAGE_NB = "Innmeldingssiden setter sporingskapsler før den besøkende har svart."
# Equal ranks are ordered by name: the audit trail ("trail") before "website"; breaches last.
AREAS = ["processors", "access", "training", "retention", "activities", "consent", "requests", "backups",
         "trail", "website", "breaches"]


@pytest.fixture
def package(tmp_path):
    """The check's package and its distribution metadata, in a folder of its own."""
    folder = tmp_path / "site"
    (folder / MODULE).mkdir(parents=True)
    (folder / MODULE / "__init__.py").write_text(textwrap.dedent(CHECK))
    meta = folder / "vern_cookies-1.0.dist-info"
    meta.mkdir()
    (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: vern-cookies\nVersion: 1.0\n")
    (meta / "entry_points.txt").write_text(f"[vern.checks]\ncookies = {MODULE}:CookieCheck\n")
    return folder


def vern_cli(db, package, *args: str, installed: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"PYTHONPATH": str(package)} if installed else {})}
    # A fresh interpreter: the package is installed by PYTHONPATH at its start.
    return subprocess.run([VERN, "--db", str(db), *args], capture_output=True, text=True, env=env)


def test_the_command_line_lists_runs_and_stores_it(db, package):
    listed = vern_cli(db, package, "checks", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [cookies] = [c for c in json.loads(listed.stdout) if c["id"] == "cookies"]
    assert {k: v for k, v in cookies.items() if k != "next_run"} == LISTED
    assert cookies["next_run"] == "2026-11-30T07:00:00Z"  # Monday 08:00 in Oslo after the fixed clock
    plain = vern_cli(db, package, "checks", "list").stdout
    assert any(line.startswith("cookies ") and "Informasjonskapsler på nettstedet" in line
               for line in plain.splitlines())

    ran = vern_cli(db, package, "checks", "run", "cookies")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "cookies: succeeded: 1 findings from 1 evidence rows\n"
    found = json.loads(vern_cli(db, package, "findings", "list", "--check", "cookies", "--json").stdout)
    assert [(f["rule"], f["subject"], f["severity"], f["status"], f["message"]) for f in found] == [
        ("cookies_without_consent", "Innmeldingssiden", "medium", "open", MESSAGE_NB)]

    summary = json.loads(vern_cli(db, package, "report", "board", "--json").stdout)
    assert [a["area"] for a in summary["areas"]] == AREAS
    [website] = [a for a in summary["areas"] if a["area"] == "website"]
    assert (website["score"], website["checks"], website["open"]["medium"]) == (96, ["cookies"], 1)


def test_without_the_package_vern_knows_no_such_check(db, package):
    listed = vern_cli(db, package, "checks", "list", "--json", installed=False)
    assert "cookies" not in [c["id"] for c in json.loads(listed.stdout)]
    refused = vern_cli(db, package, "checks", "run", "cookies", installed=False)
    assert refused.returncode == 1 and "vern: ingen kontroll 'cookies'; installert: " in refused.stderr


@pytest.fixture
def on_path(package):
    """The package on this process's path, as an installed one would be; afterwards the
    path, the module and the registry's cache as they were."""
    sys.path.insert(0, str(package))
    importlib.invalidate_caches()
    registry.installed.cache_clear()
    yield
    sys.path.remove(str(package))
    sys.modules.pop(MODULE, None)
    importlib.invalidate_caches()
    registry.installed.cache_clear()


@pytest.fixture
def vern(on_path, vern):
    """conftest's Vern, opened once the package is on the path."""
    return vern


def test_its_findings_reach_the_pages_and_the_board(vern, dashboard):
    assert "cookies" in vern.checks
    result = runner.run(vern.store, vern.config, vern.checks["cookies"], "manual")
    assert (result.status, result.findings) == ("succeeded", 1)

    found = dashboard("findings", lang="en")
    assert not found.exception
    assert found.dataframe[0].value["Finding"].tolist() == [MESSAGE_EN]
    assert "Cookies on the website" in found.multiselect[2].options  # the filter by check
    assert "**Cookies without consent** — Legal basis: Art. 6(1)(a), 7(1)" in [m.value for m in found.markdown]
    assert "**What to do:** Set only strictly necessary cookies until the visitor says yes." in [
        m.value for m in found.markdown]

    summary = board.summary(vern)
    assert [a["area"] for a in summary["areas"]] == AREAS
    assert {a["area"]: a["score"] for a in summary["areas"]}["website"] == 96
    page = dashboard("board", lang="en", roles=("board",))
    assert not page.exception
    assert {m.label: m.value for m in page.metric}["The website"] == "96"
    assert "The website" in page_text(page)  # the trend chart's legend too

    overview = dashboard("overview", lang="en")
    assert not overview.exception and "The website" in page_text(overview)  # open findings by area
    queue = dashboard("review", lang="en")
    assert not queue.exception
    assert "The website" in queue.dataframe[0].value["Area"].tolist()
    assert "- The website: medium 1" in digest.markdown(vern, "en").splitlines()
