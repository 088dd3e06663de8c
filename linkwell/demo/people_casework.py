"""Building one demo person's record: the person, referrals, the case and its casework."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from random import Random
from typing import Any

from django.db import models
from django.utils import timezone

from linkwell.accounts.models import Organisation
from linkwell.casework.models import (
    Action,
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    Case,
    CaseNote,
    CaseReferral,
    Complexity,
    FollowUp,
    Goal,
    GoalStatus,
    LifeArea,
    MessageBackLetter,
    Plan,
    SafeguardingConcern,
    Strength,
    StrengthKind,
    WellbeingReview,
)
from linkwell.demo import people_catalogue as cat
from linkwell.demo.directory import DemoIds
from linkwell.demo.people_rows import (
    AGE_BANDS,
    ANY_NEEDS,
    OLDER_NEEDS,
    REFERRER_NAMES,
    REFERRER_ROLES,
    YOUNGER_NEEDS,
    PeopleRows,
    T,
    Team,
    nhs_check_digit,
)
from linkwell.directory.models import ReferralMode, Service, ServiceStatus
from linkwell.people.models import CarerStatus, ContactMethod, Ethnicity, Person, Sex
from linkwell.referrals.models import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
    Referral,
    ReferralSource,
    ReferralStatus,
    Urgency,
)


class CaseworkBuilder:
    """The people, their referrals and cases, and the casework on a case (appointments, notes,
    concerns, reviews, plans, follow-ups). `PeopleBuilder` adds connections and journeys."""

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
        # (case uuid, recipient pk, day) -> that day's message-back letter (people_journeys).
        self.letters: dict[tuple[Any, Any, dt.date], MessageBackLetter] = {}
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
        referral_id = self.ids("referral")
        roles = REFERRER_ROLES.get(source, ("",))
        referral = Referral(
            uuid=referral_id,
            referrer_role=roles[referral_id.int % len(roles)],
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
        kinds = rng.sample(StrengthKind.values, rng.randint(2, 4))
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
