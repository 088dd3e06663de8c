"""Pages, with personas: the public form and its abuse controls, moderation, venue requests,
contact confirmation and timetables. Outsiders 404, read-only members 403."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import Role
from linkwell.community import abuse
from linkwell.community.models import (
    FeedStatus,
    PartnerDecision,
    Suggestion,
    SuggestionStatus,
    TimetableFeed,
)
from linkwell.community.services import contact_confirmation_token, suggestion_approve
from linkwell.community.tests.factories import form_post, make_suggestion
from linkwell.directory.models import Contact, Service
from linkwell.directory.tests.factories import make_organization, make_service
from tests.personas import Personas, make_user

pytestmark = pytest.mark.django_db

SUGGEST = reverse("community:suggest")
QUEUE = reverse("community:moderation")


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_form(client: Client, **overrides: str) -> Any:
    token = abuse.FORM_TOKEN.make(time.time() - 60)
    return client.post(SUGGEST, {**form_post(**overrides), "form_token": token})


# --- The public form ---------------------------------------------------------------------------


def test_anyone_can_suggest_a_group_without_signing_in() -> None:
    client = Client()
    page = client.get(SUGGEST)
    assert page.status_code == 200
    assert "Suggest a group or activity" in page.content.decode()
    response = _post_form(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("community:suggest_done")
    done = client.get(response["Location"]).content.decode()
    assert "Thank you: we have your suggestion" in done
    assert "we will email the contact address to ask" in done
    assert Suggestion.objects.get().name == "Tuesday Knit and Natter"


def test_mistakes_are_listed_in_an_error_summary_and_nothing_is_saved() -> None:
    response = _post_form(Client(), name="", day="", postcode="nonsense")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the name of the group or activity" in html
    assert "Select the day it happens" in html
    assert "Enter a real postcode" in html
    assert not Suggestion.objects.exists()


def test_the_hidden_honeypot_field_refuses_scripts() -> None:
    response = _post_form(Client(), website_url="http://spam.example")
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_a_form_sent_seconds_after_it_was_shown_is_refused() -> None:
    client = Client()
    response = client.post(
        SUGGEST, {**form_post(), "form_token": abuse.FORM_TOKEN.make(time.time())}
    )
    assert response.status_code == 400
    assert "Please check your answers" in response.content.decode()
    forged = client.post(SUGGEST, {**form_post(), "form_token": "forged"})
    assert "This form has expired" in forged.content.decode()
    assert not Suggestion.objects.exists()


def test_too_many_suggestions_from_one_address_are_refused(settings: Any) -> None:
    settings.LINKWELL_COMMUNITY_SUGGESTIONS_PER_HOUR = 2
    client = Client()
    assert _post_form(client).status_code == 302
    assert _post_form(client, name="Second").status_code == 302
    third = _post_form(client, name="Third")
    assert third.status_code == 429
    assert "cannot take your suggestion right now" in third.content.decode()
    assert Suggestion.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert _post_form(other, name="Fourth").status_code == 302


def test_overlong_text_is_refused_with_a_message() -> None:
    response = _post_form(Client(), description="x" * 2100)
    assert response.status_code == 400
    assert "2000 characters or fewer" in response.content.decode()


# --- Moderation --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 12])
def test_the_queue_lists_pending_suggestions_in_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any, count: int
) -> None:
    for i in range(count):
        make_suggestion(name=f"Group {i}")
    client = client_for(personas.link_worker)
    with django_assert_max_num_queries(11):
        response = client.get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{count} suggestions" in html and "Group 1" in html
    # The header menu leads moderators here.
    # (The label and the current-page markup belong to the header: only the link is checked.)
    assert f'href="{QUEUE}" aria-current="page"' in html


@pytest.mark.parametrize("who", ["outsider", "owner", "commissioner", "referrer"])
def test_people_who_do_not_moderate_get_404(personas: Personas, who: str) -> None:
    suggestion = make_suggestion()
    client = client_for(getattr(personas, who))
    assert client.get(QUEUE).status_code == 404
    detail = reverse("community:moderation_detail", kwargs={"suggestion_id": suggestion.uuid})
    assert client.get(detail).status_code == 404
    approve = reverse("community:moderation_approve", kwargs={"suggestion_id": suggestion.uuid})
    assert client.post(approve, {"version": 1}).status_code == 404
    assert not Service.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(QUEUE)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_read_only_link_workers_see_the_queue_but_cannot_decide(personas: Personas) -> None:
    suggestion = make_suggestion()
    client = client_for(personas.read_only_link_worker)
    assert client.get(QUEUE).status_code == 200
    kwargs = {"suggestion_id": suggestion.uuid}
    for name in ("moderation_approve", "moderation_reject", "moderation_merge"):
        assert (
            client.post(reverse(f"community:{name}", kwargs=kwargs), {"version": 1}).status_code
            == 403
        )
    assert client.get(reverse("community:moderation_edit", kwargs=kwargs)).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING


def test_volunteers_tidy_drafts_but_staff_decide(personas: Personas) -> None:
    champion = make_user("champion@sp.example", personas.link_worker_service, Role.VOLUNTEER)
    suggestion = make_suggestion()
    client = client_for(champion)
    kwargs = {"suggestion_id": suggestion.uuid}
    edit = reverse("community:moderation_edit", kwargs=kwargs)
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**form_post(name="Knit & Natter (Tuesdays)"), "version": 1})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.name == "Knit & Natter (Tuesdays)"
    approve = reverse("community:moderation_approve", kwargs=kwargs)
    assert client.post(approve, {"version": suggestion.version}).status_code == 403


def test_a_link_worker_approves_and_the_service_page_shows_where_it_came_from(
    personas: Personas,
) -> None:
    suggestion = make_suggestion()
    client = client_for(personas.link_worker)
    detail = reverse("community:moderation_detail", kwargs={"suggestion_id": suggestion.uuid})
    assert "mavis@example.org" in client.get(detail).content.decode()
    response = client.post(
        reverse("community:moderation_approve", kwargs={"suggestion_id": suggestion.uuid}),
        {"version": suggestion.version},
    )
    service = Service.objects.get()
    assert response["Location"] == reverse(
        "directory:service_detail", kwargs={"service_id": service.uuid}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Suggested by a community member" in page
    assert "approved by" in page
    assert "Ask a link worker for contact details." in page
    assert "mavis@example.org" not in page


def test_approving_an_outdated_copy_is_refused(personas: Personas) -> None:
    suggestion = make_suggestion()
    response = client_for(personas.link_worker).post(
        reverse("community:moderation_approve", kwargs={"suggestion_id": suggestion.uuid}),
        {"version": suggestion.version - 1 + 5},
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert not Service.objects.exists()


def test_rejecting_without_a_reason_shows_the_error_summary(personas: Personas) -> None:
    suggestion = make_suggestion()
    client = client_for(personas.team_manager)
    url = reverse("community:moderation_reject", kwargs={"suggestion_id": suggestion.uuid})
    response = client.post(url, {"version": suggestion.version, "reason": ""})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    response = client.post(
        url, {"version": suggestion.version, "reason": "Duplicate of a spam post"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.REJECTED


def test_merging_into_an_unknown_listing_is_refused(personas: Personas) -> None:
    suggestion = make_suggestion()
    existing = make_service("Knit and Natter")
    client = client_for(personas.link_worker)
    url = reverse("community:moderation_merge", kwargs={"suggestion_id": suggestion.uuid})
    bad = client.post(url, {"version": 1, "service": "2f0e7c3a-0000-4000-8000-000000000000"})
    assert bad.status_code == 400 and "no listing with that id" in bad.content.decode()
    good = client.post(url, {"version": 1, "service": str(existing.uuid)})
    assert good.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.service == existing


# --- Venue requests ----------------------------------------------------------------------------


def _at_partner_venue(personas: Personas) -> Suggestion:
    org = make_organization("Oswestry Men's Shed", owner=personas.provider_org)
    make_service("Shed", organization=org, postcode="SY11 1JN", address="12 Church Street")
    return make_suggestion(address_1="12 Church St")


def test_the_partner_sees_and_answers_the_venue_request(personas: Personas) -> None:
    suggestion = _at_partner_venue(personas)
    client = client_for(personas.owner)
    listing = client.get(reverse("community:venue_requests")).content.decode()
    assert "Tuesday Knit and Natter" in listing
    url = reverse("community:venue_request_detail", kwargs={"suggestion_id": suggestion.uuid})
    page = client.get(url).content.decode()
    assert "mavis@example.org" not in page  # the venue's owner is not shown personal details
    assert client.post(url, {"decision": "decline"}).status_code == 400
    assert client.post(url, {"decision": "agree"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.partner_decision == PartnerDecision.APPROVED


def test_moderators_cannot_approve_before_the_partner_agrees(personas: Personas) -> None:
    suggestion = _at_partner_venue(personas)
    response = client_for(personas.link_worker).post(
        reverse("community:moderation_approve", kwargs={"suggestion_id": suggestion.uuid}),
        {"version": suggestion.version},
    )
    assert response.status_code == 400
    assert "must agree" in response.content.decode()
    assert Service.objects.count() == 1  # only the partner's own


def test_venue_requests_are_404_to_other_providers_and_403_to_read_only_members(
    personas: Personas,
) -> None:
    suggestion = _at_partner_venue(personas)
    url = reverse("community:venue_request_detail", kwargs={"suggestion_id": suggestion.uuid})
    assert client_for(personas.outsider).get(url).status_code == 404
    assert (
        client_for(personas.link_worker).get(reverse("community:venue_requests")).status_code == 404
    )
    read_only = client_for(personas.read_only)
    assert read_only.get(url).status_code == 200
    assert read_only.post(url, {"decision": "agree"}).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.partner_decision == PartnerDecision.PENDING


# --- Contact confirmation ----------------------------------------------------------------------


def test_opening_the_emailed_link_publishes_nothing_until_the_button_is_pressed(
    personas: Personas,
) -> None:
    suggestion = make_suggestion()
    service = suggestion_approve(actor=personas.link_worker, suggestion=suggestion)
    suggestion.refresh_from_db()
    url = reverse(
        "community:contact_confirm", kwargs={"token": contact_confirmation_token(suggestion)}
    )
    client = Client()
    page = client.get(url)
    assert (
        page.status_code == 200 and "May we publish your contact details?" in page.content.decode()
    )
    assert not Contact.objects.filter(service=service).exists()
    assert client.post(url).status_code == 200
    assert Contact.objects.filter(service=service, email="mavis@example.org").exists()
    again = client.post(url)
    assert again.status_code == 410 and "already confirmed" in again.content.decode()
    assert client.get(url[:-3] + "xx/").status_code == 404


# --- Timetables --------------------------------------------------------------------------------

GOOD = (Path(__file__).parent / "fixtures" / "good.ics").read_bytes()


@pytest.fixture
def service(personas: Personas) -> Service:
    org = make_organization("Oswestry Men's Shed", owner=personas.provider_org)
    return make_service("Shed", organization=org)


def test_provider_staff_attach_a_calendar_url_and_it_is_imported(
    personas: Personas, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("linkwell.community.timetables.fetch_url", lambda url: GOOD)
    url = reverse("community:timetable", kwargs={"service_id": service.uuid})
    client = client_for(personas.owner)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"url": "ftp://shed.example.org/x.ics"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    response = client.post(url, {"url": "https://shed.example.org/timetable.ics"})
    assert response.status_code == 302
    feed = TimetableFeed.objects.get(service=service)
    assert feed.url == "https://shed.example.org/timetable.ics"
    # Tests run tasks at once (settings: the immediate backend); a worker does in production.
    assert feed.status == FeedStatus.OK and feed.events_imported == 3
    page = client.get(url).content.decode()
    assert "3 sessions" in page


def test_an_upload_is_stored_and_a_failed_import_shows_its_reason(
    personas: Personas, service: Service
) -> None:
    url = reverse("community:timetable", kwargs={"service_id": service.uuid})
    client = client_for(personas.link_worker)
    upload = SimpleUploadedFile("shed.ics", GOOD, content_type="text/calendar")
    assert client.post(url, {"upload": upload}).status_code == 302
    feed = TimetableFeed.objects.get(service=service)
    assert feed.uploaded_name == "shed.ics" and "BEGIN:VCALENDAR" in feed.uploaded
    TimetableFeed.objects.filter(pk=feed.pk).update(
        status=FeedStatus.FAILED, last_error="Event 2 has no start (DTSTART)."
    )
    assert "Event 2 has no start" in client.get(url).content.decode()
    page = client.get(reverse("directory:service_detail", kwargs={"service_id": service.uuid}))
    assert "Event 2 has no start" in page.content.decode()


def test_timetables_are_404_to_outsiders_and_403_to_read_only_members(
    personas: Personas, service: Service
) -> None:
    url = reverse("community:timetable", kwargs={"service_id": service.uuid})
    assert client_for(personas.outsider).get(url).status_code == 404
    assert client_for(personas.commissioner).get(url).status_code == 404
    read_only = client_for(personas.read_only)
    assert read_only.get(url).status_code == 200
    assert read_only.post(url, {"url": "https://shed.example.org/x.ics"}).status_code == 403
    assert not TimetableFeed.objects.exists()


def test_a_form_token_sent_again_is_refused_and_creates_nothing() -> None:
    token = abuse.FORM_TOKEN.make(time.time() - 60)
    client = Client()
    assert client.post(SUGGEST, {**form_post(), "form_token": token}).status_code == 302
    for _ in range(3):
        again = client.post(SUGGEST, {**form_post(), "form_token": token})
        assert again.status_code == 400
        assert "This form was already sent" in again.content.decode()
    assert Suggestion.objects.count() == 1


def test_a_form_shown_again_with_mistakes_gets_a_fresh_token_that_works() -> None:
    client = Client()
    token = abuse.FORM_TOKEN.make(time.time() - 60)
    wrong = client.post(SUGGEST, {**form_post(name=""), "form_token": token})
    assert wrong.status_code == 400
    fresh = wrong.context["form"].data["form_token"]
    assert fresh != token
    assert client.post(SUGGEST, {**form_post(), "form_token": fresh}).status_code == 302
    assert Suggestion.objects.count() == 1
