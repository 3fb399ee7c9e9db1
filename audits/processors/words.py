"""The words of the processors page."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    # -- transfer mechanisms (Art. 44-49), as the register names them (transfer_law.MECHANISMS)
    "mechanism.none": Text("ingen", "none"),
    "mechanism.adequacy": Text("tilstrekkelighetsbeslutning (art. 45)", "adequacy decision (Art. 45)"),
    "mechanism.dpf": Text("EU–US Data Privacy Framework", "EU-US Data Privacy Framework"),
    "mechanism.scc2021": Text("standardkontraktsklausuler 2021", "standard contractual clauses 2021"),
    "mechanism.bcr": Text("bindende virksomhetsregler (BCR)", "binding corporate rules (BCR)"),
    "mechanism.derogation": Text("unntak etter art. 49", "Art. 49 derogation"),
    "mechanism.privacy_shield": Text("Privacy Shield (ugyldig siden 2020)", "Privacy Shield (invalid since 2020)"),
    "mechanism.scc2010": Text("standardkontraktsklausuler 2010 (ugyldige)", "standard contractual clauses 2010 (invalid)"),
    "processors.title": Text("Databehandlere og overføringer", "Processors and transfers"),
    "processors.none": Text(
        "Registeret er tomt. Importer det med `vern import processors FIL.csv`.",
        "The register is empty. Import it with `vern import processors FILE.csv`.",
    ),
    "processors.outside_eea": Text("Utenfor EØS", "Outside the EEA"),
    "processors.count": Text("{n} databehandlere", "{n} processors"),
    # the register's short column names (the full ones, col.*, are their help): all fit at 1280 px
    "processors.col.findings": Text("Funn", "Findings"),
    "processors.col.signed": Text("Signert", "Signed"),
    "processors.col.expires": Text("Utløper", "Expires"),
    "processors.col.reviewed": Text("Gjennomgått", "Reviewed"),
    "processors.col.mechanism": Text("Grunnlag", "Basis"),
    "processors.col.dpf": Text("DPF", "DPF"),
    # the register refused (audits.processors.register)
    "processors.refused.no_country": Text("minst én landkode må fylles ut (f.eks. NO;IE)",
                                          "at least one country code is required (e.g. NO;IE)"),
    "processors.refused.country": Text("kode {n} er ikke en landkode etter ISO 3166-1 alfa-2 (f.eks. NO;IE)",
                                       "code {n} is not an ISO 3166-1 alpha-2 country code (e.g. NO;IE)"),
    "processors.refused.twice": Text("samme navn og tjeneste som på linje {first}",
                                     "the same name and service as on line {first}"),
}
