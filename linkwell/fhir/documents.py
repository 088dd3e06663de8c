"""Messages back as FHIR documents, and the one structure the letter page and the PDF share.

A `MessageBackLetter` (one letter to one organisation about one case on one day) becomes:

- `message_back_view(letter)`: the letter's content as sections, each with its heading and its
  SNOMED CT record-heading code (the PRSB headings used in NHS documents). The printable letter
  page (through the `fhir_documents` template tag), the PDF and the FHIR document are all made
  from this, so the three say the same.
- `message_back_document(letter) -> dict`: a FHIR R4 `document` Bundle: the Composition first
  (id = the letter's public id, type "Report of clinical encounter", the stage codes 871731000000106
  "Referral to social prescribing service" or 871711000000103 "Social prescribing declined" as its
  event), then the Patient, the link worker service (Organization, the author), the link worker
  (Practitioner) when one is assigned, and an Observation per outcome measure total (PHQ-9 and
  GAD-7 totals LOINC-coded). The MESH sender calls this; keep its signature.
- `message_back_pdf(letter) -> bytes`: the same content as a PDF (reportlab).

Consent: the sections are the summaries frozen when each message back was written; without the
person's consent to share they already hold only what happened (stage, dates, codes). Outcome
measures are read at the letter's date and carried only with consent, as on the letter.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from fhir.resources.R4B.bundle import Bundle

from linkwell.casework.message_back import NOT_SHARED, LetterStage, letter_view
from linkwell.casework.models import MessageBackLetter
from linkwell.core.snomed import SNOMED_SYSTEM
from linkwell.fhir.resources import organization_resource, patient_resource
from linkwell.fhir.resources.common import LOINC, PROFILE_PRACTITIONER, instant
from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.registry import UnknownInstrument, get_instrument

XHTML = "http://www.w3.org/1999/xhtml"

# Composition.type: SNOMED CT 371531000 "Report of clinical encounter (record artifact)".
DOCUMENT_TYPE = {
    "system": SNOMED_SYSTEM,
    "code": "371531000",
    "display": "Report of clinical encounter",
}

# Sections in letter order: (key, heading, SNOMED CT record heading code, its display). The codes
# are the PRSB record headings NHS documents use; a section's key is the key of the frozen summary
# (casework.message_back.HEADINGS) or one of "who" and "measures", which this module adds.
SECTIONS: list[tuple[str, str, str, str]] = [
    ("who", "Who is writing", "887231000000104", "Person completing record"),
    ("reason_for_referral", "Reason for referral", "1052891000000108", "Referrer details"),
    (
        "what_matters",
        "What matters to the person",
        "1052941000000107",
        "Patient and carer concerns, expectations and wishes",
    ),
    ("plan", "Plan and goals", "887201000000105", "Plan and requested actions"),
    ("connections", "Connections to community support", "887051000000101", "Social context"),
    ("outcome", "Outcome", "887181000000106", "Clinical summary"),
    ("measures", "Outcome measures", "887141000000103", "Assessment scales"),
    ("next_steps", "Next steps", "1052951000000105", "Information and advice given"),
]

# The LOINC codes the NHS uses for the PHQ-9 and GAD-7 totals; other instruments are named in
# text only.
LOINC_TOTALS: dict[str, tuple[str, str]] = {
    "phq9": ("44249-1", "PHQ-9 quick depression assessment panel"),
    "gad7": ("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
}

NOTHING_YET = "Nothing recorded yet."


@dataclass(frozen=True)
class Measure:
    """One outcome measure total on the letter (the latest of each instrument at its date)."""

    administration: MeasureAdministration
    name: str
    line: str


@dataclass(frozen=True)
class DocumentSection:
    key: str
    heading: str
    code: str
    code_display: str
    lines: list[str]
    # The Outcome section lists each stage of the day with its own lines.
    stages: list[LetterStage] = field(default_factory=list)

    @property
    def many_stages(self) -> bool:
        return len(self.stages) > 1


@dataclass(frozen=True)
class MessageBackView:
    """A letter's content, in the order and with the codes of the FHIR document."""

    letter: MessageBackLetter
    title: str
    summary: dict[str, Any]
    shared: bool
    written_at: dt.datetime
    link_worker_service: str
    link_worker: str
    snomed_codes: list[dict[str, str]]
    sections: list[DocumentSection]
    measures: list[Measure]

    @property
    def full_title(self) -> str:
        return f"Social prescribing: {self.title}"

    @property
    def body_sections(self) -> list[DocumentSection]:
        """The sections the letter's body shows (who is writing is in its "From" line)."""
        return [section for section in self.sections if section.key != "who"]


def _measure_name(administration: MeasureAdministration) -> str:
    try:
        return get_instrument(
            administration.instrument_id, administration.instrument_version
        ).short_title
    except UnknownInstrument:
        return administration.instrument_id.upper()


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _measures(letter: MessageBackLetter) -> list[Measure]:
    """The latest total of each instrument recorded for the case on or before the letter's date."""
    rows = MeasureAdministration.objects.filter(
        case_id=letter.case_id, administered_on__lte=letter.written_on, score__isnull=False
    ).order_by("instrument_id", "-administered_on", "-created_at", "-pk")
    out: list[Measure] = []
    seen: set[str] = set()
    for row in rows:
        if row.instrument_id in seen or row.score is None:
            continue
        seen.add(row.instrument_id)
        name = _measure_name(row)
        band = f" ({row.band})" if row.band else ""
        line = (
            f"{name}: {_number(row.score)}{band}, {row.get_timepoint_display().lower()}, "
            f"{row.administered_on:%-d %B %Y}."
        )
        out.append(Measure(administration=row, name=name, line=line))
    return out


def message_back_view(letter: MessageBackLetter) -> MessageBackView:
    """The letter's content as coded sections (pure read)."""
    view = letter_view(letter)
    summary = view.summary
    frozen = summary.get("sections", {})
    shared = bool(summary.get("shared"))
    measures = _measures(letter) if shared else []
    service = summary.get("link_worker_service") or letter.case.link_worker_service.name
    worker = summary.get("link_worker", "")
    entries = list(letter.entries.all())
    written_at = entries[-1].created_at if entries else letter.created_at
    sections: list[DocumentSection] = []
    for key, heading, code, display in SECTIONS:
        stages: list[LetterStage] = []
        if key == "who":
            lines = [f"{worker}, {service}" if worker else service]
        elif key == "outcome":
            stages = view.stages
            lines = [line for stage in stages for line in stage.lines] or [NOTHING_YET]
        elif key == "measures":
            if not shared:
                lines = [NOT_SHARED]
            else:
                lines = [m.line for m in measures] or ["No outcome measures recorded yet."]
        else:
            lines = list(frozen.get(key) or [NOTHING_YET])
        sections.append(DocumentSection(key, heading, code, display, lines, stages))
    return MessageBackView(
        letter=letter,
        title=view.title,
        summary=summary,
        shared=shared,
        written_at=written_at,
        link_worker_service=service,
        link_worker=worker,
        snomed_codes=view.snomed_codes,
        sections=sections,
        measures=measures,
    )


# --- The FHIR document ------------------------------------------------------------------------


# Characters XML 1.0 does not allow (control characters other than tab and newlines).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xhtml_text(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def _narrative(paragraphs: list[str], heading: str = "") -> dict[str, str]:
    body = "".join(f"<p>{_xhtml_text(line)}</p>" for line in paragraphs)
    if heading:
        body = f"<h2>{_xhtml_text(heading)}</h2>{body}"
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def _urn(value: uuid.UUID | str) -> str:
    return f"urn:uuid:{value}"


def _locator(base_url: str | None) -> Callable[[dict[str, Any]], str]:
    """How the document names its resources: `urn:uuid:` (a document travelling on its own, as
    over MESH) or the server's own URLs (`base_url`, as the API serves it)."""
    if base_url is None:
        return lambda resource: _urn(resource["id"])
    base = base_url.rstrip("/")
    return lambda resource: f"{base}/{resource['resourceType']}/{resource['id']}"


def _practitioner(user: Any, name: str) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "id": str(user.uuid),
        "meta": {"profile": [PROFILE_PRACTITIONER]},
        "name": [{"text": name}],
    }


def _observation(measure: Measure, patient_ref: str) -> dict[str, Any]:
    row = measure.administration
    coding: list[dict[str, str]] = []
    if row.instrument_id in LOINC_TOTALS:
        code, display = LOINC_TOTALS[row.instrument_id]
        coding.append({"system": LOINC, "code": code, "display": display})
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(row.uuid),
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                        "display": "Survey",
                    }
                ]
            }
        ],
        "code": {"text": f"{measure.name} total score"},
        "subject": {"reference": patient_ref},
        "effectiveDateTime": row.administered_on.isoformat(),
        "valueQuantity": {
            "value": _number(row.score or 0),
            "unit": "score",
            "system": "http://unitsofmeasure.org",
            "code": "{score}",
        },
    }
    if coding:
        resource["code"]["coding"] = coding
    if row.band:
        resource["interpretation"] = [{"text": row.band}]
    return resource


def message_back_document(letter: MessageBackLetter) -> dict[str, Any]:
    """The letter as a FHIR R4 `document` Bundle (JSON-ready dict), its entries named by
    `urn:uuid:` so it stands on its own (as sent over MESH). Pure read: no writes, no audit (the
    caller audits who it was shown or sent to)."""
    return message_back_bundle(letter)


def message_back_bundle(letter: MessageBackLetter, base_url: str | None = None) -> dict[str, Any]:
    """The document Bundle; with `base_url` (the API's base) its entries are named by the
    server's URLs instead of `urn:uuid:`."""
    locate = _locator(base_url)
    view = message_back_view(letter)
    case = letter.case
    patient = patient_resource(case.person)
    patient_ref = locate(patient)
    author = organization_resource(case.link_worker_service)
    author_ref = locate(author)
    practitioner = None
    if case.assigned_to is not None and view.link_worker:
        practitioner = _practitioner(case.assigned_to, view.link_worker)
    observations = [_observation(m, patient_ref) for m in view.measures]
    authors = [{"reference": author_ref, "display": view.link_worker_service}]
    if practitioner is not None:
        authors.insert(0, {"reference": locate(practitioner), "display": view.link_worker})

    sections: list[dict[str, Any]] = []
    for section in view.sections:
        paragraphs = list(section.lines)
        if section.many_stages:
            paragraphs = [
                f"{stage.label}: {line}" for stage in section.stages for line in stage.lines
            ]
        item: dict[str, Any] = {
            "title": section.heading,
            "code": {
                "coding": [
                    {"system": SNOMED_SYSTEM, "code": section.code, "display": section.code_display}
                ],
                "text": section.heading,
            },
            "text": _narrative(paragraphs),
        }
        if section.key == "who":
            item["author"] = authors
            item["entry"] = [{"reference": a["reference"]} for a in authors]
        elif section.key == "measures" and observations:
            item["entry"] = [{"reference": locate(o)} for o in observations]
        elif section.key == "outcome":
            item["code"]["coding"].extend(view.snomed_codes)
        sections.append(item)

    recipient = letter.recipient_organisation
    composition: dict[str, Any] = {
        "resourceType": "Composition",
        "id": str(letter.uuid),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": _urn(letter.uuid)},
        "status": "final",
        "type": {"coding": [dict(DOCUMENT_TYPE)], "text": "Social prescribing message back"},
        "subject": {
            "reference": patient_ref,
            "display": view.summary.get("person", {}).get("name", ""),
        },
        "date": instant(view.written_at),
        "author": authors,
        "title": view.full_title,
        "custodian": {"reference": author_ref, "display": view.link_worker_service},
        "event": [
            {
                "code": [{"coding": [code], "text": code["display"]} for code in view.snomed_codes]
                or [{"text": "Social prescribing"}],
                "period": {"start": letter.written_on.isoformat()},
            }
        ],
        "section": sections,
    }
    composition["text"] = _narrative(
        [
            f"To: {recipient.name}" if recipient is not None else "To: the referrer",
            "From: "
            + view.link_worker_service
            + (f", {view.link_worker}" if view.link_worker else ""),
            f"Date: {letter.written_on:%-d %B %Y}",
        ],
        heading=view.full_title,
    )

    resources: list[dict[str, Any]] = [composition, patient, author]
    if practitioner is not None:
        resources.append(practitioner)
    resources.extend(observations)
    last = letter.entries.order_by("-created_at", "-pk").values_list("uuid", flat=True).first()
    version = uuid.uuid5(letter.uuid, str(last or letter.uuid))
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": str(version),
        "meta": {"lastUpdated": instant(view.written_at)},
        "identifier": {"system": "urn:ietf:rfc:3986", "value": _urn(version)},
        "type": "document",
        "timestamp": instant(view.written_at),
        "entry": [{"fullUrl": locate(r), "resource": r} for r in resources],
    }
    # Checked against the R4B model: a bug here fails loudly rather than sending a bad document.
    Bundle.model_validate(bundle)
    return bundle


# --- The PDF ----------------------------------------------------------------------------------


def message_back_pdf(letter: MessageBackLetter) -> bytes:
    """The letter as a PDF, from the same sections as the page and the FHIR document."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    view = message_back_view(letter)
    person = view.summary.get("person", {})
    referral = view.summary.get("referral", {})
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{view.full_title}, {person.get('name', '')}",
        author=view.link_worker_service,
    )
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    recipient = letter.recipient_organisation
    to = recipient.name if recipient is not None else "The referrer"
    if recipient is not None and recipient.ods_code:
        to += f" ({recipient.ods_code})"
    sender = view.link_worker_service + (f", {view.link_worker}" if view.link_worker else "")
    story: list[Any] = [
        Paragraph(escape(f"To: {to}"), body),
        Paragraph(escape(f"From: {sender}"), body),
        Paragraph(escape(f"Date: {letter.written_on:%-d %B %Y}"), body),
        Spacer(1, 4 * mm),
        Paragraph(escape(view.full_title), styles["Heading1"]),
    ]
    rows = [
        ["Patient", person.get("name", "")],
        ["Date of birth", person.get("date_of_birth", "")],
        ["NHS number", person.get("nhs_number") or "Not recorded"],
    ]
    if referral.get("received_on"):
        source = f" ({referral['source']})" if referral.get("source") else ""
        rows.append(["Referral received", f"{referral['received_on']}{source}"])
    rows.append(
        [
            "SNOMED CT",
            "; ".join(f"{code['code']} {code['display']}" for code in view.snomed_codes),
        ]
    )
    story.append(
        Table(
            [[Paragraph(escape(a), body), Paragraph(escape(str(b)), body)] for a, b in rows],
            colWidths=[45 * mm, 125 * mm],
        )
    )
    for section in view.body_sections:
        story.append(Paragraph(escape(section.heading), styles["Heading2"]))
        if section.many_stages:
            for stage in section.stages:
                story.append(Paragraph(escape(stage.label), styles["Heading3"]))
                for line in stage.lines or [NOTHING_YET]:
                    story.append(Paragraph(escape(line), body))
        else:
            for line in section.lines:
                story.append(Paragraph(escape(line).replace("\n", "<br/>"), body))
    doc.build(story)
    return out.getvalue()
