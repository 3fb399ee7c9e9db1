"""Keys outside the database: AES-GCM for sensitive fields, HMAC-SHA256 for pseudonyms
and for the audit trail's chain.

The key file (JSON, mode 0600, default `<database>.key` beside the database) holds the
encryption keys by id, which one encrypts now, the separate pseudonym key and the trail
key (version 2; a version 1 file gets its trail key the first time it is opened). Old
encryption keys keep decrypting until removed, so rotation never strands data.
A database remembers a check value per key: a missing or wrong key stops Vern.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from audits.core.encrypted_columns import ENCRYPTED
from audits.core.errors import VernError, os_reason, reason
from audits.core.i18n import Message

PREFIX = "enc1"
CANARY = "vern key check"
VERSION = 2
MAX_KEY_FILE_BYTES = 64 * 1024  # a few keys; anything larger is not a key file


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
    trail_key: bytes | None = None  # HMAC key of the audit trail; None in a version 1 file
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    # -- encryption ------------------------------------------------------------
    def _cipher(self, key_id: str) -> AESGCM:
        if key_id not in self._ciphers:
            if key_id not in self.keys:
                raise KeyProblem("keys.no_key", source=self.source, key_id=key_id)
            self._ciphers[key_id] = AESGCM(self.keys[key_id])
        return self._ciphers[key_id]

    def encrypt(self, text: str | None, context: str) -> str | None:
        """`context` (e.g. "findings.status_reason") binds a value to its column, which must be
        declared in audits/core/encrypted_columns.py, so that key rotation knows it."""
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
            raise KeyProblem("keys.not_encrypted", column=context)
        raw = _unb64(body)
        try:
            return self._cipher(key_id).decrypt(raw[:12], raw[12:], context.encode()).decode()
        except InvalidTag:
            raise KeyProblem("keys.cannot_decrypt", source=self.source, key_id=key_id, column=context) from None

    # -- pseudonyms ------------------------------------------------------------
    def pseudonym(self, identity: str) -> str:
        """The same person gets the same pseudonym in every evidence source."""
        normal = identity.strip().lower()
        digest = hmac.new(self.pseudonym_key, normal.encode(), hashlib.sha256).hexdigest()
        return f"p-{digest[:16]}"

    def label_ref(self, kind: str, text: str) -> str:
        """The same text of a kind gets the same reference (see audits/core/labels.py)."""
        digest = hmac.new(self.pseudonym_key, f"label\n{kind}\n{text}".encode(), hashlib.sha256).hexdigest()
        return f"l-{digest[:24]}"

    # -- the audit trail -------------------------------------------------------
    def trail_check(self) -> str:
        """What the database remembers of the trail key: a MAC of the canary, not the key."""
        return hmac.new(self.trail_key, CANARY.encode(), hashlib.sha256).hexdigest()

    def with_trail_key(self) -> "KeyRing":
        return replace(self, trail_key=secrets.token_bytes(32), _ciphers={})

    # -- the key file ----------------------------------------------------------
    def to_json(self) -> str:
        content = {
            "version": VERSION if self.trail_key else 1,
            "primary": self.primary,
            "encryption": {kid: _b64(key) for kid, key in self.keys.items()},
            "pseudonym": _b64(self.pseudonym_key),
        }
        if self.trail_key:
            content["trail"] = _b64(self.trail_key)
        return json.dumps(content, indent=2)

    def with_new_key(self) -> "KeyRing":
        key_id = f"k{max(int(k[1:]) for k in self.keys) + 1}"
        keys = {**self.keys, key_id: AESGCM.generate_key(bit_length=256)}
        return replace(self, primary=key_id, keys=keys, _ciphers={})

    def without(self, key_ids: set[str]) -> "KeyRing":
        keys = {k: v for k, v in self.keys.items() if k not in key_ids}
        return replace(self, keys=keys, _ciphers={})


def _declared(context: str) -> None:
    if context not in ENCRYPTED and context != "canary":
        raise LookupError(f"{context} is not declared in audits/core/encrypted_columns.py")  # a bug, not a user's mistake


def new_ring(path: Path) -> KeyRing:
    return KeyRing("k1", {"k1": AESGCM.generate_key(bit_length=256)}, secrets.token_bytes(32),
                   str(path), path, secrets.token_bytes(32))


def _key(value, what: Message) -> bytes:
    """A 32-byte key written in URL-safe base64, or ValueError saying which one is not."""
    try:
        raw = _unb64(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ValueError(Message("keyfile.not_32_bytes", {"what": what}))
    return raw


def _ring(data, source: str, path: Path | None) -> KeyRing:
    """The keys in a parsed key file; ValueError naming the first thing out of shape."""
    if not isinstance(data, dict):
        raise ValueError(Message("keyfile.not_object"))
    if data.get("version") not in (1, VERSION):
        raise ValueError(Message("keyfile.version", {"version": VERSION}))
    encryption = data.get("encryption")
    if not isinstance(encryption, dict) or not encryption:
        raise ValueError(Message("keyfile.encryption"))
    keys = {str(kid): _key(key, Message("keyfile.encryption_key", {"key_id": str(kid)})) for kid, key in encryption.items()}
    if data.get("primary") not in keys:
        raise ValueError(Message("keyfile.primary"))
    trail = _key(data["trail"], Message("keyfile.trail_key")) if "trail" in data else None
    pseudonym = _key(data.get("pseudonym"), Message("keyfile.pseudonym_key"))
    return KeyRing(data["primary"], keys, pseudonym, source, path, trail)


def parse(text: str, source: str, path: Path | None) -> KeyRing:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise KeyProblem("keyfile.refused", source=source, why=Message("keyfile.not_json")) from None
    try:
        return _ring(data, source, path)
    except ValueError as error:
        raise KeyProblem("keyfile.refused", source=source, why=reason(error)) from None


def read(path: Path) -> str:
    """The key file's text; whatever is there instead (a folder, binary, a huge file) is named."""
    if os.path.isdir(path):
        raise KeyProblem("keyfile.folder", path=str(path))
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as error:
        raise KeyProblem("keyfile.cannot_read", path=str(path), why=os_reason(error)) from None
    if len(raw) > MAX_KEY_FILE_BYTES:
        raise KeyProblem("keyfile.refused", source=str(path),
                         why=Message("keyfile.too_large", {"kib": MAX_KEY_FILE_BYTES // 1024}))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyProblem("keyfile.refused", source=str(path), why=Message("file.not_utf8")) from None


def write(ring: KeyRing) -> None:
    """Atomically, readable by the owner only; the old file stays until the new one is whole."""
    if ring.path is None:
        raise VernError("keys.from_environment")
    temporary = ring.path.with_name(ring.path.name + ".new")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(ring.to_json())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, ring.path)
    except OSError as error:
        raise KeyProblem("keyfile.cannot_write", path=str(ring.path), why=os_reason(error)) from None


def ensure_trail_key(ring: KeyRing) -> KeyRing:
    """A key file from before the trail key gets one, written atomically; VERN_KEYS must be
    given one by whoever sets it, since Vern cannot write the environment."""
    if ring.trail_key:
        return ring
    if ring.path is None:
        raise KeyProblem("keys.environment_no_trail_key")
    ring = ring.with_trail_key()
    write(ring)
    return ring


def load(path: Path, create: bool, environment: bool = True) -> KeyRing:
    """Keys from VERN_KEYS, else the key file; a new file only when `create` (a new database).
    Without `environment`, the key file only (a backup read back brings its own)."""
    if environment and os.environ.get("VERN_KEYS"):
        return parse(os.environ["VERN_KEYS"], "VERN_KEYS", None)
    if os.path.lexists(path):
        return parse(read(path), str(path), path)
    if not create:
        raise KeyProblem("keyfile.missing", path=str(path))
    ring = new_ring(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KeyProblem("keyfile.cannot_create_folder", path=str(path), why=os_reason(error)) from None
    write(ring)
    return ring
