"""The HTTP answers that set and clear the session cookie, served beside the dashboard
(st.App routes, wired in audits/serve.py).

Why a route: Streamlit pages reach the browser over a websocket, which cannot set a
cookie, and a cookie written by the page's JavaScript could not be HttpOnly. So after a
sign-in the page posts a one-time ticket (audits.accounts.sessions.ticket) here with
fetch(), and this answer sets the cookie: HttpOnly, SameSite=Strict, Secure when the
request came over HTTPS (directly or through a proxy that says so), holding the random
session id and nothing else. A fetch() rather than a redirect keeps the page and what is
typed in it where they are, and keeps the ticket out of the address bar and the history.

Only a request from the dashboard's own pages is heard: the Origin must be this host and
the request must carry the header a cross-site form cannot send. Another site can then
neither plant its own session in a person's browser nor clear theirs.
"""

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from audits.accounts import sessions
from audits.core import clock

PATH = "/_vern/session"
HEADER = "X-Vern-Session"  # a custom header: cross-site, only a CORS-preflighted fetch could send it


def _secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _ours(request: Request) -> bool:
    origin = request.headers.get("origin", "")
    return request.headers.get(HEADER) == "1" and bool(origin) and urlsplit(origin).netloc == request.headers.get("host")


async def open_session(request: Request) -> Response:
    session_id = sessions.redeem((await request.body()).decode(errors="replace"), clock.now()) if _ours(request) else None
    if session_id is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(sessions.COOKIE, session_id, path="/", httponly=True, samesite="strict",
                        secure=_secure(request))
    return response


async def close_session(request: Request) -> Response:
    if not _ours(request):
        return Response(status_code=403)
    response = Response(status_code=204)
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
    return response


ROUTES = [Route(PATH, open_session, methods=["POST"]), Route(PATH, close_session, methods=["DELETE"])]


def script(method: str, ticket: str = "") -> str:
    """The page's half: one fetch() to the route above (the ticket is URL-safe text)."""
    return (f'<script>fetch("{PATH}", {{method: "{method}", body: {ticket!r} || null, '
            f'credentials: "same-origin", headers: {{"{HEADER}": "1"}}}});</script>')
