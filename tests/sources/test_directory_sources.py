"""The directory sources against the fakes on loopback (tests/sources/microsoft.py over TLS,
audits/demo/providers/google_workspace.py): the real MSAL and google-auth sign in, every page of
users is read and each account becomes a person; a leaver keeps their row and the day Vern
first saw them go, so access after offboarding is judged; `personal_data_group` decides who
handles personal data; the CSV's people and the directory's live side by side; a refusal or
a pull failing half-way changes nothing; no name or address reaches the trail, a recorded
problem or the log. Each test runs against Entra ID and against Google Workspace."""

import datetime as dt
import json
import logging

import pytest
import vern_process
from microsoft import CLIENT, SECRET, TENANT, Microsoft, https_server, user
from pytest_httpserver import HTTPServer

from audits.access import directory as register
from audits.access import logs as access_logs
from audits.core import trail
from audits.demo.providers.google_workspace import SUBJECT, Google, key_file, person
from audits.sources import asking, entra_directory, google_directory, pulling
from checks.access_logs import AccessLogsCheck
from conftest import FIXED_NOW, VERN, as_read, config_with, copy_template, open_findings, page_text

STAFF = (("Kari Nordmann", "kari@vern.example"), ("Ola Hansen", "ola@vern.example"),
         ("Per Berg", "Per.Berg@vern.example"), ("Lise Dahl", "lise@vern.example"), ("Nils Lund", "nils@vern.example"))
KARI, OLA, PER, LISE, NILS = (email.lower() for _, email in STAFF)
NAMES = [name for name, _ in STAFF] + ["Gjest Gjestesen", "Uten Adresse"]


class Entra:
    """The tenant of the fake Microsoft: the staff, Kari with a hire date, Per a volunteer
    in Vest, and a guest from a partner, who is not Vern's."""
    name, group, listed, per_kind = "entra", "5f1c2b3a-0d9e-4f8a-b7c6-d5e4f3a2b1c0", 6, "volunteer"

    def __init__(self, server: HTTPServer, monkeypatch):
        monkeypatch.setenv("ENTRA_SECRET", SECRET)
        self.fake = Microsoft(server, [])
        self.fake.users = [user(n, name, email) for n, (name, email) in enumerate(STAFF)]
        self.fake.users[0]["employeeHireDate"] = "2020-01-15T00:00:00Z"
        self.fake.users[2].update(employeeType="Volunteer", department="Vest")
        self.fake.users.append(user(99, "Gjest Gjestesen", "gjest_partner.example#EXT#@vern.onmicrosoft.com",
                                    mail="gjest@partner.example", userType="Guest"))
        self.fake.groups[self.group] = []

    def toml(self, group: bool = False) -> str:
        return (f'[sources.entra]\nkind = "entra_directory"\nendpoint = "{self.fake.endpoint}"\n'
                f'tenant_id = "{TENANT}"\nclient_id = "{CLIENT}"\nclient_secret_env = "ENTRA_SECRET"\n'
                + (f'personal_data_group = "{self.group}"\n' if group else ""))

    def find(self, email: str) -> dict:
        return next(u for u in self.fake.users if (u["mail"] or "").lower() == email)

    def id(self, email: str) -> str:
        return self.find(email)["id"]

    def add(self, n: int, name: str, email: str) -> None:
        self.fake.users.append(user(n, name, email))

    def disable(self, email: str) -> None:
        self.find(email)["accountEnabled"] = False

    def delete(self, email: str) -> None:
        self.fake.users.remove(self.find(email))

    def unname(self, email: str) -> None:
        self.find(email)["displayName"] = None

    def members(self, *emails: str) -> None:
        self.fake.groups[self.group] = [self.id(email) for email in emails]

    def deny(self) -> str:
        """The app without User.Read.All: what Graph answers."""
        self.fake.permissions.discard("User.Read.All")
        return ('entra svarte HTTP 403: {"error": {"code": "Authorization_RequestDenied", "message": "Insufficient '
                'privileges to complete the operation.", "innerError": {"date": "2026-11-24T11:00:00", '
                '"request-id": "0b8c7d6e-5f4a-4b3c-9d2e-1f0a9b8c7d6e", "client-request-id": '
                '"0b8c7d6e-5f4a-4b3c-9d2e-1f0a9b8c7d6e"}}}')

    def break_page(self, number: int) -> None:
        self.fake.broken_pages[number] = asking.TRIES

    def pages(self) -> int:
        return self.fake.asked.count("/v1.0/users")


class Workspace:
    """The domain of the fake Google: the staff, Kari's account made on her first day, Per
    in Vest (his employee type is nowhere the API documents)."""
    name, group, listed, per_kind = "gdir", "personvern@vern.example", 5, "employee"

    def __init__(self, server: HTTPServer, tmp_path, monkeypatch):
        key = key_file(tmp_path)
        monkeypatch.setenv("GOOGLE_KEY", str(key))
        self.fake = Google(server, key, [], dt.datetime.now(dt.UTC))
        self.fake.accounts = [person(n, name, email) for n, (name, email) in enumerate(STAFF)]
        self.fake.accounts[0]["creationTime"] = "2020-01-15T07:30:00.000Z"
        self.fake.accounts[2]["organizations"] = [{"department": "Vest", "description": "Volunteer", "primary": True}]
        self.fake.groups[self.group] = []

    def toml(self, group: bool = False) -> str:
        return (f'[sources.gdir]\nkind = "google_directory"\nendpoint = "{self.fake.endpoint}"\n'
                f'credentials_env = "GOOGLE_KEY"\nsubject = "{SUBJECT}"\n'
                + (f'personal_data_group = "{self.group}"\n' if group else ""))

    def find(self, email: str) -> dict:
        return next(a for a in self.fake.accounts if a["primaryEmail"].lower() == email)

    def id(self, email: str) -> str:
        return self.find(email)["id"]

    def add(self, n: int, name: str, email: str) -> None:
        self.fake.accounts.append(person(n, name, email))

    def disable(self, email: str) -> None:
        self.find(email)["suspended"] = True

    def delete(self, email: str) -> None:
        self.fake.accounts.remove(self.find(email))

    def unname(self, email: str) -> None:
        self.find(email)["name"] = {}

    def members(self, first: str, *others: str) -> None:
        """The first a member of the group, the others through a group within it."""
        self.fake.groups = {self.group: [self.find(first)["primaryEmail"], "styret@vern.example"],
                            "styret@vern.example": [self.find(email)["primaryEmail"] for email in others]}

    def deny(self) -> str:
        """The admin Vern acts as no longer allowed to read users: what Google answers."""
        self.fake.admins.clear()
        return ('gdir svarte HTTP 403: {"error": {"code": 403, "message": "Not Authorized to access this '
                'resource/api", "errors": [{"message": "Not Authorized to access this resource/api", "domain": '
                '"global", "reason": "forbidden"}], "status": "PERMISSION_DENIED"}}')

    def break_page(self, number: int) -> None:
        self.fake.broken_pages[number] = asking.TRIES

    def pages(self) -> int:
        return sum(path.endswith("/users") for path, _ in self.fake.directory_asked)


def started(which: str, tmp_path, monkeypatch):
    """A fake directory on loopback: (its server, the directory)."""
    if which == "entra":  # over TLS: MSAL takes only an https:// authority
        server = https_server(tmp_path, monkeypatch)
        return server, Entra(server, monkeypatch)
    server = HTTPServer(host="localhost", port=0)
    server.start()
    return server, Workspace(server, tmp_path, monkeypatch)


@pytest.fixture(params=["entra", "google"])
def provider(request, tmp_path, monkeypatch, vern):
    """The directory, its fake on loopback, and Vern configured to pull it."""
    server, directory = started(request.param, tmp_path, monkeypatch)
    vern.config = config_with(vern, directory.toml())
    yield directory
    server.clear()
    server.stop()


def pull(vern, directory):
    return pulling.pull(vern.store, vern.config, vern.config.sources[directory.name], "test")


def on(monkeypatch, day: str) -> None:
    """Vern's clock at noon, Oslo time, on `day`."""
    monkeypatch.setenv("VERN_NOW", f"{day}T12:00:00+01:00")


def people(vern) -> dict[str, dict]:
    """The register by address: every person's values, their name decrypted."""
    keys = vern.store.keys
    rows = vern.store.rows("SELECT * FROM people")
    listed = {row["person"]: row for row in register.people(vern.store)}
    return {keys.decrypt(row["email"], "people.email"): {**listed[row["person"]],
                                                         "name": keys.decrypt(row["name"], "people.name")}
            for row in rows}


def snapshot(vern) -> dict:
    """What a pull may change."""
    return {"people": vern.store.rows("SELECT * FROM people ORDER BY person"),
            "sources": vern.store.rows("SELECT * FROM people_sources ORDER BY person"),
            "synced": trail.listing(vern.store, action="people.sync")}


def synced(vern) -> list[dict]:
    return [entry["details"] for entry in reversed(trail.listing(vern.store, action="people.sync"))]


def test_a_pull_reads_every_page_and_each_account_becomes_a_person(vern, provider):
    first = pull(vern, provider)
    assert (first.problem, first.read, first.new) == (None, provider.listed, 5)
    assert provider.pages() == 3  # two users to a page
    found = people(vern)
    assert set(found) == {KARI, OLA, PER, LISE, NILS}  # the guest is another organisation's
    assert found[KARI] == {"person": vern.store.keys.pseudonym(KARI), "name": "Kari Nordmann", "kind": "employee",
                           "handles_personal_data": True, "started_on": dt.date(2020, 1, 15), "left_on": None,
                           "district": None}
    assert (found[PER]["kind"], found[PER]["district"], found[PER]["started_on"]) == (
        provider.per_kind, "Vest", dt.date(2021, 3, 1))
    assert {row["source"] for row in vern.store.rows("SELECT source FROM people_sources")} == {provider.name}
    again = pull(vern, provider)
    assert (again.problem, again.read, again.new) == (None, provider.listed, 0)
    assert synced(vern) == [{"added": 5, "changed": 0, "left": 0, "skipped": 0},
                            {"added": 0, "changed": 0, "left": 0, "skipped": 0}]


def test_a_leaver_keeps_their_row_and_the_day_vern_first_saw_them_go(vern, provider, monkeypatch):
    on(monkeypatch, "2026-11-10")
    pull(vern, provider)
    provider.disable(OLA)
    on(monkeypatch, "2026-11-12")
    assert pull(vern, provider).new == 1
    on(monkeypatch, "2026-11-13")
    assert pull(vern, provider).new == 0  # still disabled: still the day Vern first saw it
    assert people(vern)[OLA]["left_on"] == dt.date(2026, 11, 12)
    provider.delete(OLA)  # deleted three days after it was disabled: still the day it was disabled
    provider.delete(LISE)  # deleted while enabled: the day Vern misses her
    on(monkeypatch, "2026-11-15")
    assert pull(vern, provider).new == 1
    on(monkeypatch, "2026-11-20")
    assert pull(vern, provider).new == 0
    found = people(vern)
    assert (found[OLA]["left_on"], found[LISE]["left_on"], found[KARI]["left_on"]) == (
        dt.date(2026, 11, 12), dt.date(2026, 11, 15), None)
    assert found[OLA]["name"] == "Ola Hansen"  # kept whole, not just its date
    assert [(entry["left"], entry["changed"]) for entry in synced(vern)] == [(0, 0), (1, 0), (0, 0), (1, 0), (0, 0)]


def test_access_after_offboarding_is_judged_for_someone_the_directory_shows_gone(vern, provider, monkeypatch, tmp_path):
    on(monkeypatch, "2026-11-10")
    pull(vern, provider)
    provider.disable(OLA)
    on(monkeypatch, "2026-11-12")
    pull(vern, provider)
    monkeypatch.setenv("VERN_NOW", FIXED_NOW)
    systems = tmp_path / "systems.csv"
    systems.write_text("name,holds_personal_data,classification,match\nCRM,yes,confidential,s3:members-crm\n")
    register.import_systems(vern.store, systems, "test")
    events = tmp_path / "events.csv"
    events.write_text("timestamp,actor,system,action,records\n"
                      f"2026-11-12T15:00:00+01:00,{OLA},CRM,read,1\n"  # the day it was disabled: fine
                      f"2026-11-16T09:00:00+01:00,{OLA},CRM,read,1\n"
                      f"2026-11-16T09:30:00+01:00,{OLA},CRM,download,1\n")
    access_logs.import_files(vern.store, [events], "csv", "test")
    ola = vern.store.keys.pseudonym(OLA)
    assert open_findings(vern, AccessLogsCheck, "access_after_offboarding") == {
        ola: f"{ola} left on 2026-11-12 but has 2 events in CRM from 2026-11-16 09:00 to 2026-11-16 09:30."}


def test_the_personal_data_group_decides_who_handles_personal_data(vern, provider):
    vern.config = config_with(vern, provider.toml(group=True))
    provider.members(KARI, PER)
    assert pull(vern, provider).problem is None
    assert {email: row["handles_personal_data"] for email, row in people(vern).items()} == {
        KARI: True, PER: True, OLA: False, LISE: False, NILS: False}
    provider.members(OLA)
    assert pull(vern, provider).new == 3
    assert {email for email, row in people(vern).items() if row["handles_personal_data"]} == {OLA}
    assert synced(vern)[-1] == {"added": 0, "changed": 3, "left": 0, "skipped": 0}


def test_the_csvs_volunteers_and_the_directorys_people_live_side_by_side(vern, provider, tmp_path):
    header = "email,name,kind,handles_personal_data,started_on,left_on,district\n"
    csv = tmp_path / "people.csv"
    csv.write_text(header + "anne@privat.example,Anne Vik,volunteer,yes,2019-04-01,,Nord\n"
                            "kari@vern.example,Kari Nordmann,board,no,2018-01-01,,Nord\n")
    assert register.import_people(vern.store, csv, "test") == 2
    assert pull(vern, provider).new == 5  # Kari's row is the directory's now
    found = people(vern)
    assert found["anne@privat.example"]["kind"] == "volunteer"
    assert (found[KARI]["kind"], found[KARI]["handles_personal_data"], found[KARI]["district"]) == (
        "employee", True, None)
    csv.write_text(header + "anne@privat.example,Anne Vik,volunteer,yes,2019-04-01,2026-11-01,Nord\n"
                            "KARI@vern.example,Kari Nordmann,board,no,2018-01-01,,Nord\n"
                            "bjorn@privat.example,Bjørn Ås,volunteer,no,2026-10-01,,\n")
    assert register.import_people(vern.store, csv, "test") == 2  # Kari is the directory's
    found = people(vern)
    assert set(found) == {KARI, OLA, PER, LISE, NILS, "anne@privat.example", "bjorn@privat.example"}
    assert (found[KARI]["kind"], found["anne@privat.example"]["left_on"]) == ("employee", dt.date(2026, 11, 1))
    assert trail.listing(vern.store, action="people.import")[0]["details"] == {"rows": 3, "superseded": 1}
    assert pull(vern, provider).new == 0  # the import changed none of the directory's people


def test_a_person_two_directories_list_stays_with_the_one_that_listed_them_first(vern, tmp_path, monkeypatch):
    (entra_server, entra), (google_server, workspace) = (started(which, tmp_path, monkeypatch)
                                                         for which in ("entra", "google"))
    vern.config = config_with(vern, entra.toml() + workspace.toml())
    try:
        assert pull(vern, entra).new == 5
        workspace.disable(OLA)
        assert (pull(vern, workspace).problem, pull(vern, workspace).new) == (None, 0)
        entra.delete(KARI)
        assert pull(vern, entra).new == 1
        found = people(vern)
        assert (found[OLA]["left_on"], found[KARI]["left_on"]) == (None, dt.date(2026, 11, 24))
        assert {row["source"] for row in vern.store.rows("SELECT source FROM people_sources")} == {"entra"}
    finally:
        for server in (entra_server, google_server):
            server.clear()
            server.stop()


def test_a_missing_permission_fails_in_the_providers_words_and_changes_nothing(vern, provider):
    pull(vern, provider)
    before = snapshot(vern)
    provider.disable(OLA)
    said = provider.deny()
    failed = pull(vern, provider)
    assert (failed.problem, failed.new) == (said, 0)
    assert snapshot(vern) == before
    assert pulling.test(vern.config, vern.config.sources[provider.name]) == said


def test_a_pull_failing_between_pages_changes_nothing(vern, provider, monkeypatch):
    waits = []
    monkeypatch.setattr(asking, "sleep", waits.append)
    pull(vern, provider)
    before = snapshot(vern)
    provider.disable(NILS)  # on the last page: read only if every page is
    provider.add(7, "Mona Strand", "mona@vern.example")
    provider.break_page(1)
    failed = pull(vern, provider)
    assert failed.problem.startswith(f"{provider.name} svarte HTTP 500")
    assert (failed.read, waits) == (2, [1, 2, 4, 8])  # the first page, then the second five times
    assert snapshot(vern) == before
    resumed = pull(vern, provider)
    assert (resumed.problem, resumed.new) == (None, 2)
    assert people(vern)[NILS]["left_on"] == dt.date(2026, 11, 24)


def test_no_name_or_address_reaches_the_trail_a_problem_or_the_log(vern, provider, caplog):
    caplog.set_level(logging.DEBUG)
    provider.add(8, "Uten Adresse", "uten.adresse(at)vern.example")  # skipped: no address
    done = pull(vern, provider)
    assert (done.problem, done.new) == (None, 5)
    assert synced(vern)[-1]["skipped"] == 1
    unread = provider.id("uten.adresse(at)vern.example")
    assert f"account {unread}, field email: not an email address" in caplog.text  # named by its id alone
    for email in (KARI, OLA, PER, LISE, NILS):  # none can be read: nothing is changed, each named by its id
        provider.unname(email)
    failed = pull(vern, provider)
    assert failed.problem.startswith(f"{provider.name}: ingen av 6 kontoer kunne leses; ingenting er endret:\n"
                                     f"  konto {provider.id(KARI)}, felt name: må fylles ut")
    assert people(vern)[KARI]["name"] == "Kari Nordmann"
    provider.deny()
    assert pull(vern, provider).problem
    recorded = json.dumps([trail.listing(vern.store), vern.store.rows("SELECT * FROM source_pulls")], default=str)
    for said in (recorded, caplog.text):
        for secret in [*NAMES, *(email for _, email in STAFF), "uten.adresse", "@vern.example"]:
            assert secret.lower() not in said.lower(), secret


def test_without_an_endpoint_every_address_is_the_providers_and_with_one_none_is():
    from audits.sources.settings import from_config

    public, moved = from_config({
        "public": {"kind": "entra_directory", "tenant_id": "t", "client_id": "c", "client_secret_env": "S",
                   "personal_data_group": "g/1"},
        "moved": {"kind": "google_directory", "credentials_env": "K", "subject": SUBJECT, "endpoint": "http://localhost:9/",
                  "personal_data_group": "personvern@vern.example"},
    }).values()
    assert entra_directory._api(public, entra_directory._members_path(public)) == (
        "https://graph.microsoft.com/v1.0/groups/g%2F1/transitiveMembers/microsoft.graph.user")
    assert google_directory._api(moved, google_directory._members_path(moved)) == (
        "http://localhost:9/admin/directory/v1/groups/personvern@vern.example/members")
    assert google_directory._api(public, "users") == "https://admin.googleapis.com/admin/directory/v1/users"


def test_a_directory_is_fresh_while_its_pulls_go_through_and_its_failure_leaves_training_unverified(
        vern, provider, monkeypatch):
    from audits.reporting import board
    from checks.sources import SourcesCheck

    assert pull(vern, provider).problem is None
    on(monkeypatch, "2026-11-27")  # three days on, nobody joined or left: nothing new, nothing stale
    assert pull(vern, provider).new == 0
    assert open_findings(vern, SourcesCheck, "source_stale") == {}
    provider.deny()
    assert pull(vern, provider).problem
    unverified = {area["area"] for area in board.summary(vern)["areas"] if not area["verified"]}
    assert {"access", "training"} <= unverified  # both judge the people the directory lists


def test_the_command_line_counts_accounts_and_changes_to_the_register_not_events(
        db_path, new_db_template, tmp_path, monkeypatch):
    copy_template(new_db_template, db_path)
    server, directory = started("google", tmp_path, monkeypatch)
    try:
        (db_path.parent / "vern.toml").write_text(directory.toml(), encoding="utf-8")
        done = vern_process.run([VERN, "sources", "pull"], capture_output=True, text=True)
    finally:
        server.clear()
        server.stop()
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{directory.name}: {directory.listed} kontoer lest, 5 endringer i personregisteret\n"


def test_the_sources_page_counts_a_directorys_accounts_and_register_changes(vern, provider, dashboard):
    page = dashboard("sources", "nb")
    assert "Ingen endringer i personregisteret de siste 30 dagene." in page_text(page)
    page.button(key=f"pull-{provider.name}").click().run()
    assert [as_read(s.value) for s in page.success] == [
        f"{provider.name}: {provider.listed} kontoer lest, 5 endringer i personregisteret"]
    page = dashboard("sources", "nb")
    chart = json.loads(page.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["title"]["text"] == "Endringer i personregisteret per dag, siste 30 dager"
