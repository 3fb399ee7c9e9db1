"""A small, real OpenID Connect provider on loopback, for signing in through `st.login`.

What Entra ID and Google do, no more: a discovery document, the authorization-code flow
with PKCE (S256 only), RS256-signed ID tokens carrying the identity's email, name and
groups, the key set, and the end-session endpoint. Nobody types a password: the test sets
`identity` to the person who is "signed in" at the provider when the browser arrives.
Anything a real provider would refuse (a wrong client, redirect address, verifier or
secret, a code used twice) is answered 400 and kept in `refused`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "vern-test-client"
CLIENT_SECRET = "vern-test-secret"  # noqa: S105 (a test's own provider)


class Provider:
    """The provider's state: who is signed in, the codes handed out, what it refused."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "vern-test-key", "use": "sig"})
        self.identity: dict = {}
        self.lifetime = 3600  # seconds an ID token is valid, as at Entra ID and Google
        self.redirect_uri = ""  # the one address registered for the client
        self.codes: dict[str, dict] = {}
        self.issued: list[dict] = []  # the claims of every ID token handed out
        self.refused: list[str] = []
        self.signed_out = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Provider:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "end_session_endpoint": f"{self.url}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
            "claims_supported": ["sub", "email", "name", "groups", "nonce"],
        }

    def authorize(self, query: dict[str, str]) -> str:
        """The address the browser is sent back to, with a code for the current identity."""
        checks = {
            "response_type": query.get("response_type") == "code",
            "client_id": query.get("client_id") == CLIENT_ID,
            "redirect_uri": query.get("redirect_uri") == self.redirect_uri,
            "scope": "openid" in query.get("scope", "").split(),
            "code_challenge": query.get("code_challenge_method") == "S256" and bool(query.get("code_challenge")),
            "identity": bool(self.identity),
        }
        self._check(checks)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"redirect_uri": query["redirect_uri"], "challenge": query["code_challenge"],
                            "nonce": query.get("nonce"), "identity": dict(self.identity)}
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"

    def token(self, form: dict[str, str], authorization: str) -> dict:
        """The tokens for a code: once, for the client that proves its secret and verifier."""
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        grant = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        self._check({
            "grant_type": form.get("grant_type") == "authorization_code",
            "client": (client_id, client_secret) == (CLIENT_ID, CLIENT_SECRET),
            "code": grant is not None,
            "redirect_uri": grant is not None and form.get("redirect_uri") == grant["redirect_uri"],
            "code_verifier": grant is not None and s256(verifier) == grant["challenge"],
        })
        now = int(time.time())
        identity = grant["identity"]
        claims = {"iss": self.url, "sub": hashlib.sha256(identity["email"].encode()).hexdigest()[:24],
                  "aud": CLIENT_ID, "iat": now, "exp": now + self.lifetime, **identity}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        self.issued.append(claims)
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key, algorithms=["RS256"])
        return {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 3600,
                "scope": "openid email profile", "id_token": id_token}

    def jwks(self) -> dict:
        return {"keys": [self.key.as_dict(private=False)]}

    def _check(self, checks: dict[str, bool]) -> None:
        failed = [name for name, ok in checks.items() if not ok]
        if failed:
            self.refused.extend(failed)
            raise Refused(", ".join(failed))


class Refused(Exception):
    """A request the provider answers 400."""


def s256(verifier: str) -> str:
    """PKCE's S256 code challenge of `verifier` (RFC 7636 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            routes = {
                "/.well-known/openid-configuration": lambda: self._json(provider.discovery()),
                "/jwks": lambda: self._json(provider.jwks()),
                "/authorize": lambda: self._redirect(provider.authorize(query)),
                "/logout": lambda: self._sign_out(query),
            }
            self._answer(routes.get(parts.path))

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            token = lambda: self._json(provider.token(form, self.headers.get("Authorization", "")))  # noqa: E731
            self._answer(token if self.path == "/token" else None)

        def _answer(self, respond) -> None:
            if respond is None:
                self._json({"error": "not_found"}, 404)
                return
            try:
                respond()
            except Refused as refused:
                self._json({"error": "invalid_request", "error_description": str(refused)}, 400)

        def _sign_out(self, query: dict[str, str]) -> None:
            provider.signed_out += 1
            self._redirect(query.get("post_logout_redirect_uri") or provider.redirect_uri)

        def _json(self, payload: dict, status: int = 200) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:  # quiet: the test reads `refused`
            pass

    return Handler
