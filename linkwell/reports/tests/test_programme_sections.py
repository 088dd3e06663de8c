"""The programme figures in the quarterly report (programme_sections.py): goals achieved, staff
satisfaction, patient experience, seen within target, complexity, referral rates per 1,000 and
referrals by professional, and `linkwell reports quarterly --format json`.

Each test writes its records from plain lists and works the right answer out from those lists
by arithmetic, never through the code under test; then checks the published (suppressed) form.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from linkwell.accounts.models import Area, Organisation, OrganisationKind
from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.analysis.filters import ReportFilter
from linkwell.audit.models import AuditEvent
from linkwell.casework.models import (
    Appointment,
    AppointmentOutcome,
    CaseNote,
    FollowUp,
    FollowUpKind,
    Goal,
    GoalProgress,
    GoalStatus,
    Plan,
)
from linkwell.evidence.models import PracticePopulation
from linkwell.evidence.tests.factories import at, journey
from linkwell.outcomes.models import CompletedBy, MeasureAdministration
from linkwell.referrals.models import ReferralSource
from linkwell.reports.quarterly import SECTIONS, build_report
from linkwell.reports.quarterly.structure import Report
from linkwell.reports.tests.factories import quarterly_records
from tests.personas import Personas

pytestmark = pytest.mark.django_db

Q1 = ReportFilter(start=dt.date(2025, 4, 1), end=dt.date(2025, 6, 30))
MAY = dt.date(2025, 5, 6)
ACH, IP, NS, CH = (
    GoalStatus.ACHIEVED,
    GoalStatus.IN_PROGRESS,
    GoalStatus.NOT_STARTED,
    GoalStatus.CHANGED,
)


def rows_of(report: Report, table_id: str, key: str) -> dict[str, dict[str, Any]]:
    table = report.table(table_id)
    assert table is not None, table_id
    return {str(r[key]): r for r in table.rows}


def r5(n: int) -> int | str:
    """The published form of a count, worked out by hand: * for 1-7, else to the nearest 5."""
    return SUPPRESSED if 1 <= n <= 7 else 5 * round(n / 5)


def build(personas: Personas, filters: ReportFilter = Q1, *, raw: bool) -> Report:
    return build_report(user=personas.admin, filters=filters, unsuppressed=raw)


def practice(name: str, area: Area) -> Organisation:
    return Organisation.objects.create(
        name=name, kind=OrganisationKind.GP_PRACTICE, area=area, ods_code=name[:6].upper()
    )


# --- Goals achieved ---------------------------------------------------------------------------

# Each person's goals, as they stand now; and each goal's status at the 4-week review.
GOALS_NOW = [[ACH, IP], [ACH], [NS], [ACH, ACH], [CH], [IP], [ACH], [NS, ACH], [IP], [ACH]]
AT_REVIEW = [[IP, IP], [ACH], [NS], [ACH, IP], [CH], [IP], [ACH], [NS, NS], [IP], [ACH]]


def test_goals_achieved_overall_and_at_the_4_week_review(personas: Personas) -> None:
    lws = personas.link_worker_service
    for goals_now, goals_then in zip(GOALS_NOW, AT_REVIEW, strict=True):
        j = journey(service=lws, received=MAY, practice=personas.practice)
        plan = Plan.objects.create(case=j.case)
        review = FollowUp.objects.create(
            case=j.case,
            kind=FollowUpKind.REVIEW_4_WEEKS,
            due_on=MAY + dt.timedelta(days=35),
            completed_at=at(MAY + dt.timedelta(days=35)),
        )
        # A later check-in and a 4-week review not yet held are not the 4-week review.
        later = FollowUp.objects.create(
            case=j.case,
            kind=FollowUpKind.CHECK_IN_3_MONTHS,
            due_on=MAY + dt.timedelta(days=40),
            completed_at=at(MAY + dt.timedelta(days=40)),
        )
        for status_now, status_then in zip(goals_now, goals_then, strict=True):
            goal = Goal.objects.create(plan=plan, text="A goal", status=status_now)
            Goal.objects.filter(pk=goal.pk).update(created_at=at(MAY + dt.timedelta(days=7)))
            GoalProgress.objects.create(
                follow_up=review, goal=goal, goal_text="A goal", status=status_then
            )
            GoalProgress.objects.create(follow_up=later, goal=goal, goal_text="A goal", status=ACH)
    # A goal set before the period is not counted.
    old = journey(service=lws, received=dt.date(2025, 2, 1), practice=personas.practice)
    goal = Goal.objects.create(plan=Plan.objects.create(case=old.case), text="Old", status=ACH)
    Goal.objects.filter(pk=goal.pk).update(created_at=at(dt.date(2025, 2, 3)))

    all_now = [s for goals in GOALS_NOW for s in goals]
    all_then = [s for goals in AT_REVIEW for s in goals]
    achieved_now, achieved_then = all_now.count(ACH), all_then.count(ACH)
    people_with = sum(1 for goals in AT_REVIEW if ACH in goals)
    assert (achieved_now, len(all_now), achieved_then, people_with) == (7, 13, 4, 4)

    report = build(personas, raw=True)
    now = rows_of(report, "goals-achieved", "service")[lws.name]
    assert (now["achieved"], now["other"], now["total"]) == (
        achieved_now,
        len(all_now) - achieved_now,
        len(all_now),
    )
    assert now["pct"] == pytest.approx(round(100 * achieved_now / len(all_now), 1))
    then = rows_of(report, "goals-achieved-4-week-review", "service")["Total"]
    assert (then["achieved"], then["total"]) == (achieved_then, len(all_then))
    assert then["pct"] == pytest.approx(round(100 * achieved_then / len(all_then), 1))
    people = report.table("people-achieving-a-goal-4-weeks")
    assert people is not None
    assert people.rows[0]["reviewed"] == len(AT_REVIEW)
    assert people.rows[0]["achieved"] == people_with
    assert people.rows[0]["pct"] == pytest.approx(round(100 * people_with / len(AT_REVIEW), 1))

    published = build(personas, raw=False)
    now = rows_of(published, "goals-achieved", "service")[lws.name]
    # 7 achieved and 6 not are withheld, and with them the share.
    assert now["achieved"] == SUPPRESSED and now["other"] == SUPPRESSED
    assert now["total"] == r5(len(all_now)) and now["pct"] == SUPPRESSED
    people = published.table("people-achieving-a-goal-4-weeks")
    assert people is not None
    assert people.rows[0]["reviewed"] == r5(len(AT_REVIEW))
    assert people.rows[0]["achieved"] == SUPPRESSED and people.rows[0]["pct"] == SUPPRESSED


# --- Staff satisfaction -------------------------------------------------------------------------

STAFF = {
    "Ash Surgery": [(8, "Quick to respond"), (9, ""), (6, ""), (10, "Patients love it"), (5, "")],
    "Birch Practice": [(7, ""), (7, "Call 07700 900123 for feedback"), (3, "")],
    "Cedar Medical": [(9, ""), (8, "")],
}


def _staff_answers(personas: Personas) -> dict[str, Organisation]:
    practices = {name: practice(name, personas.area) for name in STAFF}
    for name, answers in STAFF.items():
        for rating, comment in answers:
            MeasureAdministration.objects.create(
                case=None,
                organisation=personas.link_worker_service,
                respondent_organisation=practices[name],
                instrument_id="staff-satisfaction",
                instrument_version="1",
                administered_on=dt.date(2025, 6, 10),
                answers={"satisfaction": rating},
                raw=rating,
                score=rating,
                completed_by=CompletedBy.STAFF,
                notes={"comment": comment} if comment else {},
            )
    # A survey after the period is not counted.
    MeasureAdministration.objects.create(
        case=None,
        organisation=personas.link_worker_service,
        respondent_organisation=practices["Ash Surgery"],
        instrument_id="staff-satisfaction",
        instrument_version="1",
        administered_on=dt.date(2025, 7, 2),
        answers={"satisfaction": 1},
        raw=1,
        score=1,
        completed_by=CompletedBy.STAFF,
        notes={"comment": "Outside the period"},
    )
    return practices


def test_staff_satisfaction_distribution_mean_median_share_and_comments(
    personas: Personas,
) -> None:
    practices = _staff_answers(personas)
    ratings = [r for answers in STAFF.values() for r, _ in answers]
    good = sum(1 for r in ratings if r >= 6)
    report = build(personas, raw=True)
    summary = report.table("staff-satisfaction")
    assert summary is not None
    row = summary.rows[0]
    assert row["n"] == len(ratings) == 10 and row["practices"] == 3
    assert row["mean"] == pytest.approx(round(sum(ratings) / len(ratings), 1))
    assert row["median"] == pytest.approx(float(statistics.median(ratings)))
    assert row["pct_good"] == pytest.approx(round(100 * good / len(ratings), 1))
    dist = rows_of(report, "staff-satisfaction-ratings", "rating")
    for k in range(1, 11):
        assert dist[f"Rated {k}"]["staff"] == ratings.count(k)

    published = build(personas, raw=False)
    row = published.table("staff-satisfaction").rows[0]  # type: ignore[union-attr]
    assert row["n"] == r5(len(ratings))
    assert row["mean"] == pytest.approx(round(sum(ratings) / len(ratings), 1))  # n = 10
    # 8 of 10 rate 6 or more: the 2 below would be given back by the share, so it is withheld.
    assert row["pct_good"] == SUPPRESSED
    dist = rows_of(published, "staff-satisfaction-ratings", "rating")
    assert all(dist[f"Rated {k}"]["staff"] in (0, SUPPRESSED) for k in range(1, 11))
    comments = [r["comment"] for r in published.table("staff-satisfaction-comments").rows]  # type: ignore[union-attr]
    assert "Quick to respond" in comments and "Patients love it" in comments
    assert "Outside the period" not in comments
    assert not any("07700" in str(c) for c in comments)  # identifiers are removed
    assert all(set(r) == {"comment"} for r in published.table("staff-satisfaction-comments").rows)  # type: ignore[union-attr]

    # One practice is a small group: no comments, the count and the mean are withheld.
    one = build(
        personas,
        ReportFilter(start=Q1.start, end=Q1.end, practice=practices["Ash Surgery"]),
        raw=False,
    )
    assert one.table("staff-satisfaction-comments").rows == []  # type: ignore[union-attr]
    row = one.table("staff-satisfaction").rows[0]  # type: ignore[union-attr]
    assert row["n"] == SUPPRESSED and row["mean"] == SUPPRESSED and row["median"] == SUPPRESSED


# --- Patient experience -------------------------------------------------------------------------

EXPERIENCE: list[dict[str, int | None]] = [
    {"overall": 5, "listened": 5, "connected": 4},
    {"overall": 4, "listened": 5, "connected": 3},
    {"overall": 5, "listened": 4, "connected": 5},
    {"overall": 2, "listened": 3, "connected": 2},
    {"overall": 4, "listened": 4, "connected": 4},
    {"overall": 5, "listened": 5, "connected": None},
    {"overall": 3, "listened": 4, "connected": 4},
    {"overall": 4, "listened": 5, "connected": 5},
    {"overall": 5, "listened": 5, "connected": 4},
]


def test_patient_experience_per_question_and_overall(personas: Personas) -> None:
    for answers in EXPERIENCE:
        j = journey(service=personas.link_worker_service, received=MAY, practice=personas.practice)
        given = [v for v in answers.values() if v is not None]
        MeasureAdministration.objects.create(
            case=j.case,
            organisation=j.case.link_worker_service,
            instrument_id="patient-experience",
            instrument_version="1",
            administered_on=dt.date(2025, 6, 20),
            answers=answers,
            score=round(sum(given) / len(given), 2),
            completed_by=CompletedBy.SELF,
        )
    report = build(personas, raw=True)
    summary = rows_of(report, "patient-experience", "question")
    answers_table = rows_of(report, "patient-experience-answers", "question")
    for item, label in (
        ("overall", "Overall experience"),
        ("listened", "Listened to"),
        ("connected", "Help to connect"),
    ):
        values = [v for a in EXPERIENCE if (v := a[item]) is not None]
        good = sum(1 for v in values if v >= 4)
        assert summary[label]["n"] == len(values)
        assert summary[label]["mean"] == pytest.approx(round(sum(values) / len(values), 1))
        assert summary[label]["median"] == pytest.approx(float(statistics.median(values)))
        assert summary[label]["pct_good"] == pytest.approx(round(100 * good / len(values), 1))
        for v in range(1, 6):
            assert answers_table[label][f"a{v}"] == values.count(v)
    scores = []
    for a in EXPERIENCE:
        given = [v for v in a.values() if v is not None]
        scores.append(round(sum(given) / len(given), 2))
    overall = summary["Overall score (mean of the answers)"]
    assert overall["n"] == len(EXPERIENCE)
    assert overall["mean"] == pytest.approx(round(sum(scores) / len(scores), 1))

    published = build(personas, raw=False)
    summary = rows_of(published, "patient-experience", "question")
    # "Help to connect" has 8 answers (mean shown), 6 good and 2 not: the share is withheld.
    assert summary["Help to connect"]["n"] == r5(8)
    assert summary["Help to connect"]["mean"] == pytest.approx(round(31 / 8, 1))
    assert summary["Help to connect"]["pct_good"] == SUPPRESSED
    for row in rows_of(published, "patient-experience-answers", "question").values():
        assert all(row[f"a{v}"] in (0, SUPPRESSED) or row[f"a{v}"] % 5 == 0 for v in range(1, 6))


# --- Seen within target ----------------------------------------------------------------------------

# (days from referral to first contact, or None: not yet) per service; the main team's target
# is the default 7 days, the other team's 14.
CONTACTS = {
    "main": [1, 2, 3, 7, 7, 8, 10, None, 4, 6, 5, 2, None],
    "other": [10, 14, 15, 3, None, 9, 13, 12, 11],
}


def test_the_share_seen_within_each_services_target(personas: Personas) -> None:
    teams = {"main": personas.link_worker_service, "other": personas.other_team}
    personas.other_team.first_contact_target_days = 14
    personas.other_team.save(update_fields=["first_contact_target_days"])
    targets = {"main": 7, "other": 14}
    for key, days in CONTACTS.items():
        for d in days:
            j = journey(service=teams[key], received=MAY, practice=personas.practice)
            if d is not None:
                j.referral.first_contact_at = at(MAY + dt.timedelta(days=d), hour=15)
                j.referral.save(update_fields=["first_contact_at"])
    # Returned referrals are left out.
    gone = journey(service=teams["main"], received=MAY, practice=personas.practice)
    gone.referral.status = "returned"
    gone.referral.save(update_fields=["status"])

    expected = {}
    for key, days in CONTACTS.items():
        within = sum(1 for d in days if d is not None and d <= targets[key])
        late = sum(1 for d in days if d is not None and d > targets[key])
        overdue = days.count(None)  # received in May 2025: the target has long passed
        expected[teams[key].name] = (within, late, overdue)
    report = build(personas, raw=True)
    rows = rows_of(report, "seen-within-target", "service")
    for name, (within, late, overdue) in expected.items():
        row = rows[name]
        assert (row["within"], row["late"], row["overdue"], row["pending"]) == (
            within,
            late,
            overdue,
            0,
        )
        assert row["pct_within"] == pytest.approx(
            round(100 * within / (within + late + overdue), 1)
        )
    assert rows[teams["other"].name]["target"] == "14 days"
    all_within = sum(e[0] for e in expected.values())
    all_decided = sum(sum(e) for e in expected.values())
    assert rows["Total"]["pct_within"] == pytest.approx(round(100 * all_within / all_decided, 1))

    published = rows_of(build(personas, raw=False), "seen-within-target", "service")
    main = published[teams["main"].name]
    within, late, overdue = expected[teams["main"].name]
    assert main["total"] == r5(within + late + overdue)
    # 2 late and 2 overdue are withheld, and so the share that would give them back.
    assert main["late"] == SUPPRESSED and main["overdue"] == SUPPRESSED
    assert main["pct_within"] == SUPPRESSED
    for row in published.values():
        for key in ("within", "late", "overdue", "pending", "total"):
            assert row[key] == SUPPRESSED or row[key] % 5 == 0


def test_a_referral_not_yet_contacted_before_its_target_is_pending(personas: Personas) -> None:
    today = timezone.localdate()
    journey(service=personas.link_worker_service, received=today, practice=personas.practice)
    report = build(personas, ReportFilter(start=today, end=today), raw=True)
    row = rows_of(report, "seen-within-target", "service")[personas.link_worker_service.name]
    assert (row["within"], row["late"], row["overdue"], row["pending"]) == (0, 0, 0, 1)
    assert row["pct_within"] is None  # nothing decided yet


# --- Complexity --------------------------------------------------------------------------------

# (complexity, minutes of each attended appointment, case notes, follow-ups held, days from
# opening to the last contact)
CASES = [
    ("simple", [30], 1, 0, 2),
    ("simple", [], 1, 0, 1),
    ("simple", [20], 0, 0, 3),
    ("moderate", [45, 60], 2, 1, 30),
    ("moderate", [45], 3, 1, 28),
    ("complex", [45, 45, 60], 4, 2, 90),
    ("complex", [60, 60, 90, 30], 6, 3, 120),
    ("", [45], 0, 0, 0),
]


def test_the_complexity_mix_and_the_contacts_and_time_each_level_takes(
    personas: Personas,
) -> None:
    lws = personas.link_worker_service
    for level, appointments, notes, follow_ups, days_to_last in CASES:
        j = journey(service=lws, received=MAY, practice=personas.practice)
        j.case.complexity = level
        j.case.save(update_fields=["complexity"])
        last = at(MAY + dt.timedelta(days=days_to_last), hour=16)
        for i, m in enumerate(appointments):
            Appointment.objects.create(
                case=j.case,
                kind="phone",
                starts_at=last - dt.timedelta(hours=i + 1),
                duration_minutes=m,
                outcome=AppointmentOutcome.ATTENDED,
            )
        # A missed appointment is not a contact.
        Appointment.objects.create(
            case=j.case,
            kind="phone",
            starts_at=at(MAY + dt.timedelta(days=1)),
            duration_minutes=45,
            outcome=AppointmentOutcome.DID_NOT_ATTEND,
        )
        for _ in range(notes):
            note = CaseNote.objects.create(case=j.case, text="Called")
            CaseNote.objects.filter(pk=note.pk).update(created_at=last - dt.timedelta(hours=2))
        for _ in range(follow_ups):
            FollowUp.objects.create(
                case=j.case, kind=FollowUpKind.OTHER, due_on=MAY, completed_at=last
            )
    report = build(personas, raw=True)
    rows = rows_of(report, "complexity-mix", "level")
    labels = {"simple": "Simple", "moderate": "Moderate", "complex": "Complex", "": "Not recorded"}
    for code, label in labels.items():
        group = [c for c in CASES if c[0] == code]
        contacts = [len(c[1]) + c[2] + c[3] for c in group]
        minutes = [sum(c[1]) for c in group]
        days = [c[4] for c in group]
        row = rows[label]
        assert row["cases"] == len(group)
        assert row["pct"] == pytest.approx(round(100 * len(group) / len(CASES), 1))
        assert row["mean_contacts"] == pytest.approx(round(sum(contacts) / len(group), 1))
        assert row["median_contacts"] == pytest.approx(float(statistics.median(contacts)))
        assert row["mean_minutes"] == pytest.approx(round(sum(minutes) / len(group), 1))
        assert row["median_days"] == pytest.approx(float(statistics.median(days)))
    every = [len(c[1]) + c[2] + c[3] for c in CASES]
    assert rows["Total"]["cases"] == len(CASES)
    assert rows["Total"]["mean_contacts"] == pytest.approx(round(sum(every) / len(CASES), 1))

    published = rows_of(build(personas, raw=False), "complexity-mix", "level")
    assert published["Simple"]["cases"] == SUPPRESSED
    assert published["Simple"]["mean_contacts"] == SUPPRESSED  # over 3 cases
    assert published["Simple"]["pct"] == SUPPRESSED
    assert published["Total"]["cases"] == r5(len(CASES))
    assert published["Total"]["mean_contacts"] == pytest.approx(round(sum(every) / len(CASES), 1))


# --- Referral rates per 1,000 and referrals by professional ----------------------------------------

# Practice: (age band counts, sex counts or None, referrals in the period)
PRACTICES: dict[str, tuple[dict[str, int] | None, dict[str, int] | None, int]] = {
    "Ash Surgery": ({"0-17": 900, "18-24": 600, "25-34": 2500}, {"female": 1990, "male": 2000}, 12),
    "Birch Practice": (None, {"female": 1300, "male": 1200}, 9),
    "Cedar Medical": ({"65-74": 3000}, None, 0),
}


def test_referral_rates_per_1000_registered_patients_by_practice(personas: Personas) -> None:
    sizes = {}
    for name, (ages, sexes, referrals) in PRACTICES.items():
        p = practice(name, personas.area)
        for dimension, cells in (("age_band", ages), ("sex", sexes)):
            for category, count in (cells or {}).items():
                PracticePopulation.objects.create(
                    practice=p,
                    dimension=dimension,
                    category=category,
                    count=count,
                    as_of=dt.date(2025, 4, 1),
                )
        # The list size is the total of the age bands, else of another dimension.
        sizes[name] = sum((ages or sexes or {}).values())
        for _ in range(referrals):
            journey(service=personas.link_worker_service, received=MAY, practice=p)
    # A practice with no loaded profile has no rate (and is not listed).
    for _ in range(2):
        journey(service=personas.link_worker_service, received=MAY, practice=personas.practice)
    report = build(personas, raw=True)
    rows = rows_of(report, "referral-rate-per-1000", "practice")
    assert set(rows) == {*PRACTICES, "Total"}
    for name, (_a, _s, referrals) in PRACTICES.items():
        assert rows[name]["referrals"] == referrals
        assert rows[name]["list_size"] == sizes[name]
        assert rows[name]["per_1000"] == pytest.approx(round(1000 * referrals / sizes[name], 2))
    total = sum(p[2] for p in PRACTICES.values())
    assert rows["Total"]["per_1000"] == pytest.approx(round(1000 * total / sum(sizes.values()), 2))

    published = rows_of(build(personas, raw=False), "referral-rate-per-1000", "practice")
    assert published["Ash Surgery"]["referrals"] == r5(12)
    assert published["Ash Surgery"]["per_1000"] == pytest.approx(round(1000 * 12 / 4000, 2))
    assert published["Birch Practice"]["referrals"] == r5(9)
    assert published["Cedar Medical"]["per_1000"] == 0.0
    assert published["Ash Surgery"]["list_size"] == r5(4000)


ROLES = ["gp"] * 9 + ["practice_nurse"] * 3 + ["pharmacist"] * 8 + [""] * 10
# Referrals with one role come from several sources: each (role, source) pair is counted.
SOURCES = [ReferralSource.GP_PRACTICE, ReferralSource.PHARMACY, ReferralSource.MENTAL_HEALTH]


def test_referrals_by_the_referring_professionals_role(personas: Personas) -> None:
    for i, role in enumerate(ROLES):
        j = journey(service=personas.link_worker_service, received=MAY, practice=personas.practice)
        j.referral.referrer_role = role
        j.referral.source = SOURCES[i % len(SOURCES)]
        j.referral.save(update_fields=["referrer_role", "source"])
    for _ in range(2):
        j = journey(service=personas.link_worker_service, received=MAY, practice=personas.practice)
        j.referral.source = ReferralSource.SELF
        j.referral.save(update_fields=["source"])
    report = build(personas, raw=True)
    rows = rows_of(report, "referrals-by-professional", "role")
    assert rows["GP"]["referrals"] == ROLES.count("gp")
    assert rows["Practice nurse"]["referrals"] == ROLES.count("practice_nurse")
    assert rows["Pharmacist"]["referrals"] == ROLES.count("pharmacist")
    assert rows["Social worker"]["referrals"] == 0
    assert rows["Self-referral"]["referrals"] == 2
    assert rows["Not recorded"]["referrals"] == ROLES.count("")
    assert rows["Total"]["referrals"] == len(ROLES) + 2
    published = rows_of(build(personas, raw=False), "referrals-by-professional", "role")
    assert published["GP"]["referrals"] == r5(9)
    assert published["Pharmacist"]["referrals"] == r5(8)
    assert published["Practice nurse"]["referrals"] == SUPPRESSED
    assert published["Not recorded"]["referrals"] == r5(ROLES.count(""))
    assert published["Total"]["referrals"] == r5(len(ROLES) + 2)


# --- The command line ---------------------------------------------------------------------------


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("reports", "quarterly", *args, stdout=out, stderr=StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_the_quarterly_report_as_json_has_every_section_published(personas: Personas) -> None:
    quarterly_records(personas)
    data = run("--from", "2025-04-01", "--to", "2025-06-30", "--format", "json")
    for key in (
        "goals_achieved",
        "staff_satisfaction",
        "patient_experience",
        "seen_within_target",
        "complexity_mix",
        "referral_rate_per_1000",
        "referrals_by_professional",
        "course_completion",
        "outcome_payments_by_provider",
    ):
        assert key in data, key
    # Generic over the registry: every section, whoever added it, has its key.
    assert set(data) == {"report", *(s.replace("-", "_") for s in SECTIONS)}
    assert data["report"]["sections"] == [s.replace("-", "_") for s in SECTIONS]
    assert "nearest 5" in data["report"]["disclosure_control"]
    # The same published figures as the page: 9 GP referrals in May are withheld.
    months = {
        r["month"]: r for r in data["referrals"]["tables"]["referrals-by-month-source"]["rows"]
    }
    assert months["May 2025"]["gp_practice"] == SUPPRESSED and months["Total"]["total"] == 10
    page = build_report(user=None, filters=Q1)
    for section in page.sections:
        for table in section.tables:
            got = data[section.id.replace("-", "_")]["tables"][table.id]["rows"]
            assert got == [{c.key: r.get(c.key) for c in table.columns} for r in table.rows]
    assert AuditEvent.objects.filter(action="quarterly_report_exported").count() == 1


def test_the_json_report_is_narrowed_to_an_area(personas: Personas) -> None:
    quarterly_records(personas)
    elsewhere = Area.objects.create(name="Wigan")
    by_name = run("--from", "2025-04-01", "--to", "2025-06-30", "--area", "wigan")
    assert "Wigan" in by_name["report"]["scope"]
    rows = by_name["referrals"]["tables"]["referrals-by-month-source"]["rows"]
    assert rows == []  # no referrals in Wigan
    by_id = run("--from", "2025-04-01", "--to", "2025-06-30", "--area", str(personas.area.uuid))
    assert personas.area.name in by_id["report"]["scope"]
    assert elsewhere.name not in by_id["report"]["scope"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13-01", "--to", "2025-06-30"], "--from '2025-13-01' is not a date"),
        (["--from", "2025-04-01", "--to", "soon"], "--to 'soon' is not a date"),
        (["--from", "2025-06-30", "--to", "2025-04-01"], "must be on or before"),
        (["--from", "2020-01-01", "--to", "2025-06-30"], "longer than two years"),
        (["--from", "2025-04-01", "--to", "2025-06-30", "--area", "Atlantis"], "not an area"),
    ],
)
def test_bad_dates_or_area_are_explained_and_nothing_is_printed(
    personas: Personas, args: list[str], message: str
) -> None:
    out = StringIO()
    with pytest.raises(CommandError, match=message) as caught:
        call_command("reports", "quarterly", *args, stdout=out, stderr=StringIO())
    assert "Oswestry and Borders" in str(caught.value) or "area" not in message
    assert out.getvalue() == ""
    assert not AuditEvent.objects.filter(action="quarterly_report_exported").exists()
