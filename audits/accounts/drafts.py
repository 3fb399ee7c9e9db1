"""Forms being written, kept for their author until saved or discarded: a breach report or a
data-subject request survives a reload, an idle sign-out and a new sign-in.

A draft is what the person typed, so it is encrypted at rest (`drafts.content` in
audits/core/encrypted_columns.py), and it belongs to its author alone: every function takes
the author, and there is no way to read another's. Signing out on purpose removes the
author's drafts (`discard_all`): the person has left, perhaps a shared computer.
"""

import json
from datetime import datetime
from typing import Any

from audits.core.store import Store

COLUMN = "drafts.content"


def keep(store: Store, author: str, form: str, content: dict[str, Any], now: datetime) -> None:
    """Save (or replace) the author's draft of `form` ("breach", "request"); `content` is
    JSON-ready."""
    sealed = store.keys.encrypt(json.dumps(content, ensure_ascii=False, sort_keys=True), COLUMN)
    with store.transaction() as tx:
        tx.execute("INSERT OR REPLACE INTO drafts VALUES (?, ?, ?, ?)", [author, form, sealed, now])


def get(store: Store, author: str, form: str) -> dict[str, Any] | None:
    """The author's draft {content, saved_at}, or None."""
    rows = store.rows("SELECT content, saved_at FROM drafts WHERE author = ? AND form = ?", [author, form])
    if not rows:
        return None
    return {"content": json.loads(store.keys.decrypt(rows[0]["content"], COLUMN)), "saved_at": rows[0]["saved_at"]}


def discard(store: Store, author: str, form: str) -> None:
    with store.transaction() as tx:
        tx.execute("DELETE FROM drafts WHERE author = ? AND form = ?", [author, form])


def discard_all(store: Store, author: str) -> None:
    with store.transaction() as tx:
        tx.execute("DELETE FROM drafts WHERE author = ?", [author])
