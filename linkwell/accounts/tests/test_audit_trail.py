from __future__ import annotations

import pytest
from django.db import transaction

from linkwell.accounts.audit_trail import audit_events_for_user
from linkwell.accounts.models import Membership, Role
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record

# Six distinct actions, one per kind of event the trail below holds, named for that kind.
TEAM_UNTAGGED_WORK = AuditAction.CASEWORK_CASE_NOTE_ADDED
WORK_FOR_OTHER_ORG = AuditAction.DIRECTORY_SERVICE_UPDATED
OUTSIDER_EDIT_OF_TEAM_ORG = AuditAction.DIRECTORY_SERVICE_VERIFIED
TEAM_ORG_SECURITY_EVENT = AuditAction.ACCOUNT_UNLOCKED
OUTSIDER_UNTAGGED_WORK = AuditAction.COMMUNITY_SUGGESTION_SUBMITTED


@pytest.fixture
def trail(personas):
    """Events around the team manager's link-worker service (personas.link_worker_service)."""
    p = personas
    # The link worker also volunteers at the walking group: that work is not the manager's.
    Membership.objects.create(
        user=p.link_worker, organisation=p.other_provider_org, role=Role.VOLUNTEER
    )
    with transaction.atomic():
        audit_record(actor=p.link_worker, action=TEAM_UNTAGGED_WORK, object_type="t")
        audit_record(
            actor=p.link_worker,
            action=WORK_FOR_OTHER_ORG,
            object_type="t",
            organisation=p.other_provider_org,
        )
        audit_record(
            actor=p.link_worker,
            action=AuditAction.SIGNED_IN,
            obj=p.link_worker,
            kind=Kind.SECURITY,
            detail={"email": p.link_worker.email},
        )
        audit_record(
            actor=p.outsider,
            action=OUTSIDER_EDIT_OF_TEAM_ORG,
            obj=p.link_worker_service,
            organisation=p.link_worker_service,
        )
        audit_record(
            actor=None,
            action=TEAM_ORG_SECURITY_EVENT,
            kind=Kind.SECURITY,
            organisation=p.link_worker_service,
        )
        audit_record(actor=p.outsider, action=OUTSIDER_UNTAGGED_WORK, object_type="t")
    return p


def _actions(user) -> set[str]:
    return set(audit_events_for_user(user=user).values_list("action", flat=True))


def test_a_team_manager_sees_their_organisations_events_and_their_teams_own_work(trail) -> None:
    assert _actions(trail.team_manager) == {
        TEAM_UNTAGGED_WORK,
        OUTSIDER_EDIT_OF_TEAM_ORG,
        TEAM_ORG_SECURITY_EVENT,
    }


def test_a_team_manager_does_not_see_what_a_member_did_for_another_organisation(trail) -> None:
    assert WORK_FOR_OTHER_ORG not in _actions(trail.team_manager)


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
