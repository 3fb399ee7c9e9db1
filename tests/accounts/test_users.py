"""Local accounts: Argon2id, passwords as NIST SP 800-63B asks (12 characters after NFKC and
trimming, no common password, no username or association name, no repeats and runs), one
answer and one Argon2 verification for every refusal, lock after five failures, disabled
accounts, roles; the `vern users` commands; OpenID Connect role mapping."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import vern_process
from argon2 import PasswordHasher

from audits.accounts import passwords, users
from audits.accounts.users import SignIn
from audits.core import trail
from audits.core.errors import VernError
from audits.runtime import open_vern
from conftest import copy_template

VERN = str(Path(sys.executable).parent / "vern")
NOW = "2026-11-24T12:00:00+01:00"
NOW_UTC = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
NAME_RULE = ("username: 2-64 characters: letters a-z, digits and . _ @ - "
             "(starting with a letter or digit)")


@pytest.fixture
def store(db, new_db_template):
    vern = open_vern(str(copy_template(new_db_template, db)))
    yield vern.store
    vern.close()


def vern_cli(db: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, text=True,
                          input=input, timeout=120)


def at(monkeypatch, instant: datetime) -> None:
    monkeypatch.setenv("VERN_NOW", instant.isoformat())


def last_entry(store) -> tuple:
    e = trail.listing(store, limit=1)[0]
    return e["actor"], e["action"], e["object"], e["details"]


# -- adding ----------------------------------------------------------------------------------
def test_add_stores_argon2id_hash_and_roles(store):
    row = users.add(store, "admin", "Ola", ["adviser", "board"], PASSWORD)
    assert row == {"username": "ola", "roles": ["adviser", "board"], "disabled": False,
                   "locked_until": None, "created_at": NOW_UTC, "last_sign_in": None}
    hashed = store.value("SELECT password_hash FROM users WHERE username = 'ola'")
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    assert last_entry(store) == ("admin", "users.add", "ola", {"roles": ["adviser", "board"]})


SHORT = ("password: at least 12 characters (spaces before and after do not count): choose a longer "
         "one, for instance a few words that do not belong together")


# -- what a password must be (NIST SP 800-63B 3.1.1.2, OWASP ASVS 4 V2.1) ---------------------
@pytest.mark.parametrize("password", ["", "short", "elevenchars", " " * 12, "   elevenchars   ",
                                      "\u3000" * 4 + "elevenchars"])  # ideographic spaces: NFKC makes them spaces
def test_short_passwords_refused(store, password):
    with pytest.raises(VernError) as caught:
        users.add(store, "admin", "ola", ["staff"], password)
    assert str(caught.value) == SHORT
    assert users.count(store) == 0


def test_twelve_characters_is_enough(store):
    users.add(store, "admin", "ola", ["staff"], "twelve-chars")
    assert users.authenticate(store, "ola", "twelve-chars").ok


def test_the_password_is_normalised_when_set_and_at_sign_in(store):
    """NFKC and the spaces around it: the same words typed another way still verify."""
    users.add(store, "admin", "ola", ["staff"], "  Fjellet om vinteren  ")
    for typed in ("Fjellet om vinteren", " Fjellet om vinteren\t", "Ｆｊｅｌｌｅｔ om vinteren"):
        assert users.authenticate(store, "ola", typed).ok, typed
    assert users.authenticate(store, "ola", "fjellet om vinteren") == SignIn(False, reason="wrong")
    users.set_password(store, "admin", "ola", "\ufb01skestang på fjellet")  # the ligature ﬁ
    assert users.authenticate(store, "ola", "fiskestang på fjellet").ok
    hashed = store.value("SELECT password_hash FROM users WHERE username = 'ola'")
    assert PasswordHasher().verify(hashed, "fiskestang på fjellet")  # what is hashed is the normal form


@pytest.mark.parametrize("password", ["password1234", "PassWord1234", "q1w2e3r4t5y6", "1qaz2wsx3edc",
                                      "qwertyuiop[]", "  international  ", "ｐａｓｓｗｏｒｄ１２３４"])
def test_common_passwords_refused(store, password):
    """Entries of the shipped list (Django's, by Royce Williams), in any case or Unicode form."""
    with pytest.raises(VernError) as caught:
        users.add(store, "admin", "ola", ["staff"], password)
    assert str(caught.value) == "password: one of the most commonly used passwords, and guessed first: choose another"
    assert users.count(store) == 0


def test_the_common_password_list_is_shipped_whole():
    common = passwords._common()
    assert len(common) >= 10_000  # 19,640 distinct in Django's list
    assert {"123456", "password", "qwerty", "iloveyou", "password1234"} <= common
    assert all(entry == entry.lower() for entry in common)  # compared in lower case


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "zzzzzzzzzzzzzzz", "123456789012", "1234abcd5678",
                                      "ABCDEFGHIJKLMN", "9876543210zyx", "abcabcabcabc", "121212121212",
                                      "  mmmmnnnnoooo  "])
def test_repeats_and_runs_refused(store, password):
    with pytest.raises(VernError) as caught:
        users.add(store, "admin", "ola", ["staff"], password)
    assert str(caught.value) == "password: only repeats and runs (like aaaa, 1234 or abcd): choose one that is harder to guess"


@pytest.mark.parametrize(("name", "password"), [
    ("kari.nordmann", "kari.nordmann"),      # equal to the username
    ("kari.nordmann", "Kari.Nordmann!2026"),  # containing it, in another case
    ("kari@lag.no", "kari sitt hemmelige ord"),  # the part before @ of an address
    ("ola", "Hei, jeg heter O L A og liker ski"),  # spaces ignored
])
def test_a_password_holding_the_username_is_refused(store, name, password):
    with pytest.raises(VernError) as caught:
        users.add(store, "admin", name, ["staff"], password)
    assert str(caught.value) == "password: contains the username: choose one that does not"
    users.add(store, "admin", name, ["staff"], PASSWORD)
    with pytest.raises(VernError, match="contains the username"):
        users.set_password(store, "admin", name, password)


@pytest.mark.parametrize("password", ["norsk turlag 2026!", "NorskTurlag-medlem", "Vi i Norsk  Turlag går"])
def test_a_password_holding_the_association_name_is_refused(store, password):
    with pytest.raises(VernError) as caught:
        users.add(store, "admin", "ola", ["staff"], password, "Norsk Turlag")
    assert str(caught.value) == "password: contains the association's name: choose one that does not"
    users.add(store, "admin", "ola", ["staff"], password)  # no association named: no such rule
    with pytest.raises(VernError, match="association's name"):
        users.set_password(store, "admin", "ola", password, "Norsk Turlag")


@pytest.mark.parametrize("password", ["correct horse battery", "ab12cd34ef56gh", "Tromsø-hytta-2026",
                                      "iloveyou1234", "Kaffe på Ulriken i regnvær"])
def test_good_passwords_accepted_without_composition_rules(store, password):
    users.add(store, "admin", "ola", ["staff"], password, "Norsk Turlag")
    assert users.authenticate(store, "ola", password).ok


def test_existing_accounts_keep_signing_in(store):
    """A hash made before these rules, of a weak password with spaces around it: still verifies."""
    users.add(store, "admin", "ola", ["staff"], None)
    with store.transaction() as tx:
        tx.execute("UPDATE users SET password_hash = ? WHERE username = 'ola'",
                   [PasswordHasher().hash("  aaaaaaaaaaaa")])
    assert users.authenticate(store, "ola", "  aaaaaaaaaaaa").ok
    assert users.authenticate(store, "ola", "aaaaaaaaaaaa") == SignIn(False, reason="wrong")


def test_password_messages_in_both_languages():
    with pytest.raises(passwords.Refused) as caught:
        passwords.acceptable("kort", "ola")
    assert caught.value.text("nb") == ("Passordet må ha minst 12 tegn (mellomrom før og etter teller ikke). "
                                       "Velg et lengre, gjerne noen ord som ikke hører sammen.")
    assert caught.value.text("en") == str(caught.value) == SHORT
    assert caught.value.field == "password"  # the dashboard shows it under the password field


@pytest.mark.parametrize("name", ["", "a", "-ola", ".ola", "ola nordmann", "ola/kari", "olå",
                                  "x" * 65, "ola'--", "ola;drop"])
def test_bad_usernames_refused(store, name):
    with pytest.raises(VernError) as caught:
        users.add(store, "admin", name, ["staff"], PASSWORD)
    assert str(caught.value) == NAME_RULE
    assert users.count(store) == 0


def test_username_limits_and_normalisation(store):
    assert users.add(store, "admin", "ab", ["staff"], PASSWORD)["username"] == "ab"
    assert users.add(store, "admin", "x" * 64, ["staff"], PASSWORD)["username"] == "x" * 64
    assert users.add(store, "admin", "  Kari.N_1@Lag-3 ", ["staff"], None)["username"] == "kari.n_1@lag-3"


def test_unknown_or_missing_roles_refused(store):
    with pytest.raises(VernError) as caught:
        users.add(store, "admin", "ola", ["staff", "superuser"], PASSWORD)
    assert str(caught.value) == "role: superuser; one or more of staff, adviser, board, admin"
    with pytest.raises(VernError) as caught:
        users.add(store, "admin", "ola", [], PASSWORD)
    assert str(caught.value) == "role: none given; one or more of staff, adviser, board, admin"
    assert users.count(store) == 0


def test_duplicate_refused(store):
    users.add(store, "admin", "ola", ["staff"], PASSWORD)
    for name in ("ola", " OLA "):
        with pytest.raises(VernError) as caught:
            users.add(store, "admin", name, ["board"], PASSWORD)
        assert str(caught.value) == "username: exists already"  # a username may be personal data: not repeated
        assert caught.value.text("nb") == "Det finnes allerede en bruker med dette brukernavnet."
    assert users.get(store, "ola")["roles"] == ["staff"]
    assert users.count(store) == 1


# -- signing in ------------------------------------------------------------------------------
def test_good_password_signs_in(store):
    users.add(store, "admin", "ola", ["adviser", "board"], PASSWORD)
    assert users.authenticate(store, "ola", PASSWORD) == SignIn(True, "ola", ("adviser", "board"), "")
    assert users.authenticate(store, "  OLA ", PASSWORD) == SignIn(True, "ola", ("adviser", "board"), "")
    assert users.get(store, "ola")["last_sign_in"] == NOW_UTC
    assert last_entry(store) == ("ola", "sign_in", "ola", {"method": "password"})


def test_wrong_password_refused_and_recorded(store):
    users.add(store, "admin", "ola", ["staff"], PASSWORD)
    assert users.authenticate(store, "ola", "correct horse batterY") == SignIn(False, reason="wrong")
    assert users.authenticate(store, "ola", "") == SignIn(False, reason="wrong")
    assert store.value("SELECT failed_attempts FROM users") == 2
    assert last_entry(store) == ("ola", "sign_in.failed", "ola", {"reason": "wrong password", "locked": False})
    assert users.get(store, "ola")["last_sign_in"] is None


def test_unknown_user_refused_and_the_typed_name_not_recorded(store):
    typed = "my-secret-passphrase-typed-in-the-name-field"
    assert users.authenticate(store, typed, PASSWORD) == SignIn(False, reason="wrong")
    assert last_entry(store) == ("anonymous", "sign_in.failed", "", {"reason": "unknown user"})
    everything = json.dumps(store.rows("SELECT * FROM trail"))
    assert typed not in everything
    assert PASSWORD not in everything


def test_five_failures_lock_for_fifteen_minutes(store, monkeypatch):
    users.add(store, "admin", "ola", ["staff"], PASSWORD)
    for attempt in range(4):
        assert users.authenticate(store, "ola", f"wrong password {attempt}") == SignIn(False, reason="wrong")
    assert users.authenticate(store, "ola", "wrong password 5") == SignIn(False, reason="wrong")
    assert last_entry(store) == ("ola", "sign_in.failed", "ola", {"reason": "wrong password", "locked": True})
    assert users.get(store, "ola")["locked_until"] == NOW_UTC + timedelta(minutes=15)

    # Even the right password gets the one answer: "locked" is never said, so a guesser
    # learns nothing during the lock. The trail has the true reason.
    assert users.authenticate(store, "ola", PASSWORD) == SignIn(False, reason="wrong")
    assert last_entry(store) == ("ola", "sign_in.failed", "ola", {"reason": "locked"})
    at(monkeypatch, NOW_UTC + timedelta(minutes=14, seconds=59))
    assert users.authenticate(store, "ola", PASSWORD) == SignIn(False, reason="wrong")
    at(monkeypatch, NOW_UTC + timedelta(minutes=15))
    assert users.authenticate(store, "ola", PASSWORD) == SignIn(True, "ola", ("staff",), "")
    assert users.get(store, "ola")["locked_until"] is None
    # a fresh count after the lock: one mistake does not lock again
    assert users.authenticate(store, "ola", "wrong again!!") == SignIn(False, reason="wrong")


@pytest.fixture
def verifications(monkeypatch):
    """Every Argon2 verification sign-in makes: (hash parameters, candidate typed)."""
    made = []
    real = PasswordHasher.verify

    def counted(hasher, hashed, candidate):
        made.append((hashed.rsplit("$", 2)[0], candidate))
        return real(hasher, hashed, candidate)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return made


@pytest.mark.long
def test_every_refusal_is_one_answer_after_one_verification(store, monkeypatch, verifications):
    """OWASP ASVS 4 V2.2.1/V3: an unknown user, a wrong password, a locked, a disabled and a
    password-less account get the same answer, after the same Argon2 work: one verification
    against a hash with the same parameters (a dummy where there is no hash)."""
    users.add(store, "admin", "ola", ["staff"], PASSWORD)
    real_parameters = store.value("SELECT password_hash FROM users").rsplit("$", 2)[0]
    assert real_parameters.startswith("$argon2id$")
    users.add(store, "admin", "disabled", ["staff"], PASSWORD)
    users.set_disabled(store, "admin", "disabled", True)
    users.add(store, "admin", "locked", ["staff"], PASSWORD)
    for _ in range(5):
        users.authenticate(store, "locked", "wrong password!")
    users.add(store, "admin", "oidc-only", ["staff"], None)
    cases = {  # the true reason each one must leave in the trail
        ("nobody", PASSWORD): ("anonymous", {"reason": "unknown user"}),
        ("ola", "not the password"): ("ola", {"reason": "wrong password", "locked": False}),
        ("locked", PASSWORD): ("locked", {"reason": "locked"}),
        ("locked", "not the password"): ("locked", {"reason": "locked"}),
        ("disabled", PASSWORD): ("disabled", {"reason": "disabled"}),
        ("disabled", "not the password"): ("disabled", {"reason": "disabled"}),
        ("oidc-only", PASSWORD): ("oidc-only", {"reason": "wrong password", "locked": False}),
    }
    for (name, typed), (actor, details) in cases.items():
        verifications.clear()
        assert users.authenticate(store, name, typed) == SignIn(False, reason="wrong"), name
        assert verifications == [(real_parameters, typed)], name
        entry = trail.listing(store, limit=1)[0]
        assert (entry["actor"], entry["action"], entry["details"]) == (actor, "sign_in.failed", details), name
    # Typed with spaces around it: the normal form and, for a password set before Vern
    # normalised, the text as typed; two verifications, whatever the account.
    for name, typed in (("nobody", PASSWORD), ("ola", "not the password"), ("locked", PASSWORD),
                        ("disabled", PASSWORD)):
        verifications.clear()
        assert users.authenticate(store, name, f" {typed} ") == SignIn(False, reason="wrong"), name
        assert verifications == [(real_parameters, typed), (real_parameters, f" {typed} ")], name
    verifications.clear()
    assert users.authenticate(store, "ola", f" {PASSWORD} ").ok
    assert len(verifications) == 2


def test_success_resets_the_failure_count(store):
    users.add(store, "admin", "ola", ["staff"], PASSWORD)
    for _ in range(4):
        users.authenticate(store, "ola", "wrong password!")
    assert users.authenticate(store, "ola", PASSWORD).ok
    for _ in range(4):
        assert users.authenticate(store, "ola", "wrong password!") == SignIn(False, reason="wrong")
    assert users.authenticate(store, "ola", PASSWORD).ok


def test_set_password_lifts_a_lock(store):
    users.add(store, "admin", "ola", ["staff"], PASSWORD)
    for _ in range(5):
        users.authenticate(store, "ola", "wrong password!")
    users.set_password(store, "admin", "ola", "a brand new password")
    assert users.authenticate(store, "ola", "a brand new password").ok
    assert users.authenticate(store, "ola", PASSWORD) == SignIn(False, reason="wrong")


def test_disabled_account_refused(store):
    users.add(store, "admin", "ola", ["staff"], PASSWORD)
    users.set_disabled(store, "admin", "ola", True)
    assert users.authenticate(store, "ola", PASSWORD) == SignIn(False, reason="wrong")
    assert last_entry(store) == ("ola", "sign_in.failed", "ola", {"reason": "disabled"})
    users.set_disabled(store, "admin", "ola", False)
    assert last_entry(store) == ("admin", "users.enable", "ola", {})
    assert users.authenticate(store, "ola", PASSWORD).ok


def test_oidc_only_account_has_no_password(store):
    users.add(store, "admin", "kari@example.no", ["board"], None)
    assert users.authenticate(store, "kari@example.no", "") == SignIn(False, reason="wrong")
    assert users.authenticate(store, "kari@example.no", "any password at all") == SignIn(False, reason="wrong")
    assert users.listing(store)[0]["local"] is False


def test_changes_to_unknown_users_refused(store):
    for change in (lambda: users.set_password(store, "admin", "nobody", PASSWORD),
                   lambda: users.set_disabled(store, "admin", "nobody", True),
                   lambda: users.set_roles(store, "admin", "nobody", ["staff"]),
                   lambda: users.get(store, "nobody")):
        with pytest.raises(VernError) as caught:
            change()
        assert str(caught.value) == "username: no such user"  # not repeated: it may be personal data
    assert [e["action"] for e in trail.listing(store)] == ["trail.start"]  # the database's first entry only


# -- the command line ------------------------------------------------------------------------
def test_cli_users_add_list_disable_set_password(db, env):
    result = vern_cli(db, "users", "add", "ola", "--role", "adviser", "--role", "board",
                      "--password-stdin", input=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "user ola created with role(s) adviser, board\n"

    result = vern_cli(db, "users", "list", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == [{
        "username": "ola", "roles": ["adviser", "board"], "disabled": False, "locked_until": None,
        "local_password": True, "created_at": "2026-11-24T11:00:00Z", "last_sign_in": None}]
    con = duckdb.connect(str(db), read_only=True)
    hashed = con.execute("SELECT password_hash FROM users").fetchone()[0]
    con.close()
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # argon2-cffi's default: RFC 9106's second choice
    assert hashed not in result.stdout
    assert "argon2" not in result.stdout

    result = vern_cli(db, "users", "disable", "ola")
    assert (result.returncode, result.stdout) == (0, "user ola disabled\n")
    assert json.loads(vern_cli(db, "users", "list", "--json").stdout)[0]["disabled"] is True
    result = vern_cli(db, "users", "list")
    assert result.stdout.split() == ["ola", "adviser,board", "disabled"]

    result = vern_cli(db, "users", "set-password", "ola", "--password-stdin", input="a new long password\r\n")
    assert (result.returncode, result.stdout) == (0, "password of ola changed\n")
    assert vern_cli(db, "users", "enable", "ola").stdout == "user ola enabled\n"

    vern = open_vern(str(db))
    try:
        assert users.authenticate(vern.store, "ola", "a new long password") == SignIn(
            True, "ola", ("adviser", "board"), "")
        assert users.authenticate(vern.store, "ola", PASSWORD) == SignIn(False, reason="wrong")
        # oldest first, after the entry every database begins with
        actions = [(e["actor"], e["action"], e["object"]) for e in trail.listing(vern.store)][::-1]
    finally:
        vern.close()
    assert actions[1:5] == [("cli:tester", "users.add", "ola"), ("cli:tester", "users.disable", "ola"),
                           ("cli:tester", "users.set_password", "ola"), ("cli:tester", "users.enable", "ola")]


def test_cli_refusals_in_bokmal_by_default(db, env):
    result = vern_cli(db, "users", "add", "ola", "--role", "staff", "--password-stdin", input="too short\n")
    assert (result.returncode, result.stderr) == (
        1, "vern: Passordet må ha minst 12 tegn (mellomrom før og etter teller ikke). Velg et lengre, "
           "gjerne noen ord som ikke hører sammen.\n")
    result = vern_cli(db, "users", "disable", "nobody")
    assert (result.returncode, result.stderr) == (1, "vern: Det finnes ingen bruker med dette brukernavnet.\n")


def test_cli_refusals(db, env):
    result = vern_cli(db, "--lang", "en", "users", "add", "ola", "--role", "staff", "--password-stdin",
                      input="too short\n")
    assert (result.returncode, result.stderr) == (1, f"vern: {SHORT}\n")
    result = vern_cli(db, "--lang", "en", "users", "add", "ola", "--role", "staff", "--password-stdin", input="aaaaaaaaaaaa\n")
    assert (result.returncode, result.stderr) == (
        1, "vern: password: only repeats and runs (like aaaa, 1234 or abcd): choose one that is harder to guess\n")
    result = vern_cli(db, "--lang", "en", "users", "add", "ola", "--role", "staff", input=PASSWORD + "\n")
    assert (result.returncode, result.stderr) == (
        1, "vern: password: give it on standard input with --password-stdin\n")
    result = vern_cli(db, "--lang", "en", "users", "add", "ola", "--role", "root", "--password-stdin", input=PASSWORD + "\n")
    assert result.returncode == 2
    assert "'root' is not one of 'staff', 'adviser', 'board', 'admin'" in result.stderr
    result = vern_cli(db, "--lang", "en", "users", "add", "o l a", "--role", "staff", "--password-stdin", input=PASSWORD + "\n")
    assert (result.returncode, result.stderr) == (1, f"vern: {NAME_RULE}\n")
    result = vern_cli(db, "--lang", "en", "users", "disable", "nobody")
    assert (result.returncode, result.stderr) == (1, "vern: username: no such user\n")
    result = vern_cli(db, "--lang", "en", "users", "add", "ola", "--role", "staff", "--oidc-only")
    assert (result.returncode, result.stdout) == (0, "user ola created with role(s) staff\n")
    result = vern_cli(db, "--lang", "en", "users", "add", "ola", "--role", "staff", "--oidc-only")
    assert (result.returncode, result.stderr) == (1, "vern: username: exists already\n")
    assert json.loads(vern_cli(db, "users", "list", "--json").stdout)[0]["local_password"] is False


def test_demo_creates_one_user_per_role(db, env):
    result = vern_cli(db, "demo")
    assert result.returncode == 0, result.stderr
    rows = json.loads(vern_cli(db, "users", "list", "--json").stdout)
    assert [(r["username"], r["roles"]) for r in rows] == [
        ("admin", ["admin"]), ("adviser", ["adviser"]), ("board", ["board"]), ("staff", ["staff"])]
    vern = open_vern(str(db))
    try:
        demo_passwords = {"admin": "vern-demo-drift", "adviser": "vern-demo-personvern",
                          "board": "vern-demo-styret", "staff": "vern-demo-ansatt"}
        for name, password in demo_passwords.items():
            assert f"  {name:<8} {password}\n" in result.stdout
            assert users.authenticate(vern.store, name, password) == SignIn(True, name, (name,), "")
    finally:
        vern.close()


def test_new_database_has_no_users(db, env):
    assert vern_cli(db, "init").returncode == 0
    result = vern_cli(db, "users", "list", "--json")
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


# -- OpenID Connect role mapping -------------------------------------------------------------
MAPPING = {
    "staff": ["ola@example.no", "group:2222-bbbb"],
    "adviser": ["Kari.Nordmann@Example.NO"],
    "board": ["group:1111-aaaa"],
    "admin": [],
}


@pytest.mark.parametrize(("claims", "roles"), [
    ({"email": "kari.nordmann@example.no"}, ("adviser",)),
    ({"email": "KARI.NORDMANN@EXAMPLE.NO"}, ("adviser",)),
    ({"email": "someone@example.no", "groups": ["1111-aaaa"]}, ("board",)),
    ({"email": "someone@example.no", "groups": ["9999", "2222-bbbb", "1111-aaaa"]}, ("staff", "board")),
    ({"preferred_username": "Kari.Nordmann@example.no"}, ("adviser",)),
    ({"email": "ola@example.no", "groups": ["1111-aaaa"]}, ("staff", "board")),
    ({"email": "someone@example.no"}, ()),
    ({"email": "someone@example.no", "groups": ["1111"]}, ()),
    ({}, ()),
    # An address the provider has not verified (Google says so) names nobody; its groups still count.
    ({"email": "kari.nordmann@example.no", "email_verified": False}, ()),
    ({"email": "ola@example.no", "email_verified": False, "groups": ["1111-aaaa"]}, ("board",)),
    ({"email": "kari.nordmann@example.no", "email_verified": True}, ("adviser",)),
])
def test_roles_for_claims(claims, roles):
    assert users.roles_for_claims(claims, MAPPING) == roles


def test_roles_for_claims_all_roles_and_no_mapping():
    mapping = {role: ["group:all"] for role in users.ROLES}
    assert users.roles_for_claims({"groups": ["all"]}, mapping) == ("staff", "adviser", "board", "admin")
    assert users.roles_for_claims({"email": "ola@example.no"}, {}) == ()


def test_blank_mapping_entry_grants_nothing():
    """A blank line in the configuration must not grant a role to an identity without email."""
    assert users.roles_for_claims({"sub": "123"}, {"admin": [""], "staff": ["  "]}) == ()
    assert users.roles_for_claims({"email": ""}, {"admin": [""]}) == ()
