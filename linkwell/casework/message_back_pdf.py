"""A message back letter as a PDF (reportlab): the same words, in the same order, as the
printable letter page (casework/message_back_letter.html), built from `letter_view`. This is
what goes into the GP record over MESH (linkwell/mesh)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.dateformat import format as date_format
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from linkwell.casework.message_back import LetterSection, letter_view
from linkwell.casework.models import MessageBackLetter


def _lines(text: str) -> str:
    return "<br/>".join(escape(part) for part in str(text).splitlines())


def letter_pdf(letter: MessageBackLetter) -> bytes:
    view = letter_view(letter)
    summary = view.summary
    person = summary.get("person", {})
    recipient = letter.recipient_organisation
    styles = getSampleStyleSheet()
    body, h1, h2, h3 = (
        styles["BodyText"],
        styles["Heading1"],
        styles["Heading2"],
        styles["Heading3"],
    )
    to = recipient.name if recipient else "The referrer"
    if recipient and recipient.ods_code:
        to += f" ({recipient.ods_code})"
    sender = str(summary.get("link_worker_service", ""))
    if summary.get("link_worker"):
        sender += f", {summary['link_worker']}"
    title = f"Social prescribing: {view.title}"
    story: list[Any] = [
        Paragraph(
            "<br/>".join(
                [
                    escape(f"To: {to}"),
                    escape(f"From: {sender}"),
                    escape(f"Date: {date_format(letter.written_on, 'j F Y')}"),
                ]
            ),
            body,
        ),
        Paragraph(escape(title), h1),
        Paragraph(escape(f"Patient: {person.get('name', '')}"), body),
        Paragraph(escape(f"Date of birth: {person.get('date_of_birth', '')}"), body),
        Paragraph(escape(f"NHS number: {person.get('nhs_number') or 'Not recorded'}"), body),
    ]
    referral = summary.get("referral") or {}
    if referral.get("received_on"):
        source = f" ({referral['source']})" if referral.get("source") else ""
        story.append(
            Paragraph(escape(f"Referral received: {referral['received_on']}{source}"), body)
        )
    codes = "; ".join(f"{code['code']} {code['display']}" for code in view.snomed_codes)
    story.append(Paragraph(escape(f"SNOMED CT: {codes}"), body))

    def section(part: LetterSection) -> None:
        story.append(Paragraph(escape(part.heading), h2))
        story.extend(Paragraph(_lines(line), body) for line in part.lines)

    for part in view.before_outcome:
        section(part)
    story.append(Paragraph("Outcome", h2))
    for stage in view.stages:
        if len(view.stages) > 1:
            story.append(Paragraph(escape(stage.label), h3))
        lines = stage.lines or ["Nothing recorded yet."]
        story.extend(Paragraph(_lines(line), body) for line in lines)
    for part in view.after_outcome:
        section(part)
    story.append(Spacer(1, 6 * mm))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=str(summary.get("link_worker_service", "Linkwell")),
    ).build(story)
    return out.getvalue()
