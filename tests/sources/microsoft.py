"""A fake Microsoft on loopback, over TLS (MSAL takes only an https:// authority): Entra's
OpenID configuration and token endpoint for the client-credentials grant, the Office 365
Management Activity API with its documented shapes (subscriptions list and start, content
listed per window with NextPageUri paging, blobs of AuditData records), and Microsoft
Graph's users and a group's transitive members ($select, $top, @odata.nextLink paging, the
application permissions granted, Graph's error JSON). A token is for one resource (its
scope): each API refuses another's.

`tls_files` makes a certificate for localhost the test trusts through REQUESTS_CA_BUNDLE
(MSAL's requests) and SSL_CERT_FILE (httpx), so the real clients verify the real thing."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import ssl
import uuid
from pathlib import Path

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TENANT, CLIENT, SECRET = "7e5a-tenant", "vern-app", "app-secret"
TYPES = ("Audit.SharePoint", "Audit.Exchange", "Audit.AzureActiveDirectory", "Audit.General")
MANAGE, GRAPH = "https://manage.office.com/.default", "https://graph.microsoft.com/.default"
# The properties of a Graph user Vern may $select (a few of the many Graph has).
USER_PROPERTIES = ("id", "displayName", "mail", "userPrincipalName", "accountEnabled", "userType", "employeeType",
                   "department", "employeeHireDate", "employeeLeaveDateTime", "createdDateTime", "jobTitle")


def tls_files(folder: Path, valid_until: dt.datetime | None = None) -> tuple[Path, Path]:
    """(certificate, key) PEM files for localhost and 127.0.0.1, self-signed, valid for 30
    days or until `valid_until`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(valid_until or now + dt.timedelta(days=30))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                               x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "localhost.pem", folder / "localhost.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def https_server(folder: Path, monkeypatch) -> HTTPServer:
    """A started HTTPS server on localhost whose certificate (`.tls_files`: certificate, key)
    MSAL (requests) and httpx trust."""
    cert, key = tls_files(folder)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = HTTPServer(host="localhost", port=0, ssl_context=context)
    server.start()
    server.tls_files = (cert, key)
    return server


def record(n: int, created: dt.datetime, user: str = "kari@vern.example") -> dict:
    """A SharePoint FileAccessed record, as AuditData carries it (CreationTime in UTC, no offset)."""
    return {"Id": str(uuid.UUID(int=n)), "RecordType": 6, "CreationTime": created.strftime("%Y-%m-%dT%H:%M:%S"),
            "Operation": "FileAccessed", "OrganizationId": TENANT, "UserType": 0, "UserId": user,
            "Workload": "SharePoint", "ClientIP": "10.0.0.7", "SiteUrl": "https://vern.sharepoint.com/sites/medlem/",
            "ObjectId": f"https://vern.sharepoint.com/sites/medlem/Delte dokumenter/liste-{n}.xlsx"}


def user(n: int, name: str, email: str, **properties) -> dict:
    """A member of the tenant as Graph holds them: enabled, made on 1 March 2021."""
    return {"id": f"{n:08x}-7c1e-4d2a-9b3f-5e6d7c8b9a0f", "displayName": name, "mail": email,
            "userPrincipalName": email, "accountEnabled": True, "userType": "Member", "employeeType": None,
            "department": None, "employeeHireDate": None, "employeeLeaveDateTime": None,
            "createdDateTime": "2021-03-01T08:15:00Z", "jobTitle": None, **properties}


def _graph_error(status: int, code: str, message: str) -> Response:
    return Response(json.dumps({"error": {"code": code, "message": message, "innerError": {
        "date": "2026-11-24T11:00:00", "request-id": "0b8c7d6e-5f4a-4b3c-9d2e-1f0a9b8c7d6e",
        "client-request-id": "0b8c7d6e-5f4a-4b3c-9d2e-1f0a9b8c7d6e"}}}), status, content_type="application/json")


class Microsoft:
    """`blobs`: (content type, available at, records). Every page of a content listing holds
    `page_size` blobs, every page of Graph's `graph_page` users or members. `trouble` queues
    answers for the API's requests; `disabled` makes starting a subscription fail as a tenant
    without audit logging does; `revoked` tokens are refused before their end, and every
    token without `feed_granted` (the app lacks ActivityFeed.Read). `users` and `groups` (object id -> its members' ids, nested
    groups already flattened) are the tenant's; `permissions` the application permissions
    granted to the app; `broken_pages[n]` makes the n-th page (from 0) of every Graph listing
    answer 500 that many times."""

    def __init__(self, server: HTTPServer, blobs: list[tuple[str, dt.datetime, list[dict]]], page_size: int = 2,
                 token_seconds: int = 3600, certificate: x509.Certificate | None = None):
        self.server, self.blobs, self.page_size = server, blobs, page_size
        self.token_seconds, self.certificate = token_seconds, certificate
        self.tokens: dict[str, dt.datetime] = {}
        self.resources: dict[str, str] = {}  # token -> the scope it was issued for
        self.users: list[dict] = []
        self.groups: dict[str, list[str]] = {}
        self.permissions = {"User.Read.All", "GroupMember.Read.All"}
        self.graph_page = 2
        self.broken_pages: dict[int, int] = {}
        self.enabled: set[str] = set()
        self.disabled = False
        self.revoked: set[str] = set()  # tokens refused before their end
        self.feed_granted = True  # ActivityFeed.Read
        self.refused = 0  # the API's requests refused for their token
        self.trouble: list[Response] = []
        self.asked: list[str] = []  # the path of every API request
        self.endpoint = f"https://localhost:{server.port}"
        server.expect_request(f"/{TENANT}/v2.0/.well-known/openid-configuration").respond_with_handler(self.openid)
        server.expect_request(f"/{TENANT}/oauth2/v2.0/token", method="POST").respond_with_handler(self.token)
        feed = f"/api/v1.0/{TENANT}/activity/feed"
        server.expect_request(f"{feed}/subscriptions/list").respond_with_handler(self.listing)
        server.expect_request(f"{feed}/subscriptions/start", method="POST").respond_with_handler(self.start)
        server.expect_request(f"{feed}/subscriptions/content").respond_with_handler(self.content)
        server.expect_request(re.compile(r"/blobs/\d+")).respond_with_handler(self.blob)
        server.expect_request("/v1.0/users").respond_with_handler(self.graph_users)
        server.expect_request(re.compile(r"/v1\.0/groups/[^/]+/transitiveMembers/microsoft\.graph\.user")) \
            .respond_with_handler(self.graph_members)
        self.broken: dict[int, int] = {}  # blob number -> how many more times it answers 500

    def openid(self, request: Request) -> Response:
        base = f"{self.endpoint}/{TENANT}"
        return Response(json.dumps({"token_endpoint": f"{base}/oauth2/v2.0/token", "issuer": f"{base}/v2.0",
                                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize"}),
                        content_type="application/json")

    def token(self, request: Request) -> Response:
        form = request.form
        if form.get("grant_type") != "client_credentials" or form.get("client_id") != CLIENT \
                or not self._credential_holds(form):
            return Response(json.dumps({"error": "invalid_client", "error_description":
                                        "AADSTS7000215: Invalid client secret provided."}), 401,
                            content_type="application/json")
        scope = form.get("scope")
        if scope not in (MANAGE, GRAPH):
            return Response(json.dumps({"error": "invalid_resource", "error_description":
                                        f"AADSTS500011: The resource principal named {scope} was not found in "
                                        f"the tenant named {TENANT}."}), 400, content_type="application/json")
        issued = f"token-{len(self.tokens) + 1}"
        self.tokens[issued] = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.token_seconds)
        self.resources[issued] = scope
        return Response(json.dumps({"token_type": "Bearer", "expires_in": self.token_seconds,
                                    "access_token": issued}), content_type="application/json")

    def _credential_holds(self, form) -> bool:
        if self.certificate is None:
            return form.get("client_secret") == SECRET
        assertion = form.get("client_assertion", "")
        thumbprint = jwt.utils.base64url_encode(self.certificate.fingerprint(hashes.SHA1())).decode()
        try:
            claims = jwt.decode(assertion, self.certificate.public_key(), algorithms=["RS256", "PS256"],
                                audience=f"{self.endpoint}/{TENANT}/oauth2/v2.0/token")
        except jwt.PyJWTError:
            return False
        # x5t: the certificate's SHA-1 thumbprint, base64url (MSAL keeps the padding)
        return jwt.get_unverified_header(assertion).get("x5t", "").rstrip("=") == thumbprint and claims["iss"] == CLIENT

    def _refusal(self, request: Request) -> Response | None:
        self.asked.append(request.path)
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.tokens.get(given, dt.datetime.min.replace(tzinfo=dt.UTC)) < dt.datetime.now(dt.UTC) \
                or self.resources[given] != MANAGE or given in self.revoked:
            self.refused += 1
            return Response(json.dumps({"error": {"code": "AF10001", "message": "The token is not valid."}}), 401)
        if not self.feed_granted:
            self.refused += 1
            return Response(json.dumps({"error": {"code": "AF10001", "message": "The permission set () sent in the "
                                                  "request does not include the expected permission."}}), 401)
        return self.trouble.pop(0) if self.trouble else None

    def _graph_refusal(self, request: Request, permission: str) -> Response | None:
        self.asked.append(request.path)
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.tokens.get(given, dt.datetime.min.replace(tzinfo=dt.UTC)) < dt.datetime.now(dt.UTC):
            return _graph_error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
        if self.resources[given] != GRAPH:
            return _graph_error(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
        if permission not in self.permissions:
            return _graph_error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
        return self.trouble.pop(0) if self.trouble else None

    def _graph_page(self, request: Request, items: list[dict], kind: str) -> Response:
        """One page of a Graph collection: the $select-ed properties of `page_size` items, and
        @odata.nextLink (the same query with a $skiptoken) when there are more."""
        args = request.args
        selected = args.get("$select", "").split(",") if args.get("$select") else list(USER_PROPERTIES)
        unknown = [name for name in selected if name not in USER_PROPERTIES]
        if unknown:
            return _graph_error(400, "BadRequest", f"Could not find a property named '{unknown[0]}' on type "
                                f"'microsoft.graph.{kind}'.")
        top = int(args.get("$top", 100))
        if not 1 <= top <= 999:
            return _graph_error(400, "Request_UnsupportedQuery", f"Invalid page size specified: '{top}'. Must be "
                                "between 1 and 999 inclusive.")
        start = int(args.get("$skiptoken", 0))
        number = start // min(top, self.graph_page)
        if self.broken_pages.get(number):
            self.broken_pages[number] -= 1
            return _graph_error(500, "generalException", "General exception while processing.")
        chunk = items[start:start + min(top, self.graph_page)]
        page = {"@odata.context": f"{self.endpoint}/v1.0/$metadata#users({','.join(selected)})",
                "value": [{name: item.get(name) for name in selected} for item in chunk]}
        if start + len(chunk) < len(items):
            following = {key: value for key, value in args.items() if key != "$skiptoken"}
            query = "&".join(f"{key}={value}" for key, value in following.items())
            page["@odata.nextLink"] = f"{self.endpoint}{request.path}?{query}&$skiptoken={start + len(chunk)}"
        return Response(json.dumps(page), content_type="application/json;odata.metadata=minimal")

    def graph_users(self, request: Request) -> Response:
        return self._graph_refusal(request, "User.Read.All") or self._graph_page(request, self.users, "user")

    def graph_members(self, request: Request) -> Response:
        refused = self._graph_refusal(request, "GroupMember.Read.All")
        if refused:
            return refused
        group = request.path.split("/")[3]
        if group not in self.groups:
            return _graph_error(404, "Request_ResourceNotFound", f"Resource '{group}' does not exist or one of its "
                                "queried reference-property objects are not present.")
        return self._graph_page(request, [u for u in self.users if u["id"] in self.groups[group]], "user")

    def listing(self, request: Request) -> Response:
        return self._refusal(request) or Response(json.dumps(
            [{"contentType": kind, "status": "enabled" if kind in self.enabled else "disabled", "webhook": None}
             for kind in TYPES]), content_type="application/json")

    def start(self, request: Request) -> Response:
        refused = self._refusal(request)
        if refused:
            return refused
        if self.disabled:
            return Response(json.dumps({"error": {"code": "AF20023", "message":
                            "The subscription was disabled by an administrator: audit logging is turned off."}}),
                            400, content_type="application/json")
        self.enabled.add(request.args["contentType"])
        return Response(json.dumps({"contentType": request.args["contentType"], "status": "enabled"}),
                        content_type="application/json")

    def content(self, request: Request) -> Response:
        refused = self._refusal(request)
        if refused:
            return refused
        kind, page = request.args["contentType"], int(request.args.get("nextPage", 0))
        start, end = (dt.datetime.fromisoformat(request.args[k]).replace(tzinfo=dt.UTC) for k in ("startTime", "endTime"))
        assert end - start <= dt.timedelta(hours=24), "a window of more than 24 hours"
        found = [(n, at) for n, (k, at, _) in enumerate(self.blobs) if k == kind and start <= at < end]
        chunk = found[page * self.page_size:(page + 1) * self.page_size]
        answer = Response(json.dumps([
            {"contentType": kind, "contentId": f"blob-{n}", "contentUri": f"{self.endpoint}/blobs/{n}",
             "contentCreated": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
             "contentExpiration": (at + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
            for n, at in chunk]), content_type="application/json")
        if (page + 1) * self.page_size < len(found):
            answer.headers["NextPageUri"] = (f"{self.endpoint}{request.path}?contentType={kind}"
                                             f"&startTime={request.args['startTime']}&endTime={request.args['endTime']}"
                                             f"&nextPage={page + 1}")
        return answer

    def blob(self, request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[1])
        if self.broken.get(number):
            self.broken[number] -= 1
            return Response("", 500)
        return self._refusal(request) or Response(json.dumps(self.blobs[number][2]), content_type="application/json")

    def pages_listed(self) -> int:
        return sum(1 for path in self.asked if path.endswith("/content"))


def records_from(start: int, count: int, at: dt.datetime) -> list[dict]:
    return [record(n, at + dt.timedelta(minutes=n)) for n in range(start, start + count)]

