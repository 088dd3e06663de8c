"""Demo per-practice work (`linkwell demo`) at Castle Fields Surgery, which the demo's
link-worker service covers: an MDT meeting held a fortnight ago (one person added by the
practice and discussed, the outcome carried to their case) and the next meeting's list
(proposed from the demo's recorded data, plus one person added by hand); a practice action
plan with two actions, one reviewed; and a programme set-up checklist for a new area, part-way
through stage 2.

Everything goes through the practice services, so it is audited like real use. Idempotent
(nothing is written when the checklist already exists); `reset()` removes what it made.
Sign-ins: linkworker@ and manager@ (the team), referrer@ (the practice's receptionist) see the
MDT list and the plan; manager@ manages the checklist, which admin@ started.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.practice.models import MdtEntry, MdtMeeting, PracticeAction, Rollout
from linkwell.practice.selectors.mdt import practice_cases
from linkwell.practice.selectors.rollouts import rollout_progress
from linkwell.practice.services.mdt import (
    mdt_discussion_record,
    mdt_meeting_hold,
    mdt_meeting_schedule,
    mdt_person_add,
)
from linkwell.practice.services.plans import practice_action_add, practice_action_review
from linkwell.practice.services.rollouts import rollout_start, rollout_task_update

PRACTICE = "Castle Fields Surgery"  # catalogue.ACCOUNTS_ORGS "gp1"
SERVICE = "Oswestry Community Wellbeing Service"  # "lws"
ROLLOUT_NAME = "Social prescribing roll-out: Bishop's Castle"


def load(*, domain: str) -> dict[str, int]:
    practice = Organisation.objects.filter(name=PRACTICE).first()
    service = Organisation.objects.filter(name=SERVICE).first()
    worker = User.objects.filter(email=f"linkworker@{domain}").first()
    manager = User.objects.filter(email=f"manager@{domain}").first()
    receptionist = User.objects.filter(email=f"referrer@{domain}").first()
    admin = User.objects.filter(email=f"admin@{domain}").first()
    if None in (practice, service, worker, manager, receptionist, admin):
        return {}
    assert practice and service and worker and manager and receptionist and admin
    if Rollout.objects.filter(name=ROLLOUT_NAME, organisation=service).exists():
        return {}
    today = timezone.localdate()
    teams = [service.pk]
    cases = list(practice_cases(practice=practice, team_ids=teams).order_by("opened_at")[:4])
    with transaction.atomic():
        if len(cases) >= 2:
            past = mdt_meeting_schedule(
                actor=worker, practice=practice, meeting_on=today - dt.timedelta(days=14)
            )
            mdt_person_add(
                actor=receptionist,
                meeting=past,
                case_id=cases[0].uuid,
                reason="Seen at the surgery four times this month; says she has no one to talk to.",
                team_ids=teams,
            )
            mdt_discussion_record(
                actor=worker,
                meeting=past,
                case_id=cases[0].uuid,
                agreed_actions="Invite to the Tuesday lunch club; practice nurse to review "
                "her medication at her next appointment.",
                action_owner="Link worker and practice nurse",
                next_step="Link worker phones within a week; report back at the next MDT.",
                team_ids=teams,
            )
            mdt_meeting_hold(
                actor=worker,
                meeting=past,
                attendees="Dr Evans (GP), practice nurse, community matron, Demo Link Worker",
            )
            upcoming = mdt_meeting_schedule(
                actor=worker, practice=practice, meeting_on=today + dt.timedelta(days=14)
            )
            mdt_person_add(
                actor=receptionist,
                meeting=upcoming,
                case_id=cases[1].uuid,
                reason="Carer for his wife; GP worried he is not coping since her fall.",
                team_ids=teams,
            )
        first = practice_action_add(
            actor=worker,
            practice=practice,
            title="Men's breakfast at the surgery with the flu jab on offer",
            owner="Demo Link Worker",
            due_on=today + dt.timedelta(days=45),
            why="Few referrals of men over 65, and flu jab uptake below target.",
        )
        practice_action_review(
            actor=manager,
            action=first,
            reviewed_on=today,
            status="in_progress",
            notes="Venue booked for the 2nd Saturday; posters in the waiting room.",
        )
        practice_action_add(
            actor=receptionist,
            practice=practice,
            title="Cut the wait for a first contact to under two weeks",
            owner="Team manager, Oswestry Community Wellbeing Service",
            due_on=today + dt.timedelta(days=90),
            why="Median days from referral to first contact rose last quarter.",
        )
        rollout = rollout_start(actor=admin, name=ROLLOUT_NAME, organisation=service)
        progress = rollout_progress(rollout=rollout)
        evidence = "Agreed at the steering group; notes on the shared drive."
        for stage in progress.stages[:2]:
            for task in stage.tasks[: 4 if stage.stage.number == 1 else 2]:
                rollout_task_update(
                    actor=manager,
                    task=task,
                    owner="Locality co-ordinator",
                    evidence_note=evidence,
                    evidence_link="",
                    evidence_file="",
                    done=True,
                )
    return {"mdt_meetings": 2 if len(cases) >= 2 else 0, "practice_actions": 2, "rollouts": 1}


def reset() -> dict[str, int]:
    practice = Organisation.objects.filter(name=PRACTICE).first()
    removed: dict[str, int] = {}
    with transaction.atomic():
        if practice is not None:
            meetings = MdtMeeting.objects.filter(practice=practice)
            MdtEntry.objects.filter(meeting__in=meetings).delete()
            removed["mdt_meetings"] = meetings.delete()[0]
            removed["practice_actions"] = PracticeAction.objects.filter(practice=practice).delete()[
                0
            ]
        removed["rollouts"] = Rollout.objects.filter(name=ROLLOUT_NAME).delete()[0]
    return removed
