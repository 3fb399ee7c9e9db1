"""The weekly digest for the advisers: the queue by area and urgency, the most urgent items,
and what changed and was decided since the last review. Markdown, mailed on the
configured schedule and written by `vern report digest`. The chat channels get its
headline only, counts without a finding's text or a name (through the alerts outbox;
the digest itself is mailed from here, so nobody gets it twice)."""

import logging

from audits.alerts import outbox
from audits.checking import registry
from audits.core import clock, trail
from audits.core.i18n import t
from audits.io import mail
from audits.reporting import review
from audits.runtime import Vern
from audits.subject_requests import register as subject_requests

TOP = 10
log = logging.getLogger(__name__)


def item_text(row: dict, lang: str) -> str:
    """One queue item in a line: what it is and its date."""
    if row["kind"] == "finding":
        return row["text_nb"] if lang == "nb" else row["text_en"]
    if row["kind"] == "breach":
        return t("review.item.breach", lang, subject=row["subject"], due=clock.show(row["due"], lang))
    due = clock.show_day(clock.local(row["due"]).date(), lang)  # 2. des. 2026 in bokmål
    if row["kind"] == "request":
        return t("review.item.request", lang, subject=row["subject"], due=due,
                 kind=subject_requests.kind_words(row["request_kind"], lang))
    return t("review.item.agreement", lang, subject=row["subject"], due=due)


def markdown(vern: Vern, lang: str) -> str:
    now = clock.now()
    found = review.queue(vern.store, vern.config, limit=TOP)
    week = review.this_week(vern.store)
    lines = [f"# {t('review.digest.title', lang)}", "",
             t("review.digest.when", lang, now=clock.show(now, lang), since=clock.show(week["since"], lang)), "",
             f"## {t('review.digest.queue', lang, n=found['total'])}", ""]
    by_area: dict[str, dict[str, int]] = {}
    for row in found["counts"]:
        by_area.setdefault(row["area"], {}).setdefault(row["urgency"], 0)
        by_area[row["area"]][row["urgency"]] += row["n"]
    for area, counts in sorted(by_area.items()):
        shown = ", ".join(f"{t(f'severity.{u}', lang)} {counts[u]}" for u in review.URGENCY if u in counts)
        lines.append(f"- {registry.area_title(area, lang)}: {shown}")
    lines += ["", f"## {t('review.digest.top', lang, n=min(TOP, found['total']))}", ""]
    for n, row in enumerate(found["items"], 1):
        urgency = t(f"severity.{row['urgency']}", lang)
        assigned = f" ({t('review.assigned_to', lang, who=row['assignee'])})" if row["assignee"] else ""
        lines.append(f"{n}. **{urgency}** — {item_text(row, lang)}{assigned}")
    counts = week["counts"]
    lines += ["", f"## {t('review.digest.week', lang)}", "",
              t("review.digest.changes", lang, new=counts.get("new", 0), reopened=counts.get("reopened", 0),
                closed=counts.get("closed", 0), breaches=week["breaches_logged"]), ""]
    if week["decisions"]:
        for d in week["decisions"][:50]:
            action = t(f"review.past.{d['action']}", lang)
            item = review.item_name(vern.store, d["item"], lang)
            lines.append(f"- {clock.show(d['decided_at'], lang)} {trail.actor_name(d['actor'], lang)}: {action} {item}")
    else:
        lines.append(t("review.digest.no_decisions", lang))
    lines += ["", trail.head_line(trail.signed_head(vern.store), lang)]
    return "\n".join(lines) + "\n"


def headline(vern: Vern) -> dict[str, int]:
    """The digest in four numbers: the queue, and this week's new and closed findings and breaches."""
    week = review.this_week(vern.store)
    return {"queue": review.queue(vern.store, vern.config, limit=1)["total"],
            "new": week["counts"].get("new", 0), "closed": week["counts"].get("closed", 0),
            "breaches": week["breaches_logged"]}


def send(vern: Vern) -> None:
    """Mail the digest to the advisers (recorded in the trail without its content) and queue
    its headline for the chat channels."""
    if vern.config.alert_channels:  # first: a mail server that is down does not hold the chat back
        with vern.store.transaction() as tx:
            outbox.queue(tx, vern.config, "digest", headline(vern), clock.now(), by_mail=False)
    if mail.configured(vern.config.mail):
        lang, advisers = vern.config.language, vern.config.mail["advisers"]
        refused = mail.send(vern.config.mail, advisers, t("review.digest.title", lang), markdown(vern, lang))
        trail.record(vern.store, "vern", "review.digest", "", {"advisers": len(advisers), "refused": refused})


def scheduled(vern: Vern) -> None:
    """The scheduler's job; never raises into the scheduler (next week tries again)."""
    try:
        send(vern)
    except Exception as error:
        log.warning("the weekly digest was not sent: %s", type(error).__name__)
