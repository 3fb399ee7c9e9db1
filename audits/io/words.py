"""The words of reading files: where a problem is, and what is wrong with a field.

A problem never quotes a value: it may be personal data in the wrong column."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "input.refused": Text("{source}: ingenting ble importert.", "{source}: nothing was imported."),
    "input.more": Text("… og {n} til", "… and {n} more"),
    "input.at": Text("{where}: {why}", "{where}: {why}"),
    "input.field": Text("{where}, felt {field}: {why}", "{where}, field {field}: {why}"),
    "input.line": Text("linje {n}", "line {n}"),
    "input.row": Text("rad {n}", "row {n}"),
    "input.record": Text("post {n}", "record {n}"),
    # the file as a whole
    "input.unreadable": Text("filen kan ikke leses: {why}", "cannot read the file: {why}"),
    "input.too_large": Text("større enn {mb} MB: ikke et register", "larger than {mb} MB: not a register"),
    "input.line_too_long": Text("lengre enn {max:,} byte: ikke et register", "longer than {max:,} bytes: not a register"),
    "input.not_utf8": Text("ikke UTF-8-tekst (lagre filen som CSV UTF-8)", "not UTF-8 text (save the file as CSV UTF-8)"),
    "input.empty": Text("filen er tom", "the file is empty"),
    "input.no_rows": Text("ingen rader under overskriftene", "no rows below the header"),
    "input.more_fields": Text("flere felt enn kolonner", "more fields than columns"),
    "input.field_too_long": Text("et felt lengre enn {max:,} tegn", "a field longer than {max:,} characters"),
    "input.not_csv": Text("ikke gyldig CSV (sjekk anførselstegnene)", "not valid CSV (check the quotation marks)"),
    "input.too_many_columns": Text("{n:,} kolonner; høyst {max}", "{n:,} columns; at most {max}"),
    "input.column_control": Text("et kolonnenavn {why}: ikke en CSV-overskrift", "a column name {why}: not a CSV header"),
    "input.column_twice": Text("kolonnen {column} står der mer enn én gang", "column {column} appears more than once"),
    "input.columns_missing": Text("mangler {n:kolonnen|kolonnene} {columns}", "missing {n:column|columns} {columns}"),
    # one field
    "input.invalid": Text("ugyldig verdi", "not a valid value"),
    "input.not_one_of": Text("ikke en av {allowed}", "not one of {allowed}"),
    "input.not_date": Text("ikke en dato (ÅÅÅÅ-MM-DD)", "not a date (YYYY-MM-DD)"),
    "input.yes_no": Text("må være yes, no eller tom", "must be yes, no or empty"),
    "input.out_of_range": Text("utenfor gyldig område", "out of range"),
    "input.must_be_text": Text("må være tekst", "must be text"),
    "input.date_hint": Text("(ÅÅÅÅ-MM-DD)", "(YYYY-MM-DD)"),
    "input.instant_hint": Text("(ISO 8601 med tidssone, f.eks. 2026-03-28T10:00+01:00)",
                               "(ISO 8601 with its offset, e.g. 2026-03-28T10:00+01:00)"),
    # shared by the breach and request registers (words-wa)
    "input.required": Text("må fylles ut", "required"),
    "input.required_hint": Text("må fylles ut {hint}", "required {hint}"),
    "input.must_be_instant": Text("må være et ISO 8601-tidspunkt med tidssone",
                                  "must be an ISO 8601 instant with offset"),
    "input.future": Text("ligger i fremtiden", "lies in the future"),
    # JSON files (audits.io.jsonfile): the parser's own words are English, its position is kept
    "json.too_large": Text("større enn {mb} MB", "larger than {mb} MB"),
    "json.position": Text("linje {line}, kolonne {column}", "line {line}, column {column}"),
    "json.what.xapi_statements": Text("xAPI-utsagn", "xAPI statements"),
    "json.what.xapi_statement": Text("et xAPI-utsagn", "an xAPI statement"),
    "json.what.breach": Text("et avvik", "a breach"),
    "json.what.facts": Text("fakta om et avvik", "the facts of a breach"),
    "json.what.assessment": Text("en vurdering", "an assessment"),
    "json.what.activities": Text("en liste over behandlingsaktiviteter", "a list of activities"),
    "json.what.request": Text("en henvendelse", "a request"),
    "json.invalid": Text("ikke gyldig JSON", "not valid JSON"),
    "json.too_deep": Text("nøstet mer enn {max} nivåer dypt: ikke {what}", "nested more than {max} levels deep: not {what}"),
    "json.nested_too_deeply": Text("nøstet for dypt: ikke {what}", "nested too deeply: not {what}"),
    "json.number_too_long": Text("et for langt tall: ikke {what}", "a number too long: not {what}"),
    # sending mail (audits.io.mail): never what the server echoes back
    "mail.sender_needed": Text("må fylles ut for å sende e-post (avsenderadressen)",
                               "required to send mail (the From address)"),
    "mail.host_needed": Text("må fylles ut for å sende e-post", "required to send mail"),
    "mail.no_one": Text("ingen å sende til", "no one to send to"),
    "mail.clear_text": Text(
        'e-postserver {host}: mail.security = "none" sender i klartekst og er bare tillatt mot en '
        'loopback-vert; bruk "starttls" eller "ssl"',
        'mail server {host}: mail.security = "none" sends in clear text and is only allowed to a loopback '
        'host; use "starttls" or "ssl"'),
    "mail.no_password": Text("e-postserver {host}: mail.username er satt, men {variable} er ikke",
                             "mail server {host}: mail.username is set but {variable} is not"),
    "mail.not_sent": Text("e-postserver {host}:{port}: kunne ikke sende ({why})",
                          "mail server {host}:{port}: could not send ({why})"),
    "mail.why.login": Text("innloggingen ble avvist (SMTP {code}); sjekk mail.username og {variable}",
                           "the login was refused (SMTP {code}); check mail.username and {variable}"),
    "mail.why.answered": Text("serveren svarte SMTP {code} ({kind})", "the server answered SMTP {code} ({kind})"),
    "mail.why.recipients": Text("serveren avviste alle {n} {n:mottakeren|mottakerne}",
                                "the server refused all {n} {n:recipient|recipients}"),
    "mail.why.unsupported": Text(
        "serveren tilbyr ikke det mail.security eller mail.username krever (STARTTLS eller AUTH)",
        "the server does not offer what mail.security or mail.username asks for (STARTTLS or AUTH)"),
    "mail.why.tls": Text("TLS feilet ({reason}); sjekk mail.security og mail.port",
                         "TLS failed ({reason}); check mail.security and mail.port"),
    # the inbox (audits.io.inbox): a refused file moved to failed/
    "inbox.refused": Text("{name}: {why}", "{name}: {why}"),
    "inbox.in_folder": Text("{folder}/{refusal}", "{folder}/{refusal}"),
    "inbox.link": Text("en symbolsk lenke: Vern følger ikke lenker (legg selve filen der)",
                       "a symbolic link: Vern does not follow links (put the file itself there)"),
    "inbox.special": Text("verken en vanlig fil eller en mappe", "not a regular file or folder"),
}
