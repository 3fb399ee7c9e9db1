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
    "sidebar.language": Text("Språk", "Language"),
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
