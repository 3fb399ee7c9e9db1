"""Microsoft 365: the Office 365 Management Activity API.

App-only sign-in with MSAL (client credentials: the app's secret, or its certificate), for
the scope https://manage.office.com/.default (permission ActivityFeed.Read). The
subscriptions the access checks read are started when they are not enabled. For each, the
content Microsoft has is listed in windows of at most 24 hours, following NextPageUri, from
the cursor less 12 hours (blobs arrive up to 12 hours late and out of order) but never from
further back than the 7 days Microsoft keeps: a cursor older than that is recorded as a gap
(`source_gaps`), the span whose events are lost. Each blob is an array of the same records as
the Purview export's AuditData column, so a window's blobs go through the m365 import (which
reads them as Microsoft sent them), its de-duplication and its transaction, in which the
cursor moves. A batch the import refuses is kept, its blobs as they came, in
the inbox's failed/ folder for the adviser, and that content type stops there; the others
go on, and the pull fails with it.

`endpoint` moves the sign-in and the API together (a national cloud, a test); without it
they are Microsoft's public ones.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audits.core import clock
from audits.core.errors import VernError
from audits.core.i18n import Message
from audits.sources import asking, windows
from audits.sources.asking import SourceFailed
from audits.sources.importing import Importing

if TYPE_CHECKING:  # annotations only
    import httpx

    from audits.core.config import Config
    from audits.core.store import Store
    from audits.sources.pulling import Counts
    from audits.sources.settings import Source

LOGIN, API = "https://login.microsoftonline.com", "https://manage.office.com"
SCOPE = ["https://manage.office.com/.default"]  # the API's name, wherever it is reached
CONTENT_TYPES = ("Audit.SharePoint", "Audit.Exchange", "Audit.AzureActiveDirectory", "Audit.General")
KEPT = timedelta(days=7)  # how far back Microsoft lists content
LATE = timedelta(hours=12)  # how late a blob may become available
# Content blobs asked for at once: each is a round trip, and Microsoft answers them side by side.
AT_ONCE = 4
_PEM = re.compile(rb"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.DOTALL)


class Token:
    """The app's access token for `scopes` (the Management API's, or Graph's for the
    directory) from MSAL, which keeps it and asks anew when it expires (asking.Token)."""

    def __init__(self, source: Source, scopes: list[str] = SCOPE):
        import msal  # imported here: only Microsoft's pulls need it

        self.source, self.scopes = source, scopes
        self.app = msal.ConfidentialClientApplication(
            source.options["client_id"], authority=f"{source.endpoint or LOGIN}/{source.options['tenant_id']}",
            client_credential=_credential(source),
            instance_discovery=not source.endpoint)  # an overridden endpoint is asked nothing elsewhere

    def header(self) -> dict[str, str]:
        import requests  # MSAL's own HTTP client

        try:
            result = self.app.acquire_token_for_client(scopes=self.scopes)
        except (requests.RequestException, ValueError) as error:  # unreachable, or no OpenID configuration
            raise SourceFailed(Message("sources.unreachable", {"source": self.source.name,
                                                               "kind": type(error).__name__})) from None
        if "access_token" not in result:
            said = asking.cleaned(str(result.get("error_description") or result.get("error") or ""))
            raise SourceFailed(Message("sources.m365.token", {"source": self.source.name, "said": said}))
        return {"Authorization": f"Bearer {result['access_token']}"}

    def renew(self) -> None:
        self.app.remove_tokens_for_client()


def _credential(source: Source) -> str | dict[str, str]:
    """The app's secret, or its certificate: the private key and the certificate's SHA-1
    thumbprint, from one PEM file (the path in the variable `certificate_env` names)."""
    if source.options["client_secret_env"]:
        return source.secret("client_secret_env")
    from cryptography.hazmat.primitives import hashes

    key, certificate = _certificate(source)
    return {"private_key": key, "thumbprint": certificate.fingerprint(hashes.SHA1()).hex()}  # noqa: S303 (Entra's x5t)


def _certificate(source: Source):
    """The private key (PEM) and the app's certificate, from the file `certificate_env` names."""
    from cryptography import x509

    variable = source.options["certificate_env"]
    try:
        pem = Path(source.secret("certificate_env")).read_bytes()
        key = next(m.group(0) for m in _PEM.finditer(pem) if m.group(1).endswith(b"PRIVATE KEY"))
        certificate = x509.load_pem_x509_certificates(pem)[0]  # the app's own; a chain may follow
    except (OSError, StopIteration, ValueError) as error:
        raise SourceFailed(Message("sources.m365.certificate", {"source": source.name, "variable": variable,
                                                                "why": type(error).__name__})) from None
    return key.decode(), certificate


def expires(source: Source) -> date | None:
    """The last day of the app's certificate (Oslo), when it signs in with one it can read;
    a secret's end Entra tells only to a broader permission than Vern asks for."""
    if not source.options["certificate_env"]:
        return None
    try:
        _, certificate = _certificate(source)
    except (SourceFailed, VernError):  # unreadable or not set: the pull says so
        return None
    return clock.local(certificate.not_valid_after_utc).date()


def _feed(source: Source) -> str:
    return f"{source.endpoint or API}/api/v1.0/{source.options['tenant_id']}/activity/feed"


def _listed(client: httpx.Client, source: Source, token: Token) -> Any:
    """The tenant's subscriptions, as Microsoft lists them."""
    return asking.json_of(source.name, asking.get(client, source.name, f"{_feed(source)}/subscriptions/list",
                                                  token=token))


def _subscribe(client: httpx.Client, source: Source, token: Token) -> None:
    """Start every subscription the checks read that is not enabled. A tenant whose audit
    log is off refuses, in Microsoft's words, which the adviser reads."""
    listed = _listed(client, source, token)
    enabled = {s.get("contentType") for s in listed if isinstance(s, dict) and s.get("status") == "enabled"} \
        if isinstance(listed, list) else set()
    for kind in CONTENT_TYPES:
        if kind not in enabled:
            asking.post(client, source.name, f"{_feed(source)}/subscriptions/start", token=token,
                        params={"contentType": kind, "PublisherIdentifier": source.options["tenant_id"]})


def test(config: Config, source: Source, client: httpx.Client) -> None:
    """Sign in and list the subscriptions; SourceFailed if either is refused."""
    _listed(client, source, Token(source))


def pull(store: Store, config: Config, source: Source, client: httpx.Client, counts: Counts) -> None:
    token = Token(source)
    _subscribe(client, source, token)
    with ThreadPoolExecutor(AT_ONCE, thread_name_prefix=f"pull-{source.name}") as pool, \
            Importing(store, source.name, "m365", counts) as importing:
        fetch = partial(_blob, client=client, source=source, token=token)
        for kind in CONTENT_TYPES:
            windows.store_windows(config, source, kind, windows.Spans(store, source.name, kind, KEPT, LATE),
                                  write=partial(_write_blobs, client=client, source=source, token=token, kind=kind,
                                                fetched=partial(_side_by_side, pool, fetch)), importing=importing)


def _write_blobs(keep: windows.Keep, span: tuple[datetime, datetime], client: httpx.Client, source: Source,
                 token: Token, kind: str, fetched: Callable[[list[str]], Iterator[bytes]]) -> None:
    """Each of the window's content blobs to `keep`, as Microsoft sent it: the m365 import
    reads the API's JSON as it reads the export's AuditData. AT_ONCE blobs are asked for
    side by side (`fetched`), kept in the listing's order."""
    url: str | None = f"{_feed(source)}/subscriptions/content"
    params: dict | None = {"contentType": kind, "PublisherIdentifier": source.options["tenant_id"],
                           "startTime": _stamp(span[0]), "endTime": _stamp(span[1])}
    while url:
        answer = asking.get(client, source.name, url, params=params, token=token)
        listing = asking.json_of(source.name, answer)
        uris = [item["contentUri"] for item in (listing if isinstance(listing, list) else [])
                if isinstance(item, dict) and isinstance(item.get("contentUri"), str)]
        for blob in fetched(uris):
            if blob.strip() not in (b"", b"[]"):  # nothing in it: nothing to import
                keep(blob)
        url, params = answer.headers.get("NextPageUri") or None, None  # the next page carries its query


def _side_by_side(pool: ThreadPoolExecutor, fetch: Callable[[str], bytes], uris: list[str]) -> Iterator[bytes]:
    """Each blob, in the listing's order: AT_ONCE asked for at a time, the next as soon as
    one is in, so the pool never idles while the blobs are written; at most 2 × AT_ONCE held."""
    asked: deque[Future[bytes]] = deque()
    try:
        for uri in uris:
            asked.append(pool.submit(fetch, uri))
            if len(asked) == 2 * AT_ONCE:
                yield asked.popleft().result()
        while asked:
            yield asked.popleft().result()
    finally:  # after a failure, those not yet asked for never are
        for waiting in asked:
            waiting.cancel()


def _blob(uri: str, client: httpx.Client, source: Source, token: Token) -> bytes:
    return asking.get(client, source.name, uri, token=token).content


def _stamp(instant: datetime) -> str:
    """The API's time form: UTC, to the second, no offset."""
    return instant.astimezone(clock.UTC).strftime("%Y-%m-%dT%H:%M:%S")
