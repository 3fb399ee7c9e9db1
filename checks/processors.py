"""Processor agreements and transfers: every sub-processor has a signed, current,
reviewed agreement (GDPR Art. 28(3)) and every transfer outside the EEA rests on a valid
mechanism (Art. 44-49)."""

from collections.abc import Iterable

from audits.checking.api import Check, CheckContext, Finding, Rule, Severity
from audits.core.errors import VernError
from audits.core.i18n import Message, Text, joined
from audits.io import inbox
from audits.processors.register import agreement_problem, import_register, register, subject
from audits.processors.transfer_law import EEA, INVALID, US_DPF_ONLY, adequate

RULES = (
    Rule(
        "dpa_missing", Severity.high, "Art. 28(3)",
        Text("Databehandleravtale mangler", "Processor agreement missing"),
        Text("{subject} behandler personopplysninger uten signert databehandleravtale.",
             "{subject} processes personal data without a signed processor agreement."),
        Text("Inngå databehandleravtale, eller stans behandlingen til den er på plass.",
             "Sign a processor agreement, or stop the processing until one is in place."),
    ),
    Rule(
        "dpa_expired", Severity.high, "Art. 28(3)",
        Text("Databehandleravtale utløpt", "Processor agreement expired"),
        Text("Databehandleravtalen med {subject} utløp {expired}.",
             "The processor agreement with {subject} expired on {expired}."),
        Text("Forny avtalen, eller avslutt bruken av tjenesten.",
             "Renew the agreement, or stop using the service."),
    ),
    Rule(
        "dpa_review_overdue", Severity.medium, "Art. 28(1), 32(1)(d)",
        Text("Gjennomgang av databehandler forfalt", "Processor review overdue"),
        Text("{subject} ble sist gjennomgått {reviewed}, for mer enn {months} måneder siden.",
             "{subject} was last reviewed on {reviewed}, more than {months} months ago."),
        Text("Gå gjennom avtalen, underdatabehandlerne og sikkerhetstiltakene, og registrer datoen.",
             "Review the agreement, its sub-processors and security measures, and record the date."),
    ),
    Rule(
        "transfer_no_mechanism", Severity.high, "Art. 44, 46",
        Text("Overføring uten grunnlag", "Transfer without a mechanism"),
        Text("{subject} overfører til {countries} uten adekvansbeslutning og uten overføringsgrunnlag.",
             "{subject} transfers to {countries}, which has no adequacy decision, with no transfer mechanism."),
        Text("Inngå EU-kommisjonens standardkontraktsbestemmelser (2021/914) med en "
             "risikovurdering av overføringen, eller bruk en leverandør i EØS.",
             "Put the 2021 standard contractual clauses (2021/914) in place with a transfer "
             "impact assessment, or use a provider inside the EEA."),
    ),
    Rule(
        "transfer_invalid_mechanism", Severity.high, "Art. 44-46; C-311/18",
        Text("Ugyldig overføringsgrunnlag", "Invalid transfer mechanism"),
        Text("{subject} overfører til {countries} på grunnlag av {mechanism}, som ikke er gyldig.",
             "{subject} transfers to {countries} relying on {mechanism}, which is not valid."),
        Text("Privacy Shield er ugyldig (Schrems II, 2020) og 2010-klausulene skulle vært "
             "erstattet innen 27.12.2022: bytt til 2021-klausulene eller DPF.",
             "Privacy Shield is invalid (Schrems II, 2020) and the 2010 clauses had to be "
             "replaced by 27 Dec 2022: move to the 2021 clauses or the DPF."),
    ),
    Rule(
        "transfer_dpf_not_certified", Severity.high, "Art. 45; Decision (EU) 2023/1795",
        Text("DPF uten sertifisering", "DPF claimed without certification"),
        Text("{subject} oppgir Data Privacy Framework for USA, men er ikke sertifisert.",
             "{subject} relies on the Data Privacy Framework for the US but is not certified."),
        Text("Kontroller leverandøren på dataprivacyframework.gov; uten sertifisering trengs "
             "standardkontraktsbestemmelsene (2021/914).",
             "Look the provider up on the DPF list; without certification the 2021 standard "
             "contractual clauses are needed."),
    ),
)

MECHANISM_NAMES = {
    "privacy_shield": "Privacy Shield", "scc2010": "the 2010 standard clauses",
    "adequacy": "an adequacy decision", "dpf": "the Data Privacy Framework",
}


class ProcessorsCheck(Check):
    id = "processors"
    title = Text("Databehandleravtaler og overføringer", "Processor agreements and transfers")
    area = "processors"
    area_rank = 10
    schedule = "15 6 * * *"
    settings = {"review_months": 12}
    rules = RULES

    @classmethod
    def check_settings(cls, settings: dict) -> None:
        if settings["review_months"] < 1:
            raise ValueError(Message("checks.setting.at_least_one", {"setting": "review_months"}))

    def collect(self, ctx: CheckContext) -> int:
        """Import registers dropped into the inbox, oldest first; the newest wins."""
        failed = inbox.import_each(ctx.inbox, lambda path: import_register(ctx.store, path, ctx.actor), "*.csv",
                                   order=lambda path: path.stat().st_mtime)
        if failed:
            raise VernError(Text("registre avvist, flyttet til failed/: {files}",
                                 "registers refused, moved to failed/: {files}"), files=joined(failed))
        return ctx.store.value("SELECT count(*) FROM processors")

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        for row in self.status(ctx.store, ctx.settings, ctx.today):
            who, name = subject(row["name"], row["service"]), row["name"]
            if row["problem"] == "dpa_missing":
                yield Finding("dpa_missing", who, processor=name)
            elif row["problem"] == "dpa_expired":
                yield Finding("dpa_expired", who, {"expired": row["dpa_expires_on"]}, processor=name)
            elif row["problem"] == "dpa_review_overdue":
                yield Finding("dpa_review_overdue", who, {"reviewed": row["reviewed"],
                                                          "months": ctx.settings["review_months"]}, processor=name)
        for row in register(ctx.store):
            yield from _transfer_findings(row)

    @classmethod
    def status(cls, store, settings: dict, today) -> list[dict]:
        """Every processor's agreement (name, service, dpa_signed_on, dpa_expires_on,
        reviewed) and its problem: dpa_missing, dpa_expired, dpa_review_overdue, or None."""
        rows = store.rows(
            "SELECT name, service, dpa_signed_on, dpa_expires_on, "
            " coalesce(last_reviewed_on, dpa_signed_on) AS reviewed, "
            " coalesce(last_reviewed_on, dpa_signed_on) + to_months(?) < ? AS review_overdue "
            "FROM processors", [settings["review_months"], today])
        for row in rows:
            overdue = row.pop("review_overdue")
            row["problem"] = agreement_problem(row, today) or ("dpa_review_overdue" if overdue else None)
        return rows


def _transfer_findings(row: dict) -> Iterable[Finding]:
    """Art. 44: every country outside the EEA needs adequacy or a valid safeguard."""
    who, name = subject(row["name"], row["service"]), row["name"]
    mechanism, certified = row["transfer_mechanism"], row["dpf_certified"]
    third = [c for c in row["countries"] if c not in EEA]
    if not third:
        return
    if mechanism in INVALID:
        yield Finding("transfer_invalid_mechanism", who,
                      {"countries": ", ".join(third), "mechanism": MECHANISM_NAMES[mechanism]}, processor=name)
        return
    if mechanism == "dpf" and US_DPF_ONLY in third and not certified:
        yield Finding("transfer_dpf_not_certified", who, processor=name)
    uncovered = [c for c in third if not adequate(c, certified)]
    if mechanism == "none" and uncovered:
        yield Finding("transfer_no_mechanism", who, {"countries": ", ".join(uncovered)}, processor=name)
    elif mechanism in ("adequacy", "dpf"):
        # DPF covers only certified US organisations; elsewhere it needs a decision of its own.
        wrong = [c for c in uncovered if not (mechanism == "dpf" and c == US_DPF_ONLY)]
        if wrong:
            yield Finding("transfer_invalid_mechanism", who,
                          {"countries": ", ".join(wrong), "mechanism": MECHANISM_NAMES[mechanism]}, processor=name)

