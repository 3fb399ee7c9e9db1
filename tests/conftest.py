"""Shared fixtures: a real DuckDB file per test, a fixed clock, the demo, the dashboard."""

import compileall
import contextlib
import email
import email.message
import email.policy
import fcntl
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import offline
import pytest
import vern_process
from aiosmtpd.controller import Controller

from audits import runtime
from audits.checking import runner
from audits.demo import loader as demo
from audits.runtime import open_vern

ROOT = Path(__file__).resolve().parent.parent
VERN = str(Path(sys.executable).parent / "vern")
FIXED_NOW = "2026-11-24T12:00:00+01:00"


def pytest_configure(config):
    """No test reaches the outside network (tests/offline.py). And Vern's modules compiled
    once, before the workers start: the suite runs `vern` in a subprocess thousands of
    times, and under PYTHONDONTWRITEBYTECODE each of them would compile every module it
    imports again (~0.15 s a call)."""
    offline.install()
    _quick_stop_for_fake_servers()
    _one_component_scan()
    _cheapest_password_hashes()
    _cheapest_backup_keys()
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist)
        for folder in ("audits", "checks", "dashboard"):
            compileall.compile_dir(ROOT / folder, quiet=1)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: `-p no:xdist` still runs
def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker more than the cores. The browser tests spend part of their time
    waiting on the served dashboard and Chromium, which a third worker fills on two cores
    (the whole suite 600 s → 573 s there); all three are CPU-bound most of the time."""
    return len(os.sched_getaffinity(0)) + 1


def _quick_stop_for_fake_servers() -> None:
    """The fake providers run on werkzeug's server (pytest-httpserver, moto, the demo's
    loopback), whose stop waits out its poll interval of half a second: over a few hundred
    tests that start their own, minutes of a worker doing nothing. A twentieth of a second
    here."""
    from werkzeug.serving import BaseWSGIServer

    serve_forever = BaseWSGIServer.serve_forever
    BaseWSGIServer.serve_forever = lambda self, poll_interval=0.05: serve_forever(self, poll_interval)


def _one_component_scan() -> None:
    """Streamlit's AppTest scans every installed package for components on each new page
    (0.1 s, a few hundred times a worker); the packages do not change during a session, so
    the first scan's answer serves them all. `vern serve` scans as it always does."""
    from functools import cache

    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = cache(manifest_scanner.scan_component_manifests)


def _cheapest_password_hashes() -> None:
    """Argon2id at argon2-cffi's cheapest parameters in the tests' own process (the
    library's profile for tests): a hash at the real ones costs a quarter of a second, and
    the suite makes a few hundred. `vern` in a process of its own, as the users' command and
    the served dashboard run, hashes at the real parameters (tests/accounts/test_users.py
    checks them)."""
    from functools import cache

    from argon2 import PasswordHasher, profiles

    from audits.accounts import users

    users._hasher = cache(lambda: PasswordHasher.from_parameters(profiles.CHEAPEST))


def _cheapest_backup_keys() -> None:
    """The same for a backup's key in the tests' own process: scrypt at the lowest cost a
    backup may carry (2^14; the cost is in each file's header) instead of 2^17's half second.
    `vern backup` seals at the real cost (tests/backups/test_backup_cli.py checks it)."""
    from audits.backups import sealed

    sealed.SCRYPT = {**sealed.SCRYPT, "n": 2**14}


LONG_FIXTURES = {"page", "chromium", "demo_server", "shared_demo_server"}


def pytest_collection_modifyitems(items):
    """The tests that drive a browser or a served Vern first (seconds to a minute each), the
    many short ones after: the workers end together, not one waiting on a long test that
    started last. A stable sort: each group keeps its order, so module fixtures are shared."""
    items.sort(key=lambda item: not (LONG_FIXTURES & set(getattr(item, "fixturenames", ()))
                                     or item.get_closest_marker("long")))


@pytest.fixture(autouse=True)
def stays_on_this_machine():
    """Fails a test that tried to reach another host, even if the code under test took the
    refusal in its stride (a mail server or a provider that seemed down)."""
    offline.attempts.clear()
    yield
    if offline.attempts:
        pytest.fail(f"the test tried to reach the outside network: {', '.join(sorted(set(offline.attempts)))}")


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    """A fresh database file; the clock fixed; no configuration from the environment."""
    path = tmp_path / "vern.duckdb"
    monkeypatch.setenv("VERN_DB", str(path))
    monkeypatch.setenv("VERN_NOW", FIXED_NOW)
    monkeypatch.delenv("VERN_CONFIG", raising=False)
    yield path
    runtime._current = None


@pytest.fixture
def env(monkeypatch):
    """For tests that run the CLI with explicit --db: a fixed clock, a known actor, no
    database, configuration or keys from the environment."""
    monkeypatch.setenv("VERN_NOW", FIXED_NOW)
    for name in ("VERN_DB", "VERN_CONFIG", "VERN_KEYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGNAME", "tester")
    monkeypatch.setenv("USER", "tester")


@pytest.fixture
def db(tmp_path, env):
    return tmp_path / "vern.duckdb"


@pytest.fixture
def vern_template(request) -> Path:
    """The folder `vern` copies before it opens the database: a new database (creating one
    costs more than copying it), or the demo's for `demo_vern`. A module may override it."""
    return request.getfixturevalue("demo_template" if "demo_vern" in request.fixturenames else "new_db_template")


@pytest.fixture
def vern(db_path, vern_template):
    shutil.copytree(vern_template, db_path.parent, dirs_exist_ok=True)
    opened = open_vern(str(db_path))
    runtime.install(opened)
    yield opened
    opened.close()


def once_per_run(tmp_path_factory, name: str, build: Callable[[Path], object]) -> Path:
    """The folder `name`, filled by `build(folder)` once for the whole run: the first worker
    that needs it builds it while the others wait, then all copy from it (pytest-xdist's
    advice for costly session fixtures). Without xdist, once for the session."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the run's, shared by its workers
    folder, done = root / name, root / f"{name}.built"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if a worker dies
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed build left
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A folder holding the demo loaded and every check run once, at the fixed clock: the
    database, its key file, the trail's head file and the inbox. Built once per run, copied
    for every test that asks for `demo_vern`."""
    def build(folder: Path) -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("VERN_NOW", FIXED_NOW)
            for name in ("VERN_DB", "VERN_CONFIG", "VERN_KEYS"):
                patch.delenv(name, raising=False)
            built = open_vern(str(folder / "vern.duckdb"))
            try:
                demo.load(built.store, built.config, "test")
                runner.run_many(built.store, built.config, list(built.checks.values()), "cli")
            finally:
                built.close()

    return once_per_run(tmp_path_factory, "demo-template", build)


def cli_env(**extra: str) -> dict[str, str]:
    """The environment `env` gives the CLI: the fixed clock, `cli:tester`, no Vern settings."""
    kept = {k: v for k, v in os.environ.items() if k not in ("VERN_DB", "VERN_CONFIG", "VERN_KEYS")}
    return {**kept, "VERN_NOW": FIXED_NOW, "LOGNAME": "tester", "USER": "tester", **extra}


def cli_built(folder: Path, *commands: tuple[str, ...], **env: str) -> Path:
    """`folder` after running each `vern` command on its vern.duckdb (VERN_NOW="": the real clock)."""
    for command in commands:
        vern_process.run([VERN, "--db", str(folder / "vern.duckdb"), *command], check=True,
                       capture_output=True, env=cli_env(**env), timeout=300)
    return folder


@pytest.fixture(scope="session")
def new_db_template(tmp_path_factory) -> Path:
    """The folder the first `vern` command leaves (an empty database with its schema, key
    file and trail head), at the fixed clock: creating it costs a second or two, a copy
    (`copy_template`) milliseconds."""
    return once_per_run(tmp_path_factory, "new-db", lambda folder: cli_built(folder, ("init",)))


@pytest.fixture(scope="session")
def cli_demo_template(tmp_path_factory) -> Path:
    """The folder `vern demo` leaves (the database, its key file, the trail's head file), run
    as `cli:tester` at the fixed clock: built once per run, copied by `copy_template`."""
    return once_per_run(tmp_path_factory, "cli-demo", lambda folder: cli_built(folder, ("demo",)))


@pytest.fixture(scope="session")
def cli_checked_template(tmp_path_factory, cli_demo_template) -> Path:
    """`cli_demo_template`, then `vern checks run`."""
    def build(folder: Path) -> None:
        shutil.copytree(cli_demo_template, folder, dirs_exist_ok=True)
        cli_built(folder, ("checks", "run"))

    return once_per_run(tmp_path_factory, "cli-checked", build)


def copy_template(template: Path, db: Path) -> Path:
    """The template's files beside `db` (named vern.duckdb, as in the template): a database
    of its own for one test, in the time it takes to copy a file."""
    assert db.name == "vern.duckdb", db
    shutil.copytree(template, db.parent, dirs_exist_ok=True)
    return db


@pytest.fixture
def demo_vern(vern):
    """The demo loaded and every check run once (a copy of `demo_template`)."""
    return vern


APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def dashboard(vern):
    """Open a page in Streamlit's AppTest as a signed-in user with the given roles."""
    from streamlit.testing.v1 import AppTest

    from audits.accounts import users
    from audits.core import clock

    def open_page(page: str | None = None, lang: str = "nb", roles=("adviser",)) -> AppTest:
        name = "-".join(roles)
        if name not in [u["username"] for u in users.listing(vern.store)]:
            users.add(vern.store, "test", name, roles, None)  # signed in below: no password to hash
        at = AppTest.from_file(APP, default_timeout=30)
        at.session_state["lang"] = lang
        at.session_state["user"] = {"name": name, "roles": tuple(roles), "method": "password"}
        at.session_state["last_activity"] = clock.now()
        at.run()
        if page:
            at.switch_page(f"views/{page}.py")
            at.run()
        return at

    return open_page


def as_read(markdown: str) -> str:
    """Words escaped for Markdown (dashboard.ui.plain) as the reader sees them: the escapes
    and the word joiners that break autolinks are not seen."""
    return re.sub(r"\\(.)", r"\1", str(markdown)).replace("\u2060", "")


def page_text(at) -> str:
    """Every element an AppTest page sent (its protobuf text: labels, values, chart specs)
    and every table's cells."""
    found = [frame.value.to_csv() for frame in [*at.dataframe, *at.table]]

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def config_with(vern, toml: str):
    """The configuration `toml` (written beside the database), as Vern would load it."""
    from audits.core import config as configuration

    path = vern.store.path.parent / "vern.toml"
    path.write_text(toml, encoding="utf-8")
    return configuration.load(path, vern.store.path, vern.checks)


def run_check(vern, check, toml: str = ""):
    """Run `check` once under `toml` (or the open configuration); it must succeed."""
    config = config_with(vern, toml) if toml else vern.config
    result = runner.run(vern.store, config, check, "manual")
    assert result.status == "succeeded", result.error
    return result


def open_findings(vern, check, rule: str, toml: str = "") -> dict[str, str]:
    """Run `check` and return the open findings of `rule`: subject → English message."""
    run_check(vern, check, toml)
    rows = vern.store.rows("SELECT subject, message_en FROM findings "
                           "WHERE check_id = ? AND rule = ? AND status = 'open'", [check.id, rule])
    return {r["subject"]: r["message_en"] for r in rows}


def stored_objects(store) -> list[str]:
    """The object names of the stored access events, as read: they are kept as encrypted labels."""
    from audits.core import labels

    refs = [row["object"] for row in store.rows("SELECT object FROM access_events ORDER BY happened_at")]
    names = labels.texts(store, refs)
    return [names.get(ref, ref) for ref in refs]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """The handler of a real SMTP server on loopback (aiosmtpd): keeps what it received;
    `refuse` makes it answer 554."""

    def __init__(self):
        self.received: list[dict] = []
        self.refuse = False
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            return "554 5.6.0 rejected for the test"
        self.received.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "raw": envelope.original_content or envelope.content})
        return "250 OK"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(m["raw"], policy=email.policy.default) for m in self.received]

    def subjects(self) -> list[str]:
        return [m["Subject"] for m in self.messages()]


FAKE_AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS's documented example key


@pytest.fixture(scope="module")
def moto_server():
    """moto's S3 server on 127.0.0.1, one for the module (stopping one waits); each test resets
    what it made."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield server
    server.stop()


def only_fake_aws(monkeypatch, tmp_path: Path) -> None:
    """Fake credentials in the environment, and nothing of this machine's AWS setup read: no
    files of its own, no profile, no instance metadata, no endpoint of its own."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_REGION",
                 "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
                 "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAVERNTESTING00001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_AWS_SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for variable, name in (("AWS_CONFIG_FILE", "aws-config"), ("AWS_SHARED_CREDENTIALS_FILE", "aws-credentials")):
        (tmp_path / name).write_text("", encoding="utf-8")
        monkeypatch.setenv(variable, str(tmp_path / name))


@pytest.fixture
def smtp():
    """A real SMTP server on loopback; the inbox, with its port."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@contextlib.contextmanager
def serving(db_path: Path, demo_sources: bool = False):
    """`vern serve` as a user starts it: its own process, on a free port. A demo database is
    served without the demo's live sources (audits/demo/sources.py: an empty `[sources]`
    added to its vern.toml) unless `demo_sources`: they cost every start a second or two of
    work, and their own test serves them."""
    if not demo_sources:
        toml = db_path.parent / "vern.toml"
        written = toml.read_text(encoding="utf-8") if toml.exists() else ""
        if "[sources" not in written:
            toml.write_text(written + "\n[sources]\n", encoding="utf-8")
    port = free_port()
    log_path = db_path.parent / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([VERN, "serve", "--port", str(port)],
                                   stdout=log, stderr=subprocess.STDOUT)
        url = f"http://localhost:{port}"
        try:
            _wait_healthy(url, process, log_path)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def demo_server(db_path, cli_demo_template):
    """`vern demo` (a copy of its template), then the server. No check has run: the
    scheduler must run them itself."""
    copy_template(cli_demo_template, db_path)
    with serving(db_path) as url:
        yield url


@pytest.fixture(scope="module")
def shared_demo_server(tmp_path_factory, cli_demo_template):
    """As `demo_server`, one for a module's tests that only look: each signs in afresh as a
    different role (a server start costs about three seconds)."""
    db = copy_template(cli_demo_template, tmp_path_factory.mktemp("served") / "vern.duckdb")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VERN_DB", str(db))
        env.setenv("VERN_NOW", FIXED_NOW)
        for name in ("VERN_CONFIG", "VERN_KEYS"):
            env.delenv(name, raising=False)
        with serving(db) as url:
            yield url


def sign_in(page, url: str, name: str, password: str) -> None:
    """Open `url` and sign in on the form it shows."""
    page.goto(url)
    page.get_by_label("Brukernavn").fill(name)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


def _wait_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail("vern serve did not start:\n" + log_path.read_text())


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _count_runs(tab) -> None:
    """Count the dashboard's whole-page script runs as they end, read from the server's own
    messages on the WebSocket (Streamlit's ForwardMsg: fast runs may never show in the DOM)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    finished = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
    tab.runs_ended = 0

    def received(payload) -> None:
        if isinstance(payload, bytes):
            message = ForwardMsg.FromString(payload)
            if message.WhichOneof("type") == "script_finished" and message.script_finished == finished:
                tab.runs_ended += 1

    tab.on("websocket", lambda socket: socket.on("framereceived", received))


# How long a browser test waits for the page: an action, an element, a rerun to end. A slow
# 2-core CI machine running three workers, not a flaky page: a rerun there has taken more
# than 15 s to draw.
BROWSER_WAIT_S = 30


def new_tab(browser):
    """A tab in a context of its own, counting the dashboard's script runs."""
    tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    tab.set_default_timeout(BROWSER_WAIT_S * 1000)
    _count_runs(tab)
    return tab


@contextlib.contextmanager
def after_rerun(page, timeout: float = BROWSER_WAIT_S):
    """Around an action that reruns the page's script (a click, a choice, a form sent):
    on leaving, that run is over and its page drawn. No fixed wait: a slow machine waits
    longer, a fast one not at all."""
    before = page.runs_ended
    yield
    deadline = time.monotonic() + timeout
    while page.runs_ended == before:
        if time.monotonic() > deadline:
            pytest.fail(f"no script run ended on {page.url} after the action")
        page.wait_for_timeout(20)  # Playwright hands over the socket's messages while it waits
    run_over(page)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def each_page(page, links: list) -> Iterator[int]:
    """Each page behind `links` (the one the sign-in landed on first) drawn in turn; yields
    its place in the list. The landing page is read as it is: a click on its own link may
    start no run."""
    run_over(page)
    for number, link in enumerate(links):
        if number:
            with after_rerun(page):
                link.click()
        yield number


def run_over(page) -> None:
    """Until the script run under way (one the test saw start) is over and its page drawn:
    an element whose code the browser is still fetching shows a placeholder (Streamlit's
    stSkeleton) in its place, a table's Markdown cells among them."""
    page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for()
    drawn(page)


def drawn(page) -> None:
    """Until no element waits for its code (see run_over)."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)


@pytest.fixture(scope="session")
def chromium():
    """Headless Debian Chromium driven by Playwright: one per test worker (a launch costs
    about a second of CPU); each test gets a context of its own, so no cookie or storage
    passes from one test to the next."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_WAIT_S * 1000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh browser context and its tab; every context the test opened is closed after it."""
    yield new_tab(chromium)
    for context in chromium.contexts:
        context.close()
