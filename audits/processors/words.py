"""The words of the processors page."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "processors.title": Text("Databehandlere og overføringer", "Processors and transfers"),
    "processors.none": Text(
        "Registeret er tomt. Importer det med `vern import processors FIL.csv`.",
        "The register is empty. Import it with `vern import processors FILE.csv`.",
    ),
    "processors.outside_eea": Text("Utenfor EØS", "Outside the EEA"),
    "processors.count": Text("{n} databehandlere", "{n} processors"),
    # the register refused (audits.processors.register)
    "processors.refused.no_country": Text("minst én landkode må fylles ut (f.eks. NO;IE)",
                                          "at least one country code is required (e.g. NO;IE)"),
    "processors.refused.country": Text("kode {n} er ikke en landkode etter ISO 3166-1 alfa-2 (f.eks. NO;IE)",
                                       "code {n} is not an ISO 3166-1 alpha-2 country code (e.g. NO;IE)"),
    "processors.refused.twice": Text("samme navn og tjeneste som på linje {first}",
                                     "the same name and service as on line {first}"),
}
