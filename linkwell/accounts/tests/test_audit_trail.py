from __future__ import annotations

import pytest
from django.db import transaction

from linkwell.accounts.audit_trail import audit_events_for_user
from linkwell.accounts.models import Membership, Role
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record


@pytest.fixture
def trail(personas):
    """Events around the team manager's link-worker service (personas.link_worker_service)."""
    p = personas
    # The link worker also volunteers at the walking group: that work is not the manager's.
    Membership.objects.create(
        user=p.link_worker, organisation=p.other_provider_org, role=Role.VOLUNTEER
    )
    with transaction.atomic():
        audit_record(actor=p.link_worker, action="team_untagged_work", object_type="t")
        audit_record(
            actor=p.link_worker,
            action="work_for_other_org",
            object_type="t",
            organisation=p.other_provider_org,
        )
        audit_record(
            actor=p.link_worker,
            action="signed_in",
            obj=p.link_worker,
            kind=Kind.SECURITY,
            detail={"email": p.link_worker.email},
        )
        audit_record(
            actor=p.outsider,
            action="outsider_edit_of_team_org",
            obj=p.link_worker_service,
            organisation=p.link_worker_service,
        )
        audit_record(
            actor=None,
            action="team_org_security_event",
            kind=Kind.SECURITY,
            organisation=p.link_worker_service,
        )
        audit_record(actor=p.outsider, action="outsider_untagged_work", object_type="t")
    return p


def _actions(user) -> set[str]:
    return set(audit_events_for_user(user=user).values_list("action", flat=True))


def test_a_team_manager_sees_their_organisations_events_and_their_teams_own_work(trail) -> None:
    assert _actions(trail.team_manager) == {
        "team_untagged_work",
        "outsider_edit_of_team_org",
        "team_org_security_event",
    }


def test_a_team_manager_does_not_see_what_a_member_did_for_another_organisation(trail) -> None:
    assert "work_for_other_org" not in _actions(trail.team_manager)


def test_a_team_manager_does_not_see_their_members_sign_ins_or_email_addresses(trail) -> None:
    events = audit_events_for_user(user=trail.team_manager)
    assert not events.filter(action="signed_in").exists()
    assert not any(trail.link_worker.email in str(e.detail) for e in events)


def test_an_administrator_sees_everything(trail) -> None:
    assert len(_actions(trail.admin)) == 6


@pytest.mark.parametrize(
    "persona", ["owner", "teammate", "read_only", "outsider", "link_worker", "commissioner"]
)
def test_everyone_else_sees_nothing(trail, persona) -> None:
    assert _actions(getattr(trail, persona)) == set()
