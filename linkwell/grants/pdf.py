"""The offer letter as a PDF (reportlab), with the same words as the page and the email."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer


def offer_pdf(letter: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"Grant offer {letter['reference']}",
        author=letter["organisation"],
    )
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    story: list[Any] = [
        Paragraph(escape(letter["organisation"]), styles["Heading2"]),
        Paragraph(escape(f"{letter['date']} · Reference {letter['reference']}"), body),
        Spacer(1, 6 * mm),
        Paragraph(escape(f"Dear {letter['applicant_name']},"), body),
        Paragraph(
            escape(
                f"We are pleased to offer you a {letter['tier']} grant of {letter['amount']} from "
                f"{letter['programme']} ({letter['round']}) for “{letter['title']}”."
            ),
            body,
        ),
    ]
    if letter["reason"]:
        story.append(Paragraph(escape(f"The panel said: {letter['reason']}"), body))
    story.append(Paragraph("The grant's conditions:", body))
    story.append(
        ListFlowable(
            [ListItem(Paragraph(escape(c), body)) for c in letter["conditions"]],
            bulletType="bullet",
        )
    )
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(escape(f"With best wishes, {letter['organisation']}"), body))
    doc.build(story)
    return out.getvalue()
