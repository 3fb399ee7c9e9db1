"""Sign-in through the association's identity provider, for real: `vern serve` in its own
process, Streamlit's `st.login` in headless Chromium, and a real OpenID Connect provider on
loopback (oidc_provider.py: discovery, authorization code with PKCE, RS256-signed ID
tokens). Vern learns only who someone is; the roles come from `[auth.roles]` in vern.toml:
a group from the ID token's groups claim, or an address.
"""

import contextlib
import re
from urllib.parse import urlsplit

import pytest
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from playwright.sync_api import expect
from test_browser_reload import wait_for_cookie

from audits.accounts import page_roles
from audits.core import trail
from audits.core.i18n import t
from audits.runtime import open_vern
from conftest import copy_template, serving

ADVISERS = "3f2b8c1e-5d4a-4e8f-9b6c-0d1e2f3a4b5c"  # an Entra ID group object id
ORGANISATION_ACCOUNT = "Logg inn med organisasjonskonto"


@pytest.fixture
def provider():
    with Provider() as running:
        yield running


@pytest.fixture
def oidc_db(db_path, new_db_template, provider, monkeypatch):
    """A new database (no local accounts) whose server signs in through `provider`:
    Streamlit's [auth] in .streamlit/secrets.toml of the folder the server runs in, as the
    README says, and Vern's role map in vern.toml beside the database."""
    copy_template(new_db_template, db_path)
    folder = db_path.parent
    (folder / "vern.toml").write_text(
        '[auth]\noidc_provider = "microsoft"\n'
        f'[auth.roles]\nadviser = ["group:{ADVISERS}"]\nstaff = ["Ola@Forening.no"]\n', encoding="utf-8")
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "secrets.toml").write_text(
        '[auth]\nredirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "a long random string, for this test only"\n'
        f'[auth.microsoft]\nclient_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n', encoding="utf-8")
    monkeypatch.chdir(folder)  # the server inherits the working folder, and finds .streamlit/ there
    return db_path


@contextlib.contextmanager
def oidc_serving(db_path, provider):
    """`vern serve`, its address registered at the provider as the one redirect address."""
    with serving(db_path) as url:
        provider.redirect_uri = f"{url}/oauth2callback"
        yield url
    assert provider.refused == []  # every request Streamlit made is one a real provider accepts


@pytest.fixture
def hosts(page) -> set[str]:
    """Every host the browser sends a request to, redirects included."""
    seen: set[str] = set()
    page.context.on("request", lambda request: seen.add(urlsplit(request.url).hostname))
    return seen


def recorded(db_path, action: str) -> list[dict]:
    """The trail's entries for `action`, oldest first (read once the server has stopped)."""
    opened = open_vern(str(db_path))
    try:
        return [{k: e[k] for k in ("actor", "object", "details")}
                for e in reversed(trail.listing(opened.store, action=action))]
    finally:
        opened.close()


def sign_in_with_provider(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=ORGANISATION_ACCOUNT).click()


def signed_in_as(page, who: str):
    """The sidebar's "Innlogget som …" line (an address is shown with word joiners, which
    keep it from turning into a link)."""
    shown = "\u2060?".join(re.escape(ch) for ch in f"Innlogget som {who}")
    return page.get_by_text(re.compile(shown))


def expect_sidebar_of(page, role: str) -> None:
    """The sidebar lists exactly the pages of `role`, in order."""
    titles = [t(f"nav.{name}", "nb") for name in page_roles.pages_for((role,))]
    links = page.get_by_test_id("stSidebar").get_by_role("link")
    expect(links).to_have_count(len(titles))
    assert [text.splitlines()[-1] for text in links.all_inner_texts()] == titles  # after the icon's name


def test_roles_come_from_the_groups_claim_or_the_address_and_last_until_sign_out(oidc_db, provider, page, hosts):
    with oidc_serving(oidc_db, provider) as url:
        provider.identity = {"email": "kari@forening.no", "name": "Kari Nordmann", "groups": ["other", ADVISERS]}
        sign_in_with_provider(page, url)
        expect(signed_in_as(page, "kari@forening.no (Personvernrådgiver)")).to_be_visible()
        expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
        expect_sidebar_of(page, "adviser")

        wait_for_cookie(page)  # handed over by a request of the page's own, just after the sign-in
        page.reload()  # a new Streamlit session: still signed in, from the same sign-in at the provider
        expect(signed_in_as(page, "kari@forening.no (Personvernrådgiver)")).to_be_visible()
        expect_sidebar_of(page, "adviser")

        page.get_by_role("button", name="Logg ut").click()  # ends Vern's session, then the provider's
        for _ in range(300):  # the browser follows Streamlit's logout to the provider, then back
            if provider.signed_out:
                break
            page.wait_for_timeout(100)
        expect(page.get_by_role("button", name=ORGANISATION_ACCOUNT)).to_be_visible(timeout=30_000)
        page.reload()
        expect(page.get_by_role("button", name=ORGANISATION_ACCOUNT)).to_be_visible()
        expect(page.get_by_text("Innlogget som")).to_have_count(0)
        assert provider.signed_out == 1

        provider.identity = {"email": "ola@forening.no", "name": "Ola Nordmann"}  # no groups: by address
        sign_in_with_provider(page, url)
        expect(signed_in_as(page, "ola@forening.no (Ansatt/frivillig)")).to_be_visible()
        expect_sidebar_of(page, "staff")

    assert hosts == {"localhost", "127.0.0.1"}  # Vern and the provider: nothing beyond this machine
    assert [claims.get("groups") for claims in provider.issued] == [["other", ADVISERS], None]  # 2 sign-ins
    kari = {"actor": "kari@forening.no", "object": "kari@forening.no"}
    assert recorded(oidc_db, "sign_in") == [
        {**kari, "details": {"method": "oidc", "roles": ["adviser"]}},  # the reload resumes it: no new sign-in
        {"actor": "ola@forening.no", "object": "ola@forening.no", "details": {"method": "oidc", "roles": ["staff"]}},
    ]
    assert recorded(oidc_db, "sign_out") == [{**kari, "details": {}}]


def test_an_identity_with_no_role_is_refused_and_recorded(oidc_db, provider, page):
    with oidc_serving(oidc_db, provider) as url:
        provider.identity = {"email": "guest@example.com", "name": "Gjest", "groups": ["other"]}
        sign_in_with_provider(page, url)
        expect(page.get_by_text("Kontoen din har ingen rolle i Vern. Spør administratoren.")).to_be_visible()
        expect(page.get_by_role("button", name=ORGANISATION_ACCOUNT)).to_be_visible()
        expect(page.get_by_text("Innlogget som")).to_have_count(0)
        expect(page.get_by_test_id("stSidebar").get_by_role("link")).to_have_count(0)  # no page

    assert len(provider.issued) == 1  # the provider did sign the guest in; Vern refused
    assert recorded(oidc_db, "sign_in") == [
        {"actor": "guest@example.com", "object": "", "details": {"reason": "no role", "method": "oidc"}}]


@pytest.fixture
def real_clock(db_path, monkeypatch):
    """The server on the real clock: the provider's tokens carry real times."""
    monkeypatch.setenv("VERN_NOW", "")


def test_an_expired_id_token_starts_no_session(real_clock, oidc_db, provider, page):
    """Streamlit keeps the identity for 30 days; Vern starts a session from it only while
    the ID token is valid. The provider hands out a token that expired 30 seconds ago, which
    Streamlit still accepts (Authlib allows two minutes for clocks that differ)."""
    provider.lifetime = -30
    with oidc_serving(oidc_db, provider) as url:
        provider.identity = {"email": "kari@forening.no", "name": "Kari Nordmann", "groups": [ADVISERS]}
        sign_in_with_provider(page, url)
        expect(page.get_by_text("Innloggingen med organisasjonskontoen er utløpt. Logg inn på nytt.")).to_be_visible()
        expect(page.get_by_role("button", name=ORGANISATION_ACCOUNT)).to_be_visible()  # to sign in anew
        expect(page.get_by_text("Innlogget som")).to_have_count(0)

    assert len(provider.issued) == 1
    assert recorded(oidc_db, "sign_in") == []
