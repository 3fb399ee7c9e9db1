"""Vern's own records can be restored (GDPR Art. 32(1)(c): the ability to restore the
availability of and access to personal data in a timely manner; Art. 33(5): every breach
documented, years later too). A backup missing for longer than `max_age_hours`, a scheduled
backup that failed (or whose copy to S3 did), the last backup's file gone from the folder,
and no backup verified for 30 days are each a finding. Backups are taken by `vern serve`
(audits/backups/taking.py)."""

from collections.abc import Iterable
from typing import Any

from audits.backups import taking
from audits.checking.api import Check, CheckContext, Finding, Rule, Severity
from audits.core import clock
from audits.core.i18n import Message, Text

RULES = (
    Rule(
        "backup_missing", Severity.high, "Art. 32(1)(c)",
        Text("Ingen fersk sikkerhetskopi", "No recent backup"),
        Text("Siste sikkerhetskopi som lyktes: {last_nb}. Det skal tas en minst hver {hours}. time.",
             "The last backup that succeeded: {last_en}. One is due at least every {hours} hours."),
        Text("Se hvorfor på siden Sikkerhetskopier, rett feilen og trykk «Ta sikkerhetskopi nå».",
             "See why on the Backups page, put the fault right and press 'Back up now'."),
    ),
    Rule(
        "backup_failed", Severity.high, "Art. 32(1)(c)",
        Text("Den planlagte sikkerhetskopien feilet", "The scheduled backup failed"),
        Text("Sikkerhetskopien {at} feilet: {problem_nb}", "The backup at {at} failed: {problem_en}"),
        Text("Rett feilen (passordfrasen, plassen på disken, tilgangen til S3-bøtta) og trykk «Ta "
             "sikkerhetskopi nå» på siden Sikkerhetskopier.",
             "Put the fault right (the passphrase, the room on the disk, the access to the S3 bucket) and "
             "press 'Back up now' on the Backups page."),
    ),
    Rule(
        "backup_file_gone", Severity.high, "Art. 32(1)(c)",
        Text("Filen til siste sikkerhetskopi er borte", "The last backup's file is gone"),
        Text("Sikkerhetskopien tatt {at_nb} finnes ikke lenger i mappen for sikkerhetskopier{copy_nb}.",
             "The backup taken {at_en} is no longer in the backup folder{copy_en}."),
        Text("Finn ut hvem eller hva som fjernet den, og trykk «Ta sikkerhetskopi nå» på siden Sikkerhetskopier.",
             "Find out who or what removed it, and press 'Back up now' on the Backups page."),
    ),
    Rule(
        "backup_unverified", Severity.medium, "Art. 32(1)(c), 32(1)(d)",
        Text("Ingen sikkerhetskopi er prøvd gjenopprettet", "No backup has been test-restored"),
        Text("Siste sikkerhetskopi som ble kontrollert og holdt: {last_nb}. Det skal skje minst hver {days}. dag.",
             "The last backup verified and found whole: {last_en}. It is due at least every {days} days."),
        Text("Kjør vern backup verify på den nyeste filen, eller vent på den ukentlige kontrollen; les "
             "feilen på siden Sikkerhetskopier om den feilet.",
             "Run vern backup verify on the newest file, or wait for the weekly verification; read the "
             "error on the Backups page if it failed."),
    ),
)


def _when(row: dict | None) -> dict[str, str]:
    if row is None:
        return {"last_nb": "aldri", "last_en": "never"}
    return {"last_nb": clock.show(row["finished_at"], "nb"), "last_en": clock.show(row["finished_at"], "en")}


class BackupsCheck(Check):
    id = "backups"
    title = Text("Sikkerhetskopier", "Backups")
    area = "backups"
    area_rank = 95
    schedule = "0 * * * *"
    run_at_start = True
    settings = {"max_age_hours": taking.MAX_AGE_HOURS}
    rules = RULES

    @classmethod
    def check_settings(cls, settings: dict[str, Any]) -> None:
        if settings["max_age_hours"] < 1:
            raise ValueError(Message("checks.setting.at_least_one", {"setting": "max_age_hours"}))

    def collect(self, ctx: CheckContext) -> int:
        self.found = taking.status(ctx.store)
        return sum(row is not None for row in self.found.values())

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        made, scheduled, verified = self.found["made"], self.found["scheduled"], self.found["verified"]
        hours = ctx.settings["max_age_hours"]
        if taking.missing(self.found, ctx.now, hours):
            yield Finding("backup_missing", "vern", {**_when(made), "hours": hours})
        problem = scheduled and (scheduled["problem"] or scheduled["copy_problem"])
        if problem:
            yield Finding("backup_failed", "vern", {"at": clock.show(scheduled["finished_at"]),
                                                     "problem_nb": problem["nb"], "problem_en": problem["en"]})
        if taking.file_gone(self.found, ctx.backup["folder"]):
            bucket = ctx.backup["s3_bucket"]
            yield Finding("backup_file_gone", "vern", {
                "at_nb": clock.show(made["finished_at"], "nb"), "at_en": clock.show(made["finished_at"], "en"),
                "copy_nb": f" (en kopi skal ligge i S3-bøtta {bucket})" if bucket else "",
                "copy_en": f" (a copy should be in the S3 bucket {bucket})" if bucket else ""})
        if taking.unverified(self.found, ctx.now):
            yield Finding("backup_unverified", "vern", {**_when(verified), "days": taking.VERIFIED_DAYS})
