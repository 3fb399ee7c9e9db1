"""Signed-in sessions kept on the server, so that a reload does not sign anyone out.

The browser holds a cookie with a random id (`secrets.token_urlsafe(32)`, 256 bits) and
nothing else. The database keeps only the id's SHA-256, so whoever reads the file cannot
present it as a cookie; an id that random needs neither salt nor key, as there is nothing
to guess. A session lasts until `[auth] idle_minutes` after it was last used, or until
sign-out, when its row goes. Every sign-in makes a new id, and the id the browser brought
is removed, never adopted (no session fixation).

A page cannot set a cookie (it talks to the browser over a websocket): it hands the browser
a one-time ticket, kept here in memory for a minute, which the route in
audits/accounts/session_routes.py exchanges for the cookie. So the id itself never
crosses a page and is never written anywhere but into the cookie.
"""

import hashlib
import secrets
import threading
from datetime import datetime, timedelta
from typing import Any

from audits.core import trail
from audits.core.store import Store

COOKIE = "vern_session"
TICKET_LIFE = timedelta(minutes=1)
# An expired session's row stays this long, so that a reload can still say why it ended
# ("signed out after 30 minutes without activity") rather than just show the sign-in page.
KEEP_EXPIRED = timedelta(days=1)

_tickets: dict[str, tuple[str, datetime]] = {}  # ticket -> (session id, when it lapses)
_tickets_lock = threading.Lock()


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(store: Store, name: str, roles, method: str, now: datetime, idle_minutes: float,
          replacing: str | None = None) -> str:
    """A new session for a person who has just signed in; its id, for the cookie only.
    `replacing`: the id the browser brought, ended here. Sessions expired for a day are
    removed too, each recorded as an idle sign-out (one taken up by a reload before then is
    ended, and recorded, by the dashboard's session guard)."""
    session_id = secrets.token_urlsafe(32)
    with store.transaction() as tx:
        _prune(tx, now)
        if replacing:
            tx.execute("DELETE FROM sessions WHERE id_hash = ?", [_hash(replacing)])
        tx.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [_hash(session_id), name, list(roles), method, now, now, now + timedelta(minutes=idle_minutes)])
    return session_id


def prune(store: Store, now: datetime) -> None:
    """Remove the sessions expired for a day (the server's hourly job; sign-ins do it too)."""
    with store.transaction() as tx:
        _prune(tx, now)


def _prune(tx, now: datetime) -> None:
    expired = tx.execute("DELETE FROM sessions WHERE expires_at <= ? RETURNING username",
                         [now - KEEP_EXPIRED]).fetchall()
    for (name,) in expired:
        trail.append(tx, name, "sign_out", name, {"reason": "idle"})


def find(store: Store, session_id: str | None) -> dict[str, Any] | None:
    """The session a cookie names {name, roles, method, last_seen, expires_at}, expired or
    not (the caller ends an expired one, recorded), or None for an unknown id."""
    if not session_id:
        return None
    rows = store.rows("SELECT username AS name, roles, method, last_seen, expires_at FROM sessions "
                      "WHERE id_hash = ?", [_hash(session_id)])
    return rows[0] if rows else None


def touch(store: Store, session_id: str, now: datetime, idle_minutes: float) -> bool:
    """The person did something: the idle limit starts again. False when the session is
    gone (signed out elsewhere, or replaced by a new sign-in in this browser)."""
    with store.transaction() as tx:
        return tx.execute("UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id_hash = ? RETURNING 1",
                          [now, now + timedelta(minutes=idle_minutes), _hash(session_id)]).fetchone() is not None


def alive(store: Store, session_id: str) -> bool:
    return store.value("SELECT count(*) FROM sessions WHERE id_hash = ?", [_hash(session_id)]) > 0


def end(store: Store, session_id: str | None) -> None:
    if session_id:
        with store.transaction() as tx:
            tx.execute("DELETE FROM sessions WHERE id_hash = ?", [_hash(session_id)])


# -- the one-time ticket that carries a session id from a page to the cookie -------------------
def ticket(session_id: str, now: datetime) -> str:
    issued = secrets.token_urlsafe(32)
    with _tickets_lock:
        for old in [t for t, (_, lapses) in _tickets.items() if lapses <= now]:
            del _tickets[old]
        _tickets[issued] = (session_id, now + TICKET_LIFE)
    return issued


def redeem(issued: str, now: datetime) -> str | None:
    """The session id for a ticket, once; None for a used, lapsed or unknown one."""
    with _tickets_lock:
        session_id, lapses = _tickets.pop(issued, (None, now))
    return session_id if lapses > now else None


def waiting(issued: str, now: datetime) -> bool:
    """Whether a ticket is still to be redeemed (the page keeps offering it until it is)."""
    with _tickets_lock:
        found = _tickets.get(issued)
    return found is not None and found[1] > now
