"""A provider takes the register for a group session through the real page: five people
referred to the Men's Shed, four came and one did not, saved in one step; the register reopens
with what was saved, and has no serious accessibility problems."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwell.casework.tests.factories import referred_case
from linkwell.connections.models import Attendance, Connection, ConnectionStatus
from linkwell.connections.services import connection_accept
from linkwell.connections.tests.factories import refer, shed_service
from tests.browser.conftest import describe, serious_axe_violations, sign_in
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ("Ann", "Bob", "Cath", "Dev", "Eve")


def _mark(choice: str, name: str) -> re.Pattern[str]:
    """A radio's name: the choice, then the person's name (hidden text for screen readers)."""
    return re.compile(rf"^{choice}\W+{name}\W*$")


def test_a_provider_records_a_session_register_for_five_people_in_one_step(
    page: Any, personas: Personas
) -> None:
    shed = shed_service(personas)
    people = []
    for name in NAMES:
        case = referred_case(personas, given_name=name, email=f"{name.lower()}@example.org")
        connection = refer(personas, case, shed)
        Connection.objects.filter(pk=connection.pk).update(
            requested_at=timezone.now() - dt.timedelta(days=20)
        )
        connection.refresh_from_db()
        people.append(
            connection_accept(
                actor=personas.owner, connection=connection, expected_version=connection.version
            )
        )
    day = timezone.localdate() - dt.timedelta(days=1)

    sign_in(page, personas.owner.email, PASSWORD)
    page.goto("/provider/referrals/")
    page.get_by_role("link", name="Session registers and attendance files").click()
    page.get_by_role("link", name=shed.name).click()
    page.get_by_label("Session date").fill(day.isoformat())
    page.get_by_role("button", name="Show the register").click()
    expect(
        page.get_by_role("heading", name=f"Session on {day:%A} {day.day} {day:%B %Y}")
    ).to_be_visible()
    for name in NAMES[:4]:
        page.get_by_role("radio", name=_mark("Came", name)).check()
    page.get_by_role("radio", name=_mark("Did not come", "Eve")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("Register saved")).to_be_visible()

    rows = {a.connection_id: a.attended for a in Attendance.objects.filter(session_on=day)}
    assert rows == {c.pk: c.shared["first_name"] != "Eve" for c in people}
    statuses = sorted(Connection.objects.values_list("status", flat=True))
    assert statuses.count(ConnectionStatus.IN_PROGRESS) == 4
    # Reopened, the register shows what was saved.
    expect(page.get_by_role("radio", name=_mark("Did not come", "Eve"))).to_be_checked()
    expect(page.get_by_role("radio", name=_mark("Came", "Ann"))).to_be_checked()
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)
