"""One translation catalogue: every word a person reads, in bokmål and English.

Checks bring the texts of their own rules as `Text` values (they travel with the check,
so an organisation's own check is bilingual too); everything else is keyed here.
"""

from dataclasses import dataclass

LANGUAGES = ("nb", "en")


@dataclass(frozen=True)
class Text:
    nb: str
    en: str

    def __call__(self, lang: str, **values) -> str:
        template = self.nb if lang == "nb" else self.en
        return template.format(**values) if values else template


CATALOGUE: dict[str, Text] = {
    # navigation and shell
    "app.title": Text("Vern – personvern og internkontroll", "Vern – privacy compliance"),
    "nav.overview": Text("Oversikt", "Overview"),
    "nav.findings": Text("Funn", "Findings"),
    "nav.processors": Text("Databehandlere", "Processors"),
    "nav.checks": Text("Kontroller", "Checks"),
    "nav.home": Text("Min side", "My page"),
    "nav.pseudonyms": Text("Pseudonymer", "Pseudonyms"),
    "nav.trail": Text("Revisjonsspor", "Audit trail"),
    "nav.users": Text("Brukere og nøkler", "Users and keys"),
    "sidebar.language": Text("Språk", "Language"),
    # sign-in
    "auth.title": Text("Logg inn i Vern", "Sign in to Vern"),
    "auth.username": Text("Brukernavn", "Username"),
    "auth.password": Text("Passord", "Password"),
    "auth.sign_in": Text("Logg inn", "Sign in"),
    "auth.sign_out": Text("Logg ut", "Sign out"),
    "auth.oidc": Text("Logg inn med organisasjonskonto", "Sign in with your organisation account"),
    "auth.signed_in_as": Text("Innlogget som {name} ({roles})", "Signed in as {name} ({roles})"),
    "auth.refused.wrong": Text("Feil brukernavn eller passord.", "Wrong username or password."),
    "auth.refused.locked": Text(
        "Kontoen er sperret i 15 minutter etter fem mislykkede forsøk.",
        "The account is locked for 15 minutes after five failed attempts."),
    "auth.refused.disabled": Text("Kontoen er deaktivert.", "The account is disabled."),
    "auth.idle": Text("Du ble logget ut etter 30 minutter uten aktivitet.",
                      "You were signed out after 30 minutes without activity."),
    "auth.no_role": Text("Kontoen din har ingen rolle i Vern. Spør administratoren.",
                         "Your account has no role in Vern. Ask the administrator."),
    "auth.no_users": Text(
        "Databasen har ingen brukere ennå. Opprett den første administratoren på serveren:",
        "This database has no users yet. Create the first administrator on the server:"),
    "auth.denied": Text("Du har ikke tilgang til denne siden. Forsøket er registrert.",
                        "You do not have access to this page. The attempt has been recorded."),
    "sidebar.now": Text("Tid (Oslo): {now}", "Time (Oslo): {now}"),
    # severities, statuses, areas
    "severity.low": Text("lav", "low"),
    "severity.medium": Text("middels", "medium"),
    "severity.high": Text("høy", "high"),
    "severity.critical": Text("kritisk", "critical"),
    "status.open": Text("åpen", "open"),
    "status.acknowledged": Text("kjent", "acknowledged"),
    "status.resolved": Text("løst", "resolved"),
    "status.risk_accepted": Text("risiko akseptert", "risk accepted"),
    "status.closed": Text("lukket", "closed"),
    "run.succeeded": Text("fullført", "succeeded"),
    "run.failed": Text("feilet", "failed"),
    "run.running": Text("kjører", "running"),
    "area.processors": Text("Databehandlere og overføringer", "Processors and transfers"),
    # roles and the home page
    "role.staff": Text("Ansatt/frivillig", "Staff"),
    "role.adviser": Text("Personvernrådgiver", "Privacy adviser"),
    "role.board": Text("Styret", "Board"),
    "role.admin": Text("Administrator", "Administrator"),
    "home.title": Text("Hei, {name}", "Hello, {name}"),
    "home.staff": Text("Du melder avvik og følger opp avvikene du selv har meldt.",
                       "You log breaches and follow up the ones you reported."),
    "home.adviser": Text("Du vurderer funn, avvik, registre og risiko.",
                         "You assess findings, breaches, registers and risk."),
    "home.board": Text("Du ser sammendrag av etterlevelsen, uten personopplysninger.",
                       "You see compliance summaries, without personal data."),
    "home.admin": Text("Du forvalter brukere, innstillinger og nøkler.",
                       "You manage users, settings and keys."),
    "home.breach": Text(
        "Har du sendt personopplysninger til feil mottaker, mistet en PC eller sett noe som ikke "
        "stemmer? Si fra til personvernrådgiveren med en gang – klokken for melding til "
        "Datatilsynet (72 timer) går fra vi blir klar over det.",
        "Sent personal data to the wrong person, lost a laptop, or seen something wrong? Tell "
        "the privacy adviser at once – the 72-hour clock for notifying Datatilsynet starts when "
        "we become aware."),
    # pseudonyms
    "pseudonyms.title": Text("Reidentifisering", "Re-identification"),
    "pseudonyms.explain": Text(
        "Personer i bevismaterialet er lagret som pseudonymer. Å finne personen bak er en bevisst "
        "handling som krever begrunnelse og registreres i revisjonssporet.",
        "People in the evidence are stored as pseudonyms. Finding the person behind one is a "
        "deliberate act that needs a reason and is recorded in the audit trail."),
    "pseudonyms.pseudonym": Text("Pseudonym", "Pseudonym"),
    "pseudonyms.reveal": Text("Vis personen", "Reveal the person"),
    "pseudonyms.recorded": Text("Registrert i revisjonssporet.", "Recorded in the audit trail."),
    # trail
    "trail.title": Text("Revisjonsspor", "Audit trail"),
    "trail.head": Text("Siste hash (head)", "Head hash"),
    "trail.verify": Text("Kontroller kjeden", "Verify the chain"),
    "trail.intact": Text("{count} oppføringer er intakte.", "{count} entries intact."),
    "trail.broken": Text("Kjeden er brutt etter {count} intakte oppføringer: {problem}",
                         "The chain is broken after {count} intact entries: {problem}"),
    "trail.action": Text("Handling", "Action"),
    "trail.object": Text("Objekt", "Object"),
    "trail.details": Text("Detaljer", "Details"),
    # users and keys
    "users.title": Text("Brukere og nøkler", "Users and keys"),
    "users.roles": Text("Roller", "Roles"),
    "users.active": Text("aktiv", "active"),
    "users.disabled": Text("deaktivert", "disabled"),
    "users.locked": Text("sperret", "locked"),
    "users.last_sign_in": Text("Sist innlogget", "Last sign-in"),
    "users.add": Text("Legg til bruker", "Add user"),
    "users.added": Text("Bruker {name} lagt til.", "User {name} added."),
    "users.change": Text("Endre bruker", "Change user"),
    "users.new_password": Text("Nytt passord (tomt: uendret)", "New password (empty: unchanged)"),
    "users.password_rule": Text("Minst 12 tegn.", "At least 12 characters."),
    "keys.title": Text("Nøkler", "Keys"),
    "keys.state": Text("Aktiv nøkkel: `{primary}` · alle: {keys} · fra: `{source}`",
                       "Primary key: `{primary}` · all: {keys} · from: `{source}`"),
    "keys.backup": Text(
        "Sikkerhetskopi = databasen OG nøkkelfilen. Uten nøkkelfilen kan de krypterte feltene "
        "aldri leses igjen.",
        "A backup is the database AND the key file. Without the key file the encrypted fields "
        "can never be read again."),
    "keys.rotate": Text("Roter nøkkel", "Rotate key"),
    # overview
    "overview.title": Text("Oversikt", "Overview"),
    "overview.open_findings": Text("Åpne funn", "Open findings"),
    "overview.failed_runs": Text("Feilede kjøringer (siste)", "Failed runs (latest)"),
    "overview.last_run": Text("Siste kjøring", "Last run"),
    "overview.next_run": Text("Neste kjøring", "Next run"),
    "overview.by_severity": Text("Åpne funn etter alvorlighet", "Open findings by severity"),
    "overview.by_area": Text("Åpne funn etter område", "Open findings by area"),
    "overview.no_findings": Text("Ingen åpne funn.", "No open findings."),
    "overview.failed_list": Text("Kontroller som feilet sist", "Checks whose last run failed"),
    "overview.all_ok": Text("Alle kontroller fullførte sist.", "Every check succeeded last time."),
    # findings
    "findings.title": Text("Funn", "Findings"),
    "findings.filter_status": Text("Status", "Status"),
    "findings.filter_severity": Text("Alvorlighet", "Severity"),
    "findings.filter_check": Text("Kontroll", "Check"),
    "findings.sort": Text("Sorter etter", "Sort by"),
    "findings.count": Text("{n} funn", "{n} findings"),
    "findings.none": Text("Ingen funn passer filteret.", "No findings match the filter."),
    "findings.pick": Text("Velg et funn", "Pick a finding"),
    "findings.detail": Text("Detaljer", "Detail"),
    "findings.why": Text("Hvorfor det betyr noe", "Why it matters"),
    "findings.remedy": Text("Hva du gjør", "What to do"),
    "findings.article": Text("Hjemmel", "Legal basis"),
    "findings.history": Text("Historikk", "History"),
    "findings.set_status": Text("Sett status", "Set status"),
    "findings.reason": Text("Begrunnelse", "Reason"),
    "findings.review_on": Text("Ny vurdering innen", "Review by"),
    "findings.save": Text("Lagre", "Save"),
    "findings.saved": Text("Status lagret.", "Status saved."),
    "findings.export": Text("Last ned som CSV", "Download as CSV"),
    "history.first_seen": Text("først sett", "first seen"),
    "history.seen_again": Text("sett igjen", "seen again"),
    "history.no_longer_seen": Text("ikke sett lenger", "no longer seen"),
    "col.severity": Text("Alvorlighet", "Severity"),
    "col.status": Text("Status", "Status"),
    "col.check": Text("Kontroll", "Check"),
    "col.rule": Text("Regel", "Rule"),
    "col.subject": Text("Gjelder", "Subject"),
    "col.message": Text("Funn", "Finding"),
    "col.first_seen": Text("Først sett", "First seen"),
    "col.last_seen": Text("Sist sett", "Last seen"),
    # processors
    "processors.title": Text("Databehandlere og overføringer", "Processors and transfers"),
    "processors.none": Text(
        "Registeret er tomt. Importer det med `vern import processors FIL.csv`.",
        "The register is empty. Import it with `vern import processors FILE.csv`.",
    ),
    "processors.outside_eea": Text("Utenfor EØS", "Outside the EEA"),
    "processors.count": Text("{n} databehandlere", "{n} processors"),
    "col.name": Text("Navn", "Name"),
    "col.service": Text("Tjeneste", "Service"),
    "col.countries": Text("Land", "Countries"),
    "col.mechanism": Text("Overføringsgrunnlag", "Transfer mechanism"),
    "col.dpf": Text("DPF-sertifisert", "DPF certified"),
    "col.dpa_signed_on": Text("Avtale signert", "Agreement signed"),
    "col.dpa_expires_on": Text("Avtale utløper", "Agreement expires"),
    "col.last_reviewed_on": Text("Sist gjennomgått", "Last reviewed"),
    "col.findings": Text("Åpne funn", "Open findings"),
    # checks
    "checks.title": Text("Kontroller", "Checks"),
    "checks.schedule": Text("Tidsplan (cron, Oslo-tid)", "Schedule (cron, Oslo time)"),
    "checks.history": Text("Kjørehistorikk", "Run history"),
    "checks.run_now": Text("Kjør nå", "Run now"),
    "checks.ran": Text("{check}: {status}, {findings} funn", "{check}: {status}, {findings} findings"),
    "checks.busy": Text("{check} kjører allerede.", "{check} is already running."),
    "col.started": Text("Startet", "Started"),
    "col.finished": Text("Ferdig", "Finished"),
    "col.trigger": Text("Utløst av", "Trigger"),
    "col.evidence_rows": Text("Bevisrader", "Evidence rows"),
    "col.error": Text("Feil", "Error"),
    "col.run_findings": Text("Funn", "Findings"),
    "col.when": Text("Når", "When"),
    "col.actor": Text("Hvem", "Who"),
    "col.change": Text("Endring", "Change"),
    "col.next_run": Text("Neste kjøring", "Next run"),
    "col.last_run": Text("Siste kjøring", "Last run"),
    "col.title": Text("Kontroll", "Check"),
    "col.area": Text("Område", "Area"),
}


def t(key: str, lang: str, **values) -> str:
    return CATALOGUE[key](lang, **values)
