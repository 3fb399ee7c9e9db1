"""The words of the organisation's profile."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "organisation.refused.org_number": Text(
        "{field}: ikke et gyldig organisasjonsnummer (ni siffer, det siste et kontrollsiffer)",
        "{field}: not a valid organisation number (nine digits, the last a check digit)"),
    "organisation.refused.email": Text("{field}: ikke en e-postadresse", "{field}: not an email address"),
    "organisation.refused.phone": Text("{field}: ikke et telefonnummer (siffer, mellomrom og eventuelt + foran)",
                                       "{field}: not a phone number (digits, spaces and perhaps a leading +)"),
    "organisation.refused.chapter_name": Text("{field}: lokallaget må ha et navn", "{field}: the chapter needs a name"),
    "organisation.refused.chapter_twice": Text("{field}: to lokallag har samme navn",
                                               "{field}: two chapters have the same name"),
}
