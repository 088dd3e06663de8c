"""Demo community grants (`linkwell demo`): the North Shropshire Borders PCN's two programmes,
Doctorpreneur (£500 for practice staff's community projects with patients) and Try it / Do it /
Build it (£500 to £5,000 for local people's ideas), each with a past round (applications
answering the demo's recorded gaps, scores, a conflict of interest, awards and declines,
payments, monitoring reports, and one new group approved into the directory) and an open round
with applications waiting for the panel.

Past rounds are closed, so their rows are written with the models directly (the application
service refuses closed rounds), keeping the services' invariants: awards within the tier and
the round's budget, payments within the award, no score from a conflicted panel member, scores
within 0..max. The new group goes through community moderation's own services
(`suggestion_submit`, `suggestion_approve`), with no contact email, so nothing is sent.
Reproducible (`random.Random(seed)`, uuid5 ids by index), idempotent, and `reset()` removes
what it made. Sign-ins: grants@ (programme manager: team manager at the PCN), panel@ (a GP
receptionist on both panels); the demo link worker and the befriender (a community member)
sit on the panels too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from random import Random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.community.models import Suggestion
from linkwell.community.services import suggestion_approve, suggestion_submit
from linkwell.connections.models import ProvisionGap
from linkwell.demo.directory import demo_uuid
from linkwell.directory.models import DirectoryOrganization
from linkwell.grants.models import (
    Application,
    ApplicationStatus,
    ConflictOfInterest,
    Criterion,
    MonitoringReport,
    PanelMember,
    Payment,
    Programme,
    ReferenceSequence,
    Round,
    Score,
    Tier,
    WhoMayApply,
)
from linkwell.grants.selectors.gaps import gap_choices
from linkwell.volunteering.models import CommunityMember

PCN = "North Shropshire Borders PCN"  # catalogue.ACCOUNTS_ORGS "pcn"
PRACTICE = "Castle Fields Surgery"  # "gp1"
MANAGER_LOCAL = "grants"
PANEL_LOCAL = "panel"

CRITERIA = (
    ("Answers a pressing local health need", "Named gaps, who is missing out.", 5, "2"),
    ("Reaches people who need it most", "Who takes part, and how they will hear.", 5, "1.5"),
    ("Will last beyond the grant", "A group that carries on, volunteers, a venue.", 5, "1"),
    ("Good value", "What the money buys.", 5, "1"),
)

DOCTOR_IDEAS = (
    ("Tango on Prescription", "Weekly tango for patients with Parkinson's and their partners.", 40),
    ("Practice garden", "Raised beds behind the surgery, tended with patients on Tuesdays.", 25),
    ("Nordic walking from the surgery", "Poles and a trained leader for ten weekly walks.", 30),
    ("Tennis for beginners", "Free coaching for patients at the Oswestry tennis club.", 20),
    ("Men's breakfast", "A monthly breakfast and talk for men living alone.", 15),
)
PUBLIC_IDEAS = (
    ("Knit and natter at the library", "Try it", "450", 12),
    ("Gobowen dementia café", "Do it", "1800", 30),
    ("Community fridge and cook club", "Build it", "4800", 120),
    ("Walking football for over-60s", "Try it", "500", 18),
    ("Carers' coffee mornings", "Do it", "1200", 25),
    ("Young parents' buggy walks", "Try it", "300", 16),
)
OPEN_IDEAS = (
    ("Chair yoga in Whittington", "Try it", "480", 15),
    ("Repair café", "Do it", "1500", 60),
    ("Allotment for people in recovery", "Build it", "4000", 20),
)
FIRST_NAMES = ("Alex", "Sam", "Jo", "Chris", "Pat", "Morgan", "Jamie", "Robin", "Kim", "Lee")


def _uuid(kind: str, n: int) -> Any:
    return demo_uuid(f"grants_{kind}", n)


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


def _user(domain: str, local: str, name: str, org: Organisation, role: str, n: int) -> User:
    user = User.objects.filter(email=f"{local}@{domain}").first()
    if user is None:
        from linkwell.demo.loader import DEMO_PASSWORD

        user = User.objects.create(
            uuid=_uuid("user", n),
            email=f"{local}@{domain}",
            full_name=name,
            password=make_password(DEMO_PASSWORD),
        )
    Membership.objects.get_or_create(user=user, organisation=org, role=role)
    return user


def _tiers(
    programme: Programme, specs: list[tuple[str, str, str, str, str]], start: int
) -> dict[str, Tier]:
    out = {}
    for i, (name, low, high, who, description) in enumerate(specs):
        out[name] = Tier.objects.create(
            uuid=_uuid("tier", start + i),
            programme=programme,
            name=name,
            minimum_amount=Decimal(low),
            maximum_amount=Decimal(high),
            who_may_apply=who,
            description=description,
            position=i,
        )
    return out


def _round(
    programme: Programme,
    n: int,
    name: str,
    opens: dt.date,
    closes: dt.date,
    budget: str,
    panel: list[User],
    members: dict[int, CommunityMember],
) -> tuple[Round, list[Criterion], list[PanelMember]]:
    round_ = Round.objects.create(
        uuid=_uuid("round", n),
        programme=programme,
        name=name,
        opens_on=opens,
        closes_on=closes,
        budget=Decimal(budget),
    )
    criteria = [
        Criterion.objects.create(
            uuid=_uuid("criterion", n * 10 + i),
            round=round_,
            name=c_name,
            description=desc,
            max_score=top,
            weight=Decimal(weight),
            position=i,
        )
        for i, (c_name, desc, top, weight) in enumerate(CRITERIA)
    ]
    seats = [
        PanelMember.objects.create(
            uuid=_uuid("panel", n * 10 + i),
            round=round_,
            user=user,
            community_member=members.get(user.pk),
        )
        for i, user in enumerate(panel)
    ]
    return round_, criteria, seats


class _Refs:
    def __init__(self) -> None:
        self.counts: dict[int, int] = {}

    def next(self, year: int) -> str:
        self.counts[year] = self.counts.get(year, 0) + 1
        return f"GR-{year}-{self.counts[year]:04d}"

    def save(self) -> None:
        for year, last in self.counts.items():
            row, _ = ReferenceSequence.objects.get_or_create(year=year)
            row.last = max(row.last, last)
            row.save(update_fields=["last"])


def load(*, seed: int = 42, domain: str, now: dt.datetime | None = None) -> dict[str, int]:
    pcn, practice = _org(PCN), _org(PRACTICE)
    if pcn is None or practice is None:
        return {}
    if Programme.objects.filter(uuid=_uuid("programme", 0)).exists():
        return {}
    rng = Random(seed)
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        manager = _user(domain, MANAGER_LOCAL, "Demo Grants Manager", pcn, Role.TEAM_MANAGER, 0)
        panel_gp = _user(domain, PANEL_LOCAL, "Demo Panel Member", practice, Role.REFERRER, 1)
        panel = [panel_gp]
        link_worker = User.objects.filter(email=f"linkworker@{domain}").first()
        if link_worker is not None:
            panel.append(link_worker)
        befriender = User.objects.filter(email=f"befriender@{domain}").first()
        members: dict[int, CommunityMember] = {}
        if befriender is not None:
            panel.append(befriender)
            member = CommunityMember.objects.filter(user=befriender).first()
            if member is not None:
                members[befriender.pk] = member

        doctor = Programme.objects.create(
            uuid=_uuid("programme", 0),
            organisation=pcn,
            name="Doctorpreneur",
            summary="£500 for GP practice staff who build a community project with their patients.",
            eligibility="Anyone working in a practice of the PCN, with patients involved from the start.",
        )
        public = Programme.objects.create(
            uuid=_uuid("programme", 1),
            organisation=pcn,
            name="Try it, Do it, Build it",
            summary="Awards for local people's ideas that tackle the most pressing local health needs.",
            eligibility="Local people, informal groups and small charities in the PCN's area. "
            "Ideas must be open to anyone who needs them.",
        )
        d_tiers = _tiers(
            doctor,
            [("Doctorpreneur", "100", "500", WhoMayApply.PRACTICE_STAFF, "For practice staff")],
            0,
        )
        p_tiers = _tiers(
            public,
            [
                ("Try it", "100", "500", WhoMayApply.ANYONE, "Test a small idea"),
                ("Do it", "501", "2000", WhoMayApply.ANYONE, "Run something for a year"),
                ("Build it", "2001", "5000", WhoMayApply.ANYONE, "Build something that lasts"),
            ],
            1,
        )
        last_year = today.year - 1
        past = [
            _round(
                doctor,
                0,
                f"{last_year}",
                dt.date(last_year, 3, 1),
                dt.date(last_year, 4, 30),
                "2500",
                panel,
                members,
            ),
            _round(
                public,
                1,
                f"Spring {last_year}",
                dt.date(last_year, 4, 1),
                dt.date(last_year, 5, 31),
                "10000",
                panel,
                members,
            ),
        ]
        open_round, _criteria, open_panel = _round(
            public,
            2,
            f"{today:%B %Y} round",
            today - dt.timedelta(days=14),
            today + dt.timedelta(days=30),
            "12000",
            panel,
            members,
        )
        choices = gap_choices(public)
        refs = _Refs()
        counts = {"applications": 0, "awards": 0, "payments": 0, "reports": 0}

        def application(
            round_: Round,
            tier: Tier,
            n: int,
            title: str,
            summary: str,
            amount: str,
            people: int,
            created: dt.date,
            user: User | None = None,
        ) -> Application:
            first = FIRST_NAMES[n % len(FIRST_NAMES)]
            app = Application.objects.create(
                uuid=_uuid("application", n),
                reference=refs.next(created.year),
                round=round_,
                tier=tier,
                applicant_name=f"{first} (demo applicant)",
                applicant_email=f"applicant{n}@{domain}",
                group_name="" if user else f"{title.split()[0]} group",
                applicant_user=user,
                title=title,
                summary=summary,
                place=rng.choice(["Oswestry", "Gobowen", "Whittington", "Ellesmere"]),
                amount_requested=Decimal(amount),
                people_to_reach=people,
                who_it_reaches=rng.choice(
                    [
                        "Older people living alone",
                        "Carers",
                        "Young parents",
                        "People with long-term conditions",
                    ]
                ),
            )
            if choices:
                picked = rng.sample(choices, k=min(len(choices), rng.randint(1, 2)))
                app.gaps.set(
                    ProvisionGap.objects.filter(pk__in=[i for c in picked for i in c.gap_ids])
                )
            counts["applications"] += 1
            return app

        def score(
            app: Application,
            criteria: list[Criterion],
            seats: list[PanelMember],
            conflicted: PanelMember | None,
        ) -> None:
            Score.objects.bulk_create(
                Score(
                    application=app,
                    panel_member=seat,
                    criterion=c,
                    score=rng.randint(2, c.max_score),
                    comment=rng.choice(["", "Clear plan", "Good reach", "Needs a venue"]),
                )
                for seat in seats
                if seat is not conflicted
                for c in criteria
            )

        n = 0
        listing_app: Application | None = None
        doctor_specs = [
            (title, summary, d_tiers["Doctorpreneur"], "500", people, panel_gp if i == 0 else None)
            for i, (title, summary, people) in enumerate(DOCTOR_IDEAS)
        ]
        public_specs = [
            (title, f"{title}: what we will do and buy.", p_tiers[tier_name], amount, people, None)
            for title, tier_name, amount, people in PUBLIC_IDEAS
        ]
        for (round_, criteria, seats), ideas in ((past[0], doctor_specs), (past[1], public_specs)):
            spent = Decimal("0")
            decided_at = timezone.make_aware(
                dt.datetime.combine(round_.closes_on + dt.timedelta(days=14), dt.time(10))
            )
            for i, (title, summary, tier, amount, people, user) in enumerate(ideas):
                app = application(
                    round_,
                    tier,
                    n,
                    title,
                    summary,
                    amount,
                    people,
                    round_.opens_on + dt.timedelta(days=7 + i),
                    user,
                )
                n += 1
                conflicted = None
                if i == 1:
                    conflicted = seats[0]
                    ConflictOfInterest.objects.create(
                        application=app,
                        panel_member=conflicted,
                        reason="I know the applicant well.",
                    )
                score(app, criteria, seats, conflicted)
                award = i != len(ideas) - 1 and spent + app.amount_requested <= round_.budget
                app.status = ApplicationStatus.AWARDED if award else ApplicationStatus.DECLINED
                app.amount_awarded = app.amount_requested if award else None
                app.decision_reason = (
                    "Scored well on need and reach."
                    if award
                    else "Another idea answered the same need better this time."
                )
                app.decided_by = manager
                app.decided_at = decided_at
                app.save()
                if not award:
                    continue
                spent += app.amount_requested
                counts["awards"] += 1
                Payment.objects.create(
                    application=app,
                    amount=app.amount_requested,
                    paid_on=round_.closes_on + dt.timedelta(days=21),
                    reference=f"BACS-{app.reference}",
                    recorded_by=manager,
                )
                counts["payments"] += 1
                if i % 2 == 0:
                    MonitoringReport.objects.create(
                        application=app,
                        what_happened=f"{title} ran for the year as planned.",
                        people_reached=max(1, people + rng.randint(-5, 10)),
                        submitted_by=None,
                    )
                    counts["reports"] += 1
                if listing_app is None and round_.programme_id == public.pk and i == 0:
                    listing_app = app

        if listing_app is not None:
            report = MonitoringReport.objects.get(application=listing_app)
            suggestion = suggestion_submit(
                actor=None,
                data={
                    "asset_kind": "group",
                    "name": "Oswestry Library Knit and Natter",
                    "description": "Bring a project or learn from scratch; tea and a chat. Started with a community grant.",
                    "frequency": "weekly",
                    "day": "WE",
                    "venue_kind": "address",
                    "venue_name": "Oswestry Library",
                    "address_1": "Arthur Street",
                    "town": "Oswestry",
                    "postcode": "SY11 1JN",
                    "cost_kind": "free",
                    "who_for": "Anyone; especially people who would like company",
                    "suggester_name": listing_app.applicant_name,
                },
            )
            suggestion_approve(actor=manager, suggestion=suggestion)
            report.suggestion = suggestion
            report.save(update_fields=["suggestion"])

        for i, (title, tier_name, amount, people) in enumerate(OPEN_IDEAS):
            app = application(
                open_round,
                p_tiers[tier_name],
                n,
                title,
                f"{title}: what we will do and buy.",
                amount,
                people,
                today - dt.timedelta(days=10 - i),
            )
            n += 1
            if i == 0:
                ConflictOfInterest.objects.create(
                    application=app, panel_member=open_panel[0], reason="My neighbour runs it."
                )
                score(app, _criteria, open_panel[1:2], None)
        refs.save()
    return counts


def reset() -> dict[str, int]:
    programmes = Programme.objects.filter(uuid__in=[_uuid("programme", i) for i in range(2)])
    apps = Application.objects.filter(round__programme__in=programmes)
    suggestions = Suggestion.objects.filter(grant_reports__application__in=apps)
    listings = DirectoryOrganization.objects.filter(services__in=suggestions.values("service"))
    removed = {"grant_applications": apps.count()}
    with transaction.atomic():
        suggestion_ids = list(suggestions.values_list("pk", flat=True))
        listing_ids = list(listings.values_list("pk", flat=True))
        Payment.objects.filter(application__in=apps).delete()
        apps.delete()
        Round.objects.filter(programme__in=programmes).delete()
        programmes.delete()
        Suggestion.objects.filter(pk__in=suggestion_ids).delete()
        DirectoryOrganization.objects.filter(pk__in=listing_ids).delete()
        User.objects.filter(uuid__in=[_uuid("user", i) for i in range(2)]).delete()
    return removed
