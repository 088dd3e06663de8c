"""Linking a member to their record as a person supported: consent and a reason, found by NHS
number or name and date of birth among the organisation's people, audited; the link opens
nothing on either side."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ValidationFailed
from linkwell.people.models import Person
from linkwell.volunteering.models import RequestSource, SupportRequest
from linkwell.volunteering.services import (
    member_find_person,
    member_link_person,
    member_unlink_person,
)
from linkwell.volunteering.tests.factories import VolunteerCast
from tests.personas import Personas

pytestmark = pytest.mark.django_db

NHS = "9434765919"


def supported(cast: VolunteerCast, **fields: object) -> Person:
    values: dict[str, object] = {
        "given_name": "Margaret",
        "family_name": "Owen",
        "date_of_birth": dt.date(1950, 2, 3),
        "nhs_number": NHS,
        "address_line_1": "1 Secret Lane",
    }
    values.update(fields)
    person = Person.objects.create(**values)
    SupportRequest.objects.create(
        person=person, organisation=cast.service, source=RequestSource.REFERRAL, about="x"
    )
    return person


def test_the_person_is_found_by_nhs_number_or_name_and_birth_date(cast: VolunteerCast) -> None:
    person = supported(cast)
    assert member_find_person(organisation=cast.service, nhs_number="943 476 5919") == person
    assert (
        member_find_person(
            organisation=cast.service,
            given_name="margaret",
            family_name="OWEN",
            date_of_birth=dt.date(1950, 2, 3),
        )
        == person
    )
    # Someone never referred to this organisation is not found.
    with pytest.raises(ValidationFailed) as exc:
        member_find_person(organisation=cast.other_service, nhs_number=NHS)
    assert "No one your organisation supports has these details" in exc.value.errors["__all__"][0]
    with pytest.raises(ValidationFailed) as exc:
        member_find_person(organisation=cast.service)
    assert exc.value.errors["nhs_number"] == [
        "Enter their NHS number, or their name and date of birth"
    ]


def test_linking_needs_consent_and_a_reason_and_is_audited(cast: VolunteerCast) -> None:
    person = supported(cast)
    member = cast.member
    with pytest.raises(ValidationFailed) as exc:
        member_link_person(
            actor=cast.coordinator,
            member=member,
            person=person,
            consent=False,
            reason="",
            expected_version=member.version,
        )
    assert set(exc.value.errors) == {"consent", "reason"}
    member.refresh_from_db()
    assert member.person_id is None
    member = member_link_person(
        actor=cast.coordinator,
        member=member,
        person=person,
        consent=True,
        reason="Avoid matching her with her own befriender",
        expected_version=member.version,
    )
    assert member.person == person and member.person_link_consent_at is not None
    event = AuditEvent.objects.get(action="volunteering.member_person_linked")
    assert event.person_id == str(person.uuid)
    member = member_unlink_person(
        actor=cast.coordinator,
        member=member,
        reason="Consent withdrawn",
        expected_version=member.version,
    )
    assert member.person_id is None
    assert AuditEvent.objects.filter(action="volunteering.member_person_unlinked").exists()


def test_the_link_shows_none_of_the_persons_record(cast: VolunteerCast, personas: Personas) -> None:
    person = supported(cast)
    member_link_person(
        actor=cast.coordinator,
        member=cast.member,
        person=person,
        consent=True,
        reason="She asked",
        expected_version=cast.member.version,
    )
    client = Client()
    client.force_login(cast.coordinator)
    html = client.get(
        reverse("volunteering:member_detail", kwargs={"member_id": cast.member.uuid})
    ).content.decode()
    on = timezone.localdate().strftime("%-d %B %Y")
    assert f"Also known to the service as a person supported (linked with consent on {on})" in html
    for secret in ("Secret Lane", "943 476 5919", NHS, str(person.uuid), "/people/"):
        assert secret not in html
    # And the volunteer record is not reachable from the person side: a link worker cannot open
    # the member page at all.
    link_worker = Client()
    link_worker.force_login(personas.link_worker)
    assert (
        link_worker.get(
            reverse("volunteering:member_detail", kwargs={"member_id": cast.member.uuid})
        ).status_code
        == 404
    )


def test_the_link_page_links_by_nhs_number(cast: VolunteerCast) -> None:
    person = supported(cast)
    client = Client()
    client.force_login(cast.coordinator)
    url = reverse("volunteering:link_person", kwargs={"member_id": cast.member.uuid})
    missing = client.post(
        url, {"action": "link", "version": cast.member.version, "nhs_number": NHS}
    )
    assert missing.status_code == 400
    assert "Confirm the volunteer agreed to linking their two records" in missing.content.decode()
    ok = client.post(
        url,
        {
            "action": "link",
            "version": cast.member.version,
            "nhs_number": NHS,
            "reason": "She asked",
            "consent": "on",
        },
    )
    assert ok.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.person == person
