"""The access helpers: coordinators of the organisation, read-only, outsiders and volunteers."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.volunteering import access
from linkwell.volunteering.tests.factories import VolunteerCast
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_coordinators_of_the_organisation_open_its_members(cast: VolunteerCast) -> None:
    for user in (cast.coordinator, cast.teammate):
        assert access.get_member_for_user(user, cast.member.uuid, write=True) == cast.member


def test_a_read_only_coordinator_looks_but_may_not_change(cast: VolunteerCast) -> None:
    assert access.get_member_for_user(cast.read_only, cast.member.uuid) == cast.member
    with pytest.raises(PermissionDenied):
        access.get_member_for_user(cast.read_only, cast.member.uuid, write=True)


def test_outsiders_volunteers_and_link_workers_get_not_found(
    cast: VolunteerCast, personas: Personas
) -> None:
    for user in (cast.outsider, cast.volunteer, personas.link_worker, personas.owner):
        with pytest.raises(Http404):
            access.get_member_for_user(user, cast.member.uuid)


def test_only_organisations_with_a_writable_coordinator_take_requests(
    cast: VolunteerCast,
) -> None:
    names = [o.name for o in access.coordinating_organisations()]
    assert names == ["Oswestry Compassionate Communities", "Telford Befriending"]
    assert access.is_coordinator(cast.coordinator)
    assert not access.is_coordinator(cast.volunteer)
