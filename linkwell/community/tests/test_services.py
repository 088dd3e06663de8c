"""Suggestion services: validation, partner venues, approval with provenance, contact confirmation."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail

from linkwell.audit.models import AuditEvent
from linkwell.community.models import PartnerDecision, Suggestion, SuggestionStatus
from linkwell.community.services import (
    ASK_A_LINK_WORKER,
    CONTACT_LINK_MAX_AGE,
    ContactLinkError,
    contact_confirm_by_link,
    contact_confirmation_token,
    find_partner_venue,
    suggestion_approve,
    suggestion_merge,
    suggestion_partner_decide,
    suggestion_reject,
    suggestion_submit,
    suggestion_update,
)
from linkwell.community.tests.factories import make_suggestion, suggestion_data
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.directory.models import Contact, Phone, Schedule, Service
from linkwell.directory.tests.factories import make_organization, make_service
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_a_suggestion_is_stored_pending_and_audited_and_nothing_is_published() -> None:
    suggestion = make_suggestion()
    assert suggestion.status == SuggestionStatus.PENDING
    assert suggestion.suggester_role == "community member"
    assert Service.objects.count() == 0
    assert AuditEvent.objects.filter(action="community.suggestion_submitted").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the name"),
        ({"name": "x" * 201}, "name", "200 characters or fewer"),
        ({"description": "x" * 2001}, "description", "2000 characters or fewer"),
        ({"day": ""}, "day", "Select the day"),
        ({"frequency": "monthly", "week_of_month": None}, "week_of_month", "which week"),
        (
            {"frequency": "once", "on_date": dt.date(2000, 1, 1)},
            "on_date",
            "today or in the future",
        ),
        ({"ends_at": dt.time(9, 0)}, "ends_at", "after the start time"),
        ({"postcode": "NOT A CODE"}, "postcode", "real postcode"),
        ({"venue_kind": "home", "town": ""}, "town", "town or area"),
        ({"cost_kind": "paid", "cost_amount": None}, "cost_amount", "how much"),
        ({"cost_kind": "paid", "cost_amount": Decimal("5000")}, "cost_amount", "less than"),
        ({"minimum_age": 70, "maximum_age": 12}, "minimum_age", "lower than"),
        ({"contact_email": "not-an-email"}, "contact_email", "correct format"),
        ({"contact_phone": "call me"}, "contact_phone", "telephone number"),
        ({"website": "javascript:alert(1)"}, "website", "correct format"),
    ],
)
def test_bad_input_is_refused_with_a_specific_message_and_nothing_is_saved(
    overrides: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        suggestion_submit(actor=None, data=suggestion_data(**overrides))
    assert any(message in m for m in caught.value.errors[field])
    assert Suggestion.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_signed_in_suggester_is_recorded_with_their_role(personas: Personas) -> None:
    suggestion = suggestion_submit(actor=personas.link_worker, data=suggestion_data())
    assert suggestion.suggested_by == personas.link_worker
    assert suggestion.suggester_role == "Link worker"


def _partner_venue(personas: Personas) -> Service:
    org = make_organization("Oswestry Men's Shed", owner=personas.provider_org)
    return make_service(
        "Shed sessions", organization=org, postcode="SY11 1JN", address="12 Church St."
    )


def test_a_venue_owned_by_a_partner_is_matched_on_postcode_and_normalised_address(
    personas: Personas,
) -> None:
    service = _partner_venue(personas)
    location = service.service_at_locations.get().location
    assert find_partner_venue(address_1="12, CHURCH STREET", postcode="sy111jn") == location
    assert find_partner_venue(address_1="14 Church Street", postcode="SY11 1JN") is None
    assert find_partner_venue(address_1="12 Church Street", postcode="SY11 1AA") is None


def test_a_venue_owned_by_nobody_needs_no_partner_approval(personas: Personas) -> None:
    make_service("Council hall", postcode="SY11 1JN", address="12 Church Street")
    suggestion = make_suggestion(address_1="12 Church Street")
    assert suggestion.partner_decision == PartnerDecision.NOT_NEEDED


def test_an_event_at_a_partners_venue_is_not_listed_until_the_partner_agrees(
    personas: Personas, django_capture_on_commit_callbacks: object
) -> None:
    _partner_venue(personas)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        suggestion = make_suggestion(address_1="12 Church Street")
    # The partner's own staff are asked (not the read-only member, not the public's addresses).
    assert sorted(m.to[0] for m in mail.outbox) == ["owner@shed.example", "teammate@shed.example"]
    assert f"/community/venue-requests/{suggestion.uuid}/" in mail.outbox[0].body
    assert suggestion.partner_decision == PartnerDecision.PENDING
    assert suggestion.partner_organisation == personas.provider_org
    services_before = Service.objects.count()
    with pytest.raises(ValidationFailed, match="must agree"):
        suggestion_approve(actor=personas.link_worker, suggestion=suggestion)
    assert Service.objects.count() == services_before
    suggestion_partner_decide(actor=personas.owner, suggestion=suggestion, agree=True)
    service = suggestion_approve(actor=personas.link_worker, suggestion=suggestion)
    # Listed at the partner's own venue, not a copy of it.
    assert service.service_at_locations.get().location == suggestion.partner_location


def test_a_partner_who_declines_must_say_why_and_blocks_approval(personas: Personas) -> None:
    _partner_venue(personas)
    suggestion = make_suggestion(address_1="12 Church Street")
    with pytest.raises(ValidationFailed, match="why"):
        suggestion_partner_decide(actor=personas.owner, suggestion=suggestion, agree=False)
    suggestion_partner_decide(
        actor=personas.owner, suggestion=suggestion, agree=False, note="We are closed Tuesdays"
    )
    with pytest.raises(ValidationFailed, match="did not agree"):
        suggestion_approve(actor=personas.link_worker, suggestion=suggestion)
    assert AuditEvent.objects.filter(action="community.venue_request_decided").count() == 1


def test_moving_the_draft_away_from_a_partners_venue_clears_the_check(personas: Personas) -> None:
    _partner_venue(personas)
    suggestion = make_suggestion(address_1="12 Church Street")
    updated = suggestion_update(
        actor=personas.link_worker,
        suggestion=suggestion,
        data=suggestion_data(address_1="The Guildhall"),
        expected_version=suggestion.version,
    )
    assert updated.partner_decision == PartnerDecision.NOT_NEEDED
    assert updated.version == suggestion.version + 1
    with pytest.raises(ConcurrentEditError):
        suggestion_update(
            actor=personas.link_worker,
            suggestion=suggestion,
            data=suggestion_data(name="Stale"),
            expected_version=suggestion.version,
        )


def test_approval_creates_the_listing_with_provenance_and_no_unconfirmed_contact_details(
    personas: Personas, django_capture_on_commit_callbacks: object
) -> None:
    suggestion = make_suggestion(frequency="fortnightly", cost_kind="paid", cost_amount="2.50")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        service = suggestion_approve(
            actor=personas.link_worker, suggestion=suggestion, expected_version=suggestion.version
        )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.APPROVED
    assert suggestion.service == service and suggestion.decided_by == personas.link_worker
    assert service.organization.name == "Tuesday Knit and Natter"
    schedule = Schedule.objects.get(service=service)
    assert (schedule.freq, schedule.byday, schedule.interval) == ("WEEKLY", "TU", 2)
    assert schedule.opens_at == dt.time(10, 0)
    assert service.cost_options.get().amount == Decimal("2.50")
    address = service.service_at_locations.get().location.addresses.get()
    assert address.postal_code == "SY11 1JN"
    # The contact's details are not published; the listing says to ask a link worker.
    assert service.application_process == ASK_A_LINK_WORKER
    assert not service.email and not Contact.objects.filter(service=service).exists()
    assert not Phone.objects.filter(number__contains="01691").exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"community.suggestion_approved", "directory.service_created"} <= actions
    # The contact was asked by email, with a signed link.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mavis@example.org"]
    assert "/community/confirm/" in mail.outbox[0].body


def test_confirming_by_the_emailed_link_publishes_the_contact_once(personas: Personas) -> None:
    suggestion = make_suggestion()
    service = suggestion_approve(actor=personas.link_worker, suggestion=suggestion)
    suggestion.refresh_from_db()
    token = contact_confirmation_token(suggestion)
    contact_confirm_by_link(token=token)
    contact = Contact.objects.get(service=service)
    assert contact.email == "mavis@example.org" and contact.name == "Mavis Jones"
    assert contact.phones.get().number == "01691 000 111"
    service.refresh_from_db()
    assert service.application_process == ""
    with pytest.raises(ContactLinkError) as used:
        contact_confirm_by_link(token=token)
    assert used.value.reason == "used"
    assert Contact.objects.filter(service=service).count() == 1


def test_a_tampered_or_expired_link_publishes_nothing(personas: Personas) -> None:
    suggestion = make_suggestion()
    service = suggestion_approve(actor=personas.link_worker, suggestion=suggestion)
    suggestion.refresh_from_db()
    with pytest.raises(ContactLinkError) as bad:
        contact_confirm_by_link(token=contact_confirmation_token(suggestion)[:-2] + "xx")
    assert bad.value.reason == "invalid"
    issued = time.time() - CONTACT_LINK_MAX_AGE.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=issued):
        old = contact_confirmation_token(suggestion)
    with pytest.raises(ContactLinkError) as expired:
        contact_confirm_by_link(token=old)
    assert expired.value.reason == "expired"
    assert not Contact.objects.filter(service=service).exists()
    service.refresh_from_db()
    assert service.application_process == ASK_A_LINK_WORKER


def test_a_link_for_an_email_the_moderator_has_since_changed_is_refused(
    personas: Personas,
) -> None:
    suggestion = make_suggestion()
    token = contact_confirmation_token(suggestion)  # as if sent before a correction
    suggestion_update(
        actor=personas.link_worker,
        suggestion=suggestion,
        data=suggestion_data(contact_email="mavis.jones@example.org"),
        expected_version=suggestion.version,
    )
    suggestion.refresh_from_db()
    suggestion_approve(actor=personas.link_worker, suggestion=suggestion)
    with pytest.raises(ContactLinkError):
        contact_confirm_by_link(token=token)


def test_rejecting_needs_a_reason_and_can_tell_the_suggester(
    personas: Personas, django_capture_on_commit_callbacks: object
) -> None:
    suggestion = make_suggestion()
    with pytest.raises(ValidationFailed, match="reason"):
        suggestion_reject(actor=personas.link_worker, suggestion=suggestion, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        suggestion_reject(
            actor=personas.link_worker,
            suggestion=suggestion,
            reason="This is a business selling courses.",
            tell_suggester=True,
        )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.REJECTED
    assert mail.outbox[0].to == ["pat@example.org"]
    assert "selling courses" in mail.outbox[0].body
    assert Service.objects.count() == 0
    with pytest.raises(ValidationFailed, match="already been decided"):
        suggestion_approve(actor=personas.link_worker, suggestion=suggestion)


def test_merging_records_the_suggestion_against_the_existing_listing(personas: Personas) -> None:
    existing = make_service("Knit and Natter")
    version = existing.version
    suggestion = make_suggestion()
    suggestion_merge(actor=personas.team_manager, suggestion=suggestion, service=existing)
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.MERGED and suggestion.service == existing
    existing.refresh_from_db()
    assert existing.version == version
    assert AuditEvent.objects.filter(action="community.suggestion_merged").count() == 1


def test_a_home_venue_is_never_published(personas: Personas) -> None:
    suggestion = make_suggestion(
        venue_kind="home", address_1="3 Private Road", postcode="SY11 1AA", town="Gobowen"
    )
    service = suggestion_approve(actor=personas.link_worker, suggestion=suggestion)
    assert not service.service_at_locations.exists()
    assert "3 Private Road" not in service.description
    assert "member's home in Gobowen" in service.description


def test_monthly_and_one_off_sessions_become_hsds_schedules(personas: Personas) -> None:
    monthly = suggestion_approve(
        actor=personas.link_worker,
        suggestion=make_suggestion(frequency="monthly", day="FR", week_of_month=-1),
    )
    assert Schedule.objects.get(service=monthly).byday == "-1FR"
    day = dt.date.today() + dt.timedelta(days=30)
    once = suggestion_approve(
        actor=personas.link_worker,
        suggestion=make_suggestion(name="Fair", frequency="once", day="", on_date=day),
    )
    schedule = Schedule.objects.get(service=once)
    assert schedule.valid_from == schedule.valid_to == day


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"frequency": "monthly", "day": "FR", "week_of_month": -1, "cost_kind": "donation"},
        {"venue_kind": "online", "online_link": "https://meet.example.org/knit"},
        {"venue_kind": "home", "town": "Gobowen", "cost_kind": "paid", "cost_amount": "3"},
    ],
)
def test_an_approved_listing_exports_as_valid_open_referral_uk(
    personas: Personas, overrides: dict[str, object]
) -> None:
    from linkwell.directory.exchange import hsds, schemas

    service = suggestion_approve(
        actor=personas.link_worker, suggestion=make_suggestion(**overrides)
    )
    suggestion = Suggestion.objects.get(service=service)
    contact_confirm_by_link(token=contact_confirmation_token(suggestion))
    data = hsds.service_to_hsds(Service.objects.get(pk=service.pk))
    for name in (schemas.ORUK_SERVICE, schemas.HSDS_SERVICE):
        assert [e.message for e in schemas.validator(name).iter_errors(data)] == []
    # Provenance and the suggester stay private.
    text = str(data)
    assert "pat@example.org" not in text and "community member" not in text
