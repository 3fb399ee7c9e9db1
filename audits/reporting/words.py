"""The words of the weekly review, the board summary and the audit reports."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "review.title": Text("Ukentlig gjennomgang", "Weekly review"),
    "review.explain": Text(
        "Alt som venter på en beslutning, det mest hastende først: åpne og gjenåpnede funn etter "
        "alvorlighet, avvik der 72-timersfristen løper (kritisk når fristen er passert, høy innen 24 timer), "
        "databehandleravtaler som utløper snart, og aksepterte risikoer som skal vurderes på nytt. Hver "
        "beslutning loggføres.",
        "Everything that wants a decision, most urgent first: open and reopened findings by severity, "
        "breaches whose 72-hour clock is running (critical past the deadline, high within 24 hours), "
        "processor agreements about to expire, and accepted risks due for another look. Every decision "
        "is recorded."),
    "review.tab.queue": Text("Køen", "The queue"),
    "review.tab.week": Text("Denne uken", "This week"),
    "review.area": Text("Område", "Area"),
    "review.kind": Text("Type", "Kind"),
    "review.kind.finding": Text("funn", "finding"),
    "review.kind.breach": Text("avvik", "breach"),
    "review.kind.agreement": Text("avtale", "agreement"),
    "review.kind.request": Text("henvendelse", "request"),
    "review.item.request": Text("Henvendelse {subject} fra en registrert, {kind}: svarfrist {due}",
                                "Data-subject request {subject}, {kind}: answer due {due}"),
    "review.all": Text("alle", "all"),
    "review.total": Text("Saker i køen", "Items in the queue"),
    "review.empty": Text("Ingenting venter på en beslutning.", "Nothing waits for a decision."),
    "review.item": Text("Sak", "Item"),
    "review.item.breach": Text("Avvik {subject}: fristen for melding er {due}",
                               "Breach {subject}: notification due {due}"),
    "review.item.agreement": Text("Databehandleravtalen med {subject} utløper {due}",
                                  "The processor agreement with {subject} expires {due}"),
    "review.status.open": Text("ny", "new"),
    "review.status.acknowledged": Text("kvittert", "acknowledged"),
    "review.status.risk_accepted": Text("akseptert, til ny vurdering", "accepted, due for review"),
    "review.assignee": Text("Tildelt", "Assigned to"),
    "review.assigned_to": Text("tildelt {who}", "assigned to {who}"),
    "review.due": Text("Frist", "Due"),
    "review.more": Text("Viser de {shown} mest hastende av {total}.", "Showing the {shown} most urgent of {total}."),
    "review.decide": Text("Beslutt", "Decide"),
    "review.all_shown": Text("Alle {n} viste ({kind})", "All {n} shown ({kind})"),
    "review.choose": Text("Saker", "Items"),
    "review.action": Text("Beslutning", "Decision"),
    "review.action.acknowledged": Text("kvitter", "acknowledge"),
    "review.action.assigned": Text("tildel", "assign"),
    "review.action.resolved": Text("løst", "resolve"),
    "review.action.risk_accepted": Text("aksepter risikoen", "accept the risk"),
    "review.past.acknowledged": Text("kvittert", "acknowledged"),
    "review.past.assigned": Text("tildelt", "assigned"),
    "review.past.resolved": Text("løst", "resolved"),
    "review.past.risk_accepted": Text("risiko akseptert", "risk accepted"),
    "review.note": Text("Notat", "Note"),
    "review.note_help": Text("Hva som ble gjort (løst), eller hvorfor risikoen aksepteres.",
                             "What was done (resolve), or why the risk is accepted."),
    "review.review_on": Text("Ny vurdering", "Review on"),
    "review.apply": Text("Lagre beslutningen", "Record the decision"),
    "review.decided": Text("{n} saker: {action}.", "{n} items: {action}."),
    "review.since": Text("Endringer siden forrige gjennomgang, {since}.", "Changes since the last review, {since}."),
    "review.since_week": Text("Ingen gjennomgang holdt ennå: endringer de siste sju dagene.",
                              "No review held yet: changes in the last seven days."),
    "review.change": Text("Endring", "Change"),
    "review.change.new": Text("Nye funn", "New findings"),
    "review.change.reopened": Text("Gjenåpnet", "Reopened"),
    "review.change.closed": Text("Lukket av Vern", "Closed by Vern"),
    "review.breaches_logged": Text("Avvik meldt", "Breaches logged"),
    "review.when": Text("Når", "When"),
    "review.by": Text("Av", "By"),
    "review.decisions": Text("Beslutninger", "Decisions"),
    "review.no_decisions": Text("Ingen beslutninger i perioden.", "No decisions in the period."),
    "review.hold": Text("Ukens gjennomgang er ferdig", "This week's review is done"),
    "review.held": Text("Gjennomgangen er registrert.", "The review is recorded."),
    "review.digest_download": Text("Last ned ukesammendraget (Markdown)", "Download the weekly digest (Markdown)"),
    "review.digest.title": Text("Vern – ukesammendrag", "Vern – weekly digest"),
    "review.digest.when": Text("Laget {now} (Oslo). Endringer siden {since}.", "Made {now} (Oslo). Changes since {since}."),
    "review.digest.queue": Text("Køen: {n} saker", "The queue: {n} items"),
    "review.digest.top": Text("De {n} mest hastende", "The {n} most urgent"),
    "review.digest.week": Text("Denne uken", "This week"),
    "review.digest.changes": Text("{new} nye funn, {reopened} gjenåpnet, {closed} lukket av Vern, {breaches} avvik meldt.",
                                  "{new} new findings, {reopened} reopened, {closed} closed by Vern, {breaches} breaches logged."),
    "review.digest.no_decisions": Text("Ingen beslutninger siden forrige gjennomgang.",
                                       "No decisions since the last review."),
    "board.title": Text("Styrerapport: personvern", "Board summary: privacy"),
    "board.explain": Text("Bare samlede tall: ingen navn, titler eller fritekst.",
                          "Aggregates only: no names, titles or free text."),
    "board.as_of": Text("Per {at} (Oslo-tid)", "As of {at} (Oslo time)"),
    "board.summary": Text("Sammendrag", "Summary"),
    "board.scores": Text("Samsvar per område (0–100)", "Compliance score per area (0–100)"),
    "board.method_title": Text("Slik regnes poengene", "How the score is computed"),
    "board.method": Text(
        "Hvert område starter på 100 poeng. For hvert funn som fortsatt krever arbeid (åpent eller kjent – "
        "ikke løst, risikoakseptert eller lukket) trekkes 25 poeng når det er kritisk, 10 når det er høyt, "
        "4 når det er middels og 1 når det er lavt; lavest er 0. Områdene er kontrollenes områder. For avvik "
        "trekkes 25 for hvert avvik som har passert fristen uten pliktig varsel, 10 for hvert som ble varslet "
        "for sent de siste 12 månedene, 4 for hvert som venter på varsel innenfor fristen, og 1 for hvert "
        "annet åpent avvik (hvert avvik én gang, der det veier mest). Utviklingen bruker samme regel ved "
        "utgangen av hver måned, på funnenes historikk (åpnet, lukket, beslutninger) og avvikenes "
        "tidspunkter; siste punkt er i dag.",
        "Each area starts at 100 points. Every finding that still wants work (open or acknowledged – not "
        "resolved, risk-accepted or closed) takes off 25 points when critical, 10 when high, 4 when medium "
        "and 1 when low; the lowest score is 0. The areas are those of the checks. For breaches, each breach "
        "past its deadline without the notification it owes takes off 25, each notified late in the last "
        "12 months 10, each awaiting notification within its deadline 4, and each other open breach 1 "
        "(each breach once, where it weighs most). The trend applies the same rule at the end of each month "
        "to the findings' history (opened, closed, decisions) and the breaches' dates; the last point is "
        "today."),
    "board.col.area": Text("Område", "Area"),
    "board.col.score": Text("Poeng", "Score"),
    "board.col.open": Text("Det som trekker ned", "What counts against it"),
    "board.state.overdue": Text("over fristen", "past the deadline"),
    "board.state.late": Text("varslet for sent", "notified late"),
    "board.state.awaiting": Text("venter på varsel", "awaiting notification"),
    "board.state.open": Text("ellers åpne", "otherwise open"),
    "board.failed_runs": Text(
        "Kontroller som feilet siste kjøring: {n}. Poengene deres bygger på funnene fra tidligere kjøringer.",
        "Checks whose last run failed: {n}. Their scores rest on the findings of earlier runs."),
    "board.trend": Text("Utvikling siste 12 måneder", "Trend over the last 12 months"),
    "board.trend_explain": Text(
        "Poeng ved utgangen av hver måned, regnet fra funnenes historikk og avvikenes tidspunkter.",
        "Scores at the end of each month, from the findings' history and the breaches' dates."),
    "board.breaches": Text("Avvik", "Breaches"),
    "board.per_quarter": Text("Avvik per kvartal etter alvorlighet", "Breaches per quarter by severity"),
    "board.quarter": Text("{q}. kv. {year}", "Q{q} {year}"),
    "board.this_quarter": Text("Avvik dette kvartalet", "Breaches this quarter"),
    "board.open": Text("Åpne avvik", "Open breaches"),
    "board.overdue": Text("Over fristen uten varsel", "Past the deadline, not notified"),
    "board.within_72h": Text("Meldt innen 72 timer (12 mnd.)", "Notified within 72 hours (12 months)"),
    "board.breaches_explain": Text(
        "Meldt innen 72 timer: av avvikene der vi er behandlingsansvarlig og fristen for å melde til "
        "Datatilsynet falt de siste 12 månedene, andelen som ble meldt i tide. Et avvik som er over fristen "
        "uten melding, teller som ikke meldt i tide. Over fristen uten varsel: avvik som nå er over fristen "
        "for pliktig varsel, til Datatilsynet eller, når vi er databehandler, til den behandlingsansvarlige.",
        "Notified within 72 hours: of the breaches where we are the controller and the deadline for "
        "notifying Datatilsynet fell in the last 12 months, the share notified in time. A breach past the "
        "deadline without a notification counts as not notified in time. Past the deadline, not notified: "
        "breaches now past the deadline for the notice they owe, to Datatilsynet or, where we are the "
        "processor, to the controller."),
    "board.level.unassessed": Text("ikke vurdert", "not assessed"),
    "board.key_figures": Text("Nøkkeltall", "Key figures"),
    "board.training": Text("Opplæringsdekning", "Training coverage"),
    "board.training_trend": Text("Opplæringsdekning per måned", "Training coverage by month"),
    "board.training_trend_one": Text("Opplæringsdekning målt i {month}", "Training coverage measured in {month}"),
    "board.agreements": Text("Databehandleravtaler i orden", "Processor agreements in order"),
    "board.retention": Text("Poster over lagringstiden", "Records past their retention"),
    "board.percent": Text("{n} %", "{n}%"),
    "board.download": Text("Last ned styrerapporten (PDF)", "Download the board summary (PDF)"),
    "board.file_name": Text("styrerapport", "board-summary"),
    "board.say.weakest": Text("Svakeste område er {area}, med {score} av 100 poeng.",
                              "The weakest area is {area}, at {score} of 100 points."),
    "board.say.all_full": Text("Alle områder har 100 av 100 poeng.", "Every area scores 100 of 100."),
    "board.say.verified_full": Text("De andre områdene har 100 av 100 poeng.", "The other areas score 100 of 100."),
    "board.say.unverified": Text(
        "Ikke verifisert: {areas}. Kilden Vern henter bevisene fra har feilet eller ikke gitt noe nytt, "
        "så {n:området|områdene} får ingen poengsum før den leverer igjen.",
        "Not verified: {areas}. The source Vern pulls the evidence from has failed or brought nothing new, "
        "so {n:the area gets|the areas get} no score until it delivers again."),
    "board.not_verified": Text("ikke verifisert", "not verified"),
    "board.say.quarter": Text(
        "Avvik registrert dette kvartalet: {n}, herav {serious} med høy eller svært høy alvorlighet.",
        "Breaches logged this quarter: {n}, of which {serious} of high or very high severity."),
    "board.say.overdue": Text("Avvik over fristen uten pliktig varsel: {n}.",
                              "Breaches past their deadline without the notification they owe: {n}."),
    "board.say.within": Text(
        "Meldt til Datatilsynet innen 72 timer, av avvikene med meldefrist de siste 12 månedene: {within} av {n} "
        "({share}).",
        "Notified to Datatilsynet within 72 hours, of the breaches with a notification deadline in the last "
        "12 months: {within} of {n} ({share})."),
    "board.say.within_none": Text("Ingen avvik hadde frist for melding til Datatilsynet de siste 12 månedene.",
                                  "No breach had a deadline for notifying Datatilsynet in the last 12 months."),
    "board.say.training": Text("Opplæringsdekning: {share} ({covered} av {required} som trenger opplæring).",
                               "Training coverage: {share} ({covered} of {required} who need it)."),
    "board.say.training_none": Text("Opplæringskontrollen har ikke kjørt ennå.",
                                    "The training check has not run yet."),
    "board.say.agreements": Text(
        "Databehandleravtaler i orden (signert, gyldig og gjennomgått): {n} av {total}.",
        "Processor agreements in order (signed, current and reviewed): {n} of {total}."),
    "board.say.retention": Text("Poster lagret lenger enn lagringstiden: {n}, i {systems} {systems:system|systemer}.",
                                "Records kept past their retention: {n}, in {systems} {systems:system|systems}."),
    "board.say.retention_none": Text("Ingen poster er lagret lenger enn lagringstiden.",
                                     "No record is kept past its retention."),
    "audit.title": Text("Revisjonsrapporter", "Audit reports"),
    "audit.explain": Text(
        "Et datert øyeblikksbilde av hele etterlevelsen – kontrollene, åpne funn, avvikene og fristene "
        "deres, registrene – lagret uforanderlig med revisjonssporets hode og SHA-256 av rapporten, "
        "så en senere kopi kan kontrolleres.",
        "A dated snapshot of the whole compliance state – the checks, open findings, breaches and their "
        "deadlines, the registers – stored immutably with the audit-trail head and the report's SHA-256, "
        "so a later copy can be verified."),
    "audit.since": Text("Avvik fra og med", "Breaches from"),
    "audit.create": Text("Lag revisjonsrapport nå", "Create an audit now"),
    "audit.created": Text("Revisjon {id} er lagret. SHA-256: {sha}", "Audit {id} is stored. SHA-256: {sha}"),
    "audit.past": Text("Tidligere revisjoner", "Past audits"),
    "audit.empty": Text("Ingen revisjoner ennå.", "No audits yet."),
    "audit.col.id": Text("Nr.", "No."),
    "audit.col.created": Text("Laget (Oslo)", "Created (Oslo)"),
    "audit.col.period": Text("Periode", "Period"),
    "audit.col.trail_head": Text("Revisjonsspor (hode)", "Trail head"),
    "audit.col.sha": Text("SHA-256 (PDF)", "SHA-256 (PDF)"),
    "audit.col.verified": Text("Kontrollert", "Verified"),
    "audit.problems": Text("Revisjon {id} stemmer ikke: {problems}", "Audit {id} does not verify: {problems}"),
    "audit.choose": Text("Velg revisjon", "Choose an audit"),
    "audit.option": Text("Revisjon {id} – {when}", "Audit {id} – {when}"),
    "audit.download": Text("Last ned PDF", "Download the PDF"),
    "audit.diff": Text("Endret siden forrige revisjon ({before})", "What changed since the previous audit ({before})"),
    "audit.diff.first": Text("Dette er den første revisjonen: det er ingenting å sammenligne med.",
                             "This is the first audit: there is nothing to compare it with."),
    "audit.diff.open": Text("Åpne funn", "Open findings"),
    "audit.diff.new": Text("Nye funn ({n})", "New findings ({n})"),
    "audit.diff.gone": Text("Funn som er borte ({n})", "Findings gone ({n})"),
    "audit.diff.status": Text("Funn med endret status ({n})", "Findings whose status changed ({n})"),
    "audit.diff.checks": Text("Kontroller med endret status", "Checks whose status changed"),
    "audit.diff.breaches": Text("Nye avvik", "Breaches added"),
    "audit.diff.breaches_changed": Text("Avvik med endret status", "Breaches whose status changed"),
    "audit.diff.registers": Text("Endringer i registrene", "Changes in the registers"),
    "audit.diff.none": Text("Ingen endringer.", "Nothing changed."),
    "audit.diff.before": Text("Før", "Before"),
    "audit.diff.after": Text("Etter", "After"),
    "audit.diff.register": Text("Register", "Register"),
    "audit.diff.key": Text("Tall", "Figure"),
    "audit.verify": Text("Kontroller en rapport", "Verify a report"),
    "audit.verify_upload": Text("Last opp en revisjonsrapport (PDF)", "Upload an audit report (PDF)"),
    "audit.verify_ok": Text(
        "Filen er revisjon {id}, laget {when} av {actor}, revisjonssporets hode {seq} ({hash}). "
        "Den stemmer med den lagrede rapporten og revisjonssporet.",
        "The file is audit {id}, created {when} by {actor}, trail head {seq} ({hash}). "
        "It agrees with the stored report and the audit trail."),
    "audit.verify_none": Text(
        "Filen stemmer ikke med noen lagret revisjon: den er endret, eller kommer fra en annen Vern.",
        "The file matches no stored audit: it was changed, or comes from another Vern."),
    "audit.verify_problems": Text("Filen er revisjon {id}, men den stemmer ikke med revisjonssporet: {problems}",
                                  "The file is audit {id}, but it disagrees with the audit trail: {problems}"),
    "audit.doc.title": Text("Revisjonsrapport", "Audit report"),
    "audit.doc.organisation": Text("Virksomhet", "Organisation"),
    "audit.doc.not_set": Text("ikke oppgitt i konfigurasjonen", "not set in the configuration"),
    "audit.doc.created": Text("Laget", "Created"),
    "audit.doc.period": Text("Periode", "Period"),
    "audit.doc.trail_intact": Text("Revisjonssporet var intakt da rapporten ble laget ({n} oppføringer kontrollert).",
                                   "The audit trail was intact when the report was made ({n} entries verified)."),
    "audit.doc.trail_broken": Text("**Revisjonssporet var brutt** etter {n} intakte oppføringer: {problem}",
                                   "**The audit trail was broken** after {n} intact entries: {problem}"),
    "audit.doc.summary": Text("Sammendrag", "Summary"),
    "audit.doc.open_findings": Text("Åpne funn: {n}", "Open findings: {n}"),
    "audit.doc.breaches_line": Text(
        "Avvik oppdaget i perioden: {n}; varslet i tide {on_time}, for sent {late}, over fristen uten varsel "
        "{overdue}; åpne {open}",
        "Breaches noticed in the period: {n}; notified in time {on_time}, late {late}, past the deadline "
        "without notice {overdue}; open {open}"),
    "audit.doc.checks_line": Text("Kontroller: {n} installert, {failed} feilet ved siste kjøring, {never} aldri kjørt",
                                  "Checks: {n} installed, {failed} failed at their last run, {never} never run"),
    "audit.doc.checks": Text("Kontroller – siste kjøring", "Checks – last run"),
    "audit.doc.never_run": Text("aldri kjørt", "never run"),
    "audit.doc.run_line": Text("kjøring {id} {status}, startet {started}; {evidence} bevisrader, {findings} funn",
                               "run {id} {status}, started {started}; {evidence} evidence rows, {findings} findings"),
    "audit.doc.error_type": Text("(feil: {kind})", "(error: {kind})"),
    "audit.doc.disabled": Text("slått av", "disabled"),
    "audit.doc.findings": Text("Åpne funn", "Open findings"),
    "audit.doc.by_area": Text("Etter område", "By area"),
    "audit.doc.by_severity": Text("Etter alvorlighet", "By severity"),
    "audit.doc.finding_list": Text("Funnene", "The findings"),
    "audit.doc.since": Text("siden {day}", "since {day}"),
    "audit.doc.no_findings": Text("Ingen åpne funn.", "No open findings."),
    "audit.doc.breaches": Text("Avvik", "Breaches"),
    "audit.doc.breaches_scope": Text(
        "Avvik oppdaget i perioden, og eldre avvik som fortsatt er åpne. Fristen er 72 timer fra vi ble klar "
        "over avviket (art. 33(1)); som databehandler varsles den behandlingsansvarlige uten ugrunnet opphold "
        "(art. 33(2)). Ingen fritekst er tatt med.",
        "Breaches noticed in the period, and older ones still open. The deadline is 72 hours from becoming "
        "aware (Art. 33(1)); as processor the controller is told without undue delay (Art. 33(2)). No free "
        "text is included."),
    "audit.doc.breach": Text("Avvik {id}", "Breach {id}"),
    "audit.doc.aware": Text("oppdaget {at}", "aware {at}"),
    "audit.doc.deadline": Text("frist {at}", "deadline {at}"),
    "audit.doc.acting_as.controller": Text("som behandlingsansvarlig", "as controller"),
    "audit.doc.acting_as.processor": Text("som databehandler", "as processor"),
    "audit.doc.severity": Text("alvorlighet {level}", "severity {level}"),
    "audit.doc.not_assessed": Text("ikke vurdert", "not assessed"),
    "audit.doc.notified": Text("varslet {at} ({timeliness})", "notified {at} ({timeliness})"),
    "audit.doc.timeliness.on_time": Text("i tide", "in time"),
    "audit.doc.timeliness.late": Text("for sent", "late"),
    "audit.doc.timeliness.overdue": Text("**ikke varslet, fristen er passert**", "**not notified, past the deadline**"),
    "audit.doc.timeliness.running": Text("ikke varslet ennå, fristen løper", "not notified yet, the clock is running"),
    "audit.doc.timeliness.not_required": Text("varsling ikke påkrevd etter vurdering",
                                              "notification not required, as decided"),
    "audit.doc.delay_reason_given": Text("begrunnelse for forsinkelsen gitt", "reasons for the delay given"),
    "audit.doc.delay_reason_missing": Text("**ingen begrunnelse for forsinkelsen**", "**no reasons for the delay**"),
    "audit.doc.subjects_notified": Text("de registrerte varslet {at}", "data subjects told {at}"),
    "audit.doc.no_breaches": Text("Ingen avvik i perioden.", "No breaches in the period."),
    "audit.doc.registers": Text("Registre", "Registers"),
    "audit.doc.processors": Text(
        "Databehandlere: {count}; databehandleravtale mangler {agreement_missing}, utløpt {agreement_expired}; "
        "overfører utenfor EØS {outside_eea}",
        "Processors: {count}; processor agreement missing {agreement_missing}, expired {agreement_expired}; "
        "transferring outside the EEA {outside_eea}"),
    "audit.doc.activities": Text(
        "Behandlingsaktiviteter: {count}; DPIA påkrevd {dpia_required}, av dem fullført {dpia_required_completed}",
        "Processing activities: {count}; DPIA required {dpia_required}, of them completed {dpia_required_completed}"),
    "audit.doc.systems": Text("Systemer: {count}, {holding_personal_data} med personopplysninger",
                              "Systems: {count}, {holding_personal_data} holding personal data"),
    "audit.doc.people": Text("Personer i katalogen: {count}", "People in the directory: {count}"),
    "audit.doc.training": Text("Opplæring: {covered} av {required} dekket ({percent} %), målt {at}",
                               "Training: {covered} of {required} covered ({percent}%), measured {at}"),
    "audit.doc.training_none": Text("Opplæring: ikke målt ennå (opplæringskontrollen har ikke kjørt)",
                                    "Training: not measured yet (the training check has not run)"),
    "audit.doc.retention": Text(
        "Lagringstid: {records} poster i {categories} kategorier i {systems} systemer; {overdue} over lagringstiden "
        "i {categories_overdue} kategorier (eldste forfalt {oldest_due}); {categories_without_rule} kategorier uten "
        "regel; {deletions} slettinger registrert, {deletions_not_confirmed} ikke bekreftet",
        "Retention: {records} records in {categories} categories of {systems} systems; {overdue} past their "
        "retention in {categories_overdue} categories (oldest due {oldest_due}); {categories_without_rule} "
        "categories without a rule; {deletions} deletions recorded, {deletions_not_confirmed} not confirmed"),
    "audit.doc.consent": Text(
        "Samtykke: {purposes} formål, {valid} gyldige samtykker, {withdrawn} trukket; {marketing_sends} "
        "markedsføringsutsendelser i {campaigns} kampanjer, {without_consent} uten samtykke, {after_opt_out} etter "
        "reservasjon",
        "Consent: {purposes} purposes, {valid} valid consents, {withdrawn} withdrawn; {marketing_sends} marketing "
        "sends in {campaigns} campaigns, {without_consent} without consent, {after_opt_out} after an opt-out"),
    "audit.doc.integrity": Text("Integritet", "Integrity"),
    "audit.doc.snapshot_sha": Text("SHA-256 av øyeblikksbildet", "SHA-256 of the snapshot"),
    "audit.doc.how_to_verify": Text(
        "Øyeblikksbildet (JSON) og denne PDF-en er lagret uforanderlig i Vern. SHA-256 av PDF-filen står i "
        "revisjonssporet (audit.run, revisjon {id}); kontroller en kopi med «vern audit verify FIL» eller på "
        "siden Revisjon.",
        "The snapshot (JSON) and this PDF are stored immutably in Vern. The SHA-256 of this PDF file is in the "
        "audit trail (audit.run, audit {id}); check a copy with “vern audit verify FILE” or on the Audit page."),
    "board.requests_explain": Text(
        "Personer som ber om innsyn, retting, sletting eller lignende skal få svar innen en måned, eller innen "
        "tre måneder når fristen er forlenget (art. 12 nr. 3). Et avslag er også et svar.",
        "People who ask for access, rectification, erasure and the like must be answered within a month, or "
        "within three months when the deadline is extended (Art. 12(3)). A refusal is an answer too."),
    "board.requests_on_time": Text("Besvart i tide (12 mnd.)", "Answered on time (12 months)"),
    "board.requests_late": Text("Besvart for sent (12 mnd.)", "Answered late (12 months)"),
    "board.requests_open": Text("Åpne henvendelser", "Open requests"),
    "board.requests_overdue": Text("Åpne over fristen", "Open past the deadline"),
    "board.requests_quarter": Text("{quarter}: {on_time} av {n} i tide", "{quarter}: {on_time} of {n} on time"),
    "board.requests_per_quarter": Text("Per kvartal", "Per quarter"),
    "board.say.requests": Text(
        "Henvendelser fra de registrerte besvart innen fristen de siste 12 månedene: {on_time} av {n} ({share}).",
        "Data-subject requests answered on time in the last 12 months: {on_time} of {n} ({share})."),
    "board.say.requests_none": Text("Ingen henvendelser fra de registrerte er besvart de siste 12 månedene.",
                                    "No data-subject request was answered in the last 12 months."),
    "board.say.backups_current": Text(
        "Sikkerhetskopiene er à jour: den siste ble tatt {made}, og en ble sist kontrollert ved prøvegjenoppretting {verified}.",
        "Backups are current: the last was taken on {made}, and one was last verified by a test restore on {verified}."),
    "board.say.backups_not_current": Text(
        "Sikkerhetskopiene er ikke à jour. Siste vellykkede: {made}. Siste kontrollerte: {verified}.",
        "Backups are not current. The last that succeeded: {made}. The last verified: {verified}."),
    "board.say.backups_file_gone": Text(
        "Sikkerhetskopiene er ikke à jour: filen til den siste, tatt {made}, er borte fra maskinen.",
        "Backups are not current: the file of the last, taken on {made}, is gone from the machine."),
    "board.say.requests_open": Text("Åpne henvendelser nå: {n}, herav {overdue} over fristen.",
                                    "Requests open now: {n}, of which {overdue} past the deadline."),
    "audit.doc.requests": Text(
        "Henvendelser fra de registrerte: {total} ({received} mottatt, {in_progress} under arbeid, {answered} "
        "besvart, {refused} avslått); besvart i perioden {answered_in_period}, av dem {on_time} innen fristen og "
        "{late} for sent; {open} åpne, av dem {overdue} over fristen",
        "Data-subject requests: {total} ({received} received, {in_progress} in progress, {answered} answered, "
        "{refused} refused); answered in the period {answered_in_period}, of them {on_time} on time and {late} "
        "late; {open} open, of them {overdue} past the deadline"),
    # a review decision refused (audits.reporting.review)
    "review.refused.not_item": Text("{item} er ikke en sak i gjennomgangen (finding:…, breach:…, agreement:… eller request:…)",
                                    "item {item}: not a review item (finding:…, breach:…, agreement:… or request:…)"),
    "review.refused.action": Text("handling: må være en av {allowed}", "action: must be one of {allowed}"),
    "review.refused.no_items": Text("Velg minst én sak.", "items: choose at least one item"),
    "review.refused.kinds": Text("Ta stilling til saker av én type om gangen ({kinds}).",
                                 "items: decide on items of one kind at a time ({kinds})"),
    "review.refused.no_note": Text("Skriv hva som ble gjort.", "note: say what was done"),
    "review.refused.risk": Text("Å akseptere en risiko krever en begrunnelse og en dato for ny vurdering.",
                                "note and review date: accepting a risk needs a reason and a date to review it"),
    "review.refused.assignment": Text("En tildeling krever både ansvarlig og frist.",
                                      "assignee and due date: an assignment needs both"),
    "review.refused.assignee": Text("Den ansvarlige er ikke en aktiv bruker.", "assignee: not an active user"),
    "review.refused.not_waiting": Text("{item} står ikke i køen (se vern review list)",
                                       "item {item}: not in the review queue (see vern review list)"),
    # audits refused, and what is wrong with a stored one (audits.reporting.audit_report)
    "audit.refused.future": Text("Fra-datoen {date} ligger fram i tid.", "since: {date} lies in the future"),
    "audit.refused.not_found": Text("finner ingen revisjon {id}", "audit {id}: not found"),
    "audit.refused.none_yet": Text("ingen revisjon ennå: vern audit run", "no audit yet: vern audit run"),
    "audit.refused.first": Text("revisjon {id} er den første: det finnes ingen tidligere å sammenligne med",
                                "audit {id} is the first: there is no earlier audit to compare it with"),
    "audit.refused.snapshot": Text("et lagret øyeblikksbilde er ikke gyldig JSON: kjør vern audit verify",
                                   "a stored snapshot is not valid JSON: run vern audit verify"),
    "audit.refused.unknown_file": Text(
        "{file}: stemmer ikke med noen lagret revisjonsrapport (sha256 {sha}): filen er endret, eller den kommer "
        "fra en annen Vern",
        "{file}: matches no stored audit report (sha256 {sha}): the file was changed, or it comes from another Vern"),
    "audit.refused.trail": Text("revisjonssporet er brutt etter {count} intakte oppføringer: {problem}",
                                "the audit trail is broken after {count} intact entries: {problem}"),
    "audit.problem.pdf": Text("den lagrede PDF-en stemmer ikke med sin SHA-256",
                              "the stored PDF does not match its SHA-256"),
    "audit.problem.snapshot": Text("det lagrede øyeblikksbildet stemmer ikke med sin SHA-256",
                                   "the stored snapshot does not match its SHA-256"),
    "audit.problem.entries": Text("sporet har {n} audit.run-{n:oppføring|oppføringer} for revisjon {id}, ikke én",
                                  "the trail holds {n} audit.run {n:entry|entries} for audit {id}, not one"),
    "audit.problem.entry": Text("den oppgir sporoppføring {named}, sporet registrerte den i oppføring {seq}",
                                "it names trail entry {named}, the trail recorded it in entry {seq}"),
    "audit.problem.pdf_recorded": Text("PDF-ens SHA-256 avviker fra den sporoppføring {seq} registrerte",
                                       "the PDF's SHA-256 differs from the one trail entry {seq} recorded"),
    "audit.problem.snapshot_recorded": Text(
        "øyeblikksbildets SHA-256 avviker fra den sporoppføring {seq} registrerte",
        "the snapshot's SHA-256 differs from the one trail entry {seq} recorded"),
    "audit.problem.head": Text("sporoppføring {seq}, hodet revisjonen så, er borte eller endret",
                               "trail entry {seq}, the head the audit saw, is gone or changed"),
}
