"""What a password must be, as NIST SP 800-63B (section 3.1.1.2) and OWASP ASVS 4 (V2.1) ask:
long enough and not guessable; no composition rules, no forced changes.

A password is normalised (Unicode NFKC, spaces before and after dropped) before it is
counted, checked and hashed, and again at sign-in, so the same words typed on another
keyboard still verify. The rules apply when a password is set; existing accounts keep
signing in. Refused, with what to do instead:

- shorter than 12 characters;
- one of the commonly used passwords shipped with Vern (audits/accounts/data/common-passwords.txt.gz:
  Django's CommonPasswordValidator list, 20,000 common passwords by Royce Williams,
  https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce, BSD licence),
  compared without regard to case;
- containing the username (or, for an e-mail address, the part before @) or the
  association's name (`[organisation] name`), case and spaces ignored;
- made only of runs of three or more characters that repeat or step by one
  (NIST's examples: aaaaaa, 1234abcd; also 4321, abcabc, 121212).
"""

import gzip
import unicodedata
from functools import cache
from importlib.resources import files

from audits.core.errors import VernError

MIN_LENGTH = 12
MAX_LENGTH = 1000  # a password is not a document
SHORTEST_RUN = 3

class Refused(VernError):
    """A password the rules refuse, saying what to do instead, next to the password field."""

    def __init__(self, key: str, /, **values):
        super().__init__(key, field="password", **values)


def normal(password: str | None) -> str:
    """The password as it is counted, checked and hashed."""
    return unicodedata.normalize("NFKC", password or "").strip()


def acceptable(password: str | None, username: str, association: str = "") -> str:
    """The normalised password, or Refused naming the first rule it breaks."""
    password = password or ""
    if "\x00" in password:
        raise Refused("accounts.password.nul")
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused("accounts.password.not_text") from None
    if len(password) > MAX_LENGTH:
        raise Refused("accounts.password.long", n=MAX_LENGTH)
    password = normal(password)
    if len(password) < MIN_LENGTH:
        raise Refused("accounts.password.short", n=MIN_LENGTH)
    if password.lower() in _common():
        raise Refused("accounts.password.common")
    if _trivial(password):
        raise Refused("accounts.password.trivial")
    squashed = _squash(password)
    if any(_squash(part) in squashed for part in {username, username.split("@")[0]} if part):
        raise Refused("accounts.password.username")
    if association.strip() and _squash(association) in squashed:
        raise Refused("accounts.password.association")
    return password


def _squash(value: str) -> str:
    """Case and spaces ignored: 'Norsk Forening' is found in 'norskforening2026'."""
    return "".join(unicodedata.normalize("NFKC", value).casefold().split())


def _trivial(password: str) -> bool:
    """Only runs of SHORTEST_RUN or more characters, each the same as the one before or one
    step from it: aaaaaaaaaaaa, 123456789012, 1234abcd5678, abcabcabcabc, 121212121212."""
    folded = password.casefold()
    runs, length = [], 1
    for before, after in zip(folded, folded[1:], strict=False):
        if abs(ord(after) - ord(before)) <= 1:
            length += 1
        else:
            runs.append(length)
            length = 1
    runs.append(length)
    return min(runs) >= SHORTEST_RUN


@cache
def _common() -> frozenset[str]:
    data = (files("audits.accounts") / "data" / "common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(data).decode("utf-8").splitlines()) - {""}
