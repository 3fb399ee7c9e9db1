"""A fake Google on loopback: the OAuth 2.0 token endpoint for a service account's
JWT-bearer grant (domain-wide delegation, for the scopes the Admin console allows the
client), the Admin SDK Reports API's activities.list with its documented shapes (activities
newest first, `nextPageToken` paging of the same query, startTime/endTime, 180 days kept,
Google's error JSON, 401 for a token it does not know or that has expired), and the
Directory API's users.list and members.list (the same paging; 403 for a token without the
API's scope). Plain HTTP: google-auth's requests transport and httpx take an
http:// address as well, and Vern allows clear http to this machine only. `server`: a
pytest-httpserver, or a `loopback.Loopback` (the demo).

`key_file` writes a service account's JSON key, as the Google Cloud console gives it, with a
freshly generated RSA key; the fake verifies the assertions signed with it."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug import Request, Response

SCOPE = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
USERS_SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"
MEMBERS_SCOPE = "https://www.googleapis.com/auth/admin.directory.group.member.readonly"
GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"  # the audience Google's token endpoint requires
CLIENT_EMAIL, KEY_ID = "vern-reports@vern-audit.iam.gserviceaccount.com", "5d0c1f7a9e3b4c2d8f6a0b1c2d3e4f5a6b7c8d9e"
SUBJECT, CUSTOMER = "it-admin@vern.example", "C03az79cb"
APPLICATIONS = ("access_transparency", "admin", "calendar", "chat", "drive", "gcp", "groups", "login", "meet",
                "mobile", "rules", "saml", "token", "user_accounts")
KEPT = dt.timedelta(days=180)
UNAUTHORIZED_CLIENT = ("Client is unauthorized to retrieve access tokens using this method, or client not "
                       "authorized for any of the scopes requested.")


def key_file(folder: Path) -> Path:
    """A service account key file, as Google Cloud's console downloads it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = folder / "vern-audit-5d0c1f7a9e3b.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "vern-audit", "private_key_id": KEY_ID, "private_key": pem,
        "client_email": CLIENT_EMAIL, "client_id": "104857600000000000042",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": GOOGLE_TOKEN,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{CLIENT_EMAIL.replace('@', '%40')}",
        "universe_domain": "googleapis.com"}, indent=2), encoding="utf-8")
    return path


def activity(n: int, at: dt.datetime, application: str, name: str, email: str = "kari@vern.example") -> dict:
    """One activity of the Reports API: a sign-in (login, saml) or a Drive file viewed."""
    if application == "drive":
        event = {"type": "access", "name": name, "parameters": [
            {"name": "primary_event", "boolValue": True}, {"name": "owner", "value": "medlem@vern.example"},
            {"name": "doc_id", "value": f"1AbCdEfGhIjKlMnOpQrStUv{n:05d}"}, {"name": "doc_type", "value": "spreadsheet"},
            {"name": "doc_title", "value": f"Medlemsliste {n}"}, {"name": "visibility", "value": "private"}]}
    elif application == "saml":
        event = {"type": "login", "name": name, "parameters": [
            {"name": "application_name", "value": "Medlemsregister"}, {"name": "initiated_by", "value": "sp"},
            {"name": "orgunit_path", "value": "/"}, {"name": "saml_status_code", "value": "SUCCESS_URI"}]}
    else:
        event = {"type": "login", "name": name, "parameters": [
            {"name": "login_type", "value": "google_password"}, {"name": "is_suspicious", "boolValue": False}]}
    return {"kind": "admin#reports#activity", "etag": f"\"etag-{n}\"",
            "id": {"time": at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z",
                   "uniqueQualifier": str(-(4611686018427387 + 7919 * n)), "applicationName": application,
                   "customerId": CUSTOMER},
            "actor": {"callerType": "USER", "email": email, "profileId": str(104857600000000000100 + n)},
            "ipAddress": "203.0.113.7", "events": [event]}


def person(n: int, name: str, email: str, **fields) -> dict:
    """A user of the domain as users.list gives it (projection basic): active, made on
    1 March 2021."""
    given, _, family = name.partition(" ")
    return {"kind": "admin#directory#user", "id": str(104857600000000000200 + n), "etag": f"\"user-{n}\"",
            "primaryEmail": email, "name": {"givenName": given, "familyName": family, "fullName": name},
            "isAdmin": False, "isDelegatedAdmin": False, "lastLoginTime": "2026-11-20T08:02:11.000Z",
            "creationTime": "2021-03-01T09:12:44.000Z", "agreedToTerms": True, "suspended": False,
            "archived": False, "changePasswordAtNextLogin": False, "ipWhitelisted": False,
            "emails": [{"address": email, "primary": True}], "customerId": CUSTOMER, "orgUnitPath": "/",
            "isMailboxSetup": True, "isEnrolledIn2Sv": True, "isEnforcedIn2Sv": False,
            "includeInGlobalAddressList": True, **fields}


def _error(status: int, message: str, reason: str, code: str) -> Response:
    """The Google APIs' error JSON."""
    return Response(json.dumps({"error": {"code": status, "message": message, "errors": [
        {"message": message, "domain": "global", "reason": reason}], "status": code}}), status,
        content_type="application/json; charset=UTF-8")


def _oauth_error(status: int, error: str, description: str) -> Response:
    return Response(json.dumps({"error": error, "error_description": description}), status,
                    content_type="application/json; charset=utf-8")


def _offset(args, query: list) -> int | None:
    """Where a page starts: 0 without a pageToken; the token's offset when it came with this
    very query (opaque to the client); None for any other token."""
    if "pageToken" not in args:
        return 0
    try:
        held = json.loads(base64.urlsafe_b64decode(args["pageToken"]))
    except ValueError:
        return None
    return held.get("offset") if isinstance(held, dict) and held.get("query") == query else None


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


class Google:
    """`activities`: what the domain's log holds, any order. A page holds at most `page_size`
    activities (Google may give fewer than maxResults). `now` is the API's time (Vern's
    frozen clock); tokens live by `clock()`, real time moved on by `tick` at each API
    request, so a test can let a pull outlast a token. `trouble` queues answers for the
    API's requests; `broken[n]` makes a page holding activity n answer 500 that many times.
    `delegated` is the client ID's domain-wide delegation in the Admin console, `scopes` the
    scopes it allows; `admins` the users allowed to read reports and the directory.
    `accounts` are the domain's users, `groups` each group's members (addresses of users or
    of groups); `broken_pages[n]` makes the n-th page (from 0) of users.list answer 500 that
    many times."""

    def __init__(self, server, key: Path, activities: list[dict], now: dt.datetime,
                 page_size: int = 2, token_seconds: int = 3599, tick: dt.timedelta = dt.timedelta(0)):
        self.server, self.activities, self.now, self.page_size = server, activities, now, page_size
        self.public_key = serialization.load_pem_private_key(
            json.loads(key.read_text())["private_key"].encode(), None).public_key()
        self.token_seconds, self.tick, self.moved = token_seconds, tick, dt.timedelta(0)
        self.delegated, self.admins, self.users = True, {SUBJECT}, {SUBJECT, "kari@vern.example"}
        self.scopes = {SCOPE, USERS_SCOPE, MEMBERS_SCOPE}
        self.tokens: dict[str, tuple[dt.datetime, str]] = {}  # token -> (expires, the user it acts as)
        self.granted: dict[str, set[str]] = {}  # token -> its scopes
        self.accounts: list[dict] = []
        self.groups: dict[str, list[str]] = {}
        self.broken_pages: dict[int, int] = {}
        self.directory_asked: list[tuple[str, dict]] = []  # (path, query) of every Directory API request
        self.assertions: list[dict] = []  # the claims of every assertion verified
        self.trouble: list[Response] = []
        self.broken: dict[int, int] = {}
        self.asked: list[tuple[str, dict]] = []  # (application, query) of every API request
        self.endpoint = server.url_for("").rstrip("/")
        server.expect_request("/token", method="POST").respond_with_handler(self.token)
        server.expect_request(re.compile(r"/admin/reports/v1/activity/users/[^/]+/applications/[^/]+")) \
            .respond_with_handler(self.listing)
        server.expect_request("/admin/directory/v1/users").respond_with_handler(self.users_listing)
        server.expect_request(re.compile(r"/admin/directory/v1/groups/[^/]+/members")) \
            .respond_with_handler(self.members_listing)

    def clock(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.moved

    def token(self, request: Request) -> Response:
        form = request.form
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return _oauth_error(400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", ""))
        assertion = form.get("assertion", "")
        try:  # an RS256 JWT signed with the service account's key, for Google's token endpoint
            if jwt.get_unverified_header(assertion).get("kid") != KEY_ID:
                return _oauth_error(400, "invalid_grant", "Invalid JWT Signature.")
            claims = jwt.decode(assertion, self.public_key, algorithms=["RS256"], audience=GOOGLE_TOKEN,
                                options={"verify_exp": False, "verify_iat": False})  # by this Google's clock, below
        except jwt.PyJWTError:
            return _oauth_error(400, "invalid_grant", "Invalid JWT Signature.")
        self.assertions.append(claims)
        now = self.clock().timestamp()
        if claims.get("iss") != CLIENT_EMAIL:
            return _oauth_error(400, "invalid_grant", "Invalid JWT Signature.")
        if not claims["iat"] - 300 <= now < claims["exp"] or claims["exp"] - claims["iat"] > 3600:
            return _oauth_error(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) "
                                "and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
        if claims.get("sub") not in self.users:
            return _oauth_error(400, "invalid_grant", "Invalid email or User ID")
        requested = set(claims.get("scope", "").split())
        if not self.delegated or not requested or not requested <= self.scopes:
            return _oauth_error(401, "unauthorized_client", UNAUTHORIZED_CLIENT)
        issued = f"ya29.c.fake-{len(self.tokens) + 1}"
        self.tokens[issued] = (self.clock() + dt.timedelta(seconds=self.token_seconds), claims["sub"])
        self.granted[issued] = requested
        return Response(json.dumps({"access_token": issued, "expires_in": self.token_seconds,
                                    "token_type": "Bearer"}), content_type="application/json; charset=utf-8")

    def _refusal(self, request: Request, scope: str) -> Response | None:
        """Why an API request with this token is refused, if it is; or the trouble queued."""
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expires, user = self.tokens.get(given, (dt.datetime.min.replace(tzinfo=dt.UTC), ""))
        now, self.moved = self.clock(), self.moved + self.tick
        if expires <= now:
            return _error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                          "login cookie or other valid authentication credential. See "
                          "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                          "authError", "UNAUTHENTICATED")
        if scope not in self.granted[given]:
            return _error(403, "Request had insufficient authentication scopes.", "insufficientPermissions",
                          "PERMISSION_DENIED")
        if user not in self.admins:
            return _error(403, "Not Authorized to access this resource/api", "forbidden", "PERMISSION_DENIED")
        return self.trouble.pop(0) if self.trouble else None

    def listing(self, request: Request) -> Response:
        application = request.path.rsplit("/", 1)[1]
        self.asked.append((application, dict(request.args)))
        refused = self._refusal(request, SCOPE)
        if refused:
            return refused
        if application not in APPLICATIONS:
            return _error(400, f"Invalid value '{application}'.", "invalid", "INVALID_ARGUMENT")
        return self._page(application, request.args)

    def _page(self, application: str, args) -> Response:
        try:
            start = _instant(args["startTime"]) if "startTime" in args else self.now - KEPT
            end = _instant(args["endTime"]) if "endTime" in args else self.now
            size = int(args.get("maxResults", 1000))
        except ValueError:
            return _error(400, "Invalid value", "invalid", "INVALID_ARGUMENT")
        if not 1 <= size <= 1000:
            return _error(400, f"Invalid value '{size}'. Values must be within the range: [1, 1000]", "invalid",
                          "INVALID_ARGUMENT")
        if start > end:
            return _error(400, "Invalid request: Start time is after end time.", "invalid", "INVALID_ARGUMENT")
        query = [args.get("startTime"), args.get("endTime"), size]
        offset = _offset(args, query)
        if offset is None:
            return _error(400, "Invalid page token", "invalid", "INVALID_ARGUMENT")
        found = sorted(((n, a) for n, a in enumerate(self.activities)
                        if a["id"]["applicationName"] == application and start <= _instant(a["id"]["time"]) <= end
                        and _instant(a["id"]["time"]) >= self.now - KEPT),  # older ones Google no longer has
                       key=lambda found: _instant(found[1]["id"]["time"]), reverse=True)  # newest first
        chunk = found[offset:offset + min(size, self.page_size)]
        for n, _ in chunk:
            if self.broken.get(n):
                self.broken[n] -= 1
                return _error(500, "Internal error encountered.", "backendError", "INTERNAL")
        page = {"kind": "admin#reports#activities", "etag": f"\"page-{offset}\""}
        if chunk:  # Google leaves an empty list out
            page["items"] = [a for _, a in chunk]
        if offset + len(chunk) < len(found):
            page["nextPageToken"] = base64.urlsafe_b64encode(json.dumps(
                {"query": query, "offset": offset + len(chunk)}).encode()).decode()
        return Response(json.dumps(page, indent=2), content_type="application/json; charset=UTF-8")

    def users_listing(self, request: Request) -> Response:
        self.directory_asked.append((request.path, dict(request.args)))
        refused = self._refusal(request, USERS_SCOPE)
        if refused:
            return refused
        if request.args.get("customer") not in ("my_customer", CUSTOMER):
            return _error(400, "Bad Request", "badRequest", "INVALID_ARGUMENT")
        return self._directory_page(request.args, self.accounts, "users", 500, self.broken_pages)

    def members_listing(self, request: Request) -> Response:
        self.directory_asked.append((request.path, dict(request.args)))
        refused = self._refusal(request, MEMBERS_SCOPE)
        if refused:
            return refused
        group = request.path.split("/")[5]
        if group not in self.groups:
            return _error(404, "Resource Not Found: groupKey", "notFound", "NOT_FOUND")
        derived = request.args.get("includeDerivedMembership") == "true"
        return self._directory_page(request.args, self._members(group, derived), "members", 200, {})

    def _members(self, group: str, derived: bool) -> list[dict]:
        """A group's members as members.list gives them; with `derived`, those of the groups
        within it too."""
        found = []
        for address in self.groups[group]:
            if address in self.groups:
                found.append({"kind": "admin#directory#member", "id": f"03x{len(found):05d}", "email": address,
                              "role": "MEMBER", "type": "GROUP", "status": "ACTIVE"})
                found += self._members(address, derived) if derived else []
            else:
                account = next(a for a in self.accounts if a["primaryEmail"] == address)
                found.append({"kind": "admin#directory#member", "id": account["id"], "email": address,
                              "role": "MEMBER", "type": "USER", "status": "ACTIVE"})
        return found

    def _directory_page(self, args, items: list[dict], key: str, most: int, broken: dict[int, int]) -> Response:
        """A page of a Directory API listing: at most `page_size` items, and nextPageToken
        (opaque, valid only with the query it came from) when there are more."""
        try:
            size = int(args.get("maxResults", most))
        except ValueError:
            return _error(400, "Invalid value", "invalid", "INVALID_ARGUMENT")
        if not 1 <= size <= most:
            return _error(400, f"Invalid value '{size}'. Values must be within the range: [1, {most}]", "invalid",
                          "INVALID_ARGUMENT")
        query = sorted([k, v] for k, v in args.items() if k != "pageToken")
        offset = _offset(args, query)
        if offset is None:
            return _error(400, "Invalid page token", "invalid", "INVALID_ARGUMENT")
        length = min(size, self.page_size)
        if broken.get(offset // length):
            broken[offset // length] -= 1
            return _error(500, "Internal error encountered.", "backendError", "INTERNAL")
        chunk = items[offset:offset + length]
        page = {"kind": f"admin#directory#{key}", "etag": f"\"{key}-{offset}\""}
        if chunk:  # Google leaves an empty list out
            page[key] = chunk
        if offset + len(chunk) < len(items):
            page["nextPageToken"] = base64.urlsafe_b64encode(json.dumps(
                {"query": query, "offset": offset + len(chunk)}).encode()).decode()
        return Response(json.dumps(page, indent=2), content_type="application/json; charset=UTF-8")

    def pages(self, application: str | None = None) -> int:
        return sum(1 for asked, _ in self.asked if application in (None, asked))
