"""Building the demo people's journeys: connections to services, gaps in provision, messages
back, and each person's path through referral, case and review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from linkwell.casework.models import (
    AppointmentKind,
    AppointmentOutcome,
    Case,
    CaseStatus,
    FollowUpKind,
    MessageBack,
    MessageBackLetter,
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
from linkwell.demo.people_casework import CaseworkBuilder
from linkwell.demo.people_rows import (
    RESPOND_WITHIN_DAYS,
    SOURCE_WEIGHTS,
)
from linkwell.people.models import Person
from linkwell.referrals.models import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
    Referral,
    ReferralStatus,
)


class PeopleBuilder(CaseworkBuilder):
    """Makes every row for a demo population (see `people.build_people`)."""

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
            # As casework.message_back.message_back_record: the day's messages for one case and
            # recipient go into one letter.
            key = (case.uuid, organisation.pk, when.date())
            letter = self.letters.get(key)
            if letter is None:
                letter = MessageBackLetter(
                    uuid=self.ids("message_back_letter"),
                    case=case,
                    recipient_organisation=organisation,
                    written_on=when.date(),
                )
                self.letters[key] = letter
                self.rows.message_back_letters.append(letter)
                self.backdate(letter, when)
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
                letter=letter,
                written_on=when.date(),
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
