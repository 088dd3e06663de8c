"""Demo volunteering (`linkwell demo`): Oswestry Compassionate Communities with ~60 volunteers
in every role status, and Connect and Do Shropshire with its connectors; support requests and
matches at every stage, visits and calls logged over weeks, reviews, decisions and a concern.

Rows are written with the models directly (bulk, parents first), keeping every invariant the
volunteering services keep: a live match (introduced or active) has a volunteer with an active
role of the right kind, a DBS check valid today (enhanced for home visits), the induction and
safeguarding courses, and room under their `max_matches`; each request has at most one live
match per volunteer; role histories follow `ROLE_TRANSITIONS`. `tests/test_demo_volunteering.py`
checks these on the loaded demo. Reproducible (`random.Random(seed)`, ids uuid5 by index),
idempotent, and `reset()` removes exactly what it made (everything of the two organisations).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random
from typing import Any

from django.conf import settings
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.casework.models import Case
from linkwell.demo.directory import demo_uuid
from linkwell.people.models import Person
from linkwell.volunteering.checks import ENHANCED_LEVELS, add_years, renewal_years, warning_days
from linkwell.volunteering.models import (
    Activity,
    ActivityKind,
    CheckKind,
    CheckRecord,
    CommunityMember,
    ContactMode,
    Course,
    DbsLevel,
    Match,
    MatchDecision,
    MatchDecisionKind,
    MatchReview,
    MatchStatus,
    RequestSource,
    RequestStatus,
    RoleKind,
    RoleStatus,
    RoleStatusChange,
    Supervision,
    SupportRequest,
    SupportRole,
    Travel,
    VolunteerRole,
)

COORDINATING = "Oswestry Compassionate Communities"  # catalogue.ACCOUNTS_ORGS "occ"
CONNECTORS = "Connect and Do Shropshire"  # catalogue.ACCOUNTS_ORGS "cando"
BEFRIENDER_EMAIL_LOCAL = "befriender"

# (given name, family name, gender, year of birth): varied ages and backgrounds.
VOLUNTEERS: tuple[tuple[str, str, str, int], ...] = (
    ("Gwen", "Morris", "female", 1958),  # the demo befriender sign-in
    ("Margaret", "Owen", "female", 1949),
    ("David", "Price", "male", 1952),
    ("Aleksandra", "Nowak", "female", 1986),
    ("Imran", "Hussain", "male", 1979),
    ("Harpreet", "Kaur", "female", 1972),
    ("Rhys", "Jones", "male", 1999),
    ("Eleri", "Davies", "female", 1964),
    ("Tom", "Bennett", "male", 1945),
    ("Sarah", "Whitfield", "female", 1983),
    ("Kwame", "Mensah", "male", 1969),
    ("Bethan", "Griffiths", "female", 2001),
    ("Piotr", "Kowalski", "male", 1975),
    ("Shazia", "Akhtar", "female", 1981),
    ("Colin", "Hughes", "male", 1950),
    ("Jean", "Edwards", "female", 1947),
    ("Arjun", "Singh", "male", 1990),
    ("Maureen", "Roberts", "female", 1955),
    ("Liam", "O'Connor", "male", 1993),
    ("Dilys", "Pryce", "female", 1951),
    ("Nasreen", "Begum", "female", 1966),
    ("Graham", "Turner", "male", 1960),
    ("Chloe", "Evans", "female", 1997),
    ("Mohammed", "Iqbal", "male", 1984),
    ("Pauline", "Lloyd", "female", 1957),
    ("Ewa", "Zielinska", "female", 1990),
    ("Brian", "Thomas", "male", 1948),
    ("Hannah", "Jenkins", "female", 1988),
    ("Gurdeep", "Sandhu", "male", 1963),
    ("Megan", "Williams", "female", 2003),
    ("Derek", "Parry", "male", 1953),
    ("Funmi", "Adeyemi", "female", 1977),
    ("Alan", "Richards", "male", 1956),
    ("Sian", "Vaughan", "female", 1970),
    ("Marek", "Wisniewski", "male", 1982),
    ("Ruth", "Cartwright", "female", 1944),
    ("Owain", "Humphreys", "male", 1974),
    ("Priya", "Patel", "female", 1992),
    ("Keith", "Bowen", "male", 1951),
    ("Lowri", "Morgan", "female", 1985),
    ("Tariq", "Mahmood", "male", 1971),
    ("Janet", "Pugh", "female", 1959),
    ("Samuel", "Okafor", "male", 1995),
    ("Carol", "Ashley", "female", 1954),
    ("Huw", "Rowlands", "male", 1962),
    ("Amira", "Hassan", "female", 1989),
    ("Geoff", "Wainwright", "male", 1946),
    ("Kirsty", "Moss", "female", 1980),
    ("Daniel", "Lewis", "male", 1987),
    ("Anwen", "Ellis", "female", 1968),
    ("Stanislaw", "Lewandowski", "male", 1958),
    ("Rosemary", "Clarke", "female", 1950),
    ("Jaspal", "Gill", "male", 1976),
    ("Nia", "Bevan", "female", 1998),
    ("Frank", "Dodd", "male", 1943),
    ("Olivia", "Hartley", "female", 1994),
    ("Yusuf", "Rahman", "male", 1973),
    ("Brenda", "Corbett", "female", 1952),
    ("Ieuan", "Pritchard", "male", 1967),
    ("Lesley", "Fox", "female", 1961),
)
# Connect and Do Shropshire's connectors.
CONNECTOR_VOLUNTEERS: tuple[tuple[str, str, str, int], ...] = (
    ("Rachel", "Greenwood", "female", 1978),
    ("Ade", "Bakare", "male", 1985),
    ("Ffion", "Watkins", "female", 1991),
    ("Martin", "Shaw", "male", 1966),
    ("Zofia", "Mazur", "female", 1983),
    ("Ranjit", "Dhillon", "male", 1970),
    ("Helen", "Marsh", "female", 1962),
    ("Joe", "Kenyon", "male", 1996),
)

INTERESTS = (
    "gardening", "football", "knitting", "local history", "cooking", "birdwatching", "chess",
    "walking", "crosswords", "baking", "music", "fishing", "photography", "cricket", "reading",
    "family history", "dogs", "rugby", "crafts", "allotments", "films", "railways",
)  # fmt: skip
SKILLS = (
    "good listener", "patient", "first aid", "IT help", "driving", "cooking", "form filling",
    "gardening", "BSL", "sign-posting", "music", "DIY",
)  # fmt: skip
LIVED = (
    "bereavement", "caring for a parent with dementia", "COPD", "depression", "anxiety",
    "living alone", "hearing loss", "stroke recovery", "cancer", "carer for a partner",
)  # fmt: skip
LANGUAGES = ("cy", "pl", "ur", "pa", "cy", "pl", "ar", "yo", "bn", "hi")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WINDOWS = (("09:30", "12:00"), ("10:00", "13:00"), ("13:30", "16:30"), ("14:00", "17:00"),
           ("18:00", "20:00"))  # fmt: skip
POSTCODES = (
    "SY11 1AA", "SY11 1PJ", "SY11 1PS", "SY11 1PY", "SY11 2PD", "SY11 2SS", "SY11 1AD",
    "SY11 1AF", "SY11 1BU", "SY11 1HB", "SY11 1LS", "SY11 2AG", "SY11 4DT", "SY11 4DG",
    "SY11 3JS", "SY11 3QP", "SY11 3JR", "SY11 3QH", "SY11 3DB", "SY10 8PS", "SY10 8NT",
    "SY10 7TJ", "SY10 7TT", "SY10 9DG", "SY10 9FB",
)  # fmt: skip
OFFERS = (
    "A cuppa and a chat once a week; I know how quiet the house gets.",
    "I'd like to help someone get back out to the things they enjoyed.",
    "Happy to phone someone for a natter a couple of times a week.",
    "I drive and can take people to groups or appointments.",
    "I can help run a course session and share what helped me.",
)
LEFT_REASONS = (
    "Moved away",
    "Work commitments",
    "Caring responsibilities at home",
    "Own health",
    "Started a job with the council",
    "Moved away",
    "Not the right role for them",
    "Caring responsibilities at home",
)
END_REASONS = (
    "The person moved into a care home",
    "Goals met: they now go to groups on their own",
    "The person died",
    "The volunteer moved away",
    "The person no longer wanted visits",
)
HOW_IT_WENT = (
    "Looked through old photos of the railway together; lots of laughs.",
    "Walked to the park and fed the ducks. Seemed brighter than last week.",
    "Quiet today, tired after a hospital appointment. Made a brew and listened.",
    "Played chess; lost twice. Wants a rematch next week.",
    "Talked about the garden and planned what to sow in spring.",
    "Went to the coffee morning at the library together for the first time.",
)

# Statuses for the 60 befriending volunteers (the order is shuffled with the seed).
STATUS_MIX = (
    [RoleStatus.ACTIVE] * 34
    + [RoleStatus.PAUSED] * 4
    + [RoleStatus.ENQUIRY] * 4
    + [RoleStatus.APPLICATION] * 4
    + [RoleStatus.CHECKS] * 3
    + [RoleStatus.TRAINING] * 3
    + [RoleStatus.LEFT] * 8
)
PIPELINE = (
    RoleStatus.ENQUIRY,
    RoleStatus.APPLICATION,
    RoleStatus.CHECKS,
    RoleStatus.TRAINING,
    RoleStatus.ACTIVE,
)
REQUIRED_COURSES = (Course.INDUCTION, Course.SAFEGUARDING_ADULTS)


@dataclass
class _Vol:
    member: CommunityMember
    role_kinds: list[str]
    status: str
    active_since: dt.date | None
    dbs_on: dt.date | None
    dbs_level: str
    courses: set[str]
    live: int = 0


def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _orgs() -> tuple[Organisation | None, Organisation | None]:
    return (
        Organisation.objects.filter(name=COORDINATING).first(),
        Organisation.objects.filter(name=CONNECTORS).first(),
    )


def is_loaded() -> bool:
    occ, _ = _orgs()
    return occ is not None and CommunityMember.objects.filter(organisation=occ).exists()


class _Builder:
    def __init__(self, *, rng: Random, today: dt.date, domain: str) -> None:
        self.rng = rng
        self.today = today
        self.domain = domain
        self.n = 0
        self.members: list[CommunityMember] = []
        self.roles: list[VolunteerRole] = []
        self.changes: list[tuple[int, RoleStatusChange]] = []  # (role index, change)
        self.checks: list[CheckRecord] = []
        self.supervisions: list[Supervision] = []
        self.vols: list[_Vol] = []

    def uuid(self, kind: str) -> Any:
        self.n += 1
        return demo_uuid(f"volunteering_{kind}", self.n)

    def member(
        self,
        org: Organisation,
        spec: tuple[str, str, str, int],
        *,
        user: User | None,
        kinds: Sequence[str],
        status: str,
        coordinator: User,
        index: int,
    ) -> _Vol:
        rng, today = self.rng, self.today
        given, family, gender, born = spec
        home_visits = rng.random() < 0.7
        langs = ["en"] + ([LANGUAGES[(index // 4) % len(LANGUAGES)]] if index % 4 == 1 else [])
        skills = rng.sample(SKILLS, 2)
        if index % 13 == 5 and "BSL" not in skills:
            skills.append("BSL")
        windows = []
        for weekday in rng.sample(DAYS, rng.randint(1, 3)):
            start, end = rng.choice(WINDOWS)
            windows.append({"day": weekday, "from": start, "to": end})
        travel = rng.choice([Travel.CAR, Travel.CAR, Travel.WALK, Travel.PUBLIC_TRANSPORT])
        radius = {Travel.CAR: (8, 20), Travel.WALK: (1, 3), Travel.PUBLIC_TRANSPORT: (4, 12)}
        low, high = radius[travel]
        member = CommunityMember(
            uuid=self.uuid("member"),
            organisation=org,
            user=user,
            given_name=given,
            family_name=family,
            email=(
                user.email
                if user is not None
                else f"{given.lower()}.{family.lower().replace(chr(39), '')}@example.org"
            ),
            phone=f"07700 900{(index * 7) % 1000:03d}",
            postcode=POSTCODES[index % len(POSTCODES)],
            date_of_birth=dt.date(born, 1 + index % 12, 1 + index % 28),
            gender=gender,
            offer=rng.choice(OFFERS),
            interests=rng.sample(INTERESTS, rng.randint(2, 4)),
            skills=skills,
            lived_experience=rng.sample(LIVED, rng.randint(0, 2)),
            languages=langs,
            availability=windows,
            travel=travel,
            travel_radius_km=rng.randint(low, high),
            home_visits=home_visits,
            max_matches=rng.choice([1, 2, 2]),
            source="self_registered" if index % 3 == 0 else "coordinator",
            consent_at=_at(today - dt.timedelta(days=400)),
        )
        self.members.append(member)
        # The pipeline, backdated (steps 0, 10, 30, 60 and 90 days after the enquiry): active
        # for two months to three years; earlier stages reached recently.
        recent: dict[str, tuple[int, int]] = {
            RoleStatus.ENQUIRY: (2, 9),
            RoleStatus.APPLICATION: (12, 29),
            RoleStatus.CHECKS: (32, 58),
            RoleStatus.TRAINING: (62, 88),
        }
        low_days, high_days = recent.get(status, (150, 1150))
        enquiry = today - dt.timedelta(days=rng.randint(low_days, high_days))
        steps = [0, 10, 30, 60, 90]
        target = status if status in PIPELINE else RoleStatus.ACTIVE
        if status == RoleStatus.LEFT:
            target = rng.choice([RoleStatus.ACTIVE, RoleStatus.ACTIVE, RoleStatus.APPLICATION])
        reached = PIPELINE[: PIPELINE.index(target) + 1]
        dates = [enquiry + dt.timedelta(days=steps[i]) for i in range(len(reached))]
        active_since = dates[-1] if target == RoleStatus.ACTIVE else None
        history: list[tuple[str, dt.date, str]] = [
            (s, d, "") for s, d in zip(reached, dates, strict=True)
        ]
        end_day = None
        left_reason = ""
        if status == RoleStatus.PAUSED:
            since_active = (today - dates[-1]).days
            paused_on = today - dt.timedelta(days=rng.randint(5, min(50, since_active - 1)))
            history.append((RoleStatus.PAUSED, paused_on, "A break while caring for family"))
        if status == RoleStatus.LEFT:
            end_day = min(
                today - dt.timedelta(days=2), dates[-1] + dt.timedelta(days=rng.randint(30, 500))
            )
            left_reason = LEFT_REASONS[index % len(LEFT_REASONS)]
            history.append((RoleStatus.LEFT, end_day, left_reason))
        for kind in kinds:
            role = VolunteerRole(
                uuid=self.uuid("role"),
                member=member,
                organisation=org,
                kind=kind,
                status=status,
                started_on=enquiry,
                ended_on=end_day,
                left_reason=left_reason,
            )
            self.roles.append(role)
            previous = ""
            for to_status, day, reason in history:
                self.changes.append(
                    (
                        len(self.roles) - 1,
                        RoleStatusChange(
                            from_status=previous,
                            to_status=to_status,
                            changed_on=day,
                            changed_by=coordinator,
                            reason=reason,
                        ),
                    )
                )
                previous = to_status
        # Checks: references once past application; DBS and training once past checks.
        dbs_on: dt.date | None = None
        level = ""
        courses: set[str] = set()
        if len(reached) >= 3:
            for r in range(2):
                self.checks.append(self._check(member, CheckKind.REFERENCE, dates[2], r))
        if len(reached) >= 4:
            roll = index % 20
            level = DbsLevel.ENHANCED if roll not in (3, 11) else DbsLevel.STANDARD
            if roll == 7:
                level = DbsLevel.ENHANCED_WITH_BARRED_LIST
            dbs_on = dates[3] - dt.timedelta(days=5)
            if roll in (4, 14):  # lapsing within the warning period
                dbs_on = today - dt.timedelta(days=3 * 365 - 25)
            elif roll == 9 and status != RoleStatus.LEFT:  # lapsed
                dbs_on = today - dt.timedelta(days=3 * 365 + 40)
            elif (today - dbs_on).days >= 3 * 365 - 60:  # renewed on time
                dbs_on = today - dt.timedelta(days=rng.randint(30, 700))
            self.checks.append(
                CheckRecord(
                    uuid=self.uuid("check"),
                    member=member,
                    kind=CheckKind.DBS,
                    dbs_level=level,
                    done_on=dbs_on,
                    recorded_by=coordinator,
                )
            )
        if len(reached) >= 5:
            courses = set(REQUIRED_COURSES)
            if index % 17 == 6:
                courses.discard(Course.SAFEGUARDING_ADULTS)  # training missing: flagged
            extra: dict[str, list[str]] = {
                RoleKind.BEFRIENDER: [Course.BEFRIENDING, Course.LONE_WORKING],
                RoleKind.TELEPHONE_BEFRIENDER: [Course.BEFRIENDING],
                RoleKind.CONNECTOR: [Course.CONNECTOR_COACHING],
                RoleKind.PEER_SUPPORTER: [Course.MENTAL_HEALTH_FIRST_AID],
            }
            for kind in kinds:
                courses.update(extra.get(kind, []))
            if rng.random() < 0.4:
                courses.add(Course.DEMENTIA_AWARENESS)
            for course in sorted(courses):
                self.checks.append(
                    CheckRecord(
                        uuid=self.uuid("check"),
                        member=member,
                        kind=CheckKind.TRAINING,
                        course=course,
                        done_on=dates[3] + dt.timedelta(days=rng.randint(1, 25)),
                        recorded_by=coordinator,
                    )
                )
        if active_since is not None and status != RoleStatus.LEFT:
            for s in range(rng.randint(1, 3)):
                held = today - dt.timedelta(days=20 + 60 * s + rng.randint(0, 20))
                if held > active_since:
                    self.supervisions.append(
                        Supervision(
                            uuid=self.uuid("supervision"),
                            member=member,
                            held_on=held,
                            held_by=coordinator,
                            notes="Going well; talked about pacing visits and self-care.",
                        )
                    )
        vol = _Vol(member, list(kinds), status, active_since, dbs_on, level, courses)
        self.vols.append(vol)
        return vol

    def _check(self, member: CommunityMember, kind: str, on: dt.date, n: int) -> CheckRecord:
        return CheckRecord(
            uuid=self.uuid("check"),
            member=member,
            kind=kind,
            done_on=on + dt.timedelta(days=n * 3),
            note="Reference received" if kind == CheckKind.REFERENCE else "",
        )


def can_hold(vol: _Vol, *, kind: str, contact: str, today: dt.date) -> bool:
    """The hard constraints the services keep for a live match (see the module docstring)."""
    if vol.dbs_on is None:
        return False
    expires = add_years(vol.dbs_on, renewal_years())
    return (
        vol.status == RoleStatus.ACTIVE
        and kind in vol.role_kinds
        # Valid, and not lapsing within the warning period (no new match would start then).
        and (expires - today).days > warning_days()
        and (
            contact != ContactMode.HOME_VISIT
            or (vol.dbs_level in ENHANCED_LEVELS and bool(vol.member.home_visits))
        )
        and all(c in vol.courses for c in REQUIRED_COURSES)
        and vol.live < vol.member.max_matches
    )


def load(*, seed: int = 42, now: dt.datetime | None = None, domain: str) -> dict[str, int]:
    """Add the demo volunteering once (needs the demo accounts and people); returns counts."""
    occ, cando = _orgs()
    if occ is None or cando is None or is_loaded():
        return {}
    rng = Random(seed)
    today = timezone.localdate(now)
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@" + domain)}
    coordinator = users["coordinator"]
    second = users.get("coordinator2", coordinator)
    connector_lead = users["connectors"]
    befriender_user = users.get(BEFRIENDER_EMAIL_LOCAL)
    b = _Builder(rng=rng, today=today, domain=domain)

    statuses = list(STATUS_MIX)
    rng.shuffle(statuses)
    # The befriender sign-in (the first volunteer) is active.
    first_active = statuses.index(RoleStatus.ACTIVE)
    statuses[0], statuses[first_active] = statuses[first_active], statuses[0]
    role_plan = (
        [RoleKind.BEFRIENDER] * 6
        + [RoleKind.TELEPHONE_BEFRIENDER] * 2
        + [RoleKind.WELLBEING_AMBASSADOR, RoleKind.PEER_SUPPORTER, RoleKind.DRIVER]
        + [RoleKind.CO_FACILITATOR]
    )
    for i, spec in enumerate(VOLUNTEERS):
        kinds = [role_plan[i % len(role_plan)]]
        if i % 7 == 3 and kinds[0] != RoleKind.DRIVER:
            kinds.append(RoleKind.DRIVER)
        if i % 11 == 2 and kinds[0] == RoleKind.BEFRIENDER:
            kinds.append(RoleKind.TELEPHONE_BEFRIENDER)
        if i == 0:
            kinds = [RoleKind.BEFRIENDER]
        vol = b.member(
            occ,
            spec,
            user=befriender_user if i == 0 else None,
            kinds=kinds,
            status=statuses[i],
            coordinator=coordinator if i % 2 else second,
            index=i,
        )
        if i == 0:
            # The sign-in's own record: enhanced, valid, fully trained, room for two.
            vol.member.home_visits = True
            vol.member.max_matches = 2
            vol.member.interests = ["gardening", "local history", "baking", "birdwatching"]
            vol.member.lived_experience = ["caring for a parent with dementia"]
            vol.dbs_on = today - dt.timedelta(days=300)
            vol.dbs_level = DbsLevel.ENHANCED
            vol.courses |= {*REQUIRED_COURSES, Course.BEFRIENDING, Course.DEMENTIA_AWARENESS}
            for check in b.checks:
                if check.member is vol.member and check.kind == CheckKind.DBS:
                    check.done_on, check.dbs_level = vol.dbs_on, DbsLevel.ENHANCED
            for course in (Course.DEMENTIA_AWARENESS, Course.BEFRIENDING):
                if not any(c.member is vol.member and c.course == course for c in b.checks):
                    b.checks.append(
                        CheckRecord(
                            uuid=b.uuid("check"),
                            member=vol.member,
                            kind=CheckKind.TRAINING,
                            course=course,
                            done_on=today - dt.timedelta(days=200),
                        )
                    )
    connector_statuses = [RoleStatus.ACTIVE] * 6 + [RoleStatus.TRAINING, RoleStatus.LEFT]
    for j, spec in enumerate(CONNECTOR_VOLUNTEERS):
        b.member(
            cando,
            spec,
            user=None,
            kinds=[RoleKind.CONNECTOR],
            status=connector_statuses[j],
            coordinator=connector_lead,
            index=100 + j,
        )
    CommunityMember.objects.bulk_create(b.members)
    VolunteerRole.objects.bulk_create(b.roles)
    for role_index, change in b.changes:
        change.role = b.roles[role_index]
    RoleStatusChange.objects.bulk_create([change for _, change in b.changes])
    CheckRecord.objects.bulk_create(b.checks)
    Supervision.objects.bulk_create(b.supervisions)

    counts = _requests_and_matches(
        b, rng=rng, today=today, occ=occ, cando=cando, coordinator=coordinator,
        connector_lead=connector_lead,
    )  # fmt: skip
    counts.update(
        volunteers=len(b.members),
        roles=len(b.roles),
        checks=len(b.checks),
        supervisions=len(b.supervisions),
    )
    return counts


def _people(rng: Random, today: dt.date) -> tuple[list[tuple[Person, Case]], list[Person]]:
    """Demo people with a case and a plan (for requests from a plan), and others."""
    with_plan = list(
        Case.objects.filter(plan__isnull=False).select_related("person").order_by("pk")[:80]
    )
    rng.shuffle(with_plan)
    used = {c.person_id for c in with_plan}
    others = [p for p in Person.objects.order_by("pk")[:400] if p.pk not in used]
    rng.shuffle(others)
    return [(c.person, c) for c in with_plan], others


def _requests_and_matches(
    b: _Builder,
    *,
    rng: Random,
    today: dt.date,
    occ: Organisation,
    cando: Organisation,
    coordinator: User,
    connector_lead: User,
) -> dict[str, int]:
    planned, others = _people(rng, today)
    requests: list[SupportRequest] = []
    created: list[dt.date] = []
    matches: list[Match] = []
    reviews: list[MatchReview] = []
    decisions: list[MatchDecision] = []
    activities: list[Activity] = []

    def person_and_case(source: str) -> tuple[Person, Case | None]:
        if source == RequestSource.PLAN and planned:
            person, case = planned.pop()
            return person, case
        return others.pop(), None

    def request(
        org: Organisation, source: str, days_ago: int, *, role: str = SupportRole.BEFRIENDER,
        contact: str = ContactMode.HOME_VISIT, about: str = "",
    ) -> SupportRequest:  # fmt: skip
        person, case = person_and_case(source)
        referrer = ("", "")
        if source == RequestSource.REFERRAL:
            referrer = ("Dr A. Rahman", "Castle Fields Surgery")
        if source == RequestSource.REFERRAL and days_ago % 3 == 0:
            referrer = ("Community matron", "Shropshire Community Health NHS Trust")
        req = SupportRequest(
            uuid=b.uuid("request"),
            person=person,
            case=case,
            organisation=org,
            role=role,
            contact=contact,
            about=about
            or rng.choice(
                (
                    "Loves gardening and talking about the old days on the railway.",
                    "Used to sing in a choir; enjoys music, crosswords and a biscuit.",
                    "Misses her late husband; likes birdwatching from the window.",
                    "Keen football fan (Shrewsbury Town); would like to get to a match.",
                    "Enjoys local history and would like company on short walks.",
                )
            ),
            safety_notes="Has a small dog; please knock loudly." if days_ago % 4 == 0 else "",
            source=source,
            requested_by=case.assigned_to if case is not None else None,
            referrer_name=referrer[0],
            referrer_organisation=referrer[1],
            status=RequestStatus.WAITING,
        )
        requests.append(req)
        created.append(today - dt.timedelta(days=days_ago))
        return req

    def pick(kind: str, contact: str, *, prefer: CommunityMember | None = None) -> _Vol | None:
        pool = [v for v in b.vols if can_hold(v, kind=kind, contact=contact, today=today)]
        if not pool:
            return None
        if prefer is not None:
            mine = [v for v in pool if v.member is prefer]
            if mine:
                return mine[0]
        pool.sort(key=lambda v: (v.live, v.member.given_name))
        choice = pool[0] if rng.random() < 0.5 or len(pool) < 3 else rng.choice(pool[:5])
        return choice

    def decide(req: SupportRequest, vol: _Vol, kind: str, day: dt.date, reason: str = "",
               by: User | None = None) -> None:  # fmt: skip
        decisions.append(
            MatchDecision(
                request=req,
                member=vol.member,
                decision=kind,
                rank_shown=1 + rng.randint(0, 2) if kind == MatchDecisionKind.INTRODUCED else None,
                score=round(rng.uniform(0.55, 0.92), 2),
                reason=reason,
                decided_by=by,
            )
        )
        decision_days.append(day)

    decision_days: list[dt.date] = []

    def visits(match: Match, vol: _Vol, since: dt.date, until: dt.date, contact: str) -> None:
        day = since + dt.timedelta(days=rng.randint(1, 6))
        k = 0
        while day <= until:
            kinds: dict[str, str] = {
                ContactMode.HOME_VISIT: ActivityKind.HOME_VISIT,
                ContactMode.MEET_OUT: ActivityKind.MEET_OUT,
                ContactMode.PHONE: ActivityKind.PHONE,
            }
            kind = kinds[contact or ContactMode.HOME_VISIT]
            if kind == ActivityKind.HOME_VISIT and k % 5 == 4:
                kind = ActivityKind.PHONE
            minutes = rng.choice((45, 60, 60, 75, 90, 120)) if kind != ActivityKind.PHONE else (
                rng.choice((20, 30, 30, 40))
            )  # fmt: skip
            activities.append(
                Activity(
                    uuid=b.uuid("activity"),
                    member=vol.member,
                    match=match,
                    kind=kind,
                    happened_on=day,
                    minutes=minutes,
                    how_it_went=rng.choice(HOW_IT_WENT) if k % 4 == 1 else "",
                    recorded_by=vol.member.user,
                )
            )
            k += 1
            day += dt.timedelta(days=rng.choice((6, 7, 7, 8, 14)))

    def live_match(
        req: SupportRequest, vol: _Vol, introduced: dt.date, *, status: str, by: User,
        ended: dt.date | None = None, end_reason: str = "", goals: Sequence[str] = (),
        programme_weeks: int = 0,
    ) -> Match:  # fmt: skip
        responded: dt.date | None = introduced + dt.timedelta(days=rng.randint(1, 4))
        if status == MatchStatus.INTRODUCED:
            responded = None
        declined = status == MatchStatus.DECLINED
        match = Match(
            uuid=b.uuid("match"),
            request=req,
            member=vol.member,
            status=status,
            introduced_by=by,
            introduced_at=_at(introduced),
            score=round(rng.uniform(0.6, 0.93), 2),
            reasons=["Shares interests: " + ", ".join(vol.member.interests[:2]), "Lives nearby"],
            responded_at=_at(responded) if responded else None,
            decline_reason="Cannot manage Tuesday afternoons any more" if declined else "",
            review_on=None,
            goals=list(goals),
            programme_ends_on=(
                responded + dt.timedelta(weeks=programme_weeks)
                if programme_weeks and responded
                else None
            ),
            ended_at=_at(ended) if ended else None,
            ended_by=by if ended else None,
            end_reason=end_reason,
        )
        matches.append(match)
        decide(req, vol, MatchDecisionKind.INTRODUCED, introduced, by=by)
        if declined and responded is not None:
            decide(req, vol, MatchDecisionKind.DECLINED, responded, match.decline_reason)
        if status in (MatchStatus.ACTIVE, MatchStatus.ENDED) and responded is not None:
            decide(req, vol, MatchDecisionKind.ACCEPTED, responded, by=vol.member.user)
            req.first_contact_on = min(today, responded + dt.timedelta(days=rng.randint(2, 8)))
            req.status = RequestStatus.MATCHED
            visits(match, vol, req.first_contact_on - dt.timedelta(days=1), ended or today,
                   req.contact)  # fmt: skip
        if status == MatchStatus.ENDED and ended:
            decide(req, vol, MatchDecisionKind.ENDED, ended, end_reason, by=by)
            req.status = RequestStatus.CLOSED
            req.closed_at = _at(ended)
            req.closed_reason = end_reason
        if status in (MatchStatus.INTRODUCED, MatchStatus.ACTIVE):
            vol.live += 1
        return match

    # --- Oswestry Compassionate Communities: befriending -----------------------------------
    gwen = b.vols[0].member
    # Waiting: from plans, GP referrals and a self-referral.
    for source, days in (
        (RequestSource.PLAN, 4), (RequestSource.PLAN, 9), (RequestSource.PLAN, 16),
        (RequestSource.REFERRAL, 6), (RequestSource.REFERRAL, 21), (RequestSource.SELF, 2),
    ):  # fmt: skip
        request(occ, source, days, contact=rng.choice([ContactMode.HOME_VISIT, ContactMode.PHONE]))
    # A declined introduction, still waiting for another volunteer.
    for days in (25, 40):
        req = request(occ, RequestSource.REFERRAL, days)
        vol = pick(RoleKind.BEFRIENDER, req.contact)
        if vol is not None:
            live_match(req, vol, created[-1] + dt.timedelta(days=5), status=MatchStatus.DECLINED,
                       by=coordinator)  # fmt: skip
    # Introduced, waiting for the volunteer (one for the befriender sign-in).
    for k, days in enumerate((3, 5, 8)):
        req = request(occ, RequestSource.PLAN if k else RequestSource.REFERRAL, days + 10)
        vol = pick(RoleKind.BEFRIENDER, req.contact, prefer=gwen if k == 0 else None)
        if vol is not None:
            live_match(req, vol, today - dt.timedelta(days=days), status=MatchStatus.INTRODUCED,
                       by=coordinator)  # fmt: skip
    # Active matches with visits and calls over weeks, some reviewed, some with a review due.
    active_specs = [(RequestSource.PLAN, 120), (RequestSource.REFERRAL, 60)]  # Gwen's first
    active_specs += [
        (rng.choice([RequestSource.PLAN, RequestSource.REFERRAL, RequestSource.SELF]),
         rng.randint(30, 400))
        for _ in range(16)
    ]  # fmt: skip
    caseless_active: Match | None = None
    for k, (source, days) in enumerate(active_specs):
        contact = ContactMode.HOME_VISIT if k < 2 else rng.choice(
            [ContactMode.HOME_VISIT, ContactMode.HOME_VISIT, ContactMode.MEET_OUT, ContactMode.PHONE]
        )  # fmt: skip
        req = request(occ, source, days, contact=contact)
        kind = RoleKind.TELEPHONE_BEFRIENDER if contact == ContactMode.PHONE else (
            RoleKind.BEFRIENDER
        )  # fmt: skip
        vol = pick(kind, contact, prefer=gwen if k == 0 else None)
        if vol is None:  # nobody free: it waits
            continue
        introduced = created[-1] + dt.timedelta(days=rng.randint(3, 25))
        match = live_match(req, vol, introduced, status=MatchStatus.ACTIVE, by=coordinator)
        weeks = int(getattr(settings, "LINKWELL_MATCH_REVIEW_WEEKS", 6))
        start = match.responded_at.date() if match.responded_at else introduced
        if k % 3 == 0 and (today - start).days > 7 * weeks:
            held = start + dt.timedelta(weeks=weeks)
            reviews.append(
                MatchReview(
                    uuid=b.uuid("review"),
                    match=match,
                    held_on=held,
                    recorded_by=coordinator,
                    how_it_is_going="Both enjoying the visits; talked about getting out to "
                    "the garden centre together.",
                    continues=True,
                    next_review_on=held + dt.timedelta(weeks=weeks * 2),
                )
            )
            match.review_on = held + dt.timedelta(weeks=weeks * 2)
        else:
            # A review due (overdue for some).
            match.review_on = start + dt.timedelta(weeks=weeks)
        if req.case_id is None and caseless_active is None and source == RequestSource.REFERRAL:
            caseless_active = match
    # Ended matches, with reasons.
    for k, reason in enumerate(END_REASONS):
        req = request(occ, RequestSource.PLAN if k % 2 else RequestSource.REFERRAL,
                      rng.randint(200, 500), contact=ContactMode.HOME_VISIT)  # fmt: skip
        candidates = [
            v for v in b.vols
            if v.active_since and RoleKind.BEFRIENDER in v.role_kinds
            and v.active_since < created[-1]
        ]  # fmt: skip
        vol = candidates[k % len(candidates)] if candidates else b.vols[0]
        introduced = created[-1] + dt.timedelta(days=rng.randint(5, 20))
        ended = min(
            today - dt.timedelta(days=3), introduced + dt.timedelta(days=rng.randint(60, 240))
        )
        live_match(req, vol, introduced, status=MatchStatus.ENDED, by=coordinator, ended=ended,
                   end_reason=reason)  # fmt: skip
    # A volunteer's concern on a request with no case: escalated to the coordinator.
    if caseless_active is not None:
        concern_vol = next(v for v in b.vols if v.member is caseless_active.member)
        activities.append(
            Activity(
                uuid=b.uuid("activity"),
                member=concern_vol.member,
                match=caseless_active,
                kind=ActivityKind.HOME_VISIT,
                happened_on=today - dt.timedelta(days=2),
                minutes=60,
                how_it_went="Short visit; not herself today.",
                concern="No food in the fridge and the heating off; says money is very tight "
                "this month and she has been skipping meals.",
                concern_lead=coordinator,
                recorded_by=concern_vol.member.user,
            )
        )
    # Time given outside matches: driving, courses, training.
    for vol in b.vols:
        if vol.status != RoleStatus.ACTIVE or vol.active_since is None:
            continue
        other = {
            RoleKind.DRIVER: ActivityKind.DRIVING,
            RoleKind.CO_FACILITATOR: ActivityKind.COURSE,
            RoleKind.WELLBEING_AMBASSADOR: ActivityKind.OTHER,
            RoleKind.PEER_SUPPORTER: ActivityKind.OTHER,
        }
        for kind, activity_kind in other.items():
            if kind not in vol.role_kinds:
                continue
            day = max(vol.active_since, today - dt.timedelta(days=300))
            while day <= today:
                activities.append(
                    Activity(
                        uuid=b.uuid("activity"),
                        member=vol.member,
                        kind=activity_kind,
                        happened_on=day,
                        minutes=rng.choice((60, 90, 120, 150)),
                    )
                )
                day += dt.timedelta(days=rng.choice((14, 21, 28)))
        activities.append(
            Activity(
                uuid=b.uuid("activity"),
                member=vol.member,
                kind=ActivityKind.TRAINING,
                happened_on=vol.active_since - dt.timedelta(days=10),
                minutes=180,
            )
        )

    # --- Connect and Do Shropshire: 12-week connector programmes ---------------------------
    goals_pool = (
        "Get to the Tuesday walking group on my own",
        "Try the community cafe at the library",
        "Join a choir again",
        "Catch the bus into Oswestry",
        "Volunteer at the allotment",
    )
    for k in range(5):
        req = request(cando, RequestSource.PLAN, rng.randint(20, 200),
                      role=SupportRole.CONNECTOR, contact=ContactMode.MEET_OUT)  # fmt: skip
        vol = pick(RoleKind.CONNECTOR, req.contact)
        if vol is None:
            continue
        introduced = created[-1] + dt.timedelta(days=rng.randint(5, 15))
        finished = k >= 3 and (today - introduced).days > 12 * 7 + 10
        goals = rng.sample(goals_pool, 3)
        match = live_match(
            req,
            vol,
            introduced,
            status=MatchStatus.ENDED if finished else MatchStatus.ACTIVE,
            by=connector_lead,
            ended=introduced + dt.timedelta(weeks=12, days=5) if finished else None,
            end_reason="Programme completed" if finished else "",
            goals=goals,
            programme_weeks=12,
        )
        if finished and match.programme_ends_on:
            reviews.append(
                MatchReview(
                    uuid=b.uuid("review"),
                    match=match,
                    held_on=match.programme_ends_on,
                    recorded_by=connector_lead,
                    how_it_is_going="Met two of three goals; growing in confidence.",
                    continues=False,
                    closing=True,
                    now_does="Goes to the walking group and the library cafe on their own "
                    "every week.",
                )
            )
        else:
            match.review_on = introduced + dt.timedelta(weeks=6)

    SupportRequest.objects.bulk_create(requests)
    for req, day in zip(requests, created, strict=True):
        req.created_at = _at(day, 10)
    SupportRequest.objects.bulk_update(requests, ["created_at"])
    Match.objects.bulk_create(matches)
    MatchReview.objects.bulk_create(reviews)
    MatchDecision.objects.bulk_create(decisions)
    for decision, day in zip(decisions, decision_days, strict=True):
        decision.decided_at = _at(day, 15)
    MatchDecision.objects.bulk_update(decisions, ["decided_at"])
    Activity.objects.bulk_create(activities)
    statuses = Counter(m.status for m in matches)
    return {
        "support_requests": len(requests),
        "matches": len(matches),
        "matches_active": statuses[MatchStatus.ACTIVE],
        "activities": len(activities),
    }


def reset() -> dict[str, int]:
    """Remove everything the demo's two volunteering organisations hold."""
    orgs = [o for o in _orgs() if o is not None]
    if not orgs:
        return {}
    members = CommunityMember.objects.filter(organisation__in=orgs)
    requests = SupportRequest.objects.filter(organisation__in=orgs)
    removed = {"volunteers": members.count(), "support_requests": requests.count()}
    Activity.objects.filter(member__in=members).delete()
    Activity.objects.filter(match__request__in=requests).delete()
    MatchDecision.objects.filter(request__in=requests).delete()
    Match.objects.filter(request__in=requests).delete()
    Match.objects.filter(member__in=members).delete()
    requests.delete()
    members.delete()
    VolunteerRole.objects.filter(organisation__in=orgs).delete()
    return removed
