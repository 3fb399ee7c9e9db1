"""The words of the command line's own messages."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "cli.database_error": Text(
        "databasen kunne ikke gjøre dette ({kind}); er den endret utenfor Vern, gjenopprett den med "
        "nøkkelfilen fra en sikkerhetskopi",
        "the database could not do this ({kind}); if it was changed outside Vern, restore it, with its key "
        "file, from a backup"),
    "cli.password_stdin": Text("{field}: gi det på standard inn med --password-stdin",
                               "{field}: give it on standard input with --password-stdin"),
    "cli.no_check": Text("ingen kontroll {check!r}; installert: {installed}", "no check {check!r}; installed: {installed}"),
    "cli.checks_failed": Text("{n} {n:kontroll|kontroller} fullførte ikke: {checks}",
                              "{n} {n:check|checks} did not succeed: {checks}"),
    "cli.cannot_write": Text("kan ikke skrive {path}: {why}", "cannot write {path}: {why}"),
    # -- the demo refused (audits.demo.loader; added by words-wb)
    "demo.refused.real_data": Text(
        "{path} inneholder ekte data; demoen ville skrevet over dem. Pek --db (eller VERN_DB) på en ny fil for demoen.",
        "{path} holds real data; the demo would overwrite it. Point --db (or VERN_DB) at a new file for the demo."),
}
