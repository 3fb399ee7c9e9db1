"""The words of the organisation's profile."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "nav.organisation": Text("Organisasjon", "Organisation"),
    "json.what.organisation": Text("organisasjonens profil", "the organisation's profile"),
    "organisation.refused.org_number": Text("ikke et gyldig organisasjonsnummer (ni siffer, det siste et kontrollsiffer)",
                                            "not a valid organisation number (nine digits, the last a check digit)"),
    "organisation.refused.email": Text("ikke en e-postadresse", "not an email address"),
    "organisation.refused.phone": Text("ikke et telefonnummer (siffer, mellomrom og eventuelt + foran)",
                                       "not a phone number (digits, spaces and perhaps a leading +)"),
    "organisation.refused.chapter_name": Text("lokallaget må ha et navn", "the chapter needs a name"),
    "organisation.refused.chapter_twice": Text("to lokallag har samme navn", "two chapters have the same name"),
    "organisation.refused.not_object": Text("må være et JSON-objekt med feltnavn", "must be a JSON object of fields"),
    "organisation.refused.not_list": Text("må være en liste over lokallag", "must be a list of chapters"),
    "organisation.refused.not_text": Text("må være tekst", "must be text"),
    "organisation.refused.unknown_field": Text("ukjent felt (kjente felt: {known})", "unknown field (known: {known})"),
    # the page (dashboard/views/organisation.py) and `vern organisation show`
    "organisation.title": Text("Organisasjonens profil", "The organisation's profile"),
    "organisation.intro": Text(
        "Navn og personvernkontakt står i hvert varsel til Datatilsynet og hvert brev til de registrerte "
        "(art. 33 nr. 3 og art. 34). Kontaktopplysningene er de som står i personvernerklæringen.",
        "The name and the privacy contact point appear in every notification to Datatilsynet and every "
        "letter to the data subjects (Art. 33(3) and Art. 34). The contact details are those published "
        "in the privacy statement."),
    "organisation.missing": Text("Mangler {fields}: varslene blir merket UTKAST til det er fylt inn.",
                                 "Missing {fields}: notifications are marked DRAFT until it is filled in."),
    "organisation.complete": Text("Profilen har alt et varsel trenger.",
                                  "The profile has everything a notification needs."),
    "organisation.gap.name": Text("organisasjonens navn", "the organisation's name"),
    "organisation.gap.contact_name": Text("personvernkontaktens navn", "the privacy contact point's name"),
    "organisation.gap.contact_email": Text("personvernkontaktens e-post", "the privacy contact point's email"),
    "organisation.gap.contact_phone": Text("personvernkontaktens telefon", "the privacy contact point's phone"),
    "organisation.field.name": Text("Organisasjonens navn", "Name of the organisation"),
    "organisation.field.org_number": Text("Organisasjonsnummer", "Organisation number"),
    "organisation.field.address": Text("Postadresse", "Postal address"),
    "organisation.field.contact_name": Text("Personvernkontakt – navn", "Privacy contact point – name"),
    "organisation.field.contact_role": Text("Personvernkontakt – rolle", "Privacy contact point – role"),
    "organisation.field.contact_email": Text("Personvernkontakt – e-post", "Privacy contact point – email"),
    "organisation.field.contact_phone": Text("Personvernkontakt – telefon", "Privacy contact point – phone"),
    "organisation.field.chapters": Text("Lokallagenes kontakter", "The chapters' contacts"),
    "organisation.chapters": Text("Lokallag (kretser) vi er databehandler for",
                                  "District chapters we process data for"),
    "organisation.chapters_help": Text(
        "Når et avvik gjelder et lokallags opplysninger, varsles lokallagets kontaktperson (art. 33 nr. 2). "
        "Tøm en rad for å fjerne lokallaget; den tomme raden nederst legger til et nytt.",
        "When a breach concerns a chapter's data, the chapter's contact is told (Art. 33(2)). Empty a row "
        "to remove the chapter; the empty row at the bottom adds one."),
    "organisation.chapter.name": Text("Lokallag", "Chapter"),
    "organisation.chapter.contact_name": Text("Kontaktperson", "Contact person"),
    "organisation.chapter.contact_email": Text("E-post", "Email"),
    "organisation.chapter.contact_phone": Text("Telefon", "Phone"),
    "organisation.chapter_refused": Text("{column}: {why}", "{column}: {why}"),
    "organisation.save": Text("Lagre profilen", "Save the profile"),
    "organisation.saved": Text("Profilen er lagret.", "The profile is saved."),
    "organisation.none": Text("(ikke fylt inn)", "(not filled in)"),
}
