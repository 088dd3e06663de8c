"""Fictional people for the demo: referrals from every source and cases in every state.

`build_people()` makes unsaved rows in memory (people, referrals, cases with their appointments,
notes, safeguarding concerns, wellbeing reviews, plans, follow-ups, connections to directory
services with attendance, gaps in provision and messages back); `write_people()` inserts them in
bulk, parents first. `linkwell demo` uses them for ~540 people (`people_load`), and
`benchmarks/caseload.py` for 10k open cases. Everything random comes from the `random.Random`
passed in and ids from `DemoIds`, so the same seed gives the same rows; dates are relative to
`today`, so the demo always looks current (some follow-ups due today, some overdue).

Nothing here identifies a real person: names are random pairs from common-name lists, NHS numbers
are in the 999 range NHS England reserves for testing (modulus-11 valid), phone numbers are
Ofcom's drama ranges and email addresses are under example.com.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any, TypeVar, cast

from django.db import connection, models
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.casework.models import (
    Action,
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    AssetKind,
    Case,
    CaseNote,
    CaseReferral,
    CaseStatus,
    Complexity,
    FollowUp,
    FollowUpKind,
    Goal,
    GoalStatus,
    LifeArea,
    MessageBack,
    Plan,
    SafeguardingConcern,
    Strength,
    WellbeingReview,
)
from linkwell.connections.models import (
    Attendance,
    Connection,
    ConnectionKind,
    ConnectionReason,
    ConnectionStatus,
    ProvisionGap,
)
from linkwell.demo import people_catalogue as cat
from linkwell.demo.directory import DemoIds
from linkwell.directory.models import ReferralMode, Service, ServiceStatus
from linkwell.people.models import CarerStatus, ContactMethod, Ethnicity, Person, Sex
from linkwell.referrals.models import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
    LinkWorkerCoverage,
    Referral,
    ReferralSource,
    ReferralStatus,
    Urgency,
)

T = TypeVar("T")

# What happens to each person's (latest) referral. "received" waits in the triage queue;
# "reopened" is a dormant case the person came back to (two referrals, the history kept).
OUTCOMES = (
    "received",
    "returned",
    "declined",
    *CaseStatus.values,
    "reopened",
)
DEMO_MIX: dict[str, float] = {
    "received": 7,
    "returned": 2,
    "declined": 2,
    CaseStatus.NEW: 7,
    CaseStatus.CONTACTED: 9,
    CaseStatus.REVIEW_BOOKED: 9,
    CaseStatus.ACTIVE: 24,
    CaseStatus.FOLLOW_UP: 20,
    CaseStatus.DORMANT: 14,
    "reopened": 6,
}
# Only open cases (and a triage queue): what a busy service's caseload pages carry.
OPEN_MIX: dict[str, float] = {
    "received": 4,
    CaseStatus.NEW: 8,
    CaseStatus.CONTACTED: 12,
    CaseStatus.REVIEW_BOOKED: 12,
    CaseStatus.ACTIVE: 36,
    CaseStatus.FOLLOW_UP: 28,
}
SOURCE_WEIGHTS: dict[str, float] = {
    ReferralSource.GP_PRACTICE: 44,
    ReferralSource.SELF: 12,
    ReferralSource.ADULT_SOCIAL_CARE: 8,
    ReferralSource.VCS: 7,
    ReferralSource.MENTAL_HEALTH: 6,
    ReferralSource.FIRE_SAFE_AND_WELL: 5,
    ReferralSource.HOUSING: 5,
    ReferralSource.HOSPITAL_DISCHARGE: 5,
    ReferralSource.PHARMACY: 4,
    ReferralSource.PROACTIVE: 2,
    ReferralSource.OTHER: 2,
}
REFERRER_NAMES: dict[str, str] = {
    ReferralSource.GP_PRACTICE: "Practice reception team",
    ReferralSource.ADULT_SOCIAL_CARE: "Social worker, north locality team",
    ReferralSource.FIRE_SAFE_AND_WELL: "Safe and Well technician",
    ReferralSource.MENTAL_HEALTH: "Community mental health team",
    ReferralSource.HOUSING: "Housing support officer",
    ReferralSource.VCS: "Community Action volunteer coordinator",
    ReferralSource.PHARMACY: "Community pharmacist",
    ReferralSource.HOSPITAL_DISCHARGE: "Hospital discharge team",
    ReferralSource.PROACTIVE: "Link worker (proactive call)",
    ReferralSource.OTHER: "Church pastoral visitor",
}
# (age from, age to, weight): people referred to social prescribing skew older.
AGE_BANDS = ((18, 24, 4), (25, 44, 14), (45, 64, 25), (65, 79, 34), (80, 97, 23))
OLDER_NEEDS = ("loneliness", "falls-risk", "bereavement", "long-term-condition", "memory-problems")
YOUNGER_NEEDS = ("money", "employment", "low-mood", "housing", "weight", "food-insecurity")
ANY_NEEDS = ("physical-inactivity", "pre-diabetes", "frequent-attendance", "digital-exclusion")
RESPOND_WITHIN_DAYS = 14  # about 10 working days (the default response window)


def nhs_check_digit(nine: str) -> int | None:
    """The modulus-11 check digit for the first nine digits, or None when none is valid (10)."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else None if check == 10 else check


def allocate(count: int, weights: Mapping[str, float], rng: Random) -> list[str]:
    """Exactly proportional labels (largest remainder), every label at least once when
    `count` allows, in random order: a seeded demo always has every state, however small."""
    total = sum(weights.values())
    raw = {k: count * w / total for k, w in weights.items()}
    counts = {k: max(1, int(v)) if count >= len(weights) else int(v) for k, v in raw.items()}
    by_remainder = sorted(weights, key=lambda k: raw[k] - int(raw[k]), reverse=True)
    i = 0
    while sum(counts.values()) < count:
        counts[by_remainder[i % len(by_remainder)]] += 1
        i += 1
    while sum(counts.values()) > count:
        largest = max(counts, key=lambda k: counts[k])
        counts[largest] -= 1
    labels = [k for k, n in counts.items() for _ in range(n)]
    rng.shuffle(labels)
    return labels


@dataclass(frozen=True)
class Team:
    """Who the generated people meet: the link-worker service and everyone around it."""

    service: Organisation
    link_workers: Sequence[User]
    manager: User | None
    practices: Mapping[str, Organisation]  # catalogue key ("gp1") -> GP practice
    # practice pk -> practice staff who refer through Linkwell (others phone or write in)
    referrers: Mapping[int, User] = field(default_factory=dict)
    agencies: Mapping[str, Organisation] = field(default_factory=dict)  # source -> organisation
    provider_staff: Mapping[int, User] = field(default_factory=dict)  # owner org pk -> staff
    # share of the cases each link worker holds (default: the first holds 40%, the rest split)
    weights: Sequence[float] = ()
    # practice pk -> the link workers covering it (triage allocates by practice cluster)
    coverage: Mapping[int, Sequence[User]] = field(default_factory=dict)


@dataclass
class PeopleRows:
    """Unsaved rows in dependency order (`write_people` saves them in this order)."""

    people: list[Person] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    referral_reasons: list[Any] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    case_referrals: list[CaseReferral] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    rebooked_appointments: list[Appointment] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)
    safeguarding_concerns: list[SafeguardingConcern] = field(default_factory=list)
    reviews: list[WellbeingReview] = field(default_factory=list)
    strengths: list[Strength] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    attendances: list[Attendance] = field(default_factory=list)
    provision_gaps: list[ProvisionGap] = field(default_factory=list)
    messages_back: list[MessageBack] = field(default_factory=list)
    # created_at is auto_now_add, so bulk_create stamps "now"; these get their real dates after.
    backdated: list[tuple[models.Model, dt.datetime]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        skip = {"backdated", "rebooked_appointments"}
        out = {n: len(getattr(self, n)) for n in self.__dataclass_fields__ if n not in skip}
        out["appointments"] += len(self.rebooked_appointments)
        return out


class PeopleBuilder:
    def __init__(
        self,
        *,
        rng: Random,
        today: dt.date,
        team: Team,
        services: Sequence[Service],
        featured: Sequence[Service],
        needs: Mapping[str, int],
        places: Mapping[str, Sequence[str]],
        ids: DemoIds,
        taken_nhs_numbers: set[str] | None = None,
    ) -> None:
        self.rng = rng
        self.today = today
        self.team = team
        self.referable = [
            s
            for s in services
            if s.referral_mode == ReferralMode.ACCEPTS_REFERRALS
            and s.status == ServiceStatus.ACTIVE
        ]
        self.signposts = [s for s in services if s.status == ServiceStatus.ACTIVE]
        self.featured = list(featured)
        self.needs = needs
        self.places = places
        self.ids = ids
        self.taken = taken_nhs_numbers if taken_nhs_numbers is not None else set()
        self.rows = PeopleRows()
        self.towns = [t for t in cat.TOWN_WEIGHTS if t in places]
        self.town_weights = [cat.TOWN_WEIGHTS[t] for t in self.towns]
        weights = list(team.weights) or (
            [1.0]
            if len(team.link_workers) == 1
            else [0.4] + [0.6 / (len(team.link_workers) - 1)] * (len(team.link_workers) - 1)
        )
        self.lw_weights = weights
        self.seen_statuses: set[str] = set()
        self.todays = 0  # reviews booked today for the first link worker

    # --- small helpers ----------------------------------------------------------------------

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def weighted(self, weights: Mapping[str, float]) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def at(self, day: dt.date, hour: int | None = None, minute: int | None = None) -> dt.datetime:
        hour = self.rng.randint(9, 16) if hour is None else hour
        minute = self.rng.choice((0, 15, 30, 45)) if minute is None else minute
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def past(self, day: dt.date) -> dt.date:
        return min(day, self.today)

    def nhs_number(self) -> str:
        while True:
            nine = f"999{self.rng.randrange(1_000_000):06d}"
            check = nhs_check_digit(nine)
            if check is not None and f"{nine}{check}" not in self.taken:
                self.taken.add(f"{nine}{check}")
                return f"{nine}{check}"

    def backdate(self, obj: models.Model, when: dt.datetime) -> None:
        self.rows.backdated.append((obj, when))

    # --- people -----------------------------------------------------------------------------

    def person(self) -> Person:
        rng = self.rng
        lo, hi, _ = rng.choices(AGE_BANDS, weights=[b[2] for b in AGE_BANDS])[0]
        dob = self.today - dt.timedelta(days=rng.randint(lo * 365 + 1, hi * 365 + 364))
        sex = self.weighted({Sex.FEMALE: 58, Sex.MALE: 40, Sex.OTHER: 1, Sex.UNKNOWN: 1})
        ethnicity = self.weighted(dict(cat.ETHNICITY_WEIGHTS))
        name_sex = sex if sex in (Sex.FEMALE, Sex.MALE) else self.pick((Sex.FEMALE, Sex.MALE))
        cohort = "old" if dob.year < 1960 else "mid" if dob.year < 1986 else "young"
        if ethnicity in cat.NAMES_BY_ETHNICITY:
            female, male, surnames = cat.NAMES_BY_ETHNICITY[ethnicity]
            given = self.pick(female if name_sex == Sex.FEMALE else male)
            family = self.pick(surnames)
        else:
            given = self.pick(cat.GIVEN_NAMES[(str(name_sex), cohort)])
            family = self.pick(cat.SURNAMES)
        town = rng.choices(self.towns, weights=self.town_weights)[0]
        practices = [self.team.practices[k] for k in cat.PRACTICE_BY_TOWN.get(town, ())]
        practices = [p for p in practices if p is not None] or list(self.team.practices.values())
        age = (self.today - dob).days // 365
        carer = self.weighted(
            {
                CarerStatus.NOT_A_CARER: 70,
                CarerStatus.CARER: 12,
                CarerStatus.CARED_FOR: 8 if age >= 65 else 1,
                CarerStatus.YOUNG_CARER: 4 if age < 25 else 0,
                CarerStatus.UNKNOWN: 9,
            }
        )
        method = self.weighted(
            {
                ContactMethod.PHONE: 60,
                ContactMethod.TEXT: 15 if age < 75 else 3,
                ContactMethod.EMAIL: 12 if age < 65 else 3,
                ContactMethod.LETTER: 8,
                ContactMethod.VIA_CARER: 6 if carer == CarerStatus.CARED_FOR else 0.5,
            }
        )
        n = len(self.rows.people)
        mobile = rng.random() < (0.85 if age < 70 else 0.45)
        phone = f"07700 900{rng.randrange(1000):03d}" if mobile else f"01632 960{n % 1000:03d}"
        language, interpreter = "English", False
        if ethnicity == Ethnicity.C and rng.random() < 0.4:
            language, interpreter = "Polish", rng.random() < 0.6
        elif town in ("Chirk", "Llanymynech", "Trefonen", "Weston Rhyn") and rng.random() < 0.15:
            language = "Welsh"
        elif rng.random() < 0.004:
            language, interpreter = "British Sign Language", True
        flat = rng.random() < 0.12
        person = Person(
            uuid=self.ids("person"),
            given_name=given,
            family_name=family,
            preferred_name=cat.PREFERRED.get(given, "") if rng.random() < 0.5 else "",
            date_of_birth=dob,
            nhs_number=self.nhs_number() if rng.random() < 0.92 else "",
            address_line_1=(
                f"Flat {rng.randint(1, 12)}, {self.pick(('Castle Court', 'Mill House'))}"
                if flat
                else f"{rng.randint(1, 140)} {self.pick(cat.STREETS)}"
            ),
            address_line_2=f"{rng.randint(1, 90)} {self.pick(cat.STREETS)}" if flat else "",
            town=town,
            postcode=self.pick(self.places[town]),
            phone=phone,
            email=(
                f"{given}.{family}{rng.randint(1, 99)}@example.com".lower().replace(" ", "")
                if method == ContactMethod.EMAIL or rng.random() < 0.2
                else ""
            ),
            preferred_contact_method=method,
            sex=sex,
            gender_identity="Non-binary" if sex == Sex.OTHER else "",
            ethnicity=ethnicity,
            carer_status=carer,
            registered_practice=self.pick(practices) if rng.random() < 0.98 else None,
            language=language,
            interpreter_needed=interpreter,
            accessibility_needs=(
                self.pick(cat.ACCESSIBILITY_NEEDS)
                if rng.random() < (0.25 if age >= 75 else 0.06)
                else ""
            ),
        )
        self.rows.people.append(person)
        return person

    def age(self, person: Person) -> int:
        return (self.today - person.date_of_birth).days // 365

    def need_codes(self, person: Person) -> list[str]:
        age = self.age(person)
        pool = list(ANY_NEEDS) + list(OLDER_NEEDS if age >= 65 else YOUNGER_NEEDS) * 3
        if person.carer_status in (CarerStatus.CARER, CarerStatus.YOUNG_CARER):
            pool += ["carer-strain"] * 6
        codes = []
        for _ in range(self.rng.choices((1, 2, 3), weights=(45, 40, 15))[0]):
            code = self.pick(pool)
            if code not in codes and code in self.needs:
                codes.append(code)
        return codes or [next(iter(self.needs))]

    # --- referrals --------------------------------------------------------------------------

    def referral(
        self, person: Person, source: str, received: dt.datetime, status: str
    ) -> tuple[Referral, list[str]]:
        rng = self.rng
        practice = person.registered_practice
        needs = self.need_codes(person)
        referrer = None
        organisation: Organisation | None = self.team.agencies.get(source)
        name = REFERRER_NAMES.get(source, "")
        contact = ""
        if source == ReferralSource.GP_PRACTICE and practice is not None:
            organisation = practice
            referrer = self.team.referrers.get(practice.pk)
            name = "" if referrer else name
        elif source == ReferralSource.SELF:
            name, contact = f"{person.given_name} {person.family_name}", person.phone
        elif source == ReferralSource.PROACTIVE:
            organisation = self.team.service
        details = " ".join(self.pick(cat.NEED_DETAILS[c]) for c in needs if c in cat.NEED_DETAILS)
        triaged = (
            received + dt.timedelta(hours=rng.randint(2, 40))
            if status != ReferralStatus.RECEIVED
            else None
        )
        safeguarding = rng.random() < 0.03
        consent_share = rng.random() < 0.85
        referral = Referral(
            uuid=self.ids("referral"),
            person=person,
            link_worker_service=self.team.service,
            source=source,
            referrer=referrer,
            referrer_organisation=organisation,
            referrer_name=name,
            referrer_contact=contact or (f"01632 960{rng.randrange(1000):03d}" if name else ""),
            details=details,
            urgency=self.weighted({Urgency.ROUTINE: 80, Urgency.SOON: 15, Urgency.URGENT: 5}),
            consent_to_contact=True,
            consent_to_share=consent_share,
            share_with="My GP practice and the services I am referred to" if consent_share else "",
            safeguarding_concern=safeguarding,
            safeguarding_details=self.pick(cat.SAFEGUARDING) if safeguarding else "",
            accessibility_needs=person.accessibility_needs,
            language_needs=(
                f"{person.language}{' (interpreter needed)' if person.interpreter_needed else ''}"
                if person.language != "English"
                else ""
            ),
            preferred_contact_method=person.preferred_contact_method,
            status=status,
            received_at=received,
            triaged_at=triaged,
            declined_at=triaged if status == ReferralStatus.DECLINED else None,
            declined_reason=(
                "Does not feel it is for them at the moment; knows they can come back."
                if status == ReferralStatus.DECLINED
                else ""
            ),
            returned_reason=(
                self.pick(
                    (
                        "Needs are mainly clinical: please refer to the community mental health "
                        "team, who can see them sooner.",
                        "Lives outside our area: please refer to the Telford service.",
                        "Under 18: please refer to the young people's service.",
                    )
                )
                if status == ReferralStatus.RETURNED
                else ""
            ),
            snomed_code=(
                SNOMED_SOCIAL_PRESCRIBING_DECLINED
                if status == ReferralStatus.DECLINED
                else SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING
                if status == ReferralStatus.ACCEPTED
                else ""
            ),
        )
        self.rows.referrals.append(referral)
        through = Referral.reasons.through
        for code in needs:
            self.rows.referral_reasons.append(
                through(referral=referral, taxonomyterm_id=self.needs[code])
            )
        return referral, needs

    # --- cases ------------------------------------------------------------------------------

    def case(self, person: Person, status: str, opened: dt.datetime, *, new: bool) -> Case:
        rng = self.rng
        unassigned = new and rng.random() < 0.15
        practice = person.registered_practice
        covering = self.team.coverage.get(practice.pk, ()) if practice is not None else ()
        if covering and rng.random() < 0.85:
            worker = self.pick(covering)
        else:
            worker = rng.choices(self.team.link_workers, weights=self.lw_weights)[0]
        case = Case(
            uuid=self.ids("case"),
            person=person,
            link_worker_service=self.team.service,
            assigned_to=None if unassigned else worker,
            status=status,
            complexity=(
                ""
                if new and rng.random() < 0.5
                else self.weighted(
                    {Complexity.SIMPLE: 40, Complexity.MODERATE: 40, Complexity.COMPLEX: 20}
                )
            ),
            opened_at=opened,
        )
        self.rows.cases.append(case)
        return case

    def link(self, case: Case, referral: Referral) -> None:
        self.rows.case_referrals.append(CaseReferral(case=case, referral=referral))

    def appointment(
        self,
        case: Case,
        kind: str,
        when: dt.datetime,
        outcome: str,
        *,
        rebooked_from: Appointment | None = None,
    ) -> Appointment:
        venue = {
            str(AppointmentKind.PHONE): "Phone",
            str(AppointmentKind.HOME_VISIT): "The person's home",
            str(AppointmentKind.GROUP_SESSION): "Coffee and chat, Oswestry Library",
        }.get(kind) or self.pick(cat.VENUES[:5])
        appointment = Appointment(
            uuid=self.ids("appointment"),
            case=case,
            kind=kind,
            with_user=case.assigned_to,
            starts_at=when,
            duration_minutes={
                str(AppointmentKind.WELLBEING_REVIEW): 45,
                AppointmentKind.PHONE: 15,
                AppointmentKind.HOME_VISIT: 60,
                AppointmentKind.GROUP_SESSION: 90,
            }.get(kind, 30),
            venue=venue,
            outcome=outcome,
            rebooked_from=rebooked_from,
            notes=(
                "Did not answer the door; card left."
                if outcome == AppointmentOutcome.DID_NOT_ATTEND
                else "Cancelled by the person: unwell."
                if outcome == AppointmentOutcome.CANCELLED
                else ""
            ),
        )
        (self.rows.rebooked_appointments if rebooked_from else self.rows.appointments).append(
            appointment
        )
        return appointment

    def booked(
        self, case: Case, kind: str, when: dt.datetime, *, shaky: float = 0.2
    ) -> Appointment:
        """An appointment; with chance `shaky`, a first one missed or cancelled and rebooked."""
        if self.rng.random() < shaky:
            first = when - dt.timedelta(days=self.rng.randint(5, 10))
            missed = self.appointment(
                case,
                kind,
                first,
                self.pick((AppointmentOutcome.DID_NOT_ATTEND, AppointmentOutcome.CANCELLED)),
            )
            return self.appointment(case, kind, when, self.outcome_for(when), rebooked_from=missed)
        return self.appointment(case, kind, when, self.outcome_for(when))

    def outcome_for(self, when: dt.datetime) -> str:
        return (
            AppointmentOutcome.ATTENDED if when.date() < self.today else AppointmentOutcome.BOOKED
        )

    def note(self, case: Case, when: dt.datetime, *, sensitive: bool = False) -> None:
        note = CaseNote(
            uuid=self.ids("note"),
            case=case,
            author=case.assigned_to,
            text=self.pick(cat.SENSITIVE_NOTES if sensitive else cat.NOTES),
            sensitive=sensitive,
        )
        self.rows.notes.append(note)
        self.backdate(note, when)

    def first_contact(self, case: Case, referral: Referral) -> dt.datetime:
        assert referral.triaged_at is not None
        when = self.at(
            self.past(referral.triaged_at.date() + dt.timedelta(days=self.rng.randint(0, 4)))
        )
        case.first_contact_at = when
        referral.first_contact_at = when
        self.appointment(case, AppointmentKind.PHONE, when, AppointmentOutcome.ATTENDED)
        self.note(case, when, sensitive=self.rng.random() < 0.08)
        if self.rng.random() < 0.02:
            self.concern(case, when)
        return when

    def concern(self, case: Case, when: dt.datetime) -> None:
        resolved = self.rng.random() < 0.5 and when.date() < self.ago(14)
        concern = SafeguardingConcern(
            uuid=self.ids("safeguarding"),
            case=case,
            raised_by=case.assigned_to,
            description=self.pick(cat.SAFEGUARDING),
            lead=self.team.manager,
            escalated_at=when + dt.timedelta(hours=2) if self.team.manager else None,
            resolved_at=when + dt.timedelta(days=10) if resolved else None,
            outcome=self.pick(cat.SAFEGUARDING_OUTCOMES) if resolved else "",
            resolved_by=self.team.manager if resolved else None,
        )
        self.rows.safeguarding_concerns.append(concern)
        self.backdate(concern, when)

    def review(self, case: Case, person: Person, needs: Sequence[str], held: dt.date) -> None:
        rng = self.rng
        kind = (
            AppointmentKind.HOME_VISIT
            if person.accessibility_needs and rng.random() < 0.6
            else AppointmentKind.WELLBEING_REVIEW
        )
        appointment = self.booked(case, kind, self.at(held), shaky=0.2)
        areas = rng.sample(LifeArea.values, rng.randint(3, 6))
        review = WellbeingReview(
            uuid=self.ids("review"),
            case=case,
            appointment=appointment,
            held_on=held,
            recorded_by=case.assigned_to,
            what_matters=" ".join(self.pick(cat.WHAT_MATTERS[c]) for c in needs[:2]),
            life_areas={
                a: {
                    "score": rng.randint(1, 8),
                    "priority": i < 2,
                    "notes": cat.LIFE_AREA_NOTES[a] if i < 2 else "",
                }
                for i, a in enumerate(areas)
            },
            five_ways={
                k: self.pick(v) for k, v in cat.FIVE_WAYS_TEXT.items() if rng.random() < 0.7
            },
            interests=", ".join(rng.sample(cat.STRENGTHS["personal"], 2)),
        )
        self.rows.reviews.append(review)
        kinds = rng.sample(AssetKind.values, rng.randint(2, 4))
        for kind_value in kinds:
            self.rows.strengths.append(
                Strength(
                    review=review,
                    kind=kind_value,
                    description=self.pick(cat.STRENGTHS[kind_value]),
                )
            )

    def plan(
        self, case: Case, needs: Sequence[str], agreed: dt.date, *, finished: bool
    ) -> list[Goal]:
        rng = self.rng
        plan = Plan(
            uuid=self.ids("plan"),
            case=case,
            agreed_on=agreed,
            moving_forward=(
                "Keep going to the group on Tuesdays; daughter to phone on Sundays; the library "
                "for the tablet drop-in. Ring the service any time things get harder."
                if finished
                else ""
            ),
        )
        self.rows.plans.append(plan)
        goals = []
        for code in needs[:3]:
            text, actions = cat.GOALS[code]
            status = (
                self.weighted({GoalStatus.ACHIEVED: 65, GoalStatus.CHANGED: 20, "in_progress": 15})
                if finished
                else self.weighted(
                    {GoalStatus.NOT_STARTED: 25, GoalStatus.IN_PROGRESS: 60, "achieved": 15}
                )
            )
            goal = Goal(
                uuid=self.ids("goal"),
                plan=plan,
                text=text,
                target_date=agreed + dt.timedelta(days=rng.choice((28, 42, 56, 91))),
                status=status,
            )
            goals.append(goal)
            self.rows.goals.append(goal)
            for action_text, owner in actions:
                due = agreed + dt.timedelta(days=rng.randint(7, 28))
                done = finished or (due < self.today and rng.random() < 0.7)
                self.rows.actions.append(
                    Action(
                        uuid=self.ids("action"),
                        plan=plan,
                        goal=goal,
                        text=action_text,
                        owner=owner,
                        due_on=due,
                        done_at=self.at(self.past(due)) if done else None,
                    )
                )
        return goals

    def follow_up(self, case: Case, kind: str, due: dt.date, *, done: bool) -> FollowUp | None:
        follow_up = FollowUp(
            uuid=self.ids("follow_up"),
            case=case,
            kind=kind,
            due_on=due,
            completed_at=(
                self.at(self.past(due + dt.timedelta(days=self.rng.randint(0, 6))))
                if done
                else None
            ),
            reminder_sent_at=(
                self.at(due - dt.timedelta(days=3))
                if due - dt.timedelta(days=3) <= self.today and not done
                else None
            ),
            notes="Going well; still attending the group." if done else "",
        )
        self.rows.follow_ups.append(follow_up)
        if done:
            assert follow_up.completed_at is not None
            self.appointment(
                case,
                self.pick((AppointmentKind.FOLLOW_UP, AppointmentKind.PHONE)),
                follow_up.completed_at,
                AppointmentOutcome.ATTENDED,
            )
            return None
        return follow_up

    def connections(
        self,
        case: Case,
        person: Person,
        referral: Referral,
        start: dt.date,
        statuses: Mapping[str, float],
        count: int,
    ) -> None:
        rng = self.rng
        for _ in range(count):
            if rng.random() < 0.25 or not self.referable:
                self.connection(case, person, referral, start, ConnectionStatus.COMPLETED, True)
                continue
            # Each status once before any repeats, so a demo of any size shows them all.
            unseen = [s for s in statuses if s not in self.seen_statuses]
            status = unseen[0] if unseen else self.weighted(statuses)
            self.seen_statuses.add(status)
            self.connection(case, person, referral, start, status, False)

    def connection(
        self,
        case: Case,
        person: Person,
        referral: Referral,
        start: dt.date,
        status: str,
        signpost: bool,
    ) -> None:
        rng = self.rng
        if signpost:
            service = self.pick(self.signposts)
        elif (
            self.featured
            and person.town in ("Oswestry", "Whittington", "Gobowen", "Pant")
            and (rng.random() < 0.35)
        ):
            service = self.pick(self.featured)
        else:
            service = self.pick(self.referable)
        created = self.past(start + dt.timedelta(days=rng.randint(0, 6)))
        if status == ConnectionStatus.REQUESTED:
            # Recent enough to be waiting; some past the response window (lapsed).
            created = max(created, self.ago(rng.randint(1, 20)))
        requested = self.at(created) if status != ConnectionStatus.DRAFT else None
        answered = status not in (
            ConnectionStatus.DRAFT,
            ConnectionStatus.REQUESTED,
            ConnectionStatus.CANCELLED,
        )
        responded = (
            self.at(self.past(created + dt.timedelta(days=rng.randint(1, 9))))
            if answered and not signpost
            else None
        )
        reasons: dict[str, tuple[str, ...]] = {
            ConnectionStatus.REJECTED: (
                ConnectionReason.NO_CAPACITY,
                ConnectionReason.NOT_ELIGIBLE,
            ),
            ConnectionStatus.FAILED: (
                ConnectionReason.COULD_NOT_CONTACT,
                ConnectionReason.NO_LONGER_INTERESTED,
                ConnectionReason.DID_NOT_ATTEND,
            ),
            ConnectionStatus.CANCELLED: (
                ConnectionReason.NO_LONGER_INTERESTED,
                ConnectionReason.OTHER,
            ),
        }
        reason = reasons.get(status)
        shared: dict[str, Any] = {
            "name": f"{person.preferred_name or person.given_name} {person.family_name}",
            "phone": person.phone,
            "preferred_contact_method": person.preferred_contact_method,
        }
        if referral.consent_to_share:
            shared.update(
                accessibility_needs=person.accessibility_needs,
                reason=", ".join(
                    c.replace("-", " ") for c in self.need_codes(person)[:2]
                ).capitalize(),
            )
        connection = Connection(
            uuid=self.ids("connection"),
            case=case,
            service=service,
            kind=ConnectionKind.SIGNPOST if signpost else ConnectionKind.REFERRAL,
            status=status,
            reason=self.pick(reason) if reason else "",
            reason_detail="The group is full until the spring." if status == "rejected" else "",
            shared={} if signpost else shared,
            created_by=case.assigned_to,
            requested_at=requested,
            respond_by=(
                created + dt.timedelta(days=RESPOND_WITHIN_DAYS)
                if requested and not signpost
                else None
            ),
            responded_at=responded,
            response_reminder_sent_at=(
                self.at(created + dt.timedelta(days=RESPOND_WITHIN_DAYS - 3))
                if status == ConnectionStatus.REQUESTED
                and created + dt.timedelta(days=RESPOND_WITHIN_DAYS - 3) <= self.today
                else None
            ),
            provider_note=(
                self.pick(cat.CONNECTION_NOTES)
                if responded and status in ("in-progress", "completed", "failed")
                else ""
            ),
        )
        self.rows.connections.append(connection)
        self.backdate(connection, self.at(created))
        if signpost or responded is None:
            return
        sessions = {
            ConnectionStatus.IN_PROGRESS: rng.randint(1, 8),
            ConnectionStatus.ON_HOLD: rng.randint(1, 3),
            ConnectionStatus.COMPLETED: rng.randint(5, 10),
            ConnectionStatus.FAILED: rng.randint(0, 2),
        }.get(ConnectionStatus(status), 0)
        staff = self.team.provider_staff.get(service.organization.owner_id or 0)
        day = responded.date() + dt.timedelta(days=rng.randint(3, 8))
        for _ in range(sessions):
            if day >= self.today:
                break
            self.rows.attendances.append(
                Attendance(
                    uuid=self.ids("attendance"),
                    connection=connection,
                    session_on=day,
                    attended=status != ConnectionStatus.FAILED and rng.random() < 0.88,
                    recorded_by=staff,
                )
            )
            day += dt.timedelta(days=7)

    def gap(self, case: Case, person: Person) -> None:
        code, description, who = self.pick(cat.GAPS)
        gap = ProvisionGap(
            uuid=self.ids("provision_gap"),
            case=case,
            need_id=self.needs.get(code),
            description=description,
            place=person.town,
            who=who,
            recorded_by=case.assigned_to,
            link_worker_service=self.team.service,
        )
        self.rows.provision_gaps.append(gap)

    def message(
        self,
        case: Case,
        person: Person,
        referral: Referral,
        stage: str,
        when: dt.datetime,
        needs: Sequence[str],
    ) -> None:
        recipients = [referral.referrer_organisation] if referral.referrer_organisation else []
        practice = person.registered_practice
        if practice is not None and referral.consent_to_share and practice not in recipients:
            recipients.append(practice)
        shared = referral.consent_to_share
        outcome = {
            MessageBack.Stage.SEEN: "The person has been seen for a wellbeing review.",
            MessageBack.Stage.PLAN_AGREED: "The person has agreed a personalised plan.",
            MessageBack.Stage.CONNECTED: "The person has been connected to community support.",
            MessageBack.Stage.OUTCOME: "Follow-up completed.",
            MessageBack.Stage.DECLINED: "The person declined social prescribing.",
        }[MessageBack.Stage(stage)]
        not_shared = ["Not shared: the person did not agree to share details of their support."]
        code = (
            SNOMED_SOCIAL_PRESCRIBING_DECLINED
            if stage == MessageBack.Stage.DECLINED
            else SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING
        )
        display = (
            "Social prescribing declined"
            if stage == MessageBack.Stage.DECLINED
            else "Referral to social prescribing service"
        )
        # Same shape as linkwell.casework.message_back.build_summary (the letter template).
        summary = {
            "stage": stage,
            "stage_label": str(MessageBack.Stage(stage).label),
            "written_on": when.date().isoformat(),
            "shared": shared,
            "person": {
                "name": f"{person.given_name} {person.family_name}",
                "date_of_birth": person.date_of_birth.isoformat(),
                "nhs_number": person.nhs_number,
                "postcode": person.postcode,
            },
            "link_worker_service": self.team.service.name,
            "link_worker": str(case.assigned_to or ""),
            "referral": {
                "received_on": referral.received_at.date().isoformat(),
                "source": referral.get_source_display(),
                "referrer": referral.referrer_name or str(referral.referrer or ""),
            },
            "sections": {
                "reason_for_referral": [", ".join(c.replace("-", " ") for c in needs).capitalize()],
                "what_matters": ([self.pick(cat.WHAT_MATTERS[needs[0]])] if shared else not_shared),
                "plan": [cat.GOALS[c][0] for c in needs[:3]] if shared else not_shared,
                "connections": [] if shared else not_shared,
                "outcome": [outcome],
                "next_steps": ["The link worker will stay in touch as agreed."],
            },
        }
        for organisation in recipients:
            message = MessageBack(
                uuid=self.ids("message_back"),
                case=case,
                referral=referral,
                recipient_organisation=organisation,
                stage=stage,
                summary=summary,
                snomed_codes=[
                    {"system": "http://snomed.info/sct", "code": code, "display": display}
                ],
            )
            self.rows.messages_back.append(message)
            self.backdate(message, when)

    # --- one journey per person -------------------------------------------------------------

    def journey(self, outcome: str, source: str) -> None:
        rng = self.rng
        person = self.person()
        if outcome in ("received", "returned", "declined"):
            days = rng.randint(0, 9) if outcome == "received" else rng.randint(5, 90)
            status = {
                "received": ReferralStatus.RECEIVED,
                "returned": ReferralStatus.RETURNED,
                "declined": ReferralStatus.DECLINED,
            }[outcome]
            self.referral(person, source, self.at(self.ago(days)), status)
            return
        if outcome == "reopened":
            self.reopened(person, source)
            return
        received_days = {
            CaseStatus.NEW: (0, 9),
            CaseStatus.CONTACTED: (6, 35),
            CaseStatus.REVIEW_BOOKED: (8, 40),
            CaseStatus.ACTIVE: (18, 55),
            CaseStatus.FOLLOW_UP: (75, 370),
            CaseStatus.DORMANT: (200, 700),
        }[CaseStatus(outcome)]
        received = self.at(self.ago(rng.randint(*received_days)))
        referral, needs = self.referral(person, source, received, ReferralStatus.ACCEPTED)
        assert referral.triaged_at is not None
        case = self.case(person, outcome, referral.triaged_at, new=outcome == CaseStatus.NEW)
        self.link(case, referral)
        self.episode(case, person, referral, needs, outcome)

    def episode(
        self, case: Case, person: Person, referral: Referral, needs: Sequence[str], status: str
    ) -> None:
        """Everything that happened in one referral episode, up to `status`."""
        rng = self.rng
        assert referral.triaged_at is not None
        triaged = referral.triaged_at.date()
        if status == CaseStatus.NEW:
            case.next_contact_due = triaged + dt.timedelta(days=2)
            return
        contacted = self.first_contact(case, referral)
        if status == CaseStatus.CONTACTED:
            case.next_contact_due = self.today + dt.timedelta(days=rng.randint(-3, 7))
            return
        if status == CaseStatus.REVIEW_BOOKED:
            day = self.today + dt.timedelta(days=rng.randint(0, 14))
            if case.assigned_to == self.team.link_workers[0] and self.todays < 3:
                # The demo link worker always has a few reviews booked for today.
                day, hour = self.today, (10, 11, 14)[self.todays]
                self.todays += 1
                self.booked(case, AppointmentKind.WELLBEING_REVIEW, self.at(day, hour, 0))
            else:
                self.booked(case, AppointmentKind.WELLBEING_REVIEW, self.at(day))
            case.next_contact_due = day
            return
        lost_touch = status == CaseStatus.DORMANT and rng.random() < 0.25
        if lost_touch:
            # Never reached the review: two missed appointments, then a letter. The case is kept,
            # dormant rather than closed, so the person can come back to it.
            day = self.past(contacted.date() + dt.timedelta(days=10))
            self.appointment(
                case,
                AppointmentKind.WELLBEING_REVIEW,
                self.at(day),
                AppointmentOutcome.DID_NOT_ATTEND,
            )
            self.note(case, self.at(day + dt.timedelta(days=12)))
            self.message(case, person, referral, MessageBack.Stage.DECLINED, self.at(day), needs)
            return
        held = min(contacted.date() + dt.timedelta(days=rng.randint(4, 14)), self.ago(1))
        self.review(case, person, needs, held)
        self.message(case, person, referral, MessageBack.Stage.SEEN, self.at(held, 17, 0), needs)
        finished = status == CaseStatus.DORMANT
        self.plan(case, needs, held, finished=finished)
        self.message(
            case, person, referral, MessageBack.Stage.PLAN_AGREED, self.at(held, 17, 5), needs
        )
        for _ in range(rng.randint(0, 2)):
            self.note(
                case,
                self.at(self.past(held + dt.timedelta(days=rng.randint(1, 30)))),
                sensitive=rng.random() < 0.08,
            )
        if rng.random() < 0.01:
            self.concern(case, self.at(held))
        connection_statuses = {
            CaseStatus.ACTIVE: {
                "requested": 30,
                "accepted": 18,
                "in-progress": 25,
                "draft": 8,
                "rejected": 7,
                "on-hold": 5,
                "cancelled": 4,
            },
            CaseStatus.FOLLOW_UP: {
                "in-progress": 35,
                "completed": 30,
                "failed": 10,
                "on-hold": 8,
                "rejected": 7,
                "cancelled": 5,
                "accepted": 5,
            },
            CaseStatus.DORMANT: {"completed": 60, "failed": 20, "cancelled": 10, "rejected": 10},
        }[CaseStatus(status)]
        count = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
        self.connections(case, person, referral, held, connection_statuses, count)
        self.message(
            case,
            person,
            referral,
            MessageBack.Stage.CONNECTED,
            self.at(self.past(held + dt.timedelta(days=7)), 17, 10),
            needs,
        )
        if status in (CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP) and rng.random() < 0.04:
            self.gap(case, person)
        four_weeks = held + dt.timedelta(days=28)
        if status == CaseStatus.ACTIVE:
            pending = self.follow_up(case, FollowUpKind.REVIEW_4_WEEKS, four_weeks, done=False)
            assert pending is not None
            case.next_contact_due = pending.due_on
            return
        self.follow_up(case, FollowUpKind.REVIEW_4_WEEKS, four_weeks, done=True)
        self.message(
            case,
            person,
            referral,
            MessageBack.Stage.OUTCOME,
            self.at(self.past(four_weeks + dt.timedelta(days=2)), 17, 15),
            needs,
        )
        if rng.random() < 0.15:
            self.appointment(
                case,
                AppointmentKind.GROUP_SESSION,
                self.at(self.past(held + dt.timedelta(days=21)), 10, 30),
                AppointmentOutcome.ATTENDED,
            )
        checkins = (
            (FollowUpKind.CHECK_IN_3_MONTHS, 91),
            (FollowUpKind.CHECK_IN_6_MONTHS, 182),
            (FollowUpKind.CHECK_IN_12_MONTHS, 365),
        )
        next_due: dt.date | None = None
        for kind, days in checkins:
            due = held + dt.timedelta(days=days)
            if finished:
                if due < self.today:
                    self.follow_up(case, kind, due, done=True)
                continue
            # Most check-ins more than a week past are done; the rest are due or overdue.
            done = due < self.ago(7) and rng.random() < 0.85
            pending = self.follow_up(case, kind, due, done=done)
            if pending is not None and next_due is None:
                next_due = pending.due_on
        if next_due is None and not finished:
            # Past the 12-month check-in but not let go yet: one more call agreed.
            pending = self.follow_up(
                case,
                FollowUpKind.OTHER,
                self.today + dt.timedelta(days=rng.randint(3, 40)),
                done=False,
            )
            assert pending is not None
            next_due = pending.due_on
        case.next_contact_due = next_due

    def reopened(self, person: Person, source: str) -> None:
        """A dormant case the person came back to: the old episode, then a new referral."""
        rng = self.rng
        old_received = self.at(self.ago(rng.randint(420, 720)))
        old, old_needs = self.referral(
            person,
            self.weighted(SOURCE_WEIGHTS),
            old_received,
            ReferralStatus.ACCEPTED,
        )
        assert old.triaged_at is not None
        status = self.pick((CaseStatus.CONTACTED, CaseStatus.REVIEW_BOOKED, CaseStatus.CONTACTED))
        case = self.case(person, CaseStatus.DORMANT, old.triaged_at, new=False)
        self.link(case, old)
        self.episode(case, person, old, old_needs, CaseStatus.DORMANT)
        new, new_needs = self.referral(
            person, source, self.at(self.ago(rng.randint(6, 30))), ReferralStatus.ACCEPTED
        )
        assert new.triaged_at is not None
        case.status = status
        case.reopened_at = new.triaged_at
        self.link(case, new)
        self.episode(case, person, new, new_needs, status)


def build_people(
    *,
    rng: Random,
    today: dt.date,
    count: int,
    team: Team,
    services: Sequence[Service],
    needs: Mapping[str, int],
    places: Mapping[str, Sequence[str]],
    ids: DemoIds,
    featured: Sequence[Service] = (),
    mix: Mapping[str, float] = DEMO_MIX,
    taken_nhs_numbers: set[str] | None = None,
) -> PeopleRows:
    """Rows for `count` people, one journey each, with outcomes in exactly the proportions of
    `mix` (keys from `OUTCOMES`) and referral sources in those of `SOURCE_WEIGHTS`.

    `services` are directory services (with `organization` loaded) to connect people to;
    `featured` ones (the demo provider's) get a good share of the referrals near them; `needs`
    maps Needs taxonomy term codes to pks; `places` maps town -> real postcodes."""
    builder = PeopleBuilder(
        rng=rng,
        today=today,
        team=team,
        services=services,
        featured=featured,
        needs=needs,
        places=places,
        ids=ids,
        taken_nhs_numbers=taken_nhs_numbers,
    )
    outcomes = allocate(count, mix, rng)
    sources = allocate(count, SOURCE_WEIGHTS, rng)
    for outcome, source in zip(outcomes, sources, strict=True):
        builder.journey(outcome, source)
    return builder.rows


def _save(model: type[models.Model], rows: Sequence[Any], batch_size: int) -> None:
    if rows:
        model._default_manager.bulk_create(rows, batch_size=batch_size)


def write_people(rows: PeopleRows, *, batch_size: int = 2000) -> dict[str, int]:
    """Insert every row in bulk, parents first, then backdate `created_at`. Call inside a
    transaction."""
    order: list[tuple[type[models.Model], Sequence[Any]]] = [
        (Person, rows.people),
        (Referral, rows.referrals),
        (Referral.reasons.through, rows.referral_reasons),
        (Case, rows.cases),
        (CaseReferral, rows.case_referrals),
        (Appointment, rows.appointments),
        (Appointment, rows.rebooked_appointments),
        (CaseNote, rows.notes),
        (SafeguardingConcern, rows.safeguarding_concerns),
        (WellbeingReview, rows.reviews),
        (Strength, rows.strengths),
        (Plan, rows.plans),
        (Goal, rows.goals),
        (Action, rows.actions),
        (FollowUp, rows.follow_ups),
        (Connection, rows.connections),
        (Attendance, rows.attendances),
        (ProvisionGap, rows.provision_gaps),
        (MessageBack, rows.messages_back),
    ]
    for model, objs in order:
        _save(model, objs, batch_size)
    by_model: dict[type[models.Model], list[tuple[Any, Any]]] = {}
    for obj, when in rows.backdated:
        field = cast(models.DateTimeField[Any, Any], obj._meta.get_field("created_at"))
        by_model.setdefault(type(obj), []).append(
            (field.get_db_prep_value(when, connection, prepared=False), obj.pk)
        )
    # One parameterised UPDATE per row, sent as a batch: a bulk_update's CASE expression costs
    # seconds here and this costs milliseconds.
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, params in by_model.items():
            pk = model._meta.pk
            assert pk is not None and pk.column is not None
            cursor.executemany(
                f"UPDATE {qn(model._meta.db_table)} SET {qn('created_at')} = %s WHERE "  # noqa: S608
                f"{qn(pk.column)} = %s",
                params,
            )
    return rows.counts()


def make_link_workers(
    *,
    service: Organisation,
    names: Sequence[tuple[str, str]],
    email_domain: str,
    password_hash: str,
    ids: DemoIds,
) -> list[User]:
    """Link workers (users with a link-worker membership of `service`), saved."""
    users = [
        User(
            uuid=ids("user"),
            email=f"{local}@{email_domain}",
            full_name=full_name,
            password=password_hash,
        )
        for local, full_name in names
    ]
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        [
            Membership(
                uuid=ids("membership"), user=user, organisation=service, role=Role.LINK_WORKER
            )
            for user in users
        ]
    )
    return users


def status_counts(rows: PeopleRows) -> Counter[str]:
    return Counter(c.status for c in rows.cases)


# --- the demo ---------------------------------------------------------------------------------

DEMO_PEOPLE = 540
# Ids of everything this module makes for the demo: demo_uuid("people/<kind>", n).
PEOPLE_ID_PREFIX = "people/"


def demo_people_uuids() -> list[Any]:
    ids = DemoIds(prefix=PEOPLE_ID_PREFIX)
    return [ids("person") for _ in range(DEMO_PEOPLE)]


def people_load(
    *,
    seed: int,
    today: dt.date,
    orgs: Mapping[str, Organisation],
    users_by_role: Mapping[str, User],
    places: Mapping[str, Sequence[str]],
    needs: Mapping[str, int],
    email_domain: str,
) -> dict[str, int]:
    """The demo's people, referrals and cases (call inside demo_load's transaction).

    Two more link workers join the demo one in the demo team; the demo GP receptionist's
    practice refers through Linkwell; the demo provider's services (`orgs["shed"]`) get
    referrals in their inbox."""
    ids = DemoIds(prefix=PEOPLE_ID_PREFIX)
    lead = users_by_role[Role.LINK_WORKER]
    colleagues = make_link_workers(
        service=orgs["lws"],
        names=cat.EXTRA_LINK_WORKERS,
        email_domain=email_domain,
        password_hash=lead.password,
        ids=ids,
    )
    referrer = users_by_role[Role.REFERRER]
    referrer_org = Membership.objects.get(user=referrer, role=Role.REFERRER).organisation
    services = list(
        Service.objects.select_related("organization").order_by("pk")
    )  # the demo directory, just written
    shed = orgs["shed"]
    # Practice clusters: the demo link worker covers the demo GP receptionist's practice, so
    # its referrals route to her team and triage suggests her.
    clusters = {"gp1": (lead,), "gp2": (lead, colleagues[0]), "gp3": (colleagues[0], colleagues[1])}
    clusters["gp4"] = (colleagues[1],)
    LinkWorkerCoverage.objects.bulk_create(
        LinkWorkerCoverage(link_worker_service=orgs["lws"], practice=orgs[key], link_worker=user)
        for key, users in clusters.items()
        for user in users
    )
    coverage = {orgs[key].pk: users for key, users in clusters.items()}
    team = Team(
        service=orgs["lws"],
        link_workers=[lead, *colleagues],
        manager=users_by_role.get(Role.TEAM_MANAGER),
        practices={k: orgs[k] for k in ("gp1", "gp2", "gp3", "gp4")},
        referrers={referrer_org.pk: referrer},
        agencies={
            ReferralSource.ADULT_SOCIAL_CARE: orgs["council"],
            ReferralSource.FIRE_SAFE_AND_WELL: orgs["fire"],
            ReferralSource.VCS: orgs["vcs_host"],
        },
        provider_staff={shed.pk: users_by_role[Role.PROVIDER_STAFF]},
        coverage=coverage,
    )
    rows = build_people(
        rng=Random(seed),
        today=today,
        count=DEMO_PEOPLE,
        team=team,
        services=services,
        featured=[s for s in services if s.organization.owner_id == shed.pk],
        needs=needs,
        places=places,
        ids=ids,
    )
    # In bulk, not through the casework/referrals/connections services: the demo's history is
    # backdated and in every state, which those services (each a step of today's workflow) cannot
    # make. Measured (SQLite, 12,082 rows): bulk 1.7 s; saved one by one, even without services
    # or audit rows, 4.8 s of a ~7 s load.
    counts = write_people(rows)
    counts["link_workers_added"] = len(colleagues)
    return counts


def people_reset(*, service: Organisation | None) -> dict[str, int]:
    """Remove the demo's people and everything about them, and whatever was since recorded for
    the demo link-worker `service` (referrals and cases made while trying the demo), so
    `linkwell demo --reset` works after people have used it."""
    people = set(Person.objects.filter(uuid__in=demo_people_uuids()).values_list("pk", flat=True))
    referrals = Referral.objects.filter(person__in=people)
    cases = Case.objects.filter(person__in=people)
    gaps = ProvisionGap.objects.filter(case__person__in=people)
    if service is not None:
        people |= set(
            Referral.objects.filter(link_worker_service=service).values_list("person", flat=True)
        )
        referrals = referrals | Referral.objects.filter(link_worker_service=service)
        cases = cases | Case.objects.filter(link_worker_service=service)
        gaps = gaps | ProvisionGap.objects.filter(link_worker_service=service)
    removed = {"provision_gaps": gaps.delete()[0], "cases": cases.count()}
    cases.delete()
    removed["referrals"] = referrals.count()
    referrals.delete()
    # People the demo made, or who came in through the demo service and are not known elsewhere.
    keep = set(Referral.objects.filter(person__in=people).values_list("person", flat=True))
    keep |= set(Case.objects.filter(person__in=people).values_list("person", flat=True))
    removed["people"] = Person.objects.filter(pk__in=people - keep).delete()[0]
    ids = DemoIds(prefix=PEOPLE_ID_PREFIX)
    removed["link_workers"] = User.objects.filter(
        uuid__in=[ids("user") for _ in cat.EXTRA_LINK_WORKERS]
    ).delete()[0]
    return removed
