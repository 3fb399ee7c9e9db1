"""Who may open which page: need to know, by role.

The board sees aggregates only; staff see nothing with personal data beyond what they
reported themselves; the admin runs accounts and keys but reads no personal data
unless also adviser.
"""

from audits.accounts.users import ROLES

PAGE_ROLES: dict[str, frozenset[str]] = {
    "overview": frozenset({"adviser", "board", "admin"}),
    "board": frozenset({"board", "adviser"}),  # aggregates only
    "breaches": frozenset({"adviser"}),
    "report": frozenset(ROLES),  # anyone may log a breach, at any hour
    "mine": frozenset(ROLES),    # and follow the ones they logged
    "requests": frozenset(ROLES),  # anyone logs a request; the adviser handles them
    "review": frozenset({"adviser"}),
    "findings": frozenset({"adviser"}),
    "access": frozenset({"adviser"}),
    "training": frozenset({"adviser", "board"}),  # the board sees shares, never names
    "activities": frozenset({"adviser", "board"}),  # the board sees the risk map only
    "retention": frozenset({"adviser", "board"}),  # the board sees counts only
    "consent": frozenset({"adviser", "board"}),  # aggregates only
    "processors": frozenset({"adviser"}),
    "checks": frozenset({"adviser", "admin"}),
    "pseudonyms": frozenset({"adviser"}),
    "trail": frozenset({"adviser", "admin"}),
    "audit": frozenset({"adviser", "admin"}),
    "users": frozenset({"admin"}),
    "organisation": frozenset({"admin"}),  # the published contact details, no one's personal data
    "home": frozenset(ROLES),
}


def allowed(roles, page: str) -> bool:
    return bool(PAGE_ROLES[page] & set(roles))


def pages_for(roles) -> list[str]:
    return [page for page in PAGE_ROLES if allowed(roles, page)]
