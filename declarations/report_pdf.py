"""A campaign's compliance report as a PDF for leaders: the same figures as the report page
(declarations.reports.campaign_report, the one definition), a chart of them drawn with
ReportLab's own graphics, and the tables. Built in memory from figures already counted, so it
costs no query of its own whatever the number of staff."""

from dataclasses import dataclass
from datetime import datetime
from html import escape
from io import BytesIO

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from declarations.models import Campaign
from declarations.reports import CampaignReport, Completion
from portal.lib.uktime import long_datetime

# Bitstream Vera ships inside ReportLab: a font embedded in the file, so accented names
# (Siân, Zoë) print as typed on any machine, with nothing to install.
FONT, BOLD = "Vera", "VeraBd"
pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))

# A page holds this many rows of chart; beyond it the chart shows everyone and the table below
# has every department (a drawing cannot run over a page break).
CHART_ROWS = 25

# Each part of a bar, with its colour and its name in the legend, in the order drawn.
PARTS = (
    ("signed_on_time", colors.HexColor("#1b7a3d"), "Signed on time"),
    ("signed_late", colors.HexColor("#c77c02"), "Signed late"),
    ("waiting", colors.HexColor("#5b7fa6"), "Not signed, not yet due"),
    ("overdue", colors.HexColor("#b3261e"), "Overdue"),
    ("paused", colors.HexColor("#b8b8b8"), "Paused"),
)

TEXT = ParagraphStyle("text", fontName=FONT, fontSize=10, leading=14)
SMALL = ParagraphStyle("small", parent=TEXT, fontSize=8, leading=11, textColor=colors.grey)
TITLE = ParagraphStyle("title", parent=TEXT, fontName=BOLD, fontSize=18, leading=23)
HEADING = ParagraphStyle("heading", parent=TEXT, fontName=BOLD, fontSize=13, leading=18)
TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


@dataclass(frozen=True)
class ReportPdf:
    """What the PDF says about where it came from."""

    organisation: str
    versions: list[dict[str, str]]
    produced_at: datetime
    produced_by: str


def _p(text: str, style: ParagraphStyle = TEXT) -> Paragraph:
    # Names typed by people go through escape(): Paragraph reads its text as markup.
    return Paragraph(escape(text), style)


def _percent(row: Completion) -> str:
    return f"{row.percent}%" if row.asked else "nobody asked"


def _waiting(row: Completion) -> int:
    return row.pending - row.overdue


def _figures_table(row: Completion) -> Table:
    lines = [
        ("Complete", f"{_percent(row)} ({row.signed} of {row.asked} asked have signed)"),
        ("Asked", row.asked),
        ("Signed on time", row.signed_on_time),
        ("Signed late", row.signed_late),
        ("Not signed yet", row.pending),
        ("Past their due date", row.overdue),
        ("Paused", f"{row.paused} (not counted in the percentage)" if row.paused else 0),
    ]
    table = Table(
        [[name, str(value)] for name, value in lines], colWidths=[50 * mm, 110 * mm], hAlign="LEFT"
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("FONT", (0, 0), (0, -1), BOLD, 10),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return table


def _completion_table(rows: list[Completion], first_column: str) -> Table:
    header = [first_column, "Asked", "On time", "Late", "Not signed", "Overdue", "Paused"]
    header.append("Complete")
    body: list[list] = [header]
    for row in rows:
        body.append(
            [
                _p(row.label, ParagraphStyle("cell", parent=TEXT, fontSize=8.5, leading=10)),
                row.asked,
                row.signed_on_time,
                row.signed_late,
                row.pending,
                row.overdue,
                row.paused,
                f"{row.percent}%" if row.asked else "–",
            ]
        )
    if len(body) == 1:
        body.append(["Nobody has been asked to sign yet.", "", "", "", "", "", "", ""])
    widths = [48 * mm] + [18 * mm] * 7
    table = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TABLE_STYLE)
    return table


def completion_chart(rows: list[Completion]) -> Drawing:
    """A stacked bar per row: how the people asked (and those paused) stand, each as a share of
    the row, so a small department reads as clearly as a large one."""
    width, bar = 165 * mm, 14
    height = len(rows) * bar * 1.5 + 80
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 62
    chart.width, chart.height = width - chart.x - 10, height - chart.y - 10
    totals = [max(row.asked + row.paused, 1) for row in rows]
    values = {
        "signed_on_time": [row.signed_on_time for row in rows],
        "signed_late": [row.signed_late for row in rows],
        "waiting": [_waiting(row) for row in rows],
        "overdue": [row.overdue for row in rows],
        "paused": [row.paused for row in rows],
    }
    chart.data = [
        [value * 100 / total for value, total in zip(values[name], totals, strict=True)]
        for name, _, _ in PARTS
    ]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [row.label[:40] for row in rows]
    # The first row (everyone) at the top, as in the table.
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.barSpacing = 0
    for index, (_, colour, _) in enumerate(PARTS):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = chart.x, 34
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.columnMaximum = 2
    legend.deltax = 110
    legend.dy = legend.dx = 7
    legend.colorNamePairs = [(colour, label) for _, colour, label in PARTS]
    drawing.add(legend)
    return drawing


def report_pdf(campaign: Campaign, report: CampaignReport, about: ReportPdf) -> bytes:
    """The report as PDF bytes."""
    out = BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=f"Compliance report: {campaign.name}",
        author=about.organisation,
        subject="Declaration campaign compliance report",
    )
    footer = f"{about.organisation} · {campaign.name} · produced {long_datetime(about.produced_at)}"

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, footer[:120])
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    dates = [f"{campaign.get_status_display()}."]
    if campaign.opened_at:
        dates.append(f"Opened {long_datetime(campaign.opened_at)}.")
    dates.append(
        f"Due by {long_datetime(campaign.due_at)} (UK time); people who started after it "
        "opened have their own due date."
    )
    if campaign.status == Campaign.Status.CLOSED and campaign.closed_at:
        by = f" by {campaign.closed_by.full_name}" if campaign.closed_by else ""
        reason = f": {campaign.closed_reason}" if campaign.closed_reason else ""
        dates.append(f"Closed {long_datetime(campaign.closed_at)}{by}{reason}.")
    story: list = [
        _p(about.organisation, SMALL),
        _p(f"Compliance report: {campaign.name}", TITLE),
        Spacer(0, 4),
        _p(" ".join(dates)),
        _p(
            f"Figures as at {long_datetime(about.produced_at)} (UK time), counting only people "
            f"with an active account. Produced by {about.produced_by}."
        ),
        Spacer(0, 8),
        _p("Policies asked", HEADING),
        ListFlowable(
            [_p(f"{v['policy']} {v['label']}") for v in about.versions]
            or [_p("No policy versions.")],
            bulletType="bullet",
            bulletFontName=FONT,
            start="•",
        ),
        Spacer(0, 8),
        KeepTogether([_p("Overall", HEADING), _figures_table(report.overall)]),
        Spacer(0, 10),
    ]
    charted = [report.overall, *report.by_department[:CHART_ROWS]]
    chart_note = "Each bar is the people asked or paused in that row, as a share of 100%."
    if len(report.by_department) > CHART_ROWS:
        chart_note += f" The chart shows the first {CHART_ROWS} departments; the table has all."
    story += [
        KeepTogether(
            [
                _p("Where people stand, by department", HEADING),
                completion_chart(charted),
                _p(chart_note, SMALL),
            ]
        ),
        Spacer(0, 10),
        _p("By department", HEADING),
        _completion_table(report.by_department, "Department"),
        Spacer(0, 10),
        _p("By employment type", HEADING),
        _completion_table(report.by_type, "Employment type"),
    ]
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()
