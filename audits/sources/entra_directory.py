"""Microsoft Entra ID: the people register from the tenant's users (Microsoft Graph).

The app signs in as for Microsoft 365 (audits.sources.m365: MSAL, its secret or its
certificate), for the scope https://graph.microsoft.com/.default, with the application
permission User.Read.All, and GroupMember.Read.All when `personal_data_group` (the group's
object id) is set. `GET /v1.0/users` with the fields Vern maps, following @odata.nextLink;
then the group's transitive members that are users. Every page is read before anything is
stored (audits.sources.people).

Guests (userType Guest) are another organisation's people: not listed as Vern's. An
account's hire date (employeeHireDate), else its creation, is the day its person started.
employeeLeaveDateTime is not asked for: Graph gives it only with User-LifeCycleInfo.Read.All,
a permission beyond reading the directory; an account disabled or deleted is how Vern
learns its person left. Rooms and shared mailboxes are disabled accounts too, so they are
people who left: the checks find no one to train or to judge in them.

`endpoint` moves the sign-in and Graph together (a test); without it they
are Microsoft's public ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote

from audits.sources import asking, m365, people

if TYPE_CHECKING:  # annotations only
    import httpx

    from audits.core.config import Config
    from audits.core.store import Store
    from audits.sources.pulling import Counts
    from audits.sources.settings import Source

GRAPH = "https://graph.microsoft.com"
SCOPE = ["https://graph.microsoft.com/.default"]  # Graph's name, wherever it is reached
FIELDS = ("id,displayName,mail,userPrincipalName,accountEnabled,userType,employeeType,department,"
          "employeeHireDate,createdDateTime")
PAGE_SIZE = 999  # the most Graph gives in one page of users
expires = m365.expires  # the same kind of app: its certificate's end


def _api(source: Source, path: str) -> str:
    return f"{source.endpoint or GRAPH}/v1.0/{path}"


def _members_path(source: Source) -> str:
    return f"groups/{quote(source.options['personal_data_group'], safe='')}/transitiveMembers/microsoft.graph.user"


def _listed(client: httpx.Client, source: Source, token: m365.Token, path: str, params: dict) -> Iterator[dict]:
    """Every item of a Graph collection, page by page; @odata.nextLink carries the query."""
    url: str | None = _api(source, path)
    while url:
        page = asking.page_of(source.name, asking.get(client, source.name, url, params=params, token=token))
        items = page.get("value")
        yield from (item for item in items if isinstance(item, dict)) if isinstance(items, list) else ()
        following = page.get("@odata.nextLink")
        url, params = following if isinstance(following, str) else None, None


def test(config: Config, source: Source, client: httpx.Client) -> None:
    """Sign in and ask for one user, and one member of the group when one is set;
    SourceFailed if any is refused (a permission not granted)."""
    token = m365.Token(source, SCOPE)
    asking.get(client, source.name, _api(source, "users"), params={"$select": "id", "$top": 1}, token=token)
    if source.options["personal_data_group"]:
        asking.get(client, source.name, _api(source, _members_path(source)), params={"$select": "id", "$top": 1},
                   token=token)


def pull(store: Store, config: Config, source: Source, client: httpx.Client, counts: Counts) -> None:
    token = m365.Token(source, SCOPE)
    users = []
    for user in _listed(client, source, token, "users", {"$select": FIELDS, "$top": PAGE_SIZE}):
        counts.read += 1
        users.append(user)
    members = None
    if source.options["personal_data_group"]:
        members = {member.get("id") for member in _listed(client, source, token, _members_path(source),
                                                          {"$select": "id", "$top": PAGE_SIZE})}
    people.replace(store, source, [_account(user, members) for user in users if user.get("userType") != "Guest"],
                   counts)


def _account(user: dict, members: set | None):
    return people.account(
        # The sign-in name first: Microsoft 365's audit log names people by it (UserId).
        user.get("id"), user.get("accountEnabled") is not False, user.get("userPrincipalName") or user.get("mail"),
        user.get("displayName"), user.get("employeeType"), people.day(user.get("employeeHireDate"),
                                                                      user.get("createdDateTime")),
        user.get("department"), members is None or user.get("id") in members)
