"""Patient stories from a case page (/reports/cases/<uuid>/stories/), for every persona: write,
edit, withdraw consent, what the quarterly report then shows, and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case
from linkwell.casework.tests.factories import case_for, make_person
from linkwell.reports.models import PatientStory
from linkwell.reports.quarterly import build_report
from linkwell.reports.stories import (
    TEXT_MAX,
    deidentify,
    identifiers_in,
    story_record,
    story_withdraw_consent,
)
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "Back to the allotment",
    "text": "They had stopped going out. A community allotment group changed that.",
}


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)
    return client


def _case(personas: Personas) -> Case:
    return case_for(
        personas,
        person=make_person(
            given_name="Joan",
            family_name="Hughes",
            preferred_name="Jo",
            address_line_1="12 Willow Street",
        ),
    )


def _story(personas: Personas, case: Case, *, consent: bool = True) -> PatientStory:
    return story_record(actor=personas.link_worker, case=case, consent_to_publish=consent, **GOOD)


def _url(name: str, case: Case, story: PatientStory | None = None) -> str:
    kwargs: dict[str, Any] = {"case_id": case.uuid}
    if story is not None:
        kwargs["story_id"] = story.uuid
    return reverse(f"reports:{name}", kwargs=kwargs)


def _report_titles(personas: Personas) -> list[str]:
    today = timezone.localdate()
    report = build_report(
        user=personas.team_manager,
        filters=ReportFilter(start=today - dt.timedelta(days=1), end=today),
        sections=["stories"],
    )
    return [s.title for s in report.sections[0].stories]


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("link_worker", 200),
        ("link_worker_teammate", 200),
        ("read_only_link_worker", 200),
        ("team_manager", 200),
        ("other_team_link_worker", 404),
        ("owner", 404),
        ("outsider", 404),
        ("commissioner", 404),
    ],
)
def test_who_may_see_a_cases_stories(personas: Personas, persona: str, status: int) -> None:
    case = _case(personas)
    _story(personas, case)
    response = _client(getattr(personas, persona)).get(_url("story_list", case))
    assert response.status_code == status
    if status == 200:
        assert "Back to the allotment" in response.content.decode()
        event = AuditEvent.objects.get(action="access", object_id=str(case.uuid))
        assert event.person_id == str(case.person.uuid)
    else:
        assert "allotment" not in response.content.decode()
        assert not AuditEvent.objects.filter(action="access").exists()


def test_read_only_members_see_stories_without_the_links_to_change_them(
    personas: Personas,
) -> None:
    case = _case(personas)
    story = _story(personas, case)
    html = _client(personas.read_only_link_worker).get(_url("story_list", case)).content.decode()
    assert "Back to the allotment" in html
    assert _url("story_new", case) not in html
    assert _url("story_edit", case, story) not in html
    assert _url("story_withdraw", case, story) not in html
    writer = _client(personas.link_worker_teammate).get(_url("story_list", case)).content.decode()
    assert _url("story_new", case) in writer and _url("story_withdraw", case, story) in writer


@pytest.mark.parametrize("name", ["story_list", "story_new", "story_edit", "story_withdraw"])
def test_anonymous_visitors_are_sent_to_sign_in(personas: Personas, name: str) -> None:
    case = _case(personas)
    story = _story(personas, case)
    url = _url(name, case, None if name in ("story_list", "story_new") else story)
    for response in (Client().get(url), Client().post(url, GOOD)):
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("name", ["story_new", "story_edit", "story_withdraw"])
def test_read_only_members_get_403_and_outsiders_404_on_every_change(
    personas: Personas, name: str
) -> None:
    case = _case(personas)
    story = _story(personas, case)
    url = _url(name, case, None if name == "story_new" else story)
    data = {**GOOD, "title": "Changed", "version": story.version, "consent_to_publish": "on"}
    for method in ("get", "post"):
        assert getattr(_client(personas.read_only_link_worker), method)(url, data).status_code == (
            403
        )
        for outsider in (personas.other_team_link_worker, personas.outsider):
            assert getattr(_client(outsider), method)(url, data).status_code == 404
    story.refresh_from_db()
    assert (story.title, story.consent_to_publish, story.version) == (GOOD["title"], True, 1)
    assert PatientStory.objects.count() == 1
    assert (
        not AuditEvent.objects.filter(action__startswith="patient_story_")
        .exclude(action="patient_story_recorded")
        .exists()
    )


def test_a_story_cannot_be_reached_through_another_case(personas: Personas) -> None:
    case, other = _case(personas), _case(personas)
    story = _story(personas, other)
    client = _client(personas.link_worker)
    assert client.get(_url("story_edit", case, story)).status_code == 404
    assert client.post(_url("story_withdraw", case, story)).status_code == 404
    story.refresh_from_db()
    assert story.consent_to_publish


# --- Writing a story ----------------------------------------------------------------------------


def test_the_case_page_links_to_the_stories(personas: Personas) -> None:
    case = _case(personas)
    detail = reverse("casework:case_detail", kwargs={"case_id": case.uuid})
    html = _client(personas.link_worker).get(detail).content.decode()
    assert _url("story_list", case) in html and _url("story_new", case) in html
    html = _client(personas.read_only_link_worker).get(detail).content.decode()
    assert _url("story_list", case) in html and _url("story_new", case) not in html


def test_the_link_worker_writes_a_consented_story_and_it_is_audited(personas: Personas) -> None:
    case = _case(personas)
    client = _client(personas.link_worker)
    page = client.get(_url("story_new", case)).content.decode()
    assert "The person agreed to this story being used in reports" in page
    assert "Keep the person anonymous" in page
    response = client.post(_url("story_new", case), {**GOOD, "consent_to_publish": "on"})
    assert response.status_code == 302 and response["Location"] == _url("story_list", case)
    assert "It will appear in the quarterly report." in " ".join(_messages(response))
    story = PatientStory.objects.get()
    assert (story.case, story.link_worker_service) == (case, personas.link_worker_service)
    assert story.consent_to_publish and story.consent_recorded_at is not None
    assert story.recorded_by == personas.link_worker
    event = AuditEvent.objects.get(action="patient_story_recorded")
    assert event.object_id == str(story.uuid)
    assert event.person_id == str(case.person.uuid)
    assert event.actor_id == personas.link_worker.pk
    assert event.organisation_id == personas.link_worker_service.pk
    assert _report_titles(personas) == ["Back to the allotment"]
    html = client.get(_url("story_list", case)).content.decode()
    assert "Used in reports" in html


def test_a_story_without_consent_is_kept_but_never_reported(personas: Personas) -> None:
    case = _case(personas)
    response = _client(personas.link_worker_teammate).post(_url("story_new", case), GOOD)
    assert response.status_code == 302
    assert "will not appear in any report" in " ".join(_messages(response))
    assert not PatientStory.objects.get().consent_to_publish
    assert _report_titles(personas) == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "text": GOOD["text"]}, "title", "Enter the title"),
        ({"title": "   ", "text": GOOD["text"]}, "title", "Enter the title"),
        ({"title": GOOD["title"], "text": ""}, "text", "Enter the story"),
        (
            {"title": "x" * 201, "text": GOOD["text"]},
            "title",
            "The title must be 200 characters or fewer (it has 201)",
        ),
        (
            {"title": GOOD["title"], "text": "x" * (TEXT_MAX + 1)},
            "text",
            "The story must be 4,000 characters or fewer (it has 4,001)",
        ),
    ],
)
def test_empty_or_too_long_input_is_refused_with_a_specific_message(
    personas: Personas, data: dict[str, str], field: str, message: str
) -> None:
    case = _case(personas)
    response = _client(personas.link_worker).post(_url("story_new", case), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert f'href="#id_{field}"' in html
    assert not PatientStory.objects.exists()
    assert not AuditEvent.objects.filter(action="patient_story_recorded").exists()


@pytest.mark.parametrize(
    ("text", "what", "found"),
    [
        ("Joan started walking again.", "the person's name", "Joan"),
        ("Mrs hughes joined the choir.", "the person's name", "hughes"),
        ("Jo now runs the seed swap.", "the person's name", "Jo"),
        ("They moved from 12 Willow Street last year.", "a line of the person's address", ""),
        ("Call them on 07700 900123.", "a phone number", "07700 900123"),
        ("NHS 943 476 5919 on file.", "an NHS number or phone number", "943 476 5919"),
        ("Write to joan.h@example.com.", "an email address", "joan.h@example.com"),
        ("They live near SY11 1AA.", "a postcode", "SY11 1AA"),
        ("First met on 3/4/2025.", "a date", "3/4/2025"),
        ("First met on 3rd March 2025.", "a date", "3rd March 2025"),
    ],
)
def test_a_story_that_identifies_the_person_is_refused_and_says_what_was_found(
    personas: Personas, text: str, what: str, found: str
) -> None:
    case = _case(personas)
    response = _client(personas.link_worker).post(
        _url("story_new", case), {"title": GOOD["title"], "text": text, "consent_to_publish": "on"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"The story contains {what} (“{found or '12 Willow Street'}”)" in html.replace(
        "&#x27;", "'"
    )
    assert "so that the story does not identify the person" in html
    assert text in html  # what they wrote is kept so they can fix it
    assert not PatientStory.objects.exists()


def test_the_title_is_checked_for_identifiers_too(personas: Personas) -> None:
    case = _case(personas)
    response = _client(personas.link_worker).post(
        _url("story_new", case), {"title": "Joan's allotment", "text": GOOD["text"]}
    )
    assert response.status_code == 400
    assert "The title contains the person" in response.content.decode()
    assert not PatientStory.objects.exists()


# --- Editing ------------------------------------------------------------------------------------


def test_a_teammate_edits_a_story_and_the_change_is_audited(personas: Personas) -> None:
    case = _case(personas)
    story = _story(personas, case)
    client = _client(personas.link_worker_teammate)
    page = client.get(_url("story_edit", case, story)).content.decode()
    assert 'name="version" value="1"' in page and "withdraw consent" in page
    response = client.post(
        _url("story_edit", case, story),
        {"title": "A seed swap", "text": GOOD["text"], "version": 1},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.title, story.version, story.consent_to_publish) == ("A seed swap", 2, True)
    assert story.recorded_by == personas.link_worker  # who wrote it first
    event = AuditEvent.objects.get(action="patient_story_updated")
    assert event.actor_id == personas.link_worker_teammate.pk
    assert event.person_id == str(case.person.uuid)
    assert event.changes == {"title": ["Back to the allotment", "A seed swap"]}
    assert _report_titles(personas) == ["A seed swap"]


def test_an_edit_from_a_stale_form_is_refused_and_changes_nothing(personas: Personas) -> None:
    case = _case(personas)
    story = _story(personas, case)
    url = _url("story_edit", case, story)
    first = _client(personas.link_worker).post(url, {**GOOD, "title": "First", "version": 1})
    assert first.status_code == 302
    response = _client(personas.link_worker_teammate).post(
        url, {**GOOD, "title": "Second", "version": 1}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this story" in html and "not been saved" in html
    assert 'name="version" value="1"' in html  # resubmitting is refused again
    story.refresh_from_db()
    assert (story.title, story.version) == ("First", 2)
    assert AuditEvent.objects.filter(action="patient_story_updated").count() == 1


def test_an_edit_opened_before_consent_was_withdrawn_is_refused(personas: Personas) -> None:
    case = _case(personas)
    story = _story(personas, case)
    story_withdraw_consent(actor=personas.link_worker, story=story)
    response = _client(personas.link_worker_teammate).post(
        _url("story_edit", case, story), {**GOOD, "title": "Edited", "version": 1}
    )
    assert response.status_code == 409
    story.refresh_from_db()
    assert story.title == GOOD["title"] and not story.consent_to_publish


def test_an_edit_with_identifiers_is_refused_and_changes_nothing(personas: Personas) -> None:
    case = _case(personas)
    story = _story(personas, case)
    response = _client(personas.link_worker).post(
        _url("story_edit", case, story),
        {"title": GOOD["title"], "text": "Joan is doing well.", "version": 1},
    )
    assert response.status_code == 400
    assert "The story contains the person" in response.content.decode()
    story.refresh_from_db()
    assert (story.text, story.version) == (GOOD["text"], 1)
    assert not AuditEvent.objects.filter(action="patient_story_updated").exists()


def test_consent_can_be_recorded_later_by_editing(personas: Personas) -> None:
    case = _case(personas)
    story = _story(personas, case, consent=False)
    client = _client(personas.link_worker)
    page = client.get(_url("story_edit", case, story)).content.decode()
    assert "The person agreed to this story being used in reports" in page
    response = client.post(
        _url("story_edit", case, story), {**GOOD, "version": 1, "consent_to_publish": "on"}
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.consent_to_publish and story.consent_recorded_at is not None
    event = AuditEvent.objects.get(action="patient_story_updated")
    assert event.changes["consent_to_publish"] == [False, True]
    assert _report_titles(personas) == [GOOD["title"]]


# --- Withdrawing consent ------------------------------------------------------------------------


def test_withdrawing_consent_takes_the_story_out_of_the_report(personas: Personas) -> None:
    case = _case(personas)
    story = _story(personas, case)
    assert _report_titles(personas) == [GOOD["title"]]
    client = _client(personas.link_worker_teammate)
    page = client.get(_url("story_withdraw", case, story))
    assert page.status_code == 200 and "cannot be recalled" in page.content.decode()
    assert PatientStory.objects.get().consent_to_publish  # a GET changes nothing
    response = client.post(_url("story_withdraw", case, story))
    assert response.status_code == 302 and response["Location"] == _url("story_list", case)
    assert "will not appear in any report from now on" in " ".join(_messages(response))
    story.refresh_from_db()
    assert not story.consent_to_publish and story.version == 2
    assert _report_titles(personas) == []
    event = AuditEvent.objects.get(action="patient_story_consent_withdrawn")
    assert event.actor_id == personas.link_worker_teammate.pk
    assert event.person_id == str(case.person.uuid)
    assert event.changes == {"consent_to_publish": [True, False]}
    html = client.get(_url("story_list", case)).content.decode()
    assert "Consent withdrawn" in html and _url("story_withdraw", case, story) not in html


def test_withdrawing_twice_changes_nothing_the_second_time(personas: Personas) -> None:
    case = _case(personas)
    story = _story(personas, case)
    client = _client(personas.link_worker)
    client.post(_url("story_withdraw", case, story))
    response = client.post(_url("story_withdraw", case, story))
    assert response.status_code == 302
    assert "there is no consent to withdraw" in " ".join(_messages(response))
    story.refresh_from_db()
    assert story.version == 2
    assert AuditEvent.objects.filter(action="patient_story_consent_withdrawn").count() == 1


def test_the_story_list_takes_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    case = _case(personas)
    for n in range(12):
        story_record(
            actor=personas.link_worker,
            case=case,
            title=f"Story {n}",
            text=GOOD["text"],
            consent_to_publish=n % 2 == 0,
        )
    client = _client(personas.link_worker)
    client.get(_url("story_list", case))
    with django_assert_max_num_queries(12):
        assert client.get(_url("story_list", case)).status_code == 200


# --- The checks themselves ----------------------------------------------------------------------


def test_identifiers_are_reported_once_each_in_order() -> None:
    found = identifiers_in(
        "Alex (07700 900123) met Sam on 3 March 2025 at SY11 1AA.", names=["Alex", "Sam", ""]
    )
    assert found == [
        ("the person's name", "Alex"),
        ("a phone number", "07700 900123"),
        ("the person's name", "Sam"),
        ("a date", "3 March 2025"),
        ("a postcode", "SY11 1AA"),
    ]
    assert identifiers_in("They joined Alexandra's group in May 2025.", names=["Alex"]) == []


def test_a_story_that_passes_the_check_is_published_as_written() -> None:
    text = GOOD["text"]
    assert identifiers_in(text, names=["Joan", "Hughes"]) == []
    assert deidentify(text, names=["Joan", "Hughes"]) == text
    assert deidentify("Seen 3rd March 2025.", names=[]) == "Seen [removed]."


def test_a_withdrawn_story_leaves_the_report_page_at_once(personas: Personas) -> None:
    # The page keeps built sections for a while; stories must never be served from there.
    from django.core.cache import cache

    cache.clear()
    case = _case(personas)
    story = _story(personas, case)
    today = timezone.localdate()
    period = {
        "quarter": "custom",
        "start": (today - dt.timedelta(days=1)).isoformat(),
        "end": today.isoformat(),
    }
    manager = _client(personas.team_manager)
    page = reverse("reports:quarterly")
    assert GOOD["title"] in manager.get(page, period).content.decode()
    story_withdraw_consent(actor=personas.link_worker, story=story)
    assert GOOD["title"] not in manager.get(page, period).content.decode()
