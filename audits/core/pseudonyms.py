"""Identities in evidence are kept as keyed pseudonyms (HMAC-SHA256, a key of their own),
so checks can join access logs, training records and the people directory without
holding names. Re-identifying one is a deliberate, recorded act of the adviser."""

from collections.abc import Iterable

from audits.core import text, trail
from audits.core.errors import VernError
from audits.core.store import Store


def remember(tx, store: Store, identity: str) -> str:
    """The pseudonym for an identity, keeping the identity (encrypted) for re-identification."""
    identity = text.clean(identity, "identity", 500).lower()
    return remember_many(tx, store, [identity])[identity]


def remember_many(tx, store: Store, identities: Iterable[str]) -> dict[str, str]:
    """identity → pseudonym for identities already in their stored form (lower case); only
    those not known yet are encrypted and stored, in one statement."""
    import pandas as pd  # imported here: pandas costs 0.3 s at every command's start

    mapping = {identity: store.keys.pseudonym(identity) for identity in identities}
    tx.register("remembering", pd.DataFrame({"pseudonym": list(mapping.values())}, dtype="string"))
    try:
        known = {row[0] for row in tx.execute(
            "SELECT pseudonym FROM remembering SEMI JOIN identities USING (pseudonym)").fetchall()}
    finally:
        tx.unregister("remembering")
    new = [(pseudonym, store.keys.encrypt(identity, "identities.identity"))
           for identity, pseudonym in mapping.items() if pseudonym not in known]
    if new:
        tx.register("remembered", pd.DataFrame(new, columns=["pseudonym", "identity"], dtype="string"))
        try:
            tx.execute("INSERT OR IGNORE INTO identities SELECT pseudonym, identity FROM remembered")
        finally:
            tx.unregister("remembered")
    return mapping


def reidentify(store: Store, pseudonym: str, actor: str, reason: str) -> str:
    pseudonym = text.clean(pseudonym, "pseudonym", 100)
    reason = text.clean(reason, "reason", 2000)
    if not reason:
        raise VernError("pseudonyms.reason_needed", field="reason")
    with store.transaction() as tx:
        row = tx.execute("SELECT identity FROM identities WHERE pseudonym = ?", [pseudonym]).fetchone()
        if row is None:
            raise VernError("pseudonyms.unknown", field="pseudonym", pseudonym=pseudonym)
        # The reason may name people: the trail points to it, encrypted beside it.
        seq = trail.append(tx, actor, "pseudonym.reidentify", pseudonym)
        tx.execute("INSERT INTO reidentifications VALUES (?, ?)",
                   [seq, store.keys.encrypt(reason, "reidentifications.reason")])
    return store.keys.decrypt(row[0], "identities.identity")
