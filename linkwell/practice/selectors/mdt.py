"""The MDT list: who to discuss at a practice's next meeting, and why.

A person is *proposed* from recorded data when their case (in a team the user sees at the
practice, for someone registered there) carries at least one flag on the meeting's date:

- **safeguarding**: a safeguarding concern on the case not yet resolved;
- **not engaging**: the case is dormant; or no first contact `NO_CONTACT_DAYS` after it
  opened; or `DNA_COUNT` missed appointments in the last `RECENT_DAYS`, or the most recent
  past appointment missed;
- **rising risk**: the latest score of a measure is worse than the one before (the
  instrument's own direction), taken in the last `RECENT_DAYS`; or a measure's risk prompt
  (e.g. PHQ-9 item 9) in that time;
- **review due**: a review (follow-up) past its due date and not yet recorded, or the case's
  next contact more than `CONTACT_LATE_DAYS` late, today. A review or contact
  that is merely due before the meeting is the link worker's routine work, not the MDT's: counting
  it put nearly every open case on the list.

The list for a meeting is the people proposed now plus the people on its own entries (added by
hand, or already discussed at it). Someone discussed at an earlier meeting comes back only
while still flagged: an entry never carries over by itself. Each row shows when the person was
last discussed and what was agreed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from linkwell.accounts.models import Organisation
from linkwell.casework.models import (
    Appointment,
    AppointmentOutcome,
    Case,
    CaseStatus,
    FollowUp,
    SafeguardingConcern,
)
from linkwell.outcomes.engine import change_direction
from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.registry import UnknownInstrument, get_instrument
from linkwell.practice.models import MdtEntry, MdtMeeting, MdtReason

RECENT_DAYS = 90
NO_CONTACT_DAYS = 14
DNA_COUNT = 2
CONTACT_LATE_DAYS = 14


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    explanation: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "explanation": self.explanation}


@dataclass
class MdtRow:
    case: Case
    flags: list[Flag] = field(default_factory=list)
    entry: MdtEntry | None = None
    last_discussed: MdtEntry | None = None


def _d(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def practice_cases(*, practice: Organisation, team_ids: Iterable[int]) -> QuerySet[Case]:
    """The cases, in the given teams, of people registered at the practice."""
    return Case.objects.filter(
        person__registered_practice=practice,
        person__merged_into__isnull=True,
        link_worker_service_id__in=list(team_ids),
    ).select_related("person", "link_worker_service", "assigned_to")


def _flag(code: MdtReason, explanation: str) -> Flag:
    return Flag(str(code), str(code.label), explanation)


def case_flags(cases: list[Case], *, on: dt.date) -> dict[int, list[Flag]]:
    """Each case's flags on date `on`, in a fixed number of queries whatever the list's size."""
    ids = [c.pk for c in cases]
    today = timezone.localdate()
    since = min(on, today) - dt.timedelta(days=RECENT_DAYS)
    flags: dict[int, list[Flag]] = defaultdict(list)

    open_concerns: dict[int, list[dt.datetime]] = defaultdict(list)
    for case_id, created in SafeguardingConcern.objects.filter(
        case_id__in=ids, resolved_at__isnull=True
    ).values_list("case_id", "created_at"):
        open_concerns[case_id].append(created)
    for case_id, raised in open_concerns.items():
        first = min(raised)
        flags[case_id].append(
            _flag(
                MdtReason.SAFEGUARDING,
                f"{len(raised)} open safeguarding concern{'s' if len(raised) > 1 else ''}, "
                f"the first raised on {_d(timezone.localtime(first).date())}",
            )
        )

    appointments: dict[int, list[Appointment]] = defaultdict(list)
    for appt in Appointment.objects.filter(
        case_id__in=ids, starts_at__date__gte=since, starts_at__lte=timezone.now()
    ).order_by("starts_at"):
        appointments[appt.case_id].append(appt)

    for case in cases:
        engagement: list[str] = []
        if case.status == CaseStatus.DORMANT:
            engagement.append("the case is dormant")
        opened = timezone.localtime(case.opened_at).date()
        if case.first_contact_at is None and (on - opened).days >= NO_CONTACT_DAYS:
            engagement.append(f"no contact made since the case opened on {_d(opened)}")
        past = [a for a in appointments.get(case.pk, []) if a.outcome != AppointmentOutcome.BOOKED]
        missed = [a for a in past if a.outcome == AppointmentOutcome.DID_NOT_ATTEND]
        if len(missed) >= DNA_COUNT:
            engagement.append(f"{len(missed)} appointments missed in the last {RECENT_DAYS} days")
        elif past and past[-1].outcome == AppointmentOutcome.DID_NOT_ATTEND:
            when = timezone.localtime(past[-1].starts_at).date()
            engagement.append(f"missed the last appointment, on {_d(when)}")
        if engagement:
            text = "; ".join(engagement)
            flags[case.pk].append(_flag(MdtReason.NOT_ENGAGING, text[0].upper() + text[1:]))

    scores: dict[tuple[int, str], list[MeasureAdministration]] = defaultdict(list)
    for row in MeasureAdministration.objects.filter(case_id__in=ids).order_by(
        "administered_on", "created_at"
    ):
        scores[(row.case_id, row.instrument_id)].append(row)  # type: ignore[index]
    risk: dict[int, list[str]] = defaultdict(list)
    for (case_id, _instrument), rows in sorted(scores.items()):
        last = rows[-1]
        for row in rows:
            if row.alerts and row.administered_on >= since:
                risk[case_id].append(
                    f"{row.instrument_id.upper()} risk prompt on {_d(row.administered_on)}"
                )
        if len(rows) < 2 or last.administered_on < since:
            continue
        before = rows[-2]
        if last.score is None or before.score is None:
            continue
        try:
            instrument = get_instrument(last.instrument_id, last.instrument_version)
        except UnknownInstrument:
            continue
        if change_direction(instrument, before.score, last.score) < 0:
            risk[case_id].append(
                f"{instrument.short_title} worse: {before.score:g} on "
                f"{_d(before.administered_on)}, {last.score:g} on {_d(last.administered_on)}"
            )
    for case_id, lines in risk.items():
        flags[case_id].append(_flag(MdtReason.RISING_RISK, "; ".join(lines)))

    due: dict[int, list[str]] = defaultdict(list)
    for follow_up in FollowUp.objects.filter(
        case_id__in=ids, completed_at__isnull=True, due_on__lt=today
    ).order_by("due_on"):
        due[follow_up.case_id].append(
            f"{follow_up.get_kind_display()} due {_d(follow_up.due_on)} (overdue)"
        )
    contact_late_before = today - dt.timedelta(days=CONTACT_LATE_DAYS)
    for case in cases:
        if (
            case.next_contact_due
            and case.next_contact_due < contact_late_before
            and not due.get(case.pk)
        ):
            late = (today - case.next_contact_due).days
            due[case.pk].append(
                f"next contact was due {_d(case.next_contact_due)} ({late} days ago)"
            )
    for case_id, lines in due.items():
        text = "; ".join(lines)
        flags[case_id].append(_flag(MdtReason.REVIEW_DUE, text[0].upper() + text[1:]))
    return flags


def next_meeting(*, practice: Organisation) -> MdtMeeting | None:
    """The practice's next meeting: the earliest not yet held."""
    return (
        MdtMeeting.objects.filter(practice=practice, held_at__isnull=True)
        .order_by("meeting_on", "created_at")
        .first()
    )


def past_meetings(*, practice: Organisation) -> list[MdtMeeting]:
    return list(
        MdtMeeting.objects.filter(practice=practice, held_at__isnull=False).order_by(
            "-meeting_on", "-held_at"
        )[:10]
    )


def mdt_list(*, meeting: MdtMeeting, team_ids: Iterable[int]) -> list[MdtRow]:
    """The rows for `meeting`: people proposed from recorded data on the meeting's date (or
    today, if that is later) and the meeting's own entries; safeguarding first."""
    teams = list(team_ids)
    cases = list(practice_cases(practice=meeting.practice, team_ids=teams))
    on = max(meeting.meeting_on, timezone.localdate())
    flags = case_flags(cases, on=on) if not meeting.held_at else {}
    entries = {
        e.case_id: e
        for e in MdtEntry.objects.filter(meeting=meeting, case__link_worker_service_id__in=teams)
        .select_related("case", "case__person", "case__link_worker_service", "recorded_by")
        .order_by("created_at")
    }
    by_id = {c.pk: c for c in cases}
    rows: list[MdtRow] = []
    for case_id in list(entries) + [c for c in flags if c not in entries]:
        entry = entries.get(case_id)
        case = by_id.get(case_id) or (entry.case if entry else None)
        if case is None:
            continue
        rows.append(MdtRow(case=case, flags=flags.get(case_id, []), entry=entry))
    previous: dict[int, MdtEntry] = {}
    for entry in (
        MdtEntry.objects.filter(
            case_id__in=[r.case.pk for r in rows],
            discussed_at__isnull=False,
            meeting__practice=meeting.practice,
        )
        .exclude(meeting=meeting)
        .select_related("meeting")
        .order_by("discussed_at")
    ):
        previous[entry.case_id] = entry
    order = [str(r) for r in MdtReason]
    for row in rows:
        row.last_discussed = previous.get(row.case.pk)
    return sorted(rows, key=lambda row: (order.index(main_reason(row)), str(row.case.person)))


def main_reason(row: MdtRow) -> str:
    """The row's strongest reason (safeguarding first, added by hand last): the list is sorted
    and grouped by it."""
    order = [str(r) for r in MdtReason]
    codes = [f.code for f in row.flags] or [str(MdtReason.ADDED)]
    return min(codes, key=order.index)


def reason_groups(rows: list[MdtRow]) -> dict[str, tuple[str, int]]:
    """How many rows each reason leads, in the list's order: {code: (label, count)}."""
    counts: dict[str, int] = {}
    for row in rows:
        code = main_reason(row)
        counts[code] = counts.get(code, 0) + 1
    return {str(r): (str(r.label), counts[str(r)]) for r in MdtReason if str(r) in counts}


def meeting_entries(*, meeting: MdtMeeting, team_ids: Iterable[int]) -> list[MdtEntry]:
    """A held meeting's record: who was discussed and what was agreed."""
    return list(
        MdtEntry.objects.filter(meeting=meeting, case__link_worker_service_id__in=list(team_ids))
        .select_related("case", "case__person", "recorded_by")
        .order_by("case__person__family_name", "case__person__given_name")
    )
