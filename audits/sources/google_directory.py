"""Google Workspace: the people register from the domain's users (Admin SDK Directory API).

The service account signs in as for the audit log (audits.sources.google: domain-wide
delegation, acting as `subject`, an admin allowed to read users), for the scope
admin.directory.user.readonly, and admin.directory.group.member.readonly when
`personal_data_group` (the group's address) is set. `GET users?customer=my_customer`
following nextPageToken; then the group's members, those of groups within it included
(includeDerivedMembership). Every page is read before anything is stored
(audits.sources.people).

A suspended or archived account cannot sign in: its person left. Google keeps no hire
date: a person started when their account was created. Nor does the API document a field
for the employee type: everyone is an employee.

`endpoint` moves the token endpoint and the API together (a test); without it they are
Google's public ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote

from audits.sources import asking, google, people

if TYPE_CHECKING:  # annotations only
    import httpx

    from audits.core.config import Config
    from audits.core.store import Store
    from audits.sources.pulling import Counts
    from audits.sources.settings import Source

USERS_SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"
MEMBERS_SCOPE = "https://www.googleapis.com/auth/admin.directory.group.member.readonly"
USERS_PAGE, MEMBERS_PAGE = 500, 200  # the most users.list and members.list give in one page
CUSTOMER = "my_customer"  # the account the admin belongs to


def _api(source: Source, path: str) -> str:
    return f"{source.endpoint or google.API}/admin/directory/v1/{path}"


def _members_path(source: Source) -> str:
    return f"groups/{quote(source.options['personal_data_group'], safe='@')}/members"


def _token(source: Source) -> google.Token:
    group = (MEMBERS_SCOPE,) if source.options["personal_data_group"] else ()
    return google.Token(source, (USERS_SCOPE, *group))


def _listed(client: httpx.Client, source: Source, token: google.Token, path: str, key: str,
            params: dict) -> Iterator[dict]:
    """Every item under `key` of a listing, page by page."""
    for page in google.pages(client, source, token, _api(source, path), params):
        items = page.get(key)  # an empty page has none
        yield from (item for item in items if isinstance(item, dict)) if isinstance(items, list) else ()


def test(config: Config, source: Source, client: httpx.Client) -> None:
    """Sign in and ask for one user, and one member of the group when one is set;
    SourceFailed if any is refused."""
    token = _token(source)
    asking.get(client, source.name, _api(source, "users"), params={"customer": CUSTOMER, "maxResults": 1}, token=token)
    if source.options["personal_data_group"]:
        asking.get(client, source.name, _api(source, _members_path(source)), params={"maxResults": 1}, token=token)


def pull(store: Store, config: Config, source: Source, client: httpx.Client, counts: Counts) -> None:
    token = _token(source)
    users = []
    for user in _listed(client, source, token, "users", "users",
                        {"customer": CUSTOMER, "maxResults": USERS_PAGE, "projection": "basic"}):
        counts.read += 1
        users.append(user)
    members = None
    if source.options["personal_data_group"]:
        members = {member.get("id") for member in _listed(
            client, source, token, _members_path(source), "members",
            {"maxResults": MEMBERS_PAGE, "includeDerivedMembership": "true"}) if member.get("type") == "USER"}
    people.replace(store, source, [_account(user, members) for user in users], counts)


def _account(user: dict, members: set | None):
    name = user.get("name") if isinstance(user.get("name"), dict) else {}
    listed = user.get("organizations")
    organizations = [o for o in listed if isinstance(o, dict)] if isinstance(listed, list) else []
    organization = next((o for o in organizations if o.get("primary")), organizations[0] if organizations else {})
    return people.account(
        user.get("id"), not (user.get("suspended") or user.get("archived")), user.get("primaryEmail"),
        name.get("fullName"), "", people.day(user.get("creationTime")), organization.get("department"),
        members is None or user.get("id") in members)
