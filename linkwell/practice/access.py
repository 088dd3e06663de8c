"""Who may see and change a practice's MDT lists, its action plan, and roll-out checklists.

**A practice's MDT lists and action plan** (`get_practice_for_user`):

- The *team* serving the practice: link workers, team managers and administrators
  (`casework.access.CASE_TEAM_ROLES`) of a link-worker service that covers the practice
  (`referrals.LinkWorkerCoverage`). Only the cases of the teams they belong to appear on the
  lists they see.
- The practice's own staff: a `Role.REFERRER` membership of the practice (the role GP practice
  staff hold; they sit in the MDT meeting). They see the lists of every team serving their
  practice, may add someone with a reason and record the discussion. The figures beside the
  action plan are shown to them with small numbers suppressed (selectors/figures.py).
- A read-only membership looks only: every change is 403.
- Anyone else (another team, another practice's staff, provider staff, commissioners) gets 404,
  so not even the practice's MDT is revealed.

**Roll-out checklists** (`get_rollout_for_user`): the programme manager is a team manager,
commissioner or administrator (`MANAGER_ROLES`) of the organisation the checklist was started
for; they see it and record tasks (read-only 403). Starting one is for an administrator of that
organisation (or a platform superuser). Anyone else 404.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.accounts.models import Organisation, OrganisationKind, Role, User
from linkwell.accounts.selectors import memberships_for_user
from linkwell.casework.access import case_team_ids
from linkwell.people.access import referrer_organisation_ids
from linkwell.practice.models import MdtMeeting, PracticeAction, Rollout, RolloutTask
from linkwell.referrals.models import LinkWorkerCoverage

MANAGER_ROLES = (Role.ADMINISTRATOR, Role.COMMISSIONER, Role.TEAM_MANAGER)


@dataclass(frozen=True)
class PracticeAccess:
    """What one user may do at one practice: `team_ids` are the serving teams they belong to
    (whose cases they see); `staff` when they are the practice's own staff."""

    team_ids: tuple[int, ...]
    staff: bool
    writable: bool
    member_team_ids: tuple[int, ...] = ()

    @property
    def is_practice_staff_only(self) -> bool:
        return self.staff and not self.member_team_ids


def serving_team_ids(practice_id: int) -> list[int]:
    """The link-worker services covering a practice."""
    return sorted(
        set(
            LinkWorkerCoverage.objects.filter(practice_id=practice_id).values_list(
                "link_worker_service_id", flat=True
            )
        )
    )


def practice_access(user: User | AnonymousUser, practice: Organisation) -> PracticeAccess:
    serving = set(serving_team_ids(practice.pk))
    teams = serving & set(case_team_ids(user))  # type: ignore[arg-type]
    writable_teams = serving & set(case_team_ids(user, write=True))  # type: ignore[arg-type]
    staff = practice.pk in referrer_organisation_ids(user)
    staff_writable = practice.pk in referrer_organisation_ids(user, write=True)
    # Practice staff see what every serving team brings to their MDT.
    visible = serving if staff else teams
    return PracticeAccess(
        team_ids=tuple(sorted(visible)),
        staff=staff,
        writable=bool(writable_teams) or staff_writable,
        member_team_ids=tuple(sorted(teams)),
    )


def practices_for_user(user: User | AnonymousUser) -> list[Organisation]:
    """The practices whose MDT lists and action plans `user` may open (for the index page)."""
    teams = case_team_ids(user)  # type: ignore[arg-type]
    covered = LinkWorkerCoverage.objects.filter(link_worker_service_id__in=teams).values_list(
        "practice_id", flat=True
    )
    ids = set(covered) | set(referrer_organisation_ids(user))
    return list(
        Organisation.objects.filter(
            pk__in=ids, kind=OrganisationKind.GP_PRACTICE, is_active=True
        ).order_by("name")
    )


def _check(access: PracticeAccess, *, write: bool, what: str) -> None:
    if not access.team_ids and not access.staff:
        raise Http404(f"No such {what}")
    if write and not access.writable:
        raise PermissionDenied(f"You have read-only access to this {what}.")


def get_practice_for_user(
    user: User | AnonymousUser, practice_id: uuid.UUID, *, write: bool = False
) -> tuple[Organisation, PracticeAccess]:
    practice = Organisation.objects.filter(
        uuid=practice_id, kind=OrganisationKind.GP_PRACTICE
    ).first()
    if practice is None:
        raise Http404("No such practice")
    access = practice_access(user, practice)
    _check(access, write=write, what="practice")
    return practice, access


def get_meeting_for_user(
    user: User | AnonymousUser, meeting_id: uuid.UUID, *, write: bool = False
) -> tuple[MdtMeeting, PracticeAccess]:
    meeting = MdtMeeting.objects.select_related("practice").filter(uuid=meeting_id).first()
    if meeting is None:
        raise Http404("No such meeting")
    access = practice_access(user, meeting.practice)
    _check(access, write=write, what="meeting")
    return meeting, access


def get_action_for_user(
    user: User | AnonymousUser, action_id: uuid.UUID, *, write: bool = False
) -> tuple[PracticeAction, PracticeAccess]:
    action = PracticeAction.objects.select_related("practice").filter(uuid=action_id).first()
    if action is None:
        raise Http404("No such action")
    access = practice_access(user, action.practice)
    _check(access, write=write, what="action")
    return action, access


def manager_org_ids(user: User | AnonymousUser | None, *, write: bool = False) -> list[int]:
    """Organisations whose roll-out checklists `user` manages (writable ones when `write`)."""
    rows = memberships_for_user(user=user).filter(role__in=MANAGER_ROLES)
    if write:
        rows = rows.filter(read_only=False)
    return sorted(set(rows.values_list("organisation_id", flat=True)))


def organisations_for_new_rollout(user: User | AnonymousUser) -> list[Organisation]:
    """Where `user` may start a checklist: writable administrator memberships (every active
    organisation for a superuser). 404 for anyone else, so the page is not revealed."""
    if not user.is_authenticated:
        raise Http404("No such page")
    if user.is_superuser:
        return list(Organisation.objects.filter(is_active=True).order_by("name"))
    ids = (
        memberships_for_user(user=user)
        .filter(role=Role.ADMINISTRATOR, read_only=False)
        .values_list("organisation_id", flat=True)
    )
    if not ids:
        raise Http404("No such page")
    return list(Organisation.objects.filter(pk__in=list(ids)).order_by("name"))


def get_rollout_for_user(
    user: User | AnonymousUser, rollout_id: uuid.UUID, *, write: bool = False
) -> Rollout:
    rollout = Rollout.objects.select_related("organisation", "area").filter(uuid=rollout_id).first()
    if rollout is None or rollout.organisation_id not in manager_org_ids(user):
        raise Http404("No such checklist")
    if write and rollout.organisation_id not in manager_org_ids(user, write=True):
        raise PermissionDenied("You have read-only access to this checklist.")
    return rollout


def get_task_for_user(
    user: User | AnonymousUser, task_id: uuid.UUID, *, write: bool = False
) -> RolloutTask:
    task = (
        RolloutTask.objects.select_related("stage", "stage__rollout").filter(uuid=task_id).first()
    )
    if task is None:
        raise Http404("No such task")
    get_rollout_for_user(user, task.stage.rollout.uuid, write=write)
    return task
