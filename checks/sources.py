"""The sources Vern pulls evidence from still deliver: a clean score over stale evidence is
worse than none (GDPR Art. 5(2): the controller must be able to show compliance). A source
whose last pull failed, or that has brought nothing new for longer than its quiet time
(`quiet_hours` in `[sources.<name>]`), or was never pulled, is a finding; so is a span whose
events were lost because the provider had deleted them before Vern asked (`source_gaps`),
and a secret or certificate about to expire, where its date is known."""

from collections.abc import Iterable
from datetime import timedelta

from audits.checking.api import Check, CheckContext, Finding, Rule, Severity
from audits.core import clock
from audits.core.i18n import Text
from audits.sources import cursors, pulling

RULES = (
    Rule(
        "source_failed", Severity.high, "Art. 5(2)",
        Text("En kilde kunne ikke hentes", "A source could not be pulled"),
        Text("Siste henting fra {subject} ({at}) feilet: {problem_nb}",
             "The last pull from {subject} ({at}) failed: {problem_en}"),
        Text("Les feilmeldingen, rett nøkkelen eller tilgangen hos leverandøren, og prøv med "
             "vern sources test eller «Test tilkobling».",
             "Read the error, put the secret or the permission right at the provider, and try with "
             "vern sources test or 'Test connection'."),
    ),
    Rule(
        "source_stale", Severity.medium, "Art. 5(2)",
        Text("En kilde har ikke gitt nye hendelser", "A source has brought nothing new"),
        Text("Ingen nye hendelser fra {subject} siden {since}; stille i mer enn {hours} timer er ikke ventet.",
             "Nothing new from {subject} since {since}; quiet for more than {hours} hours is not expected."),
        Text("Sjekk at kilden fortsatt sender, og at Vern henter (vern sources list). Funn som bygger på "
             "kilden er ikke bevis for tiden uten hendelser.",
             "Check that the source still sends and that Vern pulls (vern sources list). Findings built "
             "on the source are no evidence for the quiet time."),
    ),
    Rule(
        "source_gap", Severity.high, "Art. 5(2)",
        Text("Hendelser fra en kilde er tapt", "Events from a source are lost"),
        Text("Hendelsene fra {stream} mellom {since} og {until} er tapt: Vern hentet ikke før leverandøren "
             "hadde slettet dem. Funnene for den perioden er ikke bevis.",
             "The events of {stream} between {since} and {until} are lost: Vern did not pull before the "
             "provider had deleted them. The findings of that period are no evidence."),
        Text("Hent dem fra leverandørens egen eksport om den finnes (for Microsoft 365: Purview, inntil "
             "180 dager) og legg filen i innboksen; sørg for at Vern henter oftere enn leverandøren sletter.",
             "Fetch them from the provider's own export if there is one (for Microsoft 365: Purview, up to "
             "180 days) and drop the file in the inbox; make sure Vern pulls more often than the provider "
             "deletes."),
    ),
    Rule(
        "source_secret_expiring", Severity.medium, "Art. 32(1)(b)",
        Text("En kildes hemmelighet går snart ut", "A source's secret expires soon"),
        Text("{what_nb} som {subject} logger inn med, gjelder til {on_nb}; etter det feiler hentingen.",
             "The {what_en} {subject} signs in with is valid until {on_en}; after that the pull fails."),
        Text("Lag en ny hos leverandøren, gi den til Vern (miljøvariabelen i [sources.{subject}]) og oppdater "
             "expires_on; prøv med vern sources test.",
             "Make a new one at the provider, give it to Vern (the environment variable in [sources.{subject}]) "
             "and update expires_on; try with vern sources test."),
    ),
)
GAP_DAYS = 365  # a lost span stays a finding for a year: the board reports on twelve months
EXPIRING_DAYS = 30  # a month to make a new secret and give it to Vern
WHAT = {"certificate": ("Sertifikatet", "certificate"), "secret": ("Hemmeligheten", "secret")}


class SourcesCheck(Check):
    id = "sources"
    title = Text("Kilder Vern henter fra", "Sources Vern pulls from")
    area = "sources"
    area_rank = 90
    schedule = "*/30 * * * *"
    run_at_start = True
    rules = RULES

    @classmethod
    def in_use(cls, config) -> bool:
        return bool(config.sources)  # no source configured: nothing pulled, nothing to vouch for

    def collect(self, ctx: CheckContext) -> int:
        self.states = pulling.states(ctx.store, ctx.sources)
        self.gaps = cursors.gaps(ctx.store, ctx.sources, ctx.now - timedelta(days=GAP_DAYS))
        return len(self.states) + len(self.gaps)

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        for state in self.states:
            name, source = state["name"], ctx.sources[state["name"]]
            if state["state"] == "failed":
                yield Finding("source_failed", name, {"at": clock.show(state["last_pull_at"]),
                                                      "problem_nb": state["problem"]["nb"],
                                                      "problem_en": state["problem"]["en"]})
            if pulling.stale(state, source, ctx.now):
                since = pulling.fresh_since(state, source)
                yield Finding("source_stale", name, {"since": clock.show(since), "hours": source.quiet_hours})
        for name, source in ctx.sources.items():
            expiry = pulling.expires(source)
            if expiry and expiry[0] - ctx.now.date() <= timedelta(days=EXPIRING_DAYS):
                on, what = expiry
                yield Finding("source_secret_expiring", name, {
                    "on_nb": clock.show_day(on, "nb"), "on_en": clock.show_day(on, "en"),
                    "what_nb": WHAT[what][0], "what_en": WHAT[what][1]})
        for gap in self.gaps:
            since, until = clock.show(gap["missed_from"]), clock.show(gap["missed_to"])
            yield Finding("source_gap", f"{gap['source']}: {gap['stream']} {since}–{until}",
                          {"stream": f"{gap['source']} ({gap['stream']})", "since": since, "until": until})
