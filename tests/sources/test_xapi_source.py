"""Vern pulls training completions itself from a learning record store (`[sources.<name>]`,
kind "xapi"), here a real HTTP server on loopback answering as the xAPI specification says."""

import json
from datetime import timedelta

import pytest
import vern_process
from werkzeug import Response

from audits.core import clock, trail
from audits.core.config import load
from audits.core.errors import VernError
from audits.demo.providers.lrs import LRS, PASSWORD, TOKEN, USER, statement
from audits.sources import asking, cursors, pulling
from conftest import VERN

START = clock.parse_instant("2026-11-01T08:00:00Z")


def statements(count: int, first: int = 1) -> list[dict]:
    return [statement(n, START + timedelta(minutes=n)) for n in range(first, first + count)]


def configure(vern, endpoint: str, auth: str = 'username_env = "LRS_USER"\npassword_env = "LRS_PASSWORD"\n',
              name: str = "lrs") -> None:
    path = vern.store.path.parent / "vern.toml"
    path.write_text(f'[sources.{name}]\nkind = "xapi"\nendpoint = "{endpoint}"\n{auth}', encoding="utf-8")
    vern.config = load(path, vern.store.path, vern.checks)


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv("LRS_USER", USER)
    monkeypatch.setenv("LRS_PASSWORD", PASSWORD)
    monkeypatch.setenv("LRS_TOKEN", TOKEN)


@pytest.fixture
def waits(monkeypatch):
    """The backoff's waits, noted instead of slept."""
    seen: list[float] = []
    monkeypatch.setattr(asking, "sleep", seen.append)
    return seen


def stored(vern) -> list[str]:
    return [r["record_id"] for r in vern.store.rows(
        "SELECT record_id FROM training_completions WHERE source = 'xapi' ORDER BY record_id")]


def pull(vern):
    return pulling.pull(vern.store, vern.config, vern.config.sources["lrs"], "test")


def test_three_pages_are_followed_by_more_and_each_completion_stored_once(vern, httpserver, secrets, monkeypatch):
    monkeypatch.setattr("audits.sources.xapi.PAGE_SIZE", 4)
    lrs = LRS(httpserver, statements(10))
    configure(vern, lrs.endpoint)
    pulled = pull(vern)
    assert (pulled.read, pulled.new, pulled.problem) == (10, 10, None)
    assert len(lrs.asked) == 3  # 4 + 4 + 2
    assert lrs.asked[0] == {"ascending": "true", "limit": "4"}  # the first pull reads from the start
    assert len(stored(vern)) == 10
    newest = lrs.statements[-1]["stored"]
    assert cursors.position(vern.store, "lrs", "statements") == clock.iso_utc(clock.parse_instant(newest))
    # Again: from the cursor less the overlap; what is re-read is not stored twice.
    lrs.statements += statements(2, first=11)
    again = pull(vern)
    since = clock.parse_instant(lrs.asked[3]["since"])
    assert since == clock.parse_instant(newest) - timedelta(minutes=5)
    assert (again.read, again.new) == (7, 2)  # 5 in the overlap (minutes 6–10), 2 new
    assert len(stored(vern)) == 12
    entries = trail.listing(vern.store, action="source.pull")
    assert sorted((e["actor"], e["object"], e["details"]["read"], e["details"]["new"]) for e in entries) == [
        ("test", "lrs", 7, 2), ("test", "lrs", 10, 10)]


def test_a_429_is_waited_out_as_retry_after_asks(vern, httpserver, secrets, waits):
    lrs = LRS(httpserver, statements(3))
    lrs.trouble = [Response("slow down", 429, headers={"Retry-After": "7"}),
                   Response("busy", 503)]
    configure(vern, lrs.endpoint)
    pulled = pull(vern)
    assert (pulled.read, pulled.new, pulled.problem) == (3, 3, None)
    assert waits == [7.0, 2]  # the provider's wish, then the backoff's second step


def test_a_500_mid_pull_keeps_the_pages_before_it_and_the_next_pull_resumes(vern, httpserver, secrets, waits,
                                                                          monkeypatch):
    monkeypatch.setattr("audits.sources.xapi.PAGE_SIZE", 3)
    lrs = LRS(httpserver, statements(9))
    configure(vern, lrs.endpoint)
    lrs.failing_more = Response(json.dumps({"error": "Internal error in the statement store"}), 500)
    failed = pull(vern)
    assert (failed.read, failed.new) == (3, 3)
    assert "HTTP 500" in failed.problem and "Internal error in the statement store" in failed.problem
    assert waits == [1, 2, 4, 8]  # five tries
    assert cursors.position(vern.store, "lrs", "statements") == clock.iso_utc(
        clock.parse_instant(lrs.statements[2]["stored"]))
    row = vern.store.rows("SELECT status, events_read, events_new, problem FROM source_pulls ORDER BY id DESC")[0]
    assert (row["status"], row["events_read"]) == ("failed", 3)
    lrs.failing_more = None
    resumed = pull(vern)
    assert resumed.problem is None
    assert resumed.new == 6
    assert len(stored(vern)) == len(set(stored(vern))) == 9  # nothing lost, nothing twice


def test_bearer_auth_and_a_refusal_in_the_providers_own_words(vern, httpserver, secrets, waits):
    lrs = LRS(httpserver, statements(2), bearer=True)
    configure(vern, lrs.endpoint, auth='token_env = "LRS_TOKEN"\n')
    assert pull(vern).new == 2
    configure(vern, lrs.endpoint, auth='token_env = "LRS_USER"\n')  # the wrong secret
    refused = pull(vern)
    assert refused.problem == "lrs svarte HTTP 401: {\"error\": \"Unauthorized: bad credentials\"}"
    assert waits == []  # a refusal is not tried again
    assert pulling.test(vern.config, vern.config.sources["lrs"]) == refused.problem


def test_a_secret_not_set_names_the_variable_and_never_a_value(vern, httpserver, monkeypatch):
    lrs = LRS(httpserver, statements(1))
    configure(vern, lrs.endpoint)
    monkeypatch.delenv("LRS_PASSWORD", raising=False)
    monkeypatch.setenv("LRS_USER", USER)
    pulled = pull(vern)
    assert pulled.problem == "kilde lrs: miljøvariabelen LRS_PASSWORD er ikke satt"
    assert lrs.asked == []


def test_a_page_the_import_refuses_is_kept_in_failed_and_nothing_of_it_stored(vern, httpserver, secrets):
    bad = statements(3)
    del bad[1]["actor"]
    lrs = LRS(httpserver, bad)
    configure(vern, lrs.endpoint)
    pulled = pull(vern)
    assert pulled.new == 0 and stored(vern) == []
    kept = list((vern.config.inbox / "training" / "xapi" / "failed").iterdir())
    assert len(kept) == 1 and json.loads(kept[0].read_text())["statements"] == bad
    assert f"som {kept[0].name}" in pulled.problem
    assert "post 2, felt actor" in pulled.problem  # where, never the value
    assert cursors.position(vern.store, "lrs", "statements") is None


def test_a_page_refused_by_every_pull_is_kept_once(vern, httpserver, secrets, monkeypatch):
    bad = statements(3)
    del bad[1]["actor"]
    configure(vern, LRS(httpserver, bad).endpoint)
    first = clock.now()
    for hours in range(3):  # hourly, while nobody has mended it
        monkeypatch.setenv("VERN_NOW", clock.iso_utc(first + timedelta(hours=hours)))
        pulled = pull(vern)
    kept = list((vern.config.inbox / "training" / "xapi" / "failed").iterdir())
    assert [p.name for p in kept] == ["20261124T130000Z-lrs-statements-1.json"]
    assert f"som {kept[0].name}" in pulled.problem


@pytest.mark.parametrize(("table", "key"), [
    ('kind = "ftp"\nendpoint = "https://x"', "sources.lrs.kind"),
    ('kind = "xapi"\nendpoint = "x"\ntoken_env = "T"', "sources.lrs.endpoint"),
    ('kind = "xapi"\nendpoint = "https://x"\ntoken_env = "T"\npassword = "p"', "sources.lrs.password"),
    ('kind = "xapi"\nendpoint = "https://x"\nusername_env = "U"', "sources.lrs"),
    ('kind = "xapi"\nendpoint = "https://x"\ntoken_env = "T"\nschedule = "hourly"', "sources.lrs.schedule"),
    ('kind = "xapi"\nendpoint = "http://lrs.forening.no/xapi"\ntoken_env = "T"', "sources.lrs.endpoint"),
    ('kind = "xapi"\nendpoint = "https://x"\ntoken_env = "T"\nquiet_hours = "a week"', "sources.lrs.quiet_hours"),
])
def test_a_bad_source_table_is_refused_naming_its_key(vern, table, key):
    path = vern.store.path.parent / "vern.toml"
    path.write_text(f"[sources.lrs]\n{table}\n", encoding="utf-8")
    with pytest.raises(VernError) as refused:
        load(path, vern.store.path, vern.checks)
    assert f"konfigurasjonsnøkkel {key}:" in refused.value.text("nb")


@pytest.mark.parametrize("name", ['"../lrs"', '"LRS på kontoret"', '""'])
def test_a_source_name_that_could_name_a_path_is_refused(vern, name):
    path = vern.store.path.parent / "vern.toml"
    path.write_text(f'[sources.{name}]\nkind = "xapi"\nendpoint = "https://x"\ntoken_env = "T"\n', encoding="utf-8")
    with pytest.raises(VernError) as refused:
        load(path, vern.store.path, vern.checks)
    assert "et kildenavn er små bokstaver" in refused.value.text("nb")


def test_the_command_line_pulls_lists_and_tests(db_path, httpserver, secrets, new_db_template):
    from conftest import copy_template

    copy_template(new_db_template, db_path)
    lrs = LRS(httpserver, statements(5))
    (db_path.parent / "vern.toml").write_text(
        f'[sources.lrs]\nkind = "xapi"\nendpoint = "{lrs.endpoint}"\nusername_env = "LRS_USER"\n'
        'password_env = "LRS_PASSWORD"\n', encoding="utf-8")
    done = vern_process.run([VERN, "sources", "pull", "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"source": "lrs", "read": 5, "new": 5, "ok": True, "problem": None}]
    listed = json.loads(vern_process.run([VERN, "sources", "list", "--json"], capture_output=True, text=True).stdout)
    assert listed[0]["state"] == "ok" and listed[0]["cursors"][0]["stream"] == "statements"
    assert vern_process.run([VERN, "sources", "test", "lrs"], capture_output=True, text=True).stdout == (
        "lrs: tilkoblingen virker\n")
    unknown = vern_process.run([VERN, "sources", "pull", "nope"], capture_output=True, text=True)
    assert unknown.returncode == 1 and unknown.stderr == "vern: ingen kilde heter nope (konfigurert: lrs)\n"
    lrs.trouble = [Response("", 403)]
    failed = vern_process.run([VERN, "sources", "pull"], capture_output=True, text=True)
    assert failed.returncode == 1
    assert failed.stdout == "lrs: 0 hendelser lest, 0 nye\nlrs: feilet – lrs svarte HTTP 403\n"
    assert failed.stderr == "vern: 1 kilde kunne ikke hentes\n"
    shown = vern_process.run([VERN, "sources", "list"], capture_output=True, text=True).stdout.splitlines()
    assert shown[0].startswith("lrs (xapi): feilet; sist hentet 24. nov. 2026 kl. 12.00; sist hentet uten feil ")
    assert shown[1:] == ["  statements: " + lrs.statements[-1]["stored"].replace(".000", ""), "  lrs svarte HTTP 403"]
    assert "Traceback" not in failed.stderr


def test_the_server_pulls_each_source_on_its_own_schedule(vern, httpserver, secrets):
    from audits import scheduler

    lrs = LRS(httpserver, statements(2))
    configure(vern, lrs.endpoint, auth='token_env = "LRS_TOKEN"\nschedule = "30 5 * * *"\n')
    started = scheduler.start(vern)
    try:
        job = started.get_job(scheduler.source_job_id("lrs"))
        assert str(job.trigger) == str(scheduler.cron_trigger("30 5 * * *"))
        lrs.bearer = True
        job.func(*job.args)  # what the scheduler runs at 05:30 Oslo time
    finally:
        started.shutdown()
        vern.scheduler = None
    assert len(stored(vern)) == 2
    assert vern.store.value("SELECT actor FROM source_pulls") == "schedule"


def test_a_fault_of_vern_itself_is_recorded_as_a_failed_pull_and_raises_nothing(vern, httpserver, secrets,
                                                                               monkeypatch):
    lrs = LRS(httpserver, statements(2))
    configure(vern, lrs.endpoint)

    def broken(*args):
        raise RuntimeError("kari@vern.example")  # a message that may quote the evidence

    monkeypatch.setattr("audits.training.register.store_completions", broken)
    pulled = pull(vern)
    assert pulled.problem == "Vern feilet under hentingen (RuntimeError); se serverens logg"
    assert vern.store.value("SELECT status FROM source_pulls") == "failed"
    assert "kari@" not in vern.store.value("SELECT problem FROM source_pulls")
