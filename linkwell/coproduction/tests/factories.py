"""Test data for co-production: a team (the personas' link-worker service) under a parent
organisation with a manager, and completed assessments with chosen answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind, Role, User
from linkwell.coproduction.models import Assessment, AssessmentStatus
from linkwell.coproduction.questions import CURRENT_VERSION, question_set
from linkwell.coproduction.selectors.assessments import principle_scores
from tests.personas import Personas, make_user


@dataclass
class Teams:
    """`team` is the personas' link-worker service: its team manager (`owner`) and
    administrator (`teammate`) edit; its link workers and read-only link worker look;
    `other_team` is a sibling team; `parent_manager` manages the organisation both belong to."""

    team: Organisation
    other_team: Organisation
    parent: Organisation
    owner: User
    teammate: User
    link_worker: User
    read_only: User
    outsider: User
    parent_manager: User


def build_teams(personas: Personas) -> Teams:
    parent = Organisation.objects.create(
        name="Shropshire Community Partnership",
        kind=OrganisationKind.VCSE_PROVIDER,
        area=personas.area,
    )
    for org in (personas.link_worker_service, personas.other_team):
        org.parent = parent
        org.save(update_fields=["parent"])
    return Teams(
        team=personas.link_worker_service,
        other_team=personas.other_team,
        parent=parent,
        owner=personas.team_manager,
        teammate=personas.admin,
        link_worker=personas.link_worker,
        read_only=personas.read_only_link_worker,
        outsider=personas.other_team_link_worker,
        parent_manager=make_user("director@partnership.example", parent, Role.TEAM_MANAGER),
    )


def all_answers(value: int = 2) -> dict[str, int]:
    return {key: value for key in question_set(CURRENT_VERSION).keys}


def make_completed(
    organisation: Organisation,
    *,
    held_on: dt.date,
    answers: dict[str, int] | None = None,
    records: dict[str, object] | None = None,
) -> Assessment:
    """A completed assessment written directly (the services are tested on their own)."""
    answers = answers if answers is not None else all_answers()
    return Assessment.objects.create(
        organisation=organisation,
        question_set_version=CURRENT_VERSION,
        status=AssessmentStatus.COMPLETED,
        held_on=held_on,
        staff_count=3,
        people_count=4,
        answers=answers,
        evidence={"assets": "We asked people what they bring."},
        scores=principle_scores(question_set(CURRENT_VERSION), answers),
        records_snapshot=records or {},
        completed_at=timezone.now(),
    )
