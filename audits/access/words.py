"""The words of access evidence: imports and the page."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "access.title": Text("Tilgang til personopplysninger", "Access to personal data"),
    "access.explain": Text(
        "Fra tilgangsloggene til Microsoft 365, Google Workspace, AWS og CRM-ene, vurdert mot "
        "personkatalogen, systemlisten og tilgangene. Personer vises med pseudonym.",
        "From the access logs of Microsoft 365, Google Workspace, AWS and the CRMs, judged against "
        "the people directory, the system list and the access grants. People are shown by pseudonym."),
    "access.events": Text("Hendelser lagret", "Events stored"),
    "access.actors": Text("Kontoer", "Accounts"),
    "access.period": Text("Periode", "Period"),
    "access.none": Text("Ingen tilgangsfunn passer filteret.", "No access findings match the filter."),
    "access.empty": Text(
        "Ingen tilgangslogger ennå. Importer med `vern import access-logs STI --format cloudtrail|m365|"
        "gworkspace|csv`, eller legg filene i data/inbox/access-logs/<format>/.",
        "No access logs yet. Import with `vern import access-logs PATH --format cloudtrail|m365|"
        "gworkspace|csv`, or drop the files into data/inbox/access-logs/<format>/."),
    "access.signin": Text("innlogging", "sign-in"),
    "access.over_time": Text("Funn over tid", "Findings over time"),
    "access.per_system": Text("Funn per system", "Findings per system"),
    "access.per_rule": Text("Funn per regel", "Findings per rule"),
    "access.actor": Text("Konto (pseudonym)", "Account (pseudonym)"),
    "access.systems": Text("Systemer", "Systems"),
    "access.window": Text("Tidsrom (Oslo)", "Window (Oslo)"),
    "access.count": Text("Antall", "Count"),
    "access.drill": Text("Hendelsene bak et funn", "The events behind a finding"),
    "access.behind": Text("{n} hendelser (nyeste først, inntil 500)", "{n} events (newest first, up to 500)"),
    "access.source": Text("Kilde", "Source"),
    "access.system": Text("System", "System"),
    "access.action": Text("Handling", "Action"),
    "access.operation": Text("Operasjon", "Operation"),
    "access.object": Text("Objekt", "Object"),
    "access.ip": Text("IP-adresse", "IP address"),
    "access.records": Text("Poster", "Records"),
    "access.reidentify": Text("Hvem er dette? (krever begrunnelse, loggføres)",
                              "Who is this? (needs a reason, recorded)"),
    "access.systems_edit": Text("Systemlisten", "The system list"),
    "access.systems_explain": Text(
        "Mønstre skilles med `;`: `s3:BØTTE`, `m365:NETTSTED-URL` (prefiks), `gdrive:EIER-ELLER-DELT-DISK`. "
        "CSV-hendelser navngir systemet selv.",
        "Patterns separated by `;`: `s3:BUCKET`, `m365:SITE-URL` (prefix), `gdrive:OWNER-OR-SHARED-DRIVE`. "
        "CSV events name their system themselves."),
    "access.personal": Text("Personopplysninger", "Personal data"),
    "access.classification": Text("Klassifisering", "Classification"),
    "access.match": Text("Mønstre", "Patterns"),
    "access.systems_save": Text("Lagre systemlisten", "Save the system list"),
    "access.systems_saved": Text("{n} systemer lagret. Neste kontroll bruker dem.",
                                 "{n} systems saved. The next check run uses them."),
    # -- the people directory, systems and grants refused (audits.access.directory; added by words-wb)
    "directory.refused.not_email": Text("ikke en e-postadresse", "not an email address"),
    "directory.refused.pattern": Text("mønster {n} er ikke TYPE:MÅL med TYPE en av {kinds}",
                                      "pattern {n} is not KIND:TARGET with KIND one of {kinds}"),
    "directory.yes_no_hint": Text("(yes eller no)", "(yes or no)"),
    "directory.refused.same": Text("samme som på {first}", "the same as on {first}"),
    "directory.refused.before": Text("før {start}", "before {start}"),
    "directory.refused.no_system": Text("finnes ikke i systemlisten", "not in the system list"),
    "directory.refused.no_person": Text("finnes ikke i personkatalogen", "not in the people directory"),
}
