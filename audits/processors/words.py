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
}
