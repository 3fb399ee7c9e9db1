"""The words of retention: the register, deletions and the page."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    # -- the record categories of the demo and of most membership registers (others as written)
    "record_category.member": Text("medlem", "member"),
    "record_category.prospect": Text("interessent", "prospect"),
    "record_category.youth_member": Text("ungdomsmedlem", "youth member"),
    "record_category.district_member": Text("kretsmedlem", "district member"),
    "record_category.marketing_profile": Text("markedsføringsprofil", "marketing profile"),
    "record_category.invoice": Text("faktura", "invoice"),
    "record_category.volunteer_application": Text("søknad som frivillig", "volunteer application"),
    "record_category.accessibility_need": Text("tilretteleggingsbehov", "accessibility need"),
    "record_category.event_participant": Text("arrangementsdeltaker", "event participant"),
    "retention.title": Text("Lagringstid og sletting", "Retention and deletion"),
    "retention.explain": Text(
        "Postene hvert system har, fra siste oversikt (eksport), målt mot lagringstiden i "
        "behandlingsaktivitetene. En post er over tiden dagen etter fristen.",
        "The records each system holds, from its last inventory (an export), judged against the "
        "retention periods of the processing activities. A record is overdue the day after its due date."),
    "retention.empty": Text(
        "Ingen oversikt over lagrede poster ennå: `vern import inventory FIL --system NAVN`, eller "
        "legg filen i data/inbox/retention/<systemnavn>/.",
        "No inventory of stored records yet: `vern import inventory FILE --system NAME`, or drop the "
        "file into data/inbox/retention/<system name>/."),
    "retention.records": Text("Poster", "Records"),
    "retention.overdue": Text("Over lagringstiden", "Past retention"),
    "retention.no_rule": Text("Kategorier uten lagringstid", "Categories without a rule"),
    "retention.per_system": Text("Poster over lagringstiden per system", "Records past retention per system"),
    "retention.system": Text("System", "System"),
    "retention.category": Text("Kategori", "Category"),
    "retention.oldest": Text("Eldste frist", "Oldest due"),
    "retention.exempt": Text("Unntatt (statistikk)", "Exempt (statistics)"),
    "retention.rule": Text("Lagringsregel", "Retention rule"),
    "retention.rule_none": Text("ingen lagringstid", "no retention rule"),
    "retention.rule_text": Text("{months} mnd fra {start} ({activity})", "{months} months from {start} ({activity})"),
    "retention.from.last_activity": Text("siste aktivitet", "last activity"),
    "retention.from.purpose_ended": Text("formålet opphørte", "the purpose ended"),
    "retention.delete": Text("Registrer sletting", "Record a deletion"),
    "retention.delete_explain": Text(
        "Neste oversikt fra systemet bekrefter slettingen: ingen poster i kategorien som var over "
        "lagringstiden på slettedagen, skal være igjen.",
        "The system's next inventory confirms the deletion: no record of the category that was past "
        "its retention on the day of deletion may remain."),
    "retention.deleted_on": Text("Slettet dato", "Deleted on"),
    "retention.count": Text("Antall poster", "Number of records"),
    "retention.evidence": Text("Dokumentasjon (logg, sak, skjermbilde)", "Evidence (log, ticket, screenshot)"),
    "retention.save": Text("Registrer slettingen", "Record the deletion"),
    "retention.saved": Text("Sletting {id} registrert. Neste oversikt fra {system} bekrefter den.",
                            "Deletion {id} recorded. The next inventory of {system} confirms it."),
    "retention.deletions": Text("Registrerte slettinger", "Recorded deletions"),
    "retention.no_deletions": Text("Ingen slettinger registrert.", "No deletions recorded."),
    "retention.status.confirmed": Text("bekreftet", "confirmed"),
    "retention.status.not_confirmed": Text("ikke bekreftet ({n} gjenstår)", "not confirmed ({n} remain)"),
    "retention.status.awaiting": Text("venter på neste oversikt", "awaiting the next inventory"),
    "retention.recorded_by": Text("Registrert av", "Recorded by"),
    "retention.inventories": Text("Oversikter", "Inventories"),
    "retention.file": Text("Fil", "File"),
    "retention.imported_at": Text("Importert", "Imported"),
    # refused (audits.retention.register)
    "retention.refused.system": Text("system: finnes ikke i systemlisten; kjente systemer: {known}",
                                     "system: not in the system list; known systems: {known}"),
    "retention.refused.no_systems": Text("ingen (importer systemlisten først)", "none (import the system list first)"),
    "retention.refused.same_record": Text("samme post som på linje {first}", "the same record as on line {first}"),
    "retention.refused.category": Text("kategori: finnes ikke i lageroversikten for {system}; kategoriene der: {known}",
                                       "category: not in the inventory of {system}; its categories: {known}"),
    "retention.refused.no_categories": Text("ingen (importer en lageroversikt først)",
                                            "none (import an inventory first)"),
    "retention.refused.not_date": Text("Slettedato: skriv en dato (ÅÅÅÅ-MM-DD).", "deleted_on: must be a date (YYYY-MM-DD)"),
    "retention.refused.future": Text("Slettedato: {date} er fram i tid.", "deleted_on: {date} is in the future"),
    "retention.refused.count": Text("Antall: skriv et helt tall, minst 1.", "count: must be a whole number of at least 1"),
    "retention.refused.no_evidence": Text(
        "Dokumentasjon: skriv hvordan slettingen kan vises (en jobblogg, en sak, et skjermbilde).",
        "evidence: say how the deletion can be shown (a job log, a ticket, a screenshot)"),
}
