"""The coordinator's pages with personas: coordinator, teammate, read-only, outsider
coordinator, volunteer, link worker and anonymous."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from linkwell.volunteering.models import CommunityMember, RoleStatus
from linkwell.volunteering.tests.factories import VolunteerCast
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def urls(cast: VolunteerCast) -> dict[str, str]:
    m = {"member_id": cast.member.uuid}
    role = cast.member.roles.get()
    return {
        "detail": reverse("volunteering:member_detail", kwargs=m),
        "edit": reverse("volunteering:member_edit", kwargs=m),
        "role_add": reverse("volunteering:role_add", kwargs=m),
        "role_move": reverse("volunteering:role_move", kwargs={**m, "role_id": role.uuid}),
        "check": reverse("volunteering:check_add", kwargs=m),
        "supervision": reverse("volunteering:supervision_add", kwargs=m),
        "link": reverse("volunteering:link_person", kwargs=m),
    }


def test_coordinators_see_the_list_and_the_member(cast: VolunteerCast) -> None:
    cache.clear()
    for user in (cast.coordinator, cast.teammate, cast.read_only):
        client = client_for(user)
        home = client.get(reverse("volunteering:home")).content.decode()
        assert "Margaret Owen" in home and "Dilys Pryce" in home
        page = client.get(urls(cast)["detail"])
        assert page.status_code == 200 and "Margaret Owen" in page.content.decode()


def test_outsiders_volunteers_and_link_workers_get_not_found(
    cast: VolunteerCast, personas: Personas
) -> None:
    for user in (cast.outsider, cast.volunteer, personas.link_worker):
        client = client_for(user)
        for name, url in urls(cast).items():
            assert client.get(url).status_code == 404, (user, name)
        assert "Margaret" not in client.get(reverse("volunteering:home")).content.decode()


def test_read_only_coordinators_may_not_change_anything(cast: VolunteerCast) -> None:
    client = client_for(cast.read_only)
    for url in urls(cast).values():
        if url != urls(cast)["detail"]:
            assert client.get(url).status_code == 403
            assert client.post(url, {}).status_code == 403
    assert client.get(reverse("volunteering:member_new")).status_code == 403
    detail = client.get(urls(cast)["detail"]).content.decode()
    assert "Edit their details" not in detail and "Move this role" not in detail


def test_anonymous_visitors_are_sent_to_sign_in(cast: VolunteerCast) -> None:
    for url in [reverse("volunteering:home"), *urls(cast).values()]:
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_coordinator_adds_a_volunteer_and_errors_are_summarised(cast: VolunteerCast) -> None:
    client = client_for(cast.coordinator)
    url = reverse("volunteering:member_new")
    bad = client.post(
        url, {"given_name": "", "postcode": "zz", "avail_TU_from": "14:00", "avail_TU_to": "10:00"}
    )
    html = bad.content.decode()
    assert bad.status_code == 400 and "There is a problem" in html
    assert "Enter their first name" in html
    ok = client.post(
        url,
        {
            "given_name": "Gwen",
            "postcode": "sy11 1aa",
            "languages": ["cy"],
            "interests": "gardening, baking",
            "avail_TU_from": "14:00",
            "avail_TU_to": "17:00",
            "home_visits": "yes",
            "max_matches": "2",
            "consent": "on",
        },
    )
    assert ok.status_code == 302
    gwen = CommunityMember.objects.get(given_name="Gwen")
    assert gwen.availability == [{"day": "TU", "from": "14:00", "to": "17:00"}]
    assert gwen.home_visits is True and gwen.languages == ["cy"]
    detail = client.get(ok["Location"]).content.decode()
    assert "Welsh" in detail and "Tuesday 14:00 to 17:00" in detail


def test_the_move_page_offers_only_the_allowed_next_stages(cast: VolunteerCast) -> None:
    client = client_for(cast.teammate)
    url = urls(cast)["role_move"]
    html = client.get(url).content.decode()
    assert 'value="paused"' in html and 'value="left"' in html
    assert 'value="training"' not in html and 'value="application"' not in html
    role = cast.member.roles.get()
    response = client.post(url, {"version": role.version, "to_status": "paused"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.status == RoleStatus.PAUSED
    stale = client.post(url, {"version": role.version - 1, "to_status": "active"})
    assert stale.status_code == 409


def test_checks_and_supervision_are_recorded_from_their_pages(cast: VolunteerCast) -> None:
    client = client_for(cast.coordinator)
    bad = client.post(urls(cast)["check"], {"kind": "dbs", "done_on": "01/01/2100"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Choose the level of the DBS check" in html and "cannot be in the future" in html
    ok = client.post(urls(cast)["check"], {"kind": "reference", "done_on": "01/02/2024"})
    assert ok.status_code == 302
    assert client.post(urls(cast)["supervision"], {"held_on": "01/02/2024"}).status_code == 302
    detail = client.get(urls(cast)["detail"]).content.decode()
    assert "Received 1 February 2024" in detail and "1 February 2024 with" in detail


def test_the_home_page_and_menu_show_volunteers_to_coordinators(
    cast: VolunteerCast, personas: Personas
) -> None:
    html = client_for(cast.coordinator).get(reverse("web:home")).content.decode()
    assert html.count(reverse("volunteering:home")) >= 2  # the menu and the card
    other = client_for(personas.link_worker).get(reverse("web:home")).content.decode()
    assert 'href="/volunteering/"' not in other
