"""The training platform: an xAPI learning record store (LRS).

`GET {endpoint}/statements?since=…&ascending=true` with the X-Experience-API-Version
header, basic or bearer auth, following `more` (a path on the LRS's host) page by page.
`since` filters on the LRS's own `stored` time, so the cursor is the newest `stored` of the
pages imported, less a few minutes of overlap for statements stored late (statement ids
make re-reading them harmless). Each page is one transaction: its completions and the
cursor together. A page the training import refuses is kept in the inbox's failed/
folder for the adviser, and the pull stops there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from audits.core import clock
from audits.core.errors import InputError
from audits.sources import asking, cursors, failed
from audits.training import register as training

if TYPE_CHECKING:  # annotations only
    import httpx

    from audits.core.config import Config
    from audits.core.store import Store
    from audits.sources.pulling import Counts
    from audits.sources.settings import Source

STREAM = "statements"
VERSION = {"X-Experience-API-Version": "1.0.3"}
OVERLAP = timedelta(minutes=5)
PAGE_SIZE = 500


def _auth(source: Source) -> dict:
    if source.options["token_env"]:
        return {"headers": {**VERSION, "Authorization": f"Bearer {source.secret('token_env')}"}}
    return {"headers": VERSION, "auth": (source.secret("username_env"), source.secret("password_env"))}


def _newest_stored(statements: list) -> datetime | None:
    stamps = []
    for statement in statements:
        stored = statement.get("stored") if isinstance(statement, dict) else None
        if isinstance(stored, str):
            try:
                stamps.append(clock.parse_instant(stored))
            except ValueError:
                continue
    return max(stamps) if stamps else None


def test(config: Config, source: Source, client: httpx.Client) -> None:
    """One statement asked for with the configured credentials; SourceFailed if refused."""
    asking.page_of(source.name, asking.get(client, source.name, f"{source.endpoint}/statements", params={"limit": 1},
                             **_auth(source)))


def pull(store: Store, config: Config, source: Source, client: httpx.Client, counts: Counts) -> None:
    settings = config.check("training")
    known = training.required_courses(settings)
    params: dict | None = {"ascending": "true", "limit": PAGE_SIZE}
    stored = cursors.position(store, source.name, STREAM)
    cursor = clock.parse_instant(stored) if stored else None
    if cursor:
        params["since"] = clock.iso_utc(cursor - OVERLAP)
    auth = _auth(source)
    url: str | None = f"{source.endpoint}/statements"
    number = 0
    while url:
        number += 1
        answer = asking.get(client, source.name, url, params=params, **auth)
        page = asking.page_of(source.name, answer)
        name = failed.named(source.name, STREAM, f"{number}.json")
        try:
            statements = list(training.result_statements(page, name))
            completions, _ = training.read_statements(statements, name, settings, known)
        except InputError as refused:
            raise failed.kept(config, "training/xapi", source.name, STREAM, {name: answer.content}, refused) from None
        newest = _newest_stored([one for _, one in statements])
        with store.transaction() as tx:
            added, _, _ = training.store_completions(tx, store, "xapi", [(source.name, c) for c in completions],
                                                     known)
            if newest and (cursor is None or newest > cursor):
                cursors.advance(tx, source.name, STREAM, clock.iso_utc(newest))
                cursor = newest
        counts.read += len(statements)
        counts.new += added
        more = page.get("more")
        url = urljoin(source.endpoint + "/", more) if isinstance(more, str) and more else None
        params = None  # `more` carries the query

