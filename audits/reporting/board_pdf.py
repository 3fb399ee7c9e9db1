"""The board summary as a PDF: title, date, the narrative, the scores with their method,
the charts, the key figures and data-subject requests answered on time — drawn by
reportlab.graphics, so it needs no browser and no network.

Everything in it comes from `board.summary()`: aggregates only. Text is set in the fonts
Vern's other PDFs use (audits/io/pdf.py), so æøå render and read back.
"""

import io
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from audits.checking import registry
from audits.core import clock, trail
from audits.core.i18n import t
from audits.io import pdf
from audits.reporting import board

WIDTH = A4[0] - 40 * mm
AREA_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf")
LEVEL_COLOURS = {"very_high": "#7b1f1f", "high": "#d9534f", "medium": "#f0ad4e", "low": "#8fbc8f",
                 "unassessed": "#bbbbbb"}


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=pdf.REGULAR, fontSize=10, leading=14, spaceAfter=5)
    return {
        "body": body,
        "small": ParagraphStyle("small", body, fontSize=8.5, leading=11.5, textColor=colors.HexColor("#444444")),
        "h1": ParagraphStyle("h1", body, fontName=pdf.BOLD, fontSize=16, leading=20, spaceAfter=4),
        "h2": ParagraphStyle("h2", body, fontName=pdf.BOLD, fontSize=12.5, leading=16, spaceBefore=10,
                             spaceAfter=4),
        "cell": ParagraphStyle("cell", body, fontSize=9, leading=12, spaceAfter=0),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _open_text(area: dict[str, Any], lang: str) -> str:
    """What counts against an area's score, e.g. 'high 5, medium 1'."""
    if area["area"] == board.BREACHES:
        parts = [(t(f"board.state.{k}", lang), n) for k, n in area["open"].items()]
    else:
        parts = [(t(f"severity.{k}", lang), n) for k, n in area["open"].items()]
    return ", ".join(f"{label} {n}" for label, n in parts if n) or "—"


def _score_table(data: dict[str, Any], lang: str, styles) -> Table:
    rows = [[_p(t("board.col.area", lang), styles["cell"]), _p(t("board.col.score", lang), styles["cell"]),
             _p(t("board.col.open", lang), styles["cell"])]]
    for area in data["areas"]:
        shown = str(area["score"]) if area["verified"] else t("board.not_verified", lang)
        rows.append([_p(registry.area_title(area["area"], lang), styles["cell"]), _p(shown, styles["cell"]),
                     _p(_open_text(area, lang), styles["cell"])])
    table = Table(rows, colWidths=[WIDTH * 0.42, WIDTH * 0.12, WIDTH * 0.46], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), pdf.REGULAR), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("FONTNAME", (1, 1), (1, -1), pdf.BOLD), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
    ]))
    return table


def _figures_table(data: dict[str, Any], lang: str, styles) -> Table:
    counts, within = data["breaches"], data["notified_within_72h"]
    training, agreements = data["training"], data["agreements"]
    rows = [
        (t("board.this_quarter", lang), str(counts["this_quarter"]["total"])),
        (t("board.open", lang), str(counts["open"])),
        (t("board.overdue", lang), str(counts["overdue"])),
        (t("board.within_72h", lang), f"{board.percent(within['share'], lang)} ({within['within']}/{within['counted']})"),
        (t("board.training", lang), board.percent(training["share"], lang)
         + (f" ({training['covered']}/{training['required']})" if training["share"] is not None else "")),
        (t("board.agreements", lang), f"{agreements['in_order']}/{agreements['total']}"),
        (t("board.retention", lang), str(data["retention"]["overdue"])),
    ]
    return _pairs_table(rows, styles)


def _pairs_table(rows: list[tuple[str, str]], styles) -> Table:
    """Label and figure, one pair a row."""
    table = Table([[_p(label, styles["cell"]), value] for label, value in rows],
                  colWidths=[WIDTH * 0.6, WIDTH * 0.4])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), pdf.REGULAR), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
    ]))
    return table


def requests_part(data: dict[str, Any], lang: str, styles) -> list:
    """Data-subject requests: answered on time in the last 12 months, open now, per quarter."""
    figures = data["requests"]
    rows = [
        (t("board.requests_on_time", lang),
         f"{board.percent(figures['share'], lang)} ({figures['on_time']}/{figures['answered']})"),
        (t("board.requests_late", lang), str(figures["late"])),
        (t("board.requests_open", lang), str(figures["open"])),
        (t("board.requests_overdue", lang), str(figures["overdue"])),
    ]
    part = [_p(registry.area_title("requests", lang), styles["h2"]), _p(t("board.requests_explain", lang), styles["small"]),
            _pairs_table(rows, styles)]
    if any(q["answered"] for q in figures["quarters"]):
        part += [Spacer(1, 4), _p(f"{t('board.requests_per_quarter', lang)}: {board.requests_by_quarter(figures, lang)}",
                                  styles["small"])]
    return part


def _legend(pairs: list[tuple[str, str]], x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = pdf.REGULAR, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 8
    legend.dx = legend.dy = 7
    legend.colorNamePairs = [(colors.HexColor(colour), name) for colour, name in pairs]
    return legend


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 12, text, fontName=pdf.BOLD, fontSize=10))


def trend_chart(data: dict[str, Any], lang: str) -> Drawing:
    """One line per area: its score at the end of each of the last twelve months."""
    drawing = Drawing(WIDTH, 210)
    _title(drawing, t("board.trend", lang))
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 28, 30, WIDTH - 190, 150
    areas = [a["area"] for a in data["areas"]]
    chart.data = [[point["scores"].get(area, 0) for point in data["trend"]] for area in areas]
    chart.categoryAxis.categoryNames = [point["month"] for point in data["trend"]]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = pdf.REGULAR, 6.5
    chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 30, "ne"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = pdf.REGULAR, 7
    for index in range(len(areas)):
        chart.lines[index].strokeColor = colors.HexColor(AREA_COLOURS[index % len(AREA_COLOURS)])
        chart.lines[index].strokeWidth = 1.5
    drawing.add(chart)
    pairs = [(AREA_COLOURS[i % len(AREA_COLOURS)], registry.area_title(a, lang)) for i, a in enumerate(areas)]
    drawing.add(_legend(pairs, WIDTH - 150, 170))
    return drawing


def quarter_chart(data: dict[str, Any], lang: str) -> Drawing:
    """Breaches per quarter, stacked by their latest ENISA level."""
    drawing = Drawing(WIDTH, 190)
    _title(drawing, t("board.per_quarter", lang))
    quarters = data["breaches"]["quarters"]
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 28, 25, WIDTH - 190, 135
    chart.data = [[q[level] for q in quarters] for level in board.LEVELS]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [board.quarter_label(q["quarter"], lang) for q in quarters]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = pdf.REGULAR, 7
    top = max((q["total"] for q in quarters), default=0)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, max(top, 4)
    chart.valueAxis.valueStep = max(1, -(-max(top, 4) // 5))
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = pdf.REGULAR, 7
    chart.barWidth = 12
    for index, level in enumerate(board.LEVELS):
        chart.bars[index].fillColor = colors.HexColor(LEVEL_COLOURS[level])
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    drawing.add(_legend([(LEVEL_COLOURS[level], level_label(level, lang)) for level in board.LEVELS],
                        WIDTH - 150, 150))
    return drawing


def training_chart(data: dict[str, Any], lang: str) -> Drawing:
    """Training coverage (percent) at the last run of each month that had one."""
    points = [p for p in data["training"]["trend"] if p["share"] is not None]
    drawing = Drawing(WIDTH, 160)
    _title(drawing, t("board.training_trend", lang))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 28, 25, WIDTH - 190, 105
    chart.data = [[round(p["share"] * 100) for p in points]]
    chart.categoryAxis.categoryNames = [p["month"] for p in points]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = pdf.REGULAR, 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = pdf.REGULAR, 7
    chart.barWidth = 12
    chart.bars[0].fillColor = colors.HexColor(AREA_COLOURS[2])
    drawing.add(chart)
    return drawing


def level_label(level: str, lang: str) -> str:
    return t("board.level.unassessed" if level == "unassessed" else f"level.{level}", lang)


def _story(data: dict[str, Any], lang: str) -> list:
    styles = _styles()
    as_of = clock.show(datetime.fromisoformat(data["as_of"].replace("Z", "+00:00")))
    story: list = [
        _p(t("board.title", lang), styles["h1"]),
        _p(t("board.as_of", lang, at=as_of), styles["body"]),
        _p(t("board.explain", lang), styles["small"]),
        _p(t("board.summary", lang), styles["h2"]),
        *(_p(sentence, styles["body"]) for sentence in board.narrative(data, lang)),
        _p(t("board.scores", lang), styles["h2"]),
        _score_table(data, lang, styles),
        Spacer(1, 6),
    ]
    failed = sum(a["failed_last_run"] for a in data["areas"])
    if failed:
        story.append(_p(t("board.failed_runs", lang, n=failed), styles["small"]))
    story += [
        KeepTogether([_p(t("board.method_title", lang), styles["h2"]), _p(t("board.method", lang), styles["small"])]),
        Spacer(1, 8),
        KeepTogether([trend_chart(data, lang), _p(t("board.trend_explain", lang), styles["small"])]),
        _p(t("board.breaches", lang), styles["h2"]),
        quarter_chart(data, lang),
        KeepTogether([_p(t("board.key_figures", lang), styles["h2"]), _figures_table(data, lang, styles)]),
        KeepTogether(requests_part(data, lang, styles)),
    ]
    if any(p["share"] is not None for p in data["training"]["trend"]):
        story += [Spacer(1, 10), training_chart(data, lang)]
    story += [Spacer(1, 10), _p(trail.head_line(data.get("trail"), lang), styles["small"])]
    return story


def pdf_bytes(data: dict[str, Any], lang: str) -> bytes:
    """A real PDF (A4, page numbers in the footer) of `board.summary()`'s numbers."""
    pdf._register_fonts()
    title = t("board.title", lang)
    out = io.BytesIO()

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(pdf.REGULAR, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(20 * mm, 12 * mm, f"{title} · {data['today']}")
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, str(doc.page))
        canvas.restoreState()

    document = SimpleDocTemplate(out, pagesize=A4, title=title, author="Vern", creator="Vern",
                                 leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                                 bottomMargin=20 * mm, invariant=True)
    document.build(_story(data, lang), onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
