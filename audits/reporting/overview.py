"""The state of the checks and findings at a glance: shared by the overview page,
the checks page and `vern checks list`."""

from typing import Any

from audits import scheduler
from audits.checking import findings, runner
from audits.checking.api import SEVERITY_ORDER
from audits.runtime import Vern


def checks_status(vern: Vern) -> list[dict[str, Any]]:
    """Every installed check with its schedule, latest run and next run."""
    latest = runner.latest(vern.store)
    items = []
    for check in vern.checks.values():
        settings = vern.config.check(check.id)
        items.append({
            "id": check.id,
            "title": check.title,
            "area": check.area,
            "schedule": settings["schedule"],
            "enabled": settings["enabled"],
            "next_run": scheduler.next_run(vern, check.id),
            "rules": check.rules,
            "last_run": latest.get(check.id),
        })
    return items


def open_findings(vern: Vern) -> list[dict[str, Any]]:
    """Findings that still want work, counted by area and severity, most severe first."""
    rows = []
    for row in findings.open_counts(vern.store):
        check = vern.checks.get(row["check"])
        rows.append({**row, "area": check.area if check else row["check"]})
    return sorted(rows, key=lambda r: SEVERITY_ORDER[r["severity"]], reverse=True)
