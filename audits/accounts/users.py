"""Local accounts and roles.

Passwords are Argon2id hashes (argon2-cffi) of the normalised password; what a new
password must be is audits/accounts/passwords.py. Five failed attempts in a row lock an account
for 15 minutes. Every refusal looks and costs the same (OWASP ASVS 4 V2.2, V3.2): one
answer, one Argon2 verification whether the account exists or not, is locked or disabled;
only the audit trail keeps the true reason. Roles decide what a person may see; signing
in (locally or through OpenID Connect) only says who they are.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from audits.accounts import passwords
from audits.core import clock, text, trail
from audits.core.errors import VernError
from audits.core.store import Store

ROLES = ("staff", "adviser", "board", "admin")
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")


@cache
def _hasher():
    """Argon2id with the library's current parameters."""
    from argon2 import PasswordHasher  # imported here: only signing in and setting a password need it

    return PasswordHasher()


@dataclass(frozen=True)
class SignIn:
    ok: bool
    username: str | None = None
    roles: tuple[str, ...] = ()
    reason: str = ""  # "wrong" for every refusal: the one answer a person gets


def _normal(name: str) -> str:
    return (name or "").strip().lower()


def _username(name: str) -> str:
    name = _normal(name)
    if not USERNAME.fullmatch(name):
        raise VernError("accounts.refused.username_form", field="username")
    return name


def _roles(roles) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise VernError("accounts.refused.role_unknown", field="roles", role=text.key(unknown[0]),
                        roles=", ".join(ROLES))
    if not roles:
        raise VernError("accounts.refused.no_role", field="roles", roles=", ".join(ROLES))
    return roles


def _password_hash(password: str, name: str, association: str) -> str:
    return _hasher().hash(passwords.acceptable(password, name, association))


def add(store: Store, actor: str, name: str, roles, password: str | None, association: str = "") -> dict[str, Any]:
    """A new account; `password` None for one that signs in through OpenID Connect only.
    `association` is the association's name (`[organisation] name`), which no password may hold."""
    name, roles = _username(name), _roles(roles)
    hashed = _password_hash(password, name, association) if password is not None else None
    with store.transaction() as tx:
        if tx.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
            raise VernError("accounts.refused.exists", field="username")
        tx.execute("INSERT INTO users (username, password_hash, roles, created_at) VALUES (?, ?, ?, ?)",
                   [name, hashed, roles, clock.now()])
        trail.append(tx, actor, "users.add", name, {"roles": roles})
    return get(store, name)


def set_password(store: Store, actor: str, name: str, password: str, association: str = "") -> None:
    name = _normal(name)
    hashed = _password_hash(password, name, association)
    with store.transaction() as tx:
        _require(tx, name)
        tx.execute("UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL "
                   "WHERE username = ?", [hashed, name])
        trail.append(tx, actor, "users.set_password", name)


def set_roles(store: Store, actor: str, name: str, roles) -> None:
    name, roles = _normal(name), _roles(roles)
    with store.transaction() as tx:
        _require(tx, name)
        tx.execute("UPDATE users SET roles = ? WHERE username = ?", [roles, name])
        trail.append(tx, actor, "users.set_roles", name, {"roles": roles})


def set_disabled(store: Store, actor: str, name: str, disabled: bool) -> None:
    name = _normal(name)
    with store.transaction() as tx:
        _require(tx, name)
        tx.execute("UPDATE users SET disabled = ? WHERE username = ?", [disabled, name])
        if disabled:  # what they were writing goes (nobody else may read it); their open pages end
            tx.execute("DELETE FROM drafts WHERE author = ?", [name])  # at the next run (dashboard/auth.py)
        trail.append(tx, actor, "users.disable" if disabled else "users.enable", name)


def _require(tx, name: str) -> None:
    if not tx.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
        raise VernError("accounts.refused.no_user", field="username")


def get(store: Store, name: str) -> dict[str, Any]:
    account = find(store, name)
    if account is None:
        raise VernError("accounts.refused.no_user", field="username")
    return account


def find(store: Store, name: str) -> dict[str, Any] | None:
    rows = store.rows("SELECT username, roles, disabled, locked_until, created_at, last_sign_in "
                      "FROM users WHERE username = ?", [name])
    return rows[0] if rows else None


def listing(store: Store) -> list[dict[str, Any]]:
    return store.rows("SELECT username, roles, disabled, locked_until, failed_attempts, created_at, "
                      "last_sign_in, password_hash IS NOT NULL AS local FROM users ORDER BY username")


def count(store: Store) -> int:
    return store.value("SELECT count(*) FROM users")


def authenticate(store: Store, name: str, password: str) -> SignIn:
    """Check a password. The answer is the same for an unknown user, a wrong password, a
    locked and a disabled account, and so is the work: one Argon2 verification, against a
    dummy hash when there is no account or no password. "Locked" is never said, since saying
    it after a correct password would tell a guesser the password during the lock. Every
    attempt lands in the audit trail with its true reason."""
    name = _normal(name)
    now = clock.now()
    with store.transaction() as tx:
        row = None if not USERNAME.fullmatch(name) else tx.execute(
            "SELECT password_hash, roles, disabled, failed_attempts, locked_until FROM users WHERE username = ?",
            [name]).fetchone()
        hashed = row[0] if row is not None and row[0] is not None else None
        correct = _verify(hashed or _dummy_hash(), password) and hashed is not None
        if row is None:
            # Who typed what is not recorded: a mistyped password may be in the name field.
            trail.append(tx, "anonymous", "sign_in.failed", "", {"reason": "unknown user"})
            return REFUSED
        _, roles, disabled, failures, locked_until = row
        if disabled:
            trail.append(tx, name, "sign_in.failed", name, {"reason": "disabled"})
            return REFUSED
        if locked_until is not None and locked_until > now:
            trail.append(tx, name, "sign_in.failed", name, {"reason": "locked"})
            return REFUSED
        if not correct:
            failures += 1
            lock = now + LOCK_FOR if failures >= MAX_FAILURES else None
            tx.execute("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE username = ?",
                       [0 if lock else failures, lock, name])
            trail.append(tx, name, "sign_in.failed", name,
                         {"reason": "wrong password", "locked": lock is not None})
            return REFUSED
        tx.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in = ? "
                   "WHERE username = ?", [now, name])
        trail.append(tx, name, "sign_in", name, {"method": "password"})
        return SignIn(True, name, tuple(roles))


REFUSED = SignIn(False, reason="wrong")


def _verify(hashed: str, password: str) -> bool:
    """The normalised password; and, for a password set before Vern normalised (with spaces
    around it, or in another Unicode form), the password as typed. Both are always tried, so
    the work depends only on what was typed, never on the account or the answer."""
    typed = password or ""
    candidates = dict.fromkeys((passwords.normal(typed), typed))
    return any([_matches(hashed, candidate) for candidate in candidates])  # a list: no short cut


def _matches(hashed: str, candidate: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError  # imported here: see _hasher

    try:
        return _hasher().verify(hashed, candidate)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        return False


@cache
def _dummy_hash() -> str:
    """A hash no one knows the password of, made like the real ones, so verifying against
    it costs what verifying a real account costs."""
    return _hasher().hash(secrets.token_urlsafe(32))


def roles_for_claims(claims: dict[str, Any], mapping: dict[str, list[str]]) -> tuple[str, ...]:
    """Roles for an OpenID Connect identity, from the configuration's [auth.roles].

    An entry is an email address, or `group:ID` matched against the `groups` claim
    (Entra ID sends group object ids; Google Workspace sends none, so map by email there).
    """
    # An address the provider says it has not verified names nobody (Google sends `email_verified`).
    verified = claims.get("email_verified") not in (False, "false")
    said = ("email", "preferred_username") if verified else ("preferred_username",)
    names = {str(claims.get(c) or "").strip().lower() for c in said} - {""}
    groups = {str(g) for g in claims.get("groups") or []}
    granted = []
    for role in ROLES:
        for entry in (e.strip() for e in mapping.get(role, [])):
            if entry.startswith("group:") and entry[6:] in groups or entry.lower() in names:
                granted.append(role)
                break
    return tuple(granted)
