"""Binding the key file to the database, and rotating keys (`vern keys rotate`)."""

from pathlib import Path

from audits.core import crypto, encrypted_columns, trail, trail_heads
from audits.core.crypto import CANARY, KeyProblem, KeyRing
from audits.core.encrypted_columns import ENCRYPTED
from audits.core.errors import VernError
from audits.core.store import Store


def _checks(store: Store) -> dict[str, str]:
    rows = store.rows("SELECT key, value FROM settings WHERE starts_with(key, 'key_check:')")
    return {row["key"].removeprefix("key_check:"): row["value"] for row in rows}


def bind(store: Store, path: Path, environment: bool = True) -> KeyRing:
    """Load the keys this database needs and prove they are the right ones; then bind the
    audit trail to its key and to the head file beside the key file."""
    known = _checks(store)
    ring = crypto.load(path, create=not known, environment=environment)
    for key_id, check in known.items():
        if key_id.startswith("pseudonym") or key_id == "trail":
            continue
        if ring.decrypt(check, "canary") != CANARY:
            raise KeyProblem("keys.wrong_key", source=ring.source, key_id=key_id)
    pseudonym_check = ring.pseudonym(CANARY)
    if known.get("pseudonym", pseudonym_check) != pseudonym_check:
        raise KeyProblem("keys.wrong_pseudonym_key", source=ring.source)
    if "trail" in known and (ring.trail_key is None or known["trail"] != ring.trail_check()):
        raise KeyProblem("keys.wrong_trail_key", source=ring.source)
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


def open_store(path: Path, key_file: Path, environment: bool = True) -> Store:
    """The store with its keys bound: the only way Vern opens a database. Without
    `environment`, VERN_KEYS is not read (a backup read back brings its own key file)."""
    store = Store(path)
    try:
        bind(store, key_file, environment)
        encrypted_columns.seal(store)
    except BaseException:
        store.close()
        raise
    return store


def rotate(store: Store, actor: str) -> str:
    """A new primary key; every value of every declared column re-encrypted under it, in one
    transaction."""
    old = store.keys
    new = old.with_new_key()
    crypto.write(new)  # first: a crash after this leaves an unused key, never lost data
    count = 0
    with store.transaction() as tx:
        for column in sorted(ENCRYPTED):
            table, name = encrypted_columns.split(column)
            rows = tx.execute(f"SELECT rowid, {name} FROM {table} WHERE {name} IS NOT NULL").fetchall()
            encrypted_columns.update_rows(tx, table, name, [
                (rid, new.encrypt(old.decrypt(token, column), column)) for rid, token in rows])
            count += len(rows)
        tx.execute("INSERT INTO settings VALUES (?, ?)",
                   [f"key_check:{new.primary}", new.encrypt(CANARY, "canary")])
        trail.append(tx, actor, "keys.rotate", new.primary, {"re_encrypted": count})
    store.keys = new
    return f"key {new.primary} is now primary; {count} values re-encrypted"


def still_used(store: Store, key_ids: set[str]) -> dict[str, dict[str, int]]:
    """key id → {table.column: values still encrypted under it}, over every text column of
    every table — declared or not, so a forgotten column shows up here too."""
    columns = store.rows("SELECT table_name, column_name FROM information_schema.columns c "
                         "JOIN information_schema.tables USING (table_schema, table_name) "
                         "WHERE table_type = 'BASE TABLE' AND data_type IN ('VARCHAR', 'JSON', 'VARCHAR[]') "
                         "ORDER BY table_name, column_name")
    found: dict[str, dict[str, int]] = {}
    for key_id in sorted(key_ids):
        marker = f"enc1:{key_id}:"
        for c in columns:
            table, name = c["table_name"], c["column_name"]
            # A key's check value in settings goes with the key.
            skip = " AND NOT starts_with(key, 'key_check:')" if table == "settings" else ""
            count = store.value(f'SELECT count(*) FROM "{table}" WHERE contains(CAST("{name}" AS VARCHAR), ?){skip}',
                                [marker])
            if count:
                found.setdefault(key_id, {})[f"{table}.{name}"] = count
    return found


def prune(store: Store, actor: str) -> list[str]:
    """Remove the keys older than the primary, after a rotation; refused, naming where, while
    any value anywhere is still encrypted under one of them."""
    ring = store.keys
    if ring.path is None:
        raise VernError("keys.from_environment")
    old = set(ring.keys) - {ring.primary}
    used = still_used(store, old)
    if used:
        # Key ids, columns and counts only: the same in every language.
        where = "; ".join(f"{key_id}: " + ", ".join(f"{column} ({count})" for column, count in columns.items())
                          for key_id, columns in used.items())
        raise VernError("keys.still_used", where=where)
    if old:
        with store.transaction() as tx:
            for key_id in sorted(old):
                tx.execute("DELETE FROM settings WHERE key = ?", [f"key_check:{key_id}"])
            trail.append(tx, actor, "keys.prune", ",".join(sorted(old)), {"removed": len(old)})
        crypto.write(ring.without(old))  # after the commit: until then the old keys must stay readable
        store.keys = ring.without(old)
    return sorted(old)


def describe(store: Store) -> dict:
    """What an admin may see: key ids and which is primary, never the keys."""
    ring = store.keys
    return {"source": ring.source, "primary": ring.primary, "keys": sorted(ring.keys)}
