"""Asking a provider, politely: rate limits (429) and server errors (5xx) are tried again
after the wait the provider asks for in Retry-After, else after 1, 2, 4 … seconds; any
other refusal ends the pull at once with the provider's own words, which the adviser
reads to put it right (a wrong secret, a missing permission, a disabled subscription).

A request signed in with a `token` takes its header at each try, so a try after a long
wait is not sent with a token that ran out meanwhile, and a token the provider refuses
(401: run out on its clock, or revoked) is renewed and the request tried once more."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

from audits.core import text
from audits.core.errors import InputError
from audits.core.i18n import Message
from audits.io.http_retry import retry_after

if TYPE_CHECKING:  # annotations only: httpx is imported by the pulls
    import httpx

TRIES = 5
BACKOFF_SECONDS = (1, 2, 4, 8)  # the wait after the 1st, 2nd … failed try
LONGEST_WAIT = 120  # seconds: a Retry-After beyond it ends the pull; the next one resumes
TIMEOUT_SECONDS = 30
SAID_LENGTH = 500  # of the provider's answer kept with a failed pull
sleep = time.sleep  # the waits; a test may watch them


class Token(Protocol):
    """An app's access token, kept by its sign-in library (MSAL, google-auth)."""

    def header(self) -> dict[str, str]:
        """The Authorization header: the kept token while it is fresh, else a new one."""

    def renew(self) -> None:
        """Forget the kept token: the next header asks for a new one."""


class SourceFailed(Exception):
    """The provider did not give what was asked, or gave what the import refused: `text`
    says why in the reader's words."""

    def __init__(self, message: Message, refused: InputError | None = None):
        super().__init__(message("en"))
        self.message, self.refused = message, refused

    def text(self, lang: str) -> str:
        return "\n  ".join([self.message(lang), *(self.refused.shown(lang) if self.refused else [])])


def get(client: httpx.Client, source: str, url: str, **request: Any) -> httpx.Response:
    """GET `url`; the answer when it is 2xx, else SourceFailed once the tries are spent."""
    return ask(client, source, "GET", url, **request)


def post(client: httpx.Client, source: str, url: str, **request: Any) -> httpx.Response:
    return ask(client, source, "POST", url, **request)


def ask(client: httpx.Client, source: str, method: str, url: str, token: Token | None = None,
        **request: Any) -> httpx.Response:
    import httpx

    renewed = False
    for attempt in range(TRIES):
        wait = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
        if token is not None:
            request["headers"] = token.header()
        try:
            answer = client.request(method, url, timeout=TIMEOUT_SECONDS, **request)
        except httpx.TimeoutException:
            problem = Message("sources.timeout", {"source": source, "seconds": TIMEOUT_SECONDS})
        except httpx.HTTPError as error:
            problem = Message("sources.unreachable", {"source": source, "kind": type(error).__name__})
        else:
            if answer.is_success:
                return answer
            problem = refused(source, answer)
            if answer.status_code == 401 and token is not None and not renewed and attempt + 1 < TRIES:
                token.renew()
                renewed = True
                continue  # at once: nothing to wait for
            if answer.status_code != 429 and answer.status_code < 500:
                raise SourceFailed(problem)
            asked = retry_after(answer.headers.get("Retry-After"))
            wait = wait if asked is None else asked
        if attempt + 1 == TRIES or wait > LONGEST_WAIT:
            raise SourceFailed(problem)
        sleep(wait)
    raise AssertionError("unreachable")  # the loop returns or raises


def json_of(source: str, answer: httpx.Response) -> Any:
    """The answer's JSON, else SourceFailed."""
    try:
        return answer.json()
    except ValueError:
        raise SourceFailed(Message("sources.not_json", {"source": source})) from None


def page_of(source: str, answer: httpx.Response) -> dict:
    """The answer's JSON object (a page of a listing), else SourceFailed."""
    page = json_of(source, answer)
    if not isinstance(page, dict):
        raise SourceFailed(Message("sources.not_json", {"source": source}))
    return page


def cleaned(said: str) -> str:
    """A provider's words as Vern keeps them: shortened, on one line, control characters dropped."""
    shown = text.BIDI_CONTROLS.sub("", text.CONTROLS.sub(" ", said[:SAID_LENGTH * 2]))
    return " ".join(shown.split())[:SAID_LENGTH]


def refused(source: str, answer: httpx.Response) -> Message:
    """The provider's refusal in its own words."""
    said = cleaned(answer.text)
    if not said:
        return Message("sources.http_silent", {"source": source, "status": answer.status_code})
    return Message("sources.http", {"source": source, "status": answer.status_code, "said": said})
