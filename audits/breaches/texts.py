"""The words of the breach documents (audits.breaches.documents), in bokmål and English.

Bokmål uses the words of the Norwegian text of the regulation and of Datatilsynet: avvik,
behandlingsansvarlig, databehandler, den registrerte, særlige kategorier personopplysninger.
"""

from audits.core.i18n import Text

UNKNOWN = Text("ikke kjent ennå", "not known yet")
T = {
    "yes": Text("ja", "yes"), "no": Text("nei", "no"), "none": Text("ingen oppgitt", "none given"),
    "undecided": Text("ikke avgjort ennå", "not decided yet"),
    "oslo": Text("norsk tid", "Oslo time"), "about": Text("ca. {n}", "about {n}"),
    "n.title": Text("Melding om brudd på personopplysningssikkerheten (avvik)",
                    "Notification of a personal data breach"),
    "n.to": Text("**Til:** {to}", "**To:** {to}"),
    "n.from": Text("**Fra:** {org}", "**From:** {org}"),
    "n.ref": Text("**Vår referanse:** avvik nr. {id} · utkast laget {now}",
                  "**Our reference:** breach no. {id} · draft made {now}"),
    "n.authority": Text("Datatilsynet", "Datatilsynet (the Norwegian Data Protection Authority)"),
    "n.controller": Text("{name} (behandlingsansvarlig)", "{name} (the controller)"),
    "n.processor_note": Text(
        "Vi behandler opplysningene som databehandler for {name} og varsler dere uten ugrunnet opphold "
        "(personvernforordningen art. 33 nr. 2). Plikten til å melde avviket til Datatilsynet innen "
        "72 timer er den behandlingsansvarliges.",
        "We process the data as processor for {name} and notify you without undue delay (GDPR Art. 33(2)). "
        "The duty to notify Datatilsynet within 72 hours is the controller's."),
    "n.first": Text("Dette er første melding (foreløpig). Meldingen kan suppleres i flere omganger etter "
                    "hvert som vi får vite mer (art. 33 nr. 4).",
                    "This is the first report. It may be supplemented in phases as we learn more "
                    "(Art. 33(4))."),
    "n.phase": Text("Dette er en tilleggsmelding (fase {phase}) til tidligere melding; den kan suppleres "
                    "videre (art. 33 nr. 4).",
                    "This is a supplementary report (phase {phase}) to the earlier report; it may be "
                    "supplemented further (Art. 33(4))."),
    "n.earlier": Text("Tidligere melding: {at}, referanse {ref}", "Earlier report: {at}, reference {ref}"),
    "n.deadline": Text("**Frist for melding:** {at}", "**Deadline for notification:** {at}"),
    "s.description": Text("1. Beskrivelse av avviket", "1. Description of the breach"),
    "f.what": Text("Hva skjedde (hovedårsak)", "What happened (main cause)"),
    "f.period": Text("Periode", "Period"),
    "f.period_value": Text("fra {start} til {end} (da vi ble kjent med det)",
                           "from {start} to {end} (when we became aware)"),
    "f.discovered": Text("Oppdaget", "Discovered"),
    "f.types": Text("Type brudd", "Type of breach"),
    "f.subjects": Text("Antall berørte personer (omtrentlig)", "Number of data subjects affected (approximate)"),
    "f.records": Text("Antall berørte registreringer (omtrentlig)",
                      "Number of personal data records affected (approximate)"),
    "f.categories": Text("Typer personopplysninger", "Types of personal data"),
    "f.special": Text("Særlige kategorier personopplysninger (art. 9 og 10)",
                      "Special categories of personal data (Art. 9 and 10)"),
    "f.processor": Text("Databehandler involvert", "Processor involved"),
    "f.where": Text("Hvor opplysningene er nå", "Where the data are now"),
    "f.added": Text("Opplysninger lagt til senere", "Information added later"),
    "s.consequences": Text("2. Sannsynlige konsekvenser", "2. Likely consequences"),
    "f.severity": Text("Alvorlighet etter ENISA-metoden: {score} ({level})",
                       "Severity by the ENISA method: {score} ({level})"),
    "f.not_assessed": Text("Alvorlighet etter ENISA-metoden: ikke vurdert ennå",
                           "Severity by the ENISA method: not assessed yet"),
    "s.measures": Text("3. Tiltak som er iverksatt og planlagt", "3. Measures taken and planned"),
    "s.information": Text("4. Informasjon til de berørte", "4. Information to those affected"),
    "i.undecided": Text("Om de registrerte skal varsles er ikke avgjort ennå.",
                        "Whether the data subjects are to be told has not been decided yet."),
    "i.yes": Text("Ja, de registrerte varsles direkte (art. 34).", "Yes, the data subjects are told directly (Art. 34)."),
    "i.sent": Text("Varslet {at}: {ref}", "Told {at}: {ref}"),
    "i.pending": Text("Varselet er ikke sendt ennå.", "The communication has not been sent yet."),
    "i.no": Text("Nei, de registrerte varsles ikke.", "No, the data subjects are not told."),
    "i.unintelligible": Text("Opplysningene er uforståelige for uvedkommende (f.eks. sterkt kryptert), "
                             "art. 34 nr. 3 bokstav a.",
                             "The data are unintelligible to anyone not authorised (e.g. strongly "
                             "encrypted), Art. 34(3)(a)."),
    "i.reason": Text("Begrunnelse: {reason}", "Reason: {reason}"),
    "s.contact": Text("5. Kontaktopplysninger (personvernkontakt)", "5. Contact details (privacy contact point)"),
    "c.org": Text("Virksomhet", "Organisation"), "c.name": Text("Kontaktperson", "Contact person"),
    "c.email": Text("E-post", "Email"), "c.phone": Text("Telefon", "Phone"),
    "s.timing": Text("6. Tidspunkt for meldingen", "6. Timing of the notification"),
    "t.in_time": Text("Meldingen gis innen fristen.", "The notification is made within the deadline."),
    "t.late": Text("Meldingen gis **etter fristen** ({deadline}).",
                   "The notification is made **after the deadline** ({deadline})."),
    "t.reason": Text("Årsak til forsinkelsen (art. 33 nr. 1): {reason}",
                     "Reasons for the delay (Art. 33(1)): {reason}"),
    "t.reason_missing": Text("ikke kjent ennå – må fylles ut før meldingen sendes",
                             "not known yet – must be filled in before sending"),
    # the letter to data subjects
    "l.title": Text("Informasjon om et brudd på sikkerheten for personopplysninger om deg",
                    "Information about a breach of the security of your personal data"),
    "l.hello": Text("Til deg som er berørt", "To those affected"),
    "l.intro": Text("Vi i {org} skriver for å fortelle deg om et sikkerhetsbrudd (avvik) som gjelder "
                    "opplysninger om deg. Vi beklager det som har skjedd.",
                    "We at {org} are writing to tell you about a security breach that concerns "
                    "information about you. We are sorry that this has happened."),
    "l.on_behalf": Text("Vi behandler opplysningene på vegne av {name}, som er ansvarlig for dem.",
                        "We process the data on behalf of {name}, who is responsible for them."),
    "l.what": Text("Hva har skjedd?", "What happened?"),
    "l.when": Text("Vi ble kjent med det {aware}.", "We became aware of it on {aware}."),
    "l.data": Text("Opplysningene det gjelder: {categories}.", "The information concerned: {categories}."),
    "l.consequences": Text("Hva kan dette bety for deg?", "What could this mean for you?"),
    "l.measures": Text("Hva har vi gjort?", "What have we done?"),
    "l.you": Text("Hva kan du gjøre?", "What can you do?"),
    "l.contact": Text("Spørsmål?", "Questions?"),
    "l.contact_text": Text("Kontakt oss hvis du har spørsmål om dette:", "Contact us if you have questions about this:"),
    "l.complain": Text("Du har også rett til å klage til Datatilsynet (www.datatilsynet.no).",
                       "You also have the right to complain to Datatilsynet, the Norwegian Data Protection "
                       "Authority (www.datatilsynet.no)."),
    # the breach record
    "r.trail_head": Text("Revisjonssporet ved utskrift: oppføring {seq}, hash `{hash}`.",
                         "Audit trail when printed: entry {seq}, hash `{hash}`."),
    "r.title": Text("Avviksprotokoll (personvernforordningen art. 33 nr. 5)", "Breach record (GDPR Art. 33(5))"),
    "r.made": Text("Laget {now}. {n} avvik, meldt eller ikke.", "Made {now}. {n} breaches, notified or not."),
    "r.timeline": Text("Tidslinje", "Timeline"),
    "r.summary": Text("Erfaringer", "Lessons learned"),
    "r.in_time": Text("i tide", "in time"), "r.late": Text("for sent", "late"),
    "r.phase": Text("fase {n}", "phase {n}"),
}
ADVICE = {
    None: Text("Vær ekstra på vakt mot e-post, SMS og telefoner som ber om opplysninger, passord eller betaling, "
               "særlig om de viser til denne hendelsen.",
               "Be extra careful with emails, text messages and calls that ask for information, passwords or "
               "payment, especially if they refer to this incident."),
    "credentials": Text("Bytt passordet ditt, og bytt det også andre steder der du har brukt det samme passordet.",
                        "Change your password, and change it anywhere else you have used the same password."),
    "financial": Text("Følg med på kontoutskriftene dine og kontakt banken din hvis du ser noe du ikke kjenner igjen.",
                      "Keep an eye on your bank statements and contact your bank if you see anything you do "
                      "not recognise."),
    "national_id": Text("Fødselsnummeret kan misbrukes til identitetstyveri. Du kan sperre for kredittvurdering "
                        "(kredittsperre) og følge med på brev om lån eller kreditt du ikke har søkt om.",
                        "A national identity number can be misused for identity theft. You can block credit "
                        "checks (kredittsperre) and watch for letters about loans or credit you did not apply for."),
}
SENSITIVE_ADVICE = Text("Opplysningene er særlig følsomme. Ta kontakt med oss hvis du er bekymret, så hjelper vi deg.",
                        "The information is especially sensitive. Contact us if you are worried, and we will help.")
CATEGORIES = {
    "contact": Text("kontaktopplysninger (navn, adresse, telefon, e-post)",
                    "contact details (name, address, phone, email)"),
    "identity": Text("identitetsopplysninger (fødselsdato, kjønn)", "identity data (date of birth, gender)"),
    "membership": Text("medlemskap, verv og deltakelse", "membership, roles and attendance"),
    "credentials": Text("brukernavn og passord", "usernames and passwords"),
    "images": Text("bilder", "images"),
    "communications": Text("innhold i meldinger", "contents of messages"),
    "location": Text("lokasjonsdata", "location data"),
    "behaviour": Text("atferd og preferanser", "behaviour and preferences"),
    "national_id": Text("fødselsnummer", "national identity numbers (fødselsnummer)"),
    "financial": Text("økonomiske opplysninger (konto, betalinger, kort)", "financial data (account, payments, card)"),
    "health": Text("helseopplysninger", "health data"),
    "special_category": Text("særlige kategorier personopplysninger (art. 9)",
                             "special categories of personal data (Art. 9)"),
    "criminal": Text("opplysninger om straffedommer og lovovertredelser (art. 10)",
                     "data on criminal convictions and offences (Art. 10)"),
}
BREACH_TYPES = {
    "confidentiality": Text("konfidensialitet (sett av noen som ikke skulle se dem)",
                            "confidentiality (seen by someone who should not have seen them)"),
    "integrity": Text("integritet (endret)", "integrity (changed)"),
    "availability": Text("tilgjengelighet (tapt eller utilgjengelige)", "availability (lost or unavailable)"),
}
LABELS = {
    "low": Text("lav", "low"), "medium": Text("middels", "medium"), "high": Text("høy", "high"),
    "very_high": Text("svært høy", "very high"),
    "open": Text("åpen", "open"), "assessed": Text("vurdert", "assessed"), "notified": Text("meldt", "notified"),
    "closed": Text("lukket", "closed"),
    "controller": Text("behandlingsansvarlig", "controller"), "processor": Text("databehandler", "processor"),
    "authority": Text("Datatilsynet", "Datatilsynet"), "subjects": Text("de registrerte", "data subjects"),
    "logged": Text("registrert", "logged"), "added": Text("opplysninger lagt til", "information added"),
    "decided": Text("beslutning om varsling", "notification decided"),
}
EVENT_LABELS = {**LABELS, "assessed": Text("vurdert (ENISA)", "assessed (ENISA)"),
                "notified": Text("varslet", "notified"), "closed": Text("lukket", "closed")}
COLUMNS = {
    "id": Text("Nr.", "No."), "title": Text("Tittel", "Title"), "status": Text("Status", "Status"),
    "aware_at": Text("Oppdaget", "Became aware"), "deadline": Text("Frist", "Deadline"),
    "acting_as": Text("Rolle", "Acting as"), "notify_to": Text("Meldes til", "Notify"),
    "categories": Text("Typer personopplysninger", "Types of personal data"),
    "subjects": Text("Berørte personer", "Data subjects affected"),
    "records": Text("Berørte registreringer", "Records affected"),
    "severity": Text("Alvorlighet (ENISA)", "Severity (ENISA)"), "decision": Text("Beslutning", "Decision"),
    "notifications": Text("Meldinger", "Notifications"), "in_time": Text("Meldt i tide", "Notified in time"),
    "closed_at": Text("Lukket", "Closed"), "summary": Text("Erfaringer", "Lessons learned"),
}
