"""The MDT pages, for each persona: the team serving the practice and the practice's own staff
work the list; read-only members look (403 on changes); others get 404; anonymous sign in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import CaseNote, CaseStatus
from linkwell.practice.models import MdtEntry, MdtMeeting
from linkwell.practice.tests.factories import concern, patient_case
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _meeting(p: Personas) -> MdtMeeting:
    return MdtMeeting.objects.create(
        practice=p.practice, meeting_on=timezone.localdate() + dt.timedelta(days=2)
    )


def _mdt_url(p: Personas) -> str:
    return reverse("practice:mdt", args=[p.practice.uuid])


@pytest.mark.parametrize(
    "who", ["link_worker", "team_manager", "referrer", "read_only_link_worker"]
)
def test_the_team_and_practice_staff_see_the_list_with_reasons(covered: Personas, who: str) -> None:
    p = covered
    case = patient_case(p)
    concern(case, p)
    _meeting(p)

    response = _client(getattr(p, who)).get(_mdt_url(p))

    assert response.status_code == 200
    text = response.content.decode()
    assert str(case.person) in text
    assert "1 open safeguarding concern" in text
    # Every person shown is logged as read.
    assert AuditEvent.objects.filter(
        action="access", person_id=str(case.person.uuid), detail__list="practice_mdt_list"
    ).exists()


@pytest.mark.parametrize("who", ["other_team_link_worker", "outsider", "commissioner", "owner"])
def test_others_get_not_found(covered: Personas, who: str) -> None:
    p = covered
    meeting = _meeting(p)
    client = _client(getattr(p, who))
    assert client.get(_mdt_url(p)).status_code == 404
    assert client.get(reverse("practice:meeting", args=[meeting.uuid])).status_code == 404
    assert (
        client.post(reverse("practice:hold", args=[meeting.uuid]), {"attendees": "x"}).status_code
        == 404
    )


def test_anonymous_is_sent_to_sign_in(covered: Personas) -> None:
    response = Client().get(_mdt_url(covered))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "sign" in response["Location"]


def test_read_only_member_cannot_change_anything(covered: Personas) -> None:
    p = covered
    case = patient_case(p)
    concern(case, p)
    meeting = _meeting(p)
    client = _client(p.read_only_link_worker)

    page = client.get(_mdt_url(p)).content.decode()
    assert "Record the discussion" not in page
    posted = client.post(
        reverse("practice:discuss", args=[meeting.uuid, case.uuid]),
        {"agreed_actions": "a", "action_owner": "b", "next_step": "c"},
    )
    assert posted.status_code == 403
    assert client.post(reverse("practice:meeting_new", args=[p.practice.uuid])).status_code == 403
    assert not MdtEntry.objects.exists()


def test_practice_staff_add_someone_and_the_team_records_the_discussion(
    covered: Personas,
) -> None:
    p = covered
    case = patient_case(p)
    meeting = _meeting(p)

    refused = _client(p.referrer).post(
        reverse("practice:person_add", args=[meeting.uuid]), {"case": str(case.uuid), "reason": ""}
    )
    assert refused.status_code == 400
    assert "Say why they should be discussed" in refused.content.decode()

    added = _client(p.referrer).post(
        reverse("practice:person_add", args=[meeting.uuid]),
        {"case": str(case.uuid), "reason": "Seen three times this month"},
    )
    assert added.status_code == 302
    page = _client(p.link_worker).get(_mdt_url(p)).content.decode()
    assert "Seen three times this month" in page

    recorded = _client(p.link_worker).post(
        reverse("practice:discuss", args=[meeting.uuid, case.uuid]),
        {
            "agreed_actions": "Invite to the walking group",
            "action_owner": "Sam",
            "next_step": "Call",
        },
    )
    assert recorded.status_code == 302
    assert "Invite to the walking group" in CaseNote.objects.get(case=case).text

    held = _client(p.link_worker).post(
        reverse("practice:hold", args=[meeting.uuid]), {"attendees": "Dr Patel, Sam"}
    )
    assert held.status_code == 302
    record = _client(p.referrer).get(held["Location"]).content.decode()
    assert "Dr Patel, Sam" in record
    assert "Invite to the walking group" in record


def test_a_meeting_date_is_required(covered: Personas) -> None:
    p = covered
    response = _client(p.link_worker).post(
        reverse("practice:meeting_new", args=[p.practice.uuid]), {"meeting_on": ""}
    )
    assert response.status_code == 400
    assert "Enter the meeting date" in response.content.decode()
    assert not MdtMeeting.objects.exists()


def test_the_index_lists_the_practices_a_user_works_with(covered: Personas) -> None:
    p = covered
    link = f'href="{_mdt_url(p)}"'
    assert link in _client(p.link_worker).get(reverse("practice:home")).content.decode()
    assert link in _client(p.referrer).get(reverse("practice:home")).content.decode()
    other = _client(p.other_team_link_worker).get(reverse("practice:home")).content.decode()
    assert link not in other


def test_the_list_page_queries_do_not_grow_with_the_list(covered: Personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = covered
    _meeting(p)
    client = _client(p.link_worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_mdt_url(p)).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        concern(patient_case(p), p)
    queries()  # the first request also loads what is cached for the session
    few = queries()
    for _ in range(5):
        concern(patient_case(p), p)
    assert queries() == few


def test_only_the_team_gets_a_link_to_the_case(covered: Personas) -> None:
    p = covered
    case = patient_case(p)
    concern(case, p)
    _meeting(p)
    link = f'href="{reverse("casework:case_detail", args=[case.uuid])}"'
    assert link in _client(p.link_worker).get(_mdt_url(p)).content.decode()
    assert link not in _client(p.referrer).get(_mdt_url(p)).content.decode()


def test_a_long_list_is_counted_by_reason_filtered_and_paged(covered: Personas) -> None:
    p = covered
    unsafe = patient_case(p)
    concern(unsafe, p)
    dormant = [patient_case(p, status=CaseStatus.DORMANT) for _ in range(26)]
    _meeting(p)
    client = _client(p.link_worker)

    text = client.get(_mdt_url(p)).content.decode()
    assert "27 people on the list" in text
    assert "Safeguarding (1)" in text and "Not engaging (26)" in text
    # 25 a page, safeguarding first; the 26th dormant case is on page 2.
    assert text.count('data-testid="mdt-row"') == 25
    assert str(unsafe.person) in text.split('data-testid="mdt-row"')[1]
    page_two = client.get(_mdt_url(p), {"page": 2}).content.decode()
    assert page_two.count('data-testid="mdt-row"') == 2

    only_safeguarding = client.get(_mdt_url(p), {"reason": "safeguarding"}).content.decode()
    assert only_safeguarding.count('data-testid="mdt-row"') == 1
    assert str(unsafe.person) in only_safeguarding
    assert not any(str(c.person) in only_safeguarding.split("mdt-groups")[1] for c in dormant[:3])
    # Only the people shown are logged as read: the first row on page 1 and the filtered page,
    # not on page 2.
    logged = AuditEvent.objects.filter(action="access", detail__list="practice_mdt_list")
    assert logged.filter(person_id=str(unsafe.person.uuid)).count() == 2
    # An unknown reason shows everything rather than an empty list.
    unknown = client.get(_mdt_url(p), {"reason": "nonsense"}).content.decode()
    assert unknown.count('data-testid="mdt-row"') == 25


def test_a_refused_addition_to_a_list_with_people_on_it_says_why(covered: Personas) -> None:
    """The page redrawn with the refused form still lists everyone on it."""
    p = covered
    first, second = patient_case(p), patient_case(p)
    meeting = _meeting(p)
    client = _client(p.referrer)
    url = reverse("practice:person_add", args=[meeting.uuid])
    added = client.post(url, {"case": str(first.uuid), "reason": "Seen three times this month"})
    assert added.status_code == 302
    refused = client.post(url, {"case": str(second.uuid), "reason": ""})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "There is a problem" in page and "Say why they should be discussed" in page
    assert "Seen three times this month" in page
    assert MdtEntry.objects.filter(meeting=meeting).count() == 1
