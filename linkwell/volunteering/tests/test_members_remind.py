"""`linkwell volunteering remind`: lapsing and lapsed DBS checks, once per state."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.volunteering.models import RoleStatus
from linkwell.volunteering.services import checks_remind
from linkwell.volunteering.tests.factories import VolunteerCast, make_member

pytestmark = pytest.mark.django_db
# Read the date when each test runs, not when the module is collected: a run that
# crosses midnight would otherwise compare against yesterday.
TODAY = timezone.localdate


def test_coordinators_hear_once_about_each_lapsing_check(cast: VolunteerCast) -> None:
    soon = make_member(
        cast.service, given_name="Soon", dbs_on=TODAY() - dt.timedelta(days=3 * 365 - 10)
    )
    make_member(
        cast.service,
        given_name="Gone",
        status=RoleStatus.LEFT,
        dbs_on=TODAY() - dt.timedelta(days=5 * 365),
    )
    out = StringIO()
    call_command("volunteering", "remind", stdout=out)
    assert "1 organisation" in out.getvalue()
    to = sorted(a for m in mail.outbox for a in m.to)
    assert to == sorted([cast.coordinator.email, cast.teammate.email])
    body = mail.outbox[0].body
    assert "Soon V" in body and str(soon.uuid) in body and "lapses on" in body
    assert "Gone" not in body and "Margaret" not in body
    # The development backend only printed it, and the audit trail says so.
    event = AuditEvent.objects.get(action="volunteering.check_reminder_sent")
    assert event.detail["outcome"] == "not sent (development backend)"
    mail.outbox.clear()
    assert checks_remind() == 0 and mail.outbox == []
    # When it has lapsed, they hear once more.
    later = TODAY() + dt.timedelta(days=20)
    assert checks_remind(at=later) == 1
    assert "lapsed on" in mail.outbox[0].body
    mail.outbox.clear()
    assert checks_remind(at=later + dt.timedelta(days=1)) == 0
