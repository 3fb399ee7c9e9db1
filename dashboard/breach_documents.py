"""Download buttons for a breach's documents and for the breach record.

The files are made when the button is clicked (Streamlit's deferred `data`), so a page
view costs no PDF, and the audit trail gets its "export" entry at that moment, in the
same form as `vern breach draft` and `vern breach record` write it. What the law requires and
a draft lacks is said before its buttons, as `vern breach draft` says it on stderr.
"""

import streamlit as st

from audits.breaches import documents as breach_documents
from audits.core import trail
from audits.io import pdf
from audits.organisation import profile as organisation
from dashboard.downloads import recorded, spreadsheet_buttons
from dashboard.ui import tr, vern


def gaps_warning(gaps: list, lang: str) -> None:
    """Each missing element on its own line, and who can fill it in."""
    lines = "\n".join(f"- {gap(lang)}" for gap in gaps)
    st.warning(f"{tr('documents.gaps')}\n\n{lines}\n\n{tr('documents.gaps_where')}")


def downloads(record: dict, actor: str, lang: str) -> None:
    profile = organisation.load(vern().store, vern().config)
    drafts = {
        "notification": (record["notify_recipient"],
                         breach_documents.notification_markdown(record, profile, lang)),
        "subject_letter": ("subjects", breach_documents.subject_letter_markdown(record, profile, lang)),
    }
    for document, (recipient, markdown) in drafts.items():
        st.subheader(tr(f"documents.{document}"))
        gaps = breach_documents.gaps(record, profile, document)
        if gaps:
            gaps_warning(gaps, lang)
        left, right = st.columns(2)
        name = f"vern-breach-{record['id']}-{document}-{lang}"
        details = {"document": document, "to": recipient, "lang": lang}
        left.download_button(
            tr("documents.markdown"),
            recorded(markdown.encode, actor, str(record["id"]), {**details, "format": "md"}),
            f"{name}.md", "text/markdown", on_click="ignore", key=f"{name}-md")
        right.download_button(
            tr("documents.pdf"),
            recorded(lambda text=markdown: pdf.pdf_bytes(text, record["title"]), actor, str(record["id"]),
                      {**details, "format": "pdf"}),
            f"{name}.pdf", "application/pdf", on_click="ignore", key=f"{name}-pdf")
        with st.expander(tr("documents.preview")):
            st.text(markdown)


def record_downloads(records: list[dict], actor: str, lang: str) -> None:
    """The breach record (Art. 33(5)): every breach, notified or not, with its timeline."""
    details = {"document": "breach_record", "lang": lang, "breaches": len(records)}
    title = tr("documents.record")

    def as_pdf() -> bytes:
        head = trail.head(vern().store)
        return pdf.pdf_bytes(breach_documents.record_markdown(records, lang, head), title)

    left, middle, right = st.columns(3)
    spreadsheet_buttons((left, middle), {fmt: tr(f"documents.record_{fmt}") for fmt in ("csv", "xlsx")},
                        lambda: breach_documents.record_rows(records, lang), f"vern-breach-record-{lang}", actor,
                        "breach-record", details, breach_documents.record_columns(lang))
    right.download_button(
        tr("documents.record_pdf"), recorded(as_pdf, actor, "breach-record", {**details, "format": "pdf"}),
        f"vern-breach-record-{lang}.pdf", "application/pdf", on_click="ignore")
