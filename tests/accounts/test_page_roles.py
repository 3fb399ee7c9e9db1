"""Sign-in and need to know: every role against every page, refusals recorded."""

from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from audits.accounts import users
from audits.checking import runner
from audits.core import trail
from conftest import APP, FIXED_NOW

DENIED = "Du har ikke tilgang til denne siden. Forsøket er registrert."
REFUSED = ("Sign-in failed: wrong username or password, or the account is blocked. Try again. After five "
           "failed attempts in a row the account is locked for 15 minutes; the administrator can help.")

# Who may open which page: the README's table (Roles and sign-in), written out by hand so
# that a wrong audits.accounts.page_roles.PAGE_ROLES fails here. S = staff, A = adviser, B = board, D = admin.
POLICY = {
    "overview": "ABD", "board": "AB", "breaches": "A", "report": "SABD", "mine": "SABD",
    "requests": "SABD", "review": "A", "findings": "A", "access": "A", "training": "AB",
    "activities": "AB", "retention": "AB", "consent": "AB", "processors": "A", "checks": "AD",
    "sources": "AD", "pseudonyms": "A", "trail": "AD", "audit": "AD", "users": "D", "organisation": "D", "home": "SABD",
}
LETTER = {"staff": "S", "adviser": "A", "board": "B", "admin": "D"}


def sign_in_form(lang="nb") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    return at


def submit(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


@pytest.mark.parametrize("role", list(LETTER))
@pytest.mark.parametrize("page", list(POLICY))
def test_each_role_against_each_page(dashboard, vern, role, page):
    at = dashboard(page, roles=(role,))
    assert not at.exception
    denied = [e.value for e in at.error if e.value == DENIED]
    refusals = [e for e in trail.listing(vern.store, action="access.denied") if e["object"] == page]
    if page == "overview" and role == "staff":
        # The start page ("/") of someone without an overview: reporting a breach.
        assert at.title[0].value == "Meld et avvik" and denied == [] and refusals == []
    elif LETTER[role] in POLICY[page]:
        assert denied == [] and refusals == []
        assert at.title, f"{page} drew nothing for {role}"
    else:
        assert denied == [DENIED]
        assert [(e["actor"], e["object"]) for e in refusals] == [(role, page)]
        assert len(at.main) == 1  # the refusal and nothing else


@pytest.mark.parametrize("roles, links", [
    (("staff",), ["home", "report", "mine", "requests"]),
    # "" is the start page: the overview. In the sidebar's order: by section (Start, cases,
    # compliance, evidence, audit, administration).
    (("board",), ["", "board", "home", "report", "mine", "requests", "activities", "training", "retention",
                  "consent"]),
    (("admin",), ["", "home", "report", "mine", "requests", "sources", "checks", "trail", "audit", "users",
                  "organisation", "backups"]),
    (("adviser", "admin"), ["", "review", "board", "home", "breaches", "report", "mine", "requests", "findings",
                            "activities", "processors", "training", "retention", "consent", "access", "sources",
                            "checks", "pseudonyms", "trail", "audit", "users", "organisation", "backups"]),
])
def test_navigation_lists_only_the_pages_a_user_may_open(dashboard, vern, roles, links):
    at = dashboard(roles=roles)
    assert [link.proto.page for link in at.sidebar.get("page_link")] == links


def test_staff_land_on_the_breach_form(dashboard, vern):
    at = dashboard(roles=("staff",))
    assert at.title[0].value == "Meld et avvik"
    assert not at.error


def test_sign_in_with_a_good_password(demo_vern):
    at = submit(sign_in_form(), "adviser", "vern-demo-personvern")
    assert at.session_state["user"] == {"name": "adviser", "roles": ("adviser",), "method": "password"}
    assert at.title[0].value == "Oversikt"
    assert trail.listing(demo_vern.store, action="sign_in")[0]["actor"] == "adviser"


def test_every_refusal_gets_the_same_answer(vern):
    """An unknown user, a wrong password, a locked and a disabled account: one message,
    "locked" never said; the trail keeps the true reason."""
    users.add(vern.store, "test", "ola", ["staff"], "correct horse battery")
    users.add(vern.store, "test", "kari", ["staff"], "correct horse battery")
    users.set_disabled(vern.store, "test", "kari", True)
    users.add(vern.store, "test", "per", ["staff"], "correct horse battery")
    at = sign_in_form("en")
    for _ in range(5):
        submit(at, "per", "wrong wrong wrong")
    attempts = {("nobody", "correct horse battery"): "unknown user", ("ola", "not the password"): "wrong password",
                ("per", "correct horse battery"): "locked", ("kari", "correct horse battery"): "disabled"}
    for (name, password), reason in attempts.items():
        submit(at, name, password)
        assert "user" not in at.session_state
        assert [e.value for e in at.error] == [REFUSED], name
        assert trail.listing(vern.store, action="sign_in.failed", limit=1)[0]["details"]["reason"] == reason


def test_a_database_without_accounts_explains_how_to_create_the_first_admin(vern):
    at = sign_in_form("en")
    assert at.info[0].value == "This database has no users yet. Create the first administrator on the server:"
    assert at.code[0].value == "vern users add NAME --role admin"
    assert not at.text_input


def test_the_board_sees_no_error_text_from_a_failed_check(dashboard, demo_vern, tmp_path):
    inbox = demo_vern.config.inbox / "processors"
    inbox.mkdir(parents=True)
    (inbox / "register.csv").write_text("name,service\nPERSONAL-MARKER,CRM\n")
    runner.run(demo_vern.store, demo_vern.config, demo_vern.checks["processors"], "cli")
    board = dashboard(roles=("board",))
    assert [m.value for m in board.metric if m.label == "Feilede kontroller"] == ["1"]
    assert not board.error
    adviser = dashboard(roles=("adviser",))
    assert any("mangler kolonnene countries" in e.value for e in adviser.error)


@pytest.fixture
def oidc(vern, tmp_path):
    """Sign-in through an OpenID Connect provider, roles mapped in the configuration."""
    from audits.core.config import load

    path = tmp_path / "vern.toml"
    path.write_text('[auth]\noidc_provider = "microsoft"\n'
                    '[auth.roles]\nadviser = ["Kari@Forening.no"]\nboard = ["group:5f1c-board"]\n')
    vern.config = load(path, vern.store.path, vern.checks)
    return vern


# The ID token's expiry, an hour after the fixed clock (seconds since 1970).
VALID_UNTIL = int(datetime.fromisoformat(FIXED_NOW).timestamp()) + 3600


def oidc_app(claims: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "exp": VALID_UNTIL, **claims}
    at.run()
    return at


def test_oidc_identity_gets_the_roles_mapped_by_email(oidc):
    at = oidc_app({"email": "kari@forening.no", "name": "Kari"})
    assert at.session_state["user"] == {"name": "kari@forening.no", "roles": ("adviser",), "method": "oidc"}
    assert at.title[0].value == "Oversikt"
    entry = trail.listing(oidc.store, action="sign_in")[0]
    assert (entry["actor"], entry["details"]) == ("kari@forening.no", {"method": "oidc", "roles": ["adviser"]})


def test_oidc_identity_gets_the_roles_mapped_by_group(oidc):
    at = oidc_app({"email": "ola@forening.no", "groups": ["5f1c-board", "other"]})
    assert at.session_state["user"]["roles"] == ("board",)


def test_oidc_identity_without_a_role_is_refused_and_recorded(oidc):
    at = oidc_app({"email": "guest@example.com"})
    assert "user" not in at.session_state
    assert at.warning[0].value == "Kontoen din har ingen rolle i Vern. Spør administratoren."
    assert trail.listing(oidc.store, action="sign_in.failed")[0]["details"] == {"reason": "no role", "method": "oidc"}


@pytest.mark.parametrize("expires", [VALID_UNTIL - 3600, None])
def test_oidc_identity_whose_token_has_expired_starts_no_session(oidc, expires):
    """Streamlit hands the ID token's claims to every new browser session for 30 days; a
    session starts from them only before the token's `exp` (reached at exactly that second)."""
    at = oidc_app({"email": "kari@forening.no", "exp": expires})
    assert "user" not in at.session_state
    assert at.warning[0].value == "Innloggingen med organisasjonskontoen er utløpt. Logg inn på nytt."
    assert trail.listing(oidc.store, action="sign_in") == []


def test_the_sign_in_form_offers_the_organisation_account_when_oidc_is_configured(oidc):
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": False}
    at.run()
    assert at.button[0].label == "Logg inn med organisasjonskonto"
