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
from audits.core.i18n import Text

MIN_LENGTH = 12
MAX_LENGTH = 1000  # a password is not a document
SHORTEST_RUN = 3

WORDS = {
    "short": Text(
        "Passordet må ha minst {n} tegn (mellomrom før og etter teller ikke). Velg et lengre, "
        "gjerne noen ord som ikke hører sammen.",
        "at least {n} characters (spaces before and after do not count): choose a longer one, "
        "for instance a few words that do not belong together"),
    "long": Text("Passordet kan ha høyst {n} tegn. Velg et kortere.",
                 "longer than {n} characters"),
    "nul": Text("Passordet inneholder et NUL-tegn. Skriv det inn på nytt.", "contains a NUL character"),
    "not_text": Text("Passordet er ikke gyldig tekst. Skriv det inn på nytt.", "is not valid UTF-8 text"),
    "common": Text(
        "Dette er et av de mest brukte passordene, og det gjettes først. Velg et annet.",
        "one of the most commonly used passwords, and guessed first: choose another"),
    "username": Text("Passordet inneholder brukernavnet. Velg et som ikke gjør det.",
                     "contains the username: choose one that does not"),
    "association": Text("Passordet inneholder foreningens navn. Velg et som ikke gjør det.",
                        "contains the association's name: choose one that does not"),
    "trivial": Text(
        "Passordet består bare av gjentakelser og rekker (som aaaa, 1234 eller abcd). "
        "Velg et som er vanskeligere å gjette.",
        "only repeats and runs (like aaaa, 1234 or abcd): choose one that is harder to guess"),
}


class Refused(VernError):
    """A password the rules refuse; `says(lang)` tells the person what to do instead."""

    def __init__(self, rule: str, **values):
        self.rule, self.values = rule, values
        super().__init__(f"password: {WORDS[rule]('en', **values)}")

    def says(self, lang: str) -> str:
        return WORDS[self.rule](lang, **self.values)


def normal(password: str | None) -> str:
    """The password as it is counted, checked and hashed."""
    return unicodedata.normalize("NFKC", password or "").strip()


def acceptable(password: str | None, username: str, association: str = "") -> str:
    """The normalised password, or Refused naming the first rule it breaks."""
    password = password or ""
    if "\x00" in password:
        raise Refused("nul")
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused("not_text") from None
    if len(password) > MAX_LENGTH:
        raise Refused("long", n=MAX_LENGTH)
    password = normal(password)
    if len(password) < MIN_LENGTH:
        raise Refused("short", n=MIN_LENGTH)
    if password.lower() in _common():
        raise Refused("common")
    if _trivial(password):
        raise Refused("trivial")
    squashed = _squash(password)
    if any(_squash(part) in squashed for part in {username, username.split("@")[0]} if part):
        raise Refused("username")
    if association.strip() and _squash(association) in squashed:
        raise Refused("association")
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
