"""A fake Microsoft on loopback, over TLS (MSAL takes only an https:// authority): Entra's
OpenID configuration and token endpoint for the client-credentials grant, and the Office 365
Management Activity API with its documented shapes (subscriptions list and start, content
listed per window with NextPageUri paging, blobs of AuditData records).

`tls_files` makes a certificate for localhost the test trusts through REQUESTS_CA_BUNDLE
(MSAL's requests) and SSL_CERT_FILE (httpx), so the real clients verify the real thing."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
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


def record(n: int, created: dt.datetime, user: str = "kari@vern.example") -> dict:
    """A SharePoint FileAccessed record, as AuditData carries it (CreationTime in UTC, no offset)."""
    return {"Id": str(uuid.UUID(int=n)), "RecordType": 6, "CreationTime": created.strftime("%Y-%m-%dT%H:%M:%S"),
            "Operation": "FileAccessed", "OrganizationId": TENANT, "UserType": 0, "UserId": user,
            "Workload": "SharePoint", "ClientIP": "10.0.0.7", "SiteUrl": "https://vern.sharepoint.com/sites/medlem/",
            "ObjectId": f"https://vern.sharepoint.com/sites/medlem/Delte dokumenter/liste-{n}.xlsx"}


class Microsoft:
    """`blobs`: (content type, available at, records). Every page of a content listing holds
    `page_size` blobs. `trouble` queues answers for the API's requests; `disabled` makes
    starting a subscription fail as a tenant without audit logging does."""

    def __init__(self, server: HTTPServer, blobs: list[tuple[str, dt.datetime, list[dict]]], page_size: int = 2,
                 token_seconds: int = 3600, certificate: x509.Certificate | None = None):
        self.server, self.blobs, self.page_size = server, blobs, page_size
        self.token_seconds, self.certificate = token_seconds, certificate
        self.tokens: dict[str, dt.datetime] = {}
        self.enabled: set[str] = set()
        self.disabled = False
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
        self.broken: dict[int, int] = {}  # blob number -> how many more times it answers 500

    def openid(self, request: Request) -> Response:
        base = f"{self.endpoint}/{TENANT}"
        return Response(json.dumps({"token_endpoint": f"{base}/oauth2/v2.0/token", "issuer": f"{base}/v2.0",
                                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize"}),
                        content_type="application/json")

    def token(self, request: Request) -> Response:
        form = request.form
        if form.get("grant_type") != "client_credentials" or form.get("client_id") != CLIENT \
                or form.get("scope") != "https://manage.office.com/.default" or not self._credential_holds(form):
            return Response(json.dumps({"error": "invalid_client", "error_description":
                                        "AADSTS7000215: Invalid client secret provided."}), 401,
                            content_type="application/json")
        issued = f"token-{len(self.tokens) + 1}"
        self.tokens[issued] = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.token_seconds)
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
        if self.tokens.get(given, dt.datetime.min.replace(tzinfo=dt.UTC)) < dt.datetime.now(dt.UTC):
            return Response(json.dumps({"error": {"code": "AF10001", "message": "The token is not valid."}}), 401)
        return self.trouble.pop(0) if self.trouble else None

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

