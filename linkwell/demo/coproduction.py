"""Demo co-production self-assessments (`linkwell demo`): the link-worker service and Oswestry
Compassionate Communities each assessed themselves three times over 18 months, with the people
who use their services, and got better at different principles; each assessment has evidence and
actions (the older ones followed up). A third team of the link-worker service's host
organisation has two assessments, and the demo team manager also manages the host, so the
comparison of the host's teams has something to show.

Rows are written with the models directly, keeping the services' invariants: completed
assessments answer every statement of the question set, record staff and people who use the
service, and carry the scores and Linkwell's figures (computed by the app's own selectors) as on
completion. Reproducible (`random.Random(seed)`, uuid5 ids), idempotent, and `reset()` removes
exactly what it made.
"""

from __future__ import annotations

import datetime as dt
from random import Random

from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from linkwell.coproduction.models import (
    Action,
    ActionStatus,
    Assessment,
    AssessmentStatus,
)
from linkwell.coproduction.questions import CURRENT_VERSION, SCALE_MAX, Principle, question_set
from linkwell.coproduction.selectors.assessments import principle_scores
from linkwell.coproduction.selectors.records import records_evidence
from linkwell.demo.directory import demo_uuid
from linkwell.demo.volunteering import COORDINATING

LINK_WORKERS = "Oswestry Community Wellbeing Service"  # catalogue.ACCOUNTS_ORGS "lws"
HOST = "North Shropshire Community Action"  # its parent, "vcs_host"
THIRD_TEAM = "Ellesmere Community Wellbeing Team"
MANAGER_EMAIL_LOCAL = "manager"
COORDINATOR_EMAIL_LOCAL = "coordinator"

# Days before today of the three assessments (18 months, then 9, then last month).
ROUNDS = (548, 274, 30)

# Where each team starts (0-4) on each principle and how much it gains each round.
PLANS: dict[str, dict[str, tuple[float, float]]] = {
    LINK_WORKERS: {
        Principle.ASSETS: (1.5, 0.6),
        Principle.CAPACITY: (1.25, 0.5),
        Principle.MUTUALITY: (1.0, 0.4),
        Principle.NETWORKS: (2.0, 0.6),
        Principle.BLURRING_ROLES: (0.5, 0.75),
        Principle.CATALYSTS: (1.75, 0.5),
    },
    COORDINATING: {
        Principle.ASSETS: (2.25, 0.4),
        Principle.CAPACITY: (2.0, 0.5),
        Principle.MUTUALITY: (2.5, 0.3),
        Principle.NETWORKS: (2.5, 0.5),
        Principle.BLURRING_ROLES: (1.5, 0.6),
        Principle.CATALYSTS: (1.0, 0.5),
    },
    THIRD_TEAM: {
        Principle.ASSETS: (1.0, 0.5),
        Principle.CAPACITY: (1.0, 0.4),
        Principle.MUTUALITY: (0.75, 0.5),
        Principle.NETWORKS: (1.5, 0.5),
        Principle.BLURRING_ROLES: (0.25, 0.5),
        Principle.CATALYSTS: (1.25, 0.4),
    },
}

EVIDENCE: dict[str, tuple[str, str, str]] = {
    Principle.ASSETS: (
        "First conversations still start from the referral reason.",
        "The 'what matters to you' question is now on the first-contact form; people say it "
        "feels different.",
        "Three changes to the service this year started from what people told us at the "
        "listening café.",
    ),
    Principle.CAPACITY: (
        "Few ways for people to give back.",
        "Two people who were supported now help run the Tuesday drop-in.",
        "People choose how they help; a skills swap list is kept by the members themselves.",
    ),
    Principle.MUTUALITY: (
        "Staff rarely ask participants for help.",
        "We talk about giving as well as receiving when people join.",
        "Participants and staff shared the planning of the summer programme.",
    ),
    Principle.NETWORKS: (
        "Introductions are mostly to services, not to groups.",
        "Peer support groups meet fortnightly in Oswestry and Ellesmere.",
        "Peer groups are budgeted work; staff time for community links is counted.",
    ),
    Principle.BLURRING_ROLES: (
        "No roles for people with lived experience yet.",
        "The first co-facilitators trained alongside staff.",
        "Courses are co-facilitated; people who used the service sit on the recruitment panel.",
    ),
    Principle.CATALYSTS: (
        "We run most activities ourselves.",
        "The walking group started with our help and now plans its own routes.",
        "Four groups started with us and now run without us.",
    ),
}

ACTIONS: tuple[tuple[str, str, str], ...] = (
    (Principle.BLURRING_ROLES, "Train two people who use the service as course co-facilitators",
     "Team manager with the volunteer coordinator"),
    (Principle.NETWORKS, "Start a peer support group in Ellesmere", "Two peer supporters"),
    (Principle.ASSETS, "Add 'what matters to you' to the first-contact form",
     "Link workers, with the listening café"),
    (Principle.CATALYSTS, "Hand the walking group's planning to its members", "Link worker"),
    (Principle.MUTUALITY, "Agree a 'giving and receiving' welcome conversation",
     "Staff and three participants"),
)  # fmt: skip


def _orgs() -> list[Organisation]:
    return [o for o in (Organisation.objects.filter(name=n).first() for n in PLANS) if o]


def is_loaded() -> bool:
    return Assessment.objects.filter(
        uuid__in=[demo_uuid("coproduction_assessment", i) for i in range(9)]
    ).exists()


def _answers(rng: Random, plan: dict[str, tuple[float, float]], round_: int) -> dict[str, int]:
    qs = question_set(CURRENT_VERSION)
    answers: dict[str, int] = {}
    for principle, (start, gain) in plan.items():
        target = start + gain * round_
        for s in qs.for_principle(principle):
            value = round(target + rng.choice((-0.5, 0, 0, 0.5)))
            answers[s.key] = max(0, min(SCALE_MAX, value))
    return answers


def load(*, seed: int = 42, now: dt.datetime | None = None, domain: str) -> dict[str, int]:
    """Add the demo self-assessments once (needs the demo accounts; the volunteering demo for
    Oswestry Compassionate Communities); returns counts."""
    lws = Organisation.objects.filter(name=LINK_WORKERS).first()
    occ = Organisation.objects.filter(name=COORDINATING).first()
    if lws is None or occ is None or is_loaded():
        return {}
    rng = Random(seed)
    today = timezone.localdate(now)
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@" + domain)}
    manager = users.get(MANAGER_EMAIL_LOCAL)
    teams: list[tuple[Organisation, User | None, tuple[int, ...]]] = [
        (lws, manager, ROUNDS),
        (occ, users.get(COORDINATOR_EMAIL_LOCAL), ROUNDS),
    ]
    if lws.parent is not None:
        third, _ = Organisation.objects.get_or_create(
            name=THIRD_TEAM,
            kind=OrganisationKind.LINK_WORKER_SERVICE,
            defaults={
                "uuid": demo_uuid("coproduction_team", 0),
                "parent": lws.parent,
                "area": lws.area,
                "postcode": "SY12 0AB",
            },
        )
        teams.append((third, None, ROUNDS[1:]))
        if manager is not None:
            Membership.objects.get_or_create(
                user=manager, organisation=lws.parent, role=Role.TEAM_MANAGER
            )
    n = 0
    actions = 0
    qs = question_set(CURRENT_VERSION)
    for org, who, rounds in teams:
        plan = PLANS[org.name]
        for round_, days in enumerate(rounds):
            held_on = today - dt.timedelta(days=days)
            answers = _answers(rng, plan, round_)
            stage = round_ + (len(ROUNDS) - len(rounds))
            completed_at = timezone.make_aware(
                dt.datetime.combine(held_on, dt.time(15, 30)), timezone.get_current_timezone()
            )
            assessment = Assessment.objects.create(
                uuid=demo_uuid("coproduction_assessment", n),
                organisation=org,
                question_set_version=CURRENT_VERSION,
                status=AssessmentStatus.COMPLETED,
                held_on=held_on,
                staff_count=rng.randint(3, 6),
                staff_names="Team manager\nLink workers\nVolunteer coordinator",
                people_count=rng.randint(4, 9),
                people_names="J.\nAmira\nM. T.",
                answers=answers,
                evidence={p: texts[stage] for p, texts in EVIDENCE.items()},
                scores=principle_scores(qs, answers),
                records_snapshot=records_evidence(organisation=org, on=held_on).as_snapshot(),
                started_by=who,
                completed_at=completed_at,
                completed_by=who,
            )
            latest = round_ == len(rounds) - 1
            for i in range(2 if latest else 3):
                principle, what, by_whom = ACTIONS[(n + i) % len(ACTIONS)]
                Action.objects.create(
                    uuid=demo_uuid("coproduction_action", actions),
                    assessment=assessment,
                    principle=principle,
                    what=what,
                    who=by_whom,
                    due_on=held_on + dt.timedelta(days=120 + 30 * i),
                    status=(
                        (ActionStatus.IN_PROGRESS if i == 0 else ActionStatus.PLANNED)
                        if latest
                        else (ActionStatus.DONE if i < 2 else ActionStatus.DROPPED)
                    ),
                )
                actions += 1
            n += 1
    return {"coproduction_assessments": n, "coproduction_actions": actions}


def reset(*, domain: str = "demo.example.org") -> dict[str, int]:
    """Remove the demo's self-assessments (all of its teams'), the third team and the demo
    manager's membership of the host organisation."""
    orgs = _orgs()
    assessments = Assessment.objects.filter(organisation__in=orgs)
    removed = {"coproduction_assessments": assessments.count()}
    Action.objects.filter(assessment__in=assessments).delete()
    assessments.delete()
    third = Organisation.objects.filter(uuid=demo_uuid("coproduction_team", 0)).first()
    if third is not None:
        Membership.objects.filter(organisation=third).delete()
        third.delete()
    host = Organisation.objects.filter(name=HOST).first()
    if host is not None:
        Membership.objects.filter(
            organisation=host,
            role=Role.TEAM_MANAGER,
            user__email=f"{MANAGER_EMAIL_LOCAL}@{domain}",
        ).delete()
    return removed
