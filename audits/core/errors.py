"""Errors a user can act on. The command line prints them and exits 1; never a traceback.

An error is words waiting for their reader: a catalogue key and its values
(`VernError("breaches.refused.notify_first", id=6)`), put into the reader's language where it
is shown. `field` (a value like any other) names the field it concerns, so a form can show
the error next to it.
"""

import errno

from audits.core.i18n import Message, Text

MAX_SHOWN = 20  # problems listed; the rest are counted


class VernError(Exception):
    """A refusal meant for the person at the keyboard."""

    def __init__(self, key: str | Text, /, **values):
        self.message = Message(key, values)
        self.field: str | None = values.get("field")
        super().__init__(key)

    def text(self, lang: str) -> str:
        return self.message(lang)

    def __str__(self) -> str:  # for logs and tracebacks: English
        return self.text("en")


class InputError(VernError):
    """Bad input, located by file, line (or record) and field: every problem found, together."""

    def __init__(self, source: str, problems: list[Message]):
        super().__init__("input.refused", source=source)
        self.source = source
        self.problems = problems

    def shown(self, lang: str) -> list[str]:
        """The problems a person reads, the first MAX_SHOWN and a count of the rest."""
        lines = [problem(lang) for problem in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            lines.append(Message("input.more", {"n": len(self.problems) - MAX_SHOWN})(lang))
        return lines

    def text(self, lang: str) -> str:
        return "\n  ".join([self.message(lang), *self.shown(lang)])


def reason(error: ValueError) -> Message:
    """What a field parser's ValueError says is wrong. Parsers raise ValueError(Message); any
    other ValueError (from Python, whose text may quote the value) says only that it is invalid."""
    found = error.args[0] if error.args else None
    return found if isinstance(found, Message) else Message("input.invalid")


def os_reason(error: OSError) -> Message:
    """Why the system could not read or write a file, in words (its own text is English only)."""
    for kind, key in ((FileNotFoundError, "os.missing"), (PermissionError, "os.denied"),
                      (IsADirectoryError, "os.folder"), (NotADirectoryError, "os.not_folder")):
        if isinstance(error, kind):
            return Message(key)
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):  # a full disk, a quota, a size limit
        return Message("os.full")
    code = errno.errorcode.get(error.errno, "") if error.errno else ""
    return Message("os.other", {"code": code or type(error).__name__})
