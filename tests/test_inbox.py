"""Files dropped into the inbox are imported by the next run of their check."""

from audits import processors, runner

GOOD = (
    "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on\n"
    "Already On AS,CRM,NO,none,,,,\n"
)


def test_a_dropped_register_is_imported_and_moved_aside(vern):
    inbox = vern.config.inbox / "processors"
    inbox.mkdir(parents=True)
    (inbox / "register.csv").write_text(GOOD)
    result = runner.run(vern.store, vern.config, vern.checks["processors"], "schedule")
    assert (result.status, result.evidence_rows, result.findings) == ("succeeded", 1, 1)
    assert [r["name"] for r in processors.register(vern.store)] == ["Already On AS"]
    assert list(inbox.glob("*.csv")) == []
    assert [p.name for p in (inbox / "imported").iterdir()] == ["20261124T110000Z-register.csv"]


def test_a_bad_dropped_file_fails_the_run_and_changes_nothing(vern):
    inbox = vern.config.inbox / "processors"
    inbox.mkdir(parents=True)
    (inbox / "register.csv").write_text(GOOD)
    runner.run(vern.store, vern.config, vern.checks["processors"], "schedule")
    (inbox / "next.csv").write_text(GOOD.replace(",NO,", ",XX,"))
    result = runner.run(vern.store, vern.config, vern.checks["processors"], "schedule")
    assert result.status == "failed"
    assert "line 2, field countries: code 1 is not an ISO 3166-1 alpha-2 country code" in result.error
    assert [r["countries"] for r in processors.register(vern.store)] == [["NO"]]
    assert [p.name for p in (inbox / "failed").iterdir()] == ["20261124T110000Z-next.csv"]
    assert runner.history(vern.store, "processors")[0]["error"] == result.error
