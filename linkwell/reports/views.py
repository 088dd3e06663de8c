"""The quarterly commissioner report at /reports/quarterly/ (thin: parse -> access -> build ->
render). The page, its chart images, the PDF, the XLSX workbook and each table's CSV are built
from the same published rows (linkwell/reports/quarterly). Raw figures only with `?raw=1` for a
user granted `reports.view_unsuppressed`, and every such view or download is audited; every
download is audited as an export.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from linkwell.accounts.models import Area
from linkwell.analysis.disclosure import can_see_unsuppressed, record_unsuppressed_access
from linkwell.analysis.filters import ReportFilter
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record
from linkwell.reports.access import (
    ReportScope,
    get_area_for_report,
    get_practice_for_report,
    get_service_for_report,
    report_scope_for_user,
)
from linkwell.reports.charts import chart_alt, chart_svg
from linkwell.reports.exports import report_xlsx, table_csv
from linkwell.reports.forms import ReportFilterForm
from linkwell.reports.pdf import report_pdf
from linkwell.reports.quarterly import SECTIONS, Report, build_report, section_of_table
from linkwell.reports.quarterly.structure import Section, fmt

SECTION_CACHE_SECONDS = 120


def _filters(
    request: HttpRequest, scope: ReportScope
) -> tuple[ReportFilterForm, ReportFilter | None]:
    """404 for an area, practice or service outside the user's scope; form errors otherwise."""
    area = practice = service = None
    if request.GET.get("area"):
        area = get_area_for_report(scope=scope, area_id=request.GET["area"])
    if request.GET.get("practice"):
        practice = get_practice_for_report(scope=scope, practice_id=request.GET["practice"])
    if request.GET.get("service"):
        service = get_service_for_report(scope=scope, service_id=request.GET["service"])
    form = ReportFilterForm(request.GET or None, scope=scope)
    if not form.is_bound:
        form = ReportFilterForm({"quarter": form.fields["quarter"].initial}, scope=scope)
    if not form.is_valid():
        return form, None
    start, end = form.period()
    if area is None and scope.area_ids is not None:
        # A commissioner's report never reaches beyond their area(s): with several, the first
        # by name until they choose another.
        area = Area.objects.filter(pk__in=scope.area_ids).order_by("name").first()
    filters = ReportFilter(start=start, end=end, area=area, practice=practice, service=service)
    return form, filters


NEVER_CACHED = frozenset({"stories"})


def _build(
    request: HttpRequest, what: str, sections: list[str] | None = None, *, cached: bool = False
) -> tuple[ReportFilterForm, ReportFilter | None, Report | None, ReportScope]:
    scope = report_scope_for_user(user=request.user)
    form, filters = _filters(request, scope)
    if filters is None:
        return form, None, None, scope
    unsuppressed = request.GET.get("raw") == "1" and can_see_unsuppressed(request.user)
    if unsuppressed:
        record_unsuppressed_access(
            user=request.user,
            what=f"quarterly report {what}",
            detail={"filter": filters.describe(), "path": request.get_full_path()},
        )
    if not cached:
        report = build_report(
            user=request.user, filters=filters, unsuppressed=unsuppressed, sections=sections
        )
        return form, filters, report, scope
    # The page and its chart images share built sections for a short while: the page stores
    # them, each image then redraws one from the same published rows instead of rebuilding
    # it (benchmarks/report.py: a full build takes ~10 s at 150k people).
    key = _cache_key(request, filters, unsuppressed)
    wanted = list(SECTIONS) if sections is None else sections
    # Stories are never served from the cache: a withdrawn consent takes effect at once.
    found: dict[str, Section | None] = {
        name: None if name in NEVER_CACHED else cache.get(f"{key}:{name}") for name in wanted
    }
    missing = [name for name, section in found.items() if section is None]
    report = build_report(
        user=request.user, filters=filters, unsuppressed=unsuppressed, sections=missing
    )
    for section in report.sections:
        if section.id not in NEVER_CACHED:
            cache.set(f"{key}:{section.id}", section, SECTION_CACHE_SECONDS)
        found[section.id] = section
    report.sections = [kept for name in wanted if (kept := found.get(name)) is not None]
    return form, filters, report, scope


def _cache_key(request: HttpRequest, filters: ReportFilter, unsuppressed: bool) -> str:
    parts = [
        str(request.user.pk),
        str(unsuppressed),
        str(filters.start),
        str(filters.end),
        *(
            str(o.pk) if o is not None else ""
            for o in (filters.area, filters.practice, filters.service)
        ),
    ]
    return "reports:quarterly:" + ":".join(parts)


def _audit_export(request: HttpRequest, report: Report, fmt_name: str, table: str = "") -> None:
    audit_record(
        actor=request.user,
        action=AuditAction.QUARTERLY_REPORT_EXPORTED,
        object_type="reports.quarterly",
        object_repr=f"{report.title} ({fmt_name})"[:255],
        detail={
            "format": fmt_name,
            "table": table,
            "period": report.period,
            "scope": report.scope,
            "unsuppressed": report.unsuppressed,
        },
        kind=Kind.ACCESS,
    )


def _filename(report: Report, suffix: str) -> str:
    return f"linkwell-quarterly-{slugify(report.period)[:60]}{suffix}"


@require_GET
@login_required
def quarterly(request: HttpRequest) -> HttpResponse:
    form, filters, report, scope = _build(request, "page", cached=True)
    query = request.GET.copy()
    query.pop("raw", None)
    context: dict[str, Any] = {
        "form": form,
        "report": report,
        "filters": filters,
        "query": query.urlencode(),
        "can_see_raw": can_see_unsuppressed(request.user),
        "sections": [],
    }
    if report is not None:
        for section in report.sections:
            context["sections"].append(
                {
                    "section": section,
                    "tables": [
                        {
                            "table": t,
                            "alt": chart_alt(t),
                            "has_chart": t.chartable(),
                            "header": t.header(),
                            "numeric": [c.numeric for c in t.columns],
                            "rows": [[fmt(c) for c in row] for row in t.cells()],
                        }
                        for t in section.tables
                    ],
                }
            )
    del scope
    status = 200 if report is not None else 400
    return render(request, "reports/quarterly.html", context, status=status)


def _one_table(
    request: HttpRequest, table_id: str, what: str, *, cached: bool = False
) -> tuple[Report, Any]:
    section = section_of_table(table_id)
    if section is None:
        raise Http404("No such table")
    _form, _filters, report, _scope = _build(request, what, [section], cached=cached)
    if report is None:
        raise Http404("Choose a valid period")
    table = report.table(table_id)
    if table is None:
        raise Http404("No such table")
    return report, table


@require_GET
@login_required
def chart(request: HttpRequest, table_id: str) -> HttpResponse:
    _report, table = _one_table(request, table_id, f"chart {table_id}", cached=True)
    svg = chart_svg(table)
    if svg is None:
        raise Http404("Nothing to chart")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def table_csv_download(request: HttpRequest, table_id: str) -> HttpResponse:
    report, table = _one_table(request, table_id, f"CSV {table_id}")
    _audit_export(request, report, "csv", table_id)
    response = HttpResponse(table_csv(table, report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(report, "-" + table_id + ".csv")}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def workbook(request: HttpRequest) -> HttpResponse:
    _form, _f, report, _scope = _build(request, "XLSX")
    if report is None:
        raise Http404("Choose a valid period")
    _audit_export(request, report, "xlsx")
    response = HttpResponse(
        report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, ".xlsx")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def pdf(request: HttpRequest) -> HttpResponse:
    _form, _f, report, _scope = _build(request, "PDF")
    if report is None:
        raise Http404("Choose a valid period")
    _audit_export(request, report, "pdf")
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, ".pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response
