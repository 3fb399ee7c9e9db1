"""A backup file sealed under a passphrase: scrypt, then AES-GCM in chunks.

The file is MAGIC, a JSON header (the scrypt parameters, its salt and a nonce prefix), and
the content in chunks of CHUNK bytes, each encrypted and authenticated on its own with the
header as associated data. A chunk's nonce is the prefix, its number and whether it is the
last (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár, 2015), so a chunk
changed, moved, dropped or a file cut short at a chunk's edge is refused, and memory stays
at one chunk whatever the size of the backup.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from audits.core.errors import VernError

MAGIC = b"VERN-BACKUP-1\n"
CHUNK = 1024 * 1024
TAG = 16
# scrypt at 2^17 × 8: 128 MiB and a fraction of a second, once per file (RFC 7914's advice
# for files; OWASP's minimum is 2^17 too). Kept in the header, so a stronger setting later
# still opens today's files.
SCRYPT = {"n": 2**17, "r": 8, "p": 1}
MAX_HEADER = 4096
MIN_PASSPHRASE = 12


class BackupRefused(VernError):
    """The file is not a Vern backup, was changed, or the passphrase is wrong."""


def _key(passphrase: str, salt: bytes, params: dict) -> bytes:
    n, r, p = params["n"], params["r"], params["p"]
    if not (isinstance(n, int) and 2**14 <= n <= 2**22 and n & (n - 1) == 0 and r in range(1, 33) and p in range(1, 17)):
        raise BackupRefused("backups.not_a_backup")  # a header no Vern wrote: never a week of scrypt
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _check(key: bytes) -> str:
    """Tells a wrong passphrase from a changed file, and reveals no more than a chunk would."""
    return hmac.new(key, b"vern backup passphrase", hashlib.sha256).hexdigest()[:32]


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, last)


class SealingWriter:
    """A file-like writer: what is written to it goes out sealed to `out`; `close()` seals
    the last chunk. `sha256` and `bytes` describe the sealed file as written."""

    def __init__(self, out: BinaryIO, passphrase: str):
        salt, prefix = os.urandom(16), os.urandom(7)
        key = _key(passphrase, salt, SCRYPT)
        header = json.dumps({"kdf": "scrypt", **SCRYPT, "salt": base64.b64encode(salt).decode(),
                             "nonce": base64.b64encode(prefix).decode(), "chunk": CHUNK,
                             "check": _check(key)}).encode()
        self._out, self._prefix, self._header = out, prefix, header
        self._aead = AESGCM(key)
        self._buffer = bytearray()
        self._number = 0
        self.digest = hashlib.sha256()
        self.bytes = 0
        self._emit(MAGIC + struct.pack(">I", len(header)) + header)

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self.digest.update(data)
        self.bytes += len(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        self._emit(self._aead.encrypt(_nonce(self._prefix, self._number, last), plain, self._header))
        self._number += 1

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Always keep at least one byte back: the last chunk is sealed as last by close().
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


class OpeningReader:
    """A file-like reader of a sealed file's content; every chunk is authenticated before
    any of it is handed on, and the end must be the sealed end."""

    def __init__(self, source: BinaryIO, passphrase: str):
        self._in = source
        if source.read(len(MAGIC)) != MAGIC:
            raise BackupRefused("backups.not_a_backup")
        length_bytes = source.read(4)
        length = struct.unpack(">I", length_bytes)[0] if len(length_bytes) == 4 else 0
        if not 0 < length <= MAX_HEADER:
            raise BackupRefused("backups.not_a_backup")
        self._header = source.read(length)
        try:
            header = json.loads(self._header)
            salt, prefix = base64.b64decode(header["salt"]), base64.b64decode(header["nonce"])
            params = {"n": header["n"], "r": header["r"], "p": header["p"]}
            ok = header["kdf"] == "scrypt" and header["chunk"] == CHUNK and len(prefix) == 7 and len(salt) == 16
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            raise BackupRefused("backups.not_a_backup")
        key = _key(passphrase, salt, params)
        if not hmac.compare_digest(str(header.get("check", "")), _check(key)):
            raise BackupRefused("backups.wrong_passphrase")
        self._aead = AESGCM(key)
        self._prefix = prefix
        self._number = 0
        self._pending = source.read(CHUNK + TAG)
        self._plain = b""
        self._at = 0  # how much of _plain was handed on
        self._done = False

    def _next_chunk(self) -> None:
        sealed, self._pending = self._pending, self._in.read(CHUNK + TAG)
        last = not self._pending
        try:
            self._plain = self._aead.decrypt(_nonce(self._prefix, self._number, last), sealed, self._header)
        except InvalidTag:
            raise BackupRefused("backups.changed") from None
        self._at = 0
        self._number += 1
        self._done = last

    def read(self, size: int = -1) -> bytes:
        parts = []
        while size != 0:
            if self._at == len(self._plain):
                if self._done:
                    break
                self._next_chunk()
                continue
            end = len(self._plain) if size < 0 else min(self._at + size, len(self._plain))
            parts.append(self._plain[self._at:end])  # an offset, not a copy of the rest per read
            if size > 0:
                size -= end - self._at
            self._at = end
        return b"".join(parts)
