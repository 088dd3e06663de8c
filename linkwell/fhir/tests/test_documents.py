"""Messages back as FHIR documents: the Bundle, its coding, consent, and the letter and PDF made
from the same sections."""

from __future__ import annotations

import base64
import datetime as dt
import re
import uuid
import zlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.casework.message_back import NOT_SHARED, message_back_record
from linkwell.casework.models import Case, MessageBack, MessageBackLetter
from linkwell.casework.tests.factories import referred_case
from linkwell.fhir.documents import message_back_document, message_back_pdf
from linkwell.fhir.validation import assert_valid_fhir
from linkwell.outcomes.models import MeasureAdministration
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

SNOMED = "http://snomed.info/sct"


class _Service:
    name = "Oswestry Men's Shed"


class _Connection:
    service = _Service()

    def __init__(self) -> None:
        self.uuid = uuid.uuid4()
        self.status = "accepted"


def _letter(personas: Personas, *stages: str, **case_kwargs: Any) -> MessageBackLetter:
    case = referred_case(personas, **case_kwargs)
    for stage in stages or (MessageBack.Stage.SEEN,):
        message_back_record(
            actor=personas.link_worker,
            case=case,
            stage=stage,
            connection=_Connection() if stage == MessageBack.Stage.CONNECTED else None,
        )
    return MessageBackLetter.objects.get(case=case)


def _measure(case: Case, instrument: str, score: float, band: str = "", days_ago: int = 0) -> None:
    MeasureAdministration.objects.create(
        case=case,
        organisation=case.link_worker_service,
        instrument_id=instrument,
        instrument_version="1",
        timepoint="baseline",
        administered_on=timezone.localdate() - dt.timedelta(days=days_ago),
        score=score,
        raw=score,
        band=band,
        completed_by="link_worker",
    )


def _sections(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    composition = bundle["entry"][0]["resource"]
    return {s["code"]["coding"][0]["code"]: s for s in composition["section"]}


def _text(section: dict[str, Any]) -> str:
    return str(section["text"]["div"])


def test_the_message_back_is_a_valid_fhir_document_with_the_composition_first(
    personas: Personas,
) -> None:
    letter = _letter(personas, MessageBack.Stage.SEEN, MessageBack.Stage.PLAN_AGREED)
    bundle = message_back_document(letter)
    assert_valid_fhir(bundle)
    assert bundle["type"] == "document"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[:3] == ["Composition", "Patient", "Organization"]
    assert "Practitioner" in kinds
    composition = bundle["entry"][0]["resource"]
    assert composition["id"] == str(letter.uuid)
    assert composition["type"]["coding"][0] == {
        "system": SNOMED,
        "code": "371531000",
        "display": "Report of clinical encounter",
    }
    assert composition["title"] == "Social prescribing: seen and plan agreed"
    patient = bundle["entry"][1]
    assert composition["subject"]["reference"] == patient["fullUrl"]
    [nhs_number] = patient["resource"]["identifier"]
    assert nhs_number["system"] == "https://fhir.nhs.uk/Id/nhs-number"
    assert nhs_number["value"] == "9434765919"
    organisation = bundle["entry"][2]
    assert organisation["resource"]["name"] == personas.link_worker_service.name
    assert organisation["fullUrl"] in [a["reference"] for a in composition["author"]]
    assert composition["event"][0]["code"][0]["coding"][0]["code"] == "871731000000106"
    # Every reference in the document resolves inside it.
    urls = {e["fullUrl"] for e in bundle["entry"]}
    for section in composition["section"]:
        for entry in section.get("entry", []):
            assert entry["reference"] in urls


def test_the_sections_follow_the_message_back_headings_with_snomed_codes(
    personas: Personas,
) -> None:
    letter = _letter(personas)
    composition = message_back_document(letter)["entry"][0]["resource"]
    assert [(s["title"], s["code"]["coding"][0]["code"]) for s in composition["section"]] == [
        ("Who is writing", "887231000000104"),
        ("Reason for referral", "1052891000000108"),
        ("What matters to the person", "1052941000000107"),
        ("Plan and goals", "887201000000105"),
        ("Connections to community support", "887051000000101"),
        ("Outcome", "887181000000106"),
        ("Outcome measures", "887141000000103"),
        ("Next steps", "1052951000000105"),
    ]
    for section in composition["section"]:
        assert section["code"]["coding"][0]["system"] == SNOMED
    sections = _sections({"entry": [{"resource": composition}]})
    assert "Lonely since her husband died" in _text(sections["1052891000000108"])
    assert "seen for a wellbeing review" in _text(sections["887181000000106"])


def test_a_decline_is_coded_social_prescribing_declined(personas: Personas) -> None:
    letter = _letter(personas, MessageBack.Stage.DECLINED)
    bundle = message_back_document(letter)
    assert_valid_fhir(bundle)
    composition = bundle["entry"][0]["resource"]
    assert composition["event"][0]["code"][0]["coding"][0]["code"] == "871711000000103"
    outcome = _sections(bundle)["887181000000106"]
    assert "871711000000103" in [c["code"] for c in outcome["code"]["coding"]]
    assert "declined" in _text(outcome)


def test_phq9_and_gad7_totals_are_loinc_coded_observations(personas: Personas) -> None:
    case = referred_case(personas)
    _measure(case, "phq9", 12, "Moderate", days_ago=3)
    _measure(case, "phq9", 8, "Mild")
    _measure(case, "gad7", 6, "Mild")
    _measure(case, "ucla3", 7)
    _measure(case, "gad7", 20, days_ago=-2)  # after the letter's date: not in it
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    bundle = message_back_document(MessageBackLetter.objects.get(case=case))
    assert_valid_fhir(bundle)
    observations = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    by_code = {
        (o["code"].get("coding") or [{"code": o["code"]["text"]}])[0]["code"]: o
        for o in observations
    }
    assert set(by_code) == {"44249-1", "69737-5", "UCLA-3 total score"}
    assert by_code["44249-1"]["valueQuantity"]["value"] == 8  # the latest PHQ-9
    assert by_code["69737-5"]["valueQuantity"]["value"] == 6
    assert by_code["44249-1"]["code"]["coding"][0]["system"] == "http://loinc.org"
    measures = _sections(bundle)["887141000000103"]
    assert len(measures["entry"]) == 3
    assert "PHQ-9: 8 (Mild)" in _text(measures)


def test_without_consent_the_document_carries_only_what_the_letter_shows(
    personas: Personas,
) -> None:
    case = referred_case(personas, consent_to_share=False)
    _measure(case, "phq9", 12, "Moderate")
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    bundle = message_back_document(MessageBackLetter.objects.get(case=case))
    assert_valid_fhir(bundle)
    text = str(bundle)
    assert "Lonely" not in text
    assert "Observation" not in [e["resource"]["resourceType"] for e in bundle["entry"]]
    sections = _sections(bundle)
    for code in ("1052941000000107", "887201000000105", "887051000000101", "887141000000103"):
        assert NOT_SHARED in _text(sections[code])
    assert "seen for a wellbeing review" in _text(sections["887181000000106"])


def test_special_characters_are_escaped_in_the_narrative(personas: Personas) -> None:
    case = referred_case(personas)
    link = case.case_referrals.get()
    link.referral.details = "Worried <script>alert(1)</script> & alone\x0b"
    link.referral.save(update_fields=["details"])
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    bundle = message_back_document(MessageBackLetter.objects.get(case=case))
    assert_valid_fhir(bundle)
    reason = _text(_sections(bundle)["1052891000000108"])
    assert "<script>" not in reason
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; alone" in reason


def test_the_document_is_the_same_when_built_twice(personas: Personas) -> None:
    letter = _letter(personas)
    assert message_back_document(letter) == message_back_document(letter)


def test_the_letter_page_shows_the_documents_sections(personas: Personas) -> None:
    case = referred_case(personas)
    _measure(case, "phq9", 8, "Mild")
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    letter = MessageBackLetter.objects.get(case=case)
    client = Client()
    client.login(email=personas.referrer.email, password=PASSWORD)
    page = client.get(reverse("casework:message_back_detail", kwargs={"message_id": letter.uuid}))
    text = page.content.decode()
    assert page.status_code == 200
    composition = message_back_document(letter)["entry"][0]["resource"]
    for section in composition["section"][1:]:
        assert f">{section['title']}</h2>" in text
    assert "PHQ-9: 8 (Mild)" in text
    assert text.index("Reason for referral") < text.index("Outcome measures")


def _pdf_text(pdf: bytes) -> str:
    """The text drawn in a reportlab PDF (its page streams, inflated)."""
    out: list[str] = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = match.group(1).strip()
        if data.endswith(b"~>"):  # ASCII85, then Flate
            data = base64.a85decode(data[:-2])
        try:
            data = zlib.decompress(data)
        except zlib.error:
            continue
        out.extend(t.decode("latin-1") for t in re.findall(rb"\((.*?)\) Tj", data))
    return " ".join(out)


def test_the_pdf_has_the_letters_sections_and_words(personas: Personas) -> None:
    letter = _letter(personas, MessageBack.Stage.SEEN, MessageBack.Stage.PLAN_AGREED)
    pdf = message_back_pdf(letter)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    composition = message_back_document(letter)["entry"][0]["resource"]
    for section in composition["section"][1:]:
        assert section["title"] in text
    assert "9434765919" in text
    assert "Social prescribing: seen and plan agreed" in text


def test_the_referrer_and_the_team_download_the_pdf_and_others_get_404(
    personas: Personas,
) -> None:
    letter = _letter(personas)
    url = reverse("web:message_back_pdf", kwargs={"message_id": letter.uuid})
    for user in (personas.referrer, personas.link_worker_teammate):
        client = Client()
        client.login(email=user.email, password=PASSWORD)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    for user in (personas.other_team_link_worker, personas.commissioner):
        client = Client()
        client.login(email=user.email, password=PASSWORD)
        assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 302
    page = Client()
    page.login(email=personas.referrer.email, password=PASSWORD)
    detail = page.get(reverse("casework:message_back_detail", kwargs={"message_id": letter.uuid}))
    assert url in detail.content.decode()
