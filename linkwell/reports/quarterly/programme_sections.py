"""Report sections for the figures the programmes reported to their commissioners: goals
achieved (overall and at the 4-week review), practice staff satisfaction, patient experience,
first contact within the service's target, the mix of case complexity, referral rates per
1,000 registered patients by practice and referrals by the referring professional's role.

Like activity.py, each function takes the acting user, the `ReportFilter` and whether the user
may see raw figures, returns a `Section` of **published** tables, and issues a fixed number of
queries whatever the data.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.analysis.disclosure import (
    SUPPRESSED,
    is_small,
    publish_count,
    publish_shares,
    suppress_table,
)
from linkwell.analysis.filters import ReportFilter
from linkwell.casework.models import (
    Appointment,
    AppointmentOutcome,
    CaseNote,
    Complexity,
    FollowUp,
    FollowUpKind,
    Goal,
    GoalProgress,
    GoalStatus,
)
from linkwell.evidence.access import service_ids_for_evidence
from linkwell.evidence.models import PracticePopulation
from linkwell.evidence.selectors.common import scoped_cases, scoped_referrals
from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.registry import UnknownInstrument, get_instrument
from linkwell.referrals.models import ReferralSource, ReferralStatus, ReferrerRole
from linkwell.reports.quarterly.activity import (
    NOT_RECORDED,
    _count_table,
    _sorted_labels,
    date_q,
    period_q,
    published_table,
    published_value,
)
from linkwell.reports.quarterly.structure import Cell, Chart, Column, Section, Table
from linkwell.reports.stories import deidentify

STAFF_SURVEY = "staff-satisfaction"
PATIENT_EXPERIENCE = "patient-experience"
STAFF_GOOD_FROM = 6  # Halton reports the share of staff rating the service 6/10 or more
EXPERIENCE_GOOD_FROM = 4  # "Good" or "Very good"
COMMENT_KEY = "comment"  # a staff survey answer's comment, in MeasureAdministration.notes
COMMENT_MIN_PRACTICES = 3  # staff comments are shown only when this many practices answered


def share(part: int, whole: int, *, withheld: bool, unsuppressed: bool) -> Cell:
    """`part` as a percentage of `whole`, published as `publish_shares` does for the two-way
    split part / rest (withheld when either side is 1-7, or when the caller withholds the
    part's count), rounded to one place."""
    shown = publish_shares(
        [part, whole - part], withheld=[0] if withheld else [], unsuppressed=unsuppressed
    )[0]
    return round(shown, 1) if isinstance(shown, float) else shown


def _split_table(
    rows: Sequence[dict[str, Any]],
    *,
    label_key: str,
    yes: str,
    no: str,
    pct: str,
    unsuppressed: bool,
) -> list[dict[str, Cell]]:
    """Counts `yes`/`no` per row with their total (secondary suppression), and `pct` = the
    share of `yes` in each row, the total row included."""
    published = published_table(rows, [yes, no], label_key=label_key, unsuppressed=unsuppressed)
    raw = [*rows, {yes: sum(r[yes] for r in rows), no: sum(r[no] for r in rows)}]
    for out, r in zip(published, raw, strict=True):
        out[pct] = share(
            r[yes],
            r[yes] + r[no],
            withheld=out[yes] == SUPPRESSED or out[no] == SUPPRESSED,
            unsuppressed=unsuppressed,
        )
    return published


# --- Goals achieved ----------------------------------------------------------------------------


def goals_achieved_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """The share of goals achieved: of the goals set in the period (status now), and at the
    4-week reviews held in the period (each goal's status then), per service; and the people
    with at least one goal achieved at their 4-week review. 2 queries."""
    cases = scoped_cases(user=user, filters=filters)
    set_rows: dict[str, dict[str, int]] = defaultdict(lambda: {"achieved": 0, "other": 0})
    for g in (
        Goal.objects.filter(plan__case__in=cases)
        .filter(period_q("created_at", filters))
        .values("plan__case__link_worker_service__name", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = "achieved" if g["status"] == GoalStatus.ACHIEVED else "other"
        set_rows[g["plan__case__link_worker_service__name"]][key] += g["n"]
    review_rows: dict[str, dict[str, int]] = defaultdict(lambda: {"achieved": 0, "other": 0})
    people: dict[int, bool] = {}
    for service, case_id, status in (
        GoalProgress.objects.filter(
            follow_up__case__in=cases,
            follow_up__kind=FollowUpKind.REVIEW_4_WEEKS,
            follow_up__completed_at__isnull=False,
        )
        .filter(period_q("follow_up__completed_at", filters))
        .values_list("follow_up__case__link_worker_service__name", "follow_up__case_id", "status")
    ):
        achieved = status == GoalStatus.ACHIEVED
        review_rows[service]["achieved" if achieved else "other"] += 1
        people[case_id] = people.get(case_id, False) or achieved

    def by_service(counts: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
        return _sorted_labels([{"service": s, **v} for s, v in counts.items()], "service")

    columns = [
        Column("service", "Link-worker service", numeric=False),
        Column("achieved", "Achieved"),
        Column("other", "Not (yet) achieved"),
        Column("total", "Goals"),
        Column("pct", "% achieved"),
    ]
    goals_set = Table(
        id="goals-achieved",
        title="Goals set in the period: share achieved (status now)",
        columns=columns,
        rows=_split_table(
            by_service(set_rows),
            label_key="service",
            yes="achieved",
            no="other",
            pct="pct",
            unsuppressed=unsuppressed,
        ),
        chart=Chart("barh", "service", ("pct",), "% achieved"),
        note="Goals in people's plans created in the period, by their status when the report "
        "was made. Goals that were changed, or are not started or in progress, are 'not (yet) "
        "achieved'.",
    )
    at_review = Table(
        id="goals-achieved-4-week-review",
        title="Goals achieved at the 4-week review",
        columns=[*columns[:3], Column("total", "Goals reviewed"), columns[4]],
        rows=_split_table(
            by_service(review_rows),
            label_key="service",
            yes="achieved",
            no="other",
            pct="pct",
            unsuppressed=unsuppressed,
        ),
        chart=Chart("barh", "service", ("pct",), "% achieved"),
        note="Each goal's status as recorded at a 4-week review held in the period.",
    )
    n_people = len(people)
    n_with = sum(people.values())
    people_table = Table(
        id="people-achieving-a-goal-4-weeks",
        title="People who achieved a goal by their 4-week review",
        columns=[
            Column("measure", "People", numeric=False),
            Column("reviewed", "People reviewed"),
            Column("achieved", "Achieved at least one goal"),
            Column("pct", "% of people reviewed"),
        ],
        rows=[
            {
                "measure": "4-week reviews in the period",
                "reviewed": publish_count(n_people, unsuppressed=unsuppressed),
                "achieved": publish_count(n_with, unsuppressed=unsuppressed),
                "pct": share(n_with, n_people, withheld=False, unsuppressed=unsuppressed),
            }
        ],
        total_label="\0",
    )
    return Section(
        id="goals-achieved",
        title="Share of goals achieved",
        intro="The goals people set in their plans, and how many were achieved by the 4-week "
        "review.",
        tables=[goals_set, at_review, people_table],
    )


# --- Staff satisfaction and patient experience -------------------------------------------------


def _staff_surveys(user: User | AnonymousUser | None, filters: ReportFilter) -> Any:
    """Staff survey answers in the period: for the services the user may see, narrowed by the
    filter (practice = the practice whose staff answered; area = that practice's area, or the
    service's when no practice was recorded)."""
    qs = MeasureAdministration.objects.filter(instrument_id=STAFF_SURVEY, case__isnull=True)
    qs = qs.filter(date_q("administered_on", filters))
    services = service_ids_for_evidence(user=user)
    if services is not None:
        qs = qs.filter(organisation_id__in=services)
    if filters.service is not None:
        qs = qs.filter(organisation=filters.service)
    if filters.practice is not None:
        qs = qs.filter(respondent_organisation=filters.practice)
    if filters.area is not None:
        qs = qs.filter(
            Q(respondent_organisation__area=filters.area)
            | Q(respondent_organisation__isnull=True, organisation__area=filters.area)
        )
    return qs


def _rating(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else None


def staff_satisfaction_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Practice staff's 1-10 ratings of the service given in the period: the distribution, the
    respondents, mean and median, the share rating 6 or more, and their comments when enough
    staff answered that no comment points to a small group. 1 query."""
    answers = list(
        _staff_surveys(user, filters).values_list("score", "respondent_organisation_id", "notes")
    )
    ratings = [r for r in (_rating(a[0]) for a in answers) if r is not None and 1 <= r <= 10]
    n = len(ratings)
    practices = len({a[1] for a in answers if a[1] is not None})
    dist = published_table(
        [{"rating": f"Rated {k}", "staff": ratings.count(k)} for k in range(1, 11)],
        ["staff"],
        label_key="rating",
        unsuppressed=unsuppressed,
    )
    good = sum(1 for r in ratings if r >= STAFF_GOOD_FROM)
    summary = Table(
        id="staff-satisfaction",
        title="Practice staff satisfaction with the service (1 very poor to 10 excellent)",
        columns=[
            Column("measure", "Survey", numeric=False),
            Column("n", "Staff who answered"),
            Column("practices", "Practices"),
            Column("mean", "Mean rating"),
            Column("median", "Median rating"),
            Column("pct_good", "% rating 6 or more"),
        ],
        rows=[
            {
                "measure": "Staff satisfaction",
                "n": publish_count(n, unsuppressed=unsuppressed),
                "practices": publish_count(practices, unsuppressed=unsuppressed),
                "mean": published_value(
                    statistics.fmean(ratings) if n else None, n, unsuppressed=unsuppressed
                ),
                "median": published_value(
                    float(statistics.median(ratings)) if n else None, n, unsuppressed=unsuppressed
                ),
                "pct_good": share(good, n, withheld=False, unsuppressed=unsuppressed),
            }
        ],
        note="Anonymous answers to the practice staff survey recorded in the period.",
        total_label="\0",
    )
    distribution = Table(
        id="staff-satisfaction-ratings",
        title="Practice staff ratings of the service",
        columns=[Column("rating", "Rating", numeric=False), Column("staff", "Staff")],
        rows=dist,
        chart=Chart("bar", "rating", ("staff",), "Staff"),
    )
    # Comments are published only when the answers in scope are not a small group (and never
    # with their practice or rating); identifiers are removed as from stories.
    comments = [
        deidentify(str(notes.get(COMMENT_KEY, "")).strip(), names=[])
        for _score, _practice, notes in answers
        if isinstance(notes, dict) and str(notes.get(COMMENT_KEY, "")).strip()
    ]
    show_comments = unsuppressed or (
        n > 0 and not is_small(n) and practices >= COMMENT_MIN_PRACTICES
    )
    comment_table = Table(
        id="staff-satisfaction-comments",
        title="Practice staff comments",
        columns=[Column("comment", "Comment", numeric=False)],
        rows=[{"comment": c} for c in sorted(comments)] if show_comments else [],
        note=(
            "Shown without the practice or the rating."
            if show_comments
            else "Comments are shown only when at least 8 staff from at least "
            f"{COMMENT_MIN_PRACTICES} practices answered in the report's scope, so that none "
            "points to a small group."
            if comments
            else "No comments recorded."
        ),
        total_label="\0",
    )
    return Section(
        id="staff-satisfaction",
        title="Practice staff satisfaction",
        intro="How GP practice staff rate the social prescribing service (an anonymous survey).",
        tables=[summary, distribution, comment_table],
    )


def patient_experience_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """The patient experience survey taken in the period: for each question, the answers'
    distribution, n, mean, median and share "good" or "very good"; and the overall score. 1
    query. People's own words are published only as consented stories."""
    try:
        instrument = get_instrument(PATIENT_EXPERIENCE)
    except UnknownInstrument:
        return Section(id="patient-experience", title="Patient experience")
    items = [(i.id, i.label) for i in instrument.items]
    options = [(o.value, o.label) for o in instrument.items[0].options]
    rows = list(
        MeasureAdministration.objects.filter(
            instrument_id=PATIENT_EXPERIENCE, case__in=scoped_cases(user=user, filters=filters)
        )
        .filter(date_q("administered_on", filters))
        .values_list("answers", "score")
    )
    values: dict[str, list[int]] = {item: [] for item, _ in items}
    for answers, _score in rows:
        for item, _ in items:
            v = _rating((answers or {}).get(item))
            if v is not None and any(v == o for o, _ in options):
                values[item].append(v)
    scores = [float(s) for _a, s in rows if s is not None]
    keys = [f"a{o}" for o, _ in options]
    distribution = suppress_table(
        [
            {"question": label, **{f"a{o}": values[item].count(int(o)) for o, _ in options}}
            for item, label in items
        ],
        keys,
        total_row=False,
        label_key="question",
        unsuppressed=unsuppressed,
    )

    def summary_row(label: str, got: list[float], good: int | None) -> dict[str, Cell]:
        n = len(got)
        return {
            "question": label,
            "n": publish_count(n, unsuppressed=unsuppressed),
            "mean": published_value(
                statistics.fmean(got) if n else None, n, unsuppressed=unsuppressed
            ),
            "median": published_value(
                float(statistics.median(got)) if n else None, n, unsuppressed=unsuppressed
            ),
            "pct_good": ""
            if good is None
            else share(good, n, withheld=False, unsuppressed=unsuppressed),
        }

    summary = [
        summary_row(
            label,
            [float(v) for v in values[item]],
            sum(1 for v in values[item] if v >= EXPERIENCE_GOOD_FROM),
        )
        for item, label in items
    ]
    summary.append(summary_row("Overall score (mean of the answers)", scores, None))
    return Section(
        id="patient-experience",
        title="Patient experience",
        intro="What people said about the service in the patient experience survey "
        "(1 very poor to 5 very good). People's own words are not published here: they reach "
        "this report only as stories they consented to publish.",
        tables=[
            Table(
                id="patient-experience",
                title="Patient experience: n, mean, median and share good or very good",
                columns=[
                    Column("question", "Question", numeric=False),
                    Column("n", "People who answered"),
                    Column("mean", "Mean (1-5)"),
                    Column("median", "Median (1-5)"),
                    Column("pct_good", "% good or very good"),
                ],
                rows=summary,
                chart=Chart("barh", "question", ("pct_good",), "% good or very good"),
                note="Surveys taken in the period. The overall score is the survey's mean "
                "of each person's answers.",
                total_label="\0",
            ),
            Table(
                id="patient-experience-answers",
                title="Patient experience: answers to each question",
                columns=[Column("question", "Question", numeric=False)]
                + [Column(f"a{o}", str(label)) for o, label in options]
                + [Column("total", "Answers")],
                rows=distribution,
                chart=Chart("stacked", "question", tuple(keys), "People"),
                total_label="\0",
            ),
        ],
    )


# --- First contact within target --------------------------------------------------------------


def seen_within_target_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Referrals received in the period (not declined or returned) against their service's
    first-contact target: contacted within it, contacted later, not yet contacted and past it,
    not yet contacted and still within it. 1 query."""
    today = timezone.localdate()
    counts: dict[tuple[str, int], dict[str, int]] = defaultdict(
        lambda: {"within": 0, "late": 0, "overdue": 0, "pending": 0}
    )
    for service, target, received, contacted in (
        scoped_referrals(user=user, filters=filters)
        .exclude(status__in=[ReferralStatus.DECLINED, ReferralStatus.RETURNED])
        .values_list(
            "link_worker_service__name",
            "link_worker_service__first_contact_target_days",
            "received_at",
            "first_contact_at",
        )
    ):
        received_on = timezone.localdate(received)
        if contacted is not None and contacted >= received:
            days = (timezone.localdate(contacted) - received_on).days
            key = "within" if days <= target else "late"
        else:
            key = "overdue" if (today - received_on).days > target else "pending"
        counts[(service, target)][key] += 1
    raw = _sorted_labels(
        [{"service": s, "target": f"{t} days", **v} for (s, t), v in counts.items()], "service"
    )
    keys = ["within", "late", "overdue", "pending"]
    published = published_table(raw, keys, label_key="service", unsuppressed=unsuppressed)
    totals = {k: sum(r[k] for r in raw) for k in keys}
    for out, r in zip(published, [*raw, totals], strict=True):
        missed = r["late"] + r["overdue"]
        out["pct_within"] = share(
            r["within"],
            r["within"] + missed,
            withheld=SUPPRESSED in (out["within"], out["late"], out["overdue"]),
            unsuppressed=unsuppressed,
        )
        if "target" not in out:
            out["target"] = ""
    table = Table(
        id="seen-within-target",
        title="First contact within the service's target",
        columns=[
            Column("service", "Link-worker service", numeric=False),
            Column("target", "Target", numeric=False),
            Column("within", "Contacted within target"),
            Column("late", "Contacted after target"),
            Column("overdue", "Not yet contacted, past target"),
            Column("pending", "Not yet contacted, within target"),
            Column("total", "Referrals"),
            Column("pct_within", "% within target"),
        ],
        rows=published,
        chart=Chart("barh", "service", ("pct_within",), "% contacted within target"),
        note="Referrals received in the period that were not declined or returned. Days are "
        "counted on UK calendar dates from the day the referral was received to the first "
        "contact. The share is of referrals whose target has passed or who have been "
        "contacted; those still within target and not yet contacted are left out.",
    )
    return Section(
        id="seen-within-target",
        title="Seen within target",
        intro="Each link-worker service sets a target for the first contact with someone "
        "referred (7 days unless the service sets another).",
        tables=[table],
    )


# --- Complexity -------------------------------------------------------------------------------


def complexity_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Cases opened in the period by complexity (simple / moderate / complex), with the contacts
    and link-worker time each level took. Contacts = attended appointments + case notes +
    follow-ups held; time = the minutes recorded on attended appointments, and the days from
    opening to the last contact. 4 queries."""
    in_period = scoped_cases(user=user, filters=filters).filter(period_q("opened_at", filters))
    cases = list(in_period.values_list("id", "complexity", "opened_at"))
    ids = [c[0] for c in cases]
    # The children are narrowed by the same query as a subquery, not by a list of tens of
    # thousands of ids the driver would have to quote into each statement.
    wanted = in_period.order_by().values("pk")
    contacts: dict[int, int] = defaultdict(int)
    minutes: dict[int, int] = defaultdict(int)
    last: dict[int, Any] = {}

    def later(case_id: int, when: Any) -> None:
        if when is not None and (case_id not in last or when > last[case_id]):
            last[case_id] = when

    for case_id, n, mins, latest in (
        Appointment.objects.filter(case_id__in=wanted, outcome=AppointmentOutcome.ATTENDED)
        .values("case_id")
        .annotate(n=Count("id"), mins=Sum("duration_minutes"), latest=Max("starts_at"))
        .order_by()
        .values_list("case_id", "n", "mins", "latest")
    ):
        contacts[case_id] += n
        minutes[case_id] += mins or 0
        later(case_id, latest)
    for case_id, n, latest in (
        CaseNote.objects.filter(case_id__in=wanted)
        .values("case_id")
        .annotate(n=Count("id"), latest=Max("created_at"))
        .order_by()
        .values_list("case_id", "n", "latest")
    ):
        contacts[case_id] += n
        later(case_id, latest)
    for case_id, n, latest in (
        FollowUp.objects.filter(case_id__in=wanted, completed_at__isnull=False)
        .values("case_id")
        .annotate(n=Count("id"), latest=Max("completed_at"))
        .order_by()
        .values_list("case_id", "n", "latest")
    ):
        contacts[case_id] += n
        later(case_id, latest)
    levels = [(str(c.value), str(c.label)) for c in Complexity] + [("", NOT_RECORDED)]
    by_level: dict[str, list[int]] = {code: [] for code, _ in levels}
    for case_id, complexity, _opened in cases:
        by_level[complexity if complexity in by_level else ""].append(case_id)
    opened = {case_id: at for case_id, _c, at in cases}
    days: dict[int, float] = {}
    for case_id, at in opened.items():
        end = last.get(case_id)
        days[case_id] = (
            0.0
            if end is None or end < at
            else float((timezone.localdate(end) - timezone.localdate(at)).days)
        )

    def days_open(case_id: int) -> float:
        return days[case_id]

    counts = published_table(
        [{"level": label, "cases": len(by_level[code])} for code, label in levels],
        ["cases"],
        label_key="level",
        unsuppressed=unsuppressed,
    )
    groups = [by_level[code] for code, _ in levels] + [ids]
    for out, group in zip(counts, groups, strict=True):
        n = len(group)
        for key, values in (
            ("contacts", [float(contacts[c]) for c in group]),
            ("minutes", [float(minutes[c]) for c in group]),
            ("days", [days_open(c) for c in group]),
        ):
            out[f"mean_{key}"] = published_value(
                statistics.fmean(values) if n else None, n, unsuppressed=unsuppressed
            )
            out[f"median_{key}"] = published_value(
                float(statistics.median(values)) if n else None, n, unsuppressed=unsuppressed
            )
    shares = publish_shares(
        [len(g) for g in groups[:-1]],
        withheld=[i for i, r in enumerate(counts[:-1]) if r["cases"] == SUPPRESSED],
        unsuppressed=unsuppressed,
    )
    for out, pct in zip(counts, [*shares, None], strict=True):
        out["pct"] = round(pct, 1) if isinstance(pct, float) else ("" if pct is None else pct)
    table = Table(
        id="complexity-mix",
        title="Cases by complexity: the mix, and the contacts and time each level took",
        columns=[
            Column("level", "Complexity", numeric=False),
            Column("cases", "Cases"),
            Column("pct", "% of cases"),
            Column("mean_contacts", "Mean contacts"),
            Column("median_contacts", "Median contacts"),
            Column("mean_minutes", "Mean minutes"),
            Column("median_minutes", "Median minutes"),
            Column("mean_days", "Mean days to last contact"),
            Column("median_days", "Median days to last contact"),
        ],
        rows=counts,
        chart=Chart("barh", "level", ("mean_contacts",), "Mean contacts per case"),
        note="Cases opened in the period, by the complexity recorded at triage (simple: "
        "information and signposting; moderate: a home visit or further contact with referral "
        "on; complex: repeated contact and prolonged engagement). Contacts are attended "
        "appointments, case notes and follow-ups held, to the date of the report. Minutes are "
        "those recorded on attended appointments; days run from the case opening to its last "
        "contact (0 if none yet).",
    )
    return Section(
        id="complexity-mix",
        title="Complexity of cases",
        tables=[table],
    )


# --- Referral rates and referring professionals ------------------------------------------------


def list_sizes(filters: ReportFilter) -> dict[int, int]:
    """{practice id: registered patients} from the loaded population profiles (those the
    equity section uses): the total of the practice's age bands (everyone has an age), or,
    where none are loaded, the largest total of its other dimensions. 1 query."""
    profile = PracticePopulation.objects.all()
    if filters.practice is not None:
        profile = profile.filter(practice=filters.practice)
    if filters.area is not None:
        profile = profile.filter(practice__area=filters.area)
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    for practice_id, dimension, n in (
        profile.values("practice_id", "dimension")
        .annotate(n=Sum("count"))
        .order_by()
        .values_list("practice_id", "dimension", "n")
    ):
        totals[practice_id][dimension] = n or 0
    return {pid: dims.get("age_band", max(dims.values())) for pid, dims in totals.items() if dims}


def referral_rate_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Referrals received in the period per 1,000 registered patients of each practice (the
    person's registered practice), for practices with a loaded list size. 3 queries."""
    sizes = list_sizes(filters)
    names = {o.pk: (o.name, o.ods_code) for o in Organisation.objects.filter(pk__in=list(sizes))}
    got = dict(
        scoped_referrals(user=user, filters=filters)
        .filter(person__registered_practice_id__in=list(sizes))
        .values("person__registered_practice_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("person__registered_practice_id", "n")
    )
    raw: list[dict[str, Any]] = sorted(
        (
            {
                "practice": names[pid][0],
                "ods": names[pid][1],
                "referrals": got.get(pid, 0),
                "_size": sizes[pid],
            }
            for pid in sizes
            if pid in names
        ),
        key=lambda r: str(r["practice"]).lower(),
    )
    published = published_table(
        [{k: v for k, v in r.items() if k != "_size"} for r in raw],
        ["referrals"],
        label_key="practice",
        unsuppressed=unsuppressed,
    )
    total_size = sum(r["_size"] for r in raw)
    total: dict[str, Any] = {"referrals": sum(x["referrals"] for x in raw), "_size": total_size}
    for out, r in zip(
        published,
        [*raw, total],
        strict=True,
    ):
        size = r["_size"]
        out["list_size"] = publish_count(size, unsuppressed=unsuppressed)
        if "ods" not in out:
            out["ods"] = ""
        if out["referrals"] == SUPPRESSED:
            out["per_1000"] = SUPPRESSED
        elif not size:
            out["per_1000"] = None
        else:
            out["per_1000"] = round(1000 * r["referrals"] / size, 2)
    table = Table(
        id="referral-rate-per-1000",
        title="Referrals per 1,000 registered patients, by GP practice",
        columns=[
            Column("practice", "GP practice", numeric=False),
            Column("ods", "ODS code", numeric=False),
            Column("referrals", "Referrals"),
            Column("list_size", "Registered patients"),
            Column("per_1000", "Referrals per 1,000"),
        ],
        rows=published,
        chart=Chart("barh", "practice", ("per_1000",), "Referrals per 1,000 patients"),
        note="Referrals received in the period (not annualised) of people registered at each "
        "practice whose population profile is loaded; the list size is the practice's "
        "registered patients in that profile. A rate is withheld where its count is.",
    )
    return Section(
        id="referral-rate-per-1000",
        title="Referral rates by practice",
        tables=[table],
    )


def referrals_by_professional_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Referrals received in the period by the referring professional's role as recorded on
    the referral (every role a row, zeros included; self-referrals and none recorded last).
    1 query."""
    qs = scoped_referrals(user=user, filters=filters)
    # Grouped by role and source, so several groups (one per source) fall in one row: add
    # them up rather than keep the last.
    by_role: dict[str, int] = defaultdict(int)
    for role, source, n in (
        qs.values("referrer_role", "source")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("referrer_role", "source", "n")
    ):
        by_role["self" if source == ReferralSource.SELF and not role else role or ""] += n
    rows = [
        {"role": str(label), "referrals": by_role.get(value, 0)}
        for value, label in ReferrerRole.choices
    ]
    rows.append({"role": "Self-referral", "referrals": by_role.get("self", 0)})
    rows.append({"role": NOT_RECORDED, "referrals": by_role.get("", 0)})
    table = _count_table(
        id="referrals-by-professional",
        title="Referrals by the referring professional's role",
        label=Column("role", "Referred by", numeric=False),
        count=Column("referrals", "Referrals"),
        rows=rows,
        unsuppressed=unsuppressed,
        note="Referrals received in the period, by the role the referrer gave on the referral.",
    )
    return Section(
        id="referrals-by-professional",
        title="Referrals by referring professional",
        tables=[table],
    )
