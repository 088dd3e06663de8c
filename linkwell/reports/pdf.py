"""The quarterly report as a PDF (reportlab), with the same published tables and charts (PNG)
as the HTML page."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linkwell.reports.charts import chart_png
from linkwell.reports.quarterly.structure import Report, fmt
from linkwell.reports.quarterly.structure import Table as ReportTable

NHS_BLUE = colors.HexColor("#005eb8")
DISCLOSURE = (
    "To protect people's privacy, counts of 1 to 7 are shown as *, other counts are rounded to "
    "the nearest 5, and averages and percentages over fewer than 8 people are shown as *."
)


def _table(table: ReportTable, styles: Any, width: float) -> Table:
    small = styles["BodyText"].clone("cell", fontSize=7, leading=8.5)
    head = small.clone("head", fontName="Helvetica-Bold")
    data = [[Paragraph(escape(h), head) for h in table.header()]]
    for row in table.cells():
        data.append([Paragraph(escape(fmt(c)), small) for c in row])
    cols = len(table.columns)
    first = min(width * 0.3, 60 * mm) if cols > 1 else width
    rest = (width - first) / max(cols - 1, 1)
    t = Table(data, colWidths=[first] + [rest] * (cols - 1), repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#d8dde0")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f4f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def report_pdf(report: Report) -> bytes:
    out = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=report.title,
        author="Linkwell",
        subject=f"{report.period}; {report.scope}",
    )
    styles = getSampleStyleSheet()
    h1 = styles["Title"].clone("h1", textColor=NHS_BLUE, alignment=0)
    h2 = styles["Heading2"].clone("h2", textColor=NHS_BLUE)
    h3 = styles["Heading4"]
    body = styles["BodyText"]
    note = body.clone("note", fontSize=8, leading=10, textColor=colors.HexColor("#4c6272"))
    width = page[0] - 30 * mm
    height = page[1] - 30 * mm - 12  # the frame, less its padding
    flow: list[Any] = [
        Paragraph(escape(report.title), h1),
        Paragraph(escape(f"Period: {report.period}. Scope: {report.scope}."), body),
        Paragraph(
            escape(
                "Unsuppressed figures: do not share outside your organisation (this download "
                "was recorded in the audit trail)."
                if report.unsuppressed
                else DISCLOSURE
            ),
            note,
        ),
    ]
    for section in report.sections:
        flow.append(Paragraph(escape(section.title), h2))
        if section.intro:
            flow.append(Paragraph(escape(section.intro), body))
        for table in section.tables:
            flow.append(Paragraph(escape(table.title), h3))
            png = chart_png(table)
            if png is not None:
                img = Image(io.BytesIO(png))
                # Fit the frame both ways: a long bar list (many practices) is tall.
                scale = min(1.0, (width * 0.7) / img.drawWidth, (height * 0.9) / img.drawHeight)
                img.drawWidth *= scale
                img.drawHeight *= scale
                img.hAlign = "LEFT"
                flow.append(img)
            if table.rows:
                flow.append(_table(table, styles, width))
            else:
                flow.append(Paragraph("Nothing recorded in the period.", body))
            if table.note:
                flow.append(Paragraph(escape(table.note), note))
            flow.append(Spacer(1, 4 * mm))
        for story in section.stories:
            flow.append(Paragraph(escape(story.title), h3))
            flow.append(Paragraph(escape(story.text), body))
            flow.append(Paragraph(escape(story.service), note))
        if section.id == "stories" and not section.stories:
            flow.append(Paragraph("No stories with consent to publish in the period.", body))
    doc.build(flow)
    return out.getvalue()
