"""Every column that holds personal data encrypted, declared once, here.

`KeyRing.encrypt` and `decrypt` refuse a column not named here, and key rotation walks
exactly this list, so a column cannot be encrypted and then forgotten by a rotation
(and its values lost to `vern keys prune`). A column added here later is encrypted in
place the next time Vern opens a database written before it (`seal`).

Labels are text that checks and pages group by (a person's district, an evidence
object's name): the column holds a keyed reference, the text lives encrypted in
`labels` (see audits/core/labels.py).
"""

import hashlib

ENCRYPTED = frozenset({
    # reasons and notes people write about decisions
    "findings.status_reason", "finding_events.reason", "review_decisions.note",
    "reidentifications.reason",
    # a failed check's error may quote evidence
    "check_runs.error",
    # who is behind a pseudonym, and the text behind a label
    "identities.identity", "labels.text",
    # breaches: what happened, to whom, and what was done
    "breaches.title", "breaches.description", "breaches.reported_by", "breaches.consequences",
    "breaches.measures", "breaches.summary", "breaches.controller_name",
    "breach_decisions.reason", "breach_notifications.delay_reason", "breach_events.detail",
    # the people directory
    "people.name", "people.email",
    # data-subject requests
    "requests.requester", "requests.channel", "requests.verified_how", "requests.extension_reason",
    "requests.refusal_ground", "erasure_tasks.note",
    # retention: how a deletion was done may name records
    "deletions.evidence",
    # a breach report or a request being written, kept for its author
    "drafts.content",
})

# Columns holding label references, by the kind of label.
LABELLED = {
    "people.district": "district",
    "training_coverage.district": "district",
    "access_events.object": "object",
}

_SEALED = "encrypted_columns"  # settings key: the declaration the database was last sealed under


def split(column: str) -> tuple[str, str]:
    table, name = column.split(".")
    return table, name


def _fingerprint() -> str:
    declared = sorted(ENCRYPTED) + [f"{column}={kind}" for column, kind in sorted(LABELLED.items())]
    return hashlib.sha256("\n".join(declared).encode()).hexdigest()


def seal(store) -> None:
    """Encrypt, in one transaction, what a database written by an older Vern still holds
    in clear in a column declared since; nothing to do once it is sealed."""
    from audits.core import labels  # labels uses this declaration: imported here to avoid a cycle

    if store.value("SELECT value FROM settings WHERE key = ?", [_SEALED]) == _fingerprint():
        return
    keys = store.keys
    with store.transaction() as tx:
        for column in sorted(ENCRYPTED):
            table, name = split(column)
            rows = tx.execute(f"SELECT rowid, {name} FROM {table} "
                              f"WHERE {name} IS NOT NULL AND NOT starts_with({name}, 'enc1:')").fetchall()
            update_rows(tx, table, name, [(rid, keys.encrypt(value, column)) for rid, value in rows])
        for column, kind in LABELLED.items():
            table, name = split(column)
            clear = [row[0] for row in tx.execute(
                f"SELECT DISTINCT {name} FROM {table} WHERE {name} <> '' AND NOT regexp_full_match({name}, ?)",
                [labels.REF_PATTERN]).fetchall()]
            refs = labels.remember_many(tx, keys, kind, clear)
            if refs:
                tx.register("relabelled", _frame({"text": list(refs), "ref": list(refs.values())}))
                tx.execute(f"UPDATE {table} SET {name} = r.ref FROM relabelled r WHERE {table}.{name} = r.text")
                tx.unregister("relabelled")
        tx.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [_SEALED, _fingerprint()])


def update_rows(tx, table: str, name: str, values: list[tuple[int, str]]) -> None:
    """Set column `name` of the rows named by rowid, in one statement."""
    if not values:
        return
    rids, texts = zip(*values, strict=True)
    tx.register("replacing", _frame({"rid": list(rids), "value": list(texts)}))
    try:
        tx.execute(f"UPDATE {table} SET {name} = r.value FROM replacing r WHERE {table}.rowid = r.rid")
    finally:
        tx.unregister("replacing")


def _frame(columns: dict[str, list]):
    import pandas as pd  # only when sealing or rotating: every command imports this module

    return pd.DataFrame({name: pd.Series(values, dtype="string" if name != "rid" else "int64")
                         for name, values in columns.items()})
