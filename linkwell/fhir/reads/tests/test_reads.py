"""The FHIR reads: messages back as Composition documents, Goal, QuestionnaireResponse,
Questionnaire and Consent, for the referring practice's client and nobody else."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from linkwell.accounts.models import Organisation
from linkwell.audit.models import AuditEvent
from linkwell.casework.message_back import message_back_record
from linkwell.casework.models import (
    Case,
    FollowUp,
    Goal,
    GoalProgress,
    GoalStatus,
    MessageBack,
    MessageBackLetter,
    Plan,
)
from linkwell.casework.tests.factories import referred_case
from linkwell.fhir.tests.factories import bearer, make_api_client, make_practice
from linkwell.fhir.validation import assert_valid_fhir
from linkwell.outcomes.models import MeasureAdministration
from tests.personas import Personas

pytestmark = pytest.mark.django_db

BASE = "/fhir/r4"


def _get(http: Client, path: str, headers: dict[str, Any], **params: Any) -> Any:
    return http.get(f"{BASE}/{path}", params, **headers)


@pytest.fixture
def practice_headers(personas: Personas, client: Client) -> dict[str, Any]:
    """The referring practice's GP system (all scopes)."""
    return bearer(client, make_api_client(personas.practice))


@pytest.fixture
def other_headers(personas: Personas, client: Client) -> dict[str, Any]:
    """Another practice's GP system (all scopes)."""
    return bearer(client, make_api_client(make_practice("Other Surgery", "Y01234")))


def _letter(personas: Personas, **case_kwargs: Any) -> MessageBackLetter:
    case = referred_case(personas, **case_kwargs)
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    return MessageBackLetter.objects.get(case=case)


def _plan(case: Case) -> tuple[Goal, Goal]:
    plan = Plan.objects.create(case=case, agreed_on=timezone.localdate())
    walk = Goal.objects.create(
        plan=plan,
        text="Walk to church on Sundays",
        target_date=timezone.localdate() + dt.timedelta(days=60),
        status=GoalStatus.IN_PROGRESS,
    )
    choir = Goal.objects.create(plan=plan, text="Join the choir", status=GoalStatus.ACHIEVED)
    follow_up = FollowUp.objects.create(
        case=case, kind="review_4w", due_on=timezone.localdate(), completed_at=timezone.now()
    )
    GoalProgress.objects.create(
        follow_up=follow_up,
        goal=choir,
        goal_text=choir.text,
        status=GoalStatus.ACHIEVED,
        in_their_words="I sing every Thursday now",
    )
    return walk, choir


def _phq9(case: Case) -> MeasureAdministration:
    answers = {f"phq9_{n}": 1 for n in range(1, 10)}
    return MeasureAdministration.objects.create(
        case=case,
        organisation=case.link_worker_service,
        instrument_id="phq9",
        instrument_version="1",
        timepoint="baseline",
        administered_on=timezone.localdate(),
        answers=answers,
        raw=9,
        score=9,
        band="Mild",
        completed_by="link_worker",
    )


# --- Messages back: Composition and $document -------------------------------------------------


def test_the_referring_practice_reads_the_message_back_as_a_document(
    personas: Personas, client: Client, practice_headers: dict[str, Any]
) -> None:
    letter = _letter(personas)
    response = _get(client, f"Composition/{letter.uuid}/$document", practice_headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = response.json()
    assert_valid_fhir(bundle)
    assert bundle["type"] == "document"
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert composition["id"] == str(letter.uuid)
    assert bundle["entry"][0]["fullUrl"].endswith(f"/fhir/r4/Composition/{letter.uuid}")
    assert "Lonely since her husband died" in json.dumps(bundle)
    row = AuditEvent.objects.get(object_type="fhir.Composition")
    assert row.channel == "api"
    assert row.person_id == str(letter.case.person.uuid)

    read = _get(client, f"Composition/{letter.uuid}", practice_headers)
    assert read.status_code == 200
    assert_valid_fhir(read.json())
    assert read.json() == composition


def test_compositions_are_listed_by_subject_with_paging(
    personas: Personas, client: Client, practice_headers: dict[str, Any]
) -> None:
    letter = _letter(personas)
    case = letter.case
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    MessageBackLetter.objects.filter(pk=letter.pk).update(written_on=yesterday)
    MessageBack.objects.filter(case=case).update(written_on=yesterday)
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.PLAN_AGREED)
    _letter(personas, given_name="Ann")  # someone else
    person = case.person
    first = _get(
        client, "Composition", practice_headers, subject=f"Patient/{person.uuid}", _count=1
    )
    assert first.status_code == 200
    bundle = first.json()
    assert_valid_fhir(bundle)
    assert bundle["type"] == "searchset" and bundle["total"] == 2
    [entry] = bundle["entry"]
    assert entry["resource"]["title"] == "Social prescribing: plan agreed"  # newest first
    [next_link] = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
    second = client.get(next_link, **practice_headers).json()
    assert second["entry"][0]["resource"]["id"] == str(letter.uuid)
    everyone = _get(client, "Composition", practice_headers).json()
    assert everyone["total"] == 3
    nobody = _get(client, "Composition", practice_headers, subject=f"Patient/{uuid.uuid4()}")
    assert nobody.json()["total"] == 0


def test_another_practices_client_gets_404_and_sees_none_in_searches(
    personas: Personas, client: Client, other_headers: dict[str, Any]
) -> None:
    letter = _letter(personas)
    for path in (f"Composition/{letter.uuid}", f"Composition/{letter.uuid}/$document"):
        response = _get(client, path, other_headers)
        assert response.status_code == 404
        assert_valid_fhir(response.json())
        assert response.json()["issue"][0]["code"] == "not-found"
    listed = _get(
        client, "Composition", other_headers, subject=f"Patient/{letter.case.person.uuid}"
    )
    assert listed.json()["total"] == 0


def test_without_a_token_401_and_without_the_scope_403(personas: Personas, client: Client) -> None:
    letter = _letter(personas)
    paths = [
        f"Composition/{letter.uuid}/$document",
        f"Composition/{letter.uuid}",
        "Composition",
        "Goal?subject=Patient/x",
        "QuestionnaireResponse?subject=Patient/x",
        "Questionnaire/phq9",
        "Consent?patient=Patient/x",
    ]
    for path in paths:
        response = client.get(f"{BASE}/{path}", secure=True)
        assert response.status_code == 401, path
        assert_valid_fhir(response.json())
    referrals_only = bearer(client, make_api_client(personas.practice, scopes="referrals.read"))
    for path in paths:
        response = client.get(f"{BASE}/{path}", **referrals_only)
        assert response.status_code == 403, path
        assert response.json()["issue"][0]["code"] == "forbidden"
    documents_only = bearer(client, make_api_client(personas.practice, scopes="documents.read"))
    assert _get(client, "Goal", documents_only, subject="Patient/x").status_code == 403
    assert _get(client, f"Composition/{letter.uuid}", documents_only).status_code == 200


def test_without_consent_the_referrer_gets_only_what_happened(
    personas: Personas, client: Client, practice_headers: dict[str, Any]
) -> None:
    letter = _letter(personas, consent_to_share=False)
    _phq9(letter.case)
    response = _get(client, f"Composition/{letter.uuid}/$document", practice_headers)
    assert response.status_code == 200
    text = json.dumps(response.json())
    assert "Lonely" not in text
    assert "Not shared" in text
    assert "Observation" not in text


# --- Goal -------------------------------------------------------------------------------------


def test_the_referrer_reads_the_plans_goals_with_their_progress(
    personas: Personas, client: Client, practice_headers: dict[str, Any]
) -> None:
    case = referred_case(personas)
    walk, _choir = _plan(case)
    response = _get(client, "Goal", practice_headers, subject=f"Patient/{case.person.uuid}")
    assert response.status_code == 200
    bundle = response.json()
    assert_valid_fhir(bundle)
    goals = {e["resource"]["description"]["text"]: e["resource"] for e in bundle["entry"]}
    assert goals["Walk to church on Sundays"]["lifecycleStatus"] == "active"
    assert goals["Walk to church on Sundays"]["achievementStatus"]["coding"][0]["code"] == (
        "in-progress"
    )
    assert goals["Join the choir"]["lifecycleStatus"] == "completed"
    assert goals["Join the choir"]["achievementStatus"]["coding"][0]["code"] == "achieved"
    assert goals["Join the choir"]["note"] == [{"text": "I sing every Thursday now"}]
    read = _get(client, f"Goal/{walk.uuid}", practice_headers)
    assert read.status_code == 200
    assert_valid_fhir(read.json())
    assert read.json()["target"][0]["dueDate"] == walk.target_date.isoformat()  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(object_type="fhir.Goal", channel="api").count() == 2


def test_goals_are_not_shared_without_consent_or_with_another_practice(
    personas: Personas,
    client: Client,
    practice_headers: dict[str, Any],
    other_headers: dict[str, Any],
) -> None:
    case = referred_case(personas, consent_to_share=False)
    walk, _ = _plan(case)
    assert _get(client, f"Goal/{walk.uuid}", practice_headers).status_code == 404
    listed = _get(client, "Goal", practice_headers, patient=str(case.person.uuid)).json()
    assert listed["total"] == 0
    shared = referred_case(personas, given_name="Ann")
    goal, _ = _plan(shared)
    assert _get(client, f"Goal/{goal.uuid}", other_headers).status_code == 404
    assert _get(client, f"Goal/{goal.uuid}", practice_headers).status_code == 200


def test_a_goal_search_needs_a_subject(
    personas: Personas, client: Client, practice_headers: dict[str, Any]
) -> None:
    response = _get(client, "Goal", practice_headers)
    assert response.status_code == 400
    assert_valid_fhir(response.json())
    wrong = _get(client, "Goal", practice_headers, subject="Group/1")
    assert wrong.status_code == 400


# --- QuestionnaireResponse and Questionnaire --------------------------------------------------


def test_recorded_measures_are_questionnaire_responses_with_answers_and_total(
    personas: Personas,
    client: Client,
    practice_headers: dict[str, Any],
    other_headers: dict[str, Any],
) -> None:
    case = referred_case(personas)
    row = _phq9(case)
    response = _get(
        client, "QuestionnaireResponse", practice_headers, subject=f"Patient/{case.person.uuid}"
    )
    bundle = response.json()
    assert_valid_fhir(bundle)
    [entry] = bundle["entry"]
    qr = entry["resource"]
    assert qr["questionnaire"] == "https://linkwell.org.uk/fhir/Questionnaire/phq9|1"
    items = {item["linkId"]: item for item in qr["item"]}
    assert items["phq9_1"]["answer"][0]["valueCoding"]["code"] == "1"
    assert items["phq9_1"]["text"] == "Little interest or pleasure in doing things"
    assert items["total"]["answer"] == [{"valueDecimal": 9}]
    read = _get(client, f"QuestionnaireResponse/{row.uuid}", practice_headers)
    assert read.status_code == 200 and read.json() == qr
    assert _get(client, f"QuestionnaireResponse/{row.uuid}", other_headers).status_code == 404


def test_the_shipped_instruments_are_questionnaires_with_loinc_totals(
    personas: Personas, client: Client, practice_headers: dict[str, Any]
) -> None:
    phq9 = _get(client, "Questionnaire/phq9", practice_headers)
    assert phq9.status_code == 200
    body = phq9.json()
    assert_valid_fhir(body)
    assert body["code"][0]["code"] == "44249-1"
    total = next(item for item in body["item"] if item["linkId"] == "total")
    assert total["code"][0] == {
        "system": "http://loinc.org",
        "code": "44249-1",
        "display": "PHQ-9 quick depression assessment panel",
    }
    gad7 = _get(client, "Questionnaire/gad7", practice_headers).json()
    assert gad7["code"][0]["code"] == "69737-5"
    listing = _get(client, "Questionnaire", practice_headers, _count=100).json()
    assert_valid_fhir(listing)
    assert {"phq9", "gad7", "swemwbs"} <= {e["resource"]["id"] for e in listing["entry"]}
    for entry in listing["entry"]:
        assert_valid_fhir(entry["resource"])
    by_url = _get(
        client,
        "Questionnaire",
        practice_headers,
        url="https://linkwell.org.uk/fhir/Questionnaire/gad7",
    ).json()
    assert [e["resource"]["id"] for e in by_url["entry"]] == ["gad7"]
    assert _get(client, "Questionnaire/no-such", practice_headers).status_code == 404


def test_licensed_item_text_is_served_only_when_the_deployer_supplied_it(
    personas: Personas, client: Client, practice_headers: dict[str, Any], tmp_path: Path
) -> None:
    plain = _get(client, "Questionnaire/swemwbs", practice_headers).json()
    texts = [item["text"] for item in plain["item"] if item["linkId"] != "total"]
    assert texts[0] == "Statement 1"
    (tmp_path / "swemwbs.json").write_text(
        json.dumps({"items": {f"swemwbs_{n}": f"Licensed wording {n}" for n in range(1, 8)}}),
        encoding="utf-8",
    )
    with override_settings(LICENSED_ITEM_TEXT_DIR=str(tmp_path)):
        licensed = _get(client, "Questionnaire/swemwbs", practice_headers).json()
    assert_valid_fhir(licensed)
    assert licensed["item"][0]["text"] == "Licensed wording 1"


# --- Consent ----------------------------------------------------------------------------------


def test_the_referrer_reads_the_consents_recorded_with_its_referral(
    personas: Personas,
    client: Client,
    practice_headers: dict[str, Any],
    other_headers: dict[str, Any],
) -> None:
    case = referred_case(personas, consent_to_share=False)
    person = case.person
    response = _get(client, "Consent", practice_headers, patient=f"Patient/{person.uuid}")
    bundle = response.json()
    assert_valid_fhir(bundle)
    consents = {e["resource"]["id"].rsplit("-", 1)[1]: e["resource"] for e in bundle["entry"]}
    assert consents["share"]["provision"]["type"] == "deny"
    assert consents["contact"]["provision"]["type"] == "permit"
    share_id = consents["share"]["id"]
    read = _get(client, f"Consent/{share_id}", practice_headers)
    assert read.status_code == 200 and read.json() == consents["share"]
    assert _get(client, f"Consent/{share_id}", other_headers).status_code == 404
    assert _get(client, "Consent/nonsense", practice_headers).status_code == 404
    other = _get(client, "Consent", other_headers, patient=f"Patient/{person.uuid}").json()
    assert other["total"] == 0


def test_every_read_is_audited_with_the_api_channel(
    personas: Personas, client: Client, practice_headers: dict[str, Any]
) -> None:
    case = referred_case(personas)
    _plan(case)
    _phq9(case)
    subject = f"Patient/{case.person.uuid}"
    _get(client, "Goal", practice_headers, subject=subject)
    _get(client, "QuestionnaireResponse", practice_headers, subject=subject)
    _get(client, "Consent", practice_headers, patient=subject)
    kinds = ["fhir.Goal", "fhir.QuestionnaireResponse", "fhir.Consent"]
    rows = AuditEvent.objects.filter(object_type__in=kinds)
    assert sorted(row.object_type for row in rows) == sorted(kinds)
    for row in rows:
        assert row.channel == "api"
        assert row.person_id == str(case.person.uuid)


def test_an_organisation_without_letters_sees_no_compositions(
    personas: Personas, client: Client
) -> None:
    _letter(personas)
    lonely = Organisation.objects.create(
        name="Lonely Surgery", kind=personas.practice.kind, ods_code="Y09999"
    )
    headers = bearer(client, make_api_client(lonely))
    assert _get(client, "Composition", headers).json()["total"] == 0


def test_the_capability_statement_lists_the_reads(client: Client) -> None:
    response = client.get(f"{BASE}/metadata", secure=True)
    assert response.status_code == 200
    body = response.json()
    listed = {r["type"]: r for r in body["rest"][0]["resource"]}
    for kind in ("Composition", "Goal", "QuestionnaireResponse", "Questionnaire", "Consent"):
        assert listed[kind]["interaction"] == [{"code": "read"}, {"code": "search-type"}]
    assert listed["Composition"]["operation"][0]["name"] == "document"
    assert {p["name"] for p in listed["Goal"]["searchParam"]} >= {"subject", "patient"}


def test_odd_requests_get_a_clear_4xx_never_a_server_error(
    personas: Personas, client: Client, practice_headers: dict[str, Any]
) -> None:
    odd = [
        ("Composition/not-a-uuid", {}, 404),
        ("Composition/%00/$document", {}, 404),
        ("Composition", {"_count": "lots"}, 400),
        ("Composition", {"_count": "1000"}, 400),
        ("Composition", {"subject": "Patient/"}, 400),
        ("Composition", {"subject": "Group/abc"}, 400),
        ("Composition", {"colour": "blue"}, 400),
        ("Composition/00000000-0000-0000-0000-000000000000/$document", {"persist": "true"}, 400),
        ("Goal", {"subject": "Patient/\x00"}, 400),
        ("Goal/\u00e9", {}, 404),
        ("QuestionnaireResponse", {"patient": "Patient/1", "_id": "x,,y"}, 200),
        ("Questionnaire", {"url": "|"}, 200),
        ("Consent/-share", {}, 404),
        ("Consent", {"patient": ""}, 400),
        ("Consent", {}, 400),
    ]
    for path, params, status in odd:
        response = _get(client, path, practice_headers, **params)
        assert response.status_code == status, (path, params, response.content[:300])
        assert_valid_fhir(response.json())
    posted = client.post(f"{BASE}/Goal", {}, **practice_headers)
    assert posted.status_code in (405, 415)
