"""The volunteer's pages (/volunteering/me/...) and the coordinators' concerns page, for every
persona: the volunteer, another volunteer, a coordinator, a read-only coordinator, a link worker
and anonymous."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.models import AuditEvent, Kind
from linkwell.casework.models import SafeguardingConcern
from linkwell.casework.tests.factories import case_for, make_person
from linkwell.volunteering.models import (
    Activity,
    ActivityKind,
    CheckRecord,
    Course,
    Match,
    MatchStatus,
    RequestStatus,
)
from linkwell.volunteering.tests.factories import VolunteerCast, make_member
from linkwell.volunteering.tests.match_factories import make_match, make_request
from tests.personas import Personas

pytestmark = pytest.mark.django_db

ME = reverse("volunteering:my_volunteering")
LOG = reverse("volunteering:volunteer_log")
CONCERNS = reverse("volunteering:concerns")


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _match_url(match: Match) -> str:
    return reverse("volunteering:volunteer_match", kwargs={"match_id": match.uuid})


def _person(**fields: Any) -> Any:
    defaults: dict[str, Any] = {
        "given_name": "Gwendolyn",
        "preferred_name": "Gwen",
        "family_name": "Ellesmere-Price",
        "date_of_birth": dt.date(1938, 4, 17),
        "nhs_number": "9434765919",
        "address_line_1": "7 Willow Street",
        "town": "Oswestry",
        "postcode": "SY11 1PQ",
        "phone": "01691 555 123",
        "email": "gwen@example.org",
    }
    defaults.update(fields)
    return make_person(**defaults)


def _visit(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": "log",
        "kind": ActivityKind.HOME_VISIT,
        "happened_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "minutes": "60",
        "how_it_went": "Tea and the crossword.",
        "concern": "",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(fields)
    return data


# --- /volunteering/me/ ----------------------------------------------------------------------


def test_my_people_shows_only_what_a_volunteer_needs(cast: VolunteerCast) -> None:
    person = _person()
    match = make_match(cast, request=make_request(cast, person=person))
    intro = make_match(
        cast,
        request=make_request(cast, person=_person(preferred_name="", given_name="Idris")),
        status=MatchStatus.INTRODUCED,
    )
    response = _client(cast.volunteer).get(ME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gwen" in html and "01691 555 123" in html and "Prefers: Phone" in html
    assert "Visits at home" in html
    assert "Loves gardening" in html and "A dog lives in the house" in html
    assert f"{match.review_on:%-d %B %Y}" in html
    assert _match_url(match) in html and _match_url(intro) in html and "Idris" in html
    # Nothing more of the person: not their surname, date of birth, NHS number or address.
    for absent in (
        "Gwendolyn",
        "Ellesmere-Price",
        "1938",
        "17 April",
        "9434765919",
        "943 476 5919",
        "Willow Street",
        "SY11 1PQ",
        "gwen@example.org",
    ):
        assert absent not in html, absent
    # Reading the person's details is logged for each person shown.
    logged = set(
        AuditEvent.objects.filter(kind=Kind.ACCESS, actor_id=cast.volunteer.pk).values_list(
            "person_id", flat=True
        )
    )
    assert logged == {str(person.uuid), str(intro.request.person.uuid)}


def test_an_introduction_does_not_show_the_phone_number_until_accepted(
    cast: VolunteerCast,
) -> None:
    intro = make_match(
        cast, request=make_request(cast, person=_person()), status=MatchStatus.INTRODUCED
    )
    html = _client(cast.volunteer).get(_match_url(intro)).content.decode()
    assert "Gwen" in html and "Yes, accept" in html
    assert "01691 555 123" not in html


def test_my_page_shows_my_hours_and_the_training_i_need(cast: VolunteerCast) -> None:
    match = make_match(cast)
    Activity.objects.create(
        member=cast.member,
        match=match,
        kind=ActivityKind.HOME_VISIT,
        happened_on=timezone.localdate(),
        minutes=90,
    )
    CheckRecord.objects.filter(member=cast.member, course=Course.LONE_WORKING).delete()
    html = _client(cast.volunteer).get(ME).content.decode()
    hours = re.search(r'data-testid="hours">(.*?)</dl>', html, re.S)
    assert hours is not None and "1.5 hours" in hours.group(1)
    assert "Lone working training" in html
    other = _client(cast.other_volunteer).get(ME).content.decode()
    assert "up to date" in other and "Gwen" not in other


def test_another_volunteers_people_are_not_shown(cast: VolunteerCast) -> None:
    make_match(cast, member=cast.other_member, request=make_request(cast, person=_person()))
    html = _client(cast.volunteer).get(ME).content.decode()
    assert "Gwen" not in html and "not matched with anyone yet" in html


@pytest.mark.parametrize("who", ["coordinator", "read_only", "link_worker"])
def test_staff_have_no_volunteer_page(cast: VolunteerCast, personas: Personas, who: str) -> None:
    user = personas.link_worker if who == "link_worker" else getattr(cast, who)
    assert _client(user).get(ME).status_code == 404
    assert _client(user).get(LOG).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(cast: VolunteerCast) -> None:
    match = make_match(cast)
    for url in (ME, LOG, _match_url(match), CONCERNS):
        response = _client(None).get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_reads_a_fixed_number_of_queries(
    cast: VolunteerCast, django_assert_max_num_queries: Any
) -> None:
    for _ in range(2):
        make_match(cast)
    client = _client(cast.volunteer)
    client.get(ME)  # warm the session
    # The menu asks, for a user with no staff role, whether they volunteer, sit on a grants
    # panel or hold a time bank account: one query each, whatever they hold.
    with django_assert_max_num_queries(18) as few:
        client.get(ME)
    for _ in range(3):
        make_match(cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(ME)


def test_the_page_fits_a_phone(cast: VolunteerCast) -> None:
    """Phone width, cheaply: the viewport meta tag is there, and no table or fixed-width element
    (which would scroll sideways at 375 px) is on the volunteer's pages."""
    match = make_match(cast)
    for url in (ME, _match_url(match), LOG):
        html = _client(cast.volunteer).get(url).content.decode()
        assert 'name="viewport" content="width=device-width' in html
        assert "<table" not in html
        assert not re.search(r'style="[^"]*width:\s*\d{3,}px', html)


# --- home page and navigation -----------------------------------------------------------------


def test_a_volunteer_starts_on_their_page_and_sees_it_in_the_menu(
    cast: VolunteerCast, personas: Personas
) -> None:
    response = _client(cast.volunteer).get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"] == ME
    html = _client(cast.volunteer).get(ME).content.decode()
    assert "My volunteering" in html and f'href="{ME}"' in html
    staff = _client(personas.link_worker).get(reverse("web:home"))
    assert staff.status_code == 200 and f'href="{ME}"' not in staff.content.decode()


# --- /volunteering/me/matches/<uuid>/ ---------------------------------------------------------


@pytest.mark.parametrize("who", ["other_volunteer", "coordinator", "read_only", "outsider"])
def test_only_the_volunteer_holding_the_match_opens_it(cast: VolunteerCast, who: str) -> None:
    match = make_match(cast, status=MatchStatus.INTRODUCED)
    client = _client(getattr(cast, who))
    assert client.get(_match_url(match)).status_code == 404
    assert client.post(_match_url(match), {"action": "accept"}).status_code == 404
    match.refresh_from_db()
    assert match.status == MatchStatus.INTRODUCED


def test_a_link_worker_and_an_unknown_match_get_not_found(
    cast: VolunteerCast, personas: Personas
) -> None:
    match = make_match(cast)
    assert _client(personas.link_worker).get(_match_url(match)).status_code == 404
    missing = reverse("volunteering:volunteer_match", kwargs={"match_id": uuid.uuid4()})
    assert _client(cast.volunteer).get(missing).status_code == 404


def test_the_volunteer_accepts_an_introduction(cast: VolunteerCast) -> None:
    match = make_match(cast, status=MatchStatus.INTRODUCED)
    client = _client(cast.volunteer)
    response = client.post(
        _match_url(match), {"action": "accept", "version": match.version}, follow=True
    )
    assert response.status_code == 200
    assert "You have accepted" in response.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    again = client.post(_match_url(match), {"action": "accept", "version": match.version})
    assert again.status_code == 400
    html = again.content.decode()
    assert "You have already accepted this introduction" in html
    assert "Log a visit or call" in html and "Yes, accept" not in html


def test_a_stale_accept_is_a_conflict(cast: VolunteerCast) -> None:
    match = make_match(cast, status=MatchStatus.INTRODUCED)
    response = _client(cast.volunteer).post(
        _match_url(match), {"action": "accept", "version": match.version + 5}
    )
    assert response.status_code == 409
    match.refresh_from_db()
    assert match.status == MatchStatus.INTRODUCED


def test_the_volunteer_declines_with_a_reason(cast: VolunteerCast) -> None:
    match = make_match(cast, status=MatchStatus.INTRODUCED)
    client = _client(cast.volunteer)
    empty = client.post(_match_url(match), {"action": "decline", "reason": ""})
    assert empty.status_code == 400
    assert "There is a problem" in empty.content.decode()
    response = client.post(_match_url(match), {"action": "decline", "reason": "I've moved away"})
    assert response.status_code == 302 and response["Location"] == ME
    match.refresh_from_db()
    assert match.status == MatchStatus.DECLINED
    assert match.request.status == RequestStatus.WAITING


@pytest.mark.parametrize("status", [MatchStatus.DECLINED, MatchStatus.ENDED])
def test_a_volunteer_cannot_act_on_a_declined_or_ended_match(
    cast: VolunteerCast, status: str
) -> None:
    match = make_match(cast, status=status)
    client = _client(cast.volunteer)
    page = client.get(_match_url(match))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="closed"' in html and "Log it" not in html and "accept" not in html
    assert "01691" not in html
    response = client.post(_match_url(match), _visit())
    assert response.status_code == 400
    assert "nothing" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_visit_is_logged_once_even_when_the_form_is_sent_twice(cast: VolunteerCast) -> None:
    match = make_match(cast)
    client = _client(cast.volunteer)
    page = client.get(_match_url(match)).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page)
    assert key is not None
    data = _visit(submission_key=key.group(1))
    first = client.post(_match_url(match), data)
    second = client.post(_match_url(match), data)
    assert first.status_code == second.status_code == 302
    assert Activity.objects.count() == 1
    # A new form carries a new key.
    fresh = client.get(_match_url(match)).content.decode()
    assert key.group(1) not in fresh


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"minutes": "0"}, "from 5 to 720"),
        ({"minutes": "lots"}, "whole number of minutes"),
        ({"happened_on": "2999-01-01"}, "today or in the past"),
        ({"kind": ""}, "Choose a visit, a meeting out or a phone call"),
    ],
)
def test_bad_visit_input_is_shown_in_the_error_summary(
    cast: VolunteerCast, fields: dict[str, str], message: str
) -> None:
    match = make_match(cast)
    response = _client(cast.volunteer).post(_match_url(match), _visit(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not Activity.objects.exists()


# --- concerns ---------------------------------------------------------------------------------


def test_a_concern_on_a_case_appears_in_the_leads_safeguarding_list(
    cast: VolunteerCast, personas: Personas
) -> None:
    case = case_for(personas)
    match = make_match(cast, request=make_request(cast, case=case))
    response = _client(cast.volunteer).post(
        _match_url(match), _visit(concern="She said her son takes her pension."), follow=True
    )
    assert "safeguarding lead" in response.content.decode()
    concern = SafeguardingConcern.objects.get()
    listing = _client(personas.team_manager).get(reverse("casework:safeguarding_list"))
    assert listing.status_code == 200
    assert reverse("casework:safeguarding_resolve", kwargs={"concern_id": concern.uuid}) in (
        listing.content.decode()
    )
    # The coordinators see that it went to the case's lead, and cannot resolve it themselves.
    coordinators = _client(cast.coordinator).get(CONCERNS).content.decode()
    assert 'data-testid="case-concerns"' in coordinators
    assert reverse("casework:safeguarding_list") in coordinators


def test_a_concern_with_no_case_reaches_the_coordinators_who_resolve_it(
    cast: VolunteerCast,
) -> None:
    match = make_match(cast, request=make_request(cast, person=_person()))
    _client(cast.volunteer).post(_match_url(match), _visit(concern="The heating was off."))
    activity = Activity.objects.get()
    url = reverse("volunteering:concern", kwargs={"activity_id": activity.uuid})
    listing = _client(cast.teammate).get(CONCERNS)
    assert listing.status_code == 200
    open_rows = re.search(
        r'data-testid="open-concerns">(.*?)</table>', listing.content.decode(), re.S
    )
    assert open_rows is not None and url in open_rows.group(1)
    page = _client(cast.teammate).get(url).content.decode()
    assert "The heating was off." in page
    bad = _client(cast.teammate).post(url, {"outcome": ""})
    assert bad.status_code == 400 and "Enter the outcome" in bad.content.decode()
    done = _client(cast.teammate).post(url, {"outcome": "Called the landlord; fixed."})
    assert done.status_code == 302
    activity.refresh_from_db()
    assert activity.concern_outcome == "Called the landlord; fixed."
    after = _client(cast.coordinator).get(CONCERNS).content.decode()
    assert "No open concerns" in after and 'data-testid="resolved-concerns"' in after


def test_who_may_see_and_resolve_volunteers_concerns(
    cast: VolunteerCast, personas: Personas
) -> None:
    match = make_match(cast)
    Activity.objects.create(
        member=cast.member,
        match=match,
        kind=ActivityKind.PHONE,
        happened_on=timezone.localdate(),
        minutes=20,
        concern="Sounded confused.",
    )
    activity = Activity.objects.get()
    url = reverse("volunteering:concern", kwargs={"activity_id": activity.uuid})
    assert _client(cast.read_only).get(url).status_code == 200
    assert _client(cast.read_only).post(url, {"outcome": "x"}).status_code == 403
    for user in (cast.volunteer, personas.link_worker):
        assert _client(user).get(CONCERNS).status_code == 404
    # Another organisation's coordinator has their own (empty) list, and not this concern.
    theirs = _client(cast.outsider).get(CONCERNS)
    assert theirs.status_code == 200 and url not in theirs.content.decode()
    for user in (cast.outsider, cast.volunteer, personas.link_worker):
        assert _client(user).get(url).status_code == 404
        assert _client(user).post(url, {"outcome": "x"}).status_code == 404
    activity.refresh_from_db()
    assert activity.concern_resolved_at is None


# --- other volunteering -------------------------------------------------------------------------


def test_the_volunteer_logs_other_volunteering(cast: VolunteerCast) -> None:
    client = _client(cast.volunteer)
    page = client.get(LOG).content.decode()
    assert "Driving" in page and "Home visit" not in page
    response = client.post(
        LOG,
        {
            "kind": ActivityKind.COURSE,
            "happened_on": timezone.localdate().isoformat(),
            "minutes": "150",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302 and response["Location"] == ME
    activity = Activity.objects.get()
    assert (activity.member, activity.match, activity.minutes) == (cast.member, None, 150)
    bad = client.post(LOG, {"kind": ActivityKind.HOME_VISIT, "minutes": "30"})
    assert bad.status_code == 400 and "Choose what you did" in bad.content.decode()


def test_a_staff_member_who_also_volunteers_opens_only_their_own_match(
    cast: VolunteerCast, personas: Personas
) -> None:
    staff_member = make_member(cast.service, user=personas.link_worker)
    mine = make_match(cast, member=staff_member)
    theirs = make_match(cast)
    client = _client(personas.link_worker)
    assert client.get(_match_url(mine)).status_code == 200
    assert client.get(_match_url(theirs)).status_code == 404
    # They keep their staff home page; the volunteer's page is theirs too.
    assert client.get(reverse("web:home")).status_code == 200
    assert client.get(ME).status_code == 200
