"""Reads for reports: raw aggregates from the journey apps. Nothing here is publishable as is;
callers pass the rows through `linkwell.analysis.disclosure` (see `referral_table`). And a case's
patient stories, for its team (`story_list_for_case`; the caller has checked access to the case).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from linkwell.analysis.disclosure import suppress_table
from linkwell.casework.models import Case
from linkwell.referrals.models import Referral, ReferralSource
from linkwell.reports.models import PatientStory

GROUPINGS = ("practice", "source", "reason")
NOT_RECORDED = "Not recorded"


def _referrals(
    *,
    since: dt.datetime | None,
    until: dt.datetime | None,
    service_ids: Iterable[int] | None,
) -> QuerySet[Referral]:
    qs = Referral.objects.all()
    if service_ids is not None:
        qs = qs.filter(link_worker_service_id__in=list(service_ids))
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lt=until)
    return qs


def referral_counts(
    *,
    by: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    service_ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """Raw referral counts grouped `by` practice, source or reason, in one query.

    - practice: the person's registered GP practice (every referral has a person, whatever its
      source), with its ODS code; "Not recorded" when the person has none.
    - source: the referral source (ReferralSource labels); every source appears, 0 included.
    - reason: the needs taxonomy terms on the referral. A referral with several reasons counts
      once under each, so these counts add up to more than the number of referrals; one with
      none counts under "Not recorded".
    `since` is inclusive, `until` exclusive. `service_ids` limits to link-worker services
    (None: all, for deployers' scripts).
    """
    qs = _referrals(since=since, until=until, service_ids=service_ids)
    rows: list[dict[str, Any]]
    if by == "practice":
        by_practice = (
            qs.values("person__registered_practice__name", "person__registered_practice__ods_code")
            .annotate(n=Count("id"))
            .order_by("person__registered_practice__name")
        )
        rows = [
            {
                "practice": g["person__registered_practice__name"] or NOT_RECORDED,
                "ods_code": g["person__registered_practice__ods_code"] or "",
                "referrals": g["n"],
            }
            for g in by_practice
        ]
    elif by == "source":
        found = {
            g["source"]: g["n"] for g in qs.values("source").annotate(n=Count("id")).order_by()
        }
        rows = [
            {"source": str(label), "referrals": found.get(value, 0)}
            for value, label in ReferralSource.choices
        ]
    elif by == "reason":
        by_reason = qs.values("reasons__name").annotate(n=Count("id")).order_by("reasons__name")
        rows = [
            {"reason": g["reasons__name"] or NOT_RECORDED, "referrals": g["n"]} for g in by_reason
        ]
    else:
        raise ValueError(_("Group referrals by one of: %s.") % ", ".join(GROUPINGS))
    rows.sort(key=lambda r: (r[by] == NOT_RECORDED, str(r[by]).lower()))
    return rows


def referral_table(
    *,
    by: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    service_ids: Iterable[int] | None = None,
    unsuppressed: bool = False,
) -> list[dict[str, Any]]:
    """`referral_counts` with disclosure control and a total row.

    For reasons the total row is the sum of the rows ("Total (reasons)"): a referral with
    several reasons counts under each, so it can exceed the number of referrals. Using the sum
    keeps secondary suppression sound (a lone suppressed reason cannot be recovered from it);
    publishing the number of referrals instead would not be.
    """
    rows = referral_counts(by=by, since=since, until=until, service_ids=service_ids)
    return suppress_table(
        rows,
        ["referrals"],
        total_row=True,
        total_col=False,
        label_key=by,
        total_label="Total (reasons)" if by == "reason" else "Total",
        unsuppressed=unsuppressed,
    )


def story_list_for_case(*, case: Case) -> QuerySet[PatientStory]:
    """`case`'s stories, newest first, with who recorded them (1 query)."""
    return (
        PatientStory.objects.filter(case=case)
        .select_related("recorded_by")
        .order_by("-created_at", "-pk")
    )
