"""Breach documents: the notification draft (Art. 33(3)), the letter to data subjects
(Art. 34) and the breach record (Art. 33(5)), in bokmål or English, as Markdown.

The notification follows the sections of Datatilsynet's breach form in Altinn. The
organisation and its privacy contact point come from the organisation's profile (for a
processor breach, the chapter's contact too). What the law requires and the draft lacks is
marked where it belongs and listed at the top ("UTKAST – mangler: …"), so a draft is never
silently incomplete; `gaps` gives the same list for a warning before download. Instants are
shown in Oslo time with their UTC offset. Text typed by people is escaped so it can
never turn into Markdown structure (audits.pdf undoes the escapes when it sets a PDF).
"""

import re
from typing import Any

from audits.core import clock, trail
from audits.core.i18n import Message, catalogue, t
from audits.io import export
from audits.io.pdf import pdf_bytes
from audits.organisation import profile as organisation

__all__ = ["notification_markdown", "subject_letter_markdown", "gaps", "record_rows", "record_csv",
           "record_markdown", "pdf_bytes", "md", "md_block", "when"]

# The advice in the letter to data subjects: for everyone, then by the kinds of data concerned.
ADVICE = ("any", "credentials", "financial", "national_id")
COLUMNS = ("id", "title", "status", "aware_at", "deadline", "acting_as", "notify_to", "categories", "subjects",
           "records", "severity", "decision", "notifications", "in_time", "closed_at", "summary")
_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
_BLOCK_START = re.compile(r"^(\s*)([#>+\-*]|\d+[.)])")


# -- small helpers ----------------------------------------------------------------------
def md(value: Any) -> str:
    """Text from people inside a line of Markdown, staying text."""
    return _INLINE.sub(r"\\\1", " ".join(str(value).split()))


def md_block(value: str) -> str:
    """Multi-line text from people: lines kept, each escaped, none read as a heading or list item."""
    lines = (_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), md(line)) for line in value.splitlines())
    return "\n".join(lines)


def when(iso: str | None, lang: str) -> str:
    if not iso:
        return t("doc.unknown", lang)
    local = clock.local(clock.parse_instant(iso))
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {t('doc.oslo', lang)} (UTC{offset[:3]}:{offset[3:]})"


def _label(prefix: str, key: str | None, lang: str) -> str:
    """The words for `key` under `prefix` ("doc.label."); a key without words as it is."""
    return t(prefix + key, lang) if key and prefix + key in catalogue() else (key or t("doc.unknown", lang))


def _number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "nb" else text


def _score(severity: dict | None, lang: str) -> str:
    return f"{_number(severity['score'], lang)} {_label('doc.label.', severity['level'], lang)}" if severity else ""


def _missing(lang: str) -> str:
    """Where the law wants something the draft does not have yet."""
    return f"**{t('doc.missing', lang)}**"


def _text_or_missing(value: str | None, lang: str) -> str:
    return md_block(value) if value else _missing(lang)


def _categories(record: dict, lang: str) -> str:
    names = [_label("doc.category.", c, lang) for c in record["data_categories"] or []]
    return md(", ".join(names)) if names else _missing(lang)


def _subject_categories(record: dict, lang: str) -> str:
    names = [t(f"subject_category.{c}", lang) for c in record["subject_categories"]]
    return md(", ".join(names)) if names else _missing(lang)


def _count_or_missing(value: int | None, lang: str) -> str:
    return _missing(lang) if value is None else t("doc.about", lang, n=value)


def _contact(profile: dict, lang: str) -> list[str]:
    """The privacy contact point (Art. 33(3)(b), 34(2)): as published, or marked missing."""
    def value(key: str) -> str:
        return md(profile[key]) if profile.get(key) else _missing(lang)

    person = value("contact_name") + (f" ({md(profile['contact_role'])})" if profile.get("contact_role") else "")
    lines = [f"- {t('doc.c.org', lang)}: {value('name')}"]
    lines += [f"- {t(label, lang)}: {md(profile[key])}" for label, key in
              (("doc.c.org_number", "org_number"), ("doc.c.address", "address")) if profile.get(key)]
    return lines + [f"- {t('doc.c.name', lang)}: {person}", f"- {t('doc.c.email', lang)}: {value('contact_email')}",
                    f"- {t('doc.c.phone', lang)}: {value('contact_phone')}"]


def _chapter_contact(record: dict, profile: dict, lang: str) -> str:
    """Whom at the district chapter we tell, as processor (Art. 33(2))."""
    found = organisation.chapter(profile, record["controller_name"]) or {}
    reach = [md(found[key]) for key in ("contact_name", "contact_email", "contact_phone") if found.get(key)]
    return ", ".join(reach) if organisation.chapter_reachable(profile, record["controller_name"]) else _missing(lang)


# -- what the law requires and a draft lacks ------------------------------------------
# Art. 33(3): (a) the nature of the breach with the categories and approximate numbers of
# data subjects and records, (b) the contact point, (c) the likely consequences, (d) the
# measures; after the deadline, the reasons for the delay (Art. 33(1)). Art. 34(2) asks
# the letter for (b), (c) and (d) in clear language.
_NATURE = ("description", "subject_categories", "subjects_count", "data_categories", "records_count")
_AFTER_CONTACT = ("consequences", "measures")


def gaps(record: dict, profile: dict, document: str = "notification") -> list[Message]:
    """Each element the law requires that the notification (or the `subject_letter`) lacks,
    in the law's order, as words for the reader."""
    nature = _NATURE if document == "notification" else ()
    found = [f"doc.gap.{key}" for key in nature if record[key] in (None, "", [])]
    found += [f"organisation.gap.{key}" for key in organisation.missing(profile)]
    if document == "notification" and record["acting_as"] == "processor" and not organisation.chapter_reachable(
            profile, record["controller_name"]):
        found.append("doc.gap.chapter")
    found += [f"doc.gap.{key}" for key in _AFTER_CONTACT if not record[key]]
    if document == "notification" and _lateness(record) == (True, None):  # Art. 33(1): the reasons for a delay
        found.append("doc.gap.delay_reason")
    return [Message(key) for key in found]


def _draft_mark(record: dict, profile: dict, document: str, lang: str) -> list[str]:
    missing = gaps(record, profile, document)
    return [f"**{t('doc.draft_missing', lang, gaps=', '.join(m(lang) for m in missing))}**", ""] if missing else []


def _notify_to(record: dict, lang: str) -> str:
    return t("doc.label.authority", lang) if record["acting_as"] == "controller" else record["notify_to"]


def _sent(record: dict, recipient: str) -> list[dict]:
    return [n for n in record["notifications"] if n["to"] == recipient]


# -- the notification draft (Art. 33(3)) ------------------------------------------------
def notification_markdown(record: dict, profile: dict, lang: str) -> str:
    """The notification draft; `profile` is the organisation's (audits.organisation.profile)."""
    processor = record["acting_as"] == "processor"
    org = md(profile["name"]) if profile.get("name") else _missing(lang)
    to = md(t("doc.n.controller", lang, name=record["controller_name"]) if processor else t("doc.n.authority", lang))
    if processor:
        to += f" – {t('doc.n.attention', lang)} {_chapter_contact(record, profile, lang)}"
    earlier = _sent(record, record["notify_recipient"])
    out = [f"# {t('doc.n.title', lang)}", "", *_draft_mark(record, profile, "notification", lang),
           t("doc.n.to", lang, to=to), "", t("doc.n.from", lang, org=org), "",
           t("doc.n.ref", lang, id=record["id"], now=when(clock.iso_utc(clock.now()), lang)), "",
           t("doc.n.deadline", lang, at=when(record["deadline_at"], lang)), ""]
    if processor:
        out += [t("doc.n.processor_note", lang, name=md(record["controller_name"])), ""]
    out += [t("doc.n.phase", lang, phase=len(earlier) + 1) if earlier else t("doc.n.first", lang), ""]
    out += [f"- {t('doc.n.earlier', lang, at=when(n['at'], lang), ref=md(n['reference']))}" for n in earlier]
    out += [""] if earlier else []
    out += [f"## {t('doc.s.description', lang)}", "", f"**{t('doc.f.what', lang)}:** {md(record['title'])}", "",
            _text_or_missing(record["description"], lang), ""]
    types = ", ".join(_label("doc.type.", kind, lang) for kind in record["breach_types"] or []) or t("doc.unknown", lang)
    period = t("doc.f.period_value", lang, start=when(record["occurred_at"], lang), end=when(record["aware_at"], lang))
    facts = [("doc.f.period", period), ("doc.f.discovered", when(record["aware_at"], lang)), ("doc.f.types", types),
             ("doc.f.subject_categories", _subject_categories(record, lang)),
             ("doc.f.subjects", _count_or_missing(record["subjects_count"], lang)),
             ("doc.f.records", _count_or_missing(record["records_count"], lang)),
             ("doc.f.categories", _categories(record, lang)),
             ("doc.f.special", t("doc.yes" if record["special_categories"] else "doc.no", lang)),
             ("doc.f.processor", md(record["processor"]) if record["processor"] else t("doc.none", lang)),
             ("doc.f.where", t("doc.unknown", lang))]
    out += [f"- {t(key, lang)}: {value}" for key, value in facts]
    added = [e for e in record["timeline"] if e["kind"] == "added" and e["detail"]]
    if added:
        out += ["", f"**{t('doc.f.added', lang)}:**", ""]
        out += [f"- {when(e['at'], lang)}: {md(e['detail'])}" for e in added]
    severity = record["severity"]
    out += ["", f"## {t('doc.s.consequences', lang)}", "", _text_or_missing(record["consequences"], lang), "",
            t("doc.f.severity", lang, score=_number(severity["score"], lang), level=_label("doc.label.", severity["level"], lang))
            if severity else t("doc.f.not_assessed", lang),
            "", f"## {t('doc.s.measures', lang)}", "", _text_or_missing(record["measures"], lang), "",
            f"## {t('doc.s.information', lang)}", ""]
    out += _information(record, lang)
    out += ["", f"## {t('doc.s.contact', lang)}", ""] + _contact(profile, lang)
    out += ["", f"## {t('doc.s.timing', lang)}", ""] + _timing(record, lang)
    return "\n".join(out).rstrip() + "\n"


def _information(record: dict, lang: str) -> list[str]:
    decision = record["decision"]
    if decision is None:
        return [t("doc.i.undecided", lang)]
    if decision["notify_subjects"]:
        sent = _sent(record, "subjects")
        lines = [t("doc.i.yes", lang), ""]
        lines += [f"- {t('doc.i.sent', lang, at=when(n['at'], lang), ref=md(n['reference']))}" for n in sent]
        return lines if sent else lines + [t("doc.i.pending", lang)]
    lines = [t("doc.i.no", lang)]
    if record["assessment"] and record["assessment"]["data_unintelligible"]:
        lines += ["", t("doc.i.unintelligible", lang)]
    if decision["reason"]:
        lines += ["", t("doc.i.reason", lang, reason=md(decision["reason"]))]
    return lines


def _lateness(record: dict) -> tuple[bool, str | None]:
    """Whether the first notification is (or would now be) late, and the reasons given for it."""
    earlier = _sent(record, record["notify_recipient"])
    if earlier:
        return earlier[0]["late"], earlier[0]["delay_reason"]
    return clock.now() > clock.parse_instant(record["deadline_at"]), None


def _timing(record: dict, lang: str) -> list[str]:
    late, reason = _lateness(record)
    if not late:
        return [t("doc.t.in_time", lang)]
    return [t("doc.t.late", lang, deadline=when(record["deadline_at"], lang)), "",
            t("doc.t.reason", lang, reason=md(reason) if reason else _missing(lang))]


# -- the letter to data subjects (Art. 34) ----------------------------------------------
def subject_letter_markdown(record: dict, profile: dict, lang: str) -> str:
    """The letter to the data subjects in clear language (Art. 34(2))."""
    intro = t("doc.l.intro", lang, org=md(profile["name"])) if profile.get("name") else t("doc.l.intro_unnamed", lang)
    out = [f"# {t('doc.l.title', lang)}", "", *_draft_mark(record, profile, "subject_letter", lang),
           f"**{t('doc.l.hello', lang)}**", "", intro, ""]
    if record["acting_as"] == "processor":
        out += [t("doc.l.on_behalf", lang, name=md(record["controller_name"])), ""]
    out += [f"## {t('doc.l.what', lang)}", "", md_block(record["description"] or record["title"]), "",
            t("doc.l.when", lang, aware=when(record["aware_at"], lang)), ""]
    if record["data_categories"]:  # a letter need not name them (Art. 34(2)); said only when known
        out += [t("doc.l.data", lang, categories=_categories(record, lang)), ""]
    out += [f"## {t('doc.l.consequences', lang)}", "", _text_or_missing(record["consequences"], lang), "",
            f"## {t('doc.l.measures', lang)}", "", _text_or_missing(record["measures"], lang), "",
            f"## {t('doc.l.you', lang)}", ""]
    categories = set(record["data_categories"] or [])
    out += [f"- {t('doc.advice.' + key, lang)}" for key in ADVICE if key == "any" or key in categories]
    if record["special_categories"]:
        out.append(f"- {t('doc.advice.sensitive', lang)}")
    out += ["", f"## {t('doc.l.contact', lang)}", "", t("doc.l.contact_text", lang), ""] + _contact(profile, lang)
    out += ["", t("doc.l.complain", lang)]
    return "\n".join(out).rstrip() + "\n"


# -- the breach record (Art. 33(5)) -----------------------------------------------------
def _decision(record: dict, lang: str) -> str:
    decision = record["decision"]
    if decision is None:
        return t("doc.undecided", lang)
    text = (f"{_notify_to(record, lang)}: "
            f"{t('doc.yes' if decision['notify_authority'] else 'doc.no', lang)}; {t('doc.label.subjects', lang)}: "
            f"{t('doc.yes' if decision['notify_subjects'] else 'doc.no', lang)}")
    return text + (f" ({t('doc.i.reason', lang, reason=decision['reason'])})" if decision["reason"] else "")


def _notification(n: dict, record: dict, lang: str) -> str:
    to = record["notify_to"] if n["to"] == "controller" else _label("doc.label.", n["to"], lang)
    timely = "" if n["to"] == "subjects" else ", " + t("doc.r.late" if n["late"] else "doc.r.in_time", lang)
    reason = f" ({t('doc.t.reason', lang, reason=n['delay_reason'])})" if n["delay_reason"] else ""
    return f"{to} {when(n['at'], lang)}, {n['reference']}, {t('doc.r.phase', lang, n=n['phase'])}{timely}{reason}"


def record_rows(records: list[dict], lang: str) -> list[dict[str, Any]]:
    """One row per breach for the CSV, columns named in the language asked for."""
    rows = []
    for r in sorted(records, key=lambda r: r["id"]):
        in_time = r["notified_in_time"]
        values = {
            "id": r["id"], "title": r["title"], "status": _label("doc.label.", r["status"], lang),
            "aware_at": when(r["aware_at"], lang), "deadline": when(r["deadline_at"], lang),
            "acting_as": _label("doc.label.", r["acting_as"], lang), "notify_to": _notify_to(r, lang),
            "categories": ", ".join(_label("doc.category.", c, lang) for c in r["data_categories"] or []),
            "subjects": r["subjects_count"], "records": r["records_count"],
            "severity": _score(r["severity"], lang), "decision": _decision(r, lang),
            "notifications": "; ".join(_notification(n, r, lang) for n in r["notifications"]),
            "in_time": "" if in_time is None else t("doc.yes" if in_time else "doc.no", lang),
            "closed_at": when(r["closed_at"], lang) if r["closed_at"] else "", "summary": r["summary"] or "",
        }
        rows.append({t(f"doc.col.{key}", lang): value for key, value in values.items()})
    return rows


def record_columns(lang: str) -> list[str]:
    """The record's columns, named in the language asked for."""
    return [t(f"doc.col.{column}", lang) for column in COLUMNS]


def record_csv(records: list[dict], lang: str) -> bytes:
    """The record as CSV with formula-safe cells; the header row even when there is no breach."""
    return export.csv_bytes(record_rows(records, lang), record_columns(lang))


def record_xlsx(records: list[dict], lang: str) -> bytes:
    """The record as an Excel workbook, text never taken for a formula."""
    return export.xlsx_bytes(record_rows(records, lang), record_columns(lang))


def record_markdown(records: list[dict], lang: str, trail_head: dict | None = None) -> str:
    """The record; `trail_head` (audits.core.trail.head) dates it against the audit trail, so a
    later copy shows whether the trail still holds what it held when this was made."""
    by_id = {r["id"]: r for r in records}
    out = [f"# {t('doc.r.title', lang)}", "", t("doc.r.made", lang, now=when(clock.iso_utc(clock.now()), lang), n=len(records))]
    if trail_head:
        out += ["", t("doc.r.trail_head", lang, seq=trail_head["seq"], hash=trail_head["hash"])]
    for row in record_rows(records, lang):
        record = by_id[row[t("doc.col.id", lang)]]
        out += ["", f"## {row[t('doc.col.id', lang)]} · {md(record['title'])}", ""]
        out += [f"- {name}: {md(value)}" for name, value in list(row.items())[2:-1] if value not in ("", None)]
        for key, text in (("doc.f.what", record["description"]), ("doc.s.consequences", record["consequences"]),
                          ("doc.s.measures", record["measures"]), ("doc.r.summary", record["summary"])):
            if text:
                out += ["", f"**{t(key, lang).lstrip('0123456789. ')}:**", "", md_block(text)]
        out += ["", f"### {t('doc.r.timeline', lang)}", ""]
        out += [f"- {when(e['at'], lang)} · {md(trail.actor_name(e['actor'], lang))} · "
                f"{_label('doc.event.', e['kind'], lang)}" + (f": {md(e['detail'])}" if e["detail"] else "")
                for e in record["timeline"]]
    return "\n".join(out).rstrip() + "\n"
