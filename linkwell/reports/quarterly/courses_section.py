"""The quarterly report's course completion section: social prescribing courses that finished in
the period, the people on them, how many completed and how many sessions they came to."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from linkwell.accounts.models import User
from linkwell.analysis.disclosure import SUPPRESSED, is_small, publish_count, suppress_value
from linkwell.analysis.filters import ReportFilter
from linkwell.courses.selectors import completion_figures
from linkwell.reports.quarterly.structure import Cell, Column, Section, Table


def course_completion_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """One row of figures, 3 queries. The number of course runs is not a count of people and
    is published as it is. The completion rate is also withheld when the people who completed,
    or those who did not, number 1 to 7: the rate and the rounded number on courses would
    otherwise let a reader work them out."""
    figures = completion_figures(user=user, filters=filters)
    not_completed = figures.enrolled - figures.completed
    rate: Cell
    mean: Cell
    if unsuppressed:
        rate, mean = figures.completion_rate, figures.mean_sessions
    else:
        rate = suppress_value(figures.completion_rate, figures.enrolled)
        if rate is not None and (is_small(figures.completed) or is_small(not_completed)):
            rate = SUPPRESSED
        mean = suppress_value(figures.mean_sessions, figures.enrolled)
    table = Table(
        id="course-completion",
        title="Social prescribing courses completed in the period",
        columns=[
            Column("runs", "Courses"),
            Column("enrolled", "People on them"),
            Column("completed", "Completed"),
            Column("completion_rate", "Completion rate (%)"),
            Column("mean_sessions", "Mean sessions attended"),
        ],
        rows=[
            {
                "runs": figures.runs,
                "enrolled": publish_count(figures.enrolled, unsuppressed=unsuppressed),
                "completed": publish_count(figures.completed, unsuppressed=unsuppressed),
                "completion_rate": rate,
                "mean_sessions": mean,
            }
        ],
        note=(
            "Courses whose facilitators completed them in the period. People who withdrew "
            "before the end are not counted; everyone else either completed or did not."
        ),
    )
    return Section(id="course-completion", title="Course completion", tables=[table])
