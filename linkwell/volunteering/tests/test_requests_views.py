"""The coordinator's queue, a request's page, introducing, closing, a match's page, recording a
referral, and the link worker's section on the case page: every persona."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.accounts.models import User
from linkwell.casework.tests.factories import case_for
from linkwell.volunteering.models import (
    CommunityMember,
    Match,
    MatchReview,
    MatchStatus,
    SupportRequest,
)
from linkwell.volunteering.tests.factories import VolunteerCast, make_member
from linkwell.volunteering.tests.request_helpers import introduce, make_request
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _status(user: User | None, url: str, data: dict[str, Any] | None = None) -> int:
    client = _client(user)
    response = client.post(url, data or {}) if data is not None else client.get(url)
    return response.status_code


@pytest.fixture
def support(cast: VolunteerCast) -> SupportRequest:
    return make_request(cast.service)


def test_the_queue_for_each_persona(
    personas: Personas, cast: VolunteerCast, support: SupportRequest
) -> None:
    url = reverse("volunteering:request_list")
    assert _status(cast.coordinator, url) == 200
    assert _status(cast.teammate, url) == 200
    assert _status(cast.read_only, url) == 200
    assert _status(cast.volunteer, url) == 404
    assert _status(personas.link_worker, url) == 404
    assert _status(None, url) == 302
    assert "Joan" not in _client(cast.outsider).get(url).content.decode()
    assert "Joan Hughes" in _client(cast.coordinator).get(url).content.decode()


def test_the_queue_lists_the_longest_waiting_first_in_constant_queries(
    cast: VolunteerCast,
) -> None:
    old = make_request(cast.service)
    SupportRequest.objects.filter(pk=old.pk).update(
        created_at=old.created_at - dt.timedelta(days=20)
    )
    new = make_request(cast.service)
    client = _client(cast.coordinator)
    url = reverse("volunteering:request_list")
    client.get(url)  # the first request of a session does its own bookkeeping
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert page.index(str(old.uuid)) < page.index(str(new.uuid))
    assert "20 days" in page
    for _ in range(8):
        make_request(cast.service)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_queue_shows_matches_with_a_review_due(
    cast: VolunteerCast, support: SupportRequest
) -> None:
    match = introduce(cast.coordinator, support, cast.member)
    Match.objects.filter(pk=match.pk).update(review_on=dt.date(2020, 1, 1))
    page = _client(cast.coordinator).get(reverse("volunteering:request_list") + "?show=review_due")
    assert "Joan Hughes" in page.content.decode() and "Overdue" in page.content.decode()


def test_the_request_page_for_each_persona(
    personas: Personas, cast: VolunteerCast, support: SupportRequest
) -> None:
    url = reverse("volunteering:request_detail", kwargs={"request_id": support.uuid})
    assert _status(cast.coordinator, url) == 200
    assert _status(cast.teammate, url) == 200
    assert _status(cast.read_only, url) == 200
    assert _status(cast.outsider, url) == 404
    assert _status(cast.volunteer, url) == 404
    assert _status(personas.link_worker, url) == 404
    assert _status(None, url) == 302


def test_the_request_page_shows_ranked_volunteers_and_why_not_the_others(
    cast: VolunteerCast, support: SupportRequest
) -> None:
    make_member(cast.service, given_name="Brian", dbs_on=dt.date(2015, 1, 1))
    page = (
        _client(cast.coordinator)
        .get(reverse("volunteering:request_detail", kwargs={"request_id": support.uuid}))
        .content.decode()
    )
    assert "Introduce Margaret" in page and "Introduce Dilys" in page
    assert "Not suggested (1)" in page and "Brian" in page and "has lapsed" in page
    assert "Introduce Brian" not in page
    # Only what a coordinator needs of the person: no street address, no phone, no NHS number.
    assert support.person.postcode not in page.replace("SY11,", "")
    read_only_page = (
        _client(cast.read_only)
        .get(reverse("volunteering:request_detail", kwargs={"request_id": support.uuid}))
        .content.decode()
    )
    assert "Introduce Margaret" not in read_only_page


def test_the_ranking_page_takes_the_same_queries_for_more_volunteers(
    cast: VolunteerCast, support: SupportRequest
) -> None:
    client = _client(cast.coordinator)
    url = reverse("volunteering:request_detail", kwargs={"request_id": support.uuid})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        make_member(cast.service)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def _introduce_post(support: SupportRequest, member: CommunityMember) -> dict[str, Any]:
    support.refresh_from_db()
    return {"version": support.version, "member": str(member.uuid), "shown": str(member.uuid)}


def test_introducing_for_each_persona(cast: VolunteerCast, support: SupportRequest) -> None:
    url = reverse("volunteering:request_introduce", kwargs={"request_id": support.uuid})
    data = _introduce_post(support, cast.member)
    assert _status(cast.read_only, url, data) == 403
    assert _status(cast.outsider, url, data) == 404
    assert _status(cast.volunteer, url, data) == 404
    assert not Match.objects.exists()
    response = _client(cast.coordinator).post(url, data)
    match = Match.objects.get()
    assert response["Location"] == reverse(
        "volunteering:match_detail", kwargs={"match_id": match.uuid}
    )


def test_a_refused_introduction_says_why_and_a_stale_one_asks_to_reload(
    cast: VolunteerCast, support: SupportRequest
) -> None:
    brian = make_member(cast.service, given_name="Brian", dbs_on=dt.date(2015, 1, 1))
    url = reverse("volunteering:request_introduce", kwargs={"request_id": support.uuid})
    response = _client(cast.coordinator).post(url, _introduce_post(support, brian))
    assert response.status_code == 400
    assert "Brian cannot be introduced: their DBS check" in response.content.decode()
    stale = {**_introduce_post(support, cast.member), "version": support.version - 1}
    assert _client(cast.teammate).post(url, stale).status_code == 409
    assert not Match.objects.exists()


def test_closing_from_the_page(cast: VolunteerCast, support: SupportRequest) -> None:
    url = reverse("volunteering:request_close", kwargs={"request_id": support.uuid})
    assert _status(cast.read_only, url, {"version": support.version, "reason": "x"}) == 403
    response = _client(cast.coordinator).post(url, {"version": support.version, "reason": ""})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    _client(cast.coordinator).post(url, {"version": support.version, "reason": "Moved away"})
    support.refresh_from_db()
    assert support.status == "closed"


def test_the_match_page_records_a_review_and_ends(
    cast: VolunteerCast, support: SupportRequest
) -> None:
    match = introduce(cast.coordinator, support, cast.member)
    Match.objects.filter(pk=match.pk).update(status=MatchStatus.ACTIVE)
    match.refresh_from_db()
    page = reverse("volunteering:match_detail", kwargs={"match_id": match.uuid})
    assert _status(cast.read_only, page) == 200
    assert _status(cast.outsider, page) == 404
    assert _status(cast.other_volunteer, page) == 404
    review = reverse("volunteering:match_review", kwargs={"match_id": match.uuid})
    data = {"version": match.version, "how_it_is_going": "Lovely", "continues": "yes"}
    assert _status(cast.read_only, review, data) == 403
    assert _client(cast.coordinator).post(review, data).status_code == 302
    assert MatchReview.objects.get().how_it_is_going == "Lovely"
    match.refresh_from_db()
    end = reverse("volunteering:match_end", kwargs={"match_id": match.uuid})
    assert (
        _client(cast.coordinator).post(end, {"version": match.version, "reason": ""}).status_code
        == 400
    )
    _client(cast.coordinator).post(end, {"version": match.version, "reason": "Moved"})
    match.refresh_from_db()
    assert match.status == MatchStatus.ENDED


def test_recording_a_referral(personas: Personas, cast: VolunteerCast) -> None:
    url = reverse("volunteering:request_new")
    assert _status(cast.read_only, url) == 403
    assert _status(personas.link_worker, url) == 404
    assert _status(cast.volunteer, url) == 404
    data = {
        "referrer_name": "Dr Evans",
        "referrer_organisation": "Caxton Surgery",
        "given_name": "Joan",
        "family_name": "Hughes",
        "date_of_birth": "1941-03-02",
        "postcode": "SY11 1AA",
        "sex": "female",
        "language": "English",
        "organisation": str(cast.service.uuid),
        "role": "befriender",
        "contact": "phone",
    }
    response = _client(cast.coordinator).post(url, {**data, "referrer_name": ""})
    assert response.status_code == 400 and not SupportRequest.objects.exists()
    response = _client(cast.coordinator).post(url, data)
    created = SupportRequest.objects.get()
    assert response["Location"] == reverse(
        "volunteering:request_detail", kwargs={"request_id": created.uuid}
    )


def test_the_case_page_section_for_link_workers(personas: Personas, cast: VolunteerCast) -> None:
    cast.other_service.is_active = False
    cast.other_service.save(update_fields=["is_active"])
    case = case_for(personas)
    case_url = reverse("casework:case_detail", kwargs={"case_id": case.uuid})
    page = _client(personas.link_worker).get(case_url).content.decode()
    assert "Volunteer support" in page and "Refer to Oswestry Compassionate Communities" in page
    assert "Refer to" not in _client(personas.read_only_link_worker).get(case_url).content.decode()
    refer = reverse("volunteering:case_refer", kwargs={"case_id": case.uuid})
    one_click = {"quick": "1", "organisation": str(cast.service.uuid), "role": "befriender"}
    assert _status(personas.other_team_link_worker, refer, one_click) == 404
    assert _status(personas.read_only_link_worker, refer, one_click) == 403
    assert _status(cast.coordinator, refer, one_click) == 404
    assert not SupportRequest.objects.exists()
    _client(personas.link_worker).post(refer, one_click)
    support = SupportRequest.objects.get()
    match = introduce(cast.coordinator, support, cast.member)
    Match.objects.filter(pk=match.pk).update(status=MatchStatus.ACTIVE)
    MatchReview.objects.create(
        match=match, held_on=dt.date(2026, 1, 5), how_it_is_going="Tea and gardening weekly"
    )
    page = _client(personas.link_worker).get(case_url).content.decode()
    assert "Volunteer: Margaret (active)" in page
    assert "Tea and gardening weekly" in page
    assert "Owen" not in page and cast.member.email not in page  # only the first name


def test_the_referral_form_from_a_case(personas: Personas, cast: VolunteerCast) -> None:
    case = case_for(personas)
    refer = reverse("volunteering:case_refer", kwargs={"case_id": case.uuid})
    assert _status(personas.link_worker, refer) == 200
    assert _status(personas.other_team_link_worker, refer) == 404
    assert _status(None, refer) == 302
    data = {"organisation": str(cast.service.uuid), "role": "connector", "contact": "meet_out"}
    assert _client(personas.link_worker).post(refer, data).status_code == 302
    assert SupportRequest.objects.get().role == "connector"
