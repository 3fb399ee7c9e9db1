"""Labels: text that checks and pages group by, kept encrypted.

A column such as people.district or access_events.object (a file name, which often
names a person) holds a keyed reference — HMAC-SHA256 under the pseudonym key, so the
same text always gets the same reference and SQL can join and group on it — and the
text itself is stored once, encrypted, in `labels`, decrypted only to be shown.
"""

from collections.abc import Iterable

from audits.core.store import Store

REF_PATTERN = "l-[0-9a-f]{24}"


def remember_many(tx, keys, kind: str, texts: Iterable[str]) -> dict[str, str]:
    """text → reference; only texts not known yet are encrypted and stored."""
    import pandas as pd  # imported here: pandas costs 0.3 s at every command's start

    mapping = {text: keys.label_ref(kind, text) for text in texts}
    if not mapping:
        return mapping
    tx.register("labelling", pd.DataFrame({"ref": list(mapping.values())}, dtype="string"))
    try:
        known = {row[0] for row in tx.execute(
            "SELECT ref FROM labelling SEMI JOIN labels USING (ref)").fetchall()}
    finally:
        tx.unregister("labelling")
    new = [(ref, kind, keys.encrypt(text, "labels.text")) for text, ref in mapping.items() if ref not in known]
    if new:
        tx.register("labelled", pd.DataFrame(new, columns=["ref", "kind", "text"], dtype="string"))
        try:
            tx.execute("INSERT OR IGNORE INTO labels SELECT ref, kind, text FROM labelled")
        finally:
            tx.unregister("labelled")
    return mapping


def remember(tx, keys, kind: str, text: str | None) -> str | None:
    """The reference for one text; None and '' stay as they are (no label)."""
    return remember_many(tx, keys, kind, [text])[text] if text else text


def texts(store: Store, refs: Iterable[str | None]) -> dict[str, str]:
    """reference → text, for the references given (those without a label are left out)."""
    wanted = sorted({ref for ref in refs if ref})
    if not wanted:
        return {}
    rows = store.rows("SELECT ref, text FROM labels WHERE list_contains(?, ref)", [wanted])
    return {row["ref"]: store.keys.decrypt(row["text"], "labels.text") for row in rows}
