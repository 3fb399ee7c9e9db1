"""A scheduled check and a person saving on the dashboard, at the same moment, both succeed.

DuckDB refuses two transactions that touch the same row ("Conflict on update"); the
store's single writer path makes them queue instead.
"""

import threading
from collections import Counter

from audits.checking import findings, runner


def test_check_runs_and_dashboard_writes_at_the_same_moment_both_succeed(demo_vern):
    store, check = demo_vern.store, demo_vern.checks["processors"]
    # Decisions on the very findings the check rewrites: the processors check's own.
    keys = [row["fingerprint"] for row in findings.listing(store, check="processors")]
    assert len(keys) == 6
    start = threading.Barrier(2)
    errors, results = [], []

    def run_checks():
        start.wait()
        for _ in range(15):
            results.append(runner.run(store, demo_vern.config, check, "schedule"))

    def save_decisions():
        start.wait()
        try:
            for i in range(60):
                status = "acknowledged" if i % 2 == 0 else "open"
                findings.set_status(store, keys[i % len(keys)], status, "adviser", f"round {i}")
        except Exception as error:  # any failure is the test's failure
            errors.append(error)

    threads = [threading.Thread(target=run_checks), threading.Thread(target=save_decisions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert [r.status for r in results] == ["succeeded"] * 15
    assert len(findings.listing(store, check="processors")) == 6  # still one finding per fingerprint
    # ...and the other checks' findings beside them, untouched.
    assert Counter(row["check"] for row in findings.listing(store)) == \
        {"processors": 6, "access_logs": 8, "training": 9, "activities": 9, "retention": 3, "consent": 3,
         "requests": 4}
    decisions = store.value("SELECT count(*) FROM finding_events WHERE actor = 'adviser'")
    assert decisions == 60
