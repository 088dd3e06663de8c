from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record

AUDIT = reverse("web:audit")


@pytest.fixture
def events(personas):
    with transaction.atomic():
        audit_record(
            actor=personas.link_worker,
            action=AuditAction.REFERRALS_REFERRAL_ACCEPTED,
            object_type="referrals.referral",
            object_id="r-1",
            object_repr="Referral for a person the team supports",
        )
        audit_record(
            actor=personas.owner,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            obj=personas.provider_org,
            organisation=personas.provider_org,
            changes={"name": ["Old shed", "Oswestry Men's Shed"]},
        )
    return personas


def _rows(response) -> str:
    return response.content.decode()


def test_an_administrator_sees_the_whole_trail(client, events) -> None:
    client.force_login(events.admin)
    page = _rows(client.get(AUDIT))
    assert "referrals.referral_accepted" in page
    assert "directory.service_updated" in page
    assert "Old shed" in page


def test_a_team_manager_sees_only_their_organisations_events(client, events) -> None:
    client.force_login(events.team_manager)
    response = client.get(AUDIT)
    assert response.status_code == 200
    page = _rows(response)
    assert "referrals.referral_accepted" in page  # by a member of their link-worker service
    assert "directory.service_updated" not in page  # another organisation's listing


@pytest.mark.parametrize(
    "persona", ["owner", "teammate", "read_only", "outsider", "link_worker", "commissioner"]
)
def test_everyone_else_is_refused(client, events, persona) -> None:
    client.force_login(getattr(events, persona))
    assert client.get(AUDIT).status_code == 403
    assert 'href="/audit/"' not in _rows(client.get("/"))


def test_staff_flag_alone_does_not_open_the_audit_trail(client, events) -> None:
    from linkwell.accounts.models import User

    User.objects.filter(pk=events.owner.pk).update(is_staff=True)
    client.force_login(events.owner)
    assert client.get(AUDIT).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db) -> None:
    response = client.get(AUDIT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_audit_nav_link_shows_for_those_who_may_see_it(client, events) -> None:
    for persona in ("admin", "team_manager"):
        client.force_login(getattr(events, persona))
        assert 'href="/audit/"' in _rows(client.get("/"))


def test_it_filters_by_kind(client, events) -> None:
    from linkwell.audit.services import audit_access

    audit_access(
        actor=events.link_worker, object_type="people.person", object_id="p", person_id="p"
    )
    client.force_login(events.admin)
    page = _rows(client.get(AUDIT, {"kind": "access"}))
    assert "directory.service_updated" not in page
    assert page.count('data-testid="audit-row"') == 1


def test_it_pages_through_a_long_trail(client, events, django_assert_max_num_queries) -> None:
    with transaction.atomic():
        for i in range(120):
            audit_record(
                actor=events.admin,
                action=AuditAction.DIRECTORY_SERVICE_UPDATED,
                object_type="t",
                object_id=str(i),
                object_repr=f"bulk_{i}",
            )
    client.force_login(events.admin)
    with django_assert_max_num_queries(12):
        first = _rows(client.get(AUDIT))
    assert first.count('data-testid="audit-row"') == 100
    assert "bulk_119" in first
    second = _rows(client.get(AUDIT, {"page": 2}))
    assert second.count('data-testid="audit-row"') == 22
