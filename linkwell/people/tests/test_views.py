"""The person page and the merge page, for every persona."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from linkwell.people.models import Person
from linkwell.referrals.tests.factories import VALID_NHS, make_person, make_referral

pytestmark = pytest.mark.django_db

TEAM = ["link_worker", "link_worker_teammate", "read_only_link_worker", "team_manager"]
NOT_TEAM = ["other_team_link_worker", "owner", "referrer", "commissioner"]


@pytest.fixture
def person(personas):
    person = make_person(nhs_number=VALID_NHS)
    make_referral(person, personas.link_worker_service)
    return person


@pytest.fixture
def duplicate(personas):
    dup = make_person(given_name="Maggie")
    make_referral(dup, personas.link_worker_service)
    return dup


@pytest.mark.parametrize("who", TEAM)
def test_the_case_team_sees_the_person_page_and_each_view_is_logged(client, personas, person, who):
    user = getattr(personas, who)
    client.force_login(user)
    response = client.get(reverse("people:detail", kwargs={"person_id": person.uuid}))
    assert response.status_code == 200
    assert b"943 476 5919" in response.content
    assert AuditEvent.objects.filter(
        kind="access", actor_id=user.pk, person_id=str(person.uuid)
    ).exists()


@pytest.mark.parametrize("who", NOT_TEAM)
def test_anyone_outside_the_team_gets_not_found(client, personas, person, who):
    client.force_login(getattr(personas, who))
    response = client.get(reverse("people:detail", kwargs={"person_id": person.uuid}))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, person):
    response = client.get(reverse("people:detail", kwargs={"person_id": person.uuid}))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_person_page_offers_possible_duplicates_to_merge(client, personas, person, duplicate):
    client.force_login(personas.link_worker)
    response = client.get(reverse("people:detail", kwargs={"person_id": person.uuid}))
    merge_url = reverse(
        "people:merge", kwargs={"person_id": person.uuid, "duplicate_id": duplicate.uuid}
    )
    assert merge_url.encode() in response.content


def merge_url(keep: Any, dup: Any) -> str:
    return reverse("people:merge", kwargs={"person_id": keep.uuid, "duplicate_id": dup.uuid})


def test_a_link_worker_merges_two_records(client, personas, person, duplicate):
    client.force_login(personas.link_worker)
    assert client.get(merge_url(person, duplicate)).status_code == 200
    response = client.post(
        merge_url(person, duplicate),
        {"keep_version": person.version, "duplicate_version": duplicate.version},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == person
    assert person.referrals.count() == 2
    assert AuditEvent.objects.filter(
        action="people.person_merged", actor_id=personas.link_worker.pk
    )


def test_a_merge_with_stale_versions_is_refused_with_a_message(client, personas, person, duplicate):
    client.force_login(personas.link_worker)
    Person.objects.filter(pk=person.pk).update(version=5)
    response = client.post(
        merge_url(person, duplicate), {"keep_version": 1, "duplicate_version": duplicate.version}
    )
    assert response.status_code == 409
    assert b"changed by someone else" in response.content
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_a_read_only_member_cannot_merge(client, personas, person, duplicate):
    client.force_login(personas.read_only_link_worker)
    assert client.get(merge_url(person, duplicate)).status_code == 403
    response = client.post(
        merge_url(person, duplicate), {"keep_version": 1, "duplicate_version": 1}
    )
    assert response.status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_another_team_cannot_merge_or_learn_the_records_exist(client, personas, person, duplicate):
    client.force_login(personas.other_team_link_worker)
    response = client.post(
        merge_url(person, duplicate), {"keep_version": 1, "duplicate_version": 1}
    )
    assert response.status_code == 404
