"""People from a directory Vern pulls (audits.sources.entra_directory, google_directory):
what the two share. A connector reads every page first — the users, then the members of
`personal_data_group` — and only then is the register changed, in one transaction
(audits.access.directory.sync_people), so a pull that fails half-way changes nothing.

An account becomes a person as a CSV row would: its address (lower case), its name, the
directory's employee type when it is one of Vern's kinds (else employee), whether it
handles personal data (a member of `personal_data_group`; everyone when no group is set:
more people asked to be trained, never fewer), the day it started and its department as
district. Each is checked by the CSV's own parsers; one that fails is skipped, named by
its object id in the server's log and counted in the trail, never by name or address.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from audits.access import directory
from audits.core import clock
from audits.core.errors import InputError
from audits.core.i18n import Message
from audits.sources.asking import SourceFailed

if TYPE_CHECKING:  # annotations only

    from audits.core.store import Store
    from audits.sources.pulling import Counts
    from audits.sources.settings import Source

log = logging.getLogger(__name__)


def account(object_id: Any, enabled: bool, email: Any, name: Any, kind: Any, started: str, district: Any,
            handles_personal_data: bool) -> directory.Account:
    """An account as the directory gave it, in a CSV row's terms; what is not text is empty."""
    kind = _text(kind).lower()
    return directory.Account(_text(object_id), enabled, {
        "email": _text(email), "name": _text(name), "kind": kind if kind in directory.KINDS else "employee",
        "handles_personal_data": "yes" if handles_personal_data else "no", "started_on": started,
        "district": _text(district)})


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def day(*instants: Any) -> str:
    """The Oslo day of the first instant given (2021-03-01T08:00:00Z) as a CSV writes a
    date, "" when none is; one that does not read is passed on for the date's parser to refuse."""
    instant = next((given for given in instants if given), None)
    if instant is None:
        return ""
    try:
        return clock.local(clock.instant(instant)).date().isoformat()
    except (ValueError, AttributeError):  # not an instant, or not text
        return str(instant)


def replace(store: Store, source: Source, accounts: list[directory.Account], counts: Counts) -> None:
    """The directory's people from the accounts read. A directory that lists no one, or
    none that can be read, changes nothing: its people would all seem to have left."""
    if not accounts:
        raise SourceFailed(Message("sources.directory.no_one", {"source": source.name}))
    try:
        synced = directory.sync_people(store, source.name, accounts)
    except InputError as refused:
        raise SourceFailed(Message("sources.directory.unreadable", {"source": source.name, "n": len(accounts)}),
                           refused) from None
    counts.new = synced.added + synced.changed + synced.left
    if synced.skipped:
        log.warning("source %s: %d accounts skipped: %s", source.name, synced.skipped,
                    "; ".join(problem("en") for problem in synced.problems[:20]))
