"""The words of training: courses, completions and the page."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "training.title": Text("Personvernopplæring", "Privacy training"),
    "training.explain": Text(
        "Alle som håndterer personopplysninger skal ha gyldig opplæring. Dekning betyr at alle "
        "kursene personen trenger, er gyldige i dag; nyansatte har en frist fra startdatoen.",
        "Everyone who handles personal data must hold valid training. Covered means every course "
        "the person needs is valid today; newcomers have a grace period from their start date."),
    "training.empty": Text(
        "Ingen i personkatalogen trenger opplæring ennå. Importer personkatalogen og "
        "`vern import training STI --format csv|xapi`.",
        "No one in the people directory needs training yet. Import the people directory and "
        "`vern import training PATH --format csv|xapi`."),
    "training.coverage": Text("Dekning", "Coverage"),
    "training.missing": Text("Mangler eller utløpt", "Missing or expired"),
    "training.due_soon": Text("Utløper innen 30 dager", "Expiring within 30 days"),
    "training.by_kind": Text("Dekning per persontype", "Coverage by kind of person"),
    "training.by_district": Text("Dekning per krets", "Coverage by district"),
    "training.no_district": Text("(sentralt)", "(central)"),
    "training.trend_one": Text("Dekning ved kontrollkjøringen {at}", "Coverage at the check run of {at}"),
    "training.trend": Text("Dekning over tid (kontrollkjøringer)", "Coverage over time (check runs)"),
    "training.reminders": Text("Påminnelser", "Reminders"),
    "training.all_done": Text("Alle har gyldig opplæring.", "Everyone holds valid training."),
    "training.email": Text("E-post", "Email"),
    "training.kind": Text("Type", "Kind"),
    "training.district": Text("Krets", "District"),
    "training.course": Text("Kurs", "Course"),
    "training.by": Text("Frist / gyldig til", "Due / valid until"),
    "training.status.missing": Text("mangler", "missing"),
    "training.status.expired": Text("utløpt", "expired"),
    "training.status.due_soon": Text("utløper snart", "expires soon"),
    "training.status.new": Text("nyansatt, innen fristen", "new, within the grace period"),
    "training.export": Text("Last ned påminnelseslisten (CSV)", "Download the reminder list (CSV)"),
    "training.export_xlsx": Text("Last ned påminnelseslisten (Excel)", "Download the reminder list (Excel)"),
    "training.send": Text("Send påminnelse til {n} personer", "Send a reminder to {n} people"),
    "training.sent": Text("Påminnelse sendt til {n} personer.", "Reminder sent to {n} people."),
    "training.no_mail": Text("E-post er ikke satt opp ([mail] i konfigurasjonen): last ned listen i stedet.",
                             "Mail is not set up ([mail] in the configuration): download the list instead."),
    # completions refused (audits.training.register): what is wrong, never the value
    "training.refused.not_number": Text("ikke et tall", "not a number"),
    "training.refused.not_finite": Text("ikke et endelig tall", "not a finite number"),
    "training.refused.not_array": Text("ikke en JSON-liste (array) av utsagn", "not a JSON array of statements"),
    "training.refused.not_result": Text("ikke et svar med utsagn (StatementResult: «statements» må være en liste)",
                                        "not an answer with statements (StatementResult: \"statements\" must be a list)"),
    "training.refused.not_statement": Text("ikke et utsagn (et JSON-objekt)", "not a statement (a JSON object)"),
    "training.refused.missing": Text("mangler", "missing"),
    "training.refused.no_actor": Text("verken mbox (mailto:) eller account.name",
                                      "neither mbox (mailto:) nor account.name"),
    "training.refused.not_instant": Text("ikke et ISO 8601-tidspunkt med tidssone",
                                         "not an ISO 8601 instant with its offset"),
    "training.refused.scaled": Text("må være et tall fra -1 til 1", "must be a number from -1 to 1"),
    "training.refused.id": Text("må være tekst (en UUID)", "must be text (a UUID)"),
    "training.refused.not_bool": Text("må være true eller false", "must be true or false"),
    "training.refused.format": Text("format: «{format}» er ikke en av {allowed}", "format: '{format}' is not one of {allowed}"),
}
