"""Identities in evidence are kept as keyed pseudonyms (HMAC-SHA256, a key of their own),
so checks can join access logs, training records and the people directory without
holding names. Re-identifying one is a deliberate, recorded act of the adviser."""

from audits import text, trail
from audits.errors import VernError
from audits.store import Store


def remember(tx, store: Store, identity: str) -> str:
    """The pseudonym for an identity, keeping the identity (encrypted) for re-identification."""
    identity = text.clean(identity, "identity", 500).lower()
    pseudonym = store.keys.pseudonym(identity)
    tx.execute("INSERT OR IGNORE INTO identities VALUES (?, ?)",
               [pseudonym, store.keys.encrypt(identity, "identities.identity")])
    return pseudonym


def reidentify(store: Store, pseudonym: str, actor: str, reason: str) -> str:
    pseudonym = text.clean(pseudonym, "pseudonym", 100)
    reason = text.clean(reason, "reason", 2000)
    if not reason:
        raise VernError("reason: re-identifying a person needs a written reason")
    with store.transaction() as tx:
        row = tx.execute("SELECT identity FROM identities WHERE pseudonym = ?", [pseudonym]).fetchone()
        if row is None:
            raise VernError(f"pseudonym: {pseudonym!r} is not known")
        # The reason may name people: the trail points to it, encrypted beside it.
        seq = trail.append(tx, actor, "pseudonym.reidentify", pseudonym)
        tx.execute("INSERT INTO reidentifications VALUES (?, ?)",
                   [seq, store.keys.encrypt(reason, "reidentifications.reason")])
    return store.keys.decrypt(row[0], "identities.identity")
