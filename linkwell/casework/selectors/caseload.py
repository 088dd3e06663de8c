"""A worker's caseload: their open cases, the work of the day first.

The page lists one page of the caseload at a time, searched, filtered and sorted in the database
(`caseload_page`, which also counts the figures above the list); the practices it can be
filtered by (`caseload_practices`) take one more query, whatever the caseload's size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, User
from linkwell.casework.access import case_team_ids
from linkwell.casework.models import (
    Appointment,
    AppointmentOutcome,
    Case,
    CaseReferral,
    CaseStatus,
    Complexity,
    FollowUp,
    SafeguardingConcern,
    Urgency,
)
from linkwell.casework.selectors.case_search import person_search_q
from linkwell.casework.selectors.teams import managed_team_ids
from linkwell.people.models import Person
from linkwell.people.selectors import NO_POSTCODE, postcode_warning

CASES_PER_PAGE = 25
# "Due in the next 7 days" reaches this many days past today.
DUE_SOON_DAYS = 7


@dataclass
class CaseloadRow:
    case: Case
    referred_at: dt.datetime | None
    waiting_days: int | None
    urgency: str
    safeguarding: bool
    interpreter: bool
    follow_up_due: bool
    overdue_follow_ups: int
    next_follow_up_on: dt.date | None
    next_appointment_at: dt.datetime | None
    needs_contact_today: bool
    postcode_warning: str = ""

    @property
    def postcode_flag(self) -> str:
        """The row's short tag for `postcode_warning` (the full text is its tooltip)."""
        if self.postcode_warning == NO_POSTCODE:
            return "No postcode"
        return "Postcode not found" if self.postcode_warning else ""

    @property
    def is_new(self) -> bool:
        return self.case.status == CaseStatus.NEW


@dataclass
class Caseload:
    worker: User
    today: dt.date
    rows: list[CaseloadRow]

    @property
    def new(self) -> list[CaseloadRow]:
        return [r for r in self.rows if r.is_new]

    @property
    def contact_today(self) -> list[CaseloadRow]:
        return [r for r in self.rows if r.needs_contact_today]

    @property
    def overdue(self) -> list[CaseloadRow]:
        return [r for r in self.rows if r.overdue_follow_ups]


# --- what the caseload can be filtered and sorted by ----------------------------------------

# A caseload holds open cases only: dormant ones are not on it.
STATUS_CHOICES = [
    (value, label) for value, label in CaseStatus.choices if value != CaseStatus.DORMANT
]
NOT_ASSESSED = "none"
COMPLEXITY_CHOICES = [*Complexity.choices, (NOT_ASSESSED, "Not assessed")]
NO_PRACTICE = "none"

DUE_TODAY = "today"
DUE_OVERDUE = "overdue"
DUE_SOON = "week"
_BUILT_IN_DUE_CHOICES = [
    (DUE_TODAY, "To contact today (or before)"),
    (DUE_OVERDUE, "Overdue: contact or follow-up date passed"),
    (DUE_SOON, f"Contact or follow-up due in the next {DUE_SOON_DAYS} days"),
]

FLAG_SAFEGUARDING = "safeguarding"
FLAG_URGENT = "urgent"
FLAG_INTERPRETER = "interpreter"
FLAG_POSTCODE = "postcode"
FLAG_CHOICES = [
    (FLAG_SAFEGUARDING, "Safeguarding"),
    (FLAG_URGENT, "Urgent"),
    (FLAG_INTERPRETER, "Interpreter needed"),
    (FLAG_POSTCODE, "Postcode missing or not found"),
]

SORT_URGENT = "urgent"
SORT_WAITING = "waiting"
SORT_NEXT = "next"
SORT_NAME = "name"
SORT_CHOICES = [
    (SORT_URGENT, "Most urgent first"),
    (SORT_WAITING, "Longest waiting first"),
    (SORT_NEXT, "Next contact due first"),
    (SORT_NAME, "Name (A to Z)"),
]


@dataclass(frozen=True)
class DueFilter:
    """A "due" filter an app above casework adds to the caseload (outcome measures due):
    `case_ids(cases, today)` answers which of `cases` (already scoped) have something due, in a
    fixed number of queries."""

    value: str
    label: str
    case_ids: Callable[[QuerySet[Case], dt.date], Collection[int]]


_extra_due_filters: dict[str, DueFilter] = {}


def register_due_filter(due_filter: DueFilter) -> None:
    """Called from an app's `ready()`; registering the same value again replaces it."""
    _extra_due_filters[due_filter.value] = due_filter


def due_choices() -> list[tuple[str, str]]:
    return _BUILT_IN_DUE_CHOICES + [(f.value, f.label) for f in _extra_due_filters.values()]


@dataclass(frozen=True)
class CaseloadFilters:
    """What the caseload page was asked for, already validated (casework/caseload_forms.py):
    each field is "" (any) or one of the choices above; `practice` is a practice's UUID or
    `NO_PRACTICE`."""

    q: str = ""
    status: str = ""
    due: str = ""
    complexity: str = ""
    practice: str = ""
    flag: str = ""
    sort: str = SORT_URGENT

    @property
    def narrowed(self) -> bool:
        """Whether anything but the order was chosen (the list may be shorter than the load)."""
        return any((self.q, self.status, self.due, self.complexity, self.practice, self.flag))


# --- the queryset -----------------------------------------------------------------------------

_URGENCY_RANK: dict[str, int] = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


def _annotated_cases(team_ids: list[int], today: dt.date, now: dt.datetime) -> QuerySet[Case]:
    # A case's referrals, read through casework's own link table (referrals sit above casework).
    latest_referral = CaseReferral.objects.filter(case=OuterRef("pk")).order_by(
        "-referral__received_at"
    )
    open_follow_ups = FollowUp.objects.filter(case=OuterRef("pk"), completed_at__isnull=True)
    overdue_count = (
        open_follow_ups.filter(due_on__lt=today)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Case.objects.filter(link_worker_service_id__in=team_ids)
        .select_related("person", "assigned_to")
        .annotate(
            referred_at=Subquery(latest_referral.values("referral__received_at")[:1]),
            urgency=Subquery(latest_referral.values("referral__urgency")[:1]),
            referral_safeguarding=Exists(
                CaseReferral.objects.filter(
                    case=OuterRef("pk"), referral__safeguarding_concern=True
                )
            ),
            open_concern=Exists(
                SafeguardingConcern.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True)
            ),
            follow_up_due=Exists(open_follow_ups.filter(due_on__lte=today)),
            overdue_follow_ups=Coalesce(
                Subquery(overdue_count, output_field=IntegerField()), Value(0)
            ),
            next_follow_up_on=Subquery(open_follow_ups.order_by("due_on").values("due_on")[:1]),
            next_appointment_at=Subquery(
                Appointment.objects.filter(
                    case=OuterRef("pk"),
                    outcome=AppointmentOutcome.BOOKED,
                    starts_at__gte=now,
                )
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
        )
        .annotate(
            # What the filters and orders below read: each is one SQL expression per row.
            # `isnull=False` keeps these true or false, never NULL (which sorts apart).
            needs_contact=ExpressionWrapper(
                Q(follow_up_due=True)
                | Q(next_contact_due__isnull=False, next_contact_due__lte=today),
                output_field=BooleanField(),
            ),
            is_overdue=ExpressionWrapper(
                Q(overdue_follow_ups__gt=0)
                | Q(next_contact_due__isnull=False, next_contact_due__lt=today),
                output_field=BooleanField(),
            ),
            is_safeguarding=ExpressionWrapper(
                Q(referral_safeguarding=True) | Q(open_concern=True), output_field=BooleanField()
            ),
            urgency_rank=CaseWhen(
                *(When(urgency=value, then=Value(rank)) for value, rank in _URGENCY_RANK.items()),
                default=Value(len(_URGENCY_RANK)),
                output_field=IntegerField(),
            ),
            # The earlier of the next contact date and the oldest open follow-up.
            next_due=CaseWhen(
                When(next_contact_due__isnull=True, then=F("next_follow_up_on")),
                When(next_follow_up_on__isnull=True, then=F("next_contact_due")),
                When(next_contact_due__lte=F("next_follow_up_on"), then=F("next_contact_due")),
                default=F("next_follow_up_on"),
                output_field=DateField(),
            ),
            referred_on=Coalesce(F("referred_at"), F("opened_at"), output_field=DateTimeField()),
        )
        .annotate(
            # Still waiting for a first contact since the (latest) referral.
            still_waiting=ExpressionWrapper(
                Q(first_contact_at__isnull=True) | Q(first_contact_at__lt=F("referred_on")),
                output_field=BooleanField(),
            ),
            # The wait `_row` shows in days, to the second: until the first contact, or now.
            waiting=CaseWhen(
                When(
                    first_contact_at__gte=F("referred_on"),
                    then=ExpressionWrapper(
                        F("first_contact_at") - F("referred_on"), output_field=DurationField()
                    ),
                ),
                default=ExpressionWrapper(
                    Value(now, output_field=DateTimeField()) - F("referred_on"),
                    output_field=DurationField(),
                ),
                output_field=DurationField(),
            ),
        )
    )


def _ordering(sort: str) -> list[OrderBy | Any]:
    """Each order ends with the primary key, so pages never repeat or skip a case."""
    if sort == SORT_WAITING:
        return [F("still_waiting").desc(), F("waiting").desc(), "urgency_rank", "pk"]
    if sort == SORT_NEXT:
        return [F("next_due").asc(nulls_last=True), "urgency_rank", "pk"]
    if sort == SORT_NAME:
        return [Lower("person__family_name"), Lower("person__given_name"), "pk"]
    # The work of the day: cases needing contact, then by urgency, then by the longest wait.
    return [F("needs_contact").desc(), "urgency_rank", F("waiting").desc(), "pk"]


def caseload_cases(
    *,
    user: User,
    worker: User,
    today: dt.date,
    now: dt.datetime,
    team_ids: list[int] | None = None,
) -> QuerySet[Case]:
    """The open (not dormant) cases assigned to `worker` in the teams `user` works in, with the
    per-case figures the page shows, filters and sorts on (lazy: no query yet). `team_ids`:
    `case_team_ids(user)` when the caller has already read it (the page saves a query)."""
    if team_ids is None:
        team_ids = case_team_ids(user)
    return (
        _annotated_cases(team_ids, today, now)
        .filter(assigned_to=worker)
        .exclude(status=CaseStatus.DORMANT)
    )


def _row(case: Any, today: dt.date) -> CaseloadRow:
    referred_at = case.referred_at or case.opened_at
    waiting_days: int | None = None
    if referred_at is not None:
        # Waiting time since referral: until the first contact, or until today if none yet.
        end = (
            timezone.localdate(case.first_contact_at)
            if case.first_contact_at and case.first_contact_at >= referred_at
            else today
        )
        waiting_days = max(0, (end - timezone.localdate(referred_at)).days)
    follow_up_due = bool(case.follow_up_due)
    return CaseloadRow(
        case=case,
        referred_at=referred_at,
        waiting_days=waiting_days,
        urgency=case.urgency or "",
        safeguarding=bool(case.referral_safeguarding or case.open_concern),
        interpreter=bool(case.person.interpreter_needed),
        follow_up_due=follow_up_due,
        overdue_follow_ups=int(case.overdue_follow_ups or 0),
        next_follow_up_on=case.next_follow_up_on,
        next_appointment_at=case.next_appointment_at,
        needs_contact_today=follow_up_due
        or (case.next_contact_due is not None and case.next_contact_due <= today),
        postcode_warning=postcode_warning(case.person),
    )


def caseload_for_worker(
    *, user: User, worker: User, today: dt.date | None = None, now: dt.datetime | None = None
) -> Caseload:
    """The whole caseload of `worker` as seen by `user` (`caseload_cases`), in one query.

    Sorted so the work of the day comes first: cases needing contact, then by urgency, then by
    the longest wait (the page's default order).
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    cases = caseload_cases(user=user, worker=worker, today=today, now=now).order_by(
        *_ordering(SORT_URGENT)
    )
    return Caseload(worker=worker, today=today, rows=[_row(case, today) for case in cases])


# --- the page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadSummary:
    """The figures above the list, over the whole caseload (whatever is filtered), and how many
    cases the search and filters match."""

    open_cases: int
    new: int
    contact_today: int
    overdue: int
    matching: int


class _CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its count (read with the summary), so it does not query for it."""

    def __init__(self, object_list: QuerySet[Case], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def caseload_practices(cases: QuerySet[Case]) -> list[Organisation]:
    """The registered practices of the people on the caseload, by name (one query): what the
    practice filter offers."""
    return list(
        Organisation.objects.filter(
            pk__in=cases.order_by().values("person__registered_practice")
        ).order_by("name")
    )


def _unplaceable_postcodes(cases: QuerySet[Case]) -> list[str]:
    """The caseload's postcodes that `postcode_warning` flags (missing or not found). One query
    for the distinct postcodes; each is looked up once in the offline postcode data."""
    postcodes = cases.order_by().values_list("person__postcode", flat=True).distinct()
    # `postcode_warning` reads only the postcode: an unsaved record carries it.
    return [code for code in postcodes if postcode_warning(Person(postcode=code))]


def _filter_q(cases: QuerySet[Case], filters: CaseloadFilters, *, today: dt.date) -> Q:
    """The database filter for `filters` (values not among the choices are ignored)."""
    q = person_search_q(filters.q)
    if filters.status:
        q &= Q(status=filters.status)
    if filters.complexity:
        q &= Q(complexity="" if filters.complexity == NOT_ASSESSED else filters.complexity)
    if filters.practice == NO_PRACTICE:
        q &= Q(person__registered_practice__isnull=True)
    elif filters.practice:
        q &= Q(person__registered_practice__uuid=filters.practice)
    if filters.due == DUE_TODAY:
        q &= Q(needs_contact=True)
    elif filters.due == DUE_OVERDUE:
        q &= Q(is_overdue=True)
    elif filters.due == DUE_SOON:
        q &= Q(next_due__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    elif filters.due in _extra_due_filters:
        ids = _extra_due_filters[filters.due].case_ids(cases, today)
        q &= Q(pk__in=list(ids))
    if filters.flag == FLAG_SAFEGUARDING:
        q &= Q(is_safeguarding=True)
    elif filters.flag == FLAG_URGENT:
        q &= Q(urgency=Urgency.URGENT)
    elif filters.flag == FLAG_INTERPRETER:
        q &= Q(person__interpreter_needed=True)
    elif filters.flag == FLAG_POSTCODE:
        q &= Q(person__postcode__in=_unplaceable_postcodes(cases))
    return q


@dataclass
class CaseloadPage:
    """One page of the caseload. `rows` and `today` are what `{% caseload_measures_due %}`
    (outcomes_sections) reads, so the measures due are those of the cases listed."""

    filters: CaseloadFilters
    summary: CaseloadSummary
    page: Page[Case]
    today: dt.date
    rows: list[CaseloadRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.summary.matching


def caseload_summary(cases: QuerySet[Case], *, matching: Q | None = None) -> CaseloadSummary:
    """The caseload's figures (open, new, to contact today, overdue) in one query, and how many
    cases `matching` selects (all of them when None): the caseload page's header and the home
    page's "Your work today"."""
    figures = cases.order_by().aggregate(
        open_cases=Count("pk"),
        new=Count("pk", filter=Q(status=CaseStatus.NEW)),
        contact_today=Count("pk", filter=Q(needs_contact=True)),
        overdue=Count("pk", filter=Q(is_overdue=True)),
        matching=Count("pk", filter=matching) if matching else Count("pk"),
    )
    return CaseloadSummary(**{name: int(value or 0) for name, value in figures.items()})


def caseload_page(
    cases: QuerySet[Case],
    *,
    filters: CaseloadFilters,
    page_number: str | int | None,
    today: dt.date,
    per_page: int = CASES_PER_PAGE,
) -> CaseloadPage:
    """One page of `cases` (from `caseload_cases`), searched, filtered and sorted in the
    database, with the caseload's figures: two queries (the figures with the number matching,
    then the page), plus one for the postcode flag and those of a due filter from another app.
    A page number past the end gives the last page; one that is not a number, the first
    (Django's `Paginator.get_page`)."""
    q = _filter_q(cases, filters, today=today)
    summary = caseload_summary(cases, matching=q)
    ordered = cases.filter(q).order_by(*_ordering(filters.sort))
    page = _CountedPaginator(ordered, per_page, count=summary.matching).get_page(page_number)
    return CaseloadPage(
        filters=filters,
        summary=summary,
        page=page,
        today=today,
        rows=[_row(case, today) for case in page.object_list],
    )


def worker_visible_to(user: User, worker: User) -> bool:
    """A user sees their own caseload; a team manager also their team members' caseloads."""
    if worker.pk == user.pk:
        return True
    return Membership.objects.filter(
        user=worker, is_active=True, organisation_id__in=managed_team_ids(user)
    ).exists()


def has_caseload(user: User) -> bool:
    """Whether the Caseload page means anything to this user (a link-worker team member)."""
    return bool(case_team_ids(user))
