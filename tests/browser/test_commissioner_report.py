"""A commissioner opens the quarterly report on the demo data, sees its charts, and downloads a
table as CSV; axe-core finds no serious problem on the page."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.demo import reports as reports_demo
from linkwell.demo.loader import DEMO_PASSWORD, demo_load
from tests.browser.conftest import describe, serious_axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

COMMISSIONER = "analyst@demo.example.org"


@pytest.fixture
def demo() -> None:
    cache.clear()  # the report caches built sections per user pk for a short while
    demo_load(seed=42)
    reports_demo.load(seed=42)


def test_a_commissioner_reads_the_quarterly_report_and_downloads_a_table(
    page: Any, demo: None
) -> None:
    sign_in(page, COMMISSIONER, DEMO_PASSWORD)
    page.get_by_role("link", name="Quarterly report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly social prescribing report")
    expect(page.get_by_test_id("report-period")).to_contain_text(
        "area Oswestry and North Shropshire"
    )
    for title in ["Referrals", "Waiting times", "Outcomes", "Gaps in provision", "Patient stories"]:
        expect(page.get_by_role("heading", level=2, name=title, exact=True)).to_be_visible()
    # Charts are server-drawn SVG images that load and have a text alternative.
    charts = page.locator("img.app-report-chart")
    assert charts.count() >= 5
    first = charts.first
    first.scroll_into_view_if_needed()
    page.wait_for_function(
        "i => i.complete && i.naturalWidth > 0", arg=first.element_handle(), timeout=30_000
    )
    assert first.get_attribute("alt").startswith("Bar chart of")
    expect(page.get_by_test_id("story").first).to_be_visible()
    expect(page.get_by_text("A private story")).to_have_count(0)

    with page.expect_download() as info:
        page.get_by_test_id("csv-referrals-by-practice").click()
    download = info.value
    assert download.suggested_filename.endswith("-referrals-by-practice.csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0] == ["GP practice", "ODS code", "Referrals"]
    assert rows[-1][0] == "Total" and len(rows) > 3
    counts = [r[2] for r in rows[1:]]
    assert all(c == SUPPRESSED or (c.isdigit() and (int(c) == 0 or int(c) >= 8)) for c in counts)
    assert all(c == SUPPRESSED or int(c) % 5 == 0 for c in counts)

    violations = serious_axe_violations(page)
    assert not violations, describe(violations)
