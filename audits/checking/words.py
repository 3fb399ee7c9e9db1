"""The words of checks and findings."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "findings.title": Text("Funn", "Findings"),
    "findings.filter_status": Text("Status", "Status"),
    "findings.filter_severity": Text("Alvorlighet", "Severity"),
    "findings.filter_check": Text("Kontroll", "Check"),
    "findings.sort": Text("Sorter etter", "Sort by"),
    "findings.count": Text("{n} funn", "{n} findings"),
    "findings.none": Text("Ingen funn passer filteret.", "No findings match the filter."),
    "findings.pick": Text("Velg et funn", "Pick a finding"),
    "findings.detail": Text("Detaljer", "Detail"),
    "findings.remedy": Text("Hva du gjør", "What to do"),
    "findings.article": Text("Hjemmel", "Legal basis"),
    "findings.history": Text("Historikk", "History"),
    "findings.set_status": Text("Sett status", "Set status"),
    "findings.reason": Text("Begrunnelse", "Reason"),
    "findings.review_on": Text("Ny vurdering innen", "Review by"),
    "findings.save": Text("Lagre", "Save"),
    "findings.saved": Text("Status lagret.", "Status saved."),
    "findings.export": Text("Last ned som CSV", "Download as CSV"),
    "findings.export_xlsx": Text("Last ned som Excel (.xlsx)", "Download as Excel (.xlsx)"),
    "findings.to_breach": Text("Opprett avvik fra dette funnet", "Create a breach from this finding"),
    "history.first_seen": Text("først sett", "first seen"),
    "history.seen_again": Text("sett igjen", "seen again"),
    "history.no_longer_seen": Text("ikke sett lenger", "no longer seen"),
    "checks.title": Text("Kontroller", "Checks"),
    "checks.schedule": Text("Tidsplan (cron, Oslo-tid)", "Schedule (cron, Oslo time)"),
    "checks.history": Text("Kjørehistorikk", "Run history"),
    "checks.run_now": Text("Kjør nå", "Run now"),
    "checks.ran": Text("{check}: {status}, {findings} funn", "{check}: {status}, {findings} findings"),
    "checks.busy": Text("{check} kjører allerede.", "{check} is already running."),
    "checks.not_installed": Text(
        "Denne siden viser det kontrollen «{check}» finner, og den er ikke installert i denne Vern. "
        "Spør administratoren.",
        "This page shows what the check “{check}” finds, and it is not installed in this Vern. "
        "Ask the administrator."),
}
