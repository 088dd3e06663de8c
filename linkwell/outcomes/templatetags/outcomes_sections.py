"""Outcome-measure sections on casework's pages, which casework (below outcomes) cannot build.

- `{% caseload_measures_due load %}`: the caseload's "Outcome measures due" section for the
  cases listed (`measures_due_for_cases`: three queries whatever the number of cases).
- `{% review_baseline_measures review as baseline_measures %}`: the baseline measures recorded
  for a wellbeing review. Never placeholder scores: commissioners' pre/post statistics count them.
"""

from __future__ import annotations

from typing import Any

from django import template

from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.selectors import baseline_measures_for_review, measures_due_for_cases

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
