"""The test provider refuses what a real one refuses, so the browser tests' "nothing was
refused" means Streamlit really used PKCE, the registered redirect address and the secret."""

import base64
import json
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, s256

REDIRECT = "http://localhost:1/oauth2callback"
VERIFIER = "a-code-verifier-of-enough-length-for-rfc-7636-0123456789"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def provider():
    with Provider() as running:
        running.redirect_uri = REDIRECT
        running.identity = {"email": "kari@forening.no", "name": "Kari", "groups": ["g-1"]}
        yield running


def authorize(provider, **changed) -> tuple[int, str]:
    query = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT, "scope": "openid email",
             "state": "s-1", "nonce": "n-1", "code_challenge": s256(VERIFIER), "code_challenge_method": "S256",
             **changed}
    try:
        urllib.request.build_opener(_NoRedirect).open(f"{provider.url}/authorize?{urlencode(query)}")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location") or answer.read().decode()
    raise AssertionError("no answer")


def token(provider, code: str, verifier: str = VERIFIER, secret: str = CLIENT_SECRET) -> tuple[int, dict]:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    basic = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
    request = urllib.request.Request(f"{provider.url}/token", data=urlencode(form).encode(),
                                     headers={"Authorization": f"Basic {basic}"})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as answer:
        return answer.code, json.load(answer)


def code_from(location: str) -> str:
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["s-1"]
    return query["code"][0]


def test_a_code_for_the_verifier_gives_a_signed_id_token_with_the_groups(provider):
    status, location = authorize(provider)
    assert status == 302 and location.startswith(REDIRECT)
    status, tokens = token(provider, code_from(location))
    assert status == 200
    keys = KeySet.import_key_set(json.load(urllib.request.urlopen(f"{provider.url}/jwks")))
    claims = jwt.decode(tokens["id_token"], keys, algorithms=["RS256"]).claims
    assert {k: claims[k] for k in ("iss", "aud", "nonce", "email", "groups")} == \
        {"iss": provider.url, "aud": CLIENT_ID, "nonce": "n-1", "email": "kari@forening.no", "groups": ["g-1"]}
    assert claims["exp"] - claims["iat"] == 3600
    assert provider.refused == []


@pytest.mark.parametrize(("changed", "refused"), [
    ({"code_challenge_method": "plain"}, ["code_challenge"]),
    ({"code_challenge": ""}, ["code_challenge"]),
    ({"redirect_uri": "http://localhost:2/oauth2callback"}, ["redirect_uri"]),
    ({"client_id": "someone-else"}, ["client_id"]),
])
def test_the_authorization_request_is_refused_without_pkce_or_registration(provider, changed, refused):
    assert authorize(provider, **changed)[0] == 400
    assert provider.refused == refused


def test_the_code_needs_its_verifier_and_the_secret_and_serves_once(provider):
    code = code_from(authorize(provider)[1])
    assert token(provider, code, verifier="another-verifier")[0] == 400
    assert provider.refused == ["code_verifier"]
    code = code_from(authorize(provider)[1])
    assert token(provider, code, secret="wrong")[0] == 400
    code = code_from(authorize(provider)[1])
    assert token(provider, code)[0] == 200
    assert token(provider, code)[0] == 400  # used
    assert provider.refused == ["code_verifier", "client", "code", "redirect_uri", "code_verifier"]
