"""The quarterly report pages and downloads by persona, with disclosure control in every format."""

from __future__ import annotations

import base64
import csv
import io
import re
import zlib
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from linkwell.accounts.models import Area, Organisation, OrganisationKind, Role
from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.audit.models import AuditEvent
from linkwell.evidence.tests.factories import journey
from linkwell.reports.tests.factories import MAY, QUARTER, quarterly_records
from tests.personas import PASSWORD, Personas, make_user

pytestmark = pytest.mark.django_db
PAGE = reverse("reports:quarterly")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # The page caches built sections per user pk for a while; test databases reuse pks.
    cache.clear()


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _grant(user: object) -> None:
    perm = Permission.objects.get(codename="view_unsuppressed", content_type__app_label="reports")
    user.user_permissions.add(perm)  # type: ignore[attr-defined]


def _small_counts(cells: list[str]) -> list[str]:
    return [c for c in cells if c.replace(",", "").isdigit() and 1 <= int(c.replace(",", "")) <= 7]


def _html_cells(html: str) -> list[str]:
    return [c.strip() for c in re.findall(r"<td class=\"nhsuk-table__cell\">([^<]*)</td>", html)]


@pytest.mark.parametrize("who", ["commissioner", "team_manager", "admin"])
def test_commissioners_managers_and_administrators_see_the_report(
    personas: Personas, who: str
) -> None:
    quarterly_records(personas)
    response = _client(getattr(personas, who)).get(PAGE, QUARTER)
    assert response.status_code == 200
    html = response.content.decode()
    for title in ["Referrals", "Waiting times", "Outcomes", "Gaps in provision", "Patient stories"]:
        assert f">{title}</h2>" in html
    assert 'data-testid="chart-connections-by-category"' in html
    assert "Back to the allotment" in html and "Not for publication" not in html


@pytest.mark.parametrize(
    "who", ["owner", "read_only", "outsider", "link_worker", "referrer", "read_only_link_worker"]
)
def test_other_roles_are_refused(personas: Personas, who: str) -> None:
    client = _client(getattr(personas, who))
    for url in [
        PAGE,
        reverse("reports:quarterly_pdf"),
        reverse("reports:quarterly_csv", args=["goals"]),
    ]:
        assert client.get(url, QUARTER).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert "next=/reports/quarterly/" in response["Location"]


def test_a_commissioner_from_another_area_gets_not_found_for_this_area(personas: Personas) -> None:
    elsewhere = Area.objects.create(name="Telford and Wrekin")
    icb = Organisation.objects.create(
        name="Telford ICB", kind=OrganisationKind.COMMISSIONER, area=elsewhere
    )
    stranger = make_user("analyst@telford.example", icb, Role.COMMISSIONER)
    client = _client(stranger)
    assert client.get(PAGE, {**QUARTER, "area": str(personas.area.uuid)}).status_code == 404
    assert client.get(PAGE, {**QUARTER, "practice": str(personas.practice.uuid)}).status_code == 404
    service = str(personas.link_worker_service.uuid)
    assert client.get(PAGE, {**QUARTER, "service": service}).status_code == 404
    # Their own report does not include the other area's referrals.
    quarterly_records(personas)
    csv_text = client.get(reverse("reports:quarterly_csv", args=["referrals-by-practice"]), QUARTER)
    assert "Caxton Surgery" not in csv_text.content.decode()


def test_a_team_manager_asking_for_another_teams_service_gets_not_found(personas: Personas) -> None:
    client = _client(personas.team_manager)
    assert (
        client.get(PAGE, {**QUARTER, "service": str(personas.other_team.uuid)}).status_code == 404
    )
    own = client.get(PAGE, {**QUARTER, "service": str(personas.link_worker_service.uuid)})
    assert own.status_code == 200
    assert client.get(PAGE, {**QUARTER, "service": "not-a-uuid"}).status_code == 404


def test_a_bad_period_is_explained_and_nothing_is_shown(personas: Personas) -> None:
    client = _client(personas.commissioner)
    response = client.get(PAGE, {"quarter": "custom", "start": "2025-06-30", "end": "2025-04-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The end date must be on or after the start date" in html
    assert 'data-testid="section-referrals"' not in html
    missing = client.get(PAGE, {"quarter": "custom", "start": "", "end": "2025-04-01"})
    assert "Enter the first day of the custom period" in missing.content.decode()
    assert client.get(PAGE, {"quarter": "1999-Q9"}).status_code == 400


def test_a_custom_period_is_reported(personas: Personas) -> None:
    quarterly_records(personas)
    response = _client(personas.commissioner).get(
        PAGE, {"quarter": "custom", "start": "2025-06-01", "end": "2025-06-30"}
    )
    assert response.status_code == 200
    assert "1 Jun 2025 to 30 Jun 2025" in response.content.decode()


def test_no_count_of_1_to_7_is_published_in_html_csv_xlsx_or_pdf(personas: Personas) -> None:
    quarterly_records(personas)
    client = _client(personas.commissioner)
    html = client.get(PAGE, QUARTER).content.decode()
    cells = _html_cells(html)
    assert SUPPRESSED in cells and len(cells) > 100
    assert _small_counts(cells) == []
    # CSV: one table per download.
    for table_id in [
        "referrals-by-month-source",
        "connections-by-provider",
        "waiting-times",
        "goals",
    ]:
        response = client.get(reverse("reports:quarterly_csv", args=[table_id]), QUARTER)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        body = [cell for row in rows[1:] for cell in row[1:]]
        assert _small_counts(body) == [], table_id
    goals = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("reports:quarterly_csv", args=["goals"]), QUARTER
                ).content.decode()
            )
        )
    )
    assert goals[0][:4] == ["Link-worker service", "Not started", "In progress", "Achieved"]
    assert goals[1][0] == "Shropshire Social Prescribing" and goals[1][2] == SUPPRESSED
    # XLSX: a sheet per table.
    response = client.get(reverse("reports:quarterly_xlsx"), QUARTER)
    wb = load_workbook(io.BytesIO(response.content))
    assert "referrals-by-month-source" in wb.sheetnames and "outcomes" in wb.sheetnames
    sheet_cells: list[Any] = [
        c for ws in wb.worksheets[1:] for row in ws.iter_rows(min_row=3, min_col=2) for c in row
    ]
    values = [c.value for c in sheet_cells]
    assert SUPPRESSED in values
    counts = [
        c.value for c in sheet_cells if isinstance(c.value, int) and c.number_format == "General"
    ]
    assert counts and [v for v in counts if 1 <= v <= 7] == []
    assert _small_counts([v for v in values if isinstance(v, str)]) == []
    # PDF: valid, with every section title and no small count in its tables.
    response = client.get(reverse("reports:quarterly_pdf"), QUARTER)
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for title in [
        "Referrals",
        "Waiting times",
        "People seen",
        "Connections and attendance",
        "Outcomes",
        "Goals achieved",
        "Gaps in provision",
        "Provider performance",
        "Equity of reach",
        "Service use before and after",
        "Patient stories",
    ]:
        assert f"({title})" in text, title
    assert "(Back to the allotment)" in text
    # The only lone small numbers are IMD quintile labels ("1 (most deprived)" ... "5 (least
    # deprived)" print 2, 3 and 4 alone); no count cell is 1-7.
    assert set(re.findall(r"\(([1-7])\) Tj", text)) <= {"2", "3", "4"}
    assert "(*) Tj" in text


def _pdf_text(data: bytes) -> str:
    """The text-showing operators of every page (pypdf is not a dependency)."""
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):  # reportlab: /ASCII85Decode then /FlateDecode
            raw = base64.a85decode(raw[:-2])
        try:
            out.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue  # not a compressed stream (an image's raw data)
    return "\n".join(out)


def test_unsuppressed_figures_need_the_permission_and_are_audited(personas: Personas) -> None:
    quarterly_records(personas)
    url = reverse("reports:quarterly_csv", args=["referrals-by-practice"])
    plain = _client(personas.commissioner).get(url, {**QUARTER, "raw": "1"}).content.decode()
    assert "Caxton Surgery,M82015,*" in plain
    assert not AuditEvent.objects.filter(action="unsuppressed_figures_accessed").exists()
    _grant(personas.commissioner)
    client = _client(personas.commissioner)
    assert "Show unsuppressed figures" in client.get(PAGE, QUARTER).content.decode()
    raw = client.get(url, {**QUARTER, "raw": "1"}).content.decode()
    assert "Caxton Surgery,M82015,9" in raw
    event = AuditEvent.objects.get(action="unsuppressed_figures_accessed")
    assert event.actor_id == personas.commissioner.pk
    # Without asking, even a permitted user gets the published figures.
    assert "Caxton Surgery,M82015,*" in client.get(url, QUARTER).content.decode()


def test_every_download_is_audited_as_an_export(personas: Personas) -> None:
    client = _client(personas.commissioner)
    client.get(reverse("reports:quarterly_csv", args=["goals"]), QUARTER)
    client.get(reverse("reports:quarterly_xlsx"), QUARTER)
    client.get(reverse("reports:quarterly_pdf"), QUARTER)
    events = AuditEvent.objects.filter(action="quarterly_report_exported").order_by("id")
    assert [e.detail["format"] for e in events] == ["csv", "xlsx", "pdf"]
    assert events[0].detail["table"] == "goals"
    assert all(e.actor_id == personas.commissioner.pk for e in events)


def test_charts_are_svg_images_drawn_from_published_figures(personas: Personas) -> None:
    quarterly_records(personas)
    client = _client(personas.commissioner)
    response = client.get(
        reverse("reports:quarterly_chart", args=["connections-by-category"]), QUARTER
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml") and b"<svg" in response.content
    # Every figure of the monthly table is suppressed (9 and 3): nothing to draw, no image.
    monthly = reverse("reports:quarterly_chart", args=["referrals-by-month-source"])
    assert client.get(monthly, QUARTER).status_code == 404
    html = client.get(PAGE, QUARTER).content.decode()
    assert 'data-testid="chart-referrals-by-month-source"' not in html
    assert 'data-testid="chart-connections-by-category"' in html
    assert client.get(reverse("reports:quarterly_chart", args=["nope"]), QUARTER).status_code == 404


def test_the_page_issues_the_same_number_of_queries_for_more_practices(personas: Personas) -> None:
    quarterly_records(personas)
    client = _client(personas.commissioner)
    client.get(PAGE, QUARTER)  # warm the session and the instrument registry's cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE, QUARTER).status_code == 200
    for i in range(6):
        practice = Organisation.objects.create(
            name=f"Practice {i}", kind=OrganisationKind.GP_PRACTICE, area=personas.area
        )
        journey(service=personas.link_worker_service, received=MAY, practice=practice)
    with CaptureQueriesContext(connection) as more:
        assert client.get(PAGE, QUARTER).status_code == 200
    assert len(more) == len(few)
    assert len(few) <= 85  # a fixed number per section, whatever the data


def test_the_home_page_links_the_report_for_commissioners_and_managers(personas: Personas) -> None:
    assert f'href="{PAGE}"' in _client(personas.commissioner).get("/").content.decode()
    assert f'href="{PAGE}"' in _client(personas.team_manager).get("/").content.decode()
    assert f'href="{PAGE}"' not in _client(personas.link_worker).get("/").content.decode()


def test_chart_images_reuse_the_sections_the_page_built(personas: Personas) -> None:
    quarterly_records(personas)
    client = _client(personas.commissioner)
    client.get(PAGE, QUARTER)
    chart = reverse("reports:quarterly_chart", args=["connections-by-category"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(chart, QUARTER).status_code == 200
    assert not any("connections_connection" in q["sql"] for q in queries.captured_queries)
    # Another user (or other filters) never sees this user's cached sections.
    with CaptureQueriesContext(connection) as other:
        assert _client(personas.admin).get(chart, QUARTER).status_code == 200
    assert any("connections_connection" in q["sql"] for q in other.captured_queries)
