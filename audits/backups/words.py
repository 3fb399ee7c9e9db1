"""The words of Vern's backups."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    # refusals and failures
    "backups.not_a_backup": Text("Filen er ikke en sikkerhetskopi fra Vern, eller den er ødelagt.",
                                 "The file is not a Vern backup, or it is damaged."),
    "backups.wrong_passphrase": Text(
        "Passordfrasen passer ikke til denne sikkerhetskopien.",
        "The passphrase does not open this backup."),
    "backups.changed": Text(
        "Sikkerhetskopien er endret eller avkuttet etter at den ble laget, og kan ikke brukes.",
        "The backup was changed or cut short after it was made, and cannot be used."),
    "backups.incomplete": Text("Sikkerhetskopien mangler deler (databasen, nøkkelfilen eller innholdslisten).",
                               "The backup lacks a part (the database, the key file or the manifest)."),
    "backups.hash_differs": Text("{member} i sikkerhetskopien stemmer ikke med innholdslisten.",
                                 "{member} in the backup does not match the manifest."),
    "backups.database_unreadable": Text("Databasen i sikkerhetskopien kan ikke leses.",
                                        "The database in the backup cannot be read."),
    "backups.count_differs": Text(
        "Tabellen {table} har {found} rader etter gjenoppretting; sikkerhetskopien sier {expected}.",
        "The table {table} has {found} rows once restored; the backup says {expected}."),
    "backups.trail_broken": Text(
        "Revisjonssporet i sikkerhetskopien er brutt etter {count} hele oppføringer: {problem}",
        "The audit trail in the backup is broken after {count} intact entries: {problem}"),
    "backups.restore_exists": Text(
        "{path} finnes allerede; Vern gjenoppretter aldri over en fil. Velg et nytt navn.",
        "{path} exists already; Vern never restores over a file. Choose a new name."),
    "backups.cannot_write": Text("Sikkerhetskopien kunne ikke skrives i {folder}: {why}",
                                 "The backup could not be written in {folder}: {why}"),
    "backups.cannot_read": Text("{path} kan ikke leses: {why}", "{path} cannot be read: {why}"),
    "backups.database_error": Text("Databasen kunne ikke kopieres ({kind}).", "The database could not be copied ({kind})."),
    "backups.no_passphrase": Text(
        "Miljøvariabelen {variable} har ingen passordfrase, så ingen sikkerhetskopi kan krypteres. Sett den "
        "der Vern kjører (se [backup] passphrase_env).",
        "The environment variable {variable} holds no passphrase, so no backup can be encrypted. Set it "
        "where Vern runs (see [backup] passphrase_env)."),
    "backups.short_passphrase": Text(
        "Passordfrasen i {variable} er for kort: minst {min} tegn.",
        "The passphrase in {variable} is too short: at least {min} characters."),
    "backups.running": Text("En sikkerhetskopi tas akkurat nå; vent til den er ferdig.",
                            "A backup is being taken right now; wait until it is done."),
    "backups.server_runs": Text(
        "Vern-serveren (PID {pid}) holder databasen og tar sikkerhetskopiene selv: bruk «Ta sikkerhetskopi nå» "
        "på siden Sikkerhetskopier, eller vent på den planlagte.",
        "The Vern server (PID {pid}) holds the database and takes the backups itself: use 'Back up now' on the Backups page, or wait for the scheduled one."),
    "backups.copy_failed": Text("Kopien til S3-bøtta {bucket} feilet: {why}",
                                "The copy to the S3 bucket {bucket} failed: {why}"),
    "backups.config.keep": Text("konfigurasjonsnøkkel {key}: må være 0 eller mer",
                                "configuration key {key}: must be 0 or more"),
    "backups.config.keep_one": Text("konfigurasjonsnøkkel backup: minst én av keep_daily, keep_weekly og "
                                    "keep_monthly må være 1 eller mer",
                                    "configuration key backup: at least one of keep_daily, keep_weekly and "
                                    "keep_monthly must be 1 or more"),
    "backups.config.variable": Text("konfigurasjonsnøkkel {key}: navnet på en miljøvariabel",
                                    "configuration key {key}: the name of an environment variable"),
    # the command line
    "backups.made": Text("Sikkerhetskopi {path}: {bytes:,} byte, {rows:,} rader i {tables} tabeller.",
                         "Backup {path}: {bytes:,} bytes, {rows:,} rows in {tables} tables."),
    "backups.verified": Text(
        "{path} holder: alle deler stemmer, {rows:,} rader i {tables} tabeller, revisjonssporet er helt "
        "(oppføring {seq}). Tatt {at}.",
        "{path} holds: every part matches, {rows:,} rows in {tables} tables, the audit trail is intact "
        "(entry {seq}). Taken {at}."),
    "backups.restored": Text(
        "Gjenopprettet til {database} med nøkkelfilen {key_file}. Start Vern med --db {database}.",
        "Restored to {database} with the key file {key_file}. Start Vern with --db {database}."),
    "backups.not_recorded": Text(
        "(Ikke registrert i databasen: serveren holder den. Den planlagte kontrollen registrerer sine egne.)",
        "(Not recorded in the database: the server holds it. The scheduled verification records its own.)"),
    "backups.listed": Text("{at}  {path}  ({bytes:,} byte)", "{at}  {path}  ({bytes:,} bytes)"),
    "backups.list.none": Text("Ingen sikkerhetskopier i {folder}.", "No backups in {folder}."),
    # the pages
    "backups.title": Text("Sikkerhetskopier", "Backups"),
    "nav.backups": Text("Sikkerhetskopier", "Backups"),
    "backups.now": Text("Ta sikkerhetskopi nå", "Back up now"),
    "backups.taking": Text("Tar sikkerhetskopi …", "Taking a backup …"),
    "backups.done": Text("Sikkerhetskopien er tatt og lagret: {name} ({size}).",
                         "The backup is taken and stored: {name} ({size})."),
    "backups.never": Text("aldri", "never"),
    "backups.last_failed": Text("Siste forsøk {at} feilet: {problem}", "The last attempt, {at}, failed: {problem}"),
    "backups.copy_last_failed": Text("Kopien til S3 feilet {at}: {problem}", "The copy to S3 failed {at}: {problem}"),
    # Markdown: the folder, the variable and the bucket as code, as typed (dashboard/views/backups.py).
    "backups.where": Text("Lagres i `{folder}`; passordfrasen leses fra miljøvariabelen `{variable}`{copy}.",
                          "Stored in `{folder}`; the passphrase is read from the environment variable `{variable}`{copy}."),
    "backups.where_s3": Text(", med kopi til S3-bøtta `{bucket}`", ", with a copy to the S3 bucket `{bucket}`"),
    # Markdown, as backups.where: the folder and the bucket as code.
    "backups.file_gone": Text("Filen til siste sikkerhetskopi, tatt {at}, finnes ikke lenger i `{folder}`{copy}. "
                              "Ta en ny med «Ta sikkerhetskopi nå».",
                              "The file of the last backup, taken {at}, is no longer in `{folder}`{copy}. "
                              "Take a new one with 'Back up now'."),
    "backups.file_gone_s3": Text(" (en kopi skal ligge i S3-bøtta `{bucket}`)",
                                 " (a copy should be in the S3 bucket `{bucket}`)"),
    "backups.verify_failed": Text("Siste kontroll {at} feilet: {problem}",
                                  "The last verification, {at}, failed: {problem}"),
    "backups.kb": Text("{n:,} kB", "{n:,} kB"),
    "backups.fact": Text("Hva", "What"),
    "backups.value": Text("Status", "Status"),
    "backups.fact.made": Text("Siste sikkerhetskopi", "Last backup"),
    "backups.fact.verified": Text("Siste kontrollerte sikkerhetskopi", "Last verified backup"),
    "backups.fact.schedule": Text("Tidsplan (crontab, norsk tid)", "Schedule (crontab, Oslo time)"),
    "backups.fact.next": Text("Neste planlagte", "Next scheduled"),
    "backups.fact.keep": Text("Beholdes", "Kept"),
    "backups.keep": Text("den nyeste av hver av de siste {daily} dagene, {weekly} ukene og {monthly} månedene",
                         "the newest of each of the last {daily} days, {weekly} weeks and {monthly} months"),
    "backups.kept": Text("Sikkerhetskopier på disken", "Backups on disk"),
    "backups.none_kept": Text("Ingen sikkerhetskopier ligger i mappen ennå.", "No backups in the folder yet."),
    "backups.col.taken": Text("Tatt", "Taken"),
    "backups.col.file": Text("Fil", "File"),
    "backups.col.size": Text("Størrelse", "Size"),
}
