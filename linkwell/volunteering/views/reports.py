"""The volunteering report at /volunteering/report/ and its CSV (thin: parse -> access ->
selector -> render). Every figure is published through disclosure control; raw figures only with
`?raw=1` for a user granted `reports.view_unsuppressed`, audited; every download is audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from linkwell.accounts.models import Organisation
from linkwell.analysis.disclosure import can_see_unsuppressed, record_unsuppressed_access
from linkwell.analysis.forms import (
    SELECT,
    choice_field,
    period_end_field,
    period_start_field,
    uuid_choices,
)
from linkwell.analysis.periods import parse_quarter, previous_quarter, quarter_choices
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record
from linkwell.volunteering.selectors.reports import (
    PublishedReport,
    get_organisation_for_report,
    report_csv_rows,
    report_organisations_for_user,
    volunteering_organisations,
    volunteering_report,
)

CUSTOM = "custom"
MAX_DAYS = 2 * 366


class VolunteeringReportForm(forms.Form):
    """The period (a UK financial quarter or custom dates, as the quarterly report) and one
    organisation or all those the user may see."""

    quarter = forms.ChoiceField(label="Quarter", widget=SELECT, required=False)
    start = period_start_field(help_text="Only for a custom period. For example, 2025-04-01.")
    end = period_end_field()
    organisation = choice_field(label="Organisation")

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        year, q = previous_quarter(today)
        cast(forms.ChoiceField, self.fields["quarter"]).choices = [
            *quarter_choices(today),
            (CUSTOM, "Custom period (enter the dates below)"),
        ]
        self.fields["quarter"].initial = f"{year}-Q{q}"
        cast(forms.ChoiceField, self.fields["organisation"]).choices = uuid_choices(
            "All organisations you can see", organisations
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        quarter = data.get("quarter") or self.fields["quarter"].initial
        if quarter == CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start and "start" not in self.errors:
                self.add_error("start", "Enter the first day of the custom period")
            if not end and "end" not in self.errors:
                self.add_error("end", "Enter the last day of the custom period")
            if start and end:
                if start > end:
                    self.add_error("end", "The end date must be on or after the start date")
                elif (end - start).days > MAX_DAYS:
                    self.add_error("end", "Choose a period of at most two years")
                else:
                    data["period"] = (start, end)
        else:
            try:
                data["period"] = parse_quarter(str(quarter))
            except ValueError:
                self.add_error("quarter", "Choose a quarter from the list, or a custom period")
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        period: tuple[dt.date, dt.date] = self.cleaned_data["period"]
        return period


def _build(
    request: HttpRequest, what: str
) -> tuple[VolunteeringReportForm, PublishedReport | None]:
    """403 for users who may not see the report; 404 for an organisation outside their scope."""
    allowed = report_organisations_for_user(user=request.user)
    chosen: Organisation | None = None
    if request.GET.get("organisation"):
        chosen = get_organisation_for_report(
            organisations=allowed, organisation_id=request.GET["organisation"]
        )
    listed = volunteering_organisations(allowed)
    form = VolunteeringReportForm(request.GET or None, organisations=listed)
    if not form.is_bound:
        form = VolunteeringReportForm(
            {"quarter": form.fields["quarter"].initial}, organisations=listed
        )
    if not form.is_valid():
        return form, None
    start, end = form.period()
    unsuppressed = request.GET.get("raw") == "1" and can_see_unsuppressed(request.user)
    if unsuppressed:
        record_unsuppressed_access(
            user=request.user,
            what=f"volunteering report {what}",
            detail={"path": request.get_full_path()},
        )
    organisations = [chosen] if chosen is not None else list(listed)
    report = volunteering_report(
        organisations=organisations, start=start, end=end, unsuppressed=unsuppressed
    )
    return form, report


@require_GET
@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    form, report = _build(request, "page")
    query = request.GET.copy()
    query.pop("raw", None)
    context = {
        "form": form,
        "report": report,
        "query": query.urlencode(),
        "can_see_raw": can_see_unsuppressed(request.user),
    }
    return render(
        request, "volunteering/report.html", context, status=200 if report is not None else 400
    )


@require_GET
@login_required
def report_csv(request: HttpRequest) -> HttpResponse:
    _form, report = _build(request, "CSV")
    if report is None:
        raise Http404("Choose a valid period")
    audit_record(
        actor=request.user,
        action=AuditAction.VOLUNTEERING_REPORT_EXPORTED,
        object_type="volunteering.report",
        object_repr=f"Volunteering report {report.period}"[:255],
        detail={
            "format": "csv",
            "period": report.period,
            "scope": report.scope,
            "unsuppressed": report.unsuppressed,
        },
        kind=Kind.ACCESS,
    )
    buffer = io.StringIO()
    csv.writer(buffer).writerows(report_csv_rows(report))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="linkwell-volunteering-{report.start}-{report.end}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


__all__ = ["VolunteeringReportForm", "report_csv", "report_page"]
