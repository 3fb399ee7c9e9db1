"""Errors a user can act on. The command line prints them and exits 1; never a traceback."""


class VernError(Exception):
    """A domain error with a message meant for the person at the keyboard."""


class InputError(VernError):
    """Bad input, located by file, line (or record) and field."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        shown = problems[:20]
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(
            f"{source}: nothing was imported.\n  " + "\n  ".join(shown) + more
        )
