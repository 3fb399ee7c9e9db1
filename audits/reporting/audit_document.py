"""The audit report as a reader holds it: Markdown, then PDF, made from the snapshot
alone (audits.audit_report), in the snapshot's language.

The PDF is a pure function of the snapshot: the same snapshot gives the same bytes
(audits.pdf sets reportlab's invariant mode), so its SHA-256 identifies the report.
Instants are shown in Oslo time with their UTC offset; subjects from the evidence are
escaped so they stay text.
"""

from typing import Any

from audits.breaches.documents import md, when
from audits.core import trail
from audits.core.i18n import catalogue, t
from audits.io.pdf import pdf_bytes


def _label(prefix: str, value: str | None, lang: str) -> str:
    """A known value in words; an organisation's own area or rule as it is named."""
    key = f"{prefix}.{value}"
    return catalogue()[key](lang) if key in catalogue() else md(value or "—")


def _day(iso: str | None, lang: str) -> str:
    return when(iso, lang)[:10] if iso else "—"


def _severities(counts: dict[str, int], lang: str) -> str:
    order = ("critical", "high", "medium", "low")
    parts = [f"{_label('severity', s, lang)} {counts[s]}" for s in order if counts.get(s)]
    parts += [f"{md(s)} {n}" for s, n in counts.items() if s not in order]
    return ", ".join(parts) or "0"


def _head(s: dict[str, Any], lang: str) -> list[str]:
    audit, period, chain = s["audit"], s["period"], s["trail"]
    intact = (t("audit.doc.trail_intact", lang, n=chain["entries_verified"]) if chain["intact"] else
              t("audit.doc.trail_broken", lang, n=chain["entries_verified"], problem=md(chain["problem"])))
    return [
        f"# {t('audit.doc.title', lang)} {audit['id']}", "",
        f"**{t('audit.doc.organisation', lang)}:** {md(s['organisation'] or t('audit.doc.not_set', lang))}",
        f"**{t('audit.doc.created', lang)}:** {when(audit['created_at'], lang)}, {md(trail.actor_name(audit['actor'], lang))}",
        f"**{t('audit.doc.period', lang)}:** {period['from']} – {period['to']}",
        trail.head_line({"seq": chain["head_seq"], "hash": chain["head_hash"],
                         "signature": chain.get("head_signature") or "—"}, lang), intact, "",
    ]


def _summary(s: dict[str, Any], lang: str) -> list[str]:
    found, breached, checks = s["findings"], s["breaches"]["summary"], s["checks"]
    failed = sum(c["last_run"] is not None and c["last_run"]["status"] == "failed" for c in checks)
    never = sum(c["last_run"] is None for c in checks)
    return [
        f"## {t('audit.doc.summary', lang)}", "",
        f"- {t('audit.doc.open_findings', lang, n=found['total'])} ({_severities(found['by_severity'], lang)})",
        "- " + t("audit.doc.breaches_line", lang, n=breached["in_period"], on_time=breached["on_time"],
                 late=breached["late"], overdue=breached["overdue"], open=breached["open"]),
        "- " + t("audit.doc.checks_line", lang, n=len(checks), failed=failed, never=never), "",
    ]


def _checks(s: dict[str, Any], lang: str) -> list[str]:
    out = [f"## {t('audit.doc.checks', lang)}", ""]
    for check in s["checks"]:
        run = check["last_run"]
        name = f"**{md(check['title'])}** ({md(check['id'])})"
        if run is None:
            out.append(f"- {name}: {t('audit.doc.never_run', lang)}")
            continue
        line = t("audit.doc.run_line", lang, id=run["id"], status=_label("run", run["status"], lang),
                 started=when(run["started_at"], lang), evidence=run["evidence_rows"] or 0,
                 findings=run["findings"] or 0)
        if run["error_type"]:
            line += " " + t("audit.doc.error_type", lang, kind=md(run["error_type"]))
        disabled = "" if check["enabled"] else f" ({t('audit.doc.disabled', lang)})"
        out.append(f"- {name}{disabled}: {line}")
    return out + [""]


def _findings(s: dict[str, Any], lang: str) -> list[str]:
    found = s["findings"]
    out = [f"## {t('audit.doc.findings', lang)}", "", f"### {t('audit.doc.by_area', lang)}", ""]
    out += [f"- {_label('area', area, lang)}: {n}" for area, n in found["by_area"].items()] or ["- 0"]
    out += ["", f"### {t('audit.doc.by_severity', lang)}", "", f"- {_severities(found['by_severity'], lang)}", "",
            f"### {t('audit.doc.finding_list', lang)}", ""]
    for f in found["open"]:
        out.append(f"- **{_label('severity', f['severity'], lang)}** {md(f['rule_title'])}: {md(f['subject'])} "
                   f"({md(f['check'])}, {_label('status', f['status'], lang)}, "
                   f"{t('audit.doc.since', lang, day=_day(f['first_seen'], lang))}; {f['fingerprint']})")
    if not found["open"]:
        out.append(t("audit.doc.no_findings", lang))
    return out + [""]


def _breach(b: dict[str, Any], lang: str) -> str:
    parts = [t("audit.doc.aware", lang, at=when(b["aware_at"], lang)),
             t("audit.doc.deadline", lang, at=when(b["deadline_at"], lang)),
             t(f"audit.doc.acting_as.{b['acting_as']}", lang),
             t("audit.doc.severity", lang, level=_label("severity", b["severity"], lang)) if b["severity"]
             else t("audit.doc.not_assessed", lang),
             _label("breach.status", b["status"], lang)]
    if b["notified_at"]:
        parts.append(t("audit.doc.notified", lang, at=when(b["notified_at"], lang),
                       timeliness=t(f"audit.doc.timeliness.{b['timeliness']}", lang)))
        if b["delay_reason_given"] is not None:
            parts.append(t("audit.doc.delay_reason_given" if b["delay_reason_given"] else
                           "audit.doc.delay_reason_missing", lang))
    else:
        parts.append(t(f"audit.doc.timeliness.{b['timeliness']}", lang))
    if b["subjects_notified_at"]:
        parts.append(t("audit.doc.subjects_notified", lang, at=when(b["subjects_notified_at"], lang)))
    return f"- **{t('audit.doc.breach', lang, id=b['id'])}**: " + "; ".join(parts)


def _breaches(s: dict[str, Any], lang: str) -> list[str]:
    items = s["breaches"]["items"]
    out = [f"## {t('audit.doc.breaches', lang)}", "", t("audit.doc.breaches_scope", lang), ""]
    out += [_breach(b, lang) for b in items] or [t("audit.doc.no_breaches", lang)]
    return out + [""]


def _registers(s: dict[str, Any], lang: str) -> list[str]:
    r = s["registers"]
    training = r["training"]
    percent = "—" if training["percent"] is None else training["percent"]
    coverage = (t("audit.doc.training", lang, covered=training["covered"], required=training["required"],
                  percent=percent, at=when(training["measured_at"], lang))
                if training["measured_at"] else t("audit.doc.training_none", lang))
    return [
        f"## {t('audit.doc.registers', lang)}", "",
        "- " + t("audit.doc.processors", lang, **r["processors"]),
        "- " + t("audit.doc.activities", lang, **r["activities"]),
        "- " + t("audit.doc.systems", lang, **r["systems"]),
        "- " + t("audit.doc.people", lang, **r["people"]),
        "- " + coverage,
        "- " + t("audit.doc.retention", lang, **{**r["retention"], "oldest_due": r["retention"]["oldest_due"] or "—"}),
        "- " + t("audit.doc.consent", lang, **r["consent"]),
        # Snapshots stored before issue 9 have no requests: they still render as they did.
        *(["- " + t("audit.doc.requests", lang, **r["requests"])] if "requests" in r else []), "",
    ]


def markdown(s: dict[str, Any], snapshot_sha256: str) -> str:
    """The whole report in Vern's Markdown, ending with the SHA-256 of the snapshot's
    canonical JSON (`snapshot_sha256`)."""
    lang = s["language"]
    lines = (_head(s, lang) + _summary(s, lang) + _checks(s, lang) + _findings(s, lang) + _breaches(s, lang)
             + _registers(s, lang))
    lines += [f"## {t('audit.doc.integrity', lang)}", "",
              f"**{t('audit.doc.snapshot_sha', lang)}:** {snapshot_sha256}", "",
              t("audit.doc.how_to_verify", lang, id=s["audit"]["id"])]
    return "\n".join(lines) + "\n"


def pdf(s: dict[str, Any], snapshot_sha256: str) -> bytes:
    title = f"{t('audit.doc.title', s['language'])} {s['audit']['id']}"
    if s["organisation"]:
        title += f" – {s['organisation']}"
    return pdf_bytes(markdown(s, snapshot_sha256), title)
