"""A command line that starts at once (issue 16, item 5): the heavy libraries load only in
the commands that use them. Each test runs the CLI in a fresh interpreter and reads what it
imported, so a heavy import put back at the top of any module on the way fails here.
Speed itself is measured in benchmarks/cli_start.py, never asserted."""

import json
import shutil
import subprocess
import sys

import pytest

from audits.checking import registry

# Pandas (and what it brings), the PDF and spreadsheet writers, charts, the dashboard,
# password hashing and the holiday calendar: none is needed to list commands or checks.
HEAVY = ("pandas", "numpy", "pyarrow", "reportlab", "plotly", "openpyxl", "pypdf", "streamlit", "argon2",
         "holidays")

CHILD = """
import json, sys
from audits.cli.main import cli
modules_file, *commands = sys.argv[1:]
for args in map(json.loads, commands):
    cli.main(args, prog_name="vern", standalone_mode=False)
with open(modules_file, "w") as out:
    json.dump(sorted(sys.modules), out)
"""


@pytest.fixture
def demo_db(demo_template, tmp_path, env):
    """A copy of the demo (every check run once) for commands in another process."""
    shutil.copytree(demo_template, tmp_path / "demo")
    return tmp_path / "demo" / "vern.duckdb"


def run_cli(tmp_path, *commands: list[str]) -> tuple[str, set[str]]:
    """Import the CLI in a fresh interpreter and run `commands` in it, one after the other;
    returns what they printed and the top-level packages imported by then."""
    modules_file = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", CHILD, str(modules_file), *map(json.dumps, commands)],
                          capture_output=True, text=True, check=True)
    return done.stdout, {name.split(".")[0] for name in json.loads(modules_file.read_text())}


def test_vern_help_loads_no_heavy_library_nor_the_scheduler(tmp_path, env):
    output, loaded = run_cli(tmp_path, ["--help"])
    assert "Usage: vern" in output and "checks" in output
    assert sorted(loaded & {*HEAVY, "apscheduler"}) == []


def test_checks_list_loads_every_check_and_no_heavy_library(tmp_path, demo_db):
    output, loaded = run_cli(tmp_path, ["--db", str(demo_db), "checks", "list"],
                             ["--db", str(demo_db), "checks", "list", "--json"])
    listed = json.loads(output[output.index("\n["):])
    assert [check["id"] for check in listed] == list(registry.installed())
    assert all(output.startswith(f"{check['id']} ") or f"\n{check['id']} " in output for check in listed)
    assert {"checks", "duckdb"} <= loaded
    assert sorted(loaded & set(HEAVY)) == []


def test_the_probe_sees_a_heavy_library_a_command_does_load(tmp_path, demo_db):
    """Exporting the activities to Excel needs openpyxl: the probe above would see it."""
    out = tmp_path / "activities.xlsx"
    _, loaded = run_cli(tmp_path, ["--db", str(demo_db), "activities", "export", "--format", "xlsx",
                                   "--out", str(out)])
    assert out.read_bytes().startswith(b"PK")
    assert "openpyxl" in loaded
