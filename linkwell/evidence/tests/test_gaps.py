"""Gaps in provision sent back to the named services and community champions."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Area, Organisation
from linkwell.audit.models import AuditEvent
from linkwell.connections.models import ProvisionGap
from linkwell.core import notify
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import TaxonomyTerm
from linkwell.directory.tests.factories import make_term
from linkwell.evidence.gaps import digest_rows, gap_digests_send, gap_recipient_add
from linkwell.evidence.models import GapDigest
from linkwell.evidence.tests.factories import at
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 4, 1), dt.date(2025, 6, 30)


def _gaps(
    personas: Personas,
    need: TaxonomyTerm,
    n: int,
    *,
    service: Organisation | None = None,
    day: dt.date = dt.date(2025, 5, 2),
) -> None:
    for i in range(n):
        gap = ProvisionGap.objects.create(
            need=need,
            description=f"Nothing for Mr Secretname {i} on Tuesdays",
            place="Oswestry",
            who="men over 70",
            link_worker_service=service or personas.link_worker_service,
        )
        ProvisionGap.objects.filter(pk=gap.pk).update(created_at=at(day))


@pytest.fixture(autouse=True)
def _outbox() -> None:
    notify.outbox.clear()


def test_each_recipient_gets_the_suppressed_gaps_of_their_theme_and_area(
    personas: Personas,
) -> None:
    money = make_term("Money and debt")
    debt = make_term("Debt advice")
    debt.parent = money
    debt.save()
    lonely = make_term("Loneliness")
    other_area = Area.objects.create(name="Telford")
    _gaps(personas, money, 9)
    _gaps(personas, debt, 3)
    _gaps(personas, lonely, 12)
    _gaps(personas, lonely, 2, day=dt.date(2025, 7, 2))  # after the period
    champion = gap_recipient_add(
        actor=personas.commissioner,
        name="Money champion",
        email="money@example.org",
        kind="champion",
        need=money,
    )
    service = gap_recipient_add(
        actor=personas.commissioner,
        name="Befrienders",
        email="hello@befrienders.example",
        kind="service",
        need=lonely,
        area=personas.link_worker_service.area,
    )
    elsewhere = gap_recipient_add(
        actor=personas.commissioner,
        name="Telford lunch club",
        email="club@example.org",
        kind="service",
        area=other_area,
    )
    assert digest_rows(champion, start=START, end=END) == [
        {"need": "Money and debt", "gaps": 10},  # 9 rounded to 5
        {"need": "Debt advice", "gaps": "*"},  # 3 withheld
    ]
    assert digest_rows(service, start=START, end=END) == [{"need": "Loneliness", "gaps": 10}]
    assert digest_rows(elsewhere, start=START, end=END) == []

    run = gap_digests_send(actor=None, start=START, end=END)
    assert len(run.sent) == 3 and not run.failed
    emails = {n.to: n.body for n in notify.outbox}
    assert "- Money and debt: 10" in emails["money@example.org"]
    assert "- Debt advice: *" in emails["money@example.org"]
    assert "Loneliness" not in emails["money@example.org"]
    assert "None were recorded" in emails["club@example.org"]
    for body in emails.values():  # no free text, place or who
        assert "Secretname" not in body and "men over 70" not in body
    assert AuditEvent.objects.filter(action="gap_digest_sent").count() == 3

    again = gap_digests_send(actor=None, start=START, end=END)
    assert again.sent == [] and again.skipped == 3
    assert len(notify.outbox) == 3


def test_a_recipient_needs_a_name_an_email_and_a_kind(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as err:
        gap_recipient_add(actor=personas.commissioner, name=" ", email="nope", kind="boss")
    assert set(err.value.errors) == {"name", "email", "kind"}


def test_the_command_sends_for_a_period(personas: Personas) -> None:
    gap_recipient_add(actor=None, name="Champion", email="c@example.org", kind="champion")
    _gaps(personas, make_term("Housing"), 8)
    out = StringIO()
    call_command("gaps", "send", "--from", "2025-04-01", "--to", "2025-06-30", stdout=out)
    assert "1 digest(s) for 2025-04-01 to 2025-06-30" in out.getvalue()
    digest = GapDigest.objects.get()
    assert digest.rows == [{"need": "Housing", "gaps": 10}]


def test_the_command_defaults_to_the_previous_month(personas: Personas) -> None:
    gap_recipient_add(actor=None, name="Champion", email="c@example.org", kind="champion")
    call_command("gaps", "send", stdout=StringIO())
    digest = GapDigest.objects.get()
    today = timezone.localdate()
    assert digest.period_end == today.replace(day=1) - dt.timedelta(days=1)
    assert digest.period_start == digest.period_end.replace(day=1)


def test_the_page_names_recipients_and_shows_what_was_sent(personas: Personas) -> None:
    _gaps(personas, make_term("Housing"), 8)
    client = Client()
    assert client.login(email=personas.commissioner.email, password=PASSWORD)
    response = client.post(
        reverse("evidence:gaps"),
        {"name": "Care and Repair", "email": "cr@example.org", "kind": "service"},
    )
    assert response.status_code == 302
    gap_digests_send(actor=None, start=START, end=END)
    page = client.get(reverse("evidence:gaps")).content.decode()
    assert "Care and Repair" in page
    assert "Housing: 10" in page
    bad = client.post(reverse("evidence:gaps"), {"name": "", "email": "x", "kind": "service"})
    assert bad.status_code == 400
    outsider = Client()
    assert outsider.login(email=personas.team_manager.email, password=PASSWORD)
    assert outsider.get(reverse("evidence:gaps")).status_code == 403
