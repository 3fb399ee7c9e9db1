"""PDF from the small Markdown Vern writes itself: headings, paragraphs, bullet lists, **bold**.

Text is set in Bitstream Vera, the TrueType font that ships inside reportlab, so æøå and
the rest of Latin text render and can be read back; no network, no system fonts.
reportlab's Paragraph takes XML-like markup, so every piece of text is escaped first.
"""

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

FONTS = Path(reportlab.__file__).parent / "fonts"
REGULAR, BOLD = "Vera", "VeraBd"

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~$])")


def _register_fonts() -> None:
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=14, spaceAfter=5)
    return {
        "body": body,
        "h1": ParagraphStyle("h1", body, fontName=BOLD, fontSize=16, leading=20, spaceAfter=8),
        "h2": ParagraphStyle("h2", body, fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=4, spaceAfter=2),
        "bullet": ParagraphStyle("bullet", body, spaceAfter=2),
    }


def inline(text: str) -> str:
    """One line of our Markdown as Paragraph markup: escaped, **bold** kept, \\-escapes undone."""
    parts = []
    for index, piece in enumerate(_BOLD.split(text)):
        piece = escape(_UNESCAPE.sub(r"\1", piece))
        parts.append(f"<b>{piece}</b>" if index % 2 else piece)
    return "".join(parts)


def _flowables(markdown_text: str, styles: dict[str, ParagraphStyle]) -> list:
    story: list = []
    paragraph: list[str] = []
    bullets: list[list[str]] = []

    def flush() -> None:
        if paragraph:
            story.append(Paragraph("<br/>".join(inline(line) for line in paragraph), styles["body"]))
            paragraph.clear()
        if bullets:
            items = [ListItem(Paragraph("<br/>".join(inline(line) for line in item), styles["bullet"]),
                              leftIndent=14) for item in bullets]
            story.append(ListFlowable(items, bulletType="bullet", start="•", leftIndent=14,
                                      bulletFontName=REGULAR, bulletFontSize=9))
            story.append(Spacer(1, 4))
            bullets.clear()

    for raw in markdown_text.splitlines():
        line = raw.rstrip()
        heading, bullet = _HEADING.match(line), _BULLET.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            story.append(Paragraph(inline(heading.group(2)), styles[f"h{len(heading.group(1))}"]))
        elif bullet:
            if paragraph:
                flush()
            bullets.append([bullet.group(1)])
        elif bullets and raw.startswith("  "):
            bullets[-1].append(line.strip())  # a bullet's continuation line
        else:
            if bullets:
                flush()
            paragraph.append(line.strip())
    flush()
    return story


def pdf_bytes(markdown_text: str, title: str) -> bytes:
    """A real PDF (A4, page numbers in the footer) from Vern's Markdown."""
    _register_fonts()
    out = io.BytesIO()

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(20 * mm, 12 * mm, title[:120])
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, str(doc.page))
        canvas.restoreState()

    document = SimpleDocTemplate(out, pagesize=A4, title=title, author="Vern", creator="Vern",
                                 leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                                 bottomMargin=20 * mm,
                                 invariant=True)  # same text, same bytes: no timestamp, no random id
    story = _flowables(markdown_text, _styles()) or [Spacer(1, 1)]
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
