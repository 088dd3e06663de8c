"""The subject access export as a readable PDF (reportlab, as linkwell/reports/pdf.py): the same
sections and records as the JSON document, one small table per record."""

from __future__ import annotations

import io
import json
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linkwell.ops.subject_access import Record, SubjectAccessExport
from linkwell.people.validation import format_nhs_number

NHS_BLUE = colors.HexColor("#005eb8")
WARNING = colors.HexColor("#ffeb3b")


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=None)
    return str(value)


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _record_table(record: Record, styles: Any, width: float) -> Table:
    small = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    head = small.clone("head", fontName="Helvetica-Bold")
    rows = [
        [Paragraph(escape(_label(k)), head), Paragraph(escape(_text(v)), small)]
        for k, v in record.fields.items()
    ]
    t = Table(rows, colWidths=[width * 0.3, width * 0.7])
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#d8dde0")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f4f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def export_pdf(export: SubjectAccessExport) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="Subject access request",
        author="Linkwell",
    )
    styles = getSampleStyleSheet()
    h1 = styles["Title"].clone("h1", textColor=NHS_BLUE, alignment=0)
    h2 = styles["Heading2"].clone("h2", textColor=NHS_BLUE)
    h3 = styles["Heading4"]
    body = styles["BodyText"]
    flag = body.clone("flag", backColor=WARNING, fontName="Helvetica-Bold", fontSize=8)
    width = A4[0] - 30 * mm
    person = export.person
    nhs = format_nhs_number(export.nhs_number) if export.nhs_number else "not recorded"
    flow: list[Any] = [
        Paragraph("Subject access request: information held in Linkwell", h1),
        Paragraph(
            escape(f"About: {person.given_name} {person.family_name}. NHS number: {nhs}."), body
        ),
        Paragraph(
            escape(
                f"Produced {export.generated_at:%d %B %Y %H:%M} UTC by {export.generated_by or 'an administrator'}. "
                f"Records included: {len(export.people)} person record(s)."
            ),
            body,
        ),
        Paragraph(
            "Before release, read every record marked for review: it may name other people or "
            "hold information a health professional should look at first.",
            flag,
        ),
        Spacer(1, 4 * mm),
    ]
    for section in export.sections:
        flow.append(Paragraph(escape(section.title), h2))
        if not section.records:
            flow.append(Paragraph("Nothing held.", body))
            continue
        for record in section.records:
            parts: list[Any] = [
                Paragraph(escape(f"{record.kind.capitalize()} {record.id}".strip()), h3)
            ]
            if record.review:
                parts.append(Paragraph(escape(f"Review before release: {record.review}"), flag))
            parts.append(_record_table(record, styles, width))
            parts.append(Spacer(1, 3 * mm))
            flow.append(KeepTogether(parts) if len(record.fields) < 25 else parts[0])
            if len(record.fields) >= 25:
                flow.extend(parts[1:])
    flow.append(Paragraph("Consents recorded", h2))
    if export.consents:
        for c in export.consents:
            line = f"{c['record']} {c['id']}: {_label(c['consent'])}: {_text(c['value'])}"
            flow.append(Paragraph(escape(line), body))
    else:
        flow.append(Paragraph("None recorded.", body))
    flow.append(Paragraph("Who has read or changed the record (audit trail)", h2))
    for e in export.audit_trail:
        line = (
            f"{e['at']}: {e['action']} ({e['kind']}, {e['channel']}) by {e['by'] or 'the system'}"
        )
        flow.append(Paragraph(escape(line), body))
    if not export.audit_trail:
        flow.append(Paragraph("No events.", body))
    doc.build(flow)
    return out.getvalue()
