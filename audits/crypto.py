"""Keys outside the database: AES-GCM for sensitive fields, HMAC-SHA256 for pseudonyms.

The key file (JSON, mode 0600, default `<database>.key` beside the database) holds the
encryption keys by id, which one encrypts now, and the separate pseudonym key. Old
encryption keys keep decrypting until removed, so rotation never strands data.
A database remembers a check value per key: a missing or wrong key stops Vern.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from audits.encrypted_columns import ENCRYPTED
from audits.errors import VernError

PREFIX = "enc1"
CANARY = "vern key check"


class KeyProblem(VernError):
    """A key is missing or wrong: Vern stops rather than read or write garbage."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


@dataclass
class KeyRing:
    primary: str
    keys: dict[str, bytes]
    pseudonym_key: bytes
    source: str  # where the keys came from, for messages (never the keys themselves)
    path: Path | None = None  # None when the keys come from the environment
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    # -- encryption ------------------------------------------------------------
    def _cipher(self, key_id: str) -> AESGCM:
        if key_id not in self._ciphers:
            if key_id not in self.keys:
                raise KeyProblem(f"{self.source} has no key {key_id!r}, which this database uses")
            self._ciphers[key_id] = AESGCM(self.keys[key_id])
        return self._ciphers[key_id]

    def encrypt(self, text: str | None, context: str) -> str | None:
        """`context` (e.g. "findings.status_reason") binds a value to its column, which must be
        declared in audits/encrypted_columns.py, so that key rotation knows it."""
        _declared(context)
        return None if text is None else self.encrypt_with(self.primary, text, context)

    def encrypt_with(self, key_id: str, text: str, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self._cipher(key_id).encrypt(nonce, text.encode(), context.encode())
        return f"{PREFIX}:{key_id}:{_b64(nonce + sealed)}"

    def decrypt(self, token: str | None, context: str) -> str | None:
        _declared(context)
        if token is None:
            return None
        prefix, key_id, body = token.split(":", 2)
        if prefix != PREFIX:
            raise KeyProblem(f"a value in {context} is not encrypted by Vern")
        raw = _unb64(body)
        try:
            return self._cipher(key_id).decrypt(raw[:12], raw[12:], context.encode()).decode()
        except InvalidTag:
            raise KeyProblem(
                f"{self.source}: key {key_id!r} does not decrypt {context}; wrong key file?"
            ) from None

    # -- pseudonyms ------------------------------------------------------------
    def pseudonym(self, identity: str) -> str:
        """The same person gets the same pseudonym in every evidence source."""
        normal = identity.strip().lower()
        digest = hmac.new(self.pseudonym_key, normal.encode(), hashlib.sha256).hexdigest()
        return f"p-{digest[:16]}"

    def label_ref(self, kind: str, text: str) -> str:
        """The same text of a kind gets the same reference (see audits/labels.py)."""
        digest = hmac.new(self.pseudonym_key, f"label\n{kind}\n{text}".encode(), hashlib.sha256).hexdigest()
        return f"l-{digest[:24]}"

    # -- the key file ----------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({
            "version": 1,
            "primary": self.primary,
            "encryption": {kid: _b64(key) for kid, key in self.keys.items()},
            "pseudonym": _b64(self.pseudonym_key),
        }, indent=2)

    def with_new_key(self) -> "KeyRing":
        key_id = f"k{max(int(k[1:]) for k in self.keys) + 1}"
        keys = {**self.keys, key_id: AESGCM.generate_key(bit_length=256)}
        return KeyRing(key_id, keys, self.pseudonym_key, self.source, self.path)

    def without(self, key_ids: set[str]) -> "KeyRing":
        keys = {k: v for k, v in self.keys.items() if k not in key_ids}
        return KeyRing(self.primary, keys, self.pseudonym_key, self.source, self.path)


def _declared(context: str) -> None:
    if context not in ENCRYPTED and context != "canary":
        raise ValueError(f"{context} is not declared in audits/encrypted_columns.py")  # a bug, not a user's mistake


def new_ring(path: Path) -> KeyRing:
    return KeyRing("k1", {"k1": AESGCM.generate_key(bit_length=256)}, secrets.token_bytes(32),
                   str(path), path)


def parse(text: str, source: str, path: Path | None) -> KeyRing:
    try:
        data = json.loads(text)
        keys = {kid: _unb64(key) for kid, key in data["encryption"].items()}
        ring = KeyRing(data["primary"], keys, _unb64(data["pseudonym"]), source, path)
        if ring.primary not in keys or any(len(k) != 32 for k in keys.values()):
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise KeyProblem(f"{source} is not a Vern key file") from None
    return ring


def write(ring: KeyRing) -> None:
    """Atomically, readable by the owner only; the old file stays until the new one is whole."""
    if ring.path is None:
        raise VernError("the keys come from VERN_KEYS; change them there, not through Vern")
    temporary = ring.path.with_name(ring.path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(ring.to_json())
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, ring.path)


def load(path: Path, create: bool) -> KeyRing:
    """Keys from VERN_KEYS, else the key file; a new file only when `create` (a new database)."""
    if os.environ.get("VERN_KEYS"):
        return parse(os.environ["VERN_KEYS"], "VERN_KEYS", None)
    if path.exists():
        return parse(path.read_text(encoding="utf-8"), str(path), path)
    if not create:
        raise KeyProblem(
            f"the key file {path} is missing, and this database holds data encrypted with it. "
            "Restore the key file from the backup that belongs to this database."
        )
    ring = new_ring(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write(ring)
    return ring
