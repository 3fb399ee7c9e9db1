"""Binding the key file to the database, and rotating keys (`vern keys rotate`)."""

from pathlib import Path

from audits import crypto, trail, trail_heads
from audits.crypto import CANARY, KeyProblem, KeyRing
from audits.errors import VernError
from audits.store import Store

# Every encrypted column: (table, key column, column). Rotation re-encrypts them all.
ENCRYPTED_FIELDS = (
    ("findings", "fingerprint", "status_reason"),
    ("finding_events", "id", "reason"),
    ("check_runs", "id", "error"),
    ("identities", "pseudonym", "identity"),
    ("reidentifications", "trail_seq", "reason"),
    ("breaches", "id", "title"),
    ("breaches", "id", "description"),
    ("breaches", "id", "reported_by"),
    ("breaches", "id", "consequences"),
    ("breaches", "id", "measures"),
    ("breaches", "id", "summary"),
    ("breach_decisions", "id", "reason"),
    ("breach_notifications", "id", "delay_reason"),
    ("breach_events", "id", "detail"),
    ("people", "person", "name"),
    ("people", "person", "email"),
)


def _checks(store: Store) -> dict[str, str]:
    rows = store.rows("SELECT key, value FROM settings WHERE starts_with(key, 'key_check:')")
    return {row["key"].removeprefix("key_check:"): row["value"] for row in rows}


def bind(store: Store, path: Path) -> KeyRing:
    """Load the keys this database needs and prove they are the right ones; then bind the
    audit trail to its key and to the head file beside the key file."""
    known = _checks(store)
    ring = crypto.load(path, create=not known)
    for key_id, check in known.items():
        if key_id.startswith("pseudonym") or key_id == "trail":
            continue
        if ring.decrypt(check, "canary") != CANARY:
            raise KeyProblem(f"{ring.source}: key {key_id!r} is not the key this database was written with")
    pseudonym_check = ring.pseudonym(CANARY)
    if known.get("pseudonym", pseudonym_check) != pseudonym_check:
        raise KeyProblem(f"{ring.source}: the pseudonym key is not the one this database was written with")
    if "trail" in known and (ring.trail_key is None or known["trail"] != ring.trail_check()):
        raise KeyProblem(f"{ring.source}: the trail key is not the one this database's audit trail is chained with")
    ring = crypto.ensure_trail_key(ring)  # only now: a key file proven to belong here
    missing = [k for k in ring.keys if k not in known]
    if missing or "pseudonym" not in known or "trail" not in known:
        with store.transaction() as tx:
            for key_id in missing:
                tx.execute("INSERT INTO settings VALUES (?, ?)",
                           [f"key_check:{key_id}", ring.encrypt_with(key_id, CANARY, "canary")])
            if "pseudonym" not in known:
                tx.execute("INSERT INTO settings VALUES ('key_check:pseudonym', ?)", [pseudonym_check])
            if "trail" not in known:
                tx.execute("INSERT INTO settings VALUES ('key_check:trail', ?)", [ring.trail_check()])
    store.keys = ring
    trail.attach(store, ring.trail_key, trail_heads.path_for(path), created=not known)
    return ring


def open_store(path: Path, key_file: Path) -> Store:
    """The store with its keys bound: the only way Vern opens a database."""
    store = Store(path)
    try:
        bind(store, key_file)
    except BaseException:
        store.close()
        raise
    return store


def rotate(store: Store, actor: str) -> str:
    """A new primary key; every encrypted value re-encrypted under it in one transaction."""
    old = store.keys
    new = old.with_new_key()
    crypto.write(new)  # first: a crash after this leaves an unused key, never lost data
    count = 0
    with store.transaction() as tx:
        for table, key, column in ENCRYPTED_FIELDS:
            context = f"{table}.{column}"
            rows = tx.execute(f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
            for ident, token in rows:
                tx.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
                           [new.encrypt(old.decrypt(token, context), context), ident])
            count += len(rows)
        tx.execute("INSERT INTO settings VALUES (?, ?)",
                   [f"key_check:{new.primary}", new.encrypt(CANARY, "canary")])
        trail.append(tx, actor, "keys.rotate", new.primary, {"re_encrypted": count})
    store.keys = new
    return f"key {new.primary} is now primary; {count} values re-encrypted"


def prune(store: Store, actor: str) -> list[str]:
    """Remove keys no value in the database uses any more (after a rotation)."""
    ring = store.keys
    if ring.path is None:
        raise VernError("the keys come from VERN_KEYS; change them there, not through Vern")
    used = {ring.primary}
    for table, _, column in ENCRYPTED_FIELDS:
        for row in store.rows(f"SELECT DISTINCT split_part({column}, ':', 2) AS k FROM {table} "
                              f"WHERE {column} IS NOT NULL"):
            used.add(row["k"])
    unused = sorted(set(ring.keys) - used)
    if unused:
        pruned = ring.without(set(unused))
        with store.transaction() as tx:
            for key_id in unused:
                tx.execute("DELETE FROM settings WHERE key = ?", [f"key_check:{key_id}"])
            trail.append(tx, actor, "keys.prune", ",".join(unused), {"removed": len(unused)})
        crypto.write(pruned)  # after the commit: until then the old keys must stay readable
        store.keys = pruned
    return unused


def describe(store: Store) -> dict:
    """What an admin may see: key ids and which is primary, never the keys."""
    ring = store.keys
    return {"source": ring.source, "primary": ring.primary, "keys": sorted(ring.keys)}
