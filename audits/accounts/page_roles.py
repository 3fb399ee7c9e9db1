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
    "sources": frozenset({"adviser", "admin"}),  # states and errors; the admin also where secrets are read
    "pseudonyms": frozenset({"adviser"}),
    "trail": frozenset({"adviser", "admin"}),
    "audit": frozenset({"adviser", "admin"}),
    "users": frozenset({"admin"}),
    "organisation": frozenset({"admin"}),  # the published contact details, no one's personal data
    "backups": frozenset({"admin"}),  # file names, sizes and times: no one's personal data
    "home": frozenset(ROLES),
}


# The sidebar by task: section → its pages, in the order they are listed.
SECTIONS: dict[str, tuple[str, ...]] = {
    "start": ("overview", "review", "board", "home"),
    "cases": ("breaches", "report", "mine", "requests"),
    "compliance": ("findings", "activities", "processors", "training", "retention", "consent"),
    "evidence": ("access", "sources", "checks", "pseudonyms"),
    "audit": ("trail", "audit"),
    "admin": ("users", "organisation", "backups"),
}


def allowed(roles, page: str) -> bool:
    return bool(PAGE_ROLES[page] & set(roles))


def sections_for(roles) -> dict[str, list[str]]:
    """The sidebar of someone holding `roles`: each section with the pages they may open
    (a section with none is left out)."""
    mine = {section: [page for page in pages if allowed(roles, page)] for section, pages in SECTIONS.items()}
    return {section: pages for section, pages in mine.items() if pages}


def pages_for(roles) -> list[str]:
    return [page for pages in sections_for(roles).values() for page in pages]
