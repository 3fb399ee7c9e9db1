"""Free text from people: kept verbatim, refused only when it cannot be stored honestly."""

from audits.errors import VernError

MAX_TEXT = 10_000


def clean(value: str | None, field: str, max_length: int = MAX_TEXT) -> str:
    """The text as typed, stripped of surrounding blanks; refused with the field named."""
    value = (value or "").strip()
    if "\x00" in value:
        raise VernError(f"{field}: contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise VernError(f"{field}: is not valid UTF-8 text") from None
    if len(value) > max_length:
        raise VernError(f"{field}: longer than {max_length} characters")
    return value
