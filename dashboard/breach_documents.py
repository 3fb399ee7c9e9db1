"""Download buttons for a breach's documents; every download lands in the audit trail."""

import streamlit as st

from audits import trail
from dashboard.ui import tr, vern


def downloads(record: dict, actor: str, lang: str) -> None:
    from audits import documents  # the drafts (Art. 33(3), Art. 34) and the PDF writer

    organisation = vern().config.organisation
    drafts = {
        "notification": documents.notification_markdown(record, organisation, lang),
        "letter": documents.subject_letter_markdown(record, organisation, lang),
    }
    for kind, markdown in drafts.items():
        st.subheader(tr(f"documents.{kind}"))
        left, right = st.columns(2)
        name = f"vern-breach-{record['id']}-{kind}-{lang}"

        def recorded(kind=kind, fmt="md"):
            trail.record(vern().store, actor, "export", f"breach {record['id']} {kind}.{fmt}")

        left.download_button(tr("documents.markdown"), markdown.encode(), f"{name}.md", "text/markdown",
                             on_click=recorded, key=f"{name}-md")
        right.download_button(tr("documents.pdf"), documents.pdf_bytes(markdown, record["title"]),
                              f"{name}.pdf", "application/pdf", on_click=lambda k=kind: recorded(k, "pdf"),
                              key=f"{name}-pdf")
        with st.expander(tr("documents.preview")):
            st.text(markdown)
