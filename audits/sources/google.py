"""Google Workspace: the Admin SDK Reports API's activity reports (`activities.list`).

A service account with domain-wide delegation signs in with google-auth (a JWT signed with
its key, exchanged at Google's token endpoint), acting as `subject`, an admin allowed to
read reports, for the one scope admin.reports.audit.readonly. Each application the access
checks judge is a stream, listed in windows (audits.sources.windows: a day, up to a week
while the application is quiet) following nextPageToken, from the cursor less 6 hours but
never from further back than the 180 days Google keeps. The pages are the ones `vern import
access-logs --format gworkspace` reads, so a batch of windows is kept as that import's files
are, a page a line as Google sent it, and goes through that import.

`endpoint` moves the token endpoint and the API together (a test); without it they are
Google's public ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from audits.core import clock
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

TOKEN_URI, API = "https://oauth2.googleapis.com/token", "https://admin.googleapis.com"
SCOPE = "https://www.googleapis.com/auth/admin.reports.audit.readonly"  # reading the audit reports, nothing more
# The applications the gworkspace import judges (sign-ins, Drive); another's events would be
# stored as `other` on no system, which no rule reads.
APPLICATIONS = ("login", "saml", "drive")
KEPT = timedelta(days=180)  # how far back the Reports API lists activities
# Google's "Data retention and lag times": most log events reach the Reports API within
# minutes, some only after a few hours (rarely later). Each pull re-reads six hours before its
# cursor for those; the import's de-duplication makes re-reading harmless.
LATE = timedelta(hours=6)
PAGE_SIZE = 1000  # the most activities.list gives in one page
# The longest window of a quiet application (windows.Spans): a first pull of one with few
# activities asks some 30 times for 180 days, not 180; a window's pages stay one import's.
QUIET = timedelta(days=7)


class Token:
    """The service account's access token for `scopes` (the audit reports', or the
    directory's), acting as the admin; asked anew when it is no longer fresh (none yet, or
    near its end), so a pull outlasting one token goes on (asking.Token)."""

    def __init__(self, source: Source, scopes: tuple[str, ...] = (SCOPE,)):
        from google.auth.transport.requests import Request  # imported here: only Google's pulls need it
        from google.oauth2 import service_account

        self.source, self.request = source, Request()
        path = source.secret("credentials_env")
        try:
            key = json.loads(Path(path).read_text(encoding="utf-8"))
            self.credentials = service_account.Credentials.from_service_account_info(
                {**key, "token_uri": _token_uri(source)},
                scopes=list(scopes), subject=source.options["subject"])
        except (OSError, ValueError, TypeError) as error:  # unreadable, not JSON, not a key; never quoted
            raise SourceFailed(Message("sources.google.key_file", {
                "source": source.name, "variable": source.options["credentials_env"],
                "why": type(error).__name__})) from None

    def header(self) -> dict[str, str]:
        from google.auth import exceptions
        from google.auth.credentials import TokenState

        if self.credentials.token_state is not TokenState.FRESH:
            try:
                self.credentials.refresh(self.request)
            except exceptions.RefreshError as refused:  # the token endpoint's error and its description
                said = asking.cleaned(str(refused.args[0]) if refused.args else "")
                raise SourceFailed(Message("sources.google.token", {"source": self.source.name, "said": said})) from None
            except exceptions.TransportError as error:
                raise SourceFailed(Message("sources.unreachable", {
                    "source": self.source.name, "kind": type(error.__cause__ or error).__name__})) from None
        return {"Authorization": f"Bearer {self.credentials.token}"}

    def renew(self) -> None:
        self.credentials.token = None  # no longer fresh: the next header refreshes it


def _token_uri(source: Source) -> str:
    """Where the key's signed assertion is exchanged for a token: Google's, whatever the key file says."""
    return f"{source.endpoint}/token" if source.endpoint else TOKEN_URI


def _activities(source: Source, application: str) -> str:
    return f"{source.endpoint or API}/admin/reports/v1/activity/users/all/applications/{application}"


def test(config: Config, source: Source, client: httpx.Client) -> None:
    """Sign in and ask for one activity; SourceFailed if either is refused."""
    next(pages(client, source, Token(source), _activities(source, APPLICATIONS[0]), {"maxResults": 1}))


def pull(store: Store, config: Config, source: Source, client: httpx.Client, counts: Counts) -> None:
    token = Token(source)
    with Importing(store, source.name, "gworkspace", counts) as importing:
        for application in APPLICATIONS:
            windows.store_windows(config, source, application,
                                  windows.Spans(store, source.name, application, KEPT, LATE, QUIET),
                                  write=partial(_write_pages, client=client, source=source, token=token,
                                                application=application), importing=importing, lines=True)


def _write_pages(keep: windows.Keep, span: tuple[datetime, datetime], client: httpx.Client, source: Source,
                 token: Token, application: str) -> None:
    """Each of the window's pages that holds activities to `keep`, as Google sent it."""
    params: dict[str, Any] = {"startTime": _stamp(span[0]), "endTime": _stamp(span[1]), "maxResults": PAGE_SIZE}
    for page, answer in _answers(client, source, token, _activities(source, application), params, _skimmed):
        if page.items:  # an empty page has none
            keep(answer.content)


class _Skimmed(msgspec.Struct):
    """What the pull reads of a Reports API page: the token of the next, and whether it holds
    activities. The activities are only stepped over (the import reads them), which is ten
    times quicker than json.loads of a page of 1,000 (benchmarks/sources.py)."""

    nextPageToken: str | None = None
    items: list[msgspec.Raw] = []


_SKIM = msgspec.json.Decoder(_Skimmed)


def _skimmed(source: Source, answer: httpx.Response) -> tuple[_Skimmed, str | None]:
    try:
        page = _SKIM.decode(answer.content)
    except msgspec.DecodeError:  # not JSON, or not a page of activities
        raise SourceFailed(Message("sources.not_json", {"source": source.name})) from None
    return page, page.nextPageToken


def _whole(source: Source, answer: httpx.Response) -> tuple[dict, str | None]:
    page = asking.page_of(source.name, answer)
    following = page.get("nextPageToken")
    return page, following if isinstance(following, str) else None


def pages(client: httpx.Client, source: Source, token: Token, url: str, params: dict[str, Any]) -> Iterator[dict]:
    """Every page of a Google API's listing, one at a time: the same query with each
    nextPageToken (the Reports API's and the Directory API's alike)."""
    return (page for page, _ in _answers(client, source, token, url, params, _whole))


def _answers(client: httpx.Client, source: Source, token: Token, url: str, params: dict[str, Any],
             read: Callable[[Source, httpx.Response], tuple[Any, str | None]]) -> Iterator[tuple[Any, httpx.Response]]:
    """Each page of the listing, as `read` reads it, and the answer that brought it."""
    while True:
        answer = asking.get(client, source.name, url, params=params, token=token)
        page, following = read(source, answer)
        yield page, answer
        if not following:
            return
        params = {**params, "pageToken": following}


def _stamp(instant: datetime) -> str:
    """RFC 3339 in UTC, as the API's examples write it."""
    return instant.astimezone(clock.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
