"""Reading a JSON file a person wrote, with every problem named by file and line."""

import json
from pathlib import Path
from typing import Any

from audits.errors import InputError


def read(path: Path, what: str) -> Any:
    """The file's JSON value; `what` says what it should hold, for the nesting message."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(path), [f"cannot read the file: {error}"]) from None
    except json.JSONDecodeError as error:
        raise InputError(str(path), [f"line {error.lineno}: not JSON ({error.msg})"]) from None
    except RecursionError:
        raise InputError(str(path), [f"nested too deeply: not {what}"]) from None
