"""The volunteering report page and CSV by persona, always disclosure-controlled."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import User
from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.volunteering.tests.factories import VolunteerCast, make_member
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db
PAGE = reverse("volunteering:report")
CSV = reverse("volunteering:report_csv")


def _client(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.mark.parametrize("who", ["commissioner", "team_manager", "admin"])
def test_commissioners_managers_and_administrators_see_every_organisation_in_their_area(
    personas: Personas, cast: VolunteerCast, who: str
) -> None:
    response = _client(getattr(personas, who)).get(PAGE)
    assert response.status_code == 200
    options = response.context["form"].fields["organisation"].choices
    assert {name for _id, name in options} >= {cast.service.name, cast.other_service.name}
    assert (
        _client(getattr(personas, who))
        .get(PAGE, {"organisation": str(cast.other_service.uuid)})
        .status_code
        == 200
    )


def test_a_coordinator_sees_their_own_organisation_only(
    personas: Personas, cast: VolunteerCast
) -> None:
    client = _client(cast.coordinator)
    response = client.get(PAGE)
    assert response.status_code == 200
    names = [name for _id, name in response.context["form"].fields["organisation"].choices]
    assert cast.service.name in names and cast.other_service.name not in names
    assert client.get(PAGE, {"organisation": str(cast.service.uuid)}).status_code == 200
    # Another organisation's figures: as if it did not exist.
    assert client.get(PAGE, {"organisation": str(cast.other_service.uuid)}).status_code == 404
    assert client.get(CSV, {"organisation": str(cast.other_service.uuid)}).status_code == 404
    # A read-only coordinator may read the figures too.
    assert _client(cast.read_only).get(PAGE).status_code == 200


@pytest.mark.parametrize("who", ["link_worker", "owner", "referrer"])
def test_other_staff_are_refused(personas: Personas, cast: VolunteerCast, who: str) -> None:
    assert _client(getattr(personas, who)).get(PAGE).status_code == 403
    assert _client(getattr(personas, who)).get(CSV).status_code == 403


def test_a_volunteer_is_refused_and_anonymous_visitors_sign_in(cast: VolunteerCast) -> None:
    assert _client(cast.volunteer).get(PAGE).status_code == 403
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_bad_period_is_explained_and_shows_no_figures(cast: VolunteerCast) -> None:
    response = _client(cast.coordinator).get(
        PAGE, {"quarter": "custom", "start": "2025-06-01", "end": "2025-05-01"}
    )
    assert response.status_code == 400
    assert "The end date must be on or after the start date" in response.content.decode()
    assert response.context["report"] is None


def test_the_page_and_csv_publish_a_count_of_three_as_a_star(cast: VolunteerCast) -> None:
    make_member(cast.service)  # three active volunteers with the cast's two
    client = _client(cast.coordinator)
    query = {"quarter": "custom", "start": "2025-01-01", "end": "2026-12-31"}

    page = client.get(PAGE, query)
    assert page.context["report"].headline["active"] == SUPPRESSED
    assert 'data-testid="headline"' in page.content.decode()

    response = client.get(CSV, query)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["table", "row", "column", "value"]
    active = next(r for r in rows if r[1] == "Active at the end of the period")
    assert active[3] == SUPPRESSED
    assert not [r for r in rows[1:] if r[3].isdigit() and 1 <= int(r[3]) <= 7]
    event = AuditEvent.objects.get(action=AuditAction.VOLUNTEERING_REPORT_EXPORTED)
    assert event.actor_id == cast.coordinator.pk


def test_raw_figures_need_the_permission_and_are_audited(
    personas: Personas, cast: VolunteerCast
) -> None:
    make_member(cast.service)
    query = {"quarter": "custom", "start": "2025-01-01", "end": "2026-12-31", "raw": "1"}
    # Without the permission ?raw=1 changes nothing.
    assert _client(personas.commissioner).get(PAGE, query).context["report"].unsuppressed is False
    perm = Permission.objects.get(codename="view_unsuppressed", content_type__app_label="reports")
    personas.commissioner.user_permissions.add(perm)
    report = _client(personas.commissioner).get(PAGE, query).context["report"]
    assert report.unsuppressed is True
    assert report.headline["active"] == 3
    assert AuditEvent.objects.filter(action=AuditAction.UNSUPPRESSED_FIGURES_ACCESSED).exists()


def test_the_home_page_links_the_report_for_coordinators_and_commissioners(
    personas: Personas, cast: VolunteerCast
) -> None:
    for user in (cast.coordinator, personas.commissioner):
        assert 'data-testid="volunteering-report-card"' in _client(user).get("/").content.decode()
    assert 'data-testid="volunteering-report-card"' not in (
        _client(personas.link_worker).get("/").content.decode()
    )
