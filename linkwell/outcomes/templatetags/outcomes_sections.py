"""Outcome-measure sections on casework's pages, which casework (below outcomes) cannot build.

- `{% caseload_measures_due load %}`: the caseload's "Outcome measures due" section for the
  cases listed (`measures_due_for_cases`: three queries whatever the number of cases).
- `{% review_baseline_measures review as baseline_measures %}`: the baseline measures recorded
  for a wellbeing review. Never placeholder scores: commissioners' pre/post statistics count them.
- `{% follow_up_measures case follow_up back %}`: the follow-up page's "Outcome measures at this
  point": those due now, each a link to record it (with `outcomes.measure_record`, which
  scores it) that comes back to `back`, and those already recorded at the follow-up's timepoint.
- `{% assessment_suggestions case can_write %}`: the plan page's goals suggested by the latest
  holistic assessment (assessment.py), one click each to add.
"""

from __future__ import annotations

from typing import Any

from django import template

from linkwell.outcomes.assessment import HOLISTIC_ID, goal_suggestions, invited
from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.selectors import (
    baseline_measures_for_review,
    measures_due_for_cases,
    measures_for_follow_up,
)

register = template.Library()


@register.inclusion_tag("outcomes/_caseload_measures_due.html")
def caseload_measures_due(load: Any) -> dict[str, Any]:
    """`load`: a `casework.selectors.CaseloadPage` (or `Caseload`): its `rows` and `today`."""
    return {
        "measures_due": measures_due_for_cases([row.case for row in load.rows], today=load.today)
    }


@register.simple_tag
def review_baseline_measures(review: Any) -> list[MeasureAdministration]:
    return baseline_measures_for_review(review)


@register.inclusion_tag("outcomes/_follow_up_measures.html")
def follow_up_measures(
    case: Any, follow_up: Any, back: str, can_write: bool = True
) -> dict[str, Any]:
    """`case`, `follow_up`: casework's; `back`: the page to return to after recording one."""
    return {
        "case": case,
        "measures": measures_for_follow_up(case, follow_up),
        "back": back,
        "can_write": can_write,
    }


@register.inclusion_tag("outcomes/_assessment_suggestions.html")
def assessment_suggestions(case: Any, can_write: bool = True) -> dict[str, Any]:
    """The plan page's "From the holistic assessment" section: the latest assessment's areas
    needing support not yet on the plan, each with a one-click "Add to the plan"; on a case
    from an invitation with no assessment yet, a prompt to record one."""
    administration, suggestions = goal_suggestions(case)
    return {
        "case": case,
        "administration": administration,
        "suggestions": suggestions,
        "prompt": administration is None and invited(case),
        "holistic_id": HOLISTIC_ID,
        "can_write": can_write,
    }
