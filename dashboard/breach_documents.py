"""Download buttons for a breach's documents; every download lands in the audit trail,
in the same form as `vern breach draft` records it."""

import streamlit as st

from audits import breach_documents, pdf, trail
from dashboard.ui import tr, vern


def downloads(record: dict, actor: str, lang: str) -> None:
    organisation = vern().config.organisation
    drafts = {
        "notification": (record["notify_recipient"],
                         breach_documents.notification_markdown(record, organisation, lang)),
        "subject_letter": ("subjects", breach_documents.subject_letter_markdown(record, organisation, lang)),
    }
    for document, (recipient, markdown) in drafts.items():
        st.subheader(tr(f"documents.{document}"))
        left, right = st.columns(2)
        name = f"vern-breach-{record['id']}-{document}-{lang}"

        def recorded(fmt: str, document=document, recipient=recipient) -> None:
            trail.record(vern().store, actor, "export", str(record["id"]),
                         {"document": document, "to": recipient, "format": fmt, "lang": lang})

        left.download_button(tr("documents.markdown"), markdown.encode(), f"{name}.md", "text/markdown",
                             on_click=recorded, args=("md",), key=f"{name}-md")
        right.download_button(tr("documents.pdf"), pdf.pdf_bytes(markdown, record["title"]), f"{name}.pdf",
                              "application/pdf", on_click=recorded, args=("pdf",), key=f"{name}-pdf")
        with st.expander(tr("documents.preview")):
            st.text(markdown)


def record_downloads(records: list[dict], actor: str, lang: str) -> None:
    """The breach record (Art. 33(5)): every breach, notified or not, with its timeline."""
    def recorded(fmt: str) -> None:
        trail.record(vern().store, actor, "export", "breach-record",
                     {"document": "breach_record", "format": fmt, "lang": lang, "breaches": len(records)})

    left, right = st.columns(2)
    left.download_button(tr("documents.record_csv"), breach_documents.record_csv(records, lang),
                         f"vern-breach-record-{lang}.csv", "text/csv", on_click=recorded, args=("csv",))
    markdown = breach_documents.record_markdown(records, lang)
    right.download_button(tr("documents.record_pdf"), pdf.pdf_bytes(markdown, tr("documents.record")),
                          f"vern-breach-record-{lang}.pdf", "application/pdf", on_click=recorded, args=("pdf",))
