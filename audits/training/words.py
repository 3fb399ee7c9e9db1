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
}
