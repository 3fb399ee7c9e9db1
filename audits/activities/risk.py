"""Risk to the people whose data an activity processes, on the two four-level scales of
the CNIL PIA method: likelihood and severity, each negligible (1), limited (2),
significant (3) or maximum (4).

Inherent risk follows from what the register says; the adviser may adjust it with a
written reason. Residual risk is the inherent risk made more likely by the open findings
that touch the activity. Every step gives its reason, so the page can say why.
"""

from dataclasses import dataclass, field
from typing import Any

from audits.checking.findings import UNHANDLED
from audits.core.i18n import Text, t
from audits.core.store import Store
from audits.processors.transfer_law import EEA

LEVELS = ("negligible", "limited", "significant", "maximum")
CLASSIFIED_SEVERITY = {"open": 1, "internal": 2, "confidential": 3, "strictly_confidential": 4}
UNCLASSIFIED_SEVERITY = 3  # treated as confidential until someone classifies it
PROFILING = ("evaluation_scoring", "automated_decision_legal_effect", "systematic_monitoring")
NOVEL = ("matching_datasets", "innovative_technology")
RISK_LEVELS = ("low", "medium", "high", "critical")


def level(likelihood: int, severity: int) -> str:
    """The cell's place on the map: low (score 1-2), medium (3-4), high (6-9), critical (12-16)."""
    score = likelihood * severity
    return RISK_LEVELS[(score >= 3) + (score >= 6) + (score >= 12)]


@dataclass(frozen=True)
class Risk:
    likelihood: int
    severity: int
    reasons: list[Text] = field(default_factory=list)

    @property
    def level(self) -> str:
        return level(self.likelihood, self.severity)

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        return {"likelihood": LEVELS[self.likelihood - 1], "severity": LEVELS[self.severity - 1],
                "score": self.likelihood * self.severity, "level": self.level,
                "reasons": [reason(lang) for reason in self.reasons]}


def _said(nb: str, en: str, **values) -> Text:
    return Text(nb.format(**values), en.format(**values))


NB_LEVELS = dict(zip(LEVELS, ("ubetydelig", "begrenset", "betydelig", "maksimal"), strict=True))


def computed(activity: dict[str, Any], outside_eea: list[str]) -> Risk:
    """The inherent risk as the register describes it."""
    reasons = []
    classification = activity["classification"]
    severity = CLASSIFIED_SEVERITY.get(classification, UNCLASSIFIED_SEVERITY)
    named = {"level_nb": NB_LEVELS[LEVELS[severity - 1]], "level_en": LEVELS[severity - 1]}
    reasons.append(_said("alvorlighet {level_nb}: klassifisert {c_nb}", "severity {level_en}: classified {c_en}",
                         c_nb=t(f"classification.{classification}", "nb"),
                         c_en=t(f"classification.{classification}", "en"), **named) if classification else
                   _said("alvorlighet {level_nb}: ikke klassifisert (regnes som fortrolig)",
                         "severity {level_en}: not classified (counted as confidential)", **named))
    criteria = set(activity["dpia_criteria"])
    sensitive = activity["special_categories"] or "sensitive_data" in criteria
    vulnerable = activity["children"] or "vulnerable_subjects" in criteria
    if (sensitive or vulnerable) and severity < 3:
        severity = 3
        reasons.append(Text("alvorlighet minst betydelig: særlige kategorier eller sårbare personer",
                            "severity at least significant: special categories or vulnerable people"))
    if sensitive and vulnerable and severity < 4:
        severity = 4
        reasons.append(Text("alvorlighet maksimal: særlige kategorier om sårbare personer",
                            "severity maximum: special categories of vulnerable people"))
    if "large_scale" in criteria and severity < 4:
        severity += 1
        reasons.append(Text("alvorlighet ett trinn opp: stor skala", "severity one step up: large scale"))
    likelihood = 1
    if outside_eea:
        likelihood += 1
        reasons.append(_said("sannsynlighet ett trinn opp: overføring ut av EØS ({c})",
                             "likelihood one step up: transfers outside the EEA ({c})", c=", ".join(outside_eea)))
    if criteria & set(PROFILING):
        likelihood += 1
        reasons.append(Text("sannsynlighet ett trinn opp: profilering eller overvåking",
                            "likelihood one step up: profiling or monitoring"))
    if criteria & set(NOVEL):
        likelihood += 1
        reasons.append(Text("sannsynlighet ett trinn opp: sammenstilling eller ny teknologi",
                            "likelihood one step up: matching datasets or new technology"))
    return Risk(likelihood, severity, reasons)


# Findings still wanting work that touch an activity: those that name it, one of its
# processors, one of its systems or one of its record categories (api.Finding), whichever
# check found them.
TOUCHING = """
    SELECT a.id, count(*) AS open, bool_or(f.severity IN ('high', 'critical')) AS grave,
           list(DISTINCT f.check_id ORDER BY f.check_id) AS checks
    FROM activities a JOIN findings f ON list_contains($unhandled, f.status) AND (
           f.activity = a.name
        OR list_contains(a.processors, f.processor)
        OR list_has_any(a.systems, f.systems)
        OR list_contains(a.record_categories, f.record_category))
    GROUP BY a.id"""


def residual(inherent: Risk, touching: dict[str, Any] | None) -> Risk:
    """One step more likely with open findings, two when one of them is high or critical."""
    if not touching:
        return Risk(inherent.likelihood, inherent.severity,
                    [Text("ingen åpne funn berører den", "no open findings touch it")])
    steps = 1 + bool(touching["grave"])
    likelihood = min(4, inherent.likelihood + steps)
    values = {"steps": steps, "n": touching["open"], "checks": ", ".join(touching["checks"])}
    return Risk(likelihood, inherent.severity, [
        _said("sannsynlighet {steps} trinn opp: {n} åpne funn fra {checks}, minst ett høyt",
              "likelihood {steps} steps up: {n} open findings from {checks}, at least one high", **values)
        if touching["grave"] else
        _said("sannsynlighet ett trinn opp: {n} åpne funn fra {checks}",
              "likelihood one step up: {n} open findings from {checks}", **values)])


def assess(store: Store, activities: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """By activity id: computed, inherent (adjusted where the adviser did) and residual risk."""
    countries: dict[str, set[str]] = {}
    for row in store.rows("SELECT name, countries FROM processors"):
        countries.setdefault(row["name"], set()).update(row["countries"])
    touching = {row["id"]: row for row in store.rows(TOUCHING, {"unhandled": list(UNHANDLED)})}
    result = {}
    for activity in activities:
        outside = sorted({c for p in activity["processors"] for c in countries.get(p, ()) if c not in EEA})
        base = computed(activity, outside)
        adjustment = activity["risk_adjustment"]
        inherent = base if adjustment is None else Risk(
            LEVELS.index(adjustment["likelihood"]) + 1, LEVELS.index(adjustment["severity"]) + 1,
            [_said("justert av personvernrådgiveren: {r}", "adjusted by the adviser: {r}", r=adjustment["reason"])])
        result[activity["id"]] = {"computed": base, "inherent": inherent, "outside_eea": outside,
                                  "residual": residual(inherent, touching.get(activity["id"]))}
    return result
